#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachefile.h"

#define CACHEFILE_TMP		".tmp-"
#define CACHEFILE_TMP_AGE_S	3600

int
cachefile_dir(const char *data_dir, char *out, size_t size)
{
	return (size_t)snprintf(out, size, "%s/cache", data_dir) < size ? 0 :
	    -1;
}

uint64_t
cachefile_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
cachefile_stamp(uint64_t h, const char *path, const struct stamp *s)
{
	struct stamp now;
	long long v[4];

	if (s == NULL) {
		(void)stamp_of(path, &now);
		s = &now;
	}
	if (path == NULL)
		path = "";
	v[0] = s->sec;
	v[1] = s->nsec;
	v[2] = s->size;
	v[3] = s->ino;
	h = cachefile_hash(h, path, strlen(path) + 1);
	return cachefile_hash(h, v, sizeof(v));
}

char *
cachefile_read(const char *path, size_t max, size_t *len)
{
	struct stat st;
	size_t	 got = 0;
	ssize_t	 n;
	char	*data;
	int	 fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size < 0) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	if ((unsigned long long)st.st_size > max ||
	    (data = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		if ((n = read(fd, data + got, (size_t)st.st_size - got)) < 0 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*len = got;
	return data;
}

int
cachefile_write(const char *dir, const char *path, const void *data,
    size_t len)
{
	const char *p = data;
	char	 tmp[4096];
	size_t	 done = 0;
	ssize_t	 n;
	int	 fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/" CACHEFILE_TMP "XXXXXX",
	    dir) >= sizeof(tmp) || (mkdir(dir, 0750) != 0 && errno != EEXIST) ||
	    (fd = mkstemp(tmp)) < 0)
		return -1;
	while (rc == 0 && done < len) {
		if ((n = write(fd, p + done, len - done)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = -1;
		else
			done += (size_t)n;
	}
	if (fchmod(fd, 0640) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		(void)unlink(tmp);
	return rc;
}

/* Does `name` start with `prefix` and end with `suffix`? */
static int
cachefile_named(const char *name, const char *prefix, const char *suffix)
{
	size_t	 n = strlen(name), p = strlen(prefix), s = strlen(suffix);

	return n >= p + s && strncmp(name, prefix, p) == 0 &&
	    strcmp(name + n - s, suffix) == 0;
}

void
cachefile_prune(const char *dir, const char *prefix, const char *suffix,
    time_t age_s, const char *keep)
{
	char	 path[4096];
	struct dirent *de;
	struct stat st;
	time_t	 now = time(NULL), age;
	DIR	*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (cachefile_named(de->d_name, CACHEFILE_TMP, ""))
			age = CACHEFILE_TMP_AGE_S;
		else if (cachefile_named(de->d_name, prefix, suffix))
			age = age_s;
		else
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) ||
		    (keep != NULL && strcmp(path, keep) == 0) ||
		    lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    now - st.st_mtime < age)
			continue;
		(void)unlink(path);
	}
	closedir(d);
}

int
cachefile_remove(const char *dir)
{
	char	 path[4096];
	struct dirent *de;
	DIR	*d;
	int	 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) || unlink(path) != 0)
			rc = -1;
	}
	closedir(d);
	if (rmdir(dir) != 0)
		rc = -1;
	return rc;
}
