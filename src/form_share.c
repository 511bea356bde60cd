/*
 * The form module's diagnostics and what every definition is checked
 * against: the shared site files, code lists and the known-good cache.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "form.h"
#include "form_int.h"
#include "stamp.h"
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

/*
 * Everything the loader reads goes through here: a file (`xml` NULL) or
 * a stored text named `path`; never the network, never a DOCTYPE.
 */
xmlDocPtr
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

/* The first child <elem attr="value"> of `parent` (NULL: none), or NULL. */
xmlNodePtr
form_child(xmlNodePtr parent, const char *elem, const char *attr,
    const char *value)
{
	xmlNodePtr n;
	const char *v;

	if (parent == NULL || value == NULL)
		return NULL;
	for (n = parent->children; n != NULL; n = n->next)
		if (form_is(n, elem) && (v = form_attr(n, attr)) != NULL &&
		    strcmp(v, value) == 0)
			return n;
	return NULL;
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
 * The verdict of the schema at `rng` on `doc` (read from `path`): 0
 * valid, -1 with the reasons in diag, never without one.
 */
int
form_validate_doc(const char *path, const char *rng, xmlDocPtr doc,
    struct form_diag *diag)
{
	struct form_xml_errors e = { diag, rng, "schema: " };
	xmlRelaxNGParserCtxtPtr pctx = NULL;
	xmlRelaxNGValidCtxtPtr vctx = NULL;
	xmlRelaxNGPtr schema = NULL;
	int	 rc = -1, before = diag->errors;

	xmlSetStructuredErrorFunc(&e, form_xml_error);
	if ((pctx = xmlRelaxNGNewParserCtxt(rng)) != NULL)
		schema = xmlRelaxNGParse(pctx);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (schema == NULL) {
		form_diag_add(diag, rng, 0, "cannot load schema");
		goto out;
	}
	if ((vctx = xmlRelaxNGNewValidCtxt(schema)) == NULL) {
		form_diag_add(diag, path, 0, "out of memory");
		goto out;
	}
	e.file = path;
	xmlRelaxNGSetValidStructuredErrors(vctx, form_xml_error, &e);
	if ((rc = xmlRelaxNGValidateDoc(vctx, doc) == 0 ? 0 : -1) == -1 &&
	    diag->errors == before)
		form_diag_add(diag, path, 0, "schema: not valid");
out:
	if (vctx != NULL)
		xmlRelaxNGFreeValidCtxt(vctx);
	if (schema != NULL)
		xmlRelaxNGFree(schema);
	if (pctx != NULL)
		xmlRelaxNGFreeParserCtxt(pctx);
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
	struct buf path, schema_path;
	xmlDocPtr doc = NULL;
	int	 rc = -1;

	buf_init(&path, 4096);
	buf_init(&schema_path, 4096);
	buf_printf(&path, "%s/%s", s->site, name);
	buf_printf(&schema_path, "%s/data/%s", s->dir, rng);
	if (!path.failed && !schema_path.failed &&
	    (doc = form_parse(buf_str(&path), NULL, diag)) != NULL)
		rc = form_validate_doc(buf_str(&path), buf_str(&schema_path),
		    doc, diag);
	if (doc != NULL)
		xmlFreeDoc(doc);
	buf_free(&path);
	buf_free(&schema_path);
	return rc;
}

/* The schema, parsed on first use. */
xmlRelaxNGPtr
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
int
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
void
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
	return doc == NULL ? NULL : form_child(xmlDocGetRootElement(doc),
	    elem, "id", id);
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
	return s->clerks == NULL ? NULL :
	    form_child(xmlDocGetRootElement(s->clerks), "login", "user", user);
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
xmlNodePtr
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
