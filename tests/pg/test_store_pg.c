/*
 * The store's statement layer (store_sql.c) on PostgreSQL: a real
 * cluster made with initdb by tools/pgcluster in a temporary directory,
 * reached on its Unix socket, stopped afterwards. The same statements as
 * on SQLite (tests/unit/test_store_sql.c): ?N parameters, text, integers
 * and NULL, rows changed, a failed bind, a constraint; and what only this
 * engine needs: ?N written as $N outside quotes, failures classed as
 * SQLite's are (no server: unavailable).
 */
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
#include "tmpdir.h"

static char cluster_dir[TMPDIR_MAX];
static char conninfo[512];

/* tools/pgcluster ACTION DIR; its first line of output into `line`. */
static int
pgcluster(const char *action, char *line, size_t size)
{
	char	 cmd[TMPDIR_MAX + 256];
	FILE	*p;
	int	 rc;

	snprintf(cmd, sizeof(cmd), "'%s/tools/pgcluster' %s '%s'", SRCDIR,
	    action, cluster_dir);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (line != NULL && (fgets(line, (int)size, p) == NULL))
		*line = '\0';
	rc = pclose(p);
	if (line != NULL)
		line[strcspn(line, "\n")] = '\0';
	return rc == 0 ? 0 : -1;
}

static int
group_setup(void **state)
{
	(void)state;
	if (tmpdir_make(cluster_dir, "pg-store") != 0)
		return -1;
	if (pgcluster("start", conninfo, sizeof(conninfo)) != 0 ||
	    *conninfo == '\0') {
		fprintf(stderr, "tools/pgcluster start failed\n");
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	(void)pgcluster("stop", NULL, 0);
	tmpdir_remove(cluster_dir);
	return 0;
}

static int
setup(void **state)
{
	struct store *s;

	if (store_pg_open(&s, conninfo) != STORE_OK) {
		store_close(s);
		return -1;
	}
	if (store_stmt_run(s, "DROP TABLE IF EXISTS provider_token", NULL, 0,
	    "drop", NULL) != STORE_OK || store_stmt_run(s, "CREATE TABLE"
	    " provider_token (provider TEXT PRIMARY KEY, token TEXT NOT NULL,"
	    " expires TEXT NOT NULL)", NULL, 0, "create", NULL) != STORE_OK) {
		fprintf(stderr, "%s\n", store_errmsg(s));
		store_close(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void
test_pg_binds_and_columns(void **state)
{
	sql_case_binds_and_columns(*state);
}

/* Rows come one after the other, in order, as SQLite's steps give them. */
static void
test_pg_rows_in_order(void **state)
{
	struct store *s = *state;
	struct store_stmt q;
	int	 n = 0;

	assert_int_equal(store_stmt_prepare(&q, s, "SELECT g FROM"
	    " generate_series(1, CAST(?1 AS INTEGER)) AS g ORDER BY g",
	    "series"), STORE_OK);
	store_stmt_int64(&q, 1, 3);
	while (store_stmt_step(&q) == STORE_STMT_ROW)
		assert_int_equal(store_stmt_col_int64(&q, 0), ++n);
	assert_int_equal(n, 3);
	assert_int_equal(store_stmt_step(&q), STORE_OK);
	store_stmt_end(&q);
}

static void
test_pg_failed_bind_fails_the_step(void **state)
{
	sql_case_failed_bind_fails_the_step(*state);
}

static void
test_pg_run_counts_changes(void **state)
{
	sql_case_run_counts_changes(*state);
	assert_non_null(strstr(store_errmsg(*state), "duplicate key"));
}

static void
test_pg_token_cache(void **state)
{
	sql_case_token_cache(*state);
}

/* No server there: unavailable (a 503 for the citizen), said why. */
static void
test_pg_no_server_is_unavailable(void **state)
{
	struct store *s;
	char	 info[TMPDIR_MAX + 64];

	(void)state;
	snprintf(info, sizeof(info), "host=%s/nowhere dbname=rathaus"
	    " connect_timeout=2", cluster_dir);
	assert_int_equal(store_pg_open(&s, info), STORE_UNAVAILABLE);
	assert_non_null(s);
	assert_non_null(strstr(store_errmsg(s), "postgresql"));
	assert_int_equal(store_fault(s), STORE_UNAVAILABLE);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pg_binds_and_columns,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_rows_in_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pg_failed_bind_fails_the_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_run_counts_changes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_token_cache,
		    setup, teardown),
		cmocka_unit_test(test_pg_no_server_is_unavailable),
	};

	return cmocka_run_group_tests_name("store_pg", tests, group_setup,
	    group_teardown);
}
