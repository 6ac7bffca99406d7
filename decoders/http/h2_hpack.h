/* SPDX-License-Identifier: MIT */
/* HPACK (RFC 7541) header block decoding for one direction of an HTTP/2
 * connection, with libnghttp2's inflater. When a header block was lost in
 * a capture gap (or one failed to decode), the dynamic table is no longer
 * known: later blocks are then decoded without it (the fields that do not
 * refer to it come out, the others are counted), until a dynamic table
 * size update to 0 makes the table known again. */
#ifndef SIFT_H2_HPACK_H
#define SIFT_H2_HPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nghttp2_hd_inflater;

struct h2_hpack {
    struct nghttp2_hd_inflater *inf;
    bool unknown;        /* the dynamic table is not known */
    uint32_t table_max;  /* the decoder's SETTINGS_HEADER_TABLE_SIZE */
    uint64_t max_list;   /* decoded bytes given per block (RFC 9113's
                            header list size: name + value + 32) */
};

typedef void (*h2_field_fn)(void *ctx, const uint8_t *name, size_t name_len,
                            const uint8_t *value, size_t value_len);

enum h2_hpack_result {
    H2_HPACK_OK = 0,     /* every field decoded */
    H2_HPACK_PARTIAL,    /* table unknown: some fields not decodable */
    H2_HPACK_FAILED,     /* the block is not valid HPACK: the fields
                            before the error may have been given */
};

/* false when out of memory. */
bool h2_hpack_init(struct h2_hpack *h, uint64_t max_list);
void h2_hpack_free(struct h2_hpack *h);

/* Decodes a whole header block. *lost counts fields that could not be
 * decoded (dynamic references while the table is unknown) and fields
 * past max_list; *capped says the list hit max_list. */
enum h2_hpack_result h2_hpack_decode(struct h2_hpack *h, const uint8_t *blk,
                                     size_t len, h2_field_fn fn, void *ctx,
                                     size_t *lost, bool *capped);

/* A header block of this direction was lost: the table is unknown. */
void h2_hpack_lost(struct h2_hpack *h);

/* The decoding side's SETTINGS_HEADER_TABLE_SIZE took effect (the
 * encoder acknowledged it). */
void h2_hpack_table_size(struct h2_hpack *h, uint32_t size);

#endif
