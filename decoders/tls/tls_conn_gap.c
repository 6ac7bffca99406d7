/* SPDX-License-Identifier: MIT */
/* A TLS connection after a capture gap: the bytes of a record around a
 * hole decrypted from the keystream (unauthenticated) and the lost part
 * handed on as a gap of its size, and, when a header was lost, the next
 * record found by trial decryption over the likely sequence numbers
 * within a budget. Part of tls_conn.c's connection (tls_conn_internal.h).
 */
#include "tls_conn_internal.h"

#include <string.h>

#include "tls_crypto.h"
#include "tls_suites.h"

/* Sequence numbers tried for a resync candidate: first near the estimate
 * from the bytes skipped, then outwards; at most this many in all. */
#define MAX_SEQ_TRIALS 1024
/* Bytes of trial decryption allowed per direction: 16 MiB, and 64 more
 * for each byte the direction carried (see struct tls_dir). */
#define TRIAL_BUDGET_BASE (16u << 20)
#define TRIAL_BUDGET_PER_BYTE 64u
#define NEAR_WINDOW 32

/* --- damaged records: the bytes around a hole ------------------------- */

/* Plaintext length and inner type of a salvaged record, from its
 * decrypted tail when the tail is there (pt holds the payload). */
static size_t salvage_length(struct tls_conn *t, struct tls_dir *dir,
                             const uint8_t *pt, size_t len, bool tail,
                             uint8_t *type)
{
    struct tls_cipher *c = dir->cipher;
    const struct tls_suite *s = tls_cipher_suite(c);
    size_t pre = tls_cipher_prefix(c), suf = tls_cipher_suffix(c);
    if (len < pre + suf + 1)
        return 0;
    size_t room = len - pre - suf;
    if (tls_suite_is_aead(s)) {
        if (!tls_conn_is13(t) || t->version == 0x0303)
            return room;
        if (!tail)
            return room - 1; /* no padding, application data: the usual */
        size_t n = room;
        while (n > 0 && pt[n - 1] == 0)
            n--;
        *type = n > 0 ? pt[n - 1] : 0;
        return n > 0 ? n - 1 : 0;
    }
    if (!tls_suite_is_cbc(s))
        return room;
    /* CBC: the padding (and, MAC-then-encrypt, the MAC) end the
     * decrypted bytes; without the tail, minimal padding is assumed. */
    if (!tail && tls_conn_known_size(dir, len) > 0)
        return tls_conn_known_size(dir, len);
    size_t ct = len - pre - (tls_cipher_etm(c) ? suf : 0);
    size_t mac = tls_cipher_etm(c) ? 0 : suf;
    size_t pad = tail ? (size_t)pt[ct - 1] + 1 : 1;
    return ct >= pad + mac ? ct - pad - mac : 0;
}

void tls_conn_on_damaged(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                       size_t len, const struct tls_piece *pieces,
                       size_t npieces, int64_t ts)
{
    struct rec_ctx *r = ctx;
    struct tls_conn *t = r->t;
    enum sift_tcp_dir d = r->d;
    struct tls_dir *dir = &t->dir[d];
    t->info.side[d].records++;
    tls_hs_gap(&dir->hs);
    if (!dir->encrypted || dir->cipher == NULL || dir->gave_up) {
        if (dir->encrypted)
            t->info.side[d].encrypted_records++;
        t->info.side[d].lost_records++;
        if (dir->cipher != NULL)
            dir->seq++;
        return;
    }
    t->info.side[d].encrypted_records++;
    uint64_t seq = dir->seq++;
    uint8_t *pt = t->env->scratch;
    memset(pt, 0, len);
    bool tail = false;
    size_t got = 0;
    struct tls_piece out[TLS_MAX_PIECES];
    for (size_t i = 0; i < npieces; i++) {
        size_t off = 0;
        size_t m = tls_cipher_salvage(dir->cipher, seq, body, pieces[i].from,
                                      pieces[i].to, len, pt + len, &off);
        if (m == 0)
            continue;
        memcpy(pt + off, pt + len, m);
        out[got++] = (struct tls_piece){(uint32_t)off, (uint32_t)(off + m)};
        tail = pieces[i].to == len;
    }
    /* TLS 1.3's inner type is read from the tail (when present). */
    uint8_t type = tls_conn_is13(t) && t->version != 0x0303
                       ? TLS_CT_APPLICATION_DATA
                       : hdr[0];
    size_t pt_len = salvage_length(t, dir, pt, len, tail, &type);
    if (type != TLS_CT_APPLICATION_DATA || got == 0) {
        tls_conn_count_lost(t, d, len, ts);
        return;
    }
    t->info.side[d].salvaged_records++;
    if (tail)
        tls_conn_learn_size(dir, len, pt_len);
    size_t pos = 0;
    for (size_t i = 0; i < got && pos < pt_len; i++) {
        size_t a = out[i].from, b = out[i].to < pt_len ? out[i].to : pt_len;
        if (a >= b)
            continue;
        if (a > pos)
            tls_conn_deliver(t, d, NULL, a - pos, ts);
        else
            a = pos;
        tls_conn_deliver(t, d, pt + a, b - a, ts);
        pos = b;
    }
    if (pos < pt_len)
        tls_conn_deliver(t, d, NULL, pt_len - pos, ts);
}

/* --- finding the records again after a gap ---------------------------- */

/* The next sequence number to try for a candidate: the explicit nonce,
 * then outwards from the estimate, then every other one up to the cap. */
struct seq_walk {
    uint64_t base, est, max, tried;
    uint64_t hint;
    bool has_hint;
    int step;
};

static bool seq_next(struct seq_walk *w, uint64_t *k)
{
    for (;;) {
        if (w->tried >= MAX_SEQ_TRIALS)
            return false;
        int s = w->step++;
        uint64_t v;
        if (s == 0) {
            if (!w->has_hint)
                continue;
            v = w->hint;
        } else if (s <= 2 * NEAR_WINDOW + 1) {
            int64_t off = (s % 2 ? 1 : -1) * (int64_t)(s / 2);
            if ((int64_t)w->est + off < 0)
                continue;
            v = (uint64_t)((int64_t)w->est + off);
        } else {
            v = (uint64_t)(s - 2 * NEAR_WINDOW - 2);
            if (v > w->max)
                return false; /* the far walk only climbs */
            if (v + NEAR_WINDOW >= w->est && v <= w->est + NEAR_WINDOW)
                continue; /* tried near the estimate */
        }
        if (v > w->max || (s > 0 && w->has_hint && v == w->hint))
            continue;
        w->tried++;
        *k = v;
        return true;
    }
}

/* Trial decryption of a candidate record with the current keys; the
 * number of records skipped in *k when it authenticates. */
static bool find_seq(struct tls_conn *t, struct tls_dir *dir,
                     const uint8_t hdr[5], const uint8_t *body, size_t len,
                     uint64_t skipped, uint64_t *k, uint8_t *out,
                     size_t *out_len, uint8_t *type)
{
    size_t ovh = tls_cipher_overhead(dir->cipher);
    uint64_t avg = dir->enc_count ? dir->enc_bytes / dir->enc_count : 0;
    if (avg < 22)
        avg = 5 + TLS_MAX_PLAINTEXT + 22;
    struct seq_walk w = {0};
    w.est = (skipped + avg / 2) / avg;
    w.max = skipped / (ovh > 0 ? ovh + 1 : 22);
    uint64_t hint;
    if (tls_cipher_explicit_seq(dir->cipher, body, len, &hint) &&
        hint >= dir->seq && hint - dir->seq <= w.max) {
        w.hint = hint - dir->seq;
        w.has_hint = true;
    }
    while (seq_next(&w, k)) {
        if (dir->trial_bytes + len > TRIAL_BUDGET_BASE +
                                         TRIAL_BUDGET_PER_BYTE *
                                             dir->stream_bytes)
        {
            if (!dir->warned_budget) {
                dir->warned_budget = true;
                tls_conn_warn(t, "%s records after a gap: the trial "
                              "decryption budget is spent; records are "
                              "skipped until the stream has carried more",
                              dir == &t->dir[SIFT_TCP_FROM_CLIENT]
                                  ? "client"
                                  : "server");
            }
            return false; /* over the budget: no more trials for now */
        }
        dir->trial_bytes += len;
        if (tls_cipher_open(dir->cipher, dir->seq + *k, hdr, body, len, out,
                            out_len, type) == TLS_OPEN_OK)
            return true;
    }
    return false;
}

/* Plaintext bytes lost with k records over `skipped` stream bytes. */
static uint64_t lost_plaintext(const struct tls_dir *dir, uint64_t skipped,
                               uint64_t k)
{
    size_t ovh = tls_cipher_overhead(dir->cipher);
    if (ovh == 0) { /* CBC: the padding varies */
        /* Lost records as long as one decrypted before: exact. Else the
         * longest known record's overhead, or half a block of padding. */
        const struct tls_size *big = NULL;
        for (unsigned i = 0; i < TLS_SIZES_KEPT; i++) {
            const struct tls_size *z = &dir->sizes[i];
            if (z->ct > 0 && k > 0 && skipped == k * (z->ct + 5))
                return k * z->pt;
            if (z->ct > 0 && (big == NULL || z->ct > big->ct))
                big = z;
        }
        ovh = big ? big->ct + 5 - big->pt
                  : 5 + tls_cipher_prefix(dir->cipher) +
                        tls_cipher_suffix(dir->cipher) + 8;
    }
    return skipped > k * ovh ? skipped - k * ovh : 0;
}

int tls_conn_on_candidate(void *ctx, const uint8_t hdr[5], const uint8_t *body,
                        size_t len, uint64_t skipped, int chain, int64_t ts)
{
    struct rec_ctx *r = ctx;
    struct tls_conn *t = r->t;
    enum sift_tcp_dir d = r->d;
    struct tls_dir *dir = &t->dir[d];
    if (!dir->encrypted || dir->cipher == NULL || dir->gave_up) {
        /* No keys to tell: the framing's own evidence decides. */
        if (chain != 1)
            return chain == 0 ? 0 : -1;
        t->info.side[d].resyncs++;
        tls_conn_record(t, d, hdr, body, len, ts);
        return 1;
    }
    if (tls_conn_is13(t) && hdr[0] != TLS_CT_APPLICATION_DATA)
        return 0;
    uint64_t k;
    uint8_t *out = t->env->scratch, type;
    size_t out_len;
    if (!find_seq(t, dir, hdr, body, len, skipped, &k, out, &out_len, &type))
        return 0;
    struct sift_tls_side *side = &t->info.side[d];
    side->resyncs++;
    side->lost_records += k;
    side->records++;
    side->encrypted_records++;
    side->decrypted_records++;
    uint64_t lost = lost_plaintext(dir, skipped, k);
    if (lost > 0 && (dir->phase != PH_EARLY || t->info.early_data_accepted))
        tls_conn_deliver(t, d, NULL, (size_t)lost, ts);
    dir->seq += k + 1;
    dir->fail_streak = 0;
    tls_conn_content(t, d, type, out, out_len, true, ts);
    tls_conn_apply_switch(t, d);
    return 1;
}

