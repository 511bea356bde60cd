#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "app_int.h"
#include "buf.h"
#include "cachefile.h"
#include "outbox.h"
#include "page.h"
#include "render.h"
#include "staff.h"

/*
 * The dispatcher: one request from its parameters to its response. The
 * route's page (page_*.c, staff.c's guard first for the back office)
 * builds the page document with app.c's helpers; this file answers
 * with it (a kept page, a memo, or the transform), hangs up and sends
 * the mails queued. Nothing here is called back by a page.
 */

/*
 * Seconds a request may wait in all for the database's write lock before
 * it answers 503: the citizen is waiting, and Apache's Timeout is 30 s.
 */
#define APP_BUSY_S	10

/* The page of each route (route.c has the paths and the methods). */
static int (*const app_pages[ROUTE_NONE])(struct app *) = {
	[ROUTE_CATALOG] = page_catalog,
	[ROUTE_FORM] = page_form,
	[ROUTE_RECEIPT] = page_receipt,
	[ROUTE_STATUS] = page_status,
	[ROUTE_PAY] = page_pay,
	[ROUTE_PAY_RETURN] = page_pay_return,
	[ROUTE_WEBHOOK] = page_webhook,
	[ROUTE_LOGIN] = page_login,
	[ROUTE_MY] = page_my,
	[ROUTE_MY_SUBMISSION] = page_my_submission,
	[ROUTE_LEGAL] = page_legal,
	[ROUTE_SITE] = page_site,
	[ROUTE_CALENDAR] = page_calendar,
	[ROUTE_STAFF_INBOX] = page_staff_inbox,
	[ROUTE_STAFF_SUBMISSION] = page_staff_submission,
	[ROUTE_STAFF_FILE] = page_staff_file,
	[ROUTE_STAFF_EXPORT] = page_staff_export,
	[ROUTE_STAFF_DAY] = page_staff_day,
};

/*
 * A CGI's memo of a citizen's page that its request does not keep
 * (app_page_cached): a transform's HTML depends on nothing but its
 * document and the files (their generation), so a page whose document is
 * the same to the byte, as a status page or a receipt opened again, is
 * served as made before, without parsing the stylesheets (about half of
 * such a request's work, docs/PERFORMANCE.md); a persistent program,
 * which keeps its stylesheets parsed, keeps it in memory and spares the
 * transform (a receipt's QR code with it). Not for a page with a new
 * form key in it (never asked for again). The key (malloc'ed), or NULL.
 */
static char *
app_memo_key(struct app *a)
{
	char	 digest[RENDER_DIGEST_HEX + 1], *key;
	unsigned long long gen;
	struct buf b;

	if (a->site != ROUTE_CITIZEN || a->status != 200 ||
	    (a->req.method != REQ_GET && a->req.method != REQ_HEAD) ||
	    a->cache_key != NULL || *a->page_token != '\0' ||
	    a->stylesheet == NULL || a->req.path == NULL ||
	    strchr(a->req.path, PAGECACHE_MEMO_SLOT) != NULL ||
	    app_generation(a, &gen) != 0 || render_digest(a->doc, digest) != 0)
		return NULL;
	/* The slot: the page's path and language; a path answered 200 is
	 * one of a thing that is there (a submission, an account's). */
	buf_init(&b, 1024);
	buf_printf(&b, "%s%s %s %s%c%llx %s", PAGECACHE_MEMO, a->stylesheet,
	    a->lang, a->req.path, PAGECACHE_MEMO_SLOT, gen, digest);
	key = buf_steal(&b);
	buf_free(&b);
	return key;
}

static void
app_respond(struct app *a, FILE *out)
{
	struct render_page p = {
		.dirs = { a->conf.share_dir, a->conf.site_dir,
		    a->conf.data_dir },
		.stylesheet = a->stylesheet,
		.doc = a->doc,
		.status = a->status,
		.private_page = a->private_page,
		.head_only = a->req.method == REQ_HEAD,
		.lang = a->lang,
		.allow = a->status != 405 ? NULL : a->allow ? a->allow :
		    *a->route.allow ? a->route.allow : NULL,
		.set_cookie = a->set_cookie,
		/* Maintenance ("in a few minutes"): an upgrade waits for
		 * `rathaus init`; else the page's own or the default. */
		.retry_after = a->retry_after ? a->retry_after :
		    a->store == NULL && a->store_rc == STORE_OUTDATED ?
		    APP_MAINTENANCE_RETRY_S : 0,
		.form_action = a->form_action,
	};
	const struct pagecache_entry *seen;
	struct buf kept;
	char	 code[8], dir[4096], *html, *memo;

	if (a->location != NULL) {
		render_redirect(a->location, out);
		return;
	}
	/* A page kept before: with this visitor's key in it. */
	if (a->hit != NULL && a->status == 200) {
		if ((html = pagecache_copy(a->hit, a->page_token)) == NULL) {
			render_plain_error(500, out);
			return;
		}
		p.private_page |= a->hit->private_page;
		render_html(&p, html, a->hit->len, out);
		free(html);
		return;
	}
	snprintf(code, sizeof(code), "%d", a->status);
	if (a->root == NULL || xmlNewProp(a->root, (const xmlChar *)"status",
	    (const xmlChar *)code) == NULL) {
		render_plain_error(500, out);
		return;
	}
	if ((memo = app_memo_key(a)) != NULL && a->persistent &&
	    (seen = pagecache_get(&a->cache->pages, memo)) != NULL) {
		render_html(&p, seen->html, seen->len, out);
		free(memo);
		return;
	}
	if (memo != NULL && !a->persistent &&
	    cachefile_dir(a->conf.data_dir, dir, sizeof(dir)) == 0 &&
	    pagecache_load(dir, memo, &a->page_file) == 0) {
		render_html(&p, a->page_file.html, a->page_file.len, out);
		free(memo);
		return;
	}
	buf_init(&kept, 16u << 20);
	if ((a->cache_key != NULL || memo != NULL) && a->status == 200)
		p.keep = &kept;
	if ((a->late != NULL && a->late(a) != 0) || render(&p, out) != 0)
		render_plain_error(500, out);
	else if (p.keep != NULL && !kept.failed && a->persistent)
		pagecache_put(&a->cache->pages, memo != NULL ? memo :
		    a->cache_key, kept.data, kept.len, a->page_token,
		    a->private_page);
	else if (p.keep != NULL && !kept.failed &&
	    cachefile_dir(a->conf.data_dir, dir, sizeof(dir)) == 0)
		(void)pagecache_save(dir, memo != NULL ? memo : a->cache_key,
		    kept.data, kept.len, a->page_token, a->private_page);
	buf_free(&kept);
	free(memo);
}

static void
app_free(struct app *a)
{
	if (a->doc != NULL)
		xmlFreeDoc(a->doc);
	app_store_done(a);
	free(a->location);
	free(a->cache_key);
	pagecache_entry_free(&a->page_file);
	free(a->set_cookie);
	free(a->form_action);
	staff_free(&a->staff);
	identity_free(&a->citizen);
	req_free(&a->req);
}

/*
 * Hang up on the web server: under mod_cgid stdin and stdout are one
 * socket, and the response is complete only once both are closed.
 * /dev/null takes their place, so that no file opened later becomes fd 0
 * or 1; stderr stays, for the log.
 */
static int
app_hang_up(void)
{
	int	 null, rc;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	rc = dup2(null, STDIN_FILENO) == -1 ||
	    dup2(null, STDOUT_FILENO) == -1 ? -1 : 0;
	if (null > STDERR_FILENO)
		close(null);
	return rc;
}

/*
 * Go on without the web server's process: mod_cgid ends a script as soon
 * as its request is done (SIGTERM right after the response, SIGKILL 3 s
 * later), so the mails go from a child in a session of its own, and the
 * process Apache knows exits at once. The child's stderr is still the
 * error log (mod_cgid hands a script the log file itself); where it is a
 * pipe that nobody reads any more, a line is lost, never the child
 * (SIGPIPE ignored). 0 in the child, 1 in the parent, -1 when fork failed.
 */
static int
app_detach(void)
{
	pid_t	 pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		return 1;
	(void)setsid();
	(void)signal(SIGPIPE, SIG_IGN);
	return 0;
}

/*
 * After the response: send the mails this request queued, within a small
 * budget, from a child detached from the web server (app_detach), so that
 * a slow or dead mail server never holds a citizen's response or the next
 * request on the connection; what is left, `rathaus outbox` sends later.
 * Both processes hang up before anything else: Apache has the response
 * once neither holds the connection. The child opens the store anew:
 * SQLite's locks belong to the process that took them, and a connection
 * must not cross a fork.
 */
static void
app_mail(struct app *a, FILE *in, FILE *out, const struct app_end *io)
{
	struct outbox_stats st;
	int	 rc;

	if (!a->mail_queued || a->store == NULL || *a->conf.smtp_url == '\0')
		return;
	/*
	 * A persistent program (FastCGI) ends the response itself and sends
	 * from this process, before it takes the next request: nothing to
	 * detach from, and the store stays open.
	 */
	if (io != NULL) {
		if (io->end(io->ctx) != 0)
			return;
		store_busy_deadline(a->store, NULL);
		(void)outbox_flush(&a->conf, a->store, when_time(), 4, 2000,
		    &st);
		return;
	}
	/* Only the CGI's own streams lead to the web server. */
	if (in != stdin || out != stdout)
		return;
	store_close(a->store);
	a->store = NULL;
	if (fflush(stdout) != 0 || (rc = app_detach()) == -1 ||
	    app_hang_up() != 0) {
		fprintf(stderr, "rathaus: cannot send after the response (%s):"
		    " mails left to rathaus outbox\n", strerror(errno));
		return;
	}
	if (rc == 1 || app_store(a) != 0)
		return;
	/* The request's wait budget is spent or nearly: the sender's
	 * writes wait on their own (each its own busy time). */
	store_busy_deadline(a->store, NULL);
	(void)outbox_flush(&a->conf, a->store, when_time(), 4, 2000, &st);
}

/*
 * The error log's line for an answer of 500 or more: the route and what
 * came of it, with SQLite's reason when the store failed (one that could
 * not be opened was logged by store_open).
 */
static void
app_log_failure(const struct app *a, const char *what)
{
	int	 fault = app_store_fault(a);

	fprintf(stderr, "rathaus: %s %s %s%s%s\n",
	    a->req.method == REQ_POST ? "POST" : "GET", a->req.path, what,
	    fault == STORE_OK ? "" : ": ", fault == STORE_OK ? "" :
	    a->store != NULL ? store_errmsg(a->store) :
	    "the store cannot be opened");
}

/*
 * A page failed: logged, and the citizen gets 503 (with Retry-After: the
 * store is busy or unavailable, nothing was stored, try again later) or
 * 500.
 */
static void
app_failed(struct app *a)
{
	int	 fault = app_store_fault(a);

	app_log_failure(a, "failed");
	app_error(a, fault == STORE_BUSY || fault == STORE_UNAVAILABLE ? 503 :
	    500, app_fault_reason(a, fault));
}

/* Is `origin` ("http://host:port") the origin of base_url? */
static int
app_same_origin(const char *origin, const char *base)
{
	const char *p = strstr(base, "://"), *end;
	size_t	 len;

	end = p != NULL ? strchr(p + 3, '/') : NULL;
	len = end != NULL ? (size_t)(end - base) : strlen(base);
	return strlen(origin) == len && strncmp(origin, base, len) == 0;
}

/*
 * Did another site make this request? Then a foreign page is driving the
 * browser of a clerk (viewing, downloading, exporting in the clerk's name,
 * and audited so, or acting) or of a logged-in citizen (acting in the
 * account's name). Sec-Fetch-Site (every current browser)
 * says so for any request: ours are "same-origin" (our own pages) and
 * "none" (typed, a bookmark, a mail program); "same-site" (another host
 * of the domain), "cross-site" and anything else are not. An Origin
 * (POSTs and CORS requests, older browsers too) must be ours; "null"
 * (our Referrer-Policy no-referrer makes browsers send it) says nothing.
 * A client that sends neither (an old browser, curl) cannot be told
 * apart: it is served, and its POSTs still need the token.
 */
int
app_cross_site(const struct app *a)
{
	const char *site = a->req.fetch_site, *origin = a->req.origin;

	if (origin != NULL && strcmp(origin, "null") != 0 &&
	    !app_same_origin(origin, a->conf.base_url))
		return 1;
	return site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0;
}

/*
 * One request: configuration, parse and check the input once, route,
 * build the result document, render. Every failure ends in a proper
 * status and page; nothing is half-written.
 */
int
app_serve(enum route_site site, req_getenv_fn env, FILE *in, FILE *out,
    const struct app_end *io, struct app_cache *cache)
{
	struct app a;
	const char *conf_path = req_getenv(env, "RATHAUS_CONF");
	int	(*page)(struct app *) = NULL;
	char	 err[512];
	enum req_err e;
	int	 rc;

	memset(&a, 0, sizeof(a));
	/* One budget for all the request's waits for the write lock. */
	if (clock_gettime(CLOCK_MONOTONIC, &a.busy_deadline) != 0)
		a.busy_deadline.tv_sec = 0;
	a.busy_deadline.tv_sec += APP_BUSY_S;
	a.site = site;
	a.out = out;
	a.persistent = io != NULL;
	a.conf_path = conf_path;
	a.cache = cache;
	a.lang = "de";
	if (conf_path == NULL || app_conf(cache, conf_path, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "rathaus: configuration: %s\n",
		    conf_path ? err : "RATHAUS_CONF is not set");
		render_plain_error(500, out);
		return 1;
	}
	a.conf = cache->conf;
	/* "today" in date rules is the municipality's local date. */
	if (when_set_zone(a.conf.timezone) != 0 ||
	    when_today(&a.today) != 0) {
		fprintf(stderr, "rathaus: cannot set the time zone\n");
		render_plain_error(500, out);
		return 1;
	}
	render_init();

	e = req_parse(&a.req, &req_default_limits, env);
	a.lang = app_pick_lang(&a.req);
	/* The citizen's identity, from the login module's variables only;
	 * the staff program never looks (web-server authentication). A
	 * logged-in citizen's pages are private. */
	if (site == ROUTE_CITIZEN && e == REQ_OK &&
	    identity_read(&a.citizen, &a.conf.identity_map, env) != 0)
		e = REQ_NOMEM;
	if (a.citizen.subject != NULL)
		a.private_page = 1;
	if (e == REQ_OK) {
		route_match(site, a.req.path, a.req.method, &a.route);
		if (a.route.page < ROUTE_NONE)
			page = app_pages[a.route.page];
	}
	if (a.req.method == REQ_POST) {
		if (e == REQ_OK && a.route.status == 200)
			e = req_parse_body(&a.req, &req_default_limits, env, in);
		else
			req_drain_body(&req_default_limits, env, in);
	}
	if (e != REQ_OK)
		app_error(&a, req_err_status(e), req_err_reason(e));
	else if (a.route.status != 200 || page == NULL)
		app_error(&a, page == NULL ? 404 : a.route.status,
		    a.route.status == 405 ?
		    "method" : "not_found");
	else if (site == ROUTE_STAFF && (rc = staff_guard(&a)) != 0) {
		if (rc == -1)	/* else answered: 403 */
			app_failed(&a);
	} else {
		a.status = 200;
		if (page(&a) != 0 && a.location == NULL)
			app_failed(&a);
		else if (a.status >= 500 && a.location == NULL) {
			/* Answered so by the page (the check page kept, a
			 * clerk's action refused): logged all the same. */
			char	 what[24];

			snprintf(what, sizeof(what), "answered %d", a.status);
			app_log_failure(&a, what);
		}
	}
	if (!a.answered)
		app_respond(&a, out);
	app_store_seen(&a);
	fflush(out);
	app_mail(&a, in, out, io);
	app_free(&a);
	return 0;
}

/* A CGI: one request, what it keeps lives as long. */
int
app_run(enum route_site site, req_getenv_fn env, FILE *in, FILE *out)
{
	struct app_cache cache;
	int	 rc;

	app_cache_init(&cache);
	rc = app_serve(site, env, in, out, NULL, &cache);
	app_cache_free(&cache);
	return rc;
}

/* The process's end: what app_serve set up once goes (leak checkers). */
void
app_exit(void)
{
	render_cleanup();
}

