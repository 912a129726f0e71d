// SPDX-License-Identifier: MIT
/* fs.c - small file and fd helpers; every fd opened here is O_CLOEXEC. */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "util/util.h"

int pb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * pb_write_fileat() - write @data to an existing file, as one write
 * Return: 0, or -errno
 */
int pb_write_fileat(int dirfd, const char *name, const char *data)
{
	cleanup_fd int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	/* Kernel control files (uid_map, cgroup knobs) want one write. */
	if (write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		return errno ? -errno : -EIO;
	return 0;
}

int pb_write_file(const char *path, const char *data)
{
	return pb_write_fileat(AT_FDCWD, path, data);
}

/**
 * pb_read_file() - read up to @size - 1 bytes of @path, NUL-terminated
 * Return: bytes read, or -errno
 */
ssize_t pb_read_file(const char *path, char *buf, size_t size)
{
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/**
 * pb_mkdir_p() - create @path and its missing parents
 * Return: 0, or -errno
 */
int pb_mkdir_p(const char *path, unsigned int mode)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Creates an empty file (a bind-mount target) unless something is there. */
int pb_touch(const char *path, unsigned int mode)
{
	int fd;

	if (pb_path_exists(path))
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, mode);

	if (fd < 0)
		return errno == EEXIST || errno == EISDIR ? 0 : -errno;
	close(fd);
	return 0;
}

bool pb_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool pb_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/**
 * pb_send_fd() - pass @fd over the unix socket @sock (SCM_RIGHTS)
 * Return: 0, or -errno
 */
int pb_send_fd(int sock, int fd)
{
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/**
 * pb_recv_fd() - receive one fd sent by pb_send_fd(), O_CLOEXEC
 * Return: the fd, or -errno (-EPIPE when the peer closed)
 */
int pb_recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}
