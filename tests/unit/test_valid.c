#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fee.h"
#include "form.h"
#include "upload.h"
#include "valid.h"
#include "formfixture.h"
#include "addresses.h"


/* "Today" for every test: 2026-03-20, so Karsamstag 2026 (04-04) is open. */
static const struct when_date today = { 2026, 3, 20 };

static int
setup(void **state)
{
	return fixture_load(state, SRCDIR "/tests/unit/valid-form.xml");
}

static int
teardown(void **state)
{
	return fixture_free(state);
}

/* Valid answers, with one field replaced by the test. */
static void
answers(struct req_params *ps, const char *field, const char *value)
{
	static const char *const base[][2] = {
		{ "name", "Anna" }, { "notes", "" }, { "email", "a@b.de" },
		{ "phone", "04944 305-0" }, { "zip", "26639" },
		{ "fire", "2026-04-04" }, { "when", "19:30" }, { "count", "3" },
		{ "ends", "23:00" },
		{ "kind", "holz" }, { "plz", "26639" },
		{ "iban", "DE89 3704 0044 0532 0130 00" }, { "copies", "2" },
		{ "delivery", "post" }, { "chip", "276098106612345" },
		{ "until", "2099-12-31" }, { "uses", "a" },
		{ "amount", "12,50" }, { "agree", "yes" },
		/* what the page makes of a stored upload */
		{ "scan", "a.pdf\napplication/pdf\n1234" },
	};
	size_t	 i, n = sizeof(base) / sizeof(base[0]);

	memset(ps, 0, sizeof(*ps));
	ps->v = calloc(n, sizeof(*ps->v));
	assert_non_null(ps->v);
	for (i = 0; i < n; i++) {
		const char *v = strcmp(base[i][0], field) == 0 ? value : base[i][1];
		if (v == NULL)
			continue;
		ps->v[ps->n].name = strdup(base[i][0]);
		ps->v[ps->n].value = strdup(v);
		ps->v[ps->n].valuelen = strlen(v);
		ps->n++;
	}
	ps->cap = n;
}

/* Check one value; returns the code of the one expected error, or NULL. */
static const char *
check(struct fixture *f, const char *field, const char *value, char *arg)
{
	static char code[32];
	struct req_params ps;
	struct valid_result res;

	answers(&ps, field, value);
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	req_params_free(&ps);
	assert_true(res.nerrors <= 1);
	if (res.nerrors == 0) {
		valid_result_free(&res);
		return NULL;
	}
	assert_string_equal(res.errors[0].field, field);
	snprintf(code, sizeof(code), "%s", res.errors[0].code);
	if (arg != NULL)
		memcpy(arg, res.errors[0].arg, VALID_ARG_MAX);
	valid_result_free(&res);
	return code;
}

static void
test_valid_all_good(void **state)
{
	assert_null(check(*state, "none", NULL, NULL));
}

static void
test_valid_required_and_lengths(void **state)
{
	char	 arg[VALID_ARG_MAX];

	assert_string_equal(check(*state, "name", "", NULL), "required");
	assert_string_equal(check(*state, "name", "   ", NULL), "required");
	assert_string_equal(check(*state, "name", NULL, NULL), "required");
	assert_string_equal(check(*state, "name", "A", arg), "too_short");
	assert_string_equal(arg, "2");
	assert_string_equal(check(*state, "name", "Annabel", arg), "too_long");
	assert_string_equal(arg, "5");
	/* Characters, not bytes: five umlauts are five characters. */
	assert_null(check(*state, "name", "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\xc3\xb6", NULL));
	assert_string_equal(check(*state, "name", "An\x1b" "na", NULL), "control");
	assert_string_equal(check(*state, "agree", "", NULL), "checkbox");
	assert_string_equal(check(*state, "agree", "on", NULL), "option");
}

static void
test_valid_formats(void **state)
{
	char	 arg[VALID_ARG_MAX];

	assert_null(check(*state, "email", "", NULL));	/* optional */
	assert_string_equal(check(*state, "email", "anna", NULL), "email");
	assert_string_equal(check(*state, "email", "a@b", NULL), "email");
	assert_string_equal(check(*state, "email", "a b@c.de", NULL), "email");
	assert_string_equal(check(*state, "email", "a@@c.de", NULL), "email");
	assert_string_equal(check(*state, "phone", "call me", NULL), "tel");
	assert_string_equal(check(*state, "phone", "12", NULL), "tel");
	assert_null(check(*state, "phone", "+49 (4944) 305/0", NULL));
	assert_string_equal(check(*state, "zip", "2663", NULL), "pattern");
	assert_string_equal(check(*state, "zip", "2663a", NULL), "pattern");
	/* Longer than maxlength: the pattern is not even run on it. */
	assert_string_equal(check(*state, "zip", "26639a", arg), "too_long");
	assert_string_equal(arg, "5");
	assert_string_equal(check(*state, "kind", "reifen", NULL), "option");
}

/*
 * The form accepts exactly the addresses mail can be sent to: the same
 * lists as test_mail.c's (addresses.h), both ways.
 */
static void
test_valid_email_addresses(void **state)
{
	const char *code;
	size_t	 i;

	for (i = 0; i < sizeof(addresses_good) / sizeof(addresses_good[0]);
	    i++)
		if ((code = check(*state, "email", addresses_good[i], NULL)) !=
		    NULL)
			fail_msg("%s: %s", addresses_good[i], code);
	for (i = 0; i < sizeof(addresses_bad) / sizeof(addresses_bad[0]); i++)
		if ((code = check(*state, "email", addresses_bad[i], NULL)) ==
		    NULL || strcmp(code, "email") != 0)
			fail_msg("%s: %s", addresses_bad[i],
			    code ? code : "accepted");
}

/*
 * Characters that reorder text as it is shown (Unicode's Bidi_Control:
 * embeddings, overrides, isolates and the three marks) are refused: an
 * IBAN or a name could be shown otherwise than it is stored. Joiners,
 * which some scripts and emoji need, are not.
 */
static void
test_valid_bidi_refused(void **state)
{
	static const char *const bidi[] = {
		"\xd8\x9c",		/* U+061C ARABIC LETTER MARK */
		"\xe2\x80\x8e", "\xe2\x80\x8f",	/* U+200E, U+200F */
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
		"\xe2\x80\xad", "\xe2\x80\xae",	/* U+202A..U+202E */
		"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
		"\xe2\x81\xa9",			/* U+2066..U+2069 */
	};
	const char *code;
	char	 v[32];
	size_t	 i;

	for (i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		snprintf(v, sizeof(v), "An%sna", bidi[i]);
		if ((code = check(*state, "name", v, NULL)) == NULL ||
		    strcmp(code, "bidi") != 0)
			fail_msg("case %zu: %s", i, code ? code : "accepted");
		snprintf(v, sizeof(v), "%s=1+1", bidi[i]);
		if ((code = check(*state, "notes", v, NULL)) == NULL ||
		    strcmp(code, "bidi") != 0)
			fail_msg("case %zu: %s", i, code ? code : "accepted");
	}
	/* U+200D ZERO WIDTH JOINER, U+200C NON-JOINER; the neighbours
	 * U+061B, U+2010, U+202F (NARROW NO-BREAK SPACE). */
	assert_null(check(*state, "notes", "\xe2\x80\x8d\xe2\x80\x8c", NULL));
	assert_null(check(*state, "notes", "\xd8\x9b\xe2\x80\x90\xe2\x80\xaf",
	    NULL));
}

static void
test_valid_postcode_iban_radio(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;
	size_t	 i;

	assert_string_equal(check(*state, "plz", "2663", NULL), "postcode");
	assert_string_equal(check(*state, "plz", "266390", NULL), "postcode");
	assert_string_equal(check(*state, "plz", "00000", NULL), "postcode");
	assert_null(check(*state, "plz", "01067", NULL));
	/* The standard's examples are valid; one changed digit is not. */
	assert_null(check(*state, "iban", "GB82WEST12345698765432", NULL));
	assert_null(check(*state, "iban", "de89370400440532013000", NULL));
	assert_string_equal(check(*state, "iban", "DE89 3704 0044 0532 0130 01",
	    NULL), "iban");
	assert_string_equal(check(*state, "iban", "DE89 3704 0044 0532 0130",
	    NULL), "iban");		/* German IBANs have 22 characters */
	assert_string_equal(check(*state, "iban", "DE89-3704-0044-0532-0130-00",
	    NULL), "iban");
	assert_string_equal(check(*state, "copies", "3", NULL), "option");
	/* Options from the code list data/codes/zustellung.xml. */
	assert_null(check(*state, "delivery", "post", NULL));
	assert_string_equal(check(*state, "delivery", "drohne", NULL), "option");
	assert_null(check(*state, "copies", "1", NULL));

	/* An IBAN is kept the way banks print it: upper case, no spaces. */
	answers(&ps, "iban", "de89 3704 0044 0532 0130 00");
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	for (i = 0; i < res.nvalues; i++)
		if (strcmp(res.values[i].name, "iban") == 0)
			assert_string_equal(res.values[i].value,
			    "DE89370400440532013000");
	valid_result_free(&res);
	req_params_free(&ps);
}

/* A warning is no error: it stops the first send only. */
static void
test_valid_warnings(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;

	answers(&ps, "chip", "27609810661234");	/* 14 digits */
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	assert_int_equal(res.nwarnings, 1);
	assert_string_equal(res.warnings[0], "chip");
	assert_false(valid_warnings_accepted(&res, NULL));
	assert_false(valid_warnings_accepted(&res, ""));
	assert_false(valid_warnings_accepted(&res, "chi"));
	assert_false(valid_warnings_accepted(&res, "chips"));
	assert_true(valid_warnings_accepted(&res, "chip"));
	assert_true(valid_warnings_accepted(&res, "other,chip"));
	valid_result_free(&res);
	req_params_free(&ps);

	answers(&ps, "none", NULL);
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nwarnings, 0);
	assert_true(valid_warnings_accepted(&res, NULL));
	valid_result_free(&res);
	req_params_free(&ps);
}

/* Fees from the rules: base, by option, per unit after the first, waived. */
static long
fee_for(struct fixture *f, const char *field, const char *value)
{
	struct req_params ps;
	struct valid_result res;
	struct fee_bill bill;
	long	 cents;

	answers(&ps, field, value);
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	assert_int_equal(fee_bill(&f->form, &res, &today, &bill), 0);
	cents = bill.total;
	fee_bill_free(&bill);
	valid_result_free(&res);
	req_params_free(&ps);
	return cents;
}

/* when=: asked, and so required, only when a listed answer was given. */
static void
test_valid_conditions(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;
	size_t	 i;

	/* delivery=post: not asked; an answer sent anyway is dropped. */
	answers(&ps, "why", "weil");
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	for (i = 0; i < res.nvalues; i++)
		if (strcmp(res.values[i].name, "why") == 0)
			assert_string_equal(res.values[i].value, "");
	valid_result_free(&res);
	req_params_free(&ps);
	/* delivery=abholung: asked and required. */
	answers(&ps, "delivery", "abholung");
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].field, "why");
	assert_string_equal(res.errors[0].code, "required");
	valid_result_free(&res);
	req_params_free(&ps);
}

/* The checked answers of `body` (name=value&...) to the when-order form. */
static void
check_order(struct fixture *f, const char *body, struct valid_result *res)
{
	struct req_params ps;

	memset(&ps, 0, sizeof(ps));
	assert_int_equal(req_parse_urlencoded(&ps, &req_default_limits, body,
	    strlen(body)), REQ_OK);
	assert_int_equal(valid_check(&f->form, &ps, &today, res), 0);
	req_params_free(&ps);
}

static const struct valid_value *
order_value(const struct valid_result *res, const char *name)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++)
		if (strcmp(res->values[i].name, name) == 0)
			return &res->values[i];
	fail_msg("no value %s", name);
	return NULL;
}

/*
 * What is asked follows from the answers that are asked, whatever the
 * order of the fields: "c" (required, when b=ja) stands before "b" (when
 * a=x). With a=y, "b" is not asked, so its "ja" counts for nothing: not
 * for "c", not for page "p2" or group "g", and not for "h", which waits
 * for "f" on that page.
 */
static void
test_valid_conditions_in_any_order(void **state)
{
	void	*st = NULL;
	struct fixture *f;
	struct valid_result res;

	(void)state;
	assert_int_equal(fixture_load(&st, SRCDIR "/tests/unit/when-order.xml"),
	    0);
	f = st;

	check_order(f, "a=y&b=ja&f=yes", &res);
	assert_int_equal(res.nerrors, 0);
	assert_false(order_value(&res, "b")->asked);
	assert_string_equal(order_value(&res, "b")->value, "");
	assert_false(order_value(&res, "c")->asked);
	assert_false(order_value(&res, "d")->asked);
	assert_false(order_value(&res, "f")->asked);
	assert_string_equal(order_value(&res, "f")->value, "");
	assert_false(order_value(&res, "e")->asked);
	assert_false(order_value(&res, "h")->asked);
	assert_false(valid_when(&res, f->form.pages[1].when));
	valid_result_free(&res);

	/* a=x: "b" is asked, and with it everything that waits for it. */
	check_order(f, "a=x&b=ja&f=yes", &res);
	assert_true(order_value(&res, "c")->asked);
	assert_true(order_value(&res, "d")->asked);
	assert_true(order_value(&res, "e")->asked);
	assert_true(order_value(&res, "h")->asked);
	assert_true(valid_when(&res, f->form.pages[1].when));
	assert_int_equal(res.nerrors, 4);
	assert_string_equal(res.errors[0].field, "c");
	assert_string_equal(res.errors[0].code, "required");
	valid_result_free(&res);

	/* b=nein: "c", the page and the group are not asked. */
	check_order(f, "a=x&b=nein&c=text&d=text&e=text&f=yes&h=text", &res);
	assert_int_equal(res.nerrors, 0);
	assert_string_equal(order_value(&res, "c")->value, "");
	assert_string_equal(order_value(&res, "d")->value, "");
	assert_string_equal(order_value(&res, "e")->value, "");
	assert_string_equal(order_value(&res, "h")->value, "");
	valid_result_free(&res);
	fixture_free(&st);
}

/* A date bound by another answer: not before the fire's date. */
static void
test_valid_field_bounds(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;
	char	 arg[VALID_ARG_MAX];

	assert_null(check(*state, "until", "2026-04-04", NULL));
	assert_string_equal(check(*state, "until", "2026-04-03", arg),
	    "date_min");
	assert_string_equal(arg, "2026-04-04");
	/* The other date is wrong: that one error, none here besides. */
	answers(&ps, "fire", "kein Datum");
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].field, "fire");
	valid_result_free(&res);
	req_params_free(&ps);
}

/* <at-least-one fields="plz iban"/>: one of the two is enough. */
static void
test_valid_at_least_one(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;

	assert_null(check(*state, "plz", "", NULL));
	assert_null(check(*state, "iban", "", NULL));

	answers(&ps, "plz", "");
	for (size_t i = 0; i < ps.n; i++)
		if (strcmp(ps.v[i].name, "iban") == 0)
			ps.v[i].value[0] = '\0';
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].field, "plz");
	assert_string_equal(res.errors[0].code, "at_least_one");
	valid_result_free(&res);
	req_params_free(&ps);
}

/* A multiselect sends its name once per ticked box; kept one per line. */
static void
test_valid_multiselect(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;
	size_t	 i;
	const char *sent[] = { "b", " a ", "", "b" };

	answers(&ps, "uses", NULL);
	ps.v = reallocarray(ps.v, ps.n + 4, sizeof(*ps.v));
	assert_non_null(ps.v);
	for (i = 0; i < 4; i++) {
		ps.v[ps.n].name = strdup("uses");
		ps.v[ps.n].value = strdup(sent[i]);
		ps.v[ps.n].valuelen = strlen(sent[i]);
		ps.v[ps.n].filename = ps.v[ps.n].ctype = NULL;
		ps.n++;
	}
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	for (i = 0; i < res.nvalues; i++)
		if (strcmp(res.values[i].name, "uses") == 0)
			assert_string_equal(res.values[i].value, "b\na\nb");
	valid_result_free(&res);
	req_params_free(&ps);
	assert_string_equal(check(*state, "uses", "c", NULL), "option");
	assert_null(check(*state, "uses", "a", NULL));
}

/* The stored form of one valid answer to the field. */
static void
assert_stored(struct fixture *f, const char *field, const char *value,
    const char *stored)
{
	struct req_params ps;
	struct valid_result res;

	answers(&ps, field, value);
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	assert_string_equal(valid_answer(&res, field, strlen(field)), stored);
	valid_result_free(&res);
	req_params_free(&ps);
}

/* Euro as typed in Germany, kept as "1234.50"; bounds are in cents. */
static void
test_valid_money(void **state)
{
	static const char *const good[][2] = {
		{ "12", "12.00" }, { "12,5", "12.50" }, { "12,50", "12.50" },
		{ "12.50", "12.50" }, { "1.234,50", "1234.50" },
		{ "1 234,50", "1234.50" }, { "1234.5", "1234.50" },
		{ "1,234.50", "1234.50" }, { "1.234", "1234.00" },
		{ "1 000", "1000.00" }, { "12 \xe2\x82\xac", "12.00" },
		{ "12,50\xe2\x82\xac", "12.50" }, { "12 EUR", "12.00" },
		{ "12,05EUR", "12.05" }, { "  7,1  ", "7.10" },
		{ "1000", "1000.00" }, { "1,00", "1.00" },
	};
	static const char *const bad[] = {
		"12,345", "1.23.4", "-5", "12,", "abc", "1,2,3", "12.",
		",50", "1,234", "1.234.50", "1.234 567,00", "12 34", "1  234,00",
		"12,5 EUR EUR", "\xe2\x82\xac", "EUR 12", "12,5,0", "0.500",
		"12,50 $", "+12", "1e3", "12,-",
	};
	char	 arg[VALID_ARG_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_stored(*state, "amount", good[i][0], good[i][1]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *code = check(*state, "amount", bad[i], NULL);
		if (code == NULL || strcmp(code, "money") != 0)
			fail_msg("'%s' gave %s, want money", bad[i],
			    code ? code : "no error");
	}
	/* The stored form is read back as the same amount. */
	assert_stored(*state, "amount", "1234.50", "1234.50");
	/* min="100" max="1000000": 1,00 to 10.000,00 EUR. */
	assert_string_equal(check(*state, "amount", "0,99", arg), "money_min");
	assert_string_equal(arg, "1.00");
	assert_null(check(*state, "amount", "10.000,00", NULL));
	assert_string_equal(check(*state, "amount", "10.000,01", arg),
	    "money_max");
	assert_string_equal(arg, "10000.00");
	/* Beyond FORM_CENTS_MAX is above any max, and never overflows. */
	assert_string_equal(check(*state, "amount",
	    "99999999999999999999999,99", arg), "money_max");
	assert_string_equal(arg, "10000.00");
	assert_null(check(*state, "amount", "", NULL));	/* optional */
}

static void
test_fee_rules(void **state)
{
	/* 15.00 and 7.50 for each unit after the first: 3 units, 30.00. */
	assert_int_equal(fee_for(*state, "none", NULL), 3000);
	assert_int_equal(fee_for(*state, "count", "1"), 1500);
	assert_int_equal(fee_for(*state, "count", "20"), 1500 + 19 * 750);
	/* The option sets the base: 9.00 + 2 x 7.50. */
	assert_int_equal(fee_for(*state, "kind", "schnitt"), 900 + 1500);
	/* Waived whatever else was chosen. */
	assert_int_equal(fee_for(*state, "copies", "1"), 0);
	/* Empty quantity: no units. */
	assert_int_equal(fee_for(*state, "count", ""), 1500);
}

static void
test_valid_numbers_and_times(void **state)
{
	char	 arg[VALID_ARG_MAX];

	assert_string_equal(check(*state, "count", "0", arg), "number_min");
	assert_string_equal(arg, "1");
	assert_string_equal(check(*state, "count", "21", arg), "number_max");
	assert_string_equal(arg, "20");
	assert_string_equal(check(*state, "count", "3.5", NULL), "number");
	assert_string_equal(check(*state, "count", "drei", NULL), "number");
	assert_string_equal(check(*state, "when", "07:59", arg), "time_min");
	assert_string_equal(arg, "08:00");
	assert_string_equal(check(*state, "when", "22:01", NULL), "time_max");
	assert_string_equal(check(*state, "when", "7 Uhr", NULL), "time");
	/* Ends after it starts: bounded by the other answer (19:30). */
	assert_string_equal(check(*state, "ends", "19:29", arg), "time_min");
	assert_string_equal(arg, "19:30");
	assert_null(check(*state, "ends", "19:30", NULL));
}

/* Osterfeuer: Karsamstag to Ostermontag, arriving by 4 days before Karsamstag. */
static void
test_valid_easter_rules(void **state)
{
	char	 arg[VALID_ARG_MAX];

	assert_null(check(*state, "fire", "2026-04-04", NULL));	/* Karsamstag */
	assert_null(check(*state, "fire", "2026-04-06", NULL));	/* Ostermontag */
	assert_string_equal(check(*state, "fire", "2026-04-03", arg), "date_min");
	assert_string_equal(arg, "2026-04-04");
	assert_string_equal(check(*state, "fire", "2026-04-07", arg), "date_max");
	assert_string_equal(arg, "2026-04-06");
	assert_string_equal(check(*state, "fire", "2026-02-30", NULL), "date");
	assert_string_equal(check(*state, "fire", "04.04.2026", NULL), "date");
	/* Next year's Easter weekend is fine now, Easter 2027 is 03-28. */
	assert_null(check(*state, "fire", "2027-03-27", NULL));
	/* Last year's has passed its deadline. */
	assert_string_equal(check(*state, "fire", "2025-04-19", arg),
	    "date_deadline");
	assert_string_equal(arg, "2025-04-15");
}

static void
test_valid_deadline_edge(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;
	struct when_date on_time = { 2026, 3, 31 }, late = { 2026, 4, 1 };

	answers(&ps, "none", NULL);
	/* 2026-03-31 is four days before Karsamstag: still in time. */
	assert_int_equal(valid_check(&f->form, &ps, &on_time, &res), 0);
	assert_int_equal(res.nerrors, 0);
	valid_result_free(&res);
	assert_int_equal(valid_check(&f->form, &ps, &late, &res), 0);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].code, "date_deadline");
	assert_string_equal(res.errors[0].arg, "2026-03-31");
	valid_result_free(&res);
	req_params_free(&ps);
}

static void
test_valid_values_normalised(void **state)
{
	struct fixture *f = *state;
	struct req_params ps;
	struct valid_result res;
	size_t	 i;

	answers(&ps, "notes", "  line one\r\nline two\r\n  ");
	assert_int_equal(valid_check(&f->form, &ps, &today, &res), 0);
	assert_int_equal(res.nvalues, f->form.nfields);
	for (i = 0; i < res.nvalues; i++)
		if (strcmp(res.values[i].name, "notes") == 0)
			assert_string_equal(res.values[i].value,
			    "line one\nline two");
	valid_result_free(&res);
	req_params_free(&ps);
}

/*
 * A file field takes only the page's description of a stored upload:
 * "<filename>\n<mime>\n<size>" of a kind and size the field takes.
 */
static void
test_valid_file(void **state)
{
	char	 arg[VALID_ARG_MAX];

	assert_null(check(*state, "scan", "x.png\nimage/png\n10", NULL));
	assert_null(check(*state, "scan", "a.pdf\napplication/pdf\n102400",
	    NULL));
	assert_string_equal(check(*state, "scan", NULL, NULL), "required");
	assert_string_equal(check(*state, "scan", "", NULL), "required");
	/* Typed text, or anything not of the shape, is no stored file. */
	assert_string_equal(check(*state, "scan", "a.pdf", NULL),
	    "file_missing");
	assert_string_equal(check(*state, "scan", "a.pdf\napplication/pdf",
	    NULL), "file_missing");
	assert_string_equal(check(*state, "scan",
	    "a.pdf\napplication/pdf\n10\nmore", NULL), "file_missing");
	assert_string_equal(check(*state, "scan", "a.pdf\ntext/plain\n10",
	    NULL), "file_missing");
	assert_string_equal(check(*state, "scan", "a.pdf\napplication/pdf\n-5",
	    NULL), "file_missing");
	assert_string_equal(check(*state, "scan", "a.pdf\napplication/pdf\n0",
	    NULL), "file_missing");
	assert_string_equal(check(*state, "scan", "a.pdf\napplication/pdf\nzehn",
	    NULL), "file_missing");
	assert_string_equal(check(*state, "scan", "\napplication/pdf\n10",
	    NULL), "file_missing");
	/* A kind or size the field does not take. */
	assert_string_equal(check(*state, "scan", "a.jpg\nimage/jpeg\n10",
	    arg), "file_type");
	assert_string_equal(arg, "PDF, PNG");
	assert_string_equal(check(*state, "scan",
	    "a.pdf\napplication/pdf\n102401", arg), "file_size");
	assert_string_equal(arg, "100 KB");
}

/*
 * upload_answers(): a description typed into the request does not count;
 * the store's record of a staged file does.
 */
static void
test_valid_file_from_store(void **state)
{
	struct fixture *f = *state;
	struct req_params ps, in;
	struct valid_result res;
	struct store_upload up;

	answers(&ps, "scan", "forged.pdf\napplication/pdf\n10");
	assert_int_equal(upload_answers(&f->form, &ps, NULL, 0, &in), 0);
	assert_null(req_param(&in, "scan"));
	assert_string_equal(req_param(&in, "name"), "Anna");
	assert_int_equal(valid_check(&f->form, &in, &today, &res), 0);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].field, "scan");
	assert_string_equal(res.errors[0].code, "required");
	valid_result_free(&res);
	req_params_free(&in);

	memset(&up, 0, sizeof(up));
	snprintf(up.field, sizeof(up.field), "scan");
	snprintf(up.filename, sizeof(up.filename), "Ausweis.pdf");
	snprintf(up.mime, sizeof(up.mime), "application/pdf");
	up.size = 2048;
	assert_int_equal(upload_answers(&f->form, &ps, &up, 1, &in), 0);
	assert_string_equal(req_param(&in, "scan"),
	    "Ausweis.pdf\napplication/pdf\n2048");
	assert_int_equal(valid_check(&f->form, &in, &today, &res), 0);
	assert_int_equal(res.nerrors, 0);
	valid_result_free(&res);
	req_params_free(&in);
	req_params_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_all_good),
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_valid_file_from_store),
		cmocka_unit_test(test_valid_required_and_lengths),
		cmocka_unit_test(test_valid_formats),
		cmocka_unit_test(test_valid_email_addresses),
		cmocka_unit_test(test_valid_bidi_refused),
		cmocka_unit_test(test_valid_postcode_iban_radio),
		cmocka_unit_test(test_valid_warnings),
		cmocka_unit_test(test_valid_conditions),
		cmocka_unit_test(test_valid_conditions_in_any_order),
		cmocka_unit_test(test_valid_field_bounds),
		cmocka_unit_test(test_valid_at_least_one),
		cmocka_unit_test(test_valid_multiselect),
		cmocka_unit_test(test_valid_money),
		cmocka_unit_test(test_fee_rules),
		cmocka_unit_test(test_valid_numbers_and_times),
		cmocka_unit_test(test_valid_easter_rules),
		cmocka_unit_test(test_valid_deadline_edge),
		cmocka_unit_test(test_valid_values_normalised),
	};

	return cmocka_run_group_tests_name("valid", tests, setup, teardown);
}
