/*
 * Start and stop tests/paypal/standin.py (a stand-in for PayPal's REST
 * API, Python standard library only) on 127.0.0.1 from a C test, as
 * tests/mail/smtpd.h does for the mail server.
 */
#ifndef RATHAUS_TEST_STANDIN_H
#define RATHAUS_TEST_STANDIN_H

#include <stdio.h>

#include "helper.h"

#define STANDIN_CLIENT_ID	"rathaus-test-client"
#define STANDIN_SECRET		"s3cr3t-never-shown"
#define STANDIN_WEBHOOK_ID	"WH7STANDIN0TEST"

struct standin {
	struct helper	 h;
};

static inline void
standin_stop(struct standin *s)
{
	helper_stop(&s->h);
}

/*
 * Start standin.py on `port` with the test credentials; its timeout mode
 * sleeps `sleep_s` seconds. 0 once it is ready, or -1 (nothing running).
 */
static inline int
standin_start(struct standin *s, int port, int sleep_s)
{
	char	 portstr[16], sleepstr[16];
	const char *const argv[] = { "python3", SRCDIR
	    "/tests/paypal/standin.py", "--port", portstr, "--sleep",
	    sleepstr, "--client-id", STANDIN_CLIENT_ID, "--secret",
	    STANDIN_SECRET, "--webhook-id", STANDIN_WEBHOOK_ID, NULL };

	snprintf(portstr, sizeof(portstr), "%d", port);
	snprintf(sleepstr, sizeof(sleepstr), "%d", sleep_s);
	return helper_start(&s->h, argv);
}

#endif
