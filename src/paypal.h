/*
 * paypal: PayPal's REST API (OAuth token, Orders v2 create and capture,
 * webhook signature verification) over libcurl and libjansson. Every call
 * takes at most paypal_timeout seconds, uses no proxy from the
 * environment, verifies TLS, and speaks plain http only to a loopback
 * address (a test's stand-in). Messages in `err` are short and never hold
 * the secret or a token. It never touches the database: the caller keeps
 * the access token between calls (struct paypal_auth).
 */
#ifndef RATHAUS_PAYPAL_H
#define RATHAUS_PAYPAL_H

#include <stddef.h>
#include <time.h>

struct buf;
struct conf;

enum paypal_err {
	PAYPAL_OK = 0,
	PAYPAL_UNAVAILABLE = -1,	/* timeout, connection, 5xx, 429: try later */
	PAYPAL_REFUSED = -2,	/* 4xx, a declined capture, a failed signature */
	PAYPAL_BAD_REPLY = -3,	/* not JSON, or a field missing or malformed */
	PAYPAL_MISMATCH = -4,	/* amounts or currencies that do not agree */
	PAYPAL_INTERNAL = -5	/* ours: PayPal off, bad input, memory, store */
};

#define PAYPAL_ID_MAX		128	/* ids, statuses, event types */
#define PAYPAL_URL_MAX		1024
#define PAYPAL_TOKEN_MAX	2048
#define PAYPAL_TEXT_MAX		127	/* item, brand, invoice: PayPal's limit */
#define PAYPAL_ITEMS_MAX	100

/*
 * An access token, which the caller caches between calls and processes:
 * `token` goes in as the cached one ("" for none); when the call sets
 * `fresh`, it comes out as the one to cache instead ("" when the cached
 * one was refused and no new one could be had) until `expires` (0: do
 * not keep it).
 */
struct paypal_auth {
	char		 token[PAYPAL_TOKEN_MAX];
	int		 fresh;
	time_t		 expires;
};

struct paypal_item {
	const char	*name;		/* cut to 127 bytes at a character */
	long		 quantity;	/* 1 or more */
	long		 unit_cents;	/* 0 or more */
};

struct paypal_order {
	const char	*request_id;	/* PayPal-Request-Id: same id, same order */
	const char	*invoice_id;	/* our reference */
	long		 amount_cents;	/* must be the sum of the items */
	const char	*currency;	/* "EUR" */
	const struct paypal_item *items;
	size_t		 nitems;
	const char	*return_url;
	const char	*cancel_url;
	const char	*brand_name;	/* shown on PayPal's page, may be NULL */
};

struct paypal_created {
	char		 order_id[PAYPAL_ID_MAX];
	char		 approve_url[PAYPAL_URL_MAX];	/* send the payer there */
};

struct paypal_capture {
	/* COMPLETED, PARTIALLY_REFUNDED, REFUNDED, PENDING, DECLINED, FAILED */
	char		 status[PAYPAL_ID_MAX];
	char		 capture_id[PAYPAL_ID_MAX];
	long		 amount_cents;
	char		 currency[4];
};

struct paypal_refund {
	char		 status[PAYPAL_ID_MAX];	/* COMPLETED or PENDING */
	char		 refund_id[PAYPAL_ID_MAX];
};

/* The PAYPAL-* headers of a webhook notification. */
struct paypal_webhook {
	const char	*transmission_id;
	const char	*transmission_time;
	const char	*transmission_sig;
	const char	*cert_url;
	const char	*auth_algo;
};

struct paypal_event {
	char		 id[PAYPAL_ID_MAX];		/* WH-...: count it once */
	char		 type[PAYPAL_ID_MAX];		/* PAYMENT.CAPTURE.COMPLETED */
	char		 resource_id[PAYPAL_ID_MAX];	/* the capture (refund) id */
	char		 order_id[PAYPAL_ID_MAX];	/* "" when not told */
	char		 capture_id[PAYPAL_ID_MAX];	/* a refund's capture, or "" */
	long		 amount_cents;			/* -1 when not told */
	char		 currency[4];
};

int	 paypal_enabled(const struct conf *);
int	 paypal_checkout_origin(const struct conf *, struct buf *);
enum paypal_err paypal_token(const struct conf *, struct paypal_auth *,
	    time_t now, char *err, size_t errlen);
enum paypal_err paypal_create(const struct conf *, struct paypal_auth *,
	    const struct paypal_order *, struct paypal_created *,
	    char *err, size_t errlen);
enum paypal_err paypal_capture(const struct conf *, struct paypal_auth *,
	    const char *order_id, const char *request_id,
	    struct paypal_capture *, char *err, size_t errlen);
enum paypal_err paypal_order_capture(const struct conf *,
	    struct paypal_auth *, const char *order_id, struct paypal_capture *,
	    char *err, size_t errlen);
enum paypal_err paypal_refund(const struct conf *, struct paypal_auth *,
	    const char *capture_id, const char *request_id,
	    struct paypal_refund *, char *err, size_t errlen);
enum paypal_err paypal_capture_check(const struct paypal_capture *,
	    long expected_cents, const char *currency);
enum paypal_err paypal_verify_webhook(const struct conf *,
	    struct paypal_auth *, const struct paypal_webhook *,
	    const char *body, struct paypal_event *, char *err, size_t errlen);
int	 paypal_cents_format(long cents, char *out, size_t size);
int	 paypal_cents_parse(const char *value, long *cents);

#endif
