// SPDX-License-Identifier: MIT
/* shell.c - `pibox shell [OPTIONS]`: an interactive shell in the box. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_shell(int argc, char **argv)
{
	static char *bash[] = { "/bin/bash", "-i", NULL };
	static char *sh[] = { "/bin/sh", "-i", NULL };
	struct box_plan plan;
	struct pb_err err = { 0 };
	int first;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: pibox shell [OPTIONS]\n\noptions:\n");
		cli_print_box_options();
		return 0;
	}
	first = cli_prepare_plan(&plan, argc - 1, argv + 1, &err);
	if (first == 0)
		first = cli_parse_box_options(&plan, argc - 1, argv + 1,
					      CLI_STOP_AT_DASHDASH, "shell", &err);
	if (first >= 0 && first + 1 < argc)
		first = pb_err_usage(&err, "shell: takes no command - use 'pibox exec -- CMD'");
	if (first < 0) {
		pb_err_print(&err);
		plan_free(&plan);
		return PB_EXIT_FAILURE;
	}
	plan.argv = access("/bin/bash", X_OK) == 0 ? bash : sh;
	plan.argc = 2;
	return cli_run_plan(&plan);
}
