/* SPDX-License-Identifier: MIT */
/* One direction of an HTTP/1.x connection: finds message starts, collects
 * header blocks, and frames bodies (RFC 9112 §6-§7) from bytes fed in any
 * chunking. What a message means (which request a response answers, what
 * its body length is) is decided by the caller through callbacks. */
#ifndef SIFT_HTTP_STREAM_H
#define SIFT_HTTP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_body_kind {
    HTTP_BODY_NONE = 0, HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED,
    HTTP_BODY_CLOSE, /* until the connection closes */
};

/* What the stream does after the message. */
enum http_after {
    HTTP_AFTER_NEXT = 0, /* the next message */
    HTTP_AFTER_HOLD,     /* keep bytes until http_stream_release() */
    HTTP_AFTER_TUNNEL,   /* opaque bytes, counted */
    HTTP_AFTER_RAW,      /* bytes to the raw callback (WebSocket) */
};

struct http_framing {
    enum http_body_kind kind;
    uint64_t length;
    enum http_after after;
};

/* What a stream's first bytes turned out to be when they are not HTTP. */
enum http_proto {
    HTTP_PROTO_UNKNOWN = 0, HTTP_PROTO_HTTP, HTTP_PROTO_TLS, HTTP_PROTO_SSH,
    HTTP_PROTO_HTTP2, HTTP_PROTO_OTHER,
};

struct http_stream;

struct http_stream_cb {
    void *ctx;
    /* A header block is complete (buf has the start line, fields and empty
     * line; len 0 for an HTTP/0.9 response, which has no head); the caller
     * fills the framing. `flags` has what the stream saw (resync). */
    void (*head)(void *ctx, struct http_stream *s, const uint8_t *buf,
                 size_t len, uint64_t head_bytes, uint32_t flags,
                 int64_t first_ns, int64_t ts, struct http_framing *fr);
    void (*body)(void *ctx, struct http_stream *s, const uint8_t *p,
                 size_t n);
    void (*body_gap)(void *ctx, struct http_stream *s, uint64_t n);
    void (*trailers)(void *ctx, struct http_stream *s, const uint8_t *buf,
                     size_t len);
    /* The message ended (flags: incomplete, bad chunk...). */
    void (*end)(void *ctx, struct http_stream *s, uint32_t flags,
                uint64_t wire_bytes, int64_t ts);
    /* Bytes after a switch to HTTP_AFTER_RAW; p NULL: a gap. */
    void (*raw)(void *ctx, struct http_stream *s, const uint8_t *p,
                size_t n, int64_t ts);
    /* The stream's first bytes are another protocol. */
    void (*protocol)(void *ctx, struct http_stream *s, enum http_proto p);
};

struct http_stream_limits {
    uint32_t max_head;  /* header block bytes kept */
    uint32_t max_hold;  /* bytes held while waiting for a switch */
};

struct http_stream *http_stream_new(bool from_client,
                                    const struct http_stream_limits *lim,
                                    const struct http_stream_cb *cb);
void http_stream_free(struct http_stream *s);

bool http_stream_from_client(const struct http_stream *s);

/* The connection began with a SYN: a first line that is not HTTP means
 * another protocol, not a capture that started mid-message. */
void http_stream_set_clean_start(struct http_stream *s, bool clean);

void http_stream_feed(struct http_stream *s, const uint8_t *p, size_t n,
                      int64_t ts);
void http_stream_gap(struct http_stream *s, uint64_t n, int64_t ts);
/* Body bytes of a known length (Content-Length, a chunk) still to come;
 * 0 elsewhere. */
uint64_t http_stream_countable(const struct http_stream *s);
/* n of them (at most that) went by, not given: counted as body bytes the
 * body callback gets with p NULL. */
void http_stream_count(struct http_stream *s, uint64_t n, int64_t ts);
/* No more bytes in this direction (FIN or the connection's end). */
void http_stream_eof(struct http_stream *s, int64_t ts);

/* The next message is an HTTP/0.9 response: no head, body until close. */
void http_stream_expect_http09(struct http_stream *s);
/* Ends a hold: the held bytes (and all later ones) are parsed as HTTP
 * again, or go to the tunnel or the raw callback. */
void http_stream_release(struct http_stream *s, enum http_after mode,
                         int64_t ts);
/* Stop reading this stream: another protocol, or the peer's is. */
void http_stream_ignore(struct http_stream *s);

#endif
