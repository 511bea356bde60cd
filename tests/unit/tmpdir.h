/* Temporary directories for the unit tests, removed without a shell. */
#ifndef RATHAUS_TEST_TMPDIR_H
#define RATHAUS_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#define TMPDIR_MAX	64

static inline int
tmpdir_make(char dir[TMPDIR_MAX], const char *what)
{
	snprintf(dir, TMPDIR_MAX, "/tmp/rathaus-%s-XXXXXX", what);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static inline int
tmpdir_unlink(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
tmpdir_remove(const char *dir)
{
	if (nftw(dir, tmpdir_unlink, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

#endif
