# SPDX-License-Identifier: MIT
"""-j 2: on every capture in testdata, each command and format gives the
same standard output, standard error and exit status as with one thread,
byte for byte. Also from standard input, where pcap-ng secrets come in
order with the records.
usage: check_threads.py PCAPSIFT SRC_ROOT"""
import os
import subprocess
import sys

from checklib import captures, keylog_args

COMMANDS = [
    ["http", "-F", "jsonl"],
    ["http", "--bodies", "-F", "jsonl"],
    ["http", "-F", "json"],
    ["http", "-F", "har"],
    ["http", "-F", "csv"],
    ["http", "-F", "text"],
    ["tls", "-F", "jsonl"],
    ["flows", "-F", "jsonl"],
]


def run(pcapsift, args, stdin=None):
    p = subprocess.run([pcapsift] + args, capture_output=True, timeout=300,
                       stdin=stdin, env={"PATH": os.environ.get("PATH", "")})
    return p.returncode, p.stdout, p.stderr


def main():
    pcapsift, root = sys.argv[1], sys.argv[2]
    failures = checked = 0
    for cap in captures(root):
        keys = keylog_args(cap)
        for cmd in COMMANDS:
            args = cmd + keys
            one = run(pcapsift, args + [cap])
            two = run(pcapsift, ["-j", "2"] + args + [cap])
            checked += 1
            if one != two:
                failures += 1
                what = [n for n, a, b in zip(("exit status", "stdout",
                                              "stderr"), one, two) if a != b]
                print("FAIL -j 2 %s %s: %s differ" % (" ".join(args), cap,
                                                     ", ".join(what)))
        with open(cap, "rb") as f:
            one = run(pcapsift, ["http", "-F", "jsonl", "-"], stdin=f)
        with open(cap, "rb") as f:
            two = run(pcapsift, ["-j", "2", "http", "-F", "jsonl", "-"],
                      stdin=f)
        checked += 1
        if one != two:
            failures += 1
            print("FAIL -j 2 http from standard input: %s" % cap)
    print("%d runs compared, %d differ" % (checked, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
