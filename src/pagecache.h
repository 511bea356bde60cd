/*
 * pagecache: rendered pages that a persistent program (FastCGI) serves
 * again while nothing they were made from has changed: the catalog and a
 * form's empty first page for a visitor who is not logged in. A page is
 * found by a key that holds everything it depends on: the route, path,
 * query and language, today's date, and the generation of the files (a
 * sum over the stamps of every file of the configuration, the shipped
 * stylesheets, catalogs, schemas and code lists, and the town's site
 * directory). The per-visitor parts are not in the stored page: the
 * double-submit key is put in at its places on every use, and cookies are
 * headers of each request's own.
 */
#ifndef RATHAUS_PAGECACHE_H
#define RATHAUS_PAGECACHE_H

#include <stddef.h>

#define PAGECACHE_KEYS_MAX	4	/* places of the token in one page */

struct pagecache_entry {
	char		*key;
	char		*html;
	size_t		 len;
	size_t		 token_at[PAGECACHE_KEYS_MAX];
	size_t		 ntokens;
	size_t		 token_len;
	int		 private_page;
	unsigned long	 uses;
};

int	 pagecache_generation(const char *conf_path, const char *share_dir,
	    const char *site_dir, unsigned long long *gen);
const struct pagecache_entry *pagecache_get(const char *key);
void	 pagecache_put(const char *key, const char *html, size_t len,
	    const char *token, int private_page);
char	*pagecache_copy(const struct pagecache_entry *, const char *token);
void	 pagecache_clear(void);

#endif
