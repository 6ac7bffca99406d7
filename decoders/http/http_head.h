/* SPDX-License-Identifier: MIT */
/* One HTTP/1.x header block (start line, fields, the empty line) parsed
 * from a complete buffer (RFC 9112 §2-§5), and the start-line tests the
 * stream parser uses to find message starts. */
#ifndef SIFT_HTTP_HEAD_H
#define SIFT_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/http.h"

struct http_head {
    bool request;
    const char *method, *target, *reason; /* into store */
    size_t method_len, target_len, reason_len;
    int status, version;
    struct sift_http_header *fields;
    size_t field_count;
    uint32_t flags;
    char *store; /* owns the strings above */
};

/* Parses lines (start line unless `fields_only`, then fields up to the
 * empty line or the end of buf). Returns false only when the start line
 * is not one of `request` (request line) or a status line. */
bool http_head_parse(const uint8_t *buf, size_t len, bool request,
                     bool fields_only, uint32_t max_fields,
                     struct http_head *out);
void http_head_free(struct http_head *h);

/* Start-line tests on one line without its line end. */
bool http_is_request_line(const uint8_t *p, size_t n, bool allow_http09);
bool http_is_status_line(const uint8_t *p, size_t n);

/* "HTTP/d.d" at p: 10 * major + minor, or -1. */
int http_version_at(const uint8_t *p, size_t n);

/* Case-insensitive comparisons of a field name or token. */
bool http_name_is(const char *name, size_t len, const char *lit);
/* Does the comma-separated list contain this token (case-insensitive)? */
bool http_list_has(const char *value, size_t len, const char *token);

/* The first field named `name`, or NULL. */
const struct sift_http_header *http_field(const struct sift_http_header *f,
                                          size_t n, const char *name);

#endif
