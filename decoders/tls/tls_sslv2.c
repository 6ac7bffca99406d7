/* SPDX-License-Identifier: MIT */
/* SSLv2-format ClientHello to TLS ClientHello (RFC 5246 §E.2). */
#include "tls_sslv2.h"

#include <string.h>

#include "pcapsift/cursor.h"

int tls_sslv2_is_hello(const uint8_t *p, size_t n)
{
    if (n < 5)
        return n > 0 && !(p[0] & 0x80) ? 0 : -1;
    /* A 2-byte header (high bit set), msg_type 1, a version 3.x. */
    size_t len = tls_sslv2_record_len(p) - 2;
    return (p[0] & 0x80) && len >= 9 + 16 && p[2] == 1 && p[3] == 3 &&
                   p[4] <= 4
               ? 1
               : 0;
}

size_t tls_sslv2_record_len(const uint8_t *p)
{
    return 2 + ((size_t)(p[0] & 0x7f) << 8 | p[1]);
}

static void put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

size_t tls_sslv2_rewrite(const uint8_t *p, size_t len, uint8_t *out)
{
    struct sift_cursor c = sift_cursor_make(p, len, 0);
    sift_cursor_skip(&c, 3); /* header, msg_type */
    uint16_t version = sift_cursor_be16(&c);
    uint16_t specs_len = sift_cursor_be16(&c);
    uint16_t sid_len = sift_cursor_be16(&c);
    uint16_t chal_len = sift_cursor_be16(&c);
    const uint8_t *specs = sift_cursor_bytes(&c, specs_len);
    const uint8_t *sid = sift_cursor_bytes(&c, sid_len);
    const uint8_t *chal = sift_cursor_bytes(&c, chal_len);
    if (!sift_cursor_ok(&c) || specs_len % 3 != 0 || sid_len > 32 ||
        chal_len < 16 || chal_len > 32)
        return 0;
    size_t n = 5 + 4; /* record and handshake headers, filled last */
    put16(out + n, version);
    n += 2;
    memset(out + n, 0, 32 - chal_len);
    memcpy(out + n + 32 - chal_len, chal, chal_len);
    n += 32;
    out[n++] = (uint8_t)sid_len;
    memcpy(out + n, sid, sid_len);
    n += sid_len;
    size_t suites_at = n;
    n += 2;
    for (size_t i = 0; i + 3 <= specs_len; i += 3)
        if (specs[i] == 0) { /* a TLS suite: 0x00 then its two bytes */
            out[n++] = specs[i + 1];
            out[n++] = specs[i + 2];
        }
    put16(out + suites_at, n - suites_at - 2);
    out[n++] = 1; /* compression methods: null */
    out[n++] = 0;
    size_t body = n - 9;
    out[0] = 22; /* handshake */
    put16(out + 1, version < 0x0301 ? version : 0x0301);
    put16(out + 3, n - 5);
    out[5] = 1; /* client_hello */
    out[6] = (uint8_t)(body >> 16);
    put16(out + 7, body);
    return n;
}
