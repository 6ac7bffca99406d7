/* SPDX-License-Identifier: MIT */
/* Unit tests of the link, IP and transport decoders: every link type of
 * the table, VLAN/QinQ/PPPoE/MPLS inside Ethernet, IPv6 extension headers,
 * fragments, tunnels, truncation, padding, and the prefix sweep. */
#include <string.h>

#include "check_main.h"
#include "framebuild.h"
#include "pcapsift/packet.h"

static const uint8_t body[] = "GET / HTTP/1.1\r\n\r\n";
#define BODY_LEN ((uint16_t)(sizeof body - 1))

/* IPv4 + TCP with options + body, after whatever b already holds. */
static void tcp4(struct buf *b)
{
    fb_ipv4(b, 6, 40 + BODY_LEN, 0x4000, fb_a4, fb_b4);
    fb_tcp(b, 40001, 80, 1000, 2000, SIFT_TCP_ACK | SIFT_TCP_PSH, true);
    buf_bytes(b, body, BODY_LEN);
}

static void decode(const struct buf *b, uint16_t linktype,
                   struct sift_packet *p)
{
    static struct sift_record rec; /* the packet points at it */
    fb_record(&rec, b, linktype);
    sift_decode_packet(&rec, p);
}

static void assert_tcp4(const struct sift_packet *p)
{
    ck_assert_uint_eq(p->ip_version, 4);
    ck_assert_uint_eq(p->protocol, 6);
    ck_assert(memcmp(p->src.bytes, fb_a4, 4) == 0);
    ck_assert(memcmp(p->dst.bytes, fb_b4, 4) == 0);
    ck_assert_uint_eq(p->sport, 40001);
    ck_assert_uint_eq(p->dport, 80);
    ck_assert_uint_eq(p->tcp.seq, 1000);
    ck_assert_uint_eq(p->tcp.ack, 2000);
    ck_assert_uint_eq(p->tcp.flags, SIFT_TCP_ACK | SIFT_TCP_PSH);
    ck_assert_uint_eq(p->payload_len, BODY_LEN);
    ck_assert_uint_eq(p->payload_wire_len, BODY_LEN);
    ck_assert(memcmp(p->payload, body, BODY_LEN) == 0);
}

START_TEST(ethernet_ipv4_tcp_with_options)
{
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x0800);
    tcp4(&b);
    struct sift_packet p;
    decode(&b, 1, &p);
    ck_assert_uint_eq(p.flags, 0);
    assert_tcp4(&p);
    ck_assert_uint_eq(p.tcp.header_len, 40);
    ck_assert_uint_eq(p.tcp.mss, 1460);
    ck_assert(p.tcp.sack_permitted);
    ck_assert(p.tcp.has_timestamps);
    ck_assert_uint_eq(p.tcp.tsval, 7);
    ck_assert_uint_eq(p.tcp.tsecr, 9);
    ck_assert_int_eq(p.tcp.wscale, 7);
    buf_free(&b);
}
END_TEST

START_TEST(ethernet_padding_never_reaches_the_payload)
{
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x0800);
    fb_ipv4(&b, 6, 20, 0, fb_a4, fb_b4);
    fb_tcp(&b, 1, 2, 3, 4, SIFT_TCP_ACK, false);
    static const uint8_t pad[6] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
    buf_bytes(&b, pad, sizeof pad); /* a 60-byte minimum frame */
    struct sift_packet p;
    decode(&b, 1, &p);
    ck_assert_uint_eq(p.payload_len, 0);
    ck_assert(p.flags & SIFT_PKT_PADDED);
    buf_free(&b);
}
END_TEST

START_TEST(vlan_qinq_pppoe_and_mpls)
{
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x88a8);
    buf_u16(&b, 100);
    buf_u16(&b, 0x8100);
    buf_u16(&b, 0x2000 | 200);
    buf_u16(&b, 0x8864); /* PPPoE session */
    buf_u8(&b, 0x11);
    buf_u8(&b, 0);
    buf_u16(&b, 7);
    buf_u16(&b, (uint16_t)(2 + 60 + BODY_LEN));
    buf_u16(&b, 0x0021); /* PPP: IPv4 */
    tcp4(&b);
    struct sift_packet p;
    decode(&b, 1, &p);
    assert_tcp4(&p);
    ck_assert_uint_eq(p.vlan_count, 2);
    ck_assert_uint_eq(p.vlan[0], 100);
    ck_assert_uint_eq(p.vlan[1], 200);
    buf_free(&b);

    buf_init(&b, true);
    fb_ethernet(&b, 0x8847);
    buf_u32(&b, 0x00010040u); /* label 16, not bottom */
    buf_u32(&b, 0x00020140u); /* bottom of stack */
    tcp4(&b);
    decode(&b, 1, &p);
    assert_tcp4(&p);
    buf_free(&b);
}
END_TEST

/* The same IPv4/TCP packet behind each link header in the table. */
START_TEST(every_link_type_reaches_the_same_packet)
{
    const struct {
        uint16_t linktype;
        uint8_t header[44];
        size_t len;
    } links[] = {
        {0, {2, 0, 0, 0}, 4},                    /* NULL, little-endian */
        {0, {0, 0, 0, 2}, 4},                    /* NULL, big-endian */
        {108, {0, 0, 0, 2}, 4},                  /* LOOP */
        {101, {0}, 0},                           /* raw IP */
        {12, {0}, 0},                            /* DLT_RAW */
        {14, {0}, 0},
        {228, {0}, 0},                           /* raw IPv4 */
        {9, {0xff, 0x03, 0x00, 0x21}, 4},        /* PPP, HDLC framing */
        {9, {0x21}, 1},                          /* PPP, compressed */
        {104, {0x0f, 0x00, 0x08, 0x00}, 4},      /* Cisco HDLC */
        {9, {0x0f, 0x00, 0x08, 0x00}, 4},        /* ... marked as PPP */
        {242, {[40] = 0x08, [41] = 0x00}, 44},   /* IP over InfiniBand */
        {113, {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00}, 16},
        {276, {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1,
               0, 0}, 20},                       /* SLL2 */
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        struct buf b;
        buf_init(&b, true);
        buf_bytes(&b, links[i].header, links[i].len);
        tcp4(&b);
        struct sift_packet p;
        decode(&b, links[i].linktype, &p);
        ck_assert_msg(p.flags == 0, "link %zu: flags %x", i, p.flags);
        assert_tcp4(&p);
        buf_free(&b);
    }
}
END_TEST

START_TEST(nflog_and_80211_radiotap)
{
    struct buf b;
    buf_init(&b, false); /* NFLOG TLVs are little-endian */
    buf_u8(&b, 2);       /* AF_INET */
    buf_u8(&b, 0);
    buf_u16(&b, 0);
    buf_u16(&b, 8);      /* a prefix TLV first */
    buf_u16(&b, 10);
    buf_bytes(&b, "abcd", 4);
    buf_u16(&b, (uint16_t)(4 + 60 + BODY_LEN)); /* payload TLV */
    buf_u16(&b, 9);
    b.be = true;
    tcp4(&b);
    struct sift_packet p;
    decode(&b, 239, &p);
    assert_tcp4(&p);
    buf_free(&b);

    buf_init(&b, false);
    static const uint8_t radiotap[8] = {0, 0, 8, 0, 0, 0, 0, 0};
    buf_bytes(&b, radiotap, sizeof radiotap);
    buf_u16(&b, 0x0288); /* QoS data, from the DS */
    static uint8_t rest[24];
    buf_bytes(&b, rest, 22); /* duration, 3 addresses, sequence */
    buf_u16(&b, 0);      /* QoS control */
    static const uint8_t snap[8] = {0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x00};
    buf_bytes(&b, snap, sizeof snap);
    b.be = true;
    tcp4(&b);
    decode(&b, 127, &p);
    assert_tcp4(&p);
    b.data[9] |= 0x40; /* protected frame */
    decode(&b, 127, &p);
    ck_assert(p.flags & SIFT_PKT_ENCRYPTED);
    ck_assert_uint_eq(p.ip_version, 0);
    buf_free(&b);
}
END_TEST

START_TEST(ipv6_extension_headers_and_fragments)
{
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x86dd);
    fb_ipv6(&b, 0, (uint16_t)(8 + 16 + 20 + BODY_LEN), fb_a6, fb_b6);
    buf_u8(&b, 60); /* hop-by-hop, 8 bytes, then destination options */
    buf_u8(&b, 0);
    buf_u32(&b, 0x01040000u);
    buf_u16(&b, 0);
    buf_u8(&b, 6);  /* destination options, 16 bytes, then TCP */
    buf_u8(&b, 1);
    static const uint8_t padn[14] = {1, 12};
    buf_bytes(&b, padn, sizeof padn);
    fb_tcp(&b, 40002, 8080, 5, 6, SIFT_TCP_SYN, false);
    buf_bytes(&b, body, BODY_LEN);
    struct sift_packet p;
    decode(&b, 1, &p);
    ck_assert_uint_eq(p.flags, 0);
    ck_assert_uint_eq(p.ip_version, 6);
    ck_assert_uint_eq(p.protocol, 6);
    ck_assert_uint_eq(p.dport, 8080);
    ck_assert_uint_eq(p.payload_len, BODY_LEN);
    ck_assert(memcmp(p.dst.bytes, fb_b6, 16) == 0);
    buf_free(&b);

    buf_init(&b, true); /* a second fragment: offset 1448, more follow */
    fb_ipv6(&b, 44, 8 + 16, fb_a6, fb_b6);
    buf_u8(&b, 17);
    buf_u8(&b, 0);
    buf_u16(&b, 1448 | 1);
    buf_u32(&b, 0xabcdef01u);
    buf_bytes(&b, "0123456789abcdef", 16);
    decode(&b, 229, &p);
    ck_assert(p.flags & SIFT_PKT_FRAGMENT);
    ck_assert_uint_eq(p.protocol, 17);
    ck_assert_uint_eq(p.frag_offset, 1448);
    ck_assert(p.frag_more);
    ck_assert_uint_eq(p.ip_id, 0xabcdef01u);
    ck_assert_uint_eq(p.payload_len, 16);
    buf_free(&b);
}
END_TEST

START_TEST(tunnels_ipip_gre_vxlan)
{
    struct sift_packet p;
    struct buf b;
    buf_init(&b, true); /* IPv4 in IPv4 */
    fb_ipv4(&b, 4, 60 + BODY_LEN, 0, fb_b4, fb_a4);
    tcp4(&b);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    ck_assert(p.flags & SIFT_PKT_TUNNEL);
    ck_assert_uint_eq(p.tunnels, 1);
    buf_free(&b);

    buf_init(&b, true); /* GRE with a key, carrying IPv4 */
    fb_ipv4(&b, 47, 8 + 60 + BODY_LEN, 0, fb_b4, fb_a4);
    buf_u16(&b, 0x2000);
    buf_u16(&b, 0x0800);
    buf_u32(&b, 42);
    tcp4(&b);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    buf_free(&b);

    buf_init(&b, true); /* VXLAN over UDP 4789, an Ethernet frame inside */
    fb_ipv4(&b, 17, 8 + 8 + 14 + 60 + BODY_LEN, 0, fb_b4, fb_a4);
    fb_udp(&b, 5555, 4789, 8 + 14 + 60 + BODY_LEN);
    buf_u32(&b, 0x08000000u);
    buf_u32(&b, 0x00000100u);
    fb_ethernet(&b, 0x0800);
    tcp4(&b);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    ck_assert_uint_eq(p.tunnels, 1);
    buf_free(&b);

    buf_init(&b, true); /* IP-in-IP nested past the depth limit */
    for (int i = 0; i < 8; i++)
        fb_ipv4(&b, 4, (uint16_t)(20 * (7 - i) + 60 + BODY_LEN), 0, fb_b4,
                fb_a4);
    tcp4(&b);
    decode(&b, 101, &p);
    ck_assert(p.flags & SIFT_PKT_MALFORMED);
    buf_free(&b);
}
END_TEST

START_TEST(udp_tunnels_geneve_gtpu_l2tp_and_ah)
{
    struct sift_packet p;
    struct buf b;
    buf_init(&b, true); /* Geneve with 4 bytes of options, Ethernet inside */
    fb_ipv4(&b, 17, 8 + 12 + 14 + 60 + BODY_LEN, 0, fb_b4, fb_a4);
    fb_udp(&b, 5555, 6081, 12 + 14 + 60 + BODY_LEN);
    buf_u16(&b, 0x0100);
    buf_u16(&b, 0x6558);
    buf_u32(&b, 0x00000700u);
    buf_u32(&b, 0);
    fb_ethernet(&b, 0x0800);
    tcp4(&b);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    buf_free(&b);

    buf_init(&b, true); /* GTP-U G-PDU with a sequence number */
    fb_ipv4(&b, 17, 8 + 12 + 60 + BODY_LEN, 0, fb_b4, fb_a4);
    fb_udp(&b, 2152, 2152, 12 + 60 + BODY_LEN);
    buf_u8(&b, 0x32);
    buf_u8(&b, 0xff);
    buf_u16(&b, 4 + 60 + BODY_LEN);
    buf_u32(&b, 0x11223344u);
    buf_u32(&b, 0x00070000u); /* sequence 7, no N-PDU, no extension */
    tcp4(&b);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    buf_free(&b);

    buf_init(&b, true); /* L2TPv2 data with a length field, PPP inside */
    fb_ipv4(&b, 17, 8 + 8 + 4 + 60 + BODY_LEN, 0, fb_b4, fb_a4);
    fb_udp(&b, 1701, 1701, 8 + 4 + 60 + BODY_LEN);
    buf_u16(&b, 0x4002);
    buf_u16(&b, 8 + 4 + 60 + BODY_LEN);
    buf_u16(&b, 1);
    buf_u16(&b, 2);
    buf_u32(&b, 0xff030021u);
    tcp4(&b);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    buf_free(&b);

    buf_init(&b, true); /* AH (12 bytes of ICV) inside IPv4 */
    fb_ipv4(&b, 51, 24 + 40 + BODY_LEN, 0, fb_a4, fb_b4);
    buf_u8(&b, 6);
    buf_u8(&b, 4);
    buf_u16(&b, 0);
    static const uint8_t ah[20];
    buf_bytes(&b, ah, sizeof ah);
    fb_tcp(&b, 40001, 80, 1000, 2000, SIFT_TCP_ACK | SIFT_TCP_PSH, true);
    buf_bytes(&b, body, BODY_LEN);
    decode(&b, 101, &p);
    assert_tcp4(&p);
    buf_free(&b);

    buf_init(&b, true); /* UDP to a tunnel port that is not a tunnel */
    fb_ipv4(&b, 17, 8 + BODY_LEN, 0, fb_a4, fb_b4);
    fb_udp(&b, 40000, 2152, BODY_LEN);
    buf_bytes(&b, body, BODY_LEN);
    decode(&b, 101, &p);
    ck_assert_uint_eq(p.flags, 0);
    ck_assert_uint_eq(p.payload_len, BODY_LEN);
    buf_free(&b);
}
END_TEST

START_TEST(segmentation_offload_total_length_zero)
{
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x0800);
    tcp4(&b);
    b.data[14 + 2] = 0; /* IPv4 total length 0, as TSO captures have */
    b.data[14 + 3] = 0;
    struct sift_packet p;
    decode(&b, 1, &p);
    ck_assert_uint_eq(p.flags, 0);
    assert_tcp4(&p);
    buf_free(&b);
}
END_TEST

START_TEST(not_ip_unknown_link_and_ipv4_fragment)
{
    struct sift_packet p;
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x0806); /* ARP */
    buf_bytes(&b, body, 8);
    decode(&b, 1, &p);
    ck_assert(p.flags & SIFT_PKT_NOT_IP);
    decode(&b, 147, &p);
    ck_assert(p.flags & SIFT_PKT_UNKNOWN_LINK);
    buf_free(&b);

    buf_init(&b, true);
    fb_ipv4(&b, 6, 24, 0x2000 | 3, fb_a4, fb_b4); /* offset 24, MF */
    buf_bytes(&b, "012345678901234567890123", 24);
    decode(&b, 228, &p);
    ck_assert(p.flags & SIFT_PKT_FRAGMENT);
    ck_assert_uint_eq(p.frag_offset, 24);
    ck_assert(p.frag_more);
    ck_assert_uint_eq(p.payload_len, 24);
    ck_assert_uint_eq(p.sport, 0);
    buf_free(&b);
}
END_TEST

START_TEST(cut_captures_are_flagged)
{
    struct buf b;
    buf_init(&b, true);
    fb_ethernet(&b, 0x0800);
    tcp4(&b);
    struct sift_record rec;
    fb_record(&rec, &b, 1);
    struct sift_packet p;
    rec.caplen = 14 + 10; /* inside the IP header */
    sift_decode_packet(&rec, &p);
    ck_assert(p.flags & SIFT_PKT_TRUNCATED);
    rec.caplen = 14 + 60 + 5; /* inside the payload */
    sift_decode_packet(&rec, &p);
    ck_assert(p.flags & SIFT_PKT_PAYLOAD_CUT);
    ck_assert_uint_eq(p.payload_len, 5);
    ck_assert_uint_eq(p.payload_wire_len, BODY_LEN);
    buf_free(&b);
}
END_TEST

/* Every prefix of frames of each kind decodes without reading past it
 * (the sanitizer build proves that) and never claims more payload than the
 * prefix holds. */
START_TEST(prefix_sweep)
{
    struct buf frames[3];
    buf_init(&frames[0], true);
    fb_ethernet(&frames[0], 0x8100);
    buf_u16(&frames[0], 5);
    buf_u16(&frames[0], 0x0800);
    tcp4(&frames[0]);
    buf_init(&frames[1], true);
    fb_ethernet(&frames[1], 0x86dd);
    fb_ipv6(&frames[1], 44, 8 + 8 + BODY_LEN, fb_a6, fb_b6);
    buf_u8(&frames[1], 17);
    buf_u8(&frames[1], 0);
    buf_u16(&frames[1], 0);
    buf_u32(&frames[1], 9);
    fb_udp(&frames[1], 53, 53, BODY_LEN);
    buf_bytes(&frames[1], body, BODY_LEN);
    buf_init(&frames[2], true);
    fb_ipv4(&frames[2], 47, 4 + 14 + 60 + BODY_LEN, 0, fb_b4, fb_a4);
    buf_u16(&frames[2], 0);
    buf_u16(&frames[2], 0x6558);
    fb_ethernet(&frames[2], 0x0800);
    tcp4(&frames[2]);
    const uint16_t linktypes[3] = {1, 1, 101};
    for (int f = 0; f < 3; f++) {
        for (size_t n = 0; n <= frames[f].len; n++) {
            uint8_t *exact = malloc(n ? n : 1);
            memcpy(exact, frames[f].data, n);
            struct sift_record rec;
            fb_record(&rec, &frames[f], linktypes[f]);
            rec.data = exact;
            rec.caplen = (uint32_t)n;
            struct sift_packet p;
            sift_decode_packet(&rec, &p);
            ck_assert_uint_le(p.payload_len, n);
            if (n < frames[f].len)
                ck_assert(p.flags & (SIFT_PKT_TRUNCATED | SIFT_PKT_PAYLOAD_CUT |
                                     SIFT_PKT_NOT_IP));
            free(exact);
        }
        buf_free(&frames[f]);
    }
}
END_TEST

/* --shard's hash is a contract between machines and versions: workers
 * splitting one capture must agree, so its values are pinned here. */
START_TEST(shard_is_symmetric_and_stable)
{
    struct sift_packet p;
    memset(&p, 0, sizeof p);
    p.src.family = p.dst.family = 4;
    memcpy(p.src.bytes, "\x0a\x00\x00\x01", 4);
    memcpy(p.dst.bytes, "\x0a\x00\x00\x02", 4);
    p.sport = 40001;
    p.dport = 80;
    ck_assert_uint_eq(sift_packet_shard(&p, 1000), 407);
    ck_assert_uint_eq(sift_packet_shard(&p, 7), 6);
    ck_assert_uint_eq(sift_packet_shard(&p, 2), 1);
    ck_assert_uint_eq(sift_packet_shard(&p, 1), 0);
    ck_assert_uint_eq(sift_packet_shard(&p, 0), 0);
    struct sift_packet q = p;
    q.src = p.dst;
    q.dst = p.src;
    q.sport = p.dport;
    q.dport = p.sport;
    ck_assert_uint_eq(sift_packet_shard(&q, 1000), 407);
    /* Every shard gets some of 4,000 client ports, none much more. */
    unsigned counts[4] = {0};
    for (uint16_t port = 1024; port < 5024; port++) {
        p.sport = port;
        counts[sift_packet_shard(&p, 4)]++;
    }
    for (int i = 0; i < 4; i++)
        ck_assert(counts[i] > 850 && counts[i] < 1150);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("decode");
    TCase *t = tcase_create("decoders");
    tcase_add_test(t, ethernet_ipv4_tcp_with_options);
    tcase_add_test(t, ethernet_padding_never_reaches_the_payload);
    tcase_add_test(t, vlan_qinq_pppoe_and_mpls);
    tcase_add_test(t, every_link_type_reaches_the_same_packet);
    tcase_add_test(t, nflog_and_80211_radiotap);
    tcase_add_test(t, ipv6_extension_headers_and_fragments);
    tcase_add_test(t, tunnels_ipip_gre_vxlan);
    tcase_add_test(t, udp_tunnels_geneve_gtpu_l2tp_and_ah);
    tcase_add_test(t, segmentation_offload_total_length_zero);
    tcase_add_test(t, not_ip_unknown_link_and_ipv4_fragment);
    tcase_add_test(t, cut_captures_are_flagged);
    tcase_add_test(t, prefix_sweep);
    tcase_add_test(t, shard_is_symmetric_and_stable);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
