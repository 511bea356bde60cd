/*
 * staff.cgi: the back office for clerks, behind web-server authentication
 * (REMOTE_USER). All the work is in src/app.c and src/staff.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "app.h"
#include "prefault.h"
#include "xmlmem.h"

int
main(void)
{
	int	 rc;

	/* The heap a request touches, populated at once (prefault.h). */
	(void)prefault_heap(PREFAULT_CGI_BYTES);
	/* The database and what it writes beside it: owner and group. */
	umask(027);
	/* One request: libxml2's blocks from chunks (xmlmem.h). */
	(void)xmlmem_begin();
	rc = app_run(ROUTE_STAFF, &req_process_env, stdin, stdout);
	app_exit();
	xmlmem_end();
	return rc;
}
