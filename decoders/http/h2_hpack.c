/* SPDX-License-Identifier: MIT */
/* HPACK decoding through libnghttp2's inflater (nghttp2_hd_inflate_hd2),
 * one per direction, never per stream. Without a known dynamic table a
 * block is first rewritten so that it no longer touches the table (the
 * representations of RFC 7541 §6 are walked, only their integers and
 * string lengths read here): static references and literals stay,
 * incremental indexing becomes "without indexing", references to the
 * dynamic table are dropped and counted; a fresh inflater then decodes
 * the rest (Huffman strings included). */
#include "h2_hpack.h"

#include <nghttp2/nghttp2.h>
#include <stdlib.h>
#include <string.h>

#include "pcapsift/cursor.h"

#define STATIC_ENTRIES 61

bool h2_hpack_init(struct h2_hpack *h, uint64_t max_list)
{
    memset(h, 0, sizeof *h);
    h->table_max = 4096;
    h->max_list = max_list;
    return nghttp2_hd_inflate_new(&h->inf) == 0;
}

void h2_hpack_free(struct h2_hpack *h)
{
    if (h->inf != NULL)
        nghttp2_hd_inflate_del(h->inf);
    h->inf = NULL;
}

void h2_hpack_lost(struct h2_hpack *h)
{
    h->unknown = true;
}

void h2_hpack_table_size(struct h2_hpack *h, uint32_t size)
{
    h->table_max = size;
    if (h->inf != NULL && !h->unknown &&
        nghttp2_hd_inflate_change_table_size(h->inf, size) != 0)
        h->unknown = true;
}

/* A fresh inflater at the current table size. */
static bool reset(struct h2_hpack *h)
{
    h2_hpack_free(h);
    if (nghttp2_hd_inflate_new(&h->inf) != 0) {
        h->inf = NULL;
        return false;
    }
    if (h->table_max != 4096)
        nghttp2_hd_inflate_change_table_size(h->inf, h->table_max);
    return true;
}

struct emit {
    h2_field_fn fn;
    void *ctx;
    uint64_t used, max;
    size_t lost;
    bool capped;
};

static void give(struct emit *e, const nghttp2_nv *nv)
{
    uint64_t size = (uint64_t)nv->namelen + nv->valuelen + 32;
    if (e->used + size > e->max) {
        e->capped = true;
        e->lost++;
        return;
    }
    e->used += size;
    e->fn(e->ctx, nv->name, nv->namelen, nv->value, nv->valuelen);
}

/* Runs a whole block through an inflater; false on a decoding error. */
static bool inflate(nghttp2_hd_inflater *inf, const uint8_t *p, size_t len,
                    struct emit *e)
{
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t n = nghttp2_hd_inflate_hd2(inf, &nv, &flags, p, len, 1);
        if (n < 0)
            return false;
        p += n;
        len -= (size_t)n;
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            give(e, &nv);
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inf);
            return true;
        }
        if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && len == 0) {
            nghttp2_hd_inflate_end_headers(inf); /* as nghttp2's example */
            return true;
        }
    }
}

/* --- without the dynamic table ----------------------------------------- */

/* RFC 7541 §5.1: an integer with an N-bit prefix (first byte given). */
static bool read_int(struct sift_cursor *c, uint8_t first, int prefix,
                     uint32_t *out)
{
    uint32_t max = (1u << prefix) - 1;
    uint64_t v = first & max;
    if (v < max) {
        *out = (uint32_t)v;
        return true;
    }
    for (int shift = 0; shift <= 28; shift += 7) {
        uint8_t b = sift_cursor_u8(c);
        if (!sift_cursor_ok(c))
            return false;
        v += (uint64_t)(b & 0x7f) << shift;
        if (v > UINT32_MAX)
            return false;
        if (!(b & 0x80)) {
            *out = (uint32_t)v;
            return true;
        }
    }
    return false; /* longer than any 32-bit value needs */
}

static size_t put_int(uint8_t *out, uint8_t pattern, int prefix, uint32_t v)
{
    uint32_t max = (1u << prefix) - 1;
    if (v < max) {
        out[0] = (uint8_t)(pattern | v);
        return 1;
    }
    size_t n = 0;
    out[n++] = (uint8_t)(pattern | max);
    v -= max;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(0x80 | (v & 0x7f));
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* A string literal (§5.2); its bytes as they are, Huffman bit included. */
static bool skip_string(struct sift_cursor *c)
{
    uint8_t first = sift_cursor_u8(c);
    uint32_t len;
    return sift_cursor_ok(c) && read_int(c, first, 7, &len) &&
           sift_cursor_skip(c, len);
}

struct rewrite {
    const uint8_t *blk;
    uint8_t *out;
    size_t n;
    size_t lost;
    bool emptied; /* a size update to 0 came first: the table is known */
};

static void copy(struct rewrite *w, uint64_t from, uint64_t to)
{
    memcpy(w->out + w->n, w->blk + from, (size_t)(to - from));
    w->n += (size_t)(to - from);
}

/* One literal (§6.2): name index with a `prefix`-bit prefix, then the
 * name string when the index is 0, then the value. Rewritten "without
 * indexing" unless its name is in the dynamic table. */
static bool literal(struct sift_cursor *c, struct rewrite *w, uint8_t first,
                    int prefix)
{
    uint32_t idx;
    if (!read_int(c, first, prefix, &idx))
        return false;
    uint64_t names_at = sift_cursor_offset(c);
    if (idx == 0 && !skip_string(c))
        return false;
    if (!skip_string(c))
        return false;
    if (idx > STATIC_ENTRIES) {
        w->lost++;
        return true;
    }
    w->n += put_int(w->out + w->n, 0x00, 4, idx);
    copy(w, names_at, sift_cursor_offset(c));
    return true;
}

static bool rewrite_block(const uint8_t *blk, size_t len, struct rewrite *w)
{
    struct sift_cursor c = sift_cursor_make(blk, len, 0);
    bool first_rep = true;
    while (sift_cursor_left(&c) > 0) {
        uint64_t at = sift_cursor_offset(&c);
        uint8_t b = sift_cursor_u8(&c);
        uint32_t v;
        if (b & 0x80) { /* indexed field */
            if (!read_int(&c, b, 7, &v) || v == 0)
                return false;
            if (v <= STATIC_ENTRIES)
                copy(w, at, sift_cursor_offset(&c));
            else
                w->lost++;
        } else if ((b & 0xc0) == 0x40) { /* incremental indexing */
            if (!literal(&c, w, b, 6))
                return false;
        } else if ((b & 0xe0) == 0x20) { /* dynamic table size update */
            if (!read_int(&c, b, 5, &v))
                return false;
            if (v == 0 && first_rep)
                w->emptied = true;
        } else if (!literal(&c, w, b, 4)) { /* without / never indexed */
            return false;
        }
        first_rep = false;
    }
    return true;
}

static enum h2_hpack_result decode_unknown(struct h2_hpack *h,
                                           const uint8_t *blk, size_t len,
                                           struct emit *e)
{
    uint8_t *out = malloc(2 * len + 16);
    if (out == NULL)
        return H2_HPACK_FAILED;
    struct rewrite w = {blk, out, 0, 0, false};
    enum h2_hpack_result r = H2_HPACK_FAILED;
    if (rewrite_block(blk, len, &w)) {
        if (w.emptied && reset(h)) {
            /* The encoder emptied its table: from here it is known. */
            h->unknown = false;
            r = inflate(h->inf, blk, len, e) ? H2_HPACK_OK
                                             : (h->unknown = true,
                                                H2_HPACK_FAILED);
        } else {
            nghttp2_hd_inflater *tmp;
            if (nghttp2_hd_inflate_new(&tmp) == 0) {
                bool ok = inflate(tmp, out, w.n, e);
                nghttp2_hd_inflate_del(tmp);
                e->lost += w.lost;
                r = !ok ? H2_HPACK_FAILED
                        : w.lost > 0 ? H2_HPACK_PARTIAL : H2_HPACK_OK;
            }
        }
    }
    free(out);
    return r;
}

enum h2_hpack_result h2_hpack_decode(struct h2_hpack *h, const uint8_t *blk,
                                     size_t len, h2_field_fn fn, void *ctx,
                                     size_t *lost, bool *capped)
{
    static const uint8_t empty[1];
    if (len == 0)
        blk = empty; /* never a NULL pointer to the inflater */
    struct emit e = {fn, ctx, 0, h->max_list, 0, false};
    enum h2_hpack_result r;
    if (h->unknown || h->inf == NULL) {
        r = decode_unknown(h, blk, len, &e);
    } else if (inflate(h->inf, blk, len, &e)) {
        r = H2_HPACK_OK;
    } else {
        /* Not valid with the table as known: from here it is unknown. */
        h->unknown = true;
        r = H2_HPACK_FAILED;
    }
    *lost = e.lost;
    *capped = e.capped;
    return r;
}
