/* SPDX-License-Identifier: MIT */
/* libFuzzer target: classic pcap files (inputs that are not pcap are
 * passed over, so the fuzzer's effort stays on this reader). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && (data[0] == 0xa1 || data[0] == 0xd4 || data[0] == 0x4d ||
                      data[0] == 0x34))
        fuzz_read_capture(data, size);
    return 0;
}
