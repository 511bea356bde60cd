#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A submission due for purging: its search row and its reference. */
struct store_purged {
	int64_t	 id;
	char	*ref;
};

/*
 * The search index of the submissions due keeps their reference alone,
 * folded in C as store_insert folds it (PostgreSQL has no rathaus_fold):
 * their ids and references first, then one row after the other.
 */
static int
store_purge_search(struct store *s, const char *const *values)
{
	struct store_stmt q;
	struct store_purged *due = NULL, *more;
	struct buf text;
	const char *ref;
	size_t	 n = 0, i;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "SELECT id, ref FROM submission"
	    " WHERE id IN (" STORE_DUE ")", "purge search")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, values, 2);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((ref = store_stmt_col_text(&q, 1)) == NULL) {
			rc = store_stmt_fail(s, "purge search", "a submission"
			    " without its reference");
			break;
		}
		if ((more = reallocarray(due, n + 1, sizeof(*due))) != NULL)
			due = more;
		if (more == NULL || (due[n].ref = strdup(ref)) == NULL) {
			rc = store_stmt_fail(s, "purge search", "out of memory");
			break;
		}
		due[n++].id = store_stmt_col_int64(&q, 0);
	}
	store_stmt_end(&q);
	for (i = 0; rc == STORE_OK && i < n; i++) {
		buf_init(&text, 0);
		if (store_search_text(&text, due[i].ref, "<values/>") != 0)
			rc = store_stmt_fail(s, "purge search",
			    "out of memory");
		else {
			const char *v[] = { buf_str(&text) };

			rc = store_stmt_run_id(s, "UPDATE submission_search SET"
			    " text = ?2 WHERE rowid = ?1", due[i].id, v, 1,
			    "purge search", NULL);
		}
		buf_free(&text);
	}
	for (i = 0; i < n; i++)
		free(due[i].ref);
	free(due);
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
	/* The last statement marks the submissions: its count is theirs.
	 * Two purges of a service at once: one after the other. */
	if ((rc = store_lock(s, "purge", service)) == STORE_OK)
		rc = store_purge_search(s, values);
	for (i = 0; rc == STORE_OK && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = store_stmt_run(s, sql[i], values, 4, "purge", count);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK)
		*count = 0;
	return rc;
}

/* Rows of the search index written at once on PostgreSQL: two
 * parameters each, within STORE_STMT_PARAMS. */
#define STORE_REINDEX_ROWS	(STORE_STMT_PARAMS / 2)

/*
 * PostgreSQL has no rathaus_fold: the search index's rows folded here,
 * as store_insert folds them, a page of submissions at a time (by id,
 * not all in memory), STORE_REINDEX_ROWS rows to an INSERT. *count:
 * the rows written.
 */
static int
store_reindex_folded(struct store *s, long *count)
{
	struct store_stmt q, ins;
	struct buf text[STORE_REINDEX_ROWS], sql;
	int64_t	 ids[STORE_REINDEX_ROWS], after = 0;
	int	 rc = STORE_OK, n, k, more = 1;

	for (k = 0; k < STORE_REINDEX_ROWS; k++)
		buf_init(&text[k], 0);
	buf_init(&sql, 1u << 16);
	while (more && rc == STORE_OK) {
		if ((rc = store_stmt_prepare(&q, s, "SELECT id, ref, answers"
		    " FROM submission WHERE id > ?1 ORDER BY id LIMIT ?2",
		    "reindex")) != STORE_OK)
			break;
		store_stmt_int64(&q, 1, after);
		store_stmt_int64(&q, 2, STORE_REINDEX_ROWS);
		for (n = 0; n < STORE_REINDEX_ROWS &&
		    (rc = store_stmt_step(&q)) == STORE_STMT_ROW; n++) {
			ids[n] = after = store_stmt_col_int64(&q, 0);
			buf_reset(&text[n]);
			if (store_search_text(&text[n], store_stmt_col_text(&q,
			    1), store_stmt_col_text(&q, 2)) != 0) {
				rc = store_stmt_fail(s, "reindex",
				    "out of memory");
				break;
			}
		}
		if (rc == STORE_STMT_ROW)
			rc = STORE_OK;	/* a page full: the next page */
		else if (rc == STORE_OK)
			more = 0;	/* the last page */
		store_stmt_end(&q);
		if (rc != STORE_OK || n == 0)
			break;
		buf_reset(&sql);
		buf_addstr(&sql, "INSERT INTO submission_search(rowid, text)"
		    " VALUES ");
		for (k = 0; k < n; k++)
			buf_printf(&sql, "%s(?%d, ?%d)", k > 0 ? ", " : "",
			    2 * k + 1, 2 * k + 2);
		if (sql.failed || (rc = store_stmt_prepare(&ins, s,
		    buf_str(&sql), "reindex")) != STORE_OK) {
			if (rc == STORE_OK)
				rc = store_stmt_fail(s, "reindex",
				    "out of memory");
			break;
		}
		for (k = 0; k < n; k++) {
			store_stmt_int64(&ins, 2 * k + 1, ids[k]);
			store_stmt_text(&ins, 2 * k + 2, buf_str(&text[k]));
		}
		rc = store_stmt_step(&ins);
		store_stmt_end(&ins);
		*count += n;
	}
	for (k = 0; k < STORE_REINDEX_ROWS; k++)
		buf_free(&text[k]);
	buf_free(&sql);
	return rc;
}

/*
 * The search index made anew from the submissions. SQLite folds in SQL
 * with the store's rathaus_fold and merges its FTS5 index into one
 * b-tree afterwards; PostgreSQL has no such function (folded in C) and
 * its trigram index needs no merging. *count: the rows written.
 */
static int
store_reindex_search(struct store *s, long *count)
{
	int	 rc;

	if ((rc = store_stmt_run(s, "DELETE FROM submission_search", NULL,
	    0, "reindex", NULL)) != STORE_OK)
		return rc;
	if (STORE_PG(s))
		return store_reindex_folded(s, count);
	if ((rc = store_stmt_run(s, "INSERT INTO submission_search(rowid,"
	    " text) SELECT id, rathaus_fold(ref, answers) FROM submission",
	    NULL, 0, "reindex", count)) != STORE_OK)
		return rc;
	return store_stmt_run(s, "INSERT INTO submission_search"
	    "(submission_search) VALUES ('optimize')", NULL, 0, "reindex",
	    NULL);
}

/*
 * The search index and the status counts made anew from the submissions,
 * in one transaction: for rows written by other means than the store
 * (a restore, bench/inbox's bulk insert).
 */
int
store_reindex(struct store *s, long *count)
{
	/* The counts: the same statements on either engine. */
	static const char *const recount[] = {
		"DELETE FROM status_count",
		"INSERT INTO status_count(service, status, n) SELECT service,"
		" status, count(*) FROM submission GROUP BY service, status",
	};
	size_t	 i;
	int	 rc;

	*count = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store_reindex_search(s, count);
	for (i = 0; rc == STORE_OK && i < sizeof(recount) / sizeof(recount[0]);
	    i++)
		rc = store_stmt_run(s, recount[i], NULL, 0, "reindex", NULL);
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
 * The engines' catalogs: the portal's tables (SQLite's own, the search
 * index, which is made from the submissions, and PostgreSQL's schema
 * version left out) by name in byte order; a table's columns in order,
 * and its primary key's, each with 1 where it is text (PostgreSQL orders
 * text by its locale's rules unless told to order bytes, as SQLite does).
 */
static const char *const store_cat_tables[2] = {
	"SELECT name FROM pragma_table_list WHERE schema = 'main' AND"
	" type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" ORDER BY name",
	"SELECT table_name FROM information_schema.tables WHERE"
	" table_schema = current_schema() AND table_type = 'BASE TABLE' AND"
	" table_name NOT IN ('rathaus_schema', 'submission_search')"
	" ORDER BY table_name COLLATE \"C\"",
};
static const char *const store_cat_columns[2] = {
	"SELECT name, 0 FROM pragma_table_info(?1) ORDER BY cid",
	"SELECT column_name, 0 FROM information_schema.columns WHERE"
	" table_schema = current_schema() AND table_name = ?1"
	" ORDER BY ordinal_position",
};
static const char *const store_cat_key[2] = {
	"SELECT name, 0 FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
	"SELECT a.attname, CASE WHEN a.atttypid = 25 THEN 1 ELSE 0 END"
	" FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
	" AND a.attnum = ANY (i.indkey) WHERE i.indrelid ="
	" CAST(?1 AS regclass) AND i.indisprimary"
	" ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)",
};

/*
 * The names one of the catalog's queries gives for `table`, quoted,
 * ", " between them (text ordered as bytes where `order`), appended to
 * `out`; how many, or -1.
 */
static int
store_sum_names(struct store *s, const char *const query[2],
    const char *table, int order, struct buf *out)
{
	struct store_stmt q;
	int	 rc, n = 0;

	if (store_stmt_prepare(&q, s, query[STORE_PG(s)],
	    "checksum columns") != STORE_OK)
		return -1;
	store_stmt_text(&q, 1, table);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if (n++ > 0)
			buf_addstr(out, ", ");
		store_sum_ident(out, store_stmt_col_text(&q, 0));
		if (order && store_stmt_col_int64(&q, 1) != 0)
			buf_addstr(out, " COLLATE \"C\"");
	}
	store_stmt_end(&q);
	return rc == STORE_OK ? n : -1;
}

/*
 * The portal's tables (store_cat_tables) into *out (each and the array
 * freed by store_names_free); STORE_OK, or a failure.
 */
static int
store_table_names(struct store *s, char ***out, size_t *n)
{
	struct store_stmt q;
	const char *name;
	char	**more;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_stmt_prepare(&q, s, store_cat_tables[STORE_PG(s)],
	    "checksum tables")) != STORE_OK)
		return rc;
	/* A list cut short is no list: a failed step fails it. */
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((name = store_stmt_col_text(&q, 0)) == NULL ||
		    (more = reallocarray(*out, *n + 1, sizeof(**out))) == NULL) {
			rc = store_stmt_fail(s, "tables", "out of memory");
			break;
		}
		*out = more;
		if (((*out)[*n] = strdup(name)) == NULL) {
			rc = store_stmt_fail(s, "tables", "out of memory");
			break;
		}
		(*n)++;
	}
	store_stmt_end(&q);
	return rc;
}

static void
store_names_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
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
	if ((ncols = store_sum_names(s, store_cat_columns, table, 0,
	    sql)) <= 0)
		return -1;
	buf_addstr(sql, " FROM ");
	store_sum_ident(sql, table);
	buf_addstr(sql, " ORDER BY ");
	if ((nkey = store_sum_names(s, store_cat_key, table, 1, sql)) < 0)
		return -1;
	for (i = 1; nkey == 0 && i <= ncols; i++)
		buf_printf(sql, "%s%d", i > 1 ? ", " : "", i);
	return sql->failed ? -1 : ncols;
}

/*
 * Column `col` into the sum: "-" for NULL, else its length in bytes, ":"
 * and its text, bytes as hex: the same on either engine for the same
 * values (SQLite's integers and PostgreSQL's bigints read alike).
 */
static void
store_sum_value(struct sha256_ctx *h, struct store_stmt *q, int col)
{
	const unsigned char *v;
	char	 len[24], hex[2 * 256 + 1];
	size_t	 n, k, part;
	int	 blob;

	if (store_stmt_col_null(q, col)) {
		sha256_update(h, 1, (const uint8_t *)"-");
		return;
	}
	/* SQLite's text read as bytes: all of them, a NUL too. */
	if ((blob = store_stmt_col_is_blob(q, col)) || !STORE_PG(q->s))
		v = store_stmt_col_blob(q, col, &n);
	else {
		v = (const unsigned char *)store_stmt_col_text(q, col);
		n = v != NULL ? strlen((const char *)v) : 0;
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

/* A read transaction: every table as of one moment. */
static int
store_read_begin(struct store *s)
{
	return store_exec(s, STORE_PG(s) ? "BEGIN ISOLATION LEVEL REPEATABLE"
	    " READ READ ONLY" : "BEGIN;");
}

int
store_checksum(struct store *s, int (*fn)(void *, const char *, long,
    const char *), void *arg)
{
	struct buf sql;
	char	 sum[STORE_SUM_HEX + 1], **tables;
	size_t	 ntables, i;
	long	 rows;
	int	 rc;

	if ((rc = store_read_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_table_names(s, &tables, &ntables)) != STORE_OK) {
		store_names_free(tables, ntables);
		(void)store_commit_or_rollback(s, rc);
		return rc;
	}
	buf_init(&sql, 1u << 20);
	for (i = 0; i < ntables && rc == STORE_OK; i++) {
		rc = store_sum_table(s, tables[i], &sql, &rows, sum);
		if (rc == STORE_OK && fn(arg, tables[i], rows, sum) != 0)
			rc = STORE_ERROR;
	}
	buf_free(&sql);
	store_names_free(tables, ntables);
	/* Only read: rolled back either way, the failure's error kept. */
	(void)store_commit_or_rollback(s, STORE_ERROR);
	return rc;
}

/*
 * The rows of `table` from `src` into `dst`, every column as it is (bytes
 * as bytes, NULL as NULL, the rest as text, which the target's column
 * types take); `cols` the quoted column list of the source's, `ncols`
 * how many.
 */
static int
store_transfer_table(struct store *src, struct store *dst, const char *table,
    const char *cols, int ncols, long *rows)
{
	struct store_stmt from, to;
	struct buf sel, ins;
	const void *b;
	size_t	 len;
	int	 rc, i;

	buf_init(&sel, 1u << 16);
	buf_init(&ins, 1u << 16);
	buf_printf(&sel, "SELECT %s FROM ", cols);
	store_sum_ident(&sel, table);
	buf_addstr(&ins, "INSERT INTO ");
	store_sum_ident(&ins, table);
	buf_printf(&ins, "(%s) VALUES (", cols);
	for (i = 1; i <= ncols; i++)
		buf_printf(&ins, "%s?%d", i > 1 ? ", " : "", i);
	buf_addch(&ins, ')');
	if (sel.failed || ins.failed) {
		rc = store_stmt_fail(dst, "copy", "out of memory");
		goto out;
	}
	if ((rc = store_stmt_prepare(&from, src, buf_str(&sel), "copy")) !=
	    STORE_OK)
		goto out;
	while ((rc = store_stmt_step(&from)) == STORE_STMT_ROW) {
		if ((rc = store_stmt_prepare(&to, dst, buf_str(&ins), table)) !=
		    STORE_OK)
			break;
		for (i = 0; i < ncols; i++)
			if (store_stmt_col_null(&from, i))
				store_stmt_text(&to, i + 1, NULL);
			else if (store_stmt_col_is_blob(&from, i)) {
				b = store_stmt_col_blob(&from, i, &len);
				store_stmt_blob(&to, i + 1, b != NULL ? b : "",
				    len);
			} else
				store_stmt_text(&to, i + 1,
				    store_stmt_col_text(&from, i));
		rc = store_stmt_step(&to);
		store_stmt_end(&to);
		if (rc != STORE_OK)
			break;
		(*rows)++;
	}
	store_stmt_end(&from);
out:
	buf_free(&sel);
	buf_free(&ins);
	return rc;
}

/* The tables others refer to, in the order they refer to each other;
 * the rest come after them. */
static const char *const store_transfer_first[] = {
	"definition", "submission", "payment",
};
#define STORE_TRANSFER_FIRST \
	(sizeof(store_transfer_first) / sizeof(store_transfer_first[0]))

/* Where `table` stands among store_transfer_first, or STORE_TRANSFER_FIRST
 * for the rest. */
static size_t
store_transfer_rank(const char *table)
{
	size_t	 k;

	for (k = 0; k < STORE_TRANSFER_FIRST; k++)
		if (strcmp(table, store_transfer_first[k]) == 0)
			break;
	return k;
}

/* What makes `dst` hold the source's rows as its own: the target's own
 * secrets go (the source's come), its counts' triggers rest while the
 * counts are copied as they are. */
static const char *const store_transfer_before[] = {
	"DELETE FROM secret",
	"ALTER TABLE submission DISABLE TRIGGER USER",
};
/* ... and after: the triggers on (the ids: store_transfer_sequence). */
static const char *const store_transfer_after[] = {
	"ALTER TABLE submission ENABLE TRIGGER USER",
};

/*
 * The identity of `table` in `dst`, its column id where it has one,
 * moved past the largest id copied: the rows came with their ids, which
 * PostgreSQL's sequence does not see, and the portal's next row there
 * must get an id of its own. `sql`: the caller's buffer.
 */
static int
store_transfer_sequence(struct store *dst, const char *table,
    struct buf *sql)
{
	struct store_stmt q;
	const char *v[] = { table };
	int	 rc, identity;

	if ((rc = store_stmt_prepare(&q, dst, "SELECT count(*) FROM"
	    " information_schema.columns WHERE table_schema ="
	    " current_schema() AND table_name = ?1 AND column_name = 'id'"
	    " AND is_identity = 'YES'", "copy")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, table);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
	identity = store_stmt_col_int64(&q, 0) != 0;
	store_stmt_end(&q);
	if (!identity)
		return STORE_OK;
	/* The table's name quoted as pg_get_serial_sequence reads it. */
	buf_reset(sql);
	buf_addstr(sql, "SELECT setval(pg_get_serial_sequence(quote_ident(?1),"
	    " 'id'), coalesce(max(id), 0) + 1, false) FROM ");
	store_sum_ident(sql, table);
	if (sql->failed)
		return store_stmt_fail(dst, "copy", "out of memory");
	return store_stmt_run(dst, buf_str(sql), v, 1, "copy", NULL);
}

/*
 * Copy the whole store `src` (SQLite) into `dst` (PostgreSQL, its schema
 * made, no submission, mail or audit entry in it yet), in one transaction
 * of each: every table of the checksum's with all its rows and ids, and
 * the search index. Afterwards the two give the same checksum. *rows:
 * how many rows were copied.
 */
int
store_transfer(struct store *src, struct store *dst, long *rows)
{
	struct buf cols;
	char	**tables = NULL;
	size_t	 ntables = 0, i, rank;
	long	 held;
	int	 rc, ncols;

	*rows = 0;
	if (STORE_PG(src) || !STORE_PG(dst))
		return store_stmt_fail(dst, "copy", "from SQLite to PostgreSQL"
		    " only");
	if ((rc = store_read_begin(src)) != STORE_OK)
		return rc;
	if ((rc = store_begin(dst)) != STORE_OK) {
		(void)store_commit_or_rollback(src, STORE_ERROR);
		return rc;
	}
	buf_init(&cols, 1u << 16);
	{
		struct store_stmt q;

		if ((rc = store_stmt_prepare(&q, dst, "SELECT (SELECT count(*)"
		    " FROM submission) + (SELECT count(*) FROM outbox) +"
		    " (SELECT count(*) FROM audit)", "copy")) == STORE_OK &&
		    (rc = store_stmt_one(&q)) == STORE_OK) {
			held = (long)store_stmt_col_int64(&q, 0);
			store_stmt_end(&q);
			if (held != 0)
				rc = store_stmt_fail(dst, "copy", "the target"
				    " holds submissions, mails or an audit"
				    " log already");
		}
	}
	for (i = 0; rc == STORE_OK && i < sizeof(store_transfer_before) /
	    sizeof(store_transfer_before[0]); i++)
		rc = store_exec(dst, store_transfer_before[i]);
	if (rc == STORE_OK)
		rc = store_table_names(src, &tables, &ntables);
	/* The tables others refer to first, then the rest. */
	for (rank = 0; rank <= STORE_TRANSFER_FIRST && rc == STORE_OK; rank++)
		for (i = 0; i < ntables && rc == STORE_OK; i++) {
			if (store_transfer_rank(tables[i]) != rank)
				continue;
			buf_reset(&cols);
			if ((ncols = store_sum_names(src, store_cat_columns,
			    tables[i], 0, &cols)) <= 0) {
				rc = store_stmt_fail(dst, "copy", tables[i]);
				break;
			}
			rc = store_transfer_table(src, dst, tables[i],
			    buf_str(&cols), ncols, rows);
		}
	if (rc == STORE_OK)
		rc = store_transfer_table(src, dst, "submission_search",
		    "\"rowid\", \"text\"", 2, rows);
	for (i = 0; i < ntables && rc == STORE_OK; i++)
		rc = store_transfer_sequence(dst, tables[i], &cols);
	for (i = 0; rc == STORE_OK && i < sizeof(store_transfer_after) /
	    sizeof(store_transfer_after[0]); i++)
		rc = store_exec(dst, store_transfer_after[i]);
	store_names_free(tables, ntables);
	buf_free(&cols);
	(void)store_commit_or_rollback(src, STORE_ERROR);
	if ((rc = store_commit_or_rollback(dst, rc)) != STORE_OK)
		*rows = 0;
	return rc;
}
