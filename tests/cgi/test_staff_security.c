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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_download_name_is_its_type,
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
