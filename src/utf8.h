/* SPDX-License-Identifier: MIT */
/* Text from captures made safe for JSON and terminals: valid UTF-8. */
#ifndef SIFT_UTF8_H
#define SIFT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A NUL-terminated copy of len bytes at s in which every byte sequence that
 * is not well-formed UTF-8 (RFC 3629) is replaced by U+FFFD, and NUL bytes
 * by U+FFFD too. NULL when out of memory. */
char *utf8_sanitized_copy(const char *s, size_t len);

/* Length of the well-formed UTF-8 sequence at s (1-4), or 0 if none. */
size_t utf8_sequence_length(const unsigned char *s, size_t left);

/* True when the n bytes at s are well-formed UTF-8 (RFC 3629); NUL bytes
 * count as valid (U+0000, which JSON writes as \u0000). */
bool utf8_valid(const uint8_t *s, size_t n);

#endif
