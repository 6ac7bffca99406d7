/* SPDX-License-Identifier: MIT */
/* Cipher suites (IANA TLS Cipher Suites registry): how each one protects
 * records, which is all a passive reader needs of it. */
#ifndef SIFT_TLS_SUITES_H
#define SIFT_TLS_SUITES_H

#include <stdbool.h>
#include <stdint.h>

enum tls_bulk {
    TLS_BULK_NONE = 0,  /* not decrypted here (RC4, ARIA, export...) */
    TLS_BULK_NULL,      /* integrity only */
    TLS_BULK_AES_GCM,
    TLS_BULK_AES_CCM,
    TLS_BULK_AES_CCM_8,
    TLS_BULK_CHACHA20_POLY1305,
    TLS_BULK_AES_CBC,
    TLS_BULK_CAMELLIA_CBC,
    TLS_BULK_3DES_CBC,
};

enum tls_hash { TLS_HASH_NONE = 0, TLS_HASH_MD5, TLS_HASH_SHA1,
                TLS_HASH_SHA256, TLS_HASH_SHA384 };

struct tls_suite {
    uint16_t id;
    const char *name;     /* IANA name */
    enum tls_bulk bulk;
    uint8_t key_len;      /* bulk key bytes */
    enum tls_hash mac;    /* CBC and NULL suites: the HMAC hash */
    enum tls_hash prf;    /* TLS 1.2 PRF / TLS 1.3 HKDF hash */
    bool tls13;           /* a TLS 1.3 suite */
};

/* The suite, or NULL when it is not in the table. */
const struct tls_suite *tls_suite_find(uint16_t id);

bool tls_suite_is_aead(const struct tls_suite *s);
bool tls_suite_is_cbc(const struct tls_suite *s);

/* Bytes of a hash's output. */
unsigned tls_hash_len(enum tls_hash h);
/* The OpenSSL name of a hash ("SHA256"). */
const char *tls_hash_name(enum tls_hash h);

/* GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa. */
bool tls_is_grease(uint16_t v);

#endif
