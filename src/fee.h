/*
 * fee: what a submission costs, in integer cents, from the definition's
 * <fee> and its rules (by option, per unit, waived), computed on the
 * server from checked answers only.
 */
#ifndef RATHAUS_FEE_H
#define RATHAUS_FEE_H

#include "form.h"
#include "valid.h"

int	 fee_check(const struct form *, const char *path, struct form_diag *);
long	 fee_total(const struct form *, const struct valid_result *);

#endif
