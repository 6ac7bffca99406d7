#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares `pcapsift http` with the HTTP transactions other projects
expect for the captures of the shared corpus (http_expected.tsv, made by
http_expected.py, which documents the table and how every suite is read).

usage: http_conformance.py PCAPSIFT CORPUS_DIR TABLE_TSV [--report FILE]
                           [--known FILE] [--tshark] [--only SUBSTRING]
                           [--verbose]

For every capture in the table it runs `PCAPSIFT http -F jsonl -q FILE`
(lines with "type":"http" are transactions; others, e.g. WebSocket
messages, are ignored) and compares, group by group (a group is one
capture and one expected-output source):

  list groups (zeek, pcap2har, pcap2har-go: every transaction the suite
  saw) as multisets of (method, uri, status), each projected on the
  columns the suite gives: "exact" when equal, else "differ" with the
  transactions only they expect ("missing") or only we give ("extra");

  constraint groups (suricata, arkime, pcapplusplus: counts, sometimes of
  one field) row by row: the number of our transactions matching the
  fields a row gives must be N (=N) or at least N (>=N). "count-only"
  when every row holds (all such a suite can tell), else "differ".

Normalization: method as is ('-' for no request); status our final
response's code ('-' for none); uri our request target, except that for
HAR and Arkime an absolute-form target is reduced to path and query, and
for Zeek it is percent-decoded (Zeek logs the unescaped URI). Text is
compared after decoding as UTF-8 with runs of replacement characters
(U+FFFD) collapsed, since pcapsift replaces bytes that are not UTF-8.
Hosts (lower-cased, Host header; for Suricata without its port, as
libhtp's hostname) are compared only where a constraint row names one.

Each difference is a line "CAPTURE<TAB>SOURCE<TAB>TEXT". It is accepted
when the known-differences file (default: http_known_differences.tsv next
to this script; columns capture, source, difference, reason) lists it:
source and difference may be '*' (every source of that capture, every
difference of that group: for comparisons that are not meaningful). The
reason must not be empty. Exit status: 0 when every difference is listed,
1 when one is not (or pcapsift crashed or timed out), 2 usage, 77 when
CORPUS_DIR or the table is missing (meson counts 77 as skipped). Listed
differences that did not occur are reported as stale (not a failure).

--tshark: instead of the table's expectations, compare with tshark 4's
HTTP dissector over the same captures: the multiset of requests
(`-Y 'http.request && tcp' -e http.request.method -e http.request.uri`)
with our (method, target), and that of responses (`-Y 'http.response &&
tcp' -e http.response.code`) with our final and 1xx interim responses
(`&& tcp`: tshark also dissects SSDP's HTTP over UDP). Only
reports agreement figures (exit 0), since tshark dissects HTTP only on
its registered ports and does not pair messages the way we do.

PCAPSIFT_CORPUS_JOBS sets the parallelism (default: the CPUs usable).
"""

import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from urllib.parse import urlsplit

SKIP = 77
TIMEOUT = 60
LIST_SUITES = ('zeek', 'pcap2har', 'pcap2har-go')
class _Star:
    """A table cell the suite does not give (a literal '*' is a value)."""
    def __repr__(self):
        return '*'


STAR = _Star()
AGG = '\x1f'
SANITIZER_MARKERS = ('AddressSanitizer', 'UndefinedBehaviorSanitizer',
                     'LeakSanitizer', 'runtime error:')


# ------------------------------------------------------------ text

def unescape(s):
    """Table / tshark escaping (\\xNN, \\\\) back to bytes."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s.startswith('\\x', i) and re.fullmatch(r'[0-9a-fA-F]{2}',
                                                   s[i + 2:i + 4]):
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif s.startswith('\\\\', i):
            out.append(0x5c)
            i += 2
        else:
            out += s[i].encode('utf-8', 'surrogateescape')
            i += 1
    return bytes(out)


def escape(value):
    """The table's escaping, for printing."""
    if value is None:
        return '-'
    if isinstance(value, int):
        return str(value)
    b = value.encode('utf-8', 'surrogateescape')
    if b == b'*':
        return '\\x2a'
    return ''.join('\\\\' if c == 0x5c else chr(c) if 0x20 <= c < 0x7f
                   else '\\x%02x' % c for c in b)


def canon(b):
    """Bytes or str to comparable text: UTF-8, U+FFFD runs as one."""
    if isinstance(b, bytes):
        b = b.decode('utf-8', 'replace')
    return re.sub('\ufffd+', '\ufffd', b)


def percent_decode(b):
    """Zeek's unescape_URI: every %XX decoded, anything else kept."""
    return re.sub(rb'%([0-9a-fA-F]{2})',
                  lambda m: bytes([int(m.group(1), 16)]), b)


def path_of(target):
    """Path and query of an absolute-form target, else the target."""
    if re.match(r'^[A-Za-z][A-Za-z0-9+.-]*://', target):
        parts = urlsplit(target)
        path = parts.path or '/'
        if parts.query or target.endswith('?'):
            path += '?' + parts.query
        return path
    return target


def norm_uri(suite, target):
    if target is None:
        return None
    if suite == 'zeek':
        return canon(percent_decode(target.encode('utf-8')))
    if suite in ('pcap2har', 'pcap2har-go', 'arkime'):
        return canon(path_of(target))
    return canon(target)


# ------------------------------------------------------------ table

def read_tsv(path):
    rows = []
    header = None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        cells = line.split('\t')
        if header is None:
            header = cells
            continue
        rows.append(dict(zip(header, cells)))
    return rows


def table_value(col, text):
    """A table cell as a comparable value: STAR, None (absent), int or
    canonical text."""
    if text == '*':
        return STAR
    if text == '-':
        return None
    if col == 'status':
        return int(text)
    v = canon(unescape(text))
    return v.lower() if col == 'host' else v


class Group:
    def __init__(self, capture, source):
        self.capture = capture
        self.source = source
        self.suite = source.split(':', 1)[0]
        self.rows = []       # (method, uri, status, host, op, n)

    @property
    def is_list(self):
        return self.rows and self.rows[0][4] == ''


def read_table(path):
    groups = {}
    for r in read_tsv(path):
        key = (r['capture'], r['source'])
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(*key)
        m = re.fullmatch(r'(=|>=)?(\d+)', r['count'])
        if not m:
            raise ValueError('bad count %r' % r['count'])
        g.rows.append(tuple(table_value(c, r[c]) for c in
                            ('method', 'uri', 'status', 'host')) +
                      (m.group(1) or '', int(m.group(2))))
    return list(groups.values())


# ------------------------------------------------------------ pcapsift

class Run:
    def __init__(self):
        self.txs = []          # dicts: method, target, status, host, raw
        self.status = None     # exit status or 'signal N' / 'timeout'
        self.problem = None    # crash, timeout, sanitizer, bad JSON
        self.stderr = ''


def run_pcapsift(binary, path):
    run = Run()
    try:
        p = subprocess.run([binary, 'http', '-F', 'jsonl', '-q', path],
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        run.status = 'timeout'
        run.problem = 'pcapsift timed out after %d s' % TIMEOUT
        return run
    run.status = p.returncode
    run.stderr = p.stderr.decode('utf-8', 'replace')
    if p.returncode < 0:
        run.problem = 'pcapsift died of signal %s' % \
            signal.Signals(-p.returncode).name
    elif p.returncode not in (0, 1):
        run.problem = 'pcapsift exit status %d: %s' % (
            p.returncode, run.stderr.strip()[:200])
    if any(m in run.stderr for m in SANITIZER_MARKERS):
        run.problem = 'sanitizer report'
    for line in p.stdout.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            run.problem = run.problem or 'output line is not JSON: %r' % \
                line[:80]
            continue
        if obj.get('type') != 'http':
            continue
        req = obj.get('request')
        resp = obj.get('response')
        host = None
        if req:
            for name, value in req.get('headers') or []:
                if name.lower() == 'host':
                    host = value
                    break
        interim = list(obj.get('interim') or [])
        if resp:
            interim += resp.get('interim') or []
        run.txs.append({
            'method': req.get('method') if req else None,
            'target': req.get('target') if req else None,
            'status': resp.get('status') if resp else None,
            'host': canon(host).lower() if host is not None else None,
            'interim': [i.get('status') for i in interim
                        if isinstance(i, dict)],
            'conn': obj.get('conn'),
            'flags': obj.get('flags') or [],
        })
    return run


def host_without_port(host):
    """Suricata's http.hostname: the Host header's host, no port."""
    if host is None:
        return None
    if host.startswith('['):
        end = host.find(']')
        return host[:end + 1] if end > 0 else host
    name, sep, port = host.rpartition(':')
    if sep and port.isdigit():
        return name
    return host


def our_value(suite, tx, col):
    if col == 'method':
        return tx['method']
    if col == 'uri':
        return norm_uri(suite, tx['target'])
    if col == 'status':
        return tx['status']
    if suite == 'suricata':
        return host_without_port(tx['host'])
    return tx['host']


# ------------------------------------------------------------ compare

COLS = ('method', 'uri', 'status', 'host')


def fmt_key(cols, key):
    vals = dict(zip(cols, key))
    return ' '.join(escape(vals[c]) if c in vals else '*'
                    for c in COLS[:3]) + \
        ('' if 'host' not in vals else ' host=' + escape(vals['host']))


def compare_group(g, run):
    """(verdict, differences, stats) for one group. stats: for lists
    (matched, expected, ours); for constraints (rows held, rows)."""
    if run.problem:
        return 'differ', [run.problem], (0, len(g.rows))
    if g.is_list:
        cols = [c for i, c in enumerate(COLS[:3]) if g.rows[0][i] is not STAR]
        idx = [COLS.index(c) for c in cols]
        want = Counter()
        for r in g.rows:
            want[tuple(r[i] for i in idx)] += r[5]
        have = Counter(tuple(our_value(g.suite, tx, c) for c in cols)
                       for tx in run.txs)
        diffs = []
        for k in sorted(set(want) | set(have), key=repr):
            if want[k] != have[k]:
                diffs.append('%s: expected %d, pcapsift %d' %
                             (fmt_key(cols, k), want[k], have[k]))
        matched = sum((want & have).values())
        stats = (matched, sum(want.values()), sum(have.values()))
        return ('exact' if not diffs else 'differ'), diffs, stats
    diffs = []
    held = 0
    for r in g.rows:
        cols = [c for i, c in enumerate(COLS) if r[i] is not STAR]
        n = sum(1 for tx in run.txs
                if all(our_value(g.suite, tx, c) == r[COLS.index(c)]
                       for c in cols))
        ok = n == r[5] if r[4] == '=' else n >= r[5]
        if ok:
            held += 1
        else:
            diffs.append('%s %s%d: pcapsift %d' % (
                fmt_key(cols, [r[COLS.index(c)] for c in cols]),
                r[4], r[5], n))
    return ('count-only' if not diffs else 'differ'), diffs, \
        (held, len(g.rows))


def read_known(path):
    known = []
    if not path or not os.path.exists(path):
        return known
    for r in read_tsv(path):
        if not r.get('reason', '').strip():
            raise ValueError('%s: entry without reason: %r' % (path, r))
        known.append(r)
    return known


def is_known(known, capture, source, diff):
    for i, k in enumerate(known):
        if k['capture'] != capture:
            continue
        if k['source'] not in ('*', source) and not (
                k['source'].endswith(':*') and
                source.startswith(k['source'][:-1])):
            continue
        if k['difference'] in ('*', diff):
            return i
    return None


# ------------------------------------------------------------ tshark

def tshark_messages(path):
    def fields(filt, names):
        args = ['tshark', '-r', path, '-Y', filt, '-T', 'fields',
                '-E', 'aggregator=' + AGG, '-E', 'occurrence=a']
        for n in names:
            args += ['-e', n]
        p = subprocess.run(args, capture_output=True, timeout=300)
        out = []
        for line in p.stdout.decode('utf-8', 'surrogateescape').splitlines():
            cells = [c.split(AGG) if c else [] for c in line.split('\t')]
            out.append(cells)
        return out
    reqs = Counter()
    for cells in fields('http.request && tcp', ['http.request.method',
                                         'http.request.uri']):
        methods = cells[0] if cells else []
        uris = cells[1] if len(cells) > 1 else []
        for i, m in enumerate(methods):
            u = uris[i] if i < len(uris) else ''
            reqs[(m, canon(unescape(u)))] += 1
    resps = Counter()
    for cells in fields('http.response && tcp', ['http.response.code']):
        for c in cells[0] if cells else []:
            resps[int(c)] += 1
    return reqs, resps


def tshark_mode(binary, corpus, groups, jobs, report):
    captures = sorted({g.capture for g in groups})

    def one(cap):
        path = os.path.join(corpus, cap)
        run = run_pcapsift(binary, path)
        treq, tresp = tshark_messages(path)
        oreq = Counter((tx['method'], canon(tx['target']))
                       for tx in run.txs if tx['method'] is not None)
        oresp = Counter()
        for tx in run.txs:
            if tx['status'] is not None:
                oresp[tx['status']] += 1
            for s in tx['interim']:
                oresp[s] += 1
        return cap, run, treq, tresp, oreq, oresp

    tot = Counter()
    lines = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for cap, run, treq, tresp, oreq, oresp in ex.map(one, captures):
            rq_eq = treq == oreq
            rs_eq = tresp == oresp
            tot['captures'] += 1
            tot['requests equal'] += rq_eq
            tot['responses equal'] += rs_eq
            tot['both equal'] += rq_eq and rs_eq
            tot['tshark requests'] += sum(treq.values())
            tot['our requests'] += sum(oreq.values())
            tot['requests in both'] += sum((treq & oreq).values())
            tot['tshark responses'] += sum(tresp.values())
            tot['our responses'] += sum(oresp.values())
            tot['responses in both'] += sum((tresp & oresp).values())
            if run.problem:
                tot['pcapsift problems'] += 1
            if rq_eq and rs_eq and not run.problem:
                continue
            lines.append('%s\trequests tshark %d ours %d common %d; '
                         'responses tshark %d ours %d common %d%s' % (
                             cap, sum(treq.values()), sum(oreq.values()),
                             sum((treq & oreq).values()),
                             sum(tresp.values()), sum(oresp.values()),
                             sum((tresp & oresp).values()),
                             '; ' + run.problem if run.problem else ''))
            for k, n in sorted((treq - oreq).items(), key=repr)[:5]:
                lines.append('\t  only tshark: %s %s x%d' % (
                    escape(k[0]), escape(k[1]), n))
            for k, n in sorted((oreq - treq).items(), key=repr)[:5]:
                lines.append('\t  only pcapsift: %s %s x%d' % (
                    escape(k[0]), escape(k[1]), n))
            d1, d2 = tresp - oresp, oresp - tresp
            if d1 or d2:
                lines.append('\t  statuses only tshark %s, only pcapsift %s'
                             % (dict(d1), dict(d2)))
    summary = ['tshark oracle over %(captures)d captures: requests equal '
               'in %(requests equal)d, responses equal in %(responses '
               'equal)d, both in %(both equal)d' % tot,
               'requests: tshark %(tshark requests)d, pcapsift %(our '
               'requests)d, in both %(requests in both)d' % tot,
               'responses: tshark %(tshark responses)d, pcapsift %(our '
               'responses)d, in both %(responses in both)d' % tot]
    if tot['pcapsift problems']:
        summary.append('pcapsift problems: %d' % tot['pcapsift problems'])
    text = '\n'.join(lines + [''] + summary) + '\n'
    sys.stdout.write(text)
    if report:
        with open(report, 'w') as f:
            f.write(text)
    return 0


# ------------------------------------------------------------ main

def main(argv):
    args = []
    report = known_path = only = None
    tshark = verbose = False
    it = iter(argv[1:])
    for a in it:
        if a == '--report':
            report = next(it, None)
        elif a == '--known':
            known_path = next(it, None)
        elif a == '--only':
            only = next(it, None)
        elif a == '--tshark':
            tshark = True
        elif a == '--verbose':
            verbose = True
        elif a.startswith('--'):
            sys.stderr.write('unknown option %s\n' % a)
            return 2
        else:
            args.append(a)
    if len(args) != 3:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    binary, corpus, table = args
    if not os.path.isdir(corpus) or not os.path.exists(table):
        print('corpus %s or table %s missing: skipped' % (corpus, table))
        return SKIP
    if known_path is None:
        known_path = os.path.join(os.path.dirname(os.path.abspath(
            __file__)), 'http_known_differences.tsv')
    groups = read_table(table)
    if only:
        groups = [g for g in groups if only in g.capture or
                  only in g.source]
    known = read_known(known_path)
    jobs = int(os.environ.get('PCAPSIFT_CORPUS_JOBS') or
               len(os.sched_getaffinity(0)))
    if tshark:
        return tshark_mode(binary, corpus, groups, jobs, report)

    captures = sorted({g.capture for g in groups})
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        runs = dict(zip(captures, ex.map(
            lambda c: run_pcapsift(binary, os.path.join(corpus, c)),
            captures)))

    per_suite = defaultdict(Counter)
    per_capture = {}
    rank = {'exact': 0, 'count-only': 1, 'differ': 2}
    lines, unlisted, listed = [], [], []
    used = set()
    for g in sorted(groups, key=lambda g: (g.capture, g.source)):
        run = runs[g.capture]
        verdict, diffs, stats = compare_group(g, run)
        s = per_suite[g.suite]
        s['groups'] += 1
        s[verdict] += 1
        if g.is_list:
            s['matched'] += stats[0]
            s['expected'] += stats[1]
            s['ours'] += stats[2]
            extra = ' (%d of %d expected, pcapsift %d)' % stats
        else:
            s['rows held'] += stats[0]
            s['rows'] += stats[1]
            extra = ' (%d of %d rows hold)' % stats
        all_known = True
        for d in diffs:
            k = is_known(known, g.capture, g.source, d)
            if k is None:
                unlisted.append((g.capture, g.source, d))
                all_known = False
            else:
                used.add(k)
                listed.append((g.capture, g.source, d, known[k]['reason']))
        if diffs and all_known:
            s['differ, all listed'] += 1
        shown = verdict if not diffs or not all_known else 'differ (listed)'
        old = per_capture.get(g.capture)
        key = (rank[verdict], diffs and all_known)
        if old is None or key > old[0]:
            per_capture[g.capture] = (key, shown)
        lines.append('%s\t%s\t%s%s' % (g.capture, g.source, shown, extra))
        if verbose:
            for d in diffs:
                lines.append('\t\t%s' % d)
    out = ['# per group (capture, source): verdict'] + lines + ['']
    totals = ['# totals per suite (groups = capture + expected-output '
              'source)']
    for suite in sorted(per_suite):
        s = per_suite[suite]
        t = '%s: %d groups: exact %d, count-only %d, differ %d' % (
            suite, s['groups'], s['exact'], s['count-only'], s['differ'])
        if s['differ, all listed']:
            t += ' (%d of them only by listed differences)' % \
                s['differ, all listed']
        if s['expected'] or s['ours']:
            t += '; transactions: expected %d, pcapsift %d, in both %d' % (
                s['expected'], s['ours'], s['matched'])
        if s['rows']:
            t += '; constraint rows holding: %d of %d' % (s['rows held'],
                                                          s['rows'])
        totals.append(t)
    pc = Counter(v[1] for v in per_capture.values())
    totals.append('captures: %d: %s' % (len(per_capture), ', '.join(
        '%s %d' % (k, pc[k]) for k in ('exact', 'count-only',
                                        'differ (listed)', 'differ'))))
    out += totals + ['']
    head = '# differences not listed in %s: %d' % (
        os.path.basename(known_path), len(unlisted))
    out.append(head)
    out += ['%s\t%s\t%s' % d for d in unlisted]
    out.append('')
    out.append('# listed differences that occurred: %d' % len(listed))
    out += ['%s\t%s\t%s\t(%s)' % d for d in listed]
    stale = [k for i, k in enumerate(known) if i not in used and
             (not only or only in k['capture'] or only in k['source'])]
    if stale:
        out.append('')
        out.append('# listed differences that did not occur (stale): %d' %
                   len(stale))
        out += ['%s\t%s\t%s' % (k['capture'], k['source'], k['difference'])
                for k in stale]
    problems = sorted({(c, r.problem) for c, r in runs.items()
                       if r.problem})
    text = '\n'.join(out) + '\n'
    if report:
        with open(report, 'w') as f:
            f.write(text)
        # Standard output: the totals and what fails, at most 5 lines a
        # group; the whole list is in the report.
        brief = totals + ['', head]
        per_group = Counter()
        for c, src, d in unlisted:
            per_group[(c, src)] += 1
            if per_group[(c, src)] <= 5:
                brief.append('%s\t%s\t%s' % (c, src, d))
        for (c, src), n in sorted(per_group.items()):
            if n > 5:
                brief.append('%s\t%s\t... %d more' % (c, src, n - 5))
        brief.append('# listed differences that occurred: %d; stale: %d '
                      '(see %s)' % (len(listed), len(stale), report))
        sys.stdout.write('\n'.join(brief) + '\n')
    else:
        sys.stdout.write(text)
    for c, p in problems:
        sys.stdout.write('PROBLEM %s: %s\n' % (c, p))
    return 1 if unlisted else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
