#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP extraction throughput and peak memory: `pcapsift http` (JSONL, and
# HAR with bodies) beside a plain `tcpdump -r FILE -w /dev/null` copy,
# tshark's HTTP dissector and tcpflow's HTTP scanner, on the same SYNTHETIC
# capture in the same run (made by make_http_pcap.py from the clean TCP
# connections of real captures, cached in $BENCH_DIR); output goes to
# /dev/null. Checks that the JSONL holds every transaction counted in
# FILE.expected.json and prints PASS/FAIL for the targets: JSONL time <=
# tcpdump's, HAR time <= 2x tcpdump's, pcapsift peak RSS < 64 MB.
# usage: bench/http.sh [MEGABYTES]   (from the source root; default 300)
# environment: PCAPSIFT (binary; default build-rel/src/pcapsift, built
# here), RUNS (hyperfine runs, default 5), SLOW_RUNS (tshark and tcpflow,
# default 2), SKIP_SLOW=1 (leave tshark and tcpflow out), RATE (new
# connections per second of capture time, default 100), CLOSED_ONLY=1
# (replay only connections that end with FIN or RST in their source:
# the others stay open for pcapsift's 10-minute idle timeout), BENCH_DIR.
set -eu
if [ ! -c /dev/null ]; then
    echo "/dev/null is not a character device: timings would be wrong" >&2
    exit 1
fi
mb=${1:-300}
rate=${RATE:-100}
. "$(dirname "$0")/common.sh"
gen_opts=
big=$dir/http-$mb-r$rate.pcap
if [ "${CLOSED_ONLY:-0}" = 1 ]; then
    gen_opts=--closed-only
    big=$dir/http-$mb-r$rate-closed.pcap
fi
expected=$big.expected.json
out=$dir/tcpflow-out
corpus=${CORPUS:-../shared/corpus}
[ -d "$corpus" ] || corpus=/work/shared/corpus

# Sources: this project's real captures and, when the shared corpus is
# there, real web captures whose HTTP tshark and make_http_pcap.py read
# the same way (connections that are not clean are left out anyway).
if [ ! -f "$big" ] || [ ! -f "$expected" ]; then
    set --
    for f in testdata/http/*.pcap testdata/http/real/*.pcap \
        testdata/http/real/*.pcapng testdata/tcp/*.pcap; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    for f in pcap2har/tests/sajal.pcap pcap2har/tests/pcapr.net.pcap \
        pcap2har-go/test/captures/insecure.pcap \
        pcapplusplus/Tests/ExamplesTest/pcap_examples/http-packets2.pcap \
        pcapplusplus/Tests/ExamplesTest/pcap_examples/many-protocols.pcap \
        pcapplusplus/Tests/Pcap++Test/PcapExamples/example.pcap \
        markofu-pcaps/NetworkForensics/evidence03.pcap \
        ndpi/tests/cfgs/default/pcap/1kxun.pcap \
        chrissanders-packets/http_espn.pcapng \
        zeek/testing/btest/Traces/http/pipelined-requests.pcap \
        tcpflow/tests/test4.pcap; do
        [ -f "$corpus/$f" ] && set -- "$@" "$corpus/$f"
    done
    python3 bench/make_http_pcap.py "$big" --size-mb "$mb" --rate "$rate" \
        $gen_opts "$@"
fi

bin=${PCAPSIFT:-build-rel/src/pcapsift}
if [ -z "${PCAPSIFT:-}" ]; then
    [ -f build-rel/build.ninja ] || meson setup build-rel --buildtype=release
    ninja -C build-rel >/dev/null
fi
has_http=1
"$bin" http testdata/http/basic.pcap >/dev/null 2>&1 || has_http=0

ls -l "$big" | awk '{print $5, $9}'
python3 - "$expected" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))
print(f"{e['packets']} packets, {e['connections']} TCP connections "
      f"({e['http_connections']} with HTTP; {e['mean_open_connections']} "
      f"open on average, {e['max_open_connections']} at most), "
      f"{e['http_transactions']} HTTP transactions expected, "
      f"{e['capture_seconds']} s of capture time")
EOF

# run LABEL SLOW COMMAND: peak RSS (and one time) from measure(), then the
# time from hyperfine when it is there; appends a row to $dir/rows.txt.
: > "$dir/rows.txt"
run() {
    label=$1 slow=$2
    shift 2
    cmd=$*
    rm -rf "$out" && mkdir -p "$out"
    measure "$label" "$cmd"
    read -r secs rss < "$dir/time.txt"
    sd=-
    if [ "$slow" = 1 ]; then n=${SLOW_RUNS:-2} w=0; else n=${RUNS:-5} w=1; fi
    if command -v hyperfine >/dev/null 2>&1 &&
        hyperfine --style none --warmup "$w" --runs "$n" \
            --prepare "rm -rf $out && mkdir -p $out" \
            --export-json "$dir/hf.json" "$cmd" >/dev/null 2>&1; then
        set -- $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f" % (r["mean"], r["stddev"] or 0))' "$dir/hf.json")
        secs=$1 sd=$2
    fi
    printf '%s\t%s\t%s\t%s\n' "$label" "$secs" "$sd" "$rss" >> "$dir/rows.txt"
}

# pcapsift writes to standard output here, which measure() and hyperfine
# send to /dev/null: `-o /dev/null` would not do, as -o writes a temporary
# file beside the target and renames it over it (as root that replaces the
# /dev/null device node with a regular file).
if [ "$has_http" = 1 ]; then
    run "pcapsift http -F jsonl" 0 "$bin http -F jsonl $big"
    run "pcapsift http -F har (bodies in)" 0 "$bin http -F har $big"
else
    echo "($bin has no working 'http' command yet: pcapsift rows left out)"
fi
run "tcpdump -r FILE -w /dev/null" 0 "tcpdump -r $big -w /dev/null"
if [ "${SKIP_SLOW:-0}" != 1 ]; then
    run "tshark -Y http -T fields" 1 "tshark -r $big -Y http -T fields -e http.request.method -e http.request.uri -e http.response.code"
    run "tcpflow -e http -o DIR" 1 "tcpflow -r $big -o $out -e http"
fi
rm -rf "$out"

# the transactions pcapsift found, against those written
found=-
if [ "$has_http" = 1 ]; then
    "$bin" http -F jsonl -o "$dir/http.jsonl" "$big" 2>/dev/null || true
    found=$(grep -c '"type": *"http"' "$dir/http.jsonl" || true)
    rm -f "$dir/http.jsonl"
fi

python3 - "$dir/rows.txt" "$expected" "$found" "$mb" <<'EOF'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
e = json.load(open(sys.argv[2]))
found, mb = sys.argv[3], sys.argv[4]
t = {r[0]: (float(r[1]), r[2], int(r[3])) for r in rows}
base = t["tcpdump -r FILE -w /dev/null"][0]
print(f"\nInput: {mb} MB synthetic HTTP capture\n")
print("| command | time (mean ± σ) | ratio to tcpdump | peak RSS |")
print("| --- | ---: | ---: | ---: |")
for name, (secs, sd, rss) in t.items():
    s = f"{secs:.3f} s" + (f" ± {sd}" if sd != "-" else " (1 run)")
    print(f"| `{name}` | {s} | {secs / base:.2f} | {rss // 1024} MB |")
print()
def verdict(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
want = e["http_transactions"]
j = t.get("pcapsift http -F jsonl")
h = t.get("pcapsift http -F har (bodies in)")
if j is None:
    print("pcapsift http: not measured (no working 'http' command)")
    sys.exit(0)
verdict(found != "-" and int(found) == want,
        f"transactions: JSONL has {found} type http lines, "
        f"expected {want} ({e['http_requests']} requests, "
        f"{e['http_responses']} final responses)")
verdict(j[0] <= base, f"JSONL time {j[0]:.3f} s <= tcpdump {base:.3f} s "
        f"(ratio {j[0] / base:.2f})")
verdict(h[0] <= 2 * base, f"HAR time {h[0]:.3f} s <= 2 x tcpdump "
        f"{2 * base:.3f} s (ratio {h[0] / base:.2f})")
rss = max(j[2], h[2]) // 1024
verdict(rss < 64, f"pcapsift peak RSS {rss} MB < 64 MB at {mb} MB "
        f"(JSONL {j[2] // 1024} MB, HAR {h[2] // 1024} MB)")
EOF
if [ ! -c /dev/null ]; then
    echo "WARNING: /dev/null stopped being a character device during the" \
        "run (something wrote it with pcapsift -o): timings are not valid" >&2
fi
