// SPDX-License-Identifier: MIT
/*
 * trust.c - a repository's .pibox.ini, and `pibox trust`.
 *
 * A repository is the agent's workspace and anyone's pull request: its
 * .pibox.ini must not open the network or the filesystem on its own. So an
 * untrusted .pibox.ini may only narrow: its allow rules must each fall
 * inside the user's allowlist (and then replace it), its limits may only be
 * lower. Everything else in it is ignored, with a warning. `pibox trust`
 * records the file's exact contents in the user's config dir; while the
 * file is byte-for-byte the same, it is read like the user's own config.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "config/config.h"
#include "config/paths.h"
#include "proxy/proxy.h"

/* $XDG_CONFIG_HOME/pibox/trusted/<path with / as %> */
static int trust_store_path(const char *ini, char *buf, size_t size)
{
	char dir[PATH_MAX];
	size_t n;

	if (paths_config_file(dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	*strrchr(dir, '/') = '\0';
	n = (size_t)snprintf(buf, size, "%s/trusted/", dir);
	for (const char *p = ini; *p && n + 2 < size; p++)
		buf[n++] = *p == '/' ? '%' : *p;
	buf[n] = '\0';
	return 0;
}

static bool trusted(const char *ini)
{
	static char a[65536], b[65536];
	char store[PATH_MAX * 2];
	ssize_t na, nb;

	if (trust_store_path(ini, store, sizeof(store)) < 0)
		return false;
	na = pb_read_file(ini, a, sizeof(a));
	nb = pb_read_file(store, b, sizeof(b));
	return na >= 0 && na == nb && memcmp(a, b, (size_t)na) == 0;
}

struct repo_ctx {
	struct box_plan narrow;   /* what the file asks for, parsed */
	const char *path;
	int ignored;
};

/* Untrusted: only allow rules and limits are read; the rest is noted. */
static int repo_apply(void *ctx, const char *section, const char *key,
		      const char *value, struct pb_err *err)
{
	struct repo_ctx *rc = ctx;

	if ((!strcmp(section, "network") && !strcmp(key, "allow")) ||
	    !strcmp(section, "limits"))
		return cli_config_apply(&rc->narrow, section, key, value, err);
	pb_warn("%s: ignoring [%s] %s: only a trusted file may set it ('pibox trust')",
		rc->path, section, key);
	rc->ignored++;
	return 0;
}

static void narrow_limits(struct box_plan *plan, const struct box_plan *n)
{
	const struct plan_limits *d = &(struct plan_limits){ PLAN_DEFAULT_MEMORY,
							       PLAN_DEFAULT_MILLICPUS,
							       PLAN_DEFAULT_PIDS };

	/* a field the file did not set still holds the default: ignore it */
	if (n->limits.memory != d->memory && n->limits.memory < plan->limits.memory)
		plan->limits.memory = n->limits.memory;
	if (n->limits.millicpus != d->millicpus && n->limits.millicpus < plan->limits.millicpus)
		plan->limits.millicpus = n->limits.millicpus;
	if (n->limits.pids != d->pids && n->limits.pids < plan->limits.pids)
		plan->limits.pids = n->limits.pids;
}

static void narrow_allowlist(struct box_plan *plan, const struct policy *asked,
			     const char *path)
{
	struct policy *user = &plan->net->policy;
	struct policy_rule kept[POLICY_MAX_RULES];
	size_t n = 0;

	if (asked->n_rules == 0)
		return;
	for (size_t i = 0; i < asked->n_rules; i++) {
		if (policy_narrows(user, &asked->rules[i]))
			kept[n++] = asked->rules[i];
		else
			pb_warn("%s: ignoring 'allow = %s': it is not within your own allowlist ('pibox trust' accepts this file)",
				path, asked->rules[i].text);
	}
	memcpy(user->rules, kept, n * sizeof(kept[0]));
	user->n_rules = n;
}

/**
 * cli_apply_repo_config() - the defaults, then the repository's .pibox.ini
 * (narrowing only, unless trusted)
 * Return: 0, or -errno (a malformed file fails closed, naming the line)
 */
int cli_apply_repo_config(struct box_plan *plan, struct pb_err *err)
{
	char ini[PATH_MAX];
	struct repo_ctx *rc;
	int r;

	if (!plan->no_default_allowlist && policy_add_defaults(&plan->net->policy, err) < 0)
		return -EINVAL;
	snprintf(ini, sizeof(ini), "%s/.pibox.ini", plan->workdir);
	if (!pb_path_exists(ini))
		return 0;
	if (trusted(ini)) {
		pb_info("reading %s (trusted)", ini);
		return config_load(ini, true, cli_config_apply, plan, err);
	}
	rc = calloc(1, sizeof(*rc));
	if (!rc || plan_init(&rc->narrow) < 0) {
		free(rc);
		return pb_err_set(err, ENOMEM, "config");
	}
	rc->path = ini;
	r = config_load(ini, true, repo_apply, rc, err);
	if (r == 0) {
		narrow_allowlist(plan, &rc->narrow.net->policy, ini);
		narrow_limits(plan, &rc->narrow);
	}
	plan_free(&rc->narrow);
	free(rc);
	return r;
}

/* `pibox trust [--revoke]` in the repository */
int cli_trust(int argc, char **argv)
{
	char cwd[PATH_MAX], ini[PATH_MAX + 16], store[PATH_MAX * 2], buf[65536];
	bool revoke = argc > 1 && !strcmp(argv[1], "--revoke");
	ssize_t n;
	int fd;

	if (argc > 2 || (argc == 2 && !revoke)) {
		printf("usage: pibox trust [--revoke]   (in the repository whose .pibox.ini you accept)\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : PB_EXIT_FAILURE;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return PB_EXIT_FAILURE;
	{
		struct box_plan plan;
		struct pb_err err = { 0 };

		plan_init(&plan);
		if (plan_resolve(&plan, &err) < 0) {
			pb_err_print(&err);
			plan_free(&plan);
			return PB_EXIT_FAILURE;
		}
		snprintf(ini, sizeof(ini), "%s/.pibox.ini", plan.workdir);
		plan_free(&plan);
	}
	if (trust_store_path(ini, store, sizeof(store)) < 0)
		return PB_EXIT_FAILURE;
	if (revoke) {
		unlink(store);
		pb_info("%s is no longer trusted", ini);
		return 0;
	}
	n = pb_read_file(ini, buf, sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "pibox: trust: no %s to trust\n", ini);
		return PB_EXIT_FAILURE;
	}
	*strrchr(store, '/') = '\0';
	pb_mkdir_p(store, 0700);
	store[strlen(store)] = '/';
	fd = open(store, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || pb_write_all(fd, buf, (size_t)n) < 0) {
		fprintf(stderr, "pibox: trust: cannot write %s\n", store);
		return PB_EXIT_FAILURE;
	}
	close(fd);
	printf("%s is trusted while it stays exactly as it is now:\n%s", ini, buf);
	return 0;
}
