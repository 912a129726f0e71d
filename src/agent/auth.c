// SPDX-License-Identifier: MIT
/*
 * auth.c - pi's credentials in pibox's own agent dir.
 *
 * The box sees pibox's agent dir as ~/.pi/agent, never the host's: the
 * agent cannot plant extensions or settings for the user's native pi, and
 * wiping it cannot log the native pi out. auth.json is reset to {} when the
 * last running session ends (each session leaves a marker file while it
 * runs, so a session killed with SIGKILL is noticed - and its credentials
 * wiped - by the next one).
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "agent/agent.h"

static void auth_path(const struct agent_paths *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/auth.json", p->agent);
}

/* Return: 0, or -errno */
int agent_dir_prepare(const struct agent_paths *p, struct pb_err *err)
{
	char path[PATH_MAX + 16];

	if (pb_mkdir_p(p->agent, 0700) < 0)
		return pb_err_set(err, errno, "agent dir %s", p->agent);
	auth_path(p, path, sizeof(path));
	if (!pb_path_exists(path)) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd < 0 || write(fd, "{}\n", 3) != 3)
			return pb_err_set(err, errno, "agent dir: create %s", path);
		close(fd);
	}
	chmod(path, 0600);
	return 0;
}

static json_t *auth_load(const struct agent_paths *p)
{
	char path[PATH_MAX + 16];

	auth_path(p, path, sizeof(path));
	return json_load_file(path, 0, NULL);
}

/* A non-empty JSON object in auth.json: someone logged in. */
bool agent_auth_present(const struct agent_paths *p)
{
	json_t *o = auth_load(p);
	bool yes = json_is_object(o) && json_object_size(o) > 0;

	json_decref(o);
	return yes;
}

/**
 * agent_auth_expired() - OAuth providers whose "expires" (epoch ms) passed
 * Return: how many names were written to @names
 */
int agent_auth_expired(const struct agent_paths *p, char names[][32], int max)
{
	json_t *o = auth_load(p), *v;
	const char *k;
	long long now = (long long)time(NULL) * 1000;
	int n = 0;

	json_object_foreach(o, k, v) {
		json_t *e = json_object_get(v, "expires");

		if (n < max && json_is_integer(e) && json_integer_value(e) < now)
			snprintf(names[n++], 32, "%s", k);
	}
	json_decref(o);
	return n;
}

/* Writes {} over auth.json, atomically. Return: 0, or -errno */
int agent_auth_wipe(const struct agent_paths *p)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 32];
	int fd;

	auth_path(p, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, "{}\n", 3) != 3 || fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		return -EIO;
	}
	close(fd);
	return rename(tmp, path) < 0 ? -errno : 0;
}

static void sessions_dir(const struct agent_paths *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s/sessions", p->state);
}

/* Counts live sessions other than ours; removes markers of dead ones. */
static int sessions_scan(const struct agent_paths *p, bool *stale)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 64];
	struct dirent *e;
	DIR *d;
	int live = 0;

	sessions_dir(p, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		long pid = strtol(e->d_name, NULL, 10);

		if (pid <= 0 || pid == getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM) {
			live++;
			continue;
		}
		if (stale)
			*stale = true;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return live;
}

/**
 * agent_session_begin() - leave our marker; @stale says whether a killed
 * session's marker was found (its credentials were never wiped)
 * Return: 0, or -errno
 */
int agent_session_begin(const struct agent_paths *p, bool *stale)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 48];
	int fd;

	*stale = false;
	sessions_dir(p, dir, sizeof(dir));
	if (pb_mkdir_p(dir, 0700) < 0)
		return -errno;
	sessions_scan(p, stale);
	snprintf(path, sizeof(path), "%s/%d", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/**
 * agent_session_end() - remove our marker; wipe auth.json if asked and no
 * other session still runs
 */
void agent_session_end(const struct agent_paths *p, bool wipe)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 48];

	sessions_dir(p, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%d", dir, (int)getpid());
	unlink(path);
	if (wipe && sessions_scan(p, NULL) == 0 && agent_auth_wipe(p) < 0)
		pb_warn("could not wipe %s/auth.json: remove it by hand", p->agent);
}
