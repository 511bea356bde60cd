#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <cmocka.h>

#include <libxml/xmlregexp.h>

#include "pattern.h"

#define L	PATTERN_LENGTH_MAX

/*
 * Measured with bench/patterns and by hand on libxml2 2.9.14, on one
 * 64 KiB answer of one or two characters over and over: each ran for
 * more than 10 s, or into libxml2's limit of 10 million backtracking
 * steps (after 0.3 to 2 s; it then refuses the answer whatever it is).
 */
static const char *const slow[] = {
	".*.*x", ".*.*.*x", "a*a*x", "a+a+x", "[a-z]*[a-z]*x", "a*b*a*x",
	"a+ ?a+x", "[a-z]*[0-9]*[a-z]*x", "a*(b|a)*x", "(a*)+a*x",
	"(a?)*a*x", "a*(a?)*x", "(a*)*(a*)*x", "[^,]*,?[^,]*x", "a*aa*x",
	"[a-z]+a[a-z]+x", "\\d+\\s?\\d+", ".+@.+", "(a|aa)+", "(aa+)+x",
	"(a+a)+x", "(a{2,})*x", "(.*,)*x", "(a|b|ab)*x", "(a|b)*(a|c)*x",
	"a{1,60000}a{1,60000}x", ".{0,10000}.{0,10000}x",
	"(a{0,30}){0,30}x", "(.{0,32}){0,7}x",
};

/* Measured fast (a few ms at most), including nested repetitions. */
static const char *const fast[] = {
	".*x", "(a*)*x", "(a+)+x", "(a+b?)+x", "(a+ ?)+x", "[a-z]+[0-9]+x",
	".*a{5}x", "(ab|a)*x", "[^,]*,[^,]*x", "[a-z]+(\\.[a-z]+)*",
	"([a-z]+\\.?)+x", "([a-z]+ ?)+x", "([a-z]+\\.)*[a-z]+x",
	"[A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,30}",
	"(a{0,5}){0,5}x", "[a-z]{0,30}[a-z]{0,30}x", "\\d{4}-\\d{2}-\\d{2}",
	"[\\p{L} .'\\-]+", "[A-Za-zÄÖÜäöüß .'\\-]+", "[äöü]+[€]+",
	/* the shipped ones */
	"\\+?[0-9 ()/\\-]{5,30}", "[A-Za-z0-9]{8,12}", "[0-9 ]+", "[0-9]{15}",
	"(HRA|HRB|GnR|PR|VR|GsR) ?[0-9]{1,7}( ?[A-Z]{1,2})?", "26639", "ja",
};

/*
 * Fast, but refused all the same: where the check must guess it guesses
 * slow. Non-ASCII classes may overlap; a repetition of two equal
 * alternatives is ambiguous on paper (libxml2 merges them).
 */
static const char *const refused_fast[] = {
	"(a|a)*x", "[\\p{Lu}]+[\\p{Ll}]+", "a{0,100}a{0,100}x",
};

static void
test_pattern_measured_slow(void **state)
{
	char	 why[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(slow) / sizeof(slow[0]); i++)
		if (pattern_check(slow[i], L, why, sizeof(why)) == PATTERN_OK)
			fail_msg("accepted: %s", slow[i]);
}

static void
check_bites(int sig)
{
	static const char msg[] = "pattern_check still running after 5 s\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

/*
 * The check itself ends soon on any pattern (it runs in a citizen's
 * request when a changed definition is first loaded): counted repetitions
 * nested deep make thousands of copies, and the check gives up on them
 * instead of building them all. A watchdog, not a timer: before, the
 * fifth level took 7 s and the sixth over 100 s.
 */
static void
test_pattern_check_ends(void **state)
{
	static const char *const deep[] = {
		"(((((a{32}){32}){32}){32}){32})",
		"((((((a{32}){32}){32}){32}){32}){32})",
		"((((((((a{9,32}){9,32}){9,32}){9,32}){9,32}){9,32}){9,32}){9,32})",
	};
	char	 why[256];
	size_t	 i;

	(void)state;
	signal(SIGALRM, check_bites);
	for (i = 0; i < sizeof(deep) / sizeof(deep[0]); i++) {
		alarm(5);
		assert_int_not_equal(pattern_check(deep[i], 100, why,
		    sizeof(why)), PATTERN_OK);
		alarm(0);
	}
}

static void
test_pattern_measured_fast(void **state)
{
	char	 why[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
		if (pattern_check(fast[i], L, why, sizeof(why)) != PATTERN_OK)
			fail_msg("refused: %s: %s", fast[i], why);
	for (i = 0; i < sizeof(refused_fast) / sizeof(refused_fast[0]); i++)
		assert_int_not_equal(pattern_check(refused_fast[i], L, why,
		    sizeof(why)), PATTERN_OK);
}

/*
 * Bounded, but too much for a long answer: 31 paths open all along it
 * took 164 ms on 64 KiB. With a maxlength of 100 it is fine.
 */
static void
test_pattern_length_counts(void **state)
{
	char	 why[256];

	(void)state;
	assert_int_equal(pattern_check(".*[0-9]{1,30}x", L, why, sizeof(why)),
	    PATTERN_SLOW);
	assert_string_equal(why, "it tries 31 ways at once along an answer, "
	    "2031181 steps for 65536 characters (at most 1000000)");
	assert_int_equal(pattern_check(".*[0-9]{1,30}x", 100, why,
	    sizeof(why)), PATTERN_OK);
	assert_int_equal(pattern_check(".*[0-9]{1,30}x", -1, why,
	    sizeof(why)), PATTERN_SLOW);
}

/* The reason names the parts, by character (not byte) in the pattern. */
static void
test_pattern_says_where(void **state)
{
	char	 why[256];

	(void)state;
	assert_int_equal(pattern_check("ä*ä*", L, why, sizeof(why)), PATTERN_SLOW);
	assert_string_equal(why, "'ä' at character 1 and 'ä' at character 3 "
	    "can read the same text");
	assert_int_equal(pattern_check("x(a|aa)+", L, why, sizeof(why)),
	    PATTERN_SLOW);
	assert_string_equal(why, "'a' at character 3 can be read in more "
	    "than one way in a repetition");
	assert_int_equal(pattern_check("(.{0,32}){0,7}", L, why, sizeof(why)),
	    PATTERN_SLOW);
	assert_non_null(strstr(why, "in more than 1000 ways"));
	assert_int_equal(pattern_check("(((a{0,20}){0,20}){0,20})", L, why,
	    sizeof(why)), PATTERN_COMPLEX);
	assert_int_equal(pattern_check("[a-", L, why, sizeof(why)),
	    PATTERN_COMPLEX);
	assert_string_equal(why, "");
}

/*
 * The character sets the check computes hold every character libxml2's
 * class takes (they may hold more): wherever libxml2 takes c for P,
 * "(P)*(c)*" is two repetitions taking the same character, refused.
 */
static void
test_pattern_sets_cover_libxml2(void **state)
{
	static const char *const classes[] = {
		"a", ".", "\\d", "\\D", "\\s", "\\S", "\\w", "\\W", "\\i",
		"\\I", "\\c", "\\C", "[a-z]", "[^,]", "[\\p{L}]", "\\p{Lu}",
		"\\P{N}", "\\p{N}", "\\p{P}", "\\p{Po}", "\\p{S}", "\\p{Sm}",
		"\\p{Z}", "\\p{C}", "\\P{L}", "[a-]", "[-a]", "[a^b]",
		"[a-z-[aeiou]]", "[^a-z-[x]]", "\\-", "[\\-a-c]",
		"\\p{IsBasicLatin}", "\\p{IsGreek}", "\\P{IsBasicLatin}",
		"[^\\p{L}]", "[^\\d\\s]", "[a-c-e]", "[\\^x]", "[^^]", "[äöü]",
		"[À-ÿ]", "[^äöü]", "[\\p{Ll}\\d]", "\\^", "[\\n\\t]",
		"[{}()|.*+?]",
	};
	/* each character, and how to write it as an atom */
	static const char *const chars[][2] = {
		{ "a", "a" }, { "e", "e" }, { "x", "x" }, { "A", "A" },
		{ "0", "0" }, { "9", "9" }, { " ", " " }, { "\t", "\\t" },
		{ "\n", "\\n" }, { "\r", "\\r" }, { ",", "," }, { "-", "\\-" },
		{ "^", "\\^" }, { "$", "$" }, { "+", "\\+" }, { "=", "=" },
		{ "_", "_" }, { ":", ":" }, { ".", "\\." }, { "@", "@" },
		{ "~", "~" }, { "`", "`" }, { "|", "\\|" }, { "{", "\\{" },
		{ "(", "\\(" }, { "[", "\\[" }, { "\\", "\\\\" },
		{ "\"", "\"" }, { "'", "'" }, { "*", "\\*" }, { "/", "/" },
		{ "?", "\\?" }, { "ä", "ä" }, { "Ä", "Ä" }, { "ß", "ß" },
		{ "€", "€" }, { "é", "é" }, { "ÿ", "ÿ" }, { "α", "α" },
		{ "Ω", "Ω" }, { "٣", "٣" }, { "、", "、" }, { "　", "　" },
		{ "😀", "😀" }, { "\xc2\xa0", "\xc2\xa0" },
	};
	xmlRegexpPtr re;
	char	 both[128], why[256];
	size_t	 i, j, taken = 0;

	(void)state;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		assert_non_null(re = xmlRegexpCompile((const xmlChar *)
		    classes[i]));
		for (j = 0; j < sizeof(chars) / sizeof(chars[0]); j++) {
			if (xmlRegexpExec(re, (const xmlChar *)chars[j][0]) != 1)
				continue;
			taken++;
			snprintf(both, sizeof(both), "(%s)*(%s)*", classes[i],
			    chars[j][1]);
			if (pattern_check(both, 100, why, sizeof(why)) !=
			    PATTERN_SLOW)
				fail_msg("%s takes '%s', the check thinks not",
				    classes[i], chars[j][0]);
		}
		xmlRegFreeRegexp(re);
	}
	assert_true(taken > 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_measured_slow),
		cmocka_unit_test(test_pattern_measured_fast),
		cmocka_unit_test(test_pattern_check_ends),
		cmocka_unit_test(test_pattern_length_counts),
		cmocka_unit_test(test_pattern_says_where),
		cmocka_unit_test(test_pattern_sets_cover_libxml2),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
