#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <nettle/sha2.h>

#include "buf.h"
#include "store.h"
#include "store_admin.h"
#include "store_int.h"
#include "store_sql.h"
#include "text.h"
#include "when.h"

/* A day of the calendar as YYYY-MM-DD, and in `next` the day after. */
static int
store_is_date(const char *d, char next[11])
{
	struct when_date w;
	size_t	 i;

	if (d == NULL || strlen(d) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : d[i] < '0' || d[i] > '9')
			return 0;
	if (when_parse_date(d, &w) != 0)
		return 0;
	when_from_days(when_days(&w) + 1, &w);
	when_format(&w, next);
	return 1;
}


int
store_each(struct store *s, const struct store_filter *flt,
    int (*fn)(void *, const struct store_row *), void *arg)
{
	const char *values[4];
	char	 after_from[11], after_to[11];
	struct store_row row;
	struct store_stmt q;
	int	 rc;

	if (flt->service == NULL || (flt->from != NULL &&
	    !store_is_date(flt->from, after_from)) || (flt->to != NULL &&
	    !store_is_date(flt->to, after_to))) {
		snprintf(s->err, sizeof(s->err), "filter: a service, and dates"
		    " as YYYY-MM-DD");
		return STORE_ERROR;
	}
	values[0] = flt->service;
	values[1] = flt->from;
	values[2] = flt->to != NULL ? after_to : NULL;
	values[3] = flt->status;
	/* Time stamps compare as text: "2026-03-01" sorts before that day's
	 * "2026-03-01T..."; the end (?3) is the start of the day after
	 * `to`. */
	if ((rc = store_stmt_prepare(&q, s,
	    "SELECT s.ref, s.created, s.status, s.service_version,"
	    " s.fee_cents, s.answers, d.xml, s.email, s.purged"
	    " FROM submission s LEFT JOIN definition d"
	    " ON d.id = s.definition_id WHERE s.service = ?1"
	    " AND (CAST(?2 AS TEXT) IS NULL OR s.created >= ?2)"
	    " AND (CAST(?3 AS TEXT) IS NULL OR s.created < ?3)"
	    " AND (CAST(?4 AS TEXT) IS NULL OR s.status = ?4)"
	    " ORDER BY s.created, s.id", "each")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, values, 4);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		row.ref = store_stmt_col_text(&q, 0);
		row.created = store_stmt_col_text(&q, 1);
		row.status = store_stmt_col_text(&q, 2);
		row.version = (long)store_stmt_col_int64(&q, 3);
		row.fee_cents = (long)store_stmt_col_int64(&q, 4);
		row.answers_xml = store_stmt_col_text(&q, 5);
		row.definition_xml = store_stmt_col_text(&q, 6);
		row.email = store_stmt_col_text(&q, 7);
		row.purged = store_stmt_col_text(&q, 8);
		if (row.ref == NULL || row.created == NULL ||
		    row.status == NULL || row.answers_xml == NULL) {
			rc = store_stmt_fail(s, "each", "a submission without"
			    " its reference, date, status or answers");
			break;
		}
		if (fn(arg, &row) != 0) {
			rc = store_stmt_fail(s, "each", "stopped");
			break;
		}
	}
	store_stmt_end(&q);
	return rc;
}

/*
 * The submissions due for purging, as the body of a subquery: ?1 the
 * service, ?2 the cutoff. The last status event decides, by its order of
 * writing. Every statement of the purge selects them anew within one
 * transaction, and the submission itself is marked last.
 */
#define STORE_DUE \
	"SELECT id FROM submission s WHERE s.service = ?1" \
	" AND s.status IN ('completed', 'rejected') AND s.purged IS NULL" \
	" AND (SELECT e.at FROM status_event e WHERE e.submission_id = s.id" \
	" ORDER BY e.id DESC LIMIT 1) < ?2"

/*
 * The search index of the submissions due keeps their reference alone,
 * folded in C as store_insert folds it (PostgreSQL has no rathaus_fold):
 * their ids and references first, then one row after the other.
 */
static int
store_purge_search(struct store *s, const char *const *values)
{
	struct store_stmt q;
	struct buf text;
	int64_t	*ids = NULL, *more;
	char	**refs = NULL, **mr;
	size_t	 n = 0, i;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "SELECT id, ref FROM submission"
	    " WHERE id IN (" STORE_DUE ")", "purge search")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, values, 2);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((more = reallocarray(ids, n + 1, sizeof(*ids))) != NULL)
			ids = more;
		if ((mr = reallocarray(refs, n + 1, sizeof(*refs))) != NULL)
			refs = mr;
		if (more == NULL || mr == NULL || (refs[n] = strdup(
		    store_stmt_col_text(&q, 1))) == NULL) {
			rc = store_stmt_fail(s, "purge search", "out of memory");
			break;
		}
		ids[n++] = store_stmt_col_int64(&q, 0);
	}
	store_stmt_end(&q);
	for (i = 0; rc == STORE_OK && i < n; i++) {
		buf_init(&text, 0);
		if (store_search_text(&text, refs[i], "<values/>") != 0)
			rc = store_stmt_fail(s, "purge search",
			    "out of memory");
		else {
			const char *v[] = { buf_str(&text) };

			rc = store_stmt_run_id(s, "UPDATE submission_search SET"
			    " text = ?2 WHERE rowid = ?1", ids[i], v, 1,
			    "purge search", NULL);
		}
		buf_free(&text);
	}
	for (i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
	free(ids);
	return rc;
}

int
store_purge(struct store *s, const char *service, const char *cutoff_iso,
    const char *actor, const char *now_iso, long *count)
{
	static const char *const sql[] = {
		"INSERT INTO audit(at, actor, action, ref, detail)"
		" SELECT ?3, ?4, 'purge', ref, 'retention' FROM submission"
		" WHERE id IN (" STORE_DUE ") ORDER BY id",
		"DELETE FROM upload WHERE ref IN (SELECT ref FROM submission"
		" WHERE id IN (" STORE_DUE "))",
		"DELETE FROM note WHERE submission_id IN (" STORE_DUE ")",
		/* The citizen's answers (their files went with upload). */
		"DELETE FROM reply WHERE submission_id IN (" STORE_DUE ")",
		"DELETE FROM outbox WHERE submission_id IN (" STORE_DUE ")",
		"UPDATE status_event SET message = NULL"
		" WHERE submission_id IN (" STORE_DUE ")",
		"UPDATE submission SET answers = '<values/>', email = NULL,"
		" subject = NULL, trust_level = NULL,"
		" purged = ?3 WHERE id IN (" STORE_DUE ")",
	};
	const char *values[4] = { service, cutoff_iso, now_iso, actor };
	size_t	 i;
	int	 rc;

	*count = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	/* The last statement marks the submissions: its count is theirs. */
	rc = store_purge_search(s, values);
	for (i = 0; rc == STORE_OK && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = store_stmt_run(s, sql[i], values, 4, "purge", count);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK)
		*count = 0;
	return rc;
}

/*
 * The search index and the status counts made anew from the submissions,
 * in one transaction: for rows written by other means than the store
 * (a restore, bench/inbox's bulk insert).
 */
int
store_reindex(struct store *s, long *count)
{
	static const char *const sql[] = {
		"DELETE FROM submission_search",
		"INSERT INTO submission_search(rowid, text) SELECT id,"
		" rathaus_fold(ref, answers) FROM submission",
		"DELETE FROM status_count",
		"INSERT INTO status_count(service, status, n) SELECT service,"
		" status, count(*) FROM submission GROUP BY service, status",
		"INSERT INTO submission_search(submission_search)"
		" VALUES ('optimize')",
	};
	size_t	 i;
	int	 rc;

	*count = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	for (i = 0; rc == STORE_OK && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = store_stmt_run(s, sql[i], NULL, 0, "reindex", i == 1 ?
		    count : NULL);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK)
		*count = 0;
	return rc;
}

/* "name" with its quotes doubled, for SQL. */
static void
store_sum_ident(struct buf *b, const char *name)
{
	buf_addch(b, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"')
			buf_addch(b, '"');
		buf_addch(b, *name);
	}
	buf_addch(b, '"');
}

/*
 * The column names `query` (on pragma_table_info(?1)) gives for `table`,
 * quoted, ", " between them, appended to `out`; how many, or -1.
 */
static int
store_sum_names(struct store *s, const char *query, const char *table,
    struct buf *out)
{
	struct store_stmt q;
	int	 rc, n = 0;

	if (store_stmt_prepare(&q, s, query, "checksum columns") != STORE_OK)
		return -1;
	store_stmt_text(&q, 1, table);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if (n++ > 0)
			buf_addstr(out, ", ");
		store_sum_ident(out, store_stmt_col_text(&q, 0));
	}
	store_stmt_end(&q);
	return rc == STORE_OK ? n : -1;
}

/*
 * SELECT of every column of `table` in column order, ordered by its
 * primary key's columns (or by every column); how many columns, or -1.
 */
static int
store_sum_select(struct store *s, const char *table, struct buf *sql)
{
	int	 ncols, nkey, i;

	buf_reset(sql);
	buf_addstr(sql, "SELECT ");
	if ((ncols = store_sum_names(s, "SELECT name FROM"
	    " pragma_table_info(?1) ORDER BY cid", table, sql)) <= 0)
		return -1;
	buf_addstr(sql, " FROM ");
	store_sum_ident(sql, table);
	buf_addstr(sql, " ORDER BY ");
	if ((nkey = store_sum_names(s, "SELECT name FROM"
	    " pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", table, sql)) < 0)
		return -1;
	for (i = 1; nkey == 0 && i <= ncols; i++)
		buf_printf(sql, "%s%d", i > 1 ? ", " : "", i);
	return sql->failed ? -1 : ncols;
}

/* Column `col` into the sum: "-" for NULL, else its length in bytes, ":"
 * and its text, a BLOB as hex. */
static void
store_sum_value(struct sha256_ctx *h, struct store_stmt *q, int col)
{
	const unsigned char *v;
	char	 len[24], hex[2 * 256 + 1];
	size_t	 n, k, part;
	int	 blob = 0;

	if (store_stmt_col_null(q, col)) {
		sha256_update(h, 1, (const uint8_t *)"-");
		return;
	}
	if (STORE_PG(q->s)) {
		v = (const unsigned char *)store_stmt_col_text(q, col);
		n = v != NULL ? strlen((const char *)v) : 0;
	} else {
		/* The layer reads values, not their types: SQLite's type,
		 * as the checksum's SQL (pragma_table_list) is SQLite's
		 * alone as yet. A blob read gives a text's bytes as well,
		 * all of them (a NUL too), a number's as text. */
		blob = sqlite3_column_type(q->st, col) == SQLITE_BLOB;
		v = store_stmt_col_blob(q, col, &n);
	}
	snprintf(len, sizeof(len), "%zu:", blob ? 2 * n : n);
	sha256_update(h, strlen(len), (const uint8_t *)len);
	if (!blob) {
		if (v != NULL)
			sha256_update(h, n, v);
		return;
	}
	for (k = 0; k < n; k += part) {
		part = n - k < 256 ? n - k : 256;
		text_hex(v + k, part, hex);
		sha256_update(h, 2 * part, (const uint8_t *)hex);
	}
}

/* The rows of `table` and their sum; STORE_OK, or a failure. */
static int
store_sum_table(struct store *s, const char *table, struct buf *sql,
    long *rows, char sum[STORE_SUM_HEX + 1])
{
	struct sha256_ctx h;
	struct store_stmt q;
	uint8_t	 d[SHA256_DIGEST_SIZE];
	int	 rc, i, ncols;

	*rows = 0;
	if ((ncols = store_sum_select(s, table, sql)) < 0)
		return STORE_ERROR;
	if ((rc = store_stmt_prepare(&q, s, buf_str(sql), "checksum")) !=
	    STORE_OK)
		return rc;
	sha256_init(&h);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		for (i = 0; i < ncols; i++)
			store_sum_value(&h, &q, i);
		sha256_update(&h, 1, (const uint8_t *)"\n");
		(*rows)++;
	}
	store_stmt_end(&q);
	if (rc != STORE_OK)
		return rc;
	sha256_digest(&h, sizeof(d), d);
	text_hex(d, sizeof(d), sum);
	return STORE_OK;
}

int
store_checksum(struct store *s, int (*fn)(void *, const char *, long,
    const char *), void *arg)
{
	struct store_stmt q;
	struct buf sql;
	const char *name;
	char	 sum[STORE_SUM_HEX + 1], *table;
	long	 rows;
	int	 rc;

	/* One read transaction: every table as of one moment. */
	if ((rc = store_exec(s, "BEGIN;")) != STORE_OK)
		return rc;
	if ((rc = store_stmt_prepare(&q, s, "SELECT name FROM pragma_table_list"
	    " WHERE schema = 'main' AND type = 'table' AND name NOT LIKE"
	    " 'sqlite\\_%' ESCAPE '\\' ORDER BY name", "checksum tables")) !=
	    STORE_OK)
		return store_commit_or_rollback(s, rc);
	buf_init(&sql, 1u << 20);
	/* A list cut short is no checksum: a failed step fails it. */
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((name = store_stmt_col_text(&q, 0)) == NULL ||
		    (table = strdup(name)) == NULL) {
			rc = store_stmt_fail(s, "checksum", "out of memory");
			break;
		}
		rc = store_sum_table(s, table, &sql, &rows, sum);
		if (rc == STORE_OK && fn(arg, table, rows, sum) != 0)
			rc = STORE_ERROR;
		free(table);
		if (rc != STORE_OK)
			break;
	}
	store_stmt_end(&q);
	buf_free(&sql);
	/* Only read: rolled back either way, the failure's error kept. */
	(void)store_commit_or_rollback(s, STORE_ERROR);
	return rc;
}
