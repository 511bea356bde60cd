#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include "buf.h"
#include "export.h"
#include "text.h"
#include "when.h"

#define EXPORT_PARSE_FLAGS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
	XML_PARSE_NOWARNING)
#define EXPORT_META		5	/* reference created status version fee */

static const char *const export_meta[EXPORT_META] = {
	"reference", "created", "status", "version", "fee",
};

/* A set of names kept sorted, each with its column (or SIZE_MAX). */
struct export_name {
	char	*name;
	size_t	 col;
};

struct export_names {
	struct export_name *v;
	size_t	 n;
};

/* The columns of the answers, in order; `index` finds one by name. */
struct export_cols {
	const char **name;	/* point into index */
	size_t	 n;
	struct export_names index;
};

struct export_ctx {
	enum export_format fmt;
	FILE		*out;
	struct export_cols cols;
	struct export_names seen;	/* first pass: the names in the data */
	xmlChar		**vals;		/* second pass: a row's answers */
	struct buf	 line;		/* CSV: one row */
	xmlTextWriterPtr xml;
	int		 json;		/* JSON: the array is begun */
	long		 rows;		/* JSON: objects written */
	int		 failed;
};

/* The place of `name` in the set, or where it would go (*found 0). */
static size_t
export_names_find(const struct export_names *s, const char *name, int *found)
{
	size_t	 lo = 0, hi = s->n, mid;
	int	 c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(s->v[mid].name, name)) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add a name once; its entry (new or old), or NULL without memory. */
static struct export_name *
export_names_add(struct export_names *s, const char *name)
{
	struct export_name *v;
	size_t	 at;
	int	 found;

	at = export_names_find(s, name, &found);
	if (found)
		return &s->v[at];
	if ((v = reallocarray(s->v, s->n + 1, sizeof(*v))) == NULL)
		return NULL;
	s->v = v;
	memmove(&v[at + 1], &v[at], (s->n - at) * sizeof(*v));
	if ((v[at].name = strdup(name)) == NULL) {
		memmove(&v[at], &v[at + 1], (s->n - at) * sizeof(*v));
		return NULL;
	}
	v[at].col = SIZE_MAX;
	s->n++;
	return &v[at];
}

static void
export_names_free(struct export_names *s)
{
	while (s->n > 0)
		free(s->v[--s->n].name);
	free(s->v);
	s->v = NULL;
}

/*
 * The <value name> answers of a stored <values> document, in document
 * order, to fn; answers of questions not asked (skipped="true") are none.
 */
static int
export_answers(const char *xml, int (*fn)(struct export_ctx *, const char *,
    xmlNodePtr), struct export_ctx *c)
{
	xmlDocPtr doc;
	xmlNodePtr root, n;
	xmlChar	*name, *skipped;
	int	 rc = 0;

	doc = xmlReadMemory(xml, (int)strnlen(xml, INT_MAX), "answers.xml",
	    "UTF-8", EXPORT_PARSE_FLAGS);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		if (doc != NULL)
			xmlFreeDoc(doc);
		return -1;
	}
	for (n = root->children; n != NULL && rc == 0; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    !xmlStrEqual(n->name, (const xmlChar *)"value") ||
		    (name = xmlGetProp(n, (const xmlChar *)"name")) == NULL)
			continue;
		skipped = xmlGetProp(n, (const xmlChar *)"skipped");
		if (skipped == NULL ||
		    !xmlStrEqual(skipped, (const xmlChar *)"true"))
			rc = fn(c, (const char *)name, n);
		xmlFree(skipped);
		xmlFree(name);
	}
	xmlFreeDoc(doc);
	return rc;
}

static int
export_seen_answer(struct export_ctx *c, const char *name, xmlNodePtr n)
{
	(void)n;
	return export_names_add(&c->seen, name) == NULL ? -1 : 0;
}

static int
export_seen_row(void *arg, const struct store_row *row)
{
	struct export_ctx *c = arg;

	return export_answers(row->answers_xml, export_seen_answer, c);
}

static int
export_col_add(struct export_cols *cols, const char *name)
{
	struct export_name *e;
	const char **v;

	if ((e = export_names_add(&cols->index, name)) == NULL)
		return -1;
	if (e->col != SIZE_MAX)
		return 0;	/* a name seen twice is one column */
	if ((v = reallocarray(cols->name, cols->n + 1, sizeof(*v))) == NULL)
		return -1;
	cols->name = v;
	e->col = cols->n;
	/* The strings stay where they are when the set's entries move. */
	cols->name[cols->n++] = e->name;
	return 0;
}

/* The largest N of the answers name.N seen in the data; 0 for none. */
static long
export_rows_of(const struct export_names *seen, const char *name)
{
	size_t	 len = strlen(name), i;
	long	 n, max = 0;

	for (i = 0; i < seen->n; i++)
		if (strncmp(seen->v[i].name, name, len) == 0 &&
		    seen->v[i].name[len] == '.' &&
		    text_to_long(seen->v[i].name + len + 1, 1, LONG_MAX,
		    &n) == 0 && n > max)
			max = n;
	return max;
}

/*
 * The definition's fields in order, a repeating group's as name.1 up to
 * the largest row in the data (at least one); then the names only older
 * submissions have, sorted.
 */
static int
export_columns(struct export_ctx *c, const struct form *f)
{
	const struct form_field *fld;
	struct buf name;
	size_t	 i;
	long	 k, rows;
	int	 rc = 0;

	buf_init(&name, 256);
	for (i = 0; f != NULL && i < f->nfields && rc == 0; i++) {
		fld = &f->fields[i];
		if (fld->group < 0 || !f->groups[fld->group].repeat) {
			rc = export_col_add(&c->cols, fld->name);
			continue;
		}
		rows = export_rows_of(&c->seen, fld->name);
		for (k = 1; k <= (rows > 0 ? rows : 1) && rc == 0; k++) {
			buf_reset(&name);
			if (buf_printf(&name, "%s.%ld", fld->name, k) == -1)
				rc = -1;
			else
				rc = export_col_add(&c->cols, buf_str(&name));
		}
	}
	buf_free(&name);
	for (i = 0; i < c->seen.n && rc == 0; i++)
		rc = export_col_add(&c->cols, c->seen.v[i].name);
	return rc;
}

static int
export_value(struct export_ctx *c, const char *name, xmlNodePtr n)
{
	size_t	 at;
	int	 found;

	at = export_names_find(&c->cols.index, name, &found);
	if (!found)
		return -1;	/* the first pass saw every name */
	at = c->cols.index.v[at].col;
	xmlFree(c->vals[at]);
	return (c->vals[at] = xmlNodeGetContent(n)) == NULL ? -1 : 0;
}

/*
 * One CSV cell: quoted when it holds ; " CR LF or starts or ends with a
 * space, quotes doubled. A cell a spreadsheet would take for a formula
 * (text_formula_start: = + - @ or their fullwidth or small forms, also
 * after spaces and invisible characters) or that starts with TAB or CR
 * gets an apostrophe first.
 */
static void
export_csv_cell(struct buf *b, const char *s, int first)
{
	size_t	 len = strlen(s);
	int	 quote;

	if (!first)
		buf_addch(b, ';');
	quote = strpbrk(s, ";\"\r\n") != NULL ||
	    (len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
	if (quote)
		buf_addch(b, '"');
	if (s[0] == '\t' || s[0] == '\r' || text_formula_start(s))
		buf_addch(b, '\'');
	for (; *s != '\0'; s++)
		if (*s == '"')
			buf_addstr(b, "\"\"");
		else
			buf_addch(b, *s);
	if (quote)
		buf_addch(b, '"');
}

static int
export_csv_flush(struct export_ctx *c)
{
	buf_addstr(&c->line, "\r\n");
	if (c->line.failed ||
	    fwrite(c->line.data, 1, c->line.len, c->out) != c->line.len)
		return -1;
	buf_reset(&c->line);
	return 0;
}

static int
export_csv_head(struct export_ctx *c)
{
	size_t	 i;

	if (fwrite("\xef\xbb\xbf", 1, 3, c->out) != 3)
		return -1;
	for (i = 0; i < EXPORT_META; i++)
		export_csv_cell(&c->line, export_meta[i], i == 0);
	for (i = 0; i < c->cols.n; i++)
		export_csv_cell(&c->line, c->cols.name[i], 0);
	return export_csv_flush(c);
}

static int
export_csv_row(struct export_ctx *c, const struct store_row *row)
{
	char	 num[48];
	size_t	 i;

	export_csv_cell(&c->line, row->ref, 1);
	export_csv_cell(&c->line, row->created, 0);
	export_csv_cell(&c->line, row->status, 0);
	snprintf(num, sizeof(num), "%ld", row->version);
	export_csv_cell(&c->line, num, 0);
	/* Euro with a decimal comma: what German Excel reads as a number. */
	snprintf(num, sizeof(num), "%ld,%02ld", row->fee_cents / 100,
	    row->fee_cents % 100);
	export_csv_cell(&c->line, num, 0);
	for (i = 0; i < c->cols.n; i++)
		export_csv_cell(&c->line, c->vals[i] ?
		    (const char *)c->vals[i] : "", 0);
	return export_csv_flush(c);
}

static int
export_xml_head(struct export_ctx *c, const char *service)
{
	xmlOutputBufferPtr ob;
	char	 now[21];

	if (when_now_iso(now) == -1 ||
	    (ob = xmlOutputBufferCreateFile(c->out, NULL)) == NULL)
		return -1;
	if ((c->xml = xmlNewTextWriter(ob)) == NULL) {
		xmlOutputBufferClose(ob);
		return -1;
	}
	if (xmlTextWriterSetIndent(c->xml, 1) < 0 ||
	    xmlTextWriterStartDocument(c->xml, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(c->xml,
	    (const xmlChar *)"submissions") < 0 ||
	    xmlTextWriterWriteAttribute(c->xml, (const xmlChar *)"service",
	    (const xmlChar *)service) < 0 ||
	    xmlTextWriterWriteAttribute(c->xml, (const xmlChar *)"exported",
	    (const xmlChar *)now) < 0)
		return -1;
	return 0;
}

static int
export_xml_attr(struct export_ctx *c, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(c->xml, (const xmlChar *)name,
	    (const xmlChar *)value) < 0 ? -1 : 0;
}

static int
export_xml_row(struct export_ctx *c, const struct store_row *row)
{
	char	 version[24], cents[24];
	size_t	 i;

	snprintf(version, sizeof(version), "%ld", row->version);
	snprintf(cents, sizeof(cents), "%ld", row->fee_cents);
	if (xmlTextWriterStartElement(c->xml,
	    (const xmlChar *)"submission") < 0 ||
	    export_xml_attr(c, "ref", row->ref) == -1 ||
	    export_xml_attr(c, "created", row->created) == -1 ||
	    export_xml_attr(c, "status", row->status) == -1 ||
	    export_xml_attr(c, "version", version) == -1 ||
	    export_xml_attr(c, "fee-cents", cents) == -1 ||
	    (row->purged != NULL &&
	    export_xml_attr(c, "purged", row->purged) == -1))
		return -1;
	for (i = 0; i < c->cols.n; i++) {
		if (c->vals[i] == NULL)
			continue;
		if (xmlTextWriterStartElement(c->xml,
		    (const xmlChar *)"value") < 0 ||
		    export_xml_attr(c, "name", c->cols.name[i]) == -1 ||
		    xmlTextWriterWriteString(c->xml, c->vals[i]) < 0 ||
		    xmlTextWriterEndElement(c->xml) < 0)
			return -1;
	}
	return xmlTextWriterEndElement(c->xml) < 0 ? -1 : 0;
}

/*
 * One object of the array, written at once: with the indentation and
 * separators jansson gives the whole array (JSON_INDENT(2)), so that the
 * text is the same as when the array was built whole before (issue 13:
 * exports stream, nothing grows with the rows). Takes `obj`.
 */
static int
export_json_put(struct export_ctx *c, json_t *obj)
{
	char	*text, *p;
	int	 rc = 0;

	text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (text == NULL)
		return -1;
	if (fputs(c->rows++ > 0 ? ",\n  " : "\n  ", c->out) == EOF)
		rc = -1;
	for (p = text; rc == 0 && *p != '\0'; p++)
		if (fputc(*p, c->out) == EOF ||
		    (*p == '\n' && fputs("  ", c->out) == EOF))
			rc = -1;
	free(text);
	return rc;
}

static int
export_json_row(struct export_ctx *c, const struct store_row *row)
{
	json_t	*obj, *answers, *v;
	size_t	 i;

	if ((answers = json_object()) == NULL)
		return -1;
	for (i = 0; i < c->cols.n; i++) {
		if (c->vals[i] == NULL)
			continue;
		if ((v = json_string((const char *)c->vals[i])) == NULL ||
		    json_object_set_new(answers, c->cols.name[i], v) != 0) {
			json_decref(answers);
			return -1;
		}
	}
	/* "o" hands `answers` over, also when the pack fails. */
	obj = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "reference",
	    row->ref, "created", row->created, "status", row->status,
	    "version", (json_int_t)row->version, "fee_cents",
	    (json_int_t)row->fee_cents, "answers", answers);
	if (obj == NULL)
		return -1;
	if (row->purged != NULL && json_object_set_new(obj, "purged",
	    json_string(row->purged)) != 0) {
		json_decref(obj);
		return -1;
	}
	return export_json_put(c, obj);
}

static int
export_row(void *arg, const struct store_row *row)
{
	struct export_ctx *c = arg;
	size_t	 i;
	int	 rc;

	rc = export_answers(row->answers_xml, export_value, c);
	if (rc == 0)
		switch (c->fmt) {
		case EXPORT_CSV:
			rc = export_csv_row(c, row);
			break;
		case EXPORT_XML:
			rc = export_xml_row(c, row);
			break;
		case EXPORT_JSON:
			rc = export_json_row(c, row);
			break;
		}
	for (i = 0; i < c->cols.n; i++) {
		xmlFree(c->vals[i]);
		c->vals[i] = NULL;
	}
	if (rc != 0)
		c->failed = 1;
	return rc;
}

static int
export_start(struct export_ctx *c, const struct store_filter *flt)
{
	switch (c->fmt) {
	case EXPORT_CSV:
		return export_csv_head(c);
	case EXPORT_XML:
		return export_xml_head(c, flt->service);
	case EXPORT_JSON:
		c->json = 1;
		return fputc('[', c->out) == EOF ? -1 : 0;
	}
	return -1;
}

/*
 * Close what was begun. Every format streams: after a failure midway the
 * output is cut short (and the caller says so), as CSV's always was.
 */
static int
export_finish(struct export_ctx *c, int rc)
{
	if (c->xml != NULL) {
		if (xmlTextWriterEndDocument(c->xml) < 0)
			rc = -1;
		xmlFreeTextWriter(c->xml);	/* flushes, closes its buffer */
		c->xml = NULL;
	}
	if (c->json && rc == 0 && fputs(c->rows > 0 ? "\n]\n" : "]\n",
	    c->out) == EOF)
		rc = -1;
	return rc;
}

/*
 * Two walks over the store: the first collects the answer names (for
 * the columns, which CSV needs before its first row), the second writes.
 * Only the names and one row at a time are held, in every format: JSON
 * too is written object by object (export_json_put).
 */
int
export_write(enum export_format fmt, FILE *out, struct store *s,
    const struct form *current, const struct store_filter *flt)
{
	struct export_ctx c;
	int	 rc = -1;

	memset(&c, 0, sizeof(c));
	c.fmt = fmt;
	c.out = out;
	buf_init(&c.line, 0);
	if (store_each(s, flt, export_seen_row, &c) != STORE_OK ||
	    export_columns(&c, current) != 0 ||
	    (c.vals = calloc(c.cols.n + 1, sizeof(*c.vals))) == NULL)
		goto out;
	if (export_start(&c, flt) != 0 ||
	    store_each(s, flt, export_row, &c) != STORE_OK)
		goto out;
	rc = 0;
out:
	if (export_finish(&c, rc) != 0 || fflush(out) != 0 || ferror(out))
		rc = -1;
	free(c.vals);
	free(c.cols.name);
	export_names_free(&c.cols.index);
	export_names_free(&c.seen);
	buf_free(&c.line);
	return rc;
}

int
export_format_parse(const char *name, enum export_format *fmt)
{
	static const char *const names[] = { "csv", "xml", "json" };
	static const enum export_format fmts[] = { EXPORT_CSV, EXPORT_XML,
	    EXPORT_JSON };
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*fmt = fmts[i];
			return 0;
		}
	return -1;
}
