/*
 * store: the only module that speaks SQL. SQLite in WAL mode, writes in
 * BEGIN IMMEDIATE transactions, prepared statements only, schema
 * migrations counted in PRAGMA user_version.
 */
#ifndef RATHAUS_STORE_H
#define RATHAUS_STORE_H

#include <stddef.h>

#include "ref.h"

enum store_rc {
	STORE_ERROR = -1,
	STORE_OK = 0,
	STORE_NOTFOUND = 1,
	STORE_OUTDATED = 2,	/* the database needs `rathaus init` */
	STORE_BUSY = 3		/* another writer held the lock too long */
};

#define STORE_STATUS_MAX	24
#define STORE_TIME_MAX		24

struct store;

struct store_new {
	const char	*service;
	long		 version;
	const char	*values_xml;
	long		 fee_cents;
	const char	*submit_key;	/* double-submit key, may be NULL */
	const char	*lang;
	const char	*token;		/* from ref_token() */
	const char	*created;	/* ISO 8601 UTC */
	int		 year;		/* of the reference */
};

struct store_receipt {
	char		 ref[REF_MAX];
	char		 token[REF_TOKEN_LEN + 1];
	int		 existing;	/* 1: the key was seen before */
};

struct store_event {
	char		 status[STORE_STATUS_MAX];
	char		 at[STORE_TIME_MAX];
};

struct store_submission {
	long		 id;
	char		 ref[REF_MAX];
	char		*service;
	long		 version;
	char		*values_xml;
	long		 fee_cents;
	char		 created[STORE_TIME_MAX];
	char		 status[STORE_STATUS_MAX];
	struct store_event *history;
	size_t		 nhistory;
};

int	 store_open(struct store **, const char *data_dir, int create);
int	 store_migrate(struct store *, int *from, int *to);
void	 store_close(struct store *);
const char *store_errmsg(const struct store *);
int	 store_submit(struct store *, const struct store_new *,
	    struct store_receipt *);
int	 store_find(struct store *, const char *ref, const char *token,
	    struct store_submission *);
void	 store_submission_free(struct store_submission *);

#endif
