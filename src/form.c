/*
 * A service definition loaded into struct form: its fields, groups and
 * pages with their rules, and the look-ups the engine makes in it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlerror.h>

#include "fee.h"
#include "form.h"
#include "form_int.h"
#include "text.h"
#include "when.h"

const char *const form_type_names[FORM__TYPES] = {
	"text", "textarea", "email", "tel", "date", "time", "number",
	"select", "checkbox", "radio", "postcode", "iban", "multiselect",
	"money",
	"file", "slot",
};

const char *const form_login_names[FORM__LOGINS] = {
	"none", "optional", "required",
};

/* libxml2's reason for a regular expression that does not compile. */
static void
form_regexp_error(void *arg, xmlErrorPtr err)
{
	char	*reason = arg;
	const char *m;
	size_t	 n;

	if (err == NULL || err->message == NULL || *reason != '\0')
		return;
	m = err->message;
	if (strncmp(m, "failed to compile: ", 19) == 0)
		m += 19;
	snprintf(reason, 128, "%s", m);
	n = strlen(reason);
	while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == ' '))
		reason[--n] = '\0';
}

/*
 * A numeric attribute within [min, max], or `dflt` when it is absent. A
 * value out of range is an error, never quietly replaced: a fee shown from
 * the file and a different fee stored would be worse than no service.
 */
static int
form_number(const char *file, xmlNodePtr n, const char *name, long min,
    long max, long dflt, long *out, struct form_diag *diag)
{
	const char *v = form_attr(n, name);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (text_to_long(v, min, max, out) == 0)
		return 0;
	form_diag_add(diag, file, xmlGetLineNo(n),
	    "%s='%s' is not a number from %ld to %ld", name, v, min, max);
	return -1;
}

/*
 * A date bound without its "field:NAME" terms (checked once all fields
 * are known) must be one when_ understands; field terms alone are fine.
 */
static int
form_date_bound_valid(const char *expr)
{
	struct buf rest;
	const char *p = expr;
	size_t	 n;
	int	 ok;

	buf_init(&rest, 1024);
	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (!(n > 6 && strncmp(p, "field:", 6) == 0))
			buf_printf(&rest, " %.*s", (int)n, p);
		p += n;
	}
	ok = !rest.failed && (strstr(expr, "field:") != NULL && rest.len == 0 ?
	    1 : when_bound_valid(buf_str(&rest)));
	buf_free(&rest);
	return ok;
}

/* Bounds of numbers and times must be comparable; dates may be relative. */
static int
form_check_bound(const char *file, struct form_field *f, const char *expr,
    struct form_diag *diag)
{
	long	 n;
	int	 m, ok;

	if (expr == NULL)
		return 0;
	/* A deadline is the last day to send: only a date field has one. */
	switch (expr == f->deadline && f->type != FORM_DATE ? FORM__TYPES :
	    f->type) {
	case FORM_DATE:
		ok = form_date_bound_valid(expr);
		break;
	case FORM_TIME:		/* HH:MM, or another time answer */
		ok = when_parse_time(expr, &m) == 0 ||
		    (strncmp(expr, "field:", 6) == 0 && expr[6] != '\0' &&
		    strchr(expr, ' ') == NULL);
		break;
	case FORM_NUMBER:
		ok = text_to_long(expr, -1000000000L, 1000000000L, &n) == 0;
		break;
	case FORM_MONEY:	/* whole cents, as in <fee cents=""> */
		ok = text_to_long(expr, -FORM_CENTS_MAX, FORM_CENTS_MAX, &n) == 0;
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "invalid bound '%s' for type %s", expr,
		    form_type_names[f->type]);
		return -1;
	}
	return 0;
}

/* min after max, where both are absolute and so comparable at lint time. */
static int
form_check_order(const char *file, struct form_field *f,
    struct form_diag *diag)
{
	struct when_date a, b;
	long	 x, y;
	int	 p, q, after = 0;

	if (f->min == NULL || f->max == NULL)
		return 0;
	if ((f->type == FORM_NUMBER || f->type == FORM_MONEY) &&
	    text_to_long(f->min, -1000000000L, 1000000000L, &x) == 0 &&
	    text_to_long(f->max, -1000000000L, 1000000000L, &y) == 0)
		after = x > y;
	else if (f->type == FORM_TIME && when_parse_time(f->min, &p) == 0 &&
	    when_parse_time(f->max, &q) == 0)
		after = p > q;
	else if (f->type == FORM_DATE && when_parse_date(f->min, &a) == 0 &&
	    when_parse_date(f->max, &b) == 0)
		after = when_cmp(&a, &b) > 0;
	if (after) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "min is after max in field '%s'", f->name);
		return -1;
	}
	return 0;
}

static xmlRegexpPtr
form_regexp(const char *file, xmlNodePtr n, const char *re,
    struct form_diag *diag)
{
	xmlRegexpPtr p;
	char	 reason[128] = "";

	xmlSetStructuredErrorFunc(reason, form_regexp_error);
	p = xmlRegexpCompile((const xmlChar *)re);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (p == NULL)
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "invalid pattern '%s': %s", re,
		    *reason ? reason : "does not compile");
	return p;
}

/*
 * accept= and max-size= of a file field; a file field takes no rule made
 * for text, and the file attributes stand on file fields only.
 */
static int
form_file_rules(const char *file, struct form_field *f,
    struct form_diag *diag)
{
	static const char *const text_rules[] = { "minlength", "maxlength",
	    "min", "max", "deadline", "pattern", "warn-pattern", "codes" };
	static const char *const kinds[] = { "pdf", "jpeg", "png" };
	const char *v;
	size_t	 i, n;
	unsigned bit;
	int	 rc = 0;

	if (f->type != FORM_FILE) {
		for (i = 0; i < 2; i++)
			if (form_attr(f->node, i ? "max-size" : "accept") != NULL) {
				form_diag_add(diag, file, xmlGetLineNo(f->node),
				    "%s= belongs on a file field, not '%s'",
				    i ? "max-size" : "accept", f->name);
				rc = -1;
			}
		return rc;
	}
	for (i = 0; i < sizeof(text_rules) / sizeof(text_rules[0]); i++)
		if (form_attr(f->node, text_rules[i]) != NULL) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "file field '%s' cannot carry %s=", f->name,
			    text_rules[i]);
			rc = -1;
		}
	if (form_number(file, f->node, "max-size", 1, FORM_FILE_KIB_MAX,
	    FORM_FILE_KIB_MAX, &f->max_kib, diag) == -1)
		rc = -1;
	if ((v = form_attr(f->node, "accept")) == NULL) {
		f->accept = FORM_ACCEPT_ALL;
		return rc;
	}
	/* The schema allows only the three names, separated by spaces. */
	for (; *(v += strspn(v, " ")) != '\0'; v += n) {
		n = strcspn(v, " ");
		for (i = 0, bit = 0; i < 3; i++)
			if (strlen(kinds[i]) == n && strncmp(v, kinds[i], n) == 0)
				bit = 1u << i;
		if (f->accept & bit) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "accept= names '%.*s' twice", (int)n, v);
			rc = -1;
		}
		f->accept |= bit;
	}
	return rc;
}

/*
 * A slot field books a time of its calendar (calendar=, a file of the
 * town's calendars/ directory); the rules of text fields mean nothing to
 * it. calendar= on another field is a mistake.
 */
static int
form_slot_rules(const struct form_share *s, const char *file,
    struct form_field *f, struct form_diag *diag)
{
	static const char *const text_rules[] = { "minlength", "maxlength",
	    "min", "max", "deadline", "pattern", "warn-pattern", "codes",
	    "prefill", "autocomplete" };
	struct buf path;
	size_t	 i;
	int	 rc = 0;

	f->calendar = form_attr(f->node, "calendar");
	if (f->type != FORM_SLOT) {
		if (f->calendar == NULL)
			return 0;
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "calendar= belongs on a slot field, not '%s'", f->name);
		return -1;
	}
	for (i = 0; i < sizeof(text_rules) / sizeof(text_rules[0]); i++)
		if (form_attr(f->node, text_rules[i]) != NULL) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "slot field '%s' cannot carry %s=", f->name,
			    text_rules[i]);
			rc = -1;
		}
	if (f->calendar == NULL) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "slot field '%s' needs calendar=", f->name);
		return -1;
	}
	buf_init(&path, 4096);
	buf_printf(&path, "%s/calendars/%s.xml", s->site != NULL ? s->site :
	    s->dir, f->calendar);
	if (path.failed || access(buf_str(&path), R_OK) != 0) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "slot field '%s': no calendar '%s' (calendars/%s.xml)",
		    f->name, f->calendar, f->calendar);
		rc = -1;
	}
	buf_free(&path);
	return rc;
}

/*
 * prefill="given_name": the account's attribute fills the field. Only
 * into a field that can hold it: a birth date into a date field, an
 * e-mail address into an e-mail field, a postcode into a postcode or
 * text field, names, street and town into text fields.
 */
static int
form_prefill(const char *file, struct form_field *f, struct form_diag *diag)
{
	const char *v = form_attr(f->node, "prefill");
	int	 a, ok;

	f->prefill = -1;
	if (v == NULL)
		return 0;
	if ((a = identity_attr_parse(v)) < 0) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "prefill='%s' is not an attribute of the account", v);
		return -1;
	}
	switch (a) {
	case IDENTITY_BIRTH_DATE:
		ok = f->type == FORM_DATE;
		break;
	case IDENTITY_EMAIL:
		ok = f->type == FORM_EMAIL;
		break;
	case IDENTITY_POSTCODE:
		ok = f->type == FORM_POSTCODE || f->type == FORM_TEXT;
		break;
	default:
		ok = f->type == FORM_TEXT || f->type == FORM_TEXTAREA;
		break;
	}
	if (!ok) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "prefill='%s' cannot fill %s field '%s'", v,
		    form_type_names[f->type], f->name);
		return -1;
	}
	f->prefill = a;
	return 0;
}

/*
 * autocomplete="...": the purpose of a field (WCAG 1.3.5), as an HTML
 * autofill detail list: [section-NAME] [shipping|billing]
 * [home|work|mobile|fax|pager] TOKEN, or "on" / "off" alone. The schema
 * checks the shape (lower-case words, one space apart); this the words:
 * each must be one HTML knows, and TOKEN must fit the field's type (an
 * e-mail address into an e-mail field, a birth date into a date field).
 * Payment-card and account tokens are left out: no town form asks them.
 */
#define FORM_T(t)	(1u << (t))
#define FORM_T_TEXT	(FORM_T(FORM_TEXT) | FORM_T(FORM_TEXTAREA) | \
			 FORM_T(FORM_SELECT))

static const struct form_autofill {
	const char	*token;
	unsigned	 types;		/* FORM_T() of the types it fits */
	int		 contact;	/* may follow home, work, ... */
} form_autofill[] = {
	{ "name", FORM_T_TEXT, 0 },
	{ "honorific-prefix", FORM_T_TEXT, 0 },
	{ "given-name", FORM_T_TEXT, 0 },
	{ "additional-name", FORM_T_TEXT, 0 },
	{ "family-name", FORM_T_TEXT, 0 },
	{ "honorific-suffix", FORM_T_TEXT, 0 },
	{ "nickname", FORM_T_TEXT, 0 },
	{ "organization-title", FORM_T_TEXT, 0 },
	{ "organization", FORM_T_TEXT, 0 },
	{ "street-address", FORM_T(FORM_TEXTAREA), 0 },
	{ "address-line1", FORM_T_TEXT, 0 },
	{ "address-line2", FORM_T_TEXT, 0 },
	{ "address-line3", FORM_T_TEXT, 0 },
	{ "address-level4", FORM_T_TEXT, 0 },
	{ "address-level3", FORM_T_TEXT, 0 },
	{ "address-level2", FORM_T_TEXT, 0 },
	{ "address-level1", FORM_T_TEXT, 0 },
	{ "country", FORM_T_TEXT, 0 },
	{ "country-name", FORM_T_TEXT, 0 },
	{ "postal-code", FORM_T_TEXT | FORM_T(FORM_POSTCODE), 0 },
	{ "language", FORM_T_TEXT, 0 },
	{ "sex", FORM_T_TEXT, 0 },
	{ "bday", FORM_T(FORM_DATE), 0 },
	{ "bday-day", FORM_T(FORM_NUMBER) | FORM_T(FORM_SELECT), 0 },
	{ "bday-month", FORM_T(FORM_NUMBER) | FORM_T(FORM_SELECT), 0 },
	{ "bday-year", FORM_T(FORM_NUMBER) | FORM_T(FORM_SELECT), 0 },
	{ "email", FORM_T(FORM_EMAIL), 1 },
	{ "tel", FORM_T(FORM_TEL), 1 },
	{ "tel-country-code", FORM_T(FORM_TEL), 1 },
	{ "tel-national", FORM_T(FORM_TEL), 1 },
	{ "tel-area-code", FORM_T(FORM_TEL), 1 },
	{ "tel-local", FORM_T(FORM_TEL), 1 },
	{ "tel-extension", FORM_T(FORM_TEL), 1 },
};

/* The types rendered as a choice of the citizen's own: no autofill. */
#define FORM_T_NO_AUTOFILL	(FORM_T(FORM_RADIO) | FORM_T(FORM_CHECKBOX) | \
				 FORM_T(FORM_MULTISELECT) | FORM_T(FORM_FILE))

static int
form_word(const char *w, size_t n, const char *word)
{
	return strlen(word) == n && strncmp(w, word, n) == 0;
}

static int
form_autocomplete(const char *file, struct form_field *f,
    struct form_diag *diag)
{
	static const char *const contacts[] = {
		"home", "work", "mobile", "fax", "pager"
	};
	const struct form_autofill *a;
	const char *v = form_attr(f->node, "autocomplete"), *w;
	size_t	 n, i;
	int	 stage = 0, found;	/* 0 section, 1 mode, 2 contact, 3 name, 4 done */
	int	 contact = 0, onoff = 0, shape = 1;

	if (v == NULL)
		return 0;
	if (FORM_T(f->type) & FORM_T_NO_AUTOFILL) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "%s field '%s' cannot carry autocomplete=",
		    form_type_names[f->type], f->name);
		return -1;
	}
	a = NULL;
	for (w = v; *(w += strspn(w, " ")) != '\0'; w += n) {
		n = strcspn(w, " ");
		if (n > 8 && strncmp(w, "section-", 8) == 0) {
			shape &= stage == 0;
			stage = 1;
			continue;
		}
		if (form_word(w, n, "shipping") || form_word(w, n, "billing")) {
			shape &= stage <= 1;
			stage = 2;
			continue;
		}
		for (i = 0, found = 0; i < sizeof(contacts) /
		    sizeof(contacts[0]); i++)
			found |= form_word(w, n, contacts[i]);
		if (found) {
			shape &= stage <= 2;
			stage = 3;
			contact = 1;
			continue;
		}
		if (form_word(w, n, "on") || form_word(w, n, "off")) {
			shape &= stage == 0;
			stage = 4;
			onoff = 1;
			continue;
		}
		for (i = 0, found = 0; i < sizeof(form_autofill) /
		    sizeof(form_autofill[0]); i++)
			if (form_word(w, n, form_autofill[i].token)) {
				a = &form_autofill[i];
				found = 1;
			}
		if (!found) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "autocomplete= on field '%s': unknown autofill "
			    "token '%.*s'", f->name, (int)n, w);
			return -1;
		}
		shape &= stage <= 3 && (!contact || a->contact);
		stage = 4;
	}
	if (!shape || stage != 4) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "autocomplete='%s' on field '%s' is not [section-NAME] "
		    "[shipping|billing] [home|work|mobile|fax|pager] TOKEN, "
		    "or on or off alone", v, f->name);
		return -1;
	}
	if (!onoff && !(a->types & FORM_T(f->type))) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "autocomplete='%s' does not fit %s field '%s'", v,
		    form_type_names[f->type], f->name);
		return -1;
	}
	return 0;
}

static int
form_field_init(struct form_share *s, const char *file, struct form_field *f,
    xmlNodePtr n, struct form_diag *diag)
{
	const char *type, *req, *pattern, *codes;
	xmlNodePtr c;
	int	 t, rc = 0, options = 0;

	memset(f, 0, sizeof(*f));
	f->node = n;
	f->prefill = -1;
	f->name = form_attr(n, "name");
	type = form_attr(n, "type");
	for (t = 0; t < FORM__TYPES; t++)
		if (type != NULL && strcmp(type, form_type_names[t]) == 0)
			break;
	if (f->name == NULL || t == FORM__TYPES)
		return -1;	/* the schema already said why */
	f->type = (enum form_type)t;
	if (form_prefill(file, f, diag) == -1)
		rc = -1;
	if (form_autocomplete(file, f, diag) == -1)
		rc = -1;
	if (form_file_rules(file, f, diag) == -1 ||
	    form_slot_rules(s, file, f, diag) == -1)
		return -1;	/* the text rules' own checks would only repeat it */
	req = form_attr(n, "required");
	f->required = req != NULL && strcmp(req, "true") == 0;
	if (form_number(file, n, "minlength", 0, FORM_LENGTH_MAX, -1,
	    &f->minlength, diag) == -1 ||
	    form_number(file, n, "maxlength", 0, FORM_LENGTH_MAX, -1,
	    &f->maxlength, diag) == -1)
		rc = -1;
	f->min = form_attr(n, "min");
	f->max = form_attr(n, "max");
	f->deadline = form_attr(n, "deadline");
	f->when = form_attr(n, "when");
	if (form_check_bound(file, f, f->min, diag) == -1 ||
	    form_check_bound(file, f, f->max, diag) == -1 ||
	    form_check_bound(file, f, f->deadline, diag) == -1)
		rc = -1;
	else if (form_check_order(file, f, diag) == -1)
		rc = -1;
	if (f->minlength >= 0 && f->maxlength >= 0 &&
	    f->minlength > f->maxlength) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "minlength is greater than maxlength in field '%s'", f->name);
		rc = -1;
	}
	if ((pattern = form_attr(n, "pattern")) != NULL &&
	    (f->pattern = form_regexp(file, n, pattern, diag)) == NULL)
		rc = -1;
	if ((pattern = form_attr(n, "warn-pattern")) != NULL) {
		if ((f->warn_pattern = form_regexp(file, n, pattern, diag)) ==
		    NULL)
			rc = -1;
		for (c = n->children; c != NULL && !form_is(c, "warning");)
			c = c->next;
		if (c == NULL) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "field '%s' has warn-pattern= but no <warning> text",
			    f->name);
			rc = -1;
		}
	}
	for (c = n->children; c != NULL; c = c->next)
		if (form_is(c, "option"))
			options++;
	if ((codes = form_attr(n, "codes")) != NULL) {
		if (f->type != FORM_SELECT && f->type != FORM_RADIO &&
		    f->type != FORM_MULTISELECT) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "codes= belongs on a select, radio or multiselect field, not '%s'",
			    f->name);
			rc = -1;
		} else if (options > 0) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "field '%s' has both <option>s and codes=", f->name);
			rc = -1;
		} else if ((f->codes = form_codes(s, codes, diag)) == NULL) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "unknown code list '%s'", codes);
			rc = -1;
		}
	} else if ((f->type == FORM_SELECT || f->type == FORM_RADIO ||
	    f->type == FORM_MULTISELECT) && options == 0) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "%s field '%s' has no options", form_type_names[f->type],
		    f->name);
		rc = -1;
	}
	return rc;
}

static void
form_field_free(struct form_field *f)
{
	if (f->pattern != NULL)
		xmlRegFreeRegexp(f->pattern);
	if (f->warn_pattern != NULL)
		xmlRegFreeRegexp(f->warn_pattern);
	f->pattern = f->warn_pattern = NULL;
}

const struct form_field *
form_slot_field(const struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FORM_SLOT)
			return &f->fields[i];
	return NULL;
}

static void
form_count(xmlNodePtr n, const char *name, size_t *count)
{
	for (; n != NULL; n = n->next) {
		if (form_is(n, name))
			(*count)++;
		else if (n->type == XML_ELEMENT_NODE)
			form_count(n->children, name, count);
	}
}

static int
form_add_field(struct form_share *s, const char *file, struct form *f,
    xmlNodePtr n, long group, struct form_diag *diag)
{
	struct form_field *fld = &f->fields[f->nfields];

	if (form_field_init(s, file, fld, n, diag) == -1) {
		form_field_free(fld);
		return -1;
	}
	fld->page = f->npages - 1;
	fld->group = group;
	f->nfields++;
	/* One appointment per submission: what is booked, cancelled and
	 * moved is the submission's. */
	if (fld->type == FORM_SLOT && form_slot_field(f) != fld) {
		form_diag_add(diag, file, xmlGetLineNo(n), "slot field '%s': "
		    "a service books one appointment, and '%s' asks for it",
		    fld->name, form_slot_field(f)->name);
		return -1;
	}
	if (fld->type == FORM_SLOT && group >= 0 && f->groups[group].repeat) {
		form_diag_add(diag, file, xmlGetLineNo(n), "slot field '%s' in "
		    "repeating group '%s': one appointment per submission, not "
		    "per row", fld->name, f->groups[group].name);
		return -1;
	}
	return 0;
}

static int
form_add_group(struct form_share *s, const char *file, struct form *f,
    xmlNodePtr n, struct form_diag *diag)
{
	struct form_group *g = &f->groups[f->ngroups];
	xmlNodePtr c;
	size_t	 i;
	int	 rc = 0;

	g->node = n;
	g->name = form_attr(n, "name");
	g->when = form_attr(n, "when");
	g->page = f->npages - 1;
	g->repeat = form_attr(n, "max") != NULL;
	if (form_number(file, n, "max", 1, FORM_ROWS_MAX, 1, &g->max,
	    diag) == -1 ||
	    form_number(file, n, "min", 0, FORM_ROWS_MAX, 1, &g->min,
	    diag) == -1)
		rc = -1;
	else if (!g->repeat && form_attr(n, "min") != NULL) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "group '%s' has min= but no max=", g->name);
		rc = -1;
	} else if (g->min > g->max) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "group '%s': min is greater than max", g->name);
		rc = -1;
	}
	for (i = 0; i < f->ngroups; i++)
		if (strcmp(f->groups[i].name, g->name) == 0) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "duplicate group name '%s'", g->name);
			rc = -1;
		}
	f->ngroups++;
	for (c = n->children; c != NULL; c = c->next) {
		if (!form_is(c, "field"))
			continue;
		if (form_add_field(s, file, f, c, (long)f->ngroups - 1,
		    diag) == -1)
			rc = -1;
		/* The account has one name, not one per row. */
		else if (g->repeat && f->fields[f->nfields - 1].prefill >= 0) {
			form_diag_add(diag, file, xmlGetLineNo(c),
			    "field '%s' in a repeating group cannot be prefilled",
			    f->fields[f->nfields - 1].name);
			rc = -1;
		}
		/* A file is staged once per field and form, not per row. */
		else if (g->repeat && f->fields[f->nfields - 1].type ==
		    FORM_FILE) {
			form_diag_add(diag, file, xmlGetLineNo(c),
			    "file field '%s' cannot be in a repeating group",
			    f->fields[f->nfields - 1].name);
			rc = -1;
		}
	}
	return rc;
}

/* Pages in order; on each, fields and groups of fields. */
/* Field indexes by name, then by place (qsort_r). */
static int
form_by_name(const void *a, const void *b, void *ctx)
{
	const struct form *f = ctx;
	size_t	 i = *(const size_t *)a, j = *(const size_t *)b;
	int	 c = strcmp(f->fields[i].name, f->fields[j].name);

	return c != 0 ? c : (i > j) - (i < j);
}

/*
 * The fields sorted by name for form_field's binary search: with a
 * lookup per field (conditions, code lists, answers) a linear search
 * made a 3,000-field form quadratic. A name twice is an error at its
 * second place.
 */
static int
form_index_fields(const char *file, struct form *f, struct form_diag *diag)
{
	size_t	 i;
	int	 rc = 0;

	free(f->by_name);
	if ((f->by_name = calloc(f->nfields + 1, sizeof(*f->by_name))) ==
	    NULL) {
		form_diag_add(diag, file, 0, "out of memory");
		return -1;
	}
	for (i = 0; i < f->nfields; i++)
		f->by_name[i] = i;
	qsort_r(f->by_name, f->nfields, sizeof(*f->by_name), form_by_name, f);
	for (i = 1; i < f->nfields; i++)
		if (strcmp(f->fields[f->by_name[i]].name,
		    f->fields[f->by_name[i - 1]].name) == 0) {
			form_diag_add(diag, file,
			    xmlGetLineNo(f->fields[f->by_name[i]].node),
			    "duplicate field name '%s'",
			    f->fields[f->by_name[i]].name);
			rc = -1;
		}
	return rc;
}

static int
form_collect_fields(struct form_share *s, const char *file, struct form *f,
    xmlNodePtr root, struct form_diag *diag)
{
	xmlNodePtr p, n;
	size_t	 i;
	int	 rc = 0;

	for (p = root->children; p != NULL; p = p->next) {
		if (!form_is(p, "page"))
			continue;
		f->pages[f->npages].node = p;
		f->pages[f->npages].id = form_attr(p, "id");
		f->pages[f->npages].when = form_attr(p, "when");
		for (i = 0; i < f->npages; i++)
			if (strcmp(f->pages[i].id, f->pages[f->npages].id) == 0) {
				form_diag_add(diag, file, xmlGetLineNo(p),
				    "duplicate page id '%s'", f->pages[i].id);
				rc = -1;
			}
		f->npages++;
		for (n = p->children; n != NULL; n = n->next)
			if ((form_is(n, "field") && form_add_field(s, file, f, n,
			    -1, diag) == -1) || (form_is(n, "group") &&
			    form_add_group(s, file, f, n, diag) == -1))
				rc = -1;
	}
	return form_index_fields(file, f, diag) == 0 ? rc : -1;
}

/*
 * What the schema cannot check, and the tables the engine works with. A
 * definition stored with a submission (`stored`) was checked when it was
 * used; its file name and its clerk may be gone since.
 */
static int
form_setup(struct form *f, struct form_share *s, const char *path,
    int stored, struct form_diag *diag)
{
	xmlNodePtr root = xmlDocGetRootElement(f->doc), n;
	size_t	 nfields = 0, ngroups = 0, npages = 0;
	long	 cents;

	if (root == NULL)
		return -1;
	f->id = form_attr(root, "id");
	f->category = form_attr(root, "category");
	if (form_number(path, root, "version", 1, 1000000000L, 1, &f->version,
	    diag) == -1)
		return -1;
	for (n = root->children; n != NULL; n = n->next) {
		if (form_is(n, "clerk"))
			f->clerk = form_attr(n, "ref");
		else if (form_is(n, "fee") && form_number(path, n, "cents", 0,
		    FORM_CENTS_MAX, 0, &cents, diag) == -1)
			return -1;
		else if (form_is(n, "retention") && form_number(path, n,
		    "days", 1, FORM_RETENTION_MAX, 0, &f->retention_days,
		    diag) == -1)
			return -1;
	}
	if (!stored && form_id_matches_file(f->id, path) == 0) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "service id '%s' does not match the file name", f->id);
		return -1;
	}
	if (form_check_kind(path, f, root, diag) == -1 ||
	    form_check_login(path, f, root, diag) == -1)
		return -1;
	if (!stored && form_clerk(s, f->clerk) == NULL) {
		for (n = root->children; n != NULL && !form_is(n, "clerk");)
			n = n->next;
		form_diag_add(diag, path, n ? xmlGetLineNo(n) : 0,
		    "unknown clerk '%s'", f->clerk ? f->clerk : "");
		return -1;
	}
	form_count(root->children, "field", &nfields);
	form_count(root->children, "group", &ngroups);
	form_count(root->children, "page", &npages);
	if ((f->fields = calloc(nfields + 1, sizeof(*f->fields))) == NULL ||
	    (f->groups = calloc(ngroups + 1, sizeof(*f->groups))) == NULL ||
	    (f->pages = calloc(npages + 1, sizeof(*f->pages))) == NULL)
		return -1;
	if (form_collect_fields(s, path, f, root, diag) == -1 ||
	    form_check_conditions(f, path, diag) == -1 ||
	    form_check_field_bounds(f, path, diag) == -1 ||
	    form_check_at_least_one(f, path, diag) == -1 ||
	    form_check_prefill(f, path, diag) == -1 ||
	    fee_check(f, path, diag) == -1)
		return -1;
	return 0;
}

int
form_load(struct form *f, struct form_share *s, const char *path,
    struct form_diag *diag)
{
	struct form_xml_errors e = { diag, path, "schema: " };
	xmlRelaxNGValidCtxtPtr vctx;
	xmlRelaxNGPtr schema;
	struct buf line;
	int	 valid, have_line, known;

	memset(f, 0, sizeof(*f));
	buf_init(&line, 8192);
	have_line = s->cache != NULL && form_cache_line(s, path, &line) == 0;
	known = have_line && strstr(buf_str(&s->known), buf_str(&line)) != NULL;
	if ((f->doc = form_parse(path, NULL, diag)) == NULL)
		goto fail;
	if (!known) {
		if ((schema = form_schema(s, diag)) == NULL ||
		    (vctx = xmlRelaxNGNewValidCtxt(schema)) == NULL)
			goto fail;
		xmlRelaxNGSetValidStructuredErrors(vctx, form_xml_error, &e);
		valid = xmlRelaxNGValidateDoc(vctx, f->doc);
		xmlRelaxNGFreeValidCtxt(vctx);
		if (valid != 0)
			goto fail;
	}
	/* What the linter added since definitions were stored: checked once
	 * per change of the file, never for a stored one. */
	if (form_setup(f, s, path, 0, diag) == -1 || (!known &&
	    (form_check_cycles(f, path, diag) == -1 ||
	    form_check_patterns(f, path, diag) == -1)))
		goto fail;
	if (have_line && !known)
		form_cache_add(s, &line);
	buf_free(&line);
	return 0;
fail:
	buf_free(&line);
	form_free(f);
	return -1;
}

/*
 * The definition a submission was made with, as stored with it: the
 * receipt, the status page and the back office show its answers with the
 * questions they answered, whatever the file says today.
 */
int
form_load_stored(struct form *f, struct form_share *s, const char *xml,
    struct form_diag *diag)
{
	memset(f, 0, sizeof(*f));
	f->doc = form_parse("stored.xml", xml, diag);
	if (f->doc == NULL || form_setup(f, s, "stored.xml", 1, diag) == -1) {
		form_free(f);
		return -1;
	}
	return 0;
}

/* The definition as text, to store with a submission; free() it. */
char *
form_text(const struct form *f)
{
	xmlChar	*xml = NULL;
	char	*out;
	int	 len = 0;

	xmlDocDumpMemoryEnc(f->doc, &xml, &len, "UTF-8");
	if (xml == NULL)
		return NULL;
	out = strdup((const char *)xml);
	xmlFree(xml);
	return out;
}

/* Load the site's forms/<id>.xml; the id was checked by the router ([a-z0-9-]). */
int
form_load_id(struct form *f, struct form_share *s, const char *id,
    struct form_diag *diag)
{
	struct buf path;
	int	 rc;

	memset(f, 0, sizeof(*f));
	if (s->site == NULL)	/* no town: no services */
		return -1;
	buf_init(&path, 4096);
	/* No such service is the citizen's typo, not the admin's problem:
	 * say nothing, or anyone could fill the error log. */
	if (buf_printf(&path, "%s/forms/%s.xml", s->site, id) == -1 ||
	    access(buf_str(&path), F_OK) != 0) {
		buf_free(&path);
		return -1;
	}
	rc = form_load(f, s, buf_str(&path), diag);
	buf_free(&path);
	return rc;
}

void
form_free(struct form *f)
{
	size_t	 i;

	if (f->borrowed) {
		memset(f, 0, sizeof(*f));
		return;
	}
	for (i = 0; i < f->nfields; i++)
		form_field_free(&f->fields[i]);
	free(f->fields);
	free(f->by_name);
	free(f->groups);
	free(f->pages);
	if (f->doc != NULL)
		xmlFreeDoc(f->doc);
	memset(f, 0, sizeof(*f));
}

const struct form_field *
form_field(const struct form *f, const char *name)
{
	size_t	 lo = 0, hi = f->nfields, mid;
	int	 c;

	if (f->by_name == NULL)		/* while loading */
		for (lo = 0; lo < f->nfields; lo++)
			if (strcmp(f->fields[lo].name, name) == 0)
				return &f->fields[lo];
	while (f->by_name != NULL && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(f->fields[f->by_name[mid]].name, name)) == 0)
			return &f->fields[f->by_name[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The <option> or code-list <code> of a choice field with this value. */
xmlNodePtr
form_option(const struct form_field *f, const char *value)
{
	xmlNodePtr c = form_child(f->node, "option", "value", value);

	return c != NULL ? c : form_child(f->codes, "code", "value", value);
}

int
form_has_option(const struct form_field *f, const char *value)
{
	return form_option(f, value) != NULL;
}
