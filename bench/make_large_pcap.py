#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds a large SYNTHETIC classic pcap by repeating the records of a real
one (testdata/http/basic.pcap by default) with timestamps moved forward, so
reader throughput and memory can be measured on hundreds of megabytes.

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
                chunk.append(payload)
                written += 16 + len(payload)
            shift += 1
            if len(chunk) > 20000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))


if __name__ == "__main__":
    main()
