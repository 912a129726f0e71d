// SPDX-License-Identifier: MIT
/*
 * resolve.c - the proxy resolves names itself, with c-ares, inside the
 * event loop: no thread, no blocking getaddrinfo, and the proxy sees every
 * address before it connects. Answers are cached for their TTL (at least
 * 1 s, at most 5 min). Only names that a rule allowed are ever resolved, so
 * denied names leak nothing to DNS.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "proxy/internal.h"

struct resolve_req {
	struct proxy *p;
	uint64_t ref;
	char name[HOST_MAX + 1];
};

static void sock_state_cb(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct proxy *p = data;
	struct epoll_event ev = {
		.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0),
		.data.u64 = loop_ref(LOOP_OWNER_PROXY, PK_DNS, (uint64_t)fd),
	};

	if (!readable && !writable) {
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, &ev);
		return;
	}
	if (epoll_ctl(p->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/**
 * resolve_init() - the c-ares channel, on resolv.conf or --dns-server
 * Return: 0, or -errno
 */
int resolve_init(struct proxy *p, struct pb_err *err)
{
	struct ares_options opts = {
		.sock_state_cb = sock_state_cb,
		.sock_state_cb_data = p,
		.timeout = 2000,
		.tries = 2,
	};
	int r;

	r = ares_library_init(ARES_LIB_INIT_ALL);
	if (r == ARES_SUCCESS)
		r = ares_init_options(&p->dns, &opts,
				      ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS |
					      ARES_OPT_TRIES);
	if (r != ARES_SUCCESS)
		return pb_err_set(err, EIO, "proxy: DNS resolver: %s", ares_strerror(r));
	p->dns_ok = true;
	if (p->o.dns_server[0]) {
		r = ares_set_servers_ports_csv(p->dns, p->o.dns_server);
		if (r != ARES_SUCCESS)
			return pb_err_usage(err, "--dns-server %s: %s", p->o.dns_server,
					    ares_strerror(r));
	}
	return 0;
}

void resolve_free(struct proxy *p)
{
	if (p->dns_ok)
		ares_destroy(p->dns);
	p->dns_ok = false;
}

static struct dns_entry *cache_find(struct proxy *p, const char *name)
{
	uint64_t now = proxy_now_ms();

	for (int i = 0; i < DNS_CACHE; i++)
		if (p->cache[i].n && p->cache[i].expires > now &&
		    strcmp(p->cache[i].name, name) == 0)
			return &p->cache[i];
	return NULL;
}

static void cache_put(struct proxy *p, const char *name,
		      const struct sockaddr_storage *a, int n, int ttl)
{
	struct dns_entry *slot = &p->cache[0];

	for (int i = 0; i < DNS_CACHE; i++) {
		if (!p->cache[i].n || strcmp(p->cache[i].name, name) == 0) {
			slot = &p->cache[i];
			break;
		}
		if (p->cache[i].expires < slot->expires)
			slot = &p->cache[i];
	}
	if (ttl < 1)
		ttl = 1;
	if (ttl > 300)
		ttl = 300;
	snprintf(slot->name, sizeof(slot->name), "%s", name);
	memcpy(slot->addrs, a, (size_t)n * sizeof(*a));
	slot->n = n;
	slot->expires = proxy_now_ms() + (uint64_t)ttl * 1000;
}

static void on_addrinfo(void *arg, int status, int timeouts,
			struct ares_addrinfo *res)
{
	struct resolve_req *req = arg;
	struct sockaddr_storage addrs[PROXY_MAX_ADDRS];
	struct conn *c;
	int n = 0, ttl = 300;

	(void)timeouts;
	if (status == ARES_SUCCESS && res) {
		for (struct ares_addrinfo_node *a = res->nodes; a && n < PROXY_MAX_ADDRS;
		     a = a->ai_next) {
			if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
				continue;
			memset(&addrs[n], 0, sizeof(addrs[n]));
			memcpy(&addrs[n], a->ai_addr, a->ai_addrlen);
			if (a->ai_ttl < ttl)
				ttl = a->ai_ttl;
			n++;
		}
		if (n)
			cache_put(req->p, req->name, addrs, n, ttl);
	}
	if (res)
		ares_freeaddrinfo(res);
	if (status != ARES_EDESTRUCTION && (c = proxy_conn_get(req->p, req->ref)) &&
	    c->st == CS_RESOLVE)
		conn_resolved(c, addrs, n, n ? NULL : ares_strerror(status ? status : ARES_ENODATA));
	free(req);
}

/* Resolves c->host (a name that a rule allowed); ends in conn_resolved(). */
void resolve_start(struct conn *c)
{
	struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC };
	struct dns_entry *e = cache_find(c->p, c->host.name);
	struct resolve_req *req;

	if (e) {
		conn_resolved(c, e->addrs, e->n, NULL);
		return;
	}
	req = calloc(1, sizeof(*req));
	if (!req) {
		conn_refuse(c, 502, "error", "out of memory");
		return;
	}
	req->p = c->p;
	req->ref = conn_ref(c);
	snprintf(req->name, sizeof(req->name), "%s", c->host.name);
	ares_getaddrinfo(c->p->dns, c->host.name, NULL, &hints, on_addrinfo, req);
}

void resolve_on_event(struct proxy *p, int fd, uint32_t events)
{
	ares_process_fd(p->dns, (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD,
			(events & EPOLLOUT) ? fd : ARES_SOCKET_BAD);
}

int resolve_timeout_ms(struct proxy *p)
{
	struct timeval tv, *t;

	if (!p->dns_ok)
		return -1;
	t = ares_timeout(p->dns, NULL, &tv);
	if (!t)
		return -1;
	return (int)(t->tv_sec * 1000 + t->tv_usec / 1000) + 1;
}

void resolve_tick(struct proxy *p)
{
	if (p->dns_ok)
		ares_process_fd(p->dns, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}
