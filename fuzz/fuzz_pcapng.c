/* SPDX-License-Identifier: MIT */
/* libFuzzer target: pcap-ng files. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && data[0] == 0x0a && data[1] == 0x0d)
        fuzz_read_capture(data, size);
    return 0;
}
