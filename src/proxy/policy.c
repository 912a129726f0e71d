// SPDX-License-Identifier: MIT
/*
 * policy.c - the allowlist: rules, matching, pinned addresses.
 *
 * A rule is "host" (exactly that name), ".domain" (the domain and every
 * subdomain), or an IP address ("10.0.0.5", "[::1]"), each with an optional
 * ":port". Without a port a rule allows 443 and 80 only. Hosts are compared
 * in canonical form (host.c), so spelling tricks cannot reach around a rule.
 * An IP literal matches only a rule that names that very address.
 */
#include <stdio.h>
#include <string.h>

#include "proxy/addr.h"
#include "proxy/policy.h"

static bool addr_equal_host(const struct host *a, const struct host *b)
{
	return addr_equal(&a->addr, &b->addr);
}

/* The original setup's allowlist (see docs/configuration.md). */
const char *const policy_default_rules[] = {
	"api.anthropic.com",
	"platform.claude.com",
	"claude.ai",
	"statsig.anthropic.com",
	"github.com",
	"api.github.com",
	"objects.githubusercontent.com",
	"github-releases.githubusercontent.com",
	"release-assets.githubusercontent.com",
	".githubcopilot.com",
	"copilot-proxy.githubusercontent.com",
	"registry.npmjs.org",
	NULL,
};

static void rule_text(struct policy_rule *r)
{
	char host[HOST_MAX + 3];

	if (r->host.is_addr && r->host.addr.ss_family == AF_INET6)
		snprintf(host, sizeof(host), "[%s]", r->host.name);
	else
		snprintf(host, sizeof(host), "%s%s", r->domain ? "." : "",
			 r->host.name);
	if (r->port)
		snprintf(r->text, sizeof(r->text), "%s:%u", host, r->port);
	else
		snprintf(r->text, sizeof(r->text), "%s", host);
}

/**
 * policy_add_rule() - parse and add one rule
 * Return: 0, or -EINVAL with @err naming what is wrong
 */
int policy_add_rule(struct policy *p, const char *text, struct pb_err *err)
{
	struct policy_rule r = { 0 };
	const char *h = text;
	size_t hlen;
	int e;

	if (p->n_rules == POLICY_MAX_RULES)
		return pb_err_usage(err, "allow %s: at most %d rules", text,
				    POLICY_MAX_RULES);
	if (h[0] == '.') {
		r.domain = true;
		h++;
	}
	if (host_split_port(h, strlen(h), &h, &hlen, &r.port) < 0)
		return pb_err_usage(err, "allow %s: expected HOST, .DOMAIN or ADDRESS with an optional :PORT (1-65535)",
				    text);
	e = host_canonicalize(h, hlen, &r.host);
	if (e < 0)
		return pb_err_usage(err, "allow %s: %s", text, host_error_str(e));
	if (r.domain && r.host.is_addr)
		return pb_err_usage(err, "allow %s: a .domain rule needs a name, not an address",
				    text);
	rule_text(&r);
	for (size_t i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].text, r.text) == 0)
			return 0;
	p->rules[p->n_rules++] = r;
	return 0;
}

/* Return: 0, or -EINVAL */
int policy_add_defaults(struct policy *p, struct pb_err *err)
{
	for (size_t i = 0; policy_default_rules[i]; i++) {
		int r = policy_add_rule(p, policy_default_rules[i], err);

		if (r < 0)
			return r;
	}
	return 0;
}

/**
 * policy_add_pin() - "NAME:ADDR" (as curl --resolve, without the port):
 * NAME resolves to ADDR, which the user named, so it may be private
 * Return: 0, or -EINVAL
 */
int policy_add_pin(struct policy *p, const char *spec, struct pb_err *err)
{
	struct policy_pin pin = { 0 };
	const char *colon = strchr(spec, ':');
	const char *addr;
	int e;

	if (!colon || p->n_pins == POLICY_MAX_PINS)
		return pb_err_usage(err, "--resolve %s: expected NAME:ADDRESS, e.g. example.test:127.0.0.1",
				    spec);
	e = host_canonicalize(spec, (size_t)(colon - spec), &pin.host);
	if (e < 0 || pin.host.is_addr)
		return pb_err_usage(err, "--resolve %s: the name is not a host name", spec);
	addr = colon + 1;
	{
		struct host a;
		char br[HOST_MAX + 3];

		/* accept "::1" as well as "[::1]" */
		if (strchr(addr, ':') && addr[0] != '[') {
			snprintf(br, sizeof(br), "[%s]", addr);
			addr = br;
		}
		e = host_canonicalize(addr, strlen(addr), &a);
		if (e < 0 || !a.is_addr)
			return pb_err_usage(err, "--resolve %s: '%s' is not an IP address",
					    spec, colon + 1);
		pin.addr = a.addr;
	}
	p->pins[p->n_pins++] = pin;
	return 0;
}

static bool name_matches(const struct policy_rule *r, const char *name)
{
	size_t n = strlen(name), rn = strlen(r->host.name);

	if (strcmp(name, r->host.name) == 0)
		return true;
	return r->domain && n > rn && name[n - rn - 1] == '.' &&
	       strcmp(name + n - rn, r->host.name) == 0;
}

/**
 * policy_match() - the first rule that allows @h on @port
 * Return: the rule, or NULL when nothing allows it
 */
const struct policy_rule *policy_match(const struct policy *p,
				       const struct host *h, uint16_t port)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->port ? r->port != port : (port != 443 && port != 80))
			continue;
		if (h->is_addr != r->host.is_addr)
			continue;
		if (h->is_addr ? addr_equal_host(&r->host, h) : name_matches(r, h->name))
			return r;
	}
	return NULL;
}

const struct policy_pin *policy_find_pin(const struct policy *p,
					 const struct host *h)
{
	for (size_t i = 0; i < p->n_pins; i++)
		if (!h->is_addr && strcmp(p->pins[i].host.name, h->name) == 0)
			return &p->pins[i];
	return NULL;
}

/* An address rule, or "localhost", names a special address on purpose. */
bool policy_rule_allows_special(const struct policy_rule *r)
{
	return r->host.is_addr || (!r->domain && strcmp(r->host.name, "localhost") == 0);
}

/* The --allow argument that would allow @h:@port, for refusal messages. */
void policy_suggest(const struct host *h, uint16_t port, char *buf, size_t size)
{
	bool v6 = h->is_addr && h->addr.ss_family == AF_INET6;

	if (port == 443 || port == 80)
		snprintf(buf, size, "%s%s%s", v6 ? "[" : "", h->name, v6 ? "]" : "");
	else
		snprintf(buf, size, "%s%s%s:%u", v6 ? "[" : "", h->name,
			 v6 ? "]" : "", port);
}

/**
 * policy_narrows() - whether everything @r allows, @wide allows too
 *
 * A repository's .pibox.ini may only narrow the user's own allowlist.
 */
bool policy_narrows(const struct policy *wide, const struct policy_rule *r)
{
	for (size_t i = 0; i < wide->n_rules; i++) {
		const struct policy_rule *w = &wide->rules[i];

		if (w->port != r->port && !(w->port == 0 && (r->port == 443 || r->port == 80)))
			continue;
		if (r->port == 0 && w->port != 0)
			continue;
		if (w->host.is_addr != r->host.is_addr)
			continue;
		if (r->host.is_addr ? addr_equal_host(&w->host, &r->host) :
				      (name_matches(w, r->host.name) && (!r->domain || w->domain)))
			return true;
	}
	return false;
}
