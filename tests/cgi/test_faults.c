/*
 * Faults behind a real Apache (issue 10): many submissions at once, the
 * write lock held by someone else, CGI processes and Apache killed in the
 * middle of submissions, a full disk, a read-only, a corrupt and a missing
 * database, the instance stopped while submissions are in flight. What
 * must hold each time: a citizen who got the 303 has a stored submission
 * (exactly one), a citizen who did not was told so and keeps the answers,
 * the database stays intact, and every store failure names its cause in
 * the error log. Each test leaves the instance as it found it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgitest.h"
#include "helper.h"
#include "ref.h"

#define SHOTS_MAX	80

static void	quiesce(void);

/*
 * A valid bonfire registration whose name carries a mark of its own, with
 * the key of a form page of its own (bound to the jar's form cookie, which
 * http_burst() sends).
 */
static void
shot_make(struct shot *s, const char *what, size_t i)
{
	struct field f[NFIELDS];
	char	 rnd[REF_TOKEN_LEN + 1], *name, *key;

	memset(s, 0, sizeof(*s));
	key = fresh_key();
	assert_int_equal(ref_token(rnd), 0);
	snprintf(s->mark, sizeof(s->mark), "%s%zu%.12s", what, i, rnd);
	assert_non_null(name = malloc(64));
	snprintf(name, 64, "Erika %s", s->mark);
	track(name);
	valid_fields(f, key);
	field_set(f, NFIELDS, "name", name);
	s->body = form_encode(f, NFIELDS);
}

/* How many submissions carry `mark` in their answers. */
static long
stored(const char *mark)
{
	return db_countf("SELECT count(*) FROM submission WHERE"
	    " answers LIKE '%%%s%%'", mark);
}

/*
 * The outcome of a burst: every 303 leads to its own reference, stored
 * exactly once with its answers. With `both`, every other answer also
 * stored nothing. Returns the number of 303s.
 */
static size_t
outcome(const struct shot *s, size_t n, int both, const char *what)
{
	char	 refs[SHOTS_MAX][64], tok[128], *loc;
	size_t	 i, k, ok = 0, busy = 0, reset = 0, other = 0;
	long	 rows;

	for (i = 0; i < n; i++) {
		rows = stored(s[i].mark);
		if (s[i].r.status == 303) {
			loc = resp_header(&s[i].r, "Location");
			assert_non_null(loc);
			parse_receipt_location(loc, refs[ok], sizeof(refs[ok]),
			    tok, sizeof(tok));
			for (k = 0; k < ok; k++)
				if (strcmp(refs[k], refs[ok]) == 0)
					fail_msg("%s: reference %s given twice",
					    what, refs[ok]);
			if (rows != 1)
				fail_msg("%s: %s got its receipt %s but is"
				    " stored %ld times", what, s[i].mark,
				    refs[ok], rows);
			ok++;
			continue;
		}
		if (s[i].r.status == 503)
			busy++;
		else if (s[i].r.status == 0)
			reset++;
		else
			other++;
		if (s[i].r.status == 503 &&
		    resp_header(&s[i].r, "Retry-After") == NULL)
			fail_msg("%s: a 503 without Retry-After", what);
		if (both && rows != 0)
			fail_msg("%s: %s is stored (%ld), but its citizen got"
			    " %ld (%s), no receipt", what, s[i].mark, rows,
			    s[i].r.status, curl_easy_strerror(s[i].rc));
	}
	print_message("%s: %zu submissions: %zu receipts, %zu 503, %zu"
	    " reset or refused, %zu other\n", what, n, ok, busy, reset, other);
	return ok;
}

/* How many lines of the instance's error log hold `text`. */
static long
log_count(const char *text)
{
	char	 path[PATH_MAX + 32], line[8192];
	long	 n = 0;
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/logs/error.log", T.dir);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, text) != NULL)
			n++;
	fclose(fp);
	return n;
}

/*
 * The error log gains a line holding `text` (within 3 s: the CGI's stderr
 * reaches the log after its response). `before`: log_count before.
 */
static void
log_gains(const char *text, long before, const char *what)
{
	int	 i;

	for (i = 0; i < 30; i++) {
		if (log_count(text) > before)
			return;
		usleep(100000);
	}
	fail_msg("%s: the error log does not say \"%s\"", what, text);
}

/* The page is the check page again, with the answers and "send". */
static void
answers_kept(const struct resp *r, const char *mark)
{
	if (strstr(r->body, mark) == NULL)
		fail_msg("the answers are not kept (no %s in the page)", mark);
	assert_non_null(strstr(r->body, PLACE_HTML));
	assert_non_null(strstr(r->body, "name=\"_confirm\""));
	assert_non_null(strstr(r->body, "id=\"store-problem\""));
}

static void
start_instance(void)
{
	char	 port[16], *out;
	char	*argv[] = { SRCDIR "/tools/instance", "start", T.dir, port, NULL };

	snprintf(port, sizeof(port), "%d", T.port);
	if (run(argv, &out) != 0) {
		free(out);
		fail_msg("tools/instance start %s %s failed", T.dir, port);
	}
	free(out);
}

/* Run a program; fail the test when it fails. */
static void
must(char *const argv[])
{
	char	*out;
	int	 rc = run(argv, &out);

	free(out);
	if (rc != 0)
		fail_msg("%s exited with %d", argv[0], rc);
}

static void
data_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/data/%s", T.dir, name);
}

/* The WAL into the database and emptied: the file alone is the data. */
/*
 * A fault of SQLite's files (locks, modes, a full disk, a corrupt or
 * missing file, its schema version): a store on PostgreSQL has none of
 * them.
 */
static void
sqlite_only(void)
{
	if (db_is_pg()) {
		print_message("a fault of SQLite's files: not for a store on"
		    " PostgreSQL\n");
		skip();
	}
}

static void
checkpoint(void)
{
	assert_int_equal(db_exec("PRAGMA wal_checkpoint(TRUNCATE);"), 0);
}

/* ---- the tests -------------------------------------------------------- */

/* Many at once: each receipt stored once, under its own reference. */
static void
test_parallel_submissions(void **state)
{
	static struct shot s[60];
	size_t	 i, n = sizeof(s) / sizeof(s[0]);
	long	 before = count_submissions();

	(void)state;
	for (i = 0; i < n; i++)
		shot_make(&s[i], "Par", i);
	http_burst(FORM, s, n, NULL);
	i = outcome(s, n, 1, "parallel");
	assert_int_equal(count_submissions() - before, (long)i);
	assert_true(i > 0);
}

/*
 * Someone else holds the write lock for longer than a request may wait:
 * 503 with Retry-After, nothing stored, the check page again with the
 * answers, so that sending again later works.
 */
static void
test_busy_lock(void **state)
{
	struct shot s;
	struct resp r;
	char	 path[PATH_MAX + 32];
	sqlite3	*db;
	long	 before = log_count("database is locked");

	(void)state;
	sqlite_only();
	quiesce();
	shot_make(&s, "Busy", 0);
	data_path(path, sizeof(path), "rathaus.db");
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE;", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(r.status, 503);
	assert_non_null(resp_header(&r, "Retry-After"));
	answers_kept(&r, s.mark);
	assert_int_equal(stored(s.mark), 0);
	log_gains("database is locked", before, "busy lock");
	/* Later, sent again: stored, once. */
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(stored(s.mark), 1);
}

/* Has process `pid` the instance's database (or its -wal, -shm) open? */
static int
proc_has_database(const char *pid)
{
	char	 dir[300], path[600], link[PATH_MAX + 1], db[PATH_MAX + 32];
	struct dirent *e;
	DIR	*d;
	ssize_t	 n;
	int	 found = 0;

	data_path(db, sizeof(db), "rathaus.db");
	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		found = strncmp(link, db, strlen(db)) == 0;
	}
	closedir(d);
	return found;
}

/*
 * Send `sig` to every process whose command line (arguments joined by
 * spaces) is `cmd`, or with `part` set holds it; how many there were
 * (`sig` 0: only count them; -1: count those with the database open).
 */
static int
proc_signal(const char *cmd, int part, int sig)
{
	char	 path[300], line[PATH_MAX + 64];
	struct dirent *e;
	DIR	*d;
	FILE	*fp;
	size_t	 n, i;
	int	 killed = 0;

	assert_non_null(d = opendir("/proc"));
	while ((e = readdir(d)) != NULL) {
		if (strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		n = fread(line, 1, sizeof(line) - 1, fp);
		fclose(fp);
		line[n] = '\0';
		for (i = 0; i + 1 < n; i++)
			if (line[i] == '\0')
				line[i] = ' ';
		if (!(part ? strstr(line, cmd) != NULL : strcmp(line, cmd) == 0))
			continue;
		if (sig == -1 ? proc_has_database(e->d_name) :
		    kill((pid_t)strtol(e->d_name, NULL, 10), sig) == 0)
			killed++;
	}
	closedir(d);
	return killed;
}

/* SIGKILL every CGI process of the instance that runs right now. */
static void
kill_cgis(void *arg)
{
	char	 cgi[PATH_MAX + 32];
	int	*killed = arg;

	snprintf(cgi, sizeof(cgi), "%s/cgi-bin/rathaus.cgi", T.dir);
	*killed += proc_signal(cgi, 0, SIGKILL);
}

/*
 * Wait until no program of the instance runs, the senders of mails after
 * a response included (app_mail: a child with the database open): a test
 * that changes the database's files under a running one would break it
 * itself (an -shm unlinked under an open connection loses commits).
 * The persistent workers (FASTCGI=1 or proxy) stay between requests: there, until
 * none has the database open (a worker closes its kept connection after
 * APP_STORE_IDLE_MS without a request).
 */
static void
quiesce(void)
{
	char	 cgi[PATH_MAX + 32], staff[PATH_MAX + 32];
	int	 i, sig = persistent_mode() ? -1 : 0;

	snprintf(cgi, sizeof(cgi), "%s/cgi-bin/rathaus.cgi", T.dir);
	snprintf(staff, sizeof(staff), "%s/cgi-bin/staff.cgi", T.dir);
	for (i = 0; i < 300; i++) {
		if (proc_signal(cgi, 0, sig) == 0 &&
		    proc_signal(staff, 0, sig) == 0)
			return;
		usleep(100000);
	}
	fail_msg("the instance's programs still run after 30 s");
}

/*
 * Each test's teardown, after its restore: once no program of the instance
 * runs, the database passes SQLite's integrity check. A fault (or a test
 * that changes the files under a running program) that breaks it is then
 * named by the test it happened in, not found later by another.
 */
static int
intact(void **state)
{
	char	 check[256];

	quiesce();
	if (!db_is_pg() && (db_query("PRAGMA integrity_check", NULL, check,
	    sizeof(check)) != 0 || strcmp(check, "ok") != 0))
		fail_msg("the database after the test: %s", check);
	/* The counts the triggers keep are the submissions' (either
	 * engine): no count off, none missing. */
	if (db_number("SELECT count(*) FROM status_count c WHERE c.n !="
	    " (SELECT count(*) FROM submission s WHERE s.service = c.service"
	    " AND s.status = c.status)") != 0 || db_number("SELECT count(*)"
	    " FROM (SELECT service, status FROM submission GROUP BY service,"
	    " status) g WHERE NOT EXISTS (SELECT 1 FROM status_count c WHERE"
	    " c.service = g.service AND c.status = g.status)") != 0)
		fail_msg("the status counts after the test are not the"
		    " submissions'");
	return free_tracked(state);
}


/* A process that ended and waits to be reaped by its parent (init). */
static int
zombie(pid_t pid)
{
	char	 path[64], line[512], *p;
	FILE	*fp;
	int	 z = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	/* "pid (comm) S ...": the state after the last ')'. */
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL)
		z = p[1] == ' ' && p[2] == 'Z';
	fclose(fp);
	return z;
}

/*
 * SIGKILL Apache (all its processes) and the CGI programs it runs; back
 * when none of them runs any more: gone, or a zombie that init has not
 * reaped yet (under load that can take seconds; tools/instance does not
 * count a zombie as running).
 */
static void
kill_apache(void *arg)
{
	char	 conf[PATH_MAX + 32];
	long	 pid = 0;
	FILE	*fp;
	int	 i;

	snprintf(conf, sizeof(conf), "%s/run/httpd.pid", T.dir);
	if ((fp = fopen(conf, "r")) != NULL) {
		if (fscanf(fp, "%ld", &pid) != 1)
			pid = 0;
		fclose(fp);
	}
	snprintf(conf, sizeof(conf), "%s/conf/httpd.conf", T.dir);
	proc_signal(conf, 1, SIGKILL);
	kill_cgis(arg);
	/* Until no process of it runs (a zombie holds no port), 15 s. A
	 * dying Apache may still start a child (mod_cgid's daemon) after the
	 * scan: each round kills what it finds again (two distcheck runs
	 * left one running, and the restart found "an instance running"). */
	for (i = 0; i < 300 && ((pid > 0 && kill((pid_t)pid, 0) == 0 &&
	    !zombie((pid_t)pid)) || proc_signal(conf, 1, SIGKILL) > 0); i++)
		usleep(50000);
}

/*
 * Rounds of submissions during which the CGI programs, once Apache
 * itself, are killed: the database stays intact and no citizen who got a
 * receipt lost the submission.
 */
static void
test_sigkill_rounds(void **state)
{
	/* Early enough to meet requests in flight in a build without
	 * sanitizers too, where 20 submissions take some 200 ms. */
	static const long at_ms[] = { 40, 90, 150, 60 };
	static struct shot s[20];
	struct during d;
	size_t	 i, r, n = sizeof(s) / sizeof(s[0]);
	int	 killed = 0;

	(void)state;
	quiesce();
	for (r = 0; r < sizeof(at_ms) / sizeof(at_ms[0]); r++) {
		for (i = 0; i < n; i++)
			shot_make(&s[i], "Kill", r * 100 + i);
		memset(&d, 0, sizeof(d));
		d.at_ms = at_ms[r];
		d.fn = r == 3 ? kill_apache : kill_cgis;
		d.arg = &killed;
		http_burst(FORM, s, n, &d);
		outcome(s, n, 0, r == 3 ? "Apache killed" : "CGIs killed");
		if (r == 3)
			start_instance();
	}
	print_message("%d CGI processes killed\n", killed);
	/* The teardown (intact) checks the database. */
}

/*
 * The instance stopped while submissions are in flight: every one either
 * got its 303 and is stored, or is not stored (never stored without its
 * citizen getting the answer). Started again afterwards.
 */
static void
stop_out(char *path, size_t size)
{
	snprintf(path, size, "%s/stop.out", T.dir);
}

static void
stop_instance(void *arg)
{
	pid_t	*pid = arg;
	char	*argv[] = { SRCDIR "/tools/instance", "stop", T.dir, NULL };
	char	 path[PATH_MAX + 16];

	/* Stopping waits for the requests: beside the burst, not in it. */
	stop_out(path, sizeof(path));
	if ((*pid = fork()) == 0) {
		int	 out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (out != -1) {
			dup2(out, STDOUT_FILENO);
			dup2(out, STDERR_FILENO);
		}
		execv(argv[0], argv);
		_exit(127);
	}
}

static void
test_stop_in_flight(void **state)
{
	static struct shot s[40];
	struct during d;
	size_t	 i, n = sizeof(s) / sizeof(s[0]);
	pid_t	 pid = -1;
	int	 st;

	(void)state;
	for (i = 0; i < n; i++)
		shot_make(&s[i], "Stop", i);
	memset(&d, 0, sizeof(d));
	d.at_ms = 300;
	d.fn = stop_instance;
	d.arg = &pid;
	http_burst(FORM, s, n, &d);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	start_instance();
	outcome(s, n, 1, "stopped");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char	 path[PATH_MAX + 16], *out;
		char	*cat[] = { "cat", path, NULL };

		stop_out(path, sizeof(path));
		run(cat, &out);
		print_error("%s", out);
		free(out);
		fail_msg("tools/instance stop failed");
	}
}

/*
 * An Apache killed leaves its pid file; on a busy machine its pid soon
 * names another process (pid_max 32,768 wraps within seconds while CGIs
 * start). tools/instance start must not take that one for a running
 * instance (found by a distcheck run: "an instance is already running").
 */
static void
test_stale_pid_file(void **state)
{
	char	 pidfile[PATH_MAX + 32];
	char	*stop[] = { SRCDIR "/tools/instance", "stop", T.dir, NULL };
	struct resp r;
	FILE	*fp;

	(void)state;
	must(stop);
	snprintf(pidfile, sizeof(pidfile), "%s/run/httpd.pid", T.dir);
	assert_non_null(fp = fopen(pidfile, "w"));
	fprintf(fp, "%ld\n", (long)getpid());	/* alive, not an Apache */
	assert_int_equal(fclose(fp), 0);
	start_instance();
	assert_int_equal(http("GET", "/cgi-bin/rathaus.cgi/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
}

/*
 * A read-only database: 503 with the answers kept, and once the mode is
 * back, writing works again, although SQLite made its -wal and -shm
 * read-only meanwhile. A -shm of another owner and mode: `rathaus init`
 * (as root) makes it the database's again.
 */
static void
test_read_only_database(void **state)
{
	char	 db[PATH_MAX + 32], wal[PATH_MAX + 32], shm[PATH_MAX + 32];
	char	 bin[PATH_MAX + 16], conf[PATH_MAX + 32];
	char	*init[] = { bin, "init", "--conf", conf, NULL };
	struct shot s;
	struct resp r, ro;
	struct stat st, sst;
	long	 before = log_count("readonly");

	(void)state;
	sqlite_only();
	quiesce();
	/* Filled in while all was well; sent when it no longer is. */
	shot_make(&s, "Ro", 0);
	data_path(db, sizeof(db), "rathaus.db");
	data_path(wal, sizeof(wal), "rathaus.db-wal");
	data_path(shm, sizeof(shm), "rathaus.db-shm");
	checkpoint();
	assert_int_equal(stat(db, &st), 0);
	/* SQLite makes them anew, with the database's mode of now. */
	assert_true(unlink(wal) == 0 || errno == ENOENT);
	assert_true(unlink(shm) == 0 || errno == ENOENT);
	assert_int_equal(chmod(db, 0444), 0);

	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &ro), 0);
	assert_int_equal(chmod(db, st.st_mode & 07777), 0);
	log_gains("readonly", before, "read-only database");
	assert_int_equal(stored(s.mark), 0);

	/* The mode is back: so is writing. */
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(stored(s.mark), 1);
	assert_int_equal(stat(shm, &sst), 0);
	assert_int_equal(sst.st_mode & 0777, st.st_mode & 0777);
	/* What the citizen saw while it was read-only. */
	assert_int_equal(ro.status, 503);
	assert_non_null(resp_header(&ro, "Retry-After"));
	answers_kept(&ro, s.mark);

	if (geteuid() != 0) {
		print_message("not root: the owner of -shm is not tried\n");
		return;
	}
	/* A -shm of root's, 0600: the web user can do nothing about it. */
	before = log_count("rathaus init");
	shot_make(&s, "Ro", 1);
	assert_int_equal(chown(shm, 0, 0), 0);
	assert_int_equal(chmod(shm, 0600), 0);
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	assert_int_equal(r.status, 503);
	answers_kept(&r, s.mark);
	log_gains("rathaus init", before, "foreign -shm");
	snprintf(bin, sizeof(bin), "%s/bin/rathaus", T.dir);
	snprintf(conf, sizeof(conf), "%s/conf/rathaus.conf", T.dir);
	must(init);
	assert_int_equal(stat(shm, &sst), 0);
	assert_int_equal(sst.st_uid, st.st_uid);
	assert_int_equal(sst.st_gid, st.st_gid);
	assert_int_equal(sst.st_mode & 0777, st.st_mode & 0777);
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(stored(s.mark), 1);
}

/*
 * A full disk (a small tmpfs for the data directory; root only): 503
 * with the answers kept and SQLite's reason in the log; with space again
 * the same answers are stored, once. The teardown puts the data back on
 * the disk, also when the test failed.
 */
static int disk_mounted;

static void
disk_paths(char data[PATH_MAX + 16], char saved[PATH_MAX + 16])
{
	snprintf(data, PATH_MAX + 16, "%s/data", T.dir);
	snprintf(saved, PATH_MAX + 16, "%s/data-saved", T.dir);
}

/* cp -a FROM/. TO */
static int
copy_dir(const char *from, const char *to)
{
	char	 src[PATH_MAX + 32], *out;
	char	*argv[] = { "cp", "-a", src, (char *)to, NULL };
	int	 rc;

	snprintf(src, sizeof(src), "%s/.", from);
	rc = run(argv, &out);
	free(out);
	return rc;
}

static int
disk_restore(void **state)
{
	char	 data[PATH_MAX + 16], saved[PATH_MAX + 16], *out;
	char	*umnt[] = { "umount", data, NULL };
	char	*rm[] = { "rm", "-rf", saved, NULL };
	int	 rc = 0;

	disk_paths(data, saved);
	if (disk_mounted) {
		char	 filler[PATH_MAX + 32];

		quiesce();
		snprintf(filler, sizeof(filler), "%s/filler", data);
		unlink(filler);
		db_exec("PRAGMA wal_checkpoint(TRUNCATE);");
		if (copy_dir(data, saved) != 0 || run(umnt, &out) != 0 ||
		    copy_dir(saved, data) != 0)
			rc = -1;
		free(out);
		disk_mounted = 0;
	}
	run(rm, &out);
	free(out);
	return intact(state) == 0 ? rc : -1;
}

static void
test_disk_full(void **state)
{
	char	 data[PATH_MAX + 16], saved[PATH_MAX + 16];
	char	 filler[PATH_MAX + 32], chunk[65536], *out;
	char	*mnt[] = { "mount", "-t", "tmpfs", "-o", "size=16m,mode=0755",
	    "tmpfs", data, NULL };
	struct shot s;
	struct resp r;
	struct stat st;
	long	 before_full = log_count("disk is full");
	long	 before_io = log_count("disk I/O error");
	int	 fd;

	(void)state;
	sqlite_only();
	quiesce();
	if (geteuid() != 0) {
		print_message("not root: no tmpfs can be mounted, skipped\n");
		skip();
	}
	/* Filled in while there was room; sent when there is none. */
	shot_make(&s, "Full", 0);
	disk_paths(data, saved);
	checkpoint();
	assert_int_equal(stat(data, &st), 0);
	assert_int_equal(copy_dir(data, saved), 0);
	if (run(mnt, &out) != 0) {
		free(out);
		print_message("cannot mount a tmpfs here (no CAP_SYS_ADMIN?):"
		    " skipped\n");
		skip();
	}
	free(out);
	disk_mounted = 1;
	assert_int_equal(copy_dir(saved, data), 0);
	assert_int_equal(chown(data, st.st_uid, st.st_gid), 0);
	/* Fill it up. */
	snprintf(filler, sizeof(filler), "%s/filler", data);
	assert_true((fd = open(filler, O_WRONLY | O_CREAT, 0600)) != -1);
	memset(chunk, 'x', sizeof(chunk));
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	while (write(fd, chunk, 1) > 0)
		;
	close(fd);

	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	assert_int_equal(r.status, 503);
	assert_non_null(resp_header(&r, "Retry-After"));
	answers_kept(&r, s.mark);
	if (log_count("disk is full") == before_full)
		log_gains("disk I/O error", before_io, "disk full");
	/* Space again (to read, too): nothing stored; sent again, once. */
	assert_int_equal(unlink(filler), 0);
	assert_int_equal(stored(s.mark), 0);
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &r), 0);
	assert_int_equal(r.status, 303);
	assert_int_equal(stored(s.mark), 1);
}

/*
 * The copy saved at the checkpoint put back in place of the spoilt file,
 * once no program holds the database; the -wal and -shm go with the
 * spoilt file. Replaced under a program that holds it, with frames of the
 * -wal already checkpointed into the spoilt file, the copy would be read
 * with newer pages of one table beside older pages of its index (this
 * left "wrong # of entries in index outbox_due" once, when the sender of
 * the registration's mails was still at work). 0 when nothing was to be
 * put back, or it is.
 */
static int
corrupt_put_back(void)
{
	char	 db[PATH_MAX + 32], copy[PATH_MAX + 32], side[PATH_MAX + 32];

	data_path(db, sizeof(db), "rathaus.db");
	data_path(copy, sizeof(copy), "rathaus.db.orig");
	if (access(copy, F_OK) != 0)
		return 0;
	quiesce();
	data_path(side, sizeof(side), "rathaus.db-wal");
	if (unlink(side) != 0 && errno != ENOENT)
		return -1;
	data_path(side, sizeof(side), "rathaus.db-shm");
	if (unlink(side) != 0 && errno != ENOENT)
		return -1;
	return rename(copy, db);
}

/*
 * A corrupt database: every route that reads it answers an error page
 * and logs SQLite's reason (before, the receipt logged none).
 */
static void
test_corrupt_database(void **state)
{
	static const char *const routes[] = { "/receipt/", "/status/",
	    "/pay/" };
	char	 db[PATH_MAX + 32], copy[PATH_MAX + 32], target[512];
	char	 ref[64], token[128], junk[65536];
	char	*save[] = { "cp", "-a", db, copy, NULL };
	struct as admin = { "admin", NULL, NULL };
	struct resp r;
	size_t	 i;
	long	 before, root, size;
	int	 fd;

	(void)state;
	sqlite_only();
	quiesce();
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	/* Its mails' sender done: its marks are in the copy, and it does not
	 * hold the database across the file's replacement (corrupt_put_back). */
	quiesce();
	data_path(db, sizeof(db), "rathaus.db");
	data_path(copy, sizeof(copy), "rathaus.db.orig");
	checkpoint();
	must(save);
	/* The submissions' table only: the schema still reads. */
	root = db_number("SELECT rootpage FROM sqlite_schema"
	    " WHERE name = 'submission'");
	size = db_number("PRAGMA page_size");
	assert_true(root > 1 && size > 0 && size <= (long)sizeof(junk));
	memset(junk, 0x5a, sizeof(junk));
	assert_true((fd = open(db, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, junk, (size_t)size, (root - 1) * size),
	    size);
	close(fd);

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		before = log_count("malformed");
		snprintf(target, sizeof(target), SCRIPT "%s%s?token=%s",
		    routes[i], ref, token);
		assert_int_equal(http("GET", target, NULL, 0, &r), 0);
		if (r.status < 500)
			fail_msg("%s: %ld on a corrupt database", routes[i],
			    r.status);
		log_gains("malformed", before, routes[i]);
	}
	before = log_count("malformed");
	snprintf(target, sizeof(target), "/submissions/%s", ref);
	assert_int_equal(staff_http(&admin, "GET", target, NULL, &r), 0);
	assert_true(r.status >= 500);
	log_gains("malformed", before, "staff");
	assert_int_equal(corrupt_put_back(), 0);
	status_says(ref, token, ref);
}

/* The intact copy back, also when the test failed. */
static int
corrupt_restore(void **state)
{
	return corrupt_put_back() == 0 ? intact(state) : -1;
}

/* A check page's body for a new form key: the answers, no "send". */
static char *
check_body(void)
{
	struct field f[NFIELDS];
	size_t	 i;

	valid_fields(f, fresh_key());
	for (i = 0; i < NFIELDS && f[i].name != NULL; i++)
		if (strcmp(f[i].name, "_confirm") == 0)
			f[i].name = "_page", f[i].value = "angaben";
	return form_encode(f, NFIELDS);
}

/* The check page, its key taken as sent (`renewed` 0) or renewed. */
static void
check_page_shown(const char *body, int renewed, const char *what)
{
	struct resp r;

	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	if (r.status != 200 || strstr(r.body, "name=\"_confirm\"") == NULL)
		fail_msg("%s: %ld, no check page", what, r.status);
	if ((strstr(r.body, "id=\"renewed-title\"") != NULL) != renewed)
		fail_msg("%s: the key was %s", what, renewed ? "taken" :
		    "renewed");
}

/* Is one of the kept copies in data/cache the database's form secret? */
static int
kept_secret(void)
{
	unsigned char want[REF_SECRET_LEN], got[REF_SECRET_LEN + 1];
	char	 dir[PATH_MAX + 32], path[PATH_MAX + 320];
	struct dirent *e;
	sqlite3_stmt *st;
	sqlite3	*db;
	DIR	*d;
	FILE	*fp;
	int	 found = 0;

	data_path(dir, sizeof(dir), "rathaus.db");
	assert_int_equal(sqlite3_open_v2(dir, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM secret"
	    " WHERE name = 'form'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), REF_SECRET_LEN);
	memcpy(want, sqlite3_column_blob(st, 0), REF_SECRET_LEN);
	sqlite3_finalize(st);
	sqlite3_close(db);
	data_path(dir, sizeof(dir), "cache");
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "secret-form-", 12) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		if (fread(got, 1, sizeof(got), fp) == REF_SECRET_LEN &&
		    memcmp(got, want, REF_SECRET_LEN) == 0)
			found = 1;
		fclose(fp);
	}
	closedir(d);
	return found;
}

/*
 * A CGI's check page judges the form key by a kept copy of the secret
 * (app_secret_kept): shown with the database unreadable, the key taken.
 * A database put in the file's place has a secret of its own: a key of
 * the old one is renewed, and a copy of the new secret is kept beside.
 * A FastCGI worker keeps no copy (it holds the database open).
 */
static void
test_check_page_kept_secret(void **state)
{
	char	 db[PATH_MAX + 32], copy[PATH_MAX + 32], other[PATH_MAX + 32];
	char	 side[PATH_MAX + 32];
	char	*save[] = { "cp", "-a", db, copy, NULL };
	char	*dup[] = { "cp", "-a", db, other, NULL };
	const char *body;
	struct stat st;
	sqlite3	*odb;

	(void)state;
	sqlite_only();
	if (persistent_mode())
		skip();
	quiesce();
	body = check_body();
	check_page_shown(body, 0, "database readable");
	assert_true(kept_secret());

	data_path(db, sizeof(db), "rathaus.db");
	checkpoint();
	assert_int_equal(stat(db, &st), 0);
	assert_int_equal(chmod(db, 0), 0);
	check_page_shown(body, 0, "database unreadable");
	assert_int_equal(chmod(db, st.st_mode & 07777), 0);

	/* Another database (a restore, say): another secret. */
	data_path(copy, sizeof(copy), "rathaus.db.orig");
	data_path(other, sizeof(other), "rathaus.db.other");
	quiesce();
	checkpoint();
	must(save);
	must(dup);
	assert_int_equal(sqlite3_open_v2(other, &odb, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(odb, "UPDATE secret SET value ="
	    " randomblob(32) WHERE name = 'form'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(odb), SQLITE_OK);
	data_path(side, sizeof(side), "rathaus.db-wal");
	assert_true(unlink(side) == 0 || errno == ENOENT);
	data_path(side, sizeof(side), "rathaus.db-shm");
	assert_true(unlink(side) == 0 || errno == ENOENT);
	assert_int_equal(rename(other, db), 0);
	check_page_shown(body, 1, "another database");
	assert_true(kept_secret());
	assert_int_equal(corrupt_put_back(), 0);
	check_page_shown(check_body(), 0, "the database back");
}

/*
 * No database: no form to fill in for nothing (503 instead), the other
 * routes 503 too, with the reason in the log; a form sent anyway comes
 * back with its answers.
 */
static void
test_missing_database(void **state)
{
	char	 db[PATH_MAX + 32], away[PATH_MAX + 32];
	struct as admin = { "admin", NULL, NULL };
	struct shot s;
	struct resp form, sent, staff;
	long	 before = log_count("unable to open");

	(void)state;
	sqlite_only();
	quiesce();
	shot_make(&s, "Gone", 0);
	data_path(db, sizeof(db), "rathaus.db");
	data_path(away, sizeof(away), "rathaus.db.away");
	checkpoint();
	assert_int_equal(rename(db, away), 0);
	memset(&form, 0, sizeof(form));
	memset(&sent, 0, sizeof(sent));
	memset(&staff, 0, sizeof(staff));
	http("GET", FORM, NULL, 0, &form);
	http("POST", FORM, s.body, strlen(s.body), &sent);
	staff_http(&admin, "GET", "/", NULL, &staff);
	assert_int_equal(rename(away, db), 0);

	assert_int_equal(form.status, 503);
	assert_null(strstr(form.body, "name=\"_key\""));
	assert_non_null(resp_header(&form, "Retry-After"));
	assert_int_equal(sent.status, 503);
	answers_kept(&sent, s.mark);
	assert_int_equal(staff.status, 503);
	log_gains("unable to open", before, "missing database");
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &sent),
	    0);
	assert_int_equal(sent.status, 303);
	assert_int_equal(stored(s.mark), 1);
}

/*
 * Programs upgraded, `rathaus init` not yet run: the schema is older than
 * the programs'. Until the administrator runs it, every page answers 503
 * with Retry-After and says it is maintenance (not a fault, not a 500),
 * no form is offered, a form sent comes back with its answers, and the
 * back office waits too; the log says to run `rathaus init`.
 */
static long schema_version;	/* to restore; 0: nothing to */

static void
test_outdated_schema(void **state)
{
	char	 sql[64];
	struct as admin = { "admin", NULL, NULL };
	struct shot s;
	struct resp form, sent, staff;
	long	 version = db_number("PRAGMA user_version");
	long	 before = log_count("run `rathaus init`");

	schema_version = version;

	(void)state;
	sqlite_only();
	quiesce();
	shot_make(&s, "Old", 0);
	assert_true(version > 1);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld", version - 1);
	assert_int_equal(db_exec(sql), 0);
	memset(&form, 0, sizeof(form));
	memset(&sent, 0, sizeof(sent));
	memset(&staff, 0, sizeof(staff));
	http("GET", FORM, NULL, 0, &form);
	http("POST", FORM, s.body, strlen(s.body), &sent);
	staff_http(&admin, "GET", "/", NULL, &staff);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld", version);
	assert_int_equal(db_exec(sql), 0);
	schema_version = 0;

	/* "In a few minutes", as the page says: not the 10 s of a busy
	 * database. */
	assert_int_equal(form.status, 503);
	assert_non_null(resp_header(&form, "Retry-After"));
	assert_string_equal(resp_header(&form, "Retry-After"), "300");
	assert_null(strstr(form.body, "name=\"_key\""));
	assert_non_null(strstr(form.body, "Wartungsarbeiten"));
	assert_int_equal(sent.status, 503);
	assert_non_null(resp_header(&sent, "Retry-After"));
	answers_kept(&sent, s.mark);
	assert_non_null(strstr(sent.body, "Wartungsarbeiten"));
	assert_int_equal(staff.status, 503);
	assert_non_null(resp_header(&staff, "Retry-After"));
	assert_string_equal(resp_header(&staff, "Retry-After"), "300");
	assert_non_null(strstr(staff.body, "Wartungsarbeiten"));
	log_gains("run `rathaus init`", before, "outdated schema");
	assert_int_equal(http("POST", FORM, s.body, strlen(s.body), &sent),
	    0);
	assert_int_equal(sent.status, 303);
	assert_int_equal(stored(s.mark), 1);
}

/* The schema's version back, also when the test failed. */
static int
outdated_restore(void **state)
{
	char	 sql[64];

	if (schema_version > 0) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld",
		    schema_version);
		if (db_exec(sql) != 0)
			return -1;
		schema_version = 0;
	}
	return intact(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parallel_submissions,
		    intact),
		cmocka_unit_test_teardown(test_busy_lock, intact),
		cmocka_unit_test_teardown(test_read_only_database,
		    intact),
		cmocka_unit_test_teardown(test_disk_full, disk_restore),
		cmocka_unit_test_teardown(test_corrupt_database,
		    corrupt_restore),
		cmocka_unit_test_teardown(test_check_page_kept_secret,
		    corrupt_restore),
		cmocka_unit_test_teardown(test_missing_database, intact),
		cmocka_unit_test_teardown(test_outdated_schema,
		    outdated_restore),
		cmocka_unit_test_teardown(test_sigkill_rounds, intact),
		cmocka_unit_test_teardown(test_stop_in_flight, intact),
		cmocka_unit_test_teardown(test_stale_pid_file, intact),
		cmocka_unit_test_teardown(test_error_log_clean, intact),
	};

	return CGITEST_RUN("faults", tests, NULL, NULL);
}
