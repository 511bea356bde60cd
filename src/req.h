/*
 * req: the only reader of the CGI environment. Everything a request
 * carries is parsed and checked here, once, before any page runs: limits,
 * percent-escapes, multipart structure, UTF-8.
 */
#ifndef RATHAUS_REQ_H
#define RATHAUS_REQ_H

#include <stddef.h>
#include <stdio.h>

enum req_method {
	REQ_GET,
	REQ_HEAD,
	REQ_POST,
	REQ_OTHER
};

enum req_err {
	REQ_OK = 0,
	REQ_BAD_REQUEST,	/* malformed syntax */
	REQ_TOO_LARGE,		/* body over the limit */
	REQ_TOO_MANY_FIELDS,
	REQ_FIELD_TOO_LONG,
	REQ_BAD_UTF8,
	REQ_BAD_MULTIPART,
	REQ_NOMEM
};

struct req_param {
	char	*name;
	char	*value;		/* NUL-terminated; binary only for files */
	size_t	 valuelen;
	char	*filename;	/* multipart file parts only, else NULL */
	char	*ctype;		/* multipart parts with a Content-Type */
};

struct req_params {
	struct req_param *v;
	size_t	 n;
	size_t	 cap;
};

struct req_limits {
	size_t	 body_max;	/* any body; multipart with files needs room */
	size_t	 urlencoded_max;	/* an application/x-www-form-urlencoded body */
	size_t	 fields_max;
	size_t	 name_max;
	size_t	 value_max;
};

/* The few request headers a page reads beyond the CGI basics. */
enum req_header {
	REQ_PAYPAL_TRANSMISSION_ID,
	REQ_PAYPAL_TRANSMISSION_TIME,
	REQ_PAYPAL_TRANSMISSION_SIG,
	REQ_PAYPAL_CERT_URL,
	REQ_PAYPAL_AUTH_ALGO,
	REQ_HEADERS
};

#define REQ_JSON_MAX	(64u << 10)	/* a provider's notice */

struct req {
	enum req_method	 method;
	char		*path;		/* PATH_INFO, "/" when empty */
	char		*query_string;	/* as sent, once it parsed cleanly */
	struct req_params query;
	struct req_params body;
	struct req_params cookies;
	char		*accept_language;
	char		*remote_user;	/* who the web server authenticated */
	char		*origin;	/* the Origin header of the request */
	char		*fetch_site;	/* its Sec-Fetch-Site header */
	char		*json;		/* an application/json body, as sent */
	char		*headers[REQ_HEADERS];	/* by enum req_header, or NULL */
};

/*
 * Where a request's variables come from: the process environment of a
 * CGI program (req_process_env), or the parameters of one FastCGI
 * request (its ctx). Nothing of a request lives in the process.
 */
struct req_env {
	const char	*(*get)(void *ctx, const char *name);
	void		*ctx;
};
typedef const struct req_env *req_getenv_fn;

static inline const char *
req_getenv(req_getenv_fn env, const char *name)
{
	return env->get(env->ctx, name);
}

/* The CGI's own environment (getenv). */
extern const struct req_env req_process_env;

extern const struct req_limits req_default_limits;

enum req_err	 req_parse(struct req *, const struct req_limits *,
		    req_getenv_fn);
enum req_err	 req_parse_body(struct req *, const struct req_limits *,
		    req_getenv_fn, FILE *body);
void		 req_drain_body(const struct req_limits *, req_getenv_fn,
		    FILE *body);
enum req_err	 req_parse_urlencoded(struct req_params *,
		    const struct req_limits *, const char *, size_t);
enum req_err	 req_parse_multipart(struct req_params *,
		    const struct req_limits *, const char *content_type,
		    const char *, size_t);
enum req_err	 req_parse_cookies(struct req_params *,
		    const struct req_limits *, const char *);
const char	*req_param(const struct req_params *, const char *name);
int		 req_header_var(const char *name);
const char	*req_err_reason(enum req_err);
int		 req_err_status(enum req_err);
void		 req_params_free(struct req_params *);
void		 req_free(struct req *);

#endif
