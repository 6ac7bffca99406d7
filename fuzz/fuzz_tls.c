/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the TLS layer as the analyzer drives it (tls_layer:
 * the TLS-or-not decision, then tls_conn: records, handshake reassembly
 * and parsing, key schedules and decryption, gap salvage and resync). Byte
 * 0 is the configuration: bits 0-1 the handshake message cap (the default
 * 256 KiB, 64, 1024, 16384), bit 2 no key log at all, bit 3 late keys (the
 * key log starts empty and gets the secrets at the first run with bit 7,
 * as a Decryption Secrets Block read mid-file would), bit 4 tls_conn
 * driven directly, every connection taken as TLS, with a session cache of
 * 64 (so that it fills; and the layer's cache of 65536 sessions, cleared
 * and wiped per input, costs more than most inputs), bit 5 (with the
 * layer) a consumer that only counts the server's bytes, so its records
 * are counted without being decrypted. The rest is a script
 * of runs, each one control byte and a length of 1 byte (2, big-endian,
 * with bit 6), then that many bytes of one direction: bit 0 from the
 * server; bit 1 a gap of that length instead (times 65536 with bit 7);
 * bit 2 a FIN of that direction after it; bits 3-4 which of four
 * connections; bit 5 that connection ends after it (its slot then starts
 * a new one). fuzz/make_tls_corpus.py writes seeds in this form from the
 * captures in testdata/tls/, whose key logs are compiled in (fuzz_tls_keys.h)
 * so that their records decrypt; SIFT_FUZZ_TLS_KEYLOG=FILE adds a key log
 * for other seeds. Every byte handed on is read, every run is an exact-size
 * copy, and the plaintext handed on must add up to what the description
 * says. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_tls_keys.h"
#include "tls_conn.h"
#include "tls_crypto.h"
#include "tls_layer.h"

#define SLOTS 4
#define SESSIONS 64 /* the session cache of the tls_conn driver */

static volatile uint32_t sink;

struct run {
    struct sift_tcp_conn conn[SLOTS];
    bool live[SLOTS];
    uint64_t plain[SLOTS][2]; /* plaintext bytes handed on, by direction */
    struct tls_layer *layer;  /* one driver or the other */
    struct tls_env env;
    struct tls_conn *tc[SLOTS];
    struct sift_tls_stats stats;
};

static void touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; b != NULL && i < n; i++)
        sink += b[i];
}

static void touch_str(const char *s)
{
    if (s == NULL)
        abort(); /* the description's strings are never NULL */
    touch(s, strlen(s));
}

static int slot_of(struct run *r, const struct sift_tcp_conn *c)
{
    for (int i = 0; i < SLOTS; i++)
        if (c == &r->conn[i])
            return i;
    abort(); /* a connection that is not ours */
}

static void on_data(void *ctx, const struct sift_tcp_conn *c,
                    const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                    const uint8_t *data, size_t len, int64_t ts)
{
    struct run *r = ctx;
    int s = slot_of(r, c);
    (void)ts;
    if (dir != SIFT_TCP_FROM_CLIENT && dir != SIFT_TCP_FROM_SERVER)
        abort();
    touch(data, len);
    if (tls != NULL && data != NULL)
        r->plain[s][dir] += len;
}

/* Bit 5 of the configuration: the consumer only counts the server's
 * bytes, so records are counted, not decrypted (tls_conn.c's skippable). */
static uint64_t on_countable(void *ctx, const struct sift_tcp_conn *c,
                             enum sift_tcp_dir dir)
{
    slot_of(ctx, c);
    return dir == SIFT_TCP_FROM_SERVER ? UINT64_MAX / 2 : 0;
}

static void on_count(void *ctx, const struct sift_tcp_conn *c,
                     const struct sift_tls_info *tls, enum sift_tcp_dir dir,
                     uint64_t n, int64_t ts)
{
    struct run *r = ctx;
    (void)ts;
    if (tls == NULL || dir != SIFT_TCP_FROM_SERVER)
        abort(); /* only what was said to be countable */
    r->plain[slot_of(r, c)][dir] += n;
}

static void on_close(void *ctx, const struct sift_tcp_event *e)
{
    slot_of(ctx, e->conn);
}

static void on_end(void *ctx, const struct sift_tcp_conn *c)
{
    slot_of(ctx, c);
}

static void check_side(const struct sift_tls_side *s, uint64_t plain)
{
    if (s->plaintext_bytes != plain)
        abort(); /* the bytes handed on and the count differ */
    if (s->decrypted_records + s->salvaged_records > s->encrypted_records ||
        s->encrypted_records > s->records)
        abort();
}

static void on_connection(void *ctx, const struct sift_tls_info *t)
{
    struct run *r = ctx;
    int s = slot_of(r, t->conn);
    touch_str(t->sni);
    touch_str(t->alpn_offered);
    touch_str(t->alpn);
    touch_str(t->ja3);
    touch_str(t->ja3_hash);
    touch_str(t->ja4);
    if (t->cert.present) {
        touch_str(t->cert.subject);
        touch_str(t->cert.issuer);
        touch_str(t->cert.subject_cn);
        touch_str(t->cert.issuer_cn);
        touch_str(t->cert.san);
    }
    if (t->alert_count > SIFT_TLS_MAX_ALERTS ||
        t->alert_count > t->alerts_total ||
        t->offered_version_count > SIFT_TLS_MAX_VERSIONS ||
        t->outcome < SIFT_TLS_DECRYPTED ||
        t->outcome > SIFT_TLS_NOTHING_ENCRYPTED)
        abort();
    touch_str(sift_tls_outcome_name(t->outcome));
    for (int d = 0; d < 2; d++)
        check_side(&t->side[d], r->plain[s][d]);
}

static void on_warning(void *ctx, const struct sift_warning *w)
{
    (void)ctx;
    touch_str(w->message);
}

static void on_deliver(void *ctx, const struct sift_tls_info *t,
                       enum sift_tcp_dir dir, const uint8_t *p, size_t n,
                       int64_t ts)
{
    on_data(ctx, t->conn, t, dir, p, n, ts);
}

/* --- the two drivers: tls_layer, or tls_conn alone ------------------- */

static void drive_data(struct run *r, int s, enum sift_tcp_dir dir,
                       const uint8_t *p, size_t n, int64_t ts)
{
    struct sift_tcp_conn *c = &r->conn[s];
    if (r->layer != NULL) {
        tls_layer_data(r->layer, c, dir, p, n, ts);
        return;
    }
    if (r->tc[s] == NULL && (r->tc[s] = tls_conn_new(&r->env, c)) == NULL)
        return;
    tls_conn_set_tcp(r->tc[s], c);
    if (p != NULL)
        tls_conn_data(r->tc[s], dir, p, n, ts);
    else
        tls_conn_gap(r->tc[s], dir, n, ts);
}

static void drive_fin(struct run *r, int s, enum sift_tcp_dir dir, int64_t ts)
{
    struct sift_tcp_event e = {SIFT_TCP_EV_CLOSE, &r->conn[s], dir, ts, 0, 0};
    if (r->layer != NULL)
        tls_layer_event(r->layer, &e);
    else if (r->tc[s] != NULL)
        tls_conn_eof(r->tc[s], dir, ts);
}

static void drive_end(struct run *r, int s)
{
    if (r->layer != NULL) {
        tls_layer_end(r->layer, &r->conn[s]);
        return;
    }
    if (r->tc[s] == NULL)
        return;
    on_connection(r, tls_conn_finish(r->tc[s]));
    tls_conn_free(r->tc[s]);
    r->tc[s] = NULL;
}

static bool drivers_new(struct run *r, uint8_t cfg, struct sift_keylog *keys)
{
    static const uint32_t caps[4] = {0, 64, 1024, 16384};
    if (!(cfg & 16)) {
        struct sift_tls_options opt = {caps[cfg & 3]};
        struct tls_layer_cb cb = {r, on_data, on_close, on_end,
                                  on_connection, on_warning, NULL, NULL, NULL};
        if (cfg & 32) {
            cb.countable = on_countable;
            cb.count = on_count;
        }
        r->layer = tls_layer_new(&opt, keys, &cb);
        return r->layer != NULL;
    }
    struct tls_env *e = &r->env;
    e->keys = keys;
    e->sessions = tls_session_cache_new(SESSIONS);
    e->max_handshake = caps[cfg & 3] ? caps[cfg & 3] : 256u << 10;
    e->scratch = malloc(2 * (size_t)TLS_MAX_CIPHERTEXT);
    e->stats = &r->stats;
    e->ctx = r;
    e->deliver = on_deliver;
    e->warn = on_warning;
    return e->sessions != NULL && e->scratch != NULL;
}

static const struct sift_tls_stats *drivers_free(struct run *r)
{
    const struct sift_tls_stats *st = &r->stats;
    if (r->layer != NULL) {
        r->stats = *tls_layer_stats(r->layer);
        tls_layer_free(r->layer);
    }
    tls_session_cache_free(r->env.sessions);
    free(r->env.scratch);
    return st;
}

/* The compiled-in key log (and SIFT_FUZZ_TLS_KEYLOG), parsed once. */
static void add_keys(struct sift_keylog *k)
{
    sift_keylog_add_text(k, fuzz_tls_keys, sizeof fuzz_tls_keys - 1,
                         "fuzz_tls_keys.h", NULL, NULL);
    const char *extra = getenv("SIFT_FUZZ_TLS_KEYLOG");
    struct sift_error err;
    if (extra != NULL && *extra != '\0')
        sift_keylog_load_file(k, extra, NULL, NULL, &err);
}

static struct sift_keylog *shared_keys(void)
{
    static struct sift_keylog *keys;
    if (keys == NULL && (keys = sift_keylog_new(NULL)) != NULL)
        add_keys(keys);
    return keys;
}

static void start(struct run *r, int s, uint64_t *next_id, int64_t ts)
{
    struct sift_tcp_conn *c = &r->conn[s];
    memset(c, 0, sizeof *c);
    c->id = (*next_id)++;
    c->handshake_rtt_ns = -1;
    c->state = SIFT_TCP_ESTABLISHED;
    c->start_ns = c->last_ns = ts;
    r->plain[s][0] = r->plain[s][1] = 0;
    r->live[s] = true;
}

static void end(struct run *r, int s, int64_t ts)
{
    if (!r->live[s])
        return;
    r->conn[s].last_ns = ts;
    drive_end(r, s);
    r->live[s] = false;
}

/* Runs the script after the configuration byte. */
static void play(struct run *r, struct sift_keylog *late, const uint8_t *data,
                 size_t size)
{
    size_t at = 0;
    int64_t ts = 0;
    uint64_t next_id = 1;
    while (at < size) {
        uint8_t ctl = data[at++];
        size_t width = ctl & 64 ? 2 : 1;
        if (size - at < width)
            break;
        size_t len = width == 2 ? (size_t)data[at] << 8 | data[at + 1]
                                : data[at];
        at += width;
        int s = ctl >> 3 & 3;
        enum sift_tcp_dir dir = ctl & 1 ? SIFT_TCP_FROM_SERVER
                                        : SIFT_TCP_FROM_CLIENT;
        ts += 1000;
        if (!r->live[s])
            start(r, s, &next_id, ts);
        struct sift_tcp_conn *c = &r->conn[s];
        c->last_ns = ts;
        if (ctl & 2) {
            uint64_t gap = (uint64_t)len << (ctl & 128 ? 16 : 0);
            c->side[dir].gaps++;
            c->side[dir].gap_bytes += gap;
            if (gap > 0)
                drive_data(r, s, dir, NULL, (size_t)gap, ts);
        } else {
            if (len > size - at)
                len = size - at;
            if ((ctl & 128) && late != NULL)
                add_keys(late);
            uint8_t *copy = malloc(len ? len : 1); /* exact size */
            if (copy == NULL)
                break;
            memcpy(copy, data + at, len);
            at += len;
            c->side[dir].stream_bytes += len;
            if (len > 0)
                drive_data(r, s, dir, copy, len, ts);
            free(copy);
        }
        if (ctl & 4) {
            c->side[dir].fin = true;
            drive_fin(r, s, dir, ts);
        }
        if (ctl & 32)
            end(r, s, ts);
    }
    for (int s = 0; s < SLOTS; s++)
        end(r, s, ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t cfg = data[0];
    struct sift_keylog *late = NULL, *keys = NULL;
    if (cfg & 8)
        keys = late = sift_keylog_new(NULL);
    else if (!(cfg & 4))
        keys = shared_keys();
    struct run *r = calloc(1, sizeof *r);
    if (r != NULL && drivers_new(r, cfg, keys))
        play(r, late, data + 1, size - 1);
    if (r != NULL) {
        const struct sift_tls_stats *st = drivers_free(r);
        if (st->decrypted + st->undecrypted != st->connections)
            abort();
    }
    free(r);
    sift_keylog_free(late);
    return 0;
}
