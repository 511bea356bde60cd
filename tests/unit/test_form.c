#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "buf.h"
#include "fee.h"
#include "form.h"
#include "tmpdir.h"
#include "adversarial.h"

/* A throw-away share directory: the real schema and clerks, chosen forms. */
struct fixture {
	char	 dir[TMPDIR_MAX];
	struct form_share share;
};

static void sh(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	struct buf cmd;
	va_list	 ap;

	buf_init(&cmd, 4096);
	va_start(ap, fmt);
	buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(buf_str(&cmd)), 0);
	buf_free(&cmd);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	struct buf path;
	FILE	*f;

	buf_init(&path, 4096);
	buf_printf(&path, "%s/forms/%s", dir, name);
	assert_non_null(f = fopen(buf_str(&path), "w"));
	fputs(text, f);
	fclose(f);
	buf_free(&path);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (tmpdir_make(f->dir, "form") != 0) {
		free(f);
		return -1;
	}
	sh("mkdir -p '%s/forms' '%s/data'", f->dir, f->dir);
	/* The directory is both: what rathaus ships (forms/form.rng,
	 * data/categories.xml) and a town's site (forms/, clerks.xml). */
	sh("cp " SRCDIR "/forms/form.rng " SRCDIR
	    "/examples/wiesmoor/site/forms/osterfeuer.xml '%s/forms/'", f->dir);
	sh("cp " SRCDIR "/examples/wiesmoor/site/clerks.xml '%s/'", f->dir);
	sh("cp " SRCDIR "/data/categories.xml '%s/data/'", f->dir);
	if (form_share_open(&f->share, f->dir, f->dir, NULL, NULL) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f == NULL)
		return 0;
	form_share_close(&f->share);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
test_form_loads_osterfeuer(void **state)
{
	struct fixture *fx = *state;
	struct form f;
	struct form_diag d;
	const struct form_field *date;

	form_diag_init(&d);
	assert_int_equal(form_load_id(&f, &fx->share, "osterfeuer", &d), 0);
	assert_int_equal(d.errors, 0);
	assert_string_equal(f.id, "osterfeuer");
	assert_string_equal(f.category, "ordnung");
	assert_int_equal(f.retention_days, 90);
	assert_string_equal(form_attr(fee_schedule(&f, &(struct when_date){ 2026, 3, 20 }), "cents"), "0");
	assert_non_null(form_clerk(&fx->share, f.clerk));
	assert_non_null(date = form_field(&f, "date"));
	assert_int_equal(date->type, FORM_DATE);
	assert_true(date->required);
	assert_non_null(date->deadline);
	assert_non_null(form_field(&f, "material"));
	assert_true(form_has_option(form_field(&f, "material"), "holz"));
	assert_false(form_has_option(form_field(&f, "material"), "reifen"));
	assert_null(form_field(&f, "nope"));
	form_free(&f);
	form_diag_free(&d);
}

static void
test_form_broken_file_says_where(void **state)
{
	struct fixture *fx = *state;
	struct form f;
	struct form_diag d;

	write_file(fx->dir, "broken.xml",
	    "<?xml version=\"1.0\"?>\n<service id=\"broken\">\n<title>\n</service>\n");
	form_diag_init(&d);
	assert_int_equal(form_load_id(&f, &fx->share, "broken", &d), -1);
	assert_true(d.errors > 0);
	assert_non_null(strstr(buf_str(&d.text), "/forms/broken.xml:4: not well-formed: "));
	form_diag_free(&d);
}

static void
test_form_unknown_clerk(void **state)
{
	struct fixture *fx = *state;
	struct form f;
	struct form_diag d;

	write_file(fx->dir, "noclerk.xml",
	    "<service id=\"noclerk\" version=\"1\" category=\"ordnung\">\n"
	    "<title xml:lang=\"de\">T</title>\n<title xml:lang=\"en\">T</title>\n"
	    "<clerk ref=\"nobody\"/>\n<fee cents=\"0\"/>\n"
	    "<page id=\"p\"><field name=\"a\" type=\"text\">"
	    "<label xml:lang=\"de\">A</label><label xml:lang=\"en\">A</label>"
	    "</field></page>\n</service>\n");
	form_diag_init(&d);
	assert_int_equal(form_load_id(&f, &fx->share, "noclerk", &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "noclerk.xml:4: unknown clerk 'nobody'"));
	form_diag_free(&d);
}

static void
test_form_id_must_match_file(void **state)
{
	struct fixture *fx = *state;
	struct form f;
	struct form_diag d;

	sh("cp '%s/forms/osterfeuer.xml' '%s/forms/other.xml'", fx->dir, fx->dir);
	form_diag_init(&d);
	assert_int_equal(form_load_id(&f, &fx->share, "other", &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "does not match"));
	form_diag_free(&d);
}

/* One broken definition never takes the others down. */
static void
test_form_catalog_skips_broken(void **state)
{
	struct fixture *fx = *state;
	struct form *forms;
	struct form_diag d;
	size_t	 n;

	write_file(fx->dir, "aaa-broken.xml", "<service");
	write_file(fx->dir, "notes.txt", "not a definition");
	form_diag_init(&d);
	assert_int_equal(form_catalog(&fx->share, &forms, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(forms[0].id, "osterfeuer");
	assert_non_null(strstr(buf_str(&d.text), "aaa-broken.xml:1: "));
	form_catalog_free(forms, n);
	form_diag_free(&d);
}

/* A minimal definition with `doctype` between the XML declaration and it. */
static void
write_with_doctype(const char *dir, const char *id, const char *doctype,
    const char *title)
{
	struct buf name, text;

	buf_init(&name, 256);
	buf_init(&text, 4096);
	buf_printf(&name, "%s.xml", id);
	buf_printf(&text, "<?xml version=\"1.0\"?>\n%s\n"
	    "<service id=\"%s\" version=\"1\" category=\"ordnung\">\n"
	    "<title xml:lang=\"de\">%s</title>\n<title xml:lang=\"en\">T</title>\n"
	    "<clerk ref=\"ordnung-2\"/>\n<fee cents=\"0\"/>\n"
	    "<page id=\"p\"><field name=\"a\" type=\"text\">"
	    "<label xml:lang=\"de\">A</label><label xml:lang=\"en\">A</label>"
	    "</field></page>\n</service>\n", doctype, id, title);
	write_file(dir, buf_str(&name), buf_str(&text));
	buf_free(&name);
	buf_free(&text);
}

/*
 * An external entity is never fetched nor expanded: the whole definition
 * is refused at its DOCTYPE, with a message at that line.
 */
static void
test_form_no_external_entities(void **state)
{
	struct fixture *fx = *state;
	struct form f;
	struct form_diag d;

	write_with_doctype(fx->dir, "xxe",
	    "<!DOCTYPE service [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
	    "&x;");
	form_diag_init(&d);
	assert_int_equal(form_load_id(&f, &fx->share, "xxe", &d), -1);
	assert_null(f.doc);
	assert_non_null(strstr(buf_str(&d.text),
	    "/forms/xxe.xml:2: a <!DOCTYPE> is not allowed"));
	assert_null(strstr(buf_str(&d.text), "root:"));
	form_diag_free(&d);
}

/*
 * A definition stored with a submission is shown, never used to check
 * answers: one kept from before the linter refused cyclic conditions
 * still opens, so that its receipt and status pages do.
 */
static void
test_form_stored_keeps_old_conditions(void **state)
{
	struct fixture *fx = *state;
	struct form_diag d;
	struct form f;

	form_diag_init(&d);
	assert_int_equal(form_load_stored(&f, &fx->share,
	    "<service id=\"s\" version=\"1\" category=\"ordnung\">"
	    "<title xml:lang=\"de\">T</title><clerk ref=\"ordnung-2\"/>"
	    "<fee cents=\"0\"/><page id=\"p\">"
	    "<field name=\"a\" type=\"radio\" when=\"b=ja\">"
	    "<label xml:lang=\"de\">A</label><option value=\"ja\">"
	    "<label xml:lang=\"de\">Ja</label></option></field>"
	    "<field name=\"b\" type=\"radio\" when=\"a=ja\">"
	    "<label xml:lang=\"de\">B</label><option value=\"ja\">"
	    "<label xml:lang=\"de\">Ja</label></option></field>"
	    "</page></service>", &d), 0);
	form_free(&f);
	form_diag_free(&d);
}

/*
 * No DOCTYPE anywhere the loader reads: not an internal entity (a
 * "billion laughs"), not an external DTD, not in the clerks, the
 * categories, a code list or a stored definition.
 */
static void
test_form_refuses_doctype(void **state)
{
	struct fixture *fx = *state;
	struct form_share share;
	struct form f;
	struct form_diag d;
	struct buf path;

	form_diag_init(&d);
	write_with_doctype(fx->dir, "laughs",
	    "<!DOCTYPE service [<!ENTITY a \"ha\"><!ENTITY b \"&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;\">]>", "&c;");
	assert_int_equal(form_load_id(&f, &fx->share, "laughs", &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "laughs.xml:2: "));
	write_with_doctype(fx->dir, "dtd",
	    "<!DOCTYPE service SYSTEM \"form.dtd\">", "T");
	assert_int_equal(form_load_id(&f, &fx->share, "dtd", &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "dtd.xml:2: "));

	/* A stored definition with a DOCTYPE is not read either. */
	assert_int_equal(form_load_stored(&f, &fx->share,
	    "<!DOCTYPE service [<!ENTITY x \"y\">]>\n"
	    "<service id=\"s\" version=\"1\" category=\"ordnung\">"
	    "<title xml:lang=\"de\">&x;</title><clerk ref=\"ordnung-2\"/>"
	    "<fee cents=\"0\"/><page id=\"p\"><field name=\"a\" type=\"text\">"
	    "<label xml:lang=\"de\">A</label></field></page></service>", &d),
	    -1);
	assert_non_null(strstr(buf_str(&d.text), "stored.xml:1: "));

	/* A code list with one: the field that names it is refused. */
	sh("mkdir -p '%s/data/codes'", fx->dir);
	buf_init(&path, 4096);
	buf_printf(&path, "%s/data/codes/liste.xml", fx->dir);
	sh("printf '%%s\\n' '<!DOCTYPE codes [<!ENTITY x \"y\">]>' "
	    "'<codes id=\"liste\"><code value=\"&x;\"><label xml:lang=\"de\">"
	    "L</label></code></codes>' > '%s'", buf_str(&path));
	write_file(fx->dir, "codes.xml",
	    "<service id=\"codes\" version=\"1\" category=\"ordnung\">\n"
	    "<title xml:lang=\"de\">T</title>\n<clerk ref=\"ordnung-2\"/>\n"
	    "<fee cents=\"0\"/>\n<page id=\"p\"><field name=\"a\" "
	    "type=\"select\" codes=\"liste\"><label xml:lang=\"de\">A</label>"
	    "</field></page>\n</service>\n");
	assert_int_equal(form_load_id(&f, &fx->share, "codes", &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "/data/codes/liste.xml:1: "));

	/* Nor the clerks or the categories: the share does not open. */
	buf_reset(&path);
	buf_printf(&path, "%s/data/categories.xml", fx->dir);
	sh("sed -i '1a <!DOCTYPE categories [<!ENTITY x \"y\">]>' '%s'",
	    buf_str(&path));
	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, NULL, &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "/data/categories.xml:2: "));
	sh("sed -i '2d' '%s'", buf_str(&path));
	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, NULL, &d), 0);
	form_share_close(&share);
	buf_reset(&path);
	buf_printf(&path, "%s/clerks.xml", fx->dir);
	sh("sed -i '1a <!DOCTYPE clerks SYSTEM \"clerks.dtd\">' '%s'",
	    buf_str(&path));
	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, NULL, &d), -1);
	assert_non_null(strstr(buf_str(&d.text), "/clerks.xml:2: "));
	buf_free(&path);
	form_diag_free(&d);
}

static long
count_lines(const char *path)
{
	FILE	*f = fopen(path, "r");
	long	 n = 0;
	int	 c;

	if (f == NULL)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * A definition that passed is remembered with its stamp: the next request
 * neither parses the schema nor validates it again, until the file changes.
 */
static void
test_form_cache_skips_known_definitions(void **state)
{
	struct fixture *fx = *state;
	struct form_share share;
	struct form f;
	struct form_diag d;
	struct buf cache, def;
	FILE	*fp;

	buf_init(&cache, 4096);
	buf_printf(&cache, "%s/definitions.ok", fx->dir);
	buf_init(&def, 4096);
	buf_printf(&def, "%s/forms/osterfeuer.xml", fx->dir);
	form_diag_init(&d);

	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, buf_str(&cache), &d), 0);
	assert_int_equal(form_load_id(&f, &share, "osterfeuer", &d), 0);
	assert_non_null(share.schema);		/* validated */
	form_free(&f);
	form_share_close(&share);
	assert_int_equal(count_lines(buf_str(&cache)), 1);

	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, buf_str(&cache), &d), 0);
	assert_int_equal(form_load_id(&f, &share, "osterfeuer", &d), 0);
	assert_null(share.schema);		/* known: schema never parsed */
	form_free(&f);
	form_share_close(&share);
	assert_int_equal(count_lines(buf_str(&cache)), 1);

	/* A changed file is validated again, and a broken one never cached. */
	assert_non_null(fp = fopen(buf_str(&def), "a"));
	fputs("<!-- changed -->\n", fp);
	fclose(fp);
	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, buf_str(&cache), &d), 0);
	assert_int_equal(form_load_id(&f, &share, "osterfeuer", &d), 0);
	assert_non_null(share.schema);
	form_free(&f);
	write_file(fx->dir, "broken.xml", "<service id=\"broken\"/>\n");
	assert_int_equal(form_load_id(&f, &share, "broken", &d), -1);
	form_share_close(&share);
	assert_int_equal(count_lines(buf_str(&cache)), 2);
	assert_true(d.errors > 0);	/* from broken.xml only */
	assert_null(strstr(buf_str(&d.text), "osterfeuer"));

	form_diag_free(&d);
	buf_free(&cache);
	buf_free(&def);
}

/*
 * A definition found good before the patterns were checked (its line in
 * the cache without FORM_CHECKS) is checked again: a pattern that takes
 * too long is refused, not trusted from the old line.
 */
static void
test_form_cache_from_older_checks(void **state)
{
	struct fixture *fx = *state;
	struct form_share share;
	struct form f;
	struct form_diag d;
	struct buf cache, def;
	struct stat st;
	struct timespec times[2];
	char	 text[4096], *at;
	size_t	 n;
	FILE	*fp;

	buf_init(&cache, 4096);
	buf_printf(&cache, "%s/definitions.ok", fx->dir);
	buf_init(&def, 4096);
	buf_printf(&def, "%s/forms/later.xml", fx->dir);
	form_diag_init(&d);
	write_with_doctype(fx->dir, "later", "", "T");
	sh("sed -i 's|type=\"text\">|type=\"text\" maxlength=\"9\" "
	    "pattern=\"a*b*c*\">|' '%s'", buf_str(&def));
	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, buf_str(&cache),
	    &d), 0);
	assert_int_equal(form_load_id(&f, &share, "later", &d), 0);
	form_free(&f);
	form_share_close(&share);
	assert_int_equal(count_lines(buf_str(&cache)), 1);

	/* The same file (size, inode, time: rewritten in place) with a slow
	 * pattern, and its cache line as a version without the pattern
	 * checks wrote it. */
	assert_int_equal(stat(buf_str(&def), &st), 0);
	assert_non_null(fp = fopen(buf_str(&def), "r+"));
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	assert_non_null(at = strstr(text, "a*b*c*"));
	memcpy(at, "a*a*a*", 6);
	assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, buf_str(&def), times, 0), 0);
	sh("sed -i 's|\t" "checks-2$||' '%s'", buf_str(&cache));
	assert_int_equal(form_share_open(&share, fx->dir, fx->dir, buf_str(&cache),
	    &d), 0);
	assert_int_equal(form_load_id(&f, &share, "later", &d), -1);
	form_share_close(&share);
	assert_non_null(strstr(buf_str(&d.text), "pattern 'a*a*a*' can take "
	    "very long"));
	form_diag_free(&d);
	buf_free(&cache);
	buf_free(&def);
}

/* What the watchdog names when it bites. */
static const char *volatile watched;

static void
watchdog(int sig)
{
	static const char msg[] = "pattern still running after 5 s: ";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	(void)!write(2, watched, strlen(watched));
	(void)!write(2, "\n", 1);
	_exit(1);
}

static int
exec_watched(const char *value, void *regexp)
{
	alarm(5);
	(void)xmlRegexpExec(regexp, (const xmlChar *)value);
	alarm(0);
	return 0;
}

/*
 * Every pattern and warn-pattern of the shipped forms ends on long
 * answers built to make a backtracking matcher work hardest (64 KiB,
 * adversarial.h). Not a speed test: the watchdog only catches a pattern
 * that runs for seconds; bench/patterns measures the real time.
 */
static void
test_form_shipped_patterns_end(void **state)
{
	static const char *const attrs[] = { "pattern", "warn-pattern" };
	struct form_share share;
	struct form *forms;
	struct form_diag d;
	const struct form_field *fld;
	size_t	 n, i, k, a, count = 0;

	(void)state;
	form_diag_init(&d);
	assert_int_equal(form_share_open(&share, SRCDIR,
	    SRCDIR "/examples/wiesmoor/site", NULL, &d), 0);
	assert_int_equal(form_catalog(&share, &forms, &n, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_true(signal(SIGALRM, watchdog) != SIG_ERR);
	for (i = 0; i < n; i++)
		for (k = 0; k < forms[i].nfields; k++)
			for (a = 0; a < 2; a++) {
				fld = &forms[i].fields[k];
				if ((watched = form_attr(fld->node, attrs[a])) ==
				    NULL)
					continue;
				assert_int_equal(adversarial_each(watched,
				    exec_watched, a ? fld->warn_pattern :
				    fld->pattern), 0);
				count++;
			}
	assert_true(count >= 5);	/* the shipped forms have patterns */
	form_catalog_free(forms, n);
	form_share_close(&share);
	form_diag_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_form_loads_osterfeuer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_broken_file_says_where, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_unknown_clerk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_id_must_match_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_catalog_skips_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_no_external_entities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_refuses_doctype, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_stored_keeps_old_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_cache_skips_known_definitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_cache_from_older_checks, setup, teardown),
		cmocka_unit_test(test_form_shipped_patterns_end),
	};

	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
