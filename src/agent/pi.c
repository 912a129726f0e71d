// SPDX-License-Identifier: MIT
/*
 * pi.c - getting pi: its install under pibox's data dir, Node.js, updates.
 *
 * pi is installed with npm into pibox's own prefix, at a version known to
 * work (PIBOX_PI_VERSION overrides it; PIBOX_PI_PACKAGE picks the other
 * package name pi is published under). Update checks run in a detached
 * child that writes a cache file, so a launch never waits for the
 * registry; the next launch prints the notice.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "agent/agent.h"
#include "config/paths.h"

#ifndef PIBOX_DATADIR
#define PIBOX_DATADIR "/usr/local/share"
#endif

const char *agent_package(void)
{
	const char *p = getenv("PIBOX_PI_PACKAGE");

	if (p && (!strcmp(p, PI_PACKAGE_DEFAULT) || !strcmp(p, PI_PACKAGE_ALT)))
		return p;
	return PI_PACKAGE_DEFAULT;
}

static int xdg_dir(const char *var, const char *fallback, char *buf, size_t size)
{
	const char *v = getenv(var), *home = getenv("HOME");

	if (v && v[0] == '/')
		snprintf(buf, size, "%s/pibox", v);
	else if (home && home[0] == '/')
		snprintf(buf, size, "%s/%s/pibox", home, fallback);
	else
		return -ENOENT;
	return pb_mkdir_p(buf, 0700);
}

/* share/pibox: installed next to the binary, or in the source tree. */
static void find_share(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("PIBOX_SHARE_DIR");

	if (env && env[0] == '/') {
		snprintf(buf, size, "%s", env);
		return;
	}
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0'; /* bin/ or build/ */
		snprintf(buf, size, "%s/../share/pibox", exe);
		if (pb_is_dir(buf) && realpath(buf, exe)) {
			snprintf(buf, size, "%s", exe);
			return;
		}
	}
	snprintf(buf, size, "%s/pibox", PIBOX_DATADIR);
}

/**
 * agent_paths_get() - pibox's data, state, share dirs and pi's place
 * Return: 0, or -errno
 */
int agent_paths_get(struct agent_paths *p, struct pb_err *err)
{
	if (xdg_dir("XDG_DATA_HOME", ".local/share", p->data, sizeof(p->data)) < 0 ||
	    xdg_dir("XDG_STATE_HOME", ".local/state", p->state, sizeof(p->state)) < 0)
		return pb_err_usage(err, "cannot create pibox's data and state directories: is HOME set?");
	/* a shared install (e.g. /opt/pibox/pi) may stand in for the user's */
	if (getenv("PIBOX_PI_PREFIX") && getenv("PIBOX_PI_PREFIX")[0] == '/')
		snprintf(p->prefix, sizeof(p->prefix), "%s", getenv("PIBOX_PI_PREFIX"));
	else
		snprintf(p->prefix, sizeof(p->prefix), "%s/pi", p->data);
	snprintf(p->pi_bin, sizeof(p->pi_bin), "%s/node_modules/.bin/pi", p->prefix);
	snprintf(p->agent, sizeof(p->agent), "%s/agent", p->data);
	find_share(p->share, sizeof(p->share));
	return 0;
}

/* Compares dotted versions numerically: "0.10.0" > "0.9.9". */
int agent_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((*a && (*a < '0' || *a > '9')) || (*b && (*b < '0' || *b > '9')))
			break;
	}
	return 0;
}

/**
 * agent_node_check() - Node.js >= 20.6 (pi's own floor) is on PATH
 * Return: 0, or -ENOENT with @err naming the fix
 */
int agent_node_check(struct pb_err *err)
{
	char *argv[] = { "node", "--version", NULL };
	char out[64] = "";
	int r = pb_run(argv, out, sizeof(out), 10000, true);

	if (r != 0 || out[0] != 'v')
		return pb_err_usage(err, "Node.js is missing: pi needs Node.js 20.6 or newer - install it (Debian: apt-get install nodejs npm)");
	out[strcspn(out, "\n")] = '\0';
	if (agent_version_cmp(out + 1, "20.6") < 0)
		return pb_err_usage(err, "Node.js %s is too old: pi needs 20.6 or newer - upgrade it (e.g. from NodeSource)", out);
	return 0;
}

/**
 * agent_install() - npm install pi at @version ("latest" or a number)
 * Return: 0, or -errno with @err set
 */
int agent_install(const struct agent_paths *p, const char *version,
		  struct pb_err *err)
{
	char spec[128];
	char *argv[] = { "npm", "install", "--prefix", (char *)p->prefix, spec,
			 "--no-audit", "--no-fund", "--loglevel=error", NULL };
	int r = agent_node_check(err);

	if (r < 0)
		return r;
	if (pb_mkdir_p(p->prefix, 0700) < 0)
		return pb_err_set(err, errno, "setup: mkdir %s", p->prefix);
	snprintf(spec, sizeof(spec), "%s@%s", agent_package(), version);
	pb_info("installing %s into %s", spec, p->prefix);
	r = pb_run(argv, NULL, 0, 15 * 60 * 1000, false);
	if (r != 0)
		return pb_err_usage(err, "setup: 'npm install %s' failed (exit %d): check your network and npm's registry settings",
				    spec, r);
	if (access(p->pi_bin, X_OK) < 0)
		return pb_err_usage(err, "setup: npm finished but %s is missing", p->pi_bin);
	return 0;
}

/* Reads the installed pi's version from its package.json. Return: 0 or -1 */
int agent_installed_version(const struct agent_paths *p, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	json_t *o;
	const char *v;

	snprintf(path, sizeof(path), "%s/node_modules/%s/package.json", p->prefix,
		 agent_package());
	o = json_load_file(path, 0, NULL);
	v = o ? json_string_value(json_object_get(o, "version")) : NULL;
	if (v)
		snprintf(buf, size, "%s", v);
	json_decref(o);
	return v ? 0 : -1;
}

/* In a detached grandchild: ask the registry, write the cache. */
static void refresh_cache(const char *cache)
{
	char spec[128], out[64] = "";
	char *argv[] = { "npm", "view", spec, "version", NULL };
	pid_t pid = fork();

	if (pid != 0) {
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return;
	}
	if (fork() != 0)
		_exit(0);
	setsid();
	snprintf(spec, sizeof(spec), "%s", agent_package());
	if (pb_run(argv, out, sizeof(out), 20000, true) == 0 && out[0]) {
		FILE *f = fopen(cache, "we");

		if (f) {
			fprintf(f, "%ld %s", (long)time(NULL), out);
			fclose(f);
		}
	}
	_exit(0);
}

/**
 * agent_update_notice() - "Pi update available: X -> Y", from a cache that
 * is refreshed in the background at most once an hour; silent offline
 */
void agent_update_notice(const struct agent_paths *p)
{
	char cache[PATH_MAX + 32], line[128] = "", latest[64] = "", have[64];
	long when = 0;

	snprintf(cache, sizeof(cache), "%s/update-check", p->state);
	if (pb_read_file(cache, line, sizeof(line)) > 0)
		sscanf(line, "%ld %63s", &when, latest);
	if (time(NULL) - when >= 3600) {
		/* mark the attempt now: offline, we try again in an hour */
		FILE *f = fopen(cache, "we");

		if (f) {
			fprintf(f, "%ld %s", (long)time(NULL), latest);
			fclose(f);
		}
		refresh_cache(cache);
	}
	if (latest[0] && agent_installed_version(p, have, sizeof(have)) == 0 &&
	    agent_version_cmp(have, latest) < 0)
		pb_info("Pi update available: %s → %s (pibox update)", have, latest);
}
