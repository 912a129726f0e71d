// SPDX-License-Identifier: MIT
/*
 * run.c - `pibox [run] [OPTIONS] [--] [PI-ARGS...]`: pi in the current
 * repository, boxed. pibox's own options are long options from the shared
 * table; every other argument reaches pi untouched.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>

#include "agent/agent.h"
#include "cli/cli.h"
#include "config/paths.h"
#include "git/repo.h"
#include "proxy/proxy.h"
#include "sandbox/box.h"

#define RUN_MAX_ARGS 256

struct run {
	struct box_plan plan;
	struct agent_paths paths;
	struct git_repo repo;
	char *pi_argv[RUN_MAX_ARGS + 2];
	int pi_argc;
	char token[512];
	char *env_owned[8];
	size_t n_env_owned;
	bool session;          /* our marker is down: end it, maybe wipe */
	bool share_ok;         /* the box user can read pibox's defaults */
};

static int run_parse(struct run *rn, int argc, char **argv, struct pb_err *err)
{
	int r = cli_prepare_plan(&rn->plan, argc, argv, err);

	rn->pi_argv[rn->pi_argc++] = rn->paths.pi_bin;
	for (int i = 0; r == 0 && i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc && rn->pi_argc <= RUN_MAX_ARGS; i++)
				rn->pi_argv[rn->pi_argc++] = argv[i];
			break;
		}
		r = cli_apply_option(&rn->plan, argc, argv, &i, "run", err);
		if (r == 0 && rn->pi_argc <= RUN_MAX_ARGS)
			rn->pi_argv[rn->pi_argc++] = argv[i]; /* pi's, untouched */
		r = r < 0 ? r : 0;
	}
	if (r == 0 && rn->pi_argc > RUN_MAX_ARGS)
		r = pb_err_usage(err, "run: more than %d arguments for pi", RUN_MAX_ARGS);
	rn->pi_argv[rn->pi_argc] = NULL;
	return r;
}

/* PI_GH_TOKEN, else $XDG_CONFIG_HOME/pibox/gh-token (private, or refused). */
static int run_token(struct run *rn, struct pb_err *err)
{
	const char *env = getenv("PI_GH_TOKEN");
	char path[PATH_MAX];
	struct stat st;

	if (env && env[0]) {
		snprintf(rn->token, sizeof(rn->token), "%s", env);
		return 0;
	}
	if (paths_config_file(path, sizeof(path)) < 0)
		return 0;
	snprintf(strrchr(path, '/'), sizeof(path) - (size_t)(strrchr(path, '/') - path),
		 "/gh-token");
	if (stat(path, &st) < 0)
		return 0;
	if (st.st_mode & 077)
		return pb_err_usage(err, "%s is readable by other users: run 'chmod 600 %s'", path, path);
	if (pb_read_file(path, rn->token, sizeof(rn->token)) < 0)
		return pb_err_set(err, errno, "read %s", path);
	rn->token[strcspn(rn->token, " \r\n")] = '\0';
	return 0;
}

static bool run_checks(struct run *rn)
{
	char expired[8][32];
	int n;

	if (!rn->token[0]) {
		pb_warn("no GitHub token: set PI_GH_TOKEN or write one to ~/.config/pibox/gh-token (mode 600)");
		pb_warn("create one at https://github.com/settings/tokens?type=beta (Contents and Pull requests: read & write)");
		if (!pb_ask_yes("Continue without GitHub access?", rn->plan.assume_yes))
			return false;
	}
	if (!getenv("ANTHROPIC_API_KEY") && !agent_auth_present(&rn->paths)) {
		pb_warn("no model credentials: run 'pibox auth' to log in (Anthropic or GitHub Copilot), or set ANTHROPIC_API_KEY.");
		if (!pb_ask_yes("Continue without auth?", rn->plan.assume_yes))
			return false;
	}
	n = agent_auth_expired(&rn->paths, expired, 8);
	for (int i = 0; i < n; i++) {
		pb_warn("the %s session token has expired.", expired[i]);
		pb_warn("pi will try to refresh it automatically;");
		pb_warn("if requests fail, run 'pibox auth' again.");
	}
	return true;
}

static void run_hygiene(struct run *rn)
{
	static const char *const entries[] = { ".worktrees/", ".pi/" };

	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		int r = git_ensure_ignored(rn->repo.root, entries[i]);

		if (r > 0)
			printf("[setup] Added %s to .gitignore\n", entries[i]);
		else if (r < 0)
			pb_warn("could not update .gitignore: %s", strerror(-r));
	}
}

static void run_banner(struct run *rn)
{
	char branch[256], mem[32];
	const char *name = strrchr(rn->repo.root, '/');

	git_branch(&rn->repo, branch, sizeof(branch));
	snprintf(mem, sizeof(mem), "%llum", (unsigned long long)(rn->plan.limits.memory >> 20));
	printf("pibox: %s (%s)  %s\n", name ? name + 1 : rn->repo.root, branch, rn->repo.root);
	printf("       network: %s; limits: memory %s, cpus %u.%02u, pids %llu\n",
	       rn->plan.no_network ? "closed" : "allowlist",
	       mem, rn->plan.limits.millicpus / 1000, rn->plan.limits.millicpus % 1000 / 10,
	       (unsigned long long)rn->plan.limits.pids);
	fflush(stdout);
}

static int add_env(struct run *rn, const char *name, const char *value)
{
	char *e;

	if (rn->plan.n_env_opts == PLAN_MAX_ENV || rn->n_env_owned == ARRAY_SIZE(rn->env_owned))
		return -E2BIG;
	if (asprintf(&e, "%s=%s", name, value) < 0)
		return -ENOMEM;
	rn->env_owned[rn->n_env_owned++] = e;
	rn->plan.env_opts[rn->plan.n_env_opts++] = e;
	return 0;
}

/* The box's ~/.gitconfig: the user's name and email, the token's helper. */
static int run_git_files(struct run *rn, struct pb_err *err)
{
	char name[256] = "", email[256] = "", cfg[1024], cred[700];
	char *gn[] = { "git", "-C", rn->repo.root, "config", "--get", "user.name", NULL };
	char *ge[] = { "git", "-C", rn->repo.root, "config", "--get", "user.email", NULL };
	int r = 0;

	pb_run(gn, name, sizeof(name), 5000, true);
	pb_run(ge, email, sizeof(email), 5000, true);
	name[strcspn(name, "\n\"\\")] = '\0';
	email[strcspn(email, "\n\"\\")] = '\0';
	snprintf(cfg, sizeof(cfg), "[user]\n\tname = \"%s\"\n\temail = \"%s\"\n%s",
		 name[0] ? name : "pibox agent", email[0] ? email : "agent@pibox.invalid",
		 rn->token[0] ? "[credential]\n\thelper = store --file ~/.git-credentials\n" : "");
	r = plan_add_file(&rn->plan, ".gitconfig", 0644, cfg, err);
	if (r == 0 && rn->token[0]) {
		snprintf(cred, sizeof(cred), "https://x-access-token:%s@github.com\n", rn->token);
		r = plan_add_file(&rn->plan, ".git-credentials", 0600, cred, err);
		if (r == 0 && add_env(rn, "GH_TOKEN", rn->token) < 0)
			r = pb_err_set(err, E2BIG, "env");
	}
	return r;
}

/* pi, its state and pibox's defaults, as the box sees them. */
static int run_box_extras(struct run *rn, struct pb_err *err)
{
	static const char *const keys[] = { "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY" };
	char at[PATH_MAX + 32], src[PATH_MAX + 32];
	int r;

	snprintf(at, sizeof(at), "%s/.pi/agent", rn->plan.home);
	r = plan_add_bind_at(&rn->plan, PLAN_BIND_RW, rn->paths.agent, at, err);
	if (r == 0)
		r = plan_add_bind(&rn->plan, PLAN_BIND_RO, rn->paths.prefix, err);
	if (r == 0 && rn->share_ok && !path_is_under(rn->paths.share, "/usr"))
		r = plan_add_bind(&rn->plan, PLAN_BIND_RO, rn->paths.share, err);
	snprintf(src, sizeof(src), "%s/AGENTS.md", rn->repo.root);
	if (r == 0 && rn->share_ok && !pb_path_exists(src)) {
		/* no rules of the repo's own: pibox's, read-only, as pi's global */
		snprintf(src, sizeof(src), "%s/AGENTS.md", rn->paths.share);
		snprintf(at, sizeof(at), "%s/AGENTS.md", rn->paths.agent);
		if (pb_path_exists(src) && pb_path_exists(at)) {
			snprintf(at, sizeof(at), "%s/.pi/agent/AGENTS.md", rn->plan.home);
			r = plan_add_bind_at(&rn->plan, PLAN_BIND_RO, src, at, err);
		}
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(keys); i++)
		if (getenv(keys[i]) && add_env(rn, keys[i], getenv(keys[i])) < 0)
			r = pb_err_set(err, E2BIG, "env");
	return r ? r : run_git_files(rn, err);
}

/*
 * Invoked as root, pi's files are the box user's: pibox works on them with
 * that user's identity and home (seteuid), and takes root back only for
 * what needs it (the cgroup, in box_run).
 */
static int run_become_user(struct run *rn, bool on, struct pb_err *err)
{
	struct stat st;
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (getuid() != 0)
		return 0;
	if (!on) {
		if (seteuid(0) < 0 || setegid(0) < 0)
			return pb_err_set(err, errno, "seteuid(0)");
		return 0;
	}
	if (stat(rn->repo.root, &st) < 0 ||
	    plan_choose_ids(0, st.st_uid, st.st_gid, rn->plan.user_opt, &uid, &gid, err) < 0)
		return -EPERM;
	pw = getpwuid(uid);
	if (pw && pw->pw_dir[0] == '/')
		setenv("HOME", pw->pw_dir, 1);
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_STATE_HOME");
	if (setegid(gid) < 0 || seteuid(uid) < 0)
		return pb_err_set(err, errno, "seteuid(%u)", uid);
	return 0;
}

/* The audit log is the box user's, opened with the user's identity. */
static int run_open_audit(struct run *rn, struct pb_err *err)
{
	struct proxy_opts *o = rn->plan.net;

	if (rn->plan.no_network)
		return 0;
	if (!o->audit_path[0] && paths_audit_log(o->audit_path, sizeof(o->audit_path)) < 0)
		return 0; /* box_run warns */
	o->audit_fd = open(o->audit_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (o->audit_fd < 0)
		return pb_err_set(err, errno, "network: open the audit log %s", o->audit_path);
	return 0;
}

static int run_prepare(struct run *rn, int argc, char **argv, struct pb_err *err)
{
	char cwd[PATH_MAX];
	bool stale;
	int r;

	if (run_parse(rn, argc, argv, err) < 0)
		return -EINVAL;
	if (!getcwd(cwd, sizeof(cwd)) || git_repo_find(cwd, &rn->repo, err) < 0 ||
	    !rn->repo.root) {
		fprintf(stderr, "Error: not inside a git repository.\n");
		return -ENOENT;
	}
	if (run_become_user(rn, true, err) < 0 || agent_paths_get(&rn->paths, err) < 0)
		return -EINVAL;
	if (access(rn->paths.pi_bin, X_OK) < 0)
		return pb_err_usage(err, "pi is not installed for pibox yet: run 'pibox setup'%s",
				    getuid() == 0 ? " as the repository's owner" : "");
	if ((r = agent_dir_prepare(&rn->paths, err)) < 0 || (r = run_token(rn, err)) < 0)
		return r;
	snprintf(cwd, sizeof(cwd), "%s/AGENTS.md", rn->paths.agent);
	pb_touch(cwd, 0600); /* a mount point for pibox's default rules */
	snprintf(cwd, sizeof(cwd), "%s/AGENTS.md", rn->paths.share);
	rn->share_ok = access(cwd, R_OK) == 0;
	if (!rn->share_ok)
		pb_warn("pibox's default rules (%s) are not readable here: pi runs without them", cwd);
	r = run_open_audit(rn, err);
	if (r < 0)
		return r;
	rn->session = agent_session_begin(&rn->paths, &stale) == 0;
	if (rn->session && stale && !rn->plan.keep_auth) {
		pb_warn("a previous session was killed before it could wipe pi's credentials; wiping them now");
		agent_auth_wipe(&rn->paths);
	}
	run_banner(rn);
	run_hygiene(rn);
	agent_update_notice(&rn->paths);
	if (!run_checks(rn))
		return pb_err_usage(err, "stopped before starting pi");
	rn->plan.tty = isatty(STDIN_FILENO);
	rn->plan.argv = rn->pi_argv;
	rn->plan.argc = rn->pi_argc;
	r = run_become_user(rn, false, err);
	if (r == 0)
		r = plan_resolve(&rn->plan, err);
	if (r == 0)
		r = cli_apply_repo_config(&rn->plan, err);
	return r < 0 ? r : run_box_extras(rn, err);
}

int cli_run(int argc, char **argv)
{
	struct run *rn = calloc(1, sizeof(*rn));
	struct pb_err err = { 0 };
	int r;

	if (!rn)
		return PB_EXIT_FAILURE;
	r = run_prepare(rn, argc - 1, argv + 1, &err);
	run_become_user(rn, false, &err);
	if (r == 0)
		r = box_run(&rn->plan, &err);
	if (rn->session) {
		struct pb_err ignored = { 0 };

		run_become_user(rn, true, &ignored);
		agent_session_end(&rn->paths, !rn->plan.keep_auth);
		run_become_user(rn, false, &ignored);
	}
	if (r < 0 && err.msg[0])
		pb_err_print(&err);
	for (size_t i = 0; i < rn->n_env_owned; i++)
		free(rn->env_owned[i]);
	plan_free(&rn->plan);
	git_repo_free(&rn->repo);
	free(rn);
	return r < 0 ? PB_EXIT_FAILURE : r;
}
