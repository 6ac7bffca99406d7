/* SPDX-License-Identifier: MIT */
/* What the files of the HAR writer share: one entry's serialization
 * (har_entry.c), the text fields taken apart for it (har_fields.c: URL,
 * query string, cookies; har_multipart.c: form bodies) and a few JSON
 * helpers jsonw lacks (numbers with a fraction, text-or-base64). */
#ifndef SIFT_HAR_INTERNAL_H
#define SIFT_HAR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"
#include "pcapsift/http.h"

/* Room for decoded text (query strings, form fields), reused from entry to
 * entry; it grows to the longest field seen, at most a message's size. */
struct har_scratch {
    uint8_t *buf;
    size_t cap;
};

/* n bytes of room, or NULL when out of memory (callers then write the
 * text undecoded). */
uint8_t *har_scratch_get(struct har_scratch *s, size_t n);
void har_scratch_free(struct har_scratch *s);

/* One entry, from its opening brace up to, not including, its closing one
 * (the writer appends "_webSocketMessages" there). */
void har_entry_write(struct jsonw *w, const struct sift_http_transaction *t,
                     bool bodies, struct har_scratch *s);

/* The time that orders entries: the request's first byte, or the
 * response's when there is no request. */
int64_t har_entry_start(const struct sift_http_transaction *t);

/* JSON helpers over jsonw's state: a key and a value already formatted as
 * JSON text; a duration in ns as milliseconds; a time in ns as seconds
 * since the epoch; bytes as a string, base64 when not UTF-8 (then
 * encoding_key: "base64" follows; returns true). */
void har_json_raw(struct jsonw *w, const char *key, const char *text);
void har_json_ms(struct jsonw *w, const char *key, uint64_t ns);
void har_json_epoch(struct jsonw *w, const char *key, int64_t ns);
bool har_json_text(struct jsonw *w, const char *key, const uint8_t *p, size_t n,
                   const char *encoding_key);

/* A piece of a header value or body; p NULL when absent. */
struct har_view {
    const char *p;
    size_t n;
};

/* s[0..n) equals the ASCII literal lit in any case. */
bool har_ieq(const char *s, size_t n, const char *lit);

/* p[0..n) without leading and trailing spaces and tabs. */
struct har_view har_trimmed(const char *p, size_t n);

/* The first header named name (ASCII, any case), or NULL. */
const struct sift_http_header *har_header(const struct sift_http_message *m,
                                          const char *name);

/* True when the media type of a Content-Type value is type (any case). */
bool har_media_type_is(const char *v, size_t n, const char *type);

/* request.url: absolute, percent-encoded where the bytes are not URI
 * characters (RFC 3986 §2), so the string is always a valid URI. */
void har_write_url(struct jsonw *w, const char *key,
                   const struct sift_http_transaction *t);

/* The query of a request target as {name, value} objects, percent- and
 * '+'-decoded (WHATWG application/x-www-form-urlencoded parsing). */
void har_write_query(struct jsonw *w, const char *target, size_t len,
                     struct har_scratch *s);

/* name=value&... pairs, decoded, into the array open in w. */
void har_write_form_pairs(struct jsonw *w, const char *p, size_t n,
                          struct har_scratch *s);

/* request.cookies from every Cookie header (RFC 6265 §4.2). */
void har_write_cookies(struct jsonw *w, const struct sift_http_message *m);

/* response.cookies from every Set-Cookie header (RFC 6265 §5.2). */
void har_write_set_cookies(struct jsonw *w, const struct sift_http_message *m);

/* The parts of a multipart/form-data body (RFC 7578) as params objects
 * into the array open in w; ctype is the Content-Type value. */
void har_write_multipart(struct jsonw *w, const char *ctype, size_t ctype_len,
                         const uint8_t *body, size_t n);

#endif
