/* SPDX-License-Identifier: MIT */
/* An HTTP/2 connection read from both directions. Header blocks (HEADERS
 * or PUSH_PROMISE, then CONTINUATION until END_HEADERS) are gathered per
 * direction and decoded with that direction's HPACK decoder, PUSH_PROMISE
 * blocks with the server's; streams become transactions, emitted oldest
 * stream first once both sides ended (END_STREAM, RST_STREAM, GOAWAY or
 * the connection's end). */
#include "h2_conn.h"

#include <stdlib.h>
#include <string.h>

#include "h2_frame.h"
#include "h2_hpack.h"
#include "h2_stream.h"
#include "http_head.h"
#include "pcapsift/cursor.h"

#define MAX_INTERIM 16
/* Open streams by id: a power of two. */
#define STREAM_SLOTS 1024
/* Decoded header bytes all open streams of a connection may hold: HPACK
 * lets a few bytes stand for a large field, so heads are held to this
 * rather than to what the input's size would suggest. */
#define H2_HEADER_BUDGET (8u << 20)
/* The largest HPACK dynamic table followed (RFC 7541 §4.2). */
#define H2_MAX_TABLE (1u << 20)

struct h2_conn;

struct h2_side {
    struct h2_conn *h;
    int d;                      /* enum sift_tcp_dir */
    struct h2_reader rd;
    struct h2_hpack hp;
    /* the header block being gathered */
    bool in_block, block_push, block_end_stream, block_lost;
    uint32_t block_stream, promised;
    uint8_t *blk;
    size_t blk_len, blk_cap;
    int64_t block_ts;
    /* this side's SETTINGS_HEADER_TABLE_SIZE, until the peer acks it */
    bool table_pending;
    uint32_t table_size;
};

struct h2_conn {
    const struct sift_tcp_conn *conn;
    const struct sift_tls_info *tls;
    struct http_body_limits body;
    struct h2_limits lim;
    struct h2_conn_cb cb;
    struct h2_side side[2];
    struct h2_stream *first, *last, *recent;
    struct h2_stream *slots[STREAM_SLOTS];
    size_t open;
    uint64_t header_mem;        /* of the open streams' heads */
    uint32_t next_index;
    uint32_t max_id[2];         /* highest stream id opened: odd, even */
};

static bool from_client(int d)
{
    return d == SIFT_TCP_FROM_CLIENT;
}

/* --- streams ----------------------------------------------------------- */

static struct h2_stream *find(struct h2_conn *h, uint32_t id)
{
    if (h->recent != NULL && h->recent->id == id)
        return h->recent;
    for (struct h2_stream *s = h->slots[id % STREAM_SLOTS]; s != NULL;
         s = s->hash_next)
        if (s->id == id)
            return h->recent = s;
    return NULL;
}

static bool known(void *ctx, uint32_t id)
{
    struct h2_side *sd = ctx;
    return id != 0 && id <= sd->h->max_id[(id & 1) == 0];
}

/* Header memory: mem more for stream s, or (mem 0) all of s's given
 * back. */
static void account(struct h2_conn *h, struct h2_stream *s, uint64_t mem)
{
    struct http_body_budget *all = h->lim.header_budget;
    if (mem == 0) {
        h->header_mem -= s->header_mem;
        if (all != NULL)
            all->used -= s->header_mem;
        s->header_mem = 0;
        return;
    }
    s->header_mem += mem;
    h->header_mem += mem;
    if (all != NULL)
        all->used += mem;
}

static void emit_stream(struct h2_conn *h, struct h2_stream *s)
{
    struct sift_http_transaction pub;
    struct sift_http_message interim[MAX_INTERIM];
    h2_stream_publish(s, h->conn, h->tls, &pub, interim, MAX_INTERIM);
    if (h->cb.emit != NULL)
        h->cb.emit(h->cb.ctx, &pub);
}

static void pop_first(struct h2_conn *h)
{
    struct h2_stream *s = h->first;
    h->first = s->next;
    if (h->first == NULL)
        h->last = NULL;
    if (h->recent == s)
        h->recent = NULL;
    struct h2_stream **p = &h->slots[s->id % STREAM_SLOTS];
    while (*p != NULL && *p != s)
        p = &(*p)->hash_next;
    if (*p == s)
        *p = s->hash_next;
    account(h, s, 0);
    h->open--;
    emit_stream(h, s);
    h2_stream_free(s);
}

/* Ends what is open of a stream: the connection ended, or it was forced
 * out by the limit. */
static void give_up(struct h2_stream *s, uint32_t flags, int64_t ts)
{
    for (int d = 0; d < 2; d++)
        if (!s->ended[d])
            h2_stream_end_dir(s, from_client(d), SIFT_HTTP_INCOMPLETE | flags,
                              ts);
    s->reset = true;
}

static void emit_ready(struct h2_conn *h)
{
    while (h->first != NULL && h2_stream_done(h->first))
        pop_first(h);
}

static struct h2_stream *open_stream(struct h2_conn *h, uint32_t id,
                                     int64_t ts)
{
    if (h->open >= h->lim.max_streams && h->first != NULL) {
        give_up(h->first, 0, ts);
        h->first->flags |= SIFT_HTTP_H2_STREAM_LIMIT;
        pop_first(h);
    }
    struct h2_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->id = id;
    s->index = h->next_index++;
    if (h->last != NULL)
        h->last->next = s;
    else
        h->first = s;
    h->last = s;
    s->hash_next = h->slots[id % STREAM_SLOTS];
    h->slots[id % STREAM_SLOTS] = s;
    h->open++;
    uint32_t *max = &h->max_id[(id & 1) == 0];
    if (id > *max)
        *max = id;
    return h->recent = s;
}

/* A stream frames name: the open one, or a new one when the id is new
 * (a stream closed and emitted already gives NULL: late frames). */
static struct h2_stream *stream_of(struct h2_conn *h, uint32_t id,
                                   int64_t ts)
{
    struct h2_stream *s = find(h, id);
    if (s != NULL || id == 0 || id <= h->max_id[(id & 1) == 0])
        return s;
    return open_stream(h, id, ts);
}

/* A message whose head is not known (its header block was lost). */
static struct http_msg *ensure_msg(struct h2_conn *h, struct h2_stream *s,
                                   int d, int64_t ts)
{
    struct http_msg *m = d == SIFT_TCP_FROM_CLIENT ? &s->req : &s->resp;
    if (!m->started) {
        struct http_head hd;
        memset(&hd, 0, sizeof hd);
        hd.request = from_client(d);
        hd.version = 20;
        hd.method = hd.target = hd.reason = "";
        hd.flags = SIFT_HTTP_H2_HEADERS_LOST;
        http_msg_start(m, &hd, 0, 0, ts, &h->body);
    }
    return m->done ? NULL : m;
}

/* --- header blocks ----------------------------------------------------- */

static void interim(struct h2_conn *h, struct h2_stream *s,
                    struct http_head *hd, uint64_t bytes, uint32_t flags,
                    int64_t ts)
{
    if (s->interim_count >= MAX_INTERIM) {
        http_head_free(hd);
        return;
    }
    struct http_msg *a = realloc(s->interim,
                                 (s->interim_count + 1) * sizeof *a);
    if (a == NULL) {
        http_head_free(hd);
        return;
    }
    s->interim = a;
    struct http_msg *m = &a[s->interim_count++];
    http_msg_start(m, hd, bytes, flags, ts, &h->body);
    http_msg_finish(m, 0, 0, ts);
}

static void request_flags(struct h2_stream *s)
{
    const struct sift_http_message *q = &s->req.pub;
    if (q->method_len == 7 && memcmp(q->method, "CONNECT", 7) == 0) {
        bool ext = http_field(q->headers, q->header_count, ":protocol");
        s->flags |= ext ? SIFT_HTTP_EXTENDED_CONNECT : SIFT_HTTP_TUNNEL;
    }
}

/* A decoded block on stream s from direction d: the head, an interim
 * response, or trailers. */
static void apply_block(struct h2_conn *h, struct h2_side *sd,
                        struct h2_stream *s, struct h2_fields *f,
                        uint32_t flags, int64_t ts)
{
    int d = sd->d;
    struct http_msg *m = d == SIFT_TCP_FROM_CLIENT ? &s->req : &s->resp;
    struct http_head hd;
    if (m->started && !m->done) {
        /* A second block: trailers (RFC 9113 §8.1). */
        h2_head_from(f, from_client(d), true, &hd);
        http_head_free(&m->trailer);
        m->trailer = hd;
        m->pub.flags |= hd.flags | flags;
        return;
    }
    if (m->started) {
        h2_fields_free(f); /* after END_STREAM: nothing to attach to */
        return;
    }
    h2_head_from(f, from_client(d), false, &hd);
    if (!from_client(d) && hd.status >= 100 && hd.status < 200)
        return interim(h, s, &hd, sd->blk_len, flags, ts);
    http_msg_start(m, &hd, sd->blk_len, flags, sd->block_ts, &h->body);
    if (from_client(d))
        request_flags(s);
}

static void end_block(struct h2_side *sd)
{
    sd->in_block = false;
    sd->blk_len = 0;
}

static void finish_block(struct h2_side *sd, int64_t ts)
{
    struct h2_conn *h = sd->h;
    struct h2_fields f;
    h2_fields_init(&f, h->lim.max_headers);
    size_t lost = 0;
    bool capped = false;
    enum h2_hpack_result r = H2_HPACK_FAILED;
    uint64_t left = h->header_mem < H2_HEADER_BUDGET
                        ? H2_HEADER_BUDGET - h->header_mem
                        : 0;
    const struct http_body_budget *all = h->lim.header_budget;
    if (all != NULL) {
        uint64_t room = all->used < all->limit ? all->limit - all->used : 0;
        left = room < left ? room : left;
    }
    sd->hp.max_list = left < h->lim.max_header_list ? left
                                                     : h->lim.max_header_list;
    if (!sd->block_lost)
        r = h2_hpack_decode(&sd->hp, sd->blk, sd->blk_len, h2_fields_add, &f,
                            &lost, &capped);
    else
        h2_hpack_lost(&sd->hp);
    uint64_t mem = f.len + f.count * sizeof(struct sift_http_header);
    uint32_t flags = (r != H2_HPACK_OK ? SIFT_HTTP_H2_HEADERS_LOST : 0) |
                     (capped ? SIFT_HTTP_HEADER_LIMIT : 0);
    struct h2_stream *s;
    if (sd->block_push) {
        /* A promise opens a new even stream (§6.6); a lost or bad one
         * opens nothing. */
        bool valid = sd->promised != 0 && (sd->promised & 1) == 0 &&
                     sd->promised > h->max_id[1];
        s = valid ? open_stream(h, sd->promised, ts) : NULL;
        if (s != NULL) {
            struct http_head hd;
            h2_head_from(&f, true, false, &hd);
            http_msg_start(&s->req, &hd, sd->blk_len, flags, sd->block_ts,
                           &h->body);
            s->flags |= SIFT_HTTP_H2_PUSHED;
            s->promised_by = sd->block_stream;
            account(h, s, mem);
            h2_stream_end_dir(s, true, 0, ts); /* a promise has no body */
        }
    } else if ((s = stream_of(h, sd->block_stream, ts)) != NULL) {
        account(h, s, mem);
        apply_block(h, sd, s, &f, flags, ts);
        if (sd->block_end_stream)
            h2_stream_end_dir(s, from_client(sd->d), 0, ts);
    }
    h2_fields_free(&f);
    end_block(sd);
    emit_ready(h);
}

static void append_fragment(struct h2_side *sd, const uint8_t *p, size_t n)
{
    if (sd->block_lost || n == 0)
        return;
    if (sd->blk_len + n > sd->h->lim.max_header_block) {
        sd->block_lost = true; /* too large to decode: fields lost */
        return;
    }
    if (sd->blk_len + n > sd->blk_cap) {
        size_t cap = sd->blk_cap ? sd->blk_cap : 1024;
        while (cap < sd->blk_len + n)
            cap *= 2;
        uint8_t *b = realloc(sd->blk, cap);
        if (b == NULL) {
            sd->block_lost = true;
            return;
        }
        sd->blk = b;
        sd->blk_cap = cap;
    }
    memcpy(sd->blk + sd->blk_len, p, n);
    sd->blk_len += n;
}

/* The fragment of a HEADERS or PUSH_PROMISE payload: padding and the
 * priority or promised stream fields removed (§6.2, §6.6). */
static bool fragment(const struct h2_frame *f, const uint8_t *p, size_t len,
                     const uint8_t **frag, size_t *frag_len,
                     uint32_t *promised)
{
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    size_t pad = (f->flags & H2_PADDED) ? sift_cursor_u8(&c) : 0;
    if (f->type == H2_HEADERS && (f->flags & H2_PRIORITY_FLAG))
        sift_cursor_skip(&c, 5);
    if (f->type == H2_PUSH_PROMISE)
        *promised = sift_cursor_be32(&c) & 0x7fffffffu;
    if (!sift_cursor_ok(&c) || sift_cursor_left(&c) < pad)
        return false;
    *frag_len = sift_cursor_left(&c) - pad;
    *frag = sift_cursor_bytes(&c, *frag_len);
    return *frag != NULL || *frag_len == 0;
}

static void start_block(struct h2_side *sd, const struct h2_frame *f,
                        const uint8_t *p, size_t len, bool skipped,
                        int64_t ts)
{
    const uint8_t *frag = NULL;
    size_t n = 0;
    uint32_t promised = 0;
    sd->in_block = true;
    sd->block_push = f->type == H2_PUSH_PROMISE;
    sd->block_end_stream = f->type == H2_HEADERS &&
                           (f->flags & H2_END_STREAM);
    sd->block_stream = f->stream;
    sd->block_lost = skipped || !fragment(f, p, len, &frag, &n, &promised);
    sd->promised = promised;
    sd->block_ts = ts;
    sd->blk_len = 0;
    append_fragment(sd, frag, n);
    if (sd->block_push && promised == 0)
        sd->block_lost = true;
    if (f->flags & H2_END_HEADERS)
        finish_block(sd, ts);
}

/* --- other frames ------------------------------------------------------ */

static void reset_stream(struct h2_conn *h, uint32_t id, uint32_t flag,
                         uint32_t code, int64_t ts)
{
    struct h2_stream *s = find(h, id);
    if (s == NULL || s->reset)
        return;
    s->flags |= flag;
    s->error = code;
    for (int d = 0; d < 2; d++)
        if (!s->ended[d])
            h2_stream_end_dir(s, from_client(d), 0, ts);
    s->reset = true;
}

static void settings(struct h2_side *sd, const struct h2_frame *f,
                     const uint8_t *p, size_t len)
{
    struct h2_conn *h = sd->h;
    struct h2_side *peer = &h->side[!sd->d];
    if (f->flags & H2_ACK) {
        /* The peer's table size now binds this side's encoder. */
        if (peer->table_pending)
            h2_hpack_table_size(&sd->hp, peer->table_size);
        peer->table_pending = false;
        return;
    }
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    while (sift_cursor_left(&c) >= 6) {
        uint16_t id = sift_cursor_be16(&c);
        uint32_t v = sift_cursor_be32(&c);
        if (id == 1) { /* SETTINGS_HEADER_TABLE_SIZE */
            /* A table past the cap is not followed (a bomb): an encoder
             * that uses it makes the table unknown, no more. */
            sd->table_pending = true;
            sd->table_size = v < H2_MAX_TABLE ? v : H2_MAX_TABLE;
        } else if (id == 5 && v >= H2_DEFAULT_MAX_FRAME &&
                   v <= H2_LARGEST_FRAME && v > peer->rd.max_frame) {
            peer->rd.max_frame = v; /* the peer may send frames this big */
        }
    }
}

static void goaway(struct h2_side *sd, const uint8_t *p, size_t len,
                   int64_t ts)
{
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    uint32_t last = sift_cursor_be32(&c) & 0x7fffffffu;
    uint32_t code = sift_cursor_be32(&c);
    if (!sift_cursor_ok(&c))
        return;
    /* Streams the sender's peer opened above `last` were not processed. */
    uint32_t parity = from_client(sd->d) ? 0 : 1;
    for (struct h2_stream *s = sd->h->first; s != NULL; s = s->next)
        if ((s->id & 1) == parity && s->id > last)
            reset_stream(sd->h, s->id, SIFT_HTTP_H2_GOAWAY, code, ts);
    emit_ready(sd->h);
}

static void on_frame(void *ctx, const struct h2_frame *f, const uint8_t *p,
                     size_t len, bool skipped, int64_t ts)
{
    struct h2_side *sd = ctx;
    struct h2_conn *h = sd->h;
    if (sd->in_block && f->type != H2_CONTINUATION) {
        sd->block_lost = true; /* §6.10: the block was cut off */
        finish_block(sd, ts);
    }
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    switch (f->type) {
    case H2_HEADERS:
    case H2_PUSH_PROMISE:
        if (f->type == H2_HEADERS || !from_client(sd->d))
            start_block(sd, f, p, len, skipped, ts);
        break;
    case H2_CONTINUATION:
        if (!sd->in_block || f->stream != sd->block_stream)
            break;
        if (skipped)
            sd->block_lost = true;
        else
            append_fragment(sd, p, len);
        if (f->flags & H2_END_HEADERS)
            finish_block(sd, ts);
        break;
    case H2_RST_STREAM: {
        uint32_t code = sift_cursor_be32(&c);
        if (sift_cursor_ok(&c))
            reset_stream(h, f->stream, SIFT_HTTP_H2_RESET, code, ts);
        emit_ready(h);
        break;
    }
    case H2_SETTINGS:
        if (!skipped)
            settings(sd, f, p, len);
        break;
    case H2_GOAWAY:
        if (!skipped)
            goaway(sd, p, len, ts);
        break;
    default: break; /* PRIORITY, PING, WINDOW_UPDATE, unknown types */
    }
}

static void on_data(void *ctx, const struct h2_frame *f, const uint8_t *p,
                    size_t n, bool end, int64_t ts)
{
    struct h2_side *sd = ctx;
    struct h2_conn *h = sd->h;
    struct h2_stream *s = stream_of(h, f->stream, ts);
    if (s == NULL || s->reset)
        return;
    struct http_msg *m = ensure_msg(h, s, sd->d, ts);
    if (m == NULL)
        return;
    if (n > 0) {
        http_body_data(&m->body, p, n);
        s->wire[sd->d] += n;
    }
    if (ts > m->pub.last_ns)
        m->pub.last_ns = ts;
    if (end && (f->flags & H2_END_STREAM)) {
        h2_stream_end_dir(s, from_client(sd->d), 0, ts);
        emit_ready(h);
    }
}

static void on_lost(void *ctx, const struct h2_frame *f, uint64_t n,
                    int64_t ts)
{
    struct h2_side *sd = ctx;
    struct h2_conn *h = sd->h;
    if (f->type == H2_DATA) {
        struct h2_stream *s = stream_of(h, f->stream, ts);
        struct http_msg *m = s && !s->reset ? ensure_msg(h, s, sd->d, ts)
                                            : NULL;
        if (m != NULL) {
            m->pub.missing_bytes += n;
            http_body_gap(&m->body, n);
            s->wire[sd->d] += n;
        }
        return;
    }
    bool block = f->type == H2_HEADERS || f->type == H2_CONTINUATION ||
                 f->type == H2_PUSH_PROMISE;
    if (!block)
        return;
    /* A header block lost: the decoder's table is unknown from here. */
    h2_hpack_lost(&sd->hp);
    if (f->type != H2_CONTINUATION)
        start_block(sd, f, NULL, 0, true, ts);
    else if (sd->in_block)
        sd->block_lost = true;
    if (sd->in_block && (f->flags & H2_END_HEADERS))
        finish_block(sd, ts);
}

static void on_resync(void *ctx, uint64_t skipped, int64_t ts)
{
    (void)skipped, (void)ts;
    struct h2_side *sd = ctx;
    /* Any frame may have been in the bytes skipped. */
    h2_hpack_lost(&sd->hp);
    end_block(sd);
}

/* --- the connection ---------------------------------------------------- */

bool h2_is_preface(const uint8_t *p, size_t n)
{
    size_t k = n < H2_PREFACE_LEN ? n : H2_PREFACE_LEN;
    return k >= 4 && memcmp(p, H2_PREFACE, k) == 0;
}

struct h2_conn *h2_conn_new(const struct sift_tcp_conn *c,
                            const struct sift_tls_info *tls,
                            const struct http_body_limits *body,
                            const struct h2_limits *lim, bool client_preface,
                            uint32_t first_index, const struct h2_conn_cb *cb)
{
    struct h2_conn *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->conn = c;
    h->tls = tls;
    h->body = *body;
    h->lim = *lim;
    h->cb = *cb;
    h->next_index = first_index;
    for (int d = 0; d < 2; d++) {
        struct h2_side *sd = &h->side[d];
        sd->h = h;
        sd->d = d;
        struct h2_reader_cb rcb = {sd, on_frame, on_data, on_lost, on_resync,
                                   known};
        h2_reader_init(&sd->rd, from_client(d), client_preface, &rcb);
        if (!h2_hpack_init(&sd->hp, lim->max_header_list)) {
            h2_conn_free(h);
            return NULL;
        }
    }
    return h;
}

void h2_conn_free(struct h2_conn *h)
{
    if (h == NULL)
        return;
    while (h->first != NULL) {
        struct h2_stream *s = h->first;
        h->first = s->next;
        h2_stream_free(s);
    }
    for (int d = 0; d < 2; d++) {
        h2_reader_free(&h->side[d].rd);
        h2_hpack_free(&h->side[d].hp);
        free(h->side[d].blk);
    }
    free(h);
}

/* HTTP2-Settings (RFC 7540 §3.2.1): base64url SETTINGS payload, acked by
 * the 101 itself. */
static void upgrade_settings(struct h2_conn *h, const char *v, size_t n)
{
    uint8_t out[96];
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && len < sizeof out; i++) {
        char ch = v[i];
        int x = ch >= 'A' && ch <= 'Z' ? ch - 'A'
                : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
                : ch >= '0' && ch <= '9' ? ch - '0' + 52
                : ch == '-' || ch == '+' ? 62
                : ch == '_' || ch == '/' ? 63 : -1;
        if (x < 0)
            break;
        acc = acc << 6 | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (uint8_t)(acc >> bits);
        }
    }
    struct h2_frame f = {(uint32_t)len, H2_SETTINGS, 0, 0};
    struct h2_side *client = &h->side[SIFT_TCP_FROM_CLIENT];
    settings(client, &f, out, len - len % 6);
    if (client->table_pending)
        h2_hpack_table_size(&h->side[SIFT_TCP_FROM_SERVER].hp,
                            client->table_size);
    client->table_pending = false;
}

void h2_conn_upgraded(struct h2_conn *h, struct http_msg *req,
                      uint32_t flags)
{
    struct h2_stream *s = open_stream(h, 1, req->pub.first_ns);
    if (s == NULL)
        return;
    s->req = *req;
    memset(req, 0, sizeof *req);
    s->flags |= SIFT_HTTP_H2C_UPGRADE | flags;
    s->ended[SIFT_TCP_FROM_CLIENT] = true; /* sent whole as HTTP/1.1 */
    const struct sift_http_header *hs =
        http_field(s->req.pub.headers, s->req.pub.header_count,
                   "http2-settings");
    if (hs != NULL)
        upgrade_settings(h, hs->value, hs->value_len);
}

void h2_conn_data(struct h2_conn *h, const struct sift_tcp_conn *c,
                  enum sift_tcp_dir d, const uint8_t *p, size_t n,
                  int64_t ts)
{
    h->conn = c;
    h2_reader_feed(&h->side[d].rd, p, n, ts);
}

uint64_t h2_conn_countable(const struct h2_conn *h, enum sift_tcp_dir d)
{
    return h2_reader_countable(&h->side[d].rd);
}

void h2_conn_count(struct h2_conn *h, enum sift_tcp_dir d, uint64_t n,
                   int64_t ts)
{
    h2_reader_count(&h->side[d].rd, n, ts);
}

void h2_conn_gap(struct h2_conn *h, enum sift_tcp_dir d, uint64_t n,
                 int64_t ts)
{
    h2_reader_gap(&h->side[d].rd, n, ts);
}

void h2_conn_end(struct h2_conn *h, const struct sift_tcp_conn *c,
                 int64_t ts)
{
    h->conn = c;
    for (int d = 0; d < 2; d++)
        if (h->side[d].in_block) {
            h->side[d].block_lost = true;
            finish_block(&h->side[d], ts);
        }
    for (struct h2_stream *s = h->first; s != NULL; s = s->next)
        if (!h2_stream_done(s))
            give_up(s, 0, ts);
    emit_ready(h);
}
