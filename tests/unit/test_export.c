#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "buf.h"
#include "export.h"
#include "form.h"
#include "store.h"
#include "store_admin.h"
#include "testdb.h"
#include "tmpdir.h"

/* Today's definition: a question dropped since ("legacy") is not in it. */
static const char definition[] =
    "<service id=\"exp\" version=\"2\" category=\"ordnung\">"
    "<title xml:lang=\"de\">Export</title><clerk ref=\"buergerbuero\"/>"
    "<fee cents=\"0\"/><page id=\"p\">"
    "<field name=\"name\" type=\"text\"><label xml:lang=\"de\">N</label>"
    "</field><field name=\"note\" type=\"textarea\"><label xml:lang=\"de\">"
    "B</label></field><group name=\"kids\" max=\"5\"><title xml:lang=\"de\">"
    "K</title><field name=\"kid\" type=\"text\"><label xml:lang=\"de\">K"
    "</label></field></group><field name=\"city\" type=\"text\"><label "
    "xml:lang=\"de\">O</label></field></page></service>";

/*
 * Three submissions: the first made with version 1 (answers "legacy" and
 * "alpha" no longer asked), with a formula, a multi-line answer with
 * markup characters and umlauts; the second with spaces and quotes; the
 * third purged.
 */
static const char values1[] =
    "<values service=\"exp\" version=\"1\">"
    "<value name=\"name\">=HYPERLINK(\"x\")</value>"
    "<value name=\"note\">Zeile 1 &lt;&amp;&gt;\"\nZeile 2; Größe</value>"
    "<value name=\"kid.1\">Jörg</value><value name=\"kid.3\">-3</value>"
    "<value name=\"legacy\">alt</value><value name=\"alpha\">@a</value>"
    "<value name=\"city\" skipped=\"true\">nicht gefragt</value>"
    "<fee total=\"1250\"/></values>";
static const char values2[] =
    "<values service=\"exp\" version=\"2\">"
    "<value name=\"name\"> Anna \"Ann\" </value>"
    "<value name=\"city\">Wiesmoor</value><fee total=\"0\"/></values>";
static const char values3[] =
    "<values service=\"exp\" version=\"2\">"
    "<value name=\"name\">Gelöscht</value><fee total=\"0\"/></values>";

struct fixture {
	char	 dir[TMPDIR_MAX];
	struct store *s;
	struct form_share share;
	struct form form;
	char	*out;
	size_t	 len;
};

static void
submit(struct fixture *f, const char *values, long version, long cents,
    const char *created)
{
	struct store_new n = {
		.service = "exp", .version = version, .values_xml = values,
		.fee_cents = cents, .lang = "de",
		.token = "00112233445566778899aabbccddeeff",
		.created = created, .year = 2026,
	};
	struct store_receipt r;

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct form_diag d;
	long	 count;

	if (f == NULL)
		return -1;
	form_diag_init(&d);
	if (testdb_create(f->dir, "export", &f->s) != 0 ||
	    form_share_open(&f->share, SRCDIR,
	    SRCDIR "/examples/wiesmoor/site", NULL, &d) != 0 ||
	    form_load_stored(&f->form, &f->share, definition, &d) != 0) {
		fprintf(stderr, "%s", buf_str(&d.text));
		form_diag_free(&d);
		return -1;
	}
	form_diag_free(&d);
	submit(f, values2, 2, 0, "2026-03-02T08:00:00Z");
	submit(f, values1, 1, 1250, "2026-03-01T08:00:00Z");
	submit(f, values3, 2, 0, "2026-03-03T08:00:00Z");
	sql_set_status(f->dir, "2026-000003-1", "completed",
	    "2026-03-04T08:00:00Z");
	assert_int_equal(store_purge(f->s, "exp", "2026-03-05T00:00:00Z",
	    "test", "2026-03-06T00:00:00Z", &count), STORE_OK);
	assert_int_equal(count, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->out);
	form_free(&f->form);
	form_share_close(&f->share);
	store_close(f->s);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
run(struct fixture *f, enum export_format fmt, const char *from,
    const char *to)
{
	struct store_filter flt = { "exp", from, to, NULL };
	FILE	*mem;

	free(f->out);
	f->out = NULL;
	assert_non_null(mem = open_memstream(&f->out, &f->len));
	assert_int_equal(export_write(fmt, mem, f->s, &f->form, &flt), 0);
	assert_int_equal(fclose(mem), 0);
}

/*
 * The bytes exactly: BOM, ";", CRLF, the columns in the definition's
 * order (kid.1 to kid.3, as far as the data goes), then the old names
 * sorted; quoting, doubled quotes, the formula defused, the purged row
 * with its metadata only.
 */
static void
test_export_csv_bytes(void **state)
{
	struct fixture *f = *state;
	static const char want[] =
	    "\xef\xbb\xbf"
	    "reference;created;status;version;fee;name;note;kid.1;kid.2;"
	    "kid.3;city;alpha;legacy\r\n"
	    "2026-000002-8;2026-03-01T08:00:00Z;received;1;12,50;"
	    "\"'=HYPERLINK(\"\"x\"\")\";"
	    "\"Zeile 1 <&>\"\"\nZeile 2; Größe\";Jörg;;'-3;;'@a;alt\r\n"
	    "2026-000001-5;2026-03-02T08:00:00Z;received;2;0,00;"
	    "\" Anna \"\"Ann\"\" \";;;;;Wiesmoor;;\r\n"
	    "2026-000003-1;2026-03-03T08:00:00Z;completed;2;0,00;"
	    ";;;;;;;\r\n";

	run(f, EXPORT_CSV, NULL, NULL);
	assert_int_equal(f->len, sizeof(want) - 1);
	assert_memory_equal(f->out, want, sizeof(want) - 1);

	/* The dates select; the header stays. */
	run(f, EXPORT_CSV, "2026-03-02", "2026-03-02");
	assert_non_null(strstr(f->out, "\r\n2026-000001-5;"));
	assert_null(strstr(f->out, "2026-000002-8"));
	assert_null(strstr(f->out, "2026-000003-1"));
}

/*
 * A formula is defused wherever it starts: after white space (ASCII,
 * TAB, LF, NBSP, the other Unicode spaces), after invisible characters
 * (bidirectional marks and controls, zero-width characters, a BOM), and
 * in its fullwidth and small forms (＝＋－＠, ﹦﹢﹣﹫), which spreadsheets
 * may read as their ASCII twins. The cell gets its apostrophe first.
 */
static void
test_export_csv_formulas_defused(void **state)
{
	static const char *const cells[][2] = {
		/* the answer as stored (XML text); the cell as written */
		{ "=1+1", "'=1+1" },
		{ " =1+1", "\"' =1+1\"" },
		{ "   -2", "\"'   -2\"" },
		{ "\t=Z9", "'\t=Z9" },
		{ "&#13;=Z9", "\"'\r=Z9\"" },
		{ "\n=Z9", "\"'\n=Z9\"" },
		{ "\xc2\xa0=Z9", "'\xc2\xa0=Z9" },			/* NBSP */
		{ "\xe3\x80\x80=Z9", "'\xe3\x80\x80=Z9" },		/* U+3000 */
		{ "\xe2\x80\x83\xe2\x80\xaf+Z9", "'\xe2\x80\x83\xe2\x80\xaf+Z9" },
		{ "\xe2\x80\x8f=Z9", "'\xe2\x80\x8f=Z9" },		/* RLM */
		{ "\xe2\x80\x8e@Z9", "'\xe2\x80\x8e@Z9" },		/* LRM */
		{ "\xd8\x9c-Z9", "'\xd8\x9c-Z9" },			/* ALM */
		{ "\xe2\x80\xae@SUM(Z9)", "'\xe2\x80\xae@SUM(Z9)" },	/* RLO */
		{ "\xe2\x81\xa6-Z9", "'\xe2\x81\xa6-Z9" },		/* LRI */
		{ "\xe2\x80\x8b+Z9", "'\xe2\x80\x8b+Z9" },		/* ZWSP */
		{ "\xe2\x81\xa0=Z9", "'\xe2\x81\xa0=Z9" },		/* WJ */
		{ "\xef\xbb\xbf=Z9", "'\xef\xbb\xbf=Z9" },		/* BOM */
		{ "\xe2\x80\x83\xe2\x80\x8f =Z9", "'\xe2\x80\x83\xe2\x80\x8f =Z9" },
		{ "\xef\xbc\x9dZ9", "'\xef\xbc\x9dZ9" },		/* ＝ */
		{ "\xef\xbc\x8bZ9", "'\xef\xbc\x8bZ9" },		/* ＋ */
		{ "\xef\xbc\x8dZ9", "'\xef\xbc\x8dZ9" },		/* － */
		{ "\xef\xbc\xa0Z9", "'\xef\xbc\xa0Z9" },		/* ＠ */
		{ "\xc2\xa0\xef\xbc\x9dZ9", "'\xc2\xa0\xef\xbc\x9dZ9" },
		{ "\xef\xb9\xa6Z9", "'\xef\xb9\xa6Z9" },		/* ﹦ */
		{ "\xef\xb9\xa2Z9", "'\xef\xb9\xa2Z9" },		/* ﹢ */
		{ "\xef\xb9\xa3Z9", "'\xef\xb9\xa3Z9" },		/* ﹣ */
		{ "\xef\xb9\xabZ9", "'\xef\xb9\xabZ9" },		/* ﹫ */
		/* not formulas: as they are */
		{ "a=b", "a=b" },
		{ "\xc2\xa0" "Anna", "\xc2\xa0" "Anna" },
		{ "\xe2\x80\x8dx=1", "\xe2\x80\x8dx=1" },
		{ "\xef\xbc\xa1=1", "\xef\xbc\xa1=1" },		/* Ａ */
	};
	struct fixture *f = *state;
	struct buf values, want, created;
	size_t	 i, n = sizeof(cells) / sizeof(cells[0]);

	buf_init(&values, 4096);
	buf_init(&want, 4096);
	buf_init(&created, 64);
	for (i = 0; i < n; i++) {
		buf_reset(&values);
		buf_printf(&values, "<values service=\"exp\" version=\"2\">"
		    "<value name=\"name\">%s</value><fee total=\"0\"/>"
		    "</values>", cells[i][0]);
		buf_reset(&created);
		buf_printf(&created, "2026-04-01T08:%02zu:00Z", i);
		submit(f, buf_str(&values), 2, 0, buf_str(&created));
	}
	run(f, EXPORT_CSV, "2026-04-01", "2026-04-01");
	for (i = 0; i < n; i++) {
		buf_reset(&want);
		buf_printf(&want, ";2026-04-01T08:%02zu:00Z;received;2;0,00;%s;;;"
		    "\r\n", i, cells[i][1]);
		if (strstr(f->out, buf_str(&want)) == NULL)
			fail_msg("case %zu: no %s in\n%s", i, buf_str(&want),
			    f->out);
	}
	buf_free(&values);
	buf_free(&want);
	buf_free(&created);
}

/* What libxml2 reads back for a submission's answer, or NULL. */
static xmlChar *
xml_value(xmlDocPtr doc, int nth, const char *name)
{
	xmlNodePtr sub, v;
	xmlChar	*got;

	for (sub = xmlDocGetRootElement(doc)->children; sub != NULL;
	    sub = sub->next)
		if (sub->type == XML_ELEMENT_NODE && nth-- == 0)
			break;
	assert_non_null(sub);
	for (v = sub->children; v != NULL; v = v->next) {
		if (v->type != XML_ELEMENT_NODE)
			continue;
		got = xmlGetProp(v, (const xmlChar *)"name");
		if (got != NULL && strcmp((char *)got, name) == 0) {
			xmlFree(got);
			return xmlNodeGetContent(v);
		}
		xmlFree(got);
	}
	return NULL;
}

static void
assert_xml_value(xmlDocPtr doc, int nth, const char *name, const char *want)
{
	xmlChar	*got = xml_value(doc, nth, name);

	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal((char *)got, want);
	}
	xmlFree(got);
}

static void
assert_xml_attr(xmlNodePtr n, const char *name, const char *want)
{
	xmlChar	*got = xmlGetProp(n, (const xmlChar *)name);

	assert_non_null(got);
	assert_string_equal((char *)got, want);
	xmlFree(got);
}

/* The XML parses, and every value comes back as it was entered. */
static void
test_export_xml_round_trip(void **state)
{
	struct fixture *f = *state;
	xmlDocPtr doc;
	xmlNodePtr root, sub;

	run(f, EXPORT_XML, NULL, NULL);
	assert_non_null(doc = xmlReadMemory(f->out, (int)f->len, "x.xml",
	    NULL, XML_PARSE_NONET));
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "submissions");
	assert_xml_attr(root, "service", "exp");
	for (sub = root->children; sub->type != XML_ELEMENT_NODE;)
		sub = sub->next;
	assert_xml_attr(sub, "ref", "2026-000002-8");
	assert_xml_attr(sub, "created", "2026-03-01T08:00:00Z");
	assert_xml_attr(sub, "status", "received");
	assert_xml_attr(sub, "version", "1");
	assert_xml_attr(sub, "fee-cents", "1250");
	assert_xml_value(doc, 0, "name", "=HYPERLINK(\"x\")");
	assert_xml_value(doc, 0, "note", "Zeile 1 <&>\"\nZeile 2; Größe");
	assert_xml_value(doc, 0, "kid.3", "-3");
	assert_xml_value(doc, 0, "kid.2", NULL);
	assert_xml_value(doc, 0, "legacy", "alt");
	assert_xml_value(doc, 0, "city", NULL);
	assert_xml_value(doc, 1, "name", " Anna \"Ann\" ");
	assert_xml_value(doc, 2, "name", NULL);
	xmlFreeDoc(doc);
}

static void
assert_json_string(const json_t *obj, const char *key, const char *want)
{
	const char *got = json_string_value(json_object_get(obj, key));

	assert_non_null(got);
	assert_string_equal(got, want);
}

/* The JSON parses with jansson to the same values, umlauts unescaped. */
static void
test_export_json_round_trip(void **state)
{
	struct fixture *f = *state;
	json_error_t err;
	json_t	*all, *first, *answers;

	run(f, EXPORT_JSON, NULL, NULL);
	assert_non_null(strstr(f->out, "Größe"));
	assert_non_null(all = json_loadb(f->out, f->len, 0, &err));
	assert_true(json_is_array(all));
	assert_int_equal(json_array_size(all), 3);
	first = json_array_get(all, 0);
	assert_json_string(first, "reference", "2026-000002-8");
	assert_json_string(first, "created", "2026-03-01T08:00:00Z");
	assert_json_string(first, "status", "received");
	assert_int_equal(json_integer_value(json_object_get(first,
	    "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(first,
	    "fee_cents")), 1250);
	answers = json_object_get(first, "answers");
	assert_int_equal(json_object_size(answers), 6);
	assert_json_string(answers, "note", "Zeile 1 <&>\"\nZeile 2; Größe");
	assert_json_string(answers, "name", "=HYPERLINK(\"x\")");
	assert_json_string(answers, "kid.1", "Jörg");
	assert_null(json_object_get(answers, "city"));
	answers = json_object_get(json_array_get(all, 2), "answers");
	assert_int_equal(json_object_size(answers), 0);
	assert_json_string(json_array_get(all, 2), "purged",
	    "2026-03-06T00:00:00Z");
	/* Written object by object (issue 13), the text is what jansson
	 * gives the whole array. */
	{
		char	*whole = json_dumps(all, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);

		assert_non_null(whole);
		assert_int_equal(f->len, strlen(whole) + 1);
		assert_memory_equal(f->out, whole, strlen(whole));
		assert_int_equal(f->out[f->len - 1], '\n');
		free(whole);
	}
	json_decref(all);
}

/* A full disk is an error, in every format. */
static void
test_export_write_error(void **state)
{
	struct fixture *f = *state;
	struct store_filter flt = { "exp", NULL, NULL, NULL };
	enum export_format fmt;
	FILE	*full;

	for (fmt = EXPORT_CSV; fmt <= EXPORT_JSON; fmt++) {
		assert_non_null(full = fopen("/dev/full", "w"));
		assert_int_equal(export_write(fmt, full, f->s, &f->form, &flt),
		    -1);
		(void)fclose(full);	/* /dev/full: the error is known */
	}
	flt.from = "gestern";
	assert_int_equal(export_write(EXPORT_CSV, stdout, f->s, &f->form,
	    &flt), -1);
}

static void
test_export_format_names(void **state)
{
	enum export_format fmt;

	(void)state;
	assert_int_equal(export_format_parse("json", &fmt), 0);
	assert_int_equal(fmt, EXPORT_JSON);
	assert_int_equal(export_format_parse("xlsx", &fmt), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_export_csv_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_csv_formulas_defused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_xml_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_json_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_error, setup, teardown),
		cmocka_unit_test(test_export_format_names),
	};
	int	 rc;

	rc = cmocka_run_group_tests_name("export", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
