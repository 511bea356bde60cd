/* One number from a test's database (<dir>/rathaus.db), read-only. */
#ifndef RATHAUS_TEST_TESTDB_H
#define RATHAUS_TEST_TESTDB_H

#include <sqlite3.h>

#include "buf.h"

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

#endif
