# SPDX-License-Identifier: MIT
"""What the checks of real and generated captures share: running
pcapsift for JSON Lines, hashing the bodies it gives, reading the
manifests, and comparing sizes with and without --bodies."""
import base64
import hashlib
import json
import os
import subprocess


def body_hash(msg, key="body", enc="body_encoding"):
    """sha256 of a message's (or WebSocket message's) kept bytes; "-" when
    there are none."""
    if msg is None or key not in msg:
        return "-"
    data = msg[key]
    raw = base64.b64decode(data) if msg.get(enc) == "base64" \
        else data.encode("utf-8")
    return hashlib.sha256(raw).hexdigest() if raw else "-"


def run(pcapsift, args, timeout=300):
    """The JSON objects pcapsift prints; SSLKEYLOGFILE left out."""
    p = subprocess.run([pcapsift] + args, capture_output=True,
                       timeout=timeout,
                       env={"PATH": os.environ.get("PATH", "")})
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), p.returncode,
                                                 p.stderr[:400]))
    return [json.loads(x) for x in p.stdout.splitlines()]


def read_tsv(path):
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, line.rstrip("\n").split("\t"))) for line in f]


def sizes(pcapsift, args, bodies):
    """(conn, stream) -> flags and each message's body sizes, missing bytes
    and flags. Without --bodies, TLS records and HTTP/2 DATA wholly inside
    bodies are counted, not decrypted or copied: the checks require the
    same figures either way."""
    out = {}
    for o in run(pcapsift, ["http", "-q", "-F", "jsonl"] + args +
                 (["--bodies"] if bodies else [])):
        if o["type"] != "http":
            continue
        key = (o["conn"], o["http2"]["stream"] if o["http2"] else o["index"])
        out[key] = [o["flags"]] + [
            (m["body_bytes"], m["body_wire_bytes"], m["missing_bytes"],
             m["flags"]) if m else None
            for m in (o["request"], o["response"])]
    return out


def same_sizes(pcapsift, args):
    return sizes(pcapsift, args, False) == sizes(pcapsift, args, True)


def captures(root):
    """Every capture under ROOT/testdata, in a fixed order."""
    for d, dirs, files in os.walk(os.path.join(root, "testdata")):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".pcap", ".pcapng", ".gz", ".zst")):
                yield os.path.join(d, f)


def keylog_args(path):
    """--keylog X.keys when the key log sits beside capture X."""
    base = path
    for ext in (".gz", ".zst", ".pcapng", ".pcap"):
        if base.endswith(ext):
            base = base[: -len(ext)]
    return ["--keylog", base + ".keys"] if os.path.exists(base + ".keys") \
        else []
