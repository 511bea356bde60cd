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

/*
 * Issue 10, item 10: the statements of three days in the versions banks
 * send (tests/pay/camt053-v02.xml, -v04, -v08) against one instance
 * whose account (bank_iban) they are. The submissions they pay, in the
 * order the store numbers them (2026-000001-5 first), with their fees.
 */
#define OUR_IBAN	"DE33100205000001194700"
#define PAY		SRCDIR "/tests/pay/camt053-"

static const long camt_fees[] = {
	1250, 3000, 1000, 2500, 4500, 5000,	/* -000001 .. -000006 (.02) */
	2000, 1500, 800, 9900, 2500,		/* -000007 .. -000011 (.04) */
	1800, 3000, 1837, 2000, 2000, 1200,	/* -000012 .. -000017 (.08) */
};

/* A store with those submissions, and its rathaus.conf (`conf_extra`). */
static void
instance(char dir[TMPDIR_MAX], const char *conf_extra)
{
	struct store *s;
	char	 ref[REF_MAX], path[TMPDIR_MAX + 16];
	size_t	 i;
	FILE	*f;

	assert_int_equal(testdb_create(dir, "camt", &s), 0);
	for (i = 0; i < sizeof(camt_fees) / sizeof(camt_fees[0]); i++)
		assert_int_equal(testpay_submit(s, camt_fees[i], ref), 0);
	assert_string_equal(ref, "2026-000017-9");
	store_close(s);
	snprintf(path, sizeof(path), "%s/rathaus.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "data_dir = %s\n%s", dir, conf_extra);
	assert_int_equal(fclose(f), 0);
}

/* tools/rathaus camt FILE --conf DIR/rathaus.conf [extra]: exit status. */
static int
camt_cmd(const char *dir, const char *file, const char *extra, char *out,
    size_t size)
{
	char	 conf[TMPDIR_MAX + 16];
	char	*argv[] = { BUILDDIR "/tools/rathaus", "camt", (char *)file,
	    "--conf", conf, (char *)extra, NULL };

	snprintf(conf, sizeof(conf), "%s/rathaus.conf", dir);
	return testpay_run(argv, out, size);
}

/* An import that succeeds, and what it says. */
static void
import(const char *dir, const char *file, const char *want)
{
	char	 out[8192];

	assert_int_equal(camt_cmd(dir, file, NULL, out, sizeof(out)), 0);
	if (want != NULL)
		assert_string_equal(out, want);
}

static long
paid_count(const char *dir)
{
	return testdb_long(dir, "SELECT count(*) FROM submission"
	    " WHERE payment = 'paid'");
}

/* What the imports recorded: payments, their events, audit rows. */
static long
recorded(const char *dir)
{
	return testdb_long(dir, "SELECT (SELECT count(*) FROM payment) * 10000"
	    " + (SELECT count(*) FROM payment_event) * 100"
	    " + (SELECT count(*) FROM audit WHERE actor = 'rathaus camt')");
}

static const char v02_first[] =
    "paid 2026-000001-5 12.50 2026030200001\n"
    /* Another citizen, the same AcctSvcrRef: recorded all the same. */
    "paid 2026-000002-8 30.00 2026030200001\n"
    /* One entry, three transactions: each with its own amount. */
    "paid 2026-000003-1 10.00 2026030200002/1\n"
    "paid 2026-000004-4 25.00 2026030200002/2\n"
    "check 2026-000005-3 2026030200002/3: amount 40.00, fee 45.00\n"
    "unmatched 2026030200003 2026-03-02 300.00 EUR Heimatverein e.V.:"
    " Miete Maerz Buergerhaus 2026-000003-2\n"
    /* "2026-0000" / "06-6 Mueller": split across two lines. */
    "paid 2026-000006-6 50.00 2026030200005\n"
    "check 2026-000001-5 2026030200006: a transfer of 12.50 reversed:"
    " the bank took the money back\n"
    "total: 5 paid, 0 already, 2 check, 1 unmatched, 0 pending,"
    " 1 skipped\n";

static const char v04_first[] =
    /* Only in the entry's additional information. */
    "paid 2026-000007-7 20.00 2026030300001\n"
    /* A batch: in AddtlTxInf; an RF reference over two lines. */
    "paid 2026-000008-9 15.00 2026030300002-1\n"
    "paid 2026-000009-0 8.00 2026030300002-2\n"
    "pending 2026-000010-6 #3 99.00: not booked (PDNG); nothing marked\n"
    "check 2026-000011-1 2026030300003: currency CHF, not EUR\n"
    "total: 3 paid, 0 already, 1 check, 0 unmatched, 1 pending,"
    " 1 skipped\n";

static const char v08_first[] =
    /* 2026030200001 again, two days later: another payment. */
    "paid 2026-000012-2 18.00 2026030200001\n"
    "pending 2026-000013-3 #2 30.00: not booked (PDNG); nothing marked\n"
    "check 2026-000014-0 2026030400002: sent as 20.00 USD, booked as"
    " 18.37 EUR\n"
    "check 2026-000002-8 2026030400003: a debit of 30.00 reversed:"
    " the money came back\n"
    "check 2026-000015-4 2026030400004/1: the batch's transactions add up"
    " to 40.00, the entry to 50.00\n"
    "check 2026-000016-5 2026030400004/2: the batch's transactions add up"
    " to 40.00, the entry to 50.00\n"
    /* The same transfer twice: the second is a second payment. */
    "paid 2026-000017-9 12.00 #6\n"
    "check 2026-000017-9 #7: payment is paid, not awaiting\n"
    "total: 2 paid, 0 already, 5 check, 0 unmatched, 1 pending,"
    " 0 skipped\n";

/*
 * Three days' statements, one after the other: every transfer that
 * names one of ours with its fee in euro is recorded once, with its own
 * amount, however the bank reused its references; the rest is listed
 * with the reason.
 */
static void
test_camt_statements(void **state)
{
	char	 dir[TMPDIR_MAX];

	(void)state;
	instance(dir, "bank_iban = " OUR_IBAN "\n");

	import(dir, PAY "v02.xml", v02_first);
	assert_int_equal(paid_count(dir), 5);
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM submission"
	    " WHERE payment = 'paid' AND ref IN ('2026-000001-5',"
	    " '2026-000002-8', '2026-000003-1', '2026-000004-4',"
	    " '2026-000006-6')"), 5);
	/* Each payment is its own transaction's amount, the fee. */
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM payment p"
	    " JOIN submission s ON s.id = p.submission_id WHERE p.method ="
	    " 'transfer' AND p.state = 'completed' AND p.amount_cents ="
	    " s.fee_cents"), 5);
	assert_int_equal(testdb_long(dir, "SELECT count(DISTINCT event_id)"
	    " FROM payment_event WHERE source = 'statement'"), 5);
	assert_int_equal(recorded(dir), 50505);

	import(dir, PAY "v04.xml", v04_first);
	assert_int_equal(paid_count(dir), 8);
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM submission"
	    " WHERE payment = 'awaiting' AND ref IN ('2026-000010-6',"
	    " '2026-000011-1')"), 2);

	import(dir, PAY "v08.xml", v08_first);
	assert_int_equal(paid_count(dir), 10);
	assert_int_equal(testdb_long(dir, "SELECT count(*) FROM submission"
	    " WHERE payment = 'paid' AND ref IN ('2026-000012-2',"
	    " '2026-000017-9')"), 2);
	assert_int_equal(recorded(dir), 101010);
	tmpdir_remove(dir);
}

/*
 * The same statements again, and in another order: nothing is recorded
 * twice, every transfer recorded before says "already", the second of
 * two identical transfers stays a second payment.
 */
static void
test_camt_twice(void **state)
{
	char	 dir[TMPDIR_MAX], out[8192];
	const char *files[] = { PAY "v02.xml", PAY "v04.xml", PAY "v08.xml" };
	long	 before;
	size_t	 i;

	(void)state;
	instance(dir, "bank_iban = " OUR_IBAN "\n");
	for (i = 0; i < 3; i++)
		import(dir, files[i], NULL);
	before = recorded(dir);
	assert_int_equal(before, 101010);

	import(dir, PAY "v08.xml",
	    "already 2026-000012-2 2026030200001\n"
	    "pending 2026-000013-3 #2 30.00: not booked (PDNG); nothing"
	    " marked\n"
	    "check 2026-000014-0 2026030400002: sent as 20.00 USD, booked as"
	    " 18.37 EUR\n"
	    "check 2026-000002-8 2026030400003: a debit of 30.00 reversed:"
	    " the money came back\n"
	    "check 2026-000015-4 2026030400004/1: the batch's transactions add"
	    " up to 40.00, the entry to 50.00\n"
	    "check 2026-000016-5 2026030400004/2: the batch's transactions add"
	    " up to 40.00, the entry to 50.00\n"
	    "already 2026-000017-9 #6\n"
	    "check 2026-000017-9 #7: payment is paid, not awaiting\n"
	    "total: 0 paid, 2 already, 5 check, 0 unmatched, 1 pending,"
	    " 0 skipped\n");
	import(dir, PAY "v02.xml",
	    "already 2026-000001-5 2026030200001\n"
	    "already 2026-000002-8 2026030200001\n"
	    "already 2026-000003-1 2026030200002/1\n"
	    "already 2026-000004-4 2026030200002/2\n"
	    "check 2026-000005-3 2026030200002/3: amount 40.00, fee 45.00\n"
	    "unmatched 2026030200003 2026-03-02 300.00 EUR Heimatverein e.V.:"
	    " Miete Maerz Buergerhaus 2026-000003-2\n"
	    "already 2026-000006-6 2026030200005\n"
	    "check 2026-000001-5 2026030200006: a transfer of 12.50 reversed:"
	    " the bank took the money back\n"
	    "total: 0 paid, 5 already, 2 check, 1 unmatched, 0 pending,"
	    " 1 skipped\n");
	assert_int_equal(camt_cmd(dir, PAY "v04.xml", NULL, out, sizeof(out)),
	    0);
	assert_non_null(strstr(out, "total: 0 paid, 3 already,"));
	assert_int_equal(recorded(dir), before);
	assert_int_equal(paid_count(dir), 10);
	tmpdir_remove(dir);
}

/* --dry-run says what it would do and records nothing. */
static void
test_camt_dry_run(void **state)
{
	char	 dir[TMPDIR_MAX], out[8192];

	(void)state;
	instance(dir, "bank_iban = " OUR_IBAN "\n");
	assert_int_equal(camt_cmd(dir, PAY "v02.xml", "--dry-run", out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out, "paid 2026-000002-8 30.00 2026030200001"
	    " (dry run)\n"));
	assert_non_null(strstr(out, "total (dry run): 5 paid,"));
	assert_int_equal(recorded(dir), 0);
	assert_int_equal(paid_count(dir), 0);
	tmpdir_remove(dir);
}

/*
 * A statement of another account than bank_iban marks nothing paid,
 * though its credit names a submission with the right amount, and says
 * so; in a file with statements of two accounts, ours is imported. No
 * bank_iban: nothing can be told, nothing is done.
 */
static void
test_camt_other_account(void **state)
{
	char	 dir[TMPDIR_MAX], out[8192], path[TMPDIR_MAX + 16];
	FILE	*f;

	(void)state;
	instance(dir, "bank_iban = " OUR_IBAN "\n");
	assert_int_equal(camt_cmd(dir, PAY "other-account.xml", NULL, out,
	    sizeof(out)), 1);
	assert_string_equal(out, "other-account 0417C5320260302000001"
	    " DE89370400440532013000: not bank_iban " OUR_IBAN ", 1"
	    " transaction, nothing marked\n"
	    "total: 0 paid, 0 already, 0 check, 0 unmatched, 0 pending,"
	    " 0 skipped\n");
	assert_int_equal(recorded(dir), 0);
	assert_int_equal(paid_count(dir), 0);

	snprintf(path, sizeof(path), "%s/two.xml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
	    "\"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-03-03T06:"
	    "00:00</CreDtTm></GrpHdr>"
	    "<Stmt><Id>THEIRS</Id><CreDtTm>2026-03-03T06:00:00</CreDtTm><Acct>"
	    "<Id><IBAN>DE89370400440532013000</IBAN></Id></Acct><Ntry>"
	    "<Amt Ccy=\"EUR\">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>"
	    "BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>"
	    "T-1</AcctSvcrRef><AddtlNtryInf>2026-000002-8</AddtlNtryInf></Ntry>"
	    "</Stmt>"
	    "<Stmt><Id>OURS</Id><CreDtTm>2026-03-03T06:00:00</CreDtTm><Acct>"
	    "<Id><IBAN>" OUR_IBAN "</IBAN></Id></Acct><Ntry>"
	    "<Amt Ccy=\"EUR\">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>"
	    "BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>"
	    "O-1</AcctSvcrRef><AddtlNtryInf>2026-000001-5</AddtlNtryInf></Ntry>"
	    "</Stmt></BkToCstmrStmt></Document>\n", f);
	assert_int_equal(fclose(f), 0);
	import(dir, path, "other-account THEIRS DE89370400440532013000:"
	    " not bank_iban " OUR_IBAN ", 1 transaction, nothing marked\n"
	    "paid 2026-000001-5 12.50 O-1\n"
	    "total: 1 paid, 0 already, 0 check, 0 unmatched, 0 pending,"
	    " 0 skipped\n");
	assert_int_equal(paid_count(dir), 1);
	tmpdir_remove(dir);

	instance(dir, "");
	assert_int_equal(camt_cmd(dir, PAY "v02.xml", NULL, out, sizeof(out)),
	    1);
	assert_string_equal(out, "");
	assert_int_equal(recorded(dir), 0);
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
		cmocka_unit_test(test_camt_statements),
		cmocka_unit_test(test_camt_twice),
		cmocka_unit_test(test_camt_dry_run),
		cmocka_unit_test(test_camt_other_account),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
