#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/hash.h>
#include <libxml/parser.h>

#include "buf.h"
#include "cachefile.h"
#include "msgcat.h"

#define MSGCAT_XML_NS	"http://www.w3.org/XML/1998/namespace"
#define MSGCAT_OLD_S	60	/* a file of older sources goes after this */
#define MSGCAT_MAX	(4 << 20)	/* bytes of merged lines */

static int
msgcat_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The <text> of <msg> `m` in `lang`, or NULL. */
static xmlNodePtr
msgcat_text(xmlNodePtr m, const char *lang)
{
	xmlNodePtr t;
	xmlChar *l;
	int	 same;

	if (m == NULL)
		return NULL;
	for (t = m->children; t != NULL; t = t->next) {
		if (!msgcat_is(t, "text"))
			continue;
		if ((l = xmlGetNsProp(t, (const xmlChar *)"lang",
		    (const xmlChar *)MSGCAT_XML_NS)) == NULL)
			continue;
		same = strcmp((const char *)l, lang) == 0;
		xmlFree(l);
		if (same)
			return t;
	}
	return NULL;
}

static xmlDocPtr
msgcat_read(const char *path)
{
	if (path == NULL || access(path, R_OK) != 0)
		return NULL;
	return xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The <msg> of `doc` by key (the first of a key counts). */
static xmlHashTablePtr
msgcat_keys(xmlDocPtr doc)
{
	xmlHashTablePtr h;
	xmlNodePtr m, root;
	xmlChar *key;

	if ((h = xmlHashCreate(512)) == NULL)
		return NULL;
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL)
		return h;
	for (m = root->children; m != NULL; m = m->next) {
		if (!msgcat_is(m, "msg") ||
		    (key = xmlGetProp(m, (const xmlChar *)"key")) == NULL)
			continue;
		(void)xmlHashAddEntry(h, key, m);	/* a second: ignored */
		xmlFree(key);
	}
	return h;
}

/* Append "key TAB text LF" with the text that wins for `lang`. */
static int
msgcat_line(struct buf *out, const xmlChar *key, xmlNodePtr own,
    xmlNodePtr ours, const char *lang)
{
	xmlNodePtr t;
	xmlChar *text;
	const char *c;

	if (strpbrk((const char *)key, "\t\n\r\\") != NULL)
		return 0;		/* no such key in any stylesheet */
	if ((t = msgcat_text(own, lang)) == NULL &&
	    (t = msgcat_text(ours, lang)) == NULL &&
	    (t = msgcat_text(own, "de")) == NULL &&
	    (t = msgcat_text(ours, "de")) == NULL)
		return 0;
	if ((text = xmlNodeGetContent(t)) == NULL)
		return -1;
	buf_addstr(out, (const char *)key);
	buf_addch(out, '\t');
	for (c = (const char *)text; *c != '\0'; c++)
		switch (*c) {
		case '\\': buf_addstr(out, "\\\\"); break;
		case '\t': buf_addstr(out, "\\t"); break;
		case '\n': buf_addstr(out, "\\n"); break;
		case '\r': buf_addstr(out, "\\r"); break;
		default: buf_addch(out, *c); break;
		}
	buf_addch(out, '\n');
	xmlFree(text);
	return out->failed ? -1 : 0;
}

/* The merged lines of `ours_path` and `own_path` for `lang` in `out`. */
static int
msgcat_merge(struct buf *out, const char *ours_path, const char *own_path,
    const char *lang)
{
	xmlDocPtr ours, own;
	xmlHashTablePtr own_keys = NULL, ours_keys = NULL;
	xmlNodePtr m;
	xmlChar *key;
	int	 rc = -1;

	if ((ours = msgcat_read(ours_path)) == NULL)
		return -1;
	own = msgcat_read(own_path);
	if ((own_keys = msgcat_keys(own)) == NULL ||
	    (ours_keys = msgcat_keys(ours)) == NULL ||
	    xmlDocGetRootElement(ours) == NULL)
		goto done;
	/* Ours in their order, then the town's keys we do not have. */
	for (m = xmlDocGetRootElement(ours)->children; m != NULL; m = m->next) {
		if (!msgcat_is(m, "msg") ||
		    (key = xmlGetProp(m, (const xmlChar *)"key")) == NULL)
			continue;
		if (xmlHashLookup(ours_keys, key) == m &&
		    msgcat_line(out, key, xmlHashLookup(own_keys, key), m,
		    lang) != 0) {
			xmlFree(key);
			goto done;
		}
		xmlFree(key);
	}
	if (own != NULL && xmlDocGetRootElement(own) != NULL)
		for (m = xmlDocGetRootElement(own)->children; m != NULL;
		    m = m->next) {
			if (!msgcat_is(m, "msg") || (key = xmlGetProp(m,
			    (const xmlChar *)"key")) == NULL)
				continue;
			if (xmlHashLookup(ours_keys, key) == NULL &&
			    xmlHashLookup(own_keys, key) == m &&
			    msgcat_line(out, key, m, NULL, lang) != 0) {
				xmlFree(key);
				goto done;
			}
			xmlFree(key);
		}
	rc = 0;
done:
	xmlHashFree(own_keys, NULL);
	xmlHashFree(ours_keys, NULL);
	if (own != NULL)
		xmlFreeDoc(own);
	xmlFreeDoc(ours);
	return rc;
}

static uint64_t
msgcat_hash(const char *key)
{
	return cachefile_hash(CACHEFILE_HASH_INIT, key, strlen(key));
}

/* Undo msgcat_line's escapes in place, up to `end`; the new end. */
static char *
msgcat_unescape(char *s, char *end)
{
	char	*w = s;

	for (; s < end; s++) {
		if (*s != '\\' || s + 1 == end) {
			*w++ = *s;
			continue;
		}
		switch (*++s) {
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		default: *w++ = *s; break;
		}
	}
	return w;
}

/* Take `data` (NUL-terminated lines, malloc'ed) as the catalog. */
static int
msgcat_index(struct msgcat *cat, char *data)
{
	char	*line, *tab, *nl;
	size_t	 lines = 0, i;

	memset(cat, 0, sizeof(*cat));
	cat->data = data;
	for (line = data; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		lines++;
	for (cat->nslots = 16; cat->nslots < lines * 2; cat->nslots *= 2)
		;
	if ((cat->slots = calloc(cat->nslots, sizeof(*cat->slots))) == NULL) {
		msgcat_free(cat);
		return -1;
	}
	for (line = data; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		if ((tab = memchr(line, '\t', (size_t)(nl - line))) == NULL)
			continue;
		*tab = '\0';
		*msgcat_unescape(tab + 1, nl) = '\0';
		i = (size_t)msgcat_hash(line) & (cat->nslots - 1);
		while (cat->slots[i].key != NULL &&
		    strcmp(cat->slots[i].key, line) != 0)
			i = (i + 1) & (cat->nslots - 1);
		if (cat->slots[i].key != NULL)
			continue;		/* the first counts */
		cat->slots[i].key = line;
		cat->slots[i].text = tab + 1;
		cat->n++;
	}
	return 0;
}

const char *
msgcat_get(const struct msgcat *cat, const char *key)
{
	size_t	 i;

	if (cat->nslots == 0)
		return NULL;
	i = (size_t)msgcat_hash(key) & (cat->nslots - 1);
	for (; cat->slots[i].key != NULL; i = (i + 1) & (cat->nslots - 1))
		if (strcmp(cat->slots[i].key, key) == 0)
			return cat->slots[i].text;
	return NULL;
}

void
msgcat_free(struct msgcat *cat)
{
	free(cat->data);
	free(cat->slots);
	memset(cat, 0, sizeof(*cat));
}

/* The merged lines, malloc'ed and NUL-terminated, or NULL. */
static char *
msgcat_lines(const char *ours, const char *own, const char *lang)
{
	struct buf lines;

	buf_init(&lines, MSGCAT_MAX);
	if (msgcat_merge(&lines, ours, own, lang) != 0 ||
	    buf_addstr(&lines, "") != 0) {	/* a buffer even when empty */
		buf_free(&lines);
		return NULL;
	}
	return buf_steal(&lines);
}

int
msgcat_build(struct msgcat *cat, const char *ours, const char *own,
    const char *lang)
{
	char	*data;

	memset(cat, 0, sizeof(*cat));
	if ((data = msgcat_lines(ours, own, lang)) == NULL)
		return -1;
	return msgcat_index(cat, data);
}

uint64_t
msgcat_sources(const char *ours, const char *own)
{
	return cachefile_stamp(cachefile_stamp(CACHEFILE_HASH_INIT, ours, NULL),
	    own, NULL);
}

int
msgcat_load(struct msgcat *cat, const char *cache_dir, const char *ours,
    const char *own, const char *lang)
{
	char	 path[4096], prefix[32], *data;
	const char *l;
	size_t	 len;

	memset(cat, 0, sizeof(*cat));
	for (l = lang; *l; l++)		/* a part of a file name */
		if (*l < 'a' || *l > 'z' || l - lang >= 8)
			return -1;
	if ((size_t)snprintf(prefix, sizeof(prefix), "messages-%s-", lang) >=
	    sizeof(prefix) || (size_t)snprintf(path, sizeof(path),
	    "%s/%s%016llx.txt", cache_dir, prefix,
	    (unsigned long long)msgcat_sources(ours, own)) >= sizeof(path))
		return -1;
	if ((data = cachefile_read(path, MSGCAT_MAX, &len)) != NULL)
		return msgcat_index(cat, data);
	if (errno != ENOENT || (data = msgcat_lines(ours, own, lang)) == NULL)
		return -1;
	/* Best effort: the file spares the next request the merge. */
	if (cachefile_write(cache_dir, path, data, strlen(data)) == 0)
		cachefile_prune(cache_dir, prefix, ".txt", MSGCAT_OLD_S, path);
	return msgcat_index(cat, data);
}
