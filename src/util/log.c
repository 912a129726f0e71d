// SPDX-License-Identifier: MIT
/* log.c - the only place pibox formats lines for the user. */
#include <stdio.h>
#include <string.h>

#include "util/util.h"

int pb_verbosity = 1;

static void vline(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "pibox: %s%s\n", prefix, buf);
}

void pb_warn(const char *fmt, ...)
{
	va_list ap;

	if (pb_verbosity < 1)
		return;
	va_start(ap, fmt);
	vline("warning: ", fmt, ap);
	va_end(ap);
}

void pb_info(const char *fmt, ...)
{
	va_list ap;

	if (pb_verbosity < 1)
		return;
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

void pb_debug(const char *fmt, ...)
{
	va_list ap;

	if (pb_verbosity < 2)
		return;
	va_start(ap, fmt);
	vline("debug: ", fmt, ap);
	va_end(ap);
}

int pb_err_set(struct pb_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (code < 0)
		code = -code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (code && n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, " (%s)", strerror(code));
	return code ? -code : -EINVAL;
}

/* A refusal of the user's input: the message says it all, no errno text. */
int pb_err_usage(struct pb_err *err, const char *fmt, ...)
{
	va_list ap;

	err->code = EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void pb_err_print(const struct pb_err *err)
{
	fprintf(stderr, "pibox: %s\n", err->msg[0] ? err->msg : "failed");
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
	_exit(PB_EXIT_FAILURE);
}

void die_errno(int code, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "pibox: %s (%s)\n", buf, strerror(code < 0 ? -code : code));
	_exit(PB_EXIT_FAILURE);
}
