/* SPDX-License-Identifier: MIT */
/* Unit tests of the link-type name table: well-known values, values where
 * LINKTYPE_ and DLT_ differ, and the lookup's edges. */
#include "check_main.h"
#include "pcapsift/linktype.h"

START_TEST(names_of_well_known_link_types)
{
    const struct {
        uint32_t value;
        const char *name;
    } cases[] = {
        {0, "NULL"},        {1, "EN10MB"},       {9, "PPP"},
        {12, "RAW"},        {101, "RAW"},        {104, "C_HDLC"},
        {105, "IEEE802_11"}, {108, "LOOP"},      {113, "LINUX_SLL"},
        {127, "IEEE802_11_RADIO"}, {147, "USER0"}, {162, "USER15"},
        {228, "IPV4"},      {229, "IPV6"},       {239, "NFLOG"},
        {276, "LINUX_SLL2"}, {281, "DSA_TAG_BRCM"}, {284, "DSA_TAG_DSA"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *n = sift_linktype_name(cases[i].value);
        ck_assert_ptr_nonnull(n);
        ck_assert_str_eq(n, cases[i].name);
        ck_assert_ptr_nonnull(sift_linktype_description(cases[i].value));
    }
}
END_TEST

START_TEST(unknown_values_have_no_name)
{
    ck_assert_ptr_null(sift_linktype_name(65535));
    ck_assert_ptr_null(sift_linktype_name(0x24000001u));
    ck_assert_ptr_null(sift_linktype_description(99999));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("linktype");
    TCase *t = tcase_create("names");
    tcase_add_test(t, names_of_well_known_link_types);
    tcase_add_test(t, unknown_values_have_no_name);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
