// SPDX-License-Identifier: MIT
/*
 * landlock.c - write access only where the view is writable.
 *
 * The mounts already make most of the view read-only; Landlock is the
 * second lock on the same doors, held by the kernel per process, so that a
 * mistake in the mount table (or a mount that appears later) still cannot
 * be written. Reading and executing stay allowed everywhere in the view.
 * Best effort by ABI: each newer ABI adds rights (refer, truncate, device
 * ioctls) and scopes (abstract unix sockets, signals) that we then use too.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "sandbox/landlock.h"
#include "sandbox/landlock_compat.h"
#include "util/util.h"

/* Return: the kernel's Landlock ABI version, or 0 when unsupported */
int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

/**
 * landlock_fs_write_access() - every right that modifies the filesystem,
 * as far as ABI @abi knows them
 */
uint64_t landlock_fs_write_access(int abi)
{
	uint64_t a = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
		     LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
		     LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
		     LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
		     LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		a |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return a;
}

static size_t attr_size(int abi)
{
	if (abi >= 6)
		return sizeof(struct pb_landlock_ruleset_attr);
	if (abi >= 4)
		return offsetof(struct pb_landlock_ruleset_attr, scoped);
	return offsetof(struct pb_landlock_ruleset_attr, handled_access_net);
}

static int add_path(int ruleset, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr rule = { .allowed_access = access };
	cleanup_fd int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	rule.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &rule, 0) < 0)
		return -errno;
	return 0;
}

/**
 * landlock_apply() - restrict the calling thread (and its future children)
 * @writable:	paths under which writing stays allowed
 * @abi_out:	the ABI used, 0 when the kernel has no Landlock
 *
 * Needs no_new_privs (or CAP_SYS_ADMIN) already set.
 * Return: 0 (also when unsupported: the caller decides), or -errno
 */
int landlock_apply(const char *const *writable, size_t n, int *abi_out)
{
	struct pb_landlock_ruleset_attr attr = { 0 };
	int abi = landlock_abi();
	cleanup_fd int ruleset = -1;
	uint64_t write;

	*abi_out = abi;
	if (abi <= 0)
		return 0;
	write = landlock_fs_write_access(abi);
	attr.handled_access_fs = write;
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			      LANDLOCK_SCOPE_SIGNAL;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
			       attr_size(abi), 0);
	if (ruleset < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		uint64_t access = write;
		int r;

		/* Character devices (/dev/null, ttys) cannot be dirs. */
		if (strncmp(writable[i], "/dev/", 5) == 0 &&
		    strcmp(writable[i], "/dev/shm") != 0)
			access = LANDLOCK_ACCESS_FS_WRITE_FILE |
				 (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
		r = add_path(ruleset, writable[i], access);
		if (r < 0)
			return r;
	}
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return -errno;
	return 0;
}
