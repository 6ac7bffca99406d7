/* SPDX-License-Identifier: MIT */
/* The read loop every analysing command shares. */
#include "cli_run.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Progress on standard error: asked for, or automatic when it is a
 * terminal and the file is large. The share is of the decompressed input
 * for plain files; compressed and piped inputs show bytes only. */
struct progress {
    bool on;
    uint64_t size; /* 0: unknown */
    struct timespec last;
};

static void progress_start(struct progress *pg, const char *path,
                           const struct cli_options *o)
{
    struct stat st;
    memset(pg, 0, sizeof pg[0]);
    bool regular = strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
                   S_ISREG(st.st_mode);
    pg->size = regular ? (uint64_t)st.st_size : 0;
    pg->on = o->progress == 1 ||
             (o->progress == -1 && !o->quiet && isatty(STDERR_FILENO) &&
              pg->size > (64u << 20));
    clock_gettime(CLOCK_MONOTONIC, &pg->last);
}

static void progress_show(struct progress *pg, const char *path,
                          uint64_t offset, bool done)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - pg->last.tv_sec) +
                (double)(now.tv_nsec - pg->last.tv_nsec) / 1e9;
    if (!done && dt < 0.5)
        return;
    pg->last = now;
    if (pg->size > 0 && offset <= pg->size)
        fprintf(stderr, "\rpcapsift: %s: %3u%% (%llu of %llu MB)", path,
                (unsigned)(offset * 100 / pg->size),
                (unsigned long long)(offset >> 20),
                (unsigned long long)(pg->size >> 20));
    else
        fprintf(stderr, "\rpcapsift: %s: %llu MB", path,
                (unsigned long long)(offset >> 20));
    if (done)
        fputc('\n', stderr);
}

/* The reader's callbacks during the analysing pass. */
struct read_ctx {
    struct diag *diag;
    struct sift_analyzer *an;
    bool secrets_known; /* the pre-pass read every secret already */
};

static void on_secrets(void *ctx, const struct sift_secrets *s)
{
    struct read_ctx *r = ctx;
    if (!r->secrets_known && r->an != NULL)
        sift_analyzer_add_secrets(r->an, s);
}

static void reader_warning(void *ctx, const struct sift_warning *w)
{
    struct read_ctx *r = ctx;
    if (r->an != NULL)
        sift_analyzer_warn(r->an, w); /* in order with the analyzer's */
    else
        diag_warning(r->diag, w);
}

static void prescan_secrets(void *ctx, const struct sift_secrets *s)
{
    struct read_ctx *r = ctx;
    sift_analyzer_add_secrets(r->an, s);
}

/* A file that can be read twice (not standard input, not a FIFO, not
 * compressed) is first read for its Decryption Secrets Blocks alone, so
 * that every secret is known before the first packet, wherever the blocks
 * sit. Elsewhere they are used from where they come. */
static bool prescan(const char *path, struct read_ctx *r)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    struct sift_source_options so = {NULL, NULL}; /* the main pass warns */
    struct sift_reader_callbacks rcb = {0};
    rcb.ctx = r;
    rcb.on_secrets = prescan_secrets;
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    /* A compressed file would be decompressed twice: it is read once,
     * its blocks used where they are (editcap and Wireshark put them
     * before the packets); a late one is a warning. */
    bool ok = sift_source_open_path(path, &so, &src, NULL) == SIFT_OK &&
              sift_source_compression(src) == SIFT_COMPRESSION_NONE &&
              sift_reader_open(src, &rcb, &rd, NULL) == SIFT_OK &&
              sift_reader_scan_secrets(rd, NULL) >= 0;
    sift_reader_close(rd);
    sift_source_close(src);
    return ok;
}

static bool wants_secrets(const struct cli_options *o)
{
    return o->analyzer != NULL && o->analyzer->keylog != NULL;
}

static void report_fatal(const struct cli_options *o,
                         const struct sift_error *err)
{
    if (!o->quiet)
        fprintf(stderr, "pcapsift: %s\n", err->message);
}

void cli_run_capture(const char *path, const struct cli_options *o,
                     const struct sift_callbacks *cb, struct capture_run *run)
{
    memset(run, 0, sizeof *run);
    diag_init(&run->diag, path, o->quiet);
    struct sift_callbacks acb = *cb;
    acb.on_warning = diag_warning;
    acb.warning_ctx = &run->diag;
    struct sift_source_options so = {diag_warning, &run->diag};
    struct read_ctx rctx = {&run->diag, NULL, false};
    struct sift_reader_callbacks rcb = {0};
    rcb.ctx = &rctx;
    rcb.on_warning = reader_warning;
    rcb.on_secrets = on_secrets;
    struct sift_error err;
    sift_error_clear(&err);
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    struct sift_analyzer *an = NULL;
    struct sift_analyzer_options aopt = {0};
    if (o->analyzer != NULL)
        aopt = *o->analyzer;
    aopt.shard = o->shard;
    aopt.shards = o->shards;
    aopt.threads = o->threads;
    if (sift_analyzer_new(&acb, &aopt, &an, &err) != SIFT_OK) {
        report_fatal(o, &err);
        return;
    }
    rctx.an = an;
    if (wants_secrets(o))
        rctx.secrets_known = prescan(path, &rctx);
    if (sift_source_open_path(path, &so, &src, &err) != SIFT_OK ||
        sift_reader_open(src, &rcb, &rd, &err) != SIFT_OK) {
        report_fatal(o, &err);
        sift_reader_close(rd);
        sift_source_close(src);
        sift_analyzer_free(an);
        return;
    }
    struct sift_record rec;
    struct progress pg;
    progress_start(&pg, path, o);
    uint64_t last_offset = 0;
    int rc;
    while ((rc = sift_reader_next(rd, &rec, &err)) == SIFT_OK) {
        run->records++;
        sift_analyzer_feed(an, &rec);
        last_offset = rec.offset;
        if (pg.on && (run->records & 4095) == 0)
            progress_show(&pg, path, last_offset, false);
    }
    if (pg.on)
        progress_show(&pg, path, pg.size ? pg.size : last_offset, true);
    sift_analyzer_finish(an);
    run->tcp_connections = sift_analyzer_tcp_connections(an);
    if (rc < 0)
        report_fatal(o, &err);
    run->complete = rc >= 0;
    sift_analyzer_free(an);
    sift_reader_close(rd);
    sift_source_close(src);
    diag_summary(&run->diag);
}

void cli_run_files(const struct cli_options *o,
                   const struct sift_callbacks *cb,
                   void (*after_file)(void *ctx, const struct capture_run *r),
                   struct run_totals *totals)
{
    totals->complete = true;
    totals->warned = false;
    totals->tcp_connections = 0;
    for (int i = 0; i < o->file_count; i++) {
        struct capture_run run;
        cli_run_capture(o->files[i], o, cb, &run);
        totals->complete &= run.complete;
        totals->warned |= run.diag.total > 0;
        totals->tcp_connections += run.tcp_connections;
        if (after_file != NULL)
            after_file(cb->ctx, &run);
    }
}

int cli_exit_status(const struct cli_options *o, bool all_complete,
                    bool any_warning)
{
    if (!all_complete)
        return EXIT_INPUT;
    return o->strict && any_warning ? EXIT_STRICT : EXIT_DONE;
}
