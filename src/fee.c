#include "config.h"

#include <string.h>

#include "fee.h"
#include "text.h"

static int
fee_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
fee_node(const struct form *f)
{
	xmlNodePtr n;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL; n = n->next)
		if (fee_is(n, "fee"))
			return n;
	return NULL;
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
 * What the schema cannot say: rules name real fields of the right type
 * and values those fields offer, and a fee that costs anything names its
 * legal basis.
 */
int
fee_check(const struct form *f, const char *path, struct form_diag *diag)
{
	xmlNodePtr fee = fee_node(f), r;
	const struct form_field *fld;
	const char *name, *value;
	int	 rules = 0, legal = 0, rc = 0;

	if (fee == NULL)
		return 0;
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
	if ((f->fee_cents > 0 || rules > 0) && !legal) {
		form_diag_add(diag, path, xmlGetLineNo(fee),
		    "a fee above 0 or with rules needs a <legal> basis");
		rc = -1;
	}
	return rc;
}

static const char *
fee_answer(const struct valid_result *res, const char *field)
{
	return valid_answer(res, field, strlen(field));
}

/*
 * The base fee; an <if> whose answer matches sets it (the last one wins);
 * each <each> adds its cents per unit above `after`; a matching <waive>
 * makes it all 0. Only called with answers that passed valid_check.
 */
long
fee_total(const struct form *f, const struct valid_result *res)
{
	xmlNodePtr fee = fee_node(f), r;
	long	 total = f->fee_cents, cents, units, after, extra = 0;

	if (fee == NULL)
		return 0;
	for (r = fee->children; r != NULL; r = r->next) {
		if (r->type != XML_ELEMENT_NODE || fee_is(r, "legal"))
			continue;
		if (text_to_long(form_attr(r, "cents") ? form_attr(r, "cents") :
		    "0", 0, FORM_CENTS_MAX, &cents) == -1)
			cents = 0;
		if (fee_is(r, "waive") && strcmp(fee_answer(res,
		    form_attr(r, "field")), form_attr(r, "value")) == 0)
			return 0;
		if (fee_is(r, "if") && strcmp(fee_answer(res,
		    form_attr(r, "field")), form_attr(r, "value")) == 0)
			total = cents;
		if (fee_is(r, "each")) {
			if (text_to_long(fee_answer(res, form_attr(r, "field")),
			    0, 1000000, &units) == -1)
				units = 0;
			if (form_attr(r, "after") == NULL || text_to_long(
			    form_attr(r, "after"), 0, 1000000, &after) == -1)
				after = 0;
			if (units > after)
				extra += cents * (units - after);
		}
	}
	return total + extra;
}
