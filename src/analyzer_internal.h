/* SPDX-License-Identifier: MIT */
/* The analyzer's state, shared by analyzer.c (the stages) and
 * analyzer_thread.c (the second thread that runs TLS and HTTP). */
#ifndef SIFT_ANALYZER_INTERNAL_H
#define SIFT_ANALYZER_INTERNAL_H

#include <pthread.h>

#include "pcapsift/analyzer.h"
#include "pcapsift/tcp.h"
#include "pipe.h"

/* The type of a pcap-ng Decryption Secrets Block holding a TLS key log. */
#define DSB_TLS_KEY_LOG 0x544c534bu

/* The record being analyzed, which TLS warnings point at; zeros: none. */
struct analyzer_where {
    uint64_t record, offset;
};

struct analyzer_mirror; /* analyzer_thread.c */

struct sift_analyzer {
    struct sift_callbacks cb;
    struct sift_ipfrag *frag;
    struct tcp_table *tcp; /* NULL when nobody listens for TCP */
    struct tls_layer *tls; /* NULL when nobody listens for TLS or HTTP */
    struct http_layer *http; /* NULL when nobody listens for HTTP */
    struct sift_keylog *keylog;
    bool own_keylog;
    uint32_t secrets_blocks;
    uint64_t late_warned; /* connections already said to have missed keys */
    struct analyzer_where here; /* read by the TLS and HTTP side */
    uint8_t *unknown_warned; /* by interface (global id): warned already */
    size_t unknown_cap;
    uint32_t shard, shards; /* only this shard of the packets (--shard) */
    /* Two threads: TCP's output is queued for the second (TLS, HTTP and
     * every callback but on_packet). */
    bool threaded, thread_running;
    struct analyzer_where feed_here; /* the first thread's record */
    pthread_t thread;
    struct pipe pipe;
    struct analyzer_mirror **mirrors; /* the second thread's connections */
    size_t mirror_buckets, mirror_count;
};

/* TCP's callbacks into TLS (and the user's TCP callbacks), on whichever
 * thread runs the layers above TCP. */
void analyzer_tcp_event(void *ctx, const struct sift_tcp_event *e);
void analyzer_tcp_data(void *ctx, const struct sift_tcp_conn *c,
                       enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                       uint64_t offset, int64_t ts_ns);
void analyzer_tcp_end(void *ctx, const struct sift_tcp_conn *c);
void analyzer_add_secrets_now(struct sift_analyzer *a,
                              const struct sift_secrets *s);

/* Warnings of the first thread's stages (IP, TCP, the reader through
 * sift_analyzer_warn): straight to the user with one thread, queued with
 * two so they come out in order with the second thread's. ctx: the
 * analyzer. */
void analyzer_front_warning(void *ctx, const struct sift_warning *w);

/* The same callbacks as TCP's, queuing instead (the first thread). */
void analyzer_queue_event(void *ctx, const struct sift_tcp_event *e);
void analyzer_queue_data(void *ctx, const struct sift_tcp_conn *c,
                         enum sift_tcp_dir dir, const uint8_t *data,
                         size_t len, uint64_t offset, int64_t ts_ns);
void analyzer_queue_end(void *ctx, const struct sift_tcp_conn *c);
void analyzer_queue_secrets(struct sift_analyzer *a,
                            const struct sift_secrets *s);

bool analyzer_thread_start(struct sift_analyzer *a);
/* Everything queued is run, then the second thread ends. */
void analyzer_thread_stop(struct sift_analyzer *a);
/* The queue and the second thread's connections (after the layers). */
void analyzer_thread_free(struct sift_analyzer *a);

#endif
