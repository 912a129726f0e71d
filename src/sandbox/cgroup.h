/* SPDX-License-Identifier: MIT */
/*
 * cgroup.h - resource limits behind one small interface.
 *
 * Backends (cgroup v2 delegated subtree, cgroup v1 as root) differ by
 * machine, so they sit behind a table of function pointers as crun does.
 * The supervisor calls create() before the box exists, attach() with the
 * box's first process, destroy() after the box is gone.
 */
#ifndef PIBOX_CGROUP_H
#define PIBOX_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sandbox/plan.h"

enum cgroup_limit {
	CGROUP_MEMORY = 1 << 0,
	CGROUP_CPU = 1 << 1,
	CGROUP_PIDS = 1 << 2,
};

#define CGROUP_V1_CONTROLLERS 3

struct cgroup_ctx {
	const struct cgroup_backend *backend;
	char root[PATH_MAX];      /* v2: mount point; v1: unused */
	char base[PATH_MAX];      /* v2: our delegated cgroup dir */
	char leaf[PATH_MAX];      /* v2: the box's cgroup dir */
	char v1_dirs[CGROUP_V1_CONTROLLERS][PATH_MAX]; /* v1: box dirs */
	unsigned int enforced;    /* enum cgroup_limit bits that hold */
	bool created;
	unsigned int v1_made;     /* v1: dirs we created, by bit */
	const char *why;          /* when something is not enforced */
};

struct cgroup_backend {
	const char *name;
	/* Which limits this machine can enforce; fills ctx->enforced. */
	int (*probe)(struct cgroup_ctx *ctx);
	int (*create)(struct cgroup_ctx *ctx, const struct plan_limits *lim,
		      struct pb_err *err);
	int (*attach)(struct cgroup_ctx *ctx, pid_t pid, struct pb_err *err);
	void (*destroy)(struct cgroup_ctx *ctx);
};

extern const struct cgroup_backend cgroup_v2_backend;
extern const struct cgroup_backend cgroup_v1_backend;

void cgroup_select(struct cgroup_ctx *ctx, const char *v2_root);
const char *cgroup_limit_names(unsigned int bits, char *buf, size_t size);
int cgroup_write(const char *dir, const char *knob, const char *value);
void cgroup_rmdir_retry(const char *dir);
void cgroup_leaf_name(char *buf, size_t size);
void cgroup_sweep_stale(const char *dir);
int cgroup_v2_locate(const char *mountinfo, const char *self_cgroup,
		     char *root, char *base, size_t size);

#endif
