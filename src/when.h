/*
 * when: calendar dates and times of day for form rules. "today" is the
 * local date in the municipality's time zone (TZ is set from the
 * configuration once at start).
 */
#ifndef RATHAUS_WHEN_H
#define RATHAUS_WHEN_H

#include <stddef.h>
#include <time.h>

struct when_date {
	int	 y, m, d;
};

enum when_bound_kind {
	WHEN_MIN,	/* the latest of all terms applies */
	WHEN_MAX	/* the earliest of all terms applies */
};

int	 when_set_zone(const char *tz);
int	 when_today(struct when_date *);
int	 when_parse_date(const char *, struct when_date *);
int	 when_parse_time(const char *, int *minutes);
long	 when_days(const struct when_date *);
void	 when_from_days(long, struct when_date *);
void	 when_easter(int year, struct when_date *);
int	 when_cmp(const struct when_date *, const struct when_date *);
void	 when_format(const struct when_date *, char out[11]);
int	 when_bound(const char *expr, enum when_bound_kind, int value_year,
	    const struct when_date *today, struct when_date *out);
int	 when_bound_valid(const char *expr);
#define WHEN_ISO_MAX	26	/* 2026-04-01T12:00:00+02:00 and NUL */

int	 when_iso(time_t, char out[21]);
int	 when_now_iso(char out[21]);
/* Now in seconds, as SQLite's 'now' reads it (not time()'s coarse clock). */
time_t	 when_time(void);
int	 when_ago_iso(long seconds, char out[21]);
int	 when_local_iso(const char *utc, char out[WHEN_ISO_MAX]);
long	 when_elapsed_ms(const struct timespec *since);

#endif
