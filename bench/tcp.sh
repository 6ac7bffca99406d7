#!/bin/sh
# SPDX-License-Identifier: MIT
# TCP reassembly throughput and peak memory on a synthetic capture (see
# make_large_pcap.py): `pcapsift flows` and `follow` beside tshark's TCP
# conversation table and tcpflow's reassembly, on the same file in the
# same run. usage: bench/tcp.sh [MEGABYTES]  (from the source root)
set -eu
mb=${1:-200}
. "$(dirname "$0")/common.sh"
big=$dir/large-$mb.pcap
[ -f "$big" ] || python3 bench/make_large_pcap.py "$big" "$mb"
bin=${PCAPSIFT:-build-rel/src/pcapsift}
out=$dir/tcpflow-out
ls -l "$big" | awk '{print $5, $9}'
measure "pcapsift flows" "$bin flows -o /dev/null $big"
measure "pcapsift flows -F jsonl" "$bin flows -F jsonl -o /dev/null $big"
measure "pcapsift follow --conn 1" "$bin follow --conn 1 -o /dev/null $big"
measure "pcapsift grep 'HTTP/1.1 200'" "$bin grep 'HTTP/1.1 200' -o /dev/null $big"
measure "tcpdump -r -w /dev/null" "tcpdump -r $big -w /dev/null"
measure "tshark -q -z conv,tcp" "tshark -r $big -q -z conv,tcp"
rm -rf "$out" && mkdir -p "$out"
measure "tcpflow -r (all streams to files)" "tcpflow -r $big -o $out"
rm -rf "$out"
