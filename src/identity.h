/*
 * identity: who the citizen is, as the web server's login module (OpenID
 * Connect through mod_auth_openidc, SAML through mod_auth_mellon) hands
 * it to the program in CGI variables. Never from request headers: HTTP_*
 * is whatever the client sent. Which variable feeds which of our
 * attributes is configuration (rathaus.conf, docs/identity.md).
 */
#ifndef RATHAUS_IDENTITY_H
#define RATHAUS_IDENTITY_H

#include <stddef.h>

#include "req.h"

/* Trust levels (eIDAS: low, substantial, high), in order. */
enum identity_level {
	IDENTITY_NONE = 0,	/* not logged in */
	IDENTITY_BASIC,
	IDENTITY_SUBSTANTIAL,
	IDENTITY_HIGH,
	IDENTITY__LEVELS
};

/* What an account may tell about its citizen; form fields name these. */
enum identity_attr {
	IDENTITY_GIVEN_NAME,
	IDENTITY_FAMILY_NAME,
	IDENTITY_BIRTH_DATE,
	IDENTITY_STREET,
	IDENTITY_POSTCODE,
	IDENTITY_TOWN,
	IDENTITY_EMAIL,
	IDENTITY__ATTRS
};

#define IDENTITY_SUBJECT_MAX	512	/* "sub@issuer", bytes */
#define IDENTITY_VALUE_MAX	256	/* one attribute, bytes */
#define IDENTITY_VAR_MAX	128	/* a variable's name as configured */

extern const char *const identity_attr_names[IDENTITY__ATTRS];
extern const char *const identity_level_names[IDENTITY__LEVELS];

/*
 * Where each piece comes from: a variable's name, or "NAME.member" for a
 * member of a JSON object the variable holds (OIDC's address claim); ""
 * for nothing. `levels` maps the provider's values to ours:
 * "value=level value=level"; `verified`: one bit per attribute that the
 * provider vouches for once the login reached `substantial`.
 */
struct identity_map {
	const char	*subject;
	const char	*issuer;
	const char	*level;
	const char	*levels;
	const char	*attr[IDENTITY__ATTRS];
	unsigned	 verified;
};

/* The citizen of one request. subject NULL: anonymous. */
struct identity {
	char		*subject;	/* stable: provider's subject@issuer */
	enum identity_level level;
	char		*attr[IDENTITY__ATTRS];	/* NULL: not given */
	unsigned	 verified;	/* bit per attribute: locked in forms */
};

typedef const struct req_env *identity_env_fn;

const struct identity_map *identity_preset(const char *name);
int	 identity_level_parse(const char *name);
int	 identity_attr_parse(const char *name);
int	 identity_attrs_parse(const char *list, unsigned *bits);
const char *identity_map_check(const struct identity_map *);
int	 identity_read(struct identity *, const struct identity_map *,
	    identity_env_fn env);
int	 identity_verified(const struct identity *, enum identity_attr);
void	 identity_free(struct identity *);

#endif
