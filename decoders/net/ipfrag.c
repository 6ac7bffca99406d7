/* SPDX-License-Identifier: MIT */
/* IP fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5): a small table of
 * datagrams in progress, each a buffer and the sorted byte ranges it holds.
 * Fragments are rare in real traffic, so a linear table is enough; every
 * size is bounded by the limits in ipfrag.h. */
#include "pcapsift/ipfrag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DATAGRAM 65535u /* IPv4 total length; IPv6 fragments likewise */

struct range {
    uint32_t start, end; /* [start, end) */
};

struct datagram {
    bool used;
    uint8_t version, protocol;
    struct sift_ip_addr src, dst;
    uint32_t id;
    int64_t first_ns;
    uint32_t total;      /* known once the last fragment came; 0 before */
    uint32_t held;       /* bytes the buffer was grown to */
    uint8_t *buf;
    struct range *ranges;
    uint32_t nranges, fragments;
    struct sift_packet head; /* network fields from the first fragment;
                                its record pointer is not kept (records are
                                borrowed only for their own call) */
    uint64_t first_offset, first_record; /* where the datagram began */
};

struct sift_ipfrag {
    struct sift_ipfrag_limits lim;
    sift_warning_fn on_warning;
    void *ctx;
    struct datagram *slots;
    uint32_t bytes;       /* held over all datagrams */
    uint8_t *done_buf;    /* the last completed datagram's bytes */
    struct sift_ipfrag_stats stats;
};

static void warn_at(struct sift_ipfrag *f, const struct sift_packet *p,
                    uint64_t offset, uint64_t record, const char *what);

static void warn(struct sift_ipfrag *f, const struct sift_packet *p,
                 const char *what)
{
    const struct sift_record *r = p->record;
    warn_at(f, p, r ? r->offset : 0, r ? r->number : 0, what);
}

static void warn_at(struct sift_ipfrag *f, const struct sift_packet *p,
                    uint64_t offset, uint64_t record, const char *what)
{
    if (f->on_warning == NULL)
        return;
    char msg[160];
    char a[46], b[46];
    snprintf(msg, sizeof msg, "IP fragment %s -> %s id %u: %s",
             sift_ip_addr_text(&p->src, a), sift_ip_addr_text(&p->dst, b),
             p->ip_id, what);
    struct sift_warning w = {SIFT_WARN_MALFORMED_RECORD, SIFT_LAYER_IP,
                             offset, record, msg};
    f->on_warning(f->ctx, &w);
}

struct sift_ipfrag *sift_ipfrag_new(const struct sift_ipfrag_limits *limits,
                                    sift_warning_fn on_warning, void *ctx)
{
    static const struct sift_ipfrag_limits defaults =
        SIFT_IPFRAG_DEFAULT_LIMITS;
    struct sift_ipfrag *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->lim = limits ? *limits : defaults;
    f->on_warning = on_warning;
    f->ctx = ctx;
    f->slots = calloc(f->lim.max_datagrams ? f->lim.max_datagrams : 1,
                      sizeof *f->slots);
    if (f->slots == NULL) {
        free(f);
        return NULL;
    }
    return f;
}

static void release(struct sift_ipfrag *f, struct datagram *d)
{
    f->bytes -= d->held;
    free(d->buf);
    free(d->ranges);
    memset(d, 0, sizeof *d);
}

void sift_ipfrag_free(struct sift_ipfrag *f)
{
    if (f == NULL)
        return;
    for (uint32_t i = 0; i < f->lim.max_datagrams; i++)
        if (f->slots[i].used)
            release(f, &f->slots[i]);
    free(f->slots);
    free(f->done_buf);
    free(f);
}

const struct sift_ipfrag_stats *sift_ipfrag_stats(const struct sift_ipfrag *f)
{
    return &f->stats;
}

void sift_ipfrag_expire(struct sift_ipfrag *f, int64_t now_ns)
{
    for (uint32_t i = 0; i < f->lim.max_datagrams; i++) {
        struct datagram *d = &f->slots[i];
        /* unsigned: exact for any two int64 times, no overflow */
        if (d->used && now_ns > d->first_ns &&
            (uint64_t)now_ns - (uint64_t)d->first_ns >
                (uint64_t)f->lim.timeout_ns) {
            warn_at(f, &d->head, d->first_offset, d->first_record,
                    "incomplete after the timeout; dropped");
            f->stats.expired++;
            release(f, d);
        }
    }
}

static bool same_datagram(const struct datagram *d, const struct sift_packet *p)
{
    return d->used && d->version == p->ip_version && d->id == p->ip_id &&
           d->protocol == p->protocol &&
           memcmp(&d->src, &p->src, sizeof d->src) == 0 &&
           memcmp(&d->dst, &p->dst, sizeof d->dst) == 0;
}

static struct datagram *find_or_start(struct sift_ipfrag *f,
                                      const struct sift_packet *p)
{
    struct datagram *free_slot = NULL;
    for (uint32_t i = 0; i < f->lim.max_datagrams; i++) {
        struct datagram *d = &f->slots[i];
        if (same_datagram(d, p))
            return d;
        if (!d->used && free_slot == NULL)
            free_slot = d;
    }
    if (free_slot == NULL) {
        warn(f, p, "too many datagrams being reassembled; fragment dropped");
        f->stats.dropped++;
        return NULL;
    }
    struct datagram *d = free_slot;
    d->used = true;
    d->version = p->ip_version;
    d->protocol = p->protocol;
    d->src = p->src;
    d->dst = p->dst;
    d->id = p->ip_id;
    d->first_ns = p->record ? p->record->ts_ns : 0;
    d->first_offset = p->record ? p->record->offset : 0;
    d->first_record = p->record ? p->record->number : 0;
    d->head = *p;
    d->head.record = NULL;
    d->head.payload = NULL;
    return d;
}

/* Grows the datagram's buffer to hold end bytes, within the byte budget. */
static bool hold(struct sift_ipfrag *f, struct datagram *d, uint32_t end)
{
    if (end <= d->held)
        return true;
    uint32_t want = end < 2048 ? 2048 : end;
    if (want < d->held * 2 && d->held * 2 <= MAX_DATAGRAM)
        want = d->held * 2;
    if (f->bytes - d->held + want > f->lim.max_bytes)
        return false;
    uint8_t *nb = realloc(d->buf, want);
    if (nb == NULL)
        return false;
    f->bytes += want - d->held;
    d->buf = nb;
    d->held = want;
    return true;
}

/* Copies [start, end) of data into the parts of the buffer no range holds
 * yet; compares the parts already held and counts differences. */
static void merge(struct sift_ipfrag *f, struct datagram *d,
                  const struct sift_packet *p, uint32_t start, uint32_t end)
{
    const uint8_t *data = p->payload;
    bool overlap = false, conflict = false;
    uint32_t at = start;
    for (uint32_t i = 0; i <= d->nranges && at < end; i++) {
        uint32_t gap_end = i < d->nranges ? d->ranges[i].start : end;
        if (gap_end > end)
            gap_end = end;
        if (gap_end > at) { /* a hole: take the new bytes */
            memcpy(d->buf + at, data + (at - start), gap_end - at);
            at = gap_end;
        }
        if (i < d->nranges && at < end && at < d->ranges[i].end) {
            uint32_t o_end = d->ranges[i].end < end ? d->ranges[i].end : end;
            overlap = true;
            if (memcmp(d->buf + at, data + (at - start), o_end - at) != 0)
                conflict = true;
            at = o_end;
        }
    }
    if (overlap)
        f->stats.overlaps++;
    if (conflict) {
        f->stats.conflicts++;
        warn(f, p, "overlapping fragment with different bytes; the first "
                   "bytes were kept");
    }
}

/* Adds [start, end) to the sorted, merged list of held ranges. */
static bool add_range(struct datagram *d, uint32_t start, uint32_t end,
                      uint32_t max)
{
    struct range *r = realloc(d->ranges, (d->nranges + 1) * sizeof *r);
    if (r == NULL || d->nranges + 1 > max)
        return (d->ranges = r ? r : d->ranges), false;
    d->ranges = r;
    uint32_t i = 0;
    while (i < d->nranges && r[i].start < start)
        i++;
    memmove(r + i + 1, r + i, (d->nranges - i) * sizeof *r);
    r[i].start = start;
    r[i].end = end;
    d->nranges++;
    uint32_t w = 0; /* merge touching and overlapping neighbours */
    for (uint32_t k = 1; k < d->nranges; k++) {
        if (r[k].start <= r[w].end) {
            if (r[k].end > r[w].end)
                r[w].end = r[k].end;
        } else {
            r[++w] = r[k];
        }
    }
    d->nranges = w + 1;
    return true;
}

static int complete(struct sift_ipfrag *f, struct datagram *d,
                    const struct sift_packet *p, struct sift_packet *done)
{
    free(f->done_buf);
    f->done_buf = d->buf; /* handed over; freed on the next completion */
    d->buf = NULL;
    *done = d->head;
    done->record = p->record;
    done->flags = (d->head.flags & ~(uint32_t)SIFT_PKT_FRAGMENT) |
                  SIFT_PKT_REASSEMBLED;
    done->frag_offset = 0;
    done->frag_more = false;
    uint32_t total = d->total;
    release(f, d);
    f->stats.datagrams++;
    sift_decode_transport(done, f->done_buf, total);
    return 1;
}

int sift_ipfrag_add(struct sift_ipfrag *f, const struct sift_packet *p,
                    struct sift_packet *done)
{
    f->stats.fragments++;
    if (p->record != NULL)
        sift_ipfrag_expire(f, p->record->ts_ns);
    uint32_t start = p->frag_offset;
    uint32_t end = start + p->payload_len;
    if (p->payload_len < p->payload_wire_len) {
        warn(f, p, "fragment cut by the snap length; its datagram is lost");
        f->stats.dropped++;
        return 0;
    }
    if (end > MAX_DATAGRAM || (p->frag_more && p->payload_len % 8 != 0)) {
        warn(f, p, "fragment with impossible length or offset; dropped");
        f->stats.dropped++;
        return 0;
    }
    struct datagram *d = find_or_start(f, p);
    if (d == NULL)
        return 0;
    if (!p->frag_more && d->total == 0)
        d->total = end;
    if ((d->total != 0 && end > d->total) || !hold(f, d, end) ||
        ++d->fragments > f->lim.max_fragments) {
        warn(f, p, "datagram over its length or the reassembly limits; "
                   "dropped");
        f->stats.dropped++;
        release(f, d);
        return 0;
    }
    if (start == 0) { /* the first fragment has the transport header */
        d->head = *p;
        d->head.record = NULL;
        d->head.payload = NULL;
    }
    merge(f, d, p, start, end);
    if (!add_range(d, start, end, f->lim.max_fragments)) {
        f->stats.dropped++;
        release(f, d);
        return 0;
    }
    if (d->total != 0 && d->nranges == 1 && d->ranges[0].start == 0 &&
        d->ranges[0].end == d->total)
        return complete(f, d, p, done);
    return 0;
}
