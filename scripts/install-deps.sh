#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what building and testing pcapsift needs on Debian, only when
# something is missing. Run as root or with sudo available.
set -eu
packages="meson ninja-build gcc clang libclang-rt-14-dev pkg-config \
zlib1g-dev libcjson-dev check libzstd-dev libbrotli-dev python3"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
echo "installing:$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $missing >/dev/null
