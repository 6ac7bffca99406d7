#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of the command-line contract (../shared/docs/CLI.md) that a
golden output cannot express: files written with -o, exit statuses, and
what is (not) left behind.

usage: run_cli.py PCAPSIFT SRCROOT
"""
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
CAPTURE = os.path.join(ROOT, "testdata", "http", "basic.pcap")
failures = []
passed = 0


def run(*args, stdin=subprocess.DEVNULL, cwd=None):
    return subprocess.run([BIN, *args], stdin=stdin, capture_output=True,
                          cwd=cwd, timeout=60)


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name} {detail}")


def test_output_file_format_from_extension(tmp):
    for ext, parse in ((".json", json.loads),
                       (".jsonl", lambda s: [json.loads(l) for l in s.splitlines()]),
                       (".ndjson", lambda s: [json.loads(l) for l in s.splitlines()])):
        out = os.path.join(tmp, "info" + ext)
        p = run("info", "-o", out, CAPTURE)
        check(f"-o {ext}: exit 0, nothing on stdout",
              p.returncode == 0 and p.stdout == b"", p.stderr)
        with open(out, encoding="utf-8") as f:
            objs = parse(f.read())
        check(f"-o {ext}: one object with the packet count",
              len(objs) == 1 and objs[0]["packets"] == 68)
        check(f"-o {ext}: mode like a plain create",
              os.stat(out).st_mode & 0o777 == 0o666 & ~current_umask())
    out = os.path.join(tmp, "info.txt")
    p = run("info", "-F", "json", "-o", out, CAPTURE)
    with open(out, encoding="utf-8") as f:
        check("-F wins over the extension", f.read().startswith("["))


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_existing_output_keeps_mode_and_links(tmp):
    private = os.path.join(tmp, "private.json")
    with open(private, "w") as f:
        f.write("old")
    os.chmod(private, 0o600)
    p = run("info", "-o", private, CAPTURE)
    check("-o over a 0600 file keeps 0600", p.returncode == 0 and
          os.stat(private).st_mode & 0o777 == 0o600)
    link = os.path.join(tmp, "link.json")
    os.symlink(private, link)
    p = run("info", "-o", link, CAPTURE)
    check("-o through a symlink keeps the link", p.returncode == 0 and
          os.path.islink(link))
    with open(private, encoding="utf-8") as f:
        check("-o through a symlink writes its target",
              json.loads(f.read())[0]["packets"] == 68)


def test_failed_output_leaves_nothing(tmp):
    out = os.path.join(tmp, "no-such-dir", "x.json")
    p = run("info", "-o", out, CAPTURE)
    check("unwritable -o: exit 1", p.returncode == 1, p.returncode)
    check("unwritable -o: nothing created",
          not os.path.exists(os.path.dirname(out)))


def test_unreadable_input_still_written(tmp):
    out = os.path.join(tmp, "partial.jsonl")
    trunc = os.path.join(ROOT, "testdata", "formats", "invalid-version.pcap")
    p = run("info", "-o", out, CAPTURE, trunc)
    check("one unreadable input: exit 1", p.returncode == 1, p.returncode)
    with open(out, encoding="utf-8") as f:
        objs = [json.loads(l) for l in f.read().splitlines()]
    check("one unreadable input: both described",
          len(objs) == 2 and objs[0]["packets"] == 68 and objs[1]["error"])
    check("one unreadable input: the reason on stderr",
          b"unsupported pcap version" in p.stderr)
    q = run("info", "-q", "-o", out, trunc)
    check("-q: no message on stderr", q.stderr == b"", q.stderr)
    leftovers = [n for n in os.listdir(tmp) if ".tmp." in n]
    check("no temporary files left", leftovers == [], leftovers)


def pcapng_with_texts(path, name, comment):
    """A little-endian pcap-ng file: an SHB, and an IDB with if_name and a
    comment taken from the arguments (bytes)."""
    def option(code, value):
        pad = b"\0" * (-len(value) % 4)
        return struct.pack("<HH", code, len(value)) + value + pad

    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack("<II", kind, n) + body + struct.pack("<I", n)

    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", 1, 0, 0) + option(2, name) +
                option(1, comment) + option(0, b""))
    with open(path, "wb") as f:
        f.write(shb + idb)


def test_hostile_texts_are_cut_and_escaped(tmp):
    path = os.path.join(tmp, "texts.pcapng")
    pcapng_with_texts(path, b"n" * 6000,
                      "a\u009b2Jb\u202ec\x1bd".encode("utf-8"))
    p = run("info", path)
    out = p.stdout.decode("utf-8")
    name_line = [l for l in out.splitlines() if "Interface 0" in l][0]
    check("a 6000-byte name is cut at 4096 bytes and marked",
          name_line.endswith(": " + "n" * 4096 + " [cut]"), name_line[-20:])
    check("C1 controls, bidi overrides and ESC are escaped",
          "a\\u009b2Jb\\u202ec\\x1bd" in out and "\u009b" not in out and
          "\u202e" not in out and "\x1b" not in out)


def test_grep_spans_segments_and_not_gaps(tmp):
    # the server writes headers and body separately: this match spans two
    # TCP segments (packets 8 and 10 of basic.pcap)
    p = run("grep", "GMT\r\n\r\n<!DOCTYPE", CAPTURE)
    lines = p.stdout.decode().splitlines()
    check("grep finds a match across a segment boundary",
          p.returncode == 0 and len(lines) == 1 and
          lines[0].startswith("conn 1 server offset 179 "), lines)
    p = run("grep", "(", CAPTURE)
    check("grep: a bad pattern is a usage error", p.returncode == 2)
    # cut the first response's header segment short: the match must not
    # be made across the bytes the capture lacks
    cut = os.path.join(tmp, "cut.pcap")
    with open(CAPTURE, "rb") as f:
        data = bytearray(f.read())
    off, n = 24, 0
    while off < len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        n += 1
        if n == 8:  # the header segment: drop its last 10 bytes
            struct.pack_into("<I", data, off + 8, caplen - 10)
            del data[off + 16 + caplen - 10:off + 16 + caplen]
            break
        off += 16 + caplen
    with open(cut, "wb") as f:
        f.write(data)
    p = run("grep", "GMT\r\n\r\n<!DOCTYPE", cut)
    check("grep never matches across a gap", p.stdout == b"", p.stdout)
    p = run("follow", "--conn", "1", "--dir", "server", cut)
    check("follow shows the 10 missing bytes as a gap",
          b"[gap: 10 bytes missing from the capture]" in p.stdout)


def test_unknown_link_type_warned_once(tmp):
    """A link type with no decoder: one warning per interface, and every
    packet still listed."""
    path = os.path.join(tmp, "unknown-link.pcap")
    header = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147)
    record = struct.pack("<IIII", 1, 0, 4, 4) + b"abcd"
    with open(path, "wb") as f:
        f.write(header + record * 3)
    p = run("packets", path)
    warnings = [l for l in p.stderr.decode().splitlines()
                if "is not decoded" in l]
    check("unknown link type: warned once, every packet listed",
          p.returncode == 0 and len(warnings) == 1 and
          p.stdout.count(b"unknown-link") == 3, p.stderr)


def test_help_version_and_stdin():
    p = run("--help")
    check("--help: exit 0 and usage on stdout",
          p.returncode == 0 and b"usage: pcapsift" in p.stdout)
    p = run("-V")
    check("-V: exit 0 and a version", p.returncode == 0 and
          p.stdout.startswith(b"pcapsift "))
    with open(CAPTURE, "rb") as f:
        p = run("info", "-F", "jsonl", stdin=f)
    check("no FILE reads standard input",
          p.returncode == 0 and json.loads(p.stdout)["packets"] == 68)
    with open(CAPTURE, "rb") as f:
        p = run("info", "-F", "jsonl", "--", "-", stdin=f)
    check("'--' then '-' reads standard input",
          p.returncode == 0 and json.loads(p.stdout)["file"] == "-")


def test_output_to_a_fifo_writes_in_place(tmp):
    """-o on a FIFO or device (-o /dev/null) writes into it: a file renamed
    over it would replace the device itself."""
    import stat
    import threading
    fifo = os.path.join(tmp, "out.fifo")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb")
                                                         .read()))
    reader.start()
    p = run("http", "-F", "har", "-o", fifo, CAPTURE)
    reader.join(30)
    check("-o FIFO: exit 0", p.returncode == 0, p.stderr)
    check("-o FIFO: still a FIFO", stat.S_ISFIFO(os.stat(fifo).st_mode))
    check("-o FIFO: the HAR came through it",
          got and json.loads(got[0])["log"]["version"] == "1.2")
    check("-o FIFO: no temporary file beside it",
          sorted(os.listdir(tmp)).count("out.fifo") == 1 and
          not any(n.startswith("out.fifo.tmp") for n in os.listdir(tmp)))


def http_pcap(path, request, response):
    """A classic pcap of one TCP connection 10.0.0.1:40000 -> 10.0.0.2:80:
    handshake, the request, the response, FINs (checksums left zero)."""
    import struct

    def seg(src, dst, sport, dport, seq, ack, flags, data=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4,
                          flags, 65535, 0, 0) + data
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64,
                         6, 0, bytes(src), bytes(dst))
        return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp

    c, s_ = [10, 0, 0, 1], [10, 0, 0, 2]
    pkts = [seg(c, s_, 40000, 80, 100, 0, 0x02),
            seg(s_, c, 80, 40000, 500, 101, 0x12),
            seg(c, s_, 40000, 80, 101, 501, 0x10),
            seg(c, s_, 40000, 80, 101, 501, 0x18, request),
            seg(s_, c, 80, 40000, 501, 101 + len(request), 0x18, response),
            seg(c, s_, 40000, 80, 101 + len(request), 501 + len(response),
                0x11),
            seg(s_, c, 80, 40000, 501 + len(response),
                102 + len(request), 0x11)]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000, i * 1000, len(p),
                                len(p)) + p)


def test_one_url_in_every_format(tmp):
    """No Host header and a target with bytes a URI must encode: text, CSV,
    JSON filter and HAR give the same URL."""
    cap = os.path.join(tmp, "nohost.pcap")
    http_pcap(cap, b"GET /a b\xc3\xa9?q=1 HTTP/1.1\r\n\r\n",
              b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    want = "http://10.0.0.2/a%20b%C3%A9?q=1"
    har = json.loads(run("http", "-F", "har", cap).stdout)
    check("HAR url: no Host, encoded", har["log"]["entries"][0]["request"]
          ["url"] == want, har["log"]["entries"][0]["request"]["url"])
    text = run("http", "-F", "text", cap).stdout.decode()
    check("text url is HAR's", want in text, text)
    csv_out = run("http", "-F", "csv", cap).stdout.decode()
    check("CSV url is HAR's", ("," + want + ",") in csv_out, csv_out)
    p = run("http", "-F", "text", "--url", "%20b%C3%A9", cap)
    check("--url matches that URL", want in p.stdout.decode(), p.stdout)


def test_http_default_and_formats(tmp):
    p = run(CAPTURE)
    check("no command: http, JSON Lines", p.returncode == 0 and all(
        json.loads(l)["type"] == "http" for l in p.stdout.splitlines()))
    out = os.path.join(tmp, "t.har")
    p = run("http", "-o", out, CAPTURE)
    har = json.load(open(out))
    check("-o .har: HAR with bodies", p.returncode == 0 and all(
        "text" in e["response"]["content"] for e in har["log"]["entries"]))
    p = run("http", "--progress", "-o", os.devnull, CAPTURE)
    check("--progress: 100% on stderr", p.returncode == 0 and
          b"100% (0 of 0 MB)" in p.stderr, p.stderr)
    p = run("http", "-o", os.devnull, CAPTURE)
    check("no progress when stderr is not a terminal", p.stderr == b"",
          p.stderr)

TLS = os.path.join(ROOT, "testdata", "tls", "real")


def pcapng_blocks(data):
    """The blocks of a little-endian pcap-ng file."""
    out, off = [], 0
    while off < len(data):
        _, length = struct.unpack_from("<II", data, off)
        out.append(data[off:off + length])
        off += length
    return out


def test_keys_in_every_way(tmp):
    cap = os.path.join(TLS, "tls13-aes128gcm.pcap")
    keys = os.path.join(TLS, "tls13-aes128gcm.keys")
    dsb = os.path.join(TLS, "tls13-aes128gcm.dsb.pcapng")

    def lines(p):
        return len(p.stdout.splitlines())

    check("--keylog: 5 transactions", lines(run("http", "--keylog", keys,
                                                cap)) == 5)
    p = subprocess.run([BIN, "http", cap], capture_output=True, timeout=60,
                       env={"SSLKEYLOGFILE": keys})
    check("SSLKEYLOGFILE: 5 transactions", lines(p) == 5, p.stderr)
    p = run("http", cap)
    check("no keys: nothing, and stderr says why and what to do",
          p.stdout == b"" and b"no_keys 1" in p.stderr and
          b"--keylog" in p.stderr, p.stderr)
    check("no keys, -q: silent", run("http", "-q", cap).stderr == b"")
    check("DSB in the file: 5 transactions", lines(run("http", dsb)) == 5)
    with open(dsb, "rb") as f:
        check("DSB on standard input, before the packets: 5",
              lines(run("http", "-", stdin=f)) == 5)
    # The same file with its DSB moved after the packets.
    with open(dsb, "rb") as f:
        blocks = pcapng_blocks(f.read())
    is_dsb = [struct.unpack_from("<I", b)[0] == 10 for b in blocks]
    late = os.path.join(tmp, "dsb-late.pcapng")
    with open(late, "wb") as f:
        f.write(b"".join(b for b, d in zip(blocks, is_dsb) if not d) +
                b"".join(b for b, d in zip(blocks, is_dsb) if d))
    check("DSB at the end of a file: still 5 (read first)",
          lines(run("http", late)) == 5)
    with open(late, "rb") as f:
        p = run("http", "-", stdin=f)
    check("DSB at the end of standard input: a warning, exit 0",
          p.returncode == 0 and p.stdout == b"" and
          b"came after records of 1 TLS connection" in p.stderr, p.stderr)
    late_gz = late + ".gz"
    with open(late, "rb") as f, gzip.open(late_gz, "wb") as g:
        g.write(f.read())
    p = run("http", late_gz)
    check("DSB at the end of a gzip file (read once): the warning",
          p.stdout == b"" and b"came after records of 1 TLS connection"
          in p.stderr, p.stderr)
    out = os.path.join(tmp, "extracted.keys")
    p = run("keys", "--extract-keys", out, dsb)
    with open(out) as f, open(keys) as g:
        got = sorted(x for x in f.read().splitlines() if x and x[0] != "#")
        want = sorted(x for x in g.read().splitlines() if x and x[0] != "#")
    check("keys --extract-keys: the injected key log", p.returncode == 0 and
          got == want, p.stderr)
    p = run("keys", "-F", "jsonl", dsb)
    o = json.loads(p.stdout.splitlines()[0])
    check("keys -F jsonl: one block, 5 secrets, no secret bytes printed",
          o["type"] == "tls_key_log" and len(o["secrets"]) == 5 and
          all("secret" not in s for s in o["secrets"]), o)
    bad = os.path.join(tmp, "bad.keys")
    with open(bad, "w") as f:
        f.write("# comment\r\nCLIENT_RANDOM 00zz 11\r\n\r\n")
    p = run("http", "--keylog", bad, "--keylog", keys, cap)
    check("a malformed key log line: warning with its line, the rest used",
          p.returncode == 0 and lines(p) == 5 and b"line 2" in p.stderr,
          p.stderr)
    p = run("http", "--keylog", os.path.join(tmp, "none.keys"), cap)
    check("a key log that cannot be opened: exit 1, said",
          p.returncode == 1 and b"cannot open the key log" in p.stderr,
          p.stderr)


def test_tls_rows_and_flows(tmp):
    cap = os.path.join(TLS, "ipv6-8443.pcap")
    keys = os.path.join(TLS, "ipv6-8443.keys")
    p = run("tls", "-F", "csv", "--keylog", keys, cap)
    rows = p.stdout.decode().splitlines()
    check("tls -F csv: a header and 2 rows", p.returncode == 0 and
          len(rows) == 3 and "v6.sift.test" in rows[1], rows)
    p = run("tls", "-F", "json", cap)
    arr = json.loads(p.stdout)
    check("tls -F json without keys: 2 connections, no_keys, the cipher",
          [o["outcome"] for o in arr] == ["no_keys", "no_keys"] and
          arr[1]["cipher"] == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", arr)
    p = run("flows", "--keylog", keys, cap)
    check("flows: SNI and outcome on the row",
          b"sni=v6.sift.test decrypted" in p.stdout, p.stdout)
    p = run("http", "-F", "har", "--keylog", keys, cap)
    har = json.loads(p.stdout)["log"]
    e = har["entries"][0]
    check("HAR: https URL with the port, _securityDetails, ssl in connect",
          e["request"]["url"].startswith("https://v6.sift.test:8443/") and
          e["_securityDetails"]["protocol"] == "TLS 1.3" and
          0 <= e["timings"]["ssl"] <= e["timings"]["connect"], e)
    p = run("http", "-F", "har", cap)
    t = json.loads(p.stdout)["log"]["_tls"]
    check("HAR without keys: _tls lists the 2 undecrypted connections",
          t["connections"] == 2 and len(t["undecrypted"]) == 2 and
          t["undecrypted"][0]["outcome"] == "no_keys", t)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_output_to_a_fifo_writes_in_place(tmp)
        test_http_default_and_formats(tmp)
        test_one_url_in_every_format(tmp)
        test_output_file_format_from_extension(tmp)
        test_existing_output_keeps_mode_and_links(tmp)
        test_failed_output_leaves_nothing(tmp)
        test_unreadable_input_still_written(tmp)
        test_hostile_texts_are_cut_and_escaped(tmp)
        test_grep_spans_segments_and_not_gaps(tmp)
        test_unknown_link_type_warned_once(tmp)
        test_keys_in_every_way(tmp)
        test_tls_rows_and_flows(tmp)
    test_help_version_and_stdin()
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
