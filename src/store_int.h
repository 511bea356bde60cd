/*
 * store_int: what the files of the store module share (store.c and the
 * store_*.c beside it); nothing outside src/store*.c includes it.
 */
#ifndef RATHAUS_STORE_INT_H
#define RATHAUS_STORE_INT_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "store.h"

/* The engine behind a store (issue 15). */
enum store_engine {
	STORE_ENGINE_SQLITE = 0,
	STORE_ENGINE_POSTGRESQL
};

struct store {
	int	 engine;		/* enum store_engine */
	sqlite3	*db;
	void	*pg;			/* PGconn * (store_pg.c) */
	struct timespec busy_until;	/* waiting for the lock ends then */
	int	 request_deadline;	/* busy_until is the request's */
	uint32_t jitter;		/* state of the back-off's jitter */
	int	 front_fd;		/* fd + 1 of the WAL; -1: none */
	int	 front;			/* the front place is ours */
	char	 err[256];
	int	 code;			/* SQLite's (extended) code of it */
};

/* The store is on PostgreSQL: where the engines' SQL differs. */
#define STORE_PG(s)	((s)->engine == STORE_ENGINE_POSTGRESQL)

int	 store_fail(struct store *, const char *what);
int	 store_exec(struct store *, const char *sql);
int	 store_begin(struct store *);
int	 store_lock(struct store *, const char *kind, const char *key);
void	 store_copy(char *dst, size_t size, const unsigned char *src);
char	*store_dup(const unsigned char *);

/*
 * A submission with the definition it was made with: the columns
 * store_submission_read reads (0 to 11, the token is 1), then a caller's
 * own, then FROM and a WHERE clause to follow.
 */
#define STORE_SUBMISSION_COLUMNS \
	"SELECT s.id, s.token, s.service, s.service_version, s.answers," \
	" s.fee_cents, s.created, s.status, d.xml, s.lang, s.subject," \
	" s.trust_level"
/* Their number: columns a caller adds after them start here. */
#define STORE_SUBMISSION_NCOLUMNS	12
#define STORE_SUBMISSION_FROM \
	" FROM submission s LEFT JOIN definition d" \
	" ON d.id = s.definition_id"
struct store_stmt;
int	 store_submission_read(struct store_stmt *, const char *ref,
	    struct store_submission *);
int	 store_load_history(struct store *, struct store_submission *);
int	 store_run(struct store *, const char *sql, const char *const *v, int n,
	    const char *what);
int	 store_audit_row(struct store *, const char *actor, const char *action,
	    const char *ref, const char *before, const char *after,
	    const char *detail, const char *now);
int	 store_commit_or_rollback(struct store *, int rc);
struct buf;
int	 store_search_text(struct buf *, const char *ref, const char *answers);

#endif
