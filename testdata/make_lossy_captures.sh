#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make_lossy_captures.sh - REAL captures of TCP transfers under impairment,
# for testing TCP reassembly.  Everything lands in testdata/tcp/ (see
# testdata/README.md, section tcp/, for what each file holds).
#
#   tcp/loss.pcap          5% of server->client packets dropped at the
#                          client's input (nftables); captured on the
#                          server's veth, so it holds the segments that were
#                          lost AND the server's retransmissions of them.
#   tcp/capture-loss.pcap  an unimpaired transfer captured on the server's
#                          veth, then every 33rd server->client data packet
#                          deleted from the file (tools/drop_packets.py):
#                          holes that the client nevertheless acknowledged.
#   tcp/capture-loss.dropped.txt  which packets were deleted.
#   tcp/reorder.pcap       server->client frames delayed 10 ms, 25% (50%
#                          correlated) of them sent early instead, 2%
#                          duplicated (netem "delay 10ms reorder 25% 50%
#                          duplicate 2%" semantics, done by
#                          tools/netem_bridge.py between the two veths);
#                          captured on the client's veth.
#   tcp/bodies.sha256      the bodies curl received (same in every run).
#
# Each run is one curl command making three keep-alive HTTP/1.1 GETs over
# one IPv4 connection: / (index.html), /big.bin (150000 bytes), /hello.txt.
#
# Usage: sudo testdata/make_lossy_captures.sh     (root is needed for netns)
#
# Why no `tc qdisc ... netem`: the kernel this was written on has no
# sch_netem (CONFIG_NET_SCH_NETEM unset, no modules), so reordering and
# duplication are done by a user-space bridge implementing netem's
# algorithm; loss uses nftables' numgen (CONFIG_NFT_NUMGEN) as on any kernel.
#
# Idempotent: stale namespaces are removed first, outputs are rebuilt from
# scratch and installed only when every check passed; an EXIT trap kills
# what this script started (by pid) and deletes its namespaces.  No traffic
# leaves the namespaces.  Uses namespaces of its own (sift-l*), so it can
# run while make_captures.sh runs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=make_lossy_captures
# shellcheck source=tools/capture_lib.sh
. "$HERE/tools/capture_lib.sh"

OUT=${SIFT_TCP_OUT:-$HERE/tcp}
DROP="$HERE/tools/drop_packets.py"
BRIDGE="$HERE/tools/netem_bridge.py"

NS_CLI=sift-lcli
NS_SRV=sift-lsrv
NS_MID=sift-lmid
IF_CLI=sift-c0          # client's end (in NS_CLI)
IF_SRV=sift-s0          # server's end (in NS_SRV)
IF_MC=sift-mc           # bridge's end toward the client (in NS_MID)
IF_MS=sift-ms           # bridge's end toward the server (in NS_MID)
MAC_CLI=02:00:00:99:00:01
MAC_SRV=02:00:00:99:00:02
V4_CLI=10.99.0.1
V4_SRV=10.99.0.2
PORT=80
MTIME=@1700000000       # fixed Last-Modified
BIG_SIZE=150000

# --- impairment settings (README.md documents these) -------------------------
LOSS_PCT=5              # loss.pcap: nft numgen random mod 100 < 5 drop
DROP_EVERY=33           # capture-loss.pcap: every 33rd data packet (~3%)
DELAY_MS=10             # reorder.pcap: netem delay 10ms reorder 25% 50%
REORDER_PCT=25          #               duplicate 2%
REORDER_CORR=50
DUP_PCT=2
SEED=1                  # netem_bridge.py's random.Random seed (first try)
MAX_TRIES=3             # a run whose impairments do not show is redone
MAX_BYTES=512000        # every output file stays under 500 KiB

cap_need_root
cap_install_tools tcpdump=tcpdump curl=curl ip=iproute2 ss=iproute2 \
    ethtool=ethtool nft=nftables capinfos=wireshark-common tshark=tshark \
    sha256sum=coreutils cmp=diffutils
cap_init_traps
cap_make_work sift-lossy

# --- deterministic content to serve ----------------------------------------
WWW="$WORK/www"
mkdir -p "$WWW"
cat >"$WWW/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>pcapsift lossy-path test server</title></head>
<body>
<h1>pcapsift lossy-path test server</h1>
<ul>
<li><a href="big.bin">big.bin</a> - 150000 bytes of deterministic binary data</li>
<li><a href="hello.txt">hello.txt</a> - a small text file</li>
</ul>
</body>
</html>
HTML
printf 'Hello from pcapsift!\nThis is a small text file served over HTTP/1.1.\n' >"$WWW/hello.txt"
# SHA-256 in counter mode over a fixed seed (version-independent).
"$PY" - "$WWW/big.bin" "$BIG_SIZE" <<'PYEOF'
import hashlib, sys
size = int(sys.argv[2])
out = bytearray()
i = 0
while len(out) < size:
    out += hashlib.sha256(b"pcapsift-big-%d" % i).digest()
    i += 1
with open(sys.argv[1], "wb") as f:
    f.write(bytes(out[:size]))
PYEOF
touch -d "$MTIME" "$WWW"/*
URLS=("index.html|http://$V4_SRV/" "big.bin|http://$V4_SRV/big.bin"
      "hello.txt|http://$V4_SRV/hello.txt")

# --- topologies ----------------------------------------------------------------
# direct:  sift-lcli [sift-c0] ==veth== [sift-s0] sift-lsrv
# bridged: sift-lcli [sift-c0] ==veth== [sift-mc] sift-lmid [sift-ms] ==veth== [sift-s0] sift-lsrv
topo_up() {
    local mode=$1 ifc
    if [ "$mode" = direct ]; then
        cap_ns_add "$NS_CLI" "$NS_SRV"
        ip link add "$IF_CLI" netns "$NS_CLI" address "$MAC_CLI" type veth \
            peer name "$IF_SRV" netns "$NS_SRV" address "$MAC_SRV"
    else
        cap_ns_add "$NS_CLI" "$NS_MID" "$NS_SRV"
        # The bridge's namespace must add no traffic of its own: no IPv6
        # (link-local, MLD), no addresses, no ARP.
        ip netns exec "$NS_MID" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        ip netns exec "$NS_MID" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
        ip link add "$IF_CLI" netns "$NS_CLI" address "$MAC_CLI" type veth \
            peer name "$IF_MC" netns "$NS_MID"
        ip link add "$IF_MS" netns "$NS_MID" type veth \
            peer name "$IF_SRV" netns "$NS_SRV" address "$MAC_SRV"
        for ifc in "$IF_MC" "$IF_MS"; do
            ip netns exec "$NS_MID" ethtool -K "$ifc" tx off tso off gso off gro off >/dev/null
            ip -n "$NS_MID" link set "$ifc" arp off promisc on up
        done
    fi
    cap_setup_side "$NS_CLI" "$IF_CLI" "$V4_CLI"
    cap_setup_side "$NS_SRV" "$IF_SRV" "$V4_SRV"
}

topo_down() {
    cap_ns_del "$NS_CLI" "$NS_MID" "$NS_SRV"
    CAP_NAMESPACES=()
}

# --- analysis helpers --------------------------------------------------------------
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }

# tcp_counts FILE: the tshark TCP analysis flags, one "name=N" per flag,
# then frame_stats.
tcp_counts() {
    local f=$1 name
    for name in retransmission fast_retransmission spurious_retransmission \
                out_of_order lost_segment ack_lost_segment duplicate_ack; do
        printf '%s=%s ' "$name" "$(count "$f" "tcp.analysis.$name")"
    done
    frame_stats "$f"
}

# frame_stats FILE: ground truth that does not depend on tshark's heuristics
# (tshark calls a retransmission "out-of-order" when it comes within the
# initial RTT of the highest segment):
#   identical_frames  frames byte-identical to an earlier frame (netem-style
#                     duplicates; a real retransmission has a new IP ID and
#                     TCP timestamp)
#   resent_segments   other server->client data segments carrying bytes
#                     already seen in that direction (TCP retransmissions)
#   late_segments     server->client data segments with new bytes that
#                     arrive after a segment with higher sequence numbers
#                     (reordered, or resent after a loss)
frame_stats() {
    "$PY" -B - "$1" "$PORT" "$HERE/tools" <<'PYEOF'
import struct, sys
sys.path.insert(0, sys.argv[3])
from drop_packets import tcp_segment
data, port = open(sys.argv[1], "rb").read(), int(sys.argv[2])
order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
seen, covered, base, high = set(), {}, {}, {}
dups = resent = late = 0
at = 24
while at + 16 <= len(data):
    n = struct.unpack_from(order + "I", data, at + 8)[0]
    frame = data[at + 16:at + 16 + n]
    at += 16 + n
    if frame in seen:
        dups += 1
        continue
    seen.add(frame)
    seg = tcp_segment(linktype, frame)
    if seg is None or seg[2] != port or seg[6] == 0:
        continue
    key = seg[:4]
    start = (seg[4] - base.setdefault(key, seg[4])) & 0xFFFFFFFF
    end = start + seg[6]
    spans = covered.setdefault(key, [])
    if any(s < end and start < e for s, e in spans):
        resent += 1
    elif start < high.get(key, 0):
        late += 1
    spans.append((start, end))
    high[key] = max(high.get(key, 0), end)
print("identical_frames=%d resent_segments=%d late_segments=%d" % (dups, resent, late))
PYEOF
}

# missing_bytes FILE: total of tshark's "[N bytes missing in capture file]"
# markers in `-z follow,tcp,raw,0` (raw mode prints them hex-encoded).
missing_bytes() {
    tshark -r "$1" -q -z follow,tcp,raw,0 2>/dev/null | "$PY" -c '
import re, sys
total = 0
for line in sys.stdin:
    h = line.strip()
    if h and re.fullmatch(r"[0-9a-f]+", h) and len(h) % 2 == 0:
        m = re.fullmatch(rb"\[(\d+) bytes missing in capture file\]\x00?", bytes.fromhex(h))
        if m:
            total += int(m.group(1))
print(total)'
}

# exported_bodies_ok FILE: tshark's own reassembly gives exactly the served files.
exported_bodies_ok() {
    local f=$1 dir want got
    dir="$WORK/export-$(basename "$1" .pcap)"
    rm -rf "$dir"
    # Wireshark 4.0 reassembles out-of-order segments only when told to.
    tshark -r "$f" -o tcp.reassemble_out_of_order:TRUE -q \
        --export-objects "http,$dir" >/dev/null 2>&1
    want=$(cd "$WWW" && sha256sum index.html big.bin hello.txt | cut -d' ' -f1 | sort)
    got=$(cd "$dir" && sha256sum -- * | cut -d' ' -f1 | sort)
    [ "$want" = "$got" ]
}

# --- one run -------------------------------------------------------------------
# run MODE(clean|loss|reorder) FILE LOCALPORT SEED
run() {
    local mode=$1 file=$2 lport=$3 seed=$4 tag bodies bridge_pid="" cap_ns cap_if
    tag=$(basename "$file" .pcap)
    bodies="$WORK/bodies-$tag"
    rm -rf "$bodies" "$file"
    mkdir -p "$bodies"
    if [ "$mode" = reorder ]; then topo_up bridged; else topo_up direct; fi
    cap_start_server "$NS_SRV" "$WWW" "$V4_SRV" "$PORT"

    case $mode in
    loss)
        # Drop on the client's input, i.e. AFTER the server-side capture
        # point: the capture keeps the lost segment and its retransmission.
        ip netns exec "$NS_CLI" nft -f - <<EOF
table inet sift_impair {
    counter dropped { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr $V4_SRV tcp sport $PORT numgen random mod 100 < $LOSS_PCT counter name "dropped" drop
    }
}
EOF
        ;;
    reorder)
        ip netns exec "$NS_MID" "$PY" -u "$BRIDGE" "$IF_MC" "$IF_MS" \
            --impair-from "$IF_MS" --seed "$seed" --delay-ms "$DELAY_MS" \
            --reorder "$REORDER_PCT" --reorder-corr "$REORDER_CORR" \
            --duplicate "$DUP_PCT" >"$WORK/$tag.bridge" 2>&1 &
        bridge_pid=$!
        CAP_PIDS+=("$bridge_pid")
        local i
        for i in $(seq 100); do
            grep -q '^ready' "$WORK/$tag.bridge" && break
            kill -0 "$bridge_pid" 2>/dev/null || { cat "$WORK/$tag.bridge" >&2; die "bridge exited"; }
            [ "$i" -lt 100 ] || die "bridge not ready"
            sleep 0.1
        done
        ;;
    esac

    # loss and clean: capture on the server's veth; reorder: on the client's.
    if [ "$mode" = reorder ]; then cap_ns=$NS_CLI cap_if=$IF_CLI; else cap_ns=$NS_SRV cap_if=$IF_SRV; fi
    cap_start_tcpdump "$cap_ns" "$cap_if" micro "$file"

    local curl=(curl --http1.1 -sS --fail --noproxy '*' --max-time 60)
    local args=() pair
    for pair in "${URLS[@]}"; do args+=(-o "$bodies/${pair%%|*}" "${pair#*|}"); done
    ip netns exec "$NS_CLI" "${curl[@]}" --local-port "$lport" "${args[@]}" \
        -w '%{url_effective} %{http_code} %{size_download} new_conns=%{num_connects}\n' \
        >"$WORK/$tag.curl"
    # Let the FIN/ACK exchange reach the capture (a dropped FIN is resent
    # after an RTO of 200 ms or more).
    sleep 1.5
    cap_stop_tcpdump

    local impair=""
    case $mode in
    loss)
        impair="nft dropped $(ip netns exec "$NS_CLI" nft list counter inet sift_impair dropped \
            | awk '/packets/ {print $2}') packets" ;;
    reorder)
        cap_stop_pid "$bridge_pid"
        impair="bridge seed $seed: $(tail -n 1 "$WORK/$tag.bridge")" ;;
    esac
    cap_stop_server
    topo_down
    cat "$WORK/$tag.curl" >&2
    [ -z "$impair" ] || log "$tag: $impair"

    # Keep-alive really happened: 3 transfers, 1 new connection.
    [ "$(wc -l <"$WORK/$tag.curl")" = 3 ] || die "$tag: curl did not make 3 transfers"
    [ "$(awk '{s += substr($4, 11)} END {print s}' "$WORK/$tag.curl")" = 1 ] \
        || die "$tag: curl did not reuse its connection"
    # What the client got is exactly what was served.
    for pair in "${URLS[@]}"; do
        cmp -s "$bodies/${pair%%|*}" "$WWW/${pair%%|*}" \
            || die "$tag: body of ${pair%%|*} differs from the served file"
    done
    # One TCP connection with three requests.
    local streams reqs
    streams=$(tshark -r "$file" -Y tcp -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
    reqs=$(count "$file" 'http.request')
    if [ "$streams" != 1 ] || [ "$reqs" != 3 ]; then
        die "$tag: expected 1 TCP connection/3 requests, got $streams/$reqs"
    fi
}

# check_impaired MODE FILE: exit status 0 when the impairment shows in FILE.
check_impaired() {
    local mode=$1 f=$2 c
    c=$(tcp_counts "$f")
    log "$(basename "$f"): $(capinfos -c -M "$f" | awk -F': *' '/Number of packets/ {print $2}') packets; $c"
    get() { printf '%s\n' "$c" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
    case $mode in
    loss)
        # The server resent what the client lost; the capture misses nothing.
        # (tshark flags a resent segment "retransmission" or, when it comes
        # within the initial RTT of the highest segment, "out-of-order".)
        [ "$(get resent_segments)" -ge 1 ] && [ "$(get lost_segment)" = 0 ] \
            && [ $(($(get retransmission) + $(get out_of_order))) -ge 1 ] \
            && [ "$(missing_bytes "$f")" = 0 ] ;;
    reorder)
        [ "$(get out_of_order)" -ge 1 ] && [ "$(get late_segments)" -ge 1 ] \
            && [ "$(get identical_frames)" -ge 1 ] \
            && [ "$(missing_bytes "$f")" = 0 ] ;;
    esac
}

cap_ns_del "$NS_CLI" "$NS_MID" "$NS_SRV"     # left over from an earlier run
NEW="$WORK/out"
mkdir -p "$NEW"
chmod 777 "$NEW"   # tcpdump may write as user tcpdump

# 1. capture-loss.pcap: a clean run, then holes punched into the file.
run clean "$WORK/clean.pcap" 40101 0
c=$(tcp_counts "$WORK/clean.pcap")
log "clean.pcap (not kept): $c"
case $c in *"retransmission=0 "*"lost_segment=0 "*) ;; *) log "note: the clean run is not clean: $c" ;; esac
"$PY" "$DROP" "$WORK/clean.pcap" "$NEW/capture-loss.pcap" --every "$DROP_EVERY" \
    --direction-port "$PORT" --report "$NEW/capture-loss.dropped.txt"
c=$(tcp_counts "$NEW/capture-loss.pcap")
log "capture-loss.pcap: $(capinfos -c -M "$NEW/capture-loss.pcap" | awk -F': *' '/Number of packets/ {print $2}') packets; $c"
deleted=$(awk '{s += $NF} END {print s + 0}' "$NEW/capture-loss.dropped.txt")
gapbytes=$(missing_bytes "$NEW/capture-loss.pcap")
log "capture-loss.pcap: deleted $(wc -l <"$NEW/capture-loss.dropped.txt") packets, $deleted bytes; tshark follow: $gapbytes bytes missing"
if [ "$deleted" -eq 0 ] || [ "$gapbytes" != "$deleted" ]; then
    die "capture-loss.pcap: tshark reports $gapbytes bytes missing, $deleted deleted"
fi
case $c in *" lost_segment=0 "*|*" ack_lost_segment=0 "*)
    die "capture-loss.pcap: tshark sees no lost / ACKed-unseen segments" ;; esac

# 2. loss.pcap and 3. reorder.pcap, each redone if its impairment did not show.
for spec in "loss 40102" "reorder 40103"; do
    mode=${spec% *} lport=${spec#* }
    ok=""
    for try in $(seq "$MAX_TRIES"); do
        seed=$((SEED + try - 1))
        run "$mode" "$NEW/$mode.pcap" "$lport" "$seed"
        if check_impaired "$mode" "$NEW/$mode.pcap"; then ok=1; break; fi
        log "$mode.pcap: impairment not visible in try $try, again"
    done
    [ -n "$ok" ] || die "$mode.pcap: impairment not visible after $MAX_TRIES tries"
    exported_bodies_ok "$NEW/$mode.pcap" \
        || die "$mode.pcap: tshark --export-objects does not give the served files"
done

# Bodies the client received, with their URLs (same in every run: checked above).
{
    echo "# sha256  bytes  url  (bodies curl received; identical in the runs that made tcp/loss.pcap, tcp/reorder.pcap and tcp/capture-loss.pcap)"
    for pair in "${URLS[@]}"; do
        f=${pair%%|*} url=${pair#*|}
        printf '%s  %s  %s\n' "$(sha256sum "$WORK/bodies-loss/$f" | cut -d' ' -f1)" \
            "$(stat -c %s "$WORK/bodies-loss/$f")" "$url"
    done
} >"$NEW/bodies.sha256"

# --- install into testdata/tcp --------------------------------------------------
FILES=(loss.pcap capture-loss.pcap capture-loss.dropped.txt reorder.pcap bodies.sha256)
for f in "${FILES[@]}"; do
    [ "$(stat -c %s "$NEW/$f")" -lt "$MAX_BYTES" ] || die "$f is over $MAX_BYTES bytes"
done
mkdir -p "$OUT"
for f in "${FILES[@]}"; do
    install -m 0644 "$NEW/$f" "$OUT/$f"
done
total=$(cd "$OUT" && du -cb "${FILES[@]}" | tail -1 | cut -f1)
log "wrote ${#FILES[@]} files, $total bytes, to $OUT in $(cap_elapsed)s"
