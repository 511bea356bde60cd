/*
 * "Meine Anträge" and the Postkorb through Apache with the demo's real
 * OpenID Connect provider: /login's return paths, claiming an anonymous
 * submission, owner access without a token and nobody else's, the
 * Postkorb round trip with the clerk (answer with a file, the mails
 * without content, a refused answer kept), refused cross-site POSTs,
 * and purge (after which no token adds the submission to an account).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgitest.h"

#define MESSAGE	"Bitte reichen Sie den Lageplan nach"
#define ANSWER	"Anbei der Lageplan vom Bauamt"
#define PDF	"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
#define EXE	"MZ\x90 not a document"
/* "Anbei die Datei " U+202E (right-to-left override) "fdp.exe" */
#define BIDI	"Anbei die Datei \xe2\x80\xae" "fdp.exe"

/* The submissions the tests share, in order. */
static char	 ref[32], token[80];

static void
login(struct citizen *c, const char *user, const char *password)
{
	struct resp r;

	assert_int_equal(citizen_login(c, user, password, SCRIPT "/my", &r),
	    0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Meine Anträge"));
}

/* The account's CSRF token of the page (the hidden _csrf field). */
static void
csrf_of(const struct resp *r, char tok[REF_TOKEN_LEN + 1])
{
	const char *p = strstr(r->body, "name=\"_csrf\" value=\"");

	assert_non_null(p);
	p += strlen("name=\"_csrf\" value=\"");
	assert_true(strspn(p, "0123456789abcdef") == REF_TOKEN_LEN);
	memcpy(tok, p, REF_TOKEN_LEN);
	tok[REF_TOKEN_LEN] = '\0';
}

static long
get_status(struct citizen *c, const char *path)
{
	struct resp r;

	assert_int_equal(citizen_get(c, path, &r), 0);
	return r.status;
}

static char *
subject_of(const char *r)
{
	static char subject[512];
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT coalesce(subject, '') FROM"
	    " submission WHERE ref = '%s'", r);
	assert_int_equal(db_query(sql, NULL, subject, sizeof(subject)), 0);
	return subject;
}

/* /login?return= follows local paths only; anything else: the catalog. */
static void
test_login_return(void **state)
{
	static const char *const bad[] = {
		"https%3A%2F%2Fevil.example", "%2F%2Fevil.example",
		"%2F%5C%5Cevil.example", "%252F%252Fevil.example",
		"javascript%3Aalert(1)", "%2Fservices%2Fx%0D%0ASet-Cookie%3Aa",
		"%2F..%2F..%2Fevil",
	};
	struct citizen c = { 0 };
	struct resp r;
	char	 path[256], want[256];
	size_t	 i;

	(void)state;
	login(&c, "erika", "erika-demo");
	snprintf(want, sizeof(want), "%s" SCRIPT "/", T.origin);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), SCRIPT "/login?return=%s", bad[i]);
		assert_int_equal(citizen_get(&c, path, &r), 0);
		assert_int_equal(r.status, 303);
		if (strcmp(resp_header(&r, "Location"), want) != 0)
			fail_msg("return=%s went to %s", bad[i],
			    resp_header(&r, "Location"));
	}
	assert_int_equal(citizen_get(&c, SCRIPT "/login?return=%2Fmy", &r),
	    0);
	assert_int_equal(r.status, 303);
	snprintf(want, sizeof(want), "%s" SCRIPT "/my", T.origin);
	assert_string_equal(resp_header(&r, "Location"), want);
	/* The header: name, Meine Anträge, Abmelden. */
	assert_int_equal(citizen_get(&c, SCRIPT "/", &r), 0);
	assert_non_null(strstr(r.body, "Erika Mustermann"));
	assert_non_null(strstr(r.body, "Abmelden"));
	citizen_free(&c);
	/* Anonymous: "Anmelden", back to this page; /my sends to login. */
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, SCRIPT "/login?return=/\""));
	assert_int_equal(http("GET", SCRIPT "/my", NULL, 0, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(resp_header(&r, "Location"),
	    SCRIPT "/login?return=/my"));
}

/*
 * Claiming: a wrong token, an unknown reference, another account's: the
 * same 404, nothing changed; the right one adds it. Then the owner opens
 * receipt and status without a token, nobody else does.
 */
static void
test_claim_and_owner(void **state)
{
	struct citizen erika = { 0 }, max = { 0 };
	struct resp r;
	char	 csrf[REF_TOKEN_LEN + 1], body[256], path[128], bad[80];
	char	*notfound;

	(void)state;
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	login(&erika, "erika", "erika-demo");
	assert_int_equal(citizen_get(&erika, SCRIPT "/my", &r), 0);
	csrf_of(&r, csrf);

	snprintf(bad, sizeof(bad), "%s", token);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	snprintf(body, sizeof(body), "_csrf=%s&ref=%s&token=%s", csrf, ref,
	    bad);
	assert_int_equal(citizen_post(&erika, SCRIPT "/my", body, &r), 0);
	assert_int_equal(r.status, 404);
	notfound = track(strdup(strstr(r.body, "<main")));
	assert_string_equal(subject_of(ref), "");
	snprintf(body, sizeof(body), "_csrf=%s&ref=2020-999999-0&token=%s",
	    csrf, token);
	assert_int_equal(citizen_post(&erika, SCRIPT "/my", body, &r), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(strstr(r.body, "<main"), notfound);

	/* Without the account's token, or from another site: refused. */
	snprintf(body, sizeof(body), "ref=%s&token=%s", ref, token);
	assert_int_equal(citizen_post(&erika, SCRIPT "/my", body, &r), 0);
	assert_int_equal(r.status, 403);
	snprintf(body, sizeof(body), "_csrf=%s&ref=%s&token=%s", csrf, ref,
	    token);
	assert_int_equal(citizen_request(&erika, "POST", SCRIPT "/my",
	    "Sec-Fetch-Site: cross-site", body, NULL, 0, &r), 0);
	assert_int_equal(r.status, 403);
	assert_string_equal(subject_of(ref), "");

	assert_int_equal(citizen_post(&erika, SCRIPT "/my", body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_true(strlen(subject_of(ref)) > 0);
	assert_int_equal(citizen_get(&erika, SCRIPT "/my", &r), 0);
	assert_non_null(strstr(r.body, ref));
	assert_null(strstr(r.body, token));
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s", ref);
	assert_int_equal(citizen_get(&erika, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, token));
	snprintf(path, sizeof(path), SCRIPT "/status/%s", ref);
	assert_int_equal(get_status(&erika, path), 200);

	/* max: not in his list, 404 everywhere, cannot claim it. */
	login(&max, "max", "max-demo");
	assert_int_equal(citizen_get(&max, SCRIPT "/my", &r), 0);
	assert_null(strstr(r.body, ref));
	csrf_of(&r, csrf);
	snprintf(path, sizeof(path), SCRIPT "/my/%s", ref);
	assert_int_equal(get_status(&max, path), 404);
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s", ref);
	assert_int_equal(get_status(&max, path), 404);
	snprintf(body, sizeof(body), "_csrf=%s&ref=%s&token=%s", csrf, ref,
	    token);
	assert_int_equal(citizen_post(&max, SCRIPT "/my", body, &r), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(strstr(r.body, "<main"), notfound);
	citizen_free(&erika);
	citizen_free(&max);
}

/*
 * The clerk asks, the citizen answers with a file in the Postkorb, the
 * status goes back to in progress, the clerk sees the answer and
 * downloads the file; both mails say only that there is a message.
 */
static void
test_postkorb_round_trip(void **state)
{
	struct as clerk = { "mustermann", NULL, NULL };
	struct citizen erika = { 0 };
	struct resp r;
	char	 csrf[REF_TOKEN_LEN + 1], path[128], st[32], field[32];
	char	 sql[256], *mail;
	struct part parts[3];

	(void)state;
	assert_true(*ref != '\0');
	staff_action(&clerk, ref, "status&from=received&to=in_progress", &r);
	assert_int_equal(r.status, 303);
	staff_action(&clerk, ref, "status&from=in_progress&to=waiting"
	    "&message=" "Bitte+reichen+Sie+den+Lageplan+nach", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(mail = track(mail_to("erika@example.org",
	    "Postkorb")));
	mail_unfold(mail);
	assert_null(strstr(mail, "Lageplan"));
	assert_non_null(strstr(mail, SCRIPT "/my/"));
	assert_null(strstr(mail, token));

	login(&erika, "erika", "erika-demo");
	snprintf(path, sizeof(path), SCRIPT "/my/%s", ref);
	assert_int_equal(citizen_get(&erika, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, MESSAGE));
	assert_non_null(strstr(r.body, "name=\"text\""));
	csrf_of(&r, csrf);
	parts[0] = (struct part){ "_csrf", csrf, strlen(csrf), NULL };
	/* Bidi controls that turn around what the clerk reads: refused as
	 * in every form, and said why; nothing stored. */
	parts[1] = (struct part){ "text", BIDI, strlen(BIDI), NULL };
	assert_int_equal(citizen_post_parts(&erika, path, parts, 2, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Schreibrichtung"));
	/* A file of a kind not taken: refused, her text is still there. */
	parts[1] = (struct part){ "text", ANSWER, strlen(ANSWER), NULL };
	parts[2] = (struct part){ "file", EXE, strlen(EXE), "lageplan.pdf" };
	assert_int_equal(citizen_post_parts(&erika, path, parts, 3, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, ">" ANSWER "</textarea>"));
	assert_int_equal(db_countf("SELECT count(*) FROM reply r JOIN"
	    " submission s ON s.id = r.submission_id WHERE s.ref = '%s'",
	    ref), 0);
	parts[2] = (struct part){ "file", PDF, strlen(PDF), "lageplan.pdf" };
	assert_int_equal(citizen_post_parts(&erika, path, parts, 3, &r), 0);
	assert_int_equal(r.status, 303);
	snprintf(sql, sizeof(sql), "SELECT status FROM submission WHERE"
	    " ref = '%s'", ref);
	assert_int_equal(db_query(sql, NULL, st, sizeof(st)), 0);
	assert_string_equal(st, "in_progress");
	assert_int_equal(citizen_get(&erika, path, &r), 0);
	assert_non_null(strstr(r.body, ANSWER));
	assert_null(strstr(r.body, "name=\"text\""));
	/* No longer waiting: a second answer stores nothing. */
	assert_int_equal(citizen_post_parts(&erika, path, parts, 2, &r), 0);
	assert_int_equal(r.status, 409);
	assert_int_equal(db_countf("SELECT count(*) FROM reply r JOIN"
	    " submission s ON s.id = r.submission_id WHERE s.ref = '%s'",
	    ref), 1);
	citizen_free(&erika);

	assert_non_null(mail = track(mail_to("h.mustermann@stadt-wiesmoor"
	    ".example", "Antwort im Postkorb")));
	mail_unfold(mail);
	assert_null(strstr(mail, "Lageplan"));
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	clerk.cookie = NULL;
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ANSWER));
	snprintf(sql, sizeof(sql), "SELECT field FROM reply r JOIN submission"
	    " s ON s.id = r.submission_id WHERE s.ref = '%s'", ref);
	assert_int_equal(db_query(sql, NULL, field, sizeof(field)), 0);
	assert_true(strncmp(field, "reply-", 6) == 0);
	assert_non_null(strstr(r.body, field));
	snprintf(path, sizeof(path), "/files/%s?field=%s", ref, field);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(resp_header(&r, "Content-Type"),
	    "application/pdf"));
	assert_int_equal(r.blen, strlen(PDF));
}

/* Purge takes the answers and their files along. */
static void
test_purge_takes_replies(void **state)
{
	char	 sql[512], ago200[21], *out;

	(void)state;
	assert_true(*ref != '\0');
	iso_ago(200 * 86400L, ago200);
	snprintf(sql, sizeof(sql), "UPDATE submission SET status = 'completed'"
	    " WHERE ref = '%s';"
	    "INSERT INTO status_event(submission_id, status, at) SELECT id,"
	    " 'completed', '%s' FROM submission WHERE ref = '%s'", ref, ago200,
	    ref);
	assert_int_equal(db_exec(sql), 0);
	assert_int_equal(rathaus_cli("purge", &out), 0);
	free(out);
	assert_int_equal(db_countf("SELECT count(*) FROM reply r JOIN"
	    " submission s ON s.id = r.submission_id WHERE s.ref = '%s'",
	    ref), 0);
	assert_int_equal(db_countf("SELECT count(*) FROM upload WHERE"
	    " ref = '%s'", ref), 0);
	assert_string_equal(subject_of(ref), "");
}

/*
 * A purged submission belongs to no account any more, and its token
 * adds it to none: the usual 404, no subject on it again.
 */
static void
test_purged_cannot_be_claimed(void **state)
{
	struct citizen erika = { 0 };
	struct resp r;
	char	 csrf[REF_TOKEN_LEN + 1], body[256];

	(void)state;
	assert_true(*ref != '\0');
	assert_int_equal(db_countf("SELECT count(*) FROM submission WHERE"
	    " ref = '%s' AND purged IS NOT NULL", ref), 1);
	login(&erika, "erika", "erika-demo");
	assert_int_equal(citizen_get(&erika, SCRIPT "/my", &r), 0);
	assert_null(strstr(r.body, ref));
	csrf_of(&r, csrf);
	snprintf(body, sizeof(body), "_csrf=%s&ref=%s&token=%s", csrf, ref,
	    token);
	assert_int_equal(citizen_post(&erika, SCRIPT "/my", body, &r), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(subject_of(ref), "");
	assert_int_equal(citizen_get(&erika, SCRIPT "/my", &r), 0);
	assert_null(strstr(r.body, ref));
	citizen_free(&erika);
}

/*
 * "Meine Anträge": an appointment booked logged in shows in the Postkorb
 * with its calendar file and the way to move or cancel it; the status
 * page cancels it for the account, no token needed.
 */
static void
test_my_appointment(void **state)
{
	struct citizen erika = { 0 };
	char	 slot[17], body[256], path[128], mine[32];
	const char *p;
	struct resp r;

	(void)state;
	login(&erika, "erika", "erika-demo");
	assert_int_equal(citizen_post(&erika, SCRIPT "/services/personalausweis",
	    "name=Erika&born=1964-08-12&reason=abgelaufen&_page=person", &r), 0);
	assert_non_null(p = strstr(r.body, "type=\"radio\" value=\""));
	p += strlen("type=\"radio\" value=\"");
	snprintf(slot, sizeof(slot), "%.16s", p);
	snprintf(body, sizeof(body), "_key=%s&name=Erika&born=1964-08-12"
	    "&reason=abgelaufen&termin=%s&_confirm=1", form_key(r.body), slot);
	assert_int_equal(citizen_post(&erika, SCRIPT "/services/personalausweis",
	    body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(p = strstr(resp_header(&r, "Location"), "/receipt/"));
	snprintf(mine, sizeof(mine), "%.*s", (int)strcspn(p + 9, "?\r\n"), p + 9);

	snprintf(path, sizeof(path), SCRIPT "/my/%s", mine);
	assert_int_equal(citizen_get(&erika, path, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">In den Kalender eintragen</a>"));
	assert_non_null(strstr(r.body, ">Termin verschieben oder absagen</a>"));

	snprintf(path, sizeof(path), SCRIPT "/status/%s", mine);
	snprintf(body, sizeof(body), "_action=cancel&_confirm=1&booking=%ld",
	    db_countf("SELECT b.id FROM booking b JOIN submission s ON s.id ="
	    " b.submission_id WHERE s.ref = '%s'", mine));
	assert_int_equal(citizen_post(&erika, path, body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(db_countf("SELECT count(*) FROM booking b JOIN"
	    " submission s ON s.id = b.submission_id WHERE s.ref = '%s' AND"
	    " b.state = 'cancelled'", mine), 1);
	citizen_free(&erika);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_login_return, free_tracked),
		cmocka_unit_test_teardown(test_claim_and_owner, free_tracked),
		cmocka_unit_test_teardown(test_postkorb_round_trip,
		    free_tracked),
		cmocka_unit_test_teardown(test_purge_takes_replies,
		    free_tracked),
		cmocka_unit_test_teardown(test_purged_cannot_be_claimed,
		    free_tracked),
		cmocka_unit_test_teardown(test_my_appointment, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("cgi my", tests, group_setup_idp, NULL);
}
