/* SPDX-License-Identifier: MIT */
/* Record protection (RFC 5246 §6.2.3, RFC 8446 §5.2-5.3, RFC 7366
 * encrypt-then-MAC) and key schedules (RFC 5246 §5 and §6.3, RFC 8446 §7),
 * all over OpenSSL's libcrypto: this file arranges nonces, additional data
 * and key material; it does no cryptography of its own. */
#include "tls_crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

struct tls_cipher {
    const struct tls_suite *s;
    uint16_t version;
    bool tls13, etm;
    const EVP_CIPHER *evp;
    EVP_CIPHER_CTX *ctx;
    EVP_CIPHER_CTX *ctr;    /* salvage: the keystream alone, made on need */
    EVP_MAC_CTX *mac;       /* CBC and NULL suites */
    struct tls_keys k;
    size_t key_len, iv_len, mac_len, block, tag_len;
    uint8_t cbc_iv[TLS_MAX_IV]; /* TLS 1.0: the last ciphertext block */
};

/* --- key schedules ---------------------------------------------------- */

bool tls13_expand_label(enum tls_hash h, const uint8_t *secret,
                        size_t secret_len, const char *label,
                        const uint8_t *context, size_t context_len,
                        uint8_t *out, size_t len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
    EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (kctx == NULL || tls_hash_name(h) == NULL)
        return EVP_KDF_CTX_free(kctx), false;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    static const char prefix[] = "tls13 ";
    static const uint8_t empty[1] = {0};
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                         (char *)tls_hash_name(h), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret,
                                          secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX,
                                          (void *)prefix, sizeof prefix - 1),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, (void *)label,
                                          strlen(label)),
        OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_DATA, context_len ? (void *)context : (void *)empty,
            context_len),
        OSSL_PARAM_construct_end(),
    };
    bool ok = EVP_KDF_derive(kctx, out, len, params) > 0;
    EVP_KDF_CTX_free(kctx);
    return ok;
}

bool tls_prf(enum tls_hash h, const uint8_t *secret, size_t secret_len,
             const char *label, const uint8_t *seed1, size_t seed1_len,
             const uint8_t *seed2, size_t seed2_len, uint8_t *out, size_t len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (kctx == NULL)
        return false;
    /* TLS 1.0 and 1.1 split the secret between MD5 and SHA-1. */
    const char *md = h == TLS_HASH_NONE ? "MD5-SHA1" : tls_hash_name(h);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md,
                                         0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
                                          (void *)secret, secret_len),
        /* The seed parameters are concatenated: label, then the seeds. */
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label,
                                          strlen(label)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed1,
                                          seed1_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed2,
                                          seed2_len),
        OSSL_PARAM_construct_end(),
    };
    bool ok = EVP_KDF_derive(kctx, out, len, params) > 0;
    EVP_KDF_CTX_free(kctx);
    return ok;
}

/* Bytes of fixed IV the key schedule gives a suite's records. */
static size_t fixed_iv_len(const struct tls_suite *s, uint16_t version)
{
    if (s->tls13 || s->bulk == TLS_BULK_CHACHA20_POLY1305)
        return 12;
    if (s->bulk == TLS_BULK_AES_GCM || s->bulk == TLS_BULK_AES_CCM ||
        s->bulk == TLS_BULK_AES_CCM_8)
        return 4;
    /* CBC: the key block holds IVs; only TLS 1.0 uses them. */
    if (tls_suite_is_cbc(s))
        return version <= 0x0301 ? (s->bulk == TLS_BULK_3DES_CBC ? 8 : 16)
                                 : 0;
    return 0;
}

bool tls13_traffic_keys(const struct tls_suite *s, const uint8_t *secret,
                        size_t secret_len, struct tls_keys *out)
{
    memset(out, 0, sizeof *out);
    return tls13_expand_label(s->prf, secret, secret_len, "key", NULL, 0,
                              out->key, s->key_len) &&
           tls13_expand_label(s->prf, secret, secret_len, "iv", NULL, 0,
                              out->iv, 12);
}

bool tls13_next_secret(const struct tls_suite *s, uint8_t *secret,
                       size_t secret_len)
{
    uint8_t next[64];
    if (secret_len > sizeof next ||
        !tls13_expand_label(s->prf, secret, secret_len, "traffic upd", NULL,
                            0, next, secret_len))
        return false;
    memcpy(secret, next, secret_len);
    return true;
}

bool tls12_key_block(const struct tls_suite *s, uint16_t version,
                     const uint8_t master[48], const uint8_t client_random[32],
                     const uint8_t server_random[32], struct tls_keys *client,
                     struct tls_keys *server)
{
    size_t mac = s->bulk == TLS_BULK_AES_GCM || s->bulk == TLS_BULK_AES_CCM ||
                         s->bulk == TLS_BULK_AES_CCM_8 ||
                         s->bulk == TLS_BULK_CHACHA20_POLY1305
                     ? 0
                     : tls_hash_len(s->mac);
    size_t key = s->key_len, iv = fixed_iv_len(s, version);
    uint8_t block[2 * (TLS_MAX_MAC_KEY + TLS_MAX_KEY + TLS_MAX_IV)];
    size_t need = 2 * (mac + key + iv);
    /* key_block = PRF(master, "key expansion", server_random +
     * client_random): MAC keys, then write keys, then IVs (§6.3). */
    enum tls_hash prf = version >= 0x0303 ? s->prf : TLS_HASH_NONE;
    if (!tls_prf(prf, master, 48, "key expansion", server_random, 32,
                 client_random, 32, block, need))
        return false;
    memset(client, 0, sizeof *client);
    memset(server, 0, sizeof *server);
    const uint8_t *p = block;
    memcpy(client->mac_key, p, mac), p += mac;
    memcpy(server->mac_key, p, mac), p += mac;
    memcpy(client->key, p, key), p += key;
    memcpy(server->key, p, key), p += key;
    memcpy(client->iv, p, iv), p += iv;
    memcpy(server->iv, p, iv);
    return true;
}

/* --- ciphers ---------------------------------------------------------- */

static const EVP_CIPHER *evp_of(const struct tls_suite *s)
{
    bool k256 = s->key_len == 32;
    switch (s->bulk) {
    case TLS_BULK_AES_GCM: return k256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    case TLS_BULK_AES_CCM:
    case TLS_BULK_AES_CCM_8:
        return k256 ? EVP_aes_256_ccm() : EVP_aes_128_ccm();
    case TLS_BULK_CHACHA20_POLY1305: return EVP_chacha20_poly1305();
    case TLS_BULK_AES_CBC: return k256 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
    case TLS_BULK_CAMELLIA_CBC:
        return k256 ? EVP_camellia_256_cbc() : EVP_camellia_128_cbc();
    case TLS_BULK_3DES_CBC: return EVP_des_ede3_cbc();
    case TLS_BULK_NULL:
    case TLS_BULK_NONE: break;
    }
    return NULL;
}

static bool mac_init(struct tls_cipher *c)
{
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    c->mac = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
    EVP_MAC_free(m);
    if (c->mac == NULL)
        return false;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         (char *)tls_hash_name(c->s->mac), 0),
        OSSL_PARAM_construct_end(),
    };
    return EVP_MAC_init(c->mac, c->k.mac_key, c->mac_len, params) > 0;
}

static bool cipher_init(struct tls_cipher *c)
{
    if (c->s->bulk == TLS_BULK_NULL)
        return true;
    c->evp = evp_of(c->s);
    c->ctx = EVP_CIPHER_CTX_new();
    if (c->evp == NULL || c->ctx == NULL ||
        EVP_DecryptInit_ex(c->ctx, c->evp, NULL, NULL, NULL) <= 0)
        return false;
    bool ccm = c->s->bulk == TLS_BULK_AES_CCM ||
               c->s->bulk == TLS_BULK_AES_CCM_8;
    if (tls_suite_is_aead(c->s)) {
        int ivlen_ctrl = ccm ? EVP_CTRL_CCM_SET_IVLEN : EVP_CTRL_AEAD_SET_IVLEN;
        if (EVP_CIPHER_CTX_ctrl(c->ctx, ivlen_ctrl, 12, NULL) <= 0)
            return false;
        if (ccm) /* CCM takes its key with the tag, per record */
            return EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_CCM_SET_TAG,
                                       (int)c->tag_len, NULL) > 0;
        return EVP_DecryptInit_ex(c->ctx, NULL, NULL, c->k.key, NULL) > 0;
    }
    if (EVP_DecryptInit_ex(c->ctx, NULL, NULL, c->k.key, NULL) <= 0)
        return false;
    return EVP_CIPHER_CTX_set_padding(c->ctx, 0) > 0;
}

struct tls_cipher *tls_cipher_new(const struct tls_suite *s, uint16_t version,
                                  const struct tls_keys *k, bool etm)
{
    if (s == NULL || s->bulk == TLS_BULK_NONE)
        return NULL;
    struct tls_cipher *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->s = s;
    c->version = version;
    c->tls13 = version >= 0x0304;
    c->etm = etm && tls_suite_is_cbc(s);
    c->k = *k;
    c->key_len = s->key_len;
    c->iv_len = fixed_iv_len(s, version);
    c->tag_len = s->bulk == TLS_BULK_AES_CCM_8 ? 8
                 : tls_suite_is_aead(s)        ? 16
                                               : 0;
    c->block = s->bulk == TLS_BULK_3DES_CBC ? 8 : tls_suite_is_cbc(s) ? 16 : 0;
    if (!tls_suite_is_aead(s))
        c->mac_len = tls_hash_len(s->mac);
    memcpy(c->cbc_iv, k->iv, sizeof c->cbc_iv);
    bool ok = cipher_init(c) && (c->mac_len == 0 || mac_init(c));
    if (!ok) {
        tls_cipher_free(c);
        return NULL;
    }
    return c;
}

void tls_cipher_free(struct tls_cipher *c)
{
    if (c == NULL)
        return;
    EVP_CIPHER_CTX_free(c->ctx);
    EVP_CIPHER_CTX_free(c->ctr);
    EVP_MAC_CTX_free(c->mac);
    OPENSSL_cleanse(&c->k, sizeof c->k);
    free(c);
}

const struct tls_suite *tls_cipher_suite(const struct tls_cipher *c)
{
    return c->s;
}

/* Explicit nonce bytes at the start of a TLS 1.2 GCM or CCM record. */
static size_t explicit_nonce_len(const struct tls_cipher *c)
{
    return !c->tls13 && c->iv_len == 4 ? 8 : 0;
}

size_t tls_cipher_prefix(const struct tls_cipher *c)
{
    if (tls_suite_is_aead(c->s))
        return explicit_nonce_len(c);
    return tls_suite_is_cbc(c->s) && c->version >= 0x0302 ? c->block : 0;
}

size_t tls_cipher_suffix(const struct tls_cipher *c)
{
    return c->tag_len + c->mac_len;
}

bool tls_cipher_etm(const struct tls_cipher *c)
{
    return c->etm;
}

size_t tls_cipher_overhead(const struct tls_cipher *c)
{
    if (!tls_suite_is_aead(c->s))
        return c->s->bulk == TLS_BULK_NULL ? 5 + c->mac_len : 0;
    return 5 + explicit_nonce_len(c) + c->tag_len + (c->tls13 ? 1 : 0);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

bool tls_cipher_explicit_seq(const struct tls_cipher *c, const uint8_t *body,
                             size_t len, uint64_t *seq)
{
    if (explicit_nonce_len(c) == 0 || len < 8)
        return false;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | body[i];
    *seq = v;
    return true;
}

/* The 12-byte nonce of a record. */
static void make_nonce(const struct tls_cipher *c, uint64_t seq,
                       const uint8_t *body, uint8_t nonce[12])
{
    if (c->iv_len == 4) { /* TLS 1.2 GCM/CCM: salt + explicit part */
        memcpy(nonce, c->k.iv, 4);
        memcpy(nonce + 4, body, 8);
        return;
    }
    /* TLS 1.3 and ChaCha20: the IV XOR the padded sequence number. */
    uint8_t s[8];
    put_be64(s, seq);
    memcpy(nonce, c->k.iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= s[i];
}

/* TLS 1.2's additional data: seq, type, version, plaintext length. */
static void aad12(uint64_t seq, const uint8_t hdr[5], size_t len,
                  uint8_t aad[13])
{
    put_be64(aad, seq);
    aad[8] = hdr[0];
    aad[9] = hdr[1];
    aad[10] = hdr[2];
    aad[11] = (uint8_t)(len >> 8);
    aad[12] = (uint8_t)len;
}

static bool aead_decrypt(struct tls_cipher *c, const uint8_t nonce[12],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *ct, size_t ct_len, const uint8_t *tag,
                         uint8_t *out)
{
    int n;
    bool ccm = c->s->bulk == TLS_BULK_AES_CCM ||
               c->s->bulk == TLS_BULK_AES_CCM_8;
    if (ccm) {
        /* CCM needs the tag and the length before anything else. */
        if (EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_CCM_SET_TAG, (int)c->tag_len,
                                (void *)tag) <= 0 ||
            EVP_DecryptInit_ex(c->ctx, NULL, NULL, c->k.key, nonce) <= 0 ||
            EVP_DecryptUpdate(c->ctx, NULL, &n, NULL, (int)ct_len) <= 0 ||
            EVP_DecryptUpdate(c->ctx, NULL, &n, aad, (int)aad_len) <= 0)
            return false;
        return EVP_DecryptUpdate(c->ctx, out, &n, ct, (int)ct_len) > 0;
    }
    if (EVP_DecryptInit_ex(c->ctx, NULL, NULL, NULL, nonce) <= 0 ||
        EVP_DecryptUpdate(c->ctx, NULL, &n, aad, (int)aad_len) <= 0 ||
        (ct_len > 0 &&
         EVP_DecryptUpdate(c->ctx, out, &n, ct, (int)ct_len) <= 0) ||
        EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, (int)c->tag_len,
                            (void *)tag) <= 0)
        return false;
    return EVP_DecryptFinal_ex(c->ctx, out + ct_len, &n) > 0;
}

static enum tls_open_result open_aead(struct tls_cipher *c, uint64_t seq,
                                      const uint8_t hdr[5],
                                      const uint8_t *body, size_t len,
                                      uint8_t *out, size_t *out_len,
                                      uint8_t *type)
{
    size_t pre = explicit_nonce_len(c);
    if (len < pre + c->tag_len + (c->tls13 ? 1 : 0))
        return TLS_OPEN_BAD;
    size_t ct_len = len - pre - c->tag_len;
    uint8_t nonce[12], aad[13];
    make_nonce(c, seq, body, nonce);
    size_t aad_len = 5;
    if (c->tls13)
        memcpy(aad, hdr, 5); /* §5.2: the record header */
    else
        aad12(seq, hdr, ct_len, aad), aad_len = 13;
    if (!aead_decrypt(c, nonce, aad, aad_len, body + pre, ct_len,
                      body + pre + ct_len, out))
        return TLS_OPEN_AUTH;
    if (!c->tls13) {
        *out_len = ct_len;
        *type = hdr[0];
        return TLS_OPEN_OK;
    }
    /* TLSInnerPlaintext: content, type, zero padding (§5.4). */
    size_t n = ct_len;
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return TLS_OPEN_BAD; /* no content type: the peer must abort */
    *type = out[n - 1];
    *out_len = n - 1;
    return TLS_OPEN_OK;
}

static bool mac_of(struct tls_cipher *c, uint64_t seq, const uint8_t hdr[5],
                   size_t len, const uint8_t *data, uint8_t *mac)
{
    uint8_t pre[13];
    aad12(seq, hdr, len, pre);
    size_t n;
    return EVP_MAC_init(c->mac, NULL, 0, NULL) > 0 &&
           EVP_MAC_update(c->mac, pre, 13) > 0 &&
           EVP_MAC_update(c->mac, data, len) > 0 &&
           EVP_MAC_final(c->mac, mac, &n, TLS_MAX_MAC_KEY) > 0 &&
           n == c->mac_len;
}

/* Decrypts CBC blocks with the given IV (no padding handling). */
static bool cbc_decrypt(struct tls_cipher *c, const uint8_t *iv,
                        const uint8_t *ct, size_t n, uint8_t *out)
{
    int m;
    return EVP_DecryptInit_ex(c->ctx, NULL, NULL, NULL, iv) > 0 &&
           EVP_DecryptUpdate(c->ctx, out, &m, ct, (int)n) > 0 &&
           (size_t)m == n;
}

/* Checks TLS padding at the end of n decrypted bytes; the padding length
 * byte plus one, or 0 when the padding is not well formed. */
static size_t cbc_padding(const uint8_t *p, size_t n)
{
    if (n == 0)
        return 0;
    size_t pad = p[n - 1];
    if (pad + 1 > n)
        return 0;
    for (size_t i = n - 1 - pad; i < n - 1; i++)
        if (p[i] != pad)
            return 0;
    return pad + 1;
}

static enum tls_open_result open_cbc(struct tls_cipher *c, uint64_t seq,
                                     const uint8_t hdr[5],
                                     const uint8_t *body, size_t len,
                                     uint8_t *out, size_t *out_len)
{
    size_t pre = c->version >= 0x0302 ? c->block : 0;
    /* At least one block of ciphertext after the IV (and, encrypt-then-
     * MAC, the MAC after it); MAC-then-encrypt's MAC is inside the blocks,
     * so a short record may hold it in fewer bytes than MAC plus block. */
    if (len < pre + c->block + (c->etm ? c->mac_len : 0))
        return TLS_OPEN_BAD;
    size_t mac_at = c->etm ? len - c->mac_len : len;
    if ((mac_at - pre) % c->block != 0)
        return TLS_OPEN_BAD;
    uint8_t mac[TLS_MAX_MAC_KEY];
    if (c->etm && (!mac_of(c, seq, hdr, mac_at, body, mac) ||
                   CRYPTO_memcmp(mac, body + mac_at, c->mac_len) != 0))
        return TLS_OPEN_AUTH;
    const uint8_t *iv = pre ? body : c->cbc_iv;
    size_t n = mac_at - pre;
    if (!cbc_decrypt(c, iv, body + pre, n, out))
        return TLS_OPEN_AUTH;
    size_t pad = cbc_padding(out, n);
    if (pad == 0 || n < pad + (c->etm ? 0 : c->mac_len))
        return TLS_OPEN_AUTH;
    size_t pt = n - pad - (c->etm ? 0 : c->mac_len);
    if (!c->etm && (!mac_of(c, seq, hdr, pt, out, mac) ||
                    CRYPTO_memcmp(mac, out + pt, c->mac_len) != 0))
        return TLS_OPEN_AUTH;
    if (pre == 0) /* TLS 1.0 chains the IV from record to record */
        memcpy(c->cbc_iv, body + mac_at - c->block, c->block);
    *out_len = pt;
    return TLS_OPEN_OK;
}

static enum tls_open_result open_null(struct tls_cipher *c, uint64_t seq,
                                      const uint8_t hdr[5],
                                      const uint8_t *body, size_t len,
                                      uint8_t *out, size_t *out_len)
{
    if (len < c->mac_len)
        return TLS_OPEN_BAD;
    size_t pt = len - c->mac_len;
    uint8_t mac[TLS_MAX_MAC_KEY];
    if (!mac_of(c, seq, hdr, pt, body, mac) ||
        CRYPTO_memcmp(mac, body + pt, c->mac_len) != 0)
        return TLS_OPEN_AUTH;
    memcpy(out, body, pt);
    *out_len = pt;
    return TLS_OPEN_OK;
}

enum tls_open_result tls_cipher_open(struct tls_cipher *c, uint64_t seq,
                                     const uint8_t hdr[5],
                                     const uint8_t *body, size_t len,
                                     uint8_t *out, size_t *out_len,
                                     uint8_t *type)
{
    *type = hdr[0];
    if (tls_suite_is_aead(c->s))
        return open_aead(c, seq, hdr, body, len, out, out_len, type);
    if (c->s->bulk == TLS_BULK_NULL)
        return open_null(c, seq, hdr, body, len, out, out_len);
    return open_cbc(c, seq, hdr, body, len, out, out_len);
}

/* --- salvage: the keystream at an offset ------------------------------ */

/* Counter-mode IV and block size for payload offset `at` of a record. */
static bool ctr_start(struct tls_cipher *c, uint64_t seq, const uint8_t *body,
                      bool have_nonce, size_t at, uint8_t iv[16],
                      size_t *blk, const EVP_CIPHER **evp)
{
    uint8_t nonce[12], explicit[8];
    if (c->iv_len == 4 && !have_nonce) {
        /* The explicit nonce was lost: it is the sequence number. */
        put_be64(explicit, seq);
        body = explicit;
    }
    make_nonce(c, seq, body, nonce);
    bool k256 = c->key_len == 32;
    switch (c->s->bulk) {
    case TLS_BULK_AES_GCM: { /* SP 800-38D: payload from J0 + 1 */
        uint32_t ctr = (uint32_t)(2 + at / 16);
        memcpy(iv, nonce, 12);
        iv[12] = (uint8_t)(ctr >> 24), iv[13] = (uint8_t)(ctr >> 16);
        iv[14] = (uint8_t)(ctr >> 8), iv[15] = (uint8_t)ctr;
        *blk = 16;
        *evp = k256 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
        return true;
    }
    case TLS_BULK_AES_CCM:
    case TLS_BULK_AES_CCM_8: { /* RFC 3610: flags (q - 1), nonce, i */
        uint32_t ctr = (uint32_t)(1 + at / 16);
        iv[0] = 2;
        memcpy(iv + 1, nonce, 12);
        iv[13] = (uint8_t)(ctr >> 16), iv[14] = (uint8_t)(ctr >> 8);
        iv[15] = (uint8_t)ctr;
        *blk = 16;
        *evp = k256 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
        return true;
    }
    case TLS_BULK_CHACHA20_POLY1305: { /* RFC 8439 §2.8: from block 1 */
        uint32_t ctr = (uint32_t)(1 + at / 64);
        iv[0] = (uint8_t)ctr, iv[1] = (uint8_t)(ctr >> 8);
        iv[2] = (uint8_t)(ctr >> 16), iv[3] = (uint8_t)(ctr >> 24);
        memcpy(iv + 4, nonce, 12);
        *blk = 64;
        *evp = EVP_chacha20();
        return true;
    }
    default: break;
    }
    return false;
}

static size_t salvage_stream(struct tls_cipher *c, uint64_t seq,
                             const uint8_t *body, size_t a, size_t b,
                             size_t body_len, uint8_t *out, size_t *pt_off)
{
    size_t pre = explicit_nonce_len(c);
    if (body_len < pre + c->tag_len)
        return 0; /* too short to hold any payload */
    size_t end = body_len - c->tag_len; /* payload ends at the tag */
    if (a < pre)
        a = pre;
    if (b > end)
        b = end;
    if (a >= b)
        return 0;
    size_t at = a - pre, blk;
    uint8_t iv[16];
    const EVP_CIPHER *evp;
    if (!ctr_start(c, seq, body, pre == 0 || a == pre, at, iv, &blk, &evp))
        return 0;
    if (c->ctr == NULL && (c->ctr = EVP_CIPHER_CTX_new()) == NULL)
        return 0;
    /* Start at the block boundary and drop the bytes before `at`. */
    uint8_t skip[64] = {0}, junk[64];
    int n;
    size_t lead = at % blk;
    if (EVP_EncryptInit_ex(c->ctr, evp, NULL, c->k.key, iv) <= 0 ||
        (lead && EVP_EncryptUpdate(c->ctr, junk, &n, skip, (int)lead) <= 0) ||
        EVP_EncryptUpdate(c->ctr, out, &n, body + a, (int)(b - a)) <= 0)
        return 0;
    *pt_off = at;
    return b - a;
}

static size_t salvage_cbc(struct tls_cipher *c, const uint8_t *body, size_t a,
                          size_t b, size_t body_len, uint8_t *out,
                          size_t *pt_off)
{
    size_t pre = c->version >= 0x0302 ? c->block : 0;
    size_t ct_end = c->etm ? body_len - c->mac_len : body_len;
    if (b > ct_end)
        b = ct_end;
    /* Whole blocks only, each after a block that is present (or the IV:
     * the record's first bytes from TLS 1.1 on, the chained one before). */
    size_t first;
    const uint8_t *iv;
    if (a == 0) {
        first = pre;
        iv = pre ? body : c->cbc_iv;
    } else {
        size_t j = (a + c->block - pre + c->block - 1) / c->block;
        first = pre + j * c->block;
        iv = body + first - c->block;
    }
    if (b < pre)
        return 0;
    size_t last = pre + (b - pre) / c->block * c->block;
    if (last <= first)
        return 0;
    if (!cbc_decrypt(c, iv, body + first, last - first, out))
        return 0;
    *pt_off = first - pre;
    return last - first;
}

size_t tls_cipher_salvage(struct tls_cipher *c, uint64_t seq,
                          const uint8_t *body, size_t a, size_t b,
                          size_t body_len, uint8_t *out, size_t *pt_off)
{
    if (a >= b || b > body_len)
        return 0;
    if (tls_suite_is_aead(c->s))
        return salvage_stream(c, seq, body, a, b, body_len, out, pt_off);
    if (tls_suite_is_cbc(c->s))
        return salvage_cbc(c, body, a, b, body_len, out, pt_off);
    if (c->s->bulk == TLS_BULK_NULL) {
        if (body_len < c->mac_len)
            return 0;
        if (b > body_len - c->mac_len)
            b = body_len - c->mac_len;
        if (a >= b)
            return 0;
        memcpy(out, body + a, b - a);
        *pt_off = a;
        return b - a;
    }
    return 0;
}
