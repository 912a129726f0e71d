// SPDX-License-Identifier: MIT
/*
 * http.c - HTTP/1.x message heads and body framing, for the proxy.
 *
 * Strict on purpose: a proxy and the server behind it must agree on where
 * every message ends, or one request hides inside another (smuggling). So:
 * CRLF line ends only, no obsolete line folding, no whitespace before a
 * colon, one Content-Length at most, never Content-Length with
 * Transfer-Encoding, and no transfer coding but "chunked". Bounded: 16 KiB of
 * head and 100 headers. The input is never trusted; the fuzzer exercises it.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "proxy/http.h"

bool http_span_ieq(const struct http_span *s, const char *lit)
{
	return s->n == strlen(lit) && strncasecmp(s->p, lit, s->n) == 0;
}

static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Finds the end of the head ("\r\n\r\n"); 0 while incomplete. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 3; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' &&
		    buf[i - 3] == '\r')
			return i + 1;
	return 0;
}

static const char *line_end(const char *p, const char *end)
{
	const char *cr = memchr(p, '\r', (size_t)(end - p));

	return (cr && cr + 1 < end && cr[1] == '\n') ? cr : NULL;
}

static bool parse_u64(const struct http_span *s, uint64_t *v)
{
	*v = 0;
	if (s->n == 0 || s->n > 19)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		if (!isdigit((unsigned char)s->p[i]))
			return false;
		*v = *v * 10 + (uint64_t)(s->p[i] - '0');
	}
	return true;
}

/* Does the comma-separated @s hold the token @tok? */
static bool has_token(const struct http_span *s, const char *tok)
{
	size_t tl = strlen(tok);

	for (size_t i = 0; i < s->n;) {
		size_t j = i;
		while (j < s->n && s->p[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && (s->p[a] == ' ' || s->p[a] == '\t'))
			a++;
		while (b > a && (s->p[b - 1] == ' ' || s->p[b - 1] == '\t'))
			b--;
		if (b - a == tl && strncasecmp(s->p + a, tok, tl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

static int parse_header(const char *p, const char *eol, struct http_header *h,
			const char **why)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p));

	if (p == eol || *p == ' ' || *p == '\t') {
		*why = "obsolete header folding";
		return HTTP_BAD;
	}
	if (!colon || colon == p) {
		*why = "header without a name";
		return HTTP_BAD;
	}
	for (const char *q = p; q < colon; q++)
		if (!is_tchar((unsigned char)*q)) {
			*why = "bad character in a header name";
			return HTTP_BAD;
		}
	h->name = (struct http_span){ p, (size_t)(colon - p) };
	p = colon + 1;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t'))
		eol--;
	for (const char *q = p; q < eol; q++)
		if (*q == '\0' || *q == '\n' || *q == '\r') {
			*why = "control character in a header value";
			return HTTP_BAD;
		}
	h->value = (struct http_span){ p, (size_t)(eol - p) };
	return HTTP_DONE;
}

/* Headers and body framing, common to requests and responses. */
static int parse_headers(const char *p, const char *end, struct http_msg *m,
			 const char **why)
{
	bool have_cl = false, have_te = false;
	uint64_t cl = 0;

	m->n_hdrs = 0;
	for (;;) {
		const char *eol = line_end(p, end);
		struct http_header *h;
		int r;

		if (!eol) {
			*why = "bare LF in the head";
			return HTTP_BAD;
		}
		if (eol == p)
			break;
		if (m->n_hdrs == HTTP_MAX_HEADERS) {
			*why = "too many headers";
			return HTTP_TOO_BIG;
		}
		h = &m->hdrs[m->n_hdrs++];
		r = parse_header(p, eol, h, why);
		if (r < 0)
			return r;
		if (http_span_ieq(&h->name, "content-length")) {
			if (have_cl || !parse_u64(&h->value, &cl)) {
				*why = "bad or repeated Content-Length";
				return HTTP_BAD;
			}
			have_cl = true;
		} else if (http_span_ieq(&h->name, "transfer-encoding")) {
			if (have_te || !http_span_ieq(&h->value, "chunked")) {
				*why = "transfer coding other than a single 'chunked'";
				return HTTP_UNSUPPORTED;
			}
			have_te = true;
		} else if (http_span_ieq(&h->name, "host")) {
			if (m->host_hdr.p) {
				*why = "repeated Host header";
				return HTTP_BAD;
			}
			m->host_hdr = h->value;
		} else if (http_span_ieq(&h->name, "proxy-authorization")) {
			m->proxy_auth = h->value;
		} else if (http_span_ieq(&h->name, "connection") ||
			   http_span_ieq(&h->name, "proxy-connection")) {
			if (has_token(&h->value, "close"))
				m->conn_close = true;
		}
		p = eol + 2;
	}
	if (have_cl && have_te) {
		*why = "both Content-Length and Transfer-Encoding (request smuggling)";
		return HTTP_BAD;
	}
	if (have_te)
		m->body = (struct body){ .kind = BODY_CHUNKED };
	else if (have_cl && cl)
		m->body = (struct body){ .kind = BODY_LENGTH, .remaining = cl };
	else
		m->body = (struct body){ .kind = BODY_NONE, .done = true };
	if (m->minor == 0)
		m->conn_close = true;
	return HTTP_DONE;
}

static int parse_version(const char *p, const char *end, int *minor)
{
	if (end - p != 8 || memcmp(p, "HTTP/1.", 7) != 0 ||
	    (p[7] != '0' && p[7] != '1'))
		return -1;
	*minor = p[7] - '0';
	return 0;
}

/* absolute-form "http://authority/path": split, refusing userinfo */
static int split_absolute(struct http_msg *m, const char **why)
{
	const char *t = m->target.p, *end = t + m->target.n, *a;

	if (m->target.n < 8 || strncasecmp(t, "http://", 7) != 0) {
		*why = "a forward request needs an absolute http:// URI (use CONNECT for https)";
		return HTTP_BAD;
	}
	a = t + 7;
	m->authority.p = a;
	while (a < end && *a != '/' && *a != '?' && *a != '#')
		a++;
	m->authority.n = (size_t)(a - m->authority.p);
	if (memchr(m->authority.p, '@', m->authority.n)) {
		*why = "user@host in the URI";
		return HTTP_BAD;
	}
	if (a < end && *a == '/')
		m->path = (struct http_span){ a, (size_t)(end - a) };
	else if (a == end)
		m->path = (struct http_span){ "/", 1 };
	else {
		*why = "URI without a path";
		return HTTP_BAD;
	}
	return HTTP_DONE;
}

/**
 * http_parse_request() - parse a request head at the start of @buf
 * @why:	set to a short reason on failure
 * Return: HTTP_DONE (m->head_len set), HTTP_NEED_MORE, or an error
 */
int http_parse_request(const char *buf, size_t len, struct http_msg *m,
		       const char **why)
{
	size_t hl = head_end(buf, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
	const char *p = buf, *end, *eol, *sp1, *sp2;
	int r;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	if (!hl) {
		if (len >= HTTP_HEAD_MAX) {
			*why = "request head larger than 16 KiB";
			return HTTP_TOO_BIG;
		}
		return HTTP_NEED_MORE;
	}
	end = buf + hl;
	eol = line_end(p, end);
	if (!eol) {
		*why = "bare LF in the request line";
		return HTTP_BAD;
	}
	sp1 = memchr(p, ' ', (size_t)(eol - p));
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
	if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1 || sp2 - p > 8192 ||
	    memchr(sp2 + 1, ' ', (size_t)(eol - sp2 - 1))) {
		*why = "malformed request line";
		return HTTP_BAD;
	}
	for (const char *q = p; q < sp1; q++)
		if (!is_tchar((unsigned char)*q)) {
			*why = "bad method";
			return HTTP_BAD;
		}
	for (const char *q = sp1 + 1; q < sp2; q++)
		if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f) {
			*why = "bad character in the URI";
			return HTTP_BAD;
		}
	m->method = (struct http_span){ p, (size_t)(sp1 - p) };
	m->target = (struct http_span){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	if (parse_version(sp2 + 1, eol, &m->minor) < 0) {
		*why = "not HTTP/1.0 or HTTP/1.1";
		return HTTP_UNSUPPORTED;
	}
	m->is_connect = http_span_ieq(&m->method, "CONNECT");
	m->is_head = http_span_ieq(&m->method, "HEAD");
	r = parse_headers(eol + 2, end, m, why);
	if (r < 0)
		return r;
	if (m->is_connect)
		m->authority = m->target;
	else if ((r = split_absolute(m, why)) < 0)
		return r;
	if (m->minor == 1 && !m->host_hdr.p && !m->is_connect) {
		*why = "HTTP/1.1 request without a Host header";
		return HTTP_BAD;
	}
	m->head_len = hl;
	return HTTP_DONE;
}

/**
 * http_parse_response() - parse a response head; the body framing follows
 * RFC 9112 section 6.3 (HEAD, 1xx, 204 and 304 have none; no length means
 * "until the server closes")
 * Return: HTTP_DONE, HTTP_NEED_MORE, or an error
 */
int http_parse_response(const char *buf, size_t len, bool head_request,
			struct http_msg *m, const char **why)
{
	size_t hl = head_end(buf, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
	const char *end, *eol;
	bool framed = false;
	int r;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	if (!hl)
		return len >= HTTP_HEAD_MAX ? (*why = "response head larger than 16 KiB",
					       HTTP_TOO_BIG) : HTTP_NEED_MORE;
	end = buf + hl;
	eol = line_end(buf, end);
	if (!eol || eol - buf < 12 || parse_version(buf, buf + 8, &m->minor) < 0 ||
	    buf[8] != ' ' || !isdigit((unsigned char)buf[9]) ||
	    !isdigit((unsigned char)buf[10]) || !isdigit((unsigned char)buf[11])) {
		*why = "malformed status line";
		return HTTP_BAD;
	}
	m->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	r = parse_headers(eol + 2, end, m, why);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->n_hdrs; i++)
		if (http_span_ieq(&m->hdrs[i].name, "content-length") ||
		    http_span_ieq(&m->hdrs[i].name, "transfer-encoding"))
			framed = true;
	if (head_request || m->status < 200 || m->status == 204 || m->status == 304)
		m->body = (struct body){ .kind = BODY_NONE, .done = true };
	else if (!framed)
		m->body = (struct body){ .kind = BODY_UNTIL_CLOSE };
	m->head_len = hl;
	return HTTP_DONE;
}

/* Headers that describe one hop, never forwarded (RFC 9110 7.6.1). */
bool http_hop_by_hop(const struct http_span *name)
{
	static const char *const names[] = {
		"connection", "keep-alive", "proxy-connection", "proxy-authorization",
		"proxy-authenticate", "te", "trailer", "upgrade",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (http_span_ieq(name, names[i]))
			return true;
	return false;
}

enum { CK_SIZE, CK_EXT, CK_SIZE_LF, CK_DATA, CK_DATA_CR, CK_DATA_LF,
       CK_TRAILER, CK_TRAILER_LINE, CK_TRAILER_LF, CK_END_LF };

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* One byte of chunked framing (not data). Return: 0, or -1 on bad input */
static int chunk_byte(struct body *b, char c)
{
	int h;

	switch (b->state) {
	case CK_SIZE:
		if ((h = hexval(c)) >= 0) {
			if (++b->digits > 15)
				return -1;
			b->remaining = b->remaining * 16 + (uint64_t)h;
			return 0;
		}
		if (b->digits == 0)
			return -1;
		if (c == '\r')
			b->state = CK_SIZE_LF;
		else if (c == ';')
			b->state = CK_EXT;
		else
			return -1;
		return 0;
	case CK_EXT:
		if (c == '\r')
			b->state = CK_SIZE_LF;
		else if (c == '\n')
			return -1;
		return 0;
	case CK_SIZE_LF:
		if (c != '\n')
			return -1;
		b->digits = 0;
		b->state = b->remaining ? CK_DATA : CK_TRAILER;
		return 0;
	case CK_DATA_CR:
		if (c != '\r')
			return -1;
		b->state = CK_DATA_LF;
		return 0;
	case CK_DATA_LF:
		if (c != '\n')
			return -1;
		b->state = CK_SIZE;
		return 0;
	case CK_TRAILER: /* start of a trailer line, or the final CRLF */
		b->state = c == '\r' ? CK_END_LF : CK_TRAILER_LINE;
		return 0;
	case CK_TRAILER_LINE:
		if (c == '\r')
			b->state = CK_TRAILER_LF;
		return 0;
	case CK_TRAILER_LF:
		if (c != '\n')
			return -1;
		b->state = CK_TRAILER;
		return 0;
	case CK_END_LF:
		if (c != '\n')
			return -1;
		b->done = true;
		return 0;
	}
	return -1;
}

/**
 * body_consume() - how many of the @n bytes at @p belong to the body @b
 * Return: that count (b->done is set once the body is complete), or -1 when
 * the framing is malformed
 */
long body_consume(struct body *b, const char *p, size_t n)
{
	size_t i = 0;

	if (b->done)
		return 0;
	switch (b->kind) {
	case BODY_NONE:
		b->done = true;
		return 0;
	case BODY_UNTIL_CLOSE:
		return (long)n;
	case BODY_LENGTH:
		i = n < b->remaining ? n : (size_t)b->remaining;
		b->remaining -= i;
		b->done = b->remaining == 0;
		return (long)i;
	case BODY_CHUNKED:
		break;
	}
	while (i < n && !b->done) {
		if (b->state == CK_DATA) {
			size_t take = n - i < b->remaining ? n - i : (size_t)b->remaining;

			i += take;
			b->remaining -= take;
			if (b->remaining == 0)
				b->state = CK_DATA_CR;
			continue;
		}
		if (chunk_byte(b, p[i++]) < 0)
			return -1;
	}
	return (long)i;
}
