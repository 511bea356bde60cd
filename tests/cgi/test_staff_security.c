/*
 * The back office under attack (issue 10): files saved by a clerk under
 * a name that runs as something else, payments recorded against the
 * payment state, CSRF tokens not bound to their user, and requests from
 * other sites that write audit rows in a clerk's name. The real
 * staff.cgi behind a real Apache, as in test_cgi.
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
#include <sys/wait.h>
#include <unistd.h>

#include "cgitest.h"

/*
 * A service with a fee and one file, for ordnung-2 (mustermann): what
 * the tests here submit.
 */
static const char nachweis[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<service id=\"nachweis\" version=\"1\" category=\"ordnung\">\n"
    "  <title xml:lang=\"de\">Nachweis einreichen</title>\n"
    "  <clerk ref=\"ordnung-2\"/>\n"
    "  <fee cents=\"1000\"><label xml:lang=\"de\">Geb\xc3\xbchr</label>"
    "<legal xml:lang=\"de\">Satzung</legal></fee>\n"
    "  <page id=\"p\"><field name=\"scan\" type=\"file\" required=\"true\""
    " accept=\"pdf jpeg png\"><label xml:lang=\"de\">Nachweis</label>"
    "</field></page>\n"
    "</service>\n";

static const char pdf[] = "%PDF-1.4\n% a scan\n%%EOF\n";

/* A submission of `nachweis` with `data` uploaded as `filename`. */
static void
submit_file(const char *filename, const char *data, size_t len, char *ref,
    size_t reflen)
{
	struct part p[] = {
		{ "scan", data, len, filename },
		{ "_confirm", "1", 1, NULL },
	};
	struct resp r;
	char	 token[128];

	put_definition("nachweis", nachweis);
	assert_int_equal(http_multipart(SCRIPT "/services/nachweis", p,
	    sizeof(p) / sizeof(p[0]), &r), 0);
	if (r.status != 303)
		fail_msg("submission: %ld\n%s", r.status, r.body);
	parse_receipt_location(resp_header(&r, "Location"), ref, reflen,
	    token, sizeof(token));
}

/* The quoted name and the RFC 8187 name of a Content-Disposition. */
static void
disposition_names(const char *cd, char *plain, size_t plen, char *ext,
    size_t elen)
{
	const char *p, *q;

	assert_non_null(cd);
	assert_int_equal(strncmp(cd, "attachment; filename=\"", 22), 0);
	p = cd + 22;
	assert_non_null(q = strchr(p, '"'));
	assert_true((size_t)(q - p) < plen);
	snprintf(plain, plen, "%.*s", (int)(q - p), p);
	assert_non_null(p = strstr(q, "; filename*=UTF-8''"));
	p += 19;
	assert_true(strlen(p) < elen);
	snprintf(ext, elen, "%s", p);
}

static int
ends_with(const char *s, const char *end)
{
	size_t	 n = strlen(s), m = strlen(end);

	return n >= m && strcmp(s + n - m, end) == 0;
}

/*
 * Item 3. Whatever the citizen called a file, and whatever name an older
 * version stored, the clerk's browser saves it under a name that ends in
 * the extension of what it is (by its bytes), with one dot, and nothing
 * a shell, a browser or Windows reads as more: no quotes, semicolons,
 * percent escapes, controls, bidirectional overrides or device names.
 */
static void
test_download_name_is_its_type(void **state)
{
	static const struct {
		const char	*stored;	/* the upload's stored name */
		const char	*plain;		/* filename="…" */
		const char	*ext;		/* filename*=UTF-8''… */
	} names[] = {
		{ "x.cmd", "x.pdf", "x.pdf" },
		{ ".hta", NULL, NULL },		/* no base: ref-field.pdf */
		{ "x.html", "x.pdf", "x.pdf" },
		{ "plan.svg", "plan.pdf", "plan.pdf" },
		{ "a.pdf;.html", "a_pdf.pdf", "a_pdf.pdf" },
		{ "a\";x=.html", "a_x.pdf", "a_x.pdf" },
		{ "%2e%2e%2fx.html", "2e_2e_2fx.pdf", "2e_2e_2fx.pdf" },
		{ "..\\..\\Autostart\\run.bat", "run.pdf", "run.pdf" },
		{ "\xe2\x80\xaelmth.pdf", "lmth.pdf", "lmth.pdf" },
		{ "gpj\xe2\x80\xae.exe", "gpj.pdf", "gpj.pdf" },
		{ "K\xc3\xbc" "che.html", "K_che.pdf", "K%C3%BCche.pdf" },
		{ "CON.txt", "CON_.pdf", "CON_.pdf" },
		{ "  scan .pdf. ", "scan.pdf", "scan.pdf" },
		{ "", NULL, NULL },
	};
	struct as clerk = { "mustermann", NULL, NULL };
	char	 ref[32], path[256], sql[512], plain[256], ext[512];
	char	 fallback[64];
	struct resp r;
	size_t	 i;

	(void)state;
	submit_file("x.cmd", pdf, sizeof(pdf) - 1, ref, sizeof(ref));
	snprintf(fallback, sizeof(fallback), "%s-scan.pdf", ref);
	snprintf(path, sizeof(path), "/files/%s?field=scan", ref);

	/* The citizen's name is shown as it was given, as text. */
	snprintf(sql, sizeof(sql), "/submissions/%s", ref);
	assert_int_equal(staff_http(&clerk, "GET", sql, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">x.cmd ("));

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(sql, sizeof(sql), "UPDATE upload SET filename = '%s'"
		    " WHERE ref = '%s'", names[i].stored, ref);
		assert_int_equal(db_exec(sql), 0);
		assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		assert_string_equal(resp_header(&r, "Content-Type"),
		    "application/pdf");
		disposition_names(resp_header(&r, "Content-Disposition"),
		    plain, sizeof(plain), ext, sizeof(ext));
		if (strcmp(plain, names[i].plain ? names[i].plain :
		    fallback) != 0 || strcmp(ext, names[i].ext ?
		    names[i].ext : fallback) != 0)
			fail_msg("stored \"%s\": saved as \"%s\" / %s", names[i].stored,
			    plain, ext);
	}

	/* A stored type that is not what the bytes are: the bytes count. */
	snprintf(sql, sizeof(sql), "UPDATE upload SET filename = 'bild.svg',"
	    " mime = 'image/svg+xml' WHERE ref = '%s'", ref);
	assert_int_equal(db_exec(sql), 0);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(resp_header(&r, "Content-Type"), "application/pdf");
	disposition_names(resp_header(&r, "Content-Disposition"), plain,
	    sizeof(plain), ext, sizeof(ext));
	assert_string_equal(plain, "bild.pdf");
	assert_true(ends_with(ext, ".pdf"));
}

/*
 * A submission's page for `who` without a cookie, as a browser's first
 * visit: the cookie the page set ("name=value") and the page's token.
 */
static void
staff_form(const char *user, const char *ref, char *cookie, size_t clen,
    char tok[REF_TOKEN_LEN + 1])
{
	struct as who = { user, NULL, NULL };
	char	 path[256], *c;
	struct resp r;

	snprintf(path, sizeof(path), "/submissions/%s", ref);
	assert_int_equal(staff_http(&who, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	staff_token(&r, tok);
	assert_non_null(c = resp_header(&r, "Set-Cookie"));
	assert_true(strcspn(c, ";") < clen);
	snprintf(cookie, clen, "%.*s", (int)strcspn(c, ";"), c);
}

/* The payments recorded for `ref` by `method` (NULL: all). */
static long
payments(const char *ref, const char *method)
{
	char	 sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM payment p JOIN"
	    " submission s ON s.id = p.submission_id WHERE s.ref = '%s'"
	    " AND p.state IN ('completed', 'refunded')%s%s%s", ref,
	    method ? " AND p.method = '" : "", method ? method : "",
	    method ? "'" : "");
	return db_number(sql);
}

/* "Paid" by `user` on `ref`: the answer must be `status` and say `text`. */
static void
record_paid(const char *user, const char *ref, long status, const char *text)
{
	struct as who = { user, NULL, NULL };
	struct resp r;

	staff_action(&who, ref, "paid&method=counter", &r);
	if (r.status != status)
		fail_msg("paid on %s by %s: %ld, not %ld", ref, user, r.status,
		    status);
	if (text != NULL && strstr(r.body, text) == NULL)
		fail_msg("paid on %s: the page does not say \"%s\"", ref, text);
}

/*
 * Item 4. "Paid" is recorded only while the fee is open, decided by the
 * store inside its transaction: of two clerks clicking at once exactly
 * one records it, the other gets 409 and a page that says why; so does a
 * second click, a fee PayPal took, a refunded fee, and no fee at all.
 */
static void
test_paid_only_while_awaiting(void **state)
{
	static const char *const users[2] = { "mustermann", "admin" };
	char	 ref[32], paypal[32], free_ref[32], token[128];
	char	 cookie[2][128], tok[2][REF_TOKEN_LEN + 1], body[2][256];
	char	 path[256], sql[1024];
	struct as who;
	struct resp r;
	pid_t	 pid[2];
	int	 go[2], status, got[3] = { 0, 0, 0 };
	size_t	 i;

	(void)state;
	submit_file("nachweis.pdf", pdf, sizeof(pdf) - 1, ref, sizeof(ref));
	payment_is(ref, "awaiting");
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	for (i = 0; i < 2; i++) {
		staff_form(users[i], ref, cookie[i], sizeof(cookie[i]), tok[i]);
		snprintf(body[i], sizeof(body[i]), "_csrf=%s&_action=paid"
		    "&method=%s", tok[i], i == 0 ? "counter" : "transfer");
	}

	/* Two clerks at once: both wait for the same moment to post. */
	assert_int_equal(pipe(go), 0);
	for (i = 0; i < 2; i++) {
		assert_true((pid[i] = fork()) >= 0);
		if (pid[i] == 0) {
			char	 c;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			who.user = users[i];
			who.cookie = cookie[i];
			who.origin = NULL;
			if (staff_http(&who, "POST", path, body[i], &r) != 0)
				_exit(3);
			_exit(r.status == 303 ? 0 : r.status == 409 ? 1 : 2);
		}
	}
	close(go[0]);
	close(go[1]);		/* go */
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) > 2)
			fail_msg("clerk %s: no answer", users[i]);
		got[WEXITSTATUS(status)]++;
	}
	if (got[0] != 1 || got[1] != 1)
		fail_msg("two clerks at once: %d recorded (303), %d refused"
		    " (409), %d else", got[0], got[1], got[2]);
	assert_int_equal(payments(ref, NULL), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE"
	    " action = 'payment' AND ref = '%s'", ref);
	assert_int_equal(db_number(sql), 1);
	payment_is(ref, "paid");

	/* A second click later: 409, the page says it is paid already. */
	record_paid("mustermann", ref, 409, "bereits bezahlt");
	assert_int_equal(payments(ref, NULL), 1);

	/* Refunded: not paid again. */
	who.user = "mustermann";
	who.cookie = NULL;
	who.origin = NULL;
	staff_action(&who, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 303);
	payment_is(ref, "refunded");
	record_paid("mustermann", ref, 409, "bereits erstattet");
	payment_is(ref, "refunded");

	/* Paid by PayPal (as its capture records it). */
	submit_file("nachweis.pdf", pdf, sizeof(pdf) - 1, paypal,
	    sizeof(paypal));
	snprintf(sql, sizeof(sql), "INSERT INTO payment(submission_id,"
	    " method, state, amount_cents, request_id, created, updated)"
	    " SELECT id, 'paypal', 'completed', 1000, 'rathaus-test-%s',"
	    " created, created FROM submission WHERE ref = '%s';"
	    "UPDATE submission SET payment = 'paid' WHERE ref = '%s'", paypal,
	    paypal, paypal);
	assert_int_equal(db_exec(sql), 0);
	record_paid("mustermann", paypal, 409, "bereits bezahlt");
	assert_int_equal(payments(paypal, "counter"), 0);
	payment_is(paypal, "paid");

	/* Nothing to pay. */
	submit_bonfire(free_ref, sizeof(free_ref), token, sizeof(token));
	payment_is(free_ref, "none");
	record_paid("mustermann", free_ref, 409, "keine Geb\xc3\xbchr");
	assert_int_equal(payments(free_ref, NULL), 0);
	payment_is(free_ref, "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_download_name_is_its_type,
		    free_tracked),
		cmocka_unit_test_teardown(test_paid_only_while_awaiting,
		    free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};
	int	 rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	rc = cmocka_run_group_tests_name("staff_security", tests,
	    group_setup, group_teardown);
	curl_global_cleanup();
	return rc;
}
