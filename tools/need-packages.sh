#!/usr/bin/env bash
# need-packages.sh [--sudo] PKG... : installs the Debian packages among
# PKG that are missing, plus Node.js and npm when those commands are
# missing (NodeSource's nodejs bundles npm, so the commands are what
# counts, not Debian's package names). Without root: with --sudo it uses
# sudo, else it names the command to run and fails.
set -euo pipefail
use_sudo=false
if [ "${1:-}" = --sudo ]; then
	use_sudo=true
	shift
fi
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
((${#missing[@]})) || exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
	if ! $use_sudo; then
		echo "missing packages: sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
	sudo=sudo
fi
echo "[setup] installing ${missing[*]}"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
