#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_my.h"

/* The most lines "Meine Anträge" shows: the newest. */
#define STORE_MY_ROWS	500

/*
 * The account's submissions, newest first, with how many messages the
 * town hall wrote and whether its last one came after the citizen's last
 * answer (so: not answered yet).
 */
int
store_my_list(struct store *s, const char *subject,
    struct store_my_row **out, size_t *n)
{
	sqlite3_stmt *st;
	struct store_my_row *rows = NULL, *r;
	int	 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
	    "SELECT s.ref, s.service, s.created, s.status, s.payment,"
	    " s.fee_cents, (SELECT count(*) FROM status_event e"
	    "  WHERE e.submission_id = s.id AND e.message IS NOT NULL"
	    "  AND e.message != ''),"
	    " coalesce((SELECT max(e.at) FROM status_event e"
	    "  WHERE e.submission_id = s.id AND e.message IS NOT NULL"
	    "  AND e.message != ''), '') > coalesce((SELECT max(r.at)"
	    "  FROM reply r WHERE r.submission_id = s.id), ''),"
	    " (SELECT e.message FROM status_event e"
	    "  WHERE e.submission_id = s.id AND e.message IS NOT NULL"
	    "  AND e.message != '' ORDER BY e.id DESC LIMIT 1)"
	    " FROM submission s WHERE s.subject = ?1"
	    " ORDER BY s.created DESC, s.id DESC LIMIT ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "my list");
	if (sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int(st, 2, STORE_MY_ROWS) != SQLITE_OK) {
		sqlite3_finalize(st);
		return store_fail(s, "my list");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = reallocarray(rows, *n + 1, sizeof(*r))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		rows = r;
		r = &rows[*n];
		memset(r, 0, sizeof(*r));
		store_copy(r->ref, sizeof(r->ref), sqlite3_column_text(st, 0));
		if ((r->service = store_dup(sqlite3_column_text(st, 1))) ==
		    NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*n)++;
		store_copy(r->created, sizeof(r->created),
		    sqlite3_column_text(st, 2));
		store_copy(r->status, sizeof(r->status),
		    sqlite3_column_text(st, 3));
		store_copy(r->payment, sizeof(r->payment),
		    sqlite3_column_text(st, 4));
		r->fee_cents = (long)sqlite3_column_int64(st, 5);
		r->messages = (long)sqlite3_column_int64(st, 6);
		r->unanswered = sqlite3_column_int(st, 7) != 0;
		if (sqlite3_column_type(st, 8) != SQLITE_NULL &&
		    (r->last_message = store_dup(sqlite3_column_text(st,
		    8))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	*out = rows;
	if (rc != SQLITE_DONE) {
		store_my_list_free(rows, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, "my list");
	}
	return STORE_OK;
}

void
store_my_list_free(struct store_my_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(rows[i].service);
		free(rows[i].last_message);
	}
	free(rows);
}

/*
 * A submission by reference that belongs to the account `subject`, with
 * its history, and its token (for what the pages hand on to a payment
 * provider, never shown); another account's and an unknown reference
 * are both STORE_NOTFOUND.
 */
int
store_my_find(struct store *s, const char *ref, const char *subject,
    struct store_submission *sub, char token[REF_TOKEN_LEN + 1])
{
	sqlite3_stmt *st;
	const char *v[] = { ref, subject };
	int	 rc;

	memset(sub, 0, sizeof(*sub));
	*token = '\0';
	if (subject == NULL)
		return STORE_NOTFOUND;
	if (sqlite3_prepare_v2(s->db, STORE_SUBMISSION_COLUMNS
	    STORE_SUBMISSION_FROM " WHERE s.ref = ?1 AND s.subject = ?2",
	    -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "my find");
	if (store_bind_texts(st, v, 2) != 0) {
		sqlite3_finalize(st);
		return store_fail(s, "my find");
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_fail(s, "my find");
	}
	store_copy(token, REF_TOKEN_LEN + 1, sqlite3_column_text(st, 1));
	rc = store_submission_row(st, ref, sub);
	sqlite3_finalize(st);
	if (rc != 0 || store_load_history(s, sub) != STORE_OK) {
		store_submission_free(sub);
		*token = '\0';
		return STORE_ERROR;
	}
	return STORE_OK;
}

/*
 * Add a submission sent without login to the account: by its reference
 * and token (compared in constant time, as store_find does), only while
 * it belongs to no account and is not purged (purge took the account
 * off it for good). An unknown reference, a wrong token, a purged and
 * another account's submission are all STORE_NOTFOUND, and nothing
 * changes; the account's own is STORE_OK again. Audited without the
 * account (the audit log outlives the submission's personal data).
 */
int
store_my_claim(struct store *s, const char *ref, const char *token,
    const char *subject, const char *now)
{
	sqlite3_stmt *st;
	const char *upd[] = { ref, subject };
	int	 rc, match, mine = 0, free_ = 0, purged;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT token, subject, purged IS NOT NULL"
	    " FROM submission WHERE ref = ?1", -1, &st, NULL) != SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "claim"));
	if (sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(st);
		return store_commit_or_rollback(s, store_fail(s, "claim"));
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_commit_or_rollback(s, rc == SQLITE_DONE ?
		    STORE_NOTFOUND : store_fail(s, "claim"));
	}
	match = ref_equal(token, (const char *)sqlite3_column_text(st, 0));
	if (sqlite3_column_type(st, 1) == SQLITE_NULL)
		free_ = 1;
	else
		mine = strcmp((const char *)sqlite3_column_text(st, 1),
		    subject) == 0;
	purged = sqlite3_column_int(st, 2) != 0;
	sqlite3_finalize(st);
	if (!match || purged || (!free_ && !mine))
		return store_commit_or_rollback(s, STORE_NOTFOUND);
	if (mine)
		return store_commit_or_rollback(s, STORE_OK);
	rc = store_run(s, "UPDATE submission SET subject = ?2 WHERE ref = ?1"
	    " AND subject IS NULL AND purged IS NULL", upd, 2, "claim");
	if (rc == STORE_OK)
		rc = store_audit_row(s, "citizen", "claim", ref, NULL, NULL,
		    NULL, now);
	return store_commit_or_rollback(s, rc);
}

/* The file of answer `id` under the submission's reference. */
static int
store_my_answer_file(struct store *s, const struct store_answer *n,
    const char *field)
{
	const struct store_staged *f = n->file;
	sqlite3_stmt *st;
	int	 rc;

	if (f->len == 0 || f->len > STORE_UPLOAD_MAX)
		return store_fail(s, "answer file size");
	if (sqlite3_prepare_v2(s->db, "INSERT INTO upload(submit_key, field,"
	    " filename, mime, size, data, created, touched, ref)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "answer file");
	if (sqlite3_bind_text(st, 1, n->ref, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, f->filename, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(st, 4, f->mime, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, (sqlite3_int64)f->len) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 6, f->data, (int)f->len, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(st, 7, n->now, -1, SQLITE_STATIC) != SQLITE_OK)
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "answer file");
}

/*
 * The citizen answers the town hall, in one transaction: the answer, its
 * file (upload under the reference, field "reply-<id>"), the status back
 * from "waiting" to "in_progress" with its history entry and audit row
 * (actor "citizen"), and the mails it causes. Not the account's, or
 * unknown: STORE_NOTFOUND; no longer waiting for the citizen:
 * STORE_CONFLICT. Either way nothing changes.
 */
int
store_my_answer(struct store *s, const struct store_answer *n)
{
	struct store_receipt r;
	sqlite3_stmt *st;
	char	 field[STORE_FIELD_MAX], status[STORE_STATUS_MAX];
	char	 idtext[24];
	const char *ev[] = { n->ref, "in_progress", n->now, "citizen" };
	const char *upd[] = { n->ref, field, idtext };
	long	 sid = 0, rid = 0;
	int	 rc;

	memset(&r, 0, sizeof(r));
	if (n->subject == NULL)
		return STORE_NOTFOUND;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT id, status, token FROM"
	    " submission WHERE ref = ?1 AND subject = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "answer"));
	if (sqlite3_bind_text(st, 1, n->ref, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, n->subject, -1, SQLITE_STATIC) !=
	    SQLITE_OK)
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sid = (long)sqlite3_column_int64(st, 0);
		store_copy(status, sizeof(status), sqlite3_column_text(st, 1));
		store_copy(r.token, sizeof(r.token), sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_commit_or_rollback(s, rc == SQLITE_DONE ?
		    STORE_NOTFOUND : store_fail(s, "answer"));
	if (strcmp(status, "waiting") != 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	store_copy(r.ref, sizeof(r.ref), (const unsigned char *)n->ref);

	if (sqlite3_prepare_v2(s->db, "INSERT INTO reply(submission_id, at,"
	    " text) VALUES (?1, ?2, ?3) RETURNING id", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "answer"));
	if (sqlite3_bind_int64(st, 1, sid) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, n->now, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, n->text, -1, SQLITE_STATIC) != SQLITE_OK)
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rid = (long)sqlite3_column_int64(st, 0);
		/* RETURNING rows are only final once the statement ran out. */
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_ROW :
		    SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_commit_or_rollback(s, store_fail(s, "answer"));
	snprintf(idtext, sizeof(idtext), "%ld", rid);
	snprintf(field, sizeof(field), "reply-%ld", rid);
	rc = STORE_OK;
	if (n->file != NULL &&
	    ((rc = store_my_answer_file(s, n, field)) != STORE_OK ||
	    (rc = store_run(s, "UPDATE reply SET field = ?2 WHERE id = ?3"
	    " AND submission_id = (SELECT id FROM submission WHERE ref = ?1)",
	    upd, 3, "answer field")) != STORE_OK))
		return store_commit_or_rollback(s, rc);
	if ((rc = store_run(s, "UPDATE submission SET status = 'in_progress'"
	    " WHERE ref = ?1", ev, 1, "answer status")) == STORE_OK &&
	    (rc = store_run(s, "INSERT INTO status_event(submission_id,"
	    " status, at, actor) SELECT id, ?2, ?3, ?4 FROM submission"
	    " WHERE ref = ?1", ev, 4, "answer event")) == STORE_OK)
		rc = store_audit_row(s, "citizen", "status", n->ref, "waiting",
		    "in_progress", n->file != NULL ? field : NULL, n->now);
	if (rc == STORE_OK && n->mails != NULL &&
	    n->mails(s, n->mails_arg, &r) != 0)
		rc = STORE_ERROR;
	return store_commit_or_rollback(s, rc);
}

/* The citizen's answers to submission `ref`, in order, with their files. */
int
store_my_replies(struct store *s, const char *ref, struct store_reply **out,
    size_t *n)
{
	sqlite3_stmt *st;
	struct store_reply *rows = NULL, *r;
	int	 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
	    "SELECT r.id, r.at, r.text, r.field, u.filename, u.mime, u.size,"
	    " r.seen IS NOT NULL FROM reply r JOIN submission s"
	    " ON s.id = r.submission_id LEFT JOIN upload u"
	    " ON u.ref = s.ref AND u.field = r.field"
	    " WHERE s.ref = ?1 ORDER BY r.id", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "replies");
	if (sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(st);
		return store_fail(s, "replies");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = reallocarray(rows, *n + 1, sizeof(*r))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		rows = r;
		r = &rows[*n];
		memset(r, 0, sizeof(*r));
		if ((r->text = store_dup(sqlite3_column_text(st, 2))) ==
		    NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*n)++;
		r->id = (long)sqlite3_column_int64(st, 0);
		store_copy(r->at, sizeof(r->at), sqlite3_column_text(st, 1));
		/* A file that is gone (purged) is no file. */
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			store_copy(r->field, sizeof(r->field),
			    sqlite3_column_text(st, 3));
			store_copy(r->filename, sizeof(r->filename),
			    sqlite3_column_text(st, 4));
			store_copy(r->mime, sizeof(r->mime),
			    sqlite3_column_text(st, 5));
			r->size = (size_t)sqlite3_column_int64(st, 6);
		}
		r->seen = sqlite3_column_int(st, 7) != 0;
	}
	sqlite3_finalize(st);
	*out = rows;
	if (rc != SQLITE_DONE) {
		store_my_replies_free(rows, *n);
		*out = NULL;
		*n = 0;
		return store_fail(s, "replies");
	}
	return STORE_OK;
}

void
store_my_replies_free(struct store_reply *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(rows[i].text);
	free(rows);
}

/* A clerk has looked at the answers to `ref` (those not seen before). */
int
store_my_replies_seen(struct store *s, const char *ref, const char *now)
{
	const char *v[] = { ref, now };
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	return store_commit_or_rollback(s, store_run(s, "UPDATE reply"
	    " SET seen = ?2 WHERE seen IS NULL AND submission_id ="
	    " (SELECT id FROM submission WHERE ref = ?1)", v, 2,
	    "replies seen"));
}
