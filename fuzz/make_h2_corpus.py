#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates the seeds of the h2 fuzz target (python3 stdlib; tshark for
the decrypted capture, which is skipped without it).

    python3 fuzz/make_h2_corpus.py [OUTDIR]

OUTDIR (default: fuzz/corpus/h2) gets seed-* files in the script form of
fuzz_h2.c (see its header comment); what fuzzing adds is named by its
SHA-1, as in the other corpora. The seeds:

  seed-conn-*     the connection of tests/unit/test_h2.c built again here:
                  preface, SETTINGS, HEADERS with CONTINUATION, PRIORITY,
                  DATA with PADDED, PUSH_PROMISE, RST_STREAM, GOAWAY; whole,
                  in small runs, and with gaps inside a DATA payload and
                  over a frame header
  seed-messages   a 103, trailers each way, CONNECT, extended CONNECT
                  (RFC 8441), RST_STREAM, GOAWAY
  seed-long-resync
                  a gap over a frame header and 70 000 bytes without a
                  frame before the next ones (the resync hold overflows)
  seed-rfc7541-*  every header block of RFC 7541 Appendix C as HEADERS (C.3
                  and C.4 requests from the client; C.5 and C.6 responses
                  from the server with a 256-byte table: SETTINGS, the ACK,
                  a size update first)
  seed-real-*     the HTTP/2 connections of testdata/tls/real/h2.pcap and
                  testdata/h2/real/ (decrypted with their key logs, or h2c
                  by prior knowledge) from tshark -z follow, both
                  directions in capture order, cut at 32 KiB
  seed-upgrade    an h2c upgrade (HTTP2-Settings, then the server's frames)
  seed-hostile-*  a HEADERS flood of 10000 streams; a CONTINUATION chain
                  that never ends; a frame header claiming 2^24 - 1 bytes;
                  HPACK integers past 32 bits; a dynamic table size update
                  to 2^32 - 1; SETTINGS_HEADER_TABLE_SIZE of 2^32 - 1 acked,
                  then a size update to 1 MiB and 4000 literals with
                  incremental indexing

Header blocks are encoded here (static table, incremental indexing, no
Huffman), apart from RFC 7541's own.
"""
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, \
    WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIO = 1, 1, 4, 8, 0x20

# --- the script form of fuzz_h2.c ------------------------------------------

CFG_PREFACE, CFG_UPGRADE = 1, 8
C, S = 0, 1
RUN_GAP, RUN_WIDE, RUN_BIG = 2, 4, 8


class Script:
    def __init__(self, cfg=CFG_PREFACE):
        self.out = bytearray([cfg])

    def send(self, d, data, run=65535):
        for i in range(0, len(data), run):
            part = data[i:i + run]
            if len(part) < 256:
                self.out += bytes([d, len(part)]) + part
            else:
                self.out += bytes([d | RUN_WIDE]) + struct.pack(">H",
                                                                len(part))
                self.out += part

    def gap(self, d, n):
        while n > 0:
            if n >= 4096:
                k = min(n >> 12, 65535)
                self.out += bytes([d | RUN_GAP | RUN_WIDE | RUN_BIG])
                self.out += struct.pack(">H", k)
                n -= k << 12
            else:
                self.out += bytes([d | RUN_GAP | RUN_WIDE])
                self.out += struct.pack(">H", n)
                n = 0


def frame(ftype, flags, stream, payload=b""):
    n = len(payload)
    return struct.pack(">BHBBI", n >> 16, n & 0xFFFF, ftype, flags,
                       stream) + payload


def settings(*pairs, ack=False):
    if ack:
        return frame(SETTINGS, ACK, 0)
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", i, v)
                                           for i, v in pairs))


# --- HPACK (RFC 7541 §5, §6), without Huffman -------------------------------

STATIC = [
    (":authority", ""), (":method", "GET"), (":method", "POST"),
    (":path", "/"), (":path", "/index.html"), (":scheme", "http"),
    (":scheme", "https"), (":status", "200"), (":status", "204"),
    (":status", "206"), (":status", "304"), (":status", "400"),
    (":status", "404"), (":status", "500"), ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"), ("accept-language", ""),
    ("accept-ranges", ""), ("accept", ""),
    ("access-control-allow-origin", ""), ("age", ""), ("allow", ""),
    ("authorization", ""), ("cache-control", ""),
    ("content-disposition", ""), ("content-encoding", ""),
    ("content-language", ""), ("content-length", ""),
    ("content-location", ""), ("content-range", ""), ("content-type", ""),
    ("cookie", ""), ("date", ""), ("etag", ""), ("expect", ""),
    ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
    ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""),
    ("if-unmodified-since", ""), ("last-modified", ""), ("link", ""),
    ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
    ("proxy-authorization", ""), ("range", ""), ("referer", ""),
    ("refresh", ""), ("retry-after", ""), ("server", ""),
    ("set-cookie", ""), ("strict-transport-security", ""),
    ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""),
    ("via", ""), ("www-authenticate", ""),
]


def hint(v, prefix, pattern):
    m = (1 << prefix) - 1
    if v < m:
        return bytes([pattern | v])
    out = bytearray([pattern | m])
    v -= m
    while v >= 128:
        out.append(0x80 | (v & 0x7F))
        v >>= 7
    out.append(v)
    return bytes(out)


def hstr(s):
    b = s.encode() if isinstance(s, str) else s
    return hint(len(b), 7, 0) + b


class Encoder:
    """Static and dynamic table references, incremental indexing."""

    def __init__(self, size=4096):
        self.size, self.table = size, []

    def used(self):
        return sum(len(n) + len(v) + 32 for n, v in self.table)

    def add(self, n, v):
        self.table.insert(0, (n, v))
        while self.used() > self.size:
            self.table.pop()

    def block(self, fields, update=None):
        out = bytearray()
        if update is not None:
            out += hint(update, 5, 0x20)
            self.size = update
            while self.used() > self.size:
                self.table.pop()
        for n, v in fields:
            every = STATIC + self.table
            if (n, v) in every:
                out += hint(every.index((n, v)) + 1, 7, 0x80)
                continue
            names = [e[0] for e in every]
            if n in names:
                out += hint(names.index(n) + 1, 6, 0x40) + hstr(v)
            else:
                out += b"\x40" + hstr(n) + hstr(v)
            self.add(n, v)
        return bytes(out)


def req(method, path, extra=()):
    return [(":method", method), (":scheme", "https"), (":path", path),
            (":authority", "example.com")] + list(extra)


# --- seeds ------------------------------------------------------------------


def conn_bytes():
    """Both directions of test_h2.c's connection; where DATA 3 starts."""
    ce, se = Encoder(), Encoder()
    c = bytearray(PREFACE)
    c += settings((4, 65535))
    c += frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 1 << 20))
    hb = ce.block(req("GET", "/a", [("user-agent", "test/1.0"),
                                    ("accept", "*/*")]))
    c += frame(HEADERS, END_STREAM, 1, hb[:10])
    c += frame(CONTINUATION, 0, 1, hb[10:15])
    c += frame(CONTINUATION, END_HEADERS, 1, hb[15:])
    hb = ce.block(req("POST", "/b"))
    prio = b"\x80\x00\x00\x01\x0f"
    c += frame(HEADERS, END_HEADERS | PADDED | PRIO, 3,
               b"\x02" + prio + hb + b"\0\0")
    c += frame(PRIORITY, 0, 3, prio)
    data_at = len(c) + 10
    c += frame(DATA, PADDED, 3, b"\x0a" +
               bytes(97 + i % 26 for i in range(100)) + b"\0" * 10)
    c += frame(DATA, 0, 3, b"0123456789")
    c += frame(DATA, END_STREAM | PADDED, 3, b"\0")
    c += frame(PING, 0, 0, b"12345678")
    c += frame(RST_STREAM, 0, 3, struct.pack(">I", 8))
    c += settings(ack=True)
    c += frame(GOAWAY, 0, 0, struct.pack(">II", 0, 0) + b"bye")
    s = bytearray(settings((3, 100)))
    s += settings(ack=True)
    hb = se.block(req("GET", "/s.css"))
    s += frame(PUSH_PROMISE, END_HEADERS | PADDED, 1,
               b"\x03" + struct.pack(">I", 2) + hb + b"\0\0\0")
    s += frame(HEADERS, END_HEADERS, 1,
               se.block([(":status", "200"), ("content-type", "text/html")]))
    s += frame(DATA, END_STREAM, 1, b"<html>")
    s += frame(HEADERS, END_HEADERS | END_STREAM, 2,
               se.block([(":status", "200")]))
    s += frame(RST_STREAM, 0, 3, struct.pack(">I", 7))
    s += frame(GOAWAY, 0, 0, struct.pack(">II", 3, 2) + b"bye")
    return bytes(c), bytes(s), data_at


def seed_conn():
    c, s, data_at = conn_bytes()
    out = {}
    w = Script()
    w.send(C, c)
    w.send(S, s)
    out["conn-whole"] = w.out
    w = Script()
    for i in range(0, max(len(c), len(s)), 37):
        w.send(C, c[i:i + 37])
        w.send(S, s[i:i + 37])
    out["conn-runs"] = w.out
    w = Script()
    w.send(C, c[:data_at + 20])
    w.gap(C, 30)
    w.send(C, c[data_at + 50:])
    w.send(S, s)
    out["conn-gap-data"] = w.out
    w = Script()
    data_end = data_at + 110  # 100 content bytes, 10 of padding
    w.send(C, c[:data_at + 50])
    w.gap(C, data_end + 3 - data_at - 50)
    w.send(C, c[data_end + 3:])
    w.send(S, s[:40])
    w.gap(S, 7)
    w.send(S, s[47:])
    out["conn-gap-header"] = w.out
    return out


RFC_C3 = ["828684410f7777772e6578616d706c652e636f6d",
          "828684be58086e6f2d6361636865",
          "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"]
RFC_C4 = ["828684418cf1e3c2e5f23a6ba0ab90f4ff",
          "828684be5886a8eb10649cbf",
          "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"]
RFC_C5 = ["4803333032580770726976617465611d4d6f6e2c203231204f63742032303133"
          "2032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d70"
          "6c652e636f6d",
          "4803333037c1c0bf",
          "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d"
          "54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f5049"
          "5541585157454f49553b206d61782d6167653d333630303b2076657273696f6e"
          "3d31"]
RFC_C6 = ["488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a6"
          "2d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
          "4883640effc1c0bf",
          "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab"
          "77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f"
          "9587316065c003ed4ee5b1063d5007"]


def seed_rfc():
    out = {}
    for name, reqs, resps in (("c3-c5", RFC_C3, RFC_C5),
                              ("c4-c6", RFC_C4, RFC_C6)):
        w = Script()
        c = bytearray(PREFACE) + settings((1, 256))
        s = bytearray(settings()) + settings(ack=True)
        for i, (q, r) in enumerate(zip(reqs, resps)):
            sid = 1 + 2 * i
            c += frame(HEADERS, END_HEADERS | END_STREAM, sid,
                       bytes.fromhex(q))
            blk = bytes.fromhex(("3fe101" if i == 0 else "") + r)
            s += frame(HEADERS, END_HEADERS | END_STREAM, sid, blk)
        w.send(C, bytes(c))
        w.send(S, bytes(s))
        out["rfc7541-" + name] = w.out
    return out


# Real captures: (capture, key log or None), each TCP connection whose
# client starts with the connection preface, both directions in capture
# order (tshark -z follow), cut at MAX_SEED bytes of script.
REAL = [("testdata/tls/real/h2.pcap", "testdata/tls/real/h2.keys")] + [
    ("testdata/h2/real/%s.pcap" % n, "testdata/h2/real/%s.keys" % n)
    for n in ("h2-chromium", "h2-curl-parallel", "h2-headers-big",
              "h2-holes", "h2-lossy", "h2-push", "h2-rst", "h2-trailers")] + [
    ("testdata/h2/real/h2c-prior-knowledge.pcap", None)]
MAX_SEED = 32 * 1024


def follow(pcap, keys, stream):
    """The runs of one connection: [(node, bytes)], node 0 first."""
    args = ["tshark", "-r", pcap, "-q", "-z",
            "follow,%s,raw,%d" % ("tls" if keys else "tcp", stream)]
    if keys:
        args[3:3] = ["-o", "tls.keylog_file:" + keys]
    text = subprocess.run(args, check=True, capture_output=True,
                          text=True).stdout
    runs, started = [], False
    for line in text.splitlines():
        if line.startswith("====="):
            if started:
                break
            continue
        if line.startswith(("Follow:", "Filter:", "Node ")):
            started = True
            continue
        if started and line.strip():
            # unindented: node 0; a tab: node 1
            runs.append((1 if line.startswith("\t") else 0,
                         bytes.fromhex(line.strip())))
    return runs


def streams(pcap):
    text = subprocess.run(["tshark", "-r", pcap, "-q", "-z", "conv,tcp"],
                          check=True, capture_output=True, text=True).stdout
    return sum(1 for line in text.splitlines() if "<->" in line)


def seed_real():
    out = {}
    for rel, keys in REAL:
        pcap = os.path.join(ROOT, rel)
        keys = os.path.join(ROOT, keys) if keys else None
        name = os.path.basename(pcap)[:-5]
        try:
            n = streams(pcap)
            conns = [follow(pcap, keys, i) for i in range(n)]
        except (OSError, subprocess.CalledProcessError) as e:
            print("seed-real-%s skipped: %s" % (name, e), file=sys.stderr)
            continue
        for i, runs in enumerate(conns):
            first = {}
            for node, b in runs:
                first.setdefault(node, bytearray())
                first[node] += b
            client = [nd for nd, b in first.items() if b.startswith(PREFACE)]
            if not client:
                continue
            w = Script()
            for node, b in runs:
                if len(w.out) >= MAX_SEED:
                    break
                w.send(C if node == client[0] else S, b)
            out["real-%s-%d" % (name, i) if n > 1 else "real-" + name] = \
                w.out[:MAX_SEED]
    return out


def seed_messages():
    """103, trailers, CONNECT and extended CONNECT (RFC 8441), a reset."""
    ce, se = Encoder(), Encoder()
    c = bytearray(PREFACE) + settings()
    s = bytearray(settings((8, 1))) + settings(ack=True)
    c += frame(HEADERS, END_HEADERS, 1, ce.block(req("POST", "/grpc")))
    c += frame(DATA, 0, 1, b"req")
    c += frame(HEADERS, END_HEADERS | END_STREAM, 1,
               ce.block([("x-checksum", "abc")]))
    s += frame(HEADERS, END_HEADERS, 1,
               se.block([(":status", "103"), ("link", "</s.css>")]))
    s += frame(HEADERS, END_HEADERS, 1, se.block([(":status", "200")]))
    s += frame(DATA, 0, 1, b"resp")
    s += frame(HEADERS, END_HEADERS | END_STREAM, 1,
               se.block([("grpc-status", "0")]))
    c += frame(HEADERS, END_HEADERS, 3,
               ce.block([(":method", "CONNECT"),
                         (":authority", "example.com:443")]))
    s += frame(HEADERS, END_HEADERS, 3, se.block([(":status", "200")]))
    c += frame(DATA, 0, 3, b"\x16\x03\x01tunnel")
    c += frame(HEADERS, END_HEADERS, 5,
               ce.block([(":method", "CONNECT"), (":protocol", "websocket"),
                         (":scheme", "https"), (":path", "/chat"),
                         (":authority", "example.com")]))
    s += frame(HEADERS, END_HEADERS, 5, se.block([(":status", "200")]))
    c += frame(DATA, 0, 5, b"\x81\x02hi")
    s += frame(RST_STREAM, 0, 3, struct.pack(">I", 8))
    s += frame(GOAWAY, 0, 0, struct.pack(">II", 5, 0))
    w = Script()
    w.send(C, bytes(c))
    w.send(S, bytes(s))
    return {"messages": w.out}


def seed_long_resync():
    """A gap over a frame header, then 70 000 bytes that hold no frame,
    then frames: the resync hold (64 KiB) overflows first."""
    c, s, data_at = conn_bytes()
    w = Script()
    w.send(C, c[:data_at])
    w.gap(C, 200)
    w.send(C, b"\xee" * 70000 + c[data_at + 120:])
    w.send(S, s)
    return {"long-resync": w.out}


def seed_upgrade():
    w = Script(CFG_UPGRADE)
    b64 = b"AAMAAABkAARAAAAAAAIAAAAA"  # curl's HTTP2-Settings
    # fuzz_h2 maps each byte onto the alphabet by its low 6 bits
    alpha = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    w.out += bytes([len(b64)]) + bytes(alpha.index(ch) for ch in b64)
    se = Encoder()
    c = PREFACE + settings((3, 100))
    s = settings((3, 100)) + settings(ack=True)
    s += frame(HEADERS, END_HEADERS, 1, se.block([(":status", "200")]))
    s += frame(DATA, END_STREAM, 1, b"upgraded")
    w.send(C, c)
    w.send(S, s)
    return {"upgrade": w.out}


def seed_hostile():
    out = {}
    # 10000 streams, none ended
    ce = Encoder()
    c = bytearray(PREFACE) + settings()
    first = ce.block(req("GET", "/flood"))
    blk = ce.block(req("GET", "/flood"))  # all from the table now
    for i in range(10000):
        c += frame(HEADERS, END_HEADERS, 1 + 2 * i, blk if i else first)
    w = Script()
    w.send(C, bytes(c))
    out["hostile-headers-flood"] = w.out
    # a CONTINUATION chain without END_HEADERS
    c = bytearray(PREFACE) + settings()
    c += frame(HEADERS, 0, 1, Encoder().block(req("GET", "/")))
    chunk = b"\x40\x01x\x7f" + b"y" * 127  # literals
    for i in range(1500):
        c += frame(CONTINUATION, 0, 1, chunk)
    w = Script()
    w.send(C, bytes(c))
    out["hostile-continuation"] = w.out
    # a frame header claiming 2^24 - 1 bytes, a gap over most of it
    w = Script()
    c = PREFACE + settings() + b"\xff\xff\xff\x01\x04\x00\x00\x00\x01"
    w.send(C, c + b"\x82" * 100)
    w.gap(C, (1 << 24) - 1 - 200)
    w.send(C, b"\x84" * 100 + frame(HEADERS, END_HEADERS | END_STREAM, 3,
                                    b"\x82\x84\x86\x41\x01h"))
    w.send(S, settings() + b"\xff\xff\xff\x00\x00\x00\x00\x00\x01" +
           b"z" * 3000)
    out["hostile-len-2to24"] = w.out
    # HPACK integers past 32 bits, in each representation
    c = bytearray(PREFACE) + settings()
    for i, blk in enumerate(["7fffffffff0f", "ffffffffffffff0f",
                             "0fffffffff0f", "1fffffffff0f",
                             "40ffffffffff0f", "4001617fffffffff0f",
                             "3fffffffff0f", "82ff80808080808080808000"]):
        c += frame(HEADERS, END_HEADERS | END_STREAM, 1 + 2 * i,
                   bytes.fromhex(blk))
    c += frame(HEADERS, END_HEADERS | END_STREAM, 99, b"\x82\x84\x86\x41\x01h")
    w = Script()
    w.send(C, bytes(c))
    out["hostile-hpack-int"] = w.out
    # a dynamic table size update to 2^32 - 1
    c = bytearray(PREFACE) + settings()
    c += frame(HEADERS, END_HEADERS | END_STREAM, 1,
               hint(2**32 - 1, 5, 0x20) + b"\x82\x84\x86\x41\x01h")
    c += frame(HEADERS, END_HEADERS | END_STREAM, 3,
               b"\x20" + b"\x82\x84\x86\x41\x01h")
    w = Script()
    w.send(C, bytes(c))
    out["hostile-size-update"] = w.out
    # SETTINGS_HEADER_TABLE_SIZE 2^32 - 1 each way, acked; then a size
    # update to 1 MiB (the most followed) and literals with incremental
    # indexing, 4000 of them (about 250 KB of table) per direction
    w = Script()
    w.send(S, settings((1, 2**32 - 1)))
    w.send(C, PREFACE + settings((1, 2**32 - 1)) + settings(ack=True))
    w.send(S, settings(ack=True))
    for d in (C, S):
        lits = bytearray(hint(1 << 20, 5, 0x20))
        sid = 1
        for i in range(4000):
            lits += b"\x40" + hstr("x-%d" % i) + hstr("v" * 20)
            if len(lits) > 12000 or i == 3999:
                w.send(d, frame(HEADERS, END_HEADERS | END_STREAM, sid,
                                bytes(lits)))
                lits = bytearray()
                sid += 2
        # refers to the first literal (the oldest entry, 62 + 3999)
        w.send(d, frame(HEADERS, END_HEADERS | END_STREAM, 1001,
                        b"\x82\x84\x86\x41\x01h" + hint(62 + 4000, 7, 0x80)))
    out["hostile-table-bomb"] = w.out
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "fuzz", "corpus", "h2")
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    for make in (seed_conn, seed_messages, seed_long_resync, seed_rfc,
                 seed_real, seed_upgrade, seed_hostile):
        seeds.update(make())
    total = 0
    for name, data in sorted(seeds.items()):
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)
        total += len(data)
        print("seed-%-26s %8d bytes" % (name, len(data)))
    print("%d seeds, %d bytes" % (len(seeds), total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
