/*
 * PayPal's edge cases end to end: the citizen's way through the portal
 * behind a real Apache, with tests/paypal/standin.py as PayPal. A
 * capture whose answer was lost and retried after PayPal's idempotency
 * window, a new attempt after one that took money, a capture refunded at
 * PayPal before the citizen came back, a partial refund's notice; and the
 * token cached across the CGI processes.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgitest.h"

/* A certificate order of `copies` copies (two: 22.50): its reference and
 * the citizen's token, at the checkout. */
static void
certificate_to_pay(int copies, char *ref, size_t reflen, char *token,
    size_t toklen)
{
	char	 n[8];
	struct field f[] = {
		{ "kind", "geburt" }, { "recorded_here", "ja" },
		{ "event_place", "Wiesmoor" }, { "event_date", "1958-03-02" },
		{ "surname", "Muster" }, { "given_names", "Hanna" },
		{ "copies", n }, { "relation", "selbst" },
		{ "purpose", "privat" }, { "given_name", "Hanna" },
		{ "family_name", "Muster" },
		{ "street", "Kirchweg 4" }, { "postcode", "26639" },
		{ "town", "Wiesmoor" }, { "delivery", "post" },
		{ "_confirm", "1" },
	};
	struct resp r;

	snprintf(n, sizeof(n), "%d", copies);
	post_service_as(citizen_erika(), "personenstandsurkunde",
	    form_encode(f, sizeof(f) / sizeof(f[0])), 303, &r);
	assert_non_null(strstr(resp_header(&r, "Location"), SCRIPT "/pay/"));
	parse_receipt_location(resp_header(&r, "Location"), ref, reflen,
	    token, toklen);
}

/* GET the stand-in's /__control?query: its JSON answer (json_decref). */
static json_t *
standin(const char *query)
{
	char	 url[512];
	struct resp r;
	json_t	*j;

	snprintf(url, sizeof(url), "%s/__control?%s", T.paypal_api, query);
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	if (r.status != 200)
		fail_msg("stand-in: %s: HTTP %ld %s", query, r.status, r.body);
	assert_non_null(j = json_loads(r.body, 0, NULL));
	return j;
}

static void
standin_do(const char *query)
{
	json_decref(standin(query));
}

/* A string at a dotted path of the stand-in's view of an order. */
static void
order_says(const char *order, const char *path, char *out, size_t size)
{
	char	 q[256], key[64];
	json_t	*j, *v;
	size_t	 n;

	snprintf(q, sizeof(q), "order=%s", order);
	j = standin(q);
	for (v = json_object_get(j, "order"); v != NULL && *path != '\0';
	    path += n + (path[n] == '.')) {
		n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		v = json_is_array(v) ? json_array_get(v, strtoul(key, NULL, 10)) :
		    json_object_get(v, key);
	}
	snprintf(out, size, "%s", json_is_string(v) ? json_string_value(v) :
	    "");
	json_decref(j);
}

static long
standin_count(const char *what)
{
	json_t	*j = standin("");
	long	 n;

	n = (long)json_integer_value(json_object_get(j, what));
	json_decref(j);
	return n;
}

/*
 * Choose PayPal at the checkout and approve at its page: the order id
 * and the way back (the URL PayPal sends the citizen to), not yet taken.
 */
static void
to_paypal_and_approve(const char *ref, const char *token, char *order,
    size_t olen, char *back, size_t backlen)
{
	char	 path[512];
	struct resp r;
	const char *l, *t;

	snprintf(path, sizeof(path), SCRIPT "/pay/%s?token=%s", ref, token);
	assert_int_equal(http("POST", path, "method=paypal", 13, &r), 0);
	if (r.status != 303)
		fail_msg("POST %s: HTTP %ld, not 303", path, r.status);
	assert_non_null(l = resp_header(&r, "Location"));
	assert_non_null(t = strstr(l, "token="));
	snprintf(order, olen, "%.*s", (int)strcspn(t + 6, "&"), t + 6);
	assert_int_equal(http("GET", l, NULL, 0, &r), 0);
	assert_int_equal(r.status, 302);
	snprintf(back, backlen, "%s", resp_header(&r, "Location"));
}

/* The citizen comes back from PayPal: the answer's status. */
static long
come_back(const char *back, struct resp *r)
{
	assert_int_equal(http("GET", back, NULL, 0, r), 0);
	return r->status;
}

/* The citizen comes back and is sent on to the status page. */
static void
back_to_status(const char *back)
{
	struct resp r;

	if (come_back(back, &r) != 303)
		fail_msg("back from PayPal: HTTP %ld, not 303", r.status);
	assert_non_null(strstr(resp_header(&r, "Location"), "/status/"));
}

/*
 * A submission of 22.50 approved at PayPal, whose capture goes through
 * there but whose answer never comes: the citizen sees "try again", the
 * submission is stored and awaiting. Its ref, token, order, way back.
 */
static void
capture_answer_lost(char ref[32], char token[80], char order[128],
    char back[1024])
{
	struct resp r;

	certificate_to_pay(2, ref, 32, token, 80);
	to_paypal_and_approve(ref, token, order, 128, back, 1024);
	standin_do("fail=lost&on=capture");
	assert_int_equal(come_back(back, &r), 503);
	assert_non_null(strstr(r.body, "Ihr Antrag ist gespeichert"));
	payment_is(ref, "awaiting");
}

/* The events of a submission's payments, in order: "started,completed". */
static void
events_are(const char *ref, const char *want)
{
	char	 sql[512], got[256];

	snprintf(sql, sizeof(sql), "SELECT %s FROM (SELECT e.id, e.state FROM"
	    " payment_event e JOIN submission s ON s.id = e.submission_id"
	    " WHERE s.ref = '%s' ORDER BY e.id) AS ev", db_is_pg() ?
	    "string_agg(state, ',' ORDER BY id)" : "group_concat(state)", ref);
	assert_int_equal(db_query(sql, NULL, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

/*
 * The capture went through at PayPal but its answer never came (the
 * citizen sees "try again"); when the citizen comes back after PayPal's
 * idempotency window, the capture is 422 ORDER_ALREADY_CAPTURED. The
 * portal looks the order up: completed with the stored amount, so paid,
 * with PayPal's capture id kept for a refund; nothing captured twice.
 */
static void
test_paypal_capture_after_window(void **state)
{
	char	 ref[32], token[80], order[128], back[1024], sql[256];
	char	 capture[128], kept[128];

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	capture_answer_lost(ref, token, order, back);
	order_says(order, "purchase_units.0.payments.captures.0.id", capture,
	    sizeof(capture));
	assert_true(capture[0] != '\0');
	/* PayPal heads its page with the town's name (municipality.xml). */
	{
		char	 q[256];
		json_t	*j;

		snprintf(q, sizeof(q), "order=%s", order);
		j = standin(q);
		assert_string_equal(json_string_value(json_object_get(j,
		    "brand_name")), "Stadt Wiesmoor");
		json_decref(j);
	}

	standin_do("forget_requests=1");
	back_to_status(back);
	payment_is(ref, "paid");
	status_says(ref, token, "<strong>bezahlt</strong>");
	snprintf(sql, sizeof(sql), "SELECT p.capture_ref FROM payment p JOIN"
	    " submission s ON s.id = p.submission_id WHERE s.ref = '%s' AND"
	    " p.state = 'completed'", ref);
	assert_int_equal(db_query(sql, NULL, kept, sizeof(kept)), 0);
	assert_string_equal(kept, capture);
	events_are(ref, "started,completed");
	/* Back once more (a reload): still paid, nothing new. */
	back_to_status(back);
	events_are(ref, "started,completed");
}

/*
 * A first attempt that took another amount (money moved: not paid, a
 * clerk must look) and a second one: each attempt has its own invoice
 * id, still the reference, so PayPal does not refuse the second as a
 * DUPLICATE_INVOICE_ID. The access token is fetched once for all of it
 * and kept in the database between the CGI processes.
 */
static void
test_paypal_new_attempt_own_invoice(void **state)
{
	char	 ref[32], token[80], order1[128], order2[128], back[1024];
	char	 inv1[128], inv2[128], prefix[40], tok[2048], now[21];
	char	 sql[256];
	struct resp r;
	json_t	*j;

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	assert_int_equal(db_exec("DELETE FROM provider_token"), 0);
	standin_do("reset=1");
	certificate_to_pay(2, ref, sizeof(ref), token, sizeof(token));
	to_paypal_and_approve(ref, token, order1, sizeof(order1), back,
	    sizeof(back));
	standin_do("fail=amount_mismatch&on=capture");
	assert_int_equal(come_back(back, &r), 200);
	payment_is(ref, "awaiting");

	to_paypal_and_approve(ref, token, order2, sizeof(order2), back,
	    sizeof(back));
	back_to_status(back);
	payment_is(ref, "paid");

	order_says(order1, "purchase_units.0.invoice_id", inv1, sizeof(inv1));
	order_says(order2, "purchase_units.0.invoice_id", inv2, sizeof(inv2));
	snprintf(prefix, sizeof(prefix), "%s/", ref);
	assert_int_equal(strncmp(inv1, prefix, strlen(prefix)), 0);
	assert_int_equal(strncmp(inv2, prefix, strlen(prefix)), 0);
	assert_string_not_equal(inv1, inv2);

	j = standin("");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "requests"), "token")), 1);
	json_decref(j);
	iso_ago(0, now);
	snprintf(sql, sizeof(sql), "SELECT token FROM provider_token WHERE"
	    " provider = 'paypal' AND expires > '%s'", now);
	assert_int_equal(db_query(sql, NULL, tok, sizeof(tok)), 0);
	assert_int_equal(strncmp(tok, "A21AA", 5), 0);
}

/*
 * Refunded at PayPal (in its account) while the capture's answer was
 * lost: coming back, PayPal says the capture is REFUNDED (the replay of
 * the capture) or PARTIALLY_REFUNDED (the order looked up after the
 * window). Whole: the fee was taken and given back, "erstattet". Part:
 * the fee was paid, "bezahlt". Never a "bad reply" left open.
 */
static void
test_paypal_refunded_before_return(void **state)
{
	char	 ref[32], token[80], order[128], back[1024], q[256];

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	capture_answer_lost(ref, token, order, back);
	snprintf(q, sizeof(q), "refund=%s", order);
	standin_do(q);
	back_to_status(back);
	payment_is(ref, "refunded");
	status_says(ref, token, "<strong>erstattet</strong>");
	events_are(ref, "started,completed,refunded");

	capture_answer_lost(ref, token, order, back);
	snprintf(q, sizeof(q), "refund=%s&amount=5.00", order);
	standin_do(q);
	standin_do("forget_requests=1");
	back_to_status(back);
	payment_is(ref, "paid");
	status_says(ref, token, "<strong>bezahlt</strong>");
}

/* PayPal's notice of a refund of `order` (`amount`: a part of it). */
static void
refund_notice(const char *order, const char *amount)
{
	char	 url[768];
	struct resp r;

	snprintf(url, sizeof(url), "%s/__webhook?url=%s" SCRIPT "/webhook/"
	    "paypal&type=PAYMENT.CAPTURE.REFUNDED&order=%s%s%s", T.paypal_api,
	    T.origin, order, amount != NULL ? "&amount=" : "",
	    amount != NULL ? amount : "");
	assert_int_equal(http("GET", url, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"statuses\": [200]"));
}

/*
 * A part of the fee refunded in PayPal's account: its notice
 * (PAYMENT.CAPTURE.REFUNDED, for 5.00 of 22.50) leaves the submission
 * paid, as the capture now says PARTIALLY_REFUNDED; the notice of the
 * rest (the capture REFUNDED) makes it refunded.
 */
static void
test_paypal_partial_refund_notice(void **state)
{
	char	 ref[32], token[80], order[128], back[1024];
	long	 before;

	(void)state;
	if (T.paypal_api[0] == '\0')
		skip();
	certificate_to_pay(2, ref, sizeof(ref), token, sizeof(token));
	to_paypal_and_approve(ref, token, order, sizeof(order), back,
	    sizeof(back));
	back_to_status(back);
	payment_is(ref, "paid");
	before = standin_count("refunds");

	refund_notice(order, "5.00");
	payment_is(ref, "paid");
	status_says(ref, token, "<strong>bezahlt</strong>");
	refund_notice(order, "17.50");
	payment_is(ref, "refunded");
	status_says(ref, token, "<strong>erstattet</strong>");
	assert_int_equal(standin_count("refunds"), before + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_paypal_capture_after_window,
		    free_tracked),
		cmocka_unit_test_teardown(test_paypal_new_attempt_own_invoice,
		    free_tracked),
		cmocka_unit_test_teardown(test_paypal_refunded_before_return,
		    free_tracked),
		cmocka_unit_test_teardown(test_paypal_partial_refund_notice,
		    free_tracked),
		cmocka_unit_test_teardown(test_error_log_clean, free_tracked),
	};

	return CGITEST_RUN("paypal_flow", tests, group_setup_idp, NULL);
}
