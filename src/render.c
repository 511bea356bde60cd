#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xpath.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <libxslt/documents.h>
#include <libxslt/extensions.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include <nettle/sha2.h>

#include "buf.h"
#include "cachefile.h"
#include "msgcat.h"
#include "render.h"
#include "stamp.h"
#include "text.h"

/*
 * Every page gets the same strict policy: nothing but our own stylesheet
 * and inline SVG, no scripts at all, forms only to ourselves (and, on the
 * checkout, to the payment provider's pages our 303 leads to: browsers
 * hold a form's redirects to form-action too).
 */
#define RENDER_CSP	"default-src 'none'; style-src 'self'; " \
	"img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; " \
	"form-action 'self'"

/*
 * Every 503 says when to try again: the write lock was busy, the store
 * is unavailable, a provider did not answer. Seconds; the citizen's page
 * says it in words.
 */
#define RENDER_RETRY_AFTER_S	10

/*
 * Process state of libxslt, set once by render_init and undone by
 * render_cleanup at the process's end: the loader and the security
 * preferences are the same for every request, and a persistent program
 * (FastCGI) must not tear down libxml2's parser between requests.
 */
static xsltDocLoaderFunc render_default_loader;
static int render_ready;

/*
 * What a persistent program keeps from one request to the next: parsed
 * stylesheets and the documents the stylesheets read with document() (the
 * message catalogs, municipality.xml), each with the identity of the files
 * it was made from (mtime with nanoseconds, size, inode). Every use
 * compares them with the files as they are now and parses again when one
 * changed: an update takes effect with the next request, no restart. A
 * CGI process fills them for its one request; render_cleanup empties them.
 */
#define RENDER_FILES_MAX	8	/* a stylesheet and its includes */
#define RENDER_CACHE_MAX	48

struct render_style {
	char		*path;
	xsltStylesheetPtr style;
	size_t		 nfiles;
	char		*files[RENDER_FILES_MAX];
	struct stamp stamps[RENDER_FILES_MAX];
};

struct render_doc {
	char		*path;
	xmlDocPtr	 doc;
	struct stamp stamp;
};

static struct render_style render_styles[RENDER_CACHE_MAX];
static size_t render_nstyles;
static struct render_doc render_docs[RENDER_CACHE_MAX];
static size_t render_ndocs;

/* The message catalogs, one per language (r:msg). */
#define RENDER_MSGCATS		4
#define RENDER_NS		"urn:x-rathaus"

struct render_msgcat {
	char		 lang[16];	/* "": free */
	uint64_t	 stamp;		/* msgcat_sources of its files */
	struct msgcat	 cat;
};

static struct render_msgcat render_msgcats[RENDER_MSGCATS];

static void
render_style_free(struct render_style *e)
{
	size_t	 i;

	if (e->style != NULL)
		xsltFreeStylesheet(e->style);
	for (i = 0; i < e->nfiles; i++)
		free(e->files[i]);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

/* Remember one more file the stylesheet was made of; -1 if too many. */
static int
render_style_file(struct render_style *e, const xmlChar *url)
{
	size_t	 i;

	if (url == NULL)
		return 0;
	for (i = 0; i < e->nfiles; i++)
		if (strcmp(e->files[i], (const char *)url) == 0)
			return 0;
	if (e->nfiles == RENDER_FILES_MAX ||
	    (e->files[e->nfiles] = strdup((const char *)url)) == NULL)
		return -1;
	(void)stamp_of(e->files[e->nfiles], &e->stamps[e->nfiles]);
	e->nfiles++;
	return 0;
}

/* The included and imported files of `style`, recursively. */
static int
render_style_files(struct render_style *e, xsltStylesheetPtr style)
{
	xsltDocumentPtr d;
	xsltStylesheetPtr imp;

	for (d = style->docList; d != NULL; d = d->next)
		if (d->doc != NULL && render_style_file(e, d->doc->URL) != 0)
			return -1;
	for (imp = style->imports; imp != NULL; imp = imp->next)
		if ((imp->doc != NULL && render_style_file(e, imp->doc->URL) !=
		    0) || render_style_files(e, imp) != 0)
			return -1;
	return 0;
}

static int
render_style_fresh(const struct render_style *e)
{
	struct stamp now;
	size_t	 i;

	for (i = 0; i < e->nfiles; i++) {
		(void)stamp_of(e->files[i], &now);
		if (!stamp_same(&now, &e->stamps[i]))
			return 0;
	}
	return 1;
}

/*
 * The stylesheet at `path`, parsed, from the cache while its files are
 * unchanged. *owned: the caller frees it (the cache is full).
 */
static xsltStylesheetPtr
render_style(const char *path, int *owned)
{
	struct render_style e, *c;
	size_t	 i;

	*owned = 0;
	for (i = 0; i < render_nstyles; i++) {
		c = &render_styles[i];
		if (strcmp(c->path, path) != 0)
			continue;
		if (render_style_fresh(c))
			return c->style;
		render_style_free(c);
		render_styles[i] = render_styles[--render_nstyles];
		break;
	}
	memset(&e, 0, sizeof(e));
	/* The stamp of the file is taken before it is read: a change
	 * while it is read is seen by the next request. */
	if ((e.path = strdup(path)) == NULL ||
	    render_style_file(&e, (const xmlChar *)path) != 0 ||
	    (e.style = xsltParseStylesheetFile((const xmlChar *)path)) ==
	    NULL) {
		render_style_free(&e);
		return NULL;
	}
	if (render_style_files(&e, e.style) != 0 ||
	    render_nstyles == RENDER_CACHE_MAX) {
		xsltStylesheetPtr style = e.style;

		e.style = NULL;
		render_style_free(&e);
		*owned = 1;
		return style;
	}
	render_styles[render_nstyles++] = e;
	return e.style;
}

static void
render_doc_free(struct render_doc *d)
{
	if (d->doc != NULL)
		xmlFreeDoc(d->doc);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

/*
 * A document for document(), from the cache while its file is unchanged;
 * NULL if it cannot be read (the stylesheet's document() then tries and
 * fails on its own). Parsed as the loader would: no network, no entities.
 */
static xmlDocPtr
render_doc(const char *path)
{
	struct render_doc d, *c;
	size_t	 i;

	memset(&d, 0, sizeof(d));
	(void)stamp_of(path, &d.stamp);
	for (i = 0; i < render_ndocs; i++) {
		c = &render_docs[i];
		if (strcmp(c->path, path) != 0)
			continue;
		if (stamp_same(&d.stamp, &c->stamp))
			return c->doc;
		render_doc_free(c);
		render_docs[i] = render_docs[--render_ndocs];
		break;
	}
	if (!d.stamp.exists || render_ndocs == RENDER_CACHE_MAX)
		return NULL;
	if ((d.path = strdup(path)) == NULL ||
	    (d.doc = xmlReadFile(path, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) ==
	    NULL) {
		render_doc_free(&d);
		return NULL;
	}
	(void)xmlXPathOrderDocElems(d.doc);
	render_docs[render_ndocs++] = d;
	return d.doc;
}

/*
 * Hand the transform the cached document at `path` ("" : none), so that
 * document() finds it instead of parsing the file again. Marked as one of
 * the transform's "main" documents: xsltFreeTransformContext then frees
 * its keys but leaves the document to the cache.
 */
static int
render_give_doc(xsltTransformContextPtr tctx, const char *path)
{
	xsltDocumentPtr d;
	xmlDocPtr doc;

	if (*path == '\0' || (doc = render_doc(path)) == NULL)
		return 0;
	if ((d = xsltNewDocument(tctx, doc)) == NULL)
		return -1;
	d->main = 1;
	return 0;
}

/*
 * The message catalog as `lang` sees it (msgcat.h): read from its file
 * in <data_dir>/cache, or merged here where that cannot be written; a
 * persistent process keeps one per language while the sources' stamps
 * stay.
 */
static const struct msgcat *
render_msgcat(const struct render_dirs *dirs, const char *lang)
{
	struct render_msgcat *c = NULL;
	struct buf ours, own;
	char	 cache[4096] = "";
	uint64_t stamp;
	size_t	 i;
	int	 rc = -1;

	buf_init(&ours, 4096);
	buf_init(&own, 4096);
	buf_printf(&ours, "%s/data/messages.xml", dirs->share);
	if (dirs->site != NULL && *dirs->site != '\0')
		buf_printf(&own, "%s/messages.xml", dirs->site);
	if (ours.failed || own.failed || (dirs->data != NULL &&
	    *dirs->data != '\0' && cachefile_dir(dirs->data, cache,
	    sizeof(cache)) != 0))
		goto out;
	stamp = msgcat_sources(buf_str(&ours), own.len ? buf_str(&own) : NULL);
	for (i = 0; i < RENDER_MSGCATS; i++)
		if (strcmp(render_msgcats[i].lang, lang) == 0 ||
		    render_msgcats[i].lang[0] == '\0')
			break;
	if (i == RENDER_MSGCATS)
		i = 0;			/* more languages than kept: reuse */
	c = &render_msgcats[i];
	if (strcmp(c->lang, lang) == 0 && c->stamp == stamp) {
		rc = 0;
		goto out;
	}
	msgcat_free(&c->cat);
	memset(c, 0, sizeof(*c));
	if ((size_t)snprintf(c->lang, sizeof(c->lang), "%s", lang) >=
	    sizeof(c->lang))
		goto out;
	if ((*cache != '\0' && msgcat_load(&c->cat, cache,
	    buf_str(&ours), own.len ? buf_str(&own) : NULL, lang) == 0) ||
	    msgcat_build(&c->cat, buf_str(&ours), own.len ? buf_str(&own) :
	    NULL, lang) == 0) {
		c->stamp = stamp;
		rc = 0;
	} else
		c->lang[0] = '\0';
out:
	buf_free(&ours);
	buf_free(&own);
	return rc == 0 ? &c->cat : NULL;
}

/*
 * r:msg('key') in a stylesheet: the key's text in the catalog the
 * transform was given (its _private), "" when it has none.
 */
static void
render_msg_function(xmlXPathParserContextPtr ctxt, int nargs)
{
	xsltTransformContextPtr tctx = xsltXPathGetTransformContext(ctxt);
	const struct msgcat *cat = tctx != NULL ? tctx->_private : NULL;
	const char *text = NULL;
	xmlChar *key;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		return;
	}
	if ((key = xmlXPathPopString(ctxt)) == NULL)
		return;
	if (cat != NULL)
		text = msgcat_get(cat, (const char *)key);
	xmlFree(key);
	xmlXPathReturnString(ctxt, xmlStrdup((const xmlChar *)(text ? text :
	    "")));
}

/* The language a result document is for: its root's lang, else German. */
static void
render_lang_of(xmlDocPtr doc, char *lang, size_t size)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlChar *l = root ? xmlGetProp(root, (const xmlChar *)"lang") : NULL;
	size_t	 i;

	snprintf(lang, size, "%s", l != NULL ? (const char *)l : "de");
	for (i = 0; lang[i] != '\0'; i++)
		if (lang[i] < 'a' || lang[i] > 'z')
			break;
	if (i == 0 || lang[i] != '\0')
		snprintf(lang, size, "de");
	xmlFree(l);
}

/*
 * Stylesheets, their includes and document() all come through here:
 * never the network, never entity expansion, no DTD loading.
 */
static xmlDocPtr
render_loader(const xmlChar *uri, xmlDictPtr dict, int options, void *ctxt,
    xsltLoadType type)
{
	options &= ~(XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR |
	    XML_PARSE_HUGE);
	/* A stylesheet's whitespace-only text goes anyway (XSLT 1.0 4.2),
	 * except in xsl:text, where it is the only child, which the parser
	 * keeps: not making those nodes is a tenth of the parse. */
	if (type == XSLT_LOAD_START || type == XSLT_LOAD_STYLESHEET)
		options |= XML_PARSE_NOBLANKS;
	return render_default_loader(uri, dict, options | XML_PARSE_NONET,
	    ctxt, type);
}

/* Once per process, before any stylesheet is read; again is a no-op. */
void
render_init(void)
{
	xsltSecurityPrefsPtr sec;

	if (render_ready)
		return;
	render_ready = 1;
	xmlInitParser();
	/* No EXSLT: no stylesheet needs it, and without it there is no
	 * exsl:document to write files and no libgcrypt to load. */
	if (render_default_loader == NULL) {
		render_default_loader = xsltDocDefaultLoader;
		xsltSetLoaderFunc(render_loader);
	}
	if ((sec = xsltNewSecurityPrefs()) != NULL) {
		xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE,
		    xsltSecurityForbid);
		xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY,
		    xsltSecurityForbid);
		xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK,
		    xsltSecurityForbid);
		xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK,
		    xsltSecurityForbid);
		xsltSetDefaultSecurityPrefs(sec);
	}
}

/* Once, at the process's end (leak checkers see a clean exit). */
void
render_cleanup(void)
{
	xsltSecurityPrefsPtr sec = xsltGetDefaultSecurityPrefs();
	size_t	 i;

	if (!render_ready)
		return;
	render_ready = 0;
	while (render_nstyles > 0)
		render_style_free(&render_styles[--render_nstyles]);
	while (render_ndocs > 0)
		render_doc_free(&render_docs[--render_ndocs]);
	for (i = 0; i < RENDER_MSGCATS; i++) {
		msgcat_free(&render_msgcats[i].cat);
		memset(&render_msgcats[i], 0, sizeof(render_msgcats[i]));
	}
	xsltSetDefaultSecurityPrefs(NULL);
	if (sec != NULL)
		xsltFreeSecurityPrefs(sec);
	xsltCleanupGlobals();
	xmlCleanupParser();
}

const char *
render_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 202: return "Accepted";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default:  return "Internal Server Error";
	}
}

/* retry_after: seconds for a 503's Retry-After; 0: the default. */
static void
render_headers(FILE *out, int status, const char *ctype, int private_page,
    const char *form_action, long retry_after)
{
	fprintf(out, "Status: %d %s\r\n", status, render_status_text(status));
	if (status == 503)
		fprintf(out, "Retry-After: %ld\r\n", retry_after > 0 ?
		    retry_after : RENDER_RETRY_AFTER_S);
	if (ctype != NULL)
		fprintf(out, "Content-Type: %s\r\n", ctype);
	fprintf(out, "Content-Security-Policy: %s%s%s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    /* No other site may load any answer of ours as a resource. */
	    "Cross-Origin-Resource-Policy: same-origin\r\n"
	    /* Status URLs carry the token: never hand them on as Referer. */
	    "Referrer-Policy: no-referrer\r\n", RENDER_CSP,
	    form_action != NULL ? " " : "",
	    form_action != NULL ? form_action : "");
	if (private_page)
		fputs("Cache-Control: no-store\r\n", out);
}

/* A response no stylesheet can make: the configuration itself is broken. */
void
render_plain_error(int status, FILE *out)
{
	render_headers(out, status, "text/plain; charset=utf-8", 1, NULL, 0);
	fprintf(out, "\r\n%d %s\n", status, render_status_text(status));
}

/*
 * Content-Disposition: attachment with an ASCII name for old clients and
 * the UTF-8 name (RFC 6266, RFC 8187) for the rest. The caller's name is
 * one to save under (upload_save_name: no path, no control characters,
 * the extension of the type); in the ASCII one each other character is
 * one "_", and so are '"', '\\' and '%' (some browsers decode %XX there).
 */
void
render_download(const struct render_file *f, FILE *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	render_headers(out, 200, f->ctype, 1, NULL, 0);
	fputs("Content-Disposition: attachment; filename=\"", out);
	for (p = (const unsigned char *)f->filename; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)	/* not inside a character */
			fputc(*p < 0x80 && *p >= 0x20 && *p != 0x7f &&
			    strchr("\"\\%", *p) == NULL ? *p : '_', out);
	fputs("\"; filename*=UTF-8''", out);
	for (p = (const unsigned char *)f->filename; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			fputc(*p, out);
		else
			fprintf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	fprintf(out, "\r\nContent-Length: %zu\r\n\r\n", f->len);
	if (!f->head_only)
		fwrite(f->data, 1, f->len, out);
}

/*
 * A file of the town's look (its stylesheet, its logo): the same for
 * everyone, linked with a version, so kept by browsers and proxies.
 */
void
render_asset(const char *ctype, const void *data, size_t len, int head_only,
    FILE *out)
{
	render_headers(out, 200, ctype, 0, NULL, 0);
	fprintf(out, "Cache-Control: public, max-age=604800\r\n"
	    "Content-Length: %zu\r\n\r\n", len);
	if (!head_only)
		fwrite(data, 1, len, out);
}

/* A short text answer for a machine (a provider's notice). */
void
render_plain(int status, const char *text, FILE *out)
{
	render_headers(out, status, "text/plain; charset=utf-8", 1, NULL, 0);
	fprintf(out, "Content-Length: %zu\r\n\r\n%s", strlen(text), text);
}

void
render_redirect(const char *location, FILE *out)
{
	render_headers(out, 303, NULL, 1, NULL, 0);
	fprintf(out, "Location: %s\r\n\r\n", location);
}

/* A file of the town's site directory, or "" where it has none. */
static void
render_site_file(struct buf *b, const char *site_dir, const char *name)
{
	if (site_dir == NULL || *site_dir == '\0')
		return;
	buf_printf(b, "%s/%s", site_dir, name);
	if (!b->failed && access(buf_str(b), R_OK) != 0)
		buf_reset(b);
}

/*
 * Apply xsl/<stylesheet>.xsl to `doc` with the message catalog in the
 * document's language behind r:msg() and the town's municipality.xml as
 * the parameter "municipality" (an empty node-set without one), under
 * security preferences that forbid file writes and network: the
 * serialised result in *text (xmlFree it).
 */
static int
render_transform(const struct render_dirs *dirs, const char *stylesheet,
    xmlDocPtr doc, xmlChar **text, int *len)
{
	struct buf path, municipality;
	xsltStylesheetPtr style = NULL;
	xsltTransformContextPtr tctx = NULL;
	xmlDocPtr res = NULL;
	const struct msgcat *cat;
	int	 rc = -1, owned = 0;
	char	 lang[16];

	*text = NULL;
	*len = 0;
	buf_init(&path, 4096);
	buf_init(&municipality, 4096);
	render_lang_of(doc, lang, sizeof(lang));
	buf_printf(&path, "%s/xsl/%s.xsl", dirs->share, stylesheet);
	render_site_file(&municipality, dirs->site, "municipality.xml");
	if (path.failed || municipality.failed)
		goto out;
	if ((cat = render_msgcat(dirs, lang)) == NULL) {
		fprintf(stderr, "rathaus: cannot read the message catalog\n");
		goto out;
	}
	if ((style = render_style(buf_str(&path), &owned)) == NULL) {
		fprintf(stderr, "rathaus: cannot load %s\n", buf_str(&path));
		goto out;
	}
	if ((tctx = xsltNewTransformContext(style, doc)) == NULL ||
	    render_give_doc(tctx, buf_str(&municipality)) != 0 ||
	    xsltSetCtxtSecurityPrefs(xsltGetDefaultSecurityPrefs(), tctx) != 0 ||
	    xsltRegisterExtFunction(tctx, (const xmlChar *)"msg",
	    (const xmlChar *)RENDER_NS, render_msg_function) != 0)
		goto out;
	tctx->_private = (void *)cat;
	/* Without the file: document() of nothing, not of '' (which
	 * would parse the stylesheet once more). */
	if ((municipality.len > 0 ? xsltQuoteOneUserParam(tctx,
	    (const xmlChar *)"municipality",
	    (const xmlChar *)buf_str(&municipality)) :
	    xsltEvalOneUserParam(tctx, (const xmlChar *)"municipality",
	    (const xmlChar *)"/..")) != 0)
		goto out;
	res = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, tctx);
	if (res == NULL || tctx->state != XSLT_STATE_OK ||
	    xsltSaveResultToString(text, len, res, style) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0 && style != NULL)
		fprintf(stderr, "rathaus: transform of %s failed\n",
		    buf_str(&path));
	if (res != NULL)
		xmlFreeDoc(res);
	if (tctx != NULL)
		xsltFreeTransformContext(tctx);
	if (style != NULL && owned)
		xsltFreeStylesheet(style);
	buf_free(&path);
	buf_free(&municipality);
	return rc;
}

/* The response of a page: its headers, then `html` (unless HEAD). */
void
render_html(const struct render_page *p, const char *html, size_t len,
    FILE *out)
{
	render_headers(out, p->status, "text/html; charset=utf-8",
	    p->private_page, p->form_action, p->retry_after);
	if (p->lang != NULL)
		fprintf(out, "Content-Language: %s\r\n", p->lang);
	if (p->allow != NULL)
		fprintf(out, "Allow: %s\r\n", p->allow);
	if (p->set_cookie != NULL)
		fprintf(out, "Set-Cookie: %s\r\n", p->set_cookie);
	fprintf(out, "Content-Length: %zu\r\n\r\n", len);
	if (!p->head_only)
		fwrite(html, 1, len, out);
}

int
render(const struct render_page *p, FILE *out)
{
	xmlChar	*html = NULL;
	int	 len = 0;

	if (render_transform(&p->dirs, p->stylesheet, p->doc, &html,
	    &len) != 0 || html == NULL) {
		xmlFree(html);
		return -1;
	}
	if (p->keep != NULL)
		buf_add(p->keep, (const char *)html, (size_t)len);
	render_html(p, (const char *)html, (size_t)len, out);
	xmlFree(html);
	return 0;
}

static int
render_digest_write(void *ctx, const char *data, int len)
{
	if (len > 0)
		sha256_update(ctx, (size_t)len, (const uint8_t *)data);
	return len;
}

int
render_digest(xmlDocPtr doc, char hex[RENDER_DIGEST_HEX + 1])
{
	struct sha256_ctx h;
	uint8_t	 d[SHA256_DIGEST_SIZE];
	xmlSaveCtxtPtr save;
	long	 rc;

	sha256_init(&h);
	if ((save = xmlSaveToIO(render_digest_write, NULL, &h, "UTF-8",
	    0)) == NULL)
		return -1;
	rc = xmlSaveDoc(save, doc);
	if (xmlSaveClose(save) < 0 || rc < 0)
		return -1;
	sha256_digest(&h, sizeof(d), d);
	text_hex(d, sizeof(d), hex);
	return 0;
}

/*
 * A text made by a stylesheet with <xsl:output method="text"/>: the mails.
 * Same security preferences and message catalog as the pages.
 */
int
render_text(const struct render_dirs *dirs, const char *stylesheet,
    xmlDocPtr doc, struct buf *out)
{
	xmlChar	*text = NULL;
	int	 len = 0;

	if (render_transform(dirs, stylesheet, doc, &text, &len) != 0) {
		xmlFree(text);
		return -1;
	}
	buf_add(out, text ? (const char *)text : "", (size_t)len);
	xmlFree(text);
	return out->failed ? -1 : 0;
}
