/*
 * ics: one appointment as an iCalendar file (RFC 5545), for the
 * citizen's calendar program. Times are the town's local wall clock;
 * Europe/Berlin's are written with their TZID and the VTIMEZONE that
 * defines it (the rules of the EU's summer time since 1996), any other
 * zone's converted to UTC through the process's zone (when_set_zone).
 */
#ifndef RATHAUS_ICS_H
#define RATHAUS_ICS_H

#include <time.h>

#include "buf.h"

struct ics_event {
	const char	*uid;		/* unique for ever: ref@host */
	const char	*start;		/* YYYY-MM-DDTHH:MM, local */
	const char	*end;
	const char	*zone;		/* the town's, "Europe/Berlin" */
	const char	*summary;	/* UTF-8, any length */
	const char	*location;	/* or NULL */
	const char	*description;	/* or NULL; lines apart by \n */
	const char	*url;		/* the status page, or NULL */
	time_t		 stamp;		/* when the file was made */
	int		 cancelled;	/* STATUS:CANCELLED */
	long		 sequence;	/* grows with each version of the
					 * same UID (moved, cancelled), so
					 * calendars replace what they have */
};

int	 ics_event(struct buf *, const struct ics_event *);

#endif
