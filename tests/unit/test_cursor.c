/* SPDX-License-Identifier: MIT */
/* Unit tests of the bounds-checked cursor. */
#include "check_main.h"

#include "pcapsift/cursor.h"

static const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                0x08, 0x09, 0x0a};

START_TEST(reads_each_width_in_both_orders)
{
    struct sift_cursor c = sift_cursor_make(bytes, sizeof bytes, 100);
    ck_assert_uint_eq(sift_cursor_u8(&c), 0x01);
    ck_assert_uint_eq(sift_cursor_be16(&c), 0x0203);
    ck_assert_uint_eq(sift_cursor_le16(&c), 0x0504);
    ck_assert_uint_eq(sift_cursor_offset(&c), 105);
    c = sift_cursor_make(bytes, sizeof bytes, 0);
    ck_assert_uint_eq(sift_cursor_be32(&c), 0x01020304u);
    ck_assert_uint_eq(sift_cursor_le32(&c), 0x08070605u);
    c = sift_cursor_make(bytes, sizeof bytes, 0);
    ck_assert_uint_eq(sift_cursor_be64(&c), 0x0102030405060708ull);
    c = sift_cursor_make(bytes, sizeof bytes, 0);
    ck_assert_uint_eq(sift_cursor_le64(&c), 0x0807060504030201ull);
    c = sift_cursor_make(bytes, sizeof bytes, 0);
    ck_assert_uint_eq(sift_cursor_u16(&c, true), 0x0102);
    ck_assert_uint_eq(sift_cursor_u16(&c, false), 0x0403);
    ck_assert_uint_eq(sift_cursor_u32(&c, true), 0x05060708u);
    ck_assert(sift_cursor_ok(&c));
    ck_assert_uint_eq(sift_cursor_left(&c), 2);
}
END_TEST

START_TEST(failure_is_sticky_and_advances_nothing)
{
    struct sift_cursor c = sift_cursor_make(bytes, 3, 0);
    ck_assert_uint_eq(sift_cursor_be16(&c), 0x0102);
    ck_assert_uint_eq(sift_cursor_be16(&c), 0); /* one byte left */
    ck_assert(!sift_cursor_ok(&c));
    ck_assert_uint_eq(sift_cursor_left(&c), 0);
    ck_assert_uint_eq(sift_cursor_offset(&c), 2);
    /* even a read that would fit now fails */
    ck_assert_uint_eq(sift_cursor_u8(&c), 0);
    ck_assert_ptr_null(sift_cursor_bytes(&c, 0));
    ck_assert(!sift_cursor_skip(&c, 0));
}
END_TEST

START_TEST(every_read_fails_at_every_short_length)
{
    /* Each width at each length below it fails and reads as zero. */
    for (size_t len = 0; len < 8; len++) {
        struct sift_cursor c = sift_cursor_make(bytes, len, 0);
        ck_assert_uint_eq(sift_cursor_be64(&c), 0);
        ck_assert(!sift_cursor_ok(&c));
        if (len < 4) {
            c = sift_cursor_make(bytes, len, 0);
            ck_assert_uint_eq(sift_cursor_le32(&c), 0);
            ck_assert(!sift_cursor_ok(&c));
        }
        if (len < 2) {
            c = sift_cursor_make(bytes, len, 0);
            ck_assert_uint_eq(sift_cursor_be16(&c), 0);
            ck_assert(!sift_cursor_ok(&c));
        }
    }
}
END_TEST

START_TEST(bytes_give_views_without_copying)
{
    struct sift_cursor c = sift_cursor_make(bytes, sizeof bytes, 0);
    const uint8_t *p = sift_cursor_bytes(&c, 4);
    ck_assert_ptr_eq(p, bytes);
    ck_assert_ptr_eq(sift_cursor_bytes(&c, 0), bytes + 4);
    ck_assert_ptr_eq(sift_cursor_bytes(&c, 6), bytes + 4);
    ck_assert_ptr_null(sift_cursor_bytes(&c, 1));
}
END_TEST

START_TEST(sub_cursor_cannot_see_past_its_length)
{
    struct sift_cursor c = sift_cursor_make(bytes, sizeof bytes, 10);
    sift_cursor_skip(&c, 2);
    struct sift_cursor s = sift_cursor_sub(&c, 3);
    ck_assert(sift_cursor_ok(&s));
    ck_assert_uint_eq(sift_cursor_offset(&s), 12);
    ck_assert_uint_eq(sift_cursor_left(&s), 3);
    ck_assert_uint_eq(sift_cursor_u8(&c), 0x06); /* parent moved past */
    ck_assert_uint_eq(sift_cursor_be16(&s), 0x0304);
    ck_assert_uint_eq(sift_cursor_be16(&s), 0); /* only one byte left */
    ck_assert(!sift_cursor_ok(&s));
    ck_assert(sift_cursor_ok(&c)); /* the child's failure is its own */
}
END_TEST

START_TEST(sub_cursor_longer_than_parent_fails_both)
{
    struct sift_cursor c = sift_cursor_make(bytes, 4, 0);
    struct sift_cursor s = sift_cursor_sub(&c, 5);
    ck_assert(!sift_cursor_ok(&s));
    ck_assert(!sift_cursor_ok(&c));
    ck_assert_uint_eq(sift_cursor_left(&s), 0);
}
END_TEST

START_TEST(rest_takes_everything_left)
{
    struct sift_cursor c = sift_cursor_make(bytes, sizeof bytes, 0);
    sift_cursor_skip(&c, 7);
    struct sift_cursor r = sift_cursor_rest(&c);
    ck_assert_uint_eq(sift_cursor_left(&r), 3);
    ck_assert_uint_eq(sift_cursor_left(&c), 0);
    ck_assert(sift_cursor_ok(&c));
}
END_TEST

START_TEST(empty_and_null_cursors_are_safe)
{
    struct sift_cursor c = sift_cursor_make(NULL, 99, 0);
    ck_assert_uint_eq(sift_cursor_left(&c), 0);
    ck_assert_ptr_nonnull(sift_cursor_bytes(&c, 0));
    ck_assert(sift_cursor_skip(&c, 0));
    struct sift_cursor s = sift_cursor_sub(&c, 0);
    ck_assert(sift_cursor_ok(&s));
    ck_assert_uint_eq(sift_cursor_u8(&c), 0);
    ck_assert(!sift_cursor_ok(&c));
}
END_TEST

START_TEST(peek_looks_without_reading)
{
    struct sift_cursor c = sift_cursor_make(bytes, 3, 0);
    uint8_t v = 0;
    ck_assert(sift_cursor_peek_u8(&c, 2, &v));
    ck_assert_uint_eq(v, 0x03);
    ck_assert(!sift_cursor_peek_u8(&c, 3, &v));
    ck_assert_uint_eq(sift_cursor_left(&c), 3);
    ck_assert(sift_cursor_ok(&c));
}
END_TEST

START_TEST(huge_lengths_do_not_wrap)
{
    struct sift_cursor c = sift_cursor_make(bytes, sizeof bytes, 0);
    sift_cursor_skip(&c, 1);
    ck_assert(!sift_cursor_skip(&c, SIZE_MAX));
    c = sift_cursor_make(bytes, sizeof bytes, 0);
    sift_cursor_skip(&c, 1);
    ck_assert_ptr_null(sift_cursor_bytes(&c, SIZE_MAX - 0));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cursor");
    TCase *t = tcase_create("core");
    tcase_add_test(t, reads_each_width_in_both_orders);
    tcase_add_test(t, failure_is_sticky_and_advances_nothing);
    tcase_add_test(t, every_read_fails_at_every_short_length);
    tcase_add_test(t, bytes_give_views_without_copying);
    tcase_add_test(t, sub_cursor_cannot_see_past_its_length);
    tcase_add_test(t, sub_cursor_longer_than_parent_fails_both);
    tcase_add_test(t, rest_takes_everything_left);
    tcase_add_test(t, empty_and_null_cursors_are_safe);
    tcase_add_test(t, peek_looks_without_reading);
    tcase_add_test(t, huge_lengths_do_not_wrap);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
