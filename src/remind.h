/*
 * remind: the mails that remind citizens of their appointments, queued by
 * `rathaus outbox` (cron) from 18:00 local time the evening before: once
 * per booking (the booking marks it in the transaction that queues the
 * mail), only while the booking stands, only to an address the citizen
 * gave. Late runs catch up until the appointment begins. Like every
 * mail, a reminder holds no answer: the service, the reference and the
 * links to the status page and the calendar file.
 */
#ifndef RATHAUS_REMIND_H
#define RATHAUS_REMIND_H

#include "cal.h"
#include "conf.h"

struct store;

/* Hour of the evening before from which a reminder is due. */
#define REMIND_HOUR	18

int	 remind_queue(const struct conf *, struct store *,
	    const char now[CAL_SLOT_LEN], long *queued);

#endif
