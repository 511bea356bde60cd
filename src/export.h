/*
 * export: the submissions of one service as a table for the office, in
 * CSV (German Excel: UTF-8 with BOM, ";", CRLF), XML or JSON. Columns:
 * reference, created, status, version, the fee, then one per answer in
 * the order of the current definition's fields (rows of repeating groups
 * as name.1, name.2, ... up to the largest row in the data), then the
 * answer names found only in older submissions, sorted.
 */
#ifndef RATHAUS_EXPORT_H
#define RATHAUS_EXPORT_H

#include <stdio.h>

#include "form.h"
#include "store.h"
#include "store_admin.h"

enum export_format {
	EXPORT_CSV,
	EXPORT_XML,
	EXPORT_JSON
};

/*
 * Writes the submissions the filter selects to `out`, oldest first.
 * `current` is today's definition of filter->service (its fields give
 * the column order; NULL: the names in the data, sorted). 0 when all was
 * written; -1 on a store error (store_errmsg), a stored answer that does
 * not parse, no memory or a write error. The output may then be cut off.
 */
int	 export_write(enum export_format, FILE *out, struct store *,
	    const struct form *current, const struct store_filter *);

/* "csv", "xml", "json" -> the format; -1 for anything else. */
int	 export_format_parse(const char *name, enum export_format *);

#endif
