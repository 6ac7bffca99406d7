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

/* A cursor over len bytes at data; origin is the input offset of data[0]. */
struct sift_cursor sift_cursor_make(const uint8_t *data, size_t len,
                                    uint64_t origin);

/* Bytes left to read (0 once failed). */
size_t sift_cursor_left(const struct sift_cursor *c);

/* Input offset of the next byte to read. */
uint64_t sift_cursor_offset(const struct sift_cursor *c);

/* True while no read has failed. */
bool sift_cursor_ok(const struct sift_cursor *c);

uint8_t sift_cursor_u8(struct sift_cursor *c);
uint16_t sift_cursor_be16(struct sift_cursor *c);
uint16_t sift_cursor_le16(struct sift_cursor *c);
uint32_t sift_cursor_be32(struct sift_cursor *c);
uint32_t sift_cursor_le32(struct sift_cursor *c);
uint64_t sift_cursor_be64(struct sift_cursor *c);
uint64_t sift_cursor_le64(struct sift_cursor *c);

/* Byte order chosen at run time (capture files carry their own). */
uint16_t sift_cursor_u16(struct sift_cursor *c, bool big_endian);
uint32_t sift_cursor_u32(struct sift_cursor *c, bool big_endian);
uint64_t sift_cursor_u64(struct sift_cursor *c, bool big_endian);

/* A zero-copy view of the next n bytes, or NULL (and failed) when fewer
 * are left. n == 0 gives a non-NULL pointer on a healthy cursor. */
const uint8_t *sift_cursor_bytes(struct sift_cursor *c, size_t n);

/* Skips n bytes; false (and failed) when fewer are left. */
bool sift_cursor_skip(struct sift_cursor *c, size_t n);

/* A child cursor over the next n bytes, which the parent skips. When fewer
 * are left, both the parent and the child are failed. */
struct sift_cursor sift_cursor_sub(struct sift_cursor *c, size_t n);

/* A child cursor over everything left; the parent is left empty. */
struct sift_cursor sift_cursor_rest(struct sift_cursor *c);

/* Looks at byte i ahead without reading; false when out of range. */
bool sift_cursor_peek_u8(const struct sift_cursor *c, size_t i, uint8_t *out);

#ifdef __cplusplus
}
#endif
#endif
