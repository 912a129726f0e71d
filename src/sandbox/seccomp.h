/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_SECCOMP_H
#define PIBOX_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum seccomp_rule_kind {
	SECCOMP_DENY,          /* always EPERM */
	SECCOMP_DENY_FLAGS,    /* EPERM when (arg & value) != 0, per bit */
	SECCOMP_DENY_ARG_EQ,   /* EPERM when (arg & 0xffffffff) == value */
	SECCOMP_ENOSYS,        /* ENOSYS: make libc fall back (clone3) */
};

struct seccomp_rule {
	const char *name;
	enum seccomp_rule_kind kind;
	unsigned int arg;
	uint64_t value;
};

extern const struct seccomp_rule seccomp_rules[];
extern const size_t seccomp_n_rules;

#define SECCOMP_PROG_MAX 65536 /* bytes of BPF; ours is about 1 KiB */

int seccomp_build(void *buf, size_t size);
int seccomp_load_prog(const void *bpf, size_t len);
int seccomp_apply(void);

#endif
