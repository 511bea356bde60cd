#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "page_slot.h"
#include "text.h"

/*
 * The status page, and what its appointment's buttons send (POST
 * _action=cancel or move, docs/calendars.md): "Termin absagen" asks once
 * more, then frees the place at once; "Termin verschieben" offers the
 * free times of the calendar (paged by _week) and moves the booking to
 * the chosen one in one transaction. Neither once the appointment has
 * begun, nor from another site. Done: 303 back to the page, which says
 * so (?done=cancelled|moved).
 */

/* Back to the status page after a change: 303, saying what was done. */
static int
page_status_done(struct app *a, const struct store_submission *s,
    const char *token, const char *done)
{
	struct buf loc;

	buf_init(&loc, 4096);
	if (app_link(a, &loc, "/status/", s->ref, token) != 0 ||
	    buf_printf(&loc, "%cdone=%s", token != NULL ? '&' : '?', done) !=
	    0 || (strcmp(a->lang, "de") != 0 && buf_printf(&loc, "&lang=%s",
	    a->lang) != 0)) {
		buf_free(&loc);
		return -1;
	}
	return app_redirect(a, &loc);
}

/*
 * Whether the booking the page showed (its id, sent back) is the one
 * that stands now: a page open in another tab since the appointment was
 * moved must not cancel or move the new one.
 */
static int
page_status_same(const struct app *a, const struct store_booking_row *b)
{
	const char *sent = req_param(&a->req.body, "booking");
	long	 id;

	return sent != NULL && text_to_long(sent, 1, 1000000000000L, &id) ==
	    0 && id == b->id;
}

/* <booking-action kind=".." problem=".."/>: what the page shows now. */
static int
page_status_show(struct app *a, const char *kind, const char *problem,
    int status)
{
	if (status != 0)
		a->status = status;
	return app_elem(a->root, "booking-action", NULL, "kind", kind,
	    "problem", problem, NULL) == NULL ? -1 : 0;
}

/* The times to move to; a chosen one checked and, unless paging, moved to. */
static int
page_status_move(struct app *a, const struct store_submission *s,
    const struct store_booking_row *b, const char *token)
{
	const struct req_params *in = &a->req.body;
	const char *v, *week = req_param(in, "_week");
	const struct store_booking *nb;
	struct page_slot ps;
	struct form f;
	char	 now[21];
	int	 rc = -1, moved;

	if ((s->definition_xml != NULL ? app_form_stored(a, s->definition_xml,
	    &f) : app_form_id(a, s->service, NULL, &f)) != 0)
		return page_status_show(a, "move", "no-calendar", 409);
	if (page_slot_open(a, &f, &ps) != 0 || ps.field == NULL ||
	    strcmp(ps.cal.id, b->calendar) != 0) {
		rc = page_status_show(a, "move", "no-calendar", 409);
		goto out;
	}
	/* The times it may move to: its own place counts as free. */
	ps.except_ref = s->ref;
	v = req_param(in, ps.field->name);
	if (v != NULL && *v != '\0' && week == NULL) {
		if (!page_status_same(a, b)) {
			rc = page_status_show(a, "move", "changed", 409);
			goto out;
		}
		/* What the calendar offers, then free for good in the move's
		 * own transaction. */
		if ((nb = page_slot_book(&ps, v)) == NULL ||
		    !cal_slot_free(&ps.cal, v, ps.minutes, &ps.today,
		    ps.now_minute, NULL, 0)) {
			rc = page_status_show(a, "move", "slot", 422);
			if (rc == 0)
				rc = page_slot_offer_at(a, &ps, b->start, NULL);
			goto out;
		}
		if (when_now_iso(now) == -1)
			goto out;
		moved = store_booking_move(a->store, b->id, s->ref, nb,
		    "citizen", now);
		if (moved == STORE_OK) {
			rc = page_status_done(a, s, token, "moved");
			goto out;
		}
		if (moved != STORE_TAKEN && moved != STORE_CONFLICT)
			goto out;
		rc = page_status_show(a, "move", moved == STORE_TAKEN ?
		    "slot_taken" : "changed", 409);
		if (rc == 0)
			rc = page_slot_offer_at(a, &ps, v, NULL);
		goto out;
	}
	if (page_status_show(a, "move", NULL, 0) == 0)
		rc = page_slot_offer_at(a, &ps, b->start, week);
out:
	page_slot_close(&ps);
	form_free(&f);
	return rc;
}

static int
page_status_action(struct app *a, const struct store_submission *s,
    const struct store_booking_row *b, const char *token)
{
	const char *action = req_param(&a->req.body, "_action");
	char	 now[CAL_SLOT_LEN], iso[21];
	int	 rc;

	if (app_cross_site(a)) {
		fprintf(stderr, "rathaus: POST %s from another site: refused\n",
		    a->req.path);
		return app_error(a, 403, "my_cross_site");
	}
	if (action == NULL || (strcmp(action, "cancel") != 0 &&
	    strcmp(action, "move") != 0))
		return app_error(a, 400, "bad_request");
	cal_now(now);
	if (strcmp(b->state, "booked") != 0)
		return page_status_show(a, action, "changed", 409);
	if (strcmp(now, b->start) >= 0)
		return page_status_show(a, action, "started", 409);
	if (strcmp(action, "move") == 0)
		return page_status_move(a, s, b, token);
	if (req_param(&a->req.body, "_confirm") == NULL)
		return page_status_show(a, "cancel", NULL, 0);
	if (!page_status_same(a, b))
		return page_status_show(a, "cancel", "changed", 409);
	if (when_now_iso(iso) == -1)
		return -1;
	rc = store_booking_cancel(a->store, b->id, s->ref, "citizen", iso);
	if (rc == STORE_OK)
		return page_status_done(a, s, token, "cancelled");
	if (rc == STORE_CONFLICT)
		return page_status_show(a, "cancel", "changed", 409);
	return -1;
}

int
page_status(struct app *a)
{
	struct store_submission s;
	struct store_booking_row b;
	const char *token = req_param(&a->req.query, "token");
	const char *done = req_param(&a->req.query, "done");
	int	 rc, booked = 0;

	rc = app_submission(a, "status", token, &s);
	if (rc == 0 && (booked = page_slot_booked(a, s.ref, &b)) < 0)
		rc = -1;
	/* Opened as the account's own: no token in what the page links. */
	if (*a->owner_token != '\0')
		token = NULL;
	if (rc == 0 && done != NULL && (strcmp(done, "cancelled") == 0 ||
	    strcmp(done, "moved") == 0) && app_elem(a->root, "booking-done",
	    NULL, "kind", done, NULL) == NULL)
		rc = -1;
	if (rc == 0 && a->req.method == REQ_POST)
		rc = booked ? page_status_action(a, &s, &b, token) :
		    app_error(a, 409, "no_booking");
	store_submission_free(&s);
	return rc > 0 ? 0 : rc;
}
