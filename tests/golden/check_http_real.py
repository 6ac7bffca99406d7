#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The transactions of real captures against what their clients saw
(testdata/http/real/expected.tsv, written by testdata/make_http_captures.sh
from the clients' own buffers): per connection, in order, the method,
target and status, and the sha256 of every request and response body
(decoded: chunking and content coding removed) and of every WebSocket
payload; no transaction at all where the manifest says TLS.

usage: check_http_real.py PCAPSIFT SRCROOT
"""
import collections
import json
import os
import subprocess
import sys

from checklib import body_hash


def observed(pcapsift, path):
    p = subprocess.run([pcapsift, "http", "-q", "--bodies", "-F", "jsonl",
                        path], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr[:300]))
    rows = collections.defaultdict(list)
    conns = []
    for line in p.stdout.splitlines():
        o = json.loads(line)
        conn = o["conn"]
        if conn not in conns:
            conns.append(conn)
        if o["type"] == "websocket":
            d = "client>server" if o["dir"] == "client" else "server>client"
            rows[conn].append(("WS", d, str(o["opcode_value"]), "-",
                               body_hash(o, "payload", "payload_encoding")))
            continue
        q, r = o["request"], o["response"]
        rows[conn].append((q["method"] if q else "-",
                           q["target"] if q else "-",
                           str(r["status"]) if r else "-",
                           body_hash(q), body_hash(r)))
    return rows, conns


def main():
    pcapsift, root = sys.argv[1:3]
    real = os.path.join(root, "testdata", "http", "real")
    want = collections.defaultdict(lambda: collections.defaultdict(list))
    with open(os.path.join(real, "expected.tsv")) as f:
        next(f)
        for line in f:
            cap, conn, method, target, status, qh, rh = \
                line.rstrip("\n").split("\t")[:7]
            want[cap][int(conn)].append((method, target, status, qh, rh))
    failed = total = 0
    for cap in sorted(want):
        rows, conns = observed(pcapsift, os.path.join(real, cap))
        # Connections are compared in order of their first transaction;
        # the manifest numbers them in order of first packet, and so do
        # the ids, so sort both.
        got = [rows[c] for c in sorted(conns)]
        exp = [want[cap][c] for c in sorted(want[cap])
               if not all(r[0] == "TLS" for r in want[cap][c])]
        total += sum(len(x) for x in exp)
        if got != exp:
            failed += 1
            print("FAIL %s" % cap)
            for i in range(max(len(got), len(exp))):
                g = got[i] if i < len(got) else []
                e = exp[i] if i < len(exp) else []
                for j in range(max(len(g), len(e))):
                    gj = g[j] if j < len(g) else None
                    ej = e[j] if j < len(e) else None
                    if gj != ej:
                        print("  conn #%d item %d: got %s\n%s want %s" % (
                            i + 1, j, gj, " " * 18, ej))
        else:
            print("ok %s: %d connections" % (cap, len(exp)))
    print("%d captures, %d expected items, %d failed" % (len(want), total,
                                                          failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
