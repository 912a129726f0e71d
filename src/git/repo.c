// SPDX-License-Identifier: MIT
/*
 * repo.c - find the git checkout around a directory, without running git.
 *
 * A checkout's top holds ".git": a directory for a plain clone, or a file
 * "gitdir: PATH" for a linked worktree (PATH = <main>/.git/worktrees/<name>,
 * whose "commondir" file leads back to <main>/.git) and for a submodule
 * (PATH = <super>/.git/modules/<name>). git inside the box needs all of these
 * writable, at the same absolute paths, or it breaks as the original did.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "git/repo.h"

/* Joins @base and a possibly relative @rel, then canonicalises. */
static int resolve_from(const char *base, const char *rel, char *out,
			size_t size)
{
	char joined[PATH_MAX * 2];

	if (rel[0] == '/')
		snprintf(joined, sizeof(joined), "%s", rel);
	else
		snprintf(joined, sizeof(joined), "%s/%s", base, rel);
	if (!realpath(joined, out))
		return -errno;
	(void)size;
	return 0;
}

/**
 * git_parse_gitfile() - the target of a "gitdir: PATH" file, made absolute
 * @content:	the file's text
 * @base:	directory holding the file (relative paths start there)
 * @out:	PATH_MAX buffer for the canonical path
 * Return: 0, -EINVAL for a malformed file, or -errno from realpath
 */
int git_parse_gitfile(const char *content, const char *base, char *out,
		      size_t size)
{
	static const char prefix[] = "gitdir: ";
	char path[PATH_MAX];
	size_t len;

	if (strncmp(content, prefix, sizeof(prefix) - 1) != 0)
		return -EINVAL;
	content += sizeof(prefix) - 1;
	len = strcspn(content, "\r\n");
	if (len == 0 || len >= sizeof(path) || memchr(content, '\0', len))
		return -EINVAL;
	memcpy(path, content, len);
	path[len] = '\0';
	return resolve_from(base, path, out, size);
}

/* commondir: a file in a worktree's gitdir naming the shared .git */
static int find_commondir(const char *gitdir, char *out, size_t size)
{
	char file[PATH_MAX + 16], buf[PATH_MAX];

	snprintf(file, sizeof(file), "%s/commondir", gitdir);
	if (pb_read_file(file, buf, sizeof(buf)) <= 0) {
		snprintf(out, size, "%s", gitdir);
		return 0;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return resolve_from(gitdir, buf, out, size);
}

static int fill_repo(struct git_repo *repo, const char *root,
		     const char *dotgit, struct pb_err *err)
{
	char gitdir[PATH_MAX], common[PATH_MAX], buf[PATH_MAX + 16];
	struct stat st;
	int r;

	if (stat(dotgit, &st) < 0)
		return pb_err_set(err, errno, "git: cannot read %s", dotgit);
	if (S_ISDIR(st.st_mode)) {
		if (!realpath(dotgit, gitdir))
			return pb_err_set(err, errno, "git: %s", dotgit);
	} else {
		if (pb_read_file(dotgit, buf, sizeof(buf)) < 0)
			return pb_err_set(err, errno, "git: cannot read %s", dotgit);
		r = git_parse_gitfile(buf, root, gitdir, sizeof(gitdir));
		if (r < 0)
			return pb_err_set(err, r,
					  "git: %s does not point to a git directory - repair it with 'git worktree repair'",
					  dotgit);
	}
	r = find_commondir(gitdir, common, sizeof(common));
	if (r < 0)
		return pb_err_set(err, r, "git: bad commondir in %s", gitdir);
	repo->root = strdup(root);
	repo->gitdir = strdup(gitdir);
	repo->commondir = strdup(common);
	if (!repo->root || !repo->gitdir || !repo->commondir)
		return pb_err_set(err, ENOMEM, "git");
	return 0;
}

/**
 * git_repo_find() - the checkout containing @cwd (canonical), if any
 * Return: 0 (repo->root NULL when outside any repository), or -errno
 */
int git_repo_find(const char *cwd, struct git_repo *repo, struct pb_err *err)
{
	char dir[PATH_MAX], dotgit[PATH_MAX + 8];

	memset(repo, 0, sizeof(*repo));
	if (strlen(cwd) >= sizeof(dir))
		return pb_err_set(err, ENAMETOOLONG, "git: %s", cwd);
	strcpy(dir, cwd);
	for (;;) {
		snprintf(dotgit, sizeof(dotgit), "%s/.git",
			 strcmp(dir, "/") ? dir : "");
		if (pb_path_exists(dotgit))
			return fill_repo(repo, dir, dotgit, err);
		if (strcmp(dir, "/") == 0)
			return 0;
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

void git_repo_free(struct git_repo *repo)
{
	free(repo->root);
	free(repo->gitdir);
	free(repo->commondir);
	memset(repo, 0, sizeof(*repo));
}
