/* SPDX-License-Identifier: MIT */
/* One TLS connection as a passive reader follows it: both directions'
 * records, the handshake, the keys of each phase from the key log, and the
 * decrypted application bytes handed on in order, with capture gaps as
 * gaps of the plaintext. */
#ifndef SIFT_TLS_CONN_H
#define SIFT_TLS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/error.h"
#include "pcapsift/keylog.h"
#include "pcapsift/tls.h"
#include "tls_cert.h"
#include "tls_session.h"

/* What the connections of one analyzer share. */
struct tls_env {
    struct sift_keylog *keys;        /* may be NULL: nothing decrypts */
    struct tls_session_cache *sessions;
    struct tls_cert_cache *certs;    /* may be NULL: parsed each time */
    uint32_t max_handshake;
    uint8_t *scratch;                /* 2 * TLS_MAX_CIPHERTEXT bytes */
    struct sift_tls_stats *stats;
    void *ctx;
    /* Decrypted application bytes; p NULL: a gap of n bytes. */
    void (*deliver)(void *ctx, const struct sift_tls_info *t,
                    enum sift_tcp_dir dir, const uint8_t *p, size_t n,
                    int64_t ts);
    /* Optional, together: how many of the next plaintext bytes of a
     * direction the consumer only counts (a body it does not keep), and
     * n such bytes given as a count. Records wholly inside are then not
     * decrypted (nor authenticated): TLS 1.2 AEAD records by their
     * length, TLS 1.3 ones by their last block (inner type, padding). */
    uint64_t (*countable)(void *ctx, const struct sift_tls_info *t,
                          enum sift_tcp_dir dir);
    void (*count)(void *ctx, const struct sift_tls_info *t,
                  enum sift_tcp_dir dir, uint64_t n, int64_t ts);
    sift_warning_fn warn;
    void *warn_ctx;
};

struct tls_conn;

struct tls_conn *tls_conn_new(struct tls_env *env,
                              const struct sift_tcp_conn *c);
void tls_conn_free(struct tls_conn *t);

void tls_conn_data(struct tls_conn *t, enum sift_tcp_dir d, const uint8_t *p,
                   size_t n, int64_t ts);
void tls_conn_gap(struct tls_conn *t, enum sift_tcp_dir d, uint64_t n,
                  int64_t ts);
/* No more bytes this way (FIN or the connection's end). */
void tls_conn_eof(struct tls_conn *t, enum sift_tcp_dir d, int64_t ts);

/* The description so far; final after tls_conn_finish. */
const struct sift_tls_info *tls_conn_info(struct tls_conn *t);
/* Flushes both directions and settles the outcome. */
const struct sift_tls_info *tls_conn_finish(struct tls_conn *t);

/* The TCP connection changed address in memory (the TCP layer hands a
 * fresh pointer with each call). */
void tls_conn_set_tcp(struct tls_conn *t, const struct sift_tcp_conn *c);

#endif
