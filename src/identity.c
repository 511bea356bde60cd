#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "identity.h"
#include "req.h"
#include "text.h"

const char *const identity_attr_names[IDENTITY__ATTRS] = {
	"given_name", "family_name", "birth_date", "street", "postcode",
	"town", "email",
};

const char *const identity_level_names[IDENTITY__LEVELS] = {
	"none", "basic", "substantial", "high",
};

#define IDENTITY_VERIFIED_PERSON \
	(1u << IDENTITY_GIVEN_NAME | 1u << IDENTITY_FAMILY_NAME | \
	 1u << IDENTITY_BIRTH_DATE | 1u << IDENTITY_STREET | \
	 1u << IDENTITY_POSTCODE | 1u << IDENTITY_TOWN)

/*
 * The shipped mappings. "oidc": mod_auth_openidc with OIDCPassClaimsAs
 * environment and the standard claims (the demo's provider, and any
 * provider that speaks eIDAS levels as acr). "bundid": mod_auth_mellon
 * with BundID's attribute names (OIDs; Apache turns ':' and '.' into
 * '_'), the pseudonym bPK2 as subject, the STORK levels. E-mail is the
 * citizen's own entry in both: never verified.
 */
static const struct {
	const char		*name;
	struct identity_map	 map;
} identity_presets[] = {
	{ "none", { "", "", "", "", { "", "", "", "", "", "", "" }, 0 } },
	{ "oidc", {
	    "OIDC_CLAIM_sub", "OIDC_CLAIM_iss", "OIDC_CLAIM_acr",
	    "http://eidas.europa.eu/LoA/low=basic"
	    " http://eidas.europa.eu/LoA/substantial=substantial"
	    " http://eidas.europa.eu/LoA/high=high",
	    { "OIDC_CLAIM_given_name", "OIDC_CLAIM_family_name",
	      "OIDC_CLAIM_birthdate", "OIDC_CLAIM_address.street_address",
	      "OIDC_CLAIM_address.postal_code", "OIDC_CLAIM_address.locality",
	      "OIDC_CLAIM_email" },
	    IDENTITY_VERIFIED_PERSON } },
	{ "bundid", {
	    "MELLON_urn_oid_1_3_6_1_4_1_25484_494450_3", "MELLON_IDP",
	    "MELLON_urn_oid_1_2_40_0_10_2_1_1_261_94",
	    "STORK-QAA-Level-1=basic STORK-QAA-Level-2=basic"
	    " STORK-QAA-Level-3=substantial STORK-QAA-Level-4=high",
	    { "MELLON_urn_oid_2_5_4_42", "MELLON_urn_oid_2_5_4_4",
	      "MELLON_urn_oid_1_2_40_0_10_2_1_1_55",
	      "MELLON_urn_oid_2_5_4_16", "MELLON_urn_oid_2_5_4_17",
	      "MELLON_urn_oid_2_5_4_7",
	      "MELLON_urn_oid_0_9_2342_19200300_100_1_3" },
	    IDENTITY_VERIFIED_PERSON } },
};

const struct identity_map *
identity_preset(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(identity_presets) / sizeof(identity_presets[0]);
	    i++)
		if (strcmp(name, identity_presets[i].name) == 0)
			return &identity_presets[i].map;
	return NULL;
}

/* "basic" -> IDENTITY_BASIC ...; -1 when unknown. */
int
identity_level_parse(const char *name)
{
	int	 i;

	for (i = 0; i < IDENTITY__LEVELS; i++)
		if (strcmp(name, identity_level_names[i]) == 0)
			return i;
	return -1;
}

int
identity_attr_parse(const char *name)
{
	int	 i;

	for (i = 0; i < IDENTITY__ATTRS; i++)
		if (strcmp(name, identity_attr_names[i]) == 0)
			return i;
	return -1;
}

/* A space-separated list of attribute names as bits; -1 on an unknown. */
int
identity_attrs_parse(const char *list, unsigned *bits)
{
	char	 name[32];
	size_t	 n;
	int	 a;

	*bits = 0;
	for (;;) {
		list += strspn(list, " \t");
		if ((n = strcspn(list, " \t")) == 0)
			return 0;
		if (n >= sizeof(name))
			return -1;
		memcpy(name, list, n);
		name[n] = '\0';
		if ((a = identity_attr_parse(name)) < 0)
			return -1;
		*bits |= 1u << a;
		list += n;
	}
}

/*
 * A variable's name as configured: letters, digits, '_', one ".member";
 * never HTTP_*, which Apache makes of the headers the client sent.
 */
static int
identity_var_ok(const char *v)
{
	if (req_header_var(v))
		return 0;
	size_t	 n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_");

	if (n == 0 && *v != '\0')
		return 0;
	if (v[n] == '.')
		n += 1 + strspn(v + n + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	return v[n] == '\0' && n < IDENTITY_VAR_MAX && v[n - (n > 0)] != '.';
}

/* Each "value=level" pair names a level we know. */
static int
identity_levels_ok(const char *levels)
{
	char	 level[16];
	const char *eq;
	size_t	 n, ln;

	for (;;) {
		levels += strspn(levels, " \t");
		if ((n = strcspn(levels, " \t")) == 0)
			return 1;
		if ((eq = memchr(levels, '=', n)) == NULL || eq == levels)
			return 0;
		ln = n - (size_t)(eq + 1 - levels);
		if (ln == 0 || ln >= sizeof(level))
			return 0;
		memcpy(level, eq + 1, ln);
		level[ln] = '\0';
		if (identity_level_parse(level) <= IDENTITY_NONE)
			return 0;
		levels += n;
	}
}

/* What is wrong with a mapping (for conf_load), or NULL. */
const char *
identity_map_check(const struct identity_map *m)
{
	int	 a;

	if (!identity_var_ok(m->subject) || !identity_var_ok(m->issuer) ||
	    !identity_var_ok(m->level))
		return "identity_subject, _issuer and _level must name CGI"
		    " variables";
	for (a = 0; a < IDENTITY__ATTRS; a++)
		if (!identity_var_ok(m->attr[a]))
			return "an identity_ attribute names no CGI variable";
	if (!identity_levels_ok(m->levels))
		return "identity_levels must be pairs value=basic|substantial|high";
	if (*m->subject == '\0' && (*m->level != '\0' ||
	    m->attr[IDENTITY_GIVEN_NAME][0] != '\0'))
		return "identity_subject is required when attributes are mapped";
	return NULL;
}

/* The provider's level value as ours: the lowest when not mapped. */
static enum identity_level
identity_level_of(const char *levels, const char *value)
{
	size_t	 n, vlen = strlen(value);
	const char *eq;
	char	 level[16];
	int	 l;

	for (;;) {
		levels += strspn(levels, " \t");
		if ((n = strcspn(levels, " \t")) == 0)
			return IDENTITY_BASIC;
		eq = memchr(levels, '=', n);
		if (eq != NULL && (size_t)(eq - levels) == vlen &&
		    memcmp(levels, value, vlen) == 0 &&
		    (size_t)(levels + n - eq - 1) < sizeof(level)) {
			memcpy(level, eq + 1, (size_t)(levels + n - eq - 1));
			level[levels + n - eq - 1] = '\0';
			l = identity_level_parse(level);
			return l > IDENTITY_NONE ? (enum identity_level)l :
			    IDENTITY_BASIC;
		}
		levels += n;
	}
}

/* A value we take: bounded, UTF-8, no control characters. */
static int
identity_value_ok(const char *v, size_t max)
{
	size_t	 n = strlen(v);

	return n > 0 && n <= max && text_utf8_valid(v, n) &&
	    !text_has_controls(v) && !text_has_bidi(v);
}

/*
 * The value of `var` ("NAME" or "NAME.member") as a copy; NULL when not
 * set, unusable, or out of memory (*oom set).
 */
static char *
identity_value(identity_env_fn env, const char *var, size_t max, int *oom)
{
	char	 name[IDENTITY_VAR_MAX];
	const char *dot, *v;
	json_t	*obj, *member;
	char	*copy = NULL;
	size_t	 n;

	if (*var == '\0')
		return NULL;
	dot = strchr(var, '.');
	n = dot ? (size_t)(dot - var) : strlen(var);
	if (n >= sizeof(name))
		return NULL;
	memcpy(name, var, n);
	name[n] = '\0';
	if ((v = req_getenv(env, name)) == NULL)
		return NULL;
	if (dot == NULL) {
		if (identity_value_ok(v, max) && (copy = strdup(v)) == NULL)
			*oom = 1;
		return copy;
	}
	/* A JSON object's string member (OIDC's address claim). */
	if (strlen(v) > 4096 ||
	    (obj = json_loads(v, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return NULL;
	member = json_is_object(obj) ? json_object_get(obj, dot + 1) : NULL;
	if (json_is_string(member) && identity_value_ok(json_string_value(
	    member), max) && (copy = strdup(json_string_value(member))) ==
	    NULL)
		*oom = 1;
	json_decref(obj);
	return copy;
}

/*
 * The citizen of this request, from the variables the login module set.
 * No subject: anonymous, and nothing else is read. 0, or -1 when out of
 * memory.
 */
int
identity_read(struct identity *id, const struct identity_map *m,
    identity_env_fn env)
{
	char	*sub, *iss, *level;
	int	 oom = 0, a;
	size_t	 n;

	memset(id, 0, sizeof(*id));
	if ((sub = identity_value(env, m->subject, IDENTITY_SUBJECT_MAX / 2,
	    &oom)) == NULL)
		return oom ? -1 : 0;
	iss = identity_value(env, m->issuer, IDENTITY_SUBJECT_MAX / 2 - 2,
	    &oom);
	/* "sub@issuer" names one pair only while the issuer has no '@'
	 * (a URL or an entity id has none): else no login at all. */
	if (iss != NULL && strchr(iss, '@') != NULL) {
		free(sub);
		free(iss);
		return 0;
	}
	n = strlen(sub) + (iss ? strlen(iss) + 1 : 0) + 1;
	if (!oom && (id->subject = malloc(n)) != NULL)
		snprintf(id->subject, n, "%s%s%s", sub, iss ? "@" : "",
		    iss ? iss : "");
	free(sub);
	free(iss);
	if (id->subject == NULL)
		return -1;
	level = identity_value(env, m->level, IDENTITY_VALUE_MAX, &oom);
	id->level = level ? identity_level_of(m->levels, level) :
	    IDENTITY_BASIC;
	free(level);
	for (a = 0; a < IDENTITY__ATTRS && !oom; a++)
		id->attr[a] = identity_value(env, m->attr[a],
		    IDENTITY_VALUE_MAX, &oom);
	if (oom) {
		identity_free(id);
		return -1;
	}
	/* A basic account's data is the citizen's own entry. */
	if (id->level >= IDENTITY_SUBSTANTIAL)
		for (a = 0; a < IDENTITY__ATTRS; a++)
			if (id->attr[a] != NULL && (m->verified & (1u << a)))
				id->verified |= 1u << a;
	return 0;
}

/* Is this attribute given and vouched for (shown locked)? */
int
identity_verified(const struct identity *id, enum identity_attr a)
{
	return id->subject != NULL && id->attr[a] != NULL &&
	    (id->verified & (1u << a)) != 0;
}

void
identity_free(struct identity *id)
{
	int	 a;

	free(id->subject);
	for (a = 0; a < IDENTITY__ATTRS; a++)
		free(id->attr[a]);
	memset(id, 0, sizeof(*id));
}
