#include "config.h"

#include <string.h>

#include "stamp.h"

void
stamp_from_stat(const struct stat *st, struct stamp *s)
{
	memset(s, 0, sizeof(*s));
	s->sec = (long long)st->st_mtim.tv_sec;
	s->nsec = (long long)st->st_mtim.tv_nsec;
	s->size = (long long)st->st_size;
	s->ino = (long long)st->st_ino;
	s->exists = 1;
}

int
stamp_of(const char *path, struct stamp *s)
{
	struct stat st;

	if (path == NULL || *path == '\0' || stat(path, &st) != 0) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	stamp_from_stat(&st, s);
	return 0;
}

int
stamp_same(const struct stamp *a, const struct stamp *b)
{
	return a->exists && b->exists && a->sec == b->sec &&
	    a->nsec == b->nsec && a->size == b->size && a->ino == b->ino;
}
