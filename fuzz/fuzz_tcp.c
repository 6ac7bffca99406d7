/* SPDX-License-Identifier: MIT */
/* libFuzzer target: TCP reassembly and connection tracking. The input is a
 * script of segments between a few endpoints: per segment one byte of
 * direction and endpoint choice, one of flags, 4 of sequence, 4 of
 * acknowledgment, 2 of time step and 1 of length, then that many payload
 * bytes. Small limits make the budget, eviction and expiry paths reachable.
 * Every delivered byte is read, so an over-read trips the sanitizer. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "tcp_table.h"

static volatile uint32_t sink;

static void on_data(void *ctx, const struct sift_tcp_conn *c,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    uint64_t off, int64_t ts)
{
    (void)ctx;
    (void)c;
    (void)dir;
    (void)ts;
    sink += (uint32_t)off;
    for (size_t i = 0; data != NULL && i < len; i++)
        sink += data[i];
}

static void on_end(void *ctx, const struct sift_tcp_conn *c)
{
    (void)ctx;
    sink += (uint32_t)(c->side[0].stream_bytes + c->side[1].gap_bytes);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sift_tcp_limits lim = {4, 64, 256, 1000000, 100000};
    struct tcp_callbacks cb = {NULL, NULL, on_data, on_end, NULL, NULL};
    struct tcp_table *t = tcp_table_new(&lim, &cb);
    if (t == NULL)
        return 0;
    struct sift_record rec;
    memset(&rec, 0, sizeof rec);
    size_t at = 0;
    while (size - at >= 13) {
        const uint8_t *h = data + at;
        size_t len = h[12];
        at += 13;
        if (len > size - at)
            len = size - at;
        uint8_t *payload = malloc(len ? len : 1); /* exact size */
        if (payload == NULL)
            break;
        memcpy(payload, data + at, len);
        at += len;
        rec.ts_ns += (int64_t)((uint32_t)h[10] << 8 | h[11]) * 1000;
        struct sift_packet p;
        memset(&p, 0, sizeof p);
        p.record = &rec;
        p.ip_version = 4;
        p.protocol = 6;
        struct sift_ip_addr a = {4, {10, 0, 0, (uint8_t)(1 + (h[0] >> 4 & 3))}};
        struct sift_ip_addr b = {4, {10, 0, 0, 9}};
        bool from_b = h[0] & 1;
        p.src = from_b ? b : a;
        p.dst = from_b ? a : b;
        p.sport = from_b ? 80 : (uint16_t)(40000 + (h[0] >> 1 & 7));
        p.dport = from_b ? (uint16_t)(40000 + (h[0] >> 1 & 7)) : 80;
        p.tcp.flags = h[1];
        p.tcp.seq = be32(h + 2);
        p.tcp.ack = be32(h + 6);
        p.tcp.header_len = 20;
        p.payload = payload;
        p.payload_len = (uint32_t)len;
        p.payload_wire_len = (uint32_t)len + (h[0] & 0x40 ? 7u : 0u);
        tcp_table_packet(t, &p);
        free(payload);
    }
    tcp_table_finish(t);
    tcp_table_free(t);
    return 0;
}
