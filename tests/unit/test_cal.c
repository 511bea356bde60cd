#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "cal.h"
#include "form.h"
#include "when.h"
#include "tmpdir.h"

#define RNG	SRCDIR "/data/calendar.rng"
#define EXAMPLE	SRCDIR "/examples/wiesmoor/site/calendars/buergerbuero.xml"

/* Lines 1 to 4 of every test calendar; the body starts on line 5. */
#define HEAD(attrs) "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<calendar id=\"t\" " attrs ">\n" \
	"  <title xml:lang=\"de\">Test</title>\n" \
	"  <location xml:lang=\"de\">Rathaus</location>\n"
#define TAIL	"</calendar>\n"

static struct when_date
day(const char *s)
{
	struct when_date d;

	if (when_parse_date(s, &d) != 0)
		fail_msg("bad date in the test: %s", s);
	return d;
}

static int
minute(const char *hhmm)
{
	int	 m;

	if (when_parse_time(hhmm, &m) != 0)
		fail_msg("bad time in the test: %s", hhmm);
	return m;
}

/* The example town's Bürgerbüro: the calendar of most tests. */
static int
setup_example(void **state)
{
	struct form_diag diag;
	struct cal *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	form_diag_init(&diag);
	if (cal_load(EXAMPLE, RNG, c, &diag) != 0) {
		fprintf(stderr, "%s", buf_str(&diag.text));
		form_diag_free(&diag);
		free(c);
		return -1;
	}
	form_diag_free(&diag);
	*state = c;
	return 0;
}

static int
teardown_example(void **state)
{
	cal_free(*state);
	free(*state);
	return 0;
}

/*
 * Write `text` as <dir>/<name>.xml and load it: cal_load's result, the
 * diag's text in `out` (to be freed).
 */
static int
load_text(const char *name, const char *text, struct cal *c, char **out)
{
	char	 dir[TMPDIR_MAX], path[256];
	struct form_diag diag;
	FILE	*f;
	int	 rc;

	assert_int_equal(tmpdir_make(dir, "cal"), 0);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	form_diag_init(&diag);
	rc = cal_load(path, RNG, c, &diag);
	/* Names in the messages are the temporary path: keep the part
	 * after the directory, "t.xml:12: ...". */
	*out = strdup(buf_str(&diag.text));
	assert_non_null(*out);
	{
		char	*p;
		size_t	 n = strlen(dir) + 1;

		while ((p = strstr(*out, dir)) != NULL)
			memmove(p, p + n, strlen(p + n) + 1);
	}
	form_diag_free(&diag);
	tmpdir_remove(dir);
	return rc;
}

/* A file that must be refused with `want` among its lines. */
static void
refused(const char *text, const char *want)
{
	struct cal c;
	char	*msg;

	if (load_text("t", text, &c, &msg) != -1) {
		cal_free(&c);
		free(msg);
		fail_msg("accepted, want: %s", want);
	}
	if (strstr(msg, want) == NULL) {
		fprintf(stderr, "got: %s\nwant: %s\n", msg, want);
		free(msg);
		fail();
	}
	/* A refused calendar is left empty: freeing it again is harmless. */
	assert_null(c.doc);
	assert_null(c.hours);
	cal_free(&c);
	free(msg);
}

static void
accepted(const char *text, struct cal *c)
{
	char	*msg;

	if (load_text("t", text, c, &msg) != 0) {
		fprintf(stderr, "%s", msg);
		free(msg);
		fail_msg("refused");
	}
	free(msg);
}

static void
test_cal_holidays(void **state)
{
	static const char *const holidays[] = {
		"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01",
		"2026-05-14", "2026-05-25", "2026-10-03", "2026-10-31",
		"2026-12-25", "2026-12-26",
		/* 2027: Easter on 28 March */
		"2027-03-26", "2027-03-29", "2027-05-06", "2027-05-17",
		"2027-10-31",
	};
	static const char *const workdays[] = {
		"2026-04-02", "2026-04-07", "2026-05-13", "2026-05-26",
		"2026-06-04",	/* Fronleichnam: not in Lower Saxony */
		"2026-11-01",	/* Allerheiligen: not in Lower Saxony */
		"2026-12-24", "2026-12-31", "2027-04-06", "2027-03-25",
		"2016-10-31",	/* Reformationstag only since 2017 */
	};
	struct when_date d;
	size_t	 k;

	(void)state;
	for (k = 0; k < sizeof(holidays) / sizeof(holidays[0]); k++) {
		d = day(holidays[k]);
		if (cal_holiday(&d) != 1)
			fail_msg("%s is a holiday", holidays[k]);
	}
	for (k = 0; k < sizeof(workdays) / sizeof(workdays[0]); k++) {
		d = day(workdays[k]);
		if (cal_holiday(&d) != 0)
			fail_msg("%s is no holiday", workdays[k]);
	}
	d = day("2026-04-13");
	assert_int_equal(cal_weekday(&d), 0);
	d = day("2026-04-19");
	assert_int_equal(cal_weekday(&d), 6);
	d = day("1969-12-31");
	assert_int_equal(cal_weekday(&d), 2);
}

static void
test_cal_load_example(void **state)
{
	const struct cal *c = *state;
	struct when_date d = day("2026-12-28");

	assert_string_equal(c->id, "buergerbuero");
	assert_int_equal(c->grid, 15);
	assert_int_equal(c->places, 2);
	assert_int_equal(c->earliest, 1);
	assert_int_equal(c->horizon, 56);
	assert_int_equal(c->holidays, 1);
	assert_int_equal(c->nhours, 2);
	assert_int_equal(c->hours[0].days, 0x1f);
	assert_int_equal(c->hours[0].from, minute("08:00"));
	assert_int_equal(c->hours[0].to, minute("12:30"));
	assert_int_equal(c->hours[0].places, 2);
	assert_int_equal(c->hours[1].days, 1u << 3);
	assert_int_equal(c->hours[1].places, 1);
	assert_int_equal(c->nbreaks, 1);
	assert_int_equal(c->breaks[0].from, minute("10:00"));
	assert_int_equal(c->nclosed, 2);
	assert_int_equal(c->closed[1].from, when_days(&d));
	assert_int_equal(c->closed[1].to, when_days(&d) + 3);
	assert_int_equal(c->nlengths, 2);
	assert_int_equal(cal_minutes(c, "personalausweis"), 15);
	assert_int_equal(cal_minutes(c, "reisepass"), 20);
	assert_int_equal(cal_minutes(c, "gewerbeanmeldung"), 15);
	assert_int_equal(cal_minutes(c, NULL), 15);
	assert_int_equal(cal_held(c, 20), 30);
	assert_int_equal(cal_held(c, 15), 15);
	assert_int_equal(cal_held(c, 16), 30);
	assert_int_equal(cal_held(c, 0), 15);
	assert_int_equal(cal_held(c, 1), 15);
	assert_true(cal_held(c, 1000000) > 24 * 60);
}

/* The starts of a day as "HH:MM/free" words, for a readable compare. */
static void
slots_text(const struct cal *c, const char *date, int minutes,
    const struct cal_taken *t, size_t nt, int after, char *out, size_t size)
{
	struct cal_slot s[CAL_DAY_SLOTS_MAX];
	struct when_date d = day(date);
	size_t	 n, k, len = 0;

	n = cal_day_slots(c, &d, minutes, t, nt, after, s, CAL_DAY_SLOTS_MAX);
	out[0] = '\0';
	for (k = 0; k < n; k++) {
		len += (size_t)snprintf(out + len, size - len, "%s%02d:%02d/%d",
		    k ? " " : "", s[k].start / 60, s[k].start % 60, s[k].free);
		assert_true(len < size);
	}
}

static void
test_cal_slots_hours(void **state)
{
	const struct cal *c = *state;
	char	 got[4096];

	/* Monday: the morning, two places, without the break 10:00-10:15 */
	slots_text(c, "2026-04-13", 15, NULL, 0, -1, got, sizeof(got));
	assert_string_equal(got, "08:00/2 08:15/2 08:30/2 08:45/2 09:00/2"
	    " 09:15/2 09:30/2 09:45/2 10:15/2 10:30/2 10:45/2 11:00/2"
	    " 11:15/2 11:30/2 11:45/2 12:00/2 12:15/2");
	/* Thursday: and the afternoon with one place */
	slots_text(c, "2026-04-16", 15, NULL, 0, -1, got, sizeof(got));
	assert_string_equal(got, "08:00/2 08:15/2 08:30/2 08:45/2 09:00/2"
	    " 09:15/2 09:30/2 09:45/2 10:15/2 10:30/2 10:45/2 11:00/2"
	    " 11:15/2 11:30/2 11:45/2 12:00/2 12:15/2"
	    " 14:00/1 14:15/1 14:30/1 14:45/1 15:00/1 15:15/1 15:30/1"
	    " 15:45/1 16:00/1 16:15/1 16:30/1 16:45/1 17:00/1 17:15/1");
	/* Saturday: no hours */
	slots_text(c, "2026-04-18", 15, NULL, 0, -1, got, sizeof(got));
	assert_string_equal(got, "");
	/* `after` leaves out what has begun */
	slots_text(c, "2026-04-13", 15, NULL, 0, minute("11:31"), got,
	    sizeof(got));
	assert_string_equal(got, "11:45/2 12:00/2 12:15/2");
	slots_text(c, "2026-04-13", 15, NULL, 0, minute("11:30"), got,
	    sizeof(got));
	assert_string_equal(got, "11:30/2 11:45/2 12:00/2 12:15/2");
}

/* A 20-minute booking on the 15-minute grid holds two cells. */
static void
test_cal_slots_length(void **state)
{
	const struct cal *c = *state;
	struct cal_slot s[4];
	struct when_date d = day("2026-04-13");
	char	 got[4096];

	slots_text(c, "2026-04-13", 20, NULL, 0, -1, got, sizeof(got));
	/* not 09:45 (into the break), not 12:15 (past 12:30) */
	assert_string_equal(got, "08:00/2 08:15/2 08:30/2 08:45/2 09:00/2"
	    " 09:15/2 09:30/2 10:15/2 10:30/2 10:45/2 11:00/2 11:15/2"
	    " 11:30/2 11:45/2 12:00/2");
	/* three hours fit nowhere */
	slots_text(c, "2026-04-16", 180, NULL, 0, -1, got, sizeof(got));
	assert_string_equal(got, "14:00/1 14:15/1 14:30/1");
	slots_text(c, "2026-04-16", 240, NULL, 0, -1, got, sizeof(got));
	assert_string_equal(got, "");
	/* at most max written */
	assert_int_equal(cal_day_slots(c, &d, 15, NULL, 0, -1, s, 4), 4);
	assert_int_equal(s[3].start, minute("08:45"));
	assert_int_equal(cal_day_slots(c, &d, 15, NULL, 0, -1, s, 0), 0);
}

static void
test_cal_slots_taken(void **state)
{
	const struct cal *c = *state;
	/* a 20-minute booking at 08:00 takes a place at 08:00 and 08:15 */
	struct cal_taken one[] = { { 480, 500, 0 } };
	struct cal_taken two[] = { { 480, 500, 0 }, { 480, 495, 0 } };
	/* a clerk's block 09:00-10:00; a booking on Thursday afternoon */
	struct cal_taken block[] = { { 540, 600, 1 }, { 900, 915, 0 } };
	/* nonsense (to before from) takes nothing */
	struct cal_taken odd[] = { { 500, 480, 0 } };
	char	 got[4096];

	slots_text(c, "2026-04-13", 15, one, 1, -1, got, sizeof(got));
	assert_non_null(strstr(got, "08:00/1 08:15/1 08:30/2 "));
	slots_text(c, "2026-04-13", 20, one, 1, -1, got, sizeof(got));
	assert_non_null(strstr(got, "08:00/1 08:15/1 08:30/2 "));
	slots_text(c, "2026-04-13", 15, two, 2, -1, got, sizeof(got));
	assert_non_null(strstr(got, "08:00/0 08:15/1 08:30/2 "));
	/* 08:00 for 20 minutes holds 08:00 and 08:15: the fullest decides */
	slots_text(c, "2026-04-13", 20, two, 2, -1, got, sizeof(got));
	assert_non_null(strstr(got, "08:00/0 08:15/1 08:30/2 "));
	slots_text(c, "2026-04-16", 20, block, 2, -1, got, sizeof(got));
	assert_non_null(strstr(got, "08:30/2 08:45/0 09:00/0 09:15/0"
	    " 09:30/0 10:15/2 "));
	assert_non_null(strstr(got, " 14:30/1 14:45/0 15:00/0 15:15/1 "));
	slots_text(c, "2026-04-13", 15, odd, 1, -1, got, sizeof(got));
	assert_non_null(strstr(got, "08:00/2 08:15/2 "));
}

static void
test_cal_bookable_day(void **state)
{
	const struct cal *c = *state;
	struct when_date today = day("2026-04-13"), d;
	static const struct { const char *today, *day; int want; } cases[] = {
		{ "2026-04-13", "2026-04-13", 0 },	/* earliest 1 */
		{ "2026-04-13", "2026-04-14", 1 },
		{ "2026-04-13", "2026-04-12", 0 },	/* past */
		{ "2026-04-13", "2026-04-18", 0 },	/* Saturday */
		{ "2026-04-13", "2026-06-08", 1 },	/* horizon 56 */
		{ "2026-04-13", "2026-06-09", 0 },
		{ "2026-03-30", "2026-04-03", 0 },	/* Karfreitag */
		{ "2026-03-30", "2026-04-06", 0 },	/* Ostermontag */
		{ "2026-03-30", "2026-04-07", 1 },
		{ "2026-04-30", "2026-05-14", 0 },	/* Himmelfahrt */
		{ "2026-04-30", "2026-05-25", 0 },	/* Pfingstmontag */
		{ "2026-12-01", "2026-12-23", 1 },
		{ "2026-12-01", "2026-12-24", 0 },	/* closed date */
		{ "2026-12-01", "2026-12-28", 0 },	/* closed from..to */
		{ "2026-12-01", "2026-12-31", 0 },
		{ "2026-12-20", "2027-01-04", 1 },
	};
	size_t	 k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		today = day(cases[k].today);
		d = day(cases[k].day);
		if (cal_bookable_day(c, &d, &today) != cases[k].want)
			fail_msg("%s from %s: want %d", cases[k].day,
			    cases[k].today, cases[k].want);
	}
}

/* Without holidays="NI" a holiday is a day like any other. */
static void
test_cal_no_holidays(void **state)
{
	struct cal c;
	struct when_date today = day("2026-04-01"), d = day("2026-04-06");

	(void)state;
	accepted(HEAD("grid=\"30\" earliest=\"0\" horizon=\"10\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"09:00\"/>\n" TAIL, &c);
	assert_int_equal(c.holidays, 0);
	assert_int_equal(c.places, 1);
	assert_int_equal(cal_bookable_day(&c, &d, &today), 1);
	d = day("2026-04-12");	/* Sunday */
	assert_int_equal(cal_bookable_day(&c, &d, &today), 0);
	d = day("2026-04-13");	/* 12 days ahead */
	assert_int_equal(cal_bookable_day(&c, &d, &today), 0);
	cal_free(&c);
}

static void
test_cal_slot_free(void **state)
{
	const struct cal *c = *state;
	struct when_date today = day("2026-04-13");
	struct cal_taken full[] = { { 480, 495, 0 }, { 480, 495, 0 } };
	struct cal_taken block[] = { { 0, 24 * 60, 1 } };
	int	 now = minute("09:00");

	assert_int_equal(cal_slot_free(c, "2026-04-14T08:00", 15, &today,
	    now, NULL, 0), 1);
	assert_int_equal(cal_slot_free(c, "2026-04-14T08:00", 15, &today,
	    now, full, 2), 0);
	assert_int_equal(cal_slot_free(c, "2026-04-14T08:15", 15, &today,
	    now, full, 2), 1);
	assert_int_equal(cal_slot_free(c, "2026-04-14T08:15", 15, &today,
	    now, block, 1), 0);
	assert_int_equal(cal_slot_free(c, "2026-04-14T08:07", 15, &today,
	    now, NULL, 0), 0);	/* off the grid */
	assert_int_equal(cal_slot_free(c, "2026-04-14T10:00", 15, &today,
	    now, NULL, 0), 0);	/* the break */
	assert_int_equal(cal_slot_free(c, "2026-04-14T07:45", 15, &today,
	    now, NULL, 0), 0);	/* before opening */
	assert_int_equal(cal_slot_free(c, "2026-04-14T12:15", 15, &today,
	    now, NULL, 0), 1);
	assert_int_equal(cal_slot_free(c, "2026-04-14T12:15", 20, &today,
	    now, NULL, 0), 0);	/* would run past 12:30 */
	assert_int_equal(cal_slot_free(c, "2026-04-14T14:00", 15, &today,
	    now, NULL, 0), 0);	/* Tuesday afternoon: closed */
	assert_int_equal(cal_slot_free(c, "2026-04-16T14:00", 15, &today,
	    now, NULL, 0), 1);	/* Thursday afternoon */
	assert_int_equal(cal_slot_free(c, "2026-04-13T10:15", 15, &today,
	    now, NULL, 0), 0);	/* today: earliest is 1 */
	assert_int_equal(cal_slot_free(c, "2026-06-09T08:00", 15, &today,
	    now, NULL, 0), 0);	/* past the horizon */
	assert_int_equal(cal_slot_free(c, "2026-05-14T08:00", 15, &today,
	    now, NULL, 0), 0);	/* Himmelfahrt */
	assert_int_equal(cal_slot_free(c, "2026-04-14 08:00", 15, &today,
	    now, NULL, 0), 0);
	assert_int_equal(cal_slot_free(c, "", 15, &today, now, NULL, 0), 0);
}

/* earliest="0": today, but only what starts after the current minute. */
static void
test_cal_today(void **state)
{
	struct cal c;
	struct when_date today = day("2026-04-13");
	char	 got[1024];

	(void)state;
	accepted(HEAD("grid=\"30\" earliest=\"0\" horizon=\"0\"")
	    "  <hours days=\"mon tue\" from=\"08:00\" to=\"10:00\"/>\n" TAIL,
	    &c);
	assert_int_equal(cal_slot_free(&c, "2026-04-13T09:00", 30, &today,
	    minute("09:00"), NULL, 0), 0);
	assert_int_equal(cal_slot_free(&c, "2026-04-13T09:00", 30, &today,
	    minute("08:59"), NULL, 0), 1);
	assert_int_equal(cal_slot_free(&c, "2026-04-13T09:30", 30, &today,
	    minute("09:00"), NULL, 0), 1);
	assert_int_equal(cal_slot_free(&c, "2026-04-14T08:00", 30, &today,
	    minute("09:00"), NULL, 0), 0);	/* horizon 0 */
	slots_text(&c, "2026-04-13", 30, NULL, 0, minute("09:00") + 1, got,
	    sizeof(got));
	assert_string_equal(got, "09:30/1");
	cal_free(&c);
}

static void
test_cal_parse_format(void **state)
{
	static const char *const bad[] = {
		"2026-04-14 08:00", "2026-04-14T8:00", "2026-04-14T08:00:00",
		"2026-02-30T08:00", "2026-04-14T24:00", "2026-04-14T08:60",
		"2026-04-14t08:00", "26-04-14T08:00", "", "2026-04-14T08:0x",
		"2026-04-14",
	};
	struct when_date d;
	char	 out[CAL_SLOT_LEN];
	size_t	 k;
	int	 m;

	(void)state;
	assert_int_equal(cal_parse_slot("2026-04-14T08:15", &d, &m), 0);
	assert_int_equal(d.y, 2026);
	assert_int_equal(d.m, 4);
	assert_int_equal(d.d, 14);
	assert_int_equal(m, 8 * 60 + 15);
	cal_format_slot(&d, m, out);
	assert_string_equal(out, "2026-04-14T08:15");
	assert_int_equal(cal_parse_slot("2028-02-29T23:59", &d, &m), 0);
	cal_format_slot(&d, m, out);
	assert_string_equal(out, "2028-02-29T23:59");
	d = day("2027-01-05");
	cal_format_slot(&d, 0, out);
	assert_string_equal(out, "2027-01-05T00:00");
	/* An end at midnight is the next day's 00:00, across a year too. */
	d = day("2026-12-31");
	cal_format_slot(&d, 24 * 60, out);
	assert_string_equal(out, "2027-01-01T00:00");
	cal_format_slot(&d, 24 * 60 + 15, out);
	assert_string_equal(out, "2027-01-01T00:15");
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (cal_parse_slot(bad[k], &d, &m) != -1)
			fail_msg("accepted %s", bad[k]);
	assert_int_equal(cal_parse_slot(NULL, &d, &m), -1);
}

static void
test_cal_bad_files(void **state)
{
	(void)state;
	/* Opening ranges of one weekday overlap: reported on the second. */
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon tue\" from=\"08:00\" to=\"12:00\"/>\n"
	    "  <hours days=\"fri tue\" from=\"11:00\" to=\"13:00\"/>\n" TAIL,
	    "t.xml:6: hours 11:00-13:00 overlap the hours 08:00-12:00 of"
	    " line 5 on tue");
	/* Off the grid: a range of no whole cells, a break mid-cell. */
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:20\"/>\n" TAIL,
	    "t.xml:5: hours 08:00-12:20: not whole 15-minute cells");
	refused(HEAD("grid=\"30\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n"
	    "  <break days=\"mon\" from=\"10:00\" to=\"10:15\"/>\n" TAIL,
	    "t.xml:6: break 10:15 is not on the 30-minute grid of the hours"
	    " 08:00-12:00 (mon)");
	/* An unknown weekday, a grid that is none, numbers and times. */
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon tuesday\" from=\"08:00\" to=\"12:00\"/>\n"
	    TAIL, "t.xml:5: days \"mon tuesday\": weekdays are mon tue wed"
	    " thu fri sat sun");
	refused(HEAD("grid=\"7\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: grid \"7\": one of 5 10 15 20 30 60 (minutes)");
	refused(HEAD("grid=\"45\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: grid \"45\": one of");
	refused(HEAD("grid=\"fifteen\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: grid \"fifteen\": one of");
	refused(HEAD("grid=\"15\" places=\"0\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: places \"0\": a whole number from 1 to 100");
	refused(HEAD("grid=\"15\" horizon=\"-1\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: horizon \"-1\": a whole number from 0 to 730");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\""
	    " places=\"2x\"/>\n" TAIL,
	    "t.xml:5: places \"2x\": a whole number from 1 to 100");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n"
	    "  <service id=\"a\" minutes=\"0\"/>\n" TAIL,
	    "t.xml:6: minutes \"0\": a whole number from 1 to 480");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"8:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:5: from \"8:00\" to \"12:00\": times are HH:MM");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"24:00\" to=\"24:00\"/>\n" TAIL,
	    "t.xml:5: from \"24:00\" to \"24:00\": times are HH:MM");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n"
	    "  <closed date=\"2026-02-30\"/>\n" TAIL,
	    "t.xml:6: closed \"2026-02-30\": dates are YYYY-MM-DD");
	/* What the schema says: elements, their order, what is required. */
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\"/>\n" TAIL,
	    "t.xml:5: schema: ");
	refused(HEAD("grid=\"15\"")
	    "  <closed date=\"2026-12-24\"/>\n"
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:6: schema: Did not expect element hours there");
	refused(HEAD("grid=\"15\" holidays=\"BY\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: schema: ");
	/* No German title. */
	refused("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<calendar id=\"t\" grid=\"15\">\n"
	    "  <title xml:lang=\"en\">Test</title>\n"
	    "  <location xml:lang=\"de\">Rathaus</location>\n"
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: no title in German (xml:lang=\"de\"): German is"
	    " required");
	refused("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<calendar id=\"t\" grid=\"15\">\n"
	    "  <title xml:lang=\"de\">Test</title>\n"
	    "  <title xml:lang=\"de\">Noch einmal</title>\n"
	    "  <location xml:lang=\"de\">Rathaus</location>\n"
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:4: a second title in de");
	/* from after to */
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"12:00\" to=\"08:00\"/>\n" TAIL,
	    "t.xml:5: hours 12:00-08:00: from must come before to");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n"
	    "  <closed from=\"2026-12-31\" to=\"2026-12-24\"/>\n" TAIL,
	    "t.xml:6: closed from 2026-12-31 to 2026-12-24: from lies after"
	    " to");
	/* the id is the file's name */
	refused("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<calendar id=\"other\" grid=\"15\">\n"
	    "  <title xml:lang=\"de\">Test</title>\n"
	    "  <location xml:lang=\"de\">Rathaus</location>\n"
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: id \"other\" must be the file's name without .xml");
	refused(HEAD("grid=\"15\" earliest=\"10\" horizon=\"5\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    "t.xml:2: earliest 10 lies after horizon 5");
	refused(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n"
	    "  <service id=\"a\" minutes=\"15\"/>\n"
	    "  <service id=\"a\" minutes=\"30\"/>\n" TAIL,
	    "t.xml:7: service a is listed twice");
	/* no hours at all */
	refused(HEAD("grid=\"15\"") TAIL, "t.xml:2: no opening hours:"
	    " nothing can be booked");
	refused("<?xml version=\"1.0\"?>\n<!DOCTYPE calendar [\n"
	    "<!ENTITY x \"y\">]>\n<calendar/>\n",
	    "t.xml:2: a <!DOCTYPE> is not allowed");
	refused("<calendar id=\"t\"", "t.xml:1: not well-formed: ");
}

/* Good files with everything optional, and warnings that do not refuse. */
static void
test_cal_good_files(void **state)
{
	struct cal c;
	char	*msg;

	(void)state;
	/* A break past closing time, a range to 24:00 and one ending where
	 * it begins, grid 60 from 08:30: the cells count from each range's
	 * from. */
	assert_int_equal(load_text("t", HEAD("grid=\"60\" places=\"3\"")
	    "  <hours days=\"sat\" from=\"08:30\" to=\"12:30\"/>\n"
	    "  <hours days=\"sun\" from=\"20:00\" to=\"24:00\"/>\n"
	    "  <hours days=\"sun\" from=\"18:00\" to=\"20:00\"/>\n"
	    "  <break days=\"sat\" from=\"11:30\" to=\"13:00\"/>\n"
	    "  <break days=\"mon\" from=\"11:30\" to=\"13:00\"/>\n"
	    "  <service id=\"lang\" minutes=\"300\"/>\n" TAIL, &c, &msg), 0);
	assert_string_equal(msg, "t.xml:9: warning: the break lies outside"
	    " the opening hours: it changes nothing\n"
	    "t.xml:10: warning: service lang holds 300 minutes, longer than"
	    " any opening range: it can never be booked\n");
	free(msg);
	assert_int_equal(c.earliest, 1);
	assert_int_equal(c.horizon, 56);
	/* sorted by from */
	assert_int_equal(c.hours[1].from, 18 * 60);
	assert_int_equal(c.hours[2].to, 24 * 60);
	{
		char	 got[1024];

		slots_text(&c, "2026-04-18", 60, NULL, 0, -1, got,
		    sizeof(got));
		assert_string_equal(got, "08:30/3 09:30/3 10:30/3");
		slots_text(&c, "2026-04-19", 60, NULL, 0, -1, got,
		    sizeof(got));
		assert_string_equal(got, "18:00/3 19:00/3 20:00/3 21:00/3"
		    " 22:00/3 23:00/3");
	}
	cal_free(&c);
	cal_free(&c);	/* twice: harmless */
}

static void
test_cal_load_id(void **state)
{
	char	 dir[TMPDIR_MAX], path[256];
	struct form_diag diag;
	struct cal c;
	FILE	*f;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "calid"), 0);
	snprintf(path, sizeof(path), "%s/calendars", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/calendars/t.xml", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:00\"/>\n" TAIL,
	    f) >= 0);
	assert_int_equal(fclose(f), 0);

	form_diag_init(&diag);
	assert_int_equal(cal_load_id(dir, SRCDIR, "t", &c, &diag), 0);
	assert_string_equal(c.id, "t");
	assert_string_equal(buf_str(&diag.text), "");
	cal_free(&c);
	assert_int_equal(cal_load_id(dir, SRCDIR, "../calendars/t", &c,
	    &diag), -1);
	assert_non_null(strstr(buf_str(&diag.text), "is no calendar id"));
	assert_int_equal(cal_load_id(dir, SRCDIR, "", &c, &diag), -1);
	assert_int_equal(cal_load_id(dir, SRCDIR, "a.b", &c, &diag), -1);
	assert_int_equal(cal_load_id(dir, SRCDIR, "missing", &c, &diag), -1);
	assert_non_null(strstr(buf_str(&diag.text),
	    "/calendars/missing.xml: no such calendar"));
	assert_null(c.doc);
	/* Without a diag the problems still refuse. */
	assert_int_equal(cal_load(path, RNG, &c, NULL), 0);
	cal_free(&c);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(HEAD("grid=\"15\"")
	    "  <hours days=\"mon\" from=\"08:00\" to=\"12:10\"/>\n" TAIL,
	    f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(cal_load(path, RNG, &c, NULL), -1);
	assert_null(c.doc);
	/* A file that is not there, a schema that is not there. */
	form_diag_free(&diag);
	form_diag_init(&diag);
	assert_int_equal(cal_load("/nonexistent/t.xml", RNG, &c, &diag), -1);
	assert_non_null(strstr(buf_str(&diag.text), "/nonexistent/t.xml"));
	assert_int_equal(cal_load(EXAMPLE, "/nonexistent.rng", &c, &diag), -1);
	assert_non_null(strstr(buf_str(&diag.text),
	    "/nonexistent.rng: cannot load schema"));
	form_diag_free(&diag);
	tmpdir_remove(dir);

	assert_int_equal(cal_id_valid("buergerbuero-2"), 1);
	assert_int_equal(cal_id_valid("Amt-A"), 1);
	assert_int_equal(cal_id_valid(""), 0);
	assert_int_equal(cal_id_valid("a/b"), 0);
	assert_int_equal(cal_id_valid("a_b"), 0);
	assert_int_equal(cal_id_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaa"), 1);	/* 64 */
	assert_int_equal(cal_id_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaa"), 0);	/* 65 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cal_holidays),
		cmocka_unit_test_setup_teardown(test_cal_load_example,
		    setup_example, teardown_example),
		cmocka_unit_test_setup_teardown(test_cal_slots_hours,
		    setup_example, teardown_example),
		cmocka_unit_test_setup_teardown(test_cal_slots_length,
		    setup_example, teardown_example),
		cmocka_unit_test_setup_teardown(test_cal_slots_taken,
		    setup_example, teardown_example),
		cmocka_unit_test_setup_teardown(test_cal_bookable_day,
		    setup_example, teardown_example),
		cmocka_unit_test(test_cal_no_holidays),
		cmocka_unit_test_setup_teardown(test_cal_slot_free,
		    setup_example, teardown_example),
		cmocka_unit_test(test_cal_today),
		cmocka_unit_test(test_cal_parse_format),
		cmocka_unit_test(test_cal_bad_files),
		cmocka_unit_test(test_cal_good_files),
		cmocka_unit_test(test_cal_load_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
