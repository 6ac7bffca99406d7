/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: the synthetic TCP connection and the classic pcap writer.
 *
 * A connection is an IPv4 TCP connection 10.99.1.1:(50000+n) ->
 * 10.99.1.2:443 over Ethernet. Every frame gets correct IP and TCP
 * checksums and a timestamp 1 ms after the previous one. Frames are queued
 * per connection and written when it ends, so that segments can still be
 * left out of the file ("capture loss": the peer got them, the file does
 * not have them, and the peer's ACKs still cover them).
 */
#include "tlsgen.h"

#include <stdlib.h>
#include <string.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

/* Largest TCP payload that keeps the IPv4 total length <= 65535. */
#define MAX_PAYLOAD (65535 - 20 - 20)
#define SERVER_PORT 443
#define PCAP_SNAPLEN 262144u

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint32_t rd_le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
           p[0];
}

/* Internet checksum: sum of big-endian 16-bit words (odd byte padded). */
static uint32_t csum_add(uint32_t s, const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i + 1 < n; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static unsigned csum_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (unsigned)(~s & 0xffff);
}

/* The pseudo-header part of a TCP checksum. */
static uint32_t csum_pseudo(const unsigned char *src, const unsigned char *dst,
                            size_t tcplen)
{
    unsigned char ph[12];
    memcpy(ph, src, 4);
    memcpy(ph + 4, dst, 4);
    ph[8] = 0;
    ph[9] = 6;
    put16(ph + 10, (unsigned)tcplen);
    return csum_add(0, ph, sizeof ph);
}

int net_open(struct net *n, const char *path)
{
    unsigned char h[24];
    memset(n, 0, sizeof *n);
    snprintf(n->path, sizeof n->path, "%s", path);
    n->f = fopen(path, "wb");
    if (!n->f)
        return -1;
    n->clock_us = TG_EPOCH * 1000000ULL;
    /* classic pcap, little-endian, microseconds, v2.4, Ethernet */
    le32(h, 0xa1b2c3d4u);
    h[4] = 2;
    h[5] = 0;
    h[6] = 4;
    h[7] = 0;
    le32(h + 8, 0);
    le32(h + 12, 0);
    le32(h + 16, PCAP_SNAPLEN);
    le32(h + 20, 1);
    if (fwrite(h, 1, sizeof h, n->f) != sizeof h)
        return -1;
    return 0;
}

void net_close(struct net *n)
{
    if (n->f && fclose(n->f) != 0)
        die("write error on %s", n->path);
    n->f = NULL;
}

void tcp_init(struct tcpconn *t, struct net *n, int index)
{
    static const struct segpolicy mss = {1448, NULL, 0, 0};
    uint64_t s;
    memset(t, 0, sizeof *t);
    t->net = n;
    t->index = index;
    for (int side = 0; side < 2; side++) {
        static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x99, 0x01, 0x00};
        memcpy(t->mac[side], mac, 6);
        t->mac[side][5] = (uint8_t)(side + 1);
        t->ip[side][0] = 10;
        t->ip[side][1] = 99;
        t->ip[side][2] = 1;
        t->ip[side][3] = (uint8_t)(side + 1);
        s = seed_of("isn", (unsigned)(index * 2 + side));
        t->d[side].isn = (uint32_t)mix64(&s);
        t->d[side].ipid = (uint16_t)mix64(&s);
        t->d[side].seg = mss;
    }
    t->port[CLI] = (uint16_t)(50000 + index);
    t->port[SRV] = SERVER_PORT;
}

void tcp_set_seg(struct tcpconn *t, int side, const struct segpolicy *p)
{
    t->d[side].seg = *p;
    t->d[side].seg.pos = 0;
}

/* Next segment size of a policy. */
static size_t seg_next(struct segpolicy *p)
{
    size_t n;
    if (p->fixed)
        return p->fixed;
    n = p->list[p->pos];
    p->pos = (p->pos + 1) % p->nlist;
    return n;
}

/* Builds and queues one frame sent by side. */
static void emit(struct tcpconn *t, int side, unsigned flags,
                 const unsigned char *d, size_t n)
{
    unsigned char h[14 + 20 + 32];
    struct tcpdir *me = &t->d[side], *peer = &t->d[1 - side];
    size_t optlen = (flags & TH_SYN) ? 12 : 0;
    size_t thl = 20 + optlen, hl = 14 + 20 + thl;
    uint32_t seq, ack = 0, sum;
    struct pkt *pk;

    if (n > MAX_PAYLOAD)
        die("segment of %zu bytes is too long for IPv4", n);
    seq = (flags & TH_SYN)
              ? me->isn
              : me->isn + 1 + (uint32_t)me->sent + (uint32_t)me->fin;
    if (flags & TH_ACK)
        ack = peer->isn + 1 + (uint32_t)peer->sent + (uint32_t)peer->fin;

    /* Ethernet II */
    memcpy(h, t->mac[1 - side], 6);
    memcpy(h + 6, t->mac[side], 6);
    put16(h + 12, 0x0800);
    /* IPv4, DF, TTL 64 */
    h[14] = 0x45;
    h[15] = 0;
    put16(h + 16, (unsigned)(20 + thl + n));
    put16(h + 18, me->ipid++);
    put16(h + 20, 0x4000);
    h[22] = 64;
    h[23] = 6;
    put16(h + 24, 0);
    memcpy(h + 26, t->ip[side], 4);
    memcpy(h + 30, t->ip[1 - side], 4);
    put16(h + 24, csum_fold(csum_add(0, h + 14, 20)));
    /* TCP; SYNs carry MSS 1460, SACK permitted and window scale 7 */
    put16(h + 34, t->port[side]);
    put16(h + 36, t->port[1 - side]);
    put32(h + 38, seq);
    put32(h + 42, ack);
    h[46] = (unsigned char)((thl / 4) << 4);
    h[47] = (unsigned char)flags;
    put16(h + 48, (flags & TH_SYN) ? 64240 : 2048);
    put16(h + 50, 0);
    put16(h + 52, 0);
    if (optlen) {
        static const unsigned char opt[12] = {2, 4, 0x05, 0xb4, 1, 1,
                                              4, 2, 1,    3,    3, 7};
        memcpy(h + 54, opt, sizeof opt);
    }
    sum = csum_pseudo(t->ip[side], t->ip[1 - side], thl + n);
    sum = csum_add(sum, h + 34, thl);
    sum = csum_add(sum, d, n);
    put16(h + 50, csum_fold(sum));

    xgrow((void **)&t->pk, &t->cappk, t->npk + 1, sizeof *t->pk);
    pk = &t->pk[t->npk++];
    pk->ts_us = t->net->clock_us;
    pk->off = t->frames.len;
    pk->len = hl + n;
    pk->dropped = 0;
    t->net->clock_us += 1000;
    buf_put(&t->frames, h, hl);
    buf_put(&t->frames, d, n);
}

void tcp_handshake(struct tcpconn *t)
{
    emit(t, CLI, TH_SYN, NULL, 0);
    emit(t, SRV, TH_SYN | TH_ACK, NULL, 0);
    emit(t, CLI, TH_ACK, NULL, 0);
}

void tcp_send(struct tcpconn *t, int side, const unsigned char *d, size_t n)
{
    struct tcpdir *me = &t->d[side];
    size_t pos = 0;
    if (me->fin)
        die("data after FIN");
    while (pos < n) {
        size_t sz = seg_next(&me->seg);
        struct seginfo *si;
        if (sz > MAX_PAYLOAD)
            sz = MAX_PAYLOAD;
        if (sz > n - pos)
            sz = n - pos;
        xgrow((void **)&me->segs, &me->capsegs, me->nsegs + 1,
              sizeof *me->segs);
        si = &me->segs[me->nsegs++];
        si->off = me->sent;
        si->len = sz;
        si->pkt = t->npk;
        emit(t, side, TH_ACK | (pos + sz == n ? TH_PSH : 0), d + pos, sz);
        buf_put(&me->wire, d + pos, sz);
        me->sent += sz;
        pos += sz;
        /* this segment acknowledges everything the sender had received */
        t->owed[side] = 0;
        /* the receiver ACKs at least every second full-size segment */
        t->owed[1 - side] += sz;
        if (t->owed[1 - side] >= 2 * 1448 && pos < n) {
            emit(t, 1 - side, TH_ACK, NULL, 0);
            t->owed[1 - side] = 0;
        }
    }
}

void tcp_ack(struct tcpconn *t, int side)
{
    if (t->owed[side]) {
        emit(t, side, TH_ACK, NULL, 0);
        t->owed[side] = 0;
    }
}

void tcp_fin(struct tcpconn *t, int side)
{
    emit(t, side, TH_FIN | TH_ACK, NULL, 0);
    t->d[side].fin = 1;
    t->owed[side] = 0;
    t->owed[1 - side] += 1;
}

void tcp_parse_records(struct tcpdir *d)
{
    uint64_t off = 0;
    d->nrecs = 0;
    while (off + 5 <= d->wire.len) {
        const unsigned char *p = d->wire.p + off;
        size_t len = 5 + get16(p + 3);
        struct recinfo *r;
        xgrow((void **)&d->recs, &d->caprecs, d->nrecs + 1, sizeof *d->recs);
        r = &d->recs[d->nrecs++];
        r->off = off;
        r->len = len;
        r->type = p[0];
        off += len;
    }
}

void tcp_drop(struct tcpconn *t, int dir, size_t i)
{
    if (i >= t->d[dir].nsegs)
        die("cannot drop segment %zu of %zu", i + 1, t->d[dir].nsegs);
    t->pk[t->d[dir].segs[i].pkt].dropped = 1;
}

int tcp_seg_dropped(const struct tcpconn *t, int dir, size_t i)
{
    return t->pk[t->d[dir].segs[i].pkt].dropped;
}

int tcp_range_dropped(const struct tcpconn *t, int dir, uint64_t a, uint64_t b)
{
    const struct tcpdir *d = &t->d[dir];
    for (size_t i = 0; i < d->nsegs; i++)
        if (tcp_seg_dropped(t, dir, i) && d->segs[i].off < b &&
            d->segs[i].off + d->segs[i].len > a)
            return 1;
    return 0;
}

void tcp_flush(struct tcpconn *t)
{
    for (size_t i = 0; i < t->npk; i++) {
        const struct pkt *pk = &t->pk[i];
        unsigned char h[16];
        if (pk->dropped)
            continue;
        le32(h, (uint32_t)(pk->ts_us / 1000000));
        le32(h + 4, (uint32_t)(pk->ts_us % 1000000));
        le32(h + 8, (uint32_t)pk->len);
        le32(h + 12, (uint32_t)pk->len);
        if (fwrite(h, 1, 16, t->net->f) != 16 ||
            fwrite(t->frames.p + pk->off, 1, pk->len, t->net->f) != pk->len)
            die("write error on %s", t->net->path);
        t->net->npkts++;
    }
    /* the frames are on disk: keep only what the summaries need */
    buf_free(&t->frames);
}

void tcp_summary(const struct tcpconn *t, struct connsum *s)
{
    memset(s, 0, sizeof *s);
    s->cport = t->port[CLI];
    for (int dir = 0; dir < 2; dir++) {
        const struct tcpdir *d = &t->d[dir];
        struct sha_ctx *h = sha_new();
        s->isn[dir] = d->isn;
        s->len[dir] = d->sent;
        for (size_t i = 0; i < d->nsegs; i++) {
            if (tcp_seg_dropped(t, dir, i))
                continue;
            sha_add(h, d->wire.p + d->segs[i].off, d->segs[i].len);
            s->seen[dir] += d->segs[i].len;
        }
        sha_end(h, s->sha[dir]);
    }
}

void tcp_free(struct tcpconn *t)
{
    for (int dir = 0; dir < 2; dir++) {
        buf_free(&t->d[dir].wire);
        free(t->d[dir].segs);
        free(t->d[dir].recs);
    }
    buf_free(&t->frames);
    free(t->pk);
    memset(t, 0, sizeof *t);
}

/* ---- read-back check ---------------------------------------------------- */

struct chk { /* per connection state while re-reading */
    struct sha_ctx *h[2];
    uint64_t next[2], seen[2];
    int syn[2], fin[2];
};

static int bad(const char *path, unsigned long frame, const char *what)
{
    fprintf(stderr, "tlsgen: check %s: frame %lu: %s\n", path, frame, what);
    return -1;
}

int pcap_check(const char *path, const struct connsum *s, size_t n, int quiet)
{
    FILE *f = fopen(path, "rb");
    unsigned char gh[24], rh[16];
    unsigned char *fr = xmalloc(PCAP_SNAPLEN);
    struct chk *c = xmalloc(n * sizeof *c);
    uint64_t last_ts = 0;
    unsigned long frame = 0;
    int rc = 0;

    memset(c, 0, n * sizeof *c);
    if (!f || fread(gh, 1, 24, f) != 24 || rd_le32(gh) != 0xa1b2c3d4u ||
        rd_le32(gh + 20) != 1)
        die("check %s: not a little-endian Ethernet pcap", path);
    while (rc == 0 && fread(rh, 1, 16, f) == 16) {
        uint32_t len = rd_le32(rh + 8);
        uint64_t ts = (uint64_t)rd_le32(rh) * 1000000 + rd_le32(rh + 4);
        const unsigned char *ip = fr + 14, *tcp;
        size_t iplen, thl, plen, k;
        int dir;
        uint32_t rel;
        frame++;
        if (len > PCAP_SNAPLEN || len != rd_le32(rh + 12) ||
            fread(fr, 1, len, f) != len)
            return bad(path, frame, "bad record length");
        if (ts <= last_ts)
            rc = bad(path, frame, "timestamp not increasing");
        last_ts = ts;
        if (len < 54 || get16(fr + 12) != 0x0800 || ip[0] != 0x45 || ip[9] != 6)
            return bad(path, frame, "not Ethernet/IPv4/TCP");
        iplen = get16(ip + 2);
        if (iplen + 14 != len)
            rc = bad(path, frame, "IP total length");
        if (csum_fold(csum_add(0, ip, 20)) != 0)
            rc = bad(path, frame, "IP checksum");
        tcp = ip + 20;
        thl = (size_t)(tcp[12] >> 4) * 4;
        if (thl < 20 || 20 + thl > iplen)
            return bad(path, frame, "TCP header length");
        plen = iplen - 20 - thl;
        if (csum_fold(csum_add(csum_pseudo(ip + 12, ip + 16, iplen - 20), tcp,
                               iplen - 20)) != 0)
            rc = bad(path, frame, "TCP checksum");
        dir = get16(tcp + 2) == SERVER_PORT ? CLI : SRV;
        for (k = 0; k < n; k++)
            if (s[k].cport == get16(tcp + (dir == CLI ? 0 : 2)))
                break;
        if (k == n)
            return bad(path, frame, "unknown connection");
        if (tcp[13] & TH_SYN) {
            c[k].syn[dir]++;
            continue;
        }
        if (tcp[13] & TH_FIN)
            c[k].fin[dir]++;
        if (!plen)
            continue;
        rel = get32(tcp + 4) - s[k].isn[dir] - 1;
        if (rel < c[k].next[dir])
            rc = bad(path, frame, "overlapping data");
        if (!c[k].h[dir])
            c[k].h[dir] = sha_new();
        sha_add(c[k].h[dir], tcp + thl, plen);
        c[k].next[dir] = (uint64_t)rel + plen;
        c[k].seen[dir] += plen;
    }
    if (f)
        fclose(f);
    for (size_t k = 0; k < n; k++) {
        for (int dir = 0; dir < 2; dir++) {
            unsigned char h[32];
            if (!c[k].h[dir])
                c[k].h[dir] = sha_new();
            sha_end(c[k].h[dir], h);
            c[k].h[dir] = NULL;
            if (c[k].seen[dir] != s[k].seen[dir] ||
                memcmp(h, s[k].sha[dir], 32) != 0)
                rc = bad(path, 0, "a stream differs from what was sent");
            if (c[k].syn[dir] != 1)
                rc = bad(path, 0, "not exactly one SYN per direction");
        }
        if (c[k].fin[CLI] != 1 || c[k].fin[SRV] != 1)
            rc = bad(path, 0, "not one FIN per direction");
    }
    if (rc == 0 && !quiet)
        fprintf(stderr, "tlsgen: check %s: %lu frames, %zu connections ok\n",
                path, frame, n);
    free(fr);
    free(c);
    return rc;
}
