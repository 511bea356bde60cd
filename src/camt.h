/*
 * camt: bank statements (ISO 20022 BankToCustomerStatement, camt.053,
 * any version: elements are matched by local name) read into their
 * transactions, each with an identity that is the same in every import
 * of it and differs between any two bookings; and what a transaction is
 * to the town (camt_classify), before the store is asked. Knows nothing
 * of requests, configuration or the store.
 */
#ifndef RATHAUS_CAMT_H
#define RATHAUS_CAMT_H

#include <stddef.h>

#include "ref.h"

#define CAMT_ID_MAX	48	/* "t1:", 32 hex digits, ":" and a count */
#define CAMT_WHY_MAX	128
#define CAMT_MONEY_MAX	24

/* One statement (Stmt): one account's bookings of a day or a period. */
struct camt_stmt {
	char		*id;		/* Stmt/Id, or "" */
	char		*iban;		/* Acct/Id/IBAN, upper case, no spaces;
					   "" when the account has another id */
	size_t		 ntx;		/* its transactions, in order, in tx[] */
};

/*
 * One transaction: a TxDtls of an entry (Ntry; a batch booking has
 * several), or an entry without any. Amounts in cents; the entry's
 * direction, status and dates apply to each of its transactions.
 */
struct camt_tx {
	size_t		 stmt;		/* its statement, in stmts[] */
	int		 has_amount;	/* 0: a batch gives it none of its own */
	long		 amount_cents;
	char		 currency[4];
	long		 sent_cents;	/* AmtDtls/InstdAmt: what the payer */
	char		 sent_currency[4]; /* sent, when given ("" if not) */
	int		 credit;	/* CdtDbtInd CRDT: money in */
	int		 reversal;	/* RvslInd: takes back an earlier booking */
	char		 status[8];	/* BOOK, PDNG, INFO, ... ("" if none) */
	char		 booked[11];	/* BookgDt as YYYY-MM-DD, or "" */
	char		*label;		/* how a person finds it at the bank */
	char		*payer;		/* the debtor's name, or NULL */
	char		 id[CAMT_ID_MAX]; /* identity (docs/internals.md) */
	char		**texts;	/* the remittance lines (Ustrd) first,
					   then CdtrRefInf/Ref, AddtlRmtInf,
					   AddtlTxInf, the entry's AddtlNtryInf */
	size_t		 ntexts;
	size_t		 nlines;	/* how many of texts are Ustrd lines */
	char		 problem[CAMT_WHY_MAX]; /* why it cannot pay as it
					   is (a batch that does not add up),
					   or "" */
};

struct camt_statement {
	struct camt_stmt *stmts;
	size_t		 nstmts;
	struct camt_tx	*tx;
	size_t		 n;
	size_t		 cap;		/* tx allocated */
};

/* What a transaction is to the town, by its content alone. */
enum camt_kind {
	CAMT_SKIP,	/* a debit; pending or reversed, naming nothing of ours */
	CAMT_UNMATCHED,	/* a booked credit naming no reference of ours, or
			   several */
	CAMT_PENDING,	/* names one of ours, not booked (yet) */
	CAMT_HOLD,	/* names one of ours, never marked paid as it is: a
			   reversal, another currency, a batch that does not
			   add up */
	CAMT_PAYMENT,	/* a booked credit in euro naming one of ours: paid
			   if the store says it awaits exactly this amount */
};

int	 camt_amount(const char *, long *cents);
void	 camt_money(long cents, char out[CAMT_MONEY_MAX]);
int	 camt_parse_file(const char *path, struct camt_statement *,
	    char *err, size_t errsize);
int	 camt_parse_memory(const char *data, size_t len,
	    struct camt_statement *, char *err, size_t errsize);
void	 camt_free(struct camt_statement *);
int	 camt_match(const struct camt_tx *, char ref[REF_MAX]);
enum camt_kind camt_classify(const struct camt_tx *, char ref[REF_MAX],
	    char *why, size_t whysize);
int	 camt_iban_equal(const char *, const char *);

#endif
