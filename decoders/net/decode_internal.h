/* SPDX-License-Identifier: MIT */
/* What the link, IP and transport decoders share. Each decoder reads its
 * header through the cursor, narrows the cursor to its payload, and says
 * what comes next; none indexes a pointer itself. */
#ifndef SIFT_DECODE_INTERNAL_H
#define SIFT_DECODE_INTERNAL_H

#include "pcapsift/packet.h"

/* EtherType values used as "what comes next" across link types. */
#define ET_IPV4 0x0800
#define ET_ARP 0x0806
#define ET_IPV6 0x86dd
#define ET_VLAN 0x8100
#define ET_QINQ 0x88a8
#define ET_QINQ_OLD 0x9100
#define ET_PPPOE_SESSION 0x8864
#define ET_MPLS 0x8847
#define ET_MPLS_MC 0x8848
#define ET_TEB 0x6558 /* transparent Ethernet bridging (GRE) */
/* Not an EtherType: "look at the IP version nibble" (raw IP, MPLS). */
#define ET_GUESS_IP 0xffff

/* Nested encapsulations followed at most (IP-in-IP, GRE, VXLAN). */
#define MAX_TUNNEL_DEPTH 4

/* A link decoder: reads its header from c, leaves c over what it carries,
 * and returns the EtherType of that (0 when it carries nothing we read). */
typedef uint16_t (*link_decoder)(struct sift_cursor *c, struct sift_packet *p);

/* The link decoder for a LINKTYPE_ value, or NULL. */
link_decoder link_decoder_for(uint32_t linktype);

/* Ethernet from its first byte (also the inside of VXLAN and GRE TEB). */
uint16_t decode_ethernet(struct sift_cursor *c, struct sift_packet *p);

/* What follows an EtherType inside a frame (VLAN tags, PPPoE, MPLS) until
 * the network layer; returns the network layer's EtherType. */
uint16_t decode_ethertype_chain(struct sift_cursor *c, struct sift_packet *p,
                                uint16_t ethertype);

/* A PPP frame, with or without HDLC-like framing (also inside L2TP). */
uint16_t decode_ppp_frame(struct sift_cursor *c, struct sift_packet *p);

/* The network layer named by ethertype, then the transport layer. */
void decode_network(struct sift_cursor *c, struct sift_packet *p,
                    uint16_t ethertype);

/* Marks p truncated or malformed from a failed cursor. */
void mark_short(struct sift_packet *p);

#endif
