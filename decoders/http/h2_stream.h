/* SPDX-License-Identifier: MIT */
/* HTTP/2 streams as transactions (internal to h2_conn.c): header fields
 * collected from HPACK into HTTP/1.x-shaped heads (pseudo-header fields
 * first, as sent, then the rest), DATA into bodies, and the stream list
 * in the order streams were opened. */
#ifndef SIFT_H2_STREAM_H
#define SIFT_H2_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_msg.h"

/* Fields of one header block while it is decoded. */
struct h2_fields {
    struct h2_field_at { uint32_t name, name_len, value, value_len; } *at;
    size_t count, cap;
    char *store;
    size_t len, store_cap;
    uint32_t max;            /* fields kept */
    bool capped;             /* more than max, or out of memory */
    bool bad;                /* a pseudo-header after a regular field, an
                                unknown one, or one repeated */
};

void h2_fields_init(struct h2_fields *f, uint32_t max);
void h2_fields_add(void *fields, const uint8_t *name, size_t name_len,
                   const uint8_t *value, size_t value_len);
void h2_fields_free(struct h2_fields *f);
/* The value of the pseudo-header `name` (":status"...), or NULL. */
const char *h2_fields_get(const struct h2_fields *f, const char *name,
                          size_t *len);

/* A head from the fields (which are moved into it): request (method,
 * target from :method and :path, or :authority for CONNECT), response
 * (:status) or, fields_only, trailers. Version 20. */
void h2_head_from(struct h2_fields *f, bool request, bool fields_only,
                  struct http_head *out);

struct h2_stream {
    struct h2_stream *next;    /* in the order opened */
    struct h2_stream *hash_next; /* in the connection's table by id */
    uint64_t header_mem;       /* decoded header bytes its heads hold */
    uint32_t id, index;
    struct http_msg req, resp;
    struct http_msg *interim;  /* 1xx */
    size_t interim_count;
    uint64_t wire[2];          /* DATA content bytes each way */
    uint32_t flags;            /* the transaction's own */
    uint32_t error;            /* RST_STREAM error code */
    uint32_t promised_by;      /* pushed: the stream of the PUSH_PROMISE */
    bool ended[2];             /* END_STREAM seen, by direction */
    bool reset;                /* RST_STREAM, GOAWAY or the end */
};

/* The message a direction's DATA goes to (NULL when none is open). */
struct http_msg *h2_stream_msg(struct h2_stream *s, bool from_client);

/* Ends the stream's direction: the open message is finished. */
void h2_stream_end_dir(struct h2_stream *s, bool from_client, uint32_t flags,
                       int64_t ts);

/* Both directions ended (or the stream was reset): ready to emit. */
bool h2_stream_done(const struct h2_stream *s);

/* The transaction of a finished stream (borrowing it). */
void h2_stream_publish(struct h2_stream *s, const struct sift_tcp_conn *c,
                       const struct sift_tls_info *tls,
                       struct sift_http_transaction *pub,
                       struct sift_http_message *interim, size_t cap);

void h2_stream_free(struct h2_stream *s);

#endif
