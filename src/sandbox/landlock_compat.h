/* SPDX-License-Identifier: MIT */
/*
 * landlock_compat.h - Landlock definitions newer than Debian 12's headers.
 *
 * Debian 12's <linux/landlock.h> stops at ABI 2; the values below are the
 * kernel's uapi constants for ABI 3-7 (Linux 6.2 - 6.15). Each is defined
 * only when the system header lacks it.
 */
#ifndef PIBOX_LANDLOCK_COMPAT_H
#define PIBOX_LANDLOCK_COMPAT_H

#include <linux/landlock.h>
#include <stdint.h>

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */
#endif

/* The ruleset attribute as of ABI 6; older kernels take a prefix of it. */
struct pb_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

#endif
