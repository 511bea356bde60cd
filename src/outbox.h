/*
 * outbox: sends the mails waiting in the store's outbox (store_outbox_*)
 * through the transport (mail_format, mail_send): claims, the hand-over,
 * back-off, giving up. The mails themselves are queued by
 * store_queue_mail in the transaction of the change that causes them.
 *
 * What is guaranteed: a mail the server took is never sent again, even
 * when recording that fails or the runner dies right after (it was
 * recorded as handed over before its message went out). A runner that
 * dies before the hand-over leaves a claim that runs out: the server got
 * nothing it could deliver, and the mail is sent later, once. A runner
 * that dies (or gets no answer) after the hand-over leaves the mail
 * "unconfirmed": it is not sent again, so it arrived once or not at all.
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
	int	 sent;		/* taken by the SMTP server */
	int	 failed;	/* failed, to be tried again later */
	int	 given_up;	/* failed for the last time (or malformed) */
	int	 unconfirmed;	/* handed over, no answer: never again */
};

int	 outbox_flush(const struct conf *, struct store *, time_t now, int max,
	    long budget_ms, struct outbox_stats *);

#endif
