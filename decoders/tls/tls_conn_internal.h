/* SPDX-License-Identifier: MIT */
/* The state of a TLS connection, shared by its record side (tls_conn.c)
 * and its handshake side (tls_conn_hs.c). */
#ifndef SIFT_TLS_CONN_INTERNAL_H
#define SIFT_TLS_CONN_INTERNAL_H

#include "tls_cert.h"
#include "tls_conn.h"
#include "tls_crypto.h"
#include "tls_handshake.h"
#include "tls_record.h"

/* Key phases of a direction (RFC 8446 §7.1, Figure of §2): TLS 1.2 has
 * only PLAIN and APP (from its ChangeCipherSpec on). */
enum tls_phase { PH_PLAIN = 0, PH_EARLY, PH_HANDSHAKE, PH_APP };

/* Consecutive records that fail authentication before a direction gives
 * up trying (each failure costs a few trial decryptions). */
#define TLS_MAX_FAIL_STREAK 16
/* Early data held until the handshake says whether it was accepted. */
#define TLS_MAX_EARLY (1u << 20)
/* Record lengths whose plaintext length a direction remembers. */
#define TLS_SIZES_KEPT 4

struct tls_dir {
    struct tls_record_reader rd;
    struct tls_hs_reader hs;
    struct tls_cipher *cipher;  /* current protection; NULL: none known */
    struct tls_cipher *pending; /* TLS 1.2: from the next CCS on */
    bool encrypted;             /* records are protected (keys or not) */
    bool pending_wanted;        /* a CCS came before its keys were known */
    enum tls_phase phase;
    uint32_t gen;               /* TLS 1.3 application key generation */
    uint8_t app_secret[SIFT_SECRET_MAX]; /* generation gen's secret */
    size_t app_secret_len;
    uint8_t cand_secret[SIFT_SECRET_MAX]; /* of the last cipher made */
    size_t cand_len;
    uint32_t cand_gen;
    bool switch_pending;        /* a key change after this record */
    enum tls_phase switch_to;
    uint64_t seq;
    uint64_t missing_gen;       /* key log generation of a failed look-up
                                   (+1; 0: none failed) */
    uint64_t missed_records;    /* records skipped for want of keys */
    uint32_t fail_streak;
    bool gave_up;
    bool auth_failed;
    uint64_t enc_bytes, enc_count; /* for the size of records lost */
    /* Trial decryption after a gap costs up to a record per trial: it is
     * held to a budget that grows with the bytes of the direction, so
     * hostile input cannot make the work more than linear in its size. */
    uint64_t stream_bytes, trial_bytes;
    bool warned_budget;
    /* CBC: plaintext lengths of the last few record lengths decrypted
     * (the padding a sender chooses is its own, but it keeps to it), so
     * the plaintext lost with a record of a known length is exact. */
    struct tls_size { uint32_t ct, pt; } sizes[TLS_SIZES_KEPT];
    unsigned sizes_next;
    uint8_t *early;             /* client: early data held */
    size_t early_len, early_cap;
    int64_t early_ts;
    bool eof;
};

struct tls_conn {
    struct tls_env *env;
    struct sift_tls_info info;
    struct tls_dir dir[2];
    uint8_t client_random[32], server_random[32];
    bool have_client_random, have_server_random;
    const struct tls_suite *suite;
    uint16_t version;
    uint8_t client_sid[32], server_sid[32];
    uint8_t client_sid_len, server_sid_len;
    uint8_t ticket_hash[32];
    bool offered_ticket;
    uint8_t master[48];
    bool have_master;
    bool tls13_offered;
    uint16_t offered13[8];          /* TLS 1.3 suites offered, in order */
    size_t offered13_count;
    bool early_decided;
    uint32_t client_hellos;
    bool handshake_seen[2];         /* a Finished each way */
    bool warned_late_keys;
    bool counted_missed; /* in env->stats->missed_keys */
    bool v2_checked;     /* the client's first bytes were looked at */
    uint8_t *v2buf;      /* an SSLv2-format ClientHello being gathered */
    size_t v2len;
    /* owned text the public info points at */
    char *sni, *alpn_offered, *alpn, *ja3;
    char ja3_hash[33], ja4[40];
    struct tls_cert_summary cert;
    bool finished;
};

/* --- tls_conn_hs.c ---------------------------------------------------- */

/* One handshake message from direction d (encrypted: it came decrypted). */
void tls_conn_handshake(struct tls_conn *t, enum sift_tcp_dir d,
                        uint8_t type, const uint8_t *body, size_t len,
                        bool cut, int64_t ts);

/* TLS 1.3: a cipher for direction d in a phase (generation gen), from the
 * key log; suite NULL: the connection's. NULL when the secret is not
 * known (or does not fit the suite). */
struct tls_cipher *tls_conn_cipher13(struct tls_conn *t, enum sift_tcp_dir d,
                                     enum tls_phase ph, uint32_t gen,
                                     const struct tls_suite *suite);

/* TLS 1.2: makes both directions' pending ciphers from the master secret,
 * when it can be found. */
void tls_conn_keys12(struct tls_conn *t);

/* Early data was accepted (deliver what is held) or not (drop it). */
void tls_conn_early_decided(struct tls_conn *t, bool accepted, int64_t ts);

/* Hands application bytes on (p NULL: a gap). */
void tls_conn_deliver(struct tls_conn *t, enum sift_tcp_dir d,
                      const uint8_t *p, size_t n, int64_t ts);

void tls_conn_warn(struct tls_conn *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees what the handshake side owns. */
void tls_conn_hs_free(struct tls_conn *t);

/* Between tls_conn.c and tls_conn_gap.c (records after a capture gap). */
struct rec_ctx {
    struct tls_conn *t;
    enum sift_tcp_dir d;
};
bool tls_conn_is13(const struct tls_conn *t);
void tls_conn_learn_size(struct tls_dir *dir, size_t ct, size_t pt);
size_t tls_conn_known_size(const struct tls_dir *dir, size_t ct);
void tls_conn_count_lost(struct tls_conn *t, enum sift_tcp_dir d, size_t len,
                         int64_t ts);
void tls_conn_record(struct tls_conn *t, enum sift_tcp_dir d,
                     const uint8_t hdr[5], const uint8_t *body, size_t len,
                     int64_t ts);
void tls_conn_content(struct tls_conn *t, enum sift_tcp_dir d, uint8_t type,
                      const uint8_t *p, size_t n, bool encrypted, int64_t ts);
void tls_conn_apply_switch(struct tls_conn *t, enum sift_tcp_dir d);
/* The record callbacks of a damaged record and of a resync candidate. */
void tls_conn_on_damaged(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                         size_t len, const struct tls_piece *pieces,
                         size_t npieces, int64_t ts);
int tls_conn_on_candidate(void *ctx, const uint8_t hdr[5],
                          const uint8_t *body, size_t len, uint64_t skipped,
                          int chain, int64_t ts);

#endif
