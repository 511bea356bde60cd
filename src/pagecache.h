/*
 * pagecache: rendered pages served again while nothing they were made
 * from has changed: the catalog, the legal pages and a form's empty
 * first page for a visitor who is not logged in. A page is found by a
 * key that holds everything it depends on: the route, path, query and
 * language, today's date, and the generation of the files (a sum over
 * the stamps of every file of the configuration, the shipped
 * stylesheets, catalogs, schemas and code lists, and the town's site
 * directory). The per-visitor parts are not in the stored page: the
 * double-submit key's places are blanked and filled with each visitor's
 * own, and cookies are headers of each request's own.
 *
 * A persistent program (FastCGI) keeps pages, and memos for
 * PAGECACHE_MEMO_AGE_S, in its memory (struct pagecache); a CGI, which
 * ends after one request, in files under <data_dir>/cache
 * (pagecache_load, pagecache_save).
 */
#ifndef RATHAUS_PAGECACHE_H
#define RATHAUS_PAGECACHE_H

#include <stddef.h>
#include <time.h>

#define PAGECACHE_KEYS_MAX	4	/* places of the token in one page */
/*
 * A memo: a page whose key starts so is kept by the digest of the
 * document it was made from (app.c), personal data and all. Its key is
 * "memo <slot>|<generation> <digest>", and its file is named by the slot
 * alone (the page's path and language): a page of another document
 * replaces it, so that no visitor can fill the disk by asking for one
 * page with ever other queries. Named apart, so that `rathaus purge` can
 * remove every memo.
 */
#define PAGECACHE_MEMO		"memo "
#define PAGECACHE_MEMO_SLOT	'|'
#define PAGECACHE_MEMO_FILE	"memo-"
#define PAGECACHE_MAX		64	/* pages one process keeps */
/*
 * How long a persistent program keeps a memo in its memory: it may show
 * personal data, and `rathaus purge`, another process, cannot reach it
 * (a purged submission's page is another document, so such a memo is
 * never served again, but it would stay until evicted).
 */
#define PAGECACHE_MEMO_AGE_S	600

struct pagecache_entry {
	char		*key;
	char		*html;
	size_t		 len;
	size_t		 token_at[PAGECACHE_KEYS_MAX];
	size_t		 ntokens;
	size_t		 token_len;
	int		 private_page;
	unsigned long	 uses;
	time_t		 made;		/* kept in memory: CLOCK_MONOTONIC s */
};

struct pagecache {
	struct pagecache_entry pages[PAGECACHE_MAX];
	size_t		 n;
};

int	 pagecache_generation(const char *conf_path, const char *share_dir,
	    const char *site_dir, unsigned long long *gen);

/* A memo older than PAGECACHE_MEMO_AGE_S is none (and goes). */
const struct pagecache_entry *pagecache_get(struct pagecache *,
	    const char *key);
/* A memo replaces the one of its slot; old memos go. */
void	 pagecache_put(struct pagecache *, const char *key, const char *html,
	    size_t len, const char *token, int private_page);
void	 pagecache_clear(struct pagecache *);

/* 0: *e holds the page (pagecache_entry_free), 1: none kept, -1: error. */
int	 pagecache_load(const char *dir, const char *key,
	    struct pagecache_entry *e);
/* Best effort: 0, or -1 (the page is made again next time). */
int	 pagecache_save(const char *dir, const char *key, const char *html,
	    size_t len, const char *token, int private_page);
void	 pagecache_entry_free(struct pagecache_entry *);
/* Every memo in `dir` goes (best effort). */
void	 pagecache_forget_memos(const char *dir);

char	*pagecache_copy(const struct pagecache_entry *, const char *token);

#endif
