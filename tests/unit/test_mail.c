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
#include "conf.h"
#include "mail.h"
#include "maildecode.h"
#include "outbox.h"
#include "addresses.h"

#define TO	"erika@example.org"
#define NOW	((time_t)1775037600)	/* 2026-04-01T10:00:00Z, a Wednesday */

static struct conf
sample_conf(const char *name)
{
	struct conf c = {
		.smtp_url = (char *)"smtp://127.0.0.1:2525",
		.mail_from = (char *)"portal@wiesmoor.de",
		.mail_from_name = (char *)name,
		.smtp_tls = CONF_TLS_NO,
		.mail_timeout_s = 2,
	};
	return c;
}

/* Format, check the invariants every message keeps, return the text. */
static char *
format(const char *name, const char *subject, const char *body)
{
	struct conf c = sample_conf(name);
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(mail_format(&b, &c, TO, subject, body, NOW), 0);
	assert_true(maildecode_longest(buf_str(&b)) <= 78);
	/* Every line ends in CRLF: no bare LF or CR anywhere. */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\r')
			assert_true(b.data[i] == '\r' ? b.data[i + 1] == '\n' :
			    i > 0 && b.data[i - 1] == '\r');
	return buf_steal(&b);
}

static void
assert_header(const char *msg, const char *name, const char *want)
{
	char	*v = maildecode_header(msg, name);

	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

/* The Subject header decoded back. */
static void
assert_subject_decodes(const char *msg, const char *want)
{
	char	*v = maildecode_header(msg, "Subject"), *d;

	assert_non_null(v);
	assert_non_null(d = maildecode_words(v));
	assert_string_equal(d, want);
	free(d);
	free(v);
}

static void
test_mail_headers(void **state)
{
	char	*m, *id;

	(void)state;
	m = format("Stadt Wiesmoor", "Ihre Anmeldung", "Text\n");
	assert_header(m, "Date", "Wed, 1 Apr 2026 10:00:00 +0000");
	assert_header(m, "From", "\"Stadt Wiesmoor\" <portal@wiesmoor.de>");
	assert_header(m, "To", TO);
	/* ASCII stays plain. */
	assert_header(m, "Subject", "Ihre Anmeldung");
	assert_header(m, "MIME-Version", "1.0");
	assert_header(m, "Content-Type", "text/plain; charset=UTF-8");
	assert_header(m, "Content-Transfer-Encoding", "quoted-printable");
	assert_header(m, "Auto-Submitted", "auto-generated");
	assert_non_null(id = maildecode_header(m, "Message-ID"));
	assert_int_equal(strlen(id), 1 + 32 + 1 + strlen("wiesmoor.de") + 1);
	assert_true(id[0] == '<' && strspn(id + 1, "0123456789abcdef") == 32);
	assert_string_equal(id + 33, "@wiesmoor.de>");
	free(id);
	free(m);
	/* No display name: the bare address. */
	m = format("", "x", "y");
	assert_header(m, "From", "<portal@wiesmoor.de>");
	free(m);
}

static void
test_mail_subject_encoded_words(void **state)
{
	static const char *const subjects[] = {
		"Ihre Anmeldung – Eingang bestätigt",
		"Ihre Anmeldung zum Osterfeuer 2026 in Wiesmoor-Marcardsmoor –"
		    " Eingang bestätigt, Aktenzeichen 2026-000123-4 (Ümläute:"
		    " äöüßÄÖÜ €€€ 😀😀😀 und noch etwas mehr Text dahinter)",
		"a=?UTF-8?B?x?= looks encoded",
		"Sehr_langes_Wort_ohne_Leerzeichen_das_nicht_gefaltet_werden_kann_"
		    "und_daher_kodiert_wird",
		"Zwei Wörter  mit doppeltem Leerzeichen und einer recht langen"
		    " Fortsetzung, die gefaltet wird",
	};
	char	*m, *v, *w, *e;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		m = format("Stadt Wiesmoor", subjects[i], "x\n");
		assert_subject_decodes(m, subjects[i]);
		v = maildecode_header(m, "Subject");
		/* Every encoded word at most 75 characters. */
		for (w = v; (w = strstr(w, "=?UTF-8?B?")) != NULL; w = e + 2) {
			assert_non_null(e = strstr(w + 10, "?="));
			assert_true(e + 2 - w <= 75);
		}
		if (i == 0 || i == 1)
			assert_non_null(strstr(v, "=?UTF-8?B?"));
		free(v);
		free(m);
	}
	/* A long ASCII subject is folded at spaces and unfolds unchanged. */
	m = format("", "Ihre Anmeldung zum Osterfeuer in Wiesmoor ist eingegangen"
	    " und wird von der Stadtverwaltung bearbeitet", "x");
	assert_subject_decodes(m, "Ihre Anmeldung zum Osterfeuer in Wiesmoor"
	    " ist eingegangen und wird von der Stadtverwaltung bearbeitet");
	assert_non_null(strstr(m, "\r\n "));
	assert_null(strstr(m, "=?"));
	free(m);
}

static void
test_mail_from_name_encoded(void **state)
{
	char	*m, *v, *d;

	(void)state;
	m = format("Stadt Wiesmoor – Bürgerbüro", "x", "y");
	assert_non_null(v = maildecode_header(m, "From"));
	assert_non_null(strstr(v, "=?UTF-8?B?"));
	assert_non_null(d = maildecode_words(v));
	assert_string_equal(d, "Stadt Wiesmoor – Bürgerbüro <portal@wiesmoor.de>");
	free(d);
	free(v);
	free(m);
	/* Quotes in a plain name are escaped inside the quoted string. */
	m = format("Amt \"Ordnung\"", "x", "y");
	assert_header(m, "From", "\"Amt \\\"Ordnung\\\"\" <portal@wiesmoor.de>");
	free(m);
}

static void
assert_body_round_trip(const char *body)
{
	char	*m, *d, *p;
	struct buf want;

	m = format("", "x", body);
	assert_non_null(d = maildecode_qp(m));
	buf_init(&want, 0);
	for (p = (char *)body; *p != '\0'; p++)
		if (p[0] != '\r' || p[1] != '\n')
			buf_addch(&want, *p);
	if (want.len > 0 && want.data[want.len - 1] != '\n')
		buf_addch(&want, '\n');
	assert_string_equal(d, buf_str(&want));
	/* Only ASCII in the body, and no line ends in white space. */
	p = strstr(m, "\r\n\r\n") + 4;
	for (; *p != '\0'; p++) {
		assert_true((unsigned char)*p < 0x80);
		if (p[0] == '\r')
			assert_true(p[-1] != ' ' && p[-1] != '\t');
	}
	assert_true(maildecode_longest(strstr(m, "\r\n\r\n") + 4) <= 76);
	buf_free(&want);
	free(d);
	free(m);
}

static void
test_mail_body_quoted_printable(void **state)
{
	struct buf lng;
	char	*m;

	(void)state;
	assert_body_round_trip("Guten Tag,\n\nIhre Anmeldung ist eingegangen.\n");
	assert_body_round_trip("1 + 1 = 2, a==b, =41 is not A\n");
	assert_body_round_trip("trailing spaces   \ntrailing tab\t\n");
	assert_body_round_trip("Grüße aus Wiesmoor: äöüß ÄÖÜ € 😀\n");
	assert_body_round_trip(".\n..\n.a line with a dot\nFrom here\n");
	assert_body_round_trip("no newline at the end");
	assert_body_round_trip("CRLF\r\nlines\r\n");
	buf_init(&lng, 0);
	for (int i = 0; i < 40; i++)
		buf_addstr(&lng, "Wörter= ");
	buf_addstr(&lng, "\n");
	for (int i = 0; i < 300; i++)
		buf_addch(&lng, 'x');
	buf_addstr(&lng, "\n");
	for (int i = 0; i < 100; i++)
		buf_addstr(&lng, "ä");
	buf_addstr(&lng, "  \n");
	assert_body_round_trip(buf_str(&lng));
	buf_free(&lng);
	/* A lone "." line never goes out as it is. */
	m = format("", "x", "a\n.\nb\n");
	assert_non_null(strstr(m, "\r\n=2E\r\n"));
	free(m);
}

/* Nothing the caller passes may add a header or a recipient. */
static void
test_mail_refuses_injection(void **state)
{
	static const char *const bad_to[] = {
		"erika@example.org\r\nBcc: evil@x.org", "erika@example.org\n",
		"erika@example.org, evil@x.org", "Erika <erika@example.org>",
		"erika@example.org;evil@x.org", "erika", "",
		"ärika@example.org", "erika@example.org Bcc:evil@x.org",
	};
	struct conf c = sample_conf("Stadt Wiesmoor");
	struct buf b;
	size_t	 i;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(mail_format(&b, &c, TO, "x\r\nBcc: evil@x", "y", NOW),
	    -1);
	assert_int_equal(mail_format(&b, &c, TO, "x\nBcc: evil@x", "y", NOW),
	    -1);
	assert_int_equal(mail_format(&b, &c, TO, "x\rBcc: evil@x", "y", NOW),
	    -1);
	assert_int_equal(mail_format(&b, &c, TO, "bad \xff UTF-8", "y", NOW),
	    -1);
	for (i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++)
		assert_int_equal(mail_format(&b, &c, bad_to[i], "x", "y", NOW),
		    -1);
	c.mail_from_name = (char *)"Stadt\r\nBcc: evil@x.org";
	assert_int_equal(mail_format(&b, &c, TO, "x", "y", NOW), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/*
 * The boundary of what can be sent, the same list the form's check is
 * tested with (addresses.h): every address a form accepts is formatted,
 * every other one refused.
 */
static void
test_mail_addresses(void **state)
{
	struct conf c = sample_conf("Stadt Wiesmoor");
	struct buf b;
	size_t	 i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < sizeof(addresses_good) / sizeof(addresses_good[0]);
	    i++) {
		if (mail_format(&b, &c, addresses_good[i], "x", "y", NOW) != 0)
			fail_msg("refused: %s", addresses_good[i]);
		assert_non_null(strstr(buf_str(&b), addresses_good[i]));
	}
	for (i = 0; i < sizeof(addresses_bad) / sizeof(addresses_bad[0]); i++)
		if (mail_format(&b, &c, addresses_bad[i], "x", "y", NOW) != -1)
			fail_msg("formatted: %s", addresses_bad[i]);
	buf_free(&b);
}

/* Mail off: mail_send says so and outbox_flush does nothing. */
static void
test_mail_off(void **state)
{
	struct conf c = sample_conf("");
	struct outbox_stats st;
	char	 err[128];

	(void)state;
	c.smtp_url = (char *)"";
	assert_int_equal(mail_send(&c, TO, "x", 1, NULL, NULL, err,
	    sizeof(err)), MAIL_NOT_SENT);
	assert_non_null(strstr(err, "off"));
	assert_int_equal(outbox_flush(&c, NULL, NOW, 0, 1000, &st), 0);
	assert_int_equal(st.sent + st.failed + st.given_up, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail_headers),
		cmocka_unit_test(test_mail_subject_encoded_words),
		cmocka_unit_test(test_mail_from_name_encoded),
		cmocka_unit_test(test_mail_body_quoted_printable),
		cmocka_unit_test(test_mail_refuses_injection),
		cmocka_unit_test(test_mail_addresses),
		cmocka_unit_test(test_mail_off),
	};

	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
