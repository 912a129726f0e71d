/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PATHS_H
#define PIBOX_PATHS_H

#include <stddef.h>

int paths_state_dir(char *buf, size_t size);
int paths_config_file(char *buf, size_t size);
int paths_audit_log(char *buf, size_t size);
void paths_session_id(char *buf, size_t size);

#endif
