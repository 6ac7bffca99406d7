#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs `pcapsift info -F json` over every capture of the shared corpus and
checks it against Wireshark's capinfos counts (capinfos_counts.tsv).

usage: run_corpus.py PCAPSIFT_BINARY CORPUS_DIR TABLE_TSV
                     [KNOWN_DIFFERENCES_TSV]

Every file must: finish within TIMEOUT seconds, not die of a signal, exit 0
(read to the end) or 1 (not read to its end), print no sanitizer report, and
print one JSON object whose "error" is null exactly when the exit status is
0. Where capinfos read the file, pcapsift's "packets" must equal capinfos'
count, or, for a file listed in KNOWN_DIFFERENCES_TSV (relpath,
expected_pcapsift_packets, reason), equal expected_pcapsift_packets: a
listed difference that changes fails too.

A file that pcapsift refuses only because this build lacks an optional
decompressor ("... not supported by this build") is reported and not
compared.

Exit status: 0 all good, 1 a failure, 2 usage, 77 CORPUS_DIR missing (meson
counts 77 as a skipped test). PCAPSIFT_CORPUS_JOBS sets the parallelism
(default: the CPUs this process may use).
"""

import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

SKIP = 77
TIMEOUT = 10  # seconds per file; the largest capture takes well under 1 s
SANITIZER_MARKERS = ("AddressSanitizer", "UndefinedBehaviorSanitizer",
                     "LeakSanitizer", "MemorySanitizer", "ThreadSanitizer",
                     "runtime error:")
BLOCK_KEYS = ("SHB", "IDB", "PB", "SPB", "NRB", "ISB", "EPB", "DSB", "CB",
              "DCB", "other")
FORMATS = ("pcap", "pcapng", None)
NOT_IN_BUILD = "not supported by this build"
REASON_WORDS = 12  # enough to tell the readers' messages apart


def read_tsv(path, columns):
    """Rows of a TSV as dicts; '#' lines are comments, the first other line
    is the header and must start with `columns`."""
    rows = []
    header = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                if header[:len(columns)] != list(columns):
                    raise ValueError("%s: header %r, expected columns %r"
                                     % (path, header, list(columns)))
                continue
            if len(fields) < len(columns):
                fields += [""] * (len(columns) - len(fields))
            row = dict(zip(header, fields))
            row["_line"] = lineno
            rows.append(row)
    if header is None:
        raise ValueError("%s: no header line" % path)
    return rows


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def reason_of(error, path):
    """The refusal reason: the first REASON_WORDS words of the message
    without the file name and offsets, numbers and hex values replaced, so
    that equal reasons group together."""
    prefix = path + ": "
    if error.startswith(prefix):
        error = error[len(prefix):]
    error = re.sub(r" at offset \d+", "", error)
    error = re.sub(r"0x[0-9a-fA-F]+", "X", error)
    error = re.sub(r"\d+", "N", error)
    return " ".join(error.split()[:REASON_WORDS]).rstrip(",;:")


def run_one(binary, corpus, rel):
    """Runs pcapsift on one file; returns a result dict."""
    path = os.path.join(corpus, rel)
    res = {"rel": rel, "path": path, "problems": [], "rc": None, "doc": None}
    if not os.path.isfile(path):
        res["problems"].append("missing from the corpus")
        return res
    start = time.monotonic()
    try:
        p = subprocess.run([binary, "info", "-F", "json", path],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        res["seconds"] = float(TIMEOUT)
        res["problems"].append("timed out after %d s" % TIMEOUT)
        return res
    res["seconds"] = time.monotonic() - start
    res["rc"] = p.returncode
    stderr = p.stderr.decode("utf-8", "replace")
    for line in stderr.splitlines():
        if any(m in line for m in SANITIZER_MARKERS):
            res["problems"].append("sanitizer report: " + line.strip()[:200])
            break
    if p.returncode < 0:
        try:
            name = signal.Signals(-p.returncode).name
        except ValueError:
            name = str(-p.returncode)
        res["problems"].append("killed by signal " + name)
        return res
    if p.returncode not in (0, 1):
        res["problems"].append("exit status %d (%s)" % (
            p.returncode, stderr.strip().splitlines()[-1][:200]
            if stderr.strip() else "no message"))
        return res
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        res["problems"].append("standard output is not JSON: %s" % e)
        return res
    if not (isinstance(doc, list) and len(doc) == 1
            and isinstance(doc[0], dict)):
        res["problems"].append("JSON is not an array of one object")
        return res
    doc = doc[0]
    res["doc"] = doc
    check_shape(res, doc, p.returncode)
    return res


def check_shape(res, doc, rc):
    """The keys the corpus checks rely on, and exit status vs "error"."""
    bad = res["problems"]
    if not is_int(doc.get("packets")) or doc["packets"] < 0:
        bad.append("\"packets\" is not a non-negative integer")
    if doc.get("format", "absent") not in FORMATS:
        bad.append("\"format\" is %r" % (doc.get("format", "absent"),))
    blocks = doc.get("blocks")
    if not isinstance(blocks, dict) or any(
            not is_int(blocks.get(k)) for k in BLOCK_KEYS):
        bad.append("\"blocks\" lacks some of %s" % ", ".join(BLOCK_KEYS))
    if not isinstance(doc.get("anomalies"), list):
        bad.append("\"anomalies\" is not an array")
    error = doc.get("error", "absent")
    if error is not None and not isinstance(error, str):
        bad.append("\"error\" is neither null nor a string")
    elif rc == 0 and error is not None:
        bad.append("exit status 0 but \"error\" is set: %s" % error[:200])
    elif rc == 1 and error is None:
        bad.append("exit status 1 but \"error\" is null")


def compare(res, row, known):
    """Checks pcapsift's count against capinfos' (or the listed one)."""
    doc = res["doc"]
    if doc is None or not is_int(doc.get("packets")):
        return
    error = doc.get("error") or ""
    if res["rc"] == 1 and NOT_IN_BUILD in error:
        res["not_in_build"] = True
        return
    if row["capinfos_status"] != "ok":
        return
    got = doc["packets"]
    theirs = int(row["packets"])
    entry = known.get(res["rel"])
    if entry is None:
        if got == theirs:
            res["equal"] = True
        else:
            res["problems"].append(
                "%d packets, capinfos counts %d (not a known difference)"
                % (got, theirs))
        return
    want = int(entry["expected_pcapsift_packets"])
    if got == want:
        res["known"] = True
    else:
        res["problems"].append(
            "%d packets, the known difference expects %d (capinfos %d): %s"
            % (got, want, theirs, entry["reason"]))


def load_known(path, table):
    """Known differences by relpath, and problems with the list itself."""
    known, problems = {}, []
    if path is None:
        return known, problems
    by_rel = {r["relpath"]: r for r in table}
    for row in read_tsv(path, ("relpath", "expected_pcapsift_packets",
                               "reason")):
        rel = row["relpath"]
        where = "%s:%d" % (os.path.basename(path), row["_line"])
        if not row["expected_pcapsift_packets"].isdigit():
            problems.append((rel, where + ": expected_pcapsift_packets is "
                             "not a number"))
            continue
        if rel in known:
            problems.append((rel, where + ": listed twice"))
            continue
        t = by_rel.get(rel)
        if t is None:
            problems.append((rel, where + ": not in the capinfos table"))
        elif t["capinfos_status"] != "ok":
            problems.append((rel, where + ": capinfos refused this file, so "
                             "the entry has no effect"))
        elif int(t["packets"]) == int(row["expected_pcapsift_packets"]):
            problems.append((rel, where + ": expects capinfos' own count; "
                             "remove the entry"))
        known[rel] = row
    return known, problems


def summarize(table, results, list_problems):
    """Prints the summary; returns the number of failures."""
    by_rel = {r["relpath"]: r for r in table}
    ok_rows = sum(1 for r in table if r["capinfos_status"] == "ok")
    read = [r for r in results if r["rc"] == 0 and r["doc"] is not None]
    refused = [r for r in results if r["rc"] == 1 and r["doc"] is not None]
    print("corpus: %d capture files run (capinfos read %d, refused %d)"
          % (len(results), ok_rows, len(table) - ok_rows))
    print("pcapsift read to the end: %d" % len(read))
    print("pcapsift refused (exit 1): %d" % len(refused))
    reasons = Counter(reason_of(r["doc"].get("error") or "", r["path"])
                      for r in refused)
    for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        print("  %4d  %s" % (n, reason))
    equal = sum(1 for r in results if r.get("equal"))
    known = sum(1 for r in results if r.get("known"))
    print("capinfos-read files: pcapsift count equal %d, known differences "
          "as listed %d" % (equal, known))
    not_built = [r for r in results if r.get("not_in_build")]
    if not_built:
        print("not compared, needs a feature this build lacks: %d"
              % len(not_built))
        for r in not_built:
            print("  " + r["rel"])
    extra = [r for r in read
             if by_rel[r["rel"]]["capinfos_status"] != "ok"]
    print("capinfos refused, pcapsift read to the end: %d files, %d packets"
          % (len(extra), sum(r["doc"]["packets"] for r in extra)))
    for r in extra:
        row = by_rel[r["rel"]]
        print("  %s: %d packets (capinfos %s: %s)"
              % (r["rel"], r["doc"]["packets"], row["packets"] or "-",
                 row["note"]))
    failures = [(r["rel"], p) for r in results for p in r["problems"]]
    failures += list_problems
    print("failures: %d" % len(failures))
    for rel, p in failures:
        print("  FAIL %s: %s" % (rel, p))
    return len(failures)


def main(argv):
    if len(argv) not in (4, 5):
        print("usage: run_corpus.py PCAPSIFT_BINARY CORPUS_DIR TABLE_TSV "
              "[KNOWN_DIFFERENCES_TSV]", file=sys.stderr)
        return 2
    binary, corpus, table_path = argv[1], argv[2], argv[3]
    known_path = argv[4] if len(argv) == 5 else None
    if not os.path.isdir(corpus):
        print("run_corpus.py: %s does not exist; skipping" % corpus)
        return SKIP
    if not os.access(binary, os.X_OK):
        print("run_corpus.py: %s is not an executable" % binary,
              file=sys.stderr)
        return 1
    try:
        table = read_tsv(table_path, ("relpath", "capinfos_status",
                                      "packets", "note"))
        known, list_problems = load_known(known_path, table)
    except (OSError, ValueError) as e:
        print("run_corpus.py: %s" % e, file=sys.stderr)
        return 1
    for row in table:
        if row["capinfos_status"] == "ok" and not row["packets"].isdigit():
            list_problems.append((row["relpath"], "table: capinfos ok "
                                  "without a packet count"))
            row["capinfos_status"] = "error"
    jobs = int(os.environ.get("PCAPSIFT_CORPUS_JOBS", "0") or 0)
    if jobs <= 0:
        jobs = len(os.sched_getaffinity(0)) if hasattr(
            os, "sched_getaffinity") else (os.cpu_count() or 2)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(
            lambda row: run_one(binary, corpus, row["relpath"]), table))
    for row, res in zip(table, results):
        compare(res, row, known)
    failures = summarize(table, results, list_problems)
    slowest = max(results, key=lambda r: r.get("seconds", 0))
    print("time: %.1f s with %d jobs (slowest file %.2f s: %s)"
          % (time.monotonic() - start, jobs, slowest.get("seconds", 0),
             slowest["rel"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
