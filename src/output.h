/* SPDX-License-Identifier: MIT */
/* Output files that never exist half-written under their name: text goes to
 * a temporary file beside the target and is renamed over it only when the
 * whole run succeeded (CLI.md: "a partial file is never left behind"). */
#ifndef SIFT_OUTPUT_H
#define SIFT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct output {
    FILE *fp;
    char *path;     /* target; NULL for standard output */
    char *tmp_path; /* where the bytes go until commit */
    bool direct;    /* a device or FIFO, written in place */
};

/* Opens path for writing, or standard output when path is NULL or "-".
 * Prints the reason and returns false on failure. */
bool output_open(struct output *o, const char *path);

/* Flushes and, for a file, renames it into place. ok false discards it.
 * Returns false if anything failed (the target is then left untouched). */
bool output_close(struct output *o, bool ok);

/* Removes the temporary file of an output still open; async-signal-safe,
 * for a handler of a fatal signal. */
void output_discard_pending(void);

#endif
