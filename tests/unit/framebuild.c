/* SPDX-License-Identifier: MIT */
/* Header builders for the decoder tests. */
#include "framebuild.h"

#include <string.h>

#include "pcapsift/reader.h"

const uint8_t fb_a4[4] = {192, 0, 2, 1}, fb_b4[4] = {198, 51, 100, 2};
const uint8_t fb_a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
const uint8_t fb_b6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

void fb_ethernet(struct buf *b, uint16_t ethertype)
{
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
    buf_bytes(b, macs, sizeof macs);
    buf_u16(b, ethertype);
}

void fb_ipv4(struct buf *b, uint8_t proto, uint16_t payload_len,
             uint16_t flags_frag, const uint8_t src[4], const uint8_t dst[4])
{
    buf_u8(b, 0x45);
    buf_u8(b, 0);
    buf_u16(b, (uint16_t)(20 + payload_len));
    buf_u16(b, 0x1234); /* identification */
    buf_u16(b, flags_frag);
    buf_u8(b, 64);
    buf_u8(b, proto);
    buf_u16(b, 0);
    buf_bytes(b, src, 4);
    buf_bytes(b, dst, 4);
}

void fb_ipv6(struct buf *b, uint8_t next, uint16_t payload_len,
             const uint8_t src[16], const uint8_t dst[16])
{
    buf_u32(b, 0x60000000u);
    buf_u16(b, payload_len);
    buf_u8(b, next);
    buf_u8(b, 63);
    buf_bytes(b, src, 16);
    buf_bytes(b, dst, 16);
}

void fb_tcp(struct buf *b, uint16_t sport, uint16_t dport, uint32_t seq,
            uint32_t ack, uint16_t flags, bool options)
{
    buf_u16(b, sport);
    buf_u16(b, dport);
    buf_u32(b, seq);
    buf_u32(b, ack);
    buf_u16(b, (uint16_t)((options ? 10u : 5u) << 12 | flags));
    buf_u16(b, 65535);
    buf_u32(b, 0); /* checksum, urgent pointer */
    if (options) {
        static const uint8_t opts[20] = {
            2, 4, 0x05, 0xb4,                 /* MSS 1460 */
            4, 2,                             /* SACK permitted */
            8, 10, 0, 0, 0, 7, 0, 0, 0, 9,    /* timestamps 7, 9 */
            1, 3, 3, 7};                      /* NOP, window scale 7 */
        buf_bytes(b, opts, sizeof opts);
    }
}

void fb_udp(struct buf *b, uint16_t sport, uint16_t dport,
            uint16_t payload_len)
{
    buf_u16(b, sport);
    buf_u16(b, dport);
    buf_u16(b, (uint16_t)(8 + payload_len));
    buf_u16(b, 0);
}

void fb_record(struct sift_record *rec, const struct buf *b,
               uint16_t linktype)
{
    memset(rec, 0, sizeof *rec);
    rec->number = 1;
    rec->linktype = linktype;
    rec->caplen = rec->origlen = (uint32_t)b->len;
    rec->data = b->data;
    rec->has_timestamp = true;
}
