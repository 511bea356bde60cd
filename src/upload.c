#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "upload.h"

/* What each kind starts with, its media type and the extension to show. */
static const struct {
	const char	*magic;
	size_t		 magiclen;
	const char	*mime;
	const char	*ext;
	unsigned	 accept;
} upload_types[] = {
	[UPLOAD_PDF] = { "%PDF-", 5, "application/pdf", "pdf",
	    FORM_ACCEPT_PDF },
	[UPLOAD_JPEG] = { "\xff\xd8\xff", 3, "image/jpeg", "jpg",
	    FORM_ACCEPT_JPEG },
	[UPLOAD_PNG] = { "\x89PNG\r\n\x1a\n", 8, "image/png", "png",
	    FORM_ACCEPT_PNG },
};

#define UPLOAD_NTYPES	(sizeof(upload_types) / sizeof(upload_types[0]))

/* The kind of a file by its first bytes. */
enum upload_type
upload_sniff(const unsigned char *data, size_t len)
{
	size_t	 i;

	for (i = 0; i < UPLOAD_NTYPES; i++)
		if (len >= upload_types[i].magiclen &&
		    memcmp(data, upload_types[i].magic,
		    upload_types[i].magiclen) == 0)
			return (enum upload_type)i;
	return UPLOAD_UNKNOWN;
}

/* The media type we store and serve for a kind; NULL for UPLOAD_UNKNOWN. */
const char *
upload_mime(enum upload_type t)
{
	return (size_t)t < UPLOAD_NTYPES ? upload_types[t].mime : NULL;
}

enum upload_type
upload_type_of_mime(const char *mime)
{
	size_t	 i;

	for (i = 0; mime != NULL && i < UPLOAD_NTYPES; i++)
		if (strcmp(mime, upload_types[i].mime) == 0)
			return (enum upload_type)i;
	return UPLOAD_UNKNOWN;
}

/* The FORM_ACCEPT_* bit of a kind; 0 for UPLOAD_UNKNOWN. */
unsigned
upload_accept_bit(enum upload_type t)
{
	return (size_t)t < UPLOAD_NTYPES ? upload_types[t].accept : 0;
}

/* "2 MB" for whole megabytes, else "500 KB": what a citizen reads. */
static void
upload_size_arg(long kib, char arg[VALID_ARG_MAX])
{
	if (kib % 1024 == 0)
		snprintf(arg, VALID_ARG_MAX, "%ld MB", kib / 1024);
	else
		snprintf(arg, VALID_ARG_MAX, "%ld KB", kib);
}

/* "PDF, JPEG" from the accepted kinds. */
static void
upload_accept_arg(unsigned accept, char arg[VALID_ARG_MAX])
{
	static const char *const names[] = { "PDF", "JPEG", "PNG" };
	size_t	 i, n = 0;
	int	 w;

	arg[0] = '\0';
	for (i = 0; i < UPLOAD_NTYPES; i++) {
		if (!(accept & upload_types[i].accept))
			continue;
		w = snprintf(arg + n, VALID_ARG_MAX - n, "%s%s", n ? ", " : "",
		    names[i]);
		if (w < 0 || (size_t)w >= VALID_ARG_MAX - n)
			break;
		n += (size_t)w;
	}
}

/* The size limit and the kinds of a field, the defaults filled in. */
static void
upload_limits(const struct form_field *f, size_t *max, unsigned *accept)
{
	long	 kib = f->max_kib > 0 ? f->max_kib : FORM_FILE_KIB_MAX;

	if (kib > FORM_FILE_KIB_MAX)
		kib = FORM_FILE_KIB_MAX;
	*max = (size_t)kib * 1024;
	*accept = f->accept ? f->accept : FORM_ACCEPT_ALL;
}

/* The error for a known kind and size, or NULL. */
static const char *
upload_verdict(const struct form_field *f, enum upload_type t, size_t len,
    char arg[VALID_ARG_MAX])
{
	size_t	 max;
	unsigned accept;

	upload_limits(f, &max, &accept);
	if (len > max) {
		upload_size_arg((long)(max / 1024), arg);
		return "file_size";
	}
	if (!(upload_accept_bit(t) & accept)) {
		upload_accept_arg(accept, arg);
		return "file_type";
	}
	return NULL;
}

/*
 * The first problem with an uploaded file for field `f`, or NULL: empty
 * ("file_empty"), over max-size ("file_size", arg the limit as "2 MB"),
 * not one of the accepted kinds by content ("file_type", arg the kinds).
 * The file name plays no part in the verdict: "scan.pdf" may be a PNG,
 * and is then taken as one where PNG is accepted.
 */
const char *
upload_check(const struct form_field *f, const char *filename,
    const unsigned char *data, size_t len, char arg[VALID_ARG_MAX])
{
	(void)filename;	/* only ever shown: see upload_name() */
	arg[0] = '\0';
	if (data == NULL || len == 0)
		return "file_empty";
	return upload_verdict(f, upload_sniff(data, len), len, arg);
}

/*
 * The answer of a file field, as valid_ checks and the submission keeps
 * it: "<filename>\n<mime>\n<size>", made from the store's record of a
 * staged file (store_upload_list), never from what the citizen typed.
 */
int
upload_describe(struct buf *out, const char *filename, const char *mime,
    size_t size)
{
	return buf_printf(out, "%s\n%s\n%zu", filename, mime, size);
}

/* Append a copy of one text parameter to `out`. */
static int
upload_param_add(struct req_params *out, const char *name, const char *value)
{
	struct req_param *v;
	size_t	 cap;

	if (out->n == out->cap) {
		cap = out->cap ? out->cap * 2 : 16;
		if ((v = reallocarray(out->v, cap, sizeof(*v))) == NULL)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	v = &out->v[out->n];
	memset(v, 0, sizeof(*v));
	if ((v->name = strdup(name)) == NULL ||
	    (v->value = strdup(value)) == NULL) {
		free(v->name);
		free(v->value);
		return -1;
	}
	v->valuelen = strlen(value);
	out->n++;
	return 0;
}

/*
 * What valid_check() is given on a POST: the request's text parameters,
 * except those named like a file field of the form, and for each file
 * field with a file in `files` (store_upload_list() of the form's key) its
 * description. A citizen cannot type a file into existence. Free `out`
 * with req_params_free().
 */
int
upload_answers(const struct form *f, const struct req_params *body,
    const struct store_upload *files, size_t nfiles, struct req_params *out)
{
	const struct form_field *fld;
	struct buf d;
	size_t	 i;
	int	 rc = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < body->n && rc == 0; i++) {
		fld = form_field(f, body->v[i].name);
		if (body->v[i].filename == NULL &&
		    (fld == NULL || fld->type != FORM_FILE))
			rc = upload_param_add(out, body->v[i].name,
			    body->v[i].value);
	}
	buf_init(&d, 1024);
	for (i = 0; i < nfiles && rc == 0; i++) {
		fld = form_field(f, files[i].field);
		if (fld == NULL || fld->type != FORM_FILE)
			continue;
		buf_reset(&d);
		rc = upload_describe(&d, files[i].filename, files[i].mime,
		    files[i].size) == -1 ? -1 :
		    upload_param_add(out, files[i].field, buf_str(&d));
	}
	buf_free(&d);
	if (rc != 0)
		req_params_free(out);
	return rc;
}

/*
 * Is `answer` the description of a stored file that field `f` takes?
 * Anything not of that exact shape ("file_missing") cannot have come from
 * the store; a kind or size the field no longer takes (the definition
 * changed since the upload) is "file_type" or "file_size".
 */
const char *
upload_check_answer(const struct form_field *f, const char *answer,
    char arg[VALID_ARG_MAX])
{
	const char *nl1, *nl2;
	char	 mime[32];
	enum upload_type t;
	long	 size;

	arg[0] = '\0';
	if ((nl1 = strchr(answer, '\n')) == NULL ||
	    (nl2 = strchr(nl1 + 1, '\n')) == NULL ||
	    nl1 == answer || (size_t)(nl1 - answer) > UPLOAD_NAME_MAX ||
	    (size_t)(nl2 - nl1 - 1) >= sizeof(mime))
		return "file_missing";
	memcpy(mime, nl1 + 1, (size_t)(nl2 - nl1 - 1));
	mime[nl2 - nl1 - 1] = '\0';
	if ((t = upload_type_of_mime(mime)) == UPLOAD_UNKNOWN ||
	    strspn(nl2 + 1, "0123456789") != strlen(nl2 + 1) ||
	    text_to_long(nl2 + 1, 1, 1L << 40, &size) == -1)
		return "file_missing";
	return upload_verdict(f, t, (size_t)size, arg);
}

/*
 * The length of the UTF-8 character at `p` (at most `left` bytes) if it
 * is valid and no control character (C0, DEL, C1, the line and paragraph
 * separators, bidirectional marks and overrides that could make "gpj.exe"
 * read "exe.jpg", zero-width characters that hide in a name), else 0.
 */
static size_t
upload_name_char(const unsigned char *p, size_t left)
{
	const char *s = (const char *)p;
	unsigned long cp = text_utf8_next(&s);
	size_t	 n = (size_t)(s - (const char *)p);

	if (n == 0 || n > left || !text_utf8_valid((const char *)p, n) ||
	    cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 || text_is_bidi(cp) ||
	    (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * A name to show for an uploaded file: the last component of what the
 * browser sent (after '/' or '\'), without control characters and
 * invalid UTF-8, without leading and trailing spaces, at most
 * UPLOAD_NAME_MAX bytes cut on a character boundary. Never empty, never
 * "." or "..": then "upload.<ext>" of the sniffed kind.
 */
void
upload_name(char out[UPLOAD_NAME_MAX + 1], const char *filename,
    enum upload_type t)
{
	const unsigned char *p, *end;
	size_t	 n = 0, c;

	if (filename == NULL)
		filename = "";
	p = (const unsigned char *)filename + strlen(filename);
	end = p;
	while (p > (const unsigned char *)filename && p[-1] != '/' &&
	    p[-1] != '\\')
		p--;
	while (p < end) {
		if ((c = upload_name_char(p, (size_t)(end - p))) == 0 ||
		    (n == 0 && *p == ' ')) {
			p++;	/* drop the byte; resync on the next one */
			continue;
		}
		if (n + c > UPLOAD_NAME_MAX)
			break;
		memcpy(out + n, p, c);
		n += c;
		p += c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		snprintf(out, UPLOAD_NAME_MAX + 1, "upload.%s",
		    (size_t)t < UPLOAD_NTYPES ? upload_types[t].ext : "bin");
}

/* Windows' device names, which no file may be called, whatever its extension. */
static int
upload_device_name(const char *base)
{
	static const char *const devices[] = { "con", "prn", "aux", "nul" };
	size_t	 i;

	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (strcasecmp(base, devices[i]) == 0)
			return 1;
	return strlen(base) == 4 && (strncasecmp(base, "com", 3) == 0 ||
	    strncasecmp(base, "lpt", 3) == 0) && base[3] >= '0' &&
	    base[3] <= '9';
}

/*
 * The base of a name to save a file under, from `name` (NULL or
 * anything): its last path component without its extension (Windows
 * drops trailing dots and spaces first, so do we); letters, digits,
 * spaces, "-_()+," and the characters upload_name_char passes beyond
 * ASCII; a run of anything else one "_"; no "_", "-" or space at either
 * end. `max` bytes at most, cut on a character boundary. May be "".
 */
static void
upload_save_base(char *out, size_t max, const char *name)
{
	const unsigned char *p, *start, *end;
	size_t	 n = 0, c;
	int	 gap = 0;

	out[0] = '\0';
	if (name == NULL)
		return;
	start = (const unsigned char *)name;
	end = start + strlen(name);
	for (p = start; p < end; p++)
		if (*p == '/' || *p == '\\')
			start = p + 1;
	while (end > start && (end[-1] == '.' || end[-1] == ' '))
		end--;
	for (p = end; p > start && p[-1] != '.'; p--)
		;
	if (p > start)
		end = p - 1;	/* the citizen's extension goes */
	for (p = start; p < end; p += c) {
		if ((c = upload_name_char(p, (size_t)(end - p))) == 0) {
			c = 1;	/* dropped; resync on the next byte */
			continue;
		}
		if (c == 1 && !isalnum(*p) && strchr(" -_()+,", *p) == NULL) {
			gap = 1;
			continue;
		}
		if (gap && n > 0 && out[n - 1] != '_' && n + 1 < max)
			out[n++] = '_';
		gap = 0;
		if (n + c > max)
			break;
		memcpy(out + n, p, c);
		n += c;
	}
	while (n > 0 && strchr("_- ", out[n - 1]) != NULL)
		n--;
	out[n] = '\0';
	for (c = 0; out[c] != '\0' && strchr("_- ", out[c]) != NULL; c++)
		;
	memmove(out, out + c, n - c + 1);
}

/*
 * The name a clerk's browser saves a file of kind `t` under: the base
 * of the citizen's `name` (see upload_save_base), else of `fallback`,
 * else "download", and the extension of the kind, whatever the citizen
 * called it: "x.cmd", ".hta" or "a.pdf;.html" holding a PDF is saved as
 * a PDF, never run as a program or opened as a page. One dot, no
 * Windows device name, at most UPLOAD_NAME_MAX bytes. Made when the file
 * goes out, so that files stored under any name are saved this way too.
 */
void
upload_save_name(char out[UPLOAD_NAME_MAX + 1], const char *name,
    const char *fallback, enum upload_type t)
{
	const char *ext = (size_t)t < UPLOAD_NTYPES ? upload_types[t].ext :
	    "bin";
	size_t	 max = UPLOAD_NAME_MAX - 1 - strlen(ext), n;

	upload_save_base(out, max, name);
	if (out[0] == '\0')
		upload_save_base(out, max, fallback);
	if (out[0] == '\0')
		snprintf(out, max + 1, "download");
	n = strlen(out);
	if (upload_device_name(out) && n < max)
		out[n++] = '_';
	snprintf(out + n, UPLOAD_NAME_MAX + 1 - n, ".%s", ext);
}
