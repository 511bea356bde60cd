#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "app.h"
#include "app_int.h"
#include "buf.h"
#include "cachefile.h"
#include "fee.h"
#include "store_my.h"
#include "store_pay.h"
#include "ref.h"
#include "render.h"

/* A kept secret of a database no longer in place goes after this. */
#define APP_SECRET_OLD_S	60

xmlNodePtr
app_child(xmlNodePtr parent, const char *name, const char *text)
{
	if (parent == NULL)
		return NULL;
	/* xmlNewTextChild escapes the text; xmlNewChild would not. */
	return xmlNewTextChild(parent, NULL, (const xmlChar *)name,
	    (const xmlChar *)text);
}

/* Set attributes: NULL-terminated name, value pairs; -1 if one failed. */
static int
app_vprops(xmlNodePtr n, va_list ap)
{
	const char *name, *value;

	if (n == NULL)
		return -1;
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (xmlNewProp(n, (const xmlChar *)name,
		    (const xmlChar *)(value ? value : "")) == NULL)
			return -1;
	}
	return 0;
}

int
app_props(xmlNodePtr n, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, n);
	rc = app_vprops(n, ap);
	va_end(ap);
	return rc;
}

/*
 * A new child element with optional text and attributes (name, value
 * pairs, NULL-terminated); NULL if anything failed. Building the result
 * document checks every step through this one function.
 */
xmlNodePtr
app_elem(xmlNodePtr parent, const char *name, const char *text, ...)
{
	xmlNodePtr n = app_child(parent, name, text);
	va_list	 ap;
	int	 rc;

	va_start(ap, text);
	rc = app_vprops(n, ap);
	va_end(ap);
	return rc == 0 ? n : NULL;
}

/*
 * The language: ?lang= wins, then the first of de/en in Accept-Language
 * by quality, then German.
 */
/* An HTTP quality value ("1", "0.8", "0.125") in thousandths; 0 if odd. */
static int
app_quality(const char *s)
{
	int	 q = 0, scale = 100;

	if (*s == '1')
		return 1000;
	if (*s++ != '0')
		return 0;
	if (*s++ != '.')
		return 0;
	for (; *s >= '0' && *s <= '9' && scale > 0; s++, scale /= 10)
		q += (*s - '0') * scale;
	return q;
}

const char *
app_pick_lang(const struct req *r)
{
	const char *q = req_param(&r->query, "lang"), *p, *lang, *qs;
	const char *best = "de";
	int	 best_q = 0, qv;

	if (q != NULL && (strcmp(q, "en") == 0 || strcmp(q, "de") == 0))
		return strcmp(q, "en") == 0 ? "en" : "de";
	for (p = r->accept_language; p != NULL && *p != '\0';) {
		p += strspn(p, " ,");
		lang = NULL;
		if (strncasecmp(p, "de", 2) == 0 && strchr("-;, ", p[2]))
			lang = "de";
		else if (strncasecmp(p, "en", 2) == 0 && strchr("-;, ", p[2]))
			lang = "en";
		qv = 1000;
		p += strcspn(p, ";,");
		if (*p == ';') {
			qs = strstr(p, "q=");
			if (qs != NULL && qs < p + strcspn(p, ","))
				qv = app_quality(qs + 2);
			p += strcspn(p, ",");
		}
		/* q=0 means "not this one". */
		if (lang != NULL && qv > best_q) {
			best_q = qv;
			best = lang;
		}
	}
	return best;
}

static const char *
app_lang_query(const struct app *a)
{
	return strcmp(a->lang, "en") == 0 ? "lang=en" : "";
}

/* An absolute link to one of our pages, from the configured origin. */
int
app_link(struct app *a, struct buf *b, const char *path, const char *ref,
    const char *token)
{
	buf_printf(b, "%s%s%s%s", a->conf.base_url, a->conf.script, path, ref);
	if (token != NULL)
		buf_printf(b, "?token=%s", token);
	if (*app_lang_query(a) != '\0')
		buf_printf(b, "%s%s", token ? "&" : "?", app_lang_query(a));
	return b->failed ? -1 : 0;
}

/*
 * Answer 303 to what `loc` holds (the buffer is taken); -1 when building
 * it failed somewhere (a failed append sticks: callers check once, here).
 */
int
app_redirect(struct app *a, struct buf *loc)
{
	free(a->location);
	a->location = buf_steal(loc);
	return a->location != NULL ? 0 : -1;
}

/* The key of what a share is made from: directories and configuration. */
static char *
app_share_key(const struct app *a)
{
	struct buf k;

	buf_init(&k, 16384);
	buf_printf(&k, "%s\n%s\n%s\n%s", a->conf.share_dir, a->conf.site_dir,
	    a->conf.data_dir, a->conf_path ? a->conf_path : "");
	return buf_steal(&k);
}

/* The kept definitions go (the share they point into goes, or changed). */
static void
app_cache_forms_free(struct app_cache *c)
{
	while (c->nforms > 0) {
		c->nforms--;
		free(c->forms[c->nforms].key);
		form_free(&c->forms[c->nforms].form);
	}
}

void
app_cache_init(struct app_cache *c)
{
	memset(c, 0, sizeof(*c));
}

/* The kept connection goes (idle, or the store failed). */
void
app_cache_close_store(struct app_cache *c)
{
	store_close(c->store);
	c->store = NULL;
	free(c->store_dir);
	c->store_dir = NULL;
}

/* Is there a connection to close when no request comes? */
int
app_cache_idle(const struct app_cache *c)
{
	return c->store != NULL;
}

void
app_cache_free(struct app_cache *c)
{
	app_cache_close_store(c);
	app_cache_forms_free(c);
	pagecache_clear(&c->pages);
	if (c->share_open)
		form_share_close(&c->share);
	free(c->share_key);
	if (c->conf_ok)
		conf_free(&c->conf);
	free(c->conf_path);
	memset(c, 0, sizeof(*c));
}

/*
 * The configuration from `path`: the cache's while the file's stamp is
 * the one it was read with, else read again (the stamp is taken before
 * the file is read: a change while reading is seen next time). A file
 * that does not load is not kept: its error comes again each time.
 */
int
app_conf(struct app_cache *c, const char *path, char *err, size_t errlen)
{
	struct stamp now;

	(void)stamp_of(path, &now);
	if (c->conf_ok && strcmp(c->conf_path, path) == 0 &&
	    stamp_same(&now, &c->conf_stamp))
		return 0;
	if (c->conf_ok)
		conf_free(&c->conf);
	c->conf_ok = 0;
	free(c->conf_path);
	if ((c->conf_path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (conf_load(&c->conf, path, err, errlen) != 0)
		return -1;
	c->conf_ok = 1;
	c->conf_stamp = now;
	return 0;
}

/*
 * The generation of the files a page is made from (pagecache.h), walked
 * once per request however many ask; 0, or -1.
 */
int
app_generation(struct app *a, unsigned long long *gen)
{
	if (!a->gen_known) {
		if (a->conf_path == NULL || pagecache_generation(a->conf_path,
		    a->conf.share_dir, a->conf.site_dir, &a->gen) != 0)
			return -1;
		a->gen_known = 1;
	}
	*gen = a->gen;
	return 0;
}

/*
 * The form share of this request: the cache's, kept from an earlier
 * request while the same directories and configuration are in use and
 * the generation of their files is the same; else (re)loaded, and the
 * definitions kept with the old one go.
 */
int
app_share(struct app *a)
{
	struct app_cache *c = a->cache;
	struct form_diag diag;
	struct buf cache;
	unsigned long long gen = 0;
	char	*key;
	int	 rc, have_gen;

	if (a->share != NULL)
		return 0;
	if ((key = app_share_key(a)) == NULL)
		return -1;
	/* A CGI's cache is new: nothing to check it against. */
	have_gen = a->persistent && app_generation(a, &gen) == 0;
	if (c->share_open && have_gen && c->gen == gen &&
	    c->share_key != NULL && strcmp(c->share_key, key) == 0) {
		free(key);
		a->share = &c->share;
		return 0;
	}
	app_cache_forms_free(c);
	if (c->share_open)
		form_share_close(&c->share);
	c->share_open = 0;
	free(c->share_key);
	c->share_key = NULL;
	form_diag_init(&diag);
	buf_init(&cache, 4096);
	buf_printf(&cache, "%s/definitions.ok", a->conf.data_dir);
	rc = cache.failed ? -1 : form_share_open(&c->share, a->conf.share_dir,
	    a->conf.site_dir, buf_str(&cache), &diag);
	buf_free(&cache);
	if (rc != 0)
		fprintf(stderr, "rathaus: %s", buf_str(&diag.text));
	form_diag_free(&diag);
	if (rc != 0) {
		free(key);
		return rc;
	}
	c->share_open = 1;
	/* Without a generation it serves this request only. */
	c->share_key = have_gen ? key : NULL;
	if (!have_gen)
		free(key);
	c->gen = gen;
	a->share = &c->share;
	return 0;
}

/*
 * A definition from the cache, or loaded into it: *f is a copy that
 * form_free only forgets (borrowed). The kept ones go with the share
 * (app_share), so that a changed file is seen by the next request.
 * Failures are not kept: their diagnostics come again each time.
 */
static int
app_form(struct app *a, char kind, const char *text, struct form_diag *diag,
    struct form *f)
{
	struct app_cache *c = a->cache;
	struct app_cache_form *e;
	size_t	 i, len = strlen(text);
	int	 rc;

	memset(f, 0, sizeof(*f));
	if (app_share(a) != 0)
		return -1;
	for (i = 0; i < c->nforms; i++) {
		e = &c->forms[i];
		if (e->key[0] != kind || strcmp(e->key + 1, text) != 0)
			continue;
		/* The last used goes last: the oldest is never one this
		 * request holds. */
		if (i + 1 < c->nforms) {
			struct app_cache_form used = *e;

			memmove(e, e + 1, (c->nforms - i - 1) * sizeof(*e));
			c->forms[c->nforms - 1] = used;
		}
		*f = c->forms[c->nforms - 1].form;
		f->borrowed = 1;
		return 0;
	}
	if (c->nforms == APP_CACHE_FORMS) {	/* the oldest makes room */
		free(c->forms[0].key);
		form_free(&c->forms[0].form);
		memmove(&c->forms[0], &c->forms[1],
		    (APP_CACHE_FORMS - 1) * sizeof(c->forms[0]));
		c->nforms--;
	}
	e = &c->forms[c->nforms];
	if ((e->key = malloc(len + 2)) == NULL)
		return -1;
	e->key[0] = kind;
	memcpy(e->key + 1, text, len + 1);
	rc = kind == 's' ? form_load_stored(&e->form, a->share, text, diag) :
	    form_load_id(&e->form, a->share, text, diag);
	if (rc != 0) {
		free(e->key);
		e->key = NULL;
		return -1;
	}
	c->nforms++;
	*f = e->form;
	f->borrowed = 1;
	return 0;
}

/* The site's forms/<id>.xml (form_load_id), kept. */
int
app_form_id(struct app *a, const char *id, struct form_diag *diag,
    struct form *f)
{
	return app_form(a, 'i', id, diag, f);
}

/* A definition as stored with a submission (form_load_stored), kept. */
int
app_form_stored(struct app *a, const char *xml, struct form *f)
{
	return app_form(a, 's', xml, NULL, f);
}

/*
 * A page made before for the same request while nothing it was made from
 * has changed (pagecache.h): GET and HEAD of the citizen program by a
 * visitor who is not logged in, with no query but the language; a
 * persistent program keeps it in memory, a CGI in a file. 1: a->hit holds
 * it (the page adds what is the visitor's own: the form key, a cookie);
 * 0: none, and with a->cache_key set the page is kept once made.
 */
int
app_page_cached(struct app *a)
{
	const char *q = a->req.query_string ? a->req.query_string : "";
	unsigned long long gen;
	struct buf key;
	char	 dir[4096];

	if (a->site != ROUTE_CITIZEN ||
	    (a->req.method != REQ_GET && a->req.method != REQ_HEAD) ||
	    a->citizen.subject != NULL || (*q != '\0' &&
	    strcmp(q, "lang=de") != 0 && strcmp(q, "lang=en") != 0) ||
	    cachefile_dir(a->conf.data_dir, dir, sizeof(dir)) != 0 ||
	    app_generation(a, &gen) != 0)
		return 0;
	buf_init(&key, 8192);
	buf_printf(&key, "%d %s %s %s %04d-%02d-%02d %llx", (int)a->route.page,
	    a->req.path, q, a->lang, a->today.y, a->today.m, a->today.d, gen);
	if (key.failed) {
		buf_free(&key);
		return 0;
	}
	if (a->persistent)
		a->hit = pagecache_get(&a->cache->pages, buf_str(&key));
	else if (pagecache_load(dir, buf_str(&key), &a->page_file) == 0)
		a->hit = &a->page_file;
	if (a->hit != NULL) {
		buf_free(&key);
		return 1;
	}
	free(a->cache_key);
	a->cache_key = buf_steal(&key);
	return 0;
}

/* The inode of <data_dir>/rathaus.db, or 0. */
static long long
app_db_ino(const char *data_dir)
{
	struct stamp st;
	char	 path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/rathaus.db", data_dir) >=
	    sizeof(path))
		return 0;
	(void)stamp_of(path, &st);
	return st.ino;
}

/*
 * What tells that the database's files are still the ones a kept
 * connection has open: the inode, mode and owner of rathaus.db, -wal and
 * -shm (an operator's chmod or chown, a restore, side files removed: then
 * the connection is opened anew, and store_open sees and repairs what it
 * can, or fails as a new one would).
 */
static void
app_db_files(const char *data_dir, long long out[9])
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	struct stat st;
	char	 path[4096];
	size_t	 i;

	memset(out, 0, 9 * sizeof(out[0]));
	for (i = 0; i < 3; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/rathaus.db%s",
		    data_dir, sfx[i]) >= sizeof(path) || stat(path, &st) != 0)
			continue;
		out[3 * i] = (long long)st.st_ino;
		out[3 * i + 1] = (long long)st.st_mode;
		out[3 * i + 2] = (long long)st.st_uid;
	}
}

/* What names the store: its connection string, or the data directory. */
static const char *
app_store_where(const struct app *a)
{
	return a->conf.store_pg != NULL ? a->conf.store_pg : a->conf.data_dir;
}

/*
 * The store of this request: in a persistent program the connection the
 * last request left (app_cache), readied by store_reuse (no transaction
 * open, the schema checked), while it is the same database file; else
 * opened.
 */
int
app_store(struct app *a)
{
	struct app_cache *c = a->cache;

	if (a->store != NULL)
		return 0;
	if (c->store != NULL) {
		long long now[9];

		/* On PostgreSQL no file to watch: the same connection
		 * string, and the connection still good (store_reuse). */
		app_db_files(a->conf.data_dir, now);
		if (a->persistent && strcmp(c->store_dir, app_store_where(a)) ==
		    0 && (a->conf.store_pg != NULL || (now[0] != 0 &&
		    memcmp(now, c->store_files, sizeof(now)) == 0)) &&
		    store_reuse(c->store) == STORE_OK) {
			a->store = c->store;
			a->store_ino = now[0];
			c->store = NULL;
			free(c->store_dir);
			c->store_dir = NULL;
			store_busy_deadline(a->store, &a->busy_deadline);
			return 0;
		}
		app_cache_close_store(c);
	}
	/* The inode first: a file put in its place later is not this one. */
	a->store_ino = app_db_ino(a->conf.data_dir);
	if ((a->store_rc = store_open(&a->store, a->conf.data_dir,
	    a->conf.store_pg, 0)) != STORE_OK)
		return -1;
	store_busy_deadline(a->store, &a->busy_deadline);
	return 0;
}

/*
 * The store's secret `name` (form keys) into `out`, from a copy a CGI
 * keeps in <data_dir>/cache, named by the database file's inode: the
 * check page then opens no database at all (the open is a tenth of its
 * work, docs/PERFORMANCE.md). A database put in the file's place is
 * another file, whose secret is read anew; copies of others go after a
 * minute. A persistent program reads the store it keeps open anyway, a
 * store on PostgreSQL has no file to name the copy by.
 * 0, or -1 (no store: app_run tells why).
 */
int
app_secret_kept(struct app *a, const char *name,
    unsigned char out[REF_SECRET_LEN])
{
	struct stamp db;
	char	 dir[4096], db_path[4096 + 16], prefix[64], path[4096 + 96];
	char	*data = NULL;
	size_t	 len = 0;
	uint64_t h;
	int	 kept = 0;

	if (!a->persistent && a->conf.store_pg == NULL &&
	    cachefile_dir(a->conf.data_dir, dir,
	    sizeof(dir)) == 0 && (size_t)snprintf(db_path, sizeof(db_path),
	    "%s/rathaus.db", a->conf.data_dir) < sizeof(db_path) &&
	    stamp_of(db_path, &db) == 0 && (size_t)snprintf(prefix,
	    sizeof(prefix), "secret-%s-", name) < sizeof(prefix)) {
		h = cachefile_hash(CACHEFILE_HASH_INIT, &db.ino,
		    sizeof(db.ino));
		kept = (size_t)snprintf(path, sizeof(path), "%s/%s%016llx.bin",
		    dir, prefix, (unsigned long long)h) < sizeof(path);
	}
	if (kept && (data = cachefile_read(path, REF_SECRET_LEN, &len)) !=
	    NULL) {
		if (len == REF_SECRET_LEN)
			memcpy(out, data, REF_SECRET_LEN);
		explicit_bzero(data, len);
		free(data);
		if (len == REF_SECRET_LEN)
			return 0;
	}
	if (app_store(a) != 0 || store_secret(a->store, name, out) !=
	    STORE_OK)
		return -1;
	if (kept && cachefile_write(dir, path, out, REF_SECRET_LEN) == 0)
		cachefile_prune(dir, prefix, ".bin", APP_SECRET_OLD_S, path);
	return 0;
}

/*
 * The database's files as the response ends, which a persistent program
 * keeps its connection by. Taken before the end, not at the request's:
 * a change in between (an operator's chmod while the mails go out) is
 * then the next request's to notice, not what it measures against.
 */
void
app_store_seen(struct app *a)
{
	if (a->persistent && a->store != NULL)
		app_db_files(a->conf.data_dir, a->cache->store_files);
}

/*
 * The request's end for its store: a persistent program keeps a
 * connection that met no fault (nothing left open on it: a transaction
 * still open is a bug, rolled back and logged) and whose files were
 * seen (app_store_seen); else it is closed.
 */
void
app_store_done(struct app *a)
{
	struct app_cache *c = a->cache;

	if (a->store == NULL)
		return;
	if (store_request_end(a->store))
		fprintf(stderr, "rathaus: %s %s left a transaction open:"
		    " rolled back\n", a->req.method == REQ_POST ? "POST" :
		    "GET", a->req.path ? a->req.path : "-");
	if (!a->persistent || store_fault(a->store) != STORE_OK ||
	    c->store != NULL || (a->conf.store_pg == NULL &&
	    (a->store_ino == 0 || c->store_files[0] != a->store_ino)) ||
	    (c->store_dir = strdup(app_store_where(a))) == NULL) {
		store_close(a->store);
		a->store = NULL;
		return;
	}
	c->store = a->store;
	a->store = NULL;
}


/*
 * The store's failure in this request, as store_fault() says it, or
 * STORE_OK. A database that cannot be opened, or wants `rathaus init`,
 * is unavailable: the operator must act.
 */
int
app_store_fault(const struct app *a)
{
	if (a->store != NULL)
		return store_fault(a->store);
	return a->store_rc == STORE_OUTDATED ? STORE_UNAVAILABLE : a->store_rc;
}

/*
 * What the citizen is told of a store's failure `fault`: "busy",
 * "maintenance" (the schema is older than the programs: they were
 * upgraded and `rathaus init` has not run yet), "unavailable" or
 * "internal".
 */
const char *
app_fault_reason(const struct app *a, int fault)
{
	if (a->store == NULL && a->store_rc == STORE_OUTDATED)
		return "maintenance";
	return fault == STORE_BUSY ? "busy" : fault == STORE_UNAVAILABLE ?
	    "unavailable" : "internal";
}

int
app_change_answer(int rc, const char *conflict, const char **problem)
{
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_CONFLICT && conflict != NULL) {
		*problem = conflict;
		return 409;
	}
	if (rc == STORE_BUSY) {
		*problem = "busy";
		return 503;
	}
	return -1;
}

/*
 * Fields that take their options from a code list get them written out as
 * <option>s in the copy, so that the stylesheets know one shape only.
 */
static int
app_expand_codes(const struct form *f, xmlNodePtr n)
{
	const struct form_field *fld;
	xmlNodePtr c, opt, labels;
	const char *name;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "field") != 0) {
			if (app_expand_codes(f, n->children) != 0)
				return -1;
			continue;
		}
		if ((name = form_attr(n, "name")) == NULL ||
		    (fld = form_field(f, name)) == NULL || fld->codes == NULL)
			continue;
		for (c = fld->codes->children; c != NULL; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if ((opt = app_elem(n, "option", NULL, "value",
			    form_attr(c, "value"), NULL)) == NULL)
				return -1;
			labels = xmlDocCopyNodeList(n->doc, c->children);
			if (labels != NULL && xmlAddChildList(opt, labels) == NULL) {
				xmlFreeNodeList(labels);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Of several fee schedules the copy keeps the one in effect today, so
 * that the stylesheets know one <fee> only.
 */
static void
app_current_fee(struct app *a, const struct form *f, xmlNodePtr svc)
{
	xmlNodePtr keep = fee_schedule(f, &a->today), n, c, next;
	size_t	 want = 0, i = 0;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL &&
	    n != keep; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "fee") == 0)
			want++;
	for (c = svc->children; c != NULL; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "fee") != 0)
			continue;
		if (i++ != want) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
}

/* Copy the definition and put the clerk's contact data into it. */
xmlNodePtr
app_service_node(struct app *a, const struct form *f, xmlNodePtr parent)
{
	xmlNodePtr svc, n, clerk;

	svc = xmlDocCopyNode(xmlDocGetRootElement(f->doc), a->doc, 1);
	if (svc == NULL)
		return NULL;
	clerk = form_clerk(a->share, f->clerk);
	for (n = svc->children; clerk != NULL && n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "clerk") == 0) {
			xmlNodePtr copy = xmlDocCopyNodeList(a->doc,
			    clerk->children);
			if (copy == NULL || xmlAddChildList(n, copy) == NULL) {
				xmlFreeNodeList(copy);
				xmlFreeNode(svc);
				return NULL;
			}
			break;
		}
	app_current_fee(a, f, svc);
	if (app_expand_codes(f, svc->children) != 0 ||
	    xmlAddChild(parent, svc) == NULL) {
		xmlFreeNode(svc);
		return NULL;
	}
	return svc;
}

/*
 * The citizen's account in the page's head: whether this portal logs
 * citizens in at all, and who is logged in, at which level, with the
 * module's logout path.
 */
static int
app_account(struct app *a)
{
	const struct identity *c = &a->citizen;
	xmlNodePtr n;

	if (strcmp(a->conf.identity, "none") == 0)
		return 0;
	if ((n = app_elem(a->root, "account", NULL, "logout",
	    *a->conf.logout_url ? a->conf.logout_url : NULL, NULL)) == NULL)
		return -1;
	if (c->subject == NULL)
		return 0;
	return app_props(n, "level", identity_level_names[c->level],
	    "given-name", c->attr[IDENTITY_GIVEN_NAME],
	    "family-name", c->attr[IDENTITY_FAMILY_NAME], NULL);
}

/*
 * The version of the town's look in links to it (/site/look?v=...): the
 * times its files last changed, so that browsers keep it until then.
 */
static void
app_look_version(const struct app *a, char *out, size_t size)
{
	static const char *const files[] = { "municipality.xml", "style.css" };
	unsigned long long v = 0;
	struct stat st;
	char	 path[4096];
	size_t	 k;

	for (k = 0; k < sizeof(files) / sizeof(files[0]); k++)
		if ((size_t)snprintf(path, sizeof(path), "%s/%s",
		    a->conf.site_dir, files[k]) < sizeof(path) &&
		    stat(path, &st) == 0)
			v = v * 31 + (unsigned long long)st.st_mtime;
	snprintf(out, size, "%llx", v);
}

/*
 * This page is not to be kept, though its files did not change: it shows
 * what the store holds (free appointments).
 */
int
app_keep_not(struct app *a)
{
	free(a->cache_key);
	a->cache_key = NULL;
	return 0;
}

int
app_begin(struct app *a, const char *name)
{
	char	 look[24] = "";

	if (a->doc != NULL)
		xmlFreeDoc(a->doc);
	a->root = NULL;
	a->late = NULL;		/* a new document: nothing to add to it */
	if ((a->doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL ||
	    (a->root = xmlNewNode(NULL, (const xmlChar *)"page")) == NULL)
		return -1;
	xmlDocSetRootElement(a->doc, a->root);
	a->stylesheet = name;
	if (*a->conf.site_dir != '\0')
		app_look_version(a, look, sizeof(look));
	/* query: for links to the same page in the other language. */
	if (app_props(a->root, "name", name, "lang", a->lang, NULL) != 0 ||
	    app_elem(a->root, "context", NULL, "script", a->site ==
	    ROUTE_STAFF ? a->conf.staff_script : a->conf.script,
	    "static", a->conf.static_url, "self", a->req.path ? a->req.path : "/",
	    "query", a->req.query_string, "portal", a->conf.script,
	    "base", a->conf.base_url,
	    "look", *a->conf.site_dir != '\0' ? look : NULL, NULL) == NULL)
		return -1;
	return a->site == ROUTE_CITIZEN ? app_account(a) : 0;
}

/*
 * The name of a cookie here, given as "__Host-name": so over HTTPS, where
 * app_set_cookie makes it Secure with Path=/ as the prefix requires;
 * without the prefix over plain HTTP, where a browser would refuse it.
 */
const char *
app_cookie_name(const struct app *a, const char *host_name)
{
	static const char prefix[] = "__Host-";

	if (strncmp(a->conf.base_url, "https:", 6) == 0 ||
	    strncmp(host_name, prefix, sizeof(prefix) - 1) != 0)
		return host_name;
	return host_name + sizeof(prefix) - 1;
}

/*
 * The cookie of the answer: HttpOnly (no script of ours reads one) and
 * SameSite as asked, valid while the browser runs, named by
 * app_cookie_name. Over HTTPS it is Secure with Path=/, as its __Host-
 * prefix requires (no other host of the domain, no plain-HTTP answer can
 * set one); else for `path` only.
 */
int
app_set_cookie(struct app *a, const char *host_name, const char *value,
    const char *path, const char *samesite)
{
	int	 https = strncmp(a->conf.base_url, "https:", 6) == 0;
	struct buf c;

	buf_init(&c, 1024);
	buf_printf(&c, "%s=%s; Path=%s; %sHttpOnly; SameSite=%s",
	    app_cookie_name(a, host_name), value, https ? "/" : path,
	    https ? "Secure; " : "", samesite);
	free(a->set_cookie);
	return (a->set_cookie = buf_steal(&c)) != NULL ? 0 : -1;
}

int
app_error(struct app *a, int status, const char *reason)
{
	char	 code[8];

	a->status = status;
	snprintf(code, sizeof(code), "%d", status);
	if (app_begin(a, "error") == -1 || app_elem(a->root, "error", NULL,
	    "code", code, "reason", reason, NULL) == NULL)
		return -1;
	return 0;
}

/* A stored UTC time as the local time citizens read (as is if odd). */
int
app_time_prop(xmlNodePtr n, const char *name, const char *utc)
{
	char	 local[WHEN_ISO_MAX];

	return app_props(n, name, when_local_iso(utc, local) == 0 ? local : utc,
	    NULL);
}

/* The stored answers, parsed back (they were written by us, still: NONET). */
int
app_answers(xmlNodePtr sub, const char *xml)
{
	xmlDocPtr doc;
	xmlNodePtr copy;

	doc = xmlReadMemory(xml, (int)strlen(xml), "answers.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return -1;
	copy = xmlDocCopyNode(xmlDocGetRootElement(doc), sub->doc, 1);
	xmlFreeDoc(doc);
	if (copy == NULL)
		return -1;
	if (xmlAddChild(sub, copy) == NULL) {
		xmlFreeNode(copy);
		return -1;
	}
	return 0;
}

/*
 * Shared by receipt, status, checkout and Postkorb: find the submission
 * by reference and token, or, without a token that opens it, as the
 * logged-in citizen's own (app->owner_token then holds its token, for
 * what is handed to a payment provider; the page shows none), and put
 * it, with its service, into a new result document. An unknown
 * reference, a malformed one, a wrong token and another account's
 * submission all end in the same 404 (return 1), so that the answer
 * tells a guesser nothing. A citizen's POST that only the account opens
 * must come from our own pages (app_cross_site; else 403, return 1).
 */
int
app_submission(struct app *a, const char *page, const char *token,
    struct store_submission *s)
{
	struct form f;
	xmlNodePtr sub, hist, e;
	char	 fee[24], version[24], payment[16];
	size_t	 i;
	int	 rc;

	memset(s, 0, sizeof(*s));
	a->private_page = 1;
	*a->owner_token = '\0';
	if (token != NULL && *token == '\0')
		token = NULL;
	if ((token == NULL && a->citizen.subject == NULL) ||
	    !ref_valid(a->route.arg))
		return app_error(a, 404, "not_found") == 0 ? 1 : -1;
	if (app_store(a) != 0 || app_share(a) != 0)
		return -1;
	rc = token != NULL ? store_find(a->store, a->route.arg, token, s) :
	    STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND && a->citizen.subject != NULL) {
		token = NULL;
		rc = store_my_find(a->store, a->route.arg, a->citizen.subject,
		    s, a->owner_token);
		if (rc == STORE_OK && a->req.method == REQ_POST &&
		    app_cross_site(a)) {
			fprintf(stderr, "rathaus: POST %s by an account made by"
			    " another site: refused\n", a->req.path);
			store_submission_free(s);
			*a->owner_token = '\0';
			return app_error(a, 403, "my_cross_site") == 0 ? 1 : -1;
		}
	}
	if (rc == STORE_NOTFOUND)
		return app_error(a, 404, "not_found") == 0 ? 1 : -1;
	if (rc != STORE_OK || app_begin(a, page) != 0)
		return -1;
	/*
	 * The definition it was made with, else today's (the oldest
	 * submissions kept none); one removed since is no reason to hide the
	 * submission.
	 */
	if ((s->definition_xml != NULL ? app_form_stored(a,
	    s->definition_xml, &f) : app_form_id(a, s->service, NULL, &f)) == 0) {
		rc = app_service_node(a, &f, a->root) == NULL ? -1 : 0;
		form_free(&f);
		if (rc != 0)
			return -1;
	}
	snprintf(fee, sizeof(fee), "%ld", s->fee_cents);
	snprintf(version, sizeof(version), "%ld", s->version);
	if (store_payment_state(a->store, s->ref, payment, sizeof(payment),
	    NULL) != STORE_OK)
		return -1;
	if ((sub = app_elem(a->root, "submission", NULL, "ref", s->ref,
	    "service", s->service, "status", s->status, "fee-cents", fee,
	    "service-version", version, "payment", payment, "token", token,
	    NULL)) == NULL ||
	    app_time_prop(sub, "created", s->created) != 0 ||
	    (hist = app_child(sub, "history", NULL)) == NULL)
		return -1;
	/* The clerk's words to the citizen; never who the clerk was. */
	for (i = 0; i < s->nhistory; i++)
		if ((e = app_elem(hist, "entry", s->history[i].message,
		    "status", s->history[i].status, NULL)) == NULL ||
		    app_time_prop(e, "at", s->history[i].at) != 0)
			return -1;
	if (app_answers(sub, s->values_xml) != 0) {
		fprintf(stderr, "rathaus: stored answers of %s do not parse\n",
		    s->ref);
		return -1;
	}
	return 0;
}

/* <payment state><event method state at source/>..</payment>. */
int
app_payment(struct app *a, xmlNodePtr parent, const char *ref,
    char state[16])
{
	struct store_payment_event *ev = NULL;
	xmlNodePtr pay, e;
	size_t	 n = 0, i;
	long	 fee;
	int	 rc = -1;

	if (store_payment_state(a->store, ref, state, 16, &fee) != STORE_OK ||
	    store_payment_history(a->store, ref, &ev, &n) != STORE_OK)
		return -1;
	if ((pay = app_elem(parent, "payment", NULL, "state", state, NULL)) ==
	    NULL)
		goto out;
	for (i = 0; i < n; i++)
		if ((e = app_elem(pay, "event", NULL, "method", ev[i].method,
		    "state", ev[i].state, "source", ev[i].source, NULL)) ==
		    NULL || app_time_prop(e, "at", ev[i].at) != 0)
			goto out;
	rc = 0;
out:
	free(ev);
	return rc;
}
