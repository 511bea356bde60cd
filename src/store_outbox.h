/*
 * store_outbox: the mails waiting to be sent (table outbox, schemas 4
 * and 8). Mails are queued by store_queue_mail inside the transaction of
 * the change that causes them; outbox_flush takes the due ones from here.
 * Time stamps are ISO 8601 UTC ("2026-04-01T10:00:00Z"), compared as text.
 *
 * A mail's way: due (next_try reached) -> claimed by one runner (claim,
 * next_try moved to the claim's end) -> handed over (handed: the runner
 * is about to send the message's end) -> sent. A failure before the
 * hand-over, or one the server answered, makes it due again later or
 * gives it up; a hand-over without an answer stays "unconfirmed" and is
 * never sent again.
 */
#ifndef RATHAUS_STORE_OUTBOX_H
#define RATHAUS_STORE_OUTBOX_H

#include <stddef.h>

struct store;

/* next_try of a mail given up: later than any real time stamp. */
#define STORE_OUTBOX_NEVER	"9999-12-31T23:59:59Z"

struct store_outbox_mail {
	long		 id;
	char		*recipient;
	char		*subject;
	char		*body;
	int		 attempts;	/* failed ones so far */
};

/* Not sent: still to be tried, given up, handed over without an answer. */
struct store_outbox_counts {
	long		 pending;
	long		 given_up;
	long		 unconfirmed;
};

int	 store_outbox_due(struct store *, const char *now, const char *claim,
	    const char *claim_until, size_t limit,
	    struct store_outbox_mail **out, size_t *nout);
void	 store_outbox_free(struct store_outbox_mail *, size_t n);
int	 store_outbox_hand(struct store *, long id, const char *claim,
	    const char *at);
int	 store_outbox_sent(struct store *, long id, const char *at);
int	 store_outbox_failed(struct store *, long id, const char *claim,
	    const char *error, const char *next_try);
int	 store_outbox_unsure(struct store *, long id, const char *error);
int	 store_outbox_counts(struct store *, struct store_outbox_counts *);
int	 store_outbox_expire(struct store *, const char *before,
	    long *deleted);

#endif
