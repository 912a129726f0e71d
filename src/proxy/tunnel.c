// SPDX-License-Identifier: MIT
/*
 * tunnel.c - bytes both ways between client and upstream, with splice(2).
 *
 * Each direction has a pipe: socket -> pipe -> socket, so the payload never
 * enters user memory and a tunnel costs its two pipes' kernel pages, not
 * ours. Interest follows back-pressure: a source is read only while its
 * pipe has room, a destination is watched for EPOLLOUT only while its pipe
 * holds bytes. A direction that reached EOF and drained shuts the other
 * side's write half; when both have, the tunnel is done and logged.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "proxy/internal.h"

#define PIPE_CAP 65536

/**
 * tunnel_start() - switch @c to tunnelling; bytes already read from the
 * client (a ClientHello, say) go first
 * Return: 0, or -errno
 */
int tunnel_start(struct conn *c)
{
	for (int d = 0; d < 2; d++)
		if (pipe2(c->pipe[d], O_NONBLOCK | O_CLOEXEC) < 0)
			return -errno;
	if (c->len) {
		if (write(c->pipe[0][1], c->buf, c->len) != (ssize_t)c->len)
			return -EIO;
		c->fill[0] = c->len;
		c->up_bytes += c->len;
	}
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->st = CS_TUNNEL;
	tunnel_pump(c);
	return 0;
}

uint32_t tunnel_events(const struct conn *c, bool client)
{
	int in = client ? 0 : 1, out = client ? 1 : 0;
	uint32_t ev = 0;

	if (!c->eof[in] && c->fill[in] < PIPE_CAP)
		ev |= EPOLLIN;
	if (c->fill[out])
		ev |= EPOLLOUT;
	return ev;
}

/* Moves what it can in direction @d. Return: 0, or -errno to close. */
static int pump_one(struct conn *c, int d)
{
	int src = d == 0 ? c->cfd : c->ufd, dst = d == 0 ? c->ufd : c->cfd;

	for (;;) {
		bool progress = false;
		ssize_t n;

		if (!c->eof[d] && c->fill[d] < PIPE_CAP) {
			n = splice(src, NULL, c->pipe[d][1], NULL, PIPE_CAP - c->fill[d],
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				c->fill[d] += (size_t)n;
				*(d == 0 ? &c->up_bytes : &c->down_bytes) += (uint64_t)n;
				progress = true;
			} else if (n == 0) {
				c->eof[d] = true;
			} else if (errno != EAGAIN) {
				return -errno;
			}
		}
		if (c->fill[d]) {
			n = splice(c->pipe[d][0], NULL, dst, NULL, c->fill[d],
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				c->fill[d] -= (size_t)n;
				progress = true;
			} else if (n < 0 && errno != EAGAIN) {
				return -errno;
			}
		}
		if (!progress)
			break;
	}
	if (c->eof[d] && !c->fill[d] && !c->shut[d]) {
		shutdown(dst, SHUT_WR);
		c->shut[d] = true;
	}
	return 0;
}

void tunnel_pump(struct conn *c)
{
	int r = pump_one(c, 0);

	if (r == 0)
		r = pump_one(c, 1);
	if (r < 0 || (c->shut[0] && c->shut[1])) {
		if (r < 0)
			snprintf(c->reason, sizeof(c->reason), "%s", strerror(-r));
		audit_log(c, r < 0 && c->up_bytes == 0 && c->down_bytes == 0 ? "error" : "allow");
		conn_close(c);
		return;
	}
	c->deadline = proxy_now_ms() + c->p->o.idle_timeout_ms;
	conn_update_events(c);
}
