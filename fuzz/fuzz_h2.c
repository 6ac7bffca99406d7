/* SPDX-License-Identifier: MIT */
/* libFuzzer target: one HTTP/2 connection (h2_conn: the frame reader of
 * each direction with its gap resync, HPACK through libnghttp2's inflater
 * and the unknown-table rewrite, header blocks over CONTINUATION,
 * PUSH_PROMISE, RST_STREAM, GOAWAY, SETTINGS, streams to transactions).
 * Byte 0 is the configuration: bit 0 the client starts with the
 * connection preface (prior knowledge, ALPN h2); bits 1-2 the limits (the
 * HTTP layer's defaults, small, tiny: caps within reach); bit 3 an h2c
 * upgrade first: the next byte is a length n and the n bytes after it,
 * mapped onto the base64url alphabet, are the HTTP2-Settings of the
 * HTTP/1.1 request that becomes stream 1; bit 4 bodies content-decoded.
 * The rest is a script of runs, each one control byte and a length of 1
 * byte (2, big-endian, with bit 2), then that many bytes of one
 * direction: bit 0 from the server; bit 1 a gap of that length instead
 * (times 4096 with bit 3). fuzz/make_h2_corpus.py writes seeds in this
 * form. Every run is an exact-size copy, every byte handed out is read,
 * and transactions must come with consecutive indexes.
 * SIFT_FUZZ_H2_VERBOSE=1 prints one line per transaction (for checking
 * what a seed does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "h2_conn.h"
#include "http_head.h"
#include "http_msg.h"

#define CFG_PREFACE 1
#define CFG_LIMITS 6
#define CFG_UPGRADE 8
#define CFG_DECODE 16

#define RUN_SERVER 1
#define RUN_GAP 2
#define RUN_WIDE 4
#define RUN_BIG 8

static volatile uint32_t sink;
static uint32_t next_index;

static void touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; b != NULL && i < n; i++)
        sink += b[i];
}

static void touch_fields(const struct sift_http_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        touch(h[i].name, h[i].name_len);
        touch(h[i].value, h[i].value_len);
    }
}

static void touch_message(const struct sift_http_message *m)
{
    if (!m->present)
        return;
    touch(m->method, m->method_len);
    touch(m->target, m->target_len);
    touch(m->reason, m->reason_len);
    touch_fields(m->headers, m->header_count);
    touch_fields(m->trailers, m->trailer_count);
    touch(m->body, m->body_len);
}

static int verbose = -1;

static void print_txn(const struct sift_http_transaction *t)
{
    const struct sift_http_message *q = &t->request, *r = &t->response;
    fprintf(stderr,
            "stream %u index %u: %.*s %.*s -> %d, bodies %llu/%llu,"
            " %zu/%zu fields, %zu interim, error %u, by %u, flags %#x\n",
            t->stream_id, t->index, (int)q->method_len,
            q->method ? q->method : "", (int)q->target_len,
            q->target ? q->target : "", r->status,
            (unsigned long long)q->body_bytes,
            (unsigned long long)r->body_bytes, q->header_count, r->header_count,
            t->interim_count, t->h2_error, t->promised_by, t->flags);
}

static void on_emit(void *ctx, struct sift_http_transaction *t)
{
    (void)ctx;
    if (verbose < 0)
        verbose = getenv("SIFT_FUZZ_H2_VERBOSE") != NULL;
    if (verbose)
        print_txn(t);
    if (t->index != next_index++)
        abort(); /* emitted out of order, twice, or one skipped */
    touch_message(&t->request);
    touch_message(&t->response);
    for (size_t i = 0; i < t->interim_count; i++)
        touch_message(&t->interim[i]);
    sink += t->stream_id + t->h2_error + t->promised_by + t->flags;
}

/* The HTTP/1.1 request of an h2c upgrade, with these settings. */
static bool upgrade_request(const uint8_t *p, size_t n, struct http_msg *m,
                            const struct http_body_limits *body)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                              "qrstuvwxyz0123456789-_";
    static const char head[] = "GET / HTTP/1.1\r\nHost: h\r\n"
                               "Connection: Upgrade, HTTP2-Settings\r\n"
                               "Upgrade: h2c\r\nHTTP2-Settings: ";
    char text[sizeof head + 256 + 4];
    size_t len = sizeof head - 1;
    memcpy(text, head, len);
    for (size_t i = 0; i < n; i++)
        text[len++] = b64[p[i] & 63];
    memcpy(text + len, "\r\n\r\n", 4);
    len += 4;
    struct http_head hd;
    if (!http_head_parse((const uint8_t *)text, len, true, false, 16, &hd))
        return false;
    http_msg_start(m, &hd, len, 0, 0, body);
    http_msg_finish(m, 0, 0, 0);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t cfg = data[0];
    size_t at = 1;
    static const struct h2_limits limits[4] = {
        {1024, 4 * 65536, 4 * 65536, 256, NULL}, /* the HTTP layer's defaults */
        {8, 1024, 512, 16, NULL},
        {1, 64, 32, 2, NULL},
        {3, 300, 100, 4, NULL},
    };
    struct http_body_budget budget = {0, 16384};
    struct http_body_limits body = {true, (cfg & CFG_DECODE) != 0, 4096, 65536,
                                    &budget};
    struct sift_tcp_conn conn;
    memset(&conn, 0, sizeof conn);
    conn.id = 1;
    conn.handshake_rtt_ns = -1;
    struct h2_conn_cb cb = {NULL, on_emit};
    next_index = 0;
    struct h2_conn *h =
        h2_conn_new(&conn, NULL, &body, &limits[(cfg & CFG_LIMITS) >> 1],
                    (cfg & CFG_PREFACE) != 0, 0, &cb);
    if (h == NULL)
        return 0;
    if ((cfg & CFG_UPGRADE) && at < size) {
        size_t n = data[at++];
        if (n > size - at)
            n = size - at;
        struct http_msg req;
        if (upgrade_request(data + at, n, &req, &body)) {
            h2_conn_upgraded(h, &req, 0);
            http_msg_free(&req); /* moved out: nothing left to free */
        }
        at += n;
    }
    int64_t ts = 0;
    while (at < size) {
        uint8_t ctl = data[at++];
        size_t len = 0;
        if (ctl & RUN_WIDE) {
            if (size - at < 2)
                break;
            len = (size_t)data[at] << 8 | data[at + 1];
            at += 2;
        } else {
            if (at >= size)
                break;
            len = data[at++];
        }
        enum sift_tcp_dir d =
            (ctl & RUN_SERVER) ? SIFT_TCP_FROM_SERVER : SIFT_TCP_FROM_CLIENT;
        ts += 1000;
        if (ctl & RUN_GAP) {
            uint64_t n = (uint64_t)len << ((ctl & RUN_BIG) ? 12 : 0);
            if (n > 0)
                h2_conn_gap(h, d, n, ts);
            continue;
        }
        if (len > size - at)
            len = size - at;
        uint8_t *copy = malloc(len ? len : 1);
        if (copy == NULL)
            break;
        memcpy(copy, data + at, len);
        h2_conn_data(h, &conn, d, copy, len, ts);
        free(copy);
        at += len;
    }
    conn.last_ns = ts;
    h2_conn_end(h, &conn, ts);
    h2_conn_free(h);
    if (budget.used != 0)
        abort(); /* a body's bytes not given back */
    return 0;
}
