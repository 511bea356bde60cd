#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"
#include "store_pay.h"
#include "store_sql.h"

/* The columns of struct store_payment, for a WHERE clause to follow. */
#define STORE_PAYMENT_SELECT \
	"SELECT p.id, s.ref, p.method, p.state, p.amount_cents," \
	" p.provider_ref, p.request_id, p.updated, p.capture_ref" \
	" FROM payment p" \
	" JOIN submission s ON s.id = p.submission_id"

static void
store_payment_row(struct store_stmt *q, struct store_payment *p)
{
	memset(p, 0, sizeof(*p));
	p->id = (long)store_stmt_col_int64(q, 0);
	store_stmt_copy(q, 1, p->ref, sizeof(p->ref));
	store_stmt_copy(q, 2, p->method, sizeof(p->method));
	store_stmt_copy(q, 3, p->state, sizeof(p->state));
	p->amount_cents = (long)store_stmt_col_int64(q, 4);
	store_stmt_copy(q, 5, p->provider_ref, sizeof(p->provider_ref));
	store_stmt_copy(q, 6, p->request_id, sizeof(p->request_id));
	store_stmt_copy(q, 7, p->updated, sizeof(p->updated));
	store_stmt_copy(q, 8, p->capture_ref, sizeof(p->capture_ref));
}

/*
 * One payment by `sql` (STORE_PAYMENT_SELECT and a WHERE clause on the
 * texts ?1..?n, or on the id ?1 when `v` is NULL).
 */
static int
store_payment_get(struct store *s, const char *sql, const char *const *v,
    int n, long id, struct store_payment *p)
{
	struct store_stmt q;
	int	 rc;

	memset(p, 0, sizeof(*p));
	if ((rc = store_stmt_prepare(&q, s, sql, "payment")) != STORE_OK)
		return rc;
	if (v != NULL)
		store_stmt_texts(&q, 1, v, n);
	else
		store_stmt_int64(&q, 1, id);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	store_payment_row(&q, p);
	store_stmt_end(&q);
	return STORE_OK;
}

/* The submission's id and payment state by reference. */
static int
store_payment_sub(struct store *s, const char *ref, int64_t *id,
    char *state, size_t size, long *fee_cents)
{
	struct store_stmt q;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "SELECT id, payment, fee_cents"
	    " FROM submission WHERE ref = ?1", "payment state")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, ref);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	if (id != NULL)
		*id = store_stmt_col_int64(&q, 0);
	store_stmt_copy(&q, 1, state, size);
	if (fee_cents != NULL)
		*fee_cents = (long)store_stmt_col_int64(&q, 2);
	store_stmt_end(&q);
	return STORE_OK;
}

/*
 * Whether (source, event_id) was recorded: STORE_OK with the submission
 * it was recorded for (its id in *sub_id, its reference in `ref` if not
 * NULL), STORE_NOTFOUND when not, or when event_id is NULL: such events
 * are never the same twice.
 */
static int
store_payment_seen(struct store *s, const char *source, const char *event_id,
    int64_t *sub_id, char *ref)
{
	struct store_stmt q;
	const char *v[] = { source, event_id };
	int	 rc;

	*sub_id = 0;
	if (ref != NULL)
		*ref = '\0';
	if (event_id == NULL)
		return STORE_NOTFOUND;
	if ((rc = store_stmt_prepare(&q, s, "SELECT s.id, s.ref FROM"
	    " payment_event e JOIN submission s ON s.id = e.submission_id"
	    " WHERE e.source = ?1 AND e.event_id = ?2", "payment event")) !=
	    STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 2);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	*sub_id = store_stmt_col_int64(&q, 0);
	if (ref != NULL)
		store_stmt_copy(&q, 1, ref, REF_MAX);
	store_stmt_end(&q);
	return STORE_OK;
}

static int
store_payment_event(struct store *s, int64_t payment_id, int64_t sub_id,
    const char *state, const char *now, const char *actor,
    const char *source, const char *event_id, const char *detail)
{
	const char *v[] = { state, now, actor, source, event_id, detail };
	struct store_stmt q;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "INSERT INTO payment_event("
	    "payment_id, submission_id, state, at, actor, source, event_id,"
	    " detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	    "payment event")) != STORE_OK)
		return rc;
	store_stmt_int64(&q, 1, payment_id);
	store_stmt_int64(&q, 2, sub_id);
	store_stmt_texts(&q, 3, v, 6);
	rc = store_stmt_step(&q);
	store_stmt_end(&q);
	return rc;
}

/* A new attempt; *id: its id (RETURNING, as both engines give it). */
static int
store_payment_insert(struct store *s, int64_t sub_id, const char *method,
    const char *state, long amount_cents, const char *request_id,
    const char *now, int64_t *id)
{
	const char *v[] = { method, state };
	struct store_stmt q;
	int	 rc;

	*id = 0;
	if ((rc = store_stmt_prepare(&q, s, "INSERT INTO payment(submission_id,"
	    " method, state, amount_cents, request_id, created, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id", "payment")) !=
	    STORE_OK)
		return rc;
	store_stmt_int64(&q, 1, sub_id);
	store_stmt_texts(&q, 2, v, 2);
	store_stmt_int64(&q, 4, amount_cents);
	store_stmt_text(&q, 5, request_id);
	store_stmt_text(&q, 6, now);
	if ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		*id = store_stmt_col_int64(&q, 0);
		rc = store_stmt_step(&q);
	}
	store_stmt_end(&q);
	return rc;
}

/*
 * The attempt of `method` for `ref`: the one still 'started', so that a
 * retry (reload, back button) reuses it and its request_id and the
 * provider never creates a second order; else a new one with
 * `request_id`. STORE_NOTFOUND for an unknown reference; STORE_CONFLICT
 * when the submission is not awaiting a payment (paid, refunded, or
 * nothing to pay): nothing is started twice.
 */
int
store_payment_start(struct store *s, const char *ref, const char *method,
    long amount_cents, const char *request_id, const char *now,
    struct store_payment *out)
{
	static const char sql[] = STORE_PAYMENT_SELECT
	    " WHERE s.ref = ?1 AND p.method = ?2 AND p.state = 'started'"
	    " ORDER BY p.id DESC LIMIT 1";
	const char *v[] = { ref, method };
	char	 state[STORE_STATUS_MAX];
	int64_t sub_id, id;
	int	 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_lock(s, "submission", ref)) != STORE_OK ||
	    (rc = store_payment_sub(s, ref, &sub_id, state, sizeof(state),
	    NULL)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	if (strcmp(state, "awaiting") != 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	rc = store_payment_get(s, sql, v, 2, 0, out);
	if (rc == STORE_NOTFOUND &&
	    (rc = store_payment_insert(s, sub_id, method, "started",
	    amount_cents, request_id, now, &id)) == STORE_OK &&
	    (rc = store_payment_event(s, id, sub_id, "started", now, NULL,
	    "portal", NULL, NULL)) == STORE_OK)
		rc = store_payment_get(s, STORE_PAYMENT_SELECT
		    " WHERE p.id = ?1", NULL, 0, (long)id, out);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * The provider's ids of an attempt: its order (provider_ref) and the
 * money taken (capture_ref, for a refund); NULL leaves one as it is.
 */
int
store_payment_set_ref(struct store *s, long id, const char *provider_ref,
    const char *capture_ref, const char *now)
{
	struct store_stmt q;
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_stmt_prepare(&q, s, "UPDATE payment SET provider_ref ="
	    " coalesce(?1, provider_ref), capture_ref = coalesce(?4,"
	    " capture_ref), updated = ?2 WHERE id = ?3", "payment ref")) !=
	    STORE_OK)
		return store_commit_or_rollback(s, rc);
	store_stmt_text(&q, 1, provider_ref);
	store_stmt_text(&q, 2, now);
	store_stmt_int64(&q, 3, id);
	store_stmt_text(&q, 4, capture_ref);
	if ((rc = store_stmt_step(&q)) == STORE_OK && q.changes == 0)
		rc = STORE_NOTFOUND;
	store_stmt_end(&q);
	return store_commit_or_rollback(s, rc);
}

/*
 * An attempt by the provider's id for it or for the money taken (a
 * webhook, the way back; a refund's notice names only the capture).
 */
int
store_payment_find(struct store *s, const char *method,
    const char *provider_ref, struct store_payment *out)
{
	const char *v[] = { method, provider_ref };

	return store_payment_get(s, STORE_PAYMENT_SELECT
	    " WHERE p.method = ?1 AND (p.provider_ref = ?2 OR p.capture_ref ="
	    " ?2) ORDER BY p.id DESC LIMIT 1", v, 2, 0, out);
}

/* The attempt that paid a submission (the one to refund), if any. */
int
store_payment_paid(struct store *s, const char *ref,
    struct store_payment *out)
{
	const char *v[] = { ref };

	return store_payment_get(s, STORE_PAYMENT_SELECT
	    " WHERE s.ref = ?1 AND p.state = 'completed' ORDER BY p.id DESC"
	    " LIMIT 1", v, 1, 0, out);
}

static int
store_payment_known_state(const char *state)
{
	static const char *const known[] = { "started", "completed", "failed",
	    "cancelled", "refunded" };
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(state, known[i]) == 0)
			return 1;
	return 0;
}

/*
 * The state an attempt in `current` takes on a report of `reported`:
 * 'refunded' is final, and 'completed' only moves on to 'refunded', so a
 * late or stale report (a 'failed' after 'completed', a 'completed'
 * after 'refunded') never un-pays or re-pays. Otherwise the report.
 */
static const char *
store_payment_next(const char *current, const char *reported)
{
	if (strcmp(current, "refunded") == 0)
		return current;
	if (strcmp(current, "completed") == 0 &&
	    strcmp(reported, "refunded") != 0)
		return current;
	return reported;
}

/*
 * A report about an attempt (a provider's webhook or answer): recorded
 * once per (source, event_id) (a repeat sets *duplicate and changes
 * nothing). The attempt takes the state store_payment_next allows, and
 * the submission follows: 'completed' is paid, 'refunded' refunded;
 * 'failed' and 'cancelled' leave it awaiting. A report that does not
 * move the state is kept as an event all the same, with the detail
 * 'ignored'. A person's act (`actor`: a clerk's refund) that would
 * change nothing (another clerk or the provider's notice was first) is
 * STORE_CONFLICT and records nothing. One transaction.
 */
int
store_payment_update(struct store *s, long id, const char *state,
    const char *source, const char *event_id, const char *actor,
    const char *now, int *duplicate)
{
	struct store_payment p;
	int64_t sub_id;
	const char *next;
	char	 cur[STORE_STATUS_MAX], idtext[24];
	int	 rc;

	*duplicate = 0;
	snprintf(idtext, sizeof(idtext), "%ld", id);
	if (!store_payment_known_state(state)) {
		snprintf(s->err, sizeof(s->err), "unknown payment state '%.40s'",
		    state);
		return STORE_ERROR;
	}
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	/* The attempt's reports one at a time (a repeat finds the first),
	 * then its submission (store_lock). */
	if ((rc = store_lock(s, "payment", idtext)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	rc = store_payment_seen(s, source, event_id, &sub_id, NULL);
	if (rc == STORE_OK) {
		*duplicate = 1;
		return store_commit_or_rollback(s, STORE_OK);
	}
	if (rc != STORE_NOTFOUND ||
	    (rc = store_payment_get(s, STORE_PAYMENT_SELECT " WHERE p.id = ?1",
	    NULL, 0, id, &p)) != STORE_OK ||
	    (rc = store_lock(s, "submission", p.ref)) != STORE_OK ||
	    (rc = store_payment_sub(s, p.ref, &sub_id, cur, sizeof(cur),
	    NULL)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	next = store_payment_next(p.state, state);
	if (actor != NULL && strcmp(next, p.state) == 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	{
		const char *upd[] = { next, now };
		const char *sub[] = { strcmp(next, "completed") == 0 ? "paid" :
		    "refunded" };

		if (strcmp(next, p.state) != 0)
			rc = store_stmt_run_id(s, "UPDATE payment SET state ="
			    " ?2, updated = ?3 WHERE id = ?1", id, upd, 2,
			    "payment update", NULL);
		if (rc == STORE_OK && strcmp(next, p.state) != 0 &&
		    (strcmp(next, "completed") == 0 ||
		    strcmp(next, "refunded") == 0))
			rc = store_stmt_run_id(s, "UPDATE submission SET"
			    " payment = ?2 WHERE id = (SELECT submission_id"
			    " FROM payment WHERE id = ?1)", id, sub, 1,
			    "payment update", NULL);
	}
	if (rc == STORE_OK)
		rc = store_payment_event(s, id, sub_id, state, now, actor,
		    source, event_id, strcmp(next, state) != 0 ? "ignored" :
		    NULL);
	return store_commit_or_rollback(s, rc);
}

/*
 * A payment outside a provider: a transfer found on a bank statement, or
 * money taken at the counter. Recorded once per (source, event_id): a
 * repeat for the same submission sets *duplicate and changes nothing; an
 * event_id recorded for another submission is STORE_CONFLICT (a bank's
 * entry id is never two payments). A clerk's record (source "clerk") is
 * STORE_CONFLICT too unless the submission awaits its payment: not
 * twice, not after PayPal, not once refunded, not where nothing is to
 * pay; decided here, inside the transaction, so that of two clerks
 * clicking at once exactly one records it. Else a completed attempt with
 * its event, the submission paid, and an audit row; one transaction.
 */
int
store_payment_received(struct store *s, const char *ref, const char *method,
    long amount_cents, const char *source, const char *event_id,
    const char *actor, const char *now, int *duplicate)
{
	char	 before[STORE_STATUS_MAX], token[REF_TOKEN_LEN + 1];
	char	 detail[64];
	struct buf request_id;
	int64_t sub_id, seen_id, id;
	int	 rc;

	*duplicate = 0;
	if ((strcmp(method, "transfer") != 0 &&
	    strcmp(method, "counter") != 0) ||
	    (strcmp(source, "statement") != 0 &&
	    strcmp(source, "clerk") != 0) || amount_cents < 0) {
		snprintf(s->err, sizeof(s->err), "payment by %.20s from %.20s",
		    method, source);
		return STORE_ERROR;
	}
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_lock(s, "submission", ref)) != STORE_OK ||
	    (rc = store_payment_sub(s, ref, &sub_id, before, sizeof(before),
	    NULL)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	/* A report seen before is that report, whatever happened since. */
	rc = store_payment_seen(s, source, event_id, &seen_id, NULL);
	if (rc == STORE_OK) {
		*duplicate = seen_id == sub_id;
		return store_commit_or_rollback(s, seen_id == sub_id ?
		    STORE_OK : STORE_CONFLICT);
	}
	if (rc != STORE_NOTFOUND)
		return store_commit_or_rollback(s, rc);
	/*
	 * Only an open fee is paid this way: a clerk's record or a transfer
	 * on a fee paid meanwhile (by a colleague, the import, PayPal),
	 * refunded or never due is for a person to look at, not a second
	 * payment. Decided here, in the transaction, not by a look before.
	 */
	if (strcmp(before, "awaiting") != 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	/* Unique: an event id counts once; else 128 random bits. */
	buf_init(&request_id, 1024);
	if (event_id != NULL)
		buf_printf(&request_id, "%s:%s", source, event_id);
	else if (ref_token(token) == 0)
		buf_printf(&request_id, "%s:%s", source, token);
	snprintf(detail, sizeof(detail), "%s %ld.%02ld", method,
	    amount_cents / 100, amount_cents % 100);
	if (request_id.len == 0 || request_id.failed)
		rc = store_fail(s, "payment request id");
	else if ((rc = store_payment_insert(s, sub_id, method, "completed",
	    amount_cents, buf_str(&request_id), now, &id)) == STORE_OK &&
	    (rc = store_payment_event(s, id, sub_id, "completed", now, actor,
	    source, event_id, NULL)) == STORE_OK) {
		const char *v[] = { ref };

		if ((rc = store_run(s, "UPDATE submission SET payment = 'paid'"
		    " WHERE ref = ?1", v, 1, "payment received")) == STORE_OK)
			rc = store_audit_row(s, actor, "payment", ref, before,
			    "paid", detail, now);
	}
	buf_free(&request_id);
	return store_commit_or_rollback(s, rc);
}

/* What the pages show: none, awaiting, paid, refunded; and the fee. */
int
store_payment_state(struct store *s, const char *ref, char *state,
    size_t size, long *fee_cents)
{
	return store_payment_sub(s, ref, NULL, state, size, fee_cents);
}

/*
 * The payment events of a submission, oldest first (`*events` freed with
 * free()); none for an unknown reference.
 */
int
store_payment_history(struct store *s, const char *ref,
    struct store_payment_event **events, size_t *n)
{
	struct store_stmt q;
	struct store_payment_event *e;
	int	 rc;

	*events = NULL;
	*n = 0;
	if ((rc = store_stmt_prepare(&q, s, "SELECT coalesce(p.method, ''),"
	    " e.state, e.at, e.source FROM payment_event e JOIN submission s"
	    " ON s.id = e.submission_id LEFT JOIN payment p"
	    " ON p.id = e.payment_id WHERE s.ref = ?1 ORDER BY e.id",
	    "payment history")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, ref);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((e = reallocarray(*events, *n + 1, sizeof(*e))) == NULL) {
			rc = store_stmt_fail(s, "payment history",
			    "out of memory");
			break;
		}
		*events = e;
		e = &e[(*n)++];
		store_stmt_copy(&q, 0, e->method, sizeof(e->method));
		store_stmt_copy(&q, 1, e->state, sizeof(e->state));
		store_stmt_copy(&q, 2, e->at, sizeof(e->at));
		store_stmt_copy(&q, 3, e->source, sizeof(e->source));
	}
	store_stmt_end(&q);
	if (rc != STORE_OK) {
		free(*events);
		*events = NULL;
		*n = 0;
	}
	return rc;
}

/*
 * Whether (source, event_id) was recorded, and for which submission
 * (`ref`): STORE_OK, or STORE_NOTFOUND. For `rathaus camt`, which says
 * "already" instead of checking the amount again.
 */
int
store_payment_recorded(struct store *s, const char *source,
    const char *event_id, char ref[REF_MAX])
{
	int64_t sub_id;

	return store_payment_seen(s, source, event_id, &sub_id, ref);
}
