/* SPDX-License-Identifier: MIT */
/* Shared between the pcap-ng block walk (pcapng.c) and the parsers of the
 * individual blocks (pcapng_blocks.c); draft-ietf-opsawg-pcapng. */
#ifndef SIFT_PCAPNG_INTERNAL_H
#define SIFT_PCAPNG_INTERNAL_H

#include "reader_internal.h"

/* Block types (pcapng draft §11.1). */
#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u /* obsolete Packet Block */
#define BT_SPB 0x00000003u
#define BT_NRB 0x00000004u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BT_DSB 0x0000000Au
#define BT_CB 0x00000BADu
#define BT_DCB 0x40000BADu

/* Per-section limit on interfaces and on the bytes kept for their texts:
 * a hostile file could otherwise make memory grow with its size. Real
 * captures have a handful of interfaces (Wireshark's tests top out at 11). */
#define MAX_INTERFACES 65536u
#define MAX_INTERFACE_BYTES (16u * 1024 * 1024)

/* One option of a block (pcapng draft §3.5). */
struct pcapng_option {
    uint16_t code;
    uint16_t len;
    struct sift_cursor value;
};

/* The block being read: its cursor over the body (between the length
 * fields), its place in the file, and the section's byte order. */
struct pcapng_block {
    uint32_t type;
    uint32_t length;
    uint64_t offset;
    bool big_endian;
    struct sift_cursor body;
};

struct pcapng_state {
    bool big_endian;
    bool skipping;     /* the current section's version is not read */
    bool unpadded_warned; /* an unpadded block length was reported */
    uint32_t sections; /* sections seen */
    uint64_t interface_bytes;
    struct sift_section section;
    uint8_t *section_copy; /* the SHB the section's texts point into */
};

/* Reads the next option; 1 when there is one, 0 at the end, -1 when the
 * options are malformed (a warning was given). */
int pcapng_next_option(struct sift_reader *r, const struct pcapng_block *b,
                       struct sift_cursor *opts, struct pcapng_option *o);

/* Block parsers. Those that make a record return SIFT_OK with rec filled
 * and SIFT_END when the block carried no record (skipped or metadata). */
int pcapng_read_idb(struct sift_reader *r, struct pcapng_block *b);
int pcapng_read_epb(struct sift_reader *r, struct pcapng_block *b,
                    struct sift_record *rec);
int pcapng_read_spb(struct sift_reader *r, struct pcapng_block *b,
                    struct sift_record *rec);
int pcapng_read_pb(struct sift_reader *r, struct pcapng_block *b,
                   struct sift_record *rec);
void pcapng_read_nrb(struct sift_reader *r, struct pcapng_block *b);
void pcapng_read_isb(struct sift_reader *r, struct pcapng_block *b);
void pcapng_read_dsb(struct sift_reader *r, struct pcapng_block *b);

#endif
