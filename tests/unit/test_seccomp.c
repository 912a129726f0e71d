// SPDX-License-Identifier: MIT
/* The seccomp rule table: everything the threat model names is in it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <seccomp.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sandbox/seccomp.h"
#include "util/util.h"

static const char *const must_deny[] = {
	"mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
	"fsconfig", "fsmount", "fspick", "mount_setattr", "setns", "keyctl",
	"add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
	"io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load",
	"kexec_file_load", "init_module", "finit_module", "delete_module",
	"open_by_handle_at", "name_to_handle_at", "reboot", "swapon", "swapoff",
	"acct", "quotactl", "syslog", "clock_settime", "settimeofday",
	"adjtimex", "iopl", "ioperm",
};

static void test_required_denied(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(must_deny); i++) {
		bool found = false;

		for (size_t j = 0; j < seccomp_n_rules; j++)
			if (!strcmp(seccomp_rules[j].name, must_deny[i]) &&
			    seccomp_rules[j].kind == SECCOMP_DENY)
				found = true;
		if (!found)
			fail_msg("%s is not denied outright", must_deny[i]);
	}
}

static bool has_rule(const char *name, enum seccomp_rule_kind kind,
		     unsigned arg, uint64_t value)
{
	for (size_t j = 0; j < seccomp_n_rules; j++)
		if (!strcmp(seccomp_rules[j].name, name) &&
		    seccomp_rules[j].kind == kind && seccomp_rules[j].arg == arg &&
		    (seccomp_rules[j].value & value) == value)
			return true;
	return false;
}

static void test_namespace_flags(void **state)
{
	static const uint64_t flags[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID,
					  CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
					  CLONE_NEWCGROUP };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		assert_true(has_rule("unshare", SECCOMP_DENY_FLAGS, 0, flags[i]));
		assert_true(has_rule("clone", SECCOMP_DENY_FLAGS, 0, flags[i]));
	}
	assert_true(has_rule("clone3", SECCOMP_ENOSYS, 0, 0));
}

static void test_ioctl_and_personality(void **state)
{
	(void)state;
	assert_true(has_rule("ioctl", SECCOMP_DENY_ARG_EQ, 1, TIOCSTI));
	assert_true(has_rule("ioctl", SECCOMP_DENY_ARG_EQ, 1, TIOCLINUX));
	assert_true(has_rule("personality", SECCOMP_DENY_FLAGS, 0, 0x0040000)); /* ADDR_NO_RANDOMIZE */
	assert_true(has_rule("personality", SECCOMP_DENY_FLAGS, 0, 0x0400000)); /* READ_IMPLIES_EXEC */
}

static void test_names_resolve(void **state)
{
	(void)state;
	/* a typo in the table would silently deny nothing */
	for (size_t j = 0; j < seccomp_n_rules; j++)
		if (seccomp_syscall_resolve_name(seccomp_rules[j].name) == __NR_SCMP_ERROR)
			fail_msg("%s is not a syscall name", seccomp_rules[j].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_denied),
		cmocka_unit_test(test_namespace_flags),
		cmocka_unit_test(test_ioctl_and_personality),
		cmocka_unit_test(test_names_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
