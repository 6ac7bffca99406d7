/* SPDX-License-Identifier: MIT */
/* TLS secrets from NSS key log files (the SSLKEYLOGFILE format that curl,
 * Chromium, Firefox and OpenSSL write) and from pcap-ng Decryption Secrets
 * Blocks, which hold the same text. Lines:
 *
 *   CLIENT_RANDOM <client random> <master secret>            TLS 1.2
 *   CLIENT_EARLY_TRAFFIC_SECRET <client random> <secret>     TLS 1.3
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *   CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0,
 *   EXPORTER_SECRET, EARLY_EXPORTER_SECRET (kept, unused)
 *   RSA Session-ID:<session id> Master-Key:<master secret>   TLS 1.2
 *
 * in hex, LF or CRLF line ends; '#' comments and blank lines are skipped,
 * and a malformed line is a warning with its line number, never fatal.
 * A secret given twice keeps its last value. */
#ifndef PCAPSIFT_KEYLOG_H
#define PCAPSIFT_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcapsift/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds of secret, one per label. */
enum sift_secret_label {
    SIFT_KEY_MASTER_SECRET = 0,      /* CLIENT_RANDOM */
    SIFT_KEY_CLIENT_EARLY,           /* CLIENT_EARLY_TRAFFIC_SECRET */
    SIFT_KEY_CLIENT_HANDSHAKE,       /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
    SIFT_KEY_SERVER_HANDSHAKE,       /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
    SIFT_KEY_CLIENT_TRAFFIC_0,       /* CLIENT_TRAFFIC_SECRET_0 */
    SIFT_KEY_SERVER_TRAFFIC_0,       /* SERVER_TRAFFIC_SECRET_0 */
    SIFT_KEY_EXPORTER,               /* EXPORTER_SECRET */
    SIFT_KEY_EARLY_EXPORTER,         /* EARLY_EXPORTER_SECRET */
    SIFT_KEY_SESSION_MASTER,         /* RSA Session-ID:... Master-Key:... */
};
#define SIFT_KEY_LABEL_COUNT 9

/* The label as a key log writes it ("CLIENT_RANDOM"...). */
const char *sift_secret_label_name(enum sift_secret_label l);

/* The longest secret kept: SHA-384's 48 bytes, with room for SHA-512. */
#define SIFT_SECRET_MAX 64

/* Bounds: a key log of a million lines is fine; past max_bytes of secrets
 * held, later lines are dropped with one warning. */
struct sift_keylog_limits {
    uint64_t max_bytes;   /* 0: 256 MiB */
    uint32_t max_line;    /* longest line read; 0: 1024 bytes */
};

struct sift_keylog;

/* NULL when out of memory; lim NULL: the defaults. */
struct sift_keylog *sift_keylog_new(const struct sift_keylog_limits *lim);
void sift_keylog_free(struct sift_keylog *k);

/* Adds the lines of a key log held in memory. `origin` names it in
 * warnings ("keys.txt", "decryption secrets block 1"). Returns the number
 * of secrets added or replaced. */
size_t sift_keylog_add_text(struct sift_keylog *k, const char *text,
                            size_t len, const char *origin,
                            sift_warning_fn warn, void *warn_ctx);

/* One valid line of a key log: its label, the client random (32 bytes)
 * or session id it is for, its secret, and its line number. */
typedef void (*sift_keylog_line_fn)(void *ctx, enum sift_secret_label label,
                                    const uint8_t *id, size_t id_len,
                                    const uint8_t *secret, size_t secret_len,
                                    uint64_t line);

/* Parses key log text without keeping it: fn sees each valid line, warn
 * the malformed ones, as sift_keylog_add_text would. Returns the number
 * of valid lines. */
size_t sift_keylog_parse(const char *text, size_t len, const char *origin,
                         sift_keylog_line_fn fn, void *fn_ctx,
                         sift_warning_fn warn, void *warn_ctx);

/* Reads a key log file line by line (any size). SIFT_OK, or an error when
 * the file cannot be opened or read. */
int sift_keylog_load_file(struct sift_keylog *k, const char *path,
                          sift_warning_fn warn, void *warn_ctx,
                          struct sift_error *err);

/* Secrets held (one per label and client random or session id). */
size_t sift_keylog_count(const struct sift_keylog *k);

/* Looks up a secret by client random (32 bytes) or, for
 * SIFT_KEY_SESSION_MASTER, by session id (id_len bytes). Returns its
 * length and points *out at it (borrowed until the key log changes or is
 * freed), or 0 when not known. */
size_t sift_keylog_find(const struct sift_keylog *k,
                        enum sift_secret_label label, const uint8_t *id,
                        size_t id_len, const uint8_t **out);

/* Counts changes: a caller that found nothing can tell whether looking
 * again may help. */
uint64_t sift_keylog_generation(const struct sift_keylog *k);

#ifdef __cplusplus
}
#endif
#endif
