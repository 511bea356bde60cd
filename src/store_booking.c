#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_booking.h"
#include "store_int.h"

/*
 * Minutes of `day` at which `t` (YYYY-MM-DDTHH:MM) lies, clamped to the
 * day: before it 0, after it 1440.
 */
static int
store_day_minute(const char *day, const unsigned char *t)
{
	int	 c;

	if (t == NULL || strlen((const char *)t) != 16)
		return 0;
	if ((c = strncmp((const char *)t, day, 10)) < 0)
		return 0;
	if (c > 0)
		return 24 * 60;
	return ((t[11] - '0') * 10 + (t[12] - '0')) * 60 +
	    (t[14] - '0') * 10 + (t[15] - '0');
}

int
store_day_taken(struct store *s, const char *calendar, const char *day,
    const char *except_key, const char *except_ref, struct cal_taken **out,
    size_t *n)
{
	/* What overlaps the day: starts before its end, ends after its
	 * start. A cancelled booking holds nothing. */
	/* A booking starts on its day (it may end at the next midnight):
	 * the index on (calendar, start) reads the day alone. A block may
	 * span days. */
	static const char sql[] =
	    "SELECT start, held_end, 0 FROM booking WHERE calendar = ?1"
	    " AND state != 'cancelled' AND start >= ?2 AND start < ?3"
	    " AND (?4 IS NULL OR submission_id NOT IN (SELECT id FROM"
	    " submission WHERE submit_key = ?4))"
	    " AND (?5 IS NULL OR submission_id NOT IN (SELECT id FROM"
	    " submission WHERE ref = ?5))"
	    " UNION ALL SELECT start, end, 1 FROM cal_block"
	    " WHERE calendar = ?1 AND start < ?3 AND end > ?2";
	char	 from[17], to[17];
	const char *v[5] = { calendar, from, to, except_key, except_ref };
	struct cal_taken *t = NULL, *more;
	sqlite3_stmt *st;
	size_t	 cap = 0;
	int	 rc;

	*out = NULL;
	*n = 0;
	if (strlen(day) != 10) {
		snprintf(s->err, sizeof(s->err), "day: not YYYY-MM-DD");
		return STORE_ERROR;
	}
	snprintf(from, sizeof(from), "%sT00:00", day);
	snprintf(to, sizeof(to), "%sT24:00", day);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "day taken");
	if (store_bind_texts(st, v, 5) != 0) {
		sqlite3_finalize(st);
		return store_fail(s, "day taken");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((more = reallocarray(t, cap, sizeof(*t))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			t = more;
		}
		t[*n].from = store_day_minute(day, sqlite3_column_text(st, 0));
		t[*n].to = store_day_minute(day, sqlite3_column_text(st, 1));
		t[*n].all = sqlite3_column_int(st, 2);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(t);
		*n = 0;
		return rc == SQLITE_NOMEM ? (snprintf(s->err, sizeof(s->err),
		    "day taken: out of memory"), STORE_ERROR) :
		    store_fail(s, "day taken");
	}
	*out = t;
	return STORE_OK;
}

int
store_book(struct store *s, const struct store_booking *b, const char *ref,
    const char *now)
{
	const char *v[] = { ref, b->calendar, b->field, b->start, b->end,
	    b->held_end, now };
	struct cal_taken *taken;
	char	 day[11];
	size_t	 n;
	int	 rc, is_free;

	if (strlen(b->start) != 16 || strlen(b->held_end) != 16) {
		snprintf(s->err, sizeof(s->err), "booking: not a slot");
		return STORE_ERROR;
	}
	memcpy(day, b->start, 10);
	day[10] = '\0';
	if ((rc = store_day_taken(s, b->calendar, day, NULL, NULL, &taken,
	    &n)) != STORE_OK)
		return rc;
	is_free = b->free(b->arg, taken, n);
	free(taken);
	if (!is_free) {
		snprintf(s->err, sizeof(s->err), "booking: %s taken",
		    b->start);
		return STORE_TAKEN;
	}
	if ((rc = store_run(s, "INSERT INTO booking(submission_id, calendar,"
	    " field, start, end, held_end, created) VALUES ((SELECT id FROM"
	    " submission WHERE ref = ?1), ?2, ?3, ?4, ?5, ?6, ?7)", v, 7,
	    "booking")) != STORE_OK)
		return rc;
	return store_audit_row(s, "citizen", "booking", ref, NULL, b->start,
	    b->calendar, now);
}

/*
 * Within a transaction: the standing booking `id` of `ref` cancelled,
 * audited as `action` by `actor`. STORE_CONFLICT when it no longer stands
 * (cancelled or worked meanwhile).
 */
static int
store_booking_drop(struct store *s, long id, const char *ref,
    const char *actor, const char *action, const char *now)
{
	struct store_booking_row b;
	sqlite3_stmt *st;
	int	 rc;

	if ((rc = store_booking_of(s, ref, &b)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
	if (b.id != id || strcmp(b.state, "booked") != 0)
		return STORE_CONFLICT;
	if (sqlite3_prepare_v2(s->db, "UPDATE booking SET state = 'cancelled',"
	    " changed = ?2 WHERE id = ?1 AND state = 'booked'", -1, &st,
	    NULL) != SQLITE_OK)
		return store_fail(s, "cancel booking");
	rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC) == SQLITE_OK ?
	    sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "cancel booking");
	if (sqlite3_changes(s->db) != 1)
		return STORE_CONFLICT;
	return store_audit_row(s, actor, action, ref, b.start, NULL,
	    b.calendar, now);
}

int
store_booking_cancel(struct store *s, long id, const char *ref,
    const char *actor, const char *now)
{
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	return store_commit_or_rollback(s, store_booking_drop(s, id, ref,
	    actor, "booking-cancel", now));
}

/*
 * Move: the old booking cancelled and the new one taken in one
 * transaction, so that its own place is free for it, and a place taken
 * meanwhile leaves the old booking standing (STORE_TAKEN).
 */
int
store_booking_move(struct store *s, long id, const char *ref,
    const struct store_booking *b, const char *actor, const char *now)
{
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_booking_drop(s, id, ref, actor, "booking-move",
	    now)) == STORE_OK)
		rc = store_book(s, b, ref, now);
	return store_commit_or_rollback(s, rc);
}

int
store_booking_of(struct store *s, const char *ref,
    struct store_booking_row *b)
{
	sqlite3_stmt *st;
	int	 rc;

	memset(b, 0, sizeof(*b));
	if (sqlite3_prepare_v2(s->db, "SELECT b.id, b.calendar, b.field,"
	    " b.start, b.end, b.held_end, b.state FROM booking b"
	    " JOIN submission s ON s.id = b.submission_id WHERE s.ref = ?1"
	    " ORDER BY b.state = 'cancelled', b.id DESC LIMIT 1", -1, &st,
	    NULL) != SQLITE_OK)
		return store_fail(s, "booking");
	if (sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(st);
		return store_fail(s, "booking");
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		b->id = (long)sqlite3_column_int64(st, 0);
		store_copy(b->calendar, sizeof(b->calendar),
		    sqlite3_column_text(st, 1));
		store_copy(b->field, sizeof(b->field),
		    sqlite3_column_text(st, 2));
		store_copy(b->start, sizeof(b->start),
		    sqlite3_column_text(st, 3));
		store_copy(b->end, sizeof(b->end), sqlite3_column_text(st, 4));
		store_copy(b->held_end, sizeof(b->held_end),
		    sqlite3_column_text(st, 5));
		store_copy(b->state, sizeof(b->state),
		    sqlite3_column_text(st, 6));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(s, "booking");
}

int
store_reminders_due(struct store *s, const char *after, const char *until,
    struct store_reminder **out, size_t *n)
{
	const char *v[2] = { after, until };
	struct store_reminder *r = NULL, *more;
	sqlite3_stmt *st;
	size_t	 cap = 0;
	int	 rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT b.id, s.ref, s.token, s.lang,"
	    " s.email, d.xml, s.subject IS NOT NULL, b.start, b.created"
	    " FROM booking b"
	    " JOIN submission s ON s.id = b.submission_id"
	    " LEFT JOIN definition d ON d.id = s.definition_id"
	    " WHERE b.state = 'booked' AND b.reminded IS NULL"
	    " AND b.start > ?1 AND b.start <= ?2 AND s.email IS NOT NULL"
	    " AND s.purged IS NULL ORDER BY b.start, b.id", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "reminders");
	if (store_bind_texts(st, v, 2) != 0) {
		sqlite3_finalize(st);
		return store_fail(s, "reminders");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((more = reallocarray(r, cap, sizeof(*r))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			r = more;
		}
		memset(&r[*n], 0, sizeof(r[*n]));
		r[*n].id = (long)sqlite3_column_int64(st, 0);
		store_copy(r[*n].ref, sizeof(r[*n].ref),
		    sqlite3_column_text(st, 1));
		store_copy(r[*n].token, sizeof(r[*n].token),
		    sqlite3_column_text(st, 2));
		store_copy(r[*n].lang, sizeof(r[*n].lang),
		    sqlite3_column_text(st, 3));
		r[*n].email = store_dup(sqlite3_column_text(st, 4));
		r[*n].definition_xml = sqlite3_column_type(st, 5) == SQLITE_NULL ?
		    NULL : store_dup(sqlite3_column_text(st, 5));
		r[*n].account = sqlite3_column_int(st, 6);
		store_copy(r[*n].start, sizeof(r[*n].start),
		    sqlite3_column_text(st, 7));
		store_copy(r[*n].created, sizeof(r[*n].created),
		    sqlite3_column_text(st, 8));
		(*n)++;
		if (r[*n - 1].email == NULL || (sqlite3_column_type(st, 5) !=
		    SQLITE_NULL && r[*n - 1].definition_xml == NULL)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_reminders_free(r, *n);
		*n = 0;
		if (rc == SQLITE_NOMEM) {
			snprintf(s->err, sizeof(s->err), "reminders: out of"
			    " memory");
			return STORE_ERROR;
		}
		return store_fail(s, "reminders");
	}
	*out = r;
	return STORE_OK;
}

void
store_reminders_free(struct store_reminder *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(r[i].email);
		free(r[i].definition_xml);
	}
	free(r);
}

int
store_remind(struct store *s, long id, const char *ref, const char *to,
    const char *subject, const char *body, const char *now)
{
	sqlite3_stmt *st;
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "UPDATE booking SET reminded = ?2"
	    " WHERE id = ?1 AND reminded IS NULL AND state = 'booked'", -1,
	    &st, NULL) != SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "remind"));
	rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC) == SQLITE_OK ?
	    sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_commit_or_rollback(s, store_fail(s, "remind"));
	if (sqlite3_changes(s->db) != 1)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	return store_commit_or_rollback(s, store_queue_mail(s, ref, to,
	    subject, body));
}

int
store_day(struct store *s, const char *calendar, const char *day,
    struct store_day_row **rows, size_t *nrows, struct store_block_row **blocks,
    size_t *nblocks)
{
	char	 from[17], to[17];
	const char *v[3] = { calendar, from, to };
	struct store_day_row *r = NULL, *rmore;
	struct store_block_row *b = NULL, *bmore;
	sqlite3_stmt *st = NULL;
	size_t	 cap = 0;
	int	 rc;

	*rows = NULL;
	*blocks = NULL;
	*nrows = *nblocks = 0;
	if (strlen(day) != 10) {
		snprintf(s->err, sizeof(s->err), "day: not YYYY-MM-DD");
		return STORE_ERROR;
	}
	snprintf(from, sizeof(from), "%sT00:00", day);
	snprintf(to, sizeof(to), "%sT24:00", day);
	if (sqlite3_prepare_v2(s->db, "SELECT b.id, s.ref, s.service,"
	    " b.state, b.start, b.end, s.answers FROM booking b JOIN"
	    " submission s ON s.id = b.submission_id WHERE b.calendar = ?1"
	    " AND b.start >= ?2 AND b.start < ?3 ORDER BY b.start,"
	    " b.state = 'cancelled', b.id", -1, &st, NULL) != SQLITE_OK ||
	    store_bind_texts(st, v, 3) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*nrows == cap) {
			cap = cap ? 2 * cap : 16;
			if ((rmore = reallocarray(r, cap, sizeof(*r))) == NULL)
				goto nomem;
			r = rmore;
		}
		memset(&r[*nrows], 0, sizeof(r[*nrows]));
		r[*nrows].id = (long)sqlite3_column_int64(st, 0);
		store_copy(r[*nrows].ref, sizeof(r[*nrows].ref),
		    sqlite3_column_text(st, 1));
		store_copy(r[*nrows].service, sizeof(r[*nrows].service),
		    sqlite3_column_text(st, 2));
		store_copy(r[*nrows].state, sizeof(r[*nrows].state),
		    sqlite3_column_text(st, 3));
		store_copy(r[*nrows].start, sizeof(r[*nrows].start),
		    sqlite3_column_text(st, 4));
		store_copy(r[*nrows].end, sizeof(r[*nrows].end),
		    sqlite3_column_text(st, 5));
		if ((r[*nrows].answers = store_dup(sqlite3_column_text(st,
		    6))) == NULL)
			goto nomem;
		(*nrows)++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	cap = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT id, start, end, reason, clerk"
	    " FROM cal_block WHERE calendar = ?1 AND start < ?3 AND end > ?2"
	    " ORDER BY start, id", -1, &st, NULL) != SQLITE_OK ||
	    store_bind_texts(st, v, 3) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*nblocks == cap) {
			cap = cap ? 2 * cap : 8;
			if ((bmore = reallocarray(b, cap, sizeof(*b))) == NULL)
				goto nomem;
			b = bmore;
		}
		memset(&b[*nblocks], 0, sizeof(b[*nblocks]));
		b[*nblocks].id = (long)sqlite3_column_int64(st, 0);
		store_copy(b[*nblocks].start, sizeof(b[*nblocks].start),
		    sqlite3_column_text(st, 1));
		store_copy(b[*nblocks].end, sizeof(b[*nblocks].end),
		    sqlite3_column_text(st, 2));
		store_copy(b[*nblocks].reason, sizeof(b[*nblocks].reason),
		    sqlite3_column_text(st, 3));
		store_copy(b[*nblocks].clerk, sizeof(b[*nblocks].clerk),
		    sqlite3_column_text(st, 4));
		(*nblocks)++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	*rows = r;
	*blocks = b;
	return STORE_OK;
nomem:
	snprintf(s->err, sizeof(s->err), "day: out of memory");
	sqlite3_finalize(st);
	store_day_free(r, *nrows, b);
	*nrows = *nblocks = 0;
	return STORE_ERROR;
fail:
	rc = store_fail(s, "day");
	sqlite3_finalize(st);
	store_day_free(r, *nrows, b);
	*nrows = *nblocks = 0;
	return rc;
}

void
store_day_free(struct store_day_row *r, size_t n, struct store_block_row *b)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(r[i].answers);
	free(r);
	free(b);
}

int
store_booking_mark(struct store *s, long id, const char *ref,
    const char *state, const char *actor, const char *now)
{
	char	 action[32], before[16] = "";
	sqlite3_stmt *st;
	int	 rc;

	snprintf(action, sizeof(action), "booking-%s", state);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT state FROM booking WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "mark"));
	rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK ? sqlite3_step(st) :
	    SQLITE_ERROR;
	if (rc == SQLITE_ROW)
		store_copy(before, sizeof(before), sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_commit_or_rollback(s, store_fail(s, "mark"));
	if (*before == '\0' || strcmp(before, "cancelled") == 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	if (sqlite3_prepare_v2(s->db, "UPDATE booking SET state = ?2,"
	    " changed = ?3 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "mark"));
	rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC) == SQLITE_OK ?
	    sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_commit_or_rollback(s, store_fail(s, "mark"));
	return store_commit_or_rollback(s, store_audit_row(s, actor, action,
	    ref, before, state, NULL, now));
}

int
store_block_add(struct store *s, const char *calendar, const char *start,
    const char *end, const char *reason, const char *clerk, const char *now)
{
	const char *v[] = { calendar, start, end, reason, clerk, now };
	char	 span[40];
	int	 rc;

	snprintf(span, sizeof(span), "%s-%s", start, end);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_run(s, "INSERT INTO cal_block(calendar, start, end,"
	    " reason, clerk, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", v, 6,
	    "block")) == STORE_OK)
		rc = store_audit_row(s, clerk, "block", NULL, NULL, span,
		    calendar, now);
	return store_commit_or_rollback(s, rc);
}

int
store_block_remove(struct store *s, long id, const char *calendar,
    const char *actor, const char *now)
{
	char	 span[40] = "";
	sqlite3_stmt *st;
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT start || '-' || end FROM"
	    " cal_block WHERE id = ?1 AND calendar = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "unblock"));
	rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, calendar, -1, SQLITE_STATIC) ==
	    SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
	if (rc == SQLITE_ROW)
		store_copy(span, sizeof(span), sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_commit_or_rollback(s, store_fail(s, "unblock"));
	if (*span == '\0')
		return store_commit_or_rollback(s, STORE_NOTFOUND);
	if (sqlite3_prepare_v2(s->db, "DELETE FROM cal_block WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return store_commit_or_rollback(s, store_fail(s, "unblock"));
	rc = sqlite3_bind_int64(st, 1, id) == SQLITE_OK ? sqlite3_step(st) :
	    SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_commit_or_rollback(s, store_fail(s, "unblock"));
	return store_commit_or_rollback(s, store_audit_row(s, actor,
	    "unblock", NULL, span, NULL, calendar, now));
}
