#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints one closing line for every meson test run given: 'tests: N passed,
N failed, N skipped', from each build's meson-logs/testlog.json."""
import json
import sys

counts = {"passed": 0, "failed": 0, "skipped": 0}
for build in sys.argv[1:]:
    with open(f"{build}/meson-logs/testlog.json", encoding="utf-8") as f:
        for line in f:
            result = json.loads(line)["result"]
            key = {"OK": "passed", "SKIP": "skipped",
                   "EXPECTEDFAIL": "passed"}.get(result, "failed")
            counts[key] += 1
print(f"tests: {counts['passed']} passed, {counts['failed']} failed, "
      f"{counts['skipped']} skipped")
sys.exit(1 if counts["failed"] else 0)
