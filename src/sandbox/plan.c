// SPDX-License-Identifier: MIT
/*
 * plan.c - turn what the user asked for into a complete, checked box_plan.
 *
 * Everything that can be decided on the host is decided here, before any
 * namespace exists: who runs inside, which host paths appear, what the
 * environment holds. init then only applies the plan.
 */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "git/repo.h"
#include "proxy/proxy.h"
#include "sandbox/plan.h"

/* Return: 0, or -ENOMEM */
int plan_init(struct box_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->limits.memory = PLAN_DEFAULT_MEMORY;
	plan->limits.millicpus = PLAN_DEFAULT_MILLICPUS;
	plan->limits.pids = PLAN_DEFAULT_PIDS;
	plan->net = calloc(1, sizeof(*plan->net));
	if (!plan->net)
		return -ENOMEM;
	proxy_opts_init(plan->net);
	return 0;
}

void plan_free(struct box_plan *plan)
{
	for (size_t i = 0; i < plan->n_binds; i++) {
		free(plan->binds[i].path);
		free(plan->binds[i].at);
	}
	for (size_t i = 0; i < plan->n_files; i++)
		free(plan->files[i].content);
	for (size_t i = 0; i < plan->protect.n; i++)
		free(plan->protect.paths[i]);
	free(plan->user_name);
	free(plan->home);
	free(plan->shell);
	free(plan->cwd);
	free(plan->workdir);
	free(plan->net);
	memset(plan, 0, sizeof(*plan));
}

/**
 * path_is_under() - whether canonical @path is @dir or inside it
 */
bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Number of components: "/" is 0, "/a/b" is 2. Parents sort first. */
int path_depth(const char *path)
{
	int d = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			d++;
	return d;
}

/**
 * plan_add_bind() - record a bind of host @path at the same place inside
 * Return: 0, or -errno when the path does not exist or the table is full
 */
int plan_add_bind(struct box_plan *plan, enum plan_bind_kind kind,
		  const char *path, struct pb_err *err)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return pb_err_set(err, errno,
				  "bind %s: cannot resolve it - pass an existing path",
				  path);
	if (strcmp(real, "/") == 0)
		return pb_err_usage(err, "bind %s: refusing to bind the whole host root",
				  path);
	if (plan->n_binds == PLAN_MAX_BINDS)
		return pb_err_set(err, E2BIG, "bind %s: at most %d binds", path,
				  PLAN_MAX_BINDS);
	plan->binds[plan->n_binds].path = strdup(real);
	if (!plan->binds[plan->n_binds].path)
		return pb_err_set(err, ENOMEM, "bind");
	plan->binds[plan->n_binds++].kind = kind;
	return 0;
}

/**
 * plan_add_bind_at() - like plan_add_bind(), but shown inside at @at
 * (absolute; its parents are created in the box)
 * Return: 0, or -errno
 */
int plan_add_bind_at(struct box_plan *plan, enum plan_bind_kind kind,
		     const char *path, const char *at, struct pb_err *err)
{
	int r = plan_add_bind(plan, kind, path, err);

	if (r < 0)
		return r;
	if (at[0] != '/' || strstr(at, "/../") || strstr(at, "/./"))
		return pb_err_usage(err, "bind %s at %s: the target must be a plain absolute path",
				    path, at);
	plan->binds[plan->n_binds - 1].at = strdup(at);
	return plan->binds[plan->n_binds - 1].at ? 0 : pb_err_set(err, ENOMEM, "bind");
}

/**
 * plan_add_file() - a file for init to write into the box's home
 * @name:	relative to $HOME; letters, digits, '.', '-', '_' and '/'
 * Return: 0, or -errno
 */
int plan_add_file(struct box_plan *plan, const char *name, unsigned mode,
		  const char *content, struct pb_err *err)
{
	struct plan_file *f = &plan->files[plan->n_files];

	if (plan->n_files == PLAN_MAX_FILES || strlen(name) >= sizeof(f->name) ||
	    name[0] == '/' || strstr(name, ".."))
		return pb_err_usage(err, "box file %s: not a plain relative name", name);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->mode = mode;
	f->content = strdup(content);
	if (!f->content)
		return pb_err_set(err, ENOMEM, "box file");
	plan->n_files++;
	return 0;
}

/**
 * plan_choose_ids() - the host uid/gid the command runs as
 * @euid:	who invoked pibox
 * @owner_uid, @owner_gid: owner of the working tree
 * @user_opt:	"--user UID[:GID]" or NULL
 *
 * An ordinary user always runs as themselves. root runs the command as the
 * tree's owner, or as --user; never as uid 0.
 * Return: 0, or -errno with @err saying what to pass instead
 */
int plan_choose_ids(uid_t euid, uid_t owner_uid, gid_t owner_gid,
		    const char *user_opt, uid_t *uid, gid_t *gid,
		    struct pb_err *err)
{
	uint64_t u, g;

	if (user_opt) {
		char buf[64];
		char *colon;

		if (strlen(user_opt) >= sizeof(buf))
			return pb_err_usage(err, "--user %.20s…: expected UID[:GID]", user_opt);
		strcpy(buf, user_opt);
		colon = strchr(buf, ':');
		if (colon)
			*colon = '\0';
		if (pb_parse_uint(buf, UINT32_MAX - 1, &u) < 0 ||
		    (colon && pb_parse_uint(colon + 1, UINT32_MAX - 1, &g) < 0))
			return pb_err_usage(err, "--user %s: expected numeric UID[:GID], e.g. --user 1000:1000",
					  user_opt);
		if (!colon)
			g = u;
		if (u == 0 || g == 0)
			return pb_err_usage(err, "--user %s: pibox never runs the command as root; pass an ordinary UID[:GID]",
					  user_opt);
		if (euid != 0 && u != euid)
			return pb_err_usage(err, "--user %s: only root can choose another user; run pibox as that user",
					  user_opt);
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return 0;
	}
	if (euid != 0) {
		*uid = euid;
		*gid = getegid();
		return 0;
	}
	if (owner_uid == 0)
		return pb_err_usage(err, "running as root and the working tree is owned by root: pibox never runs the command as root - pass --user UID[:GID]");
	*uid = owner_uid;
	*gid = owner_gid;
	return 0;
}

/**
 * plan_check_workdir() - refuse a writable tree that would expose too much
 * Return: 0, or -EPERM when @workdir is / or holds the user's home
 */
int plan_check_workdir(const char *workdir, const char *home,
		       struct pb_err *err)
{
	if (strcmp(workdir, "/") == 0 || (home && path_is_under(home, workdir)))
		return pb_err_usage(err, "refusing to make %s writable in the box: it is or contains your home directory - cd into a project directory or a git repository",
				  workdir);
	return 0;
}

/* Home and login facts of @uid; a box home is private, so any path will do. */
static int plan_fill_user(struct box_plan *plan, struct pb_err *err)
{
	struct passwd *pw = getpwuid(plan->uid);
	const char *home = pw ? pw->pw_dir : NULL;

	if (!home || home[0] != '/' || strcmp(home, "/") == 0 ||
	    strcmp(home, "/nonexistent") == 0)
		home = "/home/pibox";
	plan->home = strdup(home);
	plan->user_name = strdup(pw ? pw->pw_name : "pibox");
	plan->shell = strdup(access("/bin/bash", X_OK) == 0 ? "/bin/bash" :
								"/bin/sh");
	if (!plan->home || !plan->user_name || !plan->shell)
		return pb_err_set(err, ENOMEM, "plan");
	if (!pw && geteuid() == 0)
		plan->gid = plan->gid ? plan->gid : plan->uid;
	return 0;
}

static int plan_bind_repo(struct box_plan *plan, const struct git_repo *repo,
			  struct pb_err *err)
{
	int r = plan_add_bind(plan, PLAN_BIND_RW, plan->workdir, err);

	if (r < 0 || !repo->root)
		return r;
	/* Worktrees and submodules keep their git directory elsewhere. */
	if (!path_is_under(repo->commondir, plan->workdir)) {
		r = plan_add_bind(plan, PLAN_BIND_RW, repo->commondir, err);
		if (r < 0)
			return r;
	}
	if (!path_is_under(repo->gitdir, plan->workdir) &&
	    !path_is_under(repo->gitdir, repo->commondir))
		r = plan_add_bind(plan, PLAN_BIND_RW, repo->gitdir, err);
	return r;
}

/**
 * plan_resolve() - settle cwd, the writable tree, identities and binds
 * Return: 0, or -errno with @err set
 */
int plan_resolve(struct box_plan *plan, struct pb_err *err)
{
	char here[PATH_MAX], cwd[PATH_MAX];
	struct git_repo repo;
	struct stat st;
	int r;

	if (!getcwd(here, sizeof(here)) || !realpath(here, cwd))
		return pb_err_set(err, errno, "cannot resolve the current directory");
	r = git_repo_find(cwd, &repo, err);
	if (r < 0)
		return r;
	plan->cwd = strdup(cwd);
	plan->workdir = strdup(repo.root ? repo.root : cwd);
	if (!plan->cwd || !plan->workdir) {
		r = pb_err_set(err, ENOMEM, "plan");
		goto out;
	}
	if (stat(plan->workdir, &st) < 0) {
		r = pb_err_set(err, errno, "cannot stat %s", plan->workdir);
		goto out;
	}
	r = plan_choose_ids(geteuid(), st.st_uid, st.st_gid, plan->user_opt,
			    &plan->uid, &plan->gid, err);
	if (r < 0)
		goto out;
	r = plan_fill_user(plan, err);
	if (r < 0)
		goto out;
	r = plan_check_workdir(plan->workdir, plan->home, err);
	if (r < 0)
		goto out;
	r = plan_bind_repo(plan, &repo, err);
	if (r < 0)
		goto out;
	r = protect_collect(plan, &repo, err);
out:
	git_repo_free(&repo);
	return r;
}
