/*
 * store_sql: a statement of the store, in the form that both of its
 * engines can take (issue 15: PostgreSQL beside SQLite). Parameters are
 * ?1..?N, bound as text, 64-bit integers or NULL; columns are read as
 * text (NULL for SQL NULL) or as 64-bit integers. A bind that fails is
 * kept and fails the next step, so that a statement is bound in one
 * sequence and checked once, where it runs. Today over SQLite; the
 * PostgreSQL engine is to run the same text through libpq (?N becomes
 * $N), loaded with dlopen by an instance that names it only, since
 * linking libpq would cost every CGI request of an SQLite instance its
 * 24 libraries (docs/PERFORMANCE.md). Only src/store*.c include this.
 */
#ifndef RATHAUS_STORE_SQL_H
#define RATHAUS_STORE_SQL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

struct store;

/* The most parameters a statement may have. */
#define STORE_STMT_PARAMS	64

/* The caller's: prepared by store_stmt_prepare, ended by store_stmt_end. */
struct store_stmt {
	struct store	*s;
	sqlite3_stmt	*st;
	const char	*what;		/* names it in the error */
	int		 failed;	/* a bind failed: the step fails */
	long		 changes;	/* rows the finished statement changed */
	/* PostgreSQL: the text with $N, the result and the row read last,
	 * the parameters as text (numbers written into num). The arrays
	 * come last: a statement on SQLite never clears them. */
	char		*pg_sql;
	int		 pg_nparams;
	uint64_t	 pg_used;	/* bit k-1: ?k is in the text */
	void		*pg_res;
	int		 pg_row, pg_nrows, pg_done;
	unsigned char	*pg_blob;	/* the blob column read last */
	const char	*pg_param[STORE_STMT_PARAMS];
	char		 pg_num[STORE_STMT_PARAMS][24];
	char		*pg_own[STORE_STMT_PARAMS];	/* blobs as \x hex */
};

/* store_stmt_step: a row to read (else STORE_OK: done, or STORE_ERROR). */
#define STORE_STMT_ROW	100

int	 store_stmt_prepare(struct store_stmt *, struct store *,
	    const char *sql, const char *what);
void	 store_stmt_text(struct store_stmt *, int i, const char *v);
void	 store_stmt_texts(struct store_stmt *, int first,
	    const char *const *v, int n);
void	 store_stmt_int64(struct store_stmt *, int i, int64_t v);
/* Bytes (a file, a secret); the caller keeps them until the step. */
void	 store_stmt_blob(struct store_stmt *, int i, const void *data,
	    size_t len);
int	 store_stmt_step(struct store_stmt *);
/* The one row a statement gives: STORE_OK with it to read, else
 * STORE_NOTFOUND or the failure, and the statement is ended then. */
int	 store_stmt_one(struct store_stmt *);
const char *store_stmt_col_text(struct store_stmt *, int col);
int64_t	 store_stmt_col_int64(struct store_stmt *, int col);
int	 store_stmt_col_null(struct store_stmt *, int col);
/* A blob column: its bytes (valid until the next column read or step)
 * and their number; NULL with *len 0 for NULL or no bytes, or when
 * PostgreSQL's text of it is not hex. */
const void *store_stmt_col_blob(struct store_stmt *, int col, size_t *len);
/* Is column `col` of the row bytes (SQLite: a BLOB value; PostgreSQL: a
 * bytea column)? For what copies or sums values of any column. */
int	 store_stmt_col_is_blob(struct store_stmt *, int col);
/* A column's text into dst (NULL as ""), cut to fit. */
void	 store_stmt_copy(struct store_stmt *, int col, char *dst,
	    size_t size);
void	 store_stmt_end(struct store_stmt *);
/* The end of a loop over the rows, rc as its last step left it: ended,
 * and a row left unread (the loop broke off: memory ran out) a failure. */
int	 store_stmt_rows_end(struct store_stmt *, int rc);
/* A failure that is not SQL's (out of memory, a row missing): said in
 * the store's error as `what: why`; STORE_ERROR. */
int	 store_stmt_fail(struct store *, const char *what, const char *why);
/* Prepare, bind texts from ?1, step to the end: STORE_OK or STORE_ERROR;
 * *changes (when not NULL): the rows it changed. */
int	 store_stmt_run(struct store *, const char *sql, const char *const *v,
	    int n, const char *what, long *changes);
/* The same with an id at ?1 and the texts from ?2. */
int	 store_stmt_run_id(struct store *, const char *sql, int64_t id,
	    const char *const *v, int n, const char *what, long *changes);

/*
 * The PostgreSQL engine (store_pg.c), for store_sql.c: its failures in
 * the codes store_class knows, so that a caller sees STORE_BUSY or
 * STORE_UNAVAILABLE as with SQLite.
 */
#define STORE_PG_UNAVAILABLE	SQLITE_CANTOPEN
#define STORE_PG_BUSY		SQLITE_BUSY
#define STORE_PG_ERROR		SQLITE_ERROR

/* A store on PostgreSQL (`conninfo` as libpq takes it): STORE_OK,
 * STORE_UNAVAILABLE (no server, or no libpq) or STORE_ERROR; *out is
 * set either way (its error says why), for store_close. */
int	 store_pg_open(struct store **out, const char *conninfo);
void	 store_pg_close(struct store *);
char	*store_pg_sql(const char *sql, int *nparams, uint64_t *used);
int	 store_pg_exec(struct store *, const char *sql, int n,
	    const char *const *params, uint64_t used, void **res,
	    long *changes, const char *what);
int	 store_pg_script(struct store *, const char *sql, const char *what);
/* The schema (store_pg_schema.c): its version, 0 for none; migrated to
 * `target` in one transaction. */
int	 store_pg_version(struct store *, int *v);
int	 store_pg_migrate(struct store *, int target, int *from, int *to);
int	 store_pg_in_transaction(const struct store *);
int	 store_pg_rows(void *res);
const char *store_pg_value(void *res, int row, int col);
void	 store_pg_clear(void *res);
int	 store_pg_is_bytes(void *res, int col);

#endif
