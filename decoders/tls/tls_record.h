/* SPDX-License-Identifier: MIT */
/* The TLS record layer of one direction (RFC 5246 §6.2, RFC 8446 §5.1):
 * records cut out of a reassembled TCP stream in any segmentation, without
 * a copy when a record lies whole in one delivery. A capture gap inside a
 * record gives a damaged record (its present byte ranges, for salvage);
 * a gap over a record boundary loses the framing, which is found again by
 * scanning for a header that the caller accepts (by trial decryption). */
#ifndef SIFT_TLS_RECORD_H
#define SIFT_TLS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls_content {
    TLS_CT_CHANGE_CIPHER_SPEC = 20, TLS_CT_ALERT = 21,
    TLS_CT_HANDSHAKE = 22, TLS_CT_APPLICATION_DATA = 23,
    TLS_CT_HEARTBEAT = 24,
};

/* Present byte ranges of a damaged record's body; more holes than this
 * and the record is given up. */
#define TLS_MAX_PIECES 8

struct tls_piece {
    uint32_t from, to; /* [from, to) of the body */
};

struct tls_record_cb {
    void *ctx;
    /* A whole record: hdr is its 5-byte header, body its payload. */
    void (*record)(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                   size_t len, int64_t ts);
    /* A record a gap cut: body has len bytes of which only the pieces are
     * real (in order; the rest is zero). */
    void (*damaged)(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                    size_t len, const struct tls_piece *pieces,
                    size_t npieces, int64_t ts);
    /* Out of step: is this a record? 1: yes, and the callee has taken it
     * as if delivered; 0: no; -1: cannot tell without the framing's own
     * evidence. `skipped` is the stream bytes since the last record
     * boundary known (gap bytes included); `chain` says whether the bytes
     * after it start a plausible record too (1, 0, or -1: not there yet). */
    int (*candidate)(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                     size_t len, uint64_t skipped, int chain, int64_t ts);
    /* Optional. Asked when a header arrives whose body is not all here:
     * true when nobody needs the body's bytes, which are then counted,
     * not kept, and the record comes to `discarded` with the last bytes
     * of its body (tail_len <= TLS_RECORD_TAIL) instead of to `record`. */
    bool (*discard)(void *ctx, const uint8_t hdr[5]);
    void (*discarded)(void *ctx, const uint8_t hdr[5], const uint8_t *tail,
                      size_t tail_len, size_t len, size_t missing,
                      int64_t ts); /* missing: body bytes in gaps */
};

#define TLS_RECORD_TAIL 32

struct tls_record_reader {
    uint8_t hdr[5];
    uint8_t hlen;          /* header bytes read; 5: in the body */
    uint32_t blen, have;   /* body length, body bytes so far (gaps too) */
    uint8_t *buf;          /* body (in step) or scan window (out of step) */
    size_t cap;
    struct tls_piece pieces[TLS_MAX_PIECES];
    size_t npieces;
    bool damaged;          /* the body in progress lost bytes to a gap */
    bool too_damaged;      /* more holes than pieces: given up */
    bool lost;             /* out of step: scanning */
    size_t scan_len;       /* bytes in the scan window */
    uint64_t skipped;      /* stream bytes since the last known boundary */
    uint16_t version_hint; /* record version seen so far (0x0303...) */
    uint64_t bytes;        /* stream bytes seen (gaps included) */
    bool discarding;       /* the body in progress is counted, not kept */
    uint8_t tail[TLS_RECORD_TAIL]; /* its last bytes */
    uint8_t tail_len;
    uint32_t missing;      /* of a discarded body, in gaps */
};

void tls_record_init(struct tls_record_reader *r);
void tls_record_free(struct tls_record_reader *r);

void tls_record_feed(struct tls_record_reader *r, const uint8_t *p, size_t n,
                     int64_t ts, const struct tls_record_cb *cb);
void tls_record_gap(struct tls_record_reader *r, uint64_t n, int64_t ts,
                    const struct tls_record_cb *cb);
/* The stream ended: a record in progress is delivered damaged. */
void tls_record_end(struct tls_record_reader *r, int64_t ts,
                    const struct tls_record_cb *cb);

/* Could these 5 bytes start a record? (A known content type, a TLS 1.x
 * version, a length within the protocol's limit.) */
bool tls_record_plausible(const uint8_t hdr[5]);

/* Does a stream that starts with these bytes look like TLS? 1 yes, 0 no,
 * -1 too few bytes to tell. */
int tls_record_looks_like_tls(const uint8_t *p, size_t n, bool from_client);

#endif
