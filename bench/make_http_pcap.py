#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds a large SYNTHETIC classic pcap (Ethernet, microseconds) for the
HTTP benchmark by replaying the TCP connections of real captures.

Every SOURCE (classic pcap or pcap-ng, optionally gzip-compressed; link
types Ethernet with or without VLAN tags, NULL/loopback, raw IP, Linux SLL
and SLL2) is parsed here in pure Python. A connection is kept only when it
is clean enough to know what it holds: a complete handshake (SYN, SYN-ACK,
ACK), no packet cut by the snap length, no IP fragments, no bytes missing
from either direction, and either no HTTP at all or HTTP/1.x that parses to
the end of both directions (or up to a 101 / CONNECT tunnel). The kept
connections are then written again and again, round robin, each replay
under a new client address (10.0.0.0/8 or fd00:b::/64) and port and a new
server address (198.18.0.0/15 or fd00:5::/64; server ports are kept),
Ethernet headers made plain (tags stripped, frames cut to the IP length and
padded to 60 bytes), timestamps moved forward and gaps inside a connection
shortened to at most --max-gap seconds. Connections start as a Poisson
process (--rate per second), so hundreds run interleaved, until the file
reaches --size-mb. IPv4 header and TCP checksums are correct in every
written packet: each is the source packet's sum without addresses and
ports (computed once per source packet) plus the replay's address and port
sum (the same in both directions), folded (RFC 1071 / RFC 1624).

Next to OUT it writes OUT.expected.json: the connections written, and per
replayed source connection its HTTP requests, final responses, 1xx interim
responses and transactions (a request with its final response; answers
without a request and requests without one count once each), counted once
from the source's reassembled streams and multiplied by the number of
replays.

usage: make_http_pcap.py OUT.pcap [--size-mb N] [--seed N] [--rate R]
                         [--max-gap S] [--http-only] [--closed-only] [-v]
                         SOURCE...
"""
import argparse
import gzip
import heapq
import json
import os
import random
import re
import struct
import sys
from array import array

# ---------------------------------------------------------------- reading


def open_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def read_pcap(data):
    """Yields (linktype, ts_us, frame, origlen) from a classic pcap."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("not a pcap")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack_from(e + "I", data, 20)[0] & 0x0FFFFFFF
    hdr = struct.Struct(e + "IIII")
    off, n = 24, len(data)
    while off + 16 <= n:
        sec, frac, caplen, origlen = hdr.unpack_from(data, off)
        off += 16
        if off + caplen > n:
            break
        us = sec * 1000000 + (frac // 1000 if nano else frac)
        yield linktype, us, data[off:off + caplen], origlen
        off += caplen


def read_pcapng(data):
    """Yields (linktype, ts_us, frame, origlen) from a pcap-ng file."""
    off, n = 0, len(data)
    e = "<"
    ifaces = []  # (linktype, units per second)
    while off + 12 <= n:
        btype = struct.unpack_from(e + "I", data, off)[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack_from(e + "I", data, off + 4)[0]
        if blen < 12 or off + blen > n:
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # IDB
            lt = struct.unpack_from(e + "H", body, 0)[0]
            res = 1000000
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from(e + "HH", body, o)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    v = body[o + 4]
                    res = 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
                o += 4 + ((olen + 3) & ~3)
            ifaces.append((lt, res))
        elif btype in (6, 2):  # EPB, obsolete PB
            if btype == 6:
                ifid, hi, lo, caplen, origlen = struct.unpack_from(
                    e + "IIIII", body, 0)
            else:
                ifid, _drops, hi, lo, caplen, origlen = struct.unpack_from(
                    e + "HHIIII", body, 0)
            if ifid < len(ifaces):
                lt, res = ifaces[ifid]
                ts = (hi << 32) | lo
                us = ts * 1000000 // res
                yield lt, us, body[20:20 + caplen], origlen
        off += blen


def read_capture(path):
    data = open_bytes(path)
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    return read_pcap(data)


ETH_V4, ETH_V6 = 0x0800, 0x86DD


def to_ip(linktype, frame):
    """(ethertype, ip_bytes, macs or None) for a frame, or None."""
    if linktype == 1:
        if len(frame) < 14:
            return None
        macs = frame[0:12]
        et = (frame[12] << 8) | frame[13]
        o = 14
        while et in (0x8100, 0x88A8, 0x9100) and len(frame) >= o + 4:
            et = (frame[o + 2] << 8) | frame[o + 3]
            o += 4
        return et, frame[o:], macs
    if linktype in (101, 12, 14):
        if not frame:
            return None
        v = frame[0] >> 4
        return (ETH_V4 if v == 4 else ETH_V6 if v == 6 else 0), frame, None
    if linktype == 228:
        return ETH_V4, frame, None
    if linktype == 229:
        return ETH_V6, frame, None
    if linktype == 0 and len(frame) >= 4:
        fam = struct.unpack_from("<I", frame, 0)[0]
        if fam > 0xFFFF:
            fam = struct.unpack_from(">I", frame, 0)[0]
        if fam == 2:
            return ETH_V4, frame[4:], None
        if fam in (10, 24, 28, 30):
            return ETH_V6, frame[4:], None
        return None
    if linktype == 113 and len(frame) >= 16:
        return (frame[14] << 8) | frame[15], frame[16:], None
    if linktype == 276 and len(frame) >= 20:
        return (frame[0] << 8) | frame[1], frame[20:], None
    return None


# ------------------------------------------------------- TCP connections


def csum_words(b):
    """Ones'-complement sum (not folded, not inverted) of b as big-endian
    16-bit words."""
    if len(b) & 1:
        b = b + b"\x00"
    a = array("H", b)
    if sys.byteorder == "little":
        a.byteswap()
    return sum(a)


class Packet:
    __slots__ = ("ts", "dir", "et", "ip", "tcpoff", "seq", "flags", "data",
                 "macs")


class Conn:
    def __init__(self, key):
        self.key = key
        self.pkts = []
        self.client = None  # (addr, port) of the SYN sender
        self.bad = None
        self.closed = False


def parse_tcp(et, ip):
    """(src, dst, sport, dport, seq, ack, flags, tcpoff, payload, ip) or a
    reason string."""
    if et == ETH_V4:
        if len(ip) < 20 or ip[0] >> 4 != 4:
            return "bad-ip"
        ihl = (ip[0] & 15) * 4
        tot = (ip[2] << 8) | ip[3]
        if ip[9] != 6:
            return None
        if ((ip[6] << 8) | ip[7]) & 0x3FFF:
            return "fragment"
        if tot > len(ip):
            return "truncated"
        ip = ip[:tot]
        src, dst, t = ip[12:16], ip[16:20], ihl
    elif et == ETH_V6:
        if len(ip) < 40 or ip[0] >> 4 != 6:
            return "bad-ip"
        if ip[6] != 6:
            return None if ip[6] in (17, 58) else "ipv6-ext"
        tot = 40 + ((ip[4] << 8) | ip[5])
        if tot > len(ip):
            return "truncated"
        ip = ip[:tot]
        src, dst, t = ip[8:24], ip[24:40], 40
    else:
        return None
    if len(ip) < t + 20:
        return "truncated"
    sport, dport, seq, ack, off, flags = struct.unpack_from(">HHIIBB", ip, t)
    doff = (off >> 4) * 4
    if doff < 20 or t + doff > len(ip):
        return "bad-tcp"
    return src, dst, sport, dport, seq, ack, flags, t, ip[t + doff:], ip


FIN, SYN, RST, ACK = 1, 2, 4, 16


def connections(path):
    """The TCP connections of a capture, in order of their first packet,
    and a count of the packets skipped per reason."""
    table, done, skipped = {}, [], {}
    for lt, ts, frame, origlen in read_capture(path):
        r = to_ip(lt, frame)
        if r is None:
            continue
        et, ipb, macs = r
        p = parse_tcp(et, ipb)
        if p is None:
            continue
        if isinstance(p, str):
            skipped[p] = skipped.get(p, 0) + 1
            continue
        src, dst, sport, dport, seq, ack, flags, t, payload, ip = p
        a, b = (src, sport), (dst, dport)
        key = (a, b) if a < b else (b, a)
        c = table.get(key)
        if flags & SYN and not flags & ACK and c is not None and (
                c.closed or any(q.data for q in c.pkts)
                or (c.pkts[0].seq != seq)):
            done.append(c)  # port reuse: a new connection
            c = None
        if c is None:
            c = table[key] = Conn(key)
        if not c.pkts:
            c.first = ts
        if flags & SYN and not flags & ACK and c.client is None:
            c.client = a
        if flags & (FIN | RST):
            c.closed = True
        pk = Packet()
        pk.ts, pk.et, pk.ip, pk.tcpoff = ts, et, bytes(ip), t
        pk.seq, pk.flags, pk.data, pk.macs = seq, flags, bytes(payload), macs
        pk.dir = a  # fixed below once the client is known
        c.pkts.append(pk)
    done.extend(table.values())
    done.sort(key=lambda c: c.first)
    for c in done:
        if c.client is not None:
            for pk in c.pkts:
                pk.dir = 0 if pk.dir == c.client else 1
    return done, skipped


def check_conn(c):
    """None when the connection is clean, else why not. Sets c.streams
    (client bytes, server bytes) when clean."""
    if c.client is None or c.pkts[0].flags & (SYN | ACK) != SYN:
        return "no-syn"
    cisn = c.pkts[0].seq
    synack = next((p for p in c.pkts if p.dir == 1 and p.flags & SYN), None)
    if synack is None or not synack.flags & ACK or struct.unpack_from(
            ">I", synack.ip, synack.tcpoff + 8)[0] != (cisn + 1) & 0xFFFFFFFF:
        return "no-syn-ack"
    sisn = synack.seq
    # the third packet of the handshake: a client ACK of the SYN-ACK
    three = False
    for p in c.pkts:
        if p.dir == 0 and p.flags & ACK and not p.flags & SYN:
            ack = struct.unpack_from(">I", p.ip, p.tcpoff + 8)[0]
            if ack == (sisn + 1) & 0xFFFFFFFF:
                three = True
            break
    if not three:
        return "no-handshake-ack"
    streams = []
    for d, isn in ((0, cisn), (1, sisn)):
        segs = []
        for p in c.pkts:
            if p.dir != d or not p.data:
                continue
            rel = (p.seq - isn - 1) & 0xFFFFFFFF
            if rel > 0x7FFFFFFF:
                return "data-before-isn"
            segs.append((rel, p.data))
        segs.sort(key=lambda s: s[0])
        out = bytearray()
        for rel, data in segs:
            end = rel + len(data)
            if rel > len(out):
                return "bytes-missing"
            if end > len(out):
                out += data[len(out) - rel:]
        streams.append(bytes(out))
    c.streams = streams
    return None


# ------------------------------------------------------ HTTP ground truth

REQ_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP/1\.[01]\r?$")
STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([0-9]{3})(?: .*)?\r?$")


class NotHttp(Exception):
    pass


def read_head(buf, pos):
    """(start line, {lower-name: [values]}, position after the head)."""
    end = buf.find(b"\n", pos)
    if end < 0:
        raise NotHttp("no start line end")
    start = buf[pos:end]
    headers = {}
    p = end + 1
    while True:
        e = buf.find(b"\n", p)
        if e < 0:
            raise NotHttp("head not complete")
        line = buf[p:e].rstrip(b"\r")
        p = e + 1
        if not line:
            return start, headers, p
        name, sep, value = line.partition(b":")
        if not sep:
            raise NotHttp("bad header line")
        headers.setdefault(name.strip().lower(), []).append(value.strip())


def read_body(buf, pos, headers, until_close):
    """Position after the body, or len(buf) when read to close."""
    te = b",".join(headers.get(b"transfer-encoding", [])).lower()
    if te:
        if not te.strip().endswith(b"chunked"):
            return len(buf)
        while True:
            e = buf.find(b"\n", pos)
            if e < 0:
                raise NotHttp("chunk size line not complete")
            size = int(buf[pos:e].split(b";")[0].strip(), 16)
            pos = e + 1
            if size == 0:
                while True:  # trailer section
                    e = buf.find(b"\n", pos)
                    if e < 0:
                        raise NotHttp("trailer not complete")
                    line = buf[pos:e].rstrip(b"\r")
                    pos = e + 1
                    if not line:
                        return pos
            pos += size
            if pos > len(buf):
                raise NotHttp("chunk not complete")
            if buf[pos:pos + 2] == b"\r\n":
                pos += 2
            elif buf[pos:pos + 1] == b"\n":
                pos += 1
            else:
                raise NotHttp("chunk without CRLF")
    cl = headers.get(b"content-length")
    if cl:
        pos += int(cl[0])
        if pos > len(buf):
            raise NotHttp("body not complete")
        return pos
    return len(buf) if until_close else pos


def first_line(b):
    e = b.find(b"\n")
    return b[:e] if e >= 0 else b""


def count_http(client, server):
    """{requests, responses, interim, transactions} of one connection, None
    when it holds no HTTP; raises NotHttp when the HTTP does not parse to
    the end."""
    if not REQ_LINE.match(first_line(client)) and \
            not STATUS_LINE.match(first_line(server)):
        return None
    methods = []
    pos, tunnel = 0, False
    while pos < len(client):
        while client[pos:pos + 2] == b"\r\n" or client[pos:pos + 1] == b"\n":
            pos += 2 if client[pos:pos + 1] == b"\r" else 1
        if pos >= len(client):
            break
        start, headers, pos = read_head(client, pos)
        m = REQ_LINE.match(start)
        if not m:
            raise NotHttp("bad request line")
        methods.append(m.group(1))
        pos = read_body(client, pos, headers, False)
        if m.group(1) == b"CONNECT" or b"upgrade" in headers:
            tunnel = True  # what follows may be another protocol
            break
    finals, interim, pos, i = 0, 0, 0, 0
    while pos < len(server):
        start, headers, pos = read_head(server, pos)
        m = STATUS_LINE.match(start)
        if not m:
            raise NotHttp("bad status line")
        status = int(m.group(1))
        if status == 101:
            finals += 1  # the final answer; another protocol follows
            break
        if 100 <= status < 200:
            interim += 1
            continue
        method = methods[i] if i < len(methods) else b""
        i += 1
        finals += 1
        if method == b"CONNECT" and 200 <= status < 300:
            break
        if method == b"HEAD" or status in (204, 304):
            continue
        pos = read_body(server, pos, headers, True)
    if tunnel and finals == 0:
        raise NotHttp("upgrade without answer")
    return {"requests": len(methods), "responses": finals,
            "interim": interim,
            "transactions": max(len(methods), finals)}


# ------------------------------------------------------------- templates


class Template:
    """One source connection ready to be written under any addresses: per
    packet the frame bytes, offsets and partial checksums."""
    __slots__ = ("pkts", "v6", "bytes", "duration", "sport", "counts",
                 "name", "source")


def make_template(c, max_gap_us):
    v6 = c.pkts[0].et == ETH_V6
    out = []
    prev = None
    t = 0
    cmac = smac = None
    for p in c.pkts:
        if p.macs is not None:
            if p.dir == 0:
                cmac = cmac or p.macs
            else:
                smac = smac or p.macs
    c_macs = cmac or (b"\x02\x00\x00\x00\x00\x02" b"\x02\x00\x00\x00\x00\x01")
    s_macs = smac or (c_macs[6:12] + c_macs[0:6])
    total = 0
    for p in c.pkts:
        if prev is not None:
            t += min(max(p.ts - prev, 0), max_gap_us)
        prev = p.ts
        ip = p.ip
        eth = (c_macs if p.dir == 0 else s_macs) + (
            b"\x86\xdd" if v6 else b"\x08\x00")
        frame = bytearray(eth + ip)
        if len(frame) < 60:
            frame += bytes(60 - len(frame))
        tcp = 14 + p.tcpoff
        # TCP: everything but ports and the checksum, plus the pseudo
        # header but its addresses
        tcplen = len(ip) - p.tcpoff
        seg = bytearray(ip[p.tcpoff:])
        seg[0:4] = b"\0\0\0\0"
        seg[16:18] = b"\0\0"
        tsum = csum_words(bytes(seg)) + 6 + tcplen
        if v6:
            isum = None
        else:
            h = bytearray(ip[:p.tcpoff])
            h[10:20] = bytes(10)
            isum = csum_words(bytes(h))
        out.append((t, p.dir, bytes(frame), tcp, tsum, isum))
        total += 16 + len(frame)
    tp = Template()
    tp.pkts, tp.v6, tp.bytes, tp.duration = out, v6, total, t
    tp.sport = c.key[0][1] if c.key[0] != c.client else c.key[1][1]
    return tp


def fold(s):
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def replay(tp, n, start_us, cport):
    """Yields (ts_us, frame) of replay number n of template tp."""
    if tp.v6:
        ca = b"\xfd\x00\x00\x0b" + bytes(8) + n.to_bytes(4, "big")
        k = n % 65536
        sa = b"\xfd\x00\x00\x05" + bytes(10) + k.to_bytes(2, "big")
        so, do = 22, 38
        alen = 16
    else:
        m = n % 0xFFFFFF + 1
        ca = bytes([10]) + m.to_bytes(3, "big")
        k = n % 0x1FFFF + 1
        sa = bytes([198, 18 + (k >> 16), (k >> 8) & 255, k & 255])
        so, do = 26, 30
        alen = 4
    asum = csum_words(ca + sa)
    psum = cport + tp.sport
    cs = ca + sa
    sc = sa + ca
    cp = struct.pack(">HH", cport, tp.sport)
    pc = struct.pack(">HH", tp.sport, cport)
    pack = struct.pack_into
    for t, d, frame, tcp, tsum, isum in tp.pkts:
        f = bytearray(frame)
        if d == 0:
            f[so:so + 2 * alen] = cs
            f[tcp:tcp + 4] = cp
        else:
            f[so:so + 2 * alen] = sc
            f[tcp:tcp + 4] = pc
        if isum is not None:
            pack(">H", f, 24, fold(isum + asum))
        pack(">H", f, tcp + 16, fold(tsum + asum + psum))
        yield start_us + t, f


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--size-mb", type=float, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=100.0,
                    help="new connections per second of capture time")
    ap.add_argument("--max-gap", type=float, default=5.0,
                    help="longest gap inside a replayed connection (s)")
    ap.add_argument("--http-only", action="store_true",
                    help="replay only connections that carry HTTP")
    ap.add_argument("--closed-only", action="store_true",
                    help="replay only connections that end in the source "
                    "(a FIN each way, or an RST)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)

    templates, sources = [], []
    for path in a.sources:
        conns, skipped_pkts = connections(path)
        why = {}
        kept = 0
        for i, c in enumerate(conns):
            r = check_conn(c)
            counts = None
            if r is None:
                try:
                    counts = count_http(*c.streams)
                except (NotHttp, ValueError) as e:
                    r = "http-unparsed"
                    if a.verbose:
                        print(f"  {path} conn {i}: {e}", file=sys.stderr)
            if r is None and counts is None and a.http_only:
                r = "not-http"
            if r is None and a.closed_only and not (
                    any(p.flags & RST for p in c.pkts) or
                    {p.dir for p in c.pkts if p.flags & FIN} == {0, 1}):
                r = "not-closed"
            if r is not None:
                why[r] = why.get(r, 0) + 1
                continue
            tp = make_template(c, int(a.max_gap * 1e6))
            tp.counts = counts or {"requests": 0, "responses": 0,
                                   "interim": 0, "transactions": 0}
            tp.source = path
            tp.name = f"{path}#{i}"
            templates.append(tp)
            kept += 1
        sources.append({"file": path, "tcp_connections": len(conns),
                        "kept": kept, "skipped": why,
                        "packets_skipped": skipped_pkts})
        if a.verbose:
            print(f"{path}: {len(conns)} connections, {kept} kept, "
                  f"skipped {why}", file=sys.stderr)
    if not templates:
        sys.exit("no clean TCP connection in the sources")

    target = int(a.size_mb * 1024 * 1024)
    times = [0] * len(templates)
    heap = []
    seq = 0
    clock = 1704067200 * 1000000  # 2024-01-01T00:00:00Z
    committed = 24
    written = 24
    packets = 0
    order = list(range(len(templates)))
    rng.shuffle(order)
    oi = 0
    n = 0
    rec = struct.Struct("<IIII")
    buf = []
    bufbytes = 0
    max_open = 0
    first_ts = None
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

        def start_next():
            nonlocal clock, committed, oi, n, seq
            ti = order[oi]
            oi += 1
            if oi == len(order):
                oi = 0
                rng.shuffle(order)
            tp = templates[ti]
            times[ti] += 1
            n += 1
            clock += int(rng.expovariate(a.rate) * 1e6) + 1
            gen = replay(tp, n, clock, rng.randrange(1024, 65536))
            first = next(gen)
            seq += 1
            heapq.heappush(heap, (first[0], seq, first[1], gen))
            committed += tp.bytes

        start_next()
        while heap:
            ts, _, frame, gen = heap[0]
            # start every connection whose start time has come
            while committed < target and clock <= ts:
                start_next()
                ts, _, frame, gen = heap[0]
            if first_ts is None:
                first_ts = ts
            last_ts = ts
            buf.append(rec.pack(ts // 1000000, ts % 1000000, len(frame),
                                len(frame)))
            buf.append(frame)
            bufbytes += 16 + len(frame)
            packets += 1
            if len(heap) > max_open:
                max_open = len(heap)
            nxt = next(gen, None)
            if nxt is None:
                heapq.heappop(heap)
                if not heap and committed < target:
                    start_next()
            else:
                seq += 1
                heapq.heapreplace(heap, (nxt[0], seq, nxt[1], gen))
            if bufbytes >= 1 << 22:
                f.write(b"".join(buf))
                written += bufbytes
                buf, bufbytes = [], 0
        f.write(b"".join(buf))
        written += bufbytes

    tot = {"requests": 0, "responses": 0, "interim": 0, "transactions": 0}
    per = []
    for tp, k in zip(templates, times):
        for key in tot:
            tot[key] += tp.counts[key] * k
        per.append(dict(connection=tp.name, server_port=tp.sport,
                        replays=k, packets=len(tp.pkts),
                        bytes=tp.bytes - 16 * len(tp.pkts), **tp.counts))
    exp = {
        "synthetic": True,
        "generator": "bench/make_http_pcap.py",
        "seed": a.seed, "rate": a.rate, "max_gap": a.max_gap,
        "http_only": a.http_only, "closed_only": a.closed_only,
        "file_bytes": written, "packets": packets,
        "connections": n,
        "capture_seconds": round((last_ts - first_ts) / 1e6, 3),
        "max_open_connections": max_open,
        "mean_open_connections": round(
            sum(tp.duration * k for tp, k in zip(templates, times)) /
            max(last_ts - first_ts, 1), 1),
        "http_connections": sum(k for tp, k in zip(templates, times)
                                if tp.counts["requests"] or
                                tp.counts["responses"]),
        **{"http_" + k: v for k, v in tot.items()},
        "sources": sources,
        "per_connection": per,
    }
    with open(a.out + ".expected.json", "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")
    print(f"{a.out}: {written} bytes, {packets} packets, {n} connections, "
          f"{max_open} open at most, "
          f"{tot['transactions']} HTTP transactions "
          f"({tot['requests']} requests, {tot['responses']} responses)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
