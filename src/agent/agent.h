/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_AGENT_H
#define PIBOX_AGENT_H

#include <limits.h>
#include <stdbool.h>

#include "util/util.h"

#define PI_PACKAGE_DEFAULT "@mariozechner/pi-coding-agent"
#define PI_PACKAGE_ALT "@earendil-works/pi-coding-agent"
#define PI_VERSION_PINNED "0.73.1" /* known to work with pibox */

/* Where pibox keeps pi and its state (XDG data and state dirs). */
struct agent_paths {
	char data[PATH_MAX];     /* $XDG_DATA_HOME/pibox */
	char prefix[PATH_MAX];   /* npm prefix pi is installed under */
	char pi_bin[PATH_MAX];   /* prefix/node_modules/.bin/pi */
	char agent[PATH_MAX];    /* pibox's own agent dir -> ~/.pi/agent */
	char state[PATH_MAX];    /* $XDG_STATE_HOME/pibox */
	char share[PATH_MAX];    /* default AGENTS.md, extensions */
};

int agent_paths_get(struct agent_paths *p, struct pb_err *err);
const char *agent_package(void);
int agent_node_check(struct pb_err *err);
int agent_install(const struct agent_paths *p, const char *version,
		  struct pb_err *err);
int agent_installed_version(const struct agent_paths *p, char *buf,
			    size_t size);
void agent_update_notice(const struct agent_paths *p);
int agent_version_cmp(const char *a, const char *b);

/* auth.c */
int agent_dir_prepare(const struct agent_paths *p, struct pb_err *err);
bool agent_auth_present(const struct agent_paths *p);
int agent_auth_expired(const struct agent_paths *p, char names[][32], int max);
int agent_auth_wipe(const struct agent_paths *p);
int agent_session_begin(const struct agent_paths *p, bool *stale);
void agent_session_end(const struct agent_paths *p, bool wipe);

#endif
