/* SPDX-License-Identifier: MIT */
/* The TLS 1.2 session cache of one analyzer (RFC 5246 §7.3 session ids,
 * RFC 5077 tickets): an open-addressed table of fixed size; when a key's
 * few probe slots are all taken, the first is overwritten, so memory stays
 * fixed and recent sessions win. */
#include "tls_session.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

struct session {
    uint8_t used, kind, len;
    uint8_t key[32];
    uint8_t master[48];
};

struct tls_session_cache {
    struct session *slots;
    size_t capacity;
};

/* Probes per lookup: a key lives at its hash slot or a few after it. */
#define PROBES 8

struct tls_session_cache *tls_session_cache_new(size_t capacity)
{
    struct tls_session_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->capacity = capacity ? capacity : 65536;
    return c; /* the slots come with the first session stored */
}

void tls_session_cache_free(struct tls_session_cache *c)
{
    if (c == NULL)
        return;
    if (c->slots != NULL)
        OPENSSL_cleanse(c->slots, c->capacity * sizeof *c->slots);
    free(c->slots);
    free(c);
}

/* The stored key: session ids, and tickets by their SHA-256 (the caller
 * hashes them: a ticket can be long, and is seen once per direction). */
static size_t key_of(enum tls_session_kind k, const uint8_t *id, size_t len,
                     uint8_t out[32])
{
    (void)k;
    if (len == 0 || len > 32)
        return 0;
    memcpy(out, id, len);
    return len;
}

static size_t slot_of(const struct tls_session_cache *c, const uint8_t *key,
                      size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 0x100000001b3ull;
    return (size_t)(h % c->capacity);
}

static struct session *find(const struct tls_session_cache *c,
                            enum tls_session_kind k, const uint8_t *key,
                            size_t len)
{
    if (c->slots == NULL)
        return NULL;
    size_t at = slot_of(c, key, len);
    for (int i = 0; i < PROBES; i++) {
        struct session *s = &c->slots[(at + (size_t)i) % c->capacity];
        if (s->used && s->kind == k && s->len == len &&
            memcmp(s->key, key, len) == 0)
            return s;
    }
    return NULL;
}

void tls_session_put(struct tls_session_cache *c, enum tls_session_kind k,
                     const uint8_t *id, size_t len, const uint8_t master[48])
{
    uint8_t key[32];
    size_t n = key_of(k, id, len, key);
    if (c == NULL || n == 0)
        return;
    if (c->slots == NULL &&
        (c->slots = calloc(c->capacity, sizeof *c->slots)) == NULL)
        return; /* out of memory: no resumption, no more */
    struct session *s = find(c, k, key, n);
    if (s == NULL) {
        /* A free probe slot, else the first one is overwritten. */
        size_t at = slot_of(c, key, n);
        s = &c->slots[at];
        for (int i = 0; i < PROBES; i++) {
            struct session *t = &c->slots[(at + (size_t)i) % c->capacity];
            if (!t->used) {
                s = t;
                break;
            }
        }
    }
    s->used = 1;
    s->kind = (uint8_t)k;
    s->len = (uint8_t)n;
    memcpy(s->key, key, n);
    memcpy(s->master, master, 48);
}

bool tls_session_get(const struct tls_session_cache *c,
                     enum tls_session_kind k, const uint8_t *id, size_t len,
                     uint8_t master[48])
{
    uint8_t key[32];
    size_t n = key_of(k, id, len, key);
    if (c == NULL || n == 0)
        return false;
    const struct session *s = find(c, k, key, n);
    if (s == NULL)
        return false;
    memcpy(master, s->master, 48);
    return true;
}
