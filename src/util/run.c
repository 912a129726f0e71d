// SPDX-License-Identifier: MIT
/* run.c - run a helper program by argv (never a shell), capture stdout. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "util/util.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * pb_run() - run @argv, its stdout into @out (NUL-terminated, may be NULL),
 * stderr passed through unless @quiet; killed after @timeout_ms (0: none)
 * Return: the exit status (0-255), 128+N for a signal, or -errno
 */
int pb_run(char *const argv[], char *out, size_t size, int timeout_ms, bool quiet)
{
	int p[2], status;
	size_t len = 0;
	long deadline = timeout_ms ? now_ms() + timeout_ms : 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(out ? p[1] : (quiet ? null : STDOUT_FILENO), STDOUT_FILENO);
		if (quiet)
			dup2(null, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		int wait = deadline ? (int)(deadline - now_ms()) : -1;
		char buf[4096];
		ssize_t n;

		if (deadline && wait <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, wait) <= 0)
			continue;
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (out && len + 1 < size) {
			size_t take = (size_t)n < size - 1 - len ? (size_t)n : size - 1 - len;

			memcpy(out + len, buf, take);
			len += take;
		}
	}
	close(p[0]);
	if (out)
		out[len] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
