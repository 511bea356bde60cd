/*
 * A test's own look at a store's database file (<dir>/rathaus.db),
 * beside the store's connection: one number read-only, and statements
 * the store has no API for in a test (a status from long ago).
 */
#ifndef RATHAUS_TEST_TESTDB_H
#define RATHAUS_TEST_TESTDB_H

#include <stdarg.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "tmpdir.h"

/* A new store at the current schema in a new directory: 0, or -1. */
static inline int
testdb_create(char dir[TMPDIR_MAX], const char *what, struct store **s)
{
	int	 from, to;

	*s = NULL;
	if (tmpdir_make(dir, what) != 0)
		return -1;
	if (store_open(s, dir, NULL, 1) != STORE_OK ||
	    store_migrate(*s, &from, &to) != STORE_OK) {
		store_close(*s);
		*s = NULL;
		tmpdir_remove(dir);
		return -1;
	}
	return 0;
}

/* The fixture of the store's tests: a new store in a new directory. */
struct testdb_fixture {
	char	 dir[TMPDIR_MAX];
	struct store *s;
};

static inline int
testdb_setup(void **state)
{
	struct testdb_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (testdb_create(f->dir, "store", &f->s) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int
testdb_teardown(void **state)
{
	struct testdb_fixture *f = *state;

	store_close(f->s);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Call from a cmocka test: a failure to open or prepare fails it. */
static inline long
testdb_long(const char *dir, const char *sql)
{
	sqlite3	*db;
	sqlite3_stmt *st;
	struct buf path;
	long	 n = -1;

	buf_init(&path, 256);
	buf_printf(&path, "%s/rathaus.db", dir);
	assert_int_equal(sqlite3_open_v2(buf_str(&path), &db,
	    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	buf_free(&path);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static inline void
sql_exec(const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Runs the statements of fmt in <dir>/rathaus.db; fails the test if not. */
static inline void
sql_exec(const char *dir, const char *fmt, ...)
{
	sqlite3	*db;
	struct buf path, sql;
	va_list	 ap;

	buf_init(&path, 256);
	buf_init(&sql, 4096);
	buf_printf(&path, "%s/rathaus.db", dir);
	va_start(ap, fmt);
	buf_vprintf(&sql, fmt, ap);
	va_end(ap);
	assert_false(sql.failed);
	assert_int_equal(sqlite3_open_v2(buf_str(&path), &db,
	    SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, buf_str(&sql), NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	buf_free(&path);
	buf_free(&sql);
}

/* A status change at a time, with a message the citizen was told. */
static inline void
sql_set_status(const char *dir, const char *ref, const char *status,
    const char *at)
{
	sql_exec(dir, "UPDATE submission SET status = '%s' WHERE ref = '%s';"
	    "INSERT INTO status_event(submission_id, status, at, actor,"
	    " message) SELECT id, '%s', '%s', 'clerk', 'Ihre Anmeldung'"
	    " FROM submission WHERE ref = '%s'", status, ref, status, at, ref);
}

#endif
