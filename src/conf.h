/* conf: the instance configuration file ("key = value" lines). */
#ifndef RATHAUS_CONF_H
#define RATHAUS_CONF_H

#include <stddef.h>

#include "identity.h"

struct conf {
	char	*data_dir;	/* the SQLite database, the cache */
	char	*share_dir;	/* forms/, xsl/, data/, static/ */
	char	*site_dir;	/* the town's own files; "": none */
	char	*base_url;	/* public origin for absolute links */
	char	*script;	/* URL path of the citizen program */
	char	*static_url;	/* URL path of static files */
	char	*timezone;	/* the municipality's zone, for "today" */
	char	*staff_script;	/* URL path of the staff program */
	/* Mail (mail_): off while smtp_url is empty. */
	char	*smtp_url;	/* smtp://host:port or smtps://host:port */
	char	*smtp_starttls;	/* "no", "try" or "required" */
	char	*smtp_user;	/* empty: no authentication */
	char	*smtp_password;	/* never logged, never printed */
	char	*mail_from;	/* the envelope and From address */
	char	*mail_from_name; /* the From display name, may be empty */
	char	*mail_timeout;	/* seconds, as written */
	/* Payment: the methods offered, in this order ("paypal transfer
	 * counter"), and the account a transfer goes to. */
	char	*pay_methods;
	char	*bank_iban;
	char	*bank_bic;
	char	*bank_recipient;
	/* PayPal (paypal_): off while paypal_api is empty. */
	char	*paypal_api;	/* https://api-m.paypal.com (http: loopback only) */
	char	*paypal_client_id;
	char	*paypal_secret;	/* never logged, never printed */
	char	*paypal_webhook_id;
	char	*paypal_timeout; /* seconds, as written */
	/* Files staged under form keys until a submission takes them: how
	 * much, and how long one untouched stays (see docs/install.md). */
	char	*staged_form_mib;	/* MiB under one form key */
	char	*staged_total_mib;	/* MiB in all */
	char	*staged_idle_minutes;	/* untouched that long: dropped */
	/* Citizen login (docs/identity.md): a preset mapping (none, oidc,
	 * bundid), overrides for its variables (subject, issuer, level,
	 * then the attributes in enum identity_attr order), the level
	 * values, the attributes vouched for, the module's logout path. */
	char	*identity;
	char	*identity_vars[3 + IDENTITY__ATTRS];
	char	*identity_levels;
	char	*identity_verified;
	char	*logout_url;
	/* The store (docs/scale.md): "sqlite" (in data_dir) or
	 * "postgresql" at store_conninfo (never logged, never printed). */
	char	*store;
	char	*store_conninfo;
	/* Parsed from the strings above by conf_load/conf_defaults. */
	enum conf_tls {
		CONF_TLS_NO, CONF_TLS_TRY, CONF_TLS_REQUIRED
	}		 smtp_tls;
	long		 mail_timeout_s; /* 1 to 300 */
	long		 paypal_timeout_s; /* 1 to 300 */
	size_t		 staged_form_max;	/* bytes */
	size_t		 staged_total_max;	/* bytes */
	long		 staged_idle_s;		/* seconds */
	struct identity_map identity_map; /* points into the strings above */
	const char	*store_pg;	/* store_conninfo, or NULL: SQLite */
};

int	 conf_load(struct conf *, const char *path, char *err, size_t errlen);
int	 conf_defaults(struct conf *);
void	 conf_free(struct conf *);
int	 conf_api_url_ok(const char *url);

#endif
