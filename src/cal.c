#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "buf.h"
#include "cal.h"
#include "form.h"
#include "text.h"
#include "when.h"
#include "xmlsafe.h"

/* As every file of the site: no network, no entities, no DOCTYPE. */
#define CAL_PARSE	(XML_PARSE_NONET | XML_PARSE_NOCDATA | \
			 XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#define CAL_ID_MAX	64
#define CAL_DAY		(24 * 60)
#define CAL_EARLIEST	1	/* tomorrow: the office can prepare */
#define CAL_HORIZON	56	/* eight weeks */

static const char *const cal_day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

static size_t
cal_count(xmlNodePtr root, const char *name)
{
	xmlNodePtr n;
	size_t	 k = 0;

	for (n = root->children; n != NULL; n = n->next)
		k += form_is(n, name);
	return k;
}

/* The xml:lang of an element itself, or NULL. */
static const char *
cal_lang(xmlNodePtr n)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL && xmlStrEqual(a->ns->href, XML_XML_NAMESPACE) &&
		    xmlStrEqual(a->name, (const xmlChar *)"lang") &&
		    a->children != NULL && a->children->content != NULL)
			return (const char *)a->children->content;
	return NULL;
}

int
cal_id_valid(const char *id)
{
	size_t	 n = strlen(id);

	return n > 0 && n <= CAL_ID_MAX &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* A number attribute in min..max, or `dflt` when absent; -1 said. */
static int
cal_number(const char *path, xmlNodePtr n, const char *name, long min,
    long max, int dflt, int *out, struct form_diag *diag)
{
	const char *v = form_attr(n, name);
	long	 x;

	*out = dflt;
	if (v == NULL)
		return 0;
	if (text_to_long(v, min, max, &x) == -1) {
		form_diag_add(diag, path, xmlGetLineNo(n), "%s \"%s\": a whole"
		    " number from %ld to %ld", name, v, min, max);
		return -1;
	}
	*out = (int)x;
	return 0;
}

/* "HH:MM", and for the end of a range also "24:00", the day's end. */
static int
cal_time(const char *s, int *minutes)
{
	if (s != NULL && strcmp(s, "24:00") == 0) {
		*minutes = CAL_DAY;
		return 0;
	}
	return s == NULL ? -1 : when_parse_time(s, minutes);
}

/* days="mon tue ..." as bits, Monday bit 0; 0 if a word is no weekday. */
static unsigned
cal_days(const char *s)
{
	unsigned bits = 0;
	size_t	 n, k;

	if (s == NULL)
		return 0;
	for (;;) {
		s += strspn(s, " \t\r\n");
		if (*s == '\0')
			break;
		n = strcspn(s, " \t\r\n");
		for (k = 0; k < 7; k++)
			if (n == 3 && strncmp(s, cal_day_names[k], 3) == 0)
				break;
		if (k == 7)
			return 0;
		bits |= 1u << k;
		s += n;
	}
	return bits;
}

/* The first weekday two day sets share, for a message. */
static const char *
cal_common_day(unsigned a, unsigned b)
{
	unsigned k;

	for (k = 0; k < 7; k++)
		if (a & b & (1u << k))
			return cal_day_names[k];
	return "?";
}

/* One <hours> or <break>: days, from < to. */
static int
cal_range(const char *path, xmlNodePtr n, int places, struct cal_range *r,
    struct form_diag *diag)
{
	const char *from = form_attr(n, "from"), *to = form_attr(n, "to");

	r->places = places;
	if ((r->days = cal_days(form_attr(n, "days"))) == 0) {
		form_diag_add(diag, path, xmlGetLineNo(n), "days \"%s\":"
		    " weekdays are mon tue wed thu fri sat sun",
		    form_attr(n, "days") ? form_attr(n, "days") : "");
		return -1;
	}
	if (cal_time(from, &r->from) == -1 || r->from == CAL_DAY ||
	    cal_time(to, &r->to) == -1) {
		form_diag_add(diag, path, xmlGetLineNo(n), "from \"%s\" to"
		    " \"%s\": times are HH:MM, 00:00 to 23:59 (to also 24:00)",
		    from ? from : "", to ? to : "");
		return -1;
	}
	if (r->from >= r->to) {
		form_diag_add(diag, path, xmlGetLineNo(n), "%s %s-%s: from"
		    " must come before to", (const char *)n->name, from, to);
		return -1;
	}
	return 0;
}

static int
cal_range_cmp(const void *a, const void *b)
{
	const struct cal_range *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

static void
cal_hhmm(int minutes, char out[6])
{
	snprintf(out, 6, "%02u:%02u", (unsigned)(minutes / 60) % 25u,
	    (unsigned)(minutes % 60) % 60u);
}

/*
 * A break's ends must fall on the cells of the opening ranges they cut,
 * or a booking could end in the middle of a cell: the cells are counted
 * from each range's from.
 */
static void
cal_check_break(const char *path, xmlNodePtr n, const struct cal *c,
    const struct cal_range *b, struct form_diag *diag)
{
	const struct cal_range *r;
	char	 t[6], rf[6], rt[6];
	size_t	 i;
	int	 cuts = 0, ends[2], k;

	ends[0] = b->from;
	ends[1] = b->to;
	for (i = 0; i < c->nhours; i++) {
		r = &c->hours[i];
		if ((r->days & b->days) == 0 || b->from >= r->to ||
		    b->to <= r->from)
			continue;
		cuts = 1;
		for (k = 0; k < 2; k++) {
			if (ends[k] <= r->from || ends[k] >= r->to ||
			    (ends[k] - r->from) % c->grid == 0)
				continue;
			cal_hhmm(ends[k], t);
			cal_hhmm(r->from, rf);
			cal_hhmm(r->to, rt);
			form_diag_add(diag, path, xmlGetLineNo(n), "break"
			    " %s is not on the %d-minute grid of the hours"
			    " %s-%s (%s)", t, c->grid, rf, rt,
			    cal_common_day(r->days, b->days));
			return;
		}
	}
	if (!cuts)
		form_diag_warn(diag, path, xmlGetLineNo(n), "the break lies"
		    " outside the opening hours: it changes nothing");
}

/* Ranges of one weekday that overlap: which slot would count? */
static void
cal_check_overlap(const char *path, xmlNodePtr *nodes, const struct cal *c,
    struct form_diag *diag)
{
	const struct cal_range *a, *b;
	char	 af[6], at[6], bf[6], bt[6];
	size_t	 i, j;

	for (j = 1; j < c->nhours; j++)
		for (i = 0; i < j; i++) {
			a = &c->hours[i];
			b = &c->hours[j];
			if ((a->days & b->days) == 0 || a->from >= b->to ||
			    b->from >= a->to)
				continue;
			cal_hhmm(a->from, af);
			cal_hhmm(a->to, at);
			cal_hhmm(b->from, bf);
			cal_hhmm(b->to, bt);
			form_diag_add(diag, path, xmlGetLineNo(nodes[j]),
			    "hours %s-%s overlap the hours %s-%s of line %ld"
			    " on %s", bf, bt, af, at, xmlGetLineNo(nodes[i]),
			    cal_common_day(a->days, b->days));
		}
}

/* A German text is required, each language once. */
static void
cal_check_texts(const char *path, xmlNodePtr root, const char *name,
    struct form_diag *diag)
{
	xmlNodePtr n, m;
	const char *lang, *other;
	int	 german = 0;

	for (n = root->children; n != NULL; n = n->next) {
		if (!form_is(n, name) || (lang = cal_lang(n)) == NULL)
			continue;
		german |= strcmp(lang, "de") == 0;
		for (m = root->children; m != n; m = m->next)
			if (form_is(m, name) && (other = cal_lang(m)) != NULL &&
			    strcmp(other, lang) == 0) {
				form_diag_add(diag, path, xmlGetLineNo(n),
				    "a second %s in %s", name, lang);
				break;
			}
	}
	if (!german)
		form_diag_add(diag, path, xmlGetLineNo(root), "no %s in German"
		    " (xml:lang=\"de\"): German is required", name);
}

/* Everything the schema cannot say; the schema has passed. */
static int
cal_read(const char *path, struct cal *c, struct form_diag *diag)
{
	xmlNodePtr root = xmlDocGetRootElement(c->doc), n, *nodes = NULL;
	const char *base, *v, *from, *to;
	struct when_date a, b;
	size_t	 k, j, len, longest;
	int	 before = diag->errors, places, minutes;
	long	 x;

	c->id = form_attr(root, "id");
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	len = strlen(base);
	if (c->id == NULL || len < 4 || strcmp(base + len - 4, ".xml") != 0 ||
	    strlen(c->id) != len - 4 || strncmp(base, c->id, len - 4) != 0)
		form_diag_add(diag, path, xmlGetLineNo(root), "id \"%s\" must"
		    " be the file's name without .xml", c->id ? c->id : "");
	/* Slots start on the grid and an hour holds whole cells. */
	if (form_attr(root, "grid") == NULL ||
	    text_to_long(form_attr(root, "grid"), 5, 60, &x) == -1 ||
	    60 % x != 0 || x % 5 != 0) {
		form_diag_add(diag, path, xmlGetLineNo(root), "grid \"%s\":"
		    " one of 5 10 15 20 30 60 (minutes)",
		    form_attr(root, "grid") ? form_attr(root, "grid") : "");
		return -1;
	}
	c->grid = (int)x;
	(void)cal_number(path, root, "places", 1, 100, 1, &c->places, diag);
	(void)cal_number(path, root, "earliest", 0, 730, CAL_EARLIEST,
	    &c->earliest, diag);
	(void)cal_number(path, root, "horizon", 0, 730, CAL_HORIZON,
	    &c->horizon, diag);
	if (c->earliest > c->horizon)
		form_diag_add(diag, path, xmlGetLineNo(root), "earliest %d"
		    " lies after horizon %d: no day can be booked",
		    c->earliest, c->horizon);
	v = form_attr(root, "holidays");
	c->holidays = v != NULL && strcmp(v, "NI") == 0;
	cal_check_texts(path, root, "title", diag);
	cal_check_texts(path, root, "location", diag);

	if ((c->nhours = cal_count(root, "hours")) == 0)
		form_diag_add(diag, path, xmlGetLineNo(root), "no opening"
		    " hours: nothing can be booked");
	c->nbreaks = cal_count(root, "break");
	c->nlengths = cal_count(root, "service");
	c->nclosed = cal_count(root, "closed");
	if ((c->nhours > 0 && ((c->hours = calloc(c->nhours,
	    sizeof(*c->hours))) == NULL || (nodes = calloc(c->nhours,
	    sizeof(*nodes))) == NULL)) ||
	    (c->nbreaks > 0 && (c->breaks = calloc(c->nbreaks,
	    sizeof(*c->breaks))) == NULL) ||
	    (c->nlengths > 0 && (c->lengths = calloc(c->nlengths,
	    sizeof(*c->lengths))) == NULL) ||
	    (c->nclosed > 0 && (c->closed = calloc(c->nclosed,
	    sizeof(*c->closed))) == NULL)) {
		free(nodes);
		form_diag_add(diag, path, 0, "out of memory");
		return -1;
	}

	/* Opening hours first: the breaks are checked against them. */
	k = 0;
	longest = 0;
	for (n = root->children; n != NULL; n = n->next) {
		if (!form_is(n, "hours"))
			continue;
		(void)cal_number(path, n, "places", 1, 100, c->places, &places,
		    diag);
		nodes[k] = n;
		if (cal_range(path, n, places, &c->hours[k], diag) == 0) {
			if ((c->hours[k].to - c->hours[k].from) % c->grid != 0)
				form_diag_add(diag, path, xmlGetLineNo(n),
				    "hours %s-%s: not whole %d-minute cells",
				    form_attr(n, "from"), form_attr(n, "to"),
				    c->grid);
			if ((size_t)(c->hours[k].to - c->hours[k].from) >
			    longest)
				longest = (size_t)(c->hours[k].to -
				    c->hours[k].from);
		}
		k++;
	}
	cal_check_overlap(path, nodes, c, diag);
	free(nodes);

	k = 0;
	for (n = root->children; n != NULL; n = n->next) {
		if (!form_is(n, "break"))
			continue;
		if (cal_range(path, n, 0, &c->breaks[k], diag) == 0)
			cal_check_break(path, n, c, &c->breaks[k], diag);
		k++;
	}

	k = 0;
	for (n = root->children; n != NULL; n = n->next) {
		if (!form_is(n, "service"))
			continue;
		c->lengths[k].service = form_attr(n, "id");
		if (c->lengths[k].service == NULL ||
		    cal_number(path, n, "minutes", 1, 480, 0, &minutes,
		    diag) == -1 || minutes == 0) {
			/* The schema requires both: only a bad number. */
			k++;
			continue;
		}
		c->lengths[k].minutes = minutes;
		for (j = 0; j < k; j++)
			if (c->lengths[j].service != NULL &&
			    strcmp(c->lengths[j].service,
			    c->lengths[k].service) == 0) {
				form_diag_add(diag, path, xmlGetLineNo(n),
				    "service %s is listed twice",
				    c->lengths[k].service);
				break;
			}
		if ((size_t)cal_held(c, minutes) > longest && longest > 0)
			form_diag_warn(diag, path, xmlGetLineNo(n), "service"
			    " %s holds %d minutes, longer than any opening"
			    " range: it can never be booked",
			    c->lengths[k].service, cal_held(c, minutes));
		k++;
	}

	k = 0;
	for (n = root->children; n != NULL; n = n->next) {
		if (!form_is(n, "closed"))
			continue;
		if ((v = form_attr(n, "date")) != NULL)
			from = to = v;
		else {
			from = form_attr(n, "from");
			to = form_attr(n, "to");
		}
		if (from == NULL || to == NULL ||
		    when_parse_date(from, &a) == -1 ||
		    when_parse_date(to, &b) == -1) {
			form_diag_add(diag, path, xmlGetLineNo(n), "closed"
			    " \"%s\": dates are YYYY-MM-DD, a real day",
			    from != NULL && when_parse_date(from, &a) == -1 ?
			    from : to ? to : "");
		} else if (when_cmp(&a, &b) > 0) {
			form_diag_add(diag, path, xmlGetLineNo(n), "closed"
			    " from %s to %s: from lies after to", from, to);
		} else {
			c->closed[k].from = when_days(&a);
			c->closed[k].to = when_days(&b);
		}
		k++;
	}
	/* Broken <closed> entries stay empty (from 0 to 0, 1970-01-01):
	 * they never matter, as the calendar is refused. */

	if (c->nhours > 1)
		qsort(c->hours, c->nhours, sizeof(*c->hours), cal_range_cmp);
	return diag->errors > before ? -1 : 0;
}

void
cal_free(struct cal *c)
{
	if (c == NULL)
		return;
	if (c->doc != NULL)
		xmlFreeDoc(c->doc);
	free(c->hours);
	free(c->breaks);
	free(c->closed);
	free(c->lengths);
	memset(c, 0, sizeof(*c));
}

/* cal_load with a diag that is there: the checks count its errors. */
static int
cal_load_diag(const char *path, const char *rng, struct cal *c,
    struct form_diag *diag)
{
	struct form_xml_errors e = { diag, path, "not well-formed: " };
	struct xmlsafe_err err;
	int	 before = diag->errors;

	xmlSetStructuredErrorFunc(&e, form_xml_error);
	c->doc = xmlsafe_read(path, NULL, 0, "UTF-8", CAL_PARSE, &err);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (c->doc == NULL) {
		if (err.doctype != 0)
			form_diag_add(diag, path, err.doctype, "a <!DOCTYPE>"
			    " is not allowed: no DTD, no entities");
		else if (diag->errors == before)
			form_diag_add(diag, path, 0, "cannot read file");
		return -1;
	}
	if (xmlDocGetRootElement(c->doc) == NULL ||
	    form_validate_doc(path, rng, c->doc, diag) != 0 ||
	    cal_read(path, c, diag) != 0) {
		cal_free(c);
		return -1;
	}
	return 0;
}

int
cal_load(const char *path, const char *rng, struct cal *c,
    struct form_diag *diag)
{
	struct form_diag none;
	int	 rc;

	memset(c, 0, sizeof(*c));
	if (diag != NULL)
		return cal_load_diag(path, rng, c, diag);
	/* No one to tell: the problems still refuse the calendar. */
	form_diag_init(&none);
	rc = cal_load_diag(path, rng, c, &none);
	form_diag_free(&none);
	return rc;
}

int
cal_load_id(const char *site_dir, const char *share_dir, const char *id,
    struct cal *c, struct form_diag *diag)
{
	struct buf path, rng;
	int	 rc = -1;

	memset(c, 0, sizeof(*c));
	/* Checked before it becomes part of a path: no "../". */
	if (id == NULL || !cal_id_valid(id)) {
		form_diag_add(diag, "calendars", 0, "\"%.64s\" is no calendar"
		    " id: letters, digits and -, at most 64", id ? id : "");
		return -1;
	}
	buf_init(&path, 4096);
	buf_init(&rng, 4096);
	if (buf_printf(&path, "%s/calendars/%s.xml", site_dir, id) == -1 ||
	    buf_printf(&rng, "%s/data/calendar.rng", share_dir) == -1)
		form_diag_add(diag, id, 0, "path too long");
	else if (access(buf_str(&path), F_OK) != 0)
		form_diag_add(diag, buf_str(&path), 0, "no such calendar");
	else
		rc = cal_load(buf_str(&path), buf_str(&rng), c, diag);
	buf_free(&path);
	buf_free(&rng);
	return rc;
}

/* 0 Monday .. 6 Sunday; 1970-01-01 was a Thursday. */
int
cal_weekday(const struct when_date *d)
{
	long	 z = when_days(d);

	return (int)(((z % 7) + 7 + 3) % 7);
}

/*
 * Lower Saxony's public holidays (Niedersächsisches Feiertagsgesetz):
 * the Easter-based ones move with when_easter. Reformationstag is one
 * since 2018 (and was, nationwide, in 2017).
 */
int
cal_holiday(const struct when_date *d)
{
	static const long easter_offsets[] = { -2, 1, 39, 50 };
	struct when_date e;
	long	 off;
	size_t	 k;

	if ((d->m == 1 && d->d == 1) || (d->m == 5 && d->d == 1) ||
	    (d->m == 10 && d->d == 3) ||
	    (d->m == 10 && d->d == 31 && d->y >= 2017) ||
	    (d->m == 12 && (d->d == 25 || d->d == 26)))
		return 1;
	when_easter(d->y, &e);
	off = when_days(d) - when_days(&e);
	for (k = 0; k < sizeof(easter_offsets) / sizeof(easter_offsets[0]); k++)
		if (off == easter_offsets[k])
			return 1;
	return 0;
}

/* A booking's length in minutes: its service's, else one cell. */
int
cal_minutes(const struct cal *c, const char *service)
{
	size_t	 k;

	for (k = 0; service != NULL && k < c->nlengths; k++)
		if (c->lengths[k].service != NULL &&
		    strcmp(c->lengths[k].service, service) == 0)
			return c->lengths[k].minutes;
	return c->grid;
}

/* What a booking of `minutes` holds: whole cells, at least one. */
int
cal_held(const struct cal *c, int minutes)
{
	if (minutes < 1)
		minutes = 1;
	if (minutes > CAL_DAY)	/* never fits; no overflow either */
		minutes = CAL_DAY + 1;
	return (minutes + c->grid - 1) / c->grid * c->grid;
}

int
cal_bookable_day(const struct cal *c, const struct when_date *d,
    const struct when_date *today)
{
	long	 day = when_days(d), ahead = day - when_days(today);
	unsigned bit = 1u << cal_weekday(d);
	size_t	 k;

	if (ahead < c->earliest || ahead > c->horizon)
		return 0;
	for (k = 0; k < c->nclosed; k++)
		if (day >= c->closed[k].from && day <= c->closed[k].to)
			return 0;
	if (c->holidays && cal_holiday(d))
		return 0;
	for (k = 0; k < c->nhours; k++)
		if (c->hours[k].days & bit)
			return 1;
	return 0;
}

/* Whether [from, to) meets a break of the weekday `bit`. */
static int
cal_in_break(const struct cal *c, unsigned bit, int from, int to)
{
	size_t	 k;

	for (k = 0; k < c->nbreaks; k++)
		if ((c->breaks[k].days & bit) && c->breaks[k].from < to &&
		    c->breaks[k].to > from)
			return 1;
	return 0;
}

/* The places left in the cell [from, to) of a range with `places`. */
static int
cal_cell_free(int places, int from, int to, const struct cal_taken *t,
    size_t nt)
{
	size_t	 k;

	for (k = 0; k < nt && places > 0; k++) {
		if (t[k].to <= t[k].from || t[k].from >= to || t[k].to <= from)
			continue;
		places = t[k].all ? 0 : places - 1;
	}
	return places > 0 ? places : 0;
}

size_t
cal_day_slots(const struct cal *c, const struct when_date *d, int minutes,
    const struct cal_taken *taken, size_t ntaken, int after,
    struct cal_slot *out, size_t max)
{
	const struct cal_range *r;
	unsigned bit = 1u << cal_weekday(d);
	size_t	 k, n = 0;
	int	 held = cal_held(c, minutes), s, cell, free, f;

	/* The ranges are sorted by from and do not overlap: the starts
	 * come out in time order. */
	for (k = 0; k < c->nhours && n < max; k++) {
		r = &c->hours[k];
		if ((r->days & bit) == 0)
			continue;
		for (s = r->from; s + held <= r->to && n < max; s += c->grid) {
			if (s < after || cal_in_break(c, bit, s, s + held))
				continue;
			/* A booking takes a place in every cell it holds:
			 * the fullest cell decides. */
			free = r->places;
			for (cell = s; cell < s + held; cell += c->grid)
				if ((f = cal_cell_free(r->places, cell,
				    cell + c->grid, taken, ntaken)) < free)
					free = f;
			out[n].start = s;
			out[n].free = free;
			n++;
		}
	}
	return n;
}

/* Strictly "YYYY-MM-DDTHH:MM", a real day and time. */
int
cal_parse_slot(const char *v, struct when_date *d, int *minute)
{
	char	 date[11];

	if (v == NULL || strlen(v) != CAL_SLOT_LEN - 1 || v[10] != 'T')
		return -1;
	memcpy(date, v, 10);
	date[10] = '\0';
	if (when_parse_date(date, d) == -1 ||
	    when_parse_time(v + 11, minute) == -1)
		return -1;
	return 0;
}

void
cal_format_slot(const struct when_date *d, int minute, char out[CAL_SLOT_LEN])
{
	struct when_date next;
	char	 date[11];

	/* An end at midnight (or later) is on the next day: 24:00 is the
	 * next day's 00:00, so that ends never come before starts. */
	if (minute >= 24 * 60) {
		when_from_days(when_days(d) + minute / (24 * 60), &next);
		d = &next;
		minute %= 24 * 60;
	}
	when_format(d, date);
	/* In range by construction; the masks tell the compiler. */
	snprintf(out, CAL_SLOT_LEN, "%sT%02u:%02u", date,
	    (unsigned)(minute / 60) % 24u, (unsigned)(minute % 60) % 60u);
}

int
cal_slot_free(const struct cal *c, const char *v, int minutes,
    const struct when_date *today, int now_minute,
    const struct cal_taken *taken, size_t ntaken)
{
	struct cal_slot slots[CAL_DAY_SLOTS_MAX];
	struct when_date d;
	size_t	 n, k;
	int	 m;

	if (cal_parse_slot(v, &d, &m) == -1 ||
	    !cal_bookable_day(c, &d, today))
		return 0;
	/* Today only what has not begun: after the current minute. */
	n = cal_day_slots(c, &d, minutes, taken, ntaken,
	    when_cmp(&d, today) == 0 ? now_minute + 1 : -1, slots,
	    CAL_DAY_SLOTS_MAX);
	for (k = 0; k < n; k++)
		if (slots[k].start == m)
			return slots[k].free > 0;
	return 0;
}

void
cal_now(char out[CAL_SLOT_LEN])
{
	struct when_date d;
	struct tm tm;
	time_t	 t = time(NULL);

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(out, CAL_SLOT_LEN, "9999-12-31T23:59");
		return;
	}
	d.y = tm.tm_year + 1900;
	d.m = tm.tm_mon + 1;
	d.d = tm.tm_mday;
	cal_format_slot(&d, tm.tm_hour * 60 + tm.tm_min, out);
}
