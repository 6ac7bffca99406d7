#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extracts the HTTP transactions that other projects expect for the
captures of the shared corpus into one normalized table.

usage: http_expected.py CORPUS_DIR OUT.tsv

Needs PyYAML (for suricata-verify's test.yaml); only this script does:
the table it writes, tests/corpus/http_expected.tsv, is kept in the
repository and read by http_conformance.py without it.

Table (TSV, '#' lines are comments, then a header line):

    capture  source  method  uri  status  host  count

capture  the capture's path relative to CORPUS_DIR.
source   SUITE:WHAT, WHAT naming the expected-output file or test, e.g.
         zeek:scripts.base.protocols.http.http-methods. One (capture,
         source) pair is a "group"; the same capture can have several.
method, uri, status, host
         '*' = this suite does not tell; '-' = absent (the transaction
         has no request, or no response: status '-'). Fields are escaped:
         '\\\\' for a backslash, '\\xNN' for a byte outside printable
         ASCII (bytes, not code points: UTF-8 text shows as its bytes),
         and a literal uri or method "*" (OPTIONS *) is written '\\x2a'
         so that it cannot be read as "not told".
count    N    (a plain number) the group is a complete list of the
              transactions the suite saw: N transactions with exactly
              these fields. Columns that are '*' are '*' on every row of
              the group (the suite's log has no such column).
         =N   a constraint: exactly N transactions match the fields that
              are not '*'. The group is not a list; other transactions
              may exist.
         >=N  a constraint: at least N transactions match.

How each suite is read (and what it cannot tell):

zeek     testing/btest/Baseline/*/http.log[.cut|.standard|.nonstandard],
         traces from zeek/HTTP_BASELINE_MAP.tsv. One row per transaction
         Zeek logged: a complete list. method, uri ('(empty)' -> empty,
         '-' -> absent), status_code ('-' -> no response; Zeek writes 0
         for an HTTP/0.9 reply), host. Zeek logs the URI percent-decoded
         (unescaped_URI), so the comparison percent-decodes ours. Some
         baselines are zeek-cut extracts without some columns: those
         columns are '*'. 1xx interim responses are not rows (info_code).
         Zeek only analyses HTTP on its well-known ports or after
         signature matching.
pcap2har, pcap2har-go
         HAR log.entries: one entry per transaction, a complete list
         (pcap2har drops what it could not pair, pcap2har-go keeps only
         transactions with a request). uri = path and query of the
         absolute request.url; host = its authority; status '-' when
         response is null (or status 0 in pcap2har-go).
suricata suricata-verify tests/*/test.yaml, the checks whose filter has
         event_type http ("exactly N eve http records match these
         fields"), and event_type fileinfo filters that name http fields
         (as ">=1": a transaction can carry several files). http.url ->
         uri (raw request target), http.http_method -> method,
         http.status -> status, http.hostname -> host. Fields we cannot
         express (tx_id, ports, addresses, http.protocol, http.length,
         user agent, headers, ...) only narrow Suricata's count, so the
         row becomes ">=N" (and is dropped when N is 0). Left out:
         tests whose count depends on Suricata's policies rather than on
         the traffic (IPS simulation, exception/midstream policies,
         thresholds, firewall, conditional logging: the same pcap then
         expects 0 or 1 depending on configuration), HTTP/2 tests and
         filters (http2 fields, h2c), checks that need an older version
         (requires lt-version), and the test whose pcap is absent.
         Suricata's checks mostly give one field or a count of all
         records; they never list every transaction.
arkime   tests/pcap/*.test: one document per session (TCP connection),
         with *sets* of methods, uris (host + target), status codes and
         hosts, plus per-method counts ("http.method-GET": 5) for GET,
         POST, HEAD, CONNECT... when Arkime recorded them. So: method
         rows "=N" summed over the sessions of the capture when every
         session that has that method gives its count (">=" otherwise);
         uri and status rows ">=k", k = sessions whose set holds it (a
         set says nothing about repetitions). 1xx codes other than 101
         are dropped (for us they are interim responses). Arkime's uri
         is host + target; the host prefix is removed.
pcapplusplus
         Tests/ExamplesTest/expected_output/httpanalyzer_*.txt (the
         HttpAnalyzer example; sanity = http-packets2.pcap,
         manyprotocols = many-protocols.pcap): counts by method, by host
         and by status code, as "=N" rows. HttpAnalyzer looks at TCP
         port 80 only and parses single packets (no reassembly: a
         message is counted from the packet that starts it, a
         retransmitted start counts again; responses are counted
         whether or not their request was seen).
"""

import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict
from urllib.parse import urlsplit

class _Star:
    """'Not told by this suite' (a sentinel: a literal '*' is a value)."""
    def __repr__(self):
        return '*'


STAR = _Star()


def esc(value):
    """Table escaping of a str (code points < 256 are bytes) or bytes."""
    if value is None:
        return '-'
    if isinstance(value, str):
        value = value.encode('utf-8')
    if value == b'*':
        return '\\x2a'
    out = []
    for b in value:
        if b == 0x5c:
            out.append('\\\\')
        elif 0x20 <= b < 0x7f:
            out.append(chr(b))
        else:
            out.append('\\x%02x' % b)
    return ''.join(out)


class Table:
    def __init__(self):
        self.rows = []
        self.notes = []

    def add(self, capture, source, method, uri, status, host, count):
        def f(v):
            if v is STAR:
                return '*'
            if v is None:
                return '-'
            if isinstance(v, int):
                return str(v)
            return esc(v)
        self.rows.append((capture, source, f(method), f(uri), f(status),
                          f(host), str(count)))


def target_of_url(url):
    """Path and query of an absolute URL (HAR request.url)."""
    parts = urlsplit(url)
    path = parts.path or '/'
    if parts.query or url.endswith('?'):
        path += '?' + parts.query
    return path, parts.netloc


# ---------------------------------------------------------------- zeek

def zeek_unescape(s):
    """Zeek ASCII log escaping back to bytes."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == '\\' and s[i + 1:i + 2] == 'x' and \
                re.fullmatch(r'[0-9a-fA-F]{2}', s[i + 2:i + 4] or ''):
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif s[i] == '\\' and s[i + 1:i + 2] == '\\':
            out.append(0x5c)
            i += 2
        else:
            out += s[i].encode('utf-8')
            i += 1
    return bytes(out)


def read_zeek_log(path):
    fields = None
    rows = []
    for line in open(path, encoding='utf-8', errors='surrogateescape'):
        line = line.rstrip('\n')
        if line.startswith('#fields\t'):
            fields = line.split('\t')[1:]
            continue
        if line.startswith('#'):
            continue
        if fields is None:
            fields = line.split('\t')
            continue
        rows.append(dict(zip(fields, line.split('\t'))))
    return fields or [], rows


def zeek(corpus, table):
    mpath = os.path.join(corpus, 'zeek', 'HTTP_BASELINE_MAP.tsv')
    lines = [l.rstrip('\n').split('\t') for l in open(mpath)][1:]
    for rel, btest, _script, traces, included in lines:
        base = os.path.basename(rel)
        if not base.startswith('http.log') or included != 'True':
            continue
        traces = traces.split(',')
        if len(traces) > 1:
            # http-lower-case: http.log.standard / .nonstandard
            want = 'nonstandard' in base
            traces = [t for t in traces if ('nonstandard' in t) == want]
        if len(traces) != 1:
            table.notes.append('zeek %s: cannot tell which trace' % rel)
            continue
        capture = 'zeek/testing/btest/Traces/' + traces[0]
        if not os.path.exists(os.path.join(corpus, capture)):
            table.notes.append('zeek %s: trace %s absent' % (rel, capture))
            continue
        fields, rows = read_zeek_log(os.path.join(corpus, rel))
        source = 'zeek:' + btest + \
            ('' if base == 'http.log' else base[len('http.log'):])
        counts = Counter()
        for r in rows:
            def get(name):
                if name not in fields:
                    return STAR
                v = r.get(name, '-')
                if v == '-':
                    return None
                if v == '(empty)':
                    return b''
                return zeek_unescape(v)
            status = get('status_code')
            if status not in (STAR, None):
                status = int(status)
            counts[(get('method'), get('uri'), status, get('host'))] += 1
        if not rows:
            table.notes.append('zeek %s: no rows' % rel)
        for (m, u, s, h), n in sorted(counts.items(), key=repr):
            table.add(capture, source, m, u, s, h, n)


# ---------------------------------------------------------------- HAR

def har(corpus, table, suite, pattern, capture_of):
    for path in sorted(glob.glob(os.path.join(corpus, pattern))):
        rel = os.path.relpath(path, corpus)
        capture = capture_of(rel)
        if not os.path.exists(os.path.join(corpus, capture)):
            table.notes.append('%s %s: capture absent' % (suite, rel))
            continue
        entries = json.load(open(path))['log']['entries']
        counts = Counter()
        for e in entries:
            req = e['request']
            resp = e.get('response')
            uri, host = target_of_url(req['url'])
            status = None
            if resp and resp.get('status') not in (None, 0):
                status = int(resp['status'])
            counts[(req['method'], uri, status, host)] += 1
        if not entries:
            # An empty list is an expectation too: no transaction.
            table.notes.append('%s %s: no entries (expects none)' %
                               (suite, rel))
            table.add(capture, suite + ':' + os.path.basename(rel),
                      STAR, STAR, STAR, STAR, '=0')
        for (m, u, s, h), n in sorted(counts.items(), key=repr):
            table.add(capture, suite + ':' + os.path.basename(rel),
                      m, u, s, h, n)


def pcap2har_capture(rel):
    # tests/X.pcap.har, tests/X.pcap2.har, tests/X.pcap.dropped.har
    d, b = os.path.split(rel)
    m = re.match(r'(.*?\.pcap)', b)
    return os.path.join(d, m.group(1))


def pcap2har_go_capture(rel):
    return rel[:-len('.expected')] + '.pcap'


# ------------------------------------------------------------ suricata

# Tests left out because their expected counts depend on Suricata's
# configuration rather than on the traffic.
SURICATA_POLICY_ARGS = ('--simulate-ips', 'midstream-policy',
                        'exception-policy', 'threshold-file',
                        'reputation', 'stream.midstream=false')
SURICATA_POLICY_PREFIXES = ('exception-policy', 'bug-5825', 'bug-6109',
                            'firewall/', 'threshold/', 'cond-log',
                            'dropped-flow', 'http2')
SURICATA_FIELDS = {'http.http_method': 'method', 'http.url': 'uri',
                   'http.status': 'status', 'http.hostname': 'host'}
SURICATA_HARMLESS = {('proto', 'TCP'), ('event_type', 'http'),
                     ('event_type', 'fileinfo')}


def flatten(d, prefix=''):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and k not in ('has-key', 'not-has-key'):
            out.update(flatten(v, prefix + k + '.'))
        else:
            out[prefix + k] = v
    return out


def suricata(corpus, table):
    import yaml
    base = os.path.join(corpus, 'suricata-verify')
    index = json.load(open(os.path.join(base, 'SELECTED_TESTS_INDEX.json')))
    for t in index:
        name = t['test']
        y = yaml.safe_load(open(os.path.join(base, 'tests', name,
                                             'test.yaml')))
        checks = [c['filter'] for c in y.get('checks') or []
                  if 'filter' in c]
        evtype = lambda f: (f.get('match') or {}).get('event_type')
        http = [f for f in checks if evtype(f) in ('http', 'fileinfo')]
        if not http:
            continue
        capture = os.path.relpath(os.path.join('suricata-verify',
                                               t['pcaps'][0]))
        if not os.path.exists(os.path.join(corpus, capture)):
            table.notes.append('suricata %s: pcap %s absent' %
                               (name, capture))
            continue
        args = ' '.join(y.get('args') or [])
        if name.startswith(SURICATA_POLICY_PREFIXES) or \
                any(a in args for a in SURICATA_POLICY_ARGS):
            table.notes.append('suricata %s: left out (policy-dependent)'
                               % name)
            continue
        source = 'suricata:' + name
        for f in http:
            req = f.get('requires') or {}
            if 'lt-version' in req or 'max-version' in req:
                continue
            match = flatten(f.get('match') or {})
            if any('http2' in k for k in match):
                continue
            count = f.get('count')
            if count is None:
                continue
            is_file = match.get('event_type') == 'fileinfo'
            cols = {'method': STAR, 'uri': STAR, 'status': STAR,
                    'host': STAR}
            exact = not is_file
            for k, v in match.items():
                if k in SURICATA_FIELDS:
                    cols[SURICATA_FIELDS[k]] = v if k != 'http.status' \
                        else int(v)
                elif (k, v) in SURICATA_HARMLESS:
                    pass
                elif k == 'not-has-key' and v == 'http.status':
                    cols['status'] = None
                elif k == 'filename' and v == 'eve.json':
                    pass
                else:
                    exact = False
            if is_file:
                if all(v is STAR for v in cols.values()) or count == 0:
                    continue
                count = 1
            if not exact and count == 0:
                continue
            table.add(capture, source, cols['method'], cols['uri'],
                      cols['status'], cols['host'],
                      ('=' if exact else '>=') + str(count))


# -------------------------------------------------------------- arkime

def arkime(corpus, table):
    for path in sorted(glob.glob(os.path.join(corpus, 'arkime', 'tests',
                                              'pcap', '*.test'))):
        rel = os.path.relpath(path, corpus)
        capture = rel[:-len('.test')] + '.pcap'
        if not os.path.exists(os.path.join(corpus, capture)):
            table.notes.append('arkime %s: capture absent' % rel)
            continue
        doc = json.load(open(path))
        sessions = [s['body'] for s in doc.get('sessions3', [])]
        source = 'arkime:' + os.path.basename(rel)
        https = [s['http'] for s in sessions if 'http' in s]
        if not https:
            continue
        methods = defaultdict(lambda: [0, True])
        uris = Counter()
        statuses = Counter()
        for h in https:
            hosts = sorted(h.get('host', []), key=len, reverse=True)
            for m in h.get('method', []):
                n = h.get('method-' + m)
                if n is None:
                    methods[m][0] += 1
                    methods[m][1] = False
                else:
                    methods[m][0] += n
            for u in h.get('uri', []):
                for host in hosts:
                    if u.startswith(host) and u[len(host):len(host) + 1] \
                            in ('/', '?', ''):
                        u = u[len(host):]
                        break
                if h.get('method') == ['CONNECT']:
                    pass  # the authority is the target
                elif not u.startswith('/') and u != '*':
                    continue  # a host we could not strip: not comparable
                uris[u] += 1
            for s in h.get('statuscode', []):
                if 100 <= s < 200 and s != 101:
                    continue
                statuses[s] += 1
        for m, (n, exact) in sorted(methods.items()):
            table.add(capture, source, m, STAR, STAR, STAR,
                      ('=' if exact else '>=') + str(n))
        for u, n in sorted(uris.items()):
            table.add(capture, source, STAR, u, STAR, STAR, '>=%d' % n)
        for s, n in sorted(statuses.items()):
            table.add(capture, source, STAR, STAR, s, STAR, '>=%d' % n)


# -------------------------------------------------------- pcapplusplus

PCPP = {
    'httpanalyzer_sanity.txt': 'http-packets2.pcap',
    'httpanalyzer_manyprotocols.txt': 'many-protocols.pcap',
}


def pcapplusplus(corpus, table):
    d = os.path.join(corpus, 'pcapplusplus', 'Tests', 'ExamplesTest')
    for out, pcap in PCPP.items():
        path = os.path.join(d, 'expected_output', out)
        capture = os.path.relpath(os.path.join(d, 'pcap_examples', pcap),
                                  corpus)
        if not os.path.exists(path) or \
                not os.path.exists(os.path.join(corpus, capture)):
            table.notes.append('pcapplusplus %s: absent' % out)
            continue
        source = 'pcapplusplus:' + out
        section = None
        statuses = Counter()
        for line in open(path):
            line = line.rstrip('\n')
            m = re.match(r'(HTTP request methods|Hostnames count|'
                         r'Status code count|Content-type count)', line)
            if m:
                section = m.group(1)
                continue
            m = re.match(r'\|\s*(.*?)\s*\|\s*(\d+)\s*\|$', line)
            if not m or section is None:
                continue
            key, n = m.group(1), int(m.group(2))
            if section == 'HTTP request methods':
                table.add(capture, source, key, STAR, STAR, STAR,
                          '=%d' % n)
            elif section == 'Hostnames count':
                table.add(capture, source, STAR, STAR, STAR, key,
                          '=%d' % n)
            elif section == 'Status code count':
                # "304 Not Modified" and "304 The condition specifi..."
                # are two lines: sum by code.
                statuses[int(key.split()[0])] += n
        for s, n in sorted(statuses.items()):
            table.add(capture, source, STAR, STAR, s, STAR, '=%d' % n)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    corpus, out = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        sys.stderr.write('%s: not a directory\n' % corpus)
        return 77
    table = Table()
    zeek(corpus, table)
    har(corpus, table, 'pcap2har', 'pcap2har/tests/*.har', pcap2har_capture)
    har(corpus, table, 'pcap2har-go', 'pcap2har-go/test/captures/*.expected',
        pcap2har_go_capture)
    suricata(corpus, table)
    arkime(corpus, table)
    pcapplusplus(corpus, table)
    tmp = out + '.tmp'
    with open(tmp, 'w') as f:
        f.write('# Expected HTTP transactions of the shared corpus, from '
                'other projects\' expected outputs.\n'
                '# Generated by tests/corpus/http_expected.py (which '
                'documents the columns and how each suite is read); '
                'do not edit.\n')
        for n in table.notes:
            f.write('# note: %s\n' % n)
        f.write('capture\tsource\tmethod\turi\tstatus\thost\tcount\n')
        for r in table.rows:
            f.write('\t'.join(r) + '\n')
    os.replace(tmp, out)
    groups = {(r[0], r[1]) for r in table.rows}
    by_suite = Counter(g[1].split(':')[0] for g in groups)
    sys.stderr.write('%d rows, %d groups, %d captures; %s\n' % (
        len(table.rows), len(groups), len({g[0] for g in groups}),
        ', '.join('%s %d' % kv for kv in sorted(by_suite.items()))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
