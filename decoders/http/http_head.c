/* SPDX-License-Identifier: MIT */
/* HTTP/1.x header blocks (RFC 9112 §2-§5). Real traffic is messy: bare LF
 * line ends, folded fields, status lines without a reason and lines that
 * are not fields at all are flagged and read, never refused. */
#include "http_head.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_tchar(uint8_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return true;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

int http_version_at(const uint8_t *p, size_t n)
{
    /* The name is case-sensitive (RFC 9112 §2.3), but servers that send
     * "http/1.1" are still answered by their clients. */
    if (n < 8 || strncasecmp((const char *)p, "HTTP/", 5) != 0 || p[6] != '.' ||
        p[5] < '0' || p[5] > '9' || p[7] < '0' || p[7] > '9')
        return -1;
    return (p[5] - '0') * 10 + (p[7] - '0');
}

/* Methods are tokens (RFC 9110 §9.1); a start-line finder on arbitrary
 * bytes also wants them short and starting with a letter. */
static size_t method_length(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && i < 32 && is_tchar(p[i]))
        i++;
    if (i == 0 || i >= 32 || !((p[0] >= 'A' && p[0] <= 'Z') ||
                               (p[0] >= 'a' && p[0] <= 'z')))
        return 0;
    return i;
}

bool http_is_request_line(const uint8_t *p, size_t n, bool allow_http09)
{
    size_t m = method_length(p, n);
    if (m == 0 || m + 2 > n || p[m] != ' ' || p[m + 1] == ' ')
        return false;
    /* The version is the last word: HTTP/x.y */
    size_t end = n;
    while (end > m && is_ws(p[end - 1]))
        end--;
    if (end >= m + 10 && p[end - 9] == ' ' &&
        http_version_at(p + end - 8, 8) >= 0)
        return true;
    /* "GET HTTP/1.1": a request without its target (flagged later). */
    if (end == m + 9 && http_version_at(p + m + 1, 8) >= 0)
        return true;
    /* HTTP/0.9: "GET target", nothing more (RFC 1945 §4.1). */
    if (!allow_http09 || m != 3 || memcmp(p, "GET", 3) != 0)
        return false;
    for (size_t i = m + 1; i < end; i++)
        if (p[i] <= ' ' || p[i] >= 0x7f)
            return false;
    return end > m + 1;
}

bool http_is_status_line(const uint8_t *p, size_t n)
{
    if (http_version_at(p, n) < 0 || n < 12 || p[8] != ' ')
        return false;
    for (size_t i = 9; i < 12; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return n == 12 || p[12] == ' ' || p[12] == '\r' || p[12] == '\t';
}

bool http_name_is(const char *name, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((uint8_t)name[i]) != (uint8_t)lit[i])
            return false;
    return true;
}

bool http_list_has(const char *value, size_t len, const char *token)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (is_ws((uint8_t)value[i]) || value[i] == ','))
            i++;
        size_t start = i;
        while (i < len && value[i] != ',' && value[i] != ';')
            i++;
        size_t end = i;
        while (end > start && is_ws((uint8_t)value[end - 1]))
            end--;
        if (end > start && http_name_is(value + start, end - start, token))
            return true;
        while (i < len && value[i] != ',')
            i++;
    }
    return false;
}

const struct sift_http_header *http_field(const struct sift_http_header *f,
                                          size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (http_name_is(f[i].name, f[i].name_len, name))
            return &f[i];
    return NULL;
}

/* The next line of buf from *at, without its line end; flags a bare LF.
 * A last line without any line end is returned as it is. */
static bool next_line(const uint8_t *buf, size_t len, size_t *at,
                      const uint8_t **line, size_t *n, uint32_t *flags)
{
    if (*at >= len)
        return false;
    const uint8_t *p = buf + *at;
    const uint8_t *lf = memchr(p, '\n', len - *at);
    size_t span = lf != NULL ? (size_t)(lf - p) : len - *at;
    *at += lf != NULL ? span + 1 : span;
    if (span > 0 && p[span - 1] == '\r')
        span--;
    else if (lf != NULL)
        *flags |= SIFT_HTTP_BARE_LF;
    *line = p;
    *n = span;
    return true;
}

/* Copies n bytes into the store; returns where they went. */
static const char *keep(struct http_head *h, size_t *used, const uint8_t *p,
                        size_t n)
{
    char *dst = h->store + *used;
    if (n > 0)
        memcpy(dst, p, n);
    *used += n;
    return dst;
}

static bool parse_request_line(struct http_head *h, size_t *used,
                               const uint8_t *p, size_t n)
{
    if (!http_is_request_line(p, n, true))
        return false;
    size_t m = method_length(p, n);
    size_t end = n;
    while (end > m && is_ws(p[end - 1]))
        end--;
    h->method = keep(h, used, p, m);
    h->method_len = m;
    size_t t0 = m + 1, t1 = end;
    if (end == m + 9 && http_version_at(p + m + 1, 8) >= 0) {
        h->version = http_version_at(p + m + 1, 8);
        h->flags |= SIFT_HTTP_BAD_HEADER; /* no request target */
        h->target = keep(h, used, p, 0);
        h->target_len = 0;
        return true;
    }
    if (end >= m + 10 && p[end - 9] == ' ' &&
        http_version_at(p + end - 8, 8) >= 0) {
        h->version = http_version_at(p + end - 8, 8);
        t1 = end - 9;
    } else {
        h->version = 9;
        h->flags |= SIFT_HTTP_HTTP09;
    }
    h->target = keep(h, used, p + t0, t1 > t0 ? t1 - t0 : 0);
    h->target_len = t1 > t0 ? t1 - t0 : 0;
    return true;
}

static bool parse_status_line(struct http_head *h, size_t *used,
                              const uint8_t *p, size_t n)
{
    if (!http_is_status_line(p, n))
        return false;
    h->version = http_version_at(p, n);
    h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    if (n == 12 || p[12] != ' ')
        h->flags |= SIFT_HTTP_NO_REASON;
    size_t r = n > 13 ? 13 : n;
    h->reason = keep(h, used, p + r, n - r);
    h->reason_len = n - r;
    return true;
}

static void trim(const uint8_t **p, size_t *n)
{
    while (*n > 0 && is_ws((*p)[0])) {
        (*p)++;
        (*n)--;
    }
    while (*n > 0 && is_ws((*p)[*n - 1]))
        (*n)--;
}

/* obs-fold (RFC 9112 §5.2): the continuation joins the previous value
 * with one space. The previous value is the last thing in the store. */
static void fold_into_last(struct http_head *h, size_t *used,
                           const uint8_t *p, size_t n)
{
    trim(&p, &n);
    struct sift_http_header *last = &h->fields[h->field_count - 1];
    if (n == 0)
        return;
    if (last->value_len > 0) {
        h->store[(*used)++] = ' ';
        last->value_len++;
    }
    keep(h, used, p, n);
    last->value_len += n;
}

static void add_field(struct http_head *h, size_t *used, const uint8_t *p,
                      size_t n, uint32_t max_fields)
{
    const uint8_t *colon = memchr(p, ':', n);
    size_t name_len = colon != NULL ? (size_t)(colon - p) : 0;
    bool ok = name_len > 0;
    for (size_t i = 0; ok && i < name_len; i++)
        ok = is_tchar(p[i]);
    if (!ok) {
        /* Not name ":" value, or whitespace before the colon (§5.1):
         * flagged; a name with trailing blanks is still kept. */
        h->flags |= SIFT_HTTP_BAD_HEADER;
        while (name_len > 0 && is_ws(p[name_len - 1]))
            name_len--;
        if (colon == NULL || name_len == 0)
            return;
    }
    if (h->field_count >= max_fields) {
        h->flags |= SIFT_HTTP_HEADER_LIMIT;
        return;
    }
    struct sift_http_header *f = &h->fields[h->field_count++];
    f->name = keep(h, used, p, name_len);
    f->name_len = name_len;
    const uint8_t *v = colon + 1;
    size_t vn = n - (size_t)(v - p);
    trim(&v, &vn);
    f->value = keep(h, used, v, vn);
    f->value_len = vn;
}

bool http_head_parse(const uint8_t *buf, size_t len, bool request,
                     bool fields_only, uint32_t max_fields,
                     struct http_head *out)
{
    memset(out, 0, sizeof *out);
    out->request = request;
    /* Every string is a copy of input bytes plus one space per fold, and a
     * fold consumes at least a line end: the input length is enough. */
    out->store = malloc(len + 1);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    size_t cap = lines < max_fields ? lines : max_fields;
    out->fields = calloc(cap + 1, sizeof *out->fields);
    if (out->store == NULL || out->fields == NULL) {
        out->flags |= SIFT_HTTP_HEADER_LIMIT;
        max_fields = 0;
    }
    size_t at = 0, used = 0, n;
    const uint8_t *line;
    if (!fields_only) {
        if (!next_line(buf, len, &at, &line, &n, &out->flags) ||
            out->store == NULL ||
            !(request ? parse_request_line(out, &used, line, n)
                      : parse_status_line(out, &used, line, n)))
            return false;
    }
    while (next_line(buf, len, &at, &line, &n, &out->flags)) {
        if (n == 0)
            break;
        if (is_ws(line[0]) && out->field_count > 0 &&
            !(out->flags & SIFT_HTTP_HEADER_LIMIT)) {
            out->flags |= SIFT_HTTP_OBS_FOLD;
            fold_into_last(out, &used, line, n);
        } else if (is_ws(line[0])) {
            out->flags |= SIFT_HTTP_BAD_HEADER;
        } else if (max_fields > 0) {
            add_field(out, &used, line, n, max_fields);
        }
    }
    return true;
}

void http_head_free(struct http_head *h)
{
    free(h->store);
    free(h->fields);
    h->store = NULL;
    h->fields = NULL;
    h->field_count = 0;
}
