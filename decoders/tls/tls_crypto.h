/* SPDX-License-Identifier: MIT */
/* Record protection for one direction, and the key schedules that feed it:
 * the TLS 1.0-1.2 PRF key block (RFC 5246 §6.3) and TLS 1.3
 * HKDF-Expand-Label (RFC 8446 §7.1, §7.3). All cryptography is OpenSSL's
 * libcrypto (EVP ciphers, EVP_KDF "TLS1-PRF" and "TLS13-KDF"). */
#ifndef SIFT_TLS_CRYPTO_H
#define SIFT_TLS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls_suites.h"

/* Largest plaintext of a record (RFC 8446 §5.1) and largest ciphertext
 * accepted from the wire: RFC 5246 §6.2.3 allows 2^14 + 2048. */
#define TLS_MAX_PLAINTEXT 16384u
#define TLS_MAX_CIPHERTEXT (16384u + 2048u)

#define TLS_MAX_KEY 32
#define TLS_MAX_MAC_KEY 48
#define TLS_MAX_IV 16

/* out = HKDF-Expand-Label(secret, label, context, len) with hash h. */
bool tls13_expand_label(enum tls_hash h, const uint8_t *secret,
                        size_t secret_len, const char *label,
                        const uint8_t *context, size_t context_len,
                        uint8_t *out, size_t len);

/* out = PRF(secret, label, seed1 + seed2) of TLS 1.2 with hash h, or, for
 * TLS 1.0 and 1.1 (h == TLS_HASH_NONE), the MD5/SHA-1 PRF. */
bool tls_prf(enum tls_hash h, const uint8_t *secret, size_t secret_len,
             const char *label, const uint8_t *seed1, size_t seed1_len,
             const uint8_t *seed2, size_t seed2_len, uint8_t *out,
             size_t len);

/* The keys of one direction. */
struct tls_keys {
    uint8_t key[TLS_MAX_KEY];
    uint8_t iv[TLS_MAX_IV];    /* TLS 1.3 / ChaCha: 12 bytes; GCM, CCM in
                                  TLS 1.2: the 4-byte salt; CBC in TLS 1.0:
                                  the first IV */
    uint8_t mac_key[TLS_MAX_MAC_KEY];
};

/* TLS 1.3: the keys of a traffic secret. */
bool tls13_traffic_keys(const struct tls_suite *s, const uint8_t *secret,
                        size_t secret_len, struct tls_keys *out);

/* TLS 1.3: the next traffic secret (KeyUpdate, §7.2), in place. */
bool tls13_next_secret(const struct tls_suite *s, uint8_t *secret,
                       size_t secret_len);

/* TLS 1.0-1.2: both directions' keys from the master secret. */
bool tls12_key_block(const struct tls_suite *s, uint16_t version,
                     const uint8_t master[48], const uint8_t client_random[32],
                     const uint8_t server_random[32], struct tls_keys *client,
                     struct tls_keys *server);

struct tls_cipher;

/* A record decryptor for one direction; NULL when the suite's cipher is
 * not available or out of memory. etm: encrypt-then-MAC (RFC 7366). */
struct tls_cipher *tls_cipher_new(const struct tls_suite *s, uint16_t version,
                                  const struct tls_keys *k, bool etm);
void tls_cipher_free(struct tls_cipher *c);

const struct tls_suite *tls_cipher_suite(const struct tls_cipher *c);

/* Bytes a record adds around its plaintext, when fixed (AEAD; TLS 1.3
 * counts the inner content type): the header's 5 included. 0 for CBC,
 * whose padding varies. */
size_t tls_cipher_overhead(const struct tls_cipher *c);

/* TLS 1.2 GCM and CCM records carry an explicit nonce, which is the
 * sequence number in every implementation seen; true and *seq when so. */
bool tls_cipher_explicit_seq(const struct tls_cipher *c, const uint8_t *body,
                             size_t len, uint64_t *seq);

enum tls_open_result { TLS_OPEN_OK = 0, TLS_OPEN_AUTH = 1, TLS_OPEN_BAD = 2 };

/* Decrypts and authenticates one record: hdr is its 5-byte header, body its
 * len bytes. On TLS_OPEN_OK, out (room for len bytes) holds *out_len bytes
 * of plaintext and, for TLS 1.3, *type the inner content type (padding
 * removed). TLS_OPEN_AUTH: not authentic with these keys and sequence
 * number; TLS_OPEN_BAD: too short for this cipher. The TLS 1.0 CBC state
 * moves on only after success. */
enum tls_open_result tls_cipher_open(struct tls_cipher *c, uint64_t seq,
                                     const uint8_t hdr[5],
                                     const uint8_t *body, size_t len,
                                     uint8_t *out, size_t *out_len,
                                     uint8_t *type);

/* Decrypts, without authentication, the bytes [a, b) of a record body of
 * body_len bytes that a capture gap left (only those bytes of `body` are
 * read): counter-mode ciphers (GCM, CCM, ChaCha20) byte for byte, CBC the
 * whole blocks that follow a present block. Writes the plaintext to out
 * and returns its length, with *pt_off its offset in the record's payload
 * (after any explicit nonce or IV; for CBC it may run into the MAC and
 * padding, which the caller trims). 0 when nothing can be decrypted. */
size_t tls_cipher_salvage(struct tls_cipher *c, uint64_t seq,
                          const uint8_t *body, size_t a, size_t b,
                          size_t body_len, uint8_t *out, size_t *pt_off);

/* Plaintext bytes before the payload of a salvaged record: explicit nonce
 * or IV (TLS 1.1+ CBC) that the record body starts with. */
size_t tls_cipher_prefix(const struct tls_cipher *c);
/* Bytes after the payload: tag, or MAC (padding not counted). */
size_t tls_cipher_suffix(const struct tls_cipher *c);
/* CBC with encrypt-then-MAC: the MAC follows the ciphertext. */
bool tls_cipher_etm(const struct tls_cipher *c);

#endif
