/* SPDX-License-Identifier: MIT */
/* Timestamps in interface units (pcap-ng if_tsresol: 10^-n or 2^-n seconds,
 * plus if_tsoffset seconds) to int64 nanoseconds since the epoch. 128-bit
 * arithmetic keeps 2038, 2106 and finer-than-nanosecond units exact. */
#include "pcapsift/reader.h"

#include <limits.h>

typedef __int128 wide;

static const uint64_t pow10_table[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
    10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
    100000000000ull, 1000000000000ull, 10000000000000ull,
    100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/* Units to nanoseconds; exponents past the table were refused when the
 * interface was read, but a caller may still pass one. */
static wide units_to_ns(const struct sift_interface *iface, uint64_t units)
{
    unsigned e = iface->tsresol_exp;
    if (iface->tsresol_pow2) {
        if (e > 64)
            e = 64;
        return (wide)(((unsigned __int128)units * 1000000000u) >> e);
    }
    if (e > 19)
        e = 19;
    if (e <= 9)
        return (wide)units * (wide)pow10_table[9 - e];
    return (wide)(units / pow10_table[e - 9]);
}

bool sift_timestamp_to_ns(const struct sift_interface *iface, uint64_t units,
                          int64_t *ns)
{
    wide v = units_to_ns(iface, units) + (wide)iface->tsoffset * 1000000000;
    if (v > (wide)INT64_MAX) {
        *ns = INT64_MAX;
        return false;
    }
    if (v < (wide)INT64_MIN) {
        *ns = INT64_MIN;
        return false;
    }
    *ns = (int64_t)v;
    return true;
}
