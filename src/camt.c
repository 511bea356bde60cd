#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "buf.h"
#include "camt.h"
#include "epc.h"
#include "text.h"

#define CAMT_NS		"urn:iso:std:iso:20022:tech:xsd:camt.053."
#define CAMT_REFS_MAX	8	/* distinct references looked at per entry */
#define CAMT_FILE_MAX	(64L << 20)

/*
 * An amount as ISO 20022 writes it ("1800.00", "12.5", "7"): digits, a
 * point, at most five fraction digits of which only two may be other than
 * zero (euro cents); no sign, no exponent, no floating point.
 */
int
camt_amount(const char *s, long *cents)
{
	return text_cents_parse(s, 15, 5, cents);
}

static int
camt_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
camt_child(const xmlNode *n, const char *name)
{
	xmlNode	*c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (camt_is(c, name))
			return c;
	return NULL;
}

/* The text of an element without white space around it; NULL if none. */
static char *
camt_text(const xmlNode *n)
{
	xmlChar	*raw;
	char	*t;
	size_t	 start, len;

	if (n == NULL || (raw = xmlNodeGetContent(n)) == NULL)
		return NULL;
	t = (char *)raw;
	start = strspn(t, " \t\r\n");
	len = strlen(t + start);
	while (len > 0 && strchr(" \t\r\n", t[start + len - 1]) != NULL)
		len--;
	t = len > 0 ? strndup(t + start, len) : NULL;
	xmlFree(raw);
	return t;
}

/* The text of the first child `name` into out[size]; 0, or -1 if none. */
static int
camt_child_text(const xmlNode *n, const char *name, char *out, size_t size)
{
	char	*t = camt_text(camt_child(n, name));
	int	 rc = t != NULL && strlen(t) < size ? 0 : -1;

	snprintf(out, size, "%s", rc == 0 ? t : "");
	free(t);
	return rc;
}

static void
camt_entry_free(struct camt_entry *e)
{
	size_t	 i;

	for (i = 0; i < e->ntexts; i++)
		free(e->texts[i]);
	free(e->texts);
	free(e->id);
	memset(e, 0, sizeof(*e));
}

void
camt_free(struct camt_statement *st)
{
	size_t	 i;

	for (i = 0; i < st->n; i++)
		camt_entry_free(&st->entries[i]);
	free(st->entries);
	memset(st, 0, sizeof(*st));
}

/* The remittance texts below `n`: RmtInf/Ustrd and CdtrRefInf/Ref. */
static int
camt_texts(const xmlNode *n, struct camt_entry *e)
{
	const xmlNode *c;
	char	**v, *t;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((camt_is(c, "Ustrd") && camt_is(c->parent, "RmtInf")) ||
		    (camt_is(c, "Ref") && camt_is(c->parent, "CdtrRefInf"))) {
			if ((t = camt_text(c)) == NULL)
				continue;
			if ((v = reallocarray(e->texts, e->ntexts + 1,
			    sizeof(*v))) == NULL) {
				free(t);
				return -1;
			}
			e->texts = v;
			e->texts[e->ntexts++] = t;
		} else if (camt_texts(c, e) != 0)
			return -1;
	}
	return 0;
}

/*
 * The id of an entry without the bank's references: FNV-1a (64 bits) of
 * its canonical fields, so the same entry in a later statement is the
 * same id. Not a secret; a collision can only make rathaus camt say
 * "already" or "check", never pay the wrong submission.
 */
static char *
camt_hash_id(const struct camt_entry *e, const char *value_date)
{
	struct buf b;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t	 i;
	char	*id;

	buf_init(&b, 1 << 20);
	buf_printf(&b, "%ld\x1f%s\x1f%s\x1f%s", e->amount_cents, e->currency,
	    e->booked, value_date);
	for (i = 0; i < e->ntexts; i++)
		buf_printf(&b, "\x1f%s", e->texts[i]);
	for (i = 0; i < b.len; i++) {
		h ^= (unsigned char)b.data[i];
		h *= 0x100000001b3ULL;
	}
	id = b.failed ? NULL : malloc(24);
	if (id != NULL)
		snprintf(id, 24, "h:%016llx", (unsigned long long)h);
	buf_free(&b);
	return id;
}

/* A date element (Dt or DtTm inside `n`) as YYYY-MM-DD, or "". */
static void
camt_date(const xmlNode *n, char out[11])
{
	char	 d[40];

	if (camt_child_text(n, "Dt", d, sizeof(d)) != 0 &&
	    camt_child_text(n, "DtTm", d, sizeof(d)) != 0)
		*d = '\0';
	if (strlen(d) >= 10)
		memcpy(out, d, 10);
	out[strlen(d) >= 10 ? 10 : 0] = '\0';
}

/*
 * One Ntry: 1 when it is a booked credit (in *e), 0 when it is not ours
 * to look at, -1 when it is malformed (no amount, no currency).
 */
static int
camt_entry(const xmlNode *n, struct camt_entry *e, char *err, size_t esize)
{
	const xmlNode *amt = camt_child(n, "Amt"), *sts;
	char	 ind[8], status[16], amount[40], value[11];
	xmlChar	*ccy;
	int	 ok;

	memset(e, 0, sizeof(*e));
	if (camt_child_text(n, "CdtDbtInd", ind, sizeof(ind)) != 0 ||
	    strcmp(ind, "CRDT") != 0)
		return 0;
	/* Sts: the code itself (.001.02) or inside Cd (.001.08). */
	if ((sts = camt_child(n, "Sts")) != NULL) {
		if (camt_child(sts, "Cd") != NULL)
			(void)camt_child_text(sts, "Cd", status, sizeof(status));
		else
			(void)camt_child_text(n, "Sts", status,
			    sizeof(status));
		if (strcmp(status, "BOOK") != 0)
			return 0;
	}
	ccy = amt != NULL ? xmlGetProp(amt, (const xmlChar *)"Ccy") : NULL;
	ok = ccy != NULL && strlen((const char *)ccy) == 3 &&
	    camt_child_text(n, "Amt", amount, sizeof(amount)) == 0 &&
	    camt_amount(amount, &e->amount_cents) == 0;
	if (ok)
		snprintf(e->currency, sizeof(e->currency), "%s", ccy);
	xmlFree(ccy);
	if (!ok) {
		snprintf(err, esize, "line %ld: an entry without a valid amount"
		    " and currency", (long)xmlGetLineNo(n));
		return -1;
	}
	camt_date(camt_child(n, "BookgDt"), e->booked);
	camt_date(camt_child(n, "ValDt"), value);
	if (camt_texts(n, e) != 0 ||
	    ((e->id = camt_text(camt_child(n, "AcctSvcrRef"))) == NULL &&
	    (e->id = camt_text(camt_child(n, "NtryRef"))) == NULL &&
	    (e->id = camt_hash_id(e, value)) == NULL)) {
		camt_entry_free(e);
		snprintf(err, esize, "out of memory");
		return -1;
	}
	return 1;
}

static int
camt_read(xmlDoc *doc, struct camt_statement *st, char *err, size_t esize)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *stmt, *n;
	struct camt_entry e, *v;
	int	 rc;

	if (!camt_is(root, "Document") || root->ns == NULL ||
	    strncmp((const char *)root->ns->href, CAMT_NS,
	    strlen(CAMT_NS)) != 0 ||
	    (root = camt_child(root, "BkToCstmrStmt")) == NULL) {
		snprintf(err, esize, "not a camt.053 bank statement");
		return -1;
	}
	for (stmt = root->children; stmt != NULL; stmt = stmt->next) {
		if (!camt_is(stmt, "Stmt"))
			continue;
		for (n = stmt->children; n != NULL; n = n->next) {
			if (!camt_is(n, "Ntry"))
				continue;
			if ((rc = camt_entry(n, &e, err, esize)) < 0)
				return -1;
			if (rc == 0) {
				st->skipped++;
				continue;
			}
			if ((v = reallocarray(st->entries, st->n + 1,
			    sizeof(*v))) == NULL) {
				camt_entry_free(&e);
				snprintf(err, esize, "out of memory");
				return -1;
			}
			st->entries = v;
			st->entries[st->n++] = e;
		}
	}
	return 0;
}

/*
 * Parsed without network, without entity expansion, and without a
 * document type: the DOCTYPE is where entities are declared (a "billion
 * laughs" statement: an internal entity used ten times in each of many
 * lines grows a few kilobytes into a gigabyte when the texts are read),
 * and no bank sends one. The parser stops at the DOCTYPE, before the
 * first declaration in it (docs/security.md).
 */
#define CAMT_PARSE	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
			 XML_PARSE_NOWARNING)

static void
camt_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	*(int *)ctxt->_private = 1;
	xmlStopParser(ctxt);
}

/* The document in data[len], or NULL with the reason in err. */
static xmlDoc *
camt_read_xml(const char *data, size_t len, char *err, size_t esize)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc	*doc = NULL;
	const xmlError *x;
	int	 doctype = 0;

	if (len == 0) {
		snprintf(err, esize, "an empty file");
		return NULL;
	}
	if ((ctxt = xmlCreateMemoryParserCtxt(data, (int)len)) == NULL) {
		snprintf(err, esize, "out of memory");
		return NULL;
	}
	ctxt->sax->internalSubset = camt_doctype;
	ctxt->_private = &doctype;
	(void)xmlCtxtUseOptions(ctxt, CAMT_PARSE);
	(void)xmlParseDocument(ctxt);
	if (!doctype && ctxt->wellFormed && ctxt->myDoc != NULL) {
		doc = ctxt->myDoc;
		ctxt->myDoc = NULL;
	} else if (doctype)
		snprintf(err, esize, "a DOCTYPE: refused, a bank statement never"
		    " declares a document type or entities");
	else {
		x = xmlCtxtGetLastError(ctxt);
		snprintf(err, esize, "not well-formed XML%s%.*s",
		    x != NULL && x->message != NULL ? ": " : "",
		    x != NULL && x->message != NULL ?
		    (int)strcspn(x->message, "\n") : 0,
		    x != NULL && x->message != NULL ? x->message : "");
	}
	xmlFreeDoc(ctxt->myDoc);
	ctxt->myDoc = NULL;
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int
camt_parse_memory(const char *data, size_t len, struct camt_statement *st,
    char *err, size_t esize)
{
	xmlDoc	*doc;
	int	 rc;

	memset(st, 0, sizeof(*st));
	if (len > (size_t)CAMT_FILE_MAX) {
		snprintf(err, esize, "larger than %ld bytes", CAMT_FILE_MAX);
		return -1;
	}
	if ((doc = camt_read_xml(data, len, err, esize)) == NULL)
		return -1;
	rc = camt_read(doc, st, err, esize);
	xmlFreeDoc(doc);
	if (rc != 0)
		camt_free(st);
	return rc;
}

/* The file read whole (at most CAMT_FILE_MAX bytes), then parsed. */
int
camt_parse_file(const char *path, struct camt_statement *st, char *err,
    size_t esize)
{
	struct buf b;
	char	 chunk[65536];
	size_t	 n;
	FILE	*f;
	int	 rc = -1;

	memset(st, 0, sizeof(*st));
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, esize, "cannot open: %s", strerror(errno));
		return -1;
	}
	buf_init(&b, (size_t)CAMT_FILE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    buf_add(&b, chunk, n) == 0)
		;
	if (ferror(f))
		snprintf(err, esize, "cannot read: %s", strerror(errno));
	else if (b.failed)
		snprintf(err, esize, "larger than %ld bytes", CAMT_FILE_MAX);
	else
		rc = camt_parse_memory(b.len > 0 ? b.data : "", b.len, st, err,
		    esize);
	fclose(f);
	buf_free(&b);
	return rc;
}

static int
camt_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

static int
camt_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Add `ref` to the distinct ones found; -1 when there are too many. */
static int
camt_found(char found[][REF_MAX], size_t *n, const char *ref)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (strcmp(found[i], ref) == 0)
			return 0;
	if (*n == CAMT_REFS_MAX)
		return -1;
	snprintf(found[(*n)++], REF_MAX, "%s", ref);
	return 0;
}

/*
 * The RF references at `p` ("RF" not inside a word): the machine form
 * and the printed one in groups, each candidate ending where a group
 * ends; those epc_rf_ref reads as ours (RF and Damm check digits).
 */
static int
camt_scan_rf(const char *p, char found[][REF_MAX], size_t *n)
{
	char	 cand[EPC_RF_MAX], ref[REF_MAX];
	size_t	 len = 0;

	while (*p != '\0' && len < EPC_RF_MAX - 1) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (!camt_alnum(*p))
			break;
		cand[len++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		p++;
		cand[len] = '\0';
		if (!camt_alnum(*p) && epc_rf_ref(cand, ref) == 0 &&
		    camt_found(found, n, ref) != 0)
			return -1;
	}
	return 0;
}

/* Our references in one text: as RF, or as 2026-000123-4 on its own. */
static int
camt_scan(const char *t, char found[][REF_MAX], size_t *n)
{
	const char *p;
	char	 ref[REF_MAX];
	size_t	 seq;

	for (p = t; *p != '\0'; p++) {
		if (p > t && (camt_alnum(p[-1]) || p[-1] == '-'))
			continue;
		if ((p[0] == 'R' || p[0] == 'r') && (p[1] == 'F' ||
		    p[1] == 'f') && camt_scan_rf(p, found, n) != 0)
			return -1;
		if (strspn(p, "0123456789") != 4 || p[4] != '-')
			continue;
		seq = strspn(p + 5, "0123456789");
		if (seq < 6 || seq > 9 || p[5 + seq] != '-' ||
		    !camt_digit(p[6 + seq]) || camt_alnum(p[7 + seq]) ||
		    p[7 + seq] == '-')
			continue;
		snprintf(ref, sizeof(ref), "%.*s", (int)(7 + seq), p);
		if (ref_valid(ref) && camt_found(found, n, ref) != 0)
			return -1;
	}
	return 0;
}

/*
 * Our reference in an entry's remittance texts: an RF reference made by
 * epc_rf, or a reference as printed on the receipt, each with valid
 * check digits. 1 with it in `ref` when there is exactly one; 0 when
 * there is none, -1 when there are several: never a guess (no fuzzy
 * matching, no matching by amount).
 */
int
camt_match(const struct camt_entry *e, char ref[REF_MAX])
{
	char	 found[CAMT_REFS_MAX][REF_MAX];
	size_t	 n = 0, i;

	*ref = '\0';
	for (i = 0; i < e->ntexts; i++)
		if (camt_scan(e->texts[i], found, &n) != 0)
			return -1;
	if (n != 1)
		return n == 0 ? 0 : -1;
	snprintf(ref, REF_MAX, "%s", found[0]);
	return 1;
}
