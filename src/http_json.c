/* SPDX-License-Identifier: MIT */
/* The JSON shape of transactions (docs/http.md): one object per
 * transaction with both messages, every header in order, sizes on the
 * wire and decoded, capture times in nanoseconds, and flags by name. */
#include "http_json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "har.h"
#include "timefmt.h"
#include "tls_json.h"
#include "utf8.h"

static void json_flags(struct jsonw *w, const char *key, uint32_t flags)
{
    jsonw_array(w, key);
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (flags & (1u << i))
            jsonw_str(w, NULL, sift_http_flag_name(1u << i));
    jsonw_end(w);
}

static void json_fields(struct jsonw *w, const char *key,
                        const struct sift_http_header *h, size_t n)
{
    jsonw_array(w, key);
    for (size_t i = 0; i < n; i++) {
        jsonw_array(w, NULL);
        jsonw_strn(w, NULL, h[i].name, h[i].name_len);
        jsonw_strn(w, NULL, h[i].value, h[i].value_len);
        jsonw_end(w);
    }
    jsonw_end(w);
}

static void json_version(struct jsonw *w, int version)
{
    char v[32];
    snprintf(v, sizeof v, "HTTP/%d.%d", version / 10 % 10, version % 10);
    jsonw_str(w, "version", v);
}

/* Text when it is UTF-8, else base64 with "body_encoding". */
static void json_bytes(struct jsonw *w, const char *key, const char *enc_key,
                       const uint8_t *p, size_t n)
{
    if (utf8_valid(p, n)) {
        jsonw_strn(w, key, (const char *)p, n);
    } else {
        jsonw_base64(w, key, p, n);
        jsonw_str(w, enc_key, "base64");
    }
}

static void json_message(struct jsonw *w, const char *key,
                         const struct sift_http_message *m, bool request,
                         bool bodies)
{
    if (!m->present) {
        jsonw_null(w, key);
        return;
    }
    jsonw_object(w, key);
    if (request) {
        jsonw_strn(w, "method", m->method, m->method_len);
        jsonw_strn(w, "target", m->target, m->target_len);
    } else {
        jsonw_u64(w, "status", (uint64_t)m->status);
        jsonw_strn(w, "reason", m->reason, m->reason_len);
    }
    json_version(w, m->version);
    json_fields(w, "headers", m->headers, m->header_count);
    if (m->trailer_count > 0)
        json_fields(w, "trailers", m->trailers, m->trailer_count);
    jsonw_i64(w, "first_ns", m->first_ns);
    jsonw_i64(w, "last_ns", m->last_ns);
    jsonw_u64(w, "header_bytes", m->header_bytes);
    jsonw_u64(w, "body_wire_bytes", m->body_wire_bytes);
    jsonw_u64(w, "body_bytes", m->body_bytes);
    jsonw_u64(w, "decoded_bytes", m->decoded_bytes);
    jsonw_bool(w, "decoded", m->decoded);
    jsonw_u64(w, "missing_bytes", m->missing_bytes);
    json_flags(w, "flags", m->flags);
    if (bodies && m->body_bytes > 0)
        json_bytes(w, "body", "body_encoding", m->body, m->body_len);
    jsonw_end(w);
}

static void json_endpoints(struct jsonw *w, const struct sift_tcp_conn *c)
{
    char a[46];
    jsonw_str(w, "client", sift_ip_addr_text(&c->client, a));
    jsonw_u64(w, "client_port", c->client_port);
    jsonw_str(w, "server", sift_ip_addr_text(&c->server, a));
    jsonw_u64(w, "server_port", c->server_port);
}

/* HTTP/2: the stream and how it ended; null for HTTP/1.x. */
static void http2_json(struct jsonw *w, const struct sift_http_transaction *t)
{
    if (t->stream_id == 0) {
        jsonw_null(w, "http2");
        return;
    }
    jsonw_object(w, "http2");
    jsonw_u64(w, "stream", t->stream_id);
    if (t->flags & SIFT_HTTP_H2_PUSHED)
        jsonw_u64(w, "promised_by", t->promised_by);
    else
        jsonw_null(w, "promised_by");
    if (t->flags & (SIFT_HTTP_H2_RESET | SIFT_HTTP_H2_GOAWAY)) {
        jsonw_str(w, "error", sift_http2_error_name(t->h2_error));
        jsonw_u64(w, "error_code", t->h2_error);
    } else {
        jsonw_null(w, "error");
        jsonw_null(w, "error_code");
    }
    jsonw_end(w);
}

void http_json_transaction(struct jsonw *w,
                           const struct sift_http_transaction *t,
                           uint64_t id, uint64_t conn_id, bool bodies)
{
    const struct sift_tcp_conn *c = t->conn;
    char iso[TIMEFMT_MAX];
    jsonw_object(w, NULL);
    jsonw_str(w, "type", "http");
    jsonw_u64(w, "id", id);
    jsonw_u64(w, "conn", conn_id);
    jsonw_u64(w, "index", t->index);
    int64_t start = t->request.present ? t->request.first_ns
                                       : t->response.first_ns;
    timefmt_iso(start, 9, iso);
    jsonw_str(w, "time", iso);
    json_endpoints(w, c);
    if (t->index == 0 && c->handshake_rtt_ns >= 0)
        jsonw_i64(w, "connect_ns", c->handshake_rtt_ns);
    else
        jsonw_null(w, "connect_ns");
    tls_json_summary(w, "tls", t->tls);
    http2_json(w, t);
    json_message(w, "request", &t->request, true, bodies);
    json_message(w, "response", &t->response, false, bodies);
    if (t->interim_count > 0) {
        jsonw_array(w, "interim");
        for (size_t i = 0; i < t->interim_count; i++) {
            const struct sift_http_message *m = &t->interim[i];
            jsonw_object(w, NULL);
            jsonw_u64(w, "status", (uint64_t)m->status);
            jsonw_strn(w, "reason", m->reason, m->reason_len);
            json_fields(w, "headers", m->headers, m->header_count);
            jsonw_i64(w, "first_ns", m->first_ns);
            jsonw_end(w);
        }
        jsonw_end(w);
    }
    json_flags(w, "flags", t->flags);
    jsonw_end(w);
}

static const char *opcode_name(int op)
{
    switch (op) {
    case SIFT_WS_CONTINUATION: return "continuation";
    case SIFT_WS_TEXT: return "text";
    case SIFT_WS_BINARY: return "binary";
    case SIFT_WS_CLOSE: return "close";
    case SIFT_WS_PING: return "ping";
    case SIFT_WS_PONG: return "pong";
    default: return "unknown";
    }
}

void http_json_ws_message(struct jsonw *w, const struct sift_ws_message *m,
                          uint64_t transaction_id, uint64_t conn_id,
                          bool payloads)
{
    jsonw_object(w, NULL);
    jsonw_str(w, "type", "websocket");
    jsonw_u64(w, "transaction", transaction_id);
    jsonw_u64(w, "conn", conn_id);
    jsonw_str(w, "dir", m->dir == SIFT_TCP_FROM_CLIENT ? "client" : "server");
    jsonw_i64(w, "ts_ns", m->ts_ns);
    jsonw_str(w, "opcode", opcode_name(m->opcode));
    jsonw_u64(w, "opcode_value", (uint64_t)m->opcode);
    jsonw_u64(w, "length", m->length);
    if (m->opcode == SIFT_WS_CLOSE)
        jsonw_i64(w, "close_code", m->close_code);
    jsonw_bool(w, "compressed", m->compressed);
    jsonw_bool(w, "cut", m->cut);
    jsonw_bool(w, "gap", m->gap);
    jsonw_bool(w, "error", m->error);
    if (payloads)
        json_bytes(w, "payload", "payload_encoding", m->payload,
                   m->payload_len);
    jsonw_end(w);
}

/* --- shared helpers --------------------------------------------------- */

size_t http_host_of(const struct sift_http_transaction *t, char *buf,
                    size_t cap)
{
    const struct sift_http_message *r = &t->request;
    /* HTTP/2's :authority first (RFC 9113 §8.3.1), then Host. */
    for (size_t i = 0; r->present && i < r->header_count; i++) {
        const struct sift_http_header *h = &r->headers[i];
        if ((h->name_len == 10 && memcmp(h->name, ":authority", 10) == 0) ||
            (h->name_len == 4 && strncasecmp(h->name, "host", 4) == 0)) {
            size_t n = h->value_len < cap - 1 ? h->value_len : cap - 1;
            memcpy(buf, h->value, n);
            buf[n] = '\0';
            return n;
        }
    }
    char a[46];
    const struct sift_tcp_conn *c = t->conn;
    sift_ip_addr_text(&c->server, a);
    int n = snprintf(buf, cap, c->server.family == 6 ? "[%s]:%u" : "%s:%u",
                     a, c->server_port);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t http_url_of(const struct sift_http_transaction *t, char *buf,
                   size_t cap)
{
    buf[0] = '\0';
    if (!t->request.present)
        return 0;
    /* One byte kept back: a full stream writes no NUL of its own. */
    FILE *mem = fmemopen(buf, cap - 1, "w");
    if (mem == NULL)
        return 0;
    setvbuf(mem, NULL, _IONBF, 0);
    har_put_url(mem, t);
    long n = ftell(mem);
    fclose(mem);
    size_t len = n > 0 && (size_t)n < cap ? (size_t)n : 0;
    buf[len] = '\0';
    return len;
}

/* --- CSV (RFC 4180) --------------------------------------------------- */

static const char *const csv_columns =
    "id,conn,index,time,client,client_port,server,server_port,method,url,"
    "version,status,reason,request_first_ns,request_last_ns,"
    "response_first_ns,response_last_ns,request_header_bytes,"
    "request_body_bytes,response_header_bytes,response_body_wire_bytes,"
    "response_body_bytes,response_decoded_bytes,content_type,"
    "content_encoding,missing_bytes,flags";

void http_csv_header(FILE *fp)
{
    fprintf(fp, "%s\r\n", csv_columns);
}

/* A field quoted when it holds a comma, quote or line break (§2.6-2.7);
 * bytes that are not UTF-8 become U+FFFD. */
static void csv_field(FILE *fp, const char *s, size_t n)
{
    fputc(',', fp);
    char *clean = utf8_sanitized_copy(s, n);
    if (clean == NULL)
        return;
    if (strpbrk(clean, ",\"\r\n") == NULL) {
        fputs(clean, fp);
    } else {
        fputc('"', fp);
        for (const char *p = clean; *p; p++) {
            if (*p == '"')
                fputc('"', fp);
            fputc(*p, fp);
        }
        fputc('"', fp);
    }
    free(clean);
}

static void csv_header_value(FILE *fp, const struct sift_http_message *m,
                             const char *name)
{
    for (size_t i = 0; m->present && i < m->header_count; i++)
        if (strlen(name) == m->headers[i].name_len &&
            strncasecmp(m->headers[i].name, name, m->headers[i].name_len) ==
                0) {
            csv_field(fp, m->headers[i].value, m->headers[i].value_len);
            return;
        }
    fputc(',', fp);
}

void http_csv_row(FILE *fp, const struct sift_http_transaction *t,
                  uint64_t id, uint64_t conn_id)
{
    const struct sift_http_message *q = &t->request, *r = &t->response;
    const struct sift_tcp_conn *c = t->conn;
    char a[46], b[46], iso[TIMEFMT_MAX], url[8192], ver[32];
    timefmt_iso(q->present ? q->first_ns : r->first_ns, 9, iso);
    fprintf(fp, "%" PRIu64 ",%" PRIu64 ",%u,%s,%s,%u,%s,%u", id, conn_id,
            t->index, iso, sift_ip_addr_text(&c->client, a), c->client_port,
            sift_ip_addr_text(&c->server, b), c->server_port);
    csv_field(fp, q->method ? q->method : "", q->method_len);
    size_t n = http_url_of(t, url, sizeof url);
    csv_field(fp, url, n);
    const struct sift_http_message *v = q->present ? q : r;
    snprintf(ver, sizeof ver, "HTTP/%d.%d", v->version / 10 % 10,
             v->version % 10);
    fprintf(fp, ",%s,%d", v->present ? ver : "", r->present ? r->status : 0);
    csv_field(fp, r->reason ? r->reason : "", r->reason_len);
    fprintf(fp,
            ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
            q->first_ns, q->last_ns, r->first_ns, r->last_ns, q->header_bytes,
            q->body_bytes, r->header_bytes, r->body_wire_bytes, r->body_bytes,
            r->decoded_bytes);
    csv_header_value(fp, r, "content-type");
    csv_header_value(fp, r, "content-encoding");
    fprintf(fp, ",%" PRIu64 ",", q->missing_bytes + r->missing_bytes);
    bool first = true;
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (t->flags & (1u << i)) {
            fprintf(fp, "%s%s", first ? "" : " ",
                    sift_http_flag_name(1u << i));
            first = false;
        }
    fputs("\r\n", fp);
}
