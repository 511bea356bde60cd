#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "prefault.h"

#define MIB	(1024 * 1024)

static long
minor_faults(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

/*
 * After prefault_heap, blocks of the heap up to its size are written
 * without a page fault each: a 1 MiB block (256 pages of 4 KiB) costs
 * far fewer than one fault a page. Without it, each page faults.
 */
static void
test_prefault_heap_blocks_without_faults(void **state)
{
	long	 before, pages = MIB / sysconf(_SC_PAGESIZE);
	char	*a, *b;

	(void)state;
	if (prefault_heap(4 * MIB) != 0)
		skip();		/* a sanitizer's malloc, or Linux < 5.14 */
	before = minor_faults();
	a = malloc(MIB);
	b = malloc(MIB / 2);
	assert_non_null(a);
	assert_non_null(b);
	memset(a, 1, MIB);
	memset(b, 2, MIB / 2);
	assert_true(minor_faults() - before < pages / 8);
	assert_int_equal(a[MIB - 1] + b[MIB / 2 - 1], 3);
	free(a);
	free(b);
}

static void
test_prefault_heap_too_small(void **state)
{
	(void)state;
	assert_int_equal(prefault_heap(0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefault_heap_blocks_without_faults),
		cmocka_unit_test(test_prefault_heap_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
