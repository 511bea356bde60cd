/*
 * The citizen login (issue 11) behind a real Apache with
 * mod_auth_openidc and a real OpenID Connect provider (tools/idp,
 * started by group_setup_idp): the provider checks the demo citizens'
 * passwords, a login comes back to the portal with the module's session,
 * anonymous pages still pass, headers a client sends are no identity.
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

/*
 * Headers a client sends are no identity: not the module's variable
 * names, not a web server's user, not a proxy's, not SAML's. Anonymous
 * they leave the citizen anonymous (the certificate asks for a login,
 * /my sends to it, a POST stores nothing); for max (basic) they do not
 * make him erika at substantial.
 */
static void
test_forged_headers(void **state)
{
	static const char *const forged[] = {
		"OIDC_CLAIM_sub: demo-erika-7f3a",
		"OIDC_CLAIM_acr: http://eidas.europa.eu/LoA/substantial",
		"OIDC-CLAIM-sub: demo-erika-7f3a",
		"Remote-User: demo-erika-7f3a",
		"X-Remote-User: demo-erika-7f3a",
		"X-Forwarded-User: demo-erika-7f3a",
		"MELLON_urn_oid_1_3_6_1_4_1_25484_494450_3: bpk-erika",
		"Mellon-Urn-Oid-2-5-4-42: Erika",
		"X-Forwarded-Preferred-Username: erika",
	};
	static const char cert[] = SCRIPT "/services/meldebescheinigung";
	struct citizen anon = { 0 }, max = { 0 };
	struct resp r;
	long	 before = count_submissions();
	size_t	 i;
	char	*loc;

	(void)state;
	assert_int_equal(citizen_login(&max, "max", "max-demo", SCRIPT "/",
	    &r), 0);
	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		assert_int_equal(citizen_request(&anon, "GET", cert, forged[i],
		    NULL, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, "Mit dem Servicekonto anmelden") == NULL ||
		    strstr(r.body, "name=\"given_name\"") != NULL)
			fail_msg("with \"%s\" the form is open", forged[i]);
		assert_int_equal(citizen_request(&anon, "GET", SCRIPT "/my",
		    forged[i], NULL, NULL, 0, &r), 0);
		assert_int_equal(r.status, 303);
		assert_non_null(loc = resp_header(&r, "Location"));
		assert_non_null(strstr(loc, "/login?return="));
		assert_int_equal(citizen_request(&anon, "POST", cert,
		    forged[i], "given_name=Mallory&_confirm=1", NULL, 0, &r),
		    0);
		assert_int_equal(r.status, 403);
		/* max stays max, at basic: told the level, not given it. */
		assert_int_equal(citizen_request(&max, "GET", cert, forged[i],
		    NULL, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, "Max Mustermann") == NULL ||
		    strstr(r.body, "Erika") != NULL ||
		    strstr(r.body, "name=\"given_name\"") != NULL)
			fail_msg("with \"%s\" max is someone else", forged[i]);
	}
	assert_int_equal(count_submissions(), before);
	assert_false(citizen_has_cookie(&anon, CITIZEN_SESSION_COOKIE));
	citizen_free(&anon);
	citizen_free(&max);
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
		cmocka_unit_test_teardown(test_forged_headers, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("cgi identity", tests, group_setup_idp, NULL);
}
