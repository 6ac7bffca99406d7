/* SPDX-License-Identifier: MIT */
/* Tests of the WebSocket decoder: the examples of RFC 6455 §5.7 and RFC
 * 7692 §7.2.3, every split of mixed samples (plain and compressed), gaps,
 * control frames between fragments, caps and bombs, errors, and the
 * Sec-WebSocket-Extensions parser. Each message is appended to a log as
 * "opcode/length/flags/payload" (flags: c cut, z compressed, g gap, e
 * error; close frames add "@code"), so equal logs mean equal messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check_main.h"
#include "websocket.h"

#define C SIFT_TCP_FROM_CLIENT
#define S SIFT_TCP_FROM_SERVER

static struct sift_tcp_conn the_conn;
static char log_buf[1 << 16];
static size_t log_len;
static bool log_ts;
static uint8_t last_payload[1 << 17];
static struct sift_ws_message last;
static int messages;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(log_buf + log_len, sizeof log_buf - log_len, fmt, ap);
    va_end(ap);
    ck_assert(n >= 0 && (size_t)n < sizeof log_buf - log_len);
    log_len += (size_t)n;
}

static uint32_t fnv(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void on_msg(void *ctx, const struct sift_ws_message *m)
{
    ck_assert_ptr_eq(ctx, &the_conn);
    ck_assert_ptr_eq(m->conn, &the_conn);
    ck_assert_uint_eq(m->transaction_id, 7);
    ck_assert(m->payload_len == 0 || m->payload != NULL);
    messages++;
    last = *m;
    ck_assert_uint_le(m->payload_len, sizeof last_payload);
    if (m->payload_len > 0)
        memcpy(last_payload, m->payload, m->payload_len);
    logf_("%d/%llu/%s%s%s%s%s/", m->opcode, (unsigned long long)m->length,
          m->cut ? "c" : "", m->compressed ? "z" : "", m->gap ? "g" : "",
          m->error ? "e" : "",
          m->cut || m->compressed || m->gap || m->error ? "" : "-");
    if (m->opcode == SIFT_WS_CLOSE)
        logf_("@%d/", m->close_code);
    if (log_ts)
        logf_("t%lld/", (long long)m->ts_ns);
    if (m->payload_len > 48) {
        logf_("#%zu:%08x\n", m->payload_len, fnv(m->payload, m->payload_len));
        return;
    }
    for (size_t i = 0; i < m->payload_len; i++) {
        uint8_t ch = m->payload[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            logf_("%c", ch);
        else
            logf_("\\x%02x", ch);
    }
    logf_("\n");
}

static struct ws_stream *
open_ws(enum sift_tcp_dir dir, const struct ws_deflate_params *pmd, size_t max)
{
    log_len = 0;
    log_buf[0] = '\0';
    messages = 0;
    struct ws_stream *s =
        ws_stream_new(&the_conn, 7, dir, pmd, max, on_msg, &the_conn);
    ck_assert_ptr_nonnull(s);
    return s;
}

static unsigned nibble(char ch)
{
    const char *digits = "0123456789abcdef";
    const char *at = strchr(digits, ch);
    ck_assert(ch != '\0' && at != NULL);
    return (unsigned)(at - digits);
}

/* Bytes from "81 05 48 ..." */
static size_t unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    while (*h) {
        if (*h == ' ') {
            h++;
            continue;
        }
        out[n++] = (uint8_t)(nibble(h[0]) << 4 | nibble(h[1]));
        h += 2;
    }
    return n;
}

/* A frame; mask NULL: unmasked. The shortest length form. */
static size_t frame(uint8_t *out, bool fin, bool rsv1, int op, const uint8_t *p,
                    size_t n, const uint8_t *mask)
{
    size_t k = 0;
    out[k++] = (uint8_t)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | op);
    uint8_t m = mask ? 0x80 : 0;
    if (n < 126) {
        out[k++] = (uint8_t)(m | n);
    } else if (n <= 0xffff) {
        out[k++] = (uint8_t)(m | 126);
        out[k++] = (uint8_t)(n >> 8);
        out[k++] = (uint8_t)n;
    } else {
        out[k++] = (uint8_t)(m | 127);
        for (int i = 7; i >= 0; i--)
            out[k++] = (uint8_t)((uint64_t)n >> (8 * i));
    }
    if (mask) {
        memcpy(out + k, mask, 4);
        k += 4;
    }
    for (size_t i = 0; i < n; i++)
        out[k + i] = mask ? (uint8_t)(p[i] ^ mask[i & 3]) : p[i];
    return k + n;
}

static size_t text_frame(uint8_t *out, bool fin, int op, const char *t,
                         const uint8_t *mask)
{
    return frame(out, fin, false, op, (const uint8_t *)t, strlen(t), mask);
}

/* permessage-deflate as a sender does it (RFC 7692 §7.2.1): a sync flush,
 * then the 00 00 ff ff at the end removed. */
static size_t compress_msg(z_stream *d, const void *in, size_t n, uint8_t *out,
                           size_t cap)
{
    d->next_in = (Bytef *)(uintptr_t)in;
    d->avail_in = (uInt)n;
    d->next_out = out;
    d->avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(d, Z_SYNC_FLUSH), Z_OK);
    ck_assert_uint_eq(d->avail_in, 0);
    size_t got = cap - d->avail_out;
    ck_assert(got >= 4 && memcmp(out + got - 4, "\0\0\xff\xff", 4) == 0);
    return got - 4;
}

static void deflater(z_stream *d)
{
    memset(d, 0, sizeof *d);
    ck_assert_int_eq(deflateInit2(d, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
}

static const struct ws_deflate_params pmd_default = {true, false, false, 15,
                                                     15};

/* Runs bytes through a new stream in chunks ending at cuts[]; returns the
 * log (a static copy). */
static const char *run_cuts(enum sift_tcp_dir dir,
                            const struct ws_deflate_params *pmd, size_t max,
                            const uint8_t *b, size_t n, const size_t *cuts,
                            size_t ncuts)
{
    static char copy[sizeof log_buf];
    struct ws_stream *s = open_ws(dir, pmd, max);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        ws_stream_feed(s, b + at, end - at, 100);
        at = end;
    }
    ws_stream_end(s, 200);
    ws_stream_free(s);
    memcpy(copy, log_buf, log_len + 1);
    return copy;
}

static const char *run(enum sift_tcp_dir dir,
                       const struct ws_deflate_params *pmd, size_t max,
                       const uint8_t *b, size_t n)
{
    return run_cuts(dir, pmd, max, b, n, NULL, 0);
}

static const char *run_hex(enum sift_tcp_dir dir,
                           const struct ws_deflate_params *pmd, const char *h)
{
    static uint8_t b[512];
    size_t n = unhex(h, b);
    return run(dir, pmd, 1 << 16, b, n);
}

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* Every split into two chunks, into three with a middle one of up to 12
 * bytes (headers cut twice), one byte at a time, and random chunkings all
 * give the log of one chunk. */
static void check_splits(enum sift_tcp_dir dir,
                         const struct ws_deflate_params *pmd, size_t max,
                         const uint8_t *b, size_t n, const char *expect)
{
    static char ref[sizeof log_buf];
    snprintf(ref, sizeof ref, "%s", run(dir, pmd, max, b, n));
    if (expect != NULL)
        ck_assert_str_eq(ref, expect);
    for (size_t i = 0; i <= n; i++) {
        size_t cut[1] = {i};
        ck_assert_str_eq(run_cuts(dir, pmd, max, b, n, cut, 1), ref);
    }
    for (size_t i = 0; i <= n; i++) /* three chunks: the middle one short */
        for (size_t j = i; j <= n && j <= i + 12; j++) {
            size_t cut[2] = {i, j};
            ck_assert_str_eq(run_cuts(dir, pmd, max, b, n, cut, 2), ref);
        }
    static size_t cuts[1 << 16];
    size_t nc = 0;
    for (size_t i = 1; i < n && nc < 1 << 16; i++)
        cuts[nc++] = i;
    ck_assert_str_eq(run_cuts(dir, pmd, max, b, n, cuts, nc), ref);
    for (int r = 0; r < 100; r++) {
        nc = 0;
        for (size_t at = 0; nc < 1 << 16;) {
            at += next_rand() % (r % 3 == 0 ? 4 : 40);
            if (at >= n)
                break;
            cuts[nc++] = at;
        }
        ck_assert_str_eq(run_cuts(dir, pmd, max, b, n, cuts, nc), ref);
    }
}

static const uint8_t rfc_mask[4] = {0x37, 0xfa, 0x21, 0x3d};

START_TEST(rfc6455_examples)
{
    /* §5.7 */
    ck_assert_str_eq(run_hex(S, NULL, "81 05 48 65 6c 6c 6f"), "1/5/-/Hello\n");
    ck_assert_str_eq(run_hex(C, NULL, "81 85 37 fa 21 3d 7f 9f 4d 51 58"),
                     "1/5/-/Hello\n");
    ck_assert_str_eq(run_hex(S, NULL, "01 03 48 65 6c 80 02 6c 6f"),
                     "1/5/-/Hello\n");
    ck_assert_str_eq(run_hex(S, NULL, "89 05 48 65 6c 6c 6f"), "9/5/-/Hello\n");
    ck_assert_str_eq(run_hex(C, NULL, "8a 85 37 fa 21 3d 7f 9f 4d 51 58"),
                     "10/5/-/Hello\n");
}
END_TEST

START_TEST(rfc6455_long_lengths)
{
    static uint8_t data[65536], wire[65536 + 14];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + (i >> 8));
    /* 256 bytes: 0x82 0x7E 0x0100 */
    uint8_t *w = wire;
    memcpy(w, "\x82\x7e\x01\x00", 4);
    memcpy(w + 4, data, 256);
    run(S, NULL, 1 << 17, w, 260);
    ck_assert_int_eq(messages, 1);
    ck_assert_uint_eq(last.length, 256);
    ck_assert_uint_eq(last.payload_len, 256);
    ck_assert(!last.cut && !last.error && last.opcode == SIFT_WS_BINARY);
    ck_assert(memcmp(last_payload, data, 256) == 0);
    /* 64 KiB: 0x82 0x7F 0x0000000000010000 */
    memcpy(w, "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
    memcpy(w + 10, data, 65536);
    run(S, NULL, 1 << 17, w, 65546);
    ck_assert_int_eq(messages, 1);
    ck_assert_uint_eq(last.length, 65536);
    ck_assert(!last.cut && !last.error);
    ck_assert(memcmp(last_payload, data, 65536) == 0);
    /* the same masked from the client, fed in odd chunks: the mask offset
     * follows the payload across chunk and internal buffer boundaries */
    size_t n = frame(wire, true, false, 2, data, 65536, rfc_mask);
    ck_assert_uint_eq(n, 65536 + 14);
    size_t cuts[3] = {3, 4099, 9001};
    run_cuts(C, NULL, 1 << 17, wire, n, cuts, 3);
    ck_assert(!last.error && last.payload_len == 65536);
    ck_assert(memcmp(last_payload, data, 65536) == 0);
    /* a message over 64 KiB (its buffer is freed after it), then another */
    static uint8_t big[70000 + 14 + 4];
    size_t nb = frame(big, true, false, 2, data, 65536, NULL);
    ck_assert_uint_eq(nb, 65536 + 10);
    memcpy(big + 10 + 65536, data, 70000 - 65536); /* a 64-bit length */
    memcpy(big + 2, "\0\0\0\0\0\x01\x11\x70", 8);
    nb = 10 + 70000;
    nb += text_frame(big + nb, true, 1, "ok", NULL);
    run(S, NULL, 1 << 17, big, nb);
    ck_assert_int_eq(messages, 2);
    ck_assert(last.payload_len == 2 && memcmp(last_payload, "ok", 2) == 0);
    ck_assert_str_eq(strchr(log_buf, '\n') + 1, "1/2/-/ok\n");
    ck_assert(strncmp(log_buf, "2/70000/-/#70000:", 17) == 0);
    /* a cap keeps a prefix; length counts all */
    run(C, NULL, 1000, wire, n);
    ck_assert(last.cut && last.length == 65536 && last.payload_len == 1000);
    ck_assert(memcmp(last_payload, data, 1000) == 0);
}
END_TEST

START_TEST(rfc7692_examples)
{
    const struct ws_deflate_params *p = &pmd_default;
    /* §7.2.3.1 */
    ck_assert_str_eq(run_hex(S, p, "c1 07 f2 48 cd c9 c9 07 00"),
                     "1/5/z/Hello\n");
    ck_assert_str_eq(run_hex(S, p, "41 03 f2 48 cd 80 04 c9 c9 07 00"),
                     "1/5/z/Hello\n");
    /* §7.2.3.2: the second message refers to the first one's window */
    const char *two = "c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00";
    ck_assert_str_eq(run_hex(S, p, two), "1/5/z/Hello\n1/5/z/Hello\n");
    /* ... which no_context_takeover forbids: flagged, nothing made up */
    struct ws_deflate_params nt = pmd_default;
    nt.server_no_context_takeover = true;
    ck_assert_str_eq(run_hex(S, &nt, two), "1/5/z/Hello\n1/5/ze/H\n");
    ck_assert_str_eq(run_hex(C, &nt,
                             "c1 87 00 00 00 00 f2 48 cd c9 c9 07 00"
                             " c1 85 00 00 00 00 f2 00 11 00 00"),
                     "1/5/z/Hello\n1/5/z/Hello\n"); /* the client's side */
    /* §7.2.3.3 a stored block */
    ck_assert_str_eq(run_hex(S, p, "c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"),
                     "1/5/z/Hello\n");
    /* §7.2.3.4 BFINAL set: the byte after the final block is ignored, and
     * the window is carried to the next message */
    ck_assert_str_eq(
        run_hex(S, p, "c1 08 f3 48 cd c9 c9 07 00 00 c1 05 f2 00 11 00 00"),
        "1/5/z/Hello\n1/5/z/Hello\n");
    /* §7.2.3.5 two blocks in one message */
    ck_assert_str_eq(
        run_hex(S, p, "c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"),
        "1/5/z/Hello\n");
    /* §7.2.3.6 an empty message: 0x00; no payload at all is taken alike */
    ck_assert_str_eq(run_hex(S, p, "c1 01 00 c1 00"), "1/0/z/\n1/0/z/\n");
    /* masked, from the client */
    ck_assert_str_eq(run_hex(C, p, "c1 87 37 fa 21 3d c5 b2 ec f4 fe fd 21"),
                     "1/5/z/Hello\n");
    /* garbage and a message cut short are inflate errors */
    ck_assert_str_eq(run_hex(S, p, "c1 03 ff ff ff"), "1/3/ze/\n");
    ck_assert_str_eq(run_hex(S, p, "c1 04 f2 48 cd c9"), "1/4/ze/Hel\n");
    /* ... and what inflated before a failure is kept */
    ck_assert_str_eq(run_hex(S, p, "c1 07 f2 48 cd c9 c9 07 ff"),
                     "1/7/ze/Hello\n");
}
END_TEST

START_TEST(every_split_of_a_mixed_sample)
{
    static const uint8_t k1[4] = {1, 2, 3, 4}, k2[4] = {0xff, 0, 0x80, 7};
    static uint8_t b[2048], bin[300];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (uint8_t)(255 - i);
    size_t n = 0;
    n += text_frame(b + n, false, 1, "Hel", k1);
    n += text_frame(b + n, true, 9, "p", k2);
    n += text_frame(b + n, false, 0, "l", k2);
    n += text_frame(b + n, true, 10, "", k1);
    n += text_frame(b + n, true, 0, "o!", k1);
    n += text_frame(b + n, true, 1, "", k2);
    n += frame(b + n, true, false, 2, bin, sizeof bin, k2);
    n += frame(b + n, true, false, 8,
               (const uint8_t *)"\x03\xe8"
                                "bye",
               5, k1);
    char expect[256];
    snprintf(expect, sizeof expect,
             "9/1/-/p\n10/0/-/\n1/6/-/Hello!\n1/0/-/\n"
             "2/300/-/#300:%08x\n8/5/-/@1000/\\x03\\xe8bye\n",
             fnv(bin, sizeof bin));
    check_splits(C, NULL, 1 << 16, b, n, expect);
    /* the same with a small cap */
    check_splits(C, NULL, 2, b, n,
                 "9/1/-/p\n10/0/-/\n1/6/c/He\n1/0/-/\n"
                 "2/300/c/\\xff\\xfe\n8/5/c/@1000/\\x03\\xe8\n");
}
END_TEST

START_TEST(every_split_of_a_compressed_sample)
{
    static uint8_t b[8192], z[2048], big[3000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)("abcabdabe"[i % 9] + (i % 97 == 0));
    z_stream d;
    deflater(&d);
    size_t n = 0, k;
    k = compress_msg(&d, "Hello, hello, hello", 19, z, sizeof z);
    n += frame(b + n, true, true, 1, z, k, NULL);
    k = compress_msg(&d, "Hello, hello, hello", 19, z, sizeof z);
    n += frame(b + n, false, true, 1, z, 2, NULL); /* fragmented */
    n += text_frame(b + n, true, 9, "ping", NULL);
    n += frame(b + n, true, false, 0, z + 2, k - 2, NULL);
    k = compress_msg(&d, big, sizeof big, z, sizeof z);
    n += frame(b + n, true, true, 2, z, k, NULL);
    n += text_frame(b + n, true, 1, "plain", NULL);
    k = compress_msg(&d, "ello", 4, z, sizeof z);
    n += frame(b + n, true, true, 1, z, k, NULL);
    deflateEnd(&d);
    char expect[512];
    snprintf(expect, sizeof expect,
             "1/19/z/Hello, hello, hello\n9/4/-/ping\n"
             "1/19/z/Hello, hello, hello\n2/3000/z/#3000:%08x\n"
             "1/5/-/plain\n1/4/z/ello\n",
             fnv(big, sizeof big));
    check_splits(S, &pmd_default, 1 << 16, b, n, expect);
    /* capped: inflating stops at the cap, lengths are the wire's; the
     * window is then lost, so later messages start from an empty one and
     * those that refer back are flagged */
    const char *capped = run(S, &pmd_default, 10, b, n);
    ck_assert_ptr_nonnull(strstr(capped, "/cz/Hello, hel\n9/4/-/ping\n"));
    check_splits(S, &pmd_default, 10, b, n, NULL);
}
END_TEST

START_TEST(control_frames_between_fragments)
{
    uint8_t b[256];
    size_t n = 0;
    n += text_frame(b + n, false, 2, "ab", NULL);
    n += text_frame(b + n, true, 9, "", NULL);
    n += text_frame(b + n, false, 0, "cd", NULL);
    n += text_frame(b + n, true, 10, "pong", NULL);
    n += frame(b + n, true, false, 8, (const uint8_t *)"\x0f\xa0", 2, NULL);
    n += text_frame(b + n, true, 0, "ef", NULL);
    ck_assert_str_eq(run(S, NULL, 100, b, n),
                     "9/0/-/\n10/4/-/pong\n8/2/-/@4000/\\x0f\\xa0\n"
                     "2/6/-/abcdef\n");
}
END_TEST

START_TEST(gap_in_a_masked_payload)
{
    uint8_t b[64];
    size_t n = text_frame(b, true, 1, "Hello, world", rfc_mask);
    size_t m = text_frame(b + n, true, 1, "next", rfc_mask);
    struct ws_stream *s = open_ws(C, NULL, 100);
    ws_stream_feed(s, b, 6 + 5, 1);           /* header, "Hello" */
    ws_stream_gap(s, 2, 2);                   /* ", " */
    ws_stream_feed(s, b + 13, n + m - 13, 3); /* "world", next frame */
    ws_stream_end(s, 4);
    ck_assert(!ws_stream_lost(s));
    ws_stream_free(s);
    ck_assert_str_eq(log_buf, "1/12/g/Helloworld\n1/4/-/next\n");

    /* a gap that ends the payload exactly keeps the stream in step */
    n = text_frame(b, true, 1, "Hello", NULL);
    s = open_ws(S, NULL, 100);
    log_ts = true;
    ws_stream_feed(s, b, 4, 1);
    ws_stream_gap(s, 3, 2);
    ws_stream_feed(s, b, n, 3);
    ws_stream_end(s, 4);
    log_ts = false;
    ck_assert(!ws_stream_lost(s));
    ws_stream_free(s);
    ck_assert_str_eq(log_buf, "1/5/g/t2/He\n1/5/-/t3/Hello\n");

    /* a gap inside a control frame between fragments */
    s = open_ws(S, NULL, 100);
    n = text_frame(b, false, 1, "ab", NULL);
    n += text_frame(b + n, true, 9, "wxyz", NULL);
    ws_stream_feed(s, b, n - 3, 1);
    ws_stream_gap(s, 2, 2);
    ws_stream_feed(s, b + n - 1, 1, 3);
    n = text_frame(b, true, 0, "c", NULL);
    ws_stream_feed(s, b, n, 4);
    ws_stream_end(s, 5);
    ws_stream_free(s);
    ck_assert_str_eq(log_buf, "9/4/g/wz\n1/3/-/abc\n");
}
END_TEST

START_TEST(gaps_outside_a_payload_lose_the_stream)
{
    uint8_t b[64] = {0};
    size_t n = text_frame(b, true, 1, "Hello", NULL);
    /* past the end of the payload: the message is whole (with its gap),
     * but the next header is not found */
    struct ws_stream *s = open_ws(S, NULL, 100);
    ws_stream_feed(s, b, 4, 1);
    ws_stream_gap(s, 4, 2);
    ws_stream_feed(s, b, n, 3);
    ws_stream_end(s, 4);
    ck_assert(ws_stream_lost(s));
    ck_assert_uint_eq(ws_stream_skipped(s), 1 + n);
    ws_stream_free(s);
    ck_assert_str_eq(log_buf, "1/5/g/He\n");
    /* inside a header, with a fragmented message open */
    s = open_ws(S, NULL, 100);
    n = text_frame(b, false, 1, "ab", NULL);
    ws_stream_feed(s, b, n + 1, 1); /* and one byte of the next header */
    ws_stream_gap(s, 10, 2);
    ws_stream_feed(s, b, n, 3);
    ck_assert(ws_stream_lost(s));
    ck_assert_uint_eq(ws_stream_skipped(s), 1 + 10 + n);
    ws_stream_end(s, 4);
    ws_stream_free(s);
    ck_assert_str_eq(log_buf, "1/2/ge/ab\n");
    /* between frames */
    s = open_ws(S, NULL, 100);
    ws_stream_gap(s, 5, 1);
    ws_stream_feed(s, b, n, 2);
    ck_assert(ws_stream_lost(s));
    ck_assert_uint_eq(ws_stream_skipped(s), 5 + n);
    ws_stream_free(s);
    ck_assert_int_eq(messages, 0);
}
END_TEST

START_TEST(gap_in_a_compressed_message)
{
    static uint8_t b[4096], z[1024];
    z_stream d;
    deflater(&d);
    const char *t1 = "the quick brown fox jumps over the lazy dog";
    size_t k = compress_msg(&d, t1, strlen(t1), z, sizeof z);
    size_t n = frame(b, true, true, 1, z, k, NULL);
    struct ws_stream *s = open_ws(S, &pmd_default, 100);
    ws_stream_feed(s, b, 2 + 6, 1);
    ws_stream_gap(s, k - 6, 2);
    /* a message referring to the lost window is flagged... */
    k = compress_msg(&d, t1, strlen(t1), z, sizeof z);
    n = frame(b, true, true, 1, z, k, NULL);
    ws_stream_feed(s, b, n, 3);
    /* ...one that does not is inflated right */
    deflateEnd(&d);
    deflater(&d);
    k = compress_msg(&d, "fresh", 5, z, sizeof z);
    n = frame(b, true, true, 1, z, k, NULL);
    ws_stream_feed(s, b, n, 4);
    ws_stream_end(s, 5);
    ws_stream_free(s);
    deflateEnd(&d);
    ck_assert_ptr_nonnull(strstr(log_buf, "/zg/"));
    ck_assert_ptr_nonnull(strstr(log_buf, "/ze/t\n1/5/z/fresh\n"));
    ck_assert_int_eq(messages, 3);
}
END_TEST

START_TEST(caps_and_bombs)
{
    static uint8_t zeros[1 << 20], b[1 << 16], z[1 << 16];
    z_stream d;
    deflater(&d);
    size_t k = compress_msg(&d, zeros, sizeof zeros, z, sizeof z);
    ck_assert_uint_lt(k, 2048);
    size_t n = frame(b, true, true, 2, z, k, NULL);
    run(S, &pmd_default, 1000, b, n);
    ck_assert(last.cut && last.compressed && !last.error);
    ck_assert_uint_eq(last.payload_len, 1000);
    ck_assert_uint_eq(last.length, k); /* not inflated: the wire length */
    /* exactly at the cap is not cut */
    deflateEnd(&d);
    deflater(&d);
    k = compress_msg(&d, zeros, 1000, z, sizeof z);
    n = frame(b, true, true, 2, z, k, NULL);
    char expect[64];
    snprintf(expect, sizeof expect, "2/1000/z/#1000:%08x\n", fnv(zeros, 1000));
    check_splits(S, &pmd_default, 1000, b, n, expect);
    check_splits(S, &pmd_default, 999, b, n, NULL);
    ck_assert(last.cut && last.payload_len == 999 && last.length == k);
    /* max_payload 0 keeps nothing */
    snprintf(expect, sizeof expect, "2/%zu/cz/\n", k);
    ck_assert_str_eq(run(S, &pmd_default, 0, b, n), expect);
    ck_assert_str_eq(
        run_cuts(S, NULL, 0, (const uint8_t *)"\x81\x02hi", 4, NULL, 0),
        "1/2/c/\n");
    deflateEnd(&d);
}
END_TEST

START_TEST(protocol_errors_are_flagged)
{
    /* masking the wrong way: flagged, still decoded */
    ck_assert_str_eq(run_hex(C, NULL, "81 05 48 65 6c 6c 6f"), "1/5/e/Hello\n");
    ck_assert_str_eq(run_hex(S, NULL, "81 85 37 fa 21 3d 7f 9f 4d 51 58"),
                     "1/5/e/Hello\n");
    /* a length not in its shortest form */
    ck_assert_str_eq(run_hex(S, NULL, "81 7e 00 02 68 69"), "1/2/e/hi\n");
    ck_assert_str_eq(run_hex(S, NULL, "81 7f 00 00 00 00 00 00 00 02 68 69"),
                     "1/2/e/hi\n");
    /* control frames: fragmented, too long, compressed */
    ck_assert_str_eq(run_hex(S, NULL, "09 01 61"), "9/1/e/a\n");
    static uint8_t b[300], p[200];
    memset(p, 'x', sizeof p);
    size_t n = frame(b, true, false, 9, p, 126, NULL);
    run(S, NULL, 1000, b, n);
    ck_assert(last.error && last.length == 126 && last.cut &&
              last.payload_len == 125);
    ck_assert_str_eq(run_hex(S, &pmd_default, "c9 00"), "9/0/e/\n");
    /* RSV1 on a continuation */
    ck_assert_str_eq(run_hex(S, &pmd_default, "01 01 61 c0 01 62"),
                     "1/2/e/ab\n");
    /* a continuation with nothing to continue */
    ck_assert_str_eq(run_hex(S, NULL, "80 01 61 81 01 62"),
                     "0/1/e/a\n1/1/-/b\n");
    /* a message starting before the last one ended */
    ck_assert_str_eq(run_hex(S, NULL, "01 01 61 82 01 62"),
                     "1/1/e/a\n2/1/-/b\n");
    /* close frames */
    ck_assert_str_eq(run_hex(S, NULL, "88 00"), "8/0/-/@-1/\n");
    ck_assert_str_eq(run_hex(S, NULL, "88 01 03"), "8/1/e/@-1/\\x03\n");
    ck_assert_str_eq(run_hex(S, NULL, "88 02 03 ed"),
                     "8/2/e/@1005/\\x03\\xed\n");
    ck_assert_str_eq(run_hex(S, NULL, "88 02 03 e7"),
                     "8/2/e/@999/\\x03\\xe7\n");
    ck_assert_str_eq(run_hex(S, NULL, "88 02 13 88"),
                     "8/2/e/@5000/\\x13\\x88\n");
    ck_assert_str_eq(run_hex(S, NULL, "88 04 03 f3 6f 6b"),
                     "8/4/-/@1011/\\x03\\xf3ok\n");
    /* the close code is read even when the payload kept is shorter */
    run(S, NULL, 1, (const uint8_t *)"\x88\x03\x03\xe8x", 5);
    ck_assert(last.close_code == 1000 && last.cut && last.payload_len == 1);
}
END_TEST

/* opcode / RSV / length faults: the message open is delivered, then one
 * message tells the fault, then nothing. */
START_TEST(faults_lose_the_stream)
{
    static const struct {
        const char *hex;
        const struct ws_deflate_params *pmd;
        const char *log;
        uint64_t skipped;
    } cases[] = {
        {"83 00 81 01 61", NULL, "3/0/e/\n", 5},
        {"8b 00", NULL, "11/0/e/\n", 2},
        {"01 01 61 87 05 48 65 6c 6c 6f", NULL, "1/1/e/a\n7/0/e/\n", 7},
        {"a1 01 61", NULL, "1/0/e/\n", 3},
        {"91 01 61", &pmd_default, "1/0/e/\n", 3},
        {"c1 01 61 81 01 61", NULL, "1/0/e/\n", 6},
        {"81 01 61 82 7f 80 00 00 00 00 00 00 00 01 02", NULL,
         "1/1/-/a\n2/0/e/\n", 12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t b[64];
        size_t n = unhex(cases[i].hex, b);
        struct ws_stream *s = open_ws(S, cases[i].pmd, 100);
        ws_stream_feed(s, b, n, 1);
        ws_stream_gap(s, 3, 2);
        ws_stream_end(s, 3);
        ck_assert_msg(ws_stream_lost(s), "case %zu", i);
        ck_assert_uint_eq(ws_stream_skipped(s), cases[i].skipped + 3);
        ws_stream_free(s);
        ck_assert_str_eq(log_buf, cases[i].log);
    }
}
END_TEST

START_TEST(end_delivers_what_is_unfinished)
{
    /* in a payload */
    ck_assert_str_eq(run_hex(S, NULL, "81 05 48 65"), "1/2/e/He\n");
    /* between fragments, with a control frame cut short */
    ck_assert_str_eq(run_hex(S, NULL, "01 01 61 89 04 70 69"),
                     "1/1/e/a\n9/2/e/pi\n");
    /* a compressed message: what inflated so far, the wire length */
    ck_assert_str_eq(run_hex(S, &pmd_default, "c1 07 f2 48 cd c9"),
                     "1/4/ze/Hel\n");
    /* half a header alone is nothing */
    ck_assert_str_eq(run_hex(S, NULL, "81 05 48 65 6c 6c 6f 81"),
                     "1/5/-/Hello\n");
    /* after the end, bytes are skipped */
    struct ws_stream *s = open_ws(S, NULL, 100);
    ws_stream_end(s, 1);
    ws_stream_feed(s, (const uint8_t *)"\x81\x00", 2, 2);
    ws_stream_gap(s, 5, 3);
    ck_assert_uint_eq(ws_stream_skipped(s), 7);
    ck_assert(!ws_stream_lost(s));
    ws_stream_free(s);
    ck_assert_int_eq(messages, 0);
}
END_TEST

START_TEST(times_are_the_last_bytes)
{
    uint8_t b[64];
    size_t n = text_frame(b, false, 1, "ab", NULL);
    n += text_frame(b + n, true, 9, "", NULL);
    n += text_frame(b + n, true, 0, "cd", NULL);
    struct ws_stream *s = open_ws(S, NULL, 100);
    log_ts = true;
    ws_stream_feed(s, b, 3, 10);     /* header, "a" */
    ws_stream_feed(s, b + 3, 1, 20); /* "b" */
    ws_stream_feed(s, b + 4, 2, 30); /* the ping */
    ws_stream_feed(s, b + 6, 3, 40); /* header, "c" */
    ws_stream_feed(s, b + 9, 1, 50); /* "d" */
    ws_stream_feed(s, b, 3, 60);     /* an unfinished one */
    ws_stream_end(s, 70);
    log_ts = false;
    ws_stream_free(s);
    ck_assert_str_eq(log_buf, "9/0/-/t30/\n1/4/-/t50/abcd\n1/1/e/t60/a\n");
}
END_TEST

/* Every prefix of a sample, then the end: the messages before the end are
 * a prefix of the whole run's. */
START_TEST(every_prefix_then_end)
{
    static uint8_t b[512];
    size_t n = unhex("01 83 01 02 03 04 49 67 6f 89 80 00 00 00 00 80 82 05"
                     " 06 07 08 69 69 c1 87 00 00 00 00 f2 48 cd c9 c9 07 00"
                     " 88 82 01 01 01 01 02 e9",
                     b);
    char whole[1024];
    snprintf(whole, sizeof whole, "%s", run(C, &pmd_default, 100, b, n));
    ck_assert_str_eq(whole, "9/0/-/\n1/5/-/Hello\n1/5/z/Hello\n"
                            "8/2/-/@1000/\\x03\\xe8\n");
    for (size_t i = 0; i <= n; i++) {
        struct ws_stream *s = open_ws(C, &pmd_default, 100);
        ws_stream_feed(s, b, i, 1);
        ck_assert(strncmp(whole, log_buf, log_len) == 0);
        ws_stream_end(s, 2);
        ws_stream_free(s);
    }
}
END_TEST

START_TEST(extensions_header)
{
    static const struct {
        const char *v;
        bool ok;
        bool cnct, snct;
        int cbits, sbits;
    } cases[] = {
        {"permessage-deflate", true, false, false, 15, 15},
        {"  permessage-deflate  ", true, false, false, 15, 15},
        {"permessage-deflate; client_max_window_bits=10; "
         "server_no_context_takeover",
         true, false, true, 10, 15},
        {"PerMessage-Deflate;Client_No_Context_Takeover;"
         "server_max_window_bits = \"8\"",
         true, true, false, 15, 8},
        {"permessage-deflate; client_max_window_bits", true, false, false, 15,
         15},
        {"permessage-deflate; server_max_window_bits=\"1\\5\"", true, false,
         false, 15, 15},
        {"x-foo; a=\"b, c\"; d, permessage-deflate;client_max_window_bits=9",
         true, false, false, 9, 15},
        {", ,permessage-deflate,", true, false, false, 15, 15},
        {"", false, false, false, 15, 15},
        {"x-webkit-deflate-frame", false, false, false, 15, 15},
        {"permessage-deflate; server_max_window_bits", false, false, false, 15,
         15},
        {"permessage-deflate; server_max_window_bits=7", false, false, false,
         15, 15},
        {"permessage-deflate; server_max_window_bits=16", false, false, false,
         15, 15},
        {"permessage-deflate; server_max_window_bits=08", false, false, false,
         15, 15},
        {"permessage-deflate; client_max_window_bits=\"15", false, false, false,
         15, 15},
        {"permessage-deflate; server_no_context_takeover; "
         "server_no_context_takeover",
         false, false, false, 15, 15},
        {"permessage-deflate; server_no_context_takeover=1", false, false,
         false, 15, 15},
        {"permessage-deflate; x=1", false, false, false, 15, 15},
        {"permessage-deflate, permessage-deflate", false, false, false, 15, 15},
        {"permessage-deflate;", false, false, false, 15, 15},
        {"permessage-deflate permessage-deflate", false, false, false, 15, 15},
        {"permessage-deflate; a=", false, false, false, 15, 15},
        {"permessage-deflate@", false, false, false, 15, 15},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ws_deflate_params p;
        memset(&p, 0x55, sizeof p);
        bool ok = ws_parse_extensions(cases[i].v, strlen(cases[i].v), &p);
        ck_assert_msg(ok == cases[i].ok, "case %zu: %s", i, cases[i].v);
        ck_assert(p.enabled == ok);
        ck_assert(p.client_no_context_takeover == cases[i].cnct);
        ck_assert(p.server_no_context_takeover == cases[i].snct);
        ck_assert_int_eq(p.client_max_window_bits, cases[i].cbits);
        ck_assert_int_eq(p.server_max_window_bits, cases[i].sbits);
        /* every prefix parses without reading past it */
        for (size_t k = 0; k < strlen(cases[i].v); k++) {
            char *copy = malloc(k ? k : 1);
            ck_assert_ptr_nonnull(copy);
            memcpy(copy, cases[i].v, k);
            ws_parse_extensions(copy, k, &p);
            free(copy);
        }
    }
    struct ws_deflate_params p;
    ck_assert(!ws_parse_extensions(NULL, 0, &p));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("websocket");
    TCase *t = tcase_create("frames");
    tcase_add_test(t, rfc6455_examples);
    tcase_add_test(t, rfc6455_long_lengths);
    tcase_add_test(t, rfc7692_examples);
    tcase_add_test(t, every_split_of_a_mixed_sample);
    tcase_add_test(t, every_split_of_a_compressed_sample);
    tcase_add_test(t, control_frames_between_fragments);
    tcase_add_test(t, gap_in_a_masked_payload);
    tcase_add_test(t, gaps_outside_a_payload_lose_the_stream);
    tcase_add_test(t, gap_in_a_compressed_message);
    tcase_add_test(t, caps_and_bombs);
    tcase_add_test(t, protocol_errors_are_flagged);
    tcase_add_test(t, faults_lose_the_stream);
    tcase_add_test(t, end_delivers_what_is_unfinished);
    tcase_add_test(t, times_are_the_last_bytes);
    tcase_add_test(t, every_prefix_then_end);
    tcase_add_test(t, extensions_header);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
