/*
 * ics: the calendar file of an appointment. Lines of at most 75 octets,
 * folded between characters, never inside one; text escaped as RFC 5545
 * says; Europe/Berlin's times with their TZID and VTIMEZONE, another
 * zone's in UTC on either side of its clock change; a cancelled one says
 * so; what is not a time is refused.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "buf.h"
#include "ics.h"
#include "when.h"

static void
event(struct ics_event *e, const char *zone)
{
	memset(e, 0, sizeof(*e));
	e->uid = "2026-000001-5@rathaus.example";
	e->start = "2027-01-12T09:15";
	e->end = "2027-01-12T09:30";
	e->zone = zone;
	e->summary = "Termin: Bürgerbüro";
	e->stamp = 1796000000;
}

/* Every line ends in CRLF, is at most 75 octets, and a continuation
 * starts with one space and not inside a UTF-8 character. */
static void
assert_lines(const char *s)
{
	const char *eol;

	for (; *s != '\0'; s = eol + 2) {
		assert_non_null(eol = strstr(s, "\r\n"));
		assert_true(eol - s <= 75);
		if (*s == ' ')
			assert_int_not_equal((unsigned char)s[1] & 0xc0, 0x80);
	}
}

static void
test_fold_and_escape(void **state)
{
	struct ics_event e;
	struct buf out;
	char	 desc[600];
	size_t	 i;

	(void)state;
	event(&e, "Europe/Berlin");
	/* Two-octet characters across every fold position. */
	for (i = 0; i + 2 < 400; i += 2)
		memcpy(desc + i, "\xc3\xa4", 2);
	memcpy(desc + i, "\0", 1);
	e.description = desc;
	e.location = "Hauptstra\xc3\x9f" "e 193, Zimmer 1; Erdgeschoss \\ links";
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), 0);
	assert_lines(buf_str(&out));
	assert_non_null(strstr(buf_str(&out), "LOCATION:Hauptstra\xc3\x9f"
	    "e 193\\, Zimmer 1\\; Erdgeschoss \\\\ links\r\n"));
	buf_free(&out);

	e.description = "Bitte mitbringen:\n- Foto\n\001- Pass";
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), 0);
	assert_non_null(strstr(buf_str(&out),
	    "DESCRIPTION:Bitte mitbringen:\\n- Foto\\n- Pass\r\n"));
	buf_free(&out);
}

static void
test_berlin(void **state)
{
	struct ics_event e;
	struct buf out;

	(void)state;
	event(&e, "Europe/Berlin");
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), 0);
	assert_non_null(strstr(buf_str(&out), "BEGIN:VTIMEZONE\r\n"
	    "TZID:Europe/Berlin\r\n"));
	assert_non_null(strstr(buf_str(&out),
	    "DTSTART;TZID=Europe/Berlin:20270112T091500\r\n"
	    "DTEND;TZID=Europe/Berlin:20270112T093000\r\n"));
	assert_non_null(strstr(buf_str(&out), "STATUS:CONFIRMED\r\n"));
	assert_non_null(strstr(buf_str(&out), "SEQUENCE:0\r\n"));
	assert_non_null(strstr(buf_str(&out), "DTSTAMP:"));
	assert_memory_equal(buf_str(&out), "BEGIN:VCALENDAR\r\n", 17);
	assert_non_null(strstr(buf_str(&out), "END:VCALENDAR\r\n"));
	buf_free(&out);

	e.cancelled = 1;
	e.sequence = 7;
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), 0);
	assert_non_null(strstr(buf_str(&out), "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(buf_str(&out), "SEQUENCE:7\r\n"));
	buf_free(&out);
}

/* Another zone: UTC, its offset right in winter and in summer. */
static void
test_other_zone_in_utc(void **state)
{
	struct ics_event e;
	struct buf out;

	(void)state;
	assert_int_equal(when_set_zone("America/New_York"), 0);
	event(&e, "America/New_York");
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), 0);
	assert_null(strstr(buf_str(&out), "VTIMEZONE"));
	assert_non_null(strstr(buf_str(&out), "DTSTART:20270112T141500Z\r\n"));
	buf_free(&out);
	e.start = "2027-07-12T09:15";
	e.end = "2027-07-12T09:30";
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), 0);
	assert_non_null(strstr(buf_str(&out), "DTSTART:20270712T131500Z\r\n"));
	buf_free(&out);
	assert_int_equal(when_set_zone("Europe/Berlin"), 0);
}

static void
test_not_a_time(void **state)
{
	struct ics_event e;
	struct buf out;

	(void)state;
	event(&e, "Europe/Berlin");
	e.start = "2027-02-30T09:15";
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), -1);
	buf_free(&out);
	e.start = "morgen";
	buf_init(&out, 0);
	assert_int_equal(ics_event(&out, &e), -1);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_and_escape),
		cmocka_unit_test(test_berlin),
		cmocka_unit_test(test_other_zone_in_utc),
		cmocka_unit_test(test_not_a_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
