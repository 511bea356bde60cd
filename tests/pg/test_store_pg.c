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
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ref.h"
#include "store.h"
#include "store_int.h"
#include "store_sql.h"
#include "store_outbox.h"
#include "store_admin.h"
#include "store_sql_cases.h"
#include "store_staff.h"
#include "testdb.h"
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
test_pg_unused_parameter(void **state)
{
	sql_case_unused_parameter(*state);
}

static void
test_pg_blob(void **state)
{
	sql_case_blob(*state, "BYTEA");
}

static void
test_pg_token_cache(void **state)
{
	sql_case_token_cache(*state);
}

/*
 * Runners claiming the outbox at once (`rathaus outbox` on two hosts):
 * each mail is claimed by one of them, every mail by some. Each runner is
 * a process of its own with its own connection, taking one mail at a
 * time until none is due; the ids it got go to a file. Without the
 * rows locked and skipped (FOR UPDATE SKIP LOCKED), two runners read
 * the same row and both claim it.
 */
#define OUTBOX_MAILS	200
#define OUTBOX_RUNNERS	3

static void
outbox_runner(int k, const char *path)
{
	struct store_outbox_mail *m;
	struct store *s;
	char	 claim[16];
	size_t	 n;
	FILE	*fp;
	int	 rc = 0;

	snprintf(claim, sizeof(claim), "runner-%d", k);
	if ((fp = fopen(path, "w")) == NULL)
		_exit(2);
	if (store_pg_open(&s, conninfo) != STORE_OK)
		_exit(3);
	for (;;) {
		rc = store_outbox_due(s, "2026-01-01T00:00:00Z", claim,
		    "2026-01-01T00:01:00Z", 1, &m, &n);
		if (rc == STORE_BUSY)
			continue;
		if (rc != STORE_OK || n == 0)
			break;
		fprintf(fp, "%ld\n", m[0].id);
		store_outbox_free(m, n);
	}
	if (rc != STORE_OK)
		fprintf(stderr, "runner %d: %s\n", k, store_errmsg(s));
	store_close(s);
	_exit(fclose(fp) == 0 && rc == STORE_OK ? 0 : 4);
}

static void
test_pg_outbox_claimed_once(void **state)
{
	struct store *s = *state;
	char	 path[OUTBOX_RUNNERS][TMPDIR_MAX + 32];
	char	 sql[256];
	unsigned char seen[OUTBOX_MAILS + 1];
	pid_t	 pid[OUTBOX_RUNNERS];
	long	 id, total = 0;
	int	 k, st;
	FILE	*fp;

	assert_int_equal(store_exec(s, "DROP TABLE IF EXISTS outbox"),
	    STORE_OK);
	assert_int_equal(store_exec(s, "CREATE TABLE outbox (id BIGSERIAL"
	    " PRIMARY KEY, created TEXT NOT NULL, recipient TEXT NOT NULL,"
	    " subject TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT"
	    " NULL DEFAULT 0, next_try TEXT NOT NULL, sent TEXT, last_error"
	    " TEXT, claim TEXT, handed TEXT, submission_id BIGINT)"),
	    STORE_OK);
	snprintf(sql, sizeof(sql), "INSERT INTO outbox(created, recipient,"
	    " subject, body, next_try) SELECT '2025-12-31T00:00:00Z',"
	    " 'a@example.org', 'S', 'B', '2025-12-31T00:00:00Z' FROM"
	    " generate_series(1, %d)", OUTBOX_MAILS);
	assert_int_equal(store_exec(s, sql), STORE_OK);
	for (k = 0; k < OUTBOX_RUNNERS; k++) {
		snprintf(path[k], sizeof(path[k]), "%s/runner-%d", cluster_dir,
		    k);
		assert_true((pid[k] = fork()) != -1);
		if (pid[k] == 0)
			outbox_runner(k, path[k]);
	}
	for (k = 0; k < OUTBOX_RUNNERS; k++) {
		assert_int_equal(waitpid(pid[k], &st, 0), pid[k]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < OUTBOX_RUNNERS; k++) {
		assert_non_null(fp = fopen(path[k], "r"));
		while (fscanf(fp, "%ld", &id) == 1) {
			assert_true(id >= 1 && id <= OUTBOX_MAILS);
			if (seen[id]++)
				fail_msg("mail %ld claimed twice", id);
			total++;
		}
		fclose(fp);
	}
	assert_int_equal(total, OUTBOX_MAILS);
}

/*
 * An empty database of the cluster, the rathaus role's, named `name`:
 * its connection string into `out` (libpq takes the last of a key).
 */
static void
fresh_database(const char *name, char *out, size_t size)
{
	struct store *admin;
	char	 sql[128], info[sizeof(conninfo) + 64];

	snprintf(info, sizeof(info), "%s user=postgres dbname=postgres",
	    conninfo);
	assert_int_equal(store_pg_open(&admin, info), STORE_OK);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
	assert_int_equal(store_exec(admin, sql), STORE_OK);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s OWNER rathaus", name);
	assert_int_equal(store_exec(admin, sql), STORE_OK);
	store_close(admin);
	snprintf(out, size, "%s dbname=%s", conninfo, name);
}

/* A submission of the sample kind (tests/unit/test_store.c's). */
static struct store_new
sample(const char *key, const char *token)
{
	struct store_new n = {
		.service = "osterfeuer", .version = 1,
		.values_xml = "<values><value name=\"name\">Anna</value>"
		    "</values>",
		.definition_xml = "<service id=\"osterfeuer\"/>",
		.fee_cents = 0, .submit_key = key, .lang = "de",
		.token = token, .created = "2026-03-01T10:00:00Z",
		.year = 2026,
	};
	return n;
}

/*
 * `rathaus init` on an empty database: the whole schema at the version
 * SQLite's has, the secrets made; again: nothing to do. The web programs
 * open it only at that version.
 */
static void
test_pg_schema_made_once(void **state)
{
	char	 info[sizeof(conninfo) + 64];
	unsigned char form[REF_SECRET_LEN], csrf[REF_SECRET_LEN];
	struct store *s;
	int	 from = -1, to = -1;

	(void)state;
	fresh_database("schema_made", info, sizeof(info));
	assert_int_equal(store_open(&s, NULL, info, 0), STORE_OUTDATED);
	assert_null(s);
	assert_int_equal(store_open(&s, NULL, info, 1), STORE_OK);
	assert_int_equal(store_migrate(s, &from, &to), STORE_OK);
	assert_int_equal(from, 0);
	assert_int_equal(to, store_schema_version());
	assert_int_equal(store_migrate(s, &from, &to), STORE_OK);
	assert_int_equal(from, store_schema_version());
	assert_int_equal(to, store_schema_version());
	assert_int_equal(store_secret(s, "form", form), STORE_OK);
	assert_int_equal(store_secret(s, "csrf", csrf), STORE_OK);
	assert_memory_not_equal(form, csrf, REF_SECRET_LEN);
	assert_int_equal(store_secret(s, "other", form), STORE_NOTFOUND);
	store_close(s);
	assert_int_equal(store_open(&s, NULL, info, 0), STORE_OK);
	/* A schema behind the program's: run `rathaus init`. */
	assert_int_equal(store_exec(s, "UPDATE rathaus_schema SET version ="
	    " version - 1"), STORE_OK);
	store_close(s);
	assert_int_equal(store_open(&s, NULL, info, 0), STORE_OUTDATED);
}

/* A store at the current schema on a database of its own. */
static struct store *
schema_store(const char *name)
{
	char	 info[sizeof(conninfo) + 64];
	struct store *s;
	int	 from, to;

	fresh_database(name, info, sizeof(info));
	assert_int_equal(store_open(&s, NULL, info, 1), STORE_OK);
	assert_int_equal(store_migrate(s, &from, &to), STORE_OK);
	return s;
}

static long
pg_number(struct store *s, const char *sql)
{
	struct store_stmt q;
	long	 n;

	assert_int_equal(store_stmt_prepare(&q, s, sql, "number"), STORE_OK);
	assert_int_equal(store_stmt_one(&q), STORE_OK);
	n = (long)store_stmt_col_int64(&q, 0);
	store_stmt_end(&q);
	return n;
}

/*
 * A submission stored and found by reference and token as on SQLite:
 * numbered per year, a double submit (same key, same answers) gives the
 * first receipt and no second row, the counts kept by the triggers, the
 * search row written, the audit append-only.
 */
static void
test_pg_submit_and_find(void **state)
{
	struct store *s = schema_store("submit_find");
	struct store_new n = sample("k1", "00112233445566778899aabbccddeeff");
	struct store_receipt r, again, other;
	struct store_submission sub;
	char	 first[REF_MAX];

	(void)state;
	if (store_submit(s, &n, &r) != STORE_OK)
		fail_msg("submit: %s", store_errmsg(s));
	assert_int_equal(ref_format(first, 2026, 1), 0);
	assert_string_equal(r.ref, first);
	assert_false(r.existing);
	assert_int_equal(store_submit(s, &n, &again), STORE_OK);
	assert_true(again.existing);
	assert_string_equal(again.ref, r.ref);
	n.submit_key = "k2";
	n.token = "ffeeddccbbaa99887766554433221100";
	assert_int_equal(store_submit(s, &n, &other), STORE_OK);
	assert_string_not_equal(other.ref, r.ref);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM submission"), 2);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM definition"), 1);
	assert_int_equal(pg_number(s, "SELECT n FROM status_count WHERE"
	    " service = 'osterfeuer' AND status = 'received'"), 2);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM"
	    " submission_search"), 2);

	assert_int_equal(store_find(s, r.ref, r.token, &sub), STORE_OK);
	assert_string_equal(sub.service, "osterfeuer");
	assert_string_equal(sub.status, "received");
	assert_non_null(strstr(sub.values_xml, "Anna"));
	assert_non_null(sub.definition_xml);
	assert_int_equal(sub.nhistory, 1);
	assert_string_equal(sub.history[0].status, "received");
	store_submission_free(&sub);
	assert_int_equal(store_find(s, r.ref, other.token, &sub),
	    STORE_NOTFOUND);

	assert_int_equal(store_exec(s, "INSERT INTO audit(at, actor, action)"
	    " VALUES ('2026-03-01T10:00:00Z', 'test', 'x')"), STORE_OK);
	assert_int_equal(store_exec(s, "UPDATE audit SET actor = 'y'"),
	    STORE_ERROR);
	assert_non_null(strstr(store_errmsg(s), "append-only"));
	assert_int_equal(store_exec(s, "DELETE FROM audit"), STORE_ERROR);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM audit"), 1);
	store_close(s);
}

/*
 * A row another transaction holds (the year's reference counter) is
 * waited for within the request's budget only: then busy (a 503 with
 * Retry-After for the citizen), nothing stored; once free, stored.
 */
static void
test_pg_lock_wait_within_budget(void **state)
{
	struct store_new n = sample("k1", "00112233445566778899aabbccddeeff");
	char	 info[sizeof(conninfo) + 64];
	struct store *s, *other;
	struct store_receipt r;
	struct timespec t0, t1, deadline;
	long	 ms;
	int	 from, to;

	(void)state;
	fresh_database("locks", info, sizeof(info));
	assert_int_equal(store_open(&s, NULL, info, 1), STORE_OK);
	assert_int_equal(store_migrate(s, &from, &to), STORE_OK);
	assert_int_equal(store_open(&other, NULL, info, 0), STORE_OK);
	assert_int_equal(store_submit(s, &n, &r), STORE_OK);
	assert_int_equal(store_begin(other), STORE_OK);
	assert_int_equal(store_exec(other, "UPDATE ref_counter SET last ="
	    " last WHERE year = 2026"), STORE_OK);

	n.submit_key = "k2";
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	deadline = t0;
	deadline.tv_nsec += 300000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	store_busy_deadline(s, &deadline);
	assert_int_not_equal(store_submit(s, &n, &r), STORE_OK);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	assert_int_equal(store_fault(s), STORE_BUSY);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	if (ms < 250 || ms > 3000)
		fail_msg("waited %ld ms for a budget of 300", ms);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM submission"), 1);

	assert_int_equal(store_exec(other, "ROLLBACK"), STORE_OK);
	store_busy_deadline(s, NULL);
	assert_int_equal(store_submit(s, &n, &r), STORE_OK);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM submission"), 2);

	/* A clerk's change waits for another transaction on the same
	 * submission (store_lock), within the budget. */
	assert_int_equal(store_begin(other), STORE_OK);
	assert_int_equal(store_lock(other, "submission", r.ref), STORE_OK);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &deadline), 0);
	deadline.tv_sec += 1;
	store_busy_deadline(s, &deadline);
	assert_int_not_equal(store_set_status(s, r.ref, "received",
	    "in_progress", "clerk", NULL, "2026-03-01T11:00:00Z", NULL, NULL),
	    STORE_OK);
	assert_int_equal(store_fault(s), STORE_BUSY);
	assert_int_equal(store_exec(other, "ROLLBACK"), STORE_OK);
	store_busy_deadline(s, NULL);
	assert_int_equal(store_set_status(s, r.ref, "received", "in_progress",
	    "clerk", NULL, "2026-03-01T11:00:00Z", NULL, NULL), STORE_OK);
	store_close(other);
	store_close(s);
}

/*
 * `rathaus reindex` on PostgreSQL: the search index and the counts made
 * anew from the submissions (folded in C, a page at a time: 40 rows
 * cross a page), found as before.
 */
static void
test_pg_reindex(void **state)
{
	struct store *s = schema_store("reindex");
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	char	 values[96];
	long	 count = 0;
	int	 k;

	(void)state;
	for (k = 0; k < 40; k++) {
		snprintf(values, sizeof(values), "<values><value name=\"name\">"
		    "Stra\xc3\x9f" "e %d</value></values>", k);
		n.values_xml = values;
		assert_int_equal(store_submit(s, &n, &r), STORE_OK);
	}
	assert_int_equal(store_exec(s, "DELETE FROM submission_search"),
	    STORE_OK);
	assert_int_equal(store_exec(s, "DELETE FROM status_count"), STORE_OK);
	assert_int_equal(store_reindex(s, &count), STORE_OK);
	assert_int_equal(count, 40);
	assert_int_equal(pg_number(s, "SELECT count(*) FROM"
	    " submission_search"), 40);
	/* Folded as the catalog folds: ß is ss, case goes. */
	assert_int_equal(pg_number(s, "SELECT count(*) FROM submission_search"
	    " WHERE text LIKE '%strasse 17%'"), 1);
	assert_int_equal(pg_number(s, "SELECT n FROM status_count WHERE"
	    " status = 'received'"), 40);
	store_close(s);
}

/* The checksum's lines into a buffer. */
static int
sum_keep(void *arg, const char *table, long rows, const char *sum)
{
	struct buf *b = arg;

	buf_printf(b, "%s %ld %s\n", table, rows, sum);
	return b->failed ? -1 : 0;
}

/*
 * `rathaus store-copy`: an SQLite instance with submissions, a claimed
 * file (bytes with NUL and 0xff), a mail, payments, an appointment, a
 * block, notes and audit entries moves into an empty PostgreSQL store
 * whole: every table's checksum agrees, the references and ids go on
 * after the copied ones, the form secret is the instance's, the audit
 * stays append-only; a second copy into it is refused.
 */
static void
test_pg_transfer_whole(void **state)
{
	static const unsigned char scan[] = { '%', 'P', 'D', 'F', 0x00, 0xff,
	    '\n', 0x80 };
	static const char *const files[] = { "scan", NULL };
	struct store_staged f = { "scan", "scan.pdf", "application/pdf",
	    scan, sizeof(scan), 0 };
	struct store_staging lim = { 1 << 20, 1 << 20,
	    "2026-03-01T10:00:00Z", "2026-03-01T09:00:00Z" };
	unsigned char want[REF_SECRET_LEN], got[REF_SECRET_LEN];
	struct store_new n = sample("k1", "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2, r3;
	struct store *src, *dst;
	struct buf a, b;
	char	 dir[TMPDIR_MAX], expect[REF_MAX];
	long	 rows = 0;

	(void)state;
	assert_int_equal(testdb_create(dir, "transfer", &src), 0);
	assert_int_equal(store_upload_put(src, "k1", &f, 1, &lim), STORE_OK);
	n.files = files;
	assert_int_equal(store_submit(src, &n, &r1), STORE_OK);
	n.submit_key = "k2";
	n.files = NULL;
	n.fee_cents = 750;
	n.token = "ffeeddccbbaa99887766554433221100";
	assert_int_equal(store_submit(src, &n, &r2), STORE_OK);
	assert_int_equal(store_exec(src, "INSERT INTO outbox(created,"
	    " recipient, subject, body, next_try, submission_id) VALUES"
	    " ('2026-03-01T10:00:00Z', 'a@example.org', 'Grüße', 'x',"
	    " '2026-03-01T10:00:00Z', 1);"
	    "INSERT INTO payment(submission_id, method, state, amount_cents,"
	    " request_id, created, updated) VALUES (2, 'transfer', 'started',"
	    " 750, 'r1', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z');"
	    "INSERT INTO payment_event(payment_id, submission_id, state, at,"
	    " source, event_id) VALUES (1, 2, 'started',"
	    " '2026-03-01T10:00:00Z', 'bank', NULL);"
	    "INSERT INTO booking(submission_id, calendar, field, start, \"end\","
	    " held_end, created) VALUES (1, 'amt', 'termin', '2026-03-02T08:00',"
	    " '2026-03-02T08:15', '2026-03-02T08:15', '2026-03-01T10:00:00Z');"
	    "INSERT INTO cal_block(calendar, start, \"end\", clerk, created)"
	    " VALUES ('amt', '2026-03-03T08:00', '2026-03-03T12:00', 'c',"
	    " '2026-03-01T10:00:00Z');"
	    "INSERT INTO note(submission_id, author, at, text) VALUES (1, 'c',"
	    " '2026-03-01T10:00:00Z', 'ok');"
	    "INSERT INTO audit(at, actor, action, ref) VALUES"
	    " ('2026-03-01T10:00:00Z', 'c', 'status', '2026-000001-5');"
	    "UPDATE submission SET status = 'in_progress' WHERE id = 2;"),
	    STORE_OK);
	assert_int_equal(store_secret(src, "form", want), STORE_OK);

	dst = schema_store("transfer");
	assert_int_equal(store_transfer(src, dst, &rows), STORE_OK);
	assert_true(rows > 15);
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	assert_int_equal(store_checksum(src, sum_keep, &a), STORE_OK);
	assert_int_equal(store_checksum(dst, sum_keep, &b), STORE_OK);
	assert_non_null(strstr(buf_str(&a), "\nupload 1 "));
	assert_non_null(strstr(buf_str(&a), "\nstatus_count 2 "));
	assert_string_equal(buf_str(&a), buf_str(&b));
	assert_int_equal(store_secret(dst, "form", got), STORE_OK);
	assert_memory_equal(got, want, REF_SECRET_LEN);
	assert_int_equal(pg_number(dst, "SELECT count(*) FROM"
	    " submission_search"), 2);

	/* On from where the instance was. */
	n.submit_key = "k3";
	n.token = "0123456789abcdef0123456789abcdef";
	assert_int_equal(store_submit(dst, &n, &r3), STORE_OK);
	assert_int_equal(ref_format(expect, 2026, 3), 0);
	assert_string_equal(r3.ref, expect);
	assert_int_equal(pg_number(dst, "SELECT max(id) FROM submission"), 3);
	assert_int_equal(pg_number(dst, "SELECT n FROM status_count WHERE"
	    " status = 'received'"), 2);
	assert_int_equal(store_exec(dst, "DELETE FROM audit"), STORE_ERROR);
	/* Every identity, not only submission's, past the ids copied: the
	 * next id of each table is above its largest. */
	if (store_exec(dst, "DO $d$ DECLARE t text; behind boolean; BEGIN"
	    " FOR t IN SELECT table_name FROM information_schema.columns"
	    " WHERE table_schema = current_schema() AND column_name = 'id'"
	    " AND is_identity = 'YES' LOOP EXECUTE format('SELECT"
	    " nextval(pg_get_serial_sequence(%L, ''id'')) <= coalesce(max(id),"
	    " 0) FROM %I', quote_ident(t), t) INTO behind; IF behind THEN"
	    " RAISE EXCEPTION 'the ids of % go on from before the copy', t;"
	    " END IF; END LOOP; END $d$") != STORE_OK)
		fail_msg("%s", store_errmsg(dst));
	/* Twice: refused, nothing changed. */
	assert_int_equal(store_transfer(src, dst, &rows), STORE_ERROR);
	assert_non_null(strstr(store_errmsg(dst), "holds submissions"));
	assert_int_equal(pg_number(dst, "SELECT count(*) FROM submission"), 3);

	buf_free(&a);
	buf_free(&b);
	store_close(dst);
	store_close(src);
	tmpdir_remove(dir);
}

/*
 * The portal's tables of each engine with their columns in order, from
 * its own catalog: rows (table, column, declared type), tables in byte
 * order. Left out as each engine's own, by design (store_pg_schema.c):
 * on SQLite its internal sqlite_* tables and the FTS5 index
 * submission_search with its shadow tables (submission_search_data,
 * _idx, ...); on PostgreSQL the schema's version (rathaus_schema, which
 * SQLite keeps in PRAGMA user_version) and submission_search, a plain
 * table (rowid, text) with a trigram index in FTS5's place.
 */
static const char schema_sqlite[] =
	"SELECT t.name, c.name, c.type FROM sqlite_schema AS t"
	" JOIN pragma_table_info(t.name) AS c WHERE t.type = 'table'"
	" AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" AND t.name NOT LIKE 'submission\\_search%' ESCAPE '\\'"
	" ORDER BY t.name, c.cid";
static const char schema_pg[] =
	"SELECT c.table_name, c.column_name, c.data_type"
	" FROM information_schema.columns AS c"
	" JOIN information_schema.tables AS t"
	" ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
	" WHERE c.table_schema = current_schema()"
	" AND t.table_type = 'BASE TABLE'"
	" AND c.table_name NOT IN ('rathaus_schema', 'submission_search')"
	" ORDER BY c.table_name COLLATE \"C\", c.ordinal_position";

/* A column's type loosely, as both engines can say it. */
static const char *
schema_type(const char *type)
{
	if (strcasecmp(type, "integer") == 0 || strcasecmp(type, "bigint") == 0)
		return "integer";
	if (strcasecmp(type, "text") == 0)
		return "text";
	if (strcasecmp(type, "blob") == 0 || strcasecmp(type, "bytea") == 0)
		return "bytes";
	return type;
}

/* The schema of `s` as `sql` gives it, a line a table:
 * "name(column type, ...)". */
static void
schema_lines(struct store *s, const char *sql, struct buf *out)
{
	struct store_stmt q;
	const char *table, *column, *type;
	char	 last[64] = "";
	int	 rc;

	assert_int_equal(store_stmt_prepare(&q, s, sql, "schema"), STORE_OK);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		assert_non_null(table = store_stmt_col_text(&q, 0));
		assert_non_null(column = store_stmt_col_text(&q, 1));
		assert_non_null(type = store_stmt_col_text(&q, 2));
		if (strcmp(table, last) != 0) {
			assert_true(strlen(table) < sizeof(last));
			buf_printf(out, "%s%s(", *last != '\0' ? ")\n" : "",
			    table);
			snprintf(last, sizeof(last), "%s", table);
		} else
			buf_addstr(out, ", ");
		buf_printf(out, "%s %s", column, schema_type(type));
	}
	store_stmt_end(&q);
	if (rc != STORE_OK)
		fail_msg("%s", store_errmsg(s));
	buf_addstr(out, ")\n");
	assert_false(out->failed);
}

/* The first line where `a` and `b` differ (NULL where they do not),
 * the other's in *other, their lengths in *len and *olen. */
static const char *
schema_diff(const char *a, const char *b, const char **other, int *len,
    int *olen)
{
	const char *la = a, *lb = b;

	for (; *a == *b; a++, b++) {
		if (*a == '\0')
			return NULL;
		if (*a == '\n') {
			la = a + 1;
			lb = b + 1;
		}
	}
	*other = lb;
	*len = (int)strcspn(la, "\n");
	*olen = (int)strcspn(lb, "\n");
	return la;
}

/*
 * A new store on either engine holds the same tables with the same
 * columns in the same order, of the same kind: what `rathaus
 * store-copy` and `rathaus checksum` rely on, and what a migration
 * written for one engine only would break. A column one side has and
 * the other has not is seen.
 */
static void
test_pg_schema_as_sqlite(void **state)
{
	struct store *lite, *pg;
	struct buf a, b;
	const char *la, *lb;
	char	 dir[TMPDIR_MAX];
	int	 na, nb;

	(void)state;
	assert_int_equal(testdb_create(dir, "schema", &lite), 0);
	pg = schema_store("schema_same");
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	schema_lines(lite, schema_sqlite, &a);
	schema_lines(pg, schema_pg, &b);
	assert_non_null(strstr(buf_str(&a), "\nsubmission(id integer, ref"
	    " text,"));
	if ((la = schema_diff(buf_str(&a), buf_str(&b), &lb, &na, &nb)) !=
	    NULL)
		fail_msg("SQLite's %.*s, PostgreSQL's %.*s", na, la, nb, lb);

	assert_int_equal(store_exec(pg, "ALTER TABLE note ADD COLUMN extra"
	    " TEXT"), STORE_OK);
	buf_reset(&b);
	schema_lines(pg, schema_pg, &b);
	assert_non_null(la = schema_diff(buf_str(&a), buf_str(&b), &lb, &na,
	    &nb));
	assert_non_null(strstr(lb, "text text, extra text)"));

	buf_free(&a);
	buf_free(&b);
	store_close(pg);
	store_close(lite);
	tmpdir_remove(dir);
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
		cmocka_unit_test_setup_teardown(test_pg_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_unused_parameter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_token_cache,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_outbox_claimed_once,
		    setup, teardown),
		cmocka_unit_test(test_pg_no_server_is_unavailable),
		cmocka_unit_test(test_pg_schema_made_once),
		cmocka_unit_test(test_pg_schema_as_sqlite),
		cmocka_unit_test(test_pg_submit_and_find),
		cmocka_unit_test(test_pg_transfer_whole),
		cmocka_unit_test(test_pg_lock_wait_within_budget),
		cmocka_unit_test(test_pg_reindex),
	};

	return cmocka_run_group_tests_name("store_pg", tests, group_setup,
	    group_teardown);
}
