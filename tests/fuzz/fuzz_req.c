/*
 * Fuzz target for the request parsers (libFuzzer interface). The first
 * line of the input is the Content-Type, the rest the body; the same
 * bytes also go through the urlencoded and cookie parsers.
 * tools/fuzz runs it under libFuzzer; `make check` replays the corpus.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req_params ps;
	const char *nl;
	char	*ctype, *text;
	size_t	 clen;

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
