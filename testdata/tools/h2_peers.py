#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""h2_peers.py - HTTP/2 clients, servers and manifest helpers used by
testdata/make_h2_captures.sh (Debian's python3 >= 3.11 with python3-h2 4.x;
the content generators and the pcap reader come from tls_peers.py beside
this file).

Servers (run until SIGTERM):
  upstream --bind A --port P --log F
                             HTTP/1.x server behind nginx: POST and PUT
                             answer a JSON summary of the body (method, path,
                             bytes, sha256) and log it
  server --bind A --port P --cert C --key K --log F
                             HTTP/2 server over TLS (python3-h2): /big-headers
                             answers with a 40 KB header block (HEADERS +
                             CONTINUATION), advertises SETTINGS_HEADER_TABLE_SIZE
                             8192
Clients (print manifest rows, see ROW below, and write a JSON-lines log of
every event the h2 library reported):
  client SCENARIO ...        python3-h2 client over TLS (SSLContext keylog)
                             SCENARIO: rst, push, trailers, headers-big
Manifest helpers:
  curlrows                   curl -w + --trace-ascii + -D files -> rows
  nghttprows                 nghttp -v output -> rows
  chromiumrows               Chromium NetLog + the page's own responses -> rows
  finalize                   client ports -> conn_order (SYN order in pcap)
  holes                      which TLS records and HTTP/2 frames a deleted
                             segment hit
  tshark                     tshark.tsv rows (per HTTP/2 stream) + checks
  features                   each capture holds what its scenario is about

ROW (before finalize): capture, client port (or #N: the N-th connection of
the file), stream_id, method, target (:path), authority, status,
req_body_sha256, resp_body_sha256, note -- tab separated; "-" for nothing.
Body hashes are of the bodies as the client got them, after removing the
content coding (the note says when there was one).
"""
import argparse
import gzip
import hashlib
import http.server
import json
import os
import re
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tls_peers as tp  # noqa: E402  (det_bin, det_text, pcap reader)

try:
    import h2.config
    import h2.connection
    import h2.errors
    import h2.events
    import h2.settings
    from hpack import NeverIndexedHeaderTuple
except ImportError:     # only the servers and clients need it
    h2 = None

sha = tp.sha
row = tp.row


def log(msg):
    print("[h2_peers] " + msg, file=sys.stderr, flush=True)


def hdecode(v):
    return v.decode("latin-1") if isinstance(v, bytes) else v


def hlist(headers):
    return [(hdecode(k), hdecode(v)) for k, v in headers]


def hget(headers, name):
    for k, v in headers:
        if k == name:
            return v
    return None


def decode_content(ce, body):
    ce = (ce or "identity").lower()
    if not body or ce == "identity":
        return body
    if ce in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if ce == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -15)
    raise ValueError("content coding %s" % ce)


def big_value(tag, n):
    """A deterministic header value of n printable characters."""
    return tp.det_bin(tag, (n + 1) // 2).hex()[:n]


# --------------------------------------------------------------------------
# upstream: the application behind nginx (POST/PUT /echo)

class UpstreamHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_path = os.devnull

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        digest = hashlib.sha256(body).hexdigest()
        summary = {"method": self.command, "path": self.path, "bytes": len(body), "sha256": digest,
                   "content_type": self.headers.get("Content-Type", "")}
        with open(self.log_path, "a") as f:
            f.write(json.dumps(summary, sort_keys=True) + "\n")
        out = json.dumps(summary, sort_keys=True).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_PUT = do_POST


class Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def cmd_upstream(a):
    UpstreamHandler.log_path = a.log
    Threaded((a.bind, a.port), UpstreamHandler).serve_forever()


# --------------------------------------------------------------------------
# HTTP/2 server (python3-h2) for the header-heavy capture

RESP_BIG = [("x-sift-resp-%02d" % i, big_value("pcapsift-h2-resp-%d" % i, 900)) for i in range(56)]
RESP_SMALL = [("x-sift-repeat-%02d" % i, "response header %d that repeats on every response" % i)
              for i in range(12)]
SERVER_SETTINGS = {"HEADER_TABLE_SIZE": 8192, "MAX_HEADER_LIST_SIZE": 262144,
                   "MAX_CONCURRENT_STREAMS": 100}


def serve_conn(sock, a):
    sc = h2.settings.SettingCodes
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding=None))
    conn.local_settings = h2.settings.Settings(client=False, initial_values={
        getattr(sc, k): v for k, v in SERVER_SETTINGS.items()})
    # The decoder honours what the SETTINGS frame advertises from the start.
    conn.decoder.max_allowed_table_size = SERVER_SETTINGS["HEADER_TABLE_SIZE"]
    conn.decoder.max_header_list_size = SERVER_SETTINGS["MAX_HEADER_LIST_SIZE"]
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    reqs = {}
    while True:
        try:
            data = sock.recv(65536)
        except (ConnectionError, ssl.SSLError):
            break
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                reqs[ev.stream_id] = {"headers": hlist(ev.headers), "body": bytearray(), "trailers": []}
            elif isinstance(ev, h2.events.DataReceived):
                reqs[ev.stream_id]["body"] += ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.TrailersReceived):
                reqs[ev.stream_id]["trailers"] = hlist(ev.headers)
            elif isinstance(ev, h2.events.StreamEnded):
                respond(conn, ev.stream_id, reqs.pop(ev.stream_id), a)
            elif isinstance(ev, h2.events.ConnectionTerminated):
                sock.sendall(conn.data_to_send())
                sock.close()
                return
        out = conn.data_to_send()
        if out:
            sock.sendall(out)
    sock.close()


def respond(conn, sid, req, a):
    hd = req["headers"]
    path = hget(hd, ":path")
    raw = b"".join(k.encode() + b": " + v.encode() + b"\n" for k, v in hd)
    summary = {"method": hget(hd, ":method"), "path": path, "header_count": len(hd),
               "header_bytes": sum(len(k) + len(v) for k, v in hd),
               "headers_sha256": hashlib.sha256(raw).hexdigest(),
               "body_bytes": len(req["body"]), "body_sha256": hashlib.sha256(req["body"]).hexdigest()}
    with open(a.log, "a") as f:
        f.write(json.dumps(summary, sort_keys=True) + "\n")
    body = json.dumps(summary, sort_keys=True).encode() + b"\n"
    if path.startswith("/big-headers"):
        status, extra = "200", RESP_BIG + RESP_SMALL
    elif path.startswith("/small"):
        status, extra = "200", RESP_SMALL
    else:
        status, extra = "404", []
    headers = [(":status", status), ("content-type", "application/json"),
               ("content-length", str(len(body))), ("server", "pcapsift-h2-peers")] + extra
    conn.send_headers(sid, headers)
    conn.send_data(sid, body, end_stream=True)


def cmd_server(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.set_alpn_protocols(["h2"])
    ls = socket.socket(socket.AF_INET6 if ":" in a.bind else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(16)
    while True:
        s, _ = ls.accept()
        try:
            t = ctx.wrap_socket(s, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log("server: TLS handshake failed: %s" % e)
            s.close()
            continue
        threading.Thread(target=serve_conn, args=(t, a), daemon=True).start()


# --------------------------------------------------------------------------
# HTTP/2 client (python3-h2)

class Stream:
    def __init__(self, sid, method, target, authority, req_body=b"", parent=None, hold=False):
        self.sid = sid
        self.method, self.target, self.authority = method, target, authority
        self.req_body = req_body
        self.parent = parent            # the stream a push was promised on
        self.headers = []
        self.trailers = []
        self.data = bytearray()
        self.frames = 0                 # DataReceived events
        self.ended = False
        self.reset = None               # (who, error code)
        self.kept = None                # bytes the client kept (cancelled)
        self.hold = 0 if hold else -1   # DATA held back from flow control (-1: ack as it comes)
        self.notes = []


class Client:
    def __init__(self, a):
        self.a = a
        self.logf = open(a.log, "a")
        self.t0 = time.time()
        s = socket.socket(socket.AF_INET6 if ":" in a.server else socket.AF_INET)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a.source, a.local_port))
        s.settimeout(20)
        s.connect((a.server, a.port))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.set_alpn_protocols(["h2"])
        ctx.keylog_filename = a.keylog
        self.sock = ctx.wrap_socket(s, server_hostname=a.sni)
        alpn = self.sock.selected_alpn_protocol()
        if alpn != "h2":
            sys.exit("client: ALPN %r, not h2" % alpn)
        self.tls = "%s %s" % (self.sock.version(), self.sock.cipher()[0])
        self.ev("connected", port=a.local_port, tls=self.tls, alpn=alpn)
        cfg = h2.config.H2Configuration(client_side=True, header_encoding=None)
        self.conn = h2.connection.H2Connection(cfg)
        if a.initial_window:
            sc = h2.settings.SettingCodes
            self.conn.local_settings = h2.settings.Settings(client=True, initial_values={
                sc.MAX_CONCURRENT_STREAMS: 100, sc.MAX_HEADER_LIST_SIZE: 65536,
                sc.INITIAL_WINDOW_SIZE: a.initial_window})
        self.conn.initiate_connection()
        self.streams = {}
        self.order = []                 # streams in the order they began
        self.settings_acked = 0
        self.remote_settings = {}
        self.closed = False
        self.flush()

    def ev(self, what, **kw):
        kw = {k: (hlist(v) if k in ("headers", "trailers") else v) for k, v in kw.items()}
        self.logf.write(json.dumps(dict(t=round(time.time() - self.t0, 6), event=what, **kw)) + "\n")
        self.logf.flush()

    def flush(self):
        d = self.conn.data_to_send()
        if d:
            self.sock.sendall(d)

    def request(self, method, target, headers=(), body=b"", trailers=None, end=True, hold=False):
        sid = self.conn.get_next_available_stream_id()
        auth = self.a.authority
        hd = [(":method", method), (":scheme", "https"), (":authority", auth), (":path", target)]
        hd += list(headers)
        has_body = bool(body) or trailers is not None
        self.conn.send_headers(sid, hd, end_stream=end and not has_body)
        st = Stream(sid, method, target, auth, body, hold=hold)
        self.streams[sid] = st
        self.order.append(st)
        self.ev("send_headers", stream=sid, headers=[(hdecode(k), hdecode(v)) for k, v in hd],
                end_stream=end and not has_body)
        if body:
            self.send_body(sid, body, end and trailers is None)
        if trailers is not None:
            self.conn.send_headers(sid, trailers, end_stream=True)
            self.ev("send_trailers", stream=sid, trailers=trailers)
            st.notes.append("request trailers %s" % ", ".join("%s: %s" % (k, v) for k, v in trailers))
        self.flush()
        return st

    def send_body(self, sid, body, end):
        at = 0
        while at < len(body):
            n = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size,
                    len(body) - at)
            if n <= 0:
                self.flush()
                self.pump(lambda: self.conn.local_flow_control_window(sid) > 0)
                continue
            last = at + n == len(body)
            self.conn.send_data(sid, body[at:at + n], end_stream=end and last)
            self.ev("send_data", stream=sid, length=n, end_stream=end and last)
            at += n
        self.flush()

    def handle(self, e):
        S = self.streams
        if isinstance(e, h2.events.ResponseReceived):
            S[e.stream_id].headers = hlist(e.headers)
            self.ev("response", stream=e.stream_id, headers=e.headers)
        elif isinstance(e, h2.events.InformationalResponseReceived):
            self.ev("informational", stream=e.stream_id, headers=e.headers)
        elif isinstance(e, h2.events.DataReceived):
            st = S[e.stream_id]
            self.ev("data", stream=e.stream_id, length=len(e.data),
                    flow_controlled_length=e.flow_controlled_length)
            if st.reset is None:
                st.data += e.data
                st.frames += 1
            if st.hold >= 0 and st.reset is None:
                # keep the stream's window closed: the server must stop
                st.hold += e.flow_controlled_length
            else:
                self.conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
        elif isinstance(e, h2.events.TrailersReceived):
            S[e.stream_id].trailers = hlist(e.headers)
            self.ev("trailers", stream=e.stream_id, trailers=e.headers)
        elif isinstance(e, h2.events.StreamEnded):
            S[e.stream_id].ended = True
            self.ev("stream_ended", stream=e.stream_id)
        elif isinstance(e, h2.events.StreamReset):
            st = S.get(e.stream_id)
            if st is not None and st.reset is None:
                st.reset = ("server" if e.remote_reset else "client", int(e.error_code))
            self.ev("stream_reset", stream=e.stream_id, error_code=int(e.error_code),
                    remote=e.remote_reset)
        elif isinstance(e, h2.events.PushedStreamReceived):
            hd = hlist(e.headers)
            st = Stream(e.pushed_stream_id, hget(hd, ":method"), hget(hd, ":path"),
                        hget(hd, ":authority"), parent=e.parent_stream_id)
            S[e.pushed_stream_id] = st
            self.order.append(st)
            self.ev("push_promise", stream=e.parent_stream_id, promised=e.pushed_stream_id, headers=hd)
        elif isinstance(e, h2.events.RemoteSettingsChanged):
            ch = {str(getattr(k, "name", k)): v.new_value for k, v in e.changed_settings.items()}
            self.remote_settings.update(ch)
            self.ev("remote_settings", changed=ch)
        elif isinstance(e, h2.events.SettingsAcknowledged):
            self.settings_acked += 1
            self.ev("settings_ack", changed={str(getattr(k, "name", k)): v.new_value
                                             for k, v in e.changed_settings.items()})
        elif isinstance(e, h2.events.ConnectionTerminated):
            self.closed = True
            self.ev("goaway", error_code=int(e.error_code), last_stream_id=e.last_stream_id)
        else:
            self.ev(type(e).__name__)

    def pump(self, until, timeout=20.0):
        end = time.time() + timeout
        while not until():
            if time.time() > end:
                sys.exit("client: timed out waiting")
            self.sock.settimeout(max(0.1, end - time.time()))
            d = self.sock.recv(65536)
            if not d:
                sys.exit("client: server closed the connection")
            for e in self.conn.receive_data(d):
                self.handle(e)
            self.flush()

    def drain(self, wait):
        """Read whatever arrives within wait seconds."""
        while True:
            self.sock.settimeout(wait)
            try:
                d = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                return
            if not d:
                return
            for e in self.conn.receive_data(d):
                self.handle(e)
            self.flush()

    def done(self, *streams):
        return lambda: all(s.ended or s.reset for s in streams)

    def close(self):
        self.conn.close_connection()
        self.flush()
        self.ev("send_goaway")
        # read until the server closes (nginx and nghttpd answer GOAWAY with
        # a close)
        self.sock.settimeout(3)
        try:
            while self.sock.recv(65536):
                pass
        except (socket.timeout, ssl.SSLError, ConnectionError):
            pass
        try:
            self.sock.unwrap()
        except (ssl.SSLError, OSError):
            pass
        self.sock.close()

    def rows(self, notes=None):
        out = []
        for st in self.order:
            status = hget(st.headers, ":status") or "-"
            ce = hget(st.headers, "content-encoding")
            body = bytes(st.data)
            if st.kept is not None:
                body = body[:st.kept]
            parts = []
            if st.req_body:
                parts.append("req %d B" % len(st.req_body))
            parts.append("resp %d B" % len(body))
            if ce:
                parts.append("content-encoding: %s (hash after decoding)" % ce)
                body = decode_content(ce, body)
            if st.parent is not None:
                parts.append("pushed by the server: PUSH_PROMISE on stream %d" % st.parent)
            if st.trailers:
                parts.append("response trailers %s" % ", ".join("%s: %s" % kv for kv in st.trailers))
            parts += st.notes
            if st.reset and st.reset[0] == "server":
                parts.append("RST_STREAM from the server, error %d" % st.reset[1])
            note = ", ".join(parts) + "; python3-h2 client"
            if notes and st.sid in notes:
                note += "; " + notes[st.sid]
            out.append(row(self.a.capture, self.a.local_port, st.sid, st.method, st.target,
                           st.authority or "-", status, sha(st.req_body), sha(body), note))
        return out


def sc_rst(c, a):
    """GET a large body with a stream window of --initial-window bytes that
    the client never opens further: the server sends that much and stops;
    the client cancels the stream (RST_STREAM CANCEL), then makes two GETs
    on the same connection."""
    big = c.request("GET", a.big, hold=True)
    c.pump(lambda: len(big.data) >= a.initial_window or big.ended)
    if big.ended:
        sys.exit("client: %s ended before it could be cancelled" % a.big)
    c.drain(0.3)                        # nothing more may come: the window is 0
    big.kept = len(big.data)
    c.conn.reset_stream(big.sid, h2.errors.ErrorCodes.CANCEL)
    big.reset = ("client", int(h2.errors.ErrorCodes.CANCEL))
    c.conn.acknowledge_received_data(big.hold, big.sid)    # the connection window only
    c.flush()
    c.ev("send_rst_stream", stream=big.sid, error_code=int(h2.errors.ErrorCodes.CANCEL), kept=big.kept)
    big.notes.append("cancelled by the client (RST_STREAM CANCEL) after %d DATA frames, %d B of %s: its "
                     "stream window (SETTINGS_INITIAL_WINDOW_SIZE %d) was never reopened, so the server "
                     "sent nothing more; hash of those bytes"
                     % (big.frames, big.kept, hget(big.headers, "content-length"), a.initial_window))
    s2 = c.request("GET", "/hello.txt")
    c.pump(c.done(s2))
    s3 = c.request("GET", "/blob.bin")
    c.pump(c.done(s3))
    s3.notes.append("40000 B through a %d B stream window: WINDOW_UPDATEs from the client" % a.initial_window)
    c.close()


def sc_push(c, a):
    """GET a page the server pushes two resources for, wait for the pushed
    responses, then GET another resource."""
    page = c.request("GET", a.page)
    pushed = lambda: [s for s in c.order if s.parent is not None]
    c.pump(lambda: page.ended and len(pushed()) >= a.pushes and all(s.ended for s in pushed()))
    s2 = c.request("GET", "/hello.txt")
    c.pump(c.done(s2))
    c.close()


def sc_trailers(c, a):
    """POST with request trailers (HEADERS, DATA, HEADERS+END_STREAM), the
    server (nghttpd --echo-upload --trailer) echoes it with response
    trailers; then a GET whose response has trailers too."""
    body = open(a.post, "rb").read()
    s1 = c.request("POST", "/echo", headers=[("content-type", "application/octet-stream"), ("te", "trailers")],
                   body=body, trailers=[("x-sift-body-sha256", hashlib.sha256(body).hexdigest()),
                                        ("x-sift-body-bytes", str(len(body)))])
    c.pump(c.done(s1))
    s2 = c.request("GET", "/hello.txt", headers=[("te", "trailers")])
    c.pump(c.done(s2))
    c.close()


REQ_REPEAT = [("x-sift-repeat-%02d" % i, "request header %d that repeats on every request" % i)
              for i in range(16)]
REQ_BIG = [("x-sift-req-%02d" % i, big_value("pcapsift-h2-req-%d" % i, 800)) for i in range(40)]


def sc_headers_big(c, a):
    """Large header blocks both ways (HEADERS + CONTINUATION), repeated
    headers (HPACK dynamic table), a never-indexed header, and two changes of
    the client's SETTINGS_HEADER_TABLE_SIZE (the server's encoder must then
    start its next block with a dynamic table size update)."""
    sc = h2.settings.SettingCodes
    c.pump(lambda: "HEADER_TABLE_SIZE" in c.remote_settings)
    secret = [NeverIndexedHeaderTuple("authorization", "Bearer pcapsift-never-indexed-token")]
    s1 = c.request("GET", "/big-headers/1", headers=REQ_REPEAT + REQ_BIG + secret)
    c.pump(c.done(s1))
    s1.notes.append("request header block %d B of headers (HEADERS + CONTINUATION), "
                    "authorization never indexed" % sum(len(k) + len(v) for k, v in
                                                         REQ_REPEAT + REQ_BIG))
    s2 = c.request("GET", "/big-headers/2", headers=REQ_REPEAT + REQ_BIG + secret)
    c.pump(c.done(s2))
    s2.notes.append("the same request headers again (small ones indexed from the dynamic table)")
    acked = c.settings_acked
    c.conn.update_settings({sc.HEADER_TABLE_SIZE: 256})
    c.flush()
    c.ev("send_settings", HEADER_TABLE_SIZE=256)
    c.pump(lambda: c.settings_acked > acked)
    s3 = c.request("GET", "/small/3", headers=REQ_REPEAT)
    c.pump(c.done(s3))
    s3.notes.append("after the client's SETTINGS_HEADER_TABLE_SIZE 256 (acknowledged)")
    acked = c.settings_acked
    c.conn.update_settings({sc.HEADER_TABLE_SIZE: 4096})
    c.flush()
    c.ev("send_settings", HEADER_TABLE_SIZE=4096)
    c.pump(lambda: c.settings_acked > acked)
    s4 = c.request("GET", "/small/4", headers=REQ_REPEAT)
    c.pump(c.done(s4))
    s4.notes.append("after SETTINGS_HEADER_TABLE_SIZE 4096 again")
    s5 = c.request("GET", "/big-headers/5", headers=REQ_REPEAT + REQ_BIG[:10])
    c.pump(c.done(s5))
    c.close()


def cmd_client(a):
    c = Client(a)
    {"rst": sc_rst, "push": sc_push, "trailers": sc_trailers, "headers-big": sc_headers_big}[a.scenario](c, a)
    for st in c.order:
        if not (st.ended or st.reset):
            sys.exit("client: stream %d (%s) did not end" % (st.sid, st.target))
    for r in c.rows():
        print(r)
    log("client %s: %d streams, %s" % (a.scenario, len(c.order), c.tls))


# --------------------------------------------------------------------------
# curl: -w lines + --trace-ascii + -D files

def parse_curl_trace(path):
    """[(stream id, method, path, authority)] in the order curl opened the
    streams: the "h2h3 [...]" info lines before each "Using Stream ID", and
    the HTTP/1.1 request that an Upgrade: h2c turned into stream 1."""
    out = []
    pseudo = {}
    h1 = None
    lines = open(path, encoding="latin-1").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^== Info: h2h3 \[([^:]*:?[^:]*): (.*)\]$", line)
        if m:
            pseudo[m.group(1)] = m.group(2)
        m = re.match(r"^== Info: Using Stream ID: (\d+)", line)
        if m:
            out.append((int(m.group(1)), pseudo.get(":method"), pseudo.get(":path"),
                        pseudo.get(":authority")))
            pseudo = {}
        if line.startswith("=> Send header"):
            hd = []
            i += 1
            while i < len(lines) and re.match(r"^[0-9a-f]{4}: ", lines[i]):
                hd.append(lines[i][6:])
                i += 1
            if hd and hd[0].endswith(" HTTP/1.1"):
                h1 = hd
            continue
        if re.match(r"^== Info: Received 101, Switching to HTTP/2", line) and h1:
            method, target = h1[0].split()[:2]
            host = next((h.split(":", 1)[1].strip() for h in h1 if h.lower().startswith("host:")), "-")
            out.append((1, method, target, host))
        i += 1
    return out


def parse_dump_header(path):
    """-D file -> (list of (status line, headers), trailers): the last block
    is the final response; header lines after it (curl writes trailers to
    the same callback) are the trailers."""
    blocks, cur = [], None
    for line in open(path, encoding="latin-1", newline="").read().split("\r\n"):
        if re.match(r"^HTTP/[\d.]+ \d{3}", line):
            cur = (line, [])
            blocks.append(cur)
        elif line and cur is not None:
            k, _, v = line.partition(":")
            cur[1].append((k.strip().lower(), v.strip()))
    return blocks


def cmd_curlrows(a):
    """-w lines: local_port, method, url_effective, response_code,
    filename_effective, num_connects, http_version, size_upload; --spec
    lines: K (the -o file's name), request body file or -, note."""
    spec = {}
    for line in open(a.spec):
        k, up, note = line.rstrip("\n").split("\t")
        spec[k] = (up, note)
    streams = parse_curl_trace(a.trace)
    by_req = {}
    for sid, m, p, auth in streams:
        if (m, p) in by_req:
            sys.exit("curlrows: two streams for %s %s" % (m, p))
        by_req[(m, p)] = (sid, auth)
    out = []
    for line in open(a.wout):
        if not line.strip():
            continue
        port, method, url, code, path, nconn, hver, up_size = line.rstrip("\n").split("\t")[:8]
        m = re.match(r"^https?://[^/]+(/.*)?$", url)
        target = m.group(1) or "/"
        k = os.path.basename(path)
        up, note = spec[k]
        if (method, target) not in by_req:
            sys.exit("curlrows: no stream in the trace for %s %s (%s)" % (method, target, sorted(by_req)))
        sid, auth = by_req[(method, target)]
        req = open(up, "rb").read() if up != "-" else b""
        if int(up_size) != len(req):
            sys.exit("curlrows: curl uploaded %s B, the file has %d" % (up_size, len(req)))
        blocks = parse_dump_header(path + ".h")
        final = blocks[-1][1]
        body = b"" if method == "HEAD" else open(path, "rb").read()
        parts = []
        if req:
            parts.append("req %d B" % len(req))
        parts.append("resp %d B" % len(body))
        if method == "HEAD":
            parts.append("HEAD: no body")
        ce = hget(final, "content-encoding")
        if ce:
            parts.append("content-encoding: %s, hash after curl --compressed decoded it" % ce)
        if len(blocks) > 1:
            parts.append("after %s" % ", ".join(b[0].strip() for b in blocks[:-1]))
        # curl gives trailers to the header callback: lines after the
        # blank line that ends the final header block
        tr = parse_trailers(path + ".h")
        if tr:
            parts.append("response trailers %s" % ", ".join("%s: %s" % kv for kv in tr))
        parts.append("curl HTTP/%s" % hver)
        text = ", ".join(parts)
        if note and note != "-":
            text += "; " + note
        out.append((sid, row(a.capture, port, sid, method, target, auth or "-", code, sha(req), sha(body),
                             text)))
    if a.conns is not None:
        n = sum(int(l.split("\t")[5]) for l in open(a.wout) if l.strip())
        if n != a.conns:
            sys.exit("curlrows: curl opened %d connections, expected %d" % (n, a.conns))
    for sid, r in sorted(out):
        print(r)


def parse_trailers(path):
    text = open(path, encoding="latin-1", newline="").read()
    # the last header block ends with an empty line; anything after is a
    # trailer
    parts = text.split("\r\n\r\n")
    if len(parts) < 2:
        return []
    tail = parts[-1]
    out = []
    for line in tail.split("\r\n"):
        if line and ":" in line and not re.match(r"^HTTP/", line):
            k, _, v = line.partition(":")
            out.append((k.strip().lower(), v.strip()))
    return out


# --------------------------------------------------------------------------
# nghttp -v output

def cmd_nghttprows(a):
    """nghttp -v writes its frame log and the DATA it receives to the same
    stdout: the bytes of each DATA frame (gunzipped by nghttp itself when
    the response has content-encoding gzip) come right before its "recv
    DATA frame" log line, and nothing else lies between log entries."""
    raw = open(a.out, "rb").read()
    rx_entry = re.compile(rb"\[ *\d+\.\d{3}\] [^\n]*\n(?: {10}[^\n]*\n)*")
    rx_frame = re.compile(rb"\[ *\d+\.\d{3}\] (send|recv) (\w+) frame <length=(\d+), flags=0x([0-9a-f]{2}), "
                          rb"stream_id=(\d+)>\n")
    rx_hdr = re.compile(rb"\[ *\d+\.\d{3}\] recv \(stream_id=(\d+)\) (:?[^:\n]+): ([^\n]*)\n")
    streams, order, pending, prio = {}, [], {}, set()
    at = 0
    for m in rx_entry.finditer(raw):
        gap = raw[at:m.start()]
        at = m.end()
        entry = m.group(0)
        hm = rx_hdr.match(entry)
        if hm:
            pending.setdefault(int(hm.group(1)), []).append((hm.group(2).decode(), hm.group(3).decode()))
        fm = rx_frame.match(entry)
        is_data = fm and fm.group(1) == b"recv" and fm.group(2) == b"DATA"
        if gap and not is_data:
            sys.exit("nghttprows: %d bytes of output before %r" % (len(gap), entry[:60]))
        if not fm:
            continue
        d, typ, ln, flags, sid = fm.group(1), fm.group(2), int(fm.group(3)), int(fm.group(4), 16), \
            int(fm.group(5))
        if is_data:
            st = streams[sid]
            if flags & 0x08:
                sys.exit("nghttprows: padded DATA frame")
            st["data"] += gap
            st["wire"] += ln
            if flags & 0x01:
                st["ended"] = True
        elif d == b"send" and typ == b"HEADERS":
            hd = []
            for t in entry.decode("latin-1").split("\n")[1:]:
                mm = re.match(r"^ {10}(:?[^:(;]+): (.*)$", t)
                if mm:
                    hd.append((mm.group(1), mm.group(2)))
            streams[sid] = {"req": hd, "resp": [], "trailers": [], "data": bytearray(), "wire": 0,
                            "ended": False}
            order.append(sid)
        elif d == b"send" and typ == b"PRIORITY":
            prio.add(sid)
        elif d == b"recv" and typ == b"HEADERS":
            hd = pending.pop(sid, [])
            st = streams[sid]
            if not st["resp"]:
                st["resp"] = hd
            else:
                st["trailers"] = hd
            if flags & 0x01:
                st["ended"] = True
    for sid in order:
        st = streams[sid]
        if not st["ended"]:
            sys.exit("nghttprows: stream %d did not end" % sid)
        rq = st["req"]
        ce = hget(st["resp"], "content-encoding")
        body = bytes(st["data"])
        parts = ["resp %d B" % len(body)]
        if ce:
            parts.append("content-encoding: %s, %d B on the wire, nghttp decoded it itself" % (ce, st["wire"]))
        elif st["wire"] != len(body):
            sys.exit("nghttprows: stream %d: %d B of DATA, %d B printed" % (sid, st["wire"], len(body)))
        parts.append("nghttp -v; it first sends PRIORITY frames for idle streams %s (its dependency "
                     "tree, no request on them)" % ",".join(map(str, sorted(prio))))
        print(row(a.capture, a.port, sid, hget(rq, ":method"), hget(rq, ":path"), hget(rq, ":authority"),
                  hget(st["resp"], ":status") or "-", "-", sha(body), ", ".join(parts)))


# --------------------------------------------------------------------------
# Chromium: NetLog (connections, HTTP/2 stream ids, decoded bodies) and the
# page's own view (Playwright request/response events, POST bodies)

def cmd_chromiumrows(a):
    d = json.load(open(a.netlog))
    c = d["constants"]
    et = {v: k for k, v in c["logEventTypes"].items()}
    page = {}
    for line in open(a.page):
        r = json.loads(line)
        page.setdefault((r["method"], r["url"]), []).append(r)
    reqs, socket_port, sess_socket, ssl_err = {}, {}, {}, {}
    h2_send = []
    for e in d["events"]:
        t = et[e["type"]]
        sid = e["source"]["id"]
        p = e.get("params", {})
        if t == "URL_REQUEST_START_JOB" and e["phase"] == 1:
            reqs.setdefault(sid, {"url": p["url"], "method": p["method"], "body": b"", "id": sid,
                                  "status": None, "sent": None})
        elif sid in reqs:
            r = reqs[sid]
            if t == "HTTP_TRANSACTION_HTTP2_SEND_REQUEST_HEADERS":
                r["sent"] = int(e["time"])
                r["h2headers"] = p.get("headers", [])
            elif t == "HTTP_TRANSACTION_READ_RESPONSE_HEADERS":
                r["status"] = int(p["headers"][0].split()[1])
                r["headers"] = p["headers"]
            elif t == "URL_REQUEST_JOB_FILTERED_BYTES_READ":
                import base64
                r["body"] += base64.b64decode(p["bytes"])
        if t == "TCP_CONNECT" and e["phase"] == 2 and "local_address" in p:
            socket_port[sid] = int(p["local_address"].rsplit(":", 1)[1])
        if t == "SSL_CONNECT" and e["phase"] == 2:
            ssl_err[sid] = p.get("net_error", 0)
        if t == "HTTP2_SESSION_INITIALIZED":
            sess_socket[sid] = p["source_dependency"]["id"]
        if t == "HTTP2_SESSION_SEND_HEADERS":
            h2_send.append((sid, p["stream_id"], tuple(p["headers"])))
    done = sorted((r for r in reqs.values() if r["sent"] is not None), key=lambda r: (r["sent"], r["id"]))
    cut = [r["url"] for r in done if r["status"] is None]
    if cut:
        print("chromiumrows: requests sent whose response Chromium did not read: %s" % cut, file=sys.stderr)
        sys.exit(3)
    if a.need and not any(r["url"].endswith(a.need) for r in done):
        print("chromiumrows: no request for %s" % a.need, file=sys.stderr)
        sys.exit(3)
    out = []
    used_socks = set()
    for r in done:
        # the session's HEADERS with exactly the request's header list
        m = next((i for i, (_, _, h) in enumerate(h2_send) if h == tuple(r.get("h2headers", ()))), None)
        if m is None:
            sys.exit("chromiumrows: no HTTP/2 stream for %s" % r["url"])
        sess, stream, hl = h2_send.pop(m)
        used_socks.add(sess_socket[sess])
        port = socket_port[sess_socket[sess]]
        hd = {}
        for h in hl:
            if h.startswith(":"):
                k, _, v = h[1:].partition(": ")
                hd[":" + k] = v
            else:
                k, _, v = h.partition(": ")
                hd[k] = v
        rh = [h.split(":", 1) for h in r["headers"][1:] if ":" in h]
        rh = [(k.strip().lower(), v.strip()) for k, v in rh]
        ce = hget(rh, "content-encoding")
        pg = page.get((r["method"], r["url"]))
        parts = ["resp %d B" % len(r["body"])]
        req_sha = "-"
        if pg:
            pr = pg.pop(0)
            if pr["resp_sha256"] != sha(r["body"]):
                sys.exit("chromiumrows: %s: the page's response body differs from the NetLog's" % r["url"])
            req_sha = pr["req_sha256"]
            if pr["req_bytes"]:
                parts.insert(0, "req %d B, %s" % (pr["req_bytes"], pr["req_content_type"]))
            src = "Chromium (NetLog and the page's own response)"
        else:
            src = "Chromium (NetLog only: requested by the browser, not the page)"
        if ce:
            parts.append("content-encoding: %s (hash after Chromium decoded it)" % ce)
        out.append(row(a.capture, port, stream, hd.get(":method"), hd.get(":path"), hd.get(":authority"),
                       r["status"], req_sha, sha(r["body"]), ", ".join(parts) + "; " + src))
    # connections Chromium opened (a preconnect) and never sent a request on
    for sock in sorted(set(socket_port) - used_socks, key=lambda k: socket_port[k]):
        out.append(row(a.capture, socket_port[sock], "-", "TLS", a.server, "-", "-", "-", "-",
                       "a connection Chromium opened and never sent a request on (TLS handshake %s)"
                       % ("completed" if not ssl_err.get(sock) else "failed, net_error %s"
                          % ssl_err[sock])))
    if a.har:
        check_har(a.har, out)
    for r in out:
        print(r)


def check_har(path, rows):
    """Every entry of Chromium's own HAR is a row with the same method,
    path, status and (decoded) body."""
    import base64
    have = {}
    for r in rows:
        f = r.split("\t")
        have.setdefault((f[3], f[4]), []).append((f[6], f[8]))
    for e in json.load(open(path))["log"]["entries"]:
        rq, rs = e["request"], e["response"]
        m = re.match(r"^https?://[^/]+(/[^#]*)", rq["url"])
        c = rs.get("content", {})
        text = c.get("text", "")
        body = base64.b64decode(text) if c.get("encoding") == "base64" else text.encode("utf-8")
        got = (str(rs["status"]), sha(body))
        if got not in have.get((rq["method"], m.group(1)), []):
            sys.exit("chromiumrows: HAR entry %s %s %s is not in the NetLog's rows %s"
                     % (rq["method"], rq["url"], got, have.get((rq["method"], m.group(1)))))
    log("chromiumrows: the HAR's %d entries agree with the NetLog" % len(json.load(open(path))["log"]["entries"]))


# --------------------------------------------------------------------------
# connection numbering

def cmd_finalize(a):
    ports = tp.syn_ports(a.pcap)
    order = {p: i + 1 for i, p in enumerate(ports)}
    rows = [l.rstrip("\n").split("\t") for l in open(a.rows) if l.strip()]
    used = []
    for r in rows:
        if r[1].startswith("#"):
            n = int(r[1][1:])
        else:
            p = int(r[1])
            if p not in order:
                sys.exit("finalize: %s: client port %d is not a connection in the capture (%s)"
                         % (a.pcap, p, ports))
            n = order[p]
        if n not in used:
            used.append(n)
        r[1] = str(n)
    if sorted(used) != list(range(1, len(ports) + 1)):
        sys.exit("finalize: %s: connections %s have rows, the capture has %d" % (a.pcap, used, len(ports)))
    rows.sort(key=lambda r: int(r[1]))     # stable: the clients' order within a connection
    for r in rows:
        print("\t".join(r))


# --------------------------------------------------------------------------
# tshark

def tshark_pdml(pcap, keys, dfilter="http2", extra=()):
    cmd = ["tshark", "-n", "-r", pcap, "-o", "tcp.reassemble_out_of_order:TRUE"]
    if keys:
        cmd += ["-o", "tls.keylog_file:" + keys]
    cmd += list(extra) + ["-Y", dfilter, "-T", "pdml"]
    p = subprocess.run(cmd, check=True, capture_output=True)
    return ET.fromstring(p.stdout)


def fval(f):
    return f.get("show")


def h2_frames(pcap, keys, extra=()):
    """Every HTTP/2 frame tshark decodes: dicts with frame, tcp_stream,
    srcport, type, flags, streamid, headers [(name, value)], data (bytes),
    promised (stream id), size_updates."""
    root = tshark_pdml(pcap, keys, extra=extra)
    out = []
    for pkt in root.iter("packet"):
        fnum = tcp = sport = None
        for proto in pkt.findall("proto"):
            if proto.get("name") == "frame":
                for f in proto.iter("field"):
                    if f.get("name") == "frame.number":
                        fnum = int(fval(f))
            if proto.get("name") == "tcp":
                for f in proto.findall("field"):
                    if f.get("name") == "tcp.stream":
                        tcp = int(fval(f))
                    if f.get("name") == "tcp.srcport":
                        sport = int(fval(f))
        for proto in pkt.findall("proto"):
            if proto.get("name") != "http2":
                continue
            for st in proto.findall("field"):
                if st.get("name") != "http2.stream":
                    continue
                fr = {"frame": fnum, "tcp_stream": tcp, "srcport": sport, "headers": [], "data": b"",
                      "type": None, "streamid": None, "flags": 0, "promised": None, "size_updates": [],
                      "reprs": [], "indexes": [],
                      "header_length": None}
                for f in st.iter("field"):
                    n = f.get("name")
                    if n == "http2.type":
                        fr["type"] = int(fval(f))
                    elif n == "http2.streamid":
                        fr["streamid"] = int(fval(f))
                    elif n == "http2.flags":
                        fr["flags"] = int(fval(f), 0)
                    elif n == "http2.push_promise.promised_stream_id":
                        fr["promised"] = int(fval(f))
                    elif n == "http2.data.data":
                        fr["data"] = bytes.fromhex(f.get("value") or "")
                    elif n == "http2.header":
                        nm = vl = None
                        for g in f.findall("field"):
                            if g.get("name") == "http2.header.name":
                                nm = fval(g)
                            elif g.get("name") == "http2.header.value":
                                vl = fval(g)
                            elif g.get("name") == "http2.header.repr":
                                fr["reprs"].append(fval(g))
                            elif g.get("name") == "http2.header.index":
                                fr["indexes"].append(int(fval(g)))
                        if nm is not None:
                            fr["headers"].append((nm, vl if vl is not None else ""))
                    elif n == "http2.header_table_size_update.header_table_size":
                        fr["size_updates"].append(int(fval(f)))
                    elif n == "http2.header.length":
                        fr["header_length"] = int(fval(f))
                if fr["type"] is not None:
                    out.append(fr)
    return out


TYPES = {0: "DATA", 1: "HEADERS", 2: "PRIORITY", 3: "RST_STREAM", 4: "SETTINGS", 5: "PUSH_PROMISE",
         6: "PING", 7: "GOAWAY", 8: "WINDOW_UPDATE", 9: "CONTINUATION"}


def tshark_body(data_frames, ce):
    """The entity body of one direction of a stream as tshark gives it: the
    END_STREAM DATA frame's http2.data.data holds the whole body, reassembled
    and content-decoded by tshark; without one (trailers end the stream, a
    reset) the DATA payloads joined, content-decoded here."""
    if not data_frames:
        return b"", "none"
    if data_frames[-1]["flags"] & 1:
        return data_frames[-1]["data"], "tshark"
    raw = b"".join(f["data"] for f in data_frames)
    try:
        return decode_content(ce, raw), "joined"
    except (ValueError, OSError, EOFError, zlib.error):
        return raw, "joined, undecodable"


def per_stream(frames, server_ports):
    """{(tcp stream, h2 stream): info} from the frame list."""
    S = {}

    def get(tcp, sid):
        return S.setdefault((tcp, sid), {"method": "-", "path": "-", "authority": "-", "status": "-",
                                         "req": [], "resp": [], "types": {}, "ce": None, "req_ce": None,
                                         "pushed": False})
    for fr in frames:
        if fr["streamid"] is None or fr["streamid"] == 0:
            continue
        st = get(fr["tcp_stream"], fr["streamid"])
        t = TYPES.get(fr["type"], str(fr["type"]))
        from_server = fr["srcport"] in server_ports
        key = ("s:" if from_server else "c:") + t
        st["types"][key] = st["types"].get(key, 0) + 1
        hd = fr["headers"]
        if fr["type"] == 1:
            if hget(hd, ":method") and st["method"] == "-":
                st["method"], st["path"] = hget(hd, ":method"), hget(hd, ":path") or "-"
                st["authority"] = hget(hd, ":authority") or "-"
                st["req_ce"] = hget(hd, "content-encoding")
            if hget(hd, ":status") and (st["status"] == "-" or st["status"].startswith("1")):
                st["status"] = hget(hd, ":status")
                st["ce"] = hget(hd, "content-encoding")
        if fr["type"] == 5 and fr["promised"] is not None:
            ps = get(fr["tcp_stream"], fr["promised"])
            ps["pushed"] = True
            if hget(hd, ":method"):
                ps["method"], ps["path"] = hget(hd, ":method"), hget(hd, ":path") or "-"
                ps["authority"] = hget(hd, ":authority") or "-"
        if fr["type"] == 0:
            (st["resp"] if from_server else st["req"]).append(fr)
    return S


def cmd_tshark(a):
    """Rows of tshark.tsv for one capture, and a comparison with the
    manifest: exit 0 when tshark finds every stream the client reported with
    its method, path, status and bodies; 2 when streams are all there but
    some field differs; 3 when a stream is missing."""
    keys = a.keys if a.keys and os.path.exists(a.keys) else None
    frames = h2_frames(a.pcap, keys)
    ports = set(a.server_port)
    S = per_stream(frames, ports)
    # h2c by Upgrade: stream 1's request is the HTTP/1.1 one that asked for it
    for tcp, m, u in tp.tshark(a.pcap, keys, "http.request && http.upgrade",
                               ["tcp.stream", "http.request.method", "http.request.uri"]):
        st = S.get((int(tcp), 1))
        if st is not None and st["method"] == "-":
            st["method"], st["path"] = m, u
            st["types"]["c:HTTP/1.1-Upgrade"] = 1
    man = [l.rstrip("\n").split("\t") for l in open(a.manifest) if l.startswith(a.capture + "\t")]
    want = {(int(r[1]) - 1, int(r[2])): r for r in man if r[2] != "-"}
    got_rows = []
    problems, missing = [], []
    for (tcp, sid) in sorted(S):
        st = S[(tcp, sid)]
        req, how_q = tshark_body(st["req"], st["req_ce"])
        resp, how_s = tshark_body(st["resp"], st["ce"])
        types = " ".join("%s:%d" % kv for kv in sorted(st["types"].items()))
        if "joined" in how_s and st["resp"]:
            types += " (response body: DATA joined, no END_STREAM DATA)"
        got_rows.append(row(a.capture, tcp, sid, st["method"], st["path"], st["status"], sha(req), sha(resp),
                            types))
        w = want.get((tcp, sid))
        if w is None:
            continue
        if st["method"] == "-":
            missing.append("tcp %d stream %d (%s %s): no request headers decoded" % (tcp, sid, w[3], w[4]))
            continue
        for what, g, x in (("method", st["method"], w[3]), ("path", st["path"], w[4]),
                           ("status", st["status"], w[6]), ("request body", sha(req), w[7])):
            if g != x:
                problems.append("tcp %d stream %d %s: tshark %s, client %s" % (tcp, sid, what, g[:16], x[:16]))
        if sha(resp) != w[8]:
            problems.append("tcp %d stream %d (%s) response body: tshark %s, client %s"
                            % (tcp, sid, w[4], sha(resp)[:16], w[8][:16]))
    for k, w in want.items():
        if k not in S:
            missing.append("tcp %d stream %d (%s %s): not seen" % (k[0], k[1], w[3], w[4]))
    with open(a.out, "a") as f:
        for r in got_rows:
            f.write(r + "\n")
    n = len(want)
    if missing:
        print("tshark: %s: %d of %d streams missing: %s" % (a.capture, len(missing), n, "; ".join(missing)),
              file=sys.stderr)
        sys.exit(3)
    if problems:
        print("tshark: %s: all %d streams, but: %s" % (a.capture, n, "; ".join(problems)[:3000]), file=sys.stderr)
        sys.exit(2)
    print("tshark: %s: all %d streams with the client's method, path, status and bodies"
          % (a.capture, n), file=sys.stderr)


def cmd_features(a):
    """Each capture holds the HTTP/2 feature its scenario is about, as
    tshark decodes it with the key log."""
    d = a.dir
    bad = []

    def need(cond, msg):
        if not cond:
            bad.append(msg)
        else:
            log("features: " + msg + ": yes")

    def F(name):
        k = os.path.join(d, name + ".keys")
        return h2_frames(os.path.join(d, name + ".pcap"), k if os.path.exists(k) else None)

    def types(frs, t):
        return [f for f in frs if f["type"] == t]

    fr = F("h2-curl-parallel")
    data_sids = [f["streamid"] for f in types(fr, 0)]
    switches = sum(1 for x, y in zip(data_sids, data_sids[1:]) if x != y)
    need(switches >= 4, "h2-curl-parallel: DATA frames of different streams interleaved (%d switches)"
         % switches)
    fr = F("h2c-upgrade")
    up = tp.tshark(os.path.join(d, "h2c-upgrade.pcap"), None, "http.response.code == 101 && http.upgrade",
                   ["http.upgrade"])
    need(len(up) == 1 and up[0][0].lower() == "h2c" and len(types(fr, 1)) >= 2,
         "h2c-upgrade: HTTP/1.1 101 Upgrade: h2c, then HTTP/2 HEADERS (%d)" % len(types(fr, 1)))
    fr = F("h2-trailers")
    tr = [f for f in types(fr, 1) if f["flags"] & 1 and not hget(f["headers"], ":status")
          and not hget(f["headers"], ":method")]
    need(len(tr) >= 2, "h2-trailers: HEADERS+END_STREAM trailer blocks (%d)" % len(tr))
    fr = F("h2-rst")
    rst = types(fr, 3)
    need(any(f["srcport"] not in (443,) for f in rst), "h2-rst: RST_STREAM from the client (%d)" % len(rst))
    fr = F("h2-push")
    need(len(types(fr, 5)) >= 2, "h2-push: PUSH_PROMISE frames (%d)" % len(types(fr, 5)))
    fr = F("h2-headers-big")
    cont = types(fr, 9)
    need(len(cont) >= 2, "h2-headers-big: CONTINUATION frames (%d)" % len(cont))
    dyn = sum(1 for f in fr for i in f["indexes"] if i > 61)
    never = sum(1 for f in fr for r in f["reprs"] if "never" in r.lower())
    need(dyn >= 20 and never >= 1, "h2-headers-big: %d header fields from the HPACK dynamic table (index > 61), "
         "%d never indexed" % (dyn, never))
    ups = [u for f in fr for u in f["size_updates"]]
    need(len(ups) >= 2, "h2-headers-big: HPACK dynamic table size updates %s" % ups)
    if bad:
        for b in bad:
            log("features: MISSING: " + b)
        sys.exit(1)


# --------------------------------------------------------------------------
# holes: which TLS records and HTTP/2 frames a deleted segment hit

def cmd_holes(a):
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tls_peers.py"),
                    "holes", "--full", a.full, "--report", a.report, "--port", str(a.port),
                    "--out", a.out + ".tls"], check=True)
    lines = open(a.out + ".tls").read().splitlines()
    frames = h2_frames(a.full, a.keys)
    by_frame = {}
    for f in frames:
        by_frame.setdefault(f["frame"], []).append(f)
    # the frame in which each cut record ends: tshark decodes the HTTP/2
    # frames of a record there
    segs = []
    isn = None
    for n, seg in tp.pcap_packets(a.full):
        if seg is None or seg[1] != a.port:
            continue
        if seg[5] & 0x02:
            isn = seg[4]
            continue
        if seg[6]:
            segs.append((n, (seg[4] - isn - 1) & 0xFFFFFFFF, len(seg[6])))
    out = []
    for line in lines:
        out.append(line)
        for m in re.finditer(r"record (\d+) \(type (\d+), bytes (\d+)\.\.(\d+)\)", line):
            end = int(m.group(4))
            fn = next((n for n, off, ln in segs if off < end <= off + ln), None)
            h = by_frame.get(fn, [])
            desc = ", ".join("%s stream %d (%d B)" % (TYPES.get(f["type"], f["type"]), f["streamid"],
                                                      len(f["data"])) for f in h) or "none decoded"
            out.append("#   record %s ends in frame %s; HTTP/2 frames tshark decodes there in the complete "
                       "capture: %s" % (m.group(1), fn, desc))
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    os.unlink(a.out + ".tls")


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("upstream")
    p.add_argument("--bind", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p = sub.add_parser("server")
    p.add_argument("--bind", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--log", required=True)
    p = sub.add_parser("client")
    p.add_argument("scenario", choices=("rst", "push", "trailers", "headers-big"))
    p.add_argument("--capture", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--local-port", type=int, required=True)
    p.add_argument("--sni", required=True)
    p.add_argument("--authority", required=True)
    p.add_argument("--keylog", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--big", default="/large.bin")
    p.add_argument("--initial-window", type=int)
    p.add_argument("--page", default="/push/index.html")
    p.add_argument("--pushes", type=int, default=2)
    p.add_argument("--post")
    p = sub.add_parser("curlrows")
    p.add_argument("--capture", required=True)
    p.add_argument("--wout", required=True)
    p.add_argument("--trace", required=True)
    p.add_argument("--spec", required=True)
    p.add_argument("--conns", type=int)
    p = sub.add_parser("nghttprows")
    p.add_argument("--capture", required=True)
    p.add_argument("--port", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("chromiumrows")
    p.add_argument("--capture", required=True)
    p.add_argument("--netlog", required=True)
    p.add_argument("--page", required=True)
    p.add_argument("--need")
    p.add_argument("--har")
    p.add_argument("--server", required=True)
    p = sub.add_parser("finalize")
    p.add_argument("pcap")
    p.add_argument("rows")
    p = sub.add_parser("tshark")
    p.add_argument("--capture", required=True)
    p.add_argument("--pcap", required=True)
    p.add_argument("--keys")
    p.add_argument("--manifest", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--server-port", type=int, action="append", required=True)
    p = sub.add_parser("features")
    p.add_argument("--dir", required=True)
    p = sub.add_parser("holes")
    p.add_argument("--full", required=True)
    p.add_argument("--keys", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    a = ap.parse_args()
    {"upstream": cmd_upstream, "server": cmd_server, "client": cmd_client, "curlrows": cmd_curlrows,
     "nghttprows": cmd_nghttprows, "chromiumrows": cmd_chromiumrows, "finalize": cmd_finalize,
     "tshark": cmd_tshark, "features": cmd_features, "holes": cmd_holes}[a.cmd](a)


if __name__ == "__main__":
    main()
