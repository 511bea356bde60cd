/*
 * Fuzz target for the request parsers (libFuzzer interface). An input
 * starting with "CGI\n" is a whole request: the next lines are method,
 * PATH_INFO, QUERY_STRING, CONTENT_TYPE, HTTP_COOKIE, and the rest is the
 * body, given to req_parse and req_parse_body as a CGI environment.
 * Otherwise the first line is a Content-Type and the rest a multipart
 * body; the same bytes also go through the urlencoded and cookie parsers.
 * tools/fuzz runs it under libFuzzer; `make check` replays the corpus.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ENV_LINES	5

static const char *const fuzz_env_names[FUZZ_ENV_LINES] = {
	"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
	"HTTP_COOKIE",
};

/* The environment of the request being fuzzed (one at a time). */
static char	*fuzz_env_values[FUZZ_ENV_LINES];
static char	 fuzz_content_length[32];

static const char *
fuzz_getenv(void *ctx, const char *name)
{
	int	 i;

	(void)ctx;
	if (strcmp(name, "CONTENT_LENGTH") == 0)
		return fuzz_content_length;
	for (i = 0; i < FUZZ_ENV_LINES; i++)
		if (strcmp(name, fuzz_env_names[i]) == 0)
			return fuzz_env_values[i];
	return NULL;
}

static const struct req_env fuzz_env_table = { fuzz_getenv, NULL };
#define fuzz_env (&fuzz_env_table)

static void
fuzz_cgi(const char *p, size_t size)
{
	const char *end = p + size, *nl;
	struct req r;
	FILE	*in;
	int	 i;

	for (i = 0; i < FUZZ_ENV_LINES; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		fuzz_env_values[i] = strndup(p, (size_t)(nl - p));
		p = nl < end ? nl + 1 : end;
	}
	snprintf(fuzz_content_length, sizeof(fuzz_content_length), "%zu",
	    (size_t)(end - p));
	in = fmemopen((void *)p, (size_t)(end - p) + 1, "r");
	if (in != NULL) {
		if (req_parse(&r, &req_default_limits, fuzz_env) == REQ_OK &&
		    r.method == REQ_POST)
			req_parse_body(&r, &req_default_limits, fuzz_env, in);
		req_free(&r);
		fclose(in);
	}
	for (i = 0; i < FUZZ_ENV_LINES; i++) {
		free(fuzz_env_values[i]);
		fuzz_env_values[i] = NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req_params ps;
	const char *nl;
	char	*ctype, *text;
	size_t	 clen;

	if (size >= 4 && memcmp(data, "CGI\n", 4) == 0) {
		fuzz_cgi((const char *)data + 4, size - 4);
		return 0;
	}
	nl = memchr(data, '\n', size);
	clen = nl ? (size_t)(nl - (const char *)data) : 0;
	if ((ctype = strndup((const char *)data, clen)) == NULL)
		return 0;
	memset(&ps, 0, sizeof(ps));
	req_parse_multipart(&ps, &req_default_limits, ctype,
	    nl ? nl + 1 : (const char *)data, nl ? size - clen - 1 : size);
	req_params_free(&ps);
	req_parse_urlencoded(&ps, &req_default_limits, (const char *)data,
	    size);
	req_params_free(&ps);
	if ((text = strndup((const char *)data, size)) != NULL) {
		req_parse_cookies(&ps, &req_default_limits, text);
		req_params_free(&ps);
		free(text);
	}
	free(ctype);
	return 0;
}
