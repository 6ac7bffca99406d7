#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates testdata/tls/gen/: every tlsgen scenario except "big" (see
# testdata/README.md, section tls/gen/).
#
#   sh testdata/tls/make_gen_captures.sh            builds tlsgen with $CC (gcc)
#   sh testdata/tls/make_gen_captures.sh BUILDDIR   uses BUILDDIR/tests/tlsgen
#
# Needs a C compiler and OpenSSL 3 (libssl-dev) unless BUILDDIR is given;
# tshark, if installed, must open every capture. Each scenario is generated
# twice and both results must be byte-identical. The files replace those in
# gen/ only when every check passed; SIFT_TLS_GEN_OUT=/dir writes elsewhere.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${SIFT_TLS_GEN_OUT:-$here/gen}
budget=$((3 * 1024 * 1024))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() {
    echo "make_gen_captures: $*" >&2
    exit 1
}

# 1. the generator
if [ $# -ge 1 ]; then
    tlsgen="$1/tests/tlsgen"
    [ -x "$tlsgen" ] || fail "$tlsgen not found (configure and build first)"
else
    cc=${CC:-gcc}
    cflags=$(pkg-config --cflags openssl 2>/dev/null || true)
    libs=$(pkg-config --libs openssl 2>/dev/null || echo "-lssl -lcrypto")
    # shellcheck disable=SC2086
    "$cc" -std=c11 -O2 -Wall -Wextra -D_DEFAULT_SOURCE $cflags \
        -o "$tmp/tlsgen" "$root"/tests/tools/tlsgen*.c $libs ||
        fail "cannot build tlsgen"
    tlsgen="$tmp/tlsgen"
fi

# 2. every scenario, twice
scenarios=$("$tlsgen" --list | cut -f1 | grep -vx big)
mkdir "$tmp/a" "$tmp/b"
n=0
for s in $scenarios; do
    "$tlsgen" "$s" "$tmp/a" 2>"$tmp/log" || { cat "$tmp/log" >&2; fail "$s failed"; }
    "$tlsgen" "$s" "$tmp/b" 2>"$tmp/log" || { cat "$tmp/log" >&2; fail "$s failed"; }
    n=$((n + 1))
done
diff -r "$tmp/a" "$tmp/b" >/dev/null || fail "two runs differ: not deterministic"

# 3. tshark opens every capture (when installed)
if command -v tshark >/dev/null 2>&1; then
    for f in "$tmp"/a/*.pcap; do
        tshark -r "$f" -q >/dev/null 2>"$tmp/err" || fail "tshark cannot read $f"
        if grep -v 'Running as user' "$tmp/err" | grep -q .; then
            cat "$tmp/err" >&2
            fail "tshark complains about $f"
        fi
    done
else
    echo "make_gen_captures: tshark not installed, skipping its check" >&2
fi

# 4. the commit budget
total=$(cat "$tmp"/a/* | wc -c)
[ "$total" -le "$budget" ] || fail "$total bytes, over the $budget budget"

# 5. replace the committed files
mkdir -p "$out"
rm -f "$out"/*.pcap "$out"/*.keys "$out"/*.expected "$out"/*.gaps
cp "$tmp"/a/* "$out"/
echo "make_gen_captures: $n scenarios, $(ls "$out" | wc -l) files, $total bytes in $out"
