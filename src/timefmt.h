/* SPDX-License-Identifier: MIT */
/* Nanosecond timestamps as ISO 8601 UTC text and durations as seconds. */
#ifndef SIFT_TIMEFMT_H
#define SIFT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for "-292277-01-01T00:00:00.123456789Z" and then some. */
#define TIMEFMT_MAX 48

/* "2024-05-06T07:08:09.123456Z" with digits (0-9) fraction digits. */
void timefmt_iso(int64_t ns, unsigned digits, char out[TIMEFMT_MAX]);

/* A duration in seconds, "12.345678", with digits fraction digits. */
void timefmt_seconds(uint64_t ns, unsigned digits, char out[TIMEFMT_MAX]);

/* later - earlier, exact for any two int64 values (later >= earlier). */
uint64_t timefmt_span(int64_t earlier, int64_t later);

#endif
