/* SPDX-License-Identifier: MIT */
/* What the format readers share: the reader object, the probe table entry
 * each format provides, and helpers for warnings and interfaces. */
#ifndef SIFT_READER_INTERNAL_H
#define SIFT_READER_INTERNAL_H

#include "pcapsift/cursor.h"
#include "pcapsift/reader.h"

/* One capture format: a probe that looks at the first bytes, and the
 * functions that read it. */
struct reader_format {
    const char *name;
    enum sift_format format;
    size_t probe_len; /* bytes the probe needs */
    bool (*probe)(const uint8_t *head, size_t len);
    int (*open)(struct sift_reader *r, struct sift_error *err);
    int (*next)(struct sift_reader *r, struct sift_record *rec,
                struct sift_error *err);
    void (*close)(struct sift_reader *r);
};

/* An interface plus the bytes its texts point into. */
struct reader_iface {
    struct sift_interface info;
    uint8_t *owned; /* copy of the block the texts point into, or NULL */
};

struct sift_reader {
    const struct reader_format *fmt;
    struct sift_source *src;
    struct sift_reader_callbacks cb;
    uint64_t records;       /* records delivered so far */
    bool finished;          /* a fatal error or the end was met */
    bool secrets_only;      /* packet blocks are passed over unread */
    void *state;            /* the format's own */
    struct reader_iface *ifaces; /* of the current section */
    size_t iface_count, iface_cap;
    uint32_t global_ifaces; /* interfaces over every section so far */
};

extern const struct reader_format sift_pcap_format;
extern const struct reader_format sift_pcapng_format;

/* Sends a warning to the caller's callback. */
void reader_warn(struct sift_reader *r, enum sift_warning_kind kind,
                 uint64_t offset, uint64_t record, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Adds an interface to the current section; owned (may be NULL) becomes
 * the reader's. Returns the stored copy or NULL when out of memory. */
struct sift_interface *reader_add_iface(struct sift_reader *r,
                                        const struct sift_interface *iface,
                                        uint8_t *owned);

/* Forgets the interfaces of the section that ended. */
void reader_clear_ifaces(struct sift_reader *r);

/* Appends a comment view to a list, counting what does not fit. */
void reader_add_comment(struct sift_comments *c, const uint8_t *p, size_t len);

/* The largest captured length a record of this link type may sanely have. */
uint32_t reader_max_caplen(uint32_t linktype, uint32_t snaplen);

#endif
