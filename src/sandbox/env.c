// SPDX-License-Identifier: MIT
/*
 * env.c - the command's environment: cleared, then a short list.
 *
 * Host variables carry tokens (GITHUB_TOKEN, AWS_*, SSH_AUTH_SOCK...), so
 * nothing crosses unless it is on this list or named with --env.
 */
#include <stdio.h>
#include <string.h>

#include "sandbox/plan.h"

static const char *const proxy_vars[][2] = {
	{ "http_proxy", "http://127.0.0.1:" BOX_PROXY_PORT_STR },
	{ "https_proxy", "http://127.0.0.1:" BOX_PROXY_PORT_STR },
	{ "HTTP_PROXY", "http://127.0.0.1:" BOX_PROXY_PORT_STR },
	{ "HTTPS_PROXY", "http://127.0.0.1:" BOX_PROXY_PORT_STR },
	{ "no_proxy", "localhost,127.0.0.1,::1" },
	{ "NO_PROXY", "localhost,127.0.0.1,::1" },
};

#define BOX_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool host_var_passes(const char *entry)
{
	static const char *const names[] = { "TERM=", "LANG=", "TZ=", "COLORTERM=" };

	if (strncmp(entry, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(entry, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

struct env_list {
	char **v;
	size_t n, cap;
};

/* Sets NAME=VALUE, replacing an earlier entry of the same name. */
static int env_put(struct env_list *l, const char *name, size_t nlen,
		   const char *value)
{
	char *entry;

	if (asprintf(&entry, "%.*s=%s", (int)nlen, name, value) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		if (strncmp(l->v[i], entry, nlen + 1) == 0) {
			free(l->v[i]);
			l->v[i] = entry;
			return 0;
		}
	}
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			free(entry);
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = entry;
	l->v[l->n] = NULL;
	return 0;
}

static const char *env_lookup(char *const *env, const char *name, size_t nlen)
{
	for (; env && *env; env++)
		if (strncmp(*env, name, nlen) == 0 && (*env)[nlen] == '=')
			return *env + nlen + 1;
	return NULL;
}

static int env_apply_opt(struct env_list *l, const char *opt,
			 char *const *host_env, struct pb_err *err)
{
	const char *eq = strchr(opt, '=');
	size_t nlen = eq ? (size_t)(eq - opt) : strlen(opt);
	const char *value;

	if (!pb_env_name_valid(opt, nlen))
		return pb_err_usage(err, "--env %s: expected NAME or NAME=VALUE with NAME made of letters, digits and _",
				  opt);
	value = eq ? eq + 1 : env_lookup(host_env, opt, nlen);
	if (!value)
		return 0; /* --env NAME of an unset variable: nothing to pass */
	return env_put(l, opt, nlen, value) < 0 ?
		       pb_err_set(err, ENOMEM, "env") : 0;
}

/**
 * plan_build_env() - the NULL-terminated environment of the command
 * Return: an array the caller frees with plan_free_env(), or NULL with @err
 */
char **plan_build_env(const struct box_plan *plan, char *const *host_env,
		      struct pb_err *err)
{
	struct env_list l = { 0 };
	int r = 0;

	for (char *const *e = host_env; e && *e && r == 0; e++)
		if (host_var_passes(*e))
			r = env_put(&l, *e, strcspn(*e, "="), strchr(*e, '=') + 1);
	if (r == 0)
		r = env_put(&l, "PATH", 4, BOX_PATH);
	if (r == 0)
		r = env_put(&l, "HOME", 4, plan->home);
	if (r == 0)
		r = env_put(&l, "USER", 4, plan->user_name);
	if (r == 0)
		r = env_put(&l, "LOGNAME", 7, plan->user_name);
	if (r == 0)
		r = env_put(&l, "SHELL", 5, plan->shell);
	/* the only way out of the box: the supervisor's proxy */
	for (size_t i = 0; r == 0 && !plan->no_network && i < ARRAY_SIZE(proxy_vars); i++)
		r = env_put(&l, proxy_vars[i][0], strlen(proxy_vars[i][0]), proxy_vars[i][1]);
	if (r < 0) {
		pb_err_set(err, ENOMEM, "env");
		goto fail;
	}
	for (size_t i = 0; i < plan->n_env_opts; i++)
		if (env_apply_opt(&l, plan->env_opts[i], host_env, err) < 0)
			goto fail;
	if (!l.v)
		l.v = calloc(1, sizeof(char *));
	return l.v;
fail:
	plan_free_env(l.v);
	return NULL;
}

void plan_free_env(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}
