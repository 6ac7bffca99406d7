/* SPDX-License-Identifier: MIT */
/* The record side of a TLS connection (RFC 5246 §6, RFC 8446 §5): each
 * direction's records are decrypted with the keys of its current phase,
 * or, when that fails, with those of the phases that can follow (so a
 * missed Finished, KeyUpdate or rejected early data costs one trial, not
 * the connection). After a capture gap the record damaged by it is
 * salvaged around the hole, and a lost record boundary is found again by
 * trial decryption over the likely sequence numbers. */
#include "tls_conn_internal.h"
#include "tls_sslv2.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>


void tls_conn_warn(struct tls_conn *t, const char *fmt, ...)
{
    if (t->env->warn == NULL)
        return;
    char msg[512];
    int n = snprintf(msg, sizeof msg, "TLS connection %llu: ",
                     (unsigned long long)t->info.conn->id);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof msg)
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    struct sift_warning w = {SIFT_WARN_TLS, SIFT_LAYER_TLS, 0, 0,
                             msg};
    t->env->warn(t->env->warn_ctx, &w);
}

void tls_conn_deliver(struct tls_conn *t, enum sift_tcp_dir d,
                      const uint8_t *p, size_t n, int64_t ts)
{
    if (n == 0)
        return;
    if (p != NULL)
        t->info.side[d].plaintext_bytes += n;
    t->env->deliver(t->env->ctx, &t->info, d, p, n, ts);
}

/* --- early data ------------------------------------------------------- */

static void hold_early(struct tls_conn *t, const uint8_t *p, size_t n,
                       int64_t ts)
{
    struct tls_dir *dir = &t->dir[SIFT_TCP_FROM_CLIENT];
    if (dir->early_len + n > TLS_MAX_EARLY) {
        /* Too much to hold: taken as accepted (a server that allows this
         * much early data accepts it). */
        tls_conn_early_decided(t, true, ts);
        tls_conn_deliver(t, SIFT_TCP_FROM_CLIENT, p, n, ts);
        return;
    }
    if (dir->early_len + n > dir->early_cap) {
        size_t cap = dir->early_cap ? dir->early_cap * 2 : 4096;
        while (cap < dir->early_len + n)
            cap *= 2;
        uint8_t *b = realloc(dir->early, cap);
        if (b == NULL)
            return;
        dir->early = b;
        dir->early_cap = cap;
    }
    memcpy(dir->early + dir->early_len, p, n);
    dir->early_len += n;
    dir->early_ts = ts;
}

void tls_conn_early_decided(struct tls_conn *t, bool accepted, int64_t ts)
{
    if (t->early_decided || !t->info.early_data_offered)
        return;
    t->early_decided = true;
    t->info.early_data_accepted = accepted;
    struct tls_dir *dir = &t->dir[SIFT_TCP_FROM_CLIENT];
    if (accepted && dir->early_len > 0)
        tls_conn_deliver(t, SIFT_TCP_FROM_CLIENT, dir->early, dir->early_len,
                         dir->early_ts ? dir->early_ts : ts);
    free(dir->early);
    dir->early = NULL;
    dir->early_len = dir->early_cap = 0;
}

/* --- keys ------------------------------------------------------------- */

static bool keylog_changed(const struct tls_conn *t, const struct tls_dir *d)
{
    return d->missing_gen == 0 ||
           d->missing_gen != sift_keylog_generation(t->env->keys) + 1;
}

/* A late arrival of keys (a Decryption Secrets Block after the packets
 * that needed it, on standard input) is said once. */
static void keys_found(struct tls_conn *t, struct tls_dir *d)
{
    if (d->missed_records > 0 && !t->warned_late_keys) {
        t->warned_late_keys = true;
        tls_conn_warn(t, "its secrets arrived after %llu records that needed "
                      "them; those were not decrypted",
                      (unsigned long long)d->missed_records);
    }
    d->missing_gen = 0;
}

/* The cipher of the direction's current phase, looked up when missing. */
static void ensure_cipher(struct tls_conn *t, enum sift_tcp_dir d)
{
    struct tls_dir *dir = &t->dir[d];
    if (dir->cipher != NULL || !keylog_changed(t, dir))
        return;
    if (t->version >= 0x0304 || (t->version == 0 && t->tls13_offered)) {
        if (dir->phase == PH_PLAIN)
            return;
        if (t->suite != NULL)
            dir->cipher = tls_conn_cipher13(t, d, dir->phase, dir->gen, NULL);
    } else if (dir->pending_wanted) {
        tls_conn_keys12(t);
        if (dir->pending != NULL) {
            dir->cipher = dir->pending;
            dir->pending = NULL;
            dir->pending_wanted = false;
        }
    }
    if (dir->cipher != NULL)
        keys_found(t, dir);
    else
        dir->missing_gen = sift_keylog_generation(t->env->keys) + 1;
}

/* The phases that can follow (phase, gen) in direction d, in order. */
static size_t next_phases(const struct tls_conn *t, enum sift_tcp_dir d,
                          enum tls_phase ph, uint32_t gen,
                          enum tls_phase out[3], uint32_t gens[3])
{
    size_t n = 0;
    bool client = d == SIFT_TCP_FROM_CLIENT;
    if (ph == PH_PLAIN && client && t->info.early_data_offered &&
        t->client_hellos == 1)
        out[n] = PH_EARLY, gens[n++] = 0;
    if (ph == PH_PLAIN || ph == PH_EARLY)
        out[n] = PH_HANDSHAKE, gens[n++] = 0;
    if (ph != PH_APP)
        out[n] = PH_APP, gens[n++] = 0;
    else
        out[n] = PH_APP, gens[n++] = gen + 1;
    return n;
}

/* Keeps the traffic secret of the application generation a cipher was
 * made for, so the next KeyUpdate derives from it. */
static void keep_secret(struct tls_dir *dir)
{
    if (dir->phase == PH_APP && dir->cand_len > 0 &&
        dir->cand_gen == dir->gen) {
        memcpy(dir->app_secret, dir->cand_secret, dir->cand_len);
        dir->app_secret_len = dir->cand_len;
    }
}

static void install(struct tls_conn *t, enum sift_tcp_dir d,
                    struct tls_cipher *c, enum tls_phase ph, uint32_t gen)
{
    struct tls_dir *dir = &t->dir[d];
    if (d == SIFT_TCP_FROM_CLIENT && dir->phase == PH_EARLY &&
        ph != PH_EARLY)
        tls_conn_early_decided(t, false, 0); /* went on without EOED */
    if (dir->cipher != c)
        tls_cipher_free(dir->cipher);
    dir->cipher = c;
    dir->phase = ph;
    dir->gen = gen;
    dir->encrypted = true;
    keep_secret(dir);
    if (t->suite == NULL)
        t->suite = tls_cipher_suite(c);
}

/* The suites a TLS 1.3 record may be under: the chosen one, or, without a
 * ServerHello, each one offered. */
static size_t suites13(const struct tls_conn *t,
                       const struct tls_suite **out)
{
    if (t->suite != NULL) {
        out[0] = t->suite;
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < t->offered13_count && n < 8; i++) {
        const struct tls_suite *s = tls_suite_find(t->offered13[i]);
        if (s != NULL && s->tls13)
            out[n++] = s;
    }
    return n;
}

/* Tries the phases after the current one with sequence number seq. */
static enum tls_open_result try_next_phases(struct tls_conn *t,
                                            enum sift_tcp_dir d,
                                            const uint8_t hdr[5],
                                            const uint8_t *body, size_t len,
                                            uint64_t seq, uint8_t *out,
                                            size_t *out_len, uint8_t *type)
{
    struct tls_dir *dir = &t->dir[d];
    if (!(t->version >= 0x0304 || (t->version == 0 && t->tls13_offered)))
        return TLS_OPEN_AUTH;
    enum tls_phase ph[3];
    uint32_t gen[3];
    size_t n = next_phases(t, d, dir->phase, dir->gen, ph, gen);
    const struct tls_suite *suites[8];
    size_t ns = suites13(t, suites);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ns; k++) {
            struct tls_cipher *c = tls_conn_cipher13(t, d, ph[i], gen[i],
                                                     suites[k]);
            if (c == NULL)
                continue;
            if (tls_cipher_open(c, seq, hdr, body, len, out, out_len,
                                type) == TLS_OPEN_OK) {
                install(t, d, c, ph[i], gen[i]);
                return TLS_OPEN_OK;
            }
            tls_cipher_free(c);
        }
    return TLS_OPEN_AUTH;
}

/* Decrypts a record of direction d at its next sequence number. */
static enum tls_open_result open_record(struct tls_conn *t,
                                        enum sift_tcp_dir d,
                                        const uint8_t hdr[5],
                                        const uint8_t *body, size_t len,
                                        uint8_t *out, size_t *out_len,
                                        uint8_t *type)
{
    struct tls_dir *dir = &t->dir[d];
    ensure_cipher(t, d);
    enum tls_open_result r = TLS_OPEN_AUTH;
    if (dir->cipher != NULL)
        r = tls_cipher_open(dir->cipher, dir->seq, hdr, body, len, out,
                            out_len, type);
    if (r == TLS_OPEN_OK) {
        dir->seq++;
        return r;
    }
    /* A key change that was not seen: the next phase starts at 0. */
    if (try_next_phases(t, d, hdr, body, len, 0, out, out_len, type) ==
        TLS_OPEN_OK) {
        keys_found(t, dir);
        dir->seq = 1;
        return TLS_OPEN_OK;
    }
    return r;
}

/* --- what a decrypted record says ------------------------------------- */

static void add_alert(struct tls_conn *t, enum sift_tcp_dir d,
                      const uint8_t *p, size_t n, bool encrypted, bool known,
                      int64_t ts)
{
    struct sift_tls_info *i = &t->info;
    i->alerts_total++;
    if (i->alert_count >= SIFT_TLS_MAX_ALERTS)
        return;
    struct sift_tls_alert *a = &i->alerts[i->alert_count++];
    a->dir = d;
    a->encrypted = encrypted;
    a->known = known && n >= 2;
    a->level = a->known ? p[0] : 0;
    a->description = a->known ? p[1] : 0;
    a->ts_ns = ts;
}

struct hs_ctx {
    struct tls_conn *t;
    enum sift_tcp_dir d;
    int64_t ts;
};

static void on_message(void *ctx, uint8_t type, const uint8_t *body,
                       size_t len, bool cut)
{
    struct hs_ctx *h = ctx;
    tls_conn_handshake(h->t, h->d, type, body, len, cut, h->ts);
}

/* A key change announced by the record just read (Finished, KeyUpdate,
 * EndOfEarlyData) takes effect from the next record (§5.1). */
void tls_conn_apply_switch(struct tls_conn *t, enum sift_tcp_dir d)
{
    struct tls_dir *dir = &t->dir[d];
    if (!dir->switch_pending)
        return;
    dir->switch_pending = false;
    uint32_t gen = dir->switch_to == PH_APP && dir->phase == PH_APP
                       ? dir->gen + 1
                       : 0;
    if (d == SIFT_TCP_FROM_CLIENT && dir->phase == PH_EARLY &&
        dir->switch_to != PH_EARLY)
        tls_conn_early_decided(t, true, 0); /* EndOfEarlyData came */
    tls_cipher_free(dir->cipher);
    dir->cipher = tls_conn_cipher13(t, d, dir->switch_to, gen, NULL);
    dir->phase = dir->switch_to;
    dir->gen = gen;
    dir->seq = 0;
    if (dir->cipher == NULL)
        dir->missing_gen = sift_keylog_generation(t->env->keys) + 1;
    else
        keep_secret(dir);
}

/* The content of a record, decrypted or sent in the clear. */
void tls_conn_content(struct tls_conn *t, enum sift_tcp_dir d, uint8_t type,
                    const uint8_t *p, size_t n, bool encrypted, int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    struct hs_ctx h = {t, d, ts};
    switch (type) {
    case TLS_CT_APPLICATION_DATA:
        if (dir->phase == PH_EARLY && !t->early_decided)
            hold_early(t, p, n, ts);
        else if (dir->phase != PH_EARLY || t->info.early_data_accepted)
            tls_conn_deliver(t, d, p, n, ts);
        break;
    case TLS_CT_HANDSHAKE:
        tls_hs_feed(&dir->hs, p, n, on_message, &h);
        break;
    case TLS_CT_ALERT:
        add_alert(t, d, p, n, encrypted, true, ts);
        break;
    case TLS_CT_CHANGE_CIPHER_SPEC:
        /* TLS 1.2 (and a renegotiation under the old keys): the next
         * record is under the pending keys. TLS 1.3's is for middleboxes. */
        if (t->version < 0x0304 && !(t->version == 0 && t->tls13_offered &&
                                     d == SIFT_TCP_FROM_CLIENT)) {
            if (dir->pending == NULL && t->env->keys != NULL)
                tls_conn_keys12(t);
            tls_cipher_free(dir->cipher);
            dir->cipher = dir->pending;
            dir->pending = NULL;
            dir->pending_wanted = dir->cipher == NULL;
            dir->encrypted = true;
            dir->phase = PH_APP;
            dir->seq = 0;
            if (dir->cipher == NULL)
                dir->missing_gen = sift_keylog_generation(t->env->keys) + 1;
        }
        break;
    default: break;
    }
}

/* --- records ---------------------------------------------------------- */

bool tls_conn_is13(const struct tls_conn *t)
{
    return t->version >= 0x0304 || (t->version == 0 && t->tls13_offered);
}

/* Does a record of this type start protection in direction d? TLS 1.3
 * protects every application_data record after the hellos. */
static bool starts_protection(const struct tls_conn *t, enum sift_tcp_dir d,
                              uint8_t type)
{
    const struct tls_dir *dir = &t->dir[d];
    if (dir->encrypted || type != TLS_CT_APPLICATION_DATA || !tls_conn_is13(t))
        return false;
    return d == SIFT_TCP_FROM_CLIENT ? t->client_hellos > 0
                                     : t->info.server_hello;
}

void tls_conn_count_lost(struct tls_conn *t, enum sift_tcp_dir d, size_t len,
                       int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    t->info.side[d].lost_records++;
    if (dir->cipher != NULL || dir->phase == PH_APP) {
        /* Keep the plaintext's length right for the layer above. */
        size_t o = dir->cipher ? tls_cipher_overhead(dir->cipher) : 0;
        if (o > 0 && len + 5 > o)
            tls_conn_deliver(t, d, NULL, len + 5 - o, ts);
    }
}

/* A protected record with no key for it (yet). */
static void note_missed(struct tls_conn *t, struct tls_dir *dir)
{
    dir->missed_records++;
    if (!t->counted_missed && t->env->stats != NULL) {
        t->counted_missed = true;
        t->env->stats->missed_keys++;
    }
}

static void auth_failure(struct tls_conn *t, enum sift_tcp_dir d,
                         size_t len, int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    if (!dir->auth_failed && dir->cipher != NULL) {
        dir->auth_failed = true;
        if (t->info.auth_failed_record == 0) {
            t->info.auth_failed_dir = d;
            t->info.auth_failed_record = t->info.side[d].records;
        }
    }
    if (dir->cipher != NULL) {
        dir->seq++; /* the record took a sequence number all the same */
        if (++dir->fail_streak >= TLS_MAX_FAIL_STREAK) {
            dir->gave_up = true;
            tls_conn_warn(t, "%s records stopped authenticating at record "
                          "%llu; the rest of that direction is not "
                          "decrypted",
                          d == SIFT_TCP_FROM_CLIENT ? "client" : "server",
                          (unsigned long long)t->info.side[d].records);
        }
    } else {
        note_missed(t, dir);
    }
    tls_conn_count_lost(t, d, len, ts);
}

/* CBC's record sizes: see struct tls_dir. */
void tls_conn_learn_size(struct tls_dir *dir, size_t ct, size_t pt)
{
    if (tls_cipher_overhead(dir->cipher) != 0)
        return; /* AEAD: the overhead is fixed */
    for (unsigned i = 0; i < TLS_SIZES_KEPT; i++)
        if (dir->sizes[i].ct == ct) {
            dir->sizes[i].pt = (uint32_t)pt;
            return;
        }
    dir->sizes[dir->sizes_next] = (struct tls_size){(uint32_t)ct,
                                                    (uint32_t)pt};
    dir->sizes_next = (dir->sizes_next + 1) % TLS_SIZES_KEPT;
}

/* The plaintext length of a CBC record of ct bytes seen before; 0 when
 * no record of that length was decrypted. */
size_t tls_conn_known_size(const struct tls_dir *dir, size_t ct)
{
    for (unsigned i = 0; i < TLS_SIZES_KEPT; i++)
        if (dir->sizes[i].ct == ct && ct > 0)
            return dir->sizes[i].pt;
    return 0;
}

static void protected_record(struct tls_conn *t, enum sift_tcp_dir d,
                             const uint8_t hdr[5], const uint8_t *body,
                             size_t len, int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    struct sift_tls_side *side = &t->info.side[d];
    side->encrypted_records++;
    dir->enc_bytes += len + 5;
    dir->enc_count++;
    if (dir->gave_up || t->env->keys == NULL) {
        note_missed(t, dir);
        side->lost_records++;
        return;
    }
    uint8_t *out = t->env->scratch, type;
    size_t out_len;
    if (open_record(t, d, hdr, body, len, out, &out_len, &type) !=
        TLS_OPEN_OK)
        return auth_failure(t, d, len, ts);
    dir->fail_streak = 0;
    side->decrypted_records++;
    tls_conn_learn_size(dir, len, out_len);
    tls_conn_content(t, d, type, out, out_len, true, ts);
    tls_conn_apply_switch(t, d);
}

static void on_record(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                      size_t len, int64_t ts);


/* --- records nobody reads ---------------------------------------------- */

/* May this record of direction d go uncounted by the decryptor: AEAD,
 * application keys settled, application data, and its plaintext wholly
 * inside what the consumer only counts? */
static bool skippable(struct tls_conn *t, enum sift_tcp_dir d,
                      const uint8_t hdr[5], size_t len)
{
    struct tls_dir *dir = &t->dir[d];
    const struct tls_env *e = t->env;
    if (e->countable == NULL || !dir->encrypted || dir->cipher == NULL ||
        dir->gave_up || dir->phase != PH_APP || dir->switch_pending ||
        hdr[0] != TLS_CT_APPLICATION_DATA || dir->fail_streak > 0 ||
        !tls_suite_is_aead(tls_cipher_suite(dir->cipher)))
        return false;
    size_t ovh = tls_cipher_overhead(dir->cipher);
    if (ovh == 0 || len + 5 <= ovh)
        return false;
    return e->countable(e->ctx, &t->info, d) >= len + 5 - ovh;
}

/* A record counted, not decrypted: TLS 1.2's plaintext length is its
 * length less the overhead; TLS 1.3's ends at its inner type, read from
 * its last block's keystream. */
static void counted(struct tls_conn *t, enum sift_tcp_dir d,
                    const uint8_t *tail, size_t tail_len, size_t len,
                    size_t missing, bool new_record, int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    struct sift_tls_side *side = &t->info.side[d];
    if (new_record)
        side->records++;
    side->encrypted_records++;
    side->decrypted_records++;
    dir->enc_bytes += len + 5;
    dir->enc_count++;
    uint64_t seq = dir->seq++;
    size_t pt = len + 5 - tls_cipher_overhead(dir->cipher);
    if (tls_conn_is13(t) && t->version != 0x0303 && tail_len > 0) {
        size_t tag = tls_cipher_suffix(dir->cipher);
        uint8_t *buf = t->env->scratch, out[TLS_RECORD_TAIL];
        size_t off = 0, from = len - tail_len;
        memcpy(buf + from, tail, tail_len);
        size_t m = tls_cipher_salvage(dir->cipher, seq, buf, from, len, len,
                                      out, &off);
        size_t n = m;
        while (n > 0 && out[n - 1] == 0)
            n--; /* padding (RFC 8446 §5.4) */
        if (m == 0 || n == 0 || out[n - 1] != TLS_CT_APPLICATION_DATA ||
            off + m != len - tag)
            return; /* not application data (a KeyUpdate: the next
                       record's trial finds the new keys) */
        pt = off + n - 1;
    }
    if (missing > 0 && tail_len == 0) {
        /* The hole ran to the record's end: its tag (and inner type) are
         * in it, and they are not plaintext. */
        size_t suffix = len - tls_cipher_prefix(dir->cipher) - pt;
        missing -= missing < suffix ? missing : suffix;
    }
    if (missing > pt)
        missing = pt;
    side->plaintext_bytes += pt - missing;
    if (missing > 0) {
        side->salvaged_records++;
        side->decrypted_records--;
    }
    t->env->count(t->env->ctx, &t->info, d, pt - missing, ts);
    if (missing > 0)
        tls_conn_deliver(t, d, NULL, missing, ts); /* where, is no matter:
                                                      it is all body */
}

void tls_conn_record(struct tls_conn *t, enum sift_tcp_dir d,
                   const uint8_t hdr[5], const uint8_t *body, size_t len,
                   int64_t ts)
{
    struct tls_dir *dir = &t->dir[d];
    t->info.side[d].records++;
    if (starts_protection(t, d, hdr[0])) {
        dir->encrypted = true;
        dir->phase = PH_PLAIN; /* the trial picks the phase */
    }
    if (dir->encrypted && !(hdr[0] == TLS_CT_CHANGE_CIPHER_SPEC &&
                            tls_conn_is13(t))) {
        if (!skippable(t, d, hdr, len))
            return protected_record(t, d, hdr, body, len, ts);
        size_t k = len < TLS_RECORD_TAIL ? len : TLS_RECORD_TAIL;
        counted(t, d, body + len - k, k, len, 0, false, ts);
        return;
    }
    tls_conn_content(t, d, hdr[0], body, len, false, ts);
}

static void on_record(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                      size_t len, int64_t ts)
{
    struct rec_ctx *r = ctx;
    tls_conn_record(r->t, r->d, hdr, body, len, ts);
}

/* --- the connection --------------------------------------------------- */

static bool on_discard(void *ctx, const uint8_t hdr[5])
{
    struct rec_ctx *r = ctx;
    return skippable(r->t, r->d, hdr, (size_t)hdr[3] << 8 | hdr[4]);
}

static void on_discarded(void *ctx, const uint8_t hdr[5], const uint8_t *tail,
                         size_t tail_len, size_t len, size_t missing,
                         int64_t ts)
{
    (void)hdr;
    struct rec_ctx *r = ctx;
    counted(r->t, r->d, tail, tail_len, len, missing, true, ts);
}

static struct tls_record_cb callbacks(struct rec_ctx *rc)
{
    return (struct tls_record_cb){rc,           on_record, tls_conn_on_damaged,
                                  tls_conn_on_candidate, on_discard, on_discarded};
}

/* The client's first record in the SSLv2 format (§E.2 of RFC 5246):
 * gathered, then fed on as the TLS ClientHello it stands for. Returns the
 * bytes of p it took. */
static size_t sslv2_hello(struct tls_conn *t, const uint8_t *p, size_t n,
                          int64_t ts, const struct tls_record_cb *cb)
{
    uint8_t head[5];
    size_t have = t->v2len < 5 ? t->v2len : 5;
    memcpy(head, t->v2buf ? t->v2buf : head, have);
    size_t more = n < 5 - have ? n : 5 - have;
    memcpy(head + have, p, more);
    int v2 = tls_sslv2_is_hello(head, have + more);
    if (v2 == 0 && t->v2len == 0) {
        t->v2_checked = true;
        return 0;
    }
    size_t want = v2 == 1 ? tls_sslv2_record_len(head) : 5;
    size_t take = want - t->v2len < n ? want - t->v2len : n;
    uint8_t *b = realloc(t->v2buf, t->v2len + take);
    if (b == NULL) {
        t->v2_checked = true;
        return 0;
    }
    t->v2buf = b;
    memcpy(b + t->v2len, p, take);
    t->v2len += take;
    if (v2 == -1 || t->v2len < want)
        return take; /* more to come */
    t->v2_checked = true;
    uint8_t *out = v2 == 1 ? malloc(TLS_SSLV2_OUT_MAX) : NULL;
    size_t len = out ? tls_sslv2_rewrite(b, t->v2len, out) : 0;
    /* Not an SSLv2 hello after all (or malformed): the bytes as they are. */
    tls_record_feed(&t->dir[SIFT_TCP_FROM_CLIENT].rd, len ? out : b,
                    len ? len : t->v2len, ts, cb);
    free(out);
    free(t->v2buf);
    t->v2buf = NULL;
    t->v2len = 0;
    return take;
}

void tls_conn_data(struct tls_conn *t, enum sift_tcp_dir d, const uint8_t *p,
                   size_t n, int64_t ts)
{
    struct rec_ctx rc = {t, d};
    struct tls_record_cb cb = callbacks(&rc);
    if (t->dir[d].eof)
        return;
    t->dir[d].stream_bytes += n;
    if (d == SIFT_TCP_FROM_CLIENT && !t->v2_checked) {
        size_t used = sslv2_hello(t, p, n, ts, &cb);
        p += used, n -= used;
        if (n == 0)
            return;
    }
    tls_record_feed(&t->dir[d].rd, p, n, ts, &cb);
}

void tls_conn_gap(struct tls_conn *t, enum sift_tcp_dir d, uint64_t n,
                  int64_t ts)
{
    struct rec_ctx rc = {t, d};
    struct tls_record_cb cb = callbacks(&rc);
    if (!t->dir[d].eof)
        tls_record_gap(&t->dir[d].rd, n, ts, &cb);
}

void tls_conn_eof(struct tls_conn *t, enum sift_tcp_dir d, int64_t ts)
{
    struct rec_ctx rc = {t, d};
    struct tls_record_cb cb = callbacks(&rc);
    if (t->dir[d].eof)
        return;
    tls_record_end(&t->dir[d].rd, ts, &cb);
    t->dir[d].eof = true;
}

struct tls_conn *tls_conn_new(struct tls_env *env,
                              const struct sift_tcp_conn *c)
{
    struct tls_conn *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->env = env;
    t->info.conn = c;
    t->info.sni = t->info.alpn_offered = t->info.alpn = "";
    t->info.ja3 = t->info.ja3_hash = t->info.ja4 = "";
    for (int d = 0; d < 2; d++) {
        tls_record_init(&t->dir[d].rd);
        tls_hs_init(&t->dir[d].hs, env->max_handshake);
    }
    return t;
}

void tls_conn_set_tcp(struct tls_conn *t, const struct sift_tcp_conn *c)
{
    t->info.conn = c;
}

const struct sift_tls_info *tls_conn_info(struct tls_conn *t)
{
    return &t->info;
}

static bool had_keys(const struct tls_conn *t, enum sift_tcp_dir d)
{
    const struct sift_tls_side *s = &t->info.side[d];
    return s->decrypted_records > 0 || s->salvaged_records > 0;
}

static enum sift_tls_outcome settle(const struct tls_conn *t)
{
    const struct sift_tls_info *i = &t->info;
    uint64_t enc = i->side[0].encrypted_records + i->side[1].encrypted_records;
    if (!i->client_hello && !i->server_hello)
        return SIFT_TLS_NO_CLIENT_HELLO;
    if (t->version != 0 && t->version < 0x0301)
        return SIFT_TLS_VERSION_UNSUPPORTED;
    if (enc == 0)
        return SIFT_TLS_NOTHING_ENCRYPTED;
    if (i->cipher_suite != 0 &&
        (t->suite == NULL || t->suite->bulk == TLS_BULK_NONE))
        return SIFT_TLS_CIPHER_UNSUPPORTED;
    if (!i->client_hello)
        return SIFT_TLS_NO_CLIENT_HELLO;
    if (!tls_conn_is13(t) && !i->server_hello)
        return SIFT_TLS_NO_SERVER_HELLO;
    bool k0 = had_keys(t, 0), k1 = had_keys(t, 1);
    bool gave_up = t->dir[0].gave_up || t->dir[1].gave_up;
    if (i->auth_failed_record != 0 && (gave_up || (!k0 && !k1)))
        return SIFT_TLS_AUTH_FAILED;
    if (!k0 && !k1)
        return SIFT_TLS_NO_KEYS;
    bool need0 = i->side[0].encrypted_records > 0;
    bool need1 = i->side[1].encrypted_records > 0;
    if ((need0 && !k0) || (need1 && !k1))
        return SIFT_TLS_ONE_DIRECTION;
    return SIFT_TLS_DECRYPTED;
}

const struct sift_tls_info *tls_conn_finish(struct tls_conn *t)
{
    if (t->finished)
        return &t->info;
    int64_t ts = t->info.conn != NULL ? t->info.conn->last_ns : 0;
    tls_conn_eof(t, SIFT_TCP_FROM_CLIENT, ts);
    tls_conn_eof(t, SIFT_TCP_FROM_SERVER, ts);
    for (int d = 0; d < 2; d++) {
        const struct tls_hs_reader *hs = &t->dir[d].hs;
        if (hs->hlen == 4 && hs->seen < hs->blen)
            tls_conn_warn(t, "the %s's handshake message of type %u claims "
                          "%u bytes; the connection ended after %u",
                          d == SIFT_TCP_FROM_CLIENT ? "client" : "server",
                          hs->hdr[0], hs->blen, hs->seen);
    }
    /* Early data never judged (no answer in the capture): it was sent. */
    tls_conn_early_decided(t, true, ts);
    t->finished = true;
    t->info.outcome = settle(t);
    struct sift_tls_stats *st = t->env->stats;
    st->connections++;
    st->by_outcome[t->info.outcome]++;
    if (t->info.outcome == SIFT_TLS_DECRYPTED)
        st->decrypted++;
    else
        st->undecrypted++;
    return &t->info;
}

void tls_conn_free(struct tls_conn *t)
{
    if (t == NULL)
        return;
    for (int d = 0; d < 2; d++) {
        struct tls_dir *dir = &t->dir[d];
        tls_record_free(&dir->rd);
        tls_hs_free(&dir->hs);
        tls_cipher_free(dir->cipher);
        tls_cipher_free(dir->pending);
        free(dir->early);
        OPENSSL_cleanse(dir->app_secret, sizeof dir->app_secret);
    }
    free(t->v2buf);
    tls_conn_hs_free(t);
    OPENSSL_cleanse(t->master, sizeof t->master);
    free(t);
}
