/* Placeholder until the payment store lands (branch pay): nothing paid. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_pay.h"

int
store_payment_start(struct store *s, const char *ref, const char *method,
    long amount_cents, const char *request_id, const char *now,
    struct store_payment *p)
{
	(void)s; (void)ref; (void)method; (void)amount_cents; (void)request_id;
	(void)now; (void)p;
	return STORE_ERROR;
}

int
store_payment_received(struct store *s, const char *ref, const char *method,
    long amount_cents, const char *source, const char *event_id,
    const char *actor, const char *now, int *duplicate)
{
	(void)s; (void)ref; (void)method; (void)amount_cents; (void)source;
	(void)event_id; (void)actor; (void)now; (void)duplicate;
	return STORE_ERROR;
}

int
store_payment_state(struct store *s, const char *ref, char *state,
    size_t size, long *fee_cents)
{
	(void)s; (void)ref; (void)fee_cents;
	snprintf(state, size, "none");
	return STORE_OK;
}

int
store_payment_history(struct store *s, const char *ref,
    struct store_payment_event **ev, size_t *n)
{
	(void)s; (void)ref;
	*ev = NULL;
	*n = 0;
	return STORE_OK;
}
