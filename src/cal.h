/*
 * cal: appointment calendars, one file per counter or office
 * (<site_dir>/calendars/<id>.xml, docs/calendars.md): opening hours,
 * breaks, booking lengths, places per slot, closed days and Lower
 * Saxony's public holidays; and from them, given what is already taken,
 * the free slots of a day. Times are local wall-clock times of the town,
 * in minutes since midnight: a day's slots do not move with the clock
 * change, so no time zone is needed here.
 */
#ifndef RATHAUS_CAL_H
#define RATHAUS_CAL_H

#include <stddef.h>
#include <libxml/tree.h>

#include "form.h"	/* struct form_diag */
#include "when.h"

#define CAL_DAY_SLOTS_MAX 288		/* 24 h on a 5-minute grid */
#define CAL_SLOT_LEN	17		/* "YYYY-MM-DDTHH:MM" and NUL */

/* days: bit 0 Monday .. bit 6 Sunday; minutes since midnight */
struct cal_range {
	unsigned	 days;
	int		 from, to, places;
};

struct cal_closed {
	long		 from, to;	/* when_days(), inclusive */
};

struct cal_length {
	const char	*service;
	int		 minutes;
};

struct cal {
	xmlDocPtr	 doc;	/* titles and locations are read from it by XSLT */
	const char	*id;
	int		 grid, places, earliest, horizon, holidays;
	struct cal_range *hours;	/* sorted by from */
	size_t		 nhours;
	struct cal_range *breaks;
	size_t		 nbreaks;
	struct cal_closed *closed;
	size_t		 nclosed;
	struct cal_length *lengths;
	size_t		 nlengths;
};

/*
 * What is already taken on one day: a booking takes one place of each
 * grid cell it overlaps; a clerk's block (all != 0) takes every place.
 */
struct cal_taken {
	int		 from, to, all;	/* minutes since midnight, to exclusive */
};

struct cal_slot {
	int		 start, free;	/* minutes; free places (0: full) */
};

/* Parse and check (schema `rng`, then what it cannot say): 0, or -1
 * with the problems in diag ("file:line: message"); the cal is then
 * empty, and cal_free on it harmless. */
int	 cal_load(const char *path, const char *rng, struct cal *,
	    struct form_diag *);
void	 cal_free(struct cal *);
/* <site_dir>/calendars/<id>.xml against <share_dir>/data/calendar.rng;
 * the id checked first (cal_id_valid). */
int	 cal_load_id(const char *site_dir, const char *share_dir,
	    const char *id, struct cal *, struct form_diag *);
int	 cal_id_valid(const char *);	/* [A-Za-z0-9-]{1,64}: 1 or 0 */
int	 cal_holiday(const struct when_date *);	/* 1: a public holiday in NI */
int	 cal_weekday(const struct when_date *);	/* 0 Monday .. 6 Sunday */
int	 cal_minutes(const struct cal *, const char *service);
int	 cal_held(const struct cal *, int minutes);	/* up to the grid */
/* Whether day d can be booked at all given today (earliest..horizon,
 * not closed, not a holiday when holidays, has hours that weekday). */
int	 cal_bookable_day(const struct cal *, const struct when_date *d,
	    const struct when_date *today);
/* Every start on day d for a booking of `minutes` whose held length lies
 * inside one opening range and clear of the breaks, in time order, each
 * with its free places (0: full) given what is taken; starts before
 * `after` (-1: none) left out. How many were written, at most max. */
size_t	 cal_day_slots(const struct cal *, const struct when_date *d,
	    int minutes, const struct cal_taken *, size_t ntaken, int after,
	    struct cal_slot *out, size_t max);
/* Now as the town's wall clock (the process's zone), YYYY-MM-DDTHH:MM. */
void	 cal_now(char out[CAL_SLOT_LEN]);
/* "YYYY-MM-DDTHH:MM" <-> date and minute: parse 0 or -1; a minute of
 * 1440 or more is written on the following day. */
int	 cal_parse_slot(const char *, struct when_date *, int *minute);
void	 cal_format_slot(const struct when_date *, int minute,
	    char out[CAL_SLOT_LEN]);
/* 1 if `v` is a start cal_day_slots offers on a bookable day with a free
 * place (today: only after now_minute), else 0. */
int	 cal_slot_free(const struct cal *, const char *v, int minutes,
	    const struct when_date *today, int now_minute,
	    const struct cal_taken *, size_t ntaken);

#endif
