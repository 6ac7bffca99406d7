/* SPDX-License-Identifier: MIT */
/* Warnings on standard error for the commands: the first few of each kind
 * in full, then a count, so a damaged capture cannot flood the terminal. */
#ifndef SIFT_DIAG_H
#define SIFT_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#include "pcapsift/error.h"

#define DIAG_KINDS 16
#define DIAG_SHOWN_PER_KIND 10

struct diag {
    const char *file; /* the input the warnings are about */
    bool quiet;
    uint64_t count[DIAG_KINDS];
    uint64_t total;
};

void diag_init(struct diag *d, const char *file, bool quiet);

/* A sift_warning_fn: ctx is a struct diag. */
void diag_warning(void *ctx, const struct sift_warning *w);

/* Says how many warnings were not shown. */
void diag_summary(const struct diag *d);

#endif
