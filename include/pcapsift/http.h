/* SPDX-License-Identifier: MIT */
/* HTTP/1.x transactions (RFC 9110, RFC 9112) and WebSocket messages
 * (RFC 6455) read from reassembled TCP streams. A transaction is a request
 * and the final response paired with it (in order, so pipelining pairs
 * right), with any 1xx interim responses between them. Everything handed to
 * a callback is borrowed for the duration of the call. */
#ifndef PCAPSIFT_HTTP_H
#define PCAPSIFT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/tcp.h"
#include "pcapsift/tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Anomalies, flagged rather than rejected; sift_http_flag_name() gives the
 * stable lower-case name of each bit used in every output. */
enum sift_http_flag {
    SIFT_HTTP_BARE_LF = 1u << 0,        /* a line ended in LF without CR */
    SIFT_HTTP_OBS_FOLD = 1u << 1,       /* a folded header line (§5.2) */
    SIFT_HTTP_NO_REASON = 1u << 2,      /* status line without reason */
    SIFT_HTTP_HTTP09 = 1u << 3,         /* HTTP/0.9 request or response */
    SIFT_HTTP_BAD_HEADER = 1u << 4,     /* a header line that is not
                                           name ":" value (kept as is) */
    SIFT_HTTP_HEADER_LIMIT = 1u << 5,   /* header block or count limit hit:
                                           later headers dropped */
    SIFT_HTTP_CL_DUPLICATE = 1u << 6,   /* Content-Length repeated, same */
    SIFT_HTTP_CL_CONFLICT = 1u << 7,    /* Content-Length values differ */
    SIFT_HTTP_CL_INVALID = 1u << 8,     /* not a decimal number */
    SIFT_HTTP_TE_AND_CL = 1u << 9,      /* both: a smuggling risk (§6.3) */
    SIFT_HTTP_TE_UNKNOWN = 1u << 10,    /* a transfer coding not chunked */
    SIFT_HTTP_BAD_CHUNK = 1u << 11,     /* a chunk size line not valid */
    SIFT_HTTP_BODY_GAP = 1u << 12,      /* bytes missing from the capture */
    SIFT_HTTP_BODY_CUT = 1u << 13,      /* longer than the body cap: the
                                           kept body is a prefix */
    SIFT_HTTP_INCOMPLETE = 1u << 14,    /* the connection ended or lost
                                           sync before the message ended */
    SIFT_HTTP_DECODE_ERROR = 1u << 15,  /* content coding failed: the body
                                           kept is the encoded one */
    SIFT_HTTP_DECODE_CAPPED = 1u << 16, /* decoded size over the cap */
    SIFT_HTTP_NO_RESPONSE = 1u << 17,   /* transaction without response */
    SIFT_HTTP_NO_REQUEST = 1u << 18,    /* response whose request is not in
                                           the capture */
    SIFT_HTTP_EARLY_RESPONSE = 1u << 19,/* response began before the
                                           request body ended */
    SIFT_HTTP_TUNNEL = 1u << 20,        /* CONNECT 2xx: an opaque tunnel */
    SIFT_HTTP_UPGRADE = 1u << 21,       /* 101: protocol switched */
    SIFT_HTTP_RESYNC = 1u << 22,        /* bytes skipped before this
                                           message to find its start */
    SIFT_HTTP_CODING_UNKNOWN = 1u << 23,/* a content coding not decoded */
    /* HTTP/2 (RFC 9113) */
    SIFT_HTTP_H2_PUSHED = 1u << 24,     /* server push: the request is the
                                           PUSH_PROMISE's */
    SIFT_HTTP_H2_RESET = 1u << 25,      /* RST_STREAM ended the stream
                                           (h2_error says why) */
    SIFT_HTTP_H2_GOAWAY = 1u << 26,     /* a GOAWAY left the stream
                                           unprocessed, or came before it
                                           ended */
    SIFT_HTTP_H2_HEADERS_LOST = 1u << 27, /* a header block lost in a gap or
                                           not decodable (HPACK state
                                           unknown): fields missing */
    SIFT_HTTP_H2C_UPGRADE = 1u << 28,   /* sent as HTTP/1.1 "Upgrade: h2c",
                                           answered 101, then HTTP/2 */
    SIFT_HTTP_EXTENDED_CONNECT = 1u << 29, /* CONNECT with :protocol
                                           (RFC 8441: WebSocket...) */
    SIFT_HTTP_H2_STREAM_LIMIT = 1u << 30, /* emitted before it ended: too
                                           many streams open at once */
};
#define SIFT_HTTP_FLAG_COUNT 31

const char *sift_http_flag_name(uint32_t bit);

/* The RFC 9113 §7 name of an HTTP/2 error code ("CANCEL"...), "unknown"
 * past the table. */
const char *sift_http2_error_name(uint32_t code);

struct sift_http_header {
    const char *name;
    size_t name_len;
    const char *value; /* leading and trailing white space removed */
    size_t value_len;
};

/* One request or response. Strings are not NUL-terminated. */
struct sift_http_message {
    bool present;
    /* request line */
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    /* status line */
    int status;
    const char *reason;
    size_t reason_len;
    int version;                      /* 9, 10, 11, 20: major * 10 +
                                         minor */
    const struct sift_http_header *headers;
    size_t header_count;
    const struct sift_http_header *trailers; /* chunked trailer section */
    size_t trailer_count;
    uint64_t header_bytes;            /* start line to the empty line */
    uint64_t body_wire_bytes;         /* body as sent (chunk framing in) */
    uint64_t body_bytes;              /* after transfer decoding */
    uint64_t decoded_bytes;           /* after content decoding; equals
                                         body_bytes without a coding */
    bool decoded;                     /* a content coding was removed */
    uint64_t missing_bytes;           /* body bytes in capture gaps */
    /* The body kept (when asked for): decoded when `decoded`, else after
     * transfer decoding only; a prefix when SIFT_HTTP_BODY_CUT. */
    const uint8_t *body;
    size_t body_len;
    int64_t first_ns, last_ns;        /* first and last byte's capture time */
    uint32_t flags;                   /* enum sift_http_flag */
};

struct sift_http_transaction {
    uint64_t id;                      /* 1, 2, ... in order of emission */
    const struct sift_tcp_conn *conn;
    const struct sift_tls_info *tls;  /* NULL: cleartext; else decrypted
                                         from this TLS connection */
    uint32_t index;                   /* 0, 1, ... on its connection */
    uint32_t stream_id;               /* HTTP/2 stream; 0 for HTTP/1.x */
    uint32_t h2_error;                /* HTTP/2 RST_STREAM or GOAWAY error
                                         code (with H2_RESET, H2_GOAWAY) */
    uint32_t promised_by;             /* H2_PUSHED: the stream whose
                                         PUSH_PROMISE announced it */
    struct sift_http_message request, response;
    const struct sift_http_message *interim; /* 1xx responses */
    size_t interim_count;
    uint32_t flags;                   /* union of both messages' and the
                                         transaction's own */
};

enum sift_ws_opcode {
    SIFT_WS_CONTINUATION = 0, SIFT_WS_TEXT = 1, SIFT_WS_BINARY = 2,
    SIFT_WS_CLOSE = 8, SIFT_WS_PING = 9, SIFT_WS_PONG = 10,
};

/* One WebSocket message (fragments joined; control frames on their own). */
struct sift_ws_message {
    const struct sift_tcp_conn *conn;
    uint64_t transaction_id;          /* the 101 that started it */
    enum sift_tcp_dir dir;
    int64_t ts_ns;                    /* capture time of its last frame */
    int opcode;                       /* enum sift_ws_opcode */
    uint64_t length;                  /* payload length: inflated when a
                                         compressed message was inflated
                                         whole, else as on the wire */
    const uint8_t *payload;           /* kept payload (unmasked and, with
                                         permessage-deflate, inflated; after
                                         an inflate failure or a gap, what
                                         inflated before it); may be NULL
                                         when payload_len is 0 */
    size_t payload_len;
    int close_code;                   /* close frames: the code, or -1 */
    bool cut;                         /* over the cap: payload is a prefix */
    bool compressed;                  /* RSV1 with permessage-deflate */
    bool gap;                         /* bytes missing from the capture */
    bool error;                       /* a protocol error, an inflate
                                         failure, or the message was cut off
                                         by the end of the connection */
};

struct sift_http_options {
    bool keep_bodies;          /* hand bodies to the callback */
    bool decode;               /* remove content codings (sizes too) */
    uint64_t max_body;         /* bytes kept per message; 0: 16 MiB */
    uint64_t max_decoded;      /* decoded bytes per message; 0: 64 MiB */
    uint64_t max_body_memory;  /* kept body bytes in all; 0: 512 MiB */
    uint32_t max_header_bytes; /* 0: 64 KiB */
    uint32_t max_headers;      /* 0: 256 */
};

struct sift_http_stats {
    uint64_t transactions, ws_messages;
    uint64_t http_connections;     /* connections with HTTP in them */
    uint64_t tls_connections, ssh_connections, http2_connections,
        other_connections;         /* recognised as not HTTP/1.x */
    uint64_t tunnels, upgrades;
};

#ifdef __cplusplus
}
#endif
#endif
