# SPDX-License-Identifier: MIT
"""--shard K/N: on every capture in testdata, the N shards of a command's
JSON Lines together hold exactly what the unsharded run holds, each record
once. Numbers that count within one run (transaction and connection ids)
are per shard, so they are replaced by what they stand for (a
transaction by its connection's endpoints, start time and index; a
connection by its endpoints) before the multisets are compared.
usage: check_shards.py PCAPSIFT SRC_ROOT"""
import json
import os
import subprocess
import sys

from checklib import captures, keylog_args

COMMANDS = [
    ["http", "--bodies", "-F", "jsonl"],
    ["flows", "-F", "jsonl"],
    ["tls", "-F", "jsonl"],
    ["packets", "-F", "jsonl"],
]
SHARDS = [2, 3]


def run(pcapsift, args):
    p = subprocess.run([pcapsift, "-q"] + args, capture_output=True,
                       timeout=300, env={"PATH": os.environ.get("PATH", "")})
    if p.returncode not in (0, 1):  # 1: the input had problems, said
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), p.returncode,
                                                 p.stderr[:400]))
    return [json.loads(x) for x in p.stdout.splitlines()]


def endpoints(o):
    return [o.get("client"), o.get("client_port"), o.get("server"),
            o.get("server_port")]


def canonical(records):
    """Each record as a JSON string with run-local numbers replaced."""
    txn = {}
    conn = {}
    for o in records:
        if o.get("type") == "http":
            txn[o["id"]] = endpoints(o) + [o.get("time"), o.get("index")]
            conn[o["conn"]] = endpoints(o)
    out = []
    for o in records:
        o = dict(o)
        kind = o.get("type")
        if kind == "http":
            o.pop("id")
            o.pop("conn")
        elif kind == "websocket":
            o["transaction"] = txn.get(o.get("transaction"))
            if "conn" in o:
                o["conn"] = conn.get(o["conn"])
        elif "id" in o and "packet" not in o:  # flows, tls: connection ids
            o.pop("id")
        for k in ("conn", "connection"):
            if isinstance(o.get(k), int):
                o.pop(k)
        out.append(json.dumps(o, sort_keys=True))
    return sorted(out)


def main():
    pcapsift, root = sys.argv[1], sys.argv[2]
    failures = checked = split = 0
    for cap in captures(root):
        keys = keylog_args(cap)
        for cmd in COMMANDS:
            args = cmd + keys + [cap]
            whole = canonical(run(pcapsift, args))
            for n in SHARDS:
                parts = [run(pcapsift, ["--shard", "%d/%d" % (k, n)] + args)
                         for k in range(1, n + 1)]
                union = sorted(sum((canonical(p) for p in parts), []))
                checked += 1
                if sum(1 for p in parts if p) > 1:
                    split += 1
                if union != whole:
                    failures += 1
                    extra = set(union) - set(whole)
                    lost = set(whole) - set(union)
                    print("FAIL %s with %d shards: %d records unsharded, %d "
                          "in the shards (%d only in shards, %d lost)" %
                          (" ".join(args), n, len(whole), len(union),
                           len(extra), len(lost)))
    print("%d runs compared, %d split over more than one shard, %d failed" %
          (checked, split, failures))
    if split == 0:
        print("FAIL no capture was split: the shards are not working")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
