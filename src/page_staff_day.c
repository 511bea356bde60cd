#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "page_slot.h"
#include "staff.h"
#include "store_booking.h"
#include "text.h"

/*
 * GET /appointments?calendar=ID&day=YYYY-MM-DD: one day of a calendar
 * for the clerks (docs/staff.md), printable: its appointments by time
 * with the applicant, the service and the state, and the blocked times.
 * Only the calendars the user's services book in, and only the
 * appointments of those services. POST (CSRF-checked by staff_guard)
 * with calendar and day: _action=done, noshow or booked with booking=ID
 * marks an appointment; block with from, to (HH:MM) and reason blocks
 * a time; unblock with block=ID lifts it. All audited; then 303 back
 * to the day (?done=ACTION), or the day again with why not.
 */

#define PAGE_DAY_CALENDARS	32

/* What a POST may do (and the ?done= the day then says). */
static const char *const page_day_actions[] = {
	"done", "noshow", "booked", "block", "unblock",
};

struct page_day {
	struct form	*forms;		/* the catalog */
	size_t		 nforms;
	const char	*ids[PAGE_DAY_CALENDARS];	/* calendars to see */
	size_t		 nids;
	const char	*calendar;	/* the one shown */
	char		 day[11];
	struct store_day_row *rows;
	size_t		 nrows;
	struct store_block_row *blocks;
	size_t		 nblocks;
};

/* The calendars the services this user may see book in, in catalog order. */
static void
page_day_calendars(struct app *a, struct page_day *d)
{
	const struct form_field *slot;
	size_t	 i, k;

	for (i = 0; i < d->nforms && d->nids < PAGE_DAY_CALENDARS; i++) {
		if ((slot = form_slot_field(&d->forms[i])) == NULL ||
		    !staff_may(a, d->forms[i].id))
			continue;
		for (k = 0; k < d->nids && strcmp(d->ids[k], slot->calendar) !=
		    0; k++)
			continue;
		if (k == d->nids)
			d->ids[d->nids++] = slot->calendar;
	}
}

/* The appointment `id` among those shown (and so this user's), or NULL. */
static const struct store_day_row *
page_day_row(const struct page_day *d, const char *id)
{
	long	 n;
	size_t	 i;

	if (id == NULL || text_to_long(id, 1, 1000000000000L, &n) != 0)
		return NULL;
	for (i = 0; i < d->nrows; i++)
		if (d->rows[i].id == n)
			return &d->rows[i];
	return NULL;
}

/* The day's appointments this user may see, and its blocks. */
static int
page_day_load(struct app *a, struct page_day *d)
{
	size_t	 i, k;

	if (app_store(a) != 0 || store_day(a->store, d->calendar, d->day,
	    &d->rows, &d->nrows, &d->blocks, &d->nblocks) != STORE_OK)
		return -1;
	for (i = 0, k = 0; i < d->nrows; i++) {
		if (staff_may(a, d->rows[i].service)) {
			d->rows[k++] = d->rows[i];
			continue;
		}
		free(d->rows[i].answers);
	}
	d->nrows = k;
	return 0;
}

/* HH:MM of the day as YYYY-MM-DDTHH:MM; -1 if it is no time. */
static int
page_day_time(const struct page_day *d, const char *hm, char out[CAL_SLOT_LEN])
{
	struct when_date w;
	int	 m;

	if (hm == NULL || strlen(hm) != 5 || when_parse_time(hm, &m) != 0 ||
	    when_parse_date(d->day, &w) != 0)
		return -1;
	cal_format_slot(&w, m, out);
	return 0;
}

/* Characters (not bytes) of UTF-8 text: what the form's maxlength counts. */
static size_t
page_day_chars(const char *s)
{
	size_t	 n = 0;

	while (*s != '\0') {
		(void)text_utf8_next(&s);
		n++;
	}
	return n;
}

/* Not done, and why (a code of staff.day.problem.*): 0. */
static int
page_day_refuse(const char **problem, const char *code)
{
	*problem = code;
	return 0;
}

/* A POST's action: 0 done (redirect), a problem code to show, or -1. */
static int
page_day_action(struct app *a, struct page_day *d, const char **problem)
{
	const struct req_params *in = &a->req.body;
	const char *action = req_param(in, "_action"), *reason;
	const struct store_day_row *row;
	char	 from[CAL_SLOT_LEN], to[CAL_SLOT_LEN], now[21];
	long	 id;
	size_t	 i;
	int	 rc;

	*problem = NULL;
	if (action == NULL)
		return page_day_refuse(problem, "action");
	if (when_now_iso(now) == -1)
		return -1;
	if (strcmp(action, "done") == 0 || strcmp(action, "noshow") == 0 ||
	    strcmp(action, "booked") == 0) {
		if ((row = page_day_row(d, req_param(in, "booking"))) == NULL)
			return page_day_refuse(problem, "no-booking");
		rc = store_booking_mark(a->store, row->id, row->ref, action,
		    a->staff.user, now);
		if (rc == STORE_CONFLICT)
			return page_day_refuse(problem, "cancelled");
		return rc == STORE_OK ? 0 : -1;
	}
	if (strcmp(action, "block") == 0) {
		reason = req_param(in, "reason");
		if (reason == NULL)
			reason = "";
		if (page_day_time(d, req_param(in, "from"), from) != 0 ||
		    page_day_time(d, req_param(in, "to"), to) != 0 ||
		    strcmp(from, to) >= 0)
			return page_day_refuse(problem, "block-time");
		if (text_has_controls(reason) || page_day_chars(reason) >
		    STORE_BLOCK_REASON_MAX)
			return page_day_refuse(problem, "block-reason");
		return store_block_add(a->store, d->calendar, from, to, reason,
		    a->staff.user, now) == STORE_OK ? 0 : -1;
	}
	if (strcmp(action, "unblock") == 0) {
		if (text_to_long(req_param(in, "block") ? req_param(in,
		    "block") : "", 1, 1000000000000L, &id) != 0)
			return page_day_refuse(problem, "no-block");
		for (i = 0; i < d->nblocks && d->blocks[i].id != id; i++)
			continue;
		if (i == d->nblocks)
			return page_day_refuse(problem, "no-block");
		rc = store_block_remove(a->store, id, d->calendar,
		    a->staff.user, now);
		if (rc == STORE_NOTFOUND)
			return page_day_refuse(problem, "no-block");
		return rc == STORE_OK ? 0 : -1;
	}
	return page_day_refuse(problem, "action");
}

/* The page: <calendars>, <services>, <day> with its rows and blocks. */
static int
page_day_doc(struct app *a, struct page_day *d, const char *problem)
{
	const struct form_field *slot;
	struct form_diag diag;
	struct when_date w;
	struct cal c;
	xmlNodePtr list, node, row, n, copy;
	char	 prev[11], next[11], wd[12], id[24];
	const char *done = req_param(&a->req.query, "done");
	size_t	 i;
	int	 rc;

	if (app_begin(a, "staff-day") != 0 || staff_node(a, a->root) == NULL ||
	    (list = app_child(a->root, "calendars", NULL)) == NULL)
		return -1;
	for (i = 0; i < d->nids; i++) {
		if ((node = app_elem(list, "calendar", NULL, "id", d->ids[i],
		    "selected", strcmp(d->ids[i], d->calendar) == 0 ? "1" :
		    NULL, NULL)) == NULL)
			return -1;
		form_diag_init(&diag);
		rc = cal_load_id(a->share->site, a->share->dir, d->ids[i], &c,
		    &diag);
		form_diag_free(&diag);
		if (rc == 0) {
			rc = page_slot_calendar_texts(a, &c, node);
			cal_free(&c);
			if (rc != 0)
				return -1;
		}
	}
	if ((list = app_child(a->root, "services", NULL)) == NULL)
		return -1;
	for (i = 0; d->calendar != NULL && i < d->nforms; i++) {
		if ((slot = form_slot_field(&d->forms[i])) == NULL ||
		    strcmp(slot->calendar, d->calendar) != 0)
			continue;
		if ((node = app_elem(list, "service", NULL, "id",
		    d->forms[i].id, NULL)) == NULL)
			return -1;
		for (n = xmlDocGetRootElement(d->forms[i].doc)->children;
		    n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE &&
			    xmlStrcmp(n->name, (const xmlChar *)"title") == 0 &&
			    ((copy = xmlDocCopyNode(n, a->doc, 1)) == NULL ||
			    xmlAddChild(node, copy) == NULL)) {
				xmlFreeNode(copy);
				return -1;
			}
	}
	if (when_parse_date(d->day, &w) != 0)
		return -1;
	snprintf(wd, sizeof(wd), "%d", cal_weekday(&w) + 1);
	when_from_days(when_days(&w) - 1, &w);
	when_format(&w, prev);
	when_from_days(when_days(&w) + 2, &w);
	when_format(&w, next);
	for (i = 0; i < sizeof(page_day_actions) / sizeof(page_day_actions[0]);
	    i++)
		if (done != NULL && strcmp(done, page_day_actions[i]) == 0)
			break;
	if ((node = app_elem(a->root, "day", NULL, "calendar", d->calendar,
	    "date", d->day, "weekday", wd, "prev", prev, "next", next,
	    "done", i < sizeof(page_day_actions) / sizeof(page_day_actions[0]) ?
	    done : NULL, NULL)) == NULL ||
	    (problem != NULL && app_elem(a->root, "problem", NULL, "code",
	    problem, NULL) == NULL))
		return -1;
	for (i = 0; i < d->nrows; i++) {
		snprintf(id, sizeof(id), "%ld", d->rows[i].id);
		if ((row = app_elem(node, "appointment", NULL, "id", id, "ref",
		    d->rows[i].ref, "service", d->rows[i].service, "state",
		    d->rows[i].state, "start", d->rows[i].start, "end",
		    d->rows[i].end, NULL)) == NULL ||
		    (n = app_child(row, "answers", NULL)) == NULL)
			return -1;
		/* The name column; broken answers show none. */
		(void)app_answers(n, d->rows[i].answers);
	}
	for (i = 0; i < d->nblocks; i++) {
		snprintf(id, sizeof(id), "%ld", d->blocks[i].id);
		if (app_elem(node, "block", d->blocks[i].reason, "id", id,
		    "start", d->blocks[i].start, "end", d->blocks[i].end,
		    "clerk", d->blocks[i].clerk, NULL) == NULL)
			return -1;
	}
	return 0;
}

int
page_staff_day(struct app *a)
{
	const struct req_params *p = a->req.method == REQ_POST ?
	    &a->req.body : &a->req.query;
	const char *cal = req_param(p, "calendar"), *day = req_param(p, "day");
	const char *problem = NULL;
	struct when_date w;
	struct page_day d;
	struct buf loc;
	size_t	 i;
	int	 rc = -1;

	memset(&d, 0, sizeof(d));
	a->private_page = 1;
	if (form_catalog(a->share, &d.forms, &d.nforms, NULL) != 0)
		return -1;
	page_day_calendars(a, &d);
	for (i = 0; cal != NULL && i < d.nids; i++)
		if (strcmp(d.ids[i], cal) == 0)
			d.calendar = d.ids[i];
	if (d.calendar == NULL && d.nids > 0)
		d.calendar = d.ids[0];
	if (day != NULL && strlen(day) == 10 && when_parse_date(day, &w) == 0)
		when_format(&w, d.day);
	else
		when_format(&a->today, d.day);
	if (d.calendar == NULL) {
		/* No service of this user books appointments. */
		if (a->req.method == REQ_POST)
			a->status = 422;
		rc = page_day_doc(a, &d, NULL);
		goto out;
	}
	if (page_day_load(a, &d) != 0)
		goto out;
	if (a->req.method == REQ_POST) {
		/* Never another calendar or day than the form's. */
		if (cal == NULL || strcmp(cal, d.calendar) != 0)
			(void)page_day_refuse(&problem, "calendar");
		else if (day == NULL || strcmp(day, d.day) != 0)
			(void)page_day_refuse(&problem, "day");
		else if (page_day_action(a, &d, &problem) != 0)
			goto out;
		if (problem == NULL) {
			buf_init(&loc, 1024);
			if (staff_link(a, &loc, "/appointments") != 0 ||
			    buf_printf(&loc, "?calendar=%s&day=%s&done=%s",
			    d.calendar, d.day, req_param(p, "_action")) != 0) {
				buf_free(&loc);
				goto out;
			}
			rc = app_redirect(a, &loc);
			goto out;
		}
		a->status = 422;
	}
	rc = page_day_doc(a, &d, problem);
out:
	store_day_free(d.rows, d.nrows, d.blocks);
	form_catalog_free(d.forms, d.nforms);
	return rc;
}
