#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole test suite, as CI runs it: a gcc build with warnings as errors,
# then a clang build under AddressSanitizer and UndefinedBehaviorSanitizer,
# then the two-thread test under ThreadSanitizer.
# Each runs every test: unit, golden, fuzz-corpus replay, corpus runs.
set -eu
cd "$(dirname "$0")/.."

status=0
run_suite() {
    dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --werror "$@"
    fi
    ninja -C "$dir"
    meson test -C "$dir" --print-errorlogs || status=1
}

run_suite build-ci-gcc
CC=clang run_suite build-ci-asan -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug
# The two-thread analyzer (-j 2) under ThreadSanitizer: only the test that
# runs it, on every capture.
if [ ! -f build-ci-tsan/build.ninja ]; then
    meson setup build-ci-tsan -Db_sanitize=thread
fi
ninja -C build-ci-tsan
TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
    meson test -C build-ci-tsan --suite threads --print-errorlogs || status=1
python3 tests/summary.py build-ci-gcc build-ci-asan || status=1
exit $status
