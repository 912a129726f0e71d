// SPDX-License-Identifier: MIT
/*
 * protect.c - paths inside the writable tree that stay read-only.
 *
 * An agent that can write .git/hooks/pre-commit, .git/config (core.hooksPath,
 * core.fsmonitor), .envrc or .vscode/tasks.json gets code run by the user's own
 * tools after the box is gone. Those that exist are bound read-only over
 * themselves; those that do not exist cannot be bound, so at exit pibox names
 * any that appeared during the run.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "git/repo.h"
#include "sandbox/plan.h"

static const char *const workdir_entries[] = {
	".envrc", ".vscode", ".idea", ".pi/extensions", ".pi/settings.json",
};

static const char *const gitdir_entries[] = {
	"hooks", "config", "config.worktree",
};

static int protect_add(struct box_plan *plan, const char *dir,
		       const char *name, struct pb_err *err)
{
	struct protect_set *set = &plan->protect;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->paths[i], path) == 0)
			return 0;
	if (set->n == PROTECT_MAX)
		return pb_err_set(err, E2BIG, "protect: too many paths");
	set->paths[set->n] = strdup(path);
	if (!set->paths[set->n])
		return pb_err_set(err, ENOMEM, "protect");
	set->existed[set->n] = pb_path_exists(path);
	if (set->existed[set->n]) {
		int r = plan_add_bind(plan, PLAN_BIND_PROTECT, path, err);

		if (r < 0)
			return r;
	}
	set->n++;
	return 0;
}

/**
 * protect_collect() - record the protected paths of @plan's tree and bind
 * those that exist read-only
 * Return: 0, or -errno
 */
int protect_collect(struct box_plan *plan, const struct git_repo *repo,
		    struct pb_err *err)
{
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(workdir_entries); i++) {
		r = protect_add(plan, plan->workdir, workdir_entries[i], err);
		if (r < 0)
			return r;
	}
	if (!repo->root)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(gitdir_entries); i++) {
		r = protect_add(plan, repo->commondir, gitdir_entries[i], err);
		if (r < 0)
			return r;
		if (strcmp(repo->gitdir, repo->commondir) == 0)
			continue;
		r = protect_add(plan, repo->gitdir, gitdir_entries[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* At exit: name every protected path the command brought into being. */
void protect_report(const struct protect_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (!set->existed[i] && pb_path_exists(set->paths[i]))
			pb_warn("the command created %s, which your own tools may run; review it before you use this checkout",
				set->paths[i]);
}
