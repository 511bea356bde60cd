#include "config.h"

#include <stdio.h>
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

int
page_catalog(struct app *a)
{
	struct form_diag diag;
	struct form *forms = NULL;
	struct buf folded;
	xmlNodePtr cat;
	const char *q = req_param(&a->req.query, "q");
	size_t	 n = 0, i;
	int	 rc = -1;

	if (app_share(a) != 0 || app_begin(a, "catalog") != 0)
		return -1;
	buf_init(&folded, 0);
	if (q != NULL && text_fold(&folded, q) == -1)
		q = NULL;
	form_diag_init(&diag);
	if ((cat = app_elem(a->root, "catalog", NULL, "q", q, NULL)) == NULL ||
	    form_catalog(&a->share, &forms, &n, &diag) != 0)
		goto out;
	/* A broken definition is logged and left out; the rest stays up. */
	if (diag.errors > 0)
		fprintf(stderr, "rathaus: skipped broken definitions:\n%s",
		    buf_str(&diag.text));
	for (i = 0; i < n; i++) {
		xmlNodePtr svc;
		if (q != NULL && *q != '\0' &&
		    !page_catalog_matches(&forms[i], buf_str(&folded)))
			continue;
		if ((svc = app_service_node(a, &forms[i], cat)) == NULL)
			goto out;
	}
	rc = 0;
out:
	form_catalog_free(forms, n);
	form_diag_free(&diag);
	buf_free(&folded);
	return rc;
}
