/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PROXY_HOST_H
#define PIBOX_PROXY_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define HOST_MAX 253

/* A host as the proxy decides on it: a canonical name, or an address. */
struct host {
	bool is_addr;
	char name[HOST_MAX + 1];     /* canonical name, or the address's text */
	struct sockaddr_storage addr; /* when is_addr; port 0 */
};

enum host_error {
	HOST_OK = 0,
	HOST_EMPTY = -1,
	HOST_TOO_LONG = -2,
	HOST_BAD_CHAR = -3,      /* non-ASCII (IDNA), %, @, spaces, controls */
	HOST_EMPTY_LABEL = -4,
	HOST_BAD_ADDR = -5,
};

int host_canonicalize(const char *in, size_t len, struct host *out);
const char *host_error_str(int err);
int host_split_port(const char *in, size_t len, const char **host,
		    size_t *host_len, uint16_t *port);
void host_addr_str(const struct sockaddr_storage *ss, char *buf, size_t size);

#endif
