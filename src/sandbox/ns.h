/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_NS_H
#define PIBOX_NS_H

#include <sys/types.h>

#include "util/util.h"

/* Namespaces of a box; CLONE_NEWUSER first, as the kernel requires. */
#define BOX_CLONE_FLAGS                                                  \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |    \
	 CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

int userns_map_self(uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
		    gid_t outside_gid);
int userns_drop_to(uid_t uid, gid_t gid);
int netns_loopback_up(void);

#endif
