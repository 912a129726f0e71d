// SPDX-License-Identifier: MIT
/* main.c - dispatch of the subcommands; nothing else. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sandbox/scope.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help; /* NULL: hidden */
	bool boxes;       /* starts a box: wants a delegated cgroup */
};

static const struct subcommand subcommands[] = {
	{ "run", cli_run, "[run] [OPTIONS] [--] [PI-ARGS...]  pi in this repository, boxed", true },
	{ "setup", cli_setup, "setup                           install the pi that pibox runs" },
	{ "update", cli_update, "update                          move pi to its newest version" },
	{ "exec", cli_exec, "exec [OPTIONS] -- CMD [ARGS...]  any command in the box", true },
	{ "shell", cli_shell, "shell [OPTIONS]                 an interactive shell in the box", true },
	{ "trust", cli_trust, "trust [--revoke]                let this repository's .pibox.ini widen your settings" },
	{ "proxy", cli_proxy, "proxy [--listen ADDR:PORT] ...  the allowlist proxy alone" },
	{ "logs", cli_logs, "logs [--follow] [--denied] [--json]  the network audit log" },
	{ "doctor", cli_doctor, "doctor                          what this machine can enforce" },
	{ "init", cli_init, NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: pibox COMMAND ...\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (subcommands[i].help)
			fprintf(out, "  pibox %s\n", subcommands[i].help);
	fprintf(out, "\n'pibox COMMAND --help' describes each.\n");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(subcommands); i++) {
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		if (subcommands[i].boxes)
			scope_maybe_reexec(argc, argv);
		return subcommands[i].fn(argc - 1, argv + 1);
	}
	scope_maybe_reexec(argc, argv);
	/* anything else is pi's: `pibox "fix the tests"`, `pibox -p ...` */
	return cli_run(argc, argv);
}
