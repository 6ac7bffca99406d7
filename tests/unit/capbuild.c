/* SPDX-License-Identifier: MIT */
/* In-memory capture builder for the unit tests. */
#include "capbuild.h"

#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, bool big_endian)
{
    memset(b, 0, sizeof *b);
    b->be = big_endian;
}

void buf_free(struct buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void buf_bytes(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (b->data == NULL)
            abort();
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void buf_u8(struct buf *b, uint8_t v)
{
    buf_bytes(b, &v, 1);
}

static void put_n(struct buf *b, uint64_t v, size_t n)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < n; i++) {
        size_t shift = b->be ? (n - 1 - i) * 8 : i * 8;
        tmp[i] = (uint8_t)(v >> shift);
    }
    buf_bytes(b, tmp, n);
}

void buf_u16(struct buf *b, uint16_t v)
{
    put_n(b, v, 2);
}

void buf_u32(struct buf *b, uint32_t v)
{
    put_n(b, v, 4);
}

void buf_u64(struct buf *b, uint64_t v)
{
    put_n(b, v, 8);
}

void buf_pad4(struct buf *b)
{
    static const uint8_t zeros[4];
    buf_bytes(b, zeros, (4 - (b->len & 3)) & 3);
}

void buf_put32(struct buf *b, size_t off, uint32_t v)
{
    for (size_t i = 0; i < 4; i++) {
        size_t shift = b->be ? (3 - i) * 8 : i * 8;
        b->data[off + i] = (uint8_t)(v >> shift);
    }
}

void pcap_header(struct buf *b, uint32_t magic, uint16_t major,
                 uint16_t minor, uint32_t snaplen, uint32_t linktype)
{
    buf_u32(b, magic);
    buf_u16(b, major);
    buf_u16(b, minor);
    buf_u32(b, 0);
    buf_u32(b, 0);
    buf_u32(b, snaplen);
    buf_u32(b, linktype);
}

void pcap_record(struct buf *b, uint32_t sec, uint32_t frac, uint32_t caplen,
                 uint32_t origlen, const void *data)
{
    buf_u32(b, sec);
    buf_u32(b, frac);
    buf_u32(b, caplen);
    buf_u32(b, origlen);
    buf_bytes(b, data, caplen);
}

size_t ng_open(struct buf *b, uint32_t type)
{
    size_t start = b->len;
    buf_u32(b, type);
    buf_u32(b, 0);
    return start;
}

void ng_close(struct buf *b, size_t start)
{
    buf_pad4(b);
    uint32_t len = (uint32_t)(b->len - start + 4);
    buf_put32(b, start + 4, len);
    buf_u32(b, len);
}

void ng_option(struct buf *b, uint16_t code, const void *v, uint16_t len)
{
    buf_u16(b, code);
    buf_u16(b, len);
    buf_bytes(b, v, len);
    buf_pad4(b);
}

void ng_end_options(struct buf *b)
{
    buf_u32(b, 0);
}

void ng_shb(struct buf *b, const char *comment)
{
    size_t s = ng_open(b, 0x0A0D0D0A);
    buf_u32(b, 0x1A2B3C4D);
    buf_u16(b, 1);
    buf_u16(b, 0);
    buf_u64(b, UINT64_MAX);
    if (comment != NULL) {
        ng_option(b, 1, comment, (uint16_t)strlen(comment));
        ng_option(b, 4, "capbuild", 8);
        ng_end_options(b);
    }
    ng_close(b, s);
}

void ng_idb(struct buf *b, uint16_t linktype, uint32_t snaplen, int tsresol,
            const char *name)
{
    size_t s = ng_open(b, 1);
    buf_u16(b, linktype);
    buf_u16(b, 0);
    buf_u32(b, snaplen);
    if (name != NULL)
        ng_option(b, 2, name, (uint16_t)strlen(name));
    if (tsresol >= 0) {
        uint8_t r = (uint8_t)tsresol;
        ng_option(b, 9, &r, 1);
    }
    if (name != NULL || tsresol >= 0)
        ng_end_options(b);
    ng_close(b, s);
}

void ng_epb(struct buf *b, uint32_t iface, uint64_t ts, uint32_t caplen,
            uint32_t origlen, const void *data, const char *comment)
{
    size_t s = ng_open(b, 6);
    buf_u32(b, iface);
    buf_u32(b, (uint32_t)(ts >> 32));
    buf_u32(b, (uint32_t)ts);
    buf_u32(b, caplen);
    buf_u32(b, origlen);
    buf_bytes(b, data, caplen);
    buf_pad4(b);
    if (comment != NULL) {
        ng_option(b, 1, comment, (uint16_t)strlen(comment));
        ng_end_options(b);
    }
    ng_close(b, s);
}

void ng_spb(struct buf *b, uint32_t origlen, const void *data, uint32_t n)
{
    size_t s = ng_open(b, 3);
    buf_u32(b, origlen);
    buf_bytes(b, data, n);
    ng_close(b, s);
}
