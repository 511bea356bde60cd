/*
 * store_pay: payments of submissions. A payment is one attempt by one
 * method (paypal, transfer, counter); its history is in payment_event,
 * where (source, event_id) makes a report from a provider or a bank
 * statement count once, however often it comes. submission.payment is
 * what the pages show: none, awaiting, paid, refunded.
 */
#ifndef RATHAUS_STORE_PAY_H
#define RATHAUS_STORE_PAY_H

#include "store.h"

#define STORE_PAY_FIELD_MAX	128

struct store_payment {
	long		 id;
	char		 ref[REF_MAX];		/* the submission's */
	char		 method[16];
	char		 state[16];	/* started, completed, failed, cancelled, refunded */
	long		 amount_cents;
	char		 provider_ref[STORE_PAY_FIELD_MAX];
	char		 request_id[STORE_PAY_FIELD_MAX];
	char		 capture_ref[STORE_PAY_FIELD_MAX];	/* money taken */
	char		 updated[STORE_TIME_MAX];
};

struct store_payment_event {
	char		 method[16];
	char		 state[16];
	char		 at[STORE_TIME_MAX];
	char		 source[32];
};

int	 store_payment_start(struct store *, const char *ref, const char *method,
	    long amount_cents, const char *request_id, const char *now,
	    struct store_payment *);
int	 store_payment_set_ref(struct store *, long id, const char *provider_ref,
	    const char *capture_ref, const char *now);
int	 store_payment_find(struct store *, const char *method,
	    const char *provider_ref, struct store_payment *);
int	 store_payment_paid(struct store *, const char *ref,
	    struct store_payment *);
int	 store_payment_update(struct store *, long id, const char *state,
	    const char *source, const char *event_id, const char *actor,
	    const char *now, int *duplicate);
int	 store_payment_received(struct store *, const char *ref,
	    const char *method, long amount_cents, const char *source,
	    const char *event_id, const char *actor, const char *now,
	    int *duplicate);
int	 store_payment_state(struct store *, const char *ref, char *state,
	    size_t size, long *fee_cents);
int	 store_payment_history(struct store *, const char *ref,
	    struct store_payment_event **, size_t *);
int	 store_payment_recorded(struct store *, const char *source,
	    const char *event_id, char ref[REF_MAX]);

#endif
