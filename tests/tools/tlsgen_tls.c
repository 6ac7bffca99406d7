/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: what makes OpenSSL deterministic, and the TLS configuration.
 *
 *  - a RAND_METHOD whose bytes are a SHA-256 counter stream from a seed
 *    (RAND_set_rand_method is deprecated in OpenSSL 3.0 but still consulted
 *    by RAND_bytes_ex and RAND_priv_bytes_ex, which every key generation,
 *    nonce, client/server random and ticket key goes through);
 *  - time(): defined here, so it replaces the C library's for libssl too
 *    (ELF symbol interposition). OpenSSL 3.0 reads the clock only through
 *    time() for session times, ticket ages and lifetimes; it follows the
 *    capture's clock, so ticket ages match the packet timestamps;
 *  - fixed test keys (below, made once with `openssl genpkey`; they protect
 *    nothing) and self-signed certificates built from them at start with
 *    fixed names, serials and validity (2026-01-01 to 2036-01-01).
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "tlsgen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

/* ---- deterministic randomness ------------------------------------------ */

static unsigned char g_seed[32];
static uint64_t g_ctr;
static unsigned char g_blk[32];
static size_t g_used = 32;

void rand_reseed(const char *label)
{
    struct buf b = {0};
    buf_printf(&b, "pcapsift-tlsgen-rand:%s", label);
    sha256_raw(b.p, b.len, g_seed);
    buf_free(&b);
    g_ctr = 0;
    g_used = 32;
}

/* block i of the stream is SHA-256(seed || i as 8 bytes big-endian) */
static int det_bytes(unsigned char *out, int num)
{
    size_t n = num > 0 ? (size_t)num : 0;
    while (n) {
        size_t m;
        if (g_used == sizeof g_blk) {
            unsigned char in[40];
            memcpy(in, g_seed, 32);
            for (int i = 0; i < 8; i++)
                in[32 + i] = (unsigned char)(g_ctr >> (56 - 8 * i));
            g_ctr++;
            sha256_raw(in, sizeof in, g_blk);
            g_used = 0;
        }
        m = sizeof g_blk - g_used;
        if (m > n)
            m = n;
        memcpy(out, g_blk + g_used, m);
        g_used += m;
        out += m;
        n -= m;
    }
    return 1;
}

/* seeding and entropy input are ignored: they would break determinism */
static int det_seed(const void *buf, int num)
{
    (void)buf;
    (void)num;
    return 1;
}

static int det_add(const void *buf, int num, double entropy)
{
    (void)buf;
    (void)num;
    (void)entropy;
    return 1;
}

static int det_status(void)
{
    return 1;
}

static const RAND_METHOD det_method = {det_seed, det_bytes, NULL,
                                       det_add,  det_bytes, det_status};

void rand_install(void)
{
    unsigned char a[16], b[16];
    if (!RAND_set_rand_method(&det_method))
        die_ssl("RAND_set_rand_method");
    /* the stream must really be the one OpenSSL uses */
    rand_reseed("self-test");
    if (RAND_bytes(a, sizeof a) != 1 || RAND_priv_bytes(b, sizeof b) != 1)
        die_ssl("RAND_bytes");
    rand_reseed("self-test");
    det_bytes(b, sizeof b);
    if (memcmp(a, b, sizeof a) != 0)
        die("RAND_bytes does not use the deterministic RAND_METHOD");
}

/* ---- the clock ---------------------------------------------------------- */

static const struct net *g_clock;

void clock_follow(const struct net *n)
{
    g_clock = n;
}

/* Replaces the C library's time() in the whole process (libssl too). */
time_t time(time_t *t)
{
    time_t v = (time_t)(g_clock ? g_clock->clock_us / 1000000 : TG_EPOCH);
    if (t)
        *t = v;
    return v;
}

void clock_check(void)
{
    SSL_SESSION *s = SSL_SESSION_new();
    if (!s)
        die_ssl("SSL_SESSION_new");
    if ((uint64_t)SSL_SESSION_get_time(s) != (uint64_t)time(NULL))
        die("libssl does not use this program's time() (link it so that "
            "the executable exports time, e.g. with -rdynamic)");
    SSL_SESSION_free(s);
}

/* ---- keys and certificates --------------------------------------------- */

static const char ec_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwkyASnhDFPq6ZZqf\n"
    "emEZVaXouCVvV49hief4NB5diVWhRANCAASW3T9Zq9OZcibrKxT1QQ5jJgErz46j\n"
    "GoLYTqlQWKzNKj4P3OSRzHFuJCzy/XHlcoGp/DIGwovFA+47E4cz8wBV\n"
    "-----END PRIVATE KEY-----\n";

static const char rsa_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC3YlJqMIiQbWf3\n"
    "TCGNcX0oh8R2aoztlYnIsIQKh8s9MhtPjdf2pvgFCDJDI0SsVKlo7H7B/oXiMXkH\n"
    "Kr8kCSP+M9xvWxFqx0Uaa0HM73fErrNyz5rZaKCEoghpcYMu8fviEgNYSQZoi0Rp\n"
    "GRerv2ABHSefTUTnSBHzLjC9Og63011Q8lmYbSzznN2XSzf9n+iuQEXcx6wVJxm7\n"
    "RQ//3fSDurEySlaRHu8ruDCyq9ZzuZ3eavufPi/n/OsDjozKMYwXqfIFBFaR2BMl\n"
    "IFCyOGe2RBmC/NRrbbVBQOcFiGGuYwIj613mleHG1PIXlq5AzD4eIfL7NPkhq9rO\n"
    "GkqPMnbXAgMBAAECggEAShqmORkBpnM/hvQxvsl0jRNH9Z4a8srx0bJauTKkk0cT\n"
    "ODOWaKqSIN5uCSlQT98qUib3Fgd3LK9XO+kvMi2raMamNi1zvVVm/EUJYvoFyOnb\n"
    "w/JWnbIk41Pi2FExdJ/+bB1hUqS3vTlB3MJyCUodTnXsk/gSdu9tqXop4d17IxbM\n"
    "C7QXnCRB5/1yup1z5/LG+K9QdvOfkM9aTHvJgk3JNKKWVk8FIp8wUjF7cXfobj0h\n"
    "xXO8QyIU9IfG4sQZPCb1tJqzcyMvOXHKU2EEEg7MRvIdccop4lYvmpKdSwl0iCBl\n"
    "G/rjhW0mWl99K6Kjv8/hRHens1JKIE9Da7gh+Zt3WQKBgQDkecvznqUN5NziBFvM\n"
    "/F25pzBl9XUkStzmDK9NXAnYUM3J9o7vUHtrL06r7V999TYu6ApI+iWXjDINgGb3\n"
    "DU6g7IN9oEGiQri4RNfziGp+d8RV1n4RdRXQ9iGFmIpqWdT2ElHQWM7kKFWEUZsU\n"
    "HvWrjD7kv6RTzd7OxVUWHZjitQKBgQDNeeUqTTmT1lAiKY7fcdQyubUQuhdz9bj6\n"
    "1ZuvnYD2hjIADuArsz4YKUlNrmx3/Ipzh3BtmQncyEh1iIoAFkzlC034mt4xTTBj\n"
    "xIlKPETOibEM6xwAVJ7sIC54rV+3/7jAdnrxlxbjGUFTUJMLbgYpC8/u+J/CkB3c\n"
    "ueewQXwu2wKBgQCU8eHHvBCV8jEdFwJRq+Pd9+RRU6c+NZ+0SWiu4eV5I5REqXuc\n"
    "/7a1tW1wH5s1HfposdSippCDL14h9ycov4AW4JkH+MVQ5nZNinPNy4zBTYqs+tvM\n"
    "vauvQgWwdjUmB9IRaPf0/zBBBRpa3GhgwZ4ea5tEvLp/96Hc4kAJ3tmgUQKBgDCW\n"
    "V1s2YZwUvGQnoZIyr3PDOA6Zgnw4KaKeqi7PtrQUrXQYEGgk/VTnRl8pFJsWy4Jg\n"
    "D3TLEGr1rTSlscQtgcdTcf+MV2gfEYc17STxtW+FXalpWvi1CdNaFMMSdCTlQkG4\n"
    "gn/oM1BGI41Y6zxzqt8/3M5sWhK+02DjUOb7xSqrAoGABNrmrwQctU78Hn6JS7YN\n"
    "NvjD2BTXDyAYlb2y3BwE2vDEV/x9V9G/44Z3g5tViJhY8B5bplqFYckuoJBEv6/t\n"
    "HtWX8LtybcG6dG0UJ7F/R8XEJtjB9ik33HlrAnGeLnr2vL6Hny6WHNDNX1c8i7X6\n"
    "agY2SjBoiZWLEBldU6faHbg=\n"
    "-----END PRIVATE KEY-----\n";

static EVP_PKEY *g_key[2];
static X509 *g_cert[2];

void die_ssl(const char *what)
{
    fprintf(stderr, "tlsgen: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static EVP_PKEY *load_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    if (!k)
        die_ssl("loading a built-in key");
    BIO_free(b);
    return k;
}

static void name_add(X509_NAME *nm, const char *field, const char *v)
{
    if (!X509_NAME_add_entry_by_txt(nm, field, MBSTRING_ASC,
                                    (const unsigned char *)v, -1, -1, 0))
        die_ssl("X509_NAME_add_entry_by_txt");
}

static void ext_add(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *e;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!e || !X509_add_ext(x, e, -1))
        die_ssl("adding a certificate extension");
    X509_EXTENSION_free(e);
}

/* A self-signed server certificate for www.pcapsift.test. */
static X509 *make_cert(EVP_PKEY *key, long serial, const char *org)
{
    X509 *x = X509_new();
    X509_NAME *nm;
    if (!x || !X509_set_version(x, X509_VERSION_3) ||
        !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
        !ASN1_TIME_set_string(X509_getm_notBefore(x), "260101000000Z") ||
        !ASN1_TIME_set_string(X509_getm_notAfter(x), "360101000000Z") ||
        !X509_set_pubkey(x, key))
        die_ssl("building a certificate");
    nm = X509_get_subject_name(x);
    name_add(nm, "C", "ZZ");
    name_add(nm, "O", org);
    name_add(nm, "CN", "www.pcapsift.test");
    if (!X509_set_issuer_name(x, nm))
        die_ssl("X509_set_issuer_name");
    ext_add(x, NID_basic_constraints, "critical,CA:FALSE");
    ext_add(x, NID_subject_alt_name, "DNS:www.pcapsift.test");
    if (!X509_sign(x, key, EVP_sha256()))
        die_ssl("X509_sign");
    return x;
}

void tls_certs_init(void)
{
    rand_reseed("certificates");
    g_key[0] = load_key(rsa_key_pem);
    g_key[1] = load_key(ec_key_pem);
    g_cert[0] = make_cert(g_key[0], 0x7e5701, "pcapsift tlsgen RSA");
    g_cert[1] = make_cert(g_key[1], 0x7e5702, "pcapsift tlsgen ECDSA");
}

/* ---- key log ------------------------------------------------------------ */

static int g_keyconn;

void keylog_set_conn(int conn)
{
    g_keyconn = conn;
}

static void keylog_cb(const SSL *ssl, const char *line)
{
    struct tlsctx *x = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    struct keylog *k = x->log;
    size_t n = strlen(line);
    xgrow((void **)&k->l, &k->cap, k->n + 1, sizeof *k->l);
    k->l[k->n].conn = g_keyconn;
    k->l[k->n].text = xmalloc(n + 1);
    memcpy(k->l[k->n].text, line, n + 1);
    k->n++;
}

/* Whether a line's label is skip (or, if skip starts with '_', ends so). */
static int label_is(const char *line, const char *skip)
{
    const char *sp = strchr(line, ' ');
    size_t ll = sp ? (size_t)(sp - line) : strlen(line), sl = strlen(skip);
    if (skip[0] == '_')
        return ll >= sl && memcmp(line + ll - sl, skip, sl) == 0;
    return ll == sl && memcmp(line, skip, sl) == 0;
}

int keylog_has(const struct keylog *k, const char *label)
{
    for (size_t i = 0; i < k->n; i++)
        if (label_is(k->l[i].text, label))
            return 1;
    return 0;
}

void keylog_write(const struct keylog *k, const char *path, int only_conn,
                  const char *skip_label)
{
    struct buf b = {0};
    for (size_t i = 0; i < k->n; i++) {
        const char *t = k->l[i].text;
        if (only_conn && k->l[i].conn != only_conn)
            continue;
        if (skip_label && label_is(t, skip_label))
            continue;
        buf_puts(&b, t);
        buf_puts(&b, "\n");
    }
    write_file(path, b.p, b.len);
    buf_free(&b);
}

void keylog_free(struct keylog *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->l[i].text);
    free(k->l);
    memset(k, 0, sizeof *k);
}

/* ---- SSL_CTX pairs ------------------------------------------------------ */

void tlsopt_default(struct tlsopt *o)
{
    memset(o, 0, sizeof *o);
    o->seclevel = -1;
    o->certs = CERT_RSA | CERT_EC;
    o->num_tickets = -1;
}

/* The client keeps every session it is given (TLS 1.3: one per ticket). */
static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
    struct tlsctx *x = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    if (x->nsess >= sizeof x->sess / sizeof x->sess[0])
        return 0;
    x->sess[x->nsess++] = sess;
    return 1; /* we keep the reference */
}

static void ctx_common(SSL_CTX *c, const struct tlsopt *o, const char *suites,
                       const char *ciphers, const char *groups, uint64_t opt)
{
    if (o->seclevel >= 0)
        SSL_CTX_set_security_level(c, o->seclevel);
    if ((o->minv && !SSL_CTX_set_min_proto_version(c, o->minv)) ||
        (o->maxv && !SSL_CTX_set_max_proto_version(c, o->maxv)))
        die_ssl("setting protocol versions");
    if (suites && !SSL_CTX_set_ciphersuites(c, suites))
        die_ssl("SSL_CTX_set_ciphersuites");
    if (ciphers && !SSL_CTX_set_cipher_list(c, ciphers))
        die_ssl("SSL_CTX_set_cipher_list");
    if (groups && !SSL_CTX_set1_groups_list(c, groups))
        die_ssl("SSL_CTX_set1_groups_list");
    if (opt)
        SSL_CTX_set_options(c, opt);
    if (o->max_frag && !SSL_CTX_set_max_send_fragment(c, o->max_frag))
        die_ssl("SSL_CTX_set_max_send_fragment");
    if (o->block_pad && !SSL_CTX_set_block_padding(c, o->block_pad))
        die_ssl("SSL_CTX_set_block_padding");
}

void tlsctx_new(struct tlsctx *x, const struct tlsopt *o, struct keylog *log)
{
    memset(x, 0, sizeof *x);
    x->log = log;
    x->c = SSL_CTX_new(TLS_client_method());
    x->s = SSL_CTX_new(TLS_server_method());
    if (!x->c || !x->s)
        die_ssl("SSL_CTX_new");
    ctx_common(x->c, o, o->suites_c, o->ciphers_c, o->groups_c, o->opt_c);
    ctx_common(x->s, o, o->suites_s, o->ciphers_s, o->groups_s, o->opt_s);
    SSL_CTX_set_app_data(x->c, x);
    SSL_CTX_set_app_data(x->s, x);
    /* client: no verification (self-signed), key log, keep sessions */
    SSL_CTX_set_verify(x->c, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_keylog_callback(x->c, keylog_cb);
    SSL_CTX_set_session_cache_mode(x->c, SSL_SESS_CACHE_CLIENT |
                                             SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(x->c, new_session_cb);
    if (o->mfl &&
        !SSL_CTX_set_tlsext_max_fragment_length(x->c, (uint8_t)o->mfl))
        die_ssl("SSL_CTX_set_tlsext_max_fragment_length");
    /* server: certificates, session cache, tickets, early data */
    for (int i = 0; i < 2; i++) {
        if (!(o->certs & (1 << i)))
            continue;
        if (!SSL_CTX_use_certificate(x->s, g_cert[i]) ||
            !SSL_CTX_use_PrivateKey(x->s, g_key[i]))
            die_ssl("loading the server certificate");
    }
    if (!SSL_CTX_set_session_id_context(x->s, (const unsigned char *)"tlsgen",
                                        6))
        die_ssl("SSL_CTX_set_session_id_context");
    if (o->num_tickets >= 0 &&
        !SSL_CTX_set_num_tickets(x->s, (size_t)o->num_tickets))
        die_ssl("SSL_CTX_set_num_tickets");
    if (o->max_early && !SSL_CTX_set_max_early_data(x->s, o->max_early))
        die_ssl("SSL_CTX_set_max_early_data");
}

void tlsctx_free(struct tlsctx *x)
{
    for (size_t i = 0; i < x->nsess; i++)
        SSL_SESSION_free(x->sess[i]);
    SSL_CTX_free(x->c);
    SSL_CTX_free(x->s);
    memset(x, 0, sizeof *x);
}
