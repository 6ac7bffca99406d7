/* SPDX-License-Identifier: MIT */
/* Unit tests of the TLS record reader (tls_record.h; RFC 8446 §5.1,
 * RFC 5246 §6.2.1): the server side of RFC 8448's 1-RTT and
 * compatibility-mode traces (nine records, a ChangeCipherSpec among
 * them) fed whole, split at every byte and in chunks of every size, with
 * a capture gap at every position (a damaged record with its pieces, or
 * lost framing found again through the candidate callback); the length
 * limit of 2^14 + 2048; and first bytes that do or do not look like TLS.
 * Each callback appends to an event log; equal logs are equal behaviour. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "tls_crypto.h"
#include "tls_record.h"
#include "tls_sslv2.h"
#include "tls_vectors.h"

/* --- the stream and the event log ----------------------------------- */

/* For paths run millions of times: check's passing ck_assert reports its
 * place to the runner each time, which costs more than the test. */
#define REQUIRE(cond)                                                          \
    do {                                                                       \
        if (!(cond))                                                           \
            ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond);              \
    } while (0)

#define MAX_RECS 16

static uint8_t stream[4096];
static size_t stream_len, nrec, off[MAX_RECS + 1]; /* off[nrec]: the end */

/* The server's records of RFC 8448 sections 3 and 7, in order. */
static void setup(void)
{
    stream_len = nrec = 0;
    for (size_t i = 0; i < RFC8448_RECORD_COUNT; i++) {
        const struct tls_vec_record *v = &rfc8448_records[i];
        if (!v->from_server || (v->section != 3 && v->section != 7))
            continue;
        ck_assert(nrec < MAX_RECS &&
                  stream_len + v->record_len <= sizeof stream);
        off[nrec++] = stream_len;
        memcpy(stream + stream_len, v->record, v->record_len);
        stream_len += v->record_len;
    }
    off[nrec] = stream_len;
}

struct log {
    uint8_t b[1 << 16];
    size_t n;
};

static struct log got, want;

static void put(struct log *l, const void *p, size_t n)
{
    REQUIRE(l->n + n <= sizeof l->b);
    memcpy(l->b + l->n, p, n);
    l->n += n;
}

static void put_num(struct log *l, uint64_t v)
{
    put(l, &v, sizeof v);
}

/* kind 'R' whole, 'D' damaged (with its pieces), 'C' taken by the
 * candidate callback (with `skipped`). */
static void put_event(struct log *l, char kind, const uint8_t hdr[5],
                      const uint8_t *body, size_t len,
                      const struct tls_piece *pieces, size_t np,
                      uint64_t skipped)
{
    put(l, &kind, 1);
    put(l, hdr, 5);
    put_num(l, len);
    put(l, body, len);
    put_num(l, np);
    for (size_t i = 0; i < np; i++) {
        put_num(l, pieces[i].from);
        put_num(l, pieces[i].to);
    }
    put_num(l, skipped);
}

/* The candidate callback accepts what trial decryption would: a true
 * record of the stream, at its true place. `wait`: answer -1 ("cannot
 * tell") until the framing's evidence (chain) is there. */
struct cand {
    bool accept_none, wait;
    size_t asked, taken;
    int last_chain;
};

static struct cand cand;

static size_t in_place; /* records whose body is the caller's bytes */

static void on_record(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                      size_t len, int64_t ts)
{
    (void)ctx, (void)ts;
    if (body >= stream && body + len <= stream + stream_len)
        in_place++;
    put_event(&got, 'R', hdr, body, len, NULL, 0, 0);
}

static void on_damaged(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                       size_t len, const struct tls_piece *pieces,
                       size_t npieces, int64_t ts)
{
    (void)ctx, (void)ts;
    REQUIRE(npieces <= TLS_MAX_PIECES);
    for (size_t i = 0; i < npieces; i++)
        REQUIRE(pieces[i].from < pieces[i].to && pieces[i].to <= len &&
                (i == 0 || pieces[i - 1].to < pieces[i].from));
    put_event(&got, 'D', hdr, body, len, pieces, npieces, 0);
}

static bool is_true_record(const uint8_t hdr[5], const uint8_t *body,
                           size_t len)
{
    for (size_t i = 0; i < nrec; i++)
        if (off[i + 1] - off[i] == 5 + len &&
            memcmp(stream + off[i], hdr, 5) == 0 &&
            memcmp(stream + off[i] + 5, body, len) == 0)
            return true;
    return false;
}

static int on_candidate(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                        size_t len, uint64_t skipped, int chain, int64_t ts)
{
    (void)ctx, (void)ts;
    cand.asked++;
    REQUIRE(tls_record_plausible(hdr));
    if (cand.accept_none || !is_true_record(hdr, body, len))
        return 0;
    if (cand.wait && chain == -1)
        return -1;
    cand.taken++;
    cand.last_chain = chain;
    put_event(&got, 'C', hdr, body, len, NULL, 0, skipped);
    return 1;
}

static const struct tls_record_cb cb = {NULL,         on_record, on_damaged,
                                        on_candidate, NULL,      NULL};

static void reset(void)
{
    got.n = want.n = 0;
    in_place = 0;
    memset(&cand, 0, sizeof cand);
}

/* Feeds p[0, n) in chunks of `chunk` bytes. */
static void feed(struct tls_record_reader *r, const uint8_t *p, size_t n,
                 size_t chunk)
{
    for (size_t at = 0; at < n; at += chunk)
        tls_record_feed(r, p + at, chunk < n - at ? chunk : n - at, 0, &cb);
}

static void want_record(size_t i, char kind, uint64_t skipped)
{
    put_event(&want, kind, stream + off[i], stream + off[i] + 5,
              off[i + 1] - off[i] - 5, NULL, 0, skipped);
}

static void expect_log(const char *what, size_t a, size_t b)
{
    size_t d = 0;
    while (d < got.n && d < want.n && got.b[d] == want.b[d])
        d++;
    if (got.n != want.n || d != got.n)
        ck_abort_msg("%s %zu %zu: log of %zu bytes, %zu expected, first "
                     "difference at %zu",
                     what, a, b, got.n, want.n, d);
}

/* --- in step -------------------------------------------------------- */

START_TEST(stream_is_nine_records)
{
    ck_assert_uint_eq(nrec, 9);
    ck_assert_uint_eq(stream_len, 1933);
    for (size_t i = 0; i < nrec; i++) {
        ck_assert(tls_record_plausible(stream + off[i]));
        ck_assert_uint_eq(5u + (stream[off[i] + 3] << 8 | stream[off[i] + 4]),
                          off[i + 1] - off[i]);
    }
    ck_assert_uint_eq(stream[off[6]], TLS_CT_CHANGE_CIPHER_SPEC);
}
END_TEST

static void want_all(void)
{
    for (size_t i = 0; i < nrec; i++)
        want_record(i, 'R', 0);
}

START_TEST(whole_stream)
{
    reset();
    want_all();
    struct tls_record_reader r;
    tls_record_init(&r);
    feed(&r, stream, stream_len, stream_len);
    tls_record_end(&r, 0, &cb);
    expect_log("whole", 0, 0);
    ck_assert_uint_eq(in_place, nrec); /* delivered whole: not copied */
    ck_assert_uint_eq(r.bytes, stream_len);
    ck_assert_uint_eq(r.version_hint, 0x0303);
    tls_record_free(&r);
}
END_TEST

/* Two deliveries, cut at every byte. */
START_TEST(every_split)
{
    for (size_t k = 1; k < stream_len; k++) {
        reset();
        want_all();
        struct tls_record_reader r;
        tls_record_init(&r);
        tls_record_feed(&r, stream, k, 0, &cb);
        tls_record_feed(&r, stream + k, stream_len - k, 0, &cb);
        tls_record_end(&r, 0, &cb);
        expect_log("split at", k, 0);
        tls_record_free(&r);
    }
}
END_TEST

/* Deliveries of every size from 1 byte to the whole stream. */
START_TEST(every_chunk_size)
{
    for (size_t chunk = 1; chunk <= stream_len; chunk++) {
        reset();
        want_all();
        struct tls_record_reader r;
        tls_record_init(&r);
        feed(&r, stream, stream_len, chunk);
        tls_record_end(&r, 0, &cb);
        expect_log("chunks of", chunk, 0);
        tls_record_free(&r);
    }
}
END_TEST

/* --- gaps ----------------------------------------------------------- */

/* The record holding stream offset a (nrec: none). */
static size_t record_at(size_t a)
{
    size_t i = 0;
    while (i < nrec && off[i + 1] <= a)
        i++;
    return i;
}

/* Record i, its body bytes from `hole` to `hole_end` lost (zeros). */
static void want_damaged(size_t i, size_t hole, size_t hole_end)
{
    size_t len = off[i + 1] - off[i] - 5;
    uint8_t *body = malloc(len);
    REQUIRE(body != NULL);
    memcpy(body, stream + off[i] + 5, len);
    memset(body + hole, 0, hole_end - hole);
    struct tls_piece pc[2];
    size_t np = 0;
    if (hole > 0)
        pc[np++] = (struct tls_piece){0, (uint32_t)hole};
    if (hole_end < len)
        pc[np++] = (struct tls_piece){(uint32_t)hole_end, (uint32_t)len};
    put_event(&want, 'D', stream + off[i], body, len, pc, np, 0);
    free(body);
}

/* What a gap over stream bytes [a, b) gives: the records before it; then
 * either the record it falls in, damaged, and all after it; or (the gap
 * reaches a header) the damaged record it starts in, if any, and the
 * first whole record after it through the candidate callback, with the
 * bytes skipped since the last boundary, and the rest in step. */
static void want_gap(size_t a, size_t b)
{
    size_t i = record_at(a), boundary = off[i];
    for (size_t k = 0; k < i; k++)
        want_record(k, 'R', 0);
    if (i == nrec)
        return;
    bool in_body = a >= off[i] + 5;
    if (in_body && b <= off[i + 1]) {
        want_damaged(i, a - off[i] - 5, b - off[i] - 5);
        for (size_t k = i + 1; k < nrec; k++)
            want_record(k, 'R', 0);
        return;
    }
    if (in_body) {
        want_damaged(i, a - off[i] - 5, off[i + 1] - off[i] - 5);
        boundary = off[i + 1];
    }
    size_t j = i;
    while (j < nrec && off[j] < b)
        j++;
    if (j == nrec)
        return;
    want_record(j, 'C', off[j] - boundary);
    for (size_t k = j + 1; k < nrec; k++)
        want_record(k, 'R', 0);
}

static void run_gap(size_t a, size_t b, size_t chunk)
{
    reset();
    want_gap(a, b);
    struct tls_record_reader r;
    tls_record_init(&r);
    feed(&r, stream, a, chunk);
    tls_record_gap(&r, b - a, 0, &cb);
    feed(&r, stream + b, stream_len - b, chunk);
    tls_record_end(&r, 0, &cb);
    expect_log("gap", a, b);
    REQUIRE(r.bytes == stream_len);
    tls_record_free(&r);
}

/* A gap of each length at every position, the bytes around it delivered
 * whole, in 7-byte and in 1-byte pieces. */
START_TEST(gap_at_every_position)
{
    static const size_t lens[] = {1, 4, 5, 6, 100, 700, 1000};
    size_t g = lens[_i];
    for (size_t a = 0; a + g <= stream_len; a++) {
        run_gap(a, a + g, stream_len);
        run_gap(a, a + g, 7);
        run_gap(a, a + g, 1);
    }
}
END_TEST

/* The gap a callback-driven resync needs: inside the ticket's header,
 * into its body. The next record is taken with the evidence of the one
 * after it (chain 1); the bytes skipped run from the ticket's start. */
START_TEST(gap_over_header_resyncs)
{
    ck_assert_uint_ge(nrec, 4);
    size_t a = off[2] + 2, b = off[2] + 40;
    run_gap(a, b, stream_len);
    ck_assert_uint_eq(cand.taken, 1);
    ck_assert_int_eq(cand.last_chain, 1);
    /* asked to wait for evidence, fed a byte at a time: the same */
    reset();
    want_gap(a, b);
    cand.wait = true;
    struct tls_record_reader r;
    tls_record_init(&r);
    feed(&r, stream, a, stream_len);
    tls_record_gap(&r, b - a, 0, &cb);
    feed(&r, stream + b, stream_len - b, 1);
    tls_record_end(&r, 0, &cb);
    expect_log("waiting", a, b);
    ck_assert_int_eq(cand.last_chain, 1);
    tls_record_free(&r);
}
END_TEST

/* A candidate that nobody accepts: nothing after the gap is delivered. */
START_TEST(gap_nothing_accepted)
{
    reset();
    cand.accept_none = true;
    for (size_t k = 0; k < 2; k++)
        want_record(k, 'R', 0);
    struct tls_record_reader r;
    tls_record_init(&r);
    feed(&r, stream, off[2], stream_len);
    tls_record_gap(&r, 3, 0, &cb);
    feed(&r, stream + off[2] + 3, stream_len - off[2] - 3, 5);
    tls_record_end(&r, 0, &cb);
    expect_log("none accepted", 0, 0);
    ck_assert_uint_ge(cand.asked, nrec - 3);
    tls_record_free(&r);
}
END_TEST

/* Holes in one record: up to TLS_MAX_PIECES pieces are kept; one more
 * and the record is given up (no pieces); the next record is in step. */
START_TEST(pieces_and_too_many_holes)
{
    size_t holes = (size_t)_i + 1, i = 1, len = off[2] - off[1] - 5;
    reset();
    want_record(0, 'R', 0);
    uint8_t *body = malloc(len);
    ck_assert(body != NULL);
    memcpy(body, stream + off[i] + 5, len);
    struct tls_piece pc[TLS_MAX_PIECES + 2];
    struct tls_record_reader r;
    tls_record_init(&r);
    feed(&r, stream, off[i] + 5, stream_len);
    for (size_t h = 0; h < holes; h++) { /* 20 bytes, a hole of 10 */
        size_t at = h * 30;
        feed(&r, stream + off[i] + 5 + at, 20, 3);
        pc[h] = (struct tls_piece){(uint32_t)at, (uint32_t)(at + 20)};
        tls_record_gap(&r, 10, 0, &cb);
        memset(body + at + 20, 0, 10);
    }
    size_t at = holes * 30;
    pc[holes] = (struct tls_piece){(uint32_t)at, (uint32_t)len};
    feed(&r, stream + off[i] + 5 + at, stream_len - off[i] - 5 - at, 64);
    tls_record_end(&r, 0, &cb);
    size_t np = holes + 1 <= TLS_MAX_PIECES ? holes + 1 : 0;
    put_event(&want, 'D', stream + off[i], body, len, pc, np, 0);
    for (size_t k = 2; k < nrec; k++)
        want_record(k, 'R', 0);
    expect_log("holes", holes, 0);
    free(body);
    tls_record_free(&r);
}
END_TEST

/* The stream ends inside a record: what came of it, damaged. */
START_TEST(end_inside_record)
{
    for (size_t cut = off[1] + 5 + 1; cut < off[2]; cut += 37) {
        reset();
        want_record(0, 'R', 0);
        want_damaged(1, cut - off[1] - 5, off[2] - off[1] - 5);
        struct tls_record_reader r;
        tls_record_init(&r);
        feed(&r, stream, cut, 11);
        tls_record_end(&r, 0, &cb);
        expect_log("end at", cut, 0);
        tls_record_free(&r);
    }
}
END_TEST

/* --- limits --------------------------------------------------------- */

static void header(uint8_t h[5], uint8_t type, uint16_t version, size_t len)
{
    h[0] = type;
    h[1] = (uint8_t)(version >> 8), h[2] = (uint8_t)version;
    h[3] = (uint8_t)(len >> 8), h[4] = (uint8_t)len;
}

START_TEST(plausible_headers)
{
    static const struct {
        uint8_t type;
        uint16_t version;
        size_t len;
        bool ok;
    } t[] = {
        {23, 0x0303, 1, true},       {23, 0x0303, 0, false},
        {23, 0x0303, 18432, true},   {23, 0x0303, 18433, false},
        {23, 0x0303, 0xffff, false}, {22, 0x0300, 100, true},
        {22, 0x0301, 100, true},     {21, 0x0304, 2, true},
        {24, 0x0302, 3, true},       {19, 0x0303, 10, false},
        {25, 0x0303, 10, false},     {23, 0x0305, 10, false},
        {23, 0x0203, 10, false},     {23, 0x0403, 10, false},
        {20, 0x0303, 1, true},       {20, 0x0303, 321, true},
        {20, 0x0303, 322, false},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t h[5];
        header(h, t[i].type, t[i].version, t[i].len);
        ck_assert_msg(tls_record_plausible(h) == t[i].ok, "case %zu", i);
    }
    ck_assert_uint_eq(TLS_MAX_CIPHERTEXT, 16384 + 2048);
}
END_TEST

/* A record of the largest length is read, in any pieces; one byte more
 * loses the framing, and the next true record is found by the scan. */
START_TEST(length_limit)
{
    static uint8_t big[5 + TLS_MAX_CIPHERTEXT + 5];
    const size_t chunk = (size_t[]){1, 1000, sizeof big}[_i];
    reset();
    header(big, 23, 0x0303, TLS_MAX_CIPHERTEXT);
    for (size_t i = 5; i < sizeof big - 5; i++)
        big[i] = (uint8_t)(i * 7);
    put_event(&want, 'R', big, big + 5, TLS_MAX_CIPHERTEXT, NULL, 0, 0);
    header(big + sizeof big - 5, 23, 0x0303, TLS_MAX_CIPHERTEXT + 1);
    want_record(0, 'C', 5);
    for (size_t k = 1; k < nrec; k++)
        want_record(k, 'R', 0);
    struct tls_record_reader r;
    tls_record_init(&r);
    feed(&r, big, sizeof big, chunk);
    feed(&r, stream, stream_len, chunk);
    tls_record_end(&r, 0, &cb);
    expect_log("limit", chunk, 0);
    tls_record_free(&r);
}
END_TEST

/* --- first bytes ---------------------------------------------------- */

struct first {
    const char *what;
    const uint8_t *p;
    size_t n;
    int client, server; /* tls_record_looks_like_tls from each side */
};

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})

static const struct first firsts[] = {
    {"ClientHello", B(0x16, 0x03, 0x01, 0x00, 0xc4, 0x01), 1, 0},
    {"ServerHello", B(0x16, 0x03, 0x03, 0x00, 0x5a, 0x02), 0, 1},
    {"SSL 3.0 hello", B(0x16, 0x03, 0x00, 0x00, 0x40, 0x01), 1, 0},
    {"Finished first", B(0x16, 0x03, 0x03, 0x00, 0x40, 0x14), 0, 0},
    {"application data", B(0x17, 0x03, 0x03, 0x00, 0x20, 0xaa), 1, 1},
    {"alert", B(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28), 1, 1},
    {"ChangeCipherSpec", B(0x14, 0x03, 0x03, 0x00, 0x01, 0x01), 0, 0},
    {"heartbeat", B(0x18, 0x03, 0x03, 0x00, 0x03, 0x01), 0, 0},
    {"length 0", B(0x16, 0x03, 0x01, 0x00, 0x00, 0x01), 0, 0},
    {"length 18432", B(0x17, 0x03, 0x03, 0x48, 0x00, 0x00), 1, 1},
    {"length 18433", B(0x17, 0x03, 0x03, 0x48, 0x01, 0x00), 0, 0},
    {"TLS 1.4?", B(0x16, 0x03, 0x05, 0x00, 0x10, 0x01), 0, 0},
    {"SSLv2 hello", B(0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15), 1, 0},
    {"SSLv2 server hello", B(0x80, 0x2e, 0x04, 0x00, 0x01, 0x00, 0x15), 0, 0},
    {"HTTP/1.1", B('G', 'E', 'T', ' ', '/', ' ', 'H'), 0, 0},
    {"HTTP/2", B('P', 'R', 'I', ' ', '*', ' '), 0, 0},
    {"one byte of HTTP", B('G'), 0, 0},
    {"one byte of a CCS", B(0x14), 0, 0},
    {"one byte of a hello", B(0x16), -1, -1},
    {"two bytes of data", B(0x17, 0x03), -1, -1},
    {"an alert's header", B(0x15, 0x03, 0x03, 0x00, 0x02), -1, -1},
    {"five bytes of a hello", B(0x16, 0x03, 0x01, 0x00, 0xc4), -1, -1},
    {"nothing", NULL, 0, -1, -1},
};

START_TEST(looks_like_tls)
{
    const struct first *f = &firsts[_i];
    ck_assert_msg(tls_record_looks_like_tls(f->p, f->n, true) == f->client,
                  "%s from the client", f->what);
    ck_assert_msg(tls_record_looks_like_tls(f->p, f->n, false) == f->server,
                  "%s from the server", f->what);
}
END_TEST

/* An SSLv2-format ClientHello (RFC 5246 §E.2) becomes the TLS hello it
 * stands for: the challenge right-aligned in the random, SSLv2-only
 * cipher specs left out, no extensions. */
START_TEST(sslv2_hello_rewritten)
{
    static const uint8_t v2[] = {
        0x80, 0x1f, 0x01, 0x03, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x10,
        0x07, 0x00, 0xc0, /* SSL_CK_DES_192_EDE3_CBC_WITH_MD5: dropped */
        0x00, 0x00, 0x2f, /* TLS_RSA_WITH_AES_128_CBC_SHA */
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    ck_assert_int_eq(tls_sslv2_is_hello(v2, sizeof v2), 1);
    ck_assert_uint_eq(tls_sslv2_record_len(v2), sizeof v2);
    uint8_t out[TLS_SSLV2_OUT_MAX];
    size_t n = tls_sslv2_rewrite(v2, sizeof v2, out);
    static const uint8_t want_head[] = {0x16, 0x03, 0x01, 0x00, 0x2d, 0x01,
                                        0x00, 0x00, 0x29, 0x03, 0x01};
    ck_assert_uint_eq(n, 5 + 4 + 2 + 32 + 1 + 2 + 2 + 2);
    ck_assert_mem_eq(out, want_head, sizeof want_head);
    static const uint8_t zeros[16] = {0};
    ck_assert_mem_eq(out + 11, zeros, 16);
    ck_assert_mem_eq(out + 27, v2 + 17, 16);
    static const uint8_t want_tail[] = {0x00, 0x00, 0x02, 0x00, 0x2f, 0x01,
                                        0x00};
    ck_assert_mem_eq(out + 43, want_tail, sizeof want_tail);
    /* A challenge of 15 bytes is not valid. */
    uint8_t bad[sizeof v2];
    memcpy(bad, v2, sizeof v2);
    bad[10] = 0x0f;
    ck_assert_uint_eq(tls_sslv2_rewrite(bad, sizeof bad - 1, out), 0);
}
END_TEST

/* Every RFC 8448 connection's first record, from its sender's side. */
START_TEST(rfc8448_first_records)
{
    for (size_t i = 0; i < RFC8448_RECORD_COUNT; i++) {
        const struct tls_vec_record *v = &rfc8448_records[i];
        bool hello = v->record[0] == TLS_CT_HANDSHAKE && !v->is_protected &&
                     (v->record[5] == 1 || v->record[5] == 2);
        if (!hello)
            continue;
        bool client = v->record[5] == 1;
        ck_assert_msg(
            tls_record_looks_like_tls(v->record, v->record_len, client) == 1,
            "%s", v->name);
        ck_assert_msg(
            tls_record_looks_like_tls(v->record, v->record_len, !client) == 0,
            "%s", v->name);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tls_record");
    TCase *t = tcase_create("in step");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, stream_is_nine_records);
    tcase_add_test(t, whole_stream);
    tcase_add_test(t, every_split);
    tcase_add_test(t, every_chunk_size);
    suite_add_tcase(s, t);
    TCase *g = tcase_create("gaps");
    tcase_add_checked_fixture(g, setup, NULL);
    tcase_set_timeout(g, 300);
    tcase_add_loop_test(g, gap_at_every_position, 0, 7);
    tcase_add_test(g, gap_over_header_resyncs);
    tcase_add_test(g, gap_nothing_accepted);
    tcase_add_loop_test(g, pieces_and_too_many_holes, 0, TLS_MAX_PIECES + 1);
    tcase_add_test(g, end_inside_record);
    suite_add_tcase(s, g);
    TCase *l = tcase_create("limits and first bytes");
    tcase_add_checked_fixture(l, setup, NULL);
    tcase_add_test(l, plausible_headers);
    tcase_add_loop_test(l, length_limit, 0, 3);
    tcase_add_loop_test(l, looks_like_tls, 0, sizeof firsts / sizeof firsts[0]);
    tcase_add_test(l, rfc8448_first_records);
    tcase_add_test(l, sslv2_hello_rewritten);
    suite_add_tcase(s, l);
    return s;
}

SIFT_CHECK_MAIN(suite)
