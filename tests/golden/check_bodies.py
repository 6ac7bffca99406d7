#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Byte-exact reassembly on real captures: for every TCP connection of each
capture, `pcapsift follow --dir server -F raw` gives the server's stream;
the HTTP/1.1 responses in it (framed by Content-Length or chunked
encoding) must have exactly the bodies the client received, by the sha256
list the capture script recorded.

usage: check_bodies.py PCAPSIFT SRCROOT HASHES CAPTURE...
"""
import hashlib
import json
import os
import subprocess
import sys


def responses(stream):
    """The bodies of the HTTP/1.1 responses in a server stream."""
    bodies, at = [], 0
    while at < len(stream):
        end = stream.find(b"\r\n\r\n", at)
        if end < 0:
            break
        head = stream[at:end].decode("latin-1").split("\r\n")
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        at = end + 4
        if "content-length" in fields:
            n = int(fields["content-length"])
            bodies.append(stream[at:at + n])
            at += n
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                eol = stream.find(b"\r\n", at)
                size = int(stream[at:eol].split(b";")[0], 16)
                at = eol + 2
                body += stream[at:at + size]
                at += size + 2
                if size == 0:
                    break
            bodies.append(body)
        else:
            bodies.append(stream[at:])
            break
    return bodies


def main():
    binary, root, hashes = sys.argv[1], sys.argv[2], sys.argv[3]
    want = {}
    with open(os.path.join(root, hashes), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                digest, size, url = line.split()[:3]
                want[digest] = (int(size), url)
    failures = 0
    for capture in sys.argv[4:]:
        path = os.path.join(root, capture)
        flows = subprocess.run([binary, "flows", "-F", "jsonl", "-q", path],
                               capture_output=True, check=True).stdout
        got = {}
        for line in flows.splitlines():
            conn = json.loads(line)
            gaps = conn["server_to_client"]["gaps"]
            stream = subprocess.run(
                [binary, "follow", "--conn", str(conn["id"]), "--dir",
                 "server", "-F", "raw", "-q", path],
                capture_output=True).stdout
            for body in responses(stream):
                got[hashlib.sha256(body).hexdigest()] = (len(body), gaps)
        missing = [u for d, (n, u) in want.items() if d not in got]
        if missing:
            failures += 1
            print(f"FAIL {capture}: bodies not found byte-exact: {missing}")
        else:
            print(f"ok   {capture}: {len(want)} bodies byte-exact")
    print(f"{len(sys.argv) - 4 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
