// SPDX-License-Identifier: MIT
/* libFuzzer: host canonicaliser, port splitter, allowlist rules. The
 * canonical form must be a fixed point: canonicalising it again changes
 * nothing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proxy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy p;
	struct pb_err err;
	struct host h, again;
	const char *hp;
	size_t hl;
	uint16_t port;
	char rule[300];

	if (host_canonicalize((const char *)data, size, &h) == HOST_OK) {
		char text[HOST_MAX + 3];

		snprintf(text, sizeof(text), h.is_addr && h.addr.ss_family == AF_INET6 ? "[%s]" : "%s",
			 h.name);
		if (host_canonicalize(text, strlen(text), &again) != HOST_OK ||
		    strcmp(again.name, h.name) != 0)
			__builtin_trap();
		policy_match(&p, &h, 443);
	}
	host_split_port((const char *)data, size, &hp, &hl, &port);
	if (size < sizeof(rule)) {
		memcpy(rule, data, size);
		rule[size] = '\0';
		if (p.n_rules == POLICY_MAX_RULES)
			p.n_rules = 0;
		policy_add_rule(&p, rule, &err);
		policy_add_pin(&p, rule, &err);
		if (p.n_pins == POLICY_MAX_PINS)
			p.n_pins = 0;
	}
	return 0;
}
