/* SPDX-License-Identifier: MIT */
/* The bounds-checked cursor: the only code that indexes capture bytes
 * (STYLE.md rule 4). Errors are sticky: after the first failed read every
 * read fails, returns zero and advances nothing, so a decoder checks once
 * per header instead of after every field. */
#ifndef PCAPSIFT_CURSOR_H
#define PCAPSIFT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sift_cursor {
    const uint8_t *base; /* first byte this cursor may see */
    size_t len;          /* bytes it may see */
    size_t pos;          /* bytes already read */
    uint64_t origin;     /* input offset of base, for error messages */
    bool failed;         /* sticky: a read ran past the end */
};

/* The accessors are inline (C99 §6.7.4): they are most of what a decoder
 * executes per packet, and a call for each field cost a fifth of all the
 * instructions. formats/cursor.c holds their external definitions, so the
 * library still exports every symbol. */
#ifndef SIFT_CURSOR_INLINE
#define SIFT_CURSOR_INLINE inline
#endif

/* A cursor over len bytes at data; origin is the input offset of data[0]. */
SIFT_CURSOR_INLINE struct sift_cursor sift_cursor_make(const uint8_t *data,
                                                       size_t len,
                                                       uint64_t origin)
{
    struct sift_cursor c = {data, data == NULL ? 0 : len, 0, origin, false};
    return c;
}

/* Bytes left to read (0 once failed). */
SIFT_CURSOR_INLINE size_t sift_cursor_left(const struct sift_cursor *c)
{
    return c->failed ? 0 : c->len - c->pos;
}

/* Input offset of the next byte to read. */
SIFT_CURSOR_INLINE uint64_t sift_cursor_offset(const struct sift_cursor *c)
{
    return c->origin + c->pos;
}

/* True while no read has failed. */
SIFT_CURSOR_INLINE bool sift_cursor_ok(const struct sift_cursor *c)
{
    return !c->failed;
}

/* The one place that decides whether n bytes may be read: every test
 * compares the bytes left with the bytes wanted, so no pointer past the
 * end is ever formed. A zero-length read of a cursor with no bytes at all
 * points at the cursor itself (never dereferenced: n is 0). */
SIFT_CURSOR_INLINE const uint8_t *sift_cursor_take_(struct sift_cursor *c,
                                                    size_t n)
{
    if (c->failed || c->len - c->pos < n) {
        c->failed = true;
        return NULL;
    }
    if (c->base == NULL)
        return (const uint8_t *)c;
    const uint8_t *p = c->base + c->pos;
    c->pos += n;
    return p;
}

SIFT_CURSOR_INLINE uint8_t sift_cursor_u8(struct sift_cursor *c)
{
    const uint8_t *p = sift_cursor_take_(c, 1);
    return p ? p[0] : 0;
}

SIFT_CURSOR_INLINE uint16_t sift_cursor_be16(struct sift_cursor *c)
{
    const uint8_t *p = sift_cursor_take_(c, 2);
    return p ? (uint16_t)((unsigned)p[0] << 8 | p[1]) : 0;
}

SIFT_CURSOR_INLINE uint16_t sift_cursor_le16(struct sift_cursor *c)
{
    const uint8_t *p = sift_cursor_take_(c, 2);
    return p ? (uint16_t)((unsigned)p[1] << 8 | p[0]) : 0;
}

SIFT_CURSOR_INLINE uint32_t sift_cursor_be32(struct sift_cursor *c)
{
    const uint8_t *p = sift_cursor_take_(c, 4);
    if (p == NULL)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

SIFT_CURSOR_INLINE uint32_t sift_cursor_le32(struct sift_cursor *c)
{
    const uint8_t *p = sift_cursor_take_(c, 4);
    if (p == NULL)
        return 0;
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           (uint32_t)p[0];
}

SIFT_CURSOR_INLINE uint64_t sift_cursor_be64(struct sift_cursor *c)
{
    uint64_t hi = sift_cursor_be32(c);
    uint64_t lo = sift_cursor_be32(c);
    return c->failed ? 0 : hi << 32 | lo;
}

SIFT_CURSOR_INLINE uint64_t sift_cursor_le64(struct sift_cursor *c)
{
    uint64_t lo = sift_cursor_le32(c);
    uint64_t hi = sift_cursor_le32(c);
    return c->failed ? 0 : hi << 32 | lo;
}

/* Byte order chosen at run time (capture files carry their own). */
SIFT_CURSOR_INLINE uint16_t sift_cursor_u16(struct sift_cursor *c,
                                            bool big_endian)
{
    return big_endian ? sift_cursor_be16(c) : sift_cursor_le16(c);
}

SIFT_CURSOR_INLINE uint32_t sift_cursor_u32(struct sift_cursor *c,
                                            bool big_endian)
{
    return big_endian ? sift_cursor_be32(c) : sift_cursor_le32(c);
}

SIFT_CURSOR_INLINE uint64_t sift_cursor_u64(struct sift_cursor *c,
                                            bool big_endian)
{
    return big_endian ? sift_cursor_be64(c) : sift_cursor_le64(c);
}

/* A zero-copy view of the next n bytes, or NULL (and failed) when fewer
 * are left. n == 0 gives a non-NULL pointer on a healthy cursor. */
SIFT_CURSOR_INLINE const uint8_t *sift_cursor_bytes(struct sift_cursor *c,
                                                    size_t n)
{
    return sift_cursor_take_(c, n);
}

/* Skips n bytes; false (and failed) when fewer are left. */
SIFT_CURSOR_INLINE bool sift_cursor_skip(struct sift_cursor *c, size_t n)
{
    return sift_cursor_take_(c, n) != NULL;
}

/* A child cursor over the next n bytes, which the parent skips. When fewer
 * are left, both the parent and the child are failed. */
SIFT_CURSOR_INLINE struct sift_cursor sift_cursor_sub(struct sift_cursor *c,
                                                      size_t n)
{
    uint64_t at = sift_cursor_offset(c);
    const uint8_t *p = sift_cursor_take_(c, n);
    struct sift_cursor child = sift_cursor_make(p, n, at);
    child.failed = (p == NULL);
    return child;
}

/* A child cursor over everything left; the parent is left empty. */
SIFT_CURSOR_INLINE struct sift_cursor sift_cursor_rest(struct sift_cursor *c)
{
    return sift_cursor_sub(c, sift_cursor_left(c));
}

/* Looks at byte i ahead without reading; false when out of range. */
SIFT_CURSOR_INLINE bool sift_cursor_peek_u8(const struct sift_cursor *c,
                                            size_t i, uint8_t *out)
{
    if (c->failed || c->len - c->pos <= i)
        return false;
    *out = c->base[c->pos + i];
    return true;
}

#ifdef __cplusplus
}
#endif
#endif
