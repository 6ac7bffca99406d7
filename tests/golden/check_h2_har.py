#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pcapsift's HAR of a real browser page load over HTTP/2 against the
browser's own HAR (testdata/h2/real/h2-chromium.har, recorded by
Playwright's recordHar in the same run that captured
h2-chromium.dsb.pcapng, its keys inside).

Entry by entry (matched by method and URL): status, HTTP version, the
sha256 of the response content, and the request and response header
names (case-insensitive sets). Every entry of the browser's must be in
ours; ours may have more only for requests the browser makes outside
the page (favicon.ico, which Playwright does not record). Header names
the browser's HAR leaves out or adds are listed in KNOWN with the reason.

usage: check_h2_har.py PCAPSIFT SRCROOT
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

# Header names that one side has and the other cannot: Playwright's HAR
# is written from the browser's network events, pcapsift's from the
# wire.
KNOWN = {
}
OURS_ONLY_URLS = {"/favicon.ico"}


def content_hash(c):
    text = c.get("text")
    if text is None:
        return None
    raw = base64.b64decode(text) if c.get("encoding") == "base64" or \
        c.get("_encoding") == "base64" else text.encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def names(headers):
    return {h["name"].lower() for h in headers}


def main():
    pcapsift, root = sys.argv[1:3]
    real = os.path.join(root, "testdata", "h2", "real")
    with open(os.path.join(real, "h2-chromium.har")) as f:
        theirs = json.load(f)["log"]["entries"]
    p = subprocess.run([pcapsift, "http", "-q", "-F", "har",
                        os.path.join(real, "h2-chromium.dsb.pcapng")],
                       capture_output=True, timeout=120)
    if p.returncode != 0:
        print("FAIL pcapsift exit %d: %s" % (p.returncode, p.stderr))
        return 1
    ours = {(e["request"]["method"], e["request"]["url"]): e
            for e in json.loads(p.stdout)["log"]["entries"]}
    failures = []
    matched = set()
    for t in theirs:
        key = (t["request"]["method"], t["request"]["url"])
        o = ours.get(key)
        if o is None:
            failures.append("%s %s: not in pcapsift's HAR" % key)
            continue
        matched.add(key)
        checks = [
            ("status", t["response"]["status"], o["response"]["status"]),
            ("httpVersion", t["response"]["httpVersion"].upper(),
             o["response"]["httpVersion"].upper()),
            ("content", content_hash(t["response"]["content"]),
             content_hash(o["response"]["content"])),
        ]
        for side in ("request", "response"):
            tn, on = names(t[side]["headers"]), names(o[side]["headers"])
            ok = KNOWN.get(side, set())
            checks.append((side + " header names", sorted(tn - on - ok),
                           sorted(on - tn - ok)))
        for what, a, b in checks:
            if what.endswith("names"):
                if a or b:
                    failures.append("%s %s: %s only in the browser's %s, "
                                    "only in ours %s" % (key + (what, a, b)))
            elif a != b:
                failures.append("%s %s: %s browser %s, pcapsift %s" %
                                (key + (what, a, b)))
    for key in ours:
        path = "/" + key[1].split("/", 3)[3] if key[1].count("/") >= 3 \
            else key[1]
        if key not in matched and path not in OURS_ONLY_URLS:
            failures.append("%s %s: only in pcapsift's HAR" % key)
    for f in failures:
        print("FAIL " + f)
    print("%d browser entries, %d matched, %d failures" % (
        len(theirs), len(matched), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
