#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF. libxml2 would reject such bytes later anyway, but then the
 * citizen would see an internal error instead of a clear message.
 */
int
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, n, k;
	unsigned long cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * Characters that XML 1.0 cannot hold (C0 controls but tab and newlines,
 * U+FFFE, U+FFFF) and ones no citizen types (DEL, C1 controls). Stored
 * answers are XML: letting one through would make the receipt unreadable.
 * Expects valid UTF-8.
 */
int
text_has_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    *p == 0x7f)
			return 1;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;		/* U+0080..U+009F */
		if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
			return 1;		/* U+FFFE, U+FFFF */
	}
	return 0;
}

/*
 * ISO 7064 MOD 97-10 as IBANs (ISO 13616) and creditor references
 * (ISO 11649) use it: the first four characters moved to the end, letters
 * (either case) counted 10..35, the whole number mod 97. A valid one
 * gives 1; -1 for anything but letters and digits, or fewer than five.
 */
int
text_mod97(const char *s)
{
	size_t	 len = strlen(s), i;
	unsigned rem = 0;
	char	 c;

	if (len < 5)
		return -1;
	for (i = 0; i < len; i++) {
		c = s[(i + 4) % len];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= 'A' && c <= 'Z')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else if (c >= '0' && c <= '9')
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else
			return -1;
	}
	return (int)rem;
}

/* A whole decimal integer within [min, max]; no spaces, no trailing junk. */
int
text_to_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Cents as a decimal of euro, "-12.50" (every long, LONG_MIN too). -1 if
 * `out` was too small (cut).
 */
int
text_cents_format(long cents, char *out, size_t size)
{
	unsigned long v = cents < 0 ? 0UL - (unsigned long)cents :
	    (unsigned long)cents;
	int	 n;

	n = snprintf(out, size, "%s%lu.%02lu", cents < 0 ? "-" : "",
	    v / 100, v % 100);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * A plain decimal amount to cents: "22.50", "22.5" or "22", with at most
 * `max_whole` digits before the point and `max_frac` after it, of which
 * those past the cents must be 0 ("12.50000"). No sign, no exponent, no
 * grouping, no rounding: what machines write (PayPal, bank statements).
 */
int
text_cents_parse(const char *s, size_t max_whole, size_t max_frac,
    long *cents)
{
	size_t	 whole = strspn(s, "0123456789"), frac = 0, i;
	long	 v = 0;

	*cents = 0;
	if (whole == 0 || whole > max_whole)
		return -1;
	for (i = 0; i < whole; i++)
		v = v * 10 + (s[i] - '0');
	v *= 100;
	if (s[whole] == '.') {
		frac = strspn(s + whole + 1, "0123456789");
		if (frac == 0 || frac > max_frac)
			return -1;
		for (i = 0; i < frac; i++)
			if (i < 2)
				v += (s[whole + 1 + i] - '0') * (i == 0 ? 10 : 1);
			else if (s[whole + 1 + i] != '0')
				return -1;
		frac++;
	}
	if (s[whole + frac] != '\0')
		return -1;
	*cents = v;
	return 0;
}

/* atext of RFC 5322: what a dot-atom's parts are made of. */
static int
text_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/*
 * The one judge of an e-mail address: what a form's email field accepts
 * is exactly what mail_format sends to (and conf takes as mail_from).
 * An address as RFC 5321 lets it travel through SMTP without quoting or
 * extensions: a dot-atom local part of at most 64 octets (no leading,
 * trailing or doubled dot), "@", a host name of two or more labels of
 * letters, digits and inner hyphens, at most 63 octets each, the last
 * one not a number and not one letter; at most 254 octets in all. No
 * quoted strings, comments, address literals, display names or
 * non-ASCII (no SMTPUTF8: an internationalised domain is written in its
 * xn-- form). Nothing in it can end a header line or add a recipient.
 * Whether the address exists only a mail can tell.
 */
int
text_email_plain(const char *s)
{
	const char *at = strchr(s, '@'), *p, *label;
	size_t	 len = strlen(s), n;
	int	 labels = 0, digits;

	if (at == NULL || at == s || at - s > 64 || len > 254 ||
	    *s == '.' || at[-1] == '.')
		return 0;
	for (p = s; p < at; p++)
		if (!(text_atext(*p) || (*p == '.' && p[1] != '.')))
			return 0;
	for (label = at + 1;; label = p + 1) {
		n = strspn(label, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		p = label + n;
		if (n == 0 || n > 63 || *label == '-' || p[-1] == '-' ||
		    (*p != '.' && *p != '\0'))
			return 0;
		labels++;
		if (*p == '\0')
			break;
	}
	digits = strspn(label, "0123456789") == n;
	return labels >= 2 && n >= 2 && !digits;
}

/*
 * The next code point of UTF-8 text, *p moved past it; a byte that does
 * not start a valid sequence counts as itself. NUL ends the text.
 */
unsigned long
text_utf8_next(const char **text)
{
	const unsigned char *s = (const unsigned char *)*text;
	unsigned long cp;
	size_t	 n, k;

	if (s[0] < 0xc0 || s[0] > 0xf4) {
		*text += s[0] != '\0';
		return s[0];
	}
	n = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
	cp = s[0] & (0x3f >> n);
	for (k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80) {
			(*text)++;
			return s[0];
		}
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	*text += n + 1;
	return cp;
}

/*
 * Unicode's Bidi_Control characters: the embeddings and overrides
 * (U+202A..U+202E), the isolates (U+2066..U+2069) and the marks (U+061C,
 * U+200E, U+200F). They change the order in which text is shown, so
 * that an answer, an IBAN or a reference could read otherwise than it
 * is stored ("Trojan Source"); no citizen needs one in a form.
 */
int
text_is_bidi(unsigned long cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int
text_has_bidi(const char *s)
{
	while (*s != '\0')
		if (text_is_bidi(text_utf8_next(&s)))
			return 1;
	return 0;
}

/*
 * Make a text from outside (a bank statement) safe to print to a
 * terminal or a log line, in place: C1 controls (U+0080..U+009F, and
 * stray bytes of that value) become "?", bidi controls are left out. C0
 * controls are the caller's: XML text holds only TAB, CR and LF.
 */
void
text_defuse_controls(char *s)
{
	const char *r = s, *start;
	char	*w = s;
	unsigned long cp;

	while (*r != '\0') {
		start = r;
		cp = text_utf8_next(&r);
		if (cp >= 0x80 && cp <= 0x9f)
			*w++ = '?';
		else if (!text_is_bidi(cp))
			while (start < r)
				*w++ = *start++;
	}
	*w = '\0';
}

/*
 * What a reader does not see at the start of a text: Unicode White_Space
 * and Default_Ignorable_Code_Point (zero-width characters, bidi marks and
 * controls, the BOM, variation selectors, soft hyphen, fillers, tags).
 */
static int
text_is_invisible(unsigned long cp)
{
	static const unsigned long ranges[][2] = {
		{ 0x0009, 0x000d }, { 0x0020, 0x0020 }, { 0x0085, 0x0085 },
		{ 0x00a0, 0x00a0 }, { 0x00ad, 0x00ad }, { 0x034f, 0x034f },
		{ 0x061c, 0x061c }, { 0x115f, 0x1160 }, { 0x1680, 0x1680 },
		{ 0x17b4, 0x17b5 }, { 0x180b, 0x180f }, { 0x2000, 0x200f },
		{ 0x2028, 0x202f }, { 0x205f, 0x206f }, { 0x3000, 0x3000 },
		{ 0x3164, 0x3164 }, { 0xfe00, 0xfe0f }, { 0xfeff, 0xfeff },
		{ 0xffa0, 0xffa0 }, { 0xfff0, 0xfff8 }, { 0x1bca0, 0x1bca3 },
		{ 0x1d173, 0x1d17a }, { 0xe0000, 0xe0fff },
	};
	size_t	 i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return 1;
	return 0;
}

/*
 * Does a spreadsheet take this text for a formula? Its first visible
 * character is = + - or @, or one of their fullwidth (＝＋－＠) or small
 * (﹦﹢﹣﹫) forms, which some spreadsheets read as the ASCII ones.
 */
int
text_formula_start(const char *s)
{
	unsigned long cp;

	while ((cp = text_utf8_next(&s)) != 0 && text_is_invisible(cp))
		;
	return cp == '=' || cp == '+' || cp == '-' || cp == '@' ||
	    cp == 0xff1d || cp == 0xff0b || cp == 0xff0d || cp == 0xff20 ||
	    cp == 0xfe66 || cp == 0xfe62 || cp == 0xfe63 || cp == 0xfe6b;
}

/* A copy without leading and trailing white space. */
char *
text_trim_dup(const char *s)
{
	const char *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	return strndup(s, (size_t)(e - s));
}

/*
 * Fold for searching: ASCII lower case, German umlauts and sharp s to their
 * base letters, so that "Hunde", "hünde" and "HUNDE" all match.
 */
int
text_fold(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		if (p[0] == 0xc3 && p[1] != '\0') {
			switch (p[1]) {
			case 0xa4: case 0x84: buf_addch(out, 'a'); break;
			case 0xb6: case 0x96: buf_addch(out, 'o'); break;
			case 0xbc: case 0x9c: buf_addch(out, 'u'); break;
			case 0x9f: buf_addstr(out, "ss"); break;
			default: buf_add(out, p, 2); break;
			}
			p += 2;
			continue;
		}
		buf_addch(out, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) :
		    (char)*p);
		p++;
	}
	return out->failed ? -1 : 0;
}

int
text_contains_folded(const char *haystack, const char *folded_needle)
{
	struct buf	 b;
	int		 found;

	buf_init(&b, 0);
	if (text_fold(&b, haystack) == -1) {
		buf_free(&b);
		return 0;
	}
	found = strstr(buf_str(&b), folded_needle) != NULL;
	buf_free(&b);
	return found;
}

/* `n` bytes as lower-case hex, NUL-terminated (out: 2n + 1). */
void
text_hex(const unsigned char *raw, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* A hex digit's value, or -1. */
int
text_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
