#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "upload.h"
#include "valid.h"

/* Code points, not bytes: "Müller" is six characters long. */
static size_t
valid_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * A plausible address, not RFC 5322 in full: one "@", something before
 * it, a dotted domain after it, no white space. Whether it exists only a
 * mail can tell.
 */
static int
valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *dot;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strpbrk(s, " \t\n\r<>,;\"") != NULL || strlen(s) > 254)
		return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

/* Digits with the usual separators, and enough digits to dial. */
static int
valid_tel(const char *s)
{
	size_t	 digits = 0;

	if (strspn(s, "0123456789 +()/-") != strlen(s))
		return 0;
	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			digits++;
	return digits >= 3 && digits <= 20;
}

/* A German postcode: five digits (01067 Dresden to 99998 Weißensee). */
static int
valid_postcode(const char *s)
{
	return strlen(s) == 5 && strspn(s, "0123456789") == 5 &&
	    strcmp(s, "00000") != 0;
}

/*
 * An IBAN (ISO 13616): written with or without spaces, in any case; kept
 * as upper case without spaces. Two letters, two check digits, up to 30
 * letters and digits, German ones 22 long; the whole number mod 97 is 1.
 */
static int
valid_iban(char *s)
{
	char	*r, *w;
	size_t	 len, i;
	unsigned rem = 0;

	for (r = w = s; *r != '\0'; r++)
		if (*r != ' ')
			*w++ = (*r >= 'a' && *r <= 'z') ? (char)(*r - 32) : *r;
	*w = '\0';
	len = strlen(s);
	if (len < 15 || len > 34 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
	    s[1] > 'Z' || s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != len ||
	    (s[0] == 'D' && s[1] == 'E' && len != 22))
		return 0;
	/* The first four characters move to the end; letters count 10..35. */
	for (i = 0; i < len; i++) {
		char c = s[(i + 4) % len];
		if (c >= 'A' && c <= 'Z')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
	}
	return rem == 1;
}

/*
 * Every value sent for a multiselect (one per ticked box), trimmed, empty
 * ones dropped, one per line: that is how the answer is checked and kept.
 */
static char *
valid_gather(const struct req_params *in, const char *name)
{
	struct buf out;
	char	*v;
	size_t	 i;

	buf_init(&out, 0);
	for (i = 0; i < in->n; i++) {
		if (in->v[i].filename != NULL || strcmp(in->v[i].name, name) != 0)
			continue;
		if ((v = text_trim_dup(in->v[i].value)) == NULL) {
			buf_free(&out);
			return NULL;
		}
		if (*v != '\0' && strchr(v, '\n') == NULL)
			buf_printf(&out, "%s%s", out.len ? "\n" : "", v);
		free(v);
	}
	if (out.data == NULL)
		return strdup("");
	return buf_steal(&out);
}

/* Every line of a multiselect answer must be one of its options. */
static int
valid_options(const struct form_field *f, const char *v)
{
	char	 one[1024];
	size_t	 n;

	for (; *v != '\0'; v += n + (v[n] == '\n')) {
		n = strcspn(v, "\n");
		if (n >= sizeof(one))
			return 0;
		memcpy(one, v, n);
		one[n] = '\0';
		if (!form_has_option(f, one))
			return 0;
	}
	return 1;
}

/* Browsers send CRLF from textareas; keep one form of line break. */
static char *
valid_normalise(const char *in)
{
	char	*t, *r, *w;

	if ((t = text_trim_dup(in)) == NULL)
		return NULL;
	for (r = w = t; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r == '\r' ? '\n' : *r;
	*w = '\0';
	return t;
}

static int
valid_add(struct valid_result *res, const char *field, const char *code,
    const char *arg)
{
	struct valid_error *e;

	e = reallocarray(res->errors, res->nerrors + 1, sizeof(*e));
	if (e == NULL)
		return -1;
	res->errors = e;
	e = &res->errors[res->nerrors++];
	e->field = field;
	e->code = code;
	snprintf(e->arg, sizeof(e->arg), "%s", arg ? arg : "");
	return 0;
}

/*
 * The answer to the field named by the first `len` bytes of `name`, or ""
 * (also for a field that was not asked).
 */
const char *
valid_answer(const struct valid_result *res, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++)
		if (strlen(res->values[i].name) == len &&
		    strncmp(res->values[i].name, name, len) == 0)
			return res->values[i].value;
	return "";
}

/*
 * when="purpose=rente purpose=sozial": true when any of the listed fields
 * has the listed answer (as entered, before its own checks).
 */
static int
valid_condition(const struct valid_result *res, const char *when)
{
	const char *p = when, *eq, *answer;
	size_t	 n;

	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			return 0;
		n = strcspn(p, " ");
		if ((eq = memchr(p, '=', n)) != NULL) {
			answer = valid_answer(res, p, (size_t)(eq - p));
			if (strlen(answer) == n - (size_t)(eq - p) - 1 &&
			    strncmp(answer, eq + 1, n - (size_t)(eq - p) - 1) == 0)
				return 1;
		}
		p += n;
	}
}

/*
 * <at-least-one fields="a b c"/>: when all of them are empty, one error
 * at the first, which the error summary then links to.
 */
static int
valid_at_least_one(const struct form *form, struct valid_result *res)
{
	xmlNodePtr n;
	const char *p, *first;
	size_t	 len, firstlen;
	int	 any;
	char	 name[128];

	for (n = xmlDocGetRootElement(form->doc)->children; n != NULL;
	    n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "at-least-one") != 0 ||
		    (p = form_attr(n, "fields")) == NULL)
			continue;
		first = NULL;
		firstlen = 0;
		for (any = 0; *(p += strspn(p, " \t\n")) != '\0'; p += len) {
			len = strcspn(p, " \t\n");
			if (first == NULL) {
				first = p;
				firstlen = len;
			}
			if (*valid_answer(res, p, len) != '\0')
				any = 1;
		}
		if (any || first == NULL || firstlen >= sizeof(name))
			continue;
		memcpy(name, first, firstlen);
		name[firstlen] = '\0';
		/* The error needs a name that outlives this loop: the field's. */
		if (form_field(form, name) != NULL && valid_add(res,
		    form_field(form, name)->name, "at_least_one", NULL) == -1)
			return -1;
	}
	return 0;
}

static int
valid_warn(struct valid_result *res, const char *field)
{
	const char **w;

	if ((w = reallocarray(res->warnings, res->nwarnings + 1,
	    sizeof(*w))) == NULL)
		return -1;
	res->warnings = w;
	res->warnings[res->nwarnings++] = field;
	return 0;
}

/*
 * A date bound with "field:NAME" terms replaced by that field's answer.
 * A term whose field has no valid date is left out: that field has its
 * own error, and this one should not get a second, confusing one.
 */
static int
valid_resolve(const char *expr, const struct valid_result *res,
    struct buf *out)
{
	const char *p = expr, *v;
	struct when_date d;
	size_t	 n, i;

	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (n > 6 && strncmp(p, "field:", 6) == 0) {
			for (i = 0, v = NULL; i < res->nvalues && v == NULL; i++)
				if (strlen(res->values[i].name) == n - 6 &&
				    strncmp(res->values[i].name, p + 6, n - 6) == 0)
					v = res->values[i].value;
			if (v != NULL && when_parse_date(v, &d) == 0)
				buf_printf(out, " %s", v);
		} else
			buf_printf(out, " %.*s", (int)n, p);
		p += n;
	}
	return out->failed ? -1 : 0;
}

/* One bound of a date, resolved against the other answers. */
static int
valid_date_bound(const char *expr, enum when_bound_kind kind, int year,
    const struct when_date *today, const struct valid_result *res,
    struct when_date *bound)
{
	struct buf e;
	int	 rc;

	if (expr == NULL)
		return -1;
	buf_init(&e, 1024);
	rc = valid_resolve(expr, res, &e) == 0 && e.len > 0 ?
	    when_bound(buf_str(&e), kind, year, today, bound) : -1;
	buf_free(&e);
	return rc;
}

static const char *
valid_date(const struct form_field *f, const char *v,
    const struct when_date *today, const struct valid_result *res,
    char arg[VALID_ARG_MAX])
{
	struct when_date d, bound;

	if (when_parse_date(v, &d) == -1)
		return "date";
	if (valid_date_bound(f->min, WHEN_MIN, d.y, today, res, &bound) == 0 &&
	    when_cmp(&d, &bound) < 0) {
		when_format(&bound, arg);
		return "date_min";
	}
	if (valid_date_bound(f->max, WHEN_MAX, d.y, today, res, &bound) == 0 &&
	    when_cmp(&d, &bound) > 0) {
		when_format(&bound, arg);
		return "date_max";
	}
	/* The deadline is the last day the form may arrive for this date. */
	if (valid_date_bound(f->deadline, WHEN_MAX, d.y, today, res,
	    &bound) == 0 && when_cmp(today, &bound) > 0) {
		when_format(&bound, arg);
		return "date_deadline";
	}
	return NULL;
}

static const char *
valid_time(const struct form_field *f, const char *v, char arg[VALID_ARG_MAX])
{
	int	 t, b;

	if (when_parse_time(v, &t) == -1)
		return "time";
	if (f->min != NULL && when_parse_time(f->min, &b) == 0 && t < b) {
		snprintf(arg, VALID_ARG_MAX, "%s", f->min);
		return "time_min";
	}
	if (f->max != NULL && when_parse_time(f->max, &b) == 0 && t > b) {
		snprintf(arg, VALID_ARG_MAX, "%s", f->max);
		return "time_max";
	}
	return NULL;
}

static const char *
valid_number(const struct form_field *f, const char *v,
    char arg[VALID_ARG_MAX])
{
	long	 n, b;

	if (text_to_long(v, -1000000000L, 1000000000L, &n) == -1)
		return "number";
	if (f->min != NULL &&
	    text_to_long(f->min, -1000000000L, 1000000000L, &b) == 0 && n < b) {
		snprintf(arg, VALID_ARG_MAX, "%ld", b);
		return "number_min";
	}
	if (f->max != NULL &&
	    text_to_long(f->max, -1000000000L, 1000000000L, &b) == 0 && n > b) {
		snprintf(arg, VALID_ARG_MAX, "%ld", b);
		return "number_max";
	}
	return NULL;
}

/* The first problem with one non-empty value, or NULL when it is fine. */
static const char *
valid_field(const struct form_field *f, char *v,
    const struct when_date *today, const struct valid_result *res,
    char arg[VALID_ARG_MAX])
{
	size_t	 chars;
	const char *code = NULL;

	arg[0] = '\0';
	if (text_has_controls(v))
		return "control";
	chars = valid_chars(v);
	if (f->maxlength >= 0 && chars > (size_t)f->maxlength) {
		snprintf(arg, VALID_ARG_MAX, "%ld", f->maxlength);
		return "too_long";
	}
	if (f->minlength >= 0 && chars < (size_t)f->minlength) {
		snprintf(arg, VALID_ARG_MAX, "%ld", f->minlength);
		return "too_short";
	}
	switch (f->type) {
	case FORM_EMAIL:
		code = valid_email(v) ? NULL : "email";
		break;
	case FORM_TEL:
		code = valid_tel(v) ? NULL : "tel";
		break;
	case FORM_DATE:
		code = valid_date(f, v, today, res, arg);
		break;
	case FORM_TIME:
		code = valid_time(f, v, arg);
		break;
	case FORM_NUMBER:
		code = valid_number(f, v, arg);
		break;
	case FORM_SELECT:
	case FORM_RADIO:
		code = form_has_option(f, v) ? NULL : "option";
		break;
	case FORM_MULTISELECT:
		code = valid_options(f, v) ? NULL : "option";
		break;
	case FORM_POSTCODE:
		code = valid_postcode(v) ? NULL : "postcode";
		break;
	case FORM_IBAN:
		code = valid_iban(v) ? NULL : "iban";
		break;
	case FORM_CHECKBOX:
		code = strcmp(v, "yes") == 0 ? NULL : "option";
		break;
	case FORM_FILE:
		/* Only the page's description of a stored file can pass. */
		code = upload_check_answer(f, v, arg);
		break;
	default:
		break;
	}
	if (code == NULL && f->pattern != NULL &&
	    xmlRegexpExec(f->pattern, (const xmlChar *)v) != 1)
		code = "pattern";
	return code;
}

int
valid_check(const struct form *form, const struct req_params *in,
    const struct when_date *today, struct valid_result *res)
{
	const struct form_field *f;
	const char *raw, *code;
	char	 arg[VALID_ARG_MAX];
	size_t	 i;

	memset(res, 0, sizeof(*res));
	if ((res->values = calloc(form->nfields ? form->nfields : 1,
	    sizeof(*res->values))) == NULL)
		return -1;
	/* All answers first: a condition may name a later field. */
	for (i = 0; i < form->nfields; i++) {
		f = &form->fields[i];
		raw = req_param(in, f->name);
		res->values[i].name = f->name;
		res->values[i].value = f->type == FORM_MULTISELECT ?
		    valid_gather(in, f->name) : valid_normalise(raw ? raw : "");
		if (res->values[i].value == NULL)
			return -1;
		res->nvalues++;
	}
	for (i = 0; i < form->nfields; i++) {
		f = &form->fields[i];
		/* A field whose condition does not hold is not asked: its
		 * answer is dropped, never checked, never stored. */
		if (f->when != NULL && !valid_condition(res, f->when)) {
			res->values[i].value[0] = '\0';
			continue;
		}
		if (res->values[i].value[0] == '\0') {
			if (f->required && valid_add(res, f->name,
			    f->type == FORM_CHECKBOX ? "checkbox" : "required",
			    NULL) == -1)
				return -1;
			continue;
		}
		code = valid_field(f, res->values[i].value, today, res, arg);
		if (code != NULL && valid_add(res, f->name, code, arg) == -1)
			return -1;
		/* Only a valid answer can deserve a warning. */
		if (code == NULL && f->warn_pattern != NULL &&
		    xmlRegexpExec(f->warn_pattern,
		    (const xmlChar *)res->values[i].value) != 1 &&
		    valid_warn(res, f->name) == -1)
			return -1;
	}
	return valid_at_least_one(form, res);
}

/*
 * Has the citizen seen every warning and sent again? `accepted` is the
 * comma-separated list of fields the re-shown form carried back.
 */
int
valid_warnings_accepted(const struct valid_result *res, const char *accepted)
{
	size_t	 i, n;
	const char *p;

	for (i = 0; i < res->nwarnings; i++) {
		n = strlen(res->warnings[i]);
		for (p = accepted; p != NULL; p = strchr(p, ',')) {
			p += *p == ',';
			if (strncmp(p, res->warnings[i], n) == 0 &&
			    (p[n] == ',' || p[n] == '\0'))
				break;
		}
		if (p == NULL)
			return 0;
	}
	return 1;
}

void
valid_result_free(struct valid_result *res)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++)
		free(res->values[i].value);
	free(res->values);
	free(res->errors);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}
