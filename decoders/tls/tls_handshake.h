/* SPDX-License-Identifier: MIT */
/* TLS handshake messages (RFC 5246 §7.4, RFC 8446 §4): reassembly of
 * messages across records, and parsers for what a passive reader needs of
 * the hellos, EncryptedExtensions, Certificate and NewSessionTicket. Every
 * read goes through the cursor; lists longer than the caps below are
 * counted, not kept. */
#ifndef SIFT_TLS_HANDSHAKE_H
#define SIFT_TLS_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls_hs_type {
    TLS_HS_HELLO_REQUEST = 0, TLS_HS_CLIENT_HELLO = 1,
    TLS_HS_SERVER_HELLO = 2, TLS_HS_NEW_SESSION_TICKET = 4,
    TLS_HS_END_OF_EARLY_DATA = 5, TLS_HS_ENCRYPTED_EXTENSIONS = 8,
    TLS_HS_CERTIFICATE = 11, TLS_HS_SERVER_KEY_EXCHANGE = 12,
    TLS_HS_CERTIFICATE_REQUEST = 13, TLS_HS_SERVER_HELLO_DONE = 14,
    TLS_HS_CERTIFICATE_VERIFY = 15, TLS_HS_CLIENT_KEY_EXCHANGE = 16,
    TLS_HS_FINISHED = 20, TLS_HS_KEY_UPDATE = 24, TLS_HS_MESSAGE_HASH = 254,
};

/* Extension types used here (IANA TLS ExtensionType Values). */
enum {
    TLS_EXT_SERVER_NAME = 0, TLS_EXT_SUPPORTED_GROUPS = 10,
    TLS_EXT_EC_POINT_FORMATS = 11, TLS_EXT_SIGNATURE_ALGORITHMS = 13,
    TLS_EXT_ALPN = 16, TLS_EXT_ENCRYPT_THEN_MAC = 22,
    TLS_EXT_EXTENDED_MASTER_SECRET = 23, TLS_EXT_SESSION_TICKET = 35,
    TLS_EXT_PRE_SHARED_KEY = 41, TLS_EXT_EARLY_DATA = 42,
    TLS_EXT_SUPPORTED_VERSIONS = 43, TLS_EXT_KEY_SHARE = 51,
};

/* Caps on what a hello keeps; longer lists are counted in *_total. */
#define TLS_MAX_SUITES 256
#define TLS_MAX_EXTENSIONS 128
#define TLS_MAX_GROUPS 64
#define TLS_MAX_SIGALGS 64
#define TLS_MAX_POINT_FORMATS 16
#define TLS_MAX_HELLO_VERSIONS 16
#define TLS_MAX_ALPN 512 /* bytes of the ALPN list kept */

/* A ClientHello, as the connection and the fingerprints need it. Every
 * list is in wire order, GREASE values included. */
struct tls_client_hello {
    uint16_t legacy_version;
    uint8_t random[32];
    uint8_t session_id[32];
    uint8_t session_id_len;
    uint16_t suites[TLS_MAX_SUITES];
    size_t suite_count, suite_total;
    uint16_t extensions[TLS_MAX_EXTENSIONS]; /* types */
    size_t extension_count, extension_total;
    uint16_t groups[TLS_MAX_GROUPS];
    size_t group_count;
    uint8_t point_formats[TLS_MAX_POINT_FORMATS];
    size_t point_format_count;
    uint16_t sig_algs[TLS_MAX_SIGALGS];
    size_t sig_alg_count;
    uint16_t versions[TLS_MAX_HELLO_VERSIONS]; /* supported_versions */
    size_t version_count;
    bool has_sni;
    char sni[256];              /* host_name, NUL-terminated (cut at 255) */
    uint8_t alpn[TLS_MAX_ALPN]; /* the ProtocolNameList's bytes */
    size_t alpn_len;
    bool has_alpn;
    bool ticket;                /* session_ticket extension, non-empty */
    const uint8_t *ticket_data; /* its bytes (borrowed from the message) */
    size_t ticket_len;
    bool psk;                   /* pre_shared_key */
    bool early_data;
    bool ems, etm;
};

struct tls_server_hello {
    uint16_t legacy_version;
    uint16_t version;        /* supported_versions, else legacy_version */
    uint8_t random[32];
    bool hello_retry;        /* the HelloRetryRequest random (§4.1.3) */
    uint8_t session_id[32];
    uint8_t session_id_len;
    uint16_t suite;
    bool has_alpn;
    char alpn[256];
    bool psk;                /* TLS 1.3: the server chose a PSK */
    bool ticket;             /* TLS 1.2: a NewSessionTicket will follow */
    bool ems, etm;
};

/* Parses a ClientHello body (without the 4-byte handshake header). False
 * when it is too short to hold the fixed fields; extensions cut short keep
 * what was read. */
bool tls_parse_client_hello(const uint8_t *p, size_t len,
                            struct tls_client_hello *out);
bool tls_parse_server_hello(const uint8_t *p, size_t len,
                            struct tls_server_hello *out);

/* EncryptedExtensions (TLS 1.3): the chosen ALPN and whether early data
 * was accepted. */
struct tls_encrypted_extensions {
    bool has_alpn;
    char alpn[256];
    bool early_data;
};
bool tls_parse_encrypted_extensions(const uint8_t *p, size_t len,
                                    struct tls_encrypted_extensions *out);

/* The first certificate of a Certificate message and how many there are.
 * `cut` says the message was longer than what is given (the leaf comes
 * first, so it is usually whole). */
bool tls_parse_certificate(const uint8_t *p, size_t len, bool tls13,
                           const uint8_t **leaf, size_t *leaf_len,
                           uint32_t *count);

/* The ticket of a NewSessionTicket. */
bool tls_parse_new_session_ticket(const uint8_t *p, size_t len, bool tls13,
                                  const uint8_t **ticket, size_t *ticket_len);

/* The ALPN list of a ClientHello as text: "h2,http/1.1" (non-printable
 * bytes as \xNN), NUL-terminated, cut to cap. */
void tls_alpn_list_text(const uint8_t *list, size_t len, char *out,
                        size_t cap);

/* --- reassembly of handshake messages from records -------------------- */

struct tls_hs_reader {
    uint8_t hdr[4];        /* type and 24-bit length of the message */
    uint8_t hlen;          /* header bytes read; 4: in the body */
    uint32_t blen, seen;   /* body length, body bytes read */
    uint8_t *buf;          /* the body's first `max` bytes */
    size_t kept, cap;
    uint32_t max;          /* longest body kept whole */
};

/* A message: type, body, and `cut` when only its first bytes were kept. */
typedef void (*tls_hs_fn)(void *ctx, uint8_t type, const uint8_t *body,
                          size_t len, bool cut);

void tls_hs_init(struct tls_hs_reader *r, uint32_t max);
void tls_hs_free(struct tls_hs_reader *r);
/* The payload of one handshake record; fn is called per message. */
void tls_hs_feed(struct tls_hs_reader *r, const uint8_t *p, size_t n,
                 tls_hs_fn fn, void *ctx);
/* Bytes were lost: the message in progress is gone. */
void tls_hs_gap(struct tls_hs_reader *r);
/* A message is partly buffered (a key change must not happen inside one). */
bool tls_hs_pending(const struct tls_hs_reader *r);

#endif
