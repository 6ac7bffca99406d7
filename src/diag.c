/* SPDX-License-Identifier: MIT */
/* Rate-limited warnings on standard error. */
#include "diag.h"

#include <inttypes.h>
#include <stdio.h>

void diag_init(struct diag *d, const char *file, bool quiet)
{
    *d = (struct diag){0};
    d->file = file;
    d->quiet = quiet;
}

void diag_warning(void *ctx, const struct sift_warning *w)
{
    struct diag *d = ctx;
    unsigned k = (unsigned)w->kind < DIAG_KINDS ? (unsigned)w->kind : 0;
    d->total++;
    if (d->quiet || ++d->count[k] > DIAG_SHOWN_PER_KIND)
        return;
    fprintf(stderr, "pcapsift: %s", d->file);
    /* Warnings about a key log or a connection's end have no place in
     * the capture. */
    if (w->layer != SIFT_LAYER_TLS || w->offset != 0 || w->record != 0)
        fprintf(stderr, ": offset %" PRIu64, w->offset);
    if (w->record != 0)
        fprintf(stderr, ", packet %" PRIu64, w->record);
    fprintf(stderr, ": %s: %s\n", sift_warning_kind_name(w->kind),
            w->message);
}

void diag_summary(const struct diag *d)
{
    if (d->quiet)
        return;
    for (unsigned k = 0; k < DIAG_KINDS; k++)
        if (d->count[k] > DIAG_SHOWN_PER_KIND)
            fprintf(stderr, "pcapsift: %s: %" PRIu64 " more %s warnings\n",
                    d->file, d->count[k] - DIAG_SHOWN_PER_KIND,
                    sift_warning_kind_name((enum sift_warning_kind)k));
}
