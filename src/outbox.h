/*
 * outbox: sends the mails waiting in the store's outbox (store_outbox_*)
 * through the transport (mail_format, mail_send): claims, back-off,
 * giving up. The mails themselves are queued by store_queue_mail in the
 * transaction of the change that causes them.
 */
#ifndef RATHAUS_OUTBOX_H
#define RATHAUS_OUTBOX_H

#include <time.h>

struct conf;
struct store;

#define OUTBOX_ATTEMPTS_MAX	10	/* failed attempts before giving up */
#define OUTBOX_BACKOFF_FIRST	60	/* seconds after the first failure */
#define OUTBOX_BACKOFF_MAX	(6 * 3600)

struct outbox_stats {
	int	 sent;		/* handed over to the SMTP server */
	int	 failed;	/* failed, to be tried again later */
	int	 given_up;	/* failed for the last time (or malformed) */
};

int	 outbox_flush(const struct conf *, struct store *, time_t now, int max,
	    long budget_ms, struct outbox_stats *);

#endif
