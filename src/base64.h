/* SPDX-License-Identifier: MIT */
/* Base64 encoding (RFC 4648 §4, standard alphabet, with padding) for bodies
 * and payloads that are not text, as HAR and the JSON outputs carry them. */
#ifndef SIFT_BASE64_H
#define SIFT_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Characters the encoding of n bytes takes (no NUL): 4 per 3 bytes, rounded
 * up; SIZE_MAX when that does not fit a size_t. */
size_t base64_encoded_len(size_t n);

/* Encodes n bytes at in to out, which has room for base64_encoded_len(n) + 1
 * characters; out is NUL-terminated. Returns the characters written, NUL
 * not counted. */
size_t base64_encode(const uint8_t *in, size_t n, char *out);

/* Encodes n bytes at in straight to fp, a few KiB at a time (no allocation);
 * errors are left for the caller's ferror(fp). */
void base64_write(FILE *fp, const uint8_t *in, size_t n);

#endif
