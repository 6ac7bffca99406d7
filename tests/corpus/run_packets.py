#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs `pcapsift packets -F jsonl`, `flows -F jsonl`, `grep`, and `http`
(JSON Lines with bodies, and HAR) over every
capture of the corpus table: no crash, no sanitizer report, exit status 0
or 1 as `info` gives, every line valid JSON, exactly one packets line per
packet `info` counts, and no more TCP packets in the flows than packets in
the file. Exit 77 (meson's skip) without the corpus.

usage: run_packets.py PCAPSIFT CORPUS_DIR TABLE_TSV
"""
import concurrent.futures
import json
import os
import subprocess
import sys

SANITIZER = (b"AddressSanitizer", b"UndefinedBehaviorSanitizer",
             b"runtime error:", b"LeakSanitizer")


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def check(binary, path):
    """Returns a list of problems with this file (empty when fine)."""
    rc_i, out_i, _ = run(binary, "info", "-q", "-F", "jsonl", path)
    rc_p, out_p, err_p = run(binary, "packets", "-q", "-F", "jsonl", path)
    problems = []
    if rc_p < 0 or rc_p not in (0, 1):
        problems.append(f"exit status {rc_p}")
    if any(s in err_p for s in SANITIZER):
        problems.append("sanitizer report: " +
                        err_p.decode(errors="replace")[:300])
    if rc_p != rc_i:
        problems.append(f"exit {rc_p}, info exits {rc_i}")
    lines = out_p.splitlines()
    for i, line in enumerate(lines):
        try:
            json.loads(line)
        except ValueError:
            problems.append(f"line {i + 1} is not JSON")
            break
    try:
        want = json.loads(out_i)["packets"]
    except ValueError:
        want = None
    if want is not None and len(lines) != want:
        problems.append(f"{len(lines)} lines, info counts {want} packets")
    rc_f, out_f, err_f = run(binary, "flows", "-q", "-F", "jsonl", path)
    rc_g, _, err_g = run(binary, "grep", "-q", "HTTP/1\\.[01]", path)
    rc_h, out_h, err_h = run(binary, "http", "-q", "--bodies", path)
    rc_a, _, err_a = run(binary, "http", "-q", "-F", "har", "-o",
                         os.devnull, path)
    for name, rc, err in (("flows", rc_f, err_f), ("grep", rc_g, err_g),
                          ("http", rc_h, err_h), ("http har", rc_a, err_a)):
        if rc != rc_p:
            problems.append(f"{name} exits {rc}, packets {rc_p}")
        if any(s in err for s in SANITIZER):
            problems.append(f"{name} sanitizer report: " +
                            err.decode(errors="replace")[:300])
    for i, line in enumerate(out_h.splitlines()):
        try:
            json.loads(line)
        except ValueError:
            problems.append(f"http: line {i + 1} is not JSON")
            break
    tcp_packets = 0
    for line in out_f.splitlines():
        try:
            flow = json.loads(line)
        except ValueError:
            problems.append("flows: a line is not JSON")
            break
        tcp_packets += (flow["client_to_server"]["packets"] +
                        flow["server_to_client"]["packets"])
    if want is not None and tcp_packets > want:
        problems.append(f"flows count {tcp_packets} packets of {want}")
    return problems


def main():
    binary, corpus, table = sys.argv[1:4]
    if not os.path.isdir(corpus):
        print(f"corpus {corpus} not present: skipped")
        return 77
    with open(table, encoding="utf-8") as f:
        rels = [l.split("\t")[0] for l in f
                if not l.startswith("#") and not l.startswith("relpath")]
    paths = [os.path.join(corpus, r) for r in rels if r.strip()]
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for path, problems in zip(paths,
                                  pool.map(lambda p: check(binary, p), paths)):
            if problems:
                failures += 1
                print(f"FAIL {os.path.relpath(path, corpus)}: "
                      + "; ".join(problems))
    print(f"packets, flows, grep, http over the corpus: {len(paths) - failures} "
          f"passed, "
          f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
