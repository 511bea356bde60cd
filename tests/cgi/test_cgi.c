/*
 * The citizen CGI program behind a real Apache: the group setup starts a
 * private instance (tools/instance) on a free loopback port in a temporary
 * directory, the tests speak HTTP to it with libcurl, the last test reads
 * Apache's error log for sanitizer reports and crashes of the CGI.
 */
#include "config.h"

#include <dirent.h>
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cgitest.h"
#include "maildecode.h"

/* ---- the tests -------------------------------------------------------- */

static void
test_catalog(void **state)
{
	struct resp r;
	char	*loc;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Osterfeuer"));

	assert_int_equal(http("GET", "/", NULL, 0, &r), 0);
	assert_true(r.status == 301 || r.status == 302 || r.status == 303 ||
	    r.status == 307 || r.status == 308);
	loc = resp_header(&r, "Location");
	assert_non_null(loc);
	assert_true(strlen(loc) >= strlen(SCRIPT "/"));
	assert_string_equal(loc + strlen(loc) - strlen(SCRIPT "/"), SCRIPT "/");
}

/*
 * The legal links lead to pages of the town (issue 12: they were "#"),
 * and the pages are there, in both languages.
 */
static void
test_legal_links(void **state)
{
	static const char *const pages[] = {
		SCRIPT "/", SCRIPT "/legal/imprint", SCRIPT "/legal/privacy",
		SCRIPT "/legal/accessibility?lang=en",
		SCRIPT "/services/osterfeuer",
	};
	struct resp r;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		assert_int_equal(http("GET", pages[i], NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, "href=\"#\"") != NULL)
			fail_msg("%s links to \"#\"", pages[i]);
		assert_non_null(strstr(r.body,
		    "href=\"" SCRIPT "/legal/privacy"));
		assert_non_null(strstr(r.body, "Wiesmoor"));
	}
	assert_int_equal(http("GET", SCRIPT "/legal/imprint", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "Hauptstra\xc3\x9f" "e 193"));
}

/*
 * Groups in the order of data/categories.xml, not of the file names: the
 * shipped Bürgerservice before Ordnung; a service of a category that file
 * does not know comes last, under its id, even named "aaa-...".
 */
static void
test_catalog_category_order(void **state)
{
	static const char def[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<service id=\"aaa-sonstiges\" version=\"1\" category=\"sonstiges\">\n"
	    "  <title xml:lang=\"de\">Sonstiges melden</title>\n"
	    "  <clerk ref=\"ordnung-2\"/>\n"
	    "  <fee cents=\"0\"/>\n"
	    "  <page id=\"p\"><field name=\"what\" type=\"text\">"
	    "<label xml:lang=\"de\">Was?</label></field></page>\n"
	    "</service>\n";
	char	 path[PATH_MAX + 64];
	struct resp r;
	FILE	*fp;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_before(r.body, ">B\xc3\xbcrgerservice und Meldewesen</h2>",
	    ">Ordnung und Sicherheit</h2>");
	/* English headings from the same file, in the same order. */
	assert_int_equal(http("GET", SCRIPT "/?lang=en", NULL, 0, &r), 0);
	assert_before(r.body, ">Citizen services and registration</h2>",
	    ">Public order and safety</h2>");

	snprintf(path, sizeof(path), "%s/site/forms/aaa-sonstiges.xml", T.dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(def, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	unlink(path);
	assert_int_equal(r.status, 200);
	assert_before(r.body, ">Ordnung und Sicherheit</h2>", ">sonstiges</h2>");
	/* No group after it. */
	assert_null(strstr(strstr(r.body, ">sonstiges</h2>"), "<h2"));
}

static void
test_form_page(void **state)
{
	static const char *const fields[] = { "name", "organisation", "phone",
	    "email", "place", "date", "time", "diameter", "height", "material",
	    "material_confirm", "safety" };
	char	 want[64];
	struct resp r;
	size_t	 i;

	(void)state;
	assert_int_equal(http("GET", FORM, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<form"));
	assert_non_null(strstr(r.body, "name=\"_key\""));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(want, sizeof(want), "for=\"f-%s\"", fields[i]);
		if (strstr(r.body, want) == NULL)
			fail_msg("no <label %s> in the form", want);
		snprintf(want, sizeof(want), "name=\"%s\"", fields[i]);
		if (strstr(r.body, want) == NULL)
			fail_msg("no control %s in the form", want);
	}
}

static void
test_not_found(void **state)
{
	struct resp r;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/nope", NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(http("GET", SCRIPT "/services/nope", NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
}

static void
test_method_not_allowed(void **state)
{
	struct resp r;
	char	*allow;

	(void)state;
	assert_int_equal(http("DELETE", FORM, NULL, 0, &r), 0);
	assert_int_equal(r.status, 405);
	allow = resp_header(&r, "Allow");
	assert_non_null(allow);
	assert_non_null(strstr(allow, "GET"));
	assert_int_equal(http("PUT", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 405);
}

static void
test_invalid_post(void **state)
{
	struct field f[NFIELDS];
	struct resp r;
	char	*key, *body;
	const char *ta, *end;

	(void)state;
	key = fresh_key();
	valid_fields(f, key);
	field_set(f, NFIELDS, "name", "");
	field_set(f, NFIELDS, "date", T.date_bad);
	field_set(f, NFIELDS, "diameter", "99");
	body = form_encode(f, NFIELDS);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "role=\"alert\""));
	assert_non_null(strstr(r.body, "href=\"#f-name\""));
	assert_non_null(strstr(r.body, "href=\"#f-date\""));
	assert_non_null(strstr(r.body, "href=\"#f-diameter\""));
	assert_non_null(strstr(r.body, "aria-invalid=\"true\""));
	/* the entered values are kept */
	ta = strstr(r.body, "<textarea");
	assert_non_null(ta);
	for (; ta != NULL; ta = strstr(ta + 1, "<textarea")) {
		end = strstr(ta, "</textarea>");
		assert_non_null(end);
		if (strstr(ta, PLACE_HTML) != NULL &&
		    strstr(ta, PLACE_HTML) < end)
			break;
	}
	if (ta == NULL)
		fail_msg("the place text is not in a textarea");
	assert_non_null(strstr(r.body, "value=\"99\""));
	assert_non_null(strstr(r.body, "value=\"Heimatverein Wiesmoor\""));
}


static void
test_valid_post(void **state)
{
	struct field f[NFIELDS];
	struct resp r;
	char	*key, *body, *loc, path[512];

	(void)state;
	key = fresh_key();
	valid_fields(f, key);
	body = form_encode(f, NFIELDS);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	if (r.status != 303)
		fail_msg("valid POST (date %s): %ld, not 303:\n%s", T.date_ok,
		    r.status, r.body);
	loc = resp_header(&r, "Location");
	assert_non_null(loc);
	parse_receipt_location(loc, T.ref, sizeof(T.ref), T.token,
	    sizeof(T.token));

	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", T.ref,
	    T.token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, T.ref));
	assert_non_null(strstr(r.body, "<svg"));
}

/*
 * The text of the first inline QR code (an <svg>) in `html`: rendered to
 * PNG by rsvg-convert and read by zbarimg, as a banking app or a phone
 * would read it from the screen. Tracked; trailing newlines cut.
 */
static char *
qr_text(const char *html, const char *name)
{
	char	 svg[PATH_MAX + 16], png[PATH_MAX + 16], *out;
	const char *s, *e;
	FILE	*fp;
	size_t	 len, written;
	int	 rc;

	s = strstr(html, "<svg");
	assert_non_null(s);
	e = strstr(s, "</svg>");
	assert_non_null(e);
	e += strlen("</svg>");

	snprintf(svg, sizeof(svg), "%s/%s.svg", T.dir, name);
	snprintf(png, sizeof(png), "%s/%s.png", T.dir, name);
	fp = fopen(svg, "w");
	assert_non_null(fp);
	len = (size_t)(e - s);
	/* Inline SVG in HTML may leave out the namespace; a file needs it. */
	if (memmem(s, (size_t)(strchr(s, '>') - s), "xmlns=", 6) == NULL) {
		fputs("<svg xmlns=\"http://www.w3.org/2000/svg\"", fp);
		s += 4;
		len -= 4;
	}
	written = fwrite(s, 1, len, fp);
	rc = fclose(fp);
	assert_int_equal(written, len);
	assert_int_equal(rc, 0);
	{
		char	*conv[] = { "rsvg-convert", "-w", "400",
		    "--background-color=white", "-o", png, svg, NULL };
		char	*zbar[] = { "zbarimg", "--quiet", "--raw", png, NULL };

		rc = run(conv, &out);
		track(out);
		assert_int_equal(rc, 0);
		rc = run(zbar, &out);
		track(out);
		if (rc != 0)
			fail_msg("zbarimg found no QR code in %s", png);
	}
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return out;
}

static void
test_qr_code(void **state)
{
	struct resp r;
	char	 path[512], want[512], *out;

	(void)state;
	if (T.ref[0] == '\0')
		fail_msg("needs the receipt of test_valid_post");
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", T.ref,
	    T.token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	out = qr_text(r.body, "qr");
	snprintf(want, sizeof(want), "%s" SCRIPT "/status/%s?token=%s",
	    T.origin, T.ref, T.token);
	if (strcmp(out, want) != 0) {
		print_error("QR code holds \"%s\"\n     expected \"%s\"\n", out,
		    want);
		fail();
	}

	assert_int_equal(http("GET", want, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, T.ref));
}

static void
test_status_not_found(void **state)
{
	struct resp bad_token, bad_ref, r;
	char	 path[512], token[128], ref[64], *body1, *body2;
	const char *dash;
	int	 check;

	(void)state;
	if (T.ref[0] == '\0')
		fail_msg("needs the receipt of test_valid_post");
	/* the right reference, a wrong token */
	snprintf(token, sizeof(token), "%s", T.token);
	token[0] = token[0] == '0' ? '1' : '0';
	snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s", T.ref,
	    token);
	assert_int_equal(http("GET", path, NULL, 0, &bad_token), 0);
	assert_int_equal(bad_token.status, 404);

	/* a well-formed reference (right check digit) that does not exist,
	 * with the right token */
	dash = strchr(T.ref, '-');
	assert_non_null(dash);
	snprintf(ref, sizeof(ref), "%.*s-999999", (int)(dash - T.ref), T.ref);
	check = ref_damm(ref);
	snprintf(ref + strlen(ref), sizeof(ref) - strlen(ref), "-%d", check);
	snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s", ref,
	    T.token);
	assert_int_equal(http("GET", path, NULL, 0, &bad_ref), 0);
	assert_int_equal(bad_ref.status, 404);

	/* The same answer for both; the page may echo the requested path
	 * and query (its language switch links to them), so that part is
	 * set aside. */
	body1 = replace_all(replace_all(bad_token.body, T.ref, "{ref}"),
	    token, "{token}");
	body2 = replace_all(replace_all(bad_ref.body, ref, "{ref}"),
	    T.token, "{token}");
	assert_non_null(body1);
	assert_non_null(body2);
	if (strcmp(body1, body2) != 0)
		fail_msg("404 bodies differ:\n--- wrong token ---\n%s\n"
		    "--- unknown reference ---\n%s", body1, body2);

	/* the receipt too */
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", T.ref,
	    token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	snprintf(path, sizeof(path), SCRIPT "/status/%s", T.ref);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
}

/* An urlencoded POST of `size` bytes to the form; its answer in *r. */
static void
post_of_size(size_t size, struct resp *r)
{
	char	*body;

	body = track(malloc(size + 1));
	assert_non_null(body);
	memcpy(body, "name=", 5);
	memset(body + 5, 'a', size - 5);
	body[size] = '\0';
	assert_int_equal(http("POST", FORM, body, size, r), 0);
}

/*
 * Over the 1 MiB of an urlencoded body: the program's 413, our own page
 * (the site's name, our Content-Security-Policy).
 */
static void
test_too_large(void **state)
{
	struct resp r;

	(void)state;
	post_of_size(2u << 20, &r);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "Stadt Wiesmoor"));
	assert_non_null(resp_header(&r, "Content-Security-Policy"));
}

/*
 * Over the 10 MiB body limit: Apache's LimitRequestBody refuses it before
 * the program runs. The program would answer 413 too (it checks
 * CONTENT_LENGTH again), so the status alone cannot tell them apart:
 * this must be Apache's own page, not ours.
 */
static void
test_too_large_for_apache(void **state)
{
	struct resp r;

	(void)state;
	post_of_size(11u << 20, &r);
	assert_int_equal(r.status, 413);
	if (strstr(r.body, "Stadt Wiesmoor") != NULL)
		fail_msg("the 413 of an 11 MiB body is the program's page, "
		    "not Apache's: is LimitRequestBody gone?");
	assert_non_null(strstr(r.body, "Request Entity Too Large"));
}

static void
test_bad_utf8(void **state)
{
	struct field f[NFIELDS];
	struct resp r;
	char	*key, *body;

	(void)state;
	key = fresh_key();
	valid_fields(f, key);
	field_set(f, NFIELDS, "name", "Erika \xff\xfe Mustermann");
	body = form_encode(f, NFIELDS);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 400);
}

static void
test_double_submit(void **state)
{
	struct field f[NFIELDS];
	struct resp r1, r2;
	char	*key, *body, *loc1, *loc2;
	long	 before, after;

	(void)state;
	key = fresh_key();
	valid_fields(f, key);
	field_set(f, NFIELDS, "name", "Max Doppelklick");
	body = form_encode(f, NFIELDS);
	before = count_submissions();
	assert_true(before >= 0);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r1), 0);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r2), 0);
	assert_int_equal(r1.status, 303);
	assert_int_equal(r2.status, 303);
	loc1 = resp_header(&r1, "Location");
	loc2 = resp_header(&r2, "Location");
	assert_non_null(loc1);
	assert_non_null(loc2);
	assert_string_equal(loc1, loc2);
	after = count_submissions();
	assert_int_equal(after - before, 1);

	/* Back button, other answers, same key: a second registration. */
	field_set(f, NFIELDS, "name", "Erika Zweitanmeldung");
	body = form_encode(f, NFIELDS);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r2), 0);
	assert_int_equal(r2.status, 303);
	loc2 = resp_header(&r2, "Location");
	assert_non_null(loc2);
	assert_string_not_equal(loc1, loc2);
	assert_int_equal(count_submissions() - before, 2);
}

/* Information and link-out services: pages to read, with search words. */
static void
test_info_and_link_services(void **state)
{
	struct resp r;
	char	*allow;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/services/kfz-zulassung", NULL, 0,
	    &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "href=\"https://www.landkreis-aurich.de/\""));
	assert_non_null(strstr(r.body, "Zulassungsbescheinigung"));
	assert_null(strstr(r.body, "<form method=\"post\""));
	assert_int_equal(http("GET", SCRIPT "/services/abfall?lang=en", NULL, 0,
	    &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "yellow bag"));

	/* Nothing to send to them. */
	assert_int_equal(http("POST", SCRIPT "/services/abfall", "a=1", 3, &r), 0);
	assert_int_equal(r.status, 405);
	allow = resp_header(&r, "Allow");
	assert_non_null(allow);
	assert_null(strstr(allow, "POST"));

	/* The catalog lists all three and finds by keyword, umlauts folded. */
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "/services/abfall\""));
	assert_non_null(strstr(r.body, "/services/kfz-zulassung\""));
	assert_int_equal(http("GET", SCRIPT "/?q=M%C3%BCLL", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "/services/abfall\""));
	assert_null(strstr(r.body, "/services/osterfeuer\""));
	assert_int_equal(http("GET", SCRIPT "/?q=kennzeichen", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "/services/kfz-zulassung\""));
	assert_null(strstr(r.body, "/services/abfall\""));
}

/*
 * A warning (a dog's chip number that is not 15 digits) stops the first
 * send with a hint and nothing stored; sent again as it is, it counts.
 */
static void
test_warning_then_send_anyway(void **state)
{
	static const struct field dog[] = {
		{ "name", "Erika Beispiel" }, { "street", "Hauptstra\xc3\x9f" "e 1" },
		{ "postcode", "26639" }, { "town", "Wiesmoor" }, { "dogs", "1" },
		{ "dog_name", "Bello" }, { "breed", "Mischling" }, { "sex", "r" },
		{ "born", "2020-05-01" }, { "since", "2021-01-01" },
		{ "chip", "27609810661234" }, { "dangerous", "nein" },
		{ "_confirm", "1" },
	};
	struct field f[sizeof(dog) / sizeof(dog[0]) + 1];
	size_t	 n = sizeof(dog) / sizeof(dog[0]);
	struct resp r;
	char	*body, *accept;
	long	 before = count_submissions();

	(void)state;
	memcpy(f, dog, sizeof(dog));
	/* Beside an error the warning is noted, not yet taken as read. */
	field_set(f, n, "breed", "");
	body = form_encode(f, n);
	post_service("hundeanmeldung", body, 422, &r);
	assert_non_null(strstr(r.body, "id=\"f-chip-warning\""));
	assert_null(strstr(r.body, "name=\"_accept\""));
	field_set(f, n, "breed", "Mischling");

	body = form_encode(f, n);
	post_service("hundeanmeldung", body, 200, &r);
	assert_non_null(strstr(r.body, "class=\"warning-summary\""));
	assert_non_null(strstr(r.body, "href=\"#f-chip\""));
	assert_non_null(strstr(r.body, "value=\"27609810661234\""));
	assert_null(strstr(r.body, "role=\"alert\""));	/* no error */
	assert_non_null(accept = strstr(r.body, "name=\"_accept\" value=\"chip\""));
	assert_int_equal(count_submissions(), before);

	f[n].name = "_accept";
	f[n].value = "chip";
	body = form_encode(f, n + 1);
	post_service("hundeanmeldung", body, 303, &r);
	assert_int_equal(count_submissions(), before + 1);
}

/*
 * The certificate of residence: a reason is asked only for a free
 * purpose, and the fee follows the answers (7.50, extended 9.00, free).
 */
static void
test_certificate_condition_and_fee(void **state)
{
	static const struct field base[] = {
		{ "given_name", "Erika" }, { "family_name", "Beispiel" },
		{ "born", "1960-02-29" },
		{ "street", "Hauptstra\xc3\x9f" "e 1" }, { "postcode", "26639" },
		{ "id_number", "L01X00T47" }, { "kind", "einfach" },
		{ "purpose", "privat" }, { "reason", "" }, { "delivery", "post" },
		{ "_confirm", "1" },
	};
	struct field f[sizeof(base) / sizeof(base[0])];
	size_t	 n = sizeof(base) / sizeof(base[0]);
	struct resp r;
	char	*body;

	(void)state;
	memcpy(f, base, sizeof(base));
	body = form_encode(f, n);
	post_service_as(citizen_erika(), "meldebescheinigung", body,
	    303, &r);
	assert_int_equal(newest_fee(), 750);

	field_set(f, n, "kind", "erweitert");
	body = form_encode(f, n);
	post_service_as(citizen_erika(), "meldebescheinigung", body,
	    303, &r);
	assert_int_equal(newest_fee(), 900);

	/* For the pension: the reason becomes required, then it is free. */
	field_set(f, n, "purpose", "rente");
	body = form_encode(f, n);
	post_service_as(citizen_erika(), "meldebescheinigung", body,
	    422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-reason\""));
	/* Beside it, when it counts: the question once, then its answers. */
	assert_non_null(strstr(r.body, "Nur auszuf\xc3\xbcllen bei \xe2\x80\x9e"
	    "Wof\xc3\xbcr brauchen Sie die Bescheinigung?\xe2\x80\x9c: "
	    "\xe2\x80\x9e" "F\xc3\xbcr die Rente (kostenlos)\xe2\x80\x9c oder "
	    "\xe2\x80\x9e" "F\xc3\xbcr eine Sozialleistung"));
	field_set(f, n, "reason", "Deutsche Rentenversicherung, Altersrente");
	body = form_encode(f, n);
	post_service_as(citizen_erika(), "meldebescheinigung", body,
	    303, &r);
	assert_int_equal(newest_fee(), 0);
}

/*
 * The first free time the identity card's calendar offers now, as a
 * slot question sends it (YYYY-MM-DDTHH:MM): the first time of its page.
 */
static const char *
id_card_slot(void)
{
	static char slot[17];
	const char *p;
	struct resp r;

	post_service("personalausweis", "name=Erika&born=2004-06-01"
	    "&reason=abgelaufen&_page=person", 200, &r);
	assert_non_null(p = strstr(r.body, "field-slot"));
	assert_non_null(p = strstr(p, "type=\"radio\" value=\""));
	p += strlen("type=\"radio\" value=\"");
	assert_int_equal(strcspn(p, "\""), 16);
	memcpy(slot, p, 16);
	slot[16] = '\0';
	return slot;
}

/* The identity-card appointment: booked, free online, paid at the counter. */
static void
test_id_card_appointment(void **state)
{
	char	 body[256];
	/* The first page answered, the second sent empty. */
	static const char bad[] = "name=Erika&born=2004-06-01"
	    "&reason=abgelaufen&_page=termin";
	struct resp r;

	(void)state;
	snprintf(body, sizeof(body), "name=Erika+Beispiel&born=2004-06-01"
	    "&reason=abgelaufen&termin=%s&phone=04944+305-0&_confirm=1",
	    id_card_slot());
	/* Paid at the counter: the page says what, not "free". */
	assert_int_equal(http("GET", SCRIPT "/services/personalausweis", NULL,
	    0, &r), 0);
	assert_non_null(strstr(r.body, "46,00 \xe2\x82\xac (unter 24"));
	assert_null(strstr(r.body, "kostenlos</strong>"));
	post_service("personalausweis", body, 303, &r);
	assert_int_equal(newest_fee(), 0);
	/* Nor does its receipt say "free" (reported from the browser test). */
	assert_int_equal(http("GET", resp_header(&r, "Location") +
	    strlen(T.origin), NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "46,00 \xe2\x82\xac (unter 24"));
	assert_null(strstr(r.body, "kostenlos"));
	post_service("personalausweis", bad, 422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-termin\""));
}

/* The start tag of the element with id="ID" in `body` (tracked), or NULL. */
static char *
tag_with_id(const char *body, const char *id)
{
	char	 want[96];
	const char *at, *start, *end;

	snprintf(want, sizeof(want), "id=\"%s\"", id);
	if ((at = strstr(body, want)) == NULL)
		return NULL;
	for (start = at; start > body && *start != '<'; start--)
		continue;
	if ((end = strchr(at, '>')) == NULL)
		return NULL;
	return track(strndup(start, (size_t)(end - start + 1)));
}

/* The element with id="ID" has the attribute `attr` (name="value"). */
static void
assert_attr(const char *body, const char *id, const char *attr)
{
	char	*tag = tag_with_id(body, id);

	if (tag == NULL)
		fail_msg("no element id=\"%s\"", id);
	if (strstr(tag, attr) == NULL)
		fail_msg("%s has no %s", tag, attr);
}

/*
 * WCAG 1.3.5: the shipped forms name the purpose of the questions about
 * the citizen (autocomplete=), the declared token winning over the
 * type's own (tel, email); none where the question is not about them.
 */
static void
test_autocomplete(void **state)
{
	struct resp r;
	char	*tag;

	(void)state;
	assert_int_equal(http("GET", FORM, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_attr(r.body, "f-name", "autocomplete=\"name\"");
	assert_attr(r.body, "f-organisation", "autocomplete=\"organization\"");
	assert_attr(r.body, "f-phone", "autocomplete=\"tel\"");
	assert_attr(r.body, "f-email", "autocomplete=\"email\"");
	assert_non_null(tag = tag_with_id(r.body, "f-place"));
	assert_null(strstr(tag, "autocomplete"));
	assert_int_equal(http("GET", SCRIPT "/services/personalausweis", NULL,
	    0, &r), 0);
	assert_attr(r.body, "f-born", "autocomplete=\"bday\"");
	assert_int_equal(http("GET", SCRIPT "/services/hundeanmeldung", NULL,
	    0, &r), 0);
	assert_attr(r.body, "f-street", "autocomplete=\"address-line1\"");
	assert_attr(r.body, "f-postcode", "autocomplete=\"postal-code\"");
	assert_attr(r.body, "f-town", "autocomplete=\"address-level2\"");
}

/*
 * A radio or select left empty says what to choose, with the question's
 * label, in the summary (once, not "Label: Label") and at the field.
 */
static void
test_choice_errors(void **state)
{
	static const char person[] = "name=Erika&born=2004-06-01"
	    "&_page=person";
	struct resp r;
	const char *at;

	(void)state;
	/* A radio (personalausweis, page 1: why a new card). */
	post_service("personalausweis", person, 422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-reason\">Bitte w\xc3\xa4hlen"
	    " Sie aus: Warum brauchen Sie einen neuen Ausweis?</a>"));
	assert_non_null(at = strstr(r.body, "id=\"f-reason-error\""));
	assert_before(at, "Bitte w\xc3\xa4hlen Sie aus: Warum brauchen Sie "
	    "einen neuen Ausweis?", "</p>");
	assert_null(strstr(r.body, "Bitte f\xc3\xbcllen Sie dieses Feld aus"));
	post_service("personalausweis?lang=en", person, 422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-reason\">Please choose: "
	    "Why do you need a new card?</a>"));

	/* A select (osterfeuer: what is burned), its label a question. */
	post_service("osterfeuer", "name=Erika+Beispiel&material=", 422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-material\">Bitte w\xc3\xa4hlen"
	    " Sie aus: Was wird verbrannt?</a>"));
	assert_non_null(at = strstr(r.body, "id=\"f-material-error\""));
	assert_before(at, "Bitte w\xc3\xa4hlen Sie aus: Was wird verbrannt?",
	    "</p>");
	/* A text field keeps the general message, after its label. */
	assert_non_null(strstr(r.body, "href=\"#f-place\">Ort des Feuers: "
	    "Bitte f\xc3\xbcllen Sie dieses Feld aus.</a>"));
}

/*
 * Each step of a form of several pages has a title of its own, with the
 * step and the page's title before the service's; one page: the service.
 */
static void
test_step_titles(void **state)
{
	static const char first[] = "name=Erika+Beispiel&born=2004-06-01"
	    "&reason=abgelaufen&_page=person";
	struct resp r;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/services/personalausweis", NULL,
	    0, &r), 0);
	assert_non_null(strstr(r.body, "<title>Schritt 1 von 2: Zu Ihrer "
	    "Person \xe2\x80\x93 Termin f\xc3\xbcr den Personalausweis "
	    "buchen \xe2\x80\x93 Stadt Wiesmoor</title>"));
	post_service("personalausweis", first, 200, &r);
	assert_non_null(strstr(r.body, "<title>Schritt 2 von 2: Ihr "
	    "Termin \xe2\x80\x93 Termin f\xc3\xbcr den Personalausweis "
	    "buchen \xe2\x80\x93 Stadt Wiesmoor</title>"));
	post_service("personalausweis?lang=en", first, 200, &r);
	assert_non_null(strstr(r.body, "<title>Step 2 of 2: Your appointment "
	    "\xe2\x80\x93 Book an appointment for an identity card "
	    "\xe2\x80\x93 "));
	/* Page 2 sent empty: the error comes first. */
	post_service("personalausweis", "name=Erika&born=2004-06-01"
	    "&reason=abgelaufen&_page=termin", 422, &r);
	assert_non_null(strstr(r.body, "<title>Fehler: Schritt 2 von 2: Ihr "
	    "Termin \xe2\x80\x93 "));
	/* The business registration of a company: 2 of 4 pages asked. */
	post_service("gewerbeanmeldung", "legal_form=gmbh&reason=neu"
	    "&_page=anlass", 200, &r);
	assert_non_null(strstr(r.body, "<title>Schritt 2 von 4: Angaben zur "
	    "Gesellschaft \xe2\x80\x93 "));
	/* One page: no step. */
	assert_int_equal(http("GET", FORM, NULL, 0, &r), 0);
	assert_null(strstr(r.body, "<title>Schritt"));
	assert_non_null(strstr(r.body, "<title>Osterfeuer anmelden "
	    "\xe2\x80\x93 Stadt Wiesmoor</title>"));
}

/*
 * Page by page: the first page asks only its questions; sent, the next
 * one carries the earlier answers in hidden inputs; Back goes back; the
 * check page lists every answer with a way to change it, and only its
 * "send" stores. An answer changed from the check page leads back there.
 */
static void
test_pages_and_check(void **state)
{
	static const char first[] = "name=Erika+Beispiel&born=2004-06-01"
	    "&reason=abgelaufen";
	char	 second[128], want[64];
	char	 body[1024];
	struct resp r;
	long	 before = count_submissions();

	(void)state;
	snprintf(second, sizeof(second), "&termin=%s&phone=04944+305-0",
	    id_card_slot());
	assert_int_equal(http("GET", SCRIPT "/services/personalausweis", NULL,
	    0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "id=\"f-name\""));
	assert_null(strstr(r.body, "id=\"f-termin\""));
	assert_non_null(strstr(r.body, "name=\"_page\" value=\"person\""));

	snprintf(body, sizeof(body), "%s&_page=person", first);
	post_service("personalausweis", body, 200, &r);
	assert_non_null(strstr(r.body, "id=\"f-termin\""));
	assert_null(strstr(r.body, "id=\"f-name\""));
	assert_non_null(strstr(r.body,
	    "type=\"hidden\" name=\"name\" value=\"Erika Beispiel\""));
	assert_non_null(strstr(r.body, "Schritt 2 von 2"));

	snprintf(body, sizeof(body), "%s&_page=termin&_back=1", first);
	post_service("personalausweis", body, 200, &r);
	assert_non_null(strstr(r.body, "id=\"f-name\""));
	assert_null(strstr(r.body, "role=\"alert\""));

	snprintf(body, sizeof(body), "%s%s&_page=termin", first, second);
	post_service("personalausweis", body, 200, &r);
	assert_non_null(strstr(r.body, "Bitte pr\xc3\xbc" "fen Sie Ihre Angaben"));
	assert_non_null(strstr(r.body, "name=\"_edit\" value=\"person\""));
	assert_non_null(strstr(r.body, "#f-termin\""));
	snprintf(want, sizeof(want), "<dd><time datetime=\"%.16s\">",
	    second + strlen("&termin="));
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "name=\"_confirm\""));
	assert_int_equal(count_submissions(), before);

	snprintf(body, sizeof(body), "%s%s&_edit=person", first, second);
	assert_int_equal(http("POST", SCRIPT "/services/personalausweis", body,
	    strlen(body), &r), 0);
	assert_non_null(strstr(r.body, "id=\"f-name\""));
	assert_non_null(strstr(r.body, "name=\"_check\""));
	snprintf(body, sizeof(body), "%s%s&_page=person&_check=1", first,
	    second);
	assert_int_equal(http("POST", SCRIPT "/services/personalausweis", body,
	    strlen(body), &r), 0);
	assert_non_null(strstr(r.body, "name=\"_confirm\""));
	assert_int_equal(count_submissions(), before);

	snprintf(body, sizeof(body), "%s%s&_confirm=1", first, second);
	post_service("personalausweis", body, 303, &r);
	assert_int_equal(count_submissions(), before + 1);
}

/*
 * A birth certificate, two copies: the check page shows the bill
 * 15,00 + 7,50 = 22,50 EUR before anything is stored, and that is the
 * fee stored. An event recorded elsewhere is refused with the reason;
 * for a pension it is free once the reason is given.
 */
static void
test_certificate_order(void **state)
{
	static const char base[] = "kind=geburt&recorded_here=ja"
	    "&event_place=Wiesmoor&event_date=1961-07-14&surname=Beispiel"
	    "&given_names=Erika&copies=2&relation=selbst&given_name=Erika"
	    "&family_name=Beispiel"
	    "&street=Hauptstr.+1&postcode=26639&town=Wiesmoor&delivery=post";
	char	 body[2048];
	struct resp r;
	long	 before = count_submissions();

	(void)state;
	snprintf(body, sizeof(body), "%s&purpose=privat", base);
	post_service_as(citizen_erika(), "personenstandsurkunde", body,
	    200, &r);
	assert_non_null(strstr(r.body, "name=\"_confirm\""));
	assert_non_null(strstr(r.body, "Weitere Ausfertigung, gleichzeitig "
	    "bestellt</td><td class=\"num\">1</td>"));
	assert_non_null(strstr(r.body, "<td class=\"num total\">22,50 \xe2\x82\xac"));
	assert_int_equal(count_submissions(), before);

	snprintf(body, sizeof(body), "%s&purpose=privat&_confirm=1", base);
	post_service_as(citizen_erika(), "personenstandsurkunde", body,
	    303, &r);
	assert_int_equal(count_submissions(), before + 1);
	assert_int_equal(newest_fee(), 2250);

	/* Recorded elsewhere: only that registry office can issue it. */
	snprintf(body, sizeof(body), "kind=geburt&recorded_here=nein"
	    "&_page=urkunde");
	post_service_as(citizen_erika(), "personenstandsurkunde", body,
	    422, &r);
	assert_non_null(strstr(r.body, "nur das Standesamt des Ortes"));

	/* For a pension: the reason is required, then it costs nothing. */
	snprintf(body, sizeof(body), "%s&purpose=rente&_confirm=1", base);
	post_service_as(citizen_erika(), "personenstandsurkunde", body,
	    422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-reason\""));
	snprintf(body, sizeof(body), "%s&purpose=rente&reason=DRV+Witwenrente"
	    "&_confirm=1", base);
	post_service_as(citizen_erika(), "personenstandsurkunde", body,
	    303, &r);
	assert_int_equal(newest_fee(), 0);
	assert_int_equal(count_submissions(), before + 2);
}

/*
 * A business registration of a GmbH: the company page is asked, the
 * person page is not; a second representative is added by a button, not
 * JavaScript; premises outside Wiesmoor are refused; the fee with one
 * extra copy is 32,50 + 13,50 EUR.
 */
static void
test_business_registration(void **state)
{
	static const char anlass[] = "legal_form=gmbh&reason=neu";
	static const char firm[] = "&company=Fahrrad+Beispiel+GmbH"
	    "&register_number=HRB+123456&rep_name.1=Erika+Beispiel"
	    "&rep_born.1=1980-05-01&rep_address.1=Weg+1%2C+26639+Wiesmoor";
	static const char rest[] = "&establishment=haupt"
	    "&site_street=Hauptstr.+10&site_postcode=26639"
	    "&activity=Einzelhandel+mit+Fahrr%C3%A4dern&full_time=2"
	    "&part_time=1&permit=nein&email=info%40example.org"
	    "&extra_copies=1&truthful=yes";
	char	 body[4096], today[16];
	struct resp r;
	struct tm tm;
	time_t	 now;
	long	 before = count_submissions();

	(void)state;
	snprintf(body, sizeof(body), "%s&_page=anlass", anlass);
	post_service("gewerbeanmeldung", body, 200, &r);
	assert_non_null(strstr(r.body, "id=\"f-company\""));
	assert_non_null(strstr(r.body, "id=\"f-rep_name.1\""));
	assert_null(strstr(r.body, "id=\"f-surname\""));
	assert_non_null(strstr(r.body, "name=\"_add\" value=\"representatives\""));

	snprintf(body, sizeof(body), "%s%s&_page=gesellschaft"
	    "&_rows.representatives=1&_add=representatives", anlass, firm);
	post_service("gewerbeanmeldung", body, 200, &r);
	assert_non_null(strstr(r.body, "id=\"f-rep_name.2\""));
	assert_non_null(strstr(r.body, "value=\"Erika Beispiel\""));
	assert_null(strstr(r.body, "role=\"alert\""));

	/* Row 2 left empty: its own errors, named by row. */
	snprintf(body, sizeof(body), "%s%s&_page=gesellschaft"
	    "&_rows.representatives=2", anlass, firm);
	post_service("gewerbeanmeldung", body, 422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-rep_name.2\""));
	assert_null(strstr(r.body, "href=\"#f-rep_name.1\""));

	/* Premises outside Wiesmoor: another town's trade office. */
	snprintf(body, sizeof(body), "%s%s&establishment=haupt"
	    "&site_street=Weg+1&site_postcode=26603&_page=betrieb"
	    "&_rows.representatives=1", anlass, firm);
	post_service("gewerbeanmeldung", body, 422, &r);
	assert_non_null(strstr(r.body, "href=\"#f-site_postcode\""));

	/* Starting today. */
	now = time(NULL);
	assert_non_null(localtime_r(&now, &tm));
	assert_int_not_equal(strftime(today, sizeof(today), "%Y-%m-%d", &tm), 0);
	snprintf(body, sizeof(body), "%s%s%s&start=%s&_rows.representatives=1",
	    anlass, firm, rest, today);
	post_service("gewerbeanmeldung", body, 200, &r);
	assert_non_null(strstr(r.body, "Vertretungsberechtigte Person 1 \xe2\x80\x93 Vor- und Familienname"));
	assert_non_null(strstr(r.body, "<td class=\"num total\">46,00 \xe2\x82\xac"));
	assert_null(strstr(r.body, "Geburtsort"));

	strncat(body, "&_confirm=1", sizeof(body) - strlen(body) - 1);
	post_service("gewerbeanmeldung", body, 303, &r);
	assert_int_equal(count_submissions(), before + 1);
	assert_int_equal(newest_fee(), 4600);
}

/*
 * A file goes with the business registration: judged by its content (a
 * PNG named .pdf is a PNG; text named .pdf is refused beside the field),
 * staged under the form's key across pages, listed on the check page,
 * and claimed by the submission when it is sent.
 */
static void
test_business_upload(void **state)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	static const char text[] = "not a scan at all";
	char	 today[16], body[4096], *key = fresh_key();
	struct part p[] = {
		{ "_key", key, strlen(key), NULL },
		{ "_page", "betrieb", 7, NULL },
		{ "legal_form", "gmbh", 4, NULL }, { "reason", "neu", 3, NULL },
		{ "company", "Rad GmbH", 8, NULL },
		{ "_rows.representatives", "1", 1, NULL },
		{ "rep_name.1", "Erika Beispiel", 14, NULL },
		{ "rep_born.1", "1980-05-01", 10, NULL },
		{ "rep_address.1", "Weg 1", 5, NULL },
		{ "establishment", "haupt", 5, NULL },
		{ "site_street", "Hauptstr. 10", 12, NULL },
		{ "site_postcode", "26639", 5, NULL },
		{ "activity", "Fahrradreparatur", 16, NULL },
		{ "start", today, 10, NULL },
		{ "full_time", "0", 1, NULL }, { "part_time", "0", 1, NULL },
		{ "permit", "liegt_vor", 9, NULL },
		{ "permit_details", "Handwerkskarte", 14, NULL },
		{ "permit_copy", text, sizeof(text) - 1, "erlaubnis.pdf" },
	};
	size_t	 n = sizeof(p) / sizeof(p[0]);
	struct resp r;
	struct tm tm;
	time_t	 now = time(NULL);
	long	 before = count_submissions();

	(void)state;
	assert_non_null(key);
	assert_non_null(localtime_r(&now, &tm));
	assert_int_not_equal(strftime(today, sizeof(today), "%Y-%m-%d", &tm), 0);

	assert_int_equal(http_multipart(SCRIPT "/services/gewerbeanmeldung",
	    p, n, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "href=\"#f-permit_copy\""));
	assert_non_null(strstr(r.body, "keine passende Art"));
	assert_non_null(strstr(r.body, "enctype=\"multipart/form-data\""));

	/* The Windows path goes, the content decides: a PNG. */
	p[n - 1].value = (const char *)png;
	p[n - 1].len = sizeof(png);
	p[n - 1].filename = "C:\\Scans\\erlaubnis.png";
	assert_int_equal(http_multipart(SCRIPT "/services/gewerbeanmeldung",
	    p, n, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "id=\"f-email\""));
	assert_int_equal(db_number("SELECT count(*) FROM upload WHERE "
	    "field = 'permit_copy' AND mime = 'image/png' AND ref IS NULL"
	    " AND filename = 'erlaubnis.png'"), 1);

	/* A typed "file" does not count; the staged one does. */
	snprintf(body, sizeof(body), "_key=%s&legal_form=gmbh&reason=neu"
	    "&company=Rad+GmbH&_rows.representatives=1&rep_name.1=Erika"
	    "&rep_born.1=1980-05-01&rep_address.1=Weg+1&establishment=haupt"
	    "&site_street=Hauptstr.+10&site_postcode=26639&activity=Rad"
	    "&start=%s&full_time=0&part_time=0&permit=liegt_vor"
	    "&permit_details=HWK&email=a%%40b.de&truthful=yes"
	    "&permit_copy=fake.pdf%%0Aapplication%%2Fpdf%%0A99", key, today);
	post_service("gewerbeanmeldung", body, 200, &r);
	assert_non_null(strstr(r.body, "erlaubnis.png (1 KB)"));
	assert_null(strstr(r.body, "fake.pdf"));

	strncat(body, "&_confirm=1", sizeof(body) - strlen(body) - 1);
	post_service("gewerbeanmeldung", body, 303, &r);
	assert_int_equal(count_submissions(), before + 1);
	assert_int_equal(db_number("SELECT count(*) FROM upload WHERE "
	    "field = 'permit_copy' AND ref = (SELECT ref FROM submission "
	    "ORDER BY id DESC LIMIT 1)"), 1);

	/* Back, no permit after all: the file is not kept with that one. */
	*strstr(body, "&permit=liegt_vor") = '\0';
	strncat(body, "&permit=nein&email=a%40b.de&truthful=yes&_confirm=1",
	    sizeof(body) - strlen(body) - 1);
	post_service("gewerbeanmeldung", body, 303, &r);
	assert_int_equal(count_submissions(), before + 2);
	assert_int_equal(db_number("SELECT count(*) FROM upload WHERE "
	    "ref = (SELECT ref FROM submission ORDER BY id DESC LIMIT 1)"),
	    0);
}


/*
 * A receipt shows the questions as they were asked: after the form is
 * changed (a question reworded, another removed), the earlier submission
 * still reads as sent, with the bill of its day.
 */
static void
test_receipt_after_form_change(void **state)
{
	static const char v1[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<service id=\"wandel\" version=\"1\" category=\"ordnung\">\n"
	    "  <title xml:lang=\"de\">Wandel</title>\n"
	    "  <clerk ref=\"ordnung-2\"/>\n"
	    "  <fee cents=\"500\"><label xml:lang=\"de\">Alte Geb\xc3\xbchr</label>"
	    "<legal xml:lang=\"de\">Satzung</legal></fee>\n"
	    "  <page id=\"p\"><field name=\"wish\" type=\"text\">"
	    "<label xml:lang=\"de\">Alter Wunsch</label></field>"
	    "<field name=\"gone\" type=\"text\">"
	    "<label xml:lang=\"de\">Bald weg</label></field></page>\n"
	    "</service>\n";
	static const char v2[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<service id=\"wandel\" version=\"2\" category=\"ordnung\">\n"
	    "  <title xml:lang=\"de\">Wandel</title>\n"
	    "  <clerk ref=\"ordnung-2\"/>\n"
	    "  <fee cents=\"0\"/>\n"
	    "  <page id=\"p\"><field name=\"wish\" type=\"text\">"
	    "<label xml:lang=\"de\">Neuer Wunsch</label></field></page>\n"
	    "</service>\n";
	static const char body[] = "wish=Sonne&gone=Regen&_confirm=1";
	char	 ref[32], token[80], path[PATH_MAX + 64];
	struct resp r;

	(void)state;
	put_definition("wandel", v1);
	post_service("wandel", body, 303, &r);
	parse_receipt_location(resp_header(&r, "Location"), ref, sizeof(ref),
	    token, sizeof(token));

	put_definition("wandel", v2);
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	snprintf(path, sizeof(path), "%s/site/forms/wandel.xml", T.dir);
	unlink(path);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<dt>Alter Wunsch</dt><dd>Sonne</dd>"));
	assert_non_null(strstr(r.body, "<dt>Bald weg</dt><dd>Regen</dd>"));
	assert_null(strstr(r.body, "Neuer Wunsch"));
	assert_non_null(strstr(r.body, "Alte Geb\xc3\xbchr"));
}

/* ---- the back office --------------------------------------------------- */







/* Only users the web server authenticated and data/clerks.xml knows. */
static void
test_staff_identity(void **state)
{
	struct as nobody = { "nobody", NULL, NULL };
	struct as clerk = { "mustermann", NULL, NULL };
	struct resp r;

	(void)state;
	assert_int_equal(staff_http(NULL, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_int_equal(staff_http(&nobody, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "Kein Zugang"));
	assert_int_equal(staff_http(&clerk, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Posteingang"));
	assert_non_null(strstr(resp_header(&r, "Set-Cookie"),
	    "SameSite=Strict"));
	assert_non_null(strstr(resp_header(&r, "Cache-Control"), "no-store"));
}

/*
 * A clerk sees its own service's submissions only; the administrator
 * all. A status change needs the CSRF token, follows the workflow, and
 * reaches the citizen's status page and mailbox; a note does not.
 */
static void
test_staff_status_change(void **state)
{
	struct as clerk = { "mustermann", NULL, NULL };
	struct as other = { "musterfrau", NULL, NULL };
	struct as admin = { "admin", NULL, NULL };
	char	 ref[32], token[80], path[256], body[512], cookie[64];
	char	 tok[REF_TOKEN_LEN + 1], *mail, *text;
	struct resp r;

	(void)state;
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	snprintf(path, sizeof(path), "/submissions/%s", ref);

	/* Scope: the bonfire is ordnung-2's, not the registry office's. */
	assert_int_equal(staff_http(&clerk, "GET", "/", NULL, &r), 0);
	assert_non_null(strstr(r.body, ref));
	assert_int_equal(staff_http(&other, "GET", "/", NULL, &r), 0);
	assert_null(strstr(r.body, ref));
	assert_int_equal(staff_http(&other, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_int_equal(staff_http(&admin, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);

	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Erika Mustermann"));
	staff_token(&r, tok);
	snprintf(cookie, sizeof(cookie), "rathaus_csrf=%s", tok);
	clerk.cookie = cookie;

	/* No token in the form, or no cookie: refused, nothing changes. */
	assert_int_equal(staff_http(&clerk, "POST", path, "_action=status"
	    "&from=received&to=in_progress", &r), 0);
	assert_int_equal(r.status, 403);
	snprintf(body, sizeof(body), "_csrf=%s&_action=status&from=received"
	    "&to=in_progress", tok);
	assert_int_equal(staff_http(&other, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 403);
	/* A form of another site, token or not, is refused. */
	snprintf(body, sizeof(body), "_csrf=%s&_action=status&from=received"
	    "&to=in_progress", tok);
	clerk.origin = "http://evil.example";
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 403);
	/* "null" (Referrer-Policy no-referrer) says nothing: the token counts. */
	clerk.origin = "null";
	snprintf(body, sizeof(body), "_csrf=%s&_action=status&from=received"
	    "&to=completed", tok);
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 422);	/* not along the workflow */
	clerk.origin = NULL;
	snprintf(path, sizeof(path), "SELECT count(*) FROM submission WHERE"
	    " ref = '%s' AND status = 'received'", ref);
	assert_int_equal(db_number(path), 1);

	snprintf(path, sizeof(path), "/submissions/%s", ref);
	/* A message that would turn around what the citizen reads (a
	 * right-to-left override) is refused like control characters. */
	snprintf(body, sizeof(body), "_csrf=%s&_action=status&from=received"
	    "&to=in_progress&message=Frist+%%E2%%80%%AE.8102+ni+ehcsielb",
	    tok);
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 422);
	snprintf(body, sizeof(body), "_csrf=%s&_action=note&note=%%E2%%80%%AE"
	    "x", tok);
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 422);
	snprintf(body, sizeof(body), "_csrf=%s&_action=status&from=received"
	    "&to=in_progress&message=Bitte+reichen+Sie+einen+Lageplan+nach.",
	    tok);
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 303);
	/* The same form again: someone (here: we) changed it meanwhile. */
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 409);

	snprintf(body, sizeof(body), "_csrf=%s&_action=note&note=Lageplan+"
	    "telefonisch+angefragt", tok);
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_non_null(strstr(r.body, "Lageplan telefonisch angefragt"));
	assert_non_null(strstr(r.body, "Stand ge\xc3\xa4ndert"));

	/* The citizen sees the status and the message, not the note. */
	snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "In Bearbeitung"));
	assert_non_null(strstr(r.body, "Bitte reichen Sie einen Lageplan nach."));
	assert_null(strstr(r.body, "telefonisch"));
	assert_null(strstr(r.body, "(mustermann)"));

	/* And a mail: the link, no answer of the form, not the message. */
	if (T.smtpd.h.pid <= 0)
		skip();
	assert_non_null(mail = mail_to("erika@example.org", ref));
	assert_non_null(text = maildecode_qp(mail));
	free(mail);
	mail = mail_to("erika@example.org", "Neuer Bearbeitungsstand");
	assert_non_null(mail);
	free(text);
	assert_non_null(text = maildecode_qp(mail));
	assert_non_null(strstr(text, "/status/"));
	assert_non_null(strstr(text, token));
	assert_non_null(strstr(text, "In Bearbeitung"));
	assert_null(strstr(text, "Heimatverein"));
	assert_null(strstr(text, "Lageplan"));
	free(text);
	free(mail);
	/* The clerk heard of this submission, with a back-office link. */
	snprintf(body, sizeof(body), "Neuer Antrag: %s", ref);
	assert_non_null(mail = mail_to("h.mustermann@", body));
	assert_non_null(text = maildecode_qp(mail));
	snprintf(body, sizeof(body), "/cgi-bin/staff.cgi/submissions/%s", ref);
	assert_non_null(strstr(text, body));
	assert_null(strstr(text, "Erika"));
	free(text);
	free(mail);
}

/* Files go out as attachments of their real type, to their clerk only. */
static void
test_staff_download_and_export(void **state)
{
	struct as probe = { "probe", NULL, NULL };
	struct as clerk = { "mustermann", NULL, NULL };
	char	 ref[32], path[256];
	struct resp r;

	(void)state;
	/* A permit copy the business registration test left. */
	if (db_query("SELECT ref FROM upload WHERE ref IS NOT NULL AND"
	    " field = 'permit_copy'", NULL, ref, sizeof(ref)) != 0)
		fail_msg("no claimed upload from the business registration test");
	snprintf(path, sizeof(path), "/files/%s?field=permit_copy", ref);
	assert_int_equal(staff_http(&probe, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(resp_header(&r, "Content-Type"), "image/png");
	assert_non_null(strstr(resp_header(&r, "Content-Disposition"),
	    "attachment; filename=\"erlaubnis.png\""));
	assert_memory_equal(r.body, "\x89PNG", 4);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 403);

	/* CSV for German Excel; another clerk's service is not exported. */
	assert_int_equal(staff_http(&probe, "GET",
	    "/export/gewerbeanmeldung?format=csv", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(resp_header(&r, "Content-Type"), "text/csv"));
	assert_memory_equal(r.body, "\xef\xbb\xbf", 3);
	assert_non_null(strstr(r.body, ref));
	assert_int_equal(staff_http(&clerk, "GET",
	    "/export/gewerbeanmeldung?format=json", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	assert_true(db_number("SELECT count(*) FROM audit WHERE action IN"
	    " ('download', 'export') AND actor = 'probe'") >= 2);
}


/*
 * With the mail server down a submission is as quick and as stored as
 * ever; its mails wait in the outbox, and `rathaus outbox` delivers them
 * once the server is back.
 */
static void
test_mail_server_down(void **state)
{
	char	 ref[32], token[80], *out, *mail;
	struct timespec t0, t1;
	long	 ms, attempted;
	int	 i, hold;

	(void)state;
	if (T.smtpd.h.pid <= 0)
		skip();
	smtpd_stop(&T.smtpd);
	hold = port_hold(T.smtp_port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* Not a timing test: a bound far above a normal submission. */
	assert_true(ms < 5000);
	/* Tried after the response, by the program's own child. */
	for (i = 0; i < 100 && db_number("SELECT count(*) FROM outbox WHERE"
	    " sent IS NULL AND attempts > 0") < 1; i++)
		usleep(100000);
	attempted = db_number("SELECT count(*) FROM outbox WHERE sent IS NULL"
	    " AND attempts > 0");
	close(hold);
	assert_true(attempted >= 1);

	assert_int_equal(smtpd_start(&T.smtpd, T.smtp_port, T.spool, 0), 0);
	/* Retried after its back-off: make it due now, as time would. */
	assert_int_equal(outbox_send_all(&out), 0);
	assert_non_null(out);
	assert_non_null(strstr(out, "outbox: sent "));
	free(out);
	assert_non_null(mail = mail_to("erika@example.org", ref));
	free(mail);
	assert_int_equal(db_number("SELECT count(*) FROM outbox WHERE"
	    " sent IS NULL"), 0);
}

/*
 * `rathaus purge` deletes the answers and files of what was completed
 * longer ago than the service's retention, and nothing else; the audit
 * log keeps that it did.
 */
static void
test_purge_what_is_due(void **state)
{
	char	 old[32], recent[32], pending[32], token[80], sql[512], *out;
	char	 answers[64], ago200[21], ago10[21];

	(void)state;
	submit_bonfire(old, sizeof(old), token, sizeof(token));
	submit_bonfire(recent, sizeof(recent), token, sizeof(token));
	submit_bonfire(pending, sizeof(pending), token, sizeof(token));
	/* Completed 200 and 10 days ago (the bonfire keeps 90 days). */
	iso_ago(200 * 86400L, ago200);
	iso_ago(10 * 86400L, ago10);
	snprintf(sql, sizeof(sql), "UPDATE submission SET status = 'completed'"
	    " WHERE ref IN ('%s', '%s');"
	    "INSERT INTO status_event(submission_id, status, at) SELECT id,"
	    " 'completed', CASE ref WHEN '%s' THEN '%s' ELSE '%s' END"
	    " FROM submission WHERE ref IN ('%s', '%s')", old, recent, old,
	    ago200, ago10, old, recent);
	assert_int_equal(db_exec(sql), 0);
	assert_int_equal(rathaus_cli("purge", &out), 0);
	free(out);

	snprintf(sql, sizeof(sql), "SELECT answers FROM submission WHERE"
	    " ref = '%s'", old);
	assert_int_equal(db_query(sql, NULL, answers, sizeof(answers)), 0);
	assert_string_equal(answers, "<values/>");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM submission WHERE"
	    " ref IN ('%s', '%s') AND purged IS NULL AND answers LIKE"
	    " '%%Erika Mustermann%%'", recent, pending);
	assert_int_equal(db_number(sql), 2);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE"
	    " action = 'purge' AND ref = '%s'", old);
	assert_int_equal(db_number(sql), 1);
	/* Run again: nothing more is due. */
	assert_int_equal(rathaus_cli("purge", &out), 0);
	free(out);
	assert_int_equal(db_number("SELECT count(*) FROM audit WHERE"
	    " action = 'purge'"), 1);
}

/* A certificate order of `copies` copies; its reference and token. */
static void
order_certificate(int copies, char *ref, size_t reflen, char *token,
    size_t toklen)
{
	char	 body[1024];
	struct resp r;

	snprintf(body, sizeof(body), "kind=geburt&recorded_here=ja"
	    "&event_place=Wiesmoor&event_date=1961-07-14&surname=Beispiel"
	    "&given_names=Erika&copies=%d&relation=selbst&purpose=privat"
	    "&given_name=Erika&family_name=Beispiel&street=Hauptstr.+1"
	    "&postcode=26639&town=Wiesmoor&delivery=post&_confirm=1", copies);
	post_service_as(citizen_erika(), "personenstandsurkunde", body,
	    303, &r);
	assert_non_null(strstr(resp_header(&r, "Location"), SCRIPT "/pay/"));
	parse_receipt_location(resp_header(&r, "Location"), ref, reflen,
	    token, toklen);
}

/*
 * A paid service ends in the checkout: the bill, the methods offered and
 * for a transfer the account and a GiroCode that reads back, field by
 * field, as EPC069-12 says; a clerk records the transfer, and the
 * citizen's pages say "paid".
 */
static void
test_checkout_transfer(void **state)
{
	struct as clerk = { "musterfrau", NULL, NULL };
	char	 ref[32], token[80], path[512], body[256], cookie[64];
	char	 tok[REF_TOKEN_LEN + 1], *code, *line, *save = NULL;
	char	 grouped[64], want_csp[128], *csp;
	const char *want[] = { "BCD", "002", "1", "SCT", "BYLADEM1001",
	    "Stadt Wiesmoor", "DE02120300000000202051", "EUR22.50", "", NULL };
	struct resp r;
	size_t	 i, k;

	(void)state;
	order_certificate(2, ref, sizeof(ref), token, sizeof(token));
	snprintf(path, sizeof(path), SCRIPT "/pay/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<td class=\"num total\">22,50 \xe2\x82\xac"));
	assert_non_null(strstr(r.body, "DE02 1203 0000 0000 2020 51"));
	assert_non_null(strstr(r.body, "id=\"m-counter\""));
	/* PayPal is offered when configured (the stand-in runs); its
	 * pages, where the form's 303 leads, are the one origin besides
	 * ours the checkout's forms may go to. */
	csp = resp_header(&r, "Content-Security-Policy");
	assert_non_null(csp);
	if (T.paypal_api[0] != '\0') {
		assert_non_null(strstr(r.body, "id=\"m-paypal\""));
		snprintf(want_csp, sizeof(want_csp), "form-action 'self' %s",
		    T.paypal_api);
		assert_non_null(strstr(csp, want_csp));
	} else {
		assert_null(strstr(r.body, "id=\"m-paypal\""));
		assert_non_null(strstr(csp, "form-action 'self'"));
	}
	assert_non_null(strstr(r.body, "<strong>offen</strong>"));

	/* The GiroCode, as a banking app reads it. */
	code = qr_text(r.body, "girocode");
	for (i = 0, line = strtok_r(code, "\n", &save); want[i] != NULL &&
	    line != NULL; i++) {
		if (*want[i] == '\0') {
			/* The purpose is empty: strtok_r skips it. */
			continue;
		}
		assert_string_equal(line, want[i]);
		line = strtok_r(NULL, "\n", &save);
	}
	assert_non_null(line);
	assert_int_equal(strncmp(line, "RF", 2), 0);	/* the reference */
	/* ... shown in groups of four for people to type. */
	for (i = 0, k = 0; line[i] != '\0' && k + 2 < sizeof(grouped); i++) {
		if (i > 0 && i % 4 == 0)
			grouped[k++] = ' ';
		grouped[k++] = line[i];
	}
	grouped[k] = '\0';
	assert_non_null(strstr(r.body, grouped));

	/* Not paid yet: the status page offers to pay. */
	status_says(ref, token, "Jetzt bezahlen");

	/* The clerk records the transfer. */
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_non_null(strstr(r.body, "Als bezahlt vermerken"));
	staff_token(&r, tok);
	snprintf(cookie, sizeof(cookie), "rathaus_csrf=%s", tok);
	clerk.cookie = cookie;
	snprintf(body, sizeof(body), "_csrf=%s&_action=paid&method=transfer",
	    tok);
	assert_int_equal(staff_http(&clerk, "POST", path, body, &r), 0);
	assert_int_equal(r.status, 303);
	status_says(ref, token, "<strong>bezahlt</strong>");
	assert_null(strstr(r.body, "Jetzt bezahlen"));
	snprintf(path, sizeof(path), "SELECT count(*) FROM audit WHERE"
	    " action = 'payment' AND ref = '%s' AND actor = 'musterfrau'", ref);
	assert_int_equal(db_number(path), 1);

	/* Given back by the clerk (a transfer back): recorded, audited. */
	staff_action(&clerk, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 303);
	payment_is(ref, "refunded");
	snprintf(path, sizeof(path), "SELECT count(*) FROM audit WHERE"
	    " action = 'refund' AND ref = '%s' AND after = 'refunded'", ref);
	assert_int_equal(db_number(path), 1);
}

/*
 * A bank statement (CAMT.053) marks the right submission paid, by the
 * RF reference its GiroCode carried; an entry naming nothing of ours is
 * listed, never guessed; a second import changes nothing.
 */
static void
test_camt_import(void **state)
{
	char	 ref[32], other[32], token[80], rf[64], file[PATH_MAX + 16];
	char	 sql[256], *out, othertoken[80];
	struct resp r;
	FILE	*fp;
	const char *p;

	(void)state;
	order_certificate(1, ref, sizeof(ref), token, sizeof(token));
	order_certificate(1, other, sizeof(other), othertoken,
	    sizeof(othertoken));
	/* The RF reference as the GiroCode carries it. */
	snprintf(sql, sizeof(sql), SCRIPT "/pay/%s?token=%s", ref, token);
	assert_int_equal(http("GET", sql, NULL, 0, &r), 0);
	assert_non_null(p = strstr(r.body, "RF"));
	/* As a payer types it: in groups, with spaces; banks keep those. */
	snprintf(rf, sizeof(rf), "%.*s", (int)strcspn(p, "<"), p);

	snprintf(file, sizeof(file), "%s/statement.xml", T.dir);
	assert_non_null(fp = fopen(file, "w"));
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
	    "<BkToCstmrStmt><Stmt><Id>1</Id>"
	    "<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>"
	    "<Ntry><Amt Ccy=\"EUR\">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	    "<Sts>BOOK</Sts><BookgDt><Dt>2026-11-25</Dt></BookgDt>"
	    "<AcctSvcrRef>A-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf>"
	    "<Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
	    "<Ntry><Amt Ccy=\"EUR\">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	    "<Sts>BOOK</Sts><BookgDt><Dt>2026-11-25</Dt></BookgDt>"
	    "<AcctSvcrRef>A-2</AcctSvcrRef><NtryDtls><TxDtls><RmtInf>"
	    "<Ustrd>Gebuehr Urkunde Beispiel</Ustrd></RmtInf></TxDtls>"
	    "</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>\n", rf);
	assert_int_equal(fclose(fp), 0);
	chmod(file, 0644);
	{
		char	 bin[PATH_MAX + 16], conf[PATH_MAX + 32];
		char	*as_user[] = { "runuser", "-u", "www-data", "--", bin,
		    "camt", file, "--conf", conf, NULL };
		char	*as_self[] = { bin, "camt", file, "--conf", conf, NULL };

		snprintf(bin, sizeof(bin), "%s/bin/rathaus", T.dir);
		snprintf(conf, sizeof(conf), "%s/conf/rathaus.conf", T.dir);
		assert_int_equal(run(geteuid() == 0 ? as_user : as_self, &out), 0);
		track(out);
		assert_non_null(strstr(out, "paid"));
		assert_non_null(strstr(out, ref));
		assert_non_null(strstr(out, "unmatched A-2"));
		assert_int_equal(run(geteuid() == 0 ? as_user : as_self, &out), 0);
		track(out);
		assert_non_null(strstr(out, "already"));
	}
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM submission WHERE"
	    " payment = 'paid' AND ref IN ('%s', '%s')", ref, other);
	assert_int_equal(db_number(sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM submission WHERE"
	    " payment = 'paid' AND ref = '%s'", ref);
	assert_int_equal(db_number(sql), 1);
}

/* Tell PayPal's stand-in to fail its next call of a kind. */
static void
paypal_fail(const char *mode, const char *on)
{
	char	 url[256];
	struct resp r;

	snprintf(url, sizeof(url), "%s/__control?fail=%s&on=%s", T.paypal_api,
	    mode, on);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
}

/*
 * Through PayPal: the citizen goes to PayPal (303 to its approve link),
 * approves, comes back (the provider's 302), the capture completes the
 * payment of exactly the total and the status page says paid. Returns
 * the order id.
 */
static void
paypal_pay(const char *ref, const char *token, int expect_paid,
    char *order, size_t olen)
{
	char	 path[512], loc[1024];
	struct resp r;
	const char *l, *t;

	snprintf(path, sizeof(path), SCRIPT "/pay/%s?token=%s", ref, token);
	assert_int_equal(http("POST", path, "method=paypal", 13, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(l = resp_header(&r, "Location"));
	assert_int_equal(strncmp(l, T.paypal_api, strlen(T.paypal_api)), 0);
	assert_non_null(t = strstr(l, "token="));
	snprintf(order, olen, "%.*s", (int)strcspn(t + 6, "&"), t + 6);
	/* PayPal's page: approved, back to the portal. */
	assert_int_equal(http("GET", l, NULL, 0, &r), 0);
	assert_int_equal(r.status, 302);
	snprintf(loc, sizeof(loc), "%s", resp_header(&r, "Location"));
	assert_int_equal(http("GET", loc, NULL, 0, &r), 0);
	if (expect_paid) {
		assert_int_equal(r.status, 303);
		assert_non_null(strstr(resp_header(&r, "Location"), "/status/"));
	}
}

/*
 * A certificate with two copies is 22,50 EUR: PayPal approve, capture,
 * paid on the status page. The notice that follows (twice, as PayPal may
 * send it) changes nothing twice; a forged one is refused.
 */
static void
test_paypal_paid(void **state)
{
	char	 ref[32], token[80], order[128], url[768], sql[256];
	struct resp r;

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	order_certificate(2, ref, sizeof(ref), token, sizeof(token));
	snprintf(url, sizeof(url), SCRIPT "/pay/%s?token=%s", ref, token);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "id=\"m-paypal\""));
	paypal_pay(ref, token, 1, order, sizeof(order));
	payment_is(ref, "paid");
	status_says(ref, token, "<strong>bezahlt</strong>");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM payment p JOIN"
	    " submission s ON s.id = p.submission_id WHERE s.ref = '%s' AND"
	    " p.state = 'completed' AND p.amount_cents = 2250", ref);
	assert_int_equal(db_number(sql), 1);

	/* The webhook, twice with the same event: recorded once. */
	snprintf(url, sizeof(url), "%s/__webhook?url=%s" SCRIPT "/webhook/"
	    "paypal&type=PAYMENT.CAPTURE.COMPLETED&order=%s&times=2"
	    "&event=WH-TWICE", T.paypal_api, T.origin, order);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(db_number("SELECT count(*) FROM payment_event WHERE"
	    " source = 'paypal-webhook' AND event_id = 'WH-TWICE'"), 1);
	/* Forged: refused, nothing recorded. */
	snprintf(url, sizeof(url), "%s/__webhook?url=%s" SCRIPT "/webhook/"
	    "paypal&type=PAYMENT.CAPTURE.REFUNDED&order=%s&sig=bad"
	    "&event=WH-FORGED", T.paypal_api, T.origin, order);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "400"));
	assert_int_equal(db_number("SELECT count(*) FROM payment_event WHERE"
	    " event_id = 'WH-FORGED'"), 0);
	payment_is(ref, "paid");
}

/* How many refunds PayPal's stand-in made. */
static long
paypal_refunds(void)
{
	char	 url[256];
	struct resp r;
	const char *p;

	snprintf(url, sizeof(url), "%s/__control", T.paypal_api);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_non_null(p = strstr(r.body, "\"refunds\": "));
	return strtol(p + 11, NULL, 10);
}

/* The audit rows of the refunds of `ref` with outcome `after`. */
static long
refund_audits(const char *ref, const char *after)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action ="
	    " 'refund' AND ref = '%s' AND actor = 'musterfrau' AND after ="
	    " '%s'", ref, after);
	return db_number(sql);
}

/* PayPal's notice that the payment of `order` was refunded. */
static void
paypal_refund_notice(const char *order)
{
	char	 url[768];
	struct resp r;

	snprintf(url, sizeof(url), "%s/__webhook?url=%s" SCRIPT "/webhook/"
	    "paypal&type=PAYMENT.CAPTURE.REFUNDED&order=%s", T.paypal_api,
	    T.origin, order);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "200"));
}

/*
 * A clerk refunds a PayPal payment: only with the tick; PayPal not
 * answering refunds nothing and says that it may try again; then once at
 * PayPal, "erstattet" for the citizen; a second try finds nothing to
 * refund. Every try is in the audit log with its outcome. A refund
 * PayPal has not finished is finished by its notice (which names only
 * the capture); one PayPal declines can be recorded by hand after the
 * clerk refunded elsewhere.
 */
static void
test_paypal_refund(void **state)
{
	struct as clerk = { "musterfrau", NULL, NULL };
	char	 ref[32], token[80], order[128];
	struct resp r;
	long	 before;

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	order_certificate(2, ref, sizeof(ref), token, sizeof(token));
	paypal_pay(ref, token, 1, order, sizeof(order));
	payment_is(ref, "paid");
	before = paypal_refunds();

	staff_action(&clerk, ref, "refund", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Bitte bestätigen Sie die Erstattung"));
	assert_non_null(strstr(r.body, "Der Betrag geht über den"
	    " Zahlungsdienst"));
	paypal_fail("server_error", "refund");
	staff_action(&clerk, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "höchstens einmal erstattet"));
	payment_is(ref, "paid");
	assert_int_equal(paypal_refunds(), before);
	assert_int_equal(refund_audits(ref, "refund-unavailable"), 1);

	staff_action(&clerk, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(resp_header(&r, "Location"), "done=refund"));
	payment_is(ref, "refunded");
	assert_int_equal(paypal_refunds(), before + 1);
	status_says(ref, token, "<strong>erstattet</strong>");
	assert_int_equal(refund_audits(ref, "refunded"), 1);
	/* Again (a second clerk, a reload): nothing left to refund. */
	staff_action(&clerk, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "keine Zahlung, die erstattet"));
	assert_int_equal(paypal_refunds(), before + 1);
	/* PayPal's notice of the refund: the state stays as it is. */
	paypal_refund_notice(order);
	payment_is(ref, "refunded");

	/* Pending at PayPal: told so; PayPal's notice finishes it. */
	order_certificate(1, ref, sizeof(ref), token, sizeof(token));
	paypal_pay(ref, token, 1, order, sizeof(order));
	paypal_fail("pending", "refund");
	staff_action(&clerk, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 202);
	assert_non_null(strstr(r.body, "bearbeitet die Erstattung noch"));
	payment_is(ref, "paid");
	assert_int_equal(refund_audits(ref, "refund-pending"), 1);
	paypal_refund_notice(order);
	payment_is(ref, "refunded");
	status_says(ref, token, "<strong>erstattet</strong>");

	/* Declined at PayPal: refunded elsewhere, then recorded by hand. */
	order_certificate(1, ref, sizeof(ref), token, sizeof(token));
	paypal_pay(ref, token, 1, order, sizeof(order));
	before = paypal_refunds();
	paypal_fail("declined", "refund");
	staff_action(&clerk, ref, "refund&confirm=1", &r);
	assert_int_equal(r.status, 502);
	assert_non_null(strstr(r.body, "hat die Erstattung abgelehnt"));
	assert_non_null(strstr(r.body, "nur vermerken"));
	payment_is(ref, "paid");
	staff_action(&clerk, ref, "refund&confirm=1&manual=1", &r);
	assert_int_equal(r.status, 303);
	payment_is(ref, "refunded");
	assert_int_equal(paypal_refunds(), before);
	assert_int_equal(refund_audits(ref, "refund-declined"), 1);
	assert_int_equal(refund_audits(ref, "refunded"), 1);
}

/*
 * Whatever PayPal does wrong (no token, no answer in time, a 500, broken
 * JSON, a declined capture, another amount), the submission stays stored
 * once, unpaid and payable; the citizen is told; a later try works.
 */
static void
test_paypal_failures(void **state)
{
	static const struct { const char *mode, *on; long status; } start[] = {
		{ "token_error", "token", 502 },
		{ "timeout", "orders", 503 },
		{ "server_error", "orders", 503 },
		{ "malformed", "orders", 502 },
		/* The approve link is not at PayPal's pages: not followed. */
		{ "foreign_link", "orders", 502 },
	};
	char	 ref[32], token[80], order[128], path[512];
	struct resp r;
	long	 before;
	size_t	 i;

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	order_certificate(1, ref, sizeof(ref), token, sizeof(token));
	before = count_submissions();
	snprintf(path, sizeof(path), SCRIPT "/pay/%s?token=%s", ref, token);
	for (i = 0; i < sizeof(start) / sizeof(start[0]); i++) {
		/* A cached token would spare the token call. */
		assert_int_equal(db_exec("DELETE FROM provider_token"), 0);
		paypal_fail(start[i].mode, start[i].on);
		assert_int_equal(http("POST", path, "method=paypal", 13, &r), 0);
		if (r.status != start[i].status)
			fail_msg("%s: %ld, not %ld", start[i].mode, r.status,
			    start[i].status);
		assert_null(resp_header(&r, "Location"));
		assert_non_null(strstr(r.body, "Ihr Antrag ist gespeichert"));
		payment_is(ref, "awaiting");
	}
	/* Only the refused starts (no token, the foreign link) ended their
	 * attempts; the others may have made an order at PayPal and keep
	 * theirs open, so that the retry gets that order, not a second. */
	{
		char	 sql[256];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM payment p"
		    " JOIN submission s ON s.id = p.submission_id WHERE"
		    " s.ref = '%s' AND p.state = 'failed'", ref);
		assert_int_equal(db_number(sql), 2);
	}
	/* Turned back at PayPal: told so, still payable. */
	{
		char	 back[768];
		const char *l, *t;

		assert_int_equal(http("POST", path, "method=paypal", 13, &r), 0);
		assert_int_equal(r.status, 303);
		assert_non_null(l = resp_header(&r, "Location"));
		assert_non_null(t = strstr(l, "token="));
		snprintf(back, sizeof(back), SCRIPT "/paid/%s?access=%s"
		    "&method=paypal&cancel=1&token=%.*s", ref, token,
		    (int)strcspn(t + 6, "&"), t + 6);
		assert_int_equal(http("GET", back, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, "abgebrochen"));
		assert_non_null(strstr(r.body, "id=\"m-transfer\""));
		payment_is(ref, "awaiting");
	}
	/* Declined at the capture: told so, still payable. */
	paypal_fail("declined", "capture");
	paypal_pay(ref, token, 0, order, sizeof(order));
	payment_is(ref, "awaiting");
	/* Another amount captured: never taken as paid. */
	paypal_fail("amount_mismatch", "capture");
	paypal_pay(ref, token, 0, order, sizeof(order));
	payment_is(ref, "awaiting");
	/* Then it works, and nothing was stored twice. */
	paypal_pay(ref, token, 1, order, sizeof(order));
	payment_is(ref, "paid");
	assert_int_equal(count_submissions(), before);
}

/* The route decides before the body is read: 404 and 405, not 400. */
static void
test_post_to_wrong_place(void **state)
{
	struct resp r;

	(void)state;
	assert_int_equal(http("POST", SCRIPT "/nope", "a=%zz", 5, &r), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(http("POST", SCRIPT "/receipt/2026-000001-5", "a=%zz",
	    5, &r), 0);
	assert_int_equal(r.status, 405);
}

/*
 * Characters XML cannot hold (here U+FFFF) are a field error, never
 * stored: a stored one would make the receipt unreadable for good.
 */
static void
test_unstorable_characters(void **state)
{
	struct field f[NFIELDS];
	struct resp r;
	char	*body;
	long	 before = count_submissions();

	(void)state;
	valid_fields(f, fresh_key());
	field_set(f, NFIELDS, "name", "Max \xef\xbf\xbf");
	body = form_encode(f, NFIELDS);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "href=\"#f-name\""));
	assert_int_equal(count_submissions(), before);
}

/* The memos (memo-*.page) in the instance's page cache. */
static int
memo_files(void)
{
	char	 dir[PATH_MAX];
	struct dirent *de;
	DIR	*d;
	int	 n = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/data/cache", T.dir) >=
	    sizeof(dir) || (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "memo-", 5) == 0)
			n++;
	closedir(d);
	return n;
}

/*
 * A status page or receipt whose document is the same as before comes
 * from its memo (a CGI's file, a worker's memory); a change the citizen
 * should see (a clerk's status) makes a new page at once, and `rathaus
 * purge` removes every memo file, which may hold what it purged (a
 * worker's go after PAGECACHE_MEMO_AGE_S, test_pagecache).
 */
static void
test_status_memo(void **state)
{
	struct as clerk = { "mustermann", NULL, NULL };
	char	 ref[32], token[80], path[512], want[512], *first, *out;
	int	 cgi = !persistent_mode(), memos, i;
	struct resp r;

	(void)state;
	/* A legal page is the same for every visitor: kept as a page of
	 * its route (as the catalog), not by its document. */
	memos = memo_files();
	assert_int_equal(http("GET", SCRIPT "/legal/privacy", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	first = track(strdup(r.body));
	assert_int_equal(http("GET", SCRIPT "/legal/privacy", NULL, 0, &r), 0);
	assert_string_equal(r.body, first);
	assert_int_equal(memo_files(), memos);

	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	first = track(strdup(r.body));
	assert_null(strstr(first, "In Bearbeitung"));
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, first);
	/* Only a CGI keeps memos in files; a worker, in its memory. */
	if (cgi)
		assert_true(memo_files() > 0);
	else
		assert_int_equal(memo_files(), 0);
	/* The page with ever other queries replaces its one memo: no
	 * visitor fills the disk that way. */
	memos = memo_files();
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s&x=%d",
		    ref, token, i);
		assert_int_equal(http("GET", path, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
	}
	assert_int_equal(memo_files(), memos);

	staff_action(&clerk, ref, "status&from=received&to=in_progress", &r);
	assert_int_equal(r.status, 303);
	status_says(ref, token, "<strong>In Bearbeitung</strong>");
	/* The receipt's QR code is made with the page only: its memo has
	 * it all the same. */
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	first = track(strdup(r.body));
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, first);
	snprintf(want, sizeof(want), "%s" SCRIPT "/status/%s?token=%s",
	    T.origin, ref, token);
	assert_string_equal(qr_text(r.body, "qr"), want);

	assert_int_equal(rathaus_cli("purge", &out), 0);
	free(out);
	assert_int_equal(memo_files(), 0);
	status_says(ref, token, "<strong>In Bearbeitung</strong>");
}

/* A form page carries a per-visitor key: no cache may keep it. */
static void
test_form_not_cached(void **state)
{
	struct resp r;
	char	*cc;

	(void)state;
	assert_int_equal(http("GET", FORM, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	cc = resp_header(&r, "Cache-Control");
	assert_non_null(cc);
	assert_non_null(strstr(cc, "no-store"));
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_catalog, free_tracked),
		cmocka_unit_test_teardown(test_legal_links, free_tracked),
		cmocka_unit_test_teardown(test_catalog_category_order,
		    free_tracked),
		cmocka_unit_test_teardown(test_form_page, free_tracked),
		cmocka_unit_test_teardown(test_not_found, free_tracked),
		cmocka_unit_test_teardown(test_method_not_allowed, free_tracked),
		cmocka_unit_test_teardown(test_invalid_post, free_tracked),
		cmocka_unit_test_teardown(test_valid_post, free_tracked),
		cmocka_unit_test_teardown(test_qr_code, free_tracked),
		cmocka_unit_test_teardown(test_status_not_found, free_tracked),
		cmocka_unit_test_teardown(test_too_large, free_tracked),
		cmocka_unit_test_teardown(test_too_large_for_apache, free_tracked),
		cmocka_unit_test_teardown(test_bad_utf8, free_tracked),
		cmocka_unit_test_teardown(test_double_submit, free_tracked),
		cmocka_unit_test_teardown(test_post_to_wrong_place, free_tracked),
		cmocka_unit_test_teardown(test_info_and_link_services, free_tracked),
		cmocka_unit_test_teardown(test_warning_then_send_anyway, free_tracked),
		cmocka_unit_test_teardown(test_certificate_condition_and_fee, free_tracked),
		cmocka_unit_test_teardown(test_id_card_appointment, free_tracked),
		cmocka_unit_test_teardown(test_autocomplete, free_tracked),
		cmocka_unit_test_teardown(test_choice_errors, free_tracked),
		cmocka_unit_test_teardown(test_step_titles, free_tracked),
		cmocka_unit_test_teardown(test_pages_and_check, free_tracked),
		cmocka_unit_test_teardown(test_certificate_order, free_tracked),
		cmocka_unit_test_teardown(test_business_registration, free_tracked),
		cmocka_unit_test_teardown(test_business_upload, free_tracked),
		cmocka_unit_test_teardown(test_receipt_after_form_change, free_tracked),
		cmocka_unit_test_teardown(test_staff_identity, free_tracked),
		cmocka_unit_test_teardown(test_staff_status_change, free_tracked),
		cmocka_unit_test_teardown(test_staff_download_and_export, free_tracked),
		cmocka_unit_test_teardown(test_mail_server_down, free_tracked),
		cmocka_unit_test_teardown(test_purge_what_is_due, free_tracked),
		cmocka_unit_test_teardown(test_checkout_transfer, free_tracked),
		cmocka_unit_test_teardown(test_camt_import, free_tracked),
		cmocka_unit_test_teardown(test_paypal_paid, free_tracked),
		cmocka_unit_test_teardown(test_paypal_failures, free_tracked),
		cmocka_unit_test_teardown(test_paypal_refund, free_tracked),
		cmocka_unit_test_teardown(test_unstorable_characters, free_tracked),
		cmocka_unit_test_teardown(test_form_not_cached, free_tracked),
		cmocka_unit_test_teardown(test_status_memo, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("cgi", tests, group_setup_idp, NULL);
}
