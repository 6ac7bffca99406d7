/* SPDX-License-Identifier: MIT */
/* Reads a whole in-memory capture and records what happened, so a test can
 * compare outcomes in one place (a small event log, after llhttp's tests). */
#ifndef SIFT_TEST_READALL_H
#define SIFT_TEST_READALL_H

#include <stddef.h>
#include <stdint.h>

#include "pcapsift/reader.h"

#define READALL_MAX 64

struct readall {
    int open_rc;          /* sift_reader_open's status */
    int end_rc;           /* the status that ended the loop */
    struct sift_error err;
    size_t records;
    int64_t ts[READALL_MAX];
    uint32_t caplen[READALL_MAX], origlen[READALL_MAX];
    uint16_t linktype[READALL_MAX];
    uint32_t iface[READALL_MAX], section[READALL_MAX];
    uint32_t sum[READALL_MAX]; /* a checksum of each record's bytes */
    size_t comments[READALL_MAX];
    size_t warnings;
    enum sift_warning_kind warn_kind[READALL_MAX];
    uint64_t warn_offset[READALL_MAX];
    size_t sections, interfaces, names, stats, secrets, blocks;
    struct sift_interface last_iface;   /* texts not valid afterwards */
    struct sift_interface_stats last_stats;
    uint32_t secrets_type;
    size_t secrets_len;
    uint8_t name_addr[16];
    int name_family;
    char name_first[64];
};

void readall_memory(const void *data, size_t len, struct readall *out);

/* STYLE.md's prefix sweep over every prefix 0..len of a valid capture:
 * each may only open and end cleanly, or as truncated or malformed; it
 * delivers a prefix of the full file's records (same bytes); and a cut
 * file either delivers fewer records or says it was cut. Returns the
 * shortest prefix the reader opened. */
size_t readall_prefix_sweep(const uint8_t *data, size_t len);

/* How many of the warnings are of this kind. */
size_t readall_warnings_of(const struct readall *r,
                           enum sift_warning_kind kind);

#endif
