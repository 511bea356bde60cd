#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "notice.h"
#include "page.h"
#include "page_slot.h"
#include "store_my.h"
#include "text.h"
#include "upload.h"
#include "when.h"

/*
 * The citizen's account: GET /login (behind the login module), "Meine
 * Anträge" (GET /my; POST /my adds an anonymous submission by reference
 * and token) and one submission's Postkorb (GET /my/<ref>; POST answers
 * the town hall, with at most one file). Every POST comes from our own
 * pages (app_cross_site) and carries a token bound to the account
 * (page_my_csrf), in a hidden field.
 */

#define PAGE_MY_TEXT_MAX	4000	/* characters of an answer */
#define PAGE_MY_FILE_FIELD	"file"

/* What the CSRF token is bound to: the account, apart from clerks' names. */
static int
page_my_owner(const struct app *a, struct buf *b)
{
	return buf_printf(b, "citizen\n%s", a->citizen.subject);
}

/*
 * A fresh token for the account's forms (check 0), or whether the one
 * posted is one (check 1: 1 yes, 0 no); -1 failed.
 */
static int
page_my_csrf(struct app *a, int check, char out[REF_TOKEN_LEN + 1])
{
	unsigned char key[REF_SECRET_LEN];
	const char *sent = req_param(&a->req.body, "_csrf");
	struct buf owner;
	int	 rc = -1;

	buf_init(&owner, 1024);
	if (app_store(a) != 0 || store_secret(a->store, "csrf", key) !=
	    STORE_OK || page_my_owner(a, &owner) != 0) {
		buf_free(&owner);
		return -1;
	}
	if (check)
		rc = sent != NULL && ref_bound(key, buf_str(&owner), sent);
	else
		rc = ref_bind(key, buf_str(&owner), out);
	explicit_bzero(key, sizeof(key));
	buf_free(&owner);
	return rc;
}

/*
 * A POST in the account's name: from our own pages, with its token.
 * 0: go on; 1: answered (403); -1: failed.
 */
static int
page_my_guard(struct app *a)
{
	int	 rc;

	if (app_cross_site(a)) {
		fprintf(stderr, "rathaus: POST %s by an account made by another"
		    " site (Sec-Fetch-Site: %s, Origin: %s): refused\n",
		    a->req.path, a->req.fetch_site ? a->req.fetch_site : "-",
		    a->req.origin ? a->req.origin : "-");
		return app_error(a, 403, "my_cross_site") == 0 ? 1 : -1;
	}
	if ((rc = page_my_csrf(a, 1, NULL)) == -1)
		return -1;
	if (rc == 0) {
		fprintf(stderr, "rathaus: POST %s by an account without a valid"
		    " CSRF token: refused\n", a->req.path);
		return app_error(a, 403, "csrf") == 0 ? 1 : -1;
	}
	return 0;
}

/* 303 to `path` (after the script) on our origin. */
static int
page_my_redirect(struct app *a, const char *path)
{
	struct buf loc;

	buf_init(&loc, 4096);
	buf_printf(&loc, "%s%s%s", a->conf.base_url, a->conf.script, path);
	return app_redirect(a, &loc);
}

/*
 * Nobody logged in: to the login, and back to `path` after it; a portal
 * without login has no account pages (404). 1: answered.
 */
static int
page_my_login_first(struct app *a, const char *path)
{
	struct buf p;
	int	 rc;

	if (strcmp(a->conf.identity, "none") == 0)
		return app_error(a, 404, "not_found") == 0 ? 1 : -1;
	buf_init(&p, 256);
	rc = buf_printf(&p, "/login?return=%s", path) != 0 ? -1 :
	    page_my_redirect(a, buf_str(&p));
	buf_free(&p);
	return rc == 0 ? 1 : -1;
}

/*
 * GET /login?return=<local path>: the web server's login module has let
 * the citizen through (it sends anyone without a session to the provider
 * first); on to the path, if it is a local one inside the program
 * (route_return), else to the catalog. Reached without an identity (the
 * module does not protect /login, or the portal has no login): a page
 * that says so, never a loop.
 */
int
page_login(struct app *a)
{
	char	 path[ROUTE_RETURN_MAX + 256];
	struct buf loc;

	if (strcmp(a->conf.identity, "none") == 0)
		return app_error(a, 404, "no_login");
	if (a->citizen.subject == NULL) {
		fprintf(stderr, "rathaus: /login reached without an identity:"
		    " does the login module protect it (OIDCUnAuthAction"
		    " auth)?\n");
		return app_error(a, 503, "login_unavailable");
	}
	if (!route_return(req_param(&a->req.query, "return"), a->conf.script,
	    path, sizeof(path)))
		snprintf(path, sizeof(path), "%s/", a->conf.script);
	buf_init(&loc, 1024);
	buf_printf(&loc, "%s%s", a->conf.base_url, path);
	return app_redirect(a, &loc);
}

/* The titles of every service, for the list (copied per line). */
static int
page_my_titles(struct app *a, xmlNodePtr n, const struct form *forms,
    size_t nforms, const char *service)
{
	xmlNodePtr c, copy;
	size_t	 i;

	for (i = 0; i < nforms; i++)
		if (strcmp(forms[i].id, service) == 0)
			break;
	if (i == nforms)
		return 0;
	for (c = xmlDocGetRootElement(forms[i].doc)->children; c != NULL;
	    c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "title") == 0) {
			if ((copy = xmlDocCopyNode(c, a->doc, 1)) == NULL ||
			    xmlAddChild(n, copy) == NULL) {
				xmlFreeNode(copy);
				return -1;
			}
		}
	return 0;
}

/*
 * "Meine Anträge": <my csrf><submission ref service status created
 * payment fee-cents messages unanswered><title/>..<message/></submission>
 * ..</my>, newest first; links, never tokens. `problem`: why a claim
 * was refused, or NULL.
 */
static int
page_my_list(struct app *a, const char *problem)
{
	struct store_my_row *rows = NULL;
	struct form *forms = NULL;
	xmlNodePtr my, sub;
	char	 csrf[REF_TOKEN_LEN + 1], fee[24], count[24];
	size_t	 n = 0, nforms = 0, i;
	int	 rc = -1;

	if (app_store(a) != 0 || app_share(a) != 0 ||
	    store_my_list(a->store, a->citizen.subject, &rows, &n) !=
	    STORE_OK)
		return -1;
	if (form_catalog(a->share, &forms, &nforms, NULL) != 0)
		goto out;
	if (page_my_csrf(a, 0, csrf) != 0 || app_begin(a, "my") != 0 ||
	    (my = app_elem(a->root, "my", NULL, "csrf", csrf, NULL)) == NULL ||
	    (problem != NULL && app_elem(a->root, "problem", NULL, "code",
	    problem, NULL) == NULL))
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(fee, sizeof(fee), "%ld", rows[i].fee_cents);
		snprintf(count, sizeof(count), "%ld", rows[i].messages);
		if ((sub = app_elem(my, "submission", NULL, "ref", rows[i].ref,
		    "service", rows[i].service, "status", rows[i].status,
		    "payment", rows[i].payment, "fee-cents", fee, "messages",
		    count, "unanswered", rows[i].unanswered ? "1" : "",
		    NULL)) == NULL ||
		    app_time_prop(sub, "created", rows[i].created) != 0 ||
		    page_my_titles(a, sub, forms, nforms, rows[i].service) !=
		    0 || (rows[i].last_message != NULL && app_child(sub,
		    "message", rows[i].last_message) == NULL))
			goto out;
	}
	if (req_param(&a->req.query, "added") != NULL &&
	    app_elem(a->root, "done", NULL, "what", "added", NULL) == NULL)
		goto out;
	rc = 0;
out:
	form_catalog_free(forms, nforms);
	store_my_list_free(rows, n);
	return rc;
}

/*
 * GET /my: the list. POST /my (ref, token): add a submission sent
 * without login to the account; a wrong token, an unknown reference and
 * another account's submission are the same 404, and nothing changes.
 */
int
page_my(struct app *a)
{
	const char *ref = req_param(&a->req.body, "ref");
	const char *token = req_param(&a->req.body, "token");
	char	 now[21];
	int	 rc;

	a->private_page = 1;
	if (a->citizen.subject == NULL)
		return page_my_login_first(a, "/my") < 0 ? -1 : 0;
	if (a->req.method != REQ_POST)
		return page_my_list(a, NULL);
	if ((rc = page_my_guard(a)) != 0)
		return rc > 0 ? 0 : -1;
	if (ref == NULL || token == NULL || !ref_valid(ref) ||
	    !ref_hex_ok(token))
		return app_error(a, 404, "not_found");
	if (when_now_iso(now) == -1)
		return -1;
	rc = store_my_claim(a->store, ref, token, a->citizen.subject, now);
	if (rc == STORE_NOTFOUND)
		return app_error(a, 404, "not_found");
	if (rc == STORE_BUSY) {
		a->status = 503;
		return page_my_list(a, "busy");
	}
	if (rc != STORE_OK)
		return -1;
	return page_my_redirect(a, "/my?added=1");
}

/*
 * The Postkorb of one submission: what app_submission shows, the
 * citizen's answers in order, and the form to answer while the town hall
 * waits for one; after a refused answer (`problem`) with the text that
 * was sent, so that nothing written is lost. 1: answered (404).
 */
static int
page_my_postkorb(struct app *a, struct store_submission *s,
    const char *problem, const char *arg)
{
	struct store_reply *r = NULL;
	struct store_booking_row b;
	const char *sent = problem != NULL ? req_param(&a->req.body, "text") :
	    NULL;
	xmlNodePtr list, e;
	char	 csrf[REF_TOKEN_LEN + 1], size[24];
	size_t	 n = 0, i;
	int	 rc;

	/* What XML cannot hold is not given back (req_ made it UTF-8). */
	if (sent != NULL && text_has_controls(sent))
		sent = NULL;
	if ((rc = app_submission(a, "postkorb", NULL, s)) != 0)
		return rc;
	if (page_my_csrf(a, 0, csrf) != 0 ||
	    app_elem(a->root, "my", sent, "csrf", csrf, "answer",
	    strcmp(s->status, "waiting") == 0 ? "1" : "", NULL) == NULL ||
	    store_my_replies(a->store, s->ref, &r, &n) != STORE_OK)
		return -1;
	rc = -1;
	if ((list = app_child(a->root, "replies", NULL)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(size, sizeof(size), "%zu", r[i].size);
		if ((e = app_elem(list, "reply", r[i].text, "filename",
		    r[i].filename, "size", *r[i].field ? size : "", NULL)) ==
		    NULL || app_time_prop(e, "at", r[i].at) != 0)
			goto out;
	}
	if (problem != NULL && app_elem(a->root, "problem", NULL, "code",
	    problem, "arg", arg, NULL) == NULL)
		goto out;
	if (problem == NULL && req_param(&a->req.query, "done") != NULL &&
	    app_elem(a->root, "done", NULL, "what", "answer", NULL) == NULL)
		goto out;
	/* Its appointment, to manage on the status page. */
	if (page_slot_booked(a, s->ref, &b) < 0)
		goto out;
	rc = 0;
out:
	store_my_replies_free(r, n);
	return rc;
}

/*
 * The answer's text: required, bounded, no control characters, and, as
 * in every form field, no bidi controls that would turn around what the
 * clerk reads ("answer_bidi"). NULL with *problem set when it is not one.
 */
static const char *
page_my_text(const struct app *a, const char **problem)
{
	const char *v = req_param(&a->req.body, "text");
	size_t	 chars = 0;
	const char *p;

	*problem = "answer_text";
	if (v == NULL)
		return NULL;
	for (p = v; *p != '\0'; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	for (p = v; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
		;
	if (*p == '\0' || chars > PAGE_MY_TEXT_MAX || text_has_controls(v))
		return NULL;
	if (text_has_bidi(v)) {
		*problem = "answer_bidi";
		return NULL;
	}
	*problem = NULL;
	return v;
}

/* The file part, if the citizen chose one. */
static const struct req_param *
page_my_file(const struct app *a)
{
	const struct req_param *p;
	size_t	 i;

	for (i = 0; i < a->req.body.n; i++) {
		p = &a->req.body.v[i];
		if (p->filename != NULL && strcmp(p->name,
		    PAGE_MY_FILE_FIELD) == 0 && (p->valuelen > 0 ||
		    p->filename[0] != '\0'))
			return p;
	}
	return NULL;
}

/*
 * The answer, stored with its file and the status back to "in
 * progress" (store_my_answer), and the mail to the clerk queued in the
 * same transaction. 0: stored; >0: the status to show the Postkorb again
 * with, `*problem` saying why; -1 failed.
 */
static int
page_my_answer(struct app *a, const struct store_submission *s,
    const char **problem, char arg[VALID_ARG_MAX])
{
	static const struct form_field any_file = { .type = FORM_FILE };
	const struct req_param *p = page_my_file(a);
	const char *text, *why;
	struct store_staged file;
	struct store_answer ans;
	char	 now[21], name[UPLOAD_NAME_MAX + 1];
	struct notice n;
	struct form f;
	enum upload_type t;
	int	 rc;

	if (strcmp(s->status, "waiting") != 0) {
		*problem = "not_waiting";
		return 409;
	}
	if ((text = page_my_text(a, &why)) == NULL) {
		*problem = why;
		return 422;
	}
	memset(&file, 0, sizeof(file));
	if (p != NULL) {
		if ((*problem = upload_check(&any_file, p->filename,
		    (const unsigned char *)p->value, p->valuelen, arg)) !=
		    NULL)
			return 422;
		t = upload_sniff((const unsigned char *)p->value, p->valuelen);
		upload_name(name, p->filename, t);
		file.filename = name;
		file.mime = upload_mime(t);
		file.data = (const unsigned char *)p->value;
		file.len = p->valuelen;
	}
	if (when_now_iso(now) == -1 || (s->definition_xml != NULL ?
	    app_form_stored(a, s->definition_xml, &f) :
	    app_form_id(a, s->service, NULL, &f)) != 0)
		return -1;
	memset(&n, 0, sizeof(n));
	n.app = a;
	n.form = &f;
	n.lang = "de";
	n.status = "in_progress";
	memset(&ans, 0, sizeof(ans));
	ans.ref = s->ref;
	ans.subject = a->citizen.subject;
	ans.text = text;
	ans.file = p != NULL ? &file : NULL;
	ans.now = now;
	ans.mails = notice_reply;
	ans.mails_arg = &n;
	rc = store_my_answer(a->store, &ans);
	notice_free(&n);
	form_free(&f);
	return app_change_answer(rc, "not_waiting", problem);
}

/*
 * GET /my/<ref>: the Postkorb. POST: the citizen's answer, then 303 back
 * to it (a reload repeats nothing); refused, the Postkorb again with
 * why. Another account's or an unknown reference: the same 404.
 */
int
page_my_submission(struct app *a)
{
	struct store_submission s;
	struct buf back;
	const char *problem = NULL;
	char	 arg[VALID_ARG_MAX] = "";
	int	 rc;

	a->private_page = 1;
	if (a->citizen.subject == NULL) {
		buf_init(&back, 128);
		rc = buf_printf(&back, "/my/%s", a->route.arg) != 0 ? -1 :
		    page_my_login_first(a, buf_str(&back));
		buf_free(&back);
		return rc < 0 ? -1 : 0;
	}
	if (a->req.method == REQ_POST && (rc = page_my_guard(a)) != 0)
		return rc > 0 ? 0 : -1;
	rc = page_my_postkorb(a, &s, NULL, NULL);
	if (rc != 0 || a->req.method != REQ_POST) {
		store_submission_free(&s);
		return rc > 0 ? 0 : rc;
	}
	rc = page_my_answer(a, &s, &problem, arg);
	if (rc == 0) {
		buf_init(&back, 128);
		rc = buf_printf(&back, "/my/%s?done=answer", s.ref) != 0 ? -1 :
		    page_my_redirect(a, buf_str(&back));
		buf_free(&back);
	} else if (rc > 0) {
		a->status = rc;
		store_submission_free(&s);
		rc = page_my_postkorb(a, &s, problem, arg);
		if (rc > 0)
			rc = 0;
	}
	store_submission_free(&s);
	return rc;
}
