/*
 * Appointments behind a real Apache (issue 14, docs/calendars.md): the
 * slot question offers the free times of its calendar week by week,
 * without the days before the first bookable one, breaks, public
 * holidays or times past closing; a booking takes its place (a longer
 * one two) in the submission's transaction; fifty citizens sending the
 * last place at once: exactly one has it, the others get the question
 * back with the free times and a clear message, none a 5xx; what the
 * calendar does not offer is refused next to the field.
 *
 * The tests bring a calendar and two services of their own (a 15-minute
 * grid, one place, a long horizon), so that every date they need lies
 * within it whatever the day they run.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cal.h"
#include "cgitest.h"
#include "when.h"

#define RACE	50

static const char calendar[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<calendar id=\"testamt\" grid=\"15\" places=\"1\" earliest=\"1\""
    " horizon=\"400\" holidays=\"NI\">\n"
    "  <title xml:lang=\"de\">Testamt</title>\n"
    "  <location xml:lang=\"de\">Rathaus, Zimmer 1</location>\n"
    "  <hours days=\"mon tue wed thu fri\" from=\"08:00\" to=\"12:00\"/>\n"
    "  <break days=\"mon tue wed thu fri\" from=\"10:00\" to=\"10:30\"/>\n"
    "  <service id=\"termin-lang\" minutes=\"20\"/>\n"
    "</calendar>\n";

/* Open to midnight, every day: an end at 24:00 is the next day's 00:00. */
static const char late_calendar[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<calendar id=\"spaet\" grid=\"15\" places=\"1\" earliest=\"1\""
    " horizon=\"400\">\n"
    "  <title xml:lang=\"de\">Sp\xc3\xa4tschalter</title>\n"
    "  <location xml:lang=\"de\">Rathaus, Foyer</location>\n"
    "  <hours days=\"mon tue wed thu fri sat sun\" from=\"23:00\""
    " to=\"24:00\"/>\n"
    "</calendar>\n";

/* Its service; the question is called "wann", not "termin". */
static const char late_service[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<service id=\"spaet\" version=\"1\" category=\"buergerservice\">\n"
    "  <title xml:lang=\"de\">Sp\xc3\xa4ttermin</title>\n"
    "  <clerk ref=\"buergerbuero\"/>\n"
    "  <fee cents=\"0\"/>\n"
    "  <page id=\"p\">\n"
    "    <field name=\"name\" type=\"text\" required=\"true\">"
    "<label xml:lang=\"de\">Name</label></field>\n"
    "    <field name=\"wann\" type=\"slot\" calendar=\"spaet\""
    " required=\"true\"><label xml:lang=\"de\">Wann</label></field>\n"
    "  </page>\n"
    "</service>\n";

#define SERVICE(id, title) \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
    "<service id=\"" id "\" version=\"1\" category=\"buergerservice\">\n" \
    "  <title xml:lang=\"de\">" title "</title>\n" \
    "  <clerk ref=\"buergerbuero\"/>\n" \
    "  <fee cents=\"0\"/>\n" \
    "  <page id=\"p\">\n" \
    "    <field name=\"name\" type=\"text\" required=\"true\">" \
    "<label xml:lang=\"de\">Name</label></field>\n" \
    "    <field name=\"termin\" type=\"slot\" calendar=\"testamt\"" \
    " required=\"true\"><label xml:lang=\"de\">Termin</label></field>\n" \
    "    <field name=\"email\" type=\"email\">" \
    "<label xml:lang=\"de\">E-Mail</label></field>\n" \
    "  </page>\n" \
    "</service>\n"

/* Days the tests book on: weekdays, no holiday, from tomorrow on. */
static char	 day1[11], day2[11], day3[11];
static struct when_date today;

/* The n-th bookable weekday after today (1: the first). */
static void
workday(int n, char out[11])
{
	struct when_date d;
	long	 k = when_days(&today);

	while (n > 0) {
		when_from_days(++k, &d);
		if (cal_weekday(&d) < 5 && !cal_holiday(&d))
			n--;
	}
	when_format(&d, out);
}

static int
setup(void **state)
{
	char	 path[PATH_MAX + 64];
	FILE	*fp;

	if (group_setup(state) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/site/calendars", T.dir);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/site/calendars/testamt.xml", T.dir);
	if ((fp = fopen(path, "w")) == NULL || fputs(calendar, fp) < 0 ||
	    fclose(fp) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/site/calendars/spaet.xml", T.dir);
	if ((fp = fopen(path, "w")) == NULL || fputs(late_calendar, fp) < 0 ||
	    fclose(fp) != 0)
		return -1;
	put_definition("spaet", late_service);
	put_definition("termin-test", SERVICE("termin-test", "Testtermin"));
	put_definition("termin-lang", SERVICE("termin-lang", "Langer Termin"));
	/* "Today" as the portal counts it: in the town's time zone (from
	 * 23:00 UTC in winter Berlin has the next day already). */
	if (setenv("TZ", "Europe/Berlin", 1) != 0)
		return -1;
	tzset();
	if (when_today(&today) != 0)
		return -1;
	workday(1, day1);
	workday(2, day2);
	workday(3, day3);
	return 0;
}

/* The page of the slot question for the week of `week` ("": the first). */
static void
slot_page(const char *service, const char *week, struct resp *r)
{
	char	 body[256], path[128];

	snprintf(path, sizeof(path), SCRIPT "/services/%s", service);
	if (*week == '\0')
		assert_int_equal(http("GET", path, NULL, 0, r), 0);
	else {
		snprintf(body, sizeof(body), "_key=%s&name=Erika&_page=p"
		    "&_week=%s", service_key(service), week);
		assert_int_equal(http("POST", path, body, strlen(body), r), 0);
	}
	assert_int_equal(r->status, 200);
}

/* Whether the page offers `day`T`time` as a free time. */
static int
offers(const struct resp *r, const char *day, const char *time)
{
	char	 want[64];

	snprintf(want, sizeof(want), "value=\"%sT%s\"", day, time);
	return strstr(r->body, want) != NULL;
}

/* Send `service` with appointment `slot`; the response in r. */
static void
book(const char *service, const char *slot, const char *name,
    struct resp *r)
{
	char	 body[256], path[128];

	snprintf(path, sizeof(path), SCRIPT "/services/%s", service);
	snprintf(body, sizeof(body), "_key=%s&name=%s&termin=%s&_confirm=1",
	    service_key(service), name, slot);
	assert_int_equal(http("POST", path, body, strlen(body), r), 0);
}

/*
 * The first week: no day before tomorrow, the opening hours on the
 * 15-minute grid without the break, nothing at or after closing; where
 * and how long; no cache may keep the page.
 */
static void
test_first_week(void **state)
{
	char	 today_s[11], want[64];
	struct resp r;

	(void)state;
	slot_page("termin-test", "", &r);
	when_format(&today, today_s);
	snprintf(want, sizeof(want), "%sT", today_s);
	assert_null(strstr(r.body, want));
	assert_true(offers(&r, day1, "08:00"));
	assert_true(offers(&r, day1, "09:45"));
	assert_false(offers(&r, day1, "10:00"));
	assert_false(offers(&r, day1, "10:15"));
	assert_true(offers(&r, day1, "10:30"));
	assert_true(offers(&r, day1, "11:45"));
	assert_false(offers(&r, day1, "12:00"));
	assert_non_null(strstr(r.body, "Ein Termin dauert 15 Minuten."));
	assert_non_null(strstr(r.body, "Rathaus, Zimmer 1"));
	/* The error summary's link goes to the first time. */
	assert_non_null(strstr(r.body, "id=\"f-termin\""));
	assert_non_null(strstr(resp_header(&r, "Cache-Control"), "no-store"));
	/* No earlier week to go to; a later one. */
	assert_null(strstr(r.body, ">Fr\xc3\xbchere Termine<"));
	assert_non_null(strstr(r.body, ">Sp\xc3\xa4tere Termine<"));
}

/*
 * A form whose first page asks for the time is never a kept page (the
 * page cache of a CGI on disk, of a FastCGI worker in memory): booked,
 * the time is gone from the very next GET.
 */
static void
test_first_page_not_kept(void **state)
{
	char	 slot[32];
	struct resp r;

	(void)state;
	slot_page("termin-test", "", &r);
	assert_true(offers(&r, day1, "11:15"));
	slot_page("termin-test", "", &r);
	assert_true(offers(&r, day1, "11:15"));
	snprintf(slot, sizeof(slot), "%sT11:15", day1);
	book("termin-test", slot, "Erika", &r);
	assert_int_equal(r.status, 303);
	slot_page("termin-test", "", &r);
	assert_false(offers(&r, day1, "11:15"));
}

/* Easter Monday and Ascension Day are closed, said as holidays. */
static void
test_holidays(void **state)
{
	struct when_date e, d;
	char	 day[11], want[96];
	long	 first = when_days(&today) + 1;
	struct resp r;
	int	 i;

	(void)state;
	when_easter(today.y, &e);
	if (when_days(&e) + 1 < first)
		when_easter(today.y + 1, &e);
	for (i = 0; i < 2; i++) {
		when_from_days(when_days(&e) + (i == 0 ? 1 : 39), &d);
		when_format(&d, day);
		slot_page("termin-test", day, &r);
		snprintf(want, sizeof(want), "%.2s.%.2s.%.4s</legend><p>Feiertag",
		    day + 8, day + 5, day);
		assert_non_null(strstr(r.body, want));
		assert_false(offers(&r, day, "08:00"));
		/* The week's other days are open. */
		when_from_days(when_days(&d) + 1, &d);
		when_format(&d, day);
		assert_true(offers(&r, day, "08:00"));
	}
}

/*
 * A booking takes its place at once: the time is gone from the page, the
 * next one stays; the receipt says when; a 20-minute booking on the
 * 15-minute grid takes two places, and is not offered where it would
 * run past closing.
 */
static void
test_book_takes_the_place(void **state)
{
	char	 slot[32], want[64];
	struct resp r;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT08:00", day2);
	book("termin-test", slot, "Erika", &r);
	assert_int_equal(r.status, 303);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " calendar = 'testamt' AND start = '%s' AND held_end = '%sT08:15'"
	    " AND state = 'booked'", slot, day2), 1);
	assert_int_equal(http("GET", resp_header(&r, "Location") +
	    strlen(T.origin), NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(want, sizeof(want), "%.2s.%.2s.%.4s, 08:00 Uhr", day2 + 8,
	    day2 + 5, day2);
	assert_non_null(strstr(r.body, want));

	slot_page("termin-test", day2, &r);
	assert_false(offers(&r, day2, "08:00"));
	assert_true(offers(&r, day2, "08:15"));

	snprintf(slot, sizeof(slot), "%sT09:00", day2);
	book("termin-lang", slot, "Max", &r);
	assert_int_equal(r.status, 303);
	slot_page("termin-test", day2, &r);
	assert_false(offers(&r, day2, "09:00"));
	assert_false(offers(&r, day2, "09:15"));
	assert_true(offers(&r, day2, "09:30"));
	slot_page("termin-lang", day2, &r);
	assert_non_null(strstr(r.body, "Ein Termin dauert 20 Minuten."));
	assert_true(offers(&r, day2, "11:30"));
	assert_false(offers(&r, day2, "11:45"));
	/* 09:45 would hold 09:45 to 10:15, into the break. */
	assert_false(offers(&r, day2, "09:45"));
}

/*
 * Fifty citizens send the same last place at the same moment: exactly
 * one has it; each of the others gets the question back (409) with the
 * message and the free times, answers kept; none a 5xx.
 */
static void
test_race_for_the_last_place(void **state)
{
	struct shot s[RACE];
	char	 slot[32], rnd[REF_TOKEN_LEN + 1], *body;
	size_t	 i, won = 0, lost = 0;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT11:00", day3);
	for (i = 0; i < RACE; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		assert_int_equal(ref_token(rnd), 0);
		snprintf(s[i].mark, sizeof(s[i].mark), "race%zu%.12s", i, rnd);
		assert_non_null(body = malloc(256));
		snprintf(body, 256, "_key=%s&name=%s&termin=%s&_confirm=1",
		    service_key("termin-test"), s[i].mark, slot);
		s[i].body = track(body);
	}
	http_burst(SCRIPT "/services/termin-test", s, RACE, NULL);
	for (i = 0; i < RACE; i++) {
		if (s[i].r.status == 303) {
			won++;
			continue;
		}
		if (s[i].r.status != 409)
			fail_msg("request %zu: status %ld", i, s[i].r.status);
		lost++;
		assert_non_null(strstr(s[i].r.body, "Dieser Termin ist gerade "
		    "vergeben worden."));
		assert_non_null(strstr(s[i].r.body, "href=\"#f-termin\""));
		/* The name stays; other times are offered. */
		assert_non_null(strstr(s[i].r.body, s[i].mark));
		assert_true(offers(&s[i].r, day3, "11:15"));
		assert_false(offers(&s[i].r, day3, "11:00"));
	}
	assert_int_equal(won, 1);
	assert_int_equal(lost, RACE - 1);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state != 'cancelled'", slot), 1);
	assert_int_equal(db_countf("SELECT count(*) FROM submission WHERE"
	    " service = 'termin-test' AND answers LIKE '%%race%%'"), 1);
}

/*
 * Sent twice (a double click, a reload) for the last place: the second
 * request leads to the first one's receipt, not to "taken"; one booking.
 */
static void
test_double_click(void **state)
{
	char	 slot[32], body[256], first[512];
	struct resp r;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT11:30", day3);
	snprintf(body, sizeof(body), "_key=%s&name=Erika&termin=%s&_confirm=1",
	    service_key("termin-test"), slot);
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	snprintf(first, sizeof(first), "%s", resp_header(&r, "Location"));
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_string_equal(resp_header(&r, "Location"), first);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s'", slot), 1);
}

/*
 * A time chosen, then a look at the next week: the choice stays, checked,
 * and is what "Weiter" sends.
 */
static void
test_choice_kept_across_weeks(void **state)
{
	struct when_date d;
	char	 body[256], week[11], want[128];
	struct resp r;

	(void)state;
	when_parse_date(day1, &d);
	when_from_days(when_days(&d) + 7, &d);
	when_format(&d, week);
	snprintf(body, sizeof(body), "_key=%s&name=Erika&termin=%sT08:45"
	    "&_page=p&_week=%s", service_key("termin-test"), day1, week);
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 200);
	assert_false(offers(&r, day1, "08:00"));
	snprintf(want, sizeof(want), "value=\"%sT08:45\" checked"
	    " id=\"f-termin-chosen\" name=\"termin\"", day1);
	assert_non_null(strstr(r.body, want));
	assert_null(strstr(r.body, "role=\"alert\""));
}

/*
 * What the calendar does not offer is refused at the field, nothing
 * stored: not a time at all, off the grid, in the break, today, a
 * holiday, past the horizon.
 */
static void
test_refused_times(void **state)
{
	struct when_date e, d;
	char	 bad[6][32], day[11];
	long	 before = db_number("SELECT count(*) FROM submission");
	struct resp r;
	size_t	 i;

	(void)state;
	snprintf(bad[0], sizeof(bad[0]), "morgen%%20fr%%C3%%BCh");
	snprintf(bad[1], sizeof(bad[1]), "%sT08:05", day1);
	snprintf(bad[2], sizeof(bad[2]), "%sT10:15", day1);
	when_format(&today, day);
	snprintf(bad[3], sizeof(bad[3]), "%sT08:00", day);
	when_easter(today.y + 1, &e);
	when_from_days(when_days(&e) + 1, &d);
	when_format(&d, day);
	snprintf(bad[4], sizeof(bad[4]), "%sT08:00", day);
	when_from_days(when_days(&today) + 401, &d);
	when_format(&d, day);
	snprintf(bad[5], sizeof(bad[5]), "%sT08:00", day);
	for (i = 0; i < 6; i++) {
		book("termin-test", bad[i], "Erika", &r);
		if (r.status != 422)
			fail_msg("%s: status %ld", bad[i], r.status);
		assert_non_null(strstr(r.body, "href=\"#f-termin\">Termin: "
		    "Diesen Termin bieten wir nicht an."));
	}
	assert_int_equal(db_number("SELECT count(*) FROM submission"), before);
}

/* The first bookable weekday from the 10th of month `m` on, after today. */
static void
day_in_month(int m, char out[11])
{
	struct when_date d;
	int	 y = today.y + (m <= today.m ? 1 : 0);

	d.y = y;
	d.m = m;
	d.d = 10;
	while (cal_weekday(&d) > 4 || cal_holiday(&d))
		when_from_days(when_days(&d) + 1, &d);
	when_format(&d, out);
}

/* What tests/cgi/ics_check.py (python3-icalendar) reads in `ics`. */
static char *
ics_read(const char *ics, size_t len)
{
	char	 path[PATH_MAX + 32], cmd[2 * PATH_MAX + 64], line[4096];
	struct buf out;
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/check.ics", T.dir);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(ics, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/cgi/ics_check.py"
	    " %s", SRCDIR, path);
	assert_non_null(fp = popen(cmd, "r"));
	buf_init(&out, 0);
	while (fgets(line, sizeof(line), fp) != NULL)
		buf_addstr(&out, line);
	assert_int_equal(pclose(fp), 0);
	return track(buf_steal(&out));
}

/*
 * The receipt links the calendar file; python3-icalendar reads it with
 * the town's offset on either side of the clock change, the place, the
 * reference and the way to cancel; a wrong token or a submission without
 * an appointment: 404.
 */
static void
test_calendar_file(void **state)
{
	static const struct { int month; const char *offset; } when[] = {
		{ 1, "+01:00" }, { 7, "+02:00" },
	};
	char	 day[11], slot[32], want[96], path[256], *link, *read, *end;
	char	 ref[32], token[80];
	struct resp r;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		day_in_month(when[i].month, day);
		snprintf(slot, sizeof(slot), "%sT09:15", day);
		book("termin-test", slot, "Erika", &r);
		assert_int_equal(r.status, 303);
		assert_int_equal(http("GET", resp_header(&r, "Location") +
		    strlen(T.origin), NULL, 0, &r), 0);
		assert_non_null(link = strstr(r.body, "class=\"calendar-file\""));
		assert_non_null(link = strstr(link, "href=\""));
		link += strlen("href=\"");
		assert_non_null(end = strchr(link, '"'));
		snprintf(path, sizeof(path), "%.*s", (int)(end - link), link);
		assert_non_null(strstr(r.body, ">In den Kalender eintragen</a>"));
		assert_int_equal(http("GET", replace_all(path, "&amp;", "&"),
		    NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(resp_header(&r, "Content-Type"),
		    "text/calendar"));
		read = ics_read(r.body, r.blen);
		snprintf(want, sizeof(want), "start=%sT09:15:00%s\n", day,
		    when[i].offset);
		assert_non_null(strstr(read, want));
		snprintf(want, sizeof(want), "end=%sT09:30:00%s\n", day,
		    when[i].offset);
		assert_non_null(strstr(read, want));
		assert_non_null(strstr(read, "summary=Termin: Testamt\n"));
		assert_non_null(strstr(read, "location=Rathaus, Zimmer 1\n"));
		assert_non_null(strstr(read, "status=CONFIRMED\n"));
		assert_non_null(strstr(read, "Termin ansehen, absagen oder "
		    "verschieben:\\nhttp://127.0.0.1:"));
		/* Nothing the citizen wrote goes into the file. */
		assert_null(strstr(read, "Erika"));
		/* Another token: no such appointment. */
		assert_non_null(end = strstr(path, "token="));
		end[strlen("token=")] = end[strlen("token=")] == 'a' ? 'b' : 'a';
		assert_int_equal(http("GET", path, NULL, 0, &r), 0);
		assert_int_equal(r.status, 404);
	}
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	snprintf(path, sizeof(path), SCRIPT "/calendar/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
}

/*
 * The mail that confirms a booking links the calendar file (and the
 * status page), and holds no answer: not the name, not the time.
 */
static void
test_mail_links_calendar(void **state)
{
	char	 slot[32], body[256], ref[32], *mail;
	struct resp r;

	(void)state;
	if (T.smtpd.h.pid <= 0)
		skip();
	snprintf(slot, sizeof(slot), "%sT10:45", day1);
	snprintf(body, sizeof(body), "_key=%s&name=Quirin+Kalender&termin=%s"
	    "&email=quirin%%40example.org&_confirm=1",
	    service_key("termin-test"), slot);
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	parse_receipt_location(resp_header(&r, "Location"), ref, sizeof(ref),
	    body, sizeof(body));
	assert_non_null(mail = mail_to("quirin@example.org", ref));
	track(mail);
	assert_non_null(strstr(mail, SCRIPT "/calendar/"));
	assert_non_null(strstr(mail, "in Ihren Kalender ein"));
	assert_null(strstr(mail, "Quirin"));
	assert_null(strstr(mail, "10:45"));
}

/*
 * Book `slot` of termin-test; the status page's path (with the token) in
 * `status`.
 */
static void
book_for_status(const char *slot, char *status, size_t size)
{
	struct resp r;
	const char *loc;

	book("termin-test", slot, "Erika", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(loc = strstr(resp_header(&r, "Location"),
	    "/receipt/"));
	snprintf(status, size, SCRIPT "/status/%s", loc + strlen("/receipt/"));
}

/*
 * POST `body` to the status page at `status`, with the booking it shows
 * (booking=, as its forms send it) unless the body names one; the
 * response in r.
 */
static void
status_post(const char *status, const char *body, struct resp *r)
{
	const char *ref = strstr(status, "/status/") + strlen("/status/");
	char	 full[512];

	if (strstr(body, "booking=") != NULL)
		snprintf(full, sizeof(full), "%s", body);
	else
		snprintf(full, sizeof(full), "%s&booking=%ld", body,
		    db_countf("SELECT b.id FROM booking b JOIN submission s ON"
		    " s.id = b.submission_id WHERE s.ref = '%.*s' ORDER BY"
		    " b.state = 'cancelled', b.id DESC LIMIT 1",
		    (int)strcspn(ref, "?"), ref));
	assert_int_equal(http("POST", status, full, strlen(full), r), 0);
}

/*
 * "Termin absagen" asks once more, then frees the place at once: the time
 * is offered again, the booking is cancelled and audited, the page and
 * the calendar file say so, and there is nothing left to cancel.
 */
static void
test_cancel_frees_the_place(void **state)
{
	char	 slot[32], status[256];
	struct resp r;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT09:30", day1);
	book_for_status(slot, status, sizeof(status));
	assert_int_equal(http("GET", status, NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, ">Termin absagen</button>"));
	assert_non_null(strstr(r.body, ">Termin verschieben</button>"));

	status_post(status, "_action=cancel", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "wirklich absagen?"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", slot), 1);

	status_post(status, "_action=cancel&_confirm=1", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(resp_header(&r, "Location"), "&done=cancelled"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", slot), 0);
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE"
	    " action = 'booking-cancel' AND before = '%s'", slot), 1);
	assert_int_equal(http("GET", resp_header(&r, "Location") +
	    strlen(T.origin), NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, "Ihr Termin ist abgesagt."));
	assert_non_null(strstr(r.body, "Dieser Termin ist abgesagt."));
	assert_null(strstr(r.body, ">Termin absagen</button>"));
	assert_non_null(strstr(r.body, "href=\"" SCRIPT "/services/termin-test\""
	    ">Einen neuen Termin buchen</a>"));
	slot_page("termin-test", day1, &r);
	assert_true(offers(&r, day1, "09:30"));

	/* The calendar file of a cancelled appointment says so. */
	assert_int_equal(http("GET", replace_all(status, "/status/",
	    "/calendar/"), NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "STATUS:CANCELLED"));

	/* Sent again: it no longer stands. */
	status_post(status, "_action=cancel&_confirm=1", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "schon ge\xc3\xa4ndert"));
}

/*
 * "Termin verschieben" offers the free times; the chosen one is booked and
 * the old one freed in one go; a time taken meanwhile leaves the old
 * booking as it was (409); a time the calendar does not offer is refused.
 */
static void
test_move(void **state)
{
	char	 from[32], to[32], taken[32], status[256], body[128];
	struct resp r;

	(void)state;
	snprintf(from, sizeof(from), "%sT10:30", day2);
	snprintf(to, sizeof(to), "%sT10:45", day2);
	snprintf(taken, sizeof(taken), "%sT11:15", day2);
	book_for_status(taken, status, sizeof(status));
	book_for_status(from, status, sizeof(status));

	status_post(status, "_action=move", &r);
	assert_int_equal(r.status, 200);
	assert_true(offers(&r, day2, "10:45"));
	assert_false(offers(&r, day2, "11:15"));
	assert_non_null(strstr(r.body, "name=\"_action\" value=\"move\""));

	/* Taken by someone else meanwhile. */
	snprintf(body, sizeof(body), "_action=move&termin=%s", taken);
	status_post(status, body, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Diese Zeit ist gerade vergeben"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", from), 1);

	snprintf(body, sizeof(body), "_action=move&termin=%sT10:40", day2);
	status_post(status, body, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Diesen Termin bieten wir nicht an"));

	snprintf(body, sizeof(body), "_action=move&termin=%s", to);
	status_post(status, body, &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(resp_header(&r, "Location"), "&done=moved"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", from), 0);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", to), 1);
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE"
	    " action = 'booking-move' AND before = '%s'", from), 1);
	slot_page("termin-test", day2, &r);
	assert_true(offers(&r, day2, "10:30"));
	assert_false(offers(&r, day2, "10:45"));
	/* A page from before the move (another tab) cancels nothing. */
	snprintf(body, sizeof(body), "_action=cancel&_confirm=1&booking=%ld",
	    db_countf("SELECT id FROM booking WHERE start = '%s'", from));
	status_post(status, body, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "schon ge\xc3\xa4ndert"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", to), 1);
	assert_int_equal(http("GET", status, NULL, 0, &r), 0);
	assert_non_null(strstr(r.body, ", 10:45 Uhr</time></strong>"));
}

/*
 * Begun: neither cancelled nor moved, and no buttons; from another site
 * or with another token: nothing happens.
 */
static void
test_no_change_when_begun_or_foreign(void **state)
{
	struct as evil = { NULL, NULL, "http://evil.example" };
	char	 slot[32], status[256], other[256], sql[256];
	struct resp r;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT08:15", day3);
	book_for_status(slot, status, sizeof(status));

	assert_int_equal(http_request(&evil, "POST", status, NULL,
	    "_action=cancel&_confirm=1", 25, NULL, 0, &r), 0);
	assert_int_equal(r.status, 403);
	snprintf(other, sizeof(other), "%s", status);
	memcpy(strstr(other, "token=") + 6, "00000000", 8);
	status_post(other, "_action=cancel&_confirm=1", &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND state = 'booked'", slot), 1);

	/* The same appointment, begun: a time in the past. */
	snprintf(sql, sizeof(sql), "UPDATE booking SET start ="
	    " '2020-01-06T08:00', \"end\" = '2020-01-06T08:15', held_end ="
	    " '2020-01-06T08:15' WHERE start = '%s'", slot);
	assert_int_equal(db_exec(sql), 0);
	assert_int_equal(http("GET", status, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, ">Termin absagen</button>"));
	status_post(status, "_action=cancel&_confirm=1", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "schon begonnen"));
	status_post(status, "_action=move", &r);
	assert_int_equal(r.status, 409);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '2020-01-06T08:00' AND state = 'booked'"), 1);
}

/* `rathaus outbox --now NOW` as the instance's user; its output in *out. */
static void
outbox_at(const char *now, char **out)
{
	char	 bin[PATH_MAX + 16], conf[PATH_MAX + 32];
	char	*as_user[] = { "runuser", "-u", "www-data", "--", bin, "outbox",
	    "--now", (char *)now, "--conf", conf, NULL };
	char	*as_self[] = { bin, "outbox", "--now", (char *)now, "--conf",
	    conf, NULL };

	snprintf(bin, sizeof(bin), "%s/bin/rathaus", T.dir);
	snprintf(conf, sizeof(conf), "%s/conf/rathaus.conf", T.dir);
	assert_int_equal(run(geteuid() == 0 ? as_user : as_self, out), 0);
	track(*out);
}

/*
 * The reminder: queued by `rathaus outbox` from 18:00 the evening before,
 * not a minute earlier; once, however often it runs; not for a cancelled
 * appointment; with the links, without the answers.
 */
static void
test_reminder_once(void **state)
{
	struct when_date d;
	char	 slot[32], gone[32], late[32], eve[11], now[32], body[256];
	char	 ref[32], sql[256];
	char	 status[256], *out, *mail;
	struct resp r;

	(void)state;
	if (T.smtpd.h.pid <= 0)
		skip();
	snprintf(slot, sizeof(slot), "%sT10:30", day3);
	snprintf(body, sizeof(body), "_key=%s&name=Rosa+Rotkehlchen&termin=%s"
	    "&email=rosa%%40example.org&_confirm=1",
	    service_key("termin-test"), slot);
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	parse_receipt_location(resp_header(&r, "Location"), ref, sizeof(ref),
	    body, sizeof(body));
	/* Another one, cancelled: no reminder for it. */
	snprintf(gone, sizeof(gone), "%sT10:45", day3);
	snprintf(body, sizeof(body), "_key=%s&name=Gustav&termin=%s"
	    "&email=gustav%%40example.org&_confirm=1",
	    service_key("termin-test"), gone);
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	snprintf(status, sizeof(status), SCRIPT "/status/%s",
	    strstr(resp_header(&r, "Location"), "/receipt/") + 9);
	status_post(status, "_action=cancel&_confirm=1", &r);
	assert_int_equal(r.status, 303);

	/* A third, booked only after its reminder was due (here: made late
	 * the evening before): the citizen knows, no reminder. */
	snprintf(late, sizeof(late), "%sT09:45", day3);
	snprintf(body, sizeof(body), "_key=%s&name=Lena&termin=%s"
	    "&email=lena%%40example.org&_confirm=1",
	    service_key("termin-test"), late);
	assert_int_equal(http("POST", SCRIPT "/services/termin-test", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);

	when_parse_date(day3, &d);
	when_from_days(when_days(&d) - 1, &d);
	when_format(&d, eve);
	snprintf(sql, sizeof(sql), "UPDATE booking SET created = '%sT20:30:00Z'"
	    " WHERE start = '%s'", eve, late);
	assert_int_equal(db_exec(sql), 0);
	snprintf(now, sizeof(now), "%sT17:59", eve);
	outbox_at(now, &out);
	assert_null(strstr(out, "reminder"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE"
	    " start = '%s' AND reminded IS NULL", slot), 1);

	snprintf(now, sizeof(now), "%sT18:00", eve);
	outbox_at(now, &out);
	assert_non_null(strstr(out, "reminder"));
	assert_non_null(mail = mail_to("rosa@example.org", "Erinnerung"));
	track(mail);
	assert_non_null(strstr(mail, ref));
	assert_non_null(strstr(mail, SCRIPT "/calendar/"));
	assert_non_null(strstr(mail, SCRIPT "/status/"));
	assert_null(strstr(mail, "Rosa"));
	assert_null(strstr(mail, "10:30"));

	/* Later runs: nothing again. */
	snprintf(now, sizeof(now), "%sT18:30", eve);
	outbox_at(now, &out);
	snprintf(now, sizeof(now), "%sT07:00", day3);
	outbox_at(now, &out);
	assert_int_equal(db_countf("SELECT count(*) FROM outbox WHERE"
	    " recipient = 'rosa@example.org' AND subject LIKE 'Erinnerung%%'"),
	    1);
	assert_int_equal(db_countf("SELECT count(*) FROM outbox WHERE"
	    " recipient = 'gustav@example.org' AND subject LIKE"
	    " 'Erinnerung%%'"), 0);
	assert_int_equal(db_countf("SELECT count(*) FROM outbox WHERE"
	    " recipient = 'lena@example.org' AND subject LIKE"
	    " 'Erinnerung%%'"), 0);
}

/*
 * The clerks' day view: the clerk of the calendar's services sees the
 * day's appointments with the applicant, marks who came (audited), blocks
 * a time (no longer offered) and lifts it again; a clerk of other
 * services sees no calendar; a POST without the CSRF token is refused.
 */
static void
test_day_view(void **state)
{
	struct as clerk = { "beispiel", NULL, NULL };
	struct as other = { "mustermann", NULL, NULL };
	char	 slot[32], path[128], cookie[256], tok[REF_TOKEN_LEN + 1];
	char	 body[512], want[64];
	struct resp r;
	long	 id;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT08:30", day2);
	book("termin-test", slot, "Dora+Tagblatt", &r);
	assert_int_equal(r.status, 303);
	id = db_countf("SELECT id FROM booking WHERE start = '%s' AND state ="
	    " 'booked'", slot);
	assert_true(id > 0);

	snprintf(path, sizeof(path), "/appointments?calendar=testamt&day=%s",
	    day2);
	staff_page_form(&clerk, path, cookie, sizeof(cookie), tok, &r);
	assert_non_null(strstr(r.body, "Dora Tagblatt"));
	assert_non_null(strstr(r.body, "08:30\xe2\x80\x93" "08:45"));
	assert_non_null(strstr(r.body, ">gebucht<"));
	assert_non_null(strstr(r.body, ">Testtermin<"));
	assert_int_equal(staff_http(&other, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Ihre Dienste vergeben keine Termine."));
	assert_null(strstr(r.body, "Dora"));

	clerk.cookie = cookie;
	snprintf(body, sizeof(body), "calendar=testamt&day=%s&booking=%ld"
	    "&_action=done", day2, id);
	assert_int_equal(staff_http(&clerk, "POST", "/appointments", body,
	    &r), 0);
	assert_int_equal(r.status, 403);
	snprintf(body, sizeof(body), "_csrf=%s&calendar=testamt&day=%s"
	    "&booking=%ld&_action=done", tok, day2, id);
	assert_int_equal(staff_http(&clerk, "POST", "/appointments", body,
	    &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE id = %ld"
	    " AND state = 'done'", id), 1);
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE action ="
	    " 'booking-done' AND actor = 'beispiel'"), 1);
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_non_null(strstr(r.body, ">erschienen<"));

	/* Another calendar than one of its own: refused, nothing done. */
	snprintf(body, sizeof(body), "_csrf=%s&calendar=nirgendwo&day=%s"
	    "&booking=%ld&_action=noshow", tok, day2, id);
	assert_int_equal(staff_http(&clerk, "POST", "/appointments", body,
	    &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Diesen Kalender k\xc3\xb6nnen Sie"));
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE id = %ld"
	    " AND state = 'done'", id), 1);

	/* A time blocked: no longer offered; lifted: offered again. */
	snprintf(body, sizeof(body), "_csrf=%s&calendar=testamt&day=%s"
	    "&from=11:00&to=10:00&reason=Schulung&_action=block", tok, day2);
	assert_int_equal(staff_http(&clerk, "POST", "/appointments", body,
	    &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "die zweite nach der ersten"));
	snprintf(body, sizeof(body), "_csrf=%s&calendar=testamt&day=%s"
	    "&from=11:00&to=11:15&reason=Schulung&_action=block", tok, day2);
	assert_int_equal(staff_http(&clerk, "POST", "/appointments", body,
	    &r), 0);
	assert_int_equal(r.status, 303);
	slot_page("termin-test", day2, &r);
	assert_false(offers(&r, day2, "11:00"));
	assert_int_equal(staff_http(&clerk, "GET", path, NULL, &r), 0);
	assert_non_null(strstr(r.body, ": Schulung (beispiel)"));
	id = db_countf("SELECT id FROM cal_block WHERE reason = 'Schulung'");
	snprintf(body, sizeof(body), "_csrf=%s&calendar=testamt&day=%s"
	    "&block=%ld&_action=unblock", tok, day2, id);
	assert_int_equal(staff_http(&clerk, "POST", "/appointments", body,
	    &r), 0);
	assert_int_equal(r.status, 303);
	slot_page("termin-test", day2, &r);
	assert_true(offers(&r, day2, "11:00"));
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE action IN"
	    " ('block', 'unblock') AND detail = 'testamt'"), 2);
	snprintf(want, sizeof(want), "%sT11:00-%sT11:15", day2, day2);
	assert_int_equal(db_countf("SELECT count(*) FROM audit WHERE action ="
	    " 'unblock' AND before = '%s'", want), 1);
}

/*
 * An appointment to midnight ends at the next day's 00:00 and holds its
 * place; a question not called "termin" moves all the same; moving, a
 * citizen's own place counts as free (a 20-minute booking moves by 15).
 */
static void
test_midnight_names_and_own_place(void **state)
{
	char	 slot[32], next[11], status[256], body[256];
	const char *loc;
	struct when_date d;
	struct resp r;

	(void)state;
	snprintf(slot, sizeof(slot), "%sT23:45", day1);
	snprintf(body, sizeof(body), "_key=%s&name=Nora&wann=%s&_confirm=1",
	    service_key("spaet"), slot);
	assert_int_equal(http("POST", SCRIPT "/services/spaet", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(loc = strstr(resp_header(&r, "Location"), "/receipt/"));
	snprintf(status, sizeof(status), SCRIPT "/status/%s",
	    loc + strlen("/receipt/"));
	when_parse_date(day1, &d);
	when_from_days(when_days(&d) + 1, &d);
	when_format(&d, next);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE start ="
	    " '%s' AND \"end\" = '%sT00:00' AND held_end = '%sT00:00'", slot,
	    next, next), 1);
	snprintf(body, sizeof(body), "_key=%s&name=Otto&wann=%s&_confirm=1",
	    service_key("spaet"), slot);
	assert_int_equal(http("POST", SCRIPT "/services/spaet", body,
	    strlen(body), &r), 0);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "gerade vergeben"));

	status_post(status, "_action=move", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"wann\""));
	snprintf(body, sizeof(body), "_action=move&wann=%sT23:15", day1);
	status_post(status, body, &r);
	assert_int_equal(r.status, 303);

	snprintf(slot, sizeof(slot), "%sT08:45", day3);
	book("termin-lang", slot, "Erika", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(loc = strstr(resp_header(&r, "Location"), "/receipt/"));
	snprintf(status, sizeof(status), SCRIPT "/status/%s",
	    loc + strlen("/receipt/"));
	status_post(status, "_action=move", &r);
	assert_int_equal(r.status, 200);
	assert_true(offers(&r, day3, "09:00"));
	snprintf(body, sizeof(body), "_action=move&termin=%sT09:00", day3);
	status_post(status, body, &r);
	assert_int_equal(r.status, 303);
	assert_int_equal(db_countf("SELECT count(*) FROM booking WHERE start ="
	    " '%sT09:00' AND held_end = '%sT09:30' AND state = 'booked'",
	    day3, day3), 1);
}

/* A clerk's block takes every place: the day shows as fully booked. */
static void
test_blocked_day(void **state)
{
	struct when_date d;
	char	 sql[256], day[11], want[96];
	struct resp r;

	(void)state;
	/* A weekday four weeks on: no booking of the other tests there. */
	when_from_days(when_days(&today) + 28, &d);
	while (cal_weekday(&d) > 4 || cal_holiday(&d))
		when_from_days(when_days(&d) + 1, &d);
	when_format(&d, day);
	snprintf(sql, sizeof(sql), "INSERT INTO cal_block(calendar, start, \"end\","
	    " clerk, created) VALUES ('testamt', '%sT07:00', '%sT13:00',"
	    " 'buergerbuero', '2026-01-01T00:00:00Z')", day, day);
	assert_int_equal(db_exec(sql), 0);
	slot_page("termin-test", day, &r);
	snprintf(want, sizeof(want), "%.2s.%.2s.%.4s</legend><p>Ausgebucht",
	    day + 8, day + 5, day);
	assert_non_null(strstr(r.body, want));
	assert_false(offers(&r, day, "08:00"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_first_week, free_tracked),
		cmocka_unit_test_teardown(test_first_page_not_kept,
		    free_tracked),
		cmocka_unit_test_teardown(test_holidays, free_tracked),
		cmocka_unit_test_teardown(test_book_takes_the_place,
		    free_tracked),
		cmocka_unit_test_teardown(test_race_for_the_last_place,
		    free_tracked),
		cmocka_unit_test_teardown(test_double_click, free_tracked),
		cmocka_unit_test_teardown(test_choice_kept_across_weeks,
		    free_tracked),
		cmocka_unit_test_teardown(test_refused_times, free_tracked),
		cmocka_unit_test_teardown(test_blocked_day, free_tracked),
		cmocka_unit_test_teardown(test_calendar_file, free_tracked),
		cmocka_unit_test_teardown(test_mail_links_calendar,
		    free_tracked),
		cmocka_unit_test_teardown(test_cancel_frees_the_place,
		    free_tracked),
		cmocka_unit_test_teardown(test_move, free_tracked),
		cmocka_unit_test_teardown(test_no_change_when_begun_or_foreign,
		    free_tracked),
		cmocka_unit_test_teardown(test_reminder_once, free_tracked),
		cmocka_unit_test_teardown(test_day_view, free_tracked),
		cmocka_unit_test_teardown(test_midnight_names_and_own_place,
		    free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("booking", tests, setup, NULL);
}
