/*
 * The citizens' mails behind a real Apache (the instance of cgitest.c,
 * with tests/mail/smtpd.py as its mail server): the receipt never waits
 * for the mail server, and what the outbox keeps of a submission goes
 * when `rathaus purge` says so.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgitest.h"
#include "helper.h"
#include "maildecode.h"

/* How many mails to `to` whose decoded subject holds `subject` arrived. */
static int
mails_to(const char *to, const char *subject)
{
	char	 path[PATH_MAX + 64], *env, *msg, *subj, *words;
	struct stat st;
	int	 k, n = 0;
	FILE	*fp;
	size_t	 len;

	for (k = 1; k < 10000; k++) {
		snprintf(path, sizeof(path), "%s/%04d.eml", T.spool, k);
		if (stat(path, &st) != 0)
			break;
		env = calloc(1, 4096);
		msg = calloc(1, (size_t)st.st_size + 1);
		assert_non_null(env);
		assert_non_null(msg);
		snprintf(path, sizeof(path), "%s/%04d.env", T.spool, k);
		if ((fp = fopen(path, "r")) != NULL) {
			len = fread(env, 1, 4095, fp);
			(void)len;
			fclose(fp);
		}
		snprintf(path, sizeof(path), "%s/%04d.eml", T.spool, k);
		if ((fp = fopen(path, "r")) != NULL) {
			len = fread(msg, 1, (size_t)st.st_size, fp);
			(void)len;
			fclose(fp);
		}
		if (strstr(env, to) != NULL &&
		    (subj = maildecode_header(msg, "Subject")) != NULL) {
			words = maildecode_words(subj);
			n += words != NULL && strstr(words, subject) != NULL;
			free(words);
			free(subj);
		}
		free(msg);
		free(env);
	}
	return n;
}

/*
 * A mail server that accepts and never answers: the citizen's 303 comes
 * at once all the same (under mod_cgid the program's stdin and stdout
 * are one socket, and Apache finishes the response only when both are
 * closed); the mail waits in the outbox, and `rathaus outbox` delivers
 * it once, when a server answers again.
 */
static void
test_receipt_not_held_by_mail_server(void **state)
{
	struct smtpd hung;
	struct timespec t0;
	char	 ref[32], token[80], sql[256], *mail;
	long	 ms;
	int	 i, hold;

	(void)state;
	if (T.smtpd.h.pid <= 0)
		skip();
	smtpd_stop(&T.smtpd);
	assert_int_equal(smtpd_start_hanging(&hung, T.smtp_port), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	ms = helper_elapsed_ms(&t0);
	smtpd_stop(&hung);
	hold = port_hold(T.smtp_port);
	/* Not a timing test: the server would hold it 10 s; two sanitizer
	 * requests on a loaded machine may take more than one or two. */
	assert_in_range(ms, 0, 4999);

	/*
	 * The program lived on after its response and saw the server go
	 * away: its failed attempt is recorded, the mail is still due.
	 */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE"
	    " subject LIKE '%%%s' AND sent IS NULL AND attempts = 1 AND"
	    " last_error IS NOT NULL", ref);
	for (i = 0; i < 150 && db_number(sql) < 1; i++)
		usleep(100000);
	assert_true(db_number(sql) >= 1);
	close(hold);
	assert_int_equal(smtpd_start(&T.smtpd, T.smtp_port, T.spool, 0), 0);
	/* Its back-off is over, as time would have it. */
	assert_int_equal(outbox_send_all(NULL), 0);
	assert_non_null(mail = mail_to("erika@example.org", ref));
	free(mail);
	assert_int_equal(mails_to("erika@example.org", ref), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE"
	    " subject LIKE '%%%s' AND sent IS NULL", ref);
	assert_int_equal(db_number(sql), 0);
}

/* The lines of Apache's error log that hold `what`. */
static int
error_log_lines(const char *what)
{
	char	 path[PATH_MAX + 32], line[8192];
	FILE	*fp;
	int	 n = 0;

	snprintf(path, sizeof(path), "%s/logs/error.log", T.dir);
	assert_non_null(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		n += strstr(line, what) != NULL;
	fclose(fp);
	return n;
}

/*
 * With a server that answers, the program itself sends the mails after
 * its response, once, and marks them sent; Apache never has to kill it
 * (mod_cgid: "didn't exit, sending SIGKILL").
 */
static void
test_mail_sent_after_the_response(void **state)
{
	char	 ref[32], token[80], sql[256], *mail, *body;
	int	 i;

	(void)state;
	if (T.smtpd.h.pid <= 0)
		skip();
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	assert_non_null(mail = mail_to("erika@example.org", ref));
	/* Rendered before the reference was taken: the mark is gone, the
	 * link is the submission's (its reference and token). */
	assert_non_null(body = maildecode_qp(mail));
	free(mail);
	snprintf(sql, sizeof(sql), "/status/%s?token=%s", ref, token);
	assert_non_null(strstr(body, sql));
	assert_null(strstr(body, "ref-"));
	free(body);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE"
	    " subject LIKE '%%%s' AND sent IS NULL", ref);
	for (i = 0; i < 100 && db_number(sql) != 0; i++)
		usleep(100000);
	assert_int_equal(db_number(sql), 0);
	assert_int_equal(mails_to("erika@example.org", ref), 1);
	assert_int_equal(error_log_lines("didn't exit"), 0);
}

/*
 * `rathaus purge`: a purged submission's mails go, sent or not (they hold
 * the address and the status link with its token), and so does every
 * mail sent more than 30 days ago; a mail still to be sent, and one sent
 * recently, stay.
 */
static void
test_purge_deletes_mails(void **state)
{
	char	 old[32], recent[32], token[80], sql[1024], *out;
	char	 ago200[21], ago40[21], ahead1h[21], ago2[21], ago1[21];
	int	 i;

	(void)state;
	submit_bonfire(old, sizeof(old), token, sizeof(token));
	submit_bonfire(recent, sizeof(recent), token, sizeof(token));
	/* The program's own attempts are over (sent, or failed). */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE"
	    " (subject LIKE '%%%s' OR subject LIKE '%%%s') AND sent IS NULL"
	    " AND attempts = 0", old, recent);
	for (i = 0; i < 150 && db_number(sql) != 0; i++)
		usleep(100000);
	/* Completed 200 days ago (the bonfire keeps 90 days). */
	iso_ago(200 * 86400L, ago200);
	iso_ago(40 * 86400L, ago40);
	iso_ago(-3600L, ahead1h);
	iso_ago(2 * 86400L, ago2);
	iso_ago(86400L, ago1);
	snprintf(sql, sizeof(sql), "UPDATE submission SET status = 'completed'"
	    " WHERE ref = '%s';"
	    "INSERT INTO status_event(submission_id, status, at) SELECT id,"
	    " 'completed', '%s' FROM submission WHERE ref = '%s';"
	    "UPDATE outbox SET sent = '%s' WHERE subject LIKE '%%%s';"
	    "INSERT INTO outbox(created, recipient, subject, body, next_try,"
	    " sent) VALUES ('%s', 'a@example.org', 'still to be sent', 'x',"
	    " '%s', NULL), ('%s', 'b@example.org', 'sent yesterday', 'x',"
	    " '%s', '%s')", old, ago200, old, ago40, recent, ago40, ahead1h,
	    ago2, ago2, ago1);
	assert_int_equal(db_exec(sql), 0);
	assert_int_equal(rathaus_cli("purge", &out), 0);
	track(out);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE"
	    " subject LIKE '%%%s' OR body LIKE '%%%s%%'", old, old);
	assert_int_equal(db_number(sql), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE"
	    " subject LIKE '%%%s'", recent);
	assert_int_equal(db_number(sql), 0);
	assert_int_equal(db_number("SELECT count(*) FROM outbox WHERE subject"
	    " IN ('still to be sent', 'sent yesterday')"), 2);
	assert_non_null(strstr(out, "outbox: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mail_sent_after_the_response,
		    free_tracked),
		cmocka_unit_test_teardown(test_receipt_not_held_by_mail_server,
		    free_tracked),
		cmocka_unit_test_teardown(test_purge_deletes_mails, free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("cgi mail", tests, NULL, NULL);
}
