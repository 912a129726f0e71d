/* SPDX-License-Identifier: MIT */
/* repo.h - find the git checkout around a directory, without running git. */
#ifndef PIBOX_GIT_REPO_H
#define PIBOX_GIT_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

struct git_repo {
	char *root;      /* the work tree's top, or NULL outside a repository */
	char *gitdir;    /* where its .git points (a dir inside root, or not) */
	char *commondir; /* shared objects, refs, hooks, config */
};

int git_repo_find(const char *cwd, struct git_repo *repo, struct pb_err *err);
void git_repo_free(struct git_repo *repo);
int git_parse_gitfile(const char *content, const char *base, char *out,
		      size_t size);

bool git_ignore_has(const char *s, const char *entry);
int git_ensure_ignored(const char *root, const char *entry);
void git_branch(const struct git_repo *repo, char *buf, size_t size);

#endif
