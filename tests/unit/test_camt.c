#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
}

/* The peak resident size of this process so far, in KiB. */
static long
maxrss_kib(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/*
 * A statement around `ntry` with the document type declaration `doctype`
 * in front: the refusal's message, asserted to name the DOCTYPE.
 */
static void
refused_doctype(const char *doctype, const char *ntry)
{
	struct camt_statement st;
	struct buf b;
	char	 err[256];

	buf_init(&b, 1 << 22);
	buf_printf(&b, "<?xml version=\"1.0\"?>\n%s\n<Document xmlns=\"urn:iso"
	    ":std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><GrpHdr>"
	    "<MsgId>1</MsgId></GrpHdr><Stmt><Id>S</Id>%s</Stmt>"
	    "</BkToCstmrStmt></Document>\n", doctype, ntry);
	assert_false(b.failed);
	*err = '\0';
	assert_int_equal(camt_parse_memory(b.data, b.len, &st, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "DOCTYPE"));
	assert_int_equal(st.n, 0);
	buf_free(&b);
}

/*
 * Issue 10, item 7: an internal entity of 60 KB used ten times in each
 * of twenty remittance lines (a 70 KB file) grew into 12 MB of texts,
 * and the same shape scaled to 130 KB took a gigabyte: libxml2's own
 * amplification check does not see expansions made when the tree is
 * read. A statement never has a document type: any DOCTYPE is refused
 * before a single entity is declared, let alone expanded.
 */
static void
test_camt_refuses_doctype(void **state)
{
	struct buf doctype, ntry;
	long	 before;
	int	 i;

	(void)state;
	buf_init(&doctype, 1 << 20);
	buf_init(&ntry, 1 << 20);
	buf_addstr(&doctype, "<!DOCTYPE Document [<!ENTITY a \"");
	for (i = 0; i < 60000; i++)
		buf_addch(&doctype, 'x');
	buf_addstr(&doctype, "\">]>");
	for (i = 0; i < 20; i++)
		buf_printf(&ntry, "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>"
		    "CRDT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>%d"
		    "</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>&a;&a;&a;"
		    "&a;&a;&a;&a;&a;&a;&a;</Ustrd></RmtInf></TxDtls></NtryDtls>"
		    "</Ntry>", i);
	assert_false(doctype.failed || ntry.failed);
	before = maxrss_kib();
	refused_doctype(buf_str(&doctype), buf_str(&ntry));
	/* Nothing grew: not the 12 MB of texts, not a copy of them. */
	assert_in_range(maxrss_kib() - before, 0, 4096);
	buf_free(&doctype);
	buf_free(&ntry);

	/* An external entity: never read, the statement refused. */
	refused_doctype("<!DOCTYPE Document [<!ENTITY x SYSTEM"
	    " \"file:///etc/passwd\">]>", "<Ntry><Amt Ccy=\"EUR\">1.00</Amt>"
	    "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><NtryDtls><TxDtls>"
	    "<RmtInf><Ustrd>&x;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>");
	/* A plain DOCTYPE, or one naming an outside DTD: refused all the
	 * same (no bank sends one; nothing to decide case by case). */
	refused_doctype("<!DOCTYPE Document>", "");
	refused_doctype("<!DOCTYPE Document SYSTEM \"http://127.0.0.1:9/d.dtd"
	    "\">", "");
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
		cmocka_unit_test(test_camt_refuses_doctype),
		cmocka_unit_test(test_camt_amount),
		cmocka_unit_test(test_camt_sample),
		cmocka_unit_test(test_camt_version_08),
		cmocka_unit_test(test_camt_refuses),
		cmocka_unit_test(test_camt_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
