/*
 * Start and stop tests/mail/smtpd.py (a real SMTP server of Debian's
 * python3-aiosmtpd on 127.0.0.1) from a C test: test_outbox and the CGI
 * tests of the back office.
 */
#ifndef RATHAUS_TEST_SMTPD_H
#define RATHAUS_TEST_SMTPD_H

#include <stdio.h>
#include <unistd.h>

#include "helper.h"

struct smtpd {
	struct helper	 h;
};

/* Debian's python3 (a pyenv one may lack aiosmtpd). */
static inline const char *
smtpd_python(void)
{
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" :
	    "python3";
}

static inline void
smtpd_stop(struct smtpd *s)
{
	helper_stop(&s->h);
}

/*
 * Start smtpd.py on `port`, writing what it receives into `spool` (or
 * NULL: --hang), with `mode` ("--reject", "--hang", "--data-refused",
 * "--data-unanswered", or NULL), and wait (at most 15 s) for its
 * "ready". 0, or -1 (and nothing running).
 */
static inline int
smtpd_start_mode(struct smtpd *s, int port, const char *spool,
    const char *mode)
{
	char	 portstr[16];
	const char *argv[8];
	int	 n = 0;

	snprintf(portstr, sizeof(portstr), "%d", port);
	argv[n++] = smtpd_python();
	argv[n++] = SRCDIR "/tests/mail/smtpd.py";
	argv[n++] = "--port";
	argv[n++] = portstr;
	if (spool != NULL) {
		argv[n++] = "--dir";
		argv[n++] = spool;
	}
	argv[n++] = mode;
	argv[n] = NULL;
	return helper_start(&s->h, argv);
}

/* Start smtpd.py on `port` into `spool`; `reject`: 451 to every RCPT. */
static inline int
smtpd_start(struct smtpd *s, int port, const char *spool, int reject)
{
	return smtpd_start_mode(s, port, spool, reject ? "--reject" : NULL);
}

/* A mail server that accepts and never answers. */
static inline int
smtpd_start_hanging(struct smtpd *s, int port)
{
	return smtpd_start_mode(s, port, NULL, "--hang");
}

#endif
