#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <cmocka.h>

#include "ref.h"

/* getrandom is wrapped (-Wl,--wrap=getrandom): the test decides. */
ssize_t	__wrap_getrandom(void *, size_t, unsigned int);
ssize_t	__real_getrandom(void *, size_t, unsigned int);

ssize_t
__wrap_getrandom(void *buf, size_t len, unsigned int flags)
{
	int	 mode = mock_type(int);

	if (mode < 0) {
		errno = EIO;
		return -1;
	}
	if (mode == 0)
		return __real_getrandom(buf, len, flags);
	/* mode > 0: hand out bytes of value `mode`, at most 3 at a time. */
	if (len > 3)
		len = 3;
	memset(buf, mode, len);
	return (ssize_t)len;
}

static void
test_ref_format(void **state)
{
	char	 ref[REF_MAX];

	(void)state;
	assert_int_equal(ref_format(ref, 2026, 123), 0);
	assert_int_equal(strlen(ref), 13);
	assert_memory_equal(ref, "2026-000123-", 12);
	assert_true(ref_valid(ref));
	assert_int_equal(ref_format(ref, 2026, 0), -1);
	assert_int_equal(ref_format(ref, 99, 1), -1);
	assert_int_equal(ref_format(ref, 2026, 1234567), 0);
	assert_memory_equal(ref, "2026-1234567-", 13);
	assert_true(ref_valid(ref));
}

/* Damm: known value from the literature, 572 -> check digit 4. */
static void
test_ref_damm_known(void **state)
{
	(void)state;
	assert_int_equal(ref_damm("572"), 4);
	assert_int_equal(ref_damm("5724"), 0);
	assert_int_equal(ref_damm("5-7-2"), 4);
}

/* Every single-digit error and every neighbour swap is caught. */
static void
test_ref_check_digit_catches_typos(void **state)
{
	char	 ref[REF_MAX], bad[REF_MAX];
	long	 seq;
	size_t	 i, len;
	char	 c;

	(void)state;
	for (seq = 1; seq < 3000; seq += 7) {
		assert_int_equal(ref_format(ref, 2026, seq), 0);
		len = strlen(ref);
		for (i = 0; i < len; i++) {
			if (ref[i] == '-')
				continue;
			for (c = '0'; c <= '9'; c++) {
				if (c == ref[i])
					continue;
				memcpy(bad, ref, len + 1);
				bad[i] = c;
				assert_false(ref_valid(bad));
			}
			if (i + 1 < len && ref[i + 1] != '-' && ref[i] != ref[i + 1]) {
				memcpy(bad, ref, len + 1);
				bad[i] = ref[i + 1];
				bad[i + 1] = ref[i];
				assert_false(ref_valid(bad));
			}
		}
	}
}

static void
test_ref_valid_shape(void **state)
{
	(void)state;
	assert_false(ref_valid(""));
	assert_false(ref_valid("2026-00012-3"));
	assert_false(ref_valid("2026_000123-4"));
	assert_false(ref_valid("2026-000123-"));
	assert_false(ref_valid("2026-000123-44"));
	assert_false(ref_valid("abcd-000123-4"));
}

static void
test_ref_token_hex_and_short_reads(void **state)
{
	char	 t[REF_TOKEN_LEN + 1];

	(void)state;
	/* Short reads are retried until 16 bytes are there. */
	for (int i = 0; i < 6; i++)
		will_return(__wrap_getrandom, 0xab);
	assert_int_equal(ref_token(t), 0);
	assert_int_equal(strlen(t), 32);
	assert_string_equal(t, "abababababababababababababababab");
}

static void
test_ref_token_failure_is_reported(void **state)
{
	char	 t[REF_TOKEN_LEN + 1];

	(void)state;
	will_return(__wrap_getrandom, -1);
	assert_int_equal(ref_token(t), -1);
}

static void
test_ref_token_random(void **state)
{
	char	 a[REF_TOKEN_LEN + 1], b[REF_TOKEN_LEN + 1];

	(void)state;
	will_return(__wrap_getrandom, 0);
	will_return(__wrap_getrandom, 0);
	assert_int_equal(ref_token(a), 0);
	assert_int_equal(ref_token(b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
}

static void
test_ref_equal(void **state)
{
	(void)state;
	assert_true(ref_equal("abc", "abc"));
	assert_false(ref_equal("abd", "abc"));
	assert_false(ref_equal("ab", "abc"));
	assert_false(ref_equal("abcd", "abc"));
	assert_false(ref_equal("", "abc"));
	assert_true(ref_equal("", ""));
}

/*
 * HMAC-SHA256 as Python's hmac module computes it for the same bytes (the
 * key and message of RFC 4231's test case 2, with the NUL that ends each
 * part), and the parts' separators.
 */
static void
test_ref_mac(void **state)
{
	const char *const jefe[] = { "what do ya want for nothing?" };
	const char *const ab_c[] = { "ab", "c" }, *const a_bc[] = { "a", "bc" };
	char	 hex[65], x[17], y[17];

	(void)state;
	assert_int_equal(ref_mac((const unsigned char *)"Jefe", 4, jefe, 1,
	    hex, sizeof(hex)), 0);
	assert_string_equal(hex, "4fd2cd52032b7d4c8c0faac64edd70d0"
	    "83ded8a88aaf5bb3b60c8e40a83de008");
	assert_int_equal(ref_mac((const unsigned char *)"Jefe", 4, jefe, 0,
	    hex, sizeof(hex)), 0);
	assert_string_equal(hex, "923598ca6d64af2a5dba79dcd021a8a0"
	    "fe5c5f557519adaaf0ad532d4506dd30");
	assert_int_equal(ref_mac((const unsigned char *)"Jefe", 4, jefe, 1,
	    x, sizeof(x)), 0);
	assert_string_equal(x, "4fd2cd52032b7d4c");
	/* "ab","c" and "a","bc" must not give the same MAC. */
	assert_int_equal(ref_mac((const unsigned char *)"k", 1, ab_c, 2, x,
	    sizeof(x)), 0);
	assert_int_equal(ref_mac((const unsigned char *)"k", 1, a_bc, 2, y,
	    sizeof(y)), 0);
	assert_string_not_equal(x, y);
	/* Another key, another MAC. */
	assert_int_equal(ref_mac((const unsigned char *)"K", 1, ab_c, 2, y,
	    sizeof(y)), 0);
	assert_string_not_equal(x, y);
	assert_int_equal(ref_mac((const unsigned char *)"k", 1, ab_c, 2, y,
	    1), -1);
	assert_int_equal(ref_mac((const unsigned char *)"k", 1, ab_c, 2, y,
	    66), -1);
}

/* A bound value passes for its owner and secret only, and only whole. */
static void
test_ref_bind(void **state)
{
	unsigned char s1[REF_SECRET_LEN], s2[REF_SECRET_LEN];
	char	 v[REF_TOKEN_LEN + 1], w[REF_TOKEN_LEN + 1];

	(void)state;
	memset(s1, 1, sizeof(s1));
	memset(s2, 2, sizeof(s2));
	will_return(__wrap_getrandom, 0);
	will_return(__wrap_getrandom, 0);
	assert_int_equal(ref_bind(s1, "mustermann", v), 0);
	assert_int_equal(ref_bind(s1, "mustermann", w), 0);
	assert_true(ref_hex_ok(v));
	assert_string_not_equal(v, w);		/* a nonce each */
	assert_true(ref_bound(s1, "mustermann", v));
	assert_true(ref_bound(s1, "mustermann", w));
	assert_false(ref_bound(s1, "musterfrau", v));
	assert_false(ref_bound(s2, "mustermann", v));
	v[REF_TOKEN_LEN - 1] = v[REF_TOKEN_LEN - 1] == '0' ? '1' : '0';
	assert_false(ref_bound(s1, "mustermann", v));
	v[0] = v[0] == '0' ? '1' : '0';		/* another nonce, old MAC */
	assert_false(ref_bound(s1, "mustermann", v));
	assert_false(ref_bound(s1, "mustermann", ""));
	assert_false(ref_bound(s1, "mustermann", NULL));
	assert_false(ref_bound(s1, "mustermann", "0123456789ABCDEF0123456789abcdef"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref_format),
		cmocka_unit_test(test_ref_damm_known),
		cmocka_unit_test(test_ref_check_digit_catches_typos),
		cmocka_unit_test(test_ref_valid_shape),
		cmocka_unit_test(test_ref_token_hex_and_short_reads),
		cmocka_unit_test(test_ref_token_failure_is_reported),
		cmocka_unit_test(test_ref_token_random),
		cmocka_unit_test(test_ref_equal),
		cmocka_unit_test(test_ref_mac),
		cmocka_unit_test(test_ref_bind),
	};

	return cmocka_run_group_tests_name("ref", tests, NULL, NULL);
}
