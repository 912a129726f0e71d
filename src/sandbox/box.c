// SPDX-License-Identifier: MIT
/*
 * box.c - the supervisor: create the box, relay its terminal, wait for it.
 *
 * Theory of operation. One path for everyone: invoked as root, pibox only
 * creates the cgroup, then forks a child that drops to the target uid on the
 * host and takes exactly the path an ordinary user takes; root waits,
 * forwards signals and removes the cgroup. The (unprivileged) supervisor
 *   1. clones the box's first process into new user, mount, pid, net, ipc,
 *      uts and cgroup namespaces; that child waits until it has been put
 *      in the box's cgroup, maps uid 0 inside to the user outside, and
 *      execs this same binary as "pibox init" - a fresh image, so nothing
 *      of the supervisor's memory crosses;
 *   2. receives the box's pty master from init over the control socket;
 *   3. runs an epoll loop: terminal bytes and window sizes, signals
 *      forwarded to init, SIGCHLD;
 *   4. returns init's exit status (the command's, or 128+signal).
 * Its fds are all O_CLOEXEC; the control socket's end in init is the only
 * one that crosses, and init closes it before the command runs.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sandbox/box.h"
#include "sandbox/cgroup.h"
#include "sandbox/init.h"
#include "sandbox/mounts.h"
#include "sandbox/ns.h"
#include "sandbox/relay.h"
#include "sandbox/seccomp.h"
#include "config/paths.h"
#include "proxy/proxy.h"
#include "util/loop.h"

extern char **environ;

static const int supervised_signals[] = {
	SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

struct box {
	struct box_plan *plan;
	struct cgroup_ctx cg;
	pid_t init_pid;
	int ctl;          /* our end of the control socket */
	int pty;          /* box pty master, or -1 */
	int out_pipe;     /* box stdout when our stdout is a terminal */
	int err_pipe;
	int sigfd;
	int epfd;
	struct term_state term;
	struct proxy *proxy;  /* the box's only way out; NULL with --no-network */
};

static int add_arg(char **argv, size_t *n, size_t max, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add_arg(char **argv, size_t *n, size_t max, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n + 1 >= max)
		return -E2BIG;
	va_start(ap, fmt);
	r = vasprintf(&argv[*n], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/**
 * box_init_argv() - the command line of "pibox init" for @plan
 * Return: a NULL-terminated array (free with plan_free_env()), or NULL
 */
char **box_init_argv(const struct box_plan *plan)
{
	static const char *const kind_opt[] = {
		[PLAN_BIND_RO] = "--ro", [PLAN_BIND_RW] = "--rw",
		[PLAN_BIND_PROTECT] = "--protect",
	};
	size_t max = 24 + 2 * plan->n_binds + plan->n_forward + plan->n_files +
		     (size_t)plan->argc, n = 0;
	char **argv = calloc(max, sizeof(char *));
	int r = argv ? 0 : -ENOMEM;

	if (r == 0)
		r = add_arg(argv, &n, max, "pibox-init");
	if (r == 0)
		r = add_arg(argv, &n, max, "init");
	if (r == 0)
		r = add_arg(argv, &n, max, "--ids=%u:%u", plan->uid, plan->gid);
	if (r == 0)
		r = add_arg(argv, &n, max, "--home=%s", plan->home);
	if (r == 0)
		r = add_arg(argv, &n, max, "--cwd=%s", plan->cwd);
	if (r == 0)
		r = add_arg(argv, &n, max, "--pids=%llu",
			    (unsigned long long)plan->limits.pids);
	if (r == 0 && plan->tty)
		r = add_arg(argv, &n, max, "--tty");
	if (r == 0 && !plan->no_network)
		r = add_arg(argv, &n, max, "--net");
	for (size_t i = 0; r == 0 && !plan->no_network && i < plan->n_forward; i++)
		r = add_arg(argv, &n, max, "--forward-port=%u", plan->forward[i].port);
	for (size_t i = 0; r == 0 && i < plan->n_binds; i++)
	{
		r = add_arg(argv, &n, max, "%s=%s", kind_opt[plan->binds[i].kind],
			    plan->binds[i].path);
		if (r == 0 && plan->binds[i].at)
			r = add_arg(argv, &n, max, "--at=%s", plan->binds[i].at);
	}
	for (size_t i = 0; r == 0 && i < plan->n_files; i++)
		r = add_arg(argv, &n, max, "--file=%o:%s", plan->files[i].mode,
			    plan->files[i].name);
	if (r == 0)
		r = add_arg(argv, &n, max, "--");
	for (int i = 0; r == 0 && i < plan->argc; i++)
		r = add_arg(argv, &n, max, "%s", plan->argv[i]);
	if (r < 0) {
		plan_free_env(argv);
		return NULL;
	}
	return argv;
}

/* In the clone child: wait to be placed, map ids, become "pibox init". */
static _Noreturn void box_child(struct box *b, int go, int ctl,
				char **argv, char **env, const int stdio[3])
{
	char byte;
	int r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(PB_EXIT_FAILURE);
	if (read(go, &byte, 1) != 1)
		_exit(PB_EXIT_FAILURE); /* supervisor failed or died */
	for (int fd = 0; fd < 3; fd++)
		if (stdio[fd] >= 0 && dup2(stdio[fd], fd) < 0)
			die_errno(errno, "box: dup2");
	if (dup2(ctl, INIT_CTL_FD) < 0)
		die_errno(errno, "box: dup2");
	if (ctl == INIT_CTL_FD)
		fcntl(ctl, F_SETFD, 0);
	r = userns_map_self(0, b->plan->uid, 0, b->plan->gid);
	if (r < 0)
		die_errno(r, "userns: write the uid/gid maps of the box");
	/* /proc is still the host's here: self is this very binary */
	execve("/proc/self/exe", argv, env);
	die_errno(errno, "box: exec pibox init");
}

static int open_devnull(void)
{
	return open("/dev/null", O_RDWR | O_CLOEXEC);
}

/* Our stdout/stderr, if a terminal, reach the box only through a pipe. */
static int pipe_if_tty(int fd, int *ours, int *theirs)
{
	int p[2];

	*ours = -1;
	*theirs = -1;
	if (!isatty(fd))
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	*ours = p[0];
	*theirs = p[1];
	return 0;
}

/* Compiled while init builds the view; init installs it in the command. */
static int box_send_filter(struct box *b, struct pb_err *err)
{
	static char bpf[SECCOMP_PROG_MAX];
	int n = seccomp_build(bpf, sizeof(bpf));

	if (n < 0)
		return pb_err_set(err, n, "seccomp: build the filter");
	if (send(b->ctl, bpf, (size_t)n, MSG_NOSIGNAL) != n && errno != EPIPE)
		return pb_err_set(err, errno, "seccomp: hand the filter to init");
	/* file contents (tokens) travel over the socket, never on argv */
	for (size_t i = 0; i < b->plan->n_files; i++) {
		const char *c = b->plan->files[i].content;

		if (send(b->ctl, c, strlen(c), MSG_NOSIGNAL) != (ssize_t)strlen(c) &&
		    errno != EPIPE)
			return pb_err_set(err, errno, "box: hand a file to init");
	}
	return 0;
}

static int box_spawn(struct box *b, char **argv, char **env, struct pb_err *err)
{
	cleanup_fd int go_r = -1, go_w = -1, ctl_child = -1, null = -1;
	cleanup_fd int out_child = -1, err_child = -1;
	int sv[2], go[2], stdio[3] = { -1, -1, -1 }, r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(go, O_CLOEXEC) < 0)
		return pb_err_set(err, errno, "box: socketpair");
	b->ctl = sv[0];
	ctl_child = sv[1];
	go_r = go[0];
	go_w = go[1];
	if (b->plan->tty) {
		null = open_devnull();
		stdio[0] = stdio[1] = null;
	} else {
		r = pipe_if_tty(STDOUT_FILENO, &b->out_pipe, &out_child);
		if (r == 0)
			r = pipe_if_tty(STDERR_FILENO, &b->err_pipe, &err_child);
		if (r < 0)
			return pb_err_set(err, r, "box: pipe");
		stdio[1] = out_child;
		stdio[2] = err_child;
	}
	b->init_pid = (pid_t)syscall(SYS_clone, BOX_CLONE_FLAGS | SIGCHLD, 0,
				     NULL, NULL, 0);
	if (b->init_pid < 0)
		return pb_err_set(err, errno,
				  "namespaces: cannot create the box's namespaces - run 'pibox doctor' for the fix");
	if (b->init_pid == 0)
		box_child(b, go_r, ctl_child, argv, env, stdio);
	if (b->cg.enforced) {
		r = b->cg.backend->attach(&b->cg, b->init_pid, err);
		if (r < 0)
			return r; /* the child reads EOF on go and exits */
	}
	if (write(go_w, "g", 1) != 1)
		return pb_err_set(err, errno, "box: start init");
	return box_send_filter(b, err);
}

static int loop_add(struct box *b, int fd, enum loop_tag tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (fd < 0)
		return 0;
	return epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int box_loop_setup(struct box *b, struct pb_err *err)
{
	sigset_t set;
	int r;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(supervised_signals); i++)
		sigaddset(&set, supervised_signals[i]);
	b->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->sigfd < 0 || b->epfd < 0)
		return pb_err_set(err, errno, "supervisor: signalfd/epoll");
	r = loop_add(b, b->sigfd, LOOP_SIGNAL);
	if (r == 0 && b->pty >= 0) {
		r = loop_add(b, b->pty, LOOP_PTY);
		if (r == 0)
			r = loop_add(b, STDIN_FILENO, LOOP_STDIN);
	}
	if (r == 0)
		r = loop_add(b, b->out_pipe, LOOP_PIPE_OUT);
	if (r == 0)
		r = loop_add(b, b->err_pipe, LOOP_PIPE_ERR);
	return r < 0 ? pb_err_set(err, r, "supervisor: epoll_ctl") : 0;
}

static void loop_drop(struct box *b, int *fd)
{
	epoll_ctl(b->epfd, EPOLL_CTL_DEL, *fd, NULL);
	if (*fd != STDIN_FILENO)
		close(*fd);
	*fd = -1;
}

/* Returns true when init has exited; *status then holds its code. */
static bool box_on_signal(struct box *b, int *status)
{
	struct signalfd_siginfo si;
	bool done = false;
	int ws;

	while (read(b->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			if (waitpid(b->init_pid, &ws, WNOHANG) == b->init_pid) {
				*status = WIFEXITED(ws) ? WEXITSTATUS(ws) :
							  128 + WTERMSIG(ws);
				done = true;
			}
			break;
		case SIGWINCH:
			if (b->pty >= 0)
				term_copy_winsize(STDIN_FILENO, b->pty);
			break;
		default:
			kill(b->init_pid, (int)si.ssi_signo);
		}
	}
	return done;
}

static void box_on_event(struct box *b, uint64_t tag)
{
	int stdin_fd = STDIN_FILENO;

	switch ((enum loop_tag)tag) {
	case LOOP_STDIN:
		if (relay_copy(STDIN_FILENO, b->pty) == 0)
			loop_drop(b, &stdin_fd);
		break;
	case LOOP_PTY:
		if (relay_copy(b->pty, STDOUT_FILENO) == 0)
			loop_drop(b, &b->pty);
		break;
	case LOOP_PIPE_OUT:
		if (relay_copy(b->out_pipe, STDOUT_FILENO) == 0)
			loop_drop(b, &b->out_pipe);
		break;
	case LOOP_PIPE_ERR:
		if (relay_copy(b->err_pipe, STDERR_FILENO) == 0)
			loop_drop(b, &b->err_pipe);
		break;
	case LOOP_SIGNAL:
		break;
	}
}

/* After init is gone: what it wrote is still in the pty and the pipes. */
static void box_drain(struct box *b)
{
	int *fds[] = { &b->pty, &b->out_pipe, &b->err_pipe };
	int dst[] = { STDOUT_FILENO, STDOUT_FILENO, STDERR_FILENO };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] < 0)
			continue;
		fcntl(*fds[i], F_SETFL, O_NONBLOCK);
		while (relay_copy(*fds[i], dst[i]) > 0)
			;
	}
}

static int box_loop(struct box *b)
{
	struct epoll_event ev[64];
	int status = PB_EXIT_FAILURE;

	for (;;) {
		int timeout = b->proxy ? proxy_timeout_ms(b->proxy) : -1;
		int n = epoll_wait(b->epfd, ev, ARRAY_SIZE(ev), timeout);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			if (loop_ref_owner(ev[i].data.u64) == LOOP_OWNER_PROXY) {
				proxy_event(b->proxy, ev[i].data.u64, ev[i].events);
				continue;
			}
			if (ev[i].data.u64 == LOOP_SIGNAL) {
				if (box_on_signal(b, &status))
					goto done;
				continue;
			}
			box_on_event(b, ev[i].data.u64);
		}
		if (b->proxy)
			proxy_tick(b->proxy);
	}
done:
	box_drain(b);
	return status;
}

static void box_close(struct box *b)
{
	int *fds[] = { &b->ctl, &b->pty, &b->out_pipe, &b->err_pipe,
		       &b->sigfd, &b->epfd };

	term_restore(&b->term);
	proxy_free(b->proxy);
	b->proxy = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		pb_closep(fds[i]);
}

static int box_receive_pty(struct box *b, struct pb_err *err)
{
	int fd = pb_recv_fd(b->ctl);
	int r;

	if (fd == -EPIPE)
		return 0; /* init failed first; its status says so */
	if (fd < 0)
		return pb_err_set(err, fd, "pty: receive the box's terminal");
	b->pty = fd;
	term_copy_winsize(STDIN_FILENO, b->pty);
	r = term_make_raw(&b->term);
	return r < 0 ? pb_err_set(err, r, "pty: raw mode on your terminal") : 0;
}

static int listen_host_port(uint16_t port, struct pb_err *err)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 512) < 0) {
		pb_err_set(err, errno, "--publish %u: cannot listen on the host's 127.0.0.1:%u - is the port in use?",
			   port, port);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int box_add_relays(struct box *b, struct pb_err *err)
{
	const struct box_plan *plan = b->plan;

	for (size_t i = 0; i < plan->n_forward; i++) {
		int fd = pb_recv_fd(b->ctl);

		if (fd < 0)
			return fd == -EPIPE ? 0 : pb_err_set(err, fd, "--forward: receive the listener");
		if (proxy_add_relay(b->proxy, fd, RELAY_FORWARD, &plan->forward[i].host,
				    plan->forward[i].spec) < 0)
			return pb_err_set(err, E2BIG, "--forward: too many relays");
	}
	for (size_t i = 0; i < plan->n_publish; i++) {
		struct sockaddr_storage box = { 0 };
		struct sockaddr_in *sin = (struct sockaddr_in *)&box;
		int fd = listen_host_port(plan->publish[i].port, err);

		if (fd < 0)
			return -EADDRINUSE;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(plan->publish[i].to_port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (proxy_add_relay(b->proxy, fd, RELAY_PUBLISH, &box, plan->publish[i].spec) < 0)
			return pb_err_set(err, E2BIG, "--publish: too many relays");
	}
	if (plan->n_publish)
		proxy_set_box_socket_source(b->proxy, b->ctl);
	return 0;
}

/* The proxy: init's listener inside the box, accepted on out here. */
static int box_network_setup(struct box *b, struct pb_err *err)
{
	struct proxy_opts *o = b->plan->net;
	int fd, r;

	if (b->plan->no_network)
		return 0;
	fd = pb_recv_fd(b->ctl);
	if (fd == -EPIPE)
		return 0; /* init failed first; its status says so */
	if (fd < 0)
		return pb_err_set(err, fd, "network: receive the proxy listener");
	b->proxy = proxy_new(o, b->epfd, err);
	if (!b->proxy) {
		close(fd);
		return -EINVAL;
	}
	r = proxy_listen(b->proxy, fd, true);
	if (r < 0)
		return pb_err_set(err, r, "network: proxy listener");
	return box_add_relays(b, err);
}

/* The unprivileged part: spawn, relay, wait. Returns the exit status. */
static int box_supervise(struct box *b, struct pb_err *err)
{
	char **argv = box_init_argv(b->plan);
	char **env = plan_build_env(b->plan, environ, err);
	sigset_t set;
	int r;

	if (!argv || !env) {
		plan_free_env(argv);
		plan_free_env(env);
		return err->msg[0] ? -EINVAL : pb_err_set(err, ENOMEM, "box");
	}
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(supervised_signals); i++)
		sigaddset(&set, supervised_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	r = box_spawn(b, argv, env, err);
	plan_free_env(argv);
	plan_free_env(env);
	if (r == 0 && b->plan->tty)
		r = box_receive_pty(b, err);
	if (r == 0)
		r = box_loop_setup(b, err);
	if (r == 0)
		r = box_network_setup(b, err);
	if (r == 0)
		r = box_loop(b);
	else if (b->init_pid > 0)
		kill(b->init_pid, SIGKILL), waitpid(b->init_pid, NULL, 0);
	box_close(b);
	return r;
}

static void warn_unenforced(const struct cgroup_ctx *cg)
{
	char names[64];
	unsigned int missing = (CGROUP_MEMORY | CGROUP_CPU | CGROUP_PIDS) &
			       ~cg->enforced;

	if (!missing)
		return;
	cgroup_limit_names(missing, names, sizeof(names));
	pb_warn("limits: %s not enforced by a cgroup: %s - run pibox as root, or in a delegated cgroup v2 scope (systemd-run --user --scope -p Delegate=yes pibox ...)%s",
		names, cg->why ? cg->why : "no cgroup available",
		(missing & CGROUP_PIDS) ? "; pids stays capped through RLIMIT_NPROC" : "");
}

/*
 * Before the root split: the rules, a session id, and the audit log, opened
 * by whoever invoked pibox (root's log stays root's; the dropped
 * supervisor only inherits the fd).
 */
static int box_prepare_network(struct box_plan *plan, struct pb_err *err)
{
	struct proxy_opts *o = plan->net;
	bool explicit = o->audit_path[0] != '\0';

	if (plan->no_network)
		return 0;
	paths_session_id(o->session, sizeof(o->session));
	if (o->audit_fd >= 0)
		return 0; /* opened by the caller (pibox run, as the box's user) */
	if (!explicit && paths_audit_log(o->audit_path, sizeof(o->audit_path)) < 0) {
		pb_warn("network: no audit log: cannot create pibox's state directory (XDG_STATE_HOME)");
		o->audit_path[0] = '\0';
		return 0;
	}
	o->audit_fd = open(o->audit_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (o->audit_fd < 0)
		return pb_err_set(err, errno, "network: open the audit log %s", o->audit_path);
	return 0;
}

/* root: create the cgroup, run the unprivileged half in a child, clean up */
static int box_run_as_root(struct box *b, struct pb_err *err)
{
	sigset_t set, old;
	int status, r;
	pid_t child;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(supervised_signals); i++)
		sigaddset(&set, supervised_signals[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	child = fork();
	if (child < 0)
		return pb_err_set(err, errno, "fork");
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (b->cg.enforced && b->cg.backend->attach(&b->cg, getpid(), err) < 0)
			goto fail;
		b->cg.enforced = 0; /* placed: the child attaches nothing more */
		r = userns_drop_to(b->plan->uid, b->plan->gid);
		if (r < 0) {
			pb_err_set(err, r, "dropping to uid %u failed", b->plan->uid);
			goto fail;
		}
		r = box_supervise(b, err);
		if (r < 0)
			goto fail;
		exit(r);
fail:
		pb_err_print(err);
		exit(PB_EXIT_FAILURE);
	}
	/* root only waits: signals meant for the box go to the child */
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGCHLD && waitpid(child, &status, WNOHANG) == child)
			break;
		if (sig > 0 && sig != SIGCHLD && sig != SIGWINCH)
			kill(child, sig);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/**
 * box_run() - run @plan's command in a new box and wait for it
 * Return: the command's exit status (0-255), or -errno with @err set when
 * pibox failed before the command could start
 */
int box_run(struct box_plan *plan, struct pb_err *err)
{
	struct box b = {
		.plan = plan, .ctl = -1, .pty = -1, .out_pipe = -1,
		.err_pipe = -1, .sigfd = -1, .epfd = -1,
	};
	int r;

	fflush(NULL); /* nothing buffered may be written twice after fork */
	mounts_sort_binds(plan->binds, plan->n_binds);
	r = box_prepare_network(plan, err);
	if (r < 0)
		return r;
	cgroup_select(&b.cg, NULL);
	warn_unenforced(&b.cg);
	if (b.cg.enforced) {
		r = b.cg.backend->create(&b.cg, &plan->limits, err);
		if (r < 0) {
			b.cg.backend->destroy(&b.cg);
			return r;
		}
	}
	if (geteuid() == 0)
		r = box_run_as_root(&b, err);
	else
		r = box_supervise(&b, err);
	if (b.cg.backend)
		b.cg.backend->destroy(&b.cg);
	protect_report(&plan->protect);
	if (plan->net->audit_fd >= 0)
		close(plan->net->audit_fd);
	return r;
}
