#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "store_pay.h"
#include "testdb.h"
#include "testpay.h"
#include "tmpdir.h"

#define NOW	"2026-03-02T10:00:00Z"
#define LATER	"2026-03-02T10:05:00Z"

struct fixture {
	char	 dir[TMPDIR_MAX];
	struct store *s;
	char	 ref[REF_MAX];		/* 12,50 EUR to pay */
	char	 free_ref[REF_MAX];	/* nothing to pay */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (testdb_create(f->dir, "pay", &f->s) != 0 ||
	    testpay_submit(f->s, 1250, f->ref) != 0 ||
	    testpay_submit(f->s, 0, f->free_ref) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
assert_payment(struct fixture *f, const char *ref, const char *want)
{
	char	 state[16];
	long	 fee;

	assert_int_equal(store_payment_state(f->s, ref, state, sizeof(state),
	    &fee), STORE_OK);
	assert_string_equal(state, want);
}

static long
count(struct fixture *f, const char *sql)
{
	return testdb_long(f->dir, sql);
}

static void
test_pay_fee_awaits(void **state)
{
	struct fixture *f = *state;
	char	 st[16];
	long	 fee = 0;

	assert_int_equal(store_payment_state(f->s, f->ref, st, sizeof(st),
	    &fee), STORE_OK);
	assert_string_equal(st, "awaiting");
	assert_int_equal(fee, 1250);
	assert_payment(f, f->free_ref, "none");
	assert_int_equal(store_payment_state(f->s, "2026-999999-0", st,
	    sizeof(st), &fee), STORE_NOTFOUND);
}

static void
test_pay_retry_reuses_started(void **state)
{
	struct fixture *f = *state;
	struct store_payment a, b, found;

	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-1", NOW, &a), STORE_OK);
	assert_true(a.id > 0);
	assert_string_equal(a.state, "started");
	assert_string_equal(a.request_id, "req-1");
	assert_string_equal(a.ref, f->ref);
	assert_int_equal(a.amount_cents, 1250);
	/* The retry brings a new request id: the old one is kept. */
	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-2", LATER, &b), STORE_OK);
	assert_int_equal(b.id, a.id);
	assert_string_equal(b.request_id, "req-1");
	assert_int_equal(count(f, "SELECT count(*) FROM payment"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM payment_event"
	    " WHERE state = 'started' AND source = 'portal'"), 1);

	assert_int_equal(store_payment_set_ref(f->s, a.id, "ORDER-9", NULL, LATER),
	    STORE_OK);
	assert_int_equal(store_payment_find(f->s, "paypal", "ORDER-9",
	    &found), STORE_OK);
	assert_int_equal(found.id, a.id);
	assert_string_equal(found.ref, f->ref);
	assert_string_equal(found.provider_ref, "ORDER-9");
	assert_int_equal(store_payment_find(f->s, "paypal", "ORDER-0",
	    &found), STORE_NOTFOUND);
	assert_int_equal(store_payment_set_ref(f->s, a.id + 100, "X", NULL, LATER),
	    STORE_NOTFOUND);
}

static void
test_pay_unknown_ref(void **state)
{
	struct fixture *f = *state;
	struct store_payment p;
	int	 dup = -1;

	assert_int_equal(store_payment_start(f->s, "2026-999999-0", "paypal",
	    1250, "req-x", NOW, &p), STORE_NOTFOUND);
	assert_int_equal(store_payment_received(f->s, "2026-999999-0",
	    "transfer", 1250, "statement", "E1", "rathaus camt", NOW, &dup),
	    STORE_NOTFOUND);
	assert_int_equal(dup, 0);
	/* Nothing to pay: nothing to start. */
	assert_int_equal(store_payment_start(f->s, f->free_ref, "paypal", 0,
	    "req-y", NOW, &p), STORE_CONFLICT);
	assert_int_equal(count(f, "SELECT count(*) FROM payment"), 0);
}

static void
test_pay_completed_once(void **state)
{
	struct fixture *f = *state;
	struct store_payment p, again;
	struct store_payment_event *ev;
	size_t	 n;
	int	 dup = -1;

	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-1", NOW, &p), STORE_OK);
	assert_int_equal(store_payment_update(f->s, p.id, "completed",
	    "paypal-webhook", "WH-1", NULL, LATER, &dup), STORE_OK);
	assert_int_equal(dup, 0);
	assert_payment(f, f->ref, "paid");
	/* The same report again: nothing changes. */
	assert_int_equal(store_payment_update(f->s, p.id, "completed",
	    "paypal-webhook", "WH-1", NULL, LATER, &dup), STORE_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM payment_event"), 2);
	/* A completed attempt is no longer reused: a new one may start
	 * only while the submission awaits payment, and it does not. */
	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-2", LATER, &again), STORE_CONFLICT);

	assert_int_equal(store_payment_history(f->s, f->ref, &ev, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].state, "started");
	assert_string_equal(ev[0].source, "portal");
	assert_string_equal(ev[0].method, "paypal");
	assert_string_equal(ev[1].state, "completed");
	assert_string_equal(ev[1].at, LATER);
	free(ev);
}

static void
test_pay_late_failure_does_not_unpay(void **state)
{
	struct fixture *f = *state;
	struct store_payment p;
	int	 dup;

	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-1", NOW, &p), STORE_OK);
	assert_int_equal(store_payment_update(f->s, p.id, "completed",
	    "paypal-webhook", "WH-1", NULL, NOW, &dup), STORE_OK);
	assert_int_equal(store_payment_update(f->s, p.id, "failed",
	    "paypal-webhook", "WH-0", NULL, LATER, &dup), STORE_OK);
	assert_int_equal(dup, 0);
	assert_payment(f, f->ref, "paid");
	assert_int_equal(store_payment_find(f->s, "paypal", "none", &p),
	    STORE_NOTFOUND);
	assert_int_equal(count(f, "SELECT count(*) FROM payment"
	    " WHERE state = 'completed'"), 1);
	/* Kept as an event, marked as not applied. */
	assert_int_equal(count(f, "SELECT count(*) FROM payment_event"
	    " WHERE state = 'failed' AND detail = 'ignored'"), 1);

	/* A refund moves on; a stale 'completed' after it does not. */
	assert_int_equal(store_payment_update(f->s, 1, "refunded",
	    "paypal-webhook", "WH-2", "clerk", LATER, &dup), STORE_OK);
	assert_payment(f, f->ref, "refunded");
	assert_int_equal(store_payment_update(f->s, 1, "completed",
	    "paypal-webhook", "WH-3", NULL, LATER, &dup), STORE_OK);
	assert_payment(f, f->ref, "refunded");
}

static void
test_pay_failure_keeps_awaiting(void **state)
{
	struct fixture *f = *state;
	struct store_payment p, q;
	int	 dup;

	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-1", NOW, &p), STORE_OK);
	assert_int_equal(store_payment_update(f->s, p.id, "cancelled",
	    "portal", NULL, NULL, LATER, &dup), STORE_OK);
	assert_payment(f, f->ref, "awaiting");
	/* No attempt is started any more: the next one is new. */
	assert_int_equal(store_payment_start(f->s, f->ref, "paypal", 1250,
	    "req-2", LATER, &q), STORE_OK);
	assert_true(q.id != p.id);
	assert_string_equal(q.request_id, "req-2");
	assert_int_equal(store_payment_update(f->s, p.id, "paid",
	    "portal", NULL, NULL, LATER, &dup), STORE_ERROR);
}

static void
test_pay_received_by_statement_once(void **state)
{
	struct fixture *f = *state;
	char	 ref[REF_MAX];
	int	 dup = -1;

	assert_int_equal(store_payment_recorded(f->s, "statement", "E-17",
	    ref), STORE_NOTFOUND);
	assert_int_equal(store_payment_received(f->s, f->ref, "transfer",
	    1250, "statement", "E-17", "rathaus camt", NOW, &dup), STORE_OK);
	assert_int_equal(dup, 0);
	assert_payment(f, f->ref, "paid");
	assert_int_equal(store_payment_received(f->s, f->ref, "transfer",
	    1250, "statement", "E-17", "rathaus camt", LATER, &dup), STORE_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM payment"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM payment_event"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM payment WHERE"
	    " state = 'completed' AND method = 'transfer' AND"
	    " amount_cents = 1250 AND request_id = 'statement:E-17'"), 1);
	assert_int_equal(store_payment_recorded(f->s, "statement", "E-17",
	    ref), STORE_OK);
	assert_string_equal(ref, f->ref);
	/* The same entry for another submission: never two payments. */
	assert_int_equal(store_payment_received(f->s, f->free_ref, "transfer",
	    1250, "statement", "E-17", "rathaus camt", LATER, &dup),
	    STORE_CONFLICT);
	assert_int_equal(dup, 0);
	assert_payment(f, f->free_ref, "none");
}

static void
test_pay_received_audit(void **state)
{
	struct fixture *f = *state;
	struct buf sql;
	int	 dup;

	assert_int_equal(store_payment_received(f->s, f->ref, "counter",
	    1250, "clerk", NULL, "m.muster", NOW, &dup), STORE_OK);
	assert_int_equal(dup, 0);
	/* Without an event id: a request id of 128 random bits. */
	assert_int_equal(count(f, "SELECT count(*) FROM payment WHERE"
	    " length(request_id) = 38 AND request_id LIKE 'clerk:%'"), 1);
	buf_init(&sql, 1024);
	buf_printf(&sql, "SELECT count(*) FROM audit WHERE actor = 'm.muster'"
	    " AND action = 'payment' AND ref = '%s' AND before = 'awaiting'"
	    " AND after = 'paid' AND detail = 'counter 12.50' AND at = '%s'",
	    f->ref, NOW);
	assert_int_equal(count(f, buf_str(&sql)), 1);
	buf_free(&sql);
	assert_int_equal(store_payment_received(f->s, f->ref, "cash",
	    1250, "clerk", NULL, "m.muster", NOW, &dup), STORE_ERROR);
	assert_int_equal(store_payment_received(f->s, f->ref, "counter",
	    1250, "portal", NULL, "m.muster", NOW, &dup), STORE_ERROR);
}

/*
 * A clerk records money taken only while the fee is open: not twice, not
 * after PayPal took it, not once it was refunded, not where nothing is
 * to pay. The store decides, inside its transaction, so that of two
 * clerks clicking at once exactly one records it.
 */
static void
test_pay_clerk_only_while_awaiting(void **state)
{
	struct fixture *f = *state;
	struct store_payment p;
	char	 paypal_ref[REF_MAX];
	int	 dup;

	assert_int_equal(store_payment_received(f->s, f->ref, "counter",
	    1250, "clerk", NULL, "m.muster", NOW, &dup), STORE_OK);
	assert_payment(f, f->ref, "paid");
	/* Again, by the same or another clerk, either way: refused. */
	assert_int_equal(store_payment_received(f->s, f->ref, "counter",
	    1250, "clerk", NULL, "m.muster", LATER, &dup), STORE_CONFLICT);
	assert_int_equal(store_payment_received(f->s, f->ref, "transfer",
	    1250, "clerk", NULL, "e.beispiel", LATER, &dup), STORE_CONFLICT);
	assert_int_equal(dup, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM payment"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM payment_event"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE"
	    " action = 'payment'"), 1);

	/* Refunded: it stays refunded. */
	assert_int_equal(store_payment_paid(f->s, f->ref, &p), STORE_OK);
	assert_int_equal(store_payment_update(f->s, p.id, "refunded", "clerk",
	    NULL, "m.muster", LATER, &dup), STORE_OK);
	assert_int_equal(store_payment_received(f->s, f->ref, "counter",
	    1250, "clerk", NULL, "m.muster", LATER, &dup), STORE_CONFLICT);
	assert_payment(f, f->ref, "refunded");

	/* Nothing to pay. */
	assert_int_equal(store_payment_received(f->s, f->free_ref, "counter",
	    0, "clerk", NULL, "m.muster", NOW, &dup), STORE_CONFLICT);
	assert_payment(f, f->free_ref, "none");

	/* Paid by PayPal. */
	assert_int_equal(testpay_submit(f->s, 1250, paypal_ref), 0);
	assert_int_equal(store_payment_start(f->s, paypal_ref, "paypal", 1250,
	    "req-9", NOW, &p), STORE_OK);
	assert_int_equal(store_payment_update(f->s, p.id, "completed",
	    "paypal", "CAPTURE-9", NULL, NOW, &dup), STORE_OK);
	assert_int_equal(store_payment_received(f->s, paypal_ref, "transfer",
	    1250, "clerk", NULL, "m.muster", LATER, &dup), STORE_CONFLICT);
	assert_int_equal(count(f, "SELECT count(*) FROM payment WHERE"
	    " method = 'transfer'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM payment"), 2);
}

/*
 * A bank statement's transfer is recorded only while the fee is open,
 * decided in the store's transaction: the import looks at the state
 * before, but a clerk (or PayPal) may record the payment between that look
 * and the write.
 */
static void
test_pay_statement_only_while_awaiting(void **state)
{
	struct fixture *f = *state;
	int	 dup;

	/* A clerk was quicker than the import. */
	assert_int_equal(store_payment_received(f->s, f->ref, "counter",
	    1250, "clerk", NULL, "m.muster", NOW, &dup), STORE_OK);
	assert_int_equal(store_payment_received(f->s, f->ref, "transfer",
	    1250, "statement", "t1:aaaa:1", "rathaus camt", LATER, &dup),
	    STORE_CONFLICT);
	assert_int_equal(dup, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM payment"), 1);
	assert_payment(f, f->ref, "paid");

	/* Nothing to pay: a transfer naming it pays nothing. (The same
	 * transfer read again after it was recorded is "already":
	 * test_pay_received_by_statement_once.) */
	assert_int_equal(store_payment_received(f->s, f->free_ref, "transfer",
	    0, "statement", "t1:bbbb:1", "rathaus camt", NOW, &dup),
	    STORE_CONFLICT);
	assert_payment(f, f->free_ref, "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pay_fee_awaits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_retry_reuses_started, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_unknown_ref, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_completed_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_late_failure_does_not_unpay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_failure_keeps_awaiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_received_by_statement_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_received_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_clerk_only_while_awaiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pay_statement_only_while_awaiting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
