/* SPDX-License-Identifier: MIT */
/* The TCP connection table the analyzer drives (see pcapsift/tcp.h). */
#ifndef SIFT_TCP_TABLE_H
#define SIFT_TCP_TABLE_H

#include "pcapsift/error.h"
#include "pcapsift/tcp.h"

struct tcp_callbacks {
    void *ctx;
    void (*on_event)(void *ctx, const struct sift_tcp_event *e);
    /* In-order bytes of one direction; data NULL: a gap of len bytes. */
    void (*on_data)(void *ctx, const struct sift_tcp_conn *c,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    uint64_t offset, int64_t ts_ns);
    /* The connection leaves the table; its counters are final. */
    void (*on_end)(void *ctx, const struct sift_tcp_conn *c);
    sift_warning_fn on_warning;
    void *warning_ctx;
};

struct tcp_table;

struct tcp_table *tcp_table_new(const struct sift_tcp_limits *limits,
                                const struct tcp_callbacks *cb);
void tcp_table_free(struct tcp_table *t);

/* A decoded TCP segment (p->protocol 6, not a fragment). */
void tcp_table_packet(struct tcp_table *t, const struct sift_packet *p);

/* Connections created so far. */
uint64_t tcp_table_connections(const struct tcp_table *t);

/* End of input: every connection is flushed and ended. */
void tcp_table_finish(struct tcp_table *t);

#endif
