/* SPDX-License-Identifier: MIT */
/* Status codes, error details and warnings shared by every pcapsift layer
 * (house rule 6 of STYLE.md: 0 ok, positive for non-errors, negative for
 * errors, details in a caller-owned struct with the input offset). */
#ifndef PCAPSIFT_ERROR_H
#define PCAPSIFT_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sift_status {
    SIFT_OK = 0,
    SIFT_END = 1,              /* no more records: not an error */
    SIFT_ERR_TRUNCATED = -1,   /* bytes ran out in the middle of a unit */
    SIFT_ERR_MALFORMED = -2,   /* this unit is invalid */
    SIFT_ERR_IO = -3,          /* the operating system failed a read */
    SIFT_ERR_NOMEM = -4,       /* an allocation failed */
    SIFT_ERR_FORMAT = -5,      /* not a capture format we read */
    SIFT_ERR_LIMIT = -6,       /* a size from the input is over a limit */
    SIFT_ERR_UNSUPPORTED = -7, /* a known format or version we do not read */
    SIFT_ERR_ARGUMENT = -8,    /* the caller passed something invalid */
    SIFT_ERR_COMPRESSION = -9, /* the compressed stream is corrupt */
};

/* Which stage an error or warning comes from. */
enum sift_layer {
    SIFT_LAYER_NONE = 0,
    SIFT_LAYER_SOURCE,
    SIFT_LAYER_READER,
    SIFT_LAYER_LINK,
    SIFT_LAYER_IP,
    SIFT_LAYER_TCP,
    SIFT_LAYER_HTTP,
    SIFT_LAYER_OUTPUT,
    SIFT_LAYER_TLS,
};

/* Room for a long path and the reason. */
#define SIFT_MESSAGE_MAX 1024

/* Filled by a failing call; owned by the caller. */
struct sift_error {
    int code;               /* an enum sift_status below zero */
    enum sift_layer layer;
    uint64_t offset;        /* byte offset in the decompressed input */
    uint64_t record;        /* 1-based record number, 0 when none */
    char message[SIFT_MESSAGE_MAX];
};

/* Kinds of warning: things that were wrong in the input but did not stop it. */
enum sift_warning_kind {
    SIFT_WARN_TRUNCATED_RECORD = 1, /* the input ends inside a record */
    SIFT_WARN_MALFORMED_RECORD,     /* a record was skipped */
    SIFT_WARN_MALFORMED_BLOCK,      /* a pcap-ng block was skipped */
    SIFT_WARN_MALFORMED_OPTION,     /* options of a block cut short */
    SIFT_WARN_LENGTH,               /* captured/original/snap length odd */
    SIFT_WARN_TIMESTAMP,            /* timestamp out of range or odd */
    SIFT_WARN_TRAILING_DATA,        /* bytes after the end of the capture */
    SIFT_WARN_COMPRESSION,          /* compressed stream cut or followed by junk */
    SIFT_WARN_HEADER,               /* odd but readable file or block header */
    SIFT_WARN_INPUT_CHANGED,        /* the file shrank while being read */
    SIFT_WARN_KEYLOG,               /* a key log line was skipped */
    SIFT_WARN_TLS,                  /* TLS: records not decrypted, keys
                                       late, a handshake skipped */
};

struct sift_warning {
    enum sift_warning_kind kind;
    enum sift_layer layer;
    uint64_t offset;     /* byte offset in the decompressed input */
    uint64_t record;     /* 1-based record number, 0 when none */
    const char *message; /* borrowed for the duration of the call */
};

typedef void (*sift_warning_fn)(void *ctx, const struct sift_warning *w);

/* Fills err (when not NULL) and returns code. */
int sift_error_set(struct sift_error *err, int code, enum sift_layer layer,
                   uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Clears err to "no error". */
void sift_error_clear(struct sift_error *err);

/* A short fixed name for a status code ("truncated", "malformed"...). */
const char *sift_status_name(int code);

/* A short fixed name for a warning kind. */
const char *sift_warning_kind_name(enum sift_warning_kind kind);

/* A short fixed name for a layer ("reader", "source"...). */
const char *sift_layer_name(enum sift_layer layer);

#ifdef __cplusplus
}
#endif
#endif
