#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "buf.h"
#include "net.h"
#include "conf.h"
#include "mail.h"
#include "ref.h"
#include "text.h"
#include "when.h"

#define MAIL_LINE	78	/* header lines are folded to this */
#define MAIL_QP_LINE	76	/* quoted-printable lines, "=" included */
#define MAIL_WORD_BYTES	39	/* UTF-8 bytes in one encoded word: 64 chars */

/* A header being written: the column decides where to fold. */
struct mail_hdr {
	struct buf	*b;
	size_t		 col;
};

static void
mail_hdr_start(struct mail_hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	h->col = strlen(name) + 1;
	buf_printf(b, "%s:", name);
}

/* A token, after a space or a fold (CRLF SP) when the line would be long. */
static void
mail_hdr_token(struct mail_hdr *h, const char *tok, size_t len)
{
	if (h->col + 1 + len > MAIL_LINE && h->col > 1) {
		buf_addstr(h->b, "\r\n ");
		h->col = 1;
	} else {
		buf_addch(h->b, ' ');
		h->col++;
	}
	buf_add(h->b, tok, len);
	h->col += len;
}

/* An address in angle brackets, as one token. */
static void
mail_hdr_angle(struct mail_hdr *h, const char *addr)
{
	struct buf a;

	buf_init(&a, 512);
	buf_printf(&a, "<%s>", addr);
	if (a.failed)
		h->b->failed = 1;
	mail_hdr_token(h, buf_str(&a), a.len);
	buf_free(&a);
}

static void
mail_hdr_end(struct mail_hdr *h)
{
	buf_addstr(h->b, "\r\n");
}

static void
mail_base64(struct buf *b, const unsigned char *p, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v;
	size_t	 i;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		buf_addch(b, b64[v >> 18 & 63]);
		buf_addch(b, b64[v >> 12 & 63]);
		buf_addch(b, i + 1 < len ? b64[v >> 6 & 63] : '=');
		buf_addch(b, i + 2 < len ? b64[v & 63] : '=');
	}
}

/*
 * RFC 2047 encoded words ("=?UTF-8?B?...?="), each at most 64 characters
 * and each of whole characters: a UTF-8 sequence is never cut. Words are
 * separated by folding white space, which a reader drops between them.
 */
static void
mail_hdr_encoded(struct mail_hdr *h, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	struct buf word;
	size_t	 len = strlen(text), n;

	buf_init(&word, 128);
	while (len > 0) {
		n = len < MAIL_WORD_BYTES ? len : MAIL_WORD_BYTES;
		while (n < len && n > 1 && (p[n] & 0xc0) == 0x80)
			n--;
		buf_reset(&word);
		buf_addstr(&word, "=?UTF-8?B?");
		mail_base64(&word, p, n);
		buf_addstr(&word, "?=");
		if (word.failed)
			h->b->failed = 1;
		mail_hdr_token(h, buf_str(&word), word.len);
		p += n;
		len -= n;
	}
	buf_free(&word);
}

/*
 * Text that may stand in a header as it is: printable ASCII, no "=?"
 * (it would read as an encoded word), and words short enough to fold.
 */
static int
mail_plain(const char *s)
{
	size_t	 run = 0;

	if (strstr(s, "=?") != NULL)
		return 0;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
		run = *s == ' ' ? 0 : run + 1;
		if (run > MAIL_LINE - 10)
			return 0;
	}
	return 1;
}

/* Unstructured text (Subject): plain words, folded at spaces, or encoded. */
static void
mail_hdr_text(struct mail_hdr *h, const char *text)
{
	const char *sp;

	if (!mail_plain(text)) {
		mail_hdr_encoded(h, text);
		return;
	}
	for (;;) {
		sp = strchr(text, ' ');
		mail_hdr_token(h, text, sp ? (size_t)(sp - text) : strlen(text));
		if (sp == NULL)
			break;
		text = sp + 1;
	}
}

/* A display name: a quoted string when plain and short, else encoded. */
static void
mail_hdr_phrase(struct mail_hdr *h, const char *name)
{
	struct buf q;

	if (!mail_plain(name) || strlen(name) > 40) {
		mail_hdr_encoded(h, name);
		return;
	}
	buf_init(&q, 128);
	buf_addch(&q, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"' || *name == '\\')
			buf_addch(&q, '\\');
		buf_addch(&q, *name);
	}
	buf_addch(&q, '"');
	if (q.failed)
		h->b->failed = 1;
	mail_hdr_token(h, buf_str(&q), q.len);
	buf_free(&q);
}

/* RFC 5322 date in UTC, with English names whatever the locale. */
static int
mail_date(char out[40], time_t now)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL)
		return -1;
	snprintf(out, 40, "%s, %d %s %04d %02d:%02d:%02d +0000",
	    day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

/* One byte of a quoted-printable line: literal or =XX. */
static size_t
mail_qp_char(char out[4], const unsigned char *p, size_t i, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c = p[i];
	int	 literal;

	literal = (c >= 33 && c <= 126 && c != '=') ||
	    ((c == ' ' || c == '\t') && i + 1 < len);
	/* A line "." or "From " survives every relay and mailbox encoded. */
	if (i == 0 && (c == '.' || (c == 'F' && len >= 5 &&
	    memcmp(p, "From ", 5) == 0)))
		literal = 0;
	if (literal) {
		out[0] = (char)c;
		out[1] = '\0';
		return 1;
	}
	out[0] = '=';
	out[1] = hex[c >> 4];
	out[2] = hex[c & 15];
	out[3] = '\0';
	return 3;
}

/*
 * The body as quoted-printable (RFC 2045): every line end (LF or CRLF)
 * becomes CRLF, lines longer than 76 get soft breaks, "=", non-ASCII and
 * trailing white space are escaped.
 */
static void
mail_qp(struct buf *b, const char *body)
{
	const unsigned char *p;
	size_t	 len, i, col, n;
	const char *nl;
	char	 tok[4];

	while (*body != '\0') {
		nl = strchr(body, '\n');
		len = nl ? (size_t)(nl - body) : strlen(body);
		p = (const unsigned char *)body;
		if (nl != NULL && len > 0 && p[len - 1] == '\r')
			len--;
		for (i = 0, col = 0; i < len; i++) {
			n = mail_qp_char(tok, p, i, len);
			if (col + n > (i + 1 < len ? MAIL_QP_LINE - 1 :
			    MAIL_QP_LINE)) {
				buf_addstr(b, "=\r\n");
				col = 0;
			}
			buf_add(b, tok, n);
			col += n;
		}
		buf_addstr(b, "\r\n");
		if (nl == NULL)
			break;
		body = nl + 1;
	}
}

static int
mail_no_breaks(const char *s)
{
	return strpbrk(s, "\r\n") == NULL && text_utf8_valid(s, strlen(s));
}

/*
 * One message, RFC 5322 with CRLF line ends, in `out` (reset first).
 * -1 for a recipient that is not one plain address, a subject with a line
 * break, or text that is not UTF-8: nothing may add a header.
 */
int
mail_format(struct buf *out, const struct conf *c, const char *to,
    const char *subject, const char *body, time_t now)
{
	struct mail_hdr h;
	char	 date[40], id[REF_TOKEN_LEN + 1];
	const char *domain;

	buf_reset(out);
	if (!text_email_plain(to) || !mail_no_breaks(subject) ||
	    !text_utf8_valid(body, strlen(body)) ||
	    !text_email_plain(c->mail_from) || (c->mail_from_name != NULL &&
	    !mail_no_breaks(c->mail_from_name)) || mail_date(date, now) != 0 ||
	    ref_token(id) != 0)
		return -1;
	domain = strchr(c->mail_from, '@') + 1;
	buf_printf(out, "Date: %s\r\n", date);
	mail_hdr_start(&h, out, "From");
	if (c->mail_from_name != NULL && *c->mail_from_name != '\0')
		mail_hdr_phrase(&h, c->mail_from_name);
	mail_hdr_angle(&h, c->mail_from);
	mail_hdr_end(&h);
	buf_printf(out, "To: %s\r\n", to);
	mail_hdr_start(&h, out, "Subject");
	mail_hdr_text(&h, subject);
	mail_hdr_end(&h);
	buf_printf(out, "Message-ID: <%s@%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n", id, domain);
	mail_qp(out, body);
	if (out->failed) {
		buf_reset(out);
		return -1;
	}
	return 0;
}

/*
 * One exchange with the server: the message curl reads from memory, the
 * hand-over (asked once, when the server has said 354 to DATA and wants
 * the message), and the time the server has: mail_timeout seconds from
 * the start until the message is sent, not counting the time the
 * hand-over takes (the caller's own work, a database write that may wait
 * for a lock), and mail_timeout more for its answer to the message's end.
 */
struct mail_exchange {
	const char	*p;
	size_t		 left;
	mail_hand_fn	 hand;
	void		*hand_arg;
	int		 handed;	/* 1: handed over, -1: refused */
	struct timespec	 start;
	long		 hand_ms;	/* spent in hand() */
	long		 timeout_ms;
};

static size_t
mail_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct mail_exchange *x = arg;
	struct timespec t0;
	size_t	 n = size * nmemb;

	if (x->handed == 0 && x->hand != NULL) {
		if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0 ||
		    x->hand(x->hand_arg) != 0) {
			x->handed = -1;
			return CURL_READFUNC_ABORT;
		}
		x->hand_ms += when_elapsed_ms(&t0);
	}
	x->handed = 1;
	if (n > x->left)
		n = x->left;
	memcpy(dst, x->p, n);
	x->p += n;
	x->left -= n;
	return n;
}

/* curl's progress callback, about once a second at least: the deadline. */
static int
mail_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const struct mail_exchange *x = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return when_elapsed_ms(&x->start) - x->hand_ms > x->timeout_ms;
}

/*
 * What became of it. Until the message is handed over the server has
 * nothing it could deliver; after that, only its answer to the message's
 * end tells: 250 (CURLE_OK) sent, a refusal (4xx, 5xx) not sent, no
 * answer at all unsure.
 */
static enum mail_result
mail_outcome(const struct mail_exchange *x, CURLcode e, long code)
{
	if (e == CURLE_OK)
		return MAIL_SENT;
	if (x->handed != 1 || code >= 400)
		return MAIL_NOT_SENT;
	return MAIL_UNSURE;
}

/*
 * Hand one message to the SMTP server of the configuration, for one
 * recipient. libcurl does the SMTP dot-stuffing and the final ".". The
 * server has mail_timeout seconds until the message is sent (the time
 * `hand` takes not counted) and as long again to answer it: at most
 * twice mail_timeout in all. No proxy from the environment, no signals.
 * `hand` (or NULL) is called once before the message goes to the server;
 * when it returns non-zero the message is not sent (the connection is
 * dropped before its end, and the server discards what it got). On
 * failure `err` holds curl's message and the server's reply code, never
 * the password.
 */
enum mail_result
mail_send(const struct conf *c, const char *to, const char *msg, size_t len,
    mail_hand_fn hand, void *hand_arg, char *err, size_t errlen)
{
	static const long tls[] = { CURLUSESSL_NONE, CURLUSESSL_TRY,
	    CURLUSESSL_ALL };
	struct mail_exchange x = { msg, len, hand, hand_arg, 0, { 0, 0 }, 0,
	    c->mail_timeout_s * 1000L };
	struct curl_slist *rcpt = NULL;
	struct buf from, rcpt_to;
	char	 cerr[CURL_ERROR_SIZE] = "";
	CURL	*h = NULL;
	CURLcode e = CURLE_OUT_OF_MEMORY;
	long	 code = 0;

	snprintf(err, errlen, "%s", "");
	if (c->smtp_url == NULL || *c->smtp_url == '\0') {
		snprintf(err, errlen, "mail is off (no smtp_url)");
		return MAIL_NOT_SENT;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &x.start) != 0) {
		snprintf(err, errlen, "no clock");
		return MAIL_NOT_SENT;
	}
	buf_init(&from, 512);
	buf_init(&rcpt_to, 512);
	buf_printf(&from, "<%s>", c->mail_from);
	buf_printf(&rcpt_to, "<%s>", to);
	if (net_curl() == NULL ||
	    net_curl()->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_free(&from);
		buf_free(&rcpt_to);
		snprintf(err, errlen, "cannot load or start libcurl");
		return MAIL_NOT_SENT;
	}
	if (!from.failed && !rcpt_to.failed &&
	    (rcpt = net_curl()->slist_append(NULL, buf_str(&rcpt_to))) != NULL &&
	    (h = net_curl()->easy_init()) != NULL)
		e = CURLE_OK;
#define MAIL_OPT(o, v) \
	do { if (e == CURLE_OK) e = net_curl()->easy_setopt(h, o, v); } while (0)
	MAIL_OPT(CURLOPT_ERRORBUFFER, cerr);
	MAIL_OPT(CURLOPT_URL, c->smtp_url);
#if LIBCURL_VERSION_NUM >= 0x075500
	MAIL_OPT(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	MAIL_OPT(CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	MAIL_OPT(CURLOPT_PROXY, "");
	MAIL_OPT(CURLOPT_NOSIGNAL, 1L);
	MAIL_OPT(CURLOPT_CONNECTTIMEOUT, c->mail_timeout_s);
	/* The answer to the message's end: curl waits for it without
	 * calling mail_progress. */
	MAIL_OPT(CURLOPT_SERVER_RESPONSE_TIMEOUT, c->mail_timeout_s);
	MAIL_OPT(CURLOPT_NOPROGRESS, 0L);
	MAIL_OPT(CURLOPT_XFERINFOFUNCTION, mail_progress);
	MAIL_OPT(CURLOPT_XFERINFODATA, &x);
	MAIL_OPT(CURLOPT_USE_SSL, tls[c->smtp_tls <= CONF_TLS_REQUIRED ?
	    c->smtp_tls : CONF_TLS_REQUIRED]);
	if (c->smtp_user != NULL && *c->smtp_user != '\0') {
		MAIL_OPT(CURLOPT_USERNAME, c->smtp_user);
		MAIL_OPT(CURLOPT_PASSWORD, c->smtp_password ?
		    c->smtp_password : "");
	}
	MAIL_OPT(CURLOPT_MAIL_FROM, buf_str(&from));
	MAIL_OPT(CURLOPT_MAIL_RCPT, rcpt);
	MAIL_OPT(CURLOPT_UPLOAD, 1L);
	MAIL_OPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	MAIL_OPT(CURLOPT_READFUNCTION, mail_read);
	MAIL_OPT(CURLOPT_READDATA, &x);
#undef MAIL_OPT
	if (e == CURLE_OK)
		e = net_curl()->easy_perform(h);
	if (e != CURLE_OK) {
		if (h != NULL &&
		    net_curl()->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) !=
		    CURLE_OK)
			code = 0;
		if (x.handed == -1)
			snprintf(err, errlen, "not handed over (stopped by"
			    " the caller)");
		else if (e == CURLE_ABORTED_BY_CALLBACK)
			snprintf(err, errlen, "no answer within %ld s (SMTP"
			    " %ld)", c->mail_timeout_s, code);
		else
			snprintf(err, errlen, "%s (SMTP %ld)", *cerr != '\0' ?
			    cerr : net_curl()->easy_strerror(e), code);
	}
	net_curl()->easy_cleanup(h);
	net_curl()->slist_free_all(rcpt);
	net_curl()->global_cleanup();
	buf_free(&from);
	buf_free(&rcpt_to);
	return mail_outcome(&x, e, code);
}
