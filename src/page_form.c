#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "fee.h"
#include "page.h"
#include "ref.h"
#include "valid.h"

/* The double-submit key a form carries: 32 lower-case hex characters. */
static int
page_form_key_ok(const char *k)
{
	return k != NULL && strlen(k) == REF_TOKEN_LEN &&
	    strspn(k, "0123456789abcdef") == REF_TOKEN_LEN;
}

/* <value name="..">text</value> for each answer, under `values`. */
static int
page_form_values(xmlNodePtr values, const struct valid_result *res)
{
	size_t	 i;

	if (values == NULL)
		return -1;
	for (i = 0; i < res->nvalues; i++)
		if (app_elem(values, "value", res->values[i].value, "name",
		    res->values[i].name, NULL) == NULL)
			return -1;
	return 0;
}

static int
page_form_errors(xmlNodePtr parent, const struct valid_result *res)
{
	xmlNodePtr errors;
	size_t	 i;

	if ((errors = app_child(parent, "errors", NULL)) == NULL)
		return -1;
	for (i = 0; i < res->nerrors; i++)
		if (app_elem(errors, "error", NULL, "field",
		    res->errors[i].field, "code", res->errors[i].code, "arg",
		    res->errors[i].arg, NULL) == NULL)
			return -1;
	return 0;
}

/*
 * <warnings><warning field=".."/></warnings>, and in `accept` the list of
 * those fields that the re-shown form carries back as _accept.
 */
static int
page_form_warnings(xmlNodePtr parent, const struct valid_result *res,
    struct buf *accept)
{
	xmlNodePtr w;
	size_t	 i;

	if (res->nwarnings == 0)
		return 0;
	if ((w = app_child(parent, "warnings", NULL)) == NULL)
		return -1;
	for (i = 0; i < res->nwarnings; i++) {
		if (app_elem(w, "warning", NULL, "field", res->warnings[i],
		    NULL) == NULL)
			return -1;
		buf_printf(accept, "%s%s", i ? "," : "", res->warnings[i]);
	}
	return accept->failed ? -1 : 0;
}

/* The answers as the XML document that is stored with the submission. */
static char *
page_form_answers(const struct form *f, const struct valid_result *res)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar	*xml = NULL;
	char	*out = NULL, version[24];
	int	 len = 0;

	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		return NULL;
	root = xmlNewNode(NULL, (const xmlChar *)"values");
	if (root != NULL) {
		xmlDocSetRootElement(doc, root);
		snprintf(version, sizeof(version), "%ld", f->version);
		if (app_props(root, "service", f->id, "version", version,
		    NULL) == 0 && page_form_values(root, res) == 0)
			xmlDocDumpMemoryEnc(doc, &xml, &len, "UTF-8");
	}
	if (xml != NULL) {
		out = strdup((const char *)xml);
		xmlFree(xml);
	}
	xmlFreeDoc(doc);
	return out;
}

static int
page_form_store(struct app *a, const struct form *f,
    const struct valid_result *res, const char *key)
{
	struct store_new n;
	struct store_receipt r;
	struct buf loc;
	char	 token[REF_TOKEN_LEN + 1], created[21];
	char	*answers;
	int	 rc;

	if ((answers = page_form_answers(f, res)) == NULL)
		return -1;
	memset(&n, 0, sizeof(n));
	n.service = f->id;
	n.version = f->version;
	n.values_xml = answers;
	n.fee_cents = fee_total(f, res);
	n.submit_key = key;
	n.lang = a->lang;
	n.token = token;
	n.created = created;
	n.year = a->today.y;
	if (ref_token(token) == -1 || when_now_iso(created) == -1 ||
	    app_store(a) != 0) {
		free(answers);
		return -1;
	}
	rc = store_submit(a->store, &n, &r);
	free(answers);
	if (rc == STORE_BUSY) {
		/* Nothing was stored; the citizen may simply send again. */
		fprintf(stderr, "rathaus: store busy, answered 503\n");
		return app_error(a, 503, "busy");
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "rathaus: %s\n", store_errmsg(a->store));
		return -1;
	}
	buf_init(&loc, 4096);
	if (app_link(a, &loc, "/receipt/", r.ref, r.token) == -1) {
		buf_free(&loc);
		return -1;
	}
	a->location = buf_steal(&loc);
	return a->location ? 0 : -1;
}

int
page_form(struct app *a)
{
	struct form f;
	struct form_diag diag;
	struct valid_result res;
	const char *key = NULL;
	struct buf accept;
	char	 fresh[REF_TOKEN_LEN + 1];
	int	 rc = -1;

	memset(&res, 0, sizeof(res));
	buf_init(&accept, 4096);
	if (app_share(a) != 0)
		return -1;
	form_diag_init(&diag);
	if (form_load_id(&f, &a->share, a->route.arg, &diag) != 0) {
		/* Missing or broken: for the citizen, there is no such form. */
		if (diag.errors > 0)
			fprintf(stderr, "rathaus: %s", buf_str(&diag.text));
		form_diag_free(&diag);
		return app_error(a, 404, "not_found");
	}
	form_diag_free(&diag);

	/* Information and link-out services are pages to read, not to send. */
	if (f.kind != FORM_KIND_FORM) {
		if (a->req.method == REQ_POST) {
			a->allow = "GET, HEAD";
			rc = app_error(a, 405, "method");
		} else
			rc = app_begin(a, "info") != 0 ||
			    app_service_node(a, &f, a->root) == NULL ? -1 : 0;
		form_free(&f);
		return rc;
	}

	if (a->req.method == REQ_POST) {
		key = req_param(&a->req.body, "_key");
		if (!page_form_key_ok(key))
			key = NULL;
		if (valid_check(&f, &a->req.body, &a->today, &res) != 0)
			goto out;
		if (res.nerrors == 0 && valid_warnings_accepted(&res,
		    req_param(&a->req.body, "_accept"))) {
			rc = page_form_store(a, &f, &res, key);
			goto out;
		}
		/* Errors: 422. Only warnings: shown once, then sent as is. */
		a->status = res.nerrors > 0 ? 422 : 200;
	}
	if (key == NULL) {
		if (ref_token(fresh) == -1)
			goto out;
		key = fresh;
	}
	if (app_begin(a, "form") != 0 ||
	    app_service_node(a, &f, a->root) == NULL)
		goto out;
	if (a->req.method == REQ_POST &&
	    (page_form_values(app_child(a->root, "values", NULL), &res) != 0 ||
	    page_form_errors(a->root, &res) != 0))
		goto out;
	if (page_form_warnings(a->root, &res, &accept) != 0 ||
	    app_elem(a->root, "submit", NULL, "key", key, "accept",
	    buf_str(&accept), NULL) == NULL)
		goto out;
	/*
	 * Never cached: a sent-back form holds personal data, and a fresh one
	 * a double-submit key that must be this visitor's alone.
	 */
	a->private_page = 1;
	rc = 0;
out:
	buf_free(&accept);
	valid_result_free(&res);
	form_free(&f);
	return rc;
}
