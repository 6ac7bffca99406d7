#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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
LOG_TAG=make_captures
# shellcheck source=tools/capture_lib.sh
. "$HERE/tools/capture_lib.sh"
# SIFT_HTTP_OUT: write somewhere else (to try the script without touching
# the committed fixtures).
OUT=${SIFT_HTTP_OUT:-$HERE/http}
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

cap_need_root
# Tools (command=Debian package); python3 >= 3.11 for http.server --protocol.
cap_install_tools tcpdump=tcpdump curl=curl ip=iproute2 ss=iproute2 \
    ethtool=ethtool editcap=wireshark-common capinfos=wireshark-common \
    tshark=tshark gzip=gzip sha256sum=coreutils od=coreutils
# The EXIT trap stops tcpdump and the server (by pid), deletes the
# namespaces and the temporary directory.
cap_init_traps
cap_make_work sift-captures

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
cap_ns_add "$NS_CLI" "$NS_SRV"
ip link add "$IF_CLI" netns "$NS_CLI" address "$MAC_CLI" type veth \
    peer name "$IF_SRV" netns "$NS_SRV" address "$MAC_SRV"
cap_setup_side "$NS_CLI" "$IF_CLI" "$V4_CLI" "$V6_CLI"
cap_setup_side "$NS_SRV" "$IF_SRV" "$V4_SRV" "$V6_SRV"

# --- server ----------------------------------------------------------------
cap_start_server "$NS_SRV" "$WWW" :: "$PORT"
# Let link-local addresses and MLD join reports settle, so they stay out of
# the captures.
sleep 2

# --- one capture run ---------------------------------------------------------
# capture FILE PRECISION(micro|nano) V4PORT V6PORT
capture() {
    local file=$1 prec=$2 p4=$3 p6=$4 tag
    tag=$(basename "$file" .pcap)
    local bodies="$WORK/bodies-$tag"
    mkdir -p "$bodies"
    cap_start_tcpdump "$NS_SRV" "$IF_SRV" "$prec" "$file"

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
    cap_stop_tcpdump
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
log "wrote ${#FILES[@]} files, $total bytes, to $OUT in $(cap_elapsed)s"
