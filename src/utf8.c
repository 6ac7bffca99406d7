/* SPDX-License-Identifier: MIT */
/* UTF-8 validation after RFC 3629 §4 (no overlongs, no surrogates, nothing
 * above U+10FFFF). */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

static int continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

size_t utf8_sequence_length(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    if (c >= 0x01 && c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return left >= 2 && continuation(s[1]) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (left < 3 || !continuation(s[1]) || !continuation(s[2]))
            return 0;
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
            return 0; /* overlong, or a UTF-16 surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (left < 4 || !continuation(s[1]) || !continuation(s[2]) ||
            !continuation(s[3]))
            return 0;
        if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
            return 0; /* overlong, or above U+10FFFF */
        return 4;
    }
    return 0;
}

bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) { /* ASCII, NUL included */
            i++;
            continue;
        }
        size_t len = utf8_sequence_length(s + i, n - i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

char *utf8_sanitized_copy(const char *s, size_t len)
{
    /* Each bad byte grows to 3: the worst case is 3 times the input. */
    if (len > (((size_t)-1) - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (out == NULL)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(p + i, len - i);
        if (n == 0) {
            memcpy(out + o, replacement, 3);
            o += 3;
            i += 1;
        } else {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        }
    }
    out[o] = '\0';
    return out;
}
