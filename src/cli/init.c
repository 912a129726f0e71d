// SPDX-License-Identifier: MIT
/*
 * init.c - `pibox init`, hidden: pid 1 of a box, started by the supervisor.
 *
 * Its options are written by box_init_argv(); nobody types them. Anything
 * unexpected dies, as everything in init does.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sandbox/init.h"

static void init_parse_bind(struct init_args *a, enum plan_bind_kind kind,
			    char *path)
{
	if (a->n_binds == PLAN_MAX_BINDS || path[0] != '/')
		die("init: bad bind %s", path);
	a->binds[a->n_binds].kind = kind;
	a->binds[a->n_binds++].path = path;
}

static void init_parse_file(struct init_args *a, char *v)
{
	char *colon = strchr(v, ':');
	struct plan_file *f = &a->files[a->n_files];

	if (!colon || a->n_files == PLAN_MAX_FILES || strlen(colon + 1) >= sizeof(f->name) ||
	    colon[1] == '/' || strstr(colon + 1, ".."))
		die("init: bad --file");
	*colon = '\0';
	f->mode = (unsigned)strtoul(v, NULL, 8) & 0700;
	snprintf(f->name, sizeof(f->name), "%s", colon + 1);
	a->n_files++;
}

static void init_parse_ids(struct init_args *a, char *v)
{
	char *colon = strchr(v, ':');
	uint64_t u, g;

	if (!colon)
		die("init: bad --ids");
	*colon = '\0';
	if (pb_parse_uint(v, UINT32_MAX - 1, &u) < 0 ||
	    pb_parse_uint(colon + 1, UINT32_MAX - 1, &g) < 0 || u == 0)
		die("init: bad --ids");
	a->uid = (uid_t)u;
	a->gid = (gid_t)g;
}

static void init_parse_one(struct init_args *a, char *arg)
{
	char *eq = strchr(arg, '=');
	char *v = eq ? eq + 1 : NULL;

	if (eq)
		*eq = '\0';
	if (strcmp(arg, "--tty") == 0 && !v)
		a->tty = true;
	else if (strcmp(arg, "--net") == 0 && !v)
		a->net = true;
	else if (!v)
		die("init: unexpected argument %s - init is started by 'pibox exec'", arg);
	else if (strcmp(arg, "--ids") == 0)
		init_parse_ids(a, v);
	else if (strcmp(arg, "--home") == 0)
		a->home = v;
	else if (strcmp(arg, "--cwd") == 0)
		a->cwd = v;
	else if (strcmp(arg, "--pids") == 0) {
		if (pb_parse_uint(v, 1 << 22, &a->pids) < 0)
			die("init: bad --pids");
	} else if (strcmp(arg, "--forward-port") == 0) {
		uint64_t port;

		if (a->n_forward == PLAN_MAX_RELAYS || pb_parse_uint(v, 65535, &port) < 0 || !port)
			die("init: bad --forward-port");
		a->forward_ports[a->n_forward++] = (uint16_t)port;
	} else if (strcmp(arg, "--at") == 0) {
		if (a->n_binds == 0 || v[0] != '/')
			die("init: --at without a bind");
		a->binds[a->n_binds - 1].at = v;
	} else if (strcmp(arg, "--file") == 0) {
		init_parse_file(a, v);
	} else if (strcmp(arg, "--ro") == 0)
		init_parse_bind(a, PLAN_BIND_RO, v);
	else if (strcmp(arg, "--rw") == 0)
		init_parse_bind(a, PLAN_BIND_RW, v);
	else if (strcmp(arg, "--protect") == 0)
		init_parse_bind(a, PLAN_BIND_PROTECT, v);
	else
		die("init: unknown option %s", arg);
}

int cli_init(int argc, char **argv)
{
	struct init_args a = { 0 };
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		init_parse_one(&a, argv[i]);
	if (i + 1 >= argc || !a.home || !a.cwd || !a.uid)
		die("init: incomplete command line - init is started by 'pibox exec'");
	a.argv = argv + i + 1;
	init_run(&a);
}
