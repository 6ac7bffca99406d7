/* SPDX-License-Identifier: MIT */
/* The bodies of pcap-ng blocks (draft-ietf-opsawg-pcapng §4, §5): options,
 * interfaces, packets (EPB, SPB, obsolete PB), name resolution, interface
 * statistics and decryption secrets. Every read goes through the cursor;
 * a damaged block is skipped with a warning and the file goes on. */
#include "pcapng_internal.h"

#include <stdlib.h>
#include <string.h>

#define OPT_END 0
#define OPT_COMMENT 1

/* Bytes of padding that follow n bytes of data to reach a 4-byte boundary. */
static size_t pad4(size_t n)
{
    return (4 - (n & 3)) & 3;
}

int pcapng_next_option(struct sift_reader *r, const struct pcapng_block *b,
                       struct sift_cursor *opts, struct pcapng_option *o)
{
    if (sift_cursor_left(opts) == 0)
        return 0; /* options may end without opt_endofopt */
    uint64_t at = sift_cursor_offset(opts);
    o->code = sift_cursor_u16(opts, b->big_endian);
    o->len = sift_cursor_u16(opts, b->big_endian);
    if (!sift_cursor_ok(opts)) {
        reader_warn(r, SIFT_WARN_MALFORMED_OPTION, at, 0,
                    "option header cut short in block type 0x%08x", b->type);
        return -1;
    }
    if (o->code == OPT_END)
        return 0;
    o->value = sift_cursor_sub(opts, o->len);
    sift_cursor_skip(opts, pad4(o->len));
    if (!sift_cursor_ok(&o->value)) {
        reader_warn(r, SIFT_WARN_MALFORMED_OPTION, at, 0,
                    "option %u of length %u runs past the end of block type "
                    "0x%08x", o->code, o->len, b->type);
        return -1;
    }
    return 1;
}

/* ---- Interface Description Block (§4.2) --------------------------------- */

static void tsresol_option(struct sift_reader *r, struct sift_interface *i,
                           struct pcapng_option *o)
{
    if (o->len != 1) {
        reader_warn(r, SIFT_WARN_MALFORMED_OPTION,
                    sift_cursor_offset(&o->value), 0,
                    "if_tsresol of %u bytes instead of 1; microseconds "
                    "assumed", o->len);
        return;
    }
    uint8_t v = sift_cursor_u8(&o->value);
    bool pow2 = (v & 0x80) != 0;
    uint8_t exp = v & 0x7f;
    /* 10^-19 and 2^-63 are the finest units a 64-bit count can use. */
    if ((!pow2 && exp > 19) || (pow2 && exp > 63)) {
        reader_warn(r, SIFT_WARN_MALFORMED_OPTION,
                    sift_cursor_offset(&o->value), 0,
                    "if_tsresol 0x%02x is finer than any 64-bit timestamp "
                    "can hold; microseconds assumed", v);
        return;
    }
    i->tsresol_exp = exp;
    i->tsresol_pow2 = pow2;
}

static void idb_option(struct sift_reader *r, struct pcapng_block *b,
                       struct sift_interface *i, struct pcapng_option *o)
{
    size_t n = o->len;
    struct sift_cursor v = o->value;
    struct sift_text t = {(const char *)sift_cursor_bytes(&v, n), n};
    switch (o->code) {
    case OPT_COMMENT: reader_add_comment(&i->comments, (const uint8_t *)t.ptr, n); break;
    case 2: i->name = t; break;
    case 3: i->description = t; break;
    case 8: i->speed = sift_cursor_u64(&o->value, b->big_endian); break;
    case 9: tsresol_option(r, i, o); break;
    case 11: { /* if_filter: a type byte, then the filter */
        struct sift_cursor f = o->value;
        sift_cursor_skip(&f, 1);
        i->filter.len = sift_cursor_left(&f);
        i->filter.ptr = (const char *)sift_cursor_bytes(&f, i->filter.len);
        break;
    }
    case 12: i->os = t; break;
    case 13: i->fcs_len = sift_cursor_u8(&o->value); break;
    case 14: i->tsoffset = (int64_t)sift_cursor_u64(&o->value, b->big_endian); break;
    case 15: i->hardware = t; break;
    default: break;
    }
}

int pcapng_read_idb(struct sift_reader *r, struct pcapng_block *b)
{
    struct pcapng_state *st = r->state;
    if (r->iface_count >= MAX_INTERFACES ||
        st->interface_bytes + b->length > MAX_INTERFACE_BYTES) {
        reader_warn(r, SIFT_WARN_MALFORMED_BLOCK, b->offset, 0,
                    "interface %zu skipped: over the limit of %u interfaces "
                    "or 16 MiB of interface blocks per section",
                    r->iface_count, MAX_INTERFACES);
        return SIFT_END;
    }
    /* The texts point into a copy of the body, kept with the interface. */
    size_t body_len = sift_cursor_left(&b->body);
    uint8_t *copy = malloc(body_len ? body_len : 1);
    if (copy == NULL)
        return SIFT_ERR_NOMEM;
    memcpy(copy, sift_cursor_bytes(&b->body, body_len), body_len);
    struct sift_cursor c = sift_cursor_make(copy, body_len, b->offset + 8);
    struct sift_interface i;
    memset(&i, 0, sizeof i);
    i.section = st->sections - 1;
    i.linktype = sift_cursor_u16(&c, b->big_endian);
    i.linktype_raw = i.linktype;
    sift_cursor_skip(&c, 2); /* reserved */
    i.snaplen = sift_cursor_u32(&c, b->big_endian);
    i.fcs_len = -1;
    i.tsresol_exp = 6;
    if (!sift_cursor_ok(&c)) {
        free(copy);
        reader_warn(r, SIFT_WARN_MALFORMED_BLOCK, b->offset, 0,
                    "interface description block too short (%zu bytes); "
                    "interface %zu's packets will be skipped", body_len,
                    r->iface_count);
        /* It still takes its id, so later interfaces keep theirs. */
        memset(&i, 0, sizeof i);
        i.section = st->sections - 1;
        i.damaged = true;
        i.fcs_len = -1;
        i.tsresol_exp = 6;
        const struct sift_interface *placeholder =
            reader_add_iface(r, &i, NULL);
        if (placeholder == NULL)
            return SIFT_ERR_NOMEM;
        st->interface_bytes += b->length;
        if (r->cb.on_interface != NULL)
            r->cb.on_interface(r->cb.ctx, placeholder);
        return SIFT_END;
    }
    struct pcapng_option o;
    while (pcapng_next_option(r, b, &c, &o) == 1)
        idb_option(r, b, &i, &o);
    const struct sift_interface *added = reader_add_iface(r, &i, copy);
    if (added == NULL) {
        free(copy);
        return SIFT_ERR_NOMEM;
    }
    st->interface_bytes += b->length;
    if (r->cb.on_interface != NULL)
        r->cb.on_interface(r->cb.ctx, added);
    return SIFT_END;
}

/* ---- packets (§4.3, §4.4, appendix: obsolete Packet Block) -------------- */

static const struct sift_interface *packet_iface(struct sift_reader *r,
                                                 struct pcapng_block *b,
                                                 uint32_t id)
{
    const struct sift_interface *i = sift_reader_interface(r, id);
    if (i == NULL)
        reader_warn(r, SIFT_WARN_MALFORMED_RECORD, b->offset, r->records + 1,
                    "packet block (type 0x%08x) names interface %u, but the "
                    "section has %zu; packet skipped", b->type, id,
                    r->iface_count);
    else if (i->damaged)
        reader_warn(r, SIFT_WARN_MALFORMED_RECORD, b->offset, r->records + 1,
                    "packet on interface %u, whose description was "
                    "damaged; packet skipped", id);
    return i != NULL && !i->damaged ? i : NULL;
}

/* Takes caplen bytes of packet data and their padding from the body. */
static const uint8_t *packet_data(struct sift_reader *r,
                                  struct pcapng_block *b, uint32_t caplen)
{
    const uint8_t *data = sift_cursor_bytes(&b->body, caplen);
    if (data == NULL) {
        reader_warn(r, SIFT_WARN_MALFORMED_RECORD, b->offset, r->records + 1,
                    "captured length %u runs past the end of its %u-byte "
                    "block; packet skipped", caplen, b->length);
        return NULL;
    }
    size_t pad = pad4(caplen);
    if (!sift_cursor_skip(&b->body, pad < sift_cursor_left(&b->body)
                                        ? pad
                                        : sift_cursor_left(&b->body)))
        return NULL;
    return data;
}

static void fill_record(struct sift_reader *r, struct pcapng_block *b,
                        const struct sift_interface *i, struct sift_record *rec)
{
    struct pcapng_state *st = r->state;
    rec->number = ++r->records;
    rec->offset = b->offset;
    rec->section = st->sections - 1;
    rec->interface = i->id;
    rec->iface = i;
    rec->linktype = i->linktype;
    if (i->snaplen != 0 && rec->caplen > i->snaplen)
        reader_warn(r, SIFT_WARN_LENGTH, b->offset, rec->number,
                    "captured length %u is over the snap length %u",
                    rec->caplen, i->snaplen);
    if (rec->caplen > rec->origlen)
        reader_warn(r, SIFT_WARN_LENGTH, b->offset, rec->number,
                    "captured length %u is over the original length %u",
                    rec->caplen, rec->origlen);
}

static void set_timestamp(struct sift_reader *r, struct pcapng_block *b,
                          const struct sift_interface *i, uint32_t hi,
                          uint32_t lo, struct sift_record *rec)
{
    rec->has_timestamp = true;
    if (!sift_timestamp_to_ns(i, (uint64_t)hi << 32 | lo, &rec->ts_ns))
        reader_warn(r, SIFT_WARN_TIMESTAMP, b->offset, rec->number,
                    "timestamp outside what 64-bit nanoseconds since 1970 "
                    "hold (years 1677 to 2262); clamped");
}

static void packet_options(struct sift_reader *r, struct pcapng_block *b,
                           struct sift_record *rec)
{
    struct pcapng_option o;
    while (pcapng_next_option(r, b, &b->body, &o) == 1) {
        if (o.code == OPT_COMMENT)
            reader_add_comment(&rec->comments,
                               sift_cursor_bytes(&o.value, o.len), o.len);
        else if (o.code == 2 && o.len == 4) {
            rec->flags = sift_cursor_u32(&o.value, b->big_endian);
            rec->has_flags = true;
        } else if (o.code == 4 && b->type == BT_EPB && o.len == 8)
            rec->dropcount = sift_cursor_u64(&o.value, b->big_endian);
    }
}

int pcapng_read_epb(struct sift_reader *r, struct pcapng_block *b,
                    struct sift_record *rec)
{
    uint32_t id = sift_cursor_u32(&b->body, b->big_endian);
    uint32_t hi = sift_cursor_u32(&b->body, b->big_endian);
    uint32_t lo = sift_cursor_u32(&b->body, b->big_endian);
    rec->caplen = sift_cursor_u32(&b->body, b->big_endian);
    rec->origlen = sift_cursor_u32(&b->body, b->big_endian);
    if (!sift_cursor_ok(&b->body)) {
        reader_warn(r, SIFT_WARN_MALFORMED_RECORD, b->offset, r->records + 1,
                    "enhanced packet block too short; packet skipped");
        return SIFT_END;
    }
    const struct sift_interface *i = packet_iface(r, b, id);
    if (i == NULL || (rec->data = packet_data(r, b, rec->caplen)) == NULL)
        return SIFT_END;
    fill_record(r, b, i, rec);
    set_timestamp(r, b, i, hi, lo, rec);
    packet_options(r, b, rec);
    return SIFT_OK;
}

int pcapng_read_pb(struct sift_reader *r, struct pcapng_block *b,
                   struct sift_record *rec)
{
    uint16_t id = sift_cursor_u16(&b->body, b->big_endian);
    rec->dropcount = sift_cursor_u16(&b->body, b->big_endian);
    uint32_t hi = sift_cursor_u32(&b->body, b->big_endian);
    uint32_t lo = sift_cursor_u32(&b->body, b->big_endian);
    rec->caplen = sift_cursor_u32(&b->body, b->big_endian);
    rec->origlen = sift_cursor_u32(&b->body, b->big_endian);
    if (!sift_cursor_ok(&b->body)) {
        reader_warn(r, SIFT_WARN_MALFORMED_RECORD, b->offset, r->records + 1,
                    "packet block too short; packet skipped");
        return SIFT_END;
    }
    const struct sift_interface *i = packet_iface(r, b, id);
    if (i == NULL || (rec->data = packet_data(r, b, rec->caplen)) == NULL)
        return SIFT_END;
    fill_record(r, b, i, rec);
    set_timestamp(r, b, i, hi, lo, rec);
    packet_options(r, b, rec);
    return SIFT_OK;
}

int pcapng_read_spb(struct sift_reader *r, struct pcapng_block *b,
                    struct sift_record *rec)
{
    rec->origlen = sift_cursor_u32(&b->body, b->big_endian);
    const struct sift_interface *i = packet_iface(r, b, 0);
    if (!sift_cursor_ok(&b->body) || i == NULL)
        return SIFT_END;
    /* The captured length is implied: the original length, cut to the
     * snap length and to the block (§4.4). */
    size_t cap = rec->origlen;
    if (i->snaplen != 0 && cap > i->snaplen)
        cap = i->snaplen;
    if (cap > sift_cursor_left(&b->body)) {
        reader_warn(r, SIFT_WARN_MALFORMED_RECORD, b->offset, r->records + 1,
                    "simple packet block holds %zu bytes, fewer than the "
                    "%zu its lengths imply; its padding may be counted",
                    sift_cursor_left(&b->body), cap);
        cap = sift_cursor_left(&b->body);
    }
    rec->caplen = (uint32_t)cap;
    rec->data = sift_cursor_bytes(&b->body, cap);
    fill_record(r, b, i, rec);
    return SIFT_OK;
}

/* ---- Name Resolution Block (§4.5) ---------------------------------------- */

static void nrb_names(struct sift_name_entry *e, struct sift_cursor *v)
{
    while (sift_cursor_left(v) > 0) {
        size_t n = 0;
        uint8_t ch;
        while (sift_cursor_peek_u8(v, n, &ch) && ch != 0)
            n++;
        const uint8_t *name = sift_cursor_bytes(v, n);
        sift_cursor_skip(v, sift_cursor_left(v) > 0 ? 1 : 0); /* the NUL */
        if (n > 0 && e->name_count < SIFT_MAX_COMMENTS) {
            e->names[e->name_count].ptr = (const char *)name;
            e->names[e->name_count].len = n;
            e->name_count++;
        }
    }
}

static void nrb_record(struct sift_reader *r, uint16_t type,
                       struct sift_cursor *v)
{
    struct pcapng_state *st = r->state;
    size_t alen = type == 1 ? 4 : 16;
    struct sift_name_entry e;
    memset(&e, 0, sizeof e);
    e.section = st->sections - 1;
    e.family = type == 1 ? 4 : 6;
    const uint8_t *a = sift_cursor_bytes(v, alen);
    if (a == NULL)
        return;
    memcpy(e.addr, a, alen);
    nrb_names(&e, v);
    if (r->cb.on_name != NULL)
        r->cb.on_name(r->cb.ctx, &e);
}

void pcapng_read_nrb(struct sift_reader *r, struct pcapng_block *b)
{
    for (;;) {
        uint64_t at = sift_cursor_offset(&b->body);
        uint16_t type = sift_cursor_u16(&b->body, b->big_endian);
        uint16_t len = sift_cursor_u16(&b->body, b->big_endian);
        struct sift_cursor v = sift_cursor_sub(&b->body, len);
        sift_cursor_skip(&b->body, pad4(len));
        if (!sift_cursor_ok(&v) || !sift_cursor_ok(&b->body)) {
            reader_warn(r, SIFT_WARN_MALFORMED_BLOCK, at, 0,
                        "name resolution record runs past its block");
            return;
        }
        if (type == 0)
            break; /* nrb_record_end; options follow */
        if (type == 1 || type == 2)
            nrb_record(r, type, &v);
    }
    struct pcapng_option o;
    while (pcapng_next_option(r, b, &b->body, &o) == 1)
        ;
}

/* ---- Interface Statistics Block (§4.6) ----------------------------------- */

static void isb_option(struct sift_reader *r, struct pcapng_block *b,
                       const struct sift_interface *i,
                       struct sift_interface_stats *s, struct pcapng_option *o)
{
    struct sift_cursor *v = &o->value;
    if (o->code == OPT_COMMENT) {
        reader_add_comment(&s->comments, sift_cursor_bytes(v, o->len), o->len);
        return;
    }
    if (o->len != 8)
        return;
    if (o->code == 2 || o->code == 3) { /* start, end: high and low words */
        uint32_t hi = sift_cursor_u32(v, b->big_endian);
        uint32_t lo = sift_cursor_u32(v, b->big_endian);
        int64_t ns;
        sift_timestamp_to_ns(i, (uint64_t)hi << 32 | lo, &ns);
        if (o->code == 2) {
            s->start_ns = ns;
            s->has_start = 1;
        } else {
            s->end_ns = ns;
            s->has_end = 1;
        }
        return;
    }
    uint64_t n = sift_cursor_u64(v, b->big_endian);
    switch (o->code) {
    case 4: s->ifrecv = n; s->has_ifrecv = 1; break;
    case 5: s->ifdrop = n; s->has_ifdrop = 1; break;
    case 6: s->filteraccept = n; s->has_filteraccept = 1; break;
    case 7: s->osdrop = n; s->has_osdrop = 1; break;
    case 8: s->usrdeliv = n; s->has_usrdeliv = 1; break;
    default: break;
    }
    (void)r;
}

void pcapng_read_isb(struct sift_reader *r, struct pcapng_block *b)
{
    struct pcapng_state *st = r->state;
    struct sift_interface_stats s;
    memset(&s, 0, sizeof s);
    s.section = st->sections - 1;
    s.interface = sift_cursor_u32(&b->body, b->big_endian);
    uint32_t hi = sift_cursor_u32(&b->body, b->big_endian);
    uint32_t lo = sift_cursor_u32(&b->body, b->big_endian);
    const struct sift_interface *i = sift_reader_interface(r, s.interface);
    if (!sift_cursor_ok(&b->body) || i == NULL) {
        reader_warn(r, SIFT_WARN_MALFORMED_BLOCK, b->offset, 0,
                    "interface statistics block %s; skipped",
                    i == NULL ? "names an unknown interface" : "too short");
        return;
    }
    sift_timestamp_to_ns(i, (uint64_t)hi << 32 | lo, &s.time_ns);
    struct pcapng_option o;
    while (pcapng_next_option(r, b, &b->body, &o) == 1)
        isb_option(r, b, i, &s, &o);
    if (r->cb.on_stats != NULL)
        r->cb.on_stats(r->cb.ctx, &s);
}

/* ---- Decryption Secrets Block (§4.7) ------------------------------------- */

void pcapng_read_dsb(struct sift_reader *r, struct pcapng_block *b)
{
    struct pcapng_state *st = r->state;
    struct sift_secrets s = {st->sections - 1, 0, NULL, 0};
    s.type = sift_cursor_u32(&b->body, b->big_endian);
    uint32_t len = sift_cursor_u32(&b->body, b->big_endian);
    s.data = sift_cursor_bytes(&b->body, len);
    s.len = len;
    if (s.data == NULL) {
        reader_warn(r, SIFT_WARN_MALFORMED_BLOCK, b->offset, 0,
                    "decryption secrets of %u bytes run past their block; "
                    "skipped", len);
        return;
    }
    if (r->cb.on_secrets != NULL)
        r->cb.on_secrets(r->cb.ctx, &s);
}
