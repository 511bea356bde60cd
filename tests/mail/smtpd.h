/*
 * Start and stop tests/mail/smtpd.py (a real SMTP server of Debian's
 * python3-aiosmtpd on 127.0.0.1) from a C test: test_outbox and the CGI
 * tests of the back office.
 */
#ifndef RATHAUS_TEST_SMTPD_H
#define RATHAUS_TEST_SMTPD_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

struct smtpd {
	pid_t	 pid;
	int	 out;	/* its stdout, open while it runs */
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
	int	 st;

	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	close(s->out);
	if (waitpid(s->pid, &st, 0) != s->pid)
		fprintf(stderr, "smtpd %d: %s\n", (int)s->pid, strerror(errno));
	s->pid = 0;
}

/*
 * Start smtpd.py on `port`, writing what it receives into `spool`, and
 * wait (at most 15 s) for its "ready". 0, or -1 (and nothing running).
 */
static inline int
smtpd_start(struct smtpd *s, int port, const char *spool, int reject)
{
	char	 portstr[16], line[64] = "";
	struct pollfd p;
	size_t	 got = 0;
	ssize_t	 n;
	int	 fds[2];

	memset(s, 0, sizeof(*s));
	snprintf(portstr, sizeof(portstr), "%d", port);
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
		execlp(smtpd_python(), smtpd_python(), SRCDIR
		    "/tests/mail/smtpd.py", "--port", portstr, "--dir", spool,
		    reject ? "--reject" : NULL, (char *)NULL);
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
	/* Closed when it stops: a write to a closed pipe would kill it. */
	s->out = fds[0];
	if (strstr(line, "ready") == NULL) {
		smtpd_stop(s);
		return -1;
	}
	return 0;
}

#endif
