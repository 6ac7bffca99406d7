/* SPDX-License-Identifier: MIT */
/* Unit tests of the classic pcap reader: both byte orders, every magic,
 * version and link-type field rules, damaged and truncated records, and the
 * prefix sweep of STYLE.md. */
#include <string.h>

#include "capbuild.h"
#include "check_main.h"
#include "readall.h"

static const uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2,
                                  3, 4, 5, 6, 0x08, 0x00, 0x45};

/* A three-record file in the given order with the given magic. */
static void three_records(struct buf *b, bool be, uint32_t magic)
{
    buf_init(b, be);
    pcap_header(b, magic, 2, 4, 65535, 1);
    pcap_record(b, 1700000000, 1, 60, 60, frame);
    pcap_record(b, 1700000001, 999999, 14, 1514, frame);
    pcap_record(b, 1700000002, 0, 0, 0, frame);
}

static void check_three(const struct readall *r, int64_t frac_ns)
{
    ck_assert_int_eq(r->open_rc, SIFT_OK);
    ck_assert_int_eq(r->end_rc, SIFT_END);
    ck_assert_uint_eq(r->records, 3);
    ck_assert_int_eq(r->ts[0], 1700000000 * 1000000000ll + frac_ns);
    ck_assert_uint_eq(r->caplen[0], 60);
    ck_assert_uint_eq(r->caplen[1], 14);
    ck_assert_uint_eq(r->origlen[1], 1514);
    ck_assert_uint_eq(r->caplen[2], 0);
    ck_assert_uint_eq(r->linktype[0], 1);
    ck_assert_uint_eq(r->warnings, 0);
    ck_assert_uint_eq(r->sections, 1);
    ck_assert_uint_eq(r->interfaces, 1);
}

START_TEST(reads_every_magic_in_both_orders)
{
    const struct {
        uint32_t magic;
        int64_t frac_ns; /* what a fraction of 1 means */
    } cases[] = {{0xa1b2c3d4, 1000}, {0xa1b23c4d, 1}};
    for (size_t i = 0; i < 2; i++) {
        for (int be = 0; be <= 1; be++) {
            struct buf b;
            three_records(&b, be, cases[i].magic);
            struct readall r;
            readall_memory(b.data, b.len, &r);
            check_three(&r, cases[i].frac_ns);
            ck_assert_uint_eq(r.last_iface.tsresol_exp, i == 0 ? 6 : 9);
            buf_free(&b);
        }
    }
}
END_TEST

START_TEST(reads_the_modified_format)
{
    for (int be = 0; be <= 1; be++) {
        struct buf b;
        buf_init(&b, be);
        pcap_header(&b, 0xa1b2cd34, 2, 4, 65535, 1);
        for (int i = 0; i < 2; i++) {
            buf_u32(&b, 100);
            buf_u32(&b, 5);
            buf_u32(&b, 10);
            buf_u32(&b, 10);
            buf_u32(&b, 2);   /* ifindex */
            buf_u16(&b, 0x0800); /* protocol */
            buf_u8(&b, 0);    /* packet type */
            buf_u8(&b, 0);    /* pad */
            buf_bytes(&b, frame, 10);
        }
        struct readall r;
        readall_memory(b.data, b.len, &r);
        ck_assert_int_eq(r.end_rc, SIFT_END);
        ck_assert_uint_eq(r.records, 2);
        ck_assert_int_eq(r.ts[1], 100000005000ll); /* 100 s + 5 us */
        ck_assert_uint_eq(r.caplen[1], 10);
        buf_free(&b);
    }
}
END_TEST

START_TEST(refuses_unknown_versions)
{
    const uint16_t bad[][2] = {{1, 4}, {2, 5}, {3, 0}, {0, 0}};
    for (size_t i = 0; i < 4; i++) {
        struct buf b;
        buf_init(&b, false);
        pcap_header(&b, 0xa1b2c3d4, bad[i][0], bad[i][1], 65535, 1);
        struct readall r;
        readall_memory(b.data, b.len, &r);
        ck_assert_int_eq(r.open_rc, SIFT_ERR_UNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(r.err.message, "version"));
        buf_free(&b);
    }
}
END_TEST

/* Reads a file of the given version whose one record stores first and
 * second in its two length fields, followed by 20 bytes of data. */
static struct readall lengths_as_stored(uint16_t major, uint16_t minor,
                                        uint32_t first, uint32_t second)
{
    struct buf b;
    buf_init(&b, false);
    pcap_header(&b, 0xa1b2c3d4, major, minor, 65535, 1);
    buf_u32(&b, 2);
    buf_u32(&b, 0);
    buf_u32(&b, first);
    buf_u32(&b, second);
    buf_bytes(&b, frame, 20);
    pcap_record(&b, 3, 0, 20, 20, frame);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    buf_free(&b);
    return r;
}

START_TEST(old_versions_store_lengths_the_other_way_round)
{
    /* before 2.3, and in DG/UX's 543.0: original length first, always */
    const uint16_t swapped[][2] = {{2, 2}, {2, 0}, {543, 0}};
    for (size_t i = 0; i < 3; i++) {
        struct readall r = lengths_as_stored(swapped[i][0], swapped[i][1],
                                             1514, 20);
        ck_assert_uint_eq(r.records, 2);
        ck_assert_uint_eq(r.caplen[0], 20);
        ck_assert_uint_eq(r.origlen[0], 1514);
        ck_assert_uint_eq(r.warnings, 0);
    }
    /* 2.3: either order was written; the captured one is the smaller */
    struct readall r = lengths_as_stored(2, 3, 1514, 20);
    ck_assert_uint_eq(r.records, 2);
    ck_assert_uint_eq(r.caplen[0], 20);
    ck_assert_uint_eq(r.origlen[0], 1514);
    r = lengths_as_stored(2, 3, 20, 1514);
    ck_assert_uint_eq(r.caplen[0], 20);
    ck_assert_uint_eq(r.origlen[0], 1514);
    /* 2.4: as stored, so this record is odd but read, with a warning */
    r = lengths_as_stored(2, 4, 20, 1514);
    ck_assert_uint_eq(r.records, 2);
    ck_assert_uint_eq(r.caplen[0], 20);
    ck_assert_uint_eq(r.warnings, 0);
}
END_TEST

START_TEST(separates_fcs_bits_from_link_type)
{
    struct buf b;
    buf_init(&b, true);
    /* FCS present, 2 words (4 bytes), link type 1 */
    pcap_header(&b, 0xa1b2c3d4, 2, 4, 65535, 0x24000001u);
    pcap_record(&b, 1, 0, 14, 14, frame);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 1);
    ck_assert_uint_eq(r.linktype[0], 1);
    ck_assert_int_eq(r.last_iface.fcs_len, 4);
    ck_assert_uint_eq(r.last_iface.linktype_raw, 0x24000001u);
    ck_assert_uint_eq(r.warnings, 0);
    buf_free(&b);
}
END_TEST

START_TEST(warns_on_reserved_link_type_bits)
{
    struct buf b;
    buf_init(&b, false);
    pcap_header(&b, 0xa1b2c3d4, 2, 4, 65535, 0x00300001u);
    pcap_record(&b, 1, 0, 14, 14, frame);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 1);
    ck_assert_uint_eq(r.linktype[0], 1);
    ck_assert_int_eq(r.last_iface.fcs_len, -1);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_HEADER), 1);
    buf_free(&b);
}
END_TEST

START_TEST(insane_length_stops_the_file_but_keeps_earlier_records)
{
    struct buf b;
    buf_init(&b, false);
    pcap_header(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
    pcap_record(&b, 1, 0, 14, 14, frame);
    size_t second = b.len;
    buf_u32(&b, 2);
    buf_u32(&b, 0);
    buf_u32(&b, 0x40000000u); /* 1 GiB: no writer does this */
    buf_u32(&b, 0x40000000u);
    buf_bytes(&b, frame, 60);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 1);
    ck_assert_int_eq(r.end_rc, SIFT_ERR_MALFORMED);
    ck_assert_uint_eq(r.err.offset, second);
    ck_assert_uint_eq(r.err.record, 2);
    buf_free(&b);
}
END_TEST

START_TEST(large_snaplen_allows_large_records)
{
    static uint8_t big[300000];
    struct buf b;
    buf_init(&b, false);
    pcap_header(&b, 0xa1b2c3d4, 2, 4, 1u << 20, 1);
    pcap_record(&b, 1, 0, sizeof big, sizeof big, big);
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.end_rc, SIFT_END);
    ck_assert_uint_eq(r.records, 1);
    ck_assert_uint_eq(r.caplen[0], sizeof big);
    buf_free(&b);
}
END_TEST

START_TEST(length_oddities_are_warnings)
{
    struct buf b;
    buf_init(&b, false);
    pcap_header(&b, 0xa1b2c3d4, 2, 4, 10, 1);
    pcap_record(&b, 1, 0, 14, 14, frame); /* over the snap length */
    pcap_record(&b, 1, 0, 14, 10, frame); /* captured over original */
    pcap_record(&b, 1, 1000000, 0, 0, frame); /* fraction too big */
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_uint_eq(r.records, 3);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_LENGTH), 3);
    ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_TIMESTAMP), 1);
    buf_free(&b);
}
END_TEST

START_TEST(truncated_last_record_is_a_warning_with_its_offset)
{
    struct buf b;
    three_records(&b, false, 0xa1b2c3d4);
    size_t third = 24 + 16 + 60 + 16 + 14;
    for (size_t cut = 1; cut < 16; cut++) { /* inside the header */
        struct readall r;
        readall_memory(b.data, third + cut, &r);
        ck_assert_uint_eq(r.records, 2);
        ck_assert_int_eq(r.end_rc, SIFT_END);
        ck_assert_uint_eq(readall_warnings_of(&r, SIFT_WARN_TRUNCATED_RECORD),
                          1);
        ck_assert_uint_eq(r.warn_offset[0], third);
    }
    size_t second = 24 + 16 + 60;
    struct readall r;
    readall_memory(b.data, second + 16 + 5, &r); /* inside the data */
    ck_assert_uint_eq(r.records, 1);
    ck_assert_uint_eq(r.warn_offset[0], second);
    buf_free(&b);
}
END_TEST

START_TEST(timestamps_past_2038_and_2106)
{
    struct buf b;
    buf_init(&b, false);
    pcap_header(&b, 0xa1b23c4d, 2, 4, 65535, 1);
    pcap_record(&b, 0x80000000u, 0, 0, 0, frame);     /* 2038-01-19 */
    pcap_record(&b, 0xffffffffu, 999999999, 0, 0, frame); /* 2106-02-07 */
    struct readall r;
    readall_memory(b.data, b.len, &r);
    ck_assert_int_eq(r.ts[0], 2147483648ll * 1000000000ll);
    ck_assert_int_eq(r.ts[1], 4294967295ll * 1000000000ll + 999999999ll);
    buf_free(&b);
}
END_TEST

START_TEST(short_file_header_is_truncated)
{
    struct buf b;
    three_records(&b, false, 0xa1b2c3d4);
    for (size_t len = 4; len < 24; len++) {
        struct readall r;
        readall_memory(b.data, len, &r);
        ck_assert_int_eq(r.open_rc, SIFT_ERR_TRUNCATED);
    }
    buf_free(&b);
}
END_TEST

START_TEST(prefix_sweep)
{
    for (int be = 0; be <= 1; be++) {
        struct buf b;
        three_records(&b, be, be ? 0xa1b23c4d : 0xa1b2c3d4);
        ck_assert_uint_eq(readall_prefix_sweep(b.data, b.len), 24);
        buf_free(&b);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pcap");
    TCase *t = tcase_create("reader");
    tcase_add_test(t, reads_every_magic_in_both_orders);
    tcase_add_test(t, reads_the_modified_format);
    tcase_add_test(t, refuses_unknown_versions);
    tcase_add_test(t, old_versions_store_lengths_the_other_way_round);
    tcase_add_test(t, separates_fcs_bits_from_link_type);
    tcase_add_test(t, warns_on_reserved_link_type_bits);
    tcase_add_test(t, insane_length_stops_the_file_but_keeps_earlier_records);
    tcase_add_test(t, large_snaplen_allows_large_records);
    tcase_add_test(t, length_oddities_are_warnings);
    tcase_add_test(t, truncated_last_record_is_a_warning_with_its_offset);
    tcase_add_test(t, timestamps_past_2038_and_2106);
    tcase_add_test(t, short_file_header_is_truncated);
    tcase_add_test(t, prefix_sweep);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
