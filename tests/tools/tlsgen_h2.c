/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: big --h2, the planned HTTP/1.1 transactions of a connection
 * carried as HTTP/2 (RFC 9113) over TLS with ALPN "h2". Header blocks are
 * HPACK-encoded by libnghttp2's deflater, one per direction per
 * connection; frames are built here. The exchange:
 *
 *   client  preface, SETTINGS, WINDOW_UPDATE (connection)
 *   server  SETTINGS, SETTINGS ACK, WINDOW_UPDATE (connection)
 *   then up to H2_CONC requests at a time (streams 1, 3, 5...):
 *   client  [SETTINGS ACK,] HEADERS (+ DATA ... END_STREAM) of each
 *   server  HEADERS of each (one write), then their DATA frames of at most
 *           16384 bytes, round-robin over the streams (one write)
 *   client  GOAWAY (NO_ERROR) at the end, then close_notify
 *
 * The windows are opened wide at the start (so no WINDOW_UPDATE later).
 * What each side read is checked to be exactly what the other wrote, and
 * parsed back frame by frame (HPACK by libnghttp2's inflater) against the
 * plan: methods, paths, statuses, content-lengths and bodies.
 */
#include "tlsgen.h"

#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#define HOST "www.pcapsift.test"
#define H2_CONC 4      /* streams open at once */
#define H2_FRAME 16384 /* DATA payload per frame: SETTINGS_MAX_FRAME_SIZE */
#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

enum {
    FR_DATA = 0,
    FR_HEADERS = 1,
    FR_SETTINGS = 4,
    FR_GOAWAY = 7,
    FR_WINDOW_UPDATE = 8
};
#define FL_END_STREAM 0x1u
#define FL_ACK 0x1u
#define FL_END_HEADERS 0x4u

static const unsigned char alpn_h2[] = {2, 'h', '2'};

/* ---- ALPN --------------------------------------------------------------- */

void h2_offer(struct conn *c)
{
    if (SSL_set_alpn_protos(c->sd[CLI].ssl, alpn_h2, sizeof alpn_h2) != 0)
        die_ssl("SSL_set_alpn_protos");
    c->h2 = 1;
}

static int alpn_select(SSL *s, const unsigned char **out,
                       unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg)
{
    unsigned char *o;
    (void)s;
    (void)arg;
    if (SSL_select_next_proto(&o, outlen, alpn_h2, sizeof alpn_h2, in,
                              inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = o;
    return SSL_TLSEXT_ERR_OK;
}

/* Called only for a ClientHello with ALPN: big's HTTP/1.1 connections
 * (no ALPN) are not changed by it. */
void h2_select_on(SSL_CTX *server)
{
    SSL_CTX_set_alpn_select_cb(server, alpn_select, NULL);
}

/* ---- frames ------------------------------------------------------------- */

static void frame(struct buf *b, size_t len, unsigned type, unsigned flags,
                  uint32_t sid, const void *payload)
{
    unsigned char h[9];
    h[0] = (unsigned char)(len >> 16);
    h[1] = (unsigned char)(len >> 8);
    h[2] = (unsigned char)len;
    h[3] = (unsigned char)type;
    h[4] = (unsigned char)flags;
    h[5] = (unsigned char)((sid >> 24) & 0x7f);
    h[6] = (unsigned char)(sid >> 16);
    h[7] = (unsigned char)(sid >> 8);
    h[8] = (unsigned char)sid;
    buf_put(b, h, 9);
    if (len)
        buf_put(b, payload, len);
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* SETTINGS of n (identifier, value) pairs. */
static void settings(struct buf *b, const uint32_t (*kv)[2], size_t n)
{
    unsigned char p[6 * 8];
    for (size_t i = 0; i < n; i++) {
        p[6 * i] = (unsigned char)(kv[i][0] >> 8);
        p[6 * i + 1] = (unsigned char)kv[i][0];
        be32(p + 6 * i + 2, kv[i][1]);
    }
    frame(b, 6 * n, FR_SETTINGS, 0, 0, p);
}

static void window_update(struct buf *b, uint32_t sid, uint32_t inc)
{
    unsigned char p[4];
    be32(p, inc);
    frame(b, 4, FR_WINDOW_UPDATE, 0, sid, p);
}

/* A header list for the deflater. */
struct nvl {
    nghttp2_nv nv[12];
    size_t n;
    char num[2][24];
};

static void nv_add(struct nvl *l, const char *name, const char *value)
{
    nghttp2_nv *v = &l->nv[l->n++];
    v->name = (uint8_t *)(uintptr_t)name;
    v->value = (uint8_t *)(uintptr_t)value;
    v->namelen = strlen(name);
    v->valuelen = strlen(value);
    v->flags = NGHTTP2_NV_FLAG_NONE;
}

/* One HEADERS frame holding the whole block (END_HEADERS). */
static void headers(struct buf *b, nghttp2_hd_deflater *d, uint32_t sid,
                    const struct nvl *l, int end_stream)
{
    size_t bound = nghttp2_hd_deflate_bound(d, l->nv, l->n);
    uint8_t *blk = xmalloc(bound);
    ssize_t k = nghttp2_hd_deflate_hd(d, blk, bound, l->nv, l->n);
    if (k < 0)
        die("nghttp2_hd_deflate_hd: %s", nghttp2_strerror((int)k));
    if ((size_t)k > H2_FRAME)
        die("header block of %zd bytes", k);
    frame(b, (size_t)k, FR_HEADERS,
          FL_END_HEADERS | (end_stream ? FL_END_STREAM : 0), sid, blk);
    free(blk);
}

/* The Content-Type of t's HTTP/1.1 response head. */
static void resp_ctype(const struct tx *t, char *out, size_t n)
{
    static const char key[] = "\r\nContent-Type: ";
    const unsigned char *p = t->resp.p;
    size_t len = t->resp.len, kl = sizeof key - 1;
    for (size_t i = 0; i + kl <= len; i++) {
        if (memcmp(p + i, key, kl) == 0) {
            size_t e = i + kl, k = 0;
            while (e < len && p[e] != '\r' && k + 1 < n)
                out[k++] = (char)p[e++];
            out[k] = '\0';
            return;
        }
        if (i + 4 <= len && memcmp(p + i, "\r\n\r\n", 4) == 0)
            break;
    }
    die("%s: no Content-Type in the planned response", t->target);
}

static uint32_t sid_of(size_t i)
{
    return (uint32_t)(2 * i + 1);
}

/* DATA frames of body d[0..n) on stream sid, END_STREAM on the last. */
static void data_frames(struct buf *b, uint32_t sid, const struct buf *d)
{
    for (size_t off = 0; off < d->len; off += H2_FRAME) {
        size_t m = d->len - off < H2_FRAME ? d->len - off : H2_FRAME;
        frame(b, m, FR_DATA, off + m == d->len ? FL_END_STREAM : 0, sid,
              d->p + off);
    }
}

static void request_frames(struct buf *b, nghttp2_hd_deflater *d, size_t i,
                           const struct tx *t)
{
    struct nvl l;
    memset(&l, 0, sizeof l);
    nv_add(&l, ":method", t->method);
    nv_add(&l, ":scheme", "https");
    nv_add(&l, ":authority", HOST);
    nv_add(&l, ":path", t->target);
    nv_add(&l, "user-agent", "tlsgen/1.0");
    nv_add(&l, "accept", "*/*");
    if (t->reqbody.len) {
        snprintf(l.num[0], sizeof l.num[0], "%zu", t->reqbody.len);
        nv_add(&l, "content-type", "application/json");
        nv_add(&l, "content-length", l.num[0]);
    }
    headers(b, d, sid_of(i), &l, t->reqbody.len == 0);
    data_frames(b, sid_of(i), &t->reqbody);
}

static void response_headers(struct buf *b, nghttp2_hd_deflater *d, size_t i,
                             const struct tx *t)
{
    struct nvl l;
    char ctype[96];
    memset(&l, 0, sizeof l);
    resp_ctype(t, ctype, sizeof ctype);
    snprintf(l.num[0], sizeof l.num[0], "%d", t->status);
    snprintf(l.num[1], sizeof l.num[1], "%zu", t->respbody.len);
    nv_add(&l, ":status", l.num[0]);
    nv_add(&l, "server", "tlsgen");
    nv_add(&l, "date", "Thu, 01 Jan 2026 00:00:00 GMT");
    nv_add(&l, "content-type", ctype);
    nv_add(&l, "content-length", l.num[1]);
    headers(b, d, sid_of(i), &l, t->respbody.len == 0);
}

/* ---- the exchange --------------------------------------------------------- */

/* side writes w (then emptied), also kept in all. */
static void put(struct conn *c, int side, struct buf *w, struct buf *all)
{
    side_write(c, side, w->p, w->len);
    buf_put(all, w->p, w->len);
    w->len = 0;
}

/* ---- parsing back --------------------------------------------------------- */

struct h2got {
    char method[8], path[96];
    int status;
    long long clen;
    struct buf body;
    int heads, ended;
};

static void got_field(struct h2got *g, const nghttp2_nv *nv, int from_client,
                      const char *who)
{
    char v[128];
    size_t n = nv->valuelen < sizeof v - 1 ? nv->valuelen : sizeof v - 1;
    memcpy(v, nv->value, n);
    v[n] = '\0';
#define IS(s) (nv->namelen == sizeof s - 1 && memcmp(nv->name, s, nv->namelen) == 0)
    if (IS("content-length"))
        g->clen = strtoll(v, NULL, 10);
    else if (from_client && IS(":method"))
        snprintf(g->method, sizeof g->method, "%.7s", v);
    else if (from_client && IS(":path"))
        snprintf(g->path, sizeof g->path, "%.95s", v);
    else if (!from_client && IS(":status"))
        g->status = atoi(v);
    else if (nv->namelen && nv->name[0] == ':' && !IS(":scheme") &&
             !IS(":authority"))
        die("%s: unexpected pseudo-header", who);
#undef IS
}

static void inflate_block(nghttp2_hd_inflater *inf, const unsigned char *p,
                          size_t n, struct h2got *g, int from_client,
                          const char *who)
{
    for (;;) {
        nghttp2_nv nv;
        int fl = 0;
        ssize_t k = nghttp2_hd_inflate_hd2(inf, &nv, &fl, p, n, 1);
        if (k < 0)
            die("%s: HPACK: %s", who, nghttp2_strerror((int)k));
        p += k;
        n -= (size_t)k;
        if (fl & NGHTTP2_HD_INFLATE_EMIT)
            got_field(g, &nv, from_client, who);
        if (fl & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inf);
            return;
        }
        if (!(fl & NGHTTP2_HD_INFLATE_EMIT) && n == 0)
            die("%s: header block cut short", who);
    }
}

/* One direction's bytes, frame by frame, against the plan. */
static void h2_check(const unsigned char *d, size_t n, int from_client,
                     struct tx **t, size_t ntx, const char *who)
{
    nghttp2_hd_inflater *inf;
    struct h2got *g = xmalloc(ntx * sizeof *g);
    size_t pos = 0, pl = sizeof H2_PREFACE - 1;
    memset(g, 0, ntx * sizeof *g);
    if (nghttp2_hd_inflate_new(&inf) != 0)
        die("nghttp2_hd_inflate_new");
    if (from_client) {
        if (n < pl || memcmp(d, H2_PREFACE, pl) != 0)
            die("%s: no connection preface", who);
        pos = pl;
    }
    while (pos < n) {
        size_t len;
        unsigned type, flags;
        uint32_t sid;
        const unsigned char *p;
        struct h2got *s = NULL;
        if (n - pos < 9)
            die("%s: frame header cut short", who);
        p = d + pos;
        len = (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
        type = p[3];
        flags = p[4];
        sid = ((uint32_t)p[5] & 0x7f) << 24 | (uint32_t)p[6] << 16 |
              (uint32_t)p[7] << 8 | p[8];
        if (n - pos - 9 < len || len > H2_FRAME)
            die("%s: frame of %zu bytes at %zu", who, len, pos);
        p += 9;
        if (type == FR_DATA || type == FR_HEADERS) {
            if (sid % 2 == 0 || (sid - 1) / 2 >= ntx)
                die("%s: frame on stream %u", who, (unsigned)sid);
            s = &g[(sid - 1) / 2];
            if (s->ended)
                die("%s: frame on closed stream %u", who, (unsigned)sid);
        }
        switch (type) {
        case FR_HEADERS:
            if (!(flags & FL_END_HEADERS) || s->heads++)
                die("%s: HEADERS on stream %u", who, (unsigned)sid);
            inflate_block(inf, p, len, s, from_client, who);
            break;
        case FR_DATA:
            if (!s->heads)
                die("%s: DATA before HEADERS on %u", who, (unsigned)sid);
            buf_put(&s->body, p, len);
            break;
        case FR_SETTINGS:
        case FR_WINDOW_UPDATE:
        case FR_GOAWAY: break;
        default: die("%s: frame type %u", who, type);
        }
        if (s && (flags & FL_END_STREAM))
            s->ended = 1;
        pos += 9 + len;
    }
    for (size_t i = 0; i < ntx; i++) {
        const struct buf *want = from_client ? &t[i]->reqbody : &t[i]->respbody;
        if (!g[i].ended || g[i].body.len != want->len ||
            (want->len && memcmp(g[i].body.p, want->p, want->len) != 0) ||
            (from_client ? strcmp(g[i].method, t[i]->method) != 0 ||
                               strcmp(g[i].path, t[i]->target) != 0
                         : g[i].status != t[i]->status ||
                               g[i].clen != (long long)want->len))
            die("%s: stream %u is not %s %s as planned", who,
                (unsigned)sid_of(i), t[i]->method, t[i]->target);
        buf_free(&g[i].body);
    }
    nghttp2_hd_inflate_del(inf);
    free(g);
}

void h2_exchange(struct conn *c, struct tx **t, size_t n)
{
    static const uint32_t cset[3][2] = {
        {0x2, 0},        /* ENABLE_PUSH */
        {0x3, 100},      /* MAX_CONCURRENT_STREAMS */
        {0x4, 1u << 24}, /* INITIAL_WINDOW_SIZE: 16 MiB */
    };
    static const uint32_t sset[2][2] = {
        {0x3, 100},      /* MAX_CONCURRENT_STREAMS */
        {0x4, 1u << 20}, /* INITIAL_WINDOW_SIZE: 1 MiB */
    };
    const unsigned char *sel = NULL;
    unsigned int sl = 0;
    nghttp2_hd_deflater *dq, *ds;
    struct buf sent[2] = {{0}}, w = {0};
    char who[64];
    snprintf(who, sizeof who, "big-h2 conn %d", c->tcp.index);
    SSL_get0_alpn_selected(c->sd[CLI].ssl, &sel, &sl);
    if (sl != 2 || memcmp(sel, "h2", 2) != 0)
        die("%s: ALPN h2 not selected", who);
    if (nghttp2_hd_deflate_new(&dq, 4096) != 0 ||
        nghttp2_hd_deflate_new(&ds, 4096) != 0)
        die("nghttp2_hd_deflate_new");

    /* the connection prefaces; windows of 1 GiB for the connection */
    buf_puts(&w, H2_PREFACE);
    settings(&w, cset, 3);
    window_update(&w, 0, (1u << 30) - 65535);
    put(c, CLI, &w, &sent[CLI]);
    conn_flush(c, CLI);
    side_pull(c, SRV);
    settings(&w, sset, 2);
    frame(&w, 0, FR_SETTINGS, FL_ACK, 0, NULL);
    window_update(&w, 0, (1u << 30) - 65535);
    put(c, SRV, &w, &sent[SRV]);
    conn_flush(c, SRV);
    side_pull(c, CLI);

    for (size_t b0 = 0; b0 < n; b0 += H2_CONC) {
        size_t b1 = n - b0 < H2_CONC ? n : b0 + H2_CONC, off[H2_CONC];
        int more;
        if (b0 == 0)
            frame(&w, 0, FR_SETTINGS, FL_ACK, 0, NULL);
        for (size_t i = b0; i < b1; i++)
            request_frames(&w, dq, i, t[i]);
        put(c, CLI, &w, &sent[CLI]);
        conn_flush(c, CLI);
        side_pull(c, SRV);
        for (size_t i = b0; i < b1; i++)
            response_headers(&w, ds, i, t[i]);
        put(c, SRV, &w, &sent[SRV]);
        conn_flush(c, SRV);
        /* the bodies, a frame of each open stream in turn */
        memset(off, 0, sizeof off);
        do {
            more = 0;
            for (size_t i = b0; i < b1; i++) {
                const struct buf *d = &t[i]->respbody;
                size_t o = off[i - b0], m;
                if (o >= d->len)
                    continue;
                m = d->len - o < H2_FRAME ? d->len - o : H2_FRAME;
                frame(&w, m, FR_DATA, o + m == d->len ? FL_END_STREAM : 0,
                      sid_of(i), d->p + o);
                off[i - b0] = o + m;
                more |= off[i - b0] < d->len;
            }
        } while (more);
        put(c, SRV, &w, &sent[SRV]);
        conn_flush(c, SRV);
        side_pull(c, CLI);
        conn_flush(c, CLI); /* a pure ACK */
    }
    {
        unsigned char p[8] = {0}; /* last stream 0, NO_ERROR */
        frame(&w, 8, FR_GOAWAY, 0, 0, p);
        put(c, CLI, &w, &sent[CLI]);
        conn_flush(c, CLI);
        side_pull(c, SRV);
    }
    for (int s = 0; s < 2; s++)
        if (c->sd[1 - s].got.len != sent[s].len ||
            memcmp(c->sd[1 - s].got.p, sent[s].p, sent[s].len) != 0)
            die("%s: the %s did not read what the %s wrote", who,
                s == CLI ? "server" : "client", s == CLI ? "client" : "server");
    h2_check(sent[CLI].p, sent[CLI].len, 1, t, n, who);
    h2_check(sent[SRV].p, sent[SRV].len, 0, t, n, who);
    nghttp2_hd_deflate_del(dq);
    nghttp2_hd_deflate_del(ds);
    buf_free(&sent[CLI]);
    buf_free(&sent[SRV]);
    buf_free(&w);
}
