#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "text.h"

/* Does the folded query occur in a title, summary or keyword? */
static int
page_catalog_matches(const struct form *f, const char *folded)
{
	xmlNodePtr n;
	xmlChar	*text;
	int	 hit = 0;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL && !hit;
	    n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    (strcmp((const char *)n->name, "title") != 0 &&
		    strcmp((const char *)n->name, "summary") != 0 &&
		    strcmp((const char *)n->name, "keyword") != 0))
			continue;
		if ((text = xmlNodeGetContent(n)) != NULL) {
			hit = text_contains_folded((const char *)text, folded);
			xmlFree(text);
		}
	}
	return hit;
}

/* A service as the catalog sorts it: group, then title. */
struct page_catalog_entry {
	const struct form *form;
	size_t		 rank;	/* place of its category; unknown ones last */
	char		*title;	/* in the page language, folded */
};

static int
page_catalog_cmp(const void *x, const void *y)
{
	const struct page_catalog_entry *a = x, *b = y;
	int	 c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	/* Unknown categories share a rank: grouped by their slug. */
	if ((c = strcmp(a->form->category, b->form->category)) != 0 ||
	    (c = strcmp(a->title, b->title)) != 0)
		return c;
	return strcmp(a->form->id, b->form->id);
}

/* The title in `lang`, else German, else the first (there is one). */
static xmlNodePtr
page_catalog_title_node(const struct form *f, const char *lang)
{
	xmlNodePtr n, first = NULL;
	xmlChar	*l;
	int	 pass, match;

	for (pass = 0; pass < 2; pass++)
		for (n = xmlDocGetRootElement(f->doc)->children; n != NULL;
		    n = n->next) {
			if (n->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)n->name, "title") != 0)
				continue;
			if (first == NULL)
				first = n;
			l = xmlGetNsProp(n, (const xmlChar *)"lang",
			    XML_XML_NAMESPACE);
			match = l != NULL && strcmp((const char *)l,
			    pass == 0 ? lang : "de") == 0;
			xmlFree(l);
			if (match)
				return n;
		}
	return first;
}

/* That title folded (umlauts to their base letters) to sort by; or NULL. */
static char *
page_catalog_title(const struct form *f, const char *lang)
{
	xmlNodePtr n = page_catalog_title_node(f, lang);
	xmlChar	*text;
	struct buf out;

	buf_init(&out, 0);
	if (n == NULL || (text = xmlNodeGetContent(n)) == NULL)
		return strdup("");
	if (text_fold(&out, (const char *)text) == -1) {
		xmlFree(text);
		buf_free(&out);
		return NULL;
	}
	xmlFree(text);
	return out.data ? buf_steal(&out) : strdup("");
}

/* The place of a category in data/categories.xml; unknown: after all. */
static size_t
page_catalog_rank(const struct form_share *s, const char *id)
{
	xmlNodePtr n, known = form_category(s, id);
	size_t	 rank = 0;

	for (n = xmlDocGetRootElement(s->categories)->children; n != NULL;
	    n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "category") == 0) {
			if (n == known)
				return rank;
			rank++;
		}
	return rank;
}

/*
 * <catalog q=".."> with a copy of every <category> of data/categories.xml
 * (the headings) and the services that match the search, sorted by the
 * place of their category, then by title in the page language.
 */
int
page_catalog(struct app *a)
{
	struct form_diag diag;
	struct form *forms = NULL;
	struct page_catalog_entry *list = NULL;
	struct buf folded;
	xmlNodePtr cat, n, copy;
	const char *q = req_param(&a->req.query, "q");
	size_t	 nforms = 0, nlist = 0, i;
	int	 rc = -1;

	/* Made before, nothing changed since (a persistent program). */
	if (app_page_cached(a) == 1)
		return 0;
	if (app_share(a) != 0 || app_begin(a, "catalog") != 0)
		return -1;
	buf_init(&folded, 0);
	if (q != NULL && text_fold(&folded, q) == -1)
		q = NULL;
	form_diag_init(&diag);
	if ((cat = app_elem(a->root, "catalog", NULL, "q", q, NULL)) == NULL ||
	    form_catalog(a->share, &forms, &nforms, &diag) != 0)
		goto out;
	/* A broken definition is logged and left out; the rest stays up. */
	if (diag.errors > 0)
		fprintf(stderr, "rathaus: skipped broken definitions:\n%s",
		    buf_str(&diag.text));
	for (n = xmlDocGetRootElement(a->share->categories)->children;
	    n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((copy = xmlDocCopyNode(n, a->doc, 1)) == NULL ||
		    xmlAddChild(cat, copy) == NULL) {
			xmlFreeNode(copy);
			goto out;
		}
	}
	if ((list = calloc(nforms ? nforms : 1, sizeof(*list))) == NULL)
		goto out;
	for (i = 0; i < nforms; i++) {
		if (q != NULL && *q != '\0' &&
		    !page_catalog_matches(&forms[i], buf_str(&folded)))
			continue;
		list[nlist].form = &forms[i];
		list[nlist].rank = page_catalog_rank(a->share,
		    forms[i].category);
		if ((list[nlist++].title = page_catalog_title(&forms[i],
		    a->lang)) == NULL)
			goto out;
	}
	qsort(list, nlist, sizeof(*list), page_catalog_cmp);
	for (i = 0; i < nlist; i++)
		if (app_service_node(a, list[i].form, cat) == NULL)
			goto out;
	rc = 0;
out:
	for (i = 0; i < nlist; i++)
		free(list[i].title);
	free(list);
	form_catalog_free(forms, nforms);
	form_diag_free(&diag);
	buf_free(&folded);
	return rc;
}
