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
 * Start smtpd.py on `port`, writing what it receives into `spool`, and
 * wait (at most 15 s) for its "ready". 0, or -1 (and nothing running).
 */
static inline int
smtpd_start(struct smtpd *s, int port, const char *spool, int reject)
{
	char	 portstr[16];
	const char *const argv[] = { smtpd_python(), SRCDIR
	    "/tests/mail/smtpd.py", "--port", portstr, "--dir", spool,
	    reject ? "--reject" : NULL, NULL };

	snprintf(portstr, sizeof(portstr), "%d", port);
	return helper_start(&s->h, argv);
}

/*
 * Start smtpd.py --hang on `port`: a mail server that accepts and never
 * answers. 0, or -1 (and nothing running).
 */
static inline int
smtpd_start_hanging(struct smtpd *s, int port)
{
	char	 portstr[16];
	const char *const argv[] = { smtpd_python(), SRCDIR
	    "/tests/mail/smtpd.py", "--port", portstr, "--hang", NULL };

	snprintf(portstr, sizeof(portstr), "%d", port);
	return helper_start(&s->h, argv);
}

#endif
