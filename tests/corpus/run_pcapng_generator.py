#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks pcapsift against the pcapng-test-generator suite
(hadrielk/pcapng-test-generator): for every
CORPUS_DIR/pcapng-test-generator/output_{le,be}/*/testNNN.pcapng, the
"Block counts:" of the matching testNNN.txt must equal pcapsift's "blocks"
(every type the .txt does not list must be 0, "other" included), "packets"
must equal EPB + SPB + PB, and the file must be read to the end without an
anomaly.

usage: run_pcapng_generator.py PCAPSIFT_BINARY CORPUS_DIR

Exit status: 0 all match, 1 a mismatch, 2 usage, 77 the corpus (or its
pcapng-test-generator directory) is missing.
"""

import glob
import json
import os
import re
import subprocess
import sys

SKIP = 77
TIMEOUT = 10  # seconds per file; these files are a few hundred bytes
BLOCK_KEYS = ("SHB", "IDB", "PB", "SPB", "NRB", "ISB", "EPB", "DSB", "CB",
              "DCB", "other")
PACKET_BLOCKS = ("EPB", "SPB", "PB")
SANITIZER_MARKERS = ("AddressSanitizer", "UndefinedBehaviorSanitizer",
                     "LeakSanitizer", "runtime error:")
# Categories the generator uses for files that follow the spec.
VALID_CATEGORIES = ("basic", "advanced", "difficult")
# Words in a Description or Category that say a file is broken on purpose.
INVALID_WORDS = re.compile(r"invalid|corrupt|malformed|broken|bad|bogus|"
                           r"wrong|truncat|damaged", re.IGNORECASE)

# Deliberately invalid test files and the outcome decided for each, keyed by
# the path under pcapng-test-generator/: {"rc": exit status, "packets": n,
# "blocks": {type: count}, "why": the reasoning}. A file whose .txt says it
# is invalid but that is not listed here fails, so that each one gets a
# decision. The generator's tree at the corpus commit (9a5c4163, 48 files in
# the categories basic / advanced / difficult) has no invalid file: every
# .txt describes a spec-conformant file, so this table is empty. (The
# generator-style invalid files in the corpus, gopacket/pcapgo/tests/
# {le,be}/test901.pcapng with an SHB of version 2.0, come without a .txt and
# are covered by run_corpus.py.)
INVALID = {}


def parse_txt(path):
    """Description, Category, block counts and sequence of a .txt."""
    info = {"description": "", "category": "", "counts": {}, "sequence": None}
    in_counts = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"(Description|Category):\s*(.*)$", line)
            if m:
                info[m.group(1).lower()] = m.group(2).strip()
                in_counts = False
                continue
            if line.startswith("Block counts:"):
                in_counts = True
                continue
            if line.startswith("Block sequence:"):
                seq = line.split(":", 1)[1]
                info["sequence"] = [s.strip() for s in seq.split(",")
                                    if s.strip()]
                in_counts = False
                continue
            if in_counts:
                m = re.match(r"\t([A-Za-z]+):\s*(\d+)\s*$", line)
                if m:
                    info["counts"][m.group(1)] = int(m.group(2))
                elif line.strip():
                    raise ValueError("%s: unexpected line in Block counts: "
                                     "%r" % (path, line))
    if not info["counts"]:
        raise ValueError("%s: no Block counts section" % path)
    return info


def expected_blocks(counts):
    """The 11 pcapsift block counts a .txt implies; types pcapsift does not
    name go to "other"."""
    want = {k: 0 for k in BLOCK_KEYS}
    for name, n in counts.items():
        want[name if name in want and name != "other" else "other"] += n
    return want


def run(binary, path):
    """(exit status, JSON object or None, problems)."""
    try:
        p = subprocess.run([binary, "info", "-F", "json", path],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, None, ["timed out after %d s" % TIMEOUT]
    problems = []
    stderr = p.stderr.decode("utf-8", "replace")
    for line in stderr.splitlines():
        if any(m in line for m in SANITIZER_MARKERS):
            problems.append("sanitizer report: " + line.strip()[:200])
            break
    if p.returncode < 0:
        problems.append("killed by signal %d" % -p.returncode)
        return p.returncode, None, problems
    try:
        doc = json.loads(p.stdout)
        doc = doc[0] if isinstance(doc, list) and len(doc) == 1 else None
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        problems.append("exit status %d, no JSON object on standard output"
                        % p.returncode)
        return p.returncode, None, problems
    return p.returncode, doc, problems


def check(rel, binary, pcapng, info):
    """Problems with one test file (an empty list when it matches)."""
    rc, doc, problems = run(binary, pcapng)
    if doc is None:
        return problems
    want_blocks = expected_blocks(info["counts"])
    want_packets = sum(want_blocks[k] for k in PACKET_BLOCKS)
    want_rc = 0
    decided = INVALID.get(rel)
    if decided is not None:
        want_rc = decided["rc"]
        want_blocks = {k: decided["blocks"].get(k, 0) for k in BLOCK_KEYS}
        want_packets = decided["packets"]
    elif (info["category"] not in VALID_CATEGORIES
          or INVALID_WORDS.search(info["description"] + " "
                                  + info["category"])):
        problems.append("the .txt says this file is invalid (%s / %s) but "
                        "INVALID has no decided outcome for it"
                        % (info["category"], info["description"]))
    if rc != want_rc:
        problems.append("exit status %d, expected %d (error: %s)"
                        % (rc, want_rc, doc.get("error")))
    if want_rc == 0 and doc.get("error") is not None:
        problems.append("error: %s" % doc["error"])
    if want_rc == 0 and doc.get("anomalies"):
        problems.append("anomalies in a valid file: %s" % "; ".join(
            str(a.get("message")) for a in doc["anomalies"]))
    if doc.get("format") != "pcapng":
        problems.append("format %r, expected \"pcapng\"" % doc.get("format"))
    got = doc.get("blocks") or {}
    diff = ["%s %s (expected %d)" % (k, got.get(k), want_blocks[k])
            for k in BLOCK_KEYS if got.get(k) != want_blocks[k]]
    if diff:
        problems.append("block counts differ: " + ", ".join(diff))
    if doc.get("packets") != want_packets:
        problems.append("%s packets, expected %d" % (doc.get("packets"),
                                                     want_packets))
    return problems


def self_check(info):
    """The .txt's counts must agree with its own block sequence."""
    seq = info["sequence"]
    if seq is None:
        return []
    tally = {}
    for name in seq:
        tally[name] = tally.get(name, 0) + 1
    if tally != info["counts"]:
        return [".txt Block counts %r disagree with its Block sequence %r"
                % (info["counts"], tally)]
    return []


def main(argv):
    if len(argv) != 3:
        print("usage: run_pcapng_generator.py PCAPSIFT_BINARY CORPUS_DIR",
              file=sys.stderr)
        return 2
    binary, corpus = argv[1], argv[2]
    top = os.path.join(corpus, "pcapng-test-generator")
    if not os.path.isdir(top):
        print("run_pcapng_generator.py: %s does not exist; skipping" % top)
        return SKIP
    if not os.access(binary, os.X_OK):
        print("run_pcapng_generator.py: %s is not an executable" % binary,
              file=sys.stderr)
        return 1
    files = sorted(glob.glob(os.path.join(top, "output_[lb]e", "*",
                                          "test[0-9][0-9][0-9].pcapng")))
    failures = []
    if not files:
        failures.append(("pcapng-test-generator", "no test files found"))
    txts = sorted(glob.glob(os.path.join(top, "output_[lb]e", "*",
                                         "test[0-9][0-9][0-9].txt")))
    for txt in txts:
        if not os.path.exists(txt[:-4] + ".pcapng"):
            failures.append((os.path.relpath(txt, top), "no .pcapng"))
    for rel in sorted(INVALID):
        if not os.path.exists(os.path.join(top, rel)):
            failures.append((rel, "listed in INVALID but not in the corpus"))
    categories = {}
    matched = 0
    for pcapng in files:
        rel = os.path.relpath(pcapng, top)
        txt = pcapng[:-len(".pcapng")] + ".txt"
        try:
            info = parse_txt(txt)
        except (OSError, ValueError) as e:
            failures.append((rel, str(e)))
            continue
        categories[info["category"]] = categories.get(info["category"], 0) + 1
        problems = self_check(info) + check(rel, binary, pcapng, info)
        failures += [(rel, p) for p in problems]
        matched += not problems
    print("pcapng-test-generator: %d files (%s), %d deliberately invalid"
          % (len(files), ", ".join("%s %d" % kv
                                   for kv in sorted(categories.items())),
             len(INVALID)))
    print("block counts, packets and status as expected: %d of %d"
          % (matched, len(files)))
    print("failures: %d" % len(failures))
    for rel, p in failures:
        print("  FAIL %s: %s" % (rel, p))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
