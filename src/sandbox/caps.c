// SPDX-License-Identifier: MIT
/* caps.c - capabilities, no_new_privs and rlimits, for init and the command. */
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "sandbox/caps.h"

static int last_cap(void)
{
	char buf[16];
	uint64_t v;

	if (pb_read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (pb_parse_uint(buf, 63, &v) == 0)
			return (int)v;
	}
	return CAP_LAST_CAP;
}

/**
 * caps_drop_all() - empty every capability set of the calling thread
 *
 * The bounding set first (dropping it needs CAP_SETPCAP, which capset
 * below removes), then ambient, then permitted/effective/inheritable.
 * Return: 0, or -errno
 */
int caps_drop_all(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int last = last_cap();

	for (int cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

/* Return: 0, or -errno */
int caps_no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
}

/**
 * caps_set_rlimits() - no core dumps, and the process cap
 *
 * RLIMIT_NPROC is counted per user namespace (ucounts, Linux 5.14+): in the
 * box's fresh namespace it counts only the box's processes, so it enforces
 * the pids limit even where no cgroup is available.
 * Return: 0, or -errno
 */
int caps_set_rlimits(uint64_t pids)
{
	struct rlimit core = { 0, 0 };
	struct rlimit nproc = { pids, pids };

	if (setrlimit(RLIMIT_CORE, &core) < 0)
		return -errno;
	if (pids && setrlimit(RLIMIT_NPROC, &nproc) < 0)
		return -errno;
	return 0;
}
