/*
 * The second example town, Gemeinde Großefehn (examples/grossefehn), on
 * the same engine: every page type, its mails and its back office carry
 * its own name, look, legal pages, clerks and services, never the first
 * town's; the first town's staff users do not exist here; and no page
 * links to "#". (The other CGI tests run against Wiesmoor.)
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
#include <time.h>

#include "cgitest.h"

/* In the German and the English name ("Municipality of ..."). */
#define TOWN_NAME	"Gro\xc3\x9f" "efehn"
#define OTHER_TOWN	"Wiesmoor"

/* A page of this town: its name, never the other's, no dead link. */
static void
town_page(const char *what, const struct resp *r)
{
	if (strstr(r->body, TOWN_NAME) == NULL)
		fail_msg("%s: no \"%s\" in the page", what, TOWN_NAME);
	if (strstr(r->body, OTHER_TOWN) != NULL)
		fail_msg("%s: \"%s\" in the page", what, OTHER_TOWN);
	if (strstr(r->body, "href=\"#\"") != NULL)
		fail_msg("%s: a link to \"#\"", what);
}

static void
get_town_page(const char *path, long status)
{
	struct resp r;

	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	if (r.status != status)
		fail_msg("GET %s: %ld, not %ld", path, r.status, status);
	town_page(path, &r);
}

/* The start page: the town's words, services, look and legal links. */
static void
test_catalog(void **state)
{
	struct resp r;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	town_page("catalog", &r);
	/* Its own intro (site messages.xml), groups and services. */
	assert_non_null(strstr(r.body, "Rathaus der Gemeinde Gro\xc3\x9f"
	    "efehn: Hier melden Sie Fundsachen"));
	assert_non_null(strstr(r.body, "/services/fundsache-melden\""));
	assert_non_null(strstr(r.body, "/services/sondernutzung-container\""));
	assert_non_null(strstr(r.body, "/services/hund-abmelden\""));
	assert_null(strstr(r.body, "/services/osterfeuer\""));
	/* Its look and the legal pages rathaus renders for it. */
	assert_non_null(strstr(r.body, SCRIPT "/site/look?v="));
	assert_non_null(strstr(r.body, "<img class=\"brand-logo\" src=\""
	    SCRIPT "/site/logo?v="));
	assert_non_null(strstr(r.body, "href=\"" SCRIPT "/legal/imprint\""));
	assert_non_null(strstr(r.body, "href=\"" SCRIPT "/legal/privacy\""));
	assert_non_null(strstr(r.body,
	    "href=\"" SCRIPT "/legal/accessibility\""));
	assert_non_null(strstr(r.body,
	    "href=\"https://www.grossefehn.example/"));
	assert_int_equal(http("GET", SCRIPT "/?lang=en", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "Municipality of Gro\xc3\x9f" "efehn"));
	assert_null(strstr(r.body, OTHER_TOWN));
}

/* Its colours and logo, from its site directory, kept by browsers. */
static void
test_look(void **state)
{
	struct resp r;
	char	*v;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/site/look?v=1", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(v = resp_header(&r, "Content-Type"));
	assert_non_null(strstr(v, "text/css"));
	assert_non_null(v = resp_header(&r, "Cache-Control"));
	assert_non_null(strstr(v, "public"));
	assert_non_null(strstr(r.body, "--primary: #1d5e34;"));
	assert_int_equal(http("GET", SCRIPT "/site/logo?v=1", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(v = resp_header(&r, "Content-Type"));
	assert_string_equal(v, "image/svg+xml");
	assert_non_null(strstr(r.body, "<svg"));
	/* Nothing else of the site directory is served. */
	assert_int_equal(http("GET", SCRIPT "/site/clerks", NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(http("GET", SCRIPT "/site/municipality", NULL, 0,
	    &r), 0);
	assert_int_equal(r.status, 404);
}

/* The legal pages from its municipality.xml, in both languages. */
static void
test_legal_pages(void **state)
{
	struct resp r;

	(void)state;
	get_town_page(SCRIPT "/legal/imprint", 200);
	assert_int_equal(http("GET", SCRIPT "/legal/imprint", NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "Kanalstra\xc3\x9f" "e S\xc3\xbc" "d 54"));
	assert_non_null(strstr(r.body, "26629 Gro\xc3\x9f" "efehn"));
	get_town_page(SCRIPT "/legal/privacy", 200);
	assert_int_equal(http("GET", SCRIPT "/legal/privacy", NULL, 0, &r), 0);
	/* Each service that stores something, with how long. */
	assert_non_null(strstr(r.body, "365 Tage"));
	assert_non_null(strstr(r.body, "Landesbeauftragte f\xc3\xbcr den"
	    " Datenschutz Niedersachsen"));
	/* PayPal is on in the tests' instance: the notice says so. */
	assert_non_null(strstr(r.body, "PayPal (Europe)"));
	get_town_page(SCRIPT "/legal/accessibility", 200);
	get_town_page(SCRIPT "/legal/accessibility?lang=en", 200);
	assert_int_equal(http("GET", SCRIPT "/legal/accessibility?lang=en",
	    NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "Enforcement procedure"));
	get_town_page(SCRIPT "/legal/nothing", 404);
}

/* Every service's form, a search, an error page: the town's. */
static void
test_service_pages(void **state)
{
	(void)state;
	get_town_page(SCRIPT "/services/fundsache-melden", 200);
	get_town_page(SCRIPT "/services/sondernutzung-container", 200);
	get_town_page(SCRIPT "/services/hund-abmelden?lang=en", 200);
	get_town_page(SCRIPT "/?q=fund", 200);
	/* The first town's services are not here. */
	get_town_page(SCRIPT "/services/osterfeuer", 404);
}

/*
 * A found item reported: the error page, the receipt, the status page,
 * the citizen's mail and the clerk's notice are the town's.
 */
static void
test_report_and_mails(void **state)
{
	static const char answers[] = "kind=schluessel&description=Schl%%C3%%BCsselbund"
	    "&found_on=%s&place=Kanalstra%%C3%%9Fe&item_now=bei_mir"
	    "&rights=verzicht&name=Erika+Beispiel&phone=04943+12345"
	    "&email=erika%%40example.org&confirm=yes&_confirm=1";
	struct resp r;
	char	 body[1024], ref[32], token[80], path[256], today[11];
	char	*loc, *mail;
	time_t	 now = time(NULL);

	(void)state;
	post_service("fundsache-melden", "kind=&_confirm=1", 422, &r);
	town_page("errors", &r);
	assert_true(strftime(today, sizeof(today), "%Y-%m-%d",
	    localtime(&now)) > 0);
	snprintf(body, sizeof(body), answers, today);
	post_service("fundsache-melden", body, 303, &r);
	assert_non_null(loc = resp_header(&r, "Location"));
	parse_receipt_location(loc, ref, sizeof(ref), token, sizeof(token));
	snprintf(path, sizeof(path), SCRIPT "/receipt/%s?token=%s", ref, token);
	get_town_page(path, 200);
	snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s", ref, token);
	get_town_page(path, 200);

	/* The receipt mail's signature is the town's. */
	assert_non_null(mail = mail_to("erika@example.org", ref));
	mail_unfold(mail);
	assert_null(strstr(mail, OTHER_TOWN));
	assert_non_null(strstr(mail, "Kanalstra\xc3\x9f" "e S\xc3\xbc" "d 54"));
	free(mail);
	/* The notice goes to this town's clerk. */
	assert_non_null(mail = mail_to("buergerbuero@grossefehn.example", ref));
	assert_null(strstr(mail, OTHER_TOWN));
	free(mail);
}

/* Its clerks work its back office; the first town's users are nobody. */
static void
test_back_office(void **state)
{
	struct as admin = { "verwaltung", NULL, NULL };
	struct as clerk = { "de-vries", NULL, NULL };
	struct as other = { "admin", NULL, NULL };
	struct resp r;

	(void)state;
	assert_int_equal(staff_http(&admin, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	town_page("staff inbox", &r);
	assert_int_equal(staff_http(&clerk, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, OTHER_TOWN));
	/* "admin" is no user of this town's web server at all. */
	assert_int_equal(staff_http(&other, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 401);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_catalog, free_tracked),
		cmocka_unit_test_teardown(test_look, free_tracked),
		cmocka_unit_test_teardown(test_legal_pages, free_tracked),
		cmocka_unit_test_teardown(test_service_pages, free_tracked),
		cmocka_unit_test_teardown(test_report_and_mails, free_tracked),
		cmocka_unit_test_teardown(test_back_office, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	/* tools/instance builds the instance of this example town. */
	setenv("TOWN", "grossefehn", 1);
	return CGITEST_RUN("cgi towns", tests, NULL, NULL);
}
