/* SPDX-License-Identifier: MIT */
/* JA3 and JA4 client fingerprints (tls_fingerprint.h): JA3 as the
 * salesforce/ja3 README defines it, JA4 as FoxIO's technical_details/JA4.md
 * does ("Details" for each field), GREASE per RFC 8701 §2. The digests
 * come from libcrypto; this file only arranges the text they cover. */
#include "tls_fingerprint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static const char hexdig[] = "0123456789abcdef";

/* A bounded text: writes what fits before the NUL, counts everything. */
struct text {
    char *p;
    size_t cap, len;
};

static void put_char(struct text *t, char c)
{
    if (t->len + 1 < t->cap)
        t->p[t->len] = c;
    t->len++;
}

static void put_str(struct text *t, const char *s)
{
    while (*s != '\0')
        put_char(t, *s++);
}

static void put_dec(struct text *t, unsigned v)
{
    char d[10]; /* the digits of a 32-bit unsigned */
    size_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        put_char(t, d[--n]);
}

static void put_hex4(struct text *t, uint16_t v)
{
    for (int shift = 12; shift >= 0; shift -= 4)
        put_char(t, hexdig[(v >> shift) & 0xf]);
}

/* Puts the NUL where the text ends or was cut; returns the whole length. */
static size_t finish(struct text *t)
{
    if (t->cap > 0)
        t->p[t->len < t->cap ? t->len : t->cap - 1] = '\0';
    return t->len;
}

/* RFC 8701 §2: 0x0A0A, 0x1A1A, ..., 0xFAFA. */
static bool grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A count as far as the array holding it goes. */
static size_t kept(size_t count, size_t cap)
{
    return count < cap ? count : cap;
}

/* --- JA3 --------------------------------------------------------------- */

/* Decimal values joined by '-', GREASE left out. */
static void put_dec_list(struct text *t, const uint16_t *v, size_t n)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (grease(v[i]))
            continue;
        if (!first)
            put_char(t, '-');
        put_dec(t, v[i]);
        first = false;
    }
}

size_t tls_ja3(const struct tls_client_hello *h, char *out, size_t cap)
{
    struct text t = {out, cap, 0};
    put_dec(&t, h->legacy_version);
    put_char(&t, ',');
    put_dec_list(&t, h->suites, kept(h->suite_count, TLS_MAX_SUITES));
    put_char(&t, ',');
    put_dec_list(&t, h->extensions,
                 kept(h->extension_count, TLS_MAX_EXTENSIONS));
    put_char(&t, ',');
    put_dec_list(&t, h->groups, kept(h->group_count, TLS_MAX_GROUPS));
    put_char(&t, ',');
    /* Point formats are single bytes: no GREASE value can occur. */
    size_t n = kept(h->point_format_count, TLS_MAX_POINT_FORMATS);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            put_char(&t, '-');
        put_dec(&t, h->point_formats[i]);
    }
    return finish(&t);
}

/* Lower-case hex of the first n bytes of a digest of s; false when
 * libcrypto cannot make it. */
static bool digest_hex(const EVP_MD *md, const char *s, size_t len, size_t n,
                       char *out)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (md == NULL || EVP_Digest(s, len, d, &dlen, md, NULL) != 1 || dlen < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdig[d[i] >> 4];
        out[2 * i + 1] = hexdig[d[i] & 0xf];
    }
    out[2 * n] = '\0';
    return true;
}

void tls_ja3_hash(const char *ja3, char out[TLS_JA3_HASH_SIZE])
{
    if (!digest_hex(EVP_md5(), ja3, strlen(ja3), 16, out))
        out[0] = '\0';
}

/* --- JA4 --------------------------------------------------------------- */

/* "TLS and DTLS Version": the highest supported_versions value that is
 * not GREASE, else the legacy version. */
static const char *ja4_version(const struct tls_client_hello *h)
{
    uint16_t v = h->legacy_version;
    bool found = false;
    size_t n = kept(h->version_count, TLS_MAX_HELLO_VERSIONS);
    for (size_t i = 0; i < n; i++) {
        if (!grease(h->versions[i]) && (!found || h->versions[i] > v)) {
            v = h->versions[i];
            found = true;
        }
    }
    switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    case 0x0002: return "s2";
    case 0xfeff: return "d1";
    case 0xfefd: return "d2";
    case 0xfefc: return "d3";
    default: return "00";
    }
}

/* "Number of Ciphers" / "Number of Extensions": the values that are not
 * GREASE; those past the cap are unknown and counted. At most 99. */
static unsigned ja4_count(const uint16_t *v, size_t count, size_t total,
                          size_t cap)
{
    size_t n = kept(count, cap), c = 0;
    for (size_t i = 0; i < n; i++)
        c += !grease(v[i]);
    if (total > n)
        c += total - n;
    return c > 99 ? 99 : (unsigned)c;
}

static bool has_extension(const struct tls_client_hello *h, uint16_t type)
{
    size_t n = kept(h->extension_count, TLS_MAX_EXTENSIONS);
    for (size_t i = 0; i < n; i++)
        if (h->extensions[i] == type)
            return true;
    return false;
}

static bool alnum(uint8_t b)
{
    return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') ||
           (b >= 'a' && b <= 'z');
}

/* "ALPN Extension Value": the first and last bytes of the first protocol
 * name when both are ASCII alphanumeric, else the first and last digits
 * of its hex; "00" when there is none, it is empty or it overruns the
 * list (its last byte is unknown). h->alpn is the ProtocolNameList
 * without its 2-byte length. */
static void ja4_alpn(const struct tls_client_hello *h, char out[2])
{
    size_t len = kept(h->alpn_len, TLS_MAX_ALPN);
    out[0] = out[1] = '0';
    if (!h->has_alpn || len < 2)
        return;
    size_t n = h->alpn[0];
    if (n == 0 || n > len - 1)
        return;
    uint8_t first = h->alpn[1], last = h->alpn[n];
    if (alnum(first) && alnum(last)) {
        out[0] = (char)first;
        out[1] = (char)last;
    } else {
        out[0] = hexdig[first >> 4];
        out[1] = hexdig[last & 0xf];
    }
}

/* JA4_a, e.g. "t13d1516h2". */
static void ja4_head(const struct tls_client_hello *h, bool quic, char head[11])
{
    const char *v = ja4_version(h);
    unsigned nc =
        ja4_count(h->suites, h->suite_count, h->suite_total, TLS_MAX_SUITES);
    unsigned ne = ja4_count(h->extensions, h->extension_count,
                            h->extension_total, TLS_MAX_EXTENSIONS);
    bool sni = h->has_sni || has_extension(h, TLS_EXT_SERVER_NAME);
    head[0] = quic ? 'q' : 't';
    head[1] = v[0];
    head[2] = v[1];
    head[3] = sni ? 'd' : 'i';
    head[4] = (char)('0' + nc / 10);
    head[5] = (char)('0' + nc % 10);
    head[6] = (char)('0' + ne / 10);
    head[7] = (char)('0' + ne % 10);
    ja4_alpn(h, head + 8);
    head[10] = '\0';
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* 4-digit hex values joined by ','; sorted first when sort is set, with
 * GREASE (and SNI and ALPN when drop_sni_alpn) left out. Returns how
 * many were put. */
static size_t put_hex_list(struct text *t, const uint16_t *v, size_t n,
                           bool sort, bool drop_sni_alpn)
{
    uint16_t tmp[TLS_MAX_SUITES]; /* the largest of the capped lists */
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof tmp / sizeof tmp[0]; i++) {
        bool drop = drop_sni_alpn &&
                    (v[i] == TLS_EXT_SERVER_NAME || v[i] == TLS_EXT_ALPN);
        if (!grease(v[i]) && !drop)
            tmp[m++] = v[i];
    }
    if (sort)
        qsort(tmp, m, sizeof tmp[0], cmp_u16);
    for (size_t i = 0; i < m; i++) {
        if (i > 0)
            put_char(t, ',');
        put_hex4(t, tmp[i]);
    }
    return m;
}

/* JA4_b in clear: the sorted cipher list. Returns how many ciphers. */
static size_t put_ciphers(struct text *t, const struct tls_client_hello *h)
{
    return put_hex_list(t, h->suites, kept(h->suite_count, TLS_MAX_SUITES),
                        true, false);
}

/* JA4_c in clear: the sorted extensions less SNI and ALPN, then '_' and
 * the signature algorithms in wire order when there are any ("if there
 * are no signature algorithms ... the string ends without an
 * underscore"). Returns how many extensions. */
static size_t put_exts_sigs(struct text *t, const struct tls_client_hello *h)
{
    size_t ne =
        put_hex_list(t, h->extensions,
                     kept(h->extension_count, TLS_MAX_EXTENSIONS), true, true);
    size_t ns = kept(h->sig_alg_count, TLS_MAX_SIGALGS);
    bool any = false;
    for (size_t i = 0; i < ns && !any; i++)
        any = !grease(h->sig_algs[i]);
    if (any) {
        put_char(t, '_');
        put_hex_list(t, h->sig_algs, ns, false, false);
    }
    return ne;
}

size_t tls_ja4_raw(const struct tls_client_hello *h, bool quic, char *out,
                   size_t cap)
{
    struct text t = {out, cap, 0};
    char head[11];
    ja4_head(h, quic, head);
    put_str(&t, head);
    put_char(&t, '_');
    put_ciphers(&t, h);
    put_char(&t, '_');
    put_exts_sigs(&t, h);
    return finish(&t);
}

/* The first 12 hex digits of the SHA-256 of a list, or 12 zeros when the
 * list is empty ("makes it clear to the user when a field has no
 * values"); zeros too if libcrypto fails, which SHA-256 does not. */
static void put_hash12(struct text *t, const struct text *list, size_t n)
{
    char hex[13];
    if (n == 0 || list->len >= list->cap ||
        !digest_hex(EVP_sha256(), list->p, list->len, 6, hex))
        memcpy(hex, "000000000000", sizeof hex);
    put_str(t, hex);
}

void tls_ja4(const struct tls_client_hello *h, bool quic,
             char out[TLS_JA4_SIZE])
{
    char buf[TLS_JA4_RAW_MAX];
    struct text t = {out, TLS_JA4_SIZE, 0};
    char head[11];
    ja4_head(h, quic, head);
    put_str(&t, head);
    put_char(&t, '_');
    struct text list = {buf, sizeof buf, 0};
    size_t n = put_ciphers(&list, h);
    put_hash12(&t, &list, n);
    put_char(&t, '_');
    list.len = 0;
    n = put_exts_sigs(&list, h);
    put_hash12(&t, &list, n);
    finish(&t);
}
