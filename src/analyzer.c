/* SPDX-License-Identifier: MIT */
/* The pipeline of ARCHITECTURE.md: record -> link/IP decode -> fragment
 * reassembly -> TCP -> TLS -> HTTP -> the user's callbacks. Each stage is
 * a plain call; nothing is queued between them, except with two threads
 * (analyzer_thread.c), where TCP's output is queued for TLS and HTTP. */
#include "pcapsift/analyzer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapsift/linktype.h"
#include "analyzer_internal.h"
#include "http_layer.h"
#include "tcp_table.h"
#include "tls_layer.h"

/* An interface whose link type has no decoder is said once: its packets
 * are counted, not decoded. */
static void warn_unknown_link(struct sift_analyzer *a,
                              const struct sift_record *rec)
{
    uint32_t id = rec->iface != NULL ? rec->iface->global_id : 0;
    if (id >= a->unknown_cap) {
        size_t cap = a->unknown_cap ? a->unknown_cap : 16;
        while (cap <= id)
            cap *= 2;
        uint8_t *n = realloc(a->unknown_warned, cap);
        if (n == NULL)
            return;
        memset(n + a->unknown_cap, 0, cap - a->unknown_cap);
        a->unknown_warned = n;
        a->unknown_cap = cap;
    }
    if (a->unknown_warned[id] || a->cb.on_warning == NULL)
        return;
    a->unknown_warned[id] = 1;
    const char *name = sift_linktype_name(rec->linktype);
    char msg[160];
    snprintf(msg, sizeof msg, "interface %u: link type %u (%s) is not "
             "decoded; its packets are counted only", id, rec->linktype,
             name ? name : "unknown");
    struct sift_warning w = {SIFT_WARN_HEADER, SIFT_LAYER_LINK, rec->offset,
                             rec->number, msg};
    analyzer_front_warning(a, &w);
}

static bool wants_http(const struct sift_callbacks *cb)
{
    return cb->on_http_transaction != NULL || cb->on_ws_message != NULL;
}

static bool wants_tls(const struct sift_callbacks *cb)
{
    return cb->on_tls_connection != NULL || wants_http(cb);
}

static bool wants_tcp(const struct sift_callbacks *cb)
{
    return cb->on_tcp_event != NULL || cb->on_tcp_data != NULL ||
           cb->on_tcp_end != NULL || wants_tls(cb);
}

/* With the TLS layer on, TCP's callbacks come here first: the user's own
 * TCP callbacks see the bytes, then TLS (and through it HTTP) reads them. */
void analyzer_tcp_event(void *ctx, const struct sift_tcp_event *e)
{
    struct sift_analyzer *a = ctx;
    if (a->cb.on_tcp_event != NULL)
        a->cb.on_tcp_event(a->cb.ctx, e);
    tls_layer_event(a->tls, e);
}

void analyzer_tcp_data(void *ctx, const struct sift_tcp_conn *c,
                            enum sift_tcp_dir dir, const uint8_t *data,
                            size_t len, uint64_t offset, int64_t ts_ns)
{
    struct sift_analyzer *a = ctx;
    if (a->cb.on_tcp_data != NULL)
        a->cb.on_tcp_data(a->cb.ctx, c, dir, data, len, offset, ts_ns);
    tls_layer_data(a->tls, c, dir, data, len, ts_ns);
}

void analyzer_tcp_end(void *ctx, const struct sift_tcp_conn *c)
{
    struct sift_analyzer *a = ctx;
    tls_layer_end(a->tls, c);
    if (a->cb.on_tcp_end != NULL)
        a->cb.on_tcp_end(a->cb.ctx, c);
}

/* What the TLS layer hands on (cleartext TCP bytes, or plaintext) goes to
 * HTTP, when HTTP runs. */
static void app_data(void *ctx, const struct sift_tcp_conn *c,
                     const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                     const uint8_t *data, size_t len, int64_t ts)
{
    struct sift_analyzer *a = ctx;
    if (a->http != NULL)
        http_layer_data(a->http, c, tls, dir, data, len, ts);
}

/* Plaintext HTTP only counts (a body it does not keep) need not be
 * decrypted. */
static uint64_t app_countable(void *ctx, const struct sift_tcp_conn *c,
                              enum sift_tcp_dir dir)
{
    struct sift_analyzer *a = ctx;
    return a->http != NULL ? http_layer_countable(a->http, c, dir) : 0;
}

static void app_count(void *ctx, const struct sift_tcp_conn *c,
                      const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                      uint64_t n, int64_t ts)
{
    struct sift_analyzer *a = ctx;
    if (a->http != NULL)
        http_layer_count(a->http, c, tls, dir, n, ts);
}

static void app_close(void *ctx, const struct sift_tcp_event *e)
{
    struct sift_analyzer *a = ctx;
    if (a->http != NULL)
        http_layer_event(a->http, e);
}

static void app_end(void *ctx, const struct sift_tcp_conn *c)
{
    struct sift_analyzer *a = ctx;
    if (a->http != NULL)
        http_layer_end(a->http, c);
}

/* TLS warnings carry the record being analyzed when they arise. */
static void tls_warning(void *ctx, const struct sift_warning *w)
{
    struct sift_analyzer *a = ctx;
    if (a->cb.on_warning == NULL)
        return;
    struct sift_warning located = *w;
    if (located.record == 0 && a->here.record != 0) {
        located.record = a->here.record;
        located.offset = a->here.offset;
    }
    a->cb.on_warning(a->cb.warning_ctx != NULL ? a->cb.warning_ctx
                                               : a->cb.ctx, &located);
}

static void tls_connection(void *ctx, const struct sift_tls_info *t)
{
    struct sift_analyzer *a = ctx;
    if (a->cb.on_tls_connection != NULL)
        a->cb.on_tls_connection(a->cb.ctx, t);
}

static bool start_app_layers(struct sift_analyzer *a,
                             const struct sift_analyzer_options *opt,
                             void *wctx)
{
    if (wants_http(&a->cb)) {
        struct http_layer_cb hcb = {a->cb.ctx, a->cb.on_http_transaction,
                                    a->cb.on_ws_message};
        a->http = http_layer_new(opt != NULL ? &opt->http : NULL, &hcb);
        if (a->http == NULL)
            return false;
    }
    a->keylog = opt != NULL ? opt->keylog : NULL;
    if (a->keylog == NULL) {
        a->keylog = sift_keylog_new(NULL);
        a->own_keylog = true;
        if (a->keylog == NULL)
            return false;
    }
    (void)wctx;
    struct tls_layer_cb tcb = {a,          app_data,       app_close,
                               app_end,    tls_connection, tls_warning,
                               a,          app_countable,  app_count};
    a->tls = tls_layer_new(opt != NULL ? &opt->tls : NULL, a->keylog, &tcb);
    return a->tls != NULL;
}

static struct tcp_table *start_tcp(struct sift_analyzer *a,
                                   const struct sift_analyzer_options *opt,
                                   void *wctx)
{
    struct tcp_callbacks tcb = {a->cb.ctx, a->cb.on_tcp_event,
                                a->cb.on_tcp_data, a->cb.on_tcp_end,
                                a->cb.on_warning, wctx};
    if (wants_tls(&a->cb)) {
        if (!start_app_layers(a, opt, wctx))
            return NULL;
        tcb = (struct tcp_callbacks){a, analyzer_tcp_event, analyzer_tcp_data,
                                     analyzer_tcp_end, analyzer_front_warning,
                                     a};
        if (a->threaded)
            tcb = (struct tcp_callbacks){a, analyzer_queue_event,
                                         analyzer_queue_data,
                                         analyzer_queue_end,
                                         analyzer_front_warning, a};
    }
    const struct sift_tcp_limits *lim =
        opt != NULL && opt->tcp.max_connections != 0 ? &opt->tcp : NULL;
    return tcp_table_new(lim, &tcb);
}

int sift_analyzer_new(const struct sift_callbacks *cb,
                      const struct sift_analyzer_options *opt,
                      struct sift_analyzer **out, struct sift_error *err)
{
    *out = NULL;
    struct sift_analyzer *a = calloc(1, sizeof *a);
    if (a == NULL)
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_NONE, 0,
                              "no memory for an analyzer");
    if (cb != NULL)
        a->cb = *cb;
    if (opt != NULL && opt->shards > 1) {
        if (opt->shard >= opt->shards) {
            free(a);
            return sift_error_set(err, SIFT_ERR_ARGUMENT, SIFT_LAYER_NONE, 0,
                                  "shard out of range");
        }
        a->shard = opt->shard;
        a->shards = opt->shards;
    }
    /* Two threads when there is a layer above TCP to give the second one,
     * and no per-packet callback, which would have to run on the first. */
    a->threaded = opt != NULL && opt->threads >= 2 && wants_tls(&a->cb) &&
                  a->cb.on_packet == NULL;
    const struct sift_ipfrag_limits *lim =
        opt != NULL && opt->ipfrag.max_datagrams != 0 ? &opt->ipfrag : NULL;
    void *wctx = a->cb.warning_ctx != NULL ? a->cb.warning_ctx : a->cb.ctx;
    a->frag = sift_ipfrag_new(lim, analyzer_front_warning, a);
    if (wants_tcp(&a->cb))
        a->tcp = start_tcp(a, opt, wctx);
    if (a->frag == NULL || (wants_tcp(&a->cb) && a->tcp == NULL) ||
        (a->threaded && !analyzer_thread_start(a))) {
        sift_analyzer_free(a);
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_IP, 0,
                              "no memory for the analyzer's tables");
    }
    *out = a;
    return SIFT_OK;
}

void sift_analyzer_feed(struct sift_analyzer *a, const struct sift_record *rec)
{
    struct sift_packet p, datagram;
    sift_decode_packet(rec, &p);
    if (p.flags & SIFT_PKT_UNKNOWN_LINK)
        warn_unknown_link(a, rec);
    const struct sift_packet *out = &p;
    if ((p.flags & SIFT_PKT_FRAGMENT) &&
        sift_ipfrag_add(a->frag, &p, &datagram) == 1)
        out = &datagram;
    if (a->shards > 1 && sift_packet_shard(out, a->shards) != a->shard)
        return;
    /* TCP first: the events a segment causes reach the callbacks before
     * the packet itself, so a packet listing can show them. */
    struct analyzer_where *here = a->threaded ? &a->feed_here : &a->here;
    if (a->tcp != NULL && out->protocol == 6 && out->tcp.header_len != 0 &&
        !(out->flags & (SIFT_PKT_FRAGMENT | SIFT_PKT_MALFORMED))) {
        *here = (struct analyzer_where){rec->number, rec->offset};
        tcp_table_packet(a->tcp, out);
        *here = (struct analyzer_where){0, 0};
    }
    if (a->cb.on_packet != NULL)
        a->cb.on_packet(a->cb.ctx, out);
}

void sift_analyzer_warn(struct sift_analyzer *a, const struct sift_warning *w)
{
    analyzer_front_warning(a, w);
}

void sift_analyzer_finish(struct sift_analyzer *a)
{
    /* Datagrams still missing fragments at the end are reported as lost. */
    sift_ipfrag_expire(a->frag, INT64_MAX);
    if (a->tcp != NULL)
        tcp_table_finish(a->tcp);
    if (a->threaded)
        analyzer_thread_stop(a);
}

void sift_analyzer_free(struct sift_analyzer *a)
{
    if (a == NULL)
        return;
    if (a->threaded)
        analyzer_thread_stop(a); /* not finished: what is queued still runs */
    sift_ipfrag_free(a->frag);
    tcp_table_free(a->tcp);
    tls_layer_free(a->tls);
    http_layer_free(a->http);
    if (a->own_keylog)
        sift_keylog_free(a->keylog);
    free(a->unknown_warned);
    analyzer_thread_free(a);
    free(a);
}

const struct sift_ipfrag_stats *
sift_analyzer_ipfrag_stats(const struct sift_analyzer *a)
{
    return sift_ipfrag_stats(a->frag);
}

uint64_t sift_analyzer_tcp_connections(const struct sift_analyzer *a)
{
    return a->tcp != NULL ? tcp_table_connections(a->tcp) : 0;
}

void sift_analyzer_add_secrets(struct sift_analyzer *a,
                               const struct sift_secrets *s)
{
    if (a->keylog == NULL || s->type != DSB_TLS_KEY_LOG)
        return;
    if (a->threaded && a->thread_running) {
        analyzer_queue_secrets(a, s); /* in order with the records */
        return;
    }
    analyzer_add_secrets_now(a, s);
}

void analyzer_add_secrets_now(struct sift_analyzer *a,
                              const struct sift_secrets *s)
{
    char origin[64];
    snprintf(origin, sizeof origin, "decryption secrets block %u (section "
             "%u)", ++a->secrets_blocks, s->section);
    void *wctx = a->cb.warning_ctx != NULL ? a->cb.warning_ctx : a->cb.ctx;
    sift_keylog_add_text(a->keylog, (const char *)s->data, s->len, origin,
                         a->cb.on_warning, wctx);
    /* Connections that ended before these secrets came cannot use them
     * (standard input is read once; a file by name is pre-scanned). */
    const struct sift_tls_stats *st = sift_analyzer_tls_stats(a);
    uint64_t missed = st ? st->missed_keys : 0;
    if (missed > a->late_warned && a->cb.on_warning != NULL) {
        char msg[320];
        snprintf(msg, sizeof msg, "%s came after records of %llu TLS "
                 "connection(s) that had no keys; those records stay "
                 "undecrypted (read the capture uncompressed and by file "
                 "name, or give the secrets with --keylog)",
                 origin, (unsigned long long)missed);
        struct sift_warning w = {.kind = SIFT_WARN_TLS,
                                 .layer = SIFT_LAYER_TLS, .message = msg};
        a->cb.on_warning(wctx, &w);
        a->late_warned = missed;
    }
}

const struct sift_tls_stats *
sift_analyzer_tls_stats(const struct sift_analyzer *a)
{
    return a->tls != NULL ? tls_layer_stats(a->tls) : NULL;
}

const struct sift_http_stats *
sift_analyzer_http_stats(const struct sift_analyzer *a)
{
    return a->http != NULL ? http_layer_stats(a->http) : NULL;
}
