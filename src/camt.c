#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <nettle/sha2.h>

#include "buf.h"
#include "camt.h"
#include "epc.h"
#include "text.h"
#include "xmlsafe.h"

#define CAMT_NS		"urn:iso:std:iso:20022:tech:xsd:camt.053."
#define CAMT_REFS_MAX	8	/* distinct references looked at per transaction */
#define CAMT_FILE_MAX	(64L << 20)
#define CAMT_ID_HASH	35	/* "t1:" and 32 hex digits */
#define CAMT_IBAN_MAX	40	/* 34 characters and room */

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

/*
 * The text of an element without white space around it, and tabs and
 * line breaks inside as spaces (the only controls XML text can hold: a
 * name with a line break in it must not start a line of its own in
 * rathaus camt's report), C1 controls as "?" and no bidi controls
 * (text_defuse_controls); NULL if none.
 */
static char *
camt_text(const xmlNode *n)
{
	xmlChar	*raw;
	char	*t, *p;
	size_t	 start, len;

	if (n == NULL || (raw = xmlNodeGetContent(n)) == NULL)
		return NULL;
	t = (char *)raw;
	start = strspn(t, " \t\r\n");
	len = strlen(t + start);
	while (len > 0 && strchr(" \t\r\n", t[start + len - 1]) != NULL)
		len--;
	t = len > 0 ? strndup(t + start, len) : NULL;
	for (p = t; p != NULL && *p != '\0'; p++)
		if (*p == '\t' || *p == '\r' || *p == '\n')
			*p = ' ';
	/* Printed to the operator's terminal: no control changes it. */
	if (t != NULL)
		text_defuse_controls(t);
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

/* The element at `path` (child names, NULL-terminated) below `n`. */
static xmlNode *
camt_path(const xmlNode *n, const char *const *path)
{
	xmlNode	*c = (xmlNode *)n;

	for (; *path != NULL && c != NULL; path++)
		c = camt_child(c, *path);
	return c;
}

/* An IBAN as compared: upper case, without the spaces of print. */
static void
camt_iban_norm(const char *s, char out[CAMT_IBAN_MAX])
{
	size_t	 n = 0;

	for (; s != NULL && *s != '\0' && n < CAMT_IBAN_MAX - 1; s++)
		if (*s != ' ')
			out[n++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
	out[n] = '\0';
}

/* Whether two IBANs name one account (spaces and case aside). */
int
camt_iban_equal(const char *a, const char *b)
{
	char	 x[CAMT_IBAN_MAX], y[CAMT_IBAN_MAX];

	camt_iban_norm(a, x);
	camt_iban_norm(b, y);
	return *x != '\0' && strcmp(x, y) == 0;
}

/* cents as "12.50" ("-3.00" below zero). */
void
camt_money(long cents, char out[CAMT_MONEY_MAX])
{
	(void)text_cents_format(cents, out, CAMT_MONEY_MAX);
}

/*
 * An amount element with its Ccy: 1 read, 0 when there is no `n`, -1
 * when it is malformed (the whole statement is then refused).
 */
static int
camt_amt(const xmlNode *n, long *cents, char currency[4])
{
	xmlChar	*ccy;
	char	*v;
	int	 ok;

	if (n == NULL)
		return 0;
	ccy = xmlGetProp(n, (const xmlChar *)"Ccy");
	v = camt_text(n);
	ok = ccy != NULL && strlen((const char *)ccy) == 3 &&
	    strspn((const char *)ccy, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3 &&
	    v != NULL && camt_amount(v, cents) == 0;
	if (ok)
		memcpy(currency, ccy, 4);
	xmlFree(ccy);
	free(v);
	return ok ? 1 : -1;
}

/* Placeholders banks write where there is no reference. */
static int
camt_noref(const char *s)
{
	return s == NULL || *s == '\0' || strcmp(s, "NONREF") == 0 ||
	    strcmp(s, "NOTPROVIDED") == 0;
}

/* What an entry (Ntry) gives each of its transactions. */
struct camt_ntry {
	const xmlNode	*n;
	size_t		 stmt;
	size_t		 pos;		/* in its statement, from 1 */
	const char	*iban;		/* its statement's account */
	long		 amount_cents;
	char		 currency[4];
	int		 credit;
	int		 reversal;
	char		 status[8];
	char		 booked[11];
	char		 value[11];
	char		*svcr_ref;	/* AcctSvcrRef */
	char		*ntry_ref;	/* NtryRef */
	size_t		 ntx;		/* its TxDtls */
};

/*
 * The identity of a transaction: what the bank reports about it that
 * is the same however often and in whichever camt version the statement
 * is downloaded, each field named and ended by a separator XML text
 * cannot hold (0x1f). The bank's references go in, but none of them is
 * trusted to be unique (banks reuse AcctSvcrRef, payers leave EndToEndId
 * NOTPROVIDED); the position in the file does not go in (a month's
 * statement lists a day's bookings elsewhere than the day's statement).
 * Every text camt_match reads goes in, so two transactions with one
 * identity always name the same submission.
 */
static const char *const camt_key_refs[] = { "MsgId", "AcctSvcrRef",
    "PmtInfId", "InstrId", "EndToEndId", "TxId", "MndtId", "ChqNb",
    "ClrSysRef", NULL };

static void
camt_key(struct sha256_ctx *h, const char *name, const char *value)
{
	sha256_update(h, strlen(name), (const uint8_t *)name);
	sha256_update(h, 1, (const uint8_t *)"=");
	if (value != NULL)
		sha256_update(h, strlen(value), (const uint8_t *)value);
	sha256_update(h, 1, (const uint8_t *)"\x1f");
}

static void
camt_key_amount(struct sha256_ctx *h, const char *name, long cents,
    const char *currency)
{
	char	 v[CAMT_MONEY_MAX + 8];

	camt_money(cents, v);
	snprintf(v + strlen(v), sizeof(v) - strlen(v), " %s", currency);
	camt_key(h, name, v);
}

/* The identity's first part, "t1:" and 128 bits of SHA-256 in hex. */
static void
camt_identity(const struct camt_ntry *e, const xmlNode *tx,
    struct camt_tx *t)
{
	static const char *const dbtr_acct[] = { "RltdPties", "DbtrAcct",
	    "Id", "IBAN", NULL };
	struct sha256_ctx h;
	uint8_t	 d[SHA256_DIGEST_SIZE];
	const xmlNode *refs = camt_child(tx, "Refs");
	char	*v, iban[CAMT_IBAN_MAX];
	size_t	 i;

	sha256_init(&h);
	camt_key(&h, "acct", e->iban);
	camt_key(&h, "bookg", e->booked);
	camt_key(&h, "val", e->value);
	camt_key(&h, "cdi", e->credit ? "CRDT" : "DBIT");
	camt_key(&h, "rvsl", e->reversal ? "true" : "false");
	camt_key_amount(&h, "amt", e->amount_cents, e->currency);
	camt_key(&h, "svcr", e->svcr_ref);
	camt_key(&h, "ntryref", e->ntry_ref);
	camt_key(&h, "txcdi", t->credit ? "CRDT" : "DBIT");
	if (t->has_amount)
		camt_key_amount(&h, "txamt", t->amount_cents, t->currency);
	if (*t->sent_currency != '\0')
		camt_key_amount(&h, "sent", t->sent_cents, t->sent_currency);
	for (i = 0; camt_key_refs[i] != NULL; i++) {
		v = camt_text(camt_child(refs, camt_key_refs[i]));
		camt_key(&h, camt_key_refs[i], v);
		free(v);
	}
	camt_key(&h, "dbtr", t->payer);
	v = camt_text(camt_path(tx, dbtr_acct));
	camt_iban_norm(v, iban);
	free(v);
	camt_key(&h, "dbtracct", iban);
	for (i = 0; i < t->ntexts; i++)
		camt_key(&h, "text", t->texts[i]);
	sha256_digest(&h, sizeof(d), d);
	memcpy(t->id, "t1:", 3);
	for (i = 0; i < 16; i++)
		snprintf(t->id + 3 + 2 * i, 3, "%02x", d[i]);
}

static int
camt_add_text(struct camt_tx *t, const xmlNode *n)
{
	char	**v, *s;

	if ((s = camt_text(n)) == NULL)
		return 0;
	if ((v = reallocarray(t->texts, t->ntexts + 1, sizeof(*v))) == NULL) {
		free(s);
		return -1;
	}
	t->texts = v;
	t->texts[t->ntexts++] = s;
	return 0;
}

/* Every child `name` of `n` as a text; -1 when out of memory. */
static int
camt_add_texts(struct camt_tx *t, const xmlNode *n, const char *name)
{
	const xmlNode *c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
		if (camt_is(c, name) && camt_add_text(t, c) != 0)
			return -1;
	return 0;
}

/*
 * The texts a reference of ours may be in: the remittance lines, the
 * creditor reference and the additional remittance lines of each Strd,
 * the transaction's additional information, and the entry's when the
 * entry is this one transaction (a batch's is about the batch).
 */
static int
camt_tx_texts(const struct camt_ntry *e, const xmlNode *tx,
    struct camt_tx *t)
{
	const xmlNode *rmt = camt_child(tx, "RmtInf"), *c;

	if (camt_add_texts(t, rmt, "Ustrd") != 0)
		return -1;
	t->nlines = t->ntexts;
	for (c = rmt != NULL ? rmt->children : NULL; c != NULL; c = c->next)
		if (camt_is(c, "Strd") &&
		    (camt_add_texts(t, camt_child(c, "CdtrRefInf"), "Ref") != 0 ||
		    camt_add_texts(t, c, "AddtlRmtInf") != 0))
			return -1;
	if (camt_add_texts(t, tx, "AddtlTxInf") != 0)
		return -1;
	return e->ntx > 1 ? 0 : camt_add_texts(t, e->n, "AddtlNtryInf");
}

/*
 * How a person finds the transaction in online banking: the bank's
 * reference for it, else the entry's (with the transaction's place in a
 * batch), else the entry's place in the statement ("#3").
 */
static char *
camt_label(const struct camt_ntry *e, const xmlNode *tx, size_t k)
{
	static const char *const tx_ref[] = { "Refs", "AcctSvcrRef", NULL };
	struct buf b;
	char	*own = camt_text(camt_path(tx, tx_ref));
	const char *entry = !camt_noref(e->svcr_ref) ? e->svcr_ref :
	    !camt_noref(e->ntry_ref) ? e->ntry_ref : NULL;

	buf_init(&b, 256);
	if (!camt_noref(own))
		buf_addstr(&b, own);
	else if (entry != NULL)
		buf_addstr(&b, entry);
	else
		buf_printf(&b, "#%zu", e->pos);
	if (camt_noref(own) && e->ntx > 1)
		buf_printf(&b, "/%zu", k + 1);
	free(own);
	own = buf_steal(&b);
	buf_free(&b);
	return own;
}

static void
camt_tx_free(struct camt_tx *t)
{
	size_t	 i;

	for (i = 0; i < t->ntexts; i++)
		free(t->texts[i]);
	free(t->texts);
	free(t->label);
	free(t->payer);
	memset(t, 0, sizeof(*t));
}

void
camt_free(struct camt_statement *st)
{
	size_t	 i;

	for (i = 0; i < st->n; i++)
		camt_tx_free(&st->tx[i]);
	for (i = 0; i < st->nstmts; i++) {
		free(st->stmts[i].id);
		free(st->stmts[i].iban);
	}
	free(st->tx);
	free(st->stmts);
	memset(st, 0, sizeof(*st));
}

/*
 * Transaction k of entry e (tx its TxDtls, or NULL for an entry without
 * details) appended to st. Its amount: its own (TxDtls/Amt from .03 on,
 * AmtDtls/TxAmt in .02), else the entry's if it is the entry's only one;
 * a batch that gives none leaves it without (a person looks).
 */
static int
camt_tx(struct camt_statement *st, const struct camt_ntry *e,
    const xmlNode *tx, size_t k, char *err, size_t esize)
{
	static const char *const tx_amt[] = { "AmtDtls", "TxAmt", "Amt",
	    NULL };
	static const char *const sent_amt[] = { "AmtDtls", "InstdAmt", "Amt",
	    NULL };
	static const char *const dbtr[] = { "RltdPties", "Dbtr", "Nm", NULL };
	static const char *const dbtr08[] = { "RltdPties", "Dbtr", "Pty", "Nm",
	    NULL };
	struct camt_tx t, *v;
	char	 cdi[8];
	int	 rc;

	memset(&t, 0, sizeof(t));
	t.stmt = e->stmt;
	t.credit = e->credit;
	t.reversal = e->reversal;
	memcpy(t.status, e->status, sizeof(t.status));
	memcpy(t.booked, e->booked, sizeof(t.booked));
	if ((rc = camt_amt(camt_child(tx, "Amt"), &t.amount_cents,
	    t.currency)) == 0)
		rc = camt_amt(camt_path(tx, tx_amt), &t.amount_cents,
		    t.currency);
	if (rc == 0 && e->ntx <= 1) {
		t.amount_cents = e->amount_cents;
		memcpy(t.currency, e->currency, sizeof(t.currency));
		rc = 1;
	}
	t.has_amount = rc == 1;
	if (rc >= 0)
		rc = camt_amt(camt_path(tx, sent_amt), &t.sent_cents,
		    t.sent_currency);
	if (rc < 0) {
		snprintf(err, esize, "line %ld: a transaction's amount is not"
		    " valid", (long)xmlGetLineNo(tx));
		return -1;
	}
	if (!t.has_amount) {
		memcpy(t.currency, e->currency, sizeof(t.currency));
		snprintf(t.problem, sizeof(t.problem), "the batch gives no"
		    " amount for this transaction");
	}
	if (camt_child_text(tx, "CdtDbtInd", cdi, sizeof(cdi)) == 0)
		t.credit = strcmp(cdi, "CRDT") == 0;
	if ((t.payer = camt_text(camt_path(tx, dbtr))) == NULL)
		t.payer = camt_text(camt_path(tx, dbtr08));
	/* Doubled, not grown by one: a statement has thousands. */
	if (st->n == st->cap && (v = reallocarray(st->tx, st->cap > 0 ?
	    st->cap * 2 : 64, sizeof(*v))) != NULL) {
		st->tx = v;
		st->cap = st->cap > 0 ? st->cap * 2 : 64;
	}
	if (st->n == st->cap || camt_tx_texts(e, tx, &t) != 0 ||
	    (t.label = camt_label(e, tx, k)) == NULL) {
		camt_tx_free(&t);
		snprintf(err, esize, "out of memory");
		return -1;
	}
	camt_identity(e, tx, &t);
	st->tx[st->n++] = t;
	return 0;
}

/*
 * A batch booking: its transactions must add up to the entry, or none
 * of them is paid (a charge taken, an amount mistyped: a person looks).
 */
static void
camt_batch_check(struct camt_statement *st, size_t first,
    const struct camt_ntry *e)
{
	char	 sum_s[CAMT_MONEY_MAX], entry_s[CAMT_MONEY_MAX];
	long	 sum = 0;
	size_t	 i;
	int	 large = 0;

	for (i = first; i < st->n && !large; i++) {
		if (!st->tx[i].has_amount ||
		    strcmp(st->tx[i].currency, e->currency) != 0)
			return;
		large = __builtin_add_overflow(sum, st->tx[i].credit ==
		    e->credit ? st->tx[i].amount_cents :
		    -st->tx[i].amount_cents, &sum);
	}
	if (!large && sum == e->amount_cents)
		return;
	if (large)
		snprintf(sum_s, sizeof(sum_s), "too much to count");
	else
		camt_money(sum, sum_s);
	camt_money(e->amount_cents, entry_s);
	for (i = first; i < st->n; i++)
		snprintf(st->tx[i].problem, sizeof(st->tx[i].problem),
		    "the batch's transactions add up to %s, the entry to %s",
		    sum_s, entry_s);
}

/* An entry (Ntry) of statement `stmt`: its transactions appended. */
static int
camt_entry(struct camt_statement *st, struct camt_ntry *e, char *err,
    size_t esize)
{
	const xmlNode *sts, *d, *c;
	char	 cdi[8], rvsl[8];
	size_t	 first = st->n, k = 0;
	int	 rc = 0;

	if (camt_amt(camt_child(e->n, "Amt"), &e->amount_cents,
	    e->currency) != 1 ||
	    camt_child_text(e->n, "CdtDbtInd", cdi, sizeof(cdi)) != 0 ||
	    (strcmp(cdi, "CRDT") != 0 && strcmp(cdi, "DBIT") != 0)) {
		snprintf(err, esize, "line %ld: an entry without a valid amount,"
		    " currency and CdtDbtInd", (long)xmlGetLineNo(e->n));
		return -1;
	}
	e->credit = strcmp(cdi, "CRDT") == 0;
	e->reversal = camt_child_text(e->n, "RvslInd", rvsl,
	    sizeof(rvsl)) == 0 && (strcmp(rvsl, "true") == 0 ||
	    strcmp(rvsl, "1") == 0);
	/* Sts: the code itself (.02, .04), or inside Cd (.08). */
	sts = camt_child(e->n, "Sts");
	if (camt_child_text(sts, "Cd", e->status, sizeof(e->status)) != 0 &&
	    camt_child_text(e->n, "Sts", e->status, sizeof(e->status)) != 0)
		*e->status = '\0';
	camt_date(camt_child(e->n, "BookgDt"), e->booked);
	camt_date(camt_child(e->n, "ValDt"), e->value);
	e->svcr_ref = camt_text(camt_child(e->n, "AcctSvcrRef"));
	e->ntry_ref = camt_text(camt_child(e->n, "NtryRef"));
	for (d = e->n->children; d != NULL; d = d->next)
		for (c = camt_is(d, "NtryDtls") ? d->children : NULL; c != NULL;
		    c = c->next)
			e->ntx += camt_is(c, "TxDtls");
	if (e->ntx == 0)
		rc = camt_tx(st, e, NULL, 0, err, esize);
	for (d = e->n->children; d != NULL && rc == 0; d = d->next)
		for (c = camt_is(d, "NtryDtls") ? d->children : NULL;
		    c != NULL && rc == 0; c = c->next)
			if (camt_is(c, "TxDtls"))
				rc = camt_tx(st, e, c, k++, err, esize);
	if (rc == 0 && e->ntx > 1)
		camt_batch_check(st, first, e);
	free(e->svcr_ref);
	free(e->ntry_ref);
	return rc;
}

static int
camt_by_id(const void *a, const void *b)
{
	const struct camt_tx *x = *(const struct camt_tx *const *)a;
	const struct camt_tx *y = *(const struct camt_tx *const *)b;
	int	 c = strcmp(x->id, y->id);

	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * The identity's count: transactions equal in every field the identity
 * reads (the same payer sending the same amount with the same text
 * twice on one day) are told apart by their order among themselves in
 * the file, ":1", ":2": a second import gives each the same count.
 */
static int
camt_count_ids(struct camt_statement *st)
{
	struct camt_tx **v;
	size_t	 i, same = 0;

	if (st->n == 0)
		return 0;
	if ((v = calloc(st->n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < st->n; i++)
		v[i] = &st->tx[i];
	qsort(v, st->n, sizeof(*v), camt_by_id);
	for (i = 0; i < st->n; i++) {
		same = i > 0 && strncmp(v[i]->id, v[i - 1]->id,
		    CAMT_ID_HASH) == 0 ? same + 1 : 1;
		snprintf(v[i]->id + CAMT_ID_HASH, CAMT_ID_MAX - CAMT_ID_HASH,
		    ":%zu", same);
	}
	free(v);
	return 0;
}

static int
camt_read(xmlDoc *doc, struct camt_statement *st, char *err, size_t esize)
{
	static const char *const iban[] = { "Acct", "Id", "IBAN", NULL };
	const xmlNode *root = xmlDocGetRootElement(doc), *stmt, *n;
	struct camt_stmt *s;
	struct camt_ntry e;
	char	*v, norm[CAMT_IBAN_MAX];
	size_t	 before, pos;

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
		if ((s = reallocarray(st->stmts, st->nstmts + 1,
		    sizeof(*s))) == NULL)
			goto oom;
		st->stmts = s;
		s = &st->stmts[st->nstmts++];
		memset(s, 0, sizeof(*s));
		v = camt_text(camt_path(stmt, iban));
		camt_iban_norm(v, norm);
		free(v);
		if ((s->iban = strdup(norm)) == NULL ||
		    ((s->id = camt_text(camt_child(stmt, "Id"))) == NULL &&
		    (s->id = strdup("")) == NULL))
			goto oom;
		before = st->n;
		pos = 0;
		for (n = stmt->children; n != NULL; n = n->next) {
			if (!camt_is(n, "Ntry"))
				continue;
			memset(&e, 0, sizeof(e));
			e.n = n;
			e.stmt = st->nstmts - 1;
			e.iban = s->iban;
			e.pos = ++pos;
			if (camt_entry(st, &e, err, esize) != 0)
				return -1;
		}
		st->stmts[st->nstmts - 1].ntx = st->n - before;
	}
	if (camt_count_ids(st) == 0)
		return 0;
oom:
	snprintf(err, esize, "out of memory");
	return -1;
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

/* The document in data[len], or NULL with the reason in err. */
static xmlDoc *
camt_read_xml(const char *data, size_t len, char *err, size_t esize)
{
	struct xmlsafe_err x;
	xmlDoc	*doc;

	if (len == 0) {
		snprintf(err, esize, "an empty file");
		return NULL;
	}
	if ((doc = xmlsafe_read("statement.xml", data, len, NULL, CAMT_PARSE,
	    &x)) != NULL)
		return doc;
	if (x.doctype != 0)
		snprintf(err, esize, "a DOCTYPE: refused, a bank statement never"
		    " declares a document type or entities");
	else
		snprintf(err, esize, "not well-formed XML%s%s",
		    *x.message != '\0' ? ": " : "", x.message);
	return NULL;
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
 * Our reference in a transaction's texts: an RF reference made by
 * epc_rf, or a reference as printed on the receipt, each with valid
 * check digits; also when the bank cut it over two remittance lines (they
 * are cut at a fixed width: the lines are read joined, as they are and
 * with a space between). 1 with it in `ref` when there is exactly one;
 * 0 when there is none, -1 when there are several: never a guess (no
 * fuzzy matching, no matching by amount).
 */
int
camt_match(const struct camt_tx *t, char ref[REF_MAX])
{
	static const char *const sep[] = { "", " " };
	char	 found[CAMT_REFS_MAX][REF_MAX];
	struct buf joined;
	size_t	 n = 0, i, k;
	int	 rc = 0;

	*ref = '\0';
	for (i = 0; i < t->ntexts && rc == 0; i++)
		rc = camt_scan(t->texts[i], found, &n);
	for (k = 0; k < 2 && t->nlines > 1 && rc == 0; k++) {
		buf_init(&joined, 0);
		for (i = 0; i < t->nlines; i++)
			buf_printf(&joined, "%s%s", i > 0 ? sep[k] : "",
			    t->texts[i]);
		rc = joined.failed ? -1 : camt_scan(buf_str(&joined), found, &n);
		buf_free(&joined);
	}
	if (rc != 0 || n != 1)
		return rc != 0 || n > 1 ? -1 : 0;
	snprintf(ref, REF_MAX, "%s", found[0]);
	return 1;
}

/*
 * What a transaction is to the town, from its content alone (the store
 * then says whether the submission awaits exactly this amount). Only a
 * booked credit in euro, not a reversal, whose remittance names exactly
 * one reference of ours, can pay; one that names ours but cannot is
 * held with the reason in `why`, for a person.
 */
enum camt_kind
camt_classify(const struct camt_tx *t, char ref[REF_MAX], char *why,
    size_t size)
{
	char	 a[CAMT_MONEY_MAX], b[CAMT_MONEY_MAX];
	int	 m = camt_match(t, ref);

	*why = '\0';
	camt_money(t->amount_cents, a);
	if (!t->credit && !t->reversal)
		return CAMT_SKIP;
	if (strcmp(t->status, "BOOK") != 0) {
		snprintf(why, size, "not booked (%s)", *t->status != '\0' ?
		    t->status : "no status");
		return m == 1 ? CAMT_PENDING : CAMT_SKIP;
	}
	if (t->reversal) {
		/* A reversed credit is money taken back; a reversed debit,
		 * money that came back (a refund that did not reach). */
		snprintf(why, size, t->credit ? "a debit of %s reversed: the"
		    " money came back" : "a transfer of %s reversed: the bank"
		    " took the money back", a);
		return m == 1 ? CAMT_HOLD : CAMT_SKIP;
	}
	if (m != 1) {
		snprintf(why, size, m < 0 ? "several references of ours" :
		    "no reference of ours");
		return CAMT_UNMATCHED;
	}
	if (strcmp(t->currency, "EUR") != 0)
		snprintf(why, size, "currency %s, not EUR", t->currency);
	else if (*t->sent_currency != '\0' &&
	    strcmp(t->sent_currency, "EUR") != 0) {
		camt_money(t->sent_cents, b);
		snprintf(why, size, "sent as %s %s, booked as %s EUR", b,
		    t->sent_currency, a);
	} else
		snprintf(why, size, "%s", t->problem);
	return *why != '\0' ? CAMT_HOLD : CAMT_PAYMENT;
}
