#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds a large SYNTHETIC classic pcap by repeating the records of a real
one (testdata/http/basic.pcap by default) with timestamps moved forward and,
in each repetition, the client's address changed (IPv4 11.x.y.z, IPv6 the
last 32 bits of fd00:99::1), so every repetition is a connection of its own.
Checksums are not recomputed (pcapsift, tcpdump -w and tshark do not check
them by default). For reader, TCP and HTTP throughput and memory on
hundreds of megabytes.

usage: make_large_pcap.py OUT MEGABYTES [SOURCE.pcap]
"""
import struct
import sys


def records(data):
    off = 24
    while off + 16 <= len(data):
        sec, usec, caplen, origlen = struct.unpack_from("<IIII", data, off)
        yield sec, usec, data[off + 16:off + 16 + caplen], origlen
        off += 16 + caplen


CLIENT4 = bytes([10, 99, 0, 1])
CLIENT6 = bytes.fromhex("fd000099000000000000000000000001")


def relabel(frame, round_no):
    """The frame with the test client's address made unique to this round
    (Ethernet frames of basic.pcap: IPv4 or IPv6 after 14 bytes)."""
    if len(frame) < 14:
        return frame
    etype = frame[12:14]
    f = bytearray(frame)
    if etype == b"\x08\x00" and len(f) >= 34:
        new = bytes([11, (round_no >> 16) & 255, (round_no >> 8) & 255,
                     round_no & 255])
        for at in (26, 30):
            if f[at:at + 4] == CLIENT4:
                f[at:at + 4] = new
    elif etype == b"\x86\xdd" and len(f) >= 54:
        for at in (22, 38):
            if f[at:at + 16] == CLIENT6:
                f[at + 12:at + 16] = round_no.to_bytes(4, "big")
    return bytes(f)


def main():
    out, megabytes = sys.argv[1], int(sys.argv[2])
    src = sys.argv[3] if len(sys.argv) > 3 else "testdata/http/basic.pcap"
    data = open(src, "rb").read()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        sys.exit("source must be a little-endian microsecond pcap")
    recs = list(records(data))
    target = megabytes * 1024 * 1024
    written = 24
    shift = 0
    with open(out, "wb") as f:
        f.write(data[:24])
        chunk = []
        while written < target:
            for sec, usec, payload, origlen in recs:
                chunk.append(struct.pack("<IIII", sec + shift, usec,
                                         len(payload), origlen))
                chunk.append(relabel(payload, shift))
                written += 16 + len(payload)
            shift += 1
            if len(chunk) > 20000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))


if __name__ == "__main__":
    main()
