/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the HTTP layer (framing, pairing, content decoding,
 * WebSocket after a 101). The input is a script of runs: per run one
 * control byte (bit 0: from the server; bit 1: a gap; bit 2: a FIN after
 * it; bit 3: a second connection) and a 1-byte length, then that many
 * bytes (none for a gap, whose length is the byte times 7). The first
 * control byte's bit 4 marks the connections as caught mid-stream. Small
 * limits make the caps reachable; every kept byte is read. */
#include <string.h>

#include "fuzz_common.h"
#include "http_layer.h"

static volatile uint32_t sink;

static void touch(const uint8_t *p, size_t n)
{
    for (size_t i = 0; p != NULL && i < n; i++)
        sink += p[i];
}

static void touch_message(const struct sift_http_message *m)
{
    if (!m->present)
        return;
    touch((const uint8_t *)m->method, m->method_len);
    touch((const uint8_t *)m->target, m->target_len);
    touch((const uint8_t *)m->reason, m->reason_len);
    for (size_t i = 0; i < m->header_count; i++) {
        touch((const uint8_t *)m->headers[i].name, m->headers[i].name_len);
        touch((const uint8_t *)m->headers[i].value, m->headers[i].value_len);
    }
    for (size_t i = 0; i < m->trailer_count; i++)
        touch((const uint8_t *)m->trailers[i].value,
              m->trailers[i].value_len);
    touch(m->body, m->body_len);
}

static void on_txn(void *ctx, const struct sift_http_transaction *t)
{
    (void)ctx;
    touch_message(&t->request);
    touch_message(&t->response);
    for (size_t i = 0; i < t->interim_count; i++)
        touch_message(&t->interim[i]);
}

static void on_ws(void *ctx, const struct sift_ws_message *m)
{
    (void)ctx;
    touch(m->payload, m->payload_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sift_http_options o;
    memset(&o, 0, sizeof o);
    o.keep_bodies = true;
    o.decode = true;
    o.max_body = 4096;
    o.max_decoded = 65536;
    o.max_body_memory = 16384;
    o.max_header_bytes = 1024;
    o.max_headers = 16;
    struct http_layer_cb cb = {NULL, on_txn, on_ws};
    struct http_layer *h = http_layer_new(&o, &cb);
    if (h == NULL)
        return 0;
    struct sift_tcp_conn conn[2];
    memset(conn, 0, sizeof conn);
    for (int i = 0; i < 2; i++) {
        conn[i].id = (uint64_t)i + 1;
        conn[i].handshake_rtt_ns = -1;
        conn[i].midstream = size > 0 && (data[0] & 16);
    }
    size_t at = 0;
    int64_t ts = 0;
    while (at + 2 <= size) {
        uint8_t ctl = data[at], len = data[at + 1];
        at += 2;
        struct sift_tcp_conn *c = &conn[(ctl >> 3) & 1];
        enum sift_tcp_dir dir = (ctl & 1) ? SIFT_TCP_FROM_SERVER
                                          : SIFT_TCP_FROM_CLIENT;
        ts += 1000;
        if (ctl & 2) {
            http_layer_data(h, c, NULL, dir, NULL, (size_t)len * 7, ts);
        } else {
            size_t n = len < size - at ? len : size - at;
            http_layer_data(h, c, NULL, dir, data + at, n, ts);
            at += n;
        }
        if (ctl & 4) {
            struct sift_tcp_event e = {SIFT_TCP_EV_CLOSE, c, dir, ts, 0, 0};
            http_layer_event(h, &e);
        }
    }
    for (int i = 0; i < 2; i++) {
        conn[i].last_ns = ts;
        http_layer_end(h, &conn[i]);
    }
    http_layer_free(h);
    return 0;
}
