#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "page_slot.h"

/* The answer of the slot question if asked and given, or NULL. */
static const char *
page_slot_given(const struct page_slot *ps, const struct valid_result *res)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++)
		if (res->values[i].field == ps->field)
			return res->values[i].asked &&
			    res->values[i].value[0] != '\0' ?
			    res->values[i].value : NULL;
	return NULL;
}

/* The same when no check found fault with it, or NULL. */
static const char *
page_slot_answer(const struct page_slot *ps, const struct valid_result *res)
{
	size_t	 i;

	for (i = 0; i < res->nerrors; i++)
		if (strcmp(res->errors[i].field, ps->field->name) == 0)
			return NULL;
	return page_slot_given(ps, res);
}

int
page_slot_open(struct app *a, const struct form *f, struct page_slot *ps)
{
	struct form_diag diag;
	struct tm tm;
	time_t	 now = time(NULL);
	int	 rc;

	memset(ps, 0, sizeof(*ps));
	if ((ps->field = form_slot_field(f)) == NULL)
		return 0;
	form_diag_init(&diag);
	rc = cal_load_id(a->share->site, a->share->dir, ps->field->calendar,
	    &ps->cal, &diag);
	if (rc != 0)
		fprintf(stderr, "rathaus: calendar '%s' of '%s': %s",
		    ps->field->calendar, f->id, buf_str(&diag.text));
	form_diag_free(&diag);
	if (rc != 0) {
		ps->field = NULL;
		return -1;
	}
	ps->minutes = cal_minutes(&ps->cal, f->id);
	ps->today = a->today;
	ps->now_minute = localtime_r(&now, &tm) != NULL ?
	    tm.tm_hour * 60 + tm.tm_min : 24 * 60;
	return 0;
}

void
page_slot_close(struct page_slot *ps)
{
	if (ps->field != NULL)
		cal_free(&ps->cal);
	memset(ps, 0, sizeof(*ps));
}

/* What is taken on day d but by the key's submissions: 0, or -1 (the
 * store's fault, on a->store). */
static int
page_slot_taken(struct app *a, const struct page_slot *ps,
    const struct when_date *d, const char *key, struct cal_taken **taken,
    size_t *n)
{
	char	 day[11];

	when_format(d, day);
	if (app_store(a) != 0)
		return -1;
	return store_day_taken(a->store, ps->cal.id, day, key, ps->except_ref,
	    taken, n) == STORE_OK ? 0 : -1;
}

/*
 * A chosen time must still be free: "slot_taken" when it is a time the
 * calendar offers but its places are gone (1), "slot" when it is none
 * (off the grid, a closed day, past the horizon); 0, or -1 on error.
 * What the citizen's key booked before is not in the way: sent twice,
 * the form comes to store_submit, which returns the first receipt.
 */
int
page_slot_check(struct app *a, struct page_slot *ps, const char *key,
    struct valid_result *res)
{
	struct cal_taken *taken = NULL;
	struct when_date d;
	const char *v;
	size_t	 n = 0;
	int	 minute, rc = 0;

	if (ps->field == NULL || (v = page_slot_answer(ps, res)) == NULL)
		return 0;
	if (cal_parse_slot(v, &d, &minute) != 0 ||
	    !cal_slot_free(&ps->cal, v, ps->minutes, &ps->today,
	    ps->now_minute, NULL, 0))
		return valid_set_error(res, ps->field->name, "slot", NULL);
	if (page_slot_taken(a, ps, &d, key, &taken, &n) != 0)
		return -1;
	if (!cal_slot_free(&ps->cal, v, ps->minutes, &ps->today,
	    ps->now_minute, taken, n))
		rc = valid_set_error(res, ps->field->name, "slot_taken",
		    NULL) == 0 ? 1 : -1;
	free(taken);
	return rc;
}

/* The free places of day d: slots written to `out`, their number. */
static int
page_slot_day(struct app *a, const struct page_slot *ps,
    const struct when_date *d, struct cal_slot *out, size_t *n)
{
	struct cal_taken *taken = NULL;
	size_t	 ntaken = 0;

	*n = 0;
	if (!cal_bookable_day(&ps->cal, d, &ps->today))
		return 0;
	if (page_slot_taken(a, ps, d, NULL, &taken, &ntaken) != 0)
		return -1;
	*n = cal_day_slots(&ps->cal, d, ps->minutes, taken, ntaken,
	    when_cmp(d, &ps->today) == 0 ? ps->now_minute + 1 : -1, out,
	    CAL_DAY_SLOTS_MAX);
	free(taken);
	return 0;
}

/* The Monday of the week of d, in when_days. */
static long
page_slot_monday(const struct when_date *d)
{
	return when_days(d) - cal_weekday(d);
}

/*
 * The week to show: `week` (a date in it, from the page's buttons), else
 * the chosen time's, else the first with a free place; never before the
 * first bookable day's week nor after the horizon's.
 */
static int
page_slot_week(struct app *a, const struct page_slot *ps, const char *v,
    const char *week, long *monday)
{
	struct cal_slot slots[CAL_DAY_SLOTS_MAX];
	struct when_date d;
	long	 first = when_days(&ps->today) + ps->cal.earliest;
	long	 last = when_days(&ps->today) + ps->cal.horizon, day;
	size_t	 n, i;
	int	 minute;

	when_from_days(first, &d);
	*monday = page_slot_monday(&d);
	if (week != NULL && when_parse_date(week, &d) == 0)
		day = when_days(&d);
	else if (v != NULL && cal_parse_slot(v, &d, &minute) == 0)
		day = when_days(&d);
	else {
		for (day = first; day <= last; day++) {
			when_from_days(day, &d);
			if (page_slot_day(a, ps, &d, slots, &n) != 0)
				return -1;
			for (i = 0; i < n && slots[i].free == 0; i++)
				continue;
			if (i < n)
				break;
		}
		if (day > last)
			day = first;
	}
	if (day < first)
		day = first;
	if (day > last)
		day = last;
	when_from_days(day, &d);
	*monday = page_slot_monday(&d);
	return 0;
}

/* The calendar's <title>s and <location>s, copied under `node`. */
int
page_slot_calendar_texts(struct app *a, const struct cal *c,
    xmlNodePtr node)
{
	xmlNodePtr n, copy;

	for (n = xmlDocGetRootElement(c->doc)->children; n != NULL;
	    n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    (xmlStrcmp(n->name, (const xmlChar *)"title") == 0 ||
		    xmlStrcmp(n->name, (const xmlChar *)"location") == 0)) {
			if ((copy = xmlDocCopyNode(n, a->doc, 1)) == NULL ||
			    xmlAddChild(node, copy) == NULL) {
				xmlFreeNode(copy);
				return -1;
			}
		}
	return 0;
}

/*
 * <booking calendar start end state> under the page's root for the
 * appointment of submission `ref`, with its calendar's titles and
 * locations (none when the calendar is gone since): 1, 0 when it has no
 * appointment, -1 on error.
 */
int
page_slot_booked(struct app *a, const char *ref, struct store_booking_row *b)
{
	struct form_diag diag;
	struct cal c;
	xmlNodePtr node;
	char	 now[CAL_SLOT_LEN], id[24];
	int	 rc;

	if ((rc = store_booking_of(a->store, ref, b)) == STORE_NOTFOUND)
		return 0;
	snprintf(id, sizeof(id), "%ld", b->id);
	if (rc != STORE_OK || (node = app_elem(a->root, "booking", NULL,
	    "id", id, "calendar", b->calendar, "start", b->start, "end",
	    b->end, "state", b->state, NULL)) == NULL)
		return -1;
	/* Begun (or over): no longer to cancel or move. */
	cal_now(now);
	if (strcmp(now, b->start) >= 0 && xmlNewProp(node,
	    (const xmlChar *)"started", (const xmlChar *)"1") == NULL)
		return -1;
	form_diag_init(&diag);
	rc = cal_load_id(a->share->site, a->share->dir, b->calendar, &c,
	    &diag);
	form_diag_free(&diag);
	if (rc != 0)
		return 1;
	rc = page_slot_calendar_texts(a, &c, node);
	cal_free(&c);
	return rc == 0 ? 1 : -1;
}

/* Whether the calendar has hours on weekday wd (0 Monday) at all. */
static int
page_slot_weekday_open(const struct cal *c, int wd)
{
	size_t	 i;

	for (i = 0; i < c->nhours; i++)
		if (c->hours[i].days & (1u << wd))
			return 1;
	return 0;
}

/*
 * <slots field calendar minutes week prev next> with the calendar's
 * titles and locations and a <day date weekday state> per weekday the
 * calendar opens on: state "open" with a <slot value time free> per free
 * start, "full", or "closed" (holiday="1" for a public holiday).
 */
int
page_slot_offer(struct app *a, struct page_slot *ps,
    const struct valid_result *res, const char *week)
{
	/* A time taken meanwhile: its week, where the next free ones are. */
	return page_slot_offer_at(a, ps, res != NULL ? page_slot_given(ps,
	    res) : NULL, week);
}

/* The same with the chosen time (YYYY-MM-DDTHH:MM) given, or NULL. */
int
page_slot_offer_at(struct app *a, struct page_slot *ps, const char *chosen,
    const char *week)
{
	struct cal_slot slots[CAL_DAY_SLOTS_MAX];
	struct when_date d;
	char	 date[11], prev[11], next[11], mins[16], wd[4], value[CAL_SLOT_LEN];
	char	 free_s[16];
	xmlNodePtr node, day;
	long	 monday, k;
	size_t	 n, i, open;
	int	 has_prev = 0;

	if (ps->field == NULL)
		return 0;
	if (page_slot_week(a, ps, chosen, week, &monday) != 0)
		return -1;
	when_from_days(monday - 7, &d);
	when_format(&d, prev);
	when_from_days(monday + 7, &d);
	when_format(&d, next);
	when_from_days(monday, &d);
	when_format(&d, date);
	snprintf(mins, sizeof(mins), "%d", ps->minutes);
	if ((node = app_elem(a->root, "slots", NULL, "field", ps->field->name,
	    "calendar", ps->cal.id, "minutes", mins, "week", date, NULL)) ==
	    NULL)
		return -1;
	/* Another week asked for: the page puts the focus on it. */
	if (week != NULL && xmlNewProp(node, (const xmlChar *)"paged",
	    (const xmlChar *)"1") == NULL)
		return -1;
	/* Paging: back while the week before has a bookable day (from the
	 * first one on, on a weekday the calendar opens: on a Friday the
	 * first week shown is the next, and its weekend is no reason to go
	 * back), on up to the horizon. */
	for (k = 0; k < 7 && !has_prev; k++)
		has_prev = monday - 7 + k >= when_days(&ps->today) +
		    ps->cal.earliest && page_slot_weekday_open(&ps->cal, (int)k);
	if ((has_prev &&
	    xmlNewProp(node, (const xmlChar *)"prev",
	    (const xmlChar *)prev) == NULL) ||
	    (monday + 7 <= when_days(&ps->today) + ps->cal.horizon &&
	    xmlNewProp(node, (const xmlChar *)"next",
	    (const xmlChar *)next) == NULL))
		return -1;
	if (page_slot_calendar_texts(a, &ps->cal, node) != 0)
		return -1;
	for (k = 0; k < 7; k++) {
		/* Days before the first bookable one are not offered at all;
		 * nor weekdays the calendar never opens on. */
		if (monday + k < when_days(&ps->today) + ps->cal.earliest ||
		    !page_slot_weekday_open(&ps->cal, (int)k))
			continue;
		when_from_days(monday + k, &d);
		when_format(&d, date);
		snprintf(wd, sizeof(wd), "%ld", k + 1);
		if (page_slot_day(a, ps, &d, slots, &n) != 0)
			return -1;
		for (i = 0, open = 0; i < n; i++)
			open += slots[i].free > 0;
		if ((day = app_elem(node, "day", NULL, "date", date, "weekday",
		    wd, "state", !cal_bookable_day(&ps->cal, &d, &ps->today) ?
		    "closed" : open > 0 ? "open" : "full", NULL)) == NULL)
			return -1;
		if (ps->cal.holidays && cal_holiday(&d) &&
		    xmlNewProp(day, (const xmlChar *)"holiday",
		    (const xmlChar *)"1") == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if (slots[i].free == 0)
				continue;
			cal_format_slot(&d, slots[i].start, value);
			snprintf(free_s, sizeof(free_s), "%d", slots[i].free);
			if (app_elem(day, "slot", NULL, "value", value, "time",
			    value + 11, "free", free_s, NULL) == NULL)
				return -1;
		}
	}
	return 0;
}

/* In the submission's transaction: is the place still free? */
static int
page_slot_still_free(void *arg, const struct cal_taken *taken, size_t n)
{
	const struct page_slot *ps = arg;

	return cal_slot_free(&ps->cal, ps->start, ps->minutes, &ps->today,
	    ps->now_minute, taken, n);
}

/* The booking of the chosen time for store_submit, or NULL for none. */
const struct store_booking *
page_slot_booking(struct page_slot *ps, const struct valid_result *res)
{
	const char *v;

	if (ps->field == NULL || (v = page_slot_answer(ps, res)) == NULL)
		return NULL;
	return page_slot_book(ps, v);
}

/* The booking of time `v` (YYYY-MM-DDTHH:MM), or NULL if it is none. */
const struct store_booking *
page_slot_book(struct page_slot *ps, const char *v)
{
	struct when_date d;
	int	 minute;

	if (ps->field == NULL || v == NULL || cal_parse_slot(v, &d, &minute) !=
	    0)
		return NULL;
	cal_format_slot(&d, minute, ps->start);
	cal_format_slot(&d, minute + ps->minutes, ps->end);
	cal_format_slot(&d, minute + cal_held(&ps->cal, ps->minutes),
	    ps->held_end);
	ps->booking.calendar = ps->cal.id;
	ps->booking.field = ps->field->name;
	ps->booking.start = ps->start;
	ps->booking.end = ps->end;
	ps->booking.held_end = ps->held_end;
	ps->booking.free = page_slot_still_free;
	ps->booking.arg = ps;
	return &ps->booking;
}
