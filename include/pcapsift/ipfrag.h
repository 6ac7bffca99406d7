/* SPDX-License-Identifier: MIT */
/* IPv4 and IPv6 fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5) with
 * bounded memory and a timeout in capture time.
 *
 * Overlap policy: bytes that arrived first are kept (later copies of the
 * same range are ignored), as BSD and Windows stacks do; an overlap whose
 * bytes differ from what is kept is reported, since it is how fragment
 * evasion attacks look. RFC 5722 tells IPv6 hosts to drop such datagrams;
 * an analyzer keeps them and says so instead. */
#ifndef PCAPSIFT_IPFRAG_H
#define PCAPSIFT_IPFRAG_H

#include <stdint.h>

#include "pcapsift/error.h"
#include "pcapsift/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sift_ipfrag_limits {
    uint32_t max_datagrams;     /* datagrams being reassembled at once */
    uint32_t max_bytes;         /* bytes held over all of them */
    uint32_t max_fragments;     /* fragments of one datagram */
    int64_t timeout_ns;         /* a datagram older than this is dropped */
};

/* 1024 datagrams, 16 MiB, 256 fragments each, 30 s (Linux's ipfrag_time). */
#define SIFT_IPFRAG_DEFAULT_LIMITS {1024, 16u << 20, 256, 30000000000ll}

struct sift_ipfrag_stats {
    uint64_t fragments;    /* fragments seen */
    uint64_t datagrams;    /* datagrams completed */
    uint64_t overlaps;     /* fragments that overlapped kept bytes */
    uint64_t conflicts;    /* ... with different bytes */
    uint64_t expired;      /* datagrams dropped after the timeout */
    uint64_t dropped;      /* datagrams dropped for a limit or bad lengths */
};

struct sift_ipfrag;

/* limits may be NULL for the defaults; on_warning may be NULL. */
struct sift_ipfrag *sift_ipfrag_new(const struct sift_ipfrag_limits *limits,
                                    sift_warning_fn on_warning, void *ctx);
void sift_ipfrag_free(struct sift_ipfrag *f);

/* Adds a packet flagged SIFT_PKT_FRAGMENT. Returns 1 when it completed a
 * datagram: *done is then that datagram, decoded from the transport layer
 * on, flagged SIFT_PKT_REASSEMBLED, and valid until the next call. Returns
 * 0 otherwise. */
int sift_ipfrag_add(struct sift_ipfrag *f, const struct sift_packet *frag,
                    struct sift_packet *done);

/* Drops datagrams older than the timeout at capture time now_ns. */
void sift_ipfrag_expire(struct sift_ipfrag *f, int64_t now_ns);

const struct sift_ipfrag_stats *sift_ipfrag_stats(const struct sift_ipfrag *f);

#ifdef __cplusplus
}
#endif
#endif
