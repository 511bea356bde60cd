#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "store_sql.h"
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
	struct store_stmt q;
	const char *v;
	int	 rc;

	if (size > 0)
		*token = '\0';
	if ((rc = store_stmt_prepare(&q, s, "SELECT token FROM provider_token"
	    " WHERE provider = ?1 AND expires > ?2", "token get")) != STORE_OK)
		return rc;
	store_stmt_texts(&q, 1, args, 2);
	if ((rc = store_stmt_one(&q)) != STORE_OK)
		return rc;
	v = store_stmt_col_text(&q, 0);
	if (v == NULL || *v == '\0' || strlen(v) >= size)
		rc = STORE_NOTFOUND;
	else
		store_stmt_copy(&q, 0, token, size);
	store_stmt_end(&q);
	return rc;
}

/* Cache a token until `expires`, replacing the provider's former one. */
int
store_token_put(struct store *s, const char *provider, const char *token,
    const char *expires)
{
	const char *const args[] = { provider, token, expires };

	return store_stmt_run(s, "INSERT INTO provider_token(provider, token,"
	    " expires) VALUES (?1, ?2, ?3) ON CONFLICT (provider) DO UPDATE"
	    " SET token = excluded.token, expires = excluded.expires", args, 3,
	    "token put", NULL);
}
