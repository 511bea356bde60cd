/*
 * store: the only module that speaks SQL. SQLite in WAL mode, writes in
 * BEGIN IMMEDIATE transactions, prepared statements only, schema
 * migrations counted in PRAGMA user_version.
 */
#ifndef RATHAUS_STORE_H
#define RATHAUS_STORE_H

#include <stddef.h>
#include <time.h>

#include "ref.h"

enum store_rc {
	STORE_ERROR = -1,
	STORE_OK = 0,
	STORE_NOTFOUND = 1,
	STORE_OUTDATED = 2,	/* the database needs `rathaus init` */
	STORE_BUSY = 3,		/* another writer held the lock too long */
	STORE_CONFLICT = 4,	/* changed meanwhile by someone else */
	STORE_UNAVAILABLE = 5,	/* cannot read or write now: disk full,
				 * read-only, missing, I/O error */
	STORE_CAPPED = 6,	/* over a cap: nothing of it was stored */
	STORE_TAKEN = 7		/* the appointment's place is no longer free */
};

#define STORE_STATUS_MAX	24
#define STORE_TIME_MAX		24
#define STORE_FIELD_MAX		129	/* a field name, as req_ limits it */
#define STORE_FILENAME_MAX	256	/* upload_name() makes at most 100 */
#define STORE_MIME_MAX		32
#define STORE_UPLOAD_MAX	(8u << 20)	/* bytes, FORM_FILE_KIB_MAX */

struct store;

struct store_receipt;
struct store_booking;

/*
 * Queues the mails a change causes, called by the store inside the
 * change's own transaction (so both happen or neither), with what the
 * change made (the new reference); it calls store_queue_mail per mail,
 * naming that reference.
 * Not 0: the whole change is rolled back.
 */
typedef int (*store_mails_fn)(struct store *, void *arg,
    const struct store_receipt *);

struct store_new {
	const char	*service;
	long		 version;
	const char	*values_xml;
	const char	*definition_xml; /* what it was made with, or NULL */
	long		 fee_cents;
	const char	*submit_key;	/* double-submit key, may be NULL */
	const char *const *files;	/* file fields to claim, NULL-ended */
	const char	*email;		/* the citizen's, for notices, or NULL */
	store_mails_fn	 mails;		/* or NULL */
	void		*mails_arg;
	const char	*lang;
	const char	*token;		/* from ref_token() */
	const char	*created;	/* ISO 8601 UTC */
	int		 year;		/* of the reference */
	const char	*subject;	/* the logged-in citizen's, or NULL */
	const char	*trust_level;	/* its level ("substantial") */
	const struct store_booking *booking; /* its appointment, or NULL */
};

struct store_receipt {
	char		 ref[REF_MAX];
	char		 token[REF_TOKEN_LEN + 1];
	int		 existing;	/* 1: the key was seen before */
};

#define STORE_ACTOR_MAX		129

struct store_event {
	char		 status[STORE_STATUS_MAX];
	char		 at[STORE_TIME_MAX];
	char		 actor[STORE_ACTOR_MAX];	/* "" for the citizen */
	char		*message;			/* to the citizen, or NULL */
};

struct store_submission {
	long		 id;
	char		 ref[REF_MAX];
	char		*service;
	long		 version;
	char		*values_xml;
	char		*definition_xml; /* NULL for the oldest submissions */
	long		 fee_cents;
	char		 created[STORE_TIME_MAX];
	char		 status[STORE_STATUS_MAX];
	char		 lang[8];	/* the citizen's, at submission */
	char		*subject;	/* the account that sent it, or NULL */
	char		 trust_level[16]; /* its level then, "" without */
	struct store_event *history;
	size_t		 nhistory;
};

/* A file to stage under a form key (store_upload_put). */
struct store_staged {
	const char	*field;
	const char	*filename;
	const char	*mime;
	const unsigned char *data;
	size_t		 len;		/* bytes, 1 to STORE_UPLOAD_MAX */
	int		 refused;	/* out: over the key's cap, not staged */
};

/* What staging may hold, and when a staged file counts as abandoned. */
struct store_staging {
	size_t		 key_max;	/* bytes staged under one form key */
	size_t		 total_max;	/* bytes staged under all keys */
	const char	*now;		/* ISO 8601 UTC */
	const char	*idle_before;	/* staged files untouched since: gone */
};

/* A file: staged under a form key, or claimed by a submission. */
struct store_upload {
	char		 field[STORE_FIELD_MAX];
	char		 filename[STORE_FILENAME_MAX];
	char		 mime[STORE_MIME_MAX];
	size_t		 size;		/* bytes */
	int		 claimed;	/* 1: a submission has it */
	unsigned char	*data;		/* store_upload_get() only, else NULL */
};

int	 store_open(struct store **, const char *data_dir,
	    const char *conninfo, int create);
int	 store_open_copy(struct store **, const char *path);
void	 store_busy_deadline(struct store *, const struct timespec *deadline);
int	 store_migrate(struct store *, int *from, int *to);
int	 store_schema_version(void);
int	 store_secret(struct store *, const char *name,
	    unsigned char out[REF_SECRET_LEN]);
void	 store_close(struct store *);
int	 store_request_end(struct store *);
int	 store_reuse(struct store *);
int	 store_in_transaction(const struct store *);
const char *store_errmsg(const struct store *);
int	 store_fault(const struct store *);
int	 store_queue_mail(struct store *, const char *ref, const char *to,
	    const char *subject, const char *body);
int	 store_submit(struct store *, const struct store_new *,
	    struct store_receipt *);
int	 store_find(struct store *, const char *ref, const char *token,
	    struct store_submission *);
void	 store_submission_free(struct store_submission *);
int	 store_upload_put(struct store *, const char *key,
	    struct store_staged *files, size_t nfiles,
	    const struct store_staging *);
int	 store_upload_touch(struct store *, const char *key,
	    const struct store_staging *);
int	 store_upload_list(struct store *, const char *key,
	    struct store_upload **out, size_t *nout);
int	 store_upload_get(struct store *, const char *ref, const char *field,
	    struct store_upload *);
void	 store_upload_free(struct store_upload *);
int	 store_upload_expire(struct store *, const char *older_than,
	    long *deleted);

#endif
