#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_int.h"
#include "store_sql.h"
#include "store_staff.h"
#include "text.h"

#define STORE_INBOX_MAX		200	/* rows per page at most */
#define STORE_BINDS_MAX		64
#define STORE_SEARCH_MIN	3	/* characters: a trigram */
/* Why a query's text was not made (its buf failed). */
#define STORE_QUERY_FAILED	"too long, or out of memory"

/*
 * The WHERE clause of an inbox query: fixed fragments with placeholders,
 * the values in `binds` in placeholder order. Nothing a user typed is
 * ever part of the SQL text.
 */
struct store_where {
	struct buf	 sql;
	const char	*binds[STORE_BINDS_MAX];
	int		 nbinds;
	struct buf	 match;		/* the FTS5 query: one phrase */
};

static void
store_where_add(struct store_where *w, const char *fragment, const char *v)
{
	buf_printf(&w->sql, " AND %s", fragment);
	if (v != NULL && w->nbinds < STORE_BINDS_MAX)
		w->binds[w->nbinds++] = v;
}

/*
 * The search text as the index's engine takes it, folded as the index
 * is (store_search_text): on SQLite an FTS5 phrase over the trigram
 * index, in double quotes, quotes doubled; on PostgreSQL a LIKE pattern
 * %text% over the pg_trgm index, its %, _ and \ escaped. Either finds
 * the text anywhere, as a substring. 0 when it has fewer than
 * STORE_SEARCH_MIN characters (no trigram: not searched, *short_search
 * set), -1 on no memory.
 */
static int
store_match(struct buf *match, const char *search, int pg,
    int *short_search)
{
	struct buf folded;
	const char *p;
	size_t	 chars = 0;

	buf_init(&folded, 0);
	if (text_fold(&folded, search) != 0) {
		buf_free(&folded);
		return -1;
	}
	for (p = buf_str(&folded); *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			chars++;
	if (chars < STORE_SEARCH_MIN) {
		buf_free(&folded);
		*short_search = 1;
		return 0;
	}
	buf_addch(match, pg ? '%' : '"');
	for (p = buf_str(&folded); *p != '\0'; p++)
		if (!pg && *p == '"')
			buf_addstr(match, "\"\"");
		else if (pg && (*p == '%' || *p == '_' || *p == '\\')) {
			buf_addch(match, '\\');
			buf_addch(match, *p);
		} else
			buf_addch(match, *p);
	buf_addch(match, pg ? '%' : '"');
	buf_free(&folded);
	return match->failed ? -1 : 1;
}

/*
 * The conditions of the query `q`. Without `full`, only the services
 * (the counts, whose table has the same column names). With `join`, the
 * search is a MATCH of the joined index (store_inbox), else a subquery.
 * *short_search: the search text was too short to search for.
 */
static int
store_where_build(struct store *s, struct store_where *w,
    const struct store_inbox_query *q, int full, int join, int *short_search)
{
	size_t	 i;
	int	 rc;

	memset(w, 0, sizeof(*w));
	buf_init(&w->sql, 4096);
	buf_init(&w->match, 1024);
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
	if (!full)
		return w->sql.failed ? -1 : 0;
	if (q->status != NULL)
		store_where_add(w, "status = ?", q->status);
	/* created is ISO 8601 UTC: a date compares by its prefix; "Z"
	 * sorts after every time of the day. */
	if (q->from != NULL)
		store_where_add(w, "created >= ?", q->from);
	if (q->to != NULL)
		store_where_add(w, "created < CAST(? AS TEXT) || 'Z'", q->to);
	if (q->search != NULL && *q->search != '\0') {
		if ((rc = store_match(&w->match, q->search, STORE_PG(s),
		    short_search)) < 0)
			return -1;
		if (rc > 0 && join)
			store_where_add(w, STORE_PG(s) ?
			    "submission_search.text LIKE ?" :
			    "submission_search MATCH ?", buf_str(&w->match));
		else if (rc > 0)
			store_where_add(w, STORE_PG(s) ? "id IN (SELECT rowid"
			    " FROM submission_search WHERE text LIKE ?)" :
			    "id IN (SELECT rowid FROM submission_search WHERE"
			    " submission_search MATCH ?)", buf_str(&w->match));
	}
	return w->sql.failed ? -1 : 0;
}

static void
store_where_free(struct store_where *w)
{
	buf_free(&w->sql);
	buf_free(&w->match);
}

/* Column `col` as a string of its own ("" for NULL); NULL: no memory. */
static char *
store_col_dup(struct store_stmt *st, int col)
{
	return store_dup((const unsigned char *)store_stmt_col_text(st, col));
}

/*
 * The one row `sql` gives for the reference ?1: STORE_OK with it to read
 * and `st` to end, else STORE_NOTFOUND or the failure (`st` ended).
 */
static int
store_ref_one(struct store *s, struct store_stmt *st, const char *sql,
    const char *ref, const char *what)
{
	int	 rc;

	if ((rc = store_stmt_prepare(st, s, sql, what)) != STORE_OK)
		return rc;
	store_stmt_text(st, 1, ref);
	return store_stmt_one(st);
}

/*
 * Counts by status from status_count (kept by triggers): the services
 * filter only, never a scan of the submissions.
 */
static int
store_inbox_counts(struct store *s, const struct store_inbox_query *q,
    struct store_inbox *in)
{
	struct store_where w;
	struct store_stmt st;
	struct buf sql;
	const char *status;
	size_t	 i;
	int	 rc, unused = 0;

	buf_init(&sql, 4096);
	if (store_where_build(s, &w, q, 0, 0, &unused) != 0 ||
	    buf_printf(&sql, "SELECT status, sum(n) FROM status_count WHERE TRUE%s"
	    " GROUP BY status", buf_str(&w.sql)) != 0)
		rc = store_stmt_fail(s, "inbox counts", STORE_QUERY_FAILED);
	else if ((rc = store_stmt_prepare(&st, s, buf_str(&sql),
	    "inbox counts")) == STORE_OK) {
		store_stmt_texts(&st, 1, w.binds, w.nbinds);
		while ((rc = store_stmt_step(&st)) == STORE_STMT_ROW) {
			status = store_stmt_col_text(&st, 0);
			for (i = 0; status != NULL && i < WORKFLOW_STATES; i++)
				if (strcmp(status, workflow_states[i]) == 0)
					in->counts[i] = (long)
					    store_stmt_col_int64(&st, 1);
		}
		store_stmt_end(&st);
	}
	buf_free(&sql);
	store_where_free(&w);
	return rc;
}

/* The sort key of the row `ref`: status, created, id (as text). */
struct store_inbox_key {
	char	 status[STORE_STATUS_MAX];
	char	 created[STORE_TIME_MAX];
	char	 id[24];
};

static int
store_inbox_key(struct store *s, const char *ref, struct store_inbox_key *k)
{
	struct store_stmt st;
	int	 rc;

	if ((rc = store_ref_one(s, &st, "SELECT status, created, id FROM"
	    " submission WHERE ref = ?1", ref, "inbox key")) != STORE_OK)
		return rc;
	store_stmt_copy(&st, 0, k->status, sizeof(k->status));
	store_stmt_copy(&st, 1, k->created, sizeof(k->created));
	snprintf(k->id, sizeof(k->id), "%lld",
	    (long long)store_stmt_col_int64(&st, 2));
	store_stmt_end(&st);
	return STORE_OK;
}

/*
 * One page of the inbox by keyset: the rows after (or before) the row
 * `q->after` (`q->before`) in the order asked, never an OFFSET, so that
 * every page costs the same. The total only where the counts give it.
 */
int
store_inbox(struct store *s, const struct store_inbox_query *q,
    struct store_inbox *in)
{
	/* [sort][0: forwards, 1: backwards, the order reversed] */
	static const char *const order[][2] = {
		[STORE_SORT_NEWEST] = {
			" ORDER BY created DESC, id DESC",
			" ORDER BY created, id" },
		[STORE_SORT_OLDEST] = {
			" ORDER BY created, id",
			" ORDER BY created DESC, id DESC" },
		[STORE_SORT_STATUS] = {
			" ORDER BY status, created DESC, id DESC",
			" ORDER BY status DESC, created, id" },
	};
	/* Rows beyond the key ?1 status, ?2 created, ?3 id, as above. */
	static const char *const beyond[][2] = {
		[STORE_SORT_NEWEST] = {
			"created <= ?2 AND (created < ?2 OR id < ?3)",
			"created >= ?2 AND (created > ?2 OR id > ?3)" },
		[STORE_SORT_OLDEST] = {
			"created >= ?2 AND (created > ?2 OR id > ?3)",
			"created <= ?2 AND (created < ?2 OR id < ?3)" },
		[STORE_SORT_STATUS] = {
			"status >= ?1 AND (status > ?1 OR (created <= ?2 AND"
			" (created < ?2 OR id < ?3)))",
			"status <= ?1 AND (status < ?1 OR (created >= ?2 AND"
			" (created > ?2 OR id > ?3)))" },
	};
	/* A search, newest or oldest first: in the order of arrival (the
	 * id, the index's rowid), which the index reads in order and stops
	 * after a page, instead of sorting all its matches by time. */
	static const char *const order_found[][2] = {
		[STORE_SORT_NEWEST] = {
			" ORDER BY submission_search.rowid DESC",
			" ORDER BY submission_search.rowid" },
		[STORE_SORT_OLDEST] = {
			" ORDER BY submission_search.rowid",
			" ORDER BY submission_search.rowid DESC" },
	};
	static const char *const beyond_found[][2] = {
		[STORE_SORT_NEWEST] = {
			"submission_search.rowid < ?3",
			"submission_search.rowid > ?3" },
		[STORE_SORT_OLDEST] = {
			"submission_search.rowid > ?3",
			"submission_search.rowid < ?3" },
	};
	struct store_where w;
	struct store_inbox_row *r, tmp;
	struct store_inbox_key key;
	struct store_stmt st;
	struct buf sql;
	const char *keyref = q->before != NULL ? q->before : q->after;
	const char *kv[3];
	enum store_sort sort = q->sort <= STORE_SORT_STATUS ? q->sort :
	    STORE_SORT_NEWEST;
	int	 back = q->before != NULL, nkey = 0, found;
	long	 limit = q->limit > 0 && q->limit <= STORE_INBOX_MAX ?
	    q->limit : STORE_INBOX_MAX;
	size_t	 i;
	int	 rc;

	memset(in, 0, sizeof(*in));
	memset(&w, 0, sizeof(w));
	in->total = -1;
	buf_init(&sql, 4096);
	if (keyref != NULL) {
		/* A key that is no row (a typed link): the first page. */
		if ((rc = store_inbox_key(s, keyref, &key)) == STORE_NOTFOUND) {
			keyref = NULL;
			back = 0;
		} else if (rc != STORE_OK)
			goto out;
	}
	if (keyref != NULL) {
		kv[0] = key.status;
		kv[1] = key.created;
		kv[2] = key.id;
		nkey = 3;
	}
	found = sort != STORE_SORT_STATUS;
	if ((rc = store_inbox_counts(s, q, in)) != STORE_OK)
		goto out;
	if (store_where_build(s, &w, q, 1, found, &in->short_search) != 0) {
		rc = store_stmt_fail(s, "inbox", STORE_QUERY_FAILED);
		goto out;
	}
	found = found && *buf_str(&w.match) != '\0';
	if (q->from == NULL && q->to == NULL && *buf_str(&w.match) == '\0')
		for (i = 0, in->total = 0; i < WORKFLOW_STATES; i++)
			if (q->status == NULL ||
			    strcmp(q->status, workflow_states[i]) == 0)
				in->total += in->counts[i];
	/* The key's values are ?1 to ?3, first in the text: the filter's
	 * plain ? then number on from 4. */
	if (buf_printf(&sql, "SELECT ref, service, created, status,"
	    " fee_cents, answers FROM %s WHERE (%s)%s%s LIMIT %ld",
	    found ? "submission_search JOIN submission ON submission.id ="
	    " submission_search.rowid" : "submission", keyref == NULL ? "TRUE" :
	    found ? beyond_found[sort][back] : beyond[sort][back],
	    buf_str(&w.sql), found ? order_found[sort][back] :
	    order[sort][back], limit + 1) != 0) {
		rc = store_stmt_fail(s, "inbox", STORE_QUERY_FAILED);
		goto out;
	}
	if ((rc = store_stmt_prepare(&st, s, buf_str(&sql), "inbox")) !=
	    STORE_OK)
		goto out;
	store_stmt_texts(&st, 1, kv, nkey);
	store_stmt_texts(&st, nkey + 1, w.binds, w.nbinds);
	while ((rc = store_stmt_step(&st)) == STORE_STMT_ROW) {
		if ((long)in->nrows == limit) {
			/* One more: there is a page beyond. */
			if (back)
				in->more_before = 1;
			else
				in->more_after = 1;
			continue;
		}
		if ((r = reallocarray(in->rows, in->nrows + 1,
		    sizeof(*r))) == NULL)
			break;
		in->rows = r;
		r = &in->rows[in->nrows++];
		memset(r, 0, sizeof(*r));
		store_stmt_copy(&st, 0, r->ref, sizeof(r->ref));
		store_stmt_copy(&st, 2, r->created, sizeof(r->created));
		store_stmt_copy(&st, 3, r->status, sizeof(r->status));
		r->fee_cents = (long)store_stmt_col_int64(&st, 4);
		if ((r->service = store_col_dup(&st, 1)) == NULL ||
		    (r->answers = store_col_dup(&st, 5)) == NULL)
			break;
	}
	store_stmt_end(&st);
	/* Left with a row in hand: out of memory for it. */
	if (rc == STORE_STMT_ROW)
		rc = store_stmt_fail(s, "inbox", "out of memory");
	/* Came from a page: there is one on that side. */
	if (keyref != NULL) {
		if (back)
			in->more_after = 1;
		else
			in->more_before = 1;
	}
	/* All on one page: the total is known without the counts. */
	if (keyref == NULL && !in->more_after)
		in->total = (long)in->nrows;
	/* Backwards: read in the reversed order, shown in the asked one. */
	for (i = 0; back && i < in->nrows / 2; i++) {
		tmp = in->rows[i];
		in->rows[i] = in->rows[in->nrows - 1 - i];
		in->rows[in->nrows - 1 - i] = tmp;
	}
out:
	buf_free(&sql);
	store_where_free(&w);
	if (rc != STORE_OK) {
		store_inbox_free(in);
		return STORE_ERROR;
	}
	/* Back at the start with less than a page (rows came meanwhile, or
	 * a typed key): the first page, full. */
	if (back && !in->more_before && (long)in->nrows < limit) {
		struct store_inbox_query first = *q;

		store_inbox_free(in);
		first.before = first.after = NULL;
		return store_inbox(s, &first, in);
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
	struct store_stmt st;
	struct store_note *n;
	int	 rc;

	if ((rc = store_stmt_prepare(&st, s, "SELECT author, at, text FROM note"
	    " WHERE submission_id = ?1 ORDER BY id", "notes")) != STORE_OK)
		return rc;
	store_stmt_int64(&st, 1, c->sub.id);
	while ((rc = store_stmt_step(&st)) == STORE_STMT_ROW) {
		if ((n = reallocarray(c->notes, c->nnotes + 1,
		    sizeof(*n))) == NULL)
			break;
		c->notes = n;
		n = &c->notes[c->nnotes++];
		store_stmt_copy(&st, 0, n->author, sizeof(n->author));
		store_stmt_copy(&st, 1, n->at, sizeof(n->at));
		if ((n->text = store_col_dup(&st, 2)) == NULL)
			break;
	}
	store_stmt_end(&st);
	return rc == STORE_STMT_ROW ? store_stmt_fail(s, "notes",
	    "out of memory") : rc;
}

/* Column `col` as a string of its own, NULL for SQL NULL; *fail set when
 * there is no memory for it. */
static char *
store_dup_null(struct store_stmt *st, int col, int *fail)
{
	char	*v;

	if (store_stmt_col_null(st, col))
		return NULL;
	if ((v = store_col_dup(st, col)) == NULL)
		*fail = 1;
	return v;
}

static int
store_case_audit(struct store *s, struct store_case *c)
{
	struct store_stmt st;
	struct store_audit_entry *e;
	int	 rc, fail = 0;

	if ((rc = store_stmt_prepare(&st, s, "SELECT at, actor, action, before,"
	    " after, detail FROM audit WHERE ref = ?1 ORDER BY id", "audit")) !=
	    STORE_OK)
		return rc;
	store_stmt_text(&st, 1, c->sub.ref);
	while (!fail && (rc = store_stmt_step(&st)) == STORE_STMT_ROW) {
		if ((e = reallocarray(c->audit, c->naudit + 1,
		    sizeof(*e))) == NULL) {
			fail = 1;
			break;
		}
		c->audit = e;
		e = &c->audit[c->naudit++];
		memset(e, 0, sizeof(*e));
		store_stmt_copy(&st, 0, e->at, sizeof(e->at));
		store_stmt_copy(&st, 1, e->actor, sizeof(e->actor));
		e->action = store_dup_null(&st, 2, &fail);
		e->before = store_dup_null(&st, 3, &fail);
		e->after = store_dup_null(&st, 4, &fail);
		e->detail = store_dup_null(&st, 5, &fail);
	}
	store_stmt_end(&st);
	return fail ? store_stmt_fail(s, "audit", "out of memory") : rc;
}

/* A submission by reference alone: for the back office, never citizens. */
int
store_case(struct store *s, const char *ref, struct store_case *c)
{
	struct store_stmt st;
	int	 rc, fail = 0;

	memset(c, 0, sizeof(*c));
	if ((rc = store_ref_one(s, &st, STORE_SUBMISSION_COLUMNS
	    ", s.email, s.purged" STORE_SUBMISSION_FROM " WHERE s.ref = ?1",
	    ref, "case")) != STORE_OK)
		return rc;
	if (store_submission_read(&st, ref, &c->sub) != 0)
		fail = 1;
	c->token = store_dup_null(&st, 1, &fail);
	c->email = store_dup_null(&st, STORE_SUBMISSION_NCOLUMNS, &fail);
	c->purged = store_dup_null(&st, STORE_SUBMISSION_NCOLUMNS + 1, &fail);
	store_stmt_end(&st);
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
	struct store_stmt st;
	int	 rc;

	if ((rc = store_ref_one(s, &st, "SELECT status, token FROM submission"
	    " WHERE ref = ?1", ref, "status")) != STORE_OK)
		return rc;
	store_stmt_copy(&st, 0, status, STORE_STATUS_MAX);
	store_stmt_copy(&st, 1, token, REF_TOKEN_LEN + 1);
	store_stmt_end(&st);
	return STORE_OK;
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
	if ((rc = store_lock(s, "submission", ref)) != STORE_OK ||
	    (rc = store_current_status(s, ref, current, r.token)) != STORE_OK)
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
	long	 changes;
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_stmt_run(s, "INSERT INTO note(submission_id, author,"
	    " at, text) SELECT id, ?2, ?3, ?4 FROM submission WHERE ref = ?1",
	    v, 4, "note", &changes)) == STORE_OK && changes == 0)
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
