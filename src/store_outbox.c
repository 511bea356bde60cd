#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "store_outbox.h"
#include "store_sql.h"

static char *
store_outbox_dup(struct store_stmt *q, int col)
{
	const char *v = store_stmt_col_text(q, col);

	return strdup(v != NULL ? v : "");
}

#define STORE_OUTBOX_DUE \
	"SELECT id, recipient, subject, body, attempts FROM outbox" \
	" WHERE sent IS NULL AND handed IS NULL AND next_try <= ?1" \
	" AND next_try <> ?3 ORDER BY id LIMIT ?2"

/*
 * Read the due rows, oldest first: not sent, not handed over, next_try
 * reached (a claim that ran out counts as reached), not given up.
 */
static int
store_outbox_read(struct store *s, const char *now, size_t limit,
    struct store_outbox_mail **out, size_t *nout)
{
	struct store_stmt q;
	struct store_outbox_mail *v, *m;
	int	 rc;

	/* SQLite's transaction holds the write lock already; PostgreSQL's
	 * locks the rows it reads, and a second runner skips them. */
	if ((rc = store_stmt_prepare(&q, s, STORE_PG(s) ? STORE_OUTBOX_DUE
	    " FOR UPDATE SKIP LOCKED" : STORE_OUTBOX_DUE, "outbox due")) !=
	    STORE_OK)
		return rc;
	store_stmt_text(&q, 1, now);
	store_stmt_int64(&q, 2, (int64_t)limit);
	store_stmt_text(&q, 3, STORE_OUTBOX_NEVER);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((v = reallocarray(*out, *nout + 1, sizeof(*v))) == NULL)
			break;
		*out = v;
		m = &v[(*nout)++];
		m->id = (long)store_stmt_col_int64(&q, 0);
		m->recipient = store_outbox_dup(&q, 1);
		m->subject = store_outbox_dup(&q, 2);
		m->body = store_outbox_dup(&q, 3);
		m->attempts = (int)store_stmt_col_int64(&q, 4);
		if (m->recipient == NULL || m->subject == NULL ||
		    m->body == NULL)
			break;
	}
	return store_stmt_rows_end(&q, rc);
}

/*
 * The mails due at `now`, at most `limit`, oldest first, claimed for the
 * runner `claim` until `claim_until` when that is not NULL: a second
 * runner skips them until the claim runs out. A claim alone never sends
 * a mail twice: only its holder may hand it over (store_outbox_hand).
 * `*out` is freed with store_outbox_free.
 */
int
store_outbox_due(struct store *s, const char *now, const char *claim,
    const char *claim_until, size_t limit, struct store_outbox_mail **out,
    size_t *nout)
{
	const char *v[2] = { claim_until, claim };
	size_t	 i;
	int	 rc;

	*out = NULL;
	*nout = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store_outbox_read(s, now, limit, out, nout);
	for (i = 0; rc == STORE_OK && claim_until != NULL && i < *nout; i++)
		rc = store_stmt_run_id(s, "UPDATE outbox SET next_try = ?2,"
		    " claim = ?3 WHERE id = ?1", (*out)[i].id, v, 2,
		    "outbox claim", NULL);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK) {
		store_outbox_free(*out, *nout);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

void
store_outbox_free(struct store_outbox_mail *v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].recipient);
		free(v[i].subject);
		free(v[i].body);
	}
	free(v);
}

/*
 * A write of its own: BEGIN IMMEDIATE, one UPDATE, COMMIT. STORE_CONFLICT
 * when the row did not match (when that matters: `conflict`).
 */
static int
store_outbox_write(struct store *s, const char *sql, long id,
    const char *const *v, int n, int conflict)
{
	long	 changed = 0;
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_commit_or_rollback(s, store_stmt_run_id(s, sql, id, v,
	    n, "outbox update", &changed))) != STORE_OK)
		return rc;
	if (conflict && changed == 0) {
		snprintf(s->err, sizeof(s->err), "outbox mail %ld is no longer"
		    " claimed by this runner", id);
		return STORE_CONFLICT;
	}
	return STORE_OK;
}

/*
 * The runner `claim` is about to hand the mail over (the message's end
 * is not sent yet): from now on no runner takes it again. STORE_CONFLICT
 * when the claim is no longer this runner's (it ran out and another took
 * the mail): then this one must not send it.
 */
int
store_outbox_hand(struct store *s, long id, const char *claim, const char *at)
{
	const char *v[2] = { at, claim };

	return store_outbox_write(s, "UPDATE outbox SET handed = ?2"
	    " WHERE id = ?1 AND claim = ?3 AND handed IS NULL AND"
	    " sent IS NULL", id, v, 2, 1);
}

/* The server took the mail at `at`: never sent again. */
int
store_outbox_sent(struct store *s, long id, const char *at)
{
	const char *v[1] = { at };

	return store_outbox_write(s, "UPDATE outbox SET sent = ?2,"
	    " last_error = NULL WHERE id = ?1 AND sent IS NULL", id, v, 1, 0);
}

/*
 * One more failed attempt of the runner `claim`, which knows that the
 * server did not take the mail: keep the error, release the mail (also
 * from a hand-over the server refused), try again at `next_try`, or never
 * (NULL: given up; the row stays with its last error). Nothing changes
 * when the claim is no longer this runner's.
 */
int
store_outbox_failed(struct store *s, long id, const char *claim,
    const char *error, const char *next_try)
{
	const char *v[3] = { error, next_try != NULL ? next_try :
	    STORE_OUTBOX_NEVER, claim };

	return store_outbox_write(s, "UPDATE outbox SET attempts ="
	    " attempts + 1, last_error = ?2, next_try = ?3, claim = NULL,"
	    " handed = NULL WHERE id = ?1 AND claim = ?4 AND sent IS NULL",
	    id, v, 3, 0);
}

/*
 * Handed over, and no answer came: the mail may have arrived. It keeps
 * its hand-over, so it is never sent again, and the error says why.
 */
int
store_outbox_unsure(struct store *s, long id, const char *error)
{
	const char *v[1] = { error };

	return store_outbox_write(s, "UPDATE outbox SET attempts ="
	    " attempts + 1, last_error = ?2 WHERE id = ?1 AND"
	    " handed IS NOT NULL AND sent IS NULL", id, v, 1, 0);
}

/*
 * Delete the mails that are done (sent, handed over without an answer,
 * or given up) since before `before` (for a given-up one: queued before
 * it): what they hold, an address and a link with the token, is kept no
 * longer. Mails still to be sent stay. *deleted: how many went.
 */
int
store_outbox_expire(struct store *s, const char *before, long *deleted)
{
	const char *v[] = { before, STORE_OUTBOX_NEVER };
	int	 rc;

	*deleted = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store_stmt_run(s, "DELETE FROM outbox WHERE (sent IS NOT NULL"
	    " OR handed IS NOT NULL OR next_try = ?2) AND coalesce(sent,"
	    " handed, created) < ?1", v, 2, "expire outbox", deleted);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK)
		*deleted = 0;
	return rc;
}

/* What the outbox holds that is not sent, by kind. */
int
store_outbox_counts(struct store *s, struct store_outbox_counts *c)
{
	struct store_stmt q;
	int	 rc;

	memset(c, 0, sizeof(*c));
	if ((rc = store_stmt_prepare(&q, s, "SELECT count(*) FILTER (WHERE"
	    " handed IS NULL AND next_try <> ?1), count(*) FILTER (WHERE"
	    " handed IS NULL AND next_try = ?1), count(*) FILTER (WHERE"
	    " handed IS NOT NULL) FROM outbox WHERE sent IS NULL",
	    "outbox counts")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, STORE_OUTBOX_NEVER);
	if ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		c->pending = (long)store_stmt_col_int64(&q, 0);
		c->given_up = (long)store_stmt_col_int64(&q, 1);
		c->unconfirmed = (long)store_stmt_col_int64(&q, 2);
		rc = STORE_OK;
	} else if (rc == STORE_OK)
		rc = store_stmt_fail(s, "outbox counts", "no row");
	store_stmt_end(&q);
	return rc;
}
