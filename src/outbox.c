#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "mail.h"
#include "outbox.h"
#include "ref.h"
#include "store.h"
#include "store_outbox.h"
#include "when.h"

/*
 * After a mail was handed over, what became of it must reach the store:
 * it decides whether the mail is ever sent again. So that record has a
 * budget of its own, OUTBOX_RECORD_TRIES writes (each waiting for the
 * lock as long as the store does) with a pause between them.
 */
#define OUTBOX_RECORD_TRIES	3
#define OUTBOX_RECORD_PAUSE_MS	250

/* One runner's pass over the outbox. */
struct outbox_run {
	const struct conf *conf;
	struct store	*store;
	time_t		 now;		/* of the mail being sent */
	char		 now_iso[21];
	char		 claim[REF_TOKEN_LEN + 1];	/* this runner's */
	char		 claim_until[21];
	struct outbox_stats *st;
};

/* The mail being sent, for the hand-over. */
struct outbox_hand {
	const struct outbox_run *run;
	long		 id;
	int		 rc;	/* store_outbox_hand's */
};

enum outbox_record {
	OUTBOX_SENT,		/* the server took it */
	OUTBOX_FAILED,		/* the server does not have it */
	OUTBOX_UNSURE		/* handed over, no answer */
};

/* Seconds to wait after the failure that follows `attempts` failed ones. */
static long
outbox_backoff(int attempts)
{
	long	 wait = OUTBOX_BACKOFF_FIRST;

	while (attempts-- > 0 && wait < OUTBOX_BACKOFF_MAX)
		wait *= 2;
	return wait < OUTBOX_BACKOFF_MAX ? wait : OUTBOX_BACKOFF_MAX;
}

/* Record what became of mail `id`, with the record's own budget; 0 or -1. */
static int
outbox_record(const struct outbox_run *run, long id, enum outbox_record what,
    const char *err, const char *next_try)
{
	static const char *const name[] = { "that it was sent",
	    "the failed attempt", "the missing answer" };
	struct timespec pause = { 0, OUTBOX_RECORD_PAUSE_MS * 1000000L };
	int	 try, rc;

	for (try = 1;; try++) {
		if (what == OUTBOX_SENT)
			rc = store_outbox_sent(run->store, id, run->now_iso);
		else if (what == OUTBOX_FAILED)
			rc = store_outbox_failed(run->store, id, run->claim,
			    err, next_try);
		else
			rc = store_outbox_unsure(run->store, id, err);
		if (rc == STORE_OK)
			return 0;
		fprintf(stderr, "rathaus: outbox mail %ld: cannot record %s"
		    " (try %d of %d): %s\n", id, name[what], try,
		    OUTBOX_RECORD_TRIES, rc == STORE_BUSY ? "the database"
		    " stayed locked" : store_errmsg(run->store));
		if (try == OUTBOX_RECORD_TRIES)
			return -1;
		nanosleep(&pause, NULL);
	}
}

/*
 * The server does not have the mail: again after the back-off, or never
 * (permanent, or the last attempt). Logged either way.
 */
static int
outbox_failed(const struct outbox_run *run, const struct store_outbox_mail *m,
    const char *err, int permanent)
{
	char	 next[21];

	if (!permanent && m->attempts + 1 < OUTBOX_ATTEMPTS_MAX) {
		if (when_iso(run->now + outbox_backoff(m->attempts), next) != 0)
			return -1;
		run->st->failed++;
		fprintf(stderr, "rathaus: outbox mail %ld: attempt %d: %s\n",
		    m->id, m->attempts + 1, err);
		return outbox_record(run, m->id, OUTBOX_FAILED, err, next);
	}
	run->st->given_up++;
	fprintf(stderr, "rathaus: outbox mail %ld: given up after %d "
	    "attempts: %s\n", m->id, m->attempts + 1, err);
	return outbox_record(run, m->id, OUTBOX_FAILED, err, NULL);
}

/*
 * mail_send's hand-over: the server waits for the message. Written
 * before any of it goes out, so that from here on no runner takes the
 * mail again; refused when the claim is no longer ours (it ran out and
 * another runner took the mail) or the write fails.
 */
static int
outbox_hand(void *arg)
{
	struct outbox_hand *h = arg;

	h->rc = store_outbox_hand(h->run->store, h->id, h->run->claim,
	    h->run->now_iso);
	if (h->rc == STORE_OK)
		return 0;
	if (h->rc == STORE_CONFLICT)
		fprintf(stderr, "rathaus: outbox mail %ld: another runner"
		    " took it meanwhile; not sent here\n", h->id);
	else
		fprintf(stderr, "rathaus: outbox mail %ld: cannot record the"
		    " hand-over, not sent now: %s\n", h->id, h->rc ==
		    STORE_BUSY ? "the database stayed locked" :
		    store_errmsg(h->run->store));
	return -1;
}

/* One claimed mail: format, send, record what became of it. */
static int
outbox_send(const struct outbox_run *run, const struct store_outbox_mail *m,
    struct buf *msg)
{
	struct outbox_hand h = { run, m->id, STORE_OK };
	char	 err[256];

	if (mail_format(msg, run->conf, m->recipient, m->subject, m->body,
	    run->now) != 0)
		return outbox_failed(run, m, "cannot be formatted (address"
		    " or text)", 1);
	switch (mail_send(run->conf, m->recipient, buf_str(msg), msg->len,
	    outbox_hand, &h, err, sizeof(err))) {
	case MAIL_SENT:
		run->st->sent++;
		if (outbox_record(run, m->id, OUTBOX_SENT, NULL, NULL) == 0)
			return 0;
		fprintf(stderr, "rathaus: outbox mail %ld: sent, but not"
		    " recorded: it stays handed over and is never sent"
		    " again\n", m->id);
		return -1;
	case MAIL_UNSURE:
		run->st->unconfirmed++;
		fprintf(stderr, "rathaus: outbox mail %ld: handed over, no"
		    " answer (%s): it may have arrived and is not sent"
		    " again\n", m->id, err);
		return outbox_record(run, m->id, OUTBOX_UNSURE, err, NULL);
	case MAIL_NOT_SENT:
		break;
	}
	/* Stopped at the hand-over: logged there; the claim runs out. */
	if (h.rc != STORE_OK)
		return h.rc == STORE_CONFLICT ? 0 : -1;
	return outbox_failed(run, m, err, 0);
}

/*
 * Send the due mails of the outbox, oldest first, one at a time. Each is
 * claimed for this runner (a random token, for twice the timeout plus
 * 10 s) as it is taken, so a second runner skips it; right before the
 * message goes to the server the runner records the hand-over, and only
 * the claim's holder can: a mail is never handed over twice. After the
 * hand-over the server's answer is recorded (sent; refused: tried again;
 * no answer: unconfirmed, never sent again), with a budget of its own.
 * Stops after `max` mails (<= 0: no limit) or once `budget_ms` is spent:
 * it returns within the budget plus one mail's timeout (and the records'
 * budget when the database is locked). A failed one waits 60 s *
 * 2^attempts (at most 6 h) and is given up after OUTBOX_ATTEMPTS_MAX
 * attempts, keeping its error. Every failure is a line on stderr. Mail
 * off (no smtp_url): nothing happens. -1 when the store fails.
 */
int
outbox_flush(const struct conf *c, struct store *s, time_t now, int max,
    long budget_ms, struct outbox_stats *st)
{
	struct outbox_run run = { c, s, now, "", "", "", st };
	struct store_outbox_mail *m;
	struct timespec start;
	struct buf msg;
	size_t	 n;
	long	 elapsed;
	int	 done, rc = 0;

	memset(st, 0, sizeof(*st));
	if (c->smtp_url == NULL || *c->smtp_url == '\0')
		return 0;
	if (clock_gettime(CLOCK_MONOTONIC, &start) != 0 ||
	    ref_token(run.claim) != 0) {
		fputs("rathaus: outbox: no clock or no random token: nothing"
		    " sent\n", stderr);
		return -1;
	}
	buf_init(&msg, MAIL_MAX);
	for (done = 0; rc == 0 && (max <= 0 || done < max); done++) {
		if ((elapsed = when_elapsed_ms(&start)) >= budget_ms)
			break;
		/* A run may last minutes: each mail's claim from its own time,
		 * else the later ones would be claimed already expired. */
		run.now = now + elapsed / 1000;
		if (when_iso(run.now, run.now_iso) != 0 || when_iso(run.now +
		    2 * c->mail_timeout_s + 10, run.claim_until) != 0) {
			rc = -1;
			break;
		}
		if (store_outbox_due(s, run.now_iso, run.claim,
		    run.claim_until, 1, &m, &n) != STORE_OK) {
			fprintf(stderr, "rathaus: outbox: %s\n",
			    store_errmsg(s));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		rc = outbox_send(&run, m, &msg);
		store_outbox_free(m, n);
	}
	buf_free(&msg);
	return rc;
}
