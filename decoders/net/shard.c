/* SPDX-License-Identifier: MIT */
/* Which of N shards a packet belongs to, the same on every machine and in
 * every run: workers that read one capture each keep one shard, and
 * together they see every packet exactly once (pcapsift --shard K/N). */
#include "pcapsift/packet.h"

#include <string.h>

/* An endpoint as 18 bytes: the address (zeros when the packet has none),
 * then the port, big-endian (0 when there is none). */
static void endpoint_bytes(const struct sift_ip_addr *a, uint16_t port,
                           uint8_t out[18])
{
    memcpy(out, a->bytes, 16);
    out[16] = (uint8_t)(port >> 8);
    out[17] = (uint8_t)port;
}

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* A multiply and a fold per word (the constant is 2^64 / the golden ratio),
 * from bytes assembled big-endian: no dependence on the host's byte order
 * or on a random seed, so every machine computes the same shard. */
static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

uint32_t sift_packet_shard(const struct sift_packet *p, uint32_t count)
{
    if (count <= 1)
        return 0;
    uint8_t a[18], b[18], key[40] = {0};
    endpoint_bytes(&p->src, p->sport, a);
    endpoint_bytes(&p->dst, p->dport, b);
    /* Both directions alike: the smaller endpoint first. */
    bool swap = memcmp(a, b, sizeof a) > 0;
    memcpy(key, swap ? b : a, 18);
    memcpy(key + 18, swap ? a : b, 18);
    uint64_t h = 0x243f6a8885a308d3ull; /* pi's fraction: any fixed start */
    for (size_t i = 0; i < sizeof key; i += 8)
        h = mix(h, load_be64(key + i));
    return (uint32_t)(h % count);
}
