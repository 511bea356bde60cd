#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_outbox.h"

/* Roll back after a failed step; the error was recorded before. */
static int
store_outbox_rollback(struct store *s, int rc)
{
	sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}

static char *
store_outbox_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return strdup(v != NULL ? (const char *)v : "");
}

/*
 * Read the due rows, oldest first; with `claim_until`, move each one's
 * next_try there in the same transaction, so that a second runner (cron
 * while the web program flushes) skips them. A runner that dies while
 * sending leaves the claim to expire: the mail is tried again then.
 */
static int
store_outbox_read(struct store *s, const char *now, size_t limit,
    struct store_outbox_mail **out, size_t *nout)
{
	sqlite3_stmt *st;
	struct store_outbox_mail *v, *m;
	int	 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, recipient, subject, body,"
	    " attempts FROM outbox WHERE sent IS NULL AND next_try <= ?1"
	    " AND next_try <> ?3 ORDER BY id LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "outbox due");
	if (sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, STORE_OUTBOX_NEVER, -1, SQLITE_STATIC) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return store_fail(s, "outbox due");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((v = reallocarray(*out, *nout + 1, sizeof(*v))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		*out = v;
		m = &v[(*nout)++];
		m->id = (long)sqlite3_column_int64(st, 0);
		m->recipient = store_outbox_dup(st, 1);
		m->subject = store_outbox_dup(st, 2);
		m->body = store_outbox_dup(st, 3);
		m->attempts = sqlite3_column_int(st, 4);
		if (m->recipient == NULL || m->subject == NULL ||
		    m->body == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "outbox due");
}

/* One UPDATE of a row by id with up to two text parameters (?2, ?3). */
static int
store_outbox_set(struct store *s, const char *sql, long id, const char *a,
    const char *b)
{
	sqlite3_stmt *st;
	int	 rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "outbox update");
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (b != NULL && sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC) !=
	    SQLITE_OK))
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "outbox update");
}

/*
 * The mails due at `now` (next_try reached, not sent, not given up), at
 * most `limit`, oldest first, claimed until `claim_until` when that is not
 * NULL. `*out` is freed with store_outbox_free.
 */
int
store_outbox_due(struct store *s, const char *now, const char *claim_until,
    size_t limit, struct store_outbox_mail **out, size_t *nout)
{
	size_t	 i;
	int	 rc;

	*out = NULL;
	*nout = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store_outbox_read(s, now, limit, out, nout);
	for (i = 0; rc == STORE_OK && claim_until != NULL && i < *nout; i++)
		rc = store_outbox_set(s, "UPDATE outbox SET next_try = ?2"
		    " WHERE id = ?1", (*out)[i].id, claim_until, NULL);
	if (rc == STORE_OK)
		rc = store_exec(s, "COMMIT;");
	if (rc != STORE_OK) {
		store_outbox_free(*out, *nout);
		*out = NULL;
		*nout = 0;
		return store_outbox_rollback(s, STORE_ERROR);
	}
	return STORE_OK;
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

/* A write of its own: BEGIN IMMEDIATE, one UPDATE, COMMIT. */
static int
store_outbox_write(struct store *s, const char *sql, long id, const char *a,
    const char *b)
{
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (store_outbox_set(s, sql, id, a, b) != STORE_OK ||
	    store_exec(s, "COMMIT;") != STORE_OK)
		return store_outbox_rollback(s, STORE_ERROR);
	return STORE_OK;
}

/* The mail was handed over at `at`: never sent again. */
int
store_outbox_sent(struct store *s, long id, const char *at)
{
	return store_outbox_write(s, "UPDATE outbox SET sent = ?2,"
	    " last_error = NULL WHERE id = ?1 AND sent IS NULL", id, at, NULL);
}

/*
 * One more failed attempt: keep the error, try again at `next_try`, or
 * never (NULL: given up; the row stays with its last error).
 */
int
store_outbox_failed(struct store *s, long id, const char *error,
    const char *next_try)
{
	return store_outbox_write(s, "UPDATE outbox SET attempts ="
	    " attempts + 1, last_error = ?2, next_try = ?3 WHERE id = ?1"
	    " AND sent IS NULL", id, error,
	    next_try != NULL ? next_try : STORE_OUTBOX_NEVER);
}

/* Mails not sent yet and still to be tried, and those given up. */
int
store_outbox_counts(struct store *s, long *pending, long *given_up)
{
	sqlite3_stmt *st;
	int	 rc;

	*pending = *given_up = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FILTER (WHERE"
	    " next_try <> ?1), count(*) FILTER (WHERE next_try = ?1)"
	    " FROM outbox WHERE sent IS NULL", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "outbox counts");
	if (sqlite3_bind_text(st, 1, STORE_OUTBOX_NEVER, -1, SQLITE_STATIC) !=
	    SQLITE_OK)
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*pending = (long)sqlite3_column_int64(st, 0);
		*given_up = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "outbox counts");
}
