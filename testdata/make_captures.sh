#!/usr/bin/env bash
# make_captures.sh - make small, REAL HTTP/1.1 captures for pcapsift's tests.
#
# Two network namespaces (sift-cli, sift-srv) are joined by a veth pair.
# `python3 -m http.server` serves a directory of deterministic files in
# sift-srv, curl fetches them from sift-cli, and tcpdump records the traffic
# on the server-side veth.  Everything lands in testdata/http/ (see
# testdata/README.md for what each file is).
#
# Usage: sudo testdata/make_captures.sh        (root is needed for netns)
#
# Idempotent: stale namespaces from an earlier run are removed first, the
# outputs are rebuilt from scratch, and an EXIT trap kills the processes this
# script started (by pid) and deletes its namespaces even when a step fails.
# No traffic leaves the two namespaces.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/http"
SWAP="$HERE/tools/pcap_swap.py"

NS_CLI=sift-cli
NS_SRV=sift-srv
IF_CLI=sift-c0
IF_SRV=sift-s0
MAC_CLI=02:00:00:99:00:01
MAC_SRV=02:00:00:99:00:02
V4_CLI=10.99.0.1
V4_SRV=10.99.0.2
V6_CLI=fd00:99::1
V6_SRV=fd00:99::2
PORT=80
# Fixed file mtime, so Last-Modified headers do not change between runs.
MTIME=@1700000000

log() { printf '[make_captures] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (creates network namespaces)"

# --- tools -----------------------------------------------------------------
# command -> Debian package
declare -A PKG=(
    [tcpdump]=tcpdump
    [curl]=curl
    [ip]=iproute2
    [ss]=iproute2
    [ethtool]=ethtool
    [editcap]=wireshark-common
    [capinfos]=wireshark-common
    [tshark]=tshark
    [gzip]=gzip
    [sha256sum]=coreutils
    [od]=coreutils
)
missing=()
for cmd in "${!PKG[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
# The server must be Python >= 3.11 (http.server --protocol).  Prefer
# Debian's own interpreter over whatever python3 is first on PATH.
if [ -x /usr/bin/python3 ]; then
    PY=/usr/bin/python3
elif command -v python3 >/dev/null 2>&1; then
    PY=$(command -v python3)
else
    PY=/usr/bin/python3
    missing+=(python3)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    # shellcheck disable=SC2207
    missing=($(printf '%s\n' "${missing[@]}" | sort -u))
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$PY is older than 3.11 (http.server lacks --protocol)"

# Never let a proxy setting route curl anywhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# --- cleanup ---------------------------------------------------------------
WORK=""
SERVER_PID=""
TCPDUMP_PID=""

ns_del() {
    local ns
    for ns in "$NS_CLI" "$NS_SRV"; do
        if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
            ip netns del "$ns" || true
        fi
    done
}

stop_tcpdump() {
    # SIGINT makes tcpdump flush and close the file; then wait for it.
    if [ -n "$TCPDUMP_PID" ] && kill -0 "$TCPDUMP_PID" 2>/dev/null; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        local i
        for i in $(seq 50); do
            kill -0 "$TCPDUMP_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$TCPDUMP_PID" 2>/dev/null && kill -TERM "$TCPDUMP_PID" 2>/dev/null
    fi
    if [ -n "$TCPDUMP_PID" ]; then
        wait "$TCPDUMP_PID" 2>/dev/null || true
    fi
    TCPDUMP_PID=""
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_tcpdump
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
    ns_del
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
    if [ "$rc" -ne 0 ]; then log "failed (exit $rc); namespaces and processes cleaned up"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

START=$(date +%s.%N)
WORK=$(mktemp -d /tmp/sift-captures.XXXXXX)
chmod 755 "$WORK"   # tcpdump may drop to its own user before writing

# --- deterministic content to serve ----------------------------------------
WWW="$WORK/www"
mkdir -p "$WWW"
cat >"$WWW/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>pcapsift test server</title></head>
<body>
<h1>pcapsift test server</h1>
<ul>
<li><a href="hello.txt">hello.txt</a> - a small text file</li>
<li><a href="blob.bin">blob.bin</a> - 40000 bytes of deterministic binary data</li>
<li><a href="v6.txt">v6.txt</a> - fetched over IPv6</li>
</ul>
</body>
</html>
HTML
printf 'Hello from pcapsift!\nThis is a small text file served over HTTP/1.1.\n' >"$WWW/hello.txt"
printf 'This body travelled over IPv6 (fd00:99::1 -> fd00:99::2).\n' >"$WWW/v6.txt"
# 40000 bytes: SHA-256 in counter mode over a fixed seed (version-independent).
"$PY" - "$WWW/blob.bin" <<'PYEOF'
import hashlib, sys
out = bytearray()
i = 0
while len(out) < 40000:
    out += hashlib.sha256(b"pcapsift-blob-%d" % i).digest()
    i += 1
with open(sys.argv[1], "wb") as f:
    f.write(bytes(out[:40000]))
PYEOF
touch -d "$MTIME" "$WWW"/*

# --- namespaces and veth ---------------------------------------------------
ns_del
ip netns add "$NS_CLI"
ip netns add "$NS_SRV"
ip link add "$IF_CLI" netns "$NS_CLI" address "$MAC_CLI" type veth \
    peer name "$IF_SRV" netns "$NS_SRV" address "$MAC_SRV"

setup_side() { # ns iface v4 v6
    local ns=$1 ifc=$2 v4=$3 v6=$4
    ip -n "$ns" link set lo up
    # Quiet IPv6 link: no DAD, no router solicitations.
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.router_solicitations=0"
    # No offloads: the capture then holds MTU-sized frames with correct
    # checksums, as on a real wire, not 40 KB GSO super-packets.
    ip netns exec "$ns" ethtool -K "$ifc" tx off tso off gso off gro off >/dev/null
    ip -n "$ns" addr add "$v4/24" dev "$ifc"
    ip -n "$ns" addr add "$v6/64" dev "$ifc" nodad
    ip -n "$ns" link set "$ifc" up
}
setup_side "$NS_CLI" "$IF_CLI" "$V4_CLI" "$V6_CLI"
setup_side "$NS_SRV" "$IF_SRV" "$V4_SRV" "$V6_SRV"

# --- server ----------------------------------------------------------------
ip netns exec "$NS_SRV" "$PY" -m http.server --protocol HTTP/1.1 --bind :: \
    --directory "$WWW" "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 100); do
    if ip netns exec "$NS_SRV" ss -Hltn "sport = :$PORT" | grep -q .; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "server exited"; }
    [ "$i" -lt 100 ] || die "server did not start listening"
    sleep 0.1
done
# Let link-local addresses and MLD join reports settle, so they stay out of
# the captures.
sleep 2

# --- one capture run ---------------------------------------------------------
# capture FILE PRECISION(micro|nano) V4PORT V6PORT
capture() {
    local file=$1 prec=$2 p4=$3 p6=$4 tag
    tag=$(basename "$file" .pcap)
    local errf="$WORK/$tag.tcpdump.err" bodies="$WORK/bodies-$tag"
    mkdir -p "$bodies"
    # --immediate-mode: without it TPACKET_V3 hands packets over in blocks
    # every ~1 s, and packets still in the ring when SIGINT arrives are lost
    # ("68 packets received by filter", "0 packets captured").
    ip netns exec "$NS_SRV" tcpdump -i "$IF_SRV" -s 0 -U -n --immediate-mode \
        --time-stamp-precision="$prec" -w "$file" 2>"$errf" &
    TCPDUMP_PID=$!
    for i in $(seq 100); do
        grep -q 'listening on' "$errf" && break
        kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$errf" >&2; die "tcpdump exited"; }
        [ "$i" -lt 100 ] || die "tcpdump not ready"
        sleep 0.1
    done

    local base4="http://$V4_SRV" base6="http://[$V6_SRV]"
    local curl=(curl --http1.1 -sS --fail --noproxy '*' --max-time 20)
    # One keep-alive connection, three GETs.
    ip netns exec "$NS_CLI" "${curl[@]}" --local-port "$p4" \
        -o "$bodies/index.html" "$base4/" \
        -o "$bodies/hello.txt" "$base4/hello.txt" \
        -o "$bodies/blob.bin" "$base4/blob.bin" \
        -w '%{url_effective} %{http_code} %{size_download} new_conns=%{num_connects}\n' \
        >"$WORK/$tag.curl4"
    # A second connection, over IPv6.
    ip netns exec "$NS_CLI" "${curl[@]}" -g --local-port "$p6" \
        -o "$bodies/v6.txt" "$base6/v6.txt" \
        -w '%{url_effective} %{http_code} %{size_download} new_conns=%{num_connects}\n' \
        >"$WORK/$tag.curl6"
    # Let the FIN/ACK exchange of both connections reach the capture.
    sleep 0.5
    stop_tcpdump
    cat "$WORK/$tag.curl4" "$WORK/$tag.curl6" >&2

    # Keep-alive really happened: 3 transfers, 1 new connection.
    [ "$(awk '{s += substr($4, 11)} END {print s}' "$WORK/$tag.curl4")" = 1 ] \
        || die "$tag: curl did not reuse its IPv4 connection"
    # What the client got is exactly what was served.
    local f
    for f in index.html hello.txt blob.bin v6.txt; do
        cmp -s "$bodies/$f" "$WWW/$f" || die "$tag: body of $f differs from the served file"
    done
    # Two TCP connections, four requests, four 200 responses.
    local syns reqs resps
    syns=$(tshark -r "$file" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null | wc -l)
    reqs=$(tshark -r "$file" -Y 'http.request' 2>/dev/null | wc -l)
    resps=$(tshark -r "$file" -Y 'http.response.code == 200' 2>/dev/null | wc -l)
    if [ "$syns" != 2 ] || [ "$reqs" != 4 ] || [ "$resps" != 4 ]; then
        die "$tag: expected 2 SYNs/4 requests/4 responses, got $syns/$reqs/$resps"
    fi
    log "$tag: $(capinfos -c -M "$file" | awk -F': *' '/Number of packets/ {print $2}') packets, 2 connections, 4 requests"
}

mkdir -p "$OUT"
NEW="$WORK/out"
mkdir -p "$NEW"
chmod 777 "$NEW"   # tcpdump may write as user tcpdump

capture "$NEW/basic.pcap" micro 40001 40002
capture "$NEW/basic-nano.pcap" nano 40011 40012

# --- derived files -----------------------------------------------------------
editcap -F pcapng "$NEW/basic.pcap" "$NEW/basic.pcapng"
gzip -9 -n -c "$NEW/basic.pcap" >"$NEW/basic.pcap.gz"
gzip -9 -n -c "$NEW/basic.pcapng" >"$NEW/basic.pcapng.gz"
"$PY" "$SWAP" "$NEW/basic.pcap" "$NEW/basic-be.pcap"

# Checks: magic numbers, and every variant reads as the same packets.
magic() { od -An -tx1 -N4 "$1" | tr -d ' \n'; }
[ "$(magic "$NEW/basic.pcap")" = d4c3b2a1 ]      || die "basic.pcap: not little-endian usec pcap"
[ "$(magic "$NEW/basic-nano.pcap")" = 4d3cb2a1 ] || die "basic-nano.pcap: not little-endian nsec pcap"
[ "$(magic "$NEW/basic-be.pcap")" = a1b2c3d4 ]   || die "basic-be.pcap: not big-endian usec pcap"
[ "$(magic "$NEW/basic.pcapng")" = 0a0d0d0a ]    || die "basic.pcapng: not pcap-ng"
tcpdump -nn -tt -r "$NEW/basic.pcap" >"$WORK/ref.txt" 2>/dev/null
for f in basic-be.pcap basic.pcapng basic.pcap.gz basic.pcapng.gz; do
    src="$NEW/$f"
    case $f in *.gz) gzip -dc "$src" >"$WORK/unz" && src="$WORK/unz" ;; esac
    tcpdump -nn -tt -r "$src" 2>/dev/null | cmp -s - "$WORK/ref.txt" \
        || die "$f: tcpdump -r does not read the same packets as basic.pcap"
done
cmp -s <(capinfos -c -M -d -u -a -e "$NEW/basic.pcap" | tail -n +2) \
       <(capinfos -c -M -d -u -a -e "$NEW/basic-be.pcap" | tail -n +2) \
    || die "basic-be.pcap: capinfos differs from basic.pcap"

# Bodies the client received, with their URLs (same bodies in every capture).
{
    echo "# sha256  bytes  url  (bodies curl received; identical in basic.pcap and basic-nano.pcap)"
    for pair in "index.html|http://$V4_SRV/" "hello.txt|http://$V4_SRV/hello.txt" \
                "blob.bin|http://$V4_SRV/blob.bin" "v6.txt|http://[$V6_SRV]/v6.txt"; do
        f=${pair%%|*} url=${pair#*|}
        printf '%s  %s  %s\n' "$(sha256sum "$WORK/bodies-basic/$f" | cut -d' ' -f1)" \
            "$(stat -c %s "$WORK/bodies-basic/$f")" "$url"
    done
} >"$NEW/bodies.sha256"

# --- install into testdata/http ---------------------------------------------
FILES=(basic.pcap basic-nano.pcap basic.pcapng basic.pcap.gz basic.pcapng.gz
       basic-be.pcap bodies.sha256)
for f in "${FILES[@]}"; do
    install -m 0644 "$NEW/$f" "$OUT/$f"
done
total=$(cd "$OUT" && du -cb "${FILES[@]}" | tail -1 | cut -f1)
[ "$total" -lt 409600 ] || die "testdata/http is $total bytes, over 400 KB"
log "wrote ${#FILES[@]} files, $total bytes, to $OUT in $(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')s"
