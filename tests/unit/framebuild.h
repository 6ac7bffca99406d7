/* SPDX-License-Identifier: MIT */
/* Builds link, IP and transport headers in network byte order for the
 * decoder tests, on top of capbuild's buffer. */
#ifndef SIFT_TEST_FRAMEBUILD_H
#define SIFT_TEST_FRAMEBUILD_H

#include "capbuild.h"

/* Ethernet header with the given EtherType. */
void fb_ethernet(struct buf *b, uint16_t ethertype);

/* IPv4 header of a datagram carrying payload_len bytes after it; flags_frag
 * is the flags and fragment-offset field (0 for an unfragmented datagram). */
void fb_ipv4(struct buf *b, uint8_t proto, uint16_t payload_len,
             uint16_t flags_frag, const uint8_t src[4], const uint8_t dst[4]);

/* IPv6 header; payload_len counts extension headers too. */
void fb_ipv6(struct buf *b, uint8_t next, uint16_t payload_len,
             const uint8_t src[16], const uint8_t dst[16]);

/* TCP header with MSS, SACK-permitted, timestamps and window-scale options
 * when options is true (40 bytes), else 20 bytes. */
void fb_tcp(struct buf *b, uint16_t sport, uint16_t dport, uint32_t seq,
            uint32_t ack, uint16_t flags, bool options);

void fb_udp(struct buf *b, uint16_t sport, uint16_t dport,
            uint16_t payload_len);

/* A record over the whole buffer. */
struct sift_record;
void fb_record(struct sift_record *rec, const struct buf *b,
               uint16_t linktype);

extern const uint8_t fb_a4[4], fb_b4[4], fb_a6[16], fb_b6[16];

#endif
