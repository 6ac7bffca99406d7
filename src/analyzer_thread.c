/* SPDX-License-Identifier: MIT */
/* The analyzer on two threads: the caller's thread reads, decodes and
 * reassembles TCP; a second thread runs TLS, HTTP and the callbacks. What
 * TCP hands on (events, in-order bytes, ends), the first thread's warnings
 * and pcap-ng secrets go through one queue in the order they happened, so
 * the second thread makes the same calls in the same order as one thread
 * would, and the output is the same byte for byte.
 *
 * The bytes are copied into the queue (TCP's buffers are reused as soon as
 * its callback returns), and so is the connection as it is at each call:
 * the second thread keeps its own copy of every open connection, updated
 * from each record, so the layers above TCP see the same fields one thread
 * would have shown them, and the pointers they keep stay valid until the
 * connection's end, as TCP's own do. */
#include <stdlib.h>
#include <string.h>

#include "analyzer_internal.h"

/* The queue: 16 MiB, so the first thread runs well ahead between waits. */
#define QUEUE_BYTES ((size_t)16 << 20)

enum item_type {
    ITEM_TCP_EVENT = 1, ITEM_TCP_DATA, ITEM_TCP_END, ITEM_WARNING,
    ITEM_SECRETS,
};

/* One queued call; the data bytes, warning text or secrets follow it. */
struct item {
    uint32_t type;
    uint32_t dir;
    struct analyzer_where where;
    int64_t ts;
    uint64_t offset, length;
    uint32_t kind;  /* TCP event kind, warning kind, secrets type */
    uint32_t layer; /* warning layer, secrets section */
    uint64_t record; /* warning record */
    uint32_t missing; /* TCP data: a gap (no bytes follow, data NULL) */
    uint32_t unused;
    struct sift_tcp_conn conn; /* TCP items: the connection at the call */
};

struct analyzer_mirror {
    struct analyzer_mirror *next;
    struct sift_tcp_conn conn;
};

/* --- the first thread: queuing ------------------------------------------- */

static struct item *reserve(struct sift_analyzer *a, enum item_type type,
                            size_t extra)
{
    struct item *it = pipe_reserve(&a->pipe, sizeof *it + extra);
    memset(it, 0, sizeof *it);
    it->type = type;
    it->where = a->feed_here;
    return it;
}

static void commit(struct sift_analyzer *a, size_t extra)
{
    pipe_commit(&a->pipe, sizeof(struct item) + extra);
}

void analyzer_queue_event(void *ctx, const struct sift_tcp_event *e)
{
    struct sift_analyzer *a = ctx;
    struct item *it = reserve(a, ITEM_TCP_EVENT, 0);
    it->dir = e->dir;
    it->ts = e->ts_ns;
    it->offset = e->offset;
    it->length = e->length;
    it->kind = e->kind;
    it->conn = *e->conn;
    commit(a, 0);
}

void analyzer_queue_data(void *ctx, const struct sift_tcp_conn *c,
                         enum sift_tcp_dir dir, const uint8_t *data,
                         size_t len, uint64_t offset, int64_t ts_ns)
{
    struct sift_analyzer *a = ctx;
    /* Long runs go in pieces: the layers above take bytes in any split. */
    size_t most = pipe_max_record(&a->pipe) - sizeof(struct item);
    if (data == NULL) { /* bytes missing from the capture: a count only */
        struct item *it = reserve(a, ITEM_TCP_DATA, 0);
        it->dir = dir;
        it->ts = ts_ns;
        it->offset = offset;
        it->length = len;
        it->missing = 1;
        it->conn = *c;
        commit(a, 0);
        return;
    }
    do {
        size_t n = len < most ? len : most;
        struct item *it = reserve(a, ITEM_TCP_DATA, n);
        it->dir = dir;
        it->ts = ts_ns;
        it->offset = offset;
        it->length = n;
        it->conn = *c;
        if (n > 0)
            memcpy(it + 1, data, n);
        commit(a, n);
        data += n;
        len -= n;
        offset += n;
    } while (len > 0);
}

void analyzer_queue_end(void *ctx, const struct sift_tcp_conn *c)
{
    struct sift_analyzer *a = ctx;
    struct item *it = reserve(a, ITEM_TCP_END, 0);
    it->conn = *c;
    commit(a, 0);
}

void analyzer_front_warning(void *ctx, const struct sift_warning *w)
{
    struct sift_analyzer *a = ctx;
    if (!a->thread_running) {
        if (a->cb.on_warning != NULL)
            a->cb.on_warning(a->cb.warning_ctx != NULL ? a->cb.warning_ctx
                                                       : a->cb.ctx, w);
        return;
    }
    const char *msg = w->message != NULL ? w->message : "";
    size_t n = strlen(msg) + 1;
    size_t most = pipe_max_record(&a->pipe) - sizeof(struct item);
    if (n > most)
        n = most; /* cut (never, at the lengths warnings have) */
    struct item *it = reserve(a, ITEM_WARNING, n);
    it->kind = w->kind;
    it->layer = w->layer;
    it->offset = w->offset;
    it->record = w->record;
    memcpy(it + 1, msg, n - 1);
    ((char *)(it + 1))[n - 1] = '\0';
    commit(a, n);
}

void analyzer_queue_secrets(struct sift_analyzer *a,
                            const struct sift_secrets *s)
{
    size_t most = pipe_max_record(&a->pipe) - sizeof(struct item);
    size_t n = s->len < most ? s->len : most;
    if (n < s->len) {
        /* A key log of more than 4 MiB in one block: the queue is run to
         * its end, the secrets are added here (in order still), and the
         * second thread starts again. */
        analyzer_thread_stop(a);
        analyzer_add_secrets_now(a, s);
        pipe_destroy(&a->pipe);
        if (!analyzer_thread_start(a))
            a->threaded = false; /* out of memory: one thread from here */
        return;
    }
    struct item *it = reserve(a, ITEM_SECRETS, n);
    it->kind = s->type;
    it->layer = s->section;
    it->length = n;
    if (n > 0)
        memcpy(it + 1, s->data, n);
    commit(a, n);
}

/* --- the second thread: the connections and the calls ------------------ */

static size_t bucket_of(const struct sift_analyzer *a, uint64_t id)
{
    return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 40) &
           (a->mirror_buckets - 1);
}

static bool grow_mirrors(struct sift_analyzer *a)
{
    size_t n = a->mirror_buckets ? a->mirror_buckets * 2 : 1024;
    struct analyzer_mirror **b = calloc(n, sizeof *b);
    if (b == NULL)
        return false;
    size_t old = a->mirror_buckets;
    struct analyzer_mirror **ob = a->mirrors;
    a->mirrors = b;
    a->mirror_buckets = n;
    for (size_t i = 0; i < old; i++)
        for (struct analyzer_mirror *m = ob[i], *next; m != NULL; m = next) {
            next = m->next;
            size_t at = bucket_of(a, m->conn.id);
            m->next = b[at];
            b[at] = m;
        }
    free(ob);
    return true;
}

/* The second thread's copy of a connection, brought up to the call's
 * state; NULL when out of memory (the call is then dropped). */
static struct sift_tcp_conn *mirror(struct sift_analyzer *a,
                                    const struct sift_tcp_conn *c)
{
    if (a->mirror_buckets > 0)
        for (struct analyzer_mirror *m = a->mirrors[bucket_of(a, c->id)];
             m != NULL; m = m->next)
            if (m->conn.id == c->id) {
                m->conn = *c;
                return &m->conn;
            }
    if (a->mirror_count >= a->mirror_buckets && !grow_mirrors(a))
        return NULL;
    struct analyzer_mirror *m = malloc(sizeof *m);
    if (m == NULL)
        return NULL;
    m->conn = *c;
    size_t at = bucket_of(a, c->id);
    m->next = a->mirrors[at];
    a->mirrors[at] = m;
    a->mirror_count++;
    return &m->conn;
}

static void forget(struct sift_analyzer *a, uint64_t id)
{
    struct analyzer_mirror **link = &a->mirrors[bucket_of(a, id)];
    while (*link != NULL && (*link)->conn.id != id)
        link = &(*link)->next;
    if (*link == NULL)
        return;
    struct analyzer_mirror *m = *link;
    *link = m->next;
    free(m);
    a->mirror_count--;
}

static void run_item(struct sift_analyzer *a, const struct item *it)
{
    a->here = it->where;
    if (it->type == ITEM_WARNING) {
        struct sift_warning w = {(enum sift_warning_kind)it->kind,
                                 (enum sift_layer)it->layer, it->offset,
                                 it->record, (const char *)(it + 1)};
        if (a->cb.on_warning != NULL)
            a->cb.on_warning(a->cb.warning_ctx != NULL ? a->cb.warning_ctx
                                                       : a->cb.ctx, &w);
        return;
    }
    if (it->type == ITEM_SECRETS) {
        struct sift_secrets s = {it->layer, it->kind,
                                 (const uint8_t *)(it + 1),
                                 (size_t)it->length};
        analyzer_add_secrets_now(a, &s);
        return;
    }
    struct sift_tcp_conn *c = mirror(a, &it->conn);
    if (c == NULL)
        return;
    if (it->type == ITEM_TCP_EVENT) {
        struct sift_tcp_event e = {(enum sift_tcp_event_kind)it->kind, c,
                                   (enum sift_tcp_dir)it->dir, it->ts,
                                   it->offset, it->length};
        analyzer_tcp_event(a, &e);
    } else if (it->type == ITEM_TCP_DATA) {
        analyzer_tcp_data(a, c, (enum sift_tcp_dir)it->dir,
                          it->missing ? NULL : (const uint8_t *)(it + 1),
                          (size_t)it->length, it->offset, it->ts);
    } else if (it->type == ITEM_TCP_END) {
        analyzer_tcp_end(a, c);
        forget(a, c->id);
    }
}

static void *second_thread(void *arg)
{
    struct sift_analyzer *a = arg;
    size_t size;
    const void *rec;
    while ((rec = pipe_next(&a->pipe, &size)) != NULL) {
        run_item(a, rec);
        pipe_release(&a->pipe, size);
    }
    return NULL;
}

bool analyzer_thread_start(struct sift_analyzer *a)
{
    if (a->pipe.ring == NULL && !pipe_init(&a->pipe, QUEUE_BYTES))
        return false;
    if (pthread_create(&a->thread, NULL, second_thread, a) != 0)
        return false;
    a->thread_running = true;
    return true;
}

void analyzer_thread_stop(struct sift_analyzer *a)
{
    if (!a->thread_running)
        return;
    pipe_close(&a->pipe);
    pthread_join(a->thread, NULL);
    a->thread_running = false;
}

void analyzer_thread_free(struct sift_analyzer *a)
{
    for (size_t i = 0; i < a->mirror_buckets; i++)
        for (struct analyzer_mirror *m = a->mirrors[i], *next; m != NULL;
             m = next) {
            next = m->next;
            free(m);
        }
    free(a->mirrors);
    a->mirrors = NULL;
    a->mirror_buckets = a->mirror_count = 0;
    pipe_destroy(&a->pipe);
}
