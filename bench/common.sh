# SPDX-License-Identifier: MIT
# Shared by the bench scripts: where inputs go, and one measurement line
# (wall time and peak RSS from /usr/bin/time) per command.
dir=${BENCH_DIR:-/tmp/pcapsift-bench}
mkdir -p "$dir"

# measure LABEL COMMAND: runs COMMAND once under /usr/bin/time.
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" sh -c "$*" >/dev/null 2>&1 || true
    read -r secs rss < "$dir/time.txt"
    printf '%-40s %8s s %8s MB peak RSS\n' "$label" "$secs" "$((rss / 1024))"
}
