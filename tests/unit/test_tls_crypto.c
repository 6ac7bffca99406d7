/* SPDX-License-Identifier: MIT */
/* Unit tests of TLS record protection and key schedules (tls_crypto.h):
 * RFC 8448's HKDF-Expand-Label steps, traffic keys and protected records
 * (tls_vectors.h); the TLS 1.2 PRF vectors of the IETF TLS list and the
 * TLS 1.0 PRF vector of ietf-tls msg01589; and round trips of records
 * sealed here with OpenSSL EVP as the RFCs build them: RFC 8446 §5.2-5.4
 * (TLS 1.3), RFC 5288 and RFC 6655 (TLS 1.2 GCM and CCM, explicit nonce),
 * RFC 7905 (ChaCha20-Poly1305), RFC 5246 §6.2.3.2 (CBC, MAC-then-encrypt;
 * TLS 1.0's chained IV, RFC 2246 §6.2.3.2) and RFC 7366 (encrypt-then-MAC).
 * Bodies are opened from buffers of their exact size, so an over-read is
 * an AddressSanitizer report. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check_main.h"
#include "tls_crypto.h"
#include "tls_vectors.h"

/* Room for any record built here: 2^14 plaintext, a 48-byte MAC, 256
 * bytes of padding and a 16-byte IV stay under RFC 5246's 2^14 + 2048. */
#define WIRE_MAX (5 + TLS_MAX_CIPHERTEXT)

static uint8_t wire[WIRE_MAX], plain[TLS_MAX_CIPHERTEXT], got[WIRE_MAX];

/* --- helpers -------------------------------------------------------- */

/* For the helpers run for every record: check's passing ck_assert reports
 * its place to the runner each time, which costs more than the test. */
#define REQUIRE_MSG(cond, ...)                                                 \
    do {                                                                       \
        if (!(cond))                                                           \
            ck_abort_msg(__VA_ARGS__);                                         \
    } while (0)
#define REQUIRE(cond) REQUIRE_MSG(cond, "line %d: %s", __LINE__, #cond)

static const struct tls_suite *suite_of(uint16_t id)
{
    const struct tls_suite *s = tls_suite_find(id);
    ck_assert_msg(s != NULL, "suite %04x not in the table", id);
    return s;
}

/* A deterministic byte pattern: keys, IVs and plaintexts. */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 131u + i * 29u + (i >> 8) + 7u);
}

/* v as n big-endian bytes. */
static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* Opens the record wire[0, n) with its body copied flush into a buffer of
 * its own size and an output of that size (tls_crypto.h: "room for len
 * bytes"); the plaintext goes to `got`. */
static enum tls_open_result open_exact(struct tls_cipher *c, uint64_t seq,
                                       const uint8_t *rec, size_t n,
                                       size_t *out_len, uint8_t *type)
{
    REQUIRE(n >= 5);
    size_t len = n - 5;
    uint8_t *body = malloc(len + (len == 0)), *out = malloc(len + (len == 0));
    REQUIRE(body != NULL && out != NULL);
    memcpy(body, rec + 5, len);
    *out_len = 0;
    enum tls_open_result r =
        tls_cipher_open(c, seq, rec, body, len, out, out_len, type);
    if (r == TLS_OPEN_OK) {
        REQUIRE(*out_len <= len);
        memcpy(got, out, *out_len);
    }
    free(body);
    free(out);
    return r;
}

/* The record opens to pt (n bytes) of content type `type`. */
static void expect_open(struct tls_cipher *c, uint64_t seq, const uint8_t *rec,
                        size_t rec_len, const uint8_t *pt, size_t n,
                        uint8_t type, const char *what)
{
    size_t out_len;
    uint8_t t = 0;
    enum tls_open_result r = open_exact(c, seq, rec, rec_len, &out_len, &t);
    REQUIRE_MSG(r == TLS_OPEN_OK, "%s: open gave %d", what, (int)r);
    REQUIRE_MSG(out_len == n, "%s: %zu bytes, not %zu", what, out_len, n);
    REQUIRE_MSG(n == 0 || memcmp(got, pt, n) == 0, "%s: plaintext", what);
    REQUIRE_MSG(t == type, "%s: type %u, not %u", what, t, type);
}

static enum tls_open_result try_open(struct tls_cipher *c, uint64_t seq,
                                     const uint8_t *rec, size_t n)
{
    size_t out_len;
    uint8_t t;
    return open_exact(c, seq, rec, n, &out_len, &t);
}

/* --- key schedules -------------------------------------------------- */

START_TEST(hkdf_expand_label_rfc8448)
{
    const struct tls_vec_hkdf_label *v = &rfc8448_hkdf_labels[_i];
    uint8_t out[64];
    ck_assert_uint_le(v->out_len, sizeof out);
    ck_assert_msg(tls13_expand_label(TLS_HASH_SHA256, v->secret, v->secret_len,
                                     v->label, v->context, v->context_len, out,
                                     v->out_len),
                  "%s", v->name);
    ck_assert_msg(memcmp(out, v->out, v->out_len) == 0, "%s", v->name);
}
END_TEST

static enum tls_hash hash_of_digest(const char *name)
{
    if (strcmp(name, "SHA2-256") == 0)
        return TLS_HASH_SHA256;
    if (strcmp(name, "SHA2-384") == 0)
        return TLS_HASH_SHA384;
    return TLS_HASH_NONE; /* SHA-224, SHA-512: no TLS suite uses them */
}

/* Every vector whose hash a TLS 1.2 suite can name (P_SHA256, P_SHA384),
 * with its seed split at every point between the two seed arguments. */
START_TEST(prf_tls12_vectors)
{
    size_t checked = 0;
    uint8_t out[256];
    for (size_t i = 0; i < TLS12_PRF_VECTOR_COUNT; i++) {
        const struct tls_vec_prf *v = &tls12_prf_vectors[i];
        enum tls_hash h = hash_of_digest(v->digest);
        if (h == TLS_HASH_NONE)
            continue;
        ck_assert_uint_le(v->out_len, sizeof out);
        for (size_t cut = 0; cut <= v->seed_len; cut++) {
            memset(out, 0, sizeof out);
            ck_assert(tls_prf(h, v->secret, v->secret_len, v->label, v->seed,
                              cut, v->seed + cut, v->seed_len - cut, out,
                              v->out_len));
            ck_assert_msg(memcmp(out, v->out, v->out_len) == 0, "%s cut %zu",
                          v->name, cut);
        }
        checked++;
    }
    ck_assert_uint_eq(checked, 2);
}
END_TEST

/* TLS 1.0/1.1 PRF (RFC 2246 §5, MD5 XOR SHA-1): the vector posted to the
 * IETF TLS list, www.imc.org/ietf-tls/mail-archive/msg01589.html: secret
 * 48 x 0xab, label "PRF Testvector", seed 64 x 0xcd, 104 bytes out. */
static const uint8_t tls10_prf_out[104] = {
    0xd3, 0xd4, 0xd1, 0xe3, 0x49, 0xb5, 0xd5, 0x15, 0x04, 0x46, 0x66, 0xd5,
    0x1d, 0xe3, 0x2b, 0xab, 0x25, 0x8c, 0xb5, 0x21, 0xb6, 0xb0, 0x53, 0x46,
    0x3e, 0x35, 0x48, 0x32, 0xfd, 0x97, 0x67, 0x54, 0x44, 0x3b, 0xcf, 0x9a,
    0x29, 0x65, 0x19, 0xbc, 0x28, 0x9a, 0xbc, 0xbc, 0x11, 0x87, 0xe4, 0xeb,
    0xd3, 0x1e, 0x60, 0x23, 0x53, 0x77, 0x6c, 0x40, 0x8a, 0xaf, 0xb7, 0x4c,
    0xbc, 0x85, 0xef, 0xf6, 0x92, 0x55, 0xf9, 0x78, 0x8f, 0xaa, 0x18, 0x4c,
    0xbb, 0x95, 0x7a, 0x98, 0x19, 0xd8, 0x4a, 0x5d, 0x7e, 0xb0, 0x06, 0xeb,
    0x45, 0x9d, 0x3a, 0xe8, 0xde, 0x98, 0x10, 0x45, 0x4b, 0x8b, 0x2d, 0x8f,
    0x1a, 0xfb, 0xc6, 0x55, 0xa8, 0xc9, 0xa0, 0x13,
};

START_TEST(prf_tls10_vector)
{
    uint8_t secret[48], seed[64], out[104];
    memset(secret, 0xab, sizeof secret);
    memset(seed, 0xcd, sizeof seed);
    ck_assert(tls_prf(TLS_HASH_NONE, secret, sizeof secret, "PRF Testvector",
                      seed, 32, seed + 32, 32, out, sizeof out));
    ck_assert(memcmp(out, tls10_prf_out, sizeof out) == 0);
}
END_TEST

/* {suite, version, MAC key, key, IV bytes, PRF}: RFC 5246 §6.3 makes
 * key_block = PRF(master, "key expansion", server_random +
 * client_random), then cuts client MAC, server MAC, client key, server
 * key, client IV, server IV. The reference is tls_prf, checked above. */
static const struct {
    uint16_t suite, version;
    size_t mac, key, iv;
    enum tls_hash prf;
} key_blocks[] = {
    {0x002f, 0x0301, 20, 16, 16, TLS_HASH_NONE}, /* TLS 1.0: IVs from here */
    {0x000a, 0x0301, 20, 24, 8, TLS_HASH_NONE},
    {0x002f, 0x0302, 20, 16, 0, TLS_HASH_NONE},
    {0x002f, 0x0303, 20, 16, 0, TLS_HASH_SHA256},
    {0xc024, 0x0303, 48, 32, 0, TLS_HASH_SHA384},
    {0x009c, 0x0303, 0, 16, 4, TLS_HASH_SHA256}, /* GCM: the 4-byte salt */
    {0x009d, 0x0303, 0, 32, 4, TLS_HASH_SHA384},
    {0xc0a0, 0x0303, 0, 16, 4, TLS_HASH_SHA256},
    {0xcca8, 0x0303, 0, 32, 12, TLS_HASH_SHA256}, /* ChaCha20: 12 bytes */
};

START_TEST(key_block_layout)
{
    uint8_t master[48], cr[32], sr[32], ref[2 * (48 + 32 + 16)];
    fill(master, 48, 1);
    fill(cr, 32, 2);
    fill(sr, 32, 3);
    const size_t mac = key_blocks[_i].mac, key = key_blocks[_i].key,
                 iv = key_blocks[_i].iv;
    ck_assert(tls_prf(key_blocks[_i].prf, master, 48, "key expansion", sr, 32,
                      cr, 32, ref, 2 * (mac + key + iv)));
    struct tls_keys c, s;
    ck_assert(tls12_key_block(suite_of(key_blocks[_i].suite),
                              key_blocks[_i].version, master, cr, sr, &c, &s));
    const uint8_t *p = ref;
    ck_assert(memcmp(c.mac_key, p, mac) == 0);
    ck_assert(memcmp(s.mac_key, p += mac, mac) == 0);
    ck_assert(memcmp(c.key, p += mac, key) == 0);
    ck_assert(memcmp(s.key, p += key, key) == 0);
    ck_assert(memcmp(c.iv, p += key, iv) == 0);
    ck_assert(memcmp(s.iv, p += iv, iv) == 0);
}
END_TEST

START_TEST(traffic_keys_rfc8448)
{
    const struct tls_vec_record *v = &rfc8448_records[_i];
    if (!v->is_protected)
        return;
    struct tls_keys k;
    ck_assert(
        tls13_traffic_keys(suite_of(0x1301), v->secret, v->secret_len, &k));
    ck_assert_uint_eq(v->key_len, 16);
    ck_assert_uint_eq(v->iv_len, 12);
    ck_assert_msg(memcmp(k.key, v->key, 16) == 0, "%s key", v->name);
    ck_assert_msg(memcmp(k.iv, v->iv, 12) == 0, "%s iv", v->name);
}
END_TEST

/* --- RFC 8448's records --------------------------------------------- */

static struct tls_cipher *rfc8448_cipher(const struct tls_vec_record *v)
{
    struct tls_keys k;
    memset(&k, 0, sizeof k);
    memcpy(k.key, v->key, v->key_len);
    memcpy(k.iv, v->iv, v->iv_len);
    struct tls_cipher *c = tls_cipher_new(suite_of(0x1301), 0x0304, &k, false);
    ck_assert(c != NULL);
    return c;
}

START_TEST(rfc8448_records_open)
{
    const struct tls_vec_record *v = &rfc8448_records[_i];
    if (!v->is_protected) { /* plaintext records: the body is the message */
        ck_assert_uint_eq(v->record_len, 5 + v->plaintext_len);
        ck_assert_uint_eq(v->record[0], v->inner_type);
        ck_assert(memcmp(v->record + 5, v->plaintext, v->plaintext_len) == 0);
        return;
    }
    ck_assert_uint_eq(v->record[0], TLS_VEC_CT_APPLICATION_DATA);
    struct tls_cipher *c = rfc8448_cipher(v);
    expect_open(c, v->seq, v->record, v->record_len, v->plaintext,
                v->plaintext_len, v->inner_type, v->name);
    tls_cipher_free(c);
}
END_TEST

/* Any changed byte of header or body, or another sequence number, fails
 * authentication. */
START_TEST(rfc8448_records_tampered)
{
    const struct tls_vec_record *v = &rfc8448_records[_i];
    if (!v->is_protected)
        return;
    struct tls_cipher *c = rfc8448_cipher(v);
    memcpy(wire, v->record, v->record_len);
    for (size_t i = 0; i < v->record_len; i++) {
        wire[i] ^= 0x01;
        REQUIRE_MSG(try_open(c, v->seq, wire, v->record_len) == TLS_OPEN_AUTH,
                    "%s: byte %zu changed", v->name, i);
        wire[i] ^= 0x01;
    }
    const uint64_t seqs[] = {v->seq + 1, v->seq - 1, v->seq ^ (1ull << 63),
                             v->seq + 0x100000000ull};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        ck_assert_msg(
            try_open(c, seqs[i], wire, v->record_len) == TLS_OPEN_AUTH,
            "%s: sequence %llu", v->name, (unsigned long long)seqs[i]);
    /* and the record itself still opens: a failure changes no state */
    ck_assert(try_open(c, v->seq, wire, v->record_len) == TLS_OPEN_OK);
    tls_cipher_free(c);
}
END_TEST

/* --- records sealed here -------------------------------------------- */

struct sealer {
    const struct tls_suite *s;
    uint16_t version;
    bool etm;
    int bad_pad; /* 1: a padding byte off; 2: padding length huge */
    struct tls_keys k;
    uint8_t cbc_iv[16]; /* TLS 1.0: the last ciphertext block sent */
};

static const EVP_CIPHER *evp_for(const struct tls_suite *s)
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
    default: break;
    }
    ck_abort_msg("no cipher for %s", s->name);
    return NULL;
}

static size_t tag_of(const struct tls_suite *s)
{
    return s->bulk == TLS_BULK_AES_CCM_8 ? 8 : 16;
}

static size_t block_of(const struct tls_suite *s)
{
    return s->bulk == TLS_BULK_3DES_CBC ? 8 : 16;
}

static void sealer_init(struct sealer *z, uint16_t suite, uint16_t version,
                        bool etm)
{
    memset(z, 0, sizeof *z);
    z->s = suite_of(suite);
    z->version = version;
    z->etm = etm;
    fill(z->k.key, sizeof z->k.key, suite);
    fill(z->k.iv, sizeof z->k.iv, suite + 1u);
    fill(z->k.mac_key, sizeof z->k.mac_key, suite + 2u);
    memcpy(z->cbc_iv, z->k.iv, sizeof z->cbc_iv);
}

static struct tls_cipher *cipher_for(const struct sealer *z)
{
    struct tls_cipher *c = tls_cipher_new(z->s, z->version, &z->k, z->etm);
    ck_assert_msg(c != NULL, "%s: no cipher", z->s->name);
    return c;
}

/* ct || tag = AEAD(key, nonce, aad, pt); returns n + tag. */
static size_t aead_seal(const struct tls_suite *s, const uint8_t *key,
                        const uint8_t nonce[12], const uint8_t *aad,
                        size_t aad_len, const uint8_t *pt, size_t n,
                        uint8_t *out)
{
    bool ccm = s->bulk == TLS_BULK_AES_CCM || s->bulk == TLS_BULK_AES_CCM_8;
    int tag = (int)tag_of(s), m;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    REQUIRE(EVP_EncryptInit_ex(x, evp_for(s), NULL, NULL, NULL) == 1);
    REQUIRE(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1);
    if (ccm)
        REQUIRE(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, tag, NULL) == 1);
    REQUIRE(EVP_EncryptInit_ex(x, NULL, NULL, key, nonce) == 1);
    if (ccm) /* CCM: the length first */
        REQUIRE(EVP_EncryptUpdate(x, NULL, &m, NULL, (int)n) == 1);
    REQUIRE(EVP_EncryptUpdate(x, NULL, &m, aad, (int)aad_len) == 1);
    if (n > 0 || ccm)
        REQUIRE(EVP_EncryptUpdate(x, out, &m, pt, (int)n) == 1);
    REQUIRE(EVP_EncryptFinal_ex(x, out + n, &m) == 1);
    REQUIRE(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, tag, out + n) == 1);
    EVP_CIPHER_CTX_free(x);
    return n + (size_t)tag;
}

/* RFC 8446 §5.3: the IV XOR the sequence number, left-padded. */
static void xor_nonce(const uint8_t iv[12], uint64_t seq, uint8_t nonce[12])
{
    uint8_t s[8];
    put_be(s, seq, 8);
    memcpy(nonce, iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= s[i];
}

/* TLS 1.3 (§5.2): TLSInnerPlaintext = content, type, `pad` zeros; outer
 * type 23, legacy version 0x0303, the header as additional data. */
static size_t seal13(const struct sealer *z, uint64_t seq, uint8_t type,
                     const uint8_t *pt, size_t n, size_t pad)
{
    size_t inner = n + 1 + pad, tag = tag_of(z->s);
    uint8_t *buf = malloc(inner), nonce[12];
    REQUIRE(buf != NULL && 5 + inner + tag <= WIRE_MAX);
    memcpy(buf, pt, n);
    buf[n] = type;
    memset(buf + n + 1, 0, pad);
    wire[0] = TLS_VEC_CT_APPLICATION_DATA, wire[1] = 3, wire[2] = 3;
    put_be(wire + 3, inner + tag, 2);
    xor_nonce(z->k.iv, seq, nonce);
    aead_seal(z->s, z->k.key, nonce, wire, 5, buf, inner, wire + 5);
    free(buf);
    return 5 + inner + tag;
}

/* seq, type, version, length: TLS 1.2 additional data and MAC prefix. */
static void aad12(uint64_t seq, const uint8_t *hdr, size_t len, uint8_t out[13])
{
    put_be(out, seq, 8);
    memcpy(out + 8, hdr, 3);
    put_be(out + 11, len, 2);
}

/* TLS 1.2 AEAD: GCM and CCM carry an 8-byte explicit nonce (the sequence
 * number, as implementations send it) after the 4-byte salt; ChaCha20
 * XORs the sequence number into its 12-byte IV (RFC 7905 §2). */
static size_t seal12_aead(const struct sealer *z, uint64_t seq, uint8_t type,
                          const uint8_t *pt, size_t n)
{
    bool chacha = z->s->bulk == TLS_BULK_CHACHA20_POLY1305;
    size_t pre = chacha ? 0 : 8;
    uint8_t nonce[12], aad[13];
    wire[0] = type;
    put_be(wire + 1, z->version, 2);
    if (chacha) {
        xor_nonce(z->k.iv, seq, nonce);
    } else {
        memcpy(nonce, z->k.iv, 4);
        put_be(nonce + 4, seq, 8);
        memcpy(wire + 5, nonce + 4, 8);
    }
    aad12(seq, wire, n, aad);
    size_t len =
        pre + aead_seal(z->s, z->k.key, nonce, aad, 13, pt, n, wire + 5 + pre);
    put_be(wire + 3, len, 2);
    return 5 + len;
}

static void hmac(const struct sealer *z, uint64_t seq, const uint8_t *hdr,
                 const uint8_t *data, size_t n, uint8_t *out)
{
    uint8_t *buf = malloc(13 + n);
    unsigned len = 0;
    REQUIRE(buf != NULL);
    aad12(seq, hdr, n, buf);
    memcpy(buf + 13, data, n);
    size_t mac = tls_hash_len(z->s->mac);
    REQUIRE(HMAC(EVP_get_digestbyname(tls_hash_name(z->s->mac)), z->k.mac_key,
                 (int)mac, buf, 13 + n, out, &len) != NULL);
    REQUIRE(len == mac);
    free(buf);
}

static void cbc_encrypt(const struct sealer *z, const uint8_t *iv,
                        const uint8_t *in, size_t n, uint8_t *out)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int m;
    REQUIRE(EVP_EncryptInit_ex(x, evp_for(z->s), NULL, z->k.key, iv) == 1);
    REQUIRE(EVP_CIPHER_CTX_set_padding(x, 0) == 1);
    REQUIRE(EVP_EncryptUpdate(x, out, &m, in, (int)n) == 1);
    REQUIRE((size_t)m == n);
    EVP_CIPHER_CTX_free(x);
}

/* RFC 5246 §6.2.3.2: IV (TLS 1.1+; TLS 1.0 chains the last block), then
 * CBC(content, MAC, `padding` bytes each padding - 1). RFC 7366: CBC of
 * content and padding, then the MAC of IV and ciphertext. */
static size_t seal_cbc(struct sealer *z, uint64_t seq, uint8_t type,
                       const uint8_t *pt, size_t n, size_t padding)
{
    size_t bs = block_of(z->s), mac = tls_hash_len(z->s->mac);
    size_t pre = z->version >= 0x0302 ? bs : 0;
    size_t m = n + (z->etm ? 0 : mac) + padding;
    REQUIRE_MSG(m % bs == 0 && padding >= 1 && padding <= 256,
                "%zu + %zu + %zu", n, mac, padding);
    REQUIRE(5 + pre + m + mac <= WIRE_MAX);
    uint8_t *in = malloc(m), iv[16];
    REQUIRE(in != NULL);
    wire[0] = type;
    put_be(wire + 1, z->version, 2);
    memcpy(in, pt, n);
    if (!z->etm)
        hmac(z, seq, wire, pt, n, in + n);
    memset(in + m - padding, (int)(padding - 1), padding);
    if (z->bad_pad == 1)
        in[m - padding] ^= 0x80;
    else if (z->bad_pad == 2)
        in[m - 1] = 0xff;
    if (pre) {
        fill(iv, bs, (unsigned)seq + 99u);
        memcpy(wire + 5, iv, bs);
    } else {
        memcpy(iv, z->cbc_iv, bs);
    }
    cbc_encrypt(z, iv, in, m, wire + 5 + pre);
    free(in);
    size_t len = pre + m;
    if (z->etm) {
        hmac(z, seq, wire, wire + 5, len, wire + 5 + len);
        len += mac;
    }
    put_be(wire + 3, len, 2);
    if (!pre)
        memcpy(z->cbc_iv, wire + 5 + pre + m - bs, bs);
    return 5 + len;
}

/* --- TLS 1.3 round trips -------------------------------------------- */

static const uint16_t tls13_suites[] = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};

START_TEST(tls13_round_trip)
{
    static const size_t lens[] = {0, 1, 15, 16, 17, 255, 1000, 16384};
    static const size_t pads[] = {0, 1, 2, 255};
    static const uint8_t types[] = {23, 22, 21};
    struct sealer z;
    sealer_init(&z, tls13_suites[_i], 0x0304, false);
    struct tls_cipher *c = cipher_for(&z);
    uint64_t seq = 0;
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++)
        for (size_t p = 0; p < sizeof pads / sizeof pads[0]; p++, seq++) {
            uint8_t type = types[seq % 3];
            fill(plain, lens[l], (unsigned)seq);
            size_t n = seal13(&z, seq, type, plain, lens[l], pads[p]);
            ck_assert_uint_eq(n - lens[l] - pads[p], tls_cipher_overhead(c));
            expect_open(c, seq, wire, n, plain, lens[l], type, z.s->name);
            ck_assert(try_open(c, seq + 1, wire, n) == TLS_OPEN_AUTH);
            wire[n - 1] ^= 0x40; /* the tag */
            ck_assert(try_open(c, seq, wire, n) == TLS_OPEN_AUTH);
        }
    /* zeros only have no content type (§5.4); shorter than tag and type */
    size_t n = seal13(&z, 5, 0, plain, 0, 10);
    ck_assert(try_open(c, 5, wire, n) == TLS_OPEN_BAD);
    for (size_t len = 0; len <= tag_of(z.s); len++) {
        put_be(wire + 3, len, 2);
        ck_assert(try_open(c, 5, wire, 5 + len) == TLS_OPEN_BAD);
    }
    tls_cipher_free(c);
}
END_TEST

/* --- TLS 1.2 AEAD round trips --------------------------------------- */

static const uint16_t tls12_aead_suites[] = {
    0x009c, 0x009d, 0xc02b, 0xc030, /* AES-128/256-GCM */
    0xcca8, 0xcca9,                 /* ChaCha20-Poly1305 */
    0xc09c, 0xc09d, 0xc0a0, 0xc0a1, /* AES-128/256-CCM, CCM_8 */
};

START_TEST(tls12_aead_round_trip)
{
    static const size_t lens[] = {0, 1, 16, 100, 1000, 16384};
    struct sealer z;
    sealer_init(&z, tls12_aead_suites[_i], 0x0303, false);
    struct tls_cipher *c = cipher_for(&z);
    bool chacha = z.s->bulk == TLS_BULK_CHACHA20_POLY1305;
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        uint64_t seq = l == 0 ? 0 : (uint64_t)l << 40 | l;
        uint8_t type = l % 2 ? 23 : 22;
        fill(plain, lens[l], (unsigned)l);
        size_t n = seal12_aead(&z, seq, type, plain, lens[l]);
        ck_assert_uint_eq(n - lens[l], tls_cipher_overhead(c));
        expect_open(c, seq, wire, n, plain, lens[l], type, z.s->name);
        uint64_t explicit_seq = 0;
        ck_assert(tls_cipher_explicit_seq(c, wire + 5, n - 5, &explicit_seq) ==
                  !chacha);
        ck_assert(chacha || explicit_seq == seq);
        /* the additional data holds the sequence number and the header */
        ck_assert(try_open(c, seq + 1, wire, n) == TLS_OPEN_AUTH);
        wire[0] ^= 1;
        ck_assert(try_open(c, seq, wire, n) == TLS_OPEN_AUTH);
        wire[0] ^= 1;
        wire[5 + (n - 5) / 2] ^= 0x10;
        ck_assert(try_open(c, seq, wire, n) == TLS_OPEN_AUTH);
    }
    for (size_t len = 0; len < (chacha ? 0 : 8) + tag_of(z.s); len++) {
        put_be(wire + 3, len, 2);
        ck_assert(try_open(c, 0, wire, 5 + len) == TLS_OPEN_BAD);
    }
    tls_cipher_free(c);
}
END_TEST

/* --- CBC ------------------------------------------------------------ */

/* Every CBC suite family: AES-128/256, Camellia, 3DES with HMAC-SHA1 in
 * TLS 1.0, 1.1, 1.2; AES with SHA-256 and SHA-384 in TLS 1.2; each
 * MAC-then-encrypt and encrypt-then-MAC. */
static const uint16_t cbc_sha1[] = {0x002f, 0x0035, 0x0041, 0x0084, 0x000a};
static const uint16_t cbc_sha2[] = {0x003c, 0x003d, 0xc027, 0xc024};
#define N_SHA1 (sizeof cbc_sha1 / sizeof cbc_sha1[0])
#define N_SHA2 (sizeof cbc_sha2 / sizeof cbc_sha2[0])
#define CBC_CASES (2 * (3 * N_SHA1 + N_SHA2))

static void cbc_case(int i, struct sealer *z)
{
    bool etm = i % 2;
    int k = i / 2;
    if (k < (int)(3 * N_SHA1))
        sealer_init(z, cbc_sha1[k / 3], (uint16_t)(0x0301 + k % 3), etm);
    else
        sealer_init(z, cbc_sha2[k - (int)(3 * N_SHA1)], 0x0303, etm);
}

/* The padding that fills n bytes (and the MAC, MAC-then-encrypt) to a
 * block boundary, with at least `least` bytes. */
static size_t padding_for(const struct sealer *z, size_t n, size_t least)
{
    size_t bs = block_of(z->s);
    size_t used = n + (z->etm ? 0 : tls_hash_len(z->s->mac)) + least;
    return least + (bs - used % bs) % bs;
}

static void cbc_trip(struct sealer *z, struct tls_cipher *c, uint64_t seq,
                     size_t n, size_t padding, const char *what)
{
    uint8_t type = (uint8_t)(21 + seq % 3);
    fill(plain, n, (unsigned)seq + 5u);
    size_t len = seal_cbc(z, seq, type, plain, n, padding);
    expect_open(c, seq, wire, len, plain, n, type, what);
}

/* The most padding (up to 256 bytes) that n bytes can take. */
static size_t most_padding(const struct sealer *z, size_t n)
{
    size_t most = padding_for(z, n, 1);
    while (most + block_of(z->s) <= 256)
        most += block_of(z->s);
    return most;
}

/* Padding of 1 to 256 bytes (length byte 0 to 255), records in order;
 * then the largest content, 2^14 bytes, with the most padding. */
START_TEST(cbc_padding_1_to_256)
{
    struct sealer z;
    cbc_case(_i, &z);
    struct tls_cipher *c = cipher_for(&z);
    size_t bs = block_of(z.s), mac = tls_hash_len(z.s->mac);
    for (size_t pad = 1; pad <= 256; pad++) {
        /* a content length that pad fills exactly */
        size_t n = 3 * bs - (pad + (z.etm ? 0 : mac)) % bs;
        cbc_trip(&z, c, pad, n, pad, z.s->name);
    }
    cbc_trip(&z, c, 300, TLS_MAX_PLAINTEXT, most_padding(&z, TLS_MAX_PLAINTEXT),
             z.s->name);
    tls_cipher_free(c);
}
END_TEST

/* Content of 0 to 64 bytes with the least and the most padding: records
 * shorter than MAC + block (+ IV), whose MAC-then-encrypt MAC lies inside
 * the blocks, open (RFC 5246 §6.2.3.2 sets no such minimum). */
START_TEST(cbc_short_records)
{
    struct sealer z;
    cbc_case(_i, &z);
    struct tls_cipher *c = cipher_for(&z);
    uint64_t seq = 0;
    for (size_t n = 0; n <= 64; n++) {
        cbc_trip(&z, c, seq++, n, padding_for(&z, n, 1), z.s->name);
        cbc_trip(&z, c, seq++, n, most_padding(&z, n), z.s->name);
    }
    tls_cipher_free(c);
}
END_TEST

/* The case that was a bug: 5 bytes, HMAC-SHA1, AES, MAC-then-encrypt:
 * 48 bytes of body, less than MAC + block + IV (52). */
START_TEST(cbc_sha1_five_bytes)
{
    struct sealer z;
    sealer_init(&z, 0x002f, 0x0303, false);
    struct tls_cipher *c = cipher_for(&z);
    fill(plain, 5, 1);
    size_t n = seal_cbc(&z, 7, 23, plain, 5, padding_for(&z, 5, 1));
    ck_assert_uint_eq(n - 5, 48);
    ck_assert_uint_lt(n - 5, 20 + 16 + 16);
    expect_open(c, 7, wire, n, plain, 5, 23, "5 bytes");
    tls_cipher_free(c);
}
END_TEST

/* A changed byte, sequence number or padding fails; a body that is no
 * whole number of blocks is malformed. In TLS 1.0 a failure leaves the
 * chained IV as it was. */
START_TEST(cbc_tampered)
{
    struct sealer z;
    cbc_case(_i, &z);
    struct tls_cipher *c = cipher_for(&z);
    fill(plain, 40, 3);
    size_t n = seal_cbc(&z, 9, 23, plain, 40, padding_for(&z, 40, 9));
    for (size_t i = 0; i < n; i++) {
        if (i == 3 || i == 4)
            continue; /* the length frames the body: see below */
        wire[i] ^= 0x04;
        REQUIRE_MSG(try_open(c, 9, wire, n) == TLS_OPEN_AUTH,
                    "%s etm %d: byte %zu", z.s->name, z.etm, i);
        wire[i] ^= 0x04;
    }
    ck_assert(try_open(c, 10, wire, n) == TLS_OPEN_AUTH);
    ck_assert(try_open(c, 9, wire, n - 1) == TLS_OPEN_BAD);
    expect_open(c, 9, wire, n, plain, 40, 23, "after failures");
    for (int bad = 1; bad <= 2; bad++) {
        z.bad_pad = bad;
        n = seal_cbc(&z, 10, 23, plain, 40, padding_for(&z, 40, 9));
        ck_assert_msg(try_open(c, 10, wire, n) == TLS_OPEN_AUTH,
                      "%s etm %d: bad padding %d", z.s->name, z.etm, bad);
    }
    tls_cipher_free(c);
}
END_TEST

/* TLS 1.0: each record's IV is the last ciphertext block of the one
 * before; records open in order. Out of order, MAC-then-encrypt fails;
 * encrypt-then-MAC authenticates the ciphertext alone, so the record
 * opens with its first block wrong (the IV is not authenticated). */
START_TEST(tls10_chained_iv)
{
    struct sealer z;
    sealer_init(&z, 0x0035, 0x0301, _i == 1);
    struct tls_cipher *c = cipher_for(&z), *early = cipher_for(&z);
    uint8_t recs[3][200];
    size_t lens[3], n;
    for (int r = 0; r < 3; r++) {
        fill(plain, 50, (unsigned)r);
        lens[r] =
            seal_cbc(&z, (uint64_t)r, 23, plain, 50, padding_for(&z, 50, 1));
        memcpy(recs[r], wire, lens[r]);
    }
    uint8_t t;
    enum tls_open_result res = open_exact(early, 1, recs[1], lens[1], &n, &t);
    if (!z.etm) {
        ck_assert(res == TLS_OPEN_AUTH);
    } else {
        ck_assert(res == TLS_OPEN_OK && n == 50);
        fill(plain, 50, 1);
        ck_assert(memcmp(got, plain, 16) != 0);
        ck_assert(memcmp(got + 16, plain + 16, 34) == 0);
    }
    tls_cipher_free(early);
    for (int r = 0; r < 3; r++) {
        fill(plain, 50, (unsigned)r);
        expect_open(c, (uint64_t)r, recs[r], lens[r], plain, 50, 23, "chain");
    }
    tls_cipher_free(c);
}
END_TEST

/* NULL suites: the content, then HMAC(seq, header, content). */
START_TEST(null_suites)
{
    static const uint16_t ids[] = {0x0001, 0x0002, 0x003b};
    struct sealer z;
    sealer_init(&z, ids[_i], 0x0303, false);
    struct tls_cipher *c = cipher_for(&z);
    size_t mac = tls_hash_len(z.s->mac);
    for (size_t n = 0; n <= 300; n += 50) {
        wire[0] = 23, wire[1] = 3, wire[2] = 3;
        put_be(wire + 3, n + mac, 2);
        fill(wire + 5, n, (unsigned)n);
        hmac(&z, n, wire, wire + 5, n, wire + 5 + n);
        expect_open(c, n, wire, 5 + n + mac, wire + 5, n, 23, z.s->name);
        ck_assert(try_open(c, n + 1, wire, 5 + n + mac) == TLS_OPEN_AUTH);
    }
    ck_assert(try_open(c, 0, wire, 5 + mac - 1) == TLS_OPEN_BAD);
    tls_cipher_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tls_crypto");
    TCase *k = tcase_create("key schedules");
    tcase_add_loop_test(k, hkdf_expand_label_rfc8448, 0,
                        RFC8448_HKDF_LABEL_COUNT);
    tcase_add_test(k, prf_tls12_vectors);
    tcase_add_test(k, prf_tls10_vector);
    tcase_add_loop_test(k, key_block_layout, 0,
                        sizeof key_blocks / sizeof key_blocks[0]);
    tcase_add_loop_test(k, traffic_keys_rfc8448, 0, RFC8448_RECORD_COUNT);
    suite_add_tcase(s, k);
    TCase *r = tcase_create("rfc8448 records");
    tcase_add_loop_test(r, rfc8448_records_open, 0, RFC8448_RECORD_COUNT);
    tcase_add_loop_test(r, rfc8448_records_tampered, 0, RFC8448_RECORD_COUNT);
    suite_add_tcase(s, r);
    TCase *a = tcase_create("aead");
    tcase_add_loop_test(a, tls13_round_trip, 0, 5);
    tcase_add_loop_test(a, tls12_aead_round_trip, 0,
                        sizeof tls12_aead_suites / sizeof tls12_aead_suites[0]);
    suite_add_tcase(s, a);
    TCase *b = tcase_create("cbc and null");
    tcase_add_loop_test(b, cbc_padding_1_to_256, 0, CBC_CASES);
    tcase_add_loop_test(b, cbc_short_records, 0, CBC_CASES);
    tcase_add_test(b, cbc_sha1_five_bytes);
    tcase_add_loop_test(b, cbc_tampered, 0, CBC_CASES);
    tcase_add_loop_test(b, tls10_chained_iv, 0, 2);
    tcase_add_loop_test(b, null_suites, 0, 3);
    suite_add_tcase(s, b);
    return s;
}

SIFT_CHECK_MAIN(suite)
