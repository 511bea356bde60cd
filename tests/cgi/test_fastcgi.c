/*
 * The persistent mode (FASTCGI=1: rathaus.fcgi under mod_fcgid, at the
 * CGI program's address): one worker serves a thousand requests and more
 * and stays the same process; a worker that dies in the middle of a
 * request (SIGABRT, as a failed assertion ends one) costs that request a
 * 500 and nothing else: a request beside it is answered, the next one
 * too, by a new worker, and what the dead one did not commit is not
 * stored. The rest of tests/cgi runs in this mode too (tests/cgi/fastcgi.sh).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgitest.h"

#define WORKERS_MAX	32
#define ROUNDS		1000

/* The pids of the instance's citizen workers, sorted; how many. */
static size_t
workers(pid_t pids[WORKERS_MAX])
{
	char	 cgi[PATH_MAX + 32], path[300], line[PATH_MAX + 64];
	struct dirent *e;
	DIR	*d;
	FILE	*fp;
	size_t	 n = 0, len, i, j;
	pid_t	 t;

	snprintf(cgi, sizeof(cgi), "%s/cgi-bin/rathaus.cgi", T.dir);
	assert_non_null(d = opendir("/proc"));
	while ((e = readdir(d)) != NULL && n < WORKERS_MAX) {
		if (strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		len = fread(line, 1, sizeof(line) - 1, fp);
		fclose(fp);
		line[len] = '\0';
		if (strcmp(line, cgi) == 0)
			pids[n++] = (pid_t)strtol(e->d_name, NULL, 10);
	}
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && pids[j - 1] > pids[j]; j--) {
			t = pids[j];
			pids[j] = pids[j - 1];
			pids[j - 1] = t;
		}
	return n;
}

/* Does `pid` have the instance's database open (a request in it)? */
static int
has_database(pid_t pid)
{
	char	 dir[64], path[PATH_MAX + 64], link[PATH_MAX + 1];
	char	 db[PATH_MAX + 32];
	struct dirent *e;
	DIR	*d;
	ssize_t	 n;
	int	 found = 0;

	snprintf(db, sizeof(db), "%s/data/rathaus.db", T.dir);
	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, db) == 0;
	}
	closedir(d);
	return found;
}

/*
 * A thousand requests one after the other, pages and the town's look:
 * all answered, by the workers that were there before (none replaced,
 * none added).
 */
static void
test_worker_serves_many(void **state)
{
	pid_t	 before[WORKERS_MAX], after[WORKERS_MAX];
	size_t	 nb, na, i;
	struct resp r;

	(void)state;
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	nb = workers(before);
	assert_true(nb >= 1);
	for (i = 0; i < ROUNDS; i++) {
		assert_int_equal(http("GET", i % 10 == 0 ? SCRIPT "/" :
		    i % 10 == 5 ? FORM : SCRIPT "/site/look?v=1", NULL, 0,
		    &r), 0);
		if (r.status != 200)
			fail_msg("request %zu: %ld", i, r.status);
	}
	na = workers(after);
	print_message("%zu requests served by %zu worker(s), pid %ld\n",
	    (size_t)ROUNDS + 1, na, (long)after[0]);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb * sizeof(pid_t));
}

/* What became of the request in the child: its status, or -1. */
static long
child_status(pid_t child)
{
	int	 st;

	assert_int_equal(waitpid(child, &st, 0), child);
	if (!WIFEXITED(st))
		return -1;
	switch (WEXITSTATUS(st)) {
	case 0: return 500;
	case 3: return 303;
	case 4: return 503;
	default: return -1;
	}
}

/*
 * A submission waits for the write lock (held here); its worker dies
 * then (SIGABRT). The citizen gets a 500, a request beside it is served
 * meanwhile, nothing is stored; the next requests are served as before.
 */
static void
test_crash_is_500(void **state)
{
	struct field f[NFIELDS];
	struct resp r;
	char	 path[PATH_MAX + 32], *body;
	pid_t	 pids[WORKERS_MAX], child, busy = 0;
	size_t	 n, i;
	long	 before, status;
	sqlite3	*db;
	int	 tries;

	(void)state;
	valid_fields(f, fresh_key());
	field_set(f, NFIELDS, "name", "Crash Testperson");
	body = form_encode(f, NFIELDS);
	before = db_number("SELECT count(*) FROM submission");
	/* Workers keep the database open until idle for 200 ms: wait for
	 * that, so that the one found with it open below is the one that
	 * took the submission, not one left from an earlier request. */
	for (tries = 0; tries < 100; tries++) {
		n = workers(pids);
		for (i = 0; i < n && !has_database(pids[i]); i++)
			;
		if (i == n)
			break;
		usleep(50000);
	}
	assert_true(tries < 100);
	snprintf(path, sizeof(path), "%s/data/rathaus.db", T.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE;", NULL, NULL,
	    NULL), SQLITE_OK);
	fflush(NULL);
	if ((child = fork()) == 0) {
		struct resp cr;

		if (http("POST", FORM, body, strlen(body), &cr) != 0)
			_exit(1);
		_exit(cr.status == 500 ? 0 : cr.status == 303 ? 3 :
		    cr.status == 503 ? 4 : 2);
	}
	assert_true(child > 0);
	/* The worker that has the database open waits for the lock. */
	for (tries = 0; busy == 0 && tries < 100; tries++) {
		n = workers(pids);
		for (i = 0; i < n && busy == 0; i++)
			if (has_database(pids[i]))
				busy = pids[i];
		if (busy == 0)
			usleep(50000);
	}
	if (busy == 0) {
		sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
		sqlite3_close(db);
		(void)child_status(child);
		fail_msg("no worker came to wait for the lock");
	}
	/* Beside it: another worker answers. */
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(kill(busy, SIGABRT), 0);
	status = child_status(child);
	sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(status, 500);
	assert_int_equal(db_number("SELECT count(*) FROM submission"), before);
	/* The dead worker is gone; the next requests are served. */
	for (tries = 0; tries < 100; tries++) {
		n = workers(pids);
		for (i = 0; i < n && pids[i] != busy; i++)
			;
		if (i == n)
			break;
		usleep(50000);
	}
	assert_true(tries < 100);
	for (i = 0; i < 5; i++) {
		assert_int_equal(http("GET", FORM, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
	}
	/* Sent again, it is stored. */
	valid_fields(f, fresh_key());
	field_set(f, NFIELDS, "name", "Crash Testperson");
	body = form_encode(f, NFIELDS);
	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(db_number("SELECT count(*) FROM submission"),
	    before + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_worker_serves_many,
		    free_tracked),
		cmocka_unit_test_teardown(test_crash_is_500, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	/* This program tests the persistent mode, whatever the caller's. */
	setenv("FASTCGI", "1", 1);
	return CGITEST_RUN("fastcgi", tests, NULL, NULL);
}
