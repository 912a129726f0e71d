// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "util/util.h"

static void test_size_units(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(pb_parse_size("4g", &v), 0);
	assert_true(v == 4ULL << 30);
	assert_int_equal(pb_parse_size("512M", &v), 0);
	assert_true(v == 512ULL << 20);
	assert_int_equal(pb_parse_size("2KiB", &v), 0);
	assert_true(v == 2048);
	assert_int_equal(pb_parse_size("1.5g", &v), 0);
	assert_true(v == 3ULL << 29);
	assert_int_equal(pb_parse_size("1048576", &v), 0);
	assert_true(v == 1048576);
	assert_int_equal(pb_parse_size("100b", &v), 0);
	assert_true(v == 100);
}

static void test_size_rejects(void **state)
{
	static const char *const bad[] = {
		"", "g", "-1g", "4x", "4gg", "4 g", " 4g", "1.g", "0", "0g",
		"4.5.1g", "99999999999999999999", "1kbx", "16777216t",
	};
	uint64_t v = 7;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_true(pb_parse_size(bad[i], &v) < 0);
		assert_true(v == 7);
	}
	assert_true(pb_parse_size(NULL, &v) < 0);
}

static void test_uint(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(pb_parse_uint("512", 1000, &v), 0);
	assert_true(v == 512);
	assert_int_equal(pb_parse_uint("1001", 1000, &v), -ERANGE);
	assert_int_equal(pb_parse_uint("12a", 1000, &v), -EINVAL);
	assert_int_equal(pb_parse_uint("+1", 1000, &v), -EINVAL);
	assert_int_equal(pb_parse_uint("", 1000, &v), -EINVAL);
	assert_int_equal(pb_parse_uint("184467440737095516160", UINT64_MAX, &v), -ERANGE);
}

static void test_cpus(void **state)
{
	uint32_t m;

	(void)state;
	assert_int_equal(pb_parse_cpus("2", &m), 0);
	assert_int_equal(m, 2000);
	assert_int_equal(pb_parse_cpus("0.5", &m), 0);
	assert_int_equal(m, 500);
	assert_int_equal(pb_parse_cpus("1.25", &m), 0);
	assert_int_equal(m, 1250);
	assert_true(pb_parse_cpus("0", &m) < 0);
	assert_true(pb_parse_cpus("0.001", &m) < 0);
	assert_true(pb_parse_cpus("1.2345", &m) < 0);
	assert_true(pb_parse_cpus("two", &m) < 0);
	assert_true(pb_parse_cpus("5000", &m) < 0);
	assert_true(pb_parse_cpus("1.", &m) < 0);
}

static void test_env_name(void **state)
{
	(void)state;
	assert_true(pb_env_name_valid("FOO_1", 5));
	assert_true(pb_env_name_valid("_x", 2));
	assert_false(pb_env_name_valid("1X", 2));
	assert_false(pb_env_name_valid("A-B", 3));
	assert_false(pb_env_name_valid("", 0));
	assert_false(pb_env_name_valid("A B", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_units),
		cmocka_unit_test(test_size_rejects),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_env_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
