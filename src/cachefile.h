/*
 * cachefile: files made from others and kept in <data_dir>/cache (the
 * merged message catalogs, a CGI's kept pages): named by a hash of what
 * they were made from, written whole or not at all (a temporary file
 * renamed), and removed once what they were made from is gone. Anything
 * in the directory may be deleted at any time; it is made again.
 */
#ifndef RATHAUS_CACHEFILE_H
#define RATHAUS_CACHEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "stamp.h"

#define CACHEFILE_HASH_INIT	0xcbf29ce484222325ULL

/* <data_dir>/cache into `out`; 0, or -1 when it does not fit. */
int	 cachefile_dir(const char *data_dir, char *out, size_t size);
/* FNV-1a, 64 bits, of `len` bytes, continuing `h`. */
uint64_t cachefile_hash(uint64_t h, const void *data, size_t len);
/* `h` continued with a file's path and stamp (stamp.h; NULL: the
 * file's now, all zero when it cannot be read): changes when it does. */
uint64_t cachefile_stamp(uint64_t h, const char *path,
	    const struct stamp *);

/* All of `path` (at most `max` bytes), NUL-terminated, its length in
 * *len; NULL with errno (ENOENT: no such file; EFBIG: larger). */
char	*cachefile_read(const char *path, size_t max, size_t *len);
/* `data` as `path` in `dir` (made 0750 if missing), whole or not at
 * all; 0, or -1. */
int	 cachefile_write(const char *dir, const char *path, const void *data,
	    size_t len);
/* Files in `dir` named prefix...suffix older than `age_s` go (but
 * `keep`, or NULL), and temporary files a writer left an hour ago. */
void	 cachefile_prune(const char *dir, const char *prefix,
	    const char *suffix, time_t age_s, const char *keep);
/* `dir` and the files in it go (`rathaus init`: after an upgrade, or
 * files made by another user than the web server's); 0, or -1. */
int	 cachefile_remove(const char *dir);

#endif
