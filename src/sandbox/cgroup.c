// SPDX-License-Identifier: MIT
/* cgroup.c - pick the cgroup backend this machine allows, and shared helpers. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/cgroup.h"

/**
 * cgroup_write() - write @value to the knob @dir/@knob
 *
 * O_CREAT is harmless on cgroupfs (knobs exist or cannot be created) and
 * lets the unit tests run the backends against a plain directory tree.
 * Return: 0, or -errno
 */
int cgroup_write(const char *dir, const char *knob, const char *value)
{
	char path[PATH_MAX + 64];
	cleanup_fd int fd = -1;
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, knob);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		return errno ? -errno : -EIO;
	return 0;
}

/*
 * The box's cgroup: "pibox-<pid>-<random>". The pid lets a later run see
 * that the owner is gone; the random part keeps a reused pid from colliding
 * with a leftover of a supervisor that was SIGKILLed before cleaning up.
 */
void cgroup_leaf_name(char *buf, size_t size)
{
	static unsigned int salt;

	if (!salt && getrandom(&salt, sizeof(salt), 0) != sizeof(salt))
		salt = (unsigned int)time(NULL);
	snprintf(buf, size, "pibox-%d-%08x", (int)getpid(), salt);
}

/* Removes empty leftovers of dead supervisors under @dir (best effort). */
void cgroup_sweep_stale(const char *dir)
{
	char path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		long pid;

		if (strncmp(e->d_name, "pibox-", 6) != 0)
			continue;
		pid = strtol(e->d_name + 6, NULL, 10);
		if (pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		rmdir(path); /* fails, harmlessly, while processes remain */
	}
	closedir(d);
}

/* "memory, cpu and pids" for the warning lines and doctor */
const char *cgroup_limit_names(unsigned int bits, char *buf, size_t size)
{
	static const char *const names[] = { "memory", "cpu", "pids" };
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(bits & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				      names[i]);
		if (n >= size)
			break;
	}
	return buf;
}

/**
 * cgroup_select() - probe the backends and keep the one that enforces most
 * @v2_root:	a cgroup v2 directory to use instead of our own (tests)
 */
void cgroup_select(struct cgroup_ctx *ctx, const char *v2_root)
{
	struct cgroup_ctx v1 = *ctx;

	ctx->backend = &cgroup_v2_backend;
	if (v2_root) {
		snprintf(ctx->root, sizeof(ctx->root), "%s", v2_root);
		snprintf(ctx->base, sizeof(ctx->base), "%s", v2_root);
	}
	cgroup_v2_backend.probe(ctx);
	if (v2_root || geteuid() != 0 || ctx->enforced == 7)
		return;
	v1.backend = &cgroup_v1_backend;
	cgroup_v1_backend.probe(&v1);
	if (__builtin_popcount(v1.enforced) > __builtin_popcount(ctx->enforced))
		*ctx = v1;
}
