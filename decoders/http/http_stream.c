/* SPDX-License-Identifier: MIT */
/* The framing state machine of one HTTP/1.x direction. Bytes arrive in
 * arbitrary pieces, so everything that must be seen whole (start lines,
 * header blocks, chunk-size lines, trailers) is collected in one buffer,
 * and bodies pass straight through without a copy. */
#include "http_stream.h"

#include <stdlib.h>
#include <string.h>

#include "http_head.h"
#include "pcapsift/http.h"

enum hs_state {
    HS_START,      /* before a message: a start line is expected */
    HS_RESYNC,     /* lost: looking for a start line */
    HS_HEAD,       /* collecting the header block */
    HS_BODY_LEN,   /* Content-Length body */
    HS_CHUNK_SIZE, /* a chunk-size line */
    HS_CHUNK_DATA,
    HS_CHUNK_END,  /* the CRLF after chunk data */
    HS_TRAILER,    /* trailer section */
    HS_BODY_CLOSE, /* body until the connection closes */
    HS_HOLD,       /* waiting for the peer to say what comes next */
    HS_TUNNEL,     /* opaque */
    HS_RAW,        /* to the raw callback */
    HS_IGNORE,     /* not HTTP, or ended */
};

/* A start line, chunk line or trailer line longer than this is not
 * collected whole (the block limit covers header blocks). */
#define LINE_MAX_BYTES 8192u
/* Bytes enough to tell TLS, SSH and the HTTP/2 preface apart. */
#define SNIFF_BYTES 16u

struct http_stream {
    bool from_client, clean_start, sniffed, http09_next, hold_gap;
    enum hs_state state;
    struct http_stream_limits lim;
    struct http_stream_cb cb;
    uint8_t *buf;
    size_t len, cap;
    bool overflow;      /* buf stopped collecting: a limit was hit */
    int nl;             /* head scan: 1 after LF, 2 after LF CR */
    uint64_t remaining; /* of a Content-Length body or a chunk */
    uint64_t head_bytes, wire;
    uint32_t flags;     /* for the message being read */
    uint32_t next_flags;/* for the next message (resync) */
    int64_t first_ns, hold_ns;
    bool in_message;    /* a head was handed over and not yet ended */
    bool seen_line;     /* the stream's first line was judged */
    enum http_after after; /* of the message being read */
};

struct http_stream *http_stream_new(bool from_client,
                                    const struct http_stream_limits *lim,
                                    const struct http_stream_cb *cb)
{
    struct http_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->from_client = from_client;
    s->lim = *lim;
    s->cb = *cb;
    s->state = HS_START;
    return s;
}

void http_stream_free(struct http_stream *s)
{
    if (s == NULL)
        return;
    free(s->buf);
    free(s);
}

bool http_stream_from_client(const struct http_stream *s)
{
    return s->from_client;
}

void http_stream_set_clean_start(struct http_stream *s, bool clean)
{
    s->clean_start = clean;
}

/* Appends to buf up to `limit` bytes in all; beyond it, sets overflow. */
static void collect(struct http_stream *s, const uint8_t *p, size_t n,
                    size_t limit)
{
    if (s->len + n > limit) {
        s->overflow = true;
        n = limit > s->len ? limit - s->len : 0;
    }
    if (n == 0)
        return;
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 512;
        while (cap < s->len + n)
            cap *= 2;
        uint8_t *b = realloc(s->buf, cap);
        if (b == NULL) {
            s->overflow = true;
            return;
        }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

/* Collects up to and including the next LF; true when the line is whole
 * (buf then holds it, possibly cut at LINE_MAX_BYTES). */
static bool take_line(struct http_stream *s, const uint8_t *p, size_t n,
                      size_t *used)
{
    const uint8_t *lf = memchr(p, '\n', n);
    *used = lf != NULL ? (size_t)(lf - p) + 1 : n;
    collect(s, p, *used, LINE_MAX_BYTES);
    return lf != NULL;
}

static size_t line_content(const uint8_t *b, size_t n)
{
    if (n > 0 && b[n - 1] == '\n')
        n--;
    if (n > 0 && b[n - 1] == '\r')
        n--;
    return n;
}

static void reset_buf(struct http_stream *s)
{
    s->len = 0;
    s->overflow = false;
    s->nl = 0;
}

/* --- message boundaries ----------------------------------------------- */

static void end_message(struct http_stream *s, uint32_t flags, int64_t ts,
                        enum http_after after);

static void lose_sync(struct http_stream *s, uint32_t flags, int64_t ts)
{
    if (s->in_message)
        end_message(s, flags | SIFT_HTTP_INCOMPLETE, ts, HTTP_AFTER_NEXT);
    reset_buf(s);
    s->state = HS_RESYNC;
    s->next_flags |= SIFT_HTTP_RESYNC;
}

static void start_body(struct http_stream *s, const struct http_framing *fr,
                       int64_t ts)
{
    switch (fr->kind) {
    case HTTP_BODY_LENGTH:
        if (fr->length > 0) {
            s->remaining = fr->length;
            s->state = HS_BODY_LEN;
            return;
        }
        break;
    case HTTP_BODY_CHUNKED:
        s->state = HS_CHUNK_SIZE;
        return;
    case HTTP_BODY_CLOSE:
        s->state = HS_BODY_CLOSE;
        return;
    case HTTP_BODY_NONE:
        break;
    }
    end_message(s, 0, ts, s->after);
}

/* The header block in buf is complete. */
static void head_done(struct http_stream *s, int64_t ts)
{
    struct http_framing fr = {HTTP_BODY_NONE, 0, HTTP_AFTER_NEXT};
    s->flags = s->next_flags | (s->overflow ? SIFT_HTTP_HEADER_LIMIT : 0);
    s->next_flags = 0;
    s->in_message = true;
    s->wire = 0;
    s->cb.head(s->cb.ctx, s, s->buf, s->len, s->head_bytes, s->flags,
               s->first_ns, ts, &fr);
    reset_buf(s);
    s->after = fr.after; /* applied when the body ends */
    s->remaining = 0;
    start_body(s, &fr, ts);
}

static void end_message(struct http_stream *s, uint32_t flags, int64_t ts,
                        enum http_after after)
{
    s->in_message = false;
    s->flags |= flags;
    uint32_t f = s->flags;
    s->flags = 0;
    /* Between messages a connection may idle for minutes: its buffer goes
     * (thousands of idle keep-alive connections add up). */
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
    reset_buf(s);
    /* The state first: the callback may act on it (a peer's switch). */
    switch (after) {
    case HTTP_AFTER_NEXT: s->state = HS_START; break;
    case HTTP_AFTER_HOLD: s->state = HS_HOLD; s->hold_ns = ts; break;
    case HTTP_AFTER_TUNNEL: s->state = HS_TUNNEL; break;
    case HTTP_AFTER_RAW: s->state = HS_RAW; break;
    }
    s->cb.end(s->cb.ctx, s, f, s->wire, ts);
}

/* --- before a message: start lines, protocol sniffing, resync ---------- */

static enum http_proto sniff(const uint8_t *b, size_t n)
{
    if (n >= 3 && b[0] == 0x16 && b[1] == 0x03 && b[2] <= 0x04)
        return HTTP_PROTO_TLS;
    if (n >= 4 && memcmp(b, "SSH-", 4) == 0)
        return HTTP_PROTO_SSH;
    if (n >= 14 && memcmp(b, "PRI * HTTP/2.0", 14) == 0)
        return HTTP_PROTO_HTTP2;
    return HTTP_PROTO_UNKNOWN;
}

static void ignore_as(struct http_stream *s, enum http_proto proto)
{
    s->state = HS_IGNORE;
    reset_buf(s);
    if (s->cb.protocol != NULL)
        s->cb.protocol(s->cb.ctx, s, proto);
}

/* HTTP/2 and later start lines look like HTTP/1 ones; they are not. */
static bool is_start_line(const struct http_stream *s, const uint8_t *b,
                          size_t n, bool allow_http09)
{
    if (s->from_client) {
        if (!http_is_request_line(b, n, allow_http09))
            return false;
        return n < 8 || http_version_at(b + n - 8, 8) < 20;
    }
    return http_is_status_line(b, n) && http_version_at(b, n) < 20;
}

static bool is_http09_request(const uint8_t *b, size_t n)
{
    return n < 8 || http_version_at(b + n - 8, 8) < 0;
}

/* A whole line before a message is in buf: does a message start? */
static void judge_line(struct http_stream *s, int64_t ts)
{
    bool first = !s->seen_line;
    s->seen_line = true;
    size_t n = line_content(s->buf, s->len);
    if (n == 0 && !s->overflow) {
        /* Empty lines before a message are allowed (RFC 9112 §2.2). */
        reset_buf(s);
        return;
    }
    bool http09 = first && s->clean_start && s->state == HS_START;
    if (!s->overflow && is_start_line(s, s->buf, n, http09)) {
        s->head_bytes = s->len;
        if (s->from_client && is_http09_request(s->buf, n)) {
            /* HTTP/0.9: the request line is the whole request. */
            head_done(s, ts);
            return;
        }
        s->state = HS_HEAD;
        s->nl = 1; /* the start line's LF is in buf */
        return;
    }
    /* A server whose first line is not a status line speaks something
     * else, and the client with it (the layer stops both). A client's bad
     * first line may still get an HTTP answer (a malformed request, junk
     * before it): it is searched on, and the server's first line decides. */
    if (first && s->clean_start && s->state == HS_START && !s->from_client) {
        ignore_as(s, HTTP_PROTO_OTHER);
        return;
    }
    s->next_flags |= SIFT_HTTP_RESYNC;
    s->state = HS_RESYNC;
    reset_buf(s);
}

static size_t feed_start(struct http_stream *s, const uint8_t *p, size_t n,
                         int64_t ts)
{
    if (s->http09_next) {
        /* The answer to an HTTP/0.9 request: no head, bytes until close. */
        s->http09_next = false;
        s->first_ns = ts;
        s->head_bytes = 0;
        reset_buf(s);
        head_done(s, ts);
        return 0;
    }
    if (s->len == 0)
        s->first_ns = ts;
    size_t used;
    if (!s->sniffed) {
        /* The first bytes: enough of them to recognise other protocols. */
        const uint8_t *lf = memchr(p, '\n', n);
        size_t want = SNIFF_BYTES - s->len;
        size_t to_lf = lf != NULL ? (size_t)(lf - p) + 1 : n;
        used = to_lf < want ? to_lf : (n < want ? n : want);
        collect(s, p, used, LINE_MAX_BYTES);
        bool whole = s->len > 0 && s->buf[s->len - 1] == '\n';
        if (!whole && s->len < SNIFF_BYTES)
            return used;
        s->sniffed = true;
        enum http_proto proto = sniff(s->buf, s->len);
        if (proto != HTTP_PROTO_UNKNOWN) {
            ignore_as(s, proto);
            return n;
        }
        if (!whole)
            return used;
    } else if (!take_line(s, p, n, &used)) {
        return used;
    }
    judge_line(s, ts);
    return used;
}

/* --- header blocks and trailer sections ------------------------------- */

/* The line-ending state after the n bytes at p, none of them LF, that
 * follow an LF (nl 1), an LF CR (nl 2) or anything else (nl 0): only a lone
 * CR right after an LF keeps the block's end in sight. */
static int nl_after(int nl, const uint8_t *p, size_t n)
{
    if (n == 0)
        return nl;
    return n == 1 && p[0] == '\r' && nl == 1 ? 2 : 0;
}

/* Scans for the empty line that ends a block ("\n\n" or "\n\r\n"); true
 * when found. Jumps from LF to LF with memchr: a head is mostly the bytes
 * between them. */
static bool scan_block(struct http_stream *s, const uint8_t *p, size_t n,
                       size_t *used)
{
    size_t i = 0;
    bool done = false;
    while (i < n) {
        const uint8_t *lf = memchr(p + i, '\n', n - i);
        if (lf == NULL) {
            s->nl = nl_after(s->nl, p + i, n - i);
            i = n;
            break;
        }
        size_t at = (size_t)(lf - p);
        int nl = nl_after(s->nl, p + i, at - i);
        i = at + 1;
        if (nl >= 1) {
            done = true;
            break;
        }
        s->nl = 1;
    }
    collect(s, p, i, s->lim.max_head);
    s->head_bytes += i;
    *used = i;
    return done;
}

static size_t feed_head(struct http_stream *s, const uint8_t *p, size_t n,
                        int64_t ts)
{
    size_t used;
    if (scan_block(s, p, n, &used))
        head_done(s, ts);
    return used;
}

static size_t feed_trailer(struct http_stream *s, const uint8_t *p, size_t n,
                           int64_t ts)
{
    size_t used;
    bool done = scan_block(s, p, n, &used);
    s->wire += used;
    if (done) {
        if (s->len > 2 && s->cb.trailers != NULL)
            s->cb.trailers(s->cb.ctx, s, s->buf, s->len);
        if (s->overflow)
            s->flags |= SIFT_HTTP_HEADER_LIMIT;
        end_message(s, 0, ts, s->after);
    }
    return used;
}

/* --- bodies ----------------------------------------------------------- */

static size_t feed_counted(struct http_stream *s, const uint8_t *p, size_t n,
                           int64_t ts)
{
    size_t take = s->remaining < n ? (size_t)s->remaining : n;
    s->cb.body(s->cb.ctx, s, p, take);
    s->wire += take;
    s->remaining -= take;
    if (s->remaining == 0) {
        if (s->state == HS_CHUNK_DATA)
            s->state = HS_CHUNK_END;
        else
            end_message(s, 0, ts, s->after);
    }
    return take;
}

uint64_t http_stream_countable(const struct http_stream *s)
{
    return s->state == HS_BODY_LEN || s->state == HS_CHUNK_DATA
               ? s->remaining
               : 0;
}

void http_stream_count(struct http_stream *s, uint64_t n, int64_t ts)
{
    while (n > 0 && (s->state == HS_BODY_LEN || s->state == HS_CHUNK_DATA)) {
        size_t take = n < SIZE_MAX ? (size_t)n : SIZE_MAX;
        take = feed_counted(s, NULL, take, ts);
        n -= take;
    }
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1), from buf. */
static void chunk_line(struct http_stream *s, int64_t ts)
{
    size_t n = line_content(s->buf, s->len), i = 0;
    uint64_t size = 0;
    while (i < n && hex_value(s->buf[i]) >= 0 && size < (1ull << 56))
        size = size * 16 + (uint64_t)hex_value(s->buf[i++]);
    if (i == 0 || (i < n && hex_value(s->buf[i]) >= 0)) {
        lose_sync(s, SIFT_HTTP_BAD_CHUNK, ts);
        return;
    }
    while (i < n && (s->buf[i] == ' ' || s->buf[i] == '\t'))
        i++;
    if (i < n && s->buf[i] != ';')
        s->flags |= SIFT_HTTP_BAD_CHUNK;
    reset_buf(s);
    if (size == 0) {
        s->state = HS_TRAILER;
        s->nl = 1;
        return;
    }
    s->remaining = size;
    s->state = HS_CHUNK_DATA;
}

static size_t feed_chunk_line(struct http_stream *s, const uint8_t *p,
                              size_t n, int64_t ts)
{
    size_t used;
    bool whole = take_line(s, p, n, &used);
    s->wire += used;
    if (!whole)
        return used;
    if (s->state == HS_CHUNK_END) {
        if (line_content(s->buf, s->len) == 0) {
            reset_buf(s);
            s->state = HS_CHUNK_SIZE;
            return used;
        }
        /* Data longer than its size said: read the line as a size. */
        s->flags |= SIFT_HTTP_BAD_CHUNK;
    }
    chunk_line(s, ts);
    return used;
}

static size_t feed_hold(struct http_stream *s, const uint8_t *p, size_t n,
                        int64_t ts)
{
    if (s->len + n > s->lim.max_hold) {
        /* Nobody switched the protocol: it is HTTP after all. */
        http_stream_release(s, HTTP_AFTER_NEXT, ts);
        return 0;
    }
    collect(s, p, n, s->lim.max_hold);
    s->hold_ns = ts;
    return n;
}

void http_stream_feed(struct http_stream *s, const uint8_t *p, size_t n,
                      int64_t ts)
{
    while (n > 0) {
        size_t used = n;
        switch (s->state) {
        case HS_START:
            used = feed_start(s, p, n, ts);
            break;
        case HS_RESYNC:
            if (s->len == 0)
                s->first_ns = ts;
            if (take_line(s, p, n, &used))
                judge_line(s, ts);
            break;
        case HS_HEAD:
            used = feed_head(s, p, n, ts);
            break;
        case HS_BODY_LEN:
        case HS_CHUNK_DATA:
            used = feed_counted(s, p, n, ts);
            break;
        case HS_CHUNK_SIZE:
        case HS_CHUNK_END:
            used = feed_chunk_line(s, p, n, ts);
            break;
        case HS_TRAILER:
            used = feed_trailer(s, p, n, ts);
            break;
        case HS_BODY_CLOSE:
            s->cb.body(s->cb.ctx, s, p, n);
            s->wire += n;
            break;
        case HS_HOLD:
            used = feed_hold(s, p, n, ts);
            break;
        case HS_RAW:
            s->cb.raw(s->cb.ctx, s, p, n, ts);
            break;
        case HS_TUNNEL:
        case HS_IGNORE:
            break;
        }
        p += used;
        n -= used;
    }
}

/* --- gaps, the end, switches ------------------------------------------ */

void http_stream_gap(struct http_stream *s, uint64_t n, int64_t ts)
{
    switch (s->state) {
    case HS_BODY_LEN:
    case HS_CHUNK_DATA:
        if (n <= s->remaining) {
            /* Inside a body of known length: still in step. */
            s->cb.body_gap(s->cb.ctx, s, n);
            s->flags |= SIFT_HTTP_BODY_GAP;
            s->wire += n;
            s->remaining -= n;
            if (s->remaining == 0) {
                if (s->state == HS_CHUNK_DATA)
                    s->state = HS_CHUNK_END;
                else
                    end_message(s, 0, ts, s->after);
            }
            return;
        }
        s->cb.body_gap(s->cb.ctx, s, s->remaining);
        lose_sync(s, SIFT_HTTP_BODY_GAP, ts);
        return;
    case HS_BODY_CLOSE:
        s->cb.body_gap(s->cb.ctx, s, n);
        s->flags |= SIFT_HTTP_BODY_GAP;
        s->wire += n;
        return;
    case HS_START:
    case HS_RESYNC:
    case HS_HEAD:
        s->sniffed = s->seen_line = true;
        lose_sync(s, 0, ts);
        return;
    case HS_CHUNK_SIZE:
    case HS_CHUNK_END:
    case HS_TRAILER:
        lose_sync(s, SIFT_HTTP_BODY_GAP, ts);
        return;
    case HS_HOLD:
        s->hold_gap = true;
        return;
    case HS_RAW:
        s->cb.raw(s->cb.ctx, s, NULL, (size_t)n, ts);
        return;
    case HS_TUNNEL:
    case HS_IGNORE:
        return;
    }
}

void http_stream_eof(struct http_stream *s, int64_t ts)
{
    switch (s->state) {
    case HS_BODY_CLOSE:
        end_message(s, 0, ts, HTTP_AFTER_NEXT);
        break;
    case HS_HEAD:
        /* A head cut short still says what it was. */
        head_done(s, ts);
        if (s->in_message)
            end_message(s, SIFT_HTTP_INCOMPLETE, ts, HTTP_AFTER_NEXT);
        break;
    case HS_BODY_LEN:
    case HS_CHUNK_SIZE:
    case HS_CHUNK_DATA:
    case HS_CHUNK_END:
    case HS_TRAILER:
        end_message(s, SIFT_HTTP_INCOMPLETE, ts, HTTP_AFTER_NEXT);
        break;
    case HS_HOLD:
        http_stream_release(s, HTTP_AFTER_NEXT, ts);
        if (s->state != HS_IGNORE)
            http_stream_eof(s, ts);
        return;
    default:
        break;
    }
    s->state = HS_IGNORE;
    reset_buf(s);
}

void http_stream_expect_http09(struct http_stream *s)
{
    s->http09_next = true;
}

void http_stream_release(struct http_stream *s, enum http_after mode,
                         int64_t ts)
{
    if (s->state != HS_HOLD)
        return;
    uint8_t *held = s->buf;
    size_t len = s->len;
    int64_t held_ns = s->hold_ns;
    s->buf = NULL;
    s->len = s->cap = 0;
    s->overflow = false;
    switch (mode) {
    case HTTP_AFTER_NEXT:
    case HTTP_AFTER_HOLD:
        s->state = s->hold_gap ? HS_RESYNC : HS_START;
        break;
    case HTTP_AFTER_TUNNEL: s->state = HS_TUNNEL; break;
    case HTTP_AFTER_RAW: s->state = HS_RAW; break;
    }
    if (s->hold_gap && mode == HTTP_AFTER_RAW)
        s->cb.raw(s->cb.ctx, s, NULL, 0, ts);
    s->hold_gap = false;
    http_stream_feed(s, held, len, held_ns);
    free(held);
}

void http_stream_ignore(struct http_stream *s)
{
    s->state = HS_IGNORE;
    reset_buf(s);
}
