/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_SCOPE_H
#define PIBOX_SCOPE_H

void scope_maybe_reexec(int argc, char **argv);

#endif
