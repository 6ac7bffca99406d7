/* SPDX-License-Identifier: MIT */
/* A single-producer, single-consumer queue of variable-size records in one
 * ring of bytes, for the analyzer's two threads: the producer reserves
 * room, writes a record and commits it; the consumer takes records in the
 * same order and releases them. Records are published and released in
 * batches, so the lock is taken about once per PIPE_BATCH bytes, not per
 * record. */
#ifndef SIFT_PIPE_H
#define SIFT_PIPE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIPE_BATCH ((size_t)64 * 1024)

struct pipe {
    uint8_t *ring;
    size_t cap; /* a power of two */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    /* Shared, under lock: bytes ever published and ever released. */
    uint64_t published, released;
    bool closed;
    /* The producer's own: bytes written (some not yet published), and the
     * consumer's released count as last seen. */
    uint64_t head, freed;
    /* The consumer's own: bytes read (some not yet released), and the
     * producer's published count as last seen. */
    uint64_t tail, seen;
};

/* The largest record: a quarter of the ring, so one always fits. */
size_t pipe_max_record(const struct pipe *p);

bool pipe_init(struct pipe *p, size_t cap);
void pipe_destroy(struct pipe *p);

/* Room for a record of size bytes (at most pipe_max_record()); waits while
 * the consumer has not released enough. The pointer is 8-byte aligned. */
void *pipe_reserve(struct pipe *p, size_t size);
/* The reserved record is written; it is published with the next batch. */
void pipe_commit(struct pipe *p, size_t size);
/* Publishes everything committed. */
void pipe_flush(struct pipe *p);
/* No more records: publishes the rest and wakes the consumer. */
void pipe_close(struct pipe *p);

/* The next record (its size in *size), waiting for one; NULL once the
 * producer has closed and every record was taken. The record stays valid
 * until pipe_release(). */
const void *pipe_next(struct pipe *p, size_t *size);
/* The record pipe_next() gave is done with. */
void pipe_release(struct pipe *p, size_t size);

#endif
