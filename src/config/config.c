// SPDX-License-Identifier: MIT
/*
 * config.c - INI files (inih) fed, line by line, into the same option
 * table as the command line: `[limits] memory = 2g` is `--memory 2g`.
 */
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

struct load_ctx {
	const char *path;
	config_apply_fn apply;
	void *ctx;
	struct pb_err *err;
	struct pb_err sub;
	int failed;
};

/* inih reports the line of the first handler that returned 0. */
static int on_line(void *user, const char *section, const char *key,
		   const char *value)
{
	struct load_ctx *l = user;

	if (l->failed)
		return 0;
	if (l->apply(l->ctx, section, key, value, &l->sub) < 0) {
		l->failed = 1;
		return 0;
	}
	return 1;
}

/**
 * config_load() - read @path and apply each line
 * @must_exist:	a missing file is an error (--config), or nothing (defaults)
 * Return: 0, or -errno with @err naming the file and line
 */
int config_load(const char *path, bool must_exist, config_apply_fn apply,
		void *ctx, struct pb_err *err)
{
	struct load_ctx l = { .path = path, .apply = apply, .ctx = ctx, .err = err };
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return pb_err_set(err, errno, "config %s", path);
	}
	r = ini_parse_file(f, on_line, &l);
	fclose(f);
	if (l.failed)
		return pb_err_usage(err, "%s:%d: %s", path, r, l.sub.msg);
	if (r > 0)
		return pb_err_usage(err, "%s:%d: not an INI line (expected '[section]' or 'key = value')",
				    path, r);
	if (r < 0)
		return pb_err_set(err, EIO, "config %s", path);
	return 0;
}
