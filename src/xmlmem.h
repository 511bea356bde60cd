/*
 * xmlmem: the memory libxml2 and libxslt allocate in a CGI process, which
 * serves one request and ends. A request parses the stylesheets and the
 * documents they read into some 50,000 small blocks; glibc's malloc and
 * free cost about 200 instructions a block, a fifth of the request's work
 * (docs/PERFORMANCE.md). Here a small block is cut from a larger chunk and
 * goes back to a free list of its size class (some 20 instructions); a
 * large one is glibc's. A persistent (FastCGI) process uses it too: after
 * its first requests the free lists hold what a request needs, and a
 * worker whose chunks grew past its limit ends (cgi-bin/fastcgi.c).
 */
#ifndef RATHAUS_XMLMEM_H
#define RATHAUS_XMLMEM_H

#include <stddef.h>

/* Before the first libxml2 call; 0, or -1 (glibc's malloc stays). */
int	 xmlmem_begin(void);
/* After the last libxml2 call (app_exit): the chunks go. */
void	 xmlmem_end(void);

/* Blocks handed out and not freed, chunks held (256 KiB each): for the
 * tests, and a FastCGI worker's limit (cgi-bin/fastcgi.c). */
struct xmlmem_stats {
	size_t	 live;
	size_t	 chunks;
};
void	 xmlmem_stats(struct xmlmem_stats *);

#endif
