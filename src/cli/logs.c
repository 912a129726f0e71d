// SPDX-License-Identifier: MIT
/* logs.c - `pibox logs [--follow] [--denied] [--json] [--audit-log F]`. */
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config/paths.h"

struct logs_opts {
	bool follow, denied, json;
	char path[4096];
};

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void print_line(const struct logs_opts *lo, const char *line)
{
	json_error_t e;
	json_t *o = json_loads(line, 0, &e);
	const char *verdict;
	char target[300];

	if (!o)
		return; /* a torn or foreign line: skip it */
	verdict = str(o, "verdict");
	if (lo->denied && !strcmp(verdict, "allow")) {
		json_decref(o);
		return;
	}
	if (lo->json) {
		fputs(line, stdout);
		if (line[strlen(line) - 1] != '\n')
			putchar('\n');
	} else {
		snprintf(target, sizeof(target), "%s:%lld", str(o, "host"),
			 (long long)json_integer_value(json_object_get(o, "port")));
		printf("%-23.23s %-7s %-8s %-36s %-8s %9lld %9lld %6lldms  %s\n",
		       str(o, "time"), verdict, str(o, "method"), target, str(o, "client"),
		       (long long)json_integer_value(json_object_get(o, "bytes_up")),
		       (long long)json_integer_value(json_object_get(o, "bytes_down")),
		       (long long)json_integer_value(json_object_get(o, "ms")),
		       *str(o, "reason") ? str(o, "reason") : str(o, "rule"));
	}
	json_decref(o);
}

static int logs_parse(struct logs_opts *lo, int argc, char **argv,
		      struct pb_err *err)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--follow"))
			lo->follow = true;
		else if (!strcmp(argv[i], "--denied"))
			lo->denied = true;
		else if (!strcmp(argv[i], "--json"))
			lo->json = true;
		else if (!strcmp(argv[i], "--audit-log") && i + 1 < argc)
			snprintf(lo->path, sizeof(lo->path), "%s", argv[++i]);
		else
			return pb_err_usage(err, "logs: unknown option '%s' - usage: pibox logs [--follow] [--denied] [--json] [--audit-log FILE]",
					    argv[i]);
	}
	if (!lo->path[0] && paths_audit_log(lo->path, sizeof(lo->path)) < 0)
		return pb_err_usage(err, "logs: cannot find the state directory");
	return 0;
}

int cli_logs(int argc, char **argv)
{
	struct logs_opts lo = { 0 };
	struct pb_err err = { 0 };
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (logs_parse(&lo, argc, argv, &err) < 0) {
		pb_err_print(&err);
		return PB_EXIT_FAILURE;
	}
	f = fopen(lo.path, "re");
	if (!f) {
		if (errno == ENOENT && !lo.follow) {
			pb_info("no audit log yet at %s", lo.path);
			return 0;
		}
		pb_err_set(&err, errno, "logs: %s", lo.path);
		pb_err_print(&err);
		return PB_EXIT_FAILURE;
	}
	if (!lo.json && isatty(STDOUT_FILENO))
		printf("%-23s %-7s %-8s %-36s %-8s %9s %9s %8s  %s\n", "time", "verdict",
		       "method", "host:port", "client", "up", "down", "time", "rule / reason");
	for (;;) {
		while (getline(&line, &cap, f) > 0)
			print_line(&lo, line);
		if (!lo.follow)
			break;
		fflush(stdout);
		clearerr(f);
		poll(NULL, 0, 200);
	}
	free(line);
	fclose(f);
	return 0;
}
