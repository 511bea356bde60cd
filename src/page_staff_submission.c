#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "notice.h"
#include "page.h"
#include "pay.h"
#include "staff.h"
#include "store_my.h"
#include "store_pay.h"
#include "store_staff.h"
#include "text.h"
#include "when.h"

#define PAGE_STAFF_TEXT_MAX	4000	/* characters of a note or message */

/*
 * The submission for this user: 1 and a 404 page when there is none, a
 * 403 page when it belongs to another clerk's service.
 */
static int
page_staff_case(struct app *a, struct store_case *c)
{
	int	 rc;

	if (app_store(a) != 0)
		return -1;
	if (!ref_valid(a->route.arg))
		return app_error(a, 404, "not_found") == 0 ? 1 : -1;
	if ((rc = store_case(a->store, a->route.arg, c)) == STORE_NOTFOUND)
		return app_error(a, 404, "not_found") == 0 ? 1 : -1;
	if (rc != STORE_OK)
		return -1;
	if (!staff_may(a, c->sub.service)) {
		fprintf(stderr, "rathaus: staff user '%s' refused %s (%s)\n",
		    a->staff.user, c->sub.ref, c->sub.service);
		store_case_free(c);
		return app_error(a, 403, "not_yours") == 0 ? 1 : -1;
	}
	return 0;
}

/* The definition it was made with, else today's; NULL if neither loads. */
static int
page_staff_form(struct app *a, const struct store_case *c, struct form *f)
{
	if (c->sub.definition_xml != NULL)
		return app_form_stored(a, c->sub.definition_xml, f);
	return app_form_id(a, c->sub.service, NULL, f);
}

/*
 * The citizen's answers from the Postkorb (<replies><reply at field
 * filename size seen>text</reply>..</replies>); the file downloads
 * through /files/<ref>?field=reply-<id>, sniffed like any other.
 */
static int
page_staff_replies(struct app *a, xmlNodePtr sub, const char *ref)
{
	struct store_reply *r = NULL;
	xmlNodePtr list, e;
	char	 size[24];
	size_t	 n = 0, i;
	int	 rc = -1;

	if (store_my_replies(a->store, ref, &r, &n) != STORE_OK)
		return -1;
	if (n == 0) {
		free(r);
		return 0;
	}
	if ((list = app_child(sub, "replies", NULL)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(size, sizeof(size), "%zu", r[i].size);
		if ((e = app_elem(list, "reply", r[i].text, "field",
		    r[i].field, "filename", r[i].filename, "size", size,
		    "seen", r[i].seen ? "1" : "", NULL)) == NULL ||
		    app_time_prop(e, "at", r[i].at) != 0)
			goto out;
	}
	rc = 0;
out:
	store_my_replies_free(r, n);
	return rc;
}

static int
page_staff_detail(struct app *a, const struct store_case *c,
    const char *error)
{
	struct form f;
	xmlNodePtr sub, list, e;
	char	 num[2][24], payment[16];
	const char *done;
	size_t	 i;

	snprintf(num[0], sizeof(num[0]), "%ld", c->sub.fee_cents);
	snprintf(num[1], sizeof(num[1]), "%ld", c->sub.version);
	if (app_begin(a, "staff-submission") != 0 ||
	    staff_node(a, a->root) == NULL)
		return -1;
	if (page_staff_form(a, c, &f) == 0) {
		e = app_service_node(a, &f, a->root);
		form_free(&f);
		if (e == NULL)
			return -1;
	}
	if ((sub = app_elem(a->root, "submission", NULL, "ref", c->sub.ref,
	    "service", c->sub.service, "status", c->sub.status, "fee-cents",
	    num[0], "service-version", num[1], "email", c->email, "purged",
	    c->purged, NULL)) == NULL ||
	    /* Sent by a logged-in citizen: at which trust level (the
	     * account's subject is for "Meine Anträge", not for the clerk). */
	    (c->sub.subject != NULL && app_props(sub, "trust-level",
	    c->sub.trust_level, NULL) != 0) ||
	    app_time_prop(sub, "created", c->sub.created) != 0 ||
	    app_answers(sub, c->sub.values_xml) != 0 ||
	    (list = app_child(sub, "history", NULL)) == NULL)
		return -1;
	for (i = 0; i < c->sub.nhistory; i++)
		if ((e = app_elem(list, "entry", c->sub.history[i].message,
		    "status", c->sub.history[i].status, "actor",
		    c->sub.history[i].actor, NULL)) == NULL ||
		    app_time_prop(e, "at", c->sub.history[i].at) != 0)
			return -1;
	if ((list = app_child(sub, "notes", NULL)) == NULL)
		return -1;
	for (i = 0; i < c->nnotes; i++)
		if ((e = app_elem(list, "note", c->notes[i].text, "author",
		    c->notes[i].author, NULL)) == NULL ||
		    app_time_prop(e, "at", c->notes[i].at) != 0)
			return -1;
	if ((list = app_child(sub, "audit", NULL)) == NULL)
		return -1;
	for (i = 0; i < c->naudit; i++)
		if ((e = app_elem(list, "entry", c->audit[i].detail, "actor",
		    c->audit[i].actor, "action", c->audit[i].action, "before",
		    c->audit[i].before, "after", c->audit[i].after, NULL)) ==
		    NULL || app_time_prop(e, "at", c->audit[i].at) != 0)
			return -1;
	if (app_payment(a, sub, c->sub.ref, payment) != 0 ||
	    page_staff_replies(a, sub, c->sub.ref) != 0)
		return -1;
	/* The ways on from here, as buttons. */
	if ((list = app_child(sub, "moves", NULL)) == NULL)
		return -1;
	for (i = 0; i < WORKFLOW_STATES; i++)
		if (workflow_allowed(c->sub.status, workflow_states[i]) &&
		    app_elem(list, "move", NULL, "to", workflow_states[i],
		    NULL) == NULL)
			return -1;
	if (error != NULL && app_elem(a->root, "problem", NULL, "code", error,
	    NULL) == NULL)
		return -1;
	/* After a change: say it is saved (only names we know). */
	done = req_param(&a->req.query, "done");
	if (error == NULL && done != NULL && (strcmp(done, "status") == 0 ||
	    strcmp(done, "note") == 0 || strcmp(done, "paid") == 0 ||
	    strcmp(done, "refund") == 0) &&
	    app_elem(a->root, "done", NULL, "what", done, NULL) == NULL)
		return -1;
	a->private_page = 1;
	return 0;
}

/*
 * A note or a message: text a clerk wrote, within bounds, without
 * control or bidi characters (the citizen reads a message in the
 * Postkorb and on the status page as written); "" is none.
 */
static const char *
page_staff_text(const struct app *a, const char *name)
{
	const char *v = req_param(&a->req.body, name);
	size_t	 chars = 0;
	const char *p;

	if (v == NULL)
		return "";
	for (p = v; *p != '\0'; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	return chars <= PAGE_STAFF_TEXT_MAX && !text_has_controls(v) &&
	    !text_has_bidi(v) ? v : NULL;
}

/* Back to the submission, saying what was done (?done=status). */
static int
page_staff_back(struct app *a, const char *ref, const char *done)
{
	struct buf loc;

	buf_init(&loc, 4096);
	staff_link(a, &loc, "/submissions/");
	buf_printf(&loc, "%s?done=%s", ref, done);
	return app_redirect(a, &loc);
}

/* Status change with a message to the citizen, and the mail it causes. */
static int
page_staff_status(struct app *a, const struct store_case *c,
    const char **problem)
{
	const char *from = req_param(&a->req.body, "from");
	const char *to = req_param(&a->req.body, "to");
	const char *message = page_staff_text(a, "message");
	struct notice n;
	struct form f;
	char	 now[21];
	int	 rc;

	if (from == NULL || to == NULL || !workflow_allowed(from, to)) {
		*problem = "move";
		return 422;
	}
	if (message == NULL) {
		*problem = "text";
		return 422;
	}
	if (page_staff_form(a, c, &f) != 0 || when_now_iso(now) == -1)
		return -1;
	memset(&n, 0, sizeof(n));
	n.app = a;
	n.form = &f;
	n.email = c->email;
	n.lang = c->sub.lang[0] != '\0' ? c->sub.lang : "de";
	n.status = to;
	n.message = message;
	n.account = c->sub.subject != NULL;
	rc = store_set_status(a->store, c->sub.ref, from, to, a->staff.user,
	    message, now, notice_status, &n);
	form_free(&f);
	return app_change_answer(rc, "conflict", problem);
}

/*
 * A transfer or a counter payment received: recorded, and audited, while
 * the fee is open. The store decides that in its transaction (a colleague
 * may have been quicker); a fee not open is 409 with what it is now:
 * paid (by anyone, any way), refunded, or none to pay.
 */
static int
page_staff_paid(struct app *a, const struct store_case *c,
    const char **problem)
{
	static const char *const states[][2] = {
		{ "paid", "paid-already" },
		{ "refunded", "paid-refunded" },
		{ "none", "paid-none" },
	};
	const char *method = req_param(&a->req.body, "method");
	char	 now[21], state[STORE_STATUS_MAX];
	size_t	 i;
	int	 rc, dup = 0;

	if (method == NULL || (strcmp(method, "transfer") != 0 &&
	    strcmp(method, "counter") != 0)) {
		*problem = "action";
		return 422;
	}
	if (when_now_iso(now) == -1)
		return -1;
	rc = store_payment_received(a->store, c->sub.ref, method,
	    c->sub.fee_cents, "clerk", NULL, a->staff.user, now, &dup);
	if (rc != STORE_CONFLICT)
		return app_change_answer(rc, NULL, problem);
	if (store_payment_state(a->store, c->sub.ref, state, sizeof(state),
	    NULL) != STORE_OK)
		return -1;
	*problem = "paid-already";	/* "paid", or one we do not know */
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i][0]) == 0)
			*problem = states[i][1];
	return 409;
}

/*
 * The fee given back, after a tick that says so: an online payment
 * through its provider (the money goes back by itself), unless the clerk
 * says it was given back outside (`manual`: in the provider's own
 * account, by transfer); a transfer or counter payment is recorded as
 * refunded once the clerk has paid it back. Every try is audited with
 * what came of it, also when the provider said no or did not answer.
 */
static int
page_staff_refund(struct app *a, const struct store_case *c,
    const char **problem)
{
	static const struct {
		enum pay_problem why;
		const char	*outcome;	/* audit `after`, problem code */
		int		 status;
	} outcomes[] = {
		{ PAY_OK, "refunded", 0 },
		{ PAY_PENDING, "refund-pending", 202 },
		{ PAY_UNAVAILABLE, "refund-unavailable", 503 },
		{ PAY_DECLINED, "refund-declined", 502 },
		{ PAY_FAILED, "refund-failed", 502 },
	};
	const struct pay_provider *prov;
	const struct pay_ctx ctx = { &a->conf, a->store, a->staff.user, NULL };
	struct store_payment p;
	enum pay_problem why = PAY_FAILED;
	char	 now[21], detail[64];
	size_t	 i;
	int	 rc, dup = 0, online, manual;

	if (req_param(&a->req.body, "confirm") == NULL) {
		*problem = "confirm";
		return 422;
	}
	if ((rc = store_payment_paid(a->store, c->sub.ref, &p)) ==
	    STORE_NOTFOUND) {
		*problem = "refund-none";
		return 409;
	}
	if (rc != STORE_OK || when_now_iso(now) == -1)
		return -1;
	prov = pay_provider(p.method);
	online = prov != NULL && prov->refund != NULL;
	manual = online && req_param(&a->req.body, "manual") != NULL;
	if (online && !manual)
		why = prov->refund(&ctx, &p);
	else {
		rc = store_payment_update(a->store, p.id, "refunded", "clerk",
		    NULL, a->staff.user, now, &dup);
		if ((rc = app_change_answer(rc, "refund-none", problem)) != 0)
			return rc;
		why = PAY_OK;
	}
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]) - 1 &&
	    outcomes[i].why != why; i++)
		;
	snprintf(detail, sizeof(detail), "%s%s %ld.%02ld", p.method,
	    manual ? " (manual)" : "", p.amount_cents / 100,
	    p.amount_cents % 100);
	if (store_audit(a->store, a->staff.user, "refund", c->sub.ref, "paid",
	    outcomes[i].outcome, detail, now) != STORE_OK)
		fprintf(stderr, "rathaus: refund of %s (%s) not audited: %s\n",
		    c->sub.ref, outcomes[i].outcome, store_errmsg(a->store));
	if (outcomes[i].status != 0)
		*problem = outcomes[i].outcome;
	return outcomes[i].status;
}

static int
page_staff_note(struct app *a, const struct store_case *c,
    const char **problem)
{
	const char *text = page_staff_text(a, "note");
	char	 now[21];

	if (text == NULL || *text == '\0') {
		*problem = "text";
		return 422;
	}
	if (when_now_iso(now) == -1)
		return -1;
	return app_change_answer(store_add_note(a->store, c->sub.ref,
	    a->staff.user, text, now), NULL, problem);
}

/*
 * GET: the whole submission (and an audit entry that this user saw it).
 * POST: an action on it, then 303 back to it (so a reload repeats
 * nothing); a refused action shows the page again with its reason.
 */
int
page_staff_submission(struct app *a)
{
	struct store_case c;
	const char *action, *problem = NULL;
	char	 now[21];
	int	 rc;

	if ((rc = page_staff_case(a, &c)) != 0)
		return rc > 0 ? 0 : -1;
	if (a->req.method != REQ_POST) {
		if (when_now_iso(now) == -1 || store_audit(a->store,
		    a->staff.user, "view", c.sub.ref, NULL, NULL, NULL, now) ==
		    STORE_ERROR) {
			store_case_free(&c);
			return -1;
		}
		rc = page_staff_detail(a, &c, NULL);
		/* Shown to a clerk: the answers are no longer new. */
		if (rc == 0 && store_my_replies_seen(a->store, c.sub.ref,
		    now) == STORE_ERROR)
			rc = -1;
		store_case_free(&c);
		return rc;
	}
	action = req_param(&a->req.body, "_action");
	if (action != NULL && strcmp(action, "status") == 0)
		rc = page_staff_status(a, &c, &problem);
	else if (action != NULL && strcmp(action, "note") == 0)
		rc = page_staff_note(a, &c, &problem);
	else if (action != NULL && strcmp(action, "paid") == 0)
		rc = page_staff_paid(a, &c, &problem);
	else if (action != NULL && strcmp(action, "refund") == 0)
		rc = page_staff_refund(a, &c, &problem);
	else {
		problem = "action";
		rc = 422;
	}
	if (rc == 0)
		rc = page_staff_back(a, c.sub.ref, action);
	else if (rc > 0) {
		/* Shown again as it is now, with what went wrong. */
		store_case_free(&c);
		if (store_case(a->store, a->route.arg, &c) != STORE_OK)
			return -1;
		a->status = rc;
		rc = page_staff_detail(a, &c, problem);
	}
	store_case_free(&c);
	return rc;
}
