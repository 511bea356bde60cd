/*
 * pagecache: a page kept in memory or in a file comes back with the next
 * visitor's key in it and never the first one's; a file that is not the
 * page asked for (another key, torn) is no page; pages of days gone go.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cachefile.h"
#include "pagecache.h"
#include "tmpdir.h"

static const char page[] = "<form><input name=\"_key\" value=\""
    "0123456789abcdef0123456789abcdef\"> <a href=\"?k="
    "0123456789abcdef0123456789abcdef\">x</a></form>";
static const char first[] = "0123456789abcdef0123456789abcdef";
static const char next[] = "fedcba9876543210fedcba9876543210";

static int
setup(void **state)
{
	static char dir[TMPDIR_MAX];

	if (tmpdir_make(dir, "pages") != 0)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	tmpdir_remove(*state);
	return 0;
}

/* What the next visitor gets: `next` at both places, `first` nowhere. */
static void
assert_next_visitors(const struct pagecache_entry *e)
{
	char	*html;

	assert_non_null(html = pagecache_copy(e, next));
	assert_null(strstr(html, first));
	assert_non_null(strstr(strstr(html, next) + 1, next));
	assert_int_equal(strlen(html), sizeof(page) - 1);
	free(html);
	assert_null(pagecache_copy(e, "short"));
	assert_null(pagecache_copy(e, NULL));
}

static void
test_pagecache_memory(void **state)
{
	struct pagecache c;
	const struct pagecache_entry *e;

	(void)state;
	memset(&c, 0, sizeof(c));
	pagecache_put(&c, "k1", page, sizeof(page) - 1, first, 1);
	assert_null(pagecache_get(&c, "k2"));
	assert_non_null(e = pagecache_get(&c, "k1"));
	assert_int_equal(e->ntokens, 2);
	assert_true(e->private_page);
	assert_null(memmem(e->html, e->len, first, strlen(first)));
	assert_next_visitors(e);
	pagecache_clear(&c);
	assert_null(pagecache_get(&c, "k1"));
}

/*
 * A persistent program's memos: a page of another document replaces the
 * memo of its slot (one a page and language, however many documents);
 * one older than PAGECACHE_MEMO_AGE_S is none, and goes; a kept page
 * stays whatever its age.
 */
static void
test_pagecache_memory_memos(void **state)
{
	static const char memo1[] = PAGECACHE_MEMO "status.xsl de /status/A|1 d1";
	static const char memo2[] = PAGECACHE_MEMO "status.xsl de /status/A|1 d2";
	static const char other[] = PAGECACHE_MEMO "status.xsl de /status/B|1 d1";
	struct pagecache c;
	const struct pagecache_entry *e;
	size_t	 i;

	(void)state;
	memset(&c, 0, sizeof(c));
	pagecache_put(&c, "kept", page, sizeof(page) - 1, first, 0);
	pagecache_put(&c, memo1, "one", 3, NULL, 1);
	pagecache_put(&c, other, "other", 5, NULL, 1);
	assert_non_null(e = pagecache_get(&c, memo1));
	assert_int_equal(e->len, 3);
	assert_int_equal(c.n, 3);
	pagecache_put(&c, memo2, "two", 3, NULL, 1);
	assert_int_equal(c.n, 3);
	assert_null(pagecache_get(&c, memo1));
	assert_non_null(e = pagecache_get(&c, memo2));
	assert_memory_equal(e->html, "two", 3);
	assert_non_null(pagecache_get(&c, other));
	/* Ten minutes and a second later, for every entry. */
	for (i = 0; i < c.n; i++)
		c.pages[i].made -= PAGECACHE_MEMO_AGE_S + 1;
	assert_null(pagecache_get(&c, memo2));
	assert_int_equal(c.n, 1);
	assert_null(pagecache_get(&c, other));
	assert_non_null(e = pagecache_get(&c, "kept"));
	assert_next_visitors(e);
	pagecache_clear(&c);
}

static void
test_pagecache_file(void **state)
{
	const char *dir = *state;
	struct pagecache_entry e;
	char	 cache[TMPDIR_MAX + 16];
	char	 path[512], *buf;
	struct dirent *de;
	DIR	*d;
	FILE	*f;
	long	 size;

	snprintf(cache, sizeof(cache), "%s/cache", dir);
	assert_int_equal(pagecache_load(cache, "7 /x  de 2026-12-03 ab", &e), 1);
	assert_int_equal(pagecache_save(cache, "7 /x  de 2026-12-03 ab", page,
	    sizeof(page) - 1, first, 1), 0);
	assert_int_equal(pagecache_load(cache, "7 /x  de 2026-12-03 ab", &e), 0);
	assert_int_equal(e.len, sizeof(page) - 1);
	assert_next_visitors(&e);
	pagecache_entry_free(&e);
	/* Another day, another page. */
	assert_int_equal(pagecache_load(cache, "7 /x  de 2026-12-04 ab", &e), 1);
	assert_int_equal(pagecache_load(cache, "bad\nkey", &e), -1);
	assert_int_equal(pagecache_save(cache, "bad\nkey", page,
	    sizeof(page) - 1, NULL, 0), -1);
	/* The file holds no visitor's key. */
	assert_non_null(d = opendir(cache));
	path[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".page") != NULL)
			snprintf(path, sizeof(path), "%s/%s", cache,
			    de->d_name);
	closedir(d);
	assert_non_null(f = fopen(path, "r+"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	assert_non_null(buf = calloc(1, (size_t)size + 1));
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	assert_null(strstr(buf, first));
	free(buf);
	/* Torn: one byte short is no page. */
	assert_int_equal(fclose(f), 0);
	assert_int_equal(truncate(path, size - 1), 0);
	assert_int_equal(pagecache_load(cache, "7 /x  de 2026-12-03 ab", &e), 1);
}

/* A file under the name of a key that holds another key is no page. */
static void
test_pagecache_file_of_another_key(void **state)
{
	const char *dir = *state;
	struct pagecache_entry e;
	char	 cache[TMPDIR_MAX + 16], from[512];
	char	 to[512];
	struct dirent *de;
	DIR	*d;

	snprintf(cache, sizeof(cache), "%s/cache", dir);
	assert_int_equal(pagecache_save(cache, "key one", page,
	    sizeof(page) - 1, NULL, 0), 0);
	assert_non_null(d = opendir(cache));
	from[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".page") != NULL)
			snprintf(from, sizeof(from), "%s/%s", cache,
			    de->d_name);
	closedir(d);
	/* Where "key two" would be. */
	assert_int_equal(pagecache_save(cache, "key two", "x", 1, NULL, 0), 0);
	assert_int_equal(pagecache_load(cache, "key two", &e), 0);
	assert_string_equal(e.html, "x");
	pagecache_entry_free(&e);
	assert_non_null(d = opendir(cache));
	to[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".page") != NULL &&
		    strstr(from, de->d_name) == NULL)
			snprintf(to, sizeof(to), "%s/%s", cache, de->d_name);
	closedir(d);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(pagecache_load(cache, "key two", &e), 1);
}

/* `path`'s times set `seconds` into the past. */
static void
make_old(const char *path, long seconds)
{
	struct timeval tv[2];

	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= seconds;
	tv[1] = tv[0];
	assert_int_equal(utimes(path, tv), 0);
}

/*
 * Saving prunes pages older than two days, a fresh one stays; the
 * directory is walked once in ten minutes at most (its "pruned" stamp).
 */
static void
test_pagecache_prunes_old_pages(void **state)
{
	const char *dir = *state;
	struct pagecache_entry e;
	char	 cache[TMPDIR_MAX + 16], old[512], stamp[TMPDIR_MAX + 32];
	struct dirent *de;
	DIR	*d;

	snprintf(cache, sizeof(cache), "%s/cache", dir);
	snprintf(stamp, sizeof(stamp), "%s/pruned", cache);
	assert_int_equal(pagecache_save(cache, "old", "o", 1, NULL, 0), 0);
	assert_non_null(d = opendir(cache));
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".page") != NULL)
			snprintf(old, sizeof(old), "%s/%s", cache, de->d_name);
	closedir(d);
	make_old(old, 3 * 24 * 3600);
	/* Walked a moment ago: not again yet. */
	make_old(stamp, 60);
	assert_int_equal(pagecache_save(cache, "new", "n", 1, NULL, 0), 0);
	assert_int_equal(pagecache_load(cache, "old", &e), 0);
	pagecache_entry_free(&e);
	make_old(stamp, 11 * 60);
	assert_int_equal(pagecache_save(cache, "new", "n", 1, NULL, 0), 0);
	assert_int_equal(pagecache_load(cache, "old", &e), 1);
	assert_int_equal(pagecache_load(cache, "new", &e), 0);
	pagecache_entry_free(&e);
}

/* `rathaus purge` forgets the memos (kept by their documents) only. */
static void
test_pagecache_forget_memos(void **state)
{
	const char *dir = *state;
	struct pagecache_entry e;
	char	 cache[TMPDIR_MAX + 16];

	snprintf(cache, sizeof(cache), "%s/cache", dir);
	assert_int_equal(pagecache_save(cache, PAGECACHE_MEMO "status 1 ab",
	    "m", 1, NULL, 1), 0);
	assert_int_equal(pagecache_save(cache, "2 / de", "k", 1, NULL, 0), 0);
	pagecache_forget_memos(cache);
	assert_int_equal(pagecache_load(cache, PAGECACHE_MEMO "status 1 ab",
	    &e), 1);
	assert_int_equal(pagecache_load(cache, "2 / de", &e), 0);
	assert_memory_equal(e.html, "k", 1);
	pagecache_entry_free(&e);
}

/* `rathaus init` empties the cache: the directory and its files go. */
static void
test_cachefile_remove(void **state)
{
	const char *dir = *state;
	char	 cache[TMPDIR_MAX + 16];
	struct stat st;

	snprintf(cache, sizeof(cache), "%s/cache", dir);
	assert_int_equal(cachefile_remove(cache), 0);	/* none: fine */
	assert_int_equal(pagecache_save(cache, "a", "x", 1, NULL, 0), 0);
	assert_int_equal(pagecache_save(cache, "b", "y", 1, NULL, 0), 0);
	assert_int_equal(cachefile_remove(cache), 0);
	assert_int_equal(stat(cache, &st), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagecache_memory),
		cmocka_unit_test(test_pagecache_memory_memos),
		cmocka_unit_test_setup_teardown(test_pagecache_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_pagecache_file_of_another_key, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pagecache_prunes_old_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagecache_forget_memos,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cachefile_remove, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
