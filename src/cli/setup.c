// SPDX-License-Identifier: MIT
/* setup.c - `pibox setup` (pi at the pinned version) and `pibox update`. */
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "cli/cli.h"

static int install(const char *version)
{
	struct agent_paths p;
	struct pb_err err = { 0 };
	char have[64];

	if (agent_paths_get(&p, &err) < 0 || agent_install(&p, version, &err) < 0) {
		pb_err_print(&err);
		return PB_EXIT_FAILURE;
	}
	if (agent_installed_version(&p, have, sizeof(have)) == 0)
		pb_info("pi %s is ready (%s)", have, p.pi_bin);
	return 0;
}

int cli_setup(int argc, char **argv)
{
	const char *v = getenv("PIBOX_PI_VERSION");
	struct agent_paths p;
	struct pb_err err = { 0 };
	char have[64];

	if (argc > 1) {
		printf("usage: pibox setup   (PIBOX_PI_VERSION picks a version, PIBOX_PI_PACKAGE=%s the other package)\n",
		       PI_PACKAGE_ALT);
		return strcmp(argv[1], "--help") ? PB_EXIT_FAILURE : 0;
	}
	v = v && v[0] ? v : PI_VERSION_PINNED;
	if (agent_paths_get(&p, &err) == 0 && agent_installed_version(&p, have, sizeof(have)) == 0 &&
	    strcmp(have, v) == 0 && access(p.pi_bin, X_OK) == 0) {
		pb_info("pi %s is already installed (%s)", have, p.pi_bin);
		return 0;
	}
	return install(v);
}

int cli_update(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: pibox update   (installs the newest pi)\n");
		return strcmp(argv[1], "--help") ? PB_EXIT_FAILURE : 0;
	}
	return install("latest");
}
