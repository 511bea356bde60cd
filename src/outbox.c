#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "mail.h"
#include "outbox.h"
#include "store.h"
#include "store_outbox.h"
#include "when.h"

static long
outbox_elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return LONG_MAX;
	return (long)(now.tv_sec - since->tv_sec) * 1000 +
	    (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Seconds to wait after the failure that follows `attempts` failed ones. */
static long
outbox_backoff(int attempts)
{
	long	 wait = OUTBOX_BACKOFF_FIRST;

	while (attempts-- > 0 && wait < OUTBOX_BACKOFF_MAX)
		wait *= 2;
	return wait < OUTBOX_BACKOFF_MAX ? wait : OUTBOX_BACKOFF_MAX;
}

/* Record a failed attempt: again after the back-off, or never. */
static int
outbox_failed(struct store *s, const struct store_outbox_mail *m,
    const char *err, time_t now, int permanent, struct outbox_stats *st)
{
	char	 next[21];

	if (!permanent && m->attempts + 1 < OUTBOX_ATTEMPTS_MAX) {
		if (when_iso(now + outbox_backoff(m->attempts), next) != 0)
			return -1;
		st->failed++;
		fprintf(stderr, "rathaus: outbox mail %ld: attempt %d: %s\n",
		    m->id, m->attempts + 1, err);
		return store_outbox_failed(s, m->id, err, next) == STORE_OK ?
		    0 : -1;
	}
	st->given_up++;
	fprintf(stderr, "rathaus: outbox mail %ld: given up after %d "
	    "attempts: %s\n", m->id, m->attempts + 1, err);
	return store_outbox_failed(s, m->id, err, NULL) == STORE_OK ? 0 : -1;
}

/*
 * Send the due mails of the outbox, oldest first, one at a time: each is
 * claimed (for twice the timeout) as it is taken, so a second runner
 * skips it. Stops after `max` mails (<= 0: no limit) or once `budget_ms`
 * is spent: it returns within the budget plus one mail's timeout. A sent
 * mail is marked sent; a failed one waits 60 s * 2^attempts (at most 6 h)
 * and is given up after OUTBOX_ATTEMPTS_MAX attempts, keeping its error.
 * Mail off (no smtp_url): nothing happens. -1 when the store fails.
 */
int
outbox_flush(const struct conf *c, struct store *s, time_t now, int max,
    long budget_ms, struct outbox_stats *st)
{
	struct store_outbox_mail *m;
	struct timespec start;
	struct buf msg;
	char	 now_iso[21], claim[21], err[256];
	size_t	 n;
	int	 done, rc = 0;

	memset(st, 0, sizeof(*st));
	if (c->smtp_url == NULL || *c->smtp_url == '\0')
		return 0;
	if (clock_gettime(CLOCK_MONOTONIC, &start) != 0 ||
	    when_iso(now, now_iso) != 0 ||
	    when_iso(now + 2 * c->mail_timeout_s + 10, claim) != 0)
		return -1;
	buf_init(&msg, MAIL_MAX);
	for (done = 0; rc == 0 && (max <= 0 || done < max); done++) {
		if (outbox_elapsed_ms(&start) >= budget_ms)
			break;
		if (store_outbox_due(s, now_iso, claim, 1, &m, &n) !=
		    STORE_OK) {
			fprintf(stderr, "rathaus: outbox: %s\n",
			    store_errmsg(s));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		if (mail_format(&msg, c, m->recipient, m->subject, m->body,
		    now) != 0)
			rc = outbox_failed(s, m, "cannot be formatted (address"
			    " or text)", now, 1, st);
		else if (mail_send(c, m->recipient, buf_str(&msg), msg.len,
		    err, sizeof(err)) != 0)
			rc = outbox_failed(s, m, err, now, 0, st);
		else if (store_outbox_sent(s, m->id, now_iso) != STORE_OK)
			rc = -1;
		else
			st->sent++;
		store_outbox_free(m, n);
	}
	buf_free(&msg);
	return rc;
}
