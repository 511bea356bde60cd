#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store.h"
#include "store_int.h"
#include "store_sql.h"
#include "testdb.h"
#include "tmpdir.h"

/* Text, integers and NULL go in as bound and come out as such. */
static void
test_store_stmt_binds_and_columns(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_stmt q;

	assert_int_equal(store_stmt_prepare(&q, f->s, "SELECT ?1, ?2, ?3,"
	    " ?2 + 1", "select"), STORE_OK);
	store_stmt_text(&q, 1, "Grüße");
	store_stmt_int64(&q, 2, INT64_C(9007199254740993));
	store_stmt_text(&q, 3, NULL);
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	assert_string_equal(store_stmt_col_text(&q, 0), "Grüße");
	assert_false(store_stmt_col_null(&q, 0));
	assert_true(store_stmt_col_int64(&q, 1) == INT64_C(9007199254740993));
	assert_true(store_stmt_col_null(&q, 2));
	assert_null(store_stmt_col_text(&q, 2));
	assert_true(store_stmt_col_int64(&q, 3) == INT64_C(9007199254740994));
	assert_int_equal(store_stmt_step(&q), STORE_OK);
	store_stmt_end(&q);
}

/*
 * A bind that fails (no such parameter) is not lost: the step fails,
 * and the error names the statement; nothing runs.
 */
static void
test_store_stmt_failed_bind_fails_the_step(void **state)
{
	struct testdb_fixture *f = *state;
	const char *const v[] = { "p", "t", "2999-01-01T00:00:00Z" };
	struct store_stmt q;

	assert_int_equal(store_stmt_prepare(&q, f->s, "INSERT INTO"
	    " provider_token(provider, token, expires) VALUES (?1, ?2, ?3)",
	    "token insert"), STORE_OK);
	store_stmt_texts(&q, 1, v, 3);
	store_stmt_int64(&q, 7, 1);
	assert_int_equal(store_stmt_step(&q), STORE_ERROR);
	store_stmt_end(&q);
	assert_non_null(strstr(store_errmsg(f->s), "token insert"));
	assert_int_equal(store_stmt_prepare(&q, f->s, "SELECT count(*) FROM"
	    " provider_token", "count"), STORE_OK);
	assert_int_equal(store_stmt_step(&q), STORE_STMT_ROW);
	assert_int_equal(store_stmt_col_int64(&q, 0), 0);
	store_stmt_end(&q);
}

/* store_stmt_run: the rows a statement changed; texts beyond the
 * statement's parameters are left, not an error. */
static void
test_store_stmt_run_counts_changes(void **state)
{
	struct testdb_fixture *f = *state;
	const char *const a[] = { "a", "1", "2999-01-01T00:00:00Z", "extra" };
	const char *const b[] = { "b", "2", "2999-01-01T00:00:00Z" };
	const char *const upd[] = { "2999-06-01T00:00:00Z" };
	long	 changes = -1;

	assert_int_equal(store_stmt_run(f->s, "INSERT INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", a, 4, "insert",
	    &changes), STORE_OK);
	assert_int_equal(changes, 1);
	assert_int_equal(store_stmt_run(f->s, "INSERT INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", b, 3, "insert",
	    NULL), STORE_OK);
	assert_int_equal(store_stmt_run(f->s, "UPDATE provider_token SET"
	    " expires = ?1", upd, 1, "update", &changes), STORE_OK);
	assert_int_equal(changes, 2);
	assert_int_equal(store_stmt_run(f->s, "DELETE FROM provider_token"
	    " WHERE provider = 'none'", NULL, 0, "delete", &changes),
	    STORE_OK);
	assert_int_equal(changes, 0);
	/* A constraint: the error, and nothing changed. */
	assert_int_equal(store_stmt_run(f->s, "INSERT INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", a, 3, "again",
	    &changes), STORE_ERROR);
	assert_int_equal(changes, 0);
	assert_non_null(strstr(store_errmsg(f->s), "again"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_store_stmt_binds_and_columns,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_stmt_failed_bind_fails_the_step,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_stmt_run_counts_changes,
		    testdb_setup, testdb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
