/* SPDX-License-Identifier: MIT */
/* Per-direction TCP reassembly. Bytes in order go straight from the packet
 * to the consumer; only segments that arrive early are copied, within a
 * per-stream and a shared budget. Overlap policy: bytes that arrived first
 * win (later copies are compared, and a difference is counted). A hole is
 * never joined over silently: it is delivered as a gap of N bytes once the
 * capture has moved past it. */
#include "tcp_stream.h"

#include <stdlib.h>
#include <string.h>

void stream_init(struct tcp_stream *s)
{
    memset(s, 0, sizeof *s);
}

/* What holding n bytes costs the budget: the bytes, the segment header
 * and the allocator's own (so a flood of one-byte segments is counted at
 * what it really takes). */
#define HELD_OVERHEAD ((uint32_t)(sizeof(struct held_segment) + 16))

static void drop_held(struct tcp_stream *s, struct stream_budget *b,
                      struct held_segment *h)
{
    s->held_bytes -= h->charge;
    b->held -= h->charge;
    if (s->held_tail == h)
        s->held_tail = NULL;
    free(h);
}

void stream_free(struct tcp_stream *s, struct stream_budget *b)
{
    while (s->held != NULL) {
        struct held_segment *h = s->held;
        s->held = h->next;
        drop_held(s, b, h);
    }
    s->held_tail = NULL;
}

void stream_set_base(struct tcp_stream *s, uint32_t seq)
{
    if (s->has_base)
        return;
    s->has_base = true;
    s->base = seq;
    s->next = 0;
}

void stream_set_weak_base(struct tcp_stream *s, uint32_t seq)
{
    if (s->has_base)
        return;
    stream_set_base(s, seq);
    s->weak_base = true;
}

bool stream_rebase_for_syn(struct tcp_stream *s, uint32_t seq)
{
    if (s->has_base && (s->next != 0 || s->held != NULL))
        return false;
    bool moved = s->has_base && s->base != seq + 1;
    s->has_base = true;
    s->weak_base = false;
    s->base = seq + 1;
    s->next = 0;
    s->seen_end = 0;
    if (moved) { /* a FIN before this SYN was not this stream's */
        s->fin = false;
        s->closed = false;
    }
    return moved;
}

bool stream_reanchor_for_syn(struct tcp_stream *s, uint32_t seq)
{
    if (!s->has_base || s->base + (uint32_t)s->next == seq + 1 ||
        s->base == seq + 1)
        return false;
    uint64_t ahead = stream_offset(s, seq + 1);
    if (ahead >= s->next && ahead - s->next < (1u << 30))
        return false; /* within the stream: an old SYN, not a new start */
    s->base = seq + 1 - (uint32_t)s->next;
    s->seen_end = s->next;
    s->conflicts++;
    return true;
}

uint64_t stream_offset(const struct tcp_stream *s, uint32_t seq)
{
    uint32_t expected = s->base + (uint32_t)s->next;
    int32_t delta = (int32_t)(seq - expected);
    if (delta < 0 && (uint64_t)(-(int64_t)delta) > s->next)
        return 0; /* before the stream began: treat as old bytes */
    return s->next + (uint64_t)(int64_t)delta;
}

static void deliver(struct tcp_stream *s, const struct stream_sink *sink,
                    const uint8_t *p, size_t len)
{
    if (len == 0)
        return;
    if (sink->data != NULL)
        sink->data(sink->ctx, p, len, s->next);
    s->next += len;
    s->bytes += len;
}

static void gap(struct tcp_stream *s, const struct stream_sink *sink,
                uint64_t len)
{
    if (len == 0)
        return;
    if (sink->gap != NULL)
        sink->gap(sink->ctx, s->next, len);
    s->next += len;
    s->gaps++;
    s->gap_bytes += len;
}

/* Delivers held segments that are now in order. */
static void drain(struct tcp_stream *s, struct stream_budget *b,
                  const struct stream_sink *sink)
{
    while (s->held != NULL && s->held->off <= s->next) {
        struct held_segment *h = s->held;
        s->held = h->next;
        uint64_t end = h->off + h->len;
        if (end > s->next)
            deliver(s, sink, h->data + (s->next - h->off),
                    (size_t)(end - s->next));
        drop_held(s, b, h);
    }
    if (s->fin && !s->closed && s->next >= s->fin_off)
        s->closed = true;
}

/* Compares the part of [off, off+len) that h already holds. */
static bool differs(const struct held_segment *h, uint64_t off,
                    const uint8_t *data, uint64_t len)
{
    uint64_t from = off > h->off ? off : h->off;
    uint64_t to = off + len < h->off + h->len ? off + len : h->off + h->len;
    if (from >= to)
        return false;
    return memcmp(h->data + (from - h->off), data + (from - off),
                  (size_t)(to - from)) != 0;
}

/* Holds the parts of [off, off+len) that no held segment covers; returns
 * a set of SEG_ kinds (new bytes held, or only a retransmission). */
static unsigned hold(struct tcp_stream *s, struct stream_budget *b,
                     uint64_t off, const uint8_t *data, uint64_t len)
{
    unsigned kind = 0;
    struct held_segment **link = &s->held;
    uint64_t at = off, end = off + len;
    const struct held_segment *tail = s->held_tail;
    if (tail != NULL && off >= tail->off + tail->len)
        link = &s->held_tail->next; /* after everything held: append */
    while (at < end) {
        struct held_segment *h = *link;
        if (h != NULL && h->off + h->len <= at) {
            link = &h->next;
            continue;
        }
        uint64_t piece_end = h != NULL && h->off < end ? h->off : end;
        if (h != NULL && h->off <= at) { /* inside h: compare, skip */
            if (differs(h, off, data, len))
                kind |= SEG_CONFLICT;
            at = h->off + h->len;
            link = &h->next;
            continue;
        }
        uint64_t n = piece_end - at;
        uint64_t charge = n + HELD_OVERHEAD;
        struct held_segment *p = NULL;
        if (s->held_bytes + charge <= b->max_stream &&
            b->held + charge <= b->max_held)
            p = malloc(sizeof *p + (size_t)n);
        if (p == NULL)
            return kind | SEG_NEW | SEG_OVER_BUDGET;
        p->off = at;
        p->len = (uint32_t)n;
        p->charge = (uint32_t)charge;
        memcpy(p->data, data + (at - off), (size_t)n);
        p->next = *link;
        *link = p;
        link = &p->next;
        if (p->next == NULL)
            s->held_tail = p;
        s->held_bytes += (uint32_t)charge;
        b->held += charge;
        kind |= SEG_NEW;
        at = piece_end;
    }
    return kind & SEG_NEW ? kind : kind | SEG_RETRANSMISSION;
}

/* A segment ahead of a hole could not be held: rather than lose it, the
 * stream moves on to it. Holes before it become gaps, what is held before
 * it is delivered, then the segment itself. */
static void move_to(struct tcp_stream *s, struct stream_budget *b,
                    const struct stream_sink *sink, uint64_t off,
                    const uint8_t *data, uint64_t len)
{
    while (s->next < off) {
        if (s->held != NULL && s->held->off <= s->next) {
            drain(s, b, sink);
            continue;
        }
        uint64_t to = s->held != NULL && s->held->off < off ? s->held->off
                                                             : off;
        gap(s, sink, to - s->next);
    }
    if (off + len > s->next)
        deliver(s, sink, data + (s->next - off),
                (size_t)(off + len - s->next));
    drain(s, b, sink);
}

unsigned stream_segment(struct tcp_stream *s, struct stream_budget *b,
                        uint32_t seq, const uint8_t *data, uint32_t len,
                        bool fin, const struct stream_sink *sink)
{
    stream_set_base(s, seq);
    /* Where the segment starts relative to offset 0: before it (a capture
     * that began mid-stream saw later bytes first), the bytes are not part
     * of this stream and are dropped, as if already delivered. */
    int64_t start = (int64_t)s->next +
                    (int32_t)(seq - (s->base + (uint32_t)s->next));
    if (start < 0 && s->weak_base && s->next == 0 && s->held == NULL) {
        s->base = seq; /* the empty segment that gave the base was later */
        s->weak_base = false;
        start = 0;
    }
    if (start < 0) {
        if ((uint64_t)-start >= len) {
            s->retransmissions++;
            return SEG_RETRANSMISSION;
        }
        data += -start;
        len -= (uint32_t)-start;
        start = 0;
    }
    uint64_t off = (uint64_t)start;
    uint64_t end = off + len;
    if (fin && !s->fin) {
        s->fin = true;
        s->fin_off = end;
    }
    if (len == 0) {
        drain(s, b, sink);
        return SEG_EMPTY;
    }
    s->weak_base = false; /* data confirms where the stream is */
    if (s->fin && end > s->fin_off) {
        /* bytes past a FIN: the endpoint ignored that FIN (a bad
         * checksum, an evasion); the stream goes on, and a later FIN
         * counts */
        s->fin = false;
        s->closed = false;
        s->conflicts++;
    }
    if (end <= s->next) {
        if (len == 1 && end == s->next) {
            s->keepalives++;
            return SEG_KEEPALIVE;
        }
        s->retransmissions++;
        return SEG_RETRANSMISSION;
    }
    unsigned kind;
    /* Late, as tshark counts it: new bytes below bytes already seen (a
     * segment after a hole in the capture is not late; the hole becomes a
     * gap). */
    uint64_t first_new = off > s->next ? off : s->next;
    bool late = first_new < s->seen_end;
    if (end > s->seen_end)
        s->seen_end = end;
    if (off <= s->next) { /* in order (perhaps partly old): deliver */
        if (off < s->next)
            s->retransmissions++;
        /* up to the first held bytes; where it overlaps held bytes, those
         * came first and win (hold compares and keeps only what is new) */
        uint64_t upto = s->held != NULL && s->held->off < end ? s->held->off
                                                               : end;
        uint64_t from = s->next;
        deliver(s, sink, data + (from - off), (size_t)(upto - from));
        kind = SEG_NEW;
        if (upto < end) {
            kind |= hold(s, b, upto, data + (upto - off), end - upto) &
                    (SEG_CONFLICT | SEG_OVER_BUDGET);
            if (kind & SEG_CONFLICT)
                s->conflicts++;
        }
        drain(s, b, sink);
        if (kind & SEG_OVER_BUDGET)
            move_to(s, b, sink, off, data, len);
    } else {
        kind = hold(s, b, off, data, len);
        if (!(kind & SEG_NEW))
            s->retransmissions++;
        if (kind & SEG_CONFLICT)
            s->conflicts++;
        if (kind & SEG_OVER_BUDGET)
            move_to(s, b, sink, off, data, len);
    }
    if (late && (kind & SEG_NEW)) {
        kind |= SEG_OUT_OF_ORDER;
        s->out_of_order++;
    }
    if (s->fin && !s->closed && s->next >= s->fin_off)
        s->closed = true;
    return kind;
}

void stream_cut(struct tcp_stream *s, struct stream_budget *b,
                uint32_t captured_end, uint32_t end,
                const struct stream_sink *sink)
{
    /* Only the segment's own missing tail, and only once everything up to
     * it is delivered: an earlier hole may still fill (reordering). */
    if (!s->has_base || s->next != stream_offset(s, captured_end))
        return;
    uint64_t to = stream_offset(s, end);
    if (to > s->next)
        gap(s, sink, to - s->next);
    drain(s, b, sink);
}

void stream_acked(struct tcp_stream *s, struct stream_budget *b, uint32_t ack,
                  const struct stream_sink *sink)
{
    if (!s->has_base)
        return;
    uint64_t acked = stream_offset(s, ack);
    if (s->weak_base && s->next == 0 && s->held == NULL && acked == 1) {
        /* the base came from a keep-alive probe (RFC 9293 §3.8.4: one
         * byte before the next); the peer's ACK says where it really is */
        s->base++;
        s->weak_base = false;
        return;
    }
    if (s->fin && acked > s->fin_off)
        acked = s->fin_off; /* the FIN itself takes a sequence number */
    if (acked > s->acked)
        s->acked = acked;
    if (s->held == NULL)
        return; /* no sign yet that the bytes will not come late */
    while (s->next < acked) {
        if (s->held != NULL && s->held->off <= s->next) {
            drain(s, b, sink);
            continue;
        }
        uint64_t to = s->held != NULL && s->held->off < acked ? s->held->off
                                                               : acked;
        gap(s, sink, to - s->next);
    }
    drain(s, b, sink);
}

void stream_flush(struct tcp_stream *s, struct stream_budget *b,
                  const struct stream_sink *sink)
{
    while (s->held != NULL) {
        gap(s, sink, s->held->off > s->next ? s->held->off - s->next : 0);
        drain(s, b, sink);
    }
    if (s->acked > s->next) /* acknowledged, never captured */
        gap(s, sink, s->acked - s->next);
    if (s->fin && !s->closed) {
        gap(s, sink, s->fin_off > s->next ? s->fin_off - s->next : 0);
        s->closed = true;
    }
}
