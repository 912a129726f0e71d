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
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>

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
 * seccomp_build() - compile the filter to classic BPF into @buf
 *
 * The supervisor compiles while init builds the view, and hands the program
 * over the control socket: libseccomp's compile is the slowest step of a
 * box's start, and this takes it off the critical path.
 * Return: the program's length in bytes, or -errno
 */
int seccomp_build(void *buf, size_t size)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	cleanup_fd int mfd = -1;
	ssize_t n = 0;
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	for (size_t i = 0; r == 0 && i < seccomp_n_rules; i++)
		r = add_rule(ctx, &seccomp_rules[i]);
	if (r == 0) {
		mfd = memfd_create("pibox-seccomp", MFD_CLOEXEC);
		r = mfd < 0 ? -errno : seccomp_export_bpf(ctx, mfd);
	}
	seccomp_release(ctx);
	if (r < 0)
		return r;
	n = pread(mfd, buf, size, 0);
	if (n < 0)
		return -errno;
	if (n == 0 || (size_t)n == size || n % sizeof(struct sock_filter))
		return -EOVERFLOW;
	return (int)n;
}

/**
 * seccomp_load_prog() - install a program made by seccomp_build()
 *
 * Needs no_new_privs already set.
 * Return: 0, or -errno
 */
int seccomp_load_prog(const void *bpf, size_t len)
{
	struct sock_fprog prog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)bpf,
	};

	if (len == 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -EINVAL;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return -errno;
	return 0;
}

/* Build and load in one go (doctor, tests). Return: 0, or -errno */
int seccomp_apply(void)
{
	static char buf[SECCOMP_PROG_MAX];
	int n = seccomp_build(buf, sizeof(buf));

	return n < 0 ? n : seccomp_load_prog(buf, (size_t)n);
}
