/*
 * conf_load of a configuration given as text, written to a temporary
 * file first (tests/unit/test_conf.c, test_identity.c). Include after
 * cmocka.h and conf.h.
 */
#ifndef RATHAUS_TEST_CONFLOAD_H
#define RATHAUS_TEST_CONFLOAD_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline int
conf_load_text(const char *text, struct conf *c, char *err, size_t errlen)
{
	char	 path[] = "/tmp/rathaus-conf-XXXXXX";
	FILE	*f;
	int	 fd, rc;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
	rc = conf_load(c, path, err, errlen);
	unlink(path);
	return rc;
}

#endif
