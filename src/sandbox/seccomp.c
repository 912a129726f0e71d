// SPDX-License-Identifier: MIT
/*
 * seccomp.c - the syscall filter, applied last (it forbids the calls that
 * every earlier step needed).
 *
 * A deny list, not an allow list: agents run compilers, language runtimes
 * and test suites, and an allow list that misses one syscall breaks them in
 * ways users cannot diagnose. What is denied is what reaches kernel attack
 * surface or host state that the other layers do not already cover. Denials
 * return EPERM rather than killing, so programs degrade politely; clone3
 * returns ENOSYS because its flags sit in memory that a filter cannot read,
 * and libc then falls back to clone, whose flags it can.
 *
 * Syscalls of a foreign architecture (i386 via int 0x80, x32 via the
 * 0x40000000 bit) hit the bad-arch action: the filter is native-only.
 */
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>

#include "sandbox/seccomp.h"
#include "util/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NS_FLAG_RULES(call, arg)                                         \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWUSER },                \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWNS },                  \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWPID },                 \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWNET },                 \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWIPC },                 \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWUTS },                 \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWCGROUP },              \
	{ call, SECCOMP_DENY_FLAGS, arg, CLONE_NEWTIME }

/* Personality bits that weaken ASLR or memory protection. */
#define UNSAFE_PERSONALITY                                               \
	(ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC | ADDR_COMPAT_LAYOUT |    \
	 MMAP_PAGE_ZERO | ADDR_LIMIT_3GB | ADDR_LIMIT_32BIT | SHORT_INODE | \
	 WHOLE_SECONDS | STICKY_TIMEOUTS)

const struct seccomp_rule seccomp_rules[] = {
	/* the filesystem view: no new mounts, no remounts, no pivots */
	{ "mount", SECCOMP_DENY, 0, 0 },
	{ "umount2", SECCOMP_DENY, 0, 0 },
	{ "pivot_root", SECCOMP_DENY, 0, 0 },
	{ "chroot", SECCOMP_DENY, 0, 0 },
	{ "move_mount", SECCOMP_DENY, 0, 0 },
	{ "open_tree", SECCOMP_DENY, 0, 0 },
	{ "fsopen", SECCOMP_DENY, 0, 0 },
	{ "fsconfig", SECCOMP_DENY, 0, 0 },
	{ "fsmount", SECCOMP_DENY, 0, 0 },
	{ "fspick", SECCOMP_DENY, 0, 0 },
	{ "mount_setattr", SECCOMP_DENY, 0, 0 },
	/* namespaces: nested user namespaces are the door to kernel bugs */
	{ "setns", SECCOMP_DENY, 0, 0 },
	NS_FLAG_RULES("unshare", 0),
	NS_FLAG_RULES("clone", 0),
	{ "clone3", SECCOMP_ENOSYS, 0, 0 },
	/* kernel keyrings are not namespaced */
	{ "keyctl", SECCOMP_DENY, 0, 0 },
	{ "add_key", SECCOMP_DENY, 0, 0 },
	{ "request_key", SECCOMP_DENY, 0, 0 },
	/* large kernel attack surface */
	{ "bpf", SECCOMP_DENY, 0, 0 },
	{ "perf_event_open", SECCOMP_DENY, 0, 0 },
	{ "userfaultfd", SECCOMP_DENY, 0, 0 },
	{ "io_uring_setup", SECCOMP_DENY, 0, 0 },
	{ "io_uring_enter", SECCOMP_DENY, 0, 0 },
	{ "io_uring_register", SECCOMP_DENY, 0, 0 },
	/* the kernel itself */
	{ "kexec_load", SECCOMP_DENY, 0, 0 },
	{ "kexec_file_load", SECCOMP_DENY, 0, 0 },
	{ "init_module", SECCOMP_DENY, 0, 0 },
	{ "finit_module", SECCOMP_DENY, 0, 0 },
	{ "delete_module", SECCOMP_DENY, 0, 0 },
	{ "reboot", SECCOMP_DENY, 0, 0 },
	{ "swapon", SECCOMP_DENY, 0, 0 },
	{ "swapoff", SECCOMP_DENY, 0, 0 },
	{ "acct", SECCOMP_DENY, 0, 0 },
	{ "quotactl", SECCOMP_DENY, 0, 0 },
	{ "quotactl_fd", SECCOMP_DENY, 0, 0 },
	{ "syslog", SECCOMP_DENY, 0, 0 },
	{ "iopl", SECCOMP_DENY, 0, 0 },
	{ "ioperm", SECCOMP_DENY, 0, 0 },
	/* file handles bypass the mount view */
	{ "open_by_handle_at", SECCOMP_DENY, 0, 0 },
	{ "name_to_handle_at", SECCOMP_DENY, 0, 0 },
	/* host time */
	{ "clock_settime", SECCOMP_DENY, 0, 0 },
	{ "settimeofday", SECCOMP_DENY, 0, 0 },
	{ "adjtimex", SECCOMP_DENY, 0, 0 },
	{ "clock_adjtime", SECCOMP_DENY, 0, 0 },
	/* terminal input injection (TIOCSTI) and console control */
	{ "ioctl", SECCOMP_DENY_ARG_EQ, 1, TIOCSTI },
	{ "ioctl", SECCOMP_DENY_ARG_EQ, 1, TIOCLINUX },
	/* personality flags that switch off ASLR or NX */
	{ "personality", SECCOMP_DENY_FLAGS, 0, UNSAFE_PERSONALITY },
	/* obsolete or host-wide */
	{ "uselib", SECCOMP_DENY, 0, 0 },
	{ "vhangup", SECCOMP_DENY, 0, 0 },
	{ "lookup_dcookie", SECCOMP_DENY, 0, 0 },
	{ "nfsservctl", SECCOMP_DENY, 0, 0 },
};
const size_t seccomp_n_rules = ARRAY_SIZE(seccomp_rules);

/* Whether the table denies @name in every case (used by tests, doctor). */
bool seccomp_rule_denies(const char *name)
{
	for (size_t i = 0; i < seccomp_n_rules; i++)
		if (strcmp(seccomp_rules[i].name, name) == 0)
			return true;
	return false;
}

static bool is_userns_rule(const struct seccomp_rule *r)
{
	return r->kind == SECCOMP_DENY_FLAGS && r->value == CLONE_NEWUSER &&
	       strcmp(r->name, "personality") != 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);
	uint32_t eperm = SCMP_ACT_ERRNO(EPERM);

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not a syscall on this architecture */
	switch (r->kind) {
	case SECCOMP_DENY:
		return seccomp_rule_add(ctx, eperm, nr, 0);
	case SECCOMP_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	case SECCOMP_DENY_ARG_EQ:
		/* the kernel reads ioctl's cmd as 32 bits: ignore the top */
		return seccomp_rule_add(ctx, eperm, nr, 1,
					SCMP_CMP64(r->arg, SCMP_CMP_MASKED_EQ,
						   0xffffffffULL, r->value));
	case SECCOMP_DENY_FLAGS:
		for (int bit = 0; bit < 64; bit++) {
			uint64_t m = 1ULL << bit;
			int rc;

			if (!(r->value & m))
				continue;
			rc = seccomp_rule_add(ctx, eperm, nr, 1,
					      SCMP_CMP64(r->arg, SCMP_CMP_MASKED_EQ, m, m));
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	return -EINVAL;
}

/**
 * seccomp_apply() - load the filter into the calling thread
 * @allow_userns: keep nested user namespaces possible (never the default)
 *
 * Needs no_new_privs already set.
 * Return: 0, or -errno
 */
int seccomp_apply(bool allow_userns)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; r == 0 && i < seccomp_n_rules; i++) {
		if (allow_userns && is_userns_rule(&seccomp_rules[i]))
			continue;
		r = add_rule(ctx, &seccomp_rules[i]);
	}
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}
