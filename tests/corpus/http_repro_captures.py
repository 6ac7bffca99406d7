#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes minimal captures reproducing the disagreements found by
http_conformance.py where pcapsift, not the other suite, was judged wrong.
Not a test: each capture states what a correct `pcapsift http` reports,
and the corpus file it was reduced from.

usage: http_repro_captures.py OUTDIR
"""
import os
import struct
import sys

A, B = '10.0.0.1', '10.0.0.2'
REQ = b'GET /x HTTP/1.1\r\nHost: b\r\n\r\n'
RESP = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def ip(a):
    return bytes(int(x) for x in a.split('.'))


def pkt(src, sp, dst, dp, seq, ack, flags, payload=b''):
    tcp = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535,
                      0, 0) + payload
    ph = ip(src) + ip(dst) + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(ph + tcp)) + tcp[18:]
    iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                      0, ip(src), ip(dst))
    iph = iph[:10] + struct.pack('!H', csum(iph)) + iph[12:]
    return b'\0\1\2\3\4\5\0\1\2\3\4\6\x08\x00' + iph + tcp


def write(path, pkts):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack('<IIII', 1700000000 + i, 0, len(p), len(p))
                    + p)


def conversation(creq, sresp, sport=40000, dport=80):
    """Handshake, one request, one response, FINs."""
    c, s = 1000, 5000
    p = [pkt(A, sport, B, dport, c, 0, 0x02),
         pkt(B, dport, A, sport, s, c + 1, 0x12),
         pkt(A, sport, B, dport, c + 1, s + 1, 0x10),
         pkt(A, sport, B, dport, c + 1, s + 1, 0x18, creq),
         pkt(B, dport, A, sport, s + 1, c + 1 + len(creq), 0x18, sresp)]
    c2, s2 = c + 1 + len(creq), s + 1 + len(sresp)
    p += [pkt(B, dport, A, sport, s2, c2, 0x11),
          pkt(A, sport, B, dport, c2, s2 + 1, 0x11)]
    return p


CASES = {
    'late-synack.pcap': (
        'SYN, SYN again, SYN-ACK (ISN 5000), ACK, request, then a second '
        'SYN-ACK with another ISN (answering the repeated SYN), then the '
        'response at 5001. Expected: GET /x -> 200. Seen: no_response, '
        'the server data counted as retransmissions. From '
        'pcap2har/tests/out-of-order.pcap, 10.166.154.146:43942 (frames '
        '312-496): 47 responses lost.',
        [pkt(A, 40020, B, 80, 1000, 0, 0x02),
         pkt(A, 40020, B, 80, 1000, 0, 0x02),
         pkt(B, 80, A, 40020, 5000, 1001, 0x12),
         pkt(A, 40020, B, 80, 1001, 5001, 0x10),
         pkt(A, 40020, B, 80, 1001, 5001, 0x18, REQ),
         pkt(B, 80, A, 40020, 900000, 1001, 0x12),
         pkt(A, 40020, B, 80, 1001 + len(REQ), 5001, 0x10),
         pkt(B, 80, A, 40020, 5001, 1001 + len(REQ), 0x18, RESP)]),
    'midstream-keepalive.pcap': (
        'mid-stream capture whose first client segment is a TCP keep-alive '
        'probe (1 byte 0x00 at next-1). Expected: GET /x -> 200. Seen: the '
        'probe byte is stream data ("\\x00GET ..."), the request is lost '
        'and the 200 has no request. From many-protocols.pcap '
        '(PcapPlusPlus), 10.0.0.1:55193 frames 33, 1286.',
        [pkt(A, 40021, B, 80, 1999, 7000, 0x10, b'\x00'),
         pkt(B, 80, A, 40021, 7000, 2000, 0x10),
         pkt(A, 40021, B, 80, 2000, 7000, 0x18, REQ),
         pkt(B, 80, A, 40021, 7000, 2000 + len(REQ), 0x18, RESP)]),
    'midstream-client-port-below-server-port.pcap': (
        'mid-stream, client 10.0.0.1:1035 -> server :8080, request and '
        'response. Expected: GET /x -> 200. Seen: nothing (the lower port '
        'is taken for the server, so the request is in the "server" '
        'direction). Suricata uricontent/detect-uricontent-04,05,07 '
        '(request from :53 to :80) fail the same way.',
        [pkt(A, 1035, B, 8080, 1000, 5000, 0x18, REQ),
         pkt(B, 8080, A, 1035, 5000, 1000 + len(REQ), 0x18, RESP)]),
    'bad-request-line.pcap': (
        'handshake, request line "GET / HTTP/1." (version cut), valid '
        '200 response. Expected: the 200 at least (as for the same bytes '
        'mid-stream, where pcapsift gives it as no_request). Seen: nothing '
        'for the connection. Zeek http/methods.pcap (39 of 49 '
        'connections, e.g. "OPTIONS HTTP/1.1", "GET/ HTTP/1.1"), '
        'http-bad-request-with-version.pcap (4 junk bytes before GET), '
        'http_09.pcap ("POST /zeek.html").',
        conversation(b'GET / HTTP/1.\r\nHost: b\r\n\r\n', RESP)),
    'cl-leading-zeros.pcap': (
        'Content-Length: 00000000000000000000005 (23 digits, value 5; '
        'RFC 9110 1*DIGIT) then a second request. Expected: POST / with a '
        '5-byte body, then GET /next. Seen: cl_invalid, body 0, second '
        'request read as method "XXXXXGET". 3 digits (005) work. Zeek '
        'http/261/variant-08-leading_zeros.pcap (32 digits).',
        conversation(b'POST / HTTP/1.1\r\nHost: b\r\nContent-Length: '
                     b'00000000000000000000005\r\n\r\nXXXXX'
                     b'GET /next HTTP/1.1\r\nHost: b\r\n\r\n', RESP)),
    'lowercase-status-line.pcap': (
        'response "http/1.1 200 OK". Expected (leniently, flagged): '
        'GET /x -> 200, as Zeek. Seen: no_response, the response bytes '
        'silently dropped. Zeek http/http-lower-case.pcap; likewise '
        '"HTTP/1.0 2XX OK" in suricata http1-noint-status.',
        conversation(REQ, RESP.replace(b'HTTP/1.1', b'http/1.1'))),
    'http09-request-http11-response.pcap': (
        'request line "GET HTTP/1.1" (no target) with headers; the server '
        'answers "HTTP/1.1 200 OK". Expected: status 200. Seen: the '
        'request is taken for HTTP/0.9 and the response read as a 0.9 '
        'body (status 0). Zeek http/no-uri.pcap.',
        conversation(b'GET HTTP/1.1\r\nHost: b\r\n\r\n', RESP)),
}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (what, pkts) in CASES.items():
        write(os.path.join(out, name), pkts)
        print('%s: %s' % (name, what))
    return 0


if __name__ == '__main__':
    sys.exit(main())
