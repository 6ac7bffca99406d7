/* SPDX-License-Identifier: MIT */
/* Error details and the names of statuses, layers and warning kinds. */
#include "pcapsift/error.h"

#include <stdio.h>
#include <string.h>

int sift_error_set(struct sift_error *err, int code, enum sift_layer layer,
                   uint64_t offset, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->layer = layer;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void sift_error_clear(struct sift_error *err)
{
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

const char *sift_status_name(int code)
{
    switch (code) {
    case SIFT_OK: return "ok";
    case SIFT_END: return "end";
    case SIFT_ERR_TRUNCATED: return "truncated";
    case SIFT_ERR_MALFORMED: return "malformed";
    case SIFT_ERR_IO: return "i/o error";
    case SIFT_ERR_NOMEM: return "out of memory";
    case SIFT_ERR_FORMAT: return "unknown format";
    case SIFT_ERR_LIMIT: return "over a limit";
    case SIFT_ERR_UNSUPPORTED: return "unsupported";
    case SIFT_ERR_ARGUMENT: return "invalid argument";
    case SIFT_ERR_COMPRESSION: return "corrupt compressed data";
    default: return "unknown status";
    }
}

const char *sift_warning_kind_name(enum sift_warning_kind kind)
{
    switch (kind) {
    case SIFT_WARN_TRUNCATED_RECORD: return "truncated-record";
    case SIFT_WARN_MALFORMED_RECORD: return "malformed-record";
    case SIFT_WARN_MALFORMED_BLOCK: return "malformed-block";
    case SIFT_WARN_MALFORMED_OPTION: return "malformed-option";
    case SIFT_WARN_LENGTH: return "length";
    case SIFT_WARN_TIMESTAMP: return "timestamp";
    case SIFT_WARN_TRAILING_DATA: return "trailing-data";
    case SIFT_WARN_COMPRESSION: return "compression";
    case SIFT_WARN_HEADER: return "header";
    case SIFT_WARN_INPUT_CHANGED: return "input-changed";
    case SIFT_WARN_KEYLOG: return "keylog";
    case SIFT_WARN_TLS: return "tls";
    }
    return "unknown";
}

const char *sift_layer_name(enum sift_layer layer)
{
    switch (layer) {
    case SIFT_LAYER_NONE: return "none";
    case SIFT_LAYER_SOURCE: return "source";
    case SIFT_LAYER_READER: return "reader";
    case SIFT_LAYER_LINK: return "link";
    case SIFT_LAYER_IP: return "ip";
    case SIFT_LAYER_TCP: return "tcp";
    case SIFT_LAYER_HTTP: return "http";
    case SIFT_LAYER_OUTPUT: return "output";
    case SIFT_LAYER_TLS: return "tls";
    }
    return "unknown";
}
