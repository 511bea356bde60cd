/*
 * prefault: the heap of a CGI process, which serves one request and ends,
 * made ready in one call instead of one page fault at a time. A check
 * page touches some 2 MiB of new heap (460 of its 750 page faults); in a
 * virtual machine every first touch of a page is a trap, and on the
 * machine of docs/PERFORMANCE.md those traps were a fifth of the
 * request's time. The kernel populates the pages in one call
 * (MADV_POPULATE_WRITE, Linux 5.14), and malloc hands them out after.
 */
#ifndef RATHAUS_PREFAULT_H
#define RATHAUS_PREFAULT_H

#include <stddef.h>

/* A CGI request's: what a check page touches. 3 MiB gained nothing more
 * (docs/PERFORMANCE.md). */
#define PREFAULT_CGI_BYTES	((size_t)2 << 20)

/* Before anything else in main; 0, or -1: nothing done (an older kernel,
 * or a sanitizer's malloc), the pages fault in one by one as before. */
int	 prefault_heap(size_t bytes);

#endif
