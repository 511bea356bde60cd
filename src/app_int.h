/*
 * app_int: what app.c (the request's context and the page document's
 * helpers) gives app_serve.c (the dispatcher) and nobody else.
 */
#ifndef RATHAUS_APP_INT_H
#define RATHAUS_APP_INT_H

#include <stddef.h>

#include "app.h"

#define APP_MAINTENANCE_RETRY_S	300	/* the pages say "a few minutes" */

/* The configuration at `path`, kept in `c` while its file is unchanged. */
int	 app_conf(struct app_cache *c, const char *path, char *err,
	    size_t errlen);
/* The language of the request: ?lang=, else Accept-Language, else de. */
const char *app_pick_lang(const struct req *r);
/* The generation of the files a page is made from (pagecache.h). */
int	 app_generation(struct app *a, unsigned long long *gen);
/* The database's files as the response ends (a worker keeps by them). */
void	 app_store_seen(struct app *a);
/* The request's end for its store (kept by a worker, else closed). */
void	 app_store_done(struct app *a);

#endif
