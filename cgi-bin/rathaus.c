/* rathaus.cgi: the citizens' program. All the work is in src/app.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "app.h"

static const char *
env(const char *name)
{
	return getenv(name);
}

int
main(void)
{
	return app_run(ROUTE_CITIZEN, env, stdin, stdout);
}
