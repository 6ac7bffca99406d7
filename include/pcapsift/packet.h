/* SPDX-License-Identifier: MIT */
/* A decoded packet: link, network and transport headers of one record (or
 * of an IP datagram reassembled from fragments), as views into the record's
 * bytes. Decoding never fails as a whole: it stops at the first layer it
 * cannot read and says why in the flags. */
#ifndef PCAPSIFT_PACKET_H
#define PCAPSIFT_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/cursor.h"
#include "pcapsift/reader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a packet is not a plain, whole IP packet. */
enum sift_packet_flag {
    SIFT_PKT_TRUNCATED = 1u << 0,    /* the capture ends inside a header */
    SIFT_PKT_MALFORMED = 1u << 1,    /* a header is invalid */
    SIFT_PKT_UNKNOWN_LINK = 1u << 2, /* no decoder for the link type */
    SIFT_PKT_NOT_IP = 1u << 3,       /* the link carries something else */
    SIFT_PKT_FRAGMENT = 1u << 4,     /* an IP fragment, held for reassembly */
    SIFT_PKT_REASSEMBLED = 1u << 5,  /* an IP datagram made of fragments */
    SIFT_PKT_PAYLOAD_CUT = 1u << 6,  /* fewer payload bytes captured than sent */
    SIFT_PKT_TUNNEL = 1u << 7,       /* inside IP-in-IP, GRE or VXLAN */
    SIFT_PKT_PADDED = 1u << 8,       /* bytes after the IP datagram ignored */
    SIFT_PKT_ENCRYPTED = 1u << 9,    /* 802.11 protected frame, IPsec ESP */
};

#define SIFT_MAX_VLAN 4

struct sift_ip_addr {
    uint8_t family; /* 4 or 6; 0 when none */
    uint8_t bytes[16];
};

/* TCP header fields (RFC 9293 §3.1) and the options of RFC 7323 / 2018. */
struct sift_tcp {
    uint32_t seq, ack;
    uint16_t flags;  /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20
                        ECE 0x40 CWR 0x80 */
    uint16_t window;
    uint8_t header_len;
    uint16_t mss;    /* 0 when absent */
    int8_t wscale;   /* -1 when absent */
    bool sack_permitted;
    bool has_timestamps;
    uint32_t tsval, tsecr;
};

#define SIFT_TCP_FIN 0x01
#define SIFT_TCP_SYN 0x02
#define SIFT_TCP_RST 0x04
#define SIFT_TCP_PSH 0x08
#define SIFT_TCP_ACK 0x10
#define SIFT_TCP_URG 0x20

struct sift_packet {
    const struct sift_record *record;
    uint32_t flags; /* enum sift_packet_flag */

    /* link */
    uint16_t linktype;
    uint16_t ethertype; /* what the link carries (0x0800, 0x86dd...) */
    uint8_t vlan_count;
    uint16_t vlan[SIFT_MAX_VLAN];

    /* network: the innermost IP header */
    uint8_t ip_version; /* 4 or 6; 0 when not IP */
    struct sift_ip_addr src, dst;
    uint8_t protocol;   /* transport protocol after extension headers */
    uint8_t ttl;        /* IPv4 TTL or IPv6 hop limit */
    uint32_t ip_id;     /* IPv4 identification or IPv6 fragment id */
    uint32_t frag_offset; /* a fragment's place in its datagram, bytes */
    bool frag_more;     /* more fragments follow this one */
    uint8_t tunnels;    /* encapsulations decoded on the way in */

    /* transport (TCP or UDP) */
    uint16_t sport, dport;
    struct sift_tcp tcp;        /* protocol 6 only */
    const uint8_t *payload;     /* transport payload (or fragment data) */
    uint32_t payload_len;       /* bytes at payload */
    uint32_t payload_wire_len;  /* bytes the headers say were sent */
};

/* Decodes a record's link layer onward into p (fragments are reported with
 * SIFT_PKT_FRAGMENT and no transport fields; see sift_ipfrag for the
 * datagrams they make). Always fills what it could read. */
void sift_decode_packet(const struct sift_record *rec, struct sift_packet *p);

/* Decodes a transport header (TCP, UDP) and payload from len bytes at data
 * into p, whose network fields are already set: used for datagrams
 * reassembled from fragments. */
void sift_decode_transport(struct sift_packet *p, const uint8_t *data,
                           size_t len);

/* True when a decoder exists for this LINKTYPE_ value. */
bool sift_linktype_supported(uint32_t linktype);

/* The shard, 0 to count - 1, of a packet: a hash of its two endpoints
 * (addresses and ports; zeros where the packet has none), the same for both
 * directions, on every machine and in every version of this library, so
 * workers splitting one capture agree. Every packet of a TCP connection or
 * UDP flow has the same shard; an IP fragment not yet reassembled has that
 * of its address pair. count 0 or 1: always 0. */
uint32_t sift_packet_shard(const struct sift_packet *p, uint32_t count);

/* Text of an address ("192.0.2.1", "2001:db8::1"); buf has 46 bytes. */
const char *sift_ip_addr_text(const struct sift_ip_addr *a, char buf[46]);

#ifdef __cplusplus
}
#endif
#endif
