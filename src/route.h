/*
 * route: the tables of routes, one per program (the citizens' and the
 * staff's); path prefix + methods -> page.
 */
#ifndef RATHAUS_ROUTE_H
#define RATHAUS_ROUTE_H

#include "req.h"

enum route_page {
	ROUTE_CATALOG,
	ROUTE_FORM,
	ROUTE_RECEIPT,
	ROUTE_STATUS,
	ROUTE_PAY,
	ROUTE_PAY_RETURN,
	ROUTE_WEBHOOK,
	ROUTE_STAFF_INBOX,
	ROUTE_STAFF_SUBMISSION,
	ROUTE_STAFF_FILE,
	ROUTE_STAFF_EXPORT,
	ROUTE_NONE
};

enum route_site {
	ROUTE_CITIZEN,		/* rathaus.cgi */
	ROUTE_STAFF		/* staff.cgi */
};

#define ROUTE_ARG_MAX	64

struct route_match {
	enum route_page	 page;
	int		 status;	/* 200, 404 or 405 */
	char		 arg[ROUTE_ARG_MAX + 1]; /* the <id> or <ref> part */
};

void	 route_match(enum route_site, const char *path, enum req_method,
	    struct route_match *);

#endif
