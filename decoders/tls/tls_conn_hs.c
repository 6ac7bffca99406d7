/* SPDX-License-Identifier: MIT */
/* The handshake side of a TLS connection: what each message tells the
 * reader (RFC 8446 §4, RFC 5246 §7.4), and the keys it makes possible:
 * TLS 1.3 traffic keys from the key log's secrets per phase (§7.1-7.3),
 * TLS 1.2 key blocks from a master secret found by client random, by
 * session id or by ticket (RFC 5077) of an earlier connection. */
#include "tls_conn_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tls_fingerprint.h"

/* --- keys ------------------------------------------------------------- */

static enum sift_secret_label label_of(enum sift_tcp_dir d, enum tls_phase ph)
{
    bool c = d == SIFT_TCP_FROM_CLIENT;
    switch (ph) {
    case PH_EARLY: return SIFT_KEY_CLIENT_EARLY;
    case PH_HANDSHAKE:
        return c ? SIFT_KEY_CLIENT_HANDSHAKE : SIFT_KEY_SERVER_HANDSHAKE;
    default: break;
    }
    return c ? SIFT_KEY_CLIENT_TRAFFIC_0 : SIFT_KEY_SERVER_TRAFFIC_0;
}

struct tls_cipher *tls_conn_cipher13(struct tls_conn *t, enum sift_tcp_dir d,
                                     enum tls_phase ph, uint32_t gen,
                                     const struct tls_suite *suite)
{
    const struct tls_suite *s = suite != NULL ? suite : t->suite;
    if (s == NULL || !s->tls13 || !t->have_client_random || ph == PH_PLAIN ||
        (ph == PH_EARLY && d != SIFT_TCP_FROM_CLIENT))
        return NULL;
    struct tls_dir *dir = &t->dir[d];
    const uint8_t *secret;
    size_t len = sift_keylog_find(t->env->keys, label_of(d, ph),
                                  t->client_random, 32, &secret);
    if (len == 0 || len != tls_hash_len(s->prf))
        return NULL;
    uint8_t cur[SIFT_SECRET_MAX];
    uint32_t at = 0;
    if (ph == PH_APP && dir->phase == PH_APP && dir->app_secret_len == len &&
        gen >= dir->gen) {
        memcpy(cur, dir->app_secret, len); /* derive on from the last one */
        at = dir->gen;
    } else {
        memcpy(cur, secret, len);
    }
    for (; at < gen; at++)
        if (!tls13_next_secret(s, cur, len))
            return NULL;
    struct tls_keys k;
    if (!tls13_traffic_keys(s, cur, len, &k))
        return NULL;
    if (ph == PH_APP) {
        memcpy(dir->cand_secret, cur, len);
        dir->cand_len = len;
        dir->cand_gen = gen;
    }
    OPENSSL_cleanse(cur, sizeof cur);
    struct tls_cipher *c = tls_cipher_new(s, 0x0304, &k, false);
    OPENSSL_cleanse(&k, sizeof k);
    return c;
}

/* The master secret of a TLS 1.2 connection: by client random, else by
 * the session it resumes, else by the session id the key log names. */
static bool find_master(struct tls_conn *t, const uint8_t *sid, size_t sid_len)
{
    const uint8_t *ms;
    struct sift_keylog *k = t->env->keys;
    if (sift_keylog_find(k, SIFT_KEY_MASTER_SECRET, t->client_random, 32,
                         &ms) == 48) {
        memcpy(t->master, ms, 48);
        return true;
    }
    enum sift_tls_resumption r = t->info.resumption;
    if (r == SIFT_TLS_RESUMED_TICKET &&
        tls_session_get(t->env->sessions, TLS_SESSION_TICKET, t->ticket_hash,
                        32, t->master))
        return true;
    if (sid_len > 0 && r != SIFT_TLS_FULL_HANDSHAKE &&
        tls_session_get(t->env->sessions, TLS_SESSION_ID, sid, sid_len,
                        t->master))
        return true;
    if (sid_len > 0 && sift_keylog_find(k, SIFT_KEY_SESSION_MASTER, sid,
                                        sid_len, &ms) == 48) {
        memcpy(t->master, ms, 48);
        return true;
    }
    return false;
}

static void install_pending(struct tls_conn *t, enum sift_tcp_dir d,
                            struct tls_cipher *c)
{
    struct tls_dir *dir = &t->dir[d];
    if (dir->pending_wanted) {
        /* Its ChangeCipherSpec came first: the keys start at 0 now. */
        tls_cipher_free(dir->cipher);
        dir->cipher = c;
        dir->pending_wanted = false;
        dir->seq = 0;
        return;
    }
    tls_cipher_free(dir->pending);
    dir->pending = c;
}

void tls_conn_keys12(struct tls_conn *t)
{
    const struct tls_suite *s = t->suite;
    if (s == NULL || s->tls13 || s->bulk == TLS_BULK_NONE ||
        !t->have_client_random || !t->have_server_random ||
        t->version < 0x0301)
        return;
    if (!t->have_master) {
        t->have_master = find_master(t, t->server_sid, t->server_sid_len);
        if (!t->have_master)
            return;
        if (t->server_sid_len > 0)
            tls_session_put(t->env->sessions, TLS_SESSION_ID, t->server_sid,
                            t->server_sid_len, t->master);
    }
    struct tls_keys ck, sk;
    if (!tls12_key_block(s, t->version, t->master, t->client_random,
                         t->server_random, &ck, &sk))
        return;
    bool etm = t->info.encrypt_then_mac;
    install_pending(t, SIFT_TCP_FROM_CLIENT,
                    tls_cipher_new(s, t->version, &ck, etm));
    install_pending(t, SIFT_TCP_FROM_SERVER,
                    tls_cipher_new(s, t->version, &sk, etm));
    OPENSSL_cleanse(&ck, sizeof ck);
    OPENSSL_cleanse(&sk, sizeof sk);
}

/* --- text the public description points at ---------------------------- */

static void set_text(char **slot, const char **pub, const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c == NULL)
        return;
    memcpy(c, s, n);
    c[n] = '\0';
    free(*slot);
    *slot = c;
    *pub = c;
}

/* --- the hellos ------------------------------------------------------- */

static void offered_versions(struct sift_tls_info *i,
                             const struct tls_client_hello *h)
{
    i->offered_version_count = 0;
    for (size_t k = 0; k < h->version_count; k++)
        if (!tls_is_grease(h->versions[k]) &&
            i->offered_version_count < SIFT_TLS_MAX_VERSIONS)
            i->offered_versions[i->offered_version_count++] = h->versions[k];
    if (i->offered_version_count == 0) {
        i->offered_versions[0] = h->legacy_version;
        i->offered_version_count = 1;
    }
}

static void describe_client_hello(struct tls_conn *t,
                                  const struct tls_client_hello *h,
                                  int64_t ts)
{
    struct sift_tls_info *i = &t->info;
    i->client_hello = true;
    i->client_hello_ns = ts;
    i->client_version = h->legacy_version;
    offered_versions(i, h);
    size_t suites = 0;
    for (size_t k = 0; k < h->suite_count; k++)
        suites += !tls_is_grease(h->suites[k]);
    i->offered_suite_count = suites + (h->suite_total - h->suite_count);
    if (h->has_sni)
        set_text(&t->sni, &i->sni, h->sni, strlen(h->sni));
    if (h->has_alpn) {
        char text[TLS_MAX_ALPN * 4 + 1];
        tls_alpn_list_text(h->alpn, h->alpn_len, text, sizeof text);
        set_text(&t->alpn_offered, &i->alpn_offered, text, strlen(text));
    }
    i->early_data_offered = h->early_data;
    char ja3[4096];
    size_t n = tls_ja3(h, ja3, sizeof ja3);
    if (n < sizeof ja3) {
        set_text(&t->ja3, &i->ja3, ja3, n);
        tls_ja3_hash(ja3, t->ja3_hash);
        i->ja3_hash = t->ja3_hash;
    }
    tls_ja4(h, false, t->ja4);
    i->ja4 = t->ja4;
}

static void client_hello(struct tls_conn *t, const uint8_t *body, size_t len,
                         int64_t ts)
{
    struct tls_client_hello *h = malloc(sizeof *h);
    if (h == NULL || !tls_parse_client_hello(body, len, h)) {
        free(h);
        return;
    }
    t->client_hellos++;
    if (h->extension_total > TLS_MAX_EXTENSIONS)
        tls_conn_warn(t, "a ClientHello with %zu extensions; the first %u "
                      "were read", h->extension_total, TLS_MAX_EXTENSIONS);
    bool retry = t->info.hello_retry && t->client_hellos == 2;
    if (t->client_hellos == 1)
        describe_client_hello(t, h, ts);
    else if (!retry && t->handshake_seen[0])
        t->info.renegotiations++; /* TLS 1.2: a new handshake inside */
    memcpy(t->client_random, h->random, 32);
    t->have_client_random = true;
    t->have_master = false;
    t->client_sid_len = h->session_id_len;
    memcpy(t->client_sid, h->session_id, h->session_id_len);
    t->offered_ticket = h->ticket && h->ticket_data != NULL;
    if (t->offered_ticket) {
        unsigned int n = 0;
        EVP_Digest(h->ticket_data, h->ticket_len, t->ticket_hash, &n,
                   EVP_sha256(), NULL);
    }
    t->tls13_offered = false;
    for (size_t k = 0; k < h->version_count; k++)
        t->tls13_offered |= h->versions[k] == 0x0304;
    t->offered13_count = 0;
    for (size_t k = 0; k < h->suite_count && t->offered13_count < 8; k++)
        if ((h->suites[k] >> 8) == 0x13)
            t->offered13[t->offered13_count++] = h->suites[k];
    free(h);
}

static void tls13_server_hello(struct tls_conn *t,
                               const struct tls_server_hello *sh)
{
    struct tls_dir *dir = &t->dir[SIFT_TCP_FROM_SERVER];
    if (sh->psk)
        t->info.resumption = SIFT_TLS_RESUMED_PSK;
    dir->encrypted = true;
    dir->phase = PH_HANDSHAKE;
    dir->seq = 0;
    tls_cipher_free(dir->cipher);
    dir->cipher = tls_conn_cipher13(t, SIFT_TCP_FROM_SERVER, PH_HANDSHAKE, 0,
                                    NULL);
    if (dir->cipher == NULL)
        dir->missing_gen = sift_keylog_generation(t->env->keys) + 1;
    /* The client's early data was sent before this answer: without early
     * data offered, its next protected records are under handshake keys. */
}

static void tls12_server_hello(struct tls_conn *t,
                               const struct tls_server_hello *sh)
{
    struct sift_tls_info *i = &t->info;
    /* The connection's resumption is its first handshake's. */
    if (i->renegotiations > 0)
        ;
    else if (sh->session_id_len > 0 && sh->session_id_len == t->client_sid_len &&
        memcmp(sh->session_id, t->client_sid, t->client_sid_len) == 0)
        i->resumption = t->offered_ticket ? SIFT_TLS_RESUMED_TICKET
                                          : SIFT_TLS_RESUMED_SESSION_ID;
    else
        i->resumption = SIFT_TLS_FULL_HANDSHAKE;
    i->extended_master_secret = sh->ems;
    i->encrypt_then_mac = sh->etm;
    if (sh->has_alpn)
        set_text(&t->alpn, &i->alpn, sh->alpn, strlen(sh->alpn));
    tls_conn_keys12(t);
}

static void server_hello(struct tls_conn *t, const uint8_t *body, size_t len,
                         int64_t ts)
{
    struct tls_server_hello sh;
    if (!tls_parse_server_hello(body, len, &sh))
        return;
    struct sift_tls_info *i = &t->info;
    i->cipher_suite = sh.suite;
    t->suite = tls_suite_find(sh.suite);
    if (sh.hello_retry) {
        i->hello_retry = true; /* the real ServerHello comes next */
        t->version = i->version = 0x0304;
        return;
    }
    if (!i->server_hello)
        i->server_hello_ns = ts;
    i->server_hello = true;
    t->version = i->version = sh.version;
    memcpy(t->server_random, sh.random, 32);
    t->have_server_random = true;
    t->server_sid_len = sh.session_id_len;
    memcpy(t->server_sid, sh.session_id, sh.session_id_len);
    if (sh.version >= 0x0304)
        tls13_server_hello(t, &sh);
    else
        tls12_server_hello(t, &sh);
}

/* --- the rest of the handshake ---------------------------------------- */

static void encrypted_extensions(struct tls_conn *t, const uint8_t *body,
                                 size_t len, int64_t ts)
{
    struct tls_encrypted_extensions ee;
    if (!tls_parse_encrypted_extensions(body, len, &ee))
        return;
    if (ee.has_alpn)
        set_text(&t->alpn, &t->info.alpn, ee.alpn, strlen(ee.alpn));
    if (t->info.early_data_offered)
        tls_conn_early_decided(t, ee.early_data, ts);
}

static void certificate(struct tls_conn *t, const uint8_t *body, size_t len,
                        bool cut)
{
    const uint8_t *leaf;
    size_t leaf_len;
    uint32_t count;
    if (t->info.cert.present)
        return;
    if (!tls_parse_certificate(body, len, t->version >= 0x0304, &leaf,
                               &leaf_len, &count)) {
        if (cut)
            tls_conn_warn(t, "a Certificate message longer than %u bytes "
                          "whose first certificate is not within them: not "
                          "read", t->env->max_handshake);
        return;
    }
    bool parsed;
    const struct tls_cert_summary *s =
        tls_cert_lookup(t->env->certs, leaf, leaf_len, &t->cert, &parsed);
    struct sift_tls_certificate *c = &t->info.cert;
    c->present = true;
    c->parsed = parsed;
    c->subject = s->subject ? s->subject : "";
    c->issuer = s->issuer ? s->issuer : "";
    c->san = s->san ? s->san : "";
    c->subject_cn = s->subject_cn ? s->subject_cn : "";
    c->issuer_cn = s->issuer_cn ? s->issuer_cn : "";
    c->not_before = s->not_before;
    c->not_after = s->not_after;
    memcpy(c->sha256, s->sha256, 32);
    c->chain_length = count;
}

static void new_session_ticket(struct tls_conn *t, const uint8_t *body,
                               size_t len)
{
    const uint8_t *ticket;
    size_t n;
    if (t->version >= 0x0304 || !t->have_master ||
        !tls_parse_new_session_ticket(body, len, false, &ticket, &n))
        return;
    uint8_t hash[32];
    unsigned int hn = 0;
    EVP_Digest(ticket, n, hash, &hn, EVP_sha256(), NULL);
    tls_session_put(t->env->sessions, TLS_SESSION_TICKET, hash, 32,
                    t->master);
}

static void finished(struct tls_conn *t, enum sift_tcp_dir d, int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    t->handshake_seen[d] = true;
    if (t->handshake_seen[!d])
        t->info.handshake_done_ns = ts;
    if (t->version >= 0x0304 && dir->phase != PH_APP) {
        dir->switch_pending = true;
        dir->switch_to = PH_APP;
    }
}

static void key_update(struct tls_conn *t, enum sift_tcp_dir d)
{
    struct tls_dir *dir = &t->dir[d];
    t->info.side[d].key_updates++;
    if (t->version >= 0x0304 && dir->phase == PH_APP) {
        dir->switch_pending = true;
        dir->switch_to = PH_APP;
    }
}

void tls_conn_handshake(struct tls_conn *t, enum sift_tcp_dir d,
                        uint8_t type, const uint8_t *body, size_t len,
                        bool cut, int64_t ts)
{
    bool client = d == SIFT_TCP_FROM_CLIENT;
    if (cut && type != TLS_HS_CERTIFICATE)
        tls_conn_warn(t, "a handshake message of type %u was longer than "
                      "%u bytes; only its beginning was read", type,
                      t->env->max_handshake);
    switch (type) {
    case TLS_HS_CLIENT_HELLO:
        if (client)
            client_hello(t, body, len, ts);
        break;
    case TLS_HS_SERVER_HELLO:
        if (!client)
            server_hello(t, body, len, ts);
        break;
    case TLS_HS_ENCRYPTED_EXTENSIONS:
        if (!client)
            encrypted_extensions(t, body, len, ts);
        break;
    case TLS_HS_CERTIFICATE:
        if (!client)
            certificate(t, body, len, cut);
        break;
    case TLS_HS_NEW_SESSION_TICKET:
        if (!client)
            new_session_ticket(t, body, len);
        break;
    case TLS_HS_FINISHED: finished(t, d, ts); break;
    case TLS_HS_KEY_UPDATE: key_update(t, d); break;
    case TLS_HS_END_OF_EARLY_DATA:
        if (client && t->dir[d].phase == PH_EARLY) {
            t->dir[d].switch_pending = true;
            t->dir[d].switch_to = PH_HANDSHAKE;
        }
        break;
    default: break;
    }
}

void tls_conn_hs_free(struct tls_conn *t)
{
    free(t->sni);
    free(t->alpn_offered);
    free(t->alpn);
    free(t->ja3);
    tls_cert_summary_free(&t->cert);
}
