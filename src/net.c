#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

/*
 * The library is opened once per process and never closed: like the
 * dynamic loader's own tables, this is a cache of the process, not state
 * of a request.
 */
static struct net_curl net_fns;
static int net_loaded;		/* 1 loaded, -1 failed, 0 not yet */

/* dlsym gives a data pointer; copying it is how POSIX says to convert. */
static int
net_sym(void *lib, const char *name, void *fn, size_t size)
{
	void	*p = dlsym(lib, name);

	if (p == NULL)
		return -1;
	memcpy(fn, &p, size);
	return 0;
}

const struct net_curl *
net_curl(void)
{
	void	*lib;

	if (net_loaded != 0)
		return net_loaded > 0 ? &net_fns : NULL;
	net_loaded = -1;
	if ((lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "rathaus: cannot load libcurl: %s\n", dlerror());
		return NULL;
	}
	if (net_sym(lib, "curl_global_init", &net_fns.global_init,
	    sizeof(net_fns.global_init)) != 0 ||
	    net_sym(lib, "curl_global_cleanup", &net_fns.global_cleanup,
	    sizeof(net_fns.global_cleanup)) != 0 ||
	    net_sym(lib, "curl_easy_init", &net_fns.easy_init,
	    sizeof(net_fns.easy_init)) != 0 ||
	    net_sym(lib, "curl_easy_setopt", &net_fns.easy_setopt,
	    sizeof(net_fns.easy_setopt)) != 0 ||
	    net_sym(lib, "curl_easy_perform", &net_fns.easy_perform,
	    sizeof(net_fns.easy_perform)) != 0 ||
	    net_sym(lib, "curl_easy_getinfo", &net_fns.easy_getinfo,
	    sizeof(net_fns.easy_getinfo)) != 0 ||
	    net_sym(lib, "curl_easy_cleanup", &net_fns.easy_cleanup,
	    sizeof(net_fns.easy_cleanup)) != 0 ||
	    net_sym(lib, "curl_easy_strerror", &net_fns.easy_strerror,
	    sizeof(net_fns.easy_strerror)) != 0 ||
	    net_sym(lib, "curl_slist_append", &net_fns.slist_append,
	    sizeof(net_fns.slist_append)) != 0 ||
	    net_sym(lib, "curl_slist_free_all", &net_fns.slist_free_all,
	    sizeof(net_fns.slist_free_all)) != 0) {
		fprintf(stderr, "rathaus: libcurl lacks a function we use\n");
		dlclose(lib);
		return NULL;
	}
	net_loaded = 1;
	return &net_fns;
}
