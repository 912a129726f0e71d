// SPDX-License-Identifier: MIT
/*
 * tls.c - read the server name from a TLS ClientHello, without decrypting.
 *
 * On CONNECT host:443 the proxy sees the client's first bytes before it
 * relays them. They must be a TLS ClientHello whose server_name is the
 * CONNECT host: otherwise an allowed host could be used to front for
 * another (the SNI picks the real destination at a CDN). The handshake
 * message may be split across several TLS records and TCP segments; the
 * records are joined (bounded by TLS_HELLO_MAX) before parsing.
 */
#include <string.h>

#include "proxy/tls.h"

struct rd {
	const uint8_t *p;
	size_t n;
};

static int take(struct rd *r, size_t k, const uint8_t **out)
{
	if (r->n < k)
		return -1;
	*out = r->p;
	r->p += k;
	r->n -= k;
	return 0;
}

static int u8(struct rd *r, size_t *v)
{
	const uint8_t *p;

	if (take(r, 1, &p) < 0)
		return -1;
	*v = p[0];
	return 0;
}

static int u16(struct rd *r, size_t *v)
{
	const uint8_t *p;

	if (take(r, 2, &p) < 0)
		return -1;
	*v = (size_t)p[0] << 8 | p[1];
	return 0;
}

/* a <len><bytes> vector: width 1 or 2 bytes of length */
static int vec(struct rd *r, int width, struct rd *out)
{
	size_t n;
	const uint8_t *p;

	if ((width == 1 ? u8(r, &n) : u16(r, &n)) < 0 || take(r, n, &p) < 0)
		return -1;
	*out = (struct rd){ p, n };
	return 0;
}

static int parse_sni_ext(struct rd ext, char *sni, size_t size)
{
	struct rd list, name;
	size_t type;

	if (vec(&ext, 2, &list) < 0 || ext.n)
		return TLS_BAD;
	while (list.n) {
		if (u8(&list, &type) < 0 || vec(&list, 2, &name) < 0)
			return TLS_BAD;
		if (type != 0)
			continue;
		if (name.n == 0 || name.n >= size || memchr(name.p, 0, name.n))
			return TLS_BAD;
		memcpy(sni, name.p, name.n);
		sni[name.n] = '\0';
		return TLS_OK;
	}
	return TLS_OK;
}

static int parse_hello(struct rd r, char *sni, size_t size)
{
	struct rd skip, exts;
	const uint8_t *p;

	if (take(&r, 2 + 32, &p) < 0 || vec(&r, 1, &skip) < 0 ||
	    vec(&r, 2, &skip) < 0 || vec(&r, 1, &skip) < 0)
		return TLS_BAD;
	if (r.n == 0)
		return TLS_OK; /* no extensions at all: no SNI */
	if (vec(&r, 2, &exts) < 0)
		return TLS_BAD;
	while (exts.n) {
		size_t type;
		struct rd body;

		if (u16(&exts, &type) < 0 || vec(&exts, 2, &body) < 0)
			return TLS_BAD;
		if (type == 0)
			return parse_sni_ext(body, sni, size);
	}
	return TLS_OK;
}

/**
 * tls_client_hello_sni() - the server name in the ClientHello at @buf
 * Return: an enum tls_result; with TLS_OK, @sni holds the name or ""
 */
int tls_client_hello_sni(const uint8_t *buf, size_t len, char *sni,
			 size_t sni_size)
{
	uint8_t hs[TLS_HELLO_MAX];
	size_t hs_len = 0, off = 0, need = 0;

	sni[0] = '\0';
	if (len >= 1 && buf[0] != 0x16)
		return TLS_NOT_TLS;
	if (len >= 2 && buf[1] != 0x03)
		return TLS_NOT_TLS;
	for (;;) {
		size_t rec;

		if (len - off < 5)
			return len > TLS_HELLO_MAX ? TLS_BAD : TLS_NEED_MORE;
		if (buf[off] != 0x16 || buf[off + 1] != 0x03)
			return off ? TLS_BAD : TLS_NOT_TLS;
		rec = (size_t)buf[off + 3] << 8 | buf[off + 4];
		if (rec == 0 || rec > 16384)
			return TLS_BAD;
		if (len - off - 5 < rec)
			return off + 5 + rec > TLS_HELLO_MAX ? TLS_BAD : TLS_NEED_MORE;
		if (hs_len + rec > sizeof(hs))
			return TLS_BAD;
		memcpy(hs + hs_len, buf + off + 5, rec);
		hs_len += rec;
		off += 5 + rec;
		if (hs_len >= 4) {
			if (hs[0] != 0x01)
				return TLS_BAD; /* not a ClientHello */
			need = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];
			if (need + 4 > sizeof(hs))
				return TLS_BAD;
			if (hs_len >= need + 4)
				return parse_hello((struct rd){ hs + 4, need }, sni, sni_size);
		}
	}
}
