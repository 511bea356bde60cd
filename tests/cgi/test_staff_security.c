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
		{ "_key", NULL, 32, NULL },
	};
	struct resp r;
	char	 token[128];

	put_definition("nachweis", nachweis);
	p[2].value = service_key("nachweis");
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

/* The payments recorded for `ref` by `method` (NULL: all). */
static long
payments(const char *ref, const char *method)
{
	return db_countf("SELECT count(*) FROM payment p JOIN submission s"
	    " ON s.id = p.submission_id WHERE s.ref = '%s' AND p.state IN"
	    " ('completed', 'refunded') AND p.method LIKE '%s'", ref,
	    method ? method : "%");
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
	struct as who = { NULL, NULL, NULL };
	struct resp r;
	pid_t	 pid[2];
	int	 go[2], status, got[3] = { 0, 0, 0 };
	size_t	 i;

	(void)state;
	submit_file("nachweis.pdf", pdf, sizeof(pdf) - 1, ref, sizeof(ref));
	payment_is(ref, "awaiting");
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	for (i = 0; i < 2; i++) {
		who.user = users[i];
		staff_form(&who, ref, cookie[i], sizeof(cookie[i]), tok[i], &r);
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
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE"
	    " action = 'payment' AND ref = '%s'", ref), 1);
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

/* The notes on `ref`. */
static long
notes(const char *ref)
{
	return db_countf("SELECT count(*) FROM note n JOIN submission s"
	    " ON s.id = n.submission_id WHERE s.ref = '%s'", ref);
}

/* A note posted by `who` (with its cookie) with CSRF token `tok`. */
static long
post_note(struct as *who, const char *ref, const char *tok)
{
	char	 path[256], body[256];
	struct resp r;

	snprintf(path, sizeof(path), "/submissions/%s", ref);
	snprintf(body, sizeof(body), "_csrf=%s&_action=note&note=Notiz", tok);
	assert_int_equal(staff_http(who, "POST", path, body, &r), 0);
	return r.status;
}

/*
 * Item 5. The CSRF token is bound to its user and the server's secret:
 * a cookie value the server never issued does not pass with the same
 * value in the form (and a page replaces it), nor does another user's
 * cookie and token; a clerk's own do. The cookie is HttpOnly,
 * SameSite=Strict, for the staff program's path over plain HTTP.
 */
static void
test_csrf_bound_to_user(void **state)
{
	static const char made_up[] = "0123456789abcdef0123456789abcdef";
	struct as clerk = { "mustermann", NULL, NULL };
	struct as admin = { "admin", NULL, NULL };
	char	 ref[32], path[256], cookie[256], tok[REF_TOKEN_LEN + 1];
	char	 admin_cookie[256], admin_tok[REF_TOKEN_LEN + 1], *c;
	struct resp r;

	(void)state;
	submit_file("nachweis.pdf", pdf, sizeof(pdf) - 1, ref, sizeof(ref));
	snprintf(path, sizeof(path), "/submissions/%s", ref);

	/* A value of the attacker's choosing, as cookie and in the form. */
	snprintf(cookie, sizeof(cookie), "rathaus_csrf=%s", made_up);
	clerk.cookie = cookie;
	assert_int_equal(post_note(&clerk, ref, made_up), 403);
	assert_int_equal(notes(ref), 0);
	/* A page seen with it sets a cookie of the server's own. */
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(c = resp_header(&r, "Set-Cookie"));
	assert_null(strstr(c, made_up));
	staff_token(&r, tok);
	assert_string_not_equal(tok, made_up);

	/* The administrator's cookie and token, sent by a clerk. */
	staff_form(&admin, ref, admin_cookie, sizeof(admin_cookie), admin_tok,
	    &r);
	clerk.cookie = admin_cookie;
	assert_int_equal(post_note(&clerk, ref, admin_tok), 403);
	assert_int_equal(notes(ref), 0);
	/* ... which are good for the administrator. */
	admin.cookie = admin_cookie;
	assert_int_equal(post_note(&admin, ref, admin_tok), 303);
	assert_int_equal(notes(ref), 1);

	/* The clerk's own: they pass, and stay (no new cookie). */
	staff_form(&clerk, ref, cookie, sizeof(cookie), tok, &r);
	assert_non_null(c = resp_header(&r, "Set-Cookie"));
	assert_int_equal(strncmp(c, "rathaus_csrf=", 13), 0);
	assert_non_null(strstr(c, "; Path=/cgi-bin/staff.cgi"));
	assert_non_null(strstr(c, "; HttpOnly"));
	assert_non_null(strstr(c, "; SameSite=Strict"));
	assert_null(strstr(c, "Secure"));	/* plain HTTP here */
	clerk.cookie = cookie;
	assert_int_equal(post_note(&clerk, ref, tok), 303);
	assert_int_equal(notes(ref), 2);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_null(resp_header(&r, "Set-Cookie"));
	/* A token of the page, not the admin's, with the clerk's cookie. */
	assert_int_equal(post_note(&clerk, ref, admin_tok), 403);
	assert_int_equal(notes(ref), 2);
}

/*
 * staff.cgi run as the web server runs it, with a configuration whose
 * base_url is https: `method` `path` as `user` with `cookie` and
 * urlencoded `body`; the response (headers and page) in *out.
 */
static void
staff_cgi_https(const char *method, const char *path, const char *user,
    const char *cookie, const char *body, char **out)
{
	char	 conf[PATH_MAX + 32], env[9][PATH_MAX + 64], line[PATH_MAX + 32];
	char	*argv[24];
	FILE	*in, *fp;
	size_t	 n = 0, i;
	int	 rc;

	snprintf(conf, sizeof(conf), "%s/conf/https.conf", T.dir);
	snprintf(line, sizeof(line), "%s/conf/rathaus.conf", T.dir);
	assert_non_null(in = fopen(line, "r"));
	assert_non_null(fp = fopen(conf, "w"));
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(strncmp(line, "base_url", 8) == 0 ?
		    "base_url = https://rathaus.example\n" : line, fp);
	fclose(in);
	assert_int_equal(fclose(fp), 0);

	snprintf(env[0], sizeof(env[0]), "RATHAUS_CONF=%s", conf);
	snprintf(env[1], sizeof(env[1]), "REQUEST_METHOD=%s", method);
	snprintf(env[2], sizeof(env[2]), "PATH_INFO=%s", path);
	snprintf(env[3], sizeof(env[3]), "REMOTE_USER=%s", user);
	snprintf(env[4], sizeof(env[4]), "HTTP_COOKIE=%s", cookie ? cookie : "");
	snprintf(env[5], sizeof(env[5]), "CONTENT_LENGTH=%zu",
	    body ? strlen(body) : 0);
	snprintf(env[6], sizeof(env[6]), "BODY=%s", body ? body : "");
	snprintf(env[7], sizeof(env[7]), "CGI=%s/cgi-bin/staff.cgi", T.dir);
	snprintf(env[8], sizeof(env[8]), "ASAN_OPTIONS=detect_leaks=1");
	if (geteuid() == 0) {
		argv[n++] = "runuser";
		argv[n++] = "-u";
		argv[n++] = "www-data";
		argv[n++] = "--";
	}
	argv[n++] = "env";
	argv[n++] = "-i";
	argv[n++] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	for (i = 0; i < 9; i++)
		argv[n++] = env[i];
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = "printf '%s' \"$BODY\" | exec \"$CGI\"";
	argv[n] = NULL;
	rc = run(argv, out);
	track(*out);
	assert_int_equal(rc, 0);
}

/*
 * Item 5, over HTTPS: the cookie is __Host-rathaus_csrf (Path=/, Secure,
 * HttpOnly, SameSite=Strict), so that no other host of the domain and
 * no plain-HTTP answer can set it; the same value under another name
 * does not pass.
 */
static void
test_csrf_cookie_https(void **state)
{
	char	 ref[32], path[64], cookie[128], body[256], *out;
	const char *c, *v;
	struct resp page;
	char	 tok[REF_TOKEN_LEN + 1];

	(void)state;
	submit_file("nachweis.pdf", pdf, sizeof(pdf) - 1, ref, sizeof(ref));
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	staff_cgi_https("GET", path, "mustermann", NULL, NULL, &out);
	assert_int_equal(strncmp(out, "Status: 200", 11), 0);
	assert_non_null(c = strstr(out, "\r\nSet-Cookie: "));
	c += 14;
	if (strncmp(c, "__Host-rathaus_csrf=", 20) != 0)
		fail_msg("over https: Set-Cookie: %.*s", (int)strcspn(c, "\r"),
		    c);
	v = c + 20;
	assert_true(strcspn(c, "\r") > strcspn(c, ";"));
	assert_non_null(strstr(c, "; Path=/; Secure; HttpOnly; SameSite=Strict\r"));
	memset(&page, 0, sizeof(page));
	page.body = out;
	staff_token(&page, tok);
	snprintf(body, sizeof(body), "_csrf=%s&_action=note&note=Notiz", tok);

	/* The same value without the prefix: anyone could have set it. */
	snprintf(cookie, sizeof(cookie), "rathaus_csrf=%.*s",
	    (int)strcspn(v, ";"), v);
	staff_cgi_https("POST", path, "mustermann", cookie, body, &out);
	assert_int_equal(strncmp(out, "Status: 403", 11), 0);
	assert_int_equal(notes(ref), 0);
	snprintf(cookie, sizeof(cookie), "__Host-rathaus_csrf=%.*s",
	    (int)strcspn(v, ";"), v);
	staff_cgi_https("POST", path, "mustermann", cookie, body, &out);
	assert_int_equal(strncmp(out, "Status: 303", 11), 0);
	assert_int_equal(notes(ref), 1);
}

/* GET `path` of the staff program as `who` with one more header. */
static void
staff_get_with(const struct as *who, const char *path, const char *header,
    struct resp *r)
{
	char	 target[512];

	snprintf(target, sizeof(target), "/cgi-bin/staff.cgi%s", path);
	assert_int_equal(http_request(who, "GET", target, header, NULL, 0,
	    NULL, 0, r), 0);
}

static long
audit_rows(const char *actor)
{
	return db_countf("SELECT count(*) FROM audit WHERE actor = '%s'",
	    actor);
}

static void
assert_corp(const struct resp *r)
{
	const char *v = resp_header(r, "Cross-Origin-Resource-Policy");

	if (v == NULL || strcmp(v, "same-origin") != 0)
		fail_msg("Cross-Origin-Resource-Policy: %s", v ? v : "(none)");
}

/*
 * Item 6. A request another site made (Sec-Fetch-Site cross-site or
 * same-site, or an Origin not ours) to the back office is refused with
 * a 403 page that says so and offers to open the page from here: no
 * submission shown, no file or export sent, no audit row written in the
 * clerk's name, no action done. Requests of our own pages, typed or
 * bookmarked ones (none) and those of clients that send neither header
 * are served. Every response says Cross-Origin-Resource-Policy:
 * same-origin, the citizen's too.
 */
static void
test_cross_site_refused(void **state)
{
	static const char *const refused[] = { "Sec-Fetch-Site: cross-site",
	    "Sec-Fetch-Site: same-site", "Origin: http://evil.example" };
	static const char *const served[] = { "Sec-Fetch-Site: same-origin",
	    "Sec-Fetch-Site: none", NULL };
	struct as clerk = { "mustermann", NULL, NULL };
	char	 ref[32], paths[4][128], link[256], cookie[256], body[256];
	char	 tok[REF_TOKEN_LEN + 1];
	struct resp r;
	long	 before;
	size_t	 i, k;

	(void)state;
	submit_file("nachweis.pdf", pdf, sizeof(pdf) - 1, ref, sizeof(ref));
	snprintf(paths[0], sizeof(paths[0]), "/submissions/%s", ref);
	snprintf(paths[1], sizeof(paths[1]), "/files/%s?field=scan", ref);
	snprintf(paths[2], sizeof(paths[2]), "/export/nachweis?format=csv");
	snprintf(paths[3], sizeof(paths[3]), "/");

	for (i = 0; i < 4; i++)
		for (k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
			before = audit_rows("mustermann");
			staff_get_with(&clerk, paths[i], refused[k], &r);
			if (r.status != 403)
				fail_msg("GET %s with %s: %ld", paths[i],
				    refused[k], r.status);
			assert_int_equal(audit_rows("mustermann"), before);
			assert_non_null(strstr(r.body, "anderen Website"));
			assert_null(strstr(r.body, "%PDF"));
			assert_null(strstr(r.body, "nachweis.pdf"));
			snprintf(link, sizeof(link), "href=\"/cgi-bin/staff.cgi"
			    "%s\"", paths[i]);
			if (strstr(r.body, link) == NULL)
				fail_msg("GET %s with %s: no link to open it",
				    paths[i], refused[k]);
			assert_corp(&r);
		}

	for (i = 0; i < 4; i++)
		for (k = 0; k < sizeof(served) / sizeof(served[0]); k++) {
			before = audit_rows("mustermann");
			staff_get_with(&clerk, paths[i], served[k], &r);
			if (r.status != 200)
				fail_msg("GET %s with %s: %ld", paths[i],
				    served[k] ? served[k] : "neither", r.status);
			/* The inbox is not audited; the rest is. */
			assert_int_equal(audit_rows("mustermann"),
			    before + (i < 3));
			assert_corp(&r);
		}

	/* A form of another site, with the clerk's cookie and token. */
	staff_form(&clerk, ref, cookie, sizeof(cookie), tok, &r);
	clerk.cookie = cookie;
	snprintf(body, sizeof(body), "_csrf=%s&_action=note&note=fremd", tok);
	snprintf(link, sizeof(link), "/cgi-bin/staff.cgi%s", paths[0]);
	assert_int_equal(http_request(&clerk, "POST", link,
	    "Sec-Fetch-Site: cross-site", body, strlen(body), NULL, 0, &r), 0);
	assert_int_equal(r.status, 403);
	assert_int_equal(notes(ref), 0);
	assert_int_equal(http_request(&clerk, "POST", link,
	    "Sec-Fetch-Site: same-origin", body, strlen(body), NULL, 0, &r),
	    0);
	assert_int_equal(r.status, 303);
	assert_int_equal(notes(ref), 1);

	/* The citizen's pages are not for other sites to embed either. */
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_corp(&r);
}

/*
 * Answers written to attack: markup and SQL are stored as the text they
 * are and shown as text, to the citizen and to the clerk, and the
 * database is whole afterwards (these held in the attack tests of issue
 * 10; this keeps them).
 */
static void
test_hostile_answers(void **state)
{
	static const char script[] = "<script>alert(1)</script>";
	static const char sql[] = "x'); DROP TABLE submission;--";
	static const char attr[] = "\"><img src=x onerror=alert(1)>";
	struct as admin = { "admin", NULL, NULL };
	struct field f[NFIELDS];
	struct resp r;
	char	 ref[32], token[80], path[256];
	long	 before = count_submissions();
	const char *pages[2];
	size_t	 i;

	(void)state;
	valid_fields(f, fresh_key());
	field_set(f, NFIELDS, "name", script);
	field_set(f, NFIELDS, "organisation", sql);
	field_set(f, NFIELDS, "safety", attr);
	submit_fields(f, ref, sizeof(ref), token, sizeof(token));
	assert_int_equal(count_submissions(), before + 1);
	assert_true(db_countf("SELECT count(*) FROM submission WHERE ref ="
	    " '%s' AND answers LIKE '%%DROP TABLE submission%%'", ref) == 1);

	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	pages[0] = r.body;
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	{
		struct resp s;

		assert_int_equal(staff_http(&admin, "GET", path, NULL, &s), 0);
		assert_int_equal(s.status, 200);
		pages[1] = s.body;
	}
	for (i = 0; i < 2; i++) {
		/* (The town's logo is an <img> of ours.) */
		if (strstr(pages[i], "<script>") != NULL ||
		    strstr(pages[i], "<img src=x") != NULL)
			fail_msg("page %zu shows an answer as markup", i);
		assert_non_null(strstr(pages[i],
		    "&lt;script&gt;alert(1)&lt;/script&gt;"));
		assert_non_null(strstr(pages[i], "&lt;img src=x"));
		assert_non_null(strstr(pages[i], "DROP TABLE submission;--"));
	}
}

/*
 * The clerk at the counter (issue 12): the citizen shows the receipt,
 * the scanner types its QR code's status URL (token and all) into the
 * inbox's search box. A reference or a URL of the portal opens that
 * submission for a clerk who may see it; anyone else gets the inbox as
 * for a search that finds nothing. The token never comes back: not in
 * the Location, the page, the audit log or the access log.
 */
static void
counter_search(const char *user, const char *text, struct resp *r)
{
	struct as who = { user, NULL, NULL };
	char	 path[512], *q;
	CURL	*curl;

	assert_non_null(curl = curl_easy_init());
	assert_non_null(q = curl_easy_escape(curl, text, 0));
	snprintf(path, sizeof(path), "/?q=%s", q);
	curl_free(q);
	curl_easy_cleanup(curl);
	assert_int_equal(staff_http(&who, "GET", path, NULL, r), 0);
}

/* A 303 to exactly <staff script>/submissions/<ref>. */
static void
opens(const struct resp *r, const char *ref)
{
	char	 want[128];
	const char *loc;

	if (r->status != 303)
		fail_msg("not opened: %ld\n%s", r->status, r->body);
	assert_non_null(loc = resp_header(r, "Location"));
	snprintf(want, sizeof(want), "/cgi-bin/staff.cgi/submissions/%s", ref);
	assert_true(strlen(loc) >= strlen(want));
	assert_string_equal(loc + strlen(loc) - strlen(want), want);
}

/* The inbox as for a search that finds nothing, and no token in it. */
static void
finds_nothing(const struct resp *r, const char *token)
{
	if (r->status != 200)
		fail_msg("not the inbox: %ld\n%s", r->status, r->body);
	assert_null(strstr(r->body, "<table class=\"inbox\""));
	assert_non_null(strstr(r->body, "0 Antr"));
	assert_null(strstr(r->body, token));
	assert_null(strstr(r->body, "token="));
}

static void
test_counter_scan(void **state)
{
	struct resp r;
	char	 ref[32], token[80], text[256], unknown[REF_MAX], *log;
	char	 logpath[PATH_MAX + 32];
	const char *kinds[] = { "status", "receipt", "pay" };
	size_t	 i;
	FILE	*f;
	long	 n;

	(void)state;
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));

	/* The QR code's URL, any host, any of the citizen's pages. */
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(text, sizeof(text), "http://%s" SCRIPT "/%s/%s"
		    "?token=%s", i == 0 ? "rathaus.example" : "127.0.0.1:80",
		    kinds[i], ref, token);
		counter_search("mustermann", text, &r);
		opens(&r, ref);
		assert_null(strstr(resp_header(&r, "Location"), token));
		assert_null(strchr(resp_header(&r, "Location"), '?'));
	}
	/* A bare reference, typed with spaces around. */
	snprintf(text, sizeof(text), "  %s ", ref);
	counter_search("mustermann", text, &r);
	opens(&r, ref);
	counter_search("admin", ref, &r);
	opens(&r, ref);

	/* A clerk of another service: as if there were none. */
	snprintf(text, sizeof(text), "http://rathaus.example" SCRIPT
	    "/status/%s?token=%s", ref, token);
	counter_search("steuer", text, &r);
	finds_nothing(&r, token);
	counter_search("steuer", ref, &r);
	finds_nothing(&r, token);

	/* A reference nobody has: the same. */
	assert_int_equal(ref_format(unknown, 2026, 999999L), 0);
	snprintf(text, sizeof(text), "https://rathaus.example" SCRIPT
	    "/status/%s?token=%s", unknown, token);
	counter_search("mustermann", text, &r);
	finds_nothing(&r, token);
	counter_search("mustermann", unknown, &r);
	finds_nothing(&r, token);
	/* Some other URL with a token: not echoed either. */
	snprintf(text, sizeof(text), "https://example.org/x?token=%s", token);
	counter_search("mustermann", text, &r);
	finds_nothing(&r, token);

	/* The scanner types into the search box: it has the focus. */
	counter_search("mustermann", "", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "id=\"f-q\" name=\"q\""));
	assert_non_null(strstr(r.body, "autofocus"));

	/* Nor kept in the audit log or Apache's access log. */
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE"
	    " coalesce(ref, '') || coalesce(before, '') ||"
	    " coalesce(after, '') || coalesce(detail, '') LIKE '%%%s%%'",
	    token), 0);
	snprintf(logpath, sizeof(logpath), "%s/logs/access.log", T.dir);
	assert_non_null(f = fopen(logpath, "r"));
	assert_non_null(log = malloc(1 << 20));
	n = (long)fread(log, 1, (1 << 20) - 1, f);
	fclose(f);
	log[n] = '\0';
	assert_non_null(strstr(log, "GET /cgi-bin/staff.cgi/ "));
	assert_null(strstr(log, token));
	free(log);
}

/*
 * A search text with '&', '#' and '+' stays itself in the inbox's own
 * links (counts, paging): percent-encoded, not cut or turned into more
 * parameters.
 */
static void
test_search_text_in_links(void **state)
{
	struct resp r;

	(void)state;
	counter_search("mustermann", "Weg & Steg #1+2", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "q=Weg%20%26%20Steg%20%231%2B2&amp;sort="));
	assert_null(strstr(r.body, "q=Weg%20&amp;"));
	assert_null(strstr(r.body, "q=Weg & Steg"));
	assert_null(strstr(r.body, "q=Weg &amp; Steg"));
}

/* The href of the link `rel` of the inbox's paging, &amp; read; or "". */
static void
paging_link(const struct resp *r, const char *rel, char *out, size_t size)
{
	char	 want[32];
	const char *p, *end;
	size_t	 o = 0;

	snprintf(want, sizeof(want), "<a rel=\"%s\" href=\"", rel);
	*out = '\0';
	if ((p = strstr(r->body, want)) == NULL)
		return;
	p += strlen(want);
	/* The path after the staff script. */
	if ((end = strstr(p, "staff.cgi")) != NULL)
		p = end + strlen("staff.cgi");
	for (; *p != '"' && *p != '\0' && o + 1 < size; o++)
		if (strncmp(p, "&amp;", 5) == 0) {
			out[o] = '&';
			p += 5;
		} else
			out[o] = *p++;
	out[o] = '\0';
}

/* Rows (<tr> in the inbox's body) of a page. */
static size_t
inbox_rows(const struct resp *r)
{
	const char *p = strstr(r->body, "<tbody>");
	size_t	 n = 0;

	for (; p != NULL && (p = strstr(p + 1, "<tr>")) != NULL; n++)
		;
	return n;
}

/*
 * Keyset paging (issue 13): a next link after the last row shown, a
 * previous one before the first, no page numbers; the search folds
 * umlauts, ß and case (as the catalog) and finds substrings.
 */
static void
test_inbox_keyset_pages(void **state)
{
	struct as admin = { "admin", NULL, NULL };
	struct field f[NFIELDS];
	struct resp r, r2;
	char	 ref[32], token[80], next[512], prev[512], first[32];
	char	 path[512];
	const char *p;
	int	 i;

	(void)state;
	for (i = 0; i < 30; i++) {
		valid_fields(f, fresh_key());
		field_set(f, NFIELDS, "name", i % 2 ? "Jörg Straßenfeger" :
		    "JÖRG STRASSENFEGER");
		submit_fields(f, ref, sizeof(ref), token, sizeof(token));
	}
	/* 25 a page, newest first: the last one sent comes first. */
	assert_int_equal(staff_http(&admin, "GET", "/?q=jorg%20strassenf",
	    NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(inbox_rows(&r), 25);
	snprintf(path, sizeof(path), "/submissions/%s\"", ref);
	assert_non_null(p = strstr(r.body, "<tbody>"));
	assert_non_null(strstr(p, path));
	assert_true(strstr(p, path) < strstr(p + 1, "</tr>"));
	assert_null(strstr(r.body, "page="));
	paging_link(&r, "prev", prev, sizeof(prev));
	assert_string_equal(prev, "");
	paging_link(&r, "next", next, sizeof(next));
	assert_non_null(strstr(next, "&after="));
	assert_non_null(strstr(next, "q=jorg%20strassenf"));
	/* ref of the first row, for the way back */
	p = strstr(strstr(r.body, "<tbody>"), "/submissions/") +
	    strlen("/submissions/");
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(p, "\""), p);

	assert_int_equal(staff_http(&admin, "GET", next, NULL, &r2), 0);
	assert_int_equal(r2.status, 200);
	assert_int_equal(inbox_rows(&r2), 5);
	paging_link(&r2, "next", next, sizeof(next));
	assert_string_equal(next, "");
	paging_link(&r2, "prev", prev, sizeof(prev));
	assert_non_null(strstr(prev, "&before="));
	assert_int_equal(staff_http(&admin, "GET", prev, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(inbox_rows(&r), 25);
	p = strstr(strstr(r.body, "<tbody>"), "/submissions/") +
	    strlen("/submissions/");
	assert_int_equal(strncmp(p, first, strlen(first)), 0);
	paging_link(&r, "prev", prev, sizeof(prev));
	assert_string_equal(prev, "");

	/* Folded either way, a substring: ß as ss, Ö as o. */
	assert_int_equal(staff_http(&admin, "GET", "/?q=%C3%9FENF", NULL,
	    &r), 0);
	assert_int_equal(inbox_rows(&r), 25);
	/* Two characters: not searched, said so. */
	assert_int_equal(staff_http(&admin, "GET", "/?q=J%C3%B6", NULL, &r),
	    0);
	assert_non_null(strstr(r.body, "mindestens 3 Zeichen"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_download_name_is_its_type,
		    free_tracked),
		cmocka_unit_test_teardown(test_paid_only_while_awaiting,
		    free_tracked),
		cmocka_unit_test_teardown(test_csrf_bound_to_user, free_tracked),
		cmocka_unit_test_teardown(test_csrf_cookie_https, free_tracked),
		cmocka_unit_test_teardown(test_cross_site_refused, free_tracked),
		cmocka_unit_test_teardown(test_hostile_answers, free_tracked),
		cmocka_unit_test_teardown(test_counter_scan, free_tracked),
		cmocka_unit_test_teardown(test_search_text_in_links,
		    free_tracked),
		cmocka_unit_test_teardown(test_inbox_keyset_pages,
		    free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("staff_security", tests, NULL, NULL);
}
