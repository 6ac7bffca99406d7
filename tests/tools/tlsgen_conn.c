/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: driving one connection. Each side is an SSL object whose read and
 * write BIOs are memory BIOs (or, for big-clear.pcap, plain buffers); after
 * every operation of a side, what it wrote is sent as one flight of TCP
 * segments (tlsgen_net.c) and delivered to the peer's read BIO. When the
 * connection ends, what each side read is checked against the plan, the
 * scenario's capture loss is chosen from the TLS record layout, and the
 * frames are written.
 */
#include "tlsgen.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

static const size_t fib[] = {1,  2,  3,   5,   8,   13,  21,  34,
                             55, 89, 144, 233, 377, 610, 987, 1597};

/* ---- driving one connection ------------------------------------------- */

/* Between connections the clock moves on to the next whole second. */
static void net_idle(struct net *n)
{
    n->clock_us = (n->clock_us / 1000000 + 1) * 1000000;
}

static void policy_of(const struct run *r, struct segpolicy *p)
{
    int k = r->sc->seg;
    memset(p, 0, sizeof *p);
    if (r->seg_override)
        p->fixed = r->seg_override;
    else if (k == SEG_MIXED) {
        p->list = fib;
        p->nlist = sizeof fib / sizeof fib[0];
    } else if (k == SEG_TSO)
        p->fixed = 65535 - 40;
    else
        p->fixed = k > 0 ? (size_t)k : 1448;
}

void conn_open(struct conn *c, struct run *r, struct net *n, int plain,
               int index)
{
    struct segpolicy p;
    memset(c, 0, sizeof *c);
    c->r = r;
    c->net = n;
    c->plain = plain;
    if (index > 1)
        net_idle(n);
    tcp_init(&c->tcp, n, index);
    policy_of(r, &p);
    tcp_set_seg(&c->tcp, CLI, &p);
    tcp_set_seg(&c->tcp, SRV, &p);
    tcp_handshake(&c->tcp);
    keylog_set_conn(index);
    if (plain)
        return;
    for (int s = 0; s < 2; s++) {
        struct side *sd = &c->sd[s];
        sd->ssl = SSL_new(s == CLI ? r->ctx.c : r->ctx.s);
        sd->rb = BIO_new(BIO_s_mem());
        sd->wb = BIO_new(BIO_s_mem());
        if (!sd->ssl || !sd->rb || !sd->wb)
            die_ssl("SSL_new");
        /* an empty read BIO means "retry later", not EOF */
        BIO_set_mem_eof_return(sd->rb, -1);
        SSL_set_bio(sd->ssl, sd->rb, sd->wb);
    }
    SSL_set_connect_state(c->sd[CLI].ssl);
    SSL_set_accept_state(c->sd[SRV].ssl);
    if (!SSL_set_tlsext_host_name(c->sd[CLI].ssl, "www.pcapsift.test"))
        die_ssl("SSL_set_tlsext_host_name");
}

/* Sends what side has written as one flight (or a pure ACK if nothing). */
void conn_flush(struct conn *c, int side)
{
    struct side *me = &c->sd[side], *peer = &c->sd[1 - side];
    if (c->plain) {
        if (me->out.len) {
            tcp_send(&c->tcp, side, me->out.p, me->out.len);
            buf_put(&peer->got, me->out.p, me->out.len);
            me->out.len = 0;
        } else
            tcp_ack(&c->tcp, side);
        return;
    }
    {
        size_t n = BIO_ctrl_pending(me->wb);
        unsigned char *d;
        if (!n) {
            tcp_ack(&c->tcp, side);
            return;
        }
        d = xmalloc(n);
        if (BIO_read(me->wb, d, (int)n) != (int)n)
            die("BIO_read short");
        tcp_send(&c->tcp, side, d, n);
        if (BIO_write(peer->rb, d, (int)n) != (int)n)
            die("BIO_write short");
        free(d);
    }
}

void side_write(struct conn *c, int side, const void *d, size_t n)
{
    struct side *me = &c->sd[side];
    size_t w;
    if (c->plain) {
        buf_put(&me->out, d, n);
        return;
    }
    if (n && !SSL_write_ex(me->ssl, d, n, &w))
        die_ssl("SSL_write_ex");
    if (n && w != n)
        die("SSL_write_ex wrote %zu of %zu", w, n);
}

/* Reads whatever application data side can read now. Returns -1 on a
 * TLS error when fail_ok (else exits), 1 at close_notify, 0 otherwise. */
int side_pull_ex(struct conn *c, int side, int fail_ok)
{
    struct side *me = &c->sd[side];
    unsigned char tmp[16384];
    if (c->plain)
        return 0; /* conn_flush delivered it into got already */
    for (;;) {
        size_t got;
        int e;
        if (SSL_read_ex(me->ssl, tmp, sizeof tmp, &got)) {
            buf_put(&me->got, tmp, got);
            continue;
        }
        e = SSL_get_error(me->ssl, 0);
        if (e == SSL_ERROR_WANT_READ)
            return 0;
        if (e == SSL_ERROR_ZERO_RETURN) {
            me->eof = 1;
            return 1;
        }
        if (fail_ok) {
            ERR_clear_error();
            return -1;
        }
        die_ssl(side == CLI ? "client SSL_read" : "server SSL_read");
    }
}

void side_pull(struct conn *c, int side)
{
    side_pull_ex(c, side, 0);
}

/* side must have read exactly what was planned for it so far. */
void expect_read(struct conn *c, int side)
{
    side_pull(c, side);
    if (c->sd[side].got.len != c->want[side])
        die("conn %d: %s read %zu bytes, %zu expected", c->tcp.index,
            side == CLI ? "client" : "server", c->sd[side].got.len,
            c->want[side]);
}

/* One handshake step of one side: 1 done, 0 wants more, -1 failed. */
int hs_step(struct conn *c, int side)
{
    SSL *s = c->sd[side].ssl;
    int rc = SSL_do_handshake(s), e;
    if (rc == 1)
        return 1;
    e = SSL_get_error(s, rc);
    if (e == SSL_ERROR_WANT_READ)
        return 0;
    ERR_clear_error();
    return -1;
}

/* Runs the handshake; -1 if it failed (with the alert delivered). */
int conn_handshake_ex(struct conn *c, int fail_ok)
{
    if (c->plain)
        return 0;
    for (int i = 0; i < 64; i++) {
        int rc = hs_step(c, CLI), rs;
        conn_flush(c, CLI);
        if (rc < 0) {
            hs_step(c, SRV);
            conn_flush(c, SRV);
            break;
        }
        rs = hs_step(c, SRV);
        conn_flush(c, SRV);
        if (rs < 0) {
            hs_step(c, CLI);
            conn_flush(c, CLI);
            break;
        }
        if (rc == 1 && rs == 1)
            return 0;
    }
    if (!fail_ok)
        die("conn %d: handshake failed", c->tcp.index);
    return -1;
}

void conn_handshake(struct conn *c)
{
    conn_handshake_ex(c, 0);
}

void conn_add_tx(struct conn *c, struct tx *t)
{
    struct run *r = c->r;
    if (c->ntx >= sizeof c->tx / sizeof c->tx[0])
        die("too many transactions on a connection");
    c->tx[c->ntx++] = t;
    t->conn = c->tcp.index;
    xgrow((void **)&r->tx, &r->captx, r->ntx + 1, sizeof *r->tx);
    r->tx[r->ntx++] = t;
}

/* The client sends t's request (already written when early != 0). */
void send_request(struct conn *c, struct tx *t)
{
    t->rq[0] = c->tcp.d[CLI].sent;
    side_write(c, CLI, t->req.p, t->req.len);
    conn_flush(c, CLI);
    t->rq[1] = c->tcp.d[CLI].sent;
    c->want[SRV] += t->req.len;
}

/* The server writes t's response, write by write. */
void send_response(struct conn *c, struct tx *t)
{
    size_t prev = 0;
    t->rs[0] = c->tcp.d[SRV].sent;
    for (size_t k = 0; k < t->nwr; k++) {
        side_write(c, SRV, t->resp.p + prev, t->wr[k] - prev);
        prev = t->wr[k];
        if (!c->coalesce)
            conn_flush(c, SRV);
    }
    if (c->coalesce)
        conn_flush(c, SRV);
    t->rs[1] = c->tcp.d[SRV].sent;
    c->want[CLI] += t->resp.len;
}

/* One whole request/response exchange. */
void conn_tx(struct conn *c, struct tx *t)
{
    conn_add_tx(c, t);
    send_request(c, t);
    expect_read(c, SRV);
    send_response(c, t);
    expect_read(c, CLI);
    conn_flush(c, CLI);
}

/* close_notify both ways, then FIN both ways. */
void conn_close(struct conn *c)
{
    if (!c->plain) {
        int rc = SSL_shutdown(c->sd[CLI].ssl);
        if (rc < 0)
            die_ssl("client SSL_shutdown");
        conn_flush(c, CLI);
    }
    tcp_fin(&c->tcp, CLI);
    if (!c->plain) {
        if (side_pull_ex(c, SRV, 0) != 1)
            die("conn %d: server did not see close_notify", c->tcp.index);
        if (SSL_shutdown(c->sd[SRV].ssl) != 1)
            die_ssl("server SSL_shutdown");
        conn_flush(c, SRV);
    }
    tcp_fin(&c->tcp, SRV);
    if (!c->plain && SSL_shutdown(c->sd[CLI].ssl) != 1)
        die_ssl("client SSL_shutdown (second)");
    tcp_ack(&c->tcp, CLI);
}

/* A connection that died in TLS: the server closes first, then the client. */
void conn_abort(struct conn *c)
{
    tcp_fin(&c->tcp, SRV);
    tcp_fin(&c->tcp, CLI);
    tcp_ack(&c->tcp, SRV);
}

/* ---- capture loss -------------------------------------------------- */

/* Indices of the full-size application-data records the server sent. */
static size_t full_records(const struct tcpdir *d, size_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nrecs && n < max; i++)
        if (d->recs[i].type == 23 && d->recs[i].len >= 5 + 16384)
            out[n++] = i;
    return n;
}

/* The middle segment lying strictly inside a record's fragment. */
static size_t seg_inside(const struct tcpdir *d, const struct recinfo *rec)
{
    size_t first = d->nsegs, last = 0;
    for (size_t i = 0; i < d->nsegs; i++)
        if (d->segs[i].off > rec->off + 5 &&
            d->segs[i].off + d->segs[i].len < rec->off + rec->len) {
            if (first == d->nsegs)
                first = i;
            last = i;
        }
    if (first == d->nsegs)
        die("no segment lies inside record at %llu",
            (unsigned long long)rec->off);
    return first + (last - first) / 2;
}

/* The segment holding all 5 header bytes of a record, or nsegs. */
static size_t seg_header(const struct tcpdir *d, const struct recinfo *rec)
{
    for (size_t i = 0; i < d->nsegs; i++)
        if (d->segs[i].off <= rec->off &&
            d->segs[i].off + d->segs[i].len >= rec->off + 5)
            return i;
    return d->nsegs;
}

/* Chooses the segments the scenario leaves out of the capture. */
static void choose_drops(struct conn *c)
{
    struct tcpdir *d = &c->tcp.d[SRV];
    size_t f[64], nf, i, h;
    if (c->r->ndrops) {
        if (c->tcp.index != 1)
            return;
        for (i = 0; i < c->r->ndrops; i++)
            tcp_drop(&c->tcp, SRV, c->r->drops[i] - 1);
        return;
    }
    if (c->r->sc->gap == GAP_NONE)
        return;
    nf = full_records(d, f, 64);
    switch (c->r->sc->gap) {
    case GAP_IN_RECORD:
        if (nf < 1)
            die("no full-size record to cut into");
        tcp_drop(&c->tcp, SRV, seg_inside(d, &d->recs[f[nf / 2]]));
        break;
    case GAP_OVER_HEADER:
        for (i = nf / 2; i < nf; i++) {
            h = seg_header(d, &d->recs[f[i]]);
            if (h < d->nsegs) {
                tcp_drop(&c->tcp, SRV, h);
                return;
            }
        }
        die("no segment holds a whole record header");
    case GAP_MANY:
        /* inside F0; the header of F2; all of F4 and F5; inside F7 */
        if (nf < 8)
            die("gaps-many needs 8 full-size records, has %zu", nf);
        tcp_drop(&c->tcp, SRV, seg_inside(d, &d->recs[f[0]]));
        for (i = 2; i < nf && seg_header(d, &d->recs[f[i]]) == d->nsegs; i++)
            ;
        if (i >= 4)
            die("no whole record header near F2");
        tcp_drop(&c->tcp, SRV, seg_header(d, &d->recs[f[i]]));
        {
            const struct recinfo *a = &d->recs[f[4]], *b = &d->recs[f[5]];
            for (size_t k = 0; k < d->nsegs; k++)
                if (d->segs[k].off < b->off + b->len &&
                    d->segs[k].off + d->segs[k].len > a->off)
                    tcp_drop(&c->tcp, SRV, k);
        }
        tcp_drop(&c->tcp, SRV, seg_inside(d, &d->recs[f[7]]));
        break;
    case GAP_NONE: break;
    }
}

/* The .gaps rows of a connection. */
static void gaps_rows(struct conn *c)
{
    struct buf *g = &c->r->gaps;
    for (int dir = 0; dir < 2; dir++) {
        const struct tcpdir *d = &c->tcp.d[dir];
        for (size_t i = 0; i < d->nsegs; i++) {
            const struct seginfo *s = &d->segs[i];
            size_t r0 = (size_t)-1, r1 = 0;
            int hdr = 0;
            if (!tcp_seg_dropped(&c->tcp, dir, i))
                continue;
            for (size_t k = 0; k < d->nrecs; k++) {
                const struct recinfo *rc = &d->recs[k];
                if (rc->off < s->off + s->len && rc->off + rc->len > s->off) {
                    if (r0 == (size_t)-1)
                        r0 = k;
                    r1 = k;
                }
                if (rc->off + 5 > s->off && rc->off < s->off + s->len)
                    hdr = 1;
            }
            if (!g->len)
                buf_puts(g, "# conn\tdir\tstream_offset\tlength\ttcp_seq\t"
                            "data_segment\tfirst_record\tlast_record\t"
                            "has_header\n");
            buf_printf(g, "%d\t%s\t%llu\t%zu\t%u\t%zu\t%zu\t%zu\t%s\n",
                       c->tcp.index, dir == SRV ? "s2c" : "c2s",
                       (unsigned long long)s->off, s->len,
                       (unsigned)(d->isn + 1 + (uint32_t)s->off), i + 1, r0, r1,
                       hdr ? "yes" : "no");
        }
    }
}

/* Checks the connection's traffic, chooses capture loss, writes frames. */
void conn_end(struct conn *c)
{
    struct run *r = c->r;
    int clear = c->net == &r->clear;
    struct connsum *s;
    char who[64];
    snprintf(who, sizeof who, "%s conn %d", r->sc->name, c->tcp.index);
    if (!c->h2) { /* h2_exchange checked HTTP/2 already */
        http_check_requests(c->sd[SRV].got.p, c->sd[SRV].got.len, c->tx,
                            c->ntx, who);
        http_check_responses(c->sd[CLI].got.p, c->sd[CLI].got.len, c->tx,
                             c->ntx, who);
    }
    if (!c->plain) {
        tcp_parse_records(&c->tcp.d[CLI]);
        tcp_parse_records(&c->tcp.d[SRV]);
        choose_drops(c);
        gaps_rows(c);
    }
    for (size_t i = 0; i < c->ntx; i++) {
        struct tx *t = c->tx[i];
        if (tcp_range_dropped(&c->tcp, CLI, t->rq[0], t->rq[1]) ||
            tcp_range_dropped(&c->tcp, SRV, t->rs[0], t->rs[1])) {
            size_t l = strlen(t->note);
            snprintf(t->note + l, sizeof t->note - l, "%sgap", l ? "," : "");
        }
    }
    tcp_flush(&c->tcp);
    if (clear) {
        xgrow((void **)&r->sumc, &r->capsumc, r->nsumc + 1, sizeof *r->sumc);
        s = &r->sumc[r->nsumc++];
    } else if (c->net == &r->h2net) {
        xgrow((void **)&r->sumh, &r->capsumh, r->nsumh + 1, sizeof *r->sumh);
        s = &r->sumh[r->nsumh++];
    } else {
        xgrow((void **)&r->sum, &r->capsum, r->nsum + 1, sizeof *r->sum);
        s = &r->sum[r->nsum++];
    }
    tcp_summary(&c->tcp, s);
    for (int k = 0; k < 2; k++) {
        SSL_free(c->sd[k].ssl); /* frees the BIOs too */
        buf_free(&c->sd[k].out);
        buf_free(&c->sd[k].got);
    }
    tcp_free(&c->tcp);
}
