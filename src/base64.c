/* SPDX-License-Identifier: MIT */
/* Base64 encoding after RFC 4648 §4: each 3 bytes become 4 characters of the
 * standard alphabet, and a last group of 1 or 2 bytes is padded with '='. */
#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t n)
{
    size_t groups = n / 3 + (n % 3 != 0);
    if (groups > ((size_t)-1) / 4)
        return (size_t)-1;
    return groups * 4;
}

/* One group of 1 to 3 bytes to 4 characters. */
static void group(const uint8_t *in, size_t n, char *out)
{
    uint32_t v = (uint32_t)in[0] << 16;
    if (n > 1)
        v |= (uint32_t)in[1] << 8;
    if (n > 2)
        v |= in[2];
    out[0] = alphabet[v >> 18 & 63];
    out[1] = alphabet[v >> 12 & 63];
    out[2] = n > 1 ? alphabet[v >> 6 & 63] : '=';
    out[3] = n > 2 ? alphabet[v & 63] : '=';
}

size_t base64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        size_t left = n - i;
        group(in + i, left < 3 ? left : 3, out + o);
        o += 4;
    }
    out[o] = '\0';
    return o;
}

void base64_write(FILE *fp, const uint8_t *in, size_t n)
{
    /* 3072 input bytes per 4096 characters: whole groups per chunk, so only
     * the very last chunk can carry padding. */
    enum { CHUNK_IN = 3072 };
    char buf[CHUNK_IN / 3 * 4 + 1];
    size_t i = 0;
    while (i < n) {
        size_t take = n - i < CHUNK_IN ? n - i : CHUNK_IN;
        size_t len = base64_encode(in + i, take, buf);
        if (fwrite(buf, 1, len, fp) != len)
            return;
        i += take;
    }
}
