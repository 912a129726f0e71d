/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_INIT_H
#define PIBOX_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "sandbox/plan.h"

#define INIT_CTL_FD 3 /* the socket to the supervisor, in init */

/* What the supervisor tells init on its command line (see box_init_argv). */
struct init_args {
	uid_t uid;
	gid_t gid;
	const char *home;
	const char *cwd;
	bool tty;
	bool net;              /* open the proxy listener 127.0.0.1:3128 */
	uint16_t forward_ports[PLAN_MAX_RELAYS];
	size_t n_forward;
	uint64_t pids;
	struct plan_bind binds[PLAN_MAX_BINDS];
	size_t n_binds;
	struct plan_file files[PLAN_MAX_FILES]; /* contents arrive on the socket */
	size_t n_files;
	char **argv;
};

_Noreturn void init_run(const struct init_args *a);

#endif
