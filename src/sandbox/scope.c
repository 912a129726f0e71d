// SPDX-License-Identifier: MIT
/*
 * scope.c - get a delegated cgroup v2 subtree from systemd when we have none.
 *
 * An ordinary user's login session is a systemd scope that is not
 * delegated, so pibox cannot create the box's cgroup there. systemd will
 * make a delegated scope on request: re-executing ourselves under
 * `systemd-run --user --scope -p Delegate=yes` puts the limits in reach.
 * Only tried once (PIBOX_IN_SCOPE), only with a user bus, never with
 * PIBOX_NO_SCOPE set (for a user manager that is broken), and if anything
 * is missing pibox carries on and the limits warning says what is not
 * enforced.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/cgroup.h"
#include "sandbox/scope.h"

void scope_maybe_reexec(int argc, char **argv)
{
	static const char *const sd_run[] = { "/usr/bin/systemd-run", "/bin/systemd-run" };
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	struct cgroup_ctx cg = { 0 };
	char exe[PATH_MAX], bus[PATH_MAX];
	const char *run = NULL;
	char **args;
	ssize_t n;
	int k = 0;

	if (geteuid() == 0 || getenv("PIBOX_IN_SCOPE") || getenv("PIBOX_NO_SCOPE") || !runtime)
		return;
	snprintf(bus, sizeof(bus), "%s/bus", runtime);
	if (!pb_path_exists(bus))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(sd_run) && !run; i++)
		if (access(sd_run[i], X_OK) == 0)
			run = sd_run[i];
	if (!run)
		return;
	cgroup_select(&cg, NULL);
	if (!cg.root[0] || cg.enforced == (CGROUP_MEMORY | CGROUP_CPU | CGROUP_PIDS))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	args = calloc((size_t)argc + 12, sizeof(char *));
	if (!args)
		return;
	args[k++] = (char *)run;
	args[k++] = "--user";
	args[k++] = "--scope";
	args[k++] = "--quiet";
	args[k++] = "--collect";
	args[k++] = "-p";
	args[k++] = "Delegate=yes";
	args[k++] = "--";
	args[k++] = exe;
	for (int i = 1; i < argc; i++)
		args[k++] = argv[i];
	setenv("PIBOX_IN_SCOPE", "1", 1);
	fflush(NULL);
	execv(run, args);
	free(args); /* no systemd-run after all: run without, and warn later */
}
