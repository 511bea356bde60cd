#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "staff.h"
#include "store_staff.h"
#include "text.h"
#include "when.h"

#define PAGE_INBOX_ROWS		25
#define PAGE_INBOX_SEARCH_MAX	100	/* characters of a search text */

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

	if (form_catalog(a->share, &forms, &n, NULL) != 0 ||
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

/* A query parameter that must be a reference (a page's key), else NULL. */
static const char *
page_inbox_key(const struct app *a, const char *name)
{
	const char *v = req_param(&a->req.query, name);

	return v != NULL && ref_valid(v) ? v : NULL;
}

/* Is s[0..n) exactly a reference? Then it is copied to ref. */
static int
page_inbox_ref(const char *s, size_t n, char ref[REF_MAX])
{
	if (n == 0 || n >= REF_MAX)
		return 0;
	memcpy(ref, s, n);
	ref[n] = '\0';
	if (ref_valid(ref))
		return 1;
	*ref = '\0';
	return 0;
}

/*
 * What a search text says at the counter, where a scanner types the
 * receipt's QR code. Returns 1 and sets `ref` when the text is exactly a
 * reference (spaces around allowed) or a URL of a citizen's status,
 * receipt or payment page (any host, /…/status/<ref>; its query
 * ignored). Sets *keep to how much of the text may be searched and shown
 * again: a URL without its query and fragment, so that the token in it
 * is neither echoed nor kept in a link; all of any other text.
 */
static int
page_inbox_scanned(const char *text, char ref[REF_MAX], size_t *keep)
{
	static const char *const pages[] = { "/status", "/receipt", "/pay" };
	const char *s = text, *path, *end, *slash;
	size_t	 n, i, len;

	*ref = '\0';
	*keep = strlen(text);
	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	if (page_inbox_ref(s, n, ref))
		return 1;
	if (strncasecmp(s, "http://", 7) == 0)
		path = memchr(s + 7, '/', n - 7);
	else if (strncasecmp(s, "https://", 8) == 0)
		path = memchr(s + 8, '/', n - 8);
	else
		path = *s == '/' ? s : NULL;
	if (path == NULL)
		return 0;
	end = path + strcspn(path, "?#");
	if (end < s + n)
		*keep = (size_t)(end - text);
	else
		end = s + n;
	for (slash = end; slash > path && slash[-1] != '/'; slash--)
		;
	if (slash == path || !page_inbox_ref(slash, (size_t)(end - slash), ref))
		return 0;
	len = (size_t)(slash - 1 - path);
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (len >= strlen(pages[i]) && strncmp(slash - 1 -
		    strlen(pages[i]), pages[i], strlen(pages[i])) == 0)
			return 1;
	*ref = '\0';
	return 0;
}

/*
 * The submission `ref` at the counter: 1 and a 303 to its page when it
 * exists and this clerk may see it; 0 otherwise, with nothing to tell
 * the two apart (the inbox then searches for the reference).
 */
static int
page_inbox_open(struct app *a, const char *ref)
{
	struct store_case c;
	struct buf loc;
	int	 rc;

	if ((rc = store_case(a->store, ref, &c)) == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return -1;
	rc = staff_may(a, c.sub.service);
	store_case_free(&c);
	if (!rc)
		return 0;
	buf_init(&loc, 4096);
	staff_link(a, &loc, "/submissions/");
	buf_addstr(&loc, ref);
	return app_redirect(a, &loc) == 0 ? 1 : -1;
}

/*
 * The search text as a query value (filter/@q-url), for the page's own
 * links: '&', '#' and '+' would else start another parameter, the
 * fragment, or become a space.
 */
static int
page_inbox_q_url(xmlNodePtr filter, const char *search)
{
	xmlChar	*esc;
	int	 rc;

	if ((esc = xmlURIEscapeStr((const xmlChar *)
	    (search != NULL ? search : ""), (const xmlChar *)"")) == NULL)
		return -1;
	rc = xmlSetProp(filter, (const xmlChar *)"q-url", esc) != NULL ? 0 :
	    -1;
	xmlFree(esc);
	return rc;
}

/*
 * The page's own query for the link to it in the other language, when
 * the search text was cut (a URL's token is not to stay in a link).
 */
static int
page_inbox_query(struct app *a, const struct store_inbox_query *q)
{
	const char *names[] = { "service", "status", "from", "to", "q",
	    "sort" };
	const char *values[] = { q->service, q->status, q->from, q->to,
	    q->search, q->sort == STORE_SORT_OLDEST ? "oldest" : q->sort ==
	    STORE_SORT_STATUS ? "status" : NULL };
	xmlNodePtr ctx;
	xmlChar	*esc;
	struct buf b;
	size_t	 i;
	int	 rc = 0;

	for (ctx = a->root->children; ctx != NULL; ctx = ctx->next)
		if (ctx->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)ctx->name, "context") == 0)
			break;
	if (ctx == NULL)
		return -1;
	buf_init(&b, 4096);
	for (i = 0; rc == 0 && i < sizeof(names) / sizeof(names[0]); i++) {
		if (values[i] == NULL)
			continue;
		if ((esc = xmlURIEscapeStr((const xmlChar *)values[i],
		    (const xmlChar *)"")) == NULL ||
		    buf_printf(&b, "%s%s=%s", i > 0 && *buf_str(&b) ? "&" :
		    "", names[i], (const char *)esc) != 0)
			rc = -1;
		xmlFree(esc);
	}
	if (rc == 0 && xmlSetProp(ctx, (const xmlChar *)"query",
	    (const xmlChar *)buf_str(&b)) == NULL)
		rc = -1;
	buf_free(&b);
	return rc;
}

/*
 * The inbox: filters, counts by status, one page of submissions. A
 * search for a reference or a scanned receipt opens that submission.
 */
int
page_staff_inbox(struct app *a)
{
	struct store_inbox_query q;
	struct store_inbox in;
	xmlNodePtr inbox, counts, item, values, filter;
	const char *sort, *service, *status, *search;
	char	 num[24], ref[REF_MAX], cut[PAGE_INBOX_SEARCH_MAX + 1];
	size_t	 i, keep;
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
	if (search != NULL && page_inbox_scanned(search, ref, &keep)) {
		if (app_store(a) != 0 || (rc = page_inbox_open(a, ref)) < 0)
			return -1;
		if (rc > 0)
			return 0;
		rc = -1;
		search = ref;	/* searched and shown: the reference only */
	} else if (search != NULL && keep < strlen(search)) {
		/* A URL: without its query (a token) and fragment. */
		if (keep > PAGE_INBOX_SEARCH_MAX)
			search = NULL;
		else {
			memcpy(cut, search, keep);
			cut[keep] = '\0';
			search = cut;
		}
	}
	q.search = search != NULL && *search != '\0' &&
	    strlen(search) <= PAGE_INBOX_SEARCH_MAX ? search : NULL;
	q.sort = sort == NULL ? STORE_SORT_NEWEST :
	    strcmp(sort, "oldest") == 0 ? STORE_SORT_OLDEST :
	    strcmp(sort, "status") == 0 ? STORE_SORT_STATUS : STORE_SORT_NEWEST;
	/* Keyset paging: the page after or before a row (docs/staff.md). */
	q.before = page_inbox_key(a, "before");
	q.after = q.before == NULL ? page_inbox_key(a, "after") : NULL;
	q.limit = PAGE_INBOX_ROWS;
	if (app_store(a) != 0 || store_inbox(a->store, &q, &in) != STORE_OK)
		return -1;

	a->private_page = 1;
	snprintf(num, sizeof(num), "%ld", in.total);
	if (app_begin(a, "staff-inbox") != 0 || staff_node(a, a->root) == NULL ||
	    (filter = app_elem(a->root, "filter", NULL, "service", q.service,
	    "status", q.status, "from", q.from, "to", q.to, "q", q.search,
	    "sort", q.sort == STORE_SORT_OLDEST ? "oldest" : q.sort ==
	    STORE_SORT_STATUS ? "status" : "newest", "short-search",
	    in.short_search ? "1" : NULL, NULL)) == NULL ||
	    page_inbox_q_url(filter, q.search) != 0 ||
	    page_inbox_services(a, a->root) != 0 ||
	    (search != req_param(&a->req.query, "q") &&
	    page_inbox_query(a, &q) != 0) ||
	    (counts = app_child(a->root, "counts", NULL)) == NULL ||
	    (inbox = app_elem(a->root, "inbox", NULL, "total", in.total >= 0 ?
	    num : NULL, "prev", in.more_before && in.nrows > 0 ?
	    in.rows[0].ref : NULL, "next", in.more_after && in.nrows > 0 ?
	    in.rows[in.nrows - 1].ref : NULL, NULL)) == NULL)
		goto out;
	for (i = 0; i < WORKFLOW_STATES; i++) {
		snprintf(num, sizeof(num), "%ld", in.counts[i]);
		if (app_elem(counts, "count", NULL, "status",
		    workflow_states[i], "n", num, NULL) == NULL)
			goto out;
	}
	for (i = 0; i < in.nrows; i++) {
		snprintf(num, sizeof(num), "%ld", in.rows[i].fee_cents);
		if ((item = app_elem(inbox, "item", NULL, "ref", in.rows[i].ref,
		    "service", in.rows[i].service, "status", in.rows[i].status,
		    "fee-cents", num, NULL)) == NULL ||
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
