#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every output format of `pcapsift http` on every bundled capture, checked
by an independent reader: HAR with the npm har-validator package, CSV with
`sqlite3 .import --csv` (row count = transactions + the header row), JSON
Lines and JSON with cJSON (tests/tools/jsonl_check.c).

usage: validate_outputs.py PCAPSIFT JSONL_CHECK SRCROOT
har-validator is looked for in $SIFT_NPM_DIR/node_modules (default
~/.cache/pcapsift-npm, where scripts/install-deps.sh puts it); without it,
or without node or sqlite3, the run fails: CI must check every format.
"""
import glob
import shutil
import os
import subprocess
import sys
import tempfile


def captures(root):
    pats = ["testdata/http/*.pcap", "testdata/http/*.pcapng",
            "testdata/http/*.gz", "testdata/tcp/*.pcap",
            "testdata/http/real/*.pcap", "testdata/http/real/*.pcapng"]
    out = []
    for p in pats:
        out += [(c, []) for c in sorted(glob.glob(os.path.join(root, p)))]
    # HTTPS, with the key log beside each capture (DSB files carry theirs).
    for p in ("testdata/tls/real/*.pcap*", "testdata/tls/gen/*.pcap",
              "testdata/h2/real/*.pcap*"):
        for c in sorted(glob.glob(os.path.join(root, p))):
            keys = c.rsplit(".", 1)[0] + ".keys"
            out.append((c, ["--keylog", keys] if os.path.exists(keys)
                        else []))
    return out


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, timeout=300, **kw)


def main():
    pcapsift, jsonl_check, root = sys.argv[1:4]
    npm_dir = os.environ.get("SIFT_NPM_DIR",
                             os.path.expanduser("~/.cache/pcapsift-npm"))
    modules = os.path.join(npm_dir, "node_modules")
    if not os.path.isdir(os.path.join(modules, "har-validator")):
        print("har-validator not found in %s: run scripts/install-deps.sh"
              % modules)
        return 1
    failed = 0
    tmp = tempfile.mkdtemp(prefix="sift-validate-")
    hars = []
    for n, (cap, extra) in enumerate(captures(root)):
        base = os.path.join(tmp, "%02d-%s" % (n, os.path.basename(cap)))
        for fmt in ("har", "jsonl", "json", "csv"):
            out = "%s.%s" % (base, fmt)
            p = run([pcapsift, "http", "-q", "-F", fmt, "--bodies"
                     if fmt != "csv" else "--no-bodies", "-o", out] + extra +
                    [cap])
            if p.returncode not in (0, 4):
                print("FAIL %s -F %s: exit %d %s" % (cap, fmt, p.returncode,
                                                     p.stderr.decode()))
                failed += 1
        hars.append(base + ".har")
        for fmt, args in (("jsonl", []), ("json", ["-a"])):
            p = run([jsonl_check] + args + ["%s.%s" % (base, fmt)])
            if p.returncode != 0:
                print("FAIL cJSON %s.%s: %s" % (base, fmt, p.stderr.decode()))
                failed += 1
        lines = sum(1 for _ in open(base + ".jsonl", "rb"))
        db = base + ".db"
        p = run(["sqlite3", db, ".import --csv %s.csv t" % base,
                 "SELECT count(*) FROM t;"])
        rows = p.stdout.decode().strip()
        want = sum(1 for l in open(base + ".jsonl", "rb")
                   if l.startswith(b'{"type":"http"'))
        if p.returncode != 0 or rows != str(want):
            print("FAIL sqlite3 CSV %s: %r rows, want %d; %s" % (
                cap, rows, want, p.stderr.decode()))
            failed += 1
        print("ok %s: %d lines" % (os.path.relpath(cap, root), lines))
    # The JSON Lines against docs/http.schema.json, with whichever Python
    # has jsonschema (Debian's python3-jsonschema is /usr/bin/python3's).
    schema_py = None
    for py in (sys.executable, "/usr/bin/python3"):
        if run([py, "-c", "import jsonschema"]).returncode == 0:
            schema_py = py
            break
    if schema_py is None:
        print("FAIL no Python with jsonschema: run scripts/install-deps.sh")
        failed += 1
    else:
        p = run([schema_py, os.path.join(root, "tests", "tools",
                                         "schema_check.py"),
                 os.path.join(root, "docs", "http.schema.json")]
                + [h[:-4] + ".jsonl" for h in hars])
        sys.stdout.write(p.stdout.decode())
        if p.returncode != 0:
            failed += 1
        else:
            print("ok JSON Schema: %d JSON Lines files" % len(hars))
    env = dict(os.environ, NODE_PATH=modules)
    p = run(["node", os.path.join(root, "tests", "tools", "har_validate.js")]
            + hars, env=env)
    sys.stdout.write(p.stdout.decode())
    if p.returncode != 0:
        failed += 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("%d failures" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
