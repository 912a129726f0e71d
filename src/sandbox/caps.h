/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_CAPS_H
#define PIBOX_CAPS_H

#include "util/util.h"

int caps_drop_all(void);
int caps_no_new_privs(void);
int caps_set_rlimits(uint64_t pids);

#endif
