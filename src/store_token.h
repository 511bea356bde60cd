/*
 * store_token: a payment provider's OAuth access token, cached in the
 * database across the short-lived CGI processes until shortly before it
 * expires (table provider_token).
 */
#ifndef RATHAUS_STORE_TOKEN_H
#define RATHAUS_STORE_TOKEN_H

#include <stddef.h>

#include "store.h"

/* The cached token if it is still valid at `now`; else STORE_NOTFOUND. */
int	 store_token_get(struct store *, const char *provider, const char *now,
	    char *token, size_t size);
int	 store_token_put(struct store *, const char *provider, const char *token,
	    const char *expires);

#endif
