#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fee.h"
#include "text.h"

static int
fee_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The day a <fee> applies from; one without valid-from: always. */
static void
fee_from(xmlNodePtr fee, struct when_date *d)
{
	const char *v = form_attr(fee, "valid-from");

	if (v == NULL || when_parse_date(v, d) == -1)
		memset(d, 0, sizeof(*d));
}

/*
 * The fee schedule in effect on `today`: of the <fee>s, the one with the
 * latest valid-from on or before today; if all lie ahead, the earliest.
 * So a new schedule can be put in beside the old one before it applies.
 */
xmlNodePtr
fee_schedule(const struct form *f, const struct when_date *today)
{
	xmlNodePtr n, best = NULL, first = NULL;
	struct when_date d, bd, fd;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL;
	    n = n->next) {
		if (!fee_is(n, "fee"))
			continue;
		fee_from(n, &d);
		if (first == NULL || when_cmp(&d, &fd) < 0) {
			first = n;
			fd = d;
		}
		if (when_cmp(&d, today) <= 0 &&
		    (best == NULL || when_cmp(&d, &bd) > 0)) {
			best = n;
			bd = d;
		}
	}
	return best != NULL ? best : first;
}

static long
fee_cents(xmlNodePtr r)
{
	long	 cents;

	if (form_attr(r, "cents") == NULL ||
	    text_to_long(form_attr(r, "cents"), 0, FORM_CENTS_MAX, &cents) == -1)
		return 0;
	return cents;
}

/* Can `field` be answered with `value`? */
static int
fee_offers(const struct form_field *fld, const char *value)
{
	if (fld->type == FORM_CHECKBOX)
		return strcmp(value, "yes") == 0;
	return form_has_option(fld, value);
}

/*
 * <each field="start" until="end">: the days from one date answer to
 * another, both counted (a street used from the 1st to the 10th: ten
 * days). Both must be date fields outside repeating groups.
 */
static int
fee_check_span(const struct form *f, xmlNodePtr r,
    const struct form_field *from, const char *path, struct form_diag *diag)
{
	const char *until = form_attr(r, "until");
	const struct form_field *to;

	if (form_field(f, until) == NULL) {
		form_diag_add(diag, path, xmlGetLineNo(r),
		    "fee rule refers to unknown field '%s'", until);
		return -1;
	}
	if ((to = form_named_field(f, path, r, until, diag)) == NULL)
		return -1;
	if (from->type != FORM_DATE || to->type != FORM_DATE) {
		form_diag_add(diag, path, xmlGetLineNo(r),
		    "fee rule <each until> needs two date fields, not '%s'",
		    from->type != FORM_DATE ? from->name : to->name);
		return -1;
	}
	return 0;
}

/*
 * What the schema cannot say about one <fee>: rules name real fields of
 * the right type and values those fields offer, and a fee that costs
 * anything names its legal basis.
 */
static int
fee_check_one(const struct form *f, xmlNodePtr fee, const char *path,
    struct form_diag *diag)
{
	xmlNodePtr r;
	const struct form_field *fld;
	const char *name, *value;
	int	 rules = 0, legal = 0, rc = 0;

	for (r = fee->children; r != NULL; r = r->next) {
		if (fee_is(r, "legal")) {
			legal = 1;
			continue;
		}
		if (!fee_is(r, "if") && !fee_is(r, "each") && !fee_is(r, "waive"))
			continue;
		rules++;
		name = form_attr(r, "field");
		if ((fld = form_field(f, name)) == NULL) {
			form_diag_add(diag, path, xmlGetLineNo(r),
			    "fee rule refers to unknown field '%s'", name);
			rc = -1;
		} else if (form_named_field(f, path, r, name, diag) == NULL) {
			rc = -1;
		} else if (fee_is(r, "each") && form_attr(r, "until") != NULL) {
			if (fee_check_span(f, r, fld, path, diag) != 0)
				rc = -1;
		} else if (fee_is(r, "each") && fld->type != FORM_NUMBER) {
			form_diag_add(diag, path, xmlGetLineNo(r),
			    "fee rule <each> needs a number field, not '%s'", name);
			rc = -1;
		} else if (!fee_is(r, "each") && fld->type != FORM_SELECT &&
		    fld->type != FORM_RADIO && fld->type != FORM_CHECKBOX) {
			form_diag_add(diag, path, xmlGetLineNo(r),
			    "fee rule <%s> needs a choice field, not '%s'",
			    (const char *)r->name, name);
			rc = -1;
		} else if (!fee_is(r, "each") &&
		    !fee_offers(fld, value = form_attr(r, "value"))) {
			form_diag_add(diag, path, xmlGetLineNo(r),
			    "field '%s' has no option '%s' for the fee rule",
			    name, value);
			rc = -1;
		}
	}
	if ((fee_cents(fee) > 0 || rules > 0) && !legal) {
		form_diag_add(diag, path, xmlGetLineNo(fee),
		    "a fee above 0 or with rules needs a <legal> basis");
		rc = -1;
	}
	return rc;
}

/*
 * Every <fee> as above; several of them are schedules one after the
 * other, so each names the day it applies from, and no two the same.
 */
int
fee_check(const struct form *f, const char *path, struct form_diag *diag)
{
	xmlNodePtr n, m;
	int	 count = 0, rc = 0;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL;
	    n = n->next)
		if (fee_is(n, "fee"))
			count++;
	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL;
	    n = n->next) {
		if (!fee_is(n, "fee"))
			continue;
		if (fee_check_one(f, n, path, diag) == -1)
			rc = -1;
		if (count > 1 && form_attr(n, "valid-from") == NULL) {
			form_diag_add(diag, path, xmlGetLineNo(n),
			    "with several <fee>s, each needs valid-from");
			rc = -1;
			continue;
		}
		for (m = n->next; count > 1 && m != NULL; m = m->next)
			if (fee_is(m, "fee") && form_attr(m, "valid-from") &&
			    strcmp(form_attr(m, "valid-from"),
			    form_attr(n, "valid-from")) == 0) {
				form_diag_add(diag, path, xmlGetLineNo(m),
				    "two <fee>s are valid from %s",
				    form_attr(m, "valid-from"));
				rc = -1;
			}
	}
	return rc;
}

static const char *
fee_answer(const struct valid_result *res, const char *field)
{
	return valid_answer(res, field, strlen(field));
}

/* The days from one date answer to another, both counted; 0 without both. */
static long
fee_span_days(const struct valid_result *res, const char *from,
    const char *until)
{
	struct when_date a, b;

	if (when_parse_date(fee_answer(res, from), &a) == -1 ||
	    when_parse_date(fee_answer(res, until), &b) == -1 ||
	    when_cmp(&b, &a) < 0)
		return 0;
	return when_days(&b) - when_days(&a) + 1;
}

static int
fee_has_label(xmlNodePtr r)
{
	xmlNodePtr c;

	for (c = r->children; c != NULL; c = c->next)
		if (fee_is(c, "label"))
			return 1;
	return 0;
}

static int
fee_add_line(struct fee_bill *b, xmlNodePtr rule, long qty, long unit)
{
	struct fee_line *l;

	if ((l = reallocarray(b->lines, b->nlines + 1, sizeof(*l))) == NULL)
		return -1;
	b->lines = l;
	l = &b->lines[b->nlines++];
	l->rule = rule;
	l->qty = qty;
	l->unit = unit;
	l->total = qty * unit;
	b->total += l->total;
	return 0;
}

/*
 * The base fee is one line; an <if> whose answer matches sets it (the
 * last one wins, and names the line if it has a label); each <each> adds
 * a line of its cents per unit above `after` (units: a number answer, or
 * the days of a date span); a matching <waive> keeps the
 * lines for the record but makes the total 0. Only called with answers
 * that passed valid_check.
 */
int
fee_bill(const struct form *f, const struct valid_result *res,
    const struct when_date *today, struct fee_bill *b)
{
	xmlNodePtr fee = fee_schedule(f, today), r, base;
	long	 cents, units, after;

	memset(b, 0, sizeof(*b));
	if (fee == NULL)
		return 0;
	b->schedule = fee;
	cents = fee_cents(fee);
	base = fee;
	for (r = fee->children; r != NULL; r = r->next)
		if (fee_is(r, "if") && strcmp(fee_answer(res,
		    form_attr(r, "field")), form_attr(r, "value")) == 0) {
			cents = fee_cents(r);
			base = fee_has_label(r) ? r : fee;
		}
	if (cents > 0 && fee_add_line(b, base, 1, cents) == -1)
		goto fail;
	for (r = fee->children; r != NULL; r = r->next) {
		if (!fee_is(r, "each"))
			continue;
		if (form_attr(r, "until") != NULL)
			units = fee_span_days(res, form_attr(r, "field"),
			    form_attr(r, "until"));
		else if (text_to_long(fee_answer(res, form_attr(r, "field")),
		    0, 1000000, &units) == -1)
			units = 0;
		if (form_attr(r, "after") == NULL || text_to_long(
		    form_attr(r, "after"), 0, 1000000, &after) == -1)
			after = 0;
		if (units > after && fee_cents(r) > 0 &&
		    fee_add_line(b, r, units - after, fee_cents(r)) == -1)
			goto fail;
	}
	for (r = fee->children; r != NULL && b->waiver == NULL; r = r->next)
		if (fee_is(r, "waive") && strcmp(fee_answer(res,
		    form_attr(r, "field")), form_attr(r, "value")) == 0)
			b->waiver = r;
	if (b->waiver != NULL)
		b->total = 0;
	return 0;
fail:
	fee_bill_free(b);
	return -1;
}

void
fee_bill_free(struct fee_bill *b)
{
	free(b->lines);
	memset(b, 0, sizeof(*b));
}

static int
fee_copy(xmlNodePtr n, xmlNodePtr to)
{
	xmlNodePtr copy;

	if ((copy = xmlDocCopyNode(n, to->doc, 1)) == NULL ||
	    xmlAddChild(to, copy) == NULL) {
		xmlFreeNode(copy);
		return -1;
	}
	return 0;
}

/* Copy the <label>s of `from` under `to`: the record keeps its words. */
static int
fee_copy_labels(xmlNodePtr from, xmlNodePtr to)
{
	xmlNodePtr c;

	for (c = from->children; c != NULL; c = c->next)
		if (fee_is(c, "label") && fee_copy(c, to) == -1)
			return -1;
	return 0;
}

static xmlNodePtr
fee_elem(xmlNodePtr parent, const char *name, const char **attrs)
{
	xmlNodePtr n;

	if ((n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL)) == NULL)
		return NULL;
	for (; attrs[0] != NULL; attrs += 2)
		if (xmlNewProp(n, (const xmlChar *)attrs[0],
		    (const xmlChar *)attrs[1]) == NULL)
			return NULL;
	return n;
}

/*
 * <fee total=".." waived="true"><line qty unit total><label/>..</line>
 * <waiver field value><label/>..</waiver></fee>, words included: stored
 * with the answers, the bill stays readable when the definition changes.
 */
xmlNodePtr
fee_bill_xml(const struct form *f, const struct fee_bill *b,
    xmlNodePtr parent)
{
	const struct form_field *fld;
	xmlNodePtr fee, line, opt;
	char	 num[3][24];
	size_t	 i;

	snprintf(num[0], sizeof(num[0]), "%ld", b->total);
	if ((fee = fee_elem(parent, "fee", (const char *[]){ "total", num[0],
	    NULL })) == NULL)
		return NULL;
	/* The legal basis of the schedule it was computed by. */
	for (line = b->schedule ? b->schedule->children : NULL; line != NULL;
	    line = line->next)
		if (fee_is(line, "legal") && fee_copy(line, fee) == -1)
			return NULL;
	for (i = 0; i < b->nlines; i++) {
		snprintf(num[0], sizeof(num[0]), "%ld", b->lines[i].qty);
		snprintf(num[1], sizeof(num[1]), "%ld", b->lines[i].unit);
		snprintf(num[2], sizeof(num[2]), "%ld", b->lines[i].total);
		if ((line = fee_elem(fee, "line", (const char *[]){ "qty",
		    num[0], "unit", num[1], "total", num[2], NULL })) == NULL ||
		    fee_copy_labels(b->lines[i].rule, line) == -1)
			return NULL;
	}
	if (b->waiver == NULL)
		return fee;
	if ((line = fee_elem(fee, "waiver", (const char *[]){ "field",
	    form_attr(b->waiver, "field"), "value",
	    form_attr(b->waiver, "value"), NULL })) == NULL)
		return NULL;
	/*
	 * The chosen option's words say why ("for pension purposes"); for a
	 * ticked box, its question.
	 */
	fld = form_field(f, form_attr(b->waiver, "field"));
	opt = fld == NULL ? NULL : fld->type == FORM_CHECKBOX ? fld->node :
	    form_option(fld, form_attr(b->waiver, "value"));
	if (opt != NULL && fee_copy_labels(opt, line) == -1)
		return NULL;
	return fee;
}
