/*
 * app_run many times in one process, as a persistent FastCGI worker calls
 * it: every answer is the same as the first (nothing of one request leaks
 * into the next, but the random tokens of a form's cookie and key; libxml2 and libxslt stay set up between requests), the
 * environment comes from the caller's context only, and the process ends
 * leak-free (the sanitizer build's leak check runs at exit).
 */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app.h"
#include "store.h"
#include "store_int.h"
#include "testdb.h"
#include "when.h"

#define ROUNDS	25

static struct app_cache cache;	/* the worker's (persistent) */

struct fixture {
	char	 dir[TMPDIR_MAX];
	char	 conf[TMPDIR_MAX + 32];
};

/* A request's variables: "NAME=value" strings, NULL-ended (the ctx). */
static const char *
vars_get(void *ctx, const char *name)
{
	const char *const *v = ctx;
	size_t	 n = strlen(name);

	for (; *v != NULL; v++)
		if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
			return *v + n + 1;
	return NULL;
}

static int
write_conf_site(const struct fixture *f, const char *static_url,
    const char *site)
{
	FILE	*c;

	if ((c = fopen(f->conf, "w")) == NULL)
		return -1;
	fprintf(c, "data_dir = %s\nshare_dir = %s\nsite_dir = %s\n"
	    "base_url = http://127.0.0.1:1\nscript = /cgi-bin/rathaus.cgi\n"
	    "staff_script = /cgi-bin/staff.cgi\nstatic = %s\n"
	    "timezone = Europe/Berlin\n", f->dir, SRCDIR, site, static_url);
	return fclose(c) == 0 ? 0 : -1;
}

static int
write_conf(const struct fixture *f, const char *static_url)
{
	return write_conf_site(f, static_url, SRCDIR "/examples/wiesmoor/site");
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store *s;

	if (f == NULL || testdb_create(f->dir, "app", &s) != 0)
		return -1;
	store_close(s);
	snprintf(f->conf, sizeof(f->conf), "%s/rathaus.conf", f->dir);
	if (write_conf(f, "/static") != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	app_cache_close_store(&cache);	/* before its database goes */
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* What happens the moment a response has ended (NULL: nothing). */
static void (*at_end)(void);

/* The end of a response in a persistent program: counted. */
static int
ended(void *ctx)
{
	(*(int *)ctx)++;
	if (at_end != NULL)
		at_end();
	return 0;
}

static int persistent;		/* request() as a FastCGI worker would */
static char send_cookie[200];	/* the Cookie header request() sends */

/* One request; the whole response in *resp (free it). */
static void
request_ends(const struct fixture *f, const char *method, const char *path,
    const char *query, const char *body, char **resp, size_t *len, int *ends)
{
	struct app_end end = { ended, ends };
	char	 conf[TMPDIR_MAX + 64], m[32], p[256], q[256], clen[48];
	char	 cookie[256];
	const char *vars[] = { conf, m, p, q, clen,
	    "CONTENT_TYPE=application/x-www-form-urlencoded",
	    "HTTP_ACCEPT_LANGUAGE=en", cookie, NULL };
	struct req_env env = { vars_get, vars };
	FILE	*in, *out;
	size_t	 blen = body ? strlen(body) : 0;

	snprintf(conf, sizeof(conf), "RATHAUS_CONF=%s", f->conf);
	snprintf(m, sizeof(m), "REQUEST_METHOD=%s", method);
	snprintf(p, sizeof(p), "PATH_INFO=%s", path);
	snprintf(q, sizeof(q), "QUERY_STRING=%s", query);
	snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%zu", blen);
	snprintf(cookie, sizeof(cookie), "HTTP_COOKIE=%s", send_cookie);
	/* fmemopen of "" for reading: one byte, never read (length 0). */
	in = fmemopen((void *)(body ? body : ""), blen + 1, "r");
	out = open_memstream(resp, len);
	assert_non_null(in);
	assert_non_null(out);
	if (persistent)
		assert_int_equal(app_serve(ROUTE_CITIZEN, &env, in, out, &end,
		    &cache),
		    0);
	else
		assert_int_equal(app_run(ROUTE_CITIZEN, &env, in, out), 0);
	fclose(in);
	fclose(out);
}

static void
request(const struct fixture *f, const char *method, const char *path,
    const char *query, const char *body, char **resp, size_t *len)
{
	int	 ends = 0;

	request_ends(f, method, path, query, body, resp, len, &ends);
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The body of a response, its form's random key (_key) blanked. */
static char *
body_of(char *resp)
{
	static const char key[] = "name=\"_key\" value=\"";
	char	*b = strstr(resp, "\r\n\r\n"), *k;

	assert_non_null(b);
	if ((k = strstr(b, key)) != NULL)
		memset(k + sizeof(key) - 1, 'x', 32);
	return b + 4;
}

/*
 * The catalog, a form's first page, a 404 and a POST of a form page,
 * again and again: each answer the same as in the first round.
 */
static void
test_app_run_repeats(void **state)
{
	const struct fixture *f = *state;
	static const struct {
		const char *method, *path, *query, *body, *status;
	} reqs[] = {
		{ "GET", "/", "", NULL, "Status: 200" },
		{ "GET", "/services/osterfeuer", "", NULL, "Status: 200" },
		{ "GET", "/services/osterfeuer", "lang=de", NULL,
		    "Status: 200" },
		{ "GET", "/nowhere", "", NULL, "Status: 404" },
		{ "HEAD", "/", "", NULL, "Status: 200" },
		{ "POST", "/", "", "a=b", "Status: 405" },
	};
	size_t	 first_len[sizeof(reqs) / sizeof(reqs[0])];
	char	*first[sizeof(reqs) / sizeof(reqs[0])];
	char	*resp;
	size_t	 len, i;
	int	 round;

	for (round = 0; round < ROUNDS; round++)
		for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
			request(f, reqs[i].method, reqs[i].path,
			    reqs[i].query, reqs[i].body, &resp, &len);
			assert_true(starts(resp, reqs[i].status));
			if (round == 0) {
				first[i] = resp;
				first_len[i] = len;
				continue;
			}
			/* The same length (a form's cookie and key are new
			 * random tokens of the same size each time), the same
			 * body but for the key. */
			assert_int_equal(len, first_len[i]);
			assert_string_equal(body_of(resp), body_of(first[i]));
			free(resp);
		}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		free(first[i]);
}

/* The language of one request is not the next one's. */
static void
test_app_run_no_carry_over(void **state)
{
	const struct fixture *f = *state;
	char	*de, *en;
	size_t	 dlen, elen;

	request(f, "GET", "/", "lang=de", NULL, &de, &dlen);
	request(f, "GET", "/", "lang=en", NULL, &en, &elen);
	assert_non_null(strstr(de, "Content-Language: de"));
	assert_non_null(strstr(en, "Content-Language: en"));
	free(de);
	free(en);
	request(f, "GET", "/", "lang=de", NULL, &de, &dlen);
	assert_non_null(strstr(de, "Content-Language: de"));
	free(de);
}

/*
 * As a persistent program: the catalog and a form's first page are kept
 * (pagecache) and served as made anew, each form page with a key of its
 * own; a changed file (here the configuration) makes them anew.
 */
static void
test_app_kept_pages(void **state)
{
	const struct fixture *f = *state;
	static const char *const paths[] = { "/", "/services/osterfeuer" };
	char	*fresh, *kept, *again, *k1, *k2;
	size_t	 flen, klen, alen, i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		persistent = 0;
		request(f, "GET", paths[i], "", NULL, &fresh, &flen);
		persistent = 1;
		request(f, "GET", paths[i], "", NULL, &kept, &klen);
		request(f, "GET", paths[i], "", NULL, &again, &alen);
		persistent = 0;
		k1 = strstr(kept, "name=\"_key\" value=\"");
		k2 = strstr(again, "name=\"_key\" value=\"");
		if (i == 1) {
			assert_non_null(k1);
			assert_non_null(k2);
			assert_memory_not_equal(k1, k2, 20 + 32);
		}
		assert_int_equal(klen, flen);
		assert_int_equal(alen, flen);
		assert_string_equal(body_of(kept), body_of(fresh));
		assert_string_equal(body_of(again), body_of(fresh));
		free(fresh);
		free(kept);
		free(again);
	}
	/* The configuration changed: the catalog is made anew. */
	persistent = 1;
	assert_int_equal(write_conf(f, "/static-new"), 0);
	request(f, "GET", "/", "", NULL, &kept, &klen);
	persistent = 0;
	assert_non_null(strstr(kept, "/static-new/rathaus.css"));
	free(kept);
	assert_int_equal(write_conf(f, "/static"), 0);
}

/* Run a shell command; 0 if it exited 0. */
static int
sh(const char *fmt, ...)
{
	char	 cmd[2 * TMPDIR_MAX + 512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/*
 * One worker: the form share and the definition are kept between its
 * requests (the cache holds them), and a changed definition or clerks.xml
 * is what the next request shows. The query keeps the page itself from
 * being kept (pagecache), so that the page is made from the cache.
 */
static void
test_app_worker_sees_changes(void **state)
{
	const struct fixture *f = *state;
	char	 site[TMPDIR_MAX + 16];
	char	*resp;
	size_t	 len;
	const struct form_share *share;

	snprintf(site, sizeof(site), "%s/site", f->dir);
	assert_int_equal(sh("cp -r '%s/examples/wiesmoor/site' '%s'", SRCDIR,
	    site), 0);
	assert_int_equal(write_conf_site(f, "/static", site), 0);
	persistent = 1;
	request(f, "GET", "/services/osterfeuer", "x=1", NULL, &resp, &len);
	assert_non_null(strstr(resp, "Register an Easter bonfire"));
	assert_non_null(strstr(resp, "04944 305-21"));
	free(resp);
	assert_true(cache.share_open);
	assert_int_equal(cache.nforms, 1);
	share = &cache.share;
	request(f, "GET", "/services/osterfeuer", "x=2", NULL, &resp, &len);
	assert_non_null(strstr(resp, "Register an Easter bonfire"));
	free(resp);
	/* Kept: the same share, the definition not loaded again. */
	assert_ptr_equal(share, &cache.share);
	assert_int_equal(cache.nforms, 1);

	/* The definition changes: the next request shows it. */
	assert_int_equal(sh("sed -i 's/Register an Easter bonfire/Register a"
	    " spring bonfire/' '%s/forms/osterfeuer.xml'", site), 0);
	request(f, "GET", "/services/osterfeuer", "x=3", NULL, &resp, &len);
	assert_null(strstr(resp, "Register an Easter bonfire"));
	assert_non_null(strstr(resp, "Register a spring bonfire"));
	free(resp);
	/* So does clerks.xml. */
	assert_int_equal(sh("sed -i 's/04944 305-21/04944 305-99/'"
	    " '%s/clerks.xml'", site), 0);
	request(f, "GET", "/services/osterfeuer", "x=4", NULL, &resp, &len);
	assert_null(strstr(resp, "04944 305-21"));
	assert_non_null(strstr(resp, "04944 305-99"));
	free(resp);
	persistent = 0;
	assert_int_equal(write_conf(f, "/static"), 0);
	assert_int_equal(sh("rm -rf '%s'", site), 0);
}

/*
 * One worker keeps the parsed configuration while its file stays the
 * same, and the next request after a change reads it again (the query
 * keeps the catalog from being kept whole: pagecache).
 */
static void
test_app_worker_conf(void **state)
{
	const struct fixture *f = *state;
	const char *data_dir;
	char	*resp;
	size_t	 len;

	persistent = 1;
	request(f, "GET", "/", "x=1", NULL, &resp, &len);
	assert_non_null(strstr(resp, "/static/rathaus.css"));
	free(resp);
	assert_true(cache.conf_ok);
	data_dir = cache.conf.data_dir;
	request(f, "GET", "/", "x=2", NULL, &resp, &len);
	free(resp);
	assert_ptr_equal(data_dir, cache.conf.data_dir);	/* kept */
	assert_int_equal(write_conf(f, "/static-other"), 0);
	request(f, "GET", "/", "x=3", NULL, &resp, &len);
	assert_non_null(strstr(resp, "/static-other/rathaus.css"));
	free(resp);
	persistent = 0;
	assert_int_equal(write_conf(f, "/static"), 0);
}

/*
 * A worker keeps its database connection between requests, and never
 * with a transaction open: one left open (here begun by hand on the kept
 * connection) is rolled back before the next request uses it.
 */
static void
test_app_worker_store(void **state)
{
	const struct fixture *f = *state;
	char	*resp;
	size_t	 len;
	struct store *kept;

	persistent = 1;
	request(f, "GET", "/services/osterfeuer", "x=1", NULL, &resp, &len);
	free(resp);
	assert_non_null(cache.store);		/* kept */
	assert_false(store_in_transaction(cache.store));
	kept = cache.store;
	assert_int_equal(store_begin(kept), STORE_OK);
	assert_true(store_in_transaction(kept));
	request(f, "GET", "/services/osterfeuer", "x=2", NULL, &resp, &len);
	assert_non_null(strstr(resp, "name=\"_key\""));	/* the form */
	free(resp);
	assert_ptr_equal(cache.store, kept);	/* the same connection */
	assert_false(store_in_transaction(cache.store));
	persistent = 0;
}

/* The -shm's path, for at_end (the fixture's directory). */
static char shm_path[TMPDIR_MAX + 32];

/* An operator's chmod of the -shm, just as a citizen has the answer. */
static void
shm_chmod(void)
{
	assert_int_equal(chmod(shm_path, 0600), 0);
}

/*
 * A worker sends a submission's mails after the response has ended: a
 * chmod of the -shm made meanwhile is a change the next request notices
 * (the connection is opened anew, which makes the -shm the database's
 * again), not the state the kept connection is measured against.
 */
static void
test_app_worker_change_while_mailing(void **state)
{
	const struct fixture *f = *state;
	char	 db[TMPDIR_MAX + 32], body[1024], date[11];
	char	*resp, *key, *cookie;
	size_t	 len;
	int	 ends = 0;
	struct when_date today, sat;
	struct stat d, shm;
	FILE	*c;

	/* The next Karsamstag that may still be registered (4 days ahead),
	 * one day to spare. */
	assert_int_equal(when_today(&today), 0);
	when_easter(today.y, &sat);
	if (when_days(&sat) - 1 - 5 < when_days(&today))
		when_easter(today.y + 1, &sat);
	when_from_days(when_days(&sat) - 1, &sat);
	when_format(&sat, date);
	/* Mail on, to a port nobody listens at: sending fails at once. */
	assert_non_null(c = fopen(f->conf, "a"));
	fprintf(c, "smtp_url = smtp://127.0.0.1:1\n"
	    "mail_from = rathaus@example.org\n");
	assert_int_equal(fclose(c), 0);
	snprintf(db, sizeof(db), "%s/rathaus.db", f->dir);
	snprintf(shm_path, sizeof(shm_path), "%s/rathaus.db-shm", f->dir);

	persistent = 1;
	request(f, "GET", "/services/osterfeuer", "", NULL, &resp, &len);
	key = strstr(resp, "name=\"_key\" value=\"");
	assert_non_null(key);
	key += 19;
	/* The key goes with the form's cookie (name=value). */
	cookie = strstr(resp, "Set-Cookie: ");
	assert_non_null(cookie);
	cookie += 12;
	snprintf(send_cookie, sizeof(send_cookie), "%.*s",
	    (int)strcspn(cookie, ";\r"), cookie);
	snprintf(body, sizeof(body), "_key=%.*s&name=Erika+Mustermann&"
	    "organisation=Heimatverein&phone=04944+123456&"
	    "email=erika%%40example.org&place=Am+Sportplatz+1%%2C+Wiesmoor&"
	    "date=%s&time=19%%3A30&diameter=4&height=3&material=holz&"
	    "material_confirm=yes&safety=Feuerloescher+bereit&_confirm=1",
	    (int)strcspn(key, "\""), key, date);
	free(resp);
	at_end = shm_chmod;
	request_ends(f, "POST", "/services/osterfeuer", "", body, &resp, &len,
	    &ends);
	at_end = NULL;
	send_cookie[0] = '\0';
	assert_true(starts(resp, "Status: 303"));
	free(resp);
	assert_int_equal(ends, 1);		/* ended before the mails */
	assert_non_null(cache.store);		/* and kept */
	request(f, "GET", "/services/osterfeuer", "x=5", NULL, &resp, &len);
	free(resp);
	persistent = 0;
	assert_int_equal(stat(db, &d), 0);
	assert_int_equal(stat(shm_path, &shm), 0);
	assert_int_equal(shm.st_mode & 0777, d.st_mode & 0777);
	assert_int_equal(write_conf(f, "/static"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_run_repeats),
		cmocka_unit_test(test_app_run_no_carry_over),
		cmocka_unit_test(test_app_kept_pages),
		cmocka_unit_test(test_app_worker_sees_changes),
		cmocka_unit_test(test_app_worker_conf),
		cmocka_unit_test(test_app_worker_store),
		cmocka_unit_test(test_app_worker_change_while_mailing),
	};
	int	 rc;

	app_cache_init(&cache);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	app_cache_free(&cache);
	app_exit();
	return rc;
}
