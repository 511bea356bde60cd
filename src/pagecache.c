#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cachefile.h"
#include "pagecache.h"

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
	struct stamp stamp;
	struct dirent *e;
	DIR	*d;

	if (stat(path, &st) != 0)
		return;
	stamp_from_stat(&st, &stamp);
	*sum += cachefile_stamp(CACHEFILE_HASH_INIT, path, &stamp);
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

/* The length of a memo's slot in `key` (up to PAGECACHE_MEMO_SLOT), or
 * 0: `key` is no memo's. */
static size_t
pagecache_memo_slot(const char *key)
{
	const char *end;

	if (strncmp(key, PAGECACHE_MEMO, strlen(PAGECACHE_MEMO)) != 0 ||
	    (end = strchr(key, PAGECACHE_MEMO_SLOT)) == NULL)
		return 0;
	return (size_t)(end - key);
}

static time_t
pagecache_now(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_MONOTONIC, &ts) == 0 ? ts.tv_sec : 0;
}

/* Entry i goes; the last takes its place. */
static void
pagecache_drop(struct pagecache *c, size_t i)
{
	pagecache_entry_free(&c->pages[i]);
	if (i != --c->n) {
		c->pages[i] = c->pages[c->n];
		memset(&c->pages[c->n], 0, sizeof(c->pages[c->n]));
	}
}

/* The memos kept longer than PAGECACHE_MEMO_AGE_S go. */
static void
pagecache_expire(struct pagecache *c, time_t now)
{
	size_t	 i = 0;

	while (i < c->n)
		if (pagecache_memo_slot(c->pages[i].key) != 0 &&
		    (now < c->pages[i].made ||
		    now - c->pages[i].made > PAGECACHE_MEMO_AGE_S))
			pagecache_drop(c, i);
		else
			i++;
}

const struct pagecache_entry *
pagecache_get(struct pagecache *c, const char *key)
{
	size_t	 i;

	if (pagecache_memo_slot(key) != 0)
		pagecache_expire(c, pagecache_now());
	for (i = 0; i < c->n; i++)
		if (strcmp(c->pages[i].key, key) == 0) {
			c->pages[i].uses++;
			return &c->pages[i];
		}
	return NULL;
}

void
pagecache_entry_free(struct pagecache_entry *e)
{
	free(e->key);
	free(e->html);
	memset(e, 0, sizeof(*e));
}

/*
 * An entry for `html` with the places of `token` (or NULL: the
 * request's double-submit key) blanked; 0, or -1 (out of memory, or the
 * token more often in the page than kept places).
 */
static int
pagecache_entry_make(struct pagecache_entry *e, const char *key,
    const char *html, size_t len, const char *token, int private_page)
{
	const char *p;
	size_t	 i;

	memset(e, 0, sizeof(*e));
	if (token != NULL && *token != '\0') {
		e->token_len = strlen(token);
		for (p = html; (p = memmem(p, len - (size_t)(p - html), token,
		    e->token_len)) != NULL; p += e->token_len) {
			if (e->ntokens == PAGECACHE_KEYS_MAX)
				return -1;
			e->token_at[e->ntokens++] = (size_t)(p - html);
		}
	}
	if ((e->key = strdup(key)) == NULL || (e->html = malloc(len)) == NULL) {
		pagecache_entry_free(e);
		return -1;
	}
	memcpy(e->html, html, len);
	for (i = 0; i < e->ntokens; i++)
		memset(e->html + e->token_at[i], '0', e->token_len);
	e->len = len;
	e->private_page = private_page;
	return 0;
}

/*
 * Keep a page under `key` in memory. Best effort: a page that cannot be
 * kept is made again next time. When full, the least used makes room.
 */
void
pagecache_put(struct pagecache *c, const char *key, const char *html,
    size_t len, const char *token, int private_page)
{
	struct pagecache_entry e;
	size_t	 i, least = 0, slot = pagecache_memo_slot(key);

	if (pagecache_entry_make(&e, key, html, len, token, private_page) != 0)
		return;
	e.made = pagecache_now();
	pagecache_expire(c, e.made);
	/* The same key, or for a memo the same slot: replaced. */
	for (i = 0; i < c->n; i++)
		if (slot != 0 ? strncmp(c->pages[i].key, key, slot + 1) == 0 :
		    strcmp(c->pages[i].key, key) == 0)
			break;
	if (i == c->n && c->n < PAGECACHE_MAX)
		i = c->n++;
	else if (i == c->n) {
		for (i = 1; i < c->n; i++)
			if (c->pages[i].uses < c->pages[least].uses)
				least = i;
		i = least;
	}
	pagecache_entry_free(&c->pages[i]);
	c->pages[i] = e;
}

void
pagecache_clear(struct pagecache *c)
{
	while (c->n > 0)
		pagecache_entry_free(&c->pages[--c->n]);
}

/*
 * On disk a page is one file, <dir>/<hash of the key>.page (a memo's
 * memo-<hash>.page):
 *   "rathaus-page 1" LF key LF
 *   private token_len ntokens length at... LF
 *   the page (length bytes)
 * A file whose key is another's (the hash's rare collision) or whose
 * length is not the one written (torn) is no page.
 */
#define PAGECACHE_MAGIC		"rathaus-page 1\n"
#define PAGECACHE_FILE_MAX	(8u << 20)
#define PAGECACHE_AGE_S		(2 * 24 * 3600)	/* pages of days gone */
#define PAGECACHE_PRUNE_EVERY_S	600	/* a walk of the directory at most */
#define PAGECACHE_PRUNED	"pruned"	/* its mtime: the last walk */

/*
 * The file of a page: named by a hash of its key, or, for a memo, of its
 * slot (PAGECACHE_MEMO_SLOT): one file per slot, which a page made from
 * another document replaces.
 */
static int
pagecache_path(char *path, size_t size, const char *dir, const char *key)
{
	size_t	 slot = pagecache_memo_slot(key);
	uint64_t h;
	int	 memo = strncmp(key, PAGECACHE_MEMO, strlen(PAGECACHE_MEMO)) == 0;

	h = cachefile_hash(CACHEFILE_HASH_INIT, key, slot != 0 ? slot :
	    strlen(key));
	return (size_t)snprintf(path, size, "%s/%s%016llx.page", dir,
	    memo ? PAGECACHE_MEMO_FILE : "", (unsigned long long)h) < size ?
	    0 : -1;
}

void
pagecache_forget_memos(const char *dir)
{
	cachefile_prune(dir, PAGECACHE_MEMO_FILE, ".page", 0, NULL);
}

/* A decimal number of at most 12 digits at *p; 0, or -1. */
static int
pagecache_number(const char **p, const char *end, unsigned long long *v)
{
	const char *s = *p;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9' && *p - s < 12)
		*v = *v * 10 + (unsigned long long)(*(*p)++ - '0');
	return *p == s ? -1 : 0;
}

/* Parse the numbers line of a page file; 0, or -1. */
static int
pagecache_parse_line(const char *line, const char *end,
    struct pagecache_entry *e, size_t *len)
{
	unsigned long long v[3 + PAGECACHE_KEYS_MAX];
	size_t	 n = 0, i;
	const char *p = line;

	while (p < end && n < sizeof(v) / sizeof(v[0])) {
		if (pagecache_number(&p, end, &v[n]) != 0)
			return -1;
		n++;
		if (p < end && *p == ' ')
			p++;
	}
	if (p != end || n < 4 || v[0] > 1 || v[2] > PAGECACHE_KEYS_MAX ||
	    n != 4 + v[2])
		return -1;
	e->private_page = (int)v[0];
	e->token_len = (size_t)v[1];
	e->ntokens = (size_t)v[2];
	*len = (size_t)v[3];
	for (i = 0; i < e->ntokens; i++) {
		if (v[4 + i] > *len || e->token_len > *len - v[4 + i])
			return -1;
		e->token_at[i] = (size_t)v[4 + i];
	}
	return 0;
}

int
pagecache_load(const char *dir, const char *key, struct pagecache_entry *e)
{
	char	 path[4096], *data, *p, *nl, *end;
	size_t	 klen = strlen(key), got, len;
	int	 rc = 1;

	memset(e, 0, sizeof(*e));
	if (strchr(key, '\n') != NULL ||
	    pagecache_path(path, sizeof(path), dir, key) != 0)
		return -1;
	if ((data = cachefile_read(path, PAGECACHE_FILE_MAX, &got)) == NULL)
		return errno == ENOENT ? 1 : -1;
	end = data + got;
	p = data;
	if (got < sizeof(PAGECACHE_MAGIC) - 1 + klen + 1 ||
	    memcmp(p, PAGECACHE_MAGIC, sizeof(PAGECACHE_MAGIC) - 1) != 0)
		goto out;
	p += sizeof(PAGECACHE_MAGIC) - 1;
	if (memcmp(p, key, klen) != 0 || p[klen] != '\n')
		goto out;
	p += klen + 1;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
	    pagecache_parse_line(p, nl, e, &len) != 0 ||
	    (size_t)(end - nl - 1) != len)
		goto out;
	if ((e->key = strdup(key)) == NULL ||
	    (e->html = malloc(len + 1)) == NULL) {
		rc = -1;
		goto out;
	}
	memcpy(e->html, nl + 1, len);
	e->html[len] = '\0';
	e->len = len;
	free(data);
	return 0;
out:
	free(data);
	pagecache_entry_free(e);
	return rc;
}

/*
 * Pages older than PAGECACHE_AGE_S go, in one walk of the directory per
 * PAGECACHE_PRUNE_EVERY_S at most: with a memo for each page shown it
 * holds thousands, and a walk on every save would cost each new page
 * milliseconds. Two processes may both walk: no harm.
 */
static void
pagecache_prune(const char *dir)
{
	char	 path[4096];
	struct stat st;
	time_t	 now = time(NULL);
	int	 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/" PAGECACHE_PRUNED,
	    dir) >= sizeof(path) || (stat(path, &st) == 0 &&
	    st.st_mtime <= now && now - st.st_mtime < PAGECACHE_PRUNE_EVERY_S))
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) >= 0) {
		(void)futimens(fd, NULL);
		(void)close(fd);
	}
	cachefile_prune(dir, "", ".page", PAGECACHE_AGE_S, NULL);
}

int
pagecache_save(const char *dir, const char *key, const char *html,
    size_t len, const char *token, int private_page)
{
	struct pagecache_entry e;
	struct buf file;
	char	 path[4096];
	size_t	 i;
	int	 rc;

	if (strchr(key, '\n') != NULL || len > PAGECACHE_FILE_MAX / 2 ||
	    pagecache_path(path, sizeof(path), dir, key) != 0 ||
	    pagecache_entry_make(&e, key, html, len, token, private_page) != 0)
		return -1;
	buf_init(&file, PAGECACHE_FILE_MAX);
	buf_printf(&file, "%s%s\n%d %zu %zu %zu", PAGECACHE_MAGIC, key,
	    e.private_page, e.token_len, e.ntokens, e.len);
	for (i = 0; i < e.ntokens; i++)
		buf_printf(&file, " %zu", e.token_at[i]);
	buf_addch(&file, '\n');
	buf_add(&file, e.html, e.len);
	rc = file.failed ? -1 : cachefile_write(dir, path, file.data,
	    file.len);
	buf_free(&file);
	pagecache_entry_free(&e);
	/* After the write, which makes the directory. */
	pagecache_prune(dir);
	return rc;
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
