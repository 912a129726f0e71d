#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Measurements for bench/proxy.sh; prints medians and ratios."""
import argparse
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time


def curl_speed(origin, port):
    proxy = ["-p", "-x", f"http://127.0.0.1:{port}"] if port else []
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download}", *proxy,
                          f"http://127.0.0.1:{origin}/big"], capture_output=True, text=True).stdout
    return float(out) / (1 << 20)


def setup_times(origin, port, n=1000):
    times = []
    req = f"CONNECT 127.0.0.1:{origin} HTTP/1.1\r\nHost: 127.0.0.1:{origin}\r\n\r\n".encode()
    for _ in range(n):
        t = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", port or origin))
        if port:
            s.sendall(req)
            buf = b""
            while b"\r\n\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    raise RuntimeError("proxy closed the tunnel")
                buf += chunk
            if not buf.startswith(b"HTTP/1.1 200") and not buf.startswith(b"HTTP/1.0 200"):
                raise RuntimeError(buf[:80])
        times.append((time.perf_counter() - t) * 1000)
        s.close()
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99)]


def wrk_rate(origin, port):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        if port:
            f.write(f'wrk.path = "http://127.0.0.1:{origin}/small"\n'
                    f'wrk.headers["Host"] = "127.0.0.1:{origin}"\n')
        script = f.name
    out = subprocess.run(["wrk", "-t2", "-c32", "-d5s", "-s", script,
                          f"http://127.0.0.1:{port or origin}/small"],
                         capture_output=True, text=True).stdout
    os.unlink(script)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"port {port}: {non2xx.group(1)} refused requests")
    return float(m.group(1)) if m else 0.0


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def rss_per_tunnel(origin, port, pid, n=1000):
    idle = rss_kib(pid)
    socks = []
    req = f"CONNECT 127.0.0.1:{origin} HTTP/1.1\r\nHost: 127.0.0.1:{origin}\r\n\r\n".encode()
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(req)
        socks.append(s)
    for s in socks:
        s.recv(4096)
    time.sleep(0.5)
    loaded = rss_kib(pid)
    for s in socks:
        s.close()
    return idle, (loaded - idle) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--origin", type=int, required=True)
    ap.add_argument("--proxy", action="append", default=[])
    ap.add_argument("--pid", action="append", default=[])
    a = ap.parse_args()
    proxies = [("direct", 0)] + [(p.split("=")[0], int(p.split("=")[1])) for p in a.proxy]
    pids = {p.split("=")[0]: int(p.split("=")[1]) for p in a.pid if p.split("=")[1]}
    res = {}
    for name, port in proxies:
        r = {}
        r["bulk"] = statistics.median(curl_speed(a.origin, port) for _ in range(5))
        r["p50"], r["p99"] = setup_times(a.origin, port)
        r["rate"] = wrk_rate(a.origin, port)
        if name in pids:
            r["idle"], r["per"] = rss_per_tunnel(a.origin, port, pids[name])
        res[name] = r
    print(f"{'':10} {'bulk MiB/s':>11} {'setup p50':>10} {'p99 ms':>8} {'req/s':>9} {'idle RSS':>9} {'KiB/tunnel':>10}")
    for name, r in res.items():
        idle = f"{r['idle'] / 1024:.1f} MiB" if "idle" in r else "-"
        per = f"{r['per']:.1f}" if "per" in r else "-"
        print(f"{name:10} {r['bulk']:11.0f} {r['p50']:10.3f} {r['p99']:8.3f} {r['rate']:9.0f} {idle:>9} {per:>10}")
    pb = res.get("pibox")
    others = [res[n] for n in ("squid", "tinyproxy") if n in res]
    if pb and others:
        best_p50 = min(o["p50"] for o in others)
        best_rate = max(o["rate"] for o in others)
        print()
        print(f"bulk: pibox / direct            = {pb['bulk'] / res['direct']['bulk']:.2f}  (target >= 0.9)")
        print(f"setup p50: best other / pibox   = {best_p50 / pb['p50']:.2f}  (target >= 2)")
        print(f"rate: pibox / best other        = {pb['rate'] / best_rate:.2f}  (target >= 2)")
        print(f"idle RSS: pibox                 = {pb['idle'] / 1024:.2f} MiB  (target <= 2)")
        print(f"per tunnel: pibox               = {pb['per']:.1f} KiB  (target <= 16)")


if __name__ == "__main__":
    main()
