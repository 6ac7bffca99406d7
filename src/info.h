/* SPDX-License-Identifier: MIT */
/* `pcapsift info`: everything a capture file says about itself, gathered
 * through the reader's callbacks with bounded memory, then printed as text
 * or JSON (docs/info.md). */
#ifndef SIFT_INFO_H
#define SIFT_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pcapsift/reader.h"

struct cJSON;

/* What is kept in full; beyond these, entries are counted, not kept, and
 * the output says how many were left out. */
#define INFO_MAX_SECTIONS 1000
#define INFO_MAX_INTERFACES 10000
#define INFO_MAX_NAMES 10000
#define INFO_MAX_STATS 10000
#define INFO_MAX_ANOMALIES 1000
#define INFO_MAX_COMMENTS 1000

struct info_text_list {
    size_t count, total;
    char **items;
};

struct info_section {
    struct sift_section s; /* texts below replace the borrowed ones */
    char *hardware, *os, *application;
    struct info_text_list comments;
};

struct info_iface {
    struct sift_interface i;
    char *name, *description, *os, *hardware, *filter;
    struct info_text_list comments;
    uint64_t packets, bytes_captured, bytes_original;
};

struct info_name {
    uint32_t section;
    int family;
    uint8_t addr[16];
    struct info_text_list names;
};

struct info_anomaly {
    const char *kind; /* sift_warning_kind_name, or "error" */
    uint64_t offset, record;
    char *message;
};

struct info_record_comment {
    uint64_t record;
    char *text;
};

/* Block counts by pcap-ng type; the rest are "other". */
enum info_block { IB_SHB, IB_IDB, IB_PB, IB_SPB, IB_NRB, IB_ISB, IB_EPB,
                  IB_DSB, IB_CB, IB_DCB, IB_OTHER, IB_COUNT };

struct info {
    char *file;
    const char *format;      /* "pcap", "pcapng" or NULL when unread */
    const char *compression;
    uint64_t bytes_file;     /* input bytes read (compressed) */
    uint64_t bytes_decompressed;

    size_t section_count, section_total;
    struct info_section *sections;
    size_t iface_count, iface_total;
    struct info_iface *ifaces;
    size_t name_count, name_total;
    struct info_name *names;
    size_t stats_count, stats_total;
    struct sift_interface_stats *stats;
    size_t secrets_count;
    uint64_t secrets_bytes;
    uint64_t blocks[IB_COUNT];

    uint64_t packets, bytes_captured, bytes_original;
    uint64_t packets_without_time;
    bool has_time, time_ordered;
    int64_t first_ns, last_ns, prev_ns;
    unsigned time_digits;    /* fraction digits the resolution supports */

    size_t record_comment_count, record_comment_total;
    struct info_record_comment *record_comments;

    uint64_t texts_not_kept; /* past the byte budget for texts */

    size_t anomaly_count, anomaly_total;
    struct info_anomaly *anomalies;

    bool failed;             /* the file could not be read to its end */
    int error_code;
    char *error;             /* set with failed */
};

/* Reads the capture at path ("-": standard input) into in. Returns false
 * when it could not be read to its end (in->error says why; what was read
 * before is kept). */
bool info_collect(struct info *in, const char *path);

void info_free(struct info *in);

/* An NRB entry's address as text. */
void info_format_addr(char *buf, size_t cap, const struct info_name *n);

/* Plain text for people. */
void info_write_text(FILE *out, const struct info *in);

/* One JSON object (docs/info.md); the caller frees it with cJSON_Delete. */
struct cJSON *info_to_json(const struct info *in);

#endif
