#!/usr/bin/env bash
# Installs what pibox needs from Debian's packages, builds it, and installs
# the binary and its share files (to /usr/local as root, else ~/.local).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
"$src/tools/need-packages.sh" --sudo meson ninja-build pkg-config gcc libc6-dev \
	libseccomp-dev libc-ares-dev libjansson-dev libinih-dev git

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
