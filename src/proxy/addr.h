/* SPDX-License-Identifier: MIT */
#ifndef PIBOX_PROXY_ADDR_H
#define PIBOX_PROXY_ADDR_H

#include <sys/socket.h>

const char *addr_special(const struct sockaddr_storage *ss);
int addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

#endif
