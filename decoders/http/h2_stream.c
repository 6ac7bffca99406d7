/* SPDX-License-Identifier: MIT */
/* HTTP/2 streams as transactions: header fields into heads, messages
 * finished, transactions published. */
#include "h2_stream.h"

#include <stdlib.h>
#include <string.h>

#include "http_head.h"

/* --- fields ------------------------------------------------------------ */

void h2_fields_init(struct h2_fields *f, uint32_t max)
{
    memset(f, 0, sizeof *f);
    f->max = max;
}

void h2_fields_free(struct h2_fields *f)
{
    free(f->at);
    free(f->store);
    memset(f, 0, sizeof *f);
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static bool is_pseudo(const uint8_t *name, size_t len)
{
    return len > 0 && name[0] == ':';
}

static bool known_pseudo(const uint8_t *name, size_t len)
{
    static const char *const names[] = {":method", ":scheme", ":authority",
                                        ":path", ":status", ":protocol"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (len == strlen(names[i]) && memcmp(name, names[i], len) == 0)
            return true;
    return false;
}

void h2_fields_add(void *fields, const uint8_t *name, size_t name_len,
                   const uint8_t *value, size_t value_len)
{
    struct h2_fields *f = fields;
    if (is_pseudo(name, name_len)) {
        size_t old;
        if (!known_pseudo(name, name_len) ||
            (f->count > 0 &&
             !is_pseudo((const uint8_t *)f->store + f->at[f->count - 1].name,
                        f->at[f->count - 1].name_len)) ||
            h2_fields_get(f, (const char *)name, &old) != NULL)
            f->bad = true; /* RFC 9113 §8.3: malformed; kept as sent */
    }
    if (f->count >= f->max || name_len > UINT32_MAX / 2 ||
        value_len > UINT32_MAX / 2 ||
        !grow((void **)&f->at, &f->cap, f->count + 1, sizeof *f->at) ||
        !grow((void **)&f->store, &f->store_cap,
              f->len + name_len + value_len + 2, 1)) {
        f->capped = true;
        return;
    }
    struct h2_field_at *a = &f->at[f->count++];
    a->name = (uint32_t)f->len;
    a->name_len = (uint32_t)name_len;
    memcpy(f->store + f->len, name, name_len);
    f->len += name_len;
    f->store[f->len++] = '\0';
    a->value = (uint32_t)f->len;
    a->value_len = (uint32_t)value_len;
    memcpy(f->store + f->len, value, value_len);
    f->len += value_len;
    f->store[f->len++] = '\0';
}

const char *h2_fields_get(const struct h2_fields *f, const char *name,
                          size_t *len)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < f->count; i++) {
        const struct h2_field_at *a = &f->at[i];
        if (a->name_len == n && memcmp(f->store + a->name, name, n) == 0) {
            *len = a->value_len;
            return f->store + a->value;
        }
    }
    return NULL;
}

static int status_of(const char *v, size_t n)
{
    if (v == NULL || n != 3)
        return 0;
    int s = 0;
    for (size_t i = 0; i < 3; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        s = s * 10 + (v[i] - '0');
    }
    return s;
}

void h2_head_from(struct h2_fields *f, bool request, bool fields_only,
                  struct http_head *out)
{
    memset(out, 0, sizeof *out);
    out->request = request;
    out->version = 20;
    out->flags = (f->bad ? SIFT_HTTP_BAD_HEADER : 0) |
                 (f->capped ? SIFT_HTTP_HEADER_LIMIT : 0);
    size_t mlen = 0, tlen = 0, slen = 0;
    const char *method = h2_fields_get(f, ":method", &mlen);
    const char *target = h2_fields_get(f, ":path", &tlen);
    const char *status = h2_fields_get(f, ":status", &slen);
    if (request && method != NULL && mlen == 7 &&
        memcmp(method, "CONNECT", 7) == 0 && target == NULL)
        target = h2_fields_get(f, ":authority", &tlen);
    if (!fields_only && request) {
        out->method = method ? method : "";
        out->method_len = method ? mlen : 0;
        out->target = target ? target : "";
        out->target_len = target ? tlen : 0;
        if (method == NULL || target == NULL)
            out->flags |= SIFT_HTTP_BAD_HEADER;
    } else if (!fields_only) {
        out->status = status_of(status, slen);
        out->reason = "";
        if (out->status == 0)
            out->flags |= SIFT_HTTP_BAD_HEADER;
    }
    out->fields = calloc(f->count ? f->count : 1, sizeof *out->fields);
    if (out->fields == NULL) {
        out->flags |= SIFT_HTTP_HEADER_LIMIT;
        f->count = 0;
    }
    for (size_t i = 0; i < f->count; i++) {
        const struct h2_field_at *a = &f->at[i];
        out->fields[i] = (struct sift_http_header){
            f->store + a->name, a->name_len, f->store + a->value,
            a->value_len};
    }
    out->field_count = f->count;
    out->store = f->store; /* the strings above point into it */
    f->store = NULL;
    h2_fields_free(f);
}

/* --- streams ----------------------------------------------------------- */

struct http_msg *h2_stream_msg(struct h2_stream *s, bool from_client)
{
    struct http_msg *m = from_client ? &s->req : &s->resp;
    return m->started && !m->done ? m : NULL;
}

void h2_stream_end_dir(struct h2_stream *s, bool from_client, uint32_t flags,
                       int64_t ts)
{
    int d = from_client ? SIFT_TCP_FROM_CLIENT : SIFT_TCP_FROM_SERVER;
    s->ended[d] = true;
    struct http_msg *m = h2_stream_msg(s, from_client);
    if (m != NULL)
        http_msg_finish(m, flags, s->wire[d], ts);
}

bool h2_stream_done(const struct h2_stream *s)
{
    return s->reset || (s->ended[SIFT_TCP_FROM_CLIENT] &&
                        s->ended[SIFT_TCP_FROM_SERVER]);
}

void h2_stream_publish(struct h2_stream *s, const struct sift_tcp_conn *c,
                       const struct sift_tls_info *tls,
                       struct sift_http_transaction *pub,
                       struct sift_http_message *interim, size_t cap)
{
    memset(pub, 0, sizeof *pub);
    pub->conn = c;
    pub->tls = tls;
    pub->index = s->index;
    pub->stream_id = s->id;
    pub->h2_error = s->error;
    pub->promised_by = s->promised_by;
    pub->request = s->req.pub;
    pub->response = s->resp.pub;
    uint32_t flags = s->flags;
    if (!s->req.started)
        flags |= SIFT_HTTP_NO_REQUEST;
    if (!s->resp.started)
        flags |= SIFT_HTTP_NO_RESPONSE;
    pub->flags = flags | pub->request.flags | pub->response.flags;
    size_t n = s->interim_count < cap ? s->interim_count : cap;
    for (size_t i = 0; i < n; i++)
        interim[i] = s->interim[i].pub;
    pub->interim = interim;
    pub->interim_count = n;
}

void h2_stream_free(struct h2_stream *s)
{
    http_msg_free(&s->req);
    http_msg_free(&s->resp);
    for (size_t i = 0; i < s->interim_count; i++)
        http_msg_free(&s->interim[i]);
    free(s->interim);
    free(s);
}
