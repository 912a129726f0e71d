// SPDX-License-Identifier: MIT
/*
 * host.c - one canonical spelling for every host a client can name.
 *
 * The allowlist is only as good as the matching, and matching is only as
 * good as the canonical form: "GitHub.com.", "github.com", "127.1",
 * "0x7f.1", "2130706433", "[::ffff:127.0.0.1]" must each land on one name or
 * one address. Names are lower-cased, lose one trailing dot, and must be
 * LDH labels (letters, digits, hyphen, underscore) with no empty label; a
 * name with any other byte - non-ASCII (IDNA), '%', '@', spaces - is refused
 * rather than guessed at. Anything that inet_aton(3) accepts as IPv4 (it
 * takes decimal, octal, hex and short forms, as the resolvers and browsers
 * of the world do) is an address, as is anything inside [brackets].
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "proxy/host.h"

const char *host_error_str(int err)
{
	switch (err) {
	case HOST_EMPTY: return "empty host";
	case HOST_TOO_LONG: return "host name too long";
	case HOST_BAD_CHAR: return "host name has a character that is not a letter, digit, '-', '_' or '.' (IDNA and percent-encoding are refused)";
	case HOST_EMPTY_LABEL: return "host name has an empty label";
	case HOST_BAD_ADDR: return "malformed IP address";
	default: return "ok";
	}
}

void host_addr_str(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf,
			  (socklen_t)size);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
			  buf, (socklen_t)size);
}

/* IPv4-mapped IPv6 becomes plain IPv4: one address, one spelling. */
static void set_v6(struct host *out, const struct in6_addr *a6)
{
	memset(&out->addr, 0, sizeof(out->addr));
	if (IN6_IS_ADDR_V4MAPPED(a6)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&out->addr;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, &a6->s6_addr[12], 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->addr;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = *a6;
	}
	out->is_addr = true;
	host_addr_str(&out->addr, out->name, sizeof(out->name));
}

static bool looks_numeric(const char *s)
{
	/* the last label of a name is never all digits/hex: then it is IPv4 */
	const char *last = strrchr(s, '.');

	last = last ? last + 1 : s;
	if (!*last)
		return false;
	if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
		return true;
	for (; *last; last++)
		if (!isdigit((unsigned char)*last))
			return false;
	return true;
}

static int canon_name(const char *in, size_t len, struct host *out)
{
	size_t label = 0;

	if (len && in[len - 1] == '.')
		len--;
	if (len == 0)
		return HOST_EMPTY;
	if (len > HOST_MAX)
		return HOST_TOO_LONG;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (label == 0)
				return HOST_EMPTY_LABEL;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return HOST_TOO_LONG;
		} else {
			return HOST_BAD_CHAR;
		}
		out->name[i] = (char)tolower(c);
	}
	if (label == 0)
		return HOST_EMPTY_LABEL; /* "a.." : a second trailing dot */
	out->name[len] = '\0';
	out->is_addr = false;
	return HOST_OK;
}

/**
 * host_canonicalize() - @in (not NUL-terminated, @len bytes) to @out
 * Return: HOST_OK, or a negative enum host_error
 */
int host_canonicalize(const char *in, size_t len, struct host *out)
{
	char tmp[HOST_MAX + 2];
	struct in_addr a4;
	struct in6_addr a6;
	int r;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return HOST_EMPTY;
	if (memchr(in, '\0', len))
		return HOST_BAD_CHAR;
	if (in[0] == '[') {
		if (len < 3 || in[len - 1] != ']' || len - 2 >= sizeof(tmp))
			return HOST_BAD_ADDR;
		memcpy(tmp, in + 1, len - 2);
		tmp[len - 2] = '\0';
		/* zone ids ("%eth0") name host interfaces: refused */
		if (strchr(tmp, '%') || inet_pton(AF_INET6, tmp, &a6) != 1)
			return HOST_BAD_ADDR;
		set_v6(out, &a6);
		return HOST_OK;
	}
	r = canon_name(in, len, out);
	if (r < 0)
		return r;
	if (!looks_numeric(out->name))
		return HOST_OK;
	if (inet_aton(out->name, &a4) == 0)
		return HOST_BAD_ADDR;
	memset(&a6, 0, sizeof(a6));
	a6.s6_addr[10] = a6.s6_addr[11] = 0xff;
	memcpy(&a6.s6_addr[12], &a4, 4);
	set_v6(out, &a6);
	return HOST_OK;
}

/**
 * host_split_port() - "host:port", "[v6]:port", "host" -> parts
 * @port:	set to 0 when absent
 * Return: 0, or -1 for a malformed port
 */
int host_split_port(const char *in, size_t len, const char **host,
		    size_t *host_len, uint16_t *port)
{
	const char *colon = NULL;
	unsigned long v = 0;

	*host = in;
	*host_len = len;
	*port = 0;
	if (len && in[0] == '[') {
		const char *close = memchr(in, ']', len);

		if (!close)
			return -1;
		if ((size_t)(close - in) + 1 < len) {
			if (close[1] != ':')
				return -1;
			colon = close + 1;
		}
	} else {
		colon = memchr(in, ':', len);
		if (colon && memchr(colon + 1, ':', len - (size_t)(colon + 1 - in)))
			return -1; /* bare IPv6 without brackets */
	}
	if (!colon)
		return 0;
	*host_len = (size_t)(colon - in);
	if (colon + 1 == in + len || in + len - colon - 1 > 5)
		return -1;
	for (const char *p = colon + 1; p < in + len; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}
