/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the gzip source. Every input is read as a compressed
 * stream (the magic is forced), then as a capture inside gzip. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *gz = malloc(size + 2);
    if (gz == NULL)
        return 0;
    gz[0] = 0x1f;
    gz[1] = 0x8b;
    if (size > 0)
        memcpy(gz + 2, data, size);
    fuzz_drain_source(gz, size + 2);
    fuzz_read_capture(gz, size + 2);
    free(gz);
    return 0;
}
