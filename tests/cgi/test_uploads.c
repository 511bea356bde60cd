/*
 * Uploaded files behind a real Apache: whose browser a staged file
 * belongs to (the form key is bound to the browser's cookie), and how
 * much may be staged (caps, idle expiry).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgitest.h"

#define ANHANG		SCRIPT "/services/anhang"
#define VICTIM_MARK	"VICTIM-PERMIT-4711"
#define VICTIM_FILE	"opfer-erlaubnis.png"

/* A form with two optional file fields and nothing else required. */
static const char anhang[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<service id=\"anhang\" version=\"1\" category=\"ordnung\">\n"
    "  <title xml:lang=\"de\">Anhang</title>\n"
    "  <clerk ref=\"ordnung-2\"/>\n"
    "  <fee cents=\"0\"/>\n"
    "  <page id=\"p\">\n"
    "    <field name=\"name\" type=\"text\" maxlength=\"100\">"
    "<label xml:lang=\"de\">Name</label></field>\n"
    "    <field name=\"nachweis\" type=\"file\" accept=\"pdf jpeg png\""
    " max-size=\"4096\"><label xml:lang=\"de\">Nachweis</label></field>\n"
    "    <field name=\"zweitschrift\" type=\"file\" accept=\"pdf jpeg png\""
    " max-size=\"4096\"><label xml:lang=\"de\">Zweitschrift</label></field>\n"
    "  </page>\n"
    "</service>\n";

/* The instance's configuration as it was started, to add lines to. */
static char	*conf_start;

static void
conf_path(char *path, size_t size)
{
	snprintf(path, size, "%s/conf/rathaus.conf", T.dir);
}

/* The configuration as started plus `lines` (NULL: as started). */
static void
conf_with(const char *lines)
{
	char	 path[PATH_MAX + 32];
	FILE	*fp;

	conf_path(path, sizeof(path));
	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(conf_start, fp) >= 0);
	assert_true(lines == NULL || fputs(lines, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static int
setup(void **state)
{
	char	 path[PATH_MAX + 32];
	FILE	*fp;
	long	 n;

	if (group_setup(state) != 0)
		return -1;
	put_definition("anhang", anhang);
	conf_path(path, sizeof(path));
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (conf_start = calloc(1, (size_t)n + 1)) != NULL &&
	    fread(conf_start, 1, (size_t)n, fp) != (size_t)n) {
		free(conf_start);
		conf_start = NULL;
	}
	fclose(fp);
	return conf_start != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	free(conf_start);
	conf_start = NULL;
	return group_teardown(state);
}

/* After a test that changed the configuration: as started again. */
static int
conf_reset(void **state)
{
	conf_with(NULL);
	return free_tracked(state);
}

/* A PNG of `len` bytes (at least 32) with `mark` in it (tracked). */
static char *
png_of(size_t len, const char *mark)
{
	char	*p = track(calloc(1, len));

	assert_non_null(p);
	memcpy(p, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	memcpy(p + 16, mark, strlen(mark) < len - 16 ? strlen(mark) :
	    len - 16);
	return p;
}

/*
 * GET the form as a browser with `cookie` ("" none): its key, and in
 * *set the cookie the answer set ("name=value"), or NULL.
 */
static char *
get_form(const char *cookie, char **set)
{
	struct as who = { NULL, cookie, NULL };
	struct resp r;
	char	*key;

	assert_int_equal(http_parts(&who, "GET", ANHANG, NULL, 0, NULL, 0,
	    &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(key = form_key(r.body));
	if (set != NULL)
		*set = form_cookie_of(&r);
	return key;
}

/* POST one file to field `field` of the form with `key`, as `cookie`. */
static void
post_file(const char *cookie, const char *key, const char *field,
    const char *data, size_t len, const char *filename, struct resp *r)
{
	struct as who = { NULL, cookie, NULL };
	struct part p[] = {
		{ "_key", key, strlen(key), NULL },
		{ "_page", "p", 1, NULL },
		{ "name", "Erika Opfer", 11, NULL },
		{ field, data, len, filename },
	};

	assert_int_equal(http_parts(&who, "POST", ANHANG, NULL, 0, p,
	    sizeof(p) / sizeof(p[0]), r), 0);
}

/* Send the form with `key` from the check page, as `cookie`. */
static void
confirm(const char *cookie, const char *key, const char *name,
    struct resp *r)
{
	struct as who = { NULL, cookie, NULL };
	char	 body[256];

	snprintf(body, sizeof(body), "_key=%s&name=%s&_confirm=1", key, name);
	assert_int_equal(http_parts(&who, "POST", ANHANG, body, strlen(body),
	    NULL, 0, r), 0);
}

static long
staged_under(const char *key)
{
	return db_countf("SELECT count(*) FROM upload WHERE submit_key = '%s'",
	    key);
}

/*
 * Key fixation: an attacker takes a key from a form page and lures the
 * victim's browser into a POST with it (a cross-site form: the victim's
 * own cookie, or none at all, since SameSite=Lax keeps it back); the
 * victim uploads a permit. Then the attacker sends the form with that
 * key and the attacker's own cookie. The victim's file must appear
 * neither on the attacker's receipt nor in the clerk's download, and is
 * never staged under the attacker's key: it stays with the victim's
 * browser, under a key of its own.
 */
static void
test_key_fixation(void **state)
{
	struct as admin = { "admin", NULL, NULL };
	const char *victim_cookies[2];
	char	*attacker_cookie, *victim_cookie, *ka, *kv, *png, ref[32];
	char	 token[80], path[256];
	struct resp r;
	size_t	 round;

	(void)state;
	png = png_of(4096, VICTIM_MARK);
	(void)get_form("", &victim_cookie);
	victim_cookies[0] = victim_cookie != NULL ? victim_cookie : "";
	victim_cookies[1] = "";		/* a cross-site POST: no cookie */
	for (round = 0; round < 2; round++) {
		ka = get_form("", &attacker_cookie);
		if (attacker_cookie == NULL)
			attacker_cookie = "";

		/* The victim's browser, lured, with the attacker's key. */
		post_file(victim_cookies[round], ka, "nachweis", png, 4096,
		    VICTIM_FILE, &r);
		assert_int_equal(r.status, 200);
		kv = form_key(r.body);
		assert_non_null(kv);

		/* The attacker sends with its key and its own cookie. */
		confirm(attacker_cookie, ka, "Mallory", &r);
		if (r.status == 303) {
			parse_receipt_location(resp_header(&r, "Location"),
			    ref, sizeof(ref), token, sizeof(token));
			snprintf(path, sizeof(path), SCRIPT
			    "/receipt/%s?token=%s", ref, token);
			assert_int_equal(http("GET", path, NULL, 0, &r), 0);
			assert_int_equal(r.status, 200);
			if (strstr(r.body, VICTIM_FILE) != NULL)
				fail_msg("round %zu: the victim's file is on"
				    " the attacker's receipt %s", round, ref);
			snprintf(path, sizeof(path),
			    "/files/%s?field=nachweis", ref);
			assert_int_equal(staff_http(&admin, "GET", path, NULL,
			    &r), 0);
			if (r.status == 200 && memmem(r.body, r.blen,
			    VICTIM_MARK, strlen(VICTIM_MARK)) != NULL)
				fail_msg("round %zu: the clerk downloads the"
				    " victim's file with the attacker's"
				    " submission %s", round, ref);
		}
		/* Never staged under the attacker's key at all. */
		assert_int_equal(staged_under(ka), 0);
		/* The victim's page has a key of its own, with the file. */
		assert_string_not_equal(kv, ka);
		assert_int_equal(staged_under(kv), 1);
	}
}

/*
 * A key the server never issued (any 32 hex digits) is replaced by a
 * fresh one: nothing is staged under it, the answers are kept, the page
 * says what happened, and a "send" with it stores nothing but shows the
 * check page again, with the fresh key, to send from.
 */
static void
test_key_never_issued(void **state)
{
	static const char made_up[] = "0123456789abcdef0123456789abcdef";
	char	*png = png_of(2048, "mine"), *fresh;
	struct resp r;
	long	 before;

	(void)state;
	(void)get_form(NULL, NULL);	/* the browser has its cookie */
	post_file(NULL, made_up, "nachweis", png, 2048, "mine.png", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(staged_under(made_up), 0);
	assert_non_null(fresh = form_key(r.body));
	assert_string_not_equal(fresh, made_up);
	assert_int_equal(staged_under(fresh), 1);
	assert_non_null(strstr(r.body, "value=\"Erika Opfer\""));
	assert_non_null(strstr(r.body, "nicht Ihrem Browser zuordnen"));

	before = count_submissions();
	confirm(NULL, made_up, "Erika", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"_confirm\""));
	assert_non_null(fresh = form_key(r.body));
	assert_string_not_equal(fresh, made_up);
	assert_int_equal(count_submissions(), before);
	/* Sent from that page, it is stored. */
	confirm(NULL, fresh, "Erika", &r);
	assert_int_equal(r.status, 303);
	assert_int_equal(count_submissions(), before + 1);
}

/*
 * A key issued to one browser does not count with another browser's
 * cookie: files sent with it are staged under a fresh key of the sender,
 * and what was staged under it stays where it was, unclaimed.
 */
static void
test_key_wrong_cookie(void **state)
{
	char	*png = png_of(2048, "first"), *k1, *c1, *c2, *k;
	struct resp r;
	long	 before;

	(void)state;
	k1 = get_form("", &c1);
	(void)get_form("", &c2);
	assert_non_null(c1);
	assert_non_null(c2);
	assert_string_not_equal(c1, c2);
	post_file(c1, k1, "nachweis", png, 2048, "first.png", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(form_key(r.body), k1);
	assert_int_equal(staged_under(k1), 1);

	post_file(c2, k1, "zweitschrift", png, 2048, "second.png", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(k = form_key(r.body));
	assert_string_not_equal(k, k1);
	assert_int_equal(staged_under(k1), 1);
	assert_int_equal(staged_under(k), 1);
	assert_null(strstr(r.body, "first.png"));

	before = count_submissions();
	confirm(c2, k1, "Mallory", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(count_submissions(), before);
	assert_int_equal(db_number("SELECT count(*) FROM upload WHERE"
	    " filename = 'first.png' AND ref IS NOT NULL"), 0);
	/* Its own browser sends it, with its file. */
	confirm(c1, k1, "Erika", &r);
	assert_int_equal(r.status, 303);
	assert_int_equal(db_number("SELECT count(*) FROM upload WHERE"
	    " filename = 'first.png' AND ref IS NOT NULL"), 1);
}

/*
 * The cookie: set by the first form page only, HttpOnly, SameSite=Lax,
 * for the citizen program's path; each form page still gets a key of
 * its own (the double-submit key).
 */
static void
test_form_cookie(void **state)
{
	struct resp r;
	char	*set, *c, *k1, *k2;

	(void)state;
	assert_int_equal(http_parts(&(struct as){ NULL, "", NULL }, "GET",
	    ANHANG, NULL, 0, NULL, 0, &r), 0);
	assert_non_null(set = resp_header(&r, "Set-Cookie"));
	assert_int_equal(strncmp(set, "rathaus_form=", 13), 0);
	assert_int_equal(strspn(set + 13, "0123456789abcdef"), REF_TOKEN_LEN);
	assert_non_null(strstr(set, "; Path=" SCRIPT));
	assert_non_null(strstr(set, "; HttpOnly"));
	assert_non_null(strstr(set, "; SameSite=Lax"));
	assert_null(strstr(set, "Secure"));
	assert_non_null(c = form_cookie_of(&r));

	k1 = get_form(c, &set);
	assert_null(set);
	k2 = get_form(c, &set);
	assert_null(set);
	assert_string_not_equal(k1, k2);
}

/*
 * Over HTTPS (base_url https://) the cookie is __Host-rathaus_form,
 * Secure, for the whole host (the prefix wants Path=/): no other host of
 * the site can set one in its place. The name without the prefix does
 * not count there.
 */
static void
test_form_cookie_https(void **state)
{
	struct resp r;
	char	 line[128], plain[128], *set, *c, *k;

	(void)state;
	snprintf(line, sizeof(line), "base_url = https://127.0.0.1:%d\n",
	    T.port);
	conf_with(line);
	k = get_form("", &c);
	assert_non_null(c);
	assert_int_equal(strncmp(c, "__Host-rathaus_form=", 20), 0);
	assert_int_equal(http_parts(&(struct as){ NULL, "", NULL }, "GET",
	    ANHANG, NULL, 0, NULL, 0, &r), 0);
	assert_non_null(set = resp_header(&r, "Set-Cookie"));
	assert_int_equal(strncmp(set, "__Host-rathaus_form=", 20), 0);
	assert_non_null(strstr(set, "; Path=/;"));
	assert_non_null(strstr(set, "; Secure"));
	assert_non_null(strstr(set, "; HttpOnly"));
	assert_non_null(strstr(set, "; SameSite=Lax"));

	snprintf(plain, sizeof(plain), "%s", c + strlen("__Host-"));
	confirm(plain, k, "Erika", &r);
	assert_int_equal(r.status, 200);
	confirm(c, k, "Erika", &r);
	assert_int_equal(r.status, 303);
	assert_int_equal(strncmp(resp_header(&r, "Location"), "https://", 8),
	    0);
}

/* Bytes staged under all keys. */
static long
staged_bytes(void)
{
	return db_number("SELECT coalesce(sum(size), 0) FROM upload WHERE"
	    " ref IS NULL");
}

/*
 * The cap of one form key (staged_form_mib) is the citizen's own doing:
 * the file over it is refused beside its field (422), the field keeps
 * nothing new, the files staged before stay; a replaced file does not
 * count twice.
 */
static void
test_cap_per_form(void **state)
{
	char	*png = png_of(800 << 10, "cap"), *k, sql[256];
	struct resp r;

	(void)state;
	conf_with("staged_form_mib = 1\n");
	k = get_form(NULL, NULL);
	post_file(NULL, k, "nachweis", png, 700 << 10, "erste.png", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(staged_under(k), 1);

	post_file(NULL, k, "zweitschrift", png, 700 << 10, "zweite.png", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "href=\"#f-zweitschrift\""));
	assert_non_null(strstr(r.body, "zusammen"));
	assert_non_null(strstr(r.body, "1 MB"));
	assert_int_equal(staged_under(k), 1);
	assert_non_null(strstr(r.body, "erste.png"));

	post_file(NULL, k, "nachweis", png, 800 << 10, "dritte.png", &r);
	assert_int_equal(r.status, 200);
	snprintf(sql, sizeof(sql), "SELECT sum(size) FROM upload WHERE"
	    " submit_key = '%s' AND ref IS NULL", k);
	assert_int_equal(db_number(sql), 800 << 10);
}

/*
 * The cap of all staged files (staged_total_mib) is reached by many:
 * the POST that would go over it gets a clear 503 page with Retry-After,
 * and nothing of it is staged. A submission that takes its files makes
 * room again.
 */
static void
test_cap_total(void **state)
{
	char	*png = png_of(900 << 10, "total"), *k1, *k2, *k3, *after;
	struct resp r;

	(void)state;
	assert_int_equal(db_exec("DELETE FROM upload WHERE ref IS NULL"), 0);
	conf_with("staged_total_mib = 2\n");
	k1 = get_form(NULL, NULL);
	k2 = get_form(NULL, NULL);
	k3 = get_form(NULL, NULL);
	post_file(NULL, k1, "nachweis", png, 900 << 10, "a.png", &r);
	assert_int_equal(r.status, 200);
	post_file(NULL, k2, "nachweis", png, 900 << 10, "b.png", &r);
	assert_int_equal(r.status, 200);

	post_file(NULL, k3, "nachweis", png, 900 << 10, "c.png", &r);
	assert_int_equal(r.status, 503);
	assert_non_null(after = resp_header(&r, "Retry-After"));
	assert_true(strspn(after, "0123456789") == strlen(after) &&
	    *after != '0');
	assert_non_null(strstr(r.body, "Dateien"));
	assert_int_equal(staged_under(k3), 0);
	assert_true(staged_bytes() <= 2L << 20);

	/* Sent, k1's file is claimed, and there is room again. */
	confirm(NULL, k1, "Erika", &r);
	assert_int_equal(r.status, 303);
	post_file(NULL, k3, "nachweis", png, 900 << 10, "c.png", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(staged_under(k3), 1);
}

/*
 * Abandoned staged files (untouched for staged_idle_minutes, default 60)
 * are dropped by the next staging of anyone, and by `rathaus purge`;
 * a form page sent without a file keeps its files alive.
 */
static void
test_idle_expiry(void **state)
{
	char	*png = png_of(2048, "idle"), *k1, *k2, *k3, *out, sql[256];
	char	 old[21], when[21];
	struct resp r;

	(void)state;
	k1 = get_form(NULL, NULL);
	k2 = get_form(NULL, NULL);
	k3 = get_form(NULL, NULL);
	post_file(NULL, k1, "nachweis", png, 2048, "idle.png", &r);
	assert_int_equal(r.status, 200);
	post_file(NULL, k3, "nachweis", png, 2048, "alive.png", &r);
	assert_int_equal(r.status, 200);
	iso_ago(61 * 60, old);
	iso_ago(50 * 60, when);
	snprintf(sql, sizeof(sql), "UPDATE upload SET touched = '%s' WHERE"
	    " submit_key = '%s'", old, k1);
	assert_int_equal(db_exec(sql), 0);
	snprintf(sql, sizeof(sql), "UPDATE upload SET touched = '%s' WHERE"
	    " submit_key = '%s'", when, k3);
	assert_int_equal(db_exec(sql), 0);

	/* k3's page sent without a file: its file is touched. */
	snprintf(sql, sizeof(sql), "_key=%s&_page=p&name=Erika", k3);
	assert_int_equal(http("POST", ANHANG, sql, strlen(sql), &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "alive.png"));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM upload WHERE"
	    " submit_key = '%s' AND touched > '%s'", k3, when);
	assert_int_equal(db_number(sql), 1);

	/* Someone stages: k1's abandoned file goes, k3's stays. */
	post_file(NULL, k2, "nachweis", png, 2048, "new.png", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(staged_under(k1), 0);
	assert_int_equal(staged_under(k3), 1);

	/* And rathaus purge drops what is idle. */
	snprintf(sql, sizeof(sql), "UPDATE upload SET touched = '%s' WHERE"
	    " submit_key = '%s'", old, k2);
	assert_int_equal(db_exec(sql), 0);
	assert_int_equal(rathaus_cli("purge", &out), 0);
	track(out);
	assert_non_null(strstr(out, "staged uploads: 1 deleted"));
	assert_int_equal(staged_under(k2), 0);
	assert_int_equal(staged_under(k3), 1);
}

/*
 * A form left alone past the idle time has lost its files: its next page
 * says so (the file is asked for again), not the name of a file that is
 * gone, which a "send" would then store as an answer without its file.
 */
static void
test_idle_own_files(void **state)
{
	char	*png = png_of(2048, "late"), *k, sql[256], old[21];
	struct resp r;

	(void)state;
	k = get_form(NULL, NULL);
	post_file(NULL, k, "nachweis", png, 2048, "late.png", &r);
	assert_int_equal(r.status, 200);
	iso_ago(61 * 60, old);
	snprintf(sql, sizeof(sql), "UPDATE upload SET touched = '%s' WHERE"
	    " submit_key = '%s'", old, k);
	assert_int_equal(db_exec(sql), 0);

	snprintf(sql, sizeof(sql), "_key=%s&_page=p&name=Erika", k);
	assert_int_equal(http("POST", ANHANG, sql, strlen(sql), &r), 0);
	assert_int_equal(staged_under(k), 0);
	assert_null(strstr(r.body, "late.png"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_form_cookie, free_tracked),
		cmocka_unit_test_teardown(test_key_fixation, free_tracked),
		cmocka_unit_test_teardown(test_key_never_issued, free_tracked),
		cmocka_unit_test_teardown(test_key_wrong_cookie, free_tracked),
		cmocka_unit_test_teardown(test_form_cookie_https, conf_reset),
		cmocka_unit_test_teardown(test_cap_per_form, conf_reset),
		cmocka_unit_test_teardown(test_cap_total, conf_reset),
		cmocka_unit_test_teardown(test_idle_expiry, free_tracked),
		cmocka_unit_test_teardown(test_idle_own_files, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("uploads", tests, setup, teardown);
}
