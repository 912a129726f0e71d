// SPDX-License-Identifier: MIT
/* parse.c - numbers and sizes from the command line and config files. */
#include <ctype.h>
#include <string.h>

#include "util/util.h"

/**
 * pb_parse_uint() - a decimal number with no sign, no spaces, at most @max
 * Return: 0, or -EINVAL / -ERANGE
 */
int pb_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* "", "b", "k", "kb", "kib", "m", … (any case) -> multiplier */
static int size_unit(const char *p, uint64_t *mult)
{
	static const char units[] = "bkmgt";
	const char *at;
	char u = (char)tolower((unsigned char)*p);

	*mult = 1;
	if (!u)
		return 0;
	at = strchr(units, u);
	if (!at)
		return -EINVAL;
	*mult = 1ULL << (10 * (at - units));
	p++;
	if (u != 'b') {
		if (*p == 'i' || *p == 'I')
			p++;
		if (*p == 'b' || *p == 'B')
			p++;
	}
	return *p ? -EINVAL : 0;
}

/**
 * pb_parse_size() - "512m", "4g", "1.5G", "1048576", "2KiB" -> bytes
 *
 * Binary units (k = 1024). A size of zero is refused: a zero memory limit
 * would only mean "kill everything".
 * Return: 0, or -EINVAL / -ERANGE
 */
int pb_parse_size(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, fdiv = 1, mult = 1;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (fdiv >= 1000000)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			fdiv *= 10;
		}
	}
	if (size_unit(p, &mult) < 0)
		return -EINVAL;
	if (mult > 1 && whole > UINT64_MAX / mult)
		return -ERANGE;
	whole *= mult;
	whole += frac * mult / fdiv;
	if (whole == 0)
		return -ERANGE;
	*out = whole;
	return 0;
}

/**
 * pb_parse_cpus() - "2", "0.5", "1.25" -> thousandths of a CPU (>= 0.01)
 * Return: 0, or -EINVAL / -ERANGE
 */
int pb_parse_cpus(const char *s, uint32_t *millicpus)
{
	uint64_t whole = 0, frac = 0;
	int digits = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 4096)
			return -ERANGE;
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (digits == 3)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			digits++;
		}
		if (digits == 0)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*p)
		return -EINVAL;
	whole = whole * 1000 + frac;
	if (whole < 10)
		return -ERANGE;
	*millicpus = (uint32_t)whole;
	return 0;
}

/* A POSIX-ish environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool pb_env_name_valid(const char *name, size_t len)
{
	if (len == 0 || isdigit((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}
