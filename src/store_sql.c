#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_sql.h"
#include "text.h"

int
store_stmt_fail(struct store *s, const char *what, const char *why)
{
	s->code = SQLITE_ERROR;
	snprintf(s->err, sizeof(s->err), "%.60s: %.180s", what, why);
	return STORE_ERROR;
}

int
store_stmt_prepare(struct store_stmt *q, struct store *s, const char *sql,
    const char *what)
{
	memset(q, 0, offsetof(struct store_stmt, pg_param));
	q->s = s;
	q->what = what;
	if (STORE_PG(s)) {
		memset(q->pg_param, 0, sizeof(q->pg_param));
		memset(q->pg_own, 0, sizeof(q->pg_own));
		if ((q->pg_sql = store_pg_sql(sql, &q->pg_nparams,
		    &q->pg_used)) == NULL)
			return store_stmt_fail(s, what, "out of memory, or"
			    " more parameters than a statement may have");
		return STORE_OK;
	}
	if (sqlite3_prepare_v2(s->db, sql, -1, &q->st, NULL) != SQLITE_OK) {
		q->st = NULL;
		return store_fail(s, what);
	}
	return STORE_OK;
}

/* Parameter i, text; NULL binds SQL NULL. */
void
store_stmt_text(struct store_stmt *q, int i, const char *v)
{
	if (q->failed)
		return;
	if (STORE_PG(q->s)) {
		if (i < 1 || i > q->pg_nparams)
			q->failed = 1;
		else
			q->pg_param[i - 1] = v;
		return;
	}
	if (q->st == NULL || (v == NULL ? sqlite3_bind_null(q->st, i) :
	    sqlite3_bind_text(q->st, i, v, -1, SQLITE_STATIC)) != SQLITE_OK)
		q->failed = 1;
}

/* Parameters first.. from v[0..n-1]; those the statement lacks are left. */
void
store_stmt_texts(struct store_stmt *q, int first, const char *const *v,
    int n)
{
	int	 i, np;

	if (STORE_PG(q->s))
		np = q->pg_nparams;
	else
		np = q->st != NULL ? sqlite3_bind_parameter_count(q->st) : 0;
	for (i = 0; i < n && first + i <= np; i++)
		store_stmt_text(q, first + i, v[i]);
}

void
store_stmt_int64(struct store_stmt *q, int i, int64_t v)
{
	if (q->failed)
		return;
	if (STORE_PG(q->s)) {
		if (i < 1 || i > q->pg_nparams)
			q->failed = 1;
		else {
			snprintf(q->pg_num[i - 1], sizeof(q->pg_num[i - 1]),
			    "%" PRId64, v);
			q->pg_param[i - 1] = q->pg_num[i - 1];
		}
		return;
	}
	if (q->st == NULL ||
	    sqlite3_bind_int64(q->st, i, (sqlite3_int64)v) != SQLITE_OK)
		q->failed = 1;
}

void
store_stmt_blob(struct store_stmt *q, int i, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = data;
	char	*t;
	size_t	 k;

	if (q->failed)
		return;
	if (!STORE_PG(q->s)) {
		if (q->st == NULL || len > INT_MAX ||
		    sqlite3_bind_blob(q->st, i, data, (int)len,
		    SQLITE_STATIC) != SQLITE_OK)
			q->failed = 1;
		return;
	}
	/* bytea's text form: \x and two hex digits a byte. */
	if (i < 1 || i > q->pg_nparams || len > (SIZE_MAX - 3) / 2 ||
	    (t = malloc(2 * len + 3)) == NULL) {
		q->failed = 1;
		return;
	}
	t[0] = '\\';
	t[1] = 'x';
	for (k = 0; k < len; k++) {
		t[2 + 2 * k] = hex[b[k] >> 4];
		t[3 + 2 * k] = hex[b[k] & 15];
	}
	t[2 + 2 * len] = '\0';
	free(q->pg_own[i - 1]);
	q->pg_own[i - 1] = t;
	q->pg_param[i - 1] = t;
}

static int
store_stmt_step_pg(struct store_stmt *q)
{
	int	 rc;

	if (q->failed)
		return store_stmt_fail(q->s, q->what, "a parameter it does"
		    " not have");
	if (q->pg_done) {
		if (q->pg_row + 1 < q->pg_nrows) {
			q->pg_row++;
			return STORE_STMT_ROW;
		}
		return STORE_OK;
	}
	q->pg_done = 1;
	rc = store_pg_exec(q->s, q->pg_sql, q->pg_nparams, q->pg_param,
	    q->pg_used, &q->pg_res, &q->changes, q->what);
	if (rc != STORE_STMT_ROW)
		return rc;
	q->pg_nrows = store_pg_rows(q->pg_res);
	q->pg_row = 0;
	return q->pg_nrows > 0 ? STORE_STMT_ROW : STORE_OK;
}

int
store_stmt_step(struct store_stmt *q)
{
	int	 rc;

	if (STORE_PG(q->s))
		return store_stmt_step_pg(q);
	if (q->st == NULL || q->failed)
		return store_fail(q->s, q->what);
	rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		return STORE_STMT_ROW;
	if (rc == SQLITE_DONE) {
		q->changes = (long)sqlite3_changes(q->s->db);
		return STORE_OK;
	}
	return store_fail(q->s, q->what);
}

const char *
store_stmt_col_text(struct store_stmt *q, int col)
{
	if (STORE_PG(q->s))
		return store_pg_value(q->pg_res, q->pg_row, col);
	return (const char *)sqlite3_column_text(q->st, col);
}

int64_t
store_stmt_col_int64(struct store_stmt *q, int col)
{
	const char *v;
	long	 n;

	if (!STORE_PG(q->s))
		return (int64_t)sqlite3_column_int64(q->st, col);
	/* As SQLite's: 0 for NULL and for what is not a number; a boolean
	 * (a comparison in the select list: PostgreSQL's t and f) 1 or 0. */
	v = store_pg_value(q->pg_res, q->pg_row, col);
	if (v != NULL && strcmp(v, "t") == 0)
		return 1;
	return v != NULL && text_to_long(v, LONG_MIN, LONG_MAX, &n) == 0 ?
	    (int64_t)n : 0;
}

int
store_stmt_col_null(struct store_stmt *q, int col)
{
	if (STORE_PG(q->s))
		return store_pg_value(q->pg_res, q->pg_row, col) == NULL;
	return sqlite3_column_type(q->st, col) == SQLITE_NULL;
}

const void *
store_stmt_col_blob(struct store_stmt *q, int col, size_t *len)
{
	const char *v;
	size_t	 n, k;
	int	 hi, lo;

	*len = 0;
	if (!STORE_PG(q->s)) {
		const void *b = sqlite3_column_blob(q->st, col);

		*len = b != NULL ? (size_t)sqlite3_column_bytes(q->st, col) : 0;
		return b;
	}
	free(q->pg_blob);
	q->pg_blob = NULL;
	if ((v = store_pg_value(q->pg_res, q->pg_row, col)) == NULL ||
	    v[0] != '\\' || v[1] != 'x' || (n = strlen(v + 2)) % 2 != 0 ||
	    n == 0 || (q->pg_blob = malloc(n / 2)) == NULL)
		return NULL;
	for (k = 0; k < n / 2; k++) {
		if ((hi = text_hexval(v[2 + 2 * k])) < 0 ||
		    (lo = text_hexval(v[3 + 2 * k])) < 0) {
			free(q->pg_blob);
			q->pg_blob = NULL;
			return NULL;
		}
		q->pg_blob[k] = (unsigned char)(hi << 4 | lo);
	}
	*len = n / 2;
	return q->pg_blob;
}

int
store_stmt_col_is_blob(struct store_stmt *q, int col)
{
	if (STORE_PG(q->s))
		return store_pg_is_bytes(q->pg_res, col);
	return sqlite3_column_type(q->st, col) == SQLITE_BLOB;
}

void
store_stmt_copy(struct store_stmt *q, int col, char *dst, size_t size)
{
	store_copy(dst, size, (const unsigned char *)store_stmt_col_text(q,
	    col));
}

int
store_stmt_rows_end(struct store_stmt *q, int rc)
{
	store_stmt_end(q);
	return rc == STORE_STMT_ROW ? store_stmt_fail(q->s, q->what,
	    "out of memory") : rc;
}

void
store_stmt_end(struct store_stmt *q)
{
	sqlite3_finalize(q->st);
	q->st = NULL;
	store_pg_clear(q->pg_res);
	q->pg_res = NULL;
	free(q->pg_sql);
	q->pg_sql = NULL;
	free(q->pg_blob);
	q->pg_blob = NULL;
	if (STORE_PG(q->s))
		for (int i = 0; i < STORE_STMT_PARAMS; i++) {
			free(q->pg_own[i]);
			q->pg_own[i] = NULL;
		}
}

int
store_stmt_one(struct store_stmt *q)
{
	int	 rc = store_stmt_step(q);

	if (rc == STORE_STMT_ROW)
		return STORE_OK;
	store_stmt_end(q);
	return rc == STORE_OK ? STORE_NOTFOUND : rc;
}

/* store_stmt_run and _run_id: texts from ?first, an id at ?1 if first
 * is 2. */
static int
store_stmt_run_at(struct store *s, const char *sql, int64_t id, int first,
    const char *const *v, int n, const char *what, long *changes)
{
	struct store_stmt q;
	int	 rc;

	if (changes != NULL)
		*changes = 0;
	if ((rc = store_stmt_prepare(&q, s, sql, what)) != STORE_OK)
		return rc;
	if (first == 2)
		store_stmt_int64(&q, 1, id);
	store_stmt_texts(&q, first, v, n);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW)
		;
	if (rc == STORE_OK && changes != NULL)
		*changes = q.changes;
	store_stmt_end(&q);
	return rc;
}

int
store_stmt_run(struct store *s, const char *sql, const char *const *v,
    int n, const char *what, long *changes)
{
	return store_stmt_run_at(s, sql, 0, 1, v, n, what, changes);
}

int
store_stmt_run_id(struct store *s, const char *sql, int64_t id,
    const char *const *v, int n, const char *what, long *changes)
{
	return store_stmt_run_at(s, sql, id, 2, v, n, what, changes);
}
