#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include "xmlmem.h"

/*
 * Under AddressSanitizer a block is addressable only while handed out
 * and only for the bytes asked for: the heads, the rest of a size class
 * and freed blocks stay poisoned, so that the sanitizer builds still see
 * overflows and use after free inside libxml2's memory.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define XMLMEM_HIDE(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define XMLMEM_SHOW(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define XMLMEM_HIDE(p, n)	((void)(p), (void)(n))
#define XMLMEM_SHOW(p, n)	((void)(p), (void)(n))
#endif

#define XMLMEM_ALIGN		16
#define XMLMEM_SMALL_MAX	1024		/* larger: glibc's */
#define XMLMEM_CLASSES		(XMLMEM_SMALL_MAX / XMLMEM_ALIGN)
#define XMLMEM_CHUNK		(256u << 10)
/* A head's tag: what the block is; anything else is not ours. */
#define XMLMEM_TAG_SMALL	0x786d6c6d656d5301ULL
#define XMLMEM_TAG_FREE		0x786d6c6d656d4602ULL
#define XMLMEM_TAG_LARGE	0x786d6c6d656d4c03ULL

struct xmlmem_head {		/* the 16 bytes before every block */
	size_t	 asked;		/* bytes asked for */
	uint64_t tag;
};

struct xmlmem_chunk {
	struct xmlmem_chunk *next;
	size_t	 pad;		/* keeps the blocks 16-byte aligned */
};

/*
 * libxml2's memory hooks take no context: this is the one piece of
 * process state, like malloc's own.
 */
static struct {
	struct xmlmem_chunk *chunks;
	char	*cur, *end;
	void	*free_list[XMLMEM_CLASSES + 1];
	size_t	 live, nchunks;
} xmlmem;

static size_t
xmlmem_class(size_t n)
{
	return (n + XMLMEM_ALIGN - 1) / XMLMEM_ALIGN;
}

static struct xmlmem_head
xmlmem_head_of(void *p)
{
	struct xmlmem_head *h = (struct xmlmem_head *)p - 1, head;

	XMLMEM_SHOW(h, sizeof(*h));
	head = *h;
	if (head.tag != XMLMEM_TAG_LARGE)
		XMLMEM_HIDE(h, sizeof(*h));
	return head;
}

static void
xmlmem_set_head(void *p, size_t asked, uint64_t tag)
{
	struct xmlmem_head *h = (struct xmlmem_head *)p - 1;

	XMLMEM_SHOW(h, sizeof(*h));
	h->asked = asked;
	h->tag = tag;
	if (tag != XMLMEM_TAG_LARGE)
		XMLMEM_HIDE(h, sizeof(*h));
}

static int
xmlmem_grow(void)
{
	struct xmlmem_chunk *c;

	if ((c = malloc(XMLMEM_CHUNK)) == NULL)
		return -1;
	c->next = xmlmem.chunks;
	xmlmem.chunks = c;
	xmlmem.nchunks++;
	xmlmem.cur = (char *)(c + 1);
	xmlmem.end = (char *)c + XMLMEM_CHUNK;
	XMLMEM_HIDE(xmlmem.cur, (size_t)(xmlmem.end - xmlmem.cur));
	return 0;
}

static void *
xmlmem_malloc(size_t n)
{
	struct xmlmem_head *h;
	size_t	 cls;
	char	*p;

	if (n == 0)
		n = 1;
	if (n > XMLMEM_SMALL_MAX) {
		if (n > SIZE_MAX - sizeof(*h) ||
		    (h = malloc(sizeof(*h) + n)) == NULL)
			return NULL;
		xmlmem_set_head(h + 1, n, XMLMEM_TAG_LARGE);
		xmlmem.live++;
		return h + 1;
	}
	cls = xmlmem_class(n);
	if ((p = xmlmem.free_list[cls]) != NULL) {
		XMLMEM_SHOW(p, sizeof(void *));
		memcpy(&xmlmem.free_list[cls], p, sizeof(void *));
		XMLMEM_HIDE(p, cls * XMLMEM_ALIGN);
	} else {
		if ((size_t)(xmlmem.end - xmlmem.cur) <
		    sizeof(*h) + cls * XMLMEM_ALIGN && xmlmem_grow() != 0)
			return NULL;
		p = xmlmem.cur + sizeof(*h);
		xmlmem.cur = p + cls * XMLMEM_ALIGN;
	}
	xmlmem_set_head(p, n, XMLMEM_TAG_SMALL);
	XMLMEM_SHOW(p, n);
	xmlmem.live++;
	return p;
}

static void
xmlmem_free(void *p)
{
	struct xmlmem_head head;
	size_t	 cls;

	if (p == NULL)
		return;
	head = xmlmem_head_of(p);
	if (head.tag == XMLMEM_TAG_LARGE) {
		xmlmem.live--;
		free((struct xmlmem_head *)p - 1);
		return;
	}
	/* Freed twice, or never ours: memory is corrupt, as glibc says. */
	if (head.tag != XMLMEM_TAG_SMALL || head.asked > XMLMEM_SMALL_MAX)
		abort();
	cls = xmlmem_class(head.asked);
	xmlmem_set_head(p, head.asked, XMLMEM_TAG_FREE);
	XMLMEM_SHOW(p, sizeof(void *));
	memcpy(p, &xmlmem.free_list[cls], sizeof(void *));
	xmlmem.free_list[cls] = p;
	XMLMEM_HIDE(p, cls * XMLMEM_ALIGN);
	xmlmem.live--;
}

static void *
xmlmem_realloc(void *p, size_t n)
{
	struct xmlmem_head head, *h;
	void	*q;

	if (p == NULL)
		return xmlmem_malloc(n);
	if (n == 0)
		n = 1;
	head = xmlmem_head_of(p);
	if (head.tag == XMLMEM_TAG_LARGE && n > XMLMEM_SMALL_MAX) {
		if (n > SIZE_MAX - sizeof(*h) || (h = realloc(
		    (struct xmlmem_head *)p - 1, sizeof(*h) + n)) == NULL)
			return NULL;
		h->asked = n;
		return h + 1;
	}
	if (head.tag == XMLMEM_TAG_SMALL &&
	    xmlmem_class(n) == xmlmem_class(head.asked)) {
		XMLMEM_HIDE(p, xmlmem_class(n) * XMLMEM_ALIGN);
		xmlmem_set_head(p, n, XMLMEM_TAG_SMALL);
		XMLMEM_SHOW(p, n);
		return p;
	}
	if (head.tag != XMLMEM_TAG_SMALL && head.tag != XMLMEM_TAG_LARGE)
		abort();
	if ((q = xmlmem_malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, head.asked < n ? head.asked : n);
	xmlmem_free(p);
	return q;
}

static char *
xmlmem_strdup(const char *s)
{
	size_t	 len = strlen(s) + 1;
	char	*d;

	if ((d = xmlmem_malloc(len)) != NULL)
		memcpy(d, s, len);
	return d;
}

int
xmlmem_begin(void)
{
	return xmlMemSetup(xmlmem_free, xmlmem_malloc, xmlmem_realloc,
	    xmlmem_strdup) == 0 ? 0 : -1;
}

void
xmlmem_end(void)
{
	struct xmlmem_chunk *c;

	(void)xmlMemSetup(free, malloc, realloc, strdup);
	while ((c = xmlmem.chunks) != NULL) {
		xmlmem.chunks = c->next;
		XMLMEM_SHOW(c, XMLMEM_CHUNK);
		free(c);
	}
	memset(&xmlmem, 0, sizeof(xmlmem));
}

void
xmlmem_stats(struct xmlmem_stats *st)
{
	st->live = xmlmem.live;
	st->chunks = xmlmem.nchunks;
}
