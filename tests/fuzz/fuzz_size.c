// SPDX-License-Identifier: MIT
/* libFuzzer: the size, number and CPU parsers of the command line. */
#include <stdint.h>
#include <string.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[64];
	uint64_t v;
	uint32_t m;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (pb_parse_size(buf, &v) == 0 && v == 0)
		__builtin_trap();
	pb_parse_uint(buf, UINT64_MAX, &v);
	if (pb_parse_cpus(buf, &m) == 0 && m < 10)
		__builtin_trap();
	pb_env_name_valid(buf, size);
	return 0;
}
