#!/usr/bin/env bash
# Sets up what is missing, builds pibox twice (plain, and ASan+UBSan for the
# unit tests), and runs every test: unit tests, then the integration suite
# as root and again as an unprivileged user - the rootless path users take.
# Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

tools/need-packages.sh meson ninja-build pkg-config gcc libc6-dev libseccomp-dev \
	libc-ares-dev libjansson-dev libinih-dev libcmocka-dev python3-pytest git curl \
	openssl libcap2-bin procps util-linux passwd clang libclang-rt-14-dev tmux

[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined \
	-Db_lundef=false >/dev/null
ninja -C build-asan >/dev/null

[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=disabled \
	-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-fuzz >/dev/null

# The real pi for the end-to-end tests, once per machine, where every
# user can read it (the unprivileged half runs it too).
pi_prefix=${PIBOX_PI_PREFIX:-/var/tmp/pibox-test-pi}
pi_version=$(sed -n 's/^#define PI_VERSION_PINNED "\(.*\)".*/\1/p' src/agent/agent.h)
if [ ! -x "$pi_prefix/node_modules/.bin/pi" ] ||
	! grep -q "\"version\": \"$pi_version\"" "$pi_prefix/node_modules/@mariozechner/pi-coding-agent/package.json" 2>/dev/null; then
	echo "[setup] installing pi $pi_version into $pi_prefix"
	mkdir -p "$pi_prefix"
	npm install --prefix "$pi_prefix" "@mariozechner/pi-coding-agent@$pi_version" \
		--no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
		echo "[setup] npm could not install pi: the end-to-end tests will say they skip"
	chmod -R a+rX "$pi_prefix"
fi
export PIBOX_PI_PREFIX=$pi_prefix

passed=0 failed=0 skipped=0
count() { # parses pytest's and meson's summaries
	local log=$1
	local p f s
	p=$(grep -Eo '[0-9]+ passed' "$log" | tail -1 | cut -d' ' -f1 || true)
	f=$(grep -Eo '[0-9]+ failed' "$log" | tail -1 | cut -d' ' -f1 || true)
	s=$(grep -Eo '[0-9]+ skipped' "$log" | tail -1 | cut -d' ' -f1 || true)
	passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

echo "== unit tests (ASan+UBSan)"
if meson test -C build-asan --print-errorlogs >"$log" 2>&1; then :; else status=1; fi
tail -n 8 "$log"
p=$(awk '/^Ok:/{print $2}' "$log") f=$(awk '/^Fail:/{print $2}' "$log")
passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))

echo "== fuzzers (${FUZZ_SECONDS:-20} s each)"
for f in build-fuzz/tests/fuzz-*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	if "$f" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=1024 >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $(basename "$f"): $(grep -Eo 'Done [0-9]+ runs' "$log" || true)"
	else
		failed=$((failed + 1)) status=1
		echo "FAIL $(basename "$f")"
		grep -E 'ERROR|SUMMARY|Test unit' "$log" | head -5 || true
	fi
done

run_pytest() { # label, then env assignments and the command
	local label=$1
	shift
	echo "== integration tests ($label)"
	if "$@" >"$log" 2>&1; then :; else status=1; fi
	grep -E '^(FAILED|ERROR|SKIPPED)|passed|failed' "$log" | tail -n 30 || true
	count "$log"
}

user=pibox-ci
if [ "$(id -u)" = 0 ]; then
	if ! id "$user" >/dev/null 2>&1; then
		useradd --create-home --shell /bin/bash "$user"
	fi
	uid=$(id -u "$user") gid=$(id -g "$user")
	# CI's clone may sit where $user cannot enter (under /root): what the
	# box user must read - pibox's share files, and for the unprivileged
	# half the binary, probe and tests - goes to a copy it can reach.
	copy=$(mktemp -d /var/tmp/pibox-ci-XXXXXX)
	cp build/pibox build/tests/pibox-probe "$copy/"
	cp -r tests/integration "$copy/"
	cp -r share/pibox "$copy/share"
	chmod -R a+rX "$copy"
	export PIBOX_SHARE_DIR="$copy/share"
	run_pytest "as root, box runs as $user" env PIBOX_TEST_USER="$user" \
		/usr/bin/python3 -m pytest -q -rfEs -p no:cacheprovider tests/integration

	# root-made setuid/setcap probes: what a user may find on a system
	mkdir "$copy/priv"
	cp build/tests/pibox-probe "$copy/priv/probe-suid"
	chmod 4755 "$copy/priv/probe-suid"
	cp build/tests/pibox-probe "$copy/priv/probe-cap"
	setcap cap_setuid,cap_sys_admin+ep "$copy/priv/probe-cap" || rm -f "$copy/priv/probe-cap"
	chmod -R a+rX "$copy"
	home=$(getent passwd "$user" | cut -d: -f6)
	run_pytest "as $user, rootless" setpriv --reuid="$uid" --regid="$gid" \
		--clear-groups env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" \
		USER="$user" LANG=C.UTF-8 PIBOX_BIN="$copy/pibox" PIBOX_PI_PREFIX="$pi_prefix" \
		PIBOX_SHARE_DIR="$copy/share" \
		PIBOX_PROBE="$copy/pibox-probe" PIBOX_PRIV_FIXTURES="$copy/priv" \
		/usr/bin/python3 -m pytest -q -rfEs -p no:cacheprovider "$copy/integration"
	rm -rf "$copy"
else
	echo "== (not root: the root half of the integration suite is skipped; CI runs it)"
	run_pytest "as $(id -un), rootless" /usr/bin/python3 -m pytest -q -rfEs \
		-p no:cacheprovider tests/integration
fi

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ]; then status=1; fi
exit "$status"
