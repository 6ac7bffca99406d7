/* SPDX-License-Identifier: MIT */
/* Builds capture files in memory for the unit tests: byte-order aware
 * appends, and helpers for pcap headers and records and pcap-ng blocks. */
#ifndef SIFT_TEST_CAPBUILD_H
#define SIFT_TEST_CAPBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data;
    size_t len, cap;
    bool be; /* byte order of the multi-byte appends */
};

void buf_init(struct buf *b, bool big_endian);
void buf_free(struct buf *b);
void buf_bytes(struct buf *b, const void *p, size_t n);
void buf_u8(struct buf *b, uint8_t v);
void buf_u16(struct buf *b, uint16_t v);
void buf_u32(struct buf *b, uint32_t v);
void buf_u64(struct buf *b, uint64_t v);
void buf_pad4(struct buf *b);
/* Writes v at offset off in the buffer's byte order. */
void buf_put32(struct buf *b, size_t off, uint32_t v);

/* Classic pcap. */
void pcap_header(struct buf *b, uint32_t magic, uint16_t major,
                 uint16_t minor, uint32_t snaplen, uint32_t linktype);
void pcap_record(struct buf *b, uint32_t sec, uint32_t frac, uint32_t caplen,
                 uint32_t origlen, const void *data);

/* pcap-ng: a block is opened, filled, then closed (which writes both
 * length fields). Options are appended with ng_option / ng_end_options. */
size_t ng_open(struct buf *b, uint32_t type);
void ng_close(struct buf *b, size_t start);
void ng_option(struct buf *b, uint16_t code, const void *v, uint16_t len);
void ng_end_options(struct buf *b);
void ng_shb(struct buf *b, const char *comment);
void ng_idb(struct buf *b, uint16_t linktype, uint32_t snaplen,
            int tsresol, const char *name);
void ng_epb(struct buf *b, uint32_t iface, uint64_t ts, uint32_t caplen,
            uint32_t origlen, const void *data, const char *comment);
void ng_spb(struct buf *b, uint32_t origlen, const void *data, uint32_t n);

#endif
