/*
 * What the payment tests share: a submission with a fee in a store, and
 * a program run with its standard output caught.
 */
#ifndef RATHAUS_TEST_TESTPAY_H
#define RATHAUS_TEST_TESTPAY_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

/* A submission of 2026 with `fee_cents` to pay; its reference in `ref`. */
static inline int
testpay_submit(struct store *s, long fee_cents, char ref[REF_MAX])
{
	struct store_receipt r;
	struct store_new n = {
		.service = "hundeanmeldung", .version = 1,
		.values_xml = "<values/>", .fee_cents = fee_cents,
		.lang = "de", .token = "0123456789abcdef0123456789abcdef",
		.created = "2026-03-01T10:00:00Z", .year = 2026,
	};

	if (store_submit(s, &n, &r) != STORE_OK)
		return -1;
	snprintf(ref, REF_MAX, "%s", r.ref);
	return 0;
}

/*
 * argv[0] (searched in PATH) without RATHAUS_CONF, its standard output
 * in out[size], its standard error dropped (zbarimg talks of D-Bus
 * there); its exit status, or -1.
 */
static inline int
testpay_run(char *const argv[], char *out, size_t size)
{
	int	 fd[2], status, null;
	size_t	 len = 0;
	ssize_t	 n;
	pid_t	 pid;

	if (pipe(fd) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((null = open("/dev/null", O_WRONLY)) != -1)
			dup2(null, STDERR_FILENO);
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		unsetenv("RATHAUS_CONF");
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	while (len + 1 < size &&
	    (n = read(fd[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fd[0]);
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
