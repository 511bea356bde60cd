/*
 * The citizen login (issue 11) behind a real Apache with
 * mod_auth_openidc and a real OpenID Connect provider (tools/idp,
 * started by group_setup_idp): the provider checks the demo citizens'
 * passwords, a login comes back to the portal with the module's session,
 * anonymous pages still pass.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cgitest.h"

#define RETURN_PATH	SCRIPT "/services/osterfeuer"

/* Where a GET of `path` is sent (Location), tracked; NULL if nowhere. */
static char *
redirect_of(struct citizen *c, const char *path)
{
	struct resp r;

	assert_int_equal(citizen_get(c, path, &r), 0);
	if (r.status < 300 || r.status >= 400)
		return NULL;
	return resp_header(&r, "Location");
}

/* Anonymous pages pass the module with an empty identity, no session. */
static void
test_anonymous_pages_pass(void **state)
{
	struct citizen c = { 0 };
	struct resp r;

	(void)state;
	assert_int_equal(citizen_get(&c, SCRIPT "/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(citizen_get(&c, FORM, &r), 0);
	assert_int_equal(r.status, 200);
	assert_false(citizen_has_cookie(&c, CITIZEN_SESSION_COOKIE));
	citizen_free(&c);
}

/* A wrong password: the provider's login page again, no session. */
static void
test_wrong_password(void **state)
{
	struct citizen c = { 0 };
	struct resp r;
	char	*loc;

	(void)state;
	assert_int_equal(citizen_login(&c, "erika", "max-demo", RETURN_PATH,
	    &r), 1);
	assert_int_equal(r.status, 200);
	assert_true(strncmp(c.url, T.idp_url, strlen(T.idp_url)) == 0);
	assert_non_null(strstr(r.body, "Passwort ist falsch"));
	assert_non_null(strstr(r.body, "name=\"password\""));
	assert_false(citizen_has_cookie(&c, CITIZEN_SESSION_COOKIE));
	/* An unknown citizen the same. */
	assert_int_equal(citizen_login(&c, "mallory", "erika-demo",
	    RETURN_PATH, &r), 1);
	assert_non_null(strstr(r.body, "Passwort ist falsch"));
	/* Still nobody: /login sends to the provider again. */
	loc = redirect_of(&c, SCRIPT "/login?return=%2F");
	assert_non_null(loc);
	assert_true(strncmp(loc, T.idp_url, strlen(T.idp_url)) == 0);
	citizen_free(&c);
}

/*
 * erika logs in: the chain comes back through the module's callback to
 * /login, which sends her on to the page she came from, now with her
 * name in the page's head; /login then no longer goes to the provider
 * but straight back.
 */
static void
test_login_comes_back(void **state)
{
	struct citizen c = { 0 };
	struct resp r;
	char	 want[256], *loc;

	(void)state;
	assert_int_equal(citizen_login(&c, "erika", "erika-demo", RETURN_PATH,
	    &r), 0);
	snprintf(want, sizeof(want), "%s%s", T.origin, RETURN_PATH);
	if (strcmp(c.url, want) != 0 || r.status != 200)
		fail_msg("login ended at %s (%ld), not %s", c.url, r.status,
		    want);
	assert_non_null(strstr(r.body, "Erika Mustermann"));
	assert_true(citizen_has_cookie(&c, CITIZEN_SESSION_COOKIE));
	loc = redirect_of(&c, SCRIPT "/login?return=%2F");
	assert_non_null(loc);
	snprintf(want, sizeof(want), "%s" SCRIPT "/", T.origin);
	assert_true(strcmp(loc, want) == 0 || strcmp(loc, SCRIPT "/") == 0);
	citizen_free(&c);
}

/* The module's logout ends the session at the provider too. */
static void
test_logout(void **state)
{
	struct citizen c = { 0 };
	struct resp r;
	char	*loc;

	(void)state;
	assert_int_equal(citizen_login(&c, "max", "max-demo", RETURN_PATH,
	    &r), 0);
	assert_true(citizen_has_cookie(&c, CITIZEN_SESSION_COOKIE));
	assert_int_equal(citizen_logout(&c, &r), 0);
	loc = redirect_of(&c, SCRIPT "/login?return=%2F");
	assert_non_null(loc);
	assert_true(strncmp(loc, T.idp_url, strlen(T.idp_url)) == 0);
	/* The provider asks for the password again (its session ended). */
	assert_int_equal(citizen_get(&c, loc, &r), 0);
	assert_int_equal(citizen_follow(&c, &r), 0);
	assert_non_null(strstr(r.body, "name=\"password\""));
	citizen_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_anonymous_pages_pass,
		    free_tracked),
		cmocka_unit_test_teardown(test_wrong_password, free_tracked),
		cmocka_unit_test_teardown(test_login_comes_back, free_tracked),
		cmocka_unit_test_teardown(test_logout, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("cgi identity", tests, group_setup_idp, NULL);
}
