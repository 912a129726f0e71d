// SPDX-License-Identifier: MIT
/*
 * relay.c - the user's terminal on one side, the box's pty on the other.
 *
 * The host's terminal is never handed into the box (TIOCSTI and friends
 * would act on it); the box gets a pty of its own devpts instance, and the
 * supervisor copies bytes and window sizes between the two, with the user's
 * terminal in raw mode so that ^C, ^Z and ^D reach the command as bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sandbox/relay.h"
#include "util/util.h"

static struct term_state *restore_at_exit;

static void restore_atexit(void)
{
	if (restore_at_exit)
		term_restore(restore_at_exit);
}

/**
 * term_make_raw() - put stdin's terminal in raw mode, remembering its state
 * Return: 0, or -errno
 */
int term_make_raw(struct term_state *t)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &t->saved) < 0)
		return -errno;
	raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) < 0)
		return -errno;
	t->raw = true;
	if (!restore_at_exit) {
		restore_at_exit = t;
		atexit(restore_atexit);
	}
	return 0;
}

/* Puts the user's terminal back as it was; safe to call twice. */
void term_restore(struct term_state *t)
{
	if (!t->raw)
		return;
	tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
	t->raw = false;
}

void term_copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/**
 * relay_copy() - move what is readable on @from to @to
 * Return: bytes moved, 0 at end of file (EIO from a pty whose other side
 * closed counts as that), -EAGAIN when nothing was there, or -errno
 */
int relay_copy(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));
	int r;

	if (n < 0)
		return errno == EIO ? 0 : -errno;
	if (n == 0)
		return 0;
	r = pb_write_all(to, buf, (size_t)n);
	return r < 0 ? r : (int)n;
}
