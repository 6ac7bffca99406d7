/* SPDX-License-Identifier: MIT */
/* TLS connections as the outputs show them (docs/tls.md): the full object
 * of `pcapsift tls`, the short one on a decrypted HTTP transaction, a text
 * line and a CSV row (RFC 4180). */
#include "tls_json.h"

#include <inttypes.h>
#include <string.h>

#include "timefmt.h"

static void hex(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* "TLS 1.3", or "0x7f1c" for a value without a name. */
static const char *version_text(uint16_t v, char buf[8])
{
    const char *n = sift_tls_version_name(v);
    if (n != NULL)
        return n;
    snprintf(buf, 8, "0x%04x", v);
    return buf;
}

static const char *cipher_text(uint16_t s, char buf[8])
{
    const char *n = sift_tls_cipher_name(s);
    if (n != NULL)
        return n;
    snprintf(buf, 8, "0x%04x", s);
    return buf;
}

static void version_or_null(struct jsonw *w, const char *key, uint16_t v)
{
    char buf[8];
    if (v == 0)
        jsonw_null(w, key);
    else
        jsonw_str(w, key, version_text(v, buf));
}

void tls_json_summary(struct jsonw *w, const char *key,
                      const struct sift_tls_info *t)
{
    if (t == NULL) {
        jsonw_null(w, key);
        return;
    }
    char buf[8];
    jsonw_object(w, key);
    version_or_null(w, "version", t->version);
    if (t->cipher_suite == 0)
        jsonw_null(w, "cipher");
    else
        jsonw_str(w, "cipher", cipher_text(t->cipher_suite, buf));
    jsonw_str(w, "sni", t->sni);
    jsonw_str(w, "alpn", t->alpn);
    jsonw_str(w, "resumption", sift_tls_resumption_name(t->resumption));
    jsonw_end(w);
}

/* A comma-separated list as a JSON array of strings. */
static void list(struct jsonw *w, const char *key, const char *s)
{
    jsonw_array(w, key);
    while (*s != '\0') {
        const char *comma = strchr(s, ',');
        size_t n = comma != NULL ? (size_t)(comma - s) : strlen(s);
        jsonw_strn(w, NULL, s, n);
        s += n + (comma != NULL);
    }
    jsonw_end(w);
}

static void certificate(struct jsonw *w, const struct sift_tls_certificate *c)
{
    if (!c->present) {
        jsonw_null(w, "certificate");
        return;
    }
    char iso[TIMEFMT_MAX], fp[65];
    jsonw_object(w, "certificate");
    if (c->parsed) {
        jsonw_str(w, "subject", c->subject);
        jsonw_str(w, "issuer", c->issuer);
        list(w, "san", c->san);
        timefmt_iso(c->not_before * 1000000000ll, 0, iso);
        jsonw_str(w, "not_before", iso);
        timefmt_iso(c->not_after * 1000000000ll, 0, iso);
        jsonw_str(w, "not_after", iso);
    } else { /* not valid DER: only its hash and the chain are known */
        jsonw_null(w, "subject");
        jsonw_null(w, "issuer");
        jsonw_null(w, "san");
        jsonw_null(w, "not_before");
        jsonw_null(w, "not_after");
    }
    hex(fp, c->sha256, 32);
    jsonw_str(w, "sha256", fp);
    jsonw_u64(w, "chain_length", c->chain_length);
    jsonw_end(w);
}

static void alerts(struct jsonw *w, const struct sift_tls_info *t)
{
    jsonw_array(w, "alerts");
    for (size_t i = 0; i < t->alert_count; i++) {
        const struct sift_tls_alert *a = &t->alerts[i];
        jsonw_object(w, NULL);
        jsonw_str(w, "dir", a->dir == SIFT_TCP_FROM_CLIENT ? "client"
                                                          : "server");
        jsonw_i64(w, "ts_ns", a->ts_ns);
        jsonw_bool(w, "encrypted", a->encrypted);
        if (a->known) {
            const char *name = sift_tls_alert_name(a->description);
            jsonw_str(w, "level", a->level == 1   ? "warning"
                                  : a->level == 2 ? "fatal"
                                                  : "unknown");
            if (name != NULL)
                jsonw_str(w, "description", name);
            else
                jsonw_null(w, "description");
            jsonw_u64(w, "description_value", a->description);
        } else {
            jsonw_null(w, "level");
            jsonw_null(w, "description");
            jsonw_null(w, "description_value");
        }
        jsonw_end(w);
    }
    jsonw_end(w);
    jsonw_u64(w, "alerts_total", t->alerts_total);
}

static void side(struct jsonw *w, const char *key,
                 const struct sift_tls_side *s)
{
    jsonw_object(w, key);
    jsonw_u64(w, "records", s->records);
    jsonw_u64(w, "encrypted", s->encrypted_records);
    jsonw_u64(w, "decrypted", s->decrypted_records);
    jsonw_u64(w, "salvaged", s->salvaged_records);
    jsonw_u64(w, "lost", s->lost_records);
    jsonw_u64(w, "plaintext_bytes", s->plaintext_bytes);
    jsonw_u64(w, "resyncs", s->resyncs);
    jsonw_u64(w, "key_updates", s->key_updates);
    jsonw_end(w);
}

static void endpoints(struct jsonw *w, const struct sift_tcp_conn *c)
{
    char a[46];
    jsonw_str(w, "client", sift_ip_addr_text(&c->client, a));
    jsonw_u64(w, "client_port", c->client_port);
    jsonw_str(w, "server", sift_ip_addr_text(&c->server, a));
    jsonw_u64(w, "server_port", c->server_port);
}

static void hello_fields(struct jsonw *w, const struct sift_tls_info *t)
{
    char buf[8];
    version_or_null(w, "client_version", t->client_hello ? t->client_version
                                                         : 0);
    jsonw_array(w, "offered_versions");
    for (size_t i = 0; i < t->offered_version_count; i++)
        jsonw_str(w, NULL, version_text(t->offered_versions[i], buf));
    jsonw_end(w);
    jsonw_u64(w, "offered_suites", t->offered_suite_count);
    jsonw_str(w, "sni", t->sni);
    list(w, "alpn_offered", t->alpn_offered);
    jsonw_str(w, "ja3", t->ja3);
    jsonw_str(w, "ja3_hash", t->ja3_hash);
    jsonw_str(w, "ja4", t->ja4);
}

static void outcome(struct jsonw *w, const struct sift_tls_info *t)
{
    jsonw_str(w, "outcome", sift_tls_outcome_name(t->outcome));
    if (t->auth_failed_record == 0) {
        jsonw_null(w, "auth_failed");
        return;
    }
    jsonw_object(w, "auth_failed");
    jsonw_str(w, "dir", t->auth_failed_dir == SIFT_TCP_FROM_CLIENT
                            ? "client"
                            : "server");
    jsonw_u64(w, "record", t->auth_failed_record);
    jsonw_end(w);
}

void tls_json_connection(struct jsonw *w, const struct sift_tls_info *t,
                         uint64_t conn_id)
{
    const struct sift_tcp_conn *c = t->conn;
    char iso[TIMEFMT_MAX], buf[8];
    jsonw_object(w, NULL);
    jsonw_str(w, "type", "tls");
    jsonw_u64(w, "conn", conn_id);
    timefmt_iso(c->start_ns, 9, iso);
    jsonw_str(w, "time", iso);
    endpoints(w, c);
    hello_fields(w, t);
    version_or_null(w, "version", t->version);
    if (t->cipher_suite == 0)
        jsonw_null(w, "cipher");
    else
        jsonw_str(w, "cipher", cipher_text(t->cipher_suite, buf));
    jsonw_u64(w, "cipher_value", t->cipher_suite);
    jsonw_str(w, "alpn", t->alpn);
    jsonw_str(w, "resumption", sift_tls_resumption_name(t->resumption));
    jsonw_bool(w, "hello_retry", t->hello_retry);
    jsonw_bool(w, "early_data_offered", t->early_data_offered);
    jsonw_bool(w, "early_data_accepted", t->early_data_accepted);
    jsonw_bool(w, "extended_master_secret", t->extended_master_secret);
    jsonw_bool(w, "encrypt_then_mac", t->encrypt_then_mac);
    jsonw_u64(w, "renegotiations", t->renegotiations);
    certificate(w, &t->cert);
    alerts(w, t);
    outcome(w, t);
    jsonw_object(w, "records");
    side(w, "client", &t->side[SIFT_TCP_FROM_CLIENT]);
    side(w, "server", &t->side[SIFT_TCP_FROM_SERVER]);
    jsonw_end(w);
    jsonw_i64(w, "client_hello_ns", t->client_hello ? t->client_hello_ns : 0);
    jsonw_i64(w, "server_hello_ns", t->server_hello ? t->server_hello_ns : 0);
    jsonw_i64(w, "handshake_done_ns", t->handshake_done_ns);
    jsonw_end(w);
}

void tls_text_line(FILE *fp, const struct sift_tls_info *t, uint64_t conn_id)
{
    const struct sift_tcp_conn *c = t->conn;
    char iso[TIMEFMT_MAX], a[46], b[46], vb[8], cb[8];
    timefmt_iso(c->start_ns, 6, iso);
    bool v6 = c->client.family == 6;
    fprintf(fp, "%" PRIu64 " %s %s%s%s:%u -> %s%s%s:%u %s %s", conn_id, iso,
            v6 ? "[" : "", sift_ip_addr_text(&c->client, a), v6 ? "]" : "",
            c->client_port, v6 ? "[" : "", sift_ip_addr_text(&c->server, b),
            v6 ? "]" : "", c->server_port,
            t->version ? version_text(t->version, vb) : "-",
            t->cipher_suite ? cipher_text(t->cipher_suite, cb) : "-");
    if (t->sni[0] != '\0')
        fprintf(fp, " sni=%s", t->sni);
    if (t->alpn[0] != '\0')
        fprintf(fp, " alpn=%s", t->alpn);
    if (t->resumption != SIFT_TLS_FULL_HANDSHAKE)
        fprintf(fp, " resumed=%s", sift_tls_resumption_name(t->resumption));
    fprintf(fp, " %s", sift_tls_outcome_name(t->outcome));
    if (t->outcome == SIFT_TLS_AUTH_FAILED)
        fprintf(fp, " (%s record %" PRIu64 ")",
                t->auth_failed_dir == SIFT_TCP_FROM_CLIENT ? "client"
                                                           : "server",
                t->auth_failed_record);
    fputc('\n', fp);
}

/* A CSV field, quoted when it holds a separator, a quote or a line end. */
static void csv(FILE *fp, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    fputc(',', fp);
    if (!quote) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

void tls_csv_header(FILE *fp)
{
    fputs("conn,time,client,client_port,server,server_port,sni,version,"
          "cipher,alpn,resumption,outcome,certificate_subject,"
          "certificate_issuer,ja3_hash,ja4,client_records,server_records,"
          "decrypted_records,plaintext_bytes,alerts\r\n",
          fp);
}

void tls_csv_row(FILE *fp, const struct sift_tls_info *t, uint64_t conn_id)
{
    const struct sift_tcp_conn *c = t->conn;
    char iso[TIMEFMT_MAX], a[46], b[46], vb[8], cb[8];
    timefmt_iso(c->start_ns, 9, iso);
    fprintf(fp, "%" PRIu64 ",%s,%s,%u,%s,%u", conn_id, iso,
            sift_ip_addr_text(&c->client, a), c->client_port,
            sift_ip_addr_text(&c->server, b), c->server_port);
    csv(fp, t->sni);
    csv(fp, t->version ? version_text(t->version, vb) : "");
    csv(fp, t->cipher_suite ? cipher_text(t->cipher_suite, cb) : "");
    csv(fp, t->alpn);
    csv(fp, sift_tls_resumption_name(t->resumption));
    csv(fp, sift_tls_outcome_name(t->outcome));
    csv(fp, t->cert.present ? t->cert.subject : "");
    csv(fp, t->cert.present ? t->cert.issuer : "");
    csv(fp, t->ja3_hash);
    csv(fp, t->ja4);
    const struct sift_tls_side *s0 = &t->side[0], *s1 = &t->side[1];
    fprintf(fp, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%zu\r\n",
            s0->records, s1->records,
            s0->decrypted_records + s1->decrypted_records,
            s0->plaintext_bytes + s1->plaintext_bytes, t->alerts_total);
}
