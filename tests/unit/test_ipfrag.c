/* SPDX-License-Identifier: MIT */
/* Unit tests of IP fragment reassembly: every order of arrival, duplicates,
 * overlaps (same and different bytes), timeout, limits, IPv6. */
#include <string.h>

#include "check_main.h"
#include "framebuild.h"
#include "pcapsift/ipfrag.h"

/* A UDP datagram of 8 + 40 bytes split into fragments of 16 bytes at
 * offsets 0, 16, 32 (the first holds the UDP header). */
static uint8_t datagram[48];
static struct buf frags[3];
static struct sift_record recs[3];

static void make_fragments(bool v6)
{
    struct buf d;
    buf_init(&d, true);
    fb_udp(&d, 1111, 2222, 40);
    for (int i = 0; i < 40; i++)
        buf_u8(&d, (uint8_t)('a' + i % 26));
    memcpy(datagram, d.data, sizeof datagram);
    buf_free(&d);
    for (int i = 0; i < 3; i++) {
        buf_init(&frags[i], true);
        uint16_t off = (uint16_t)(i * 16);
        bool more = i < 2;
        if (v6) {
            fb_ipv6(&frags[i], 44, 8 + 16, fb_a6, fb_b6);
            buf_u8(&frags[i], 17);
            buf_u8(&frags[i], 0);
            buf_u16(&frags[i], (uint16_t)(off | (more ? 1 : 0)));
            buf_u32(&frags[i], 77);
        } else {
            fb_ipv4(&frags[i], 17, 16,
                    (uint16_t)((more ? 0x2000 : 0) | off / 8), fb_a4, fb_b4);
        }
        buf_bytes(&frags[i], datagram + off, 16);
        fb_record(&recs[i], &frags[i], v6 ? 229 : 228);
        recs[i].ts_ns = 1000 + i;
    }
}

static void free_fragments(void)
{
    for (int i = 0; i < 3; i++)
        buf_free(&frags[i]);
}

/* Feeds fragments in the given order; returns how many datagrams came out
 * and checks each one. */
static int feed(struct sift_ipfrag *f, const int *order, int n)
{
    int completed = 0;
    for (int k = 0; k < n; k++) {
        struct sift_packet p, done;
        sift_decode_packet(&recs[order[k]], &p);
        ck_assert(p.flags & SIFT_PKT_FRAGMENT);
        if (sift_ipfrag_add(f, &p, &done) == 1) {
            completed++;
            ck_assert(done.flags & SIFT_PKT_REASSEMBLED);
            ck_assert(!(done.flags & SIFT_PKT_FRAGMENT));
            ck_assert_uint_eq(done.protocol, 17);
            ck_assert_uint_eq(done.sport, 1111);
            ck_assert_uint_eq(done.dport, 2222);
            ck_assert_uint_eq(done.payload_len, 40);
            ck_assert(memcmp(done.payload, datagram + 8, 40) == 0);
        }
    }
    return completed;
}

START_TEST(every_order_makes_one_datagram)
{
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int v6 = 0; v6 <= 1; v6++) {
        make_fragments(v6);
        for (int o = 0; o < 6; o++) {
            struct sift_ipfrag *f = sift_ipfrag_new(NULL, NULL, NULL);
            ck_assert_int_eq(feed(f, orders[o], 3), 1);
            ck_assert_uint_eq(sift_ipfrag_stats(f)->datagrams, 1);
            sift_ipfrag_free(f);
        }
        free_fragments();
    }
}
END_TEST

START_TEST(duplicates_are_overlaps_not_new_datagrams)
{
    make_fragments(false);
    struct sift_ipfrag *f = sift_ipfrag_new(NULL, NULL, NULL);
    static const int order[5] = {1, 1, 0, 1, 2};
    ck_assert_int_eq(feed(f, order, 5), 1);
    ck_assert_uint_eq(sift_ipfrag_stats(f)->overlaps, 2);
    ck_assert_uint_eq(sift_ipfrag_stats(f)->conflicts, 0);
    sift_ipfrag_free(f);
    free_fragments();
}
END_TEST

static int warnings;
static void count_warning(void *ctx, const struct sift_warning *w)
{
    (void)ctx;
    (void)w;
    warnings++;
}

START_TEST(conflicting_overlap_keeps_the_first_bytes)
{
    make_fragments(false);
    struct sift_ipfrag *f = sift_ipfrag_new(NULL, count_warning, NULL);
    warnings = 0;
    struct sift_packet p, done;
    sift_decode_packet(&recs[1], &p);
    ck_assert_int_eq(sift_ipfrag_add(f, &p, &done), 0);
    frags[1].data[20 + 3] ^= 0xff; /* a second copy with other bytes */
    sift_decode_packet(&recs[1], &p);
    ck_assert_int_eq(sift_ipfrag_add(f, &p, &done), 0);
    frags[1].data[20 + 3] ^= 0xff;
    static const int rest[2] = {0, 2};
    ck_assert_int_eq(feed(f, rest, 2), 1); /* the checks see first bytes */
    ck_assert_uint_eq(sift_ipfrag_stats(f)->conflicts, 1);
    ck_assert_int_eq(warnings, 1);
    sift_ipfrag_free(f);
    free_fragments();
}
END_TEST

START_TEST(timeout_and_limits_drop_datagrams)
{
    make_fragments(false);
    struct sift_ipfrag_limits lim = {1, 1 << 20, 8, 5000};
    struct sift_ipfrag *f = sift_ipfrag_new(&lim, NULL, NULL);
    struct sift_packet p, done;
    sift_decode_packet(&recs[0], &p);
    sift_ipfrag_add(f, &p, &done);
    recs[1].ts_ns = 1000 + 6000; /* past the 5 us timeout */
    static const int rest[2] = {1, 2};
    ck_assert_int_eq(feed(f, rest, 2), 0);
    ck_assert_uint_eq(sift_ipfrag_stats(f)->expired, 1);
    /* one datagram at a time: another source's fragment is refused */
    frags[2].data[12] = 10;
    sift_decode_packet(&recs[2], &p);
    ck_assert_int_eq(sift_ipfrag_add(f, &p, &done), 0);
    ck_assert_uint_eq(sift_ipfrag_stats(f)->dropped, 1);
    sift_ipfrag_free(f);
    free_fragments();
}
END_TEST

START_TEST(impossible_fragments_are_refused)
{
    make_fragments(false);
    struct sift_ipfrag *f = sift_ipfrag_new(NULL, NULL, NULL);
    struct sift_packet p, done;
    sift_decode_packet(&recs[0], &p);
    p.payload_len = 15; /* not a multiple of 8, more fragments follow */
    p.payload_wire_len = 15;
    ck_assert_int_eq(sift_ipfrag_add(f, &p, &done), 0);
    sift_decode_packet(&recs[2], &p);
    p.frag_offset = 65528; /* ends past 65535 */
    ck_assert_int_eq(sift_ipfrag_add(f, &p, &done), 0);
    ck_assert_uint_eq(sift_ipfrag_stats(f)->dropped, 2);
    sift_ipfrag_free(f);
    free_fragments();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ipfrag");
    TCase *t = tcase_create("reassembly");
    tcase_add_test(t, every_order_makes_one_datagram);
    tcase_add_test(t, duplicates_are_overlaps_not_new_datagrams);
    tcase_add_test(t, conflicting_overlap_keeps_the_first_bytes);
    tcase_add_test(t, timeout_and_limits_drop_datagrams);
    tcase_add_test(t, impossible_fragments_are_refused);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
