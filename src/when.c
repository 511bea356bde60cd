#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "when.h"

static int
when_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
when_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && when_leap(y) ? 29 : days[m - 1];
}

/*
 * Make `tz` the time zone of local times (localtime_r, mktime). It is the
 * process's (TZ), set by each request to its configuration's before any
 * date is read; setenv only when it changes, so that a persistent program
 * does not grow the environment request by request. 0, or -1.
 */
int
when_set_zone(const char *tz)
{
	static char current[256];	/* what this process set last */

	if (strlen(tz) >= sizeof(current))
		return -1;
	if (strcmp(current, tz) != 0) {
		if (setenv("TZ", tz, 1) != 0)
			return -1;
		memcpy(current, tz, strlen(tz) + 1);
	}
	tzset();
	return 0;
}

/*
 * Now, in seconds, from the clock SQLite's 'now' reads (CLOCK_REALTIME).
 * Not time(): glibc's reads the kernel's coarse clock, which lags it by
 * up to a tick, so just after a second begins a mail the store queued
 * "now" could seem due only a second later, and the send after the
 * response would leave it to the next `rathaus outbox`.
 */
time_t
when_time(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return time(NULL);
	return ts.tv_sec;
}

int
when_today(struct when_date *d)
{
	time_t	 t = when_time();
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	d->y = tm.tm_year + 1900;
	d->m = tm.tm_mon + 1;
	d->d = tm.tm_mday;
	return 0;
}

/* A time as UTC, 2026-04-01T10:00:00Z (the store's time stamps). */
int
when_iso(time_t t, char out[21])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return -1;
	return 0;
}

/* Current UTC time as 2026-04-01T10:00:00Z. */
int
when_now_iso(char out[21])
{
	return when_iso(when_time(), out);
}

/* The UTC time `seconds` before now, as when_now_iso writes it. */
int
when_ago_iso(long seconds, char out[21])
{
	return when_iso(when_time() - (time_t)seconds, out);
}

/* Milliseconds since `since` (CLOCK_MONOTONIC); LONG_MAX if unknown. */
long
when_elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return LONG_MAX;
	return (long)(now.tv_sec - since->tv_sec) * 1000 +
	    (now.tv_nsec - since->tv_nsec) / 1000000;
}

static int
when_digits(const char *s, size_t n)
{
	return strspn(s, "0123456789") >= n;
}

/* Strict YYYY-MM-DD, a real calendar day, years 1000 to 9999. */
int
when_parse_date(const char *s, struct when_date *d)
{
	if (strlen(s) != 10 || !when_digits(s, 4) || s[4] != '-' ||
	    !when_digits(s + 5, 2) || s[7] != '-' || !when_digits(s + 8, 2))
		return -1;
	d->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	d->m = (s[5] - '0') * 10 + (s[6] - '0');
	d->d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d->y < 1000 || d->m < 1 || d->m > 12 || d->d < 1 ||
	    d->d > when_month_days(d->y, d->m))
		return -1;
	return 0;
}

/* Strict HH:MM (24 h), as browsers send from <input type=time>. */
int
when_parse_time(const char *s, int *minutes)
{
	int	 h, m;

	if (strlen(s) != 5 || !when_digits(s, 2) || s[2] != ':' ||
	    !when_digits(s + 3, 2))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
long
when_days(const struct when_date *d)
{
	long	 y = d->y - (d->m <= 2);
	long	 era = (y >= 0 ? y : y - 399) / 400;
	long	 yoe = y - era * 400;
	long	 doy = (153 * (d->m + (d->m > 2 ? -3 : 9)) + 2) / 5 + d->d - 1;
	long	 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
when_from_days(long z, struct when_date *d)
{
	long	 era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->m = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->y = (int)(y + (d->m <= 2));
}

/* Easter Sunday, Gregorian calendar (anonymous Gregorian algorithm). */
void
when_easter(int year, struct when_date *d)
{
	int	 a = year % 19, b = year / 100, c = year % 100;
	int	 e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int	 h = (19 * a + b - b / 4 - g + 15) % 30;
	int	 i = c / 4, k = c % 4;
	int	 l = (32 + 2 * e + 2 * i - h - k) % 7;
	int	 m = (a + 11 * h + 22 * l) / 451;

	d->y = year;
	d->m = (h + l - 7 * m + 114) / 31;
	d->d = (h + l - 7 * m + 114) % 31 + 1;
}

int
when_cmp(const struct when_date *a, const struct when_date *b)
{
	long	 x = when_days(a), y = when_days(b);

	return x < y ? -1 : x > y;
}

void
when_format(const struct when_date *d, char out[11])
{
	/* Fields are in range by construction; the masks tell the compiler. */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->y % 10000u,
	    (unsigned)d->m % 13u, (unsigned)d->d % 32u);
}

/*
 * One term: YYYY-MM-DD, or an anchor with an optional day offset:
 * today, today+4d, easter-1d. "easter" is Easter Sunday of the year of the
 * date being checked, so one definition serves every year.
 */
static int
when_term(const char *t, size_t n, int value_year,
    const struct when_date *today, struct when_date *out)
{
	char	 term[32], num[16];
	const char *rest;
	struct when_date anchor;
	long	 off = 0;
	size_t	 numlen;

	if (n == 0 || n >= sizeof(term))
		return -1;
	memcpy(term, t, n);
	term[n] = '\0';
	if (when_parse_date(term, out) == 0)
		return 0;
	if (strncmp(term, "today", 5) == 0) {
		anchor = *today;
		rest = term + 5;
	} else if (strncmp(term, "easter", 6) == 0) {
		when_easter(value_year, &anchor);
		rest = term + 6;
	} else
		return -1;
	if (*rest != '\0') {
		if ((rest[0] != '+' && rest[0] != '-') ||
		    (numlen = strlen(rest)) < 3 || rest[numlen - 1] != 'd' ||
		    numlen - 2 >= sizeof(num))
			return -1;
		memcpy(num, rest + 1, numlen - 2);
		num[numlen - 2] = '\0';
		if (text_to_long(num, 0, 3660, &off) == -1 || num[0] == '-')
			return -1;
		if (rest[0] == '-')
			off = -off;
	}
	when_from_days(when_days(&anchor) + off, out);
	return 0;
}

/*
 * A space-separated list of terms that must all hold: for a minimum the
 * latest term is the effective bound, for a maximum the earliest.
 */
int
when_bound(const char *expr, enum when_bound_kind kind, int value_year,
    const struct when_date *today, struct when_date *out)
{
	const char *p = expr;
	struct when_date d;
	size_t	 n;
	int	 found = 0;

	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (when_term(p, n, value_year, today, &d) == -1)
			return -1;
		if (!found || (kind == WHEN_MIN ? when_cmp(&d, out) > 0 :
		    when_cmp(&d, out) < 0))
			*out = d;
		found = 1;
		p += n;
	}
	return found ? 0 : -1;
}

int
when_bound_valid(const char *expr)
{
	struct when_date today = { 2026, 1, 1 }, d;

	return when_bound(expr, WHEN_MIN, 2026, &today, &d) == 0;
}

/*
 * 2026-04-01T10:00:00Z (as stored) to the municipality's local time with
 * its offset, 2026-04-01T12:00:00+02:00, which is what citizens read.
 */
int
when_local_iso(const char *utc, char out[WHEN_ISO_MAX])
{
	struct when_date d;
	struct tm tm;
	time_t	 t;
	char	 date[11], zone[8];
	int	 h, m, sec;

	if (strlen(utc) != 20 || utc[10] != 'T' || utc[19] != 'Z' ||
	    utc[16] != ':' || !when_digits(utc + 17, 2))
		return -1;
	memcpy(date, utc, 10);
	date[10] = '\0';
	if (when_parse_date(date, &d) == -1)
		return -1;
	memcpy(zone, utc + 11, 5);
	zone[5] = '\0';
	if (when_parse_time(zone, &h) == -1)
		return -1;
	sec = (utc[17] - '0') * 10 + (utc[18] - '0');
	m = h % 60;
	h /= 60;
	t = (time_t)when_days(&d) * 86400 + h * 3600 + m * 60 + sec;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, WHEN_ISO_MAX, "%Y-%m-%dT%H:%M:%S", &tm) != 19 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5)
		return -1;
	/* +0200 -> +02:00 (RFC 3339) */
	snprintf(out + 19, WHEN_ISO_MAX - 19, "%.3s:%.2s", zone, zone + 3);
	return 0;
}
