/*
 * The statement layer's cases (src/store_sql.c), one text for both
 * engines: tests/unit/test_store_sql.c runs them on SQLite,
 * tests/pg/test_store_pg.c on PostgreSQL. Each takes a store whose
 * provider_token table is empty. Their SQL is what both engines take
 * (CAST(? AS BIGINT), not SQLite's untyped arithmetic on a parameter).
 */
#ifndef RATHAUS_TEST_STORE_SQL_CASES_H
#define RATHAUS_TEST_STORE_SQL_CASES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_sql.h"
#include "store_token.h"

/* Text, integers and NULL go in as bound and come out as such; ?N
 * inside quotes is text, a bare ? the next number. */
static inline void
sql_case_binds_and_columns(struct store *s)
{
	struct store_stmt q;

	assert_int_equal(store_stmt_prepare(&q, s, "SELECT ?1,"
	    " CAST(?2 AS BIGINT), ?3, CAST(?2 AS BIGINT) + 1, '?1 stays', ?,"
	    " CAST(?3 AS TEXT) IS NULL, CAST(?1 AS TEXT) IS NULL",
	    "select"), STORE_OK);
	store_stmt_text(&q, 1, "Grüße");
	store_stmt_int64(&q, 2, INT64_C(9007199254740993));
	store_stmt_text(&q, 3, NULL);
	store_stmt_text(&q, 4, "the next one");
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	assert_string_equal(store_stmt_col_text(&q, 0), "Grüße");
	assert_false(store_stmt_col_null(&q, 0));
	assert_true(store_stmt_col_int64(&q, 1) == INT64_C(9007199254740993));
	assert_true(store_stmt_col_null(&q, 2));
	assert_null(store_stmt_col_text(&q, 2));
	assert_true(store_stmt_col_int64(&q, 3) == INT64_C(9007199254740994));
	assert_string_equal(store_stmt_col_text(&q, 4), "?1 stays");
	assert_string_equal(store_stmt_col_text(&q, 5), "the next one");
	assert_int_equal(store_stmt_col_int64(&q, 6), 1);
	assert_int_equal(store_stmt_col_int64(&q, 7), 0);
	assert_int_equal(store_stmt_step(&q), STORE_OK);
	store_stmt_end(&q);
}

/*
 * A bind that fails (no such parameter) is not lost: the step fails,
 * and the error names the statement; nothing runs.
 */
static inline void
sql_case_failed_bind_fails_the_step(struct store *s)
{
	const char *const v[] = { "p", "t", "2999-01-01T00:00:00Z" };
	struct store_stmt q;

	assert_int_equal(store_stmt_prepare(&q, s, "INSERT INTO"
	    " provider_token(provider, token, expires) VALUES (?1, ?2, ?3)",
	    "token insert"), STORE_OK);
	store_stmt_texts(&q, 1, v, 3);
	store_stmt_int64(&q, 7, 1);
	assert_int_equal(store_stmt_step(&q), STORE_ERROR);
	store_stmt_end(&q);
	assert_non_null(strstr(store_errmsg(s), "token insert"));
	assert_int_equal(store_stmt_prepare(&q, s, "SELECT count(*) FROM"
	    " provider_token", "count"), STORE_OK);
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	assert_int_equal(store_stmt_col_int64(&q, 0), 0);
	store_stmt_end(&q);
}

/* store_stmt_run: the rows a statement changed; texts beyond the
 * statement's parameters are left, not an error; a constraint fails it
 * with nothing changed. */
static inline void
sql_case_run_counts_changes(struct store *s)
{
	const char *const a[] = { "a", "1", "2999-01-01T00:00:00Z", "extra" };
	const char *const b[] = { "b", "2", "2999-01-01T00:00:00Z" };
	const char *const upd[] = { "2999-06-01T00:00:00Z" };
	long	 changes = -1;

	assert_int_equal(store_stmt_run(s, "INSERT INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", a, 4, "insert",
	    &changes), STORE_OK);
	assert_int_equal(changes, 1);
	assert_int_equal(store_stmt_run(s, "INSERT INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", b, 3, "insert",
	    NULL), STORE_OK);
	assert_int_equal(store_stmt_run(s, "UPDATE provider_token SET"
	    " expires = ?1", upd, 1, "update", &changes), STORE_OK);
	assert_int_equal(changes, 2);
	assert_int_equal(store_stmt_run(s, "DELETE FROM provider_token"
	    " WHERE provider = 'none'", NULL, 0, "delete", &changes),
	    STORE_OK);
	assert_int_equal(changes, 0);
	assert_int_equal(store_stmt_run(s, "INSERT INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", a, 3, "again",
	    &changes), STORE_ERROR);
	assert_int_equal(changes, 0);
	assert_non_null(strstr(store_errmsg(s), "again"));
	assert_int_equal(store_fault(s), STORE_ERROR);
}

/* The token cache (store_token.c): the upsert replaces; expired is
 * not found. */
static inline void
sql_case_token_cache(struct store *s)
{
	char	 tok[64];

	assert_int_equal(store_token_put(s, "paypal", "t1",
	    "2999-01-01T00:00:00Z"), STORE_OK);
	assert_int_equal(store_token_put(s, "paypal", "t2",
	    "2999-01-01T00:00:00Z"), STORE_OK);
	assert_int_equal(store_token_get(s, "paypal", "2026-01-01T00:00:00Z",
	    tok, sizeof(tok)), STORE_OK);
	assert_string_equal(tok, "t2");
	assert_int_equal(store_token_get(s, "paypal", "3000-01-01T00:00:00Z",
	    tok, sizeof(tok)), STORE_NOTFOUND);
}


/*
 * Bytes go in and come out whole, a NUL and 0xff among them; no bytes
 * and NULL both read as NULL with length 0. `type`: the engine's name
 * of a column of bytes (BLOB, BYTEA).
 */
static inline void
sql_case_blob(struct store *s, const char *type)
{
	static const unsigned char bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xff,
	    'a', 0x00 };
	struct store_stmt q;
	const unsigned char *got;
	char	 sql[96];
	size_t	 len = 99;

	snprintf(sql, sizeof(sql), "CREATE TEMP TABLE blobs (k INTEGER, v %s)",
	    type);
	assert_int_equal(store_stmt_run(s, sql, NULL, 0, "blobs", NULL),
	    STORE_OK);
	assert_int_equal(store_stmt_prepare(&q, s, "INSERT INTO blobs(k, v)"
	    " VALUES (1, ?1), (2, ?2), (3, ?3)", "blobs"), STORE_OK);
	store_stmt_blob(&q, 1, bytes, sizeof(bytes));
	store_stmt_blob(&q, 2, bytes, 0);
	store_stmt_text(&q, 3, NULL);
	assert_int_equal(store_stmt_step(&q), STORE_OK);
	store_stmt_end(&q);
	assert_int_equal(store_stmt_prepare(&q, s, "SELECT v FROM blobs"
	    " ORDER BY k", "blobs"), STORE_OK);
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	assert_true(store_stmt_col_is_blob(&q, 0));
	assert_non_null(got = store_stmt_col_blob(&q, 0, &len));
	assert_int_equal(len, sizeof(bytes));
	assert_memory_equal(got, bytes, sizeof(bytes));
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	assert_null(store_stmt_col_blob(&q, 0, &len));
	assert_int_equal(len, 0);
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	len = 99;
	assert_null(store_stmt_col_blob(&q, 0, &len));
	assert_int_equal(len, 0);
	assert_int_equal(store_stmt_step(&q), STORE_OK);
	store_stmt_end(&q);
	assert_int_equal(store_stmt_run(s, "DROP TABLE blobs", NULL, 0,
	    "blobs", NULL), STORE_OK);
}

/*
 * One list of values shared by statements that each use some of them:
 * a parameter the text lacks is no error (on PostgreSQL it is sent as
 * text, having no use to infer a type from).
 */
static inline void
sql_case_unused_parameter(struct store *s)
{
	const char *const v[] = { "unused", "p", "t", "2999-01-01T00:00:00Z" };
	long	 changes = -1;

	assert_int_equal(store_stmt_run(s, "INSERT INTO provider_token("
	    "provider, token, expires) VALUES (?2, ?3, ?4)", v, 4, "insert",
	    &changes), STORE_OK);
	assert_int_equal(changes, 1);
	assert_int_equal(store_stmt_run(s, "UPDATE provider_token SET"
	    " token = ?3 || 'x' WHERE provider = ?2", v, 4, "update",
	    &changes), STORE_OK);
	assert_int_equal(changes, 1);
}

#endif
