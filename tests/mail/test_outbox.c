/*
 * The outbox against a real SMTP server (tests/mail/smtpd.py, Debian's
 * python3-aiosmtpd) on a free port of 127.0.0.1: mails queued with a
 * submission arrive once, failures wait and are tried again, a dead
 * server costs no more than the budget plus one timeout. Skipped when
 * python3 with aiosmtpd is missing (tools/check installs it).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "conf.h"
#include "mail.h"
#include "outbox.h"
#include "store.h"
#include "store_outbox.h"
#include "maildecode.h"
#include "smtpd.h"
#include "testdb.h"
#include "tmpdir.h"
#include "when.h"

#define TO	"erika@example.org"
#define SUBJECT	"Ihre Anmeldung – Eingang bestätigt"
#define BODY	"Guten Tag,\n\nIhre Anmeldung ist eingegangen: Grüße = 100 %.\n" \
	".\nDiese Zeile ist länger als sechsundsiebzig Zeichen, damit sie" \
	" weich umbrochen werden muss.   \n"

struct fixture {
	char	 dir[TMPDIR_MAX];	/* the store */
	char	 spool[TMPDIR_MAX];	/* what smtpd.py received */
	char	 url[64];
	struct store *s;
	struct conf c;
	struct smtpd smtpd;
	int	 port;
};

/*
 * The test binary is linked with -Wl,--wrap=store_outbox_sent: the record
 * that a mail went out can be made to fail (a lock held too long, a full
 * disk) or the process to die right before it (a crash), as in the
 * 200-at-once runs of issue 10; and with --wrap=store_outbox_hand, so
 * that it can die before the hand-over.
 */
int	 __real_store_outbox_sent(struct store *, long, const char *);
int	 __wrap_store_outbox_sent(struct store *, long, const char *);
int	 __real_store_outbox_hand(struct store *, long, const char *,
	    const char *);
int	 __wrap_store_outbox_hand(struct store *, long, const char *,
	    const char *);

static struct {
	int	 fail;		/* calls to fail; -1: every one */
	int	 fail_odd_once;	/* the first call for each odd id fails */
	long	 failed_id;
	int	 die;		/* SIGKILL instead of recording */
	int	 die_at_hand;	/* SIGKILL instead of handing over */
} mark;

int
__wrap_store_outbox_hand(struct store *s, long id, const char *claim,
    const char *at)
{
	if (mark.die_at_hand)
		kill(getpid(), SIGKILL);
	return __real_store_outbox_hand(s, id, claim, at);
}

int
__wrap_store_outbox_sent(struct store *s, long id, const char *at)
{
	if (mark.die)
		kill(getpid(), SIGKILL);
	if (mark.fail != 0) {
		if (mark.fail > 0)
			mark.fail--;
		return STORE_BUSY;
	}
	if (mark.fail_odd_once && id % 2 == 1 && id != mark.failed_id) {
		mark.failed_id = id;
		return STORE_BUSY;
	}
	return __real_store_outbox_sent(s, id, at);
}

/* Run a program, quietly; its exit status or -1. */
static int
run(const char *const argv[])
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
smtpd_up(struct fixture *f, int reject)
{
	if (smtpd_start(&f->smtpd, f->port, f->spool, reject) != 0)
		fail_msg("smtpd.py did not start");
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	memset(&mark, 0, sizeof(mark));
	if (testdb_create(f->dir, "outbox", &f->s) != 0 ||
	    tmpdir_make(f->spool, "spool") != 0 ||
	    (f->port = helper_free_port()) <= 0)
		return -1;
	snprintf(f->url, sizeof(f->url), "smtp://127.0.0.1:%d", f->port);
	f->c.smtp_url = f->url;
	f->c.mail_from = (char *)"portal@wiesmoor.de";
	f->c.mail_from_name = (char *)"Stadt Wiesmoor";
	f->c.smtp_tls = CONF_TLS_NO;
	f->c.mail_timeout_s = 2;
	return 0;
}

/* Every path: the server goes down, the directories go away. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	smtpd_stop(&f->smtpd);
	store_close(f->s);
	if (*f->dir != '\0')
		tmpdir_remove(f->dir);
	if (*f->spool != '\0')
		tmpdir_remove(f->spool);
	free(f);
	return 0;
}

/* Skip unless python3 has aiosmtpd. */
static void
need_aiosmtpd(void)
{
	const char *const argv[] = { smtpd_python(), "-c", "import aiosmtpd", NULL };

	if (run(argv) != 0) {
		fprintf(stderr, "python3 with aiosmtpd missing\n");
		skip();
	}
}

static int
queue_mail(struct store *s, void *arg, const struct store_receipt *r)
{
	(void)arg;
	return store_queue_mail(s, r->ref, TO, SUBJECT, BODY);
}

/* A submission whose mails `queue` puts into the outbox. */
static void
submit_with(struct fixture *f, store_mails_fn queue)
{
	struct store_new n = {
		.service = "osterfeuer", .version = 1,
		.values_xml = "<values/>", .lang = "de",
		.token = "00112233445566778899aabbccddeeff",
		.created = "2026-04-01T10:00:00Z", .year = 2026,
		.email = TO, .mails = queue,
	};
	struct store_receipt r;

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
}

static void
submit(struct fixture *f)
{
	submit_with(f, queue_mail);
}

/* A mail whose subject names its submission: "Eingang 2026-000001-7". */
static int
queue_named(struct store *s, void *arg, const struct store_receipt *r)
{
	char	 subject[64];

	(void)arg;
	snprintf(subject, sizeof(subject), "Eingang %s", r->ref);
	return store_queue_mail(s, r->ref, TO, subject, BODY);
}

static long
query(const struct fixture *f, const char *sql)
{
	return testdb_long(f->dir, sql);
}

/* A file of the spool as text, or NULL. */
static char *
slurp(const struct fixture *f, const char *name)
{
	struct buf path, text;
	char	 chunk[4096];
	size_t	 n;
	FILE	*fp;

	buf_init(&path, 256);
	buf_printf(&path, "%s/%s", f->spool, name);
	fp = fopen(buf_str(&path), "rb");
	buf_free(&path);
	if (fp == NULL)
		return NULL;
	buf_init(&text, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&text, chunk, n);
	fclose(fp);
	return buf_steal(&text);
}

/* How many messages the server accepted (0001.eml, 0002.eml, ...). */
static int
spool_count(const struct fixture *f)
{
	struct buf path;
	struct stat st;
	int	 n;

	buf_init(&path, 256);
	for (n = 0;; n++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%04d.eml", f->spool, n + 1);
		if (stat(buf_str(&path), &st) != 0)
			break;
	}
	buf_free(&path);
	return n;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The messages received: `want` of them, no subject twice. */
static void
assert_each_once(const struct fixture *f, int want)
{
	char	*subjects[256], *msg, name[16];
	int	 n = spool_count(f), i;

	assert_int_equal(n, want);
	assert_true(n <= 256);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%04d.eml", i + 1);
		assert_non_null(msg = slurp(f, name));
		subjects[i] = maildecode_header(msg, "Subject");
		free(msg);
		assert_non_null(subjects[i]);
	}
	qsort(subjects, (size_t)n, sizeof(subjects[0]), compare_strings);
	for (i = 1; i < n; i++)
		if (strcmp(subjects[i - 1], subjects[i]) == 0)
			fail_msg("\"%s\" arrived twice", subjects[i]);
	for (i = 0; i < n; i++)
		free(subjects[i]);
}

/* Flush; what it wrote on stderr, as text (malloc'ed). */
static char *
flush_logged(struct fixture *f, time_t now, int *rc)
{
	struct outbox_stats st;
	struct buf path;
	char	*log;
	int	 saved, fd;

	buf_init(&path, 256);
	buf_printf(&path, "%s/stderr.log", f->spool);
	fflush(stderr);
	assert_true((saved = dup(2)) >= 0);
	assert_true((fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) >= 0);
	dup2(fd, 2);
	*rc = outbox_flush(&f->c, f->s, now, 10, 5000, &st);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	buf_free(&path);
	log = slurp(f, "stderr.log");
	assert_non_null(log);
	return log;
}

static void
flush(struct fixture *f, time_t now, int sent, int failed, int given_up)
{
	struct outbox_stats st;

	assert_int_equal(outbox_flush(&f->c, f->s, now, 10, 5000, &st), 0);
	assert_int_equal(st.sent, sent);
	assert_int_equal(st.failed, failed);
	assert_int_equal(st.given_up, given_up);
}

/* The one message received: envelope, headers and body as queued. */
static void
assert_received(const struct fixture *f)
{
	char	*env, *msg, *v, *d;

	assert_non_null(env = slurp(f, "0001.env"));
	assert_string_equal(env, "portal@wiesmoor.de\n" TO "\n");
	assert_non_null(msg = slurp(f, "0001.eml"));
	assert_non_null(v = maildecode_header(msg, "Subject"));
	assert_non_null(d = maildecode_words(v));
	assert_string_equal(d, SUBJECT);
	free(d);
	free(v);
	assert_non_null(d = maildecode_qp(msg));
	assert_string_equal(d, BODY);
	free(d);
	assert_null(slurp(f, "0002.eml"));
	free(msg);
	free(env);
}

static void
test_outbox_delivers_once(void **state)
{
	struct fixture *f = *state;
	time_t	 now;

	need_aiosmtpd();
	smtpd_up(f, 0);
	submit(f);
	now = when_time();	/* queued mails are due from the store's now */
	flush(f, now, 1, 0, 0);
	assert_received(f);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE sent"
	    " IS NOT NULL AND attempts = 0"), 1);
	flush(f, now, 0, 0, 0);
	flush(f, now + 86400, 0, 0, 0);
	assert_null(slurp(f, "0002.eml"));
}

static void
test_outbox_retries_later(void **state)
{
	struct fixture *f = *state;
	time_t	 now;
	struct store_outbox_counts left;

	need_aiosmtpd();
	smtpd_up(f, 1);
	submit(f);
	now = when_time();
	flush(f, now, 0, 1, 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE sent IS"
	    " NULL AND attempts = 1 AND next_try > strftime('%Y-%m-%dT%H:%M:"
	    "%SZ', 'now') AND last_error LIKE '%451%'"), 1);
	/* The submission is what it was. */
	assert_int_equal(query(f, "SELECT count(*) FROM submission WHERE"
	    " status = 'received'"), 1);
	/* Not due yet: not tried again. */
	flush(f, now, 0, 0, 0);
	smtpd_stop(&f->smtpd);
	smtpd_up(f, 0);
	flush(f, now + 30, 0, 0, 0);
	flush(f, now + 61, 1, 0, 0);
	assert_received(f);
	flush(f, now + 86400, 0, 0, 0);
	assert_int_equal(store_outbox_counts(f->s, &left), STORE_OK);
	assert_int_equal(left.pending + left.given_up + left.unconfirmed, 0);
}

/*
 * Nothing listening: each flush fails quickly and waits longer; the
 * tenth failure gives the mail up and keeps its error.
 */
static void
test_outbox_dead_server(void **state)
{
	struct fixture *f = *state;
	struct timespec t0;
	time_t	 now;
	struct store_outbox_counts left;
	int	 i;

	submit(f);
	submit(f);
	now = when_time();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	flush(f, now, 0, 2, 0);
	assert_true(helper_elapsed_ms(&t0) < 15000);
	for (i = 2; i < 10; i++) {
		now += 7 * 3600;
		flush(f, now, 0, 2, 0);
	}
	now += 7 * 3600;
	flush(f, now, 0, 0, 2);
	assert_int_equal(store_outbox_counts(f->s, &left), STORE_OK);
	assert_int_equal(left.pending, 0);
	assert_int_equal(left.given_up, 2);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE"
	    " attempts = 10 AND last_error <> '' AND next_try = '"
	    STORE_OUTBOX_NEVER "'"), 2);
	flush(f, now + 86400 * 365, 0, 0, 0);
}

/* A server that accepts and never answers: the budget plus one timeout. */
static void
test_outbox_budget(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timespec t0;
	struct outbox_stats st;
	int	 fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)f->port);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	submit(f);
	submit(f);
	submit(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(outbox_flush(&f->c, f->s, when_time(), 10, 500, &st), 0);
	close(fd);
	/* One mail's timeout (2 s) was spent, then the budget was gone. */
	assert_true(helper_elapsed_ms(&t0) < 15000);
	assert_int_equal(st.failed, 1);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE"
	    " attempts = 0"), 2);
}

/* A server that takes every mail, and one queued: when it is due. */
static time_t
one_mail(struct fixture *f)
{
	need_aiosmtpd();
	smtpd_up(f, 0);
	submit(f);
	return when_time();	/* queued mails are due from the store's now */
}

/* Runners an hour and a day later, when every claim has run out. */
static void
later_runners(struct fixture *f, time_t now)
{
	struct outbox_stats st;

	(void)outbox_flush(&f->c, f->s, now + 3600, 10, 5000, &st);
	(void)outbox_flush(&f->c, f->s, now + 86400, 10, 5000, &st);
}

/*
 * The server took the mail, but recording that fails (a lock held longer
 * than the busy timeout): the failure is logged, and no later runner
 * sends the mail again, however late it comes.
 */
static void
test_outbox_sent_once_when_the_record_fails(void **state)
{
	struct fixture *f = *state;
	time_t	 now;
	char	*log;
	int	 rc, logged;

	now = one_mail(f);
	mark.fail = -1;
	log = flush_logged(f, now, &rc);
	logged = strstr(log, "outbox mail 1:") != NULL;
	free(log);
	mark.fail = 0;
	later_runners(f, now);
	assert_int_equal(spool_count(f), 1);
	assert_true(logged);
}

/* The record is tried again: it fails twice, and the mail counts as sent. */
static void
test_outbox_record_tried_again(void **state)
{
	struct fixture *f = *state;
	struct outbox_stats st;
	time_t	 now;

	now = one_mail(f);
	mark.fail = 2;
	assert_int_equal(outbox_flush(&f->c, f->s, now, 10, 5000, &st), 0);
	assert_int_equal(st.sent, 1);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE sent IS"
	    " NOT NULL"), 1);
	assert_int_equal(spool_count(f), 1);
}

/* A runner in a child that dies (SIGKILL) where `at_hand` says. */
static void
flush_and_die(struct fixture *f, time_t now, int at_hand)
{
	struct outbox_stats st;
	struct store *s;
	pid_t	 pid;
	int	 status;

	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		if (at_hand)
			mark.die_at_hand = 1;
		else
			mark.die = 1;
		/* A connection of its own: one must not cross a fork. */
		if (store_open(&s, f->dir, NULL, 0) == STORE_OK)
			(void)outbox_flush(&f->c, s, now, 10, 5000, &st);
		_exit(3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/*
 * A runner dies (SIGKILL) after the server took the mail and before it
 * is recorded: the mail is never sent again without evidence that it was
 * not delivered; at most one copy.
 */
static void
test_outbox_killed_between_send_and_record(void **state)
{
	struct fixture *f = *state;
	time_t	 now;

	now = one_mail(f);
	flush_and_die(f, now, 0);
	assert_int_equal(spool_count(f), 1);
	later_runners(f, now);
	assert_int_equal(spool_count(f), 1);
}

/*
 * A runner dies before the hand-over (the server was waiting for the
 * message): the server got nothing it could deliver, the claim runs out,
 * and a later runner sends the mail, once.
 */
static void
test_outbox_killed_before_the_hand_over(void **state)
{
	struct fixture *f = *state;
	time_t	 now;

	now = one_mail(f);
	flush_and_die(f, now, 1);
	assert_int_equal(spool_count(f), 0);
	/* Still claimed by the dead runner; then its claim runs out. */
	flush(f, now, 0, 0, 0);
	flush(f, now + 3600, 1, 0, 0);
	flush(f, now + 86400, 0, 0, 0);
	assert_received(f);
}

/*
 * The server takes the message and never answers its end: it may have
 * arrived, so it is never sent again; logged, and counted apart.
 */
static void
test_outbox_no_answer_after_the_hand_over(void **state)
{
	struct fixture *f = *state;
	struct store_outbox_counts left;
	struct outbox_stats st;
	time_t	 now;
	char	*log;
	int	 rc, logged;

	need_aiosmtpd();
	if (smtpd_start_mode(&f->smtpd, f->port, f->spool,
	    "--data-unanswered") != 0)
		fail_msg("smtpd.py did not start");
	submit(f);
	now = when_time();
	log = flush_logged(f, now, &rc);
	logged = strstr(log, "outbox mail 1: handed over, no answer") != NULL;
	free(log);
	assert_int_equal(rc, 0);
	assert_true(logged);
	smtpd_stop(&f->smtpd);
	smtpd_up(f, 0);
	assert_int_equal(outbox_flush(&f->c, f->s, now + 86400, 10, 5000, &st),
	    0);
	assert_int_equal(st.sent, 0);
	assert_int_equal(spool_count(f), 1);
	assert_int_equal(store_outbox_counts(f->s, &left), STORE_OK);
	assert_int_equal(left.unconfirmed, 1);
	assert_int_equal(left.pending + left.given_up, 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE handed IS"
	    " NOT NULL AND sent IS NULL AND attempts = 1 AND last_error <>"
	    " ''"), 1);
}

/*
 * The server refuses the message at its end (554): it has nothing to
 * deliver, so the mail waits and is sent again, once.
 */
static void
test_outbox_refused_after_the_hand_over(void **state)
{
	struct fixture *f = *state;
	time_t	 now;

	need_aiosmtpd();
	if (smtpd_start_mode(&f->smtpd, f->port, f->spool,
	    "--data-refused") != 0)
		fail_msg("smtpd.py did not start");
	submit(f);
	now = when_time();
	flush(f, now, 0, 1, 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE handed IS"
	    " NULL AND attempts = 1 AND last_error LIKE '%554%'"), 1);
	smtpd_stop(&f->smtpd);
	smtpd_up(f, 0);
	flush(f, now + 61, 1, 0, 0);
	flush(f, now + 86400, 0, 0, 0);
	assert_received(f);
}

#define FLUSHERS	8
#define MAILS		40

/*
 * Many runners on one outbox at once (the web program's children and
 * cron), and the record of every other mail fails at first: each mail
 * arrives exactly once, also after a later runner has looked again.
 */
static void
test_outbox_many_flushers(void **state)
{
	struct fixture *f = *state;
	struct outbox_stats st;
	struct store *s;
	pid_t	 pid[FLUSHERS];
	time_t	 now;
	int	 i, status, rc, failed = 0;

	need_aiosmtpd();
	smtpd_up(f, 0);
	for (i = 0; i < MAILS; i++)
		submit_with(f, queue_named);
	now = when_time();
	for (i = 0; i < FLUSHERS; i++) {
		assert_true((pid[i] = fork()) >= 0);
		if (pid[i] == 0) {
			mark.fail_odd_once = 1;
			rc = 1;
			if (store_open(&s, f->dir, NULL, 0) == STORE_OK) {
				rc = outbox_flush(&f->c, s, now, 0, 60000,
				    &st) == 0 ? 0 : 1;
				store_close(s);
			}
			_exit(rc);
		}
	}
	for (i = 0; i < FLUSHERS; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	/* A later run (cron), after every claim has run out. */
	(void)outbox_flush(&f->c, f->s, now + 86400, 0, 60000, &st);
	assert_each_once(f, MAILS);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE sent IS"
	    " NOT NULL"), MAILS);
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_delivers_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_retries_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_dead_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_sent_once_when_the_record_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_record_tried_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_killed_between_send_and_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_many_flushers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_killed_before_the_hand_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_no_answer_after_the_hand_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_refused_after_the_hand_over, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("outbox", tests, NULL, NULL);
}
