/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the WebSocket decoder (decoders/http/websocket.c). Byte 0
 * picks the direction (bit 0), permessage-deflate (bit 1), no context
 * takeover (bit 2), the payload cap (bits 3-5), gaps (bit 6) and whether a
 * Sec-WebSocket-Extensions value comes first (bit 7: byte 2 gives its
 * length, and its parse result replaces bits 1-2); byte 1 seeds the
 * chunking. The rest is the stream: with gaps on, "\xff\xfe" and a byte n
 * stand for n + 1 missing bytes, and the bytes between are segments with
 * times of their own. The stream is decoded twice, each segment whole and
 * then cut in pseudo-random chunks, and the messages must be the same
 * (split invariance); each message's payload is read whole, so an
 * over-read trips the sanitizer. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "websocket.h"

struct digest {
    uint64_t h;
    uint64_t count;
    size_t max;
};

static void mix(struct digest *d, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        d->h ^= (uint8_t)(v >> (8 * i));
        d->h *= 1099511628211ull;
    }
}

static void on_message(void *ctx, const struct sift_ws_message *m)
{
    struct digest *d = ctx;
    if (m->payload_len > d->max || (m->payload_len > 0 && m->payload == NULL))
        abort();
    if (!m->compressed && m->payload_len > m->length)
        abort();
    if (m->close_code != -1 &&
        (m->opcode != SIFT_WS_CLOSE || m->close_code > 0xffff))
        abort();
    if (m->opcode < 0 || m->opcode > 15)
        abort();
    d->count++;
    mix(d, (uint64_t)m->opcode << 40 | (uint64_t)m->cut << 32 |
               (uint64_t)m->compressed << 33 | (uint64_t)m->gap << 34 |
               (uint64_t)m->error << 35 | (uint32_t)m->close_code);
    mix(d, m->length);
    mix(d, (uint64_t)m->ts_ns);
    mix(d, m->payload_len);
    for (size_t i = 0; i < m->payload_len; i++) {
        d->h ^= m->payload[i];
        d->h *= 1099511628211ull;
    }
}

static const size_t caps[8] = {0, 1, 7, 64, 125, 1000, 4096, 65536};

/* The next segment: a run of bytes (*gap 0) or a gap (*gap > 0). */
static size_t next_segment(const uint8_t *p, size_t n, bool gaps, uint64_t *gap)
{
    *gap = 0;
    if (gaps && n >= 3 && p[0] == 0xff && p[1] == 0xfe) {
        *gap = (uint64_t)p[2] + 1;
        return 3;
    }
    size_t k = 1;
    while (k < n && !(gaps && n - k >= 3 && p[k] == 0xff && p[k + 1] == 0xfe))
        k++;
    return k;
}

static struct digest decode(const uint8_t *p, size_t n, size_t cap,
                            enum sift_tcp_dir dir,
                            const struct ws_deflate_params *pmd, bool gaps,
                            uint32_t seed)
{
    struct digest d = {14695981039346656037ull, 0, cap};
    struct ws_stream *s = ws_stream_new(NULL, 1, dir, pmd, cap, on_message, &d);
    if (s == NULL)
        abort();
    int64_t ts = 0;
    for (size_t at = 0; at < n;) {
        uint64_t gap;
        size_t k = next_segment(p + at, n - at, gaps, &gap);
        ts++;
        if (gap > 0) {
            ws_stream_gap(s, gap, ts);
        } else if (seed == 0) {
            ws_stream_feed(s, p + at, k, ts);
        } else {
            for (size_t done = 0; done < k;) {
                seed = seed * 1103515245u + 12345u;
                size_t step = 1 + (seed >> 16) % (seed & 0x100 ? 3 : 40);
                if (step > k - done)
                    step = k - done;
                ws_stream_feed(s, p + at + done, step, ts);
                done += step;
            }
        }
        at += k;
    }
    ws_stream_end(s, ts + 1);
    mix(&d, ws_stream_skipped(s));
    mix(&d, ws_stream_lost(s));
    ws_stream_free(s);
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t cfg = data[0], seed = data[1];
    size_t at = 2;
    struct ws_deflate_params pmd = {(cfg & 2) != 0, (cfg & 4) != 0,
                                    (cfg & 4) != 0, 15, 15};
    if (cfg & 0x80) {
        if (size < 3)
            return 0;
        size_t len = data[2] % 64;
        at = 3;
        if (len > size - at)
            len = size - at;
        char *value = malloc(len ? len : 1); /* exact size */
        if (value == NULL)
            return 0;
        memcpy(value, data + at, len);
        ws_parse_extensions(value, len, &pmd);
        free(value);
        at += len;
    }
    enum sift_tcp_dir dir =
        cfg & 1 ? SIFT_TCP_FROM_SERVER : SIFT_TCP_FROM_CLIENT;
    size_t cap = caps[cfg >> 3 & 7];
    bool gaps = (cfg & 0x40) != 0;
    struct digest a = decode(data + at, size - at, cap, dir, &pmd, gaps, 0);
    struct digest b =
        decode(data + at, size - at, cap, dir, &pmd, gaps, 1u + seed);
    if (a.h != b.h || a.count != b.count)
        abort(); /* the chunking changed the messages */
    return 0;
}
