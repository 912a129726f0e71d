# SPDX-License-Identifier: MIT
"""The allowlist proxy: real clients (curl, git, openssl, python sockets)
against servers started here on loopback, through `pibox proxy` and through
the proxy a `pibox exec` box gets. Every refusal is checked in the answer
and in the audit log."""
import json
import re
import os
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

import pytest

from conftest import PIBOX, git
from netutil import Dns, GitBackend, Origin, free_port, raw, serve, wait_port


@pytest.fixture
def origin():
    srv = serve(Origin)
    yield srv.server_address[1]
    srv.shutdown()


class Proxy:
    def __init__(self, args, tmp):
        self.port = free_port()
        self.audit = os.path.join(tmp, "audit.log")
        self.proc = subprocess.Popen(
            [PIBOX, "proxy", "--listen", f"127.0.0.1:{self.port}", "--audit-log", self.audit,
             "--config", os.devnull, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert wait_port(self.port), self.proc.stderr.read() if self.proc.poll() is not None else "no port"
        self.url = f"http://127.0.0.1:{self.port}"

    def lines(self):
        if not os.path.exists(self.audit):
            return []
        with open(self.audit) as f:
            return [json.loads(l) for l in f if l.strip()]

    def last(self, wait=3.0, count=None):
        """The newest audit line, once there are @count lines (default: any).
        A tunnel's line is written when it closes, a moment after the client
        is done, so tests that expect a new line say how many."""
        deadline = time.time() + wait
        while time.time() < deadline:
            lines = self.lines()
            if lines and (count is None or len(lines) >= count):
                return lines[-1]
            time.sleep(0.02)
        raise AssertionError(f"no audit line (have {len(self.lines())}, want {count})")

    def curl(self, url, *extra):
        return subprocess.run(["curl", "-sS", "--max-time", "10", "-x", self.url, *extra, url],
                              capture_output=True, text=True)

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=5)


@pytest.fixture
def start_proxy():
    tmp = tempfile.mkdtemp(prefix="pibox-proxy-")
    made = []

    def start(*args):
        p = Proxy(args, tmp)
        made.append(p)
        return p
    yield start
    for p in made:
        if p.proc.poll() is None:
            p.stop()
    shutil.rmtree(tmp, ignore_errors=True)


def test_forward_and_tunnel_reach_an_allowed_origin(start_proxy, origin):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1")
    r = p.curl(f"http://example.test:{origin}/fwd")
    assert r.returncode == 0 and "hello from origin /fwd" in r.stdout, r.stderr
    line = p.last()
    assert (line["verdict"], line["method"], line["host"], line["rule"]) == \
        ("allow", "GET", "example.test", f"example.test:{origin}")
    assert line["addr"] == "127.0.0.1" and line["bytes_down"] > 0
    r = p.curl(f"http://example.test:{origin}/tun", "--proxytunnel")
    assert "hello from origin /tun" in r.stdout, r.stderr
    assert p.last(count=2)["method"] == "CONNECT"


def test_keep_alive_requests_are_each_decided(start_proxy, origin):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1")
    req = (f"GET http://example.test:{origin}/a HTTP/1.1\r\nHost: example.test:{origin}\r\n\r\n"
           f"POST http://example.test:{origin}/b HTTP/1.1\r\nHost: example.test:{origin}\r\n"
           "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
           f"GET http://evil.test:{origin}/c HTTP/1.1\r\nHost: evil.test:{origin}\r\n\r\n").encode()
    out = raw(p.port, req).decode()
    assert "hello from origin /a" in out and "got 5 bytes" in out
    assert "403 Forbidden" in out and "--allow evil.test:" in out
    verdicts = [(l["method"], l["host"], l["verdict"]) for l in p.lines()]
    assert verdicts == [("GET", "example.test", "allow"), ("POST", "example.test", "allow"),
                        ("GET", "evil.test", "deny")]


def test_not_allowlisted_host_is_refused_with_the_rule_to_add(start_proxy):
    p = start_proxy()
    r = p.curl("http://evil.test/")
    assert "evil.test:80 is not on the allowlist" in r.stdout
    assert "--allow evil.test" in r.stdout
    line = p.last()
    assert line["verdict"] == "deny" and line["host"] == "evil.test" and "allowlist" in line["reason"]
    r = p.curl("https://evil.test/")
    assert "403" in r.stderr


def test_allowed_host_on_an_unlisted_port_is_refused(start_proxy):
    p = start_proxy("--allow", "example.test")
    out = raw(p.port, b"CONNECT example.test:22 HTTP/1.1\r\nHost: example.test:22\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 403") and b"--allow example.test:22" in out
    assert p.last()["port"] == 22


@pytest.mark.parametrize("spelling,canonical", [
    ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"), ("127.1", "127.0.0.1"), ("0", "0.0.0.0"),
    ("0x7f.1", "127.0.0.1"), ("[::1]", "::1"), ("[::ffff:127.0.0.1]", "127.0.0.1"),
    ("169.254.169.254", "169.254.169.254"), ("[0:0:0:0:0:ffff:7f00:1]", "127.0.0.1"),
])
def test_ip_literals_in_every_spelling_are_refused(start_proxy, origin, spelling, canonical):
    p = start_proxy("--allow", f"example.test:{origin}")
    out = raw(p.port, f"CONNECT {spelling}:{origin} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert out.startswith(b"HTTP/1.1 403"), out
    line = p.last()
    assert line["host"] == canonical and line["verdict"] == "deny"


def test_an_ip_rule_allows_exactly_that_address(start_proxy, origin):
    p = start_proxy("--allow", f"127.0.0.1:{origin}")
    out = raw(p.port, f"GET http://2130706433:{origin}/ip HTTP/1.1\r\nHost: 2130706433:{origin}\r\nConnection: close\r\n\r\n".encode())
    assert b"hello from origin /ip" in out
    out = raw(p.port, f"GET http://127.0.0.2:{origin}/ HTTP/1.1\r\nHost: 127.0.0.2:{origin}\r\n\r\n".encode())
    assert out.startswith(b"HTTP/1.1 403")


def test_localhost_needs_its_own_rule(start_proxy, origin):
    p = start_proxy()
    r = p.curl(f"http://localhost:{origin}/")
    assert "not on the allowlist" in r.stdout
    p2 = start_proxy("--allow", f"localhost:{origin}")
    r = p2.curl(f"http://localhost:{origin}/lh")
    assert "hello from origin /lh" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("name,addr,kind", [
    ("rebind.test", "127.0.0.1", "loopback"),
    ("meta.test", "169.254.169.254", "link-local"),
    ("private.test", "10.1.2.3", "private"),
    ("cgnat.test", "100.64.0.1", "carrier-grade"),
])
def test_dns_answers_with_special_addresses_are_refused(start_proxy, origin, name, addr, kind):
    dns = Dns({name: addr})
    try:
        p = start_proxy("--allow", f"{name}:{origin}", "--dns-server", f"127.0.0.1:{dns.port}")
        r = p.curl(f"http://{name}:{origin}/")
        assert "403" in r.stdout or "resolves to" in r.stdout, r.stdout
        assert f"resolves to {addr}" in r.stdout and kind in r.stdout
        line = p.last()
        assert line["verdict"] == "deny" and line["addr"] == ""
        assert name in dns.queries
    finally:
        dns.close()


def test_denied_names_are_never_resolved(start_proxy):
    dns = Dns({"leak.test": "127.0.0.1"})
    try:
        p = start_proxy("--dns-server", f"127.0.0.1:{dns.port}")
        p.curl("http://secret-data.leak.test/")
        assert dns.queries == []
    finally:
        dns.close()


def test_pinned_name_may_be_private(start_proxy, origin):
    p = start_proxy("--allow", f"pinned.test:{origin}", "--resolve", "pinned.test:127.0.0.1")
    assert "hello from origin" in p.curl(f"http://pinned.test:{origin}/").stdout


def test_trailing_dot_and_case_variants(start_proxy, origin):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1")
    out = raw(p.port, f"CONNECT EXAMPLE.Test.:{origin} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), timeout=1)
    assert out.startswith(b"HTTP/1.1 200")
    assert p.last()["host"] == "example.test"
    for bad in ("example..test", ".example.test", "exa mple.test", "ex%61mple.test", "exämple.test"):
        out = raw(p.port, f"CONNECT {bad}:{origin} HTTP/1.1\r\nHost: x\r\n\r\n".encode("utf-8"))
        assert out.startswith(b"HTTP/1.1 400"), (bad, out)


def test_userinfo_trick_is_refused(start_proxy, origin):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1")
    out = raw(p.port, f"GET http://example.test:{origin}@evil.test/ HTTP/1.1\r\nHost: evil.test\r\n\r\n".encode())
    assert out.startswith(b"HTTP/1.1 400") and b"user@host" in out
    out = raw(p.port, f"GET http://user@example.test:{origin}/ HTTP/1.1\r\nHost: example.test:{origin}\r\n\r\n".encode())
    assert out.startswith(b"HTTP/1.1 400")


def test_absolute_uri_and_host_header_must_agree(start_proxy, origin):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1")
    out = raw(p.port, f"GET http://example.test:{origin}/ HTTP/1.1\r\nHost: evil.test\r\n\r\n".encode())
    assert out.startswith(b"HTTP/1.1 400") and b"Host header" in out


@pytest.mark.parametrize("head", [
    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    "Content-Length: 5\r\nContent-Length: 6\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
    " folded: header\r\n",
])
def test_smuggling_shapes_are_refused(start_proxy, origin, head):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1")
    out = raw(p.port, (f"POST http://example.test:{origin}/ HTTP/1.1\r\nHost: example.test:{origin}\r\n"
                       f"{head}\r\nhello0\r\n\r\n").encode())
    assert out.startswith(b"HTTP/1.1 400") or out.startswith(b"HTTP/1.1 501"), out
    assert p.last()["verdict"] == "deny"


def test_oversized_head_is_refused(start_proxy):
    p = start_proxy()
    out = raw(p.port, b"GET http://x.test/ HTTP/1.1\r\nHost: x.test\r\nX: " + b"a" * 20000 + b"\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 431")


def test_slowloris_head_times_out(start_proxy):
    p = start_proxy("--head-timeout", "400")
    s = socket.create_connection(("127.0.0.1", p.port), timeout=5)
    start = time.time()
    s.sendall(b"GET http://x.test/ HTTP/1.1\r\n")
    out = b""
    for _ in range(20):
        try:
            s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            break
        time.sleep(0.1)
    try:
        out = s.recv(4096)
    except OSError:
        pass
    assert out.startswith(b"HTTP/1.1 408"), out
    assert time.time() - start < 3
    assert p.last()["verdict"] == "timeout"


def test_non_tls_bytes_on_443_are_refused(start_proxy, origin):
    p = start_proxy("--allow", f"example.test:{origin}", "--resolve", "example.test:127.0.0.1",
                    "--tls-port", str(origin))
    out = raw(p.port, f"CONNECT example.test:{origin} HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.0\r\n\r\n".encode())
    assert out == b"HTTP/1.1 200 Connection established\r\n\r\n"  # then closed
    line = p.last()
    assert line["verdict"] == "deny" and "not a TLS ClientHello" in line["reason"]
    assert line["bytes_up"] == 0 and line["addr"] == ""


@pytest.fixture
def tls_origin(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=example.test",
                    "-addext", "subjectAltName=DNS:example.test"], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", cert,
                             "-key", key, "-www", "-quiet"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    assert wait_port(port)
    yield port, str(cert)
    proc.kill()
    proc.wait()


def test_tls_with_matching_sni_passes(start_proxy, tls_origin):
    port, cert = tls_origin
    p = start_proxy("--allow", f"example.test:{port}", "--resolve", "example.test:127.0.0.1",
                    "--tls-port", str(port))
    r = p.curl(f"https://example.test:{port}/", "--cacert", cert)
    assert r.returncode == 0 and "s_server" in r.stdout, r.stderr
    assert p.last()["verdict"] == "allow"


def test_sni_mismatch_is_refused(start_proxy, tls_origin):
    port, cert = tls_origin
    p = start_proxy("--allow", f"example.test:{port}", "--resolve", "example.test:127.0.0.1",
                    "--tls-port", str(port))
    r = subprocess.run(["openssl", "s_client", "-proxy", f"127.0.0.1:{p.port}", "-connect",
                        f"example.test:{port}", "-servername", "evil.test"],
                       input="", capture_output=True, text=True, timeout=10)
    assert "BEGIN CERTIFICATE" not in r.stdout
    line = p.last()
    assert line["verdict"] == "deny" and "differs from the CONNECT host" in line["reason"]


def test_split_client_hello_still_parses(start_proxy, tls_origin):
    """The ClientHello arrives one byte at a time: still checked, then passed."""
    port, cert = tls_origin
    p = start_proxy("--allow", f"example.test:{port}", "--resolve", "example.test:127.0.0.1",
                    "--tls-port", str(port))
    s = socket.create_connection(("127.0.0.1", p.port), timeout=5)
    s.sendall(f"CONNECT example.test:{port} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert s.recv(100).startswith(b"HTTP/1.1 200")
    ctx = ssl.create_default_context(cafile=cert)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="example.test")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = out.read()
    for b in hello:
        s.sendall(bytes([b]))
        time.sleep(0.001)
    s.settimeout(5)
    data = s.recv(5)
    assert data[:1] == b"\x16", data  # the server's handshake came back
    s.close()


def test_connection_cap_answers_503_and_survives(start_proxy, origin):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    p = start_proxy("--max-conns", "100", "--allow", f"example.test:{origin}",
                    "--resolve", "example.test:127.0.0.1")
    socks, refused = [], 0
    try:
        for _ in range(2000):
            s = socket.socket()
            s.settimeout(5)
            s.connect(("127.0.0.1", p.port))
            socks.append(s)
        for s in socks[150:]:
            data = s.recv(200)
            refused += data.startswith(b"HTTP/1.1 503")
        assert refused >= 1800, refused
    finally:
        for s in socks:
            s.close()
    time.sleep(0.3)
    assert p.proc.poll() is None
    assert "hello from origin" in p.curl(f"http://example.test:{origin}/after").stdout


def test_public_listen_needs_a_token(start_proxy, tmp_path):
    port = free_port()
    r = subprocess.run([PIBOX, "proxy", "--listen", f"0.0.0.0:{port}"], capture_output=True, text=True, timeout=5)
    assert r.returncode == 125 and "--public" in r.stderr
    r = subprocess.run([PIBOX, "proxy", "--listen", f"0.0.0.0:{port}", "--public"],
                       capture_output=True, text=True, timeout=5)
    assert r.returncode == 125 and "--token-file" in r.stderr
    tok = tmp_path / "token"
    tok.write_text("s3cret-token-for-tests\n")
    p = start_proxy("--token-file", str(tok))
    out = raw(p.port, b"CONNECT evil.test:443 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 407")
    r = p.curl("http://evil.test/", "--proxy-user", "u:s3cret-token-for-tests")
    assert "not on the allowlist" in r.stdout


def test_sighup_reloads_and_sigterm_stops(start_proxy, tmp_path, origin):
    cfg = tmp_path / "c.ini"
    cfg.write_text("[network]\nresolve = example.test:127.0.0.1\n")
    p = start_proxy("--config", str(cfg))
    assert "not on the allowlist" in p.curl(f"http://example.test:{origin}/").stdout
    cfg.write_text(f"[network]\nresolve = example.test:127.0.0.1\nallow = example.test:{origin}\n")
    p.proc.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    assert "hello from origin" in p.curl(f"http://example.test:{origin}/").stdout
    assert p.stop() == 0


def test_bad_config_line_fails_closed(tmp_path):
    cfg = tmp_path / "c.ini"
    cfg.write_text("[network]\nallow = good.test\nallow = bad..test\n")
    r = subprocess.run([PIBOX, "proxy", "--config", str(cfg)], capture_output=True, text=True, timeout=5)
    assert r.returncode == 125
    assert f"{cfg}:3" in r.stderr and "empty label" in r.stderr


# ---- the box's own proxy ------------------------------------------------------

def test_box_reaches_only_the_allowlist(repo, origin, tmp_path):
    audit = tmp_path / "audit.log"
    os.chmod(tmp_path, 0o777)
    r = repo.exec("sh", "-c",
                  f"curl -sS --max-time 5 http://example.test:{origin}/in-box; "
                  f"curl -sS --max-time 5 http://evil.test:{origin}/ ; "
                  "curl -sS --max-time 5 -o /dev/null -w '%{http_code}' https://example.com/; echo",
                  opts=("--config", os.devnull, "--allow", f"example.test:{origin}",
                        "--resolve", "example.test:127.0.0.1", "--audit-log", str(audit)))
    assert "hello from origin /in-box" in r.stdout, r.stdout + r.stderr
    assert "evil.test" in r.stdout and "not on the allowlist" in r.stdout
    lines = [json.loads(l) for l in audit.read_text().splitlines()]
    assert [(l["host"], l["verdict"], l["client"]) for l in lines] == [
        ("example.test", "allow", "box"), ("evil.test", "deny", "box"), ("example.com", "deny", "box")]
    assert len({l["session"] for l in lines}) == 1
    out = subprocess.run([PIBOX, "logs", "--denied", "--audit-log", str(audit)],
                         capture_output=True, text=True).stdout
    assert "evil.test" in out and "example.com" in out and "in-box" not in out
    js = subprocess.run([PIBOX, "logs", "--json", "--audit-log", str(audit)],
                        capture_output=True, text=True).stdout.splitlines()
    assert len(js) == 3 and json.loads(js[0])["verdict"] == "allow"


def test_no_network_means_no_proxy(repo, origin):
    r = repo.exec("sh", "-c", "env | grep -ci proxy; curl -sS --max-time 3 -x http://127.0.0.1:3128 http://example.test/",
                  opts=("--no-network", "--config", os.devnull))
    assert r.stdout.split()[0] == "0"
    assert "Couldn't connect" in r.stderr or "Failed to connect" in r.stderr


def test_box_proxy_port_is_not_reachable_from_the_host(repo):
    probe = socket.socket()
    if probe.connect_ex(("127.0.0.1", 3128)) == 0:
        probe.close()
        pytest.skip("something on this host already listens on 127.0.0.1:3128")
    probe.close()
    p = subprocess.Popen([PIBOX, "exec", "--config", os.devnull, "--", "sh", "-c", "echo ready; sleep 5"],
                         cwd=repo.path, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        s = socket.socket()
        assert s.connect_ex(("127.0.0.1", 3128)) != 0
        s.close()
    finally:
        p.kill()
        p.wait()


def test_git_clone_over_smart_http_from_the_box(repo, tmp_path):
    src = tmp_path / "srv"
    src.mkdir()
    bare = src / "proj.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    work = tmp_path / "w"
    subprocess.run(["git", "clone", "-q", str(bare), str(work)], check=True, capture_output=True)
    (work / "f.txt").write_text("over http\n")
    git(str(work), "add", "f.txt")
    git(str(work), "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "c")
    git(str(work), "push", "-q", "origin", "HEAD:main")
    GitBackend.root = str(src)
    srv = serve(GitBackend)
    port = srv.server_address[1]
    try:
        r = repo.exec("sh", "-c", f"git clone -q http://git.test:{port}/proj.git cloned && cat cloned/f.txt",
                      opts=("--config", os.devnull, "--allow", f"git.test:{port}",
                            "--resolve", "git.test:127.0.0.1"))
        assert r.returncode == 0, r.stderr
        assert "over http" in r.stdout
    finally:
        srv.shutdown()


def test_forward_makes_a_host_service_reachable_in_the_box(repo, origin):
    r = repo.exec("curl", "-sS", "--max-time", "5", f"http://127.0.0.1:{origin}/fwd-relay",
                  opts=("--config", os.devnull, "--forward", str(origin)))
    assert "hello from origin /fwd-relay" in r.stdout, r.stderr


def test_publish_makes_a_box_port_reachable_on_the_host(repo):
    host_port, box_port = free_port(), free_port()
    p = subprocess.Popen([PIBOX, "exec", "--config", os.devnull, "--publish", f"{host_port}:{box_port}",
                          "--", "python3", "-m", "http.server", str(box_port), "--bind", "127.0.0.1"],
                         cwd=repo.path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        out = ""
        while time.time() < deadline:
            r = subprocess.run(["curl", "-sS", "--max-time", "2", f"http://127.0.0.1:{host_port}/"],
                               capture_output=True, text=True)
            if "Directory listing" in r.stdout:
                out = r.stdout
                break
            time.sleep(0.1)
        assert "pibox-probe" in out
    finally:
        p.terminate()
        p.wait(timeout=5)


def test_repo_config_may_only_narrow_unless_trusted(repo, origin, tmp_path):
    cfg = tmp_path / "xdg"
    cfg.mkdir()
    env = dict(os.environ, XDG_CONFIG_HOME=str(cfg))
    ini = os.path.join(repo.path, ".pibox.ini")
    with open(ini, "w") as f:
        f.write(f"[network]\nallow = a.test:{origin}\nallow = evil.test:{origin}\n"
                "resolve = evil.test:127.0.0.1\n[limits]\npids = 64\n")
    repo.chown()
    fetch = ("sh", "-c", f"curl -sS --max-time 5 http://a.test:{origin}/a; "
             f"curl -sS --max-time 5 http://b.test:{origin}/b; echo; grep processes /proc/self/limits")
    opts = ("--config", os.devnull, "--allow", f"a.test:{origin}", "--allow", f"b.test:{origin}",
            "--resolve", "a.test:127.0.0.1", "--resolve", "b.test:127.0.0.1")
    r = repo.exec(*fetch, opts=opts, env=env)
    assert "hello from origin /a" in r.stdout
    assert "b.test:" in r.stdout and "not on the allowlist" in r.stdout  # narrowed away
    assert "ignoring 'allow = evil.test" in r.stderr and "ignoring [network] resolve" in r.stderr
    assert re.search(r"Max processes +64 ", r.stdout)  # limits may go down
    t = subprocess.run([PIBOX, "trust"], cwd=repo.path, env=env, capture_output=True, text=True)
    assert t.returncode == 0, t.stderr
    r = repo.exec("curl", "-sS", "--max-time", "5", f"http://evil.test:{origin}/e", opts=opts, env=env)
    assert "hello from origin /e" in r.stdout, r.stdout + r.stderr
    with open(ini, "a") as f:
        f.write("[box]\nrw = /\n")  # the file changed: no longer trusted
    r = repo.exec("curl", "-sS", "--max-time", "5", f"http://evil.test:{origin}/e", opts=opts, env=env)
    assert "not on the allowlist" in r.stdout and "only a trusted file" in r.stderr


@pytest.mark.parametrize("args,needle", [
    (["--memory", "2g"], "applies to boxes"),
    (["--publish", "8080"], "applies to boxes"),
    (["--bogus"], "unknown option '--bogus'"),
    (["--allow", "bad..host"], "empty label"),
])
def test_proxy_refuses_what_it_cannot_use(args, needle):
    r = subprocess.run([PIBOX, "proxy", "--listen", "127.0.0.1:1", *args],
                       capture_output=True, text=True, timeout=5)
    assert r.returncode == 125 and needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
