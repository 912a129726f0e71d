/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_CONFIG_H
#define PIBOX_CONFIG_H

#include "util/util.h"

/* Called for each "key = value" line; the key is as written. */
typedef int (*config_apply_fn)(void *ctx, const char *section,
			       const char *key, const char *value,
			       struct pb_err *err);

int config_load(const char *path, bool must_exist, config_apply_fn apply,
		void *ctx, struct pb_err *err);

#endif
