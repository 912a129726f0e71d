// SPDX-License-Identifier: MIT
/*
 * doctor.c - `pibox doctor`: what this machine can enforce, line by line,
 * each either OK or the exact remedy.
 */
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "cli/cli.h"
#include "sandbox/caps.h"
#include "sandbox/cgroup.h"
#include "sandbox/landlock.h"
#include "sandbox/ns.h"
#include "sandbox/seccomp.h"

static int failures;

static void line(bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void line(bool ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%-4s %-18s ", ok ? "OK" : "FIX", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += !ok;
}

static long sysctl_value(const char *path)
{
	char buf[32];

	if (pb_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Runs @fn in a child; returns 0 or the errno it exited with. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(-fn());
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return EIO;
	return WEXITSTATUS(status);
}

static int try_userns(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(BOX_CLONE_FLAGS & ~CLONE_NEWPID) < 0)
		return -errno;
	return userns_map_self(0, uid, 0, gid);
}

static void check_userns(void)
{
	int e;

	if (sysctl_value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
		line(false, "user namespaces",
		     "AppArmor restricts them (Ubuntu 23.10+): sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give pibox an AppArmor profile with 'userns,'");
		return;
	}
	if (sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		line(false, "user namespaces",
		     "disabled: sudo sysctl -w kernel.unprivileged_userns_clone=1");
		return;
	}
	if (sysctl_value("/proc/sys/user/max_user_namespaces") == 0) {
		line(false, "user namespaces",
		     "disabled: sudo sysctl -w user.max_user_namespaces=15000");
		return;
	}
	e = in_child(try_userns);
	if (e)
		line(false, "user namespaces", "cannot be created (%s): check your container runtime or kernel config (CONFIG_USER_NS)",
		     strerror(e));
	else
		line(true, "user namespaces", "user, mount, pid, net, ipc, uts, cgroup");
}

static void check_landlock(void)
{
	int abi = landlock_abi();

	if (abi <= 0)
		line(false, "landlock",
		     "not available: boot with 'lsm=landlock,...' on the kernel command line (Linux 5.13+); pibox runs without this layer until then");
	else
		line(true, "landlock", "ABI %d%s", abi,
		     abi >= 6 ? " (signal and abstract-socket scoping)" :
				" (no scoping before ABI 6: Linux 6.12)");
}

static int try_seccomp(void)
{
	int r = caps_no_new_privs();

	return r < 0 ? r : seccomp_apply();
}

static void check_seccomp(void)
{
	int e = in_child(try_seccomp);

	if (e)
		line(false, "seccomp", "the filter does not load (%s): the kernel needs CONFIG_SECCOMP_FILTER",
		     strerror(e));
	else
		line(true, "seccomp", "filter of %zu rules loads (libseccomp %u.%u.%u)",
		     seccomp_n_rules, seccomp_version()->major,
		     seccomp_version()->minor, seccomp_version()->micro);
}

static void check_cgroups(void)
{
	struct cgroup_ctx cg = { 0 };
	char on[64], off[64];
	unsigned int all = CGROUP_MEMORY | CGROUP_CPU | CGROUP_PIDS;

	cgroup_select(&cg, NULL);
	cgroup_limit_names(cg.enforced, on, sizeof(on));
	cgroup_limit_names(all & ~cg.enforced, off, sizeof(off));
	if (cg.enforced == all)
		line(true, "limits", "%s enforces memory, cpu and pids", cg.backend->name);
	else
		line(false, "limits",
		     "%s%s%snot enforced: %s (%s) - run in a delegated scope: systemd-run --user --scope -p Delegate=yes pibox ...; pids stays capped by RLIMIT_NPROC",
		     cg.enforced ? cg.backend->name : "", cg.enforced ? " enforces " : "",
		     cg.enforced ? on : "", off, cg.why ? cg.why : "no cgroup");
}

static void check_pty(void)
{
	int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		line(false, "pty", "/dev/ptmx cannot be opened (%s): interactive sessions need devpts",
		     strerror(errno));
		return;
	}
	close(fd);
	line(true, "pty", "the box gets its own devpts instance");
}

int cli_doctor(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		printf("usage: pibox doctor\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : PB_EXIT_FAILURE;
	}
	check_userns();
	check_landlock();
	check_seccomp();
	check_cgroups();
	check_pty();
	if (geteuid() == 0)
		printf("\nRun as root: pibox drops to the working tree's owner before building the box.\n");
	return failures ? 1 : 0;
}
