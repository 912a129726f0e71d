// SPDX-License-Identifier: MIT
/*
 * options.c - one option table for every subcommand that runs a box.
 *
 * pibox's own options are long options only, so that every short option
 * and every unknown word can go to the agent untouched.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "cli/cli.h"
#include "config/config.h"
#include "config/paths.h"
#include "proxy/proxy.h"
#include "sandbox/box.h"

struct cli_option {
	const char *name;
	bool has_arg;
	int (*apply)(struct box_plan *plan, const char *arg, struct pb_err *err);
	const char *help;
};

static int opt_memory(struct box_plan *p, const char *arg, struct pb_err *err)
{
	if (pb_parse_size(arg, &p->limits.memory) < 0 || p->limits.memory < (16 << 20))
		return pb_err_usage(err, "--memory %s: expected a size of at least 16m, like 512m or 4g",
				  arg);
	return 0;
}

static int opt_cpus(struct box_plan *p, const char *arg, struct pb_err *err)
{
	if (pb_parse_cpus(arg, &p->limits.millicpus) < 0)
		return pb_err_usage(err, "--cpus %s: expected a number of CPUs from 0.01 to 4096, like 2 or 0.5",
				  arg);
	return 0;
}

static int opt_pids(struct box_plan *p, const char *arg, struct pb_err *err)
{
	if (pb_parse_uint(arg, 1 << 22, &p->limits.pids) < 0 || p->limits.pids < 8)
		return pb_err_usage(err, "--pids %s: expected a whole number of processes from 8 to 4194304",
				  arg);
	return 0;
}

static int opt_env(struct box_plan *p, const char *arg, struct pb_err *err)
{
	if (!pb_env_name_valid(arg, strcspn(arg, "=")))
		return pb_err_usage(err,
				    "--env %s: expected NAME or NAME=VALUE with NAME made of letters, digits and _",
				    arg);
	if (p->n_env_opts == PLAN_MAX_ENV)
		return pb_err_set(err, E2BIG, "--env: at most %d", PLAN_MAX_ENV);
	p->env_opts[p->n_env_opts++] = (char *)arg;
	return 0;
}

static int opt_ro(struct box_plan *p, const char *arg, struct pb_err *err)
{
	return plan_add_bind(p, PLAN_BIND_RO, arg, err);
}

static int opt_rw(struct box_plan *p, const char *arg, struct pb_err *err)
{
	return plan_add_bind(p, PLAN_BIND_RW, arg, err);
}

static int opt_user(struct box_plan *p, const char *arg, struct pb_err *err)
{
	(void)err;
	p->user_opt = (char *)arg;
	return 0;
}

static int opt_no_network(struct box_plan *p, const char *arg,
			  struct pb_err *err)
{
	(void)arg;
	(void)err;
	p->no_network = true;
	return 0;
}

static int opt_allow(struct box_plan *p, const char *arg, struct pb_err *err)
{
	char buf[1024];
	int r = 0;

	/* config files may list several: "allow = a.com b.com, .c.org" */
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *tok = strtok(buf, " \t,"); tok && r == 0; tok = strtok(NULL, " \t,"))
		r = policy_add_rule(&p->net->policy, tok, err);
	return r;
}

static int opt_no_default_allowlist(struct box_plan *p, const char *arg,
				    struct pb_err *err)
{
	(void)arg, (void)err;
	p->no_default_allowlist = true;
	return 0;
}

static int opt_resolve(struct box_plan *p, const char *arg, struct pb_err *err)
{
	return policy_add_pin(&p->net->policy, arg, err);
}

static int opt_dns_server(struct box_plan *p, const char *arg, struct pb_err *err)
{
	if (strlen(arg) >= sizeof(p->net->dns_server) || !strchr(arg, ':'))
		return pb_err_usage(err, "--dns-server %s: expected ADDRESS:PORT, e.g. 127.0.0.1:5353", arg);
	snprintf(p->net->dns_server, sizeof(p->net->dns_server), "%s", arg);
	return 0;
}

static int opt_audit_log(struct box_plan *p, const char *arg, struct pb_err *err)
{
	if (arg[0] != '/' || strlen(arg) >= sizeof(p->net->audit_path))
		return pb_err_usage(err, "--audit-log %s: expected an absolute path", arg);
	snprintf(p->net->audit_path, sizeof(p->net->audit_path), "%s", arg);
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (pb_parse_uint(s, 65535, &v) < 0 || v == 0)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* --publish PORT[:BOXPORT]: the box's port on the host's 127.0.0.1 */
static int opt_publish(struct box_plan *p, const char *arg, struct pb_err *err)
{
	struct plan_relay *r = &p->publish[p->n_publish];
	char buf[64];
	char *colon;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (p->n_publish == PLAN_MAX_RELAYS || strlen(arg) >= sizeof(buf) ||
	    parse_port(buf, &r->port) < 0 ||
	    parse_port(colon ? colon + 1 : buf, &r->to_port) < 0)
		return pb_err_usage(err, "--publish %s: expected PORT or HOSTPORT:BOXPORT (1-65535)", arg);
	snprintf(r->spec, sizeof(r->spec), "%s", arg);
	p->n_publish++;
	return 0;
}

/* --forward [HOST:]PORT: a host service at the box's 127.0.0.1:PORT */
static int opt_forward(struct box_plan *p, const char *arg, struct pb_err *err)
{
	struct plan_relay *r = &p->forward[p->n_forward];
	const char *h = "127.0.0.1", *port = arg, *colon = strrchr(arg, ':');
	char host[64];
	struct sockaddr_in *sin = (struct sockaddr_in *)&r->host;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&r->host;

	if (colon) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - arg), arg);
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
		h = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
		port = colon + 1;
	}
	memset(&r->host, 0, sizeof(r->host));
	if (p->n_forward == PLAN_MAX_RELAYS || parse_port(port, &r->port) < 0)
		return pb_err_usage(err, "--forward %s: expected [HOST:]PORT", arg);
	if (inet_pton(AF_INET, h, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(r->port);
	} else if (inet_pton(AF_INET6, h, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(r->port);
	} else {
		return pb_err_usage(err, "--forward %s: HOST must be an IP address or localhost", arg);
	}
	r->to_port = r->port;
	snprintf(r->spec, sizeof(r->spec), "%s", arg);
	p->n_forward++;
	return 0;
}

static int opt_tls_port(struct box_plan *p, const char *arg, struct pb_err *err)
{
	uint16_t port;

	if (parse_port(arg, &port) < 0 || p->net->n_tls_ports == ARRAY_SIZE(p->net->tls_ports))
		return pb_err_usage(err, "--tls-port %s: expected a port number (at most 7 of them)", arg);
	p->net->tls_ports[p->net->n_tls_ports++] = port;
	return 0;
}

static int opt_yes(struct box_plan *p, const char *arg, struct pb_err *err)
{
	(void)arg, (void)err;
	p->assume_yes = true;
	return 0;
}

static int opt_keep_auth(struct box_plan *p, const char *arg, struct pb_err *err)
{
	(void)arg, (void)err;
	p->keep_auth = true;
	return 0;
}

static int opt_config(struct box_plan *p, const char *arg, struct pb_err *err)
{
	(void)p, (void)arg, (void)err;
	return 0; /* read before everything else: see cli_prepare_plan() */
}

static int opt_verbose(struct box_plan *p, const char *arg, struct pb_err *err)
{
	(void)p, (void)arg, (void)err;
	pb_verbosity = 2;
	return 0;
}

static int opt_quiet(struct box_plan *p, const char *arg, struct pb_err *err)
{
	(void)p, (void)arg, (void)err;
	pb_verbosity = 0;
	return 0;
}

static const struct cli_option box_options[] = {
	{ "memory", true, opt_memory, "SIZE   memory limit (default 4g)" },
	{ "cpus", true, opt_cpus, "N        CPU limit (default 2)" },
	{ "pids", true, opt_pids, "N        process limit (default 512)" },
	{ "env", true, opt_env, "NAME[=VALUE]  pass a variable into the box" },
	{ "ro", true, opt_ro, "PATH       bind a host path read-only" },
	{ "rw", true, opt_rw, "PATH       bind a host path read-write" },
	{ "user", true, opt_user, "UID[:GID] (root only) run the command as this user" },
	{ "no-network", false, opt_no_network, "     keep the network closed: no proxy" },
	{ "allow", true, opt_allow, "HOST[:PORT]  allow a host (.domain: and its subdomains)" },
	{ "no-default-allowlist", false, opt_no_default_allowlist, " only what --allow and the config name" },
	{ "resolve", true, opt_resolve, "NAME:ADDR  pin a name to an address (may be private)" },
	{ "dns-server", true, opt_dns_server, "ADDR:PORT  the resolver the proxy asks" },
	{ "audit-log", true, opt_audit_log, "FILE  where the network audit log goes" },
	{ "tls-port", true, opt_tls_port, "PORT  CONNECT to it must be TLS naming the host (443 always)" },
	{ "publish", true, opt_publish, "PORT[:BOXPORT]  a box port on the host's 127.0.0.1" },
	{ "forward", true, opt_forward, "[HOST:]PORT  a host service at the box's 127.0.0.1:PORT" },
	{ "yes", false, opt_yes, "            answer yes to pibox's questions" },
	{ "keep-auth", false, opt_keep_auth, "      keep pi's logins after the session" },
	{ "config", true, opt_config, "FILE     read this config instead of ~/.config/pibox/config.ini" },
	{ "verbose", false, opt_verbose, "        say more" },
	{ "quiet", false, opt_quiet, "          say only errors" },
};

void cli_print_box_options(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(box_options); i++)
		printf("  --%s %s\n", box_options[i].name, box_options[i].help);
}

static const struct cli_option *find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(box_options); i++)
		if (strlen(box_options[i].name) == len &&
		    strncmp(box_options[i].name, name, len) == 0)
			return &box_options[i];
	return NULL;
}

bool cli_is_box_option(const char *name, size_t len)
{
	return find_option(name, len) != NULL;
}

/**
 * cli_apply_option() - if argv[*i] is one of pibox's options, apply it (and
 * its value, advancing *i)
 * Return: 1 when applied, 0 when it is not a pibox option, or -errno
 */
int cli_apply_option(struct box_plan *plan, int argc, char **argv, int *i,
		     const char *cmd, struct pb_err *err)
{
	const char *a = argv[*i], *name, *eq, *val;
	const struct cli_option *o;
	size_t len;

	if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
		return 0;
	name = a + 2;
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	o = find_option(name, len);
	if (!o)
		return 0;
	if (!o->has_arg && eq)
		return pb_err_usage(err, "%s: --%s takes no value", cmd, o->name);
	val = eq ? eq + 1 : NULL;
	if (o->has_arg && !val) {
		if (*i + 1 >= argc)
			return pb_err_usage(err, "%s: --%s needs a value", cmd, o->name);
		val = argv[++*i];
	}
	return o->apply(plan, val, err) < 0 ? -EINVAL : 1;
}

/**
 * cli_parse_box_options() - fill @plan from argv; the command follows
 * Return: the index of the command's first word in @argv, or -errno
 */
int cli_parse_box_options(struct box_plan *plan, int argc, char **argv,
			  enum cli_stop stop, const char *cmd,
			  struct pb_err *err)
{
	int i;

	for (i = 0; i < argc; i++) {
		int r;

		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if (strncmp(argv[i], "--", 2) != 0) {
			if (stop == CLI_STOP_AT_NONOPTION)
				return i;
			return pb_err_usage(err, "%s: '%s' is not an option; put the command after '--' (pibox %s [OPTIONS] -- CMD)",
					    cmd, argv[i], cmd);
		}
		r = cli_apply_option(plan, argc, argv, &i, cmd, err);
		if (r < 0)
			return r;
		if (r == 0)
			return pb_err_usage(err, "%s: unknown option '%.*s' - 'pibox %s --help' lists them",
					    cmd, (int)strcspn(argv[i], "="), argv[i], cmd);
	}
	return i;
}

/* [section] key = value, as the option --key value; '_' may stand for '-' */
int cli_config_apply(void *ctx, const char *section, const char *key,
		     const char *value, struct pb_err *err)
{
	static const char *const sections[][2] = {
		{ "network", "allow resolve dns-server audit-log no-default-allowlist publish forward no-network tls-port" },
		{ "limits", "memory cpus pids" },
		{ "box", "env ro rw" },
		{ "agent", "keep-auth yes" },
	};
	char name[64];
	const struct cli_option *o;

	snprintf(name, sizeof(name), "%s", key);
	for (char *q = name; *q; q++)
		if (*q == '_')
			*q = '-';
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		if (strcmp(section, sections[i][0]) != 0)
			continue;
		o = find_option(name, strlen(name));
		if (!o || !strstr(sections[i][1], name))
			break;
		if (!o->has_arg) {
			if (strcmp(value, "true") && strcmp(value, "yes") && strcmp(value, "1"))
				return strcmp(value, "false") && strcmp(value, "no") &&
						       strcmp(value, "0") ?
					       pb_err_usage(err, "%s = %s: expected true or false", key, value) :
					       0;
			value = NULL;
		}
		return o->apply(ctx, value ? strdup(value) : NULL, err);
	}
	return pb_err_usage(err, "unknown setting '%s' in [%s]", key, section);
}

/**
 * cli_prepare_plan() - a plan with the config file read (--config in
 * @argv, else the user's); the command line comes next
 * Return: 0, or -errno
 */
int cli_prepare_plan(struct box_plan *plan, int argc, char **argv,
		     struct pb_err *err)
{
	char path[4096];
	const char *cfg = NULL;
	bool explicit = false;
	int r;

	if (plan_init(plan) < 0)
		return pb_err_set(err, ENOMEM, "plan");
	for (int i = 0; i + 1 < argc && strcmp(argv[i], "--"); i++)
		if (strcmp(argv[i], "--config") == 0)
			cfg = argv[i + 1], explicit = true;
		else if (strncmp(argv[i], "--config=", 9) == 0)
			cfg = argv[i] + 9, explicit = true;
	if (!cfg && paths_config_file(path, sizeof(path)) == 0)
		cfg = path;
	if (cfg) {
		r = config_load(cfg, explicit, cli_config_apply, plan, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * cli_run_plan() - resolve @plan, run the box, turn the result into an exit
 * status (the command's, or 125 with one line on stderr)
 */
int cli_run_plan(struct box_plan *plan)
{
	struct pb_err err = { 0 };
	int r;

	plan->tty = isatty(STDIN_FILENO);
	r = plan_resolve(plan, &err);
	if (r == 0)
		r = cli_apply_repo_config(plan, &err);
	if (r == 0)
		r = box_run(plan, &err);
	plan_free(plan);
	if (r < 0) {
		pb_err_print(&err);
		return PB_EXIT_FAILURE;
	}
	return r;
}
