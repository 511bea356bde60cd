#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "camt.h"
#include "store.h"
#include "store_pay.h"
#include "testdb.h"
#include "testpay.h"
#include "tmpdir.h"

#define SAMPLE	SRCDIR "/tests/pay/camt053-sample.xml"

/* A camt.053.001.08 document around the entries in `ntry`. */
static int
parse08(const char *ntry, struct camt_statement *st)
{
	struct buf b;
	char	 err[256];
	int	 rc;

	buf_init(&b, 1 << 16);
	buf_printf(&b, "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:"
	    "iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><GrpHdr>"
	    "<MsgId>1</MsgId></GrpHdr><Stmt><Id>S</Id>%s</Stmt>"
	    "</BkToCstmrStmt></Document>", ntry);
	rc = camt_parse_memory(b.data, b.len, st, err, sizeof(err));
	buf_free(&b);
	return rc;
}

static void
test_camt_amount(void **state)
{
	long	 c;

	(void)state;
	assert_int_equal(camt_amount("1800.00", &c), 0);
	assert_int_equal(c, 180000);
	assert_int_equal(camt_amount("12.5", &c), 0);
	assert_int_equal(c, 1250);
	assert_int_equal(camt_amount("7", &c), 0);
	assert_int_equal(c, 700);
	assert_int_equal(camt_amount("0.01", &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(camt_amount("12.50000", &c), 0);
	assert_int_equal(c, 1250);
	/* 0.1 + 0.2 in floating point is not 0.3; here it is. */
	assert_int_equal(camt_amount("0.30", &c), 0);
	assert_int_equal(c, 30);
	assert_int_equal(camt_amount("12.501", &c), -1);
	assert_int_equal(camt_amount("12.", &c), -1);
	assert_int_equal(camt_amount(".5", &c), -1);
	assert_int_equal(camt_amount("-12.50", &c), -1);
	assert_int_equal(camt_amount("1e3", &c), -1);
	assert_int_equal(camt_amount("12,50", &c), -1);
	assert_int_equal(camt_amount("", &c), -1);
	assert_int_equal(camt_amount("1234567890123456", &c), -1);
}

static void
test_camt_sample(void **state)
{
	struct camt_statement st;
	char	 err[256], ref[REF_MAX];

	(void)state;
	assert_int_equal(camt_parse_file(SAMPLE, &st, err, sizeof(err)), 0);
	assert_int_equal(st.n, 4);
	assert_int_equal(st.skipped, 1);	/* the debit */
	assert_int_equal(st.entries[0].amount_cents, 1250);
	assert_string_equal(st.entries[0].currency, "EUR");
	assert_string_equal(st.entries[0].booked, "2026-03-02");
	assert_string_equal(st.entries[0].id, "2026030200001");
	assert_int_equal(st.entries[0].ntexts, 1);
	assert_string_equal(st.entries[0].texts[0], "RF5520260000015");
	assert_int_equal(camt_match(&st.entries[0], ref), 1);
	assert_string_equal(ref, "2026-000001-5");
	assert_string_equal(st.entries[1].id, "2026030200001");
	assert_int_equal(st.entries[2].ntexts, 2);
	assert_string_equal(st.entries[2].texts[1], "Az. 2026-000002-8");
	assert_int_equal(camt_match(&st.entries[2], ref), 1);
	assert_string_equal(ref, "2026-000002-8");
	/* A wrong check digit is no reference. */
	assert_int_equal(camt_match(&st.entries[3], ref), 0);
	assert_string_equal(ref, "");
	camt_free(&st);
}

static void
test_camt_version_08(void **state)
{
	struct camt_statement st;
	char	 ref[REF_MAX];
	const char *id;

	(void)state;
	assert_int_equal(parse08(
	    "<Ntry><NtryRef>7</NtryRef><Amt Ccy=\"EUR\">5</Amt>"
	    "<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
	    "<BookgDt><DtTm>2026-03-02T10:00:00</DtTm></BookgDt>"
	    "<NtryDtls><TxDtls><RmtInf><Ustrd>rf55 2026 0000 015 danke"
	    "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
	    "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	    "<Sts><Cd>PDNG</Cd></Sts></Ntry>"
	    "<Ntry><Amt Ccy=\"EUR\">8.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	    "<BookgDt><Dt>2026-03-02</Dt></BookgDt>"
	    "<NtryDtls><TxDtls><RmtInf><Ustrd>2026-000001-5 und"
	    " 2026-000002-8</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>",
	    &st), 0);
	assert_int_equal(st.n, 2);
	assert_int_equal(st.skipped, 1);	/* pending */
	assert_string_equal(st.entries[0].id, "7");
	assert_string_equal(st.entries[0].booked, "2026-03-02");
	assert_int_equal(st.entries[0].amount_cents, 500);
	/* The printed form, in any case, finds it. */
	assert_int_equal(camt_match(&st.entries[0], ref), 1);
	assert_string_equal(ref, "2026-000001-5");
	/* Two references: neither is taken. */
	assert_int_equal(camt_match(&st.entries[1], ref), -1);
	/* Without the bank's references: a hash of the entry, stable. */
	id = st.entries[1].id;
	assert_int_equal(strncmp(id, "h:", 2), 0);
	assert_int_equal(strlen(id), 18);
	{
		struct camt_statement again;

		assert_int_equal(parse08("<Ntry><Amt Ccy=\"EUR\">8.00</Amt>"
		    "<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-02</Dt>"
		    "</BookgDt><NtryDtls><TxDtls><RmtInf><Ustrd>2026-000001-5"
		    " und 2026-000002-8</Ustrd></RmtInf></TxDtls></NtryDtls>"
		    "</Ntry>", &again), 0);
		assert_string_equal(again.entries[0].id, id);
		camt_free(&again);
	}
	camt_free(&st);
}

static void
test_camt_refuses(void **state)
{
	struct camt_statement st;
	char	 err[256];
	static const char other[] = "<Document xmlns=\"urn:iso:std:iso:20022:"
	    "tech:xsd:pain.001.001.03\"><BkToCstmrStmt/></Document>";
	static const char entity[] = "<?xml version=\"1.0\"?><!DOCTYPE d ["
	    "<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Document xmlns=\"urn:"
	    "iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
	    "<Stmt><Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT"
	    "</CdtDbtInd><NtryDtls><TxDtls><RmtInf><Ustrd>&x;</Ustrd>"
	    "</RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt>"
	    "</Document>";

	(void)state;
	assert_int_equal(camt_parse_memory(other, strlen(other), &st, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "camt.053"));
	assert_int_equal(camt_parse_memory("<a>", 3, &st, err, sizeof(err)),
	    -1);
	assert_int_equal(camt_parse_file("/nonexistent.xml", &st, err,
	    sizeof(err)), -1);
	assert_int_equal(parse08("<Ntry><Amt Ccy=\"EUR\">1,00</Amt>"
	    "<CdtDbtInd>CRDT</CdtDbtInd></Ntry>", &st), -1);
	assert_int_equal(parse08("<Ntry><Amt>1.00</Amt>"
	    "<CdtDbtInd>CRDT</CdtDbtInd></Ntry>", &st), -1);
	/* An external entity is never read into the texts. */
	if (camt_parse_memory(entity, strlen(entity), &st, err,
	    sizeof(err)) == 0) {
		assert_int_equal(st.n, 1);
		assert_true(st.entries[0].ntexts == 0 ||
		    strstr(st.entries[0].texts[0], "root:") == NULL);
		camt_free(&st);
	}
}

/* tools/rathaus camt on the sample, with `extra` (or NULL). */
static int
rathaus(const char *dir, const char *extra, char *out, size_t size)
{
	char	*argv[] = { BUILDDIR "/tools/rathaus", "camt", SAMPLE,
	    "--data", (char *)dir, (char *)extra, NULL };

	return testpay_run(argv, out, size);
}

static void
submit(struct store *s, long fee_cents, const char *want)
{
	char	 ref[REF_MAX];

	assert_int_equal(testpay_submit(s, fee_cents, ref), 0);
	assert_string_equal(ref, want);
}

static void
test_camt_command(void **state)
{
	char	 dir[TMPDIR_MAX], out[4096];
	struct store *s;

	(void)state;
	assert_int_equal(testdb_create(dir, "camt", &s), 0);
	submit(s, 1250, "2026-000001-5");
	submit(s, 3000, "2026-000002-8");
	submit(s, 30000, "2026-000003-1");
	store_close(s);

	assert_int_equal(rathaus(dir, "--dry-run", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "paid 2026-000001-5 12.50 (dry run)\n"));
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM payment"), 0);

	assert_int_equal(rathaus(dir, NULL, out, sizeof(out)), 0);
	assert_string_equal(out,
	    "paid 2026-000001-5 12.50\n"
	    "already 2026-000001-5\n"
	    "check 2026-000002-8: amount 25.00, fee 30.00\n"
	    "unmatched 2026030200003 300.00 Miete Maerz Buergerhaus"
	    " 2026-000003-2\n");
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM submission"
	    " WHERE payment = 'paid'"), 1);
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM submission"
	    " WHERE payment = 'paid' AND ref = '2026-000001-5'"), 1);
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM audit"
	    " WHERE action = 'payment' AND actor = 'rathaus camt'"
	    " AND detail = 'transfer 12.50'"), 1);

	/* The same statement again: nothing twice. */
	assert_int_equal(rathaus(dir, NULL, out, sizeof(out)), 0);
	assert_string_equal(out,
	    "already 2026-000001-5\n"
	    "already 2026-000001-5\n"
	    "check 2026-000002-8: amount 25.00, fee 30.00\n"
	    "unmatched 2026030200003 300.00 Miete Maerz Buergerhaus"
	    " 2026-000003-2\n");
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM payment"), 1);
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM payment_event"),
	    1);
	tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_camt_amount),
		cmocka_unit_test(test_camt_sample),
		cmocka_unit_test(test_camt_version_08),
		cmocka_unit_test(test_camt_refuses),
		cmocka_unit_test(test_camt_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
