#!/usr/bin/env bash
# The proxy side by side with squid and tinyproxy (Debian packages, each
# with an allowlist and no cache) and with no proxy, on loopback, in one run:
#   bulk     CONNECT tunnel throughput for a 100 MiB body (MiB/s, median of 5)
#   setup    1,000 sequential CONNECT tunnels: p50 / p99 (ms)
#   rate     keep-alive forward requests with an absolute URI (wrk, req/s)
#   rss      idle RSS, and RSS per open tunnel with 1,000 tunnels open
# Needs: nginx-light (the origin), squid, tinyproxy, wrk, curl, python3.
# Not a CI test. Run as root (squid drops to its own user).
set -euo pipefail
pibox=${PIBOX_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/pibox}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pibox-bench-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.2; rm -rf "$work"; }
trap cleanup EXIT

origin=18480 p_pibox=18481 p_squid=18482 p_tiny=18483
head -c $((100 << 20)) /dev/zero >"$work/big"
echo hello >"$work/small"
cat >"$work/nginx.conf" <<NGX
daemon off; worker_processes 1; pid $work/nginx.pid; error_log /dev/null;
events { worker_connections 4096; }
http { access_log off; sendfile on; keepalive_requests 1000000;
  server { listen 127.0.0.1:$origin; root $work; } }
NGX
nginx -c "$work/nginx.conf" & pids+=($!)

"$pibox" proxy --listen 127.0.0.1:$p_pibox --config /dev/null --no-default-allowlist \
	--allow 127.0.0.1:$origin --audit-log /dev/null --max-conns 4096 --quiet 2>/dev/null & pids+=($!)

cat >"$work/squid.conf" <<SQ
http_port 127.0.0.1:$p_squid
acl dst dst 127.0.0.1
acl port port $origin
acl CONNECT method CONNECT
http_access allow dst port
http_access deny all
cache deny all
cache_mem 0
access_log none
cache_log /dev/null
pid_filename $work/squid.pid
max_filedescriptors 8192
shutdown_lifetime 0 seconds
SQ
squid -N -f "$work/squid.conf" 2>/dev/null & pids+=($!)

echo 127.0.0.1 >"$work/filter"
cat >"$work/tiny.conf" <<TP
Port $p_tiny
Listen 127.0.0.1
Timeout 600
MaxClients 2000
Allow 127.0.0.1
ConnectPort $origin
Filter "$work/filter"
FilterDefaultDeny Yes
PidFile "$work/tiny.pid"
TP
tinyproxy -d -c "$work/tiny.conf" >/dev/null 2>&1 & pids+=($!)
sleep 1.5

python3 "$here/proxy_measure.py" --origin $origin \
	--proxy pibox=$p_pibox --proxy squid=$p_squid --proxy tinyproxy=$p_tiny \
	--pid pibox=$(pgrep -f "proxy --listen 127.0.0.1:$p_pibox" | head -1) \
	--pid squid=$(pgrep -f "squid -N -f $work" | head -1) \
	--pid tinyproxy=$(pgrep -f "tinyproxy -d -c $work" | head -1)
