// SPDX-License-Identifier: MIT
/*
 * ns.c - user namespace maps, host-side identity drop, and loopback.
 *
 * The maps are always a single line naming the writer's own id: that is all
 * an unprivileged process may write, and all pibox needs, so root and an
 * ordinary user take the same path (root drops to the target uid first).
 */
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "sandbox/ns.h"

/**
 * userns_map_self() - write the calling process's own uid/gid maps
 *
 * "setgroups deny" comes first: without CAP_SETGID in the parent namespace
 * the kernel refuses a gid_map otherwise, and it keeps supplementary groups
 * (which could only ever drop access) out of reach inside.
 * Return: 0, or -errno
 */
int userns_map_self(uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
		    gid_t outside_gid)
{
	char line[64];
	int r;

	r = pb_write_file("/proc/self/setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", inside_uid, outside_uid);
	r = pb_write_file("/proc/self/uid_map", line);
	if (r < 0)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", inside_gid, outside_gid);
	return pb_write_file("/proc/self/gid_map", line);
}

/**
 * userns_drop_to() - root only: become @uid/@gid on the host, for good
 * Return: 0, or -errno
 */
int userns_drop_to(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0)
		return -errno;
	if (setresgid(gid, gid, gid) < 0)
		return -errno;
	if (setresuid(uid, uid, uid) < 0)
		return -errno;
	/*
	 * A credential change clears the parent-death signal and makes us
	 * non-dumpable, which leaves /proc/self (uid_map!) owned by root.
	 * Nothing of root's is left in this process: undo both.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/**
 * netns_loopback_up() - bring up "lo" in the current network namespace
 * Return: 0, or -errno
 */
int netns_loopback_up(void)
{
	struct ifreq ifr;
	cleanup_fd int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}
