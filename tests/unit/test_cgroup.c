// SPDX-License-Identifier: MIT
/* cgroup v2 backend against a fake cgroup tree in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sandbox/cgroup.h"

static char tree[64];

static void put(const char *rel, const char *data)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void expect(const char *rel, const char *data)
{
	char p[PATH_MAX], buf[256];

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	assert_true(pb_read_file(p, buf, sizeof(buf)) >= 0);
	assert_string_equal(buf, data);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tree, "/tmp/pibox-cgtest-XXXXXX");
	assert_non_null(mkdtemp(tree));
	put("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	put("cgroup.subtree_control", "");
	put("cgroup.procs", "");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	return system(cmd);
}

static void test_v2_limits(void **state)
{
	struct cgroup_ctx ctx = { 0 };
	struct plan_limits lim = { .memory = 1ULL << 30, .millicpus = 1500, .pids = 100 };
	struct pb_err err = { 0 };
	char leaf[64], rel[96];

	(void)state;
	cgroup_select(&ctx, tree);
	assert_ptr_equal(ctx.backend, &cgroup_v2_backend);
	assert_int_equal(ctx.enforced, CGROUP_MEMORY | CGROUP_CPU | CGROUP_PIDS);
	assert_int_equal(ctx.backend->create(&ctx, &lim, &err), 0);
	expect("cgroup.subtree_control", "+memory +cpu +pids");
	/* pibox-<pid>-<random>: the leaf the backend made */
	snprintf(leaf, sizeof(leaf), "%s", strrchr(ctx.leaf, '/') + 1);
	assert_int_equal(strncmp(leaf, "pibox-", 6), 0);
	assert_int_equal(atoi(leaf + 6), (int)getpid());
	snprintf(rel, sizeof(rel), "%s/memory.max", leaf);
	expect(rel, "1073741824");
	snprintf(rel, sizeof(rel), "%s/memory.swap.max", leaf);
	expect(rel, "0");
	snprintf(rel, sizeof(rel), "%s/cpu.max", leaf);
	expect(rel, "150000 100000");
	snprintf(rel, sizeof(rel), "%s/pids.max", leaf);
	expect(rel, "100");
	assert_int_equal(ctx.backend->attach(&ctx, 4242, &err), 0);
	snprintf(rel, sizeof(rel), "%s/cgroup.procs", leaf);
	expect(rel, "4242");
}

static void test_v2_partial(void **state)
{
	struct cgroup_ctx ctx = { 0 };
	char names[64];

	(void)state;
	put("cgroup.controllers", "cpuset pids\n");
	cgroup_select(&ctx, tree);
	assert_int_equal(ctx.enforced, CGROUP_PIDS);
	assert_non_null(ctx.why);
	assert_string_equal(cgroup_limit_names(~ctx.enforced & 7, names, sizeof(names)),
			    "memory, cpu");
}

static void test_v2_not_delegated(void **state)
{
	struct cgroup_ctx ctx = { 0 };
	char p[PATH_MAX];

	(void)state;
	if (geteuid() == 0)
		skip(); /* root may write any file: delegation cannot be faked */
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", tree);
	chmod(p, 0444);
	cgroup_select(&ctx, tree);
	assert_int_equal(ctx.enforced, 0);
	assert_non_null(strstr(ctx.why, "delegated"));
}

static void test_v2_sweeps_leftovers_of_dead_supervisors(void **state)
{
	struct cgroup_ctx ctx = { 0 };
	struct plan_limits lim = { .memory = 1ULL << 30, .millicpus = 1000, .pids = 10 };
	struct pb_err err = { 0 };
	char dead[PATH_MAX], alive[PATH_MAX];

	(void)state;
	/* pid 2^22+1 is above pid_max: never alive */
	snprintf(dead, sizeof(dead), "%s/pibox-4194305-00000000", tree);
	snprintf(alive, sizeof(alive), "%s/pibox-%d-00000000", tree, (int)getppid());
	assert_int_equal(mkdir(dead, 0755), 0);
	assert_int_equal(mkdir(alive, 0755), 0);
	cgroup_select(&ctx, tree);
	assert_int_equal(ctx.backend->create(&ctx, &lim, &err), 0);
	assert_false(pb_is_dir(dead));
	assert_true(pb_is_dir(alive));
}

static void test_v2_locate(void **state)
{
	const char *mi =
		"25 30 0:22 / /sys rw - sysfs sysfs rw\n"
		"35 25 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
	char root[PATH_MAX], base[PATH_MAX];

	(void)state;
	assert_int_equal(cgroup_v2_locate(mi, "0::/user.slice/user-1000.slice/session-2.scope\n",
					  root, base, sizeof(root)), 0);
	assert_string_equal(root, "/sys/fs/cgroup");
	assert_string_equal(base, "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope");
	assert_int_equal(cgroup_v2_locate(mi, "1:name=systemd:/\n0::/\n", root, base,
					  sizeof(root)), 0);
	assert_string_equal(base, "/sys/fs/cgroup");
	assert_int_equal(cgroup_v2_locate("25 30 0:22 / /sys rw - sysfs sysfs rw\n",
					  "0::/\n", root, base, sizeof(root)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v2_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_not_delegated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_sweeps_leftovers_of_dead_supervisors, setup, teardown),
		cmocka_unit_test(test_v2_locate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
