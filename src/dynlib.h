/*
 * dynlib: a library loaded with dlopen when a request first needs it,
 * its functions into a table of pointers. For what would cost every CGI
 * request its start-up if it were linked in, and most never use
 * (libcurl: net.c; libpq: store_pg.c; docs/PERFORMANCE.md).
 */
#ifndef RATHAUS_DYNLIB_H
#define RATHAUS_DYNLIB_H

#include <stddef.h>

/* One function: its name in the library, where its pointer goes in the
 * table (offsetof), and the pointer's size. */
struct dynlib_sym {
	const char	*name;
	size_t		 offset;
	size_t		 size;
};

/* The entry of the function `name` for the pointer `field` of `type`. */
#define DYNLIB_SYM(type, name, field) \
	{ name, offsetof(type, field), sizeof(((type *)0)->field) }

/*
 * Open `soname` and fill `table` from `syms`: 0, or -1 with the reason
 * on stderr (the library kept closed). The library stays loaded for the
 * life of the process, like the dynamic loader's own tables.
 */
int	 dynlib_load(const char *soname, const struct dynlib_sym *syms,
	    size_t nsyms, void *table);

#endif
