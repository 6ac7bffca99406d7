/* SPDX-License-Identifier: MIT */
/* TLS connections (RFC 5246 TLS 1.2, RFC 8446 TLS 1.3, and TLS 1.0/1.1 CBC
 * records) as a passive reader sees them: what the handshake said, whether
 * the records could be decrypted with the secrets of a key log, and why
 * not. Decrypted bytes go on to the HTTP layer exactly as cleartext TCP
 * bytes would. Everything handed to a callback is borrowed for the
 * duration of the call. */
#ifndef PCAPSIFT_TLS_H
#define PCAPSIFT_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What came of decrypting a connection; sift_tls_outcome_name() gives the
 * stable lower-case name used in every output. */
enum sift_tls_outcome {
    SIFT_TLS_DECRYPTED = 1,      /* both directions decrypted (gaps aside) */
    SIFT_TLS_NO_KEYS,            /* no secrets for this client random */
    SIFT_TLS_ONE_DIRECTION,      /* only one direction's secrets */
    SIFT_TLS_AUTH_FAILED,        /* a record did not authenticate with the
                                    secrets given (auth_failed_* say where) */
    SIFT_TLS_NO_CLIENT_HELLO,    /* the capture starts after the handshake */
    SIFT_TLS_NO_SERVER_HELLO,    /* the server's answer is not in the capture
                                    (TLS 1.2 needs its random) */
    SIFT_TLS_CIPHER_UNSUPPORTED, /* a cipher suite not decrypted here */
    SIFT_TLS_VERSION_UNSUPPORTED,/* SSL 3.0 or older */
    SIFT_TLS_NOTHING_ENCRYPTED,  /* the handshake never got to encryption
                                    (refused, cut off, or an alert) */
};

const char *sift_tls_outcome_name(enum sift_tls_outcome o);

/* How the session was set up. */
enum sift_tls_resumption {
    SIFT_TLS_FULL_HANDSHAKE = 0,
    SIFT_TLS_RESUMED_SESSION_ID, /* TLS 1.2 abbreviated, by session id */
    SIFT_TLS_RESUMED_TICKET,     /* TLS 1.2 abbreviated, by ticket */
    SIFT_TLS_RESUMED_PSK,        /* TLS 1.3 pre-shared key */
};

const char *sift_tls_resumption_name(enum sift_tls_resumption r);

/* An alert (RFC 8446 §6). Alerts sent after encryption started are known
 * only when decrypted: then `encrypted` is set and, without keys, level
 * and description are 0. */
struct sift_tls_alert {
    enum sift_tcp_dir dir;
    uint8_t level;       /* 1 warning, 2 fatal */
    uint8_t description; /* sift_tls_alert_name() */
    bool encrypted;      /* sent under encryption */
    bool known;          /* level and description were read */
    int64_t ts_ns;
};

const char *sift_tls_alert_name(uint8_t description);

/* The server's leaf certificate, when the capture shows it (TLS 1.2 always,
 * TLS 1.3 only when decrypted). Names are RFC 2253 strings. */
struct sift_tls_certificate {
    bool present;
    bool parsed;                  /* the DER was read: the names and dates
                                     below mean something (sha256 and
                                     chain_length are there either way) */
    const char *subject, *issuer; /* NUL-terminated UTF-8; never NULL when
                                     present (may be empty) */
    const char *subject_cn, *issuer_cn; /* their commonName ("" when
                                     none) */
    const char *san;              /* DNS names of subjectAltName, comma-
                                     separated; may be empty */
    int64_t not_before, not_after; /* seconds since 1970 (UTC) */
    uint8_t sha256[32];           /* of the DER certificate */
    uint32_t chain_length;        /* certificates the server sent */
};

#define SIFT_TLS_MAX_ALERTS 8
#define SIFT_TLS_MAX_VERSIONS 8

struct sift_tls_side {
    uint64_t records;           /* TLS records seen */
    uint64_t encrypted_records; /* of which under encryption */
    uint64_t decrypted_records; /* of which decrypted and authenticated */
    uint64_t salvaged_records;  /* damaged by a capture gap: the bytes
                                   around the gap decrypted, unauthenticated */
    uint64_t lost_records;      /* not decrypted: lost in gaps, or skipped */
    uint64_t plaintext_bytes;   /* application data handed on */
    uint64_t resyncs;           /* record boundary found again after a gap */
    uint32_t key_updates;       /* TLS 1.3 KeyUpdate messages */
};

/* One TLS connection. Strings are NUL-terminated, never NULL. */
struct sift_tls_info {
    const struct sift_tcp_conn *conn;
    bool client_hello, server_hello;     /* seen in the capture */
    uint16_t client_version;             /* ClientHello legacy_version */
    uint16_t offered_versions[SIFT_TLS_MAX_VERSIONS]; /* supported_versions
                                            (GREASE removed), or the legacy
                                            version alone */
    size_t offered_version_count;
    uint16_t version;                    /* chosen; 0 when not known */
    uint16_t cipher_suite;               /* chosen; 0 when not known */
    size_t offered_suite_count;
    const char *sni;                     /* server_name; "" when none */
    const char *alpn_offered;            /* comma-separated */
    const char *alpn;                    /* chosen; "" when none or unknown
                                            (TLS 1.3 says it encrypted) */
    enum sift_tls_resumption resumption;
    bool hello_retry;                    /* TLS 1.3 HelloRetryRequest */
    bool early_data_offered, early_data_accepted;
    bool extended_master_secret, encrypt_then_mac;
    uint32_t renegotiations;             /* TLS 1.2 handshakes after the
                                            first one */
    struct sift_tls_certificate cert;
    struct sift_tls_alert alerts[SIFT_TLS_MAX_ALERTS];
    size_t alert_count;                  /* kept; alerts_total were seen */
    size_t alerts_total;
    const char *ja3;                     /* JA3 string; "" without a hello */
    const char *ja3_hash;                /* its MD5, 32 hex digits */
    const char *ja4;                     /* JA4 (FoxIO), "" without one */
    enum sift_tls_outcome outcome;
    enum sift_tcp_dir auth_failed_dir;   /* SIFT_TLS_AUTH_FAILED: where */
    uint64_t auth_failed_record;         /* 1-based record in that
                                            direction */
    struct sift_tls_side side[2];        /* by enum sift_tcp_dir */
    int64_t client_hello_ns;             /* first byte of the ClientHello */
    int64_t server_hello_ns;             /* first byte of the ServerHello */
    int64_t handshake_done_ns;           /* the last Finished (or 0) */
};

/* "TLS 1.3", "TLS 1.2", ... for a protocol version; NULL when unknown. */
const char *sift_tls_version_name(uint16_t version);

/* The IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256"), NULL when
 * not in the table. */
const char *sift_tls_cipher_name(uint16_t suite);

struct sift_tls_options {
    /* Handshake messages longer than this are skipped (certificate chains
     * of megabytes). 0: 256 KiB. */
    uint32_t max_handshake;
};

struct sift_tls_stats {
    uint64_t connections, decrypted, undecrypted;
    uint64_t by_outcome[SIFT_TLS_NOTHING_ENCRYPTED + 1];
    uint64_t missed_keys; /* connections, so far, with protected records
                             that came when no key for them was known */
};

#ifdef __cplusplus
}
#endif
#endif
