#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates the seeds of the tls and keylog fuzz targets and the key log
compiled into fuzz_tls (python3 stdlib only).

    python3 fuzz/make_tls_corpus.py [--all] [OUTDIR]

OUTDIR (default: fuzz/corpus) gets tls/ and keylog/ seed files (seed-*;
what fuzzing adds is named gen-SHA1, as in the other corpora); the key log
of every capture used goes to fuzz/fuzz_tls_keys.h. The seeds are the
scripts fuzz_tls.c reads (see its header comment): each TCP connection of a
capture in testdata/tls/gen/ and testdata/tls/real/, reassembled per
direction in capture order, with capture loss written as gaps (the short
ones and those in KEEP_LONG; --all: every one). Hostile
seeds are added by hand-built byte streams (2^24 handshake lengths, a
ClientHello with thousands of extensions, a certificate message that claims
2^24 - 1 bytes, a whole one cut by a 1 KiB cap, record lengths past the
limit, an SSLv2-format ClientHello). What fuzzing found is merged on top
with -merge=1 from inputs cut to 4 KiB (-max_len=4096), so that
fuzz/corpus/tls stays near 2 MB.
"""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TLS = os.path.join(ROOT, "testdata", "tls")
# Seeds are cut here: libFuzzer mutates long inputs slowly, and a
# handshake with a few records of each kind is in the first 64 KiB.
MAX_SEED = 96 * 1024
# The corpus keeps the captures whose script is shorter than this, and the
# longer ones below (every suite is among the short ones already); --all
# writes every capture's.
SHORT_SEED = 32000
KEEP_LONG = {"real-chromium", "real-keyupdate", "real-renegotiation",
             "real-early-data-accepted", "real-early-data-rejected",
             "real-resume-tls13-psk", "gen-gap-in-record-tls13",
             "gen-gaps-many-tls12-cbc", "gen-gap-over-header-tls12-gcm"}
# Written once more with config bit 4 (tls_conn driven directly, a session
# cache of 64) as seed-conn-*.
CONN_MODE = {"gen-resume-ticket", "gen-tls13-aes128gcm",
             "gen-tls12-cbc-sha256", "real-resume-tls12-ticket"}

# --- the script format of fuzz_tls.c --------------------------------------

DIR = 1
GAP = 2
FIN = 4
END = 32
WIDE = 64
BIG = 128  # with GAP: the length counts 65536-byte units


def chunk(slot, flags, data=b"", gap=0):
    """One run of the script: bytes (or a gap of `gap` bytes) of a slot."""
    ctl = (slot & 3) << 3 | flags
    out = bytearray()
    if ctl & GAP:
        while gap > 0:
            if gap >= 65536 * 65536:
                n, big = 65535, True
            elif gap > 65535:
                n, big = gap // 65536, True
            else:
                n, big = gap, False
            c = ctl | WIDE | (BIG if big else 0)
            out += bytes([c]) + struct.pack(">H", n)
            gap -= n * 65536 if big else n
        return bytes(out)
    while True:
        piece, data = data[:65535], data[65535:]
        last = not data
        c = ctl if last else ctl & ~(FIN | END)
        if len(piece) < 256:
            out += bytes([c & ~WIDE, len(piece)]) + piece
        else:
            out += bytes([c | WIDE]) + struct.pack(">H", len(piece)) + piece
        if last:
            return bytes(out)


# --- reading captures -----------------------------------------------------


def pcap_packets(path):
    with open(path, "rb") as f:
        b = f.read()
    magic = struct.unpack("<I", b[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise ValueError("%s: not a classic pcap" % path)
    link = struct.unpack(e + "I", b[20:24])[0]
    at = 24
    while at + 16 <= len(b):
        _, _, cap, _ = struct.unpack(e + "IIII", b[at:at + 16])
        yield link, b[at + 16:at + 16 + cap]
        at += 16 + cap


def tcp_of(link, frame):
    """(src, dst, sport, dport, seq, ack, flags, payload) or None."""
    if link != 1 or len(frame) < 14:
        return None
    etype = struct.unpack(">H", frame[12:14])[0]
    p = frame[14:]
    while etype in (0x8100, 0x88A8) and len(p) >= 4:
        etype = struct.unpack(">H", p[2:4])[0]
        p = p[4:]
    if etype == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        total = struct.unpack(">H", p[2:4])[0]
        if p[9] != 6 or struct.unpack(">H", p[6:8])[0] & 0x3FFF:
            return None
        src, dst, p = p[12:16], p[16:20], p[ihl:total]
    elif etype == 0x86DD and len(p) >= 40:
        plen = struct.unpack(">H", p[4:6])[0]
        if p[6] != 6:
            return None
        src, dst, p = p[8:24], p[24:40], p[40:40 + plen]
    else:
        return None
    if len(p) < 20:
        return None
    sport, dport, seq, ack, off, flags = struct.unpack(">HHIIBB", p[:14])
    return src, dst, sport, dport, seq, ack, flags, p[(off >> 4) * 4:]


class Side:
    def __init__(self):
        self.isn = None
        self.next = 0          # stream offset delivered up to
        self.held = {}         # offset -> bytes, out of order
        self.fin = False


def seeds_of_capture(path):
    """The script of every TCP connection of a capture, slots reused."""
    conns = {}
    order = []
    events = []
    for link, frame in pcap_packets(path):
        t = tcp_of(link, frame)
        if t is None:
            continue
        src, dst, sport, dport, seq, ack, flags, payload = t
        a, b = (src, sport), (dst, dport)
        key = (a, b) if (a, b) in conns else (b, a)
        if key not in conns:
            key = (a, b)
            conns[key] = [Side(), Side()]
            order.append(key)
        d = 0 if (a, b) == key else 1
        events.append((key, d, seq, ack, flags, payload))
    last = {}
    for i, (key, *_rest) in enumerate(events):
        last[key] = i
    out = bytearray([0])  # config: default limits, the compiled-in keys
    slot_of, free = {}, [0, 1, 2, 3]

    def emit(key, d, flags, data=b"", gap=0):
        out.extend(chunk(slot_of[key], flags | (DIR if d else 0), data, gap))

    def flush(key, d, upto):
        s = conns[key][d]
        while s.held and s.next < upto:
            start = min(s.held)
            if start > s.next:
                emit(key, d, GAP, gap=start - s.next)
                s.next = start
            data = s.held.pop(start)
            if start + len(data) > s.next:
                emit(key, d, 0, data[s.next - start:])
                s.next = start + len(data)
            pull(key, d)

    def pull(key, d):
        s = conns[key][d]
        moved = True
        while moved:
            moved = False
            for start in sorted(s.held):
                data = s.held[start]
                if start <= s.next:
                    del s.held[start]
                    if start + len(data) > s.next:
                        emit(key, d, 0, data[s.next - start:])
                        s.next = start + len(data)
                    moved = True
                    break

    for i, (key, d, seq, ack, flags, payload) in enumerate(events):
        if key not in slot_of:
            if not free:
                continue
            slot_of[key] = free.pop(0)
        side, other = conns[key][d], conns[key][1 - d]
        if flags & 2:  # SYN
            side.isn = (seq + 1) & 0xFFFFFFFF
        elif side.isn is None:
            side.isn = seq
        if payload:
            off = (seq - side.isn) & 0xFFFFFFFF
            if off < 1 << 31:
                if off <= side.next < off + len(payload):
                    emit(key, d, 0, payload[side.next - off:])
                    side.next = off + len(payload)
                    pull(key, d)
                elif off > side.next:
                    side.held[off] = payload
        if flags & 16 and other.isn is not None:  # ACK: what the peer got
            acked = (ack - other.isn) & 0xFFFFFFFF
            if acked < 1 << 31:
                flush(key, 1 - d, acked)
        if flags & 1 and not side.fin:  # FIN
            flush(key, d, 1 << 62)
            side.fin = True
            emit(key, d, FIN)
        if last[key] == i:
            for dd in (0, 1):
                flush(key, dd, 1 << 62)
            emit(key, d, END)
            free.append(slot_of.pop(key))
            free.sort()
        if len(out) >= MAX_SEED:
            break
    return bytes(out)


# --- hostile seeds --------------------------------------------------------


def record(ctype, body, version=0x0303):
    return struct.pack(">BHH", ctype, version, len(body) & 0xFFFF) + body


def records(ctype, body, size=16384):
    return b"".join(record(ctype, body[i:i + size])
                    for i in range(0, len(body), size))


def handshake(htype, body, length=None):
    n = len(body) if length is None else length
    return bytes([htype]) + struct.pack(">I", n)[1:] + body


def client_hello(exts=b"", random=b"\x11" * 32):
    body = (struct.pack(">H", 0x0303) + random + b"\x00" +
            struct.pack(">H", 4) + b"\x13\x01\xc0\x2f" + b"\x01\x00" +
            struct.pack(">H", len(exts) & 0xFFFF) + exts)
    return handshake(1, body)


def server_hello(suite=0xC02F, random=b"\x22" * 32):
    body = (struct.pack(">H", 0x0303) + random + b"\x00" +
            struct.pack(">HB", suite, 0) + b"\x00\x00")
    return handshake(2, body)


def script(config, runs):
    """runs: (dir, bytes) or (dir, 'gap', n) or (dir, 'fin'), slot 0."""
    out = bytearray([config])
    for r in runs:
        if r[1] == "gap":
            out += chunk(0, GAP | (DIR if r[0] else 0), gap=r[2])
        elif r[1] == "fin":
            out += chunk(0, FIN | (DIR if r[0] else 0))
        else:
            out += chunk(0, DIR if r[0] else 0, r[1])
    return bytes(out)


def hostile_seeds():
    seeds = {}
    # A ClientHello that claims 2^24 - 1 bytes, then only a few.
    ch = b"\x01\xff\xff\xff" + client_hello()[4:]
    seeds["hs-len-2to24"] = script(0, [(0, record(22, ch)), (0, "fin")])
    # The same claim in every record, 64 records long.
    seeds["hs-len-2to24-many"] = script(0, [
        (0, b"".join(record(22, b"\x01\xff\xff\xff" + b"\x00" * 200)
                     for _ in range(64)))])
    # 5000 empty extensions: the ClientHello spans two records.
    exts = b"".join(struct.pack(">HH", 0x1000 + i, 0) for i in range(5000))
    seeds["ch-5000-extensions"] = script(0, [
        (0, records(22, client_hello(exts))), (1, record(22, server_hello()))])
    # A Certificate message that claims 2^24 - 1 bytes and has 40 KiB of
    # them (the first certificate 32 KiB), and a whole one of 20 KiB under
    # a 1 KiB cap (config bits 0-1), which is cut.
    leaf = b"\x30\x82\x7f\xfc" + b"\x41" * 32764
    chain = b"".join(struct.pack(">I", len(c))[1:] + c
                     for c in [leaf, b"\x42" * 8000])
    cert = handshake(11, b"\xff\xff\xfc" + chain, length=0xFFFFFF)
    seeds["cert-claim-2to24"] = script(0, [
        (0, record(22, client_hello())),
        (1, record(22, server_hello()) + records(22, cert)), (1, "fin")])
    small = b"".join(struct.pack(">I", len(c))[1:] + c
                     for c in [b"\x30\x82\x13\x84" + b"\x43" * 5000] * 4)
    cert = handshake(11, struct.pack(">I", len(small))[1:] + small)
    seeds["cert-20k-cap1024"] = script(2, [
        (0, record(22, client_hello())),
        (1, record(22, server_hello()) + records(22, cert))])
    # Records of lengths past the limit (2^14 + 2048), and of 0xffff.
    seeds["record-too-long"] = script(0, [
        (0, record(22, client_hello())),
        (1, struct.pack(">BHH", 23, 0x0303, 0x4801) + b"\x00" * 0x4801),
        (1, struct.pack(">BHH", 23, 0x0303, 0xFFFF) + b"\x00" * 64),
        (0, struct.pack(">BHH", 22, 0x0303, 0x4900) + b"\x01" * 300)])
    # Gaps of a terabyte in both directions, after a hello.
    seeds["gap-huge"] = script(0, [
        (0, record(22, client_hello())), (0, "gap", 1 << 40),
        (1, record(22, server_hello())), (1, "gap", 1 << 33),
        (1, record(23, b"\x00" * 40))])
    # An SSLv2-format ClientHello (RFC 5246 E.2), in three pieces; the
    # same cut after 3 and 7 bytes, to tls_conn directly (config bit 4).
    specs = b"".join(b"\x00" + struct.pack(">H", c)
                     for c in (0xC02F, 0x009C, 0x002F)) + b"\x07\x00\xc0"
    body = (b"\x01\x03\x01" + struct.pack(">HHH", len(specs), 0, 16) +
            specs + b"\x5c" * 16)
    v2 = struct.pack(">H", 0x8000 | len(body)) + body
    seeds["sslv2-hello"] = script(0, [(0, v2[:7]), (0, v2[7:20]),
                                      (0, v2[20:]),
                                      (1, record(22, server_hello()))])
    seeds["sslv2-hello-conn"] = script(16, [(0, v2[:3]), (0, v2[3:7]),
                                           (0, v2[7:]),
                                           (1, record(22, server_hello()))])
    # A handshake message in 1-byte records.
    seeds["hs-one-byte-records"] = script(0, [
        (0, b"".join(record(22, bytes([c])) for c in client_hello()))])
    return seeds


# --- key log seeds --------------------------------------------------------


def keylog_seeds():
    bad = [
        b"CLIENT_RANDOM 00\n",
        b"CLIENT_RANDOM " + b"ab" * 32 + b" " + b"cd" * 47 + b"\n",
        b"CLIENT_RANDOM " + b"ab" * 32 + b" " + b"cd" * 48 + b" extra\n",
        b"CLIENT_TRAFFIC_SECRET_0 " + b"zz" * 32 + b" " + b"00" * 32 + b"\n",
        b"SERVER_HANDSHAKE_TRAFFIC_SECRET " + b"01" * 32 + b" " +
        b"02" * 65 + b"\n",
        b"CLIENT_EARLY_TRAFFIC_SECRET " + b"01" * 32 + b" " + b"0" * 31 +
        b"\n",
        b"RSA Session-ID:" + b"aa" * 32 + b" Master-Key:" + b"bb" * 48 +
        b"\n",
        b"RSA Session-ID:" + b"aa" * 33 + b" Master-Key:" + b"bb" * 48 +
        b"\n",
        b"RSA Session-ID: Master-Key:\n",
        b"RSA 0011223344 5566778899\n",
        b"RSA\n",
        b"# comment\n\n\t \r\n",
        b"CLIENT_RANDOM\t" + b"AB" * 32 + b"\t" + b"CD" * 48 + b"\r\n",
        b"UNKNOWN_LABEL x y\nCLIENT_TRAFFIC_SECRET_N 00 11\n",
        b"CLIENT_RANDOM " + b"ab" * 32 + b" " + b"cd" * 600 + b"\n",
        b"CLIENT_RANDOM " + b"ab" * 32 + b" " + b"cd" * 48,  # no newline
        b"CLIENT_RANDOM " + b"ab" * 32 + b"\x00" + b"cd" * 48 + b"\n",
    ]
    seeds = {"malformed-%02d" % i: b for i, b in enumerate(bad)}
    seeds["malformed-all"] = b"".join(bad)
    # The same secret given twice, in place and with another length.
    r = b"0f" * 32
    seeds["twice"] = (b"CLIENT_TRAFFIC_SECRET_0 " + r + b" " + b"11" * 32 +
                      b"\nCLIENT_TRAFFIC_SECRET_0 " + r + b" " + b"22" * 32 +
                      b"\nCLIENT_TRAFFIC_SECRET_0 " + r + b" " + b"33" * 48 +
                      b"\nSERVER_TRAFFIC_SECRET_0 " + r + b" " + b"44" * 48 +
                      b"\n")
    # Past 256 client randoms the table grows; 16-byte secrets are the
    # shortest lines that count.
    seeds["many-randoms"] = b"".join(
        b"EXPORTER_SECRET %064x %032x\n" % (i, i * 7919) for i in range(300))
    return seeds


# --- main -----------------------------------------------------------------


def c_string(text):
    out = []
    for line in text.splitlines(True):
        out.append('    "%s"' % line.replace("\\", "\\\\")
                   .replace('"', '\\"').replace("\n", "\\n"))
    return "\n".join(out)


def main():
    args = sys.argv[1:]
    every = "--all" in args
    args = [a for a in args if a != "--all"]
    outdir = args[0] if args else os.path.join(ROOT, "fuzz", "corpus")
    tls_dir = os.path.join(outdir, "tls")
    kl_dir = os.path.join(outdir, "keylog")
    os.makedirs(tls_dir, exist_ok=True)
    os.makedirs(kl_dir, exist_ok=True)
    keys = []
    seen = set()
    for sub in ("gen", "real"):
        d = os.path.join(TLS, sub)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".pcap"):
                continue
            stem = name[:-5]
            kpath = os.path.join(d, stem + ".keys")
            if stem.endswith(".nokeys") or not os.path.exists(kpath):
                continue
            with open(kpath) as f:
                for line in f:
                    if line.strip() and not line.startswith("#") and \
                            line not in seen:
                        seen.add(line)
                        keys.append(line)
            seed = seeds_of_capture(os.path.join(d, name))
            tag = "%s-%s" % (sub, stem)
            if tag in CONN_MODE:
                with open(os.path.join(tls_dir, "seed-conn-" + tag),
                          "wb") as f:
                    f.write(bytes([seed[0] | 16]) + seed[1:])
            if len(seed) >= SHORT_SEED and tag not in KEEP_LONG and \
                    not every:
                continue
            with open(os.path.join(tls_dir, "seed-" + tag), "wb") as f:
                f.write(seed)
        for name in sorted(os.listdir(d)):
            if name.endswith(".keys"):
                with open(os.path.join(d, name), "rb") as f:
                    data = f.read()
                with open(os.path.join(kl_dir, "seed-%s-%s" % (sub, name)),
                          "wb") as f:
                    f.write(data)
    for name, data in hostile_seeds().items():
        with open(os.path.join(tls_dir, "seed-hostile-" + name), "wb") as f:
            f.write(data)
    for name, data in keylog_seeds().items():
        with open(os.path.join(kl_dir, "seed-" + name), "wb") as f:
            f.write(data)
    header = os.path.join(ROOT, "fuzz", "fuzz_tls_keys.h")
    with open(header, "w") as f:
        f.write("/* SPDX-License-Identifier: MIT */\n"
                "/* Generated by fuzz/make_tls_corpus.py: the key logs of "
                "the\n * captures in testdata/tls/gen/ and testdata/tls/real/"
                " (those of\n * fuzz/corpus/tls/seed-* among them), each "
                "line once. */\n#ifndef SIFT_FUZZ_TLS_KEYS_H\n"
                "#define SIFT_FUZZ_TLS_KEYS_H\n\n"
                "static const char fuzz_tls_keys[] =\n%s;\n\n#endif\n"
                % c_string("".join(keys)))
    print("%d key log lines; seeds in %s and %s" % (len(keys), tls_dir,
                                                    kl_dir))


if __name__ == "__main__":
    main()
