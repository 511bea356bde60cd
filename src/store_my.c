#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_my.h"
#include "store_sql.h"

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
	struct store_stmt q;
	struct store_my_row *rows = NULL, *r;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_stmt_prepare(&q, s,
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
	    " ORDER BY s.created DESC, s.id DESC LIMIT ?2", "my list")) !=
	    STORE_OK)
		return rc;
	store_stmt_text(&q, 1, subject);
	store_stmt_int64(&q, 2, STORE_MY_ROWS);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((r = reallocarray(rows, *n + 1, sizeof(*r))) == NULL)
			break;
		rows = r;
		r = &rows[*n];
		memset(r, 0, sizeof(*r));
		store_stmt_copy(&q, 0, r->ref, sizeof(r->ref));
		if ((r->service = store_dup((const unsigned char *)
		    store_stmt_col_text(&q, 1))) == NULL)
			break;
		(*n)++;
		store_stmt_copy(&q, 2, r->created, sizeof(r->created));
		store_stmt_copy(&q, 3, r->status, sizeof(r->status));
		store_stmt_copy(&q, 4, r->payment, sizeof(r->payment));
		r->fee_cents = (long)store_stmt_col_int64(&q, 5);
		r->messages = (long)store_stmt_col_int64(&q, 6);
		r->unanswered = store_stmt_col_int64(&q, 7) != 0;
		if (!store_stmt_col_null(&q, 8) &&
		    (r->last_message = store_dup((const unsigned char *)
		    store_stmt_col_text(&q, 8))) == NULL)
			break;
	}
	if ((rc = store_stmt_rows_end(&q, rc)) != STORE_OK) {
		store_my_list_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
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
	struct store_stmt q;
	const char *v[] = { ref, subject };
	int	 rc;

	memset(sub, 0, sizeof(*sub));
	*token = '\0';
	if (subject == NULL)
		return STORE_NOTFOUND;
	if ((rc = store_stmt_prepare(&q, s, STORE_SUBMISSION_COLUMNS
	    STORE_SUBMISSION_FROM " WHERE s.ref = ?1 AND s.subject = ?2",
	    "my find")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 2);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	store_stmt_copy(&q, 1, token, REF_TOKEN_LEN + 1);
	rc = store_submission_read(&q, ref, sub);
	store_stmt_end(&q);
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
	struct store_stmt q;
	const char *upd[] = { ref, subject };
	int	 rc, match, mine = 0, free_ = 0, purged;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_stmt_prepare(&q, s, "SELECT token, subject, purged IS"
	    " NOT NULL FROM submission WHERE ref = ?1", "claim")) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	store_stmt_text(&q, 1, ref);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	match = ref_equal(token, store_stmt_col_text(&q, 0));
	if (store_stmt_col_null(&q, 1))
		free_ = 1;
	else
		mine = strcmp(store_stmt_col_text(&q, 1), subject) == 0;
	purged = store_stmt_col_int64(&q, 2) != 0;
	store_stmt_end(&q);
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
	const char *v[] = { n->ref, field, f->filename, f->mime };
	struct store_stmt q;
	int	 rc;

	if (f->len == 0 || f->len > STORE_UPLOAD_MAX)
		return store_stmt_fail(s, "answer file size", "empty, or over"
		    " the upload limit");
	if ((rc = store_stmt_prepare(&q, s, "INSERT INTO upload(submit_key,"
	    " field, filename, mime, size, data, created, touched, ref)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?1)", "answer file")) !=
	    STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 4);
	store_stmt_int64(&q, 5, (int64_t)f->len);
	store_stmt_blob(&q, 6, f->data, f->len);
	store_stmt_text(&q, 7, n->now);
	rc = store_stmt_step(&q);
	store_stmt_end(&q);
	return rc;
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
	struct store_stmt q;
	char	 field[STORE_FIELD_MAX], status[STORE_STATUS_MAX];
	char	 idtext[24];
	const char *who[] = { n->ref, n->subject };
	const char *ev[] = { n->ref, "in_progress", n->now, "citizen" };
	const char *upd[] = { n->ref, field, idtext };
	long	 sid = 0, rid = 0;
	int	 rc;

	memset(&r, 0, sizeof(r));
	if (n->subject == NULL)
		return STORE_NOTFOUND;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_lock(s, "submission", n->ref)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	if ((rc = store_stmt_prepare(&q, s, "SELECT id, status, token FROM"
	    " submission WHERE ref = ?1 AND subject = ?2", "answer")) !=
	    STORE_OK)
		return store_commit_or_rollback(s, rc);
	store_stmt_texts(&q, 1, who, 2);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	sid = (long)store_stmt_col_int64(&q, 0);
	store_stmt_copy(&q, 1, status, sizeof(status));
	store_stmt_copy(&q, 2, r.token, sizeof(r.token));
	store_stmt_end(&q);
	if (strcmp(status, "waiting") != 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	store_copy(r.ref, sizeof(r.ref), (const unsigned char *)n->ref);

	if ((rc = store_stmt_prepare(&q, s, "INSERT INTO reply(submission_id,"
	    " at, text) VALUES (?1, ?2, ?3) RETURNING id", "answer")) !=
	    STORE_OK)
		return store_commit_or_rollback(s, rc);
	store_stmt_int64(&q, 1, sid);
	store_stmt_text(&q, 2, n->now);
	store_stmt_text(&q, 3, n->text);
	if ((rc = store_stmt_one(&q)) == STORE_OK) {
		rid = (long)store_stmt_col_int64(&q, 0);
		/* RETURNING rows are only final once the statement ran out. */
		rc = store_stmt_step(&q);
		store_stmt_end(&q);
	}
	/* One row and no more, as an INSERT of one row gives. */
	if (rc == STORE_NOTFOUND || rc == STORE_STMT_ROW)
		rc = store_stmt_fail(s, "answer", "not one id returned");
	if (rc != STORE_OK)
		return store_commit_or_rollback(s, rc);
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
	struct store_stmt q;
	struct store_reply *rows = NULL, *r;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_stmt_prepare(&q, s,
	    "SELECT r.id, r.at, r.text, r.field, u.filename, u.mime, u.size,"
	    " r.seen IS NOT NULL FROM reply r JOIN submission s"
	    " ON s.id = r.submission_id LEFT JOIN upload u"
	    " ON u.ref = s.ref AND u.field = r.field"
	    " WHERE s.ref = ?1 ORDER BY r.id", "replies")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, ref);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((r = reallocarray(rows, *n + 1, sizeof(*r))) == NULL)
			break;
		rows = r;
		r = &rows[*n];
		memset(r, 0, sizeof(*r));
		if ((r->text = store_dup((const unsigned char *)
		    store_stmt_col_text(&q, 2))) == NULL)
			break;
		(*n)++;
		r->id = (long)store_stmt_col_int64(&q, 0);
		store_stmt_copy(&q, 1, r->at, sizeof(r->at));
		/* A file that is gone (purged) is no file. */
		if (!store_stmt_col_null(&q, 4)) {
			store_stmt_copy(&q, 3, r->field, sizeof(r->field));
			store_stmt_copy(&q, 4, r->filename,
			    sizeof(r->filename));
			store_stmt_copy(&q, 5, r->mime, sizeof(r->mime));
			r->size = (size_t)store_stmt_col_int64(&q, 6);
		}
		r->seen = store_stmt_col_int64(&q, 7) != 0;
	}
	if ((rc = store_stmt_rows_end(&q, rc)) != STORE_OK) {
		store_my_replies_free(rows, *n);
		*n = 0;
		return rc;
	}
	*out = rows;
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
