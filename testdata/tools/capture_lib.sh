# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# capture_lib.sh - shared by testdata/make_captures.sh and
# testdata/make_lossy_captures.sh.  Source it; do not run it.
#
# Provides: log/die, a root check, installing missing tools with apt-get,
# an EXIT trap that stops what the script started (by pid) and deletes its
# namespaces, veth-side setup with offloads off, starting/stopping
# python3 -m http.server and tcpdump inside a namespace.
#
# The caller sets LOG_TAG before sourcing, then uses these globals:
#   PY            python3 >= 3.11 (set by cap_install_tools)
#   WORK          temporary directory (cap_make_work), removed on exit
#   SERVER_PID    http.server (cap_start_server / cap_stop_server)
#   TCPDUMP_PID   tcpdump (cap_start_tcpdump / cap_stop_tcpdump)
#   CAP_PIDS      other background pids to SIGTERM on exit
#   CAP_NAMESPACES  namespaces to delete on exit (and before setup)

LOG_TAG=${LOG_TAG:-capture}
WORK=""
SERVER_PID=""
TCPDUMP_PID=""
CAP_PIDS=()
CAP_NAMESPACES=()
CAP_START=$(date +%s.%N)

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cap_need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (creates network namespaces)"
}

# cap_install_tools CMD=PACKAGE ...: apt-get install the packages of the
# commands that are missing, and find a python3 >= 3.11 (Debian's own
# /usr/bin/python3 preferred over whatever is first on PATH) into PY.
cap_install_tools() {
    local pair cmd missing=()
    for pair in "$@"; do
        cmd=${pair%%=*}
        command -v "$cmd" >/dev/null 2>&1 || missing+=("${pair#*=}")
    done
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
}

cap_ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

# cap_ns_del NS...: delete the namespaces that exist.
cap_ns_del() {
    local ns
    for ns in "$@"; do
        if cap_ns_exists "$ns"; then ip netns del "$ns" || true; fi
    done
}

# cap_ns_add NS...: (re)create namespaces, remembered for the EXIT trap.
cap_ns_add() {
    local ns
    cap_ns_del "$@"
    for ns in "$@"; do
        ip netns add "$ns"
        CAP_NAMESPACES+=("$ns")
    done
}

cap_stop_tcpdump() {
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

cap_stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

# cap_stop_pid PID: SIGTERM one background job of ours and wait for it.
cap_stop_pid() {
    local pid=$1 p keep=()
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${CAP_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    CAP_PIDS=("${keep[@]}")
}

cap_cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    cap_stop_tcpdump
    cap_stop_server
    for pid in "${CAP_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    cap_ns_del "${CAP_NAMESPACES[@]}"
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
    if [ "$rc" -ne 0 ]; then log "failed (exit $rc); namespaces and processes cleaned up"; fi
    exit "$rc"
}

cap_init_traps() {
    trap cap_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# cap_make_work PREFIX: a temporary directory in WORK, readable by tcpdump.
cap_make_work() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    chmod 755 "$WORK"   # tcpdump may drop to its own user before writing
}

# cap_setup_side NS IFACE V4 [V6]: addresses, offloads off, link up.
# Without V6, IPv6 is switched off on the interface altogether.
cap_setup_side() {
    local ns=$1 ifc=$2 v4=$3 v6=${4:-}
    ip -n "$ns" link set lo up
    if [ -n "$v6" ]; then
        # Quiet IPv6 link: no DAD, no router solicitations.
        ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
        ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.router_solicitations=0"
    else
        ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1"
    fi
    # No offloads: the capture then holds MTU-sized frames with correct
    # checksums, as on a real wire, not 40 KB GSO super-packets.
    ip netns exec "$ns" ethtool -K "$ifc" tx off tso off gso off gro off >/dev/null
    ip -n "$ns" addr add "$v4/24" dev "$ifc"
    if [ -n "$v6" ]; then ip -n "$ns" addr add "$v6/64" dev "$ifc" nodad; fi
    ip -n "$ns" link set "$ifc" up
}

# cap_start_server NS DIR BIND PORT: python3 -m http.server (HTTP/1.1,
# keep-alive) serving DIR; returns once it listens.
cap_start_server() {
    local ns=$1 dir=$2 bind=$3 port=$4 i
    ip netns exec "$ns" "$PY" -m http.server --protocol HTTP/1.1 --bind "$bind" \
        --directory "$dir" "$port" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for i in $(seq 100); do
        if ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q .; then break; fi
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "server exited"; }
        [ "$i" -lt 100 ] || die "server did not start listening"
        sleep 0.1
    done
}

# cap_start_tcpdump NS IFACE PRECISION(micro|nano) FILE: full snaplen,
# returns once tcpdump says "listening on".
cap_start_tcpdump() {
    local ns=$1 ifc=$2 prec=$3 file=$4 i
    local errf
    errf="$WORK/$(basename "$file").tcpdump.err"
    # --immediate-mode: without it TPACKET_V3 hands packets over in blocks
    # every ~1 s, and packets still in the ring when SIGINT arrives are lost
    # ("68 packets received by filter", "0 packets captured").
    ip netns exec "$ns" tcpdump -i "$ifc" -s 0 -U -n --immediate-mode \
        --time-stamp-precision="$prec" -w "$file" 2>"$errf" &
    TCPDUMP_PID=$!
    for i in $(seq 100); do
        grep -qs 'listening on' "$errf" && break
        kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$errf" >&2; die "tcpdump exited"; }
        [ "$i" -lt 100 ] || die "tcpdump not ready"
        sleep 0.1
    done
}

cap_elapsed() {
    awk -v a="$CAP_START" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'
}
