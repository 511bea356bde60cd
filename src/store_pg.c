#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dynlib.h"
#include "store.h"
#include "store_int.h"
#include "store_sql.h"
#include "text.h"

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>

/*
 * libpq's functions, loaded when an instance first opens a PostgreSQL
 * store: a cache of the process, like the dynamic loader's tables.
 */
struct store_pq {
	PGconn		*(*connectdb)(const char *);
	ConnStatusType	 (*status)(const PGconn *);
	char		*(*error_message)(const PGconn *);
	void		 (*finish)(PGconn *);
	PGresult	*(*exec_params)(PGconn *, const char *, int,
			    const Oid *, const char *const *, const int *,
			    const int *, int);
	ExecStatusType	 (*result_status)(const PGresult *);
	char		*(*result_error_field)(const PGresult *, int);
	char		*(*result_error_message)(const PGresult *);
	int		 (*ntuples)(const PGresult *);
	char		*(*getvalue)(const PGresult *, int, int);
	int		 (*getisnull)(const PGresult *, int, int);
	char		*(*cmd_tuples)(PGresult *);
	void		 (*clear)(PGresult *);
	PGresult	*(*exec)(PGconn *, const char *);
	PGTransactionStatusType (*transaction_status)(const PGconn *);
	Oid		 (*ftype)(const PGresult *, int);
};

static struct store_pq store_pq;
static int store_pq_loaded;	/* 1 loaded, -1 failed, 0 not yet */

#define STORE_PQ(name, field)	DYNLIB_SYM(struct store_pq, name, field)

/* pg_type's oids of text and bytea (catalog/pg_type.h, stable since
 * 7.x). */
#define STORE_PG_TEXTOID	25
#define STORE_PG_BYTEAOID	17

static const struct dynlib_sym store_pq_syms[] = {
	STORE_PQ("PQconnectdb", connectdb),
	STORE_PQ("PQstatus", status),
	STORE_PQ("PQerrorMessage", error_message),
	STORE_PQ("PQfinish", finish),
	STORE_PQ("PQexecParams", exec_params),
	STORE_PQ("PQresultStatus", result_status),
	STORE_PQ("PQresultErrorField", result_error_field),
	STORE_PQ("PQresultErrorMessage", result_error_message),
	STORE_PQ("PQntuples", ntuples),
	STORE_PQ("PQgetvalue", getvalue),
	STORE_PQ("PQgetisnull", getisnull),
	STORE_PQ("PQcmdTuples", cmd_tuples),
	STORE_PQ("PQclear", clear),
	STORE_PQ("PQexec", exec),
	STORE_PQ("PQtransactionStatus", transaction_status),
	STORE_PQ("PQftype", ftype),
};

static const struct store_pq *
store_pq_fns(void)
{
	if (store_pq_loaded == 0)
		store_pq_loaded = dynlib_load("libpq.so.5", store_pq_syms,
		    sizeof(store_pq_syms) / sizeof(store_pq_syms[0]),
		    &store_pq) == 0 ? 1 : -1;
	return store_pq_loaded > 0 ? &store_pq : NULL;
}

/* A message of libpq's on one line: its line breaks and tabs become
 * spaces. */
static void
store_pg_say(struct store *s, const char *what, const char *msg)
{
	char	*p;

	snprintf(s->err, sizeof(s->err), "%.60s: %.180s", what,
	    msg != NULL && *msg != '\0' ? msg : "no reason given");
	for (p = s->err; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	while (p > s->err && p[-1] == ' ')
		*--p = '\0';
}

/*
 * What a failure means for the caller, by SQLSTATE's class, in the codes
 * store_class knows: the server gone or not reached (08), out of room or
 * memory (53), shutting down (57P): unavailable; a lock not had, a
 * deadlock or a serialization failure: busy; anything else an error.
 */
static int
store_pg_code(const char *state)
{
	if (state == NULL || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return STORE_PG_UNAVAILABLE;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0)
		return STORE_PG_BUSY;
	return STORE_PG_ERROR;
}

int
store_pg_open(struct store **out, const char *conninfo)
{
	const struct store_pq *pq;
	struct store *s;
	PGconn	*c;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return STORE_ERROR;
	s->engine = STORE_ENGINE_POSTGRESQL;
	s->front_fd = -1;
	if ((pq = store_pq_fns()) == NULL) {
		store_pg_say(s, "postgresql", "cannot load libpq.so.5");
		s->code = STORE_PG_UNAVAILABLE;
	} else if ((c = pq->connectdb(conninfo)) == NULL) {
		store_pg_say(s, "postgresql", "out of memory");
		s->code = STORE_PG_ERROR;
	} else {
		s->pg = c;
		if (pq->status(c) == CONNECTION_OK) {
			*out = s;
			return STORE_OK;
		}
		store_pg_say(s, "postgresql", pq->error_message(c));
		s->code = STORE_PG_UNAVAILABLE;
	}
	fprintf(stderr, "rathaus: %s\n", s->err);
	*out = s;
	return s->code == STORE_PG_UNAVAILABLE ? STORE_UNAVAILABLE :
	    STORE_ERROR;
}

void
store_pg_close(struct store *s)
{
	if (s->pg != NULL && store_pq_loaded > 0)
		store_pq.finish(s->pg);
	s->pg = NULL;
}

/*
 * Run the statement with its text parameters: STORE_STMT_ROW when it
 * gives rows (*res holds them, for store_pg_value), STORE_OK when it is
 * done (*changes: the rows it changed), else the failure in the store's
 * error.
 */
static int store_pg_result(struct store *, PGresult *, void **, long *,
	    const char *);

int
store_pg_exec(struct store *s, const char *sql, int n,
    const char *const *params, uint64_t used, void **res, long *changes,
    const char *what)
{
	Oid	 types[STORE_STMT_PARAMS];
	PGresult *r;
	int	 i;

	*res = NULL;
	*changes = 0;
	if (s->pg == NULL) {
		store_pg_say(s, what, "no connection");
		s->code = STORE_PG_UNAVAILABLE;
		return STORE_ERROR;
	}
	/* A parameter the text does not use (statements may share one list
	 * of values) has no type to infer: text. The others: inferred. */
	for (i = 0; i < n && i < STORE_STMT_PARAMS; i++)
		types[i] = used & ((uint64_t)1 << i) ? 0 : STORE_PG_TEXTOID;
	r = store_pq.exec_params(s->pg, sql, n, types, params, NULL, NULL, 0);
	return store_pg_result(s, r, res, changes, what);
}

/*
 * SQL of several statements without parameters (a schema), in one
 * round trip: STORE_OK, or the failure of the statement that failed.
 */
int
store_pg_script(struct store *s, const char *sql, const char *what)
{
	void	*res;
	long	 changes;
	int	 rc;

	if (s->pg == NULL) {
		store_pg_say(s, what, "no connection");
		s->code = STORE_PG_UNAVAILABLE;
		return STORE_ERROR;
	}
	rc = store_pg_result(s, store_pq.exec(s->pg, sql), &res, &changes,
	    what);
	store_pg_clear(res);
	return rc == STORE_STMT_ROW ? STORE_OK : rc;
}

/* Is a transaction open (or failed and not yet ended)? */
int
store_pg_in_transaction(const struct store *s)
{
	if (s->pg == NULL || store_pq_loaded <= 0)
		return 0;
	switch (store_pq.transaction_status(s->pg)) {
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
	case PQTRANS_ACTIVE:
		return 1;
	default:
		return 0;
	}
}

/* A result of libpq's as store_pg_exec gives it, and `r` cleared unless
 * it holds rows (then *res). */
static int
store_pg_result(struct store *s, PGresult *r, void **res, long *changes,
    const char *what)
{
	const char *tuples;

	*res = NULL;
	*changes = 0;
	switch (r != NULL ? store_pq.result_status(r) : PGRES_FATAL_ERROR) {
	case PGRES_TUPLES_OK:
		*res = r;
		return STORE_STMT_ROW;
	case PGRES_COMMAND_OK:
		tuples = store_pq.cmd_tuples(r);
		if (tuples == NULL || *tuples == '\0' ||
		    text_to_long(tuples, 0, LONG_MAX, changes) != 0)
			*changes = 0;
		store_pq.clear(r);
		return STORE_OK;
	default:
		break;
	}
	if (r == NULL) {
		store_pg_say(s, what, store_pq.error_message(s->pg));
		s->code = STORE_PG_UNAVAILABLE;
	} else {
		store_pg_say(s, what, store_pq.result_error_message(r));
		s->code = store_pg_code(store_pq.result_error_field(r,
		    PG_DIAG_SQLSTATE));
		store_pq.clear(r);
	}
	return STORE_ERROR;
}

int
store_pg_rows(void *res)
{
	return res != NULL ? store_pq.ntuples(res) : 0;
}

const char *
store_pg_value(void *res, int row, int col)
{
	if (res == NULL || store_pq.getisnull(res, row, col))
		return NULL;
	return store_pq.getvalue(res, row, col);
}

void
store_pg_clear(void *res)
{
	if (res != NULL)
		store_pq.clear(res);
}

int
store_pg_is_bytes(void *res, int col)
{
	return res != NULL && store_pq.ftype(res, col) == STORE_PG_BYTEAOID;
}

#else	/* !HAVE_LIBPQ */

int
store_pg_open(struct store **out, const char *conninfo)
{
	struct store *s;

	(void)conninfo;
	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return STORE_ERROR;
	s->engine = STORE_ENGINE_POSTGRESQL;
	s->front_fd = -1;
	snprintf(s->err, sizeof(s->err), "postgresql: this build has no"
	    " PostgreSQL store (libpq-dev was missing)");
	s->code = STORE_PG_ERROR;
	fprintf(stderr, "rathaus: %s\n", s->err);
	*out = s;
	return STORE_ERROR;
}

void
store_pg_close(struct store *s)
{
	(void)s;
}

int
store_pg_exec(struct store *s, const char *sql, int n,
    const char *const *params, uint64_t used, void **res, long *changes,
    const char *what)
{
	(void)sql;
	(void)n;
	(void)params;
	(void)used;
	*res = NULL;
	*changes = 0;
	snprintf(s->err, sizeof(s->err), "%.60s: no PostgreSQL store", what);
	return STORE_ERROR;
}

int
store_pg_script(struct store *s, const char *sql, const char *what)
{
	(void)sql;
	snprintf(s->err, sizeof(s->err), "%.60s: no PostgreSQL store", what);
	return STORE_ERROR;
}

int
store_pg_in_transaction(const struct store *s)
{
	(void)s;
	return 0;
}

int
store_pg_rows(void *res)
{
	(void)res;
	return 0;
}

const char *
store_pg_value(void *res, int row, int col)
{
	(void)res;
	(void)row;
	(void)col;
	return NULL;
}

void
store_pg_clear(void *res)
{
	(void)res;
}

int
store_pg_is_bytes(void *res, int col)
{
	(void)res;
	(void)col;
	return 0;
}

#endif	/* HAVE_LIBPQ */

/*
 * The statement's text for PostgreSQL: ?N becomes $N, a bare ? the next
 * number after the largest so far (as SQLite numbers them); inside quotes
 * ('…', "…") and comments nothing changes. *nparams: the largest number;
 * *used: a bit for each number the text has (bit k-1 for ?k). NULL when
 * out of memory or past STORE_STMT_PARAMS.
 */
char *
store_pg_sql(const char *sql, int *nparams, uint64_t *used)
{
	struct buf b;
	const char *p = sql;
	char	 quote;
	long	 k;
	int	 max = 0;

	*nparams = 0;
	*used = 0;
	buf_init(&b, 1u << 20);
	while (*p != '\0' && !b.failed) {
		if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_addch(&b, *p++);
			while (*p != '\0' && *p != quote)
				buf_addch(&b, *p++);
			if (*p != '\0')
				buf_addch(&b, *p++);
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				buf_addch(&b, *p++);
		} else if (*p == '?') {
			p++;
			k = 0;
			if (isdigit((unsigned char)*p)) {
				while (isdigit((unsigned char)*p) && k <=
				    STORE_STMT_PARAMS)
					k = k * 10 + (*p++ - '0');
			} else
				k = max + 1;
			if (k < 1 || k > STORE_STMT_PARAMS) {
				buf_free(&b);
				return NULL;
			}
			if (k > max)
				max = (int)k;
			*used |= (uint64_t)1 << (k - 1);
			buf_printf(&b, "$%ld", k);
		} else
			buf_addch(&b, *p++);
	}
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	*nparams = max;
	return buf_steal(&b);
}
