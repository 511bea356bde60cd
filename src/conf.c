#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "identity.h"
#include "text.h"

#define CONF_LINE_MAX	4096

enum conf_key {
	CONF_DATA_DIR,
	CONF_SHARE_DIR,
	CONF_BASE_URL,
	CONF_SCRIPT,
	CONF_STATIC,
	CONF_TIMEZONE,
	CONF_STAFF_SCRIPT,
	CONF_SMTP_URL,
	CONF_SMTP_STARTTLS,
	CONF_SMTP_USER,
	CONF_SMTP_PASSWORD,
	CONF_MAIL_FROM,
	CONF_MAIL_FROM_NAME,
	CONF_MAIL_TIMEOUT,
	CONF_PAY_METHODS,
	CONF_BANK_IBAN,
	CONF_BANK_BIC,
	CONF_BANK_RECIPIENT,
	CONF_PAYPAL_API,
	CONF_PAYPAL_CLIENT_ID,
	CONF_PAYPAL_SECRET,
	CONF_PAYPAL_WEBHOOK_ID,
	CONF_PAYPAL_TIMEOUT,
	CONF_STAGED_FORM_MIB,
	CONF_STAGED_TOTAL_MIB,
	CONF_STAGED_IDLE_MINUTES,
	CONF_IDENTITY,
	CONF_IDENTITY_SUBJECT,
	CONF_IDENTITY_ISSUER,
	CONF_IDENTITY_LEVEL,
	CONF_IDENTITY_LEVELS,
	CONF_IDENTITY_GIVEN_NAME,
	CONF_IDENTITY_FAMILY_NAME,
	CONF_IDENTITY_BIRTH_DATE,
	CONF_IDENTITY_STREET,
	CONF_IDENTITY_POSTCODE,
	CONF_IDENTITY_TOWN,
	CONF_IDENTITY_EMAIL,
	CONF_IDENTITY_VERIFIED,
	CONF_LOGOUT_URL,
	CONF_SITE_DIR,
	CONF_STORE,
	CONF_STORE_CONNINFO,
	CONF__MAX
};

static const char *const conf_keys[CONF__MAX] = {
	"data_dir", "share_dir", "base_url", "script", "static", "timezone",
	"staff_script",
	"smtp_url", "smtp_starttls", "smtp_user", "smtp_password", "mail_from",
	"mail_from_name", "mail_timeout",
	"pay_methods", "bank_iban", "bank_bic", "bank_recipient",
	"paypal_api", "paypal_client_id", "paypal_secret", "paypal_webhook_id",
	"paypal_timeout",
	"staged_form_mib", "staged_total_mib", "staged_idle_minutes",
	"identity", "identity_subject", "identity_issuer", "identity_level",
	"identity_levels", "identity_given_name", "identity_family_name",
	"identity_birth_date", "identity_street", "identity_postcode",
	"identity_town", "identity_email", "identity_verified", "logout_url",
	"site_dir", "store", "store_conninfo",
};

static char **
conf_slot(struct conf *c, enum conf_key k)
{
	switch (k) {
	case CONF_DATA_DIR:	return &c->data_dir;
	case CONF_SHARE_DIR:	return &c->share_dir;
	case CONF_BASE_URL:	return &c->base_url;
	case CONF_SCRIPT:	return &c->script;
	case CONF_STATIC:	return &c->static_url;
	case CONF_TIMEZONE:	return &c->timezone;
	case CONF_STAFF_SCRIPT:	return &c->staff_script;
	case CONF_SMTP_URL:	return &c->smtp_url;
	case CONF_SMTP_STARTTLS: return &c->smtp_starttls;
	case CONF_SMTP_USER:	return &c->smtp_user;
	case CONF_SMTP_PASSWORD: return &c->smtp_password;
	case CONF_MAIL_FROM:	return &c->mail_from;
	case CONF_MAIL_FROM_NAME: return &c->mail_from_name;
	case CONF_MAIL_TIMEOUT:	return &c->mail_timeout;
	case CONF_PAY_METHODS:	return &c->pay_methods;
	case CONF_BANK_IBAN:	return &c->bank_iban;
	case CONF_BANK_BIC:	return &c->bank_bic;
	case CONF_BANK_RECIPIENT: return &c->bank_recipient;
	case CONF_PAYPAL_API:	return &c->paypal_api;
	case CONF_PAYPAL_CLIENT_ID: return &c->paypal_client_id;
	case CONF_PAYPAL_SECRET: return &c->paypal_secret;
	case CONF_PAYPAL_WEBHOOK_ID: return &c->paypal_webhook_id;
	case CONF_PAYPAL_TIMEOUT: return &c->paypal_timeout;
	case CONF_STAGED_FORM_MIB: return &c->staged_form_mib;
	case CONF_STAGED_TOTAL_MIB: return &c->staged_total_mib;
	case CONF_STAGED_IDLE_MINUTES: return &c->staged_idle_minutes;
	case CONF_IDENTITY:	return &c->identity;
	case CONF_IDENTITY_LEVELS: return &c->identity_levels;
	case CONF_IDENTITY_VERIFIED: return &c->identity_verified;
	case CONF_LOGOUT_URL:	return &c->logout_url;
	case CONF_SITE_DIR:	return &c->site_dir;
	case CONF_STORE:	return &c->store;
	case CONF_STORE_CONNINFO: return &c->store_conninfo;
	case CONF_IDENTITY_SUBJECT: return &c->identity_vars[0];
	case CONF_IDENTITY_ISSUER: return &c->identity_vars[1];
	case CONF_IDENTITY_LEVEL: return &c->identity_vars[2];
	case CONF_IDENTITY_GIVEN_NAME: case CONF_IDENTITY_FAMILY_NAME:
	case CONF_IDENTITY_BIRTH_DATE: case CONF_IDENTITY_STREET:
	case CONF_IDENTITY_POSTCODE: case CONF_IDENTITY_TOWN:
	case CONF_IDENTITY_EMAIL:
		return &c->identity_vars[3 + k - CONF_IDENTITY_GIVEN_NAME];
	default:		return NULL;
	}
}

#define CONF_TIMEOUT_DEFAULT	10
#define CONF_TIMEOUT_MAX	300
#define CONF_PAYPAL_TIMEOUT_DEFAULT 15
/*
 * Staged files: 20 MiB a form (two scans at the 8 MiB a file may have,
 * and more); 256 MiB in all, what abandoned forms may hold of the disk;
 * dropped an hour after the form last sent or staged anything.
 */
#define CONF_STAGED_FORM_MIB	20
#define CONF_STAGED_TOTAL_MIB	256
#define CONF_STAGED_IDLE_MIN	60
#define CONF_MIB		((size_t)1 << 20)

/*
 * Fill every unset key with its default; -1 when out of memory. Mail is
 * off by default (no smtp_url). The parsed mail settings get their
 * defaults too; conf_load then parses what the file says.
 */
int
conf_defaults(struct conf *c)
{
	static const char *const defaults[CONF__MAX] = {
		"/var/lib/rathaus", PKGDATADIR, "http://localhost",
		"/cgi-bin/rathaus.cgi", "/static", "Europe/Berlin",
		"/cgi-bin/staff.cgi",
		"", "try", "", "", "", "", "10",
		"counter", "", "", "",
		"", "", "", "", "15",
		"20", "256", "60",
		/* identity: none; the rest "" (as the preset says) */
		"none", "", "", "", "", "", "", "", "", "", "", "", "", "",
		/* site_dir: none, a portal without a town's settings */
		"",
		/* store: SQLite in data_dir */
		"sqlite", "",
	};
	char	**slot;
	int	  k;

	for (k = 0; k < CONF__MAX; k++) {
		slot = conf_slot(c, (enum conf_key)k);
		if (*slot == NULL && (*slot = strdup(defaults[k])) == NULL)
			return -1;
	}
	if (c->mail_timeout_s == 0) {
		c->smtp_tls = CONF_TLS_TRY;
		c->mail_timeout_s = CONF_TIMEOUT_DEFAULT;
	}
	if (c->paypal_timeout_s == 0)
		c->paypal_timeout_s = CONF_PAYPAL_TIMEOUT_DEFAULT;
	if (c->staged_idle_s == 0) {
		c->staged_form_max = CONF_STAGED_FORM_MIB * CONF_MIB;
		c->staged_total_max = CONF_STAGED_TOTAL_MIB * CONF_MIB;
		c->staged_idle_s = CONF_STAGED_IDLE_MIN * 60L;
	}
	return 0;
}

/* The staging limits, as written, in bytes and seconds. */
static const char *
conf_staged_check(struct conf *c)
{
	long	 form, total, idle;

	if (text_to_long(c->staged_form_mib, 1, 1024, &form) != 0)
		return "staged_form_mib must be 1 to 1024 (MiB)";
	if (text_to_long(c->staged_total_mib, 1, 1L << 20, &total) != 0)
		return "staged_total_mib must be 1 to 1048576 (MiB)";
	if (text_to_long(c->staged_idle_minutes, 1, 7 * 24 * 60, &idle) != 0)
		return "staged_idle_minutes must be 1 to 10080";
	c->staged_form_max = (size_t)form * CONF_MIB;
	c->staged_total_max = (size_t)total * CONF_MIB;
	c->staged_idle_s = idle * 60;
	return NULL;
}

/* A variable as configured: "" keeps the preset's, "-" names none. */
static const char *
conf_identity_var(const char *configured, const char *preset)
{
	if (*configured == '\0')
		return preset;
	return strcmp(configured, "-") == 0 ? "" : configured;
}

/*
 * The citizen login: the preset named by `identity`, each key that is
 * not empty overriding it (docs/identity.md).
 */
static const char *
conf_identity_check(struct conf *c)
{
	const struct identity_map *preset = identity_preset(c->identity);
	struct identity_map *m = &c->identity_map;
	int	 a;

	if (preset == NULL)
		return "identity must be none, oidc or bundid";
	*m = *preset;
	m->subject = conf_identity_var(c->identity_vars[0], m->subject);
	m->issuer = conf_identity_var(c->identity_vars[1], m->issuer);
	m->level = conf_identity_var(c->identity_vars[2], m->level);
	for (a = 0; a < IDENTITY__ATTRS; a++)
		m->attr[a] = conf_identity_var(c->identity_vars[3 + a],
		    m->attr[a]);
	if (*c->identity_levels != '\0')
		m->levels = c->identity_levels;
	if (*c->identity_verified != '\0' && identity_attrs_parse(
	    strcmp(c->identity_verified, "-") == 0 ? "" :
	    c->identity_verified, &m->verified) != 0)
		return "identity_verified: unknown attribute (or - for none)";
	/* A local path: the module's logout (docs/identity.md). */
	if (*c->logout_url != '\0' && (c->logout_url[0] != '/' ||
	    c->logout_url[1] == '/' || c->logout_url[1] == '\\' ||
	    strpbrk(c->logout_url, " \t\"<>") != NULL))
		return "logout_url must be a local path (/...)";
	return identity_map_check(m);
}

/*
 * The store: SQLite in data_dir, or PostgreSQL at store_conninfo (libpq's
 * "key=value ..." or a postgresql:// URI; it may hold a password, so a
 * message names the key, never the value).
 */
static const char *
conf_store_check(struct conf *c)
{
	c->store_pg = NULL;
	if (text_has_controls(c->store_conninfo))
		return "store_conninfo: control characters";
	if (strcmp(c->store, "sqlite") == 0)
		return *c->store_conninfo == '\0' ? NULL :
		    "store_conninfo is for store = postgresql";
	if (strcmp(c->store, "postgresql") != 0)
		return "store must be sqlite or postgresql";
	if (*c->store_conninfo == '\0')
		return "store = postgresql needs store_conninfo";
	c->store_pg = c->store_conninfo;
	return NULL;
}

/*
 * The mail settings: a known scheme, a sane timeout, and a From address
 * that cannot smuggle a header line (no CR or LF anywhere, a plausible
 * single address). The message names the key, never its value: one of
 * them is the password.
 */
static const char *
conf_mail_check(struct conf *c)
{
	static const char *const tls[] = { "no", "try", "required" };
	size_t	 k;

	for (k = 0; k < sizeof(tls) / sizeof(tls[0]); k++)
		if (strcmp(c->smtp_starttls, tls[k]) == 0)
			break;
	if (k == sizeof(tls) / sizeof(tls[0]))
		return "smtp_starttls must be no, try or required";
	c->smtp_tls = (enum conf_tls)k;
	if (text_to_long(c->mail_timeout, 1, CONF_TIMEOUT_MAX,
	    &c->mail_timeout_s) != 0)
		return "mail_timeout must be 1 to 300 seconds";
	if (strpbrk(c->mail_from_name, "\r\n") != NULL ||
	    !text_utf8_valid(c->mail_from_name, strlen(c->mail_from_name)) ||
	    text_has_controls(c->mail_from_name))
		return "mail_from_name: control characters or bad UTF-8";
	if (*c->mail_from != '\0' && !text_email_plain(c->mail_from))
		return "mail_from is not a plain address";
	if (*c->smtp_url == '\0')
		return NULL;
	if (strncmp(c->smtp_url, "smtp://", 7) != 0 &&
	    strncmp(c->smtp_url, "smtps://", 8) != 0)
		return "smtp_url must start with smtp:// or smtps://";
	if (strpbrk(c->smtp_url, " \t\r\n") != NULL)
		return "smtp_url contains white space";
	/* Credentials in the URL would show in curl's error messages. */
	if (strchr(c->smtp_url, '@') != NULL)
		return "smtp_url must not hold credentials: use smtp_user";
	if (*c->mail_from == '\0')
		return "mail_from is required with smtp_url";
	return NULL;
}

/* 127.a.b.c then the end, a port or a path (not 127.0.0.1.evil.example). */
static int
conf_loopback4(const char *host)
{
	const char *p = host + 4;
	size_t	 n;
	int	 part;

	if (strncmp(host, "127.", 4) != 0)
		return 0;
	for (part = 1; part < 4; part++) {
		n = strspn(p, "0123456789");
		if (n == 0 || n > 3)
			return 0;
		p += n;
		if (part < 3 && *p++ != '.')
			return 0;
	}
	return *p == '\0' || *p == ':' || *p == '/';
}

/*
 * A provider's API base URL: https://host[:port][/path], or plain http
 * only to a loopback address (127.x.x.x, [::1]; a test's stand-in); no
 * credentials, query, fragment or white space, no trailing slash. 1: fit.
 */
int
conf_api_url_ok(const char *url)
{
	const char *host;
	size_t	 n;

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return 0;
	n = strlen(host);
	if (n == 0 || n > 200 || host[n - 1] == '/' || *host == ':' ||
	    *host == '/' || strpbrk(url, "@?#\\ \t\r\n") != NULL ||
	    text_has_controls(url))
		return 0;
	if (host == url + 8)
		return 1;
	if (strncmp(host, "[::1]", 5) == 0)
		return host[5] == '\0' || host[5] == ':' || host[5] == '/';
	return conf_loopback4(host);
}

/* The PayPal settings; like the mail's, a message names keys, no values. */
static const char *
conf_paypal_check(struct conf *c)
{
	if (text_to_long(c->paypal_timeout, 1, CONF_TIMEOUT_MAX,
	    &c->paypal_timeout_s) != 0)
		return "paypal_timeout must be 1 to 300 seconds";
	if (*c->paypal_api == '\0')
		return NULL;
	if (!conf_api_url_ok(c->paypal_api))
		return "paypal_api must be an https:// URL without credentials"
		    " (plain http only to 127.0.0.1)";
	if (*c->paypal_client_id == '\0' || *c->paypal_secret == '\0')
		return "paypal_client_id and paypal_secret are required with"
		    " paypal_api";
	if (strpbrk(c->paypal_client_id, ": \t") != NULL ||
	    text_has_controls(c->paypal_client_id))
		return "paypal_client_id: white space, colon or controls";
	if (text_has_controls(c->paypal_secret))
		return "paypal_secret: control characters";
	if (strpbrk(c->paypal_webhook_id, " \t") != NULL ||
	    text_has_controls(c->paypal_webhook_id))
		return "paypal_webhook_id: white space or controls";
	return NULL;
}

static int
conf_zone_known(const char *zone)
{
	char	 path[512];

	if (*zone == '\0' || *zone == '/' || strstr(zone, "..") != NULL)
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	return access(path, R_OK) == 0;
}

static int
conf_fail(char *err, size_t errlen, const char *path, int line,
    const char *what)
{
	snprintf(err, errlen, "%s:%d: %s", path, line, what);
	return -1;
}

/*
 * An unknown key, named so that the typo is found ("unknown key
 * \"paypal_clientid\""). Only a plausible key name is repeated: lowercase
 * letters, digits and '_', at most 40; anything else (a secret pasted
 * without its key, "paypal_secret: ..." with a colon) is not, and the
 * value never is.
 */
static int
conf_unknown(char *err, size_t errlen, const char *path, int line,
    const char *key)
{
	size_t	 n = strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_");

	if (n == 0 || n > 40 || key[n] != '\0')
		return conf_fail(err, errlen, path, line,
		    "unknown key (not a key name)");
	snprintf(err, errlen, "%s:%d: unknown key \"%s\"", path, line, key);
	return -1;
}

/*
 * Unknown keys are errors, not silently ignored: a typo in a path would
 * otherwise put the database somewhere nobody backs up.
 */
int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[CONF_LINE_MAX], *key, *val, *eq, *end, **slot;
	const char *bad;
	int	 lineno = 0, k, rc = 0;

	memset(c, 0, sizeof(*c));
	if ((f = fopen(path, "r")) == NULL)
		return conf_fail(err, errlen, path, 0, "cannot open");
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			rc = conf_fail(err, errlen, path, lineno, "line too long");
			break;
		}
		key = line + strspn(line, " \t");
		if (*key == '#' || *key == '\n' || *key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			rc = conf_fail(err, errlen, path, lineno, "expected key = value");
			break;
		}
		*eq = '\0';
		for (end = eq; end > key && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		val = eq + 1;
		val += strspn(val, " \t");
		end = val + strcspn(val, "\r\n");
		/* CRLF ends a line; a CR inside a value would end a header. */
		if (end[0] == '\r' && end[1] != '\n' && end[1] != '\0') {
			rc = conf_fail(err, errlen, path, lineno,
			    "carriage return inside a value");
			break;
		}
		*end = '\0';
		for (end = val + strlen(val);
		    end > val && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		for (k = 0; k < CONF__MAX; k++)
			if (strcmp(key, conf_keys[k]) == 0)
				break;
		if (k == CONF__MAX) {
			rc = conf_unknown(err, errlen, path, lineno, key);
			break;
		}
		slot = conf_slot(c, (enum conf_key)k);
		free(*slot);
		if ((*slot = strdup(val)) == NULL)
			rc = conf_fail(err, errlen, path, lineno, "out of memory");
	}
	fclose(f);
	if (rc == 0 && conf_defaults(c) == -1)
		rc = conf_fail(err, errlen, path, 0, "out of memory");
	/* An unknown zone would silently become UTC and shift every date rule. */
	if (rc == 0 && !conf_zone_known(c->timezone))
		rc = conf_fail(err, errlen, path, 0, "unknown timezone");
	if (rc == 0 && (bad = conf_mail_check(c)) != NULL)
		rc = conf_fail(err, errlen, path, 0, bad);
	if (rc == 0 && (bad = conf_paypal_check(c)) != NULL)
		rc = conf_fail(err, errlen, path, 0, bad);
	if (rc == 0 && (bad = conf_staged_check(c)) != NULL)
		rc = conf_fail(err, errlen, path, 0, bad);
	if (rc == 0 && (bad = conf_identity_check(c)) != NULL)
		rc = conf_fail(err, errlen, path, 0, bad);
	if (rc == 0 && (bad = conf_store_check(c)) != NULL)
		rc = conf_fail(err, errlen, path, 0, bad);
	/* The programs run in the web server's working directory. */
	if (rc == 0 && *c->site_dir != '\0' && c->site_dir[0] != '/')
		rc = conf_fail(err, errlen, path, 0,
		    "site_dir must be an absolute path");
	if (rc != 0)
		conf_free(c);
	return rc;
}

void
conf_free(struct conf *c)
{
	int	 k;

	for (k = 0; k < CONF__MAX; k++) {
		char **slot = conf_slot(c, (enum conf_key)k);
		free(*slot);
		*slot = NULL;
	}
}
