#!/bin/sh
# SPDX-License-Identifier: MIT
# Reader throughput and peak memory: `pcapsift info` on a large synthetic
# capture (mapped file, standard input, gzip), beside capinfos and
# `tcpdump -r FILE -w /dev/null` on the same file in the same run.
# usage: bench/info.sh [MEGABYTES]   (run from the source root, after a build)
set -eu
mb=${1:-1024}
. "$(dirname "$0")/common.sh"
big=$dir/large-$mb.pcap
[ -f "$big" ] || python3 bench/make_large_pcap.py "$big" "$mb"
[ -f "$big.gz" ] || gzip -1 -c "$big" > "$big.gz"
bin=${PCAPSIFT:-build/src/pcapsift}


ls -l "$big" "$big.gz" | awk '{print $5, $9}'
measure "pcapsift info (mmap)" "$bin info $big"
measure "pcapsift info (stdin)" "cat $big | $bin info -"
measure "pcapsift info (gzip file)" "$bin info $big.gz"
measure "capinfos" "capinfos $big"
measure "capinfos (gzip file)" "capinfos $big.gz"
measure "tcpdump -r -w /dev/null" "tcpdump -r $big -w /dev/null"
