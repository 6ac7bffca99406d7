#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make_h2_captures.sh - REAL HTTP/2 captures, h2 over TLS (with the key log
# the client wrote) and cleartext h2c, between real clients (curl, nghttp,
# Chromium through Playwright, a python3-h2 client) and real servers (nginx,
# nghttpd, nghttpx, a python3-h2 server), and a manifest of exactly what each
# client sent and received.  Test data for an HTTP/2 layer.  Everything lands
# in testdata/h2/real/ (see testdata/README.md, section h2/real/).
#
# Usage: sudo testdata/make_h2_captures.sh     (root is needed for netns)
#
# Debian packages it installs when missing: nginx-light, nghttp2-server
# (nghttpd), nghttp2-client (nghttp), nghttp2-proxy (nghttpx), python3-h2,
# chromium, nodejs, npm, curl, openssl, tcpdump, tshark, wireshark-common
# (editcap, capinfos), nftables, iproute2, ethtool, coreutils, diffutils,
# gzip; and the npm package playwright-core into its temporary directory
# (never into the repository).
#
# Two namespaces (sift-2cli, sift-2srv) joined by a veth pair (sift-2c0 /
# sift-2s0; 10.97.0.0/24 and fd00:97::/64); all servers run in sift-2srv,
# all clients in sift-2cli, tcpdump records the server's veth.  One capture
# file per scenario, NAME.pcap, and for TLS ones NAME.keys, the key log the
# client wrote (SSLKEYLOGFILE, Python's SSLContext.keylog_filename).  Each
# client reports the streams it opened (stream id, method, :path,
# :authority, status) and the bodies it sent and received: curl -o files,
# -w, -D and --trace-ascii; nghttp -v; Chromium's NetLog and the page's own
# responses (its HAR is kept beside); the python3-h2 client's event log.
# Those become the rows of expected.tsv.  tshark then decodes every capture
# (tshark.tsv) and must find the streams the clients made.
#
# Idempotent: stale namespaces are removed first, outputs are rebuilt in a
# temporary directory and installed only when every check passed; an EXIT
# trap kills what this script started (by pid) and deletes its namespaces.
# No traffic leaves the namespaces.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=make_h2_captures
# shellcheck source=tools/capture_lib.sh
. "$HERE/tools/capture_lib.sh"

OUT=${SIFT_H2_REAL_OUT:-$HERE/h2/real}
PEERS="$HERE/tools/h2_peers.py"
TLSPEERS="$HERE/tools/tls_peers.py"
CHROMIUM_JS="$HERE/tools/h2_chromium.js"
DROP="$HERE/tools/drop_packets.py"
PLAYWRIGHT_VERSION=1.65.1

NS_CLI=sift-2cli
NS_SRV=sift-2srv
IF_CLI=sift-2c0
IF_SRV=sift-2s0
MAC_CLI=02:00:00:97:00:01
MAC_SRV=02:00:00:97:00:02
V4_CLI=10.97.0.1
V4_SRV=10.97.0.2
V6_CLI=fd00:97::1
V6_SRV=fd00:97::2
MTIME=@1700000000       # fixed Last-Modified / ETag
LOSS_PCT=3              # h2-lossy: nft numgen random mod 100 < 3 drop
MAX_TRIES=3
MAX_FILE=409600         # each capture under 400 KiB ...
MAX_LARGE=3145728       # ... except the three 2 MiB downloads (3 MiB)
MAX_TOTAL=12582912      # all of h2/real/ under 12 MiB
PORT_RANGE="32768 60999"
# Server names: every TLS client sends SNI h2.sift.test (curl --resolve,
# Chromium --host-resolver-rules, python server_hostname); the h2c ones use
# h2c.sift.test (curl --resolve) or the IPv6 address.
SNI=h2.sift.test

cap_need_root
cap_install_tools tcpdump=tcpdump curl=curl ip=iproute2 ss=iproute2 \
    ethtool=ethtool nft=nftables tshark=tshark capinfos=wireshark-common \
    editcap=wireshark-common nginx=nginx-light nghttpd=nghttp2-server \
    nghttp=nghttp2-client nghttpx=nghttp2-proxy chromium=chromium node=nodejs \
    npm=npm openssl=openssl sha256sum=coreutils cmp=diffutils gzip=gzip
"$PY" -c 'import h2, hpack' 2>/dev/null || {
    log "installing: python3-h2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-h2 >/dev/null
}
cap_init_traps
# SIFT_H2_REAL_DEBUG=/dir: a failed run leaves its temporary directory in
# /dir.failed (before the EXIT trap deletes it).
debug_keep() {
    local rc=$?
    set +e      # (exit "$rc") below must not end the trap before cap_cleanup
    if [ "$rc" != 0 ] && [ -n "${SIFT_H2_REAL_DEBUG:-}" ] && [ -n "$WORK" ] && [ -d "$WORK" ]; then
        rm -rf "$SIFT_H2_REAL_DEBUG.failed" && cp -a "$WORK" "$SIFT_H2_REAL_DEBUG.failed"
    fi
    (exit "$rc")
    cap_cleanup
}
trap debug_keep EXIT
cap_make_work sift-h2-real
export HOME="$WORK/home"    # Chromium and npm write their caches here
mkdir -p "$HOME"
unset SSLKEYLOGFILE

# --- the npm package playwright-core, in the temporary directory ---------------------
log "installing playwright-core@$PLAYWRIGHT_VERSION with npm into $WORK/node"
npm install --prefix "$WORK/node" --no-save --no-package-lock --no-audit --no-fund \
    --update-notifier=false --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
export NODE_PATH="$WORK/node/node_modules"

# --- deterministic content to serve ------------------------------------------------
WWW="$WORK/www"
mkdir -p "$WWW/page" "$WWW/push"
cat >"$WWW/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>pcapsift HTTP/2 captures</title></head>
<body>
<h1>pcapsift HTTP/2 captures</h1>
<p>Served over HTTP/2 to real clients, for testing HTTP/2 decoding.</p>
<ul>
<li><a href="hello.txt">hello.txt</a> - a small text file</li>
<li><a href="lorem.txt">lorem.txt</a> - 30000 bytes of text (gzip-able)</li>
<li><a href="blob.bin">blob.bin</a> - 40000 bytes of binary data</li>
</ul>
</body>
</html>
HTML
printf 'Hello from pcapsift over HTTP/2!\nThis small text file was served by nginx.\n' >"$WWW/hello.txt"
: >"$WWW/empty.txt"
"$PY" "$TLSPEERS" gen text pcapsift-h2-lorem 30000 "$WWW/lorem.txt"
"$PY" "$TLSPEERS" gen bin pcapsift-h2-blob 40000 "$WWW/blob.bin"
"$PY" "$TLSPEERS" gen bin pcapsift-h2-medium 102400 "$WWW/medium.bin"
"$PY" "$TLSPEERS" gen bin pcapsift-h2-large 2097152 "$WWW/large.bin"
"$PY" "$TLSPEERS" gen bin pcapsift-h2-post 3000 "$WORK/post.bin"
"$PY" "$TLSPEERS" gen bin pcapsift-h2-put 204800 "$WORK/put.bin"
"$PY" "$TLSPEERS" gen text pcapsift-h2-data 12000 "$WWW/page/data.txt"
"$PY" - "$WWW" <<'PYEOF'
import struct, sys, zlib
www = sys.argv[1]
def png(rgb, size=24):
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
for name, rgb in (("page/red.png", (200, 40, 40)), ("page/green.png", (30, 160, 60)),
                  ("page/blue.png", (40, 60, 200)), ("page/grey.png", (128, 128, 128)),
                  ("favicon.ico", (200, 120, 30))):
    with open(www + "/" + name, "wb") as f:
        f.write(png(rgb))
PYEOF
cat >"$WWW/page/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pcapsift HTTP/2 page</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="style.css">
<script src="app.js"></script>
</head>
<body>
<h1>pcapsift HTTP/2 page with subresources</h1>
<p>A style sheet, a script, four images, a JSON POST, a gzip text and a favicon, over h2.</p>
<p><img src="red.png" alt="red"> <img src="green.png" alt="green">
<img src="blue.png" alt="blue"> <img src="grey.png" alt="grey"></p>
<p id="out">script has not run</p>
</body>
</html>
HTML
cat >"$WWW/page/style.css" <<'CSS'
/* pcapsift HTTP/2 test page */
body { font-family: sans-serif; margin: 2em; }
h1 { color: #335; border-bottom: 1px solid #99a; }
img { width: 24px; height: 24px; border: 1px solid #000; }
#out { font-family: monospace; }
CSS
cat >"$WWW/page/app.js" <<'JS'
// pcapsift HTTP/2 test page script: after the load, a JSON POST and a GET
// of a text resource that nginx compresses, then a line for the driver.
window.addEventListener("load", async function () {
  const out = document.getElementById("out");
  const body = JSON.stringify({ capture: "h2-chromium", items: [1, 2, 3], text: "posted by fetch() over h2" });
  const r1 = await fetch("/echo", { method: "POST", headers: { "Content-Type": "application/json" }, body: body });
  const j = await r1.json();
  const r2 = await fetch("data.txt");
  const t = await r2.text();
  out.textContent = "fetches done: echo " + j.bytes + " B, data.txt " + t.length + " B";
});
JS
cat >"$WWW/push/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>pcapsift server push</title>
<link rel="stylesheet" href="style.css"><script src="app.js"></script></head>
<body><h1>nghttpd pushes style.css and app.js with this page</h1></body>
</html>
HTML
printf '/* pushed by nghttpd */\nbody { color: #222; }\n' >"$WWW/push/style.css"
printf '// pushed by nghttpd\nconsole.log("pushed script");\n' >"$WWW/push/app.js"
find "$WWW" -type f -exec touch -d "$MTIME" {} +

# Certificate (new each run): RSA for *.sift.test, used by every TLS server.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/rsa.key" -out "$WORK/rsa.crt" \
    -days 3650 -subj "/CN=$SNI" \
    -addext "subjectAltName=DNS:*.sift.test,DNS:sift.test,IP:$V4_SRV,IP:$V6_SRV" 2>/dev/null

# --- nginx ----------------------------------------------------------------------
# 10.97.0.2:443 TLS 1.3 + h2 (ALPN h2 and http/1.1), [fd00:97::2]:8080
# cleartext h2 (prior knowledge only; nginx has no Upgrade: h2c), and
# 127.0.0.1:8081 plain HTTP/1.1 as the backend of nghttpx.  /echo and
# /echo/put go to the Python upstream on 127.0.0.1:8000.
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx-loc.conf" <<EOF
root $WWW;
location ^~ /echo { proxy_pass http://127.0.0.1:8000; }
EOF
cat >"$WORK/nginx.conf" <<EOF
daemon off;
master_process off;
user root;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log notice;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server_tokens off;
    keepalive_timeout 30;
    keepalive_requests 1000;
    client_max_body_size 4m;
    gzip on;
    gzip_types text/plain text/css application/javascript;
    gzip_min_length 20;
    gzip_comp_level 6;
    ssl_certificate $WORK/rsa.crt;
    ssl_certificate_key $WORK/rsa.key;
    ssl_protocols TLSv1.3;
    server {
        listen $V4_SRV:443 ssl http2;
        server_name $SNI www.sift.test;
        include $WORK/nginx-loc.conf;
    }
    server {
        listen [$V6_SRV]:8080 http2;
        server_name h2c.sift.test;
        include $WORK/nginx-loc.conf;
    }
    server {
        listen 127.0.0.1:8081;
        server_name h2c.sift.test;
        include $WORK/nginx-loc.conf;
    }
}
EOF

# --- namespaces and veth ---------------------------------------------------------
cap_ns_add "$NS_CLI" "$NS_SRV"
ip link add "$IF_CLI" netns "$NS_CLI" address "$MAC_CLI" type veth \
    peer name "$IF_SRV" netns "$NS_SRV" address "$MAC_SRV"
cap_setup_side "$NS_CLI" "$IF_CLI" "$V4_CLI" "$V6_CLI"
cap_setup_side "$NS_SRV" "$IF_SRV" "$V4_SRV" "$V6_SRV"

# --- servers ------------------------------------------------------------------------
wait_listen() {
    local port=$1 _i
    for _i in $(seq 100); do
        if ip netns exec "$NS_SRV" ss -Hltn "sport = :$port" | grep -q .; then return 0; fi
        sleep 0.1
    done
    die "nothing listens on port $port"
}
# srv_bg NAME CMD...: a server in sift-2srv, stopped by the EXIT trap.
srv_bg() {
    local name=$1
    shift
    ip netns exec "$NS_SRV" "$@" >"$WORK/$name.log" 2>&1 &
    CAP_PIDS+=($!)
}
ip netns exec "$NS_SRV" nginx -t -q -c "$WORK/nginx.conf" -p "$WORK/nginx" \
    || die "nginx does not accept $WORK/nginx.conf"
srv_bg nginx nginx -c "$WORK/nginx.conf" -p "$WORK/nginx"
srv_bg upstream "$PY" "$PEERS" upstream --bind 127.0.0.1 --port 8000 --log "$WORK/upstream.jsonl"
# nghttpx: h2c with HTTP/1.1 Upgrade (and prior knowledge) in front of nginx.
srv_bg nghttpx nghttpx --conf=/dev/null --single-process --frontend="$V4_SRV,8082;no-tls" \
    --backend=127.0.0.1,8081 --workers=1 --no-ocsp --errorlog-file="$WORK/nghttpx.err" \
    --accesslog-file="$WORK/nghttpx.access"
# nghttpd over TLS: trailers on every response, POST bodies echoed (8443);
# server push of /push/index.html's style sheet and script (8444).
srv_bg nghttpd-trailers nghttpd -a "$V4_SRV" -d "$WWW" --echo-upload \
    --trailer 'grpc-status: 0' --trailer 'grpc-message: OK' 8443 "$WORK/rsa.key" "$WORK/rsa.crt"
srv_bg nghttpd-push nghttpd -a "$V4_SRV" -d "$WWW" \
    -p /push/index.html=/push/style.css,/push/app.js 8444 "$WORK/rsa.key" "$WORK/rsa.crt"
# python3-h2 server with large header blocks.
srv_bg h2server "$PY" "$PEERS" server --bind "$V4_SRV" --port 8446 --cert "$WORK/rsa.crt" \
    --key "$WORK/rsa.key" --log "$WORK/h2server.jsonl"
for p in 443 8080 8081 8000 8082 8443 8444 8446; do wait_listen "$p"; done
# Let link-local addresses and MLD reports settle, so they stay out of the
# captures.
sleep 2

# --- capture helpers ------------------------------------------------------------------
NEW="$WORK/out"
mkdir -p "$NEW"
chmod 777 "$NEW"   # tcpdump may write as user tcpdump
CAPTURES=()
CUR=""
ROWS=""
B=""
K=0

# begin NAME: start a capture; clients append rows to $ROWS, bodies go to $B,
# key logs to $NEW/NAME.keys.
begin() {
    CUR=$1
    ROWS="$WORK/rows-$CUR.tsv"
    B="$WORK/bodies/$CUR"
    rm -rf "$B" "$ROWS" "$NEW/$CUR.keys"
    mkdir -p "$B"
    : >"$ROWS"
    case " ${CAPTURES[*]} " in *" $CUR "*) ;; *) CAPTURES+=("$CUR") ;; esac
    cap_start_tcpdump "$NS_SRV" "$IF_SRV" micro "$NEW/$CUR.pcap"
}
# end [--cleartext]: stop the capture, number the connections.
end() {
    sleep 0.7   # FIN/ACK exchanges
    cap_stop_tcpdump
    "$PY" "$PEERS" finalize "$NEW/$CUR.pcap" "$ROWS" >"$WORK/final-$CUR.tsv"
    if [ "${1:-}" != --cleartext ]; then
        [ -s "$NEW/$CUR.keys" ] || die "$CUR: the client wrote no key log"
    else
        rm -f "$NEW/$CUR.keys"  # curl creates SSLKEYLOGFILE even without TLS
    fi
    log "$CUR.pcap: $(capinfos -c -M "$NEW/$CUR.pcap" | awk -F': *' '/Number of packets/ {print $2}') packets, $(wc -l <"$WORK/final-$CUR.tsv") rows"
}

WFMT='%{local_port}\t%{method}\t%{url_effective}\t%{response_code}\t%{filename_effective}\t%{num_connects}\t%{http_version}\t%{size_upload}\n'
# G: options every transfer needs.  Most curl options hold only for the
# transfers up to the next --next, so each group repeats G (without the
# same TLS options curl does not reuse the connection).
G=(-sS --noproxy '*' --max-time 60 -k --resolve "$SNI:443:$V4_SRV" --resolve "$SNI:8443:$V4_SRV"
   --resolve "$SNI:8446:$V4_SRV" --resolve "h2c.sift.test:8082:$V4_SRV")
# c CURL-ARGS...: run curl in the client namespace with SSLKEYLOGFILE,
# --trace-ascii and -w.
N=0
c() {
    N=$((N + 1))
    ip netns exec "$NS_CLI" env SSLKEYLOGFILE="$NEW/$CUR.keys" \
        curl --no-progress-meter --trace-ascii "$WORK/trace-$CUR-$N" "$@" >"$WORK/w-$CUR-$N" \
        || { grep '^== Info' "$WORK/trace-$CUR-$N" | tail -15 >&2; die "$CUR: curl failed"; }
}
# t OPTS... -- URL [UPLOAD-FILE] [NOTE]: one transfer of the next curl
# command, in its own --next group: -o $B/<k>, -D $B/<k>.h, -w.
T=()
SPEC=""
t_reset() { T=(); SPEC="$WORK/spec-$CUR-$((N + 1))"; : >"$SPEC"; }
t() {
    local o=()
    while [ "$1" != -- ]; do o+=("$1"); shift; done
    shift
    local url=$1 up=${2:--} note=${3:--}
    K=$((K + 1))
    [ "${#T[@]}" -gt 0 ] && T+=(--next)
    T+=("${G[@]}" "${o[@]}" -w "$WFMT" -o "$B/$K" -D "$B/$K.h" "$url")
    printf '%s\t%s\t%s\n' "$K" "$up" "$note" >>"$SPEC"
}
# rows CONNS: turn the last curl run into manifest rows; CONNS = how many
# connections curl must have opened.
rows() {
    "$PY" "$PEERS" curlrows --capture "$CUR.pcap" --wout "$WORK/w-$CUR-$N" \
        --trace "$WORK/trace-$CUR-$N" --spec "$SPEC" --conns "$1" >>"$ROWS"
}
# pyc SCENARIO PORT LPORT ARGS...: the python3-h2 client over TLS.
pyc() {
    local sc=$1 port=$2 lport=$3 auth=$SNI:$2
    shift 3
    [ "$port" = 443 ] && auth=$SNI
    ip netns exec "$NS_CLI" "$PY" "$PEERS" client "$sc" --capture "$CUR.pcap" --server "$V4_SRV" \
        --port "$port" --source "$V4_CLI" --local-port "$lport" --sni "$SNI" \
        --authority "$auth" --keylog "$NEW/$CUR.keys" --log "$WORK/pyclient-$CUR.jsonl" \
        "$@" >>"$ROWS" || die "$CUR: the python3-h2 client failed"
}

H2="https://$SNI"
TLS=(--http2 --tlsv1.3)

# --- 1. curl --parallel: many transfers multiplexed on one TLS connection -------------
begin h2-curl-parallel
t_reset
a=("${TLS[@]}" --local-port 43001)
t "${a[@]}" -- "$H2/"
t "${a[@]}" -- "$H2/empty.txt" - "0-byte file"
t "${a[@]}" -- "$H2/hello.txt"
t "${a[@]}" -- "$H2/medium.bin" - "100 KiB binary"
t "${a[@]}" -- "$H2/large.bin" - "2 MiB binary"
t "${a[@]}" --compressed -- "$H2/lorem.txt" - "curl --compressed, nginx gzip on"
t "${a[@]}" -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/post.bin" -- "$H2/echo" \
    "$WORK/post.bin" "nginx proxy_pass to a Python upstream that answers a JSON summary"
t "${a[@]}" -H 'Content-Type: application/octet-stream' -T "$WORK/put.bin" -- "$H2/echo/put" \
    "$WORK/put.bin" "curl -T: PUT of 200 KiB, proxied to the Python upstream"
t "${a[@]}" -- "$H2/missing.txt" - "nginx's 404 page"
t "${a[@]}" -I -- "$H2/blob.bin" - "curl -I"
t "${a[@]}" -- "$H2/blob.bin"
c --parallel --parallel-max 10 "${T[@]}"
rows 1
end

# --- 2. h2c with prior knowledge (nginx listen ... http2 without ssl), IPv6 --------------
# curl --http2-prior-knowledge, one transfer per connection (curl 7.88.1
# fails every transfer that reuses a prior-knowledge connection: "Error in
# the HTTP2 framing layer", curl issue 10634, fixed in 8.0); then nghttp
# (h2c without Upgrade for http:// URIs) with 5 concurrent streams on one
# connection, its source port pinned with ip_local_port_range (nghttp has
# no option for it).
begin h2c-prior-knowledge
H2C6="http://[$V6_SRV]:8080"
t_reset
t -g --http2-prior-knowledge --local-port 43101 --compressed -- "$H2C6/lorem.txt" - "curl --compressed"
c "${T[@]}"
rows 1
t_reset
t -g --http2-prior-knowledge --local-port 43102 -H 'Content-Type: application/octet-stream' \
    --data-binary "@$WORK/post.bin" -- "$H2C6/echo" "$WORK/post.bin" "proxied to the Python upstream"
c "${T[@]}"
rows 1
ip netns exec "$NS_CLI" sysctl -qw net.ipv4.ip_local_port_range="43103 43103"
ip netns exec "$NS_CLI" nghttp -v -t 30 "$H2C6/" "$H2C6/hello.txt" "$H2C6/lorem.txt" "$H2C6/blob.bin" \
    "$H2C6/medium.bin" >"$WORK/nghttp-$CUR.out" 2>&1 || die "$CUR: nghttp failed"
ip netns exec "$NS_CLI" sysctl -qw net.ipv4.ip_local_port_range="$PORT_RANGE"
"$PY" "$PEERS" nghttprows --capture "$CUR.pcap" --port 43103 --out "$WORK/nghttp-$CUR.out" >>"$ROWS"
end --cleartext

# --- 3. h2c by HTTP/1.1 Upgrade (nghttpx in front of nginx) -------------------------------
# curl --http2 on an http:// URL sends Upgrade: h2c + HTTP2-Settings with
# the first request; nghttpx answers 101 and the response on stream 1; the
# other requests reuse the connection as HTTP/2 streams 3, 5, 7.
begin h2c-upgrade
H2CU="http://h2c.sift.test:8082"
t_reset
a=(--http2 --local-port 43201)
t "${a[@]}" -- "$H2CU/hello.txt" - "the upgrading request (HTTP/1.1 GET + Upgrade: h2c; the response is HTTP/2 stream 1)"
t "${a[@]}" -- "$H2CU/blob.bin"
t "${a[@]}" --compressed -- "$H2CU/lorem.txt" - "curl --compressed, but not compressed: nginx sees the Via header of nghttpx (gzip_proxied off)"
t "${a[@]}" -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/post.bin" -- "$H2CU/echo" \
    "$WORK/post.bin" "nghttpx -> nginx -> the Python upstream"
c "${T[@]}"
rows 1
end --cleartext

# --- 4. Chromium (Playwright) loads a page over h2 ------------------------------------------
# Chromium writes the key log (SSLKEYLOGFILE), its NetLog (connections,
# HTTP/2 stream ids, decoded bodies) and its own HAR; the page's own view of
# each response (Playwright) gives the POST body and checks the NetLog's.
# Redone (up to 5 times) when a request got no response or the favicon was
# not fetched.
chromium_ok=""
for try in 1 2 3 4 5; do
    begin h2-chromium
    rm -f "$WORK/netlog.json" "$WORK/page.jsonl" "$NEW/h2-chromium.har"
    ip netns exec "$NS_CLI" env SSLKEYLOGFILE="$NEW/h2-chromium.keys" \
        timeout 90 node "$CHROMIUM_JS" --url "https://www.sift.test/page/" --har "$NEW/h2-chromium.har" \
        --page-log "$WORK/page.jsonl" --netlog "$WORK/netlog.json" \
        --resolve "MAP www.sift.test $V4_SRV, MAP * ~NOTFOUND" --wait-text "fetches done" \
        2>"$WORK/chromium.log" || { tail -20 "$WORK/chromium.log" >&2; die "chromium failed"; }
    rc=0
    "$PY" "$PEERS" chromiumrows --capture h2-chromium.pcap --netlog "$WORK/netlog.json" \
        --page "$WORK/page.jsonl" --need /favicon.ico --server "$V4_SRV:443" --har "$NEW/h2-chromium.har" >>"$ROWS" 2>"$WORK/chromiumrows.log" || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 3 ] || { cat "$WORK/chromiumrows.log" >&2; die "chromium: cannot read the NetLog"; }
    end
    if [ "$rc" = 0 ]; then chromium_ok=1; break; fi
    log "h2-chromium.pcap try $try: incomplete ($(cat "$WORK/chromiumrows.log")); again"
done
[ -n "$chromium_ok" ] || die "chromium: no complete page load in 5 tries"
editcap --inject-secrets "tls,$NEW/h2-chromium.keys" "$NEW/h2-chromium.pcap" "$NEW/h2-chromium.dsb.pcapng"

# --- 5. trailers (nghttpd --trailer, --echo-upload) -----------------------------------------
# curl: GET, GET, POST (echoed); every response ends with a trailer block
# (HEADERS + END_STREAM: grpc-status, grpc-message).  python3-h2: a POST
# with request trailers, and a GET.
begin h2-trailers
t_reset
a=("${TLS[@]}" --local-port 43401)
TRN="the response ends with a trailer block that curl 7.88.1 shows nowhere (not in -D, not in --trace-ascii); its -D has the announcing header 'trailer: grpc-status, grpc-message'"
t "${a[@]}" -- "https://$SNI:8443/hello.txt" - "$TRN"
t "${a[@]}" -- "https://$SNI:8443/blob.bin" - "$TRN"
t "${a[@]}" -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/post.bin" \
    -- "https://$SNI:8443/echo" "$WORK/post.bin" "nghttpd --echo-upload sends the body back; $TRN"
c "${T[@]}"
rows 1
pyc trailers 8443 43402 --post "$WORK/post.bin"
end

# --- 6. a stream cancelled by the client (RST_STREAM CANCEL) ----------------------------
begin h2-rst
pyc rst 443 43501 --big /large.bin --initial-window 16384
end

# --- 7. server push (nghttpd -p) --------------------------------------------------------
begin h2-push
pyc push 8444 43601 --page /push/index.html --pushes 2
end

# --- 8. a 2 MiB download with real loss, and with holes in the capture -------------------
# h2-lossy: nftables in the client's namespace drops $LOSS_PCT% of the
# server's packets after the capture point (the file holds every lost
# segment and its retransmission).
lossy_ok=""
for try in $(seq "$MAX_TRIES"); do
    ip netns exec "$NS_CLI" nft -f - <<EOF
table inet sift_h2_loss {
    counter dropped { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr $V4_SRV tcp sport 443 numgen random mod 100 < $LOSS_PCT counter name "dropped" drop
    }
}
EOF
    begin h2-lossy
    t_reset
    a=("${TLS[@]}" --local-port $((43700 + try)))
    t "${a[@]}" -- "$H2/large.bin" - "2 MiB random; $LOSS_PCT% of server->client packets dropped by nft after the capture point"
    t "${a[@]}" -- "$H2/hello.txt"
    c "${T[@]}"
    sleep 1     # a dropped FIN needs an RTO
    dropped=$(ip netns exec "$NS_CLI" nft list counter inet sift_h2_loss dropped | awk '/packets/ {print $2}')
    ip netns exec "$NS_CLI" nft delete table inet sift_h2_loss
    rows 1
    end
    resent=$(tshark -n -r "$NEW/h2-lossy.pcap" -Y 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission' 2>/dev/null | wc -l)
    log "h2-lossy.pcap try $try: nft dropped $dropped packets, tshark flags $resent retransmissions"
    if [ "$dropped" -gt 0 ] && [ "$resent" -gt 0 ]; then lossy_ok=1; break; fi
done
[ -n "$lossy_ok" ] || die "h2-lossy: no loss after $MAX_TRIES tries"
LOSSY_NOTE="nft dropped $dropped server->client packets after the capture point; tshark flags $resent retransmissions"

# h2-holes: the same download without loss, then 3 of the server's TCP
# data segments deleted from the file (tools/drop_packets.py).
begin h2-holes-full
t_reset
a=("${TLS[@]}" --local-port 43711)
t "${a[@]}" -- "$H2/large.bin" - "2 MiB random; 3 server data segments deleted from the capture (see h2-holes.dropped.txt)"
t "${a[@]}" -- "$H2/hello.txt" - "after the holes"
c "${T[@]}"
rows 1
end
"$PY" "$DROP" "$NEW/h2-holes-full.pcap" "$NEW/h2-holes.pcap" --every 500 --first 200 \
    --direction-port 443 --report "$WORK/holes-report.txt" 2>"$WORK/holes.log"
"$PY" "$PEERS" holes --full "$NEW/h2-holes-full.pcap" --keys "$NEW/h2-holes-full.keys" \
    --report "$WORK/holes-report.txt" --port 443 --out "$WORK/holes-records.txt"
{ echo "# segments deleted from h2-holes.pcap by tools/drop_packets.py --every 500 --first 200 --direction-port 443"
  echo "# (frame numbers are those of the complete capture; seq relative to the server's SYN)"
  cat "$WORK/holes-report.txt"; cat "$WORK/holes-records.txt"; } >"$NEW/h2-holes.dropped.txt"
sed 's/^h2-holes-full\.pcap/h2-holes.pcap/' "$WORK/final-h2-holes-full.tsv" >"$WORK/final-h2-holes.tsv"
mv "$NEW/h2-holes-full.keys" "$NEW/h2-holes.keys"
rm -f "$NEW/h2-holes-full.pcap"
CAPTURES=("${CAPTURES[@]/h2-holes-full/h2-holes}")

# --- 9. large header blocks: CONTINUATION, HPACK dynamic table -------------------------------
# python3-h2 client and server (SETTINGS_HEADER_TABLE_SIZE 8192 from the
# server; the client changes its own to 256 and back to 4096); then curl
# (libnghttp2's HPACK encoder) with 48 request headers of 500 B, twice.
begin h2-headers-big
pyc headers-big 8446 43801
"$PY" - "$WORK/curl-headers.txt" <<'PYEOF'
import hashlib, sys
with open(sys.argv[1], "w") as f:
    for i in range(48):
        v = "".join(hashlib.sha256(("pcapsift-h2-curl-%d/%d" % (i, j)).encode()).hexdigest() for j in range(8))[:500]
        f.write("X-Sift-Curl-%02d: %s\n" % (i, v))
PYEOF
t_reset
a=("${TLS[@]}" --local-port 43802 -H "@$WORK/curl-headers.txt")
t "${a[@]}" -- "https://$SNI:8446/big-headers/curl-1" - "48 request headers of 500 B (HEADERS + CONTINUATION)"
t "${a[@]}" -- "https://$SNI:8446/big-headers/curl-2" - "the same headers again"
c "${T[@]}"
rows 1
end

# --- manifest ------------------------------------------------------------------------------
{
    printf 'capture\tconn_order\tstream_id\tmethod\ttarget\tauthority\tstatus\treq_body_sha256\tresp_body_sha256\tnote\n'
    for cap in "${CAPTURES[@]}"; do cat "$WORK/final-$cap.tsv"; done
} >"$NEW/expected.tsv"
sed -i "s/^\(h2-lossy\.pcap\t.*\/large\.bin\t.*\)$/\1; $LOSSY_NOTE/" "$NEW/expected.tsv"

# --- checks --------------------------------------------------------------------------------
# Bodies the clients got equal the served files; the upstream and the
# python3-h2 server received what the clients sent.
(cd "$WWW" && find . -type f | sed 's|^\.||' | sort | while read -r f; do
    printf '%s\t%s\n' "$f" "$(sha256sum "$WWW$f" | cut -c1-64)"; done) >"$WORK/served.tsv"
{ printf '/\t%s\n' "$(sha256sum "$WWW/index.html" | cut -c1-64)"
  printf '/page/\t%s\n' "$(sha256sum "$WWW/page/index.html" | cut -c1-64)"
  printf '/empty.txt\t-\n'; } >>"$WORK/served.tsv"
awk -F'\t' 'NR == FNR {s[$1] = $2; next}
    FNR > 1 && $4 == "GET" && $7 == 200 && ($5 in s) && s[$5] != $9 && $10 !~ /cancelled/ {print "body of " $1 " " $5 " differs from the served file"; bad = 1}
    END {exit bad}' "$WORK/served.tsv" "$NEW/expected.tsv" >&2 || die "a client got a wrong body"
for f in post.bin put.bin; do
    s=$(sha256sum "$WORK/$f" | cut -c1-64)
    grep -q "\"sha256\": \"$s\"" "$WORK/upstream.jsonl" || die "the upstream never received $f"
done
if [ -n "${SIFT_H2_REAL_DEBUG:-}" ]; then   # keep a copy of the work files
    rm -rf "$SIFT_H2_REAL_DEBUG" && cp -a "$WORK" "$SIFT_H2_REAL_DEBUG"
fi

# tshark, per capture, with its key log (tshark.tsv); the known shortfalls
# of tshark 4.0.17 are warnings (see README), anything else fails.
printf 'capture\ttcp_stream\tstream_id\tmethod\tpath\tstatus\treq_data_sha256\tresp_data_sha256\tresp_body_sha256\tframes\n' >"$NEW/tshark.tsv"
declare -A SPORT=([h2-curl-parallel]=443 [h2c-prior-knowledge]=8080 [h2c-upgrade]=8082
                  [h2-chromium]=443 [h2-trailers]=8443 [h2-rst]=443 [h2-push]=8444
                  [h2-lossy]=443 [h2-holes]=443 [h2-headers-big]=8446)
KNOWN_SHORT=" h2-holes "
WARNINGS=()
for cap in "${CAPTURES[@]}"; do
    rc=0
    "$PY" "$PEERS" tshark --capture "$cap.pcap" --pcap "$NEW/$cap.pcap" --keys "$NEW/$cap.keys" \
        --manifest "$NEW/expected.tsv" --out "$NEW/tshark.tsv" --server-port "${SPORT[$cap]}" || rc=$?
    if [ "$rc" != 0 ] && [[ "$KNOWN_SHORT" == *" $cap "* ]]; then
        WARNINGS+=("$cap.pcap: tshark does not find everything the client reported (known, see README)")
    elif [ "$rc" != 0 ]; then
        die "tshark check failed for $cap.pcap"
    fi
done
sed "s/^h2-chromium\.pcap\t/h2-chromium.dsb.pcapng\t/" "$NEW/expected.tsv" | grep '^h2-chromium.dsb.pcapng' \
    >"$WORK/dsb.tsv"
"$PY" "$PEERS" tshark --capture h2-chromium.dsb.pcapng --pcap "$NEW/h2-chromium.dsb.pcapng" \
    --manifest "$WORK/dsb.tsv" --out "$NEW/tshark.tsv" --server-port 443 \
    || die "tshark does not decode h2-chromium.dsb.pcapng with its own secrets"
"$PY" "$PEERS" features --dir "$NEW" 2>"$WORK/features.log" \
    || { cat "$WORK/features.log" >&2; die "a capture lacks its HTTP/2 feature"; }

# --- install into testdata/h2/real ----------------------------------------------------
FILES=()
for cap in "${CAPTURES[@]}"; do
    FILES+=("$cap.pcap")
    [ -f "$NEW/$cap.keys" ] && FILES+=("$cap.keys")
done
FILES+=(h2-chromium.dsb.pcapng h2-chromium.har h2-holes.dropped.txt expected.tsv tshark.tsv)
for f in "${FILES[@]}"; do
    lim=$MAX_FILE
    case "$f" in h2-curl-parallel.pcap | h2-lossy.pcap | h2-holes.pcap) lim=$MAX_LARGE ;; esac
    [ "$(stat -c %s "$NEW/$f")" -lt "$lim" ] || die "$f is over $lim bytes"
done
total=$(cd "$NEW" && du -cb "${FILES[@]}" | tail -1 | cut -f1)
[ "$total" -lt "$MAX_TOTAL" ] || die "h2/real would be $total bytes, over $MAX_TOTAL"
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap "$OUT"/*.pcapng "$OUT"/*.keys "$OUT"/*.tsv "$OUT"/*.txt "$OUT"/*.har
for f in "${FILES[@]}"; do install -m 0644 "$NEW/$f" "$OUT/$f"; done
for w in "${WARNINGS[@]}"; do log "warning: $w"; done
log "wrote ${#FILES[@]} files, $total bytes, $(($(wc -l <"$OUT/expected.tsv") - 1)) manifest rows, to $OUT in $(cap_elapsed)s"
