/*
 * Services that need a login (issue 11), behind a real Apache with
 * mod_auth_openidc and the demo's OpenID Connect provider (tools/idp,
 * started by group_setup_idp): the certificate of residence requires a
 * login at trust level substantial. Anonymous and basic citizens cannot
 * send it, whatever they post; erika (substantial) gets it prefilled,
 * her vouched-for name and address locked, and a forged value in the
 * POST changes nothing of what is stored. The submission keeps her
 * account's subject and level, and the back office says so; her receipt
 * mail links to "Meine Anträge" and holds no token.
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

#define CERT		"meldebescheinigung"
#define CERT_PATH	SCRIPT "/services/" CERT

/* Every answer of the certificate, as one POST from its check page. */
#define CERT_ANSWERS	"given_name=Erika&family_name=Gefaelscht" \
	"&born=1970-01-01&street=Falschweg+1&postcode=26639" \
	"&id_number=L01X00T47&email=erika.mustermann%40example.org" \
	"&kind=einfach&purpose=privat&delivery=post"

/* The ref of erika's certificate, for the back-office test. */
static char erika_ref[32];

static long
stored_rows(void)
{
	return db_number("SELECT (SELECT count(*) FROM submission) +"
	    " (SELECT count(*) FROM upload)");
}

/* The value="" of the input named `name` in a page, tracked; or NULL. */
static char *
input_of(const char *html, const char *name)
{
	char	 want[128], *out;
	const char *p, *start, *end;

	snprintf(want, sizeof(want), "name=\"%s\"", name);
	for (p = html; (p = strstr(p, want)) != NULL; p++) {
		for (start = p; start > html && *start != '<'; start--)
			;
		if (strncmp(start, "<input", 6) != 0 ||
		    (end = strchr(p, '>')) == NULL)
			continue;
		out = track(strndup(start, (size_t)(end - start + 1)));
		assert_non_null(out);
		return out;
	}
	return NULL;
}

/* A citizen logged in as `user`, back on the portal. */
static void
login(struct citizen *c, const char *user, const char *password)
{
	struct resp r;

	if (citizen_login(c, user, password, CERT_PATH, &r) != 0)
		fail_msg("login of %s ended at %s (%ld)", user, c->url,
		    r.status);
	assert_true(citizen_has_cookie(c, CITIZEN_SESSION_COOKIE));
}

/*
 * Anonymous: the service shows why it needs a login and the button to
 * it instead of the form; a POST, plain or with _confirm, is 403 and
 * stores nothing. The same for the civil-status certificate.
 */
static void
test_anonymous_cannot_send(void **state)
{
	struct resp r;
	long	 before = stored_rows();
	char	*key;

	(void)state;
	assert_int_equal(http("GET", CERT_PATH, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Mit dem Servicekonto anmelden"));
	assert_non_null(strstr(r.body, "href=\"" SCRIPT "/login?return="
	    SCRIPT "/services/" CERT "\""));
	assert_non_null(strstr(r.body, "\xe2\x80\x9esubstanziell\xe2\x80\x9c"));
	assert_null(strstr(r.body, "name=\"given_name\""));
	assert_null(strstr(r.body, "<form"));
	assert_null(strstr(r.body, "<script"));
	/* In English the way back keeps the language. */
	assert_int_equal(http("GET", CERT_PATH "?lang=en", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "href=\"" SCRIPT "/login?return="
	    SCRIPT "/services/" CERT "%3Flang%3Den\""));

	/* With a key of this browser from another form, and without. */
	key = service_key("osterfeuer");
	post_service(CERT, "_page=person&" CERT_ANSWERS, 403, &r);
	assert_non_null(strstr(r.body, "nicht gesendet und nicht gespeichert"));
	post_service(CERT, CERT_ANSWERS "&_confirm=1", 403, &r);
	post_service(CERT, (replace_all("_key=@KEY@&" CERT_ANSWERS
	    "&_confirm=1", "@KEY@", key)), 403, &r);
	post_service("personenstandsurkunde", "kind=geburt&_confirm=1", 403,
	    &r);
	assert_int_equal(stored_rows(), before);
}

/*
 * max is logged in at basic: told that the service needs substantial and
 * how to get there; his POST is refused like an anonymous one.
 */
static void
test_basic_is_told_the_level(void **state)
{
	struct citizen c = { 0 };
	struct resp r;
	long	 before = stored_rows();

	(void)state;
	login(&c, "max", "max-demo");
	assert_int_equal(citizen_get(&c, CERT_PATH, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "mindestens das Vertrauensniveau "
	    "\xe2\x80\x9esubstanziell\xe2\x80\x9c"));
	assert_non_null(strstr(r.body, "\xe2\x80\x9eniedrig\xe2\x80\x9c "
	    "angemeldet"));
	assert_non_null(strstr(r.body, "Online-Ausweisfunktion"));
	assert_null(strstr(r.body, "name=\"given_name\""));
	assert_int_equal(citizen_post(&c, CERT_PATH, CERT_ANSWERS
	    "&_confirm=1", &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "Vertrauensniveau"));
	assert_int_equal(citizen_post(&c, CERT_PATH, "_page=person&"
	    CERT_ANSWERS, &r), 0);
	assert_int_equal(r.status, 403);
	assert_int_equal(stored_rows(), before);
	citizen_free(&c);
}

/*
 * erika (substantial): the form comes prefilled, name, birth date and
 * address read-only as vouched for, the e-mail address editable; a
 * forged family name and street in the POST are ignored on the check
 * page and in what is stored; the submission keeps her subject and
 * trust level; her receipt mail links to her Postkorb, without token.
 */
static void
test_substantial_prefilled_and_locked(void **state)
{
	struct citizen c = { 0 };
	struct resp r;
	char	*in, *key, *body, *loc, *mail, sql[256], text[2048], token[80];
	long	 before = count_submissions(), n;

	(void)state;
	login(&c, "erika", "erika-demo");
	assert_int_equal(citizen_get(&c, CERT_PATH, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(in = input_of(r.body, "given_name"));
	assert_non_null(strstr(in, "value=\"Erika\""));
	assert_non_null(strstr(in, " readonly"));
	assert_null(strstr(in, "disabled"));
	assert_non_null(in = input_of(r.body, "family_name"));
	assert_non_null(strstr(in, "value=\"Mustermann\""));
	assert_non_null(strstr(in, " readonly"));
	assert_non_null(in = input_of(r.body, "street"));
	assert_non_null(strstr(in, "value=\"Hauptstra\xc3\x9f" "e 193\""));
	assert_non_null(strstr(in, " readonly"));
	assert_non_null(in = input_of(r.body, "born"));
	assert_non_null(strstr(in, "value=\"1964-08-12\""));
	assert_non_null(in = input_of(r.body, "email"));
	assert_non_null(strstr(in, "erika.mustermann@example.org"));
	assert_null(strstr(in, "readonly"));
	assert_non_null(strstr(r.body, "aus Ihrem Servicekonto (gepr\xc3\xbc" "ft)"));
	assert_non_null(strstr(r.body, "aus Ihrem Servicekonto, bitte "
	    "pr\xc3\xbc" "fen"));
	assert_non_null(key = form_key(r.body));

	/* The check page: her name, not the forged one. */
	body = (replace_all("_key=@KEY@&" CERT_ANSWERS, "@KEY@", key));
	assert_int_equal(citizen_post(&c, CERT_PATH, body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"_confirm\""));
	assert_null(strstr(r.body, "Gefaelscht"));
	assert_null(strstr(r.body, "Falschweg"));
	assert_non_null(strstr(r.body, "Mustermann"));
	/* Nothing to change where the account vouches: no "Ändern" there,
	 * its source instead; the e-mail (not vouched for) keeps it. */
	assert_null(strstr(r.body, "#f-family_name\""));
	assert_null(strstr(r.body, "#f-street\""));
	assert_non_null(strstr(r.body, "#f-email\""));
	assert_non_null(strstr(r.body, "<dd class=\"change prefill-locked\">"
	    "aus Ihrem Servicekonto</dd>"));

	/* Sent with the forged values again: stored with hers. */
	body = (replace_all("_key=@KEY@&" CERT_ANSWERS "&_confirm=1", "@KEY@",
	    key));
	assert_int_equal(citizen_post(&c, CERT_PATH, body, &r), 0);
	if (r.status != 303)
		fail_msg("erika's certificate: %ld, not 303", r.status);
	assert_int_equal(count_submissions(), before + 1);
	assert_non_null(loc = resp_header(&r, "Location"));
	/* On to her checkout without the token: her account opens it, and
	 * the address stays out of the browser's history and logs. */
	assert_null(strstr(loc, "token="));
	parse_receipt_location(loc, erika_ref, sizeof(erika_ref), token,
	    sizeof(token));
	/* Her receipt mail: the way to "Meine Anträge", not the token (the
	 * account opens it; a mail may pass through foreign servers). */
	snprintf(sql, sizeof(sql), "eingegangen: %s", erika_ref);
	assert_non_null(mail = track(mail_to("erika.mustermann@example.org",
	    sql)));
	mail_unfold(mail);
	assert_null(strstr(mail, token));
	snprintf(sql, sizeof(sql), SCRIPT "/my/%s", erika_ref);
	assert_non_null(strstr(mail, sql));
	snprintf(sql, sizeof(sql), "SELECT answers FROM submission WHERE"
	    " ref = '%s'", erika_ref);
	assert_int_equal(db_query(sql, &n, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "<value name=\"family_name\">Mustermann"
	    "</value>"));
	assert_non_null(strstr(text, "<value name=\"given_name\">Erika"
	    "</value>"));
	assert_non_null(strstr(text, "<value name=\"born\">1964-08-12"));
	assert_non_null(strstr(text, "Hauptstra\xc3\x9f" "e 193"));
	assert_null(strstr(text, "Gefaelscht"));
	assert_null(strstr(text, "Falschweg"));
	assert_int_equal(db_countf("SELECT count(*) FROM submission WHERE"
	    " ref = '%s' AND trust_level = 'substantial' AND subject LIKE"
	    " 'demo-erika-7f3a@%%'", erika_ref), 1);
	citizen_free(&c);
}

/*
 * The back office: erika's certificate says she was logged in and at
 * which level; an anonymous bonfire registration says "ohne Anmeldung".
 */
static void
test_staff_sees_the_login(void **state)
{
	struct as clerk = { "beispiel", NULL, NULL };	/* buergerbuero */
	struct as ordnung = { "mustermann", NULL, NULL };
	struct resp r;
	char	 path[128], ref[32], token[80];

	(void)state;
	if (erika_ref[0] == '\0')
		skip();
	snprintf(path, sizeof(path), "/submissions/%s", erika_ref);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "angemeldet \xc3\xbc" "ber "
	    "Servicekonto (Vertrauensniveau substanziell)"));
	/* The account's subject is not the clerk's business, nor is it a
	 * mail address; the one she gave is. */
	assert_null(strstr(r.body, "demo-erika-7f3a"));
	assert_non_null(strstr(r.body, "<dd>erika.mustermann@example.org</dd>"));

	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	assert_int_equal(staff_http(&ordnung, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "ohne Anmeldung"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_anonymous_cannot_send,
		    free_tracked),
		cmocka_unit_test_teardown(test_basic_is_told_the_level,
		    free_tracked),
		cmocka_unit_test_teardown(test_substantial_prefilled_and_locked,
		    free_tracked),
		cmocka_unit_test_teardown(test_staff_sees_the_login,
		    free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("cgi citizen forms", tests, group_setup_idp, NULL);
}
