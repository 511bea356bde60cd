/*
 * Start and stop tests/paypal/standin.py (a stand-in for PayPal's REST
 * API, Python standard library only) on 127.0.0.1 from a C test, as
 * tests/mail/smtpd.h does for the mail server.
 */
#ifndef RATHAUS_TEST_STANDIN_H
#define RATHAUS_TEST_STANDIN_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define STANDIN_CLIENT_ID	"rathaus-test-client"
#define STANDIN_SECRET		"s3cr3t-never-shown"
#define STANDIN_WEBHOOK_ID	"WH7STANDIN0TEST"

struct standin {
	pid_t	 pid;
	int	 out;	/* its stdout, open while it runs */
};

static inline void
standin_stop(struct standin *s)
{
	int	 st;

	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	close(s->out);
	if (waitpid(s->pid, &st, 0) != s->pid)
		fprintf(stderr, "standin %d: %s\n", (int)s->pid,
		    strerror(errno));
	s->pid = 0;
}

/*
 * Start standin.py on `port` with the test credentials; its timeout mode
 * sleeps `sleep` seconds. Waits (at most 15 s) for its "ready": 0, or -1
 * (and nothing running).
 */
static inline int
standin_start(struct standin *s, int port, int sleep_s)
{
	char	 portstr[16], sleepstr[16], line[64] = "";
	struct pollfd p;
	size_t	 got = 0;
	ssize_t	 n;
	int	 fds[2];

	memset(s, 0, sizeof(*s));
	snprintf(portstr, sizeof(portstr), "%d", port);
	snprintf(sleepstr, sizeof(sleepstr), "%d", sleep_s);
	if (pipe(fds) != 0)
		return -1;
	if ((s->pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (s->pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		execlp("python3", "python3", SRCDIR "/tests/paypal/standin.py",
		    "--port", portstr, "--sleep", sleepstr, "--client-id",
		    STANDIN_CLIENT_ID, "--secret", STANDIN_SECRET,
		    "--webhook-id", STANDIN_WEBHOOK_ID, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p.fd = fds[0];
	p.events = POLLIN;
	while (got < sizeof(line) - 1 && strstr(line, "ready") == NULL) {
		if (poll(&p, 1, 15000) != 1 ||
		    (n = read(fds[0], line + got, sizeof(line) - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		line[got] = '\0';
	}
	s->out = fds[0];
	if (strstr(line, "ready") == NULL) {
		standin_stop(s);
		return -1;
	}
	return 0;
}

#endif
