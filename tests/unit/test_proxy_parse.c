// SPDX-License-Identifier: MIT
/* Host canonicaliser, allowlist matcher (against a naive reference), address
 * filter, HTTP head parser, body framing, TLS ClientHello reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "proxy/addr.h"
#include "proxy/http.h"
#include "proxy/policy.h"
#include "proxy/tls.h"

static const char *canon(const char *in)
{
	static struct host h;
	int r = host_canonicalize(in, strlen(in), &h);

	return r < 0 ? host_error_str(r) : h.name;
}

static void test_canonical_names(void **state)
{
	(void)state;
	assert_string_equal(canon("GitHub.COM."), "github.com");
	assert_string_equal(canon("a-b_c.example"), "a-b_c.example");
	assert_string_equal(canon("127.0.0.1"), "127.0.0.1");
	assert_string_equal(canon("2130706433"), "127.0.0.1");
	assert_string_equal(canon("0x7f.0.0.1"), "127.0.0.1");
	assert_string_equal(canon("0177.1"), "127.0.0.1");
	assert_string_equal(canon("0"), "0.0.0.0");
	assert_string_equal(canon("[::1]"), "::1");
	assert_string_equal(canon("[::FFFF:7F00:1]"), "127.0.0.1");
	assert_string_equal(canon("[2001:DB8::1]"), "2001:db8::1");
	assert_string_equal(canon("1.2.3.4.example"), "1.2.3.4.example");
	assert_string_equal(canon("a..b"), host_error_str(HOST_EMPTY_LABEL));
	assert_string_equal(canon(".a"), host_error_str(HOST_EMPTY_LABEL));
	assert_string_equal(canon("11.."), host_error_str(HOST_EMPTY_LABEL)); /* fuzzer */
	assert_string_equal(canon("a.b.."), host_error_str(HOST_EMPTY_LABEL));
	assert_string_equal(canon("a%2eb"), host_error_str(HOST_BAD_CHAR));
	assert_string_equal(canon("u@h"), host_error_str(HOST_BAD_CHAR));
	assert_string_equal(canon("b\xc3\xa4r.de"), host_error_str(HOST_BAD_CHAR));
	assert_string_equal(canon("example.999"), host_error_str(HOST_BAD_ADDR));
	assert_string_equal(canon("[fe80::1%eth0]"), host_error_str(HOST_BAD_ADDR));
	assert_string_equal(canon(""), host_error_str(HOST_EMPTY));
	assert_string_equal(canon("."), host_error_str(HOST_EMPTY));
}

static void test_split_port(void **state)
{
	const char *h;
	size_t n;
	uint16_t port;

	(void)state;
	assert_int_equal(host_split_port("a.b:443", 7, &h, &n, &port), 0);
	assert_int_equal(n, 3);
	assert_int_equal(port, 443);
	assert_int_equal(host_split_port("[::1]:80", 8, &h, &n, &port), 0);
	assert_int_equal(n, 5);
	assert_int_equal(port, 80);
	assert_int_equal(host_split_port("a.b", 3, &h, &n, &port), 0);
	assert_int_equal(port, 0);
	assert_int_equal(host_split_port("a:0", 3, &h, &n, &port), -1);
	assert_int_equal(host_split_port("a:65536", 7, &h, &n, &port), -1);
	assert_int_equal(host_split_port("a:", 2, &h, &n, &port), -1);
	assert_int_equal(host_split_port("::1", 3, &h, &n, &port), -1);
	assert_int_equal(host_split_port("a:8x", 4, &h, &n, &port), -1);
}

/* The obvious, slow definition of "a rule allows a name". */
static bool naive_allows(const char *rule, const char *name, bool *valid)
{
	char r[64], n[64];
	size_t rl, nl;
	bool domain = rule[0] == '.';

	snprintf(r, sizeof(r), "%s", rule + domain);
	snprintf(n, sizeof(n), "%s", name);
	for (char *p = n; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	nl = strlen(n);
	if (nl && n[nl - 1] == '.')
		n[--nl] = '\0';
	*valid = nl > 0 && n[0] != '.' && !strstr(n, "..");
	if (!*valid)
		return false;
	rl = strlen(r);
	if (strcmp(n, r) == 0)
		return true;
	return domain && nl > rl && n[nl - rl - 1] == '.' && strcmp(n + nl - rl, r) == 0;
}

static void test_matcher_against_reference(void **state)
{
	static const char alphabet[] = "abAB.-x";
	static const char *const rules[] = { "ab.x", ".b.x", "a", ".x" };
	struct policy *p = calloc(1, sizeof(*p));
	struct pb_err err;
	unsigned seed = 12345;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		memset(p, 0, sizeof(*p));
		assert_int_equal(policy_add_rule(p, rules[i], &err), 0);
		for (int t = 0; t < 20000; t++) {
			char name[12];
			int len = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 10;
			struct host h;
			bool valid, want;

			for (int k = 0; k < len; k++)
				name[k] = alphabet[((seed = seed * 1103515245 + 12345) >> 16) % 7];
			name[len] = '\0';
			want = naive_allows(rules[i], name, &valid);
			if (host_canonicalize(name, strlen(name), &h) < 0) {
				assert_false(valid && want);
				continue;
			}
			if ((policy_match(p, &h, 443) != NULL) != want)
				fail_msg("rule %s, name %s: matcher %d, reference %d", rules[i],
					 name, policy_match(p, &h, 443) != NULL, want);
		}
	}
	free(p);
}

static void test_rules_and_ports(void **state)
{
	struct policy *p = calloc(1, sizeof(*p));
	struct pb_err err;
	struct host h;

	(void)state;
	assert_int_equal(policy_add_defaults(p, &err), 0);
	assert_int_equal(policy_add_rule(p, "ollama.test:11434", &err), 0);
	assert_int_equal(policy_add_rule(p, "[::1]:8080", &err), 0);
	assert_true(policy_add_rule(p, ".10.0.0.1", &err) < 0);
	assert_true(policy_add_rule(p, "bad..name", &err) < 0);
	assert_true(policy_add_rule(p, "x:99999", &err) < 0);
	host_canonicalize("api.githubcopilot.com", 21, &h);
	assert_non_null(policy_match(p, &h, 443));
	assert_non_null(policy_match(p, &h, 80));
	assert_null(policy_match(p, &h, 22));
	host_canonicalize("evilgithubcopilot.com", 21, &h);
	assert_null(policy_match(p, &h, 443));
	host_canonicalize("ollama.test", 11, &h);
	assert_non_null(policy_match(p, &h, 11434));
	assert_null(policy_match(p, &h, 443));
	host_canonicalize("[0::1]", 6, &h);
	assert_non_null(policy_match(p, &h, 8080));
	host_canonicalize("github.com", 10, &h);
	assert_false(policy_rule_allows_special(policy_match(p, &h, 443)));
	free(p);
}

static const char *special(const char *addr)
{
	struct host h;

	assert_int_equal(host_canonicalize(addr, strlen(addr), &h), 0);
	return addr_special(&h.addr);
}

static void test_special_addresses(void **state)
{
	(void)state;
	assert_non_null(special("127.0.0.1"));
	assert_non_null(special("10.1.2.3"));
	assert_non_null(special("172.16.0.1"));
	assert_non_null(special("192.168.1.1"));
	assert_non_null(special("169.254.169.254"));
	assert_non_null(special("100.64.0.1"));
	assert_non_null(special("0.0.0.0"));
	assert_non_null(special("224.0.0.1"));
	assert_non_null(special("[::1]"));
	assert_non_null(special("[::]"));
	assert_non_null(special("[fd00::1]"));
	assert_non_null(special("[fe80::1]"));
	assert_non_null(special("[ff02::1]"));
	assert_non_null(special("[::ffff:10.0.0.1]"));
	assert_non_null(special("[64:ff9b::7f00:1]"));
	assert_null(special("93.184.216.34"));
	assert_null(special("172.32.0.1"));
	assert_null(special("[2606:4700::1111]"));
}

static void test_request_heads(void **state)
{
	struct http_msg m;
	const char *why;
	const char *ok = "GET http://a.test:8080/p?q=1 HTTP/1.1\r\nHost: a.test:8080\r\n"
			 "Content-Length: 3\r\nProxy-Connection: keep-alive\r\n\r\nabc";
	const char *conn = "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n";

	(void)state;
	assert_int_equal(http_parse_request(ok, strlen(ok), &m, &why), HTTP_DONE);
	assert_int_equal(m.head_len, strlen(ok) - 3);
	assert_int_equal(m.body.kind, BODY_LENGTH);
	assert_true(m.body.remaining == 3);
	assert_int_equal(m.path.n, 6);
	assert_int_equal(m.authority.n, 11);
	assert_int_equal(http_parse_request(ok, 20, &m, &why), HTTP_NEED_MORE);
	assert_int_equal(http_parse_request(conn, strlen(conn), &m, &why), HTTP_DONE);
	assert_true(m.is_connect);
#define BAD(s, want) assert_int_equal(http_parse_request(s, strlen(s), &m, &why), want)
	BAD("GET http://a/ HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", HTTP_UNSUPPORTED);
	BAD("GET http://a/ HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/1.1\r\nHost : a\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/1.1\nHost: a\r\n\r\n", HTTP_BAD);
	BAD("GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_BAD);
	BAD("GET /relative HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_BAD);
	BAD("GET https://a/ HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/2.0\r\nHost: a\r\n\r\n", HTTP_UNSUPPORTED);
	BAD("GET http://a/ x HTTP/1.1\r\nHost: a\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/1.1\r\n\r\n", HTTP_BAD);
	BAD("GET http://a/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", HTTP_BAD);
#undef BAD
}

static void test_too_big(void **state)
{
	char *big = malloc(HTTP_HEAD_MAX + 100);
	struct http_msg m;
	const char *why;

	(void)state;
	memset(big, 'a', HTTP_HEAD_MAX + 100);
	memcpy(big, "GET http://a/ HTTP/1.1\r\nX: ", 27);
	assert_int_equal(http_parse_request(big, HTTP_HEAD_MAX + 100, &m, &why), HTTP_TOO_BIG);
	free(big);
}

static void test_chunked_framing(void **state)
{
	struct body b = { .kind = BODY_CHUNKED };
	const char *s = "5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\nNEXT";

	(void)state;
	/* fed one byte at a time, it must stop exactly before NEXT */
	size_t used = 0;
	for (size_t i = 0; i < strlen(s) && !b.done; i++)
		used += (size_t)body_consume(&b, s + i, 1);
	assert_true(b.done);
	assert_int_equal(used, strlen(s) - 4);
	b = (struct body){ .kind = BODY_CHUNKED };
	assert_int_equal(body_consume(&b, "zz\r\n", 4), -1);
	b = (struct body){ .kind = BODY_CHUNKED };
	assert_int_equal(body_consume(&b, "3\r\nabcX\r\n", 9), -1);
	b = (struct body){ .kind = BODY_LENGTH, .remaining = 4 };
	assert_int_equal(body_consume(&b, "abcdef", 6), 4);
	assert_true(b.done);
}

static void test_responses(void **state)
{
	struct http_msg m;
	const char *why;
	const char *r1 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	const char *r2 = "HTTP/1.1 204 No Content\r\n\r\n";
	const char *r3 = "HTTP/1.0 200 OK\r\n\r\nbody until close";

	(void)state;
	assert_int_equal(http_parse_response(r1, strlen(r1), false, &m, &why), HTTP_DONE);
	assert_int_equal(m.body.kind, BODY_LENGTH);
	assert_int_equal(http_parse_response(r1, strlen(r1), true, &m, &why), HTTP_DONE);
	assert_int_equal(m.body.kind, BODY_NONE);
	assert_int_equal(http_parse_response(r2, strlen(r2), false, &m, &why), HTTP_DONE);
	assert_true(m.body.done);
	assert_int_equal(http_parse_response(r3, strlen(r3), false, &m, &why), HTTP_DONE);
	assert_int_equal(m.body.kind, BODY_UNTIL_CLOSE);
	assert_true(m.conn_close);
}

/* A minimal TLS 1.2 ClientHello carrying server_name @name. */
static size_t make_hello(uint8_t *out, const char *name)
{
	uint8_t body[512];
	size_t n = 0, nl = strlen(name), ext_len = 5 + nl;
	size_t hs;

	body[n++] = 3, body[n++] = 3;
	memset(body + n, 7, 32), n += 32;
	body[n++] = 0;                                   /* session id */
	body[n++] = 0, body[n++] = 2, body[n++] = 0x13, body[n++] = 0x01;
	body[n++] = 1, body[n++] = 0;                    /* compression */
	body[n++] = 0, body[n++] = (uint8_t)(4 + ext_len);
	body[n++] = 0, body[n++] = 0;                    /* server_name */
	body[n++] = 0, body[n++] = (uint8_t)(ext_len);
	body[n++] = 0, body[n++] = (uint8_t)(nl + 3);
	body[n++] = 0;
	body[n++] = 0, body[n++] = (uint8_t)nl;
	memcpy(body + n, name, nl), n += nl;
	hs = n;
	out[0] = 0x16, out[1] = 3, out[2] = 1;
	out[3] = (uint8_t)((hs + 4) >> 8), out[4] = (uint8_t)(hs + 4);
	out[5] = 1, out[6] = 0, out[7] = (uint8_t)(hs >> 8), out[8] = (uint8_t)hs;
	memcpy(out + 9, body, hs);
	return hs + 9;
}

static void test_client_hello(void **state)
{
	uint8_t h[600], split[700];
	char sni[256];
	size_t n = make_hello(h, "example.test"), body = n - 5;

	(void)state;
	assert_int_equal(tls_client_hello_sni(h, n, sni, sizeof(sni)), TLS_OK);
	assert_string_equal(sni, "example.test");
	for (size_t k = 0; k < n; k++)
		assert_int_equal(tls_client_hello_sni(h, k, sni, sizeof(sni)),
				 k >= 1 && h[0] != 0x16 ? TLS_NOT_TLS : TLS_NEED_MORE);
	/* the same handshake split over two records */
	memcpy(split, h, 5);
	split[3] = 0, split[4] = 10;
	memcpy(split + 5, h + 5, 10);
	split[15] = 0x16, split[16] = 3, split[17] = 1;
	split[18] = (uint8_t)((body - 10) >> 8), split[19] = (uint8_t)(body - 10);
	memcpy(split + 20, h + 15, body - 10);
	assert_int_equal(tls_client_hello_sni(split, n + 5, sni, sizeof(sni)), TLS_OK);
	assert_string_equal(sni, "example.test");
	assert_int_equal(tls_client_hello_sni((const uint8_t *)"GET / HTTP/1.1\r\n", 16, sni, sizeof(sni)),
			 TLS_NOT_TLS);
	h[5] = 2; /* ServerHello, not ClientHello */
	assert_int_equal(tls_client_hello_sni(h, n, sni, sizeof(sni)), TLS_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_names),
		cmocka_unit_test(test_split_port),
		cmocka_unit_test(test_matcher_against_reference),
		cmocka_unit_test(test_rules_and_ports),
		cmocka_unit_test(test_special_addresses),
		cmocka_unit_test(test_request_heads),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_chunked_framing),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_client_hello),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
