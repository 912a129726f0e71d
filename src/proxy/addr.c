// SPDX-License-Identifier: MIT
/*
 * addr.c - addresses the proxy never connects to unless a rule names them.
 *
 * A public name that resolves to 127.0.0.1, 10.x or 169.254.169.254 (cloud
 * metadata) is DNS rebinding or an internal service; the proxy refuses it.
 * IPv4-mapped and IPv4-compatible IPv6 forms are judged as the IPv4 inside.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "proxy/addr.h"

struct v4_range {
	uint32_t net;
	int bits;
	const char *what;
};

static const struct v4_range v4_special[] = {
	{ 0x00000000, 8, "unspecified (0.0.0.0/8)" },
	{ 0x7f000000, 8, "loopback" },
	{ 0x0a000000, 8, "private (RFC 1918)" },
	{ 0xac100000, 12, "private (RFC 1918)" },
	{ 0xc0a80000, 16, "private (RFC 1918)" },
	{ 0xa9fe0000, 16, "link-local (cloud metadata lives here)" },
	{ 0x64400000, 10, "carrier-grade NAT (RFC 6598)" },
	{ 0xc0000000, 24, "IETF protocol assignments" },
	{ 0xc6120000, 15, "benchmarking (RFC 2544)" },
	{ 0xe0000000, 4, "multicast" },
	{ 0xf0000000, 4, "reserved" },
};

static const char *v4_special_what(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4_special) / sizeof(v4_special[0]); i++) {
		uint32_t mask = v4_special[i].bits ? ~0U << (32 - v4_special[i].bits) : 0;

		if ((a & mask) == v4_special[i].net)
			return v4_special[i].what;
	}
	return NULL;
}

static const char *v6_special_what(const struct in6_addr *a)
{
	const uint8_t *b = a->s6_addr;
	static const uint8_t zero[12];

	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return "unspecified";
	if (IN6_IS_ADDR_LOOPBACK(a))
		return "loopback";
	if (IN6_IS_ADDR_V4MAPPED(a) || memcmp(b, zero, 12) == 0 ||
	    (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)) {
		/* ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64) */
		uint32_t v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
			      (uint32_t)b[14] << 8 | b[15];
		const char *w = v4_special_what(v4);

		return w ? w : (b[1] == 0x64 ? NULL : "IPv4-compatible");
	}
	if ((b[0] & 0xfe) == 0xfc)
		return "unique-local (fc00::/7)";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "site-local";
	if (b[0] == 0xff)
		return "multicast";
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return "documentation";
	return NULL;
}

/**
 * addr_special() - why @ss is not a public unicast address
 * Return: a short description, or NULL for an ordinary public address
 */
const char *addr_special(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)ss;

		return v4_special_what(ntohl(s->sin_addr.s_addr));
	}
	if (ss->ss_family == AF_INET6)
		return v6_special_what(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return "not an IP address";
}

/* Return: 1 when @a and @b are the same address (ports ignored) */
int addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}
