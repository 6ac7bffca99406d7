/* SPDX-License-Identifier: MIT */
/* Message bodies: kept within the per-message cap and the analyzer-wide
 * budget, and content-decoded with zlib (and zstd / brotli when built in).
 * A decompression bomb stops at max_decoded; a broken coding falls back to
 * the encoded bytes, flagged. */
#include "http_body.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http_head.h"
#include "pcapsift/http.h"

#ifdef SIFT_HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef SIFT_HAVE_BROTLI
#include <brotli/decode.h>
#endif

enum http_coding http_coding_of(const char *value, size_t len)
{
    enum http_coding found = HTTP_CODING_NONE;
    size_t i = 0;
    while (i < len) {
        while (i < len && (value[i] == ' ' || value[i] == '\t' ||
                           value[i] == ','))
            i++;
        size_t s = i;
        while (i < len && value[i] != ',' && value[i] != ';' &&
               value[i] != ' ' && value[i] != '\t')
            i++;
        size_t n = i - s;
        while (i < len && value[i] != ',')
            i++;
        if (n == 0 || http_name_is(value + s, n, "identity"))
            continue;
        enum http_coding c = HTTP_CODING_UNKNOWN;
        if (http_name_is(value + s, n, "gzip") ||
            http_name_is(value + s, n, "x-gzip"))
            c = HTTP_CODING_GZIP;
        else if (http_name_is(value + s, n, "deflate"))
            c = HTTP_CODING_DEFLATE;
        else if (http_name_is(value + s, n, "zstd"))
            c = HTTP_CODING_ZSTD;
        else if (http_name_is(value + s, n, "br"))
            c = HTTP_CODING_BR;
        /* Stacked codings are rare enough to show encoded. */
        found = found == HTTP_CODING_NONE ? c : HTTP_CODING_UNKNOWN;
    }
    return found;
}

static bool can_decode(enum http_coding c)
{
    switch (c) {
    case HTTP_CODING_GZIP:
    case HTTP_CODING_DEFLATE:
        return true;
#ifdef SIFT_HAVE_ZSTD
    case HTTP_CODING_ZSTD:
        return true;
#endif
#ifdef SIFT_HAVE_BROTLI
    case HTTP_CODING_BR:
        return true;
#endif
    default:
        return false;
    }
}

/* Appends to a kept buffer within the message cap and the budget;
 * returns false when something was cut. */
static bool append(struct http_body *b, uint8_t **buf, size_t *len,
                   size_t *cap, const uint8_t *p, size_t n)
{
    uint64_t room = b->lim.max_body > *len ? b->lim.max_body - *len : 0;
    struct http_body_budget *bg = b->lim.budget;
    if (bg != NULL)
        room = bg->limit > bg->used ? (room < bg->limit - bg->used
                                           ? room
                                           : bg->limit - bg->used)
                                    : 0;
    size_t take = n < room ? n : (size_t)room;
    if (take > 0 && *len + take > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        while (ncap < *len + take)
            ncap *= 2;
        uint8_t *nb = realloc(*buf, ncap);
        if (nb == NULL)
            return false;
        *buf = nb;
        *cap = ncap;
    }
    if (take > 0) {
        memcpy(*buf + *len, p, take);
        *len += take;
        if (bg != NULL)
            bg->used += take;
    }
    return take == n;
}

static void keep_decoded(struct http_body *b, const uint8_t *p, size_t n)
{
    uint64_t room = b->lim.max_decoded > b->decoded
                        ? b->lim.max_decoded - b->decoded
                        : 0;
    if (n > room) {
        n = (size_t)room;
        b->capped = true;
        b->flags |= SIFT_HTTP_DECODE_CAPPED;
    }
    b->decoded += n;
    if (b->lim.keep && !b->cut &&
        !append(b, &b->kept, &b->kept_len, &b->kept_cap, p, n)) {
        b->cut = true;
        b->flags |= SIFT_HTTP_BODY_CUT;
    }
}

/* --- zlib ------------------------------------------------------------- */

static bool zlib_start(struct http_body *b, int window_bits)
{
    z_stream *z = calloc(1, sizeof *z);
    if (z == NULL || inflateInit2(z, window_bits) != Z_OK) {
        free(z);
        return false;
    }
    b->decoder = z;
    return true;
}

/* deflate is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but servers
 * send raw deflate too: the first two bytes tell (RFC 1950 §2.2). */
static bool deflate_is_zlib(const uint8_t *p, size_t n)
{
    return n >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 &&
           ((unsigned)p[0] * 256u + p[1]) % 31u == 0;
}

static bool zlib_feed(struct http_body *b, const uint8_t *p, size_t n)
{
    z_stream *z = b->decoder;
    uint8_t out[16384];
    z->next_in = (Bytef *)(uintptr_t)p;
    z->avail_in = (uInt)n;
    /* Until the input is used up and inflate has no output left over. */
    bool full = false;
    while ((z->avail_in > 0 || full) && !b->capped && !b->done_decoding) {
        z->next_out = out;
        z->avail_out = sizeof out;
        int rc = inflate(z, Z_NO_FLUSH);
        full = z->avail_out == 0;
        keep_decoded(b, out, sizeof out - z->avail_out);
        if (rc == Z_STREAM_END) {
            /* gzip members may follow one another (RFC 1952 §2.2). */
            if (b->coding == HTTP_CODING_GZIP && z->avail_in > 0 &&
                z->next_in[0] == 0x1f) {
                inflateReset(z);
                continue;
            }
            b->done_decoding = true;
        } else if (rc == Z_BUF_ERROR && z->avail_out != 0) {
            break;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return false;
        }
    }
    return true;
}

/* --- zstd and brotli, when built in ----------------------------------- */

#ifdef SIFT_HAVE_ZSTD
static bool zstd_feed(struct http_body *b, const uint8_t *p, size_t n)
{
    uint8_t out[16384];
    ZSTD_inBuffer in = {p, n, 0};
    bool full = false;
    while ((in.pos < in.size || full) && !b->capped) {
        ZSTD_outBuffer o = {out, sizeof out, 0};
        size_t rc = ZSTD_decompressStream(b->decoder, &o, &in);
        if (ZSTD_isError(rc))
            return false;
        keep_decoded(b, out, o.pos);
        full = o.pos == o.size;
    }
    return true;
}
#endif

#ifdef SIFT_HAVE_BROTLI
static bool brotli_feed(struct http_body *b, const uint8_t *p, size_t n)
{
    uint8_t out[16384];
    size_t avail_in = n;
    const uint8_t *next_in = p;
    for (;;) {
        size_t avail_out = sizeof out;
        uint8_t *next_out = out;
        BrotliDecoderResult r = BrotliDecoderDecompressStream(
            b->decoder, &avail_in, &next_in, &avail_out, &next_out, NULL);
        keep_decoded(b, out, sizeof out - avail_out);
        if (r == BROTLI_DECODER_RESULT_ERROR)
            return false;
        if (r != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT || b->capped)
            return true;
    }
}
#endif

static bool decoder_start(struct http_body *b, const uint8_t *p, size_t n)
{
    switch (b->coding) {
    case HTTP_CODING_GZIP:
        return zlib_start(b, 15 + 16);
    case HTTP_CODING_DEFLATE:
        return zlib_start(b, deflate_is_zlib(p, n) ? 15 : -15);
#ifdef SIFT_HAVE_ZSTD
    case HTTP_CODING_ZSTD:
        b->decoder = ZSTD_createDStream();
        return b->decoder != NULL;
#endif
#ifdef SIFT_HAVE_BROTLI
    case HTTP_CODING_BR:
        b->decoder = BrotliDecoderCreateInstance(NULL, NULL, NULL);
        return b->decoder != NULL;
#endif
    default:
        return false;
    }
}

static bool decoder_feed(struct http_body *b, const uint8_t *p, size_t n)
{
    switch (b->coding) {
#ifdef SIFT_HAVE_ZSTD
    case HTTP_CODING_ZSTD:
        return zstd_feed(b, p, n);
#endif
#ifdef SIFT_HAVE_BROTLI
    case HTTP_CODING_BR:
        return brotli_feed(b, p, n);
#endif
    default:
        return zlib_feed(b, p, n);
    }
}

static void decoder_free(struct http_body *b)
{
    if (b->decoder == NULL)
        return;
    switch (b->coding) {
#ifdef SIFT_HAVE_ZSTD
    case HTTP_CODING_ZSTD:
        ZSTD_freeDStream(b->decoder);
        break;
#endif
#ifdef SIFT_HAVE_BROTLI
    case HTTP_CODING_BR:
        BrotliDecoderDestroyInstance(b->decoder);
        break;
#endif
    default:
        inflateEnd(b->decoder);
        free(b->decoder);
    }
    b->decoder = NULL;
}

/* --- the body --------------------------------------------------------- */

void http_body_start(struct http_body *b, const struct http_body_limits *l,
                     enum http_coding coding)
{
    memset(b, 0, sizeof *b);
    b->lim = *l;
    b->coding = coding;
    b->decoding = l->decode && can_decode(coding);
    if (coding != HTTP_CODING_NONE && !can_decode(coding))
        b->flags |= SIFT_HTTP_CODING_UNKNOWN;
}

static void decoding_failed(struct http_body *b)
{
    b->failed = true;
    b->decoding = false;
    b->flags |= SIFT_HTTP_DECODE_ERROR;
    decoder_free(b);
}

void http_body_data(struct http_body *b, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    b->bytes += n;
    if (p == NULL) /* counted only: nobody keeps or decodes this body */
        return;
    if (!b->decoding) {
        if (b->lim.keep && !b->cut &&
            !append(b, &b->kept, &b->kept_len, &b->kept_cap, p, n)) {
            b->cut = true;
            b->flags |= SIFT_HTTP_BODY_CUT;
        }
        return;
    }
    if (b->lim.keep)
        append(b, &b->raw, &b->raw_len, &b->raw_cap, p, n);
    if (b->decoder == NULL && !b->done_decoding && !decoder_start(b, p, n)) {
        decoding_failed(b);
        return;
    }
    if (!b->done_decoding && !b->capped && !decoder_feed(b, p, n))
        decoding_failed(b);
}

void http_body_gap(struct http_body *b, uint64_t n)
{
    (void)n;
    b->flags |= SIFT_HTTP_BODY_GAP;
    /* A hole in a compressed stream ends the decoding: what came before is
     * kept decoded; nothing after it can be decoded. */
    if (b->decoding)
        decoder_free(b), b->done_decoding = true;
}

void http_body_finish(struct http_body *b)
{
    if (b->decoding && b->decoder != NULL && !b->done_decoding &&
        !b->capped && b->coding != HTTP_CODING_ZSTD &&
        b->coding != HTTP_CODING_BR && b->bytes > 0) {
        /* zlib: the stream must have ended; a cut stream is flagged
         * unless bytes were missing anyway. */
        if (!(b->flags & SIFT_HTTP_BODY_GAP))
            b->flags |= SIFT_HTTP_DECODE_ERROR;
    }
    decoder_free(b);
    if (!b->decoding)
        b->decoded = b->bytes;
}

const uint8_t *http_body_bytes(const struct http_body *b, size_t *len,
                               bool *decoded)
{
    if (b->decoding && !b->failed) {
        *len = b->kept_len;
        *decoded = true;
        return b->kept;
    }
    *decoded = false;
    if (b->failed) {
        *len = b->raw_len;
        return b->raw;
    }
    *len = b->kept_len;
    return b->kept;
}

void http_body_free(struct http_body *b)
{
    decoder_free(b);
    struct http_body_budget *bg = b->lim.budget;
    if (bg != NULL) {
        uint64_t held = (uint64_t)b->kept_len + b->raw_len;
        bg->used = bg->used > held ? bg->used - held : 0;
    }
    free(b->kept);
    free(b->raw);
    b->kept = b->raw = NULL;
    b->kept_len = b->raw_len = 0;
}
