// SPDX-License-Identifier: MIT
/* libFuzzer: request and response heads, and body framing. */
#include <stdint.h>
#include <string.h>

#include "proxy/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_msg m;
	const char *why;
	struct body b = { .kind = BODY_CHUNKED };

	if (http_parse_request((const char *)data, size, &m, &why) == HTTP_DONE &&
	    m.head_len > size)
		__builtin_trap();
	if (http_parse_response((const char *)data, size, size & 1, &m, &why) == HTTP_DONE &&
	    m.head_len > size)
		__builtin_trap();
	for (size_t off = 0; off < size && !b.done;) {
		long n = body_consume(&b, (const char *)data + off, size - off);

		if (n < 0)
			break;
		if ((size_t)n > size - off)
			__builtin_trap();
		if (n == 0)
			break;
		off += (size_t)n;
	}
	return 0;
}
