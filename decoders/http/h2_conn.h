/* SPDX-License-Identifier: MIT */
/* One HTTP/2 connection (RFC 9113) read passively: the frames of both
 * directions, one HPACK decoder per direction, and its streams turned
 * into the same transactions HTTP/1.x gives (pcapsift/http.h), oldest
 * stream first. */
#ifndef SIFT_H2_CONN_H
#define SIFT_H2_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_body.h"
#include "http_msg.h"
#include "pcapsift/http.h"
#include "pcapsift/tcp.h"

struct h2_limits {
    uint32_t max_streams;     /* streams open (not yet emitted) at once */
    uint64_t max_header_list; /* decoded bytes per header block */
    uint32_t max_header_block;/* encoded bytes of one header block */
    uint32_t max_headers;     /* fields kept per message */
    /* Decoded header bytes held by the open streams of every connection
     * together (shared; may be NULL). */
    struct http_body_budget *header_budget;
};

struct h2_conn_cb {
    void *ctx;
    /* A transaction is ready; the callee numbers it (t->id) and hands it
     * on. Everything is borrowed for the call. */
    void (*emit)(void *ctx, struct sift_http_transaction *t);
};

struct h2_conn;

/* client_preface: the client's bytes start with the connection preface
 * (prior knowledge, TLS with ALPN h2, after an h2c upgrade). first_index:
 * the transaction index of the connection's first stream. */
struct h2_conn *h2_conn_new(const struct sift_tcp_conn *c,
                            const struct sift_tls_info *tls,
                            const struct http_body_limits *body,
                            const struct h2_limits *lim, bool client_preface,
                            uint32_t first_index, const struct h2_conn_cb *cb);
void h2_conn_free(struct h2_conn *h);

/* An HTTP/1.1 request with "Upgrade: h2c" was answered with 101: it is
 * stream 1 (RFC 9113 §3.1 of RFC 7540), its HTTP2-Settings header the
 * client's first settings. The message is moved. */
void h2_conn_upgraded(struct h2_conn *h, struct http_msg *req,
                      uint32_t flags);

void h2_conn_data(struct h2_conn *h, const struct sift_tcp_conn *c,
                  enum sift_tcp_dir d, const uint8_t *p, size_t n,
                  int64_t ts);
void h2_conn_gap(struct h2_conn *h, enum sift_tcp_dir d, uint64_t n,
                 int64_t ts);
/* DATA bytes of direction d that only count (see h2_reader_countable). */
uint64_t h2_conn_countable(const struct h2_conn *h, enum sift_tcp_dir d);
void h2_conn_count(struct h2_conn *h, enum sift_tcp_dir d, uint64_t n,
                   int64_t ts);
/* The connection ended: every stream still open is emitted. */
void h2_conn_end(struct h2_conn *h, const struct sift_tcp_conn *c,
                 int64_t ts);

/* Does this client's first data start like the connection preface? n may
 * be short: a prefix that matches says yes. */
bool h2_is_preface(const uint8_t *p, size_t n);

#endif
