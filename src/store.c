#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <sqlite3.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "store.h"
#include "store_booking.h"
#include "store_int.h"
#include "store_sql.h"
#include "text.h"
#include "when.h"

/*
 * Waiting for the write lock. Of all the processes waiting, the one that
 * holds the front place (store_front) retries every STORE_FRONT_US to
 * twice that, so that the lock is taken within a millisecond of its
 * release; the others wait in the kernel for the front place itself
 * (a blocking lock, store_front_wait), and the next of them has it the
 * moment the front one takes the write lock or gives up. Before, they
 * backed off exponentially up to 8 ms and tried for the front place
 * after each sleep: the front place then lay empty for the rest of the
 * next sleeper's step, and the write lock idle with it, a few
 * milliseconds each time the lock changed hands (FastCGI submissions at
 * 16 at once spent most of their time so; docs/PERFORMANCE.md has the
 * figures). With every waiter in 0.5 ms steps, 200 waiting processes
 * polled the lock 400,000 times a second and ran out of time (503s): one
 * poller at a time does not. A web request has one budget for all its
 * waits together (store_busy_deadline); elsewhere each wait may last
 * STORE_BUSY_MS.
 */
#define STORE_BUSY_MS		10000
#define STORE_FRONT_US		500
/* Below this left of the budget a waiter sleeps instead of blocking. */
#define STORE_BLOCK_MIN_US	1000
/* The longest blocking wait before the write lock is tried again: should
 * the front place not be given up (a bug), waiters still get on. */
#define STORE_BLOCK_MAX_US	50000
/* No WAL file to hold the front place on: back-off from 1 to 8 ms. */
#define STORE_BUSY_STEP_MIN_US	1000
#define STORE_BUSY_STEP_MAX_US	8000
/* The blocking wait's timer fires again this often: a first shot lost
 * before the wait began (a process descheduled) costs this much. */
#define STORE_BLOCK_TICK_US	2000

/* Each entry moves the schema one user_version up; never edit old ones. */
static const char *const store_migrations[] = {
	/* 1: submissions with their status history and reference counters */
	"CREATE TABLE submission ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  token TEXT NOT NULL,"
	"  service TEXT NOT NULL,"
	"  service_version INTEGER NOT NULL,"
	"  answers TEXT NOT NULL,"
	"  fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0),"
	"  created TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'received',"
	"  submit_key TEXT,"
	"  lang TEXT NOT NULL DEFAULT 'de'"
	");"
	"CREATE TABLE status_event ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submission(id),"
	"  status TEXT NOT NULL,"
	"  at TEXT NOT NULL"
	");"
	"CREATE INDEX status_event_submission ON status_event(submission_id);"
	"CREATE INDEX submission_key ON submission(submit_key);"
	"CREATE TABLE ref_counter ("
	"  year INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL"
	");",
	/* 2: uploaded files, staged under the form's key until a submission
	 * claims them (ref); one staged file per field */
	"CREATE TABLE upload ("
	"  id INTEGER PRIMARY KEY,"
	"  submit_key TEXT NOT NULL,"
	"  field TEXT NOT NULL,"
	"  filename TEXT NOT NULL,"
	"  mime TEXT NOT NULL,"
	"  size INTEGER NOT NULL CHECK (size > 0),"
	"  data BLOB NOT NULL,"
	"  created TEXT NOT NULL,"
	"  ref TEXT REFERENCES submission(ref)"
	");"
	"CREATE UNIQUE INDEX upload_staged ON upload(submit_key, field)"
	"  WHERE ref IS NULL;"
	"CREATE INDEX upload_key ON upload(submit_key, field);"
	"CREATE INDEX upload_ref ON upload(ref, field);"
	"CREATE INDEX upload_created ON upload(created) WHERE ref IS NULL;",
	/* 3: the definition each submission was made with, once per text */
	"CREATE TABLE definition ("
	"  id INTEGER PRIMARY KEY,"
	"  service TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  xml TEXT NOT NULL UNIQUE"
	");"
	"ALTER TABLE submission ADD COLUMN definition_id INTEGER"
	"  REFERENCES definition(id);",
	/* 4: the back office: who changed a status and what the citizen was
	 * told, internal notes, an append-only audit log, the mail outbox,
	 * the citizen's address for notifications, retention */
	"ALTER TABLE status_event ADD COLUMN actor TEXT;"
	"ALTER TABLE status_event ADD COLUMN message TEXT;"
	"ALTER TABLE submission ADD COLUMN email TEXT;"
	"ALTER TABLE submission ADD COLUMN purged TEXT;"
	"CREATE INDEX submission_service ON submission(service, created);"
	"CREATE INDEX submission_status ON submission(status);"
	"CREATE TABLE note ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submission(id),"
	"  author TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  text TEXT NOT NULL"
	");"
	"CREATE INDEX note_submission ON note(submission_id);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  ref TEXT,"
	"  before TEXT,"
	"  after TEXT,"
	"  detail TEXT"
	");"
	"CREATE INDEX audit_ref ON audit(ref);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  created TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try TEXT NOT NULL,"
	"  sent TEXT,"
	"  last_error TEXT"
	");"
	"CREATE INDEX outbox_due ON outbox(next_try) WHERE sent IS NULL;",
	/* 5: payments. submission.payment is the state the pages show:
	 * none (nothing to pay online), awaiting, paid, refunded. A payment
	 * is one attempt by one method; payment_event is its history, and
	 * (source, event_id) makes a provider's or a bank statement's report
	 * count once, however often it comes. provider_token caches the
	 * provider's OAuth token across processes. */
	"ALTER TABLE submission ADD COLUMN payment TEXT NOT NULL"
	"  DEFAULT 'none';"
	"UPDATE submission SET payment = 'awaiting' WHERE fee_cents > 0;"
	"CREATE TABLE payment ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submission(id),"
	"  method TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),"
	"  currency TEXT NOT NULL DEFAULT 'EUR',"
	"  provider_ref TEXT,"
	"  request_id TEXT NOT NULL UNIQUE,"
	"  created TEXT NOT NULL,"
	"  updated TEXT NOT NULL"
	");"
	"CREATE INDEX payment_submission ON payment(submission_id);"
	"CREATE UNIQUE INDEX payment_provider ON payment(method, provider_ref)"
	"  WHERE provider_ref IS NOT NULL;"
	"CREATE TABLE payment_event ("
	"  id INTEGER PRIMARY KEY,"
	"  payment_id INTEGER REFERENCES payment(id),"
	"  submission_id INTEGER REFERENCES submission(id),"
	"  state TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  actor TEXT,"
	"  source TEXT NOT NULL,"
	"  event_id TEXT,"
	"  detail TEXT"
	");"
	"CREATE UNIQUE INDEX payment_event_once ON payment_event(source,"
	"  event_id) WHERE event_id IS NOT NULL;"
	"CREATE TABLE provider_token ("
	"  provider TEXT PRIMARY KEY,"
	"  token TEXT NOT NULL,"
	"  expires TEXT NOT NULL"
	");",
	/* 6: the provider's id of the money taken (PayPal: the capture, not
	 * the order), which a refund must name; for payments made before,
	 * the id their completion was recorded under on the way back. */
	"ALTER TABLE payment ADD COLUMN capture_ref TEXT;"
	"UPDATE payment SET capture_ref = (SELECT e.event_id FROM"
	"  payment_event e WHERE e.payment_id = payment.id AND e.source ="
	"  'paypal' AND e.state = 'completed' AND e.event_id IS NOT NULL"
	"  ORDER BY e.id DESC LIMIT 1) WHERE method = 'paypal';"
	"CREATE INDEX payment_capture ON payment(method, capture_ref)"
	"  WHERE capture_ref IS NOT NULL;",
	/* 7: the server's secrets (HMAC keys) behind the values it hands
	 * out and must recognise: form keys bound to a browser ('form'),
	 * CSRF tokens bound to a clerk ('csrf'). In the database, so that
	 * every process and every host behind one database share them;
	 * randomblob is SQLite's CSPRNG, seeded from the system. */
	"CREATE TABLE secret ("
	"  name TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL CHECK (length(value) = 32),"
	"  created TEXT NOT NULL"
	");"
	"INSERT INTO secret(name, value, created) VALUES"
	"  ('form', randomblob(32), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  ('csrf', randomblob(32), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));",
	/* 8: when a staged file was last touched (staged, or its form sent
	 * a page): untouched for the idle time it is abandoned and dropped.
	 * The index (staged files are those with ref NULL) holds the size
	 * too, so that the caps sum an index, not the rows. */
	"ALTER TABLE upload ADD COLUMN touched TEXT NOT NULL DEFAULT '';"
	"UPDATE upload SET touched = created;"
	"DROP INDEX upload_created;"
	"CREATE INDEX upload_idle ON upload(ref, touched, size);",
	/* 9: the outbox names the runner that claimed a mail (claim: its
	 * random token) and when the mail was handed over to the SMTP
	 * server (handed: written, in a transaction of its own, before the
	 * message goes out); a mail handed over is never due again. And it
	 * names its submission, so that a purge takes the mails along: for
	 * the mails queued before, the reference that ends their subject
	 * (xsl/mail.xsl: "...: 2026-000123-4"; a suffix of a longer
	 * reference is never a reference itself). */
	"ALTER TABLE outbox ADD COLUMN claim TEXT;"
	"ALTER TABLE outbox ADD COLUMN handed TEXT;"
	"DROP INDEX outbox_due;"
	"CREATE INDEX outbox_due ON outbox(next_try)"
	"  WHERE sent IS NULL AND handed IS NULL;"
	"ALTER TABLE outbox ADD COLUMN submission_id INTEGER"
	"  REFERENCES submission(id);"
	"UPDATE outbox SET submission_id = (SELECT s.id FROM submission s"
	"  WHERE s.ref IN (substr(outbox.subject, -13),"
	"  substr(outbox.subject, -14), substr(outbox.subject, -15),"
	"  substr(outbox.subject, -16)));"
	"CREATE INDEX outbox_submission ON outbox(submission_id);",
	/* 10: the citizen's account (docs/identity.md): the stable subject
	 * of a logged-in citizen and the trust level the submission was
	 * sent with, nothing else of the account; and the citizen's
	 * answers to the town hall (the Postkorb), each with at most one
	 * file, kept in upload under the submission's reference and the
	 * field name "reply-<id>". */
	"ALTER TABLE submission ADD COLUMN subject TEXT;"
	"ALTER TABLE submission ADD COLUMN trust_level TEXT;"
	"CREATE INDEX submission_subject ON submission(subject, id)"
	"  WHERE subject IS NOT NULL;"
	"CREATE TABLE reply ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submission(id),"
	"  at TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  field TEXT,"
	"  seen TEXT"
	");"
	"CREATE INDEX reply_submission ON reply(submission_id);",
	/* 11: the back office at a million submissions (issue 13).
	 * status_count: the submissions by service and status, kept by
	 * triggers in the transaction of every change, so that the inbox's
	 * counts read a few rows instead of the table. submission_search:
	 * an FTS5 trigram index over the reference and the text of the
	 * answers, folded as the catalog folds (text_fold, through the
	 * store's SQL function rathaus_fold); store_insert writes it from
	 * C in the submission's transaction, store_purge rewrites it.
	 * Indexes for the inbox's orders and keyset pages: created, and
	 * (status, created), (service, status, created) for the filters. */
	"CREATE TABLE status_count ("
	"  service TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (service, status)"
	") WITHOUT ROWID;"
	"INSERT INTO status_count(service, status, n) SELECT service, status,"
	"  count(*) FROM submission GROUP BY service, status;"
	"CREATE TRIGGER status_count_insert AFTER INSERT ON submission BEGIN"
	"  INSERT INTO status_count(service, status, n)"
	"  VALUES (new.service, new.status, 1)"
	"  ON CONFLICT(service, status) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER status_count_update AFTER UPDATE OF service, status"
	"  ON submission WHEN old.service IS NOT new.service"
	"  OR old.status IS NOT new.status BEGIN"
	"  UPDATE status_count SET n = n - 1"
	"  WHERE service = old.service AND status = old.status;"
	"  INSERT INTO status_count(service, status, n)"
	"  VALUES (new.service, new.status, 1)"
	"  ON CONFLICT(service, status) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER status_count_delete AFTER DELETE ON submission BEGIN"
	"  UPDATE status_count SET n = n - 1"
	"  WHERE service = old.service AND status = old.status; END;"
	"CREATE VIRTUAL TABLE submission_search USING fts5(text,"
	"  tokenize = 'trigram');"
	"INSERT INTO submission_search(rowid, text) SELECT id,"
	"  rathaus_fold(ref, answers) FROM submission;"
	"CREATE INDEX submission_created ON submission(created);"
	"DROP INDEX submission_status;"
	"CREATE INDEX submission_status ON submission(status, created);"
	"CREATE INDEX submission_service_status ON submission(service,"
	"  status, created);",
	/* 12: appointments (issue 14, docs/calendars.md). A booking holds
	 * one place of each grid cell from start to held_end (its length
	 * rounded up to the calendar's grid) while its state is not
	 * 'cancelled'; it is taken in the submission's own transaction.
	 * Times are the town's local wall clock, YYYY-MM-DDTHH:MM, so that
	 * they compare as text. A block is a clerk's: no place is free in
	 * it. Neither holds personal data: the purge leaves them. */
	"CREATE TABLE booking ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submission(id),"
	"  calendar TEXT NOT NULL,"
	"  field TEXT NOT NULL,"
	"  start TEXT NOT NULL,"
	"  end TEXT NOT NULL,"
	"  held_end TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'booked' CHECK (state IN"
	"    ('booked', 'cancelled', 'done', 'noshow')),"
	"  created TEXT NOT NULL,"
	"  changed TEXT,"
	"  reminded TEXT"
	");"
	"CREATE INDEX booking_calendar ON booking(calendar, start);"
	"CREATE INDEX booking_submission ON booking(submission_id);"
	"CREATE TABLE cal_block ("
	"  id INTEGER PRIMARY KEY,"
	"  calendar TEXT NOT NULL,"
	"  start TEXT NOT NULL,"
	"  end TEXT NOT NULL CHECK (end > start),"
	"  reason TEXT,"
	"  clerk TEXT NOT NULL,"
	"  created TEXT NOT NULL"
	");"
	"CREATE INDEX cal_block_calendar ON cal_block(calendar, start);",
};

#define STORE_VERSION	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* Microseconds from `a` to `b`. */
static long long
store_us(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000 +
	    (b->tv_nsec - a->tv_nsec) / 1000;
}

/* xorshift32: the jitter need not be secret, only differ per process. */
static unsigned long
store_jitter(struct store *s)
{
	uint32_t x = s->jitter;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->jitter = x;
	return x;
}

/*
 * The front place among the waiters: an open file description lock on the
 * first byte of the WAL file, which SQLite never locks (its locks are on
 * the database and the -shm). Not there (no WAL yet): every waiter backs
 * off. The file stays open until store_close, after SQLite's own.
 */
static int
store_front(struct store *s)
{
	struct flock fl;
	struct buf path;
	int	 fd;

	if (s->front_fd == 0) {
		buf_init(&path, 4096);
		buf_printf(&path, "%s-wal", sqlite3_db_filename(s->db, "main"));
		fd = path.failed ? -1 : open(buf_str(&path),
		    O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		buf_free(&path);
		s->front_fd = fd >= 0 ? fd + 1 : -1;
	}
	if (s->front_fd < 0 || s->front)
		return s->front;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	s->front = fcntl(s->front_fd - 1, F_OFD_SETLK, &fl) == 0;
	return s->front;
}

/* Give the front place to the next waiter: we have the lock, or gave up. */
static void
store_front_leave(struct store *s)
{
	struct flock fl;

	if (!s->front)
		return;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	(void)fcntl(s->front_fd - 1, F_OFD_SETLK, &fl);
	s->front = 0;
}

/* A transaction ends (a single statement's too): the front place, should
 * it still be ours, goes to the next waiter. */
static int
store_commit_hook(void *arg)
{
	store_front_leave(arg);
	return 0;
}

static void
store_rollback_hook(void *arg)
{
	store_front_leave(arg);
}

/* SIGALRM only ends a blocking wait (EINTR): nothing to do here. */
static void
store_alarm(int sig)
{
	(void)sig;
}

/*
 * Wait in the kernel for the front place, at most `us` microseconds
 * (an interval timer interrupts the blocking lock; SIGALRM is nobody
 * else's in these programs, and its previous handler comes back). 1: the
 * front place is ours; 0: not (yet).
 */
static int
store_front_wait(struct store *s, long long us)
{
	struct sigaction sa, old_sa;
	struct itimerval it;
	struct flock fl;
	int	 got;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = store_alarm;	/* no SA_RESTART: EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old_sa) != 0)
		return 0;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)(us / 1000000);
	it.it_value.tv_usec = (suseconds_t)(us % 1000000);
	it.it_interval.tv_usec = STORE_BLOCK_TICK_US;
	if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
		(void)sigaction(SIGALRM, &old_sa, NULL);
		return 0;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	got = fcntl(s->front_fd - 1, F_OFD_SETLKW, &fl) == 0;
	memset(&it, 0, sizeof(it));
	(void)setitimer(ITIMER_REAL, &it, NULL);
	(void)sigaction(SIGALRM, &old_sa, NULL);
	s->front = got;
	return got;
}

static int
store_busy(void *arg, int count)
{
	struct store *s = arg;
	struct timespec now, ts;
	long long left;
	long	 step;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 0;
	if (count == 0 && !s->request_deadline) {
		s->busy_until = now;
		s->busy_until.tv_sec += STORE_BUSY_MS / 1000;
	}
	if ((left = store_us(&now, &s->busy_until)) <= 0)
		return 0;
	/* Not at the front, and time to wait for it: back to SQLite at
	 * once when it is ours (or the budget is spent: SQLite asks again,
	 * and we say no). */
	if (!store_front(s) && s->front_fd > 0 && left >= STORE_BLOCK_MIN_US) {
		(void)store_front_wait(s, left < STORE_BLOCK_MAX_US ? left :
		    STORE_BLOCK_MAX_US);
		return 1;
	}
	if (s->front)
		step = 2 * STORE_FRONT_US;
	else if (s->front_fd > 0)
		step = STORE_BLOCK_MIN_US;
	else if (count < 3)
		step = STORE_BUSY_STEP_MIN_US << count;
	else
		step = STORE_BUSY_STEP_MAX_US;
	step = step / 2 + (long)(store_jitter(s) % (unsigned long)(step / 2 + 1));
	if (step > left)
		step = (long)left;
	ts.tv_sec = step / 1000000;
	ts.tv_nsec = (step % 1000000) * 1000L;
	nanosleep(&ts, NULL);
	return 1;
}

/*
 * From now on every wait for the write lock ends at `deadline`
 * (CLOCK_MONOTONIC) at the latest: the request's one budget, shared by all
 * its transactions. NULL: back to STORE_BUSY_MS for each wait (the work
 * after the response, the command line).
 */
void
store_busy_deadline(struct store *s, const struct timespec *deadline)
{
	s->request_deadline = deadline != NULL;
	if (deadline != NULL)
		s->busy_until = *deadline;
}

int
store_fail(struct store *s, const char *what)
{
	s->code = s->db ? sqlite3_extended_errcode(s->db) : SQLITE_NOMEM;
	snprintf(s->err, sizeof(s->err), "%.60s: %.180s", what,
	    s->db ? sqlite3_errmsg(s->db) : "no database");
	return STORE_ERROR;
}

/* What an SQLite result code means for the caller (store_fault). */
static int
store_class(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_NOLFS:
		return STORE_UNAVAILABLE;
	default:
		return STORE_ERROR;
	}
}

/*
 * What the last failure of this store means: STORE_BUSY (another writer
 * held the lock past the budget: worth trying again in seconds),
 * STORE_UNAVAILABLE (the database cannot be read or written now: disk
 * full, read-only, missing, an I/O error: the operator must act), else
 * STORE_ERROR (corrupt, or a bug); STORE_OK when nothing failed. The
 * reason in SQLite's words is store_errmsg().
 */
int
store_fault(const struct store *s)
{
	if (s == NULL || (s->code == SQLITE_OK && *s->err == '\0'))
		return STORE_OK;
	return store_class(s->code);
}

const char *
store_errmsg(const struct store *s)
{
	return s->err;
}

/* SQL without parameters (on PostgreSQL one statement). */
int
store_exec(struct store *s, const char *sql)
{
	int	 rc;

	if (STORE_PG(s))
		return store_stmt_run(s, sql, NULL, 0, sql, NULL);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	store_front_leave(s);
	return rc == SQLITE_OK ? STORE_OK : store_fail(s, sql);
}

/*
 * A write transaction: on SQLite BEGIN IMMEDIATE, the write lock taken
 * now; on PostgreSQL BEGIN, each row locked as it is written (or read
 * FOR UPDATE). STORE_BUSY when another writer held the lock too long.
 */
int
store_begin(struct store *s)
{
	struct timespec now;
	long long ms = STORE_BUSY_MS;
	char	 sql[96];
	int	 rc;

	if (!STORE_PG(s))
		rc = store_exec(s, "BEGIN IMMEDIATE;");
	else {
		/* A row another transaction holds is waited for as long as
		 * the request's budget lasts (else STORE_BUSY_MS), then
		 * lock_timeout ends the wait: busy, as on SQLite. */
		if (s->request_deadline &&
		    clock_gettime(CLOCK_MONOTONIC, &now) == 0)
			ms = store_us(&now, &s->busy_until) / 1000;
		snprintf(sql, sizeof(sql), "BEGIN; SET LOCAL lock_timeout = %lld",
		    ms > 0 ? ms : 1);
		rc = store_pg_script(s, sql, "begin");
	}
	if (rc == STORE_OK)
		return STORE_OK;
	return store_class(s->code) == STORE_BUSY ? STORE_BUSY : STORE_ERROR;
}

static int
store_user_version(struct store *s, int *v)
{
	sqlite3_stmt *st;
	int	 rc;

	if (STORE_PG(s))
		return store_pg_version(s, v);
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "user_version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : store_fail(s, "user_version");
}

/*
 * SQLite gives a new -wal and -shm the owner and mode of the database, but
 * keeps old ones as they are: a database made 0444 for a while left a
 * 0444 -shm that refused every write after the mode was back, and a
 * command run as root may leave root's. Make them the database's again
 * where this user may (chmod as their owner, chown as root); where not,
 * say so in the log, with the remedy.
 */
/* Whether `f` is a plain file with the owner and mode of `d`. */
static int
store_side_file_ok(const struct stat *f, const struct stat *d)
{
	return !S_ISREG(f->st_mode) || (f->st_uid == d->st_uid &&
	    f->st_gid == d->st_gid && (f->st_mode & 0777) == (d->st_mode & 0777));
}

static void
store_repair_side_files(const char *db)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	struct stat d, f;
	struct buf path;
	size_t	 i;
	int	 ok, fd;

	if (stat(db, &d) != 0)
		return;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		buf_init(&path, 4096);
		buf_printf(&path, "%s%s", db, suffix[i]);
		/* lstat: cheap, on every open; the rest only when it differs. */
		if (path.failed || lstat(buf_str(&path), &f) != 0 ||
		    store_side_file_ok(&f, &d)) {
			buf_free(&path);
			continue;
		}
		/*
		 * Changed through a descriptor of the file itself, never a
		 * name that a link could be put at in between: the directory
		 * is the web server user's, and `rathaus init` runs as root.
		 */
		fd = open(buf_str(&path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		if (fd != -1 && (fstat(fd, &f) != 0 ||
		    store_side_file_ok(&f, &d))) {
			close(fd);
			buf_free(&path);
			continue;
		}
		ok = fd != -1 && ((f.st_uid == d.st_uid && f.st_gid == d.st_gid) ||
		    fchown(fd, d.st_uid, d.st_gid) == 0) &&
		    fchmod(fd, d.st_mode & 0777) == 0;
		if (fd != -1)
			close(fd);
		fprintf(stderr, "rathaus: %s has owner %ld:%ld and mode %04o,"
		    " the database %ld:%ld and %04o: %s\n", buf_str(&path),
		    (long)f.st_uid, (long)f.st_gid, (unsigned)(f.st_mode & 0777),
		    (long)d.st_uid, (long)d.st_gid,
		    (unsigned)(d.st_mode & 0777), ok ? "made the database's" :
		    "this user cannot change that: run `rathaus init` as root");
		buf_free(&path);
	}
}

/* The text nodes under `n`, each followed by a space (a word break). */
static void
store_search_nodes(struct buf *text, xmlNodePtr n)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			buf_addstr(text, n->content != NULL ?
			    (const char *)n->content : "");
			buf_addch(text, ' ');
		} else if (n->type == XML_ELEMENT_NODE)
			store_search_nodes(text, n->children);
}

/*
 * What the search index holds of a submission: the reference and the
 * text of its answers XML (the values, no markup), folded as the
 * catalog's search folds (text_fold: ASCII case, ä ö ü to a o u, ß to
 * ss), so that the inbox's search finds substrings of what the clerk
 * sees however it is typed. Answers that do not parse: the reference.
 */
int
store_search_text(struct buf *out, const char *ref, const char *answers)
{
	struct buf text;
	xmlDocPtr doc = NULL;
	int	 rc;

	buf_init(&text, 0);
	buf_addstr(&text, ref != NULL ? ref : "");
	buf_addch(&text, ' ');
	if (answers != NULL && *answers != '\0' &&
	    (doc = xmlReadMemory(answers, (int)strlen(answers), NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) !=
	    NULL)
		store_search_nodes(&text, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	rc = text.failed ? -1 : text_fold(out, buf_str(&text));
	buf_free(&text);
	return rc;
}

/* rathaus_fold(ref, answers): store_search_text for SQL (migrations). */
static void
store_fold_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct buf out;

	(void)argc;
	buf_init(&out, 0);
	if (store_search_text(&out, (const char *)sqlite3_value_text(argv[0]),
	    (const char *)sqlite3_value_text(argv[1])) != 0)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, buf_str(&out), (int)out.len,
		    SQLITE_TRANSIENT);
	buf_free(&out);
}

static void store_rollback(struct store *);

/*
 * The store on PostgreSQL (`conninfo`): without `create` its schema must
 * be at the current version.
 */
static int
store_open_pg(struct store **out, const char *conninfo, int create)
{
	struct store *s;
	int	 v = 0, rc;

	*out = NULL;
	if ((rc = store_pg_open(&s, conninfo)) == STORE_OK &&
	    (rc = store_user_version(s, &v)) != STORE_OK) {
		rc = store_class(s->code);
		fprintf(stderr, "rathaus: %s\n", s->err);
	} else if (rc == STORE_OK && !create && v != STORE_VERSION) {
		fprintf(stderr, "rathaus: postgresql: schema version %d,"
		    " expected %d: run `rathaus init`\n", v, STORE_VERSION);
		rc = STORE_OUTDATED;
	}
	if (rc != STORE_OK) {
		store_close(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

/*
 * Open the store: on PostgreSQL when `conninfo` names one, else
 * <data_dir>/rathaus.db. Without `create` the database must exist and be
 * at the current schema version: the web programs never create or
 * migrate anything; `rathaus init` does, once, as the administrator.
 * On failure *out is NULL, and why is on the standard error.
 */
int
store_open(struct store **out, const char *data_dir, const char *conninfo,
    int create)
{
	struct store *s;
	struct buf path;
	int	 flags, one = 1, v = 0, rc;

	*out = NULL;
	if (conninfo != NULL && *conninfo != '\0')
		return store_open_pg(out, conninfo, create);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return STORE_ERROR;
	if (clock_gettime(CLOCK_MONOTONIC, &s->busy_until) != 0)
		s->busy_until.tv_nsec = 0;
	s->jitter = ((uint32_t)getpid() * 2654435761u) ^
	    (uint32_t)s->busy_until.tv_nsec;
	if (s->jitter == 0)
		s->jitter = 1;
	buf_init(&path, 4096);
	buf_printf(&path, "%s/rathaus.db", data_dir);
	if (!path.failed)
		store_repair_side_files(buf_str(&path));
	flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (path.failed || sqlite3_open_v2(buf_str(&path), &s->db, flags,
	    NULL) != SQLITE_OK) {
		store_fail(s, buf_str(&path));
		rc = store_class(s->code);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, store_busy, s);
	(void)sqlite3_commit_hook(s->db, store_commit_hook, s);
	(void)sqlite3_rollback_hook(s->db, store_rollback_hook, s);
	if (sqlite3_create_function(s->db, "rathaus_fold", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, store_fold_sql, NULL, NULL) !=
	    SQLITE_OK) {
		store_fail(s, "rathaus_fold");
		rc = STORE_ERROR;
		goto fail;
	}
	/*
	 * Keep the WAL file when we close: recreating it costs ~1 ms. With
	 * a journal_size_limit the last connection to close empties it after
	 * its checkpoint; without one the checkpointed frames stayed valid,
	 * and every later open rebuilt the index from them and every close
	 * copied them into the database again (three fdatasync a request,
	 * a GET too). 1 MiB: what a checkpoint leaves while others write.
	 */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	if (store_exec(s, "PRAGMA journal_mode=WAL;"
	    "PRAGMA journal_size_limit=1048576;"
	    "PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;") != STORE_OK ||
	    store_user_version(s, &v) != STORE_OK) {
		rc = store_class(s->code);
		goto fail;
	}
	if (!create && v != STORE_VERSION) {
		snprintf(s->err, sizeof(s->err),
		    "%s: schema version %d, expected %d: run `rathaus init`",
		    buf_str(&path), v, STORE_VERSION);
		rc = STORE_OUTDATED;
		goto fail;
	}
	buf_free(&path);
	*out = s;
	return STORE_OK;
fail:
	buf_free(&path);
	if (*s->err != '\0')
		fprintf(stderr, "rathaus: %s\n", s->err);
	store_close(s);
	return rc;
}

/*
 * A copy of the store to read only (a backup, for rathaus checksum):
 * opened immutable, so that nothing is written, not even a -wal or -shm
 * beside it. The file is named by an SQLite URI, its path escaped.
 */
int
store_open_copy(struct store **out, const char *path)
{
	static const char keep[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/";
	struct store *s;
	struct buf uri;
	const unsigned char *p;
	int	 rc = STORE_ERROR;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return STORE_ERROR;
	buf_init(&uri, 16384);
	buf_addstr(&uri, "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (strchr(keep, *p) != NULL)
			buf_addch(&uri, (char)*p);
		else
			buf_printf(&uri, "%%%02X", *p);
	buf_addstr(&uri, "?immutable=1");
	if (uri.failed || sqlite3_open_v2(buf_str(&uri), &s->db,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    store_exec(s, "SELECT count(*) FROM sqlite_schema;") != STORE_OK) {
		store_fail(s, path);
		rc = store_class(s->code);
		fprintf(stderr, "rathaus: %s\n", s->err);
		store_close(s);
	} else {
		sqlite3_extended_result_codes(s->db, 1);
		*out = s;
		rc = STORE_OK;
	}
	buf_free(&uri);
	return rc;
}

/* The schema version this program makes and expects. */
int
store_schema_version(void)
{
	return STORE_VERSION;
}

/* Bring the schema up to date, one transaction per step. */
int
store_migrate(struct store *s, int *from, int *to)
{
	int	 v;

	if (STORE_PG(s))
		return store_pg_migrate(s, STORE_VERSION, from, to);
	if (store_user_version(s, &v) != STORE_OK)
		return STORE_ERROR;
	*from = v;
	if (v > STORE_VERSION) {
		snprintf(s->err, sizeof(s->err),
		    "database schema %d is newer than this program (%d)", v,
		    STORE_VERSION);
		return STORE_ERROR;
	}
	for (; v < STORE_VERSION; v++) {
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v + 1);
		if (store_exec(s, "BEGIN IMMEDIATE;") != STORE_OK)
			return STORE_ERROR;
		if (store_exec(s, store_migrations[v]) != STORE_OK ||
		    store_exec(s, pragma) != STORE_OK ||
		    store_exec(s, "COMMIT;") != STORE_OK) {
			sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
			return STORE_ERROR;
		}
	}
	*to = v;
	return STORE_OK;
}

/*
 * The server secret `name` (REF_SECRET_LEN bytes, made by the migration
 * that named it). STORE_NOTFOUND for a name no migration made.
 */
int
store_secret(struct store *s, const char *name,
    unsigned char out[REF_SECRET_LEN])
{
	struct store_stmt q;
	const void *v;
	size_t	 len;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "SELECT value FROM secret WHERE"
	    " name = ?1", "secret")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, name);
	if ((rc = store_stmt_one(&q)) == STORE_OK) {
		if ((v = store_stmt_col_blob(&q, 0, &len)) != NULL &&
		    len == REF_SECRET_LEN)
			memcpy(out, v, REF_SECRET_LEN);
		else
			rc = STORE_NOTFOUND;
		store_stmt_end(&q);
	}
	if (rc == STORE_NOTFOUND) {
		snprintf(s->err, sizeof(s->err), "no secret '%s'", name);
		return STORE_NOTFOUND;
	}
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->engine == STORE_ENGINE_POSTGRESQL) {
		store_pg_close(s);
		free(s);
		return;
	}
	store_front_leave(s);
	/* Busy only with a statement left unfinalized (a bug): the connection
	 * then stays open, and a CGI's sender after fork (app_mail) would
	 * open another beside its locks. Said, never silent. */
	if (sqlite3_close(s->db) != SQLITE_OK)
		fprintf(stderr, "rathaus: the database stays open: %s\n",
		    sqlite3_errmsg(s->db));
	if (s->front_fd > 0)
		close(s->front_fd - 1);
	free(s);
}

/*
 * A persistent program keeps its connection between requests (app.c).
 * At a request's end: a transaction it left open is rolled back (1; a
 * bug of the caller's, never carried into the next request), the front
 * place given up; 0 when nothing was open.
 */
int
store_request_end(struct store *s)
{
	int	 open = store_in_transaction(s);

	if (open)
		store_rollback(s);
	if (!STORE_PG(s))
		store_front_leave(s);
	return open;
}

/*
 * The kept connection readied for the next request: no transaction open
 * (rolled back as above), the last request's failure and wait budget
 * forgotten, and the schema still the one this program expects:
 * STORE_OK, STORE_OUTDATED (`rathaus init` has not run after an
 * upgrade), or the class of the failure. A cheap check: PRAGMA
 * user_version reads the header that the request's first read loads.
 */
int
store_reuse(struct store *s)
{
	int	 v = 0;

	(void)store_request_end(s);
	s->code = SQLITE_OK;
	*s->err = '\0';
	s->request_deadline = 0;
	if (store_user_version(s, &v) != STORE_OK)
		return store_class(s->code);
	return v == STORE_VERSION ? STORE_OK : STORE_OUTDATED;
}

/* Is a transaction open on this connection? (tests) */
int
store_in_transaction(const struct store *s)
{
	if (STORE_PG(s))
		return store_pg_in_transaction(s);
	return !sqlite3_get_autocommit(s->db);
}

void
store_copy(char *dst, size_t size, const unsigned char *src)
{
	snprintf(dst, size, "%s", src ? (const char *)src : "");
}

/*
 * What SQLite's write lock gives every write transaction, on PostgreSQL
 * for one thing: one transaction at a time that reads the state of
 * `kind` `key` (a submission's reference, a form key, a calendar) and
 * writes by what it read, so that of two clerks, two double submits or
 * two bookings of the last place exactly one goes through. An advisory
 * lock on the hash of both, held to the transaction's end, waited for
 * within lock_timeout (store_begin). On SQLite nothing to do.
 */
int
store_lock(struct store *s, const char *kind, const char *key)
{
	const char *v[] = { kind, key };

	if (!STORE_PG(s))
		return STORE_OK;
	return store_run(s, "SELECT pg_advisory_xact_lock(hashtext(CAST(?1"
	    " AS TEXT) || ':' || CAST(?2 AS TEXT)))", v, 2, "lock");
}

/* One statement with text parameters (NULL binds NULL); within a transaction. */
int
store_run(struct store *s, const char *sql, const char *const *v, int n,
    const char *what)
{
	return store_stmt_run(s, sql, v, n, what, NULL);
}

int
store_audit_row(struct store *s, const char *actor, const char *action,
    const char *ref, const char *before, const char *after,
    const char *detail, const char *now)
{
	const char *v[] = { now, actor, action, ref, before, after, detail };

	return store_run(s, "INSERT INTO audit(at, actor, action, ref, before,"
	    " after, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", v, 7,
	    "audit");
}

/* Roll back, keeping the error that made us (store_err, store_fault). */
static void
store_rollback(struct store *s)
{
	char	 err[sizeof(s->err)];
	int	 code = s->code;

	if (!STORE_PG(s)) {
		(void)sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
		return;
	}
	memcpy(err, s->err, sizeof(err));
	(void)store_exec(s, "ROLLBACK");
	memcpy(s->err, err, sizeof(err));
	s->code = code;
}

int
store_commit_or_rollback(struct store *s, int rc)
{
	if (rc == STORE_OK && store_exec(s, "COMMIT;") == STORE_OK)
		return STORE_OK;
	store_rollback(s);
	return rc == STORE_OK ? STORE_ERROR : rc;
}

/*
 * The receipt of an earlier submission of the same form (same key, same
 * service) with the same answers, if any. Different answers under the same
 * key are a second registration made with the Back button: a new record.
 */
static int
store_find_key(struct store *s, const struct store_new *n,
    struct store_receipt *r)
{
	const char *const v[] = { n->submit_key, n->service, n->values_xml };
	struct store_stmt q;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "SELECT ref, token FROM submission"
	    " WHERE submit_key = ?1 AND service = ?2 AND answers = ?3",
	    "find key")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 3);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	store_stmt_copy(&q, 0, r->ref, sizeof(r->ref));
	store_stmt_copy(&q, 1, r->token, sizeof(r->token));
	r->existing = 1;
	store_stmt_end(&q);
	return STORE_OK;
}

static int
store_next_seq(struct store *s, int year, long *seq)
{
	struct store_stmt q;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "INSERT INTO ref_counter(year,"
	    " last) VALUES (?1, 1) ON CONFLICT(year) DO UPDATE SET"
	    " last = ref_counter.last + 1 RETURNING last", "counter")) !=
	    STORE_OK)
		return rc;
	store_stmt_int64(&q, 1, year);
	if ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		*seq = (long)store_stmt_col_int64(&q, 0);
		/* RETURNING rows are only final once the statement has run
		 * out. */
		rc = store_stmt_step(&q);
		if (rc == STORE_STMT_ROW)
			rc = store_stmt_fail(s, "counter", "two rows");
	} else if (rc == STORE_OK)
		rc = store_stmt_fail(s, "counter", "no row");
	store_stmt_end(&q);
	return rc;
}

/*
 * The id of the definition text, kept once however many submissions use
 * it; 0 when there is none to keep.
 */
static int
store_definition(struct store *s, const struct store_new *n, int64_t *id)
{
	static const char *const sql[] = {
		/* No conflict target: PostgreSQL's uniqueness is of the
		 * text's MD5 (store_pg_schema.c). */
		"INSERT INTO definition(service, version, xml)"
		" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
		"SELECT id FROM definition WHERE xml = ?1",
	};
	struct store_stmt q;
	int	 rc;

	*id = 0;
	if (n->definition_xml == NULL)
		return STORE_OK;
	if ((rc = store_stmt_prepare(&q, s, sql[0], "definition")) !=
	    STORE_OK)
		return rc;
	store_stmt_text(&q, 1, n->service);
	store_stmt_int64(&q, 2, n->version);
	store_stmt_text(&q, 3, n->definition_xml);
	rc = store_stmt_step(&q);
	store_stmt_end(&q);
	if (rc != STORE_OK ||
	    (rc = store_stmt_prepare(&q, s, sql[1], "definition")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, n->definition_xml);
	if ((rc = store_stmt_one(&q)) == STORE_NOTFOUND)
		return store_stmt_fail(s, "definition", "not kept");
	if (rc != STORE_OK)
		return rc;
	*id = store_stmt_col_int64(&q, 0);
	store_stmt_end(&q);
	return STORE_OK;
}

/*
 * The search index's row of submission `id`, within the transaction that
 * writes the submission: folded in C (store_search_text).
 */
static int
store_search_put(struct store *s, int64_t id, const char *ref,
    const char *answers)
{
	struct store_stmt q;
	struct buf text;
	int	 rc;

	buf_init(&text, 0);
	if (store_search_text(&text, ref, answers) != 0) {
		buf_free(&text);
		return store_stmt_fail(s, "search text", "out of memory");
	}
	if ((rc = store_stmt_prepare(&q, s, "INSERT INTO submission_search("
	    "rowid, text) VALUES (?1, ?2)", "search index")) == STORE_OK) {
		store_stmt_int64(&q, 1, id);
		store_stmt_text(&q, 2, buf_str(&text));
		rc = store_stmt_step(&q);
	}
	store_stmt_end(&q);
	buf_free(&text);
	return rc;
}

static int
store_insert(struct store *s, const struct store_new *n, const char *ref)
{
	const char *const texts[] = {
		ref, n->token, n->service, NULL, n->values_xml, NULL,
		n->created, n->submit_key, n->lang ? n->lang : "de",
		NULL, n->email != NULL && *n->email != '\0' ? n->email : NULL,
		n->subject, n->subject != NULL ? n->trust_level : NULL,
	};
	struct store_stmt q;
	int64_t	 id = 0, def;
	int	 rc;

	if ((rc = store_definition(s, n, &def)) != STORE_OK)
		return rc;
	if ((rc = store_stmt_prepare(&q, s,
	    "INSERT INTO submission(ref, token, service, service_version,"
	    " answers, fee_cents, created, submit_key, lang, definition_id,"
	    " email, payment, subject, trust_level) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, CASE WHEN CAST(?6 AS BIGINT) > 0"
	    " THEN 'awaiting' ELSE 'none' END, ?12, ?13) RETURNING id",
	    "insert")) !=
	    STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, texts, 13);
	store_stmt_int64(&q, 4, n->version);
	store_stmt_int64(&q, 6, n->fee_cents);
	if (def != 0)
		store_stmt_int64(&q, 10, def);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc == STORE_NOTFOUND ?
		    store_stmt_fail(s, "insert", "no id") : rc;
	id = store_stmt_col_int64(&q, 0);
	/* RETURNING rows are only final once the statement has run out. */
	rc = store_stmt_step(&q);
	store_stmt_end(&q);
	if (rc != STORE_OK)
		return rc == STORE_STMT_ROW ?
		    store_stmt_fail(s, "insert", "two rows") : rc;
	if ((rc = store_search_put(s, id, ref, n->values_xml)) != STORE_OK)
		return rc;
	{
		const char *const ev[] = { n->created };

		return store_stmt_run_id(s, "INSERT INTO status_event("
		    "submission_id, status, at) VALUES (?1, 'received', ?2)",
		    id, ev, 1, "insert event", NULL);
	}
}

/*
 * A new submission takes the files of its form key for the fields it
 * answers with a file (`fields`, NULL-terminated): the staged ones, and
 * a copy of those an earlier submission with the same key claimed and
 * that were not replaced since (Back, change another answer, send again:
 * the second record needs its files too). A file for a question no longer
 * asked stays staged, and expires. Within store_submit's transaction.
 */
static int
store_upload_claim(struct store *s, const char *key, const char *ref,
    const char *const *fields)
{
	static const char *const sql[] = {
		"INSERT INTO upload(submit_key, field, filename, mime, size,"
		" data, created, touched, ref) SELECT submit_key, field,"
		" filename, mime, size, data, created, touched, ?2"
		" FROM upload u WHERE submit_key = ?1"
		" AND field = ?3 AND ref IS NOT NULL AND id = (SELECT max(id)"
		" FROM upload WHERE submit_key = ?1 AND field = ?3)",
		"UPDATE upload SET ref = ?2 WHERE submit_key = ?1"
		" AND field = ?3 AND ref IS NULL",
	};
	size_t	 i, k;

	for (k = 0; fields != NULL && fields[k] != NULL; k++)
		for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
			const char *const v[] = { key, ref, fields[k] };

			if (store_stmt_run(s, sql[i], v, 3, "claim uploads",
			    NULL) != STORE_OK)
				return STORE_ERROR;
		}
	return STORE_OK;
}

/*
 * Put a mail about submission `ref` into the outbox, due now; only from a
 * store_mails_fn, inside the transaction of the change that causes it
 * (so the submission is there). Sent after the response (outbox_flush)
 * or later by `rathaus outbox`; deleted with the submission's personal
 * data (store_purge).
 */
int
store_queue_mail(struct store *s, const char *ref, const char *to,
    const char *subject, const char *body)
{
	char	 now[21];
	const char *v[] = { to, subject, body, ref, now };

	/* The time from here, not the SQL's: both engines' alike. */
	if (when_now_iso(now) != 0)
		return store_stmt_fail(s, "queue mail", "no clock");
	return store_run(s, "INSERT INTO outbox(created, recipient, subject,"
	    " body, next_try, submission_id) VALUES (?5, ?1, ?2, ?3, ?5,"
	    " (SELECT id FROM submission WHERE ref = ?4))", v, 5,
	    "queue mail");
}

/*
 * Store one submission in one transaction. A key seen before returns the
 * first submission's receipt instead: a reload or a double click must not
 * create a second record.
 */
int
store_submit(struct store *s, const struct store_new *n,
    struct store_receipt *r)
{
	long	 seq = 0;
	int	 rc;

	memset(r, 0, sizeof(*r));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	/* A double submit waits for the first, then finds it. */
	if (n->submit_key != NULL &&
	    (rc = store_lock(s, "submit", n->submit_key)) != STORE_OK) {
		store_rollback(s);
		return store_class(s->code) == STORE_BUSY ? STORE_BUSY :
		    STORE_ERROR;
	}
	if (n->submit_key != NULL &&
	    (rc = store_find_key(s, n, r)) != STORE_NOTFOUND) {
		store_rollback(s);
		return rc;
	}
	store_copy(r->token, sizeof(r->token), (const unsigned char *)n->token);
	if (store_next_seq(s, n->year, &seq) != STORE_OK ||
	    ref_format(r->ref, n->year, seq) == -1 ||
	    store_insert(s, n, r->ref) != STORE_OK ||
	    (n->submit_key != NULL &&
	    store_upload_claim(s, n->submit_key, r->ref, n->files) !=
	    STORE_OK) ||
	    (n->booking != NULL && (rc = store_book(s, n->booking, r->ref,
	    n->created)) != STORE_OK) ||
	    (n->mails != NULL && n->mails(s, n->mails_arg, r) != 0) ||
	    store_exec(s, "COMMIT;") != STORE_OK) {
		if (*s->err == '\0')
			snprintf(s->err, sizeof(s->err), "reference overflow");
		store_rollback(s);
		memset(r, 0, sizeof(*r));
		return rc == STORE_TAKEN ? STORE_TAKEN : STORE_ERROR;
	}
	return STORE_OK;
}

char *
store_dup(const unsigned char *s)
{
	return strdup(s ? (const char *)s : "");
}

int
store_load_history(struct store *s, struct store_submission *sub)
{
	struct store_stmt q;
	struct store_event *h;
	int	 rc;

	if ((rc = store_stmt_prepare(&q, s, "SELECT status, at, actor,"
	    " message FROM status_event WHERE submission_id = ?1 ORDER BY id",
	    "history")) != STORE_OK)
		return rc;
	store_stmt_int64(&q, 1, sub->id);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		h = reallocarray(sub->history, sub->nhistory + 1, sizeof(*h));
		if (h == NULL) {
			rc = store_stmt_fail(s, "history", "out of memory");
			break;
		}
		sub->history = h;
		h = &sub->history[sub->nhistory++];
		memset(h, 0, sizeof(*h));
		store_stmt_copy(&q, 0, h->status, sizeof(h->status));
		store_stmt_copy(&q, 1, h->at, sizeof(h->at));
		store_stmt_copy(&q, 2, h->actor, sizeof(h->actor));
		if (!store_stmt_col_null(&q, 3) && (h->message =
		    strdup(store_stmt_col_text(&q, 3))) == NULL) {
			rc = store_stmt_fail(s, "history", "out of memory");
			break;
		}
	}
	store_stmt_end(&q);
	return rc;
}

/* The columns of STORE_SUBMISSION_COLUMNS into `sub`; -1: no memory. */
int
store_submission_read(struct store_stmt *q, const char *ref,
    struct store_submission *sub)
{
	sub->id = (long)store_stmt_col_int64(q, 0);
	store_copy(sub->ref, sizeof(sub->ref), (const unsigned char *)ref);
	sub->service = store_dup((const unsigned char *)
	    store_stmt_col_text(q, 2));
	sub->version = (long)store_stmt_col_int64(q, 3);
	sub->values_xml = store_dup((const unsigned char *)
	    store_stmt_col_text(q, 4));
	sub->fee_cents = (long)store_stmt_col_int64(q, 5);
	store_stmt_copy(q, 6, sub->created, sizeof(sub->created));
	store_stmt_copy(q, 7, sub->status, sizeof(sub->status));
	store_stmt_copy(q, 9, sub->lang, sizeof(sub->lang));
	store_stmt_copy(q, 11, sub->trust_level, sizeof(sub->trust_level));
	if (!store_stmt_col_null(q, 10) && (sub->subject = store_dup(
	    (const unsigned char *)store_stmt_col_text(q, 10))) == NULL)
		return -1;
	/* Submissions from before definitions were kept have none. */
	if (!store_stmt_col_null(q, 8) && (sub->definition_xml = store_dup(
	    (const unsigned char *)store_stmt_col_text(q, 8))) == NULL)
		return -1;
	return sub->service != NULL && sub->values_xml != NULL ? 0 : -1;
}

/*
 * A submission by reference and token. An unknown reference and a wrong
 * token give the same answer; the token comparison takes constant time.
 */
int
store_find(struct store *s, const char *ref, const char *token,
    struct store_submission *sub)
{
	struct store_stmt q;
	int	 rc, match;

	memset(sub, 0, sizeof(*sub));
	if ((rc = store_stmt_prepare(&q, s, STORE_SUBMISSION_COLUMNS
	    STORE_SUBMISSION_FROM " WHERE s.ref = ?1", "find")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, ref);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	match = ref_equal(token, store_stmt_col_text(&q, 1));
	if (match && store_submission_read(&q, ref, sub) != 0)
		match = -1;
	store_stmt_end(&q);
	if (match == 0)
		return STORE_NOTFOUND;
	if (match == -1 || store_load_history(s, sub) != STORE_OK) {
		store_submission_free(sub);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void
store_submission_free(struct store_submission *sub)
{
	size_t	 i;

	free(sub->service);
	free(sub->subject);
	free(sub->values_xml);
	for (i = 0; i < sub->nhistory; i++)
		free(sub->history[i].message);
	free(sub->definition_xml);
	free(sub->history);
	memset(sub, 0, sizeof(*sub));
}

/*
 * What a staged file counts against the caps: its size, but at least a
 * page, so that a flood of tiny files is no way around them.
 */
#define STORE_STAGED_MIN	4096
#define STORE_STAGED_CHARGE	\
	"CASE WHEN size > 4096 THEN size ELSE 4096 END"

static int64_t
store_staged_charge(size_t len)
{
	return len < STORE_STAGED_MIN ? STORE_STAGED_MIN : (int64_t)len;
}

/*
 * What is staged, as charged: under all keys, under `key`, and of that
 * the file (key, field) that a new one would replace.
 */
static int
store_staged_sums(struct store *s, const char *key, const char *field,
    int64_t *total, int64_t *of_key, int64_t *replaced)
{
	static const char *const sql[] = {
		"SELECT coalesce(sum(" STORE_STAGED_CHARGE "), 0), 0 FROM upload"
		" WHERE ref IS NULL",
		"SELECT coalesce(sum(" STORE_STAGED_CHARGE "), 0),"
		" coalesce(sum(CASE WHEN field = ?2 THEN " STORE_STAGED_CHARGE
		" END), 0) FROM upload WHERE submit_key = ?1 AND ref IS NULL",
	};
	const char *const v[] = { key, field };
	struct store_stmt q;
	size_t	 i;
	int	 rc = STORE_OK;

	for (i = 0; i < 2 && rc == STORE_OK; i++) {
		if ((rc = store_stmt_prepare(&q, s, sql[i], "staged sums")) !=
		    STORE_OK)
			return rc;
		store_stmt_texts(&q, 1, v, 2);
		if ((rc = store_stmt_one(&q)) == STORE_NOTFOUND)
			return store_stmt_fail(s, "staged sums", "no row");
		if (rc != STORE_OK)
			return rc;
		if (i == 0)
			*total = store_stmt_col_int64(&q, 0);
		else {
			*of_key = store_stmt_col_int64(&q, 0);
			*replaced = store_stmt_col_int64(&q, 1);
		}
		store_stmt_end(&q);
	}
	return rc;
}

/*
 * Stage a file for (key, field), replacing the one staged before: one
 * file per field. Files a submission claimed are never replaced.
 */
static int
store_upload_stage(struct store *s, const char *key,
    const struct store_staged *f, const char *now)
{
	const char *const v[] = { key, f->field, f->filename, f->mime, NULL,
	    NULL, now };
	struct store_stmt q;
	int	 rc;

	if ((rc = store_stmt_run(s, "DELETE FROM upload WHERE submit_key = ?1"
	    " AND field = ?2 AND ref IS NULL", v, 2, "put upload", NULL)) !=
	    STORE_OK || (rc = store_stmt_prepare(&q, s, "INSERT INTO"
	    " upload(submit_key, field, filename, mime, size, data, created,"
	    " touched) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
	    "put upload")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 7);
	store_stmt_int64(&q, 5, (int64_t)f->len);
	store_stmt_blob(&q, 6, f->data, f->len);
	rc = store_stmt_step(&q);
	store_stmt_end(&q);
	return rc;
}

/* Within a transaction: drop the abandoned files, touch `key`'s others. */
static int
store_upload_refresh(struct store *s, const char *key,
    const struct store_staging *lim)
{
	const char *const v[] = { lim->idle_before, key, lim->now };

	return store_run(s, "DELETE FROM upload WHERE ref IS NULL AND"
	    " touched < ?1", v, 1, "drop idle uploads") == STORE_OK &&
	    store_run(s, "UPDATE upload SET touched = ?3 WHERE"
	    " submit_key = ?2 AND ref IS NULL", v, 3, "touch uploads") ==
	    STORE_OK ? STORE_OK : STORE_ERROR;
}

/*
 * Stage the files of one request under `key`, in one transaction. First
 * the staged files untouched since lim->idle_before go (every key's);
 * then each file in turn: one that would take the key's staged bytes
 * over lim->key_max is refused (`refused`; its field keeps the file it
 * had), the rest are staged; the key's staged files are touched. If the
 * bytes staged under all keys would go over lim->total_max, nothing of
 * the request is staged: STORE_CAPPED (the abandoned files are dropped
 * all the same).
 */
int
store_upload_put(struct store *s, const char *key, struct store_staged *files,
    size_t nfiles, const struct store_staging *lim)
{
	int64_t	 total = 0, of_key = 0, replaced = 0, charge;
	size_t	 i;
	int	 rc, capped = 0;

	for (i = 0; i < nfiles; i++) {
		files[i].refused = 0;
		if (files[i].len == 0 || files[i].len > STORE_UPLOAD_MAX) {
			snprintf(s->err, sizeof(s->err), "upload of %zu bytes",
			    files[i].len);
			return STORE_ERROR;
		}
	}
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = store_lock(s, "upload", key)) == STORE_OK)
		rc = store_upload_refresh(s, key, lim);
	if (rc == STORE_OK)
		rc = store_exec(s, "SAVEPOINT staging;");
	for (i = 0; i < nfiles && rc == STORE_OK && !capped; i++) {
		if ((rc = store_staged_sums(s, key, files[i].field, &total,
		    &of_key, &replaced)) != STORE_OK)
			break;
		charge = store_staged_charge(files[i].len);
		if (of_key - replaced + charge > (int64_t)lim->key_max)
			files[i].refused = 1;
		else if (total - replaced + charge > (int64_t)lim->total_max)
			capped = 1;
		else
			rc = store_upload_stage(s, key, &files[i], lim->now);
	}
	if (rc == STORE_OK && capped)
		rc = store_exec(s, "ROLLBACK TO staging;");
	if (rc == STORE_OK)
		rc = store_exec(s, "RELEASE staging;");
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK)
		return rc;
	if (capped)
		snprintf(s->err, sizeof(s->err), "staged uploads at their cap"
		    " of %zu bytes", lim->total_max);
	return capped ? STORE_CAPPED : STORE_OK;
}

/*
 * A page of the form was sent without a file: the key's staged files
 * are touched (the citizen is still at it), the abandoned ones dropped.
 */
int
store_upload_touch(struct store *s, const char *key,
    const struct store_staging *lim)
{
	int	 rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	return store_commit_or_rollback(s, store_upload_refresh(s, key, lim));
}

/* The metadata of one row: field, filename, mime, size, claimed. */
static void
store_upload_row(struct store_stmt *q, struct store_upload *u)
{
	memset(u, 0, sizeof(*u));
	store_stmt_copy(q, 0, u->field, sizeof(u->field));
	store_stmt_copy(q, 1, u->filename, sizeof(u->filename));
	store_stmt_copy(q, 2, u->mime, sizeof(u->mime));
	u->size = (size_t)store_stmt_col_int64(q, 3);
	u->claimed = (int)store_stmt_col_int64(q, 4);
}

/*
 * The files of a form key, one per field (the newest: a staged one, or
 * else the one a submission with this key claimed), without their bytes.
 * `*out` is freed with free().
 */
int
store_upload_list(struct store *s, const char *key, struct store_upload **out,
    size_t *nout)
{
	struct store_stmt q;
	struct store_upload *v;
	int	 rc;

	*out = NULL;
	*nout = 0;
	if ((rc = store_stmt_prepare(&q, s, "SELECT field, filename, mime,"
	    " size, CASE WHEN ref IS NULL THEN 0 ELSE 1 END FROM upload u"
	    " WHERE submit_key = ?1 AND id = (SELECT max(id) FROM upload"
	    " WHERE submit_key = ?1 AND field = u.field) ORDER BY id",
	    "list uploads")) != STORE_OK)
		return rc;
	store_stmt_text(&q, 1, key);
	while ((rc = store_stmt_step(&q)) == STORE_STMT_ROW) {
		if ((v = reallocarray(*out, *nout + 1, sizeof(*v))) == NULL) {
			rc = store_stmt_fail(s, "list uploads",
			    "out of memory");
			break;
		}
		*out = v;
		store_upload_row(&q, &v[(*nout)++]);
	}
	store_stmt_end(&q);
	if (rc != STORE_OK) {
		free(*out);
		*out = NULL;
		*nout = 0;
	}
	return rc;
}

/* A claimed file with its bytes, by the submission's reference. */
int
store_upload_get(struct store *s, const char *ref, const char *field,
    struct store_upload *u)
{
	const char *const v[] = { ref, field };
	struct store_stmt q;
	const void *blob;
	size_t	 len;
	int	 rc;

	memset(u, 0, sizeof(*u));
	if ((rc = store_stmt_prepare(&q, s, "SELECT field, filename, mime,"
	    " size, 1, data FROM upload WHERE ref = ?1 AND field = ?2"
	    " ORDER BY id DESC LIMIT 1", "get upload")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, v, 2);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	store_upload_row(&q, u);
	blob = store_stmt_col_blob(&q, 5, &len);
	u->size = len;
	if (blob == NULL || len == 0 || (u->data = malloc(len)) == NULL)
		rc = store_stmt_fail(s, "get upload", "no bytes, or out of"
		    " memory");
	else
		memcpy(u->data, blob, len);
	store_stmt_end(&q);
	if (rc != STORE_OK)
		store_upload_free(u);
	return rc;
}

void
store_upload_free(struct store_upload *u)
{
	free(u->data);
	memset(u, 0, sizeof(*u));
}

/*
 * Delete the staged files last touched before `older_than` (ISO 8601
 * UTC, compared as text like every time stamp here); claimed ones stay.
 */
int
store_upload_expire(struct store *s, const char *older_than, long *deleted)
{
	const char *const v[] = { older_than };
	int	 rc;

	*deleted = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store_stmt_run(s, "DELETE FROM upload WHERE ref IS NULL AND"
	    " touched < ?1", v, 1, "expire uploads", deleted);
	if ((rc = store_commit_or_rollback(s, rc)) != STORE_OK) {
		*deleted = 0;
		return STORE_ERROR;
	}
	return STORE_OK;
}
