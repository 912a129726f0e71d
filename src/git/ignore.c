// SPDX-License-Identifier: MIT
/* ignore.c - .gitignore hygiene and the current branch, without git. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "git/repo.h"

/* Does the .gitignore text @s already ignore @entry ("x/" or "/x/" or "x")? */
bool git_ignore_has(const char *s, const char *entry)
{
	size_t el = strlen(entry);
	size_t base = entry[el - 1] == '/' ? el - 1 : el;

	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		const char *l = s;

		while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			n--;
		if (n && l[0] == '/')
			l++, n--;
		if (n && l[n - 1] == '/')
			n--;
		if (n == base && strncmp(l, entry, base) == 0)
			return true;
		s += eol ? (size_t)(eol - s) + 1 : strlen(s);
	}
	return false;
}

/**
 * git_ensure_ignored() - append @entry to @root/.gitignore when missing,
 * after a newline if the file's last line lacks one
 * Return: 1 when added, 0 when already there, or -errno
 */
int git_ensure_ignored(const char *root, const char *entry)
{
	char path[4096], buf[65536];
	ssize_t n;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/.gitignore", root);
	n = pb_read_file(path, buf, sizeof(buf));
	if (n < 0 && n != -ENOENT)
		return (int)n;
	if (n < 0)
		n = 0;
	if (git_ignore_has(buf, entry))
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (n > 0 && buf[n - 1] != '\n')
		r = pb_write_all(fd, "\n", 1);
	if (r == 0)
		r = pb_write_all(fd, entry, strlen(entry));
	if (r == 0)
		r = pb_write_all(fd, "\n", 1);
	close(fd);
	return r < 0 ? r : 1;
}

/* The checked-out branch, or "HEAD" when detached. */
void git_branch(const struct git_repo *repo, char *buf, size_t size)
{
	char path[4096], head[512];
	static const char ref[] = "ref: refs/heads/";

	snprintf(buf, size, "HEAD");
	if (!repo->gitdir)
		return;
	snprintf(path, sizeof(path), "%s/HEAD", repo->gitdir);
	if (pb_read_file(path, head, sizeof(head)) <= 0)
		return;
	head[strcspn(head, "\r\n")] = '\0';
	if (strncmp(head, ref, sizeof(ref) - 1) == 0 && head[sizeof(ref) - 1])
		snprintf(buf, size, "%s", head + sizeof(ref) - 1);
}
