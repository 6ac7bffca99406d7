#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden tests of the command line, after tcpdump's tests/TESTLIST.

Each line of TESTLIST is: NAME EXIT ARGS...  An argument '<PATH' feeds PATH
on standard input (through a pipe, so the stream path is what runs).
Paths are relative to the source root, where the command runs. The output
must equal expected/NAME.out byte for byte and the exit status must be EXIT.

usage: run_golden.py PCAPSIFT SRCROOT [--regen]
"""
import difflib
import os
import subprocess
import sys


def load(testlist):
    tests = []
    with open(testlist, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, code, *args = line.split()
            tests.append((name, int(code), args))
    return tests


def run(binary, root, args):
    stdin_path = None
    argv = [binary]
    for a in args:
        if a.startswith("<"):
            stdin_path = a[1:]
        else:
            argv.append(a)
    if stdin_path is None:
        p = subprocess.run(argv, cwd=root, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        return p.returncode, p.stdout, p.stderr
    with open(os.path.join(root, stdin_path), "rb") as f:
        data = f.read()
    p = subprocess.run(argv, cwd=root, input=data, capture_output=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    binary, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    regen = "--regen" in sys.argv[3:]
    here = os.path.dirname(os.path.abspath(__file__))
    failed = 0
    tests = load(os.path.join(here, "TESTLIST"))
    for name, code, args in tests:
        rc, out, err = run(binary, root, args)
        path = os.path.join(here, "expected", name + ".out")
        if b"Sanitizer" in err or b"runtime error:" in err:
            print(f"FAIL {name}: sanitizer report\n{err.decode(errors='replace')}")
            failed += 1
            continue
        if regen:
            with open(path, "wb") as f:
                f.write(out)
        try:
            with open(path, "rb") as f:
                want = f.read()
        except FileNotFoundError:
            want = b""
        if rc != code or out != want:
            failed += 1
            print(f"FAIL {name}: exit {rc} (want {code})")
            diff = difflib.unified_diff(
                want.decode(errors="replace").splitlines(),
                out.decode(errors="replace").splitlines(),
                "expected", "got", lineterm="")
            print("\n".join(list(diff)[:60]))
        else:
            print(f"ok   {name}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
