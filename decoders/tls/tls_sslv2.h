/* SPDX-License-Identifier: MIT */
/* The SSL 2.0-compatible ClientHello (RFC 5246 §E.2, RFC 6101 §E.2.1)
 * that old clients send to servers of any version: recognised, and
 * rewritten as the TLS ClientHello record it stands for, so the rest of
 * the layer reads one kind of hello. */
#ifndef SIFT_TLS_SSLV2_H
#define SIFT_TLS_SSLV2_H

#include <stddef.h>
#include <stdint.h>

/* The most a rewritten hello takes: header, random, id, suites. */
#define TLS_SSLV2_OUT_MAX (5 + 4 + 2 + 32 + 1 + 32 + 2 + 2 * 10922 + 2)

/* Does p start an SSLv2-format ClientHello? 1 yes, 0 no, -1 too few
 * bytes to tell (fewer than 5). */
int tls_sslv2_is_hello(const uint8_t *p, size_t n);

/* Bytes the SSLv2 record at p takes (its 2-byte header included). */
size_t tls_sslv2_record_len(const uint8_t *p);

/* Rewrites a whole SSLv2 ClientHello record (len bytes) as a TLS
 * handshake record into out (TLS_SSLV2_OUT_MAX bytes); its length, or 0
 * when the hello is malformed. The client random is the challenge, left-
 * padded with zeros to 32 bytes (§E.2); cipher specs not of the TLS form
 * (first byte not 0) are left out. */
size_t tls_sslv2_rewrite(const uint8_t *p, size_t len, uint8_t *out);

#endif
