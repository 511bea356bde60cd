#include "config.h"

#include <string.h>

#include "pay.h"
#include "paypal.h"

/* Offline methods: nothing to start online; received by a clerk or the
 * bank statement import (rathaus camt). */
static const struct pay_provider pay_transfer = {
	"transfer", 0, NULL, NULL, NULL, NULL, NULL
}, pay_counter = {
	"counter", 0, NULL, NULL, NULL, NULL, NULL
};

/* Every method there is; a new platform is one more line. */
static const struct pay_provider *const pay_providers[] = {
	&pay_paypal, &pay_transfer, &pay_counter,
};

const struct pay_provider *
pay_provider(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL &&
	    i < sizeof(pay_providers) / sizeof(pay_providers[0]); i++)
		if (strcmp(pay_providers[i]->name, name) == 0)
			return pay_providers[i];
	return NULL;
}

/* Is `name` among the configured methods (pay_methods, space-separated)? */
int
pay_offered(const struct conf *c, const char *name)
{
	const char *p = c->pay_methods;
	size_t	 n = strlen(name), len;

	if (pay_provider(name) == NULL ||
	    (strcmp(name, "paypal") == 0 && !paypal_enabled(c)))
		return 0;
	for (; p != NULL && *(p += strspn(p, " ,")) != '\0'; p += len) {
		len = strcspn(p, " ,");
		if (len == n && strncmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

const char *
pay_problem_code(enum pay_problem p)
{
	static const char *const codes[] = {
		"ok", "unavailable", "declined", "mismatch", "cancelled",
		"pending", "failed",
	};

	return (size_t)p < sizeof(codes) / sizeof(codes[0]) ? codes[p] :
	    "failed";
}
