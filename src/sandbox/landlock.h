/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_LANDLOCK_H
#define PIBOX_LANDLOCK_H

#include <stddef.h>
#include <stdint.h>

int landlock_abi(void);
uint64_t landlock_fs_write_access(int abi);
int landlock_apply(const char *const *writable, size_t n, int *abi_out);

#endif
