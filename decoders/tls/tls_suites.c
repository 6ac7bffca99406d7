/* SPDX-License-Identifier: MIT */
/* The cipher suites decrypted here, and the names of common ones that are
 * not (so that a connection can say which suite it could not read). From
 * the IANA TLS Cipher Suites registry; AEAD record protection per RFC 5288
 * (GCM), RFC 6655 and RFC 7251 (CCM), RFC 7905 (ChaCha20-Poly1305); CBC
 * with HMAC per RFC 5246 §6.2.3.2. */
#include "tls_suites.h"

#include <stddef.h>

#include "pcapsift/tls.h"

#define GCM TLS_BULK_AES_GCM
#define CCM TLS_BULK_AES_CCM
#define CCM8 TLS_BULK_AES_CCM_8
#define CHACHA TLS_BULK_CHACHA20_POLY1305
#define CBC TLS_BULK_AES_CBC
#define CAM TLS_BULK_CAMELLIA_CBC
#define DES3 TLS_BULK_3DES_CBC
#define NUL TLS_BULK_NULL
#define NONE TLS_BULK_NONE
#define H0 TLS_HASH_NONE
#define MD5 TLS_HASH_MD5
#define SHA1 TLS_HASH_SHA1
#define SHA256 TLS_HASH_SHA256
#define SHA384 TLS_HASH_SHA384

/* Sorted by id (tls_suite_find does a binary search). */
static const struct tls_suite suites[] = {
    {0x0001, "TLS_RSA_WITH_NULL_MD5", NUL, 0, MD5, SHA256, false},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", NUL, 0, SHA1, SHA256, false},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5", NONE, 16, MD5, SHA256, false},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", NONE, 16, SHA1, SHA256, false},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", DES3, 24, SHA1, SHA256, false},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", DES3, 24, SHA1, SHA256,
     false},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256, false},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256,
     false},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256,
     false},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256, false},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256,
     false},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256,
     false},
    {0x003b, "TLS_RSA_WITH_NULL_SHA256", NUL, 0, SHA256, SHA256, false},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", CBC, 16, SHA256, SHA256,
     false},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", CBC, 32, SHA256, SHA256,
     false},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", CAM, 16, SHA1, SHA256,
     false},
    {0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", CAM, 16, SHA1, SHA256,
     false},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", CBC, 16, SHA256, SHA256,
     false},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", CBC, 32, SHA256, SHA256,
     false},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", CAM, 32, SHA1, SHA256,
     false},
    {0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", CAM, 32, SHA1, SHA256,
     false},
    {0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256, false},
    {0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256, false},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", GCM, 16, H0, SHA256, false},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", GCM, 32, H0, SHA384, false},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", GCM, 16, H0, SHA256,
     false},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", GCM, 32, H0, SHA384,
     false},
    {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", GCM, 16, H0, SHA256, false},
    {0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", GCM, 32, H0, SHA384, false},
    {0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", CBC, 16, SHA256, SHA256,
     false},
    {0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", CBC, 32, SHA384, SHA384,
     false},
    {0x1301, "TLS_AES_128_GCM_SHA256", GCM, 16, H0, SHA256, true},
    {0x1302, "TLS_AES_256_GCM_SHA384", GCM, 32, H0, SHA384, true},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0, SHA256, true},
    {0x1304, "TLS_AES_128_CCM_SHA256", CCM, 16, H0, SHA256, true},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", CCM8, 16, H0, SHA256, true},
    {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", NONE, 16, SHA1, SHA256,
     false},
    {0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", DES3, 24, SHA1, SHA256,
     false},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256,
     false},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256,
     false},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", NONE, 16, SHA1, SHA256,
     false},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", DES3, 24, SHA1, SHA256,
     false},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256,
     false},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256,
     false},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", CBC, 16, SHA256,
     SHA256, false},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", CBC, 32, SHA384,
     SHA384, false},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", CBC, 16, SHA256, SHA256,
     false},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", CBC, 32, SHA384, SHA384,
     false},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", GCM, 16, H0, SHA256,
     false},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", GCM, 32, H0, SHA384,
     false},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", GCM, 16, H0, SHA256,
     false},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", GCM, 32, H0, SHA384,
     false},
    {0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", CBC, 16, SHA1, SHA256,
     false},
    {0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", CBC, 32, SHA1, SHA256,
     false},
    {0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", CBC, 16, SHA256, SHA256,
     false},
    {0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", CBC, 32, SHA384, SHA384,
     false},
    {0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", NONE, 16, H0, SHA256, false},
    {0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", NONE, 32, H0, SHA384, false},
    {0xc09c, "TLS_RSA_WITH_AES_128_CCM", CCM, 16, H0, SHA256, false},
    {0xc09d, "TLS_RSA_WITH_AES_256_CCM", CCM, 32, H0, SHA256, false},
    {0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", CCM, 16, H0, SHA256, false},
    {0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", CCM, 32, H0, SHA256, false},
    {0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", CCM8, 16, H0, SHA256, false},
    {0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", CCM8, 32, H0, SHA256, false},
    {0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", CCM8, 16, H0, SHA256, false},
    {0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", CCM8, 32, H0, SHA256, false},
    {0xc0a4, "TLS_PSK_WITH_AES_128_CCM", CCM, 16, H0, SHA256, false},
    {0xc0a5, "TLS_PSK_WITH_AES_256_CCM", CCM, 32, H0, SHA256, false},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", CCM, 16, H0, SHA256, false},
    {0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", CCM, 32, H0, SHA256, false},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", CCM8, 16, H0, SHA256,
     false},
    {0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", CCM8, 32, H0, SHA256,
     false},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0,
     SHA256, false},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0,
     SHA256, false},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0,
     SHA256, false},
    {0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0, SHA256,
     false},
    {0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0,
     SHA256, false},
    {0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0,
     SHA256, false},
    {0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", CHACHA, 32, H0,
     SHA256, false},
    {0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", GCM, 16, H0, SHA256,
     false},
    {0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", GCM, 32, H0, SHA384,
     false},
};

const struct tls_suite *tls_suite_find(uint16_t id)
{
    size_t lo = 0, hi = sizeof suites / sizeof suites[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (suites[mid].id == id)
            return &suites[mid];
        if (suites[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *sift_tls_cipher_name(uint16_t suite)
{
    const struct tls_suite *s = tls_suite_find(suite);
    return s != NULL ? s->name : NULL;
}

bool tls_suite_is_aead(const struct tls_suite *s)
{
    return s->bulk == GCM || s->bulk == CCM || s->bulk == CCM8 ||
           s->bulk == CHACHA;
}

bool tls_suite_is_cbc(const struct tls_suite *s)
{
    return s->bulk == CBC || s->bulk == CAM || s->bulk == DES3;
}

unsigned tls_hash_len(enum tls_hash h)
{
    switch (h) {
    case TLS_HASH_MD5: return 16;
    case TLS_HASH_SHA1: return 20;
    case TLS_HASH_SHA256: return 32;
    case TLS_HASH_SHA384: return 48;
    case TLS_HASH_NONE: break;
    }
    return 0;
}

const char *tls_hash_name(enum tls_hash h)
{
    switch (h) {
    case TLS_HASH_MD5: return "MD5";
    case TLS_HASH_SHA1: return "SHA1";
    case TLS_HASH_SHA256: return "SHA256";
    case TLS_HASH_SHA384: return "SHA384";
    case TLS_HASH_NONE: break;
    }
    return NULL;
}

bool tls_is_grease(uint16_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

const char *sift_tls_version_name(uint16_t version)
{
    switch (version) {
    case 0x0200: return "SSL 2.0";
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: break;
    }
    return NULL;
}
