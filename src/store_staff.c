#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"
#include "store_staff.h"

#define STORE_INBOX_MAX		200	/* rows per page at most */
#define STORE_BINDS_MAX		64

/*
 * The WHERE clause of an inbox query: fixed fragments with placeholders,
 * the values in `binds` in placeholder order. Nothing a user typed is
 * ever part of the SQL text.
 */
struct store_where {
	struct buf	 sql;
	const char	*binds[STORE_BINDS_MAX];
	int		 nbinds;
	char		 like[2][512];
};

static void
store_where_add(struct store_where *w, const char *fragment, const char *v)
{
	buf_printf(&w->sql, " AND %s", fragment);
	if (v != NULL && w->nbinds < STORE_BINDS_MAX)
		w->binds[w->nbinds++] = v;
}

/* A LIKE pattern for text anywhere: % and _ taken literally. */
static void
store_like(char *out, size_t size, const char *text, int prefix_only)
{
	size_t	 o = 0;

	if (!prefix_only && o + 1 < size)
		out[o++] = '%';
	for (; *text != '\0' && o + 3 < size; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			out[o++] = '\\';
		out[o++] = *text;
	}
	out[o++] = '%';
	out[o] = '\0';
}

static int
store_where_build(struct store_where *w, const struct store_inbox_query *q,
    int with_status)
{
	size_t	 i;

	memset(w, 0, sizeof(*w));
	buf_init(&w->sql, 4096);
	buf_printf(&w->sql, " WHERE 1");
	if (q->services != NULL) {
		buf_printf(&w->sql, " AND service IN (''");
		for (i = 0; q->services[i] != NULL &&
		    w->nbinds < STORE_BINDS_MAX - 8; i++) {
			buf_printf(&w->sql, ", ?");
			w->binds[w->nbinds++] = q->services[i];
		}
		buf_printf(&w->sql, ")");
	}
	if (q->service != NULL)
		store_where_add(w, "service = ?", q->service);
	if (with_status && q->status != NULL)
		store_where_add(w, "status = ?", q->status);
	/* created is ISO 8601 UTC: a date compares by its prefix. */
	if (q->from != NULL)
		store_where_add(w, "substr(created, 1, 10) >= ?", q->from);
	if (q->to != NULL)
		store_where_add(w, "substr(created, 1, 10) <= ?", q->to);
	if (q->search != NULL && *q->search != '\0') {
		store_like(w->like[0], sizeof(w->like[0]), q->search, 1);
		store_like(w->like[1], sizeof(w->like[1]), q->search, 0);
		store_where_add(w, "(ref LIKE ? ESCAPE '\\'", w->like[0]);
		buf_printf(&w->sql, " OR answers LIKE ? ESCAPE '\\')");
		if (w->nbinds < STORE_BINDS_MAX)
			w->binds[w->nbinds++] = w->like[1];
	}
	return w->sql.failed ? -1 : 0;
}

static int
store_inbox_counts(struct store *s, const struct store_inbox_query *q,
    struct store_inbox *in)
{
	struct store_where w;
	struct buf sql;
	sqlite3_stmt *st = NULL;
	const char *status;
	size_t	 i;
	int	 rc = SQLITE_ERROR;

	buf_init(&sql, 4096);
	if (store_where_build(&w, q, 0) == 0 &&
	    buf_printf(&sql, "SELECT status, count(*) FROM submission%s"
	    " GROUP BY status", buf_str(&w.sql)) == 0 &&
	    sqlite3_prepare_v2(s->db, buf_str(&sql), -1, &st, NULL) ==
	    SQLITE_OK && store_bind_texts(st, w.binds, w.nbinds) == 0)
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			status = (const char *)sqlite3_column_text(st, 0);
			for (i = 0; status != NULL && i < WORKFLOW_STATES; i++)
				if (strcmp(status, workflow_states[i]) == 0)
					in->counts[i] = (long)
					    sqlite3_column_int64(st, 1);
		}
	sqlite3_finalize(st);
	buf_free(&sql);
	buf_free(&w.sql);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "inbox counts");
}

static int
store_inbox_total(struct store *s, const struct store_where *w, long *total)
{
	struct buf sql;
	sqlite3_stmt *st = NULL;
	int	 rc = SQLITE_ERROR;

	buf_init(&sql, 4096);
	if (buf_printf(&sql, "SELECT count(*) FROM submission%s",
	    buf_str(&w->sql)) == 0 &&
	    sqlite3_prepare_v2(s->db, buf_str(&sql), -1, &st, NULL) ==
	    SQLITE_OK && store_bind_texts(st, w->binds, w->nbinds) == 0 &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW)
		*total = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	buf_free(&sql);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "inbox total");
}

/* One page of the inbox, the number of all matches, counts by status. */
int
store_inbox(struct store *s, const struct store_inbox_query *q,
    struct store_inbox *in)
{
	static const char *const order[] = {
		[STORE_SORT_NEWEST] = " ORDER BY created DESC, id DESC",
		[STORE_SORT_OLDEST] = " ORDER BY created, id",
		[STORE_SORT_STATUS] = " ORDER BY status, created DESC, id DESC",
	};
	struct store_where w;
	struct store_inbox_row *r;
	struct buf sql;
	sqlite3_stmt *st = NULL;
	long	 limit = q->limit > 0 && q->limit <= STORE_INBOX_MAX ?
	    q->limit : STORE_INBOX_MAX;
	int	 rc = SQLITE_ERROR;

	memset(in, 0, sizeof(*in));
	buf_init(&sql, 4096);
	if (store_where_build(&w, q, 1) != 0 ||
	    store_inbox_total(s, &w, &in->total) != STORE_OK ||
	    store_inbox_counts(s, q, in) != STORE_OK)
		goto out;
	if (buf_printf(&sql, "SELECT ref, service, created, status, fee_cents,"
	    " answers FROM submission%s%s LIMIT %ld OFFSET %ld",
	    buf_str(&w.sql), order[q->sort <= STORE_SORT_STATUS ? q->sort :
	    STORE_SORT_NEWEST], limit, q->offset > 0 ? q->offset : 0) != 0 ||
	    sqlite3_prepare_v2(s->db, buf_str(&sql), -1, &st, NULL) !=
	    SQLITE_OK || store_bind_texts(st, w.binds, w.nbinds) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = reallocarray(in->rows, in->nrows + 1,
		    sizeof(*r))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		in->rows = r;
		r = &in->rows[in->nrows++];
		memset(r, 0, sizeof(*r));
		store_copy(r->ref, sizeof(r->ref), sqlite3_column_text(st, 0));
		store_copy(r->created, sizeof(r->created),
		    sqlite3_column_text(st, 2));
		store_copy(r->status, sizeof(r->status),
		    sqlite3_column_text(st, 3));
		r->fee_cents = (long)sqlite3_column_int64(st, 4);
		if ((r->service = store_dup(sqlite3_column_text(st, 1))) ==
		    NULL || (r->answers = store_dup(sqlite3_column_text(st,
		    5))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
out:
	sqlite3_finalize(st);
	buf_free(&sql);
	buf_free(&w.sql);
	if (rc != SQLITE_DONE) {
		store_inbox_free(in);
		return *s->err ? STORE_ERROR : store_fail(s, "inbox");
	}
	return STORE_OK;
}

void
store_inbox_free(struct store_inbox *in)
{
	size_t	 i;

	for (i = 0; i < in->nrows; i++) {
		free(in->rows[i].service);
		free(in->rows[i].answers);
	}
	free(in->rows);
	memset(in, 0, sizeof(*in));
}

static int
store_case_notes(struct store *s, struct store_case *c)
{
	sqlite3_stmt *st;
	struct store_note *n;
	int	 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT author, at, text FROM note"
	    " WHERE submission_id = ?1 ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "notes");
	sqlite3_bind_int64(st, 1, c->sub.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((n = reallocarray(c->notes, c->nnotes + 1,
		    sizeof(*n))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		c->notes = n;
		n = &c->notes[c->nnotes++];
		store_copy(n->author, sizeof(n->author),
		    sqlite3_column_text(st, 0));
		store_copy(n->at, sizeof(n->at), sqlite3_column_text(st, 1));
		if ((n->text = store_dup(sqlite3_column_text(st, 2))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "notes");
}

static char *
store_dup_null(sqlite3_stmt *st, int col, int *fail)
{
	char	*v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	if ((v = store_dup(sqlite3_column_text(st, col))) == NULL)
		*fail = 1;
	return v;
}

static int
store_case_audit(struct store *s, struct store_case *c)
{
	sqlite3_stmt *st;
	struct store_audit_entry *e;
	int	 rc, fail = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT at, actor, action, before,"
	    " after, detail FROM audit WHERE ref = ?1 ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK)
		return store_fail(s, "audit");
	sqlite3_bind_text(st, 1, c->sub.ref, -1, SQLITE_STATIC);
	while (!fail && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = reallocarray(c->audit, c->naudit + 1,
		    sizeof(*e))) == NULL) {
			fail = 1;
			break;
		}
		c->audit = e;
		e = &c->audit[c->naudit++];
		memset(e, 0, sizeof(*e));
		store_copy(e->at, sizeof(e->at), sqlite3_column_text(st, 0));
		store_copy(e->actor, sizeof(e->actor),
		    sqlite3_column_text(st, 1));
		e->action = store_dup_null(st, 2, &fail);
		e->before = store_dup_null(st, 3, &fail);
		e->after = store_dup_null(st, 4, &fail);
		e->detail = store_dup_null(st, 5, &fail);
	}
	sqlite3_finalize(st);
	return !fail && rc == SQLITE_DONE ? STORE_OK : store_fail(s, "audit");
}

/* A submission by reference alone: for the back office, never citizens. */
int
store_case(struct store *s, const char *ref, struct store_case *c)
{
	sqlite3_stmt *st;
	int	 rc, fail = 0;

	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v2(s->db, STORE_SUBMISSION_COLUMNS
	    ", s.email, s.purged" STORE_SUBMISSION_FROM " WHERE s.ref = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "case");
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(s, "case");
	}
	if (store_submission_row(st, ref, &c->sub) != 0)
		fail = 1;
	c->token = store_dup_null(st, 1, &fail);
	/* After STORE_SUBMISSION_COLUMNS (0..11). */
	c->email = store_dup_null(st, 12, &fail);
	c->purged = store_dup_null(st, 13, &fail);
	sqlite3_finalize(st);
	if (fail || c->token == NULL ||
	    store_load_history(s, &c->sub) != STORE_OK ||
	    store_case_notes(s, c) != STORE_OK ||
	    store_case_audit(s, c) != STORE_OK) {
		store_case_free(c);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void
store_case_free(struct store_case *c)
{
	size_t	 i;

	store_submission_free(&c->sub);
	free(c->token);
	free(c->email);
	free(c->purged);
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i].text);
	free(c->notes);
	for (i = 0; i < c->naudit; i++) {
		free(c->audit[i].action);
		free(c->audit[i].before);
		free(c->audit[i].after);
		free(c->audit[i].detail);
	}
	free(c->audit);
	memset(c, 0, sizeof(*c));
}

/* The current status of `ref` into `status`; within a transaction. */
static int
store_current_status(struct store *s, const char *ref,
    char status[STORE_STATUS_MAX], char token[REF_TOKEN_LEN + 1])
{
	sqlite3_stmt *st;
	int	 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT status, token FROM submission"
	    " WHERE ref = ?1", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "status");
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_copy(status, STORE_STATUS_MAX, sqlite3_column_text(st, 0));
		store_copy(token, REF_TOKEN_LEN + 1, sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "status");
}

/*
 * Move `ref` from status `from` to `to` in one transaction: the new
 * status, its history entry with the actor and the message to the
 * citizen, the audit row, and the mails it causes. STORE_CONFLICT when
 * the status is no longer `from` (another clerk was quicker): nothing
 * changes. Whether the move is allowed is the caller's (workflow_).
 */
int
store_set_status(struct store *s, const char *ref, const char *from,
    const char *to, const char *actor, const char *message, const char *now,
    store_mails_fn mails, void *mails_arg)
{
	struct store_receipt r;
	char	 current[STORE_STATUS_MAX];
	const char *upd[] = { to, ref };
	const char *ev[] = { ref, to, now, actor,
	    message != NULL && *message != '\0' ? message : NULL };
	int	 rc;

	memset(&r, 0, sizeof(r));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_current_status(s, ref, current, r.token)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	if (strcmp(current, from) != 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	store_copy(r.ref, sizeof(r.ref), (const unsigned char *)ref);
	if ((rc = store_run(s, "UPDATE submission SET status = ?1"
	    " WHERE ref = ?2", upd, 2, "set status")) == STORE_OK &&
	    (rc = store_run(s, "INSERT INTO status_event(submission_id,"
	    " status, at, actor, message) SELECT id, ?2, ?3, ?4, ?5"
	    " FROM submission WHERE ref = ?1", ev, 5, "status event")) ==
	    STORE_OK)
		rc = store_audit_row(s, actor, "status", ref, from, to,
		    ev[4], now);
	if (rc == STORE_OK && mails != NULL && mails(s, mails_arg, &r) != 0)
		rc = STORE_ERROR;
	return store_commit_or_rollback(s, rc);
}

/* An internal note: for clerks only, never shown to the citizen. */
int
store_add_note(struct store *s, const char *ref, const char *actor,
    const char *text, const char *now)
{
	const char *v[] = { ref, actor, now, text };
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_run(s, "INSERT INTO note(submission_id, author, at,"
	    " text) SELECT id, ?2, ?3, ?4 FROM submission WHERE ref = ?1",
	    v, 4, "note")) == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK)
		rc = store_audit_row(s, actor, "note", ref, NULL, NULL, NULL,
		    now);
	return store_commit_or_rollback(s, rc);
}

/*
 * An entry of its own: who looked at, downloaded or exported what, or
 * tried what with which outcome (`before`, `after`: NULL for none).
 */
int
store_audit(struct store *s, const char *actor, const char *action,
    const char *ref, const char *before, const char *after,
    const char *detail, const char *now)
{
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	return store_commit_or_rollback(s, store_audit_row(s, actor, action,
	    ref, before, after, detail, now));
}
