#include "config.h"

#include <stddef.h>

#include "dynlib.h"
#include "net.h"

/*
 * The library is opened once per process and never closed: like the
 * dynamic loader's own tables, this is a cache of the process, not state
 * of a request.
 */
static struct net_curl net_fns;
static int net_loaded;		/* 1 loaded, -1 failed, 0 not yet */

#define NET_SYM(name, field)	DYNLIB_SYM(struct net_curl, name, field)

static const struct dynlib_sym net_syms[] = {
	NET_SYM("curl_global_init", global_init),
	NET_SYM("curl_global_cleanup", global_cleanup),
	NET_SYM("curl_easy_init", easy_init),
	NET_SYM("curl_easy_setopt", easy_setopt),
	NET_SYM("curl_easy_perform", easy_perform),
	NET_SYM("curl_easy_getinfo", easy_getinfo),
	NET_SYM("curl_easy_cleanup", easy_cleanup),
	NET_SYM("curl_easy_strerror", easy_strerror),
	NET_SYM("curl_slist_append", slist_append),
	NET_SYM("curl_slist_free_all", slist_free_all),
};

const struct net_curl *
net_curl(void)
{
	if (net_loaded == 0)
		net_loaded = dynlib_load("libcurl.so.4", net_syms,
		    sizeof(net_syms) / sizeof(net_syms[0]), &net_fns) == 0 ?
		    1 : -1;
	return net_loaded > 0 ? &net_fns : NULL;
}
