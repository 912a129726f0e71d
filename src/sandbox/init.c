// SPDX-License-Identifier: MIT
/*
 * init.c - pid 1 of the box: build the view, start the command, reap.
 *
 * Theory of operation. init starts as root of a fresh user namespace (the
 * supervisor mapped uid 0 inside to the user's uid outside) with full
 * capabilities there, and:
 *   1. builds the filesystem view and pivots into it (mounts.c);
 *   2. names the host "pibox" and brings up lo in its empty netns;
 *   3. opens the box's own pty, if asked, and hands its master out;
 *   4. locks the view: a second user + mount namespace, owned by the user's
 *      uid, turns every mount made so far into a "locked" mount that no one
 *      inside can unmount or remount read-write, even with capabilities;
 *   5. forks the command, which applies, in this order and no other:
 *      capabilities dropped -> no_new_privs -> Landlock -> seccomp -> exec.
 *      seccomp comes last since it forbids calls the earlier steps make.
 *   6. drops its own capabilities and waits: reaps orphans, forwards
 *      signals, and exits with the command's status, which kills whatever
 *      is left in the pid namespace. When the supervisor's socket closes
 *      (the supervisor died), init exits and the box goes with it.
 * Every step before the command's exec dies on failure (exit 125).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#include "sandbox/caps.h"
#include "sandbox/init.h"
#include "sandbox/landlock.h"
#include "sandbox/mounts.h"
#include "sandbox/ns.h"
#include "sandbox/seccomp.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
};

/* Returns the slave fd; the master goes to the supervisor. */
static int open_box_pty(void)
{
	cleanup_fd int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int unlock = 0, slave, r;

	if (master < 0)
		die_errno(errno, "pty: open /dev/ptmx in the box");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		die_errno(errno, "pty: unlock");
	/* TIOCGPTPEER opens the slave without a path lookup: no races. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		die_errno(errno, "pty: open the slave (needs Linux 4.13)");
	r = pb_send_fd(INIT_CTL_FD, master);
	if (r < 0)
		die_errno(r, "pty: hand the terminal to the supervisor");
	return slave;
}

/* A listener inside the box's netns, handed to the supervisor to accept on. */
static void send_listener(uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	cleanup_fd int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, r;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 4096) < 0)
		die_errno(errno, "network: listen on the box's 127.0.0.1:%u", port);
	r = pb_send_fd(INIT_CTL_FD, fd);
	if (r < 0)
		die_errno(r, "network: hand the listener to the supervisor");
}

/* A fresh socket in the box's netns, for a --publish connection. */
static void send_box_socket(void)
{
	cleanup_fd int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		pb_send_fd(INIT_CTL_FD, fd);
}

static void lock_view(const struct init_args *a)
{
	int r;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		die_errno(errno, "userns: lock the view in a nested namespace");
	r = userns_map_self(a->uid, 0, a->gid, 0);
	if (r < 0)
		die_errno(r, "userns: map uid %u inside the locked view", a->uid);
}

static size_t writable_paths(const struct init_args *a, const char **out,
			     size_t max)
{
	static const char *const fixed[] = {
		"/tmp", "/dev/shm", "/dev/null", "/dev/zero", "/dev/full",
		"/dev/tty", "/dev/pts",
	};
	size_t n = 0;

	out[n++] = a->home;
	for (size_t i = 0; i < ARRAY_SIZE(fixed) && n < max; i++)
		out[n++] = fixed[i];
	for (size_t i = 0; i < a->n_binds && n < max; i++)
		if (a->binds[i].kind == PLAN_BIND_RW)
			out[n++] = a->binds[i].path;
	return n;
}

static void reset_signals(void)
{
	sigset_t all;

	sigemptyset(&all);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* The supervisor compiled the seccomp filter while we built the view. */
static char filter[SECCOMP_PROG_MAX];
static size_t filter_len;

static void receive_filter(void)
{
	ssize_t n;

	do
		n = recv(INIT_CTL_FD, filter, sizeof(filter), 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		die_errno(n < 0 ? errno : EPIPE, "seccomp: receive the filter from the supervisor");
	filter_len = (size_t)n;
}

/* Files for the box's home (git credentials...), contents on the socket. */
static void receive_files(const struct init_args *a)
{
	static char buf[65536];

	for (size_t i = 0; i < a->n_files; i++) {
		char path[PATH_MAX];
		cleanup_fd int fd = -1;
		ssize_t n;
		int r;

		do
			n = recv(INIT_CTL_FD, buf, sizeof(buf), 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			die_errno(errno, "box: receive %s", a->files[i].name);
		snprintf(path, sizeof(path), "%s/%s", a->home, a->files[i].name);
		if (strrchr(a->files[i].name, '/')) {
			char dir[PATH_MAX];

			snprintf(dir, sizeof(dir), "%s", path);
			*strrchr(dir, '/') = '\0';
			r = pb_mkdir_p(dir, 0700);
			if (r < 0)
				die_errno(r, "box: mkdir %s", dir);
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			  a->files[i].mode);
		if (fd < 0 || pb_write_all(fd, buf, (size_t)n) < 0)
			die_errno(errno, "box: write %s", path);
	}
}

/* In the command's process, after fork: the ordered privilege drop. */
static _Noreturn void exec_command(const struct init_args *a, int slave)
{
	const char *writable[PLAN_MAX_BINDS + 16];
	size_t n = writable_paths(a, writable, ARRAY_SIZE(writable));
	int r, abi;

	reset_signals();
	if (setsid() < 0)
		die_errno(errno, "init: setsid");
	if (slave >= 0) {
		if (ioctl(slave, TIOCSCTTY, 0) < 0)
			die_errno(errno, "pty: make it the controlling terminal");
		for (int fd = 0; fd < 3; fd++)
			if (dup2(slave, fd) < 0)
				die_errno(errno, "pty: dup2");
	}
	/* Nothing of init's (ctl socket, signalfd, pty master) crosses. */
	if (syscall(SYS_close_range, 3, ~0U, 0) < 0)
		die_errno(errno, "init: close_range");
	if (chdir(a->cwd) < 0)
		die_errno(errno, "init: chdir %s", a->cwd);
	r = caps_set_rlimits(a->pids);
	if (r < 0)
		die_errno(r, "rlimits: set core and process limits");
	/* 1. capabilities: bounding, ambient, inheritable, permitted */
	r = caps_drop_all();
	if (r < 0)
		die_errno(r, "capabilities: drop");
	/* 2. no_new_privs: setuid/file-capability binaries gain nothing */
	r = caps_no_new_privs();
	if (r < 0)
		die_errno(r, "no_new_privs");
	/* 3. Landlock: writes only where the view is writable */
	r = landlock_apply(writable, n, &abi);
	if (r < 0)
		die_errno(r, "landlock: restrict (ABI %d) - 'pibox doctor' explains", abi);
	if (abi == 0)
		pb_warn("landlock: this kernel has none; the box runs with mounts, capabilities and seccomp only ('pibox doctor')");
	/* 4. seccomp, last: it forbids what the steps above needed */
	r = seccomp_load_prog(filter, filter_len);
	if (r < 0)
		die_errno(r, "seccomp: load the filter");
	execvp(a->argv[0], a->argv);
	fprintf(stderr, "pibox: %s: %s in the box\n", a->argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int setup_signalfd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	/* Blocked signals reach pid 1 even without a handler. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die_errno(errno, "init: block signals");
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		die_errno(errno, "init: signalfd");
	return fd;
}

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return PB_EXIT_FAILURE;
}

/* Reap everything; returns the command's status code once it is gone. */
static bool reap(pid_t cmd, int *code)
{
	bool done = false;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == cmd) {
			*code = status_code(status);
			done = true;
		}
	return done;
}

static _Noreturn void wait_loop(pid_t cmd, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = INIT_CTL_FD, .events = POLLIN },
	};
	int code = PB_EXIT_FAILURE;

	for (;;) {
		struct signalfd_siginfo si;
		char byte;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			die_errno(errno, "init: poll");
		if (pfd[1].revents) {
			ssize_t n = recv(INIT_CTL_FD, &byte, 1, MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				_exit(PB_EXIT_FAILURE); /* supervisor gone: box goes */
			if (n == 1 && byte == 'S')
				send_box_socket();
		}
		if (!(pfd[0].revents & POLLIN) ||
		    read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD) {
			kill(cmd, (int)si.ssi_signo);
			continue;
		}
		if (reap(cmd, &code))
			_exit(code); /* the kernel kills the rest of the pid ns */
	}
}

/**
 * init_run() - pid 1 of a box; see the top of this file
 */
void init_run(const struct init_args *a)
{
	struct box_view view = {
		.home = a->home, .binds = a->binds, .n_binds = a->n_binds,
	};
	int slave = -1, sfd, r;
	pid_t cmd;

	if (getpid() != 1)
		die("init: runs only as pid 1 of a new box - use 'pibox exec'");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(errno, "init: prctl");
	if (setsid() < 0)
		die_errno(errno, "init: setsid");
	mounts_build_view(&view);
	if (sethostname("pibox", 5) < 0)
		die_errno(errno, "uts: sethostname");
	r = netns_loopback_up();
	if (r < 0)
		die_errno(r, "network: bring up lo in the box");
	if (a->tty)
		slave = open_box_pty();
	if (a->net)
		send_listener(BOX_PROXY_PORT);
	for (size_t i = 0; i < a->n_forward; i++)
		send_listener(a->forward_ports[i]);
	lock_view(a);
	receive_filter();
	receive_files(a);
	sfd = setup_signalfd();
	cmd = fork();
	if (cmd < 0)
		die_errno(errno, "init: fork the command");
	if (cmd == 0)
		exec_command(a, slave);
	if (slave >= 0)
		close(slave);
	/* init keeps nothing it does not need: it only reaps from here on */
	r = caps_drop_all();
	if (r == 0)
		r = caps_no_new_privs();
	if (r < 0) {
		kill(cmd, SIGKILL);
		die_errno(r, "init: drop its own capabilities");
	}
	wait_loop(cmd, sfd);
}
