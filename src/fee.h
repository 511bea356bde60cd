/*
 * fee: what a submission costs, in integer cents, from the definition's
 * <fee> and its rules (by option, per unit, waived), computed on the
 * server from checked answers only.
 */
#ifndef RATHAUS_FEE_H
#define RATHAUS_FEE_H

#include "form.h"
#include "valid.h"

/* One line of the bill: qty times unit cents, named by its rule. */
struct fee_line {
	xmlNodePtr	 rule;		/* <fee>, <if> or <each> */
	long		 qty;
	long		 unit;
	long		 total;
};

struct fee_bill {
	xmlNodePtr	 schedule;	/* the <fee> in effect */
	struct fee_line	*lines;
	size_t		 nlines;
	xmlNodePtr	 waiver;	/* the <waive> that applies, or NULL */
	long		 total;		/* cents; 0 when waived */
};

int	 fee_check(const struct form *, const char *path, struct form_diag *);
xmlNodePtr fee_schedule(const struct form *, const struct when_date *today);
int	 fee_bill(const struct form *, const struct valid_result *,
	    const struct when_date *today, struct fee_bill *);
xmlNodePtr fee_bill_xml(const struct form *, const struct fee_bill *,
	    xmlNodePtr parent);
void	 fee_bill_free(struct fee_bill *);

#endif
