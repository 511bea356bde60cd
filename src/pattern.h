/*
 * pattern: whether libxml2's regexp matcher can take very long for a
 * field's pattern. It matches by backtracking, so a pattern that can read
 * a text in more and more ways as the text grows costs polynomial or
 * exponential time in the answer's length: `.*.*x` runs for minutes on
 * 64 KiB. pattern_check finds such a pattern before an answer does; the
 * linter refuses it (docs/forms.md, "Patterns").
 */
#ifndef RATHAUS_PATTERN_H
#define RATHAUS_PATTERN_H

#include <stddef.h>

enum pattern_verdict {
	PATTERN_OK = 0,		/* bounded work on every answer */
	PATTERN_SLOW = -1,	/* does not: `why` says where */
	PATTERN_COMPLEX = -2	/* too large to check */
};

#define PATTERN_LENGTH_MAX	65536L	/* the request limit of a value */

enum pattern_verdict pattern_check(const char *re, long length, char *why,
	    size_t size);

#endif
