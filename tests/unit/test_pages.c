/*
 * Pages, groups and the bill: rows of a repeating group (added, removed,
 * kept within min..max), questions skipped by a page's or a group's
 * condition, and the lines of the bill with a waiver.
 */
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
#include "valid.h"
#include "formfixture.h"


static const struct when_date today = { 2026, 3, 20 };
static const struct when_date new_year_eve = { 2026, 12, 31 };
static const struct when_date new_year = { 2027, 1, 1 };

static int
setup(void **state)
{
	return fixture_load(state, SRCDIR "/tests/forms/good/groups.xml");
}

static int
teardown(void **state)
{
	return fixture_free(state);
}

/* Request parameters from "name=value" strings, NULL-terminated. */
static void
params(struct req_params *ps, const char *const *pairs)
{
	const char *eq;
	size_t	 n;

	memset(ps, 0, sizeof(*ps));
	for (n = 0; pairs[n] != NULL; n++)
		;
	ps->v = calloc(n + 1, sizeof(*ps->v));
	assert_non_null(ps->v);
	ps->cap = n + 1;
	for (; ps->n < n; ps->n++) {
		eq = strchr(pairs[ps->n], '=');
		assert_non_null(eq);
		ps->v[ps->n].name = strndup(pairs[ps->n],
		    (size_t)(eq - pairs[ps->n]));
		ps->v[ps->n].value = strdup(eq + 1);
		ps->v[ps->n].valuelen = strlen(eq + 1);
	}
}

static void
run(struct fixture *f, const char *const *pairs, struct valid_result *res)
{
	struct req_params ps;

	params(&ps, pairs);
	assert_int_equal(valid_check(&f->form, &ps, &today, res), 0);
	req_params_free(&ps);
}

static const struct valid_value *
value(const struct valid_result *res, const char *name)
{
	size_t	 i;

	for (i = 0; i < res->nvalues; i++)
		if (strcmp(res->values[i].name, name) == 0)
			return &res->values[i];
	return NULL;
}

static long
partner_rows(const struct fixture *f, const struct valid_result *res)
{
	size_t	 i;

	for (i = 0; i < f->form.ngroups; i++)
		if (strcmp(f->form.groups[i].name, "partners") == 0)
			return res->rows[i];
	fail_msg("no group partners");
	return -1;
}

/* Without a row count, min rows; each row's answers are name.row. */
static void
test_rows_default_and_named(void **state)
{
	struct fixture *f = *state;
	struct valid_result res;
	static const char *const in[] = { "form=firma", "copies=1",
	    "pname.1=Anna", "share.1=60", "phone=", NULL };
	static const char *const two[] = { "form=firma", "copies=1",
	    "_rows.partners=2", "pname.1=Anna", "pname.2=", NULL };

	run(f, in, &res);
	assert_int_equal(partner_rows(f, &res), 1);
	assert_int_equal(res.nerrors, 0);
	assert_non_null(value(&res, "pname.1"));
	assert_string_equal(value(&res, "pname.1")->value, "Anna");
	assert_int_equal(value(&res, "pname.1")->row, 1);
	assert_null(value(&res, "pname.2"));
	assert_null(value(&res, "pname"));
	valid_result_free(&res);

	/* An empty required answer in row 2 is an error there. */
	run(f, two, &res);
	assert_int_equal(partner_rows(f, &res), 2);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].field, "pname.2");
	assert_string_equal(res.errors[0].code, "required");
	valid_result_free(&res);
}

/* _add and _remove within min..max; later rows move up. */
static void
test_rows_add_remove(void **state)
{
	struct fixture *f = *state;
	struct valid_result res;
	static const char *const add[] = { "form=firma", "copies=1",
	    "_rows.partners=2", "_add=partners", NULL };
	static const char *const full[] = { "form=firma", "copies=1",
	    "_rows.partners=3", "_add=partners", NULL };
	static const char *const rm[] = { "form=firma", "copies=1",
	    "_rows.partners=3", "_remove=partners.2", "pname.1=A",
	    "pname.2=B", "pname.3=C", "share.3=7", NULL };
	static const char *const last[] = { "form=firma", "copies=1",
	    "_rows.partners=1", "_remove=partners.1", "pname.1=A", NULL };
	static const char *const odd[] = { "form=firma", "copies=1",
	    "_rows.partners=99", "_remove=partners.x", "_add=other", NULL };

	run(f, add, &res);
	assert_int_equal(partner_rows(f, &res), 3);
	assert_true(res.rows_changed);
	/* Which row, for the page's focus. */
	assert_string_equal(f->form.groups[res.rows_group].name, "partners");
	assert_int_equal(res.rows_added, 3);
	assert_int_equal(res.rows_removed, 0);
	valid_result_free(&res);

	run(f, full, &res);
	assert_int_equal(partner_rows(f, &res), 3);
	assert_false(res.rows_changed);
	valid_result_free(&res);

	run(f, rm, &res);
	assert_int_equal(partner_rows(f, &res), 2);
	assert_true(res.rows_changed);
	assert_string_equal(f->form.groups[res.rows_group].name, "partners");
	assert_int_equal(res.rows_added, 0);
	assert_int_equal(res.rows_removed, 2);
	assert_string_equal(value(&res, "pname.1")->value, "A");
	assert_string_equal(value(&res, "pname.2")->value, "C");
	assert_string_equal(value(&res, "share.2")->value, "7");
	assert_null(value(&res, "pname.3"));
	valid_result_free(&res);

	/* Never below min. */
	run(f, last, &res);
	assert_int_equal(partner_rows(f, &res), 1);
	assert_false(res.rows_changed);
	assert_string_equal(value(&res, "pname.1")->value, "A");
	valid_result_free(&res);

	/* A count out of range falls back to min; odd actions do nothing. */
	run(f, odd, &res);
	assert_int_equal(partner_rows(f, &res), 1);
	assert_false(res.rows_changed);
	valid_result_free(&res);
}

/* A page's or a group's condition skips its questions, required or not. */
static void
test_conditions_on_pages_and_groups(void **state)
{
	struct fixture *f = *state;
	struct valid_result res;
	static const char *const person[] = { "form=person", "copies=1",
	    "pname.1=Somebody", NULL };
	static const char *const firm[] = { "form=firma", "copies=1",
	    "pname.1=Anna", "street=Weg 1", NULL };

	run(f, person, &res);
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.errors[0].field, "street");
	assert_false(value(&res, "pname.1")->asked);
	assert_string_equal(value(&res, "pname.1")->value, "");
	assert_true(value(&res, "street")->asked);
	assert_false(valid_when(&res, f->form.pages[1].when));
	valid_result_free(&res);

	run(f, firm, &res);
	assert_int_equal(res.nerrors, 0);
	assert_false(value(&res, "street")->asked);
	assert_string_equal(value(&res, "street")->value, "");
	assert_true(valid_when(&res, f->form.pages[1].when));
	valid_result_free(&res);
}

/*
 * First copy 15.00, each further 7.50; waived, the lines stay. From 2027
 * the next fee schedule (18.00, 9.00) applies.
 */
static void
test_bill_lines(void **state)
{
	struct fixture *f = *state;
	struct valid_result res;
	struct fee_bill b;
	xmlDocPtr doc;
	xmlNodePtr root, fee, line;
	xmlChar	*text;
	static const char *const three[] = { "form=person", "copies=3",
	    "street=Weg 1", "purpose=privat", NULL };
	static const char *const one[] = { "form=person", "copies=1",
	    "street=Weg 1", NULL };
	static const char *const waived[] = { "form=person", "copies=2",
	    "street=Weg 1", "purpose=rente", NULL };
	static const char *const span[] = { "form=person", "copies=1",
	    "street=Weg 1", "from=2026-04-01", "until=2026-04-10", NULL };
	static const char *const week[] = { "form=person", "copies=1",
	    "street=Weg 1", "from=2026-04-01", "until=2026-04-07", NULL };

	run(f, three, &res);
	assert_int_equal(fee_bill(&f->form, &res, &today, &b), 0);
	assert_int_equal(b.nlines, 2);
	assert_int_equal(b.lines[0].qty, 1);
	assert_int_equal(b.lines[0].unit, 1500);
	assert_int_equal(b.lines[1].qty, 2);
	assert_int_equal(b.lines[1].unit, 750);
	assert_int_equal(b.lines[1].total, 1500);
	assert_int_equal(b.total, 3000);
	assert_null(b.waiver);

	/* The record keeps the words of each line. */
	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"values");
	xmlDocSetRootElement(doc, root);
	assert_non_null(fee = fee_bill_xml(&f->form, &b, root));
	text = xmlGetProp(fee, (const xmlChar *)"total");
	assert_string_equal((const char *)text, "3000");
	xmlFree(text);
	line = xmlLastElementChild(fee);
	text = xmlNodeGetContent(line);
	assert_non_null(strstr((const char *)text, "Weitere Urkunde"));
	xmlFree(text);
	xmlFreeDoc(doc);
	fee_bill_free(&b);
	valid_result_free(&res);

	run(f, one, &res);
	assert_int_equal(fee_bill(&f->form, &res, &today, &b), 0);
	assert_int_equal(b.nlines, 1);
	assert_int_equal(b.total, 1500);
	fee_bill_free(&b);
	valid_result_free(&res);

	/* From its valid-from on, the next schedule applies; not before. */
	run(f, three, &res);
	assert_int_equal(fee_bill(&f->form, &res, &new_year, &b), 0);
	assert_int_equal(b.total, 1800 + 2 * 900);
	fee_bill_free(&b);
	assert_int_equal(fee_bill(&f->form, &res, &new_year_eve, &b), 0);
	assert_int_equal(b.total, 1500 + 2 * 750);
	fee_bill_free(&b);
	valid_result_free(&res);

	/* Ten days, from the 1st to the 10th: three beyond the week. */
	run(f, span, &res);
	assert_int_equal(res.nerrors, 0);
	assert_int_equal(fee_bill(&f->form, &res, &today, &b), 0);
	assert_int_equal(b.nlines, 2);
	assert_int_equal(b.lines[1].qty, 3);
	assert_int_equal(b.lines[1].unit, 200);
	assert_int_equal(b.total, 1500 + 600);
	fee_bill_free(&b);
	valid_result_free(&res);
	/* A week or less, or only one of the dates: no line. */
	run(f, week, &res);
	assert_int_equal(fee_bill(&f->form, &res, &today, &b), 0);
	assert_int_equal(b.nlines, 1);
	fee_bill_free(&b);
	valid_result_free(&res);

	run(f, waived, &res);
	assert_int_equal(fee_bill(&f->form, &res, &today, &b), 0);
	assert_int_equal(b.nlines, 2);
	assert_non_null(b.waiver);
	assert_int_equal(b.total, 0);
	fee_bill_free(&b);
	valid_result_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_default_and_named),
		cmocka_unit_test(test_rows_add_remove),
		cmocka_unit_test(test_conditions_on_pages_and_groups),
		cmocka_unit_test(test_bill_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
