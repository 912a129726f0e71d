#!/usr/bin/env bash
# Start-up cost of a box: `pibox exec -- true` beside bwrap (configured as
# close to pibox's isolation as it can express) and `unshare -Urnm --pid
# --fork`, in one run, as the invoking user. Prints medians and ratios.
# "pibox" includes the proxy (a listener in the box, c-ares, the audit log);
# "pibox-nonet" is --no-network, the same isolation bwrap's --unshare-all has.
# Needs: hyperfine, bubblewrap. Not a CI test.
set -euo pipefail
pibox=${PIBOX_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/pibox}
runs=${RUNS:-200}
work=$(mktemp -d /var/tmp/pibox-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
git -C "$work" init -q
cd "$work"

etc_binds=()
for f in passwd group hosts resolv.conf nsswitch.conf ssl ca-certificates \
	alternatives ld.so.cache localtime; do
	[ -e "/etc/$f" ] && etc_binds+=(--ro-bind "/etc/$f" "/etc/$f")
done
bwrap_cmd="bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL \
 --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin \
 --symlink usr/lib /lib --symlink usr/lib64 /lib64 ${etc_binds[*]} \
 --tmpfs /tmp --tmpfs $HOME --bind $work $work --proc /proc --dev /dev \
 --hostname pibox --chdir $work /bin/true"

hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/r.json" \
	-n pibox "$pibox exec --quiet -- /bin/true" \
	-n pibox-nonet "$pibox exec --quiet --no-network -- /bin/true" \
	-n bwrap "$bwrap_cmd" \
	-n unshare "unshare -Urnm --pid --fork /bin/true" >/dev/null

python3 - "$work/r.json" <<'PY'
import json, statistics, sys
r = {x["command"]: statistics.median(x["times"]) * 1000 for x in json.load(open(sys.argv[1]))["results"]}
print(f"{'':8} {'median ms':>10} {'pibox / it':>11}")
for name in ("pibox", "pibox-nonet", "bwrap", "unshare"):
    print(f"{name:8} {r[name]:10.2f} {r['pibox'] / r[name]:11.2f}")
PY
