// SPDX-License-Identifier: MIT
/*
 * proxy.c - the allowlist proxy's event handling: listeners, connections,
 * timers. It runs inside the supervisor's epoll loop (or `pibox proxy`'s).
 *
 * Theory of operation. Every fd is non-blocking and registered with a
 * loop_ref (owner PROXY, a kind, an id). Connections live in a fixed table
 * of max_conns slots; a slot's generation goes into the id so that an event
 * already fetched for a connection that has since closed is dropped. When
 * the table is full, a new client gets "503" and is closed at once: the
 * proxy never stops accepting, never blocks, and one connection's failure
 * is that connection's alone. Timeouts are checked by a scan at most every
 * 100 ms (cheap next to the work of thousands of connections).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "proxy/internal.h"

uint64_t proxy_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Ports whose CONNECT must carry TLS: 443, and any --tls-port. */
bool proxy_is_tls_port(const struct proxy *p, uint16_t port)
{
	for (size_t i = 0; i < p->o.n_tls_ports; i++)
		if (p->o.tls_ports[i] == port)
			return true;
	return false;
}

void proxy_opts_init(struct proxy_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tls_ports[o->n_tls_ports++] = 443;
	o->audit_fd = -1;
	o->max_conns = 1024;
	o->head_timeout_ms = 10000;
	o->connect_timeout_ms = 10000;
	o->idle_timeout_ms = 600000;
}

/* Each tunnel holds two sockets and two pipes: six fds. */
static unsigned fit_max_conns(unsigned want)
{
	struct rlimit rl;
	unsigned fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return want;
	fit = rl.rlim_cur > 128 ? (unsigned)((rl.rlim_cur - 64) / 6) : 8;
	return want < fit ? want : fit;
}

/**
 * proxy_new() - a proxy that registers its fds in @epfd
 * Return: the proxy (free with proxy_free()), or NULL with @err set
 */
struct proxy *proxy_new(const struct proxy_opts *o, int epfd,
			struct pb_err *err)
{
	struct proxy *p = calloc(1, sizeof(*p));

	if (!p) {
		pb_err_set(err, ENOMEM, "proxy");
		return NULL;
	}
	p->o = *o;
	p->epfd = epfd;
	p->ctl = -1;
	p->audit_fd = -1;
	p->o.max_conns = fit_max_conns(o->max_conns ? o->max_conns : 1024);
	p->conns = calloc(p->o.max_conns, sizeof(*p->conns));
	if (!p->conns) {
		pb_err_set(err, ENOMEM, "proxy");
		goto fail;
	}
	if (o->audit_fd >= 0) {
		p->audit_fd = fcntl(o->audit_fd, F_DUPFD_CLOEXEC, 3);
	} else if (o->audit_path[0]) {
		p->audit_fd = open(o->audit_path, O_WRONLY | O_CREAT | O_APPEND |
				   O_CLOEXEC, 0600);
		if (p->audit_fd < 0) {
			pb_err_set(err, errno, "proxy: open the audit log %s",
				   o->audit_path);
			goto fail;
		}
	}
	if (resolve_init(p, err) < 0)
		goto fail;
	return p;
fail:
	proxy_free(p);
	return NULL;
}

static int add_fd(struct proxy *p, int fd, unsigned kind, uint64_t id)
{
	struct epoll_event ev = {
		.events = EPOLLIN, .data.u64 = loop_ref(LOOP_OWNER_PROXY, kind, id),
	};

	return epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/**
 * proxy_listen() - accept proxy clients on the listening socket @fd
 * @from_box:	clients are the box (logged as "box")
 * Return: 0, or -errno
 */
int proxy_listen(struct proxy *p, int fd, bool from_box)
{
	int r;

	if (p->n_listeners == PROXY_MAX_LISTENERS)
		return -E2BIG;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	r = add_fd(p, fd, PK_LISTEN, p->n_listeners);
	if (r < 0)
		return r;
	p->listener_box[p->n_listeners] = from_box;
	p->listeners[p->n_listeners++] = fd;
	return 0;
}

/**
 * proxy_add_relay() - accept on @listen_fd and relay each connection to
 * @target (forward), or to a box socket connected to @target (publish)
 * Return: 0, or -errno
 */
int proxy_add_relay(struct proxy *p, int listen_fd, enum relay_kind kind,
		    const struct sockaddr_storage *target, const char *label)
{
	struct relay_listener *rl;
	int r;

	if (p->n_relays == PROXY_MAX_LISTENERS)
		return -E2BIG;
	fcntl(listen_fd, F_SETFL, O_NONBLOCK);
	r = add_fd(p, listen_fd, PK_LISTEN, PROXY_MAX_LISTENERS + p->n_relays);
	if (r < 0)
		return r;
	rl = &p->relays[p->n_relays++];
	rl->fd = listen_fd;
	rl->kind = kind;
	rl->target = *target;
	snprintf(rl->label, sizeof(rl->label), "%s", label);
	return 0;
}

/* Publish relays need sockets inside the box: init makes them on request. */
void proxy_set_box_socket_source(struct proxy *p, int ctl)
{
	p->ctl = ctl;
	add_fd(p, ctl, PK_CTL, 0);
}

uint64_t conn_ref(const struct conn *c)
{
	return (uint64_t)c->gen << CONN_SLOT_BITS | c->slot;
}

struct conn *proxy_conn_get(struct proxy *p, uint64_t id)
{
	uint32_t slot = (uint32_t)(id & CONN_SLOT_MASK);
	struct conn *c;

	if (slot >= p->o.max_conns)
		return NULL;
	c = p->conns[slot];
	return c && c->gen == (uint32_t)(id >> CONN_SLOT_BITS) ? c : NULL;
}

static void peer_label(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char a[INET6_ADDRSTRLEN];

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(buf, size, "?");
		return;
	}
	host_addr_str(&ss, a, sizeof(a));
	snprintf(buf, size, "%s:%u", a,
		 ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
						 ((struct sockaddr_in6 *)&ss)->sin6_port));
}

static void refuse_full(int fd)
{
	static const char msg[] =
		"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
		"Content-Length: 53\r\nConnection: close\r\n\r\n"
		"pibox: too many connections through the proxy; retry\n";

	if (write(fd, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do: the client goes away either way */
	}
	close(fd);
}

static struct conn *conn_new(struct proxy *p, int cfd)
{
	struct conn *c;
	uint32_t slot;

	for (slot = 0; slot < p->o.max_conns && p->conns[slot]; slot++)
		;
	if (slot == p->o.max_conns)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->p = p;
	c->slot = slot;
	c->gen = ++p->next_gen & ((1u << 27) - 1);
	c->cfd = cfd;
	c->ufd = -1;
	c->relay = -1;
	c->pipe[0][0] = c->pipe[0][1] = c->pipe[1][0] = c->pipe[1][1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	p->conns[slot] = c;
	p->active++;
	return c;
}

static void on_accept(struct proxy *p, uint64_t idx)
{
	bool relay = idx >= PROXY_MAX_LISTENERS;
	int lfd = relay ? p->relays[idx - PROXY_MAX_LISTENERS].fd : p->listeners[idx];

	for (int i = 0; i < 64; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return; /* EAGAIN, or a transient error: next event */
		c = conn_new(p, fd);
		if (!c) {
			refuse_full(fd);
			continue;
		}
		c->from_box = relay ? false : p->listener_box[idx];
		if (c->from_box)
			snprintf(c->client, sizeof(c->client), "box");
		else
			peer_label(fd, c->client, sizeof(c->client));
		if (add_fd(p, fd, PK_CLIENT, conn_ref(c)) < 0) {
			conn_close(c);
			continue;
		}
		c->ev_c = EPOLLIN;
		if (relay) {
			c->relay = (int)(idx - PROXY_MAX_LISTENERS);
			conn_start_relay(c);
		} else {
			c->st = CS_HEAD;
			c->deadline = proxy_now_ms() + p->o.head_timeout_ms;
			/* the request is often there already: save a loop round */
			conn_on_client(c, EPOLLIN);
		}
	}
}

static void on_ctl(struct proxy *p)
{
	int fd = pb_recv_fd(p->ctl);
	struct conn *c;

	if (fd < 0) {
		if (fd != -EAGAIN) {
			epoll_ctl(p->epfd, EPOLL_CTL_DEL, p->ctl, NULL);
			p->ctl = -1;
		}
		return;
	}
	if (p->n_waiting == 0) {
		close(fd);
		return;
	}
	c = proxy_conn_get(p, p->waiting_socket[0]);
	memmove(p->waiting_socket, p->waiting_socket + 1,
		--p->n_waiting * sizeof(p->waiting_socket[0]));
	if (c)
		conn_got_box_socket(c, fd);
	else
		close(fd);
}

/* Dispatches one epoll event whose owner is the proxy. */
void proxy_event(struct proxy *p, uint64_t ref, uint32_t events)
{
	uint64_t id = loop_ref_id(ref);
	struct conn *c;

	switch (loop_ref_kind(ref)) {
	case PK_LISTEN:
		on_accept(p, id);
		break;
	case PK_CLIENT:
		if ((c = proxy_conn_get(p, id)))
			conn_on_client(c, events);
		break;
	case PK_UPSTREAM:
		if ((c = proxy_conn_get(p, id)))
			conn_on_upstream(c, events);
		break;
	case PK_DNS:
		resolve_on_event(p, (int)id, events);
		break;
	case PK_CTL:
		on_ctl(p);
		break;
	}
}

/* Milliseconds until the proxy needs proxy_tick(), or -1. */
int proxy_timeout_ms(struct proxy *p)
{
	int dns = resolve_timeout_ms(p);
	int scan = p->active ? 100 : -1;

	if (dns < 0)
		return scan;
	return scan < 0 || dns < scan ? dns : scan;
}

/* Timers: c-ares retries, and connections past their deadline. */
void proxy_tick(struct proxy *p)
{
	uint64_t now = proxy_now_ms();

	resolve_tick(p);
	if (now < p->next_scan)
		return;
	p->next_scan = now + 100;
	for (uint32_t i = 0; i < p->o.max_conns; i++) {
		struct conn *c = p->conns[i];

		if (!c || !c->deadline || c->deadline > now)
			continue;
		switch (c->st) {
		case CS_HEAD:
			if (c->len)
				conn_refuse(c, 408, "timeout", "the request head did not arrive within %u ms",
					    p->o.head_timeout_ms);
			else
				conn_close(c); /* an idle keep-alive connection */
			break;
		case CS_RESOLVE:
		case CS_CONNECT:
			conn_refuse(c, 504, "timeout", "connecting to %s:%u took longer than %u ms",
				    c->host.name, c->port, p->o.connect_timeout_ms);
			break;
		case CS_HELLO:
			conn_refuse(c, 0, "timeout", "no TLS ClientHello within %u ms",
				    p->o.head_timeout_ms);
			break;
		case CS_FLUSH:
		case CS_DRAIN:
			conn_close(c);
			break;
		default:
			snprintf(c->reason, sizeof(c->reason), "idle for %u ms",
				 p->o.idle_timeout_ms);
			audit_log(c, "timeout");
			conn_close(c);
		}
	}
}

/* SIGHUP in `pibox proxy`: new rules for new requests. */
int proxy_reload_policy(struct proxy *p, const struct policy *policy)
{
	/* rules are referenced by connections mid-decision: finish those */
	for (uint32_t i = 0; i < p->o.max_conns; i++)
		if (p->conns[i])
			p->conns[i]->rule = NULL;
	p->o.policy = *policy;
	return 0;
}

void proxy_free(struct proxy *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; p->conns && i < p->o.max_conns; i++)
		if (p->conns[i])
			conn_close(p->conns[i]);
	resolve_free(p);
	for (size_t i = 0; i < p->n_listeners; i++)
		close(p->listeners[i]);
	for (size_t i = 0; i < p->n_relays; i++)
		close(p->relays[i].fd);
	if (p->audit_fd >= 0)
		close(p->audit_fd);
	free(p->conns);
	free(p);
}
