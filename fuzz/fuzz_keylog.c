/* SPDX-License-Identifier: MIT */
/* libFuzzer target: NSS key log text (decoders/tls/keylog.c), the way a
 * Decryption Secrets Block hands it over (sift_keylog_add_text) and the
 * way --keylog reads a file (sift_keylog_load_file, through a memory file
 * descriptor). Every valid line sift_keylog_parse reports must be found
 * again with its last value; the file reader must keep the same secrets
 * as the text parser, NUL bytes and overlong lines included. Byte 0 picks
 * the longest line read (bits 0-1) and a small byte budget (bit 2), under
 * which later secrets may be dropped, so only the lookups of what is held
 * are checked then. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "pcapsift/keylog.h"

#define MAX_CHECKED 4096 /* lines remembered for the lookups */

static volatile uint32_t sink;

struct line {
    size_t pos; /* order of the line in the text */
    enum sift_secret_label label;
    uint8_t id[32], secret[SIFT_SECRET_MAX];
    size_t id_len, secret_len;
};

struct lines {
    struct line *v;
    size_t n;
    bool overflow;
};

static void on_warning(void *ctx, const struct sift_warning *w)
{
    (void)ctx;
    for (const char *p = w->message; *p; p++)
        sink += (uint8_t)*p;
}

static void on_line(void *ctx, enum sift_secret_label label,
                    const uint8_t *id, size_t id_len, const uint8_t *secret,
                    size_t secret_len, uint64_t line)
{
    struct lines *l = ctx;
    (void)line;
    if ((unsigned)label >= SIFT_KEY_LABEL_COUNT || id_len == 0 ||
        id_len > 32 || secret_len == 0 || secret_len > SIFT_SECRET_MAX)
        abort();
    if (l->n >= MAX_CHECKED) {
        l->overflow = true;
        return;
    }
    struct line *e = &l->v[l->n];
    e->pos = l->n++;
    e->label = label;
    memcpy(e->id, id, id_len);
    e->id_len = id_len;
    memcpy(e->secret, secret, secret_len);
    e->secret_len = secret_len;
}

/* Orders lines by secret (label and id), then by position. */
static int by_key(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    if (x->id_len != y->id_len)
        return x->id_len < y->id_len ? -1 : 1;
    int c = memcmp(x->id, y->id, x->id_len);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool same_key(const struct line *x, const struct line *y)
{
    return x->label == y->label && x->id_len == y->id_len &&
           memcmp(x->id, y->id, x->id_len) == 0;
}

/* Every last value is held (or, under a budget, absent or an earlier
 * value of the same secret); returns the number of distinct secrets.
 * Sorts the lines. */
static size_t check(const struct sift_keylog *k, struct lines *l,
                    bool budget)
{
    qsort(l->v, l->n, sizeof l->v[0], by_key);
    size_t distinct = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct line *e = &l->v[i];
        if (i + 1 < l->n && same_key(e, &l->v[i + 1]))
            continue; /* not the last value given */
        distinct++;
        const uint8_t *got;
        size_t n = sift_keylog_find(k, e->label, e->id, e->id_len, &got);
        if (n == e->secret_len && memcmp(got, e->secret, n) == 0)
            continue;
        if (!budget)
            abort(); /* not the last value given */
        if (n == 0)
            continue; /* dropped: over the budget */
        /* A replacement of another length may be dropped: the old value
         * stays. It must have been given on an earlier line. */
        bool given = false;
        for (size_t j = i; j > 0 && same_key(&l->v[j - 1], e) && !given; j--)
            given = l->v[j - 1].secret_len == n &&
                    memcmp(l->v[j - 1].secret, got, n) == 0;
        if (!given)
            abort();
    }
    return distinct;
}

/* The same text as a file read by sift_keylog_load_file. */
static struct sift_keylog *load_as_file(const char *text, size_t len,
                                        const struct sift_keylog_limits *lim)
{
    int fd = memfd_create("fuzz-keylog", 0);
    if (fd < 0)
        return NULL;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    struct sift_keylog *k = NULL;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct sift_error err;
    if (done == len && (k = sift_keylog_new(lim)) != NULL &&
        sift_keylog_load_file(k, path, on_warning, NULL, &err) != SIFT_OK) {
        sift_keylog_free(k);
        k = NULL;
    }
    close(fd);
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const uint32_t max_lines[4] = {0, 64, 200, 4096};
    struct sift_keylog_limits lim = {data[0] & 4 ? 2048 : 0,
                                     max_lines[data[0] & 3]};
    bool budget = (data[0] & 4) != 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char *copy = malloc(len ? len : 1); /* exact size */
    struct lines l = {calloc(MAX_CHECKED, sizeof(struct line)), 0, false};
    struct sift_keylog *k = sift_keylog_new(&lim);
    if (copy == NULL || l.v == NULL || k == NULL)
        goto out;
    memcpy(copy, text, len);
    size_t added = sift_keylog_add_text(k, copy, len, "fuzz", on_warning,
                                        NULL);
    /* sift_keylog_parse reads lines up to 1024 bytes, as the default. */
    size_t valid = 0;
    if (lim.max_line == 0)
        valid = sift_keylog_parse(copy, len, "fuzz", on_line, &l, on_warning,
                                  NULL);
    if (lim.max_line == 0 && (added > valid || (!budget && added != valid)))
        abort();
    if (lim.max_line == 0 && !l.overflow) {
        size_t distinct = check(k, &l, budget);
        if (!budget && sift_keylog_count(k) != distinct)
            abort();
    }
    struct sift_keylog *f = load_as_file(copy, len, &lim);
    if (f != NULL && sift_keylog_count(f) != sift_keylog_count(k))
        abort(); /* the file reader and the text parser differ */
    if (f != NULL && lim.max_line == 0 && !l.overflow)
        check(f, &l, budget);
    sift_keylog_free(f);
out:
    sift_keylog_free(k);
    free(l.v);
    free(copy);
    return 0;
}
