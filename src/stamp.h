/*
 * stamp: what says a file changed since it was read: its modification
 * time with nanoseconds, its size and its inode (a file replaced by
 * rename has another). Kept beside what was made from the file (parsed
 * stylesheets, the configuration, files in <data_dir>/cache).
 */
#ifndef RATHAUS_STAMP_H
#define RATHAUS_STAMP_H

#include <stdint.h>
#include <sys/stat.h>

struct stamp {
	long long	 sec, nsec, size, ino;
	int		 exists;	/* 0: could not be read (all zero) */
};

void	 stamp_from_stat(const struct stat *, struct stamp *);
/* The stamp of `path`; 0, or -1 (it cannot be read: all zero). */
int	 stamp_of(const char *path, struct stamp *);
/* Both files exist and are the same. */
int	 stamp_same(const struct stamp *, const struct stamp *);

#endif
