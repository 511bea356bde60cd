#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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
	route_match(ROUTE_CITIZEN, "/status/2026-000001-4", REQ_POST, &m);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_table),
		cmocka_unit_test(test_route_wrong_method_is_405),
		cmocka_unit_test(test_route_unknown_is_404),
		cmocka_unit_test(test_route_staff),
	};

	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
