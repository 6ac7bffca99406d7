/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer (RFC 8259) for outputs with one object per
 * packet or transaction, where building a tree per line would cost more
 * than the analysis. Strings are written as valid UTF-8: bytes that are not
 * are replaced by U+FFFD. Keys are written as given (ASCII literals). */
#ifndef SIFT_JSONW_H
#define SIFT_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_DEPTH 16

struct jsonw {
    FILE *out;
    int depth;
    bool first[JSONW_DEPTH]; /* nothing written yet at this level */
    char close[JSONW_DEPTH]; /* what ends this level: '}' or ']' */
};

void jsonw_init(struct jsonw *w, FILE *out);
void jsonw_object(struct jsonw *w, const char *key); /* key NULL in arrays */
void jsonw_array(struct jsonw *w, const char *key);
void jsonw_end(struct jsonw *w); /* closes the innermost object or array */
void jsonw_str(struct jsonw *w, const char *key, const char *s);
void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n);
void jsonw_u64(struct jsonw *w, const char *key, uint64_t v);
void jsonw_i64(struct jsonw *w, const char *key, int64_t v);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
void jsonw_null(struct jsonw *w, const char *key);
/* A string holding the base64 (RFC 4648) of n bytes. */
void jsonw_base64(struct jsonw *w, const char *key, const uint8_t *p,
                  size_t n);

#endif
