#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "route.h"

static void
test_route_table(void **state)
{
	struct route_match m;

	(void)state;
	route_match(ROUTE_CITIZEN, "/", REQ_GET, &m);
	assert_int_equal(m.page, ROUTE_CATALOG);
	assert_int_equal(m.status, 200);

	route_match(ROUTE_CITIZEN, "/services/osterfeuer", REQ_POST, &m);
	assert_int_equal(m.page, ROUTE_FORM);
	assert_int_equal(m.status, 200);
	assert_string_equal(m.arg, "osterfeuer");

	route_match(ROUTE_CITIZEN, "/receipt/2026-000001-4", REQ_GET, &m);
	assert_int_equal(m.page, ROUTE_RECEIPT);
	assert_string_equal(m.arg, "2026-000001-4");

	route_match(ROUTE_CITIZEN, "/status/2026-000001-4", REQ_HEAD, &m);
	assert_int_equal(m.page, ROUTE_STATUS);
	assert_int_equal(m.status, 200);
}

static void
test_route_wrong_method_is_405(void **state)
{
	struct route_match m;

	(void)state;
	route_match(ROUTE_CITIZEN, "/", REQ_POST, &m);
	assert_int_equal(m.status, 405);
	route_match(ROUTE_CITIZEN, "/receipt/2026-000001-4", REQ_POST, &m);
	assert_int_equal(m.status, 405);
	/* The status page's appointment buttons post to it. */
	route_match(ROUTE_CITIZEN, "/status/2026-000001-4", REQ_POST, &m);
	assert_int_equal(m.status, 200);
	route_match(ROUTE_CITIZEN, "/calendar/2026-000001-4", REQ_POST, &m);
	assert_int_equal(m.status, 405);
	route_match(ROUTE_CITIZEN, "/services/x", REQ_OTHER, &m);
	assert_int_equal(m.status, 405);
}

static void
test_route_unknown_is_404(void **state)
{
	static const char *const bad[] = {
		"/nope", "/services/", "/services/../etc/passwd",
		"/services/Osterfeuer", "/services/a/b", "/services/a.xml",
		"/services/a%2fb", "//", "/services/osterfeuer/",
		"/services/0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	struct route_match m;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		route_match(ROUTE_CITIZEN, bad[i], REQ_GET, &m);
		assert_int_equal(m.status, 404);
		assert_int_equal(m.page, ROUTE_NONE);
	}
}

/* The staff program has its own table; citizen paths are not in it. */
static void
test_route_staff(void **state)
{
	struct route_match m;

	(void)state;
	route_match(ROUTE_STAFF, "/", REQ_GET, &m);
	assert_int_equal(m.page, ROUTE_STAFF_INBOX);
	route_match(ROUTE_STAFF, "/submissions/2026-000001-4", REQ_POST, &m);
	assert_int_equal(m.page, ROUTE_STAFF_SUBMISSION);
	assert_int_equal(m.status, 200);
	assert_string_equal(m.arg, "2026-000001-4");
	route_match(ROUTE_STAFF, "/files/2026-000001-4", REQ_POST, &m);
	assert_int_equal(m.status, 405);
	route_match(ROUTE_STAFF, "/export/osterfeuer", REQ_GET, &m);
	assert_int_equal(m.page, ROUTE_STAFF_EXPORT);
	route_match(ROUTE_STAFF, "/services/osterfeuer", REQ_GET, &m);
	assert_int_equal(m.status, 404);
	route_match(ROUTE_CITIZEN, "/submissions/2026-000001-4", REQ_GET, &m);
	assert_int_equal(m.status, 404);
}

/* The citizen's account: /login, /my, /my/<ref>. */
static void
test_route_my(void **state)
{
	struct route_match m;

	(void)state;
	route_match(ROUTE_CITIZEN, "/login", REQ_GET, &m);
	assert_int_equal(m.page, ROUTE_LOGIN);
	assert_int_equal(m.status, 200);
	route_match(ROUTE_CITIZEN, "/login", REQ_POST, &m);
	assert_int_equal(m.status, 405);
	assert_string_equal(m.allow, "GET, HEAD");
	route_match(ROUTE_CITIZEN, "/my", REQ_POST, &m);
	assert_int_equal(m.page, ROUTE_MY);
	assert_int_equal(m.status, 200);
	route_match(ROUTE_CITIZEN, "/my/2026-000001-4", REQ_POST, &m);
	assert_int_equal(m.page, ROUTE_MY_SUBMISSION);
	assert_int_equal(m.status, 200);
	assert_string_equal(m.arg, "2026-000001-4");
	route_match(ROUTE_CITIZEN, "/my/", REQ_GET, &m);
	assert_int_equal(m.status, 404);
	route_match(ROUTE_CITIZEN, "/my/a/b", REQ_GET, &m);
	assert_int_equal(m.status, 404);
	route_match(ROUTE_CITIZEN, "/myself", REQ_GET, &m);
	assert_int_equal(m.status, 404);
	route_match(ROUTE_STAFF, "/my", REQ_GET, &m);
	assert_int_equal(m.status, 404);
	route_match(ROUTE_CITIZEN, "/my", REQ_OTHER, &m);
	assert_int_equal(m.status, 405);
	assert_string_equal(m.allow, "GET, HEAD, POST");
}

/* The Allow header comes from the table's methods. */
static void
test_route_allow(void **state)
{
	struct route_match m;
	char	 small[8];

	(void)state;
	route_match(ROUTE_CITIZEN, "/webhook/paypal", REQ_GET, &m);
	assert_int_equal(m.status, 405);
	assert_string_equal(m.allow, "POST");
	route_match(ROUTE_STAFF, "/files/2026-000001-4", REQ_POST, &m);
	assert_string_equal(m.allow, "GET, HEAD");
	route_match(ROUTE_CITIZEN, "/nope", REQ_GET, &m);
	assert_string_equal(m.allow, "");
	assert_int_equal(route_allow(1u << REQ_GET | 1u << REQ_POST, small,
	    sizeof(small)), -1);
	assert_int_equal(route_allow(1u << REQ_POST, small, sizeof(small)), 0);
	assert_string_equal(small, "POST");
}

/* /login?return=: local paths inside the program only. */
static void
test_route_return(void **state)
{
	static const char *const bad[] = {
		"https://evil.example", "//evil.example", "/\\evil.example",
		"\\evil.example", "/\\/evil.example", "%2F%2Fevil.example",
		"/%2F/evil.example", "/%2fevil.example/..", "/%5Cevil.example",
		"javascript:alert(1)", "JavaScript:alert(1)", "evil.example",
		"", "/services/x\r\nSet-Cookie:a=b", "/services/x%0d%0aX:y",
		"/a\tb", "/services/../../evil", "/%2e%2e/evil", "/./x",
		"/x/..", "/services/x#frag\"", "/a b", "/%00", "/caf\xc3\xa9",
		"/%252F%252Fevil.example", "data:text/html,x",
	};
	char	 out[ROUTE_RETURN_MAX + 64], longp[ROUTE_RETURN_MAX + 2];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (route_return(bad[i], "/cgi-bin/rathaus.cgi", out,
		    sizeof(out)) != 0)
			fail_msg("return=%s was followed", bad[i]);
	assert_int_equal(route_return("/", "/cgi-bin/rathaus.cgi", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "/cgi-bin/rathaus.cgi/");
	assert_int_equal(route_return("/services/osterfeuer?lang=en",
	    "/cgi-bin/rathaus.cgi", out, sizeof(out)), 1);
	assert_string_equal(out, "/cgi-bin/rathaus.cgi/services/osterfeuer"
	    "?lang=en");
	assert_int_equal(route_return("/cgi-bin/rathaus.cgi/my",
	    "/cgi-bin/rathaus.cgi", out, sizeof(out)), 1);
	assert_string_equal(out, "/cgi-bin/rathaus.cgi/my");
	/* Only the program itself, not a name that begins like it. */
	assert_int_equal(route_return("/cgi-bin/rathaus.cgi2/x",
	    "/cgi-bin/rathaus.cgi", out, sizeof(out)), 1);
	assert_string_equal(out, "/cgi-bin/rathaus.cgi/cgi-bin/rathaus.cgi2/x");
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(route_return(longp, "/cgi-bin/rathaus.cgi", out,
	    sizeof(out)), 0);
	/* Too small a buffer is no return either. */
	assert_int_equal(route_return("/services/osterfeuer",
	    "/cgi-bin/rathaus.cgi", out, 10), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_table),
		cmocka_unit_test(test_route_wrong_method_is_405),
		cmocka_unit_test(test_route_unknown_is_404),
		cmocka_unit_test(test_route_staff),
		cmocka_unit_test(test_route_my),
		cmocka_unit_test(test_route_allow),
		cmocka_unit_test(test_route_return),
	};

	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
