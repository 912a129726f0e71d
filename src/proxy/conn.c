// SPDX-License-Identifier: MIT
/*
 * conn.c - one client connection through the proxy, as a state machine.
 *
 * Theory of operation. A client sends a request head (CS_HEAD). CONNECT
 * host:port and absolute-URI forward requests are both checked the same
 * way: canonical host, allowlist rule, then the address. Names are resolved
 * by the proxy itself (CS_RESOLVE); special addresses (loopback, private,
 * link-local, ...) are dropped unless the rule names an address or
 * "localhost", or the user pinned the name with --resolve; the proxy then
 * connects to exactly an address it checked (CS_CONNECT), never to a name.
 * A CONNECT becomes a tunnel (tunnel.c) - for port 443 only after the
 * ClientHello's server name matched the CONNECT host (CS_HELLO). A forward
 * request is rewritten to origin form, hop-by-hop and Proxy-* headers
 * dropped, and its body and the response relayed with their framing
 * tracked (CS_FORWARD), so that on a kept-alive connection every request
 * is decided on its own. Refusals are answered in HTTP (403 naming the
 * rule that would allow it; 502/504 naming the cause) and logged.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <fcntl.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "proxy/addr.h"
#include "proxy/internal.h"
#include "proxy/tls.h"

#define CONN_BUF (HTTP_HEAD_MAX + 512)

static void conn_handle_head(struct conn *c);
static void check_hello(struct conn *c);
static void on_connected(struct conn *c);
static void conn_flush_last(struct conn *c);

static const char connect_ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
static void forward_pump(struct conn *c);
static bool reuse_upstream(struct conn *c);

/* ---- queues ---------------------------------------------------------- */

/* Appends; the buffer grows by doubling, so a head costs few reallocs. */
static int outq_push(struct outq *q, const char *data, size_t n)
{
	if (!n)
		return 0;
	if (q->off == q->len)
		q->off = q->len = 0;
	if (q->len + n > q->cap) {
		size_t cap = q->cap ? q->cap : 1024;
		char *d;

		while (cap < q->len + n)
			cap *= 2;
		d = realloc(q->data, cap);
		if (!d)
			return -ENOMEM;
		q->data = d;
		q->cap = cap;
	}
	memcpy(q->data + q->len, data, n);
	q->len += n;
	return 0;
}

/* Return: 0 when empty, -EAGAIN when bytes remain, or -errno */
static int outq_flush(int fd, struct outq *q)
{
	while (q->off < q->len) {
		ssize_t n = send(fd, q->data + q->off, q->len - q->off, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN ? -EAGAIN : -errno;
		q->off += (size_t)n;
	}
	/* drained: keep a small buffer for the next message, drop a big one */
	q->off = q->len = 0;
	if (q->cap > 65536) {
		free(q->data);
		*q = (struct outq){ 0 };
	}
	return 0;
}

static bool outq_empty(const struct outq *q)
{
	return q->off == q->len;
}

/* ---- lifetime and interest ---------------------------------------------- */

void conn_close(struct conn *c)
{
	struct proxy *p = c->p;

	if (c->cfd >= 0)
		close(c->cfd);
	if (c->ufd >= 0)
		close(c->ufd);
	for (int d = 0; d < 2; d++)
		for (int e = 0; e < 2; e++)
			if (c->pipe[d][e] >= 0)
				close(c->pipe[d][e]);
	free(c->buf);
	free(c->ubuf);
	free(c->to_up.data);
	free(c->to_client.data);
	p->conns[c->slot] = NULL;
	p->active--;
	free(c);
}

static void set_events(struct conn *c, int fd, uint32_t *cur, uint32_t want,
		       unsigned kind)
{
	struct epoll_event ev = {
		.events = want, .data.u64 = loop_ref(LOOP_OWNER_PROXY, kind, conn_ref(c)),
	};

	if (fd < 0 || *cur == want)
		return;
	epoll_ctl(c->p->epfd, EPOLL_CTL_MOD, fd, &ev);
	*cur = want;
}

void conn_update_events(struct conn *c)
{
	uint32_t ec = 0, eu = 0;

	switch (c->st) {
	case CS_HEAD:
	case CS_HELLO:
		ec = EPOLLIN;
		break;
	case CS_CONNECT:
		eu = EPOLLOUT;
		break;
	case CS_TUNNEL:
		ec = tunnel_events(c, true);
		eu = tunnel_events(c, false);
		break;
	case CS_FORWARD:
		if (!outq_empty(&c->to_client))
			ec |= EPOLLOUT;
		else if (!c->req_body.done && outq_empty(&c->to_up))
			ec |= EPOLLIN;
		if (!outq_empty(&c->to_up))
			eu |= EPOLLOUT;
		if (!c->resp_body.done && outq_empty(&c->to_client))
			eu |= EPOLLIN;
		break;
	case CS_FLUSH:
		ec = EPOLLOUT;
		break;
	case CS_DRAIN:
		ec = EPOLLIN;
		break;
	case CS_RESOLVE:
	case CS_WAIT_SOCKET:
		break;
	}
	set_events(c, c->cfd, &c->ev_c, ec, PK_CLIENT);
	set_events(c, c->ufd, &c->ev_u, eu, PK_UPSTREAM);
}

/* ---- answers ---------------------------------------------------------- */

static const char *status_text(int status)
{
	switch (status) {
	case 200: return "Connection established";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 504: return "Gateway Timeout";
	default: return "Error";
	}
}

/**
 * conn_refuse() - log the refusal and answer it (status 0: just close)
 */
void conn_refuse(struct conn *c, int status, const char *verdict,
		 const char *fmt, ...)
{
	char head[512], body[512];
	va_list ap;
	int hl, bl;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	/* reasons quote client bytes (an SNI, a URI): keep them printable */
	for (char *q = c->reason; *q; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
			*q = '?';
	audit_log(c, verdict);
	if (status == 0 || c->st == CS_TUNNEL || c->st == CS_HELLO) {
		conn_close(c);
		return;
	}
	bl = snprintf(body, sizeof(body), "pibox: %s\n", c->reason);
	if (bl >= (int)sizeof(body))
		bl = (int)sizeof(body) - 1;
	hl = snprintf(head, sizeof(head),
		      "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
		      "Content-Length: %d\r\nConnection: close\r\n%s\r\n",
		      status, status_text(status), bl,
		      status == 407 ? "Proxy-Authenticate: Basic realm=\"pibox\"\r\n" : "");
	c->to_client.off = c->to_client.len = 0;
	if (outq_push(&c->to_client, head, (size_t)hl) < 0 ||
	    outq_push(&c->to_client, body, (size_t)bl) < 0) {
		conn_close(c);
		return;
	}
	if (c->ufd >= 0) {
		close(c->ufd);
		c->ufd = -1;
	}
	c->st = CS_FLUSH;
	c->deadline = proxy_now_ms() + 5000;
	conn_update_events(c);
	conn_flush_last(c);
}

/*
 * Closing a socket with unread input makes the kernel send RST, which can
 * destroy the answer before the client reads it (a 431 for a huge head,
 * say). So: send, shut the write side, drop what still arrives until the
 * client closes or two seconds pass, then close.
 */
static void conn_flush_last(struct conn *c)
{
	int r = outq_flush(c->cfd, &c->to_client);

	if (r == -EAGAIN)
		return;
	if (r < 0 || shutdown(c->cfd, SHUT_WR) < 0) {
		conn_close(c);
		return;
	}
	c->st = CS_DRAIN;
	c->deadline = proxy_now_ms() + 2000;
	conn_update_events(c);
	conn_on_client(c, EPOLLIN);
}

/* ---- connecting ------------------------------------------------------- */

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
					  sizeof(struct sockaddr_in6);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static int upstream_add(struct conn *c, uint32_t events)
{
	struct epoll_event ev = {
		.events = events,
		.data.u64 = loop_ref(LOOP_OWNER_PROXY, PK_UPSTREAM, conn_ref(c)),
	};

	if (epoll_ctl(c->p->epfd, EPOLL_CTL_ADD, c->ufd, &ev) < 0)
		return -errno;
	c->ev_u = events;
	return 0;
}

/* Connects to the next checked address; 502 when none is left. */
static void connect_next(struct conn *c)
{
	int last = 0;

	while (c->addr_idx < c->n_addrs) {
		struct sockaddr_storage *a = &c->addrs[c->addr_idx++];

		set_port(a, c->port);
		c->ufd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->ufd < 0) {
			last = errno;
			continue;
		}
		if (connect(c->ufd, (struct sockaddr *)a, ss_len(a)) == 0 ||
		    errno == EINPROGRESS) {
			struct pollfd pfd = { .fd = c->ufd, .events = POLLOUT };

			c->addr = *a;
			c->st = CS_CONNECT;
			c->deadline = proxy_now_ms() + c->p->o.connect_timeout_ms;
			if (upstream_add(c, EPOLLOUT) < 0)
				goto next;
			/* loopback and LAN connects are often done already */
			if (poll(&pfd, 1, 0) == 1)
				on_connected(c);
			return;
		}
next:
		last = errno;
		close(c->ufd);
		c->ufd = -1;
	}
	conn_refuse(c, c->relay >= 0 || c->hello_ok ? 0 : 502, "error",
		    "cannot connect to %s:%u: %s", c->host.name, c->port,
		    strerror(last ? last : ECONNREFUSED));
}

/* Which resolved addresses the proxy may connect to. */
void conn_resolved(struct conn *c, const struct sockaddr_storage *addrs,
		   int n, const char *error)
{
	const char *special = NULL;
	bool may_special = c->pin || (c->rule && policy_rule_allows_special(c->rule));

	if (error) {
		conn_refuse(c, c->hello_ok ? 0 : 502, "error", "cannot resolve %s: %s",
			    c->host.name, error);
		return;
	}
	c->n_addrs = c->addr_idx = 0;
	for (int i = 0; i < n && c->n_addrs < PROXY_MAX_ADDRS; i++) {
		const char *why = addr_special(&addrs[i]);

		if (why && !may_special) {
			special = why;
			continue;
		}
		c->addrs[c->n_addrs++] = addrs[i];
	}
	if (c->n_addrs == 0) {
		char a[INET6_ADDRSTRLEN] = "";

		if (n > 0)
			host_addr_str(&addrs[0], a, sizeof(a));
		conn_refuse(c, c->hello_ok ? 0 : 403, "deny",
			    "%s resolves to %s, a %s address; a name is never allowed to reach one (pin it with --resolve %s:%s if you mean it)",
			    c->host.name, a, special ? special : "special", c->host.name, a);
		return;
	}
	connect_next(c);
}

/* ---- deciding a request ---------------------------------------------- */

static bool token_ok(const struct conn *c, const struct http_msg *m)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *want = c->p->o.token;
	char dec[256];
	size_t n = 0, bits = 0;
	uint32_t acc = 0;
	const char *colon;
	unsigned diff = 0;

	if (!want[0])
		return true;
	if (!m->proxy_auth.p || m->proxy_auth.n < 7 ||
	    strncasecmp(m->proxy_auth.p, "Basic ", 6) != 0)
		return false;
	for (size_t i = 6; i < m->proxy_auth.n && n < sizeof(dec) - 1; i++) {
		const char *at = memchr(b64, m->proxy_auth.p[i], 64);

		if (!at)
			break;
		acc = acc << 6 | (uint32_t)(at - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dec[n++] = (char)(acc >> bits);
		}
	}
	dec[n] = '\0';
	colon = strchr(dec, ':');
	if (!colon || strlen(colon + 1) != strlen(want))
		return false;
	for (size_t i = 0; want[i]; i++)
		diff |= (unsigned)(colon[1 + i] ^ want[i]);
	return diff == 0;
}

/* Host and port of the request; for forward requests, Host must agree. */
static int request_target(struct conn *c, const struct http_msg *m)
{
	const char *h;
	size_t hl;
	int e;

	if (host_split_port(m->authority.p, m->authority.n, &h, &hl, &c->port) < 0) {
		conn_refuse(c, 400, "deny", "malformed host:port '%.*s'",
			    (int)(m->authority.n > 80 ? 80 : m->authority.n), m->authority.p);
		return -1;
	}
	if (m->is_connect && !c->port) {
		conn_refuse(c, 400, "deny", "CONNECT needs host:port");
		return -1;
	}
	if (!c->port)
		c->port = 80;
	e = host_canonicalize(h, hl, &c->host);
	if (e < 0) {
		conn_refuse(c, 400, "deny", "%s", host_error_str(e));
		return -1;
	}
	if (!m->is_connect && m->host_hdr.p) {
		struct host hh;
		const char *h2;
		size_t hl2;
		uint16_t p2;

		if (host_split_port(m->host_hdr.p, m->host_hdr.n, &h2, &hl2, &p2) < 0 ||
		    host_canonicalize(h2, hl2, &hh) < 0 || strcmp(hh.name, c->host.name) != 0 ||
		    (p2 ? p2 : 80) != c->port) {
			conn_refuse(c, 400, "deny",
				    "the Host header does not name the URI's host (%s:%u)",
				    c->host.name, c->port);
			return -1;
		}
	}
	return 0;
}

/* Copies @m's headers to @q, but the hop-by-hop and Proxy-* ones. */
static int push_end_to_end_headers(struct outq *q, const struct http_msg *m)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < m->n_hdrs; i++) {
		const struct http_header *h = &m->hdrs[i];

		if (http_hop_by_hop(&h->name))
			continue;
		r = outq_push(q, h->name.p, h->name.n);
		r = r ? r : outq_push(q, ": ", 2);
		r = r ? r : outq_push(q, h->value.p, h->value.n);
		r = r ? r : outq_push(q, "\r\n", 2);
	}
	return r;
}

/* The request as the origin server gets it: origin form, no hop-by-hop. */
static int build_upstream_head(struct conn *c, const struct http_msg *m)
{
	char line[64];
	int r;

	r = outq_push(&c->to_up, m->method.p, m->method.n);
	r = r ? r : outq_push(&c->to_up, " ", 1);
	r = r ? r : outq_push(&c->to_up, m->path.p, m->path.n);
	r = r ? r : outq_push(&c->to_up, " HTTP/1.1\r\n", 11);
	r = r ? r : push_end_to_end_headers(&c->to_up, m);
	if (r == 0 && !m->host_hdr.p) {
		snprintf(line, sizeof(line), "Host: %s:%u\r\n", c->host.name, c->port);
		r = outq_push(&c->to_up, line, strlen(line));
	}
	return r ? r : outq_push(&c->to_up, "\r\n", 2);
}

/* Where to connect: the address itself, a pinned one, or DNS. */
static void conn_locate(struct conn *c)
{
	if (c->host.is_addr) {
		/* an address only ever matches a rule naming that address */
		conn_resolved(c, &c->host.addr, 1, NULL);
		return;
	}
	c->pin = policy_find_pin(&c->p->o.policy, &c->host);
	if (c->pin) {
		conn_resolved(c, &c->pin->addr, 1, NULL);
		return;
	}
	c->st = CS_RESOLVE;
	c->deadline = proxy_now_ms() + c->p->o.connect_timeout_ms;
	conn_update_events(c);
	resolve_start(c);
}

static void conn_decide(struct conn *c, const struct http_msg *m)
{
	char allow[HOST_MAX + 16];

	snprintf(c->method, sizeof(c->method), "%.*s", (int)(m->method.n > 15 ? 15 : m->method.n),
		 m->method.p);
	if (!token_ok(c, m)) {
		conn_refuse(c, 407, "deny", "this proxy needs a token in Proxy-Authorization");
		return;
	}
	if (request_target(c, m) < 0)
		return;
	c->rule = policy_match(&c->p->o.policy, &c->host, c->port);
	if (!c->rule) {
		policy_suggest(&c->host, c->port, allow, sizeof(allow));
		conn_refuse(c, 403, "deny",
			    "%s:%u is not on the allowlist; to allow it, pass --allow %s or add 'allow = %s' under [network] in your config",
			    c->host.name, c->port, allow, allow);
		return;
	}
	if (!m->is_connect) {
		c->head_req = m->is_head;
		c->client_close = m->conn_close;
		c->req_body = m->body;
		c->resp_head_done = false;
		c->resp_body = (struct body){ .kind = BODY_UNTIL_CLOSE };
		if (build_upstream_head(c, m) < 0) {
			conn_refuse(c, 502, "error", "out of memory");
			return;
		}
	}
	if (!m->is_connect)
		c->up_bytes += m->head_len;
	memmove(c->buf, c->buf + m->head_len, c->len - m->head_len);
	c->len -= m->head_len;
	if (!m->is_connect && reuse_upstream(c)) {
		c->st = CS_FORWARD;
		forward_pump(c);
		return;
	}
	if (m->is_connect && proxy_is_tls_port(c->p, c->port)) {
		/* read the ClientHello before anything reaches DNS or the host */
		if (send(c->cfd, connect_ok, sizeof(connect_ok) - 1, MSG_NOSIGNAL) < 0) {
			conn_close(c);
			return;
		}
		c->st = CS_HELLO;
		c->deadline = proxy_now_ms() + c->p->o.head_timeout_ms;
		conn_update_events(c);
		if (c->len)
			check_hello(c);
		return;
	}
	conn_locate(c);
}

/* A kept-alive upstream serves the next request when it is the same one. */
static bool reuse_upstream(struct conn *c)
{
	char key[sizeof(c->up_key)];

	snprintf(key, sizeof(key), "%s:%u", c->host.name, c->port);
	if (c->ufd >= 0 && c->connected && strcmp(key, c->up_key) == 0)
		return true;
	if (c->ufd >= 0) {
		close(c->ufd);
		c->ufd = -1;
		c->ev_u = 0;
	}
	snprintf(c->up_key, sizeof(c->up_key), "%s", key);
	return false;
}

static void conn_handle_head(struct conn *c)
{
	struct http_msg m;
	const char *why;
	int r = http_parse_request(c->buf, c->len, &m, &why);

	if (r == HTTP_NEED_MORE)
		return;
	if (r < 0) {
		snprintf(c->method, sizeof(c->method), "-");
		conn_refuse(c, r == HTTP_TOO_BIG ? 431 : r == HTTP_UNSUPPORTED ? 501 : 400,
			    "deny", "%s", why);
		return;
	}
	c->rule = NULL;
	c->pin = NULL;
	c->up_bytes = c->down_bytes = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	conn_decide(c, &m);
}

/* ---- after connect ----------------------------------------------------- */

static void on_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
		epoll_ctl(c->p->epfd, EPOLL_CTL_DEL, c->ufd, NULL);
		close(c->ufd);
		c->ufd = -1;
		errno = err;
		if (c->addr_idx < c->n_addrs) {
			connect_next(c);
			return;
		}
		conn_refuse(c, c->relay >= 0 || c->hello_ok ? 0 : 502, "error",
			    "cannot connect to %s:%u: %s",
			    c->host.name, c->port, strerror(err ? err : EIO));
		return;
	}
	c->connected = true;
	if (c->relay >= 0 || strcmp(c->method, "CONNECT") == 0) {
		/* the TLS ports had their 200 before the ClientHello */
		if (c->relay < 0 && !c->hello_ok &&
		    send(c->cfd, connect_ok, sizeof(connect_ok) - 1, MSG_NOSIGNAL) < 0) {
			conn_close(c);
			return;
		}
		if (tunnel_start(c) < 0)
			conn_close(c);
		return;
	}
	snprintf(c->up_key, sizeof(c->up_key), "%s:%u", c->host.name, c->port);
	c->st = CS_FORWARD;
	c->resp_head_done = false;
	c->deadline = proxy_now_ms() + c->p->o.idle_timeout_ms;
	forward_pump(c);
}

/* CONNECT :443 - the ClientHello must name the CONNECT host. */
static void check_hello(struct conn *c)
{
	char sni[HOST_MAX + 1];
	struct host h;
	int r = tls_client_hello_sni((const uint8_t *)c->buf, c->len, sni, sizeof(sni));

	if (r == TLS_NEED_MORE)
		return;
	if (r == TLS_NOT_TLS) {
		conn_refuse(c, 0, "deny", "port 443 without TLS: the first bytes are not a TLS ClientHello");
		return;
	}
	if (r == TLS_BAD) {
		conn_refuse(c, 0, "deny", "malformed or oversized TLS ClientHello");
		return;
	}
	if (sni[0] && (host_canonicalize(sni, strlen(sni), &h) < 0 ||
		       strcmp(h.name, c->host.name) != 0)) {
		conn_refuse(c, 0, "deny", "TLS server name '%.100s' differs from the CONNECT host %s (domain fronting)",
			    sni, c->host.name);
		return;
	}
	if (!sni[0] && !c->host.is_addr) {
		conn_refuse(c, 0, "deny", "TLS ClientHello without a server name for %s",
			    c->host.name);
		return;
	}
	c->hello_ok = true;
	conn_locate(c);
}

/* ---- forward requests -------------------------------------------------- */

static int read_some(int fd, char **buf, size_t *len)
{
	ssize_t n;

	if (!*buf && !(*buf = malloc(CONN_BUF)))
		return -ENOMEM;
	if (*len >= CONN_BUF)
		return -ENOBUFS;
	n = recv(fd, *buf + *len, CONN_BUF - *len, 0);
	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : -errno;
	*len += (size_t)n;
	return (int)n;
}

/* Moves the body bytes at the front of @buf into @q; leftovers stay. */
static int move_body(struct body *b, char *buf, size_t *len, struct outq *q,
		     uint64_t *count)
{
	long n = body_consume(b, buf, *len);

	if (n < 0)
		return -EBADMSG;
	if (outq_push(q, buf, (size_t)n) < 0)
		return -ENOMEM;
	*count += (uint64_t)n;
	memmove(buf, buf + n, *len - (size_t)n);
	*len -= (size_t)n;
	return 0;
}

static int build_client_head(struct conn *c, const struct http_msg *m)
{
	const char *eol = memchr(c->ubuf, '\r', m->head_len);
	int r;

	r = outq_push(&c->to_client, c->ubuf, (size_t)(eol - c->ubuf) + 2);
	r = r ? r : push_end_to_end_headers(&c->to_client, m);
	if (r == 0 && (c->client_close || m->body.kind == BODY_UNTIL_CLOSE))
		r = outq_push(&c->to_client, "Connection: close\r\n", 19);
	return r ? r : outq_push(&c->to_client, "\r\n", 2);
}

/* Reads what the upstream sent; parses the head, then frames the body. */
static int forward_down(struct conn *c)
{
	struct http_msg m;
	const char *why;
	int n = read_some(c->ufd, &c->ubuf, &c->ulen);

	if (n == -EAGAIN)
		return 0;
	if (n < 0)
		return n;
	if (n == 0) {
		if (c->resp_head_done && c->resp_body.kind == BODY_UNTIL_CLOSE) {
			c->resp_body.done = true;
			c->upstream_close = true;
			return 0;
		}
		return -ECONNRESET;
	}
	while (!c->resp_head_done) {
		int r = http_parse_response(c->ubuf, c->ulen, c->head_req, &m, &why);

		if (r == HTTP_NEED_MORE)
			return 0;
		if (r < 0)
			return -EPROTO;
		if (build_client_head(c, &m) < 0)
			return -ENOMEM;
		c->down_bytes += m.head_len;
		memmove(c->ubuf, c->ubuf + m.head_len, c->ulen - m.head_len);
		c->ulen -= m.head_len;
		if (m.status >= 100 && m.status < 200)
			continue; /* 100 Continue: the real answer follows */
		c->resp_head_done = true;
		c->resp_body = m.body;
		c->upstream_close = m.conn_close || m.body.kind == BODY_UNTIL_CLOSE;
	}
	return move_body(&c->resp_body, c->ubuf, &c->ulen, &c->to_client,
			 &c->down_bytes);
}

static int forward_up(struct conn *c)
{
	int n;

	if (c->len == 0) {
		n = read_some(c->cfd, &c->buf, &c->len);
		if (n == -EAGAIN)
			return 0;
		if (n <= 0)
			return n == 0 ? -ECONNRESET : n;
	}
	return move_body(&c->req_body, c->buf, &c->len, &c->to_up, &c->up_bytes);
}

/* One exchange is over: log it, then keep the connection or close it. */
static void forward_done(struct conn *c)
{
	audit_log(c, "allow");
	if (c->client_close || c->upstream_close) {
		conn_close(c);
		return;
	}
	c->st = CS_HEAD;
	c->deadline = proxy_now_ms() + c->p->o.idle_timeout_ms;
	c->ulen = 0; /* the buffer stays for the next exchange */
	conn_update_events(c);
	if (c->len)
		conn_handle_head(c); /* a pipelined request */
}

static void forward_pump(struct conn *c)
{
	int r = 0;

	for (int round = 0; round < 16 && r == 0; round++) {
		bool progress = false;

		if (!outq_empty(&c->to_up)) {
			r = outq_flush(c->ufd, &c->to_up);
			progress = r == 0;
		} else if (!c->req_body.done) {
			size_t before = c->len;

			r = forward_up(c);
			progress = r == 0 && (!outq_empty(&c->to_up) || c->len != before);
		}
		if (r == -EAGAIN)
			r = 0;
		if (r < 0)
			break;
		if (!outq_empty(&c->to_client)) {
			r = outq_flush(c->cfd, &c->to_client);
			progress |= r == 0;
		} else if (!c->resp_body.done) {
			size_t before = c->ulen;

			r = forward_down(c);
			progress |= r == 0 && (!outq_empty(&c->to_client) || c->ulen != before);
		}
		if (r == -EAGAIN)
			r = 0;
		if (!progress)
			break;
	}
	if (r < 0) {
		if (!c->resp_head_done)
			conn_refuse(c, 502, "error", "upstream %s:%u: %s", c->host.name,
				    c->port, strerror(-r));
		else {
			snprintf(c->reason, sizeof(c->reason), "%s", strerror(-r));
			audit_log(c, "error");
			conn_close(c);
		}
		return;
	}
	if (c->req_body.done && c->resp_body.done && outq_empty(&c->to_up) &&
	    outq_empty(&c->to_client)) {
		forward_done(c);
		return;
	}
	c->deadline = proxy_now_ms() + c->p->o.idle_timeout_ms;
	conn_update_events(c);
}

/* ---- events ---------------------------------------------------------- */

void conn_on_client(struct conn *c, uint32_t events)
{
	int n;

	switch (c->st) {
	case CS_HEAD:
	case CS_HELLO:
		if (events) {
			n = read_some(c->cfd, &c->buf, &c->len);
			if (n == 0 || (n < 0 && n != -EAGAIN && n != -ENOBUFS)) {
				if (c->len && c->st == CS_HEAD)
					conn_refuse(c, 0, "deny", "the client closed mid-request");
				else
					conn_close(c);
				return;
			}
		}
		if (c->st == CS_HEAD)
			conn_handle_head(c);
		else
			check_hello(c);
		break;
	case CS_TUNNEL:
		tunnel_pump(c);
		break;
	case CS_FORWARD:
		forward_pump(c);
		break;
	case CS_FLUSH:
		conn_flush_last(c);
		break;
	case CS_DRAIN: {
		char sink[4096];
		ssize_t got;

		while ((got = recv(c->cfd, sink, sizeof(sink), 0)) > 0)
			;
		if (got == 0 || errno != EAGAIN)
			conn_close(c);
		break;
	}
	default:
		if (events & (EPOLLHUP | EPOLLERR))
			conn_close(c);
	}
}

void conn_on_upstream(struct conn *c, uint32_t events)
{
	switch (c->st) {
	case CS_CONNECT:
		on_connected(c);
		break;
	case CS_TUNNEL:
		tunnel_pump(c);
		break;
	case CS_FORWARD:
		forward_pump(c);
		break;
	default:
		/* a kept-alive upstream hung up while the client is idle */
		if (events & (EPOLLHUP | EPOLLERR | EPOLLIN)) {
			epoll_ctl(c->p->epfd, EPOLL_CTL_DEL, c->ufd, NULL);
			close(c->ufd);
			c->ufd = -1;
			c->ev_u = 0;
			c->up_key[0] = '\0';
		}
	}
}

/* ---- port relays -------------------------------------------------------- */

void conn_start_relay(struct conn *c)
{
	struct relay_listener *rl = &c->p->relays[c->relay];
	const struct sockaddr_storage *t = &rl->target;

	snprintf(c->method, sizeof(c->method), "%s",
		 rl->kind == RELAY_FORWARD ? "FORWARD" : "PUBLISH");
	host_addr_str(t, c->host.name, sizeof(c->host.name));
	c->host.is_addr = true;
	c->port = ntohs(t->ss_family == AF_INET ? ((const struct sockaddr_in *)t)->sin_port :
						  ((const struct sockaddr_in6 *)t)->sin6_port);
	snprintf(c->reason, sizeof(c->reason), "%s", rl->label);
	c->addrs[0] = *t;
	c->n_addrs = 1;
	c->ev_c = EPOLLIN;
	set_events(c, c->cfd, &c->ev_c, 0, PK_CLIENT);
	if (rl->kind == RELAY_FORWARD) {
		connect_next(c);
		return;
	}
	if (c->p->ctl < 0 || c->p->n_waiting == ARRAY_SIZE(c->p->waiting_socket) ||
	    send(c->p->ctl, "S", 1, MSG_NOSIGNAL) != 1) {
		conn_refuse(c, 0, "error", "no socket from the box");
		return;
	}
	c->p->waiting_socket[c->p->n_waiting++] = (uint32_t)conn_ref(c);
	c->st = CS_WAIT_SOCKET;
	c->deadline = proxy_now_ms() + c->p->o.connect_timeout_ms;
}

/* publish: a socket made inside the box, to connect to the box's port */
void conn_got_box_socket(struct conn *c, int fd)
{
	struct sockaddr_storage *a = &c->addrs[0];

	fcntl(fd, F_SETFL, O_NONBLOCK);
	c->ufd = fd;
	if (connect(fd, (struct sockaddr *)a, ss_len(a)) < 0 && errno != EINPROGRESS) {
		conn_refuse(c, 0, "error", "box port %u: %s", c->port, strerror(errno));
		return;
	}
	c->addr = *a;
	c->st = CS_CONNECT;
	if (upstream_add(c, EPOLLOUT) < 0)
		conn_close(c);
}
