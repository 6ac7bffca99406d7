/* SPDX-License-Identifier: MIT */
/* The TLS layer: a table of connections by TCP id, each undecided until
 * its first bytes say whether it speaks TLS (a ClientHello or ServerHello
 * record, or, caught mid-stream, application data or an alert record).
 * TLS connections are followed by tls_conn; the others' bytes pass on
 * untouched. */
#include "tls_layer.h"

#include <stdlib.h>
#include <string.h>

#include "tls_conn.h"
#include "tls_crypto.h"
#include "tls_record.h"

enum { UNDECIDED = 0, IS_TLS, NOT_TLS };

/* Bytes held per direction while undecided: a record header and the
 * handshake type after it. */
#define PEEK 6

struct entry {
    struct entry *next;
    uint64_t id;
    uint8_t state;
    uint8_t held_len[2];
    uint8_t held[2][PEEK];
    int64_t held_ts[2];
    struct tls_conn *conn;
};

struct tls_layer {
    struct tls_layer_cb cb;
    struct tls_env env;
    struct sift_tls_stats stats;
    struct entry **buckets;
    size_t nbuckets, count;
};

/* --- the table -------------------------------------------------------- */

static size_t bucket_of(const struct tls_layer *l, uint64_t id)
{
    return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 24) & (l->nbuckets - 1);
}

static struct entry **slot_of(struct tls_layer *l, uint64_t id)
{
    struct entry **p = &l->buckets[bucket_of(l, id)];
    while (*p != NULL && (*p)->id != id)
        p = &(*p)->next;
    return p;
}

static void grow(struct tls_layer *l)
{
    size_t n = l->nbuckets * 2;
    struct entry **b = calloc(n, sizeof *b);
    if (b == NULL)
        return;
    struct entry **old = l->buckets;
    size_t oldn = l->nbuckets;
    l->buckets = b;
    l->nbuckets = n;
    for (size_t i = 0; i < oldn; i++)
        for (struct entry *e = old[i], *next; e != NULL; e = next) {
            next = e->next;
            size_t k = bucket_of(l, e->id);
            e->next = b[k];
            b[k] = e;
        }
    free(old);
}

static struct entry *entry_get(struct tls_layer *l, uint64_t id)
{
    struct entry **slot = slot_of(l, id);
    if (*slot != NULL)
        return *slot;
    struct entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->id = id;
    *slot = e;
    if (++l->count > l->nbuckets)
        grow(l);
    return e;
}

/* --- deciding --------------------------------------------------------- */

static void deliver(void *ctx, const struct sift_tls_info *t,
                    enum sift_tcp_dir dir, const uint8_t *p, size_t n,
                    int64_t ts)
{
    struct tls_layer *l = ctx;
    if (l->cb.data != NULL)
        l->cb.data(l->cb.ctx, t->conn, t, dir, p, n, ts);
}

static uint64_t countable(void *ctx, const struct sift_tls_info *t,
                          enum sift_tcp_dir dir)
{
    struct tls_layer *l = ctx;
    return l->cb.countable(l->cb.ctx, t->conn, dir);
}

static void count(void *ctx, const struct sift_tls_info *t,
                  enum sift_tcp_dir dir, uint64_t n, int64_t ts)
{
    struct tls_layer *l = ctx;
    l->cb.count(l->cb.ctx, t->conn, t, dir, n, ts);
}

/* Passes bytes on: to the TLS connection, or to the consumer as they are. */
static void pass(struct tls_layer *l, struct entry *e,
                 const struct sift_tcp_conn *c, enum sift_tcp_dir dir,
                 const uint8_t *p, size_t n, int64_t ts)
{
    if (e->state == IS_TLS) {
        tls_conn_set_tcp(e->conn, c);
        if (p != NULL)
            tls_conn_data(e->conn, dir, p, n, ts);
        else
            tls_conn_gap(e->conn, dir, n, ts);
    } else if (l->cb.data != NULL) {
        l->cb.data(l->cb.ctx, c, NULL, dir, p, n, ts);
    }
}

static void decide(struct tls_layer *l, struct entry *e,
                   const struct sift_tcp_conn *c, bool tls)
{
    e->state = NOT_TLS;
    if (tls && (e->conn = tls_conn_new(&l->env, c)) != NULL)
        e->state = IS_TLS;
    /* What was held while undecided goes first. */
    for (int d = 0; d < 2; d++)
        if (e->held_len[d] > 0) {
            pass(l, e, c, (enum sift_tcp_dir)d, e->held[d], e->held_len[d],
                 e->held_ts[d]);
            e->held_len[d] = 0;
        }
}

/* Looks at a direction's first bytes; true when it decided. */
static bool look(struct tls_layer *l, struct entry *e,
                 const struct sift_tcp_conn *c, enum sift_tcp_dir dir,
                 const uint8_t *p, size_t n, int64_t ts)
{
    uint8_t buf[PEEK];
    size_t have = e->held_len[dir];
    size_t k = n < PEEK - have ? n : PEEK - have;
    memcpy(buf, e->held[dir], have);
    memcpy(buf + have, p, k);
    int v = tls_record_looks_like_tls(buf, have + k,
                                      dir == SIFT_TCP_FROM_CLIENT);
    if (v < 0 && have + k < PEEK && k == n) {
        /* Too few bytes to tell: hold them for the next delivery. */
        memcpy(e->held[dir] + have, p, k);
        e->held_len[dir] = (uint8_t)(have + k);
        e->held_ts[dir] = ts;
        return false;
    }
    decide(l, e, c, v == 1);
    return true;
}

void tls_layer_data(struct tls_layer *l, const struct sift_tcp_conn *c,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    int64_t ts)
{
    struct entry *e = entry_get(l, c->id);
    if (e == NULL)
        return;
    if (e->state == UNDECIDED) {
        if (data == NULL) {
            /* The beginning is missing: what follows cannot be told by
             * its first bytes; decide on what is held. */
            decide(l, e, c, false);
        } else if (!look(l, e, c, dir, data, len, ts)) {
            return;
        }
    }
    pass(l, e, c, dir, data, len, ts);
}

void tls_layer_event(struct tls_layer *l, const struct sift_tcp_event *e)
{
    if (e->kind == SIFT_TCP_EV_CLOSE) {
        struct entry *en = *slot_of(l, e->conn->id);
        if (en != NULL && en->state == IS_TLS) {
            tls_conn_set_tcp(en->conn, e->conn);
            tls_conn_eof(en->conn, e->dir, e->ts_ns);
        }
    }
    if (l->cb.close != NULL)
        l->cb.close(l->cb.ctx, e);
}

void tls_layer_end(struct tls_layer *l, const struct sift_tcp_conn *c)
{
    struct entry **slot = slot_of(l, c->id);
    struct entry *e = *slot;
    if (e != NULL && e->state == UNDECIDED)
        decide(l, e, c, false); /* a few held bytes: pass them on */
    const struct sift_tls_info *info = NULL;
    if (e != NULL && e->state == IS_TLS) {
        tls_conn_set_tcp(e->conn, c);
        info = tls_conn_finish(e->conn);
    }
    if (l->cb.end != NULL)
        l->cb.end(l->cb.ctx, c);
    if (info != NULL && l->cb.connection != NULL)
        l->cb.connection(l->cb.ctx, info);
    if (e != NULL) {
        *slot = e->next;
        l->count--;
        tls_conn_free(e->conn);
        free(e);
    }
}

/* --- the layer -------------------------------------------------------- */

struct tls_layer *tls_layer_new(const struct sift_tls_options *opt,
                                struct sift_keylog *keys,
                                const struct tls_layer_cb *cb)
{
    struct tls_layer *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->cb = *cb;
    l->nbuckets = 1024;
    l->buckets = calloc(l->nbuckets, sizeof *l->buckets);
    l->env.scratch = malloc(2 * (size_t)TLS_MAX_CIPHERTEXT);
    l->env.sessions = tls_session_cache_new(0);
    l->env.certs = tls_cert_cache_new();
    if (l->buckets == NULL || l->env.scratch == NULL ||
        l->env.sessions == NULL) {
        tls_layer_free(l);
        return NULL;
    }
    l->env.keys = keys;
    l->env.max_handshake = opt != NULL && opt->max_handshake != 0
                               ? opt->max_handshake
                               : 256u << 10;
    l->env.stats = &l->stats;
    l->env.ctx = l;
    l->env.deliver = deliver;
    if (l->cb.countable != NULL && l->cb.count != NULL) {
        l->env.countable = countable;
        l->env.count = count;
    }
    l->env.warn = cb->warn;
    l->env.warn_ctx = cb->warn_ctx;
    return l;
}

void tls_layer_free(struct tls_layer *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; l->buckets != NULL && i < l->nbuckets; i++)
        for (struct entry *e = l->buckets[i], *next; e != NULL; e = next) {
            next = e->next;
            tls_conn_free(e->conn);
            free(e);
        }
    free(l->buckets);
    free(l->env.scratch);
    tls_session_cache_free(l->env.sessions);
    tls_cert_cache_free(l->env.certs);
    free(l);
}

const struct sift_tls_stats *tls_layer_stats(const struct tls_layer *l)
{
    return &l->stats;
}
