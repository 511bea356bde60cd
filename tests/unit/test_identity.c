/*
 * The citizen's identity from the variables a login module sets: the
 * shipped mappings (mod_auth_openidc's claims, BundID's SAML attribute
 * names as mod_auth_mellon hands them to a CGI), levels, what counts as
 * verified, and what is refused. The environment is a table here.
 */
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

#include "conf.h"
#include "confload.h"
#include "identity.h"

static const char *const *env_table;

static const char *
env_get(void *ctx, const char *name)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; env_table[i] != NULL; i += 2)
		if (strcmp(env_table[i], name) == 0)
			return env_table[i + 1];
	return NULL;
}

static const struct req_env env_table_env = { env_get, NULL };
#define env (&env_table_env)

static void
read_with(const char *preset, const char *const *table, struct identity *id)
{
	const struct identity_map *m = identity_preset(preset);

	assert_non_null(m);
	assert_null(identity_map_check(m));
	env_table = table;
	assert_int_equal(identity_read(id, m, env), 0);
}

/* BundID over SAML: OIDs with ':' and '.' made '_' by Apache. */
static void
test_identity_bundid_names(void **state)
{
	static const char *const vars[] = {
		"MELLON_urn_oid_1_3_6_1_4_1_25484_494450_3", "bPK2-4711",
		"MELLON_IDP", "https://id.bund.de/idp",
		"MELLON_urn_oid_1_2_40_0_10_2_1_1_261_94", "STORK-QAA-Level-3",
		"MELLON_urn_oid_2_5_4_42", "Erika",
		"MELLON_urn_oid_2_5_4_4", "Mustermann",
		"MELLON_urn_oid_1_2_40_0_10_2_1_1_55", "1964-08-12",
		"MELLON_urn_oid_2_5_4_16", "Heidestraße 17",
		"MELLON_urn_oid_2_5_4_17", "51147",
		"MELLON_urn_oid_2_5_4_7", "Köln",
		"MELLON_urn_oid_0_9_2342_19200300_100_1_3", "erika@example.org",
		NULL,
	};
	struct identity id;

	(void)state;
	read_with("bundid", vars, &id);
	assert_string_equal(id.subject, "bPK2-4711@https://id.bund.de/idp");
	assert_int_equal(id.level, IDENTITY_SUBSTANTIAL);
	assert_string_equal(id.attr[IDENTITY_GIVEN_NAME], "Erika");
	assert_string_equal(id.attr[IDENTITY_FAMILY_NAME], "Mustermann");
	assert_string_equal(id.attr[IDENTITY_BIRTH_DATE], "1964-08-12");
	assert_string_equal(id.attr[IDENTITY_STREET], "Heidestraße 17");
	assert_string_equal(id.attr[IDENTITY_POSTCODE], "51147");
	assert_string_equal(id.attr[IDENTITY_TOWN], "Köln");
	assert_string_equal(id.attr[IDENTITY_EMAIL], "erika@example.org");
	/* From the eID: vouched for. The e-mail is the citizen's own. */
	assert_true(identity_verified(&id, IDENTITY_FAMILY_NAME));
	assert_true(identity_verified(&id, IDENTITY_STREET));
	assert_false(identity_verified(&id, IDENTITY_EMAIL));
	identity_free(&id);
}

/* STORK levels 1 and 2 are basic, 4 high; an unknown value the lowest. */
static void
test_identity_bundid_levels(void **state)
{
	static const struct {
		const char		*value;
		enum identity_level	 level;
	} cases[] = {
		{ "STORK-QAA-Level-1", IDENTITY_BASIC },
		{ "STORK-QAA-Level-2", IDENTITY_BASIC },
		{ "STORK-QAA-Level-3", IDENTITY_SUBSTANTIAL },
		{ "STORK-QAA-Level-4", IDENTITY_HIGH },
		{ "STORK-QAA-Level-3 ", IDENTITY_BASIC },
		{ "substantial", IDENTITY_BASIC },
		{ "http://eidas.europa.eu/LoA/high", IDENTITY_BASIC },
	};
	const char *vars[] = {
		"MELLON_urn_oid_1_3_6_1_4_1_25484_494450_3", "bPK2-4711",
		"MELLON_urn_oid_2_5_4_42", "Erika",
		"MELLON_urn_oid_1_2_40_0_10_2_1_1_261_94", NULL,
		NULL,
	};
	struct identity id;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vars[5] = cases[i].value;
		read_with("bundid", vars, &id);
		assert_int_equal(id.level, cases[i].level);
		/* Below substantial nothing is locked: the citizen typed it. */
		assert_int_equal(identity_verified(&id, IDENTITY_GIVEN_NAME),
		    cases[i].level >= IDENTITY_SUBSTANTIAL);
		identity_free(&id);
	}
}

/* mod_auth_openidc: claims, the address object, eIDAS levels as acr. */
static void
test_identity_oidc_claims(void **state)
{
	static const char *const vars[] = {
		"OIDC_CLAIM_sub", "a1b2c3",
		"OIDC_CLAIM_iss", "http://127.0.0.1:8083",
		"OIDC_CLAIM_acr", "http://eidas.europa.eu/LoA/low",
		"OIDC_CLAIM_given_name", "Max",
		"OIDC_CLAIM_family_name", "Mustermann",
		"OIDC_CLAIM_address", "{\"street_address\":\"Marktstra\\u00dfe 5\","
		    "\"postal_code\":\"26639\",\"locality\":\"Wiesmoor\"}",
		NULL,
	};
	struct identity id;

	(void)state;
	read_with("oidc", vars, &id);
	assert_string_equal(id.subject, "a1b2c3@http://127.0.0.1:8083");
	assert_int_equal(id.level, IDENTITY_BASIC);
	assert_string_equal(id.attr[IDENTITY_STREET], "Marktstraße 5");
	assert_string_equal(id.attr[IDENTITY_POSTCODE], "26639");
	assert_string_equal(id.attr[IDENTITY_TOWN], "Wiesmoor");
	assert_null(id.attr[IDENTITY_BIRTH_DATE]);
	assert_null(id.attr[IDENTITY_EMAIL]);
	assert_false(identity_verified(&id, IDENTITY_GIVEN_NAME));
	identity_free(&id);
}

/*
 * What a client sends as headers arrives as HTTP_*: never read. No
 * subject is no login, whatever else is set; odd values are dropped.
 */
static void
test_identity_headers_and_odd_values(void **state)
{
	static const char *const headers[] = {
		"HTTP_OIDC_CLAIM_SUB", "mallory",
		"HTTP_REMOTE_USER", "mallory", "HTTP_X_REMOTE_USER", "mallory",
		"HTTP_X_FORWARDED_USER", "mallory",
		"HTTP_MELLON_URN_OID_2_5_4_42", "Mallory",
		"OIDC_CLAIM_given_name", "Mallory",
		NULL,
	};
	static const char *const odd[] = {
		"OIDC_CLAIM_sub", "s1",
		"OIDC_CLAIM_given_name", "Eri\x01ka",
		"OIDC_CLAIM_family_name", "Muster\xe2\x80\xaemann",
		"OIDC_CLAIM_birthdate", "\xff\xfe",
		"OIDC_CLAIM_address", "{\"street_address\":1,\"postal_code\":"
		    "\"1\",\"postal_code\":\"2\"}",
		"OIDC_CLAIM_email", "",
		NULL,
	};
	static const char *const at_issuer[] = {
		"OIDC_CLAIM_sub", "a", "OIDC_CLAIM_iss", "b@c", NULL,
	};
	static const char *const at_subject[] = {
		"OIDC_CLAIM_sub", "a@b", "OIDC_CLAIM_iss",
		"https://idp.example", NULL,
	};
	struct identity id;
	int	 a;

	(void)state;
	read_with("oidc", headers, &id);
	assert_null(id.subject);
	assert_int_equal(id.level, IDENTITY_NONE);
	for (a = 0; a < IDENTITY__ATTRS; a++)
		assert_null(id.attr[a]);
	identity_free(&id);
	read_with("none", odd, &id);
	assert_null(id.subject);
	identity_free(&id);
	read_with("oidc", odd, &id);
	assert_string_equal(id.subject, "s1");	/* no issuer given */
	identity_free(&id);
	/* subject@issuer must name one pair only: an issuer with '@'
	 * would let ("a@b", "c") and ("a", "b@c") meet. */
	read_with("oidc", at_issuer, &id);
	assert_null(id.subject);
	identity_free(&id);
	read_with("oidc", at_subject, &id);
	assert_string_equal(id.subject, "a@b@https://idp.example");
	for (a = 0; a < IDENTITY__ATTRS; a++)
		assert_null(id.attr[a]);
	identity_free(&id);
}

/* rathaus.conf: a preset, keys that override it, and mistakes refused. */
static void
test_identity_conf(void **state)
{
	static const char *const bad[] = {
		"identity = saml\n",
		"identity = oidc\nidentity_subject = HTTP-X\n",
		/* A request header as Apache passes it: the client's word. */
		"identity = oidc\nidentity_subject = HTTP_X_REMOTE_USER\n",
		"identity = oidc\nidentity_level = http_x_loa\n",
		"identity = oidc\nidentity_street = HTTP_ADDRESS.street\n",
		"identity = oidc\nidentity_street = A.b.c\n",
		"identity = oidc\nidentity_levels = x=medium\n",
		"identity = oidc\nidentity_levels = =basic\n",
		"identity = oidc\nidentity_verified = shoe_size\n",
		"identity = oidc\nlogout_url = https://evil.example/\n",
		"identity = oidc\nlogout_url = //evil.example/\n",
	};
	static const char *const vars[] = {
		"REMOTE_USER", "erika@idp", "LOA", "3",
		"MAIL", "erika@example.org", "OIDC_CLAIM_given_name", "Erika",
		NULL,
	};
	struct conf c;
	struct identity id;
	char	 err[256];
	size_t	 i;

	(void)state;
	assert_int_equal(conf_load_text(
	    "data_dir = /srv\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.identity, "none");
	assert_string_equal(c.identity_map.subject, "");
	conf_free(&c);
	assert_int_equal(conf_load_text(
	    "identity = oidc\nidentity_subject = REMOTE_USER\n"
	    "identity_issuer = A-B\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "identity_"));
	/* "-": no issuer (REMOTE_USER holds it already). */
	assert_int_equal(conf_load_text(
	    "identity = oidc\nidentity_subject = REMOTE_USER\n"
	    "identity_issuer = -\nidentity_level = LOA\n"
	    "identity_levels = 1=basic 3=high\nidentity_email = MAIL\n"
	    "identity_verified = given_name email\n"
	    "logout_url = /oidc/callback?logout=%2F\n", &c, err, sizeof(err)),
	    0);
	env_table = vars;
	assert_int_equal(identity_read(&id, &c.identity_map, env), 0);
	assert_string_equal(id.subject, "erika@idp");
	assert_int_equal(id.level, IDENTITY_HIGH);
	assert_true(identity_verified(&id, IDENTITY_EMAIL));
	assert_true(identity_verified(&id, IDENTITY_GIVEN_NAME));
	assert_null(id.attr[IDENTITY_FAMILY_NAME]);
	identity_free(&id);
	conf_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(conf_load_text(
		    bad[i], &c, err, sizeof(err)), -1);
		assert_true(strstr(err, "identity") != NULL ||
		    strstr(err, "logout_url") != NULL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_bundid_names),
		cmocka_unit_test(test_identity_bundid_levels),
		cmocka_unit_test(test_identity_oidc_claims),
		cmocka_unit_test(test_identity_headers_and_odd_values),
		cmocka_unit_test(test_identity_conf),
	};

	return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
