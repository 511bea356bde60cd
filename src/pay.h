/*
 * pay: the payment methods behind one small interface, so that a
 * municipality can add a public-sector platform (ePayBL, ...) without
 * touching the rest. A provider starts a payment (where the citizen goes
 * next), finishes it when the citizen comes back, takes the provider's
 * notices, and refunds. Methods without a provider of their own (a bank
 * transfer, paying at the counter) are offered the same way; what they
 * receive is recorded by a clerk or the bank statement import.
 */
#ifndef RATHAUS_PAY_H
#define RATHAUS_PAY_H

#include <libxml/tree.h>

#include "buf.h"
#include "conf.h"
#include "req.h"
#include "store_pay.h"

/*
 * What a provider works with: the configuration, the open store, and who
 * acts (a clerk's user name, or NULL: the citizen or the provider). The
 * page builds it; a provider never sees the request or the page.
 */
struct pay_ctx {
	const struct conf *conf;
	struct store	*store;
	const char	*actor;
	const char	*brand;		/* the town's name at PayPal, or NULL */
};

/* A provider's notice as it came: its body and headers (enum req_header). */
struct pay_notice {
	const char	*body;
	char *const	*headers;	/* REQ_HEADERS of them, NULL if absent */
};

/* What is to be paid: the submission, its bill, where to come back. */
struct pay_order {
	const char	*ref;
	const char	*token;		/* the citizen's status token */
	long		 amount_cents;
	xmlNodePtr	 bill;		/* the stored <fee> with its <line>s */
	struct store_payment *attempt;	/* started: its request id, id */
};

/* Why a payment could not go on; the words are in data/messages.xml. */
enum pay_problem {
	PAY_OK,
	PAY_UNAVAILABLE,	/* the provider did not answer: try later */
	PAY_DECLINED,		/* the provider said no */
	PAY_MISMATCH,		/* paid, but not what was owed: a clerk looks */
	PAY_CANCELLED,		/* the citizen turned back */
	PAY_PENDING,		/* taken, the provider's notice finishes it */
	PAY_FAILED		/* anything else */
};

struct pay_provider {
	const char	*name;		/* as in pay_methods: "paypal" */
	int		 online;	/* paid now, at the provider */
	/* Start: *redirect is where the citizen goes (malloc'ed). */
	enum pay_problem (*start)(const struct pay_ctx *,
	    const struct pay_order *, char **redirect);
	/* The citizen is back from the provider (the query it came with). */
	enum pay_problem (*finish)(const struct pay_ctx *,
	    const struct pay_order *, const struct req_params *query);
	/* The provider's notice (webhook): 0 taken, -1 refused (bad
	 * signature or malformed: nothing changed). */
	int		 (*notify)(const struct pay_ctx *, const struct pay_notice *);
	/* Give a completed payment back (ctx.actor: the clerk). */
	enum pay_problem (*refund)(const struct pay_ctx *,
	    const struct store_payment *);
	/* The origin of the provider's pages, where the checkout form leads
	 * (the page's CSP form-action must name it); NULL for none. */
	int		 (*checkout_origin)(const struct conf *, struct buf *);
};

extern const struct pay_provider pay_paypal;

const struct pay_provider *pay_provider(const char *name);
int	 pay_offered(const struct conf *, const char *name);
const char *pay_problem_code(enum pay_problem);

#endif
