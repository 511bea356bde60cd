/*
 * cgitest: what the CGI test programs share. The group setup starts a
 * private instance (tools/instance) on a free loopback port in a temporary
 * directory, with a real SMTP server and PayPal's stand-in; the tests
 * speak HTTP to it with libcurl; test_error_log_clean, run last, reads
 * Apache's error log for sanitizer reports and crashes of the CGI.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <limits.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgitest.h"
#include "conf.h"
#include "helper.h"
#include "maildecode.h"
#include "store.h"
#include "store_sql.h"

/* The instance and what the tests learn from it, shared in order. */
struct cgitest T;

/* ---- small helpers ---------------------------------------------------- */

/*
 * What a test allocates is tracked and freed by its teardown, so that a
 * failing assertion (which leaves the test at once) leaks nothing either.
 */
static void	**tracked;
static size_t	  ntracked;

void *
track(void *p)
{
	void	**q;

	if (p == NULL)
		return NULL;
	if ((q = realloc(tracked, (ntracked + 1) * sizeof(*q))) == NULL) {
		free(p);
		return NULL;
	}
	tracked = q;
	tracked[ntracked++] = p;
	return p;
}

int
free_tracked(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < ntracked; i++)
		free(tracked[i]);
	free(tracked);
	tracked = NULL;
	ntracked = 0;
	return 0;
}

static int
append(char **p, size_t *len, const char *data, size_t n)
{
	char	*q;

	if ((q = realloc(*p, *len + n + 1)) == NULL)
		return -1;
	memcpy(q + *len, data, n);
	*len += n;
	q[*len] = '\0';
	*p = q;
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	return append(&r->body, &r->blen, data, size * n) == 0 ? size * n : 0;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	/* A new status line (after "100 Continue") starts a new block. */
	if (size * n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		free(r->headers);
		r->headers = NULL;
		r->hlen = 0;
	}
	return append(&r->headers, &r->hlen, data, size * n) == 0 ?
	    size * n : 0;
}

/*
 * One request, no redirects followed, no proxy. `target` is a path on the
 * instance or an absolute URL. Returns 0 when an answer came.
 */

int
http(const char *method, const char *target, const char *body, size_t blen,
    struct resp *r)
{
	return http_parts(NULL, method, target, body, blen, NULL, 0, r);
}

/*
 * POST `body` to /services/<service>; the answer must be `status`. A body
 * without `_key` gets the key of a fresh form page first, as a browser
 * sends the key of the page it filled in (with that page's cookie).
 */
void
post_service(const char *service, const char *body, long status,
    struct resp *r)
{
	post_service_as(NULL, service, body, status, r);
}

/* The same as a logged-in citizen (NULL: anonymous, as post_service). */
void
post_service_as(struct citizen *c, const char *service, const char *body,
    long status, struct resp *r)
{
	char	 path[256], *key, *keyed;
	size_t	 len;

	snprintf(path, sizeof(path), SCRIPT "/services/%s", service);
	if (strstr(body, "_key=") == NULL) {
		assert_int_equal(c != NULL ? citizen_get(c, path, r) :
		    http("GET", path, NULL, 0, r), 0);
		if ((key = form_key(r->body)) != NULL) {
			len = strlen(key) + strlen(body) + 8;
			keyed = track(malloc(len));
			assert_non_null(keyed);
			snprintf(keyed, len, "_key=%s&%s", key, body);
			body = keyed;
		}
	}
	assert_int_equal(c != NULL ? citizen_post(c, path, body, r) :
	    http("POST", path, body, strlen(body), r), 0);
	if (r->status != status)
		fail_msg("POST %s: %ld, not %ld", path, r->status, status);
}

/* erika's session of citizen_erika, ended by group_teardown. */
static struct citizen erika_session;
static int erika_in;

/*
 * erika (trust level substantial), logged in at the first call: the
 * citizen for the services that need a login. Needs group_setup_idp.
 */
struct citizen *
citizen_erika(void)
{
	struct resp r;

	if (!erika_in) {
		if (citizen_login(&erika_session, "erika", "erika-demo",
		    SCRIPT "/", &r) != 0)
			fail_msg("erika cannot log in (group_setup_idp?)");
		erika_in = 1;
	}
	return &erika_session;
}

/* A request to the staff program as `who`. */
int
staff_http(const struct as *who, const char *method, const char *path,
    const char *body, struct resp *r)
{
	char	 target[1024];

	snprintf(target, sizeof(target), "/cgi-bin/staff.cgi%s", path);
	return http_parts(who, method, target, body, body ? strlen(body) : 0,
	    NULL, 0, r);
}

/* A POST of `parts` as multipart/form-data, as a browser sends a file. */
int
http_multipart(const char *target, const struct part *parts, size_t n,
    struct resp *r)
{
	return http_parts(NULL, "POST", target, NULL, 0, parts, n, r);
}

int
http_parts(const struct as *who, const char *method, const char *target,
    const char *body, size_t blen, const struct part *parts, size_t nparts,
    struct resp *r)
{
	return http_request(who, method, target, NULL, body, blen, parts,
	    nparts, r);
}



/* A response's body and headers, never NULL, tracked for free_tracked. */
static void
resp_keep(struct resp *r)
{
	if (r->body == NULL)
		append(&r->body, &r->blen, "", 0);
	if (r->headers == NULL)
		append(&r->headers, &r->hlen, "", 0);
	track(r->body);
	track(r->headers);
}

/* A multipart body of `parts` for handle h; NULL if one failed. */
static curl_mime *
mime_of(CURL *h, const struct part *parts, size_t nparts)
{
	curl_mime *mime;
	curl_mimepart *mp;
	size_t	 i;

	if ((mime = curl_mime_init(h)) == NULL)
		return NULL;
	for (i = 0; i < nparts; i++)
		if ((mp = curl_mime_addpart(mime)) == NULL ||
		    curl_mime_name(mp, parts[i].name) != CURLE_OK ||
		    curl_mime_data(mp, parts[i].value, parts[i].len) !=
		    CURLE_OK || (parts[i].filename != NULL &&
		    curl_mime_filename(mp, parts[i].filename) != CURLE_OK)) {
			curl_mime_free(mime);
			return NULL;
		}
	return mime;
}

/* http_parts with one more request header ("Name: value"), or NULL. */
int
http_request(const struct as *who, const char *method, const char *target,
    const char *header, const char *body, size_t blen,
    const struct part *parts, size_t nparts, struct resp *r)
{
	CURL	*c;
	CURLcode rc;
	curl_mime *mime = NULL;
	char	 url[4096], userpwd[256], origin[300], *jar;
	const char *path, *cookie;
	struct curl_slist *headers = NULL;
	int	 citizen;

	memset(r, 0, sizeof(*r));
	if (strncmp(target, "http://", 7) == 0)
		snprintf(url, sizeof(url), "%s", target);
	else
		snprintf(url, sizeof(url), "%s%s", T.origin, target);
	path = strncmp(url, T.origin, strlen(T.origin)) == 0 ?
	    url + strlen(T.origin) : "";
	citizen = strncmp(path, SCRIPT, strlen(SCRIPT)) == 0;
	if ((c = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (who != NULL && who->user != NULL) {
		snprintf(userpwd, sizeof(userpwd), "%s:rathaus-demo", who->user);
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	}
	cookie = who != NULL && who->cookie != NULL ? who->cookie :
	    citizen ? T.form_cookie : "";
	if (*cookie != '\0')
		curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
	if (who != NULL && who->origin != NULL) {
		snprintf(origin, sizeof(origin), "Origin: %s", who->origin);
		headers = curl_slist_append(NULL, origin);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	}
	if (header != NULL) {
		headers = curl_slist_append(headers, header);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	}
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)blen);
	}
	if (parts != NULL) {
		if ((mime = mime_of(c, parts, nparts)) == NULL) {
			curl_easy_cleanup(c);
			return -1;
		}
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	}
	if (strcmp(method, "GET") != 0 &&
	    !(strcmp(method, "POST") == 0 && body != NULL))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	resp_keep(r);
	if (rc != CURLE_OK) {
		print_error("%s %s: %s\n", method, url, curl_easy_strerror(rc));
		return -1;
	}
	/* The browser keeps what the citizen program sets. */
	if (citizen && (who == NULL || who->cookie == NULL) &&
	    (jar = form_cookie_of(r)) != NULL)
		snprintf(T.form_cookie, sizeof(T.form_cookie), "%s", jar);
	return 0;
}

/*
 * The form cookie a response sets, as "name=value" (tracked), or NULL:
 * rathaus_form, or __Host-rathaus_form over HTTPS.
 */
char *
form_cookie_of(const struct resp *r)
{
	const char *c = resp_header(r, "Set-Cookie");

	if (c == NULL || (strncmp(c, "rathaus_form=", 13) != 0 &&
	    strncmp(c, "__Host-rathaus_form=", 20) != 0))
		return NULL;
	return track(strndup(c, strcspn(c, ";")));
}

/* The value of a response header (malloc'ed), or NULL. */
char *
resp_header(const struct resp *r, const char *name)
{
	const char *p = r->headers, *eol, *v;
	size_t	 n = strlen(name);

	while (p != NULL && *p != '\0') {
		eol = strstr(p, "\r\n");
		if (eol == NULL)
			eol = p + strlen(p);
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			for (v = p + n + 1; *v == ' ' || *v == '\t'; v++)
				;
			return track(strndup(v, (size_t)(eol - v)));
		}
		p = *eol ? eol + 2 : eol;
	}
	return NULL;
}

/* application/x-www-form-urlencoded */
char *
form_encode(const struct field *f, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char	*out = NULL, enc[4];
	size_t	 len = 0, i;
	const unsigned char *s;

	append(&out, &len, "", 0);
	for (i = 0; i < n; i++) {
		if (f[i].name == NULL)
			continue;
		if (len > 0)
			append(&out, &len, "&", 1);
		append(&out, &len, f[i].name, strlen(f[i].name));
		append(&out, &len, "=", 1);
		for (s = (const unsigned char *)f[i].value; *s; s++) {
			if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || strchr("-._~", *s))
				append(&out, &len, (const char *)s, 1);
			else if (*s == ' ')
				append(&out, &len, "+", 1);
			else {
				enc[0] = '%';
				enc[1] = hex[*s >> 4];
				enc[2] = hex[*s & 15];
				append(&out, &len, enc, 3);
			}
		}
	}
	return track(out);
}

/* Set (or with value NULL remove) one field of a field list. */
void
field_set(struct field *f, size_t n, const char *name, const char *value)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (f[i].name != NULL && strcmp(f[i].name, name) == 0) {
			if (value == NULL)
				f[i].name = NULL;
			else
				f[i].value = value;
			return;
		}
	fail_msg("no field %s", name);
}

/* A complete, valid Osterfeuer registration. */
void
valid_fields(struct field f[NFIELDS], const char *key)
{
	const struct field v[NFIELDS] = {
		{ "_key", key },
		{ "name", "Erika Mustermann" },
		{ "organisation", "Heimatverein Wiesmoor" },
		{ "phone", "04944 123456" },
		{ "email", "erika@example.org" },
		{ "place", PLACE_TEXT },
		{ "date", T.date_ok },
		{ "time", "19:30" },
		{ "diameter", "4" },
		{ "height", "3" },
		{ "material", "holz" },
		{ "material_confirm", "yes" },
		{ "safety", "Feuerloescher und Wasserschlauch bereit" },
		/* Sent from the check page: store it. */
		{ "_confirm", "1" },
		{ NULL, NULL },
	};

	memcpy(f, v, sizeof(v));
}

/* The double-submit key from a form page (malloc'ed), or NULL. */
char *
form_key(const char *html)
{
	const char *p = strstr(html, "name=\"_key\""), *start, *end, *v;

	if (p == NULL)
		return NULL;
	for (start = p; start > html && *start != '<'; start--)
		;
	if ((end = strchr(p, '>')) == NULL)
		return NULL;
	for (v = start; v < end; v++)
		if (strncmp(v, "value=\"", 7) == 0) {
			const char *q = strchr(v + 7, '"');
			if (q == NULL || q > end)
				return NULL;
			return track(strndup(v + 7, (size_t)(q - v - 7)));
		}
	return NULL;
}

/*
 * GET the form page of `service` and return its double-submit key
 * (tracked); the page's cookie stays in the jar, as in a browser.
 */
char *
service_key(const char *service)
{
	char	 path[256], *key;
	struct resp r;

	snprintf(path, sizeof(path), SCRIPT "/services/%s", service);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	key = form_key(r.body);
	assert_non_null(key);
	return key;
}

/* GET the form and return a fresh double-submit key (malloc'ed). */
char *
fresh_key(void)
{
	struct resp r;
	char	*key;

	assert_int_equal(http("GET", FORM, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	key = form_key(r.body);
	assert_non_null(key);
	assert_true(strlen(key) > 0);
	return key;
}

/* Print a file to the test's error output (for diagnostics). */
static void
print_file(const char *path)
{
	char	 line[4096];
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL)
		print_error("%s", line);
	fclose(fp);
}

/*
 * Run a program, its standard output into *out (malloc'ed); exit status.
 * Its standard error is kept in a file and shown only when it fails.
 */
int
run(char *const argv[], char **out)
{
	int	 fd[2], status, errfd, rc;
	pid_t	 pid;
	char	 chunk[4096], errpath[PATH_MAX + 16];
	size_t	 len = 0;
	ssize_t	 n;

	*out = NULL;
	append(out, &len, "", 0);
	snprintf(errpath, sizeof(errpath), "%s/run.stderr", T.dir);
	if ((errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	if (pipe(fd) == -1) {
		close(errfd);
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		close(errfd);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	close(errfd);
	while ((n = read(fd[0], chunk, sizeof(chunk))) > 0 ||
	    (n == -1 && errno == EINTR))
		if (n > 0)
			append(out, &len, chunk, (size_t)n);
	close(fd[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (rc != 0) {
		print_error("%s exited with %d:\n", argv[0], rc);
		print_file(errpath);
	}
	unlink(errpath);
	return rc;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long
days_from_civil(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, char out[11])
{
	time_t	 t = (time_t)z * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

/* Easter Sunday (anonymous Gregorian algorithm), as days since 1970. */
static long
easter(int y)
{
	int	 a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int	 f = (b + 8) / 25, g = (b - f + 1) / 3;
	int	 h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int	 l = (32 + 2 * e + 2 * i - h - k) % 7;
	int	 m = (a + 11 * h + 22 * l) / 451;
	int	 month = (h + l - 7 * m + 114) / 31;
	int	 day = (h + l - 7 * m + 114) % 31 + 1;

	return days_from_civil(y, month, day);
}

/*
 * The next Karsamstag that can still be registered: it must arrive at
 * least 4 days before. One day more than that keeps the test away from the
 * edge between UTC here and the municipality's time zone.
 */
static void
pick_dates(void)
{
	time_t	 now = time(NULL);
	struct tm tm;
	long	 today, sat;
	int	 year;

	gmtime_r(&now, &tm);
	year = tm.tm_year + 1900;
	today = days_from_civil(year, tm.tm_mon + 1, tm.tm_mday);
	sat = easter(year) - 1;
	if (sat - 5 < today)
		sat = easter(year + 1) - 1;
	civil_from_days(sat, T.date_ok);
	civil_from_days(sat + 7, T.date_bad);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

/* A copy of s with every `from` replaced by `to` (tracked). */
char *
replace_all(const char *s, const char *from, const char *to)
{
	char	*out = NULL;
	size_t	 len = 0, flen = strlen(from);
	const char *p;

	append(&out, &len, "", 0);
	while ((p = strstr(s, from)) != NULL) {
		append(&out, &len, s, (size_t)(p - s));
		append(&out, &len, to, strlen(to));
		s = p + flen;
	}
	append(&out, &len, s, strlen(s));
	return track(out);
}

/*
 * The instance's store when it is on PostgreSQL (STORE=postgresql, its
 * rathaus.conf says where), through the program's own store layer; NULL
 * on SQLite, which the tests open themselves (read only, or to change
 * it as time or an administrator would).
 */
static struct store *
db_pg(void)
{
	char	 path[PATH_MAX + 32], err[256];
	struct conf c;
	struct store *s = NULL;

	snprintf(path, sizeof(path), "%s/conf/rathaus.conf", T.dir);
	if (conf_load(&c, path, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		return NULL;
	}
	if (c.store_pg != NULL && store_open(&s, c.data_dir, c.store_pg, 0) !=
	    STORE_OK)
		print_error("the instance's PostgreSQL store does not open\n");
	conf_free(&c);
	return s;
}

/* Do the programs run as persistent workers (FASTCGI=1 or proxy)? */
int
persistent_mode(void)
{
	const char *mode = getenv("FASTCGI");

	return mode != NULL && *mode != '\0' && strcmp(mode, "0") != 0;
}

/* Is the instance's store on PostgreSQL? */
int
db_is_pg(void)
{
	const char *store = getenv("STORE");

	return store != NULL && strcmp(store, "postgresql") == 0;
}

/* db_query on PostgreSQL. */
static int
db_query_pg(const char *sql, long *n, char *text, size_t size)
{
	struct store *s = db_pg();
	struct store_stmt q;
	int	 rc = -1;

	if (s != NULL && store_stmt_prepare(&q, s, sql, "test") == STORE_OK) {
		if (store_stmt_one(&q) == STORE_OK) {
			if (n != NULL)
				*n = (long)store_stmt_col_int64(&q, 0);
			if (text != NULL)
				store_stmt_copy(&q, 0, text, size);
			store_stmt_end(&q);
			rc = 0;
		}
	}
	if (rc != 0)
		print_error("%s: %s\n", sql, s != NULL ? store_errmsg(s) :
		    "no store");
	store_close(s);
	return rc;
}

/*
 * An ISO 8601 UTC time stamp `ago` seconds back (negative: ahead), as
 * the store writes them: for the tests' SQL, which either engine takes.
 */
void
iso_ago(long ago, char out[21])
{
	time_t	 t = time(NULL) - ago;
	struct tm tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_int_not_equal(strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
}

/* One number from the instance's database (read-only), or -1. */
/* The first column of the first row of `sql` on the instance's database. */
int
db_query(const char *sql, long *n, char *text, size_t size)
{
	char	 path[PATH_MAX + 32];
	sqlite3	*db = NULL;
	sqlite3_stmt *st = NULL;
	int	 rc = -1;

	if (db_is_pg())
		return db_query_pg(sql, n, text, size);
	snprintf(path, sizeof(path), "%s/data/rathaus.db", T.dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		if (n != NULL)
			*n = sqlite3_column_int64(st, 0);
		if (text != NULL)
			snprintf(text, size, "%s", sqlite3_column_text(st, 0) ?
			    (const char *)sqlite3_column_text(st, 0) : "");
		rc = 0;
	} else
		print_error("%s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

long
db_number(const char *sql)
{
	long	 n = -1;

	return db_query(sql, &n, NULL, 0) == 0 ? n : -1;
}

/* The number a query (printf format and arguments) answers, or -1. */
long
db_countf(const char *fmt, ...)
{
	char	 sql[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return db_number(sql);
}

/* Change the instance's database as time or an administrator would. */
int
db_exec(const char *sql)
{
	char	 path[PATH_MAX + 32];
	sqlite3	*db = NULL;
	struct store *s;
	int	 rc = -1;

	if (db_is_pg()) {
		if ((s = db_pg()) != NULL && store_pg_script(s, sql, "test") ==
		    STORE_OK)
			rc = 0;
		else
			print_error("%s: %s\n", sql, s != NULL ?
			    store_errmsg(s) : "no store");
		store_close(s);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/data/rathaus.db", T.dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		rc = 0;
	else
		print_error("%s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
	sqlite3_close(db);
	return rc;
}

long
count_submissions(void)
{
	return db_number("SELECT count(*) FROM submission");
}

/* The fee stored with the newest submission, in cents. */
long
newest_fee(void)
{
	return db_number("SELECT fee_cents FROM submission ORDER BY id DESC LIMIT 1");
}

/* ---- the instance --------------------------------------------------- */

/*
 * The OpenID Connect provider (tools/idp/server.mjs, run by $IDP_NODE,
 * else by node from PATH; its modules from $IDP_DIR, else from
 * SRCDIR/.cache/idp where tools/check and tools/demo install them) on a
 * free port, registered with the instance's redirect URI; IDP_URL names
 * it to tools/instance. IDP_NODE tries another Node, e.g. Debian 12's 18.
 */
static int
idp_start(void)
{
	char	 port[16], issuer[64], redirect[96], logout[96], dir[PATH_MAX];
	const char *modules = getenv("IDP_DIR"), *env = getenv("IDP_NODE");
	const char *node = env != NULL && *env != '\0' ? env : "node";
	const char *const argv[] = { node, SRCDIR "/tools/idp/server.mjs",
	    "--port", port, "--issuer", issuer, "--redirect-uri", redirect,
	    "--post-logout-uri", logout, NULL };
	int	 p;

	if (modules == NULL || *modules == '\0') {
		snprintf(dir, sizeof(dir), "%s/.cache/idp", SRCDIR);
		modules = dir;
		setenv("IDP_DIR", modules, 1);
	}
	if ((p = helper_free_port()) <= 0) {
		print_error("no free port for the OpenID Connect provider\n");
		return -1;
	}
	snprintf(port, sizeof(port), "%d", p);
	snprintf(issuer, sizeof(issuer), "http://127.0.0.1:%d", p);
	snprintf(redirect, sizeof(redirect), "%s/oidc/callback", T.origin);
	snprintf(logout, sizeof(logout), "%s" SCRIPT "/", T.origin);
	if (helper_start(&T.idp, argv) != 0) {
		print_error("tools/idp/server.mjs did not start (%s: Node 18.12 "
		    "or later in PATH or IDP_NODE? modules in IDP_DIR=%s? "
		    "install them with: . tools/lib.sh; install_idp "
		    "\"$PWD/.cache/idp\")\n", node, modules);
		return -1;
	}
	snprintf(T.idp_url, sizeof(T.idp_url), "%s", issuer);
	setenv("IDP_URL", T.idp_url, 1);
	return 0;
}

int
group_setup_idp(void **state)
{
	T.want_idp = 1;
	return group_setup(state);
}

int
group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char	 port[16], *out;
	char	*argv[] = { SRCDIR "/tools/instance", "start", T.dir, port, NULL };
	char	 url[64];
	int	 rc = -1, smtp, attempt;

	(void)state;
	pick_dates();
	snprintf(T.dir, sizeof(T.dir), "%s/rathaus-cgi-XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(T.dir) == NULL) {
		print_error("mkdtemp %s: %s\n", T.dir, strerror(errno));
		return -1;
	}
	chmod(T.dir, 0755);
	setenv("BUILDDIR", BUILDDIR, 1);
	/* A real SMTP server for the instance's mails; without aiosmtpd
	 * the mail tests skip and the rest runs without mail. */
	snprintf(T.spool, sizeof(T.spool), "%s/spool", T.dir);
	if (mkdir(T.spool, 0755) == 0 && (T.smtp_port = helper_free_port()) > 0 &&
	    smtpd_start(&T.smtpd, T.smtp_port, T.spool, 0) == 0) {
		snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", T.smtp_port);
		setenv("SMTP_URL", url, 1);
	}
	/* PayPal's stand-in: its timeout mode outlasts the portal's 2 s. */
	if ((smtp = helper_free_port()) > 0 &&
	    standin_start(&T.paypal, smtp, 4) == 0) {
		snprintf(T.paypal_api, sizeof(T.paypal_api),
		    "http://127.0.0.1:%d", smtp);
		setenv("PAYPAL_API", T.paypal_api, 1);
		setenv("PAYPAL_CLIENT_ID", STANDIN_CLIENT_ID, 1);
		setenv("PAYPAL_SECRET", STANDIN_SECRET, 1);
		setenv("PAYPAL_WEBHOOK_ID", STANDIN_WEBHOOK_ID, 1);
		setenv("PAYPAL_TIMEOUT", "2", 1);
		setenv("PAY_METHODS", "paypal transfer counter", 1);
	}
	/*
	 * The instance's port, free when picked: another test program
	 * running at the same time may take it before Apache does, so a
	 * port found in use is picked anew (with a provider registered for
	 * it). A provider only for group_setup_idp, never the caller's.
	 */
	unsetenv("IDP_URL");
	for (attempt = 0; attempt < 3; attempt++) {
		if ((T.port = helper_free_port()) <= 0) {
			print_error("no free port on 127.0.0.1\n");
			return -1;
		}
		snprintf(port, sizeof(port), "%d", T.port);
		snprintf(T.origin, sizeof(T.origin), "http://127.0.0.1:%d",
		    T.port);
		helper_stop(&T.idp);
		if (T.want_idp && idp_start() != 0) {
			group_teardown(state);
			return -1;
		}
		rc = run(argv, &out);
		print_message("%s", out);
		free(out);
		if (rc != 3)	/* 3: the port is taken (tools/instance) */
			break;
	}
	if (rc != 0) {
		print_error("tools/instance start %s %s failed (%d)\n", T.dir,
		    port, rc);
		return -1;
	}
	T.started = 1;
	return 0;
}

int
group_teardown(void **state)
{
	char	*out;
	char	*argv[] = { SRCDIR "/tools/instance", "stop", T.dir, NULL };

	(void)state;
	if (T.started) {
		if (run(argv, &out) != 0)
			print_error("tools/instance stop %s failed\n", T.dir);
		free(out);
	}
	citizen_free(&erika_session);
	erika_in = 0;
	smtpd_stop(&T.smtpd);
	standin_stop(&T.paypal);
	helper_stop(&T.idp);
	unsetenv("IDP_URL");
	if (getenv("KEEP_INSTANCE") != NULL)
		print_message("instance kept in %s\n", T.dir);
	else if (T.dir[0] != '\0')
		nftw(T.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Both texts are in the page, the first before the second. */
void
assert_before(const char *body, const char *first, const char *second)
{
	const char *a = strstr(body, first), *b = strstr(body, second);

	if (a == NULL || b == NULL || a > b)
		fail_msg("want \"%s\" (%s) before \"%s\" (%s)", first,
		    a ? "found" : "missing", second, b ? "found" : "missing");
}
/* Check a receipt Location and take the reference and token from it. */
void
parse_receipt_location(const char *loc, char *ref, size_t reflen,
    char *token, size_t toklen)
{
	const char *path = loc, *q;
	regex_t	 re;
	size_t	 n;

	if (strncmp(loc, T.origin, strlen(T.origin)) == 0)
		path = loc + strlen(T.origin);
	/* A paid service goes to its checkout, the rest to the receipt. */
	if (strncmp(path, SCRIPT "/receipt/", strlen(SCRIPT "/receipt/")) == 0)
		path += strlen(SCRIPT "/receipt/");
	else if (strncmp(path, SCRIPT "/pay/", strlen(SCRIPT "/pay/")) == 0)
		path += strlen(SCRIPT "/pay/");
	else
		fail_msg("Location %s is not a receipt or a checkout", loc);
	/* A logged-in citizen's address has no token: the account opens
	 * the page. The token the store keeps, for anonymous requests. */
	if ((q = strchr(path, '?')) == NULL)
		q = path + strlen(path);
	n = (size_t)(q - path);
	assert_true(n < reflen);
	memcpy(ref, path, n);
	ref[n] = '\0';
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{6}-[0-9]$",
	    REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, ref, 0, NULL, 0) != 0) {
		regfree(&re);
		fail_msg("reference %s is not YYYY-NNNNNN-C", ref);
	}
	regfree(&re);
	if (*q == '\0') {
		char	 sql[96];
		long	 found;

		snprintf(sql, sizeof(sql), "SELECT token FROM submission"
		    " WHERE ref = '%s'", ref);
		assert_int_equal(db_query(sql, &found, token, toklen), 0);
		return;
	}
	assert_int_equal(strncmp(q, "?token=", 7), 0);
	q += 7;
	n = strspn(q, "0123456789abcdef");
	assert_true(n >= 32);	/* at least 128 bits */
	assert_true(n < toklen);
	memcpy(token, q, n);
	token[n] = '\0';
}
/* Write the definition forms/<id>.xml of the running instance. */
void
put_definition(const char *id, const char *xml)
{
	char	 path[PATH_MAX + 64];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/site/forms/%s.xml", T.dir, id);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(xml, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}
/* The CSRF token of a staff page: the value of its `_csrf` field. */
void
staff_token(const struct resp *r, char tok[REF_TOKEN_LEN + 1])
{
	const char *p = strstr(r->body, "name=\"_csrf\" value=\"");

	assert_non_null(p);
	p += strlen("name=\"_csrf\" value=\"");
	assert_int_equal(strspn(p, "0123456789abcdef"), REF_TOKEN_LEN);
	assert_int_equal(p[REF_TOKEN_LEN], '"');
	memcpy(tok, p, REF_TOKEN_LEN);
	tok[REF_TOKEN_LEN] = '\0';
}
/*
 * A submission's page for `who` as a browser's first visit (no cookie):
 * the cookie the page set ("name=value", in cookie[clen]) and the page's
 * CSRF token; the page in *r.
 */
void
staff_form(const struct as *who, const char *ref, char *cookie, size_t clen,
    char tok[REF_TOKEN_LEN + 1], struct resp *r)
{
	char	 path[256];

	snprintf(path, sizeof(path), "/submissions/%s", ref);
	staff_page_form(who, path, cookie, clen, tok, r);
}

/* The same for any staff page at `path` (its forms' token). */
void
staff_page_form(const struct as *who, const char *path, char *cookie,
    size_t clen, char tok[REF_TOKEN_LEN + 1], struct resp *r)
{
	struct as first = *who;
	char	*c;

	first.cookie = NULL;
	assert_int_equal(staff_http(&first, "GET", path, NULL, r), 0);
	assert_int_equal(r->status, 200);
	staff_token(r, tok);
	assert_non_null(c = resp_header(r, "Set-Cookie"));
	assert_true(strcspn(c, ";") < clen);
	snprintf(cookie, clen, "%.*s", (int)strcspn(c, ";"), c);
}
/*
 * A clerk's POST on a submission, as its browser sends it: the cookie
 * the page set, and the CSRF token of the page.
 */
void
staff_action(struct as *who, const char *ref, const char *action,
    struct resp *r)
{
	static char cookie[256];
	char	 path[256], body[512], tok[REF_TOKEN_LEN + 1];

	staff_form(who, ref, cookie, sizeof(cookie), tok, r);
	who->cookie = cookie;
	snprintf(path, sizeof(path), "/submissions/%s", ref);
	snprintf(body, sizeof(body), "_csrf=%s&_action=%s", tok, action);
	assert_int_equal(staff_http(who, "POST", path, body, r), 0);
}
/* The citizen's status page of `ref`, which must say `want`. */
void
status_says(const char *ref, const char *token, const char *want)
{
	char	 path[512];
	struct resp r;

	snprintf(path, sizeof(path), SCRIPT "/status/%s?token=%s", ref, token);
	assert_int_equal(http("GET", path, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	if (strstr(r.body, want) == NULL)
		fail_msg("the status page of %s does not say %s", ref, want);
}
/* The payment state of a submission. */
void
payment_is(const char *ref, const char *state)
{
	char	 sql[256], got[32];

	snprintf(sql, sizeof(sql), "SELECT payment FROM submission WHERE"
	    " ref = '%s'", ref);
	assert_int_equal(db_query(sql, NULL, got, sizeof(got)), 0);
	assert_string_equal(got, state);
}
/* A valid bonfire registration with an e-mail address; its ref and token. */
void
submit_bonfire(char *ref, size_t reflen, char *token, size_t toklen)
{
	struct field f[NFIELDS];

	valid_fields(f, fresh_key());
	submit_fields(f, ref, reflen, token, toklen);
}

/* Send a bonfire registration's fields: stored, its ref and token. */
void
submit_fields(const struct field f[NFIELDS], char *ref, size_t reflen,
    char *token, size_t toklen)
{
	struct resp r;
	char	*body = form_encode(f, NFIELDS);

	assert_int_equal(http("POST", FORM, body, strlen(body), &r), 0);
	if (r.status != 303)
		fail_msg("a registration: %ld, not 303", r.status);
	parse_receipt_location(resp_header(&r, "Location"), ref, reflen,
	    token, toklen);
}
/* The first mail in the spool to `to` whose decoded subject holds
 * `subject` (malloc'ed), or NULL. */
static char *
mail_in_spool(const char *to, const char *subject)
{
	char	 path[PATH_MAX + 64], *env, *msg, *subj, *words;
	struct stat st;
	int	 k, found;
	FILE	*fp;
	size_t	 n;

	for (k = 1; k < 10000; k++) {
		/* smtpd.py writes NNNN.env, then NNNN.eml under another
		 * name and renames it: a .eml is whole, its .env too. */
		snprintf(path, sizeof(path), "%s/%04d.eml", T.spool, k);
		if (stat(path, &st) != 0)
			break;
		snprintf(path, sizeof(path), "%s/%04d.env", T.spool, k);
		env = msg = NULL;
		if ((fp = fopen(path, "r")) != NULL) {
			env = calloc(1, 4096);
			n = env ? fread(env, 1, 4095, fp) : 0;
			(void)n;
			fclose(fp);
		}
		snprintf(path, sizeof(path), "%s/%04d.eml", T.spool, k);
		if (env != NULL && strstr(env, to) != NULL &&
		    (fp = fopen(path, "r")) != NULL) {
			msg = calloc(1, (size_t)st.st_size + 1);
			n = msg ? fread(msg, 1, (size_t)st.st_size, fp) : 0;
			(void)n;
			fclose(fp);
		}
		free(env);
		found = 0;
		if (msg != NULL &&
		    (subj = maildecode_header(msg, "Subject")) != NULL) {
			words = maildecode_words(subj);
			found = words != NULL && strstr(words, subject);
			free(words);
			free(subj);
		}
		if (found)
			return msg;
		free(msg);
	}
	return NULL;
}

/*
 * The mail to `to` whose decoded subject holds `subject` (malloc'ed), or
 * NULL once no mail that could still be it is left to send.
 *
 * The program sends the mails its request queued after its response,
 * oldest first, within 2 s; what is left (a slow moment, a backlog of
 * earlier requests) waits for `rathaus outbox` from cron. A fixed wait
 * for the spool therefore failed whenever the machine was slow. So: what
 * is due, we send now with `rathaus outbox`, as cron would; a mail a
 * program has claimed and is sending right now, we wait for (it is in
 * the spool before it is marked sent, since the server writes it before
 * its 250); when nothing unsent and untried is left, it is not coming.
 */
char *
mail_to(const char *to, const char *subject)
{
	struct timespec pause = { 0, 50 * 1000 * 1000L };
	char	*msg, *out;
	long	 untried, due;
	char	 now[21];
	int	 i;

	for (i = 0; i < 1200; i++) {	/* claims last 30 s at most */
		if ((msg = mail_in_spool(to, subject)) != NULL)
			return msg;
		untried = db_number("SELECT count(*) FROM outbox WHERE sent IS"
		    " NULL AND attempts = 0");
		iso_ago(0, now);
		due = db_countf("SELECT count(*) FROM outbox WHERE sent IS NULL"
		    " AND next_try <= '%s'", now);
		if (untried <= 0 && due <= 0)
			return mail_in_spool(to, subject);
		if (due > 0) {
			if (rathaus_cli("outbox", &out) != 0) {
				free(out);
				return NULL;
			}
			free(out);
		} else
			nanosleep(&pause, NULL);
	}
	return NULL;
}
/*
 * Keep `port` ours while its server is down: bound, not listening, so a
 * connection is refused at once. Left free, another test's server (HTTP,
 * silent until asked) could take it, and a mail would wait for a greeting
 * longer than a test waits for its attempt (a CI failure). The socket, to
 * close just before the server starts again.
 */
int
port_hold(int port)
{
	struct sockaddr_in sa;
	int	 hold, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((hold = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) >= 0);
	assert_int_equal(setsockopt(hold, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)), 0);
	assert_int_equal(bind(hold, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return hold;
}

/*
 * Every mail still unsent sent now, as cron's `rathaus outbox` would once
 * the back-offs are over: made due and sent, round after round for up to
 * 15 s. A program that sends after its response may still be trying one
 * (claimed: left alone) and record its failure, with a later try, after
 * a round made the others due: the next round sends it. Returns the
 * number left unsent; the first round's output in *first (when not NULL,
 * malloc'ed).
 */
long
outbox_send_all(char **first)
{
	char	*out;
	long	 left = -1;
	int	 i;

	if (first != NULL)
		*first = NULL;
	for (i = 0; i < 150; i++) {
		assert_int_equal(db_exec("UPDATE outbox SET next_try = created"
		    " WHERE sent IS NULL AND handed IS NULL AND claim IS NULL"),
		    0);
		assert_int_equal(rathaus_cli("outbox", &out), 0);
		if (first != NULL && *first == NULL)
			*first = out;
		else
			free(out);
		if ((left = db_number("SELECT count(*) FROM outbox WHERE"
		    " sent IS NULL")) == 0)
			break;
		usleep(100000);
	}
	return left;
}

/*
 * A message's quoted-printable undone, in place (soft line breaks
 * joined, "=XX" as its byte), so that a link or token split over lines
 * is found whole; returns `msg`.
 */
char *
mail_unfold(char *msg)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *r = msg, *h, *l;
	char	*w = msg;

	while (*r != '\0') {
		if (r[0] == '=' && r[1] == '\n')
			r += 2;
		else if (r[0] == '=' && r[1] == '\r' && r[2] == '\n')
			r += 3;
		else if (r[0] == '=' && r[1] != '\0' && r[2] != '\0' &&
		    (h = strchr(hex, r[1])) != NULL &&
		    (l = strchr(hex, r[2])) != NULL) {
			*w++ = (char)((h - hex) * 16 + (l - hex));
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return msg;
}

/*
 * The instance's `rathaus CMD --conf ...`, as the web server's user when
 * we are root (its files in data/ stay that user's). Exit status.
 */
int
rathaus_cli(const char *cmd, char **out)
{
	char	 bin[PATH_MAX + 16], conf[PATH_MAX + 32];
	char	*as_user[] = { "runuser", "-u", "www-data", "--", bin,
	    (char *)cmd, "--conf", conf, NULL };
	char	*as_self[] = { bin, (char *)cmd, "--conf", conf, NULL };

	snprintf(bin, sizeof(bin), "%s/bin/rathaus", T.dir);
	snprintf(conf, sizeof(conf), "%s/conf/rathaus.conf", T.dir);
	return run(geteuid() == 0 ? as_user : as_self, out);
}
/* Last: no sanitizer report, no crash of the CGI in Apache's error log. */
void
test_error_log_clean(void **state)
{
	static const char *const bad[] = { "AddressSanitizer", "runtime error:",
	    "Segmentation fault", "LeakSanitizer" };
	char	 path[PATH_MAX + 32], line[8192];
	FILE	*fp;
	size_t	 i;
	int	 found = 0;

	(void)state;
	if (!T.started)
		fail_msg("no instance");
	/* stderr of a CGI that just finished may still be on its way */
	{
		struct timespec ts = { 0, 500 * 1000 * 1000L };
		nanosleep(&ts, NULL);
	}
	snprintf(path, sizeof(path), "%s/logs/error.log", T.dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(line, bad[i]) != NULL) {
				if (found++ == 0)
					print_error("%s:\n", path);
				print_error("  %s", line);
				break;
			}
	fclose(fp);
	if (found > 0)
		fail_msg("%d sanitizer or crash line(s) in the error log", found);
}

/*
 * Run one group of tests against its own instance: libcurl set up around
 * it; `setup` and `teardown` NULL: group_setup and group_teardown.
 */
int
cgitest_run(const char *name, const struct CMUnitTest *tests, size_t n,
    CMFixtureFunction setup, CMFixtureFunction teardown)
{
	int	 rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	rc = _cmocka_run_group_tests(name, tests, n,
	    setup != NULL ? setup : group_setup,
	    teardown != NULL ? teardown : group_teardown);
	curl_global_cleanup();
	return rc;
}

/* ---- a citizen with a browser of its own ------------------------------ */

/* One request with the citizen's handle; no redirect followed. */
int
citizen_request(struct citizen *c, const char *method, const char *path,
    const char *header, const char *body, const struct part *parts,
    size_t nparts, struct resp *r)
{
	CURL	*h;
	CURLcode rc;
	curl_mime *mime = NULL;
	struct curl_slist *headers = NULL;
	char	*eff = NULL;

	memset(r, 0, sizeof(*r));
	if (c->curl == NULL) {
		if ((c->curl = curl_easy_init()) == NULL)
			return -1;
		h = c->curl;
		/* "": the in-memory cookie engine, nothing read or written. */
		curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
		curl_easy_setopt(h, CURLOPT_PROXY, "");
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	}
	h = c->curl;
	if (strncmp(path, "http://", 7) == 0)
		snprintf(c->url, sizeof(c->url), "%s", path);
	else
		snprintf(c->url, sizeof(c->url), "%s%s", T.origin, path);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	/* A browser's: mod_auth_openidc sends a client that accepts no
	 * HTML a 401 instead of to the provider. */
	headers = curl_slist_append(NULL,
	    "Accept: text/html,application/xhtml+xml,*/*;q=0.8");
	if (header != NULL)
		headers = curl_slist_append(headers, header);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(body));
	} else if (parts != NULL) {
		if ((mime = mime_of(h, parts, nparts)) == NULL) {
			curl_slist_free_all(headers);
			return -1;
		}
		curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	}
	if (strcmp(method, body != NULL || parts != NULL ? "POST" : "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK &&
	    eff != NULL)
		snprintf(c->url, sizeof(c->url), "%s", eff);
	/* Nothing of this request is left in the handle for the next. */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	resp_keep(r);
	if (rc != CURLE_OK) {
		print_error("citizen %s %s: %s\n", method, c->url,
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

int
citizen_get(struct citizen *c, const char *path, struct resp *r)
{
	return citizen_request(c, "GET", path, NULL, NULL, NULL, 0, r);
}

int
citizen_post(struct citizen *c, const char *path, const char *body,
    struct resp *r)
{
	return citizen_request(c, "POST", path, NULL, body, NULL, 0, r);
}

int
citizen_post_parts(struct citizen *c, const char *path,
    const struct part *parts, size_t nparts, struct resp *r)
{
	return citizen_request(c, "POST", path, NULL, NULL, parts, nparts, r);
}

/*
 * Follow the redirects of *r (already answered) as a browser does: GET
 * the Location (absolute, or resolved against the request's URL by
 * libcurl) until an answer that is no redirect. 0, or -1.
 */
int
citizen_follow(struct citizen *c, struct resp *r)
{
	char	*next = NULL, url[2048];
	int	 hops;

	for (hops = 0; r->status >= 300 && r->status < 400; hops++) {
		if (hops == 20) {
			print_error("citizen: more than 20 redirects, at %s\n",
			    c->url);
			return -1;
		}
		if (curl_easy_getinfo(c->curl, CURLINFO_REDIRECT_URL,
		    &next) != CURLE_OK || next == NULL) {
			print_error("citizen: %ld without Location at %s\n",
			    r->status, c->url);
			return -1;
		}
		snprintf(url, sizeof(url), "%s", next);
		if (citizen_get(c, url, r) != 0)
			return -1;
	}
	return 0;
}

/* The value of attribute `name` in the tag starting at `tag` (tracked,
 * entities &amp; &quot; &#NN; decoded), or NULL. */
static char *
tag_attr(const char *tag, const char *name)
{
	const char *end = strchr(tag, '>'), *p = tag, *v, *q;
	char	*out, *o;
	size_t	 n = strlen(name);

	if (end == NULL)
		return NULL;
	while ((p = strstr(p, name)) != NULL && p < end) {
		if ((p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t') &&
		    p[n] == '=' && p[n + 1] == '"') {
			v = p + n + 2;
			if ((q = strchr(v, '"')) == NULL || q > end)
				return NULL;
			if ((out = track(malloc((size_t)(q - v) + 1))) == NULL)
				return NULL;
			for (o = out; v < q; ) {
				if (strncmp(v, "&amp;", 5) == 0) {
					*o++ = '&';
					v += 5;
				} else if (strncmp(v, "&quot;", 6) == 0) {
					*o++ = '"';
					v += 6;
				} else if (v[0] == '&' && v[1] == '#' &&
				    strchr(v, ';') != NULL &&
				    strchr(v, ';') < q) {
					*o++ = (char)strtol(v + 2, NULL, 10);
					v = strchr(v, ';') + 1;
				} else
					*o++ = *v++;
			}
			*o = '\0';
			return out;
		}
		p += n;
	}
	return NULL;
}

/* Append "&name=value" (urlencoded) to a tracked string; the new one. */
static char *
add_field(const char *body, const char *name, const char *value)
{
	const struct field f[] = { { name, value } };
	const char *enc = form_encode(f, 1);
	size_t	 len;
	char	*out;

	if (enc == NULL)
		return NULL;
	len = strlen(body) + strlen(enc) + 2;
	if ((out = track(malloc(len))) == NULL)
		return NULL;
	snprintf(out, len, "%s%s%s", body, *body ? "&" : "", enc);
	return out;
}

/*
 * Post the form whose action holds `action_has` from the page *r (at
 * c->url) with its hidden fields and `extra` (urlencoded or ""), follow
 * the redirects. 0, or -1 (no such form).
 */
static int
citizen_submit(struct citizen *c, struct resp *r, const char *action_has,
    const char *extra)
{
	const char *form = r->body, *end, *in;
	char	*action = NULL, *body, *name, *value, *type, url[2048];
	CURLU	*u;
	char	*abs = NULL;

	while ((form = strstr(form, "<form")) != NULL) {
		action = tag_attr(form, "action");
		if (action != NULL && strstr(action, action_has) != NULL)
			break;
		form += 5;
	}
	if (form == NULL || action == NULL) {
		print_error("citizen: no form with action *%s* at %s\n",
		    action_has, c->url);
		return -1;
	}
	if ((end = strstr(form, "</form>")) == NULL)
		end = form + strlen(form);
	body = track(strdup(""));
	for (in = form; body != NULL && (in = strstr(in, "<input")) != NULL &&
	    in < end; in += 6) {
		type = tag_attr(in, "type");
		name = tag_attr(in, "name");
		value = tag_attr(in, "value");
		if (type != NULL && strcmp(type, "hidden") == 0 && name != NULL)
			body = add_field(body, name, value ? value : "");
	}
	if (body == NULL)
		return -1;
	if (*extra != '\0') {
		size_t len = strlen(body) + strlen(extra) + 2;
		char *both = track(malloc(len));

		if (both == NULL)
			return -1;
		snprintf(both, len, "%s%s%s", body, *body ? "&" : "", extra);
		body = both;
	}
	/* The action, resolved against the page's URL. */
	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, c->url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, action, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		print_error("citizen: bad form action %s at %s\n", action,
		    c->url);
		return -1;
	}
	snprintf(url, sizeof(url), "%s", abs);
	curl_free(abs);
	curl_url_cleanup(u);
	if (citizen_post(c, url, body, r) != 0)
		return -1;
	return citizen_follow(c, r);
}

/* Whether c->url is on the portal (T.origin, not another port). */
static int
citizen_on_portal(const struct citizen *c)
{
	size_t	 n = strlen(T.origin);

	return strncmp(c->url, T.origin, n) == 0 &&
	    (c->url[n] == '/' || c->url[n] == '\0');
}

int
citizen_login(struct citizen *c, const char *user, const char *password,
    const char *return_path, struct resp *final)
{
	const struct field ret[] = { { "return", return_path } };
	const struct field cred[] = { { "login", user },
	    { "password", password } };
	char	 path[2048];
	const char *q, *creds;

	if ((q = form_encode(ret, 1)) == NULL ||
	    (creds = form_encode(cred, 2)) == NULL)
		return -1;
	snprintf(path, sizeof(path), SCRIPT "/login?%s", q);
	if (citizen_get(c, path, final) != 0 || citizen_follow(c, final) != 0)
		return -1;
	/* A session already: straight back, no login page. */
	if (citizen_on_portal(c))
		return 0;
	if (T.idp_url[0] == '\0' ||
	    strncmp(c->url, T.idp_url, strlen(T.idp_url)) != 0) {
		print_error("citizen: /login led to %s (%ld), not to the "
		    "provider %s\n", c->url, final->status,
		    T.idp_url[0] ? T.idp_url : "(none: group_setup_idp?)");
		return -1;
	}
	if (citizen_submit(c, final, "/login", creds) != 0)
		return -1;
	return citizen_on_portal(c) ? 0 : 1;
}

int
citizen_logout(struct citizen *c, struct resp *final)
{
	char	 path[256];

	snprintf(path, sizeof(path), "/oidc/callback?logout=http%%3A%%2F%%2F"
	    "127.0.0.1%%3A%d%%2Fcgi-bin%%2Frathaus.cgi%%2F", T.port);
	if (citizen_get(c, path, final) != 0 || citizen_follow(c, final) != 0)
		return -1;
	/* The provider asks whether to log out there too: yes. */
	if (!citizen_on_portal(c) &&
	    citizen_submit(c, final, "/session/end/confirm", "logout=yes") != 0)
		return -1;
	return citizen_on_portal(c) && final->status == 200 ? 0 : -1;
}

int
citizen_has_cookie(struct citizen *c, const char *name)
{
	struct curl_slist *list = NULL, *l;
	const char *f;
	size_t	 n = strlen(name);
	int	 i, found = 0;

	if (c->curl == NULL ||
	    curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
		return 0;
	/* Netscape format: domain, flag, path, secure, expiry, name, value */
	for (l = list; l != NULL && !found; l = l->next) {
		for (f = l->data, i = 0; f != NULL && i < 5; i++)
			if ((f = strchr(f, '\t')) != NULL)
				f++;
		found = f != NULL && strncmp(f, name, n) == 0 && f[n] == '\t';
	}
	curl_slist_free_all(list);
	return found;
}

void
citizen_free(struct citizen *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

/* ---- many requests at once ------------------------------------------- */

static size_t
shot_collect(char *data, size_t size, size_t n, void *arg)
{
	char	**p = arg, *q;
	size_t	 len = *p ? strlen(*p) : 0;

	if ((q = realloc(*p, len + size * n + 1)) == NULL)
		return 0;
	memcpy(q + len, data, size * n);
	q[len + size * n] = '\0';
	*p = q;
	return size * n;
}

/*
 * All shots at once to `target` (curl's multi interface: every connection opened
 * together), `d` run once when its time has come. Connections reset by a
 * dying server end with status 0.
 */
void
http_burst(const char *target, struct shot *s, size_t n,
    struct during *d)
{
	struct timespec t0;
	CURLM	*m;
	char	 url[256];
	size_t	 i;
	int	 running = 1, left;
	CURLMsg	*msg;

	assert_non_null(m = curl_multi_init());
	snprintf(url, sizeof(url), "%s%s", T.origin, target);
	for (i = 0; i < n; i++) {
		assert_non_null(s[i].c = curl_easy_init());
		curl_easy_setopt(s[i].c, CURLOPT_URL, url);
		curl_easy_setopt(s[i].c, CURLOPT_PROXY, "");
		curl_easy_setopt(s[i].c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(s[i].c, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(s[i].c, CURLOPT_POSTFIELDS, s[i].body);
		if (T.form_cookie[0] != '\0')
			curl_easy_setopt(s[i].c, CURLOPT_COOKIE, T.form_cookie);
		curl_easy_setopt(s[i].c, CURLOPT_WRITEFUNCTION, shot_collect);
		curl_easy_setopt(s[i].c, CURLOPT_WRITEDATA, &s[i].r.body);
		curl_easy_setopt(s[i].c, CURLOPT_HEADERFUNCTION, shot_collect);
		curl_easy_setopt(s[i].c, CURLOPT_HEADERDATA, &s[i].r.headers);
		curl_easy_setopt(s[i].c, CURLOPT_PRIVATE, &s[i]);
		s[i].rc = CURLE_GOT_NOTHING;
		assert_int_equal(curl_multi_add_handle(m, s[i].c), CURLM_OK);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (running > 0) {
		assert_int_equal(curl_multi_perform(m, &running), CURLM_OK);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct shot *sh;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&sh);
			sh->rc = msg->data.result;
		}
		if (d != NULL && !d->done && helper_elapsed_ms(&t0) >= d->at_ms) {
			d->done = 1;
			d->fn(d->arg);
		}
		if (running > 0)
			curl_multi_poll(m, NULL, 0, 20, NULL);
	}
	/* A burst quicker than at_ms (a build without sanitizers): the
	 * fault after it, never not at all (the Apache round would find
	 * its instance running when it starts it again). */
	if (d != NULL && !d->done) {
		d->done = 1;
		d->fn(d->arg);
		print_message("burst over before %ld ms: fault after it\n",
		    d->at_ms);
	}
	for (i = 0; i < n; i++) {
		if (s[i].rc == CURLE_OK)
			curl_easy_getinfo(s[i].c, CURLINFO_RESPONSE_CODE,
			    &s[i].r.status);
		curl_multi_remove_handle(m, s[i].c);
		curl_easy_cleanup(s[i].c);
		track(s[i].r.body);
		track(s[i].r.headers);
		if (s[i].r.headers == NULL)
			s[i].r.headers = track(strdup(""));
		if (s[i].r.body == NULL)
			s[i].r.body = track(strdup(""));
	}
	curl_multi_cleanup(m);
}
