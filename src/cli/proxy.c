// SPDX-License-Identifier: MIT
/*
 * proxy.c - `pibox proxy`: the allowlist proxy alone, for other setups (a
 * drop-in for squid). Loopback by default; a non-loopback address needs
 * --public and then a token, so other hosts cannot borrow the egress.
 * SIGHUP re-reads the config and the rules; SIGTERM/SIGINT stop it.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "cli/cli.h"
#include "config/paths.h"
#include "proxy/host.h"
#include "proxy/proxy.h"
#include "util/loop.h"

struct proxy_cli {
	const char *listen;
	bool public_ok;
	const char *token_file;
	unsigned max_conns, head_ms, connect_ms, idle_ms;
	int rest_argc;          /* what the shared option table parses */
	char *rest[256];
};

static int take_uint(const char *name, const char *v, unsigned *out,
		     struct pb_err *err)
{
	uint64_t x;

	if (!v || pb_parse_uint(v, 1u << 30, &x) < 0 || x == 0)
		return pb_err_usage(err, "proxy: --%s needs a positive number", name);
	*out = (unsigned)x;
	return 0;
}

/* Of the shared options, the ones that mean something to the proxy alone. */
static bool proxy_option_ok(const char *a)
{
	static const char *const ok[] = {
		"allow", "no-default-allowlist", "resolve", "dns-server", "audit-log",
		"tls-port", "config", "verbose", "quiet",
	};
	size_t n;

	if (strncmp(a, "--", 2) != 0)
		return true; /* a value, or a stray word the parser will name */
	a += 2;
	n = strcspn(a, "=");
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (strlen(ok[i]) == n && strncmp(a, ok[i], n) == 0)
			return true;
	return false;
}

/* Splits off the options only `pibox proxy` has. */
static int proxy_split_args(struct proxy_cli *pc, int argc, char **argv,
			    struct pb_err *err)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 1;

		if (!strcmp(a, "--listen") && v)
			pc->listen = v;
		else if (!strcmp(a, "--token-file") && v)
			pc->token_file = v;
		else if (!strcmp(a, "--max-conns"))
			r = take_uint("max-conns", v, &pc->max_conns, err);
		else if (!strcmp(a, "--head-timeout"))
			r = take_uint("head-timeout", v, &pc->head_ms, err);
		else if (!strcmp(a, "--connect-timeout"))
			r = take_uint("connect-timeout", v, &pc->connect_ms, err);
		else if (!strcmp(a, "--idle-timeout"))
			r = take_uint("idle-timeout", v, &pc->idle_ms, err);
		else if (!strcmp(a, "--public")) {
			pc->public_ok = true;
			continue;
		} else {
			if (pc->rest_argc == (int)ARRAY_SIZE(pc->rest) - 1)
				return pb_err_usage(err, "proxy: too many arguments");
			if (!proxy_option_ok(a))
				return pb_err_usage(err, cli_is_box_option(a + 2, strcspn(a + 2, "=")) ?
						    "proxy: %.*s applies to boxes (pibox exec, pibox run), not to pibox proxy" :
						    "proxy: unknown option '%.*s' - 'pibox proxy --help' lists them",
						    (int)strcspn(a, "="), a);
			pc->rest[pc->rest_argc++] = argv[i];
			continue;
		}
		if (r < 0)
			return r;
		i++;
	}
	return 0;
}

static int proxy_listen_addr(const char *spec, bool public_ok, bool *loopback,
			     struct pb_err *err)
{
	struct sockaddr_storage ss = { 0 };
	struct host h;
	const char *hp;
	size_t hl;
	uint16_t port;
	int fd, one = 1;

	if (host_split_port(spec, strlen(spec), &hp, &hl, &port) < 0 || !port ||
	    host_canonicalize(hp, hl, &h) < 0 || !h.is_addr)
		return pb_err_usage(err, "proxy: --listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:3128", spec);
	ss = h.addr;
	*loopback = ss.ss_family == AF_INET ?
			    (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127 :
			    IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
	if (!*loopback && !public_ok)
		return pb_err_usage(err, "proxy: --listen %s is not a loopback address; pass --public (with --token-file) to serve other hosts",
				    spec);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET ?
			    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0 ||
	    listen(fd, 4096) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return pb_err_set(err, e, "proxy: listen on %s", spec);
	}
	return fd;
}

static int read_token(const char *path, char *out, size_t size,
		      struct pb_err *err)
{
	ssize_t n = pb_read_file(path, out, size);

	if (n < 0)
		return pb_err_set(err, (int)n, "proxy: --token-file %s", path);
	out[strcspn(out, "\r\n")] = '\0';
	if (strlen(out) < 16)
		return pb_err_usage(err, "proxy: the token in %s is shorter than 16 characters", path);
	return 0;
}

/* The policy and options from the config and command line. */
static int proxy_load(struct proxy_cli *pc, struct box_plan *plan,
		      struct pb_err *err)
{
	int first = cli_prepare_plan(plan, pc->rest_argc, pc->rest, err);

	if (first == 0)
		first = cli_parse_box_options(plan, pc->rest_argc, pc->rest,
					      CLI_STOP_AT_DASHDASH, "proxy", err);
	if (first < 0)
		return first;
	if (first != pc->rest_argc)
		return pb_err_usage(err, "proxy: takes no command");
	if (!plan->no_default_allowlist && policy_add_defaults(&plan->net->policy, err) < 0)
		return -EINVAL; /* pibox proxy: no repository, no .pibox.ini */
	if (!plan->net->audit_path[0] &&
	    paths_audit_log(plan->net->audit_path, sizeof(plan->net->audit_path)) < 0)
		pb_warn("proxy: no audit log: cannot create the state directory");
	snprintf(plan->net->session, sizeof(plan->net->session), "proxy-%d", (int)getpid());
	if (pc->max_conns)
		plan->net->max_conns = pc->max_conns;
	if (pc->head_ms)
		plan->net->head_timeout_ms = pc->head_ms;
	if (pc->connect_ms)
		plan->net->connect_timeout_ms = pc->connect_ms;
	if (pc->idle_ms)
		plan->net->idle_timeout_ms = pc->idle_ms;
	if (pc->token_file)
		return read_token(pc->token_file, plan->net->token,
				  sizeof(plan->net->token), err);
	return 0;
}

static void proxy_reload(struct proxy_cli *pc, struct proxy *p)
{
	struct box_plan plan;
	struct pb_err err = { 0 };

	if (proxy_load(pc, &plan, &err) < 0) {
		pb_warn("proxy: reload failed, keeping the old rules: %s", err.msg);
	} else {
		proxy_reload_policy(p, &plan.net->policy);
		pb_info("proxy: reloaded %zu rules", plan.net->policy.n_rules);
	}
	plan_free(&plan);
}

static int proxy_serve(struct proxy_cli *pc, struct proxy *p, int epfd, int sfd)
{
	struct epoll_event ev[64];

	for (;;) {
		int n = epoll_wait(epfd, ev, ARRAY_SIZE(ev), proxy_timeout_ms(p));

		for (int i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (loop_ref_owner(ev[i].data.u64) == LOOP_OWNER_PROXY) {
				proxy_event(p, ev[i].data.u64, ev[i].events);
				continue;
			}
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP)
				proxy_reload(pc, p);
			else
				return 0;
		}
		proxy_tick(p);
	}
}

int cli_proxy(int argc, char **argv)
{
	struct proxy_cli pc = { .listen = "127.0.0.1:3128" };
	struct box_plan plan = { 0 };
	struct pb_err err = { 0 };
	struct proxy *p = NULL;
	struct epoll_event sev = { .events = EPOLLIN, .data.u64 = 0 };
	sigset_t set;
	bool loopback = true;
	int fd = -1, epfd = -1, sfd = -1, r;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: pibox proxy [--listen ADDR:PORT] [--public --token-file F]\n"
		       "       [--allow HOST[:PORT]]... [--no-default-allowlist] [--resolve NAME:ADDR]\n"
		       "       [--dns-server ADDR:PORT] [--audit-log FILE] [--config FILE]\n"
		       "       [--max-conns N] [--head-timeout MS] [--connect-timeout MS] [--idle-timeout MS]\n");
		return 0;
	}
	r = proxy_split_args(&pc, argc - 1, argv + 1, &err);
	if (r == 0)
		r = proxy_load(&pc, &plan, &err);
	if (r == 0 && (fd = proxy_listen_addr(pc.listen, pc.public_ok, &loopback, &err)) < 0)
		r = fd;
	if (r == 0 && !loopback && !plan.net->token[0])
		r = pb_err_usage(&err, "proxy: serving a non-loopback address needs --token-file: clients then send Proxy-Authorization");
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (r == 0) {
		epfd = epoll_create1(EPOLL_CLOEXEC);
		sfd = signalfd(-1, &set, SFD_CLOEXEC);
		if (epfd < 0 || sfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &sev) < 0)
			r = pb_err_set(&err, errno, "proxy: epoll");
	}
	if (r == 0 && !(p = proxy_new(plan.net, epfd, &err)))
		r = -EINVAL;
	if (r == 0 && (r = proxy_listen(p, fd, false)) == 0) {
		fd = -1;
		pb_info("proxy: listening on %s, %zu rules, audit log %s", pc.listen,
			plan.net->policy.n_rules, plan.net->audit_path);
		r = proxy_serve(&pc, p, epfd, sfd);
	} else if (r < 0 && !err.msg[0]) {
		pb_err_set(&err, r, "proxy");
	}
	proxy_free(p);
	if (fd >= 0)
		close(fd);
	if (epfd >= 0)
		close(epfd);
	if (sfd >= 0)
		close(sfd);
	plan_free(&plan);
	if (r < 0) {
		pb_err_print(&err);
		return PB_EXIT_FAILURE;
	}
	return 0;
}
