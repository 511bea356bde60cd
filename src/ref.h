/*
 * ref: submission references and access tokens. A reference is short and
 * readable, "2026-000123-4", with a Damm check digit that catches every
 * single-digit error and every swap of neighbouring digits. A token is 128
 * random bits; a status page needs both.
 */
#ifndef RATHAUS_REF_H
#define RATHAUS_REF_H

#include <stddef.h>

#define REF_MAX		20	/* "YYYY-NNNNNNNNN-C" and NUL */
#define REF_TOKEN_LEN	32	/* hex characters */
#define REF_SECRET_LEN	32	/* bytes of a server secret (store_secret) */

int	 ref_damm(const char *digits);
int	 ref_format(char out[REF_MAX], int year, long seq);
int	 ref_valid(const char *);
int	 ref_token(char out[REF_TOKEN_LEN + 1]);
int	 ref_equal(const char *a, const char *b);
int	 ref_mac(const unsigned char *key, size_t keylen,
	    const char *const *parts, size_t nparts, char *hex, size_t hexlen);
int	 ref_hex_ok(const char *);
int	 ref_bind(const unsigned char secret[REF_SECRET_LEN],
	    const char *owner, char out[REF_TOKEN_LEN + 1]);
int	 ref_bound(const unsigned char secret[REF_SECRET_LEN],
	    const char *owner, const char *value);

#endif
