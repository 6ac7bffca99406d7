#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile TLS input under a memory limit: pcapsift must finish, say what
was wrong, and stay within a bound that does not grow with the input.

Captures are built in a temporary directory (Ethernet/IPv4/TCP with a
handshake, python3 stdlib only):

  ch-len-2to24     a ClientHello whose handshake header claims 2^24 - 1
                   bytes, followed by only a few
  ch-5000-ext      a ClientHello with 5000 extensions (two records)
  cert-10mb        a TLS 1.2 server Certificate message of 10 MB over 611
                   records (the handshake cap is 256 KiB); once from
                   standard input, once from its path (mapped)
  keylog-1m        a real capture (testdata/tls/gen/tls12-aes128gcm) with
                   --keylog of 1 000 000 lines: its own secret, 998 999
                   others and 1000 malformed lines
  dsb-100mb        pcap-ng: the same connection, then a Decryption Secrets
                   Block (type 0x544c534b) of 100 MB, past the 16 MiB block
                   limit: the packets before it are analysed, the file is
                   damaged beyond recovery (exit 1, CLI.md)
  dsb-7x15mb       pcap-ng: seven Decryption Secrets Blocks of 15 MB of key
                   log lines each (about 600 000 secrets), then the same
                   connection, whose secret is in the last block

Each runs as `pcapsift tls` and `pcapsift http`. Required: the exit status
(0, or 1 for dsb-100mb), a warning on standard error, and a maximum RSS of
at most the RSS of the same command on a small valid capture plus the
case's allowance:

  8 MiB for the TLS cases, read from standard input: a TLS connection
      holds at most one handshake message per direction (256 KiB by
      default), a record window of 2 x (5 + 2^14 + 2048) bytes and the
      36 KiB scratch; the stream source reads 256 KiB at a time; so a
      reader that kept the 10 MB certificate, or 16 MiB of a 2^24 claim,
      goes over;
  24 MiB for the certificate read from its path (cert-10mb-map): the
      mapped file is kept resident in a window of two 8 MiB steps
      (formats/source.c, MAP_STEP), and those pages count as RSS;
  192 MiB for 1 000 000 secrets: each costs about 120 bytes held (the
      entry, its 48-byte secret, the allocator's header) plus an 8 MiB
      bucket array, about 130 MiB; a key log held as text twice over, or
      per line allocations of a kilobyte, goes over;
  64 MiB for the 100 MB block: it must be refused from its header, not
      read;
  160 MiB for 105 MB of secrets in blocks: about 600 000 secrets (about
      75 MiB, and the bucket array while it doubles), one 16 MiB block in
      the source's window and 16 MiB of mapped file, about 125 MiB; the
      blocks' text kept as well as the secrets goes over.

Known gaps, where pcapsift stays silent today, are listed in SILENT: they
print XFAIL and pass; once a warning appears there, the test fails until
the entry is removed (so the list only shrinks).

The captures are built by a child interpreter (this script with --build
DIR), so that the process that forks pcapsift stays small: a child's
maximum RSS starts from the pages it shares with its parent at fork.
The limit is RLIMIT_AS of 512 MiB set in the child. Builds with
AddressSanitizer (found from the binary, or SIFT_ASAN=1) reserve terabytes
of address space, so there no RLIMIT_AS is set, the allocator's
quarantine is capped at 16 MiB (ASAN_OPTIONS), the allowances are doubled
(redzones and shadow), and the maximum RSS comes from wait4() alone. The
figures are printed.

usage: check_tls_hostile.py PCAPSIFT SRCROOT
"""
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time

MiB = 1 << 20
AS_LIMIT = 512 * MiB

CLIENT = bytes([10, 77, 0, 1])
SERVER = bytes([10, 77, 0, 2])


# --- captures -------------------------------------------------------------


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, dst, sport, dport, seq, ack, flags, payload):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    c = checksum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                     1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x77\x00\x02\x02\x00\x00\x77\x00\x01\x08\x00"
    return eth + ip + tcp + payload


class Conn:
    """One TCP connection's frames: handshake, data each way, FINs."""

    SEG = 32000  # payload bytes per segment (IPv4 allows 65495)

    def __init__(self, port=40001):
        self.port = port
        self.cseq, self.sseq = 1000, 5000
        self.frames = []
        self.add(0, 2, b"", syn=True)
        self.add(1, 0x12, b"", syn=True)
        self.add(0, 0x10, b"")

    def add(self, d, flags, payload, syn=False):
        if d == 0:
            f = frame(CLIENT, SERVER, self.port, 443, self.cseq, self.sseq,
                      flags, payload)
            self.cseq += len(payload) + (1 if syn or flags & 1 else 0)
        else:
            f = frame(SERVER, CLIENT, 443, self.port, self.sseq, self.cseq,
                      flags, payload)
            self.sseq += len(payload) + (1 if syn or flags & 1 else 0)
        self.frames.append(f)

    def send(self, d, data):
        for i in range(0, len(data), self.SEG):
            self.add(d, 0x18, data[i:i + self.SEG])

    def close(self):
        self.add(0, 0x11, b"")
        self.add(1, 0x11, b"")
        self.add(0, 0x10, b"")


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i // 1000,
                                (i % 1000) * 1000, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    with open(path, "rb") as f:
        b = f.read()
    at, out = 24, []
    while at + 16 <= len(b):
        sec, usec, cap, orig = struct.unpack("<IIII", b[at:at + 16])
        out.append((sec * 1000000 + usec, orig, b[at + 16:at + 16 + cap]))
        at += 16 + cap
    return out


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def shb_idb():
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", 1, 0, 262144))
    return shb + idb


def epb(ts_us, orig, data):
    return block(6, struct.pack("<IIIII", 0, ts_us >> 32, ts_us & 0xFFFFFFFF,
                                len(data), orig) + pad4(data))


def write_dsb(f, text_chunks, length):
    """A DSB whose secrets are `length` bytes, written from an iterator."""
    padded = length + (-length % 4)
    total = 12 + 8 + padded
    f.write(struct.pack("<IIII", 0x0000000A, total & 0xFFFFFFFF, 0x544C534B,
                        length))
    done = 0
    for c in text_chunks:
        f.write(c)
        done += len(c)
    assert done == length
    f.write(b"\0" * (padded - length))
    f.write(struct.pack("<I", total & 0xFFFFFFFF))


def record(ctype, body):
    return struct.pack("!BHH", ctype, 0x0303, len(body)) + body


def records(ctype, body, size=16384):
    return b"".join(record(ctype, body[i:i + size])
                    for i in range(0, len(body), size))


def hs(htype, body, claim=None):
    n = len(body) if claim is None else claim
    return bytes([htype]) + struct.pack("!I", n)[1:] + body


def client_hello(exts=b""):
    body = (b"\x03\x03" + b"\x5a" * 32 + b"\x00" + b"\x00\x02\xc0\x2f" +
            b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    return hs(1, body)


def server_hello():
    return hs(2, b"\x03\x03" + b"\xa5" * 32 + b"\x00\xc0\x2f\x00\x00\x00")


def build_ch_len(path):
    c = Conn()
    c.send(0, record(22, b"\x01\xff\xff\xff" + client_hello()[4:40]))
    c.close()
    write_pcap(path, c.frames)


def build_ch_ext(path):
    exts = b"".join(struct.pack("!HH", 0x2000 + i, 0) for i in range(5000))
    c = Conn()
    c.send(0, records(22, client_hello(exts)))
    c.send(1, record(22, server_hello()))
    c.close()
    write_pcap(path, c.frames)


def build_cert(path):
    size = 10 * 1000 * 1000
    certs = []
    left = size - 3
    while left > 0:
        n = min(left - 3, 1 << 20)
        certs.append(struct.pack("!I", n)[1:] + b"\x30" * n)
        left -= n + 3
    chain = b"".join(certs)
    msg = hs(11, struct.pack("!I", len(chain))[1:] + chain)
    c = Conn()
    c.send(0, record(22, client_hello()))
    c.send(1, record(22, server_hello()) + records(22, msg) +
           record(22, hs(14, b"")))
    c.close()
    write_pcap(path, c.frames)


def random_lines(n, seed):
    """n key log lines for client randoms nobody used."""
    x = seed
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
        yield b"CLIENT_RANDOM %016x%048x %096x\n" % (x, x >> 7, x * 3)


def build_keylog(path, real_keys):
    with open(real_keys, "rb") as f:
        own = [l for l in f.read().splitlines(True) if l.strip()]
    with open(path, "wb") as f:
        written = 0
        for i, line in enumerate(random_lines(1000000 - 1000 - len(own),
                                              12345)):
            f.write(line)
            written += 1
            if i % 999 == 0 and written < 1000000 - len(own):
                f.write(b"CLIENT_RANDOM 00112233 not-hex\n")
                written += 1
        while written < 1000000 - len(own):
            f.write(b"CLIENT_RANDOM short\n")
            written += 1
        f.writelines(own)


def build_dsb_big(path, real_pcap):
    with open(path, "wb") as f:
        f.write(shb_idb())
        for ts, orig, data in read_pcap(real_pcap):
            f.write(epb(ts, orig, data))
        length = 100 * 1000 * 1000
        line = b"#" * 1023 + b"\n"
        n, rest = divmod(length, len(line))

        def chunks():
            for _ in range(n):
                yield line
            yield b"#" * rest

        write_dsb(f, chunks(), length)


def build_dsb_many(path, real_pcap, real_keys):
    with open(real_keys, "rb") as f:
        own = f.read()
    with open(path, "wb") as f:
        f.write(shb_idb())
        per = 15 * 1000 * 1000
        for b in range(7):
            lines = []
            n = 0
            for line in random_lines(per // 177 + 1, 1000 + b):
                if n + len(line) > per - (len(own) if b == 6 else 0):
                    break
                lines.append(line)
                n += len(line)
            if b == 6:
                lines.append(own)
                n += len(own)
            lines.append(b"#" * (per - n - 1) + b"\n")
            write_dsb(f, iter(lines), per)
        for ts, orig, data in read_pcap(real_pcap):
            f.write(epb(ts, orig, data))


# Cases and commands that give no warning yet (see the report of the
# fuzzing and hostile-input work): a 2^24 handshake claim that never
# completes is dropped silently; 5000 extensions are counted silently; a
# Certificate message over the cap is cut without a word (tls_conn_hs.c
# exempts certificates from the "longer than" warning) and its 1 MB leaf
# is then not reported either.
SILENT = set()


def build(tmp, src):
    gen = os.path.join(src, "testdata", "tls", "gen")
    real_pcap = os.path.join(gen, "tls12-aes128gcm.pcap")
    real_keys = os.path.join(gen, "tls12-aes128gcm.keys")
    p = lambda n: os.path.join(tmp, n)
    build_ch_len(p("ch-len.pcap"))
    build_ch_ext(p("ch-ext.pcap"))
    build_cert(p("cert.pcap"))
    build_keylog(p("1m.keys"), real_keys)
    build_dsb_big(p("dsb-big.pcapng"), real_pcap)
    build_dsb_many(p("dsb-many.pcapng"), real_pcap, real_keys)


# --- running --------------------------------------------------------------


def is_asan(binary):
    if os.environ.get("SIFT_ASAN") in ("0", "1"):
        return os.environ["SIFT_ASAN"] == "1"
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def run(pcapsift, args, asan, tmp):
    """(exit status, stderr text, max RSS in bytes, seconds). A "-" in
    args is followed by the file to give on standard input."""
    stdin = subprocess.DEVNULL
    if "-" in args:
        i = args.index("-")
        stdin = open(args[i + 1], "rb")
        args = args[:i + 1] + args[i + 2:]
    env = dict(os.environ)
    if asan:
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                               ":quarantine_size_mb=16").lstrip(":")

    def limit():
        if not asan:
            resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

    with open(os.path.join(tmp, "out"), "wb") as out, \
            open(os.path.join(tmp, "err"), "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen([pcapsift] + args, stdin=stdin, stdout=out,
                             stderr=err, env=env, preexec_fn=limit)
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    if stdin is not subprocess.DEVNULL:
        stdin.close()
    with open(os.path.join(tmp, "err"), "rb") as f:
        stderr = f.read().decode("utf-8", "replace")
    return p.returncode, stderr, ru.ru_maxrss * 1024, secs


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        build(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    pcapsift, src = sys.argv[1], sys.argv[2]
    real_pcap = os.path.join(src, "testdata", "tls", "gen",
                             "tls12-aes128gcm.pcap")
    real_keys = os.path.join(src, "testdata", "tls", "gen",
                             "tls12-aes128gcm.keys")
    flood = os.path.join(src, "testdata", "tls", "hostile",
                         "resync-flood.pcap")
    asan = is_asan(pcapsift)
    scale = 2 if asan else 1
    tmp = tempfile.mkdtemp(prefix="sift-hostile-")
    try:
        t0 = time.monotonic()
        subprocess.run([sys.executable, os.path.abspath(__file__), "--build",
                        tmp, src], check=True)
        print("captures built in %.1f s" % (time.monotonic() - t0))
        p = lambda n: os.path.join(tmp, n)
        # case, files and options, exit status, allowance, what stdout of
        # `tls` must say (the outcome of the one connection)
        cases = [
            ("ch-len-2to24", ["-", p("ch-len.pcap")], 0, 8 * MiB, None),
            ("ch-5000-ext", ["-", p("ch-ext.pcap")], 0, 8 * MiB, None),
            ("cert-10mb", ["-", p("cert.pcap")], 0, 8 * MiB, None),
            ("cert-10mb-map", [p("cert.pcap")], 0, 24 * MiB, None),
            ("keylog-1m", ["--keylog", p("1m.keys"), real_pcap], 0,
             192 * MiB, "decrypted"),
            ("dsb-100mb", [p("dsb-big.pcapng")], 1, 64 * MiB, None),
            ("dsb-7x15mb", [p("dsb-many.pcapng")], 0, 160 * MiB,
             "decrypted"),
            # After a gap, 200 000 bytes of plausible record headers, each
            # a candidate for trial decryption: the budget keeps it fast.
            ("resync-flood", ["--keylog", real_keys, flood], 0, 8 * MiB,
             "decrypted"),
        ]
        failures = []
        print("mode: %s" % ("AddressSanitizer, RSS from wait4 only" if asan
                            else "RLIMIT_AS %d MiB" % (AS_LIMIT // MiB)))
        for cmd in ("tls", "http"):
            base = run(pcapsift, [cmd, real_pcap], asan, tmp)[2]
            print("%-4s %-13s rss %7.1f MiB (baseline)" % (cmd, "small",
                                                           base / MiB))
            for name, args, want_rc, allow, outcome in cases:
                rc, err, rss, secs = run(pcapsift, [cmd] + args, asan, tmp)
                bound = base + allow * scale
                what = "%s %s" % (cmd, name)
                warned = err.strip() != ""
                note = ""
                if (cmd, name) in SILENT:
                    note = "  XFAIL: no warning (known)" if not warned \
                        else ""
                    if warned:
                        failures.append("%s: warns now; remove it from "
                                        "SILENT" % what)
                elif not warned:
                    failures.append("%s: no warning on standard error" % what)
                print("%-4s %-13s rss %7.1f MiB (bound %6.1f)  %6.2f s  "
                      "exit %d%s" % (cmd, name, rss / MiB, bound / MiB, secs,
                                     rc, note))
                if rc != want_rc:
                    failures.append("%s: exit %d, want %d: %s" %
                                    (what, rc, want_rc, err[-600:]))
                if "AddressSanitizer" in err or "runtime error" in err or \
                        "LeakSanitizer" in err:
                    failures.append("%s: sanitizer report: %s" %
                                    (what, err[-2000:]))
                if secs > 10 * scale:
                    failures.append("%s: %.1f s, over %d s" % (what, secs,
                                                              10 * scale))
                if rss > bound:
                    failures.append("%s: max RSS %.1f MiB over %.1f MiB" %
                                    (what, rss / MiB, bound / MiB))
                if cmd == "tls" and outcome is not None:
                    with open(p("out")) as f:
                        got = f.read()
                    if outcome not in got:
                        failures.append("%s: not %s: %s" % (what, outcome,
                                                            got[:300]))
        for f in failures:
            print("FAIL: " + f)
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
