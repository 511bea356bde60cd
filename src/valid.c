#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"
#include "upload.h"
#include "cal.h"
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
int
valid_iban(char *s)
{
	char	*r, *w;
	size_t	 len;

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
	return text_mod97(s) == 1;
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

/* Room for the canonical amount ("10000000.00") however short the answer. */
#define VALID_MONEY_ROOM	24

/*
 * An amount in euro as a German citizen types it, in cents: "12", "12,5",
 * "1.234,50", "1 234,50", "1234.5", "12 €", "12EUR". The last '.' or ','
 * followed by one or two digits at the end separates the cents. Every
 * other '.', ',' or space separates groups of three digits: all of one
 * kind, not the decimal separator, and without cents never ',' ("12,345"
 * is a mistyped 12,34 rather than twelve thousand). No sign. Amounts above
 * FORM_CENTS_MAX come out as FORM_CENTS_MAX + 1. -1: not an amount.
 */
static int
valid_money_parse(const char *s, long *cents)
{
	const char *end = s + strlen(s), *dec = NULL, *p;
	char	 group = '\0';
	size_t	 run = 0;
	long	 v = 0;
	int	 frac = 0, i;

	if (end - s >= 3 && strcmp(end - 3, "\xe2\x82\xac") == 0)
		end -= 3;
	else if (end - s >= 3 && strncasecmp(end - 3, "EUR", 3) == 0)
		end -= 3;
	while (end > s && end[-1] == ' ')
		end--;
	if (end == s || *s < '0' || *s > '9')
		return -1;
	for (p = end; p > s && p[-1] >= '0' && p[-1] <= '9';)
		p--;
	if (p > s && end - p >= 1 && end - p <= 2 &&
	    (p[-1] == '.' || p[-1] == ','))
		dec = p - 1;
	for (p = s; p < (dec ? dec : end); p++) {
		if (*p >= '0' && *p <= '9') {
			run++;
			v = v > FORM_CENTS_MAX / 100 ? v : v * 10 + (*p - '0');
			continue;
		}
		if ((*p != '.' && *p != ',' && *p != ' ') ||
		    (group != '\0' && *p != group) ||
		    (dec != NULL && *p == *dec) || (dec == NULL && *p == ',') ||
		    run == 0 || run > 3 || (group != '\0' && run != 3) ||
		    *s == '0')
			return -1;
		group = *p;
		run = 0;
	}
	if (run == 0 || (group != '\0' && run != 3))
		return -1;
	for (i = 0, p = dec ? dec + 1 : end; i < 2; i++)
		frac = frac * 10 + (p < end ? *p++ - '0' : 0);
	v = v * 100 + frac;
	*cents = v > FORM_CENTS_MAX ? FORM_CENTS_MAX + 1 : v;
	return 0;
}


/* The answer with VALID_MONEY_ROOM bytes to spare; freed on failure. */
static char *
valid_money_room(char *v)
{
	char	*r;

	if (v == NULL || (r = realloc(v, strlen(v) + VALID_MONEY_ROOM)) == NULL) {
		free(v);
		return NULL;
	}
	return r;
}

/*
 * A valid amount is kept in the one form exports and the re-shown form
 * can rely on: "1234.50". The value has VALID_MONEY_ROOM bytes to spare.
 */
static const char *
valid_money(const struct form_field *f, char *v, char arg[VALID_ARG_MAX])
{
	long	 cents, b;

	if (valid_money_parse(v, &cents) == -1)
		return "money";
	if (f->min != NULL &&
	    text_to_long(f->min, -FORM_CENTS_MAX, FORM_CENTS_MAX, &b) == 0 &&
	    cents < b) {
		(void)text_cents_format(b, arg, VALID_ARG_MAX);
		return "money_min";
	}
	if (f->max == NULL ||
	    text_to_long(f->max, -FORM_CENTS_MAX, FORM_CENTS_MAX, &b) == -1)
		b = FORM_CENTS_MAX;
	if (cents > b) {
		(void)text_cents_format(b, arg, VALID_ARG_MAX);
		return "money_max";
	}
	(void)text_cents_format(cents, v, VALID_MONEY_ROOM);
	return NULL;
}

/*
 * Every value sent for a multiselect (one per ticked box), trimmed, empty
 * ones dropped, one per line: that is how the answer is checked and kept.
 */
static char *
valid_gather(const struct req_params *in, const char *name)
{
	struct buf out;
	char	*v, *p, *t, *save = NULL;
	size_t	 i;

	buf_init(&out, 0);
	for (i = 0; i < in->n; i++) {
		if (in->v[i].filename != NULL || strcmp(in->v[i].name, name) != 0)
			continue;
		if ((v = valid_normalise(in->v[i].value)) == NULL) {
			buf_free(&out);
			return NULL;
		}
		/* A page carries earlier answers as one line-separated value. */
		for (p = strtok_r(v, "\n", &save); p != NULL;
		    p = strtok_r(NULL, "\n", &save))
			if ((t = text_trim_dup(p)) == NULL || (*t != '\0' &&
			    buf_printf(&out, "%s%s", out.len ? "\n" : "", t) == -1)) {
				free(t);
				free(v);
				buf_free(&out);
				return NULL;
			} else
				free(t);
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
 * has the listed answer (as entered, before its own checks); no condition
 * (NULL) is true.
 */
int
valid_when(const struct valid_result *res, const char *when)
{
	const char *p = when, *eq, *answer;
	size_t	 n;

	if (when == NULL)
		return 1;
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
	size_t	 len, firstlen, i;
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
		/* The error needs a name that outlives this loop: the value's. */
		for (i = 0; i < res->nvalues; i++)
			if (strcmp(res->values[i].name, name) == 0 &&
			    valid_add(res, res->values[i].name, "at_least_one",
			    NULL) == -1)
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

/* A time bound: HH:MM, or "field:NAME", that field's answer (end after start). */
static const char *
valid_time_bound(const char *expr, const struct valid_result *res)
{
	if (expr != NULL && strncmp(expr, "field:", 6) == 0)
		return valid_answer(res, expr + 6, strlen(expr + 6));
	return expr;
}

static const char *
valid_time(const struct form_field *f, const char *v,
    const struct valid_result *res, char arg[VALID_ARG_MAX])
{
	const char *min = valid_time_bound(f->min, res);
	const char *max = valid_time_bound(f->max, res);
	int	 t, b;

	if (when_parse_time(v, &t) == -1)
		return "time";
	if (min != NULL && when_parse_time(min, &b) == 0 && t < b) {
		snprintf(arg, VALID_ARG_MAX, "%s", min);
		return "time_min";
	}
	if (max != NULL && when_parse_time(max, &b) == 0 && t > b) {
		snprintf(arg, VALID_ARG_MAX, "%s", max);
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
	struct when_date slot_day;
	size_t	 chars;
	const char *code = NULL;
	int	 slot_minute;

	arg[0] = '\0';
	if (text_has_controls(v))
		return "control";
	if (text_has_bidi(v))
		return "bidi";
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
		code = text_email_plain(v) ? NULL : "email";
		break;
	case FORM_TEL:
		code = valid_tel(v) ? NULL : "tel";
		break;
	case FORM_DATE:
		code = valid_date(f, v, today, res, arg);
		break;
	case FORM_TIME:
		code = valid_time(f, v, res, arg);
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
	case FORM_MONEY:
		code = valid_money(f, v, arg);
		break;
	case FORM_CHECKBOX:
		code = strcmp(v, "yes") == 0 ? NULL : "option";
		break;
	case FORM_FILE:
		/* Only the page's description of a stored file can pass. */
		code = upload_check_answer(f, v, arg);
		break;
	case FORM_SLOT:
		/* The form alone; whether the calendar offers it and a place
		 * is free is page_slot's (it needs the store). */
		code = cal_parse_slot(v, &slot_day, &slot_minute) == 0 ? NULL :
		    "slot";
		break;
	default:
		break;
	}
	if (code == NULL && f->pattern != NULL &&
	    xmlRegexpExec(f->pattern, (const xmlChar *)v) != 1)
		code = "pattern";
	return code;
}

/*
 * Rows of each repeating group: as many as the page said (_rows.NAME),
 * within min..max; one more for _add=NAME; one fewer for _remove=NAME.K,
 * whose later rows then move up. `from` gets the removed row per group.
 */
static int
valid_rows(const struct form *form, const struct req_params *in,
    struct valid_result *res, long *from)
{
	const struct form_group *g;
	const char *v;
	char	 key[160];
	size_t	 i, n;
	long	 k;

	if ((res->rows = calloc(form->ngroups + 1, sizeof(*res->rows))) == NULL)
		return -1;
	for (i = 0; i < form->ngroups; i++) {
		g = &form->groups[i];
		from[i] = 0;
		if (!g->repeat) {
			res->rows[i] = 1;
			continue;
		}
		snprintf(key, sizeof(key), "_rows.%s", g->name);
		if ((v = req_param(in, key)) == NULL ||
		    text_to_long(v, g->min, g->max, &res->rows[i]) == -1)
			res->rows[i] = g->min;
		if ((v = req_param(in, "_add")) != NULL &&
		    strcmp(v, g->name) == 0 && res->rows[i] < g->max) {
			res->rows[i]++;
			res->rows_changed = 1;
			res->rows_group = i;
			res->rows_added = res->rows[i];
		}
		n = strlen(g->name);
		if ((v = req_param(in, "_remove")) != NULL &&
		    strncmp(v, g->name, n) == 0 && v[n] == '.' &&
		    text_to_long(v + n + 1, 1, res->rows[i], &k) == 0 &&
		    res->rows[i] > g->min) {
			res->rows[i]--;
			from[i] = k;
			res->rows_changed = 1;
			res->rows_group = i;
			res->rows_added = 0;
			res->rows_removed = k;
		}
	}
	return 0;
}

/* Take the answer to field `f` in `row` (0: not repeating) from `in`. */
static int
valid_take(const struct form_field *f, long row, long removed,
    const struct req_params *in, struct valid_value *v)
{
	char	 name[160], src[160];
	const char *raw;

	v->field = f;
	v->row = row;
	/* Rows after a removed one take the answers of the next. */
	if (row == 0) {
		snprintf(name, sizeof(name), "%s", f->name);
		snprintf(src, sizeof(src), "%s", f->name);
	} else {
		snprintf(name, sizeof(name), "%s.%ld", f->name, row);
		snprintf(src, sizeof(src), "%s.%ld", f->name,
		    removed > 0 && row >= removed ? row + 1 : row);
	}
	if ((v->name = strdup(name)) == NULL)
		return -1;
	raw = req_param(in, src);
	v->value = f->type == FORM_MULTISELECT ? valid_gather(in, src) :
	    valid_normalise(raw ? raw : "");
	if (f->type == FORM_MONEY)
		v->value = valid_money_room(v->value);
	return v->value == NULL ? -1 : 0;
}

static int
valid_one(struct valid_value *v,
    const struct when_date *today, struct valid_result *res)
{
	const struct form_field *f = v->field;
	const char *code;
	char	 arg[VALID_ARG_MAX];

	if (v->value[0] == '\0')
		return f->required && valid_add(res, v->name,
		    f->type == FORM_CHECKBOX ? "checkbox" : "required",
		    NULL) == -1 ? -1 : 0;
	code = valid_field(f, v->value, today, res, arg);
	if (code != NULL && valid_add(res, v->name, code, arg) == -1)
		return -1;
	/* Only a valid answer can deserve a warning. */
	if (code == NULL && f->warn_pattern != NULL &&
	    xmlRegexpExec(f->warn_pattern, (const xmlChar *)v->value) != 1 &&
	    valid_warn(res, v->name) == -1)
		return -1;
	return 0;
}

/*
 * Which questions are asked: those whose page, group and own conditions
 * hold on the answers to the questions that are asked. A question that
 * is not asked loses its answer (never checked, never stored), and that
 * may leave others not asked: repeat until nothing changes. Answers are
 * only ever dropped, so this ends within one round per question, and as
 * the linter refuses cyclic conditions there is one such end whatever
 * the order of the fields.
 */
static void
valid_asked(const struct form *form, struct valid_result *res)
{
	const struct form_field *f;
	const struct form_group *g;
	struct valid_value *v;
	size_t	 i;
	int	 changed;

	for (i = 0; i < res->nvalues; i++)
		res->values[i].asked = 1;
	do {
		changed = 0;
		for (i = 0; i < res->nvalues; i++) {
			v = &res->values[i];
			f = v->field;
			g = f->group >= 0 ? &form->groups[f->group] : NULL;
			if (!v->asked || (valid_when(res,
			    form->pages[f->page].when) &&
			    (g == NULL || valid_when(res, g->when)) &&
			    valid_when(res, f->when)))
				continue;
			v->asked = 0;
			v->value[0] = '\0';
			changed = 1;
		}
	} while (changed);
}

int
valid_check(const struct form *form, const struct req_params *in,
    const struct when_date *today, struct valid_result *res)
{
	const struct form_field *f;
	const struct form_group *g;
	long	*from, row;
	size_t	 i, n = 0;

	memset(res, 0, sizeof(*res));
	if ((from = calloc(form->ngroups + 1, sizeof(*from))) == NULL)
		return -1;
	if (valid_rows(form, in, res, from) == -1)
		goto fail;
	for (i = 0; i < form->nfields; i++)
		n += form->fields[i].group >= 0 ?
		    (size_t)res->rows[form->fields[i].group] : 1;
	if ((res->values = calloc(n + 1, sizeof(*res->values))) == NULL)
		goto fail;
	/* All answers first: a condition may name a later field. */
	for (i = 0; i < form->nfields; i++) {
		f = &form->fields[i];
		g = f->group >= 0 ? &form->groups[f->group] : NULL;
		for (row = g && g->repeat ? 1 : 0;
		    row <= (g && g->repeat ? res->rows[f->group] : 0); row++) {
			if (valid_take(f, row, g ? from[f->group] : 0, in,
			    &res->values[res->nvalues]) == -1) {
				res->nvalues++;
				goto fail;
			}
			res->nvalues++;
		}
	}
	valid_asked(form, res);
	for (i = 0; i < res->nvalues; i++)
		if (res->values[i].asked &&
		    valid_one(&res->values[i], today, res) == -1)
			goto fail;
	free(from);
	return valid_at_least_one(form, res);
fail:
	free(from);
	return -1;
}

/*
 * An error found outside valid_check (a file that was refused) replaces
 * whatever valid_check said about that answer: one error per field.
 */
int
valid_set_error(struct valid_result *res, const char *name, const char *code,
    const char *arg)
{
	size_t	 i, k;

	for (i = 0; i < res->nvalues; i++)
		if (strcmp(res->values[i].name, name) == 0)
			break;
	if (i == res->nvalues)
		return -1;
	for (k = 0; k < res->nerrors; k++)
		if (strcmp(res->errors[k].field, name) == 0) {
			res->errors[k].code = code;
			snprintf(res->errors[k].arg, VALID_ARG_MAX, "%s",
			    arg ? arg : "");
			return 0;
		}
	return valid_add(res, res->values[i].name, code, arg);
}

/* Is field `name` in the comma-separated list a re-shown form carried? */
int
valid_warning_accepted(const char *accepted, const char *name)
{
	const char *p;
	size_t	 n = strlen(name);

	for (p = accepted; p != NULL; p = strchr(p, ',')) {
		p += *p == ',';
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Has the citizen seen every warning and sent again? */
int
valid_warnings_accepted(const struct valid_result *res, const char *accepted)
{
	size_t	 i;

	for (i = 0; i < res->nwarnings; i++)
		if (!valid_warning_accepted(accepted, res->warnings[i]))
			return 0;
	return 1;
}

void
valid_result_free(struct valid_result *res)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++) {
		free(res->values[i].name);
		free(res->values[i].value);
	}
	free(res->values);
	free(res->rows);
	free(res->errors);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}
