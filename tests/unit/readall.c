/* SPDX-License-Identifier: MIT */
/* Reads a whole in-memory capture into a struct readall. */
#include "readall.h"

#include <check.h>
#include <string.h>

static void on_section(void *ctx, const struct sift_section *s)
{
    (void)s;
    ((struct readall *)ctx)->sections++;
}

static void on_interface(void *ctx, const struct sift_interface *i)
{
    struct readall *r = ctx;
    r->interfaces++;
    r->last_iface = *i;
}

static void on_name(void *ctx, const struct sift_name_entry *e)
{
    struct readall *r = ctx;
    if (r->names++ == 0) {
        memcpy(r->name_addr, e->addr, sizeof r->name_addr);
        r->name_family = e->family;
        if (e->name_count > 0 && e->names[0].len < sizeof r->name_first) {
            memcpy(r->name_first, e->names[0].ptr, e->names[0].len);
            r->name_first[e->names[0].len] = '\0';
        }
    }
}

static void on_stats(void *ctx, const struct sift_interface_stats *s)
{
    struct readall *r = ctx;
    r->stats++;
    r->last_stats = *s;
}

static void on_secrets(void *ctx, const struct sift_secrets *s)
{
    struct readall *r = ctx;
    r->secrets++;
    r->secrets_type = s->type;
    r->secrets_len = s->len;
}

static void on_block(void *ctx, const struct sift_block *b)
{
    (void)b;
    ((struct readall *)ctx)->blocks++;
}

static void on_warning(void *ctx, const struct sift_warning *w)
{
    struct readall *r = ctx;
    if (r->warnings < READALL_MAX) {
        r->warn_kind[r->warnings] = w->kind;
        r->warn_offset[r->warnings] = w->offset;
    }
    r->warnings++;
}

static uint32_t checksum(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void keep(struct readall *r, const struct sift_record *rec)
{
    size_t i = r->records++;
    if (i >= READALL_MAX)
        return;
    r->ts[i] = rec->ts_ns;
    r->caplen[i] = rec->caplen;
    r->origlen[i] = rec->origlen;
    r->linktype[i] = rec->linktype;
    r->iface[i] = rec->interface;
    r->section[i] = rec->section;
    r->sum[i] = checksum(rec->data, rec->caplen);
    r->comments[i] = rec->comments.total;
}

void readall_memory(const void *data, size_t len, struct readall *out)
{
    memset(out, 0, sizeof *out);
    struct sift_source_options so = {on_warning, out};
    struct sift_reader_callbacks cb = {out,       on_section, on_interface,
                                       on_name,   on_stats,   on_secrets,
                                       on_block,  on_warning};
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    out->open_rc = sift_source_open_memory(data, len, "test", &so, &src,
                                           &out->err);
    if (out->open_rc != SIFT_OK)
        return;
    out->open_rc = sift_reader_open(src, &cb, &rd, &out->err);
    if (out->open_rc == SIFT_OK) {
        struct sift_record rec;
        while ((out->end_rc = sift_reader_next(rd, &rec, &out->err)) ==
               SIFT_OK)
            keep(out, &rec);
        sift_reader_close(rd);
    }
    sift_source_close(src);
}

size_t readall_warnings_of(const struct readall *r,
                           enum sift_warning_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < r->warnings && i < READALL_MAX; i++)
        n += r->warn_kind[i] == kind;
    return n;
}

size_t readall_prefix_sweep(const uint8_t *data, size_t len)
{
    static struct readall full, r; /* large: kept off the stack */
    readall_memory(data, len, &full);
    ck_assert_int_eq(full.open_rc, SIFT_OK);
    size_t shortest = 0;
    for (size_t n = 0; n <= len; n++) {
        readall_memory(data, n, &r);
        if (n < 4) { /* too short for any magic */
            ck_assert_int_eq(r.open_rc, SIFT_ERR_FORMAT);
            continue;
        }
        if (r.open_rc != SIFT_OK) {
            ck_assert_int_eq(r.open_rc, SIFT_ERR_TRUNCATED);
            continue;
        }
        if (shortest == 0)
            shortest = n;
        ck_assert(r.end_rc == SIFT_END || r.end_rc == SIFT_ERR_TRUNCATED ||
                  r.end_rc == SIFT_ERR_MALFORMED);
        ck_assert_uint_le(r.records, full.records);
        for (size_t i = 0; i < r.records && i < READALL_MAX; i++)
            ck_assert_uint_eq(r.sum[i], full.sum[i]);
        if (n < len)
            ck_assert(r.records < full.records || r.warnings > 0);
    }
    return shortest;
}
