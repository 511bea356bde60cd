#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "epc.h"
#include "page.h"
#include "pay.h"
#include "ref.h"
#include "render.h"
#include "store_pay.h"
#include "when.h"

/* Add the origin of a provider's pages to `origins`; -1 (logged): none. */
static int
page_pay_origin_add(struct app *a, const struct pay_provider *prov,
    struct buf *origins)
{
	struct buf one;
	int	 rc = -1;

	buf_init(&one, 256);
	if (prov->checkout_origin(&a->conf, &one) == 0 && !one.failed &&
	    buf_printf(origins, "%s%s", *buf_str(origins) != '\0' ? " " : "",
	    buf_str(&one)) == 0)
		rc = 0;
	else
		fprintf(stderr, "rathaus: %s not offered: no origin for its"
		    " pages (check its API address)\n", prov->name);
	buf_free(&one);
	return rc;
}

/* The methods a citizen is offered, in the configured order. */
static int
page_pay_methods(struct app *a, xmlNodePtr parent)
{
	const struct pay_provider *prov;
	struct buf origins;
	xmlNodePtr list;
	const char *p = a->conf.pay_methods;
	char	 name[16];
	size_t	 len;
	int	 rc = 0;

	if ((list = app_child(parent, "methods", NULL)) == NULL)
		return -1;
	buf_init(&origins, 256);
	for (; rc == 0 && p != NULL && *(p += strspn(p, " ,")) != '\0';
	    p += len) {
		len = strcspn(p, " ,");
		if (len >= sizeof(name))
			continue;
		memcpy(name, p, len);
		name[len] = '\0';
		if (!pay_offered(&a->conf, name))
			continue;
		prov = pay_provider(name);
		/* No origin for its pages: not offered (the browser would not
		 * follow the form there). */
		if (prov->checkout_origin != NULL &&
		    page_pay_origin_add(a, prov, &origins) != 0)
			continue;
		if (app_elem(list, "method", NULL, "name", prov->name,
		    "online", prov->online ? "1" : "", NULL) == NULL)
			rc = -1;
	}
	/* The form may lead to the providers' pages (their 303). */
	if (rc == 0 && *buf_str(&origins) != '\0') {
		free(a->form_action);
		if ((a->form_action = buf_steal(&origins)) == NULL)
			rc = -1;
	}
	buf_free(&origins);
	return rc;
}

/*
 * For a transfer: the RF creditor reference made from ours (banks carry
 * it whole, and `rathaus camt` finds the submission by it) and the
 * GiroCode (EPC069-12) that banking apps scan: recipient, IBAN, amount,
 * reference. Without an account configured, none.
 */
static int
page_pay_transfer(struct app *a, const struct store_submission *s)
{
	struct buf payload, path;
	char	 rf[EPC_RF_MAX], printed[EPC_RF_PRINT_MAX], size[16];
	int	 qsize, rc = -1;

	if (!pay_offered(&a->conf, "transfer") || *a->conf.bank_iban == '\0' ||
	    s->fee_cents <= 0)
		return 0;
	if (epc_rf(s->ref, rf) != 0 || epc_rf_print(rf, printed) != 0)
		return -1;
	buf_init(&payload, 512);
	buf_init(&path, 8192);
	if (epc_payload(&payload, a->conf.bank_bic, a->conf.bank_recipient,
	    a->conf.bank_iban, s->fee_cents, rf, NULL, NULL) != 0) {
		/* A configuration the standard refuses: no code, say so. */
		fprintf(stderr, "rathaus: no GiroCode: check bank_iban,"
		    " bank_bic, bank_recipient\n");
		rc = 0;
	} else if (epc_qr(&payload, &path, &qsize) == 0) {
		snprintf(size, sizeof(size), "%d", qsize);
		rc = app_elem(a->root, "girocode", NULL, "size", size, "path",
		    buf_str(&path), NULL) == NULL ? -1 : 0;
	}
	if (rc == 0 && app_elem(a->root, "reference", NULL, "rf", rf,
	    "printed", printed, NULL) == NULL)
		rc = -1;
	buf_free(&payload);
	buf_free(&path);
	return rc;
}

/*
 * The checkout of one submission: its bill, how to pay, what happened so
 * far. `token` is the citizen's status token; 1: answered with a 404.
 */
static int
page_pay_doc(struct app *a, const char *token, struct store_submission *s,
    char state[16], enum pay_problem problem)
{
	xmlNodePtr sub;
	char	 grouped[64];
	size_t	 i, o = 0;
	int	 rc;

	/* The IBAN as people read it: DE02 1203 0000 ... */
	for (i = 0; a->conf.bank_iban[i] != '\0' && o + 2 < sizeof(grouped);
	    i++) {
		if (i > 0 && i % 4 == 0)
			grouped[o++] = ' ';
		grouped[o++] = a->conf.bank_iban[i];
	}
	grouped[o] = '\0';
	if ((rc = app_submission(a, "pay", token, s)) != 0)
		return rc;
	for (sub = a->root->children; sub != NULL &&
	    strcmp((const char *)sub->name, "submission") != 0;)
		sub = sub->next;
	if (sub == NULL || page_pay_transfer(a, s) != 0 ||
	    app_props(sub, "token", *a->owner_token != '\0' ? "" : token,
	    NULL) != 0 ||
	    app_payment(a, sub, s->ref, state) != 0 ||
	    page_pay_methods(a, a->root) != 0 ||
	    app_elem(a->root, "bank", NULL, "iban-grouped", grouped, "bic",
	    a->conf.bank_bic, "recipient", a->conf.bank_recipient, NULL) ==
	    NULL ||
	    (problem != PAY_OK && app_elem(a->root, "problem", NULL, "code",
	    pay_problem_code(problem), NULL) == NULL))
		return -1;
	return 0;
}

/* The stored bill (<fee total> in the answers) of a submission's page. */
static xmlNodePtr
page_pay_bill(struct app *a)
{
	xmlNodePtr n;

	for (n = a->root->children; n != NULL; n = n->next)
		if (strcmp((const char *)n->name, "submission") == 0)
			break;
	for (n = n ? n->children : NULL; n != NULL; n = n->next)
		if (strcmp((const char *)n->name, "values") == 0)
			break;
	for (n = n ? n->children : NULL; n != NULL; n = n->next)
		if (strcmp((const char *)n->name, "fee") == 0)
			return n;
	return NULL;
}

/* What is to be paid, from the submission the page has loaded. */
static void
page_pay_order(struct app *a, const struct store_submission *s,
    const char *token, struct pay_order *o)
{
	memset(o, 0, sizeof(*o));
	o->ref = s->ref;
	/* Opened as the account's own: the provider's way back still needs
	 * the token (it is the citizen's browser that comes back). */
	o->token = *a->owner_token != '\0' ? a->owner_token : token;
	o->amount_cents = s->fee_cents;
	o->bill = page_pay_bill(a);
}

/* What a provider may use of this request: the citizen acts. */
static void
page_pay_ctx(struct app *a, struct pay_ctx *ctx)
{
	/* None where this request did not load the town (app_share). */
	const char *brand = a->share == NULL ? NULL :
	    form_town_text(a->share, "paypal-brand", NULL);

	ctx->conf = &a->conf;
	ctx->store = a->store;
	ctx->actor = NULL;
	if (brand == NULL && a->share != NULL)
		brand = form_town_text(a->share, "name", "de");
	/* PayPal refuses an order whose brand_name is longer than 127
	 * characters (the schema says so; the file may not have been
	 * linted): none then, rather than no payment. */
	ctx->brand = brand != NULL && strlen(brand) <= 127 ? brand : NULL;
}

/* The checkout again, saying what went wrong; `status` is its code. */
static int
page_pay_again(struct app *a, const char *token, struct store_submission *s,
    enum pay_problem problem, int status)
{
	char	 state[16];
	int	 rc;

	store_submission_free(s);
	rc = page_pay_doc(a, token, s, state, problem);
	store_submission_free(s);
	a->status = status;
	return rc == 0 ? 0 : -1;
}

static int
page_pay_redirect(struct app *a, const char *path, const char *ref,
    const char *token, const char *suffix)
{
	struct buf loc;

	buf_init(&loc, 4096);
	app_link(a, &loc, path, ref, token);
	buf_printf(&loc, "%s", suffix);
	return app_redirect(a, &loc);
}

/*
 * GET /pay/<ref>?token=: the checkout. POST (with the same query): start
 * a payment by the chosen method: an online one sends the citizen to the
 * provider (303); the submission stays stored and payable whatever the
 * provider does.
 */
int
page_pay(struct app *a)
{
	const char *token = req_param(&a->req.query, "token");
	const char *method = req_param(&a->req.body, "method");
	const struct pay_provider *prov;
	struct store_submission s;
	struct store_payment attempt;
	struct pay_order order;
	struct pay_ctx ctx;
	enum pay_problem problem = PAY_OK;
	char	 state[16], request_id[REF_TOKEN_LEN + 1], now[21];
	char	*redirect = NULL;
	int	 rc;

	if ((rc = page_pay_doc(a, token, &s, state, PAY_OK)) != 0) {
		store_submission_free(&s);
		return rc > 0 ? 0 : -1;
	}
	if (a->req.method != REQ_POST) {
		store_submission_free(&s);
		return 0;
	}
	/* Paid already, or nothing to pay: nothing to start. */
	if (strcmp(state, "awaiting") != 0 || method == NULL ||
	    !pay_offered(&a->conf, method) ||
	    (prov = pay_provider(method)) == NULL ||
	    !prov->online || prov->start == NULL) {
		a->status = 422;
		rc = app_elem(a->root, "problem", NULL, "code", "method",
		    NULL) == NULL ? -1 : 0;
		store_submission_free(&s);
		return rc;
	}
	page_pay_order(a, &s, token, &order);
	order.attempt = &attempt;
	if (ref_token(request_id) == -1 || when_now_iso(now) == -1 ||
	    store_payment_start(a->store, s.ref, method, s.fee_cents,
	    request_id, now, &attempt) != STORE_OK) {
		store_submission_free(&s);
		return -1;
	}
	page_pay_ctx(a, &ctx);
	problem = prov->start(&ctx, &order, &redirect);
	if (problem == PAY_OK && redirect != NULL) {
		a->location = redirect;
		store_submission_free(&s);
		return 0;
	}
	free(redirect);
	/* Shown again with what went wrong; stored, and payable later. */
	return page_pay_again(a, token, &s, problem,
	    problem == PAY_UNAVAILABLE ? 503 : 502);
}

/*
 * GET /paid/<ref>?access=<token>&method=..&<the provider's query>: back
 * from the provider, approved or cancelled; only a submission awaiting
 * its payment is finished. Paid (or refunded since): on to the status
 * page. Not paid: the checkout again, saying why, to try again or choose
 * another method.
 */
int
page_pay_return(struct app *a)
{
	const char *token = req_param(&a->req.query, "access");
	const char *method = req_param(&a->req.query, "method");
	const struct pay_provider *prov = pay_provider(method);
	struct store_submission s;
	struct pay_order order;
	struct pay_ctx ctx;
	enum pay_problem problem;
	char	 state[16];
	int	 rc;

	if ((rc = page_pay_doc(a, token, &s, state, PAY_OK)) != 0) {
		store_submission_free(&s);
		return rc > 0 ? 0 : -1;
	}
	if (prov == NULL || prov->finish == NULL ||
	    !pay_offered(&a->conf, method)) {
		store_submission_free(&s);
		return app_error(a, 404, "not_found");
	}
	page_pay_order(a, &s, token, &order);
	page_pay_ctx(a, &ctx);
	/* Paid or refunded already (a reload, a second tab): nothing to
	 * finish, the status page says which. */
	problem = strcmp(state, "awaiting") != 0 ? PAY_OK :
	    prov->finish(&ctx, &order, &a->req.query);
	if (problem == PAY_OK) {
		rc = page_pay_redirect(a, "/status/", s.ref, token, "");
		store_submission_free(&s);
		return rc;
	}
	return page_pay_again(a, token, &s, problem,
	    problem == PAY_UNAVAILABLE ? 503 : 200);
}

/* POST /webhook/<provider>: a provider's notice, checked by the provider. */
int
page_webhook(struct app *a)
{
	const struct pay_provider *prov = pay_provider(a->route.arg);
	const struct pay_notice notice = { a->req.json, a->req.headers };
	struct pay_ctx ctx;
	int	 rc;

	if (prov == NULL || prov->notify == NULL ||
	    !pay_offered(&a->conf, a->route.arg) || a->req.json == NULL)
		return app_error(a, 404, "not_found");
	rc = app_store(a);
	if (rc == 0) {
		page_pay_ctx(a, &ctx);
		rc = prov->notify(&ctx, &notice);
	}
	render_plain(rc == 0 ? 200 : 400, rc == 0 ? "ok" : "refused", a->out);
	a->answered = 1;
	return 0;
}
