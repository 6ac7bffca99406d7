/* SPDX-License-Identifier: MIT */
/* The analyzer: takes records from a reader and calls the user's callbacks
 * with what each layer makes of them (ARCHITECTURE.md). A NULL callback
 * means "not interested". Everything handed to a callback is borrowed for
 * the duration of the call. */
#ifndef PCAPSIFT_ANALYZER_H
#define PCAPSIFT_ANALYZER_H

#include "pcapsift/error.h"
#include "pcapsift/http.h"
#include "pcapsift/ipfrag.h"
#include "pcapsift/keylog.h"
#include "pcapsift/packet.h"
#include "pcapsift/reader.h"
#include "pcapsift/tcp.h"
#include "pcapsift/tls.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sift_callbacks {
    void *ctx;
    /* Every record, decoded. A record that completes an IP datagram from
     * fragments is delivered as that datagram (SIFT_PKT_REASSEMBLED). */
    void (*on_packet)(void *ctx, const struct sift_packet *p);
    void (*on_warning)(void *ctx, const struct sift_warning *w);
    void *warning_ctx; /* on_warning's ctx; NULL: ctx */

    /* TCP (pcapsift/tcp.h); the TCP layer runs only when one is set. A
     * segment's events come before its on_packet call. */
    void (*on_tcp_event)(void *ctx, const struct sift_tcp_event *e);
    /* The in-order bytes of one direction of a connection; data NULL: a
     * gap of len bytes the capture does not have. */
    void (*on_tcp_data)(void *ctx, const struct sift_tcp_conn *c,
                        enum sift_tcp_dir dir, const uint8_t *data,
                        size_t len, uint64_t offset, int64_t ts_ns);
    /* A connection ended (closed and idle, reset, timed out, evicted, the
     * file ended); its counters are final. */
    void (*on_tcp_end)(void *ctx, const struct sift_tcp_conn *c);

    /* TLS (pcapsift/tls.h): a TLS connection's description when it ends,
     * before its on_tcp_end. The TLS layer runs when this or an HTTP
     * callback is set: HTTP reads decrypted TLS as it reads cleartext. */
    void (*on_tls_connection)(void *ctx, const struct sift_tls_info *t);

    /* HTTP (pcapsift/http.h); the HTTP layer runs only when one is set.
     * A transaction is delivered when its response ends (or, at the
     * latest, when its connection ends), oldest first on a connection. */
    void (*on_http_transaction)(void *ctx,
                                const struct sift_http_transaction *t);
    void (*on_ws_message)(void *ctx, const struct sift_ws_message *m);
};

struct sift_analyzer_options {
    struct sift_ipfrag_limits ipfrag; /* zeroes: the defaults */
    struct sift_tcp_limits tcp;       /* zeroes: the defaults */
    struct sift_http_options http;    /* zeroes: the defaults, no bodies,
                                         no decoding */
    struct sift_tls_options tls;      /* zeroes: the defaults */
    /* Secrets to decrypt TLS with (pcapsift/keylog.h); not owned, may be
     * shared by several analyzers. NULL: the analyzer keeps its own, fed
     * by sift_analyzer_add_secrets() only. */
    struct sift_keylog *keylog;
    /* Keep only the packets of shard `shard` of `shards`
     * (sift_packet_shard(), pcapsift/packet.h), after IP reassembly: the
     * others are not analyzed and not reported. shards 0 or 1: all. */
    uint32_t shard, shards;
    /* 2: TLS, HTTP and the callbacks run on a second thread, fed from the
     * caller's (which reads, decodes and reassembles TCP) through a queue;
     * the callbacks come in the same order with the same contents as with
     * one thread, but on that thread, one at a time. Used only when TLS or
     * HTTP runs and there is no on_packet callback; otherwise, and for 0
     * or 1, everything runs in sift_analyzer_feed()'s caller. The stats
     * below may be read only after sift_analyzer_finish(). */
    unsigned threads;
};

struct sift_analyzer;

/* opt may be NULL for the defaults. */
int sift_analyzer_new(const struct sift_callbacks *cb,
                      const struct sift_analyzer_options *opt,
                      struct sift_analyzer **out, struct sift_error *err);

/* A warning from the caller (e.g. its reader's) in order with the
 * analyzer's own: with two threads it is queued behind what is already
 * queued, and given to on_warning on the second thread. */
void sift_analyzer_warn(struct sift_analyzer *a, const struct sift_warning *w);

/* Runs one record through the layers. */
void sift_analyzer_feed(struct sift_analyzer *a, const struct sift_record *rec);

/* The input ended: whatever is still held is flushed or reported. */
void sift_analyzer_finish(struct sift_analyzer *a);

void sift_analyzer_free(struct sift_analyzer *a);

/* A pcap-ng Decryption Secrets Block (the reader's on_secrets): a TLS key
 * log (type 0x544c534b) goes into the analyzer's key log; other types are
 * ignored. Secrets are used from the next record on. */
void sift_analyzer_add_secrets(struct sift_analyzer *a,
                               const struct sift_secrets *s);

const struct sift_ipfrag_stats *
sift_analyzer_ipfrag_stats(const struct sift_analyzer *a);

/* TCP connections seen so far (ids run from 1 to this). */
uint64_t sift_analyzer_tcp_connections(const struct sift_analyzer *a);

/* What the TLS layer found so far; NULL when it does not run. */
const struct sift_tls_stats *
sift_analyzer_tls_stats(const struct sift_analyzer *a);

/* What the HTTP layer found so far; NULL when it does not run. */
const struct sift_http_stats *
sift_analyzer_http_stats(const struct sift_analyzer *a);

#ifdef __cplusplus
}
#endif
#endif
