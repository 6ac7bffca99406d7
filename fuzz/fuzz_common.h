/* SPDX-License-Identifier: MIT */
/* What every fuzz target does with its input: read it through a memory
 * source and a reader to the end, touching every byte handed out, so a
 * sanitizer sees any read past a view. */
#ifndef SIFT_FUZZ_COMMON_H
#define SIFT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads data as a capture file (source, probe, reader) to its end. */
void fuzz_read_capture(const uint8_t *data, size_t size);

/* Reads data through a source and discards the bytes. */
void fuzz_drain_source(const uint8_t *data, size_t size);

#endif
