/* SPDX-License-Identifier: MIT */
/* TLS record framing for one direction of a TCP stream (RFC 5246 §6.2.1,
 * RFC 8446 §5.1): the 5-byte header (type, version, length), then the
 * body. Bodies are not copied when a delivery holds the whole record.
 * Capture gaps inside a body leave a damaged record with its present
 * pieces; gaps over a boundary lose the framing, which a scan window finds
 * again with the caller's help (trial decryption). */
#include "tls_record.h"

#include "tls_sslv2.h"

#include <stdlib.h>
#include <string.h>

#include "pcapsift/cursor.h"
#include "tls_crypto.h"

/* Room for one record of the largest size after a candidate's start. */
#define SCAN_WINDOW (2 * (5 + TLS_MAX_CIPHERTEXT))
/* A resync's tail is fed back in step at most this deep, so hostile bytes
 * that keep losing the framing cannot recurse far. */
#define MAX_DEPTH 4

bool tls_record_plausible(const uint8_t hdr[5])
{
    struct sift_cursor c = sift_cursor_make(hdr, 5, 0);
    uint8_t type = sift_cursor_u8(&c);
    uint16_t version = sift_cursor_be16(&c);
    uint16_t len = sift_cursor_be16(&c);
    if (type < TLS_CT_CHANGE_CIPHER_SPEC || type > TLS_CT_HEARTBEAT)
        return false;
    if ((version >> 8) != 3 || (version & 0xff) > 4)
        return false;
    /* A ChangeCipherSpec is one byte, or (a TLS 1.2 renegotiation under
     * the old keys) one byte protected: IV, MAC and padding at most. */
    if (type == TLS_CT_CHANGE_CIPHER_SPEC && len > 1 + 16 + 48 + 256)
        return false;
    return len > 0 && len <= TLS_MAX_CIPHERTEXT;
}

int tls_record_looks_like_tls(const uint8_t *p, size_t n, bool from_client)
{
    if (from_client && n < 6 && tls_sslv2_is_hello(p, n) != 0)
        return tls_sslv2_is_hello(p, n); /* 1, or -1: too few to tell */
    if (n < 6)
        return n > 0 && p[0] != TLS_CT_HANDSHAKE &&
                       p[0] != TLS_CT_APPLICATION_DATA &&
                       p[0] != TLS_CT_ALERT
                   ? 0
                   : -1;
    if (from_client && tls_sslv2_is_hello(p, n) == 1)
        return 1; /* an SSLv2-format ClientHello (RFC 5246 §E.2) */
    if (!tls_record_plausible(p))
        return 0;
    /* A connection's first record is its hello, or (caught mid-stream)
     * application data or an alert. */
    if (p[0] == TLS_CT_HANDSHAKE)
        return p[5] == (from_client ? 1 : 2) ? 1 : 0;
    return p[0] == TLS_CT_APPLICATION_DATA || p[0] == TLS_CT_ALERT ? 1 : 0;
}

void tls_record_init(struct tls_record_reader *r)
{
    memset(r, 0, sizeof *r);
}

void tls_record_free(struct tls_record_reader *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

static bool reserve(struct tls_record_reader *r, size_t n)
{
    if (n <= r->cap)
        return true;
    uint8_t *b = realloc(r->buf, n);
    if (b == NULL)
        return false;
    r->buf = b;
    r->cap = n;
    return true;
}

static uint32_t body_len(const uint8_t hdr[5])
{
    return (uint32_t)hdr[3] << 8 | hdr[4];
}

/* The framing is gone: the next bytes go to the scan window. */
static void lose(struct tls_record_reader *r, uint64_t skipped)
{
    r->lost = true;
    r->hlen = 0;
    r->npieces = 0;
    r->damaged = r->too_damaged = false;
    r->scan_len = 0;
    r->skipped = skipped;
}

static void deliver(struct tls_record_reader *r, int64_t ts,
                    const struct tls_record_cb *cb)
{
    if (r->discarding)
        cb->discarded(cb->ctx, r->hdr, r->tail, r->tail_len, r->blen,
                      r->missing, ts);
    else if (!r->damaged)
        cb->record(cb->ctx, r->hdr, r->buf, r->blen, ts);
    else
        cb->damaged(cb->ctx, r->hdr, r->buf, r->blen, r->pieces,
                    r->too_damaged ? 0 : r->npieces, ts);
    r->version_hint = (uint16_t)(r->hdr[1] << 8 | r->hdr[2]);
    r->hlen = 0;
    r->npieces = 0;
    r->damaged = r->too_damaged = false;
    r->discarding = false;
    r->skipped = 0;
}

/* The body in progress lost bytes: from now on its pieces are kept. */
static void mark_damaged(struct tls_record_reader *r)
{
    if (r->damaged)
        return;
    r->damaged = true;
    r->npieces = 0;
    if (r->have > 0)
        r->pieces[r->npieces++] = (struct tls_piece){0, r->have};
}

/* Body bytes of a record in step; a damaged body grows its last piece. */
static void keep_tail(struct tls_record_reader *r, const uint8_t *p, size_t k)
{
    if (k >= TLS_RECORD_TAIL) {
        memcpy(r->tail, p + k - TLS_RECORD_TAIL, TLS_RECORD_TAIL);
        r->tail_len = TLS_RECORD_TAIL;
        return;
    }
    size_t keep = r->tail_len + k > TLS_RECORD_TAIL ? TLS_RECORD_TAIL - k
                                                    : r->tail_len;
    memmove(r->tail, r->tail + r->tail_len - keep, keep);
    memcpy(r->tail + keep, p, k);
    r->tail_len = (uint8_t)(keep + k);
}

static void body_bytes(struct tls_record_reader *r, const uint8_t *p,
                       size_t k)
{
    if (r->discarding) {
        keep_tail(r, p, k);
        r->have += (uint32_t)k;
        return;
    }
    memcpy(r->buf + r->have, p, k);
    if (r->damaged) {
        struct tls_piece *last = r->npieces ? &r->pieces[r->npieces - 1]
                                            : NULL;
        if (last != NULL && last->to == r->have)
            last->to += (uint32_t)k;
        else if (r->npieces < TLS_MAX_PIECES)
            r->pieces[r->npieces++] = (struct tls_piece){
                r->have, r->have + (uint32_t)k};
        else
            r->too_damaged = true;
    }
    r->have += (uint32_t)k;
}

static void scan(struct tls_record_reader *r, int64_t ts,
                 const struct tls_record_cb *cb, int depth, bool at_end);
static void feed(struct tls_record_reader *r, const uint8_t *p, size_t n,
                 int64_t ts, const struct tls_record_cb *cb, int depth);

/* Header bytes; a header that cannot start a record loses the framing. */
static size_t header_bytes(struct tls_record_reader *r, const uint8_t *p,
                           size_t n)
{
    size_t want = 5u - r->hlen;
    size_t k = want < n ? want : n;
    memcpy(r->hdr + r->hlen, p, k);
    r->hlen = (uint8_t)(r->hlen + k);
    if (r->hlen < 5)
        return k;
    if (!tls_record_plausible(r->hdr) || !reserve(r, body_len(r->hdr))) {
        /* Scan again from the second header byte. */
        uint8_t hdr[5];
        memcpy(hdr, r->hdr, 5);
        lose(r, r->skipped + 1);
        if (reserve(r, SCAN_WINDOW)) {
            memcpy(r->buf, hdr + 1, 4);
            r->scan_len = 4;
        }
        return k;
    }
    r->blen = body_len(r->hdr);
    r->have = 0;
    return k;
}

static void feed(struct tls_record_reader *r, const uint8_t *p, size_t n,
                 int64_t ts, const struct tls_record_cb *cb, int depth)
{
    while (n > 0) {
        if (r->lost) {
            if (!reserve(r, SCAN_WINDOW))
                return;
            size_t k = SCAN_WINDOW - r->scan_len < n ? SCAN_WINDOW - r->scan_len
                                                     : n;
            memcpy(r->buf + r->scan_len, p, k);
            r->scan_len += k;
            p += k;
            n -= k;
            scan(r, ts, cb, depth, false);
            continue;
        }
        if (r->hlen == 0 && n >= 5 && tls_record_plausible(p) &&
            n - 5 >= body_len(p)) {
            uint32_t len = body_len(p); /* whole in this delivery */
            cb->record(cb->ctx, p, p + 5, len, ts);
            r->version_hint = (uint16_t)(p[1] << 8 | p[2]);
            r->skipped = 0;
            p += 5 + len;
            n -= 5 + len;
            continue;
        }
        if (r->hlen < 5) {
            size_t k = header_bytes(r, p, n);
            p += k;
            n -= k;
            if (r->hlen == 5 && !r->lost && r->blen == 0)
                deliver(r, ts, cb);
            else if (r->hlen == 5 && !r->lost && cb->discard != NULL &&
                     n < r->blen && cb->discard(cb->ctx, r->hdr)) {
                r->discarding = true;
                r->tail_len = 0;
                r->missing = 0;
            }
            continue;
        }
        size_t k = r->blen - r->have < n ? r->blen - r->have : n;
        body_bytes(r, p, k);
        p += k;
        n -= k;
        if (r->have == r->blen)
            deliver(r, ts, cb);
    }
}

/* Asks the caller about the candidate at i; 1 taken, 0 not, -1 wait. */
static int try_candidate(struct tls_record_reader *r, size_t i, int64_t ts,
                         const struct tls_record_cb *cb, bool at_end)
{
    const uint8_t *h = r->buf + i;
    size_t len = body_len(h);
    size_t end = i + 5 + len;
    if (end > r->scan_len)
        return at_end ? 0 : -1;
    /* The framing's own evidence: the next header is plausible too. */
    int chain = end + 5 <= r->scan_len ? tls_record_plausible(r->buf + end)
                : at_end                ? 1
                                        : -1;
    int got = cb->candidate(cb->ctx, h, h + 5, len, r->skipped + i, chain, ts);
    if (got == -1 && chain == -1)
        return -1;
    return got == 1 ? 1 : 0;
}

static void scan(struct tls_record_reader *r, int64_t ts,
                 const struct tls_record_cb *cb, int depth, bool at_end)
{
    size_t i = 0;
    for (; i + 5 <= r->scan_len; i++) {
        const uint8_t *h = r->buf + i;
        uint16_t v = (uint16_t)(h[1] << 8 | h[2]);
        if (!tls_record_plausible(h) ||
            (r->version_hint != 0 && v != r->version_hint))
            continue;
        int got = try_candidate(r, i, ts, cb, at_end);
        if (got < 0)
            break; /* wait for the rest of this candidate */
        if (got == 0)
            continue;
        /* In step again after the candidate; its tail is fed on. */
        r->version_hint = v;
        size_t end = i + 5 + body_len(h);
        size_t tail = r->scan_len - end;
        uint8_t *rest = tail > 0 ? malloc(tail) : NULL;
        if (rest != NULL)
            memcpy(rest, r->buf + end, tail);
        r->lost = false;
        r->scan_len = 0;
        r->skipped = rest == NULL ? tail : 0;
        if (rest != NULL && depth < MAX_DEPTH)
            feed(r, rest, tail, ts, cb, depth + 1);
        else if (rest != NULL)
            lose(r, tail); /* too deep: those bytes are given up */
        free(rest);
        return;
    }
    /* Nothing before i can start a record. */
    r->skipped += i;
    memmove(r->buf, r->buf + i, r->scan_len - i);
    r->scan_len -= i;
}

void tls_record_feed(struct tls_record_reader *r, const uint8_t *p, size_t n,
                     int64_t ts, const struct tls_record_cb *cb)
{
    r->bytes += n;
    feed(r, p, n, ts, cb, 0);
}

void tls_record_gap(struct tls_record_reader *r, uint64_t n, int64_t ts,
                    const struct tls_record_cb *cb)
{
    r->bytes += n;
    if (n == 0)
        return;
    if (r->lost) {
        /* The window's bytes are not followed by what came next. */
        r->skipped += r->scan_len + n;
        r->scan_len = 0;
        return;
    }
    if (r->hlen > 0 && r->hlen < 5) {
        lose(r, r->skipped + r->hlen + n);
        return;
    }
    if (r->hlen == 0) {
        lose(r, r->skipped + n);
        return;
    }
    /* Inside a body: a hole in this record. */
    uint64_t room = r->blen - r->have;
    uint64_t k = n < room ? n : room;
    if (r->discarding) { /* counted: the hole too */
        r->missing += (uint32_t)k;
        r->tail_len = 0; /* the tail is what comes after the hole */
    } else {
        mark_damaged(r);
        memset(r->buf + r->have, 0, (size_t)k);
    }
    r->have += (uint32_t)k;
    if (r->have < r->blen)
        return;
    deliver(r, ts, cb);
    if (n > room)
        lose(r, n - room);
}

void tls_record_end(struct tls_record_reader *r, int64_t ts,
                    const struct tls_record_cb *cb)
{
    if (r->lost && r->scan_len > 0)
        scan(r, ts, cb, 0, true);
    if (!r->lost && r->hlen == 5 && r->have < r->blen) {
        /* The stream stops inside a record: its beginning is salvaged. */
        if (r->discarding) {
            r->missing += r->blen - r->have;
            r->tail_len = 0;
        } else {
            mark_damaged(r);
            memset(r->buf + r->have, 0, r->blen - r->have);
        }
        r->have = r->blen;
        deliver(r, ts, cb);
    }
    r->hlen = 0;
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
    r->scan_len = 0;
}
