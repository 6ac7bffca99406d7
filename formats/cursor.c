/* SPDX-License-Identifier: MIT */
/* The bounds-checked cursor (STYLE.md rule 4): its accessors are inline
 * definitions in the header; these declarations make this file hold their
 * external definitions (C99 §6.7.4), for callers that do not inline them
 * and for programs linked against an older header. */
#include "pcapsift/cursor.h"

extern struct sift_cursor sift_cursor_make(const uint8_t *data, size_t len,
                                           uint64_t origin);
extern size_t sift_cursor_left(const struct sift_cursor *c);
extern uint64_t sift_cursor_offset(const struct sift_cursor *c);
extern bool sift_cursor_ok(const struct sift_cursor *c);
extern const uint8_t *sift_cursor_take_(struct sift_cursor *c, size_t n);
extern uint8_t sift_cursor_u8(struct sift_cursor *c);
extern uint16_t sift_cursor_be16(struct sift_cursor *c);
extern uint16_t sift_cursor_le16(struct sift_cursor *c);
extern uint32_t sift_cursor_be32(struct sift_cursor *c);
extern uint32_t sift_cursor_le32(struct sift_cursor *c);
extern uint64_t sift_cursor_be64(struct sift_cursor *c);
extern uint64_t sift_cursor_le64(struct sift_cursor *c);
extern uint16_t sift_cursor_u16(struct sift_cursor *c, bool big_endian);
extern uint32_t sift_cursor_u32(struct sift_cursor *c, bool big_endian);
extern uint64_t sift_cursor_u64(struct sift_cursor *c, bool big_endian);
extern const uint8_t *sift_cursor_bytes(struct sift_cursor *c, size_t n);
extern bool sift_cursor_skip(struct sift_cursor *c, size_t n);
extern struct sift_cursor sift_cursor_sub(struct sift_cursor *c, size_t n);
extern struct sift_cursor sift_cursor_rest(struct sift_cursor *c);
extern bool sift_cursor_peek_u8(const struct sift_cursor *c, size_t i,
                                uint8_t *out);
