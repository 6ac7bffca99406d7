/* SPDX-License-Identifier: MIT */
/* TLS 1.2 sessions learnt within one capture: a master secret found once
 * (from the key log) serves the abbreviated handshakes that resume it, by
 * session id (RFC 5246 §7.3) or by ticket (RFC 5077). Bounded: a full
 * table overwrites entries. */
#ifndef SIFT_TLS_SESSION_H
#define SIFT_TLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tls_session_cache;

/* capacity 0: 65536 sessions. */
struct tls_session_cache *tls_session_cache_new(size_t capacity);
void tls_session_cache_free(struct tls_session_cache *c);

enum tls_session_kind { TLS_SESSION_ID = 0, TLS_SESSION_TICKET = 1 };

/* Remembers master for a session id (1..32 bytes) or a ticket (given as
 * its SHA-256). */
void tls_session_put(struct tls_session_cache *c, enum tls_session_kind k,
                     const uint8_t *id, size_t len, const uint8_t master[48]);
bool tls_session_get(const struct tls_session_cache *c,
                     enum tls_session_kind k, const uint8_t *id, size_t len,
                     uint8_t master[48]);

#endif
