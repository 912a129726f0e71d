// SPDX-License-Identifier: MIT
/*
 * options.c - one option table for every subcommand that runs a box.
 *
 * pibox's own options are long options only, so that every short option
 * and every unknown word can go to the agent untouched.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
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
	{ "no-network", false, opt_no_network, "     keep the network closed" },
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
		const char *a = argv[i], *name, *eq, *val;
		const struct cli_option *o;
		size_t len;
		int r;

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (strncmp(a, "--", 2) != 0) {
			if (stop == CLI_STOP_AT_NONOPTION)
				return i;
			return pb_err_usage(err, "%s: '%s' is not an option; put the command after '--' (pibox %s [OPTIONS] -- CMD)",
					  cmd, a, cmd);
		}
		name = a + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_option(name, len);
		if (!o)
			return pb_err_usage(err, "%s: unknown option '%.*s' - 'pibox %s --help' lists them",
					  cmd, (int)(len + 2), a, cmd);
		if (!o->has_arg && eq)
			return pb_err_usage(err, "%s: --%s takes no value", cmd,
					  o->name);
		val = eq ? eq + 1 : NULL;
		if (o->has_arg && !val) {
			if (i + 1 >= argc)
				return pb_err_usage(err, "%s: --%s needs a value",
						  cmd, o->name);
			val = argv[++i];
		}
		r = o->apply(plan, val, err);
		if (r < 0)
			return r;
	}
	return i;
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
		r = box_run(plan, &err);
	plan_free(plan);
	if (r < 0) {
		pb_err_print(&err);
		return PB_EXIT_FAILURE;
	}
	return r;
}
