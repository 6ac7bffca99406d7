/* SPDX-License-Identifier: MIT */
/* The two-thread analyzer's parts that the captures in testdata do not
 * reach: the queue under wraparound and a full ring with records of every
 * size, and the pcap-ng secrets block too large for the queue, which
 * stops and restarts the second thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "pcapsift/analyzer.h"
#include "pcapsift/keylog.h"
#include "pipe.h"

#define RECORDS 20000u

/* Record i: its number, then (i * 7) % max bytes of i's low byte. */
static size_t record_size(const struct pipe *p, uint32_t i)
{
    return 4 + (size_t)(i * 7u) % (pipe_max_record(p) - 4);
}

static void *producer(void *arg)
{
    struct pipe *p = arg;
    for (uint32_t i = 0; i < RECORDS; i++) {
        size_t n = record_size(p, i);
        uint8_t *r = pipe_reserve(p, n);
        memcpy(r, &i, 4);
        memset(r + 4, (int)(i & 0xff), n - 4);
        pipe_commit(p, n);
    }
    pipe_close(p);
    return NULL;
}

START_TEST(queue_keeps_order_through_wraps_and_waits)
{
    /* 4 KiB: the ring wraps every few records, and the producer waits
     * for room again and again. */
    struct pipe p;
    ck_assert(pipe_init(&p, 4096));
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, producer, &p), 0);
    uint32_t want = 0;
    size_t size;
    const uint8_t *r;
    while ((r = pipe_next(&p, &size)) != NULL) {
        ck_assert_uint_eq(size, record_size(&p, want));
        uint32_t got;
        memcpy(&got, r, 4);
        ck_assert_uint_eq(got, want);
        uint8_t fill[4096];
        memset(fill, (int)(want & 0xff), size - 4);
        ck_assert(memcmp(r + 4, fill, size - 4) == 0);
        pipe_release(&p, size);
        want++;
    }
    ck_assert_uint_eq(want, RECORDS);
    pthread_join(t, NULL);
    pipe_destroy(&p);
}
END_TEST

static int warnings;
static char last_warning[200];

static void on_warning(void *ctx, const struct sift_warning *w)
{
    (void)ctx;
    warnings++;
    snprintf(last_warning, sizeof last_warning, "%s", w->message);
}

static void on_txn(void *ctx, const struct sift_http_transaction *t)
{
    (void)ctx;
    (void)t;
}

/* A key log of n CLIENT_RANDOM lines, each for a different random. */
static char *key_log(size_t n, size_t *len)
{
    size_t line = 14 + 64 + 1 + 96 + 1;
    char *s = malloc(n * line + 1);
    ck_assert_ptr_nonnull(s);
    char *at = s;
    for (size_t i = 0; i < n; i++)
        at += sprintf(at, "CLIENT_RANDOM %056x%08zx %096x\n", 0, i, 1);
    *len = (size_t)(at - s);
    return s;
}

START_TEST(secrets_larger_than_the_queue_are_added_in_order)
{
    struct sift_keylog *keys = sift_keylog_new(NULL);
    ck_assert_ptr_nonnull(keys);
    struct sift_callbacks cb = {0};
    cb.on_http_transaction = on_txn;
    cb.on_warning = on_warning;
    struct sift_analyzer_options opt = {0};
    opt.keylog = keys;
    opt.threads = 2;
    struct sift_analyzer *a;
    struct sift_error err;
    ck_assert_int_eq(sift_analyzer_new(&cb, &opt, &a, &err), SIFT_OK);
    size_t small_len, big_len;
    char *small = key_log(10, &small_len);
    char *big = key_log(40000, &big_len); /* 7 MiB: over a quarter ring */
    ck_assert_uint_gt(big_len, (size_t)4 << 20);
    struct sift_secrets s = {0, 0x544c534bu, (const uint8_t *)small,
                             small_len};
    sift_analyzer_add_secrets(a, &s);
    s.data = (const uint8_t *)big;
    s.len = big_len;
    sift_analyzer_add_secrets(a, &s);
    /* The second thread runs again: a warning after it still arrives. */
    struct sift_warning w = {SIFT_WARN_HEADER, SIFT_LAYER_NONE, 0, 0,
                             "after the secrets"};
    sift_analyzer_warn(a, &w);
    sift_analyzer_finish(a);
    ck_assert_uint_eq(sift_keylog_count(keys), 40000);
    ck_assert_int_eq(warnings, 1);
    ck_assert_str_eq(last_warning, "after the secrets");
    sift_analyzer_free(a);
    sift_keylog_free(keys);
    free(small);
    free(big);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("analyzer");
    TCase *t = tcase_create("two threads");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, queue_keeps_order_through_wraps_and_waits);
    tcase_add_test(t, secrets_larger_than_the_queue_are_added_in_order);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
