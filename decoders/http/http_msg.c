/* SPDX-License-Identifier: MIT */
/* Messages: their heads, and the body length rules of RFC 9112 §6.3.
 * Anomalies that let a request be read two ways (smuggling: CL with TE,
 * conflicting Content-Length values) are flagged; the reading chosen is
 * the one RFC 9112 prescribes, which is also what the peer most likely
 * did. */
#include "http_msg.h"

#include <string.h>

static bool method_is(const struct http_msg *m, const char *lit)
{
    return m != NULL && m->pub.method != NULL &&
           m->pub.method_len == strlen(lit) &&
           memcmp(m->pub.method, lit, m->pub.method_len) == 0;
}

void http_msg_start(struct http_msg *m, struct http_head *h,
                    uint64_t head_bytes, uint32_t stream_flags,
                    int64_t first_ns, const struct http_body_limits *lim)
{
    memset(m, 0, sizeof *m);
    m->head = *h;
    memset(h, 0, sizeof *h);
    struct sift_http_message *p = &m->pub;
    p->present = true;
    p->method = m->head.method;
    p->method_len = m->head.method_len;
    p->target = m->head.target;
    p->target_len = m->head.target_len;
    p->status = m->head.status;
    p->reason = m->head.reason;
    p->reason_len = m->head.reason_len;
    p->version = m->head.version;
    p->headers = m->head.fields;
    p->header_count = m->head.field_count;
    p->header_bytes = head_bytes;
    p->first_ns = p->last_ns = first_ns;
    p->flags = m->head.flags | stream_flags;
    m->started = true;
    char enc[256];
    size_t n = http_msg_joined(m, "content-encoding", enc, sizeof enc);
    http_body_start(&m->body, lim, http_coding_of(enc, n));
}

size_t http_msg_joined(const struct http_msg *m, const char *name, char *buf,
                       size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < m->pub.header_count; i++) {
        const struct sift_http_header *f = &m->pub.headers[i];
        if (!http_name_is(f->name, f->name_len, name))
            continue;
        if (len > 0 && len + 2 < cap) {
            memcpy(buf + len, ", ", 2);
            len += 2;
        }
        size_t take = f->value_len < cap - len ? f->value_len : cap - len;
        memcpy(buf + len, f->value, take);
        len += take;
    }
    return len;
}

/* Content-Length: every value of every field line (a list "5, 5" too)
 * must be the same decimal number (RFC 9110 §8.6, RFC 9112 §6.3 rule 5).
 * Returns false when there is none; flags duplicates, conflicts and
 * values that are not numbers. The first valid value is used. */
static bool content_length(struct http_msg *m, uint64_t *out)
{
    bool found = false;
    size_t seen = 0;
    for (size_t i = 0; i < m->pub.header_count; i++) {
        const struct sift_http_header *f = &m->pub.headers[i];
        if (!http_name_is(f->name, f->name_len, "content-length"))
            continue;
        size_t j = 0;
        while (j <= f->value_len) {
            uint64_t v = 0;
            size_t digits = 0;
            while (j < f->value_len && (f->value[j] == ' ' ||
                                        f->value[j] == '\t'))
                j++;
            /* Leading zeros do not count against the 19 digits. */
            while (j + 1 < f->value_len && f->value[j] == '0' &&
                   f->value[j + 1] >= '0' && f->value[j + 1] <= '9')
                j++;
            while (j < f->value_len && f->value[j] >= '0' &&
                   f->value[j] <= '9' && digits < 19) {
                v = v * 10 + (uint64_t)(f->value[j++] - '0');
                digits++;
            }
            while (j < f->value_len && (f->value[j] == ' ' ||
                                        f->value[j] == '\t'))
                j++;
            bool ok = digits > 0 && (j == f->value_len || f->value[j] == ',');
            if (!ok) {
                m->pub.flags |= SIFT_HTTP_CL_INVALID;
                break;
            }
            if (seen++ > 0)
                m->pub.flags |= v == *out ? SIFT_HTTP_CL_DUPLICATE
                                          : SIFT_HTTP_CL_CONFLICT;
            if (!found)
                *out = v;
            found = true;
            j++; /* past the comma, or past the end */
        }
    }
    return found;
}

/* Transfer-Encoding: is chunked the final coding (RFC 9112 §6.1)? */
static bool te_chunked_last(const struct sift_http_header *f)
{
    size_t end = f->value_len;
    while (end > 0 && (f->value[end - 1] == ' ' || f->value[end - 1] == '\t'
                       || f->value[end - 1] == ','))
        end--;
    size_t start = end;
    while (start > 0 && f->value[start - 1] != ',')
        start--;
    while (start < end && (f->value[start] == ' ' || f->value[start] == '\t'))
        start++;
    return http_name_is(f->value + start, end - start, "chunked");
}

/* The last Transfer-Encoding field line decides; NULL when there is none. */
static const struct sift_http_header *transfer_encoding(
    const struct http_msg *m)
{
    const struct sift_http_header *te = NULL;
    for (size_t i = 0; i < m->pub.header_count; i++)
        if (http_name_is(m->pub.headers[i].name, m->pub.headers[i].name_len,
                         "transfer-encoding"))
            te = &m->pub.headers[i];
    return te;
}

/* Rules 3-6: Transfer-Encoding, then Content-Length. Returns false when
 * neither says anything. */
static bool te_or_cl(struct http_msg *m, bool request,
                     struct http_framing *fr)
{
    const struct sift_http_header *te = transfer_encoding(m);
    uint64_t cl = 0;
    bool has_cl = content_length(m, &cl);
    if (te != NULL && m->pub.version >= 11) {
        if (has_cl)
            m->pub.flags |= SIFT_HTTP_TE_AND_CL;
        if (te_chunked_last(te)) {
            fr->kind = HTTP_BODY_CHUNKED;
        } else {
            /* A request cannot be framed (rule 4: 400 and close); a
             * response runs until the connection closes. */
            m->pub.flags |= SIFT_HTTP_TE_UNKNOWN;
            fr->kind = HTTP_BODY_CLOSE;
        }
        return true;
    }
    if (te != NULL)
        m->pub.flags |= SIFT_HTTP_TE_UNKNOWN; /* ignored before 1.1 */
    if (has_cl) {
        fr->kind = HTTP_BODY_LENGTH;
        fr->length = cl;
        return true;
    }
    if (m->pub.flags & SIFT_HTTP_CL_INVALID) {
        /* Rule 5: unrecoverable for a request; a response is read until
         * the connection closes. */
        fr->kind = request ? HTTP_BODY_NONE : HTTP_BODY_CLOSE;
        return true;
    }
    return false;
}

bool http_msg_is_connect(const struct http_msg *req)
{
    return method_is(req, "CONNECT");
}

bool http_msg_wants_upgrade(const struct http_msg *req)
{
    if (req->pub.version < 11)
        return false;
    char conn[256];
    size_t n = http_msg_joined(req, "connection", conn, sizeof conn);
    return http_list_has(conn, n, "upgrade") &&
           http_field(req->pub.headers, req->pub.header_count, "upgrade");
}

bool http_msg_upgrades_to_websocket(const struct http_msg *req,
                                    const struct http_msg *resp)
{
    char v[256];
    size_t n = http_msg_joined(resp, "upgrade", v, sizeof v);
    if (n == 0 && req != NULL)
        n = http_msg_joined(req, "upgrade", v, sizeof v);
    return http_list_has(v, n, "websocket");
}

bool http_msg_upgrades_to_h2c(const struct http_msg *req,
                              const struct http_msg *resp)
{
    char v[256];
    size_t n = http_msg_joined(resp, "upgrade", v, sizeof v);
    if (n == 0 && req != NULL)
        n = http_msg_joined(req, "upgrade", v, sizeof v);
    return http_list_has(v, n, "h2c");
}

void http_msg_request_framing(struct http_msg *req, struct http_framing *fr)
{
    fr->kind = HTTP_BODY_NONE;
    fr->length = 0;
    fr->after = HTTP_AFTER_NEXT;
    if (req->pub.version == 9)
        return;
    te_or_cl(req, true, fr); /* rule 7: otherwise no body */
    if (http_msg_is_connect(req) || http_msg_wants_upgrade(req))
        fr->after = HTTP_AFTER_HOLD;
}

void http_msg_response_framing(struct http_msg *resp,
                               const struct http_msg *req,
                               struct http_framing *fr)
{
    fr->kind = HTTP_BODY_NONE;
    fr->length = 0;
    fr->after = HTTP_AFTER_NEXT;
    int status = resp->pub.status;
    if (resp->pub.version == 9) {
        fr->kind = HTTP_BODY_CLOSE;
        return;
    }
    if (status == 101) {
        resp->pub.flags |= SIFT_HTTP_UPGRADE;
        fr->after = http_msg_upgrades_to_websocket(req, resp) ||
                            http_msg_upgrades_to_h2c(req, resp)
                        ? HTTP_AFTER_RAW
                        : HTTP_AFTER_TUNNEL;
        return;
    }
    /* Rule 1: no body after HEAD, for 1xx, 204 and 304. */
    if (method_is(req, "HEAD") || (status >= 100 && status < 200) ||
        status == 204 || status == 304)
        return;
    /* Rule 2: a 2xx to CONNECT turns the connection into a tunnel. */
    if (http_msg_is_connect(req) && status >= 200 && status < 300) {
        resp->pub.flags |= SIFT_HTTP_TUNNEL;
        fr->after = HTTP_AFTER_TUNNEL;
        return;
    }
    if (!te_or_cl(resp, false, fr))
        fr->kind = HTTP_BODY_CLOSE; /* rule 8 */
}

void http_msg_finish(struct http_msg *m, uint32_t flags, uint64_t wire,
                     int64_t last_ns)
{
    http_body_finish(&m->body);
    struct sift_http_message *p = &m->pub;
    p->flags |= flags | m->body.flags;
    p->body_wire_bytes = wire;
    p->body_bytes = m->body.bytes;
    p->decoded_bytes = m->body.decoded;
    bool decoded = false;
    size_t len = 0;
    p->body = http_body_bytes(&m->body, &len, &decoded);
    p->body_len = len;
    p->decoded = decoded;
    p->trailers = m->trailer.fields;
    p->trailer_count = m->trailer.field_count;
    if (last_ns > p->last_ns)
        p->last_ns = last_ns;
    m->done = true;
}

void http_msg_free(struct http_msg *m)
{
    http_head_free(&m->head);
    http_head_free(&m->trailer);
    http_body_free(&m->body);
    memset(m, 0, sizeof *m);
}
