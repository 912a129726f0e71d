/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PROXY_HTTP_H
#define PIBOX_PROXY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX 16384
#define HTTP_MAX_HEADERS 100

enum http_status {
	HTTP_NEED_MORE = 0,
	HTTP_DONE = 1,
	HTTP_BAD = -1,     /* 400 */
	HTTP_TOO_BIG = -2, /* 431 */
	HTTP_UNSUPPORTED = -3, /* 501 */
};

struct http_span {
	const char *p;
	size_t n;
};

struct http_header {
	struct http_span name, value;
};

enum body_kind { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_CLOSE };

/* Where one message's body ends in a byte stream. */
struct body {
	enum body_kind kind;
	uint64_t remaining;  /* LENGTH: bytes left; CHUNKED: of this chunk */
	int state;           /* CHUNKED: position in the chunk grammar */
	int digits;
	bool done;
};

struct http_msg {
	/* request */
	struct http_span method, target, path, authority;
	bool is_connect, is_head;
	/* response */
	int status;
	/* both */
	int minor;           /* HTTP/1.<minor> */
	struct http_header hdrs[HTTP_MAX_HEADERS];
	size_t n_hdrs;
	struct http_span host_hdr, proxy_auth;
	bool conn_close;
	struct body body;
	size_t head_len;     /* bytes up to and including the blank line */
};

int http_parse_request(const char *buf, size_t len, struct http_msg *m,
		       const char **why);
int http_parse_response(const char *buf, size_t len, bool head_request,
			struct http_msg *m, const char **why);
bool http_hop_by_hop(const struct http_span *name);
bool http_span_ieq(const struct http_span *s, const char *lit);
long body_consume(struct body *b, const char *p, size_t n);

#endif
