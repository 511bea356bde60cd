/*
 * store_admin: what the administrator's and the staff's programs read and
 * delete in bulk: the submissions of a service one by one (exports), and
 * the purge of those past their retention. Part of the store module (the
 * store_ prefix, SQL only in src/store*.c).
 */
#ifndef RATHAUS_STORE_ADMIN_H
#define RATHAUS_STORE_ADMIN_H

#include "store.h"

/* Which submissions store_each visits. */
struct store_filter {
	const char	*service;	/* required: the service id */
	const char	*from;		/* YYYY-MM-DD: created that day or later
					   (UTC, as stored), or NULL */
	const char	*to;		/* YYYY-MM-DD: created that day or
					   earlier, or NULL */
	const char	*status;	/* only this status, or NULL: all */
};

/*
 * One submission as store_each hands it over. The strings point into the
 * store's row and are valid during the call only: copy what you keep.
 */
struct store_row {
	const char	*ref;
	const char	*created;	/* ISO 8601 UTC */
	const char	*status;
	long		 version;	/* of the definition it was made with */
	long		 fee_cents;
	const char	*answers_xml;	/* <values>; "<values/>" once purged */
	const char	*definition_xml; /* what it was made with, or NULL */
	const char	*email;		/* or NULL (none, or purged) */
	const char	*purged;	/* ISO 8601 UTC, or NULL */
};

/*
 * Calls fn for each submission the filter selects, oldest first, one row
 * in memory at a time. fn returns 0 to go on; anything else stops the
 * walk, and store_each returns STORE_ERROR ("stopped": the caller knows
 * why). STORE_ERROR too for a missing service or a date not YYYY-MM-DD.
 */
int	 store_each(struct store *, const struct store_filter *,
	    int (*fn)(void *, const struct store_row *), void *arg);

/*
 * Deletes the personal data of the service's submissions that were
 * completed or rejected (status) before cutoff_iso (the time of their
 * last status event, ISO 8601 UTC) and are not purged yet: answers become
 * "<values/>", the e-mail address goes, purged := now_iso; their files,
 * notes, mails (sent or not) and the messages of their status events are
 * deleted, and the search index keeps only the reference. Reference,
 * dates, statuses, fee and version stay. One audit row per submission
 * (actor, action "purge", detail "retention"). One BEGIN IMMEDIATE
 * transaction: all or nothing; STORE_BUSY when the lock was held too
 * long. *count: the submissions purged; a second run finds none.
 */
int	 store_purge(struct store *, const char *service,
	    const char *cutoff_iso, const char *actor, const char *now_iso,
	    long *count);
/*
 * Rebuilds the search index (submission_search) and the counts by status
 * (status_count) from the submissions, in one transaction; *count: the
 * submissions indexed. For rows that came by other means than the store.
 */
int	 store_reindex(struct store *, long *count);

/*
 * One line per table of the store's own data, in name order: its rows
 * and a SHA-256 over them in key order (the primary key's columns, or
 * all columns for a table without one), read in one snapshot. A row is
 * its values in column order, each as its length in bytes, ":" and its
 * text (a BLOB as lowercase hex; NULL as "-" alone), then a line feed:
 * the same rows give the same sum in another copy of the store, or in
 * another store that writes its values as this text. SQLite's own
 * tables and the search index's are left out (rathaus reindex makes the
 * index anew). fn returns 0 to go on.
 */
#define STORE_SUM_HEX	64
int	 store_checksum(struct store *, int (*fn)(void *, const char *table,
	    long rows, const char *sum), void *arg);
/* The whole SQLite store into a PostgreSQL one (rathaus store-copy). */
int	 store_transfer(struct store *src, struct store *dst, long *rows);

#endif
