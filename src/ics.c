#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cal.h"
#include "ics.h"

/* RFC 5545 3.1: a content line of at most 75 octets; longer ones go on
 * after CRLF and one space, never inside a UTF-8 character. */
#define ICS_LINE_OCTETS	75

static const char ics_berlin[] =
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "TZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

/* Append `line` folded, with its CRLF. */
static void
ics_line(struct buf *out, const char *line)
{
	size_t	 len = strlen(line), used = 0, n;

	while (len > 0) {
		n = len;
		if (n > ICS_LINE_OCTETS - (used ? 1 : 0)) {
			n = ICS_LINE_OCTETS - (used ? 1 : 0);
			/* Back to the start of a character. */
			while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
				n--;
		}
		if (used)
			buf_addch(out, ' ');
		buf_add(out, line, n);
		buf_addstr(out, "\r\n");
		line += n;
		len -= n;
		used = 1;
	}
}

/* NAME:TEXT with TEXT escaped (RFC 5545 3.3.11); control characters
 * other than newline are left out. */
static void
ics_text(struct buf *out, const char *name, const char *text)
{
	struct buf line;
	const unsigned char *p;

	buf_init(&line, 0);
	buf_printf(&line, "%s:", name);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p == '\\' || *p == ';' || *p == ',') {
			buf_addch(&line, '\\');
			buf_addch(&line, (char)*p);
		} else if (*p == '\n')
			buf_addstr(&line, "\\n");
		else if (*p >= 0x20 && *p != 0x7f)
			buf_addch(&line, (char)*p);
	}
	if (line.failed)
		out->failed = 1;
	else
		ics_line(out, buf_str(&line));
	buf_free(&line);
}

/* "YYYY-MM-DDTHH:MM" as a struct tm; -1 if it is not one. */
static int
ics_parse(const char *s, struct tm *tm)
{
	struct when_date d;
	int	 minute;

	memset(tm, 0, sizeof(*tm));
	if (s == NULL || cal_parse_slot(s, &d, &minute) != 0)
		return -1;
	tm->tm_year = d.y - 1900;
	tm->tm_mon = d.m - 1;
	tm->tm_mday = d.d;
	tm->tm_hour = minute / 60;
	tm->tm_min = minute % 60;
	tm->tm_isdst = -1;
	return 0;
}

/* NAME;TZID=Europe/Berlin:YYYYMMDDTHHMMSS, or NAME:...Z in UTC. */
static int
ics_time(struct buf *out, const char *name, const char *local, int berlin)
{
	struct tm tm, utc;
	time_t	 t;

	if (ics_parse(local, &tm) != 0)
		return -1;
	if (berlin) {
		buf_printf(out, "%s;TZID=Europe/Berlin:%04d%02d%02dT%02d%02d00"
		    "\r\n", name, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min);
		return 0;
	}
	if ((t = mktime(&tm)) == (time_t)-1 || gmtime_r(&t, &utc) == NULL)
		return -1;
	buf_printf(out, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", name,
	    utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
	    utc.tm_min, utc.tm_sec);
	return 0;
}

int
ics_event(struct buf *out, const struct ics_event *e)
{
	struct tm utc;
	int	 berlin = e->zone != NULL && strcmp(e->zone, "Europe/Berlin") == 0;

	if (gmtime_r(&e->stamp, &utc) == NULL)
		return -1;
	buf_addstr(out, "BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\n"
	    "PRODID:-//rathaus//Termin//DE\r\n"
	    "CALSCALE:GREGORIAN\r\n"
	    "METHOD:PUBLISH\r\n");
	if (berlin)
		buf_addstr(out, ics_berlin);
	buf_addstr(out, "BEGIN:VEVENT\r\n");
	ics_text(out, "UID", e->uid);
	buf_printf(out, "DTSTAMP:%04d%02d%02dT%02d%02d%02dZ\r\n"
	    "LAST-MODIFIED:%04d%02d%02dT%02d%02d%02dZ\r\n"
	    "SEQUENCE:%ld\r\n",
	    utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
	    utc.tm_min, utc.tm_sec, utc.tm_year + 1900, utc.tm_mon + 1,
	    utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, e->sequence);
	if (ics_time(out, "DTSTART", e->start, berlin) != 0 ||
	    ics_time(out, "DTEND", e->end, berlin) != 0)
		return -1;
	ics_text(out, "SUMMARY", e->summary);
	if (e->location != NULL)
		ics_text(out, "LOCATION", e->location);
	if (e->description != NULL)
		ics_text(out, "DESCRIPTION", e->description);
	if (e->url != NULL)
		ics_text(out, "URL", e->url);
	buf_addstr(out, e->cancelled ? "STATUS:CANCELLED\r\n" :
	    "STATUS:CONFIRMED\r\n");
	buf_addstr(out, "TRANSP:OPAQUE\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n");
	return out->failed ? -1 : 0;
}
