/*
 * Helper servers of the C tests (tests/mail/smtpd.py,
 * tests/paypal/standin.py): a free port of 127.0.0.1, start one that
 * prints "ready" when it listens, stop it; and elapsed time.
 */
#ifndef RATHAUS_TEST_HELPER_H
#define RATHAUS_TEST_HELPER_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct helper {
	pid_t	 pid;
	int	 out;	/* its stdout, open while it runs */
};

/* A port nobody listens on right now; -1 if none. */
static inline int
helper_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int	 fd, port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static inline long
helper_elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* SIGTERM, then wait for it; nothing when it is not running. */
static inline void
helper_stop(struct helper *h)
{
	int	 st;

	if (h->pid <= 0)
		return;
	kill(h->pid, SIGTERM);
	close(h->out);
	if (waitpid(h->pid, &st, 0) != h->pid)
		fprintf(stderr, "helper %d: %s\n", (int)h->pid,
		    strerror(errno));
	h->pid = 0;
}

/*
 * Run argv (argv[0] looked up in PATH) with its stdout on a pipe and
 * wait (at most 15 s) for its "ready": 0, or -1 (and nothing running).
 */
static inline int
helper_start(struct helper *h, const char *const argv[])
{
	char	 line[64] = "";
	struct pollfd p;
	size_t	 got = 0;
	ssize_t	 n;
	int	 fds[2];

	memset(h, 0, sizeof(*h));
	if (pipe(fds) != 0)
		return -1;
	if ((h->pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (h->pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		execvp(argv[0], (char *const *)argv);
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
	h->out = fds[0];
	if (strstr(line, "ready") == NULL) {
		helper_stop(h);
		return -1;
	}
	return 0;
}

#endif
