#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Rewrite a classic pcap file in the other byte order.

Usage: pcap_swap.py IN.pcap OUT.pcap

The 24-byte file header and every 16-byte record header are re-encoded in
the byte order opposite to the input's; the packet bytes are copied
unchanged.  Both microsecond (magic 0xa1b2c3d4) and nanosecond (magic
0xa1b23c4d) files are accepted, and the precision is kept.  Only the
standard library is used.  Exits non-zero on a malformed or truncated input
(a partial last record is an error, not silently dropped).
"""

import os
import struct
import sys

MAGICS = (0xA1B2C3D4, 0xA1B23C4D)

# magic, version_major, version_minor, thiszone, sigfigs, snaplen, linktype
FILE_HDR = "IHHiIII"
# ts_sec, ts_frac (usec or nsec), incl_len, orig_len
REC_HDR = "IIII"


def detect_order(hdr):
    for order in ("<", ">"):
        (magic,) = struct.unpack(order + "I", hdr[:4])
        if magic in MAGICS:
            return order
    raise ValueError("not a classic pcap file (magic %s)" % hdr[:4].hex())


def swap(src, dst):
    hdr = src.read(24)
    if len(hdr) != 24:
        raise ValueError("truncated file header (%d bytes)" % len(hdr))
    order = detect_order(hdr)
    other = ">" if order == "<" else "<"
    fields = struct.unpack(order + FILE_HDR, hdr)
    dst.write(struct.pack(other + FILE_HDR, *fields))
    count = 0
    while True:
        rec = src.read(16)
        if not rec:
            break
        if len(rec) != 16:
            raise ValueError("record %d: truncated header (%d bytes)"
                             % (count + 1, len(rec)))
        ts_sec, ts_frac, incl_len, orig_len = struct.unpack(order + REC_HDR, rec)
        data = src.read(incl_len)
        if len(data) != incl_len:
            raise ValueError("record %d: truncated data (%d of %d bytes)"
                             % (count + 1, len(data), incl_len))
        dst.write(struct.pack(other + REC_HDR, ts_sec, ts_frac, incl_len, orig_len))
        dst.write(data)
        count += 1
    return order, count


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: %s IN.pcap OUT.pcap\n" % argv[0])
        return 2
    try:
        with open(argv[1], "rb") as src, open(argv[2], "wb") as dst:
            order, count = swap(src, dst)
    except ValueError as e:
        sys.stderr.write("pcap_swap: %s: %s\n" % (argv[1], e))
        os.remove(argv[2])  # no half-written output
        return 1
    names = {"<": "little", ">": "big"}
    other = ">" if order == "<" else "<"
    sys.stderr.write("pcap_swap: %d records, %s-endian -> %s-endian\n"
                     % (count, names[order], names[other]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
