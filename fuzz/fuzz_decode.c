/* SPDX-License-Identifier: MIT */
/* libFuzzer target: link, IP and transport decoding and IP fragment
 * reassembly. The first two bytes choose the link type (so every decoder
 * of the table is reached); the rest is one packet, or several separated
 * by the bytes "\xff\xfe" so fragments can meet. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "pcapsift/ipfrag.h"
#include "pcapsift/packet.h"

static volatile uint32_t sink;

static void feed(struct sift_ipfrag *f, uint16_t linktype, const uint8_t *p,
                 size_t n, int64_t t)
{
    uint8_t *exact = malloc(n ? n : 1); /* exact size: over-reads trip */
    if (exact == NULL)
        return;
    if (n > 0)
        memcpy(exact, p, n);
    struct sift_record rec;
    memset(&rec, 0, sizeof rec);
    rec.linktype = linktype;
    rec.data = exact;
    rec.caplen = rec.origlen = (uint32_t)n;
    rec.ts_ns = t;
    rec.has_timestamp = true;
    struct sift_packet pkt, done;
    sift_decode_packet(&rec, &pkt);
    for (uint32_t i = 0; i < pkt.payload_len; i++)
        sink += pkt.payload[i];
    if ((pkt.flags & SIFT_PKT_FRAGMENT) && sift_ipfrag_add(f, &pkt, &done))
        for (uint32_t i = 0; i < done.payload_len; i++)
            sink += done.payload[i];
    free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const uint16_t linktypes[] = {0, 1, 9, 12, 101, 104, 105, 108,
                                         113, 119, 127, 163, 192, 228, 229,
                                         239, 276, 51};
    uint16_t linktype = linktypes[data[0] % (sizeof linktypes /
                                             sizeof linktypes[0])];
    struct sift_ipfrag_limits lim = {8, 1u << 20, 16, 1000};
    struct sift_ipfrag *f = sift_ipfrag_new(&lim, NULL, NULL);
    if (f == NULL)
        return 0;
    const uint8_t *p = data + 2, *end = data + size;
    int64_t t = 0;
    while (p <= end) {
        const uint8_t *sep = p;
        while (sep + 1 < end && !(sep[0] == 0xff && sep[1] == 0xfe))
            sep++;
        if (sep + 1 >= end)
            sep = end;
        feed(f, linktype, p, (size_t)(sep - p), t += 100);
        p = sep + 2;
    }
    sift_ipfrag_free(f);
    return 0;
}
