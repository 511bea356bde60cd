#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "tmpdir.h"

struct fixture {
	char	 dir[TMPDIR_MAX];
	struct store *s;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int	 from, to;

	if (f == NULL)
		return -1;
	if (tmpdir_make(f->dir, "store") != 0 ||
	    store_open(&f->s, f->dir, 1) != STORE_OK ||
	    store_migrate(f->s, &from, &to) != STORE_OK) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct store_new
sample(const char *key, const char *token)
{
	struct store_new n = {
		.service = "osterfeuer", .version = 1,
		.values_xml = "<values><value name=\"name\">Anna</value></values>",
		.fee_cents = 0, .submit_key = key, .lang = "de", .token = token,
		.created = "2026-03-01T10:00:00Z", .year = 2026,
	};
	return n;
}

static long
count_rows(const struct fixture *f)
{
	sqlite3	*db;
	sqlite3_stmt *st;
	struct buf path;
	long	 n = -1;

	buf_init(&path, 256);
	buf_printf(&path, "%s/rathaus.db", f->dir);
	assert_int_equal(sqlite3_open_v2(buf_str(&path), &db,
	    SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM submission", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	buf_free(&path);
	return n;
}

static void
test_store_submit_and_find(void **state)
{
	struct fixture *f = *state;
	struct store_new n = sample("k1", "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2;
	struct store_submission sub;

	assert_int_equal(store_submit(f->s, &n, &r1), STORE_OK);
	/* The check digit follows; compare the prefix only. */
	assert_memory_equal(r1.ref, "2026-000001-", 12);
	n = sample("k2", "ffeeddccbbaa99887766554433221100");
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_memory_equal(r2.ref, "2026-000002-", 12);
	assert_false(r2.existing);

	assert_int_equal(store_find(f->s, r1.ref,
	    "00112233445566778899aabbccddeeff", &sub), STORE_OK);
	assert_string_equal(sub.service, "osterfeuer");
	assert_string_equal(sub.status, "received");
	assert_string_equal(sub.created, "2026-03-01T10:00:00Z");
	assert_non_null(strstr(sub.values_xml, "Anna"));
	assert_int_equal(sub.nhistory, 1);
	assert_string_equal(sub.history[0].status, "received");
	store_submission_free(&sub);
}

static void
test_store_wrong_token_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store_submission sub;

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(store_find(f->s, r.ref,
	    "00112233445566778899aabbccddeef0", &sub), STORE_NOTFOUND);
	assert_int_equal(store_find(f->s, r.ref, "", &sub), STORE_NOTFOUND);
	assert_int_equal(store_find(f->s, "2026-999999-1",
	    "00112233445566778899aabbccddeeff", &sub), STORE_NOTFOUND);
	store_submission_free(&sub);
}

static void
test_store_double_submit_is_one_row(void **state)
{
	struct fixture *f = *state;
	struct store_new n = sample("same-key", "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2;
	long	 before = count_rows(f);

	assert_int_equal(store_submit(f->s, &n, &r1), STORE_OK);
	n.token = "ffffffffffffffffffffffffffffffff";
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_true(r2.existing);
	assert_string_equal(r1.ref, r2.ref);
	/* The first token stays the one that opens the receipt. */
	assert_string_equal(r2.token, "00112233445566778899aabbccddeeff");
	assert_int_equal(count_rows(f), before + 1);
}

static void
test_store_references_count_per_year(void **state)
{
	struct fixture *f = *state;
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;

	n.year = 2027;
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_memory_equal(r.ref, "2027-000001-", 12);
	assert_true(ref_valid(r.ref));
}

/* A failed insert leaves nothing behind: not even a used reference. */
static void
test_store_failed_write_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	long	 before = count_rows(f);

	n.fee_cents = -1;	/* violates the CHECK constraint */
	assert_int_equal(store_submit(f->s, &n, &r), STORE_ERROR);
	assert_string_equal(r.ref, "");
	assert_int_equal(count_rows(f), before);
	n.fee_cents = 0;
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_memory_equal(r.ref, "2026-000001-", 12);
}

static void
test_store_web_open_needs_init(void **state)
{
	char	 dir[TMPDIR_MAX];
	struct store *s = NULL;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "empty"), 0);
	/* The web programs never create a database... */
	assert_int_equal(store_open(&s, dir, 0), STORE_ERROR);
	/* ...nor use one that is not migrated. */
	assert_int_equal(store_open(&s, dir, 1), STORE_OK);
	store_close(s);
	assert_int_equal(store_open(&s, dir, 0), STORE_OUTDATED);
	tmpdir_remove(dir);
}

static void
test_store_migrate_is_idempotent(void **state)
{
	struct fixture *f = *state;
	int	 from, to;

	assert_int_equal(store_migrate(f->s, &from, &to), STORE_OK);
	assert_int_equal(from, to);
	assert_true(to >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_submit_and_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_wrong_token_is_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_double_submit_is_one_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_references_count_per_year, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_failed_write_changes_nothing, setup, teardown),
		cmocka_unit_test(test_store_web_open_needs_init),
		cmocka_unit_test_setup_teardown(test_store_migrate_is_idempotent, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
