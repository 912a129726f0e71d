// SPDX-License-Identifier: MIT
/* exec.c - `pibox exec [OPTIONS] -- CMD [ARGS...]`: any command, boxed. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void exec_usage(void)
{
	printf("usage: pibox exec [OPTIONS] -- CMD [ARGS...]\n\n"
	       "Runs CMD in the box: the repository (or the current directory)\n"
	       "writable at its own path, the system read-only, a private home\n"
	       "and /tmp, no network, no privileges.\n\noptions:\n");
	cli_print_box_options();
}

int cli_exec(int argc, char **argv)
{
	struct box_plan plan;
	struct pb_err err = { 0 };
	int first;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		exec_usage();
		return 0;
	}
	first = cli_prepare_plan(&plan, argc - 1, argv + 1, &err);
	if (first == 0)
		first = cli_parse_box_options(&plan, argc - 1, argv + 1,
					      CLI_STOP_AT_NONOPTION, "exec", &err);
	if (first >= 0 && first + 1 >= argc)
		first = pb_err_usage(&err, "exec: no command given - usage: pibox exec [OPTIONS] -- CMD [ARGS...]");
	if (first < 0) {
		pb_err_print(&err);
		plan_free(&plan);
		return PB_EXIT_FAILURE;
	}
	plan.argv = argv + 1 + first;
	plan.argc = argc - 1 - first;
	return cli_run_plan(&plan);
}
