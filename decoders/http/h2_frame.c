/* SPDX-License-Identifier: MIT */
/* HTTP/2 frames of one direction (RFC 9113 §4.1, §6). DATA is streamed;
 * any other frame is buffered up to max_buffered and given whole. A gap
 * inside a payload keeps the framing (the length says where the next
 * frame starts); a gap over a frame header loses it, and the bytes after
 * are scanned for a header that is plausible and whose successor is too. */
#include "h2_frame.h"

#include <stdlib.h>
#include <string.h>

#include "pcapsift/cursor.h"
#include "pcapsift/http.h"

/* Bytes held while looking for a frame after a lost header: enough for a
 * default-size frame and the header after it. */
#define SCAN_HOLD (2 * (H2_FRAME_HEADER + H2_DEFAULT_MAX_FRAME))
/* Frames found again inside a resync's held bytes are fed in step, at
 * most this deep. */
#define MAX_DEPTH 3

struct h2_frame h2_frame_header(const uint8_t *p)
{
    struct sift_cursor c = sift_cursor_make(p, H2_FRAME_HEADER, 0);
    struct h2_frame f;
    uint32_t len_hi = sift_cursor_u8(&c);
    f.length = len_hi << 16 | sift_cursor_be16(&c);
    f.type = sift_cursor_u8(&c);
    f.flags = sift_cursor_u8(&c);
    f.stream = sift_cursor_be32(&c) & 0x7fffffffu; /* R bit ignored */
    return f;
}

static const uint8_t allowed_flags[] = {
    [H2_DATA] = H2_END_STREAM | H2_PADDED,
    [H2_HEADERS] = H2_END_STREAM | H2_END_HEADERS | H2_PADDED |
                   H2_PRIORITY_FLAG,
    [H2_PRIORITY] = 0, [H2_RST_STREAM] = 0, [H2_SETTINGS] = H2_ACK,
    [H2_PUSH_PROMISE] = H2_END_HEADERS | H2_PADDED, [H2_PING] = H2_ACK,
    [H2_GOAWAY] = 0, [H2_WINDOW_UPDATE] = 0, [H2_CONTINUATION] = H2_END_HEADERS,
};

bool h2_frame_plausible(const struct h2_frame *f, uint32_t max_frame,
                        bool from_client)
{
    if (f->type > H2_CONTINUATION || f->length > max_frame ||
        (f->flags & ~allowed_flags[f->type]) != 0)
        return false;
    bool on_stream = f->stream != 0;
    switch (f->type) {
    case H2_DATA: return on_stream;
    case H2_HEADERS: /* the server's also on its pushed (even) streams */
        return on_stream && (!from_client || (f->stream & 1) == 1);
    case H2_PRIORITY: return on_stream && f->length == 5;
    case H2_RST_STREAM: return on_stream && f->length == 4;
    case H2_SETTINGS:
        return !on_stream && f->length % 6 == 0 &&
               (!(f->flags & H2_ACK) || f->length == 0);
    case H2_PUSH_PROMISE: return on_stream && !from_client && f->length >= 4;
    case H2_PING: return !on_stream && f->length == 8;
    case H2_GOAWAY: return !on_stream && f->length >= 8;
    case H2_WINDOW_UPDATE: return f->length == 4;
    default: return false; /* CONTINUATION cannot follow a lost frame */
    }
}

void h2_reader_init(struct h2_reader *r, bool from_client, bool preface,
                    const struct h2_reader_cb *cb)
{
    memset(r, 0, sizeof *r);
    r->cb = *cb;
    r->from_client = from_client;
    r->preface_left = from_client && preface ? H2_PREFACE_LEN : 0;
    r->max_frame = H2_DEFAULT_MAX_FRAME;
    r->max_buffered = 1u << 20;
}

void h2_reader_free(struct h2_reader *r)
{
    free(r->buf);
    free(r->scan);
    r->buf = r->scan = NULL;
}

/* --- one frame --------------------------------------------------------- */

static void start_frame(struct h2_reader *r)
{
    r->f = h2_frame_header(r->hdr);
    r->hdr_have = 0;
    r->in_payload = true;
    r->left = r->f.length;
    r->len = 0;
    r->damaged = false;
    r->pad_pending = r->f.type == H2_DATA && (r->f.flags & H2_PADDED);
    r->content_left = r->f.type == H2_DATA && !r->pad_pending ? r->f.length
                                                               : 0;
}

static void end_frame(struct h2_reader *r, int64_t ts)
{
    r->in_payload = false;
    if (r->f.type == H2_DATA) {
        r->cb.data(r->cb.ctx, &r->f, NULL, 0, true, ts);
        return;
    }
    if (r->damaged) {
        r->cb.lost(r->cb.ctx, &r->f, r->f.length, ts);
        return;
    }
    bool skipped = r->f.length > r->max_buffered;
    r->cb.frame(r->cb.ctx, &r->f, skipped ? NULL : r->buf,
                skipped ? 0 : r->len, skipped, ts);
}

/* DATA payload bytes: the pad length, content, then padding. */
static void data_bytes(struct h2_reader *r, const uint8_t *p, size_t n,
                       int64_t ts)
{
    if (r->pad_pending && n > 0) {
        uint8_t pad = p[0];
        r->pad_pending = false;
        r->content_left = r->f.length - 1 >= pad ? r->f.length - 1 - pad : 0;
        p++, n--;
    }
    size_t take = n < r->content_left ? n : r->content_left;
    if (take > 0)
        r->cb.data(r->cb.ctx, &r->f, p, take, false, ts);
    r->content_left -= (uint32_t)take;
}

static bool keep_payload(struct h2_reader *r, const uint8_t *p, size_t n)
{
    if (r->f.length > r->max_buffered || r->damaged || p == NULL)
        return true; /* counted, not kept (p NULL: only DATA is counted) */
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap < r->len + n)
            cap *= 2;
        uint8_t *b = realloc(r->buf, cap);
        if (b == NULL) {
            r->damaged = true; /* out of memory: as if lost */
            return false;
        }
        r->buf = b;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, p, n);
    r->len += n;
    return true;
}

/* Bytes of the current frame's payload; returns how many were used. */
static size_t payload(struct h2_reader *r, const uint8_t *p, size_t n,
                      int64_t ts)
{
    size_t take = n < r->left ? n : r->left;
    if (r->f.type == H2_DATA)
        data_bytes(r, p, take, ts);
    else
        keep_payload(r, p, take);
    r->left -= (uint32_t)take;
    if (r->left == 0)
        end_frame(r, ts);
    return take;
}

/* --- finding frames again ---------------------------------------------- */

static bool plausible_at(const struct h2_reader *r, const uint8_t *p,
                         struct h2_frame *f)
{
    *f = h2_frame_header(p);
    if (!h2_frame_plausible(f, r->max_frame, r->from_client))
        return false;
    /* DATA and RST_STREAM only name streams the connection knows. */
    if ((f->type == H2_DATA || f->type == H2_RST_STREAM) &&
        r->cb.known_stream != NULL &&
        !r->cb.known_stream(r->cb.ctx, f->stream))
        return false;
    return true;
}

static void feed(struct h2_reader *r, const uint8_t *p, size_t n, int64_t ts);

/* Looks through the held bytes; feeds them from a frame found, or keeps
 * what could still hold the start of one. */
static void scan(struct h2_reader *r, bool at_end, int64_t ts)
{
    size_t i = 0;
    for (; i + H2_FRAME_HEADER <= r->scan_len; i++) {
        struct h2_frame f, g;
        if (!plausible_at(r, r->scan + i, &f))
            continue;
        size_t next = i + H2_FRAME_HEADER + f.length;
        if (next + H2_FRAME_HEADER <= r->scan_len) {
            if (!plausible_at(r, r->scan + next, &g))
                continue; /* its successor is not a frame: not one */
        } else if (!at_end && r->scan_len < SCAN_HOLD) {
            break; /* wait for the bytes that tell */
        }
        r->lost_sync = false;
        r->skipped += i;
        r->cb.resync(r->cb.ctx, r->skipped, ts);
        r->skipped = 0;
        uint8_t *held = r->scan;
        size_t len = r->scan_len;
        r->scan = NULL;
        r->scan_len = 0;
        if (r->depth < MAX_DEPTH) {
            r->depth++;
            feed(r, held + i, len - i, ts);
            r->depth--;
        }
        free(held);
        return;
    }
    /* Nothing yet: drop what cannot start a frame. */
    size_t keep_from = i;
    if (r->scan_len - keep_from > SCAN_HOLD)
        keep_from = r->scan_len - SCAN_HOLD;
    r->skipped += keep_from;
    memmove(r->scan, r->scan + keep_from, r->scan_len - keep_from);
    r->scan_len -= keep_from;
}

static void hold(struct h2_reader *r, const uint8_t *p, size_t n, int64_t ts)
{
    while (n > 0) {
        if (r->scan == NULL && (r->scan = malloc(2 * SCAN_HOLD)) == NULL) {
            r->skipped += n;
            return;
        }
        size_t room = 2 * SCAN_HOLD - r->scan_len;
        size_t take = n < room ? n : room;
        memcpy(r->scan + r->scan_len, p, take);
        r->scan_len += take;
        p += take, n -= take;
        scan(r, false, ts);
        if (!r->lost_sync) {
            if (n > 0)
                feed(r, p, n, ts);
            return;
        }
    }
}

/* --- bytes in ---------------------------------------------------------- */

static void feed(struct h2_reader *r, const uint8_t *p, size_t n, int64_t ts)
{
    while (n > 0) {
        if (r->lost_sync)
            return hold(r, p, n, ts);
        if (r->preface_left > 0) {
            size_t take = n < r->preface_left ? n : r->preface_left;
            r->preface_left -= (uint32_t)take;
            p += take, n -= take;
            continue;
        }
        if (r->in_payload) {
            size_t used = payload(r, p, n, ts);
            p += used, n -= used;
            continue;
        }
        size_t take = H2_FRAME_HEADER - r->hdr_have;
        if (take > n)
            take = n;
        memcpy(r->hdr + r->hdr_have, p, take);
        r->hdr_have += take;
        p += take, n -= take;
        if (r->hdr_have == H2_FRAME_HEADER) {
            start_frame(r);
            if (r->left == 0)
                end_frame(r, ts);
        }
    }
}

void h2_reader_feed(struct h2_reader *r, const uint8_t *p, size_t n,
                    int64_t ts)
{
    feed(r, p, n, ts);
}

uint64_t h2_reader_countable(const struct h2_reader *r)
{
    return !r->lost_sync && r->preface_left == 0 && r->in_payload &&
                   r->f.type == H2_DATA && !r->pad_pending
               ? r->content_left
               : 0;
}

void h2_reader_count(struct h2_reader *r, uint64_t n, int64_t ts)
{
    if (n > h2_reader_countable(r))
        return; /* the caller asked first: cannot happen */
    payload(r, NULL, (size_t)n, ts);
}

void h2_reader_gap(struct h2_reader *r, uint64_t n, int64_t ts)
{
    if (r->lost_sync) {
        /* The held bytes cannot chain across a gap. */
        r->skipped += r->scan_len;
        r->scan_len = 0;
        return;
    }
    if (r->preface_left > 0) {
        uint64_t take = n < r->preface_left ? n : r->preface_left;
        r->preface_left -= (uint32_t)take;
        n -= take;
        if (n == 0)
            return;
    }
    if (r->in_payload && n <= r->left) {
        /* Inside one payload: the next frame is where the length says. */
        if (r->f.type == H2_DATA) {
            uint64_t lost = n;
            if (r->pad_pending) {
                r->pad_pending = false; /* unknown padding: assume none */
                r->content_left = r->f.length - 1;
                lost--;
            }
            uint64_t c = lost < r->content_left ? lost : r->content_left;
            r->content_left -= (uint32_t)c;
            if (c > 0)
                r->cb.lost(r->cb.ctx, &r->f, c, ts);
        } else {
            r->damaged = true;
        }
        r->left -= (uint32_t)n;
        if (r->left == 0)
            end_frame(r, ts);
        return;
    }
    /* The gap runs over a frame header: the boundary is lost. */
    if (r->in_payload) {
        if (r->f.type == H2_DATA && r->content_left > 0)
            r->cb.lost(r->cb.ctx, &r->f, r->content_left, ts);
        r->content_left = 0;
        r->damaged = true;
        r->left = 0;
        end_frame(r, ts);
    }
    r->hdr_have = 0;
    r->lost_sync = true;
    r->skipped = 0;
}

const char *h2_type_name(uint8_t type)
{
    static const char *const names[] = {
        "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
        "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION",
    };
    return type <= H2_CONTINUATION ? names[type] : "unknown";
}

const char *sift_http2_error_name(uint32_t code)
{
    static const char *const names[] = {
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR",
        "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
    };
    return code < sizeof names / sizeof names[0] ? names[code] : "unknown";
}
