// SPDX-License-Identifier: MIT
/* prompt.c - the launcher's one-key "[y/N]" questions. */
#include <stdio.h>
#include <termios.h>

#include "util/util.h"

/**
 * pb_ask_yes() - print "@question [y/N] " and read one key
 * @assume_yes:	--yes was given
 * Return: true only for y or Y; without a terminal, false (and says so)
 */
bool pb_ask_yes(const char *question, bool assume_yes)
{
	struct termios old, raw;
	char c = 0;

	fprintf(stderr, "%s [y/N] ", question);
	if (assume_yes) {
		fprintf(stderr, "y (--yes)\n");
		return true;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "n (no terminal to ask on; pass --yes to continue)\n");
		return false;
	}
	tcgetattr(STDIN_FILENO, &old);
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	if (read(STDIN_FILENO, &c, 1) != 1)
		c = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fprintf(stderr, "%c\n", c >= ' ' && c < 127 ? c : 'n');
	return c == 'y' || c == 'Y';
}
