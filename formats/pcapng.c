/* SPDX-License-Identifier: MIT */
/* pcap-ng files (draft-ietf-opsawg-pcapng): the walk over blocks and
 * sections. Every block length is checked (minimum, multiple of 4, maximum,
 * trailer equal to header) before the block is looked at, after libpcap's
 * sf-pcapng.c; each section carries its own byte order. */
#include "pcapng_internal.h"

#include <stdlib.h>
#include <string.h>

/* Largest block we accept: libpcap's initial maximum, room for a full
 * 256 KiB packet many times over, and a bound on what a peek may ask for. */
#define MAX_BLOCK_LEN (16u * 1024 * 1024)
#define MIN_BLOCK_LEN 12u
#define MIN_SHB_LEN 28u
#define BOM 0x1A2B3C4Du

static bool pcapng_probe(const uint8_t *head, size_t len)
{
    struct sift_cursor c = sift_cursor_make(head, len, 0);
    return sift_cursor_le32(&c) == BT_SHB;
}

static const char *name_of(struct sift_reader *r)
{
    return sift_source_name(r->src);
}

/* The length checks every block passes before it is read. */
static int check_length(struct sift_reader *r, uint32_t type, uint32_t len,
                        uint32_t min, uint64_t off, struct sift_error *err)
{
    const char *why = NULL;
    if (len < min)
        why = "below the minimum";
    else if (len > MAX_BLOCK_LEN)
        why = "over the maximum of 16 MiB";
    if (why == NULL)
        return SIFT_OK;
    return sift_error_set(err, SIFT_ERR_MALFORMED, SIFT_LAYER_READER, off,
                          "%s: block of type 0x%08x at offset %llu has a "
                          "total length of %u, %s",
                          name_of(r), type, (unsigned long long)off, len, why);
}

/* A cursor over a block's body: what lies between its two length fields. */
static struct sift_cursor block_body(const uint8_t *p, uint32_t len,
                                     uint64_t off)
{
    struct sift_cursor c = sift_cursor_make(p, len, off);
    sift_cursor_skip(&c, 8);
    return sift_cursor_sub(&c, (size_t)len - 12);
}

/* peek_block's answer for a block to pass over (its trailer is damaged). */
#define BLOCK_SKIP 2

/* The 32-bit trailer of a block of span bytes at p. */
static uint32_t trailer_at(const uint8_t *p, uint32_t span, uint64_t off,
                           bool big_endian)
{
    struct sift_cursor c = sift_cursor_make(p, span, off);
    sift_cursor_skip(&c, (size_t)span - 4);
    return sift_cursor_u32(&c, big_endian);
}

/* After a block of span bytes at off whose trailer does not match its
 * header: does a sound block (or the end of the file) follow where the
 * header says? Then only the trailer was damaged, and the walk can go on. */
static bool next_block_plausible(struct sift_reader *r, uint64_t off,
                                 uint32_t span, bool big_endian)
{
    const uint8_t *p;
    size_t got;
    if (sift_source_peek(r->src, (size_t)span + 8, &p, &got, NULL) != SIFT_OK)
        return false;
    if (got == span)
        return true; /* the file ends exactly there */
    if (got < (size_t)span + 8)
        return false;
    struct sift_cursor c = sift_cursor_make(p, got, off);
    sift_cursor_skip(&c, span);
    uint32_t type = sift_cursor_u32(&c, big_endian);
    uint32_t len = sift_cursor_u32(&c, big_endian);
    if (type == BT_SHB)
        return true; /* a new section; read_shb checks it fully */
    if (len < MIN_BLOCK_LEN || len > MAX_BLOCK_LEN)
        return false;
    uint32_t next_span = (len + 3u) & ~3u;
    if (sift_source_peek(r->src, (size_t)span + next_span, &p, &got, NULL) !=
            SIFT_OK ||
        got < (size_t)span + next_span)
        return false;
    struct sift_cursor n = sift_cursor_make(p, got, off);
    sift_cursor_skip(&n, span);
    return trailer_at(sift_cursor_bytes(&n, next_span), next_span, 0,
                      big_endian) == len;
}

/* Peeks a whole block whose header gives len; sets *span to the bytes it
 * occupies. The draft requires len to be a multiple of 4, but old NTAR
 * writers stored the unpadded length in both length fields and put the
 * trailer at the padded end; such a block is read (Wireshark reads them,
 * libpcap refuses them) when the trailer there repeats len exactly.
 * SIFT_OK with *p set; SIFT_END when the file ends inside the block
 * (warned); an error otherwise. */
static int peek_block(struct sift_reader *r, uint32_t type, uint32_t len,
                      bool big_endian, uint64_t off, const uint8_t **p,
                      uint32_t *span, struct sift_error *err)
{
    *span = (len + 3u) & ~3u;
    size_t got;
    int rc = sift_source_peek(r->src, *span, p, &got, err);
    if (rc != SIFT_OK)
        return rc;
    if (got < *span) {
        reader_warn(r, SIFT_WARN_TRUNCATED_RECORD, off, r->records + 1,
                    "last block (type 0x%08x) cut short: %zu of its %u bytes "
                    "present", type, got, *span);
        return SIFT_END;
    }
    uint32_t trailer = trailer_at(*p, *span, off, big_endian);
    if (trailer != len && type != BT_SHB &&
        next_block_plausible(r, off, *span, big_endian)) {
        reader_warn(r, SIFT_WARN_MALFORMED_BLOCK, off, r->records + 1,
                    "block of type 0x%08x: total length in header %u and "
                    "trailer %u don't match, but the next block is where the "
                    "header says; this block skipped", type, len, trailer);
        return BLOCK_SKIP;
    }
    if (trailer != len)
        return sift_error_set(err, SIFT_ERR_MALFORMED, SIFT_LAYER_READER, off,
                              "%s: block of type 0x%08x at offset %llu: total "
                              "length in header %u%s and trailer %u don't "
                              "match", name_of(r), type,
                              (unsigned long long)off, len,
                              len == *span ? "" : " (not a multiple of 4)",
                              trailer);
    if (len != *span) {
        struct pcapng_state *st = r->state;
        if (!st->unpadded_warned)
            reader_warn(r, SIFT_WARN_HEADER, off, 0,
                        "block lengths that are not a multiple of 4 (an old "
                        "NTAR writer's unpadded lengths, first at this "
                        "block); read with their padding");
        st->unpadded_warned = true;
    }
    return SIFT_OK;
}

static void shb_options(struct sift_reader *r, struct pcapng_block *b,
                        struct sift_section *s)
{
    struct pcapng_option o;
    while (pcapng_next_option(r, b, &b->body, &o) == 1) {
        size_t n = o.len;
        const uint8_t *v = sift_cursor_bytes(&o.value, n);
        struct sift_text t = {(const char *)v, n};
        switch (o.code) {
        case 1: reader_add_comment(&s->comments, v, n); break;
        case 2: s->hardware = t; break;
        case 3: s->os = t; break;
        case 4: s->user_application = t; break;
        default: break;
        }
    }
}

/* Versions we read: 1.0, and 1.2, which libpcap also accepts because some
 * writers use it for files that are otherwise 1.0. */
static bool version_supported(const struct sift_section *s)
{
    return s->version_major == 1 &&
           (s->version_minor == 0 || s->version_minor == 2);
}

/* Starts a section from a Section Header Block of len bytes at p. A later
 * section of a version we do not read is skipped whole, as the pcap-ng
 * draft asks (§4.1); only the file's first one makes it unreadable. */
static int start_section(struct sift_reader *r, struct pcapng_state *st,
                         const uint8_t *p, uint32_t len, bool big_endian,
                         uint64_t off, bool first, struct sift_error *err)
{
    uint8_t *copy = malloc(len);
    if (copy == NULL)
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_READER, off,
                              "no memory for a section header");
    memcpy(copy, p, len);
    struct pcapng_block b = {BT_SHB, len, off, big_endian,
                             block_body(copy, len, off)};
    sift_cursor_skip(&b.body, 4); /* byte-order magic, already read */
    struct sift_section s;
    memset(&s, 0, sizeof s);
    s.index = st->sections;
    s.offset = off;
    s.big_endian = big_endian;
    s.version_major = sift_cursor_u16(&b.body, big_endian);
    s.version_minor = sift_cursor_u16(&b.body, big_endian);
    s.section_length = (int64_t)sift_cursor_u64(&b.body, big_endian);
    bool supported = version_supported(&s);
    if (!supported && first) {
        free(copy);
        return sift_error_set(err, SIFT_ERR_UNSUPPORTED, SIFT_LAYER_READER,
                              off, "%s: section at offset %llu has "
                              "unsupported pcap-ng version %u.%u", name_of(r),
                              (unsigned long long)off, s.version_major,
                              s.version_minor);
    }
    if (supported)
        shb_options(r, &b, &s);
    else
        reader_warn(r, SIFT_WARN_HEADER, off, 0,
                    "section %u has unsupported pcap-ng version %u.%u; its "
                    "blocks are skipped", s.index, s.version_major,
                    s.version_minor);
    st->skipping = !supported;
    free(st->section_copy);
    st->section_copy = copy;
    st->section = s;
    st->big_endian = big_endian;
    st->sections++;
    st->interface_bytes = 0;
    reader_clear_ifaces(r);
    if (r->cb.on_section != NULL)
        r->cb.on_section(r->cb.ctx, &st->section);
    return SIFT_OK;
}

static void report_block(struct sift_reader *r, uint32_t type, uint64_t off,
                         uint32_t len)
{
    if (r->cb.on_block == NULL)
        return;
    struct pcapng_state *st = r->state;
    struct sift_block b = {type, off, len, st->sections - 1};
    r->cb.on_block(r->cb.ctx, &b);
}

/* Reads a Section Header Block at the current position. first: the file's
 * opening block, whose damage means the input is not readable at all. */
static int read_shb(struct sift_reader *r, bool first, struct sift_error *err)
{
    struct pcapng_state *st = r->state;
    uint64_t off = sift_source_offset(r->src);
    const uint8_t *p;
    size_t got;
    int rc = sift_source_peek(r->src, 12, &p, &got, err);
    if (rc != SIFT_OK)
        return rc;
    if (got < 12) {
        if (first)
            return sift_error_set(err, SIFT_ERR_TRUNCATED, SIFT_LAYER_READER,
                                  off, "%s: pcap-ng section header cut "
                                  "short", name_of(r));
        reader_warn(r, SIFT_WARN_TRUNCATED_RECORD, off, r->records + 1,
                    "file ends inside a section header");
        return SIFT_END;
    }
    struct sift_cursor c = sift_cursor_make(p, got, off);
    sift_cursor_skip(&c, 8);
    uint32_t bom = sift_cursor_be32(&c);
    if (bom != BOM && bom != 0x4D3C2B1Au)
        return sift_error_set(err, SIFT_ERR_MALFORMED, SIFT_LAYER_READER, off,
                              "%s: section header at offset %llu has a bad "
                              "byte-order magic 0x%08x", name_of(r),
                              (unsigned long long)off, bom);
    bool big_endian = bom == BOM;
    c = sift_cursor_make(p, got, off);
    sift_cursor_skip(&c, 4);
    uint32_t len = sift_cursor_u32(&c, big_endian);
    uint32_t span = len;
    rc = check_length(r, BT_SHB, len, MIN_SHB_LEN, off, err);
    if (rc == SIFT_OK)
        rc = peek_block(r, BT_SHB, len, big_endian, off, &p, &span, err);
    if (rc == SIFT_END && first)
        return sift_error_set(err, SIFT_ERR_TRUNCATED, SIFT_LAYER_READER, off,
                              "%s: pcap-ng section header cut short",
                              name_of(r));
    if (rc != SIFT_OK)
        return rc;
    rc = start_section(r, st, p, len, big_endian, off, first, err);
    if (rc != SIFT_OK)
        return rc;
    report_block(r, BT_SHB, off, len);
    sift_source_consume(r->src, span);
    return SIFT_OK;
}

static int pcapng_open(struct sift_reader *r, struct sift_error *err)
{
    r->state = calloc(1, sizeof(struct pcapng_state));
    if (r->state == NULL)
        return SIFT_ERR_NOMEM;
    return read_shb(r, true, err);
}

/* Reads the body of one block; SIFT_OK when it made a record. */
static int dispatch(struct sift_reader *r, struct pcapng_block *b,
                    struct sift_record *rec)
{
    switch (b->type) {
    case BT_EPB: return pcapng_read_epb(r, b, rec);
    case BT_SPB: return pcapng_read_spb(r, b, rec);
    case BT_PB: return pcapng_read_pb(r, b, rec);
    case BT_IDB: return pcapng_read_idb(r, b);
    case BT_NRB: pcapng_read_nrb(r, b); break;
    case BT_ISB: pcapng_read_isb(r, b); break;
    case BT_DSB: pcapng_read_dsb(r, b); break;
    default: break; /* custom, journal, vendor and unknown blocks: skipped */
    }
    return SIFT_END;
}

static int pcapng_next(struct sift_reader *r, struct sift_record *rec,
                       struct sift_error *err)
{
    struct pcapng_state *st = r->state;
    for (;;) {
        uint64_t off = sift_source_offset(r->src);
        const uint8_t *p;
        size_t got;
        int rc = sift_source_peek(r->src, 8, &p, &got, err);
        if (rc != SIFT_OK)
            return rc;
        if (got == 0)
            return SIFT_END;
        if (got < 8) {
            reader_warn(r, SIFT_WARN_TRUNCATED_RECORD, off, r->records + 1,
                        "file ends %zu bytes into a block header", got);
            return SIFT_END;
        }
        struct sift_cursor c = sift_cursor_make(p, got, off);
        uint32_t type = sift_cursor_u32(&c, st->big_endian);
        uint32_t len = sift_cursor_u32(&c, st->big_endian);
        if (type == BT_SHB) {
            rc = read_shb(r, false, err);
            if (rc != SIFT_OK)
                return rc;
            continue;
        }
        uint32_t span = len;
        rc = check_length(r, type, len, MIN_BLOCK_LEN, off, err);
        if (rc == SIFT_OK)
            rc = peek_block(r, type, len, st->big_endian, off, &p, &span,
                            err);
        if (rc == BLOCK_SKIP) {
            report_block(r, type, off, len);
            sift_source_consume(r->src, span);
            continue;
        }
        if (rc != SIFT_OK)
            return rc;
        struct pcapng_block b = {type, len, off, st->big_endian,
                                 block_body(p, len, off)};
        report_block(r, type, off, len);
        bool packet = type == BT_EPB || type == BT_SPB || type == BT_PB;
        rc = st->skipping || (r->secrets_only && packet) ? SIFT_END
                                                          : dispatch(r, &b, rec);
        sift_source_consume(r->src, span);
        if (rc == SIFT_OK)
            return SIFT_OK;
        if (rc < 0)
            return sift_error_set(err, rc, SIFT_LAYER_READER, off,
                                  "%s: no memory while reading the block at "
                                  "offset %llu", name_of(r),
                                  (unsigned long long)off);
    }
}

static void pcapng_close(struct sift_reader *r)
{
    struct pcapng_state *st = r->state;
    if (st != NULL)
        free(st->section_copy);
    free(st);
    r->state = NULL;
}

const struct reader_format sift_pcapng_format = {
    "pcapng", SIFT_FORMAT_PCAPNG, 4, pcapng_probe, pcapng_open, pcapng_next,
    pcapng_close,
};
