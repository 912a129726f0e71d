/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_CLI_H
#define PIBOX_CLI_H

#include "sandbox/plan.h"

int cli_exec(int argc, char **argv);
int cli_shell(int argc, char **argv);
int cli_doctor(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_proxy(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_setup(int argc, char **argv);
int cli_update(int argc, char **argv);
int cli_logs(int argc, char **argv);

/* options.c: the options every box-running subcommand shares */
enum cli_stop {
	CLI_STOP_AT_DASHDASH,  /* options, then "--", then the command */
	CLI_STOP_AT_NONOPTION, /* the first non-option starts the command */
};
int cli_parse_box_options(struct box_plan *plan, int argc, char **argv,
			  enum cli_stop stop, const char *cmd,
			  struct pb_err *err);
void cli_print_box_options(void);
int cli_apply_option(struct box_plan *plan, int argc, char **argv, int *i,
		     const char *cmd, struct pb_err *err);
bool cli_is_box_option(const char *name, size_t len);
int cli_config_apply(void *ctx, const char *section, const char *key,
		     const char *value, struct pb_err *err);
int cli_apply_repo_config(struct box_plan *plan, struct pb_err *err);
int cli_trust(int argc, char **argv);
int cli_prepare_plan(struct box_plan *plan, int argc, char **argv,
		     struct pb_err *err);
int cli_run_plan(struct box_plan *plan);

#endif
