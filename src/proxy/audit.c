// SPDX-License-Identifier: MIT
/*
 * audit.c - one JSON line per decision: who asked for what, what the proxy
 * decided and why, how much crossed, how long it took.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "proxy/internal.h"

static void iso_time(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(tv.tv_usec / 1000));
}

/**
 * audit_log() - append @c's decision to the audit log (if there is one)
 * @verdict:	"allow", "deny", "error" or "timeout"
 */
void audit_log(struct conn *c, const char *verdict)
{
	struct timespec now;
	char when[40], addr[48] = "";
	json_t *o;
	char *line;
	long long ms;

	if (c->p->audit_fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - c->start.tv_sec) * 1000 +
	     (now.tv_nsec - c->start.tv_nsec) / 1000000;
	iso_time(when, sizeof(when));
	if (c->connected || c->st == CS_CONNECT)
		host_addr_str(&c->addr, addr, sizeof(addr));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I}",
		      "time", when, "session", c->p->o.session, "client", c->client,
		      "method", c->method[0] ? c->method : "-",
		      "host", c->host.name, "port", (int)c->port, "addr", addr,
		      "verdict", verdict, "bytes_up", (json_int_t)c->up_bytes,
		      "bytes_down", (json_int_t)c->down_bytes, "ms", (json_int_t)ms);
	if (!o)
		return;
	if (c->rule && strcmp(verdict, "allow") == 0)
		json_object_set_new(o, "rule", json_string(c->rule->text));
	if (c->reason[0])
		json_object_set_new(o, "reason", json_string(c->reason));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return;
	size_t n = strlen(line);
	line[n] = '\n'; /* over the NUL: one write for the whole line */
	if (write(c->p->audit_fd, line, n + 1) < 0) {
		/* a full disk must not stop the proxy; the line is lost */
	}
	free(line);
}
