/* SPDX-License-Identifier: MIT */
/* IPv4 (RFC 791) and IPv6 (RFC 8200) headers, the IPv6 extension-header
 * chain, IP-in-IP (RFC 2003, RFC 2473), GRE (RFC 2784, RFC 2890) and VXLAN
 * (RFC 7348) tunnels, and the entry point that decodes a record from its
 * link layer on. The IP length fields bound what the transport layer sees,
 * so link-layer padding never reaches a payload. */
#include <arpa/inet.h>
#include <string.h>

#include "decode_internal.h"

#define PROTO_HOPOPTS 0
#define PROTO_IPIP 4
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_GRE 47
#define PROTO_ESP 50
#define PROTO_AH 51
#define PROTO_NONE 59
#define PROTO_DSTOPTS 60
#define MAX_IPV6_EXTENSIONS 16 /* a longer chain is refused, not walked */

static void decode_ip_payload(struct sift_cursor *c, struct sift_packet *p,
                              uint8_t proto, uint32_t wire_len);

/* Narrows c to the datagram's own bytes: the header's length says how long
 * it is; fewer captured bytes mean a cut capture, more mean padding. */
static void clamp_to_length(struct sift_cursor *c, struct sift_packet *p,
                            size_t len)
{
    size_t left = sift_cursor_left(c);
    if (len < left) {
        *c = sift_cursor_sub(c, len);
        p->flags |= SIFT_PKT_PADDED;
    } else if (len > left) {
        p->flags |= SIFT_PKT_PAYLOAD_CUT;
    }
}

static void set_addr(struct sift_ip_addr *a, int family, const uint8_t *b)
{
    a->family = (uint8_t)family;
    memset(a->bytes, 0, sizeof a->bytes);
    if (b != NULL)
        memcpy(a->bytes, b, family == 4 ? 4 : 16);
}

static void decode_ipv4(struct sift_cursor *c, struct sift_packet *p)
{
    uint8_t vihl = sift_cursor_u8(c);
    sift_cursor_skip(c, 1); /* DSCP, ECN */
    uint16_t total = sift_cursor_be16(c);
    uint16_t id = sift_cursor_be16(c);
    uint16_t frag = sift_cursor_be16(c);
    uint8_t ttl = sift_cursor_u8(c);
    uint8_t proto = sift_cursor_u8(c);
    sift_cursor_skip(c, 2); /* checksum: offloading makes it unreliable */
    const uint8_t *src = sift_cursor_bytes(c, 4);
    const uint8_t *dst = sift_cursor_bytes(c, 4);
    if (!sift_cursor_ok(c)) {
        mark_short(p);
        return;
    }
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    /* A total length of 0 is what segmentation offload (TSO, BIG TCP, whose
     * datagrams pass 64 KiB) leaves in captures taken on the sending host:
     * the datagram is what was captured. */
    size_t length = total;
    /* A minimum Ethernet frame carries 46 bytes after its header, padding
     * included: a datagram that short with a zero length may be padding,
     * not an offloaded segment, and is not trusted. */
    if (total == 0 && sift_cursor_left(c) + 20 > 46)
        length = sift_cursor_left(c) + 20;
    if ((vihl >> 4) != 4 || ihl < 20 || length < ihl) {
        p->flags |= SIFT_PKT_MALFORMED;
        return;
    }
    p->ip_version = 4;
    set_addr(&p->src, 4, src);
    set_addr(&p->dst, 4, dst);
    p->ttl = ttl;
    p->ip_id = id;
    p->protocol = proto;
    if (!sift_cursor_skip(c, ihl - 20)) { /* options */
        mark_short(p);
        return;
    }
    clamp_to_length(c, p, length - ihl);
    p->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
    p->frag_more = (frag & 0x2000) != 0;
    if (p->frag_offset != 0 || p->frag_more) {
        p->flags |= SIFT_PKT_FRAGMENT;
        p->payload_wire_len = (uint32_t)(length - ihl);
        p->payload_len = (uint32_t)sift_cursor_left(c);
        p->payload = sift_cursor_bytes(c, p->payload_len);
        return;
    }
    decode_ip_payload(c, p, proto, (uint32_t)(length - ihl));
}

/* Walks the IPv6 extension headers (RFC 8200 §4) up to the upper layer. */
static void decode_ipv6_extensions(struct sift_cursor *c, struct sift_packet *p,
                                   uint8_t next, uint32_t wire_len)
{
    for (int i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
        uint64_t start = sift_cursor_offset(c);
        switch (next) {
        case PROTO_HOPOPTS:
        case PROTO_ROUTING:
        case PROTO_DSTOPTS: {
            next = sift_cursor_u8(c);
            size_t len = ((size_t)sift_cursor_u8(c) + 1) * 8;
            sift_cursor_skip(c, len - 2);
            break;
        }
        case PROTO_AH: { /* length in 4-byte units, minus 2 (RFC 4302) */
            next = sift_cursor_u8(c);
            size_t len = ((size_t)sift_cursor_u8(c) + 2) * 4;
            sift_cursor_skip(c, len - 2);
            break;
        }
        case PROTO_FRAGMENT: {
            next = sift_cursor_u8(c);
            sift_cursor_skip(c, 1);
            uint16_t off = sift_cursor_be16(c);
            p->ip_id = sift_cursor_be32(c);
            p->frag_offset = (uint32_t)(off & 0xfff8);
            p->frag_more = (off & 1) != 0;
            if (p->frag_offset != 0 || p->frag_more) {
                /* what follows is fragment data; headers after this one
                 * are read once the datagram is whole (RFC 8200 §4.5) */
                if (!sift_cursor_ok(c)) {
                    mark_short(p);
                    return;
                }
                wire_len = wire_len >= 8 ? wire_len - 8 : 0;
                p->protocol = next;
                p->flags |= SIFT_PKT_FRAGMENT;
                p->payload_wire_len = wire_len;
                p->payload_len = (uint32_t)sift_cursor_left(c);
                p->payload = sift_cursor_bytes(c, p->payload_len);
                return;
            }
            break; /* an atomic fragment (RFC 6946): read on */
        }
        case PROTO_ESP:
            p->flags |= SIFT_PKT_ENCRYPTED;
            p->protocol = next;
            return;
        case PROTO_NONE:
            p->protocol = next;
            return;
        default:
            goto upper;
        }
        if (!sift_cursor_ok(c)) {
            mark_short(p);
            return;
        }
        uint64_t used = sift_cursor_offset(c) - start;
        wire_len = used < wire_len ? wire_len - (uint32_t)used : 0;
    }
    p->flags |= SIFT_PKT_MALFORMED; /* an endless chain */
    return;
upper:
    p->protocol = next;
    decode_ip_payload(c, p, next, wire_len);
}

static void decode_ipv6(struct sift_cursor *c, struct sift_packet *p)
{
    uint32_t vtcfl = sift_cursor_be32(c);
    uint16_t plen = sift_cursor_be16(c);
    uint8_t next = sift_cursor_u8(c);
    uint8_t hops = sift_cursor_u8(c);
    const uint8_t *src = sift_cursor_bytes(c, 16);
    const uint8_t *dst = sift_cursor_bytes(c, 16);
    if (!sift_cursor_ok(c)) {
        mark_short(p);
        return;
    }
    if ((vtcfl >> 28) != 6) {
        p->flags |= SIFT_PKT_MALFORMED;
        return;
    }
    p->ip_version = 6;
    set_addr(&p->src, 6, src);
    set_addr(&p->dst, 6, dst);
    p->ttl = hops;
    /* A zero payload length is a jumbogram (RFC 2675) or a capture tool's
     * segmentation offload: take what was captured. */
    if (plen != 0)
        clamp_to_length(c, p, plen);
    uint32_t wire = plen != 0 ? plen : (uint32_t)sift_cursor_left(c);
    decode_ipv6_extensions(c, p, next, wire);
}

/* ---- tunnels ---------------------------------------------------------- */

/* Starts over at an inner IP header: the outer one is forgotten (flows are
 * keyed by the inner addresses), and the depth is bounded. */
static void enter_tunnel(struct sift_cursor *c, struct sift_packet *p,
                         uint16_t ethertype)
{
    if (p->tunnels >= MAX_TUNNEL_DEPTH) {
        p->flags |= SIFT_PKT_MALFORMED;
        return;
    }
    p->tunnels++;
    p->flags |= SIFT_PKT_TUNNEL;
    p->flags &= ~(uint32_t)(SIFT_PKT_PADDED | SIFT_PKT_PAYLOAD_CUT);
    p->frag_offset = 0;
    p->frag_more = false;
    decode_network(c, p, ethertype);
}

static void decode_gre(struct sift_cursor *c, struct sift_packet *p)
{
    uint16_t flags = sift_cursor_be16(c);
    uint16_t proto = sift_cursor_be16(c);
    if ((flags & 0x0007) != 0) { /* only version 0 carries packets */
        p->flags |= SIFT_PKT_NOT_IP;
        return;
    }
    size_t extra = ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
                   ((flags & 0x1000) ? 4 : 0); /* checksum, key, sequence */
    if (!sift_cursor_skip(c, extra)) {
        mark_short(p);
        return;
    }
    if (proto == ET_TEB) {
        if (p->tunnels >= MAX_TUNNEL_DEPTH) {
            p->flags |= SIFT_PKT_MALFORMED;
            return;
        }
        proto = decode_ethernet(c, p);
    }
    enter_tunnel(c, p, proto);
}

/* VXLAN (RFC 7348 §5): 8 bytes, then an Ethernet frame. */
static bool decode_vxlan(struct sift_cursor *c, struct sift_packet *p)
{
    uint8_t flags = sift_cursor_u8(c);
    if (!sift_cursor_skip(c, 7) || !(flags & 0x08)) /* I flag: VNI valid */
        return false;
    enter_tunnel(c, p, decode_ethernet(c, p));
    return true;
}

/* Geneve (RFC 8926 §3): 8 bytes and options, then what its protocol type
 * says (an Ethernet frame, usually). */
static bool decode_geneve(struct sift_cursor *c, struct sift_packet *p)
{
    uint8_t ver_optlen = sift_cursor_u8(c);
    sift_cursor_skip(c, 1);
    uint16_t proto = sift_cursor_be16(c);
    if (!sift_cursor_skip(c, 4 + (size_t)(ver_optlen & 0x3f) * 4) ||
        (ver_optlen >> 6) != 0)
        return false;
    enter_tunnel(c, p, proto == ET_TEB ? decode_ethernet(c, p) : proto);
    return true;
}

/* GTP-U version 1 (3GPP TS 29.281 §5): a G-PDU carries an IP packet. */
static bool decode_gtpu(struct sift_cursor *c, struct sift_packet *p)
{
    uint8_t flags = sift_cursor_u8(c);
    uint8_t type = sift_cursor_u8(c);
    sift_cursor_skip(c, 6); /* length, TEID */
    if (!sift_cursor_ok(c) || (flags >> 5) != 1 || !(flags & 0x10) ||
        type != 0xff)
        return false;
    if (flags & 0x07) { /* sequence, N-PDU, next extension type */
        sift_cursor_skip(c, 3);
        uint8_t next = sift_cursor_u8(c);
        for (int i = 0; next != 0 && i < 8; i++) { /* extension headers */
            size_t len = (size_t)sift_cursor_u8(c) * 4;
            if (len == 0 || !sift_cursor_skip(c, len - 2))
                return false;
            next = sift_cursor_u8(c);
        }
    }
    if (!sift_cursor_ok(c))
        return false;
    enter_tunnel(c, p, ET_GUESS_IP);
    return true;
}

/* L2TPv2 data messages (RFC 2661 §3.1): a PPP frame follows. */
static bool decode_l2tp(struct sift_cursor *c, struct sift_packet *p)
{
    uint16_t flags = sift_cursor_be16(c);
    if ((flags & 0x000f) != 2 || (flags & 0x8000)) /* v2, data, not control */
        return false;
    size_t skip = 4 + ((flags & 0x4000) ? 2 : 0) + ((flags & 0x0800) ? 4 : 0);
    sift_cursor_skip(c, skip);
    if (flags & 0x0200) /* offset size, then that much padding */
        sift_cursor_skip(c, sift_cursor_be16(c));
    if (!sift_cursor_ok(c))
        return false;
    uint16_t et = decode_ppp_frame(c, p);
    if (et == 0)
        return false;
    enter_tunnel(c, p, et);
    return true;
}

/* UDP ports of the tunnels decoded here (IANA registrations). */
static bool decode_udp_tunnel(const struct sift_cursor *c,
                              struct sift_packet *p)
{
    struct sift_cursor inner = *c;
    struct sift_packet saved = *p;
    bool ok = false;
    if (p->dport == 4789)
        ok = decode_vxlan(&inner, p);
    else if (p->dport == 6081)
        ok = decode_geneve(&inner, p);
    else if (p->dport == 2152 || p->sport == 2152)
        ok = decode_gtpu(&inner, p);
    else if (p->dport == 1701 || p->sport == 1701)
        ok = decode_l2tp(&inner, p);
    if (!ok)
        *p = saved; /* not a tunnel after all: plain UDP */
    return ok;
}

/* ---- transport --------------------------------------------------------- */

static void tcp_options(struct sift_cursor *o, struct sift_tcp *t)
{
    while (sift_cursor_left(o) > 0) {
        uint8_t kind = sift_cursor_u8(o);
        if (kind == 0) /* end of options */
            return;
        if (kind == 1) /* no-op */
            continue;
        uint8_t len = sift_cursor_u8(o);
        if (len < 2)
            return;
        struct sift_cursor v = sift_cursor_sub(o, (size_t)len - 2);
        if (!sift_cursor_ok(&v))
            return;
        if (kind == 2 && len == 4)
            t->mss = sift_cursor_be16(&v);
        else if (kind == 3 && len == 3) {
            uint8_t shift = sift_cursor_u8(&v);
            t->wscale = (int8_t)(shift > 14 ? 14 : shift); /* RFC 7323 §2.3 */
        }
        else if (kind == 4 && len == 2)
            t->sack_permitted = true;
        else if (kind == 8 && len == 10) {
            t->has_timestamps = true;
            t->tsval = sift_cursor_be32(&v);
            t->tsecr = sift_cursor_be32(&v);
        }
    }
}

static void decode_tcp(struct sift_cursor *c, struct sift_packet *p,
                       uint32_t wire_len)
{
    struct sift_tcp *t = &p->tcp;
    t->wscale = -1;
    p->sport = sift_cursor_be16(c);
    p->dport = sift_cursor_be16(c);
    t->seq = sift_cursor_be32(c);
    t->ack = sift_cursor_be32(c);
    uint16_t off_flags = sift_cursor_be16(c);
    t->window = sift_cursor_be16(c);
    sift_cursor_skip(c, 4); /* checksum, urgent pointer */
    if (!sift_cursor_ok(c)) {
        mark_short(p);
        return;
    }
    t->flags = off_flags & 0x01ff;
    t->header_len = (uint8_t)((off_flags >> 12) * 4);
    if (t->header_len < 20 || t->header_len > wire_len) {
        p->flags |= SIFT_PKT_MALFORMED;
        return;
    }
    p->payload_wire_len = wire_len - t->header_len;
    struct sift_cursor opts = sift_cursor_sub(c, (size_t)t->header_len - 20);
    if (!sift_cursor_ok(&opts)) {
        mark_short(p); /* options cut: the payload, if any, is missing */
        p->payload_len = 0;
        return;
    }
    tcp_options(&opts, t);
    p->payload_len = (uint32_t)sift_cursor_left(c);
    p->payload = sift_cursor_bytes(c, p->payload_len);
}

static void decode_udp(struct sift_cursor *c, struct sift_packet *p,
                       uint32_t wire_len)
{
    p->sport = sift_cursor_be16(c);
    p->dport = sift_cursor_be16(c);
    uint16_t len = sift_cursor_be16(c);
    sift_cursor_skip(c, 2); /* checksum */
    if (!sift_cursor_ok(c)) {
        mark_short(p);
        return;
    }
    if (len >= 8 && len < wire_len) /* trust the smaller of the two */
        wire_len = len;
    p->payload_wire_len = wire_len >= 8 ? wire_len - 8 : 0;
    if (decode_udp_tunnel(c, p))
        return;
    p->payload_len = (uint32_t)sift_cursor_left(c);
    p->payload = sift_cursor_bytes(c, p->payload_len);
}

/* IPsec AH (RFC 4302 §2) inside IPv4: skipped to the protected payload. */
static void decode_ah(struct sift_cursor *c, struct sift_packet *p,
                      uint32_t wire_len)
{
    uint8_t next = sift_cursor_u8(c);
    size_t len = ((size_t)sift_cursor_u8(c) + 2) * 4;
    if (!sift_cursor_skip(c, len - 2)) {
        mark_short(p);
        return;
    }
    decode_ip_payload(c, p, next, len < wire_len ? wire_len - (uint32_t)len
                                                 : 0);
}

static void decode_ip_payload(struct sift_cursor *c, struct sift_packet *p,
                              uint8_t proto, uint32_t wire_len)
{
    p->protocol = proto;
    if (proto == PROTO_AH && p->ip_version == 4) {
        decode_ah(c, p, wire_len); /* in IPv6 it is an extension header */
        return;
    }
    switch (proto) {
    case PROTO_TCP: decode_tcp(c, p, wire_len); break;
    case PROTO_UDP: decode_udp(c, p, wire_len); break;
    case PROTO_IPIP: enter_tunnel(c, p, ET_IPV4); break;
    case PROTO_IPV6: enter_tunnel(c, p, ET_IPV6); break;
    case PROTO_GRE: decode_gre(c, p); break;
    default: /* ICMP, SCTP...: the payload is kept as it is */
        p->payload_wire_len = wire_len;
        p->payload_len = (uint32_t)sift_cursor_left(c);
        p->payload = sift_cursor_bytes(c, p->payload_len);
        break;
    }
}

void decode_network(struct sift_cursor *c, struct sift_packet *p,
                    uint16_t ethertype)
{
    if (ethertype == ET_GUESS_IP) {
        uint8_t v = 0;
        if (!sift_cursor_peek_u8(c, 0, &v)) {
            mark_short(p);
            return;
        }
        ethertype = (v >> 4) == 4 ? ET_IPV4 : (v >> 4) == 6 ? ET_IPV6 : 0;
    }
    p->ethertype = ethertype;
    if (ethertype == ET_IPV4)
        decode_ipv4(c, p);
    else if (ethertype == ET_IPV6)
        decode_ipv6(c, p);
    else
        p->flags |= SIFT_PKT_NOT_IP;
}

void sift_decode_packet(const struct sift_record *rec, struct sift_packet *p)
{
    memset(p, 0, sizeof *p);
    p->record = rec;
    p->linktype = rec->linktype;
    link_decoder decode = link_decoder_for(rec->linktype);
    if (decode == NULL) {
        p->flags |= SIFT_PKT_UNKNOWN_LINK;
        return;
    }
    struct sift_cursor c = sift_cursor_make(rec->data, rec->caplen,
                                            rec->offset);
    uint16_t ethertype = decode(&c, p);
    if (!sift_cursor_ok(&c)) {
        mark_short(p);
        return;
    }
    if (ethertype == 0) {
        p->flags |= SIFT_PKT_NOT_IP;
        return;
    }
    decode_network(&c, p, ethertype);
}

void sift_decode_transport(struct sift_packet *p, const uint8_t *data,
                           size_t len)
{
    struct sift_cursor c = sift_cursor_make(data, len, 0);
    p->flags &= ~(uint32_t)SIFT_PKT_FRAGMENT;
    p->frag_offset = 0;
    p->frag_more = false;
    if (p->ip_version == 6) /* extension headers may follow the fragment */
        decode_ipv6_extensions(&c, p, p->protocol, (uint32_t)len);
    else
        decode_ip_payload(&c, p, p->protocol, (uint32_t)len);
}

const char *sift_ip_addr_text(const struct sift_ip_addr *a, char buf[46])
{
    if (a->family == 0 ||
        inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, 46) ==
            NULL)
        buf[0] = '\0';
    return buf;
}
