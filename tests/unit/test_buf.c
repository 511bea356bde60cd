#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "text.h"

static void
test_buf_grows_and_terminates(void **state)
{
	struct buf b;
	int	 i;

	(void)state;
	buf_init(&b, 0);
	assert_string_equal(buf_str(&b), "");
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_addch(&b, 'x'), 0);
	assert_int_equal(b.len, 1000);
	assert_int_equal(strlen(buf_str(&b)), 1000);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "z"), 0);
	assert_string_equal(buf_str(&b) + 1000, "42-z");
	buf_free(&b);
}

static void
test_buf_bound_is_hard(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	assert_int_equal(buf_addch(&b, '9'), -1);
	assert_true(b.failed);
	/* After a failure nothing more is appended, and steal says so. */
	assert_int_equal(buf_addstr(&b, ""), -1);
	assert_null(buf_steal(&b));
	buf_free(&b);
}

static void
test_text_utf8(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("M\xc3\xbcller", 7));
	assert_true(text_utf8_valid("\xe2\x82\xac", 3));		/* euro */
	assert_true(text_utf8_valid("\xf0\x9f\x98\x80", 4));	/* emoji */
	assert_false(text_utf8_valid("\xc3", 1));		/* truncated */
	assert_false(text_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(text_utf8_valid("\xe0\x80\xaf", 3));	/* overlong */
	assert_false(text_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(text_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(text_utf8_valid("\xff", 1));
	assert_false(text_utf8_valid("a\x80", 2));		/* stray continuation */
}

static void
test_text_numbers(void **state)
{
	long	 v;

	(void)state;
	assert_int_equal(text_to_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(text_to_long("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(text_to_long("", 0, 100, &v), -1);
	assert_int_equal(text_to_long(" 4", 0, 100, &v), -1);
	assert_int_equal(text_to_long("4 ", 0, 100, &v), -1);
	assert_int_equal(text_to_long("4x", 0, 100, &v), -1);
	assert_int_equal(text_to_long("101", 0, 100, &v), -1);
	assert_int_equal(text_to_long("99999999999999999999999", 0, 100, &v), -1);
	assert_int_equal(text_to_long("+4", 0, 100, &v), -1);
}

static void
test_text_fold(void **state)
{
	(void)state;
	assert_true(text_contains_folded("Hundesteuer", "hund"));
	assert_true(text_contains_folded("Osterfeuer anmelden", "osterfeuer"));
	assert_true(text_contains_folded("Gro\xc3\x9f" "e STRASSE", "grosse strasse"));
	assert_true(text_contains_folded("B\xc3\xbc" "rgerb\xc3\xbc" "ro", "burgerburo"));
	assert_false(text_contains_folded("Hund", "katze"));
}

static void
test_text_controls(void **state)
{
	(void)state;
	assert_false(text_has_controls("line\nnext\ttab\r"));
	assert_true(text_has_controls("bell\a"));
	assert_true(text_has_controls("esc\x1b[0m"));
	assert_true(text_has_controls("del\x7f"));
	assert_true(text_has_controls("nonchar \xef\xbf\xbf"));
	assert_true(text_has_controls("nonchar \xef\xbf\xbe"));
	assert_true(text_has_controls("c1 \xc2\x85"));
	assert_false(text_has_controls("\xef\xbf\xbd \xc2\xa0 M\xc3\xbcller"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_terminates),
		cmocka_unit_test(test_buf_bound_is_hard),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_text_numbers),
		cmocka_unit_test(test_text_fold),
		cmocka_unit_test(test_text_controls),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
