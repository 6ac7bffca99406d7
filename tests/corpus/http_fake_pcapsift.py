#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for `pcapsift http -F jsonl -q FILE` built on tshark, to test
http_conformance.py while the real command is not there. It prints the
same JSON Lines shape (only the fields the comparison reads):

  {"type":"http","id":N,"conn":S,"index":I,"client":..,"server":..,
   "request":{"method":..,"target":..,"version":..,"headers":[["Host",..]]}
             or null,
   "response":{"status":..,"reason":..} or null, "flags":[..]}

Requests and responses are paired with tshark's http.request_in. Not a
reference: tshark dissects HTTP only on its registered ports.

usage: http_fake_pcapsift.py http -F jsonl -q FILE
"""
import json
import subprocess
import sys

AGG = '\x1f'


def unescape(s):
    out = bytearray()
    i = 0
    while i < len(s):
        if s.startswith('\\x', i) and len(s) >= i + 4:
            try:
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            except ValueError:
                pass
        if s.startswith('\\\\', i):
            out.append(0x5c)
            i += 2
            continue
        out += s[i].encode('utf-8', 'surrogateescape')
        i += 1
    return out.decode('utf-8', 'replace')


def num(s):
    try:
        return int((s or '0').split(AGG)[0])
    except ValueError:
        return 0


def main():
    path = sys.argv[-1]
    fields = ['frame.number', 'tcp.stream', 'ip.src', 'ipv6.src',
              'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport',
              'http.request.method', 'http.request.uri',
              'http.request.version', 'http.host', 'http.response.code',
              'http.response.phrase', 'http.request_in']
    args = ['tshark', '-r', path, '-Y', 'http.request || http.response',
            '-T', 'fields', '-E', 'aggregator=' + AGG, '-E', 'occurrence=a']
    for f in fields:
        args += ['-e', f]
    p = subprocess.run(args, capture_output=True, text=True,
                       errors='surrogateescape')
    txs = []          # in order of requests
    by_frame = {}     # request frame -> list of tx
    for line in p.stdout.splitlines():
        v = dict(zip(fields, line.split('\t')))
        lst = lambda k: v.get(k, '').split(AGG) if v.get(k) else []
        src = v.get('ip.src') or v.get('ipv6.src')
        dst = v.get('ip.dst') or v.get('ipv6.dst')
        frame = int(v['frame.number'])
        methods = lst('http.request.method')
        uris = lst('http.request.uri')
        hosts = lst('http.host')
        versions = lst('http.request.version')
        for i, m in enumerate(methods):
            tx = {'type': 'http', 'conn': num(v.get('tcp.stream')) + 1,
                  'client': src, 'client_port': num(v.get('tcp.srcport')),
                  'server': dst, 'server_port': num(v.get('tcp.dstport')),
                  'request': {'method': m,
                              'target': unescape(uris[i]) if i < len(uris)
                              else '',
                              'version': versions[i] if i < len(versions)
                              else 'HTTP/1.1',
                              'headers': [['Host', hosts[i]]]
                              if i < len(hosts) else []},
                  'response': None, 'flags': ['no_response']}
            txs.append(tx)
            by_frame.setdefault(frame, []).append(tx)
        codes = lst('http.response.code')
        reqin = lst('http.request_in')
        phrases = lst('http.response.phrase')
        for i, c in enumerate(codes):
            code = int(c)
            resp = {'status': code,
                    'reason': phrases[i] if i < len(phrases) else ''}
            target = None
            if i < len(reqin):
                cands = [t for t in by_frame.get(int(reqin[i]), [])
                         if t['response'] is None]
                target = cands[0] if cands else None
            if code < 200 and code != 101:
                if target is not None:
                    target.setdefault('interim', []).append(resp)
                continue
            if target is None:
                txs.append({'type': 'http',
                            'conn': num(v.get('tcp.stream')) + 1,
                            'client': dst, 'client_port':
                            num(v.get('tcp.dstport')), 'server': src,
                            'server_port': num(v.get('tcp.srcport')),
                            'request': None, 'response': resp,
                            'flags': ['no_request']})
            else:
                target['response'] = resp
                target['flags'] = []
    index = {}
    for n, tx in enumerate(txs, 1):
        tx['id'] = n
        tx['index'] = index.get(tx['conn'], 0)
        index[tx['conn']] = tx['index'] + 1
        sys.stdout.write(json.dumps(tx) + '\n')
    return 0 if p.returncode == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
