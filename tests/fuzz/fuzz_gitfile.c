// SPDX-License-Identifier: MIT
/* libFuzzer: the "gitdir: PATH" file of worktrees and submodules. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "git/repo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[PATH_MAX + 16], out[PATH_MAX];

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	git_parse_gitfile(buf, "/tmp", out, sizeof(out));
	return 0;
}
