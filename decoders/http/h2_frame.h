/* SPDX-License-Identifier: MIT */
/* HTTP/2 framing (RFC 9113 §4) for one direction of a connection, as a
 * passive reader needs it: frames from bytes fed in any chunking, DATA
 * payloads streamed (padding removed) rather than buffered, other frames
 * whole up to a cap, and after a capture gap the frame boundary found
 * again by the plausibility of frame headers. */
#ifndef SIFT_H2_FRAME_H
#define SIFT_H2_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_PREFACE_LEN 24
#define H2_FRAME_HEADER 9
#define H2_DEFAULT_MAX_FRAME 16384u
#define H2_LARGEST_FRAME ((1u << 24) - 1)

enum h2_type {
    H2_DATA = 0, H2_HEADERS, H2_PRIORITY, H2_RST_STREAM, H2_SETTINGS,
    H2_PUSH_PROMISE, H2_PING, H2_GOAWAY, H2_WINDOW_UPDATE, H2_CONTINUATION,
};

enum h2_flag {
    H2_END_STREAM = 0x1, H2_ACK = 0x1, H2_END_HEADERS = 0x4,
    H2_PADDED = 0x8, H2_PRIORITY_FLAG = 0x20,
};

struct h2_frame {
    uint32_t length;
    uint8_t type, flags;
    uint32_t stream;
};

struct h2_reader_cb {
    void *ctx;
    /* A whole frame other than DATA. skipped: its payload was over the cap
     * (or damaged by a gap, see lost) and is not given (payload NULL). */
    void (*frame)(void *ctx, const struct h2_frame *f, const uint8_t *p,
                  size_t len, bool skipped, int64_t ts);
    /* Content bytes of a DATA frame, padding removed; `end` on the frame's
     * last call (n may be 0 then). */
    void (*data)(void *ctx, const struct h2_frame *f, const uint8_t *p,
                 size_t n, bool end, int64_t ts);
    /* n payload bytes of frame f are not in the capture (a DATA frame's
     * content bytes, or a whole other frame, which then is not given). */
    void (*lost)(void *ctx, const struct h2_frame *f, uint64_t n, int64_t ts);
    /* The frame boundary was lost in a gap and found again after `skipped`
     * more bytes (not counting the gap itself). */
    void (*resync)(void *ctx, uint64_t skipped, int64_t ts);
    /* Does the connection know this stream (open, or closed recently)? */
    bool (*known_stream)(void *ctx, uint32_t id);
};

struct h2_reader {
    struct h2_reader_cb cb;
    bool from_client;
    uint32_t preface_left;  /* client: preface bytes still to skip */
    uint32_t max_frame;     /* the largest frame the sender may send */
    uint32_t max_buffered;  /* payload kept of a non-DATA frame */
    uint8_t hdr[H2_FRAME_HEADER];
    size_t hdr_have;
    struct h2_frame f;
    bool in_payload;
    uint32_t left;          /* payload bytes of f still to come */
    bool pad_pending;       /* DATA: the pad length byte is next */
    uint32_t content_left;  /* DATA: content bytes before the padding */
    bool damaged;           /* a gap inside this frame's payload */
    uint8_t *buf;           /* payload of a non-DATA frame */
    size_t len, cap;
    bool lost_sync;
    uint8_t *scan;          /* bytes held while looking for a frame */
    size_t scan_len;
    uint64_t skipped;
    int depth;
};

void h2_reader_init(struct h2_reader *r, bool from_client, bool preface,
                    const struct h2_reader_cb *cb);
void h2_reader_free(struct h2_reader *r);
void h2_reader_feed(struct h2_reader *r, const uint8_t *p, size_t n,
                    int64_t ts);
void h2_reader_gap(struct h2_reader *r, uint64_t n, int64_t ts);
/* DATA content bytes of the frame in progress still to come (0 when not
 * in one), and n of them (at most that) gone by uncopied: the data
 * callback gets them with p NULL. */
uint64_t h2_reader_countable(const struct h2_reader *r);
void h2_reader_count(struct h2_reader *r, uint64_t n, int64_t ts);

/* The RFC 9113 §4.1 header at p[0..8]. */
struct h2_frame h2_frame_header(const uint8_t *p);

/* Could these 9 bytes start a frame here (length within max_frame, a
 * known type with only its flags, the stream rules of §6)? */
bool h2_frame_plausible(const struct h2_frame *f, uint32_t max_frame,
                        bool from_client);

const char *h2_type_name(uint8_t type);

#endif
