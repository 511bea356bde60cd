#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"
#include "store_pay.h"

/* The columns of struct store_payment, for a WHERE clause to follow. */
#define STORE_PAYMENT_SELECT \
	"SELECT p.id, s.ref, p.method, p.state, p.amount_cents," \
	" p.provider_ref, p.request_id, p.updated, p.capture_ref" \
	" FROM payment p" \
	" JOIN submission s ON s.id = p.submission_id"

static void
store_payment_row(sqlite3_stmt *st, struct store_payment *p)
{
	memset(p, 0, sizeof(*p));
	p->id = (long)sqlite3_column_int64(st, 0);
	store_copy(p->ref, sizeof(p->ref), sqlite3_column_text(st, 1));
	store_copy(p->method, sizeof(p->method), sqlite3_column_text(st, 2));
	store_copy(p->state, sizeof(p->state), sqlite3_column_text(st, 3));
	p->amount_cents = (long)sqlite3_column_int64(st, 4);
	store_copy(p->provider_ref, sizeof(p->provider_ref),
	    sqlite3_column_text(st, 5));
	store_copy(p->request_id, sizeof(p->request_id),
	    sqlite3_column_text(st, 6));
	store_copy(p->updated, sizeof(p->updated), sqlite3_column_text(st, 7));
	store_copy(p->capture_ref, sizeof(p->capture_ref),
	    sqlite3_column_text(st, 8));
}

/*
 * One payment by `sql` (STORE_PAYMENT_SELECT and a WHERE clause on the
 * texts ?1..?n, or on the id ?1 when `v` is NULL).
 */
static int
store_payment_get(struct store *s, const char *sql, const char *const *v,
    int n, long id, struct store_payment *p)
{
	sqlite3_stmt *st;
	int	 rc;

	memset(p, 0, sizeof(*p));
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "payment");
	if (v != NULL)
		rc = store_bind_texts(st, v, n) == 0 ? sqlite3_step(st) :
		    SQLITE_ERROR;
	else
		rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK ?
		    sqlite3_step(st) : SQLITE_ERROR;
	if (rc == SQLITE_ROW)
		store_payment_row(st, p);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "payment");
}

/* The submission's id and payment state by reference. */
static int
store_payment_sub(struct store *s, const char *ref, sqlite3_int64 *id,
    char *state, size_t size, long *fee_cents)
{
	sqlite3_stmt *st;
	int	 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, payment, fee_cents"
	    " FROM submission WHERE ref = ?1", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "payment state");
	rc = sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK ?
	    sqlite3_step(st) : SQLITE_ERROR;
	if (rc == SQLITE_ROW) {
		if (id != NULL)
			*id = sqlite3_column_int64(st, 0);
		store_copy(state, size, sqlite3_column_text(st, 1));
		if (fee_cents != NULL)
			*fee_cents = (long)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "payment state");
}

/*
 * Whether (source, event_id) was recorded: STORE_OK with the submission
 * it was recorded for (its id in *sub_id, its reference in `ref` if not
 * NULL), STORE_NOTFOUND when not, or when event_id is NULL: such events
 * are never the same twice.
 */
static int
store_payment_seen(struct store *s, const char *source, const char *event_id,
    sqlite3_int64 *sub_id, char *ref)
{
	sqlite3_stmt *st;
	const char *v[] = { source, event_id };
	int	 rc;

	*sub_id = 0;
	if (ref != NULL)
		*ref = '\0';
	if (event_id == NULL)
		return STORE_NOTFOUND;
	if (sqlite3_prepare_v2(s->db, "SELECT s.id, s.ref FROM payment_event e"
	    " JOIN submission s ON s.id = e.submission_id"
	    " WHERE e.source = ?1 AND e.event_id = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "payment event");
	rc = store_bind_texts(st, v, 2) == 0 ? sqlite3_step(st) : SQLITE_ERROR;
	if (rc == SQLITE_ROW) {
		*sub_id = sqlite3_column_int64(st, 0);
		if (ref != NULL)
			store_copy(ref, REF_MAX, sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "payment event");
}

static int
store_payment_event(struct store *s, sqlite3_int64 payment_id,
    sqlite3_int64 sub_id, const char *state, const char *now,
    const char *actor, const char *source, const char *event_id,
    const char *detail)
{
	char	 pid[24], sid[24];
	const char *v[] = { pid, sid, state, now, actor, source, event_id,
	    detail };

	snprintf(pid, sizeof(pid), "%lld", (long long)payment_id);
	snprintf(sid, sizeof(sid), "%lld", (long long)sub_id);
	return store_run(s, "INSERT INTO payment_event(payment_id,"
	    " submission_id, state, at, actor, source, event_id, detail)"
	    " VALUES (CAST(?1 AS INTEGER), CAST(?2 AS INTEGER), ?3, ?4, ?5,"
	    " ?6, ?7, ?8)", v, 8, "payment event");
}

static int
store_payment_insert(struct store *s, sqlite3_int64 sub_id,
    const char *method, const char *state, long amount_cents,
    const char *request_id, const char *now, sqlite3_int64 *id)
{
	char	 sid[24], amount[24];
	const char *v[] = { sid, method, state, amount, request_id, now };
	int	 rc;

	snprintf(sid, sizeof(sid), "%lld", (long long)sub_id);
	snprintf(amount, sizeof(amount), "%ld", amount_cents);
	rc = store_run(s, "INSERT INTO payment(submission_id, method, state,"
	    " amount_cents, request_id, created, updated) VALUES"
	    " (CAST(?1 AS INTEGER), ?2, ?3, CAST(?4 AS INTEGER), ?5, ?6, ?6)",
	    v, 6, "payment");
	*id = sqlite3_last_insert_rowid(s->db);
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
	sqlite3_int64 sub_id, id;
	int	 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_payment_sub(s, ref, &sub_id, state, sizeof(state),
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
	char	 pid[24];
	const char *v[] = { provider_ref, now, pid, capture_ref };
	int	 rc;

	snprintf(pid, sizeof(pid), "%ld", id);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_run(s, "UPDATE payment SET provider_ref ="
	    " coalesce(?1, provider_ref), capture_ref = coalesce(?4,"
	    " capture_ref), updated = ?2 WHERE id = CAST(?3 AS INTEGER)", v, 4,
	    "payment ref")) == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = STORE_NOTFOUND;
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
	sqlite3_int64 sub_id;
	const char *next;
	char	 pid[24], cur[STORE_STATUS_MAX];
	int	 rc;

	*duplicate = 0;
	if (!store_payment_known_state(state)) {
		snprintf(s->err, sizeof(s->err), "unknown payment state '%.40s'",
		    state);
		return STORE_ERROR;
	}
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store_payment_seen(s, source, event_id, &sub_id, NULL);
	if (rc == STORE_OK) {
		*duplicate = 1;
		return store_commit_or_rollback(s, STORE_OK);
	}
	if (rc != STORE_NOTFOUND ||
	    (rc = store_payment_get(s, STORE_PAYMENT_SELECT " WHERE p.id = ?1",
	    NULL, 0, id, &p)) != STORE_OK ||
	    (rc = store_payment_sub(s, p.ref, &sub_id, cur, sizeof(cur),
	    NULL)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	next = store_payment_next(p.state, state);
	if (actor != NULL && strcmp(next, p.state) == 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	snprintf(pid, sizeof(pid), "%ld", id);
	{
		const char *upd[] = { next, now, pid };
		const char *sub[] = { strcmp(next, "completed") == 0 ? "paid" :
		    "refunded", pid };

		if (strcmp(next, p.state) != 0)
			rc = store_run(s, "UPDATE payment SET state = ?1,"
			    " updated = ?2 WHERE id = CAST(?3 AS INTEGER)",
			    upd, 3, "payment update");
		if (rc == STORE_OK && strcmp(next, p.state) != 0 &&
		    (strcmp(next, "completed") == 0 ||
		    strcmp(next, "refunded") == 0))
			rc = store_run(s, "UPDATE submission SET payment = ?1"
			    " WHERE id = (SELECT submission_id FROM payment"
			    " WHERE id = CAST(?2 AS INTEGER))", sub, 2,
			    "payment update");
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
	sqlite3_int64 sub_id, seen_id, id;
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
	if ((rc = store_payment_sub(s, ref, &sub_id, before, sizeof(before),
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
	sqlite3_stmt *st;
	struct store_payment_event *e;
	int	 rc;

	*events = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(p.method, ''), e.state,"
	    " e.at, e.source FROM payment_event e JOIN submission s"
	    " ON s.id = e.submission_id LEFT JOIN payment p"
	    " ON p.id = e.payment_id WHERE s.ref = ?1 ORDER BY e.id", -1, &st,
	    NULL) != SQLITE_OK)
		return store_fail(s, "payment history");
	rc = sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK ?
	    SQLITE_ROW : SQLITE_ERROR;
	while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = reallocarray(*events, *n + 1, sizeof(*e))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		*events = e;
		e = &e[(*n)++];
		store_copy(e->method, sizeof(e->method),
		    sqlite3_column_text(st, 0));
		store_copy(e->state, sizeof(e->state),
		    sqlite3_column_text(st, 1));
		store_copy(e->at, sizeof(e->at), sqlite3_column_text(st, 2));
		store_copy(e->source, sizeof(e->source),
		    sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*events);
		*events = NULL;
		*n = 0;
		return store_fail(s, "payment history");
	}
	return STORE_OK;
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
	sqlite3_int64 sub_id;

	return store_payment_seen(s, source, event_id, &sub_id, ref);
}
