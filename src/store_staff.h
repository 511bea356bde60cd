/*
 * store_staff: what the back office reads and writes: the inbox (filters,
 * counts, pages), one submission with its notes and audit trail, status
 * changes with a message to the citizen, notes, and audit entries. Every
 * change writes its audit row in its own transaction.
 */
#ifndef RATHAUS_STORE_STAFF_H
#define RATHAUS_STORE_STAFF_H

#include "store.h"
#include "workflow.h"

enum store_sort {
	STORE_SORT_NEWEST,
	STORE_SORT_OLDEST,
	STORE_SORT_STATUS
};

struct store_inbox_query {
	const char *const *services;	/* those the clerk may see, NULL-ended;
					 * NULL: all (administrator) */
	const char	*service;	/* or NULL */
	const char	*status;	/* or NULL */
	const char	*from;		/* YYYY-MM-DD, created on or after */
	const char	*to;		/* YYYY-MM-DD, created on or before */
	const char	*search;	/* text in the reference or the answers,
					 * 3 characters at least (folded) */
	enum store_sort	 sort;
	const char	*after;		/* the page after the row of this
					 * reference (keyset), or NULL */
	const char	*before;	/* the page before it, or NULL */
	long		 limit;
};

struct store_inbox_row {
	char		 ref[REF_MAX];
	char		*service;
	char		 created[STORE_TIME_MAX];
	char		 status[STORE_STATUS_MAX];
	long		 fee_cents;
	char		*answers;	/* the stored answers XML */
};

struct store_inbox {
	struct store_inbox_row *rows;
	size_t		 nrows;
	long		 total;		/* matching, over all pages; -1: not
					 * known without a scan (dates, search) */
	long		 counts[WORKFLOW_STATES]; /* by status, of the services
					 * filter alone (status_count) */
	int		 more_before;	/* a page before this one */
	int		 more_after;	/* a page after it */
	int		 short_search;	/* search text too short: not searched */
};

struct store_note {
	char		 author[STORE_ACTOR_MAX];
	char		 at[STORE_TIME_MAX];
	char		*text;
};

struct store_audit_entry {
	char		 at[STORE_TIME_MAX];
	char		 actor[STORE_ACTOR_MAX];
	char		*action;
	char		*before;
	char		*after;
	char		*detail;
};

/* One submission as the back office sees it. */
struct store_case {
	struct store_submission sub;
	char		*token;
	char		*email;		/* or NULL */
	char		*purged;	/* or NULL */
	struct store_note *notes;
	size_t		 nnotes;
	struct store_audit_entry *audit;
	size_t		 naudit;
};

int	 store_inbox(struct store *, const struct store_inbox_query *,
	    struct store_inbox *);
void	 store_inbox_free(struct store_inbox *);
int	 store_case(struct store *, const char *ref, struct store_case *);
void	 store_case_free(struct store_case *);
int	 store_set_status(struct store *, const char *ref, const char *from,
	    const char *to, const char *actor, const char *message,
	    const char *now, store_mails_fn, void *mails_arg);
int	 store_add_note(struct store *, const char *ref, const char *actor,
	    const char *text, const char *now);
int	 store_audit(struct store *, const char *actor, const char *action,
	    const char *ref, const char *before, const char *after,
	    const char *detail, const char *now);

#endif
