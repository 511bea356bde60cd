/*
 * app: one request from start to response. The context below is the only
 * mutable state; every page gets it and nothing else.
 */
#ifndef RATHAUS_APP_H
#define RATHAUS_APP_H

#include <stdio.h>
#include <time.h>
#include <libxml/tree.h>

#include "conf.h"
#include "pagecache.h"
#include "ref.h"
#include "form.h"
#include "identity.h"
#include "req.h"
#include "route.h"
#include "stamp.h"
#include "store.h"
#include "when.h"

/* Who uses the staff program, from the web server and data/clerks.xml. */
struct app_staff {
	const char	*user;		/* REMOTE_USER */
	const char	*clerk;		/* the clerk id, or NULL (admin) */
	int		 admin;		/* sees every service */
	char	       **services;	/* those it sees, NULL-ended; NULL: all */
	char		 csrf[REF_TOKEN_LEN + 1]; /* this browser's token */
	int		 csrf_new;	/* to set as a cookie */
};

struct app {
	enum route_site	 site;
	struct conf	 conf;		/* the cache's (a copy of its pointers) */
	struct req	 req;
	struct route_match route;
	const char	*lang;		/* "de" or "en" */
	struct when_date today;
	struct form_share *share;	/* app_share: the cache's */
	struct app_cache *cache;	/* what outlives the request */
	struct store	*store;
	xmlDocPtr	 doc;		/* the result document */
	xmlNodePtr	 root;
	const char	*stylesheet;
	int		 status;
	int		 private_page;
	char		*location;	/* set: answer 303 to it */
	const char	*allow;		/* for a 405 where the route's list is wrong */
	struct app_staff staff;		/* staff.cgi only */
	struct identity	 citizen;	/* rathaus.cgi: who is logged in */
	char		 owner_token[REF_TOKEN_LEN + 1]; /* app_submission
					 * opened it as the account's: its
					 * token, never shown; else "" */
	char		*set_cookie;	/* a Set-Cookie header value, or NULL */
	long		 retry_after;	/* a 503's Retry-After, s; 0: the default */
	char		*form_action;	/* more CSP form-action sources, or NULL */
	int		 answered;	/* the page wrote its own response */
	FILE		*out;		/* where the response goes */
	int		 mail_queued;	/* send after the response */
	struct timespec	 busy_deadline;	/* the request's wait for the store */
	int		 store_rc;	/* store_open's, when it failed */
	long long	 store_ino;	/* its rathaus.db's inode, at the open */
	int		 persistent;	/* a FastCGI worker: pages are kept */
	const char	*conf_path;	/* RATHAUS_CONF */
	char		*cache_key;	/* keep the page under it, or NULL */
	unsigned long long gen;		/* app_generation's, once known */
	int		 gen_known;
	const struct pagecache_entry *hit; /* the page, kept before */
	struct pagecache_entry page_file; /* a CGI's: read from its file */
	char		 page_token[REF_TOKEN_LEN + 1]; /* its form key */
	/* Adds to the page document what follows from what it holds and
	 * costs to make (the receipt's QR code from its status link): run
	 * only when the page is made, not when its memo serves it. */
	int		(*late)(struct app *);
};

/*
 * What a process keeps between its requests (a FastCGI worker: the main
 * owns one and hands it to every app_serve; a CGI's lives for its one
 * request): the configuration, kept while its file's stamp (mtime ns,
 * size, inode) stays the same; the form share (clerks, categories, municipality, schema,
 * code lists) and the definitions loaded with it, kept while the
 * generation of their files (pagecache_generation: every file's mtime,
 * size and inode) stays the same, and reloaded on the next request after
 * one changed. A worker also keeps its database connection (app_store),
 * closed when it has been idle for APP_STORE_IDLE_MS, after a request
 * that met a fault of the store, and when rathaus.db, its -wal or -shm
 * are other files, or one's mode or owner changed.
 */
#define APP_CACHE_FORMS	32

struct app_cache_form {
	char		*key;		/* "i" id, or "s" the stored text */
	struct form	 form;
};

struct app_cache {
	struct conf	 conf;		/* rathaus.conf, parsed */
	int		 conf_ok;
	char		*conf_path;	/* RATHAUS_CONF it was read from */
	struct stamp	 conf_stamp;	/* of the file, before reading */
	struct form_share share;
	int		 share_open;
	char		*share_key;	/* its directories and configuration */
	unsigned long long gen;		/* of the files it was made from */
	struct app_cache_form forms[APP_CACHE_FORMS];
	size_t		 nforms;
	struct store	*store;		/* the connection, between requests */
	char		*store_dir;	/* its data_dir, or connection string */
	long long	 store_files[9]; /* app_db_files at the last request's end */
	struct pagecache pages;		/* rendered pages (pagecache.h) */
};

/* A worker closes its kept connection after this long without a request. */
#define APP_STORE_IDLE_MS	200

void	 app_cache_init(struct app_cache *);
void	 app_cache_free(struct app_cache *);
int	 app_cache_idle(const struct app_cache *);
void	 app_cache_close_store(struct app_cache *);

/*
 * How a persistent program ends a response before the work that follows
 * it (the mails): end(ctx) makes the web server have all of it (FastCGI:
 * FCGX_Finish_r); 0, or -1. A CGI's response ends when the process hangs
 * up instead (app_run).
 */
struct app_end {
	int		(*end)(void *ctx);
	void		*ctx;
};

/* One request; may be called any number of times in one process. */
int	 app_run(enum route_site, req_getenv_fn, FILE *in, FILE *out);
int	 app_serve(enum route_site, req_getenv_fn, FILE *in, FILE *out,
	    const struct app_end *, struct app_cache *);
/* Once, at the process's end. */
void	 app_exit(void);

/* For the pages. */
int	 app_share(struct app *);
int	 app_form_id(struct app *, const char *id, struct form_diag *,
	    struct form *);
int	 app_form_stored(struct app *, const char *xml, struct form *);
int	 app_page_cached(struct app *);
int	 app_store(struct app *);
int	 app_store_fault(const struct app *);
int	 app_secret_kept(struct app *, const char *name,
	    unsigned char out[REF_SECRET_LEN]);
const char *app_fault_reason(const struct app *, int);
/* A change's store result as a page's answer: 0 done, 409 with
 * `conflict` (NULL: a conflict is a failure), 503 busy, else -1. */
int	 app_change_answer(int rc, const char *conflict, const char **problem);
int	 app_begin(struct app *, const char *page_name);
int	 app_keep_not(struct app *);
int	 app_error(struct app *, int status, const char *reason);
int	 app_cross_site(const struct app *);
const char *app_cookie_name(const struct app *, const char *host_name);
int	 app_set_cookie(struct app *, const char *host_name, const char *value,
	    const char *path, const char *samesite);
xmlNodePtr app_child(xmlNodePtr parent, const char *name, const char *text);
xmlNodePtr app_elem(xmlNodePtr parent, const char *name, const char *text,
	    ...) __attribute__((sentinel));
int	 app_props(xmlNodePtr, ...) __attribute__((sentinel));
xmlNodePtr app_service_node(struct app *, const struct form *,
	    xmlNodePtr parent);
int	 app_link(struct app *, struct buf *, const char *path,
	    const char *ref, const char *token);
int	 app_redirect(struct app *, struct buf *location);
int	 app_submission(struct app *, const char *page_name, const char *token,
	    struct store_submission *);
int	 app_time_prop(xmlNodePtr, const char *name, const char *utc);
int	 app_payment(struct app *, xmlNodePtr parent, const char *ref,
	    char state[16]);
int	 app_answers(xmlNodePtr parent, const char *xml);

#endif
