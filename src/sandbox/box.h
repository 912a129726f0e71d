/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_BOX_H
#define PIBOX_BOX_H

#include "sandbox/plan.h"

int box_run(struct box_plan *plan, struct pb_err *err);
char **box_init_argv(const struct box_plan *plan);

#endif
