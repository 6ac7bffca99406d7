/* SPDX-License-Identifier: MIT */
/* Tests of the HTTP/2 layer: HPACK decoding with every example of RFC 7541
 * Appendix C in sequence on one decoder, and without a known dynamic table
 * (after a loss) until a size update to 0; the frame reader (RFC 9113
 * §4.1) on a whole connection fed whole, split at every byte and in every
 * chunk size with equal event logs, gaps inside a DATA payload and over a
 * frame header, frames over the buffering cap, and the plausibility table;
 * and h2_conn on small conversations (interleaved streams, trailers, 103,
 * RST_STREAM, GOAWAY, PUSH_PROMISE, END_STREAM on HEADERS). Frames are
 * built here; header blocks by libnghttp2's deflater (the library itself
 * only inflates). */
#include <nghttp2/nghttp2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capbuild.h"
#include "check_main.h"
#include "h2_conn.h"
#include "h2_frame.h"
#include "h2_hpack.h"

static char log_buf[1 << 16];
static size_t log_len;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(log_buf + log_len, sizeof log_buf - log_len, fmt, ap);
    va_end(ap);
    ck_assert(n >= 0 && (size_t)n < sizeof log_buf - log_len);
    log_len += (size_t)n;
}

static void log_reset(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

static uint32_t fnv(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* "82 86 84 41 0f ..." (spaces anywhere) into bytes. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s != '\0'; s++) {
        char c = *s;
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
            continue;
        }
        ck_assert_uint_lt(n, cap);
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    ck_assert_int_eq(hi, -1);
    return n;
}

/* --- building frames and header blocks --------------------------------- */

static void frame(struct buf *b, uint8_t type, uint8_t flags, uint32_t stream,
                  const void *p, size_t n)
{
    buf_u8(b, (uint8_t)(n >> 16));
    buf_u16(b, (uint16_t)n);
    buf_u8(b, type);
    buf_u8(b, flags);
    buf_u32(b, stream);
    buf_bytes(b, p, n);
}

/* A header block of the name/value pairs (NULL-terminated) from d. */
static void block(nghttp2_hd_deflater *d, struct buf *out, ...)
{
    nghttp2_nv nv[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, out);
    for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
        const char *value = va_arg(ap, const char *);
        ck_assert_uint_lt(n, 32);
        nv[n++] = (nghttp2_nv){(uint8_t *)name, (uint8_t *)value, strlen(name),
                               strlen(value), NGHTTP2_NV_FLAG_NONE};
    }
    va_end(ap);
    size_t bound = nghttp2_hd_deflate_bound(d, nv, n);
    uint8_t *tmp = malloc(bound);
    ck_assert_ptr_nonnull(tmp);
    ssize_t len = nghttp2_hd_deflate_hd(d, tmp, bound, nv, n);
    ck_assert_int_ge(len, 0);
    out->len = 0;
    buf_bytes(out, tmp, (size_t)len);
    free(tmp);
}

static nghttp2_hd_deflater *deflater(void)
{
    nghttp2_hd_deflater *d = NULL;
    ck_assert_int_eq(nghttp2_hd_deflate_new(&d, 4096), 0);
    return d;
}

static void settings(struct buf *b, uint16_t id, uint32_t v)
{
    uint8_t p[6] = {(uint8_t)(id >> 8), (uint8_t)id,       (uint8_t)(v >> 24),
                    (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    frame(b, H2_SETTINGS, 0, 0, p, 6);
}

static void u32_frame(struct buf *b, uint8_t type, uint32_t stream, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};
    frame(b, type, 0, stream, p, 4);
}

static void goaway_frame(struct buf *b, uint32_t last, uint32_t code)
{
    struct buf p;
    buf_init(&p, true);
    buf_u32(&p, last);
    buf_u32(&p, code);
    buf_bytes(&p, "bye", 3);
    frame(b, H2_GOAWAY, 0, 0, p.data, p.len);
    buf_free(&p);
}

/* A PUSH_PROMISE on `stream` for `promised`, block hb, with padding. */
static void push_frame(struct buf *b, uint32_t stream, uint32_t promised,
                       const struct buf *hb)
{
    struct buf p;
    buf_init(&p, true);
    buf_u8(&p, 3);
    buf_u32(&p, promised);
    buf_bytes(&p, hb->data, hb->len);
    buf_bytes(&p, "\0\0\0", 3);
    frame(b, H2_PUSH_PROMISE, H2_END_HEADERS | H2_PADDED, stream, p.data,
          p.len);
    buf_free(&p);
}

/* --- RFC 7541 Appendix C ----------------------------------------------- */

struct hp_case {
    const char *name;
    const char *hex;
    const char *fields; /* "name: value\n" each */
};

static void field_log(void *ctx, const uint8_t *name, size_t name_len,
                      const uint8_t *value, size_t value_len)
{
    (void)ctx;
    logf_("%.*s: %.*s\n", (int)name_len, (const char *)name, (int)value_len,
          (const char *)value);
}

static enum h2_hpack_result hp_decode(struct h2_hpack *h, const char *hex,
                                      size_t *lost)
{
    uint8_t blk[512];
    size_t n = unhex(hex, blk, sizeof blk);
    bool capped = true;
    log_reset();
    enum h2_hpack_result r =
        h2_hpack_decode(h, blk, n, field_log, NULL, lost, &capped);
    ck_assert(!capped);
    return r;
}

/* The cases in sequence on one decoder whose SETTINGS_HEADER_TABLE_SIZE
 * is `table`; `prelude`, when given, is a block decoded first. */
static void hp_run(const struct hp_case *c, size_t n, uint32_t table,
                   const char *prelude)
{
    struct h2_hpack h;
    ck_assert(h2_hpack_init(&h, 1 << 20));
    if (table != 4096)
        h2_hpack_table_size(&h, table);
    size_t lost = 99;
    if (prelude != NULL) {
        ck_assert_int_eq(hp_decode(&h, prelude, &lost), H2_HPACK_OK);
        ck_assert_str_eq(log_buf, "");
    }
    for (size_t i = 0; i < n; i++) {
        enum h2_hpack_result r = hp_decode(&h, c[i].hex, &lost);
        ck_assert_msg(r == H2_HPACK_OK, "%s: result %d", c[i].name, r);
        ck_assert_uint_eq(lost, 0);
        ck_assert_msg(strcmp(log_buf, c[i].fields) == 0, "%s:\n%s\nwant\n%s",
                      c[i].name, log_buf, c[i].fields);
    }
    h2_hpack_free(&h);
}

#define C3_1                                                                   \
    ":method: GET\n:scheme: http\n:path: /\n"                                  \
    ":authority: www.example.com\n"
#define C3_2 C3_1 "cache-control: no-cache\n"
#define C3_3                                                                   \
    ":method: GET\n:scheme: https\n:path: /index.html\n"                       \
    ":authority: www.example.com\ncustom-key: custom-value\n"
#define C5_1                                                                   \
    ":status: 302\ncache-control: private\n"                                   \
    "date: Mon, 21 Oct 2013 20:13:21 GMT\n"                                    \
    "location: https://www.example.com\n"
#define C5_2                                                                   \
    ":status: 307\ncache-control: private\n"                                   \
    "date: Mon, 21 Oct 2013 20:13:21 GMT\n"                                    \
    "location: https://www.example.com\n"
#define C5_3                                                                   \
    ":status: 200\ncache-control: private\n"                                   \
    "date: Mon, 21 Oct 2013 20:13:22 GMT\n"                                    \
    "location: https://www.example.com\ncontent-encoding: gzip\n"              \
    "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; "              \
    "version=1\n"

/* C.2 (one decoder through all four), then C.3 and C.4 requests. */
static const struct hp_case requests[] = {
    {"C.2.1",
     "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164"
     "6572",
     "custom-key: custom-header\n"},
    {"C.2.2", "040c 2f73 616d 706c 652f 7061 7468", ":path: /sample/path\n"},
    {"C.2.3", "1008 7061 7373 776f 7264 0673 6563 7265 74",
     "password: secret\n"},
    {"C.2.4", "82", ":method: GET\n"},
};
static const struct hp_case c3[] = {
    {"C.3.1", "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", C3_1},
    {"C.3.2", "8286 84be 5808 6e6f 2d63 6163 6865", C3_2},
    {"C.3.3",
     "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d"
     "7661 6c75 65",
     C3_3},
};
static const struct hp_case c4[] = {
    {"C.4.1", "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", C3_1},
    {"C.4.2", "8286 84be 5886 a8eb 1064 9cbf", C3_2},
    {"C.4.3", "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
     C3_3},
};
static const struct hp_case c5[] = {
    {"C.5.1",
     "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120"
     "4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768"
     "7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
     C5_1},
    {"C.5.2", "4803 3330 37c1 c0bf", C5_2},
    {"C.5.3",
     "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a"
     "3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153"
     "444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49"
     "553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
     "3d31",
     C5_3},
};
static const struct hp_case c6[] = {
    {"C.6.1",
     "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005"
     "9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8"
     "e9ae 82ae 43d3",
     C5_1},
    {"C.6.2", "4883 640e ffc1 c0bf", C5_2},
    {"C.6.3",
     "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d"
     "1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b"
     "3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed"
     "4ee5 b106 3d50 07",
     C5_3},
};

START_TEST(test_rfc7541_requests)
{
    /* Each section of Appendix C on a decoder of its own, as in the RFC
     * (C.3 and C.4 both start from an empty table). */
    hp_run(requests, 4, 4096, NULL);
    hp_run(c3, 3, 4096, NULL);
    hp_run(c4, 3, 4096, NULL);
}
END_TEST

/* C.5 and C.6 with a 256-byte table. Once the decoder's
 * SETTINGS_HEADER_TABLE_SIZE is lowered to 256, the encoder's next block
 * must begin with a dynamic table size update (RFC 7541 §4.2), and
 * libnghttp2 insists on it; the RFC's blocks do not carry one (its
 * encoder is at 256 from the start), so one is sent first: 3f e1 01. */
START_TEST(test_rfc7541_responses)
{
    hp_run(c5, 3, 256, "3fe101");
    hp_run(c6, 3, 256, "3fe101");
    /* The same from a decoder left at 4096, which the update lowers. */
    hp_run(c5, 3, 4096, "3fe101");
    hp_run(c6, 3, 4096, "3fe101");
}
END_TEST

/* Without that update, the first block after the lowered setting is
 * refused, and the table is unknown from there. */
START_TEST(test_rfc7541_responses_no_update)
{
    struct h2_hpack h;
    ck_assert(h2_hpack_init(&h, 1 << 20));
    h2_hpack_table_size(&h, 256);
    size_t lost;
    ck_assert_int_eq(hp_decode(&h, c5[0].hex, &lost), H2_HPACK_FAILED);
    ck_assert_int_eq(hp_decode(&h, c5[1].hex, &lost), H2_HPACK_PARTIAL);
    ck_assert_uint_eq(lost, 3);
    ck_assert_str_eq(log_buf, ":status: 307\n");
    h2_hpack_free(&h);
}
END_TEST

/* --- HPACK without the dynamic table ----------------------------------- */

START_TEST(test_hpack_unknown_table)
{
    struct h2_hpack h;
    ck_assert(h2_hpack_init(&h, 1 << 20));
    size_t lost = 99;
    ck_assert_int_eq(hp_decode(&h, c3[0].hex, &lost), H2_HPACK_OK);
    h2_hpack_lost(&h);
    /* C.3.2: be (:authority from the table) is lost, the rest comes. */
    ck_assert_int_eq(hp_decode(&h, c3[1].hex, &lost), H2_HPACK_PARTIAL);
    ck_assert_uint_eq(lost, 1);
    ck_assert_str_eq(log_buf, ":method: GET\n:scheme: http\n:path: /\n"
                              "cache-control: no-cache\n");
    /* C.3.3 (Huffman C.4.3 alike): bf lost; the incremental literal
     * comes, and is not indexed (the table stays unknown). */
    ck_assert_int_eq(hp_decode(&h, c4[2].hex, &lost), H2_HPACK_PARTIAL);
    ck_assert_uint_eq(lost, 1);
    ck_assert_str_eq(log_buf, ":method: GET\n:scheme: https\n"
                              ":path: /index.html\n"
                              "custom-key: custom-value\n");
    ck_assert_int_eq(hp_decode(&h, "be", &lost), H2_HPACK_PARTIAL);
    ck_assert_uint_eq(lost, 1);
    ck_assert_str_eq(log_buf, "");
    /* A block of literals only decodes fully while unknown. */
    ck_assert_int_eq(hp_decode(&h, "8284 0f28 0378 3d31", &lost), H2_HPACK_OK);
    ck_assert_uint_eq(lost, 0);
    ck_assert_str_eq(log_buf, ":method: GET\n:path: /\nset-cookie: x=1\n");
    /* A size update to 0 first, then back to 4096: the table is empty,
     * hence known; its literal with incremental indexing is the new entry
     * 62, which C.3.2 and C.3.3 then use as in the RFC. */
    ck_assert_int_eq(hp_decode(&h,
                               "20 3fe11f 82 86 84 410f 7777 772e 6578"
                               "616d 706c 652e 636f 6d",
                               &lost),
                     H2_HPACK_OK);
    ck_assert_uint_eq(lost, 0);
    ck_assert_str_eq(log_buf, C3_1);
    ck_assert_int_eq(hp_decode(&h, c3[1].hex, &lost), H2_HPACK_OK);
    ck_assert_uint_eq(lost, 0);
    ck_assert_str_eq(log_buf, C3_2);
    ck_assert_int_eq(hp_decode(&h, c3[2].hex, &lost), H2_HPACK_OK);
    ck_assert_str_eq(log_buf, C3_3);
    /* A size update to 0 alone leaves a table of 0: known, but nothing is
     * indexed, so a reference after it is invalid (and unknown again). */
    ck_assert_int_eq(hp_decode(&h, "be c0", &lost), H2_HPACK_OK);
    ck_assert_str_eq(log_buf, "custom-key: custom-value\n"
                              ":authority: www.example.com\n");
    h2_hpack_lost(&h);
    ck_assert_int_eq(hp_decode(&h,
                               "20 410f 7777 772e 6578 616d 706c 652e 636f"
                               "6d",
                               &lost),
                     H2_HPACK_OK);
    ck_assert_str_eq(log_buf, ":authority: www.example.com\n");
    ck_assert_int_eq(hp_decode(&h, "be", &lost), H2_HPACK_FAILED);
    ck_assert_int_eq(hp_decode(&h, "be", &lost), H2_HPACK_PARTIAL);
    h2_hpack_free(&h);
}
END_TEST

START_TEST(test_hpack_invalid)
{
    struct h2_hpack h;
    ck_assert(h2_hpack_init(&h, 1 << 20));
    size_t lost;
    /* Index 0 is not valid (§6.1): the block fails, the table is unknown
     * from then on (C.3.2 loses its be). */
    ck_assert_int_eq(hp_decode(&h, c3[0].hex, &lost), H2_HPACK_OK);
    ck_assert_int_eq(hp_decode(&h, "80", &lost), H2_HPACK_FAILED);
    ck_assert_int_eq(hp_decode(&h, c3[1].hex, &lost), H2_HPACK_PARTIAL);
    ck_assert_uint_eq(lost, 1);
    /* A size update to 0 brings it back (with an inflater that has not
     * seen the failure). */
    ck_assert_int_eq(hp_decode(&h,
                               "20 3fe11f 82 86 84 410f 7777 772e 6578"
                               "616d 706c 652e 636f 6d",
                               &lost),
                     H2_HPACK_OK);
    ck_assert_int_eq(hp_decode(&h, c3[1].hex, &lost), H2_HPACK_OK);
    ck_assert_str_eq(log_buf, C3_2);
    h2_hpack_free(&h);
    /* With the table known (a fresh decoder) and unknown (after a loss):
     * a string cut short, integers past 32 bits, a name past the table
     * (only known to be wrong when the table is), a size update over the
     * SETTINGS value, a size update after a field, a reference into the
     * table a size update to 0 just emptied. */
    static const struct {
        const char *hex;
        enum h2_hpack_result known, unknown;
    } bad[] = {
        {"410f 7777", H2_HPACK_FAILED, H2_HPACK_FAILED},
        {"7f ff ff ff ff 0f", H2_HPACK_FAILED, H2_HPACK_FAILED},
        {"ff ff ff ff ff 0f", H2_HPACK_FAILED, H2_HPACK_FAILED},
        {"3f ff ff ff ff 0f", H2_HPACK_FAILED, H2_HPACK_FAILED},
        {"0f 2f 80", H2_HPACK_FAILED, H2_HPACK_PARTIAL},
        {"3f e2 1f", H2_HPACK_FAILED, H2_HPACK_OK}, /* 4097 */
        {"82 20", H2_HPACK_FAILED, H2_HPACK_OK},
        {"20 c0", H2_HPACK_FAILED, H2_HPACK_FAILED},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int unknown = 0; unknown < 2; unknown++) {
            ck_assert(h2_hpack_init(&h, 1 << 20));
            if (unknown)
                h2_hpack_lost(&h);
            enum h2_hpack_result r = hp_decode(&h, bad[i].hex, &lost);
            ck_assert_msg(r == (unknown ? bad[i].unknown : bad[i].known),
                          "%s unknown %d: %d", bad[i].hex, unknown, r);
            h2_hpack_free(&h);
        }
    }
}
END_TEST

START_TEST(test_hpack_list_cap)
{
    struct h2_hpack h;
    /* C.3.1's fields cost 42 + 43 + 38 + 57: a cap of 150 keeps three. */
    ck_assert(h2_hpack_init(&h, 150));
    uint8_t blk[64];
    size_t n = unhex(c3[0].hex, blk, sizeof blk), lost = 0;
    bool capped = false;
    log_reset();
    ck_assert_int_eq(
        h2_hpack_decode(&h, blk, n, field_log, NULL, &lost, &capped),
        H2_HPACK_OK);
    ck_assert(capped);
    ck_assert_uint_eq(lost, 1);
    ck_assert_str_eq(log_buf, ":method: GET\n:scheme: http\n:path: /\n");
    h2_hpack_free(&h);
}
END_TEST

/* --- the frame reader -------------------------------------------------- */

/* Frames are logged whole; the content of a DATA frame is gathered over
 * its calls and logged at its end, so chunking cannot change the log. */
static uint8_t data_acc[1 << 16];
static size_t data_acc_len;

static void rd_frame(void *ctx, const struct h2_frame *f, const uint8_t *p,
                     size_t len, bool skipped, int64_t ts)
{
    (void)ctx, (void)ts;
    ck_assert(skipped ? p == NULL && len == 0 : len == f->length);
    logf_("F%s/%x/%u/%u%s:%08x\n", h2_type_name(f->type), f->flags, f->stream,
          f->length, skipped ? "/skipped" : "", fnv(p, len));
}

static void rd_data(void *ctx, const struct h2_frame *f, const uint8_t *p,
                    size_t n, bool end, int64_t ts)
{
    (void)ctx, (void)ts;
    ck_assert(n > 0 || end);
    ck_assert_uint_le(data_acc_len + n, sizeof data_acc);
    if (n > 0)
        memcpy(data_acc + data_acc_len, p, n);
    data_acc_len += n;
    if (!end)
        return;
    logf_("D/%x/%u/%u:%zu:%.*s\n", f->flags, f->stream, f->length, data_acc_len,
          data_acc_len < 40 ? (int)data_acc_len : 40, (const char *)data_acc);
    data_acc_len = 0;
}

static void rd_lost(void *ctx, const struct h2_frame *f, uint64_t n, int64_t ts)
{
    (void)ctx, (void)ts;
    if (f->type == H2_DATA && data_acc_len > 0) {
        logf_("d:%zu:%.*s\n", data_acc_len, (int)data_acc_len,
              (const char *)data_acc);
        data_acc_len = 0;
    }
    logf_("L%s/%u/%u:%llu\n", h2_type_name(f->type), f->stream, f->length,
          (unsigned long long)n);
}

static void rd_resync(void *ctx, uint64_t skipped, int64_t ts)
{
    (void)ctx, (void)ts;
    logf_("R:%llu\n", (unsigned long long)skipped);
}

static bool rd_known(void *ctx, uint32_t id)
{
    (void)ctx;
    return id == 1 || id == 3;
}

static const struct h2_reader_cb rd_cb = {NULL,    rd_frame,  rd_data,
                                          rd_lost, rd_resync, rd_known};

/* One direction's bytes, fed in `chunk` sized pieces (0: whole). */
static void rd_feed(bool from_client, const struct buf *b, size_t chunk,
                    uint32_t max_buffered)
{
    struct h2_reader r;
    h2_reader_init(&r, from_client, true, &rd_cb);
    if (max_buffered)
        r.max_buffered = max_buffered;
    log_reset();
    data_acc_len = 0;
    if (chunk == 0)
        chunk = b->len;
    for (size_t at = 0; at < b->len; at += chunk)
        h2_reader_feed(&r, b->data + at,
                       b->len - at < chunk ? b->len - at : chunk, 0);
    h2_reader_free(&r);
}

/* The client side of a connection; *data_at: where DATA 3's payload
 * starts (after its pad length). */
static void client_bytes(struct buf *b, size_t *data_at, size_t *next_at)
{
    nghttp2_hd_deflater *d = deflater();
    struct buf hb;
    buf_init(&hb, true);
    buf_init(b, true);
    buf_bytes(b, H2_PREFACE, H2_PREFACE_LEN);
    settings(b, 4, 65535);
    u32_frame(b, H2_WINDOW_UPDATE, 0, 1 << 20);
    block(d, &hb, ":method", "GET", ":scheme", "https", ":path", "/a",
          ":authority", "example.com", "user-agent", "test/1.0", "accept",
          "*/*", NULL);
    /* HEADERS without END_HEADERS, then two CONTINUATIONs. */
    frame(b, H2_HEADERS, H2_END_STREAM, 1, hb.data, 10);
    frame(b, H2_CONTINUATION, 0, 1, hb.data + 10, 5);
    frame(b, H2_CONTINUATION, H2_END_HEADERS, 1, hb.data + 15, hb.len - 15);
    block(d, &hb, ":method", "POST", ":scheme", "https", ":path", "/b",
          ":authority", "example.com", NULL);
    uint8_t prio[5] = {0x80, 0, 0, 1, 15};
    struct buf p;
    buf_init(&p, true);
    buf_u8(&p, 2); /* PADDED and PRIORITY */
    buf_bytes(&p, prio, 5);
    buf_bytes(&p, hb.data, hb.len);
    buf_bytes(&p, "\0\0", 2);
    frame(b, H2_HEADERS, H2_END_HEADERS | H2_PADDED | H2_PRIORITY_FLAG, 3,
          p.data, p.len);
    frame(b, H2_PRIORITY, 0, 3, prio, 5);
    /* DATA, PADDED: 100 content bytes and 10 of padding. */
    p.len = 0;
    buf_u8(&p, 10);
    for (int i = 0; i < 100; i++)
        buf_u8(&p, (uint8_t)('a' + i % 26));
    for (int i = 0; i < 10; i++)
        buf_u8(&p, 0);
    *data_at = b->len + H2_FRAME_HEADER + 1;
    frame(b, H2_DATA, H2_PADDED, 3, p.data, p.len);
    *next_at = b->len;
    frame(b, H2_DATA, 0, 3, "0123456789", 10);
    frame(b, H2_DATA, H2_END_STREAM | H2_PADDED, 3, "\0", 1); /* empty */
    frame(b, H2_PING, 0, 0, "12345678", 8);
    u32_frame(b, H2_RST_STREAM, 3, 8);
    goaway_frame(b, 0, 0);
    frame(b, H2_SETTINGS, H2_ACK, 0, NULL, 0); /* empty, and the last */
    buf_free(&p);
    buf_free(&hb);
    nghttp2_hd_deflate_del(d);
}

static void server_bytes(struct buf *b)
{
    nghttp2_hd_deflater *d = deflater();
    struct buf hb;
    buf_init(&hb, true);
    buf_init(b, true);
    settings(b, 3, 100);
    frame(b, H2_SETTINGS, H2_ACK, 0, NULL, 0);
    block(d, &hb, ":method", "GET", ":scheme", "https", ":path", "/s.css",
          ":authority", "example.com", NULL);
    push_frame(b, 1, 2, &hb);
    block(d, &hb, ":status", "200", "content-type", "text/html", NULL);
    frame(b, H2_HEADERS, H2_END_HEADERS, 1, hb.data, hb.len);
    frame(b, H2_DATA, H2_END_STREAM, 1, "<html>", 6);
    block(d, &hb, ":status", "200", NULL);
    frame(b, H2_HEADERS, H2_END_HEADERS | H2_END_STREAM, 2, hb.data, hb.len);
    u32_frame(b, H2_RST_STREAM, 3, 7);
    goaway_frame(b, 3, 2);
    buf_free(&hb);
    nghttp2_hd_deflate_del(d);
}

START_TEST(test_reader_splits)
{
    struct buf cb, sb;
    size_t data_at, next_at;
    client_bytes(&cb, &data_at, &next_at);
    server_bytes(&sb);
    for (int side = 0; side < 2; side++) {
        const struct buf *b = side == 0 ? &cb : &sb;
        rd_feed(side == 0, b, 0, 0);
        char whole[8192];
        ck_assert_uint_lt(log_len, sizeof whole);
        memcpy(whole, log_buf, log_len + 1);
        if (side == 0) {
            const char *want = "FSETTINGS/0/0/6:";
            ck_assert(strncmp(whole, want, strlen(want)) == 0);
            ck_assert_ptr_nonnull(strstr(whole, "FCONTINUATION/4/1/"));
            ck_assert_ptr_nonnull(
                strstr(whole, "D/8/3/111:100:abcdefghijklmnopqrstuvwxyzabcd"));
            ck_assert_ptr_nonnull(strstr(whole, "D/0/3/10:10:0123456789\n"
                                                "D/9/3/1:0:\n"));
            ck_assert_ptr_nonnull(strstr(whole, "FGOAWAY/0/0/11:"));
            ck_assert_ptr_nonnull(strstr(whole, "FSETTINGS/1/0/0:811c9dc5\n"));
        } else {
            ck_assert_ptr_nonnull(strstr(whole, "FPUSH_PROMISE/c/1/"));
            ck_assert_ptr_nonnull(strstr(whole, "D/1/1/6:6:<html>\n"));
        }
        /* 14 frames in the client's bytes, 8 in the server's. */
        size_t lines = 0;
        for (const char *q = whole; *q; q++)
            lines += *q == '\n';
        ck_assert_uint_eq(lines, side == 0 ? 14 : 8);
        for (size_t chunk = 1; chunk <= b->len; chunk++) {
            rd_feed(side == 0, b, chunk, 0);
            ck_assert_msg(strcmp(log_buf, whole) == 0, "chunk %zu:\n%s", chunk,
                          log_buf);
        }
        /* Split in two at every byte. */
        for (size_t at = 0; at <= b->len; at++) {
            struct h2_reader r;
            h2_reader_init(&r, side == 0, true, &rd_cb);
            log_reset();
            h2_reader_feed(&r, b->data, at, 0);
            h2_reader_feed(&r, b->data + at, b->len - at, 0);
            h2_reader_free(&r);
            ck_assert_msg(strcmp(log_buf, whole) == 0, "split %zu", at);
        }
    }
    buf_free(&cb);
    buf_free(&sb);
}
END_TEST

/* Feeds b with the bytes [from, from + n) replaced by a gap. */
static void rd_gap(const struct buf *b, size_t from, size_t n, size_t chunk)
{
    struct h2_reader r;
    h2_reader_init(&r, true, true, &rd_cb);
    log_reset();
    data_acc_len = 0;
    for (size_t at = 0; at < from; at += chunk)
        h2_reader_feed(&r, b->data + at, from - at < chunk ? from - at : chunk,
                       0);
    h2_reader_gap(&r, n, 0);
    for (size_t at = from + n; at < b->len; at += chunk)
        h2_reader_feed(&r, b->data + at,
                       b->len - at < chunk ? b->len - at : chunk, 0);
    h2_reader_free(&r);
}

START_TEST(test_reader_gap_in_data)
{
    struct buf b;
    size_t data_at, next_at;
    client_bytes(&b, &data_at, &next_at);
    for (size_t chunk = 1; chunk <= 64; chunk += 63) {
        /* 30 content bytes from the 21st: lost 30, 70 delivered. */
        rd_gap(&b, data_at + 20, 30, chunk);
        ck_assert_msg(strstr(log_buf, "d:20:abcdefghijklmnopqrst\n"
                                      "LDATA/3/111:30\n"
                                      "D/8/3/111:50:yzabcdefghijk") != NULL,
                      "%s", log_buf);
        ck_assert_ptr_nonnull(strstr(log_buf, "D/0/3/10:10:0123456789\n"));
        ck_assert_ptr_nonnull(strstr(log_buf, "FGOAWAY/0/0/11:"));
        ck_assert_ptr_null(strstr(log_buf, "R:"));
        /* The last 10 content bytes and 5 of padding: lost 10. */
        rd_gap(&b, data_at + 90, 15, chunk);
        ck_assert_msg(strstr(log_buf, "LDATA/3/111:10\nD/8/3/111:0:\n"
                                      "D/0/3/10:10:0123456789\n") != NULL,
                      "%s", log_buf);
        /* Padding only: nothing lost. */
        rd_gap(&b, data_at + 101, 9, chunk);
        ck_assert_ptr_nonnull(strstr(log_buf, "D/8/3/111:100:"));
        ck_assert_ptr_null(strstr(log_buf, "LDATA"));
        /* The pad length byte and 4 content bytes: the padding is not
         * known, taken as none: 4 + the 10 padding bytes counted. */
        rd_gap(&b, data_at - 1, 5, chunk);
        ck_assert_msg(strstr(log_buf, "LDATA/3/111:4\nD/8/3/111:106:") != NULL,
                      "%s", log_buf);
        /* Up to the end of the frame exactly: the next frame is read. */
        rd_gap(&b, data_at + 50, next_at - data_at - 50, chunk);
        ck_assert_ptr_nonnull(strstr(log_buf, "LDATA/3/111:50\n"));
        ck_assert_ptr_nonnull(strstr(log_buf, "D/0/3/10:10:0123456789\n"));
        ck_assert_ptr_null(strstr(log_buf, "R:"));
    }
    buf_free(&b);
}
END_TEST

START_TEST(test_reader_gap_over_header)
{
    struct buf b;
    size_t data_at, next_at;
    client_bytes(&b, &data_at, &next_at);
    /* From the 51st content byte to the 4th byte of the next DATA frame's
     * header: 50 content bytes lost, then the 6 header bytes and its 10
     * payload bytes are skipped, and the empty DATA, PING... follow. */
    rd_gap(&b, data_at + 50, next_at + 3 - data_at - 50, 1);
    ck_assert_msg(strstr(log_buf, "d:50:") != NULL, "%s", log_buf);
    ck_assert_msg(strstr(log_buf, "LDATA/3/111:50\nD/8/3/111:0:\n") != NULL,
                  "%s", log_buf);
    ck_assert_msg(strstr(log_buf, "R:16\nD/9/3/1:0:\nFPING/0/0/8:") != NULL,
                  "%s", log_buf);
    ck_assert_ptr_nonnull(strstr(log_buf, "FGOAWAY/0/0/11:"));
    /* The same with the bytes after the gap in one piece: the frame is
     * found inside one scan. */
    rd_gap(&b, data_at + 50, next_at + 3 - data_at - 50, b.len);
    ck_assert_msg(strstr(log_buf, "R:16\nD/9/3/1:0:\nFPING/0/0/8:") != NULL,
                  "%s", log_buf);
    /* Over the whole of the PRIORITY frame and the DATA header: the DATA
     * payload (111 bytes) is skipped. */
    size_t prio_at = data_at - 1 - H2_FRAME_HEADER - 14;
    rd_gap(&b, prio_at, 14 + H2_FRAME_HEADER, 64);
    ck_assert_msg(strstr(log_buf, "R:111\nD/0/3/10:10:0123456789\n") != NULL,
                  "%s", log_buf);
    rd_gap(&b, prio_at, 14 + H2_FRAME_HEADER, b.len);
    ck_assert_msg(strstr(log_buf, "R:111\nD/0/3/10:10:0123456789\n") != NULL,
                  "%s", log_buf);
    ck_assert_ptr_null(strstr(log_buf, "FPRIORITY"));
    buf_free(&b);
}
END_TEST

START_TEST(test_reader_gap_in_frame)
{
    struct buf b;
    size_t data_at, next_at;
    client_bytes(&b, &data_at, &next_at);
    /* A gap of 3 inside the PING payload: the frame is lost whole. */
    const uint8_t ping[] = {0, 0, 8, H2_PING, 0, 0, 0, 0, 0};
    size_t at = 0;
    while (memcmp(b.data + at, ping, sizeof ping) != 0)
        at++;
    rd_gap(&b, at + H2_FRAME_HEADER + 2, 3, 1);
    ck_assert_msg(strstr(log_buf, "LPING/0/8:8\nFRST_STREAM/0/3/4:") != NULL,
                  "%s", log_buf);
    buf_free(&b);
}
END_TEST

START_TEST(test_reader_oversized)
{
    struct buf b;
    buf_init(&b, true);
    uint8_t big[300];
    memset(big, 0, sizeof big);
    frame(&b, H2_SETTINGS, 0, 0, big, 120);
    frame(&b, H2_HEADERS, H2_END_HEADERS, 1, big, 300);
    frame(&b, H2_CONTINUATION, H2_END_HEADERS, 1, big, 101);
    frame(&b, H2_GOAWAY, 0, 0, big, 100); /* at the cap: kept */
    frame(&b, H2_DATA, 0, 1, big, 300);   /* DATA is never buffered */
    frame(&b, 0xfa, 0, 0, big, 200);      /* an unknown type */
    static const char want[] = "FSETTINGS/0/0/120/skipped:811c9dc5\n"
                               "FHEADERS/4/1/300/skipped:811c9dc5\n"
                               "FCONTINUATION/4/1/101/skipped:811c9dc5\n"
                               "FGOAWAY/0/0/100:";
    for (size_t chunk = 1; chunk <= b.len; chunk += 97) {
        rd_feed(false, &b, chunk, 100);
        ck_assert_msg(strncmp(log_buf, want, strlen(want)) == 0, "%s", log_buf);
        ck_assert_ptr_nonnull(strstr(log_buf, "D/0/1/300:300:"));
        ck_assert_ptr_nonnull(strstr(log_buf, "Funknown/0/0/200/skipped"));
    }
    buf_free(&b);
}
END_TEST

struct plaus {
    uint32_t len;
    uint8_t type, flags;
    uint32_t stream;
    bool client, want;
};

START_TEST(test_frame_plausible)
{
    static const struct plaus t[] = {
        {100, H2_DATA, 0, 1, true, true},
        {100, H2_DATA, 0, 0, true, false},   /* DATA on stream 0 */
        {100, H2_DATA, 0x2, 1, true, false}, /* unknown flag */
        {16384, H2_DATA, 0x9, 1, false, true},
        {16385, H2_DATA, 0, 1, false, false}, /* over max_frame */
        {10, H2_HEADERS, 0x2d, 1, true, true},
        {10, H2_HEADERS, 0x4, 2, true, false}, /* even: not a HEADERS
                                                  that opens... */
        {10, H2_HEADERS, 0x4, 0, false, false},
        {10, H2_HEADERS, 0x2, 1, false, false},
        {5, H2_PRIORITY, 0, 3, true, true},
        {6, H2_PRIORITY, 0, 3, true, false},
        {5, H2_PRIORITY, 0, 0, true, false},
        {4, H2_RST_STREAM, 0, 5, false, true},
        {8, H2_RST_STREAM, 0, 5, false, false},
        {0, H2_SETTINGS, 0, 0, true, true},
        {36, H2_SETTINGS, 0, 0, true, true},
        {7, H2_SETTINGS, 0, 0, true, false},
        {6, H2_SETTINGS, 1, 0, true, false}, /* an ACK with payload */
        {0, H2_SETTINGS, 1, 0, true, true},
        {6, H2_SETTINGS, 0, 1, true, false},
        {8, H2_PUSH_PROMISE, 0x4, 1, false, true},
        {8, H2_PUSH_PROMISE, 0x4, 1, true, false}, /* from a client */
        {3, H2_PUSH_PROMISE, 0x4, 1, false, false},
        {8, H2_PING, 1, 0, true, true},
        {8, H2_PING, 0, 1, true, false},
        {9, H2_PING, 0, 0, true, false},
        {8, H2_GOAWAY, 0, 0, false, true},
        {7, H2_GOAWAY, 0, 0, false, false},
        {8, H2_GOAWAY, 0, 1, false, false},
        {4, H2_WINDOW_UPDATE, 0, 0, true, true},
        {4, H2_WINDOW_UPDATE, 0, 7, true, true},
        {5, H2_WINDOW_UPDATE, 0, 0, true, false},
        {4, H2_WINDOW_UPDATE, 1, 0, true, false},
        {10, H2_CONTINUATION, 0x4, 1, true, false}, /* never after a loss */
        {10, 10, 0, 0, true, false},                /* unknown types */
        {10, 0xff, 0, 0, true, false},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct h2_frame f = {t[i].len, t[i].type, t[i].flags, t[i].stream};
        ck_assert_msg(h2_frame_plausible(&f, H2_DEFAULT_MAX_FRAME,
                                         t[i].client) == t[i].want,
                      "case %zu", i);
    }
    /* The header parse: 24-bit length, type, flags, R bit dropped. */
    const uint8_t h[9] = {0x12, 0x34, 0x56, 1, 0x25, 0xff, 0xff, 0xff, 0xff};
    struct h2_frame f = h2_frame_header(h);
    ck_assert_uint_eq(f.length, 0x123456);
    ck_assert_uint_eq(f.type, 1);
    ck_assert_uint_eq(f.flags, 0x25);
    ck_assert_uint_eq(f.stream, 0x7fffffff);
    ck_assert(!h2_frame_plausible(&f, H2_DEFAULT_MAX_FRAME, true));
    ck_assert(h2_frame_plausible(&f, H2_LARGEST_FRAME, true));
}
END_TEST

/* --- h2_conn ----------------------------------------------------------- */

static struct sift_tcp_conn the_conn;
static struct http_body_budget budget = {0, 1u << 30};
static int emitted;

static void log_msg(const char *tag, const struct sift_http_message *m)
{
    if (!m->present) {
        logf_(" %s-", tag);
        return;
    }
    if (m->method_len > 0 || m->status == 0)
        logf_(" %s%.*s %.*s", tag, (int)m->method_len, m->method,
              (int)m->target_len, m->target);
    else
        logf_(" %s%d", tag, m->status);
    logf_(" b%llu:%.*s", (unsigned long long)m->body_bytes, (int)m->body_len,
          (const char *)m->body);
    if (m->missing_bytes)
        logf_(" miss%llu", (unsigned long long)m->missing_bytes);
    for (size_t i = 0; i < m->trailer_count; i++)
        logf_(" T%.*s=%.*s", (int)m->trailers[i].name_len, m->trailers[i].name,
              (int)m->trailers[i].value_len, m->trailers[i].value);
}

static void on_emit(void *ctx, struct sift_http_transaction *t)
{
    ck_assert_ptr_eq(ctx, &the_conn);
    ck_assert_ptr_eq(t->conn, &the_conn);
    t->id = (uint64_t)++emitted;
    logf_("[s%u i%u", t->stream_id, t->index);
    log_msg("q:", &t->request);
    for (size_t i = 0; i < t->interim_count; i++)
        log_msg("1xx:", &t->interim[i]);
    log_msg("r:", &t->response);
    if (t->h2_error)
        logf_(" err%u", t->h2_error);
    if (t->promised_by)
        logf_(" by%u", t->promised_by);
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (t->flags & (1u << i))
            logf_(" %s", sift_http_flag_name(1u << i));
    logf_("]\n");
}

struct convo {
    nghttp2_hd_deflater *enc[2]; /* by enum sift_tcp_dir */
    struct buf hb, out[2];
    /* the script: which side's bytes, up to where, in order */
    struct {
        int d;
        size_t end;
    } step[64];
    size_t steps;
};

static void cv_init(struct convo *c)
{
    memset(c, 0, sizeof *c);
    for (int d = 0; d < 2; d++) {
        c->enc[d] = deflater();
        buf_init(&c->out[d], true);
    }
    buf_init(&c->hb, true);
    buf_bytes(&c->out[SIFT_TCP_FROM_CLIENT], H2_PREFACE, H2_PREFACE_LEN);
    settings(&c->out[SIFT_TCP_FROM_CLIENT], 2, 0);
    settings(&c->out[SIFT_TCP_FROM_SERVER], 3, 100);
}

static void cv_free(struct convo *c)
{
    for (int d = 0; d < 2; d++) {
        nghttp2_hd_deflate_del(c->enc[d]);
        buf_free(&c->out[d]);
    }
    buf_free(&c->hb);
}

/* Marks the end of a step of side d (what was appended since). */
static void cv_step(struct convo *c, int d)
{
    ck_assert_uint_lt(c->steps, 64);
    c->step[c->steps].d = d;
    c->step[c->steps++].end = c->out[d].len;
}

#define CV_HEADERS(c, d, flags, stream, ...)                                   \
    do {                                                                       \
        block((c)->enc[d], &(c)->hb, __VA_ARGS__, NULL);                       \
        frame(&(c)->out[d], H2_HEADERS, (uint8_t)(H2_END_HEADERS | (flags)),   \
              stream, (c)->hb.data, (c)->hb.len);                              \
        cv_step(c, d);                                                         \
    } while (0)

/* HEADERS of the block's first `first` bytes, then CONTINUATIONs of
 * `each` bytes (a PING from the other side in between would be fine; one
 * from the same side would cut the block, RFC 9113 §6.10). */
static void cv_split_headers(struct convo *c, int d, uint8_t flags,
                             uint32_t stream, size_t first, size_t each)
{
    const struct buf *hb = &c->hb;
    ck_assert_uint_lt(first, hb->len);
    frame(&c->out[d], H2_HEADERS, flags, stream, hb->data, first);
    for (size_t at = first; at < hb->len; at += each) {
        size_t n = hb->len - at < each ? hb->len - at : each;
        frame(&c->out[d], H2_CONTINUATION,
              at + n == hb->len ? H2_END_HEADERS : 0, stream, hb->data + at, n);
    }
    cv_step(c, d);
}

static void cv_data(struct convo *c, int d, uint8_t flags, uint32_t stream,
                    const char *s)
{
    frame(&c->out[d], H2_DATA, flags, stream, s, strlen(s));
    cv_step(c, d);
}

/* Runs the script with each step fed in pieces of `chunk` bytes (0:
 * whole), then ends the connection when `end`. */
static void cv_run(const struct convo *c, size_t chunk, bool end)
{
    static const struct h2_limits lim = {1024, 1 << 20, 1 << 20, 64, NULL};
    struct http_body_limits body = {true, false, 1 << 20, 1 << 20, &budget};
    struct h2_conn_cb cb = {&the_conn, on_emit};
    struct h2_conn *h = h2_conn_new(&the_conn, NULL, &body, &lim, true, 0, &cb);
    ck_assert_ptr_nonnull(h);
    log_reset();
    emitted = 0;
    size_t at[2] = {0, 0};
    for (size_t i = 0; i < c->steps; i++) {
        int d = c->step[i].d;
        const struct buf *b = &c->out[d];
        size_t stop = c->step[i].end;
        size_t k = chunk ? chunk : stop - at[d] + 1;
        while (at[d] < stop) {
            size_t n = stop - at[d] < k ? stop - at[d] : k;
            h2_conn_data(h, &the_conn, d, b->data + at[d], n,
                         (int64_t)i * 1000);
            at[d] += n;
        }
    }
    if (end)
        h2_conn_end(h, &the_conn, 99000);
    h2_conn_free(h);
    ck_assert_uint_eq(budget.used, 0);
}

/* The whole log, then the same in every chunk size up to 40. */
static void cv_check(const struct convo *c, bool end, const char *want)
{
    cv_run(c, 0, end);
    ck_assert_msg(strcmp(log_buf, want) == 0, "got\n%s\nwant\n%s", log_buf,
                  want);
    for (size_t chunk = 1; chunk <= 40; chunk++) {
        cv_run(c, chunk, end);
        ck_assert_msg(strcmp(log_buf, want) == 0, "chunk %zu:\n%s", chunk,
                      log_buf);
    }
}

#define C SIFT_TCP_FROM_CLIENT
#define S SIFT_TCP_FROM_SERVER

START_TEST(test_conn_interleaved)
{
    struct convo c;
    cv_init(&c);
    cv_step(&c, C);
    cv_step(&c, S);
    /* Stream 1's request over HEADERS and three CONTINUATIONs. */
    block(c.enc[C], &c.hb, ":method", "GET", ":scheme", "https", ":path",
          "/one", ":authority", "example.com", "accept", "text/plain", NULL);
    cv_split_headers(&c, C, H2_END_STREAM, 1, 3, 7);
    CV_HEADERS(&c, C, 0, 3, ":method", "POST", ":scheme", "https", ":path",
               "/three", ":authority", "example.com");
    cv_data(&c, C, 0, 3, "hello");
    CV_HEADERS(&c, S, 0, 3, ":status", "201");
    CV_HEADERS(&c, S, 0, 1, ":status", "200", "content-type", "text/plain");
    cv_data(&c, S, 0, 1, "first ");
    cv_data(&c, C, H2_END_STREAM, 3, " world");
    cv_data(&c, S, H2_END_STREAM, 3, "made"); /* 3 ends before 1 */
    cv_data(&c, S, 0, 1, "body ");
    cv_data(&c, S, H2_END_STREAM, 1, "one");
    cv_check(&c, false,
             "[s1 i0 q:GET /one b0: r:200 b14:first body one]\n"
             "[s3 i1 q:POST /three b11:hello world r:201 b4:made]\n");
    cv_free(&c);
}
END_TEST

START_TEST(test_conn_trailers_interim)
{
    struct convo c;
    cv_init(&c);
    CV_HEADERS(&c, C, 0, 1, ":method", "POST", ":scheme", "http", ":path",
               "/grpc", ":authority", "h");
    cv_data(&c, C, 0, 1, "req");
    CV_HEADERS(&c, C, H2_END_STREAM, 1, "x-checksum", "abc");
    CV_HEADERS(&c, S, 0, 1, ":status", "103", "link", "</s.css>");
    CV_HEADERS(&c, S, 0, 1, ":status", "200");
    cv_data(&c, S, 0, 1, "resp");
    CV_HEADERS(&c, S, H2_END_STREAM, 1, "grpc-status", "0", "grpc-message",
               "ok");
    cv_check(&c, false,
             "[s1 i0 q:POST /grpc b3:req Tx-checksum=abc 1xx:103 b0: "
             "r:200 b4:resp Tgrpc-status=0 Tgrpc-message=ok]\n");
    cv_free(&c);
}
END_TEST

START_TEST(test_conn_rst_stream)
{
    struct convo c;
    cv_init(&c);
    CV_HEADERS(&c, C, 0, 1, ":method", "PUT", ":scheme", "http", ":path", "/up",
               ":authority", "h");
    cv_data(&c, C, 0, 1, "part");
    u32_frame(&c.out[S], H2_RST_STREAM, 1, 8); /* CANCEL */
    cv_step(&c, S);
    cv_data(&c, C, H2_END_STREAM, 1, "late"); /* after the reset: dropped */
    cv_check(&c, false,
             "[s1 i0 q:PUT /up b4:part r:- err8 no_response "
             "h2_reset]\n");
    cv_free(&c);
}
END_TEST

START_TEST(test_conn_goaway)
{
    struct convo c;
    cv_init(&c);
    CV_HEADERS(&c, C, H2_END_STREAM, 1, ":method", "GET", ":scheme", "http",
               ":path", "/1", ":authority", "h");
    CV_HEADERS(&c, C, H2_END_STREAM, 3, ":method", "GET", ":scheme", "http",
               ":path", "/3", ":authority", "h");
    goaway_frame(&c.out[S], 1, 0);
    cv_step(&c, S);
    CV_HEADERS(&c, S, H2_END_STREAM, 1, ":status", "204");
    cv_check(&c, false,
             "[s1 i0 q:GET /1 b0: r:204 b0:]\n"
             "[s3 i1 q:GET /3 b0: r:- no_response h2_goaway]\n");
    cv_free(&c);
}
END_TEST

START_TEST(test_conn_push)
{
    struct convo c;
    cv_init(&c);
    CV_HEADERS(&c, C, H2_END_STREAM, 1, ":method", "GET", ":scheme", "https",
               ":path", "/", ":authority", "h");
    block(c.enc[S], &c.hb, ":method", "GET", ":scheme", "https", ":path",
          "/style.css", ":authority", "h", NULL);
    push_frame(&c.out[S], 1, 2, &c.hb);
    cv_step(&c, S);
    CV_HEADERS(&c, S, 0, 1, ":status", "200");
    CV_HEADERS(&c, S, 0, 2, ":status", "200", "content-type", "text/css");
    cv_data(&c, S, H2_END_STREAM, 2, "css");
    cv_data(&c, S, H2_END_STREAM, 1, "html");
    cv_check(&c, false,
             "[s1 i0 q:GET / b0: r:200 b4:html]\n"
             "[s2 i1 q:GET /style.css b0: r:200 b3:css by1 h2_pushed]\n");
    cv_free(&c);
}
END_TEST

START_TEST(test_conn_end_stream_on_headers)
{
    struct convo c;
    cv_init(&c);
    CV_HEADERS(&c, C, H2_END_STREAM, 1, ":method", "HEAD", ":scheme", "http",
               ":path", "/h", ":authority", "h");
    CV_HEADERS(&c, S, H2_END_STREAM, 1, ":status", "200", "content-length",
               "10");
    /* Emitted without the end of the connection. */
    cv_check(&c, false, "[s1 i0 q:HEAD /h b0: r:200 b0:]\n");
    /* A stream left open is emitted at the end, incomplete. */
    CV_HEADERS(&c, C, 0, 3, ":method", "GET", ":scheme", "http", ":path",
               "/open", ":authority", "h");
    cv_check(&c, true,
             "[s1 i0 q:HEAD /h b0: r:200 b0:]\n"
             "[s3 i1 q:GET /open b0: r:- incomplete "
             "no_response]\n");
    cv_free(&c);
}
END_TEST

static Suite *h2_suite(void)
{
    Suite *s = suite_create("h2");
    TCase *hp = tcase_create("hpack");
    tcase_add_test(hp, test_rfc7541_requests);
    tcase_add_test(hp, test_rfc7541_responses);
    tcase_add_test(hp, test_rfc7541_responses_no_update);
    tcase_add_test(hp, test_hpack_unknown_table);
    tcase_add_test(hp, test_hpack_invalid);
    tcase_add_test(hp, test_hpack_list_cap);
    suite_add_tcase(s, hp);
    TCase *fr = tcase_create("frames");
    tcase_add_test(fr, test_reader_splits);
    tcase_add_test(fr, test_reader_gap_in_data);
    tcase_add_test(fr, test_reader_gap_over_header);
    tcase_add_test(fr, test_reader_gap_in_frame);
    tcase_add_test(fr, test_reader_oversized);
    tcase_add_test(fr, test_frame_plausible);
    suite_add_tcase(s, fr);
    TCase *cn = tcase_create("conn");
    tcase_add_test(cn, test_conn_interleaved);
    tcase_add_test(cn, test_conn_trailers_interim);
    tcase_add_test(cn, test_conn_rst_stream);
    tcase_add_test(cn, test_conn_goaway);
    tcase_add_test(cn, test_conn_push);
    tcase_add_test(cn, test_conn_end_stream_on_headers);
    suite_add_tcase(s, cn);
    return s;
}

SIFT_CHECK_MAIN(h2_suite)
