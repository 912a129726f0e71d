#!/usr/bin/env bash
# Installs what pibox needs from Debian's packages, builds it, and installs
# the binary and its share files (to /usr/local as root, else ~/.local).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

pkgs=(meson ninja-build pkg-config gcc libc6-dev libseccomp-dev libc-ares-dev
      libjansson-dev libinih-dev git)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere (NodeSource bundles npm): ask for the
# commands, not for Debian's package names
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
	echo "[setup] installing ${missing[*]}"
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

prefix=/usr/local
[ "$(id -u)" = 0 ] || prefix="$HOME/.local"
build="$src/build-release"
[ -d "$build" ] || meson setup "$build" "$src" --buildtype=release --prefix="$prefix" -Dtests=disabled >/dev/null
ninja -C "$build" >/dev/null
meson install -C "$build" --quiet >/dev/null
echo "[setup] installed $prefix/bin/pibox"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) echo "[setup] add $prefix/bin to your PATH"; export PATH="$prefix/bin:$PATH" ;;
esac
# pi itself, for the user who runs pibox (as root: for the owner of the
# repository pibox is started in, if that is not root)
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ]; then
	sudo -u "$SUDO_USER" -H "$prefix/bin/pibox" setup
else
	"$prefix/bin/pibox" setup
fi
