#include "config.h"

#include <string.h>

#include "route.h"
#include "text.h"

#define M(x)	(1u << (x))

static const struct route {
	const char	*prefix;	/* exact path, or prefix ending in '/' */
	int		 has_arg;
	unsigned	 methods;
	enum route_page	 page;
} citizen_routes[] = {
	{ "/", 0, M(REQ_GET) | M(REQ_HEAD), ROUTE_CATALOG },
	{ "/services/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST), ROUTE_FORM },
	{ "/receipt/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_RECEIPT },
	/* POST: the appointment's buttons (cancel, move). */
	{ "/status/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST), ROUTE_STATUS },
	/* The checkout: GET shows it, POST starts a payment. */
	{ "/pay/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST), ROUTE_PAY },
	/* Back from a provider (approved or cancelled). */
	{ "/paid/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_PAY_RETURN },
	/* A provider's notice: /webhook/<provider>. */
	{ "/webhook/", 1, M(REQ_POST), ROUTE_WEBHOOK },
	/* Behind the login module: back to a local path. */
	{ "/login", 0, M(REQ_GET) | M(REQ_HEAD), ROUTE_LOGIN },
	/* Meine Anträge: GET lists, POST claims an anonymous submission. */
	{ "/my", 0, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST), ROUTE_MY },
	/* One submission's Postkorb: GET shows it, POST answers. */
	{ "/my/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST),
	    ROUTE_MY_SUBMISSION },
	/* The legal notice, privacy notice, accessibility statement. */
	{ "/legal/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_LEGAL },
	/* The town's stylesheet and logo (page_site.c). */
	{ "/site/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_SITE },
	/* A submission's appointment as a calendar file (page_calendar.c). */
	{ "/calendar/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_CALENDAR },
	{ NULL, 0, 0, ROUTE_NONE },
}, staff_routes[] = {
	{ "/", 0, M(REQ_GET) | M(REQ_HEAD), ROUTE_STAFF_INBOX },
	/* GET shows a submission; POST is an action on it. */
	{ "/submissions/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST),
	    ROUTE_STAFF_SUBMISSION },
	{ "/files/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_STAFF_FILE },
	{ "/export/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_STAFF_EXPORT },
	/* A calendar's day: GET shows it, POST marks and blocks. */
	{ "/appointments", 0, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST),
	    ROUTE_STAFF_DAY },
	{ NULL, 0, 0, ROUTE_NONE },
};

static const char *const route_method_names[] = {
	[REQ_GET] = "GET", [REQ_HEAD] = "HEAD", [REQ_POST] = "POST",
};

/*
 * The Allow header's value for `methods` (bits of enum req_method), in
 * the order of the enum: "GET, HEAD, POST". -1 if it does not fit.
 */
int
route_allow(unsigned methods, char *out, size_t size)
{
	size_t	 i, len = 0, n;

	if (size == 0)
		return -1;
	*out = '\0';
	for (i = 0; i < sizeof(route_method_names) /
	    sizeof(route_method_names[0]); i++) {
		if (!(methods & M(i)))
			continue;
		n = strlen(route_method_names[i]);
		if (len + (len ? 2 : 0) + n + 1 > size)
			return -1;
		if (len > 0) {
			memcpy(out + len, ", ", 2);
			len += 2;
		}
		memcpy(out + len, route_method_names[i], n + 1);
		len += n;
	}
	return 0;
}

/* Service ids and references: lower-case letters, digits and '-'. */
static int
route_arg_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= ROUTE_ARG_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

void
route_match(enum route_site site, const char *path, enum req_method method,
    struct route_match *m)
{
	const struct route *routes = site == ROUTE_STAFF ? staff_routes :
	    citizen_routes;
	size_t	 i, plen;

	memset(m, 0, sizeof(*m));
	m->page = ROUTE_NONE;
	m->status = 404;
	for (i = 0; routes[i].prefix != NULL; i++) {
		plen = strlen(routes[i].prefix);
		if (routes[i].has_arg) {
			if (strncmp(path, routes[i].prefix, plen) != 0 ||
			    !route_arg_ok(path + plen))
				continue;
			memcpy(m->arg, path + plen, strlen(path + plen) + 1);
		} else if (strcmp(path, routes[i].prefix) != 0)
			continue;
		m->page = routes[i].page;
		m->status = (routes[i].methods & M(method)) ? 200 : 405;
		if (route_allow(routes[i].methods, m->allow,
		    sizeof(m->allow)) != 0)
			m->allow[0] = '\0';
		return;
	}
}

/* One way through: no control or odd characters, no "//", "\", "..". */
static int
route_return_clean(const char *p, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/?&=%+,;:@";
	size_t	 i;

	if (len == 0 || len > ROUTE_RETURN_MAX || p[0] != '/' ||
	    strspn(p, ok) != len || strstr(p, "//") != NULL)
		return 0;
	for (i = 0; i < len; i++) {
		/* A "." or ".." segment, before any query. */
		if (p[i] == '?')
			break;
		if (p[i] == '/' && p[i + 1] == '.' && (p[i + 2] == '/' ||
		    p[i + 2] == '\0' || p[i + 2] == '?' || (p[i + 2] == '.' &&
		    (p[i + 3] == '/' || p[i + 3] == '\0' || p[i + 3] == '?'))))
			return 0;
	}
	return 1;
}

/*
 * `p` percent-decoded once into `dec` (ROUTE_RETURN_MAX + 1 bytes); 1 if
 * anything was decoded, 0 if not, -1 if it decodes to a NUL.
 */
static int
route_return_decode(const char *p, char *dec)
{
	size_t	 i, o = 0, len = strlen(p);
	int	 h, l, any = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '%' && (h = text_hexval(p[i + 1])) >= 0 &&
		    (l = text_hexval(p[i + 2])) >= 0) {
			dec[o++] = (char)(h * 16 + l);
			i += 2;
			any = 1;
		} else
			dec[o++] = p[i];
		if (dec[o - 1] == '\0')
			return -1;
	}
	dec[o] = '\0';
	return any;
}

#define ROUTE_RETURN_DECODES	3

/*
 * Where /login sends the citizen back to: `ret` (the ?return= value, as
 * decoded once) when it is a local path inside the citizen program,
 * `script` + path; either a path under the program ("/services/x") or
 * one that names the program ("/cgi-bin/rathaus.cgi/services/x"). Only
 * a single leading '/', no "//", no '\' or control character anywhere,
 * no scheme, no "." or ".." segment, bounded; and the same holds for it
 * percent-decoded again and again (a few times, then it is refused), so
 * that a browser or server decoding it once more finds no way out
 * either. Into `out` (the path to put after the origin); 0 if it is not
 * one: then the catalog.
 */
int
route_return(const char *ret, const char *script, char *out, size_t size)
{
	char	 dec[2][ROUTE_RETURN_MAX + 1];
	const char *p = ret;
	size_t	 len, slen = strlen(script);
	int	 i, rc;

	if (ret == NULL || (len = strlen(ret)) > ROUTE_RETURN_MAX ||
	    !route_return_clean(ret, len))
		return 0;
	for (i = 0; ; i++) {
		if ((rc = route_return_decode(p, dec[i % 2])) == -1 ||
		    !route_return_clean(dec[i % 2], strlen(dec[i % 2])))
			return 0;
		if (rc == 0)
			break;
		if (i == ROUTE_RETURN_DECODES)
			return 0;
		p = dec[i % 2];
	}
	/* Names the program itself: as it is; else a path inside it. */
	if (slen > 0 && strncmp(ret, script, slen) == 0 &&
	    (ret[slen] == '/' || ret[slen] == '?' || ret[slen] == '\0'))
		slen = 0;
	if (slen + len + 1 > size)
		return 0;
	memcpy(out, script, slen);
	memcpy(out + slen, ret, len + 1);
	return 1;
}
