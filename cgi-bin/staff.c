/*
 * staff.cgi: the back office for clerks, behind web-server authentication
 * (REMOTE_USER). All the work is in src/app.c and src/staff.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "app.h"

static const char *
env(const char *name)
{
	return getenv(name);
}

int
main(void)
{
	/* The database and what it writes beside it: owner and group. */
	umask(027);
	return app_run(ROUTE_STAFF, env, stdin, stdout);
}
