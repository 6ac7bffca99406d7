#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-check of `pcapsift tls` with tshark 4's TLS dissector over every
capture of the shared corpus that has TLS.

usage: xcheck_tshark_tls.py PCAPSIFT CORPUS_DIR [--table FILE] [--known FILE]
                            [--report FILE] [--only SUBSTRING] [--verbose]
                            [--keys DIR]
       xcheck_tshark_tls.py PCAPSIFT CORPUS_DIR --regen [--table FILE]
                            [--only SUBSTRING]

tshark takes minutes over the corpus and CI has no Wireshark, so its
answers are kept in a table (default: tls_tshark_expected.tsv next to this
script) that --regen writes again (with --only: of those captures alone,
for trying); the check itself runs only pcapsift, in seconds.

--regen runs tshark (-T fields, one line per frame, with
tcp.reassemble_out_of_order on: by default tshark 4.0 does not dissect a
hello whose segments arrive out of order) on every capture of
capinfos_counts.tsv (also those capinfos could not read to their end:
tshark reads what comes before the damage), and keeps one row per TCP
stream (tcp.stream) in which it dissected TLS (record 'tls'), and per UDP
stream with DTLS or QUIC ('dtls', 'quic'). Frames quoting other packets'
headers (ICMP errors, sFlow samples) are left out. Columns:

  first_ns     the stream's first frame time, integer nanoseconds
  client       the ClientHello's sender (client_by 'hello'); without one
               the sender of a SYN without ACK ('syn'), the receiver of a
               ServerHello ('server_hello'), else the first frame's
               sender ('first'); addresses of the innermost IP header
  tshark       'auto' when tshark dissected TLS by its own ports and
               heuristics; 'decode-as' when it did only with
               `-d tcp.port==P,tls`, which --regen tries for every
               connection pcapsift calls TLS and tshark did not
  client_version  the ClientHello's legacy_version (tls.handshake.version)
  offered      its supported_versions (RFC 8446 4.2.1) without GREASE
               values (RFC 8701); '-' without the extension
  sni          its tls.handshake.extensions_server_name
  version      the ServerHello's selected version: its supported_versions
               when present, else its tls.handshake.version (a Hello
               Retry Request is skipped: RFC 8446's fixed random); cipher
               its tls.handshake.ciphersuite; alpn the server's
               tls.handshake.extensions_alpn_str (in the ServerHello, or
               in EncryptedExtensions when tshark decrypted)
  cert, chain  sha256 of the first tls.handshake.certificate the server
               sent, and how many certificates its message held
  decrypted    'yes' when tshark decrypted the handshake (it shows a
               Finished message, encrypted in every version), with the
               capture's own pcap-ng decryption secrets blocks
  notes        ssl2 (an SSLv2-format hello was dissected), no_syn (no
               SYN: caught mid-stream), no_records (tshark never parsed a
               TLS record header: 'Continuation Data' only, by port),
               cleartext=P,.. (protocol P came before the first TLS
               record: HTTP CONNECT, SOCKS, MySQL SSLRequest, STARTTLS),
               hrr, hellos=C/S (more than one ClientHello or ServerHello)

and rows 'http' (method, uri) and 'http2' (:method, :path) for the
requests tshark decoded inside TLS, i.e. decrypted.

The check runs `PCAPSIFT tls -F jsonl -q FILE` on every capture of
capinfos_counts.tsv, pairs its connections with the table's streams by the
client and server address and port and the first packet time (the nearest
when a 4-tuple repeats) and compares: that the connection is there on both
sides, the first packet time, the client's side (unless tshark only
guessed it from the first frame), client_version, offered, sni, version,
cipher (pcapsift's cipher_value), alpn, the server certificate's sha256
and chain length, and decryption: tshark decrypted exactly where pcapsift
says 'decrypted'. UDP streams are out of pcapsift's scope: each is a
difference 'udp', to be listed.

Decryption: no capture of the corpus has a key log file beside it; four
carry TLS key logs in pcap-ng decryption secrets blocks (DSBs), which
tshark and pcapsift both read. For those, `PCAPSIFT http -F jsonl -q` must
give, per connection, the HTTP/1.x requests (method, target) tshark
decrypted; and again with the secrets as --keylog FILE (what `pcapsift
keys --extract-keys` writes) on a copy of the capture without its DSBs,
so that both ways of giving keys are checked. --keys DIR adds key logs
from elsewhere (e.g. Wireshark's test/keys/): DIR/NAME.keys is used for
the capture NAME.pcap (or .pcapng, .gz...): tshark runs live on it with
-o tls.keylog_file (this needs tshark) and pcapsift with --keylog.

Each difference is a line "CAPTURE<TAB>CONNECTION<TAB>TEXT", CONNECTION
being 'client:port>server:port' (IPv6 in brackets) as tshark sees it, or
'-' for the capture as a whole. It is accepted when the known-differences
file (default: tls_known_differences.tsv next to this script; columns
capture, connection, difference, class, reason) lists it: capture,
connection and difference may be '*' (any), difference may end in '*' (a
prefix). Class and reason must not be empty. pcapsift bugs do not belong
there.

Exit status: 0 when every difference is listed, 1 when one is not (or
pcapsift crashed or timed out), 2 usage, 77 when CORPUS_DIR or the table
is missing (meson counts 77 as skipped). Listed differences that did not
occur are reported as stale (not a failure). PCAPSIFT_CORPUS_JOBS sets the
parallelism (default: the CPUs usable).
"""

import calendar
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

SKIP = 77
TIMEOUT = 60
TSHARK_TIMEOUT = 600
AGG = '\x1f'
HERE = os.path.dirname(os.path.abspath(__file__))
HRR_RANDOM = ('cf21ad74e59a6111be1d8c021e65b891'
              'c2a211167abb8c5e079e09e2c8a8339c')
SANITIZER_MARKERS = ('AddressSanitizer', 'UndefinedBehaviorSanitizer',
                     'LeakSanitizer', 'runtime error:')
COLUMNS = ('capture', 'record', 'stream', 'first_ns', 'client',
           'client_port', 'server', 'server_port', 'client_by', 'tshark',
           'client_version', 'offered', 'sni', 'version', 'cipher', 'alpn',
           'cert', 'chain', 'decrypted', 'notes', 'method', 'uri')
FIELDS = ('frame.number', 'frame.time_epoch', 'frame.protocols',
          'tcp.stream', 'udp.stream', 'ip.src', 'ip.dst', 'ipv6.src',
          'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport',
          'udp.dstport', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.len',
          'tls.record.content_type', 'tls.handshake.type',
          'tls.handshake.version', 'tls.handshake.random',
          'tls.handshake.extensions.supported_version',
          'tls.handshake.ciphersuite', 'tls.handshake.extensions_server_name',
          'tls.handshake.extensions_alpn_str', 'tls.handshake.certificate',
          'http.request.method',
          'http.request.uri', 'http2.headers.method', 'http2.headers.path')
# Protocols that carry copies of other packets' headers, not connections.
QUOTING = {'icmp', 'icmpv6', 'sflow'}
# Protocols that say nothing about what a stream carries before its TLS.
TRANSPORT = {'eth', 'ethertype', 'ip', 'ipv6', 'tcp', 'udp', 'vlan', 'sll',
             'pppoes', 'ppp', 'pppoed', 'mpls', 'gre', 'raw', 'null',
             'loop', 'data', 'radiotap', 'wlan', 'wlan_radio', 'llc',
             'frame', 'ipv6.hopopts', 'gtp', 'erf', 'vxlan', 'udp',
             'sll2', 'tls', 'ssl', '_ws.malformed', '_ws.short',
             '_ws.expert', 'ip.options', 'pkt_comment', 'nflog', 'ppi',
             'pflog', 'enc', 'x2d', 'eapol', 'cflow', 'ipv6.routing',
             'ipv6.fraghdr', 'ipv6.dstopts', 'tcp.options', 'lsd'}


def is_grease(v):
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def hexv(text):
    """tshark's '0x0303' (or '771') to an int."""
    return int(text, 0)


def h4(v):
    return '0x%04x' % v


def epoch_ns(text):
    """tshark's frame.time_epoch ('1534444139.498106000') to ns."""
    neg = text.startswith('-')
    sec, _, frac = text.lstrip('-').partition('.')
    ns = int(sec) * 10**9 + int((frac + '000000000')[:9])
    return -ns if neg else ns


def iso_ns(text):
    """pcapsift's '2018-08-16T18:28:59.498106000Z' to epoch ns."""
    m = re.fullmatch(r'(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)'
                     r'(?:\.(\d+))?Z', text)
    if not m:
        return None
    sec = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    return sec * 10**9 + int(((m.group(7) or '') + '000000000')[:9])


def ep(addr, port):
    return ('[%s]:%s' % (addr, port)) if ':' in addr else \
        ('%s:%s' % (addr, port))


def conn_key(c, cp, s, sp):
    return '%s>%s' % (ep(c, cp), ep(s, sp))


def escape(text):
    if text is None or text == '':
        return '-'
    b = text.encode('utf-8', 'surrogateescape')
    out = ''.join('\\\\' if c == 0x5c else chr(c) if 0x20 < c < 0x7f
                  else '\\x%02x' % c for c in b)
    return '\\x2d' if out == '-' else out


def read_tsv(path):
    rows, header = [], None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cells = line.split('\t')
            if header is None:
                header = cells
                continue
            cells += [''] * (len(header) - len(cells))
            rows.append(dict(zip(header, cells)))
    return rows


def capture_list(corpus):
    """Every capture of capinfos_counts.tsv that exists."""
    rows = read_tsv(os.path.join(HERE, 'capinfos_counts.tsv'))
    return [r['relpath'] for r in rows
            if os.path.isfile(os.path.join(corpus, r['relpath']))]


# ------------------------------------------------------------ tshark

def tshark_frames(path, decode_as=(), keylog=None):
    args = ['tshark', '-n', '-r', path, '-o',
            'tcp.reassemble_out_of_order:TRUE', '-T', 'fields', '-E',
            'occurrence=a', '-E', 'aggregator=' + AGG, '-E',
            'separator=\t']
    if keylog is not None:
        args += ['-o', 'tls.keylog_file:' + keylog]
    for port in sorted(decode_as):
        args += ['-d', 'tcp.port==%d,tls' % port]
    for f in FIELDS:
        args += ['-e', f]
    p = subprocess.run(args, capture_output=True, timeout=TSHARK_TIMEOUT,
                       stdin=subprocess.DEVNULL)
    for line in p.stdout.decode('utf-8', 'surrogateescape').splitlines():
        cells = line.split('\t')
        cells += [''] * (len(FIELDS) - len(cells))
        yield {k: (v.split(AGG) if v else []) for k, v in zip(FIELDS, cells)}


def innermost(fr, proto):
    """Addresses and ports of the innermost IP header and transport."""
    protos = fr['frame.protocols'][0].split(':') if fr['frame.protocols'] \
        else []
    last_ip = None
    for p in protos:
        if p in ('ip', 'ipv6'):
            last_ip = p
    if last_ip is None:
        return None
    src, dst = fr[last_ip + '.src'], fr[last_ip + '.dst']
    sp, dp = fr[proto + '.srcport'], fr[proto + '.dstport']
    if not src or not dst or not sp or not dp:
        return None
    return (src[-1], int(sp[-1])), (dst[-1], int(dp[-1]))


class Stream:
    def __init__(self, proto, sid, ts, src, dst):
        self.proto, self.sid, self.first_ns = proto, sid, ts
        self.first_src, self.first_dst = src, dst
        self.syn_src = None
        self.tls = False
        self.records = 0        # frames with a TLS record header
        self.ssl2 = False
        self.dtls = self.quic = False
        self.cleartext = []     # protocols before the first TLS record
        self.hellos = []        # (src, fields) of ClientHellos
        self.server_hellos = []  # (dst, fields) of ServerHellos
        self.alpn_ee = None
        self.certs = {}         # sender: [DER hex] of its first Certificate
        self.finished = False
        self.requests = []      # ('http'|'http2', method, uri)


def tshark_streams(path, decode_as=(), keylog=None):
    streams = {}
    for fr in tshark_frames(path, decode_as, keylog):
        protos = fr['frame.protocols'][0].split(':') if \
            fr['frame.protocols'] else []
        if QUOTING.intersection(protos):
            continue  # a header quoted by ICMP or sampled by sFlow
        proto = 'tcp' if fr['tcp.stream'] else 'udp' if fr['udp.stream'] \
            else None
        if proto is None:
            continue
        eps = innermost(fr, proto)
        if eps is None or not fr['frame.time_epoch']:
            continue
        sid = int(fr[proto + '.stream'][-1])
        ts = epoch_ns(fr['frame.time_epoch'][0])
        s = streams.get((proto, sid))
        if s is None:
            s = streams[(proto, sid)] = Stream(proto, sid, ts, *eps)
        src, dst = eps
        if proto == 'udp':
            if 'dtls' in protos:
                s.dtls = True
            if 'quic' in protos or 'gquic' in protos:
                s.quic = True
            continue
        syn = fr['tcp.flags.syn'][-1:] in (['1'], ['True'])
        ack = fr['tcp.flags.ack'][-1:] in (['1'], ['True'])
        if syn and not ack and s.syn_src is None:
            s.syn_src = src
        has_tls = 'tls' in protos or 'ssl' in protos
        if not has_tls:
            if not s.tls and fr['tcp.len'] and int(fr['tcp.len'][-1]) > 0:
                top = [p for p in protos if p not in TRANSPORT]
                if top and top[-1] not in s.cleartext:
                    s.cleartext.append(top[-1])
            continue
        s.tls = True
        if fr['tls.record.content_type']:
            s.records += 1
        types = fr['tls.handshake.type']
        if not fr['tls.record.content_type'] and '1' in types:
            s.ssl2 = True   # an SSLv2 record has no content type
        if '20' in types:
            s.finished = True
        if '1' in types:
            s.hellos.append((src, fr))
        if '2' in types:
            s.server_hellos.append((dst, fr))
        if '11' in types and fr['tls.handshake.certificate'] and \
                src not in s.certs:
            s.certs[src] = fr['tls.handshake.certificate']
        if '8' in types and fr['tls.handshake.extensions_alpn_str'] and \
                '2' not in types and s.alpn_ee is None:
            s.alpn_ee = fr['tls.handshake.extensions_alpn_str'][0]
        for m, u in zip(fr['http.request.method'], fr['http.request.uri']):
            s.requests.append(('http', m, u))
        for m, u in zip(fr['http2.headers.method'],
                        fr['http2.headers.path']):
            s.requests.append(('http2', m, u))
    return streams


def stream_rows(rel, s, how):
    """The table rows of one stream."""
    if s.proto == 'udp':
        kind = 'quic' if s.quic else 'dtls'
        r = {'capture': rel, 'record': kind, 'stream': str(s.sid),
             'first_ns': str(s.first_ns), 'client': s.first_src[0],
             'client_port': str(s.first_src[1]), 'server': s.first_dst[0],
             'server_port': str(s.first_dst[1]), 'client_by': 'first',
             'tshark': how}
        return [{c: r.get(c) or '-' for c in COLUMNS}]
    if s.hellos:
        client, by = s.hellos[0][0], 'hello'
    elif s.syn_src is not None:
        client, by = s.syn_src, 'syn'
    elif s.server_hellos:
        client, by = s.server_hellos[0][0], 'server_hello'
    else:
        client, by = s.first_src, 'first'
    server = s.first_dst if client == s.first_src else s.first_src
    r = {'capture': rel, 'record': 'tls', 'stream': str(s.sid),
         'first_ns': str(s.first_ns), 'client': client[0],
         'client_port': str(client[1]), 'server': server[0],
         'server_port': str(server[1]), 'client_by': by, 'tshark': how}
    notes = []
    if s.ssl2:
        notes.append('ssl2')
    if s.syn_src is None:
        notes.append('no_syn')
    if not s.records and not s.ssl2:
        notes.append('no_records')
    if s.cleartext:
        notes.append('cleartext=' + ','.join(s.cleartext))
    if s.hellos:
        fr = s.hellos[0][1]
        sv = [hexv(v) for v in fr['tls.handshake.extensions.supported_version']]
        sv = [v for v in sv if not is_grease(v)]
        r['offered'] = ','.join(h4(v) for v in sv) if \
            fr['tls.handshake.extensions.supported_version'] else '-'
        r['client_version'] = h4(hexv(fr['tls.handshake.version'][0])) \
            if fr['tls.handshake.version'] else '-'
        names = fr['tls.handshake.extensions_server_name']
        r['sni'] = escape(names[0]) if names else '-'
    sh = None
    for dst, fr in s.server_hellos:
        rnd = fr['tls.handshake.random']
        if rnd and rnd[0].replace(':', '') == HRR_RANDOM:
            notes.append('hrr')
            continue
        sh = fr
        break
    if sh is not None:
        sv = sh['tls.handshake.extensions.supported_version']
        ver = sv[0] if sv else (sh['tls.handshake.version'] or ['-'])[0]
        r['version'] = h4(hexv(ver)) if ver != '-' else '-'
        cs = sh['tls.handshake.ciphersuite']
        r['cipher'] = h4(hexv(cs[0])) if cs else '-'
        alpn = sh['tls.handshake.extensions_alpn_str']
        r['alpn'] = escape(alpn[0]) if alpn else \
            escape(s.alpn_ee) if s.alpn_ee is not None else '-'
    certs = s.certs.get(server)
    if certs:
        r['cert'] = hashlib.sha256(bytes.fromhex(
            certs[0].replace(':', ''))).hexdigest()
        r['chain'] = str(len(certs))
    if len(s.hellos) > 1 or len(s.server_hellos) > 1:
        notes.append('hellos=%d/%d' % (len(s.hellos), len(s.server_hellos)))
    r['decrypted'] = 'yes' if s.finished else 'no'
    r['notes'] = ','.join(notes) or '-'
    rows = [r]
    for kind, m, u in s.requests:
        rows.append({'capture': rel, 'record': kind, 'stream': str(s.sid),
                     'first_ns': str(s.first_ns), 'client': client[0],
                     'client_port': str(client[1]), 'server': server[0],
                     'server_port': str(server[1]), 'tshark': how,
                     'method': escape(m), 'uri': escape(u)})
    return [{c: r.get(c) or '-' for c in COLUMNS} for r in rows]


# ------------------------------------------------------------ pcapsift

class Run:
    def __init__(self):
        self.conns = []
        self.problem = None
        self.status = None


def run_pcapsift(binary, args, path):
    run = Run()
    try:
        p = subprocess.run([binary] + args + ['-q', path],
                           capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        run.problem = 'pcapsift %s timed out after %d s' % (args[0], TIMEOUT)
        return run
    run.status = p.returncode
    err = p.stderr.decode('utf-8', 'replace')
    if p.returncode < 0:
        run.problem = 'pcapsift %s died of signal %s' % (
            args[0], signal.Signals(-p.returncode).name)
    elif p.returncode not in (0, 1):
        run.problem = 'pcapsift %s exit status %d: %s' % (
            args[0], p.returncode, err.strip()[:200])
    if any(m in err for m in SANITIZER_MARKERS):
        run.problem = 'pcapsift %s: sanitizer report' % args[0]
    for line in p.stdout.splitlines():
        try:
            run.conns.append(json.loads(line))
        except ValueError:
            run.problem = run.problem or 'output line is not JSON'
    return run


def version_value(name):
    """pcapsift's 'TLS 1.2' / 'SSL 3.0' / '0x7f1c' to a number."""
    if name is None:
        return None
    m = re.fullmatch(r'TLS 1\.(\d)', name)
    if m:
        return 0x0301 + int(m.group(1))
    if name == 'SSL 3.0':
        return 0x0300
    if name == 'SSL 2.0':
        return 0x0002
    if re.fullmatch(r'0x[0-9a-fA-F]{4}', name):
        return int(name, 16)
    return None


def ours_of(o):
    """A pcapsift tls row in the table's terms."""
    ver = version_value(o.get('version'))
    offered = o.get('offered_versions')
    return {
        'key': conn_key(o['client'], o['client_port'], o['server'],
                        o['server_port']),
        'pair': frozenset([ep(o['client'], o['client_port']),
                           ep(o['server'], o['server_port'])]),
        'first_ns': iso_ns(o['time']),
        'client': ep(o['client'], o['client_port']),
        'sni': escape(o.get('sni') or ''),
        'client_version': h4(version_value(o['client_version']))
        if o.get('client_version') else '-',
        'offered': ','.join(h4(v) for v in (version_value(x) for x in
                                             offered or [])
                            if v is not None and not is_grease(v)),
        'has_offered': bool(offered),
        'version': h4(ver) if ver else '-',
        'cipher': h4(o['cipher_value']) if o.get('cipher_value') else '-',
        'alpn': escape(o.get('alpn') or ''),
        'cert': (o.get('certificate') or {}).get('sha256', '-'),
        'chain': str((o.get('certificate') or {}).get('chain_length', '-')),
        'outcome': o.get('outcome'),
        'conn': o['conn'],
    }


# ------------------------------------------------------------ regen

def regen_one(binary, corpus, rel):
    path = os.path.join(corpus, rel)
    streams = tshark_streams(path)
    rows = []
    seen = set()
    for (proto, sid), s in sorted(streams.items()):
        if (proto == 'tcp' and s.tls) or (proto == 'udp' and
                                          (s.dtls or s.quic)):
            rows += stream_rows(rel, s, 'auto')
            if proto == 'tcp':
                seen.add(frozenset([ep(*s.first_src), ep(*s.first_dst)]))
    # Connections pcapsift calls TLS that tshark did not dissect: again,
    # telling tshark which port is TLS.
    run = run_pcapsift(binary, ['tls', '-F', 'jsonl'], path)
    ports = set()
    missing = set()
    for o in run.conns:
        u = ours_of(o)
        if u['pair'] not in seen:
            ports.add(o['server_port'])
            missing.add(u['pair'])
    if ports:
        for (proto, sid), s in sorted(tshark_streams(path, ports).items()):
            pair = frozenset([ep(*s.first_src), ep(*s.first_dst)])
            if proto == 'tcp' and s.tls and pair in missing:
                rows += stream_rows(rel, s, 'decode-as')
    return rel, rows


def tshark_version():
    p = subprocess.run(['tshark', '-v'], capture_output=True, text=True)
    return p.stdout.splitlines()[0] if p.stdout else 'tshark'


def regen(binary, corpus, table, jobs, only=None):
    if shutil.which('tshark') is None:
        sys.stderr.write('--regen needs tshark\n')
        return 2
    caps = capture_list(corpus)
    if only:
        caps = [c for c in caps if only in c]
    rows = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for rel, r in ex.map(lambda c: regen_one(binary, corpus, c), caps):
            rows += r
    ncap = len({r['capture'] for r in rows})
    with open(table, 'w', encoding='utf-8') as f:
        f.write('# TLS as tshark dissects it in the captures of the shared '
                'corpus, per TCP stream\n# (and DTLS/QUIC UDP streams), '
                'and the HTTP requests it decrypted.\n# Generated by '
                'tests/corpus/xcheck_tshark_tls.py --regen (which documents '
                'the columns)\n# with %s over %d captures '
                '(%d with TLS); do not edit.\n' % (tshark_version(),
                                                   len(caps), ncap))
        f.write('\t'.join(COLUMNS) + '\n')
        for r in rows:
            f.write('\t'.join(r.get(c) or '-' for c in COLUMNS) + '\n')
    print('wrote %s: %d rows, %d captures with TLS, DTLS or QUIC of %d' % (
        table, len(rows), ncap, len(caps)))
    return 0


# ------------------------------------------------------------ keys

def tls_key_log(binary, path):
    """The TLS key log of the capture's decryption secrets blocks, or
    None."""
    fd, out = tempfile.mkstemp(suffix='.keys')
    os.close(fd)
    subprocess.run([binary, 'keys', '-q', '--extract-keys', out, path],
                   capture_output=True, timeout=TIMEOUT,
                   stdin=subprocess.DEVNULL)
    text = open(out, encoding='utf-8', errors='replace').read()
    if not re.search(r'^[A-Z_0-9]+ [0-9a-fA-F]{64} ', text, re.M):
        os.unlink(out)
        return None
    return out


def without_dsb(path, out):
    """Copies a pcap-ng file without its decryption secrets blocks."""
    import gzip
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    res = bytearray()
    i, fmt = 0, '<I'
    while i + 12 <= len(data):
        btype = struct.unpack_from(fmt, data, i)[0]
        if btype == 0x0a0d0d0a:
            bom = data[i + 8:i + 12]
            fmt = '<I' if bom == b'\x4d\x3c\x2b\x1a' else '>I'
        blen = struct.unpack_from(fmt, data, i + 4)[0]
        if blen < 12 or i + blen > len(data):
            res += data[i:]
            break
        if btype != 0x0000000a:
            res += data[i:i + blen]
        i += blen
    with open(out, 'wb') as f:
        f.write(res)


def http_requests(binary, args, path):
    """{conn: Counter((method, target))} and a problem or None."""
    run = run_pcapsift(binary, ['http', '-F', 'jsonl'] + args, path)
    reqs = defaultdict(Counter)
    for o in run.conns:
        if o.get('type') == 'http' and o.get('request'):
            q = o['request']
            reqs[o['conn']][(escape(q['method']), escape(q['target']))] += 1
    return reqs, run.problem


# ------------------------------------------------------------ compare

def compare_capture(binary, corpus, rel, rows, keylog=None):
    """(differences, stats) of one capture: differences are
    (connection, text)."""
    path = os.path.join(corpus, rel)
    diffs = []
    st = Counter()
    base = ['--keylog', keylog] if keylog else []
    run = run_pcapsift(binary, ['tls', '-F', 'jsonl'] + base, path)
    if run.problem:
        diffs.append(('-', run.problem))
    ours = [ours_of(o) for o in run.conns if o.get('type') == 'tls']
    theirs = [r for r in rows if r['record'] == 'tls']
    udp = [r for r in rows if r['record'] in ('dtls', 'quic')]
    reqs = [r for r in rows if r['record'] in ('http', 'http2')]
    st['tshark tls'] += len(theirs)
    st['pcapsift tls'] += len(ours)
    st['udp'] += len(udp)
    for r in udp:
        diffs.append((conn_key(r['client'], r['client_port'], r['server'],
                               r['server_port']),
                      'udp: %s over UDP, out of scope' % r['record']))
    # Pairing: same endpoints, nearest first packet time.
    unpaired = list(range(len(ours)))
    pairs = []
    for t in sorted(theirs, key=lambda r: int(r['first_ns'])):
        pair = frozenset([ep(t['client'], t['client_port']),
                          ep(t['server'], t['server_port'])])
        cand = [i for i in unpaired if ours[i]['pair'] == pair]
        if not cand:
            pairs.append((t, None))
            continue
        tns = int(t['first_ns'])
        i = min(cand, key=lambda i: abs((ours[i]['first_ns'] or 0) - tns))
        unpaired.remove(i)
        pairs.append((t, ours[i]))
    decrypted_conns = {}
    for t, u in pairs:
        key = conn_key(t['client'], t['client_port'], t['server'],
                       t['server_port'])
        if u is None:
            st['only tshark'] += 1
            diffs.append((key, 'only tshark: %s (%s%s)' % (
                'TLS' if t['tshark'] == 'auto' else 'TLS by decode-as',
                'version %s' % t['version'] if t['version'] != '-'
                else 'no ServerHello', '' if t['notes'] == '-'
                else '; ' + t['notes'])))
            continue
        st['paired'] += 1
        d = []
        if t['tshark'] == 'decode-as':
            d.append('tshark: TLS only by decode-as')
        if u['first_ns'] != int(t['first_ns']):
            d.append('first packet: tshark %s, pcapsift %s' % (
                t['first_ns'], u['first_ns']))
        if t['client_by'] in ('hello', 'syn', 'server_hello') and \
                u['client'] != ep(t['client'], t['client_port']):
            d.append('client: tshark %s (%s), pcapsift %s' % (
                ep(t['client'], t['client_port']), t['client_by'],
                u['client']))
        if t['client_by'] == 'hello' or t['sni'] != '-':
            for col in ('client_version', 'offered', 'sni'):
                want, got = t[col], u[col]
                if col == 'offered':
                    if want == '-':
                        continue   # no supported_versions extension
                if want != got:
                    d.append('%s: tshark %s, pcapsift %s' % (col, want, got))
        elif u['sni'] != '-' or u['client_version'] != '-':
            d.append('client hello: tshark none, pcapsift sni %s '
                     'client_version %s' % (u['sni'], u['client_version']))
        for col in ('version', 'cipher', 'alpn'):
            want, got = t[col], u[col]
            if col == 'alpn' and want == '-' and got == '-':
                continue
            if want != got:
                d.append('%s: tshark %s, pcapsift %s' % (col, want, got))
        if t['cert'] != '-':
            st['certificates compared'] += 1
            for col in ('cert', 'chain'):
                if t[col] != u[col]:
                    d.append('%s: tshark %s, pcapsift %s' % (col, t[col],
                                                             u[col]))
        if t['decrypted'] == 'yes':
            decrypted_conns[u['conn']] = t
            st['tshark decrypted'] += 1
            if u['outcome'] != 'decrypted':
                d.append('outcome: tshark decrypted, pcapsift %s' %
                         u['outcome'])
        elif u['outcome'] == 'decrypted':
            d.append('outcome: pcapsift decrypted, tshark did not')
        if d:
            st['paired, differ'] += 1
        else:
            st['agree'] += 1
        diffs += [(key, x) for x in d]
    for i in unpaired:
        u = ours[i]
        st['only pcapsift'] += 1
        diffs.append((u['key'], 'only pcapsift: version %s cipher %s '
                      'outcome %s' % (u['version'], u['cipher'],
                                      u['outcome'])))
    # Decryption: requests per connection.
    keys = None
    if decrypted_conns or any(o['outcome'] == 'decrypted' for o in ours):
        want = defaultdict(Counter)      # HTTP/1.x and HTTP/2 requests
        h2 = defaultdict(Counter)        # the HTTP/2 ones
        by_stream = {(t['client'], t['client_port'], t['server'],
                      t['server_port'], t['first_ns']): c
                     for c, t in decrypted_conns.items()}
        for r in reqs:
            k = (r['client'], r['client_port'], r['server'],
                 r['server_port'], r['first_ns'])
            c = by_stream.get(k)
            if c is None:
                continue
            want[c][(r['method'], r['uri'])] += 1
            if r['record'] == 'http2':
                h2[c][(r['method'], r['uri'])] += 1
        variants = [('capture', base, path)]
        tmp = tempfile.mkdtemp(prefix='xcheck-tls-')
        try:
            keys = tls_key_log(binary, path)
            if keys is not None:
                copy = os.path.join(tmp, 'nodsb.pcapng')
                without_dsb(path, copy)
                variants.append(('--keylog', ['--keylog', keys], copy))
            for name, args, p in variants:
                got, problem = http_requests(binary, args, p)
                if problem:
                    diffs.append(('-', '%s: %s' % (name, problem)))
                if name == '--keylog':
                    run2 = run_pcapsift(binary, ['tls', '-F', 'jsonl'] + args,
                                        p)
                    a = sorted((o['conn'], o['outcome']) for o in run.conns)
                    b = sorted((o['conn'], o['outcome']) for o in run2.conns)
                    if a != b:
                        diffs.append(('-', '--keylog on a copy without '
                                      'DSBs: outcomes %s, with DSBs %s' %
                                      (b, a)))
                for c, t in sorted(decrypted_conns.items()):
                    key = conn_key(t['client'], t['client_port'],
                                   t['server'], t['server_port'])
                    pre = '' if name == 'capture' else name + ': '
                    if name == 'capture':
                        st['tshark requests'] += sum(want[c].values())
                        st['tshark http2 requests'] += sum(h2[c].values())
                        st['requests in both'] += sum(
                            (want[c] & got[c]).values())
                    missing = want[c] - got[c]
                    for (m, u), n in sorted(missing.items()):
                        k2 = min(n, h2[c][(m, u)])
                        if k2:
                            diffs.append((key, '%sHTTP/2 request only tshark:'
                                          ' %s %s x%d' % (pre, m, u, k2)))
                        if n - k2:
                            diffs.append((key, '%srequest only tshark: %s %s '
                                          'x%d' % (pre, m, u, n - k2)))
                    for (m, u), n in sorted((got[c] - want[c]).items()):
                        diffs.append((key, '%srequest only pcapsift: %s %s '
                                      'x%d' % (pre, m, u, n)))
        finally:
            if keys is not None:
                os.unlink(keys)
            shutil.rmtree(tmp, ignore_errors=True)
        st['captures with keys'] += keys is not None
    return diffs, st


def key_file(keys_dir, rel):
    """DIR/NAME.keys for capture NAME.pcap[ng][.gz], when there is one."""
    if keys_dir is None:
        return None
    name = os.path.basename(rel)
    for ext in ('.gz', '.zst', '.pcapng', '.pcap', '.ntar'):
        if name.endswith(ext):
            name = name[:-len(ext)]
    path = os.path.abspath(os.path.join(keys_dir, name + '.keys'))
    return path if os.path.isfile(path) else None


def read_known(path):
    known = []
    if not os.path.exists(path):
        return known
    for r in read_tsv(path):
        if not r.get('reason', '').strip() or not r.get('class', '').strip():
            raise ValueError('%s: entry without class or reason: %r' %
                             (path, r))
        known.append(r)
    return known


def is_known(known, capture, conn, diff):
    for i, k in enumerate(known):
        if k['capture'] not in ('*', capture):
            continue
        if k['connection'] not in ('*', conn):
            continue
        d = k['difference']
        if d == '*' or d == diff or (d.endswith('*') and
                                     diff.startswith(d[:-1])):
            return i
    return None


def main(argv):
    args = []
    table = known_path = report = only = keys_dir = None
    do_regen = verbose = False
    it = iter(argv[1:])
    for a in it:
        if a == '--table':
            table = next(it, None)
        elif a == '--known':
            known_path = next(it, None)
        elif a == '--report':
            report = next(it, None)
        elif a == '--only':
            only = next(it, None)
        elif a == '--keys':
            keys_dir = next(it, None)
        elif a == '--regen':
            do_regen = True
        elif a == '--verbose':
            verbose = True
        elif a.startswith('--'):
            sys.stderr.write('unknown option %s\n' % a)
            return 2
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    binary, corpus = args
    table = table or os.path.join(HERE, 'tls_tshark_expected.tsv')
    known_path = known_path or os.path.join(HERE,
                                            'tls_known_differences.tsv')
    jobs = int(os.environ.get('PCAPSIFT_CORPUS_JOBS') or
               len(os.sched_getaffinity(0)))
    if not os.path.isdir(corpus):
        print('corpus %s missing: skipped' % corpus)
        return SKIP
    if do_regen:
        return regen(binary, corpus, table, jobs, only)
    if not os.path.exists(table):
        print('table %s missing: skipped' % table)
        return SKIP
    rows = defaultdict(list)
    for r in read_tsv(table):
        rows[r['capture']].append(r)
    known = read_known(known_path)
    caps = capture_list(corpus)
    if only:
        caps = [c for c in caps if only in c]

    def one(rel):
        keylog = key_file(keys_dir, rel)
        if keylog is None:
            # No row for tshark: only pcapsift's connections can differ.
            return rel, compare_capture(binary, corpus, rel,
                                        rows.get(rel, []))
        # tshark again, with the key log.
        path = os.path.join(corpus, rel)
        live = []
        for _, s in sorted(tshark_streams(path, keylog=keylog).items()):
            if s.proto == 'tcp' and s.tls:
                live += stream_rows(rel, s, 'auto')
        live += [r for r in rows.get(rel, []) if r['tshark'] != 'auto' or
                 r['record'] in ('dtls', 'quic')]
        diffs, st = compare_capture(binary, corpus, rel, live, keylog)
        st['captures with a key log'] += 1
        return rel, (diffs, st)

    tot = Counter()
    unlisted, listed, used = [], [], set()
    per_class = Counter()
    lines = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for rel, (diffs, st) in ex.map(one, caps):
            tot += st
            if st['tshark tls'] or st['pcapsift tls']:
                tot['captures with TLS'] += 1
            elif st['udp']:
                tot['captures with DTLS or QUIC only'] += 1
            for conn, d in diffs:
                k = is_known(known, rel, conn, d)
                if k is None:
                    unlisted.append((rel, conn, d))
                else:
                    used.add(k)
                    per_class[known[k]['class']] += 1
                    listed.append((rel, conn, d, known[k]['class']))
                if verbose:
                    lines.append('%s\t%s\t%s' % (rel, conn, d))
    summary = [
        'captures: %d read, %d with TLS over TCP (tshark or pcapsift), %d '
        'with DTLS or QUIC only, %d with decryption secrets blocks, %d with '
        'a key log from --keys' % (
            len(caps), tot['captures with TLS'],
            tot['captures with DTLS or QUIC only'], tot['captures with keys'],
            tot['captures with a key log']),
        'TCP connections: tshark %d, pcapsift %d; paired %d: agree %d, '
        'differ %d; only tshark %d, only pcapsift %d' % (
            tot['tshark tls'], tot['pcapsift tls'], tot['paired'],
            tot['agree'], tot['paired, differ'], tot['only tshark'],
            tot['only pcapsift']),
        'server certificates compared: %d' % tot['certificates compared'],
        'UDP streams (DTLS, QUIC; out of scope): %d' % tot['udp'],
        'decrypted by tshark: %d connections; requests %d, HTTP/2 ones '
        'among them %d; in pcapsift too: %d' % (
            tot['tshark decrypted'], tot['tshark requests'],
            tot['tshark http2 requests'], tot['requests in both']),
        'differences: %d listed (%s), %d not listed' % (
            len(listed), ', '.join('%s %d' % kv for kv in
                                   sorted(per_class.items())),
            len(unlisted)),
    ]
    out = lines + ([''] if lines else []) + summary
    out.append('')
    out.append('# differences not listed in %s: %d' % (
        os.path.basename(known_path), len(unlisted)))
    out += ['%s\t%s\t%s' % d for d in unlisted]
    stale = [k for i, k in enumerate(known) if i not in used and
             (not only or only in k['capture'])]
    if stale:
        out.append('')
        out.append('# listed differences that did not occur (stale): %d' %
                   len(stale))
        out += ['%s\t%s\t%s' % (k['capture'], k['connection'],
                                k['difference']) for k in stale]
    text = '\n'.join(out) + '\n'
    if report:
        with open(report, 'w') as f:
            f.write(text + '\n# listed differences that occurred\n' +
                    ''.join('%s\t%s\t%s\t(%s)\n' % d for d in listed))
    sys.stdout.write(text)
    return 1 if unlisted else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
