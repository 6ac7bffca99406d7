/* SPDX-License-Identifier: MIT */
/* Capture byte sources: memory, memory-mapped regular files and streams
 * (standard input, pipes), each optionally compressed (gzip as in RFC 1952,
 * several members in a row included; zstd when built with libzstd). */
#include "pcapsift/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef SIFT_HAVE_ZSTD
#include <zstd.h>
#endif

/* Raw read size for streams, and the first size of the decoded window:
 * big enough that a read or an inflate call is rare per record. */
#define RAW_CHUNK ((size_t)256 * 1024)
#define WINDOW_START ((size_t)256 * 1024)

/* A mapped file is walked as a sliding window: pages ahead are faulted in
 * MAP_STEP at a time (one call instead of a fault per page), and pages
 * behind the reader are released MAP_STEP at a time, so resident memory
 * stays flat however large the file. */
#define MAP_STEP ((size_t)8 * 1024 * 1024)

enum raw_kind { RAW_MEMORY, RAW_MMAP, RAW_FD };

struct sift_source {
    char *name;
    struct sift_source_options opt;

    /* Raw (possibly compressed) input. */
    enum raw_kind raw_kind;
    const uint8_t *mem; /* memory or mapping */
    size_t mem_len, mem_pos;
    int fd;
    bool close_fd;
    uint8_t *rbuf; /* stream read buffer */
    size_t rpos, rend;
    bool raw_eof;
    uint64_t raw_consumed;
    size_t map_ahead;   /* mapped bytes below this were faulted in */
    size_t map_dropped; /* mapped bytes below this were released */

    /* Decoded bytes. Uncompressed memory is viewed in place (zero copy);
     * everything else goes through the window wbuf[wpos..wend). */
    enum sift_compression compression;
    bool zero_copy;
    uint8_t *wbuf;
    size_t wcap, wpos, wend;
    bool decoded_eof;
    uint64_t consumed; /* decoded bytes consumed: the current offset */
    struct sift_error pending; /* an error met while reading ahead */
    bool has_pending;

    z_stream z;
    bool z_ready;
#ifdef SIFT_HAVE_ZSTD
    ZSTD_DStream *zs;
    size_t zstd_hint; /* the decoder's last return: 0 at a frame's end */
#endif
};

/* A warning about the decoded stream where decoding has got to (which is
 * ahead of where the reader is: the window reads ahead). */
static void warn_at(struct sift_source *s, enum sift_warning_kind kind,
                    const char *msg)
{
    if (s->opt.on_warning == NULL)
        return;
    uint64_t at = s->consumed + (s->zero_copy ? 0 : s->wend - s->wpos);
    struct sift_warning w = {kind, SIFT_LAYER_SOURCE, at, 0, msg};
    s->opt.on_warning(s->opt.warning_ctx, &w);
}

/* A warning about the compressed stream: what happened, then where, as an
 * offset in the compressed input. */
static void warn_compressed(struct sift_source *s, enum sift_warning_kind kind,
                            const char *what)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s at compressed offset %llu", what,
             (unsigned long long)s->raw_consumed);
    warn_at(s, kind, msg);
}

/* ---- raw input ---------------------------------------------------------- */

static size_t raw_avail(const struct sift_source *s)
{
    if (s->raw_kind == RAW_FD)
        return s->rend - s->rpos;
    if (s->raw_kind == RAW_MMAP) /* only pages known to be there */
        return (s->map_ahead < s->mem_len ? s->map_ahead : s->mem_len) -
               s->mem_pos;
    return s->mem_len - s->mem_pos;
}

static const uint8_t *raw_ptr(const struct sift_source *s)
{
    return s->raw_kind == RAW_FD ? s->rbuf + s->rpos : s->mem + s->mem_pos;
}

/* The file behind a mapping got shorter (truncated or rotated while being
 * read): a page past its new end would raise SIGBUS, so the mapping's
 * usable length is cut to the new size and the rest reads as a cut file. */
static void map_shrunk(struct sift_source *s)
{
    struct stat st;
    size_t now = 0;
    if (fstat(s->fd, &st) == 0 && st.st_size >= 0)
        now = (size_t)st.st_size;
    if (now >= s->mem_len)
        return;
    s->mem_len = now > s->mem_pos ? now : s->mem_pos;
    s->map_ahead = s->mem_len;
    char msg[160];
    snprintf(msg, sizeof msg, "%s shrank to %zu bytes while being read; "
             "read as if it ended there", s->name, now);
    warn_at(s, SIFT_WARN_INPUT_CHANGED, msg);
}

/* Faults in mapped pages up to upto (at least MAP_STEP at a time, one call
 * instead of a fault per page). Nothing reads a mapped byte before this:
 * MADV_POPULATE_READ fails with EFAULT, where a plain read would raise
 * SIGBUS, when the file has shrunk under the mapping. */
static void map_ensure(struct sift_source *s, size_t upto)
{
    while (s->map_ahead < upto && s->map_ahead < s->mem_len) {
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE); /* not per packet */
        size_t from = s->map_ahead;
        size_t len = s->mem_len - from < MAP_STEP ? s->mem_len - from
                                                  : MAP_STEP;
        uintptr_t start = (uintptr_t)(s->mem + from) & ~(page - 1);
        size_t span = len + (size_t)((uintptr_t)(s->mem + from) - start);
        if (madvise((void *)start, span, MADV_POPULATE_READ) != 0) {
            if (errno == EFAULT) {
                map_shrunk(s);
                return;
            }
            madvise((void *)start, span, MADV_WILLNEED); /* older kernels */
        }
        s->map_ahead = from + len;
    }
}

/* Keeps a mapping's resident pages to a window around the position; bytes
 * below keep_from are no longer viewed by anyone (the view a caller holds
 * after a consume starts where that consume began). */
static void map_slide(struct sift_source *s, size_t keep_from)
{
    if (s->mem_pos + MAP_STEP / 2 >= s->map_ahead)
        map_ensure(s, s->mem_pos + MAP_STEP);
    if (keep_from > s->map_dropped + MAP_STEP) {
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t start = (uintptr_t)(s->mem + s->map_dropped) & ~(page - 1);
        uintptr_t end = (uintptr_t)(s->mem + keep_from) & ~(page - 1);
        if (end > start)
            madvise((void *)start, end - start, MADV_DONTNEED);
        s->map_dropped = keep_from;
    }
}

static void raw_advance(struct sift_source *s, size_t n)
{
    if (s->raw_kind == RAW_FD) {
        s->rpos += n;
    } else {
        size_t before = s->mem_pos;
        s->mem_pos += n;
        /* In place, the caller's view starts at the old position; under a
         * decompressor nobody looks at raw bytes once they are consumed. */
        if (s->raw_kind == RAW_MMAP)
            map_slide(s, s->zero_copy ? before : s->mem_pos);
    }
    s->raw_consumed += n;
}

/* Reads into dst, retrying on EINTR; 0 at end of file, -1 on error. */
static ssize_t read_some(int fd, uint8_t *dst, size_t cap)
{
    for (;;) {
        ssize_t n = read(fd, dst, cap);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

/* Makes at least min raw bytes available unless the input ends first. */
static int raw_fill(struct sift_source *s, size_t min, struct sift_error *err)
{
    if (s->raw_kind == RAW_MMAP)
        map_ensure(s, s->mem_pos + (min > MAP_STEP ? min : MAP_STEP));
    if (s->raw_kind != RAW_FD)
        return SIFT_OK;
    while (s->rend - s->rpos < min && !s->raw_eof) {
        if (s->rpos > 0) {
            memmove(s->rbuf, s->rbuf + s->rpos, s->rend - s->rpos);
            s->rend -= s->rpos;
            s->rpos = 0;
        }
        ssize_t n = read_some(s->fd, s->rbuf + s->rend, RAW_CHUNK - s->rend);
        if (n < 0)
            return sift_error_set(err, SIFT_ERR_IO, SIFT_LAYER_SOURCE,
                                  s->raw_consumed, "%s: read failed: %s",
                                  s->name, strerror(errno));
        if (n == 0)
            s->raw_eof = true;
        s->rend += (size_t)n;
    }
    return SIFT_OK;
}

/* ---- decoders: each appends to wbuf[wend..wcap) ------------------------- */

static int produce_identity(struct sift_source *s, struct sift_error *err)
{
    size_t space = s->wcap - s->wend;
    size_t have = raw_avail(s);
    if (have > 0) { /* bytes read while sniffing come first */
        size_t n = have < space ? have : space;
        memcpy(s->wbuf + s->wend, raw_ptr(s), n);
        raw_advance(s, n);
        s->wend += n;
        return SIFT_OK;
    }
    if (s->raw_kind != RAW_FD || s->raw_eof) {
        s->decoded_eof = true;
        return SIFT_OK;
    }
    ssize_t n = read_some(s->fd, s->wbuf + s->wend, space);
    if (n < 0)
        return sift_error_set(err, SIFT_ERR_IO, SIFT_LAYER_SOURCE,
                              s->consumed, "%s: read failed: %s", s->name,
                              strerror(errno));
    if (n == 0)
        s->raw_eof = s->decoded_eof = true;
    s->wend += (size_t)n;
    s->raw_consumed += (uint64_t)n;
    return SIFT_OK;
}

/* After a gzip member ends: another member, trailing junk, or the end. */
static int gzip_next_member(struct sift_source *s, struct sift_error *err)
{
    int rc = raw_fill(s, 2, err);
    if (rc != SIFT_OK)
        return rc;
    size_t have = raw_avail(s);
    if (have == 0) {
        s->decoded_eof = true;
        return SIFT_OK;
    }
    const uint8_t *p = raw_ptr(s);
    if (have >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        inflateReset(&s->z);
        return SIFT_OK;
    }
    warn_compressed(s, SIFT_WARN_TRAILING_DATA,
                    "data after the last gzip member ignored");
    s->decoded_eof = true;
    return SIFT_OK;
}

static int produce_gzip(struct sift_source *s, struct sift_error *err)
{
    int rc = raw_fill(s, 1, err);
    if (rc != SIFT_OK)
        return rc;
    size_t have = raw_avail(s);
    if (have == 0) {
        warn_compressed(s, SIFT_WARN_COMPRESSION, "gzip stream cut short");
        s->decoded_eof = true;
        return SIFT_OK;
    }
    uInt in_len = have > UINT_MAX ? UINT_MAX : (uInt)have;
    size_t space = s->wcap - s->wend;
    uInt out_len = space > UINT_MAX ? UINT_MAX : (uInt)space;
    s->z.next_in = (Bytef *)(uintptr_t)raw_ptr(s);
    s->z.avail_in = in_len;
    s->z.next_out = s->wbuf + s->wend;
    s->z.avail_out = out_len;
    int zr = inflate(&s->z, Z_NO_FLUSH);
    raw_advance(s, in_len - s->z.avail_in);
    s->wend += out_len - s->z.avail_out;
    if (zr == Z_STREAM_END)
        return gzip_next_member(s, err);
    if (zr == Z_OK || zr == Z_BUF_ERROR)
        return SIFT_OK;
    return sift_error_set(err, SIFT_ERR_COMPRESSION, SIFT_LAYER_SOURCE,
                          s->consumed + (s->wend - s->wpos),
                          "%s: corrupt gzip data at compressed offset %llu: %s",
                          s->name, (unsigned long long)s->raw_consumed,
                          s->z.msg ? s->z.msg : "inflate failed");
}

#ifdef SIFT_HAVE_ZSTD
/* The input ended: flush what the decoder still holds, then say whether a
 * frame was left unfinished. */
static int zstd_finish(struct sift_source *s)
{
    if (s->zstd_hint != 0) {
        ZSTD_inBuffer in = {NULL, 0, 0};
        ZSTD_outBuffer out = {s->wbuf + s->wend, s->wcap - s->wend, 0};
        size_t zr = ZSTD_decompressStream(s->zs, &out, &in);
        s->wend += out.pos;
        if (out.pos > 0 && !ZSTD_isError(zr))
            return SIFT_OK; /* more may follow on the next call */
        warn_compressed(s, SIFT_WARN_COMPRESSION, "zstd stream cut short");
    }
    s->decoded_eof = true;
    return SIFT_OK;
}

static int produce_zstd(struct sift_source *s, struct sift_error *err)
{
    int rc = raw_fill(s, 1, err);
    if (rc != SIFT_OK)
        return rc;
    size_t have = raw_avail(s);
    if (have == 0)
        return zstd_finish(s);
    ZSTD_inBuffer in = {raw_ptr(s), have, 0};
    ZSTD_outBuffer out = {s->wbuf + s->wend, s->wcap - s->wend, 0};
    size_t zr = ZSTD_decompressStream(s->zs, &out, &in);
    if (ZSTD_isError(zr) && s->zstd_hint == 0 && out.pos == 0) {
        /* at a frame boundary: what follows is not a frame at all */
        warn_compressed(s, SIFT_WARN_TRAILING_DATA,
                        "data after the last zstd frame ignored");
        s->decoded_eof = true;
        return SIFT_OK;
    }
    raw_advance(s, in.pos);
    s->wend += out.pos;
    if (ZSTD_isError(zr))
        return sift_error_set(err, SIFT_ERR_COMPRESSION, SIFT_LAYER_SOURCE,
                              s->consumed + (s->wend - s->wpos),
                              "%s: corrupt zstd data at compressed offset "
                              "%llu: %s",
                              s->name, (unsigned long long)s->raw_consumed,
                              ZSTD_getErrorName(zr));
    s->zstd_hint = zr; /* 0 exactly when a frame has just ended */
    return SIFT_OK;
}
#endif

static int produce(struct sift_source *s, struct sift_error *err)
{
    switch (s->compression) {
    case SIFT_COMPRESSION_GZIP: return produce_gzip(s, err);
#ifdef SIFT_HAVE_ZSTD
    case SIFT_COMPRESSION_ZSTD: return produce_zstd(s, err);
#endif
    default: return produce_identity(s, err);
    }
}

/* ---- the window --------------------------------------------------------- */

/* Makes room for want bytes from wpos: moves the live bytes to the front,
 * then grows the buffer if that is not enough. */
static int window_reserve(struct sift_source *s, size_t want,
                          struct sift_error *err)
{
    if (s->wcap - s->wpos >= want && s->wcap - s->wend > 0)
        return SIFT_OK;
    if (s->wpos > 0) {
        memmove(s->wbuf, s->wbuf + s->wpos, s->wend - s->wpos);
        s->wend -= s->wpos;
        s->wpos = 0;
    }
    if (s->wcap >= want && s->wcap > s->wend)
        return SIFT_OK;
    size_t cap = s->wcap ? s->wcap : WINDOW_START;
    while (cap < want || cap <= s->wend)
        cap *= 2;
    uint8_t *nb = realloc(s->wbuf, cap);
    if (nb == NULL)
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_SOURCE,
                              s->consumed, "%s: no memory for a %zu-byte "
                              "window", s->name, cap);
    s->wbuf = nb;
    s->wcap = cap;
    return SIFT_OK;
}

int sift_source_peek(struct sift_source *s, size_t want, const uint8_t **data,
                     size_t *got, struct sift_error *err)
{
    *data = NULL;
    *got = 0;
    if (want > SIFT_SOURCE_MAX_PEEK)
        return sift_error_set(err, SIFT_ERR_LIMIT, SIFT_LAYER_SOURCE,
                              s->consumed,
                              "%s: %zu bytes asked for at once, over the "
                              "limit of %zu", s->name, want,
                              SIFT_SOURCE_MAX_PEEK);
    if (s->zero_copy) {
        if (s->raw_kind == RAW_MMAP)
            map_ensure(s, s->mem_pos + want);
        size_t left = s->mem_len - s->mem_pos;
        *data = s->mem + s->mem_pos;
        *got = left < want ? left : want;
        return SIFT_OK;
    }
    while (s->wend - s->wpos < want && !s->decoded_eof && !s->has_pending) {
        int rc = window_reserve(s, want, err);
        if (rc == SIFT_OK)
            rc = produce(s, &s->pending);
        if (rc == SIFT_ERR_NOMEM)
            return rc;
        if (rc != SIFT_OK)
            s->has_pending = true;
    }
    size_t have = s->wend - s->wpos;
    if (have < want && s->has_pending) {
        if (err != NULL)
            *err = s->pending;
        return s->pending.code;
    }
    *data = s->wbuf + s->wpos;
    *got = have < want ? have : want;
    return SIFT_OK;
}

void sift_source_consume(struct sift_source *s, size_t n)
{
    if (s->zero_copy) {
        size_t left = s->mem_len - s->mem_pos;
        raw_advance(s, n < left ? n : left);
        n = n < left ? n : left;
    } else {
        size_t left = s->wend - s->wpos;
        n = n < left ? n : left;
        s->wpos += n;
    }
    s->consumed += n;
}

uint64_t sift_source_offset(const struct sift_source *s)
{
    return s->consumed;
}

uint64_t sift_source_raw_offset(const struct sift_source *s)
{
    return s->raw_consumed;
}

enum sift_compression sift_source_compression(const struct sift_source *s)
{
    return s->compression;
}

const char *sift_source_name(const struct sift_source *s)
{
    return s->name;
}

const char *sift_compression_name(enum sift_compression c)
{
    switch (c) {
    case SIFT_COMPRESSION_NONE: return "none";
    case SIFT_COMPRESSION_GZIP: return "gzip";
    case SIFT_COMPRESSION_ZSTD: return "zstd";
    }
    return "unknown";
}

/* ---- opening ------------------------------------------------------------ */

/* Compressed formats we recognise; only some are decoded. */
struct magic {
    const char *name;
    uint8_t bytes[6];
    size_t len;
    enum sift_compression decode; /* NONE: recognised, not supported */
};

static const struct magic compressions[] = {
    {"gzip", {0x1f, 0x8b}, 2, SIFT_COMPRESSION_GZIP},
    {"zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4, SIFT_COMPRESSION_ZSTD},
    {"xz", {0xfd, '7', 'z', 'X', 'Z', 0x00}, 6, SIFT_COMPRESSION_NONE},
    {"bzip2", {'B', 'Z', 'h'}, 3, SIFT_COMPRESSION_NONE},
    {"lz4", {0x04, 0x22, 0x4d, 0x18}, 4, SIFT_COMPRESSION_NONE},
};

static int start_decoder(struct sift_source *s, const struct magic *m,
                         struct sift_error *err)
{
    if (m->decode == SIFT_COMPRESSION_GZIP) {
        if (inflateInit2(&s->z, 15 + 16) != Z_OK)
            return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_SOURCE, 0,
                                  "%s: cannot start gzip decoder", s->name);
        s->z_ready = true;
        s->compression = SIFT_COMPRESSION_GZIP;
        return SIFT_OK;
    }
#ifdef SIFT_HAVE_ZSTD
    if (m->decode == SIFT_COMPRESSION_ZSTD) {
        s->zs = ZSTD_createDStream();
        if (s->zs == NULL)
            return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_SOURCE, 0,
                                  "%s: cannot start zstd decoder", s->name);
        s->compression = SIFT_COMPRESSION_ZSTD;
        return SIFT_OK;
    }
#endif
    return sift_error_set(err, SIFT_ERR_UNSUPPORTED, SIFT_LAYER_SOURCE, 0,
                          "%s: %s-compressed input is not supported by this "
                          "build; decompress it first and pipe it in", s->name,
                          m->name);
}

/* Looks at the first raw bytes and sets up decompression if they ask for
 * it; plain uncompressed memory is then read in place. */
static int sniff(struct sift_source *s, struct sift_error *err)
{
    int rc = raw_fill(s, 6, err);
    if (rc != SIFT_OK)
        return rc;
    size_t have = raw_avail(s);
    const uint8_t *p = raw_ptr(s);
    for (size_t i = 0; i < sizeof compressions / sizeof compressions[0]; i++) {
        const struct magic *m = &compressions[i];
        if (have >= m->len && memcmp(p, m->bytes, m->len) == 0)
            return start_decoder(s, m, err);
    }
    s->zero_copy = s->raw_kind != RAW_FD;
    return SIFT_OK;
}

static struct sift_source *source_new(const char *name,
                                      const struct sift_source_options *opt)
{
    struct sift_source *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->name = strdup(name ? name : "");
    if (s->name == NULL) {
        free(s);
        return NULL;
    }
    if (opt != NULL)
        s->opt = *opt;
    s->fd = -1;
    return s;
}

static int finish_open(struct sift_source *s, struct sift_source **out,
                       struct sift_error *err)
{
    int rc = sniff(s, err);
    if (rc != SIFT_OK) {
        sift_source_close(s);
        return rc;
    }
    *out = s;
    return SIFT_OK;
}

int sift_source_open_memory(const void *data, size_t len, const char *name,
                            const struct sift_source_options *opt,
                            struct sift_source **out, struct sift_error *err)
{
    *out = NULL;
    if (data == NULL && len > 0)
        return sift_error_set(err, SIFT_ERR_ARGUMENT, SIFT_LAYER_SOURCE, 0,
                              "memory source with no data");
    struct sift_source *s = source_new(name ? name : "<memory>", opt);
    if (s == NULL)
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_SOURCE, 0,
                              "no memory for a source");
    static const uint8_t nothing[1];
    s->raw_kind = RAW_MEMORY;
    s->mem = len > 0 ? data : nothing;
    s->mem_len = len;
    return finish_open(s, out, err);
}

int sift_source_open_fd(int fd, const char *name,
                        const struct sift_source_options *opt,
                        struct sift_source **out, struct sift_error *err)
{
    *out = NULL;
    struct sift_source *s = source_new(name ? name : "<fd>", opt);
    uint8_t *rbuf = malloc(RAW_CHUNK);
    if (s == NULL || rbuf == NULL) {
        free(rbuf);
        sift_source_close(s);
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_SOURCE, 0,
                              "no memory for a source");
    }
    s->raw_kind = RAW_FD;
    s->fd = fd;
    s->rbuf = rbuf;
    return finish_open(s, out, err);
}

/* Maps a regular file; falls back to reading it as a stream when mapping is
 * refused (some file systems do). */
static int open_regular(int fd, const char *path, off_t size,
                        const struct sift_source_options *opt,
                        struct sift_source **out, struct sift_error *err)
{
    void *map = size > 0 ? mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE,
                                fd, 0)
                         : MAP_FAILED;
    if (map == MAP_FAILED) {
        int rc = sift_source_open_fd(fd, path, opt, out, err);
        if (rc == SIFT_OK)
            (*out)->close_fd = true;
        else
            close(fd);
        return rc;
    }
    madvise(map, (size_t)size, MADV_SEQUENTIAL);
    struct sift_source *s = source_new(path, opt);
    if (s == NULL) {
        munmap(map, (size_t)size);
        close(fd);
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_SOURCE, 0,
                              "no memory for a source");
    }
    s->fd = fd; /* kept to see whether the file shrinks (map_shrunk) */
    s->close_fd = true;
    s->raw_kind = RAW_MMAP;
    s->mem = map;
    s->mem_len = (size_t)size;
    map_slide(s, 0);
    return finish_open(s, out, err);
}

int sift_source_open_path(const char *path,
                          const struct sift_source_options *opt,
                          struct sift_source **out, struct sift_error *err)
{
    *out = NULL;
    if (strcmp(path, "-") == 0)
        return sift_source_open_fd(STDIN_FILENO, "-", opt, out, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sift_error_set(err, SIFT_ERR_IO, SIFT_LAYER_SOURCE, 0,
                              "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (e != 0) {
        close(fd);
        return sift_error_set(err, SIFT_ERR_IO, SIFT_LAYER_SOURCE, 0,
                              "%s: cannot read: %s", path, strerror(e));
    }
    if (S_ISREG(st.st_mode))
        return open_regular(fd, path, st.st_size, opt, out, err);
    int rc = sift_source_open_fd(fd, path, opt, out, err);
    if (rc == SIFT_OK)
        (*out)->close_fd = true;
    else
        close(fd);
    return rc;
}

void sift_source_close(struct sift_source *s)
{
    if (s == NULL)
        return;
    if (s->raw_kind == RAW_MMAP && s->mem_len > 0)
        munmap((void *)(uintptr_t)s->mem, s->mem_len);
    if (s->close_fd && s->fd >= 0)
        close(s->fd);
    if (s->z_ready)
        inflateEnd(&s->z);
#ifdef SIFT_HAVE_ZSTD
    ZSTD_freeDStream(s->zs);
#endif
    free(s->rbuf);
    free(s->wbuf);
    free(s->name);
    free(s);
}
