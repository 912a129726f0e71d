/* SPDX-License-Identifier: MIT */
/*
 * util.h - scoped cleanup, error objects and small helpers shared by every
 * part of pibox.
 *
 * Two error regimes live side by side (see STYLE.md):
 *  - init, inside the box before exec, calls die()/die_errno(): a half-built
 *    sandbox must never run anything;
 *  - the supervisor returns -errno and fills a struct pb_err that only the
 *    caller at the top (a cli_* function) prints.
 */
#ifndef PIBOX_UTIL_H
#define PIBOX_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define PB_EXIT_FAILURE 125 /* pibox failed before the command started */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void pb_freep(void *p)
{
	free(*(void **)p);
}

static inline void pb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define cleanup_free __attribute__((cleanup(pb_freep)))
#define cleanup_fd __attribute__((cleanup(pb_closep)))

/* A failure on its way up to the one place that prints it. */
struct pb_err {
	int code;       /* positive errno, 0 when unset */
	char msg[512];  /* "layer: what failed: strerror - what to do" */
};

int pb_err_set(struct pb_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pb_err_usage(struct pb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pb_err_print(const struct pb_err *err);

/* Logging to stderr, each line prefixed with "pibox: ". */
extern int pb_verbosity; /* 0 quiet, 1 normal, 2 verbose */
void pb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pb_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fs.c */
int pb_write_file(const char *path, const char *data);
int pb_write_fileat(int dirfd, const char *name, const char *data);
ssize_t pb_read_file(const char *path, char *buf, size_t size);
int pb_mkdir_p(const char *path, unsigned int mode);
int pb_touch(const char *path, unsigned int mode);
bool pb_path_exists(const char *path);
bool pb_is_dir(const char *path);
int pb_write_all(int fd, const void *buf, size_t len);
int pb_send_fd(int sock, int fd);
int pb_recv_fd(int sock);

/* prompt.c */
bool pb_ask_yes(const char *question, bool assume_yes);

/* run.c */
int pb_run(char *const argv[], char *out, size_t size, int timeout_ms, bool quiet);

/* parse.c */
int pb_parse_size(const char *s, uint64_t *out);
int pb_parse_uint(const char *s, uint64_t max, uint64_t *out);
int pb_parse_cpus(const char *s, uint32_t *millicpus);
bool pb_env_name_valid(const char *name, size_t len);

#endif
