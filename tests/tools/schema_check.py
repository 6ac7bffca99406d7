#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks every line of JSON Lines files against a JSON Schema (2020-12).
usage: schema_check.py SCHEMA FILE...  (exit 1 at any invalid line)"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        for n, line in enumerate(open(path, "rb"), 1):
            errors = list(validator.iter_errors(json.loads(line)))
            if errors:
                bad += 1
                print("FAIL %s:%d: %s" % (path, n, errors[0].message[:300]))
                break
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
