/* SPDX-License-Identifier: MIT */
/* A message body after transfer decoding: counted, optionally kept, and
 * optionally content-decoded (gzip, x-gzip, deflate in its zlib and raw
 * forms; zstd and br when built with them), with every size capped. */
#ifndef SIFT_HTTP_BODY_H
#define SIFT_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_coding {
    HTTP_CODING_NONE = 0, HTTP_CODING_GZIP, HTTP_CODING_DEFLATE,
    HTTP_CODING_ZSTD, HTTP_CODING_BR, HTTP_CODING_UNKNOWN,
};

/* Kept bytes of every open body of one analyzer, against one budget. */
struct http_body_budget {
    uint64_t used, limit;
};

struct http_body_limits {
    bool keep, decode;
    uint64_t max_body, max_decoded;
    struct http_body_budget *budget;
};

struct http_body {
    struct http_body_limits lim;
    enum http_coding coding;
    uint64_t bytes;          /* after transfer decoding */
    uint64_t decoded;        /* after content decoding */
    uint8_t *kept;           /* decoded bytes when decoding, else raw */
    size_t kept_len, kept_cap;
    uint8_t *raw;            /* the encoded bytes, kept while decoding in
                                case the coding turns out to be broken */
    size_t raw_len, raw_cap;
    void *decoder;           /* zlib / zstd / brotli state */
    bool decoding, failed, capped, cut, done_decoding;
    uint32_t flags;          /* enum sift_http_flag */
};

/* The coding named by a Content-Encoding value (RFC 9110 §8.4). Several
 * codings, or one not decoded here, give HTTP_CODING_UNKNOWN. */
enum http_coding http_coding_of(const char *value, size_t len);

void http_body_start(struct http_body *b, const struct http_body_limits *l,
                     enum http_coding coding);
/* p NULL: n bytes counted only (the body is neither kept nor decoded). */
void http_body_data(struct http_body *b, const uint8_t *p, size_t n);
/* Bytes missing from the capture: decoding cannot go on past them. */
void http_body_gap(struct http_body *b, uint64_t n);
/* The body ended; the decoder is released. */
void http_body_finish(struct http_body *b);
/* The body to show: decoded when decoding worked, else the raw bytes. */
const uint8_t *http_body_bytes(const struct http_body *b, size_t *len,
                               bool *decoded);
void http_body_free(struct http_body *b);

#endif
