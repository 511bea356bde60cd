#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "req.h"
#include "text.h"

const struct req_limits req_default_limits = {
	.body_max = 10 * 1024 * 1024,	/* scanned documents (multipart) */
	.urlencoded_max = 1024 * 1024,	/* text only: no reason for more */
	.fields_max = 200,
	.name_max = 128,
	.value_max = 64 * 1024,
};

static const struct {
	const char	*reason;
	int		 status;
} req_errs[] = {
	[REQ_OK] = { "ok", 200 },
	[REQ_BAD_REQUEST] = { "bad_request", 400 },
	[REQ_TOO_LARGE] = { "too_large", 413 },
	[REQ_TOO_MANY_FIELDS] = { "too_many_fields", 400 },
	[REQ_FIELD_TOO_LONG] = { "field_too_long", 413 },
	[REQ_BAD_UTF8] = { "bad_utf8", 400 },
	[REQ_BAD_MULTIPART] = { "bad_multipart", 400 },
	[REQ_NOMEM] = { "internal", 500 },
};

const char *
req_err_reason(enum req_err e)
{
	return req_errs[e].reason;
}

int
req_err_status(enum req_err e)
{
	return req_errs[e].status;
}

/* Append one parameter, taking ownership of the given allocations. */
static enum req_err
req_params_push(struct req_params *ps, const struct req_limits *lim,
    char *name, char *value, size_t valuelen, char *filename, char *ctype)
{
	struct req_param *v;
	size_t	 cap;
	enum req_err e = REQ_OK;

	if (ps->n >= lim->fields_max)
		e = REQ_TOO_MANY_FIELDS;
	else if (ps->n == ps->cap) {
		cap = ps->cap ? ps->cap * 2 : 16;
		if ((v = reallocarray(ps->v, cap, sizeof(*v))) == NULL)
			e = REQ_NOMEM;
		else {
			ps->v = v;
			ps->cap = cap;
		}
	}
	if (e != REQ_OK) {
		free(name);
		free(value);
		free(filename);
		free(ctype);
		return e;
	}
	ps->v[ps->n].name = name;
	ps->v[ps->n].value = value;
	ps->v[ps->n].valuelen = valuelen;
	ps->v[ps->n].filename = filename;
	ps->v[ps->n].ctype = ctype;
	ps->n++;
	return REQ_OK;
}

/*
 * Decode one application/x-www-form-urlencoded token. A malformed escape
 * is an error rather than passed through: we do not guess what was meant.
 */
static enum req_err
req_decode(const char *s, size_t len, size_t max, char **out, size_t *outlen)
{
	char	*p;
	size_t	 i, n = 0;
	int	 hi, lo;

	if ((p = malloc(len + 1)) == NULL)
		return REQ_NOMEM;
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			p[n++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3) {
				free(p);
				return REQ_BAD_REQUEST;
			}
			hi = text_hexval(s[i + 1]);
			lo = text_hexval(s[i + 2]);
			if (hi < 0 || lo < 0) {
				free(p);
				return REQ_BAD_REQUEST;
			}
			p[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			p[n++] = s[i];
		if (n > max) {
			free(p);
			return REQ_FIELD_TOO_LONG;
		}
	}
	p[n] = '\0';
	/* Text parameters never carry NUL: it would cut strings short. */
	if (memchr(p, '\0', n) != NULL) {
		free(p);
		return REQ_BAD_REQUEST;
	}
	if (!text_utf8_valid(p, n)) {
		free(p);
		return REQ_BAD_UTF8;
	}
	*out = p;
	*outlen = n;
	return REQ_OK;
}

enum req_err
req_parse_urlencoded(struct req_params *ps, const struct req_limits *lim,
    const char *s, size_t len)
{
	const char *end = s + len, *amp, *eq;
	char	*name, *value;
	size_t	 namelen, valuelen, empty = 0;
	enum req_err e;

	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if (amp == s) {
			/* "a=1&&b=2" is tolerated, but empty pairs count
			 * against the limit like any other. */
			if (ps->n + ++empty > lim->fields_max)
				return REQ_TOO_MANY_FIELDS;
			s++;
			continue;
		}
		if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
			eq = amp;
		if ((size_t)(eq - s) > lim->name_max * 3)
			return REQ_BAD_REQUEST;
		if ((e = req_decode(s, (size_t)(eq - s), lim->name_max,
		    &name, &namelen)) != REQ_OK)
			return e == REQ_FIELD_TOO_LONG ? REQ_BAD_REQUEST : e;
		if (namelen == 0) {
			free(name);
			return REQ_BAD_REQUEST;
		}
		if (eq == amp)
			e = req_decode("", 0, lim->value_max, &value, &valuelen);
		else
			e = req_decode(eq + 1, (size_t)(amp - eq - 1),
			    lim->value_max, &value, &valuelen);
		if (e != REQ_OK) {
			free(name);
			return e;
		}
		if (ps->n + empty >= lim->fields_max) {
			free(name);
			free(value);
			return REQ_TOO_MANY_FIELDS;
		}
		if ((e = req_params_push(ps, lim, name, value, valuelen,
		    NULL, NULL)) != REQ_OK)
			return e;
		s = amp < end ? amp + 1 : end;
	}
	return REQ_OK;
}

/*
 * Cookies are not ours to reject: browsers carry whatever other sites on
 * the host set. Malformed or oversized pairs are skipped, not fatal.
 */
enum req_err
req_parse_cookies(struct req_params *ps, const struct req_limits *lim,
    const char *s)
{
	const char *semi, *eq, *end;
	char	*name, *value;
	enum req_err e;

	for (; *s != '\0' && ps->n < lim->fields_max;
	    s = semi ? semi + 1 : end) {
		s += strspn(s, " ");
		semi = strchr(s, ';');
		end = semi ? semi : s + strlen(s);
		eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL || eq == s ||
		    (size_t)(eq - s) > lim->name_max ||
		    (size_t)(end - eq - 1) > lim->value_max ||
		    !text_utf8_valid(s, (size_t)(end - s)))
			continue;
		name = strndup(s, (size_t)(eq - s));
		value = strndup(eq + 1, (size_t)(end - eq - 1));
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			return REQ_NOMEM;
		}
		if ((e = req_params_push(ps, lim, name, value, strlen(value),
		    NULL, NULL)) != REQ_OK)
			return e;
	}
	return REQ_OK;
}

#define REQ_PART_HEADERS_MAX	8192

/*
 * The value of parameter `key` in a header value like
 * `form-data; name="x"; filename="a; b.pdf"`: parameters are split on the
 * semicolons outside quoted strings only (RFC 7578, RFC 2045 syntax).
 */
static char *
req_header_param(const char *h, size_t hlen, const char *key)
{
	const char *p = h, *end = h + hlen, *k;
	size_t	 klen = strlen(key), n;
	struct buf b;
	int	 match;

	/* Skip the media type or disposition before the first ';'. */
	while (p < end && *p != ';' && *p != '"')
		p++;
	while (p < end && *p == ';') {
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		for (k = p; p < end && *p != '=' && *p != ';'; p++)
			;
		n = (size_t)(p - k);
		while (n > 0 && (k[n - 1] == ' ' || k[n - 1] == '\t'))
			n--;
		match = n == klen && strncasecmp(k, key, klen) == 0;
		if (p >= end || *p != '=')
			continue;
		buf_init(&b, 1024);
		if (++p < end && *p == '"') {
			/* Browsers escape '"' as %22 and leave '\\' alone
			 * (C:\\Scans\\a.pdf from old ones): a backslash
			 * escapes only a quote or a backslash. */
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end &&
				    (p[1] == '"' || p[1] == '\\'))
					p++;
				buf_addch(&b, *p);
			}
			if (p >= end) {
				buf_free(&b);
				return NULL;	/* unterminated quote */
			}
			p++;
			while (p < end && *p != ';')
				p++;
		} else {
			for (k = p; p < end && *p != ';' && *p != ' '; p++)
				;
			buf_add(&b, k, (size_t)(p - k));
			while (p < end && *p != ';')
				p++;
		}
		if (match)
			return buf_steal(&b);
		buf_free(&b);
	}
	return NULL;
}

/* Find header `name` in a part's header block; returns its value span. */
static const char *
req_part_header(const char *h, size_t hlen, const char *name, size_t *vlen)
{
	const char *line = h, *end = h + hlen, *eol;
	size_t	 nlen = strlen(name);

	for (; line < end; line = eol + 2) {
		eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - line) > nlen && line[nlen] == ':' &&
		    strncasecmp(line, name, nlen) == 0) {
			line += nlen + 1;
			while (line < eol && *line == ' ')
				line++;
			*vlen = (size_t)(eol - line);
			return line;
		}
		if (eol == end)
			break;
	}
	return NULL;
}

static enum req_err
req_parse_part(struct req_params *ps, const struct req_limits *lim,
    const char *p, size_t len)
{
	const char *hend, *disp, *ct, *data, *base;
	size_t	 hlen, displen, ctlen, datalen;
	char	*name = NULL, *filename = NULL, *ctype = NULL, *value = NULL;
	char	*fname;

	if ((hend = memmem(p, len, "\r\n\r\n", 4)) == NULL ||
	    (size_t)(hend - p) > REQ_PART_HEADERS_MAX)
		return REQ_BAD_MULTIPART;
	hlen = (size_t)(hend - p);
	data = hend + 4;
	datalen = len - hlen - 4;
	if (memchr(p, '\0', hlen) != NULL)
		return REQ_BAD_MULTIPART;
	if (!text_utf8_valid(p, hlen))
		return REQ_BAD_UTF8;
	disp = req_part_header(p, hlen, "Content-Disposition", &displen);
	if (disp == NULL || displen < 9 || strncasecmp(disp, "form-data", 9) != 0)
		return REQ_BAD_MULTIPART;
	ct = req_part_header(p, hlen, "Content-Type", &ctlen);
	/* Nested multipart (RFC 7578 forbids it for new senders): refuse. */
	if (ct != NULL && ctlen >= 10 && strncasecmp(ct, "multipart/", 10) == 0)
		return REQ_BAD_MULTIPART;
	name = req_header_param(disp, displen, "name");
	if (name == NULL || *name == '\0' || strlen(name) > lim->name_max) {
		free(name);
		return REQ_BAD_MULTIPART;
	}
	fname = req_header_param(disp, displen, "filename");
	if (fname != NULL) {
		/* Keep only the last path component some browsers still send. */
		base = fname + strlen(fname);
		while (base > fname && base[-1] != '/' && base[-1] != '\\')
			base--;
		filename = strdup(base);
		free(fname);
		if (filename == NULL)
			goto nomem;
	}
	if (ct != NULL && (ctype = strndup(ct, ctlen)) == NULL)
		goto nomem;
	if (filename == NULL) {
		if (datalen > lim->value_max) {
			free(name);
			free(ctype);
			return REQ_FIELD_TOO_LONG;
		}
		if (memchr(data, '\0', datalen) != NULL) {
			free(name);
			free(ctype);
			return REQ_BAD_REQUEST;
		}
		if (!text_utf8_valid(data, datalen)) {
			free(name);
			free(ctype);
			return REQ_BAD_UTF8;
		}
	}
	if ((value = malloc(datalen + 1)) == NULL)
		goto nomem;
	memcpy(value, data, datalen);
	value[datalen] = '\0';
	return req_params_push(ps, lim, name, value, datalen, filename, ctype);
nomem:
	free(name);
	free(filename);
	free(ctype);
	return REQ_NOMEM;
}

enum req_err
req_parse_multipart(struct req_params *ps, const struct req_limits *lim,
    const char *content_type, const char *body, size_t len)
{
	char	*boundary, *delim;
	const char *p, *end = body + len, *next;
	size_t	 blen, dlen;
	enum req_err e = REQ_OK;

	boundary = req_header_param(content_type, strlen(content_type),
	    "boundary");
	if (boundary == NULL || (blen = strlen(boundary)) == 0 || blen > 70) {
		free(boundary);
		return REQ_BAD_MULTIPART;
	}
	/* Every delimiter after the first is preceded by CRLF. */
	dlen = blen + 4;
	if ((delim = malloc(dlen + 1)) == NULL) {
		free(boundary);
		return REQ_NOMEM;
	}
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen);
	delim[dlen] = '\0';
	free(boundary);

	/* The first delimiter may start the body or follow a preamble. */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;
	else {
		free(delim);
		return REQ_BAD_MULTIPART;
	}
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;		/* close delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			e = REQ_BAD_MULTIPART;
			break;
		}
		p += 2;
		if ((next = memmem(p, (size_t)(end - p), delim, dlen)) == NULL) {
			e = REQ_BAD_MULTIPART;	/* truncated */
			break;
		}
		if ((e = req_parse_part(ps, lim, p, (size_t)(next - p))) != REQ_OK)
			break;
		p = next + dlen;
	}
	free(delim);
	return e;
}

/*
 * The first text value of `name`. File parts are never text answers: their
 * bytes were not checked for UTF-8 or NUL, so they are not returned here.
 */
const char *
req_param(const struct req_params *ps, const char *name)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++)
		if (ps->v[i].filename == NULL && strcmp(ps->v[i].name, name) == 0)
			return ps->v[i].value;
	return NULL;
}

/* Is the media type of a Content-Type value exactly `type`? */
static int
req_media_type_is(const char *ctype, const char *type)
{
	size_t	 n = strlen(type);

	return strncasecmp(ctype, type, n) == 0 &&
	    (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

static enum req_method
req_method_of(const char *m)
{
	if (m == NULL || strcmp(m, "GET") == 0)
		return REQ_GET;
	if (strcmp(m, "HEAD") == 0)
		return REQ_HEAD;
	if (strcmp(m, "POST") == 0)
		return REQ_POST;
	return REQ_OTHER;
}

/* Read exactly `len` bytes of body; a short read is a bad request. */
static enum req_err
req_read_body(FILE *in, size_t len, char **out)
{
	char	*p;
	size_t	 got = 0, n;

	if ((p = malloc(len + 1)) == NULL)
		return REQ_NOMEM;
	while (got < len && (n = fread(p + got, 1, len - got, in)) > 0)
		got += n;
	if (got != len) {
		free(p);
		return REQ_BAD_REQUEST;
	}
	p[len] = '\0';
	*out = p;
	return REQ_OK;
}

/* A header value short enough, valid UTF-8, without control characters. */
static int
req_header_ok(const char *v, size_t max)
{
	size_t	 n = strlen(v);

	return n < max && text_utf8_valid(v, n) && !text_has_controls(v);
}

/* The CGI variables of the headers in req.headers, in enum req_header order. */
static const char *const req_header_vars[REQ_HEADERS] = {
	"HTTP_PAYPAL_TRANSMISSION_ID",
	"HTTP_PAYPAL_TRANSMISSION_TIME",
	"HTTP_PAYPAL_TRANSMISSION_SIG",
	"HTTP_PAYPAL_CERT_URL",
	"HTTP_PAYPAL_AUTH_ALGO",
};

static const char *
req_process_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

const struct req_env req_process_env = { req_process_getenv, NULL };

/*
 * The envelope: method, path, query, cookies, languages. The body is read
 * by req_parse_body once the route is known to take one, so that a POST to
 * a wrong place is a 404 or 405, not a complaint about its body.
 */
enum req_err
req_parse(struct req *r, const struct req_limits *lim, req_getenv_fn env)
{
	const char *v;
	enum req_err e;
	size_t	 i;

	memset(r, 0, sizeof(*r));
	r->method = req_method_of(req_getenv(env, "REQUEST_METHOD"));
	v = req_getenv(env, "PATH_INFO");
	if (v == NULL || *v == '\0')
		v = "/";
	if (!text_utf8_valid(v, strlen(v)) || strchr(v, '\n') != NULL)
		return REQ_BAD_REQUEST;
	if ((r->path = strdup(v)) == NULL)
		return REQ_NOMEM;
	if ((v = req_getenv(env, "HTTP_ACCEPT_LANGUAGE")) != NULL && strlen(v) < 512 &&
	    (r->accept_language = strdup(v)) == NULL)
		return REQ_NOMEM;
	/* Identity comes from the web server alone; an odd one is none. */
	if ((v = req_getenv(env, "REMOTE_USER")) != NULL && *v != '\0' &&
	    strlen(v) <= 128 && text_utf8_valid(v, strlen(v)) &&
	    !text_has_controls(v) && (r->remote_user = strdup(v)) == NULL)
		return REQ_NOMEM;
	/*
	 * Whose page made the request (a browser's word, not identity). A
	 * value that is there but odd is "?": never taken for ours, and
	 * safe in a log line.
	 */
	if ((v = req_getenv(env, "HTTP_ORIGIN")) != NULL &&
	    (r->origin = strdup(req_header_ok(v, 512) ? v : "?")) == NULL)
		return REQ_NOMEM;
	if ((v = req_getenv(env, "HTTP_SEC_FETCH_SITE")) != NULL &&
	    (r->fetch_site = strdup(req_header_ok(v, 32) ? v : "?")) == NULL)
		return REQ_NOMEM;
	for (i = 0; i < REQ_HEADERS; i++)
		if ((v = req_getenv(env, req_header_vars[i])) != NULL &&
		    req_header_ok(v, 2048) &&
		    (r->headers[i] = strdup(v)) == NULL)
			return REQ_NOMEM;
	if ((v = req_getenv(env, "QUERY_STRING")) != NULL) {
		if ((e = req_parse_urlencoded(&r->query, lim, v, strlen(v))) !=
		    REQ_OK)
			return e;
		if ((r->query_string = strdup(v)) == NULL)
			return REQ_NOMEM;
	}
	if ((v = req_getenv(env, "HTTP_COOKIE")) != NULL &&
	    (e = req_parse_cookies(&r->cookies, lim, v)) != REQ_OK)
		return e;
	return REQ_OK;
}

/* Read and drop `left` bytes of body. */
static void
req_skip(FILE *in, long left)
{
	char	 chunk[4096];
	size_t	 n;

	while (left > 0 && (n = fread(chunk, 1, (size_t)left < sizeof(chunk) ?
	    (size_t)left : sizeof(chunk), in)) > 0)
		left -= (long)n;
}

/*
 * Read and drop a body nobody will look at (a POST to a wrong place). A
 * CGI that exits without reading its input can make the server cut the
 * response short; what is over the limit Apache refuses before us.
 */
void
req_drain_body(const struct req_limits *lim, req_getenv_fn env, FILE *in)
{
	const char *v = req_getenv(env, "CONTENT_LENGTH");
	long	 left;

	if (v == NULL || text_to_long(v, 0, (long)lim->body_max, &left) == -1)
		return;
	req_skip(in, left);
}

enum req_err
req_parse_body(struct req *r, const struct req_limits *lim,
    req_getenv_fn env, FILE *in)
{
	const char *v, *ctype;
	char	*body = NULL;
	long	 clen = 0;
	enum req_err e;

	if ((v = req_getenv(env, "CONTENT_LENGTH")) == NULL || *v == '\0')
		return REQ_BAD_REQUEST;	/* we do not take chunked bodies */
	if (text_to_long(v, 0, (long)1 << 40, &clen) == -1)
		return REQ_BAD_REQUEST;
	if ((size_t)clen > lim->body_max)
		return REQ_TOO_LARGE;
	ctype = req_getenv(env, "CONTENT_TYPE");
	if (ctype == NULL)
		ctype = "";
	/* The large limit is for files, which only multipart carries. The
	 * body is read and dropped so that Apache delivers the 413 whole. */
	if (req_media_type_is(ctype, "application/x-www-form-urlencoded") &&
	    (size_t)clen > lim->urlencoded_max) {
		req_skip(in, clen);
		return REQ_TOO_LARGE;
	}
	/* JSON (a payment provider's notice) is kept as it came, for the
	 * JSON library and the provider's signature check; small only. */
	if (req_media_type_is(ctype, "application/json") &&
	    (size_t)clen > REQ_JSON_MAX) {
		req_skip(in, clen);
		return REQ_TOO_LARGE;
	}
	if ((e = req_read_body(in, (size_t)clen, &body)) != REQ_OK)
		return e;
	if (req_media_type_is(ctype, "application/json")) {
		if (!text_utf8_valid(body, (size_t)clen) ||
		    memchr(body, '\0', (size_t)clen) != NULL) {
			free(body);
			return REQ_BAD_UTF8;
		}
		r->json = body;
		return REQ_OK;
	}
	if (req_media_type_is(ctype, "application/x-www-form-urlencoded"))
		e = req_parse_urlencoded(&r->body, lim, body, (size_t)clen);
	else if (req_media_type_is(ctype, "multipart/form-data"))
		e = req_parse_multipart(&r->body, lim, ctype, body,
		    (size_t)clen);
	else
		e = clen == 0 ? REQ_OK : REQ_BAD_REQUEST;
	free(body);
	return e;
}

void
req_params_free(struct req_params *ps)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
		free(ps->v[i].filename);
		free(ps->v[i].ctype);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

void
req_free(struct req *r)
{
	size_t	 i;

	free(r->path);
	free(r->query_string);
	free(r->accept_language);
	free(r->remote_user);
	free(r->origin);
	free(r->fetch_site);
	free(r->json);
	for (i = 0; i < REQ_HEADERS; i++)
		free(r->headers[i]);
	req_params_free(&r->query);
	req_params_free(&r->body);
	req_params_free(&r->cookies);
	memset(r, 0, sizeof(*r));
}

/*
 * Whether a CGI variable's name is one Apache makes of a request header
 * (HTTP_*, in any case): what the client sent, never an identity.
 */
int
req_header_var(const char *name)
{
	return strncasecmp(name, "HTTP_", 5) == 0;
}
