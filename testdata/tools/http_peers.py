#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""http_peers.py - small servers, raw clients and manifest helpers used by
testdata/make_http_captures.sh (python3 >= 3.11, stdlib only).

Servers (run until SIGTERM):
  upload   --bind A --port P --log F   http.server (HTTP/1.1) answering POST
           with a JSON summary of the body; sends "100 Continue" itself
           when the request carries Expect: 100-continue.
  close    --bind A --port P           raw server whose responses have no
           Content-Length: the body ends when the server closes (/h10 answers
           HTTP/1.0, /h11 HTTP/1.1 with Connection: close, /slow writes the
           body in 3 pieces 50 ms apart).
  connect  --bind A --port P --log F   a CONNECT proxy: "200 Connection
           established", then relays bytes both ways.

Clients (print manifest rows, see rows_line()):
  headget   HEAD then GET on one connection (twice, once with gzip).
  pipeline  several requests written with ONE send() call, then every
            response read in order.

Manifest helpers:
  curlrows  turn curl -w output (+ --trace) into rows.
  netlog    turn a Chromium NetLog (--net-log-capture-mode=Everything) into rows.
  finalize  replace connection keys (client ports) by conn_order, checked
            against the SYNs of the capture.

A row (before finalize) is: capture, client port, method, target, status,
req_body_sha256, resp_body_sha256, note -- tab-separated.  Body hashes are of
the body after removing the transfer coding and the content coding; "-" when
there are no body bytes.
"""
import argparse
import base64
import gzip
import hashlib
import http.server
import json
import os
import re
import select
import socket
import socketserver
import subprocess
import sys
import threading
import time
import zlib


def sha(data):
    return hashlib.sha256(data).hexdigest() if data else "-"


def rows_line(*fields):
    for f in fields:
        if "\t" in str(f) or "\n" in str(f):
            raise ValueError("tab or newline in a manifest field: %r" % (f,))
    return "\t".join(str(f) for f in fields)


def det_bytes(tag, size):
    """Deterministic bytes: SHA-256 in counter mode over a tag."""
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(b"%s-%d" % (tag.encode(), i)).digest()
        i += 1
    return bytes(out[:size])


def det_text(tag, size):
    """Deterministic, compressible ASCII text (lines of words)."""
    words = ("packet capture stream segment header chunk body request response "
             "server client window offset length keep alive gzip deflate "
             "websocket frame socket buffer reassembly sequence ack").split()
    out = []
    n = 0
    i = 0
    seed = hashlib.sha256(tag.encode()).digest()
    while n < size:
        h = hashlib.sha256(seed + b"%d" % i).digest()
        line = "%05d " % i + " ".join(words[b % len(words)] for b in h[:10]) + ".\n"
        out.append(line)
        n += len(line)
        i += 1
    return "".join(out)[:size].encode()


def det_log(tag, size):
    """Deterministic, very compressible access-log-like text (2 MiB gzip to
    about 170 KB)."""
    out = []
    n = 0
    i = 0
    while n < size:
        b = hashlib.sha256(b"%s-%d" % (tag.encode(), i)).digest()
        line = "2023-11-14T22:%02d:%02d.%03dZ 10.99.0.%d GET /api/items/%d HTTP/1.1 200 %d\n" % (
            (i // 600) % 60, (i // 10) % 60, (i % 10) * 100, b[0] % 4 + 1, b[1] % 50, 200 + b[2] % 8)
        out.append(line)
        n += len(line)
        i += 1
    return "".join(out)[:size].encode()


# --------------------------------------------------------------------------
# HTTP/1.x message reading (client side)

class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def line(self):
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise EOFError("connection closed inside a header")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError("connection closed inside a body")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def rest(self):
        while self._fill():
            pass
        data, self.buf = self.buf, b""
        return data


def read_head(r):
    status_line = r.line().decode("latin-1")
    headers = []
    while True:
        line = r.line()
        if not line:
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return status_line, headers


def header(headers, name):
    for k, v in headers:
        if k == name:
            return v
    return None


def read_response(r, method):
    """Returns (status, headers, entity, interim_statuses); entity is the body
    after removing transfer and content coding."""
    interim = []
    while True:
        status_line, headers = read_head(r)
        status = int(status_line.split()[1])
        if 100 <= status < 200 and status != 101:
            interim.append(status)
            continue
        break
    te = (header(headers, "transfer-encoding") or "").lower()
    cl = header(headers, "content-length")
    if (method == "HEAD" or status in (204, 304) or 100 <= status < 200
            or (method == "CONNECT" and 200 <= status < 300)):
        body = b""
    elif "chunked" in te:
        body = b""
        while True:
            size = int(r.line().split(b";")[0], 16)
            if size == 0:
                while r.line():     # trailers
                    pass
                break
            body += r.exact(size)
            if r.exact(2) != b"\r\n":
                raise ValueError("bad chunk end")
    elif cl is not None:
        body = r.exact(int(cl))
    else:
        body = r.rest()
    return status, headers, decode_content(headers, body), interim


def decode_content(headers, body):
    ce = (header(headers, "content-encoding") or "identity").lower()
    if not body or ce == "identity":
        return body
    if ce in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if ce == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -15)
    raise ValueError("unknown content coding " + ce)


def connect(args):
    fam = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.bind((args.source, args.local_port))
    s.connect((args.server, args.port))
    return s


def request(method, target, host, extra=(), close=False):
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: " + host,
             "User-Agent: pcapsift-http-peers/1"]
    lines += list(extra)
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def describe(status, headers, entity, interim):
    parts = ["resp %d B" % len(entity)]
    te = header(headers, "transfer-encoding")
    ce = header(headers, "content-encoding")
    if te:
        parts.append("Transfer-Encoding: " + te)
    if ce:
        parts.append("Content-Encoding: " + ce)
    if interim:
        parts.append("interim " + ",".join(map(str, interim)))
    return ", ".join(parts)


def cmd_headget(args):
    s = connect(args)
    r = Reader(s)
    port = s.getsockname()[1]
    gz = ("Accept-Encoding: gzip",)
    steps = [("HEAD", "/hello.txt", (), ""),
             ("GET", "/hello.txt", (), ""),
             ("HEAD", "/lorem.txt", gz,
              "HEAD of a gzip response: neither Content-Length nor Transfer-Encoding, "
              "and still no body"),
             ("GET", "/lorem.txt", gz, "")]
    for i, (method, target, extra, note) in enumerate(steps):
        s.sendall(request(method, target, args.host, extra, close=i == len(steps) - 1))
        status, headers, entity, interim = read_response(r, method)
        d = describe(status, headers, entity, interim)
        if method == "HEAD":
            cl = header(headers, "content-length")
            d += ", Content-Length: %s" % cl if cl else ", no Content-Length"
        print(rows_line(args.capture, port, method, target, status, "-", sha(entity),
                        d + ("; " + note if note else "")))
    s.close()


def cmd_pipeline(args):
    s = connect(args)
    port = s.getsockname()[1]
    reqs = [("GET", "/hello.txt", ()),
            ("HEAD", "/index.html", ()),
            ("GET", "/blob.bin", ()),
            ("GET", "/missing.txt", ()),
            ("GET", "/lorem.txt", ("Accept-Encoding: gzip",)),
            ("GET", "/index.html", ())]
    wire = b"".join(request(m, t, args.host, x, close=i == len(reqs) - 1)
                    for i, (m, t, x) in enumerate(reqs))
    if len(wire) > 1400:
        sys.exit("pipeline: %d bytes do not fit in one segment" % len(wire))
    sent = s.send(wire)             # ONE send() call: one TCP segment
    if sent != len(wire):
        sys.exit("pipeline: short send")
    r = Reader(s)
    for i, (method, target, _) in enumerate(reqs):
        status, headers, entity, interim = read_response(r, method)
        note = describe(status, headers, entity, interim)
        if i == 0:
            note += "; %d requests (%d bytes) written with one send()" % (len(reqs), len(wire))
        print(rows_line(args.capture, port, method, target, status, "-", sha(entity), note))
    s.close()


# --------------------------------------------------------------------------
# servers

class UploadHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pcapsift-upload/1"
    sys_version = ""

    def log_message(self, fmt, *a):
        pass

    def do_POST(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    break
                body += self.rfile.read(size)
                self.rfile.read(2)
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        summary = {"path": self.path,
                   "content_type": self.headers.get("Content-Type"),
                   "expect": self.headers.get("Expect"),
                   "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        out = (json.dumps(summary, sort_keys=True) + "\n").encode()
        with open(self.server.logfile, "a") as f:
            f.write(json.dumps(summary, sort_keys=True) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


class DualStackServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, bind, port, handler):
        self.address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        super().__init__((bind, port), handler)


def serve_upload(args):
    srv = DualStackServer(args.bind, args.port, UploadHandler)
    srv.logfile = args.log
    srv.serve_forever()


CLOSE_BODIES = {
    "/h10": det_text("pcapsift-close-h10", 3000),
    "/h11": det_text("pcapsift-close-h11", 2000),
    "/slow": det_text("pcapsift-close-slow", 6000),
}


class CloseHandler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                return
            buf += d
        path = buf.split(b" ", 2)[1].decode()
        body = CLOSE_BODIES.get(path)
        if body is None:
            s.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno such path\n")
        else:
            ver = "HTTP/1.1" if path == "/h11" else "HTTP/1.0"
            head = "%s 200 OK\r\nServer: pcapsift-close/1\r\nContent-Type: text/plain\r\n" % ver
            if ver == "HTTP/1.1":
                head += "Connection: close\r\n"
            s.sendall((head + "\r\n").encode())
            third = len(body) // 3
            for piece in (body[:third], body[third:2 * third], body[2 * third:]):
                time.sleep(0.05)
                s.sendall(piece)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(2)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass


class ConnectHandler(socketserver.BaseRequestHandler):
    def handle(self):
        c = self.request
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = c.recv(65536)
            if not d:
                return
            buf += d
        head, rest = buf.split(b"\r\n\r\n", 1)
        method, target = head.split(b" ", 2)[:2]
        if method != b"CONNECT":
            c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        host, _, port = target.decode().rpartition(":")
        up = socket.create_connection((host.strip("[]"), int(port)))
        with open(self.server.logfile, "a") as f:
            f.write("CONNECT %s\n" % target.decode())
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            up.sendall(rest)
        socks = [c, up]
        open_ = {c: True, up: True}
        while any(open_.values()):
            rd, _, _ = select.select([x for x in socks if open_[x]], [], [], 10)
            if not rd:
                break
            for x in rd:
                other = up if x is c else c
                d = x.recv(65536)
                if d:
                    other.sendall(d)
                else:
                    open_[x] = False
                    try:
                        other.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
        up.close()


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, bind, port, handler):
        self.address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        super().__init__((bind, port), handler)


def serve_close(args):
    TCPServer(args.bind, args.port, CloseHandler).serve_forever()


def serve_connect(args):
    srv = TCPServer(args.bind, args.port, ConnectHandler)
    srv.logfile = args.log
    srv.serve_forever()


# --------------------------------------------------------------------------
# manifest helpers

def parse_trace(path):
    """curl --trace FILE: per request, in order, the header and body bytes
    curl sent and the header bytes it received ("=> Send header" starts a
    request)."""
    reqs = []
    cur = None
    for line in open(path, encoding="latin-1"):
        m = re.match(r"^(=> Send header|=> Send data|<= Recv header|<= Recv data|== Info"
                     r"|=> Send SSL data|<= Recv SSL data)", line)
        if m:
            cur = m.group(1)
            if cur == "=> Send header" and (not reqs or reqs[-1]["body"] or reqs[-1]["resp"]):
                reqs.append({"head": bytearray(), "body": bytearray(), "resp": bytearray()})
            continue
        # "0000: " then 16 hex bytes in 48 columns (padded), then ASCII
        m = re.match(r"^[0-9a-f]{4,}: ", line)
        if not m or not reqs:
            continue
        data = bytes.fromhex("".join(line[m.end():m.end() + 48].split()))
        key = {"=> Send header": "head", "=> Send data": "body", "<= Recv header": "resp"}.get(cur)
        if key:
            reqs[-1][key] += data
    return reqs


def cmd_curlrows(args):
    """curl -w output, one line per transfer: local_port, method, url,
    response_code, filename_effective, num_connects, redirect_url (tabs);
    --trace gives the request bodies and the interim responses."""
    trace = parse_trace(args.trace) if args.trace else None
    lines = [l.rstrip("\n") for l in open(args.wout) if l.strip()]
    if trace is not None and len(trace) != len(lines):
        sys.exit("curlrows: %d transfers but %d requests in the trace" % (len(lines), len(trace)))
    notes = args.note or []
    for i, line in enumerate(lines):
        f = line.split("\t")
        port, method, url, code, path = f[:5]
        location = f[6] if len(f) > 6 else ""
        m = re.match(r"^[a-z]+://[^/]+(/.*)?$", url)
        target = (m.group(1) or "/") if m else url
        body = open(path, "rb").read() if path and os.path.exists(path) else b""
        req = bytes(trace[i]["body"]) if trace is not None else b""
        parts = []
        if req:
            parts.append("req %d B" % len(req))
        parts.append("resp %d B" % len(body))
        if trace is not None:
            head = trace[i]["head"].decode("latin-1")
            ct = re.search(r"(?im)^content-type: *([^;\r]*)", head)
            if req and ct:
                parts.append("req Content-Type: " + ct.group(1))
            if re.search(r"(?im)^expect: *100-continue", head):
                parts.append("Expect: 100-continue")
            resp = trace[i]["resp"].decode("latin-1")
            for st in re.findall(r"(?m)^HTTP/1\.[01] (1\d\d)", resp):
                parts.append("interim %s" % st)
            for h in ("transfer-encoding", "content-encoding"):
                hm = re.search(r"(?im)^%s: *([^\r]*)" % h, resp)
                if hm:
                    parts.append("%s: %s" % (h.title(), hm.group(1)))
        if code.startswith("3") and location:
            parts.append("Location: " + location)
        note = ", ".join(parts)
        if i < len(notes) and notes[i]:
            note += "; " + notes[i]
        print(rows_line(args.capture, port, method, target, code, sha(req), sha(body), note))


def cmd_netlog(args):
    d = json.load(open(args.netlog))
    c = d["constants"]
    et = {v: k for k, v in c["logEventTypes"].items()}
    reqs = {}
    job_socket = {}
    socket_port = {}
    for e in d["events"]:
        t = et[e["type"]]
        sid = e["source"]["id"]
        p = e.get("params", {})
        if t == "URL_REQUEST_START_JOB" and e["phase"] == 1:
            reqs.setdefault(sid, {"url": p["url"], "method": p["method"], "body": b"",
                                  "sent": None, "status": None, "job": None, "id": sid})
        elif sid in reqs:
            r = reqs[sid]
            if t == "HTTP_STREAM_REQUEST_BOUND_TO_JOB":
                r["job"] = p["source_dependency"]["id"]
            elif t == "HTTP_TRANSACTION_SEND_REQUEST_HEADERS":
                r["sent"] = int(e["time"])
                r["line"] = p["line"].strip()
            elif t == "HTTP_TRANSACTION_READ_RESPONSE_HEADERS":
                r["status"] = int(p["headers"][0].split()[1])
                r["headers"] = p["headers"]
            elif t == "URL_REQUEST_JOB_FILTERED_BYTES_READ":
                r["body"] += base64.b64decode(p["bytes"])
        if t == "SOCKET_POOL_BOUND_TO_SOCKET":
            job_socket[sid] = p["source_dependency"]["id"]
        if t == "TCP_CONNECT" and e["phase"] == 2 and "local_address" in p:
            socket_port[sid] = int(p["local_address"].rsplit(":", 1)[1])
    done = [r for r in reqs.values() if r["sent"] is not None]
    done.sort(key=lambda r: (r["sent"], r["id"]))
    cut = [r["line"] for r in done if r["status"] is None]
    if cut:
        # e.g. the favicon request, cancelled when --dump-dom ended the run
        print("netlog: requests sent whose response Chromium did not read: %s" % cut,
              file=sys.stderr)
        sys.exit(3)
    for r in done:
        port = socket_port[job_socket[r["job"]]]
        method, target = r["line"].split()[:2]
        ce = [h.split(":", 1)[1].strip() for h in r["headers"] if h.lower().startswith("content-encoding:")]
        te = [h.split(":", 1)[1].strip() for h in r["headers"] if h.lower().startswith("transfer-encoding:")]
        note = "resp %d B" % len(r["body"])
        if te:
            note += ", Transfer-Encoding: " + te[0]
        if ce:
            note += ", Content-Encoding: " + ce[0]
        note += "; Chromium"
        print(rows_line(args.capture, port, method, target, r["status"], "-", sha(r["body"]), note))


def syn_ports(pcap):
    """Client ports of the connections in the capture, in order of their
    first packet (tshark's tcp.stream numbering)."""
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.stream",
                          "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn",
                          "-e", "tcp.flags.ack", "-Y", "tcp"],
                         check=True, capture_output=True, text=True).stdout
    first = {}
    for line in out.splitlines():
        stream, sp, dp, syn, ack = line.split("\t")
        stream = int(stream)
        if stream in first:
            continue
        if syn in ("1", "True") and ack in ("0", "False"):
            first[stream] = int(sp)
        else:
            first[stream] = None        # no SYN: mark, port unknown
    return [first[k] for k in sorted(first)]


def cmd_finalize(args):
    ports = syn_ports(args.pcap)
    if None in ports:
        sys.exit("finalize: %s has a connection without a SYN" % args.pcap)
    order = {p: i + 1 for i, p in enumerate(ports)}
    rows = [l.rstrip("\n").split("\t") for l in open(args.rows) if l.strip()]
    seen = []
    for r in rows:
        p = int(r[1])
        if p not in order:
            sys.exit("finalize: client port %d is not a connection in %s" % (p, args.pcap))
        if p not in seen:
            seen.append(p)
        r[1] = str(order[p])
    if args.sequential and seen != ports:
        sys.exit("finalize: %s: clients used ports %s but the capture has %s"
                 % (args.pcap, seen, ports))
    unused = [p for p in ports if p not in seen]
    for r in rows:
        print("\t".join(r))
    if unused:
        print("finalize: %s: connections without a transaction: %s"
              % (os.path.basename(args.pcap), ", ".join("%d (port %d)" % (order[p], p) for p in unused)),
              file=sys.stderr)

# --------------------------------------------------------------------------
# verification with tshark

# Ports Wireshark does not dissect as HTTP by default.
DECODE_AS = ["-d", "tcp.port==31337,http", "-d", "tcp.port==8081,http",
             "-d", "tcp.port==8000,http", "-d", "tcp.port==8090,http",
             "-d", "tcp.port==8091,http", "-d", "tcp.port==3128,http",
             "-o", "tcp.reassemble_out_of_order:TRUE"]


def tshark_fields(pcap, dfilter, *fields):
    cmd = ["tshark", "-r", pcap] + DECODE_AS + ["-Y", dfilter, "-T", "fields",
                                              "-E", "occurrence=a", "-E", "aggregator=\x01"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def expand(rows):
    """tshark puts several PDUs of one frame in one line, values joined
    by the aggregator; give one tuple per PDU."""
    out = []
    for r in rows:
        cols = [c.split("\x01") for c in r]
        n = max(len(c) for c in cols)
        for i in range(n):
            out.append(tuple(c[i] if len(c) == n else c[0] for c in cols))
    return out


class BytesSock:
    """recv() over a bytes object, for Reader."""
    def __init__(self, data):
        self.data = data

    def recv(self, n):
        d, self.data = self.data[:n], self.data[n:]
        return d


def follow_streams(pcap):
    """{tcp.stream: (client bytes, server bytes)} from tshark's follow."""
    n = len({s for (s,) in tshark_fields(pcap, "tcp", "tcp.stream")})
    out = {}
    for i in range(n):
        text = subprocess.run(["tshark", "-r", pcap, "-o", "tcp.reassemble_out_of_order:TRUE",
                               "-q", "-z", "follow,tcp,raw,%d" % i],
                              check=True, capture_output=True, text=True).stdout
        c, srv = bytearray(), bytearray()
        body = text.split("=" * 67)[1] if "=" * 67 in text else text
        for line in body.splitlines():
            h = line.strip()
            if not h or not re.fullmatch(r"[0-9a-f]+", h):
                continue
            (srv if line.startswith("\t") else c).extend(bytes.fromhex(h))
        out[i + 1] = (bytes(c), bytes(srv))
    return out


def parse_stream(client, server, n):
    """The first n transactions of a connection, parsed from the captured
    byte streams: [(method, target, req body, status, entity)]."""
    rq = Reader(BytesSock(client))
    rs = Reader(BytesSock(server))
    out = []
    for _ in range(n):
        line, headers = read_head(rq)
        method, target = line.split()[:2]
        te = (header(headers, "transfer-encoding") or "").lower()
        if "chunked" in te:
            body = b""
            while True:
                size = int(rq.line().split(b";")[0], 16)
                if size == 0:
                    while rq.line():
                        pass
                    break
                body += rq.exact(size)
                rq.exact(2)
        else:
            body = rq.exact(int(header(headers, "content-length") or 0))
        status, rh, entity, _ = read_response(rs, method)
        out.append((method, target, body, status, entity))
        if status == 101 or (method == "CONNECT" and status == 200):
            break
    return out


def cmd_verify(args):
    lines = [l.rstrip("\n").split("\t") for l in open(args.manifest)]
    head, rows = lines[0], lines[1:]
    assert head == ["capture", "conn_order", "method", "target", "status",
                    "req_body_sha256", "resp_body_sha256", "note"], head
    served = dict(l.rstrip("\n").split("\t") for l in open(args.served))
    uploads = [json.loads(l) for l in open(args.uploads)] if os.path.exists(args.uploads) else []
    upload_shas = {u["sha256"] for u in uploads}
    caps = []
    for r in rows:
        if len(r) != 8:
            sys.exit("verify: row with %d fields: %r" % (len(r), r))
        if r[0] not in caps:
            caps.append(r[0])
    bad = []
    for cap in caps:
        rs = [r for r in rows if r[0] == cap]
        pcap = os.path.join(args.dir, cap)
        http = [r for r in rs if r[2] not in ("WS", "TLS")]
        # bodies: what the clients got is what was served; what they sent
        # is what the Python server received.
        for r in http:
            path = r[3].split("?")[0]
            if path.endswith("/"):
                path += "index.html"
            if r[2] == "GET" and r[4] == "200" and path in served and served[path] != r[6]:
                bad.append("%s: %s %s: body is not the served file" % (cap, r[2], r[3]))
            if r[5] != "-" and r[5] not in upload_shas:
                bad.append("%s: %s %s: the server did not receive this body" % (cap, r[2], r[3]))
        # the transactions parsed from the captured byte streams (by this
        # file's own parser, independent of tshark's HTTP dissector)
        streams = follow_streams(pcap)
        for conn in sorted({int(r[1]) for r in http}):
            want = [(r[2], r[3], r[5], int(r[4]), r[6]) for r in http if int(r[1]) == conn]
            try:
                got = [(m, t, sha(b), st, sha(e)) for m, t, b, st, e in
                       parse_stream(*streams[conn], len(want))]
            except (EOFError, ValueError, KeyError) as e:
                got = "unparsable: %s" % e
            if got != want:
                bad.append("%s: connection %d in the capture: %s, manifest %s" % (cap, conn, got, want))
        # transactions as tshark sees them
        got_req = [(int(s) + 1, m, u) for s, m, u in
                   expand(tshark_fields(pcap, "http.request", "tcp.stream",
                                        "http.request.method", "http.request.uri"))]
        got_resp = [(int(s) + 1, c) for s, c in
                    expand(tshark_fields(pcap, "http.response", "tcp.stream", "http.response.code"))]
        interim = [x for x in got_resp if x[1].startswith("1") and x[1] != "101"]
        got_resp = [x for x in got_resp if x not in interim]
        want_req = [(int(r[1]), r[2], r[3]) for r in http]
        want_resp = [(int(r[1]), r[4]) for r in http]
        tunnel = {int(r[1]) for r in http if r[2] == "CONNECT"}
        extra = [x for x in got_req if x[0] in tunnel and x[1] != "CONNECT"]
        if extra:
            print("verify: %s: tshark also parses the tunnel payload as %s"
                  % (cap, ", ".join("%s %s" % x[1:] for x in extra)), file=sys.stderr)
            got_req = [x for x in got_req if x not in extra]
            got_resp = [x for x in got_resp if x[0] not in tunnel] + [(c, "200") for c in tunnel]
        if sorted(got_req) != sorted(want_req):
            bad.append("%s: tshark requests %s, manifest %s" % (cap, got_req, want_req))
        if cap == "pipeline.pcap" and sorted(got_resp) != sorted(want_resp):
            # tshark 4.0 gives a pipelined HEAD response the body its
            # Content-Length announces, swallowing the next response.
            print("verify: %s: tshark finds %d of %d responses (its HEAD handling with "
                  "pipelining); the stream parse above found all" % (cap, len(got_resp), len(want_resp)),
                  file=sys.stderr)
        elif sorted(got_resp) != sorted(want_resp):
            bad.append("%s: tshark responses %s, manifest %s" % (cap, got_resp, want_resp))
        n_interim = sum(r[7].count("interim 100") for r in http)
        if len(interim) != n_interim:
            bad.append("%s: tshark sees %d interim responses, manifest %d" % (cap, len(interim), n_interim))
        # response bodies as tshark exports them (dechunked, decompressed)
        want_bodies = {r[6] for r in http if r[6] != "-" and r[2] != "CONNECT"}
        if want_bodies:
            d = os.path.join(args.work, cap)
            os.makedirs(d, exist_ok=True)
            subprocess.run(["tshark", "-r", pcap] + DECODE_AS + ["-q", "--export-objects", "http," + d],
                           check=True, capture_output=True)
            have = {hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest()
                    for f in os.listdir(d)}
            missing = want_bodies - have
            if missing and cap != "pipeline.pcap":
                bad.append("%s: tshark's exported objects lack %d bodies of the manifest: %s"
                           % (cap, len(missing), [r[3] for r in http if r[6] in missing]))
        # WebSocket frames in order: opcode, and RSV1 on compressed messages
        ws = [r for r in rs if r[2] == "WS"]
        if ws:
            want = []
            for r in ws:
                m = re.search(r"(\d+) frames", r[7])
                n = int(m.group(1)) if m else 1
                rsv = "4" if "permessage-deflate" in r[7] else "0"
                want += [(r[4], rsv)] + [("0", "0")] * (n - 1)
            got = [(str(int(o, 0)), str(int(v, 0))) for o, v in
                   expand(tshark_fields(pcap, "websocket", "websocket.opcode", "websocket.rsv"))]
            if got != want:
                bad.append("%s: tshark WebSocket frames (opcode, rsv) %s, manifest %s" % (cap, got, want))
        tls = [r for r in rs if r[2] == "TLS"]
        if tls:
            hellos = tshark_fields(pcap, "tls.handshake.type == 1", "tcp.stream")
            if len(hellos) != len(tls):
                bad.append("%s: %d ClientHellos, %d TLS rows" % (cap, len(hellos), len(tls)))
        if cap == "pipeline.pcap":
            # every request in ONE client segment
            segs = tshark_fields(pcap, "tcp.len > 0 && tcp.dstport == 80", "frame.number")
            reqs = expand(tshark_fields(pcap, "http.request", "frame.number", "http.request.method"))
            if len(segs) != 1 or {f for f, _ in reqs} != {segs[0][0]} or len(reqs) != len(http):
                bad.append("%s: requests are not all in one segment: %s / %s" % (cap, segs, reqs))
        print("verify: %s: %d rows, %d HTTP requests%s, OK so far" % (
            cap, len(rs), len(got_req), ", %d WebSocket frames" % len(got) if ws else ""),
            file=sys.stderr)
    if bad:
        for b in bad:
            print("verify: " + b, file=sys.stderr)
        sys.exit(1)


def cmd_gen(args):
    data = {"bin": det_bytes, "text": det_text, "log": det_log}[args.kind](args.tag, args.size)
    with open(args.out, "wb") as f:
        f.write(data)


def cmd_tracestatus(args):
    """The status line curl received for the N-th request of a --trace."""
    resp = parse_trace(args.trace)[args.index]["resp"].decode("latin-1")
    print(resp.split("\r\n", 1)[0].split()[1])


def cmd_closebody(args):
    sys.stdout.buffer.write(CLOSE_BODIES[args.path])


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("upload", "close", "connect"):
        p = sub.add_parser(name)
        p.add_argument("--bind", required=True)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--log", default=os.devnull)
    for name in ("headget", "pipeline"):
        p = sub.add_parser(name)
        p.add_argument("--server", required=True)
        p.add_argument("--port", type=int, default=80)
        p.add_argument("--source", required=True)
        p.add_argument("--local-port", type=int, required=True)
        p.add_argument("--host", required=True)
        p.add_argument("--capture", required=True)
    p = sub.add_parser("curlrows")
    p.add_argument("--capture", required=True)
    p.add_argument("--wout", required=True)
    p.add_argument("--trace")
    p.add_argument("--note", action="append")
    p = sub.add_parser("netlog")
    p.add_argument("--capture", required=True)
    p.add_argument("netlog")
    p = sub.add_parser("finalize")
    p.add_argument("--sequential", action="store_true")
    p.add_argument("pcap")
    p.add_argument("rows")
    p = sub.add_parser("verify")
    p.add_argument("--served", required=True)
    p.add_argument("--uploads", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("dir")
    p.add_argument("manifest")
    p = sub.add_parser("gen")
    p.add_argument("--kind", choices=("bin", "text", "log"), default="bin")
    p.add_argument("tag")
    p.add_argument("size", type=int)
    p.add_argument("out")
    p = sub.add_parser("tracestatus")
    p.add_argument("trace")
    p.add_argument("index", type=int)
    p = sub.add_parser("closebody")
    p.add_argument("path")
    a = ap.parse_args()
    {"upload": serve_upload, "close": serve_close, "connect": serve_connect,
     "headget": cmd_headget, "pipeline": cmd_pipeline, "curlrows": cmd_curlrows,
     "netlog": cmd_netlog, "finalize": cmd_finalize, "verify": cmd_verify, "gen": cmd_gen,
     "closebody": cmd_closebody, "tracestatus": cmd_tracestatus}[a.cmd](a)


if __name__ == "__main__":
    main()
