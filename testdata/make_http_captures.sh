#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make_http_captures.sh - REAL HTTP/1.x captures made by real clients and
# servers (nginx, curl, Chromium, Python, node "ws"), and a manifest of
# exactly what each client sent and received.  Everything lands in
# testdata/http/real/ (see testdata/README.md, section http/real/).
#
# Usage: sudo testdata/make_http_captures.sh     (root is needed for netns)
#
# Two namespaces (sift-hcli, sift-hsrv) joined by a veth pair; all servers run
# in sift-hsrv, all clients in sift-hcli, tcpdump records the server's veth.
# One capture file per scenario; each client reports the bodies it sent and
# received (after removing transfer and content coding), which become the
# rows of expected.tsv.  Every capture is then checked with tshark.
#
# Idempotent: stale namespaces are removed first, outputs are rebuilt in a
# temporary directory and installed only when every check passed; an EXIT
# trap kills what this script started (by pid) and deletes its namespaces.
# No traffic leaves the namespaces.  The npm package "ws" is installed into
# the temporary directory (never into the repository).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=make_http_captures
# shellcheck source=tools/capture_lib.sh
. "$HERE/tools/capture_lib.sh"

OUT=${SIFT_HTTP_REAL_OUT:-$HERE/http/real}
PEERS="$HERE/tools/http_peers.py"
WSPEER="$HERE/tools/ws_peer.js"
WS_VERSION=8.18.3       # npm "ws"; permessage-deflate, fragmentation

NS_CLI=sift-hcli
NS_SRV=sift-hsrv
IF_CLI=sift-c0
IF_SRV=sift-s0
MAC_CLI=02:00:00:99:00:01
MAC_SRV=02:00:00:99:00:02
V4_CLI=10.99.0.1
V4_SRV=10.99.0.2
V6_CLI=fd00:99::1
V6_SRV=fd00:99::2
MTIME=@1700000000       # fixed Last-Modified / ETag
LOSS_PCT=4              # loss.pcap: nft numgen random mod 100 < 4 drop
MAX_TRIES=3
MAX_FILE=307200         # each capture under 300 KiB
MAX_TOTAL=2097152       # all of http/real/ under 2 MiB

cap_need_root
cap_install_tools tcpdump=tcpdump curl=curl ip=iproute2 ss=iproute2 \
    ethtool=ethtool nft=nftables tshark=tshark capinfos=wireshark-common \
    nginx=nginx chromium=chromium node=nodejs npm=npm openssl=openssl \
    sha256sum=coreutils cmp=diffutils
cap_init_traps
cap_make_work sift-http-real
export HOME="$WORK/home"    # Chromium and npm write their caches here
mkdir -p "$HOME"

# --- the npm package "ws", in the temporary directory ----------------------------
log "installing ws@$WS_VERSION with npm into $WORK/node"
npm install --prefix "$WORK/node" --no-save --no-package-lock --no-audit --no-fund \
    --update-notifier=false --loglevel=error "ws@$WS_VERSION" >/dev/null
export NODE_PATH="$WORK/node/node_modules"

# --- deterministic content to serve ------------------------------------------------
WWW="$WORK/www"
mkdir -p "$WWW/static" "$WWW/page"
cat >"$WWW/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>pcapsift real-client captures</title></head>
<body>
<h1>pcapsift real-client captures</h1>
<ul>
<li><a href="hello.txt">hello.txt</a> - a small text file</li>
<li><a href="lorem.txt">lorem.txt</a> - 30000 bytes of text (gzip-able)</li>
<li><a href="blob.bin">blob.bin</a> - 20000 bytes of binary data</li>
<li><a href="page/">page/</a> - a page with subresources</li>
</ul>
</body>
</html>
HTML
printf 'Hello from pcapsift!\nThis is a small text file served over HTTP/1.1.\n' >"$WWW/hello.txt"
"$PY" "$PEERS" gen --kind text pcapsift-lorem 30000 "$WWW/lorem.txt"
"$PY" "$PEERS" gen --kind bin pcapsift-blob 20000 "$WWW/blob.bin"
"$PY" "$PEERS" gen --kind bin pcapsift-big 60000 "$WWW/big.bin"
"$PY" "$PEERS" gen --kind log pcapsift-log 2097152 "$WWW/big-log.txt"
"$PY" "$PEERS" gen --kind text pcapsift-appjs 3000 "$WWW/static/app.js"
"$PY" - "$WWW" <<'PYEOF'
import gzip, struct, sys, zlib
www = sys.argv[1]
# gzip_static serves this file as /static/app.js with Content-Encoding: gzip
# and a Content-Length (no chunking); mtime 0 keeps it deterministic.
with open(www + "/static/app.js", "rb") as f:
    data = f.read()
with open(www + "/static/app.js.gz", "wb") as f:
    f.write(gzip.compress(data, 9, mtime=0))

def png(rgb, size=24):
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
for name, rgb in (("page/red.png", (200, 30, 30)), ("page/blue.png", (30, 30, 200)),
                  ("page/bg.png", (240, 240, 220)), ("favicon.ico", (30, 160, 30))):
    with open(www + "/" + name, "wb") as f:
        f.write(png(rgb))
PYEOF
cat >"$WWW/page/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pcapsift page with subresources</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="style.css">
<script src="app.js"></script>
</head>
<body>
<h1>pcapsift page with subresources</h1>
<p>A style sheet (with a background image), a script, two images and a
favicon: a browser fetches them over several keep-alive connections.</p>
<p><img src="red.png" alt="red square"> <img src="blue.png" alt="blue square"></p>
<p id="out">script has not run</p>
</body>
</html>
HTML
cat >"$WWW/page/style.css" <<'CSS'
/* pcapsift test page */
body { font-family: sans-serif; margin: 2em; background: url(bg.png) repeat; }
h1 { color: #335; border-bottom: 1px solid #99a; }
img { width: 24px; height: 24px; border: 1px solid #000; }
#out { font-family: monospace; }
CSS
cat >"$WWW/page/app.js" <<'JS'
// pcapsift test page script
document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("out").textContent = "script ran";
});
JS
find "$WWW" -type f -exec touch -d "$MTIME" {} +

# TLS key and a self-signed certificate (new each run).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -days 3650 \
    -subj "/CN=$V4_SRV" -addext "subjectAltName=IP:$V4_SRV" 2>/dev/null

# --- nginx ----------------------------------------------------------------------
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<EOF
# one process in the foreground, so the script can stop it by pid
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
    client_max_body_size 16m;
    gzip on;
    gzip_types text/plain text/css application/javascript;
    gzip_min_length 20;
    gzip_comp_level 6;
    gzip_vary on;
    server {
        listen $V4_SRV:80;
        listen [$V6_SRV]:80;
        listen $V4_SRV:8080;
        listen [$V6_SRV]:8080;
        listen $V4_SRV:31337;
        listen [$V6_SRV]:31337;
        listen $V4_SRV:443 ssl;
        ssl_certificate $WORK/tls.crt;
        ssl_certificate_key $WORK/tls.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        root $WWW;
        location = /empty { return 204; }
        location = /old { return 301 /hello.txt; }
        location = /form { proxy_pass http://127.0.0.1:8000; }
        location = /upload { proxy_pass http://127.0.0.1:8000; }
        # the upstream's close-delimited body becomes a chunked response
        location = /slow { gzip off; proxy_buffering off; proxy_pass http://127.0.0.1:8081; }
        location /static/ { gzip_static on; }
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
# bg NS LOGNAME CMD...: start a background process in NS, remember its pid.
bg() {
    local ns=$1 name=$2
    shift 2
    ip netns exec "$ns" "$@" >"$WORK/$name.log" 2>&1 &
    CAP_PIDS+=("$!")
}
wait_listen() {
    local port=$1 _i
    for _i in $(seq 100); do
        ip netns exec "$NS_SRV" ss -Hltn "sport = :$port" | grep -q . && return 0
        sleep 0.1
    done
    cat "$WORK"/*.log >&2
    die "nothing listens on port $port"
}
bg "$NS_SRV" nginx nginx -c "$WORK/nginx.conf"
bg "$NS_SRV" upload "$PY" "$PEERS" upload --bind :: --port 8000 --log "$WORK/upload.jsonl"
bg "$NS_SRV" close "$PY" "$PEERS" close --bind :: --port 8081
bg "$NS_SRV" connect "$PY" "$PEERS" connect --bind :: --port 3128 --log "$WORK/connect.txt"
bg "$NS_SRV" ws-plain node "$WSPEER" server --host "$V4_SRV" --port 8090 --log "$WORK/ws-srv-plain.tsv"
bg "$NS_SRV" ws-deflate node "$WSPEER" server --host "$V4_SRV" --port 8091 --deflate --log "$WORK/ws-srv-deflate.tsv"
for p in 80 443 8080 31337 8000 8081 3128 8090 8091; do wait_listen "$p"; done
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

# begin NAME: start a capture; clients append rows to $ROWS, bodies go to $B.
begin() {
    CUR=$1
    ROWS="$WORK/rows-$CUR.tsv"
    B="$WORK/bodies/$CUR"
    rm -rf "$B" "$ROWS"
    mkdir -p "$B"
    : >"$ROWS"
    case " ${CAPTURES[*]} " in *" $CUR "*) ;; *) CAPTURES+=("$CUR") ;; esac
    cap_start_tcpdump "$NS_SRV" "$IF_SRV" micro "$NEW/$CUR.pcap"
}
# end [--sequential]: stop the capture, number the connections.
end() {
    sleep 0.7   # FIN/ACK exchanges
    cap_stop_tcpdump
    "$PY" "$PEERS" finalize "$@" "$NEW/$CUR.pcap" "$ROWS" >"$WORK/final-$CUR.tsv"
    log "$CUR.pcap: $(capinfos -c -M "$NEW/$CUR.pcap" | awk -F': *' '/Number of packets/ {print $2}') packets, $(wc -l <"$WORK/final-$CUR.tsv") rows"
}

WFMT='%{local_port}\t%{method}\t%{url_effective}\t%{response_code}\t%{filename_effective}\t%{num_connects}\t%{redirect_url}\n'
CURL=(curl -sS --noproxy '*' --max-time 30)
N=0
# c CURL-ARGS...: run curl in the client namespace with --trace and -w.
# Use o URL to get "-o $B/<n> URL" pairs.
c() {
    N=$((N + 1))
    ip netns exec "$NS_CLI" "${CURL[@]}" --trace "$WORK/trace-$CUR-$N" "$@" >"$WORK/w-$CUR-$N"
}
# rows [NOTE...]: turn the last curl run into manifest rows.
rows() {
    local a=() n
    for n in "$@"; do a+=(--note "$n"); done
    "$PY" "$PEERS" curlrows --capture "$CUR.pcap" --wout "$WORK/w-$CUR-$N" \
        --trace "$WORK/trace-$CUR-$N" "${a[@]}" >>"$ROWS"
}
# conns: how many new connections the last curl run opened.
conns() { awk -F'\t' '{s += $6} END {print s}' "$WORK/w-$CUR-$N"; }
# urls URL...: set U to "-w FMT -o $B/<k> URL" for each URL (k counts on).
K=0
urls() {
    local u
    U=()
    for u in "$@"; do K=$((K + 1)); U+=(-w "$WFMT" -o "$B/$K" "$u"); done
}

H4="http://$V4_SRV"
H6="http://[$V6_SRV]"

# --- 1. keepalive.pcap: six GETs on one keep-alive connection to nginx -------------
begin keepalive
urls "$H4/" "$H4/hello.txt" "$H4/blob.bin" "$H4/missing.txt" "$H4/old" "$H4/empty"
c --http1.1 --local-port 41001 "${U[@]}"
[ "$(conns)" = 1 ] || die "keepalive: curl opened $(conns) connections"
rows "" "" "" "nginx 404 page" "nginx 301 page, not followed" "nginx return 204"
end --sequential

# --- 2. conditional.pcap: 304 by If-Modified-Since and If-None-Match ----------------
size=$(stat -c %s "$WWW/hello.txt")
ETAG=$(printf '"%x-%x"' "${MTIME#@}" "$size")       # nginx: "<mtime hex>-<size hex>"
LASTMOD=$(LC_ALL=C TZ=GMT date -d "$MTIME" '+%a, %d %b %Y %H:%M:%S GMT')
begin conditional
c --http1.1 --local-port 41011 -w "$WFMT" -o "$B/1" -z "$LASTMOD" "$H4/hello.txt" \
    --next --http1.1 --local-port 41011 -w "$WFMT" -o "$B/2" -H "If-None-Match: $ETAG" "$H4/hello.txt" \
    --next --http1.1 --local-port 41011 -w "$WFMT" -o "$B/3" -H 'If-None-Match: "0-0"' "$H4/hello.txt" \
    --next --http1.1 --local-port 41011 -w "$WFMT" -o "$B/4" -z 'Mon, 01 Jan 2001 00:00:00 GMT' "$H4/hello.txt"
[ "$(conns)" = 1 ] || die "conditional: curl opened $(conns) connections"
rows "If-Modified-Since: $LASTMOD" "If-None-Match: $ETAG" 'If-None-Match: "0-0" (no match)' \
    "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT"
end --sequential

# --- 3. gzip-chunked.pcap: content and transfer codings --------------------------------
begin gzip-chunked
urls "$H4/lorem.txt" "$H4/static/app.js" "$H4/slow" "$H4/index.html"
c --http1.1 --compressed --local-port 41021 "${U[@]}"
[ "$(conns)" = 1 ] || die "gzip-chunked: curl opened $(conns) connections"
rows "nginx gzip on" "nginx gzip_static: precompressed file with Content-Length" \
    "nginx proxy_pass to a close-delimited upstream, proxy_buffering off: identity chunks" \
    "nginx gzip on"
end --sequential

# --- 4. head-get.pcap: HEAD then GET on one connection (raw python client) ---------
begin head-get
ip netns exec "$NS_CLI" "$PY" "$PEERS" headget --server "$V4_SRV" --source "$V4_CLI" \
    --local-port 41031 --host "$V4_SRV" --capture head-get.pcap >>"$ROWS"
end --sequential

# --- 5. post.pcap: forms, multipart upload, Expect: 100-continue ----------------------
"$PY" "$PEERS" gen --kind text pcapsift-upload-txt 1500 "$WORK/upload.txt"
"$PY" "$PEERS" gen --kind bin pcapsift-upload-bin 3000 "$WORK/upload.bin"
"$PY" "$PEERS" gen --kind bin pcapsift-upload-big 60000 "$WORK/upload-big.bin"
"$PY" "$PEERS" gen --kind bin pcapsift-upload-big2 50000 "$WORK/upload-big2.bin"
touch -d "$MTIME" "$WORK"/upload*
begin post
c --http1.1 --local-port 41041 -w "$WFMT" -o "$B/1" --data-urlencode 'name=pcapsift test' \
        --data-urlencode 'comment=a&b=c; 100% "real" ü' "$H4/form" \
    --next --http1.1 --local-port 41041 -w "$WFMT" -o "$B/2" -F 'title=multipart test' \
        -F "file=@$WORK/upload.txt;type=text/plain" -F "blob=@$WORK/upload.bin" "$H4/form" \
    --next --http1.1 --local-port 41041 -w "$WFMT" -o "$B/3" -H 'Expect: 100-continue' \
        -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/upload-big.bin" "$H4/upload"
[ "$(conns)" = 1 ] || die "post: curl opened $(conns) connections"
rows "urlencoded form (curl --data-urlencode), nginx proxy_pass to python" \
    "multipart/form-data with two files (curl -F), nginx proxy_pass to python" \
    "nginx sends 100 Continue, then proxies to python"
c --http1.1 --local-port 41042 -w "$WFMT" -o "$B/4" -H 'Expect: 100-continue' \
    -H 'Content-Type: application/octet-stream' --data-binary "@$WORK/upload-big2.bin" "http://$V4_SRV:8000/direct"
rows "python http.server sends 100 Continue itself"
end --sequential

# --- 6. pipeline.pcap: six requests in one segment ------------------------------------
begin pipeline
ip netns exec "$NS_CLI" "$PY" "$PEERS" pipeline --server "$V4_SRV" --source "$V4_CLI" \
    --local-port 41051 --host "$V4_SRV" --capture pipeline.pcap >>"$ROWS"
end --sequential

# --- 7. http10.pcap: HTTP/1.0 and bodies delimited by the connection close --------------
begin http10
c --http1.0 --local-port 41061 -w "$WFMT" -o "$B/1" "$H4/hello.txt"
rows "HTTP/1.0 request without keep-alive; nginx answers HTTP/1.1 with Content-Length and closes"
c --http1.0 --local-port 41062 -w "$WFMT" -o "$B/2" "http://$V4_SRV:8081/h10"
rows "HTTP/1.0 200 without Content-Length: body ends at the server's FIN"
c --http1.1 --local-port 41063 -w "$WFMT" -o "$B/3" "http://$V4_SRV:8081/h11"
rows "HTTP/1.1 200 with Connection: close and no Content-Length: body ends at the server's FIN"
end --sequential

# --- 8. ipv6-ports.pcap: IPv6, ports 8080 and 31337 -------------------------------------
begin ipv6-ports
urls "$H6:8080/hello.txt" "$H6:8080/blob.bin"
c --http1.1 -g --local-port 41071 "${U[@]}"
[ "$(conns)" = 1 ] || die "ipv6-ports: curl opened $(conns) connections"
rows "IPv6, port 8080" "IPv6, port 8080"
c --http1.1 --local-port 41072 -w "$WFMT" -o "$B/9" "$H4:31337/index.html"
rows "IPv4, port 31337"
c --http1.1 -g --compressed --local-port 41073 -w "$WFMT" -o "$B/10" "$H6:31337/lorem.txt"
rows "IPv6, port 31337"
c --http1.1 -g --local-port 41074 -w "$WFMT" -o "$B/11" "$H6/hello.txt"
rows "IPv6, port 80"
end --sequential

# --- 9. connect.pcap: a CONNECT tunnel carrying plain HTTP ----------------------------
begin connect
# (CURL has --noproxy '*', which a later -x does not override: --noproxy '' does)
c --http1.1 --noproxy '' -p -x "http://$V4_SRV:3128" --local-port 41081 \
    -w '%{local_port}\t%{response_code}\t%{filename_effective}\n' \
    -o "$B/1" "http://$V4_SRV:8080/hello.txt"
IFS=$'\t' read -r cport tstatus tfile <"$WORK/w-connect-$N"
cstatus=$("$PY" "$PEERS" tracestatus "$WORK/trace-connect-$N" 0)
if [ "$cstatus" != 200 ] || [ "$tstatus" != 200 ]; then
    die "connect: CONNECT $cstatus, tunnelled GET $tstatus"
fi
printf 'connect.pcap\t%s\tCONNECT\t%s\t%s\t-\t-\t%s\n' "$cport" "$V4_SRV:8080" "$cstatus" \
    "python CONNECT proxy on port 3128; the tunnel then carries GET /hello.txt -> 200 ($(stat -c %s "$tfile") B, sha256 $(sha256sum "$tfile" | cut -c1-64)), which is tunnel payload, not a transaction of this connection" >>"$ROWS"
end --sequential

# --- 10. tls.pcap: HTTPS, which must give no HTTP transaction ---------------------------
begin tls
c --http1.1 -k --tlsv1.3 --local-port 41091 -w "$WFMT" -o "$B/1" "https://$V4_SRV/hello.txt"
printf 'tls.pcap\t41091\tTLS\t%s\t-\t-\t-\t%s\n' "$V4_SRV:443" \
    "TLS 1.3, HTTP/1.1 GET /hello.txt inside (curl got $(stat -c %s "$B/1") B); no HTTP transaction expected" >>"$ROWS"
c --http1.1 -k --tls-max 1.2 --local-port 41092 -w "$WFMT" -o "$B/2" "https://$V4_SRV/index.html"
printf 'tls.pcap\t41092\tTLS\t%s\t-\t-\t-\t%s\n' "$V4_SRV:443" \
    "TLS 1.2, HTTP/1.1 GET /index.html inside (curl got $(stat -c %s "$B/2") B); no HTTP transaction expected" >>"$ROWS"
cmp -s "$B/1" "$WWW/hello.txt" || die "tls: body of /hello.txt differs"
cmp -s "$B/2" "$WWW/index.html" || die "tls: body of /index.html differs"
end --sequential

# --- 11. websocket.pcap / websocket-deflate.pcap ------------------------------------------
for ws in plain deflate; do
    if [ "$ws" = plain ]; then name=websocket port=8090 lport=41101 flag=(); else
        name=websocket-deflate port=8091 lport=41111 flag=(--deflate); fi
    begin "$name"
    ip netns exec "$NS_CLI" node "$WSPEER" client --url "ws://$V4_SRV:$port/chat" \
        --local-address "$V4_CLI" --local-port "$lport" --capture "$name.pcap" "${flag[@]}" >>"$ROWS"
    end --sequential
    # The server saw the same messages (direction, opcode, payload hash).
    diff <(awk -F'\t' '$3 == "WS" {print $4 "\t" $5 "\t" $7}' "$ROWS") \
         <(cut -f1-3 "$WORK/ws-srv-$ws.tsv") >&2 \
        || die "$name: the server's view of the messages differs from the client's"
done

# --- 12. chromium.pcap: a page with subresources, parallel connections -----------------
# Redone (up to 5 times) when Chromium cancelled a request (the favicon can
# still be in flight when --dump-dom ends the run), skipped the favicon, or
# used a single connection.
chromium_ok=""
for try in 1 2 3 4 5; do
    begin chromium
    rm -rf "$WORK/chromium-profile" "$WORK/netlog.json"
    ip netns exec "$NS_CLI" chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-default-apps --disable-extensions --no-default-browser-check \
        --user-data-dir="$WORK/chromium-profile" \
        --log-net-log="$WORK/netlog.json" --net-log-capture-mode=Everything \
        --virtual-time-budget=2000 --dump-dom "$H4/page/" >"$WORK/dom.html" 2>"$WORK/chromium.log" \
        || { tail -20 "$WORK/chromium.log" >&2; die "chromium failed"; }
    grep -q 'script ran' "$WORK/dom.html" || die "chromium: the page script did not run"
    rc=0
    "$PY" "$PEERS" netlog --capture chromium.pcap "$WORK/netlog.json" >>"$ROWS" || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 3 ] || die "chromium: cannot read the NetLog"
    end
    if [ "$rc" = 0 ] && grep -q $'\t/favicon.ico\t' "$WORK/final-chromium.tsv" \
        && [ "$(cut -f2 "$WORK/final-chromium.tsv" | sort -u | wc -l)" -ge 2 ]; then
        chromium_ok=1
        break
    fi
    log "chromium.pcap try $try: $(cut -f4 "$WORK/final-chromium.tsv" | tr '\n' ' ')over $(cut -f2 "$WORK/final-chromium.tsv" | sort -u | wc -l) connections (netlog rc $rc); again"
done
[ -n "$chromium_ok" ] || die "chromium: no complete page load in 5 tries"

# --- 13. loss.pcap: 4% of server->client packets dropped after the capture point -------
lossy_ok=""
for try in $(seq "$MAX_TRIES"); do
    ip netns exec "$NS_CLI" nft -f - <<EOF
table inet sift_http_loss {
    counter dropped { }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr $V4_SRV tcp sport 80 numgen random mod 100 < $LOSS_PCT counter name "dropped" drop
    }
}
EOF
    begin loss
    urls "$H4/big.bin" "$H4/big-log.txt"
    c --http1.1 --compressed --local-port $((41120 + try)) "${U[@]}"
    sleep 1     # a dropped FIN needs an RTO
    dropped=$(ip netns exec "$NS_CLI" nft list counter inet sift_http_loss dropped | awk '/packets/ {print $2}')
    ip netns exec "$NS_CLI" nft delete table inet sift_http_loss
    [ "$(conns)" = 1 ] || die "loss: curl opened $(conns) connections"
    rows "4% of server->client packets dropped by nft after the capture point" \
         "2 MiB entity sent gzip + chunked; 4% loss as above"
    end --sequential
    resent=$(tshark -r "$NEW/loss.pcap" -Y 'tcp.analysis.retransmission || tcp.analysis.out_of_order' 2>/dev/null | wc -l)
    log "loss.pcap try $try: nft dropped $dropped packets, tshark flags $resent resent segments"
    if [ "$dropped" -gt 0 ] && [ "$resent" -gt 0 ]; then lossy_ok=1; break; fi
done
[ -n "$lossy_ok" ] || die "loss.pcap: no loss after $MAX_TRIES tries"

# --- manifest ------------------------------------------------------------------------------
{
    printf 'capture\tconn_order\tmethod\ttarget\tstatus\treq_body_sha256\tresp_body_sha256\tnote\n'
    for cap in "${CAPTURES[@]}"; do cat "$WORK/final-$cap.tsv"; done
} >"$NEW/expected.tsv"

# --- checks --------------------------------------------------------------------------------
# Bodies the clients got equal the served files; the Python servers saw the
# request bodies the clients sent; tshark sees the same transactions, bodies
# and WebSocket frames as the manifest says.
(cd "$WWW" && find . -type f ! -name '*.gz' | sed 's|^\.||' | sort | while read -r f; do
    printf '%s\t%s\n' "$f" "$(sha256sum "$WWW$f" | cut -c1-64)"; done) >"$WORK/served.tsv"
for p in /h10 /h11 /slow; do
    printf '%s\t%s\n' "$p" "$("$PY" "$PEERS" closebody "$p" | sha256sum | cut -c1-64)"
done >>"$WORK/served.tsv"
if [ -n "${SIFT_HTTP_REAL_DEBUG:-}" ]; then   # keep a copy of the work files
    rm -rf "$SIFT_HTTP_REAL_DEBUG" && cp -a "$WORK" "$SIFT_HTTP_REAL_DEBUG"
fi
"$PY" "$PEERS" verify --served "$WORK/served.tsv" --uploads "$WORK/upload.jsonl" \
    --work "$WORK/verify" "$NEW" "$NEW/expected.tsv"

# --- install into testdata/http/real ----------------------------------------------------
FILES=()
for cap in "${CAPTURES[@]}"; do FILES+=("$cap.pcap"); done
FILES+=(expected.tsv)
for f in "${FILES[@]}"; do
    [ "$(stat -c %s "$NEW/$f")" -lt "$MAX_FILE" ] || die "$f is over $MAX_FILE bytes"
done
total=$(cd "$NEW" && du -cb "${FILES[@]}" | tail -1 | cut -f1)
[ "$total" -lt "$MAX_TOTAL" ] || die "http/real would be $total bytes, over $MAX_TOTAL"
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap "$OUT/expected.tsv"
for f in "${FILES[@]}"; do install -m 0644 "$NEW/$f" "$OUT/$f"; done
log "wrote ${#FILES[@]} files, $total bytes, $(($(wc -l <"$OUT/expected.tsv") - 1)) manifest rows, to $OUT in $(cap_elapsed)s"
