/* SPDX-License-Identifier: MIT */
/* The HTTP layer of the analyzer: TCP stream bytes in, transactions and
 * WebSocket messages out (pcapsift/http.h). */
#ifndef SIFT_HTTP_LAYER_H
#define SIFT_HTTP_LAYER_H

#include "pcapsift/http.h"
#include "pcapsift/tcp.h"

struct http_layer_cb {
    void *ctx;
    void (*on_transaction)(void *ctx, const struct sift_http_transaction *t);
    void (*on_ws_message)(void *ctx, const struct sift_ws_message *m);
};

struct http_layer;

/* opt NULL: the defaults. NULL when out of memory. */
struct http_layer *http_layer_new(const struct sift_http_options *opt,
                                  const struct http_layer_cb *cb);
/* Application bytes of a connection (data NULL: a gap); tls is the TLS
 * connection they were decrypted from, NULL for cleartext. */
void http_layer_data(struct http_layer *h, const struct sift_tcp_conn *c,
                     const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                     const uint8_t *data, size_t len, int64_t ts);
/* How many of the next bytes of a direction this layer only counts (a
 * body of known length it neither keeps nor decodes); 0: it needs them. */
uint64_t http_layer_countable(struct http_layer *h,
                              const struct sift_tcp_conn *c,
                              enum sift_tcp_dir dir);
/* n such bytes (n at most what http_layer_countable said), as a count. */
void http_layer_count(struct http_layer *h, const struct sift_tcp_conn *c,
                      const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                      uint64_t n, int64_t ts);
void http_layer_event(struct http_layer *h, const struct sift_tcp_event *e);
void http_layer_end(struct http_layer *h, const struct sift_tcp_conn *c);
const struct sift_http_stats *http_layer_stats(const struct http_layer *h);
void http_layer_free(struct http_layer *h);

#endif
