/*
 * Reading a mail back in the tests (test_mail, test_outbox): headers
 * unfolded, RFC 2047 B-words and quoted-printable decoded. Independent of
 * src/mail.c on purpose: a round trip through the same code proves little.
 */
#ifndef RATHAUS_TEST_MAILDECODE_H
#define RATHAUS_TEST_MAILDECODE_H

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static inline int
maildecode_b64(int c)
{
	const char *set =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(set, c) : NULL;

	return p ? (int)(p - set) : -1;
}

/* The value of header `name` (case as written), unfolded; NULL if none. */
static inline char *
maildecode_header(const char *msg, const char *name)
{
	struct buf v;
	const char *p = msg, *end;
	size_t	 n = strlen(name);

	while (p != NULL && strncmp(p, "\r\n", 2) != 0) {
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			buf_init(&v, 0);
			for (p += n + 1; *p == ' '; p++)
				;
			for (;;) {
				end = strstr(p, "\r\n");
				buf_add(&v, p, (size_t)(end - p));
				if (end[2] != ' ' && end[2] != '\t')
					break;
				p = end + 2;	/* unfold: drop the CRLF only */
			}
			return buf_steal(&v);
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return NULL;
}

/* Encoded words decoded; white space between two of them dropped. */
static inline char *
maildecode_words(const char *v)
{
	struct buf out;
	const char *q, *e, *ws = NULL;
	unsigned long acc;
	int	 bits, d;

	buf_init(&out, 0);
	while (*v != '\0') {
		if (strncmp(v, "=?UTF-8?B?", 10) == 0 &&
		    (e = strstr(v + 10, "?=")) != NULL) {
			ws = NULL;
			acc = 0;
			bits = 0;
			for (q = v + 10; q < e && *q != '='; q++) {
				if ((d = maildecode_b64(*q)) < 0) {
					buf_free(&out);
					return NULL;
				}
				acc = acc << 6 | (unsigned long)d;
				if ((bits += 6) >= 8) {
					bits -= 8;
					buf_addch(&out, (char)(acc >> bits & 0xff));
				}
			}
			v = e + 2;
			/* Space up to the next word is dropped, else kept. */
			ws = v;
			while (*v == ' ')
				v++;
			if (strncmp(v, "=?", 2) != 0)
				buf_add(&out, ws, (size_t)(v - ws));
			continue;
		}
		buf_addch(&out, *v++);
	}
	return buf_steal(&out);
}

/* The body (after the blank line), quoted-printable decoded, LF ends. */
static inline char *
maildecode_qp(const char *msg)
{
	struct buf out;
	const char *p = strstr(msg, "\r\n\r\n");
	int	 hi, lo;

	if (p == NULL)
		return NULL;
	buf_init(&out, 0);
	for (p += 4; *p != '\0'; p++) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n')
			p += 2;
		else if (p[0] == '=') {
			hi = p[1] >= 'A' ? p[1] - 'A' + 10 : p[1] - '0';
			lo = p[2] >= 'A' ? p[2] - 'A' + 10 : p[2] - '0';
			buf_addch(&out, (char)(hi << 4 | lo));
			p += 2;
		} else if (p[0] == '\r' && p[1] == '\n') {
			buf_addch(&out, '\n');
			p++;
		} else
			buf_addch(&out, *p);
	}
	return buf_steal(&out);
}

/* The longest physical line of the message, CRLF not counted. */
static inline size_t
maildecode_longest(const char *msg)
{
	size_t	 max = 0, n;
	const char *e;

	while ((e = strstr(msg, "\r\n")) != NULL) {
		n = (size_t)(e - msg);
		if (n > max)
			max = n;
		msg = e + 2;
	}
	return max;
}

#endif
