#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "epc.h"
#include "qr.h"
#include "ref.h"
#include "testpay.h"
#include "tmpdir.h"

#define IBAN	"DE33100205000001194700"
#define BIC	"BFSWDE33BER"
#define NAME	"Wikimedia Foerdergesellschaft"

static void
test_rf_iso_example(void **state)
{
	char	 rf[EPC_RF_MAX], printed[EPC_RF_PRINT_MAX], ref[REF_MAX];

	(void)state;
	assert_int_equal(epc_rf_make("539007547034", rf), 0);
	assert_string_equal(rf, "RF18539007547034");
	assert_true(epc_rf_valid("RF18539007547034"));
	assert_false(epc_rf_valid("RF17539007547034"));
	assert_false(epc_rf_valid("RF18539007547043"));	/* swapped */
	assert_false(epc_rf_valid("RF18 5390 0754 7034"));	/* printed */
	assert_false(epc_rf_valid("XX18539007547034"));
	assert_int_equal(epc_rf_print("RF18539007547034", printed), 0);
	assert_string_equal(printed, "RF18 5390 0754 7034");
	/* Letters count too (mobilefish.com's examples). */
	assert_true(epc_rf_valid("RF45G72UUR"));
	assert_true(epc_rf_valid("RF6518K5"));
	/* Not one of ours: no reference of ours comes back from it. */
	assert_int_equal(epc_rf_ref("RF18539007547034", ref), -1);
	assert_int_equal(epc_rf_make("", rf), -1);
	assert_int_equal(epc_rf_make("1234567890123456789012", rf), -1);
	assert_int_equal(epc_rf_make("12-3", rf), -1);
}

static void
test_rf_of_our_references(void **state)
{
	char	 ref[REF_MAX], rf[EPC_RF_MAX], back[REF_MAX];
	char	 printed[EPC_RF_PRINT_MAX];

	(void)state;
	assert_int_equal(ref_format(ref, 2026, 123), 0);
	assert_string_equal(ref, "2026-000123-8");
	assert_int_equal(epc_rf(ref, rf), 0);
	assert_string_equal(rf, "RF1420260001238");
	assert_int_equal(epc_rf_print(rf, printed), 0);
	assert_string_equal(printed, "RF14 2026 0001 238");
	assert_int_equal(epc_rf_ref(rf, back), 0);
	assert_string_equal(back, ref);
	assert_int_equal(epc_rf("2026-000001-5", rf), 0);
	assert_string_equal(rf, "RF5520260000015");
	/* The longest: nine digits of sequence. */
	assert_int_equal(ref_format(ref, 2026, 999999999L), 0);
	assert_int_equal(epc_rf(ref, rf), 0);
	assert_int_equal(epc_rf_ref(rf, back), 0);
	assert_string_equal(back, ref);
	/* A wrong Damm digit is no reference, with or without RF. */
	assert_int_equal(epc_rf("2026-000123-7", rf), -1);
	assert_int_equal(epc_rf_make("20260001237", rf), 0);
	assert_int_equal(epc_rf_ref(rf, back), -1);
}

static void
test_payload_exact(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(epc_payload(&b, BIC, NAME, IBAN, 12345, NULL,
	    "Spende fuer Wikipedia", "CHAR"), 0);
	assert_string_equal(buf_str(&b), "BCD\n002\n1\nSCT\n" BIC "\n" NAME
	    "\n" IBAN "\nEUR123.45\nCHAR\n\nSpende fuer Wikipedia");
	buf_reset(&b);
	/* RF reference, no BIC, no purpose: the last line is the RF. */
	assert_int_equal(epc_payload(&b, NULL, "Stadt Musterhausen",
	    "de33 1002 0500 0001 1947 00", 1250, "RF1420260001238", NULL,
	    NULL), 0);
	assert_string_equal(buf_str(&b), "BCD\n002\n1\nSCT\n\nStadt"
	    " Musterhausen\n" IBAN "\nEUR12.50\n\nRF1420260001238");
	buf_reset(&b);
	assert_int_equal(epc_payload(&b, "", "Gemeinde Öhringen", IBAN, 1,
	    NULL, NULL, ""), 0);
	assert_string_equal(buf_str(&b), "BCD\n002\n1\nSCT\n\nGemeinde"
	    " Öhringen\n" IBAN "\nEUR0.01");
	buf_free(&b);
}

static void
test_payload_limits(void **state)
{
	struct buf b;
	char	 name[80], text[300];

	(void)state;
	buf_init(&b, 4096);
	/* Name: 1..70 characters, umlauts count once. */
	memset(name, 'a', 70);
	name[70] = '\0';
	assert_int_equal(epc_payload(&b, NULL, name, IBAN, 100, NULL, NULL,
	    NULL), 0);
	name[70] = 'a';
	name[71] = '\0';
	buf_reset(&b);
	assert_int_equal(epc_payload(&b, NULL, name, IBAN, 100, NULL, NULL,
	    NULL), -1);
	assert_int_equal(b.len, 0);
	memset(text, 0, sizeof(text));
	for (int i = 0; i < 70; i++)
		memcpy(text + 2 * i, "ä", 2);
	assert_int_equal(epc_payload(&b, NULL, text, IBAN, 100, NULL, NULL,
	    NULL), 0);
	buf_reset(&b);
	assert_int_equal(epc_payload(&b, NULL, "", IBAN, 100, NULL, NULL,
	    NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt\nX", IBAN, 100, NULL,
	    NULL, NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "\xff", IBAN, 100, NULL, NULL,
	    NULL), -1);
	/* IBAN by mod 97. */
	assert_int_equal(epc_payload(&b, NULL, "Stadt",
	    "DE33100205000001194701", 100, NULL, NULL, NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt", "", 100, NULL, NULL,
	    NULL), -1);
	/* Amount: 0.01 .. 999999999.99. */
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 0, NULL, NULL,
	    NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, -5, NULL, NULL,
	    NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN,
	    100000000000L, NULL, NULL, NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 99999999999L,
	    NULL, NULL, NULL), 0);
	assert_non_null(strstr(buf_str(&b), "\nEUR999999999.99"));
	buf_reset(&b);
	/* BIC: 8 or 11; purpose: up to four. */
	assert_int_equal(epc_payload(&b, "BFSWDE3", "Stadt", IBAN, 100, NULL,
	    NULL, NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 100, NULL,
	    NULL, "CHARI"), -1);
	/* Reference and text: one or the other; the RF must check. */
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 100,
	    "RF1420260001238", "Hund", NULL), -1);
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 100,
	    "RF1520260001238", NULL, NULL), -1);
	/* Text: 140 characters at most. */
	memset(text, 'x', 141);
	text[141] = '\0';
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 100, NULL, text,
	    NULL), -1);
	text[140] = '\0';
	assert_int_equal(epc_payload(&b, NULL, "Stadt", IBAN, 100, NULL, text,
	    NULL), 0);
	buf_free(&b);
}

/* Every field at its longest in two-byte characters: over 331 bytes. */
static void
test_payload_cap(void **state)
{
	struct buf b;
	char	 name[200], text[400];
	int	 i;

	(void)state;
	buf_init(&b, 4096);
	memset(name, 0, sizeof(name));
	memset(text, 0, sizeof(text));
	for (i = 0; i < 70; i++)
		memcpy(name + 2 * i, "ö", 2);
	for (i = 0; i < 140; i++)
		memcpy(text + 2 * i, "ü", 2);
	assert_int_equal(epc_payload(&b, BIC, name, IBAN, 99999999999L, NULL,
	    text, "CHAR"), -1);
	assert_int_equal(b.len, 0);
	/* 331 bytes exactly pass: fill the text up to it. */
	text[0] = '\0';
	assert_int_equal(epc_payload(&b, BIC, name, IBAN, 99999999999L, NULL,
	    NULL, "CHAR"), 0);
	i = (int)(EPC_PAYLOAD_MAX - b.len - 2);	/* "\n\n" before the text */
	buf_reset(&b);
	memset(text, 'x', (size_t)i);
	text[i] = '\0';
	assert_int_equal(epc_payload(&b, BIC, name, IBAN, 99999999999L, NULL,
	    text, "CHAR"), 0);
	assert_int_equal(b.len, EPC_PAYLOAD_MAX);
	buf_reset(&b);
	text[i] = 'x';
	text[i + 1] = '\0';
	assert_int_equal(epc_payload(&b, BIC, name, IBAN, 99999999999L, NULL,
	    text, "CHAR"), -1);
	buf_free(&b);
}

static int
have(const char *tool)
{
	char	*argv[] = { "sh", "-c", NULL, NULL };
	char	 cmd[128], out[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", tool);
	argv[2] = cmd;
	return testpay_run(argv, out, sizeof(out)) == 0;
}

/* Render the code, read it with a scanner, compare line by line. */
static void
test_qr_decodes(void **state)
{
	static const char *const want[] = { "BCD", "002", "1", "SCT", "",
	    "Stadt Musterhausen – Kasse", IBAN, "EUR12.50", "",
	    "RF1420260001238" };
	char	 dir[TMPDIR_MAX], svg[128], png[128], out[2048];
	struct buf payload, path;
	char	*line, *save;
	FILE	*fp;
	size_t	 i;
	int	 size;

	(void)state;
	if (!have("rsvg-convert") || !have("zbarimg"))
		skip();
	buf_init(&payload, 1024);
	buf_init(&path, 1 << 20);
	assert_int_equal(epc_payload(&payload, NULL,
	    "Stadt Musterhausen – Kasse", IBAN, 1250, "RF1420260001238", NULL,
	    NULL), 0);
	assert_int_equal(epc_qr(&payload, &path, &size), 0);
	assert_true(size - 2 * QR_QUIET <= 69);
	assert_int_equal(tmpdir_make(dir, "epc"), 0);
	snprintf(svg, sizeof(svg), "%s/epc.svg", dir);
	snprintf(png, sizeof(png), "%s/epc.png", dir);
	assert_non_null(fp = fopen(svg, "w"));
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0"
	    " %d %d\" width=\"%d\" height=\"%d\"><rect width=\"%d\" height="
	    "\"%d\" fill=\"#fff\"/><path d=\"%s\" fill=\"#000\"/></svg>\n",
	    size, size, size * 8, size * 8, size, size, buf_str(&path));
	assert_int_equal(fclose(fp), 0);
	{
		char	*conv[] = { "rsvg-convert", "-o", png, svg, NULL };
		char	*zbar[] = { "zbarimg", "--raw", "-q", "-Sbinary", png,
		    NULL };

		assert_int_equal(testpay_run(conv, out, sizeof(out)), 0);
		assert_int_equal(testpay_run(zbar, out, sizeof(out)), 0);
	}
	/* zbarimg ends with a newline of its own. */
	i = strlen(out);
	if (i > 0 && out[i - 1] == '\n')
		out[i - 1] = '\0';
	assert_string_equal(out, buf_str(&payload));
	for (i = 0, line = strtok_r(out, "\n", &save); i < 10; i++) {
		if (*want[i] == '\0')
			continue;
		assert_non_null(line);
		assert_string_equal(line, want[i]);
		line = strtok_r(NULL, "\n", &save);
	}
	assert_null(line);
	tmpdir_remove(dir);
	buf_free(&payload);
	buf_free(&path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rf_iso_example),
		cmocka_unit_test(test_rf_of_our_references),
		cmocka_unit_test(test_payload_exact),
		cmocka_unit_test(test_payload_limits),
		cmocka_unit_test(test_payload_cap),
		cmocka_unit_test(test_qr_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
