/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: HTTP/1.1 transactions. Each one is planned in full in advance
 * (request bytes, response bytes, and where the server's writes end); after
 * a connection, what each side actually read is parsed back into messages
 * and compared with the plan, so a capture is only written for traffic that
 * really went through both TLS stacks intact.
 */
#include "tlsgen.h"

#include <stdlib.h>
#include <string.h>

#define HOST "www.pcapsift.test"

/* Deterministic body bytes of a given kind and length. */
static void body_fill(struct buf *b, size_t n, enum body_kind k, uint64_t seed)
{
    static const char *const words[] = {
        "pcapsift",  "offline", "capture", "record", "segment", "cipher",
        "handshake", "stream",  "decrypt", "keylog", "tls",     "http"};
    uint64_t s = seed;
    size_t start = b->len;
    if (k == BODY_BIN) {
        while (b->len - start < n) {
            unsigned char w[8];
            uint64_t v = mix64(&s);
            size_t m = n - (b->len - start);
            for (int i = 0; i < 8; i++)
                w[i] = (unsigned char)(v >> (8 * i));
            buf_put(b, w, m < 8 ? m : 8);
        }
        return;
    }
    if (k == BODY_JSON && n >= 64) {
        /* {"seed":"...","pad":"words words ..."} of exactly n bytes */
        buf_printf(b, "{\"seed\":\"%016llx\",\"pad\":\"",
                   (unsigned long long)seed);
        while (b->len - start < n - 2) {
            const char *w = words[mix64(&s) % 12];
            size_t room = n - 2 - (b->len - start);
            size_t wl = strlen(w);
            buf_put(b, w, wl < room ? wl : room);
            if (b->len - start < n - 2)
                buf_put(b, " ", 1);
        }
        buf_puts(b, "\"}");
        return;
    }
    /* text: numbered lines of words, cut to n bytes */
    {
        unsigned line = 0;
        struct buf t = {0};
        while (t.len < n) {
            buf_printf(&t, "%05u", line++);
            for (int i = 0; i < 9; i++) {
                buf_put(&t, " ", 1);
                buf_puts(&t, words[mix64(&s) % 12]);
            }
            buf_put(&t, "\n", 1);
        }
        buf_put(b, t.p, n);
        buf_free(&t);
    }
}

static const char *reason_of(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 404: return "Not Found";
    default: return "Status";
    }
}

/* The response head and body writes of t (the body already in respbody). */
static void build_response(struct tx *t, const char *ctype, size_t chunk)
{
    struct buf *r = &t->resp;
    const struct buf *b = &t->respbody;
    buf_printf(r,
               "HTTP/1.1 %d %s\r\nServer: tlsgen\r\n"
               "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
               "Content-Type: %s\r\n",
               t->status, reason_of(t->status), ctype);
    if (chunk)
        buf_puts(r, "Transfer-Encoding: chunked\r\n\r\n");
    else
        buf_printf(r, "Content-Length: %zu\r\n\r\n", b->len);
    /* the head is one write, as most servers do */
    t->wr[t->nwr++] = r->len;
    if (!chunk) {
        if (b->len) {
            buf_put(r, b->p, b->len);
            t->wr[t->nwr++] = r->len;
        }
        return;
    }
    /* chunked: one write per chunk (size line, data, CRLF), then the end */
    for (size_t off = 0; off < b->len; off += chunk) {
        size_t m = b->len - off < chunk ? b->len - off : chunk;
        if (t->nwr + 2 >= sizeof t->wr / sizeof t->wr[0])
            die("too many chunks in %s", t->target);
        buf_printf(r, "%zx\r\n", m);
        buf_put(r, b->p + off, m);
        buf_puts(r, "\r\n");
        t->wr[t->nwr++] = r->len;
    }
    buf_puts(r, "0\r\n\r\n");
    t->wr[t->nwr++] = r->len;
}

/* The body hashes of the .expected row, computed once. */
static void tx_hash(struct tx *t)
{
    snprintf(t->qsha, sizeof t->qsha, "-");
    snprintf(t->rsha, sizeof t->rsha, "-");
    if (t->reqbody.len)
        sha256_hex(t->reqbody.p, t->reqbody.len, t->qsha);
    if (t->respbody.len)
        sha256_hex(t->respbody.p, t->respbody.len, t->rsha);
}

static struct tx *tx_new(const char *method, const char *target, int status)
{
    struct tx *t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    snprintf(t->method, sizeof t->method, "%s", method);
    snprintf(t->target, sizeof t->target, "%s", target);
    t->status = status;
    return t;
}

struct tx *tx_get(const char *target, size_t n, enum body_kind k, size_t chunk,
                  uint64_t seed)
{
    struct tx *t = tx_new("GET", target, 200);
    buf_printf(&t->req,
               "GET %s HTTP/1.1\r\nHost: " HOST "\r\n"
               "User-Agent: tlsgen/1.0\r\nAccept: */*\r\n\r\n",
               target);
    body_fill(&t->respbody, n, k, seed);
    build_response(t,
                   k == BODY_BIN    ? "application/octet-stream"
                   : k == BODY_JSON ? "application/json"
                                    : "text/plain; charset=utf-8",
                   chunk);
    tx_hash(t);
    return t;
}

struct tx *tx_post(const char *target, size_t qn, int status, size_t n,
                   size_t chunk, uint64_t seed)
{
    struct tx *t = tx_new("POST", target, status);
    body_fill(&t->reqbody, qn, BODY_JSON, seed ^ 0x5eedULL);
    buf_printf(&t->req,
               "POST %s HTTP/1.1\r\nHost: " HOST "\r\n"
               "User-Agent: tlsgen/1.0\r\nAccept: */*\r\n"
               "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
               target, qn);
    buf_put(&t->req, t->reqbody.p, t->reqbody.len);
    body_fill(&t->respbody, n, BODY_TEXT, seed);
    build_response(t, "text/plain; charset=utf-8", chunk);
    tx_hash(t);
    return t;
}

void tx_release(struct tx *t)
{
    buf_free(&t->reqbody);
    buf_free(&t->respbody);
    buf_free(&t->req);
    buf_free(&t->resp);
}

void tx_free(struct tx *t)
{
    if (!t)
        return;
    tx_release(t);
    free(t);
}

/* ---- parsing back ------------------------------------------------------ */

/* Offset of "\r\n\r\n" at or after pos, or n if none. */
static size_t find_end(const unsigned char *d, size_t n, size_t pos)
{
    for (size_t i = pos; i + 4 <= n; i++)
        if (d[i] == '\r' && d[i + 1] == '\n' && d[i + 2] == '\r' &&
            d[i + 3] == '\n')
            return i;
    return n;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Value of header name in head[0..n), copied to out; 0 if absent. */
static int header(const unsigned char *h, size_t n, const char *name, char *out,
                  size_t outsz)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + 2 < n; i++) {
        size_t j, k;
        if (!(h[i] == '\r' && h[i + 1] == '\n'))
            continue;
        j = i + 2;
        for (k = 0; k < nl && j + k < n; k++)
            if (lower(h[j + k]) != lower((unsigned char)name[k]))
                break;
        if (k < nl || j + nl >= n || h[j + nl] != ':')
            continue;
        j += nl + 1;
        while (j < n && h[j] == ' ')
            j++;
        for (k = 0; j < n && h[j] != '\r' && k + 1 < outsz; k++, j++)
            out[k] = (char)h[j];
        out[k] = '\0';
        return 1;
    }
    return 0;
}

static size_t parse_size(const char *s, int base, const char *who)
{
    char *end;
    unsigned long long v = strtoull(s, &end, base);
    if (end == s)
        die("%s: bad number '%s'", who, s);
    return (size_t)v;
}

/* Copies the token at d[*pos] up to a space into out. */
static void token(const unsigned char *d, size_t n, size_t *pos, char *out,
                  size_t outsz)
{
    size_t k = 0;
    while (*pos < n && d[*pos] != ' ' && d[*pos] != '\r' && k + 1 < outsz)
        out[k++] = (char)d[(*pos)++];
    out[k] = '\0';
    if (*pos < n && d[*pos] == ' ')
        (*pos)++;
}

void http_check_requests(const unsigned char *d, size_t n, struct tx **tx,
                         size_t ntx, const char *who)
{
    size_t pos = 0, i = 0;
    while (pos < n) {
        size_t e = find_end(d, n, pos), p = pos, blen = 0;
        char method[16], target[128], v[32];
        if (e == n)
            die("%s: truncated request head at %zu", who, pos);
        if (i >= ntx)
            die("%s: more requests than planned", who);
        token(d, e, &p, method, sizeof method);
        token(d, e, &p, target, sizeof target);
        if (header(d + pos, e + 2 - pos, "Content-Length", v, sizeof v))
            blen = parse_size(v, 10, who);
        if (e + 4 + blen > n)
            die("%s: truncated request body", who);
        if (strcmp(method, tx[i]->method) || strcmp(target, tx[i]->target) ||
            blen != tx[i]->reqbody.len ||
            (blen && memcmp(d + e + 4, tx[i]->reqbody.p, blen)))
            die("%s: request %zu is not %s %s", who, i + 1, tx[i]->method,
                tx[i]->target);
        pos = e + 4 + blen;
        i++;
    }
    if (i != ntx)
        die("%s: %zu requests received, %zu planned", who, i, ntx);
}

void http_check_responses(const unsigned char *d, size_t n, struct tx **tx,
                          size_t ntx, const char *who)
{
    size_t pos = 0, i = 0, total = 0;
    struct buf body = {0};
    /* byte for byte first: what the client read is what the server wrote */
    for (size_t k = 0; k < ntx; k++) {
        if (total + tx[k]->resp.len > n ||
            memcmp(d + total, tx[k]->resp.p, tx[k]->resp.len) != 0)
            die("%s: response %zu differs from what the server wrote", who,
                k + 1);
        total += tx[k]->resp.len;
    }
    if (total != n)
        die("%s: %zu bytes read, %zu written", who, n, total);
    /* then as HTTP: status and (de-chunked) body of every response */
    while (pos < n) {
        size_t e = find_end(d, n, pos), p = pos;
        char ver[16], code[8], v[64];
        int status;
        if (e == n || i >= ntx)
            die("%s: bad response framing at %zu", who, pos);
        token(d, e, &p, ver, sizeof ver);
        token(d, e, &p, code, sizeof code);
        status = (int)parse_size(code, 10, who);
        body.len = 0;
        if (header(d + pos, e + 2 - pos, "Transfer-Encoding", v, sizeof v) &&
            strcmp(v, "chunked") == 0) {
            size_t q = e + 4;
            for (;;) {
                size_t ln = q, m;
                while (ln + 1 < n && !(d[ln] == '\r' && d[ln + 1] == '\n'))
                    ln++;
                if (ln + 1 >= n || ln - q >= sizeof v)
                    die("%s: bad chunk size line", who);
                memcpy(v, d + q, ln - q);
                v[ln - q] = '\0';
                m = parse_size(v, 16, who);
                q = ln + 2;
                if (m == 0) {
                    if (q + 2 > n || d[q] != '\r' || d[q + 1] != '\n')
                        die("%s: bad last chunk", who);
                    q += 2;
                    break;
                }
                if (q + m + 2 > n)
                    die("%s: truncated chunk", who);
                buf_put(&body, d + q, m);
                q += m + 2;
            }
            pos = q;
        } else {
            size_t blen = 0;
            if (header(d + pos, e + 2 - pos, "Content-Length", v, sizeof v))
                blen = parse_size(v, 10, who);
            if (e + 4 + blen > n)
                die("%s: truncated response body", who);
            buf_put(&body, d + e + 4, blen);
            pos = e + 4 + blen;
        }
        if (status != tx[i]->status || body.len != tx[i]->respbody.len ||
            (body.len && memcmp(body.p, tx[i]->respbody.p, body.len)))
            die("%s: response %zu (%s) does not parse to the planned body", who,
                i + 1, tx[i]->target);
        i++;
    }
    buf_free(&body);
    if (i != ntx)
        die("%s: %zu responses, %zu planned", who, i, ntx);
}

void tx_expected_row(const struct tx *t, struct buf *out)
{
    buf_printf(out, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", t->conn, t->method,
               t->target, t->status, t->qsha, t->rsha,
               t->note[0] ? t->note : "-");
}
