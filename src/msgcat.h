/*
 * msgcat: the message catalog as one language sees it. The shipped
 * data/messages.xml holds every key in German and English and a town's
 * messages.xml single keys of its own; a page looks up a hundred keys.
 * Merged once per language and change (for each key: the town's text in
 * the language, else ours in it, else the town's German, else ours) into
 * lines "key TAB text LF" (backslash, tab and line feed escaped), kept
 * in <data_dir>/cache, and read into a hash table: the stylesheets ask
 * for a text with r:msg('key') (render.c) instead of parsing 90 KB of
 * XML and indexing it on every request.
 */
#ifndef RATHAUS_MSGCAT_H
#define RATHAUS_MSGCAT_H

#include <stddef.h>
#include <stdint.h>

struct msgcat_entry {
	const char	*key;
	const char	*text;
};

struct msgcat {
	char		*data;		/* the lines, split in place */
	struct msgcat_entry *slots;	/* open addressing, a power of 2 */
	size_t		 nslots;
	size_t		 n;
};

/* Merge `ours` and `own` (NULL or missing: none) for `lang`; 0, or -1. */
int	 msgcat_build(struct msgcat *, const char *ours, const char *own,
	    const char *lang);
/*
 * The same from its file in `cache_dir`,
 * <cache_dir>/messages-<lang>-<stamp>.txt, made when missing (the stamp
 * sums the sources' paths and stamps: a changed source makes a new file,
 * and files of older sources go). 0, or -1: cannot be read or written
 * (msgcat_build instead).
 */
int	 msgcat_load(struct msgcat *, const char *cache_dir, const char *ours,
	    const char *own, const char *lang);
/* A sum of the sources' paths and stamps: changes when one does. */
uint64_t msgcat_sources(const char *ours, const char *own);
/* The text of `key`, or NULL. */
const char *msgcat_get(const struct msgcat *, const char *key);
void	 msgcat_free(struct msgcat *);

#endif
