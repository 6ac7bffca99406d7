#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real HTTPS captures (testdata/tls/real/, made by
testdata/make_tls_captures.sh) against what their clients received and
what tshark 4.0 decrypts with the same keys.

1. Transactions: for every capture of expected.tsv, `pcapsift http` (with
   NAME.keys when there is one; the .dsb.pcapng files carry their keys)
   gives, per connection in order, the method, target, status and sha256
   of the request and response bodies (decoded), and of every WebSocket
   payload, that the clients reported. Exceptions, each on purpose:
     - early data the server rejected is skipped (the server never read
       it; the client sent it again, and that copy is a transaction);
     - large-holes.pcap lost 3776 bytes of its download from the file:
       the body cannot match, the lost bytes must be counted exactly;
     - h2.pcap (ALPN h2) gives its HTTP/2 streams as the same rows.
2. Connections: `pcapsift tls` gives every connection's version, cipher
   suite, SNI and ALPN as the client negotiated them (expected.tsv) and as
   tshark reads them (tshark.tsv), and says `decrypted` for each.
3. tshark's requests (tshark_http.tsv): every request tshark decrypts,
   pcapsift has too, except the rejected early request (tshark decrypts
   0-RTT data whether or not the server accepted it).
4. Key variants: resume-tls12-*.first.keys decrypt every connection (the
   master secret carries over); resume-tls13-psk.first.keys only the first
   (the others are no_keys); keyupdate.nss.keys (no OpenSSL-only labels)
   the same as keyupdate.keys; hrr.nokeys.pcap without keys gives no
   transaction and one no_keys connection.

usage: check_tls_real.py PCAPSIFT SRCROOT
"""
import collections
import os
import sys

from checklib import body_hash, read_tsv, run, same_sizes

HOLES_LOST = 1448 + 880 + 1448  # large-holes.dropped.txt


def key_args(real, cap, keys=None):
    if keys is None:
        keys = os.path.splitext(cap)[0] + ".keys"
    path = os.path.join(real, keys)
    return ["--keylog", path] if os.path.exists(path) else []


def transactions(pcapsift, real, cap, keys=None):
    """{conn: [row]}, rows as in expected.tsv plus lost bytes."""
    rows = collections.defaultdict(list)
    for o in run(pcapsift, ["http", "-q", "--bodies", "-F", "jsonl"] +
                 key_args(real, cap, keys) + [os.path.join(real, cap)]):
        if o["type"] == "websocket":
            d = "client>server" if o["dir"] == "client" else "server>client"
            rows[o["conn"]].append(("WS", d, str(o["opcode_value"]), "-",
                                    body_hash(o, "payload",
                                              "payload_encoding"), 0))
            continue
        q, r = o["request"], o["response"]
        lost = (q["missing_bytes"] if q else 0) + \
            (r["missing_bytes"] if r else 0)
        rows[o["conn"]].append((q["method"] if q else "-",
                                q["target"] if q else "-",
                                str(r["status"]) if r else "-",
                                body_hash(q), body_hash(r), lost))
    return rows


def connections(pcapsift, real, cap, keys=None):
    return run(pcapsift, ["tls", "-F", "jsonl"] + key_args(real, cap, keys) +
               [os.path.join(real, cap)])


def version_name(v):
    return {"TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}.get(v, v)


class Checker:
    def __init__(self, pcapsift, real):
        self.pcapsift, self.real = pcapsift, real
        self.failures = []

    def fail(self, cap, what):
        self.failures.append("%s: %s" % (cap, what))

    def check_transactions(self, cap, want):
        """want: {conn_order: [expected rows]}"""
        got = transactions(self.pcapsift, self.real, cap)
        conns = sorted(got)
        exp = []
        for c in sorted(want):
            rows = [r for r in want[c] if not (
                r["status"] == "-" and "REJECTED" in r["note"])]
            exp.append(rows)
        if len(conns) != len(exp):
            return self.fail(cap, "%d connections with transactions, want "
                             "%d" % (len(conns), len(exp)))
        n = 0
        for c, rows in zip(conns, exp):
            g = got[c]
            if len(g) != len(rows):
                self.fail(cap, "connection %d: %d items, want %d" % (
                    c, len(g), len(rows)))
                continue
            for gi, w in zip(g, rows):
                n += 1
                wt = (w["method"], w["target"], w["status"],
                      w["req_body_sha256"], w["resp_body_sha256"])
                if cap == "large-holes.pcap" and w["target"] == "/large.bin":
                    if gi[:3] != wt[:3] or gi[5] != HOLES_LOST:
                        self.fail(cap, "got %s, want %s with %d bytes lost"
                                  % (gi, wt[:3], HOLES_LOST))
                elif gi[:5] != wt or gi[5] != 0:
                    self.fail(cap, "connection %d: got %s\n    want %s" % (
                        c, gi, wt))
        return n

    def check_connections(self, cap, want, shark):
        conns = connections(self.pcapsift, self.real, cap)
        exp = [want[c][0] for c in sorted(want)]
        if len(conns) != len(exp) or len(conns) != len(shark):
            return self.fail(cap, "%d TLS connections, want %d (tshark %d)"
                             % (len(conns), len(exp), len(shark)))
        for o, w, s in zip(conns, exp, shark):
            got = (o["version"], o["cipher"], o["sni"], o["alpn"] or "-",
                   o["outcome"])
            wt = (version_name(w["tls_version"]), w["cipher_suite"], w["sni"],
                  w["alpn"], "decrypted")
            if got != wt:
                self.fail(cap, "tls: got %s, want %s" % (got, wt))
            st = (version_name(s["tls_version"]), int(s["cipher_suite"], 16),
                  s["sni"], s["alpn"], int(s["client_port"]))
            gt = (o["version"], o["cipher_value"], o["sni"], o["alpn"] or "-",
                  o["client_port"])
            if gt != st:
                self.fail(cap, "tls against tshark: got %s, tshark %s" % (
                    gt, st))

    def check_tshark_http(self, cap, reqs):
        """Every request tshark decrypted is one of pcapsift's."""
        if not reqs:
            return
        got = transactions(self.pcapsift, self.real, cap)
        ours = collections.Counter()
        for i, c in enumerate(sorted(got)):
            for r in got[c]:
                ours[(r[0], r[1])] += 1
        theirs = collections.Counter((r["method"], r["uri"]) for r in reqs)
        missing = theirs - ours
        if cap == "early-data-rejected.pcap":
            missing -= collections.Counter({("GET", "/early.txt"): 1})
        if missing:
            self.fail(cap, "tshark decrypts requests pcapsift lacks: %s" %
                      dict(missing))

    def check_variants(self):
        r = self.real
        for name in ("resume-tls12-sessionid", "resume-tls12-ticket"):
            cap = name + ".pcap"
            full = transactions(self.pcapsift, r, cap)
            first = transactions(self.pcapsift, r, cap, name + ".first.keys")
            if full != first:
                self.fail(cap, "first.keys: %s" % dict(first))
        cap = "resume-tls13-psk.pcap"
        first = transactions(self.pcapsift, r, cap,
                             "resume-tls13-psk.first.keys")
        outcomes = [o["outcome"] for o in connections(
            self.pcapsift, r, cap, "resume-tls13-psk.first.keys")]
        if sorted(first) != [min(first or [0])] or \
                outcomes != ["decrypted", "no_keys", "no_keys"]:
            self.fail(cap, "first.keys: %s, outcomes %s" % (dict(first),
                                                            outcomes))
        cap = "keyupdate.pcap"
        if transactions(self.pcapsift, r, cap, "keyupdate.nss.keys") != \
                transactions(self.pcapsift, r, cap):
            self.fail(cap, "keyupdate.nss.keys differs from keyupdate.keys")
        cap = "hrr.nokeys.pcap"
        got = transactions(self.pcapsift, r, cap)
        outcomes = [o["outcome"] for o in connections(self.pcapsift, r, cap)]
        if got or outcomes != ["no_keys"]:
            self.fail(cap, "without keys: %s, outcomes %s" % (dict(got),
                                                              outcomes))


def main():
    pcapsift, root = sys.argv[1:3]
    real = os.path.join(root, "testdata", "tls", "real")
    want = collections.OrderedDict()
    for row in read_tsv(os.path.join(real, "expected.tsv")):
        want.setdefault(row["capture"], collections.defaultdict(list))
        want[row["capture"]][int(row["conn_order"])].append(row)
    shark = collections.defaultdict(list)
    for row in read_tsv(os.path.join(real, "tshark.tsv")):
        shark[row["capture"]].append(row)
    shark_http = collections.defaultdict(list)
    for row in read_tsv(os.path.join(real, "tshark_http.tsv")):
        shark_http[row["capture"]].append(row)
    # The pcap-ng copies with their keys inside expect what their twins do.
    for cap in shark:
        if cap.endswith(".dsb.pcapng"):
            want[cap] = want[cap.replace(".dsb.pcapng", ".pcap")]
    c = Checker(pcapsift, real)
    items = 0
    for cap in want:
        before = len(c.failures)
        items += c.check_transactions(cap, want[cap]) or 0
        c.check_connections(cap, want[cap], shark[cap])
        c.check_tshark_http(cap, shark_http[cap])
        if not same_sizes(pcapsift, key_args(real, cap) +
                          [os.path.join(real, cap)]):
            c.fail(cap, "sizes without --bodies differ from those with")
        print("%s %s" % ("FAIL" if len(c.failures) > before else "ok", cap))
    c.check_variants()
    for f in c.failures:
        print("FAIL " + f)
    print("%d captures, %d items, %d failures" % (len(want), items,
                                                   len(c.failures)))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
