#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pagecache.h"

/*
 * The pages kept: a process cache like the parsed stylesheets (render.c),
 * filled and used by one request at a time. When full, the least used
 * page makes room.
 */
#define PAGECACHE_MAX	64

static struct pagecache_entry pagecache[PAGECACHE_MAX];
static size_t pagecache_n;

/* FNV-1a, 64 bits. */
static uint64_t
pagecache_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t	 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* One file's part of the generation: its path and its stamp. */
static uint64_t
pagecache_stamp(const char *path, const struct stat *st)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	long long v[4] = { (long long)st->st_mtim.tv_sec,
	    (long long)st->st_mtim.tv_nsec, (long long)st->st_size,
	    (long long)st->st_ino };

	h = pagecache_hash(h, path, strlen(path));
	return pagecache_hash(h, v, sizeof(v));
}

/*
 * Add up the stamps of `path` and, for a directory, of what is in it,
 * `depth` levels down. The sum does not depend on the order readdir
 * gives; a file added, removed, renamed or changed changes it.
 */
static void
pagecache_walk(const char *path, int depth, uint64_t *sum)
{
	char	 sub[4096];
	struct stat st;
	struct dirent *e;
	DIR	*d;

	if (stat(path, &st) != 0)
		return;
	*sum += pagecache_stamp(path, &st);
	if (!S_ISDIR(st.st_mode) || depth == 0 || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
		    e->d_name) >= sizeof(sub))
			continue;
		pagecache_walk(sub, depth - 1, sum);
	}
	closedir(d);
}

/*
 * The generation of everything a page is made from besides the request:
 * the configuration file, share_dir's stylesheets, catalogs, schemas and
 * code lists, and the town's site directory (its forms included). 0, or
 * -1 when a name is too long.
 */
int
pagecache_generation(const char *conf_path, const char *share_dir,
    const char *site_dir, unsigned long long *gen)
{
	static const char *const shared[] = { "xsl", "data", "forms" };
	char	 path[4096];
	uint64_t sum = 0;
	size_t	 i;

	pagecache_walk(conf_path, 0, &sum);
	for (i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", share_dir,
		    shared[i]) >= sizeof(path))
			return -1;
		pagecache_walk(path, 2, &sum);
	}
	if (site_dir != NULL && *site_dir != '\0')
		pagecache_walk(site_dir, 3, &sum);
	*gen = (unsigned long long)sum;
	return 0;
}

const struct pagecache_entry *
pagecache_get(const char *key)
{
	size_t	 i;

	for (i = 0; i < pagecache_n; i++)
		if (strcmp(pagecache[i].key, key) == 0) {
			pagecache[i].uses++;
			return &pagecache[i];
		}
	return NULL;
}

static void
pagecache_free(struct pagecache_entry *e)
{
	free(e->key);
	free(e->html);
	memset(e, 0, sizeof(*e));
}

/*
 * Keep a page under `key`; `token` (or NULL): the request's double-submit
 * key, whose places in the page pagecache_copy fills with another's.
 * Best effort: a page that cannot be kept is made again next time.
 */
void
pagecache_put(const char *key, const char *html, size_t len,
    const char *token, int private_page)
{
	struct pagecache_entry e, *slot;
	const char *p;
	size_t	 i, least = 0;

	memset(&e, 0, sizeof(e));
	if (token != NULL && *token != '\0') {
		e.token_len = strlen(token);
		for (p = html; (p = memmem(p, len - (size_t)(p - html), token,
		    e.token_len)) != NULL; p += e.token_len) {
			if (e.ntokens == PAGECACHE_KEYS_MAX)
				return;
			e.token_at[e.ntokens++] = (size_t)(p - html);
		}
	}
	if ((e.key = strdup(key)) == NULL || (e.html = malloc(len)) == NULL) {
		free(e.key);
		return;
	}
	memcpy(e.html, html, len);
	e.len = len;
	e.private_page = private_page;
	for (i = 0; i < pagecache_n; i++)
		if (strcmp(pagecache[i].key, key) == 0)
			break;
	if (i == pagecache_n && pagecache_n < PAGECACHE_MAX)
		i = pagecache_n++;
	else if (i == pagecache_n) {
		for (i = 1; i < pagecache_n; i++)
			if (pagecache[i].uses < pagecache[least].uses)
				least = i;
		i = least;
	}
	slot = &pagecache[i];
	pagecache_free(slot);
	*slot = e;
}

/*
 * A copy of the page with `token` at the places of the one it was made
 * with (malloc'ed; NULL when out of memory or the token has another
 * length).
 */
char *
pagecache_copy(const struct pagecache_entry *e, const char *token)
{
	char	*html;
	size_t	 i;

	if (e->ntokens > 0 && (token == NULL || strlen(token) != e->token_len))
		return NULL;
	if ((html = malloc(e->len + 1)) == NULL)
		return NULL;
	memcpy(html, e->html, e->len);
	html[e->len] = '\0';
	for (i = 0; i < e->ntokens; i++)
		memcpy(html + e->token_at[i], token, e->token_len);
	return html;
}

void
pagecache_clear(void)
{
	while (pagecache_n > 0)
		pagecache_free(&pagecache[--pagecache_n]);
}
