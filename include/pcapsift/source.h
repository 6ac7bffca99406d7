/* SPDX-License-Identifier: MIT */
/* Sources of capture bytes: a regular file (memory-mapped), a stream such as
 * standard input (read as it comes, never seeking), or memory. Compression
 * (gzip, concatenated gzip members, zstd when built with libzstd) is found
 * from the magic bytes and undone as a stream; every offset a source reports
 * is an offset in the decompressed bytes. */
#ifndef PCAPSIFT_SOURCE_H
#define PCAPSIFT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "pcapsift/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sift_source;

enum sift_compression {
    SIFT_COMPRESSION_NONE = 0,
    SIFT_COMPRESSION_GZIP,
    SIFT_COMPRESSION_ZSTD,
};

/* The most a single peek may ask for: the largest unit any reader asks to
 * see whole (a pcap-ng block or a pcap record, both limited far below). */
#define SIFT_SOURCE_MAX_PEEK ((size_t)64 * 1024 * 1024)

struct sift_source_options {
    sift_warning_fn on_warning; /* may be NULL */
    void *warning_ctx;
};

/* Opens path; "-" is standard input. A regular file is memory-mapped,
 * anything else (pipe, FIFO, terminal) is read as a stream. */
int sift_source_open_path(const char *path,
                          const struct sift_source_options *opt,
                          struct sift_source **out, struct sift_error *err);

/* Reads an open descriptor as a stream; the source does not close it. */
int sift_source_open_fd(int fd, const char *name,
                        const struct sift_source_options *opt,
                        struct sift_source **out, struct sift_error *err);

/* Reads len bytes at data, which must outlive the source (tests, fuzzers). */
int sift_source_open_memory(const void *data, size_t len, const char *name,
                            const struct sift_source_options *opt,
                            struct sift_source **out, struct sift_error *err);

void sift_source_close(struct sift_source *src);

/* Makes up to want contiguous bytes visible at the current position.
 * *got is smaller than want only at the end of the input. The view stays
 * valid until the next peek, consume or close. Returns SIFT_OK or an error
 * (I/O, corrupt compressed data, want over SIFT_SOURCE_MAX_PEEK). */
int sift_source_peek(struct sift_source *src, size_t want,
                     const uint8_t **data, size_t *got,
                     struct sift_error *err);

/* Moves the position n bytes on; n must not exceed the last *got. */
void sift_source_consume(struct sift_source *src, size_t n);

/* Offset of the current position in the decompressed input. */
uint64_t sift_source_offset(const struct sift_source *src);

enum sift_compression sift_source_compression(const struct sift_source *src);

/* Name given at open ("-" or "<stdin>" for standard input). */
const char *sift_source_name(const struct sift_source *src);

/* Compressed bytes read so far (equal to the offset when not compressed). */
uint64_t sift_source_raw_offset(const struct sift_source *src);

/* "none", "gzip", "zstd". */
const char *sift_compression_name(enum sift_compression c);

#ifdef __cplusplus
}
#endif
#endif
