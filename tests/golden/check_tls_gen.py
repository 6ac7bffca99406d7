#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Decrypted HTTPS against what the endpoints sent, on the generated
captures of testdata/tls/gen/ (tests/tools/tlsgen; testdata/README.md).

For every scenario S: `pcapsift http --keylog S.keys S.pcap` must give the
rows of S.expected (connection, method, target, status, sha256 of the
request and response bodies) in order. Rows noted `gap` lost bytes in the
capture: there the body hash cannot match, so the row must be there with
the lost bytes counted (missing_bytes > 0) and the transaction after it
must again be exact. Then the key variants:

  resume-id, resume-ticket (TLS 1.2) with S.first.keys: the master secret
      of connection 1 decrypts the abbreviated handshakes after it;
  resume-psk (TLS 1.3) with S.first.keys: connections 2 and 3 have their
      own secrets, so they are reported as not decrypted (no_keys), and
      connection 1 alone gives transactions;
  one-direction-keys with S.partial.keys: the requests, no responses;
  keyupdate with S.openssl.keys (OpenSSL's extra labels): same rows.
And without --bodies (where records wholly inside bodies are counted, not
decrypted) every size, missing count and flag is the same as with.

usage: check_tls_gen.py PCAPSIFT SRCROOT
"""
import os
import sys

from checklib import body_hash, run, same_sizes


def transactions(pcapsift, pcap, keys):
    out = []
    for o in run(pcapsift, ["http", "-q", "--bodies", "-F", "jsonl",
                            "--keylog", keys, pcap]):
        if o["type"] != "http":
            continue
        q, r = o["request"], o["response"]
        missing = (q["missing_bytes"] if q else 0) + \
            (r["missing_bytes"] if r else 0)
        out.append((str(o["conn"]), q["method"] if q else "-",
                    q["target"] if q else "-",
                    str(r["status"]) if r else "-",
                    body_hash(q), body_hash(r), missing))
    return out


def tls_rows(pcapsift, pcap, keys):
    return {str(o["conn"]): o for o in
            run(pcapsift, ["tls", "-F", "jsonl", "--keylog", keys, pcap])}


def expected(path):
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            rows.append(tuple(line.rstrip("\n").split("\t")))
    return rows


def same(got, want):
    """Rows equal, except that a `gap` row needs only its first four
    fields and lost bytes counted."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if w[6] == "gap":
            if g[:4] != w[:4] or g[6] == 0:
                return False
        elif g[:6] != w[:6]:
            return False
    return True


def show(name, got, want):
    print("FAIL %s" % name)
    for i in range(max(len(got), len(want))):
        g = got[i][:7] if i < len(got) else None
        w = want[i] if i < len(want) else None
        mark = " " if g and w and same([g], [w]) else "!"
        print("  %s %d got  %s\n      want %s" % (mark, i, g, w))


def variants(pcapsift, gen, name, want):
    """The key-file variants; returns a list of failure strings."""
    pcap = os.path.join(gen, name + ".pcap")
    bad = []
    if name in ("resume-id", "resume-ticket"):
        got = transactions(pcapsift, pcap,
                           os.path.join(gen, name + ".first.keys"))
        if not same(got, want):
            bad.append("first.keys: %d of %d rows" % (len(got), len(want)))
    elif name == "resume-psk":
        keys = os.path.join(gen, name + ".first.keys")
        got = transactions(pcapsift, pcap, keys)
        w1 = [w for w in want if w[0] == "1"]
        if not same(got, w1):
            bad.append("first.keys: rows %s, want connection 1's only" % got)
        t = tls_rows(pcapsift, pcap, keys)
        for c in ("2", "3"):
            if t.get(c, {}).get("outcome") != "no_keys":
                bad.append("first.keys: connection %s outcome %s" % (
                    c, t.get(c, {}).get("outcome")))
    elif name == "one-direction-keys":
        got = transactions(pcapsift, pcap,
                           os.path.join(gen, name + ".partial.keys"))
        if [g[1:3] for g in got] != [w[1:3] for w in want] or \
                any(g[3] != "-" for g in got) or \
                [g[4] for g in got] != [w[4] for w in want]:
            bad.append("partial.keys: %s" % got)
    elif name == "keyupdate":
        got = transactions(pcapsift, pcap,
                           os.path.join(gen, name + ".openssl.keys"))
        if not same(got, want):
            bad.append("openssl.keys: %d of %d rows" % (len(got), len(want)))
    return bad


def main():
    pcapsift, root = sys.argv[1:3]
    gen = os.path.join(root, "testdata", "tls", "gen")
    names = sorted(f[:-9] for f in os.listdir(gen) if f.endswith(".expected"))
    failed = rows = 0
    for name in names:
        want = expected(os.path.join(gen, name + ".expected"))
        rows += len(want)
        pcap = os.path.join(gen, name + ".pcap")
        got = transactions(pcapsift, pcap, os.path.join(gen, name + ".keys"))
        if not same(got, want):
            failed += 1
            show(name, got, want)
            continue
        bad = variants(pcapsift, gen, name, want)
        keys = os.path.join(gen, name + ".keys")
        if not same_sizes(pcapsift, ["--keylog", keys, pcap]):
            bad.append("sizes without --bodies (records counted, not "
                       "decrypted) differ from those with")
        if bad:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(bad)))
            continue
        print("ok %s: %d transactions" % (name, len(want)))
    print("%d scenarios, %d transactions, %d failed" % (len(names), rows,
                                                         failed))
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main())
