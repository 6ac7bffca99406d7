/* SPDX-License-Identifier: MIT */
/* One HAR 1.2 entry ("HAR 1.2 Spec": entries, request, response, content,
 * timings) from one transaction: times from capture timestamps, messages
 * as the parser saw them, anomalies in comments and in custom fields whose
 * names begin with '_' (the spec's rule for fields of one's own). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "har_internal.h"
#include "timefmt.h"

/* startedDateTime fraction digits: microseconds, the resolution of most
 * captures (finer than HAR's customary milliseconds; viewers accept it). */
#define HAR_TIME_DIGITS 6

/* What postData, content and the entry say in their "comment" fields. */
struct note {
    char text[768];
    size_t len;
};

static void note_add(struct note *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note_add(struct note *n, const char *fmt, ...)
{
    size_t room = sizeof n->text - n->len;
    if (n->len > 0 && room > 2) {
        memcpy(n->text + n->len, "; ", 3);
        n->len += 2;
        room -= 2;
    }
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(n->text + n->len, room, fmt, ap);
    va_end(ap);
    if (r > 0)
        n->len += (size_t)r < room ? (size_t)r : room - 1;
}

static void note_join(struct note *to, const struct note *from)
{
    if (from->len > 0)
        note_add(to, "%s", from->text);
}

int64_t har_entry_start(const struct sift_http_transaction *t)
{
    if (t->request.present)
        return t->request.first_ns;
    if (t->response.present)
        return t->response.first_ns;
    return t->conn != NULL ? t->conn->start_ns : 0;
}

/* later - earlier, 0 when later is not later. */
static uint64_t span(int64_t earlier, int64_t later)
{
    return later > earlier ? timefmt_span(earlier, later) : 0;
}

struct timing {
    uint64_t connect, send, wait, receive, ssl;
    bool has_connect, has_ssl;
};

/* The TLS handshake: the ClientHello to the last Finished. */
static bool tls_time(const struct sift_tls_info *tls, uint64_t *ns)
{
    if (tls == NULL || !tls->client_hello || tls->handshake_done_ns == 0 ||
        tls->handshake_done_ns < tls->client_hello_ns)
        return false;
    *ns = span(tls->client_hello_ns, tls->handshake_done_ns);
    return true;
}

/* HAR requires send, wait and receive (0 for a message not captured);
 * connect is the TCP handshake and ssl the TLS one, charged to the
 * connection's first request; as HAR 1.2 says, ssl is included in
 * connect too. blocked and dns cannot be seen in a capture of HTTP. */
static void timing_of(const struct sift_http_transaction *t, struct timing *tm)
{
    const struct sift_http_message *rq = &t->request, *rs = &t->response;
    memset(tm, 0, sizeof *tm);
    if (rq->present)
        tm->send = span(rq->first_ns, rq->last_ns);
    if (rq->present && rs->present) /* an early response waited for 0 */
        tm->wait = span(rq->last_ns, rs->first_ns);
    if (rs->present)
        tm->receive = span(rs->first_ns, rs->last_ns);
    if (t->index == 0 && t->conn != NULL && t->conn->handshake_rtt_ns >= 0) {
        tm->connect = (uint64_t)t->conn->handshake_rtt_ns;
        tm->has_connect = true;
    }
    if (t->index == 0 && tls_time(t->tls, &tm->ssl)) {
        tm->has_ssl = true;
        tm->connect = tm->has_connect ? tm->connect + tm->ssl : tm->ssl;
        tm->has_connect = true;
    }
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t timing_total(const struct timing *tm)
{
    uint64_t total = sat_add(sat_add(tm->send, tm->wait), tm->receive);
    return tm->has_connect ? sat_add(total, tm->connect) : total;
}

static void write_timings(struct jsonw *w, const struct timing *tm)
{
    jsonw_object(w, "timings");
    jsonw_i64(w, "blocked", -1);
    jsonw_i64(w, "dns", -1);
    if (tm->has_connect)
        har_json_ms(w, "connect", tm->connect);
    else
        jsonw_i64(w, "connect", -1);
    har_json_ms(w, "send", tm->send);
    har_json_ms(w, "wait", tm->wait);
    har_json_ms(w, "receive", tm->receive);
    if (tm->has_ssl)
        har_json_ms(w, "ssl", tm->ssl);
    else
        jsonw_i64(w, "ssl", -1);
    jsonw_end(w);
}

static void write_version(struct jsonw *w, const struct sift_http_message *m)
{
    char buf[24] = "";
    if (m->version > 0)
        snprintf(buf, sizeof buf, "HTTP/%d.%d", m->version / 10,
                 m->version % 10);
    jsonw_str(w, "httpVersion", buf);
}

static void write_headers(struct jsonw *w, const char *key,
                          const struct sift_http_header *h, size_t n)
{
    jsonw_array(w, key);
    for (size_t i = 0; h != NULL && i < n; i++) {
        /* HTTP/2's :status is the status field already; browsers leave it
         * out of the headers (the request's pseudo-headers they keep). */
        if (h[i].name_len == 7 && memcmp(h[i].name, ":status", 7) == 0)
            continue;
        jsonw_object(w, NULL);
        jsonw_strn(w, "name", h[i].name, h[i].name_len);
        jsonw_strn(w, "value", h[i].value, h[i].value_len);
        jsonw_end(w);
    }
    jsonw_end(w);
}

/* Trailers and missing bytes of a message, pcapsift's own fields. */
static void write_message_extras(struct jsonw *w,
                                 const struct sift_http_message *m)
{
    if (m->trailer_count > 0)
        write_headers(w, "_trailers", m->trailers, m->trailer_count);
    if (m->missing_bytes > 0)
        jsonw_u64(w, "_missingBytes", m->missing_bytes);
}

/* Why a body is not all there, or not there as sent. */
static void body_notes(const struct sift_http_message *m, const char *what,
                       bool bodies, struct note *n)
{
    uint32_t f = m->flags;
    if (f & SIFT_HTTP_INCOMPLETE)
        note_add(n, "%s incomplete: the connection ended before it did", what);
    if (m->missing_bytes > 0)
        note_add(n, "%s body: %" PRIu64 " bytes missing from the capture", what,
                 m->missing_bytes);
    else if (f & SIFT_HTTP_BODY_GAP)
        note_add(n, "%s body: bytes missing from the capture", what);
    if ((f & SIFT_HTTP_BODY_CUT) && bodies)
        note_add(n, "%s body cut to its first %zu bytes (body size cap)", what,
                 m->body_len);
    if (f & SIFT_HTTP_DECODE_ERROR)
        note_add(n, "%s content coding could not be removed: body as sent",
                 what);
    if (f & SIFT_HTTP_CODING_UNKNOWN)
        note_add(n, "%s content coding not known: body as sent", what);
    if (f & SIFT_HTTP_DECODE_CAPPED)
        note_add(n, "%s decoded body larger than the cap: cut", what);
    if (bodies && m->body == NULL && m->decoded_bytes > 0)
        note_add(n, "%s body not kept (memory cap)", what);
}

static bool has_body(const struct sift_http_message *m)
{
    return m->present &&
           (m->body_wire_bytes > 0 || m->body_bytes > 0 || m->body_len > 0);
}

static void write_mime_type(struct jsonw *w, const struct sift_http_message *m)
{
    const struct sift_http_header *ct = har_header(m, "content-type");
    if (ct != NULL)
        jsonw_strn(w, "mimeType", ct->value, ct->value_len);
    else
        jsonw_str(w, "mimeType", "x-unknown");
}

/* postData: params for the two form types, text always (HAR 1.2 lists both
 * without "optional"; Chrome writes both too). */
static void write_post_data(struct jsonw *w, const struct sift_http_message *rq,
                            bool bodies, struct har_scratch *s,
                            struct note *entry)
{
    const struct sift_http_header *ct = har_header(rq, "content-type");
    bool kept = bodies && rq->body != NULL;
    jsonw_object(w, "postData");
    write_mime_type(w, rq);
    jsonw_array(w, "params");
    if (kept && ct != NULL &&
        har_media_type_is(ct->value, ct->value_len,
                          "application/x-www-form-urlencoded"))
        har_write_form_pairs(w, (const char *)rq->body, rq->body_len, s);
    else if (kept && ct != NULL &&
             har_media_type_is(ct->value, ct->value_len, "multipart/form-data"))
        har_write_multipart(w, ct->value, ct->value_len, rq->body,
                            rq->body_len);
    jsonw_end(w);
    if (kept)
        har_json_text(w, "text", rq->body, rq->body_len, "_encoding");
    else
        jsonw_str(w, "text", "");
    struct note n = {.len = 0}, why = {.len = 0};
    if (!bodies)
        note_add(&n, "request body left out (--no-bodies)");
    body_notes(rq, "request", bodies, &why);
    note_join(&n, &why);
    if (n.len > 0)
        jsonw_strn(w, "comment", n.text, n.len);
    note_join(entry, &why);
    jsonw_end(w);
}

static void write_request(struct jsonw *w,
                          const struct sift_http_transaction *t, bool bodies,
                          struct har_scratch *s, struct note *entry)
{
    const struct sift_http_message *rq = &t->request;
    bool p = rq->present;
    jsonw_object(w, "request");
    jsonw_strn(w, "method", p ? rq->method : "", p ? rq->method_len : 0);
    har_write_url(w, "url", t);
    write_version(w, rq);
    har_write_cookies(w, rq);
    write_headers(w, "headers", p ? rq->headers : NULL, rq->header_count);
    har_write_query(w, p ? rq->target : "", p ? rq->target_len : 0, s);
    if (has_body(rq))
        write_post_data(w, rq, bodies, s, entry);
    jsonw_i64(w, "headersSize", p ? (int64_t)rq->header_bytes : -1);
    jsonw_i64(w, "bodySize", p ? (int64_t)rq->body_wire_bytes : -1);
    if (!p) {
        jsonw_str(w, "comment", "no request in the capture");
        note_add(entry, "no request in the capture");
    }
    write_message_extras(w, rq);
    jsonw_end(w);
}

/* Why there is no response: how the connection ended. */
static const char *missing_reason(const struct sift_http_transaction *t)
{
    const struct sift_tcp_conn *c = t->conn;
    if (c == NULL)
        return "connection ended";
    if (c->state == SIFT_TCP_RESET || c->side[0].rst || c->side[1].rst)
        return "connection reset";
    switch (c->end_reason) {
    case SIFT_TCP_EV_END_OF_FILE: return "the capture ended first";
    case SIFT_TCP_EV_TIMEOUT: return "connection idle past the timeout";
    case SIFT_TCP_EV_EVICTED: return "connection dropped at the table limit";
    case SIFT_TCP_EV_PORT_REUSE: return "connection replaced on its ports";
    default: break;
    }
    if (c->state == SIFT_TCP_CLOSED || c->state == SIFT_TCP_CLOSING)
        return "connection closed";
    return "connection ended";
}

static void write_content(struct jsonw *w, const struct sift_http_message *rs,
                          bool bodies, struct note *entry)
{
    bool p = rs->present;
    jsonw_object(w, "content");
    jsonw_u64(w, "size", p ? rs->decoded_bytes : 0);
    if (p && rs->decoded && rs->decoded_bytes >= rs->body_bytes)
        jsonw_u64(w, "compression", rs->decoded_bytes - rs->body_bytes);
    write_mime_type(w, rs);
    if (p && bodies && rs->body != NULL)
        har_json_text(w, "text", rs->body, rs->body_len, "encoding");
    else if (p && bodies && rs->decoded_bytes == 0)
        jsonw_str(w, "text", "");
    struct note n = {.len = 0};
    if (p)
        body_notes(rs, "response", bodies, &n);
    if (n.len > 0)
        jsonw_strn(w, "comment", n.text, n.len);
    note_join(entry, &n);
    jsonw_end(w);
}

/* 1xx responses before the final one. */
static void write_interim(struct jsonw *w,
                          const struct sift_http_transaction *t)
{
    if (t->interim == NULL || t->interim_count == 0)
        return;
    jsonw_array(w, "_interim");
    for (size_t i = 0; i < t->interim_count; i++) {
        const struct sift_http_message *m = &t->interim[i];
        jsonw_object(w, NULL);
        jsonw_i64(w, "status", m->status);
        jsonw_strn(w, "statusText", m->reason, m->reason_len);
        write_version(w, m);
        write_headers(w, "headers", m->headers, m->header_count);
        jsonw_u64(w, "headersSize", m->header_bytes);
        jsonw_end(w);
    }
    jsonw_end(w);
}

static void write_response(struct jsonw *w,
                           const struct sift_http_transaction *t, bool bodies,
                           struct note *entry)
{
    const struct sift_http_message *rs = &t->response;
    bool p = rs->present;
    const struct sift_http_header *loc = har_header(rs, "location");
    jsonw_object(w, "response");
    jsonw_i64(w, "status", p ? rs->status : 0);
    jsonw_strn(w, "statusText", p ? rs->reason : "", p ? rs->reason_len : 0);
    write_version(w, rs);
    har_write_set_cookies(w, rs);
    write_headers(w, "headers", p ? rs->headers : NULL, rs->header_count);
    write_content(w, rs, bodies, entry);
    jsonw_strn(w, "redirectURL", loc != NULL ? loc->value : "",
               loc != NULL ? loc->value_len : 0);
    jsonw_i64(w, "headersSize", p ? (int64_t)rs->header_bytes : -1);
    jsonw_i64(w, "bodySize", p ? (int64_t)rs->body_wire_bytes : -1);
    if (!p) {
        struct note n = {.len = 0};
        note_add(&n, "no response in the capture (%s)", missing_reason(t));
        jsonw_strn(w, "comment", n.text, n.len);
        note_join(entry, &n);
    }
    write_interim(w, t);
    write_message_extras(w, rs);
    jsonw_end(w);
}

/* serverIPAddress, connection and the client's side of it. */
static void write_connection(struct jsonw *w, const struct sift_tcp_conn *c)
{
    char addr[46], id[24];
    if (c == NULL)
        return;
    if (c->server.family == 4 || c->server.family == 6)
        jsonw_str(w, "serverIPAddress", sift_ip_addr_text(&c->server, addr));
    snprintf(id, sizeof id, "%" PRIu64, c->id);
    jsonw_str(w, "connection", id);
    if (c->client.family == 4 || c->client.family == 6)
        jsonw_str(w, "_clientAddress", sift_ip_addr_text(&c->client, addr));
    jsonw_u64(w, "_clientPort", c->client_port);
    jsonw_u64(w, "_serverPort", c->server_port);
}

/* Playwright's "_securityDetails" (protocol, subjectName, issuer,
 * validFrom, validTo in seconds), with the cipher suite and SNI too. */
static void write_security(struct jsonw *w, const struct sift_tls_info *tls)
{
    if (tls == NULL)
        return;
    jsonw_object(w, "_securityDetails");
    const char *v = sift_tls_version_name(tls->version);
    if (v != NULL)
        jsonw_str(w, "protocol", v);
    const char *c = sift_tls_cipher_name(tls->cipher_suite);
    if (c != NULL)
        jsonw_str(w, "cipher", c);
    const struct sift_tls_certificate *cert = &tls->cert;
    if (cert->present && cert->parsed) {
        jsonw_str(w, "subjectName", cert->subject_cn[0] ? cert->subject_cn
                                                         : cert->subject);
        jsonw_str(w, "issuer", cert->issuer_cn[0] ? cert->issuer_cn
                                                   : cert->issuer);
        jsonw_i64(w, "validFrom", cert->not_before);
        jsonw_i64(w, "validTo", cert->not_after);
    }
    if (tls->sni[0] != '\0')
        jsonw_str(w, "_sni", tls->sni);
    if (tls->alpn[0] != '\0')
        jsonw_str(w, "_alpn", tls->alpn);
    jsonw_end(w);
}

static void write_flags(struct jsonw *w, uint32_t flags)
{
    if (flags == 0)
        return;
    jsonw_array(w, "_flags");
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++) {
        const char *name =
            flags & (1u << i) ? sift_http_flag_name(1u << i) : NULL;
        if (name != NULL)
            jsonw_str(w, NULL, name);
    }
    jsonw_end(w);
}

void har_entry_write(struct jsonw *w, const struct sift_http_transaction *t,
                     bool bodies, struct har_scratch *s)
{
    struct note entry = {.len = 0};
    struct timing tm;
    char iso[TIMEFMT_MAX];
    timing_of(t, &tm);
    timefmt_iso(har_entry_start(t), HAR_TIME_DIGITS, iso);
    jsonw_object(w, NULL);
    jsonw_str(w, "startedDateTime", iso);
    har_json_ms(w, "time", timing_total(&tm));
    write_request(w, t, bodies, s, &entry);
    write_response(w, t, bodies, &entry);
    jsonw_object(w, "cache");
    jsonw_end(w);
    write_timings(w, &tm);
    write_connection(w, t->conn);
    write_security(w, t->tls);
    jsonw_u64(w, "_transactionId", t->id);
    jsonw_u64(w, "_connectionIndex", t->index);
    if (t->stream_id != 0) /* HTTP/2 */
        jsonw_u64(w, "_streamId", t->stream_id);
    if (t->flags & SIFT_HTTP_H2_PUSHED)
        jsonw_u64(w, "_promisedBy", t->promised_by);
    if (t->flags & (SIFT_HTTP_H2_RESET | SIFT_HTTP_H2_GOAWAY))
        jsonw_u64(w, "_http2ErrorCode", t->h2_error);
    write_flags(w, t->flags);
    uint64_t missing =
        sat_add(t->request.present ? t->request.missing_bytes : 0,
                t->response.present ? t->response.missing_bytes : 0);
    if (missing > 0)
        jsonw_u64(w, "_missingBytes", missing);
    if (entry.len > 0)
        jsonw_strn(w, "comment", entry.text, entry.len);
}
