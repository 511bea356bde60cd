/*
 * app_run many times in one process, as a persistent FastCGI worker calls
 * it: every answer is the same as the first (nothing of one request leaks
 * into the next, but the random tokens of a form's cookie and key; libxml2 and libxslt stay set up between requests), the
 * environment comes from the caller's context only, and the process ends
 * leak-free (the sanitizer build's leak check runs at exit).
 */
#include "config.h"

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
#include "testdb.h"

#define ROUNDS	25

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
write_conf(const struct fixture *f, const char *static_url)
{
	FILE	*c;

	if ((c = fopen(f->conf, "w")) == NULL)
		return -1;
	fprintf(c, "data_dir = %s\nshare_dir = %s\nsite_dir = %s\n"
	    "base_url = http://127.0.0.1:1\nscript = /cgi-bin/rathaus.cgi\n"
	    "staff_script = /cgi-bin/staff.cgi\nstatic = %s\n"
	    "timezone = Europe/Berlin\n", f->dir, SRCDIR,
	    SRCDIR "/examples/wiesmoor/site", static_url);
	return fclose(c) == 0 ? 0 : -1;
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

	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* The end of a response in a persistent program: counted. */
static int
ended(void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

static int persistent;		/* request() as a FastCGI worker would */

/* One request; the whole response in *resp (free it). */
static void
request(const struct fixture *f, const char *method, const char *path,
    const char *query, const char *body, char **resp, size_t *len)
{
	int	 ends = 0;
	struct app_end end = { ended, &ends };
	char	 conf[TMPDIR_MAX + 64], m[32], p[256], q[256], clen[48];
	const char *vars[] = { conf, m, p, q, clen,
	    "CONTENT_TYPE=application/x-www-form-urlencoded",
	    "HTTP_ACCEPT_LANGUAGE=en", NULL };
	struct req_env env = { vars_get, vars };
	FILE	*in, *out;
	size_t	 blen = body ? strlen(body) : 0;

	snprintf(conf, sizeof(conf), "RATHAUS_CONF=%s", f->conf);
	snprintf(m, sizeof(m), "REQUEST_METHOD=%s", method);
	snprintf(p, sizeof(p), "PATH_INFO=%s", path);
	snprintf(q, sizeof(q), "QUERY_STRING=%s", query);
	snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%zu", blen);
	/* fmemopen of "" for reading: one byte, never read (length 0). */
	in = fmemopen((void *)(body ? body : ""), blen + 1, "r");
	out = open_memstream(resp, len);
	assert_non_null(in);
	assert_non_null(out);
	if (persistent)
		assert_int_equal(app_serve(ROUTE_CITIZEN, &env, in, out, &end),
		    0);
	else
		assert_int_equal(app_run(ROUTE_CITIZEN, &env, in, out), 0);
	fclose(in);
	fclose(out);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_run_repeats),
		cmocka_unit_test(test_app_run_no_carry_over),
		cmocka_unit_test(test_app_kept_pages),
	};
	int	 rc;

	rc = cmocka_run_group_tests(tests, setup, teardown);
	app_exit();
	return rc;
}
