/* SPDX-License-Identifier: MIT */
/* The two threads' queue. Each record is an 8-byte length and the record,
 * padded to 8 bytes; a length of 0 says the rest of the ring is skipped (a
 * record never wraps). Counts of bytes only grow, so free room is
 * cap - (head - released) and waiting data published - tail. */
#include "pipe.h"

#include <stdlib.h>
#include <string.h>

static size_t padded(size_t size)
{
    return (8 + size + 7) & ~(size_t)7;
}

size_t pipe_max_record(const struct pipe *p)
{
    return p->cap / 4 - 8;
}

bool pipe_init(struct pipe *p, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->ring = aligned_alloc(64, cap);
    if (p->ring == NULL)
        return false;
    p->cap = cap;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p->ring);
        return false;
    }
    if (pthread_cond_init(&p->changed, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p->ring);
        return false;
    }
    return true;
}

void pipe_destroy(struct pipe *p)
{
    if (p->ring == NULL)
        return;
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p->ring);
    p->ring = NULL;
}

/* --- the producer -------------------------------------------------------- */

static void publish_locked(struct pipe *p)
{
    if (p->published != p->head) {
        p->published = p->head;
        pthread_cond_signal(&p->changed);
    }
}

void pipe_flush(struct pipe *p)
{
    pthread_mutex_lock(&p->lock);
    publish_locked(p);
    pthread_mutex_unlock(&p->lock);
}

void *pipe_reserve(struct pipe *p, size_t size)
{
    size_t total = padded(size);
    size_t pos = (size_t)(p->head & (p->cap - 1));
    size_t skip = p->cap - pos < total ? p->cap - pos : 0;
    if (p->head + skip + total - p->freed > p->cap) {
        pthread_mutex_lock(&p->lock);
        publish_locked(p); /* what it waits for may be behind this */
        while (p->head + skip + total - p->released > p->cap)
            pthread_cond_wait(&p->changed, &p->lock);
        p->freed = p->released;
        pthread_mutex_unlock(&p->lock);
    }
    if (skip > 0) {
        uint64_t zero = 0;
        memcpy(p->ring + pos, &zero, 8);
        p->head += skip;
        pos = 0;
    }
    uint64_t len = size;
    memcpy(p->ring + pos, &len, 8);
    return p->ring + pos + 8;
}

void pipe_commit(struct pipe *p, size_t size)
{
    p->head += padded(size);
    if (p->head - p->published >= PIPE_BATCH)
        pipe_flush(p);
}

void pipe_close(struct pipe *p)
{
    pthread_mutex_lock(&p->lock);
    p->published = p->head;
    p->closed = true;
    pthread_cond_signal(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* --- the consumer -------------------------------------------------------- */

static void release_locked(struct pipe *p)
{
    if (p->released != p->tail) {
        p->released = p->tail;
        pthread_cond_signal(&p->changed);
    }
}

const void *pipe_next(struct pipe *p, size_t *size)
{
    for (;;) {
        if (p->tail == p->seen) {
            pthread_mutex_lock(&p->lock);
            release_locked(p); /* the producer may be waiting for room */
            while (p->published == p->tail && !p->closed)
                pthread_cond_wait(&p->changed, &p->lock);
            p->seen = p->published;
            pthread_mutex_unlock(&p->lock);
            if (p->tail == p->seen)
                return NULL; /* closed, and everything taken */
        }
        size_t pos = (size_t)(p->tail & (p->cap - 1));
        uint64_t len;
        memcpy(&len, p->ring + pos, 8);
        if (len == 0) {
            p->tail += p->cap - pos;
            continue;
        }
        *size = (size_t)len;
        return p->ring + pos + 8;
    }
}

void pipe_release(struct pipe *p, size_t size)
{
    p->tail += padded(size);
    if (p->tail - p->released >= PIPE_BATCH) {
        pthread_mutex_lock(&p->lock);
        release_locked(p);
        pthread_mutex_unlock(&p->lock);
    }
}
