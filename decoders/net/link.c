/* SPDX-License-Identifier: MIT */
/* Link-layer decoders and the one table that maps LINKTYPE_ values to them
 * (tcpdump.org "Link-layer header types"): Ethernet with 802.1Q/802.1ad,
 * PPPoE and MPLS inside, Linux SLL and SLL2, BSD NULL and LOOP, raw IP,
 * PPP, Cisco HDLC, NFLOG, IP over InfiniBand, and IEEE 802.11 data
 * frames (bare, radiotap, PPI, Prism, AVS) with LLC/SNAP. */
#include <stddef.h>

#include "decode_internal.h"

#define MAX_ETHERTYPE_CHAIN 8 /* VLAN, PPPoE and MPLS headers in a row */
#define MAX_MPLS_LABELS 16

void mark_short(struct sift_packet *p)
{
    p->flags |= SIFT_PKT_TRUNCATED;
}

/* ---- PPP (RFC 1661) ----------------------------------------------------- */

static uint16_t ppp_protocol_to_ethertype(uint16_t proto)
{
    switch (proto) {
    case 0x0021: return ET_IPV4;
    case 0x0057: return ET_IPV6;
    case 0x0281: return ET_MPLS;
    default: return 0;
    }
}

/* A PPP protocol field, one byte when compressed (RFC 1661 §6.5: the low
 * bit of the last byte is set, and of the first byte clear). */
static uint16_t ppp_protocol(struct sift_cursor *c)
{
    uint8_t first = 0;
    if (!sift_cursor_peek_u8(c, 0, &first))
        return sift_cursor_u8(c); /* fails the cursor */
    if (first & 1)
        return sift_cursor_u8(c);
    return sift_cursor_be16(c);
}

static uint16_t decode_chdlc(struct sift_cursor *c, struct sift_packet *p);

static uint16_t decode_ppp(struct sift_cursor *c, struct sift_packet *p)
{
    uint8_t a = 0, b = 0;
    /* Cisco HDLC frames are found in files marked PPP: their address byte
     * is 0x0f (unicast) or 0x8f (broadcast), which PPP never starts with
     * (libpcap and Wireshark check the same). */
    if (sift_cursor_peek_u8(c, 0, &a) && (a == 0x0f || a == 0x8f))
        return decode_chdlc(c, p);
    if (sift_cursor_peek_u8(c, 0, &a) && sift_cursor_peek_u8(c, 1, &b) &&
        a == 0xff && b == 0x03)
        sift_cursor_skip(c, 2); /* HDLC-like framing (RFC 1662) */
    return ppp_protocol_to_ethertype(ppp_protocol(c));
}

uint16_t decode_ppp_frame(struct sift_cursor *c, struct sift_packet *p)
{
    return decode_ppp(c, p);
}

/* ---- Ethernet and what an EtherType can lead to --------------------------- */

static uint16_t llc_snap(struct sift_cursor *c)
{
    uint8_t dsap = sift_cursor_u8(c);
    uint8_t ssap = sift_cursor_u8(c);
    uint8_t ctrl = sift_cursor_u8(c);
    if (dsap != 0xaa || ssap != 0xaa || ctrl != 0x03)
        return 0; /* 802.2 without SNAP: STP, NetBIOS... not IP */
    sift_cursor_skip(c, 3); /* OUI */
    return sift_cursor_be16(c);
}

static uint16_t pppoe_session(struct sift_cursor *c)
{
    uint8_t ver_type = sift_cursor_u8(c);
    uint8_t code = sift_cursor_u8(c);
    sift_cursor_skip(c, 2); /* session id */
    uint16_t len = sift_cursor_be16(c);
    if (!sift_cursor_ok(c) || ver_type != 0x11 || code != 0)
        return 0;
    /* The PPPoE length bounds the PPP frame (RFC 2516 §4); bytes after it
     * are Ethernet padding. */
    if (len < sift_cursor_left(c))
        *c = sift_cursor_sub(c, len);
    return ppp_protocol_to_ethertype(ppp_protocol(c));
}

static uint16_t mpls_labels(struct sift_cursor *c)
{
    for (int i = 0; i < MAX_MPLS_LABELS; i++) {
        uint32_t entry = sift_cursor_be32(c);
        if (!sift_cursor_ok(c))
            return 0;
        if (entry & 0x100) /* bottom of stack */
            return ET_GUESS_IP;
    }
    return 0;
}

uint16_t decode_ethertype_chain(struct sift_cursor *c, struct sift_packet *p,
                                uint16_t ethertype)
{
    for (int i = 0; i < MAX_ETHERTYPE_CHAIN; i++) {
        switch (ethertype) {
        case ET_VLAN:
        case ET_QINQ:
        case ET_QINQ_OLD: {
            uint16_t tci = sift_cursor_be16(c);
            if (p->vlan_count < SIFT_MAX_VLAN)
                p->vlan[p->vlan_count++] = tci & 0x0fff;
            ethertype = sift_cursor_be16(c);
            break;
        }
        case ET_PPPOE_SESSION: ethertype = pppoe_session(c); break;
        case ET_MPLS:
        case ET_MPLS_MC: ethertype = mpls_labels(c); break;
        default: return ethertype;
        }
        if (!sift_cursor_ok(c))
            return 0;
    }
    return 0;
}

uint16_t decode_ethernet(struct sift_cursor *c, struct sift_packet *p)
{
    sift_cursor_skip(c, 12); /* destination and source addresses */
    uint16_t type = sift_cursor_be16(c);
    if (!sift_cursor_ok(c))
        return 0;
    if (type <= 1500) { /* 802.3 length: an LLC frame of that length */
        if (type < sift_cursor_left(c))
            *c = sift_cursor_sub(c, type);
        type = llc_snap(c);
    }
    return decode_ethertype_chain(c, p, type);
}

/* ---- Linux cooked captures ---------------------------------------------- */

static uint16_t decode_sll(struct sift_cursor *c, struct sift_packet *p)
{
    sift_cursor_skip(c, 14); /* packet type, ARPHRD, address length, address */
    uint16_t proto = sift_cursor_be16(c);
    if (proto == 0x0004) /* an 802.2 LLC frame follows */
        proto = llc_snap(c);
    return decode_ethertype_chain(c, p, proto);
}

static uint16_t decode_sll2(struct sift_cursor *c, struct sift_packet *p)
{
    uint16_t proto = sift_cursor_be16(c);
    sift_cursor_skip(c, 18); /* reserved, ifindex, ARPHRD, type, address */
    if (proto == 0x0004)
        proto = llc_snap(c);
    return decode_ethertype_chain(c, p, proto);
}

/* ---- loopback and raw IP -------------------------------------------------- */

/* BSD address families: AF_INET is 2 everywhere; AF_INET6 is 24 on
 * NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS, 10 on Linux (and 23 on
 * Windows), written in the capturing host's byte order. */
static uint16_t af_to_ethertype(uint32_t af)
{
    switch (af) {
    case 2: return ET_IPV4;
    case 10: case 23: case 24: case 28: case 30: return ET_IPV6;
    default: return 0;
    }
}

static uint16_t decode_null(struct sift_cursor *c, struct sift_packet *p)
{
    (void)p;
    uint32_t af = sift_cursor_le32(c);
    if (af > 0xffff) /* written big-endian */
        af = (af >> 24) | ((af >> 8) & 0xff00u);
    return af_to_ethertype(af);
}

static uint16_t decode_loop(struct sift_cursor *c, struct sift_packet *p)
{
    (void)p;
    return af_to_ethertype(sift_cursor_be32(c));
}

static uint16_t decode_raw(struct sift_cursor *c, struct sift_packet *p)
{
    (void)c;
    (void)p;
    return ET_GUESS_IP;
}

static uint16_t decode_raw4(struct sift_cursor *c, struct sift_packet *p)
{
    (void)c;
    (void)p;
    return ET_IPV4;
}

static uint16_t decode_raw6(struct sift_cursor *c, struct sift_packet *p)
{
    (void)c;
    (void)p;
    return ET_IPV6;
}

/* IP over InfiniBand as captured on Linux: 20-byte destination and source
 * hardware addresses, then the RFC 4391 §6 header (an EtherType and two
 * reserved bytes): 44 bytes in all. */
static uint16_t decode_ipoib(struct sift_cursor *c, struct sift_packet *p)
{
    sift_cursor_skip(c, 40);
    uint16_t type = sift_cursor_be16(c);
    sift_cursor_skip(c, 2);
    return decode_ethertype_chain(c, p, type);
}

/* ---- Cisco HDLC, PPPoE link type, NFLOG --------------------------------- */

static uint16_t decode_chdlc(struct sift_cursor *c, struct sift_packet *p)
{
    sift_cursor_skip(c, 2); /* address, control */
    return decode_ethertype_chain(c, p, sift_cursor_be16(c));
}

static uint16_t decode_ppp_ether(struct sift_cursor *c, struct sift_packet *p)
{
    (void)p;
    return pppoe_session(c);
}

/* NFLOG (Linux netfilter): a 4-byte header, then TLVs in the capturing
 * host's byte order (little-endian in practice); type 9 is the packet. */
static uint16_t decode_nflog(struct sift_cursor *c, struct sift_packet *p)
{
    (void)p;
    uint8_t family = sift_cursor_u8(c);
    sift_cursor_skip(c, 3); /* version, resource id */
    while (sift_cursor_left(c) >= 4) {
        uint16_t len = sift_cursor_le16(c);
        uint16_t type = sift_cursor_le16(c);
        if (len < 4)
            return 0;
        struct sift_cursor value = sift_cursor_sub(c, (size_t)len - 4);
        size_t pad = (4 - (len & 3u)) & 3u; /* TLVs are 4-byte aligned */
        sift_cursor_skip(c, pad < sift_cursor_left(c) ? pad
                                                      : sift_cursor_left(c));
        if (!sift_cursor_ok(&value)) {
            *c = value; /* a cut TLV: truncated */
            return 0;
        }
        if (type == 9) {
            *c = value;
            return af_to_ethertype(family);
        }
    }
    return 0;
}

/* ---- IEEE 802.11 ---------------------------------------------------------- */

static uint16_t decode_ieee80211(struct sift_cursor *c, struct sift_packet *p)
{
    uint16_t fc = sift_cursor_le16(c);
    if (!sift_cursor_ok(c) || ((fc >> 2) & 3) != 2)
        return 0; /* management and control frames carry no IP */
    unsigned subtype = (fc >> 4) & 0xf;
    if (subtype & 0x4)
        return 0; /* null data: no body */
    size_t header = 24;
    if ((fc & 0x0300) == 0x0300)
        header += 6; /* four addresses (to and from the DS) */
    if (subtype & 0x8) {
        header += 2; /* QoS control */
        if (fc & 0x8000)
            header += 4; /* HT control */
    }
    if (fc & 0x4000) {
        p->flags |= SIFT_PKT_ENCRYPTED; /* protected: WEP, TKIP, CCMP */
        return 0;
    }
    sift_cursor_skip(c, header - 2);
    return decode_ethertype_chain(c, p, llc_snap(c));
}

/* A header whose little-endian length is at offset 2 (radiotap, PPI). */
static bool skip_le16_length_header(struct sift_cursor *c)
{
    uint8_t lo = 0, hi = 0;
    if (!sift_cursor_peek_u8(c, 2, &lo) || !sift_cursor_peek_u8(c, 3, &hi))
        return sift_cursor_skip(c, 4); /* fails the cursor */
    return sift_cursor_skip(c, (size_t)lo | (size_t)hi << 8);
}

static uint16_t decode_radiotap(struct sift_cursor *c, struct sift_packet *p)
{
    if (!skip_le16_length_header(c))
        return 0;
    return decode_ieee80211(c, p);
}

static uint16_t decode_ppi(struct sift_cursor *c, struct sift_packet *p)
{
    struct sift_cursor h = *c;
    sift_cursor_skip(&h, 4);
    uint32_t dlt = sift_cursor_le32(&h);
    if (!skip_le16_length_header(c))
        return 0;
    if (dlt == 105)
        return decode_ieee80211(c, p);
    if (dlt == 1)
        return decode_ethernet(c, p);
    return 0;
}

static uint16_t decode_prism(struct sift_cursor *c, struct sift_packet *p)
{
    struct sift_cursor h = *c;
    sift_cursor_skip(&h, 4);
    uint32_t len = sift_cursor_le32(&h);
    if (!sift_cursor_ok(&h) || !sift_cursor_skip(c, len))
        return 0;
    return decode_ieee80211(c, p);
}

static uint16_t decode_avs(struct sift_cursor *c, struct sift_packet *p)
{
    struct sift_cursor h = *c;
    sift_cursor_skip(&h, 4);
    uint32_t len = sift_cursor_be32(&h);
    if (!sift_cursor_ok(&h) || !sift_cursor_skip(c, len))
        return 0;
    return decode_ieee80211(c, p);
}

/* ---- the table ------------------------------------------------------------ */

static const struct {
    uint16_t linktype;
    link_decoder decode;
} link_table[] = {
    {0, decode_null},          {1, decode_ethernet},
    {9, decode_ppp},           {12, decode_raw},
    {14, decode_raw},          {50, decode_ppp},
    {51, decode_ppp_ether},    {101, decode_raw},
    {104, decode_chdlc},       {105, decode_ieee80211},
    {108, decode_loop},        {113, decode_sll},
    {119, decode_prism},       {127, decode_radiotap},
    {163, decode_avs},         {192, decode_ppi},
    {228, decode_raw4},        {229, decode_raw6},
    {239, decode_nflog},       {242, decode_ipoib},
    {276, decode_sll2},
};

link_decoder link_decoder_for(uint32_t linktype)
{
    for (size_t i = 0; i < sizeof link_table / sizeof link_table[0]; i++)
        if (link_table[i].linktype == linktype)
            return link_table[i].decode;
    return NULL;
}

bool sift_linktype_supported(uint32_t linktype)
{
    return link_decoder_for(linktype) != NULL;
}
