/* SPDX-License-Identifier: MIT */
/* Capture readers: classic pcap (draft-ietf-opsawg-pcap) and pcap-ng
 * (draft-ietf-opsawg-pcapng). A reader turns a source's bytes into records
 * and knows nothing of the protocols inside them. The format is found from
 * the content through a probe table, never from a file name. */
#ifndef PCAPSIFT_READER_H
#define PCAPSIFT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/error.h"
#include "pcapsift/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed run of bytes from the input (text is UTF-8, not terminated). */
struct sift_text {
    const char *ptr;
    size_t len;
};

enum sift_format {
    SIFT_FORMAT_UNKNOWN = 0,
    SIFT_FORMAT_PCAP,
    SIFT_FORMAT_PCAPNG,
};

/* Comments kept per record or section; more are counted, not kept. */
#define SIFT_MAX_COMMENTS 8

struct sift_comments {
    size_t count; /* kept, at most SIFT_MAX_COMMENTS */
    size_t total; /* seen */
    struct sift_text text[SIFT_MAX_COMMENTS];
};

/* One section: a classic pcap file is one section; a pcap-ng file has one
 * per Section Header Block. */
struct sift_section {
    uint32_t index;        /* 0-based, in file order */
    uint64_t offset;       /* of its header in the decompressed input */
    bool big_endian;
    uint16_t version_major, version_minor;
    int64_t section_length; /* pcap-ng; -1 when not given */
    /* classic pcap only */
    uint32_t nanosecond;    /* 1 when the magic says nanoseconds */
    bool modified;          /* a1b2cd34 "modified" (Kuznetzov) format */
    int32_t thiszone;
    uint32_t sigfigs;
    /* pcap-ng options */
    struct sift_text hardware, os, user_application;
    struct sift_comments comments;
};

/* A pcap-ng Interface Description Block, or the one implied interface of a
 * classic pcap file. */
struct sift_interface {
    uint32_t section;      /* section index */
    uint32_t id;           /* index within its section */
    uint32_t global_id;    /* index over the whole file */
    uint16_t linktype;     /* LINKTYPE_ value */
    uint32_t linktype_raw; /* the whole field, classic pcap's FCS bits too */
    uint32_t snaplen;      /* 0: not set */
    int fcs_len;           /* FCS bytes at the end of each frame, -1 unknown */
    /* timestamp units: 10^-tsresol_exp or 2^-tsresol_exp seconds */
    uint8_t tsresol_exp;
    bool tsresol_pow2;
    int64_t tsoffset;      /* seconds added to every timestamp */
    struct sift_text name, description, os, hardware, filter;
    uint64_t speed;        /* bits/s, 0 when not given */
    bool damaged;          /* its description block was unreadable: it only
                              holds its id, and its packets are skipped */
    struct sift_comments comments;
};

/* One IPv4 or IPv6 name-resolution entry of a pcap-ng NRB. */
struct sift_name_entry {
    uint32_t section;
    int family;             /* 4 or 6 */
    uint8_t addr[16];
    size_t name_count;
    struct sift_text names[SIFT_MAX_COMMENTS];
};

/* Counters of a pcap-ng Interface Statistics Block; the has_ bits say which
 * were present. */
struct sift_interface_stats {
    uint32_t section;
    uint32_t interface;    /* id within the section */
    int64_t time_ns;       /* when the statistics were taken */
    int64_t start_ns, end_ns;
    uint64_t ifrecv, ifdrop, filteraccept, osdrop, usrdeliv;
    unsigned has_start : 1, has_end : 1, has_ifrecv : 1, has_ifdrop : 1,
        has_filteraccept : 1, has_osdrop : 1, has_usrdeliv : 1;
    struct sift_comments comments;
};

/* A pcap-ng Decryption Secrets Block (draft-ietf-opsawg-pcapng §4.7):
 * TLS key logs (type 0x544c534b "TLSK") feed sift_analyzer_add_secrets. */
struct sift_secrets {
    uint32_t section;
    uint32_t type;          /* e.g. 0x544c534b "TLSK" for a TLS key log */
    const uint8_t *data;
    size_t len;
};

/* Every block seen, for counting (pcap-ng block type; classic pcap reports
 * its file header as type 0 and each record as type 0xffffffff). */
struct sift_block {
    uint32_t type;
    uint64_t offset;
    uint32_t length;
    uint32_t section;
};

/* A captured packet. Everything it points at is borrowed until the next
 * sift_reader_next or sift_reader_close. */
struct sift_record {
    uint64_t number;          /* 1-based, in file order */
    uint64_t offset;          /* of its record or block header */
    uint32_t section;
    uint32_t interface;       /* id within the section */
    const struct sift_interface *iface;
    uint16_t linktype;
    bool has_timestamp;       /* a pcap-ng Simple Packet Block has none */
    int64_t ts_ns;            /* nanoseconds since 1970-01-01 UTC */
    uint32_t caplen;          /* bytes present in data */
    uint32_t origlen;         /* bytes the packet had on the wire */
    const uint8_t *data;
    uint32_t flags;           /* pcap-ng epb_flags, 0 when not given */
    bool has_flags;
    uint64_t dropcount;       /* pcap-ng epb_dropcount or PB drops */
    struct sift_comments comments;
};

/* What a reader tells its caller besides records; every member may be
 * NULL. They are called from inside sift_reader_open / sift_reader_next. */
struct sift_reader_callbacks {
    void *ctx;
    void (*on_section)(void *ctx, const struct sift_section *s);
    void (*on_interface)(void *ctx, const struct sift_interface *i);
    void (*on_name)(void *ctx, const struct sift_name_entry *e);
    void (*on_stats)(void *ctx, const struct sift_interface_stats *s);
    void (*on_secrets)(void *ctx, const struct sift_secrets *s);
    void (*on_block)(void *ctx, const struct sift_block *b);
    sift_warning_fn on_warning;
};

struct sift_reader;

/* Probes the source's first bytes and opens the matching reader. Fails with
 * SIFT_ERR_FORMAT when no reader claims the bytes, SIFT_ERR_UNSUPPORTED for
 * a format recognised but not read (the message names it). cb may be NULL. */
int sift_reader_open(struct sift_source *src,
                     const struct sift_reader_callbacks *cb,
                     struct sift_reader **out, struct sift_error *err);

/* The next record: SIFT_OK, SIFT_END at a clean or recoverable end, or a
 * negative status when the file cannot be read further (everything before
 * was delivered). Damaged records are skipped with a warning. */
int sift_reader_next(struct sift_reader *r, struct sift_record *rec,
                     struct sift_error *err);

/* Reads the rest of a freshly opened reader for its Decryption Secrets
 * Blocks only (on_secrets, and on_block, are called; packet blocks are
 * passed over unread), so that a capture's secrets are all known before
 * its packets are analyzed, wherever the blocks sit. SIFT_END at the end
 * (at once for classic pcap), or an error as sift_reader_next gives. */
int sift_reader_scan_secrets(struct sift_reader *r, struct sift_error *err);

void sift_reader_close(struct sift_reader *r);

enum sift_format sift_reader_format(const struct sift_reader *r);

/* "pcap", "pcapng". */
const char *sift_format_name(enum sift_format f);

/* Interfaces of the current section (pcap: the one implied interface). */
size_t sift_reader_interface_count(const struct sift_reader *r);
const struct sift_interface *sift_reader_interface(const struct sift_reader *r,
                                                   size_t id);

/* Converts a timestamp in interface units to nanoseconds since the epoch,
 * tsoffset included. False when it does not fit an int64 (then *ns is the
 * nearest representable value). */
bool sift_timestamp_to_ns(const struct sift_interface *iface, uint64_t units,
                          int64_t *ns);

#ifdef __cplusplus
}
#endif
#endif
