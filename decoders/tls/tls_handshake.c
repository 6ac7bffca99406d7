/* SPDX-License-Identifier: MIT */
/* TLS handshake messages (RFC 5246 §7.4, RFC 8446 §4): message reassembly
 * across records with a size cap, and parsers of the hellos (§4.1.2,
 * §4.1.3), their extensions (§4.2; RFC 6066 server_name, RFC 7301 ALPN),
 * EncryptedExtensions (§4.3.1), Certificate (§4.4.2) and NewSessionTicket
 * (§4.6.1; RFC 5077 §3.3). Every read goes through the cursor. */
#include "tls_handshake.h"

#include <stdlib.h>
#include <string.h>

#include "pcapsift/cursor.h"

/* The random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest". */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* A child cursor over a vector with a 1-, 2- or 3-byte length. */
static struct sift_cursor vec(struct sift_cursor *c, int width)
{
    size_t n = width == 1   ? sift_cursor_u8(c)
               : width == 2 ? sift_cursor_be16(c)
                            : (size_t)sift_cursor_u8(c) << 16 |
                                  sift_cursor_be16(c);
    return sift_cursor_sub(c, n);
}

static void take_u16_list(struct sift_cursor *c, uint16_t *out, size_t cap,
                          size_t *count)
{
    *count = 0;
    while (sift_cursor_left(c) >= 2) {
        uint16_t v = sift_cursor_be16(c);
        if (*count < cap)
            out[(*count)++] = v;
    }
}

/* server_name (RFC 6066 §3): the first host_name. */
static void ext_sni(struct sift_cursor *e, struct tls_client_hello *h)
{
    struct sift_cursor list = vec(e, 2);
    while (sift_cursor_left(&list) >= 3) {
        uint8_t type = sift_cursor_u8(&list);
        struct sift_cursor name = vec(&list, 2);
        if (type != 0 || !sift_cursor_ok(&name))
            continue;
        size_t n = sift_cursor_left(&name);
        if (n > sizeof h->sni - 1)
            n = sizeof h->sni - 1;
        const uint8_t *p = sift_cursor_bytes(&name, n);
        if (p == NULL)
            return;
        memcpy(h->sni, p, n);
        h->sni[n] = '\0';
        h->has_sni = true;
        return;
    }
}

static void client_ext(struct tls_client_hello *h, uint16_t type,
                       struct sift_cursor *e)
{
    struct sift_cursor v;
    switch (type) {
    case TLS_EXT_SERVER_NAME: ext_sni(e, h); break;
    case TLS_EXT_SUPPORTED_GROUPS:
        v = vec(e, 2);
        take_u16_list(&v, h->groups, TLS_MAX_GROUPS, &h->group_count);
        break;
    case TLS_EXT_EC_POINT_FORMATS:
        v = vec(e, 1);
        while (sift_cursor_left(&v) > 0) {
            uint8_t f = sift_cursor_u8(&v);
            if (h->point_format_count < TLS_MAX_POINT_FORMATS)
                h->point_formats[h->point_format_count++] = f;
        }
        break;
    case TLS_EXT_SIGNATURE_ALGORITHMS:
        v = vec(e, 2);
        take_u16_list(&v, h->sig_algs, TLS_MAX_SIGALGS, &h->sig_alg_count);
        break;
    case TLS_EXT_ALPN: {
        v = vec(e, 2);
        size_t n = sift_cursor_left(&v);
        n = n < TLS_MAX_ALPN ? n : TLS_MAX_ALPN;
        const uint8_t *p = sift_cursor_bytes(&v, n);
        if (p != NULL) {
            memcpy(h->alpn, p, n);
            h->alpn_len = n;
            h->has_alpn = true;
        }
        break;
    }
    case TLS_EXT_SUPPORTED_VERSIONS:
        v = vec(e, 1);
        take_u16_list(&v, h->versions, TLS_MAX_HELLO_VERSIONS,
                      &h->version_count);
        break;
    case TLS_EXT_SESSION_TICKET:
        h->ticket_len = sift_cursor_left(e);
        h->ticket = h->ticket_len > 0;
        h->ticket_data = sift_cursor_bytes(e, h->ticket_len);
        break;
    case TLS_EXT_PRE_SHARED_KEY: h->psk = true; break;
    case TLS_EXT_EARLY_DATA: h->early_data = true; break;
    case TLS_EXT_EXTENDED_MASTER_SECRET: h->ems = true; break;
    case TLS_EXT_ENCRYPT_THEN_MAC: h->etm = true; break;
    default: break;
    }
}

bool tls_parse_client_hello(const uint8_t *p, size_t len,
                            struct tls_client_hello *h)
{
    memset(h, 0, sizeof *h);
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    h->legacy_version = sift_cursor_be16(&c);
    const uint8_t *r = sift_cursor_bytes(&c, 32);
    struct sift_cursor sid = vec(&c, 1);
    struct sift_cursor suites = vec(&c, 2);
    struct sift_cursor comp = vec(&c, 1);
    if (!sift_cursor_ok(&c) || sift_cursor_left(&sid) > 32)
        return false;
    (void)comp;
    memcpy(h->random, r, 32);
    h->session_id_len = (uint8_t)sift_cursor_left(&sid);
    memcpy(h->session_id, sift_cursor_bytes(&sid, h->session_id_len),
           h->session_id_len);
    while (sift_cursor_left(&suites) >= 2) {
        uint16_t s = sift_cursor_be16(&suites);
        if (h->suite_count < TLS_MAX_SUITES)
            h->suites[h->suite_count++] = s;
        h->suite_total++;
    }
    struct sift_cursor exts = vec(&c, 2);
    while (sift_cursor_left(&exts) >= 4) {
        uint16_t type = sift_cursor_be16(&exts);
        struct sift_cursor e = vec(&exts, 2);
        if (!sift_cursor_ok(&e))
            break;
        if (h->extension_count < TLS_MAX_EXTENSIONS)
            h->extensions[h->extension_count++] = type;
        h->extension_total++;
        client_ext(h, type, &e);
    }
    return true;
}

/* Appends a protocol name as text: printable ASCII as is, other bytes
 * (and ',' and '\\') as \\xNN; never past cap - 1. */
static size_t name_text(const uint8_t *p, size_t n, char *out, size_t o,
                        size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        bool plain = b > 0x20 && b < 0x7f && b != ',' && b != '\\';
        if (plain && o + 1 < cap) {
            out[o++] = (char)b;
        } else if (!plain && o + 4 < cap) {
            out[o++] = '\\', out[o++] = 'x';
            out[o++] = hex[b >> 4], out[o++] = hex[b & 15];
        }
    }
    out[o] = '\0';
    return o;
}

/* The first protocol of an ALPN list, as text. */
static bool first_alpn(struct sift_cursor *e, char *out, size_t cap)
{
    struct sift_cursor list = vec(e, 2);
    struct sift_cursor name = vec(&list, 1);
    if (!sift_cursor_ok(&name))
        return false;
    size_t n = sift_cursor_left(&name);
    name_text(sift_cursor_bytes(&name, n), n, out, 0, cap);
    return true;
}

static void server_ext(struct tls_server_hello *h, uint16_t type,
                       struct sift_cursor *e)
{
    switch (type) {
    case TLS_EXT_SUPPORTED_VERSIONS:
        h->version = sift_cursor_be16(e);
        break;
    case TLS_EXT_ALPN:
        h->has_alpn = first_alpn(e, h->alpn, sizeof h->alpn);
        break;
    case TLS_EXT_PRE_SHARED_KEY: h->psk = true; break;
    case TLS_EXT_SESSION_TICKET: h->ticket = true; break;
    case TLS_EXT_EXTENDED_MASTER_SECRET: h->ems = true; break;
    case TLS_EXT_ENCRYPT_THEN_MAC: h->etm = true; break;
    default: break;
    }
}

bool tls_parse_server_hello(const uint8_t *p, size_t len,
                            struct tls_server_hello *h)
{
    memset(h, 0, sizeof *h);
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    h->legacy_version = sift_cursor_be16(&c);
    const uint8_t *r = sift_cursor_bytes(&c, 32);
    struct sift_cursor sid = vec(&c, 1);
    h->suite = sift_cursor_be16(&c);
    sift_cursor_u8(&c); /* compression */
    if (!sift_cursor_ok(&c) || sift_cursor_left(&sid) > 32)
        return false;
    memcpy(h->random, r, 32);
    h->hello_retry = memcmp(r, hrr_random, 32) == 0;
    h->session_id_len = (uint8_t)sift_cursor_left(&sid);
    memcpy(h->session_id, sift_cursor_bytes(&sid, h->session_id_len),
           h->session_id_len);
    struct sift_cursor exts = vec(&c, 2);
    while (sift_cursor_left(&exts) >= 4) {
        uint16_t type = sift_cursor_be16(&exts);
        struct sift_cursor e = vec(&exts, 2);
        if (!sift_cursor_ok(&e))
            break;
        server_ext(h, type, &e);
    }
    if (h->version == 0)
        h->version = h->legacy_version;
    return true;
}

bool tls_parse_encrypted_extensions(const uint8_t *p, size_t len,
                                    struct tls_encrypted_extensions *out)
{
    memset(out, 0, sizeof *out);
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    struct sift_cursor exts = vec(&c, 2);
    if (!sift_cursor_ok(&c))
        return false;
    while (sift_cursor_left(&exts) >= 4) {
        uint16_t type = sift_cursor_be16(&exts);
        struct sift_cursor e = vec(&exts, 2);
        if (!sift_cursor_ok(&e))
            break;
        if (type == TLS_EXT_ALPN)
            out->has_alpn = first_alpn(&e, out->alpn, sizeof out->alpn);
        else if (type == TLS_EXT_EARLY_DATA)
            out->early_data = true;
    }
    return true;
}

bool tls_parse_certificate(const uint8_t *p, size_t len, bool tls13,
                           const uint8_t **leaf, size_t *leaf_len,
                           uint32_t *count)
{
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    if (tls13)
        vec(&c, 1); /* certificate_request_context */
    size_t list_len = (size_t)sift_cursor_u8(&c) << 16 | sift_cursor_be16(&c);
    (void)list_len; /* a cut message has less: read what is there */
    *leaf = NULL;
    *leaf_len = 0;
    *count = 0;
    while (sift_cursor_ok(&c) && sift_cursor_left(&c) >= 3) {
        struct sift_cursor cert = vec(&c, 3);
        if (!sift_cursor_ok(&cert))
            break; /* cut: the count stops at the last whole one */
        if (*count == 0) {
            *leaf_len = sift_cursor_left(&cert);
            *leaf = sift_cursor_bytes(&cert, *leaf_len);
        }
        (*count)++;
        if (tls13)
            vec(&c, 2); /* the entry's extensions */
    }
    return *leaf != NULL && *leaf_len > 0;
}

bool tls_parse_new_session_ticket(const uint8_t *p, size_t len, bool tls13,
                                  const uint8_t **ticket, size_t *ticket_len)
{
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    sift_cursor_be32(&c); /* lifetime */
    if (tls13) {
        sift_cursor_be32(&c); /* age_add */
        vec(&c, 1);           /* nonce */
    }
    struct sift_cursor t = vec(&c, 2);
    if (!sift_cursor_ok(&t) || sift_cursor_left(&t) == 0)
        return false;
    *ticket_len = sift_cursor_left(&t);
    *ticket = sift_cursor_bytes(&t, *ticket_len);
    return *ticket != NULL;
}

void tls_alpn_list_text(const uint8_t *list, size_t len, char *out, size_t cap)
{
    struct sift_cursor c = sift_cursor_make(list, len, 0);
    size_t o = 0;
    out[0] = '\0';
    while (sift_cursor_left(&c) > 0) {
        struct sift_cursor name = vec(&c, 1);
        if (!sift_cursor_ok(&name))
            break;
        if (o > 0 && o + 1 < cap)
            out[o++] = ',';
        size_t n = sift_cursor_left(&name);
        o = name_text(sift_cursor_bytes(&name, n), n, out, o, cap);
    }
}

/* --- reassembly ------------------------------------------------------- */

void tls_hs_init(struct tls_hs_reader *r, uint32_t max)
{
    memset(r, 0, sizeof *r);
    r->max = max;
}

void tls_hs_free(struct tls_hs_reader *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

bool tls_hs_pending(const struct tls_hs_reader *r)
{
    return r->hlen > 0;
}

void tls_hs_gap(struct tls_hs_reader *r)
{
    r->hlen = 0;
    r->kept = 0;
}

/* Keeps up to r->max bytes of the message body in progress. */
static void keep(struct tls_hs_reader *r, const uint8_t *p, size_t n)
{
    if (r->kept >= r->max)
        return;
    size_t k = n < r->max - r->kept ? n : r->max - r->kept;
    if (r->kept + k > r->cap) {
        size_t cap = r->cap ? r->cap : 1024;
        while (cap < r->kept + k)
            cap *= 2;
        uint8_t *b = realloc(r->buf, cap);
        if (b == NULL)
            return; /* the message is delivered cut */
        r->buf = b;
        r->cap = cap;
    }
    memcpy(r->buf + r->kept, p, k);
    r->kept += k;
}

static void message_done(struct tls_hs_reader *r, tls_hs_fn fn, void *ctx)
{
    fn(ctx, r->hdr[0], r->buf, r->kept, r->kept < r->blen);
    r->hlen = 0;
    r->kept = 0;
    if (r->cap > 65536) { /* a large certificate: do not keep its room */
        free(r->buf);
        r->buf = NULL;
        r->cap = 0;
    }
}

void tls_hs_feed(struct tls_hs_reader *r, const uint8_t *p, size_t n,
                 tls_hs_fn fn, void *ctx)
{
    while (n > 0) {
        if (r->hlen == 0 && n >= 4) {
            /* A whole message in the record: no copy. */
            size_t body = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
            if (body <= n - 4 && body <= r->max) {
                fn(ctx, p[0], p + 4, body, false);
                p += 4 + body;
                n -= 4 + body;
                continue;
            }
        }
        if (r->hlen < 4) {
            r->hdr[r->hlen++] = *p++;
            n--;
            if (r->hlen == 4) {
                r->blen = (uint32_t)r->hdr[1] << 16 |
                          (uint32_t)r->hdr[2] << 8 | r->hdr[3];
                r->seen = 0;
                if (r->blen == 0)
                    message_done(r, fn, ctx);
            }
            continue;
        }
        size_t k = n < r->blen - r->seen ? n : r->blen - r->seen;
        keep(r, p, k);
        r->seen += (uint32_t)k;
        p += k;
        n -= k;
        if (r->seen == r->blen)
            message_done(r, fn, ctx);
    }
}
