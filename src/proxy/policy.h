/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PROXY_POLICY_H
#define PIBOX_PROXY_POLICY_H

#include "proxy/host.h"
#include "util/util.h"

#define POLICY_MAX_RULES 256
#define POLICY_MAX_PINS 32
#define POLICY_RULE_MAX (HOST_MAX + 16)

struct policy_rule {
	char text[POLICY_RULE_MAX]; /* canonical: "github.com", ".x.com:8443" */
	struct host host;           /* name without the leading dot, or address */
	bool domain;                /* ".example.com": it and its subdomains */
	uint16_t port;              /* 0: ports 443 and 80 */
};

struct policy_pin {
	struct host host;
	struct sockaddr_storage addr;
};

struct policy {
	struct policy_rule rules[POLICY_MAX_RULES];
	size_t n_rules;
	struct policy_pin pins[POLICY_MAX_PINS];
	size_t n_pins;
};

extern const char *const policy_default_rules[];

int policy_add_rule(struct policy *p, const char *text, struct pb_err *err);
int policy_add_defaults(struct policy *p, struct pb_err *err);
int policy_add_pin(struct policy *p, const char *spec, struct pb_err *err);
const struct policy_rule *policy_match(const struct policy *p,
				       const struct host *h, uint16_t port);
const struct policy_pin *policy_find_pin(const struct policy *p,
					 const struct host *h);
bool policy_rule_allows_special(const struct policy_rule *r);
void policy_suggest(const struct host *h, uint16_t port, char *buf,
		    size_t size);
bool policy_narrows(const struct policy *wide, const struct policy_rule *r);

#endif
