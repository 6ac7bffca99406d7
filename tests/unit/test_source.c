/* SPDX-License-Identifier: MIT */
/* Unit tests of the byte sources: memory, mapped files, streams (pipes),
 * gzip (several members, cut short, corrupt, trailing junk), zstd when
 * built in, recognised-but-unsupported compressions, and limits. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#ifdef SIFT_HAVE_ZSTD
#include <zstd.h>
#endif

#include "check_main.h"
#include "pcapsift/source.h"

static uint8_t plain[200000];

static void fill_plain(void)
{
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof plain; i++) {
        x = x * 1103515245u + 12345u;
        plain[i] = (uint8_t)(x >> 24 & 0x3f); /* compressible, not trivial */
    }
}

/* gzip of len bytes of data into out (cap bytes); returns its length. */
static size_t gzip_bytes(const uint8_t *data, size_t len, uint8_t *out,
                         size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return n;
}

struct warnings {
    int count;
    enum sift_warning_kind last;
};

static void count_warning(void *ctx, const struct sift_warning *w)
{
    struct warnings *ws = ctx;
    ws->count++;
    ws->last = w->kind;
}

/* Reads everything from src in pieces of step bytes; returns the status
 * that ended it and the bytes read in *n. */
static int drain(struct sift_source *src, uint8_t *out, size_t cap,
                 size_t step, size_t *n)
{
    *n = 0;
    for (;;) {
        const uint8_t *p;
        size_t got;
        struct sift_error err;
        int rc = sift_source_peek(src, step, &p, &got, &err);
        if (rc != SIFT_OK)
            return rc;
        if (got == 0)
            return SIFT_OK;
        ck_assert_uint_le(*n + got, cap);
        memcpy(out + *n, p, got);
        *n += got;
        ck_assert_uint_eq(sift_source_offset(src), *n - got);
        sift_source_consume(src, got);
    }
}

static int read_memory(const void *data, size_t len, uint8_t *out, size_t cap,
                       size_t step, size_t *n, struct warnings *ws,
                       enum sift_compression *comp)
{
    struct sift_source_options so = {count_warning, ws};
    struct sift_source *src;
    struct sift_error err;
    int rc = sift_source_open_memory(data, len, "t", &so, &src, &err);
    if (rc != SIFT_OK)
        return rc;
    *comp = sift_source_compression(src);
    rc = drain(src, out, cap, step, n);
    sift_source_close(src);
    return rc;
}

static uint8_t packed[2 * sizeof plain];
static uint8_t back[2 * sizeof plain];

START_TEST(memory_is_read_in_place_at_any_step)
{
    const size_t steps[] = {1, 7, 4096, 1 << 20};
    for (size_t i = 0; i < 4; i++) {
        struct warnings ws = {0, 0};
        enum sift_compression c;
        size_t n;
        ck_assert_int_eq(read_memory(plain, sizeof plain, back, sizeof back,
                                     steps[i], &n, &ws, &c), SIFT_OK);
        ck_assert_uint_eq(n, sizeof plain);
        ck_assert(memcmp(back, plain, n) == 0);
        ck_assert_int_eq(c, SIFT_COMPRESSION_NONE);
    }
}
END_TEST

START_TEST(gzip_members_in_a_row_read_as_one_stream)
{
    size_t a = gzip_bytes(plain, 70000, packed, sizeof packed);
    size_t b = gzip_bytes(plain + 70000, sizeof plain - 70000, packed + a,
                          sizeof packed - a);
    const size_t steps[] = {1, 13, 65536, 300000};
    for (size_t i = 0; i < 4; i++) {
        struct warnings ws = {0, 0};
        enum sift_compression c;
        size_t n;
        ck_assert_int_eq(read_memory(packed, a + b, back, sizeof back,
                                     steps[i], &n, &ws, &c), SIFT_OK);
        ck_assert_int_eq(c, SIFT_COMPRESSION_GZIP);
        ck_assert_uint_eq(n, sizeof plain);
        ck_assert(memcmp(back, plain, n) == 0);
        ck_assert_int_eq(ws.count, 0);
    }
}
END_TEST

START_TEST(gzip_cut_short_gives_what_it_has_and_warns)
{
    size_t a = gzip_bytes(plain, sizeof plain, packed, sizeof packed);
    struct warnings ws = {0, 0};
    enum sift_compression c;
    size_t n;
    ck_assert_int_eq(read_memory(packed, a / 2, back, sizeof back, 1000, &n,
                                 &ws, &c), SIFT_OK);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(n, sizeof plain);
    ck_assert(memcmp(back, plain, n) == 0);
    ck_assert_int_eq(ws.count, 1);
    ck_assert_int_eq(ws.last, SIFT_WARN_COMPRESSION);
}
END_TEST

START_TEST(gzip_trailing_junk_is_a_warning)
{
    size_t a = gzip_bytes(plain, 1000, packed, sizeof packed);
    memcpy(packed + a, "junk", 4);
    struct warnings ws = {0, 0};
    enum sift_compression c;
    size_t n;
    ck_assert_int_eq(read_memory(packed, a + 4, back, sizeof back, 100, &n,
                                 &ws, &c), SIFT_OK);
    ck_assert_uint_eq(n, 1000);
    ck_assert_int_eq(ws.count, 1);
    ck_assert_int_eq(ws.last, SIFT_WARN_TRAILING_DATA);
}
END_TEST

START_TEST(corrupt_gzip_is_an_error_after_the_good_bytes)
{
    size_t a = gzip_bytes(plain, sizeof plain, packed, sizeof packed);
    for (size_t i = a / 2; i < a / 2 + 64; i++)
        packed[i] ^= 0x55;
    struct warnings ws = {0, 0};
    enum sift_compression c;
    size_t n;
    int rc = read_memory(packed, a, back, sizeof back, 100, &n, &ws, &c);
    ck_assert_int_eq(rc, SIFT_ERR_COMPRESSION);
    /* deflate cannot tell damage until a code is invalid, so only bytes
     * made from the stream before the damage are sure to be right */
    ck_assert_uint_gt(n, sizeof plain / 4);
    ck_assert(memcmp(back, plain, sizeof plain / 4) == 0);
}
END_TEST

START_TEST(unsupported_compressions_are_named)
{
    const char *const magics[] = {"\xfd\x37zXZ", "BZh91AY", "\x04\x22\x4d\x18"};
    const size_t lens[] = {6, 7, 4};
    for (size_t i = 0; i < 3; i++) {
        struct sift_source *src;
        struct sift_error err;
        ck_assert_int_eq(sift_source_open_memory(magics[i], lens[i], "t",
                                                 NULL, &src, &err),
                         SIFT_ERR_UNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(err.message, "compressed"));
    }
}
END_TEST

#ifdef SIFT_HAVE_ZSTD
START_TEST(zstd_is_read_as_a_stream)
{
    size_t a = ZSTD_compress(packed, sizeof packed, plain, sizeof plain, 3);
    ck_assert(!ZSTD_isError(a));
    struct warnings ws = {0, 0};
    enum sift_compression c;
    size_t n;
    ck_assert_int_eq(read_memory(packed, a, back, sizeof back, 777, &n, &ws,
                                 &c), SIFT_OK);
    ck_assert_int_eq(c, SIFT_COMPRESSION_ZSTD);
    ck_assert_uint_eq(n, sizeof plain);
    ck_assert(memcmp(back, plain, n) == 0);
    ck_assert_int_eq(ws.count, 0);
}
END_TEST

START_TEST(zstd_frames_in_a_row_cut_short_and_trailing_junk)
{
    size_t a = ZSTD_compress(packed, sizeof packed, plain, 70000, 3);
    size_t b = ZSTD_compress(packed + a, sizeof packed - a, plain + 70000,
                             sizeof plain - 70000, 3);
    ck_assert(!ZSTD_isError(a) && !ZSTD_isError(b));
    struct warnings ws = {0, 0};
    enum sift_compression c;
    size_t n;
    ck_assert_int_eq(read_memory(packed, a + b, back, sizeof back, 4096, &n,
                                 &ws, &c), SIFT_OK);
    ck_assert_uint_eq(n, sizeof plain);
    ck_assert(memcmp(back, plain, n) == 0);
    ck_assert_int_eq(ws.count, 0);
    /* cut inside the second frame: what came out is right, and it says so */
    ck_assert_int_eq(read_memory(packed, a + b / 2, back, sizeof back, 4096,
                                 &n, &ws, &c), SIFT_OK);
    ck_assert_uint_ge(n, 70000);
    ck_assert_uint_lt(n, sizeof plain);
    ck_assert(memcmp(back, plain, n) == 0);
    ck_assert_int_eq(ws.count, 1);
    ck_assert_int_eq(ws.last, SIFT_WARN_COMPRESSION);
    /* zero bytes after the last frame: a warning, not an error */
    memset(packed + a + b, 0, 16);
    ws.count = 0;
    ck_assert_int_eq(read_memory(packed, a + b + 16, back, sizeof back, 4096,
                                 &n, &ws, &c), SIFT_OK);
    ck_assert_uint_eq(n, sizeof plain);
    ck_assert_int_eq(ws.count, 1);
    ck_assert_int_eq(ws.last, SIFT_WARN_TRAILING_DATA);
}
END_TEST
#endif

START_TEST(peek_over_the_limit_is_refused)
{
    struct sift_source *src;
    struct sift_error err;
    ck_assert_int_eq(sift_source_open_memory(plain, 10, "t", NULL, &src, &err),
                     SIFT_OK);
    const uint8_t *p;
    size_t got;
    ck_assert_int_eq(sift_source_peek(src, SIFT_SOURCE_MAX_PEEK + 1, &p, &got,
                                      &err), SIFT_ERR_LIMIT);
    sift_source_close(src);
}
END_TEST

START_TEST(empty_memory_is_an_empty_stream)
{
    struct sift_source *src;
    struct sift_error err;
    ck_assert_int_eq(sift_source_open_memory(NULL, 0, "t", NULL, &src, &err),
                     SIFT_OK);
    const uint8_t *p;
    size_t got = 99;
    ck_assert_int_eq(sift_source_peek(src, 4, &p, &got, &err), SIFT_OK);
    ck_assert_uint_eq(got, 0);
    sift_source_close(src);
}
END_TEST

/* Writes len bytes into a pipe from a child process; returns the read end. */
static int pipe_from_child(const uint8_t *data, size_t len)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        for (size_t off = 0; off < len;) { /* small writes: many reads */
            size_t n = len - off < 3000 ? len - off : 3000;
            ssize_t w = write(fds[1], data + off, n);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    return fds[0];
}

START_TEST(streams_plain_and_gzip_from_a_pipe)
{
    size_t a = gzip_bytes(plain, sizeof plain, packed, sizeof packed);
    const struct {
        const uint8_t *data;
        size_t len;
        enum sift_compression comp;
    } cases[] = {{plain, sizeof plain, SIFT_COMPRESSION_NONE},
                 {packed, a, SIFT_COMPRESSION_GZIP}};
    for (size_t i = 0; i < 2; i++) {
        int fd = pipe_from_child(cases[i].data, cases[i].len);
        struct sift_source *src;
        struct sift_error err;
        ck_assert_int_eq(sift_source_open_fd(fd, "pipe", NULL, &src, &err),
                         SIFT_OK);
        ck_assert_int_eq(sift_source_compression(src), cases[i].comp);
        size_t n;
        ck_assert_int_eq(drain(src, back, sizeof back, 70001, &n), SIFT_OK);
        ck_assert_uint_eq(n, sizeof plain);
        ck_assert(memcmp(back, plain, n) == 0);
        sift_source_close(src);
        close(fd);
        wait(NULL);
    }
}
END_TEST

START_TEST(regular_files_are_mapped_and_errors_are_reported)
{
    char path[] = "/tmp/sift-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, plain, sizeof plain), (ssize_t)sizeof plain);
    close(fd);
    struct sift_source *src;
    struct sift_error err;
    ck_assert_int_eq(sift_source_open_path(path, NULL, &src, &err), SIFT_OK);
    const uint8_t *p;
    size_t got;
    ck_assert_int_eq(sift_source_peek(src, sizeof plain, &p, &got, &err),
                     SIFT_OK);
    ck_assert_uint_eq(got, sizeof plain);
    ck_assert(memcmp(p, plain, got) == 0);
    sift_source_close(src);
    unlink(path);
    ck_assert_int_eq(sift_source_open_path(path, NULL, &src, &err),
                     SIFT_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    ck_assert_int_eq(sift_source_open_path("/tmp", NULL, &src, &err),
                     SIFT_ERR_IO);
}
END_TEST

START_TEST(large_mapped_file_reads_right_across_window_slides)
{
    /* 40 MiB: several 8 MiB prefetch and release steps of the mapping */
    const size_t size = (size_t)40 << 20;
    char path[] = "/tmp/sift-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    for (size_t off = 0; off < size; off += sizeof plain) {
        size_t n = size - off < sizeof plain ? size - off : sizeof plain;
        ck_assert_int_eq(write(fd, plain, n), (ssize_t)n);
    }
    close(fd);
    struct sift_source *src;
    struct sift_error err;
    ck_assert_int_eq(sift_source_open_path(path, NULL, &src, &err), SIFT_OK);
    size_t total = 0;
    const uint8_t *p, *prev = NULL;
    size_t got, prev_len = 0;
    while (sift_source_peek(src, 1000003, &p, &got, &err) == SIFT_OK &&
           got > 0) {
        for (size_t i = 0; i < got; i += 4093)
            ck_assert_uint_eq(p[i], plain[(total + i) % sizeof plain]);
        sift_source_consume(src, got);
        /* the view handed out before this consume is still readable */
        ck_assert_uint_eq(p[got - 1], plain[(total + got - 1) % sizeof plain]);
        prev = p;
        prev_len = got;
        total += got;
    }
    ck_assert_ptr_nonnull(prev);
    ck_assert_uint_gt(prev_len, 0);
    ck_assert_uint_eq(total, size);
    sift_source_close(src);
    unlink(path);
}
END_TEST

START_TEST(mapped_file_that_shrinks_reads_as_cut_short)
{
    const size_t size = (size_t)40 << 20, cut = (size_t)12 << 20;
    char path[] = "/tmp/sift-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    for (size_t off = 0; off < size; off += sizeof plain) {
        size_t n = size - off < sizeof plain ? size - off : sizeof plain;
        ck_assert_int_eq(write(fd, plain, n), (ssize_t)n);
    }
    struct warnings ws = {0, 0};
    struct sift_source_options so = {count_warning, &ws};
    struct sift_source *src;
    struct sift_error err;
    ck_assert_int_eq(sift_source_open_path(path, &so, &src, &err), SIFT_OK);
    /* shrink it past the first window the source faulted in at open */
    ck_assert_int_eq(ftruncate(fd, (off_t)cut), 0);
    close(fd);
    /* one view reaching past the faulted-in window and past the new end */
    const uint8_t *p;
    size_t got;
    ck_assert_int_eq(sift_source_peek(src, (size_t)16 << 20, &p, &got, &err),
                     SIFT_OK);
    ck_assert_uint_eq(got, cut);
    ck_assert_uint_eq(p[got - 1], plain[(got - 1) % sizeof plain]);
    size_t total = 0;
    while (sift_source_peek(src, 65536, &p, &got, &err) == SIFT_OK &&
           got > 0) {
        sift_source_consume(src, got);
        total += got;
    }
    ck_assert_uint_eq(total, cut);
    ck_assert_int_eq(ws.count, 1);
    ck_assert_int_eq(ws.last, SIFT_WARN_INPUT_CHANGED);
    sift_source_close(src);
    unlink(path);
}
END_TEST

static Suite *suite(void)
{
    fill_plain();
    Suite *s = suite_create("source");
    TCase *t = tcase_create("source");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, memory_is_read_in_place_at_any_step);
    tcase_add_test(t, gzip_members_in_a_row_read_as_one_stream);
    tcase_add_test(t, gzip_cut_short_gives_what_it_has_and_warns);
    tcase_add_test(t, gzip_trailing_junk_is_a_warning);
    tcase_add_test(t, corrupt_gzip_is_an_error_after_the_good_bytes);
    tcase_add_test(t, unsupported_compressions_are_named);
#ifdef SIFT_HAVE_ZSTD
    tcase_add_test(t, zstd_is_read_as_a_stream);
    tcase_add_test(t, zstd_frames_in_a_row_cut_short_and_trailing_junk);
#endif
    tcase_add_test(t, peek_over_the_limit_is_refused);
    tcase_add_test(t, empty_memory_is_an_empty_stream);
    tcase_add_test(t, streams_plain_and_gzip_from_a_pipe);
    tcase_add_test(t, regular_files_are_mapped_and_errors_are_reported);
    tcase_add_test(t, large_mapped_file_reads_right_across_window_slides);
    tcase_add_test(t, mapped_file_that_shrinks_reads_as_cut_short);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
