/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: writes deterministic TLS test captures with their key logs.
 *
 *   tlsgen [--seg N] [--drop K[,K...]] [--conns N] [--body BYTES] [--mix]
 *          [--h2] SCENARIO OUTDIR
 *   tlsgen --list
 *
 * A real OpenSSL client and a real OpenSSL server run in this process,
 * joined by memory BIOs. Every flight of bytes one of them writes is cut
 * into TCP segments of a synthetic connection and queued as Ethernet/IPv4
 * frames (tlsgen_net.c), then handed to the peer's read BIO. The traffic is
 * HTTP/1.1 (tlsgen_http.c). Randomness and the clock OpenSSL sees are
 * deterministic (tlsgen_tls.c), so the same command gives byte-identical
 * files:
 *
 *   OUTDIR/SCENARIO.pcap      classic pcap, Ethernet, starts 2026-01-01
 *   OUTDIR/SCENARIO.keys      NSS key log (the client's SSLKEYLOGFILE)
 *   OUTDIR/SCENARIO.expected  one row per HTTP transaction
 *   OUTDIR/SCENARIO.gaps      segments left out of the capture, if any
 *   plus SCENARIO.first.keys (resume-*), SCENARIO.partial.keys
 *   (one-direction-keys), SCENARIO.openssl.keys (keyupdate: also OpenSSL's
 *   non-standard *_TRAFFIC_SECRET_N lines) and big-clear.pcap (big).
 *
 * big --mix (bench/tls.sh) varies what big's connections carry: TLS 1.3 and
 * 1.2 with AES-GCM and ChaCha20 (mix_suites), 1 to 8 transactions of
 * web-like sizes each (mix_tx); --body is then not used.
 *
 * big --h2 (bench/h2.sh) also writes big-h2.pcap and big-h2.keys: every
 * connection of big once more, with the same suite and the same
 * transactions, as HTTP/2 with ALPN "h2" (tlsgen_h2.c). They run after
 * all of big's other connections (OpenSSL keeps state across connections,
 * such as RSA blinding), so big.pcap, big.keys, big-clear.pcap and
 * big.expected are the same bytes with --h2 as without.
 *
 * After every connection both byte streams are parsed back and compared with
 * the plan, and at the end the pcap is read back and checked (checksums,
 * lengths, timestamps, each direction's bytes).
 */
#include "tlsgen.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#define F_EC_ONLY 0x01u  /* server has only the ECDSA certificate */
#define F_NOTICKET 0x02u /* no session tickets (smaller handshakes) */
#define F_FRAG512 0x04u  /* max_send_fragment 512 on both sides */
#define F_MFL512 0x08u   /* client asks max_fragment_length 512 */
#define F_PAD256 0x10u   /* TLS 1.3 record padding to 256-byte blocks */
#define F_HRR 0x20u      /* client key share X25519, server only P-256 */
#define F_ONEDIR 0x40u   /* also SCENARIO.partial.keys */

/* ---- traffic plans ------------------------------------------------- */

static uint64_t seed_for(const struct run *r, int conn, unsigned k)
{
    return seed_of(r->sc->name, (unsigned)conn * 100u + k);
}

/* Makes the transactions a connection of a given plan carries. */
static size_t plan_txs(const struct run *r, enum plan p, int conn,
                       struct tx **out)
{
    size_t n = 0, big;
    switch (p) {
    case PLAN_DEFAULT:
        out[n++] = tx_get("/", 1200, BODY_TEXT, 0, seed_for(r, conn, 0));
        out[n++] =
            tx_post("/api/items", 300, 201, 2100, 700, seed_for(r, conn, 1));
        out[n++] = tx_get("/blob.bin", 8000, BODY_BIN, 0, seed_for(r, conn, 2));
        break;
    case PLAN_SMALL:
        out[n++] =
            tx_get("/small.txt", 3000, BODY_TEXT, 0, seed_for(r, conn, 0));
        break;
    case PLAN_GAP:
        out[n++] = tx_get("/", 600, BODY_TEXT, 0, seed_for(r, conn, 0));
        /* 100000 bytes: 6 full-size records; gaps-many needs 8 */
        big = r->sc->gap == GAP_MANY ? 140000 : 100000;
        out[n++] = tx_get("/large.bin", r->body ? r->body : big, BODY_BIN, 0,
                          seed_for(r, conn, 1));
        out[n++] =
            tx_get("/after.txt", 900, BODY_TEXT, 300, seed_for(r, conn, 2));
        break;
    case PLAN_BULK:
        out[n++] =
            tx_get("/bulk.bin", 90000, BODY_BIN, 0, seed_for(r, conn, 0));
        out[n++] = tx_post("/upload", 12000, 200, 64, 0, seed_for(r, conn, 1));
        out[n++] =
            tx_get("/end.txt", 5000, BODY_TEXT, 1000, seed_for(r, conn, 2));
        break;
    }
    return n;
}

/* The TLS options a scenario's fields stand for. */
static void opts_of(const struct scen *sc, struct tlsopt *o)
{
    static const int vers[] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
                               TLS1_3_VERSION};
    tlsopt_default(o);
    o->minv = o->maxv = vers[sc->ver - 10];
    if (sc->ver == 13)
        o->suites_c = o->suites_s = sc->suite;
    else
        o->ciphers_c = o->ciphers_s = sc->suite;
    if (sc->ver < 12)
        o->seclevel = 0; /* TLS 1.0 and 1.1 need security level 0 in 3.0 */
    o->opt_c = o->opt_s = sc->opt;
    if (sc->flags & F_EC_ONLY)
        o->certs = CERT_EC;
    if (sc->flags & F_NOTICKET) {
        o->num_tickets = 0;
        o->opt_c |= SSL_OP_NO_TICKET;
        o->opt_s |= SSL_OP_NO_TICKET;
    }
    if (sc->flags & F_FRAG512)
        o->max_frag = 512;
    if (sc->flags & F_MFL512)
        o->mfl = TLSEXT_max_fragment_length_512;
    if (sc->flags & F_PAD256)
        o->block_pad = 256;
    if (sc->flags & F_HRR) {
        o->groups_c = "X25519:P-256";
        o->groups_s = "P-256";
    }
}

static void ctx_for(struct run *r, const struct tlsopt *o)
{
    tlsctx_new(&r->ctx, o, &r->log);
}

/* Runs the plan's transactions over an open, handshaken connection. */
static void run_plan(struct conn *c, enum plan p)
{
    struct tx *t[16];
    size_t n = plan_txs(c->r, p, c->tcp.index, t);
    c->coalesce = p == PLAN_BULK;
    for (size_t i = 0; i < n; i++)
        conn_tx(c, t[i]);
}

/* Counts the records of a type in one direction. */
static size_t count_records(const struct tcpdir *d, unsigned type)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nrecs; i++)
        n += d->recs[i].type == type;
    return n;
}

/* ---- scenario runners ---------------------------------------------- */

/* One connection: handshake, the plan, close. */
static void run_basic(struct run *r)
{
    struct tlsopt o;
    struct conn c;
    opts_of(r->sc, &o);
    ctx_for(r, &o);
    conn_open(&c, r, &r->net, 0, 1);
    conn_handshake(&c);
    run_plan(&c, r->sc->plan);
    conn_close(&c);
    if (r->sc->flags & F_HRR) {
        /* a HelloRetryRequest makes the client send two ClientHellos */
        tcp_parse_records(&c.tcp.d[CLI]);
        if (count_records(&c.tcp.d[CLI], 22) != 2)
            die("no HelloRetryRequest happened");
    }
    if (r->sc->flags & (F_MFL512 | F_FRAG512)) {
        tcp_parse_records(&c.tcp.d[SRV]);
        for (size_t i = 0; i < c.tcp.d[SRV].nrecs; i++)
            if (c.tcp.d[SRV].recs[i].len > 5 + 512 + 256)
                die("a record is larger than the 512-byte fragment limit");
    }
    conn_end(&c);
}

/* TLS 1.2 renegotiation started by `who` (full or abbreviated). */
static void renegotiate(struct conn *c, int who, int abbreviated)
{
    SSL *a = c->sd[who].ssl, *b = c->sd[1 - who].ssl;
    int i;
    if (!(abbreviated ? SSL_renegotiate_abbreviated(a) : SSL_renegotiate(a)))
        die_ssl("SSL_renegotiate");
    if (SSL_do_handshake(a) <= 0 && SSL_get_error(a, 0) != SSL_ERROR_WANT_READ)
        die_ssl("SSL_do_handshake (renegotiation)");
    conn_flush(c, who);
    for (i = 0; i < 32; i++) {
        side_pull(c, 1 - who);
        conn_flush(c, 1 - who);
        side_pull(c, who);
        conn_flush(c, who);
        if (!SSL_renegotiate_pending(a) && !SSL_in_init(a) && !SSL_in_init(b))
            break;
    }
    if (i == 32)
        die("renegotiation did not finish");
}

static void run_reneg(struct run *r)
{
    struct tlsopt o;
    struct conn c;
    struct tx *t[16];
    opts_of(r->sc, &o);
    o.opt_s |= SSL_OP_ALLOW_CLIENT_RENEGOTIATION;
    ctx_for(r, &o);
    conn_open(&c, r, &r->net, 0, 1);
    conn_handshake(&c);
    plan_txs(r, PLAN_DEFAULT, 1, t);
    conn_tx(&c, t[0]);
    renegotiate(&c, CLI, 0); /* client-initiated, full handshake */
    conn_tx(&c, t[1]);
    /* server-initiated: HelloRequest; a full handshake (the client would
     * otherwise offer its session and the server resume it) */
    SSL_set_options(c.sd[SRV].ssl,
                    SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    renegotiate(&c, SRV, 0);
    SSL_clear_options(c.sd[SRV].ssl,
                      SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    conn_tx(&c, t[2]);
    renegotiate(&c, CLI, 1); /* client-initiated, abbreviated (resumed) */
    conn_tx(&c, tx_get("/after-renegotiation.txt", 700, BODY_TEXT, 0,
                       seed_for(r, 1, 9)));
    if (SSL_total_renegotiations(c.sd[CLI].ssl) < 2)
        die("renegotiations did not happen");
    conn_close(&c);
    conn_end(&c);
}

/* A TLS 1.3 KeyUpdate from `who`; a requested one is answered at once. */
static void key_update(struct conn *c, int who, int type, int flush)
{
    SSL *a = c->sd[who].ssl;
    if (!SSL_key_update(a, type) || SSL_do_handshake(a) != 1)
        die_ssl("SSL_key_update");
    if (!flush)
        return;
    conn_flush(c, who);
    side_pull(c, 1 - who);
    if (type == SSL_KEY_UPDATE_REQUESTED) {
        /* the peer's own KeyUpdate, sent now rather than with its data */
        if (SSL_do_handshake(c->sd[1 - who].ssl) != 1)
            die_ssl("SSL_do_handshake (answering KeyUpdate)");
        conn_flush(c, 1 - who);
        side_pull(c, who);
    }
    conn_flush(c, who);
}

/* The k-th GET of the keyupdate scenario. */
static void ku_tx(struct conn *c, int *k)
{
    char target[32];
    snprintf(target, sizeof target, "/ku/%d.txt", *k + 1);
    conn_tx(c, tx_get(target, 900 + 100 * (size_t)*k, BODY_TEXT, 0,
                      seed_for(c->r, 1, (unsigned)*k)));
    (*k)++;
}

static void run_keyupdate(struct run *r)
{
    struct tlsopt o;
    struct conn c;
    int k = 0;
    opts_of(r->sc, &o);
    ctx_for(r, &o);
    conn_open(&c, r, &r->net, 0, 1);
    conn_handshake(&c);
    ku_tx(&c, &k);
    key_update(&c, CLI, SSL_KEY_UPDATE_NOT_REQUESTED, 1);
    ku_tx(&c, &k);
    key_update(&c, SRV, SSL_KEY_UPDATE_NOT_REQUESTED, 1);
    ku_tx(&c, &k);
    key_update(&c, CLI, SSL_KEY_UPDATE_REQUESTED, 1);
    ku_tx(&c, &k);
    key_update(&c, SRV, SSL_KEY_UPDATE_REQUESTED, 1);
    ku_tx(&c, &k);
    /* three in a row from the client, in one segment */
    key_update(&c, CLI, SSL_KEY_UPDATE_NOT_REQUESTED, 0);
    key_update(&c, CLI, SSL_KEY_UPDATE_NOT_REQUESTED, 0);
    key_update(&c, CLI, SSL_KEY_UPDATE_NOT_REQUESTED, 1);
    ku_tx(&c, &k);
    /* two in a row from the server, then one it requests */
    key_update(&c, SRV, SSL_KEY_UPDATE_NOT_REQUESTED, 0);
    key_update(&c, SRV, SSL_KEY_UPDATE_NOT_REQUESTED, 1);
    key_update(&c, SRV, SSL_KEY_UPDATE_REQUESTED, 1);
    ku_tx(&c, &k);
    conn_close(&c);
    conn_end(&c);
}

/* First connection of a resumption scenario: full handshake, one GET. */
static void first_conn(struct run *r, size_t body)
{
    struct conn c;
    conn_open(&c, r, &r->net, 0, 1);
    conn_handshake(&c);
    conn_tx(&c, tx_get("/first.txt", body, BODY_TEXT, 0, seed_for(r, 1, 0)));
    conn_close(&c);
    conn_end(&c);
    if (!r->ctx.nsess)
        die("the first connection gave the client no session");
}

static void run_resume(struct run *r)
{
    struct tlsopt o;
    int tls13 = r->sc->ver == 13;
    opts_of(r->sc, &o);
    ctx_for(r, &o);
    first_conn(r, 1500);
    for (int i = 2; i <= 3; i++) {
        struct conn c;
        /* TLS 1.3: a ticket each from the first connection's two */
        SSL_SESSION *s = r->ctx.sess[tls13 && r->ctx.nsess > 1 ? i - 2 : 0];
        conn_open(&c, r, &r->net, 0, i);
        if (!SSL_set_session(c.sd[CLI].ssl, s))
            die_ssl("SSL_set_session");
        conn_handshake(&c);
        if (!SSL_session_reused(c.sd[CLI].ssl))
            die("conn %d did not resume", i);
        run_plan(&c, PLAN_DEFAULT);
        conn_close(&c);
        conn_end(&c);
    }
}

static int refuse_early_data(SSL *s, void *arg)
{
    (void)s;
    (void)arg;
    return 0;
}

/* TLS 1.3 0-RTT: a request as early data on a resumed connection. */
static void run_early(struct run *r)
{
    int accept = strcmp(r->sc->name, "early-data-accepted") == 0;
    struct tlsopt o;
    struct conn c;
    struct tx *t;
    SSL *cs, *ss;
    size_t w;
    int i, st;
    opts_of(r->sc, &o);
    o.max_early = 16384;
    ctx_for(r, &o);
    first_conn(r, 1000);
    if (SSL_SESSION_get_max_early_data(r->ctx.sess[0]) == 0)
        die("the ticket does not allow early data");

    conn_open(&c, r, &r->net, 0, 2);
    cs = c.sd[CLI].ssl;
    ss = c.sd[SRV].ssl;
    if (!SSL_set_session(cs, r->ctx.sess[0]))
        die_ssl("SSL_set_session");
    /* rejecting: the server resumes the session but refuses the 0-RTT
     * data (its allow_early_data callback says no) */
    if (!accept)
        SSL_set_allow_early_data_cb(ss, refuse_early_data, NULL);
    t = tx_get("/early.txt", 2000, BODY_TEXT, 0, seed_for(r, 2, 0));
    conn_add_tx(&c, t);
    /* ClientHello and the request as early data, in one flight */
    t->rq[0] = c.tcp.d[CLI].sent;
    if (!SSL_write_early_data(cs, t->req.p, t->req.len, &w) || w != t->req.len)
        die_ssl("SSL_write_early_data");
    conn_flush(&c, CLI);
    t->rq[1] = c.tcp.d[CLI].sent;
    /* the server reads early data until the client's EndOfEarlyData */
    for (i = 0; i < 16; i++) {
        unsigned char buf[4096];
        size_t got = 0;
        int rc = SSL_read_early_data(ss, buf, sizeof buf, &got);
        if (rc == SSL_READ_EARLY_DATA_SUCCESS) {
            buf_put(&c.sd[SRV].got, buf, got);
            continue;
        }
        if (rc == SSL_READ_EARLY_DATA_FINISH)
            break;
        if (SSL_get_error(ss, 0) != SSL_ERROR_WANT_READ)
            die_ssl("SSL_read_early_data");
        conn_flush(&c, SRV);
        hs_step(&c, CLI);
        conn_flush(&c, CLI);
    }
    conn_handshake(&c);
    st = SSL_get_early_data_status(cs);
    if (st != (accept ? SSL_EARLY_DATA_ACCEPTED : SSL_EARLY_DATA_REJECTED) ||
        !SSL_session_reused(cs))
        die("early data status %d, reused %d, not as planned", st,
            SSL_session_reused(cs));
    if (accept) {
        snprintf(t->note, sizeof t->note, "0-rtt");
        c.want[SRV] += t->req.len;
    } else {
        /* rejected: the client sends the request again, 1-RTT */
        snprintf(t->note, sizeof t->note, "0-rtt-rejected-resent");
        send_request(&c, t);
    }
    expect_read(&c, SRV);
    send_response(&c, t);
    expect_read(&c, CLI);
    conn_flush(&c, CLI);
    conn_tx(&c,
            tx_get("/after-early.txt", 800, BODY_TEXT, 0, seed_for(r, 2, 1)));
    conn_close(&c);
    conn_end(&c);
}

static void run_alerts(struct run *r)
{
    struct tlsopt o;
    struct conn c;
    opts_of(r->sc, &o);
    o.minv = TLS1_2_VERSION; /* conns 3 and 4 are TLS 1.2 */
    ctx_for(r, &o);
    /* 1: normal, close_notify from both sides */
    conn_open(&c, r, &r->net, 0, 1);
    conn_handshake(&c);
    run_plan(&c, PLAN_DEFAULT);
    conn_close(&c);
    conn_end(&c);
    /* 2: TLS 1.3, no common suite: plaintext handshake_failure alert */
    conn_open(&c, r, &r->net, 0, 2);
    if (!SSL_set_min_proto_version(c.sd[CLI].ssl, TLS1_3_VERSION) ||
        !SSL_set_min_proto_version(c.sd[SRV].ssl, TLS1_3_VERSION) ||
        !SSL_set_ciphersuites(c.sd[CLI].ssl, "TLS_CHACHA20_POLY1305_SHA256") ||
        !SSL_set_ciphersuites(c.sd[SRV].ssl, "TLS_AES_128_GCM_SHA256"))
        die_ssl("SSL_set_ciphersuites");
    if (conn_handshake_ex(&c, 1) == 0)
        die("conn 2: handshake should have failed");
    conn_abort(&c);
    conn_end(&c);
    /* 3: TLS 1.2, no common cipher: the same alert, record version 1.2 */
    conn_open(&c, r, &r->net, 0, 3);
    if (!SSL_set_max_proto_version(c.sd[CLI].ssl, TLS1_2_VERSION) ||
        !SSL_set_max_proto_version(c.sd[SRV].ssl, TLS1_2_VERSION) ||
        !SSL_set_cipher_list(c.sd[CLI].ssl, "AES128-SHA") ||
        !SSL_set_cipher_list(c.sd[SRV].ssl, "ECDHE-ECDSA-AES128-GCM-SHA256"))
        die_ssl("configuring conn 3");
    if (conn_handshake_ex(&c, 1) == 0)
        die("conn 3: handshake should have failed");
    conn_abort(&c);
    conn_end(&c);
    /* 4: TLS 1.2, the server refuses a renegotiation with an encrypted
     * no_renegotiation warning; the client then gives up with an encrypted
     * fatal handshake_failure alert */
    conn_open(&c, r, &r->net, 0, 4);
    if (!SSL_set_max_proto_version(c.sd[CLI].ssl, TLS1_2_VERSION) ||
        !SSL_set_max_proto_version(c.sd[SRV].ssl, TLS1_2_VERSION))
        die_ssl("configuring conn 4");
    conn_handshake(&c);
    conn_tx(&c,
            tx_get("/before-alert.txt", 1500, BODY_TEXT, 0, seed_for(r, 4, 0)));
    if (!SSL_renegotiate(c.sd[CLI].ssl))
        die_ssl("SSL_renegotiate");
    hs_step(&c, CLI);
    conn_flush(&c, CLI);
    side_pull_ex(&c, SRV, 1);
    conn_flush(&c, SRV);
    if (side_pull_ex(&c, CLI, 1) >= 0 && hs_step(&c, CLI) >= 0)
        die("conn 4: the client accepted a refused renegotiation");
    conn_flush(&c, CLI);
    side_pull_ex(&c, SRV, 1);
    conn_abort(&c);
    conn_end(&c);
}

/* Five requests in one write; each response in one write. */
static void run_pipelined(struct run *r)
{
    struct tlsopt o;
    struct conn c;
    struct tx *t[5];
    struct buf all = {0};
    opts_of(r->sc, &o);
    ctx_for(r, &o);
    conn_open(&c, r, &r->net, 0, 1);
    conn_handshake(&c);
    t[0] = tx_get("/p/1.txt", 700, BODY_TEXT, 0, seed_for(r, 1, 0));
    t[1] = tx_get("/p/2.bin", 5000, BODY_BIN, 0, seed_for(r, 1, 1));
    t[2] = tx_post("/p/3", 200, 201, 300, 0, seed_for(r, 1, 2));
    t[3] = tx_get("/p/4.txt", 2500, BODY_TEXT, 600, seed_for(r, 1, 3));
    t[4] = tx_get("/p/5.txt", 0, BODY_TEXT, 0, seed_for(r, 1, 4));
    for (int i = 0; i < 5; i++) {
        conn_add_tx(&c, t[i]);
        t[i]->rq[0] = c.tcp.d[CLI].sent;
        buf_put(&all, t[i]->req.p, t[i]->req.len);
        c.want[SRV] += t[i]->req.len;
        t[i]->wr[0] = t[i]->resp.len;
        t[i]->nwr = 1;
    }
    side_write(&c, CLI, all.p, all.len);
    conn_flush(&c, CLI);
    buf_free(&all);
    for (int i = 0; i < 5; i++)
        t[i]->rq[1] = c.tcp.d[CLI].sent;
    expect_read(&c, SRV);
    for (int i = 0; i < 5; i++)
        send_response(&c, t[i]);
    expect_read(&c, CLI);
    conn_flush(&c, CLI);
    conn_close(&c);
    conn_end(&c);
}

/* --mix: the TLS version and suite of every connection, by its number
 * (of each 10: TLS 1.3 AES-128-GCM 4, AES-256-GCM 1, ChaCha20 1; TLS 1.2
 * ECDHE AES-128-GCM 2, AES-256-GCM 1, ChaCha20 1). */
static const struct {
    int ver;
    const char *suite;
} mix_suites[10] = {
    {13, "TLS_AES_128_GCM_SHA256"},        {12, "ECDHE-RSA-AES128-GCM-SHA256"},
    {13, "TLS_AES_128_GCM_SHA256"},        {13, "TLS_CHACHA20_POLY1305_SHA256"},
    {12, "ECDHE-ECDSA-AES256-GCM-SHA384"}, {13, "TLS_AES_128_GCM_SHA256"},
    {12, "ECDHE-RSA-AES128-GCM-SHA256"},   {13, "TLS_AES_256_GCM_SHA384"},
    {12, "ECDHE-RSA-CHACHA20-POLY1305"},   {13, "TLS_AES_128_GCM_SHA256"},
};

/* Sets both sides of connection i to its --mix version and suite. */
static void mix_suite(struct conn *c, int i)
{
    int m = (i - 1) % 10;
    int v = mix_suites[m].ver == 13 ? TLS1_3_VERSION : TLS1_2_VERSION;
    for (int s = 0; s < 2; s++) {
        SSL *ssl = c->sd[s].ssl;
        if (!SSL_set_min_proto_version(ssl, v) ||
            !SSL_set_max_proto_version(ssl, v) ||
            !(mix_suites[m].ver == 13
                  ? SSL_set_ciphersuites(ssl, mix_suites[m].suite)
                  : SSL_set_cipher_list(ssl, mix_suites[m].suite)))
            die_ssl("--mix: setting the suite");
    }
}

static void mix_check(struct conn *c, int i)
{
    const char *got =
        SSL_CIPHER_get_name(SSL_get_current_cipher(c->sd[CLI].ssl));
    if (strcmp(got, mix_suites[(i - 1) % 10].suite) != 0)
        die("conn %d: negotiated %s, not %s", i, got,
            mix_suites[(i - 1) % 10].suite);
}

/* A size in [lo, hi] from the generator state s. */
static size_t size_in(uint64_t *s, size_t lo, size_t hi)
{
    return lo + (size_t)(mix64(s) % (hi - lo + 1));
}

/* --mix: transaction k of connection i, its size from a web-like mix: 30%
 * JSON answers (100 B - 4 KB), 25% text (2 - 120 KB; half chunked in 8 KiB
 * chunks), 25% images (8 - 250 KB), 15% downloads (250 KB - 2 MB), 5%
 * uploads (1 - 64 KB of JSON, 201 with 200 bytes). */
static struct tx *mix_tx(struct run *r, int i, unsigned k, uint64_t *s)
{
    char target[64];
    uint64_t seed = seed_for(r, i, k);
    unsigned cls = (unsigned)(mix64(s) % 100), id = (unsigned)(mix64(s) % 1000);
    if (cls < 30) {
        snprintf(target, sizeof target, "/api/%d/%u.json", i, id);
        return tx_get(target, size_in(s, 100, 4000), BODY_JSON, 0, seed);
    }
    if (cls < 55) {
        snprintf(target, sizeof target, "/static/%d/%u.js", i, id);
        return tx_get(target, size_in(s, 2000, 120000), BODY_TEXT,
                      id % 2 ? 8192 : 0, seed);
    }
    if (cls < 80) {
        snprintf(target, sizeof target, "/img/%d/%u.jpg", i, id);
        return tx_get(target, size_in(s, 8000, 250000), BODY_BIN, 0, seed);
    }
    if (cls < 95) {
        snprintf(target, sizeof target, "/media/%d/%u.bin", i, id);
        return tx_get(target, size_in(s, 250000, 2000000), BODY_BIN, 0, seed);
    }
    snprintf(target, sizeof target, "/api/%d/upload", i);
    return tx_post(target, size_in(s, 1000, 64000), 201, 200, 0, seed);
}

/* The transactions of big's connection i: 4, or with --mix 1 to 8. */
static size_t big_plan(struct run *r, int i, size_t body, struct tx **t)
{
    uint64_t s;
    size_t n;
    if (!r->mix) {
        t[0] = tx_get("/big/a.bin", body, BODY_BIN, 0, seed_for(r, i, 0));
        t[1] = tx_post("/big/upload", body / 4, 201, 128, 0, seed_for(r, i, 1));
        t[2] = tx_get("/big/c.txt", body, BODY_TEXT, 16384, seed_for(r, i, 2));
        t[3] = tx_get("/big/d.bin", body, BODY_BIN, 0, seed_for(r, i, 3));
        return 4;
    }
    s = seed_for(r, i, 99);
    n = 1 + (size_t)(mix64(&s) % 8);
    for (size_t k = 0; k < n; k++)
        t[k] = mix_tx(r, i, (unsigned)k, &s);
    return n;
}

/* big --h2, after every other connection of big: connection i's plan
 * made once more (the same bytes) and carried as HTTP/2 over TLS in
 * big-h2.pcap, each connection starting when its HTTP/1.1 one did. */
static void big_h2(struct run *r, int conns, size_t body,
                   const uint64_t *starts)
{
    rand_reseed("big-h2");
    clock_follow(&r->h2net);
    r->ctx.log = &r->h2log;
    h2_select_on(r->ctx.s);
    for (int i = 1; i <= conns; i++) {
        struct tx *t[8];
        struct conn c;
        size_t n = big_plan(r, i, body, t);
        if (r->h2net.clock_us < starts[i - 1])
            r->h2net.clock_us = starts[i - 1];
        conn_open(&c, r, &r->h2net, 0, i);
        h2_offer(&c);
        if (r->mix)
            mix_suite(&c, i);
        conn_handshake(&c);
        if (r->mix)
            mix_check(&c, i);
        h2_exchange(&c, t, n);
        conn_close(&c);
        conn_end(&c);
        for (size_t k = 0; k < n; k++)
            tx_free(t[k]);
    }
    r->ctx.log = &r->log;
    clock_follow(&r->net);
}

/* Benchmark capture, and the same HTTP bytes over plain TCP. */
static void run_big(struct run *r)
{
    struct tlsopt o;
    char path[4200];
    int conns = r->conns ? r->conns : 200;
    size_t body = r->body ? r->body : 256 * 1024;
    uint64_t *starts = NULL; /* --h2: when each connection started */
    opts_of(r->sc, &o);
    ctx_for(r, &o);
    snprintf(path, sizeof path, "%s/big-clear.pcap", r->outdir);
    if (net_open(&r->clear, path) != 0)
        die("cannot write %s", path);
    if (r->h2) {
        snprintf(path, sizeof path, "%s/big-h2.pcap", r->outdir);
        if (net_open(&r->h2net, path) != 0)
            die("cannot write %s", path);
        starts = xmalloc((size_t)conns * sizeof *starts);
    }
    for (int i = 1; i <= conns; i++) {
        struct tx *t[8];
        struct conn c;
        uint64_t start;
        size_t n = big_plan(r, i, body, t);
        /* both files start each connection at the same time (conn_open
         * then moves both clocks to the same next whole second) */
        start = r->net.clock_us > r->clear.clock_us ? r->net.clock_us
                                                    : r->clear.clock_us;
        r->net.clock_us = r->clear.clock_us = start;
        if (starts)
            starts[i - 1] = start;
        conn_open(&c, r, &r->net, 0, i);
        if (r->mix)
            mix_suite(&c, i);
        conn_handshake(&c);
        if (r->mix)
            mix_check(&c, i);
        for (size_t k = 0; k < n; k++)
            conn_tx(&c, t[k]);
        conn_close(&c);
        conn_end(&c);
        /* the cleartext twin reuses the plan (the same bytes) */
        conn_open(&c, r, &r->clear, 1, i);
        for (size_t k = 0; k < n; k++) {
            c.tx[c.ntx++] = t[k];
            send_request(&c, t[k]);
            send_response(&c, t[k]);
            conn_flush(&c, CLI);
        }
        conn_close(&c);
        conn_end(&c);
        for (size_t k = 0; k < n; k++)
            tx_release(t[k]); /* only the .expected rows are still needed */
    }
    if (r->h2)
        big_h2(r, conns, body, starts);
    free(starts);
}

/* ---- the scenario table -------------------------------------------- */

/* One row per scenario: name, description, runner, TLS version, suite or
 * cipher list, extra options, segment sizes, traffic plan, capture loss,
 * flags. */
#define NOETM SSL_OP_NO_ENCRYPT_THEN_MAC
#define B run_basic
static const struct scen scens[] = {
    {"tls13-aes128gcm", "TLS 1.3 TLS_AES_128_GCM_SHA256", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls13-aes256gcm", "TLS 1.3 TLS_AES_256_GCM_SHA384", B, 13,
     "TLS_AES_256_GCM_SHA384", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls13-chacha20", "TLS 1.3 TLS_CHACHA20_POLY1305_SHA256", B, 13,
     "TLS_CHACHA20_POLY1305_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls13-aes128ccm", "TLS 1.3 TLS_AES_128_CCM_SHA256", B, 13,
     "TLS_AES_128_CCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls13-aes128ccm8", "TLS 1.3 TLS_AES_128_CCM_8_SHA256 (8-byte tag)", B, 13,
     "TLS_AES_128_CCM_8_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-aes128gcm", "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256", B, 12,
     "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-aes256gcm", "TLS 1.2 ECDHE-ECDSA-AES256-GCM-SHA384", B, 12,
     "ECDHE-ECDSA-AES256-GCM-SHA384", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-chacha20", "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305", B, 12,
     "ECDHE-RSA-CHACHA20-POLY1305", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-cbc-sha1",
     "TLS 1.2 AES128-SHA (RSA key exchange), encrypt-then-MAC", B, 12,
     "AES128-SHA", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-cbc-sha1-noetm", "TLS 1.2 AES128-SHA, MAC-then-encrypt", B, 12,
     "AES128-SHA", NOETM, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-cbc-sha256",
     "TLS 1.2 AES256-SHA256 (RSA key exchange), encrypt-then-MAC", B, 12,
     "AES256-SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-cbc-sha256-noetm", "TLS 1.2 AES256-SHA256, MAC-then-encrypt", B, 12,
     "AES256-SHA256", NOETM, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-cbc-sha384", "TLS 1.2 ECDHE-RSA-AES256-SHA384, encrypt-then-MAC", B,
     12, "ECDHE-RSA-AES256-SHA384", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-cbc-sha384-noetm",
     "TLS 1.2 ECDHE-RSA-AES256-SHA384, MAC-then-encrypt", B, 12,
     "ECDHE-RSA-AES256-SHA384", NOETM, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls12-noems",
     "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 without extended master secret", B,
     12, "ECDHE-RSA-AES128-GCM-SHA256", SSL_OP_NO_EXTENDED_MASTER_SECRET,
     SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls10-cbc",
     "TLS 1.0 AES128-SHA, MAC-then-encrypt (implicit IVs; empty fragments "
     "against BEAST)",
     B, 10, "AES128-SHA", NOETM, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"tls11-cbc", "TLS 1.1 AES128-SHA, MAC-then-encrypt (explicit IVs)", B, 11,
     "AES128-SHA", NOETM, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"split-every-byte-tls13",
     "TLS 1.3 AES-128-GCM, every TCP segment 1 byte (handshake too)", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, 1, PLAN_SMALL, GAP_NONE,
     F_EC_ONLY | F_NOTICKET},
    {"split-every-byte-tls12",
     "TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256, every TCP segment 1 byte", B, 12,
     "ECDHE-ECDSA-AES128-GCM-SHA256", 0, 1, PLAN_SMALL, GAP_NONE,
     F_EC_ONLY | F_NOTICKET},
    {"split-7-tls13", "TLS 1.3 AES-128-GCM in 7-byte segments", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, 7, PLAN_SMALL, GAP_NONE, F_EC_ONLY},
    {"split-100-tls13", "TLS 1.3 ChaCha20 in 100-byte segments", B, 13,
     "TLS_CHACHA20_POLY1305_SHA256", 0, 100, PLAN_DEFAULT, GAP_NONE, 0},
    {"split-1000-tls12",
     "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 in 1000-byte segments", B, 12,
     "ECDHE-RSA-AES128-GCM-SHA256", 0, 1000, PLAN_DEFAULT, GAP_NONE, 0},
    {"split-mixed-tls13",
     "TLS 1.3 AES-256-GCM, segments of 1,2,3,5,8..1597 bytes", B, 13,
     "TLS_AES_256_GCM_SHA384", 0, SEG_MIXED, PLAN_DEFAULT, GAP_NONE, 0},
    {"split-mixed-tls12",
     "TLS 1.2 ECDHE-RSA-AES128-SHA256 (CBC), segments of 1,2,3,5,8..1597 "
     "bytes",
     B, 12, "ECDHE-RSA-AES128-SHA256", 0, SEG_MIXED, PLAN_DEFAULT, GAP_NONE, 0},
    {"coalesced-tls13",
     "TLS 1.3, several records per 64 KiB (TSO-like) segment", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, SEG_TSO, PLAN_BULK, GAP_NONE, 0},
    {"coalesced-tls12",
     "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256, several records per 64 KiB "
     "segment",
     B, 12, "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_TSO, PLAN_BULK, GAP_NONE, 0},
    {"gap-in-record-tls13",
     "TLS 1.3 AES-128-GCM: one server segment inside a record's ciphertext "
     "not captured",
     B, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_GAP, GAP_IN_RECORD, 0},
    {"gap-in-record-tls12-gcm",
     "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: one server segment inside a "
     "record's ciphertext not captured",
     B, 12, "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_GAP, GAP_IN_RECORD,
     0},
    {"gap-in-record-tls12-chacha20",
     "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305: one server segment inside a "
     "record's ciphertext not captured",
     B, 12, "ECDHE-RSA-CHACHA20-POLY1305", 0, SEG_MSS, PLAN_GAP, GAP_IN_RECORD,
     0},
    {"gap-in-record-tls12-cbc",
     "TLS 1.2 ECDHE-RSA-AES128-SHA (CBC, encrypt-then-MAC): one server "
     "segment inside a record's ciphertext not captured",
     B, 12, "ECDHE-RSA-AES128-SHA", 0, SEG_MSS, PLAN_GAP, GAP_IN_RECORD, 0},
    {"gap-over-header-tls13",
     "TLS 1.3 AES-128-GCM: the server segment holding a record header not "
     "captured",
     B, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_GAP, GAP_OVER_HEADER, 0},
    {"gap-over-header-tls12-gcm",
     "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: the server segment holding a "
     "record header not captured",
     B, 12, "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_GAP,
     GAP_OVER_HEADER, 0},
    {"gap-over-header-tls12-chacha20",
     "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305: the server segment holding a "
     "record header not captured",
     B, 12, "ECDHE-RSA-CHACHA20-POLY1305", 0, SEG_MSS, PLAN_GAP,
     GAP_OVER_HEADER, 0},
    {"gap-over-header-tls12-cbc",
     "TLS 1.2 ECDHE-RSA-AES128-SHA (CBC, encrypt-then-MAC): the server "
     "segment holding a record header not captured",
     B, 12, "ECDHE-RSA-AES128-SHA", 0, SEG_MSS, PLAN_GAP, GAP_OVER_HEADER, 0},
    {"gaps-many-tls13",
     "TLS 1.3 AES-128-GCM: several server segments not captured, two "
     "adjacent records lost",
     B, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_GAP, GAP_MANY, 0},
    {"gaps-many-tls12-gcm",
     "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: several server segments not "
     "captured, two adjacent records lost",
     B, 12, "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_GAP, GAP_MANY, 0},
    {"gaps-many-tls12-chacha20",
     "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305: several server segments not "
     "captured, two adjacent records lost",
     B, 12, "ECDHE-RSA-CHACHA20-POLY1305", 0, SEG_MSS, PLAN_GAP, GAP_MANY, 0},
    {"gaps-many-tls12-cbc",
     "TLS 1.2 ECDHE-RSA-AES128-SHA (CBC, encrypt-then-MAC): several server "
     "segments not captured, two adjacent records lost",
     B, 12, "ECDHE-RSA-AES128-SHA", 0, SEG_MSS, PLAN_GAP, GAP_MANY, 0},
    {"renegotiation",
     "TLS 1.2: client-initiated, server-initiated (HelloRequest) and "
     "abbreviated renegotiation",
     run_reneg, 12, "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_DEFAULT,
     GAP_NONE, 0},
    {"keyupdate",
     "TLS 1.3 KeyUpdates from both sides, requested and not, several in a "
     "row",
     run_keyupdate, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT,
     GAP_NONE, 0},
    {"early-data-accepted",
     "TLS 1.3 resumption with a 0-RTT request the server accepts", run_early,
     13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"early-data-rejected",
     "TLS 1.3 resumption whose 0-RTT request is rejected and resent", run_early,
     13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"hrr",
     "TLS 1.3 HelloRetryRequest (client shares X25519, server wants P-256)", B,
     13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, F_HRR},
    {"tiny-fragments-tls13",
     "TLS 1.3 with 512-byte records (max_send_fragment)", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, F_FRAG512},
    {"tiny-fragments-tls12",
     "TLS 1.2 with 512-byte records (max_send_fragment)", B, 12,
     "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE,
     F_FRAG512},
    {"tiny-fragments-mfl",
     "TLS 1.2 with the max_fragment_length extension (512)", B, 12,
     "ECDHE-RSA-CHACHA20-POLY1305", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE,
     F_MFL512},
    {"resume-id",
     "TLS 1.2: 3 connections, 2nd and 3rd resume the 1st by session ID",
     run_resume, 12, "ECDHE-RSA-AES128-GCM-SHA256", SSL_OP_NO_TICKET, SEG_MSS,
     PLAN_DEFAULT, GAP_NONE, 0},
    {"resume-ticket",
     "TLS 1.2: 3 connections, 2nd and 3rd resume the 1st by session ticket",
     run_resume, 12, "ECDHE-RSA-AES128-GCM-SHA256", 0, SEG_MSS, PLAN_DEFAULT,
     GAP_NONE, 0},
    {"resume-psk",
     "TLS 1.3: 3 connections, 2nd and 3rd resume with the 1st's tickets",
     run_resume, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT,
     GAP_NONE, 0},
    {"one-direction-keys",
     "TLS 1.3; .partial.keys lacks SERVER_TRAFFIC_SECRET_0", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, F_ONEDIR},
    {"padding", "TLS 1.3 with records padded to 256-byte blocks", B, 13,
     "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, F_PAD256},
    {"alerts",
     "close_notify both ways; handshake_failure (1.3, 1.2); encrypted "
     "no_renegotiation and fatal alert",
     run_alerts, 13, NULL, 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE, 0},
    {"pipelined",
     "TLS 1.3: 5 requests in one write, each response in one write",
     run_pipelined, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT,
     GAP_NONE, 0},
    {"big",
     "benchmark: --conns N (200) x 4 transactions with --body BYTES (256 "
     "KiB), or --mix; also big-clear.pcap, and with --h2 big-h2.pcap",
     run_big, 13, "TLS_AES_128_GCM_SHA256", 0, SEG_MSS, PLAN_DEFAULT, GAP_NONE,
     0},
};
#undef B

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
    fputs("usage: tlsgen [--seg N] [--drop K[,K...]] [--conns N] "
          "[--body BYTES] [--mix] [--h2] SCENARIO OUTDIR\n"
          "       tlsgen --list\n",
          stderr);
    exit(2);
}

static size_t num_arg(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || v == 0)
        die("bad number '%s'", s);
    return (size_t)v;
}

static void out_path(char *p, size_t n, const struct run *r, const char *ext)
{
    int k = snprintf(p, n, "%s/%s%s", r->outdir, r->sc->name, ext);
    if (k < 0 || (size_t)k >= n)
        die("output path too long");
}

int main(int argc, char **argv)
{
    struct run r;
    char path[4200];
    const char *pos[2] = {NULL, NULL};
    int i, npos = 0;
    memset(&r, 0, sizeof r);
    /* options may come before or after the two operands */
    for (i = 1; i < argc; i++) {
        if (argv[i][0] != '-') {
            if (npos == 2)
                usage();
            pos[npos++] = argv[i];
        } else if (strcmp(argv[i], "--list") == 0) {
            for (size_t k = 0; k < sizeof scens / sizeof scens[0]; k++)
                printf("%s\t%s\n", scens[k].name, scens[k].desc);
            return 0;
        } else if (strcmp(argv[i], "--seg") == 0 && i + 1 < argc) {
            r.seg_override = num_arg(argv[++i]);
        } else if (strcmp(argv[i], "--conns") == 0 && i + 1 < argc) {
            r.conns = (int)num_arg(argv[++i]);
        } else if (strcmp(argv[i], "--mix") == 0) {
            r.mix = 1;
        } else if (strcmp(argv[i], "--h2") == 0) {
            r.h2 = 1;
        } else if (strcmp(argv[i], "--body") == 0 && i + 1 < argc) {
            r.body = num_arg(argv[++i]);
        } else if (strcmp(argv[i], "--drop") == 0 && i + 1 < argc) {
            char tmp[256], *s, *e;
            snprintf(tmp, sizeof tmp, "%s", argv[++i]);
            for (s = tmp; *s; s = e) {
                e = strchr(s, ',');
                if (e)
                    *e++ = '\0';
                else
                    e = s + strlen(s);
                if (r.ndrops == sizeof r.drops / sizeof r.drops[0])
                    die("too many --drop segments");
                r.drops[r.ndrops++] = num_arg(s);
            }
        } else
            usage();
    }
    if (npos != 2)
        usage();
    for (size_t k = 0; k < sizeof scens / sizeof scens[0]; k++)
        if (strcmp(pos[0], scens[k].name) == 0)
            r.sc = &scens[k];
    if (!r.sc)
        die("unknown scenario '%s' (see --list)", pos[0]);
    r.outdir = pos[1];
    if (r.h2 && r.sc->run != run_big)
        die("--h2 is for scenario big only");

    rand_install();
    tls_certs_init();
    rand_reseed(r.sc->name);
    out_path(path, sizeof path, &r, ".pcap");
    if (net_open(&r.net, path) != 0)
        die("cannot write %s", path);
    clock_follow(&r.net);
    clock_check();

    r.sc->run(&r);

    net_close(&r.net);
    if (pcap_check(r.net.path, r.sum, r.nsum, 0) != 0)
        die("the written capture does not read back as sent");
    if (r.clear.f) {
        net_close(&r.clear);
        if (pcap_check(r.clear.path, r.sumc, r.nsumc, 0) != 0)
            die("the cleartext twin does not read back as sent");
    }
    if (r.h2net.f) {
        net_close(&r.h2net);
        if (pcap_check(r.h2net.path, r.sumh, r.nsumh, 0) != 0)
            die("big-h2.pcap does not read back as sent");
        snprintf(path, sizeof path, "%s/big-h2.keys", r.outdir);
        keylog_write(&r.h2log, path, 0, "_TRAFFIC_SECRET_N");
        fprintf(stderr, "tlsgen: big-h2: %lu packets, %zu key lines\n",
                r.h2net.npkts, r.h2log.n);
    }
    /* .keys holds the labels of the NSS key log format; OpenSSL 3.0.22
     * also logs CLIENT/SERVER_TRAFFIC_SECRET_N after each KeyUpdate, which
     * go to .openssl.keys with everything else */
    out_path(path, sizeof path, &r, ".keys");
    keylog_write(&r.log, path, 0, "_TRAFFIC_SECRET_N");
    out_path(path, sizeof path, &r, ".openssl.keys");
    if (keylog_has(&r.log, "_TRAFFIC_SECRET_N"))
        keylog_write(&r.log, path, 0, NULL);
    else
        remove(path);
    if (r.sc->run == run_resume) {
        out_path(path, sizeof path, &r, ".first.keys");
        keylog_write(&r.log, path, 1, NULL);
    }
    if (r.sc->flags & F_ONEDIR) {
        out_path(path, sizeof path, &r, ".partial.keys");
        keylog_write(&r.log, path, 0, "SERVER_TRAFFIC_SECRET_0");
    }
    {
        struct buf e = {0};
        buf_puts(&e, "conn_order\tmethod\ttarget\tstatus\treq_body_sha256\t"
                     "resp_body_sha256\tnote\n");
        for (size_t k = 0; k < r.ntx; k++)
            tx_expected_row(r.tx[k], &e);
        out_path(path, sizeof path, &r, ".expected");
        write_file(path, e.p, e.len);
        buf_free(&e);
    }
    out_path(path, sizeof path, &r, ".gaps");
    if (r.gaps.len)
        write_file(path, r.gaps.p, r.gaps.len);
    else
        remove(path);
    fprintf(stderr,
            "tlsgen: %s: %lu packets, %zu transactions, %zu key lines\n",
            r.sc->name, r.net.npkts, r.ntx, r.log.n);

    for (size_t k = 0; k < r.ntx; k++)
        tx_free(r.tx[k]);
    free(r.tx);
    free(r.sum);
    free(r.sumc);
    free(r.sumh);
    keylog_free(&r.h2log);
    buf_free(&r.gaps);
    keylog_free(&r.log);
    tlsctx_free(&r.ctx);
    return 0;
}
