/* SPDX-License-Identifier: MIT */
/* Unit tests of the JA3 and JA4 client fingerprints: the published
 * examples of the salesforce/ja3 README and FoxIO's JA4.md, real
 * ClientHellos against tshark 4.0.17's JA3 and FoxIO's recorded JA4, and
 * the rules for GREASE (RFC 8701), SNI, ALPN, versions, counts and
 * buffer sizes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "tls_fingerprint.h"

struct u16s {
    const uint16_t *v;
    size_t n;
};
struct u8s {
    const uint8_t *v;
    size_t n;
};
struct bytes {
    const char *p; /* NULL: no ALPN extension */
    size_t n;
};

#define U16(...)                                                               \
    {                                                                          \
        (const uint16_t[]){__VA_ARGS__},                                       \
            sizeof((const uint16_t[]){__VA_ARGS__}) / sizeof(uint16_t)         \
    }
#define U8(...)                                                                \
    {                                                                          \
        (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}) \
    }
#define ALPN(s)                                                                \
    {                                                                          \
        s, sizeof s - 1                                                        \
    } /* the ProtocolNameList, no length */

/* A ClientHello as the fields tls_handshake.h keeps, and its expected
 * fingerprints (NULL: not checked). */
struct hello {
    const char *name;
    uint16_t legacy;
    struct u16s suites, exts, groups, sig_algs, versions;
    struct u8s point_formats;
    const char *sni;
    struct bytes alpn;
    bool quic;
    const char *ja3, *ja3_md5, *ja4, *ja4_r;
};

static void copy16(uint16_t *dst, size_t cap, const struct u16s *src,
                   size_t *count)
{
    ck_assert_uint_le(src->n, cap);
    if (src->n > 0)
        memcpy(dst, src->v, src->n * sizeof dst[0]);
    *count = src->n;
}

static void fill(struct tls_client_hello *h, const struct hello *c)
{
    memset(h, 0, sizeof *h);
    h->legacy_version = c->legacy;
    copy16(h->suites, TLS_MAX_SUITES, &c->suites, &h->suite_count);
    h->suite_total = h->suite_count;
    copy16(h->extensions, TLS_MAX_EXTENSIONS, &c->exts, &h->extension_count);
    h->extension_total = h->extension_count;
    copy16(h->groups, TLS_MAX_GROUPS, &c->groups, &h->group_count);
    copy16(h->sig_algs, TLS_MAX_SIGALGS, &c->sig_algs, &h->sig_alg_count);
    copy16(h->versions, TLS_MAX_HELLO_VERSIONS, &c->versions,
           &h->version_count);
    ck_assert_uint_le(c->point_formats.n, TLS_MAX_POINT_FORMATS);
    if (c->point_formats.n > 0)
        memcpy(h->point_formats, c->point_formats.v, c->point_formats.n);
    h->point_format_count = c->point_formats.n;
    if (c->sni != NULL) {
        size_t n = strlen(c->sni);
        ck_assert_uint_lt(n, sizeof h->sni);
        memcpy(h->sni, c->sni, n + 1);
        h->has_sni = true;
    }
    if (c->alpn.p != NULL) {
        ck_assert_uint_le(c->alpn.n, TLS_MAX_ALPN);
        memcpy(h->alpn, c->alpn.p, c->alpn.n);
        h->alpn_len = c->alpn.n;
        h->has_alpn = true;
    }
}

/* Every fingerprint of h that c expects. */
static void expect(const struct tls_client_hello *h, const struct hello *c)
{
    char ja3[TLS_JA3_MAX], md5[TLS_JA3_HASH_SIZE], ja4[TLS_JA4_SIZE];
    char raw[TLS_JA4_RAW_MAX];
    size_t n = tls_ja3(h, ja3, sizeof ja3);
    ck_assert_uint_eq(n, strlen(ja3));
    if (c->ja3 != NULL)
        ck_assert_msg(strcmp(ja3, c->ja3) == 0, "%s: ja3 %s", c->name, ja3);
    tls_ja3_hash(ja3, md5);
    if (c->ja3_md5 != NULL)
        ck_assert_msg(strcmp(md5, c->ja3_md5) == 0, "%s: md5 %s", c->name, md5);
    tls_ja4(h, c->quic, ja4);
    ck_assert_uint_eq(strlen(ja4), TLS_JA4_SIZE - 1);
    if (c->ja4 != NULL)
        ck_assert_msg(strcmp(ja4, c->ja4) == 0, "%s: ja4 %s", c->name, ja4);
    n = tls_ja4_raw(h, c->quic, raw, sizeof raw);
    ck_assert_uint_eq(n, strlen(raw));
    if (c->ja4_r != NULL)
        ck_assert_msg(strcmp(raw, c->ja4_r) == 0, "%s: ja4_r %s", c->name, raw);
    /* JA4_a is the head of both forms */
    ck_assert(strncmp(ja4, raw, 11) == 0);
}

static void check_hello(const struct hello *c)
{
    struct tls_client_hello h;
    fill(&h, c);
    expect(&h, c);
}

/* --- published examples ----------------------------------------------- */

/* salesforce/ja3 README, "How it works": two strings and their MD5. */
static const struct hello ja3_readme[] = {
    {
        .name = "readme_1",
        .legacy = 769,
        .suites = U16(47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4),
        .exts = U16(0, 10, 11),
        .groups = U16(23, 24, 25),
        .point_formats = U8(0),
        .ja3 = "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,"
               "23-24-25,0",
        .ja3_md5 = "ada70206e40642a3e4461f35503241d5",
    },
    {
        .name = "readme_2",
        .legacy = 769,
        .suites = U16(4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99),
        .ja3 = "769,4-5-10-9-100-98-3-6-19-18-99,,,",
        .ja3_md5 = "de350869b8c85de67a350c8d186f11e6",
    },
};

START_TEST(ja3_readme_examples)
{
    for (size_t i = 0; i < sizeof ja3_readme / sizeof ja3_readme[0]; i++)
        check_hello(&ja3_readme[i]);
}
END_TEST

START_TEST(md5_test_vectors)
{
    /* RFC 1321 §A.5 */
    char md5[TLS_JA3_HASH_SIZE];
    tls_ja3_hash("", md5);
    ck_assert_str_eq(md5, "d41d8cd98f00b204e9800998ecf8427e");
    tls_ja3_hash("abc", md5);
    ck_assert_str_eq(md5, "900150983cd24fb0d6963f7d28e17f72");
    tls_ja3_hash("message digest", md5);
    ck_assert_str_eq(md5, "f96b697d7cb7938d525a2f31aaf161d0");
}
END_TEST

/* JA4.md "Example" and "Raw Output": the lists of the spec in the order
 * it gives them as wire order. */
static const struct hello ja4_spec = {
    .name = "ja4_spec",
    .legacy = 0x0303,
    .suites =
        U16(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
            0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035),
    .exts = U16(0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
                0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015),
    .sig_algs =
        U16(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601),
    .versions = U16(0x0304),
    .sni = "example.com",
    .alpn = ALPN("\x02h2"),
    .ja4 = "t13d1516h2_8daaf6152771_e5627efa2ab1",
    .ja4_r = "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
             "c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,"
             "001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,"
             "0501,0806,0601",
};

static void ja4_of(const struct tls_client_hello *h, char out[TLS_JA4_SIZE])
{
    tls_ja4(h, false, out);
}

START_TEST(ja4_spec_example)
{
    check_hello(&ja4_spec);
    /* "If there are no signature algorithms in the hello packet, then the
     * string ends without an underscore": = 6d807ffa2a79 */
    struct tls_client_hello h;
    fill(&h, &ja4_spec);
    h.sig_alg_count = 0;
    char ja4[TLS_JA4_SIZE], raw[TLS_JA4_RAW_MAX];
    ja4_of(&h, ja4);
    ck_assert_str_eq(ja4, "t13d1516h2_8daaf6152771_6d807ffa2a79");
    tls_ja4_raw(&h, false, raw, sizeof raw);
    ck_assert_str_eq(raw, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,"
                          "c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,"
                          "000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,"
                          "4469,ff01");
    /* the same hello over QUIC */
    fill(&h, &ja4_spec);
    tls_ja4(&h, true, ja4);
    ck_assert_str_eq(ja4, "q13d1516h2_8daaf6152771_e5627efa2ab1");
}
END_TEST

/* --- real ClientHellos ------------------------------------------------ */

/* Fields read with tshark 4.0.17 (-T json -x, the handshake bytes parsed
 * by a throwaway script and checked against tshark's own fields). JA3
 * and its MD5 are tshark's tls.handshake.ja3_full and tls.handshake.ja3.
 * JA4 "recorded" is FoxIO's expected output for that capture in its
 * repository; "computed" was worked out from JA4.md by a throwaway
 * Python script (hashlib) outside this repository, which reproduces every
 * recorded JA4 of FoxIO's captures (but see foxio_non_ascii_alpn_1). */
static const struct hello real[] = {
    /* testdata/http/real/tls.pcap frame 4 (TLS 1.3, no SNI, ALPN http/1.1).
     * JA3: tshark 4.0.17; JA4: computed. */
    {
        .name = "tls_pcap_4",
        .legacy = 0x0303,
        .suites = U16(0x1302, 0x1303, 0x1301, 0x00ff),
        .exts = U16(0x000b, 0x000a, 0x0010, 0x0016, 0x0017, 0x0031, 0x000d,
                    0x002b, 0x002d, 0x0033),
        .groups = U16(0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101,
                      0x0102, 0x0103, 0x0104),
        .point_formats = U8(0, 1, 2),
        .sig_algs = U16(0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
                        0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601),
        .versions = U16(0x0304),
        .sni = NULL,
        .alpn = ALPN("\x08http/1.1"),
        .quic = false,
        .ja3 = "771,4866-4867-4865-255,11-10-16-22-23-49-13-43-45-51,29-23-30-"
               "25-24-256-257-258-259-260,0-1-2",
        .ja3_md5 = "c9c1eed92382442399b8d87cbe8a6779",
        .ja4 = "t13i0410h1_16476d049b0b_303c7117418d",
        .ja4_r =
            "t13i0410h1_00ff,1301,1302,1303_000a,000b,000d,0016,0017,"
            "002b,002d,0031,0033_0403,0503,0603,0807,0808,0809,080a,080b,0804,"
            "0805,0806,0401,0501,0601",
    },
    /* testdata/http/real/tls.pcap frame 21 (TLS 1.2, no
     * supported_versions). JA3: tshark 4.0.17; JA4: computed. */
    {
        .name = "tls_pcap_21",
        .legacy = 0x0303,
        .suites = U16(0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b,
                      0xc02f, 0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027,
                      0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013, 0x0033,
                      0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff),
        .exts = U16(0x000b, 0x000a, 0x0010, 0x0016, 0x0017, 0x000d),
        .groups = U16(0x001d, 0x0017, 0x001e, 0x0019, 0x0018),
        .point_formats = U8(0, 1, 2),
        .sig_algs = U16(0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
                        0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                        0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602),
        .versions = {0},
        .sni = NULL,
        .alpn = ALPN("\x08http/1.1"),
        .quic = false,
        .ja3 =
            "771,49196-49200-159-52393-52392-52394-49195-49199-158-49188-"
            "49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-156-"
            "61-60-53-47-255,11-10-16-22-23-13,29-23-30-25-24,0-1-2",
        .ja3_md5 = "a800670a9e75f9768d052dd7f0be5728",
        .ja4 = "t12i2806h1_d943125447b4_a44c6288192a",
        .ja4_r =
            "t12i2806h1_002f,0033,0035,0039,003c,003d,0067,006b,009c,"
            "009d,009e,009f,00ff,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,"
            "c02c,c02f,c030,cca8,cca9,ccaa_000a,000b,000d,0016,0017_0403,0503,"
            "0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,"
            "0301,0302,0402,0502,0602",
    },
    /* ../shared/corpus/wireshark/test/captures/tls12-chacha20poly1305.pcap
     * frame 1 (SNI is an IP literal, no ALPN). JA3: tshark 4.0.17; JA4:
     * computed. */
    {
        .name = "chacha_1",
        .legacy = 0x0303,
        .suites = U16(0xcca9, 0x00ff),
        .exts = U16(0x0000, 0x000b, 0x000a, 0x000d, 0x0016, 0x0017),
        .groups = U16(0x001d, 0x0017, 0x0019, 0x0018),
        .point_formats = U8(0, 1, 2),
        .sig_algs =
            U16(0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
                0x0601, 0x0203, 0x0201, 0x0202, 0x0402, 0x0502, 0x0602),
        .versions = {0},
        .sni = "10.42.0.243",
        .quic = false,
        .ja3 = "771,52393-255,0-11-10-13-22-23,29-23-25-24,0-1-2",
        .ja3_md5 = "acecd15ecdc41cb4485d8cb284939d9a",
        .ja4 = "t12d020600_14e71d778212_c7db0b12fca1",
        .ja4_r =
            "t12d020600_00ff,cca9_000a,000b,000d,0016,0017_0403,0503,"
            "0603,0804,0805,0806,0401,0501,0601,0203,0201,0202,0402,0502,0602",
    },
    /* ../shared/corpus/arkime/tests/pcap/ssl-selfsign.pcap frame 5 (SSL
     * 3.0, no extensions). JA3: tshark 4.0.17; JA4: computed. */
    {
        .name = "sslv3_5",
        .legacy = 0x0300,
        .suites =
            U16(0x0039, 0x0038, 0x0035, 0x0016, 0x0013, 0x000a, 0x0033, 0x0032,
                0x002f, 0x009a, 0x0099, 0x0096, 0x0005, 0x0004, 0x0015, 0x0012,
                0x0009, 0x0014, 0x0011, 0x0008, 0x0006, 0x0003, 0x00ff),
        .exts = {0},
        .groups = {0},
        .point_formats = {0},
        .sig_algs = {0},
        .versions = {0},
        .sni = NULL,
        .quic = false,
        .ja3 = "768,57-56-53-22-19-10-51-50-47-154-153-150-5-4-21-18-9-20-17-"
               "8-6-3-255,,,",
        .ja3_md5 = "03e697d7655911e630ee3ee8e2a02ba4",
        .ja4 = "ts3i230000_6a57a6f57151_000000000000",
        .ja4_r =
            "ts3i230000_0003,0004,0005,0006,0008,0009,000a,0011,0012,"
            "0013,0014,0015,0016,002f,0032,0033,0035,0038,0039,0096,0099,009a,"
            "00ff_",
    },
    /* ../shared/corpus/suricata-verify/tests/base64-decode-5885/input.pcap
     * frame 29 (Chrome: GREASE suite, extensions, group and version). JA3:
     * tshark 4.0.17; JA4: computed. */
    {
        .name = "chrome_grease_29",
        .legacy = 0x0303,
        .suites =
            U16(0xeaea, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035),
        .exts = U16(0x3a3a, 0x0000, 0x0017, 0xff01, 0x000a, 0x000b, 0x0023,
                    0x0010, 0x0005, 0x000d, 0x0012, 0x0033, 0x002d, 0x002b,
                    0x001b, 0x0a0a, 0x0015),
        .groups = U16(0xbaba, 0x001d, 0x0017, 0x0018),
        .point_formats = U8(0),
        .sig_algs =
            U16(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601),
        .versions = U16(0x2a2a, 0x0304, 0x0303, 0x0302, 0x0301),
        .sni = "redirect.viglink.com",
        .alpn = ALPN("\x02h2\x08http/1.1"),
        .quic = false,
        .ja3 = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
               "49172-156-157-47-53,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-"
               "21,29-23-24,0",
        .ja3_md5 = "b32309a26951912be7dba376398abc3b",
        .ja4 = "t13d1515h2_8daaf6152771_de4a06bb82e3",
        .ja4_r =
            "t13d1515h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,"
            "c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,"
            "001b,0023,002b,002d,0033,ff01_0403,0804,0401,0503,0805,0501,0806,"
            "0601",
    },
    /* ../shared/corpus/wireshark/test/captures/tls13-rfc8446.pcap frame 1
     * (supported_versions 0x0304 and drafts 0x7f1c, 0x7f17: the highest
     * value, a draft, is "00"). JA3: tshark 4.0.17; JA4: computed. */
    {
        .name = "rfc8446_drafts_1",
        .legacy = 0x0303,
        .suites = U16(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                      0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c,
                      0x009d, 0x002f, 0x0035, 0x000a),
        .exts = U16(0xff01, 0x0017, 0x0023, 0x000d, 0x000b, 0x0033, 0x002d,
                    0x002b, 0x000a),
        .groups = U16(0x001d, 0x0017, 0x0018),
        .point_formats = U8(0),
        .sig_algs = U16(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
                        0x0601, 0x0201),
        .versions = U16(0x0304, 0x7f1c, 0x7f17, 0x0303, 0x0302, 0x0301),
        .sni = NULL,
        .quic = false,
        .ja3 =
            "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49161-"
            "49171-49162-49172-156-157-47-53-10,65281-23-35-13-11-51-45-43-10,"
            "29-23-24,0",
        .ja3_md5 = "25bd5fc6fcc031c1c87f93613e0252ce",
        .ja4 = "t00i180900_e8a523a41297_78e6aca7449b",
        .ja4_r =
            "t00i180900_000a,002f,0035,009c,009d,1301,1302,1303,c009,"
            "c00a,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_000a,000b,000d,0017,"
            "0023,002b,002d,0033,ff01_0403,0804,0401,0503,0805,0501,0806,0601,"
            "0201",
    },
    /* FoxIO ja4 pcap/tls12.pcap frame 1 (Firefox; delegated_credentials has
     * signature algorithms of its own, not counted). JA3: tshark 4.0.17;
     * JA4 and JA4_r: recorded in python/test/testdata/tls12.pcap.json. */
    {
        .name = "foxio_tls12_1",
        .legacy = 0x0303,
        .suites = U16(0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8,
                      0xc02c, 0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c,
                      0x009d, 0x002f, 0x0035),
        .exts =
            U16(0x0000, 0x0017, 0xff01, 0x000a, 0x000b, 0x0023, 0x0010, 0x0005,
                0x0022, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c, 0x0015),
        .groups = U16(0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101),
        .point_formats = U8(0),
        .sig_algs = U16(0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401,
                        0x0501, 0x0601, 0x0203, 0x0201),
        .versions = U16(0x0304, 0x0303),
        .sni = "contile.services.mozilla.com",
        .alpn = ALPN("\x02h2\x08http/1.1"),
        .quic = false,
        .ja3 = "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-"
               "49161-49171-49172-156-157-47-53,0-23-65281-10-11-35-16-5-34-51-"
               "43-13-45-28-21,29-23-24-25-256-257,0",
        .ja3_md5 = "579ccef312d18482fc42e2b822ca2430",
        .ja4 = "t13d1715h2_5b57614c22b0_3d5424432f57",
        .ja4_r =
            "t13d1715h2_002f,0035,009c,009d,1301,1302,1303,c009,c00a,"
            "c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0015,"
            "0017,001c,0022,0023,002b,002d,0033,ff01_0403,0503,0603,0804,0805,"
            "0806,0401,0501,0601,0203,0201",
    },
    /* FoxIO ja4 pcap/https3-301-get.pcap frame 4 (TLS 1.0, SNI the only
     * extension: JA4_c is zeros and JA4_r ends in '_'). JA3: tshark
     * 4.0.17; JA4 and JA4_r: recorded in
     * python/test/testdata/https3-301-get.pcap.json. */
    {
        .name = "foxio_https3_4",
        .legacy = 0x0301,
        .suites =
            U16(0x0039, 0x0038, 0x0035, 0x0016, 0x0013, 0x000a, 0x0033, 0x0032,
                0x002f, 0x009a, 0x0099, 0x0096, 0x0005, 0x0004, 0x0015, 0x0012,
                0x0009, 0x0014, 0x0011, 0x0008, 0x0006, 0x0003, 0x00ff),
        .exts = U16(0x0000),
        .groups = {0},
        .point_formats = {0},
        .sig_algs = {0},
        .versions = {0},
        .sni = "www.github.com",
        .quic = false,
        .ja3 = "769,57-56-53-22-19-10-51-50-47-154-153-150-5-4-21-18-9-20-17-"
               "8-6-3-255,0,,",
        .ja3_md5 = "06a92bf69b367389d2feb0d70501ddfe",
        .ja4 = "t10d230100_6a57a6f57151_000000000000",
        .ja4_r =
            "t10d230100_0003,0004,0005,0006,0008,0009,000a,0011,0012,"
            "0013,0014,0015,0016,002f,0032,0033,0035,0038,0039,0096,0099,009a,"
            "00ff_",
    },
    /* FoxIO ja4 pcap/tls-alpn-h2.pcap frame 4 (46 suites; signature
     * algorithms 0xefef, 0xeeee, 0xeded are not GREASE). JA3: tshark
     * 4.0.17; JA4 and JA4_r: recorded in
     * python/test/testdata/tls-alpn-h2.pcap.json. */
    {
        .name = "foxio_alpn_h2_4",
        .legacy = 0x0303,
        .suites =
            U16(0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x009f, 0x006b,
                0x0039, 0xcca9, 0xcca8, 0xccaa, 0xff85, 0x00c4, 0x0088, 0x0081,
                0x009d, 0x003d, 0x0035, 0x00c0, 0x0084, 0xc02f, 0xc02b, 0xc027,
                0xc023, 0xc013, 0xc009, 0x009e, 0x0067, 0x0033, 0x00be, 0x0045,
                0x009c, 0x003c, 0x002f, 0x00ba, 0x0041, 0xc011, 0xc007, 0x0005,
                0x0004, 0xc012, 0xc008, 0x0016, 0x000a, 0x00ff),
        .exts = U16(0x0000, 0x000b, 0x000a, 0x000d, 0x0010),
        .groups = U16(0x001d, 0x0017, 0x0018),
        .point_formats = U8(0),
        .sig_algs = U16(0x0601, 0x0603, 0xefef, 0x0501, 0x0503, 0x0401, 0x0403,
                        0xeeee, 0xeded, 0x0301, 0x0303, 0x0201, 0x0203),
        .versions = {0},
        .sni = "www.cloudflare.com",
        .alpn = ALPN("\x02h2\x08http/1.1"),
        .quic = false,
        .ja3 =
            "771,49200-49196-49192-49188-49172-49162-159-107-57-52393-"
            "52392-52394-65413-196-136-129-157-61-53-192-132-49199-49195-"
            "49191-49187-49171-49161-158-103-51-190-69-156-60-47-186-65-49169-"
            "49159-5-4-49170-49160-22-10-255,0-11-10-13-16,29-23-24,0",
        .ja3_md5 = "3faa4ad39f690c4ef1c3160caa375465",
        .ja4 = "t12d4605h2_85626a9a5f7f_aaf95bb78ec9",
        .ja4_r =
            "t12d4605h2_0004,0005,000a,0016,002f,0033,0035,0039,003c,"
            "003d,0041,0045,0067,006b,0081,0084,0088,009c,009d,009e,009f,00ba,"
            "00be,00c0,00c4,00ff,c007,c008,c009,c00a,c011,c012,c013,c014,c023,"
            "c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa,ff85_000a,000b,"
            "000d_0601,0603,efef,0501,0503,0401,0403,eeee,eded,0301,0303,0201,"
            "0203",
    },
    /* FoxIO ja4 pcap/quic-tls-handshake.pcapng frame 1 (QUIC Initial). JA3:
     * tshark 4.0.17; JA4: recorded in
     * rust/ja4/src/snapshots/ja4__insta@quic-tls-handshake.pcapng.snap;
     * JA4_r: computed. */
    {
        .name = "foxio_quic_1",
        .legacy = 0x0303,
        .suites = U16(0x1301, 0x1302, 0x1303),
        .exts = U16(0x002d, 0x001b, 0x4469, 0x000d, 0x002b, 0x0000, 0x000a,
                    0x0039, 0x0010, 0x0033),
        .groups = U16(0x001d, 0x0017, 0x0018),
        .point_formats = {0},
        .sig_algs = U16(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
                        0x0601, 0x0201),
        .versions = U16(0x0304),
        .sni = "www.google.com",
        .alpn = ALPN("\x02h3"),
        .quic = true,
        .ja3 = "771,4865-4866-4867,45-27-17513-13-43-0-10-57-16-51,29-23-24,",
        .ja3_md5 = "0cda1bd7f270e894ed5de2af2f06cb80",
        .ja4 = "q13d0310h3_55b375c5d22e_cd85d2d88918",
        .ja4_r = "q13d0310h3_1301,1302,1303_000a,000d,001b,002b,002d,0033,"
                 "0039,4469_0403,0804,0401,0503,0805,0501,0806,0601,0201",
    },
    /* FoxIO ja4 pcap/tls-non-ascii-alpn.pcapng frame 1: the first ALPN
     * name is the bytes 0xba 0xad. JA3: tshark 4.0.17. JA4: computed, "bd"
     * by JA4.md's hex rule (its revision of August 2024); FoxIO's recorded
     * output (python/test/testdata/tls-non-ascii-alpn.pcapng.json, and
     * its Rust and Wireshark tools) still says "99", the older rule. */
    {
        .name = "foxio_non_ascii_alpn_1",
        .legacy = 0x0303,
        .suites =
            U16(0xaaaa, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035),
        .exts = U16(0x9a9a, 0xff01, 0x0033, 0x002d, 0x0005, 0x4469, 0x000d,
                    0x0010, 0x0023, 0x001b, 0x002b, 0x0000, 0x0012, 0x000a,
                    0x0017, 0x000b, 0x6a6a, 0x0015),
        .groups = U16(0x0a0a, 0x001d, 0x0017, 0x0018),
        .point_formats = U8(0),
        .sig_algs =
            U16(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601),
        .versions = U16(0x0a0a, 0x0304, 0x0303),
        .sni = "clientservices.googleapis.com",
        .alpn = ALPN("\x02\xba\xad\x08http/1.1"),
        .quic = false,
        .ja3 = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
               "49172-156-157-47-53,65281-51-45-5-17513-13-16-35-27-43-0-18-10-"
               "23-11-21,29-23-24,0",
        .ja3_md5 = "1c258ebef8eee2dfa3df6d8d07285af9",
        .ja4 = "t13d1516bd_8daaf6152771_e5627efa2ab1",
        .ja4_r =
            "t13d1516bd_002f,0035,009c,009d,1301,1302,1303,c013,c014,"
            "c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,"
            "001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,"
            "0806,0601",
    },
};

START_TEST(real_hellos)
{
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
        check_hello(&real[i]);
}
END_TEST

/* --- GREASE ------------------------------------------------------------ */

/* RFC 8701 §2 */
static const uint16_t grease_values[16] = {
    0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
    0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa,
};

/* Puts g first, in the middle and last of a list. */
static void add_grease(uint16_t *v, size_t *count, size_t cap, uint16_t g)
{
    uint16_t tmp[TLS_MAX_SUITES];
    size_t n = *count, m = 0;
    ck_assert_uint_le(n + 3, cap);
    tmp[m++] = g;
    for (size_t i = 0; i < n; i++) {
        if (i == n / 2)
            tmp[m++] = g;
        tmp[m++] = v[i];
    }
    if (n == 0)
        tmp[m++] = g;
    tmp[m++] = g;
    memcpy(v, tmp, m * sizeof v[0]);
    *count = m;
}

static void grease_everything(struct tls_client_hello *h, uint16_t g)
{
    add_grease(h->suites, &h->suite_count, TLS_MAX_SUITES, g);
    h->suite_total = h->suite_count;
    add_grease(h->extensions, &h->extension_count, TLS_MAX_EXTENSIONS, g);
    h->extension_total = h->extension_count;
    add_grease(h->groups, &h->group_count, TLS_MAX_GROUPS, g);
    add_grease(h->sig_algs, &h->sig_alg_count, TLS_MAX_SIGALGS, g);
    /* above 0x0304: must not be taken as the highest version */
    add_grease(h->versions, &h->version_count, TLS_MAX_HELLO_VERSIONS, g);
}

START_TEST(grease_is_ignored_everywhere)
{
    /* Every GREASE value in every list of every hello above changes none
     * of their expected fingerprints. */
    for (size_t k = 0; k < 16; k++) {
        struct tls_client_hello h;
        fill(&h, &ja4_spec);
        grease_everything(&h, grease_values[k]);
        expect(&h, &ja4_spec);
        for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
            fill(&h, &real[i]);
            grease_everything(&h, grease_values[k]);
            expect(&h, &real[i]);
        }
    }
}
END_TEST

START_TEST(grease_lookalikes_are_kept)
{
    static const uint16_t near[] = {0x0a1a, 0x1a0a, 0x0b0b, 0xaaab,
                                    0x0a0b, 0xa0a0, 0xabab, 0x0a00};
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
        struct tls_client_hello h;
        fill(&h, &ja4_spec);
        h.suites[h.suite_count++] = near[i];
        h.suite_total = h.suite_count;
        char ja4[TLS_JA4_SIZE], ja3[TLS_JA3_MAX], dec[8];
        ja4_of(&h, ja4);
        ck_assert_msg(strncmp(ja4, "t13d1616h2_", 11) == 0, "%04x: %s", near[i],
                      ja4);
        tls_ja3(&h, ja3, sizeof ja3);
        snprintf(dec, sizeof dec, "-%u,", (unsigned)near[i]);
        ck_assert_msg(strstr(ja3, dec) != NULL, "%04x: %s", near[i], ja3);
    }
}
END_TEST

/* --- JA4_a: SNI, ALPN, version, counts -------------------------------- */

static void remove_ext(struct tls_client_hello *h, uint16_t type)
{
    size_t m = 0;
    for (size_t i = 0; i < h->extension_count; i++)
        if (h->extensions[i] != type)
            h->extensions[m++] = h->extensions[i];
    h->extension_count = h->extension_total = m;
}

START_TEST(sni_absent_is_i)
{
    /* SNI counts as an extension but is not in JA4_c (JA4.md
     * "Extension hash"): only the head changes. */
    struct tls_client_hello h;
    char ja4[TLS_JA4_SIZE];
    fill(&h, &ja4_spec);
    remove_ext(&h, TLS_EXT_SERVER_NAME);
    h.has_sni = false;
    ja4_of(&h, ja4);
    ck_assert_str_eq(ja4, "t13i1515h2_8daaf6152771_e5627efa2ab1");
    /* "If the SNI extension (0x0000) exists": d, whatever its content */
    fill(&h, &ja4_spec);
    h.has_sni = false;
    ja4_of(&h, ja4);
    ck_assert_str_eq(ja4, ja4_spec.ja4);
    /* a host name kept though the extension is past the kept types */
    remove_ext(&h, TLS_EXT_SERVER_NAME);
    h.extension_total++;
    h.has_sni = true;
    ja4_of(&h, ja4);
    ck_assert_str_eq(ja4, ja4_spec.ja4);
}
END_TEST

START_TEST(alpn_absent_is_00)
{
    struct tls_client_hello h;
    char ja4[TLS_JA4_SIZE];
    fill(&h, &ja4_spec);
    remove_ext(&h, TLS_EXT_ALPN);
    h.has_alpn = false;
    h.alpn_len = 0;
    ja4_of(&h, ja4);
    ck_assert_str_eq(ja4, "t13d151500_8daaf6152771_e5627efa2ab1");
}
END_TEST

/* JA4.md "ALPN Extension Value", its examples first. */
static const struct {
    struct bytes list;
    const char *expect;
} alpn_cases[] = {
    {ALPN("\x02h2"), "h2"},
    {ALPN("\x08http/1.1"), "h1"},
    {ALPN("\x02h3"), "h3"},
    {ALPN("\x01\xab"), "ab"},
    {ALPN("\x01\x20"), "20"},
    {ALPN("\x02\xab\xcd"), "ad"},
    {ALPN("\x02\x20\x61"), "21"},
    {ALPN("\x02\x30\xab"), "3b"},
    {ALPN("\x02\x61\x20"), "60"},
    {ALPN("\x04\x30\x31\xab\xcd"), "3d"},
    {ALPN("\x04\x30\xab\xcd\x31"), "01"},
    /* a single character is both first and last */
    {ALPN("\001a"), "aa"},
    {ALPN("\0017"), "77"},
    /* only the first name counts */
    {ALPN("\x08http/1.1\x02h2"), "h1"},
    {ALPN("\x02h2\x08http/1.1"), "h2"},
    {ALPN("\x06spdy/3\x08http/1.1"), "s3"},
    {ALPN("\x02H2"), "H2"},
    /* UTF-8 "é": neither byte is ASCII */
    {ALPN("\x02\xc3\xa9"), "c9"},
    /* '-' is not alphanumeric: hex "61636d652d" */
    {ALPN("\005acme-"), "6d"},
    /* no names, an empty first name, a first name past the list */
    {ALPN(""), "00"},
    {ALPN("\x00\x02h2"), "00"},
    {ALPN("\x05h2"), "00"},
};

START_TEST(alpn_first_and_last)
{
    for (size_t i = 0; i < sizeof alpn_cases / sizeof alpn_cases[0]; i++) {
        struct hello c = ja4_spec;
        c.alpn = alpn_cases[i].list;
        struct tls_client_hello h;
        fill(&h, &c);
        char ja4[TLS_JA4_SIZE];
        ja4_of(&h, ja4);
        ck_assert_msg(strncmp(ja4 + 8, alpn_cases[i].expect, 2) == 0,
                      "case %zu: %s", i, ja4);
        ck_assert_str_eq(ja4 + 10, ja4_spec.ja4 + 10);
    }
}
END_TEST

/* A 255-byte first name at the end of a list of 512 bytes. */
START_TEST(alpn_longest_name)
{
    struct tls_client_hello h;
    fill(&h, &ja4_spec);
    memset(h.alpn, 'x', sizeof h.alpn);
    h.alpn[0] = 255;
    h.alpn[1] = 'A';
    h.alpn[255] = '9';
    h.alpn_len = sizeof h.alpn;
    char ja4[TLS_JA4_SIZE];
    ja4_of(&h, ja4);
    ck_assert(strncmp(ja4 + 8, "A9", 2) == 0);
    h.alpn_len = 255; /* the name runs one byte past what was kept */
    ja4_of(&h, ja4);
    ck_assert(strncmp(ja4 + 8, "00", 2) == 0);
}
END_TEST

/* JA4.md "TLS and DTLS Version". */
static const struct {
    uint16_t legacy;
    struct u16s versions;
    const char *expect;
} version_cases[] = {
    {0x0303, {0}, "12"},
    {0x0302, {0}, "11"},
    {0x0301, {0}, "10"},
    {0x0300, {0}, "s3"},
    {0x0002, {0}, "s2"},
    {0xfeff, {0}, "d1"},
    {0xfefd, {0}, "d2"},
    {0xfefc, {0}, "d3"},
    {0x0305, {0}, "00"},
    {0x0000, {0}, "00"},
    /* supported_versions wins over the legacy version */
    {0x0303, U16(0x0304, 0x0303), "13"},
    {0x0303, U16(0x0303, 0x0304), "13"},
    {0x0301, U16(0x0303), "12"},
    {0x0303, U16(0x0302, 0x0301), "11"},
    /* GREASE is skipped; only GREASE leaves the legacy version */
    {0x0303, U16(0xfafa, 0x0304), "13"},
    {0x0303, U16(0x7a7a), "12"},
    /* the highest value, even when it is a draft (tls13-rfc8446.pcap) */
    {0x0303, U16(0x0304, 0x7f1c, 0x7f17), "00"},
};

START_TEST(version_rules)
{
    for (size_t i = 0; i < sizeof version_cases / sizeof version_cases[0];
         i++) {
        struct hello c = ja4_spec;
        c.legacy = version_cases[i].legacy;
        c.versions = version_cases[i].versions;
        struct tls_client_hello h;
        fill(&h, &c);
        char ja4[TLS_JA4_SIZE];
        ja4_of(&h, ja4);
        ck_assert_msg(strncmp(ja4 + 1, version_cases[i].expect, 2) == 0,
                      "case %zu: %s", i, ja4);
    }
}
END_TEST

/* A hello with n distinct ciphers and m distinct extensions (never SNI
 * or ALPN), nothing else. */
static void counted(struct tls_client_hello *h, size_t n, size_t m)
{
    memset(h, 0, sizeof *h);
    h->legacy_version = 0x0303;
    for (size_t i = 0; i < n; i++)
        h->suites[i] = (uint16_t)(0x0100 + i);
    for (size_t i = 0; i < m; i++)
        h->extensions[i] = (uint16_t)(0x0100 + i);
    h->suite_count = h->suite_total = n;
    h->extension_count = h->extension_total = m;
}

START_TEST(counts_are_two_digits_capped_at_99)
{
    static const struct {
        size_t suites, exts;
        const char *expect;
    } cases[] = {
        {0, 0, "0000"},    {9, 1, "0901"},     {10, 99, "1099"},
        {99, 100, "9999"}, {100, 128, "9999"}, {150, 5, "9905"},
        {256, 0, "9900"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tls_client_hello h;
        counted(&h, cases[i].suites, cases[i].exts);
        char ja4[TLS_JA4_SIZE], raw[TLS_JA4_RAW_MAX];
        ja4_of(&h, ja4);
        ck_assert_msg(strncmp(ja4 + 4, cases[i].expect, 4) == 0, "case %zu: %s",
                      i, ja4);
        /* the lists themselves are not capped */
        size_t n = tls_ja4_raw(&h, false, raw, sizeof raw);
        size_t lists = (cases[i].suites ? cases[i].suites * 5 - 1 : 0) +
                       (cases[i].exts ? cases[i].exts * 5 - 1 : 0);
        ck_assert_uint_eq(n, 10 + 2 + lists);
    }
    /* values past the kept ones count (as not GREASE) */
    struct tls_client_hello h;
    counted(&h, 4, 10);
    h.suite_total = 7;
    h.extension_total = 13;
    char ja4[TLS_JA4_SIZE];
    ja4_of(&h, ja4);
    ck_assert(strncmp(ja4 + 4, "0713", 4) == 0);
}
END_TEST

/* --- empty lists ------------------------------------------------------- */

START_TEST(empty_lists)
{
    /* JA3 keeps its commas (README: "the fields are left empty"); JA4_b
     * and JA4_c are twelve zeros for an empty list (JA4.md "Cipher hash",
     * "Extension hash"). The MD5 is Python hashlib's of "771,,,,". */
    static const struct hello empty = {
        .name = "empty",
        .legacy = 0x0303,
        .ja3 = "771,,,,",
        .ja3_md5 = "bddda940f9963577c41d7c28b1a5f65f",
        .ja4 = "t12i000000_000000000000_000000000000",
        .ja4_r = "t12i000000__",
    };
    check_hello(&empty);
    /* lists of GREASE alone are empty lists */
    struct tls_client_hello h;
    fill(&h, &empty);
    grease_everything(&h, 0x2a2a);
    h.point_format_count = 0;
    expect(&h, &empty);
    /* SNI and ALPN alone: counted, but JA4_c is still empty */
    fill(&h, &empty);
    h.extensions[0] = TLS_EXT_SERVER_NAME;
    h.extensions[1] = TLS_EXT_ALPN;
    h.extension_count = h.extension_total = 2;
    char ja4[TLS_JA4_SIZE], raw[TLS_JA4_RAW_MAX];
    ja4_of(&h, ja4);
    ck_assert_str_eq(ja4, "t12d000200_000000000000_000000000000");
    tls_ja4_raw(&h, false, raw, sizeof raw);
    ck_assert_str_eq(raw, "t12d000200__");
}
END_TEST

/* --- sizes ------------------------------------------------------------- */

/* Every list at its cap with the widest values that are not GREASE. */
static void fill_caps(struct tls_client_hello *h, size_t over)
{
    memset(h, 0, sizeof *h);
    h->legacy_version = 0xffff;
    for (size_t i = 0; i < TLS_MAX_SUITES; i++)
        h->suites[i] = (uint16_t)(0xc000 + i);
    for (size_t i = 0; i < TLS_MAX_EXTENSIONS; i++)
        h->extensions[i] = (uint16_t)(0xd000 + i);
    for (size_t i = 0; i < TLS_MAX_GROUPS; i++)
        h->groups[i] = (uint16_t)(0xe000 + i);
    for (size_t i = 0; i < TLS_MAX_SIGALGS; i++)
        h->sig_algs[i] = (uint16_t)(0xf000 + i);
    for (size_t i = 0; i < TLS_MAX_HELLO_VERSIONS; i++)
        h->versions[i] = 0x0304;
    memset(h->point_formats, 255, sizeof h->point_formats);
    memset(h->alpn, 'z', sizeof h->alpn);
    h->alpn[0] = 255;
    h->has_alpn = h->has_sni = true;
    /* counts past the arrays (a corrupt struct) read only the arrays */
    h->suite_count = h->suite_total = TLS_MAX_SUITES + over;
    h->extension_count = h->extension_total = TLS_MAX_EXTENSIONS + over;
    h->group_count = TLS_MAX_GROUPS + over;
    h->sig_alg_count = TLS_MAX_SIGALGS + over;
    h->version_count = TLS_MAX_HELLO_VERSIONS + over;
    h->point_format_count = TLS_MAX_POINT_FORMATS + over;
    h->alpn_len = TLS_MAX_ALPN + over;
}

typedef size_t (*render_fn)(const struct tls_client_hello *h, char *out,
                            size_t cap);

static size_t ja4_raw_tcp(const struct tls_client_hello *h, char *out,
                          size_t cap)
{
    return tls_ja4_raw(h, false, out, cap);
}

/* Every buffer size from 0 to one past the need, each allocated exactly
 * so that AddressSanitizer sees a write past it: the same length back,
 * the same prefix, and a NUL. */
static void every_cap(const struct tls_client_hello *h, render_fn fn,
                      size_t max)
{
    char *full = malloc(max);
    ck_assert_ptr_nonnull(full);
    size_t need = fn(h, full, max);
    ck_assert_uint_lt(need, max);
    ck_assert_uint_eq(fn(h, NULL, 0), need);
    for (size_t cap = 1; cap <= need + 1; cap++) {
        char *out = malloc(cap);
        ck_assert_ptr_nonnull(out);
        ck_assert_uint_eq(fn(h, out, cap), need);
        size_t len = need < cap ? need : cap - 1;
        ck_assert_uint_eq(strlen(out), len);
        ck_assert(memcmp(out, full, len) == 0);
        free(out);
    }
    free(full);
}

START_TEST(lists_at_their_caps_fit_the_maxima)
{
    struct tls_client_hello h;
    fill_caps(&h, 0);
    char ja3[TLS_JA3_MAX], raw[TLS_JA4_RAW_MAX];
    /* one separator fewer than values in each list */
    ck_assert_uint_eq(tls_ja3(&h, ja3, sizeof ja3),
                      5 + 4 + 6 * TLS_MAX_SUITES - 1 + 6 * TLS_MAX_EXTENSIONS -
                          1 + 6 * TLS_MAX_GROUPS - 1 +
                          4 * TLS_MAX_POINT_FORMATS - 1);
    ck_assert_uint_eq(tls_ja4_raw(&h, false, raw, sizeof raw),
                      TLS_JA4_RAW_MAX - 1 - 3);
    every_cap(&h, tls_ja3, TLS_JA3_MAX);
    every_cap(&h, ja4_raw_tcp, TLS_JA4_RAW_MAX);
    char *ja4 = malloc(TLS_JA4_SIZE);
    ck_assert_ptr_nonnull(ja4);
    tls_ja4(&h, true, ja4);
    ck_assert_uint_eq(strlen(ja4), TLS_JA4_SIZE - 1);
    ck_assert(strncmp(ja4, "q13d9999zz_", 11) == 0);
    /* counts past the arrays give what the arrays hold */
    struct tls_client_hello over;
    fill_caps(&over, 1000);
    char ja3o[TLS_JA3_MAX], rawo[TLS_JA4_RAW_MAX], ja4o[TLS_JA4_SIZE];
    tls_ja3(&over, ja3o, sizeof ja3o);
    ck_assert_str_eq(ja3o, ja3);
    tls_ja4_raw(&over, false, rawo, sizeof rawo);
    ck_assert_str_eq(rawo, raw);
    tls_ja4(&over, true, ja4o);
    ck_assert_str_eq(ja4o, ja4);
    free(ja4);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tls_fingerprint");
    TCase *t = tcase_create("fingerprints");
    tcase_add_test(t, ja3_readme_examples);
    tcase_add_test(t, md5_test_vectors);
    tcase_add_test(t, ja4_spec_example);
    tcase_add_test(t, real_hellos);
    tcase_add_test(t, grease_is_ignored_everywhere);
    tcase_add_test(t, grease_lookalikes_are_kept);
    tcase_add_test(t, sni_absent_is_i);
    tcase_add_test(t, alpn_absent_is_00);
    tcase_add_test(t, alpn_first_and_last);
    tcase_add_test(t, alpn_longest_name);
    tcase_add_test(t, version_rules);
    tcase_add_test(t, counts_are_two_digits_capped_at_99);
    tcase_add_test(t, empty_lists);
    tcase_add_test(t, lists_at_their_caps_fit_the_maxima);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
