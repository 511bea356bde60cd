#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "net.h"
#include "conf.h"
#include "paypal.h"
#include "text.h"
#include "when.h"

#define PAYPAL_REPLY_MAX	(1u << 20)
#define PAYPAL_TOKEN_MARGIN	300	/* seconds before PayPal's expiry */
#define PAYPAL_HEADER_MAX	500	/* a webhook header, as PayPal bounds it */
#define PAYPAL_CENTS_DIGITS	12	/* before the point: 10^10 euro */
#define PAYPAL_ISSUE_MAX	64

/* One HTTP request to the API, and the issue of its error answer. */
struct paypal_req {
	const char	*path;		/* below paypal_api */
	const char	*body;		/* NULL: an empty POST */
	const char	*ctype;		/* NULL: a GET */
	const char	*bearer;	/* NULL: Basic auth with id and secret */
	const char	*request_id;	/* PayPal-Request-Id, or NULL */
	char		 issue[PAYPAL_ISSUE_MAX]; /* out: details[0].issue */
};

static enum paypal_err
paypal_fail(char *err, size_t errlen, enum paypal_err code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum paypal_err
paypal_fail(char *err, size_t errlen, enum paypal_err code,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

int
paypal_enabled(const struct conf *c)
{
	return c->paypal_api != NULL && *c->paypal_api != '\0';
}

/*
 * Where PayPal's own pages live, to which the checkout form leads (the
 * page's Content-Security-Policy must allow it): www.paypal.com for the
 * live API, www.sandbox.paypal.com for the sandbox, and for anything else
 * (a stand-in on the loopback) the API's own origin.
 */
int
paypal_checkout_origin(const struct conf *c, struct buf *out)
{
	static const struct { const char *api, *site; } known[] = {
		{ "https://api-m.paypal.com", "https://www.paypal.com" },
		{ "https://api.paypal.com", "https://www.paypal.com" },
		{ "https://api-m.sandbox.paypal.com",
		  "https://www.sandbox.paypal.com" },
		{ "https://api.sandbox.paypal.com",
		  "https://www.sandbox.paypal.com" },
	};
	const char *api = c->paypal_api, *host;
	size_t	 i, n;

	if (!paypal_enabled(c))
		return -1;
	if (strncmp(api, "https://", 8) == 0)
		host = api + 8;
	else if (strncmp(api, "http://", 7) == 0)
		host = api + 7;
	else
		return -1;
	n = (size_t)(host - api) + strcspn(host, "/");
	if (n == (size_t)(host - api))
		return -1;		/* no host */
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].api) == n &&
		    strncasecmp(known[i].api, api, n) == 0)
			return buf_printf(out, "%s", known[i].site);
	/* It goes into a header: host characters only. */
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:[]") < n - (size_t)(host - api))
		return -1;
	return buf_printf(out, "%.*s", (int)n, api);
}

/* An amount as PayPal writes it: "22.50", from integer cents. */
int
paypal_cents_format(long cents, char *out, size_t size)
{
	return cents < 0 ? -1 : text_cents_format(cents, out, size);
}

/* "22.50", "22.5" or "22" to cents; no sign, no exponent, no rounding. */
int
paypal_cents_parse(const char *value, long *cents)
{
	return text_cents_parse(value, PAYPAL_CENTS_DIGITS, 2, cents);
}

/* An id we put into a URL path or a header: [A-Za-z0-9_-], bounded. */
static int
paypal_id_ok(const char *id)
{
	size_t	 n;

	if (id == NULL)
		return 0;
	n = strlen(id);
	return n > 0 && n < PAYPAL_ID_MAX && strspn(id, "ABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Printable ASCII of a reply, bounded, for a message. */
static void
paypal_clean(char *dst, size_t size, const char *src)
{
	size_t	 i, n = 0;

	for (i = 0; src != NULL && src[i] != '\0' && n + 1 < size && i < 80;
	    i++)
		if (src[i] >= 0x20 && src[i] < 0x7f)
			dst[n++] = src[i];
	if (size > 0)
		dst[n] = '\0';
}

/* The member at a dotted path ("purchase_units.0.amount"), or NULL. */
static json_t *
paypal_at(json_t *v, const char *path)
{
	char	 key[64];
	size_t	 n;
	long	 idx;

	while (v != NULL && *path != '\0') {
		n = strcspn(path, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (json_is_array(v))
			v = text_to_long(key, 0, 1000, &idx) == 0 ?
			    json_array_get(v, (size_t)idx) : NULL;
		else
			v = json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

/* A string member copied into `dst`: 0, or -1 when absent, empty or odd. */
static int
paypal_copy(char *dst, size_t size, json_t *root, const char *path)
{
	const char *s = json_string_value(paypal_at(root, path));

	*dst = '\0';
	if (s == NULL || *s == '\0' || strlen(s) >= size ||
	    text_has_controls(s) || !text_utf8_valid(s, strlen(s)))
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* {"currency_code": "EUR", "value": "22.50"} at `path`. */
static int
paypal_money_get(json_t *root, const char *path, long *cents,
    char currency[4])
{
	json_t	*m = paypal_at(root, path);
	const char *v = json_string_value(json_object_get(m, "value"));

	if (v == NULL || paypal_copy(currency, 4, m, "currency_code") != 0 ||
	    strlen(currency) != 3 || paypal_cents_parse(v, cents) != 0)
		return -1;
	return 0;
}

static size_t
paypal_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, p, size * nmemb) != 0)
		return 0;
	return size * nmemb;
}

/* A header line "Name: value" into the list; -1 when out of memory. */
static int
paypal_header(struct curl_slist **h, const char *name, const char *value)
{
	struct curl_slist *n;
	struct buf line;

	buf_init(&line, PAYPAL_TOKEN_MAX + 64);
	buf_printf(&line, "%s: %s", name, value);
	n = line.failed ? NULL : net_curl()->slist_append(*h, buf_str(&line));
	if (line.data != NULL)
		explicit_bzero(line.data, line.len);
	buf_free(&line);
	if (n == NULL)
		return -1;
	*h = n;
	return 0;
}

/*
 * One request; `*status` is the HTTP status. UNAVAILABLE when no answer
 * came in time (connection, TLS, timeout); the message is curl's, which
 * never holds the secret (it goes in as CURLOPT_PASSWORD, not in the URL).
 */
static enum paypal_err
paypal_http(const struct conf *c, const struct paypal_req *r, long *status,
    struct buf *reply, char *err, size_t errlen)
{
	struct curl_slist *hdr = NULL;
	struct buf url, bearer;
	char	 cerr[CURL_ERROR_SIZE] = "";
	CURL	*h = NULL;
	CURLcode e = CURLE_OUT_OF_MEMORY;
	int	 https = strncmp(c->paypal_api, "https://", 8) == 0;

	*status = 0;
	if (!conf_api_url_ok(c->paypal_api))
		return paypal_fail(err, errlen, PAYPAL_INTERNAL, "paypal_api "
		    "must be https (plain http only to a loopback address)");
	buf_init(&url, 4096);
	buf_init(&bearer, PAYPAL_TOKEN_MAX + 16);
	buf_printf(&url, "%s%s", c->paypal_api, r->path);
	if (r->bearer != NULL)
		buf_printf(&bearer, "Bearer %s", r->bearer);
	if (net_curl() == NULL ||
	    net_curl()->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_free(&url);
		buf_free(&bearer);
		return paypal_fail(err, errlen, PAYPAL_INTERNAL,
		    "cannot load or start libcurl");
	}
	if (!url.failed && !bearer.failed &&
	    (r->ctype == NULL ||
	    paypal_header(&hdr, "Content-Type", r->ctype) == 0) &&
	    paypal_header(&hdr, "Accept", "application/json") == 0 &&
	    paypal_header(&hdr, "Prefer", "return=representation") == 0 &&
	    (r->bearer == NULL ||
	    paypal_header(&hdr, "Authorization", buf_str(&bearer)) == 0) &&
	    (r->request_id == NULL ||
	    paypal_header(&hdr, "PayPal-Request-Id", r->request_id) == 0) &&
	    (h = net_curl()->easy_init()) != NULL)
		e = CURLE_OK;
	if (bearer.data != NULL)
		explicit_bzero(bearer.data, bearer.len);
#define PAYPAL_OPT(o, v) \
	do { if (e == CURLE_OK) e = net_curl()->easy_setopt(h, o, v); } while (0)
	PAYPAL_OPT(CURLOPT_ERRORBUFFER, cerr);
	PAYPAL_OPT(CURLOPT_URL, buf_str(&url));
#if LIBCURL_VERSION_NUM >= 0x075500
	PAYPAL_OPT(CURLOPT_PROTOCOLS_STR, https ? "https" : "http");
#else
	PAYPAL_OPT(CURLOPT_PROTOCOLS, (long)(https ? CURLPROTO_HTTPS :
	    CURLPROTO_HTTP));
#endif
	PAYPAL_OPT(CURLOPT_PROXY, "");
	PAYPAL_OPT(CURLOPT_NOSIGNAL, 1L);
	PAYPAL_OPT(CURLOPT_FOLLOWLOCATION, 0L);
	PAYPAL_OPT(CURLOPT_SSL_VERIFYPEER, 1L);
	PAYPAL_OPT(CURLOPT_SSL_VERIFYHOST, 2L);
	PAYPAL_OPT(CURLOPT_CONNECTTIMEOUT, c->paypal_timeout_s);
	PAYPAL_OPT(CURLOPT_TIMEOUT, c->paypal_timeout_s);
	PAYPAL_OPT(CURLOPT_HTTPHEADER, hdr);
	if (r->ctype == NULL)
		PAYPAL_OPT(CURLOPT_HTTPGET, 1L);
	else {
		PAYPAL_OPT(CURLOPT_POST, 1L);
		PAYPAL_OPT(CURLOPT_POSTFIELDS, r->body != NULL ? r->body : "");
	}
	if (r->bearer == NULL) {
		PAYPAL_OPT(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		PAYPAL_OPT(CURLOPT_USERNAME, c->paypal_client_id);
		PAYPAL_OPT(CURLOPT_PASSWORD, c->paypal_secret);
	}
	PAYPAL_OPT(CURLOPT_WRITEFUNCTION, paypal_write);
	PAYPAL_OPT(CURLOPT_WRITEDATA, reply);
#undef PAYPAL_OPT
	if (e == CURLE_OK)
		e = net_curl()->easy_perform(h);
	if (e == CURLE_OK &&
	    net_curl()->easy_getinfo(h, CURLINFO_RESPONSE_CODE, status) != CURLE_OK)
		e = CURLE_BAD_FUNCTION_ARGUMENT;
	if (e != CURLE_OK)
		paypal_fail(err, errlen, e == CURLE_OUT_OF_MEMORY ?
		    PAYPAL_INTERNAL : PAYPAL_UNAVAILABLE, "PayPal %s: %s",
		    r->path, *cerr != '\0' ? cerr : net_curl()->easy_strerror(e));
	net_curl()->easy_cleanup(h);
	net_curl()->slist_free_all(hdr);
	net_curl()->global_cleanup();
	buf_free(&url);
	buf_free(&bearer);
	if (e == CURLE_OK)
		return PAYPAL_OK;
	if (e == CURLE_WRITE_ERROR)
		return paypal_fail(err, errlen, PAYPAL_BAD_REPLY,
		    "PayPal %s: reply too large", r->path);
	return e == CURLE_OUT_OF_MEMORY ? PAYPAL_INTERNAL : PAYPAL_UNAVAILABLE;
}

/*
 * What an answer means: 2xx with a JSON object is OK (`*out`, to be
 * json_decref'd); 429 and 5xx UNAVAILABLE; other 4xx REFUSED, the message
 * PayPal's error name, issue and debug id, the issue also in `issue`
 * (what the caller may act on); anything else BAD_REPLY.
 */
static enum paypal_err
paypal_reply(const char *path, long status, const struct buf *reply,
    json_t **out, char issue[PAYPAL_ISSUE_MAX], char *err, size_t errlen)
{
	char	 name[64], debug[64];
	json_t	*j;

	*out = NULL;
	*issue = '\0';
	j = reply->len > 0 ? json_loadb(reply->data, reply->len, 0, NULL) :
	    NULL;
	if (status >= 200 && status < 300) {
		if (!json_is_object(j)) {
			json_decref(j);
			return paypal_fail(err, errlen, PAYPAL_BAD_REPLY,
			    "PayPal %s: HTTP %ld, not a JSON object", path,
			    status);
		}
		*out = j;
		return PAYPAL_OK;
	}
	paypal_clean(name, sizeof(name), json_string_value(json_object_get(j,
	    "name")) ? json_string_value(json_object_get(j, "name")) :
	    json_string_value(json_object_get(j, "error")));
	paypal_clean(issue, PAYPAL_ISSUE_MAX, json_string_value(paypal_at(j,
	    "details.0.issue")));
	paypal_clean(debug, sizeof(debug), json_string_value(json_object_get(j,
	    "debug_id")));
	json_decref(j);
	paypal_fail(err, errlen, PAYPAL_REFUSED, "PayPal %s: HTTP %ld %s%s%s%s%s",
	    path, status, name, *issue ? " " : "", issue,
	    *debug ? " debug_id " : "", debug);
	if (status == 429 || (status >= 500 && status < 600))
		return PAYPAL_UNAVAILABLE;
	if (status >= 400 && status < 500)
		return PAYPAL_REFUSED;
	return PAYPAL_BAD_REPLY;
}

/* A request and its JSON answer. */
static enum paypal_err
paypal_exchange(const struct conf *c, struct paypal_req *r,
    long *status, json_t **out, char *err, size_t errlen)
{
	struct buf reply;
	enum paypal_err rc;

	*out = NULL;
	buf_init(&reply, PAYPAL_REPLY_MAX);
	rc = paypal_http(c, r, status, &reply, err, errlen);
	if (rc == PAYPAL_OK)
		rc = paypal_reply(r->path, *status, &reply, out, r->issue, err,
		    errlen);
	if (reply.data != NULL)
		explicit_bzero(reply.data, reply.len);
	buf_free(&reply);
	return rc;
}

/*
 * An access token: the caller's cached one if it has one, else a new one
 * (client credentials, Basic auth), for the caller to cache until five
 * minutes before PayPal lets it expire. A token that would not last those
 * five minutes is used once and not kept (`expires` 0).
 */
enum paypal_err
paypal_token(const struct conf *c, struct paypal_auth *a, time_t now,
    char *err, size_t errlen)
{
	struct paypal_req r = { "/v1/oauth2/token",
	    "grant_type=client_credentials",
	    "application/x-www-form-urlencoded", NULL, NULL, "" };
	json_t	*j, *exp;
	long	 status;
	enum paypal_err rc;

	snprintf(err, errlen, "%s", "");
	if (!paypal_enabled(c))
		return paypal_fail(err, errlen, PAYPAL_INTERNAL,
		    "PayPal is off (no paypal_api)");
	if (a->token[0] != '\0')
		return PAYPAL_OK;
	a->fresh = 1;
	a->expires = 0;
	if ((rc = paypal_exchange(c, &r, &status, &j, err, errlen)) !=
	    PAYPAL_OK)
		return rc;
	exp = json_object_get(j, "expires_in");
	if (paypal_copy(a->token, sizeof(a->token), j, "access_token") != 0 ||
	    !json_is_integer(exp) || json_integer_value(exp) <= 0) {
		json_decref(j);
		explicit_bzero(a->token, sizeof(a->token));
		return paypal_fail(err, errlen, PAYPAL_BAD_REPLY, "PayPal %s: "
		    "no access_token or expires_in", r.path);
	}
	if (json_integer_value(exp) > PAYPAL_TOKEN_MARGIN &&
	    json_integer_value(exp) < 86400L * 366)
		a->expires = now + (time_t)json_integer_value(exp) -
		    PAYPAL_TOKEN_MARGIN;
	json_decref(j);
	return PAYPAL_OK;
}

/*
 * A call with a token. A 401 with a cached token (revoked early) drops
 * it and tries once more with a new one.
 */
static enum paypal_err
paypal_call(const struct conf *c, struct paypal_auth *a, struct paypal_req *r,
    json_t **out, char *err, size_t errlen)
{
	long	 status = 0;
	enum paypal_err rc;
	int	 attempt;

	*out = NULL;
	for (attempt = 0; attempt < 2; attempt++) {
		rc = paypal_token(c, a, time(NULL), err, errlen);
		if (rc != PAYPAL_OK)
			break;
		r->bearer = a->token;
		rc = paypal_exchange(c, r, &status, out, err, errlen);
		r->bearer = NULL;
		if (status != 401 || attempt > 0)
			break;
		explicit_bzero(a->token, sizeof(a->token));
		a->fresh = 1;
		a->expires = 0;
	}
	return rc;
}

/* A text for PayPal: at most PAYPAL_TEXT_MAX bytes, cut at a character. */
static json_t *
paypal_text(const char *s)
{
	size_t	 n = strlen(s);

	if (n > PAYPAL_TEXT_MAX) {
		n = PAYPAL_TEXT_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return json_stringn(s, n);
}

static json_t *
paypal_money(const char *currency, long cents)
{
	char	 value[32];

	if (paypal_cents_format(cents, value, sizeof(value)) != 0)
		return NULL;
	return json_pack("{s:s, s:s}", "currency_code", currency, "value",
	    value);
}

/*
 * The order request: one purchase unit, its amount with the item total
 * as its breakdown, the items, and the payer's way back. NULL when the
 * request is not one we send (texts, amounts; `*why` says which).
 */
static json_t *
paypal_order_json(const struct paypal_order *o, enum paypal_err *why)
{
	json_t	*items, *item, *ctx, *root;
	char	 total[32];
	long	 sum = 0;
	size_t	 i;

	*why = PAYPAL_INTERNAL;
	if (o->currency == NULL || strlen(o->currency) != 3 ||
	    o->nitems < 1 || o->nitems > PAYPAL_ITEMS_MAX || o->items == NULL ||
	    !paypal_id_ok(o->request_id) || o->invoice_id == NULL ||
	    o->return_url == NULL || o->cancel_url == NULL ||
	    o->amount_cents <= 0)
		return NULL;
	if ((items = json_array()) == NULL)
		return NULL;
	for (i = 0; i < o->nitems; i++) {
		const struct paypal_item *it = &o->items[i];
		char qty[24];

		if (it->name == NULL || *it->name == '\0' ||
		    it->quantity < 1 || it->quantity > 999999 ||
		    it->unit_cents < 0 || it->unit_cents > 100000000L ||
		    !text_utf8_valid(it->name, strlen(it->name)) ||
		    text_has_controls(it->name)) {
			json_decref(items);
			return NULL;
		}
		sum += it->quantity * it->unit_cents;
		snprintf(qty, sizeof(qty), "%ld", it->quantity);
		item = json_pack("{s:o, s:s, s:o}", "name",
		    paypal_text(it->name), "quantity", qty, "unit_amount",
		    paypal_money(o->currency, it->unit_cents));
		if (item == NULL || json_array_append_new(items, item) != 0) {
			json_decref(items);
			return NULL;
		}
	}
	if (sum != o->amount_cents) {
		*why = PAYPAL_MISMATCH;
		json_decref(items);
		return NULL;
	}
	ctx = json_pack("{s:s, s:s, s:s, s:s}", "shipping_preference",
	    "NO_SHIPPING", "user_action", "PAY_NOW", "return_url",
	    o->return_url, "cancel_url", o->cancel_url);
	if (ctx != NULL && o->brand_name != NULL && *o->brand_name != '\0' &&
	    json_object_set_new(ctx, "brand_name",
	    paypal_text(o->brand_name)) != 0) {
		json_decref(ctx);
		ctx = NULL;
	}
	if (paypal_cents_format(o->amount_cents, total, sizeof(total)) != 0) {
		json_decref(items);
		json_decref(ctx);
		return NULL;
	}
	root = json_pack("{s:s, s:[{s:o, s:{s:s, s:s, s:{s:o}}, s:o}],"
	    " s:{s:{s:o}}}",
	    "intent", "CAPTURE",
	    "purchase_units",
	    "invoice_id", paypal_text(o->invoice_id),
	    "amount", "currency_code", o->currency, "value", total,
	    "breakdown", "item_total", paypal_money(o->currency,
	    o->amount_cents),
	    "items", items,
	    "payment_source", "paypal", "experience_context", ctx);
	if (root != NULL)
		*why = PAYPAL_OK;
	return root;
}

/* The payer's link: https, or http when the API itself is (a stand-in). */
static int
paypal_link_ok(const struct conf *c, const char *url)
{
	if (strncmp(url, "https://", 8) != 0 &&
	    !(strncmp(url, "http://", 7) == 0 &&
	    strncmp(c->paypal_api, "http://", 7) == 0))
		return 0;
	return strpbrk(url, " \t\r\n\"<>") == NULL && !text_has_controls(url);
}

/*
 * Create an order (intent CAPTURE) for the payer to approve. The same
 * request_id gives the same order, however often it is sent: a retry
 * after a timeout never makes a second one.
 */
enum paypal_err
paypal_create(const struct conf *c, struct paypal_auth *a,
    const struct paypal_order *o, struct paypal_created *out,
    char *err, size_t errlen)
{
	struct paypal_req r = { "/v2/checkout/orders", NULL,
	    "application/json", NULL, o->request_id, "" };
	json_t	*req, *j, *links, *l;
	const char *rel, *href;
	enum paypal_err rc;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	snprintf(err, errlen, "%s", "");
	if ((req = paypal_order_json(o, &rc)) == NULL)
		return paypal_fail(err, errlen, rc, rc == PAYPAL_MISMATCH ?
		    "order total is not the sum of its items" :
		    "order not complete (ids, texts, amounts)");
	r.body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (r.body == NULL)
		return paypal_fail(err, errlen, PAYPAL_INTERNAL, "no memory");
	rc = paypal_call(c, a, &r, &j, err, errlen);
	free((char *)r.body);
	if (rc != PAYPAL_OK)
		return rc;
	links = json_object_get(j, "links");
	json_array_foreach(links, i, l) {
		rel = json_string_value(json_object_get(l, "rel"));
		href = json_string_value(json_object_get(l, "href"));
		if (rel == NULL || href == NULL || (strcmp(rel, "approve") != 0 &&
		    strcmp(rel, "payer-action") != 0))
			continue;
		if (strlen(href) < sizeof(out->approve_url) &&
		    paypal_link_ok(c, href))
			memcpy(out->approve_url, href, strlen(href) + 1);
		if (strcmp(rel, "payer-action") == 0)
			break;
	}
	if (paypal_copy(out->order_id, sizeof(out->order_id), j, "id") != 0 ||
	    !paypal_id_ok(out->order_id) || *out->approve_url == '\0')
		rc = paypal_fail(err, errlen, PAYPAL_BAD_REPLY, "PayPal %s: "
		    "no order id or approve link", r.path);
	json_decref(j);
	if (rc != PAYPAL_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/*
 * A call on <prefix>/<id>: POST to its `action` (an order's capture, a
 * capture's refund) with `body`, or GET it when `action` is NULL. The id
 * may have come back through the payer's browser: only [A-Za-z0-9_-]
 * goes into the path. The answer in *out (json_decref); the issue of an
 * error answer in `issue` when not NULL.
 */
static enum paypal_err
paypal_on(const struct conf *c, struct paypal_auth *a, const char *prefix,
    const char *id, const char *action, const char *body,
    const char *request_id, json_t **out, char issue[PAYPAL_ISSUE_MAX],
    char *err, size_t errlen)
{
	struct paypal_req r = { NULL, body, action != NULL ?
	    "application/json" : NULL, NULL, request_id, "" };
	struct buf path;
	enum paypal_err rc;

	*out = NULL;
	if (issue != NULL)
		*issue = '\0';
	snprintf(err, errlen, "%s", "");
	if (!paypal_id_ok(id) || (action != NULL && !paypal_id_ok(request_id)))
		return paypal_fail(err, errlen, PAYPAL_INTERNAL,
		    "PayPal %s: bad id or request id", prefix);
	buf_init(&path, 256);
	if (buf_printf(&path, "%s/%s%s%s", prefix, id, action != NULL ? "/" :
	    "", action != NULL ? action : "") != 0) {
		buf_free(&path);
		return paypal_fail(err, errlen, PAYPAL_INTERNAL, "no memory");
	}
	r.path = buf_str(&path);
	rc = paypal_call(c, a, &r, out, err, errlen);
	if (issue != NULL)
		memcpy(issue, r.issue, sizeof(r.issue));
	buf_free(&path);
	return rc;
}

/*
 * The capture in an order as PayPal answers it (its first purchase
 * unit's first): OK; REFUSED for a declined or failed one (`out`
 * filled); BAD_REPLY (`out` cleared) when it has no id, status or amount.
 */
static enum paypal_err
paypal_capture_read(json_t *order, struct paypal_capture *out, char *err,
    size_t errlen)
{
	json_t	*cap = paypal_at(order, "purchase_units.0.payments.captures.0");

	if (paypal_copy(out->status, sizeof(out->status), cap, "status") !=
	    0 || paypal_copy(out->capture_id, sizeof(out->capture_id), cap,
	    "id") != 0 || paypal_money_get(cap, "amount", &out->amount_cents,
	    out->currency) != 0) {
		memset(out, 0, sizeof(*out));
		out->amount_cents = -1;
		return paypal_fail(err, errlen, PAYPAL_BAD_REPLY, "PayPal"
		    " capture: no capture id, status or amount");
	}
	if (strcmp(out->status, "DECLINED") == 0 ||
	    strcmp(out->status, "FAILED") == 0)
		return paypal_fail(err, errlen, PAYPAL_REFUSED, "PayPal"
		    " capture: %s", out->status);
	return PAYPAL_OK;
}

/*
 * An order's capture as PayPal shows it now (GET
 * /v2/checkout/orders/{id}): after refunds PARTIALLY_REFUNDED or
 * REFUNDED, its amount what was captured. As paypal_capture_read says.
 */
enum paypal_err
paypal_order_capture(const struct conf *c, struct paypal_auth *a,
    const char *order_id, struct paypal_capture *out, char *err,
    size_t errlen)
{
	json_t	*j;
	enum paypal_err rc;

	memset(out, 0, sizeof(*out));
	out->amount_cents = -1;
	if ((rc = paypal_on(c, a, "/v2/checkout/orders", order_id, NULL, NULL,
	    NULL, &j, NULL, err, errlen)) != PAYPAL_OK)
		return rc;
	rc = paypal_capture_read(j, out, err, errlen);
	json_decref(j);
	return rc;
}

/*
 * Capture an approved order. OK when PayPal answered with a capture (see
 * paypal_capture_check for what it says): a new one, the same again (a
 * retry with the same request_id gets the capture as it is now, perhaps
 * refunded since), or, when PayPal says ORDER_ALREADY_CAPTURED (captured
 * before, the request id forgotten after PayPal's idempotency window),
 * the one the order holds. REFUSED for a declined one (`out` filled)
 * and for PayPal's other 4xx (not approved, declined instrument).
 */
enum paypal_err
paypal_capture(const struct conf *c, struct paypal_auth *a,
    const char *order_id, const char *request_id, struct paypal_capture *out,
    char *err, size_t errlen)
{
	char	 issue[PAYPAL_ISSUE_MAX];
	json_t	*j;
	enum paypal_err rc;

	memset(out, 0, sizeof(*out));
	out->amount_cents = -1;
	rc = paypal_on(c, a, "/v2/checkout/orders", order_id, "capture", NULL,
	    request_id, &j, issue, err, errlen);
	if (rc == PAYPAL_REFUSED && strcmp(issue, "ORDER_ALREADY_CAPTURED") == 0)
		return paypal_order_capture(c, a, order_id, out, err, errlen);
	if (rc != PAYPAL_OK)
		return rc;
	rc = paypal_capture_read(j, out, err, errlen);
	json_decref(j);
	return rc;
}

/*
 * Give a completed capture back, whole. The same request_id gives the
 * same refund however often it is sent. OK when PayPal answered with a
 * refund (`out`: its id and status, COMPLETED or PENDING); REFUSED for a
 * refund PayPal cancelled or failed and for its 4xx (already refunded,
 * too old, not ours).
 */
enum paypal_err
paypal_refund(const struct conf *c, struct paypal_auth *a,
    const char *capture_id, const char *request_id, struct paypal_refund *out,
    char *err, size_t errlen)
{
	json_t	*j;
	enum paypal_err rc;

	memset(out, 0, sizeof(*out));
	if ((rc = paypal_on(c, a, "/v2/payments/captures", capture_id,
	    "refund", "{}", request_id, &j, NULL, err, errlen)) != PAYPAL_OK)
		return rc;
	if (paypal_copy(out->status, sizeof(out->status), j, "status") != 0 ||
	    paypal_copy(out->refund_id, sizeof(out->refund_id), j, "id") != 0 ||
	    !paypal_id_ok(out->refund_id)) {
		memset(out, 0, sizeof(*out));
		rc = paypal_fail(err, errlen, PAYPAL_BAD_REPLY, "PayPal refund:"
		    " no refund id or status");
	} else if (strcmp(out->status, "COMPLETED") != 0 &&
	    strcmp(out->status, "PENDING") != 0)
		rc = paypal_fail(err, errlen, PAYPAL_REFUSED, "PayPal refund:"
		    " %s", out->status);
	json_decref(j);
	return rc;
}

/*
 * What a capture means for a bill of `expected_cents` in `currency`: OK
 * when it took that amount in that currency: COMPLETED, or refunded at
 * PayPal since, in part (PARTIALLY_REFUNDED) or whole (REFUNDED; the
 * caller records the refund too); MISMATCH when it took another amount
 * (the money moved: a clerk must look); REFUSED when declined or failed;
 * UNAVAILABLE when PENDING (a webhook tells the outcome later);
 * BAD_REPLY for any other status.
 */
enum paypal_err
paypal_capture_check(const struct paypal_capture *cap, long expected_cents,
    const char *currency)
{
	if (strcmp(cap->status, "COMPLETED") == 0 ||
	    strcmp(cap->status, "PARTIALLY_REFUNDED") == 0 ||
	    strcmp(cap->status, "REFUNDED") == 0)
		return cap->amount_cents == expected_cents &&
		    strcmp(cap->currency, currency) == 0 ? PAYPAL_OK :
		    PAYPAL_MISMATCH;
	if (strcmp(cap->status, "DECLINED") == 0 ||
	    strcmp(cap->status, "FAILED") == 0)
		return PAYPAL_REFUSED;
	if (strcmp(cap->status, "PENDING") == 0)
		return PAYPAL_UNAVAILABLE;
	return PAYPAL_BAD_REPLY;
}

/* A PAYPAL-* header as PayPal bounds it: present, printable, short. */
static int
paypal_header_ok(const char *v)
{
	return v != NULL && *v != '\0' && strlen(v) <= PAYPAL_HEADER_MAX &&
	    !text_has_controls(v) && text_utf8_valid(v, strlen(v));
}

/*
 * A refund names no order, only its capture: the link "up" to
 * .../v2/payments/captures/<id>. That id, when there is one.
 */
static int
paypal_event_capture(json_t *res, struct paypal_event *out)
{
	static const char up[] = "/v2/payments/captures/";
	json_t	*l;
	const char *href, *id;
	size_t	 i;

	json_array_foreach(json_object_get(res, "links"), i, l) {
		href = json_string_value(json_object_get(l, "href"));
		if (href == NULL || json_string_value(json_object_get(l,
		    "rel")) == NULL || strcmp(json_string_value(
		    json_object_get(l, "rel")), "up") != 0 ||
		    (id = strstr(href, up)) == NULL)
			continue;
		id += sizeof(up) - 1;
		if (!paypal_id_ok(id) || strlen(id) >= sizeof(out->capture_id))
			return -1;
		memcpy(out->capture_id, id, strlen(id) + 1);
		return 0;
	}
	return 0;
}

/* The fields of a verified event; -1 when one we need is missing. */
static int
paypal_event_read(json_t *ev, struct paypal_event *out)
{
	json_t	*res = json_object_get(ev, "resource");

	out->amount_cents = -1;
	if (paypal_copy(out->id, sizeof(out->id), ev, "id") != 0 ||
	    paypal_copy(out->type, sizeof(out->type), ev, "event_type") != 0 ||
	    paypal_copy(out->resource_id, sizeof(out->resource_id), res,
	    "id") != 0)
		return -1;
	if (paypal_at(res, "supplementary_data.related_ids.order_id") !=
	    NULL && (paypal_copy(out->order_id, sizeof(out->order_id), res,
	    "supplementary_data.related_ids.order_id") != 0 ||
	    !paypal_id_ok(out->order_id)))
		return -1;
	if (paypal_at(res, "amount") != NULL && paypal_money_get(res,
	    "amount", &out->amount_cents, out->currency) != 0)
		return -1;
	return paypal_event_capture(res, out);
}

/*
 * Ask PayPal whether a webhook notification is its own (the headers, our
 * webhook id and the event as received). OK and `out` filled only for
 * SUCCESS and an event with an id, a type and a resource id; REFUSED for
 * FAILURE; BAD_REPLY for a body that is not an event or any other answer.
 */
enum paypal_err
paypal_verify_webhook(const struct conf *c, struct paypal_auth *a,
    const struct paypal_webhook *h, const char *body,
    struct paypal_event *out, char *err, size_t errlen)
{
	struct paypal_req r = { "/v1/notifications/verify-webhook-signature",
	    NULL, "application/json", NULL, NULL, "" };
	json_t	*ev, *req, *j;
	const char *v;
	enum paypal_err rc;

	memset(out, 0, sizeof(*out));
	out->amount_cents = -1;
	snprintf(err, errlen, "%s", "");
	if (c->paypal_webhook_id == NULL || *c->paypal_webhook_id == '\0')
		return paypal_fail(err, errlen, PAYPAL_INTERNAL,
		    "no paypal_webhook_id");
	if (!paypal_header_ok(h->transmission_id) ||
	    !paypal_header_ok(h->transmission_time) ||
	    !paypal_header_ok(h->transmission_sig) ||
	    !paypal_header_ok(h->cert_url) || !paypal_header_ok(h->auth_algo))
		return paypal_fail(err, errlen, PAYPAL_REFUSED,
		    "webhook: PAYPAL-* headers missing or malformed");
	ev = body != NULL ? json_loads(body, 0, NULL) : NULL;
	if (!json_is_object(ev) || paypal_event_read(ev, out) != 0) {
		json_decref(ev);
		memset(out, 0, sizeof(*out));
		out->amount_cents = -1;
		return paypal_fail(err, errlen, PAYPAL_BAD_REPLY,
		    "webhook: the body is not an event");
	}
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}",
	    "auth_algo", h->auth_algo, "cert_url", h->cert_url,
	    "transmission_id", h->transmission_id,
	    "transmission_sig", h->transmission_sig,
	    "transmission_time", h->transmission_time,
	    "webhook_id", c->paypal_webhook_id, "webhook_event", ev);
	json_decref(ev);
	if (req == NULL || (r.body = json_dumps(req, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(req);
		rc = paypal_fail(err, errlen, PAYPAL_INTERNAL, "no memory");
		goto fail;
	}
	json_decref(req);
	rc = paypal_call(c, a, &r, &j, err, errlen);
	free((char *)r.body);
	if (rc != PAYPAL_OK)
		goto fail;
	v = json_string_value(json_object_get(j, "verification_status"));
	if (v != NULL && strcmp(v, "SUCCESS") == 0)
		rc = PAYPAL_OK;
	else if (v != NULL && strcmp(v, "FAILURE") == 0)
		rc = paypal_fail(err, errlen, PAYPAL_REFUSED,
		    "webhook: signature not verified");
	else
		rc = paypal_fail(err, errlen, PAYPAL_BAD_REPLY,
		    "PayPal %s: no verification_status", r.path);
	json_decref(j);
	if (rc == PAYPAL_OK)
		return rc;
fail:
	memset(out, 0, sizeof(*out));
	out->amount_cents = -1;
	return rc;
}
