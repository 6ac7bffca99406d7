/* SPDX-License-Identifier: MIT */
/* Gathers what `pcapsift info` prints from the reader's callbacks. Every
 * list is capped (info.h) so memory stays bounded whatever the file holds. */
#include "info.h"

#include <stdlib.h>
#include <string.h>

#include "pcapsift/source.h"
#include "utf8.h"

/* Bytes of one text kept (longer texts are cut, with a mark), and of all
 * texts of one file: a hostile file full of 64 KiB options would otherwise
 * make info's memory grow with it. */
#define TEXT_MAX 4096
#define TEXT_BUDGET (16u << 20)
static const char cut_mark[] = " [cut]";

/* The texts kept for one file, within TEXT_BUDGET. */
struct text_store {
    size_t bytes;
    uint64_t *not_kept;
};

/* A NUL-terminated, valid UTF-8 copy of a text from the file, or NULL
 * once the budget is spent. Texts may carry padding NULs (some writers add
 * them): the copy stops at the first. */
static char *keep_text(struct text_store *ts, struct sift_text t)
{
    if (t.ptr == NULL)
        return NULL;
    const char *nul = memchr(t.ptr, '\0', t.len);
    size_t n = nul ? (size_t)(nul - t.ptr) : t.len;
    bool cut = n > TEXT_MAX;
    if (cut)
        n = TEXT_MAX;
    if (ts->bytes + n * 3 + sizeof cut_mark > TEXT_BUDGET) {
        (*ts->not_kept)++;
        return NULL;
    }
    char *s = utf8_sanitized_copy(t.ptr, n);
    if (s == NULL)
        return NULL;
    size_t len = strlen(s);
    if (cut) {
        char *longer = realloc(s, len + sizeof cut_mark);
        if (longer == NULL)
            return s;
        memcpy(longer + len, cut_mark, sizeof cut_mark);
        s = longer;
        len += sizeof cut_mark - 1;
    }
    ts->bytes += len + 1;
    return s;
}

/* Grows *items (of *cap entries of size size) to hold one more. */
static bool grow(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 8;
    void *p = realloc(*items, n * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = n;
    return true;
}

static void text_list_from(struct text_store *ts, struct info_text_list *l,
                           const struct sift_comments *c)
{
    l->total = c->total;
    l->items = c->count ? calloc(c->count, sizeof *l->items) : NULL;
    if (l->items == NULL)
        return;
    for (size_t i = 0; i < c->count; i++) {
        char *t = keep_text(ts, c->text[i]);
        if (t != NULL)
            l->items[l->count++] = t;
    }
}

static void text_list_free(struct info_text_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
}

/* ---- callbacks ---------------------------------------------------------- */

struct collector {
    struct info *in;
    struct text_store texts;
    size_t sections_cap, ifaces_cap, names_cap, stats_cap, anomalies_cap,
        comments_cap;
};

static void on_section(void *ctx, const struct sift_section *s)
{
    struct collector *c = ctx;
    struct info *in = c->in;
    in->section_total++;
    if (in->section_count >= INFO_MAX_SECTIONS ||
        !grow((void **)&in->sections, &c->sections_cap, in->section_count,
              sizeof *in->sections))
        return;
    struct info_section *d = &in->sections[in->section_count++];
    memset(d, 0, sizeof *d);
    d->s = *s;
    d->hardware = keep_text(&c->texts, s->hardware);
    d->os = keep_text(&c->texts, s->os);
    d->application = keep_text(&c->texts, s->user_application);
    text_list_from(&c->texts, &d->comments, &s->comments);
}

static void on_interface(void *ctx, const struct sift_interface *i)
{
    struct collector *c = ctx;
    struct info *in = c->in;
    in->iface_total++;
    if (in->iface_count >= INFO_MAX_INTERFACES ||
        !grow((void **)&in->ifaces, &c->ifaces_cap, in->iface_count,
              sizeof *in->ifaces))
        return;
    struct info_iface *d = &in->ifaces[in->iface_count++];
    memset(d, 0, sizeof *d);
    d->i = *i;
    d->name = keep_text(&c->texts, i->name);
    d->description = keep_text(&c->texts, i->description);
    d->os = keep_text(&c->texts, i->os);
    d->hardware = keep_text(&c->texts, i->hardware);
    d->filter = keep_text(&c->texts, i->filter);
    text_list_from(&c->texts, &d->comments, &i->comments);
    unsigned digits = i->tsresol_pow2 || i->tsresol_exp > 9
                          ? 9 : i->tsresol_exp;
    if (digits > in->time_digits)
        in->time_digits = digits;
}

static void on_name(void *ctx, const struct sift_name_entry *e)
{
    struct collector *c = ctx;
    struct info *in = c->in;
    in->name_total++;
    if (in->name_count >= INFO_MAX_NAMES ||
        !grow((void **)&in->names, &c->names_cap, in->name_count,
              sizeof *in->names))
        return;
    struct info_name *d = &in->names[in->name_count++];
    memset(d, 0, sizeof *d);
    d->section = e->section;
    d->family = e->family;
    memcpy(d->addr, e->addr, sizeof d->addr);
    struct sift_comments names = {e->name_count, e->name_count, {{0, 0}}};
    memcpy(names.text, e->names, e->name_count * sizeof e->names[0]);
    text_list_from(&c->texts, &d->names, &names);
}

static void on_stats(void *ctx, const struct sift_interface_stats *s)
{
    struct collector *c = ctx;
    struct info *in = c->in;
    in->stats_total++;
    if (in->stats_count >= INFO_MAX_STATS ||
        !grow((void **)&in->stats, &c->stats_cap, in->stats_count,
              sizeof *in->stats))
        return;
    struct sift_interface_stats *d = &in->stats[in->stats_count++];
    *d = *s;
    memset(&d->comments, 0, sizeof d->comments); /* borrowed: not kept */
}

static void on_secrets(void *ctx, const struct sift_secrets *s)
{
    struct collector *c = ctx;
    c->in->secrets_count++;
    c->in->secrets_bytes += s->len;
}

static enum info_block block_kind(uint32_t type)
{
    switch (type) {
    case 0x0A0D0D0A: return IB_SHB;
    case 1: return IB_IDB;
    case 2: return IB_PB;
    case 3: return IB_SPB;
    case 4: return IB_NRB;
    case 5: return IB_ISB;
    case 6: return IB_EPB;
    case 10: return IB_DSB;
    case 0x00000BAD: return IB_CB;
    case 0x40000BAD: return IB_DCB;
    default: return IB_OTHER;
    }
}

static void on_block(void *ctx, const struct sift_block *b)
{
    struct collector *c = ctx;
    c->in->blocks[block_kind(b->type)]++;
}

static void add_anomaly(struct collector *c, const char *kind, uint64_t off,
                        uint64_t record, const char *msg)
{
    struct info *in = c->in;
    in->anomaly_total++;
    if (in->anomaly_count >= INFO_MAX_ANOMALIES ||
        !grow((void **)&in->anomalies, &c->anomalies_cap, in->anomaly_count,
              sizeof *in->anomalies))
        return;
    struct info_anomaly *a = &in->anomalies[in->anomaly_count++];
    a->kind = kind;
    a->offset = off;
    a->record = record;
    a->message = utf8_sanitized_copy(msg, strlen(msg));
}

static void on_warning(void *ctx, const struct sift_warning *w)
{
    add_anomaly(ctx, sift_warning_kind_name(w->kind), w->offset, w->record,
                w->message);
}

/* ---- records ------------------------------------------------------------ */

static struct info_iface *iface_of(struct info *in,
                                   const struct sift_record *r)
{
    uint32_t g = r->iface->global_id;
    return g < in->iface_count ? &in->ifaces[g] : NULL;
}

static void keep_record_comments(struct collector *c,
                                 const struct sift_record *r)
{
    struct info *in = c->in;
    in->record_comment_total += r->comments.total;
    for (size_t i = 0; i < r->comments.count; i++) {
        if (in->record_comment_count >= INFO_MAX_COMMENTS ||
            !grow((void **)&in->record_comments, &c->comments_cap,
                  in->record_comment_count, sizeof *in->record_comments))
            return;
        struct info_record_comment *d =
            &in->record_comments[in->record_comment_count++];
        d->record = r->number;
        d->text = keep_text(&c->texts, r->comments.text[i]);
    }
}

static void count_record(struct collector *c, const struct sift_record *r)
{
    struct info *in = c->in;
    in->packets++;
    in->bytes_captured += r->caplen;
    in->bytes_original += r->origlen;
    struct info_iface *f = iface_of(in, r);
    if (f != NULL) {
        f->packets++;
        f->bytes_captured += r->caplen;
        f->bytes_original += r->origlen;
    }
    if (r->comments.total > 0)
        keep_record_comments(c, r);
    if (!r->has_timestamp) {
        in->packets_without_time++;
        return;
    }
    if (!in->has_time) {
        in->has_time = true;
        in->first_ns = in->last_ns = r->ts_ns;
    } else if (r->ts_ns < in->prev_ns) {
        in->time_ordered = false;
    }
    if (r->ts_ns < in->first_ns)
        in->first_ns = r->ts_ns;
    if (r->ts_ns > in->last_ns)
        in->last_ns = r->ts_ns;
    in->prev_ns = r->ts_ns;
}

static void fail(struct collector *c, const struct sift_error *err)
{
    struct info *in = c->in;
    in->failed = true;
    in->error_code = err->code;
    in->error = utf8_sanitized_copy(err->message, strlen(err->message));
    add_anomaly(c, "error", err->offset, err->record, err->message);
}

static void read_records(struct collector *c, struct sift_reader *rd)
{
    struct sift_record rec;
    struct sift_error err;
    sift_error_clear(&err);
    int rc;
    while ((rc = sift_reader_next(rd, &rec, &err)) == SIFT_OK)
        count_record(c, &rec);
    if (rc < 0)
        fail(c, &err);
}

bool info_collect(struct info *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->file = utf8_sanitized_copy(path, strlen(path));
    in->time_ordered = true;
    in->compression = "none";
    struct collector c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.texts.not_kept = &in->texts_not_kept;
    struct sift_source_options so = {on_warning, &c};
    struct sift_reader_callbacks cb = {&c,        on_section, on_interface,
                                       on_name,   on_stats,   on_secrets,
                                       on_block,  on_warning};
    struct sift_error err;
    sift_error_clear(&err);
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    if (sift_source_open_path(path, &so, &src, &err) != SIFT_OK) {
        fail(&c, &err);
        return false;
    }
    in->compression = sift_compression_name(sift_source_compression(src));
    if (sift_reader_open(src, &cb, &rd, &err) == SIFT_OK) {
        in->format = sift_format_name(sift_reader_format(rd));
        read_records(&c, rd);
        sift_reader_close(rd);
    } else {
        fail(&c, &err);
    }
    in->bytes_decompressed = sift_source_offset(src);
    in->bytes_file = sift_source_raw_offset(src);
    sift_source_close(src);
    return !in->failed;
}

void info_free(struct info *in)
{
    for (size_t i = 0; i < in->section_count; i++) {
        struct info_section *s = &in->sections[i];
        free(s->hardware);
        free(s->os);
        free(s->application);
        text_list_free(&s->comments);
    }
    for (size_t i = 0; i < in->iface_count; i++) {
        struct info_iface *f = &in->ifaces[i];
        free(f->name);
        free(f->description);
        free(f->os);
        free(f->hardware);
        free(f->filter);
        text_list_free(&f->comments);
    }
    for (size_t i = 0; i < in->name_count; i++)
        text_list_free(&in->names[i].names);
    for (size_t i = 0; i < in->anomaly_count; i++)
        free(in->anomalies[i].message);
    for (size_t i = 0; i < in->record_comment_count; i++)
        free(in->record_comments[i].text);
    free(in->sections);
    free(in->ifaces);
    free(in->names);
    free(in->stats);
    free(in->anomalies);
    free(in->record_comments);
    free(in->error);
    free(in->file);
    memset(in, 0, sizeof *in);
}
