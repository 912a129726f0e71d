/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_RELAY_H
#define PIBOX_RELAY_H

#include <stdbool.h>
#include <termios.h>

/*
 * The supervisor's event loop tags each fd it watches (as passt does) so
 * one switch dispatches every event. Later layers (the proxy) add kinds.
 */
enum loop_tag {
	LOOP_SIGNAL,
	LOOP_STDIN,      /* user's terminal -> box pty */
	LOOP_PTY,        /* box pty -> user's terminal */
	LOOP_PIPE_OUT,   /* box stdout pipe -> our stdout */
	LOOP_PIPE_ERR,   /* box stderr pipe -> our stderr */
};

struct term_state {
	bool raw;
	struct termios saved;
};

int term_make_raw(struct term_state *t);
void term_restore(struct term_state *t);
void term_copy_winsize(int from, int to);
int relay_copy(int from, int to);

#endif
