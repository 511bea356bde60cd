#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "req.h"

static const struct req_limits small = {
	.body_max = 4096, .urlencoded_max = 1024, .fields_max = 4,
	.name_max = 16, .value_max = 32,
};

static enum req_err
urlenc(struct req_params *ps, const char *s)
{
	memset(ps, 0, sizeof(*ps));
	return req_parse_urlencoded(ps, &small, s, strlen(s));
}

static void
test_req_urlencoded(void **state)
{
	struct req_params ps;

	(void)state;
	assert_int_equal(urlenc(&ps, "a=1&b=M%C3%BCller+Str.&c=&d"), REQ_OK);
	assert_int_equal(ps.n, 4);
	assert_string_equal(req_param(&ps, "a"), "1");
	assert_string_equal(req_param(&ps, "b"), "M\xc3\xbcller Str.");
	assert_string_equal(req_param(&ps, "c"), "");
	assert_string_equal(req_param(&ps, "d"), "");
	assert_null(req_param(&ps, "e"));
	req_params_free(&ps);

	assert_int_equal(urlenc(&ps, ""), REQ_OK);
	assert_int_equal(ps.n, 0);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "&&a=1&&"), REQ_OK);
	assert_int_equal(ps.n, 1);
	req_params_free(&ps);
}

static void
test_req_bad_escapes(void **state)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=1&=2", "a=%00",
	};
	struct req_params ps;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(urlenc(&ps, bad[i]), REQ_BAD_REQUEST);
		req_params_free(&ps);
	}
	assert_int_equal(urlenc(&ps, "a=%C3%28"), REQ_BAD_UTF8);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "a=%FF"), REQ_BAD_UTF8);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "a=\xc3"), REQ_BAD_UTF8);
	req_params_free(&ps);
}

static void
test_req_limits(void **state)
{
	struct req_params ps;
	char	 big[128];

	(void)state;
	assert_int_equal(urlenc(&ps, "a=1&b=2&c=3&d=4"), REQ_OK);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "a=1&b=2&c=3&d=4&e=5"),
	    REQ_TOO_MANY_FIELDS);
	req_params_free(&ps);
	memset(big, 0, sizeof(big));
	memcpy(big, "v=", 2);
	memset(big + 2, 'x', 33);
	assert_int_equal(urlenc(&ps, big), REQ_FIELD_TOO_LONG);
	req_params_free(&ps);
	memset(big, 'n', 17);
	memcpy(big + 17, "=1", 3);
	assert_int_equal(urlenc(&ps, big), REQ_BAD_REQUEST);
	req_params_free(&ps);
}

#define CT	"multipart/form-data; boundary=XyZ"

static enum req_err
multipart(struct req_params *ps, const char *ct, const char *body, size_t len)
{
	memset(ps, 0, sizeof(*ps));
	return req_parse_multipart(ps, &small, ct, body, len);
}

static void
test_req_multipart(void **state)
{
	static const char body[] =
	    "preamble\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
	    "Anna M\xc3\xbcller\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\plan.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n\r\n"
	    "%PDF\0\xff\r\n"
	    "--XyZ\r\n"
	    /* As browsers send it: a backslash is not an escape. */
	    "Content-Disposition: form-data; name=\"scan\"; filename=\"C:\\Scans\\b.png\"\r\n\r\n"
	    "x\r\n"
	    "--XyZ\r\n"
	    "content-disposition: form-data; name=empty\r\n\r\n"
	    "\r\n"
	    "--XyZ--\r\n";
	struct req_params ps;

	(void)state;
	assert_int_equal(multipart(&ps, CT, body, sizeof(body) - 1), REQ_OK);
	assert_int_equal(ps.n, 4);
	assert_string_equal(ps.v[2].filename, "b.png");
	assert_string_equal(ps.v[0].name, "name");
	assert_string_equal(ps.v[0].value, "Anna M\xc3\xbcller");
	assert_null(ps.v[0].filename);
	assert_string_equal(ps.v[1].name, "file");
	assert_string_equal(ps.v[1].filename, "plan.pdf");
	assert_string_equal(ps.v[1].ctype, "application/pdf");
	assert_int_equal(ps.v[1].valuelen, 6);
	assert_memory_equal(ps.v[1].value, "%PDF\0\xff", 6);
	assert_string_equal(req_param(&ps, "empty"), "");
	req_params_free(&ps);

	/* A quoted boundary. */
	assert_int_equal(multipart(&ps,
	    "multipart/form-data; boundary=\"XyZ\"",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ--",
	    61), REQ_OK);
	assert_string_equal(req_param(&ps, "a"), "1");
	req_params_free(&ps);
}

static void
test_req_multipart_broken(void **state)
{
	static const struct {
		const char	*ct;
		const char	*body;
		enum req_err	 want;
	} cases[] = {
		/* truncated: no closing delimiter */
		{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", REQ_BAD_MULTIPART },
		/* truncated inside the headers */
		{ CT, "--XyZ\r\nContent-Disposition: form-da", REQ_BAD_MULTIPART },
		/* no boundary parameter */
		{ "multipart/form-data", "--XyZ--", REQ_BAD_MULTIPART },
		/* empty body */
		{ CT, "", REQ_BAD_MULTIPART },
		/* missing name */
		{ CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--", REQ_BAD_MULTIPART },
		/* not form-data */
		{ CT, "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--XyZ--", REQ_BAD_MULTIPART },
		/* nested multipart */
		{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n--XyZ--", REQ_BAD_MULTIPART },
		/* unterminated quote */
		{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--", REQ_BAD_MULTIPART },
		/* invalid UTF-8 in a text field */
		{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc3\x28\r\n--XyZ--", REQ_BAD_UTF8 },
		/* value over the limit */
		{ CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n0123456789012345678901234567890123456789\r\n--XyZ--", REQ_FIELD_TOO_LONG },
		/* junk after the delimiter */
		{ CT, "--XyZjunk\r\n", REQ_BAD_MULTIPART },
	};
	struct req_params ps;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(multipart(&ps, cases[i].ct, cases[i].body,
		    strlen(cases[i].body)), cases[i].want);
		req_params_free(&ps);
	}
}

/* Empty pairs are no way around the field limit. */
static void
test_req_empty_pairs_count(void **state)
{
	struct req_params ps;

	(void)state;
	assert_int_equal(urlenc(&ps, "&&&"), REQ_OK);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "&&&&&"), REQ_TOO_MANY_FIELDS);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "a=1&&&b=2"), REQ_OK);
	req_params_free(&ps);
	assert_int_equal(urlenc(&ps, "a=1&&&b=2&c=3"), REQ_TOO_MANY_FIELDS);
	req_params_free(&ps);
}

/* Semicolons inside quoted parameters do not split them. */
static void
test_req_multipart_quoted_params(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; filename=\"a; name=evil\"; name=\"real\"\r\n\r\n"
	    "file bytes\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"x; filename=q\"\r\n\r\n"
	    "text\r\n"
	    "--XyZ--";
	struct req_params ps;

	(void)state;
	assert_int_equal(multipart(&ps, CT, body, sizeof(body) - 1), REQ_OK);
	assert_int_equal(ps.n, 2);
	assert_string_equal(ps.v[0].name, "real");
	assert_string_equal(ps.v[0].filename, "a; name=evil");
	assert_string_equal(ps.v[1].name, "x; filename=q");
	assert_null(ps.v[1].filename);
	req_params_free(&ps);
}

/* A file part is never a text answer: its bytes were not checked. */
static void
test_req_file_parts_are_not_text(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"place\"; filename=\"\"\r\n\r\n"
	    "Weide \xff\xfe\r\n"
	    "--XyZ--";
	static const char nul[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"place\0zzz\"\r\n\r\n"
	    "x\r\n"
	    "--XyZ--";
	struct req_params ps;

	(void)state;
	assert_int_equal(multipart(&ps, CT, body, sizeof(body) - 1), REQ_OK);
	assert_int_equal(ps.n, 1);
	assert_null(req_param(&ps, "place"));
	req_params_free(&ps);
	assert_int_equal(multipart(&ps, CT, nul, sizeof(nul) - 1),
	    REQ_BAD_MULTIPART);
	req_params_free(&ps);
}

static void
test_req_cookies(void **state)
{
	struct req_params ps;

	(void)state;
	memset(&ps, 0, sizeof(ps));
	assert_int_equal(req_parse_cookies(&ps, &small,
	    "a=1; junk; =x; b=two; c=\xc3\x28"), REQ_OK);
	assert_int_equal(ps.n, 2);
	assert_string_equal(req_param(&ps, "a"), "1");
	assert_string_equal(req_param(&ps, "b"), "two");
	req_params_free(&ps);
	/* More cookies than fields allowed: the rest are ignored, no error. */
	assert_int_equal(req_parse_cookies(&ps, &small,
	    "a=1; b=2; c=3; d=4; e=5; f=6"), REQ_OK);
	assert_int_equal(ps.n, 4);
	req_params_free(&ps);
}

/* A fake CGI environment for req_parse. */
static const char *const *test_env;

static const char *
fake_getenv(void *ctx, const char *name)
{
	size_t	 n = strlen(name);
	const char *const *e;

	(void)ctx;
	for (e = test_env; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static enum req_err
parse_body_with(const struct req_limits *lim, const char *const *env,
    const char *body, size_t len, struct req *r)
{
	FILE	*in;
	enum req_err e;

	static const struct req_env fake = { fake_getenv, NULL };
	const struct req_env *fake_env = &fake;

	test_env = env;
	in = fmemopen((void *)body, len + 1, "r");
	assert_non_null(in);
	if ((e = req_parse(r, lim, fake_env)) == REQ_OK &&
	    r->method == REQ_POST)
		e = req_parse_body(r, lim, fake_env, in);
	fclose(in);
	return e;
}

static enum req_err
parse_with(const char *const *env, const char *body, struct req *r)
{
	return parse_body_with(&small, env, body, strlen(body), r);
}

static void
test_req_parse_cgi(void **state)
{
	static const char *const get[] = {
		"REQUEST_METHOD=GET", "QUERY_STRING=q=hund&lang=en",
		"HTTP_ACCEPT_LANGUAGE=en-GB,de;q=0.5",
		"HTTP_SEC_FETCH_SITE=cross-site", NULL,
	};
	static const char *const post[] = {
		"REQUEST_METHOD=POST", "PATH_INFO=/services/osterfeuer",
		"CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_LENGTH=11", NULL,
	};
	static const char *const odd[] = {
		"REQUEST_METHOD=GET", "HTTP_ORIGIN=http://x\x1b[2J",
		"HTTP_SEC_FETCH_SITE=same-origin-and-a-good-deal-longer", NULL,
	};
	struct req r;

	(void)state;
	assert_int_equal(parse_with(get, "", &r), REQ_OK);
	assert_int_equal(r.method, REQ_GET);
	assert_string_equal(r.path, "/");
	assert_string_equal(req_param(&r.query, "q"), "hund");
	assert_string_equal(r.query_string, "q=hund&lang=en");
	assert_string_equal(r.accept_language, "en-GB,de;q=0.5");
	assert_string_equal(r.fetch_site, "cross-site");
	assert_null(r.origin);
	req_free(&r);

	/* Present but unusable (a control character, too long): "?", which
	 * no check takes for ours, and which the log can show as it is. */
	assert_int_equal(parse_with(odd, "", &r), REQ_OK);
	assert_string_equal(r.origin, "?");
	assert_string_equal(r.fetch_site, "?");
	req_free(&r);

	assert_int_equal(parse_with(post, "name=A&b=2", &r), REQ_BAD_REQUEST);
	req_free(&r);	/* body shorter than CONTENT_LENGTH */
	assert_int_equal(parse_with(post, "name=Ab&b=2", &r), REQ_OK);
	assert_int_equal(r.method, REQ_POST);
	assert_string_equal(r.path, "/services/osterfeuer");
	assert_string_equal(req_param(&r.body, "name"), "Ab");
	req_free(&r);
}

static void
test_req_parse_rejects(void **state)
{
	static const char *const huge[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=5000",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL,
	};
	static const char *const hugemulti[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=5000",
		"CONTENT_TYPE=" CT, NULL,
	};
	static const char *const nolen[] = {
		"REQUEST_METHOD=POST",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL,
	};
	static const char *const badlen[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=-1",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL,
	};
	static const char *const badtype[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=3",
		"CONTENT_TYPE=text/plain", NULL,
	};
	/* A provider's notice: JSON, kept as it came for its checks. */
	static const char *const json[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=7",
		"CONTENT_TYPE=application/json; charset=utf-8", NULL,
	};
	static const char *const bigjson[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=70000",
		"CONTENT_TYPE=application/json", NULL,
	};
	static const char *const prefixtype[] = {
		"REQUEST_METHOD=POST", "CONTENT_LENGTH=3",
		"CONTENT_TYPE=application/x-www-form-urlencodedX", NULL,
	};
	static const char *const badpath[] = {
		"REQUEST_METHOD=GET", "PATH_INFO=/\xff", NULL,
	};
	static const char *const badquery[] = {
		"REQUEST_METHOD=GET", "QUERY_STRING=q=%E4", NULL,
	};
	struct req r;

	(void)state;
	assert_int_equal(parse_with(huge, "", &r), REQ_TOO_LARGE);
	req_free(&r);
	assert_int_equal(parse_with(hugemulti, "", &r), REQ_TOO_LARGE);
	req_free(&r);
	assert_int_equal(parse_with(nolen, "", &r), REQ_BAD_REQUEST);
	req_free(&r);
	assert_int_equal(parse_with(badlen, "", &r), REQ_BAD_REQUEST);
	req_free(&r);
	assert_int_equal(parse_with(badtype, "{}x", &r), REQ_BAD_REQUEST);
	req_free(&r);
	assert_int_equal(parse_with(json, "{\"a\":1}", &r), REQ_OK);
	assert_string_equal(r.json, "{\"a\":1}");
	assert_int_equal(r.body.n, 0);
	req_free(&r);
	assert_int_equal(parse_with(bigjson, "", &r), REQ_TOO_LARGE);
	req_free(&r);
	assert_int_equal(parse_with(prefixtype, "a=1", &r), REQ_BAD_REQUEST);
	req_free(&r);
	assert_int_equal(parse_with(badpath, "", &r), REQ_BAD_REQUEST);
	req_free(&r);
	assert_int_equal(parse_with(badquery, "", &r), REQ_BAD_UTF8);
	req_free(&r);
	assert_int_equal(req_err_status(REQ_TOO_LARGE), 413);
	assert_string_equal(req_err_reason(REQ_BAD_UTF8), "bad_utf8");
}

/* A multipart body of one part: `head`, `big` bytes of 'x', the close. */
static size_t
one_part(char *body, const char *head, size_t big, char *clen, size_t clensz)
{
	static const char tail[] = "\r\n--XyZ--\r\n";
	size_t	 h = strlen(head);

	memcpy(body, head, h);
	memset(body + h, 'x', big);
	memcpy(body + h + big, tail, sizeof(tail));
	snprintf(clen, clensz, "CONTENT_LENGTH=%zu", h + big + sizeof(tail) - 1);
	return h + big + sizeof(tail) - 1;
}

/*
 * The default limits: a 2 MiB file part fits in a multipart body, a 2 MiB
 * urlencoded body does not (no text needs that much), and neither does a
 * 2 MiB text part of a multipart body.
 */
static void
test_req_body_limits_by_type(void **state)
{
	static const char head[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"scan\"; filename=\"a.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n\r\n";
	static const char texthead[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"scan\"\r\n\r\n";
	const size_t big = 2u << 20;
	char	 clen[64], *body;
	const char *multi[] = { "REQUEST_METHOD=POST", clen,
	    "CONTENT_TYPE=" CT, NULL };
	const char *urlenc[] = { "REQUEST_METHOD=POST", clen,
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	size_t	 len;
	struct req r;

	(void)state;
	assert_non_null(body = malloc(sizeof(head) + big + 64));

	/* A file part of 2 MiB. */
	len = one_part(body, head, big, clen, sizeof(clen));
	assert_int_equal(parse_body_with(&req_default_limits, multi, body, len,
	    &r), REQ_OK);
	assert_int_equal(r.body.n, 1);
	assert_string_equal(r.body.v[0].filename, "a.pdf");
	assert_int_equal(r.body.v[0].valuelen, big);
	assert_null(req_param(&r.body, "scan"));
	req_free(&r);

	/* The same bytes as a text part: over the 64 KiB of a value. */
	len = one_part(body, texthead, big, clen, sizeof(clen));
	assert_int_equal(parse_body_with(&req_default_limits, multi, body, len,
	    &r), REQ_FIELD_TOO_LONG);
	req_free(&r);

	/* 2 MiB urlencoded: refused before it is parsed. */
	memcpy(body, "name=", 5);
	memset(body + 5, 'a', big - 5);
	body[big] = '\0';
	snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%zu", big);
	assert_int_equal(parse_body_with(&req_default_limits, urlenc, body, big,
	    &r), REQ_TOO_LARGE);
	req_free(&r);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_req_urlencoded),
		cmocka_unit_test(test_req_bad_escapes),
		cmocka_unit_test(test_req_limits),
		cmocka_unit_test(test_req_multipart),
		cmocka_unit_test(test_req_multipart_broken),
		cmocka_unit_test(test_req_empty_pairs_count),
		cmocka_unit_test(test_req_multipart_quoted_params),
		cmocka_unit_test(test_req_file_parts_are_not_text),
		cmocka_unit_test(test_req_cookies),
		cmocka_unit_test(test_req_parse_cgi),
		cmocka_unit_test(test_req_parse_rejects),
		cmocka_unit_test(test_req_body_limits_by_type),
	};

	return cmocka_run_group_tests_name("req", tests, NULL, NULL);
}
