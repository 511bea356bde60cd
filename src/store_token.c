#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_token.h"

/*
 * The provider's cached token if it expires after `now` (ISO 8601 UTC
 * strings of one form compare as text); STORE_NOTFOUND otherwise, and
 * when it would not fit `size`.
 */
int
store_token_get(struct store *s, const char *provider, const char *now,
    char *token, size_t size)
{
	const char *const args[] = { provider, now };
	const unsigned char *v;
	sqlite3_stmt *st;
	int	 rc;

	if (size > 0)
		*token = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT token FROM provider_token"
	    " WHERE provider = ?1 AND expires > ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "token get");
	if (store_bind_texts(st, args, 2) != 0) {
		sqlite3_finalize(st);
		return store_fail(s, "token get");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		if (v == NULL || *v == '\0' || strlen((const char *)v) >= size)
			rc = SQLITE_DONE;
		else
			store_copy(token, size, v);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(s, "token get");
}

/* Cache a token until `expires`, replacing the provider's former one. */
int
store_token_put(struct store *s, const char *provider, const char *token,
    const char *expires)
{
	const char *const args[] = { provider, token, expires };
	sqlite3_stmt *st;
	int	 rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO provider_token"
	    "(provider, token, expires) VALUES (?1, ?2, ?3)", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, "token put");
	if (store_bind_texts(st, args, 3) != 0)
		rc = SQLITE_ERROR;
	else
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(s, "token put");
}
