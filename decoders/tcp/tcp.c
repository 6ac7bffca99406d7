/* SPDX-License-Identifier: MIT */
/* TCP connections (RFC 9293 §3.5, §3.10): the table, keyed by the 4-tuple
 * in either order; who is the client (the SYN sender; without a SYN, the
 * side talking to the lower port); the handshake and its round-trip time;
 * FIN, RST, port reuse; idle expiry and eviction in capture time (an LRU
 * list, so each packet costs O(1)); and the events of pcapsift/tcp.h. */
#include "tcp_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tcp_stream.h"

/* Acknowledgments further ahead of the bytes delivered than this are not
 * believed: they would turn a bogus or stale ACK into a huge gap. RFC 7323
 * allows windows of 2^30 bytes, but receive windows beyond 64 MiB are not
 * seen in practice, and a capture missing more than that at once has
 * nothing left to reassemble. */
#define MAX_ACK_JUMP (64ull << 20)

struct conn {
    struct sift_tcp_conn pub;
    struct tcp_stream stream[2];
    struct conn *hash_next;
    struct conn *lru_prev, *lru_next; /* least recently active first */
    uint32_t client_isn;
    bool has_client_isn;
    int64_t syn_ns;
    bool close_reported[2];
};

struct tcp_table {
    struct sift_tcp_limits lim;
    struct tcp_callbacks cb;
    struct stream_budget budget;
    struct conn **buckets;
    size_t nbuckets, count;
    struct conn *lru_head, *lru_tail;
    uint64_t next_id;
    uint64_t seed; /* of the hash: random per table */
    bool warned_evict, warned_budget;
};

static void warn_once(struct tcp_table *t, bool *done,
                      const struct sift_packet *p, const char *msg)
{
    if (*done || t->cb.on_warning == NULL)
        return;
    *done = true;
    const struct sift_record *r = p->record;
    struct sift_warning w = {SIFT_WARN_MALFORMED_RECORD, SIFT_LAYER_TCP,
                             r != NULL ? r->offset : 0,
                             r != NULL ? r->number : 0, msg};
    t->cb.on_warning(t->cb.warning_ctx, &w);
}

/* What a stream's sink needs to reach the callbacks. */
struct sink_ctx {
    struct tcp_table *t;
    struct conn *c;
    enum sift_tcp_dir dir;
    int64_t ts;
};

/* ---- events ---------------------------------------------------------- */

static void event(struct tcp_table *t, struct conn *c,
                  enum sift_tcp_event_kind kind, enum sift_tcp_dir dir,
                  int64_t ts, uint64_t off, uint64_t len)
{
    if (t->cb.on_event == NULL)
        return;
    struct sift_tcp_event e = {kind, &c->pub, dir, ts, off, len};
    t->cb.on_event(t->cb.ctx, &e);
}

static void sink_data(void *ctx, const uint8_t *p, size_t len, uint64_t off)
{
    struct sink_ctx *s = ctx;
    if (s->t->cb.on_data != NULL)
        s->t->cb.on_data(s->t->cb.ctx, &s->c->pub, s->dir, p, len, off,
                         s->ts);
}

static void sink_gap(void *ctx, uint64_t off, uint64_t len)
{
    struct sink_ctx *s = ctx;
    event(s->t, s->c, SIFT_TCP_EV_GAP, s->dir, s->ts, off, len);
    if (s->t->cb.on_data != NULL)
        s->t->cb.on_data(s->t->cb.ctx, &s->c->pub, s->dir, NULL, (size_t)len,
                         off, s->ts);
}

static void sync_side(struct conn *c, enum sift_tcp_dir d)
{
    const struct tcp_stream *s = &c->stream[d];
    struct sift_tcp_side *side = &c->pub.side[d];
    side->stream_bytes = s->bytes;
    side->retransmissions = s->retransmissions;
    side->out_of_order = s->out_of_order;
    side->gaps = s->gaps;
    side->gap_bytes = s->gap_bytes;
    side->conflicts = s->conflicts;
    side->keepalives = s->keepalives;
}

/* Reports a side's close once every byte up to its FIN has arrived. */
static void check_close(struct tcp_table *t, struct conn *c,
                        enum sift_tcp_dir d, int64_t ts)
{
    if (!c->stream[d].closed || c->close_reported[d])
        return;
    c->close_reported[d] = true;
    c->pub.side[d].fin = true;
    if (c->pub.state != SIFT_TCP_RESET)
        c->pub.state = c->close_reported[!d] ? SIFT_TCP_CLOSED
                                             : SIFT_TCP_CLOSING;
    event(t, c, SIFT_TCP_EV_CLOSE, d, ts, c->stream[d].next, 0);
}

/* ---- the table --------------------------------------------------------- */

/* One 64-bit word into the hash: a multiply and a fold, so every input bit
 * reaches the low bits the table indexes with. */
static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

struct endpoint_words {
    uint64_t hi, lo, port;
};

static struct endpoint_words endpoint_words(const struct sift_ip_addr *a,
                                            uint16_t port)
{
    struct endpoint_words w;
    memcpy(&w.hi, a->bytes, 8);
    memcpy(&w.lo, a->bytes + 8, 8);
    w.port = port;
    return w;
}

static bool words_less(const struct endpoint_words *a,
                       const struct endpoint_words *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi;
    if (a->lo != b->lo)
        return a->lo < b->lo;
    return a->port < b->port;
}

/* The same value for both directions of a connection: the two endpoints
 * are hashed in a fixed order (the smaller first), from a per-table random
 * seed, so neither symmetry (a ^ b is 0 whenever the endpoints are equal)
 * nor a chosen input can pile connections into one chain. Word-wise: the
 * byte-wise FNV-1a it replaces was 8% of a JSON Lines run. */
static uint64_t conn_hash(uint64_t seed, const struct sift_packet *p)
{
    struct endpoint_words a = endpoint_words(&p->src, p->sport);
    struct endpoint_words b = endpoint_words(&p->dst, p->dport);
    const struct endpoint_words *x = words_less(&b, &a) ? &b : &a;
    const struct endpoint_words *y = x == &a ? &b : &a;
    uint64_t h = mix(seed, x->hi);
    h = mix(h, x->lo);
    h = mix(h, x->port << 16 | y->port);
    h = mix(h, y->hi);
    return mix(h, y->lo);
}

static bool endpoint_is(const struct sift_ip_addr *a, uint16_t port,
                        const struct sift_ip_addr *b, uint16_t bport)
{
    return port == bport && a->family == b->family &&
           memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

static bool conn_matches(const struct conn *c, const struct sift_packet *p,
                         enum sift_tcp_dir *dir)
{
    const struct sift_tcp_conn *k = &c->pub;
    if (endpoint_is(&p->src, p->sport, &k->client, k->client_port) &&
        endpoint_is(&p->dst, p->dport, &k->server, k->server_port)) {
        *dir = SIFT_TCP_FROM_CLIENT;
        return true;
    }
    if (endpoint_is(&p->src, p->sport, &k->server, k->server_port) &&
        endpoint_is(&p->dst, p->dport, &k->client, k->client_port)) {
        *dir = SIFT_TCP_FROM_SERVER;
        return true;
    }
    return false;
}

static struct conn *lookup(struct tcp_table *t, const struct sift_packet *p,
                           enum sift_tcp_dir *dir)
{
    if (t->nbuckets == 0)
        return NULL;
    for (struct conn *c = t->buckets[conn_hash(t->seed, p) &
                                     (t->nbuckets - 1)];
         c;
         c = c->hash_next)
        if (conn_matches(c, p, dir))
            return c;
    return NULL;
}

static uint64_t key_hash(uint64_t seed, const struct conn *c)
{
    struct sift_packet k;
    memset(&k, 0, sizeof k);
    k.src = c->pub.client;
    k.sport = c->pub.client_port;
    k.dst = c->pub.server;
    k.dport = c->pub.server_port;
    return conn_hash(seed, &k);
}

static bool grow(struct tcp_table *t)
{
    size_t n = t->nbuckets ? t->nbuckets * 2 : 1024;
    struct conn **b = calloc(n, sizeof *b);
    if (b == NULL)
        return false;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct conn *c = t->buckets[i];
        while (c != NULL) {
            struct conn *next = c->hash_next;
            size_t at = key_hash(t->seed, c) & (n - 1);
            c->hash_next = b[at];
            b[at] = c;
            c = next;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
    return true;
}

static void lru_unlink(struct tcp_table *t, struct conn *c)
{
    if (c->lru_prev)
        c->lru_prev->lru_next = c->lru_next;
    else
        t->lru_head = c->lru_next;
    if (c->lru_next)
        c->lru_next->lru_prev = c->lru_prev;
    else
        t->lru_tail = c->lru_prev;
    c->lru_prev = c->lru_next = NULL;
}

static void lru_append(struct tcp_table *t, struct conn *c)
{
    c->lru_prev = t->lru_tail;
    c->lru_next = NULL;
    if (t->lru_tail)
        t->lru_tail->lru_next = c;
    else
        t->lru_head = c;
    t->lru_tail = c;
}

/* Flushes both streams, reports why the connection ends, and frees it. */
static void end_conn(struct tcp_table *t, struct conn *c,
                     enum sift_tcp_event_kind why, int64_t ts)
{
    for (int d = 0; d < 2; d++) {
        struct sink_ctx sc = {t, c, (enum sift_tcp_dir)d, ts};
        struct stream_sink sink = {&sc, sink_data, sink_gap};
        stream_flush(&c->stream[d], &t->budget, &sink);
        check_close(t, c, (enum sift_tcp_dir)d, ts);
        sync_side(c, (enum sift_tcp_dir)d);
    }
    c->pub.end_reason = (int)why;
    if (why != 0)
        event(t, c, why, SIFT_TCP_FROM_CLIENT, ts, 0, 0);
    if (t->cb.on_end != NULL)
        t->cb.on_end(t->cb.ctx, &c->pub);
    struct conn **link = &t->buckets[key_hash(t->seed, c) & (t->nbuckets - 1)];
    while (*link != c)
        link = &(*link)->hash_next;
    *link = c->hash_next;
    lru_unlink(t, c);
    for (int d = 0; d < 2; d++)
        stream_free(&c->stream[d], &t->budget);
    t->count--;
    free(c);
}

static bool idle_past(const struct tcp_table *t, const struct conn *c,
                      int64_t now)
{
    bool done = c->pub.state == SIFT_TCP_CLOSED ||
                c->pub.state == SIFT_TCP_RESET;
    int64_t limit = done ? t->lim.closed_idle_ns : t->lim.idle_ns;
    return now > c->pub.last_ns &&
           (uint64_t)now - (uint64_t)c->pub.last_ns > (uint64_t)limit;
}

static void expire(struct tcp_table *t, int64_t now)
{
    while (t->lru_head != NULL && idle_past(t, t->lru_head, now))
        end_conn(t, t->lru_head, SIFT_TCP_EV_TIMEOUT, now);
}

/* Roles: the SYN sender is the client; the SYN-ACK sender the server;
 * otherwise the side talking to the lower (well-known) port. */
static bool packet_from_client(const struct sift_packet *p)
{
    uint16_t f = p->tcp.flags;
    if ((f & SIFT_TCP_SYN) && !(f & SIFT_TCP_ACK))
        return true;
    if ((f & SIFT_TCP_SYN) && (f & SIFT_TCP_ACK))
        return false;
    return p->sport >= p->dport;
}

static struct conn *create(struct tcp_table *t, const struct sift_packet *p,
                           int64_t ts)
{
    if (t->count >= t->lim.max_connections && t->lru_head != NULL) {
        char msg[128];
        snprintf(msg, sizeof msg, "more than %u TCP connections open; the "
                 "least recently active are ended early",
                 t->lim.max_connections);
        warn_once(t, &t->warned_evict, p, msg);
        end_conn(t, t->lru_head, SIFT_TCP_EV_EVICTED, ts);
    }
    if (t->count >= t->nbuckets && !grow(t))
        return NULL;
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    bool from_client = packet_from_client(p);
    c->pub.id = ++t->next_id;
    c->pub.client = from_client ? p->src : p->dst;
    c->pub.client_port = from_client ? p->sport : p->dport;
    c->pub.server = from_client ? p->dst : p->src;
    c->pub.server_port = from_client ? p->dport : p->sport;
    c->pub.start_ns = c->pub.last_ns = ts;
    c->pub.handshake_rtt_ns = -1;
    c->pub.midstream = !((p->tcp.flags & SIFT_TCP_SYN) &&
                         !(p->tcp.flags & SIFT_TCP_ACK));
    stream_init(&c->stream[0]);
    stream_init(&c->stream[1]);
    size_t at = key_hash(t->seed, c) & (t->nbuckets - 1);
    c->hash_next = t->buckets[at];
    t->buckets[at] = c;
    lru_append(t, c);
    t->count++;
    return c;
}

/* ---- one segment ------------------------------------------------------- */

/* Handshake bookkeeping; returns false when the segment starts a new
 * connection in place of c (port reuse), which the caller then creates. */
static bool handshake(struct tcp_table *t, struct conn *c,
                      const struct sift_packet *p, enum sift_tcp_dir d,
                      int64_t ts)
{
    uint16_t f = p->tcp.flags;
    struct sift_tcp_conn *k = &c->pub;
    if ((f & SIFT_TCP_SYN) && !(f & SIFT_TCP_ACK) &&
        d == SIFT_TCP_FROM_CLIENT) {
        if (c->has_client_isn && p->tcp.seq == c->client_isn) {
            if (k->state == SIFT_TCP_RESET)
                k->state = SIFT_TCP_SYN_SENT; /* the attempt goes on */
            if (k->state == SIFT_TCP_SYN_SENT) {
                k->syn_retries++;
                event(t, c, SIFT_TCP_EV_SYN_RETRY, d, ts, 0, 0);
            }
            return true;
        }
        const struct tcp_stream *cs = &c->stream[SIFT_TCP_FROM_CLIENT];
        if (!c->has_client_isn && cs->has_base && p->tcp.seq + 1 == cs->base) {
            c->has_client_isn = true; /* this connection's SYN, seen late */
            c->client_isn = p->tcp.seq;
            return true;
        }
        if (c->has_client_isn || k->state >= SIFT_TCP_ESTABLISHED)
            return false; /* another SYN: the 4-tuple is used again */
        c->has_client_isn = true;
        c->client_isn = p->tcp.seq;
        c->syn_ns = ts;
        k->state = SIFT_TCP_SYN_SENT;
        return true;
    }
    if ((f & SIFT_TCP_SYN) && !(f & SIFT_TCP_ACK) &&
        d == SIFT_TCP_FROM_SERVER &&
        (k->midstream || k->state == SIFT_TCP_CLOSED ||
         k->state == SIFT_TCP_RESET) &&
        k->state != SIFT_TCP_SYN_SENT)
        return false; /* a new connection, opened from the other end */
    if ((f & SIFT_TCP_SYN) && !(f & SIFT_TCP_ACK) &&
        d == SIFT_TCP_FROM_SERVER && k->state == SIFT_TCP_SYN_SENT) {
        k->state = SIFT_TCP_SYN_RECEIVED; /* a split handshake: answered */
        return true;
    }
    if ((f & SIFT_TCP_SYN) && (f & SIFT_TCP_ACK) &&
        d == SIFT_TCP_FROM_SERVER) {
        if (k->state == 0 || k->state == SIFT_TCP_SYN_SENT)
            k->state = SIFT_TCP_SYN_RECEIVED;
        stream_set_base(&c->stream[SIFT_TCP_FROM_CLIENT], p->tcp.ack);
        return true;
    }
    if (k->state == SIFT_TCP_SYN_RECEIVED && d == SIFT_TCP_FROM_CLIENT &&
        (f & SIFT_TCP_ACK)) {
        k->state = SIFT_TCP_ESTABLISHED;
        if (c->has_client_isn)
            k->handshake_rtt_ns = ts - c->syn_ns;
        event(t, c, SIFT_TCP_EV_OPEN, d, ts, 0, 0);
    } else if (k->state == 0) { /* first seen without a handshake */
        k->state = SIFT_TCP_ESTABLISHED;
        k->midstream = true;
        event(t, c, SIFT_TCP_EV_OPEN, d, ts, 0, 0);
    }
    return true;
}

static void segment_events(struct tcp_table *t, struct conn *c,
                           enum sift_tcp_dir d, unsigned kind, int64_t ts,
                           uint64_t off, uint64_t len)
{
    if (kind & SEG_RETRANSMISSION)
        event(t, c, SIFT_TCP_EV_RETRANSMISSION, d, ts, off, len);
    if (kind & SEG_OUT_OF_ORDER)
        event(t, c, SIFT_TCP_EV_OUT_OF_ORDER, d, ts, off, len);
    if (kind & SEG_CONFLICT)
        event(t, c, SIFT_TCP_EV_CONFLICT, d, ts, off, len);
}

/* The payload and FIN into this side's stream, the ACK into the other's. */
static void streams(struct tcp_table *t, struct conn *c,
                    const struct sift_packet *p, enum sift_tcp_dir d,
                    int64_t ts)
{
    const struct sift_tcp *h = &p->tcp;
    struct tcp_stream *s = &c->stream[d];
    struct sink_ctx sc = {t, c, d, ts};
    struct stream_sink sink = {&sc, sink_data, sink_gap};
    uint32_t seq = h->seq;
    if (h->flags & SIFT_TCP_SYN) {
        if (stream_rebase_for_syn(s, seq)) {
            c->close_reported[d] = false;
            c->pub.side[d].fin = false;
        } else if (stream_reanchor_for_syn(s, seq)) {
            event(t, c, SIFT_TCP_EV_CONFLICT, d, ts, s->next, 0);
        }
        seq++; /* the SYN takes a sequence number; data may follow (TFO) */
    } else if (!s->has_base) {
        if (p->payload_len == 0 && !(h->flags & SIFT_TCP_FIN))
            stream_set_weak_base(s, seq);
        else
            stream_set_base(s, seq);
    }
    uint64_t off = stream_offset(s, seq);
    unsigned kind = stream_segment(s, &t->budget, seq, p->payload,
                                   p->payload_len,
                                   (h->flags & SIFT_TCP_FIN) != 0, &sink);
    if (p->payload_len < p->payload_wire_len) /* cut by the snap length */
        stream_cut(s, &t->budget, seq + p->payload_len,
                   seq + p->payload_wire_len, &sink);
    if (!s->closed && c->close_reported[d]) { /* that FIN was ignored */
        c->close_reported[d] = false;
        c->pub.side[d].fin = false;
    }
    if (!(h->flags & SIFT_TCP_SYN))
        segment_events(t, c, d, kind, ts, off, p->payload_wire_len);
    if (kind & SEG_OVER_BUDGET) {
        char msg[160];
        snprintf(msg, sizeof msg, "TCP reassembly held %u bytes for one "
                 "direction (or %llu in all), its limit: holes before held "
                 "bytes become gaps early", t->lim.max_held_per_stream,
                 (unsigned long long)t->lim.max_held);
        warn_once(t, &t->warned_budget, p, msg);
    }
    check_close(t, c, d, ts);
    enum sift_tcp_dir o = (enum sift_tcp_dir)!d;
    struct tcp_stream *peer = &c->stream[o];
    /* Before the SYN is answered, an ACK from the server acknowledges
     * nothing of this connection (RFC 9293 §3.10.7.3: a stale segment). */
    bool answered = c->pub.state != SIFT_TCP_SYN_SENT ||
                    (h->flags & SIFT_TCP_SYN);
    if ((h->flags & SIFT_TCP_ACK) && peer->has_base && answered &&
        stream_offset(peer, h->ack) - peer->next <= MAX_ACK_JUMP) {
        struct sink_ctx pc = {t, c, o, ts};
        struct stream_sink psink = {&pc, sink_data, sink_gap};
        stream_acked(peer, &t->budget, h->ack, &psink);
        check_close(t, c, o, ts);
    }
    sync_side(c, d);
    sync_side(c, o);
}

/* An RST from side d: reported, and d's stream is flushed (what it held
 * was all it would send). Reading goes on for both sides: data in flight
 * from the other side still arrives, and an RST that an endpoint ignored
 * (off-window, or an evasion attempt) is followed by what was really
 * sent. Nothing captured is dropped because of an RST. */
static void reset(struct tcp_table *t, struct conn *c, enum sift_tcp_dir d,
                  int64_t ts)
{
    c->pub.side[d].rst = true;
    c->pub.state = SIFT_TCP_RESET;
    event(t, c, SIFT_TCP_EV_RESET, d, ts, c->stream[d].next, 0);
    struct sink_ctx sc = {t, c, d, ts};
    struct stream_sink sink = {&sc, sink_data, sink_gap};
    stream_flush(&c->stream[d], &t->budget, &sink);
    sync_side(c, d);
}

/* Before the SYN is answered, a server segment without SYN either
 * acknowledges that SYN (the SYN-ACK was not captured: the connection is
 * open) or belongs to an older connection on the same ports (RFC 9293
 * §3.10.7.3): counted, but it must not set where the server's stream
 * starts. */
static bool answers_syn(struct tcp_table *t, struct conn *c,
                        const struct sift_packet *p)
{
    const struct tcp_stream *cs = &c->stream[SIFT_TCP_FROM_CLIENT];
    if (!(p->tcp.flags & SIFT_TCP_ACK) || !cs->has_base)
        return false;
    uint32_t acked = p->tcp.ack - cs->base; /* bytes after the SYN */
    if (acked > cs->seen_end + 65536)
        return false;
    c->pub.state = SIFT_TCP_ESTABLISHED;
    event(t, c, SIFT_TCP_EV_OPEN, SIFT_TCP_FROM_SERVER,
          p->record != NULL ? p->record->ts_ns : 0, 0, 0);
    return true;
}

void tcp_table_packet(struct tcp_table *t, const struct sift_packet *p)
{
    int64_t ts = p->record != NULL ? p->record->ts_ns : 0;
    expire(t, ts);
    enum sift_tcp_dir d = SIFT_TCP_FROM_CLIENT;
    struct conn *c = lookup(t, p, &d);
    if (c != NULL && !handshake(t, c, p, d, ts)) {
        end_conn(t, c, SIFT_TCP_EV_PORT_REUSE, ts);
        c = NULL;
    }
    if (c == NULL) {
        c = create(t, p, ts);
        if (c == NULL)
            return;
        conn_matches(c, p, &d);
        handshake(t, c, p, d, ts);
    }
    lru_unlink(t, c);
    lru_append(t, c);
    c->pub.last_ns = ts;
    c->pub.side[d].packets++;
    c->pub.side[d].bytes += p->payload_wire_len;
    if (p->tcp.flags & SIFT_TCP_RST) {
        reset(t, c, d, ts);
        return;
    }
    if (c->pub.state == SIFT_TCP_SYN_SENT && d == SIFT_TCP_FROM_SERVER &&
        !(p->tcp.flags & SIFT_TCP_SYN) && !answers_syn(t, c, p))
        return;
    streams(t, c, p, d, ts);
}

uint64_t tcp_table_connections(const struct tcp_table *t)
{
    return t->next_id;
}

void tcp_table_finish(struct tcp_table *t)
{
    while (t->lru_head != NULL)
        end_conn(t, t->lru_head, SIFT_TCP_EV_END_OF_FILE,
                 t->lru_tail->pub.last_ns);
}

struct tcp_table *tcp_table_new(const struct sift_tcp_limits *limits,
                                const struct tcp_callbacks *cb)
{
    static const struct sift_tcp_limits defaults = SIFT_TCP_DEFAULT_LIMITS;
    struct tcp_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->lim = limits != NULL ? *limits : defaults;
    if (cb != NULL)
        t->cb = *cb;
    if (getrandom(&t->seed, sizeof t->seed, 0) != (ssize_t)sizeof t->seed)
        t->seed = (uint64_t)(uintptr_t)t ^ 14695981039346656037ull;
    t->budget.max_held = t->lim.max_held;
    t->budget.max_stream = t->lim.max_held_per_stream;
    if (!grow(t)) {
        free(t);
        return NULL;
    }
    return t;
}

void tcp_table_free(struct tcp_table *t)
{
    if (t == NULL)
        return;
    while (t->lru_head != NULL) { /* without callbacks: just free */
        struct conn *c = t->lru_head;
        lru_unlink(t, c);
        for (int d = 0; d < 2; d++)
            stream_free(&c->stream[d], &t->budget);
        free(c);
    }
    free(t->buckets);
    free(t);
}

const char *sift_tcp_event_name(enum sift_tcp_event_kind kind)
{
    switch (kind) {
    case SIFT_TCP_EV_OPEN: return "open";
    case SIFT_TCP_EV_SYN_RETRY: return "syn-retry";
    case SIFT_TCP_EV_RETRANSMISSION: return "retransmission";
    case SIFT_TCP_EV_OUT_OF_ORDER: return "out-of-order";
    case SIFT_TCP_EV_GAP: return "gap";
    case SIFT_TCP_EV_CONFLICT: return "overlap-conflict";
    case SIFT_TCP_EV_CLOSE: return "close";
    case SIFT_TCP_EV_RESET: return "reset";
    case SIFT_TCP_EV_TIMEOUT: return "timeout";
    case SIFT_TCP_EV_END_OF_FILE: return "end-of-file";
    case SIFT_TCP_EV_EVICTED: return "evicted";
    case SIFT_TCP_EV_PORT_REUSE: return "port-reuse";
    }
    return "unknown";
}

const char *sift_tcp_state_name(enum sift_tcp_state state)
{
    switch (state) {
    case SIFT_TCP_SYN_SENT: return "syn-sent";
    case SIFT_TCP_SYN_RECEIVED: return "syn-received";
    case SIFT_TCP_ESTABLISHED: return "established";
    case SIFT_TCP_CLOSING: return "closing";
    case SIFT_TCP_CLOSED: return "closed";
    case SIFT_TCP_RESET: return "reset";
    }
    return "unknown";
}
