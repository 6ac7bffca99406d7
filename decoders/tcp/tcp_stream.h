/* SPDX-License-Identifier: MIT */
/* One direction of a TCP connection as an ordered byte stream (RFC 9293
 * §3.4 sequence space): segments in, in-order bytes and explicit gaps out.
 * Sequence numbers become 64-bit stream offsets (offset 0 is the first
 * byte after the SYN, or the first byte seen), so wraparound is free. */
#ifndef SIFT_TCP_STREAM_H
#define SIFT_TCP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A segment held because it came before the bytes preceding it. */
struct held_segment {
    struct held_segment *next;
    uint64_t off;
    uint32_t len;
    uint32_t charge; /* len plus the bookkeeping, as counted in budgets */
    uint8_t data[];
};

/* Where a stream's output goes. */
struct stream_sink {
    void *ctx;
    void (*data)(void *ctx, const uint8_t *p, size_t len, uint64_t off);
    void (*gap)(void *ctx, uint64_t off, uint64_t len);
};

/* Memory shared by every stream of a connection table. */
struct stream_budget {
    uint64_t held;       /* bytes held over all streams */
    uint64_t max_held;   /* ... at most */
    uint32_t max_stream; /* bytes one stream may hold */
};

struct tcp_stream {
    bool has_base;
    bool weak_base;       /* taken from an empty segment (maybe a keep-alive
                             probe, one before the real next byte) */
    uint32_t base;        /* the sequence number of offset 0 */
    uint64_t next;        /* the offset of the next byte to deliver */
    uint64_t seen_end;    /* the highest offset any segment reached */
    uint64_t acked;       /* the highest offset the peer acknowledged */
    struct held_segment *held; /* sorted, never overlapping */
    struct held_segment *held_tail; /* the last one: appends cost O(1) */
    uint32_t held_bytes; /* charged: payload and bookkeeping */
    bool fin;             /* a FIN was seen ... */
    uint64_t fin_off;     /* ... at this offset */
    bool closed;          /* every byte up to the FIN was delivered */
    /* counters */
    uint64_t bytes, gaps, gap_bytes, retransmissions, out_of_order,
        conflicts, keepalives;
};

/* What one segment turned out to be. */
enum segment_kind {
    SEG_NEW = 1,          /* new bytes, delivered or held */
    SEG_RETRANSMISSION = 2, /* only bytes already delivered or held */
    SEG_OUT_OF_ORDER = 4, /* came late: below bytes already seen */
    SEG_CONFLICT = 8,     /* overlapped held bytes with different ones */
    SEG_KEEPALIVE = 16,   /* one byte (or none) before the next expected */
    SEG_EMPTY = 32,       /* no payload and no FIN */
    SEG_OVER_BUDGET = 64, /* could not be held: the stream moved on to it */
};

void stream_init(struct tcp_stream *s);
void stream_free(struct tcp_stream *s, struct stream_budget *b);

/* Sets offset 0 at sequence number seq (the byte after a SYN, or the first
 * seen); later calls do nothing. weak: seq came from an empty segment. */
void stream_set_base(struct tcp_stream *s, uint32_t seq);
void stream_set_weak_base(struct tcp_stream *s, uint32_t seq);

/* A SYN sets offset 0 at seq + 1 even when an earlier segment gave a
 * base, as long as nothing was delivered, held or lost yet (split
 * handshakes, SYNs seen after other segments); a FIN seen before it is
 * forgotten. True when the base moved. */
bool stream_rebase_for_syn(struct tcp_stream *s, uint32_t seq);

/* A SYN whose sequence number does not fit a stream that has already
 * delivered bytes (they came before the SYN-ACK, from elsewhere): the
 * stream goes on from where it is, with offsets continuing, so the bytes
 * after the SYN are read and nothing is dropped; counted as a conflict.
 * True when it re-anchored. */
bool stream_reanchor_for_syn(struct tcp_stream *s, uint32_t seq);

/* The stream offset of sequence number seq (within 2 GiB of the next
 * expected byte, as TCP's window guarantees). Needs a base. */
uint64_t stream_offset(const struct tcp_stream *s, uint32_t seq);

/* Takes a segment: delivers what is next in order (zero copy), holds what
 * is ahead (copied, within the budget), and drains held bytes that became
 * in order. Returns a set of enum segment_kind. */
unsigned stream_segment(struct tcp_stream *s, struct stream_budget *b,
                        uint32_t seq, const uint8_t *data, uint32_t len,
                        bool fin, const struct stream_sink *sink);

/* The peer acknowledged everything before sequence number ack: bytes we
 * hold no copy of before it were sent and received but not captured. When
 * later bytes of this side are already held (the sender moved on), the
 * hole becomes a gap now; otherwise the data may just be late (taps and
 * SPAN ports can deliver an ACK before the data it acknowledges), and the
 * hole becomes a gap only if it is still there when the stream is
 * flushed. */
void stream_acked(struct tcp_stream *s, struct stream_budget *b, uint32_t ack,
                  const struct stream_sink *sink);

/* A segment was cut by the snap length: its bytes from captured_end to end
 * are certainly missing. Once the stream has reached captured_end, they
 * are a gap at once. */
void stream_cut(struct tcp_stream *s, struct stream_budget *b,
                uint32_t captured_end, uint32_t end,
                const struct stream_sink *sink);

/* No more bytes will come (FIN, RST, timeout, end of file): every hole
 * before held bytes becomes a gap, and everything held is delivered. */
void stream_flush(struct tcp_stream *s, struct stream_budget *b,
                  const struct stream_sink *sink);

#endif
