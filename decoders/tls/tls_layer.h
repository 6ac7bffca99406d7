/* SPDX-License-Identifier: MIT */
/* The TLS layer of the analyzer: between TCP and the application layers.
 * It tells TLS connections from others by their first bytes, decrypts
 * what it can with the key log, and hands every connection's application
 * bytes on through one interface: the TCP bytes of a connection that is
 * not TLS, the plaintext of one that is (with its description), so HTTP
 * (and any other consumer) reads both the same way. */
#ifndef SIFT_TLS_LAYER_H
#define SIFT_TLS_LAYER_H

#include "pcapsift/keylog.h"
#include "pcapsift/tcp.h"
#include "pcapsift/tls.h"

struct tls_layer_cb {
    void *ctx;
    /* Application bytes; data NULL: a gap of len bytes. tls NULL: the
     * connection is not TLS. */
    void (*data)(void *ctx, const struct sift_tcp_conn *c,
                 const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                 const uint8_t *data, size_t len, int64_t ts);
    /* Every byte of one direction has been handed on (TCP's close). */
    void (*close)(void *ctx, const struct sift_tcp_event *e);
    /* The connection ends (after its last bytes). */
    void (*end)(void *ctx, const struct sift_tcp_conn *c);
    /* A TLS connection's final description, after `end`. */
    void (*connection)(void *ctx, const struct sift_tls_info *t);
    sift_warning_fn warn;
    void *warn_ctx;
    /* Optional, together: the consumer's count-only bytes (see struct
     * tls_env in tls_conn.h). */
    uint64_t (*countable)(void *ctx, const struct sift_tcp_conn *c,
                          enum sift_tcp_dir dir);
    void (*count)(void *ctx, const struct sift_tcp_conn *c,
                  const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                  uint64_t n, int64_t ts);
};

struct tls_layer;

/* keys may be NULL (nothing is decrypted) and is not owned. */
struct tls_layer *tls_layer_new(const struct sift_tls_options *opt,
                                struct sift_keylog *keys,
                                const struct tls_layer_cb *cb);
void tls_layer_free(struct tls_layer *l);

void tls_layer_data(struct tls_layer *l, const struct sift_tcp_conn *c,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    int64_t ts);
void tls_layer_event(struct tls_layer *l, const struct sift_tcp_event *e);
void tls_layer_end(struct tls_layer *l, const struct sift_tcp_conn *c);

const struct sift_tls_stats *tls_layer_stats(const struct tls_layer *l);

#endif
