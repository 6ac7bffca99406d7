/* SPDX-License-Identifier: MIT */
/* TLS client fingerprints of a ClientHello: JA3 (Salesforce, BSD-3-Clause;
 * github.com/salesforce/ja3 README) and JA4 (FoxIO, BSD-3-Clause;
 * github.com/FoxIO-LLC/ja4 technical_details/JA4.md), with the GREASE
 * values of RFC 8701 §2 left out. Only the JA4 TLS client fingerprint is
 * here: JA4S, JA4X and the rest of JA4+ are under another licence and are
 * not implemented. A hello whose lists were cut at the caps of
 * tls_handshake.h gives the fingerprint of what was kept. */
#ifndef SIFT_TLS_FINGERPRINT_H
#define SIFT_TLS_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "tls_handshake.h"

/* The longest JA3 string plus its NUL: a 5-digit version, four commas, a
 * 5-digit value and a '-' per kept suite, extension and group, and a
 * 3-digit value and a '-' per point format. */
#define TLS_JA3_MAX                                                            \
    (5 + 4 + 6 * (TLS_MAX_SUITES + TLS_MAX_EXTENSIONS + TLS_MAX_GROUPS) +      \
     4 * TLS_MAX_POINT_FORMATS + 1)

/* 32 hex digits of MD5 and a NUL. */
#define TLS_JA3_HASH_SIZE 33

/* "t13d1516h2_8daaf6152771_e5627efa2ab1": 10 + 1 + 12 + 1 + 12 and a NUL. */
#define TLS_JA4_SIZE 37

/* The longest JA4_r plus its NUL: the 10-character head, three '_', and 4
 * hex digits and a ',' per kept suite, extension and signature
 * algorithm. */
#define TLS_JA4_RAW_MAX                                                        \
    (10 + 3 + 5 * (TLS_MAX_SUITES + TLS_MAX_EXTENSIONS + TLS_MAX_SIGALGS) + 1)

/* JA3: "SSLVersion,Ciphers,Extensions,EllipticCurves,PointFormats", each a
 * '-'-joined list of decimal values in wire order; the version is the
 * ClientHello's legacy_version (771 for TLS 1.2). Like snprintf: writes at
 * most cap - 1 characters and a NUL (nothing when cap is 0) and returns
 * the length of the whole string, without its NUL. */
size_t tls_ja3(const struct tls_client_hello *h, char *out, size_t cap);

/* The MD5 of a JA3 string in lower-case hex (libcrypto); "" when the
 * digest is unavailable (a FIPS-only provider). */
void tls_ja3_hash(const char *ja3, char out[TLS_JA3_HASH_SIZE]);

/* JA4 (JA4.md "JA4 Algorithm"): transport ('q' for QUIC, else 't'),
 * version, 'd' or 'i' for SNI, 2-digit cipher and extension counts,
 * ALPN first and last characters, then the truncated SHA-256 of the
 * sorted ciphers, and of the sorted extensions (SNI and ALPN left out)
 * followed by the signature algorithms in wire order. */
void tls_ja4(const struct tls_client_hello *h, bool quic,
             char out[TLS_JA4_SIZE]);

/* JA4_r: the same with the lists in clear instead of hashed. Truncates
 * and returns the whole length as tls_ja3 does. */
size_t tls_ja4_raw(const struct tls_client_hello *h, bool quic, char *out,
                   size_t cap);

#endif
