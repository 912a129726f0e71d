// SPDX-License-Identifier: MIT
/*
 * cgroup_v1.c - limits with cgroup v1 hierarchies, for root on a v1 host.
 *
 * v1 has no delegation model for unprivileged users, so this backend is
 * only offered to root; the box's cgroups sit beside pibox's own cgroup in
 * each of the memory, cpu and pids hierarchies.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sandbox/cgroup.h"

static const char *const ctl_names[CGROUP_V1_CONTROLLERS] = {
	"memory", "cpu", "pids",
};

/* Mount point of the v1 hierarchy carrying @ctl. */
static int v1_mount(const char *mi, const char *ctl, char *out, size_t size)
{
	for (const char *line = mi; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char mnt[PATH_MAX], fstype[32], opts[256];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(dash, " - %31s %*s %255s", fstype, opts) != 2 ||
		    strcmp(fstype, "cgroup"))
			continue;
		for (char *tok = strtok(opts, ","); tok; tok = strtok(NULL, ","))
			if (strcmp(tok, ctl) == 0 &&
			    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
				snprintf(out, size, "%s", mnt);
				return 0;
			}
	}
	return -ENOENT;
}

/* Our path in the hierarchy carrying @ctl, from /proc/self/cgroup. */
static int v1_self_path(const char *cg, const char *ctl, char *out, size_t size)
{
	for (const char *line = cg; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char ctls[256], path[PATH_MAX];

		if (sscanf(line, "%*[0-9]:%255[^:]:%4095[^\n]", ctls, path) != 2)
			continue;
		for (char *tok = strtok(ctls, ","); tok; tok = strtok(NULL, ","))
			if (strcmp(tok, ctl) == 0) {
				snprintf(out, size, "%s", path);
				return 0;
			}
	}
	return -ENOENT;
}

static int v1_probe(struct cgroup_ctx *ctx)
{
	char mi[65536], cg[4096];

	ctx->enforced = 0;
	if (geteuid() != 0) {
		ctx->why = "cgroup v1 cannot be delegated to an ordinary user";
		return 0;
	}
	if (pb_read_file("/proc/self/mountinfo", mi, sizeof(mi)) < 0 ||
	    pb_read_file("/proc/self/cgroup", cg, sizeof(cg)) < 0)
		return 0;
	for (size_t i = 0; i < CGROUP_V1_CONTROLLERS; i++) {
		char mnt[PATH_MAX], self[PATH_MAX];

		if (v1_mount(mi, ctl_names[i], mnt, sizeof(mnt)) < 0 ||
		    v1_self_path(cg, ctl_names[i], self, sizeof(self)) < 0)
			continue;
		snprintf(ctx->v1_dirs[i], sizeof(ctx->v1_dirs[i]), "%s%s%s",
			 mnt, strcmp(self, "/") ? self : "", "");
		if (access(ctx->v1_dirs[i], W_OK) == 0)
			ctx->enforced |= 1u << i;
	}
	if (ctx->enforced != 7)
		ctx->why = "some cgroup v1 controllers are missing";
	return 0;
}

static int v1_limit(const char *dir, size_t i, const struct plan_limits *lim)
{
	char val[32], knob[PATH_MAX + 32];
	int r;

	switch (i) {
	case 0:
		snprintf(val, sizeof(val), "%llu", (unsigned long long)lim->memory);
		r = cgroup_write(dir, "memory.limit_in_bytes", val);
		/* memsw exists only with swap accounting; then cap swap too */
		snprintf(knob, sizeof(knob), "%s/memory.memsw.limit_in_bytes", dir);
		if (r == 0 && pb_path_exists(knob))
			r = cgroup_write(dir, "memory.memsw.limit_in_bytes", val);
		return r;
	case 1:
		r = cgroup_write(dir, "cpu.cfs_period_us", "100000");
		snprintf(val, sizeof(val), "%u", lim->millicpus * 100);
		return r ? r : cgroup_write(dir, "cpu.cfs_quota_us", val);
	default:
		snprintf(val, sizeof(val), "%llu", (unsigned long long)lim->pids);
		return cgroup_write(dir, "pids.max", val);
	}
}

static int v1_create(struct cgroup_ctx *ctx, const struct plan_limits *lim,
		     struct pb_err *err)
{
	char name[64];

	cgroup_leaf_name(name, sizeof(name));
	for (size_t i = 0; i < CGROUP_V1_CONTROLLERS; i++) {
		char *dir = ctx->v1_dirs[i];
		size_t n = strlen(dir);
		int r;

		if (!(ctx->enforced & (1u << i)))
			continue;
		cgroup_sweep_stale(dir);
		snprintf(dir + n, PATH_MAX - n, "/%s", name);
		if (mkdir(dir, 0755) < 0)
			return pb_err_set(err, errno, "cgroup: mkdir %s", dir);
		ctx->created = true;
		ctx->v1_made |= 1u << i;
		r = v1_limit(dir, i, lim);
		if (r < 0)
			return pb_err_set(err, r, "cgroup: %s limit in %s",
					  ctl_names[i], dir);
	}
	return 0;
}

static int v1_attach(struct cgroup_ctx *ctx, pid_t pid, struct pb_err *err)
{
	char val[24];

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (size_t i = 0; i < CGROUP_V1_CONTROLLERS; i++) {
		int r;

		if (!(ctx->enforced & (1u << i)))
			continue;
		r = cgroup_write(ctx->v1_dirs[i], "cgroup.procs", val);
		if (r < 0)
			return pb_err_set(err, r, "cgroup: move the box into %s",
					  ctx->v1_dirs[i]);
	}
	return 0;
}

static void v1_destroy(struct cgroup_ctx *ctx)
{
	if (!ctx->created)
		return;
	for (size_t i = 0; i < CGROUP_V1_CONTROLLERS; i++)
		if (ctx->v1_made & (1u << i))
			cgroup_rmdir_retry(ctx->v1_dirs[i]);
	ctx->created = false;
	ctx->v1_made = 0;
}

const struct cgroup_backend cgroup_v1_backend = {
	.name = "cgroup v1",
	.probe = v1_probe,
	.create = v1_create,
	.attach = v1_attach,
	.destroy = v1_destroy,
};
