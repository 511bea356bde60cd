#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <qrencode.h>

#include "buf.h"
#include "conf.h"
#include "confload.h"
#include "qr.h"

static void
test_conf_reads_keys_and_defaults(void **state)
{
	struct conf c;
	char	 err[256];

	(void)state;
	assert_int_equal(conf_load_text(
	    "# comment\n\n  data_dir = /srv/data  \n"
	    "base_url=https://portal.example.org\r\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.data_dir, "/srv/data");
	assert_string_equal(c.base_url, "https://portal.example.org");
	/* Unset keys get their defaults. */
	assert_string_equal(c.script, "/cgi-bin/rathaus.cgi");
	assert_string_equal(c.timezone, "Europe/Berlin");
	assert_non_null(c.share_dir);
	conf_free(&c);
}

static void
test_conf_rejects_mistakes(void **state)
{
	struct conf c;
	char	 err[256];

	(void)state;
	assert_int_equal(conf_load_text(
	    "data_dri = /srv\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: unknown key"));
	assert_int_equal(conf_load_text(
	    "\n\njust words\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: expected key = value"));
	assert_int_equal(conf_load_text("timezone = Europe/Wiesmoor\n", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown timezone"));
	assert_int_equal(conf_load_text(
	    "timezone = ../../etc/passwd\n", &c, err,
	    sizeof(err)), -1);
	assert_int_equal(conf_load(&c, "/nonexistent/rathaus.conf", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
	/* The programs run in the web server's working directory. */
	assert_int_equal(conf_load_text("site_dir = site\n", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "site_dir must be an absolute path"));
	assert_int_equal(conf_load_text("site_dir = /etc/rathaus/site\n", &c,
	    err, sizeof(err)), 0);
	assert_string_equal(c.site_dir, "/etc/rathaus/site");
	conf_free(&c);
}

/*
 * The store: SQLite unless store = postgresql names a connection string
 * (which may hold a password: a message names the key only).
 */
static void
test_conf_store(void **state)
{
	struct conf c;
	char	 err[256];

	(void)state;
	assert_int_equal(conf_load_text("data_dir = /srv\n", &c, err,
	    sizeof(err)), 0);
	assert_string_equal(c.store, "sqlite");
	assert_null(c.store_pg);
	conf_free(&c);
	assert_int_equal(conf_load_text("store = postgresql\n"
	    "store_conninfo = host=/run/pg dbname=wiesmoor password=Geh31m\n",
	    &c, err, sizeof(err)), 0);
	assert_non_null(c.store_pg);
	assert_string_equal(c.store_pg,
	    "host=/run/pg dbname=wiesmoor password=Geh31m");
	conf_free(&c);
	assert_int_equal(conf_load_text("store = postgresql\n", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "needs store_conninfo"));
	assert_int_equal(conf_load_text("store = mysql\n", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "store must be sqlite or postgresql"));
	assert_int_equal(conf_load_text("store_conninfo = password=Geh31m\n",
	    &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is for store = postgresql"));
	assert_null(strstr(err, "Geh31m"));
}

/*
 * An unknown key is named, so that the administrator finds the typo; its
 * value never (it may be a secret). A "key" that is no name (a secret
 * pasted without its key, a colon for the equals sign) is not repeated.
 */
static void
test_conf_unknown_key_named(void **state)
{
	struct conf c;
	char	 err[256];

	(void)state;
	assert_int_equal(conf_load_text("data_dir = /srv\n\n# x\n"
	    "paypal_clientid = Sup3rS3cret\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":4: unknown key \"paypal_clientid\""));
	assert_null(strstr(err, "Sup3rS3cret"));
	assert_int_equal(conf_load_text(
	    "paypal_secret: Sup3rS3cret = x\n", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: unknown key"));
	assert_null(strstr(err, "Sup3rS3cret"));
	assert_int_equal(conf_load_text(
	    "Sup3rS3cretSup3rS3cretSup3rS3cretSup3rS3cret"
	    "Sup3rS3cret = x\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: unknown key"));
	assert_null(strstr(err, "Sup3rS3cret"));
}

static void
test_conf_long_line(void **state)
{
	struct conf c;
	char	 err[256];
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	buf_addstr(&b, "data_dir = ");
	for (int i = 0; i < 5000; i++)
		buf_addch(&b, 'x');
	buf_addch(&b, '\n');
	assert_int_equal(conf_load_text(buf_str(&b), &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line too long"));
	buf_free(&b);
}

/* The staging limits: defaults, MiB and minutes as written, bounds. */
static void
test_conf_staged(void **state)
{
	static const char *const bad[] = {
		"staged_form_mib = 0\n", "staged_form_mib = 2048\n",
		"staged_total_mib = -1\n", "staged_total_mib = 10 MB\n",
		"staged_idle_minutes = 0\n", "staged_idle_minutes = 10081\n",
	};
	struct conf c;
	char	 err[256];
	size_t	 i;

	(void)state;
	assert_int_equal(conf_load_text(
	    "data_dir = /srv\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.staged_form_max, 20u << 20);
	assert_int_equal(c.staged_total_max, 256u << 20);
	assert_int_equal(c.staged_idle_s, 3600);
	conf_free(&c);
	assert_int_equal(conf_load_text(
	    "staged_form_mib = 1\nstaged_total_mib = 3\n"
	    "staged_idle_minutes = 15\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.staged_form_max, 1u << 20);
	assert_int_equal(c.staged_total_max, 3u << 20);
	assert_int_equal(c.staged_idle_s, 900);
	conf_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(conf_load_text(
		    bad[i], &c, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "staged_"));
	}
}

/* Mail settings: off by default, parsed, and nothing to inject. */
static void
test_conf_mail(void **state)
{
	struct conf c;
	char	 err[256];

	(void)state;
	assert_int_equal(conf_load_text(
	    "data_dir = /srv\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.smtp_url, "");
	assert_int_equal(c.smtp_tls, CONF_TLS_TRY);
	assert_int_equal(c.mail_timeout_s, 10);
	conf_free(&c);

	assert_int_equal(conf_load_text(
	    "smtp_url = smtps://mail.example.org:465\n"
	    "smtp_starttls = required\nsmtp_user = rathaus\n"
	    "smtp_password = geheim\nmail_from = portal@wiesmoor.de\n"
	    "mail_from_name = Stadt Wiesmoor\nmail_timeout = 3\n", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.smtp_tls, CONF_TLS_REQUIRED);
	assert_int_equal(c.mail_timeout_s, 3);
	assert_string_equal(c.smtp_password, "geheim");
	assert_string_equal(c.mail_from_name, "Stadt Wiesmoor");
	conf_free(&c);

	assert_int_equal(conf_load_text(
	    "smtp_url = smtp://127.0.0.1:25\n", &c, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "mail_from is required"));
	assert_int_equal(conf_load_text(
	    "smtp_url = http://x\nmail_from = a@b.de\n",
	    &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "smtp_url"));
	assert_int_equal(conf_load_text("smtp_starttls = maybe\n", &c, err,
	    sizeof(err)), -1);
	assert_int_equal(conf_load_text(
	    "mail_timeout = 0\n", &c, err, sizeof(err)), -1);
	assert_int_equal(conf_load_text(
	    "mail_timeout = 10s\n", &c, err, sizeof(err)),
	    -1);
	assert_int_equal(conf_load_text(
	    "mail_from = a@b.de\rBcc: x@y.de\n", &c, err,
	    sizeof(err)), -1);
	assert_int_equal(conf_load_text(
	    "mail_from = Portal <a@b.de>\n", &c, err,
	    sizeof(err)), -1);
	assert_int_equal(conf_load_text("mail_from = a@b.de, c@d.de\n", &c, err,
	    sizeof(err)), -1);
	assert_int_equal(conf_load_text(
	    "mail_from_name = Stadt\rBcc: x@y.de\n", &c,
	    err, sizeof(err)), -1);
	/* An error names the key, never a value (the password). */
	assert_int_equal(conf_load_text(
	    "smtp_password = geheim\nmail_timeout = x\n",
	    &c, err, sizeof(err)), -1);
	assert_null(strstr(err, "geheim"));
}

/* PayPal settings: off by default, https or loopback http, no secret shown. */
static void
test_conf_paypal(void **state)
{
	struct conf c;
	char	 err[256];

	(void)state;
	assert_int_equal(conf_load_text(
	    "data_dir = /srv\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.paypal_api, "");
	assert_int_equal(c.paypal_timeout_s, 15);
	conf_free(&c);
	assert_int_equal(conf_load_text(
	    "paypal_api = https://api-m.sandbox.paypal.com\n"
	    "paypal_client_id = AbC-123\npaypal_secret = geheim\n"
	    "paypal_webhook_id = 8PT597110X687430LKGECATA\n"
	    "paypal_timeout = 5\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.paypal_timeout_s, 5);
	assert_string_equal(c.paypal_secret, "geheim");
	conf_free(&c);
	assert_int_equal(conf_load_text("paypal_api = http://127.0.0.1:8099\n"
	    "paypal_client_id = id\npaypal_secret = geheim\n", &c, err,
	    sizeof(err)), 0);
	conf_free(&c);
	/* Plain http elsewhere, credentials, odd URLs: refused, no value shown. */
	static const char *const bad[] = {
		"http://api-m.paypal.com", "http://127.0.0.1.evil.example",
		"http://127.0.0.1@evil.example", "https://id:geheim@api-m.paypal.com",
		"ftp://api-m.paypal.com", "https://api-m.paypal.com/",
		"https://api-m.paypal.com?x=1", "https://", "http://localhost:80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf b;

		buf_init(&b, 0);
		buf_printf(&b, "paypal_api = %s\npaypal_client_id = id\n"
		    "paypal_secret = geheim\n", bad[i]);
		assert_int_equal(conf_load_text(
		    buf_str(&b), &c, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "paypal_api"));
		assert_null(strstr(err, "geheim"));
		buf_free(&b);
	}
	assert_int_equal(conf_load_text(
	    "paypal_api = https://api-m.paypal.com\n"
	    "paypal_client_id = id\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "paypal_secret"));
	assert_int_equal(conf_load_text(
	    "paypal_timeout = 0\n", &c, err, sizeof(err)), -1);
	assert_int_equal(conf_load_text(
	    "paypal_secret = geheim\npaypal_timeout = 301\n",
	    &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "paypal_timeout"));
	assert_null(strstr(err, "geheim"));
	assert_true(conf_api_url_ok("http://[::1]:8080"));
	assert_true(conf_api_url_ok("http://127.0.0.1/v"));
	assert_false(conf_api_url_ok("http://[::1]evil"));
	assert_false(conf_api_url_ok("http://127.0.0.1x"));
}

/* The QR path covers exactly the dark modules, inside the quiet zone. */
static void
test_qr_path(void **state)
{
	struct buf p;
	int	 size = 0;

	(void)state;
	buf_init(&p, 0);
	assert_int_equal(qr_path("http://127.0.0.1:8080/cgi-bin/rathaus.cgi/"
	    "status/2026-000001-5?token=bb1426f48859e2bfa005edaa1e267c95",
	    &p, &size), 0);
	/* Version 6 (41 modules) at level M for this length, plus 2 x 4. */
	assert_int_equal(size, 41 + 2 * QR_QUIET);
	/* The top-left finder pattern starts at the quiet zone: 7 dark. */
	assert_memory_equal(buf_str(&p), "M4 4h7v1h-7z", 12);
	assert_null(strstr(buf_str(&p), "M0 "));
	buf_free(&p);
}

/* Every run of the path as printf would write it, in order. */
static void
test_qr_path_whole(void **state)
{
	static const char url[] = "https://rathaus.example/cgi-bin/"
	    "rathaus.cgi/status/2026-123456-7?token=0123456789abcdef";
	struct buf p, want;
	QRcode	*qr;
	int	 size = 0, x, y, run;

	(void)state;
	buf_init(&p, 0);
	buf_init(&want, 0);
	assert_int_equal(qr_path(url, &p, &size), 0);
	assert_non_null(qr = QRcode_encodeString8bit(url, 0, QR_ECLEVEL_M));
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x += run ? run : 1) {
			for (run = 0; x + run < qr->width &&
			    (qr->data[y * qr->width + x + run] & 1); run++)
				;
			if (run > 0)
				buf_printf(&want, "M%d %dh%dv1h-%dz", x + QR_QUIET,
				    y + QR_QUIET, run, run);
		}
	assert_int_equal(size, qr->width + 2 * QR_QUIET);
	QRcode_free(qr);
	assert_string_equal(buf_str(&p), buf_str(&want));
	buf_free(&p);
	buf_free(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_reads_keys_and_defaults),
		cmocka_unit_test(test_conf_rejects_mistakes),
		cmocka_unit_test(test_conf_store),
		cmocka_unit_test(test_conf_unknown_key_named),
		cmocka_unit_test(test_conf_long_line),
		cmocka_unit_test(test_conf_mail),
		cmocka_unit_test(test_conf_paypal),
		cmocka_unit_test(test_conf_staged),
		cmocka_unit_test(test_qr_path),
		cmocka_unit_test(test_qr_path_whole),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
