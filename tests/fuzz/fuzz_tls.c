// SPDX-License-Identifier: MIT
/* libFuzzer: the ClientHello reader. */
#include <stdint.h>
#include <string.h>

#include "proxy/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sni[256];

	if (tls_client_hello_sni(data, size, sni, sizeof(sni)) == TLS_OK &&
	    strlen(sni) >= sizeof(sni))
		__builtin_trap();
	return 0;
}
