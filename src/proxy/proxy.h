/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PROXY_H
#define PIBOX_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "proxy/policy.h"
#include "util/util.h"

struct proxy_opts {
	struct policy policy;
	char dns_server[64];      /* "ADDR:PORT", or "" for resolv.conf */
	char audit_path[512];     /* JSON lines appended here, or "" */
	int audit_fd;             /* already open (root opens it), or -1 */
	char session[20];         /* id written on every audit line */
	char token[128];          /* required in Proxy-Authorization, or "" */
	unsigned max_conns;       /* beyond it: 503 */
	uint16_t tls_ports[8];    /* CONNECT here must be TLS with a matching SNI */
	size_t n_tls_ports;
	unsigned head_timeout_ms; /* a request head must arrive in time */
	unsigned connect_timeout_ms;
	unsigned idle_timeout_ms; /* tunnels and keep-alive connections */
};

/* A port relay: accepted on one side, connected on the other. */
enum relay_kind {
	RELAY_FORWARD, /* box 127.0.0.1:PORT -> host HOST:PORT */
	RELAY_PUBLISH, /* host 127.0.0.1:PORT -> box 127.0.0.1:BOXPORT */
};

struct proxy;

void proxy_opts_init(struct proxy_opts *o);
struct proxy *proxy_new(const struct proxy_opts *o, int epfd,
			struct pb_err *err);
int proxy_listen(struct proxy *p, int fd, bool from_box);
int proxy_add_relay(struct proxy *p, int listen_fd, enum relay_kind kind,
		    const struct sockaddr_storage *target, const char *label);
void proxy_set_box_socket_source(struct proxy *p, int ctl);
void proxy_event(struct proxy *p, uint64_t ref, uint32_t events);
int proxy_timeout_ms(struct proxy *p);
void proxy_tick(struct proxy *p);
int proxy_reload_policy(struct proxy *p, const struct policy *policy);
void proxy_free(struct proxy *p);

#endif
