/* SPDX-License-Identifier: MIT */
/* Connections as HTTP sees them: two message streams, a queue of
 * transactions paired in order (RFC 9112 §9.3.2: responses come in the
 * order of their requests, so pipelining pairs right), emitted as soon as
 * the oldest one is complete, and WebSocket streams after a 101. */
#include "http_layer.h"

#include <stdlib.h>
#include <string.h>

#include "h2_conn.h"
#include "h2_frame.h"
#include "http_msg.h"
#include "http_stream.h"
#include "websocket.h"

/* Server bytes held while a connection's client has not spoken: an h2c
 * server may send its SETTINGS before the client's preface arrives. */
#define MAX_SERVER_HOLD (64u << 10)

struct http_txn {
    struct http_txn *next;
    struct http_msg req, resp;
    struct http_msg *interim;
    size_t interim_count;
    uint32_t index, flags;
    bool resp_given_up; /* no response will come (lost in a gap) */
    uint64_t id;
};

struct http_conn {
    struct http_conn *hash_next;
    struct http_layer *layer;
    uint64_t conn_id;
    const struct sift_tcp_conn *conn;
    const struct sift_tls_info *tls; /* NULL: cleartext */
    struct http_stream *stream[2];
    struct http_txn *first, *last;
    struct http_msg *reading[2];     /* message each stream is in */
    struct http_txn *reading_txn[2];
    struct ws_stream *ws[2];
    uint32_t next_index;
    bool gap_since_pair[2];          /* a gap since the last pairing */
    bool decided;  /* found to be HTTP, or another protocol */
    bool counted;
    uint64_t ws_txn;
    struct h2_conn *h2;   /* the connection speaks HTTP/2 */
    bool client_spoke;    /* the client's first bytes came */
    uint8_t *held;        /* server bytes before that (see above) */
    size_t held_len;
    int64_t held_ts;
};

struct http_layer {
    struct sift_http_options opt;
    struct http_layer_cb cb;
    struct http_body_budget budget;
    struct http_body_limits body_lim;
    struct http_stream_limits stream_lim;
    struct h2_limits h2_lim;
    struct http_body_budget h2_headers; /* all HTTP/2 heads held */
    struct http_conn **buckets;
    size_t nbuckets, count;
    uint64_t next_id;
    struct sift_http_stats stats;
};

/* --- the table of connections (by the TCP layer's id) ----------------- */

static size_t bucket_of(const struct http_layer *h, uint64_t id)
{
    return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 20) & (h->nbuckets - 1);
}

static void table_grow(struct http_layer *h)
{
    size_t n = h->nbuckets * 2;
    struct http_conn **b = calloc(n, sizeof *b);
    if (b == NULL)
        return;
    struct http_conn **old = h->buckets;
    size_t oldn = h->nbuckets;
    h->buckets = b;
    h->nbuckets = n;
    for (size_t i = 0; i < oldn; i++)
        for (struct http_conn *c = old[i], *next; c != NULL; c = next) {
            next = c->hash_next;
            size_t k = bucket_of(h, c->conn_id);
            c->hash_next = b[k];
            b[k] = c;
        }
    free(old);
}

static struct http_conn *table_find(struct http_layer *h, uint64_t id,
                                    struct http_conn ***slot)
{
    struct http_conn **p = &h->buckets[bucket_of(h, id)];
    while (*p != NULL && (*p)->conn_id != id)
        p = &(*p)->hash_next;
    *slot = p;
    return *p;
}

/* --- transactions ----------------------------------------------------- */

static void txn_free(struct http_txn *t)
{
    http_msg_free(&t->req);
    http_msg_free(&t->resp);
    for (size_t i = 0; i < t->interim_count; i++)
        http_msg_free(&t->interim[i]);
    free(t->interim);
    free(t);
}

static struct http_txn *txn_append(struct http_conn *c)
{
    struct http_txn *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->index = c->next_index++;
    if (c->last != NULL)
        c->last->next = t;
    else
        c->first = t;
    c->last = t;
    return t;
}

static bool txn_complete(const struct http_txn *t)
{
    bool req_ok = !t->req.started || t->req.done;
    bool resp_ok = t->resp.done || t->resp_given_up;
    return req_ok && resp_ok;
}

static uint64_t txn_id(struct http_layer *h, struct http_txn *t)
{
    if (t->id == 0)
        t->id = ++h->next_id;
    return t->id;
}

static void emit(struct http_conn *c, struct http_txn *t)
{
    struct http_layer *h = c->layer;
    struct sift_http_transaction pub;
    memset(&pub, 0, sizeof pub);
    pub.id = txn_id(h, t);
    pub.conn = c->conn;
    pub.tls = c->tls;
    pub.index = t->index;
    pub.request = t->req.pub;
    pub.response = t->resp.pub;
    if (!t->req.started)
        t->flags |= SIFT_HTTP_NO_REQUEST;
    if (!t->resp.started)
        t->flags |= SIFT_HTTP_NO_RESPONSE;
    pub.flags = t->flags | pub.request.flags | pub.response.flags;
    struct sift_http_message interim[16];
    size_t n = t->interim_count < 16 ? t->interim_count : 16;
    for (size_t i = 0; i < n; i++)
        interim[i] = t->interim[i].pub;
    pub.interim = interim;
    pub.interim_count = n;
    h->stats.transactions++;
    if (h->cb.on_transaction != NULL)
        h->cb.on_transaction(h->cb.ctx, &pub);
}

/* Emits the oldest transactions while they are complete. */
static void emit_ready(struct http_conn *c)
{
    while (c->first != NULL && txn_complete(c->first)) {
        struct http_txn *t = c->first;
        c->first = t->next;
        if (c->first == NULL)
            c->last = NULL;
        for (int d = 0; d < 2; d++)
            if (c->reading_txn[d] == t)
                c->reading_txn[d] = NULL, c->reading[d] = NULL;
        emit(c, t);
        txn_free(t);
    }
}

/* --- the request side ------------------------------------------------- */

static void count_http(struct http_conn *c)
{
    if (!c->counted) {
        c->counted = true;
        c->decided = true;
        c->layer->stats.http_connections++;
    }
}

static void request_head(struct http_conn *c, struct http_head *hd,
                         uint64_t head_bytes, uint32_t flags,
                         int64_t first_ns, struct http_framing *fr)
{
    struct http_txn *t = txn_append(c);
    if (t == NULL) {
        http_head_free(hd);
        return;
    }
    http_msg_start(&t->req, hd, head_bytes, flags, first_ns,
                   &c->layer->body_lim);
    http_msg_request_framing(&t->req, fr);
    if (t->req.pub.version == 9)
        http_stream_expect_http09(c->stream[SIFT_TCP_FROM_SERVER]);
    c->reading[SIFT_TCP_FROM_CLIENT] = &t->req;
    c->reading_txn[SIFT_TCP_FROM_CLIENT] = t;
}

/* --- the response side: which request does it answer? ----------------- */

/* The oldest transaction still waiting for its response. After a gap, a
 * response cannot answer a request sent after it began (the capture point
 * saw the request first), and after a gap in the responses, the latest
 * request sent before it is the best guess: those skipped lost their
 * response in the gap. */
static struct http_txn *pair_response(struct http_conn *c, int64_t first_ns,
                                      bool resynced)
{
    struct http_txn *t = c->first;
    while (t != NULL && (t->resp.started || t->resp_given_up ||
                         !t->req.started))
        t = t->next;
    if (t == NULL)
        return NULL;
    if (c->gap_since_pair[SIFT_TCP_FROM_CLIENT] &&
        t->req.pub.first_ns > first_ns)
        return NULL;
    if (resynced || c->gap_since_pair[SIFT_TCP_FROM_SERVER]) {
        struct http_txn *best = t;
        for (struct http_txn *u = t->next; u != NULL; u = u->next)
            if (u->req.started && !u->resp.started &&
                u->req.pub.first_ns <= first_ns)
                best = u;
        for (struct http_txn *u = t; u != best; u = u->next)
            if (u->req.started && !u->resp.started) {
                u->resp_given_up = true;
                u->flags |= SIFT_HTTP_NO_RESPONSE;
            }
        t = best;
    }
    return t;
}

static void response_head(struct http_conn *c, struct http_head *hd,
                          uint64_t head_bytes, uint32_t flags,
                          int64_t first_ns, struct http_framing *fr)
{
    struct http_txn *t = pair_response(c, first_ns,
                                       (flags & SIFT_HTTP_RESYNC) != 0);
    if (t == NULL)
        t = txn_append(c); /* its request is not in the capture */
    if (t == NULL) {
        http_head_free(hd);
        return;
    }
    c->gap_since_pair[0] = c->gap_since_pair[1] = false;
    struct http_msg *m = &t->resp;
    bool interim = hd->status >= 100 && hd->status < 200 &&
                   hd->status != 101 && hd->version != 9;
    if (interim) {
        struct http_msg *a = realloc(t->interim, (t->interim_count + 1) *
                                                     sizeof *a);
        if (a == NULL) {
            http_head_free(hd);
            return;
        }
        t->interim = a;
        m = &a[t->interim_count++];
    }
    http_msg_start(m, hd, head_bytes, flags, first_ns, &c->layer->body_lim);
    const struct http_msg *req = t->req.started ? &t->req : NULL;
    if (req != NULL && !req->done && !interim)
        m->pub.flags |= SIFT_HTTP_EARLY_RESPONSE;
    http_msg_response_framing(m, req, fr);
    c->reading[SIFT_TCP_FROM_SERVER] = m;
    c->reading_txn[SIFT_TCP_FROM_SERVER] = t;
}

/* --- HTTP/2 ----------------------------------------------------------- */

static void h2_emit(void *ctx, struct sift_http_transaction *t)
{
    struct http_conn *c = ctx;
    struct http_layer *h = c->layer;
    t->id = ++h->next_id;
    h->stats.transactions++;
    if (h->cb.on_transaction != NULL)
        h->cb.on_transaction(h->cb.ctx, t);
}

/* The connection is HTTP/2 from here: both HTTP/1.x streams stop. */
static bool start_h2(struct http_conn *c, bool preface)
{
    struct h2_conn_cb cb = {c, h2_emit};
    c->h2 = h2_conn_new(c->conn, c->tls, &c->layer->body_lim,
                        &c->layer->h2_lim, preface, c->next_index, &cb);
    if (c->h2 == NULL)
        return false;
    if (!c->counted)
        c->layer->stats.http2_connections++;
    c->counted = c->decided = true;
    return true;
}

/* An h2c upgrade (RFC 7540 §3.2): the request becomes stream 1, the 101
 * goes (kept as a flag), and both sides' next bytes are HTTP/2. */
static bool upgrade_h2c(struct http_conn *c, struct http_txn *t)
{
    if (!t->req.started || c->h2 != NULL)
        return false;
    c->next_index = t->index; /* the request keeps its place */
    if (!start_h2(c, true))
        return false;
    h2_conn_upgraded(c->h2, &t->req, t->flags);
    c->layer->stats.upgrades++;
    struct http_txn **p = &c->first, *prev = NULL;
    while (*p != NULL && *p != t)
        prev = *p, p = &(*p)->next;
    if (*p == t) {
        *p = t->next;
        if (c->last == t)
            c->last = prev;
        txn_free(t);
    }
    return true;
}

/* --- stream callbacks ------------------------------------------------- */

static int dir_of(const struct http_stream *s)
{
    return http_stream_from_client(s) ? SIFT_TCP_FROM_CLIENT
                                      : SIFT_TCP_FROM_SERVER;
}

static void on_head(void *ctx, struct http_stream *s, const uint8_t *buf,
                    size_t len, uint64_t head_bytes, uint32_t flags,
                    int64_t first_ns, int64_t ts, struct http_framing *fr)
{
    (void)ts;
    struct http_conn *c = ctx;
    bool client = http_stream_from_client(s);
    struct http_head hd;
    if (len == 0) {
        /* The answer to an HTTP/0.9 request. */
        memset(&hd, 0, sizeof hd);
        hd.version = 9;
        flags |= SIFT_HTTP_HTTP09;
    } else if (!http_head_parse(buf, len, client, false,
                                c->layer->opt.max_headers, &hd)) {
        http_head_free(&hd);
        return;
    }
    count_http(c);
    if (client)
        request_head(c, &hd, head_bytes, flags, first_ns, fr);
    else
        response_head(c, &hd, head_bytes, flags, first_ns, fr);
}

static void on_body(void *ctx, struct http_stream *s, const uint8_t *p,
                    size_t n)
{
    struct http_conn *c = ctx;
    struct http_msg *m = c->reading[dir_of(s)];
    if (m != NULL)
        http_body_data(&m->body, p, n);
}

static void on_body_gap(void *ctx, struct http_stream *s, uint64_t n)
{
    struct http_conn *c = ctx;
    struct http_msg *m = c->reading[dir_of(s)];
    if (m != NULL) {
        m->pub.missing_bytes += n;
        http_body_gap(&m->body, n);
    }
}

static void on_trailers(void *ctx, struct http_stream *s, const uint8_t *buf,
                        size_t len)
{
    struct http_conn *c = ctx;
    struct http_msg *m = c->reading[dir_of(s)];
    if (m == NULL)
        return;
    http_head_free(&m->trailer);
    http_head_parse(buf, len, false, true, c->layer->opt.max_headers,
                    &m->trailer);
    m->pub.flags |= m->trailer.flags;
}

static void ws_deliver(void *ctx, const struct sift_ws_message *m)
{
    struct http_conn *c = ctx;
    c->layer->stats.ws_messages++;
    if (c->layer->cb.on_ws_message != NULL)
        c->layer->cb.on_ws_message(c->layer->cb.ctx, m);
}

static void start_websocket(struct http_conn *c, struct http_txn *t)
{
    struct ws_deflate_params dp;
    char ext[512];
    size_t n = http_msg_joined(&t->resp, "sec-websocket-extensions", ext,
                               sizeof ext);
    bool deflate = ws_parse_extensions(ext, n, &dp);
    uint64_t id = txn_id(c->layer, t);
    /* Payloads are kept (within the cap) even when not shown, so lengths
     * are the inflated ones and `cut` means what it says. */
    size_t keep = (size_t)c->layer->opt.max_body;
    for (int d = 0; d < 2; d++)
        if (c->ws[d] == NULL)
            c->ws[d] = ws_stream_new(c->conn, id, (enum sift_tcp_dir)d,
                                     deflate ? &dp : NULL, keep, ws_deliver,
                                     c);
    c->layer->stats.upgrades++;
}

/* A response ended: a switch of protocols, or a refusal of one, decides
 * what the client's held bytes are. */
static void response_ended(struct http_conn *c, struct http_txn *t,
                           const struct http_msg *m, int64_t ts)
{
    struct http_stream *cs = c->stream[SIFT_TCP_FROM_CLIENT];
    if (m != &t->resp)
        return; /* an interim response */
    if (m->pub.flags & SIFT_HTTP_UPGRADE) {
        bool ws = t->req.started &&
                  http_msg_upgrades_to_websocket(&t->req, &t->resp);
        if (!ws && http_msg_upgrades_to_h2c(t->req.started ? &t->req : NULL,
                                            &t->resp) &&
            upgrade_h2c(c, t)) {
            http_stream_release(cs, HTTP_AFTER_RAW, ts);
            return;
        }
        if (ws)
            start_websocket(c, t);
        else
            c->layer->stats.upgrades++;
        http_stream_release(cs, ws ? HTTP_AFTER_RAW : HTTP_AFTER_TUNNEL, ts);
    } else if (m->pub.flags & SIFT_HTTP_TUNNEL) {
        c->layer->stats.tunnels++;
        http_stream_release(cs, HTTP_AFTER_TUNNEL, ts);
    } else if (t->req.started && (http_msg_is_connect(&t->req) ||
                                  http_msg_wants_upgrade(&t->req))) {
        http_stream_release(cs, HTTP_AFTER_NEXT, ts);
    }
}

static void on_end(void *ctx, struct http_stream *s, uint32_t flags,
                   uint64_t wire, int64_t ts)
{
    struct http_conn *c = ctx;
    int d = dir_of(s);
    struct http_msg *m = c->reading[d];
    struct http_txn *t = c->reading_txn[d];
    c->reading[d] = NULL;
    c->reading_txn[d] = NULL;
    if (m == NULL || t == NULL)
        return;
    http_msg_finish(m, flags, wire, ts);
    if (d == SIFT_TCP_FROM_SERVER)
        response_ended(c, t, m, ts);
    emit_ready(c);
}

static void on_raw(void *ctx, struct http_stream *s, const uint8_t *p,
                   size_t n, int64_t ts)
{
    struct http_conn *c = ctx;
    if (c->h2 != NULL) {
        enum sift_tcp_dir d = (enum sift_tcp_dir)dir_of(s);
        if (p == NULL)
            h2_conn_gap(c->h2, d, n, ts);
        else
            h2_conn_data(c->h2, c->conn, d, p, n, ts);
        return;
    }
    struct ws_stream *ws = c->ws[dir_of(s)];
    if (ws == NULL)
        return;
    if (p == NULL)
        ws_stream_gap(ws, n, ts);
    else
        ws_stream_feed(ws, p, n, ts);
}

static void on_protocol(void *ctx, struct http_stream *s, enum http_proto p)
{
    struct http_conn *c = ctx;
    struct sift_http_stats *st = &c->layer->stats;
    if (c->decided)
        return;
    /* One side is not HTTP: neither is the other. */
    http_stream_ignore(c->stream[!dir_of(s)]);
    c->decided = true; /* counted once */
    switch (p) {
    case HTTP_PROTO_TLS: st->tls_connections++; break;
    case HTTP_PROTO_SSH: st->ssh_connections++; break;
    case HTTP_PROTO_HTTP2: st->http2_connections++; break;
    default: st->other_connections++; break;
    }
}

/* --- connections ------------------------------------------------------ */

static struct http_conn *conn_new(struct http_layer *h,
                                  const struct sift_tcp_conn *tc)
{
    struct http_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->layer = h;
    c->conn_id = tc->id;
    c->conn = tc;
    struct http_stream_cb cb = {c, on_head, on_body, on_body_gap,
                                on_trailers, on_end, on_raw, on_protocol};
    for (int d = 0; d < 2; d++) {
        c->stream[d] = http_stream_new(d == SIFT_TCP_FROM_CLIENT,
                                       &h->stream_lim, &cb);
        if (c->stream[d] == NULL) {
            http_stream_free(c->stream[0]);
            free(c);
            return NULL;
        }
        http_stream_set_clean_start(c->stream[d], !tc->midstream);
    }
    return c;
}

static struct http_conn *conn_get(struct http_layer *h,
                                  const struct sift_tcp_conn *tc)
{
    struct http_conn **slot;
    struct http_conn *c = table_find(h, tc->id, &slot);
    if (c != NULL)
        return c;
    c = conn_new(h, tc);
    if (c == NULL)
        return NULL;
    *slot = c;
    if (++h->count > h->nbuckets)
        table_grow(h);
    return c;
}

static void conn_free(struct http_conn *c)
{
    while (c->first != NULL) {
        struct http_txn *t = c->first;
        c->first = t->next;
        txn_free(t);
    }
    for (int d = 0; d < 2; d++) {
        http_stream_free(c->stream[d]);
        ws_stream_free(c->ws[d]);
    }
    h2_conn_free(c->h2);
    free(c->held);
    free(c);
}

/* Server bytes before the client's: held while they look like HTTP/2
 * frames (an h2c server's SETTINGS), and given back when the client turns
 * out to speak something else. */
static bool hold_server(struct http_conn *c, const uint8_t *data, size_t len,
                        int64_t ts)
{
    if (c->client_spoke || c->decided || c->held_len + len > MAX_SERVER_HOLD)
        return false;
    if (c->held_len == 0) {
        if (len < H2_FRAME_HEADER)
            return false;
        struct h2_frame f = h2_frame_header(data);
        if (f.type != H2_SETTINGS || f.stream != 0 || f.length % 6 != 0)
            return false;
        c->held_ts = ts;
    }
    uint8_t *b = realloc(c->held, c->held_len + len);
    if (b == NULL)
        return false;
    memcpy(b + c->held_len, data, len);
    c->held = b;
    c->held_len += len;
    return true;
}

static void release_held(struct http_conn *c)
{
    if (c->held_len == 0)
        return;
    if (c->h2 != NULL)
        h2_conn_data(c->h2, c->conn, SIFT_TCP_FROM_SERVER, c->held,
                     c->held_len, c->held_ts);
    else
        http_stream_feed(c->stream[SIFT_TCP_FROM_SERVER], c->held,
                         c->held_len, c->held_ts);
    free(c->held);
    c->held = NULL;
    c->held_len = 0;
}

/* Is this the start of an HTTP/2 connection: ALPN h2, or the preface? */
static bool begins_h2(struct http_conn *c, enum sift_tcp_dir dir,
                      const uint8_t *data, size_t len)
{
    if (c->decided || c->h2 != NULL)
        return false;
    if (c->tls != NULL && strcmp(c->tls->alpn, "h2") == 0)
        return true;
    return dir == SIFT_TCP_FROM_CLIENT && !c->client_spoke && data != NULL &&
           h2_is_preface(data, len);
}

void http_layer_data(struct http_layer *h, const struct sift_tcp_conn *tc,
                     const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                     const uint8_t *data, size_t len, int64_t ts)
{
    struct http_conn *c = conn_get(h, tc);
    if (c == NULL)
        return;
    c->conn = tc;
    c->tls = tls;
    if (c->h2 == NULL && begins_h2(c, dir, data, len)) {
        bool preface = c->tls == NULL || !tc->midstream;
        if (!start_h2(c, preface))
            return;
    }
    if (c->h2 != NULL) {
        if (dir == SIFT_TCP_FROM_CLIENT)
            c->client_spoke = true;
        release_held(c);
        if (data == NULL)
            h2_conn_gap(c->h2, dir, len, ts);
        else
            h2_conn_data(c->h2, tc, dir, data, len, ts);
        return;
    }
    if (dir == SIFT_TCP_FROM_SERVER && data != NULL &&
        hold_server(c, data, len, ts))
        return;
    if (dir == SIFT_TCP_FROM_CLIENT) {
        c->client_spoke = true;
        release_held(c);
    }
    if (data == NULL) {
        c->gap_since_pair[dir] = true;
        http_stream_gap(c->stream[dir], len, ts);
    } else {
        http_stream_feed(c->stream[dir], data, len, ts);
    }
}

uint64_t http_layer_countable(struct http_layer *h,
                              const struct sift_tcp_conn *tc,
                              enum sift_tcp_dir dir)
{
    struct http_conn **slot;
    struct http_conn *c = table_find(h, tc->id, &slot);
    if (c == NULL || c->held_len > 0 || h->opt.keep_bodies ||
        h->opt.decode)
        return 0;
    if (c->h2 != NULL)
        return h2_conn_countable(c->h2, dir);
    if (c->reading[dir] == NULL)
        return 0;
    return http_stream_countable(c->stream[dir]);
}

void http_layer_count(struct http_layer *h, const struct sift_tcp_conn *tc,
                      const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                      uint64_t n, int64_t ts)
{
    struct http_conn **slot;
    struct http_conn *c = table_find(h, tc->id, &slot);
    if (c == NULL)
        return;
    c->conn = tc;
    c->tls = tls;
    if (c->h2 != NULL)
        h2_conn_count(c->h2, dir, n, ts);
    else
        http_stream_count(c->stream[dir], n, ts);
}

void http_layer_event(struct http_layer *h, const struct sift_tcp_event *e)
{
    /* Every byte up to this side's FIN arrived: bodies that run to the
     * close end here, not when the connection is dropped later. */
    if (e->kind != SIFT_TCP_EV_CLOSE)
        return;
    struct http_conn **slot;
    struct http_conn *c = table_find(h, e->conn->id, &slot);
    if (c == NULL)
        return;
    http_stream_eof(c->stream[e->dir], e->ts_ns);
    if (c->ws[e->dir] != NULL)
        ws_stream_end(c->ws[e->dir], e->ts_ns);
}

void http_layer_end(struct http_layer *h, const struct sift_tcp_conn *tc)
{
    struct http_conn **slot;
    struct http_conn *c = table_find(h, tc->id, &slot);
    if (c == NULL)
        return;
    c->conn = tc;
    int64_t ts = tc->last_ns;
    release_held(c);
    if (c->h2 != NULL)
        h2_conn_end(c->h2, tc, ts);
    http_stream_eof(c->stream[SIFT_TCP_FROM_CLIENT], ts);
    http_stream_eof(c->stream[SIFT_TCP_FROM_SERVER], ts);
    for (int d = 0; d < 2; d++)
        if (c->ws[d] != NULL)
            ws_stream_end(c->ws[d], ts);
    for (struct http_txn *t = c->first; t != NULL; t = t->next) {
        if (!t->resp.done)
            t->resp_given_up = true;
        if (t->req.started && !t->req.done)
            http_msg_finish(&t->req, SIFT_HTTP_INCOMPLETE, 0, ts);
    }
    emit_ready(c);
    *slot = c->hash_next;
    h->count--;
    conn_free(c);
}

/* --- the layer -------------------------------------------------------- */

struct http_layer *http_layer_new(const struct sift_http_options *opt,
                                  const struct http_layer_cb *cb)
{
    struct http_layer *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    if (opt != NULL)
        h->opt = *opt;
    struct sift_http_options *o = &h->opt;
    if (o->max_body == 0)
        o->max_body = 16u << 20;
    if (o->max_decoded == 0)
        o->max_decoded = 64u << 20;
    if (o->max_body_memory == 0)
        o->max_body_memory = 512u << 20;
    if (o->max_header_bytes == 0)
        o->max_header_bytes = 64u << 10;
    if (o->max_headers == 0)
        o->max_headers = 256;
    h->cb = *cb;
    h->budget.limit = o->max_body_memory;
    h->body_lim = (struct http_body_limits){o->keep_bodies, o->decode,
                                            o->max_body, o->max_decoded,
                                            &h->budget};
    h->stream_lim = (struct http_stream_limits){o->max_header_bytes,
                                                64u << 10};
    h->h2_headers.limit = 64u << 20;
    h->h2_lim = (struct h2_limits){1024, 4 * (uint64_t)o->max_header_bytes,
                                   4 * o->max_header_bytes, o->max_headers,
                                   &h->h2_headers};
    h->nbuckets = 1024;
    h->buckets = calloc(h->nbuckets, sizeof *h->buckets);
    if (h->buckets == NULL) {
        free(h);
        return NULL;
    }
    return h;
}

const struct sift_http_stats *http_layer_stats(const struct http_layer *h)
{
    return &h->stats;
}

void http_layer_free(struct http_layer *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->nbuckets; i++)
        for (struct http_conn *c = h->buckets[i], *next; c != NULL;
             c = next) {
            next = c->hash_next;
            conn_free(c);
        }
    free(h->buckets);
    free(h);
}

static const char *const flag_names[SIFT_HTTP_FLAG_COUNT] = {
    "bare_lf", "obs_fold", "no_reason", "http09", "bad_header",
    "header_limit", "cl_duplicate", "cl_conflict", "cl_invalid",
    "te_and_cl", "te_unknown", "bad_chunk", "body_gap", "body_cut",
    "incomplete", "decode_error", "decode_capped", "no_response",
    "no_request", "early_response", "tunnel", "upgrade", "resync",
    "coding_unknown", "h2_pushed", "h2_reset", "h2_goaway",
    "h2_headers_lost", "h2c_upgrade", "extended_connect", "h2_stream_limit",
};

const char *sift_http_flag_name(uint32_t bit)
{
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (bit == 1u << i)
            return flag_names[i];
    return NULL;
}
