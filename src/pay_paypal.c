#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "form.h"
#include "pay.h"
#include "paypal.h"
#include "store_token.h"
#include "text.h"
#include "when.h"

/*
 * PayPal behind the payment interface: an order for the stored bill
 * (Orders v2, the attempt's request id as PayPal-Request-Id, our
 * reference and the attempt as invoice id), the capture when the citizen
 * comes back, and the webhook notices. Only a capture of exactly the
 * stored total in EUR makes a submission paid.
 */

/*
 * The access token lives in the store between the short-lived processes;
 * the transport only uses it. Without a usable cache (none yet, or the
 * store failing), the call fetches a new one.
 */
static void
pay_paypal_auth_load(struct store *s, struct paypal_auth *auth)
{
	char	 now[21];
	int	 rc;

	memset(auth, 0, sizeof(*auth));
	if (when_now_iso(now) == -1)
		return;
	rc = store_token_get(s, "paypal", now, auth->token,
	    sizeof(auth->token));
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		fprintf(stderr, "rathaus: paypal: token cache: %s\n",
		    store_errmsg(s));
}

/* What the call changed goes back into the cache; the token is wiped. */
static void
pay_paypal_auth_save(struct store *s, struct paypal_auth *auth)
{
	char	 until[21];

	if (auth->fresh && (when_iso(auth->expires, until) == -1 ||
	    store_token_put(s, "paypal", auth->token, until) != STORE_OK))
		fprintf(stderr, "rathaus: paypal: token not cached: %s\n",
		    store_errmsg(s));
	explicit_bzero(auth, sizeof(*auth));
}

static enum pay_problem
pay_paypal_problem(enum paypal_err e)
{
	switch (e) {
	case PAYPAL_OK:		return PAY_OK;
	case PAYPAL_UNAVAILABLE: return PAY_UNAVAILABLE;
	case PAYPAL_REFUSED:	return PAY_DECLINED;
	case PAYPAL_MISMATCH:	return PAY_MISMATCH;
	default:		return PAY_FAILED;
	}
}

/* The first words of a bill line (German comes first in definitions). */
static const char *
pay_paypal_label(xmlNodePtr line)
{
	xmlNodePtr c;

	for (c = line->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->children != NULL &&
		    c->children->content != NULL &&
		    strcmp((const char *)c->name, "label") == 0)
			return (const char *)c->children->content;
	return "Gebühr";
}

/*
 * The stored bill's lines as PayPal items; their sum is the total. A
 * waived bill has a total of 0 and is never sent: nothing to pay.
 */
static size_t
pay_paypal_items(xmlNodePtr bill, struct paypal_item *items, size_t max)
{
	xmlNodePtr l;
	size_t	 n = 0;

	for (l = bill != NULL ? bill->children : NULL; l != NULL && n < max;
	    l = l->next) {
		if (l->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)l->name, "line") != 0 ||
		    form_attr(l, "qty") == NULL || form_attr(l, "unit") == NULL ||
		    text_to_long(form_attr(l, "qty"), 1, 1000000,
		    &items[n].quantity) == -1 ||
		    text_to_long(form_attr(l, "unit"), 0, FORM_CENTS_MAX,
		    &items[n].unit_cents) == -1)
			continue;
		items[n].name = pay_paypal_label(l);
		n++;
	}
	return n;
}

/* Where PayPal sends the citizen back: approved, or cancelled. */
static int
pay_paypal_back(const struct conf *c, const struct pay_order *o, int cancel,
    struct buf *url)
{
	return buf_printf(url, "%s%s/paid/%s?access=%s&method=paypal%s",
	    c->base_url, c->script, o->ref, o->token,
	    cancel ? "&cancel=1" : "");
}

/*
 * The citizen is only ever sent to PayPal's own pages: the origin the
 * checkout's CSP allows, so the browser would refuse any other anyway.
 */
static int
pay_paypal_ours(const struct conf *c, const char *url)
{
	struct buf origin;
	size_t	 n;
	int	 ok;

	buf_init(&origin, 256);
	ok = paypal_checkout_origin(c, &origin) == 0 &&
	    (n = strlen(buf_str(&origin))) > 0 &&
	    strncmp(url, buf_str(&origin), n) == 0 && url[n] == '/';
	buf_free(&origin);
	return ok;
}

static enum pay_problem
pay_paypal_start(const struct pay_ctx *x, const struct pay_order *o,
    char **redirect)
{
	struct paypal_item items[PAYPAL_ITEMS_MAX];
	struct paypal_order po;
	struct paypal_created created;
	struct paypal_auth auth;
	struct buf ok, cancel;
	char	 err[256], now[21], invoice[REF_MAX + 24];
	enum paypal_err e;
	int	 dup = 0;

	/* PayPal takes an invoice id once money moved for it: each attempt
	 * has its own, the reference and the attempt ("2026-000042-7/12"),
	 * the same again for the same attempt's retries. */
	snprintf(invoice, sizeof(invoice), "%s/%ld", o->ref, o->attempt->id);
	memset(&po, 0, sizeof(po));
	po.items = items;
	po.nitems = pay_paypal_items(o->bill, items, PAYPAL_ITEMS_MAX);
	po.request_id = o->attempt->request_id;
	po.invoice_id = invoice;
	po.amount_cents = o->amount_cents;
	po.currency = "EUR";
	po.brand_name = x->brand;
	buf_init(&ok, 1024);
	buf_init(&cancel, 1024);
	if (pay_paypal_back(x->conf, o, 0, &ok) != 0 ||
	    pay_paypal_back(x->conf, o, 1, &cancel) != 0) {
		buf_free(&ok);
		buf_free(&cancel);
		return PAY_FAILED;
	}
	po.return_url = buf_str(&ok);
	po.cancel_url = buf_str(&cancel);
	pay_paypal_auth_load(x->store, &auth);
	e = paypal_create(x->conf, &auth, &po, &created, err, sizeof(err));
	pay_paypal_auth_save(x->store, &auth);
	buf_free(&ok);
	buf_free(&cancel);
	if (e == PAYPAL_OK && !pay_paypal_ours(x->conf, created.approve_url)) {
		e = PAYPAL_INTERNAL;
		snprintf(err, sizeof(err), "approve link outside PayPal's"
		    " pages");
	}
	if (when_now_iso(now) == -1)
		return PAY_FAILED;
	if (e != PAYPAL_OK) {
		fprintf(stderr, "rathaus: PayPal order for %s: %s\n", o->ref,
		    err);
		/* Refused, or ours: this attempt is over, the next try starts
		 * anew. A provider that did not answer or answered garbage may
		 * have made the order: the attempt (its request id) stays open
		 * so that the retry gets that order, not a second one. */
		if (e == PAYPAL_REFUSED || e == PAYPAL_INTERNAL)
			(void)store_payment_update(x->store, o->attempt->id,
			    "failed", "paypal", NULL, NULL, now, &dup);
		return pay_paypal_problem(e);
	}
	if (store_payment_set_ref(x->store,
	    o->attempt->id, created.order_id, NULL, now) != STORE_OK ||
	    (*redirect = strdup(created.approve_url)) == NULL)
		return PAY_FAILED;
	return PAY_OK;
}

/*
 * Back from PayPal with ?token=<order id>: cancelled, or capture it. The
 * capture's request id is the attempt's, so a repeated return (reload,
 * a second tab) captures once.
 */
static enum pay_problem
pay_paypal_finish(const struct pay_ctx *x, const struct pay_order *o,
    const struct req_params *q)
{
	const char *order = req_param(q, "token");
	struct store_payment p;
	struct paypal_capture cap;
	struct paypal_auth auth;
	struct buf rid;
	char	 err[256], now[21];
	enum paypal_err e;
	int	 dup = 0;

	if (order == NULL || when_now_iso(now) == -1 ||
	    store_payment_find(x->store, "paypal", order, &p) != STORE_OK ||
	    strcmp(p.ref, o->ref) != 0)
		return PAY_FAILED;
	if (req_param(q, "cancel") != NULL) {
		(void)store_payment_update(x->store, p.id, "cancelled",
		    "paypal-return", NULL, NULL, now, &dup);
		return PAY_CANCELLED;
	}
	buf_init(&rid, 256);
	if (buf_printf(&rid, "%s-capture", p.request_id) != 0) {
		buf_free(&rid);
		return PAY_FAILED;
	}
	pay_paypal_auth_load(x->store, &auth);
	e = paypal_capture(x->conf, &auth, order, buf_str(&rid), &cap, err,
	    sizeof(err));
	pay_paypal_auth_save(x->store, &auth);
	buf_free(&rid);
	if (e == PAYPAL_OK)
		e = paypal_capture_check(&cap, o->amount_cents, "EUR");
	if (e != PAYPAL_OK) {
		fprintf(stderr, "rathaus: PayPal capture for %s: %s\n", o->ref,
		    e == PAYPAL_MISMATCH ? "amount or currency differ" : err);
		/* Said no, or took another amount: this attempt is over. A
		 * provider that did not answer leaves it open to retry. */
		if (e == PAYPAL_REFUSED || e == PAYPAL_MISMATCH)
			(void)store_payment_update(x->store, p.id, "failed",
			    "paypal-return", cap.capture_id[0] ?
			    cap.capture_id : NULL, NULL, now, &dup);
		return pay_paypal_problem(e);
	}
	if (store_payment_set_ref(x->store, p.id, NULL, cap.capture_id, now) !=
	    STORE_OK || store_payment_update(x->store, p.id, "completed",
	    "paypal", cap.capture_id, NULL, now, &dup) != STORE_OK)
		return PAY_FAILED;
	/* Refunded at PayPal before we learned of the capture: the fee was
	 * taken and given back. Refunded in part, it stays paid. */
	if (strcmp(cap.status, "REFUNDED") == 0)
		return store_payment_update(x->store, p.id, "refunded",
		    "paypal", NULL, NULL, now, &dup) == STORE_OK ? PAY_OK :
		    PAY_FAILED;
	if (strcmp(cap.status, "PARTIALLY_REFUNDED") == 0)
		fprintf(stderr, "rathaus: PayPal capture for %s partly refunded"
		    " at PayPal: paid\n", o->ref);
	return PAY_OK;
}

/*
 * Whether a refund's notice gave the whole fee back: PayPal tells of
 * every refund, of a part too, so the order's capture as it is now says
 * (REFUNDED; PARTIALLY_REFUNDED: the fee stays paid). 1 whole, 0 a part,
 * -1 not known now (PayPal sends its notice again).
 */
static int
pay_paypal_refunded_whole(const struct pay_ctx *x, struct paypal_auth *auth,
    const struct store_payment *p)
{
	struct paypal_capture cap;
	char	 err[256];

	if (paypal_order_capture(x->conf, auth, p->provider_ref, &cap, err,
	    sizeof(err)) != PAYPAL_OK) {
		fprintf(stderr, "rathaus: PayPal refund notice for %s: %s\n",
		    p->ref, err);
		return -1;
	}
	if (strcmp(cap.status, "REFUNDED") == 0)
		return 1;
	fprintf(stderr, "rathaus: PayPal refunded part of the fee of %s"
	    " (capture %s): paid\n", p->ref, cap.status);
	return 0;
}

/*
 * A webhook notice: verified by PayPal's own check, then applied once
 * (the event id); a capture completes a payment only with the stored
 * total, a refund refunds it only when the whole fee went back. 0 taken
 * (also when it concerns nothing of ours), -1 refused or not applied.
 */
static int
pay_paypal_notice(const struct pay_ctx *x, struct paypal_auth *auth,
    const struct pay_notice *n)
{
	struct paypal_webhook wh;
	struct paypal_event ev;
	struct store_payment p;
	char	 err[256], now[21], state[16];
	const char *to = NULL;
	long	 fee = 0;
	int	 dup = 0, whole;

	memset(&wh, 0, sizeof(wh));
	wh.transmission_id = n->headers[REQ_PAYPAL_TRANSMISSION_ID];
	wh.transmission_time = n->headers[REQ_PAYPAL_TRANSMISSION_TIME];
	wh.transmission_sig = n->headers[REQ_PAYPAL_TRANSMISSION_SIG];
	wh.cert_url = n->headers[REQ_PAYPAL_CERT_URL];
	wh.auth_algo = n->headers[REQ_PAYPAL_AUTH_ALGO];
	if (when_now_iso(now) == -1)
		return -1;
	if (paypal_verify_webhook(x->conf, auth, &wh, n->body, &ev, err,
	    sizeof(err)) != PAYPAL_OK) {
		fprintf(stderr, "rathaus: PayPal notice refused: %s\n", err);
		return -1;
	}
	if (strcmp(ev.type, "PAYMENT.CAPTURE.COMPLETED") == 0)
		to = "completed";
	else if (strcmp(ev.type, "PAYMENT.CAPTURE.DENIED") == 0)
		to = "failed";
	else if (strcmp(ev.type, "PAYMENT.CAPTURE.REFUNDED") == 0)
		to = "refunded";
	/* A capture's notice names its order; a refund's only the capture. */
	if (to == NULL || (ev.order_id[0] == '\0' && ev.capture_id[0] ==
	    '\0') || store_payment_find(x->store, "paypal", ev.order_id[0] !=
	    '\0' ? ev.order_id : ev.capture_id, &p) != STORE_OK)
		return 0;	/* nothing of ours to change */
	if (strcmp(to, "completed") == 0 &&
	    (store_payment_state(x->store, p.ref, state, sizeof(state),
	    &fee) != STORE_OK || ev.amount_cents != fee ||
	    strcmp(ev.currency, "EUR") != 0)) {
		fprintf(stderr, "rathaus: PayPal notice for %s: amount or"
		    " currency differ, not taken as paid\n", p.ref);
		return 0;
	}
	if (strcmp(to, "refunded") == 0 &&
	    (whole = pay_paypal_refunded_whole(x, auth, &p)) != 1)
		return whole;
	/* The capture is what a refund names. */
	if (strcmp(to, "completed") == 0 &&
	    store_payment_set_ref(x->store, p.id, NULL, ev.resource_id, now) !=
	    STORE_OK)
		return -1;
	return store_payment_update(x->store, p.id, to, "paypal-webhook",
	    ev.id, NULL, now, &dup) == STORE_OK ? 0 : -1;
}

static int
pay_paypal_notify(const struct pay_ctx *x, const struct pay_notice *n)
{
	struct paypal_auth auth;
	int	 rc;

	pay_paypal_auth_load(x->store, &auth);
	rc = pay_paypal_notice(x, &auth, n);
	pay_paypal_auth_save(x->store, &auth);
	return rc;
}

/*
 * A clerk gives the fee back: the whole capture, refunded at PayPal (the
 * money goes back to the payer's account by itself). The request id is
 * the attempt's, so a repeated click refunds once. PENDING: PayPal's
 * notice (PAYMENT.CAPTURE.REFUNDED) finishes it later. No answer, or one
 * we cannot read, may have refunded: UNAVAILABLE, try again (at most
 * once); so is a refund we could not record. DECLINED: PayPal said no.
 * FAILED: nothing was asked of PayPal.
 */
static enum pay_problem
pay_paypal_refund(const struct pay_ctx *x, const struct store_payment *p)
{
	struct paypal_refund r;
	struct paypal_auth auth;
	struct buf rid;
	char	 err[256], now[21];
	enum paypal_err e;
	int	 dup = 0;

	if (p->capture_ref[0] == '\0' || when_now_iso(now) == -1) {
		fprintf(stderr, "rathaus: PayPal refund for %s: no capture"
		    " id stored\n", p->ref);
		return PAY_FAILED;
	}
	buf_init(&rid, 256);
	if (buf_printf(&rid, "%s-refund", p->request_id) != 0) {
		buf_free(&rid);
		return PAY_FAILED;
	}
	pay_paypal_auth_load(x->store, &auth);
	e = paypal_refund(x->conf, &auth, p->capture_ref, buf_str(&rid), &r,
	    err, sizeof(err));
	pay_paypal_auth_save(x->store, &auth);
	buf_free(&rid);
	if (e != PAYPAL_OK) {
		fprintf(stderr, "rathaus: PayPal refund for %s: %s\n", p->ref,
		    err);
		return e == PAYPAL_REFUSED ? PAY_DECLINED : e ==
		    PAYPAL_INTERNAL ? PAY_FAILED : PAY_UNAVAILABLE;
	}
	if (strcmp(r.status, "COMPLETED") != 0)
		return PAY_PENDING;
	/* Conflict: PayPal's notice of it came first; refunded all the same. */
	switch (store_payment_update(x->store, p->id, "refunded", "paypal",
	    r.refund_id, x->actor, now, &dup)) {
	case STORE_OK:
	case STORE_CONFLICT:
		return PAY_OK;
	default:
		fprintf(stderr, "rathaus: PayPal refund %s for %s done, not yet"
		    " recorded: %s\n", r.refund_id, p->ref,
		    store_errmsg(x->store));
		return PAY_UNAVAILABLE;
	}
}

const struct pay_provider pay_paypal = {
	"paypal", 1, pay_paypal_start, pay_paypal_finish, pay_paypal_notify,
	pay_paypal_refund, paypal_checkout_origin
};
