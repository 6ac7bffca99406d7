/* SPDX-License-Identifier: MIT */
/* ISO 8601 (RFC 3339) UTC times from int64 nanoseconds since the epoch;
 * the calendar arithmetic is done here, not by gmtime, so every int64 value
 * (years -290308 to 294247) prints the same on every platform. */
#include "timefmt.h"

#include <stdio.h>

/* Days since 1970-01-01 to a civil date (proleptic Gregorian calendar),
 * after Howard Hinnant's public-domain "days_from_civil" derivation. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t year = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = year + (*m <= 2);
}

static void split(int64_t ns, int64_t *sec, int64_t *frac)
{
    *sec = ns / 1000000000;
    *frac = ns % 1000000000;
    if (*frac < 0) {
        *frac += 1000000000;
        *sec -= 1;
    }
}

static void fraction(int64_t frac, unsigned digits, char *out, size_t cap)
{
    if (digits == 0) {
        out[0] = '\0';
        return;
    }
    if (digits > 9)
        digits = 9;
    for (unsigned i = digits; i < 9; i++)
        frac /= 10;
    snprintf(out, cap, ".%0*lld", (int)digits, (long long)frac);
}

void timefmt_iso(int64_t ns, unsigned digits, char out[TIMEFMT_MAX])
{
    int64_t sec, frac;
    split(ns, &sec, &frac);
    int64_t days = sec / 86400;
    int64_t rem = sec % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char f[16];
    fraction(frac, digits, f, sizeof f);
    snprintf(out, TIMEFMT_MAX, "%04lld-%02u-%02uT%02u:%02u:%02u%sZ",
             (long long)y, m, d, (unsigned)(rem / 3600),
             (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), f);
}

void timefmt_seconds(uint64_t ns, unsigned digits, char out[TIMEFMT_MAX])
{
    char f[16];
    fraction((int64_t)(ns % 1000000000u), digits, f, sizeof f);
    snprintf(out, TIMEFMT_MAX, "%llu%s",
             (unsigned long long)(ns / 1000000000u), f);
}

uint64_t timefmt_span(int64_t earlier, int64_t later)
{
    /* Timestamps that run backwards give 0, not a wrapped 2^64 - x. */
    if (later <= earlier)
        return 0;
    /* modulo 2^64 arithmetic is exact here: the true span is below 2^64 */
    return (uint64_t)later - (uint64_t)earlier;
}
