/*
 * The PayPal client against tests/paypal/standin.py on a free port of
 * 127.0.0.1: the token is fetched once and handed back for the caller's
 * cache, an order is made once
 * per request id, approved and captured; every failure mode gives its
 * own paypal_err and a message without the secret; webhook signatures
 * are verified. Also store_token and the cent amounts.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "conf.h"
#include "paypal.h"
#include "store.h"
#include "store_token.h"
#include "standin.h"
#include "testdb.h"
#include "tmpdir.h"

#define SLEEP_S		3	/* the stand-in's timeout mode */
#define REQUEST_ID	"rathaus-2026-000001-5-a1"
#define CAPTURE_ID	"rathaus-2026-000001-5-c1"

struct fixture {
	char	 dir[TMPDIR_MAX];
	char	 api[64];
	struct store *s;
	struct conf c;
	struct standin standin;
	int	 port;
	struct paypal_auth auth;	/* the caller's token cache */
	char	 err[256];
};

static int
setup_store(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return testdb_create(f->dir, "paypal", &f->s);
}

static int
setup(void **state)
{
	struct fixture *f;

	if (setup_store(state) != 0)
		return -1;
	f = *state;
	if ((f->port = helper_free_port()) <= 0 ||
	    standin_start(&f->standin, f->port, SLEEP_S) != 0)
		return -1;
	snprintf(f->api, sizeof(f->api), "http://127.0.0.1:%d", f->port);
	f->c.paypal_api = f->api;
	f->c.paypal_client_id = (char *)STANDIN_CLIENT_ID;
	f->c.paypal_secret = (char *)STANDIN_SECRET;
	f->c.paypal_webhook_id = (char *)STANDIN_WEBHOOK_ID;
	f->c.paypal_timeout_s = 1;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	standin_stop(&f->standin);
	store_close(f->s);
	if (*f->dir != '\0')
		tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static size_t
collect(char *p, size_t size, size_t nmemb, void *arg)
{
	return buf_add(arg, p, size * nmemb) == 0 ? size * nmemb : 0;
}

/* GET a stand-in URL, following nothing; its status, body, Location. */
static long
get(const char *url, struct buf *body, char *location, size_t loclen)
{
	CURL	*h;
	char	*loc = NULL;
	long	 status = 0;

	buf_reset(body);
	assert_non_null(h = curl_easy_init());
	assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, url), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_PROXY, ""), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect),
	    CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEDATA, body),
	    CURLE_OK);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_int_equal(curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE,
	    &status), CURLE_OK);
	if (location != NULL) {
		assert_int_equal(curl_easy_getinfo(h, CURLINFO_REDIRECT_URL,
		    &loc), CURLE_OK);
		snprintf(location, loclen, "%s", loc != NULL ? loc : "");
	}
	curl_easy_cleanup(h);
	return status;
}

/* GET /__control?query, as JSON. */
static json_t *
control(const struct fixture *f, const char *query)
{
	struct buf url, body;
	json_t	*j;

	buf_init(&url, 0);
	buf_init(&body, 0);
	buf_printf(&url, "%s/__control?%s", f->api, query);
	assert_int_equal(get(buf_str(&url), &body, NULL, 0), 200);
	assert_non_null(j = json_loads(buf_str(&body), 0, NULL));
	buf_free(&url);
	buf_free(&body);
	return j;
}

/* How many requests an endpoint of the stand-in had. */
static long
count(const struct fixture *f, const char *endpoint)
{
	json_t	*j = control(f, "");
	long	 n;

	n = (long)json_integer_value(json_object_get(json_object_get(j,
	    "requests"), endpoint));
	json_decref(j);
	return n;
}

/*
 * A raw call to the stand-in's API (not through the client), to hold it
 * to PayPal's contract: its status, and its JSON body in *out (or NULL).
 * With `bearer`, a token from the stand-in; `request_id` may be NULL.
 */
static long
api(struct fixture *f, const char *method, const char *path,
    const char *body, int bearer, const char *request_id, json_t **out)
{
	struct curl_slist *h = NULL;
	struct buf url, reply, line;
	CURL	*c;
	long	 status = 0;

	*out = NULL;
	buf_init(&url, 0);
	buf_init(&reply, 0);
	buf_init(&line, 0);
	buf_printf(&url, "%s%s", f->api, path);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (bearer) {
		memset(&f->auth, 0, sizeof(f->auth));
		assert_int_equal(paypal_token(&f->c, &f->auth, time(NULL),
		    f->err, sizeof(f->err)), PAYPAL_OK);
		buf_printf(&line, "Authorization: Bearer %s", f->auth.token);
		h = curl_slist_append(h, buf_str(&line));
	}
	if (request_id != NULL) {
		buf_reset(&line);
		buf_printf(&line, "PayPal-Request-Id: %s", request_id);
		h = curl_slist_append(h, buf_str(&line));
	}
	assert_non_null(h);
	assert_non_null(c = curl_easy_init());
	assert_int_equal(curl_easy_setopt(c, CURLOPT_URL, buf_str(&url)),
	    CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_PROXY, ""), CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L), CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method),
	    CURLE_OK);
	if (body != NULL)
		assert_int_equal(curl_easy_setopt(c, CURLOPT_POSTFIELDS, body),
		    CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_HTTPHEADER, h), CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect),
	    CURLE_OK);
	assert_int_equal(curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply),
	    CURLE_OK);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	assert_int_equal(curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE,
	    &status), CURLE_OK);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (reply.len > 0)
		*out = json_loads(buf_str(&reply), 0, NULL);
	buf_free(&url);
	buf_free(&reply);
	buf_free(&line);
	return status;
}

/* A string member at a dotted path of a reply ("details.0.issue"). */
static const char *
member(json_t *j, const char *path)
{
	char	 key[64];
	size_t	 n;

	while (j != NULL && *path != '\0') {
		n = strcspn(path, ".");
		assert_true(n < sizeof(key));
		memcpy(key, path, n);
		key[n] = '\0';
		j = json_is_array(j) ? json_array_get(j, strtoul(key, NULL,
		    10)) : json_object_get(j, key);
		path += n + (path[n] == '.');
	}
	return json_is_string(j) ? json_string_value(j) : "";
}

/* An error reply as PayPal's: its name, debug id and first issue. */
static void
assert_error(long status, json_t *j, long want_status, const char *name,
    const char *issue)
{
	assert_int_equal(status, want_status);
	assert_non_null(j);
	assert_string_equal(member(j, "name"), name);
	assert_true(*member(j, "message") != '\0');
	assert_true(*member(j, "debug_id") != '\0');
	if (issue != NULL)
		assert_string_equal(member(j, "details.0.issue"), issue);
}

/* The stand-in's order (as GET shows it), through /__control?order=. */
static json_t *
order_seen(const struct fixture *f, const char *order_id)
{
	struct buf q;
	json_t	*j, *o;

	buf_init(&q, 0);
	buf_printf(&q, "order=%s", order_id);
	j = control(f, buf_str(&q));
	buf_free(&q);
	assert_non_null(o = json_object_get(j, "order"));
	json_incref(o);
	json_decref(j);
	return o;
}

static void
fail_next(const struct fixture *f, const char *mode)
{
	struct buf q;

	buf_init(&q, 0);
	buf_printf(&q, "fail=%s", mode);
	json_decref(control(f, buf_str(&q)));
	buf_free(&q);
}

/* A failure's message: there, short, and without the secret. */
static void
assert_clean(const char *err, const char *token)
{
	assert_true(*err != '\0');
	assert_null(strstr(err, STANDIN_SECRET));
	assert_null(strstr(err, "Basic "));
	if (token != NULL && *token != '\0')
		assert_null(strstr(err, token));
}

static const struct paypal_item items[] = {
	{ "Osterfeuer Anmeldung", 1, 2000 },
	{ "Zuschlag Feuerschale \xc3\xbc", 2, 125 },
};

static struct paypal_order
order(const char *request_id)
{
	struct paypal_order o = {
		.request_id = request_id, .invoice_id = "2026-000001-5",
		.amount_cents = 2250, .currency = "EUR", .items = items,
		.nitems = 2,
		.return_url = "https://portal.example.org/cgi-bin/rathaus.cgi/"
		    "pay/2026-000001-5/return",
		.cancel_url = "https://portal.example.org/cgi-bin/rathaus.cgi/"
		    "pay/2026-000001-5/cancel",
		.brand_name = "Stadt Wiesmoor",
	};
	return o;
}

/* The order `o` made and approved by the payer (the approve link,
 * followed once). */
static void
approved_order(struct fixture *f, const struct paypal_order *o,
    struct paypal_created *cr)
{
	struct buf body;
	char	 loc[PAYPAL_URL_MAX];

	assert_int_equal(paypal_create(&f->c, &f->auth, o, cr, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	buf_init(&body, 0);
	assert_int_equal(get(cr->approve_url, &body, loc, sizeof(loc)), 302);
	assert_non_null(strstr(loc, o->return_url));
	assert_non_null(strstr(loc, cr->order_id));
	assert_non_null(strstr(loc, "PayerID=TESTPAYER"));
	buf_free(&body);
}

/* The usual order, approved. */
static void
approved(struct fixture *f, struct paypal_created *cr)
{
	struct paypal_order o = order(REQUEST_ID);

	approved_order(f, &o, cr);
}

/* The order `o`, approved and captured with `capture_id`: COMPLETED. */
static void
captured(struct fixture *f, const struct paypal_order *o,
    const char *capture_id, struct paypal_created *cr,
    struct paypal_capture *cap)
{
	approved_order(f, o, cr);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr->order_id,
	    capture_id, cap, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(cap->status, "COMPLETED");
}

static void
test_store_token(void **state)
{
	struct fixture *f = *state;
	char	 tok[64], tiny[4];

	assert_int_equal(store_token_get(f->s, "paypal",
	    "2026-04-01T10:00:00Z", tok, sizeof(tok)), STORE_NOTFOUND);
	assert_int_equal(store_token_put(f->s, "paypal", "A21AAfirst",
	    "2026-04-01T18:55:00Z"), STORE_OK);
	assert_int_equal(store_token_get(f->s, "paypal",
	    "2026-04-01T10:00:00Z", tok, sizeof(tok)), STORE_OK);
	assert_string_equal(tok, "A21AAfirst");
	/* Expired at its time and after; another provider has none. */
	assert_int_equal(store_token_get(f->s, "paypal",
	    "2026-04-01T18:55:00Z", tok, sizeof(tok)), STORE_NOTFOUND);
	assert_int_equal(store_token_get(f->s, "other",
	    "2026-04-01T10:00:00Z", tok, sizeof(tok)), STORE_NOTFOUND);
	assert_int_equal(store_token_put(f->s, "paypal", "A21AAsecond",
	    "2026-04-02T18:55:00Z"), STORE_OK);
	assert_int_equal(store_token_get(f->s, "paypal",
	    "2026-04-02T10:00:00Z", tok, sizeof(tok)), STORE_OK);
	assert_string_equal(tok, "A21AAsecond");
	assert_int_equal(store_token_get(f->s, "paypal",
	    "2026-04-02T10:00:00Z", tiny, sizeof(tiny)), STORE_NOTFOUND);
}

static void
test_cents(void **state)
{
	char	 v[32];
	long	 c;

	(void)state;
	assert_int_equal(paypal_cents_format(2250, v, sizeof(v)), 0);
	assert_string_equal(v, "22.50");
	assert_int_equal(paypal_cents_format(5, v, sizeof(v)), 0);
	assert_string_equal(v, "0.05");
	assert_int_equal(paypal_cents_format(-1, v, sizeof(v)), -1);
	assert_int_equal(paypal_cents_format(123456, v, 4), -1);
	assert_int_equal(paypal_cents_parse("22.50", &c), 0);
	assert_int_equal(c, 2250);
	assert_int_equal(paypal_cents_parse("22.5", &c), 0);
	assert_int_equal(c, 2250);
	assert_int_equal(paypal_cents_parse("7", &c), 0);
	assert_int_equal(c, 700);
	assert_int_equal(paypal_cents_parse("0.01", &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(paypal_cents_parse("1.001", &c), -1);
	assert_int_equal(paypal_cents_parse("-1.00", &c), -1);
	assert_int_equal(paypal_cents_parse("1e3", &c), -1);
	assert_int_equal(paypal_cents_parse("1.", &c), -1);
	assert_int_equal(paypal_cents_parse(".5", &c), -1);
	assert_int_equal(paypal_cents_parse("", &c), -1);
	assert_int_equal(paypal_cents_parse("9999999999999", &c), -1);
}

/* Where the checkout's form may lead: PayPal's pages, not its API. */
static void
test_checkout_origin(void **state)
{
	static const char *const cases[][2] = {
		{ "https://api-m.paypal.com", "https://www.paypal.com" },
		{ "https://api-m.sandbox.paypal.com",
		  "https://www.sandbox.paypal.com" },
		{ "https://API.sandbox.paypal.com/",
		  "https://www.sandbox.paypal.com" },
		{ "http://127.0.0.1:8765", "http://127.0.0.1:8765" },
		{ "http://127.0.0.1:8765/v2", "http://127.0.0.1:8765" },
		{ "https://pay.example/a;b", "https://pay.example" },
		{ "https://bad;host", NULL },
		{ "ht;tp://pay.example", NULL },
		{ "https:///v2", NULL },
		{ "", NULL },
	};
	struct conf c;
	struct buf b;
	size_t	 i;

	(void)state;
	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.paypal_api = (char *)cases[i][0];
		buf_init(&b, 64);
		if (cases[i][1] == NULL)
			assert_int_equal(paypal_checkout_origin(&c, &b), -1);
		else {
			assert_int_equal(paypal_checkout_origin(&c, &b), 0);
			assert_string_equal(buf_str(&b), cases[i][1]);
		}
		buf_free(&b);
	}
}

/*
 * One token request; the caller's cached token is used as it is. A new
 * one is to be cached until 9 h (expires_in 32400) less 5 min.
 */
static void
test_token_cached(void **state)
{
	struct fixture *f = *state;
	char	 first[PAYPAL_TOKEN_MAX];
	time_t	 now = time(NULL);

	assert_int_equal(paypal_token(&f->c, &f->auth, now, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_int_equal(strncmp(f->auth.token, "A21AA", 5), 0);
	assert_true(f->auth.fresh);
	assert_true(f->auth.expires == now + 32400 - 300);
	snprintf(first, sizeof(first), "%s", f->auth.token);
	f->auth.fresh = 0;
	assert_int_equal(paypal_token(&f->c, &f->auth, now + 60, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(f->auth.token, first);
	assert_false(f->auth.fresh);
	assert_int_equal(count(f, "token"), 1);
	/* None cached (expired in the caller's cache): a new one. */
	memset(&f->auth, 0, sizeof(f->auth));
	assert_int_equal(paypal_token(&f->c, &f->auth, now + 32400, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_int_equal(count(f, "token"), 2);
	assert_true(f->auth.fresh);
	assert_string_not_equal(f->auth.token, first);
}

/* The same request id twice: one order, the same id and link. */
static void
test_create_once(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created a, b;
	json_t	*j;

	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &a, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_true(*a.order_id != '\0');
	assert_non_null(strstr(a.approve_url, "/checkoutnow?token="));
	assert_non_null(strstr(a.approve_url, a.order_id));
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &b, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(a.order_id, b.order_id);
	assert_string_equal(a.approve_url, b.approve_url);
	j = control(f, "");
	assert_int_equal(json_integer_value(json_object_get(j, "orders")), 1);
	json_decref(j);
	assert_int_equal(count(f, "token"), 1);
	/* Another request id is another order. */
	o.request_id = "rathaus-2026-000001-5-a2";
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &b, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_string_not_equal(a.order_id, b.order_id);
}

static void
test_capture_completed(void **state)
{
	struct fixture *f = *state;
	struct paypal_created cr;
	struct paypal_capture cap, again;
	json_t	*j;

	approved(f, &cr);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, CAPTURE_ID,
	    &cap, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(cap.status, "COMPLETED");
	assert_int_equal(cap.amount_cents, 2250);
	assert_string_equal(cap.currency, "EUR");
	assert_true(*cap.capture_id != '\0');
	assert_int_equal(paypal_capture_check(&cap, 2250, "EUR"), PAYPAL_OK);
	assert_int_not_equal(paypal_capture_check(&cap, 2251, "EUR"), PAYPAL_OK);
	assert_int_equal(paypal_capture_check(&cap, 2250, "USD"),
	    PAYPAL_MISMATCH);
	/* Again (a retry after a lost answer): the same capture, once. */
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, CAPTURE_ID,
	    &again, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(again.capture_id, cap.capture_id);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    "rathaus-other-request", &again, f->err, sizeof(f->err)),
	    PAYPAL_OK);
	assert_string_equal(again.capture_id, cap.capture_id);
	j = control(f, "");
	assert_int_equal(json_integer_value(json_object_get(j, "captures")),
	    1);
	json_decref(j);
}

/*
 * A refund of a completed capture: COMPLETED once; the same request id
 * again gives that refund, another one is refused (fully refunded); an
 * unknown capture is refused; PayPal down is UNAVAILABLE.
 */
static void
test_refund(void **state)
{
	struct fixture *f = *state;
	struct paypal_created cr;
	struct paypal_capture cap;
	struct paypal_refund r, again;
	json_t	*j;

	approved(f, &cr);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, CAPTURE_ID,
	    &cap, f->err, sizeof(f->err)), PAYPAL_OK);
	/* Down first: nothing refunded, try again later. */
	json_decref(control(f, "fail=server_error&on=refund"));
	assert_int_equal(paypal_refund(&f->c, &f->auth, cap.capture_id,
	    "rathaus-r1", &r, f->err, sizeof(f->err)), PAYPAL_UNAVAILABLE);
	assert_int_equal(paypal_refund(&f->c, &f->auth, cap.capture_id,
	    "rathaus-r1", &r, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(r.status, "COMPLETED");
	assert_true(*r.refund_id != '\0');
	assert_int_equal(paypal_refund(&f->c, &f->auth, cap.capture_id,
	    "rathaus-r1", &again, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(again.refund_id, r.refund_id);
	assert_int_equal(paypal_refund(&f->c, &f->auth, cap.capture_id,
	    "rathaus-r2", &again, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_non_null(strstr(f->err, "CAPTURE_FULLY_REFUNDED"));
	assert_clean(f->err, NULL);
	j = control(f, "");
	assert_int_equal(json_integer_value(json_object_get(j, "refunds")), 1);
	json_decref(j);
	assert_int_equal(paypal_refund(&f->c, &f->auth, "NOSUCHCAPTURE",
	    "rathaus-r3", &again, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_int_equal(paypal_refund(&f->c, &f->auth, "../x", "rathaus-r4",
	    &again, f->err, sizeof(f->err)), PAYPAL_INTERNAL);
}

/* Not approved, unknown, or an id that is no id: refused, nothing sent. */
static void
test_capture_refused(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	struct paypal_capture cap;

	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, CAPTURE_ID,
	    &cap, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_non_null(strstr(f->err, "ORDER_NOT_APPROVED"));
	assert_clean(f->err, NULL);
	assert_int_not_equal(paypal_capture_check(&cap, 2250, "EUR"), PAYPAL_OK);
	assert_int_equal(paypal_capture(&f->c, &f->auth, "NOSUCHORDER", CAPTURE_ID,
	    &cap, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_int_equal(count(f, "capture"), 2);
	assert_int_equal(paypal_capture(&f->c, &f->auth, "../../v1/oauth2/token",
	    CAPTURE_ID, &cap, f->err, sizeof(f->err)), PAYPAL_INTERNAL);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, "a b",
	    &cap, f->err, sizeof(f->err)), PAYPAL_INTERNAL);
	assert_int_equal(count(f, "capture"), 2);
}

/* Each failure of PayPal's: its own code, a clean message, no crash. */
static void
test_failures(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	struct paypal_capture cap;
	struct timespec t0;
	char	 tok[PAYPAL_TOKEN_MAX];
	time_t	 now = time(NULL);

	fail_next(f, "token_error");
	assert_int_equal(paypal_token(&f->c, &f->auth, now, f->err,
	    sizeof(f->err)), PAYPAL_REFUSED);
	assert_non_null(strstr(f->err, "invalid_client"));
	assert_clean(f->err, NULL);
	assert_string_equal(f->auth.token, "");
	/* Wrong credentials: refused the same way. */
	f->c.paypal_secret = (char *)"wrong-" STANDIN_SECRET;
	assert_int_equal(paypal_token(&f->c, &f->auth, now, f->err,
	    sizeof(f->err)), PAYPAL_REFUSED);
	assert_clean(f->err, NULL);
	assert_null(strstr(f->err, "wrong-"));
	f->c.paypal_secret = (char *)STANDIN_SECRET;
	assert_int_equal(paypal_token(&f->c, &f->auth, now, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	snprintf(tok, sizeof(tok), "%s", f->auth.token);

	fail_next(f, "timeout");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_UNAVAILABLE);
	assert_true(helper_elapsed_ms(&t0) < (SLEEP_S * 1000 - 500));
	assert_clean(f->err, tok);

	fail_next(f, "server_error");
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_UNAVAILABLE);
	assert_non_null(strstr(f->err, "500"));
	assert_clean(f->err, tok);

	fail_next(f, "malformed");
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_BAD_REPLY);
	assert_clean(f->err, tok);
	assert_string_equal(cr.order_id, "");

	/* Now for real, approved; then a declined capture. */
	approved(f, &cr);
	fail_next(f, "declined");
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, CAPTURE_ID,
	    &cap, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_string_equal(cap.status, "DECLINED");
	assert_int_not_equal(paypal_capture_check(&cap, 2250, "EUR"), PAYPAL_OK);
	assert_int_equal(paypal_capture_check(&cap, 2250, "EUR"),
	    PAYPAL_REFUSED);
	assert_clean(f->err, tok);

	fail_next(f, "amount_mismatch");
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    "rathaus-2026-000001-5-c2", &cap, f->err, sizeof(f->err)),
	    PAYPAL_OK);
	assert_string_equal(cap.status, "COMPLETED");
	assert_int_equal(cap.amount_cents, 2150);
	assert_int_not_equal(paypal_capture_check(&cap, 2250, "EUR"), PAYPAL_OK);
	assert_int_equal(paypal_capture_check(&cap, 2250, "EUR"),
	    PAYPAL_MISMATCH);

	/* Ours: a total that is not the sum, PayPal off, plain http. */
	o.amount_cents = 2300;
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_MISMATCH);
	o.amount_cents = 2250;
	f->c.paypal_api = (char *)"http://api-m.paypal.com";
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_INTERNAL);
	f->c.paypal_api = (char *)"";
	assert_int_equal(paypal_token(&f->c, &f->auth, now, f->err,
	    sizeof(f->err)), PAYPAL_INTERNAL);
	f->c.paypal_api = f->api;

	/* Nobody there: unavailable, quickly. */
	standin_stop(&f->standin);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&f->auth, 0, sizeof(f->auth));
	assert_int_equal(paypal_token(&f->c, &f->auth, now, f->err,
	    sizeof(f->err)), PAYPAL_UNAVAILABLE);
	assert_true(helper_elapsed_ms(&t0) < 3000);
	assert_clean(f->err, NULL);
}

/* A 401 with a cached token (revoked early): a new token, once. */
static void
test_token_revoked(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;

	snprintf(f->auth.token, sizeof(f->auth.token), "A21AArevoked");
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	assert_int_equal(count(f, "token"), 1);
	assert_int_equal(count(f, "orders"), 2);
	/* The new one is the caller's to cache. */
	assert_true(f->auth.fresh);
	assert_int_equal(strncmp(f->auth.token, "A21AA", 5), 0);
	assert_string_not_equal(f->auth.token, "A21AArevoked");
}

/* An order request as the client sends it: invoice number, amount, item
 * total, quantity (with its quotes, or none), unit amount. */
#define ORDER_JSON "{\"intent\":\"CAPTURE\",\"purchase_units\":" \
	"[{\"invoice_id\":\"contract-%zu\",\"amount\":{\"currency_code\":" \
	"\"EUR\",\"value\":\"%s\",\"breakdown\":{\"item_total\":{" \
	"\"currency_code\":\"EUR\",\"value\":\"%s\"}}},\"items\":[{" \
	"\"name\":\"Urkunde\",\"quantity\":%s,\"unit_amount\":{" \
	"\"currency_code\":\"EUR\",\"value\":\"%s\"}}]}]," \
	"\"payment_source\":{\"paypal\":{\"experience_context\":{" \
	"\"return_url\":\"https://portal.example/r\",\"cancel_url\":" \
	"\"https://portal.example/c\"}}}}"

/*
 * PayPal's published contract for an order request: an item's quantity
 * is a string of 1 to 10 digits, no leading 0 (400 INVALID_REQUEST with
 * the field in its details otherwise); the items' unit_amount × quantity
 * must add up to breakdown.item_total (422 ITEM_TOTAL_MISMATCH), which
 * items require (422 ITEM_TOTAL_REQUIRED) and which is the amount (422
 * AMOUNT_MISMATCH); a body that is not JSON is 400 MALFORMED_REQUEST_JSON.
 */
static void
test_standin_order_contract(void **state)
{
	static const struct {
		const char	*qty;		/* as it goes into the JSON */
		const char	*unit, *item_total, *value;
		long		 status;
		const char	*name, *issue;
	} cases[] = {
		{ "\"3\"", "7.50", "22.50", "22.50", 201, NULL, NULL },
		{ "\"1\"", "22.50", "22.50", "22.50", 201, NULL, NULL },
		{ "\"0\"", "7.50", "0.00", "0.00", 400, "INVALID_REQUEST",
		  "INVALID_PARAMETER_SYNTAX" },
		{ "\"1.5\"", "15.00", "22.50", "22.50", 400, "INVALID_REQUEST",
		  "INVALID_PARAMETER_SYNTAX" },
		{ "\"03\"", "7.50", "22.50", "22.50", 400, "INVALID_REQUEST",
		  "INVALID_PARAMETER_SYNTAX" },
		{ "3", "7.50", "22.50", "22.50", 400, "INVALID_REQUEST",
		  "INVALID_PARAMETER_SYNTAX" },
		{ "\"12345678901\"", "0.00", "0.00", "1.00", 400,
		  "INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX" },
		{ "\"3\"", "7.50", "15.00", "15.00", 422, "UNPROCESSABLE_ENTITY",
		  "ITEM_TOTAL_MISMATCH" },
		{ "\"3\"", "7.50", "22.50", "25.00", 422, "UNPROCESSABLE_ENTITY",
		  "AMOUNT_MISMATCH" },
	};
	struct fixture *f = *state;
	struct buf body;
	json_t	*j;
	long	 st;
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&body, 0);
		buf_printf(&body, ORDER_JSON, i, cases[i].value,
		    cases[i].item_total, cases[i].qty, cases[i].unit);
		st = api(f, "POST", "/v2/checkout/orders", buf_str(&body), 1,
		    NULL, &j);
		if (st != cases[i].status)
			fail_msg("case %zu (quantity %s): HTTP %ld, not %ld",
			    i, cases[i].qty, st, cases[i].status);
		if (cases[i].name != NULL)
			assert_error(st, j, cases[i].status, cases[i].name,
			    cases[i].issue);
		if (st == 400) {
			assert_string_equal(member(j, "details.0.field"),
			    "/purchase_units/0/items/0/quantity");
			assert_string_equal(member(j, "details.0.location"),
			    "body");
		}
		json_decref(j);
		buf_free(&body);
	}
	/* Items without an item_total; a body that is no JSON. */
	st = api(f, "POST", "/v2/checkout/orders", "{\"intent\":\"CAPTURE\","
	    "\"purchase_units\":[{\"amount\":{\"currency_code\":\"EUR\","
	    "\"value\":\"7.50\"},\"items\":[{\"name\":\"Urkunde\",\"quantity\":"
	    "\"1\",\"unit_amount\":{\"currency_code\":\"EUR\",\"value\":"
	    "\"7.50\"}}]}]}", 1, NULL, &j);
	assert_error(st, j, 422, "UNPROCESSABLE_ENTITY", "ITEM_TOTAL_REQUIRED");
	json_decref(j);
	st = api(f, "POST", "/v2/checkout/orders", "{\"intent\":", 1, NULL,
	    &j);
	assert_error(st, j, 400, "INVALID_REQUEST", "MALFORMED_REQUEST_JSON");
	json_decref(j);
}

/*
 * PayPal's answers around one order: 401 AUTHENTICATION_FAILURE without
 * a valid token, 404 RESOURCE_NOT_FOUND for an unknown order, 201 for a
 * new order or capture and 200 for its replay (the same PayPal-Request-Id
 * within the window), 422 ORDER_ALREADY_CAPTURED for a second capture
 * outside it (another request id, or the window passed).
 */
static void
test_standin_answers(void **state)
{
	struct fixture *f = *state;
	struct paypal_created cr;
	struct buf path, body;
	char	 id[PAYPAL_ID_MAX];
	json_t	*j;
	long	 st;

	st = api(f, "GET", "/v2/checkout/orders/NOSUCHORDER", NULL, 0, NULL,
	    &j);
	assert_error(st, j, 401, "AUTHENTICATION_FAILURE", NULL);
	json_decref(j);
	st = api(f, "GET", "/v2/checkout/orders/NOSUCHORDER", NULL, 1, NULL,
	    &j);
	assert_error(st, j, 404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
	json_decref(j);

	approved(f, &cr);
	buf_init(&path, 0);
	buf_printf(&path, "/v2/checkout/orders/%s/capture", cr.order_id);
	st = api(f, "POST", buf_str(&path), NULL, 1, CAPTURE_ID, &j);
	assert_int_equal(st, 201);
	assert_string_equal(member(j, "status"), "COMPLETED");
	json_decref(j);
	st = api(f, "POST", buf_str(&path), NULL, 1, CAPTURE_ID, &j);
	assert_int_equal(st, 200);
	assert_string_equal(member(j, "status"), "COMPLETED");
	json_decref(j);
	st = api(f, "POST", buf_str(&path), NULL, 1, "rathaus-another", &j);
	assert_error(st, j, 422, "UNPROCESSABLE_ENTITY",
	    "ORDER_ALREADY_CAPTURED");
	json_decref(j);
	json_decref(control(f, "forget_requests=1"));
	st = api(f, "POST", buf_str(&path), NULL, 1, CAPTURE_ID, &j);
	assert_error(st, j, 422, "UNPROCESSABLE_ENTITY",
	    "ORDER_ALREADY_CAPTURED");
	json_decref(j);
	buf_free(&path);

	/* An order's replay too is 200 and that order, not a second one. */
	buf_init(&body, 0);
	buf_printf(&body, ORDER_JSON, (size_t)1, "22.50", "22.50", "\"3\"",
	    "7.50");
	st = api(f, "POST", "/v2/checkout/orders", buf_str(&body), 1,
	    "rathaus-raw-1", &j);
	assert_int_equal(st, 201);
	snprintf(id, sizeof(id), "%s", member(j, "id"));
	json_decref(j);
	st = api(f, "POST", "/v2/checkout/orders", buf_str(&body), 1,
	    "rathaus-raw-1", &j);
	assert_int_equal(st, 200);
	assert_string_equal(member(j, "id"), id);
	json_decref(j);
	buf_free(&body);
}

/*
 * An order with one item of quantity 3: PayPal's sums hold for what the
 * client sends (quantity a string, item_total = 3 × unit = amount).
 */
static void
test_create_quantity(void **state)
{
	static const struct paypal_item three[] = {
		{ "Geburtsurkunde", 3, 750 },
	};
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	json_t	*seen;

	o.items = three;
	o.nitems = 1;
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_OK);
	seen = order_seen(f, cr.order_id);
	assert_string_equal(member(seen, "purchase_units.0.items.0.quantity"),
	    "3");
	assert_string_equal(member(seen,
	    "purchase_units.0.amount.breakdown.item_total.value"), "22.50");
	json_decref(seen);
}

/*
 * The capture's answer was lost and PayPal forgot the request id (its
 * idempotency window passed): capturing again is 422
 * ORDER_ALREADY_CAPTURED. The client looks the order up and gives the
 * capture it holds: COMPLETED, the amount, the capture id, once.
 */
static void
test_capture_after_window(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	struct paypal_capture cap, again;
	json_t	*j;

	captured(f, &o, CAPTURE_ID, &cr, &cap);
	json_decref(control(f, "forget_requests=1"));
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    CAPTURE_ID, &again, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(again.status, "COMPLETED");
	assert_string_equal(again.capture_id, cap.capture_id);
	assert_int_equal(again.amount_cents, 2250);
	assert_string_equal(again.currency, "EUR");
	assert_int_equal(paypal_capture_check(&again, 2250, "EUR"), PAYPAL_OK);
	j = control(f, "");
	assert_int_equal(json_integer_value(json_object_get(j, "captures")),
	    1);
	json_decref(j);
	/* Another amount in the order: a clerk must look, never paid. */
	assert_int_equal(paypal_capture_check(&again, 2300, "EUR"),
	    PAYPAL_MISMATCH);
}

/*
 * A capture refunded at PayPal before we learned of it: the replay of
 * the capture (PayPal answers the latest status) or the order looked up
 * says REFUNDED, or PARTIALLY_REFUNDED after a partial refund. Either is
 * money taken with the stored amount, not a bad reply.
 */
static void
test_capture_refunded(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	struct paypal_capture cap, again;
	struct paypal_refund r;
	struct buf q;

	captured(f, &o, CAPTURE_ID, &cr, &cap);
	assert_int_equal(paypal_refund(&f->c, &f->auth, cap.capture_id,
	    "rathaus-r1", &r, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    CAPTURE_ID, &again, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(again.status, "REFUNDED");
	assert_string_equal(again.capture_id, cap.capture_id);
	assert_int_equal(paypal_capture_check(&again, 2250, "EUR"), PAYPAL_OK);
	json_decref(control(f, "forget_requests=1"));
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    CAPTURE_ID, &again, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(again.status, "REFUNDED");
	assert_int_equal(paypal_capture_check(&again, 2250, "EUR"), PAYPAL_OK);

	/* Partly refunded in PayPal's account (5.00 of 22.50). */
	o = order("rathaus-2026-000002-3-a1");
	o.invoice_id = "2026-000002-3/1";
	captured(f, &o, "rathaus-2026-000002-3-c1", &cr, &cap);
	buf_init(&q, 0);
	buf_printf(&q, "refund=%s&amount=5.00", cap.capture_id);
	json_decref(control(f, buf_str(&q)));
	buf_free(&q);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    "rathaus-2026-000002-3-c1", &again, f->err, sizeof(f->err)),
	    PAYPAL_OK);
	assert_string_equal(again.status, "PARTIALLY_REFUNDED");
	assert_int_equal(again.amount_cents, 2250);
	assert_int_equal(paypal_capture_check(&again, 2250, "EUR"), PAYPAL_OK);
}

/*
 * An order's capture as PayPal shows it now (GET): none before the
 * capture (a bad reply: nothing to judge), COMPLETED after it,
 * PARTIALLY_REFUNDED after part of it was refunded; an unknown order is
 * refused, an id that is no id never sent.
 */
static void
test_order_capture(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	struct paypal_capture cap, seen;
	struct buf q;

	approved_order(f, &o, &cr);
	assert_int_equal(paypal_order_capture(&f->c, &f->auth, cr.order_id,
	    &seen, f->err, sizeof(f->err)), PAYPAL_BAD_REPLY);
	assert_int_equal(seen.amount_cents, -1);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id,
	    CAPTURE_ID, &cap, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_int_equal(paypal_order_capture(&f->c, &f->auth, cr.order_id,
	    &seen, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(seen.status, "COMPLETED");
	assert_string_equal(seen.capture_id, cap.capture_id);
	assert_int_equal(seen.amount_cents, 2250);
	buf_init(&q, 0);
	buf_printf(&q, "refund=%s&amount=0.50", cr.order_id);
	json_decref(control(f, buf_str(&q)));
	buf_free(&q);
	assert_int_equal(paypal_order_capture(&f->c, &f->auth, cr.order_id,
	    &seen, f->err, sizeof(f->err)), PAYPAL_OK);
	assert_string_equal(seen.status, "PARTIALLY_REFUNDED");
	assert_int_equal(seen.amount_cents, 2250);
	assert_int_equal(paypal_order_capture(&f->c, &f->auth, "NOSUCHORDER",
	    &seen, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_non_null(strstr(f->err, "RESOURCE_NOT_FOUND"));
	assert_clean(f->err, f->auth.token);
	assert_int_equal(count(f, "get"), 4);
	assert_int_equal(paypal_order_capture(&f->c, &f->auth, "../x", &seen,
	    f->err, sizeof(f->err)), PAYPAL_INTERNAL);
	assert_int_equal(count(f, "get"), 4);
}

/*
 * An invoice id is PayPal's once a capture took money for it: a second
 * order with the same one is 422 DUPLICATE_INVOICE_ID (refused, the
 * issue in the message); another invoice id goes through.
 */
static void
test_duplicate_invoice(void **state)
{
	struct fixture *f = *state;
	struct paypal_order o = order(REQUEST_ID);
	struct paypal_created cr;
	struct paypal_capture cap;

	captured(f, &o, CAPTURE_ID, &cr, &cap);
	o.request_id = "rathaus-2026-000001-5-a2";
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_REFUSED);
	assert_non_null(strstr(f->err, "DUPLICATE_INVOICE_ID"));
	assert_clean(f->err, f->auth.token);
	o.invoice_id = "2026-000001-5/2";
	assert_int_equal(paypal_create(&f->c, &f->auth, &o, &cr, f->err,
	    sizeof(f->err)), PAYPAL_OK);
}

/* Ask the stand-in to send a webhook (to its own /__control) and verify it. */
static void
webhook(struct fixture *f, const char *extra, enum paypal_err want,
    struct paypal_event *ev)
{
	struct paypal_webhook h;
	struct buf url, body;
	json_t	*j, *hd;

	buf_init(&url, 0);
	buf_init(&body, 0);
	buf_printf(&url, "%s/__webhook?url=%s/__control&%s", f->api, f->api,
	    extra);
	assert_int_equal(get(buf_str(&url), &body, NULL, 0), 200);
	assert_non_null(j = json_loads(buf_str(&body), 0, NULL));
	hd = json_object_get(j, "headers");
	h.transmission_id = json_string_value(json_object_get(hd,
	    "PAYPAL-TRANSMISSION-ID"));
	h.transmission_time = json_string_value(json_object_get(hd,
	    "PAYPAL-TRANSMISSION-TIME"));
	h.transmission_sig = json_string_value(json_object_get(hd,
	    "PAYPAL-TRANSMISSION-SIG"));
	h.cert_url = json_string_value(json_object_get(hd, "PAYPAL-CERT-URL"));
	h.auth_algo = json_string_value(json_object_get(hd,
	    "PAYPAL-AUTH-ALGO"));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j,
	    "statuses"), 0)), 200);
	assert_int_equal(paypal_verify_webhook(&f->c, &f->auth, &h,
	    json_string_value(json_object_get(j, "body")), ev, f->err,
	    sizeof(f->err)), want);
	if (want == PAYPAL_OK)
		assert_string_equal(ev->id, json_string_value(json_object_get(j,
		    "event_id")));
	json_decref(j);
	buf_free(&url);
	buf_free(&body);
}

static void
test_webhook(void **state)
{
	struct fixture *f = *state;
	struct paypal_created cr;
	struct paypal_capture cap;
	struct paypal_event ev;
	struct paypal_webhook h = { "t1", "2026-04-01T10:00:00Z", "valid-t1",
	    "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
	    "SHA256withRSA" };
	struct buf q;

	approved(f, &cr);
	assert_int_equal(paypal_capture(&f->c, &f->auth, cr.order_id, CAPTURE_ID,
	    &cap, f->err, sizeof(f->err)), PAYPAL_OK);
	buf_init(&q, 0);
	buf_printf(&q, "type=PAYMENT.CAPTURE.COMPLETED&order=%s&times=2",
	    cr.order_id);
	webhook(f, buf_str(&q), PAYPAL_OK, &ev);
	assert_string_equal(ev.type, "PAYMENT.CAPTURE.COMPLETED");
	assert_string_equal(ev.resource_id, cap.capture_id);
	assert_string_equal(ev.order_id, cr.order_id);
	assert_int_equal(ev.amount_cents, 2250);
	assert_string_equal(ev.currency, "EUR");
	buf_reset(&q);
	buf_printf(&q, "type=PAYMENT.CAPTURE.REFUNDED&order=%s", cr.order_id);
	webhook(f, buf_str(&q), PAYPAL_OK, &ev);
	assert_string_equal(ev.type, "PAYMENT.CAPTURE.REFUNDED");
	/* A refund names its capture (the link "up"), not the order. */
	assert_string_equal(ev.order_id, "");
	assert_string_equal(ev.capture_id, cap.capture_id);
	assert_string_not_equal(ev.resource_id, cap.capture_id);
	buf_reset(&q);
	buf_printf(&q, "type=PAYMENT.CAPTURE.COMPLETED&order=%s&sig=bad",
	    cr.order_id);
	webhook(f, buf_str(&q), PAYPAL_REFUSED, &ev);
	assert_string_equal(ev.id, "");
	assert_clean(f->err, NULL);
	buf_free(&q);
	/* Not an event, a header missing, no webhook id: never verified. */
	assert_int_equal(paypal_verify_webhook(&f->c, &f->auth, &h, "{\"id\":",
	    &ev, f->err, sizeof(f->err)), PAYPAL_BAD_REPLY);
	assert_int_equal(paypal_verify_webhook(&f->c, &f->auth, &h,
	    "{\"id\":\"WH-1\",\"event_type\":\"X\"}", &ev, f->err,
	    sizeof(f->err)), PAYPAL_BAD_REPLY);
	h.cert_url = NULL;
	assert_int_equal(paypal_verify_webhook(&f->c, &f->auth, &h,
	    "{\"id\":\"WH-1\",\"event_type\":\"X\",\"resource\":{\"id\":\"C\"}}",
	    &ev, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	h.cert_url = "https://api.sandbox.paypal.com/v1/notifications/certs/C";
	f->c.paypal_webhook_id = (char *)"";
	assert_int_equal(paypal_verify_webhook(&f->c, &f->auth, &h,
	    "{\"id\":\"WH-1\",\"event_type\":\"X\",\"resource\":{\"id\":\"C\"}}",
	    &ev, f->err, sizeof(f->err)), PAYPAL_INTERNAL);
	f->c.paypal_webhook_id = (char *)"WRONGHOOK";
	assert_int_equal(paypal_verify_webhook(&f->c, &f->auth, &h,
	    "{\"id\":\"WH-1\",\"event_type\":\"X\",\"resource\":{\"id\":\"C\"}}",
	    &ev, f->err, sizeof(f->err)), PAYPAL_REFUSED);
	assert_int_equal(count(f, "verify"), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_token, setup_store,
		    teardown),
		cmocka_unit_test(test_cents),
		cmocka_unit_test(test_checkout_origin),
		cmocka_unit_test_setup_teardown(test_token_cached, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_capture_completed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refund, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_revoked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_webhook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_standin_order_contract,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_standin_answers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_quantity, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_capture_after_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_capture_refunded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_order_capture, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_invoice, setup,
		    teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("paypal", tests, NULL, NULL);
}
