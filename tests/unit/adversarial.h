/*
 * Long answers that make a backtracking regexp engine (libxml2's) work
 * hardest: one or two characters over and over, up to the request
 * limit for a value, and at the end a line break, which "." does not
 * take, so that the match fails only there, after every way of reading
 * the rest has been tried. (Not a control character: libxml2 stops at
 * one, as XML cannot hold it, and would never show the backtracking.) Shared by tests/unit/test_form.c (every shipped
 * pattern ends, under a watchdog) and bench/patterns.c (how long).
 */
#ifndef RATHAUS_TEST_ADVERSARIAL_H
#define RATHAUS_TEST_ADVERSARIAL_H

#include <stdlib.h>
#include <string.h>

#define ADVERSARIAL_LEN	(64 * 1024)	/* the request layer's value limit */

/* `fill` over and over, then "\n": ADVERSARIAL_LEN bytes and a NUL. */
static inline void
adversarial_value(char *v, const char *fill)
{
	size_t	 n = strlen(fill), i;

	for (i = 0; i + 1 < ADVERSARIAL_LEN; i++)
		v[i] = fill[i % n];
	v[ADVERSARIAL_LEN - 1] = '\n';
	v[ADVERSARIAL_LEN] = '\0';
}

/*
 * fn(value, arg) for each fill: every printable ASCII character, "ä"
 * and "€", and every ordered pair of the distinct ASCII characters the
 * pattern itself names. Stops at the first non-zero fn; -1 without
 * memory.
 */
static inline int
adversarial_each(const char *re, int (*fn)(const char *, void *), void *arg)
{
	static const char *const wide[] = { "\xc3\xa4", "\xe2\x82\xac" };
	char	 seen[128], fill[3], *v;
	size_t	 i, j, n = 0;
	int	 rc = 0, c;

	if ((v = malloc(ADVERSARIAL_LEN + 1)) == NULL)
		return -1;
	for (c = 0x20; c < 0x7f && rc == 0; c++) {
		fill[0] = (char)c;
		fill[1] = '\0';
		adversarial_value(v, fill);
		rc = fn(v, arg);
	}
	for (i = 0; i < 2 && rc == 0; i++) {
		adversarial_value(v, wide[i]);
		rc = fn(v, arg);
	}
	for (; *re != '\0'; re++)
		if ((unsigned char)*re >= 0x20 && (unsigned char)*re < 0x7f &&
		    memchr(seen, *re, n) == NULL)
			seen[n++] = *re;
	for (i = 0; i < n && rc == 0; i++)
		for (j = 0; j < n && rc == 0; j++) {
			if (i == j)
				continue;
			fill[0] = seen[i];
			fill[1] = seen[j];
			fill[2] = '\0';
			adversarial_value(v, fill);
			rc = fn(v, arg);
		}
	free(v);
	return rc;
}

#endif
