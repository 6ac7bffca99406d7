/* SPDX-License-Identifier: MIT */
/* HTTP transactions and WebSocket messages as JSON objects (the schema of
 * docs/http.md and docs/http.schema.json), and as CSV rows (RFC 4180). */
#ifndef SIFT_HTTP_JSON_H
#define SIFT_HTTP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"
#include "pcapsift/http.h"

/* One transaction object; ids are the caller's (continuing over files). */
void http_json_transaction(struct jsonw *w,
                           const struct sift_http_transaction *t,
                           uint64_t id, uint64_t conn_id, bool bodies);
void http_json_ws_message(struct jsonw *w, const struct sift_ws_message *m,
                          uint64_t transaction_id, uint64_t conn_id,
                          bool payloads);

void http_csv_header(FILE *fp);
void http_csv_row(FILE *fp, const struct sift_http_transaction *t,
                  uint64_t id, uint64_t conn_id);

/* The Host header's value, or the server's address and port. */
size_t http_host_of(const struct sift_http_transaction *t, char *buf,
                    size_t cap);
/* The absolute URL of the request, as in HAR (har_put_url), capped; ""
 * without a request. */
size_t http_url_of(const struct sift_http_transaction *t, char *buf,
                   size_t cap);

#endif
