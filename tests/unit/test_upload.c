#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "upload.h"

static const unsigned char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF";
static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
static const unsigned char text[] = "Sehr geehrte Damen und Herren,\n";

/* A file field as the loader makes it. */
static struct form_field
field(unsigned accept, long max_kib)
{
	struct form_field f;

	memset(&f, 0, sizeof(f));
	f.name = "scan";
	f.type = FORM_FILE;
	f.accept = accept;
	f.max_kib = max_kib;
	return f;
}

static void
test_upload_sniff(void **state)
{
	(void)state;
	assert_int_equal(upload_sniff(pdf, sizeof(pdf) - 1), UPLOAD_PDF);
	assert_int_equal(upload_sniff(jpeg, sizeof(jpeg) - 1), UPLOAD_JPEG);
	assert_int_equal(upload_sniff(png, sizeof(png) - 1), UPLOAD_PNG);
	assert_int_equal(upload_sniff(text, sizeof(text) - 1), UPLOAD_UNKNOWN);
	/* Shorter than the magic, or one byte off. */
	assert_int_equal(upload_sniff(png, 7), UPLOAD_UNKNOWN);
	assert_int_equal(upload_sniff((const unsigned char *)"%PDF", 4),
	    UPLOAD_UNKNOWN);
	assert_int_equal(upload_sniff((const unsigned char *)"%PDF-", 5),
	    UPLOAD_PDF);
	assert_int_equal(upload_sniff((const unsigned char *)"\xff\xd8\xfe", 3),
	    UPLOAD_UNKNOWN);
	assert_int_equal(upload_sniff((const unsigned char *)"", 0),
	    UPLOAD_UNKNOWN);
	assert_string_equal(upload_mime(UPLOAD_PNG), "image/png");
	assert_null(upload_mime(UPLOAD_UNKNOWN));
	assert_int_equal(upload_type_of_mime("application/pdf"), UPLOAD_PDF);
	assert_int_equal(upload_type_of_mime("text/plain"), UPLOAD_UNKNOWN);
	assert_int_equal(upload_type_of_mime(NULL), UPLOAD_UNKNOWN);
}

/* The content decides, never the name. */
static void
test_upload_check_type(void **state)
{
	struct form_field all = field(FORM_ACCEPT_ALL, 8192);
	struct form_field only_pdf = field(FORM_ACCEPT_PDF, 8192);
	char	 arg[VALID_ARG_MAX];

	(void)state;
	assert_null(upload_check(&all, "scan.pdf", png, sizeof(png) - 1, arg));
	assert_int_equal(upload_sniff(png, sizeof(png) - 1), UPLOAD_PNG);
	assert_string_equal(upload_check(&only_pdf, "scan.pdf", png,
	    sizeof(png) - 1, arg), "file_type");
	assert_string_equal(arg, "PDF");
	assert_string_equal(upload_check(&all, "x.pdf", text, sizeof(text) - 1,
	    arg), "file_type");
	assert_string_equal(arg, "PDF, JPEG, PNG");
	assert_null(upload_check(&only_pdf, "x.png", pdf, sizeof(pdf) - 1, arg));
	assert_string_equal(arg, "");
}

static void
test_upload_check_size(void **state)
{
	struct form_field f = field(FORM_ACCEPT_ALL, 2048);
	struct form_field odd = field(FORM_ACCEPT_PNG, 500);
	struct form_field dflt = field(0, 0);
	unsigned char *big;
	char	 arg[VALID_ARG_MAX];

	(void)state;
	assert_non_null(big = calloc(1, 8u << 20 | 1));
	memcpy(big, pdf, sizeof(pdf) - 1);
	/* Exactly max-size is fine, one byte more is not. */
	assert_null(upload_check(&f, "a.pdf", big, 2048u * 1024, arg));
	assert_string_equal(upload_check(&f, "a.pdf", big, 2048u * 1024 + 1,
	    arg), "file_size");
	assert_string_equal(arg, "2 MB");
	memcpy(big, png, sizeof(png) - 1);
	assert_null(upload_check(&odd, "a.png", big, 500u * 1024, arg));
	assert_string_equal(upload_check(&odd, "a.png", big, 500u * 1024 + 1,
	    arg), "file_size");
	assert_string_equal(arg, "500 KB");
	/* No max-size: the engine's cap of 8 MiB. */
	assert_null(upload_check(&dflt, "a.png", big, 8u << 20, arg));
	assert_string_equal(upload_check(&dflt, "a.png", big, (8u << 20) + 1,
	    arg), "file_size");
	assert_string_equal(arg, "8 MB");
	free(big);
}

static void
test_upload_check_empty(void **state)
{
	struct form_field f = field(FORM_ACCEPT_ALL, 8192);
	char	 arg[VALID_ARG_MAX];

	(void)state;
	assert_string_equal(upload_check(&f, "leer.pdf", pdf, 0, arg),
	    "file_empty");
	assert_string_equal(upload_check(&f, "leer.pdf", NULL, 0, arg),
	    "file_empty");
}

static const char *
name(const char *in, enum upload_type t)
{
	static char out[UPLOAD_NAME_MAX + 1];

	upload_name(out, in, t);
	return out;
}

static void
test_upload_name(void **state)
{
	char	 longname[300], want[UPLOAD_NAME_MAX + 1];
	const char *got;
	size_t	 i;

	(void)state;
	assert_string_equal(name("scan.pdf", UPLOAD_PDF), "scan.pdf");
	assert_string_equal(name("C:\\Users\\a\\scan.pdf", UPLOAD_PDF),
	    "scan.pdf");
	assert_string_equal(name("../../etc/passwd", UPLOAD_PDF), "passwd");
	assert_string_equal(name("/tmp/", UPLOAD_PNG), "upload.png");
	assert_string_equal(name("..", UPLOAD_JPEG), "upload.jpg");
	assert_string_equal(name("a/..", UPLOAD_JPEG), "upload.jpg");
	assert_string_equal(name("", UPLOAD_PDF), "upload.pdf");
	assert_string_equal(name(NULL, UPLOAD_PDF), "upload.pdf");
	assert_string_equal(name("   ", UPLOAD_PDF), "upload.pdf");
	/* Control characters and invalid UTF-8 are dropped. */
	assert_string_equal(name("a\tb\r\n\x1b[31mc\x7f.pdf", UPLOAD_PDF),
	    "ab[31mc.pdf");
	assert_string_equal(name("M\xc3\xbcller \xc2\x85.pdf", UPLOAD_PDF),
	    "M\xc3\xbcller .pdf");
	assert_string_equal(name("a\xff\xc3(b.pdf", UPLOAD_PDF), "a(b.pdf");
	assert_string_equal(name("\xe0\x80\xafx.pdf", UPLOAD_PDF), "x.pdf");
	/* A right-to-left override would make "fdp.exe" look harmless. */
	assert_string_equal(name("x\xe2\x80\xae" "fdp.exe", UPLOAD_PDF),
	    "xfdp.exe");
	assert_string_equal(name("\x01\x02", UPLOAD_PNG), "upload.png");
	assert_string_equal(name("  Antrag 1.pdf  ", UPLOAD_PDF),
	    "Antrag 1.pdf");

	/* Long names: at most 100 bytes, cut between characters. */
	memset(longname, 'a', 150);
	memcpy(longname + 150, ".pdf", 5);
	got = name(longname, UPLOAD_PDF);
	assert_int_equal(strlen(got), UPLOAD_NAME_MAX);
	for (i = 0; i < 99; i++)	/* "ä" is two bytes: 49 fit, plus "a" */
		memcpy(longname + 2 * (i / 2), "\xc3\xa4", 2);
	longname[98] = 'a';
	longname[99] = '\xc3';
	longname[100] = '\xa4';
	longname[101] = '\0';
	got = name(longname, UPLOAD_PDF);
	memcpy(want, longname, 99);
	want[99] = '\0';
	assert_string_equal(got, want);
}

static const char *
save_name(const char *in, enum upload_type t)
{
	static char out[UPLOAD_NAME_MAX + 1];

	upload_save_name(out, in, "2026-000001-8-scan", t);
	return out;
}

/*
 * The name a download is saved under ends in the extension of its kind,
 * whatever the citizen called it, with one dot and nothing a shell, a
 * browser or Windows reads as more.
 */
static void
test_upload_save_name(void **state)
{
	static const struct {
		const char	*in;
		enum upload_type t;
		const char	*want;
	} cases[] = {
		{ "scan.pdf", UPLOAD_PDF, "scan.pdf" },
		{ "Foto vom 3. Mai.jpeg", UPLOAD_JPEG, "Foto vom 3_ Mai.jpg" },
		{ "x.cmd", UPLOAD_PDF, "x.pdf" },
		{ "x.html", UPLOAD_PNG, "x.png" },
		{ "bild.svg", UPLOAD_PNG, "bild.png" },
		{ "a.pdf;.html", UPLOAD_PDF, "a_pdf.pdf" },
		{ "a.pdf%00.html", UPLOAD_PDF, "a_pdf_00.pdf" },
		{ "x.exe.pdf", UPLOAD_PDF, "x_exe.pdf" },
		{ "a\"b'c<d>e|f?g*h:i.png", UPLOAD_PNG, "a_b_c_d_e_f_g_h_i.png" },
		{ "C:\\Users\\a\\Lageplan.tif", UPLOAD_PNG, "Lageplan.png" },
		{ "../../etc/passwd", UPLOAD_PDF, "passwd.pdf" },
		{ "--help.pdf", UPLOAD_PDF, "help.pdf" },
		{ "scan.pdf. . ", UPLOAD_PDF, "scan.pdf" },
		{ "M\xc3\xbcller (Kopie).pdf", UPLOAD_PDF,
		    "M\xc3\xbcller (Kopie).pdf" },
		/* Bidi overrides, marks and zero-width characters go. */
		{ "x\xe2\x80\xae" "fdp.exe", UPLOAD_PDF, "xfdp.pdf" },
		{ "a\xd8\x9c\xe2\x80\x8b" "b\xe2\x81\xa6.html", UPLOAD_PDF,
		    "ab.pdf" },
		{ "a\tb\x1b[0m.pdf", UPLOAD_PDF, "ab_0m.pdf" },
		{ "a\xff\xfe.pdf", UPLOAD_PDF, "a.pdf" },
		/* Windows' device names, whatever the extension. */
		{ "CON.txt", UPLOAD_PDF, "CON_.pdf" },
		{ "lpt1", UPLOAD_PDF, "lpt1_.pdf" },
		{ "console.pdf", UPLOAD_PDF, "console.pdf" },
		/* No base of its own: the fallback's. */
		{ ".hta", UPLOAD_PDF, "2026-000001-8-scan.pdf" },
		{ "...", UPLOAD_PDF, "2026-000001-8-scan.pdf" },
		{ ";;;.html", UPLOAD_PDF, "2026-000001-8-scan.pdf" },
		{ "", UPLOAD_JPEG, "2026-000001-8-scan.jpg" },
		{ NULL, UPLOAD_PNG, "2026-000001-8-scan.png" },
		{ "dir/", UPLOAD_PDF, "2026-000001-8-scan.pdf" },
		/* A kind we do not know is saved as bytes. */
		{ "x.html", UPLOAD_UNKNOWN, "x.bin" },
	};
	char	 longname[300], out[UPLOAD_NAME_MAX + 1];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(save_name(cases[i].in, cases[i].t),
		    cases[i].want) != 0)
			fail_msg("\"%s\": \"%s\", not \"%s\"", cases[i].in ?
			    cases[i].in : "(null)", save_name(cases[i].in,
			    cases[i].t), cases[i].want);
	/* Neither name nor fallback: still a name. */
	upload_save_name(out, ".", NULL, UPLOAD_PDF);
	assert_string_equal(out, "download.pdf");

	/* Long: the base is cut between characters, the extension stays. */
	for (i = 0; i < 140; i += 2)
		memcpy(longname + i, "\xc3\xa4", 2);
	memcpy(longname + 140, ".html", 6);
	upload_save_name(out, longname, NULL, UPLOAD_PDF);
	assert_true(strlen(out) <= UPLOAD_NAME_MAX);
	assert_int_equal(strlen(out), UPLOAD_NAME_MAX);
	assert_string_equal(out + 96, ".pdf");
	assert_memory_equal(out + 94, "\xc3\xa4", 2);
}

/* The page's description of a stored file is what valid_ takes. */
static void
test_upload_describe(void **state)
{
	struct form_field f = field(FORM_ACCEPT_PDF, 1);
	struct buf b;
	char	 arg[VALID_ARG_MAX];

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(upload_describe(&b, "scan.pdf", "application/pdf",
	    1024), 0);
	assert_string_equal(buf_str(&b), "scan.pdf\napplication/pdf\n1024");
	assert_null(upload_check_answer(&f, buf_str(&b), arg));
	buf_reset(&b);
	assert_int_equal(upload_describe(&b, "scan.pdf", "application/pdf",
	    1025), 0);
	assert_string_equal(upload_check_answer(&f, buf_str(&b), arg),
	    "file_size");
	assert_string_equal(arg, "1 KB");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upload_sniff),
		cmocka_unit_test(test_upload_check_type),
		cmocka_unit_test(test_upload_check_size),
		cmocka_unit_test(test_upload_check_empty),
		cmocka_unit_test(test_upload_name),
		cmocka_unit_test(test_upload_save_name),
		cmocka_unit_test(test_upload_describe),
	};

	return cmocka_run_group_tests_name("upload", tests, NULL, NULL);
}
