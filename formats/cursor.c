/* SPDX-License-Identifier: MIT */
/* The bounds-checked cursor (STYLE.md rule 4). Every test compares the bytes
 * left with the bytes wanted; no pointer past the end is ever formed. */
#include "pcapsift/cursor.h"

struct sift_cursor sift_cursor_make(const uint8_t *data, size_t len,
                                    uint64_t origin)
{
    struct sift_cursor c = {data, data == NULL ? 0 : len, 0, origin, false};
    return c;
}

size_t sift_cursor_left(const struct sift_cursor *c)
{
    return c->failed ? 0 : c->len - c->pos;
}

uint64_t sift_cursor_offset(const struct sift_cursor *c)
{
    return c->origin + c->pos;
}

bool sift_cursor_ok(const struct sift_cursor *c)
{
    return !c->failed;
}

/* What a zero-length read of a cursor with no bytes at all points at. */
static const uint8_t empty_view[1];

/* The one place that decides whether n bytes may be read. */
static const uint8_t *take(struct sift_cursor *c, size_t n)
{
    if (c->failed || c->len - c->pos < n) {
        c->failed = true;
        return NULL;
    }
    if (c->base == NULL)
        return empty_view; /* len is 0, so n is 0 */
    const uint8_t *p = c->base + c->pos;
    c->pos += n;
    return p;
}

uint8_t sift_cursor_u8(struct sift_cursor *c)
{
    const uint8_t *p = take(c, 1);
    return p ? p[0] : 0;
}

uint16_t sift_cursor_be16(struct sift_cursor *c)
{
    const uint8_t *p = take(c, 2);
    return p ? (uint16_t)((unsigned)p[0] << 8 | p[1]) : 0;
}

uint16_t sift_cursor_le16(struct sift_cursor *c)
{
    const uint8_t *p = take(c, 2);
    return p ? (uint16_t)((unsigned)p[1] << 8 | p[0]) : 0;
}

uint32_t sift_cursor_be32(struct sift_cursor *c)
{
    const uint8_t *p = take(c, 4);
    if (p == NULL)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

uint32_t sift_cursor_le32(struct sift_cursor *c)
{
    const uint8_t *p = take(c, 4);
    if (p == NULL)
        return 0;
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           (uint32_t)p[0];
}

uint64_t sift_cursor_be64(struct sift_cursor *c)
{
    uint64_t hi = sift_cursor_be32(c);
    uint64_t lo = sift_cursor_be32(c);
    return c->failed ? 0 : hi << 32 | lo;
}

uint64_t sift_cursor_le64(struct sift_cursor *c)
{
    uint64_t lo = sift_cursor_le32(c);
    uint64_t hi = sift_cursor_le32(c);
    return c->failed ? 0 : hi << 32 | lo;
}

uint16_t sift_cursor_u16(struct sift_cursor *c, bool big_endian)
{
    return big_endian ? sift_cursor_be16(c) : sift_cursor_le16(c);
}

uint32_t sift_cursor_u32(struct sift_cursor *c, bool big_endian)
{
    return big_endian ? sift_cursor_be32(c) : sift_cursor_le32(c);
}

uint64_t sift_cursor_u64(struct sift_cursor *c, bool big_endian)
{
    return big_endian ? sift_cursor_be64(c) : sift_cursor_le64(c);
}

const uint8_t *sift_cursor_bytes(struct sift_cursor *c, size_t n)
{
    return take(c, n);
}

bool sift_cursor_skip(struct sift_cursor *c, size_t n)
{
    return take(c, n) != NULL;
}

struct sift_cursor sift_cursor_sub(struct sift_cursor *c, size_t n)
{
    uint64_t at = sift_cursor_offset(c);
    const uint8_t *p = take(c, n);
    struct sift_cursor child = sift_cursor_make(p, n, at);
    child.failed = (p == NULL);
    return child;
}

struct sift_cursor sift_cursor_rest(struct sift_cursor *c)
{
    return sift_cursor_sub(c, sift_cursor_left(c));
}

bool sift_cursor_peek_u8(const struct sift_cursor *c, size_t i, uint8_t *out)
{
    if (c->failed || c->len - c->pos <= i)
        return false;
    *out = c->base[c->pos + i];
    return true;
}
