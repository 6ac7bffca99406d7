#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tls_peers.py - clients, servers, drivers and manifest helpers used by
testdata/make_tls_captures.sh (python3 >= 3.11, standard library only; the
TLS stacks are OpenSSL's own s_client/s_server, curl, nginx, Chromium and
node, this file only drives them and reads what they report).

Content:
  gen KIND TAG SIZE OUT      deterministic file (bin: SHA-256 counter stream,
                             text: compressible lines)
Servers (run until SIGTERM):
  upstream --bind A --port P --log F
                             HTTP/1.1 server behind nginx: POST answers a
                             JSON summary of the body (and logs its hash)
Clients / drivers (print manifest rows, see ROW below):
  ossl SCENARIO ...          drives openssl s_client (and s_server where the
                             server must act: KeyUpdate, renegotiation)
  pipeline ...               Python ssl client, N requests in one write
Manifest helpers:
  curlrows                   curl -w output + --trace -> rows
  netlog                     Chromium NetLog -> rows
  finalize                   client ports -> conn_order (SYN order in pcap)
  holes                      which TLS records a deleted segment hit
  tshark                     tshark.tsv / tshark_http.tsv rows + checks

ROW (before finalize): capture, client port, method, target, status,
req_body_sha256, resp_body_sha256, note, tls_version, cipher_suite (IANA),
sni, alpn -- tab separated; "-" for nothing.  Body hashes are of the bodies
after removing the transfer coding and the content coding, as the client
got them.
"""
import argparse
import base64
import gzip
import hashlib
import http.server
import json
import os
import re
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib


def sha(data):
    return hashlib.sha256(data).hexdigest() if data else "-"


def row(*fields):
    for f in fields:
        if "\t" in str(f) or "\n" in str(f):
            raise ValueError("tab or newline in a manifest field: %r" % (f,))
    return "\t".join(str(f) if str(f) != "" else "-" for f in fields)


def log(msg):
    print("[tls_peers] " + msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# deterministic content

def det_bin(tag, size):
    """SHA-256 in counter mode over a tag: incompressible, reproducible."""
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(("%s/%d" % (tag, i)).encode()).digest()
        i += 1
    return bytes(out[:size])


WORDS = ("record cipher suite handshake secret traffic key update nonce "
         "ticket session resume early data alert finished certificate "
         "server client hello random master label exporter stream").split()


def det_text(tag, size):
    """Compressible ASCII lines made from a tag."""
    out, n, i = [], 0, 0
    while n < size:
        h = hashlib.sha256(("%s:%d" % (tag, i)).encode()).digest()
        line = "%06d %s\n" % (i, " ".join(WORDS[b % len(WORDS)] for b in h[:9]))
        out.append(line)
        n += len(line)
        i += 1
    return "".join(out)[:size].encode()


def cmd_gen(a):
    data = (det_bin if a.kind == "bin" else det_text)(a.tag, a.size)
    with open(a.out, "wb") as f:
        f.write(data)


# --------------------------------------------------------------------------
# cipher names

_IANA = None
_CIPHERS = None
TLS13_ALL = ("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
             "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256")


def openssl_ciphers():
    """`openssl ciphers -V -stdname` for every suite this OpenSSL knows."""
    global _CIPHERS
    if _CIPHERS is None:
        _CIPHERS = subprocess.run(["openssl", "ciphers", "-stdname", "-V", "-ciphersuites", TLS13_ALL,
                                   "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                                  capture_output=True, text=True, check=True).stdout
    return _CIPHERS


def iana(name):
    """OpenSSL cipher name -> IANA name (TLS 1.3 names are the same)."""
    global _IANA
    if not name or name == "-" or name.startswith("TLS_"):
        return name or "-"
    if _IANA is None:
        _IANA = {}
        out = openssl_ciphers()
        for line in out.splitlines():
            m = re.match(r"\s*0x[0-9A-F]{2},0x[0-9A-F]{2} - (\S+)\s+- (\S+)", line)
            if m:
                _IANA[m.group(2)] = m.group(1)
    return _IANA.get(name, name)


def iana_by_code(code):
    """Numeric cipher suite -> IANA name."""
    for line in openssl_ciphers().splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)", line)
        if m and int(m.group(1) + m.group(2), 16) == code:
            return m.group(3)
    return "0x%04x" % code


def norm_version(v):
    """'TLSv1.3', 'TLS 1.3', 'TLSv1.2' ... -> 'TLSv1.3' style."""
    m = re.search(r"1\.([0-3])", v or "")
    return "TLSv1.%s" % m.group(1) if m else (v or "-")


# --------------------------------------------------------------------------
# HTTP/1.x reading over any byte source

class Reader:
    """Reads HTTP/1.x messages from fill(), which returns more bytes or b""
    at the end."""

    def __init__(self, fill):
        self.fill = fill
        self.buf = b""

    def _more(self):
        d = self.fill()
        if not d:
            return False
        self.buf += d
        return True

    def line(self):
        while b"\r\n" not in self.buf:
            if not self._more():
                raise EOFError("end of data inside a header")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n:
            if not self._more():
                raise EOFError("end of data inside a body (%d of %d)" % (len(self.buf), n))
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def rest(self):
        while self._more():
            pass
        d, self.buf = self.buf, b""
        return d


def read_head(r):
    first = r.line().decode("latin-1")
    headers = []
    while True:
        line = r.line()
        if not line:
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers.append((k.strip().lower(), v.strip()))
    return first, headers


def hget(headers, name):
    for k, v in headers:
        if k == name:
            return v
    return None


def read_body(r, headers, until_close=False):
    te = (hget(headers, "transfer-encoding") or "").lower()
    cl = hget(headers, "content-length")
    if "chunked" in te:
        body = b""
        while True:
            size = int(r.line().split(b";")[0], 16)
            if size == 0:
                while r.line():
                    pass
                return body
            body += r.exact(size)
            if r.exact(2) != b"\r\n":
                raise ValueError("bad chunk end")
    if cl is not None:
        return r.exact(int(cl))
    return r.rest() if until_close else b""


def decode_content(headers, body):
    ce = (hget(headers, "content-encoding") or "identity").lower()
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


def read_response(r, method):
    """-> (status, headers, entity after transfer and content decoding)."""
    while True:
        first, headers = read_head(r)
        status = int(first.split()[1])
        if 100 <= status < 200 and status != 101:
            continue
        break
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        body = b""
    else:
        body = read_body(r, headers, until_close=True)
    return status, headers, decode_content(headers, body)


def resp_note(headers, entity):
    parts = ["resp %d B" % len(entity)]
    for h in ("transfer-encoding", "content-encoding"):
        v = hget(headers, h)
        if v:
            parts.append("%s: %s" % (h.title(), v))
    return ", ".join(parts)


# --------------------------------------------------------------------------
# upstream: the application behind nginx (POST /echo)

class UpstreamHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_path = os.devnull

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        digest = hashlib.sha256(body).hexdigest()
        with open(self.log_path, "a") as f:
            f.write(json.dumps({"path": self.path, "bytes": len(body), "sha256": digest}) + "\n")
        out = json.dumps({"path": self.path, "bytes": len(body), "sha256": digest,
                          "content_type": self.headers.get("Content-Type", "")},
                         sort_keys=True).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


class Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def cmd_upstream(a):
    UpstreamHandler.log_path = a.log
    Threaded((a.bind, a.port), UpstreamHandler).serve_forever()


# --------------------------------------------------------------------------
# openssl s_client / s_server as subprocesses

class Proc:
    """A subprocess whose stdout and stderr are collected by threads."""

    def __init__(self, cmd, name):
        self.name = name
        self.cmd = cmd
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, bufsize=0)
        self.out = bytearray()
        self.err = bytearray()
        self.cv = threading.Condition()
        self.eof = False
        self.pos = 0            # how much of out has been consumed
        for stream, buf in ((self.p.stdout, self.out), (self.p.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, buf), daemon=True).start()

    def _pump(self, stream, buf):
        while True:
            d = os.read(stream.fileno(), 65536)
            with self.cv:
                if not d:
                    if buf is self.out:
                        self.eof = True
                    self.cv.notify_all()
                    return
                buf += d
                self.cv.notify_all()

    def write(self, data):
        os.write(self.p.stdin.fileno(), data)

    def wait_err(self, pattern, timeout=10.0, start=0):
        """Wait until stderr matches a regex (from byte offset start)."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        end = time.time() + timeout
        with self.cv:
            while True:
                m = rx.search(bytes(self.err), start)
                if m:
                    return m
                left = end - time.time()
                if left <= 0 or (self.p.poll() is not None and self.eof):
                    raise TimeoutError("%s: no %r on stderr; stderr: %s" %
                                       (self.name, pattern, bytes(self.err)[-2000:]))
                self.cv.wait(min(left, 0.2))

    def wait_out(self, data, timeout=10.0):
        """Wait until stdout holds data (bytes) after self.pos; consume up to
        its end."""
        end = time.time() + timeout
        with self.cv:
            while True:
                i = bytes(self.out).find(data, self.pos)
                if i >= 0:
                    self.pos = i + len(data)
                    return
                left = end - time.time()
                if left <= 0 or self.eof:
                    raise TimeoutError("%s: %r not seen on stdout" % (self.name, data[:60]))
                self.cv.wait(min(left, 0.2))

    def fill(self, timeout=10.0):
        """Next unread stdout bytes (for Reader); b"" at EOF."""
        end = time.time() + timeout
        with self.cv:
            while self.pos >= len(self.out):
                if self.eof:
                    return b""
                left = end - time.time()
                if left <= 0:
                    raise TimeoutError("%s: no data within %.1fs" % (self.name, timeout))
                self.cv.wait(min(left, 0.2))
            d = bytes(self.out[self.pos:])
            self.pos = len(self.out)
            return d

    def pending(self, wait=0.0):
        """Unread stdout after waiting 'wait' seconds (no consumption)."""
        time.sleep(wait)
        with self.cv:
            return bytes(self.out[self.pos:])

    def close_stdin(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass

    def finish(self, timeout=10.0):
        self.close_stdin()
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.terminate()
            self.p.wait(5)
        time.sleep(0.05)
        return self.p.returncode

    def kill(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def hostport(host, port):
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


class SClient(Proc):
    """openssl s_client -brief: the summary goes to stderr, stdout carries
    only what the server sent; command letters (k, K, R) stay active (-brief
    does not imply -ign_eof, unlike -quiet)."""

    def __init__(self, a, port, lport, keylog, msgfile, extra=(), sess_in=None, sess_out=None,
                 early=None, name="s_client"):
        cmd = ["ip", "netns", "exec", a.ns, "openssl", "s_client",
               "-connect", hostport(a.server, port), "-servername", a.sni,
               "-bind", hostport(a.source, lport), "-brief",
               "-keylogfile", keylog, "-msg", "-msgfile", msgfile]
        if sess_in:
            cmd += ["-sess_in", sess_in]
        if sess_out:
            cmd += ["-sess_out", sess_out]
        if early:
            cmd += ["-early_data", early]
        cmd += list(extra)
        super().__init__(cmd, name)
        self.lport = lport
        self.msgfile = msgfile

    def established(self):
        """Wait for the -brief summary; -> (version, cipher)."""
        self.wait_err(r"CONNECTION ESTABLISHED\n(.|\n)*?Ciphersuite: \S+\n")
        e = bytes(self.err).decode("latin-1")
        v = re.search(r"Protocol version: (\S+)", e).group(1)
        c = re.search(r"Ciphersuite: (\S+)", e).group(1)
        return norm_version(v), iana(c)

    def command(self, letter):
        """A command letter alone in one write; wait until s_client says it
        acted on it, so the next write is a separate read()."""
        word = {"k": "KEYUPDATE", "K": "KEYUPDATE", "R": "RENEGOTIATING"}[letter]
        start = len(self.err)
        self.write(letter.encode() + b"\n")
        self.wait_err(word, start=start)
        time.sleep(0.3)

    def get(self, target, host, extra=b"", method="GET", body=b""):
        req = request_bytes(method, target, host, extra, body)
        self.write(req)
        return self.response(method)

    def response(self, method="GET", timeout=10.0):
        r = Reader(lambda: self.fill(timeout))
        status, headers, entity = read_response(r, method)
        if r.buf:       # give back bytes beyond this response
            with self.cv:
                self.pos -= len(r.buf)
        return status, headers, entity

    def handshakes(self):
        """Handshake messages from the -msg trace: [(dir, name)]."""
        out = []
        for line in open(self.msgfile, encoding="latin-1"):
            m = re.match(r"^(<<<|>>>) TLS 1\.\d, (Handshake|Alert|ChangeCipherSpec) \[length [0-9a-f]+\]"
                         r"(?:, (.*))?$", line.rstrip())
            if m:
                out.append((m.group(1), m.group(3) or m.group(2)))
        return out


def request_bytes(method, target, host, extra=b"", body=b""):
    h = "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: pcapsift-s_client\r\nAccept: */*\r\n" % (
        method, target, host)
    req = h.encode() + extra
    if body:
        req += b"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n" % len(body)
    return req + b"\r\n" + body


class SServer(Proc):
    """openssl s_server in its plain (echo) mode: what the client sends shows
    up on stdout, what we write to stdin goes to the client; command letters
    (k, K, r) act when they start a read of stdin."""

    def __init__(self, a, port, extra, name="s_server"):
        cmd = ["ip", "netns", "exec", a.srv_ns, "openssl", "s_server",
               "-accept", hostport(a.server, port), "-cert", a.cert, "-key", a.key,
               "-keylogfile", a.srv_keylog] + list(extra)
        super().__init__(cmd, name)
        end = time.time() + 10
        while True:     # listening?
            ss = subprocess.run(["ip", "netns", "exec", a.srv_ns, "ss", "-Hltn",
                                 "sport = :%d" % port], capture_output=True, text=True).stdout
            if ss.strip():
                break
            if self.p.poll() is not None or time.time() > end:
                raise RuntimeError("s_server did not start: %s" % bytes(self.err))
            time.sleep(0.05)

    def answer(self, req, body, ctype="text/plain"):
        """Wait for the request bytes, then send one response (one write of
        at most 4096 bytes, so s_server reads it in one piece and no command
        letter can start a read)."""
        self.wait_out(req)
        resp = (b"HTTP/1.1 200 OK\r\nServer: openssl-s_server\r\nContent-Type: %s\r\n"
                b"Content-Length: %d\r\n\r\n" % (ctype.encode(), len(body))) + body
        if len(resp) > 4096:
            raise ValueError("response too long for one atomic pipe write")
        self.write(resp)

    def command(self, letter):
        self.write(letter.encode() + b"\n")
        time.sleep(0.4)


def out_rows(a, rows):
    for r in rows:
        print(row(*r))
    sys.stdout.flush()


def server_sent_cert(hs):
    """Did the server send a Certificate (a full handshake), in the
    client's -msg trace?"""
    return any(d == "<<<" and n == "Certificate" for d, n in hs)


# ------------------------------------------------------------------ scenarios

def sc_resume(a):
    """Three connections, the 2nd and 3rd resuming the session of the one
    before (-sess_in / -sess_out)."""
    rows = []
    prev = None
    for i in range(a.conns):
        lport = a.lport + i
        keys = "%s.%d" % (a.keylog_prefix, i + 1)
        sess = "%s.sess%d" % (a.keylog_prefix, i + 1)
        c = SClient(a, a.port, lport, keys, keys + ".msg", a.extra, sess_in=prev, sess_out=sess)
        ver, cipher = c.established()
        targets = ["/hello.txt", "/blob.bin"] if i == 0 else ["/hello.txt"]
        got = []
        for t in targets:
            st, hd, ent = c.get(t, a.sni)
            got.append((t, st, hd, ent))
        if ver == "TLSv1.3":
            time.sleep(0.3)     # the NewSessionTicket(s) for -sess_out
        rc = c.finish()
        if rc != 0:
            sys.exit("resume: s_client %d exited %d: %s" % (i + 1, rc, bytes(c.err)))
        hs = c.handshakes()
        resumed = not server_sent_cert(hs)
        if (i == 0 and resumed) or (i > 0 and not resumed):
            sys.exit("resume: connection %d: %s" % (i + 1, "resumed" if resumed else "full handshake"))
        if i == 0:
            how = "full handshake"
        else:
            how = "resumed (abbreviated handshake, %s from connection %d)" % (a.how, i)
        for t, st, hd, ent in got:
            rows.append((a.capture, lport, "GET", t, st, "-", sha(ent),
                         "%s; %s" % (resp_note(hd, ent), how), ver, cipher, a.sni, "-"))
        if os.path.exists(sess):    # a resumed TLS 1.2 session by id is not saved again
            prev = sess
        time.sleep(0.2)
    out_rows(a, rows)


def sc_keyupdate(a):
    """One TLS 1.3 connection to s_server; KeyUpdates from both sides
    between the requests."""
    srv = SServer(a, a.port, ["-tls1_3", "-ciphersuites", a.ciphersuites, "-num_tickets", "0"])
    rows = []
    try:
        c = SClient(a, a.port, a.lport, a.keylog_prefix + ".1", a.keylog_prefix + ".1.msg")
        ver, cipher = c.established()
        steps = [
            (None, "before any KeyUpdate"),
            ("c:k", "after the client's KeyUpdate(update_not_requested) (s_client 'k')"),
            ("c:K", "after the client's KeyUpdate(update_requested) (s_client 'K'), answered by the server's KeyUpdate"),
            ("s:k", "after the server's KeyUpdate(update_not_requested) (s_server 'k')"),
            ("s:K", "after the server's KeyUpdate(update_requested) (s_server 'K'), answered by the client's KeyUpdate"),
            ("c:k c:k", "after two more client KeyUpdates in a row"),
        ]
        for n, (cmds, what) in enumerate(steps, 1):
            for cmd in (cmds or "").split():
                side, letter = cmd.split(":")
                (c.command if side == "c" else srv.command)(letter)
            target = "/ku/%d.txt" % n
            body = det_text("pcapsift-tls-ku-%d" % n, 600 + 500 * n)
            req = request_bytes("GET", target, a.sni)
            c.write(req)
            srv.answer(req, body)
            st, hd, ent = c.response()
            if ent != body:
                sys.exit("keyupdate: body of %s differs" % target)
            rows.append((a.capture, a.lport, "GET", target, st, "-", sha(ent),
                         "%s; s_server; %s" % (resp_note(hd, ent), what), ver, cipher, a.sni, "-"))
        # one POST at the end
        pbody = det_bin("pcapsift-tls-ku-post", 1200)
        req = request_bytes("POST", "/ku/post", a.sni, body=pbody)
        c.write(req)
        answer = json.dumps({"bytes": len(pbody), "sha256": hashlib.sha256(pbody).hexdigest()}).encode() + b"\n"
        srv.answer(req, answer, "application/json")
        st, hd, ent = c.response("POST")
        rows.append((a.capture, a.lport, "POST", "/ku/post", st, sha(pbody), sha(ent),
                     "req %d B, %s; s_server (the answer is written by the script)" % (len(pbody), resp_note(hd, ent)),
                     ver, cipher, a.sni, "-"))
        time.sleep(0.2)
        c.finish()
        hs = c.handshakes()
        sent = sum(1 for d, n in hs if d == ">>>" and n == "KeyUpdate")
        recv = sum(1 for d, n in hs if d == "<<<" and n == "KeyUpdate")
        log("keyupdate: client sent %d KeyUpdates, received %d" % (sent, recv))
        if sent != 5 or recv != 3:
            sys.exit("keyupdate: expected 5 KeyUpdates sent and 3 received, got %d / %d" % (sent, recv))
    finally:
        srv.kill()
    out_rows(a, rows)


def sc_reneg(a):
    """One TLS 1.2 connection to s_server: a client-initiated renegotiation
    (s_client 'R') and a server-initiated one (s_server 'r', HelloRequest)."""
    srv = SServer(a, a.port, ["-tls1_2", "-cipher", a.cipher, "-client_renegotiation"] + a.srv_extra)
    rows = []
    try:
        c = SClient(a, a.port, a.lport, a.keylog_prefix + ".1", a.keylog_prefix + ".1.msg", a.extra)
        ver, cipher = c.established()
        steps = [(None, "initial handshake"),
                 ("c:R", "after a client-initiated renegotiation (s_client 'R')"),
                 ("s:r", "after a server-initiated renegotiation (s_server 'r': HelloRequest)"),
                 (None, "same keys as the one before")]
        for n, (cmd, what) in enumerate(steps, 1):
            if cmd:
                side, letter = cmd.split(":")
                if side == "c":
                    c.command(letter)
                else:
                    srv.command(letter)
            target = "/reneg/%d.txt" % n
            body = det_text("pcapsift-tls-reneg-%d" % n, 700 + 400 * n)
            req = request_bytes("GET", target, a.sni)
            c.write(req)
            srv.answer(req, body)
            st, hd, ent = c.response()
            if ent != body:
                sys.exit("reneg: body of %s differs" % target)
            rows.append((a.capture, a.lport, "GET", target, st, "-", sha(ent),
                         "%s; s_server; %s" % (resp_note(hd, ent), what), ver, cipher, a.sni, "-"))
            time.sleep(0.3)
        c.finish()
        hs = c.handshakes()
        hellos = sum(1 for d, n in hs if d == ">>>" and n == "ClientHello")
        hreq = sum(1 for d, n in hs if d == "<<<" and n == "HelloRequest")
        log("reneg: client sent %d ClientHellos, got %d HelloRequests" % (hellos, hreq))
        if hellos != 3 or hreq != 1:
            sys.exit("reneg: expected 3 ClientHellos and 1 HelloRequest")
    finally:
        srv.kill()
    out_rows(a, rows)


def sc_early(a):
    """TLS 1.3 0-RTT to nginx: connection 1 gets a ticket; connection 2
    resumes it and sends a GET as early data (-early_data FILE) to a server
    that accepts (a.port2 == a.port) or rejects it (a.port2: early data off,
    same ticket key); then one more GET after the handshake."""
    rows = []
    k1 = a.keylog_prefix + ".1"
    s1 = a.keylog_prefix + ".sess1"
    c = SClient(a, a.port, a.lport, k1, k1 + ".msg", sess_out=s1)
    ver, cipher = c.established()
    st, hd, ent = c.get("/hello.txt", a.sni)
    rows.append((a.capture, a.lport, "GET", "/hello.txt", st, "-", sha(ent),
                 "%s; full handshake, gets the ticket" % resp_note(hd, ent), ver, cipher, a.sni, "-"))
    time.sleep(0.3)
    c.finish()
    time.sleep(0.2)
    early_req = request_bytes("GET", "/early.txt", a.sni)
    efile = a.keylog_prefix + ".early.req"
    with open(efile, "wb") as f:
        f.write(early_req)
    k2 = a.keylog_prefix + ".2"
    c = SClient(a, a.port2, a.lport + 1, k2, k2 + ".msg", sess_in=s1, early=efile)
    ver, cipher = c.established()
    if a.expect == "accepted":
        st, hd, ent = c.response()
        rows.append((a.capture, a.lport + 1, "GET", "/early.txt", st, "-", sha(ent),
                     "%s; sent as 0-RTT early data (s_client -early_data), accepted" % resp_note(hd, ent),
                     ver, cipher, a.sni, "-"))
    else:
        late = c.pending(1.5)
        if late:
            sys.exit("early: the server answered early data it should have rejected")
        rows.append((a.capture, a.lport + 1, "GET", "/early.txt", "-", "-", "-",
                     "sent as 0-RTT early data, REJECTED by the server (early data off there): "
                     "never answered; the client sends it again after the handshake (next row)",
                     ver, cipher, a.sni, "-"))
        c.write(early_req)
        st, hd, ent = c.response()
        rows.append((a.capture, a.lport + 1, "GET", "/early.txt", st, "-", sha(ent),
                     "%s; the rejected early request sent again as 1-RTT data" % resp_note(hd, ent),
                     ver, cipher, a.sni, "-"))
    st, hd, ent = c.get("/hello.txt", a.sni)
    rows.append((a.capture, a.lport + 1, "GET", "/hello.txt", st, "-", sha(ent),
                 "%s; after the handshake" % resp_note(hd, ent), ver, cipher, a.sni, "-"))
    time.sleep(0.2)
    c.finish()
    hs = c.handshakes()
    eoed = any(n == "EndOfEarlyData" for d, n in hs)
    cert = server_sent_cert(hs)
    log("early: connection 2 %s, EndOfEarlyData %s" % ("full" if cert else "resumed", eoed))
    if cert:
        sys.exit("early: connection 2 did not resume")
    if eoed != (a.expect == "accepted"):
        sys.exit("early: early data was not %s" % a.expect)
    out_rows(a, rows)


def cmd_ossl(a):
    a.extra = a.extra.split() if a.extra else []
    a.srv_extra = a.srv_extra.split() if a.srv_extra else []
    {"resume": sc_resume, "keyupdate": sc_keyupdate, "reneg": sc_reneg,
     "early": sc_early}[a.scenario](a)


# --------------------------------------------------------------------------
# pipelining client (Python ssl)

def cmd_pipeline(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(a.cipher)
    ctx.keylog_filename = a.keylog
    ctx.set_alpn_protocols(["http/1.1"])
    raw = socket.create_connection((a.server, a.port), source_address=(a.source, a.local_port))
    s = ctx.wrap_socket(raw, server_hostname=a.sni)
    ver, cipher = norm_version(s.version()), iana(s.cipher()[0])
    alpn = s.selected_alpn_protocol() or "-"
    reqs = [("GET", "/hello.txt", b""), ("GET", "/blob.bin", b""), ("HEAD", "/index.html", b""),
            ("GET", "/lorem.txt", b"Accept-Encoding: gzip\r\n"), ("GET", "/missing.txt", b""),
            ("GET", "/index.html", b""), ("GET", "/hello.txt", b"Connection: close\r\n")]
    data = b"".join(request_bytes(m, t, a.sni, x) for m, t, x in reqs)
    s.sendall(data)     # one write: one TLS record, one TCP segment
    r = Reader(lambda: s.recv(65536))
    rows = []
    for m, t, x in reqs:
        st, hd, ent = read_response(r, m)
        note = resp_note(hd, ent)
        if m == "HEAD":
            note += ", Content-Length: %s" % hget(hd, "content-length")
        rows.append((a.capture, a.local_port, m, t, st, "-", sha(ent),
                     "%s; pipelined: all %d requests in one TLS record" % (note, len(reqs)),
                     ver, cipher, a.sni, alpn))
    try:
        s.unwrap()
    except (ssl.SSLError, OSError):
        pass
    s.close()
    log("pipeline: %d requests in one %d-byte write" % (len(reqs), len(data)))
    out_rows(a, rows)


# --------------------------------------------------------------------------
# curl

def parse_trace(path):
    """curl --trace: per connection-level info and per request the header and
    body bytes sent; the order of "== Info: SSL connection using" lines."""
    reqs, infos = [], []
    cur = None
    for line in open(path, encoding="latin-1"):
        m = re.match(r"^(=> Send header|=> Send data|<= Recv header|<= Recv data|== Info: (.*)"
                     r"|=> Send SSL data|<= Recv SSL data)", line)
        if m:
            cur = m.group(1)
            if m.group(2) is not None:
                infos.append((len(reqs), m.group(2).strip()))
                cur = "info"
            elif cur == "=> Send header":
                if not reqs or reqs[-1]["body"] or reqs[-1]["resp"]:
                    reqs.append({"head": bytearray(), "body": bytearray(), "resp": bytearray()})
            continue
        m = re.match(r"^[0-9a-f]{4,}: ", line)
        if not m or not reqs:
            continue
        data = bytes.fromhex("".join(line[m.end():m.end() + 48].split()))
        key = {"=> Send header": "head", "=> Send data": "body", "<= Recv header": "resp"}.get(cur)
        if key:
            reqs[-1][key] += data
    return reqs, infos


def cmd_curlrows(a):
    """-w lines: local_port, method, url_effective, response_code,
    filename_effective, num_connects, http_version."""
    reqs, infos = parse_trace(a.trace)
    lines = [l.rstrip("\n") for l in open(a.wout) if l.strip()]
    if len(reqs) != len(lines):
        sys.exit("curlrows: %d transfers, %d requests in the trace" % (len(lines), len(reqs)))
    notes = a.note or []
    ver = cipher = alpn = "-"
    for i, line in enumerate(lines):
        port, method, url, code, path, nconn, hver = line.split("\t")[:7]
        for at, text in infos:
            if at > i:
                break
            m = re.match(r"SSL connection using (\S+) / (\S+)", text)
            if m:
                ver, cipher = norm_version(m.group(1)), iana(m.group(2))
            m = re.match(r"ALPN[:,] server accepted (?:to use )?(\S+)", text)
            if m:
                alpn = m.group(1)
            if re.match(r"ALPN[:,] server did not agree", text):
                alpn = "-"
        m = re.match(r"^https://([^/:\[\]]+|\[[^\]]+\])(?::\d+)?(/.*)?$", url)
        host, target = m.group(1), (m.group(2) or "/")
        sni = "-" if re.fullmatch(r"[\d.]+|\[.*\]", host) else host
        body = open(path, "rb").read() if path and os.path.exists(path) else b""
        req = bytes(reqs[i]["body"])
        head = reqs[i]["head"].decode("latin-1")
        resp = reqs[i]["resp"].decode("latin-1")
        parts = []
        if req:
            ct = re.search(r"(?im)^content-type: *([^;\r\n]*)", head)
            parts.append("req %d B%s" % (len(req), (", req Content-Type: " + ct.group(1)) if ct else ""))
        parts.append("resp %d B" % len(body))
        for h in ("transfer-encoding", "content-encoding"):
            hm = re.search(r"(?im)^%s: *([^\r\n]*)" % h, resp)
            if hm:
                parts.append("%s: %s" % (h.title(), hm.group(1)))
        if hver == "2":
            parts.append("HTTP/2")
        note = ", ".join(parts)
        if i < len(notes) and notes[i]:
            note += "; " + notes[i]
        print(row(a.capture, port, method, target, code, sha(req), sha(body), note,
                  ver, cipher, sni, alpn))


# --------------------------------------------------------------------------
# Chromium NetLog

def cmd_netlog(a):
    d = json.load(open(a.netlog))
    c = d["constants"]
    et = {v: k for k, v in c["logEventTypes"].items()}
    reqs, job_socket, socket_port, socket_tls = {}, {}, {}, {}
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
        if t == "SSL_CONNECT" and e["phase"] == 2 and "cipher_suite" in p:
            socket_tls[sid] = (p.get("version", "-"), p["cipher_suite"], p.get("next_proto", "-"))
    done = sorted((r for r in reqs.values() if r["sent"] is not None), key=lambda r: (r["sent"], r["id"]))
    cut = [r["line"] for r in done if r["status"] is None]
    if cut:
        print("netlog: requests sent whose response Chromium did not read: %s" % cut, file=sys.stderr)
        sys.exit(3)
    used = set()
    for r in done:
        sock = job_socket[r["job"]]
        used.add(sock)
        port = socket_port[sock]
        ver, code, alpn = socket_tls.get(sock, ("-", 0, "-"))
        method, target = r["line"].split()[:2]
        hs = [h.split(":", 1) for h in r["headers"][1:] if ":" in h]
        hd = [(k.strip().lower(), v.strip()) for k, v in hs]
        host = re.match(r"https://([^/:]+)", r["url"]).group(1)
        print(row(a.capture, port, method, target, r["status"], "-", sha(r["body"]),
                  resp_note(hd, r["body"]) + "; Chromium", norm_version(ver), iana_by_code(code),
                  host, alpn or "-"))
    # connections Chromium opened (preconnect) and never sent a request on
    for sock in sorted(set(socket_port) - used, key=lambda k: socket_port[k]):
        ver, code, alpn = socket_tls.get(sock, ("-", 0, "-"))
        print(row(a.capture, socket_port[sock], "TLS", a.server, "-", "-", "-",
                  "a connection Chromium opened and never sent a request on (handshake %s)"
                  % ("completed" if code else "not completed"),
                  norm_version(ver), iana_by_code(code) if code else "-", a.sni, alpn or "-"))


# --------------------------------------------------------------------------
# classic pcap reading (Ethernet, IPv4/IPv6, TCP)

def pcap_packets(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = ">"
    else:
        raise ValueError("%s: not a classic pcap" % path)
    at, n = 24, 0
    while at + 16 <= len(data):
        incl = struct.unpack_from(order + "I", data, at + 8)[0]
        pkt = data[at + 16:at + 16 + incl]
        at += 16 + incl
        n += 1
        yield n, tcp_of(pkt)


def tcp_of(pkt):
    """(src, sport, dst, dport, seq, flags, payload) or None."""
    if len(pkt) < 14:
        return None
    etype = struct.unpack_from(">H", pkt, 12)[0]
    off = 14
    if etype == 0x0800:
        ihl = (pkt[off] & 15) * 4
        total, proto = struct.unpack_from(">H", pkt, off + 2)[0], pkt[off + 9]
        if proto != 6:
            return None
        src, dst = socket.inet_ntop(socket.AF_INET, pkt[off + 12:off + 16]), \
            socket.inet_ntop(socket.AF_INET, pkt[off + 16:off + 20])
        t, end = off + ihl, off + total
    elif etype == 0x86DD:
        plen, nxt = struct.unpack_from(">HB", pkt, off + 4)
        if nxt != 6:
            return None
        src, dst = socket.inet_ntop(socket.AF_INET6, pkt[off + 8:off + 24]), \
            socket.inet_ntop(socket.AF_INET6, pkt[off + 24:off + 40])
        t, end = off + 40, off + 40 + plen
    else:
        return None
    sport, dport, seq = struct.unpack_from(">HHI", pkt, t)
    doff = (pkt[t + 12] >> 4) * 4
    return src, sport, dst, dport, seq, pkt[t + 13], pkt[t + doff:end]


def syn_ports(path):
    """Client ports in the order of each connection's first packet."""
    seen, order = set(), []
    for _, seg in pcap_packets(path):
        if seg is None:
            continue
        src, sport, dst, dport, seq, flags, pl = seg
        key = frozenset(((src, sport), (dst, dport)))
        if key in seen:
            continue
        seen.add(key)
        if flags & 0x12 != 0x02:
            sys.exit("finalize: %s: a connection starts without a SYN" % path)
        order.append(sport)
    return order


def cmd_finalize(a):
    ports = syn_ports(a.pcap)
    order = {p: i + 1 for i, p in enumerate(ports)}
    rows = [l.rstrip("\n").split("\t") for l in open(a.rows) if l.strip()]
    used = []
    for r in rows:
        p = int(r[1])
        if p not in order:
            sys.exit("finalize: %s: client port %d is not a connection in the capture (%s)"
                     % (a.pcap, p, ports))
        if p not in used:
            used.append(p)
        r[1] = str(order[p])
    if a.sequential and used != ports:
        sys.exit("finalize: %s: clients used ports %s, the capture has %s" % (a.pcap, used, ports))
    if set(used) != set(ports):
        sys.exit("finalize: %s: connections without a row: %s" % (a.pcap, set(ports) - set(used)))
    for r in rows:
        print("\t".join(r))


# --------------------------------------------------------------------------
# holes: which TLS records of the server's stream lost bytes

def cmd_holes(a):
    """From the complete capture and the drop_packets.py report, say which
    TLS records (numbered from 1 in the server->client stream, handshake
    records included) the deleted segments cut."""
    segs = {}
    isn = None
    for n, seg in pcap_packets(a.full):
        if seg is None:
            continue
        src, sport, dst, dport, seq, flags, pl = seg
        if sport != a.port:
            continue
        if flags & 0x02:
            isn = seq
            continue
        if pl:
            segs.setdefault((seq - isn - 1) & 0xFFFFFFFF, pl)
    stream = bytearray()
    for off in sorted(segs):
        pl = segs[off]
        if off + len(pl) > len(stream):
            stream[off:off + len(pl)] = pl
    records = []
    at = 0
    while at + 5 <= len(stream):
        typ, ver, ln = struct.unpack_from(">BHH", stream, at)
        records.append((at, typ, ln))
        at += 5 + ln
    out = []
    for line in open(a.report):
        m = re.search(r"frame (\d+) .* seq (\d+) len (\d+)", line)
        if not m:
            continue
        frame, s0, ln = int(m.group(1)), int(m.group(2)) - 1, int(m.group(3))
        hit = [i + 1 for i, (off, typ, rl) in enumerate(records) if off < s0 + ln and off + 5 + rl > s0]
        desc = ", ".join("record %d (type %d, bytes %d..%d)" % (i, records[i - 1][1], records[i - 1][0],
                                                               records[i - 1][0] + 5 + records[i - 1][2])
                         for i in hit)
        out.append("frame %d: server stream bytes %d..%d (%d B) lost; cuts %s"
                   % (frame, s0, s0 + ln, ln, desc))
    with open(a.out, "w") as f:
        f.write("# TLS records of the server->client stream (offsets from the first byte after the SYN)\n")
        f.write("# hit by the segments deleted from the capture; %d records in the stream\n" % len(records))
        for o in out:
            f.write(o + "\n")


# --------------------------------------------------------------------------
# tshark tables and checks

def tshark(pcap, keys, dfilter, fields, extra=()):
    cmd = ["tshark", "-n", "-r", pcap, "-o", "tcp.reassemble_out_of_order:TRUE"]
    if keys:
        cmd += ["-o", "tls.keylog_file:" + keys]
    cmd += list(extra) + ["-Y", dfilter, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x01"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def split_multi(rows):
    out = []
    for r in rows:
        cols = [c.split("\x01") for c in r]
        n = max(len(c) for c in cols)
        for i in range(n):
            out.append(tuple(c[i] if len(c) == n else c[0] for c in cols))
    return out


def tls_streams(pcap, keys, extra):
    """Per tcp.stream: client port, SNI, version, cipher, ALPN."""
    info = {}
    for s, sp, dp, syn in tshark(pcap, None, "tcp.flags.syn==1 && tcp.flags.ack==0",
                                 ["tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn"], extra):
        info.setdefault(int(s), {"port": sp, "sni": "-", "ver": "-", "cipher": "-", "alpn": "-",
                                 "hellos": 0})
    for s, sni in tshark(pcap, keys, "tls.handshake.type==1", ["tcp.stream",
                                                               "tls.handshake.extensions_server_name"], extra):
        d = info[int(s)]
        d["hellos"] += len(s.split("\x01"))
        if d["sni"] == "-" and sni:
            d["sni"] = sni.split("\x01")[0]
    for s, hv, sv, cs in tshark(pcap, keys, "tls.handshake.type==2",
                                ["tcp.stream", "tls.handshake.version", "tls.handshake.extensions.supported_version",
                                 "tls.handshake.ciphersuite"], extra):
        d = info[int(s)]
        if d["ver"] == "-":
            v = (sv or hv).split("\x01")[0]
            d["ver"] = {"0x0304": "TLSv1.3", "0x0303": "TLSv1.2"}.get(v, v)
            d["cipher"] = "0x%04x" % int(cs.split("\x01")[0], 0)
    for s, alpn in tshark(pcap, keys, "(tls.handshake.type==2 || tls.handshake.type==8) && "
                          "tls.handshake.extensions_alpn_str",
                          ["tcp.stream", "tls.handshake.extensions_alpn_str"], extra):
        info[int(s)]["alpn"] = alpn.split("\x01")[0]
    return info


def requests_by_stream(pcap, keys, extra):
    """[(stream, method, uri, frame)] for HTTP/1.x and HTTP/2 requests, and
    {request frame: status} from the responses."""
    reqs = [(int(s), m, u, int(f)) for s, m, u, f in
            split_multi(tshark(pcap, keys, "http.request", ["tcp.stream", "http.request.method",
                                                            "http.request.uri", "frame.number"], extra))]
    resp = {}
    for s, c, rin in split_multi(tshark(pcap, keys, "http.response", ["tcp.stream", "http.response.code",
                                                                      "http.request_in"], extra)):
        if rin:
            resp.setdefault(int(rin), c)
    # HTTP/2: HEADERS with :method (client) and :status (server), by stream id
    h2 = []
    rows = tshark(pcap, keys, "http2.type==1", ["tcp.stream", "http2.streamid", "http2.type",
                                                "http2.header.name", "http2.header.value",
                                                "frame.number"], extra)
    status = {}
    for r in rows:
        s, sids, types, names, values, f = r
        # streamid and type occur once per HTTP/2 frame: the stream ids of
        # the HEADERS frames, in order
        sids = [i for i, t in zip(sids.split("\x01"), types.split("\x01")) if t == "1"]
        names, values = names.split("\x01"), values.split("\x01")
        # one frame may hold several HEADERS frames; split headers by the
        # appearance of the pseudo-header that starts a block
        cur = {}
        blocks = []
        for n, v in zip(names, values):
            if n in (":method", ":status") and cur:
                blocks.append(cur)
                cur = {}
            cur[n] = v
        if cur:
            blocks.append(cur)
        for i, b in enumerate(blocks):
            sid = sids[min(i, len(sids) - 1)]
            if ":method" in b:
                h2.append((int(s), b[":method"], b.get(":path", "-"), int(f), sid))
            elif ":status" in b:
                status.setdefault((int(s), sid), b[":status"])
    for s, m, p, f, sid in h2:
        reqs.append((s, m, p, f))
        resp[f] = status.get((s, sid), "-")
    reqs.sort(key=lambda x: (x[3], x[0]))
    return reqs, resp


def follow_tls(pcap, keys, stream, extra, client_port):
    """Decrypted application data of one TCP stream, as tshark's follow
    gives it: (client bytes, server bytes).  Untabbed lines are node 0's,
    the side whose decrypted data comes first (in TLS 1.3 often the server,
    with its NewSessionTicket)."""
    cmd = ["tshark", "-n", "-r", pcap, "-o", "tcp.reassemble_out_of_order:TRUE"]
    if keys:
        cmd += ["-o", "tls.keylog_file:" + keys]
    cmd += list(extra) + ["-q", "-z", "follow,tls,raw,%d" % stream]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    node0 = re.search(r"(?m)^Node 0: (.*)$", text)
    node0_is_client = bool(node0) and node0.group(1).endswith(":%s" % client_port)
    n0, n1 = bytearray(), bytearray()
    for line in text.splitlines():
        h = line.strip()
        if not h or not re.fullmatch(r"[0-9a-f]+", h):
            continue
        (n1 if line.startswith("\t") else n0).extend(bytes.fromhex(h))
    return (bytes(n0), bytes(n1)) if node0_is_client else (bytes(n1), bytes(n0))


def parse_http_streams(cli, srv, want):
    """Parse the decrypted streams of one connection along the manifest rows
    want: [(method, target, req sha, status, resp sha)] as found."""
    feed = lambda data: iter([data, b""])
    rc, rs = Reader(feed(cli).__next__), Reader(feed(srv).__next__)
    got = []
    for method, target, _, status, _ in want:
        first, headers = read_head(rc)
        m, t = first.split()[:2]
        body = read_body(rc, headers)
        if status == "-":       # rejected early data: never answered
            got.append((m, t, sha(body), "-", "-"))
            continue
        st, hd, ent = read_response(rs, m)
        got.append((m, t, sha(body), str(st), sha(ent)))
        if st == 101:
            break
    return got


def cmd_tshark(a):
    """Writes rows for tshark.tsv and tshark_http.tsv for one capture and
    compares with the manifest rows of that capture.  Exit 0 when equal,
    2 when tshark decrypted fewer requests than the client made (the caller
    decides whether that is known), 1 on any other mismatch."""
    pcap, cap = a.pcap, a.capture
    keys = a.keys if a.keys and os.path.exists(a.keys) else None
    extra = []
    for d in a.decode_as or []:
        extra += ["-d", d]
    info = tls_streams(pcap, keys, extra)
    reqs, resp = requests_by_stream(pcap, keys, extra)
    first = None
    if a.first_keys:
        first_reqs, _ = requests_by_stream(pcap, a.first_keys, extra)
        first = {}
        for s, *_ in first_reqs:
            first[s] = first.get(s, 0) + 1
    count = {}
    for s, *_ in reqs:
        count[s] = count.get(s, 0) + 1
    with open(a.tls_out, "a") as f:
        for s in sorted(info):
            d = info[s]
            f.write(row(cap, s, d["port"], d["sni"], d["ver"], d["cipher"], d["alpn"], count.get(s, 0),
                        ("%d" % first.get(s, 0)) if first is not None else "-") + "\n")
    with open(a.http_out, "a") as f:
        for s, m, u, fr in reqs:
            f.write(row(cap, s, m, u, resp.get(fr, "-")) + "\n")
    # compare with the manifest
    man = [l.rstrip("\n").split("\t") for l in open(a.manifest) if l.startswith(cap + "\t")]
    want = [(int(r[1]) - 1, r[2], r[3], r[4]) for r in man if r[2] not in ("WS", "TLS")]
    got = [(s, m, u, resp.get(fr, "-")) for s, m, u, fr in reqs]
    wtls = {}
    for r in man:
        wtls.setdefault(int(r[1]) - 1, (r[8], r[9], r[10], r[11]))
    bad = []
    for s, (ver, cipher, sni, alpn) in wtls.items():
        d = info.get(s)
        if d is None:
            bad.append("no TLS connection %d" % s)
            continue
        if d["ver"] != ver:
            bad.append("stream %d: tshark version %s, client %s" % (s, d["ver"], ver))
        if d["cipher"] == "-" or iana_by_code(int(d["cipher"], 16)) != cipher:
            bad.append("stream %d: tshark cipher %s, client %s" % (s, d["cipher"], cipher))
        if d["sni"] != sni:
            bad.append("stream %d: tshark SNI %s, client %s" % (s, d["sni"], sni))
        if d["alpn"] != alpn:
            bad.append("stream %d: tshark ALPN %s, client %s" % (s, d["alpn"], alpn))
    if bad:
        print("tshark: %s: %s" % (cap, "; ".join(bad)), file=sys.stderr)
        sys.exit(1)
    # 1. the requests (stream, method, target) tshark's HTTP dissectors find
    wreq = sorted(w[:3] for w in want)
    greq = sorted(g[:3] for g in got)
    if wreq != greq:
        print("tshark: %s: requests decrypted %s, the client made %s" % (cap, greq, wreq), file=sys.stderr)
        sys.exit(3)
    problems = []
    # 2. the statuses tshark pairs with them
    if sorted(got) != sorted(want):
        problems.append("tshark pairs statuses %s, the client got %s"
                        % ([g for g in got if g not in want], [w for w in want if w not in got]))
    # 3. the decrypted byte streams (tshark's follow,tls), parsed by this
    # file's own HTTP/1.x reader: the same bodies as the client's
    for s in sorted({w[0] for w in want}):
        if info.get(s, {}).get("alpn") == "h2":
            continue
        mrows = [(r[2], r[3], r[5], r[4], r[6]) for r in man
                 if int(r[1]) - 1 == s and r[2] not in ("WS", "TLS")]
        cli, srv = follow_tls(pcap, keys, s, extra, info[s]["port"])
        try:
            parsed = parse_http_streams(cli, srv, mrows)
        except (EOFError, ValueError, IndexError, zlib.error, OSError) as e:
            parsed = "unparsable (%s; %d/%d bytes decrypted)" % (e, len(cli), len(srv))
        if parsed != mrows:
            problems.append("stream %d decrypted by tshark: %s, the client: %s" % (s, parsed, mrows))
    if not problems:
        print("tshark: %s: %d requests decrypted, statuses and bodies as the client's" % (cap, len(got)),
              file=sys.stderr)
        return
    print("tshark: %s: all %d requests decrypted, but: %s" % (cap, len(got), "; ".join(problems))[:3000],
          file=sys.stderr)
    sys.exit(2)


def hs_types(pcap, keys, dfilter="tls.handshake.type"):
    """[(tcp.stream, [handshake types in order])] per frame."""
    out = []
    for st, types in tshark(pcap, keys, dfilter, ["tcp.stream", "tls.handshake.type"]):
        out.append((int(st), [int(t) for t in types.split("\x01") if t]))
    return out


def count_types(pcap, keys, t, stream=None):
    return sum(ts.count(t) for st, ts in hs_types(pcap, keys) if stream is None or st == stream)


def frames(pcap, keys, dfilter, field="frame.number"):
    return [r[0] for r in tshark(pcap, keys, dfilter, [field])]


def cmd_features(a):
    """Checks, with tshark and the key logs, that each capture holds the TLS
    feature its scenario is about."""
    d = a.dir
    bad = []

    def need(cond, msg):
        if not cond:
            bad.append(msg)
        else:
            log("features: " + msg + ": yes")

    def K(name):
        return os.path.join(d, name + ".keys")

    def P(name):
        return os.path.join(d, name + ".pcap")

    caps = sorted(f[:-5] for f in os.listdir(d) if f.endswith(".pcap") and not f.endswith(".nokeys.pcap"))
    sh_ext = lambda name, ext: len(frames(P(name), K(name),
                                          "tls.handshake.type==2 && tls.handshake.extension.type==%d" % ext))
    for c in caps:
        if c.startswith("tls12-") and "cbc" in c:
            etm = sh_ext(c, 22)
            need((etm == 0) == c.endswith("-noetm"),
                 "%s: ServerHello %s encrypt_then_mac" % (c, "without" if c.endswith("-noetm") else "with"))
        if c.startswith("tls12-"):
            ems = sh_ext(c, 23)
            need((ems == 0) == c.endswith("-noems"),
                 "%s: ServerHello %s extended_master_secret" % (c, "without" if c.endswith("-noems") else "with"))
        if c.startswith("resume-"):
            certs = sorted({st for st, ts in hs_types(P(c), K(c)) if 11 in ts})
            hellos = sorted({st for st, ts in hs_types(P(c), K(c)) if 1 in ts})
            need(certs == [0] and hellos == [0, 1, 2],
                 "%s: 3 connections, a Certificate only in the first (streams with one: %s)" % (c, certs))
    c = "keyupdate"
    n = count_types(P(c), K(c), 24)
    need(n == 8, "%s: 8 KeyUpdate messages decrypted (found %d)" % (c, n))
    c = "renegotiation"
    need(count_types(P(c), K(c), 1) == 3 and count_types(P(c), K(c), 0) == 1,
         "%s: 3 ClientHellos and 1 HelloRequest decrypted" % c)
    c = "hrr"
    need(count_types(P(c), K(c), 1) == 2 and count_types(P(c), K(c), 2) == 2,
         "%s: 2 ClientHellos and 2 ServerHellos (HelloRetryRequest + ServerHello)" % c)
    for c, acc in (("early-data-accepted", True), ("early-data-rejected", False)):
        ch = frames(P(c), K(c), "tcp.stream==1 && tls.handshake.type==1 && tls.handshake.extension.type==42")
        ee = frames(P(c), K(c), "tcp.stream==1 && tls.handshake.type==8 && tls.handshake.extension.type==42")
        eoed = count_types(P(c), K(c), 5, 1)
        need(len(ch) == 1 and (len(ee) == 1) == acc and (eoed == 1) == acc,
             "%s: early_data offered, %s (EncryptedExtensions early_data %d, EndOfEarlyData %d)"
             % (c, "accepted" if acc else "rejected", len(ee), eoed))
    c = "tls12-pipeline"
    segs = frames(P(c), K(c), "tcp.srcport==%d && tls.record.content_type==23" % a.pipeline_port)
    reqs = tshark(P(c), K(c), "http.request", ["frame.number"])
    need(len(segs) == 1 and len(reqs) == 1,
         "%s: all requests in one client TLS record in one TCP segment (%d app-data frames)" % (c, len(segs)))
    c = "wss"
    ws = sum(len(r[0].split("\x01")) for r in tshark(P(c), K(c), "websocket", ["websocket.opcode"]))
    need(ws == a.ws_frames, "%s: %d WebSocket frames decrypted (found %d)" % (c, a.ws_frames, ws))
    c = "h2"
    h2 = frames(P(c), K(c), "http2.type==1")
    need(len(h2) >= 2, "%s: HTTP/2 HEADERS frames decrypted" % c)
    v6 = frames(P("ipv6-8443"), None, "ipv6 && tcp.flags.syn==1 && tcp.port==8443")
    need(len(v6) >= 2, "ipv6-8443: IPv6 connections to port 8443")
    if bad:
        for b in bad:
            log("features: MISSING: " + b)
        sys.exit(1)


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("gen")
    p.add_argument("kind", choices=("bin", "text"))
    p.add_argument("tag")
    p.add_argument("size", type=int)
    p.add_argument("out")
    p = sub.add_parser("upstream")
    p.add_argument("--bind", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p = sub.add_parser("ossl")
    p.add_argument("scenario", choices=("resume", "keyupdate", "reneg", "early"))
    p.add_argument("--capture", required=True)
    p.add_argument("--ns", required=True)
    p.add_argument("--srv-ns")
    p.add_argument("--server", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--sni", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--port2", type=int)
    p.add_argument("--lport", type=int, required=True)
    p.add_argument("--keylog-prefix", required=True)
    p.add_argument("--srv-keylog", default=os.devnull)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--conns", type=int, default=3)
    p.add_argument("--how", default="")
    p.add_argument("--extra", default="")
    p.add_argument("--srv-extra", default="")
    p.add_argument("--ciphersuites", default="TLS_AES_256_GCM_SHA384")
    p.add_argument("--cipher", default="ECDHE-RSA-AES128-GCM-SHA256")
    p.add_argument("--expect", choices=("accepted", "rejected"), default="accepted")
    p = sub.add_parser("pipeline")
    p.add_argument("--capture", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, default=443)
    p.add_argument("--source", required=True)
    p.add_argument("--local-port", type=int, required=True)
    p.add_argument("--sni", required=True)
    p.add_argument("--cipher", required=True)
    p.add_argument("--keylog", required=True)
    p = sub.add_parser("curlrows")
    p.add_argument("--capture", required=True)
    p.add_argument("--wout", required=True)
    p.add_argument("--trace", required=True)
    p.add_argument("--note", action="append")
    p = sub.add_parser("netlog")
    p.add_argument("--capture", required=True)
    p.add_argument("--server", required=True)
    p.add_argument("--sni", required=True)
    p.add_argument("netlog")
    p = sub.add_parser("finalize")
    p.add_argument("--sequential", action="store_true")
    p.add_argument("pcap")
    p.add_argument("rows")
    p = sub.add_parser("holes")
    p.add_argument("--full", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("tshark")
    p.add_argument("--capture", required=True)
    p.add_argument("--pcap", required=True)
    p.add_argument("--keys")
    p.add_argument("--first-keys")
    p.add_argument("--manifest", required=True)
    p.add_argument("--tls-out", required=True)
    p.add_argument("--http-out", required=True)
    p.add_argument("--decode-as", action="append")
    p = sub.add_parser("features")
    p.add_argument("--dir", required=True)
    p.add_argument("--pipeline-port", type=int, required=True)
    p.add_argument("--ws-frames", type=int, required=True)
    a = ap.parse_args()
    if a.cmd == "ossl" and not a.srv_ns:
        a.srv_ns = a.ns
    {"gen": cmd_gen, "upstream": cmd_upstream, "ossl": cmd_ossl, "pipeline": cmd_pipeline,
     "curlrows": cmd_curlrows, "netlog": cmd_netlog, "finalize": cmd_finalize,
     "holes": cmd_holes, "tshark": cmd_tshark, "features": cmd_features}[a.cmd](a)


if __name__ == "__main__":
    main()
