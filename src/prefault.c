#include "config.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "prefault.h"

int
prefault_heap(size_t bytes)
{
#if defined(__SANITIZE_ADDRESS__) || !defined(MADV_POPULATE_WRITE) || \
    !defined(M_MMAP_THRESHOLD) || !defined(M_TRIM_THRESHOLD)
	(void)bytes;
	return -1;
#else
	long	 page = sysconf(_SC_PAGESIZE);
	uintptr_t first;
	size_t	 len;
	char	*p;
	int	 rc;

	/*
	 * Blocks up to 8 MiB from the heap, not from mappings of their own
	 * (xmlmem's chunks are 256 KiB: glibc would map each anew, its pages
	 * unpopulated), and the heap's top kept while the process lives, so
	 * that the populated pages are what later blocks are cut from.
	 */
	if (page <= 0 || bytes < (size_t)page ||
	    mallopt(M_MMAP_THRESHOLD, 8 << 20) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, 64 << 20) != 1 ||
	    (p = malloc(bytes)) == NULL)
		return -1;
	first = ((uintptr_t)p + (uintptr_t)page - 1) &
	    ~((uintptr_t)page - 1);
	len = (bytes - (size_t)(first - (uintptr_t)p)) & ~((size_t)page - 1);
	rc = madvise((void *)first, len, MADV_POPULATE_WRITE);
	free(p);
	return rc == 0 ? 0 : -1;
#endif
}
