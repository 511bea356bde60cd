#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "xmlmem.h"

static int
setup(void **state)
{
	(void)state;
	if (xmlmem_begin() != 0)
		return -1;
	xmlInitParser();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xmlCleanupParser();
	xmlmem_end();
	return 0;
}

static size_t
live(void)
{
	struct xmlmem_stats st;

	xmlmem_stats(&st);
	return st.live;
}

/* A parsed document's every block comes back when it is freed. */
static void
test_xmlmem_document_round_trip(void **state)
{
	static const char xml[] = "<a x=\"1\"><b>Straße</b><c/>"
	    "<!-- note --><d y=\"äöü\">text</d></a>";
	xmlDocPtr doc;
	size_t	 before = live();

	(void)state;
	doc = xmlReadMemory(xml, (int)sizeof(xml) - 1, "t.xml", "UTF-8",
	    XML_PARSE_NONET);
	assert_non_null(doc);
	assert_true(live() > before);
	assert_string_equal(
	    (const char *)xmlDocGetRootElement(doc)->children->children->content,
	    "Straße");
	xmlFreeDoc(doc);
	assert_int_equal(live(), before);
}

/* A freed block is handed out again for a size of its class. */
static void
test_xmlmem_reuses_freed_blocks(void **state)
{
	char	*p, *q, *r;

	(void)state;
	p = xmlMalloc(40);
	assert_non_null(p);
	memset(p, 'x', 40);
	xmlFree(p);
	q = xmlMalloc(33);		/* same 48-byte class */
	assert_ptr_equal(q, p);
	r = xmlMalloc(100);		/* another class */
	assert_ptr_not_equal(r, p);
	xmlFree(q);
	xmlFree(r);
}

/* Content survives growing within, across classes and to a large block. */
static void
test_xmlmem_realloc_keeps_content(void **state)
{
	static const size_t sizes[] = { 10, 15, 17, 600, 1024, 1025, 70000,
	    3000, 200, 5 };
	unsigned char *p = NULL;
	size_t	 i, j, have = 0, before = live();

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = xmlRealloc(p, sizes[i]);
		assert_non_null(p);
		for (j = 0; j < have && j < sizes[i]; j++)
			assert_int_equal(p[j], (unsigned char)(j * 7));
		for (j = 0; j < sizes[i]; j++)
			p[j] = (unsigned char)(j * 7);
		have = sizes[i];
	}
	xmlFree(p);
	assert_int_equal(live(), before);
}

static void
test_xmlmem_strdup_and_large(void **state)
{
	char	*s, *big;
	size_t	 before = live();

	(void)state;
	s = xmlMemStrdup("Gebühr: 7,50 €");
	assert_string_equal(s, "Gebühr: 7,50 €");
	big = xmlMalloc(1u << 20);
	assert_non_null(big);
	memset(big, 1, 1u << 20);
	assert_int_equal(live(), before + 2);
	xmlFree(s);
	xmlFree(big);
	assert_int_equal(live(), before);
}

#if defined(__SANITIZE_ADDRESS__)
/* The sanitizer still sees past-the-end and freed bytes. */
static void
test_xmlmem_poisons_for_the_sanitizer(void **state)
{
	char	*p;

	(void)state;
	p = xmlMalloc(20);
	assert_false(__asan_address_is_poisoned(p + 19));
	assert_true(__asan_address_is_poisoned(p + 20));
	assert_true(__asan_address_is_poisoned(p - 1));
	xmlFree(p);
	assert_true(__asan_address_is_poisoned(p));
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_xmlmem_document_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_xmlmem_reuses_freed_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_xmlmem_realloc_keeps_content, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_xmlmem_strdup_and_large, setup, teardown),
#if defined(__SANITIZE_ADDRESS__)
		cmocka_unit_test_setup_teardown(
		    test_xmlmem_poisons_for_the_sanitizer, setup, teardown),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
