#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTPS decryption cost: `pcapsift http -F jsonl` on a SYNTHETIC HTTPS
# capture with its key log beside the same command on its cleartext twin
# (the same HTTP bytes, packet times and TCP segments' payload sizes over
# plain TCP), `pcapsift tls` with and without the key log, a plain
# `tcpdump -r FILE -w /dev/null` copy and tshark's TLS decryption
# (`-o tls.keylog_file:KEYS`), on the same files in the same run; output
# goes to /dev/null. The captures come from tests/tools/tlsgen (scenario
# big --mix: real OpenSSL endpoints; TLS 1.3 and 1.2, AES-128-GCM,
# AES-256-GCM and ChaCha20-Poly1305; 1 to 8 transactions of web-like
# sizes per connection), cached in $BENCH_DIR. Checks that both captures
# give every transaction of big.expected and prints PASS/FAIL for the
# target: HTTPS JSONL time <= 1.5x the cleartext twin's; then the time
# libcrypto alone needs for the file's ciphertext (`openssl speed`), the
# floor under that ratio.
# usage: bench/tls.sh [MEGABYTES]   (from the source root; default 300)
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
work=$dir/tls-$mb
big=$work/big.pcap
clear=$work/big-clear.pcap
keys=$work/big.keys
expected=$work/big.expected

build=${BUILD:-build-rel}
if [ -z "${PCAPSIFT:-}" ] || [ -z "${TLSGEN:-}" ]; then
    [ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=release
    ninja -C "$build" >/dev/null
fi
bin=${PCAPSIFT:-$build/src/pcapsift}
tlsgen=${TLSGEN:-$build/tests/tlsgen}

# About 1.09 MB of capture per connection of big --mix (1 to 8
# transactions, 217 KB on average).
conns=$(((mb * 92 + 50) / 100))
[ "$conns" -ge 1 ] || conns=1
if [ ! -f "$big" ] || [ ! -f "$clear" ] || [ ! -f "$expected" ] ||
    [ -n "$(find "$tlsgen" -newer "$big")" ]; then
    rm -rf "$work"
    mkdir -p "$work"
    "$tlsgen" big "$work" --mix --conns "$conns" 2>"$dir/tlsgen.log" || {
        cat "$dir/tlsgen.log" >&2
        exit 1
    }
fi

ls -l "$big" "$clear" "$keys" | awk '{print $5, $9}'
"$bin" tls -F jsonl -o "$dir/tls.jsonl" --keylog "$keys" "$big"
python3 - "$dir/tls.jsonl" "$expected" <<'EOF'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = sum(1 for _ in open(sys.argv[2])) - 1
by = collections.Counter(f"{r['version']} {r['cipher']}" for r in rows)
dec = sum(r["outcome"] == "decrypted" for r in rows)
print(f"{len(rows)} TLS connections ({dec} decrypted), {n} HTTP "
      "transactions expected; suites: " +
      ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
EOF

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

# -o /dev/null writes the device in place (output.c), never renames a
# temporary file over it.
run "pcapsift http -F jsonl (cleartext)" 0 \
    "$bin http -F jsonl -o /dev/null $clear"
run "pcapsift http -F jsonl --keylog (HTTPS)" 0 \
    "$bin http -F jsonl -o /dev/null --keylog $keys $big"
run "pcapsift tls --keylog (HTTPS)" 0 \
    "$bin tls -o /dev/null --keylog $keys $big"
run "pcapsift tls, no key log (HTTPS)" 0 "$bin tls -o /dev/null $big"
run "tcpdump -r FILE -w /dev/null (HTTPS)" 0 "tcpdump -r $big -w /dev/null"
if [ "${SKIP_SLOW:-0}" != 1 ]; then
    run "tshark -o tls.keylog_file -Y http (HTTPS)" 1 \
        "tshark -r $big -o tls.keylog_file:$keys -Y http -T fields -e http.request.uri"
    run "tshark -Y http (cleartext)" 1 \
        "tshark -r $clear -Y http -T fields -e http.request.uri"
fi

# the transactions pcapsift found in each file, against those written
"$bin" http -F jsonl -o "$dir/clear.jsonl" "$clear" 2>/dev/null || true
"$bin" http -F jsonl -o "$dir/https.jsonl" --keylog "$keys" "$big" \
    2>/dev/null || true

# the time libcrypto alone takes for each bulk cipher, 16 KiB records
: > "$dir/speed.txt"
if command -v openssl >/dev/null 2>&1; then
    for c in aes-128-gcm aes-256-gcm chacha20-poly1305; do
        openssl speed -decrypt -elapsed -seconds 1 -bytes 16384 -evp "$c" \
            2>/dev/null | tail -1 | awk -v c="$c" '{print c, $2}' \
            >> "$dir/speed.txt" || true
    done
fi

python3 - "$dir/rows.txt" "$expected" "$dir/clear.jsonl" "$dir/https.jsonl" \
    "$dir/tls.jsonl" "$dir/speed.txt" "$mb" <<'EOF'
import collections, json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
t = {r[0]: (float(r[1]), r[2], int(r[3])) for r in rows}
want = collections.Counter()
for l in list(open(sys.argv[2]))[1:]:
    f = l.rstrip("\n").split("\t")
    want[(f[1], f[2], int(f[3]))] += 1
def found(path):
    got = collections.Counter()
    for l in open(path):
        j = json.loads(l)
        if j.get("type") == "http" and j.get("response"):
            got[(j["request"]["method"], j["request"]["target"],
                 j["response"]["status"])] += 1
    return got
clear, https = found(sys.argv[3]), found(sys.argv[4])
mb = sys.argv[7]
base = t["pcapsift http -F jsonl (cleartext)"][0]
print(f"\nInput: {mb} MB synthetic HTTPS capture and its cleartext twin\n")
print("| command | time (mean ± σ) | ratio to cleartext JSONL | peak RSS |")
print("| --- | ---: | ---: | ---: |")
for name, (secs, sd, rss) in t.items():
    s = f"{secs:.3f} s" + (f" ± {sd}" if sd != "-" else " (1 run)")
    print(f"| `{name}` | {s} | {secs / base:.2f} | {rss // 1024} MB |")
print()
def verdict(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
n = sum(want.values())
verdict(clear == want and https == want,
        f"transactions: cleartext {sum(clear.values())}, HTTPS "
        f"{sum(https.values())}, expected {n} (method, target and status "
        f"{'the same' if clear == https == want else 'differ'})")
h = t["pcapsift http -F jsonl --keylog (HTTPS)"][0]
verdict(h <= 1.5 * base, f"HTTPS JSONL {h:.3f} s <= 1.5 x cleartext "
        f"{1.5 * base:.3f} s (ratio {h / base:.2f})")
ts = t.get("tshark -o tls.keylog_file -Y http (HTTPS)")
tc = t.get("tshark -Y http (cleartext)")
if ts:
    print(f"tshark on the HTTPS file: {ts[0]:.1f} s, {ts[0] / h:.0f}x "
          f"pcapsift's time, {ts[2] // 1024} MB peak RSS"
          + (f"; tshark's own HTTPS/cleartext ratio {ts[0] / tc[0]:.2f}"
             if tc else ""))
# The floor: every record's ciphertext through libcrypto at `openssl
# speed` rates, nothing else.
speed = {}
for l in open(sys.argv[6]):
    c, v = l.split()
    speed[c] = float(v.rstrip("k")) * 1000
bulk = collections.Counter()
for l in open(sys.argv[5]):
    r = json.loads(l)
    c = r["cipher"]
    k = ("chacha20-poly1305" if "CHACHA20" in c else
         "aes-256-gcm" if "AES_256_GCM" in c else "aes-128-gcm")
    for side in r["records"].values():
        bulk[k] += side["plaintext_bytes"]
if speed and all(k in speed for k in bulk):
    floor = sum(v / speed[k] for k, v in bulk.items())
    print(f"libcrypto alone (openssl speed, 16 KiB): "
          + ", ".join(f"{k} {speed[k] / 1e9:.2f} GB/s x {bulk[k] / 1e6:.0f} MB"
                      for k in sorted(bulk))
          + f" = {floor:.3f} s: the ratio cannot go below "
          f"{(base + floor) / base:.2f} on this machine without reading less "
          f"(HTTPS costs {h - base:.3f} s more than cleartext now, "
          f"{(h - base) / floor:.1f}x that floor)")
EOF
rm -f "$dir/clear.jsonl" "$dir/https.jsonl" "$dir/tls.jsonl"
if [ ! -c /dev/null ]; then
    echo "WARNING: /dev/null stopped being a character device during the" \
        "run: timings are not valid" >&2
fi
