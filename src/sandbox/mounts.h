/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_MOUNTS_H
#define PIBOX_MOUNTS_H

#include "sandbox/plan.h"

/* What init needs to build the filesystem view (see mounts.c). */
struct box_view {
	const char *home;
	const struct plan_bind *binds;
	size_t n_binds;
};

void mounts_build_view(const struct box_view *view);
int mounts_sort_binds(struct plan_bind *binds, size_t n);

#endif
