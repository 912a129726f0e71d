/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PROXY_TLS_H
#define PIBOX_PROXY_TLS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_HELLO_MAX 16384 /* bytes of records the proxy will buffer */

enum tls_result {
	TLS_NEED_MORE = 0,
	TLS_OK = 1,        /* a complete ClientHello; sni[0] == 0 when absent */
	TLS_NOT_TLS = -1,  /* the first bytes are not a TLS handshake */
	TLS_BAD = -2,      /* a malformed or oversized ClientHello */
};

int tls_client_hello_sni(const uint8_t *buf, size_t len, char *sni,
			 size_t sni_size);

#endif
