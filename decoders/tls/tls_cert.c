/* SPDX-License-Identifier: MIT */
/* Server certificate summaries (RFC 5280 §4.1): the DER is parsed by
 * libcrypto (d2i_X509), whose ASN.1 decoder is fuzzed and maintained far
 * beyond what one would write here; this file only picks out the fields a
 * report shows, with bounded lengths. */
#include "tls_cert.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Names longer than this are cut: a report line, not an archive. */
#define MAX_NAME 1024

static char *dup_text(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static char *name_text(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return dup_text("", 0);
    /* RFC 2253 order and escaping; UTF-8 kept as UTF-8. */
    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *p;
    long n = BIO_get_mem_data(b, &p);
    char *s = dup_text(p, n > 0 ? (size_t)(n < MAX_NAME ? n : MAX_NAME) : 0);
    BIO_free(b);
    return s;
}

/* The last commonName of a name (the most specific), as UTF-8. */
static char *cn_text(const X509_NAME *name)
{
    int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1), last = -1;
    while (i >= 0) {
        last = i;
        i = X509_NAME_get_index_by_NID(name, NID_commonName, i);
    }
    if (last < 0)
        return dup_text("", 0);
    const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, last);
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (n < 0)
        return dup_text("", 0);
    size_t m = (size_t)n < MAX_NAME ? (size_t)n : MAX_NAME;
    for (size_t k = 0; k < m; k++) /* no control bytes in a report */
        if (utf8[k] < 0x20 || utf8[k] == 0x7f)
            utf8[k] = '?';
    char *s = dup_text((const char *)utf8, m);
    OPENSSL_free(utf8);
    return s;
}

static int64_t time_of(const ASN1_TIME *t)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return (int64_t)timegm(&tm);
}

/* DNS names of subjectAltName, comma-separated. */
static char *san_text(X509 *x)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
                                            NULL);
    char buf[MAX_NAME];
    size_t o = 0;
    for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type != GEN_DNS)
            continue;
        const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
        size_t n = (size_t)ASN1_STRING_length(g->d.dNSName);
        if (o + n + 2 > sizeof buf)
            break;
        if (o > 0)
            buf[o++] = ',';
        for (size_t j = 0; j < n; j++) /* no control bytes in a report */
            buf[o++] = d[j] >= 0x20 && d[j] != 0x7f ? (char)d[j] : '?';
    }
    GENERAL_NAMES_free(names);
    return dup_text(buf, o);
}

bool tls_cert_summarize(const uint8_t *der, size_t len,
                        struct tls_cert_summary *out)
{
    memset(out, 0, sizeof *out);
    unsigned int n = 0;
    EVP_Digest(der, len, out->sha256, &n, EVP_sha256(), NULL);
    const unsigned char *p = der;
    X509 *x = len <= (size_t)INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (x == NULL) {
        out->subject = dup_text("", 0);
        out->issuer = dup_text("", 0);
        out->san = dup_text("", 0);
        out->subject_cn = dup_text("", 0);
        out->issuer_cn = dup_text("", 0);
        return false;
    }
    out->subject = name_text(X509_get_subject_name(x));
    out->issuer = name_text(X509_get_issuer_name(x));
    out->subject_cn = cn_text(X509_get_subject_name(x));
    out->issuer_cn = cn_text(X509_get_issuer_name(x));
    out->san = san_text(x);
    out->not_before = time_of(X509_get0_notBefore(x));
    out->not_after = time_of(X509_get0_notAfter(x));
    X509_free(x);
    return out->subject != NULL && out->issuer != NULL && out->san != NULL &&
           out->subject_cn != NULL && out->issuer_cn != NULL;
}

void tls_cert_summary_free(struct tls_cert_summary *s)
{
    free(s->subject);
    free(s->issuer);
    free(s->san);
    free(s->subject_cn);
    free(s->issuer_cn);
    memset(s, 0, sizeof *s);
}

/* --- the cache ---------------------------------------------------------- */

struct cached {
    struct tls_cert_summary s;
    bool parsed;
};

struct tls_cert_cache {
    struct cached e[TLS_CERT_CACHE];
    size_t n;
};

struct tls_cert_cache *tls_cert_cache_new(void)
{
    return calloc(1, sizeof(struct tls_cert_cache));
}

void tls_cert_cache_free(struct tls_cert_cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        tls_cert_summary_free(&c->e[i].s);
    free(c);
}

const struct tls_cert_summary *tls_cert_lookup(struct tls_cert_cache *c,
                                               const uint8_t *der,
                                               size_t len,
                                               struct tls_cert_summary *own,
                                               bool *parsed)
{
    uint8_t fp[32];
    unsigned int n = 0;
    EVP_Digest(der, len, fp, &n, EVP_sha256(), NULL);
    for (size_t i = 0; c != NULL && i < c->n; i++)
        if (memcmp(c->e[i].s.sha256, fp, 32) == 0) {
            *parsed = c->e[i].parsed;
            return &c->e[i].s;
        }
    struct tls_cert_summary *out = own;
    bool *kept = parsed;
    if (c != NULL && c->n < TLS_CERT_CACHE) {
        out = &c->e[c->n].s;
        kept = &c->e[c->n].parsed;
        c->n++;
    }
    *kept = tls_cert_summarize(der, len, out);
    *parsed = *kept;
    return out;
}
