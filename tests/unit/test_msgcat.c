/*
 * msgcat: which text wins for a key and language (the town's in the
 * language, ours in it, the town's German, ours), escapes through the
 * cache file, the file read instead of the sources, a changed source
 * making a new file.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "msgcat.h"
#include "tmpdir.h"

struct fixture {
	char	 dir[TMPDIR_MAX];
	char	 ours[TMPDIR_MAX + 16];
	char	 own[TMPDIR_MAX + 16];
	char	 cache[TMPDIR_MAX + 16];
};

static int
write_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

#define MSG(k, de, en) "<msg key=\"" k "\"><text xml:lang=\"de\">" de \
	"</text><text xml:lang=\"en\">" en "</text></msg>\n"

static const char ours_xml[] = "<messages>\n"
    MSG("a", "A ours", "A ours en")
    "<msg key=\"b\"><text xml:lang=\"de\">B ours</text></msg>\n"
    MSG("c", "C ours", "C ours en")
    MSG("esc", "Zeile 1\nZeile\t2 \\ Ende", "x")
    "</messages>\n";
static const char own_xml[] = "<messages>\n"
    "<msg key=\"a\"><text xml:lang=\"en\">A own en</text></msg>\n"
    "<msg key=\"b\"><text xml:lang=\"de\">B own</text></msg>\n"
    "<msg key=\"d\"><text xml:lang=\"de\">D own</text></msg>\n"
    "</messages>\n";

static int
setup(void **state)
{
	static struct fixture f;

	if (tmpdir_make(f.dir, "msgcat") != 0)
		return -1;
	snprintf(f.ours, sizeof(f.ours), "%s/ours.xml", f.dir);
	snprintf(f.own, sizeof(f.own), "%s/own.xml", f.dir);
	snprintf(f.cache, sizeof(f.cache), "%s/cache", f.dir);
	if (write_file(f.ours, ours_xml) != 0 ||
	    write_file(f.own, own_xml) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	return 0;
}

static void
test_msgcat_which_text_wins(void **state)
{
	struct fixture *f = *state;
	struct msgcat en, de, plain;

	assert_int_equal(msgcat_build(&en, f->ours, f->own, "en"), 0);
	assert_string_equal(msgcat_get(&en, "a"), "A own en");
	assert_string_equal(msgcat_get(&en, "b"), "B own");	/* own de */
	assert_string_equal(msgcat_get(&en, "c"), "C ours en");
	assert_string_equal(msgcat_get(&en, "d"), "D own");
	assert_null(msgcat_get(&en, "nope"));
	assert_int_equal(msgcat_build(&de, f->ours, f->own, "de"), 0);
	assert_string_equal(msgcat_get(&de, "a"), "A ours");
	assert_string_equal(msgcat_get(&de, "b"), "B own");
	/* No town file: ours alone. */
	assert_int_equal(msgcat_build(&plain, f->ours, NULL, "en"), 0);
	assert_string_equal(msgcat_get(&plain, "a"), "A ours en");
	assert_string_equal(msgcat_get(&plain, "b"), "B ours");
	assert_null(msgcat_get(&plain, "d"));
	msgcat_free(&en);
	msgcat_free(&de);
	msgcat_free(&plain);
}

static void
test_msgcat_no_catalog_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct msgcat c;
	char	 missing[TMPDIR_MAX + 16];

	snprintf(missing, sizeof(missing), "%s/none.xml", f->dir);
	assert_int_equal(msgcat_build(&c, missing, f->own, "de"), -1);
	assert_int_equal(msgcat_load(&c, f->cache, missing, NULL, "de"), -1);
	assert_int_equal(msgcat_load(&c, f->cache, f->ours, NULL, "../x"),
	    -1);
}

/* Count the files in `dir` whose name starts with `prefix`. */
static int
count_files(const char *dir, const char *prefix, char *last, size_t size)
{
	struct dirent *de;
	DIR	*d;
	int	 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			n++;
			snprintf(last, size, "%s/%s", dir, de->d_name);
		}
	closedir(d);
	return n;
}

static void
test_msgcat_file_is_made_once_and_read(void **state)
{
	struct fixture *f = *state;
	struct msgcat c;
	char	 file[512];
	FILE	*fp;

	assert_int_equal(msgcat_load(&c, f->cache, f->ours, f->own, "de"), 0);
	assert_string_equal(msgcat_get(&c, "esc"), "Zeile 1\nZeile\t2 \\ Ende");
	msgcat_free(&c);
	assert_int_equal(count_files(f->cache, "messages-de-", file,
	    sizeof(file)), 1);
	/* The next load reads the file, not the sources. */
	assert_non_null(fp = fopen(file, "a"));
	fputs("extra\tfrom the file\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(msgcat_load(&c, f->cache, f->ours, f->own, "de"), 0);
	assert_string_equal(msgcat_get(&c, "extra"), "from the file");
	assert_string_equal(msgcat_get(&c, "esc"), "Zeile 1\nZeile\t2 \\ Ende");
	msgcat_free(&c);
	/* A changed source: a new file with the new text. */
	assert_int_equal(write_file(f->own, "<messages><msg key=\"a\"><text "
	    "xml:lang=\"de\">A changed</text></msg></messages>"), 0);
	assert_int_equal(msgcat_load(&c, f->cache, f->ours, f->own, "de"), 0);
	assert_string_equal(msgcat_get(&c, "a"), "A changed");
	assert_null(msgcat_get(&c, "extra"));
	msgcat_free(&c);
	assert_int_equal(count_files(f->cache, "messages-de-", file,
	    sizeof(file)), 2);	/* the old one goes once a minute old */
}

/* Without a cache directory that can be made: merged all the same. */
static void
test_msgcat_unwritable_cache(void **state)
{
	struct fixture *f = *state;
	struct msgcat c;
	char	 cache[TMPDIR_MAX + 32];

	snprintf(cache, sizeof(cache), "%s/no/such/dir", f->dir);
	assert_int_equal(msgcat_load(&c, cache, f->ours, f->own, "en"), 0);
	assert_string_equal(msgcat_get(&c, "a"), "A own en");
	msgcat_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_msgcat_which_text_wins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgcat_no_catalog_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_msgcat_file_is_made_once_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msgcat_unwritable_cache,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
