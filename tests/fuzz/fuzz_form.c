/*
 * Fuzz target for what follows the parsers: an urlencoded body checked
 * against service definitions (valid_check with rows added and removed,
 * conditions on pages and groups decided to a fixed point, warnings,
 * file descriptions) and the bill made from the result (fee_bill,
 * fee_bill_xml). The definitions are
 * tests/forms/good/groups.xml, all-types.xml and upload.xml, loaded once;
 * the first byte of the input picks one. `make check` replays
 * tests/fuzz/corpus-form; tools/fuzz runs it under libFuzzer.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fee.h"
#include "form.h"
#include "req.h"
#include "valid.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_FORMS	3

static const char *const fuzz_form_files[FUZZ_FORMS] = {
	SRCDIR "/tests/forms/good/groups.xml",
	SRCDIR "/tests/forms/good/all-types.xml",
	SRCDIR "/tests/forms/good/upload.xml",
};

/* Loaded on the first input and kept: the fuzzer runs millions. */
static struct form_share fuzz_share;
static struct form fuzz_forms[FUZZ_FORMS];
static int	 fuzz_loaded;

static int
fuzz_load(void)
{
	struct form_diag d;
	int	 i;

	if (fuzz_loaded)
		return fuzz_loaded > 0 ? 0 : -1;
	fuzz_loaded = -1;
	form_diag_init(&d);
	if (form_share_open(&fuzz_share, SRCDIR,
	    SRCDIR "/examples/wiesmoor/site", NULL, &d) != 0) {
		fprintf(stderr, "%s", buf_str(&d.text));
		form_diag_free(&d);
		return -1;
	}
	for (i = 0; i < FUZZ_FORMS; i++)
		if (form_load(&fuzz_forms[i], &fuzz_share, fuzz_form_files[i],
		    &d) != 0) {
			fprintf(stderr, "%s", buf_str(&d.text));
			form_diag_free(&d);
			return -1;
		}
	form_diag_free(&d);
	fuzz_loaded = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct when_date today = { 2026, 3, 20 };
	const struct form *f;
	struct req_params ps;
	struct valid_result res;
	struct fee_bill bill;
	xmlDocPtr doc;
	xmlNodePtr root;
	size_t	 i;
	long	 sum;

	if (size == 0 || fuzz_load() != 0)
		return 0;
	f = &fuzz_forms[data[0] % FUZZ_FORMS];
	memset(&ps, 0, sizeof(ps));
	if (req_parse_urlencoded(&ps, &req_default_limits,
	    (const char *)data + 1, size - 1) != REQ_OK) {
		req_params_free(&ps);
		return 0;
	}
	if (valid_check(f, &ps, &today, &res) == 0) {
		/* Every error names an answer, as the pages rely on. */
		for (i = 0; i < res.nerrors; i++)
			if (*valid_answer(&res, res.errors[i].field,
			    strlen(res.errors[i].field)) == '\0' &&
			    strcmp(res.errors[i].code, "required") != 0 &&
			    strcmp(res.errors[i].code, "checkbox") != 0 &&
			    strcmp(res.errors[i].code, "at_least_one") != 0)
				abort();
		/* Asked exactly when its conditions hold on what is asked. */
		for (i = 0; i < res.nvalues; i++) {
			const struct form_field *fld = res.values[i].field;
			int holds = valid_when(&res, f->pages[fld->page].when) &&
			    (fld->group < 0 ||
			    valid_when(&res, f->groups[fld->group].when)) &&
			    valid_when(&res, fld->when);

			if (holds != res.values[i].asked ||
			    (!holds && res.values[i].value[0] != '\0'))
				abort();
		}
		(void)valid_warnings_accepted(&res,
		    req_param(&ps, "_accept"));
		if (fee_bill(f, &res, &today, &bill) == 0) {
			/* The total is the sum of the lines, or 0 waived. */
			for (i = 0, sum = 0; i < bill.nlines; i++)
				sum += bill.lines[i].total;
			if (bill.total != (bill.waiver ? 0 : sum))
				abort();
			doc = xmlNewDoc((const xmlChar *)"1.0");
			root = doc ? xmlNewNode(NULL,
			    (const xmlChar *)"values") : NULL;
			if (root != NULL) {
				xmlDocSetRootElement(doc, root);
				(void)fee_bill_xml(f, &bill, root);
			}
			xmlFreeDoc(doc);
			fee_bill_free(&bill);
		}
	}
	valid_result_free(&res);
	req_params_free(&ps);
	return 0;
}
