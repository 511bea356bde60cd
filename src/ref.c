#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/hmac.h>

#include "ref.h"
#include "text.h"

/* Damm's totally anti-symmetric quasigroup of order 10. */
static const unsigned char ref_damm_table[10][10] = {
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

/* The check digit of a digit string; non-digits (dashes) are skipped. */
int
ref_damm(const char *s)
{
	int	 interim = 0;

	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			interim = ref_damm_table[interim][*s - '0'];
	return interim;
}

int
ref_format(char out[REF_MAX], int year, long seq)
{
	char	 body[REF_MAX];
	int	 n;

	if (year < 1000 || year > 9999 || seq < 1 || seq > 999999999L)
		return -1;
	n = snprintf(body, sizeof(body), "%04d-%06ld", year, seq);
	if (n < 0 || (size_t)n >= sizeof(body))
		return -1;
	n = snprintf(out, REF_MAX, "%s-%d", body, ref_damm(body));
	return n < 0 || n >= REF_MAX ? -1 : 0;
}

/* Shape and check digit; says nothing about whether it exists. */
int
ref_valid(const char *s)
{
	size_t	 len = strlen(s), seqlen;

	if (len < 13 || len >= REF_MAX || strspn(s, "0123456789") != 4 ||
	    s[4] != '-')
		return 0;
	seqlen = strspn(s + 5, "0123456789");
	if (seqlen < 6 || seqlen > 9 || s[5 + seqlen] != '-' ||
	    len != 5 + seqlen + 2 || s[len - 1] < '0' || s[len - 1] > '9')
		return 0;
	/* Damm: the check digit folded in gives 0. */
	return ref_damm(s) == 0;
}

int
ref_token(char out[REF_TOKEN_LEN + 1])
{
	unsigned char raw[REF_TOKEN_LEN / 2];
	size_t	 got = 0;
	ssize_t	 n;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	text_hex(raw, sizeof(raw), out);
	return 0;
}

/*
 * HMAC-SHA256 with a server secret over `parts`, each followed by a NUL
 * byte (so that "ab","c" and "a","bc" differ), as the first hexlen - 1
 * lower-case hex characters. It binds a value the server hands out (a form
 * key, a CSRF token) to what it belongs to (a browser's cookie, a user):
 * nobody without the secret can make one that passes. -1 if hexlen is 1
 * or more than the MAC's 64 characters + 1.
 */
int
ref_mac(const unsigned char *key, size_t keylen, const char *const *parts,
    size_t nparts, char *hex, size_t hexlen)
{
	struct hmac_sha256_ctx ctx;
	unsigned char mac[SHA256_DIGEST_SIZE];
	char	 full[2 * SHA256_DIGEST_SIZE + 1];
	size_t	 i;

	if (hexlen < 2 || hexlen > sizeof(full))
		return -1;
	hmac_sha256_set_key(&ctx, keylen, key);
	for (i = 0; i < nparts; i++)
		hmac_sha256_update(&ctx, strlen(parts[i]) + 1,
		    (const uint8_t *)parts[i]);
	hmac_sha256_digest(&ctx, sizeof(mac), mac);
	text_hex(mac, sizeof(mac), full);
	memcpy(hex, full, hexlen - 1);
	hex[hexlen - 1] = '\0';
	explicit_bzero(&ctx, sizeof(ctx));
	return 0;
}

/* A token as ref_token makes them: REF_TOKEN_LEN lower-case hex. */
int
ref_hex_ok(const char *s)
{
	return s != NULL && strlen(s) == REF_TOKEN_LEN &&
	    strspn(s, "0123456789abcdef") == REF_TOKEN_LEN;
}

#define REF_NONCE_LEN	(REF_TOKEN_LEN / 2)	/* hex; the MAC is the rest */

/* The value for `owner` with the nonce that starts `nonce`. */
static int
ref_bound_make(const unsigned char secret[REF_SECRET_LEN], const char *owner,
    const char *nonce, char out[REF_TOKEN_LEN + 1])
{
	char	 n[REF_NONCE_LEN + 1];
	const char *parts[] = { owner, n };

	memcpy(n, nonce, REF_NONCE_LEN);
	n[REF_NONCE_LEN] = '\0';
	memcpy(out, n, REF_NONCE_LEN);
	return ref_mac(secret, REF_SECRET_LEN, parts, 2, out + REF_NONCE_LEN,
	    REF_TOKEN_LEN - REF_NONCE_LEN + 1);
}

/*
 * A value the server hands out bound to its owner (a browser's cookie, a
 * clerk's user name): REF_TOKEN_LEN hex, a random nonce and then
 * HMAC-SHA256(secret, owner, nonce). Only the server can make one, and
 * one made for an owner passes for no other (ref_bound).
 */
int
ref_bind(const unsigned char secret[REF_SECRET_LEN], const char *owner,
    char out[REF_TOKEN_LEN + 1])
{
	char	 nonce[REF_TOKEN_LEN + 1];

	return ref_token(nonce) == 0 &&
	    ref_bound_make(secret, owner, nonce, out) == 0 ? 0 : -1;
}

/* Whether `value` is one ref_bind made for `owner` (in constant time). */
int
ref_bound(const unsigned char secret[REF_SECRET_LEN], const char *owner,
    const char *value)
{
	char	 want[REF_TOKEN_LEN + 1];
	int	 ok;

	ok = ref_hex_ok(value) && ref_bound_make(secret, owner, value,
	    want) == 0 && ref_equal(value, want);
	explicit_bzero(want, sizeof(want));
	return ok;
}

/*
 * Compare in time that depends only on the length of `b` (the stored
 * secret), so that a guesser learns nothing from how long a "no" took.
 */
int
ref_equal(const char *a, const char *b)
{
	size_t	 alen = strlen(a), blen = strlen(b), i;
	unsigned char diff = alen != blen;

	for (i = 0; i < blen; i++)
		diff |= (unsigned char)(b[i] ^ (i < alen ? a[i] : 0));
	return diff == 0;
}
