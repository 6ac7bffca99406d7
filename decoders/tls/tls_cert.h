/* SPDX-License-Identifier: MIT */
/* What a report shows of a server certificate (RFC 5280): subject, issuer,
 * validity, DNS names and SHA-256 fingerprint, read by libcrypto's DER
 * parser from the bytes of a Certificate message. */
#ifndef SIFT_TLS_CERT_H
#define SIFT_TLS_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tls_cert_summary {
    char *subject, *issuer, *san; /* malloc'd, NUL-terminated */
    char *subject_cn, *issuer_cn;
    int64_t not_before, not_after;
    uint8_t sha256[32];
};

/* False when the bytes are not a certificate libcrypto can parse (the
 * fingerprint is still filled, the names are then empty strings). */
bool tls_cert_summarize(const uint8_t *der, size_t len,
                        struct tls_cert_summary *out);
void tls_cert_summary_free(struct tls_cert_summary *s);

/* Summaries of the certificates seen, by fingerprint: a capture shows the
 * same few server certificates again and again, and parsing one (most of
 * it OpenSSL decoding the public key) costs more than decrypting a
 * connection's records. At most TLS_CERT_CACHE of them are kept. */
#define TLS_CERT_CACHE 256
struct tls_cert_cache;
struct tls_cert_cache *tls_cert_cache_new(void);
void tls_cert_cache_free(struct tls_cert_cache *c);

/* The summary of der: the cache's (borrowed until the cache is freed)
 * when seen before or when there is room, else parsed into *own (the
 * caller frees it). c may be NULL. *parsed: the DER was read. */
const struct tls_cert_summary *tls_cert_lookup(struct tls_cert_cache *c,
                                               const uint8_t *der,
                                               size_t len,
                                               struct tls_cert_summary *own,
                                               bool *parsed);

#endif
