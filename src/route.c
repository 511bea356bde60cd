#include "config.h"

#include <string.h>

#include "route.h"

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
	{ "/status/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_STATUS },
	/* The checkout: GET shows it, POST starts a payment. */
	{ "/pay/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST), ROUTE_PAY },
	/* Back from a provider (approved or cancelled). */
	{ "/paid/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_PAY_RETURN },
	/* A provider's notice: /webhook/<provider>. */
	{ "/webhook/", 1, M(REQ_POST), ROUTE_WEBHOOK },
	{ NULL, 0, 0, ROUTE_NONE },
}, staff_routes[] = {
	{ "/", 0, M(REQ_GET) | M(REQ_HEAD), ROUTE_STAFF_INBOX },
	/* GET shows a submission; POST is an action on it. */
	{ "/submissions/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST),
	    ROUTE_STAFF_SUBMISSION },
	{ "/files/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_STAFF_FILE },
	{ "/export/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_STAFF_EXPORT },
	{ NULL, 0, 0, ROUTE_NONE },
};

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
		return;
	}
}
