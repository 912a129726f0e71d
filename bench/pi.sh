#!/usr/bin/env bash
# pibox's added cost on a one-turn `pi -p` against a scripted model server:
# bare pi and pi inside pibox, alternating, in one run. Prints medians and
# the overhead in ms and as a ratio. Not a CI test.
# Needs pi installed (PIBOX_PI_PREFIX, default /var/tmp/pibox-test-pi).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/pi_overhead.py" \
	--pibox "${PIBOX_BIN:-$here/../build/pibox}" \
	--prefix "${PIBOX_PI_PREFIX:-/var/tmp/pibox-test-pi}" --runs "${RUNS:-20}"
