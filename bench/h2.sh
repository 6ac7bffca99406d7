#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP/2 over TLS: `pcapsift http -F jsonl --keylog` on a SYNTHETIC h2
# capture beside the same command on the cleartext HTTP/1.1 twin of the
# same transactions, and on the HTTP/1.1-over-TLS capture of them;
# `pcapsift tls --keylog` on the h2 file (decryption without HTTP), and
# tshark's HTTP/2 dissector with the same key log; output goes to
# /dev/null. The captures come from tests/tools/tlsgen (scenario big --mix
# --h2: real OpenSSL endpoints, the suites and web-like transactions of
# bench/tls.sh; big-h2.pcap carries each connection's transactions as
# HTTP/2 streams with ALPN h2, HPACK by libnghttp2, up to 4 streams at a
# time with their DATA frames interleaved), cached in $BENCH_DIR/h2-MB.
# Checks that the h2 file gives the transactions of big.expected (method,
# target, status) as the cleartext twin does, and that tshark sees as many
# requests, then prints PASS/FAIL for the target: h2 over TLS JSONL time
# <= 1.5x the cleartext HTTP/1.1 twin's.
# usage: bench/h2.sh [MEGABYTES]   (from the source root; default 300)
# environment: BUILD (meson build directory; default build-rel, configured
# --buildtype=release and built here), PCAPSIFT and TLSGEN (binaries;
# default BUILD/src/pcapsift and BUILD/tests/tlsgen), RUNS (hyperfine
# runs, default 5), SLOW_RUNS (tshark, default 2), SKIP_SLOW=1 (leave
# tshark out), BENCH_DIR.
set -eu
if [ ! -c /dev/null ]; then
    echo "/dev/null is not a character device: timings would be wrong" >&2
    exit 1
fi
mb=${1:-300}
unset SSLKEYLOGFILE # pcapsift reads it too: only --keylog here
. "$(dirname "$0")/common.sh"
work=$dir/h2-$mb
h1=$work/big.pcap
h1keys=$work/big.keys
h2=$work/big-h2.pcap
keys=$work/big-h2.keys
clear=$work/big-clear.pcap
expected=$work/big.expected

build=${BUILD:-build-rel}
if [ -z "${PCAPSIFT:-}" ] || [ -z "${TLSGEN:-}" ]; then
    [ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=release
    ninja -C "$build" >/dev/null
fi
bin=${PCAPSIFT:-$build/src/pcapsift}
tlsgen=${TLSGEN:-$build/tests/tlsgen}

# About 1.09 MB of capture per connection of big --mix, as in bench/tls.sh
# (the h2 file is within 0.1% of the HTTP/1.1 one).
conns=$(((mb * 92 + 50) / 100))
[ "$conns" -ge 1 ] || conns=1
if [ ! -f "$h2" ] || [ ! -f "$keys" ] || [ ! -f "$clear" ] ||
    [ ! -f "$expected" ] || [ -n "$(find "$tlsgen" -newer "$h2")" ]; then
    rm -rf "$work"
    mkdir -p "$work"
    "$tlsgen" big "$work" --mix --h2 --conns "$conns" \
        2>"$dir/tlsgen.log" || {
        cat "$dir/tlsgen.log" >&2
        exit 1
    }
fi
ls -l "$h2" "$keys" "$clear" "$h1" | awk '{print $5, $9}'

# run LABEL SLOW COMMAND: peak RSS (and one time) from measure(), then the
# time from hyperfine when it is there; appends a row to $dir/rows.txt.
: > "$dir/rows.txt"
run() {
    label=$1 slow=$2
    shift 2
    cmd=$*
    measure "$label" "$cmd"
    read -r secs rss < "$dir/time.txt"
    sd=-
    if [ "$slow" = 1 ]; then n=${SLOW_RUNS:-2} w=0; else n=${RUNS:-5} w=1; fi
    if command -v hyperfine >/dev/null 2>&1 &&
        hyperfine --style none --warmup "$w" --runs "$n" \
            --export-json "$dir/hf.json" "$cmd" >/dev/null 2>&1; then
        set -- $(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f" % (r["mean"], r["stddev"] or 0))' "$dir/hf.json")
        secs=$1 sd=$2
    fi
    printf '%s\t%s\t%s\t%s\n' "$label" "$secs" "$sd" "$rss" >> "$dir/rows.txt"
}

# -o /dev/null writes the device in place (output.c).
run "pcapsift http -F jsonl (HTTP/1.1 cleartext)" 0 \
    "$bin http -F jsonl -o /dev/null $clear"
run "pcapsift http -F jsonl --keylog (HTTP/1.1 over TLS)" 0 \
    "$bin http -F jsonl -o /dev/null --keylog $h1keys $h1"
run "pcapsift http -F jsonl --keylog (h2 over TLS)" 0 \
    "$bin http -F jsonl -o /dev/null --keylog $keys $h2"
run "pcapsift tls --keylog (h2 over TLS)" 0 \
    "$bin tls -o /dev/null --keylog $keys $h2"
: > "$dir/tshark-paths.txt"
if [ "${SKIP_SLOW:-0}" != 1 ]; then
    run "tshark -o tls.keylog_file -Y http2 (h2 over TLS)" 1 \
        "tshark -r $h2 -o tls.keylog_file:$keys -Y http2 -T fields -e http2.header.value"
    # the requests tshark finds (one HEADERS frame may hold several)
    tshark -r "$h2" -o tls.keylog_file:"$keys" -Y http2.headers.path \
        -T fields -e http2.headers.path 2>/dev/null |
        tr ',' '\n' > "$dir/tshark-paths.txt" || true
fi

# the transactions pcapsift found in each file, against those planned
"$bin" http -F jsonl -o "$dir/clear.jsonl" "$clear" 2>/dev/null || true
"$bin" http -F jsonl -o "$dir/h2.jsonl" --keylog "$keys" "$h2" \
    2>/dev/null || true
"$bin" tls -F jsonl -o "$dir/tls.jsonl" --keylog "$keys" "$h2" \
    2>/dev/null || true

python3 - "$dir/rows.txt" "$expected" "$dir/clear.jsonl" "$dir/h2.jsonl" \
    "$dir/tls.jsonl" "$dir/tshark-paths.txt" "$mb" <<'EOF'
import collections, json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
t = {r[0]: (float(r[1]), r[2], int(r[3])) for r in rows}
want = collections.Counter()
for l in list(open(sys.argv[2]))[1:]:
    f = l.rstrip("\n").split("\t")
    want[(f[1], f[2], int(f[3]))] += 1
def found(path):
    got, versions = collections.Counter(), collections.Counter()
    for l in open(path):
        j = json.loads(l)
        if j.get("type") == "http" and j.get("response"):
            got[(j["request"]["method"], j["request"]["target"],
                 j["response"]["status"])] += 1
            versions[j["request"]["version"]] += 1
    return got, versions
(clear, _), (h2, h2v) = found(sys.argv[3]), found(sys.argv[4])
tls = [json.loads(l) for l in open(sys.argv[5])]
alpn = collections.Counter(r.get("alpn", "") for r in tls)
dec = sum(r["outcome"] == "decrypted" for r in tls)
paths = [l for l in open(sys.argv[6]) if l.strip()]
mb = sys.argv[7]
n = sum(want.values())
print(f"\nInput: {mb} MB synthetic capture: {n} transactions on "
      f"{len(tls)} connections, as HTTP/2 over TLS (ALPN: "
      + ", ".join(f"{k} {v}" for k, v in sorted(alpn.items()))
      + f"; {dec} decrypted), as HTTP/1.1 over TLS and as cleartext "
      "HTTP/1.1\n")
base = t["pcapsift http -F jsonl (HTTP/1.1 cleartext)"][0]
print("| command | time (mean ± σ) | ratio to cleartext JSONL | peak RSS |")
print("| --- | ---: | ---: | ---: |")
for name, (secs, sd, rss) in t.items():
    s = f"{secs:.3f} s" + (f" ± {sd}" if sd != "-" else " (1 run)")
    print(f"| `{name}` | {s} | {secs / base:.2f} | {rss // 1024} MB |")
print()
def verdict(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
verdict(clear == want and h2 == want,
        f"transactions: cleartext {sum(clear.values())}, h2 "
        f"{sum(h2.values())} ("
        + ", ".join(f"{k} {v}" for k, v in sorted(h2v.items()))
        + f"), expected {n} (method, target and status "
        f"{'the same' if clear == h2 == want else 'differ'})")
if clear != want or h2 != want:
    for name, got in (("cleartext", clear), ("h2", h2)):
        for k in sorted(set(want) | set(got)):
            if want[k] != got[k]:
                print(f"  {name}: {k} expected {want[k]}, found {got[k]}")
if paths:
    verdict(len(paths) == n, f"tshark finds {len(paths)} HTTP/2 requests "
            f"(:path), {n} expected")
h = t["pcapsift http -F jsonl --keylog (h2 over TLS)"][0]
h1 = t["pcapsift http -F jsonl --keylog (HTTP/1.1 over TLS)"][0]
verdict(h <= 1.5 * base, f"h2 over TLS JSONL {h:.3f} s <= 1.5 x cleartext "
        f"HTTP/1.1 {1.5 * base:.3f} s (ratio {h / base:.2f}; "
        f"{h / h1:.2f}x the same transfers as HTTP/1.1 over TLS)")
ts = t.get("tshark -o tls.keylog_file -Y http2 (h2 over TLS)")
if ts:
    print(f"tshark on the h2 file: {ts[0]:.1f} s, {ts[0] / h:.0f}x "
          f"pcapsift's time, {ts[2] // 1024} MB peak RSS")
EOF
rm -f "$dir/clear.jsonl" "$dir/h2.jsonl" "$dir/tls.jsonl" \
    "$dir/tshark-paths.txt"
if [ ! -c /dev/null ]; then
    echo "WARNING: /dev/null stopped being a character device during the" \
        "run: timings are not valid" >&2
fi
