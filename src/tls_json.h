/* SPDX-License-Identifier: MIT */
/* TLS connections as JSON objects, text lines and CSV rows (the fields of
 * docs/tls.md). */
#ifndef SIFT_TLS_JSON_H
#define SIFT_TLS_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"
#include "pcapsift/tls.h"

/* The short object an HTTP transaction carries: version, cipher, SNI,
 * ALPN, resumption; null when t is NULL (cleartext). */
void tls_json_summary(struct jsonw *w, const char *key,
                      const struct sift_tls_info *t);

/* One connection of `pcapsift tls`. */
void tls_json_connection(struct jsonw *w, const struct sift_tls_info *t,
                         uint64_t conn_id);

void tls_text_line(FILE *fp, const struct sift_tls_info *t, uint64_t conn_id);

void tls_csv_header(FILE *fp);
void tls_csv_row(FILE *fp, const struct sift_tls_info *t, uint64_t conn_id);

#endif
