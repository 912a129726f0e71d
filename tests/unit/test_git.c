// SPDX-License-Identifier: MIT
/* Repository detection: plain clones, linked worktrees, submodules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "git/repo.h"

static char top[64];

static void mk(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_int_equal(pb_mkdir_p(p, 0755), 0);
}

static void put(const char *rel, const char *data)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/pibox-gittest-XXXXXX");
	assert_non_null(mkdtemp(top));
	mk("main/.git/worktrees/wt");
	mk("main/src/deep");
	mk("wt/sub");
	put("wt/.git", "gitdir: ../main/.git/worktrees/wt\n");
	put("main/.git/worktrees/wt/commondir", "../..\n");
	mk("main/.git/modules/lib");
	mk("main/lib");
	put("main/lib/.git", "gitdir: ../.git/modules/lib\n");
	mk("plain/x");
	mk("bad");
	put("bad/.git", "not a gitfile\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	return system(cmd);
}

static void path(char *out, const char *rel)
{
	snprintf(out, PATH_MAX, "%s/%s", top, rel);
}

static void test_plain(void **state)
{
	struct git_repo r;
	struct pb_err err = { 0 };
	char cwd[PATH_MAX], want[PATH_MAX];

	(void)state;
	path(cwd, "main/src/deep");
	assert_int_equal(git_repo_find(cwd, &r, &err), 0);
	path(want, "main");
	assert_string_equal(r.root, want);
	path(want, "main/.git");
	assert_string_equal(r.gitdir, want);
	assert_string_equal(r.commondir, want);
	git_repo_free(&r);
}

static void test_worktree(void **state)
{
	struct git_repo r;
	struct pb_err err = { 0 };
	char cwd[PATH_MAX], want[PATH_MAX];

	(void)state;
	path(cwd, "wt/sub");
	assert_int_equal(git_repo_find(cwd, &r, &err), 0);
	path(want, "wt");
	assert_string_equal(r.root, want);
	path(want, "main/.git/worktrees/wt");
	assert_string_equal(r.gitdir, want);
	path(want, "main/.git");
	assert_string_equal(r.commondir, want);
	git_repo_free(&r);
}

static void test_submodule(void **state)
{
	struct git_repo r;
	struct pb_err err = { 0 };
	char cwd[PATH_MAX], want[PATH_MAX];

	(void)state;
	path(cwd, "main/lib");
	assert_int_equal(git_repo_find(cwd, &r, &err), 0);
	path(want, "main/.git/modules/lib");
	assert_string_equal(r.gitdir, want);
	assert_string_equal(r.commondir, want);
	git_repo_free(&r);
}

static void test_outside_and_bad(void **state)
{
	struct git_repo r;
	struct pb_err err = { 0 };
	char cwd[PATH_MAX], out[PATH_MAX];

	(void)state;
	path(cwd, "plain/x");
	assert_int_equal(git_repo_find(cwd, &r, &err), 0);
	assert_null(r.root);
	path(cwd, "bad");
	assert_true(git_repo_find(cwd, &r, &err) < 0);
	assert_non_null(strstr(err.msg, "git worktree repair"));
	git_repo_free(&r);
	assert_int_equal(git_parse_gitfile("gitdir: ", "/", out, sizeof(out)), -EINVAL);
	assert_int_equal(git_parse_gitfile("gitdir:/x", "/", out, sizeof(out)), -EINVAL);
	assert_int_equal(git_parse_gitfile("gitdir: /nonexistent/x\n", "/", out, sizeof(out)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_worktree),
		cmocka_unit_test(test_submodule),
		cmocka_unit_test(test_outside_and_bad),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
