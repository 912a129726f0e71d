/* SPDX-License-Identifier: MIT */
/*
 * loop.h - what each fd in the supervisor's epoll loop is.
 *
 * As in passt, epoll_data carries a small tagged reference instead of a
 * pointer: the owner (the box relay, the proxy), a kind within that owner,
 * and an id. A stale event for an object that has gone away is recognised by
 * the id's generation bits and dropped.
 */
#ifndef PIBOX_LOOP_H
#define PIBOX_LOOP_H

#include <stdint.h>

enum loop_owner {
	LOOP_OWNER_BOX = 0,
	LOOP_OWNER_PROXY = 1,
};

static inline uint64_t loop_ref(unsigned owner, unsigned kind, uint64_t id)
{
	return (uint64_t)owner << 56 | (uint64_t)(kind & 0xff) << 48 |
	       (id & 0xffffffffffffULL);
}

static inline unsigned loop_ref_owner(uint64_t ref)
{
	return (unsigned)(ref >> 56);
}

static inline unsigned loop_ref_kind(uint64_t ref)
{
	return (unsigned)(ref >> 48) & 0xff;
}

static inline uint64_t loop_ref_id(uint64_t ref)
{
	return ref & 0xffffffffffffULL;
}

#endif
