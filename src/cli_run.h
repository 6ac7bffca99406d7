/* SPDX-License-Identifier: MIT */
/* Runs one capture file through a reader and an analyzer for a command,
 * with warnings on standard error. */
#ifndef SIFT_CLI_RUN_H
#define SIFT_CLI_RUN_H

#include <stdbool.h>

#include "cli.h"
#include "diag.h"
#include "pcapsift/analyzer.h"

struct capture_run {
    struct diag diag;     /* warnings of this file */
    uint64_t records;     /* records read */
    uint64_t tcp_connections; /* connections the TCP layer saw */
    bool complete;        /* read to its end */
};

/* Reads path ("-": standard input) to its end, feeding every record to an
 * analyzer with the command's callbacks (their on_warning is replaced by
 * the diag's). A fatal error is printed; what came before was delivered. */
void cli_run_capture(const char *path, const struct cli_options *o,
                     const struct sift_callbacks *cb, struct capture_run *run);

/* What every FILE of a command came to. */
struct run_totals {
    bool complete;  /* every file was read to its end */
    bool warned;    /* some file had warnings */
    uint64_t tcp_connections; /* over every file: where ids continue */
};

/* Runs every FILE of the command in turn (each its own capture); after
 * each, after_file (when not NULL) is called with the command's ctx. */
void cli_run_files(const struct cli_options *o,
                   const struct sift_callbacks *cb,
                   void (*after_file)(void *ctx, const struct capture_run *r),
                   struct run_totals *totals);

/* The exit status after every file: 1 if one was not read to its end, 4
 * with --strict and warnings, else 0. */
int cli_exit_status(const struct cli_options *o, bool all_complete,
                    bool any_warning);

#endif
