// SPDX-License-Identifier: MIT
/* Path rules, uid choice, environment, option parsing, init's command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sandbox/box.h"
#include "sandbox/mounts.h"
#include "sandbox/plan.h"

static void test_path_is_under(void **state)
{
	(void)state;
	assert_true(path_is_under("/a/b", "/a"));
	assert_true(path_is_under("/a", "/a"));
	assert_false(path_is_under("/ab", "/a"));
	assert_false(path_is_under("/a", "/a/b"));
	assert_true(path_is_under("/x", "/"));
	assert_false(path_is_under("/home/u2/x", "/home/u"));
}

static void test_depth_sort(void **state)
{
	struct plan_bind b[] = {
		{ PLAN_BIND_PROTECT, "/r/.git/hooks" },
		{ PLAN_BIND_RW, "/r" },
		{ PLAN_BIND_RO, "/opt/tool/bin" },
		{ PLAN_BIND_RW, "/r/.git" },
	};

	(void)state;
	assert_int_equal(path_depth("/"), 0);
	assert_int_equal(path_depth("/a/b"), 2);
	mounts_sort_binds(b, ARRAY_SIZE(b));
	assert_string_equal(b[0].path, "/r");
	assert_string_equal(b[1].path, "/r/.git");
	assert_string_equal(b[3].path, "/r/.git/hooks");
}

static void test_choose_ids(void **state)
{
	struct pb_err err = { 0 };
	uid_t u;
	gid_t g;

	(void)state;
	/* ordinary user: always themselves */
	assert_int_equal(plan_choose_ids(1000, 0, 0, NULL, &u, &g, &err), 0);
	assert_int_equal(u, 1000);
	/* root: the tree's owner */
	assert_int_equal(plan_choose_ids(0, 1001, 1002, NULL, &u, &g, &err), 0);
	assert_int_equal(u, 1001);
	assert_int_equal(g, 1002);
	/* root, tree owned by root: refuse, and say --user */
	assert_true(plan_choose_ids(0, 0, 0, NULL, &u, &g, &err) < 0);
	assert_non_null(strstr(err.msg, "--user"));
	/* root with --user */
	assert_int_equal(plan_choose_ids(0, 0, 0, "1500:1600", &u, &g, &err), 0);
	assert_int_equal(u, 1500);
	assert_int_equal(g, 1600);
	assert_int_equal(plan_choose_ids(0, 0, 0, "1500", &u, &g, &err), 0);
	assert_int_equal(g, 1500);
	/* never uid 0, never garbage, never someone else unless root */
	assert_true(plan_choose_ids(0, 1000, 1000, "0", &u, &g, &err) < 0);
	assert_true(plan_choose_ids(0, 1000, 1000, "1000:0", &u, &g, &err) < 0);
	assert_true(plan_choose_ids(0, 1000, 1000, "bob", &u, &g, &err) < 0);
	assert_true(plan_choose_ids(0, 1000, 1000, "1:2:3", &u, &g, &err) < 0);
	assert_true(plan_choose_ids(1000, 1000, 1000, "1001", &u, &g, &err) < 0);
}

static void test_check_workdir(void **state)
{
	struct pb_err err = { 0 };

	(void)state;
	assert_true(plan_check_workdir("/", "/home/u", &err) < 0);
	assert_true(plan_check_workdir("/home/u", "/home/u", &err) < 0);
	assert_true(plan_check_workdir("/home", "/home/u", &err) < 0);
	assert_int_equal(plan_check_workdir("/home/u/proj", "/home/u", &err), 0);
}

static bool env_has(char **env, const char *entry)
{
	for (; *env; env++)
		if (strcmp(*env, entry) == 0)
			return true;
	return false;
}

static bool env_has_name(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return true;
	return false;
}

static void test_env(void **state)
{
	char *host[] = { "TERM=xterm", "LC_ALL=C.UTF-8", "GITHUB_TOKEN=secret",
			 "SSH_AUTH_SOCK=/run/agent", "PATH=/evil", "FOO=bar",
			 "HOME=/root", NULL };
	struct box_plan p;
	struct pb_err err = { 0 };
	char **env;

	(void)state;
	plan_init(&p);
	p.home = "/home/u";
	p.user_name = "u";
	p.shell = "/bin/sh";
	p.env_opts[p.n_env_opts++] = "FOO";
	p.env_opts[p.n_env_opts++] = "X=1=2";
	p.env_opts[p.n_env_opts++] = "UNSET_VAR";
	env = plan_build_env(&p, host, &err);
	assert_non_null(env);
	assert_true(env_has(env, "TERM=xterm"));
	assert_true(env_has(env, "LC_ALL=C.UTF-8"));
	assert_true(env_has(env, "HOME=/home/u"));
	assert_true(env_has(env, "FOO=bar"));
	assert_true(env_has(env, "X=1=2"));
	assert_false(env_has_name(env, "GITHUB_TOKEN"));
	assert_false(env_has_name(env, "SSH_AUTH_SOCK"));
	assert_false(env_has_name(env, "UNSET_VAR"));
	assert_false(env_has(env, "PATH=/evil"));
	plan_free_env(env);
	p.env_opts[0] = "BAD-NAME=1";
	assert_null(plan_build_env(&p, host, &err));
	assert_non_null(strstr(err.msg, "BAD-NAME"));
	free(p.net);
}

static void test_options(void **state)
{
	char *argv[] = { "--memory", "1g", "--cpus=0.5", "--pids", "64",
			 "--no-network", "--env", "A=1", "--", "cmd", "-x", NULL };
	char *bad1[] = { "--memroy", "1g", NULL };
	char *bad2[] = { "--memory", "lots", NULL };
	char *bad3[] = { "--pids", NULL };
	char *bad4[] = { "--no-network=yes", NULL };
	struct box_plan p;
	struct pb_err err = { 0 };

	(void)state;
	plan_init(&p);
	assert_int_equal(cli_parse_box_options(&p, 11, argv, CLI_STOP_AT_DASHDASH,
					       "exec", &err), 9);
	assert_true(p.limits.memory == 1ULL << 30);
	assert_int_equal(p.limits.millicpus, 500);
	assert_true(p.limits.pids == 64);
	assert_true(p.no_network);
	assert_string_equal(p.env_opts[0], "A=1");
	assert_true(cli_parse_box_options(&p, 2, bad1, CLI_STOP_AT_DASHDASH, "exec", &err) < 0);
	assert_non_null(strstr(err.msg, "--memroy"));
	assert_true(cli_parse_box_options(&p, 2, bad2, CLI_STOP_AT_DASHDASH, "exec", &err) < 0);
	assert_non_null(strstr(err.msg, "lots"));
	assert_true(cli_parse_box_options(&p, 1, bad3, CLI_STOP_AT_DASHDASH, "exec", &err) < 0);
	assert_true(cli_parse_box_options(&p, 1, bad4, CLI_STOP_AT_DASHDASH, "exec", &err) < 0);
	/* a non-option ends the options where the command may follow directly */
	assert_int_equal(cli_parse_box_options(&p, 2, (char *[]){ "true", "--pids", NULL },
					       CLI_STOP_AT_NONOPTION, "exec", &err), 0);
	free(p.net);
}

static void test_init_argv(void **state)
{
	char *cmd[] = { "sh", "-c", "echo hi", NULL };
	struct box_plan p;
	char **argv;

	(void)state;
	plan_init(&p);
	p.uid = 1000;
	p.gid = 1000;
	p.home = "/home/u";
	p.cwd = "/r/sub";
	p.binds[p.n_binds++] = (struct plan_bind){ PLAN_BIND_RW, "/r" };
	p.binds[p.n_binds++] = (struct plan_bind){ PLAN_BIND_PROTECT, "/r/.git/hooks" };
	p.argv = cmd;
	p.argc = 3;
	argv = box_init_argv(&p);
	assert_non_null(argv);
	assert_string_equal(argv[1], "init");
	assert_string_equal(argv[2], "--ids=1000:1000");
	assert_string_equal(argv[6], "--net");
	assert_string_equal(argv[7], "--rw=/r");
	assert_string_equal(argv[8], "--protect=/r/.git/hooks");
	assert_string_equal(argv[9], "--");
	assert_string_equal(argv[12], "echo hi");
	assert_null(argv[13]);
	plan_free_env(argv);
	p.no_network = true;
	argv = box_init_argv(&p);
	assert_string_equal(argv[6], "--rw=/r");
	plan_free_env(argv);
	free(p.net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_is_under),
		cmocka_unit_test(test_depth_sort),
		cmocka_unit_test(test_choose_ids),
		cmocka_unit_test(test_check_workdir),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_init_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
