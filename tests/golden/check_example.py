#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs a library example on a capture and compares its output with the
expected file. usage: check_example.py PROGRAM CAPTURE EXPECTED"""
import subprocess
import sys


def main():
    prog, capture, expected = sys.argv[1:4]
    p = subprocess.run([prog, capture], capture_output=True, timeout=60)
    want = open(expected, "rb").read()
    if p.returncode != 0 or p.stdout != want:
        sys.stderr.write("exit %d\n--- got\n%s--- want\n%s" % (
            p.returncode, p.stdout.decode(errors="replace"),
            want.decode(errors="replace")))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
