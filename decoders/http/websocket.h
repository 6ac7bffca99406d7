/* SPDX-License-Identifier: MIT */
/* WebSocket frames (RFC 6455 §5) read from one direction of a connection
 * after an HTTP 101 upgrade, joined into messages, with permessage-deflate
 * (RFC 7692 §7) undone. Streaming: any chunking of the same bytes gives the
 * same messages. Memory per stream: the kept payload of the message being
 * read (at most max_payload), a 14-byte header buffer, a 125-byte control
 * frame buffer and, with permessage-deflate, one zlib inflater. */
#ifndef SIFT_WEBSOCKET_H
#define SIFT_WEBSOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/http.h"
#include "pcapsift/tcp.h"

/* What the server accepted in Sec-WebSocket-Extensions (RFC 7692 §7.1). */
struct ws_deflate_params {
    bool enabled;
    bool client_no_context_takeover, server_no_context_takeover;
    int client_max_window_bits, server_max_window_bits; /* 8..15, 15 default */
};

/* Parses the server's Sec-WebSocket-Extensions response value (RFC 7692
 * §7: the negotiated permessage-deflate and its parameters). False when
 * permessage-deflate is absent, or when the value is one a client must
 * fail the connection for (§7.1): bad syntax, permessage-deflate accepted
 * twice, an unknown or repeated parameter, a value on a no_context_takeover
 * parameter, a window size that is not 8..15 without leading zeros, or
 * server_max_window_bits without a value. client_max_window_bits without a
 * value is taken as 15 (the RFC is unclear there). Names are compared
 * without case; values may be quoted. Other extensions in the list are
 * skipped. Several header lines must be joined with "," first. *out is
 * always set (enabled false when false is returned). */
bool ws_parse_extensions(const char *value, size_t len,
                         struct ws_deflate_params *out);

/* One direction of one WebSocket connection. */
struct ws_stream;

/* Called for every message; *m and what it points to are borrowed for the
 * duration of the call.
 *
 * Data messages (text, binary: fragments joined) are delivered when their
 * last fragment ends; control frames (close, ping, pong) each on their own
 * when they end, also between the fragments of a data message.
 *
 * - length: for a message that was not compressed, the payload length on
 *   the wire (the sum of its frames', gap bytes included). For a
 *   compressed one (m->compressed), the inflated length when the whole
 *   message was inflated; otherwise (cut, gap, inflate failure, delivered
 *   unfinished) the wire length, since inflating stopped early.
 * - payload: unmasked and, when compressed, inflated; bytes missing from
 *   the capture are left out (not filled in). After an inflate failure or
 *   a gap, a compressed message's payload is what inflated before it.
 * - cut: more bytes than max_payload: the payload is the first
 *   max_payload. Inflating stops at the cap (a bomb costs no more than
 *   max_payload), so a cut compressed message has the wire length as
 *   length, and payload_len may exceed it.
 * - close frames: close_code is the big-endian code of the first two
 *   payload bytes, -1 when there is none (or it fell in a gap); the payload
 *   is kept whole: the reason starts at payload[2].
 * - gap: bytes of this message were missing from the capture.
 * - error: a protocol error: a client frame not masked or a server frame
 *   masked (still unmasked and decoded), a length not in its shortest form,
 *   a control frame over 125 bytes or fragmented, RSV1 on a control or
 *   continuation frame, a continuation with no message to continue
 *   (delivered with opcode 0), a data frame starting while a fragmented
 *   message was unfinished (the unfinished one is delivered, flagged), a
 *   1-byte close payload or a close code never sent (RFC 6455 §7.4), an
 *   inflate failure; or a message delivered unfinished (the connection
 *   ended, or the stream was lost, within it).
 * - ts_ns: the capture time of the message's last byte.
 *
 * The stream is lost (nothing more is delivered; every byte after is
 * counted by ws_stream_skipped) at an unknown opcode, RSV2 or RSV3, RSV1
 * without permessage-deflate, a 64-bit length with its top bit set, or a
 * gap that is not inside a payload (the next header cannot be found). An
 * unfinished data message is then delivered (error set), and for a bad
 * header one more message tells it: the opcode read, length 0, no payload,
 * error set. */
typedef void (*ws_message_fn)(void *ctx, const struct sift_ws_message *m);

/* A stream for direction dir of conn (client frames must be masked,
 * server ones not). deflate: what the 101 response negotiated, or NULL.
 * max_payload: payload bytes kept per message (0 keeps none). NULL when
 * out of memory. */
struct ws_stream *ws_stream_new(const struct sift_tcp_conn *conn,
                                uint64_t transaction_id, enum sift_tcp_dir dir,
                                const struct ws_deflate_params *deflate,
                                size_t max_payload, ws_message_fn fn,
                                void *ctx);

/* The next len bytes of the direction, captured at ts_ns. */
void ws_stream_feed(struct ws_stream *s, const uint8_t *data, size_t len,
                    int64_t ts_ns);

/* len bytes missing from the capture, noticed at ts_ns. Inside a payload
 * of known length the stream stays in step (unmasking goes on at the right
 * mask offset) and the message is flagged; elsewhere the stream is lost. */
void ws_stream_gap(struct ws_stream *s, uint64_t len, int64_t ts_ns);

/* The connection ended: an unfinished message (a data message, or a
 * control frame cut short) is delivered with error set. Later calls to
 * feed or gap only count skipped bytes. */
void ws_stream_end(struct ws_stream *s, int64_t ts_ns);

void ws_stream_free(struct ws_stream *s);

/* Extension to the agreed interface: what a caller needs to warn about a
 * lost stream. True once the stream lost its framing. */
bool ws_stream_lost(const struct ws_stream *s);

/* Bytes (and gap bytes) not decoded because the stream was lost or had
 * ended, counting the header bytes of the frame that lost it. */
uint64_t ws_stream_skipped(const struct ws_stream *s);

#endif
