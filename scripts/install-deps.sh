#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what building and testing pcapsift needs on Debian, only when
# something is missing. Run as root or with sudo available.
set -eu
packages="meson ninja-build gcc clang libclang-rt-14-dev pkg-config \
zlib1g-dev libcjson-dev check libzstd-dev libbrotli-dev libssl-dev libnghttp2-dev python3 python3-jsonschema sqlite3"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
# node and npm: the machine's own when it has them, else Debian's.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends $missing >/dev/null
fi
# har-validator (the HAR 1.2 schema check the tests run), from npm, kept
# out of the source tree.
npm_dir=${SIFT_NPM_DIR:-$HOME/.cache/pcapsift-npm}
if [ ! -d "$npm_dir/node_modules/har-validator" ]; then
    echo "installing: har-validator (npm) in $npm_dir"
    mkdir -p "$npm_dir"
    (cd "$npm_dir" && npm install --no-audit --no-fund --silent \
        har-validator@5.1.5 >/dev/null)
fi
