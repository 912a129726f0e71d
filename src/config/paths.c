// SPDX-License-Identifier: MIT
/* paths.c - where pibox keeps its files (XDG base directories). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "config/paths.h"
#include "util/util.h"

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0] == '/')
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

static int xdg(const char *var, const char *fallback, const char *leaf,
	       char *buf, size_t size)
{
	const char *v = getenv(var);
	int n;

	if (v && v[0] == '/')
		n = snprintf(buf, size, "%s/pibox%s", v, leaf);
	else
		n = snprintf(buf, size, "%s/%s/pibox%s", home_dir(), fallback, leaf);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* $XDG_STATE_HOME/pibox, created. Return: 0, or -errno */
int paths_state_dir(char *buf, size_t size)
{
	int r = xdg("XDG_STATE_HOME", ".local/state", "", buf, size);

	return r < 0 ? r : pb_mkdir_p(buf, 0700);
}

int paths_audit_log(char *buf, size_t size)
{
	int r = paths_state_dir(buf, size);
	size_t n = strlen(buf);

	if (r < 0)
		return r;
	return snprintf(buf + n, size - n, "/audit.log") >= (int)(size - n) ?
		       -ENAMETOOLONG : 0;
}

int paths_config_file(char *buf, size_t size)
{
	return xdg("XDG_CONFIG_HOME", ".config", "/config.ini", buf, size);
}

/* 16 hex digits, random: names one session in the audit log. */
void paths_session_id(char *buf, size_t size)
{
	unsigned char r[8] = { 0 };

	if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
		/* fall back to pid and time: unique enough for a log */
		unsigned long v = (unsigned long)getpid() ^ (unsigned long)time(NULL);
		memcpy(r, &v, sizeof(v) < sizeof(r) ? sizeof(v) : sizeof(r));
	}
	snprintf(buf, size, "%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
		 r[3], r[4], r[5], r[6], r[7]);
}
