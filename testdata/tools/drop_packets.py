#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Delete every Nth TCP data packet of one direction from a classic pcap.

Usage: drop_packets.py IN.pcap OUT.pcap --every N --direction-port PORT
                       [--first K] [--report FILE]

The packets considered are the TCP segments that carry payload (TCP length
> 0) and whose *source* port is PORT (for a server on port 80: the
server->client direction).  Counting them 1, 2, 3, ... in file order, the
ones numbered K, K+N, K+2N, ... are left out of OUT (K defaults to N, so
the default deletes N, 2N, 3N, ...).  Everything else - every other packet,
the file header, all timestamps and packet bytes - is copied unchanged.  The
result is a capture with holes that the receiver nevertheless acknowledged,
as when the capturing host itself loses packets (the peers never noticed).

One line per deleted packet is written to --report (default: stderr):

    frame 57  10.99.0.2:80 -> 10.99.0.1:40101  seq 46337 len 1448

with the frame number in IN (1-based) and the sequence number relative to
that direction's SYN (absolute when the SYN is not in the file).

Classic pcap only (either byte order, microsecond or nanosecond); link
types Ethernet (1, with 802.1Q/802.1ad tags), raw IP (101, 228, 229) and
Linux cooked (113).  IPv4 (not fragmented) and IPv6 (TCP directly after the
fixed header).  Standard library only; the output is a deterministic
function of the input and the options.
"""

import argparse
import ipaddress
import struct
import sys

MAGICS = (0xA1B2C3D4, 0xA1B23C4D)


def detect_order(hdr):
    for order in ("<", ">"):
        (magic,) = struct.unpack(order + "I", hdr[:4])
        if magic in MAGICS:
            return order
    raise ValueError("not a classic pcap file (magic %s)" % hdr[:4].hex())


def ip_offset(linktype, pkt):
    """Offset of the IP header in a frame, or None if it is not IP."""
    if linktype == 1:
        off, etype = 14, None
        if len(pkt) < 14:
            return None
        etype = struct.unpack_from(">H", pkt, 12)[0]
        while etype in (0x8100, 0x88A8) and len(pkt) >= off + 4:
            etype = struct.unpack_from(">H", pkt, off + 2)[0]
            off += 4
        return off if etype in (0x0800, 0x86DD) else None
    if linktype in (101, 228, 229):
        return 0
    if linktype == 113:
        if len(pkt) < 16:
            return None
        etype = struct.unpack_from(">H", pkt, 14)[0]
        return 16 if etype in (0x0800, 0x86DD) else None
    raise ValueError("unsupported link type %d" % linktype)


def tcp_segment(linktype, pkt):
    """(src, dst, sport, dport, seq, flags, payload_len) or None."""
    off = ip_offset(linktype, pkt)
    if off is None or len(pkt) < off + 1:
        return None
    version = pkt[off] >> 4
    if version == 4:
        if len(pkt) < off + 20:
            return None
        ihl = (pkt[off] & 0x0F) * 4
        total, frag, proto = struct.unpack_from(">H2xH1xB", pkt, off + 2)
        if proto != 6 or frag & 0x3FFF:
            return None
        src = ipaddress.IPv4Address(pkt[off + 12:off + 16])
        dst = ipaddress.IPv4Address(pkt[off + 16:off + 20])
        tcp, end = off + ihl, off + total
    elif version == 6:
        if len(pkt) < off + 40:
            return None
        plen, nxt = struct.unpack_from(">HB", pkt, off + 4)
        if nxt != 6:
            return None
        src = ipaddress.IPv6Address(pkt[off + 8:off + 24])
        dst = ipaddress.IPv6Address(pkt[off + 24:off + 40])
        tcp, end = off + 40, off + 40 + plen
    else:
        return None
    if len(pkt) < tcp + 20:
        return None
    sport, dport, seq = struct.unpack_from(">HHI", pkt, tcp)
    doff = (pkt[tcp + 12] >> 4) * 4
    flags = pkt[tcp + 13]
    return src, dst, sport, dport, seq, flags, max(0, end - tcp - doff)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inp", metavar="IN")
    ap.add_argument("out", metavar="OUT")
    ap.add_argument("--every", type=int, required=True, metavar="N")
    ap.add_argument("--direction-port", type=int, required=True, metavar="PORT")
    ap.add_argument("--first", type=int, metavar="K",
                    help="number of the first deleted data packet (default N)")
    ap.add_argument("--report", metavar="FILE")
    args = ap.parse_args()
    if args.every < 1:
        ap.error("--every must be at least 1")
    first = args.every if args.first is None else args.first
    if first < 1:
        ap.error("--first must be at least 1")

    with open(args.inp, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit("%s: truncated file header" % args.inp)
    order = detect_order(data[:24])
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
    out = [data[:24]]
    report = []
    isn = {}
    at, frame, nth, dropped = 24, 0, 0, 0
    while at < len(data):
        if len(data) - at < 16:
            raise SystemExit("%s: truncated record header at %d" % (args.inp, at))
        incl = struct.unpack_from(order + "I", data, at + 8)[0]
        rec_end = at + 16 + incl
        if rec_end > len(data):
            raise SystemExit("%s: truncated record at %d" % (args.inp, at))
        frame += 1
        pkt = data[at + 16:rec_end]
        seg = tcp_segment(linktype, pkt)
        drop = False
        if seg is not None:
            src, dst, sport, dport, seq, flags, plen = seg
            key = (src, sport, dst, dport)
            if flags & 0x02:                      # SYN: remember the ISN
                isn[key] = seq
            if sport == args.direction_port and plen > 0:
                nth += 1
                if nth >= first and (nth - first) % args.every == 0:
                    drop = True
                    rel = (seq - isn[key]) & 0xFFFFFFFF if key in isn else seq
                    s = "[%s]" % src if src.version == 6 else str(src)
                    d = "[%s]" % dst if dst.version == 6 else str(dst)
                    report.append("frame %d  %s:%d -> %s:%d  seq %d len %d"
                                  % (frame, s, sport, d, dport, rel, plen))
        if drop:
            dropped += 1
        else:
            out.append(data[at:rec_end])
        at = rec_end

    with open(args.out, "wb") as f:
        f.write(b"".join(out))
    text = "".join(line + "\n" for line in report)
    if args.report:
        with open(args.report, "w", encoding="ascii") as f:
            f.write(text)
    else:
        sys.stderr.write(text)
    sys.stderr.write("%s: %d of %d frames kept; %d of %d data packets from "
                     "port %d deleted\n" % (args.out, frame - dropped, frame,
                                            dropped, nth, args.direction_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
