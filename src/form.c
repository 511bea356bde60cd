#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "fee.h"
#include "form.h"
#include "pattern.h"
#include "req.h"
#include "stamp.h"
#include "text.h"
#include "when.h"
#include "xmlsafe.h"

/*
 * The checks a definition passes once per change of its file, named in
 * its line of the known-good cache: raise it when form_load checks more,
 * so that definitions known good before are checked again.
 */
#define FORM_CHECKS	"checks-2"

/*
 * Never the network, never entity expansion, never "huge" documents;
 * and form_parse refuses any DOCTYPE before it is read.
 */
#define FORM_PARSE_FLAGS	(XML_PARSE_NONET | XML_PARSE_NOCDATA)

const char *const form_type_names[FORM__TYPES] = {
	"text", "textarea", "email", "tel", "date", "time", "number",
	"select", "checkbox", "radio", "postcode", "iban", "multiselect",
	"money",
	"file", "slot",
};

const char *const form_login_names[FORM__LOGINS] = {
	"none", "optional", "required",
};

void
form_diag_init(struct form_diag *d)
{
	buf_init(&d->text, 0);
	d->errors = 0;
	d->warnings = 0;
}

void
form_diag_add(struct form_diag *d, const char *file, long line,
    const char *fmt, ...)
{
	va_list	 ap;

	if (d == NULL)
		return;
	d->errors++;
	/* Line 0: about the file as a whole. */
	if (line > 0)
		buf_printf(&d->text, "%s:%ld: ", file, line);
	else
		buf_printf(&d->text, "%s: ", file);
	va_start(ap, fmt);
	buf_vprintf(&d->text, fmt, ap);
	va_end(ap);
	buf_addch(&d->text, '\n');
}

/* Something to fix that does not stop the definition from working. */
void
form_diag_warn(struct form_diag *d, const char *file, long line,
    const char *fmt, ...)
{
	va_list	 ap;

	if (d == NULL)
		return;
	d->warnings++;
	if (line > 0)
		buf_printf(&d->text, "%s:%ld: warning: ", file, line);
	else
		buf_printf(&d->text, "%s: warning: ", file);
	va_start(ap, fmt);
	buf_vprintf(&d->text, fmt, ap);
	va_end(ap);
	buf_addch(&d->text, '\n');
}

void
form_diag_free(struct form_diag *d)
{
	buf_free(&d->text);
}

/* libxml2 reports through a callback; turn each report into a diag line
 * (arg: a struct form_xml_errors). Calendars (cal.c) report so too. */
void
form_xml_error(void *arg, xmlErrorPtr err)
{
	struct form_xml_errors *e = arg;
	char	 msg[512];
	size_t	 n;

	long	 line;

	if (err == NULL || err->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "?");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* Some RELAX NG reports carry the node but no line: ask the node. */
	line = err->line;
	if (line == 0 && err->node != NULL)
		line = xmlGetLineNo((xmlNodePtr)err->node);
	form_diag_add(e->diag, e->file, line, "%s%s", e->prefix, msg);
}

/* libxml2's reason for a regular expression that does not compile. */
static void
form_regexp_error(void *arg, xmlErrorPtr err)
{
	char	*reason = arg;
	const char *m;
	size_t	 n;

	if (err == NULL || err->message == NULL || *reason != '\0')
		return;
	m = err->message;
	if (strncmp(m, "failed to compile: ", 19) == 0)
		m += 19;
	snprintf(reason, 128, "%s", m);
	n = strlen(reason);
	while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == ' '))
		reason[--n] = '\0';
}

/*
 * Everything the loader reads goes through here: a file (`xml` NULL) or
 * a stored text named `path`; never the network, never a DOCTYPE.
 */
static xmlDocPtr
form_parse(const char *path, const char *xml, struct form_diag *diag)
{
	struct form_xml_errors e = { diag, path, "not well-formed: " };
	struct xmlsafe_err err;
	xmlDocPtr doc;
	int	 before = diag ? diag->errors : 0;

	xmlSetStructuredErrorFunc(&e, form_xml_error);
	doc = xmlsafe_read(path, xml, xml != NULL ? strlen(xml) : 0, "UTF-8",
	    FORM_PARSE_FLAGS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &err);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (err.doctype != 0)
		form_diag_add(diag, path, err.doctype,
		    "a <!DOCTYPE> is not allowed: no DTD, no entities");
	else if (doc == NULL && diag != NULL && diag->errors == before)
		form_diag_add(diag, path, 0, "cannot read file");
	return doc;
}

/* The value of a plain attribute, pointing into the document; or NULL. */
const char *
form_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);

	if (a == NULL)
		return NULL;
	if (a->children == NULL || a->children->type != XML_TEXT_NODE)
		return "";
	return (const char *)a->children->content;
}

int
form_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* A file's stamp (stamp.h) as the text definitions.ok keeps. */
static int
form_stamp(const char *path, struct buf *out)
{
	struct stamp st;

	if (stamp_of(path, &st) != 0)
		return -1;
	return buf_printf(out, "%lld.%09lld %lld %llu", st.sec, st.nsec,
	    st.size, (unsigned long long)st.ino);
}

/*
 * `cache` names a file of definitions that passed every check, one line
 * each with the stamps of the file and of the schema and FORM_CHECKS. A
 * definition found there is not validated against the schema again, and
 * the schema is not even parsed: together 12 % of a request; nor are its
 * patterns checked again. NULL: always validate (lint).
 */
/*
 * A file of the town's site directory: its own when it has one, else
 * `fallback` (a shipped default, or NULL for none) as `path`.
 */
static xmlDocPtr
form_site_doc(const struct form_share *s, const char *name,
    const char *fallback, const char *empty, struct form_diag *diag)
{
	struct buf path;
	xmlDocPtr doc = NULL;

	buf_init(&path, 4096);
	if (s->site != NULL)
		buf_printf(&path, "%s/%s", s->site, name);
	if (s->site != NULL && !path.failed && access(buf_str(&path), F_OK) == 0)
		doc = form_parse(buf_str(&path), NULL, diag);
	else if (fallback != NULL) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", s->dir, fallback);
		doc = path.failed ? NULL : form_parse(buf_str(&path), NULL, diag);
	} else if (empty != NULL)
		doc = form_parse(name, empty, diag);
	buf_free(&path);
	return doc;
}

int
form_share_open(struct form_share *s, const char *dir, const char *site,
    const char *cache, struct form_diag *diag)
{
	struct buf path;
	char	 chunk[4096];
	size_t	 n;
	FILE	*f;
	int	 before, rc = -1;

	memset(s, 0, sizeof(*s));
	buf_init(&s->known, 1024 * 1024);
	buf_init(&s->schema_stamp, 256);
	buf_init(&path, 4096);
	if ((s->dir = strdup(dir)) == NULL ||
	    (site != NULL && *site != '\0' && (s->site = strdup(site)) == NULL) ||
	    (cache != NULL && (s->cache = strdup(cache)) == NULL))
		goto out;
	buf_printf(&path, "%s/forms/form.rng", dir);
	if (form_stamp(buf_str(&path), &s->schema_stamp) != 0) {
		form_diag_add(diag, buf_str(&path), 0, "cannot load schema");
		goto out;
	}
	/* A leading newline lets every line be found as "\n" LINE. */
	buf_addch(&s->known, '\n');
	if (cache != NULL && (f = fopen(cache, "r")) != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_add(&s->known, chunk, n) == -1)
				break;
		fclose(f);
		if (s->known.failed) {	/* absurdly large: start afresh */
			buf_reset(&s->known);
			buf_addch(&s->known, '\n');
		}
	}
	/* The town's clerks (none shipped: no demo logins in production),
	 * its catalog groups (shipped neutral ones by default) and itself. */
	if ((s->clerks = form_site_doc(s, "clerks.xml", NULL, "<clerks/>",
	    diag)) == NULL ||
	    (s->categories = form_site_doc(s, "categories.xml",
	    "data/categories.xml", NULL, diag)) == NULL)
		goto out;
	/* None is a town not yet described; a broken one is an error. */
	before = diag != NULL ? diag->errors : 0;
	s->municipality = form_site_doc(s, "municipality.xml", NULL, NULL, diag);
	if (diag != NULL && diag->errors > before)
		goto out;
	rc = 0;
out:
	buf_free(&path);
	if (rc != 0)
		form_share_close(s);
	return rc;
}

/*
 * Check a file of the site directory against one of rathaus's schemas
 * (data/<rng>): 0 valid, -1 with the reasons in diag. For the linter.
 */
int
form_validate_site_file(const struct form_share *s, const char *name,
    const char *rng, struct form_diag *diag)
{
	struct form_xml_errors e = { diag, NULL, "schema: " };
	struct buf path, schema_path;
	xmlRelaxNGParserCtxtPtr pctx = NULL;
	xmlRelaxNGValidCtxtPtr vctx = NULL;
	xmlRelaxNGPtr schema = NULL;
	xmlDocPtr doc = NULL;
	int	 rc = -1;

	buf_init(&path, 4096);
	buf_init(&schema_path, 4096);
	buf_printf(&path, "%s/%s", s->site, name);
	buf_printf(&schema_path, "%s/data/%s", s->dir, rng);
	if (path.failed || schema_path.failed ||
	    (doc = form_parse(buf_str(&path), NULL, diag)) == NULL)
		goto out;
	e.file = buf_str(&path);
	xmlSetStructuredErrorFunc(&e, form_xml_error);
	if ((pctx = xmlRelaxNGNewParserCtxt(buf_str(&schema_path))) != NULL)
		schema = xmlRelaxNGParse(pctx);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (schema == NULL) {
		form_diag_add(diag, buf_str(&schema_path), 0,
		    "cannot load schema");
		goto out;
	}
	if ((vctx = xmlRelaxNGNewValidCtxt(schema)) == NULL)
		goto out;
	xmlRelaxNGSetValidStructuredErrors(vctx, form_xml_error, &e);
	rc = xmlRelaxNGValidateDoc(vctx, doc) == 0 ? 0 : -1;
out:
	if (vctx != NULL)
		xmlRelaxNGFreeValidCtxt(vctx);
	if (schema != NULL)
		xmlRelaxNGFree(schema);
	if (pctx != NULL)
		xmlRelaxNGFreeParserCtxt(pctx);
	if (doc != NULL)
		xmlFreeDoc(doc);
	buf_free(&path);
	buf_free(&schema_path);
	return rc;
}

/* The schema, parsed on first use. */
static xmlRelaxNGPtr
form_schema(struct form_share *s, struct form_diag *diag)
{
	struct form_xml_errors e = { diag, NULL, "schema: " };
	xmlRelaxNGParserCtxtPtr pctx;
	struct buf path;

	if (s->schema != NULL)
		return s->schema;
	buf_init(&path, 4096);
	buf_printf(&path, "%s/forms/form.rng", s->dir);
	e.file = buf_str(&path);
	xmlSetStructuredErrorFunc(&e, form_xml_error);
	if ((pctx = xmlRelaxNGNewParserCtxt(buf_str(&path))) != NULL) {
		s->schema = xmlRelaxNGParse(pctx);
		xmlRelaxNGFreeParserCtxt(pctx);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (s->schema == NULL)
		form_diag_add(diag, buf_str(&path), 0, "cannot load schema");
	buf_free(&path);
	return s->schema;
}

/* The cache line of a definition as it is now, or -1. */
static int
form_cache_line(const struct form_share *s, const char *path, struct buf *line)
{
	buf_printf(line, "\n%s\t", path);
	if (form_stamp(path, line) != 0)
		return -1;
	buf_printf(line, "\t%s\t%s\n", buf_str(&s->schema_stamp),
	    FORM_CHECKS);
	return line->failed ? -1 : 0;
}

/*
 * Remember a definition that passed. Best effort: one write() of one
 * line with O_APPEND is atomic between concurrent requests, and a cache
 * that cannot be written only costs speed.
 */
static void
form_cache_add(struct form_share *s, const struct buf *line)
{
	ssize_t	 n;
	int	 fd;

	if (s->cache == NULL)
		return;
	if (buf_add(&s->known, line->data + 1, line->len - 1) == -1)
		return;
	/* Paths and stamps only, nothing secret: readable by all, so that a
	 * file an administrator created by hand still serves the web server. */
	fd = open(s->cache, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return;
	n = write(fd, line->data + 1, line->len - 1);
	if (n != (ssize_t)(line->len - 1))
		fprintf(stderr, "rathaus: %s: short write\n", s->cache);
	close(fd);
}

void
form_share_close(struct form_share *s)
{
	if (s->schema != NULL)
		xmlRelaxNGFree(s->schema);
	if (s->clerks != NULL)
		xmlFreeDoc(s->clerks);
	if (s->categories != NULL)
		xmlFreeDoc(s->categories);
	if (s->municipality != NULL)
		xmlFreeDoc(s->municipality);
	while (s->ncodes > 0)
		xmlFreeDoc(s->codes[--s->ncodes]);
	free(s->codes);
	free(s->dir);
	free(s->site);
	free(s->cache);
	buf_free(&s->known);
	buf_free(&s->schema_stamp);
	memset(s, 0, sizeof(*s));
}

/*
 * The text of the town's <name> (with xml:lang `lang`, or the first when
 * lang is NULL) in municipality.xml, pointing into it; NULL without one.
 */
const char *
form_town_text(const struct form_share *s, const char *name, const char *lang)
{
	xmlNodePtr n;
	xmlChar	*l;
	int	 hit;

	if (s->municipality == NULL)
		return NULL;
	for (n = xmlDocGetRootElement(s->municipality)->children; n != NULL;
	    n = n->next) {
		if (!form_is(n, name) || n->children == NULL ||
		    n->children->type != XML_TEXT_NODE)
			continue;
		if (lang == NULL)
			return (const char *)n->children->content;
		l = xmlNodeGetLang(n);
		hit = l != NULL && strcmp((const char *)l, lang) == 0;
		xmlFree(l);
		if (hit)
			return (const char *)n->children->content;
	}
	return NULL;
}

/* The child <elem id="id"> of a shared list's root, or NULL. */
static xmlNodePtr
form_by_id(xmlDocPtr doc, const char *elem, const char *id)
{
	xmlNodePtr n, root;
	const char *nid;

	if (doc == NULL || id == NULL ||
	    (root = xmlDocGetRootElement(doc)) == NULL)
		return NULL;
	for (n = root->children; n != NULL; n = n->next)
		if (form_is(n, elem) && (nid = form_attr(n, "id")) != NULL &&
		    strcmp(nid, id) == 0)
			return n;
	return NULL;
}

xmlNodePtr
form_clerk(const struct form_share *s, const char *id)
{
	return form_by_id(s->clerks, "clerk", id);
}

/*
 * The <login user=".." clerk=".." role=".."/> of a web server user name,
 * or NULL: who may use the staff program, as which clerk.
 */
xmlNodePtr
form_login(const struct form_share *s, const char *user)
{
	xmlNodePtr n, root;
	const char *u;

	if (s->clerks == NULL || user == NULL ||
	    (root = xmlDocGetRootElement(s->clerks)) == NULL)
		return NULL;
	for (n = root->children; n != NULL; n = n->next)
		if (form_is(n, "login") && (u = form_attr(n, "user")) != NULL &&
		    strcmp(u, user) == 0)
			return n;
	return NULL;
}

xmlNodePtr
form_category(const struct form_share *s, const char *id)
{
	return form_by_id(s->categories, "category", id);
}

/*
 * The code list data/codes/<name>.xml (<codes><code value><label
 * xml:lang/></code>...</codes>), loaded once per request; NULL with a
 * diagnostic when it is missing or malformed.
 */
static xmlNodePtr
form_codes(struct form_share *s, const char *name, struct form_diag *diag)
{
	struct buf path;
	xmlDocPtr doc, *v;
	xmlNodePtr root, c;
	size_t	 i;
	const char *id;

	for (i = 0; i < s->ncodes; i++) {
		root = xmlDocGetRootElement(s->codes[i]);
		if ((id = form_attr(root, "id")) != NULL && strcmp(id, name) == 0)
			return root;
	}
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(name))
		return NULL;
	buf_init(&path, 4096);
	buf_printf(&path, "%s/data/codes/%s.xml", s->dir, name);
	doc = access(buf_str(&path), F_OK) == 0 ?
	    form_parse(buf_str(&path), NULL, diag) : NULL;
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root != NULL && (!form_is(root, "codes") ||
	    (id = form_attr(root, "id")) == NULL || strcmp(id, name) != 0)) {
		form_diag_add(diag, buf_str(&path), xmlGetLineNo(root),
		    "a code list is <codes id=\"%s\">", name);
		root = NULL;
	}
	for (c = root ? root->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (!form_is(c, "code") ||
		    form_attr(c, "value") == NULL || *form_attr(c, "value") == '\0')) {
			form_diag_add(diag, buf_str(&path), xmlGetLineNo(c),
			    "a code list holds only <code value=\"...\">");
			root = NULL;
			break;
		}
	buf_free(&path);
	if (root == NULL ||
	    (v = reallocarray(s->codes, s->ncodes + 1, sizeof(*v))) == NULL) {
		if (doc != NULL)
			xmlFreeDoc(doc);
		return NULL;
	}
	s->codes = v;
	s->codes[s->ncodes++] = doc;
	return root;
}

/*
 * A numeric attribute within [min, max], or `dflt` when it is absent. A
 * value out of range is an error, never quietly replaced: a fee shown from
 * the file and a different fee stored would be worse than no service.
 */
static int
form_number(const char *file, xmlNodePtr n, const char *name, long min,
    long max, long dflt, long *out, struct form_diag *diag)
{
	const char *v = form_attr(n, name);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (text_to_long(v, min, max, out) == 0)
		return 0;
	form_diag_add(diag, file, xmlGetLineNo(n),
	    "%s='%s' is not a number from %ld to %ld", name, v, min, max);
	return -1;
}

/*
 * A date bound without its "field:NAME" terms (checked once all fields
 * are known) must be one when_ understands; field terms alone are fine.
 */
static int
form_date_bound_valid(const char *expr)
{
	struct buf rest;
	const char *p = expr;
	size_t	 n;
	int	 ok;

	buf_init(&rest, 1024);
	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (!(n > 6 && strncmp(p, "field:", 6) == 0))
			buf_printf(&rest, " %.*s", (int)n, p);
		p += n;
	}
	ok = !rest.failed && (strstr(expr, "field:") != NULL && rest.len == 0 ?
	    1 : when_bound_valid(buf_str(&rest)));
	buf_free(&rest);
	return ok;
}

/* Bounds of numbers and times must be comparable; dates may be relative. */
static int
form_check_bound(const char *file, struct form_field *f, const char *expr,
    struct form_diag *diag)
{
	long	 n;
	int	 m, ok;

	if (expr == NULL)
		return 0;
	/* A deadline is the last day to send: only a date field has one. */
	switch (expr == f->deadline && f->type != FORM_DATE ? FORM__TYPES :
	    f->type) {
	case FORM_DATE:
		ok = form_date_bound_valid(expr);
		break;
	case FORM_TIME:		/* HH:MM, or another time answer */
		ok = when_parse_time(expr, &m) == 0 ||
		    (strncmp(expr, "field:", 6) == 0 && expr[6] != '\0' &&
		    strchr(expr, ' ') == NULL);
		break;
	case FORM_NUMBER:
		ok = text_to_long(expr, -1000000000L, 1000000000L, &n) == 0;
		break;
	case FORM_MONEY:	/* whole cents, as in <fee cents=""> */
		ok = text_to_long(expr, -FORM_CENTS_MAX, FORM_CENTS_MAX, &n) == 0;
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "invalid bound '%s' for type %s", expr,
		    form_type_names[f->type]);
		return -1;
	}
	return 0;
}

/* min after max, where both are absolute and so comparable at lint time. */
static int
form_check_order(const char *file, struct form_field *f,
    struct form_diag *diag)
{
	struct when_date a, b;
	long	 x, y;
	int	 p, q, after = 0;

	if (f->min == NULL || f->max == NULL)
		return 0;
	if ((f->type == FORM_NUMBER || f->type == FORM_MONEY) &&
	    text_to_long(f->min, -1000000000L, 1000000000L, &x) == 0 &&
	    text_to_long(f->max, -1000000000L, 1000000000L, &y) == 0)
		after = x > y;
	else if (f->type == FORM_TIME && when_parse_time(f->min, &p) == 0 &&
	    when_parse_time(f->max, &q) == 0)
		after = p > q;
	else if (f->type == FORM_DATE && when_parse_date(f->min, &a) == 0 &&
	    when_parse_date(f->max, &b) == 0)
		after = when_cmp(&a, &b) > 0;
	if (after) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "min is after max in field '%s'", f->name);
		return -1;
	}
	return 0;
}

static xmlRegexpPtr
form_regexp(const char *file, xmlNodePtr n, const char *re,
    struct form_diag *diag)
{
	xmlRegexpPtr p;
	char	 reason[128] = "";

	xmlSetStructuredErrorFunc(reason, form_regexp_error);
	p = xmlRegexpCompile((const xmlChar *)re);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (p == NULL)
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "invalid pattern '%s': %s", re,
		    *reason ? reason : "does not compile");
	return p;
}

/*
 * accept= and max-size= of a file field; a file field takes no rule made
 * for text, and the file attributes stand on file fields only.
 */
static int
form_file_rules(const char *file, struct form_field *f,
    struct form_diag *diag)
{
	static const char *const text_rules[] = { "minlength", "maxlength",
	    "min", "max", "deadline", "pattern", "warn-pattern", "codes" };
	static const char *const kinds[] = { "pdf", "jpeg", "png" };
	const char *v;
	size_t	 i, n;
	unsigned bit;
	int	 rc = 0;

	if (f->type != FORM_FILE) {
		for (i = 0; i < 2; i++)
			if (form_attr(f->node, i ? "max-size" : "accept") != NULL) {
				form_diag_add(diag, file, xmlGetLineNo(f->node),
				    "%s= belongs on a file field, not '%s'",
				    i ? "max-size" : "accept", f->name);
				rc = -1;
			}
		return rc;
	}
	for (i = 0; i < sizeof(text_rules) / sizeof(text_rules[0]); i++)
		if (form_attr(f->node, text_rules[i]) != NULL) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "file field '%s' cannot carry %s=", f->name,
			    text_rules[i]);
			rc = -1;
		}
	if (form_number(file, f->node, "max-size", 1, FORM_FILE_KIB_MAX,
	    FORM_FILE_KIB_MAX, &f->max_kib, diag) == -1)
		rc = -1;
	if ((v = form_attr(f->node, "accept")) == NULL) {
		f->accept = FORM_ACCEPT_ALL;
		return rc;
	}
	/* The schema allows only the three names, separated by spaces. */
	for (; *(v += strspn(v, " ")) != '\0'; v += n) {
		n = strcspn(v, " ");
		for (i = 0, bit = 0; i < 3; i++)
			if (strlen(kinds[i]) == n && strncmp(v, kinds[i], n) == 0)
				bit = 1u << i;
		if (f->accept & bit) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "accept= names '%.*s' twice", (int)n, v);
			rc = -1;
		}
		f->accept |= bit;
	}
	return rc;
}

/*
 * A slot field books a time of its calendar (calendar=, a file of the
 * town's calendars/ directory); the rules of text fields mean nothing to
 * it. calendar= on another field is a mistake.
 */
static int
form_slot_rules(const struct form_share *s, const char *file,
    struct form_field *f, struct form_diag *diag)
{
	static const char *const text_rules[] = { "minlength", "maxlength",
	    "min", "max", "deadline", "pattern", "warn-pattern", "codes",
	    "prefill", "autocomplete" };
	struct buf path;
	size_t	 i;
	int	 rc = 0;

	f->calendar = form_attr(f->node, "calendar");
	if (f->type != FORM_SLOT) {
		if (f->calendar == NULL)
			return 0;
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "calendar= belongs on a slot field, not '%s'", f->name);
		return -1;
	}
	for (i = 0; i < sizeof(text_rules) / sizeof(text_rules[0]); i++)
		if (form_attr(f->node, text_rules[i]) != NULL) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "slot field '%s' cannot carry %s=", f->name,
			    text_rules[i]);
			rc = -1;
		}
	if (f->calendar == NULL) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "slot field '%s' needs calendar=", f->name);
		return -1;
	}
	buf_init(&path, 4096);
	buf_printf(&path, "%s/calendars/%s.xml", s->site != NULL ? s->site :
	    s->dir, f->calendar);
	if (path.failed || access(buf_str(&path), R_OK) != 0) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "slot field '%s': no calendar '%s' (calendars/%s.xml)",
		    f->name, f->calendar, f->calendar);
		rc = -1;
	}
	buf_free(&path);
	return rc;
}

/*
 * prefill="given_name": the account's attribute fills the field. Only
 * into a field that can hold it: a birth date into a date field, an
 * e-mail address into an e-mail field, a postcode into a postcode or
 * text field, names, street and town into text fields.
 */
static int
form_prefill(const char *file, struct form_field *f, struct form_diag *diag)
{
	const char *v = form_attr(f->node, "prefill");
	int	 a, ok;

	f->prefill = -1;
	if (v == NULL)
		return 0;
	if ((a = identity_attr_parse(v)) < 0) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "prefill='%s' is not an attribute of the account", v);
		return -1;
	}
	switch (a) {
	case IDENTITY_BIRTH_DATE:
		ok = f->type == FORM_DATE;
		break;
	case IDENTITY_EMAIL:
		ok = f->type == FORM_EMAIL;
		break;
	case IDENTITY_POSTCODE:
		ok = f->type == FORM_POSTCODE || f->type == FORM_TEXT;
		break;
	default:
		ok = f->type == FORM_TEXT || f->type == FORM_TEXTAREA;
		break;
	}
	if (!ok) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "prefill='%s' cannot fill %s field '%s'", v,
		    form_type_names[f->type], f->name);
		return -1;
	}
	f->prefill = a;
	return 0;
}

/*
 * autocomplete="...": the purpose of a field (WCAG 1.3.5), as an HTML
 * autofill detail list: [section-NAME] [shipping|billing]
 * [home|work|mobile|fax|pager] TOKEN, or "on" / "off" alone. The schema
 * checks the shape (lower-case words, one space apart); this the words:
 * each must be one HTML knows, and TOKEN must fit the field's type (an
 * e-mail address into an e-mail field, a birth date into a date field).
 * Payment-card and account tokens are left out: no town form asks them.
 */
#define FORM_T(t)	(1u << (t))
#define FORM_T_TEXT	(FORM_T(FORM_TEXT) | FORM_T(FORM_TEXTAREA) | \
			 FORM_T(FORM_SELECT))

static const struct form_autofill {
	const char	*token;
	unsigned	 types;		/* FORM_T() of the types it fits */
	int		 contact;	/* may follow home, work, ... */
} form_autofill[] = {
	{ "name", FORM_T_TEXT, 0 },
	{ "honorific-prefix", FORM_T_TEXT, 0 },
	{ "given-name", FORM_T_TEXT, 0 },
	{ "additional-name", FORM_T_TEXT, 0 },
	{ "family-name", FORM_T_TEXT, 0 },
	{ "honorific-suffix", FORM_T_TEXT, 0 },
	{ "nickname", FORM_T_TEXT, 0 },
	{ "organization-title", FORM_T_TEXT, 0 },
	{ "organization", FORM_T_TEXT, 0 },
	{ "street-address", FORM_T(FORM_TEXTAREA), 0 },
	{ "address-line1", FORM_T_TEXT, 0 },
	{ "address-line2", FORM_T_TEXT, 0 },
	{ "address-line3", FORM_T_TEXT, 0 },
	{ "address-level4", FORM_T_TEXT, 0 },
	{ "address-level3", FORM_T_TEXT, 0 },
	{ "address-level2", FORM_T_TEXT, 0 },
	{ "address-level1", FORM_T_TEXT, 0 },
	{ "country", FORM_T_TEXT, 0 },
	{ "country-name", FORM_T_TEXT, 0 },
	{ "postal-code", FORM_T_TEXT | FORM_T(FORM_POSTCODE), 0 },
	{ "language", FORM_T_TEXT, 0 },
	{ "sex", FORM_T_TEXT, 0 },
	{ "bday", FORM_T(FORM_DATE), 0 },
	{ "bday-day", FORM_T(FORM_NUMBER) | FORM_T(FORM_SELECT), 0 },
	{ "bday-month", FORM_T(FORM_NUMBER) | FORM_T(FORM_SELECT), 0 },
	{ "bday-year", FORM_T(FORM_NUMBER) | FORM_T(FORM_SELECT), 0 },
	{ "email", FORM_T(FORM_EMAIL), 1 },
	{ "tel", FORM_T(FORM_TEL), 1 },
	{ "tel-country-code", FORM_T(FORM_TEL), 1 },
	{ "tel-national", FORM_T(FORM_TEL), 1 },
	{ "tel-area-code", FORM_T(FORM_TEL), 1 },
	{ "tel-local", FORM_T(FORM_TEL), 1 },
	{ "tel-extension", FORM_T(FORM_TEL), 1 },
};

/* The types rendered as a choice of the citizen's own: no autofill. */
#define FORM_T_NO_AUTOFILL	(FORM_T(FORM_RADIO) | FORM_T(FORM_CHECKBOX) | \
				 FORM_T(FORM_MULTISELECT) | FORM_T(FORM_FILE))

static int
form_word(const char *w, size_t n, const char *word)
{
	return strlen(word) == n && strncmp(w, word, n) == 0;
}

static int
form_autocomplete(const char *file, struct form_field *f,
    struct form_diag *diag)
{
	static const char *const contacts[] = {
		"home", "work", "mobile", "fax", "pager"
	};
	const struct form_autofill *a;
	const char *v = form_attr(f->node, "autocomplete"), *w;
	size_t	 n, i;
	int	 stage = 0, found;	/* 0 section, 1 mode, 2 contact, 3 name, 4 done */
	int	 contact = 0, onoff = 0, shape = 1;

	if (v == NULL)
		return 0;
	if (FORM_T(f->type) & FORM_T_NO_AUTOFILL) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "%s field '%s' cannot carry autocomplete=",
		    form_type_names[f->type], f->name);
		return -1;
	}
	a = NULL;
	for (w = v; *(w += strspn(w, " ")) != '\0'; w += n) {
		n = strcspn(w, " ");
		if (n > 8 && strncmp(w, "section-", 8) == 0) {
			shape &= stage == 0;
			stage = 1;
			continue;
		}
		if (form_word(w, n, "shipping") || form_word(w, n, "billing")) {
			shape &= stage <= 1;
			stage = 2;
			continue;
		}
		for (i = 0, found = 0; i < sizeof(contacts) /
		    sizeof(contacts[0]); i++)
			found |= form_word(w, n, contacts[i]);
		if (found) {
			shape &= stage <= 2;
			stage = 3;
			contact = 1;
			continue;
		}
		if (form_word(w, n, "on") || form_word(w, n, "off")) {
			shape &= stage == 0;
			stage = 4;
			onoff = 1;
			continue;
		}
		for (i = 0, found = 0; i < sizeof(form_autofill) /
		    sizeof(form_autofill[0]); i++)
			if (form_word(w, n, form_autofill[i].token)) {
				a = &form_autofill[i];
				found = 1;
			}
		if (!found) {
			form_diag_add(diag, file, xmlGetLineNo(f->node),
			    "autocomplete= on field '%s': unknown autofill "
			    "token '%.*s'", f->name, (int)n, w);
			return -1;
		}
		shape &= stage <= 3 && (!contact || a->contact);
		stage = 4;
	}
	if (!shape || stage != 4) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "autocomplete='%s' on field '%s' is not [section-NAME] "
		    "[shipping|billing] [home|work|mobile|fax|pager] TOKEN, "
		    "or on or off alone", v, f->name);
		return -1;
	}
	if (!onoff && !(a->types & FORM_T(f->type))) {
		form_diag_add(diag, file, xmlGetLineNo(f->node),
		    "autocomplete='%s' does not fit %s field '%s'", v,
		    form_type_names[f->type], f->name);
		return -1;
	}
	return 0;
}

static int
form_field_init(struct form_share *s, const char *file, struct form_field *f,
    xmlNodePtr n, struct form_diag *diag)
{
	const char *type, *req, *pattern, *codes;
	xmlNodePtr c;
	int	 t, rc = 0, options = 0;

	memset(f, 0, sizeof(*f));
	f->node = n;
	f->prefill = -1;
	f->name = form_attr(n, "name");
	type = form_attr(n, "type");
	for (t = 0; t < FORM__TYPES; t++)
		if (type != NULL && strcmp(type, form_type_names[t]) == 0)
			break;
	if (f->name == NULL || t == FORM__TYPES)
		return -1;	/* the schema already said why */
	f->type = (enum form_type)t;
	if (form_prefill(file, f, diag) == -1)
		rc = -1;
	if (form_autocomplete(file, f, diag) == -1)
		rc = -1;
	if (form_file_rules(file, f, diag) == -1 ||
	    form_slot_rules(s, file, f, diag) == -1)
		return -1;	/* the text rules' own checks would only repeat it */
	req = form_attr(n, "required");
	f->required = req != NULL && strcmp(req, "true") == 0;
	if (form_number(file, n, "minlength", 0, FORM_LENGTH_MAX, -1,
	    &f->minlength, diag) == -1 ||
	    form_number(file, n, "maxlength", 0, FORM_LENGTH_MAX, -1,
	    &f->maxlength, diag) == -1)
		rc = -1;
	f->min = form_attr(n, "min");
	f->max = form_attr(n, "max");
	f->deadline = form_attr(n, "deadline");
	f->when = form_attr(n, "when");
	if (form_check_bound(file, f, f->min, diag) == -1 ||
	    form_check_bound(file, f, f->max, diag) == -1 ||
	    form_check_bound(file, f, f->deadline, diag) == -1)
		rc = -1;
	else if (form_check_order(file, f, diag) == -1)
		rc = -1;
	if (f->minlength >= 0 && f->maxlength >= 0 &&
	    f->minlength > f->maxlength) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "minlength is greater than maxlength in field '%s'", f->name);
		rc = -1;
	}
	if ((pattern = form_attr(n, "pattern")) != NULL &&
	    (f->pattern = form_regexp(file, n, pattern, diag)) == NULL)
		rc = -1;
	if ((pattern = form_attr(n, "warn-pattern")) != NULL) {
		if ((f->warn_pattern = form_regexp(file, n, pattern, diag)) ==
		    NULL)
			rc = -1;
		for (c = n->children; c != NULL && !form_is(c, "warning");)
			c = c->next;
		if (c == NULL) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "field '%s' has warn-pattern= but no <warning> text",
			    f->name);
			rc = -1;
		}
	}
	for (c = n->children; c != NULL; c = c->next)
		if (form_is(c, "option"))
			options++;
	if ((codes = form_attr(n, "codes")) != NULL) {
		if (f->type != FORM_SELECT && f->type != FORM_RADIO &&
		    f->type != FORM_MULTISELECT) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "codes= belongs on a select, radio or multiselect field, not '%s'",
			    f->name);
			rc = -1;
		} else if (options > 0) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "field '%s' has both <option>s and codes=", f->name);
			rc = -1;
		} else if ((f->codes = form_codes(s, codes, diag)) == NULL) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "unknown code list '%s'", codes);
			rc = -1;
		}
	} else if ((f->type == FORM_SELECT || f->type == FORM_RADIO ||
	    f->type == FORM_MULTISELECT) && options == 0) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "%s field '%s' has no options", form_type_names[f->type],
		    f->name);
		rc = -1;
	}
	return rc;
}

static void
form_field_free(struct form_field *f)
{
	if (f->pattern != NULL)
		xmlRegFreeRegexp(f->pattern);
	if (f->warn_pattern != NULL)
		xmlRegFreeRegexp(f->warn_pattern);
	f->pattern = f->warn_pattern = NULL;
}

const struct form_field *
form_slot_field(const struct form *f)
{
	size_t	 i;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FORM_SLOT)
			return &f->fields[i];
	return NULL;
}

static void
form_count(xmlNodePtr n, const char *name, size_t *count)
{
	for (; n != NULL; n = n->next) {
		if (form_is(n, name))
			(*count)++;
		else if (n->type == XML_ELEMENT_NODE)
			form_count(n->children, name, count);
	}
}

static int
form_add_field(struct form_share *s, const char *file, struct form *f,
    xmlNodePtr n, long group, struct form_diag *diag)
{
	struct form_field *fld = &f->fields[f->nfields];

	if (form_field_init(s, file, fld, n, diag) == -1) {
		form_field_free(fld);
		return -1;
	}
	fld->page = f->npages - 1;
	fld->group = group;
	f->nfields++;
	/* One appointment per submission: what is booked, cancelled and
	 * moved is the submission's. */
	if (fld->type == FORM_SLOT && form_slot_field(f) != fld) {
		form_diag_add(diag, file, xmlGetLineNo(n), "slot field '%s': "
		    "a service books one appointment, and '%s' asks for it",
		    fld->name, form_slot_field(f)->name);
		return -1;
	}
	if (fld->type == FORM_SLOT && group >= 0 && f->groups[group].repeat) {
		form_diag_add(diag, file, xmlGetLineNo(n), "slot field '%s' in "
		    "repeating group '%s': one appointment per submission, not "
		    "per row", fld->name, f->groups[group].name);
		return -1;
	}
	return 0;
}

static int
form_add_group(struct form_share *s, const char *file, struct form *f,
    xmlNodePtr n, struct form_diag *diag)
{
	struct form_group *g = &f->groups[f->ngroups];
	xmlNodePtr c;
	size_t	 i;
	int	 rc = 0;

	g->node = n;
	g->name = form_attr(n, "name");
	g->when = form_attr(n, "when");
	g->page = f->npages - 1;
	g->repeat = form_attr(n, "max") != NULL;
	if (form_number(file, n, "max", 1, FORM_ROWS_MAX, 1, &g->max,
	    diag) == -1 ||
	    form_number(file, n, "min", 0, FORM_ROWS_MAX, 1, &g->min,
	    diag) == -1)
		rc = -1;
	else if (!g->repeat && form_attr(n, "min") != NULL) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "group '%s' has min= but no max=", g->name);
		rc = -1;
	} else if (g->min > g->max) {
		form_diag_add(diag, file, xmlGetLineNo(n),
		    "group '%s': min is greater than max", g->name);
		rc = -1;
	}
	for (i = 0; i < f->ngroups; i++)
		if (strcmp(f->groups[i].name, g->name) == 0) {
			form_diag_add(diag, file, xmlGetLineNo(n),
			    "duplicate group name '%s'", g->name);
			rc = -1;
		}
	f->ngroups++;
	for (c = n->children; c != NULL; c = c->next) {
		if (!form_is(c, "field"))
			continue;
		if (form_add_field(s, file, f, c, (long)f->ngroups - 1,
		    diag) == -1)
			rc = -1;
		/* The account has one name, not one per row. */
		else if (g->repeat && f->fields[f->nfields - 1].prefill >= 0) {
			form_diag_add(diag, file, xmlGetLineNo(c),
			    "field '%s' in a repeating group cannot be prefilled",
			    f->fields[f->nfields - 1].name);
			rc = -1;
		}
		/* A file is staged once per field and form, not per row. */
		else if (g->repeat && f->fields[f->nfields - 1].type ==
		    FORM_FILE) {
			form_diag_add(diag, file, xmlGetLineNo(c),
			    "file field '%s' cannot be in a repeating group",
			    f->fields[f->nfields - 1].name);
			rc = -1;
		}
	}
	return rc;
}

/* Pages in order; on each, fields and groups of fields. */
/* Field indexes by name, then by place (qsort_r). */
static int
form_by_name(const void *a, const void *b, void *ctx)
{
	const struct form *f = ctx;
	size_t	 i = *(const size_t *)a, j = *(const size_t *)b;
	int	 c = strcmp(f->fields[i].name, f->fields[j].name);

	return c != 0 ? c : (i > j) - (i < j);
}

/*
 * The fields sorted by name for form_field's binary search: with a
 * lookup per field (conditions, code lists, answers) a linear search
 * made a 3,000-field form quadratic. A name twice is an error at its
 * second place.
 */
static int
form_index_fields(const char *file, struct form *f, struct form_diag *diag)
{
	size_t	 i;
	int	 rc = 0;

	free(f->by_name);
	if ((f->by_name = calloc(f->nfields + 1, sizeof(*f->by_name))) ==
	    NULL) {
		form_diag_add(diag, file, 0, "out of memory");
		return -1;
	}
	for (i = 0; i < f->nfields; i++)
		f->by_name[i] = i;
	qsort_r(f->by_name, f->nfields, sizeof(*f->by_name), form_by_name, f);
	for (i = 1; i < f->nfields; i++)
		if (strcmp(f->fields[f->by_name[i]].name,
		    f->fields[f->by_name[i - 1]].name) == 0) {
			form_diag_add(diag, file,
			    xmlGetLineNo(f->fields[f->by_name[i]].node),
			    "duplicate field name '%s'",
			    f->fields[f->by_name[i]].name);
			rc = -1;
		}
	return rc;
}

static int
form_collect_fields(struct form_share *s, const char *file, struct form *f,
    xmlNodePtr root, struct form_diag *diag)
{
	xmlNodePtr p, n;
	size_t	 i;
	int	 rc = 0;

	for (p = root->children; p != NULL; p = p->next) {
		if (!form_is(p, "page"))
			continue;
		f->pages[f->npages].node = p;
		f->pages[f->npages].id = form_attr(p, "id");
		f->pages[f->npages].when = form_attr(p, "when");
		for (i = 0; i < f->npages; i++)
			if (strcmp(f->pages[i].id, f->pages[f->npages].id) == 0) {
				form_diag_add(diag, file, xmlGetLineNo(p),
				    "duplicate page id '%s'", f->pages[i].id);
				rc = -1;
			}
		f->npages++;
		for (n = p->children; n != NULL; n = n->next)
			if ((form_is(n, "field") && form_add_field(s, file, f, n,
			    -1, diag) == -1) || (form_is(n, "group") &&
			    form_add_group(s, file, f, n, diag) == -1))
				rc = -1;
	}
	return form_index_fields(file, f, diag) == 0 ? rc : -1;
}

/*
 * What each kind of service needs: the schema allows every part in every
 * kind so that its messages about forms stay precise; the rest is here.
 */
static int
form_check_kind(const char *path, struct form *f, xmlNodePtr root,
    struct form_diag *diag)
{
	static const char *const kinds[FORM__KINDS] = { "form", "info", "link" };
	const char *kind = form_attr(root, "kind");
	xmlNodePtr n, fee = NULL, page = NULL, link = NULL, section = NULL,
		 retention = NULL;
	int	 k;

	for (k = 0; kind != NULL && k < FORM__KINDS; k++)
		if (strcmp(kind, kinds[k]) == 0)
			break;
	f->kind = kind == NULL ? FORM_KIND_FORM : (enum form_kind)k;
	for (n = root->children; n != NULL; n = n->next) {
		if (form_is(n, "fee") && fee == NULL)
			fee = n;
		else if (form_is(n, "page") && page == NULL)
			page = n;
		else if (form_is(n, "link") && link == NULL)
			link = n;
		else if (form_is(n, "section") && section == NULL)
			section = n;
		else if (form_is(n, "retention"))
			retention = n;
	}
	if (f->kind == FORM_KIND_FORM && fee == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "a form service needs a <fee>");
	else if (f->kind == FORM_KIND_FORM && page == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "a form service needs at least one <page>");
	else if (f->kind == FORM_KIND_FORM && (link || section))
		form_diag_add(diag, path, xmlGetLineNo(link ? link : section),
		    "<%s> belongs in an info or link service, not a form",
		    link ? "link" : "section");
	else if (f->kind != FORM_KIND_FORM && (fee || page || retention))
		form_diag_add(diag, path, xmlGetLineNo(fee ? fee : page ? page :
		    retention), "<%s> belongs in a form service only", fee ?
		    "fee" : page ? "page" : "retention");
	else if (f->kind == FORM_KIND_INFO && section == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "an info service needs at least one <section>");
	else if (f->kind == FORM_KIND_INFO && link != NULL)
		form_diag_add(diag, path, xmlGetLineNo(link),
		    "a <link> of an info service belongs in a <section>");
	else if (f->kind == FORM_KIND_LINK && link == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "a link service needs a <link>");
	else
		return 0;
	return -1;
}

/*
 * <service login="none|optional|required" level="basic|substantial|
 * high">: a level above basic means nothing without a login that is
 * required, and only a form is sent.
 */
static int
form_check_login(const char *path, struct form *f, xmlNodePtr root,
    struct form_diag *diag)
{
	const char *login = form_attr(root, "login");
	const char *level = form_attr(root, "level");
	int	 i, l;

	f->login = FORM_LOGIN_OPTIONAL;
	f->level = IDENTITY_BASIC;
	for (i = 0; login != NULL && i < FORM__LOGINS; i++)
		if (strcmp(login, form_login_names[i]) == 0)
			f->login = (enum form_login)i;
	if (level != NULL && ((l = identity_level_parse(level)) <
	    IDENTITY_BASIC || l >= IDENTITY__LEVELS)) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "level='%s' is not basic, substantial or high", level);
		return -1;
	} else if (level != NULL)
		f->level = (enum identity_level)l;
	if (f->kind != FORM_KIND_FORM && (login != NULL || level != NULL)) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "%s= belongs on a form service: nothing is sent here",
		    login != NULL ? "login" : "level");
		return -1;
	}
	if (f->level > IDENTITY_BASIC && f->login != FORM_LOGIN_REQUIRED) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "level='%s' needs login=\"required\"",
		    identity_level_names[f->level]);
		return -1;
	}
	return 0;
}

/* A service that never uses the account has nothing to prefill from. */
static int
form_check_prefill(const struct form *f, const char *path,
    struct form_diag *diag)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; f->login == FORM_LOGIN_NONE && i < f->nfields; i++)
		if (f->fields[i].prefill >= 0) {
			form_diag_add(diag, path, xmlGetLineNo(f->fields[i].node),
			    "field '%s' has prefill= but the service has "
			    "login=\"none\"", f->fields[i].name);
			rc = -1;
		}
	return rc;
}

/* <at-least-one fields="..."/> names fields of the form. */
static int
form_check_at_least_one(const struct form *f, const char *path,
    struct form_diag *diag)
{
	xmlNodePtr n;
	const char *p;
	char	 name[128];
	size_t	 len;
	int	 rc = 0;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL; n = n->next) {
		if (!form_is(n, "at-least-one") ||
		    (p = form_attr(n, "fields")) == NULL)
			continue;
		for (; *(p += strspn(p, " \t\n")) != '\0'; p += len) {
			len = strcspn(p, " \t\n");
			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			if (form_field(f, name) == NULL) {
				form_diag_add(diag, path, xmlGetLineNo(n),
				    "at-least-one names unknown field '%s'", name);
				rc = -1;
			} else if (form_named_field(f, path, n, name, diag) ==
			    NULL)
				rc = -1;
		}
	}
	return rc;
}

/* "field:NAME" in a date or time bound names another field of that type. */
static int
form_check_field_bounds(const struct form *f, const char *path,
    struct form_diag *diag)
{
	const struct form_field *fld, *dep;
	const char *exprs[3], *p;
	char	 name[128];
	size_t	 i, k, n;
	int	 rc = 0;

	for (i = 0; i < f->nfields; i++) {
		fld = &f->fields[i];
		exprs[0] = fld->min;
		exprs[1] = fld->max;
		exprs[2] = fld->deadline;
		for (k = 0; k < 3; k++)
			for (p = exprs[k]; p != NULL &&
			    *(p += strspn(p, " ")) != '\0'; p += n) {
				n = strcspn(p, " ");
				if (n <= 6 || strncmp(p, "field:", 6) != 0)
					continue;
				snprintf(name, sizeof(name), "%.*s", (int)(n - 6),
				    p + 6);
				dep = form_field(f, name);
				if (dep != NULL && form_named_field(f, path,
				    fld->node, name, diag) == NULL) {
					rc = -1;
					continue;
				}
				if (dep == NULL || dep == fld ||
				    dep->type != fld->type) {
					form_diag_add(diag, path,
					    xmlGetLineNo(fld->node),
					    "bound refers to '%s', which is not "
					    "another %s field", name,
					    form_type_names[fld->type]);
					rc = -1;
				}
			}
	}
	return rc;
}

/*
 * A field another rule names by its name (a condition, a bound, a fee
 * rule, at-least-one) must exist once: not as rows of a repeating group.
 */
const struct form_field *
form_named_field(const struct form *f, const char *path, xmlNodePtr at,
    const char *name, struct form_diag *diag)
{
	const struct form_field *fld = form_field(f, name);

	if (fld != NULL && fld->group >= 0 && f->groups[fld->group].repeat) {
		form_diag_add(diag, path, xmlGetLineNo(at),
		    "'%s' is in a repeating group and cannot be named here",
		    name);
		return NULL;
	}
	return fld;
}

/*
 * Every term of a when="field=value ..." names another field with choices
 * and one of its answers: a condition that can never be true is an error.
 * A condition of a page or group must not name its own questions, and
 * nothing may wait for a question on a later page (`later`: the page of
 * what has the condition).
 */
static int
form_check_when(const struct form *f, const char *path, xmlNodePtr at,
    const char *when, const struct form_field *self, long group, long page,
    size_t later, struct form_diag *diag)
{
	const struct form_field *dep;
	const char *p, *eq;
	char	 name[128], value[256];
	size_t	 n;
	int	 rc = 0;

	for (p = when; p != NULL && *(p += strspn(p, " ")) != '\0'; p += n) {
		n = strcspn(p, " ");
		eq = memchr(p, '=', n);
		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof(name) ||
		    n - (size_t)(eq - p) - 1 >= sizeof(value)) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition '%.*s' is not field=value", (int)n, p);
			rc = -1;
			continue;
		}
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		memcpy(value, eq + 1, n - (size_t)(eq - p) - 1);
		value[n - (size_t)(eq - p) - 1] = '\0';
		if ((dep = form_field(f, name)) == NULL) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition refers to unknown field '%s'", name);
			rc = -1;
		} else if (form_named_field(f, path, at, name, diag) == NULL)
			rc = -1;
		else if (dep == self) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "field '%s' depends on itself", name);
			rc = -1;
		} else if ((group >= 0 && dep->group == group) ||
		    (page >= 0 && dep->page == (size_t)page)) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "%s '%s' depends on its own field '%s'",
			    group >= 0 ? "group" : "page",
			    form_attr(at, group >= 0 ? "name" : "id"), name);
			rc = -1;
		} else if (dep->page > later) {
			/* Asked before its answer: it would fail only at the end. */
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition refers to '%s' on a later page", name);
			rc = -1;
		} else if (dep->type != FORM_SELECT &&
		    dep->type != FORM_RADIO && dep->type != FORM_CHECKBOX) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition needs a choice field, not '%s'", name);
			rc = -1;
		} else if (dep->type == FORM_CHECKBOX ?
		    strcmp(value, "yes") != 0 : !form_has_option(dep, value)) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition can never be true: field '%s' has no "
			    "option '%s'", name, value);
			rc = -1;
		}
	}
	return rc;
}

/*
 * Depth-first through what each field waits for: its own condition and
 * those of its group and page. `state`: 0 not seen, 1 on the path now,
 * 2 done. A field met again while on the path closes a circle, reported
 * once, from the field where it starts.
 */
static int
form_cycle_from(const struct form *f, size_t i, unsigned char *state,
    size_t *path, size_t depth, const char *file, struct form_diag *diag)
{
	const struct form_field *fld = &f->fields[i], *dep;
	const char *when[3], *p;
	char	 name[128];
	struct buf msg;
	size_t	 k, n, at, j;
	int	 rc = 0;

	state[i] = 1;
	path[depth] = i;
	when[0] = fld->when;
	when[1] = fld->group >= 0 ? f->groups[fld->group].when : NULL;
	when[2] = f->pages[fld->page].when;
	for (k = 0; k < 3 && rc == 0; k++)
		for (p = when[k]; rc == 0 && p != NULL &&
		    *(p += strspn(p, " ")) != '\0'; p += n) {
			n = strcspn(p, " ");
			snprintf(name, sizeof(name), "%.*s",
			    (int)strcspn(p, "= "), p);
			if ((dep = form_field(f, name)) == NULL)
				continue;
			j = (size_t)(dep - f->fields);
			if (state[j] == 0)
				rc = form_cycle_from(f, j, state, path,
				    depth + 1, file, diag);
			else if (state[j] == 1) {
				for (at = 0; path[at] != j; at++)
					;
				buf_init(&msg, 4096);
				for (; at <= depth; at++)
					buf_printf(&msg, "%s -> ",
					    f->fields[path[at]].name);
				form_diag_add(diag, file, xmlGetLineNo(dep->node),
				    "conditions wait for each other in a circle: "
				    "%s%s", buf_str(&msg), dep->name);
				buf_free(&msg);
				rc = -1;
			}
		}
	state[i] = 2;
	return rc;
}

/* Whether a question is asked must not depend, at last, on itself. */
static int
form_check_cycles(const struct form *f, const char *path,
    struct form_diag *diag)
{
	unsigned char *state;
	size_t	*stack, i;
	int	 rc = 0;

	state = calloc(f->nfields + 1, sizeof(*state));
	stack = calloc(f->nfields + 1, sizeof(*stack));
	if (state == NULL || stack == NULL) {
		free(state);
		free(stack);
		return -1;
	}
	for (i = 0; i < f->nfields; i++)
		if (state[i] == 0 && form_cycle_from(f, i, state, stack, 0,
		    path, diag) == -1)
			rc = -1;
	free(state);
	free(stack);
	return rc;
}

static int
form_check_conditions(const struct form *f, const char *path,
    struct form_diag *diag)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < f->nfields; i++)
		if (form_check_when(f, path, f->fields[i].node,
		    f->fields[i].when, &f->fields[i], -1, -1, f->fields[i].page,
		    diag) == -1)
			rc = -1;
	for (i = 0; i < f->ngroups; i++)
		if (form_check_when(f, path, f->groups[i].node,
		    f->groups[i].when, NULL, (long)i, -1, f->groups[i].page,
		    diag) == -1)
			rc = -1;
	for (i = 0; i < f->npages; i++)
		if (form_check_when(f, path, f->pages[i].node,
		    f->pages[i].when, NULL, -1, (long)i, i, diag) == -1)
			rc = -1;
	return rc;
}

/*
 * A pattern runs over the whole answer, and libxml2's matcher
 * backtracks: a field with pattern= or warn-pattern= needs maxlength=
 * (checked before any pattern, so that bounds what a pattern is run on),
 * and the pattern must not be one that takes very long on a long answer
 * (pattern_check). Like the schema, once per change of the file (the
 * known-good cache) and by the linter; not for a stored definition,
 * which is shown, never used to check answers.
 */
static int
form_check_patterns(const struct form *f, const char *path,
    struct form_diag *diag)
{
	static const char *const attrs[] = { "pattern", "warn-pattern" };
	const struct form_field *fld;
	const char *re;
	char	 why[256];
	size_t	 i, a;
	int	 rc = 0;

	for (i = 0; i < f->nfields; i++)
		for (a = 0; a < 2; a++) {
			fld = &f->fields[i];
			if ((re = form_attr(fld->node, attrs[a])) == NULL)
				continue;
			if (fld->maxlength < 0) {
				form_diag_add(diag, path, xmlGetLineNo(fld->node),
				    "field '%s' has %s= but no maxlength=",
				    fld->name, attrs[a]);
				rc = -1;
			}
			switch (pattern_check(re, fld->maxlength, why,
			    sizeof(why))) {
			case PATTERN_OK:
				break;
			case PATTERN_SLOW:
				form_diag_add(diag, path, xmlGetLineNo(fld->node),
				    "%s '%s' can take very long on a long answer: "
				    "%s", attrs[a], re, why);
				rc = -1;
				break;
			case PATTERN_COMPLEX:
				form_diag_add(diag, path, xmlGetLineNo(fld->node),
				    "%s '%s' is too complex to check how long it "
				    "can take", attrs[a], re);
				rc = -1;
				break;
			}
		}
	return rc;
}

/* forms/osterfeuer.xml must say id="osterfeuer": URLs come from file names. */
static int
form_id_matches_file(const char *id, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t	 n;

	base = base ? base + 1 : path;
	n = strlen(base);
	return id != NULL && n > 4 && strcmp(base + n - 4, ".xml") == 0 &&
	    strlen(id) == n - 4 && strncmp(base, id, n - 4) == 0;
}

/*
 * What the schema cannot check, and the tables the engine works with. A
 * definition stored with a submission (`stored`) was checked when it was
 * used; its file name and its clerk may be gone since.
 */
static int
form_setup(struct form *f, struct form_share *s, const char *path,
    int stored, struct form_diag *diag)
{
	xmlNodePtr root = xmlDocGetRootElement(f->doc), n;
	size_t	 nfields = 0, ngroups = 0, npages = 0;
	long	 cents;

	if (root == NULL)
		return -1;
	f->id = form_attr(root, "id");
	f->category = form_attr(root, "category");
	if (form_number(path, root, "version", 1, 1000000000L, 1, &f->version,
	    diag) == -1)
		return -1;
	for (n = root->children; n != NULL; n = n->next) {
		if (form_is(n, "clerk"))
			f->clerk = form_attr(n, "ref");
		else if (form_is(n, "fee") && form_number(path, n, "cents", 0,
		    FORM_CENTS_MAX, 0, &cents, diag) == -1)
			return -1;
		else if (form_is(n, "retention") && form_number(path, n,
		    "days", 1, FORM_RETENTION_MAX, 0, &f->retention_days,
		    diag) == -1)
			return -1;
	}
	if (!stored && form_id_matches_file(f->id, path) == 0) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "service id '%s' does not match the file name", f->id);
		return -1;
	}
	if (form_check_kind(path, f, root, diag) == -1 ||
	    form_check_login(path, f, root, diag) == -1)
		return -1;
	if (!stored && form_clerk(s, f->clerk) == NULL) {
		for (n = root->children; n != NULL && !form_is(n, "clerk");)
			n = n->next;
		form_diag_add(diag, path, n ? xmlGetLineNo(n) : 0,
		    "unknown clerk '%s'", f->clerk ? f->clerk : "");
		return -1;
	}
	form_count(root->children, "field", &nfields);
	form_count(root->children, "group", &ngroups);
	form_count(root->children, "page", &npages);
	if ((f->fields = calloc(nfields + 1, sizeof(*f->fields))) == NULL ||
	    (f->groups = calloc(ngroups + 1, sizeof(*f->groups))) == NULL ||
	    (f->pages = calloc(npages + 1, sizeof(*f->pages))) == NULL)
		return -1;
	if (form_collect_fields(s, path, f, root, diag) == -1 ||
	    form_check_conditions(f, path, diag) == -1 ||
	    form_check_field_bounds(f, path, diag) == -1 ||
	    form_check_at_least_one(f, path, diag) == -1 ||
	    form_check_prefill(f, path, diag) == -1 ||
	    fee_check(f, path, diag) == -1)
		return -1;
	return 0;
}

int
form_load(struct form *f, struct form_share *s, const char *path,
    struct form_diag *diag)
{
	struct form_xml_errors e = { diag, path, "schema: " };
	xmlRelaxNGValidCtxtPtr vctx;
	xmlRelaxNGPtr schema;
	struct buf line;
	int	 valid, have_line, known;

	memset(f, 0, sizeof(*f));
	buf_init(&line, 8192);
	have_line = s->cache != NULL && form_cache_line(s, path, &line) == 0;
	known = have_line && strstr(buf_str(&s->known), buf_str(&line)) != NULL;
	if ((f->doc = form_parse(path, NULL, diag)) == NULL)
		goto fail;
	if (!known) {
		if ((schema = form_schema(s, diag)) == NULL ||
		    (vctx = xmlRelaxNGNewValidCtxt(schema)) == NULL)
			goto fail;
		xmlRelaxNGSetValidStructuredErrors(vctx, form_xml_error, &e);
		valid = xmlRelaxNGValidateDoc(vctx, f->doc);
		xmlRelaxNGFreeValidCtxt(vctx);
		if (valid != 0)
			goto fail;
	}
	/* What the linter added since definitions were stored: checked once
	 * per change of the file, never for a stored one. */
	if (form_setup(f, s, path, 0, diag) == -1 || (!known &&
	    (form_check_cycles(f, path, diag) == -1 ||
	    form_check_patterns(f, path, diag) == -1)))
		goto fail;
	if (have_line && !known)
		form_cache_add(s, &line);
	buf_free(&line);
	return 0;
fail:
	buf_free(&line);
	form_free(f);
	return -1;
}

/*
 * The definition a submission was made with, as stored with it: the
 * receipt, the status page and the back office show its answers with the
 * questions they answered, whatever the file says today.
 */
int
form_load_stored(struct form *f, struct form_share *s, const char *xml,
    struct form_diag *diag)
{
	memset(f, 0, sizeof(*f));
	f->doc = form_parse("stored.xml", xml, diag);
	if (f->doc == NULL || form_setup(f, s, "stored.xml", 1, diag) == -1) {
		form_free(f);
		return -1;
	}
	return 0;
}

/* The definition as text, to store with a submission; free() it. */
char *
form_text(const struct form *f)
{
	xmlChar	*xml = NULL;
	char	*out;
	int	 len = 0;

	xmlDocDumpMemoryEnc(f->doc, &xml, &len, "UTF-8");
	if (xml == NULL)
		return NULL;
	out = strdup((const char *)xml);
	xmlFree(xml);
	return out;
}

/* Load the site's forms/<id>.xml; the id was checked by the router ([a-z0-9-]). */
int
form_load_id(struct form *f, struct form_share *s, const char *id,
    struct form_diag *diag)
{
	struct buf path;
	int	 rc;

	memset(f, 0, sizeof(*f));
	if (s->site == NULL)	/* no town: no services */
		return -1;
	buf_init(&path, 4096);
	/* No such service is the citizen's typo, not the admin's problem:
	 * say nothing, or anyone could fill the error log. */
	if (buf_printf(&path, "%s/forms/%s.xml", s->site, id) == -1 ||
	    access(buf_str(&path), F_OK) != 0) {
		buf_free(&path);
		return -1;
	}
	rc = form_load(f, s, buf_str(&path), diag);
	buf_free(&path);
	return rc;
}

static int
form_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
form_is_definition(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	    strcmp(d->d_name + n - 4, ".xml") == 0;
}

/* Every loadable definition in file-name order; broken ones are skipped. */
int
form_catalog(struct form_share *s, struct form **out, size_t *nout,
    struct form_diag *diag)
{
	struct dirent **names = NULL;
	struct form *forms = NULL;
	struct buf dir;
	char	 id[256];
	size_t	 n = 0;
	int	 count, i;

	*out = NULL;
	*nout = 0;
	if (s->site == NULL)	/* no town: no services */
		return 0;
	buf_init(&dir, 4096);
	buf_printf(&dir, "%s/forms", s->site);
	count = scandir(buf_str(&dir), &names, form_is_definition, form_name_cmp);
	buf_free(&dir);
	/* A town without forms/ offers nothing yet (rathaus lint says so). */
	if (count < 0)
		return errno == ENOENT ? 0 : -1;
	if (count > 0 && (forms = calloc((size_t)count, sizeof(*forms))) == NULL) {
		for (i = 0; i < count; i++)
			free(names[i]);
		free(names);
		return -1;
	}
	for (i = 0; i < count; i++) {
		size_t len = strlen(names[i]->d_name) - 4;
		if (len < sizeof(id)) {
			memcpy(id, names[i]->d_name, len);
			id[len] = '\0';
			if (form_load_id(&forms[n], s, id, diag) == 0)
				n++;
		}
		free(names[i]);
	}
	free(names);
	*out = forms;
	*nout = n;
	return 0;
}

/* The xml:lang of an element itself (not inherited), without copying. */
static int
form_attr_lang(xmlNodePtr n, const char **lang)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL && xmlStrEqual(a->ns->href, XML_XML_NAMESPACE) &&
		    xmlStrEqual(a->name, (const xmlChar *)"lang") &&
		    a->children != NULL && a->children->content != NULL) {
			*lang = (const char *)a->children->content;
			return 0;
		}
	return -1;
}

/*
 * The portal speaks German and English: every text a citizen reads in
 * German (a label, a hint, a title, a note) should have its English
 * counterpart beside it, or English pages show German there. Counted per
 * element name under each parent, as texts come one per language (or, for
 * documents and notes, as many in each). Keywords are not translations.
 * A warning: German stands in, the form works.
 */
static void
form_lint_english(xmlNodePtr parent, const char *path, struct form_diag *diag)
{
	xmlNodePtr c, d;
	const char *lang;
	int	 de, en, seen;

	for (c = parent->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		form_lint_english(c, path, diag);
		if (form_attr_lang(c, &lang) != 0 || strcmp(lang, "de") != 0 ||
		    form_is(c, "keyword"))
			continue;
		/* Once per name: at its first German text. */
		for (seen = 0, d = parent->children; d != c; d = d->next)
			if (d->type == XML_ELEMENT_NODE &&
			    xmlStrEqual(d->name, c->name) &&
			    form_attr_lang(d, &lang) == 0 &&
			    strcmp(lang, "de") == 0)
				seen = 1;
		if (seen)
			continue;
		for (de = en = 0, d = parent->children; d != NULL; d = d->next)
			if (d->type == XML_ELEMENT_NODE &&
			    xmlStrEqual(d->name, c->name) &&
			    form_attr_lang(d, &lang) == 0) {
				de += strcmp(lang, "de") == 0;
				en += strcmp(lang, "en") == 0;
			}
		if (en < de)
			form_diag_warn(diag, path, xmlGetLineNo(c),
			    "no English text for this <%s>", (const char *)c->name);
	}
}

/*
 * What the portal survives but an administrator should fix, checked by
 * `rathaus lint` only: a service in no category of data/categories.xml
 * is still shown, last, under its category id. A form that says nothing
 * of retention keeps personal data until someone deletes it by hand.
 */
int
form_lint(const struct form_share *s, const struct form *f, const char *path,
    struct form_diag *diag)
{
	xmlNodePtr root = xmlDocGetRootElement(f->doc);

	form_lint_english(root, path, diag);
	/* Every answer given so far rides along on each POST (hidden
	 * inputs), and a request holds at most fields_max values, a few
	 * of them the form's own controls. */
	if (f->nfields + FORM_CONTROLS_MAX > req_default_limits.fields_max)
		form_diag_warn(diag, path, xmlGetLineNo(root),
		    "%zu questions, more than the %zu answers one request "
		    "carries (a POST carries every answer given so far): a "
		    "citizen who answers them all cannot send the form; split "
		    "it into several services", f->nfields,
		    req_default_limits.fields_max - FORM_CONTROLS_MAX);
	if (f->kind == FORM_KIND_FORM && f->retention_days == 0)
		form_diag_warn(diag, path, xmlGetLineNo(root),
		    "no <retention>: submissions are kept until deleted by hand");
	if (form_category(s, f->category) != NULL)
		return 0;
	form_diag_add(diag, path, xmlGetLineNo(root),
	    "unknown category '%s'", f->category ? f->category : "");
	return -1;
}

void
form_catalog_free(struct form *forms, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		form_free(&forms[i]);
	free(forms);
}

void
form_free(struct form *f)
{
	size_t	 i;

	if (f->borrowed) {
		memset(f, 0, sizeof(*f));
		return;
	}
	for (i = 0; i < f->nfields; i++)
		form_field_free(&f->fields[i]);
	free(f->fields);
	free(f->by_name);
	free(f->groups);
	free(f->pages);
	if (f->doc != NULL)
		xmlFreeDoc(f->doc);
	memset(f, 0, sizeof(*f));
}

const struct form_field *
form_field(const struct form *f, const char *name)
{
	size_t	 lo = 0, hi = f->nfields, mid;
	int	 c;

	if (f->by_name == NULL)		/* while loading */
		for (lo = 0; lo < f->nfields; lo++)
			if (strcmp(f->fields[lo].name, name) == 0)
				return &f->fields[lo];
	while (f->by_name != NULL && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(f->fields[f->by_name[mid]].name, name)) == 0)
			return &f->fields[f->by_name[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The <option> or code-list <code> of a choice field with this value. */
xmlNodePtr
form_option(const struct form_field *f, const char *value)
{
	xmlNodePtr c;
	const char *v;

	for (c = f->node->children; c != NULL; c = c->next)
		if (form_is(c, "option") && (v = form_attr(c, "value")) != NULL &&
		    strcmp(v, value) == 0)
			return c;
	for (c = f->codes ? f->codes->children : NULL; c != NULL; c = c->next)
		if (form_is(c, "code") && (v = form_attr(c, "value")) != NULL &&
		    strcmp(v, value) == 0)
			return c;
	return NULL;
}

int
form_has_option(const struct form_field *f, const char *value)
{
	return form_option(f, value) != NULL;
}
