#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real HTTP/2 captures (testdata/h2/real/, made by
testdata/make_h2_captures.sh) against what their clients received.

For every capture of expected.tsv, `pcapsift http` (with NAME.keys when
there is one) gives, per connection and stream, the method, :path,
:authority, status and the sha256 of the request and response bodies
(decoded) the clients reported. Rows the manifest notes as not complete
on the wire (a `gap`, `reset` or `no response` note) compare method,
path and authority only; their status and hashes are what pcapsift saw.
Then every stream of tshark.tsv (what tshark 4.0 dissects as HTTP/2 with
the same keys) must be a transaction of pcapsift's.

usage: check_h2_real.py PCAPSIFT SRCROOT
"""
import collections
import json
import os
import subprocess
import sys

from checklib import body_hash, read_tsv, same_sizes


def header(msg, name):
    for n, v in (msg or {}).get("headers", []):
        if n.lower() == name:
            return v
    return None


def key_args(real, cap):
    keys = os.path.join(real, cap.split(".")[0] + ".keys")
    return ["--keylog", keys] if os.path.exists(keys) and \
        not cap.endswith(".dsb.pcapng") else []


def transactions(pcapsift, real, cap):
    args = key_args(real, cap)
    p = subprocess.run([pcapsift, "http", "-q", "--bodies", "-F", "jsonl"] +
                       args + [os.path.join(real, cap)], capture_output=True,
                       timeout=300, env={"PATH": os.environ.get("PATH", "")})
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d %s" % (cap, p.returncode, p.stderr))
    got = {}
    conns = []
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if o["type"] != "http":
            continue
        if o["conn"] not in conns:
            conns.append(o["conn"])
        q, r = o["request"], o["response"]
        stream = o["http2"]["stream"] if o["http2"] else 0
        got[(o["conn"], stream)] = {
            "method": q["method"] if q else "-",
            "target": q["target"] if q else "-",
            "authority": header(q, ":authority") or header(q, "host") or "-",
            "status": str(r["status"]) if r else "-",
            "req": body_hash(q), "resp": body_hash(r), "flags": o["flags"]}
    return got, sorted(conns)


def partial(note):
    n = note.lower()
    return any(w in n for w in ("gap", "reset", "rst_stream", "no response",
                                "cancel", "lost", "deleted"))


def main():
    pcapsift, root = sys.argv[1:3]
    real = os.path.join(root, "testdata", "h2", "real")
    want = collections.OrderedDict()
    for row in read_tsv(os.path.join(real, "expected.tsv")):
        want.setdefault(row["capture"], []).append(row)
    shark = collections.defaultdict(list)
    if os.path.exists(os.path.join(real, "tshark.tsv")):
        for row in read_tsv(os.path.join(real, "tshark.tsv")):
            shark[row["capture"]].append(row)
    failures = items = 0
    for cap, rows in want.items():
        got, conns = transactions(pcapsift, real, cap)
        bad = []
        for w in rows:
            items += 1
            conn = conns[int(w["conn_order"]) - 1] \
                if int(w["conn_order"]) <= len(conns) else None
            g = got.get((conn, int(w["stream_id"]) if w["stream_id"] != "-"
                         else 0))
            if g is None:
                bad.append("conn %s stream %s %s: missing" % (
                    w["conn_order"], w["stream_id"], w["target"]))
                continue
            keys = ["method", "target", "authority"]
            if not partial(w["note"]):
                keys += ["status", "req", "resp"]
            wv = {"method": w["method"], "target": w["target"],
                  "authority": w["authority"], "status": w["status"],
                  "req": w["req_body_sha256"], "resp": w["resp_body_sha256"]}
            diff = [k for k in keys if g[k] != wv[k]]
            if "deleted" in w["note"] and "body_gap" not in g["flags"]:
                diff.append("flags")
                g["flags"] = "%s (no body_gap)" % g["flags"]
                wv["flags"] = "body_gap"
            if diff:
                bad.append("conn %s stream %s %s: %s" % (
                    w["conn_order"], w["stream_id"], w["target"],
                    ", ".join("%s got %s want %s" % (k, g[k], wv[k])
                              for k in diff)))
        for s in shark.get(cap, []):
            if s["method"] == "-":
                continue  # PRIORITY frames for an idle stream: no request
            key_conn = int(s["tcp_stream"]) + 1
            conn = conns[key_conn - 1] if key_conn <= len(conns) else None
            if (conn, int(s["stream_id"])) not in got:
                bad.append("tshark's conn %s stream %s %s not in pcapsift's"
                           % (key_conn, s["stream_id"], s.get("path", "")))
        if not same_sizes(pcapsift, key_args(real, cap) +
                          [os.path.join(real, cap)]):
            bad.append("sizes without --bodies differ from those with")
        if bad:
            failures += 1
            print("FAIL %s" % cap)
            for b in bad[:40]:
                print("  " + b)
        else:
            print("ok %s: %d streams" % (cap, len(rows)))
    print("%d captures, %d streams, %d failed" % (len(want), items, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
