/* SPDX-License-Identifier: MIT */
/* Unit tests of the pcap-ng reader: sections of either byte order, every
 * block type we read, timestamp resolutions and offsets, block-length
 * validation, damaged blocks, and the prefix sweep of STYLE.md. */
#include <string.h>

#include "capbuild.h"
#include "check_main.h"
#include "readall.h"

static const uint8_t frame[64] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5};

/* SHB, two interfaces of different link types, three packets. */
static void simple_file(struct buf *b, bool be)
{
    buf_init(b, be);
    ng_shb(b, "section comment");
    ng_idb(b, 1, 65535, -1, "eth0");
    ng_idb(b, 113, 0, 9, "any");
    ng_epb(b, 0, 1700000000000000ull, 60, 60, frame, "first");
    ng_epb(b, 1, 1700000001000000001ull, 13, 100, frame, NULL);
    ng_epb(b, 0, 1700000002000000ull, 0, 0, frame, NULL);
}

START_TEST(reads_both_byte_orders)
{
    for (int be = 0; be <= 1; be++) {
        struct buf b;
        simple_file(&b, be);
        struct readall r;
        readall_memory(b.data, b.len, &r);
        ck_assert_int_eq(r.open_rc, SIFT_OK);
        ck_assert_int_eq(r.end_rc, SIFT_END);
        ck_assert_uint_eq(r.records, 3);
        ck_assert_uint_eq(r.warnings, 0);
        ck_assert_uint_eq(r.sections, 1);
        ck_assert_uint_eq(r.interfaces, 2);
        ck_assert_uint_eq(r.blocks, 6);
        ck_assert_int_eq(r.ts[0], 1700000000000000000ll);
        ck_assert_int_eq(r.ts[1], 1700000001000000001ll);
        ck_assert_uint_eq(r.linktype[0], 1);
        ck_assert_uint_eq(r.linktype[1], 113);
        ck_assert_uint_eq(r.iface[1], 1);
        ck_assert_uint_eq(r.caplen[1], 13);
        ck_assert_uint_eq(r.origlen[1], 100);
        ck_assert_uint_eq(r.comments[0], 1);
        ck_assert_uint_eq(r.last_iface.tsresol_exp, 9);
        buf_free(&b);
    }
}
END_TEST

START_TEST(sections_of_different_byte_orders)
{
    struct buf le, be;
    simple_file(&le, false);
    simple_file(&be, true);
    buf_bytes(&le, be.data, be.len);
    struct readall r;
    readall_memory(le.data, le.len, &r);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.sections, 2);
    ck_assert_uint_eq(r.records, 6);
    ck_assert_uint_eq(r.section[2], 0);
    ck_assert_uint_eq(r.section[3], 1);
    ck_assert_uint_eq(r.iface[4], 1); /* ids restart in each section */
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(r.sum[i], r.sum[i + 3]);
    buf_free(&le);
    buf_free(&be);
}
END_TEST

/* One interface with the given if_tsresol byte and tsoffset, one packet. */
static int64_t packet_time(int tsresol, int64_t tsoffset, uint64_t units,
                           bool *warned)
{
    struct buf b;
    buf_init(&b, false);
    ng_shb(&b, NULL);
    size_t s = ng_open(&b, 1);
    buf_u16(&b, 1);
    buf_u16(&b, 0);
    buf_u32(&b, 0);
    uint8_t r = (uint8_t)tsresol;
    ng_option(&b, 9, &r, 1);
    buf_u16(&b, 14);
    buf_u16(&b, 8);
    buf_u64(&b, (uint64_t)tsoffset);
    ng_end_options(&b);
    ng_close(&b, s);
    ng_epb(&b, 0, units, 4, 4, frame, NULL);
    struct readall out;
    readall_memory(b.data, b.len, &out);
    buf_free(&b);
    ck_assert_uint_eq(out.records, 1);
    *warned = out.warnings > 0;
    return out.ts[0];
}

START_TEST(timestamp_resolutions_and_offsets)
{
    bool w;
    ck_assert_int_eq(packet_time(6, 0, 1500000, &w), 1500000000);
    ck_assert_int_eq(packet_time(3, 0, 1500, &w), 1500000000);
    ck_assert_int_eq(packet_time(0, 0, 2, &w), 2000000000);
    ck_assert_int_eq(packet_time(9, 0, 123456789, &w), 123456789);
    ck_assert_int_eq(packet_time(12, 0, 123456789999, &w), 123456789);
    ck_assert_int_eq(packet_time(0x80 | 10, 0, 1024, &w), 1000000000);
    ck_assert_int_eq(packet_time(0x80 | 30, 0, 3ull << 29, &w), 1500000000);
    ck_assert_int_eq(packet_time(6, 100, 1, &w), 100000001000ll);
    ck_assert_int_eq(packet_time(6, -1, 1000000, &w), 0);
    ck_assert(!w);
    /* 2^64-1 microseconds is past 2262: clamped and warned */
    ck_assert_int_eq(packet_time(6, 0, UINT64_MAX, &w), INT64_MAX);
    ck_assert(w);
    /* past 2106 in microseconds is fine */
    ck_assert_int_eq(packet_time(6, 0, 4354819200000000ull, &w),
                     4354819200000000000ll);
    ck_assert(!w);
}
END_TEST

START_TEST(simple_and_obsolete_packet_blocks)
{
    for (int be = 0; be <= 1; be++) {
        struct buf b;
        buf_init(&b, be);
        ng_shb(&b, NULL);
        ng_idb(&b, 1, 20, -1, NULL);
        ng_spb(&b, 60, frame, 20); /* cut to the snap length */
        ng_spb(&b, 8, frame, 8);
        size_t s = ng_open(&b, 2);
        buf_u16(&b, 0);     /* interface */
        buf_u16(&b, 7);     /* drops */
        buf_u32(&b, 0);
        buf_u32(&b, 5);
        buf_u32(&b, 6);
        buf_u32(&b, 6);
        buf_bytes(&b, frame, 6);
        ng_close(&b, s);
        struct readall r;
        readall_memory(b.data, b.len, &r);
        ck_assert_int_eq(r.end_rc, SIFT_END);
        ck_assert_uint_eq(r.records, 3);
        ck_assert_uint_eq(r.caplen[0], 20);
        ck_assert_uint_eq(r.origlen[0], 60);
        ck_assert_uint_eq(r.caplen[1], 8);
        ck_assert_uint_eq(r.caplen[2], 6);
        ck_assert_int_eq(r.ts[2], 5000);
        ck_assert_uint_eq(r.warnings, 0);
        buf_free(&b);
    }
}
END_TEST

START_TEST(name_stats_secrets_custom_and_unknown_blocks)
{
    struct buf b;
    buf_init(&b, true);
    ng_shb(&b, NULL);
    ng_idb(&b, 1, 0, -1, NULL);
    size_t s = ng_open(&b, 4); /* NRB */
    buf_u16(&b, 1);
    buf_u16(&b, 4 + 16);
    buf_bytes(&b, "\xc0\x00\x02\x01" "host.example\0alt\0", 20);
    buf_u16(&b, 0);
    buf_u16(&b, 0);
    ng_close(&b, s);
    s = ng_open(&b, 5); /* ISB */
    buf_u32(&b, 0);
    buf_u32(&b, 0);
    buf_u32(&b, 1000000);
    buf_u16(&b, 4);
    buf_u16(&b, 8);
    buf_u64(&b, 42);
    buf_u16(&b, 5);
    buf_u16(&b, 8);
    buf_u64(&b, 3);
    ng_end_options(&b);
    ng_close(&b, s);
    s = ng_open(&b, 10); /* DSB */
    buf_u32(&b, 0x544c534b);
    buf_u32(&b, 5);
    buf_bytes(&b, "CLIEN", 5);
    ng_close(&b, s);
    s = ng_open(&b, 0x00000BAD); /* custom */
    buf_u32(&b, 32473);
    buf_bytes(&b, "whatever", 8);
    ng_close(&b, s);
    s = ng_open(&b, 0x12345678); /* unknown */
    ng_close(&b, s);
    ng_epb(&b, 0, 1, 4, 4, frame, NULL);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.records, 1);
    ck_assert_uint_eq(r.warnings, 0);
    ck_assert_uint_eq(r.names, 1);
    ck_assert_int_eq(r.name_family, 4);
    ck_assert_uint_eq(r.name_addr[0], 0xc0);
    ck_assert_str_eq(r.name_first, "host.example");
    ck_assert_uint_eq(r.stats, 1);
    ck_assert(r.last_stats.has_ifrecv && r.last_stats.has_ifdrop);
    ck_assert_uint_eq(r.last_stats.ifrecv, 42);
    ck_assert_uint_eq(r.last_stats.ifdrop, 3);
    ck_assert_int_eq(r.last_stats.time_ns, 1000000000);
    ck_assert_uint_eq(r.secrets, 1);
    ck_assert_uint_eq(r.secrets_type, 0x544c534b);
    ck_assert_uint_eq(r.secrets_len, 5);
    ck_assert_uint_eq(r.blocks, 8);
    buf_free(&b);
}
END_TEST

/* A file whose second block has a damaged total length. */
static struct readall with_bad_length(uint32_t header, uint32_t trailer)
{
    struct buf b;
    simple_file(&b, false);
    size_t at = b.len;
    ng_epb(&b, 0, 1, 8, 8, frame, NULL);
    uint32_t real = (uint32_t)(b.len - at);
    buf_put32(&b, at + 4, header ? header : real);
    buf_put32(&b, b.len - 4, trailer ? trailer : real);
    ng_epb(&b, 0, 1, 8, 8, frame, NULL);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    buf_free(&b);
    return r;
}

START_TEST(block_length_is_validated_before_use)
{
    const struct {
        uint32_t len;
        const char *why;
    } cases[] = {{8, "below the minimum"},
                 {42, "not a multiple of 4"},
                 {0x7ffffffcu, "over the maximum"}};
    for (size_t i = 0; i < 3; i++) {
        /* the same value at both ends: only the length rules can refuse it */
        struct readall r = with_bad_length(cases[i].len, cases[i].len);
        ck_assert_uint_eq(r.records, 3);
        ck_assert_int_eq(r.end_rc, SIFT_ERR_MALFORMED);
        ck_assert_ptr_nonnull(strstr(r.err.message, cases[i].why));
    }
}
END_TEST

START_TEST(damaged_trailer_skips_one_block_when_the_next_is_sound)
{
    /* the header's length leads to a sound block: only this one is lost */
    struct readall r = with_bad_length(0, 0x40000028u);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.records, 4);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_BLOCK), 1);
    /* the header's length leads nowhere sound: the walk cannot go on */
    struct buf b;
    simple_file(&b, false);
    size_t at = b.len;
    ng_epb(&b, 0, 1, 8, 8, frame, NULL);
    buf_put32(&b, b.len - 4, 99);
    buf_bytes(&b, "garbage garbage garbage!", 24);
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 3);
    ck_assert_int_eq(r.end_rc, SIFT_ERR_MALFORMED);
    ck_assert_uint_eq(r.err.offset, at);
    ck_assert_ptr_nonnull(strstr(r.err.message, "don't match"));
    buf_free(&b);
}
END_TEST

START_TEST(unpadded_ntar_lengths_are_read_when_the_trailer_agrees)
{
    struct buf b;
    buf_init(&b, false);
    ng_shb(&b, NULL);
    ng_idb(&b, 1, 0, -1, NULL);
    for (int i = 0; i < 2; i++) {
        /* an old NTAR writer: 8 + 20 + 5 + 4 = 37 bytes stated, 40 used */
        size_t at = b.len;
        ng_epb(&b, 0, 1, 5, 5, frame, NULL);
        buf_put32(&b, at + 4, 37);
        buf_put32(&b, b.len - 4, 37);
    }
    ng_epb(&b, 0, 1, 8, 8, frame, NULL);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.records, 3);
    ck_assert_uint_eq(r.caplen[1], 5);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_HEADER), 1);
    buf_free(&b);
}
END_TEST

START_TEST(damaged_packets_are_skipped_not_fatal)
{
    struct buf b;
    simple_file(&b, false);
    ng_epb(&b, 7, 1, 4, 4, frame, NULL); /* no interface 7 */
    size_t s = ng_open(&b, 6);           /* caplen past its block */
    buf_u32(&b, 0);
    buf_u32(&b, 0);
    buf_u32(&b, 0);
    buf_u32(&b, 500);
    buf_u32(&b, 500);
    buf_bytes(&b, frame, 8);
    ng_close(&b, s);
    s = ng_open(&b, 6); /* too short for its fixed fields */
    buf_u32(&b, 0);
    ng_close(&b, s);
    s = ng_open(&b, 3); /* SPB is fine but ISB for interface 9 is not */
    buf_u32(&b, 4);
    buf_bytes(&b, frame, 4);
    ng_close(&b, s);
    s = ng_open(&b, 5);
    buf_u32(&b, 9);
    buf_u64(&b, 0);
    ng_close(&b, s);
    ng_epb(&b, 0, 1, 4, 4, frame, NULL);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.records, 5);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_RECORD), 3);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_BLOCK), 1);
    buf_free(&b);
}
END_TEST

START_TEST(damaged_interface_keeps_its_id)
{
    struct buf b;
    buf_init(&b, false);
    ng_shb(&b, NULL);
    size_t s = ng_open(&b, 1); /* too short for its fixed fields */
    buf_u16(&b, 1);
    ng_close(&b, s);
    ng_idb(&b, 113, 0, -1, NULL);
    ng_epb(&b, 0, 1, 4, 4, frame, NULL);
    ng_epb(&b, 1, 1, 4, 4, frame, NULL);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.interfaces, 2);
    ck_assert_uint_eq(r.records, 1); /* the damaged one's packet skipped */
    ck_assert_uint_eq(r.iface[0], 1);
    ck_assert_uint_eq(r.linktype[0], 113);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_BLOCK), 1);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_RECORD), 1);
    buf_free(&b);
}
END_TEST

START_TEST(malformed_options_keep_the_block)
{
    struct buf b;
    buf_init(&b, false);
    ng_shb(&b, NULL);
    size_t s = ng_open(&b, 1);
    buf_u16(&b, 1);
    buf_u16(&b, 0);
    buf_u32(&b, 0);
    buf_u16(&b, 2);    /* if_name ... */
    buf_u16(&b, 200);  /* ... longer than the block */
    buf_bytes(&b, "eth0", 4);
    ng_close(&b, s);
    ng_epb(&b, 0, 1, 4, 4, frame, NULL);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 1);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_OPTION), 1);
    buf_free(&b);
}
END_TEST

START_TEST(unsupported_version_and_bad_byte_order_magic)
{
    struct buf b;
    simple_file(&b, false);
    b.data[12] = 2; /* major version 2 */
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.open_rc, SIFT_ERR_UNSUPPORTED);
    b.data[12] = 1;
    b.data[8] = 0x11; /* byte-order magic */
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.open_rc, SIFT_ERR_MALFORMED);
    buf_free(&b);
}
END_TEST

START_TEST(later_section_of_unknown_version_is_skipped)
{
    struct buf b, later;
    simple_file(&b, false);
    simple_file(&later, true);
    later.data[13] = 2; /* major version 2 (big-endian u16 at offset 12) */
    buf_bytes(&b, later.data, later.len);
    buf_free(&later);
    simple_file(&later, false);
    buf_bytes(&b, later.data, later.len);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.sections, 3);
    ck_assert_uint_eq(r.records, 6); /* the middle section's 3 skipped */
    ck_assert_uint_eq(r.section[3], 2);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_HEADER), 1);
    buf_free(&b);
    buf_free(&later);
}
END_TEST

START_TEST(section_change_forgets_interfaces)
{
    struct buf b;
    simple_file(&b, false);
    ng_shb(&b, NULL);
    ng_epb(&b, 0, 1, 4, 4, frame, NULL); /* the new section has none */
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 3);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_MALFORMED_RECORD), 1);
    buf_free(&b);
}
END_TEST

START_TEST(prefix_sweep)
{
    for (int be = 0; be <= 1; be++) {
        struct buf b;
        simple_file(&b, be);
        /* the reader opens once the whole section header is there */
        ck_assert_uint_gt(readall_prefix_sweep(b.data, b.len), 28);
        buf_free(&b);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pcapng");
    TCase *t = tcase_create("reader");
    tcase_add_test(t, reads_both_byte_orders);
    tcase_add_test(t, sections_of_different_byte_orders);
    tcase_add_test(t, timestamp_resolutions_and_offsets);
    tcase_add_test(t, simple_and_obsolete_packet_blocks);
    tcase_add_test(t, name_stats_secrets_custom_and_unknown_blocks);
    tcase_add_test(t, block_length_is_validated_before_use);
    tcase_add_test(t, damaged_trailer_skips_one_block_when_the_next_is_sound);
    tcase_add_test(t, unpadded_ntar_lengths_are_read_when_the_trailer_agrees);
    tcase_add_test(t, damaged_packets_are_skipped_not_fatal);
    tcase_add_test(t, damaged_interface_keeps_its_id);
    tcase_add_test(t, malformed_options_keep_the_block);
    tcase_add_test(t, unsupported_version_and_bad_byte_order_magic);
    tcase_add_test(t, later_section_of_unknown_version_is_skipped);
    tcase_add_test(t, section_change_forgets_interfaces);
    tcase_add_test(t, prefix_sweep);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
