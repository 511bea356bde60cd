#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "page.h"
#include "staff.h"
#include "store_staff.h"
#include "text.h"
#include "when.h"

#define PAGE_INBOX_ROWS		25
#define PAGE_INBOX_PAGES_MAX	100000L

/* A query parameter that must be a date YYYY-MM-DD, else ignored. */
static const char *
page_inbox_date(const struct app *a, const char *name)
{
	const char *v = req_param(&a->req.query, name);
	struct when_date d;

	return v != NULL && strlen(v) == 10 && when_parse_date(v, &d) == 0 ?
	    v : NULL;
}

/* <services><service id><title xml:lang/>..</service>..: the filter's list. */
static int
page_inbox_services(struct app *a, xmlNodePtr parent)
{
	struct form *forms = NULL;
	xmlNodePtr list, svc, c, copy;
	size_t	 n = 0, i;
	int	 rc = 0;

	if (form_catalog(&a->share, &forms, &n, NULL) != 0 ||
	    (list = app_child(parent, "services", NULL)) == NULL) {
		form_catalog_free(forms, n);
		return -1;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		if (forms[i].kind != FORM_KIND_FORM ||
		    !staff_may(a, forms[i].id))
			continue;
		if ((svc = app_elem(list, "service", NULL, "id", forms[i].id,
		    NULL)) == NULL) {
			rc = -1;
			break;
		}
		for (c = xmlDocGetRootElement(forms[i].doc)->children;
		    c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)c->name, "title") == 0 &&
			    ((copy = xmlDocCopyNode(c, a->doc, 1)) == NULL ||
			    xmlAddChild(svc, copy) == NULL)) {
				xmlFreeNode(copy);
				rc = -1;
				break;
			}
	}
	form_catalog_free(forms, n);
	return rc;
}

/* The inbox: filters, counts by status, one page of submissions. */
int
page_staff_inbox(struct app *a)
{
	struct store_inbox_query q;
	struct store_inbox in;
	xmlNodePtr inbox, counts, item, values;
	const char *sort, *service, *status, *search;
	char	 num[3][24];
	long	 page = 1, pages;
	size_t	 i;
	int	 rc = -1;

	memset(&q, 0, sizeof(q));
	memset(&in, 0, sizeof(in));
	service = req_param(&a->req.query, "service");
	status = req_param(&a->req.query, "status");
	search = req_param(&a->req.query, "q");
	sort = req_param(&a->req.query, "sort");
	q.services = (const char *const *)a->staff.services;
	/* Only a service this clerk may see filters; anything else is none. */
	q.service = service != NULL && *service != '\0' &&
	    staff_may(a, service) ? service : NULL;
	q.status = workflow_known(status) ? status : NULL;
	q.from = page_inbox_date(a, "from");
	q.to = page_inbox_date(a, "to");
	q.search = search != NULL && *search != '\0' && strlen(search) <= 100 ?
	    search : NULL;
	q.sort = sort == NULL ? STORE_SORT_NEWEST :
	    strcmp(sort, "oldest") == 0 ? STORE_SORT_OLDEST :
	    strcmp(sort, "status") == 0 ? STORE_SORT_STATUS : STORE_SORT_NEWEST;
	if (req_param(&a->req.query, "page") == NULL ||
	    text_to_long(req_param(&a->req.query, "page"), 1,
	    PAGE_INBOX_PAGES_MAX, &page) == -1)
		page = 1;
	q.limit = PAGE_INBOX_ROWS;
	q.offset = (page - 1) * PAGE_INBOX_ROWS;
	if (app_store(a) != 0 || store_inbox(a->store, &q, &in) != STORE_OK)
		return -1;

	a->private_page = 1;
	pages = in.total > 0 ? (in.total + PAGE_INBOX_ROWS - 1) /
	    PAGE_INBOX_ROWS : 1;
	snprintf(num[0], sizeof(num[0]), "%ld", in.total);
	snprintf(num[1], sizeof(num[1]), "%ld", page);
	snprintf(num[2], sizeof(num[2]), "%ld", pages);
	if (app_begin(a, "staff-inbox") != 0 || staff_node(a, a->root) == NULL ||
	    app_elem(a->root, "filter", NULL, "service", q.service, "status",
	    q.status, "from", q.from, "to", q.to, "q", q.search, "sort",
	    q.sort == STORE_SORT_OLDEST ? "oldest" : q.sort ==
	    STORE_SORT_STATUS ? "status" : "newest", NULL) == NULL ||
	    page_inbox_services(a, a->root) != 0 ||
	    (counts = app_child(a->root, "counts", NULL)) == NULL ||
	    (inbox = app_elem(a->root, "inbox", NULL, "total", num[0], "page",
	    num[1], "pages", num[2], NULL)) == NULL)
		goto out;
	for (i = 0; i < WORKFLOW_STATES; i++) {
		snprintf(num[0], sizeof(num[0]), "%ld", in.counts[i]);
		if (app_elem(counts, "count", NULL, "status",
		    workflow_states[i], "n", num[0], NULL) == NULL)
			goto out;
	}
	for (i = 0; i < in.nrows; i++) {
		snprintf(num[0], sizeof(num[0]), "%ld", in.rows[i].fee_cents);
		if ((item = app_elem(inbox, "item", NULL, "ref", in.rows[i].ref,
		    "service", in.rows[i].service, "status", in.rows[i].status,
		    "fee-cents", num[0], NULL)) == NULL ||
		    app_time_prop(item, "created", in.rows[i].created) != 0)
			goto out;
		/* The answers, for the name column; a broken one shows none. */
		values = app_child(item, "answers", NULL);
		if (values == NULL)
			goto out;
		(void)app_answers(values, in.rows[i].answers);
	}
	rc = 0;
out:
	store_inbox_free(&in);
	return rc;
}
