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
	(void)r;
	return store_queue_mail(s, TO, SUBJECT, BODY);
}

static void
submit(struct fixture *f)
{
	struct store_new n = {
		.service = "osterfeuer", .version = 1,
		.values_xml = "<values/>", .lang = "de",
		.token = "00112233445566778899aabbccddeeff",
		.created = "2026-04-01T10:00:00Z", .year = 2026,
		.email = TO, .mails = queue_mail,
	};
	struct store_receipt r;

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
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
	now = time(NULL);	/* queued mails are due from the clock's now */
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
	long	 pending, given_up;

	need_aiosmtpd();
	smtpd_up(f, 1);
	submit(f);
	now = time(NULL);
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
	assert_int_equal(store_outbox_counts(f->s, &pending, &given_up),
	    STORE_OK);
	assert_int_equal(pending + given_up, 0);
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
	long	 pending, given_up;
	int	 i;

	submit(f);
	submit(f);
	now = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	flush(f, now, 0, 2, 0);
	assert_true(helper_elapsed_ms(&t0) < 15000);
	for (i = 2; i < 10; i++) {
		now += 7 * 3600;
		flush(f, now, 0, 2, 0);
	}
	now += 7 * 3600;
	flush(f, now, 0, 0, 2);
	assert_int_equal(store_outbox_counts(f->s, &pending, &given_up),
	    STORE_OK);
	assert_int_equal(pending, 0);
	assert_int_equal(given_up, 2);
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
	assert_int_equal(outbox_flush(&f->c, f->s, time(NULL), 10, 500, &st), 0);
	close(fd);
	/* One mail's timeout (2 s) was spent, then the budget was gone. */
	assert_true(helper_elapsed_ms(&t0) < 15000);
	assert_int_equal(st.failed, 1);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE"
	    " attempts = 0"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_delivers_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_retries_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_dead_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_budget, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("outbox", tests, NULL, NULL);
}
