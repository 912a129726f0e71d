// SPDX-License-Identifier: MIT
/*
 * cgroup_v2.c - limits in a delegated cgroup v2 subtree.
 *
 * Rootless users get a subtree they may write from systemd ("Delegate=yes":
 * their user@.service, or a scope made by `systemd-run --user --scope`).
 * cgroup v2's no-internal-process rule means controllers can only be enabled
 * for children of a cgroup that holds no process itself, so when enabling
 * fails with EBUSY the supervisor first moves itself into a leaf of its own
 * ("pibox-<pid>-sup") and tries again; the box then gets a sibling leaf
 * ("pibox-<pid>").
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sandbox/cgroup.h"

static const char *const ctl_names[] = { "memory", "cpu", "pids" };

/**
 * cgroup_v2_locate() - the cgroup2 mount and our own cgroup dir under it
 * @mountinfo:	contents of /proc/self/mountinfo
 * @self_cgroup: contents of /proc/self/cgroup
 * Return: 0, or -ENOENT when there is no cgroup2 mount or no "0::" line
 */
int cgroup_v2_locate(const char *mountinfo, const char *self_cgroup,
		     char *root, char *base, size_t size)
{
	const char *line = mountinfo, *p;

	root[0] = '\0';
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char mnt[PATH_MAX], fstype[32];
		const char *dash = strstr(line, " - ");
		const char *eol = strchr(line, '\n');

		if (!dash || (eol && dash > eol))
			continue;
		if (sscanf(dash, " - %31s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		snprintf(root, size, "%s", mnt);
		break;
	}
	if (!root[0])
		return -ENOENT;
	p = strstr(self_cgroup, "0::");
	if (!p || (p != self_cgroup && p[-1] != '\n'))
		return -ENOENT;
	p += 3;
	snprintf(base, size, "%s%.*s", root, (int)strcspn(p, "\n"), p);
	if (strcmp(base + strlen(root), "/") == 0)
		base[strlen(root)] = '\0';
	return 0;
}

static int v2_probe(struct cgroup_ctx *ctx)
{
	char path[PATH_MAX + 32], ctls[512];

	ctx->enforced = 0;
	if (!ctx->base[0]) {
		char mi[65536], cg[4096];

		if (pb_read_file("/proc/self/mountinfo", mi, sizeof(mi)) < 0 ||
		    pb_read_file("/proc/self/cgroup", cg, sizeof(cg)) < 0 ||
		    cgroup_v2_locate(mi, cg, ctx->root, ctx->base,
				     sizeof(ctx->base)) < 0) {
			ctx->why = "no cgroup v2 hierarchy is mounted";
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/cgroup.controllers", ctx->base);
	if (pb_read_file(path, ctls, sizeof(ctls)) < 0) {
		ctx->why = "the cgroup v2 hierarchy cannot be read";
		return 0;
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", ctx->base);
	if (access(path, W_OK) < 0) {
		ctx->why = "your cgroup v2 subtree is not delegated to you";
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ctl_names); i++) {
		const char *at = strstr(ctls, ctl_names[i]);
		size_t n = strlen(ctl_names[i]);

		while (at && ((at != ctls && at[-1] != ' ') ||
			      (at[n] && at[n] != ' ' && at[n] != '\n')))
			at = strstr(at + 1, ctl_names[i]);
		if (at)
			ctx->enforced |= 1u << i;
	}
	if (ctx->enforced != 7)
		ctx->why = "your cgroup v2 subtree lacks some controllers";
	return 0;
}

static int v2_enable(struct cgroup_ctx *ctx)
{
	char req[64] = "";

	for (size_t i = 0; i < ARRAY_SIZE(ctl_names); i++)
		if (ctx->enforced & (1u << i)) {
			strcat(req, req[0] ? " +" : "+");
			strcat(req, ctl_names[i]);
		}
	return cgroup_write(ctx->base, "cgroup.subtree_control", req);
}

/* Move ourselves out of the way of the no-internal-process rule. */
static int v2_evacuate(struct cgroup_ctx *ctx)
{
	char sup[PATH_MAX + 32], pid[24];

	snprintf(sup, sizeof(sup), "%s/pibox-%d-sup", ctx->base, (int)getpid());
	if (mkdir(sup, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return cgroup_write(sup, "cgroup.procs", pid);
}

static int v2_create(struct cgroup_ctx *ctx, const struct plan_limits *lim,
		     struct pb_err *err)
{
	char val[64], name[64];
	int r;

	r = v2_enable(ctx);
	if (r == -EBUSY) {
		r = v2_evacuate(ctx);
		if (r == 0)
			r = v2_enable(ctx);
	}
	if (r < 0)
		return pb_err_set(err, r, "cgroup: enable controllers in %s",
				  ctx->base);
	cgroup_sweep_stale(ctx->base);
	cgroup_leaf_name(name, sizeof(name));
	snprintf(ctx->leaf, sizeof(ctx->leaf), "%s/%s", ctx->base, name);
	if (mkdir(ctx->leaf, 0755) < 0)
		return pb_err_set(err, errno, "cgroup: mkdir %s", ctx->leaf);
	ctx->created = true;
	if (ctx->enforced & CGROUP_MEMORY) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)lim->memory);
		r = cgroup_write(ctx->leaf, "memory.max", val);
		/* no swap: a memory limit that spills to swap is no limit */
		if (r == 0)
			r = cgroup_write(ctx->leaf, "memory.swap.max", "0");
		if (r < 0)
			return pb_err_set(err, r, "cgroup: memory limit in %s", ctx->leaf);
	}
	if (ctx->enforced & CGROUP_CPU) {
		snprintf(val, sizeof(val), "%u 100000", lim->millicpus * 100);
		r = cgroup_write(ctx->leaf, "cpu.max", val);
		if (r < 0)
			return pb_err_set(err, r, "cgroup: cpu limit in %s", ctx->leaf);
	}
	if (ctx->enforced & CGROUP_PIDS) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)lim->pids);
		r = cgroup_write(ctx->leaf, "pids.max", val);
		if (r < 0)
			return pb_err_set(err, r, "cgroup: pids limit in %s", ctx->leaf);
	}
	return 0;
}

static int v2_attach(struct cgroup_ctx *ctx, pid_t pid, struct pb_err *err)
{
	char val[24];
	int r;

	snprintf(val, sizeof(val), "%d", (int)pid);
	r = cgroup_write(ctx->leaf, "cgroup.procs", val);
	return r < 0 ? pb_err_set(err, r, "cgroup: move the box into %s",
				  ctx->leaf) : 0;
}

/* rmdir waits for the kernel to notice the box's processes are gone. */
void cgroup_rmdir_retry(const char *dir)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	for (int i = 0; i < 250; i++) {
		if (rmdir(dir) == 0 || errno != EBUSY)
			return;
		nanosleep(&ts, NULL);
	}
	pb_warn("cgroup: could not remove %s (%s)", dir, strerror(errno));
}

static void v2_destroy(struct cgroup_ctx *ctx)
{
	if (ctx->created)
		cgroup_rmdir_retry(ctx->leaf);
	ctx->created = false;
}

const struct cgroup_backend cgroup_v2_backend = {
	.name = "cgroup v2",
	.probe = v2_probe,
	.create = v2_create,
	.attach = v2_attach,
	.destroy = v2_destroy,
};
