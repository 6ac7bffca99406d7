/* SPDX-License-Identifier: MIT */
/* The read loop every analysing command shares. */
#include "cli_run.h"

#include <stdio.h>
#include <string.h>

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
    struct sift_reader_callbacks rcb = {0};
    rcb.ctx = &run->diag;
    rcb.on_warning = diag_warning;
    struct sift_error err;
    sift_error_clear(&err);
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    struct sift_analyzer *an = NULL;
    if (sift_source_open_path(path, &so, &src, &err) != SIFT_OK ||
        sift_reader_open(src, &rcb, &rd, &err) != SIFT_OK ||
        sift_analyzer_new(&acb, o->analyzer, &an, &err) != SIFT_OK) {
        report_fatal(o, &err);
        sift_reader_close(rd);
        sift_source_close(src);
        return;
    }
    struct sift_record rec;
    int rc;
    while ((rc = sift_reader_next(rd, &rec, &err)) == SIFT_OK) {
        run->records++;
        sift_analyzer_feed(an, &rec);
    }
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
