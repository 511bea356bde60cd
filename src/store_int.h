/*
 * store_int: what the files of the store module share (store.c and the
 * store_*.c beside it); nothing outside src/store*.c includes it.
 */
#ifndef RATHAUS_STORE_INT_H
#define RATHAUS_STORE_INT_H

#include <time.h>
#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3	*db;
	struct timespec busy_since;	/* first BUSY of the current wait */
	char	 err[256];
};

int	 store_fail(struct store *, const char *what);
int	 store_exec(struct store *, const char *sql);
int	 store_begin(struct store *);
void	 store_copy(char *dst, size_t size, const unsigned char *src);
char	*store_dup(const unsigned char *);
int	 store_bind_texts(sqlite3_stmt *, const char *const *values, int n);
int	 store_load_history(struct store *, struct store_submission *);
int	 store_run(struct store *, const char *sql, const char *const *v, int n,
	    const char *what);
int	 store_audit_row(struct store *, const char *actor, const char *action,
	    const char *ref, const char *before, const char *after,
	    const char *detail, const char *now);
int	 store_commit_or_rollback(struct store *, int rc);

#endif
