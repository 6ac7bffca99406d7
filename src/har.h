/* SPDX-License-Identifier: MIT */
/* HTTP transactions as one HAR 1.2 log (HTTP Archive, "HAR 1.2 Spec",
 * softwareishard.com), entries in order of startedDateTime, WebSocket
 * messages in Chrome's "_webSocketMessages" form. Memory stays bounded:
 * each entry is serialized at once to an unlinked temporary file and only
 * a 32-byte index per entry (24 per WebSocket message) is kept; the log is
 * written out, sorted, by har_writer_finish. Field mapping: docs/har.md. */
#ifndef SIFT_HAR_H
#define SIFT_HAR_H

#include <stdbool.h>
#include <stdio.h>

#include "pcapsift/http.h"

struct har_options {
    bool bodies;                 /* postData.text and content.text */
    const char *creator_version; /* log.creator.version; NULL: this build */
};

struct har_writer;

/* A writer to out (not owned). NULL when out of memory or when no
 * temporary file could be made. */
struct har_writer *har_writer_new(FILE *out, const struct har_options *o);

/* Adds one transaction (borrowed for the call), in completion order. */
void har_writer_transaction(struct har_writer *w,
                            const struct sift_http_transaction *t);

/* Adds one WebSocket message of an earlier transaction (m->transaction_id);
 * a message whose transaction was never added is left out. */
void har_writer_ws_message(struct har_writer *w,
                           const struct sift_ws_message *m);

/* A TLS connection at its end: those not decrypted are listed in the
 * log's "_tls" summary (docs/har.md), so HTTPS a HAR lacks is not silent. */
void har_writer_tls(struct har_writer *w, const struct sift_tls_info *t);

/* Writes the whole HAR to out, once. 0 ok; -1 when anything failed on the
 * way (no memory for the index, temporary file or output I/O error). */
int har_writer_finish(struct har_writer *w);

void har_writer_free(struct har_writer *w);

/* The request's absolute URL as HAR gives it (Host header or the server's
 * address, percent-encoded where RFC 3986 wants it); every output and the
 * --url filter use this one. */
void har_put_url(FILE *out, const struct sift_http_transaction *t);

#endif
