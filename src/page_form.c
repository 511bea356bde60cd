#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "fee.h"
#include "notice.h"
#include "page.h"
#include "page_slot.h"
#include "ref.h"
#include "upload.h"
#include "valid.h"

/*
 * The form key (`_key`) is the double-submit key and the name files are
 * staged under. It counts only together with the browser it was issued
 * to: a random value in an HttpOnly, SameSite=Lax cookie, and the key is
 * a nonce and the HMAC of cookie and nonce under the server's "form"
 * secret. So nobody can make a key for another browser, nor make that
 * browser stage files under a key chosen for it (a cross-site POST
 * carries no Lax cookie), and staged files reach only submissions sent
 * from the browser that uploaded them. Over HTTPS the cookie has the
 * __Host- prefix (Secure, Path=/): no other host of the site can set it.
 */
#define PAGE_FORM_COOKIE	"__Host-rathaus_form"

struct page_form_key {
	char	 key[REF_TOKEN_LEN + 1];
	int	 renewed;	/* the POST's key was not this browser's */
};

/*
 * This browser's cookie value, or a new one set with the answer;
 * 1: the request had none (so no key it sent can be its own).
 */
static int
page_form_browser(struct app *a, char browser[REF_TOKEN_LEN + 1])
{
	const char *sent = req_param(&a->req.cookies,
	    app_cookie_name(a, PAGE_FORM_COOKIE));

	if (ref_hex_ok(sent)) {
		memcpy(browser, sent, REF_TOKEN_LEN + 1);
		return 0;
	}
	if (ref_token(browser) == -1)
		return -1;
	return app_set_cookie(a, PAGE_FORM_COOKIE, browser, a->conf.script,
	    "Lax") == 0 ? 1 : -1;
}

/*
 * The key of this page: the one the POST sent if it is this browser's,
 * else a fresh one (every form page gets its own: it is the double-submit
 * key too). A replaced key takes nothing along: what was staged under it
 * stays there.
 *
 * A form page asks the store itself: no form is offered that cannot be
 * sent. A POST may judge its key by the CGI's kept copy of the secret
 * (app_secret_kept): a check page needs no database.
 *
 * Without the store there is no secret to judge a key by: -1 for a GET;
 * for a POST 1, and `k` holds the key it sent (or a random one) unjudged,
 * to carry on the check page with the answers until the store is back:
 * nothing is staged or stored with it now, and sent again it is judged
 * then.
 */
static int
page_form_key(struct app *a, struct page_form_key *k)
{
	unsigned char secret[REF_SECRET_LEN];
	char	 browser[REF_TOKEN_LEN + 1];
	const char *sent = a->req.method == REQ_POST ?
	    req_param(&a->req.body, "_key") : NULL;
	int	 rc = -1, fresh;

	memset(k, 0, sizeof(*k));
	if (a->req.method == REQ_POST)
		rc = app_secret_kept(a, "form", secret);
	else if (app_store(a) == 0 && store_secret(a->store, "form", secret) ==
	    STORE_OK)
		rc = 0;
	/* app_run logs the store's reason with the answer it gives. */
	if (rc != 0) {
		if (a->req.method != REQ_POST)
			return -1;
		if (ref_hex_ok(sent))
			memcpy(k->key, sent, REF_TOKEN_LEN + 1);
		else if (ref_token(k->key) != 0)
			return -1;
		return 1;
	}
	rc = -1;
	if ((fresh = page_form_browser(a, browser)) == -1)
		goto out;
	if (fresh == 0 && ref_bound(secret, browser, sent)) {
		memcpy(k->key, sent, REF_TOKEN_LEN + 1);
		rc = 0;
		goto out;
	}
	k->renewed = a->req.method == REQ_POST;
	rc = ref_bind(secret, browser, k->key);
out:
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

/* <value name="..">text</value> for each answer, under `values`. */
static int
page_form_values(xmlNodePtr values, const struct valid_result *res)
{
	xmlNodePtr v;
	size_t	 i;

	if (values == NULL)
		return -1;
	for (i = 0; i < res->nvalues; i++) {
		if ((v = app_elem(values, "value", res->values[i].value, "name",
		    res->values[i].name, NULL)) == NULL)
			return -1;
		/* Not asked, because of a condition: not to list either. */
		if (!res->values[i].asked && app_props(v, "skipped", "true",
		    NULL) == -1)
			return -1;
	}
	return 0;
}

/* The page a value's question is on. */
static size_t
page_form_page_of(const struct valid_result *res, const char *name)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++)
		if (res->values[i].name == name)
			return res->values[i].field->page;
	return 0;
}

static int
page_form_has_error(const struct valid_result *res, size_t page)
{
	size_t	 i;

	for (i = 0; i < res->nerrors; i++)
		if (page_form_page_of(res, res->errors[i].field) == page)
			return 1;
	return 0;
}

/* The errors of one page; the others wait until the citizen gets there. */
static int
page_form_errors(xmlNodePtr parent, const struct valid_result *res,
    size_t page)
{
	xmlNodePtr errors;
	size_t	 i;

	if ((errors = app_child(parent, "errors", NULL)) == NULL)
		return -1;
	for (i = 0; i < res->nerrors; i++)
		if (page_form_page_of(res, res->errors[i].field) == page &&
		    app_elem(errors, "error", NULL, "field",
		    res->errors[i].field, "code", res->errors[i].code, "arg",
		    res->errors[i].arg, NULL) == NULL)
			return -1;
	return 0;
}

/* Field names as _accept carries them back: nothing else is echoed. */
static void
page_form_accepted(const char *in, struct buf *accept)
{
	if (in != NULL && strspn(in, "abcdefghijklmnopqrstuvwxyz0123456789_.,") ==
	    strlen(in) && strlen(in) < 4096)
		buf_printf(accept, "%s", in);
}

/*
 * <warnings><warning field=".."/></warnings> for the warnings of `page`
 * not yet accepted. When the page has no errors, the warning summary is
 * shown and each is added to `accept`: the re-shown page carries them
 * back as _accept, and sent again they count. Beside errors they are only
 * noted at their fields: the summary shows them once the errors are gone.
 */
static int
page_form_warnings(xmlNodePtr parent, const struct valid_result *res,
    size_t page, struct buf *accept)
{
	int	 accepting = !page_form_has_error(res, page);
	xmlNodePtr w = NULL;
	size_t	 i;

	for (i = 0; i < res->nwarnings; i++) {
		if (page_form_page_of(res, res->warnings[i]) != page ||
		    valid_warning_accepted(buf_str(accept), res->warnings[i]))
			continue;
		if ((w == NULL && (w = app_child(parent, "warnings",
		    NULL)) == NULL) || app_elem(w, "warning", NULL, "field",
		    res->warnings[i], NULL) == NULL)
			return -1;
		if (accepting)
			buf_printf(accept, "%s%s", accept->len ? "," : "",
			    res->warnings[i]);
	}
	return accept->failed ? -1 : 0;
}

/* The answers and the bill as the XML document stored with them. */
static char *
page_form_answers(const struct form *f, const struct valid_result *res,
    const struct fee_bill *bill)
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
		    NULL) == 0 && page_form_values(root, res) == 0 &&
		    fee_bill_xml(f, bill, root) != NULL)
			xmlDocDumpMemoryEnc(doc, &xml, &len, "UTF-8");
	}
	if (xml != NULL) {
		out = strdup((const char *)xml);
		xmlFree(xml);
	}
	xmlFreeDoc(doc);
	return out;
}

/*
 * The citizen's account, where the service uses it: NULL when nobody is
 * logged in or the service has login="none".
 */
static const struct identity *
page_form_account(const struct app *a, const struct form *f)
{
	return f->login != FORM_LOGIN_NONE && a->citizen.subject != NULL ?
	    &a->citizen : NULL;
}

/*
 * Why this citizen may not send the service: "login" (it needs a login
 * and nobody is logged in), "level" (the login's trust level is below
 * the service's), or NULL: may.
 */
static const char *
page_form_refusal(const struct app *a, const struct form *f)
{
	if (f->login != FORM_LOGIN_REQUIRED)
		return NULL;
	if (a->citizen.subject == NULL)
		return "login";
	return a->citizen.level < f->level ? "level" : NULL;
}

/*
 * Instead of the form: why the service needs a login, and the way to it
 * (anonymous), or which trust level it needs and how to get it. A POST
 * gets it with 403: nothing was staged, nothing stored.
 */
static int
page_form_need(struct app *a, const struct form *f, const char *why)
{
	if (a->req.method == REQ_POST)
		a->status = 403;
	if (app_begin(a, "login-needed") != 0 ||
	    app_service_node(a, f, a->root) == NULL ||
	    app_elem(a->root, "need", NULL, "why", why, "level",
	    identity_level_names[f->level], "have", a->citizen.subject ?
	    identity_level_names[a->citizen.level] : "", "sent",
	    a->req.method == REQ_POST ? "1" : "", NULL) == NULL)
		return -1;
	a->private_page = 1;
	return 0;
}

/*
 * The account's value for a prefilled field, or NULL; *locked: the
 * account vouches for it, so it is shown read-only and what is posted
 * for the field does not count.
 */
static const char *
page_form_prefill(const struct app *a, const struct form *f,
    const struct form_field *fld, int *locked)
{
	const struct identity *id = page_form_account(a, f);

	*locked = 0;
	if (id == NULL || fld->prefill < 0 ||
	    id->attr[fld->prefill] == NULL)
		return NULL;
	*locked = identity_verified(id, (enum identity_attr)fld->prefill);
	return id->attr[fld->prefill];
}

/*
 * A locked field's answer is the account's, whatever was posted for it:
 * the posted ones are dropped, the account's value takes the first's
 * place (or is added).
 */
static int
page_form_lock(const struct app *a, const struct form *f,
    struct req_params *in)
{
	struct req_param *v;
	const char *value;
	char	*copy;
	size_t	 i, j, k, cap;
	int	 locked, done;

	for (i = 0; i < f->nfields; i++) {
		value = page_form_prefill(a, f, &f->fields[i], &locked);
		if (!locked)
			continue;
		if ((copy = strdup(value)) == NULL)
			return -1;
		for (j = k = 0, done = 0; j < in->n; j++) {
			v = &in->v[j];
			if (strcmp(v->name, f->fields[i].name) != 0)
				in->v[k++] = *v;
			else if (!done) {
				free(v->value);
				v->value = copy;
				v->valuelen = strlen(copy);
				in->v[k++] = *v;
				done = 1;
			} else {
				free(v->name);
				free(v->value);
				free(v->filename);
				free(v->ctype);
			}
		}
		in->n = k;
		if (done)
			continue;
		if (in->n == in->cap) {
			cap = in->cap ? in->cap * 2 : 16;
			if ((v = reallocarray(in->v, cap, sizeof(*v))) == NULL) {
				free(copy);
				return -1;
			}
			in->v = v;
			in->cap = cap;
		}
		v = &in->v[in->n];
		memset(v, 0, sizeof(*v));
		if ((v->name = strdup(f->fields[i].name)) == NULL) {
			free(copy);
			return -1;
		}
		v->value = copy;
		v->valuelen = strlen(copy);
		in->n++;
	}
	return 0;
}

/*
 * A locked answer that does not pass its field's checks cannot be
 * corrected by the citizen: say that it is the account's value.
 */
static void
page_form_locked_errors(const struct app *a, const struct form *f,
    struct valid_result *res)
{
	const struct form_field *fld;
	size_t	 i;
	int	 locked;

	for (i = 0; i < res->nerrors; i++)
		if ((fld = form_field(f, res->errors[i].field)) != NULL &&
		    page_form_prefill(a, f, fld, &locked) != NULL && locked) {
			res->errors[i].code = "locked";
			res->errors[i].arg[0] = '\0';
		}
}

/*
 * <prefill field=".." locked="true|">value</prefill> for each field the
 * account fills: the page marks where a value comes from; on the first
 * showing (`first`), the values themselves as answers.
 */
static int
page_form_prefills(struct app *a, const struct form *f, int first)
{
	xmlNodePtr values = NULL;
	const char *v;
	size_t	 i;
	int	 locked;

	for (i = 0; i < f->nfields; i++) {
		if ((v = page_form_prefill(a, f, &f->fields[i], &locked)) ==
		    NULL)
			continue;
		if (app_elem(a->root, "prefill", v, "field",
		    f->fields[i].name, "locked", locked ? "true" : "",
		    NULL) == NULL)
			return -1;
		if (first && values == NULL &&
		    (values = app_child(a->root, "values", NULL)) == NULL)
			return -1;
		if (first && app_elem(values, "value", v, "name",
		    f->fields[i].name, NULL) == NULL)
			return -1;
	}
	return 0;
}

/*
 * The store did not take the submission: nothing was stored (its
 * transaction commits whole or not at all). The citizen gets the check
 * page again with every answer and what happened at the top, so that
 * sending later works: 503 (and Retry-After) when the lock was busy or
 * the store is unavailable, 500 for anything else (app_run logs it, with
 * SQLite's reason). Returns what happened, for <unsent reason>.
 */
static const char *
page_form_unsent(struct app *a)
{
	int	 fault = app_store_fault(a);

	a->status = fault == STORE_BUSY || fault == STORE_UNAVAILABLE ? 503 :
	    500;
	return app_fault_reason(a, fault);
}

/*
 * Store the submission (with its appointment, if any): 0 and a redirect,
 * or 0 with *unsent saying why not; 1 when the appointment's place was
 * taken meanwhile; -1 on error.
 */
static int
page_form_store(struct app *a, const struct form *f,
    const struct valid_result *res, const char *key, struct page_slot *ps,
    const char **unsent)
{
	const struct identity *id;
	struct store_new n;
	struct store_receipt r;
	struct fee_bill bill;
	struct buf loc;
	char	 token[REF_TOKEN_LEN + 1], created[21];
	char	*answers, *definition;
	const char **files;
	struct notice notice;
	size_t	 i, k;
	int	 rc;

	memset(&n, 0, sizeof(n));
	/* The file fields answered with a file: only those are kept. */
	if ((files = calloc(res->nvalues + 1, sizeof(*files))) == NULL)
		return -1;
	for (i = 0, k = 0; i < res->nvalues; i++)
		if (res->values[i].field->type == FORM_FILE &&
		    res->values[i].asked && res->values[i].value[0] != '\0')
			files[k++] = res->values[i].name;
	if (fee_bill(f, res, &a->today, &bill) == -1) {
		free(files);
		return -1;
	}
	answers = page_form_answers(f, res, &bill);
	n.fee_cents = bill.total;
	fee_bill_free(&bill);
	if (answers == NULL) {
		free(files);
		return -1;
	}
	n.service = f->id;
	n.version = f->version;
	/* A logged-in citizen's: kept with the account and its level. */
	if ((id = page_form_account(a, f)) != NULL) {
		n.subject = id->subject;
		n.trust_level = identity_level_names[id->level];
	}
	n.values_xml = answers;
	/* Kept with it: the answers stay readable when the form changes. */
	if ((definition = form_text(f)) == NULL) {
		free(answers);
		free(files);
		return -1;
	}
	n.definition_xml = definition;
	n.submit_key = key;
	n.files = files;
	/* Notices: to the address the citizen gave, and to the clerk. */
	memset(&notice, 0, sizeof(notice));
	notice.app = a;
	notice.form = f;
	notice.lang = a->lang;
	notice.account = id != NULL;
	for (i = 0; i < res->nvalues && notice.email == NULL; i++)
		if (res->values[i].field->type == FORM_EMAIL &&
		    res->values[i].asked && res->values[i].value[0] != '\0')
			notice.email = res->values[i].value;
	n.email = notice.email;
	n.mails = notice_queue;
	n.mails_arg = &notice;
	n.lang = a->lang;
	n.token = token;
	n.created = created;
	n.year = a->today.y;
	n.booking = page_slot_booking(ps, res);
	notice.booked = n.booking != NULL;
	if (ref_token(token) == -1 || when_now_iso(created) == -1) {
		free(answers);
		free(definition);
		free(files);
		return -1;
	}
	/* The mails first, a mark for the reference in them, and only then
	 * the write lock: it is held for the inserts alone, and the next
	 * number taken under it goes into the mails (notice_queue). */
	rc = app_store(a) != 0 ? STORE_ERROR : STORE_OK;
	if (rc == STORE_OK && notice_received(&notice, token) != 0)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = store_submit(a->store, &n, &r);
	notice_free(&notice);
	free(answers);
	free(definition);
	free(files);
	if (rc == STORE_TAKEN)
		return 1;
	if (rc != STORE_OK) {
		*unsent = page_form_unsent(a);
		return 0;
	}
	/* A paid service goes on to the checkout; the rest to the receipt.
	 * A logged-in citizen's account opens them: no token in the address
	 * (history, logs), unless the key led to an earlier submission. */
	buf_init(&loc, 4096);
	app_link(a, &loc, n.fee_cents > 0 ? "/pay/" : "/receipt/", r.ref,
	    n.subject != NULL && !r.existing ? NULL : r.token);
	return app_redirect(a, &loc);
}

/* A file the page refused, to say so beside its field. */
struct page_form_refused {
	const char	*field;
	const char	*code;
	char		 arg[VALID_ARG_MAX];
};

/*
 * What staging may hold (the configuration's caps) and since when an
 * untouched staged file counts as abandoned. `now` and `idle` hold the
 * time stamps `lim` points to.
 */
static int
page_form_staging(struct app *a, struct store_staging *lim, char now[21],
    char idle[21])
{
	lim->key_max = a->conf.staged_form_max;
	lim->total_max = a->conf.staged_total_max;
	lim->now = now;
	lim->idle_before = idle;
	return when_now_iso(now) == 0 &&
	    when_ago_iso(a->conf.staged_idle_s, idle) == 0 ? 0 : -1;
}

/*
 * Stage the file parts of the request under the form's key, in one go,
 * after checking their content (never their names or the browser's
 * type); note what was refused, a file over the key's cap too (the
 * citizen's own files: said at the field). 1: answered, the store was
 * busy or all staged files together are at their cap (503, nothing of
 * this request staged); 2: staged.
 */
static int
page_form_stage(struct app *a, const struct form *f, const char *key,
    struct page_form_refused *refused, size_t *nrefused)
{
	const struct req_param *p;
	const struct form_field *fld;
	struct store_staged *files;
	struct store_staging lim;
	char	(*names)[UPLOAD_NAME_MAX + 1];
	char	 now[21], idle[21];
	enum upload_type t;
	size_t	 i, n = 0;
	int	 rc = -1;

	*nrefused = 0;
	files = calloc(f->nfields + 1, sizeof(*files));
	names = calloc(f->nfields + 1, sizeof(*names));
	if (files == NULL || names == NULL)
		goto out;
	for (i = 0; i < a->req.body.n; i++) {
		p = &a->req.body.v[i];
		if (p->filename == NULL || (p->valuelen == 0 &&
		    p->filename[0] == '\0') ||
		    (fld = form_field(f, p->name)) == NULL ||
		    fld->type != FORM_FILE || *nrefused + n >= f->nfields)
			continue;
		refused[*nrefused].field = fld->name;
		if ((refused[*nrefused].code = upload_check(fld, p->filename,
		    (const unsigned char *)p->value, p->valuelen,
		    refused[*nrefused].arg)) != NULL) {
			(*nrefused)++;
			continue;
		}
		t = upload_sniff((const unsigned char *)p->value, p->valuelen);
		upload_name(names[n], p->filename, t);
		files[n].field = fld->name;
		files[n].filename = names[n];
		files[n].mime = upload_mime(t);
		files[n].data = (const unsigned char *)p->value;
		files[n].len = p->valuelen;
		n++;
	}
	rc = 0;
	if (n == 0)
		goto out;
	if (page_form_staging(a, &lim, now, idle) != 0 || app_store(a) != 0) {
		rc = -1;
		goto out;
	}
	rc = store_upload_put(a->store, key, files, n, &lim);
	if (rc == STORE_BUSY || rc == STORE_CAPPED) {
		/* The space comes back as abandoned files are dropped. */
		if (rc == STORE_CAPPED) {
			fprintf(stderr, "rathaus: %s, answered 503\n",
			    store_errmsg(a->store));
			a->retry_after = a->conf.staged_idle_s;
		}
		rc = app_error(a, 503, rc == STORE_BUSY ? "busy" :
		    "uploads_full") == 0 ? 1 : -1;
		goto out;
	}
	if (rc != STORE_OK) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (files[i].refused) {
			refused[*nrefused].field = files[i].field;
			refused[*nrefused].code = "file_total";
			snprintf(refused[*nrefused].arg, VALID_ARG_MAX, "%zu MB",
			    a->conf.staged_form_max >> 20);
			(*nrefused)++;
		}
	rc = 2;
out:
	free(files);
	free(names);
	return rc;
}

/* Touch the key's staged files; 1: answered (busy). */
static int
page_form_touch(struct app *a, const char *key)
{
	struct store_staging lim;
	char	 now[21], idle[21];
	int	 rc;

	if (page_form_staging(a, &lim, now, idle) != 0)
		return -1;
	if ((rc = store_upload_touch(a->store, key, &lim)) == STORE_BUSY)
		return app_error(a, 503, "busy") == 0 ? 1 : -1;
	return rc == STORE_OK ? 0 : -1;
}

/*
 * The answers to check: the request's text answers, and for each file
 * field the description of the file staged under the key, from the store
 * only, so that typed text never passes as a file. Staged files this
 * request did not stage (`staged` 0) are touched: the form is still
 * being filled in. 1: answered (busy).
 */
static int
page_form_input(struct app *a, const struct form *f, const char *key,
    int staged, struct req_params *in)
{
	struct store_upload *files = NULL;
	size_t	 nfiles = 0, i;
	int	 rc;

	for (i = 0; i < f->nfields && f->fields[i].type != FORM_FILE; i++)
		;
	if (i < f->nfields && (app_store(a) != 0 ||
	    store_upload_list(a->store, key, &files, &nfiles) != STORE_OK))
		return -1;
	/*
	 * Files wait under the key: the citizen is still at it. The touch
	 * drops abandoned files first, this key's too if it was left past
	 * the idle time: what is left is listed again.
	 */
	for (i = 0; !staged && i < nfiles && files[i].claimed; i++)
		;
	if (!staged && i < nfiles) {
		free(files);
		files = NULL;
		nfiles = 0;
		if ((rc = page_form_touch(a, key)) != 0)
			return rc;
		if (store_upload_list(a->store, key, &files, &nfiles) !=
		    STORE_OK)
			return -1;
	}
	rc = upload_answers(f, &a->req.body, files, nfiles, in);
	free(files);
	return rc;
}

/* Where a POST leads: a page of the form, the check page, or storing. */
enum page_form_step {
	PAGE_FORM_PAGE,		/* show pages[show] */
	PAGE_FORM_CHECK,	/* all answers, the bill, "send" */
	PAGE_FORM_STORE
};

struct page_form_nav {
	enum page_form_step step;
	size_t	 show;
	int	 errors;	/* show the page's errors and warnings */
	int	 checking;	/* came from the check page: go back there */
};

static long
page_form_index(const struct form *f, const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < f->npages; i++)
		if (strcmp(f->pages[i].id, id) == 0)
			return (long)i;
	return -1;
}

/*
 * The first page up to `limit` that has an error, or else a warning not
 * yet accepted; npages when there is none.
 */
static size_t
page_form_first_problem(const struct form *f, const struct valid_result *res,
    const char *accepted, size_t limit)
{
	size_t	 i, p, first = f->npages;

	for (i = 0; i < res->nerrors; i++)
		if ((p = page_form_page_of(res, res->errors[i].field)) <= limit &&
		    p < first)
			first = p;
	if (first < f->npages)
		return first;
	for (i = 0; i < res->nwarnings; i++)
		if ((p = page_form_page_of(res, res->warnings[i])) <= limit &&
		    p < first && !valid_warning_accepted(accepted,
		    res->warnings[i]))
			first = p;
	return first;
}

/*
 * The way through the form, decided on the server from what the page
 * sent: _page (the page sent), _edit (a page to change, from the check
 * page), _back, _confirm (send from the check page), rows added or
 * removed. Without _page all pages count as sent, as from the check page.
 */
static void
page_form_navigate(const struct form *f, const struct req_params *body,
    const struct valid_result *res, const char *accepted,
    struct page_form_nav *nav)
{
	long	 cur = page_form_index(f, req_param(body, "_page"));
	long	 edit = page_form_index(f, req_param(body, "_edit"));
	int	 confirm = req_param(body, "_confirm") != NULL;
	size_t	 limit, p;

	memset(nav, 0, sizeof(*nav));
	nav->checking = req_param(body, "_check") != NULL;
	/* Rows added or removed, another week of appointments: the same
	 * page again, its errors not yet. */
	if (res->rows_changed || (req_param(body, "_week") != NULL &&
	    cur >= 0)) {
		nav->show = cur >= 0 ? (size_t)cur : 0;
		return;
	}
	if (edit >= 0) {
		nav->show = (size_t)edit;
		nav->checking = 1;
		return;
	}
	if (req_param(body, "_back") != NULL && cur > 0) {
		for (p = (size_t)cur; p-- > 0;)
			if (valid_when(res, f->pages[p].when))
				break;
		nav->show = p;
		return;
	}
	limit = confirm || nav->checking || cur < 0 ? f->npages - 1 :
	    (size_t)cur;
	if ((p = page_form_first_problem(f, res, accepted, limit)) <
	    f->npages) {
		nav->show = p;
		nav->errors = 1;
		return;
	}
	if (confirm) {
		nav->step = PAGE_FORM_STORE;
		return;
	}
	for (p = limit + 1; !nav->checking && p < f->npages; p++)
		if (valid_when(res, f->pages[p].when)) {
			nav->show = p;
			return;
		}
	nav->step = PAGE_FORM_CHECK;
}

/*
 * <rows group=".." count=".."/> for each repeating group; the group whose
 * row was just added or removed also says which (added="N" or
 * removed="K"): the page puts the focus there.
 */
static int
page_form_rows(xmlNodePtr parent, const struct form *f,
    const struct valid_result *res)
{
	char	 count[24], row[24];
	const char *what;
	size_t	 i;

	for (i = 0; i < f->ngroups; i++) {
		if (!f->groups[i].repeat)
			continue;
		snprintf(count, sizeof(count), "%ld",
		    res->rows ? res->rows[i] : f->groups[i].min);
		what = NULL;
		if (res->rows_changed && res->rows_group == i) {
			what = res->rows_added > 0 ? "added" : "removed";
			snprintf(row, sizeof(row), "%ld", res->rows_added > 0 ?
			    res->rows_added : res->rows_removed);
		}
		if (app_elem(parent, "rows", NULL, "group", f->groups[i].name,
		    "count", count, what, what ? row : NULL, NULL) == NULL)
			return -1;
	}
	return 0;
}

/* The check page: every answer by page, each page to change, the bill. */
static int
page_form_check(struct app *a, const struct form *f,
    const struct valid_result *res)
{
	struct fee_bill bill;
	xmlNodePtr fee;

	if (fee_bill(f, res, &a->today, &bill) == -1)
		return -1;
	fee = app_begin(a, "check") != 0 ||
	    app_service_node(a, f, a->root) == NULL ? NULL :
	    fee_bill_xml(f, &bill, a->root);
	fee_bill_free(&bill);
	if (fee == NULL)
		return -1;
	return 0;
}

/* <asked page=".."/> for each page whose condition holds. */
static int
page_form_asked(xmlNodePtr parent, const struct form *f,
    const struct valid_result *res)
{
	size_t	 i;

	for (i = 0; i < f->npages; i++)
		if (valid_when(res, f->pages[i].when) && app_elem(parent,
		    "asked", NULL, "page", f->pages[i].id, NULL) == NULL)
			return -1;
	return 0;
}

int
page_form(struct app *a)
{
	struct form f;
	struct form_diag diag;
	struct valid_result res;
	struct page_form_nav nav;
	struct page_form_refused *refused = NULL;
	struct req_params in;
	struct page_form_key k;
	struct page_slot ps;
	const char *key, *unsent = NULL, *why;
	struct buf accept;
	size_t	 nrefused = 0, i;
	int	 rc = -1, stage, nostore, taken = 0;

	/*
	 * A first page made before, nothing changed since (a persistent
	 * program): only this visitor's key (and cookie) is new.
	 */
	if (a->req.method != REQ_POST && app_page_cached(a) == 1) {
		if (a->hit->ntokens == 0)
			return 0;
		if (page_form_key(a, &k) != 0) {
			a->hit = NULL;
			return -1;
		}
		memcpy(a->page_token, k.key, sizeof(a->page_token));
		a->private_page = 1;
		return 0;
	}
	memset(&res, 0, sizeof(res));
	memset(&in, 0, sizeof(in));
	memset(&nav, 0, sizeof(nav));
	memset(&ps, 0, sizeof(ps));
	buf_init(&accept, 4096);
	if (app_share(a) != 0)
		return -1;
	form_diag_init(&diag);
	if (app_form_id(a, a->route.arg, &diag, &f) != 0) {
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

	/*
	 * A service that needs a login, or a higher trust level, shows why
	 * instead of the form; what is sent to it is refused before
	 * anything is staged or stored, whatever the request says.
	 */
	if ((why = page_form_refusal(a, &f)) != NULL) {
		rc = page_form_need(a, &f, why);
		form_free(&f);
		return rc;
	}

	/* The key needs the store (its secret): without it no form is
	 * offered, 503 at once, and what a citizen sends comes back. */
	if ((nostore = page_form_key(a, &k)) == -1 ||
	    page_slot_open(a, &f, &ps) != 0)
		goto out;
	key = k.key;
	if (a->req.method == REQ_POST && nostore) {
		/* The check page with the answers and why it was not sent. */
		unsent = page_form_unsent(a);
		if (upload_answers(&f, &a->req.body, NULL, 0, &in) != 0 ||
		    page_form_lock(a, &f, &in) != 0 ||
		    valid_check(&f, &in, &a->today, &res) != 0)
			goto out;
		page_form_locked_errors(a, &f, &res);
		nav.step = PAGE_FORM_CHECK;
	} else if (a->req.method == REQ_POST) {
		page_form_accepted(req_param(&a->req.body, "_accept"), &accept);
		if ((refused = calloc(f.nfields + 1, sizeof(*refused))) == NULL ||
		    (stage = page_form_stage(a, &f, key, refused,
		    &nrefused)) == -1)
			goto out;
		if (stage != 1 && (stage = page_form_input(a, &f, key,
		    stage == 2, &in)) == -1)
			goto out;
		if (stage == 1) {
			rc = 0;		/* answered: 503 */
			goto out;
		}
		if (page_form_lock(a, &f, &in) != 0 ||
		    valid_check(&f, &in, &a->today, &res) != 0)
			goto out;
		page_form_locked_errors(a, &f, &res);
		if ((taken = page_slot_check(a, &ps, key, &res)) == -1)
			goto out;
		for (i = 0; i < nrefused; i++)
			if (valid_set_error(&res, refused[i].field,
			    refused[i].code, refused[i].arg) == -1)
				goto out;
		page_form_navigate(&f, &a->req.body, &res, buf_str(&accept),
		    &nav);
		/*
		 * Never stored with a key that is not this browser's (a
		 * cross-site POST, a browser that lost its cookie): the check
		 * page again, with this browser's key, to send from there.
		 */
		if (nav.step == PAGE_FORM_STORE && k.renewed)
			nav.step = PAGE_FORM_CHECK;
		if (nav.step == PAGE_FORM_STORE) {
			rc = page_form_store(a, &f, &res, key, &ps, &unsent);
			if (rc == 1) {
				/* Someone else had the last place first: the
				 * question again, with the times still free. */
				if (valid_set_error(&res, ps.field->name,
				    "slot_taken", NULL) != 0)
					goto out;
				nav.step = PAGE_FORM_PAGE;
				nav.show = ps.field->page;
				nav.errors = 1;
				taken = 1;
			} else if (rc != 0 || unsent == NULL)
				goto out;
			else {
				/* Not stored: the check page again, answers
				 * kept. */
				nav.step = PAGE_FORM_CHECK;
			}
			rc = -1;
		}
		/* Errors: 422; the appointment's place gone meanwhile: 409.
		 * Only warnings: shown once, then sent as is. */
		if (nav.errors && page_form_has_error(&res, nav.show))
			a->status = taken && nav.show == ps.field->page ? 409 :
			    422;
	}
	if (nav.step == PAGE_FORM_CHECK) {
		if (page_form_check(a, &f, &res) != 0 || (unsent != NULL &&
		    app_elem(a->root, "unsent", NULL, "reason", unsent,
		    NULL) == NULL))
			goto out;
	} else if (app_begin(a, "form") != 0 ||
	    app_service_node(a, &f, a->root) == NULL)
		goto out;
	if (a->req.method == REQ_POST &&
	    page_form_values(app_child(a->root, "values", NULL), &res) != 0)
		goto out;
	if (page_form_prefills(a, &f, a->req.method != REQ_POST) != 0)
		goto out;
	if (nav.errors && (page_form_errors(a->root, &res, nav.show) != 0 ||
	    page_form_warnings(a->root, &res, nav.show, &accept) != 0))
		goto out;
	if (nav.step == PAGE_FORM_PAGE && ps.field != NULL &&
	    ps.field->page == nav.show && (page_slot_offer(a, &ps,
	    a->req.method == REQ_POST ? &res : NULL,
	    a->req.method == REQ_POST ? req_param(&a->req.body, "_week") :
	    NULL) != 0 || app_keep_not(a) != 0))
		goto out;
	if (page_form_rows(a->root, &f, &res) != 0 ||
	    page_form_asked(a->root, &f, &res) != 0 ||
	    app_elem(a->root, "submit", NULL, "key", key, "accept",
	    buf_str(&accept), "page", nav.step == PAGE_FORM_CHECK ? "" :
	    f.pages[nav.show].id, "checking", nav.checking ? "1" : "",
	    "renewed", k.renewed ? "1" : "", NULL) == NULL)
		goto out;
	/*
	 * Never cached: a sent-back form holds personal data, and a fresh one
	 * a double-submit key that must be this visitor's alone.
	 */
	a->private_page = 1;
	/* Where the key is in a first page to keep (app_page_cached). */
	if (a->req.method != REQ_POST)
		memcpy(a->page_token, key, sizeof(a->page_token));
	rc = 0;
out:
	page_slot_close(&ps);
	free(refused);
	req_params_free(&in);
	buf_free(&accept);
	valid_result_free(&res);
	form_free(&f);
	return rc;
}
