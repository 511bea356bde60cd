/*
 * route: the one table of routes, per program (the citizens' and the
 * staff's): path prefix, whether an <id> or <ref> follows, the methods
 * allowed, and the page. The Allow header of a 405 is made from the same
 * methods (route_allow), so that no second list can disagree.
 */
#ifndef RATHAUS_ROUTE_H
#define RATHAUS_ROUTE_H

#include <stddef.h>

#include "req.h"

/* app.c's builders are indexed by this: keep ROUTE_NONE last. */
enum route_page {
	ROUTE_CATALOG,
	ROUTE_FORM,
	ROUTE_RECEIPT,
	ROUTE_STATUS,
	ROUTE_PAY,
	ROUTE_PAY_RETURN,
	ROUTE_WEBHOOK,
	ROUTE_LOGIN,
	ROUTE_MY,
	ROUTE_MY_SUBMISSION,
	ROUTE_LEGAL,
	ROUTE_SITE,
	ROUTE_CALENDAR,
	ROUTE_STAFF_INBOX,
	ROUTE_STAFF_SUBMISSION,
	ROUTE_STAFF_FILE,
	ROUTE_STAFF_EXPORT,
	ROUTE_STAFF_DAY,
	ROUTE_NONE
};

enum route_site {
	ROUTE_CITIZEN,		/* rathaus.cgi */
	ROUTE_STAFF		/* staff.cgi */
};

#define ROUTE_ARG_MAX	64
#define ROUTE_ALLOW_MAX	32	/* "GET, HEAD, POST" and NUL */
#define ROUTE_RETURN_MAX 512	/* bytes of a /login?return= path */

struct route_match {
	enum route_page	 page;
	int		 status;	/* 200, 404 or 405 */
	char		 arg[ROUTE_ARG_MAX + 1]; /* the <id> or <ref> part */
	char		 allow[ROUTE_ALLOW_MAX]; /* the route's methods, or "" */
};

void	 route_match(enum route_site, const char *path, enum req_method,
	    struct route_match *);
int	 route_allow(unsigned methods, char *out, size_t size);
int	 route_return(const char *ret, const char *script, char *out,
	    size_t size);

#endif
