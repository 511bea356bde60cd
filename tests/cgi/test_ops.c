/*
 * What the operator's part of docs/install.md and docs/security.md
 * promises, against the real Apache of tools/instance: Apache's own
 * answers (static files, its 401, 404 and 413) carry the security
 * headers, the access log holds no token, a client that sends its request
 * slowly is cut off (RequestReadTimeout), the documented backup and
 * restore keep every submission (mode 0600), and the error log holds no
 * token, answer, address or secret.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgitest.h"

/* What tools/instance's Apache adds to its own answers (docs/install.md). */
static const struct {
	const char	*name;
	const char	*value;
} security_headers[] = {
	{ "Content-Security-Policy", "default-src 'none'; style-src 'self'; "
	    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
};

/* How often the response has header `name`. */
static int
header_count(const struct resp *r, const char *name)
{
	const char *p = r->headers;
	size_t	 n = strlen(name);
	int	 count = 0;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			count++;
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
	}
	return count;
}

/* Each security header once, with the value of Apache's configuration. */
static void
has_security_headers(const char *what, const struct resp *r)
{
	size_t	 i;
	char	*v;

	for (i = 0; i < sizeof(security_headers) /
	    sizeof(security_headers[0]); i++) {
		if (header_count(r, security_headers[i].name) != 1)
			fail_msg("%s (%ld): %d %s headers, want 1", what,
			    r->status, header_count(r,
			    security_headers[i].name),
			    security_headers[i].name);
		v = resp_header(r, security_headers[i].name);
		if (strcmp(v, security_headers[i].value) != 0)
			fail_msg("%s: %s: %s, want %s", what,
			    security_headers[i].name, v,
			    security_headers[i].value);
	}
}

/*
 * Static files, Apache's 404 (under /static and elsewhere), its 401 of
 * the back office and its 413 of a body over LimitRequestBody: the same
 * security headers as the program's pages.
 */
static void
test_apache_pages_have_security_headers(void **state)
{
	struct resp r;
	size_t	 size = 11u << 20;
	char	*body;

	(void)state;
	assert_int_equal(http("GET", "/static/rathaus.css", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	has_security_headers("a static file", &r);
	assert_int_equal(http("GET", "/static/none.css", NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	has_security_headers("Apache's 404 under /static", &r);
	assert_int_equal(http("GET", "/nothing/here", NULL, 0, &r), 0);
	assert_int_equal(r.status, 404);
	has_security_headers("Apache's 404", &r);
	assert_int_equal(staff_http(NULL, "GET", "/", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	has_security_headers("Apache's 401", &r);

	body = track(malloc(size));
	assert_non_null(body);
	memset(body, 'a', size);
	memcpy(body, "name=", 5);
	assert_int_equal(http("POST", FORM, body, size, &r), 0);
	assert_int_equal(r.status, 413);
	has_security_headers("Apache's 413", &r);

	/* The program's pages keep theirs, once. */
	assert_int_equal(http("GET", SCRIPT "/", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	has_security_headers("the catalog", &r);
}

/*
 * The checkout's own Content-Security-Policy (form-action also names
 * PayPal's pages) is the one the browser gets: Apache adds its policy
 * only where the program sent none.
 */
static void
test_program_keeps_its_policy(void **state)
{
	char	 ref[32], token[80], path[512], want[128];
	struct resp r;

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	post_service_as(citizen_erika(), "personenstandsurkunde",
	    "kind=geburt&recorded_here=ja"
	    "&event_place=Wiesmoor&event_date=1961-07-14&surname=Beispiel"
	    "&given_names=Erika&copies=1&relation=selbst&purpose=privat"
	    "&given_name=Erika&family_name=Beispiel&street=Hauptstr.+1"
	    "&postcode=26639"
	    "&town=Wiesmoor&delivery=post&_confirm=1", 303, &r);
	parse_receipt_location(resp_header(&r, "Location"), ref, sizeof(ref),
	    token, sizeof(token));
	snprintf(path, sizeof(path), SCRIPT "/pay/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(header_count(&r, "Content-Security-Policy"), 1);
	snprintf(want, sizeof(want), "form-action 'self' %s", T.paypal_api);
	assert_non_null(strstr(resp_header(&r, "Content-Security-Policy"),
	    want));
}

/* The whole of a file of the instance (tracked), or NULL. */
static char *
instance_file(const char *name)
{
	char	 path[PATH_MAX + 64], *text;
	FILE	*fp;
	long	 size;

	snprintf(path, sizeof(path), "%s/%s", T.dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (text = calloc(1, (size_t)size + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	if (fread(text, 1, (size_t)size, fp) != (size_t)size) {
		free(text);
		text = NULL;
	}
	fclose(fp);
	return track(text);
}

/*
 * The access log names the path, never the query: a status URL's query
 * is its token (LogFormat with %U, not %r).
 */
static void
test_access_log_has_no_token(void **state)
{
	char	 ref[32], token[80], path[512];
	char	*log = NULL;
	struct timespec pause = { 0, 100 * 1000 * 1000L };
	int	 i;

	(void)state;
	submit_bonfire(ref, sizeof(ref), token, sizeof(token));
	status_says(ref, token, ref);
	snprintf(path, sizeof(path), SCRIPT "/status/%s", ref);
	/* Apache logs a request after its answer: wait for the line. */
	for (i = 0; i < 50; i++) {
		log = instance_file("logs/access.log");
		if (log != NULL && strstr(log, path) != NULL)
			break;
		nanosleep(&pause, NULL);
	}
	assert_non_null(log);
	if (strstr(log, path) == NULL)
		fail_msg("no line for GET %s in the access log", path);
	if (strstr(log, token) != NULL)
		fail_msg("the access log holds the token of %s", ref);
	assert_null(strstr(log, "token="));
}

/*
 * A client that opens a connection and sends its headers slowly is cut
 * off (mod_reqtimeout: 408) instead of holding a worker. The instance of
 * this test program allows 2 s for the headers (main below).
 */
static void
test_slow_client_cut_off(void **state)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	char	 buf[512];
	const char *start = "GET " SCRIPT "/ HTTP/1.1\r\nHost: 127.0.0.1\r\n";
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd;

	(void)state;
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)T.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, start, strlen(start)),
	    (ssize_t)strlen(start));
	/* ... and never the blank line. Apache answers and closes. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 20000) != 1) {
			close(fd);
			fail_msg("a request that never ends was not cut off "
			    "within 20 s");
		}
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (got += (size_t)n) == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[got] = '\0';
	if (strncmp(buf, "HTTP/1.1 408 ", 13) != 0)
		fail_msg("a slow request got \"%.40s\", not a 408", buf);
}

/* Run `script` with sh as the web server's user when we are root. */
static int
sh_as_web_user(const char *script)
{
	char	*out;
	char	*as_user[] = { "runuser", "-u", "www-data", "--", "sh", "-c",
	    (char *)script, NULL };
	char	*as_self[] = { "sh", "-c", (char *)script, NULL };
	int	 rc;

	rc = run(geteuid() == 0 ? as_user : as_self, &out);
	free(out);
	return rc;
}

/* tools/instance stop or start of the running instance. */
static int
instance(const char *cmd)
{
	char	 port[16], *out;
	char	*argv[] = { SRCDIR "/tools/instance", (char *)cmd, T.dir,
	    strcmp(cmd, "start") == 0 ? port : NULL, NULL };
	int	 rc;

	snprintf(port, sizeof(port), "%d", T.port);
	rc = run(argv, &out);
	free(out);
	return rc;
}

/* How many submissions have reference `ref` (0 or 1). */
static long
stored(const char *ref)
{
	return db_countf("SELECT count(*) FROM submission WHERE ref = '%s'",
	    ref);
}

/*
 * `rathaus checksum` of the instance's store, or of a backup `file`, as
 * the web server's user.
 */
static char *
checksum_of(const char *file)
{
	char	 bin[PATH_MAX + 16], conf[PATH_MAX + 32], *out = NULL;
	char	*as_user[] = { "runuser", "-u", "www-data", "--", bin,
	    "checksum", "--conf", conf, (char *)file, NULL };

	snprintf(bin, sizeof(bin), "%s/bin/rathaus", T.dir);
	snprintf(conf, sizeof(conf), "%s/conf/rathaus.conf", T.dir);
	assert_int_equal(run(geteuid() == 0 ? as_user : as_user + 4, &out),
	    0);
	assert_non_null(strstr(out, "\nsubmission "));
	return track(out);
}

/*
 * The backup of docs/install.md, taken while the portal runs: a file of
 * mode 0600 (umask 077); restored with the portal stopped, the database
 * passes integrity_check and has every submission the backup had (and
 * none made after it), `rathaus checksum` says every table holds what
 * the backup held, and the portal serves them again.
 */
static void
test_backup_and_restore(void **state)
{
	char	 ref1[32], token1[80], ref2[32], token2[80];
	char	 ref3[32], token3[80], dir[PATH_MAX + 16];
	char	 backup[PATH_MAX + 48], script[3 * PATH_MAX], check[64], *sum;
	struct passwd *pw;
	struct stat st;
	long	 before;

	(void)state;
	if (db_is_pg()) {
		/* A PostgreSQL store is backed up by its server's means
		 * (docs/scale.md). */
		print_message("SQLite's online backup: not for PostgreSQL\n");
		skip();
	}
	submit_bonfire(ref1, sizeof(ref1), token1, sizeof(token1));
	submit_bonfire(ref2, sizeof(ref2), token2, sizeof(token2));
	before = count_submissions();
	assert_true(before >= 2);

	snprintf(dir, sizeof(dir), "%s/backup", T.dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	if (geteuid() == 0) {
		assert_non_null(pw = getpwnam("www-data"));
		assert_int_equal(chown(dir, pw->pw_uid, pw->pw_gid), 0);
	}
	snprintf(backup, sizeof(backup), "%s/rathaus-backup.db", dir);
	snprintf(script, sizeof(script), "umask 077 && sqlite3 -cmd "
	    "'.timeout 20000' '%s/data/rathaus.db' \".backup '%s'\"", T.dir,
	    backup);
	assert_int_equal(sh_as_web_user(script), 0);
	assert_int_equal(stat(backup, &st), 0);
	if ((st.st_mode & 07777) != 0600)
		fail_msg("the backup has mode %04o, not 0600",
		    (unsigned)(st.st_mode & 07777));

	sum = checksum_of(backup);

	/* After the backup: lost by the restore, as the operator is told. */
	submit_bonfire(ref3, sizeof(ref3), token3, sizeof(token3));

	assert_int_equal(instance("stop"), 0);
	/* The mail sender of ref3's request may outlive the web server
	 * with the database open: the restore waits for it, as the
	 * documented one does. */
	snprintf(script, sizeof(script), "sqlite3 -cmd '.timeout 20000' "
	    "'%s/data/rathaus.db' \".restore '%s'\"", T.dir, backup);
	assert_int_equal(sh_as_web_user(script), 0);
	assert_int_equal(instance("start"), 0);

	assert_int_equal(db_query("PRAGMA integrity_check", NULL, check,
	    sizeof(check)), 0);
	assert_string_equal(check, "ok");
	assert_int_equal(count_submissions(), before);
	assert_int_equal(stored(ref1), 1);
	assert_int_equal(stored(ref2), 1);
	assert_int_equal(stored(ref3), 0);
	assert_string_equal(checksum_of(NULL), sum);
	status_says(ref1, token1, ref1);
	status_says(ref2, token2, ref2);
}

/*
 * What the error log holds: the programs' own lines (here: a mail the
 * mail server did not take), never a token, an answer, a citizen's
 * address or a secret.
 */
static void
test_error_log_has_no_secrets(void **state)
{
	static const char answer[] = "Geheimweg 4711 hinter der Muehle";
	static const char email[] = "nie.im.log@example.org";
	struct field f[NFIELDS];
	char	 ref[32], token[80], *log = NULL;
	struct timespec pause = { 0, 100 * 1000 * 1000L };
	int	 i, hold = -1, mail_on = T.smtpd.h.pid > 0;

	(void)state;
	/* The mail server is gone: the program logs the failed mail. Its
	 * port stays ours till the end (port_hold), refusing at once. */
	smtpd_stop(&T.smtpd);
	if (mail_on)
		hold = port_hold(T.smtp_port);
	valid_fields(f, fresh_key());
	field_set(f, NFIELDS, "place", answer);
	field_set(f, NFIELDS, "email", email);
	submit_fields(f, ref, sizeof(ref), token, sizeof(token));
	status_says(ref, token, ref);
	for (i = 0; i < 50; i++) {
		log = instance_file("logs/error.log");
		if (log != NULL && strstr(log, "rathaus: outbox mail") != NULL)
			break;
		nanosleep(&pause, NULL);
	}
	assert_non_null(log);
	if (mail_on && strstr(log, "rathaus: outbox mail") == NULL)
		fail_msg("no line about the mail that failed in the error log");
	if (strstr(log, token) != NULL)
		fail_msg("the error log holds a status token");
	if (strstr(log, answer) != NULL)
		fail_msg("the error log holds an answer");
	if (strstr(log, email) != NULL)
		fail_msg("the error log holds the citizen's address");
	if (strstr(log, STANDIN_SECRET) != NULL)
		fail_msg("the error log holds the PayPal secret");
	if (strstr(log, "rathaus-demo") != NULL)
		fail_msg("the error log holds a password");
	if (hold != -1)
		close(hold);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_apache_pages_have_security_headers,
		    free_tracked),
		cmocka_unit_test_teardown(test_program_keeps_its_policy,
		    free_tracked),
		cmocka_unit_test_teardown(test_access_log_has_no_token,
		    free_tracked),
		cmocka_unit_test_teardown(test_slow_client_cut_off,
		    free_tracked),
		cmocka_unit_test_teardown(test_backup_and_restore, free_tracked),
		cmocka_unit_test_teardown(test_error_log_has_no_secrets,
		    free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	/* A short wait for the headers, so that the slow client test is
	 * quick; a real server keeps tools/instance's 20 s. */
	setenv("REQUEST_READ_TIMEOUT", "header=2,MinRate=500 body=20,"
	    "MinRate=500", 1);
	return CGITEST_RUN("ops", tests, group_setup_idp, NULL);
}
