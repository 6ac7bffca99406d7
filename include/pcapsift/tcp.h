/* SPDX-License-Identifier: MIT */
/* TCP connections (RFC 9293): a table keyed by the 4-tuple, handshake
 * tracking, per-direction reassembly into ordered byte streams with gaps
 * marked, and the events node_pcap's --tcp-verbose showed. Time is capture
 * time; memory is bounded by the limits below. */
#ifndef PCAPSIFT_TCP_H
#define PCAPSIFT_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "pcapsift/packet.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Direction of a segment or stream: from the client or from the server. */
enum sift_tcp_dir { SIFT_TCP_FROM_CLIENT = 0, SIFT_TCP_FROM_SERVER = 1 };

enum sift_tcp_state {
    SIFT_TCP_SYN_SENT = 1, /* SYN seen, no SYN-ACK yet */
    SIFT_TCP_SYN_RECEIVED, /* SYN-ACK seen, no ACK yet */
    SIFT_TCP_ESTABLISHED,  /* handshake done, or data seen mid-stream */
    SIFT_TCP_CLOSING,      /* a FIN from one side */
    SIFT_TCP_CLOSED,       /* FINs from both sides */
    SIFT_TCP_RESET,        /* an RST */
};

struct sift_tcp_side {
    uint64_t packets, bytes; /* bytes: TCP payload stated by the headers */
    uint64_t stream_bytes;   /* bytes delivered in order */
    uint64_t retransmissions, out_of_order, gaps, gap_bytes, conflicts,
        keepalives;
    bool fin, rst;
};

struct sift_tcp_conn {
    uint64_t id;                    /* 1, 2, ... in order of first packet */
    struct sift_ip_addr client, server;
    uint16_t client_port, server_port;
    int64_t start_ns, last_ns;
    enum sift_tcp_state state;
    bool midstream;                 /* no SYN seen: roles were guessed */
    int64_t handshake_rtt_ns;       /* SYN to the ACK of SYN-ACK; -1 */
    uint32_t syn_retries;
    struct sift_tcp_side side[2];   /* by enum sift_tcp_dir */
    int end_reason;                 /* enum sift_tcp_event_kind, at the end:
                                       TIMEOUT, END_OF_FILE, EVICTED or
                                       PORT_REUSE */
};

enum sift_tcp_event_kind {
    SIFT_TCP_EV_OPEN = 1,     /* handshake complete (or mid-stream start) */
    SIFT_TCP_EV_SYN_RETRY,    /* a SYN sent again */
    SIFT_TCP_EV_RETRANSMISSION,
    SIFT_TCP_EV_OUT_OF_ORDER,
    SIFT_TCP_EV_GAP,          /* bytes missing from the capture */
    SIFT_TCP_EV_CONFLICT,     /* an overlap with different bytes */
    SIFT_TCP_EV_CLOSE,        /* every byte up to this side's FIN arrived */
    SIFT_TCP_EV_RESET,        /* an RST from this side */
    SIFT_TCP_EV_TIMEOUT,      /* idle past the limit: the connection ends */
    SIFT_TCP_EV_END_OF_FILE,  /* the capture ended with it open */
    SIFT_TCP_EV_EVICTED,      /* dropped to stay within the table limit */
    SIFT_TCP_EV_PORT_REUSE,   /* a new SYN ends it; a new one starts */
};

struct sift_tcp_event {
    enum sift_tcp_event_kind kind;
    const struct sift_tcp_conn *conn;
    enum sift_tcp_dir dir;
    int64_t ts_ns;
    uint64_t offset;          /* stream offset concerned (gap, segment) */
    uint64_t length;          /* gap bytes, segment bytes */
};

/* 262144 connections, 1 MiB held per stream, 64 MiB held in all, idle
 * timeouts of 10 minutes (open) and 1 minute (closed or reset). */
struct sift_tcp_limits {
    uint32_t max_connections;
    uint32_t max_held_per_stream;
    uint64_t max_held;
    int64_t idle_ns, closed_idle_ns;
};

#define SIFT_TCP_DEFAULT_LIMITS                                              \
    {262144, 1u << 20, 64ull << 20, 600000000000ll, 60000000000ll}

const char *sift_tcp_event_name(enum sift_tcp_event_kind kind);
const char *sift_tcp_state_name(enum sift_tcp_state state);

#ifdef __cplusplus
}
#endif
#endif
