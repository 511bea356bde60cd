/*
 * camt: bank statements (ISO 20022 BankToCustomerStatement, camt.053,
 * any version: elements are matched by local name) read into the credit
 * entries a town looks for, and the reference of ours an entry names.
 */
#ifndef RATHAUS_CAMT_H
#define RATHAUS_CAMT_H

#include <stddef.h>

#include "ref.h"

struct camt_entry {
	long		 amount_cents;
	char		 currency[4];
	char		 booked[11];	/* YYYY-MM-DD, or "" */
	char		*id;		/* AcctSvcrRef, NtryRef, or "h:" hash */
	char		**texts;	/* Ustrd lines, CdtrRefInf/Ref */
	size_t		 ntexts;
};

struct camt_statement {
	struct camt_entry *entries;	/* credits, booked */
	size_t		 n;
	size_t		 skipped;	/* debits, entries not booked */
};

int	 camt_amount(const char *, long *cents);
int	 camt_parse_file(const char *path, struct camt_statement *,
	    char *err, size_t errsize);
int	 camt_parse_memory(const char *data, size_t len,
	    struct camt_statement *, char *err, size_t errsize);
void	 camt_free(struct camt_statement *);
int	 camt_match(const struct camt_entry *, char ref[REF_MAX]);

#endif
