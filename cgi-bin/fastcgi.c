/*
 * rathaus.fcgi and staff.fcgi: the same engine as rathaus.cgi and
 * staff.cgi (built from this file with FCGI_SITE set), as a persistent
 * FastCGI program under mod_fcgid or behind mod_proxy_fcgi with a process
 * manager. libfcgi speaks the protocol; each request gets its parameters
 * as its environment (FCGX_GetParam on its envp, never the process's) and
 * its streams as FILEs, and is ended with FCGX_Finish_r. Started as a
 * plain CGI program (FCGX_IsCGI), it serves that one request.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "app.h"
#include "xmlmem.h"

#ifndef FCGI_SITE
#error "build with -DFCGI_SITE=ROUTE_CITIZEN or ROUTE_STAFF"
#endif

/*
 * libxml2's blocks come from xmlmem's chunks here too (a fifth of a kept
 * page's work was glibc's malloc and free); chunks are never given back,
 * so a worker that once needed more than this (a form of thousands of
 * fields) ends after its request and the process manager starts a fresh
 * one.
 */
#define FCGI_XMLMEM_MAX_CHUNKS	256	/* of 256 KiB: 64 MiB */

/*
 * SIGTERM (mod_fcgid, multiwatch) or SIGUSR1: end after the request in
 * hand. The one piece of process state here, as signals need: libfcgi's
 * own handlers end only a blocking accept(), and ours does not block.
 */
static volatile sig_atomic_t fcgi_stopping;

static void
fcgi_stop(int sig)
{
	(void)sig;
	fcgi_stopping = 1;
}

/* One request's connection: the streams are gone once it has ended. */
struct fcgi_conn {
	FCGX_Request	*req;
	FILE		*out;
	int		 ended;
};

static ssize_t
fcgi_read(void *cookie, char *buf, size_t size)
{
	struct fcgi_conn *c = cookie;
	int	 n;

	if (c->ended)
		return 0;
	n = FCGX_GetStr(buf, size > INT_MAX ? INT_MAX : (int)size,
	    c->req->in);
	return n < 0 ? -1 : n;
}

/* All or nothing: stdio takes 0 for a failed write. */
static ssize_t
fcgi_write(void *cookie, const char *buf, size_t size)
{
	struct fcgi_conn *c = cookie;
	int	 n = size > INT_MAX ? INT_MAX : (int)size;

	if (c->ended || FCGX_PutStr(buf, n, c->req->out) != n)
		return 0;
	return n;
}

static const char *
fcgi_getenv(void *ctx, const char *name)
{
	const FCGX_Request *req = ctx;

	return FCGX_GetParam(name, req->envp);
}

/* The response is complete: the web server may hand it on (app_end). */
static int
fcgi_end(void *ctx)
{
	struct fcgi_conn *c = ctx;

	if (c->ended)
		return 0;
	if (fflush(c->out) != 0)
		return -1;
	FCGX_Finish_r(c->req);
	c->ended = 1;
	return 0;
}

static void
fcgi_serve(FCGX_Request *req, struct app_cache *cache)
{
	static const cookie_io_functions_t in_fns = { fcgi_read, NULL, NULL,
	    NULL };
	static const cookie_io_functions_t out_fns = { NULL, fcgi_write, NULL,
	    NULL };
	struct fcgi_conn c = { req, NULL, 0 };
	struct req_env env = { fcgi_getenv, req };
	struct app_end end = { fcgi_end, &c };
	FILE	*in, *out;

	in = fopencookie(&c, "r", in_fns);
	out = c.out = fopencookie(&c, "w", out_fns);
	if (in == NULL || out == NULL) {
		fprintf(stderr, "rathaus: fopencookie failed\n");
		FCGX_FPrintF(req->out, "Status: 500 Internal Server Error\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Cache-Control: no-store\r\n\r\n500\n");
	} else {
		(void)setvbuf(out, NULL, _IOFBF, 16384);
		(void)app_serve(FCGI_SITE, &env, in, out, &end, cache);
	}
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	if (!c.ended)
		FCGX_Finish_r(req);
}

/*
 * The listening socket does not block: in a pool (mod_proxy_fcgi,
 * spawn-fcgi) every idle worker wakes for a connection and one gets it;
 * the others, told EAGAIN, go back to waiting in ppoll and still close an
 * idle database, instead of blocking in accept() with it open. 0, or -1.
 */
static int
fcgi_listen_nonblocking(void)
{
	int	 flags = fcntl(FCGI_LISTENSOCK_FILENO, F_GETFL);

	if (flags == -1 || fcntl(FCGI_LISTENSOCK_FILENO, F_SETFL,
	    flags | O_NONBLOCK) == -1) {
		fprintf(stderr, "rathaus: FastCGI socket: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The stop signals wait (blocked) while a request is served and come in
 * only in ppoll, with *wait_set, which they end. 0, or -1.
 */
static int
fcgi_stop_signals(sigset_t *wait_set)
{
	struct sigaction sa;
	sigset_t stop_set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fcgi_stop;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGUSR1);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGUSR1, &sa, NULL) != 0 ||
	    sigprocmask(SIG_BLOCK, &stop_set, wait_set) != 0) {
		fprintf(stderr, "rathaus: signals: %s\n", strerror(errno));
		return -1;
	}
	sigdelset(wait_set, SIGTERM);
	sigdelset(wait_set, SIGUSR1);
	return 0;
}

int
main(void)
{
	FCGX_Request req;
	struct app_cache cache;	/* what the worker keeps between requests */
	struct xmlmem_stats mem;
	sigset_t wait_set;
	int	 rc;

	/* The database and what it writes beside it: owner and group. */
	umask(027);
	if (FCGX_IsCGI()) {
		rc = app_run(FCGI_SITE, &req_process_env, stdin, stdout);
		app_exit();
		return rc;
	}
	/* A client gone mid-response is the request's failure, not ours. */
	(void)signal(SIGPIPE, SIG_IGN);
	(void)xmlmem_begin();
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) {
		fprintf(stderr, "rathaus: FastCGI initialisation failed\n");
		return 1;
	}
	if (fcgi_listen_nonblocking() != 0 || fcgi_stop_signals(&wait_set) != 0)
		return 1;
	app_cache_init(&cache);
	while (!fcgi_stopping) {
		struct pollfd pfd = { FCGI_LISTENSOCK_FILENO, POLLIN, 0 };
		struct timespec idle = { 0, APP_STORE_IDLE_MS * 1000000L };

		/* No request for a while: the database is closed (others
		 * may change its files; test_faults waits for that). */
		rc = ppoll(&pfd, 1, app_cache_idle(&cache) ? &idle : NULL,
		    &wait_set);
		if (rc == 0)
			app_cache_close_store(&cache);
		if (rc <= 0) {
			if (rc == -1 && errno != EINTR)
				break;
			continue;
		}
		rc = FCGX_Accept_r(&req);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			continue;	/* another worker took it */
		if (rc < 0)
			break;
		fcgi_serve(&req, &cache);
		xmlmem_stats(&mem);
		if (mem.chunks > FCGI_XMLMEM_MAX_CHUNKS)
			break;
	}
	FCGX_Free(&req, 1);
	app_cache_free(&cache);
	app_exit();
	xmlmem_end();
	return 0;
}
