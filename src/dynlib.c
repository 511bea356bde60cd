#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dynlib.h"

int
dynlib_load(const char *soname, const struct dynlib_sym *syms, size_t nsyms,
    void *table)
{
	void	*lib, *p;
	size_t	 i;

	if ((lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "rathaus: cannot load %s: %s\n", soname,
		    dlerror());
		return -1;
	}
	for (i = 0; i < nsyms; i++) {
		/* dlsym gives a data pointer; copying it is how POSIX says
		 * to convert it to a function's. */
		if ((p = dlsym(lib, syms[i].name)) == NULL ||
		    syms[i].size != sizeof(p)) {
			fprintf(stderr, "rathaus: %s lacks %s\n", soname,
			    syms[i].name);
			dlclose(lib);
			return -1;
		}
		memcpy((char *)table + syms[i].offset, &p, sizeof(p));
	}
	return 0;
}
