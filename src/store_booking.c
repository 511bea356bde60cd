#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_booking.h"
#include "store_int.h"
#include "store_sql.h"

/*
 * Minutes of `day` at which `t` (YYYY-MM-DDTHH:MM) lies, clamped to the
 * day: before it 0, after it 1440.
 */
static int
store_day_minute(const char *day, const char *t)
{
	int	 c;

	if (t == NULL || strlen(t) != 16)
		return 0;
	if ((c = strncmp(t, day, 10)) < 0)
		return 0;
	if (c > 0)
		return 24 * 60;
	return ((t[11] - '0') * 10 + (t[12] - '0')) * 60 +
	    (t[14] - '0') * 10 + (t[15] - '0');
}

/* A day's bounds as stored times: "YYYY-MM-DDT00:00" and "YYYY-MM-DDT24:00". */
#define STORE_DAY_BOUND	17

static int
store_day_span(struct store *s, const char *day, char *from, char *to)
{
	if (strlen(day) != 10) {
		snprintf(s->err, sizeof(s->err), "day: not YYYY-MM-DD");
		return STORE_ERROR;
	}
	snprintf(from, STORE_DAY_BOUND, "%sT00:00", day);
	snprintf(to, STORE_DAY_BOUND, "%sT24:00", day);
	return STORE_OK;
}

/*
 * Room for item `n` of an array of `size`-byte items, `*cap` of them
 * allocated: the array, twice as long (16 at first) when full, or NULL:
 * out of memory, the array as it was.
 */
static void *
store_room(void *items, size_t *cap, size_t n, size_t size)
{
	size_t	 want;
	void	*more;

	if (n < *cap)
		return items;
	want = *cap ? 2 * *cap : 16;
	if ((more = reallocarray(items, want, size)) == NULL)
		return NULL;
	*cap = want;
	return more;
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
	    " AND (CAST(?4 AS TEXT) IS NULL OR submission_id NOT IN"
	    " (SELECT id FROM submission WHERE submit_key = ?4))"
	    " AND (CAST(?5 AS TEXT) IS NULL OR submission_id NOT IN"
	    " (SELECT id FROM submission WHERE ref = ?5))"
	    " UNION ALL SELECT start, \"end\", 1 FROM cal_block"
	    " WHERE calendar = ?1 AND start < ?3 AND \"end\" > ?2";
	char	 from[STORE_DAY_BOUND], to[STORE_DAY_BOUND];
	const char *v[5] = { calendar, from, to, except_key, except_ref };
	struct cal_taken *t = NULL, *more;
	struct store_stmt q;
	size_t	 cap = 0;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_day_span(s, day, from, to)) != STORE_OK ||
	    (rc = store_stmt_prepare(&q, s, sql, "day taken")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 5);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((more = store_room(t, &cap, *n, sizeof(*t))) == NULL)
			break;
		t = more;
		t[*n].from = store_day_minute(day, store_stmt_col_text(&q, 0));
		t[*n].to = store_day_minute(day, store_stmt_col_text(&q, 1));
		t[*n].all = (int)store_stmt_col_int64(&q, 2);
		(*n)++;
	}
	if ((rc = store_stmt_rows_end(&q, rc)) != STORE_OK) {
		free(t);
		*n = 0;
		return rc;
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
	/* Two bookings of the last place: one at a time decides. */
	if ((rc = store_lock(s, "calendar", b->calendar)) != STORE_OK)
		return rc;
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
	    " field, start, \"end\", held_end, created) VALUES ((SELECT id FROM"
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
	const char *v[] = { now };
	long	 changes;
	int	 rc;

	if ((rc = store_booking_of(s, ref, &b)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
	if (b.id != id || strcmp(b.state, "booked") != 0)
		return STORE_CONFLICT;
	if ((rc = store_stmt_run_id(s, "UPDATE booking SET state ="
	    " 'cancelled', changed = ?2 WHERE id = ?1 AND state = 'booked'",
	    id, v, 1, "cancel booking", &changes)) != STORE_OK)
		return rc;
	if (changes != 1)
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
	struct store_stmt q;
	int	 rc;

	memset(b, 0, sizeof(*b));
	if ((rc = store_stmt_prepare(&q, s, "SELECT b.id, b.calendar, b.field,"
	    " b.start, b.\"end\", b.held_end, b.state FROM booking b"
	    " JOIN submission s ON s.id = b.submission_id WHERE s.ref = ?1"
	    " ORDER BY b.state = 'cancelled', b.id DESC LIMIT 1",
	    "booking")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, ref);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	b->id = (long)store_stmt_col_int64(&q, 0);
	store_stmt_copy(&q, 1, b->calendar, sizeof(b->calendar));
	store_stmt_copy(&q, 2, b->field, sizeof(b->field));
	store_stmt_copy(&q, 3, b->start, sizeof(b->start));
	store_stmt_copy(&q, 4, b->end, sizeof(b->end));
	store_stmt_copy(&q, 5, b->held_end, sizeof(b->held_end));
	store_stmt_copy(&q, 6, b->state, sizeof(b->state));
	store_stmt_end(&q);
	return STORE_OK;
}

int
store_reminders_due(struct store *s, const char *after, const char *until,
    struct store_reminder **out, size_t *n)
{
	const char *v[2] = { after, until };
	struct store_reminder *r = NULL, *more;
	struct store_stmt q;
	size_t	 cap = 0;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_stmt_prepare(&q, s, "SELECT b.id, s.ref, s.token,"
	    " s.lang, s.email, d.xml, s.subject IS NOT NULL, b.start, b.created"
	    " FROM booking b"
	    " JOIN submission s ON s.id = b.submission_id"
	    " LEFT JOIN definition d ON d.id = s.definition_id"
	    " WHERE b.state = 'booked' AND b.reminded IS NULL"
	    " AND b.start > ?1 AND b.start <= ?2 AND s.email IS NOT NULL"
	    " AND s.purged IS NULL ORDER BY b.start, b.id", "reminders")) !=
	    STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 2);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((more = store_room(r, &cap, *n, sizeof(*r))) == NULL)
			break;
		r = more;
		memset(&r[*n], 0, sizeof(r[*n]));
		r[*n].id = (long)store_stmt_col_int64(&q, 0);
		store_stmt_copy(&q, 1, r[*n].ref, sizeof(r[*n].ref));
		store_stmt_copy(&q, 2, r[*n].token, sizeof(r[*n].token));
		store_stmt_copy(&q, 3, r[*n].lang, sizeof(r[*n].lang));
		r[*n].email = store_dup((const unsigned char *)
		    store_stmt_col_text(&q, 4));
		r[*n].definition_xml = store_stmt_col_null(&q, 5) ? NULL :
		    store_dup((const unsigned char *)store_stmt_col_text(&q,
		    5));
		r[*n].account = (int)store_stmt_col_int64(&q, 6);
		store_stmt_copy(&q, 7, r[*n].start, sizeof(r[*n].start));
		store_stmt_copy(&q, 8, r[*n].created, sizeof(r[*n].created));
		(*n)++;
		if (r[*n - 1].email == NULL || (!store_stmt_col_null(&q, 5) &&
		    r[*n - 1].definition_xml == NULL))
			break;
	}
	if ((rc = store_stmt_rows_end(&q, rc)) != STORE_OK) {
		store_reminders_free(r, *n);
		*n = 0;
		return rc;
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
	const char *v[] = { now };
	long	 changes;
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_stmt_run_id(s, "UPDATE booking SET reminded = ?2"
	    " WHERE id = ?1 AND reminded IS NULL AND state = 'booked'", id,
	    v, 1, "remind", &changes)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	if (changes != 1)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	return store_commit_or_rollback(s, store_queue_mail(s, ref, to,
	    subject, body));
}

int
store_day(struct store *s, const char *calendar, const char *day,
    struct store_day_row **rows, size_t *nrows, struct store_block_row **blocks,
    size_t *nblocks)
{
	char	 from[STORE_DAY_BOUND], to[STORE_DAY_BOUND];
	const char *v[3] = { calendar, from, to };
	struct store_day_row *r = NULL, *rmore;
	struct store_block_row *b = NULL, *bmore;
	struct store_stmt q;
	size_t	 cap = 0;
	int	 rc;

	*rows = NULL;
	*blocks = NULL;
	*nrows = *nblocks = 0;
	if ((rc = store_day_span(s, day, from, to)) != STORE_OK)
		return rc;
	if ((rc = store_stmt_prepare(&q, s, "SELECT b.id, s.ref, s.service,"
	    " b.state, b.start, b.\"end\", s.answers FROM booking b JOIN"
	    " submission s ON s.id = b.submission_id WHERE b.calendar = ?1"
	    " AND b.start >= ?2 AND b.start < ?3 ORDER BY b.start,"
	    " b.state = 'cancelled', b.id", "day")) != STORE_OK)
		goto fail;
	store_stmt_texts(&q, 1, v, 3);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((rmore = store_room(r, &cap, *nrows, sizeof(*r))) == NULL)
			goto nomem;
		r = rmore;
		memset(&r[*nrows], 0, sizeof(r[*nrows]));
		r[*nrows].id = (long)store_stmt_col_int64(&q, 0);
		store_stmt_copy(&q, 1, r[*nrows].ref, sizeof(r[*nrows].ref));
		store_stmt_copy(&q, 2, r[*nrows].service,
		    sizeof(r[*nrows].service));
		store_stmt_copy(&q, 3, r[*nrows].state,
		    sizeof(r[*nrows].state));
		store_stmt_copy(&q, 4, r[*nrows].start,
		    sizeof(r[*nrows].start));
		store_stmt_copy(&q, 5, r[*nrows].end, sizeof(r[*nrows].end));
		if ((r[*nrows].answers = store_dup((const unsigned char *)
		    store_stmt_col_text(&q, 6))) == NULL)
			goto nomem;
		(*nrows)++;
	}
	store_stmt_end(&q);
	if (rc != STORE_OK)
		goto fail;
	cap = 0;
	if ((rc = store_stmt_prepare(&q, s, "SELECT id, start, \"end\", reason,"
	    " clerk FROM cal_block WHERE calendar = ?1 AND start < ?3"
	    " AND \"end\" > ?2 ORDER BY start, id", "day")) != STORE_OK)
		goto fail;
	store_stmt_texts(&q, 1, v, 3);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((bmore = store_room(b, &cap, *nblocks, sizeof(*b))) == NULL)
			goto nomem;
		b = bmore;
		memset(&b[*nblocks], 0, sizeof(b[*nblocks]));
		b[*nblocks].id = (long)store_stmt_col_int64(&q, 0);
		store_stmt_copy(&q, 1, b[*nblocks].start,
		    sizeof(b[*nblocks].start));
		store_stmt_copy(&q, 2, b[*nblocks].end,
		    sizeof(b[*nblocks].end));
		store_stmt_copy(&q, 3, b[*nblocks].reason,
		    sizeof(b[*nblocks].reason));
		store_stmt_copy(&q, 4, b[*nblocks].clerk,
		    sizeof(b[*nblocks].clerk));
		(*nblocks)++;
	}
	store_stmt_end(&q);
	if (rc != STORE_OK)
		goto fail;
	*rows = r;
	*blocks = b;
	return STORE_OK;
nomem:
	rc = store_stmt_fail(s, "day", "out of memory");
fail:
	/* Harmless on a statement ended already or not prepared. */
	store_stmt_end(&q);
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

/*
 * The text of the one column `sql` reads for the id at ?1 (and `text`
 * at ?2, if not NULL) into dst; "" when there is no row (STORE_OK).
 */
static int
store_booking_get(struct store *s, const char *sql, long id,
    const char *text, const char *what, char *dst, size_t size)
{
	struct store_stmt q;
	int	 rc;

	*dst = '\0';
	if ((rc = store_stmt_prepare(&q, s, sql, what)) != STORE_OK)
		return rc;
	store_stmt_int64(&q, 1, id);
	if (text != NULL)
		store_stmt_text(&q, 2, text);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	store_stmt_copy(&q, 0, dst, size);
	store_stmt_end(&q);
	return STORE_OK;
}

int
store_booking_mark(struct store *s, long id, const char *ref,
    const char *state, const char *actor, const char *now)
{
	char	 action[32], before[16] = "";
	const char *v[] = { state, now };
	int	 rc;

	snprintf(action, sizeof(action), "booking-%s", state);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_booking_get(s, "SELECT state FROM booking WHERE"
	    " id = ?1", id, NULL, "mark", before, sizeof(before))) !=
	    STORE_OK)
		return store_commit_or_rollback(s, rc);
	if (*before == '\0' || strcmp(before, "cancelled") == 0)
		return store_commit_or_rollback(s, STORE_CONFLICT);
	if ((rc = store_stmt_run_id(s, "UPDATE booking SET state = ?2,"
	    " changed = ?3 WHERE id = ?1", id, v, 2, "mark", NULL)) !=
	    STORE_OK)
		return store_commit_or_rollback(s, rc);
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
	if ((rc = store_run(s, "INSERT INTO cal_block(calendar, start, \"end\","
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
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_booking_get(s, "SELECT start || '-' || \"end\" FROM"
	    " cal_block WHERE id = ?1 AND calendar = ?2", id, calendar,
	    "unblock", span, sizeof(span))) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	if (*span == '\0')
		return store_commit_or_rollback(s, STORE_NOTFOUND);
	if ((rc = store_stmt_run_id(s, "DELETE FROM cal_block WHERE id = ?1",
	    id, NULL, 0, "unblock", NULL)) != STORE_OK)
		return store_commit_or_rollback(s, rc);
	return store_commit_or_rollback(s, store_audit_row(s, actor,
	    "unblock", NULL, span, NULL, calendar, now));
}
