/*
 * cgitest: what the CGI test programs share (tests/cgi/cgitest.c): a
 * private instance behind a real Apache started by the group setup,
 * HTTP requests to it with libcurl, a look into its database, its mails
 * and its error log. Each test program is one cmocka group with
 * cgitest_setup / cgitest_teardown around it and test_error_log_clean
 * last.
 */
#ifndef RATHAUS_CGITEST_H
#define RATHAUS_CGITEST_H

#include <limits.h>
#include <stddef.h>

#include "helper.h"
#include "ref.h"
#include "smtpd.h"
#include "standin.h"

#define SCRIPT		"/cgi-bin/rathaus.cgi"
#define FORM		SCRIPT "/services/osterfeuer"
#define PLACE_TEXT	"Wiese am Muehlenweg 7 (Flurstueck 12/3) & Deich"
#define PLACE_HTML	"Wiese am Muehlenweg 7 (Flurstueck 12/3) &amp; Deich"

/* The instance and what the tests learn from it, shared in order. */
struct cgitest {
	char	 dir[PATH_MAX];
	char	 origin[64];		/* http://127.0.0.1:PORT */
	int	 port;
	int	 started;
	char	 ref[64];		/* from the valid submission */
	char	 token[128];
	char	 date_ok[11];		/* a valid bonfire date */
	char	 date_bad[11];		/* a week after Karsamstag */
	struct smtpd smtpd;		/* the mail server of the instance */
	int	 smtp_port;
	struct standin paypal;		/* the stand-in for PayPal's API */
	char	 paypal_api[64];
	char	 spool[PATH_MAX + 8];	/* what it received */
	/* The citizen program's form cookie ("name=value"), as a browser
	 * keeps it: set by a response, sent with every later request to
	 * the citizen program whose caller names no cookie of its own. */
	char	 form_cookie[128];
	/* The OpenID Connect provider (tools/idp/server.mjs), started by
	 * group_setup_idp only; IDP_URL names it to tools/instance. */
	int	 want_idp;
	struct helper idp;
	char	 idp_url[64];		/* http://127.0.0.1:PORT, the issuer */
};
extern struct cgitest T;

struct resp {
	long	 status;
	char	*headers;
	size_t	 hlen;
	char	*body;
	size_t	 blen;
};

struct field {
	const char	*name;
	const char	*value;
};

/*
 * Who asks: a back-office user (Basic auth) and the cookie it sends. A
 * request to the citizen program with no `as` or a NULL cookie sends
 * T.form_cookie, like a browser; "" sends no cookie at all.
 */
struct as {
	const char	*user;		/* password: tools/instance's demo one */
	const char	*cookie;	/* "name=value", "" none, or NULL */
	const char	*origin;	/* an Origin header, or NULL */
};

/* One part of a multipart/form-data body; filename set: a file. */
struct part {
	const char	*name;
	const char	*value;
	size_t		 len;
	const char	*filename;
};

#define NFIELDS 15

/* Freed by the teardown of each test (free_tracked). */
void	*track(void *p);
int	 free_tracked(void **state);

/* The instance: start and stop (cmocka group setup and teardown). */
int	 group_setup(void **state);
/* group_setup with the OpenID Connect provider before the instance, so
 * that Apache logs citizens in there (group_teardown stops it). */
int	 group_setup_idp(void **state);
int	 group_teardown(void **state);
int	 cgitest_run(const char *name, const struct CMUnitTest *tests,
	    size_t n, CMFixtureFunction setup, CMFixtureFunction teardown);
#define CGITEST_RUN(name, tests, setup, teardown) \
	cgitest_run((name), (tests), sizeof(tests) / sizeof((tests)[0]), \
	    (setup), (teardown))
void	 test_error_log_clean(void **state);

/* HTTP: one request, no redirects followed, no proxy. */
int	 http(const char *method, const char *target, const char *body,
	    size_t blen, struct resp *r);
int	 http_parts(const struct as *who, const char *method,
	    const char *target, const char *body, size_t blen,
	    const struct part *parts, size_t nparts, struct resp *r);
int	 http_request(const struct as *who, const char *method,
	    const char *target, const char *header, const char *body,
	    size_t blen, const struct part *parts, size_t nparts,
	    struct resp *r);
int	 http_multipart(const char *target, const struct part *parts,
	    size_t n, struct resp *r);
int	 staff_http(const struct as *who, const char *method,
	    const char *path, const char *body, struct resp *r);
void	 post_service(const char *service, const char *body, long status,
	    struct resp *r);
char	*resp_header(const struct resp *r, const char *name);
void	 assert_before(const char *body, const char *first,
	    const char *second);

/* One request of a burst, told apart by a mark in its body. */
struct shot {
	char	 mark[40];
	char	*body;
	void	*c;		/* CURL * */
	int	 rc;		/* CURLcode */
	struct resp r;
};

/* Something to do while a burst runs (kill, stop), once. */
struct during {
	long	 at_ms;			/* after the burst started */
	void	 (*fn)(void *);
	void	*arg;
	int	 done;
};
void	 http_burst(const char *target, struct shot *s, size_t n,
	    struct during *d);

/* Forms. */
char	*form_encode(const struct field *f, size_t n);
void	 field_set(struct field *f, size_t n, const char *name,
	    const char *value);
void	 valid_fields(struct field f[NFIELDS], const char *key);
char	*form_key(const char *html);
char	*fresh_key(void);
char	*service_key(const char *service);
char	*form_cookie_of(const struct resp *r);
void	 parse_receipt_location(const char *loc, char *ref, size_t reflen,
	    char *token, size_t toklen);
void	 submit_bonfire(char *ref, size_t reflen, char *token,
	    size_t toklen);
void	 submit_fields(const struct field f[NFIELDS], char *ref,
	    size_t reflen, char *token, size_t toklen);
void	 put_definition(const char *id, const char *xml);
void	 status_says(const char *ref, const char *token, const char *want);
char	*replace_all(const char *s, const char *from, const char *to);

/* The back office. */
void	 staff_token(const struct resp *r, char tok[REF_TOKEN_LEN + 1]);
void	 staff_action(struct as *who, const char *ref, const char *action,
	    struct resp *r);
void	 staff_form(const struct as *who, const char *ref, char *cookie,
	    size_t clen, char tok[REF_TOKEN_LEN + 1], struct resp *r);
void	 staff_page_form(const struct as *who, const char *path,
	    char *cookie, size_t clen, char tok[REF_TOKEN_LEN + 1],
	    struct resp *r);

/*
 * A citizen with a browser of its own: one libcurl handle with its
 * in-memory cookie engine (the portal's and the provider's cookies), an
 * Accept header as a browser sends. Requests follow no redirects, except
 * in citizen_login and citizen_logout. Responses are tracked like
 * http()'s. Needs group_setup_idp for the login.
 */
struct citizen {
	void	*curl;		/* CURL *, made by the first request */
	char	 url[2048];	/* where the last request went */
};

#define CITIZEN_SESSION_COOKIE	"mod_auth_openidc_session"

/*
 * Log in: GET SCRIPT/login?return=<return_path>, on to the provider's
 * login page, post user and password with the form's hidden fields,
 * follow every redirect. *final: the last response (c->url its URL).
 * 0: back on the portal; 1: the chain ended at the provider (wrong
 * password: its login page again); -1: no answer or no login form (the
 * reason printed).
 */
int	 citizen_login(struct citizen *c, const char *user,
	    const char *password, const char *return_path, struct resp *final);
/* The module's logout (T's logout URL), confirmed at the provider; 0
 * when it ended back on the portal's catalog. */
int	 citizen_logout(struct citizen *c, struct resp *final);
/* One request on the portal (path) or anywhere (absolute URL). */
int	 citizen_get(struct citizen *c, const char *path, struct resp *r);
int	 citizen_post(struct citizen *c, const char *path, const char *body,
	    struct resp *r);
int	 citizen_post_parts(struct citizen *c, const char *path,
	    const struct part *parts, size_t nparts, struct resp *r);
/* Any method, one more request header ("Name: value") or NULL, a body
 * (urlencoded) or parts (multipart) or neither. */
int	 citizen_request(struct citizen *c, const char *method,
	    const char *path, const char *header, const char *body,
	    const struct part *parts, size_t nparts, struct resp *r);
/* Follow the redirects of *r, the answer to c->url, with GETs. */
int	 citizen_follow(struct citizen *c, struct resp *r);
/* Whether its cookie jar holds a cookie `name` (any host). */
int	 citizen_has_cookie(struct citizen *c, const char *name);
void	 citizen_free(struct citizen *c);
struct citizen *citizen_erika(void);
void	 post_service_as(struct citizen *, const char *service,
	    const char *body, long status, struct resp *r);

/* The instance's database, mails and programs. */
int	 db_query(const char *sql, long *n, char *text, size_t size);
long	 db_number(const char *sql);
long	 db_countf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
int	 db_exec(const char *sql);
void	 iso_ago(long ago_s, char out[21]);
/* FASTCGI=1 or proxy: the programs are persistent workers. */
int	 persistent_mode(void);
/* STORE=postgresql: the instance's store is a PostgreSQL database. */
int	 db_is_pg(void);
long	 count_submissions(void);
long	 newest_fee(void);
void	 payment_is(const char *ref, const char *state);
char	*mail_to(const char *to, const char *subject);
char	*mail_unfold(char *msg);
int	 run(char *const argv[], char **out);
int	 rathaus_cli(const char *cmd, char **out);
/* The port bound, not listening, while its server is down (close it). */
int	 port_hold(int port);
/* Every unsent mail made due and sent (rounds of `rathaus outbox`):
 * how many are left; the first round's output in *first if not NULL. */
long	 outbox_send_all(char **first);

#endif
