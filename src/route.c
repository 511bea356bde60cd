#include "config.h"

#include <string.h>

#include "route.h"

#define M(x)	(1u << (x))

static const struct route {
	const char	*prefix;	/* exact path, or prefix ending in '/' */
	int		 has_arg;
	unsigned	 methods;
	enum route_page	 page;
} routes[] = {
	{ "/", 0, M(REQ_GET) | M(REQ_HEAD), ROUTE_CATALOG },
	{ "/services/", 1, M(REQ_GET) | M(REQ_HEAD) | M(REQ_POST), ROUTE_FORM },
	{ "/receipt/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_RECEIPT },
	{ "/status/", 1, M(REQ_GET) | M(REQ_HEAD), ROUTE_STATUS },
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
route_match(const char *path, enum req_method method, struct route_match *m)
{
	size_t	 i, plen;

	memset(m, 0, sizeof(*m));
	m->page = ROUTE_NONE;
	m->status = 404;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
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
