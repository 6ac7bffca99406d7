/* SPDX-License-Identifier: MIT */
/* Stable names for what the TLS layer reports: decryption outcomes, how a
 * session was set up, and alert descriptions (RFC 8446 §6, RFC 5246
 * §7.2, IANA TLS Alerts registry). */
#include <stddef.h>

#include "pcapsift/tls.h"

const char *sift_tls_outcome_name(enum sift_tls_outcome o)
{
    switch (o) {
    case SIFT_TLS_DECRYPTED: return "decrypted";
    case SIFT_TLS_NO_KEYS: return "no_keys";
    case SIFT_TLS_ONE_DIRECTION: return "one_direction";
    case SIFT_TLS_AUTH_FAILED: return "auth_failed";
    case SIFT_TLS_NO_CLIENT_HELLO: return "no_client_hello";
    case SIFT_TLS_NO_SERVER_HELLO: return "no_server_hello";
    case SIFT_TLS_CIPHER_UNSUPPORTED: return "cipher_unsupported";
    case SIFT_TLS_VERSION_UNSUPPORTED: return "version_unsupported";
    case SIFT_TLS_NOTHING_ENCRYPTED: return "nothing_encrypted";
    }
    return "unknown";
}

const char *sift_tls_resumption_name(enum sift_tls_resumption r)
{
    switch (r) {
    case SIFT_TLS_FULL_HANDSHAKE: return "none";
    case SIFT_TLS_RESUMED_SESSION_ID: return "session_id";
    case SIFT_TLS_RESUMED_TICKET: return "ticket";
    case SIFT_TLS_RESUMED_PSK: return "psk";
    }
    return "unknown";
}

const char *sift_tls_alert_name(uint8_t description)
{
    static const struct {
        uint8_t code;
        const char *name;
    } names[] = {
        {0, "close_notify"}, {10, "unexpected_message"},
        {20, "bad_record_mac"}, {21, "decryption_failed"},
        {22, "record_overflow"}, {30, "decompression_failure"},
        {40, "handshake_failure"}, {41, "no_certificate"},
        {42, "bad_certificate"}, {43, "unsupported_certificate"},
        {44, "certificate_revoked"}, {45, "certificate_expired"},
        {46, "certificate_unknown"}, {47, "illegal_parameter"},
        {48, "unknown_ca"}, {49, "access_denied"}, {50, "decode_error"},
        {51, "decrypt_error"}, {60, "export_restriction"},
        {70, "protocol_version"}, {71, "insufficient_security"},
        {80, "internal_error"}, {86, "inappropriate_fallback"},
        {90, "user_canceled"}, {100, "no_renegotiation"},
        {109, "missing_extension"}, {110, "unsupported_extension"},
        {111, "certificate_unobtainable"}, {112, "unrecognized_name"},
        {113, "bad_certificate_status_response"},
        {114, "bad_certificate_hash_value"}, {115, "unknown_psk_identity"},
        {116, "certificate_required"}, {120, "no_application_protocol"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == description)
            return names[i].name;
    return NULL;
}
