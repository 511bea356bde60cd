#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store.h"
#include "store_int.h"
#include "store_sql.h"
#include "store_sql_cases.h"
#include "testdb.h"
#include "tmpdir.h"

static void
test_store_stmt_binds_and_columns(void **state)
{
	sql_case_binds_and_columns(((struct testdb_fixture *)*state)->s);
}

static void
test_store_stmt_failed_bind_fails_the_step(void **state)
{
	sql_case_failed_bind_fails_the_step(
	    ((struct testdb_fixture *)*state)->s);
}

static void
test_store_stmt_run_counts_changes(void **state)
{
	sql_case_run_counts_changes(((struct testdb_fixture *)*state)->s);
}

static void
test_store_stmt_blob(void **state)
{
	sql_case_blob(((struct testdb_fixture *)*state)->s, "BLOB");
}

static void
test_store_stmt_unused_parameter(void **state)
{
	sql_case_unused_parameter(((struct testdb_fixture *)*state)->s);
}

static void
test_store_token_cache(void **state)
{
	sql_case_token_cache(((struct testdb_fixture *)*state)->s);
}

/*
 * The text sent to PostgreSQL (store_pg.c): ?N as $N, a bare ? numbered
 * after the largest so far, nothing inside quotes or a comment; more
 * parameters than a statement may have: refused.
 */
static void
test_store_pg_sql_numbers(void **state)
{
	char	*t, big[32];
	uint64_t used;
	int	 n;

	(void)state;
	t = store_pg_sql("SELECT ?2, 'a?1', \"b?\", ? -- ?9\n, ?1", &n, &used);
	assert_non_null(t);
	assert_string_equal(t, "SELECT $2, 'a?1', \"b?\", $3 -- ?9\n, $1");
	assert_int_equal(n, 3);
	assert_true(used == 7);
	free(t);
	/* ?1 unused (a list shared by statements): not marked. */
	t = store_pg_sql("UPDATE t SET a = ?3 WHERE b = ?2", &n, &used);
	assert_string_equal(t, "UPDATE t SET a = $3 WHERE b = $2");
	assert_int_equal(n, 3);
	assert_true(used == 6);
	free(t);
	t = store_pg_sql("SELECT 1", &n, &used);
	assert_string_equal(t, "SELECT 1");
	assert_int_equal(n, 0);
	free(t);
	snprintf(big, sizeof(big), "SELECT ?%d", STORE_STMT_PARAMS + 1);
	assert_null(store_pg_sql(big, &n, &used));
	assert_null(store_pg_sql("SELECT ?99999999999999999999", &n, &used));
	assert_null(store_pg_sql("SELECT ?0", &n, &used));
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
		cmocka_unit_test_setup_teardown(test_store_stmt_blob,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_stmt_unused_parameter, testdb_setup,
		    testdb_teardown),
		cmocka_unit_test(test_store_pg_sql_numbers),
		cmocka_unit_test_setup_teardown(test_store_token_cache,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_stmt_run_counts_changes,
		    testdb_setup, testdb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
