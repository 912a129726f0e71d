/* SPDX-License-Identifier: MIT */
/* internal.h - the proxy's state, shared by its files; not an API. */
#ifndef PIBOX_PROXY_INTERNAL_H
#define PIBOX_PROXY_INTERNAL_H

#include <ares.h>
#include <sys/socket.h>
#include <time.h>

#include "proxy/http.h"
#include "proxy/proxy.h"
#include "util/loop.h"

#define PROXY_MAX_LISTENERS 64
#define PROXY_MAX_ADDRS 8
#define CONN_SLOT_BITS 20
#define CONN_SLOT_MASK ((1u << CONN_SLOT_BITS) - 1)

enum proxy_kind {
	PK_LISTEN = 1,  /* id: listener index */
	PK_CLIENT,      /* id: conn ref */
	PK_UPSTREAM,    /* id: conn ref */
	PK_DNS,         /* id: fd */
	PK_CTL,         /* the box's control socket (publish sockets) */
};

enum conn_state {
	CS_HEAD,        /* reading a request head from the client */
	CS_RESOLVE,     /* waiting for c-ares */
	CS_CONNECT,     /* non-blocking connect to upstream in progress */
	CS_HELLO,       /* CONNECT :443 - reading the ClientHello */
	CS_TUNNEL,      /* bytes both ways with splice */
	CS_FORWARD,     /* a forward request: body up, response down */
	CS_FLUSH,       /* writing a last answer, then closing */
	CS_DRAIN,       /* answer sent: read and drop until EOF, then close */
	CS_WAIT_SOCKET, /* publish: waiting for a box socket from init */
};

/* Bytes waiting to be written to one fd. */
struct outq {
	char *data;
	size_t len, off, cap;
};

struct conn {
	struct proxy *p;
	uint32_t slot, gen;
	int cfd, ufd;
	enum conn_state st;
	bool from_box;
	int relay;               /* -1, or the index of the relay listener */
	char client[48];         /* "box", or the peer's address */

	/* the request being decided */
	char method[16];
	struct host host;
	uint16_t port;
	const struct policy_rule *rule;
	const struct policy_pin *pin;
	struct sockaddr_storage addrs[PROXY_MAX_ADDRS];
	int n_addrs, addr_idx;
	struct sockaddr_storage addr; /* connected to */
	bool connected;
	bool hello_ok;           /* 200 sent, ClientHello checked */
	char reason[160];

	/* client-side head buffer; freed while tunnelling */
	char *buf;
	size_t len;

	/* forward requests */
	bool head_req, client_close, upstream_close;
	struct body req_body, resp_body;
	bool resp_head_done;
	char *ubuf;
	size_t ulen;
	char up_key[HOST_MAX + 8]; /* host:port of the kept upstream */
	struct outq to_up, to_client;

	/* tunnels: pipe per direction (0: client->upstream, 1: back) */
	int pipe[2][2];
	size_t fill[2];
	bool eof[2], shut[2];

	uint32_t ev_c, ev_u;     /* interest currently registered */
	uint64_t up_bytes, down_bytes;
	struct timespec start;
	uint64_t deadline;       /* ms, monotonic; 0 none */
};

struct relay_listener {
	int fd;
	enum relay_kind kind;
	struct sockaddr_storage target;
	char label[64];
};

struct dns_entry {
	char name[HOST_MAX + 1];
	struct sockaddr_storage addrs[PROXY_MAX_ADDRS];
	int n;
	uint64_t expires;
};

#define DNS_CACHE 128

struct proxy {
	struct proxy_opts o;
	int epfd;
	int listeners[PROXY_MAX_LISTENERS];
	bool listener_box[PROXY_MAX_LISTENERS];
	size_t n_listeners;
	struct relay_listener relays[PROXY_MAX_LISTENERS];
	size_t n_relays;
	int ctl;                 /* box control socket, for publish; -1 */
	uint32_t waiting_socket[256]; /* conn refs queued for a box socket */
	size_t n_waiting;

	struct conn **conns;     /* max_conns slots */
	uint32_t next_gen;
	unsigned active;
	uint64_t next_scan;

	ares_channel dns;
	bool dns_ok;
	struct dns_entry cache[DNS_CACHE];
	int audit_fd;
};

uint64_t proxy_now_ms(void);
bool proxy_is_tls_port(const struct proxy *p, uint16_t port);
struct conn *proxy_conn_get(struct proxy *p, uint64_t id);
uint64_t conn_ref(const struct conn *c);
void conn_close(struct conn *c);
void conn_update_events(struct conn *c);
void conn_on_client(struct conn *c, uint32_t events);
void conn_on_upstream(struct conn *c, uint32_t events);
void conn_start_relay(struct conn *c);
void conn_got_box_socket(struct conn *c, int fd);
void conn_resolved(struct conn *c, const struct sockaddr_storage *addrs,
		   int n, const char *error);
void conn_refuse(struct conn *c, int status, const char *verdict,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

int tunnel_start(struct conn *c);
void tunnel_pump(struct conn *c);
uint32_t tunnel_events(const struct conn *c, bool client);

int resolve_init(struct proxy *p, struct pb_err *err);
void resolve_start(struct conn *c);
void resolve_free(struct proxy *p);
void resolve_on_event(struct proxy *p, int fd, uint32_t events);
int resolve_timeout_ms(struct proxy *p);
void resolve_tick(struct proxy *p);

void audit_log(struct conn *c, const char *verdict);

#endif
