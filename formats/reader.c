/* SPDX-License-Identifier: MIT */
/* The probe table of capture formats (after libpcap's savefile.c: each
 * format says "not mine" or "mine" from the first bytes) and the parts of a
 * reader that do not depend on the format. */
#include "reader_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct reader_format *const formats[] = {
    &sift_pcap_format,
    &sift_pcapng_format,
};

/* Formats recognised only to say precisely what they are. */
struct known_format {
    const char *name;
    const char *magic;
    size_t len;
};

static const struct known_format unsupported[] = {
    {"Solaris snoop", "snoop\0\0\0", 8},
    {"Microsoft Network Monitor 2", "GMBU", 4},
    {"Microsoft Network Monitor 1", "RTSS", 4},
    {"Windows Event Trace (ETL)", "\x22\x06\x00\x00", 4},
};

void reader_warn(struct sift_reader *r, enum sift_warning_kind kind,
                 uint64_t offset, uint64_t record, const char *fmt, ...)
{
    if (r->cb.on_warning == NULL)
        return;
    char msg[SIFT_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct sift_warning w = {kind, SIFT_LAYER_READER, offset, record, msg};
    r->cb.on_warning(r->cb.ctx, &w);
}

struct sift_interface *reader_add_iface(struct sift_reader *r,
                                        const struct sift_interface *iface,
                                        uint8_t *owned)
{
    if (r->iface_count == r->iface_cap) {
        size_t cap = r->iface_cap ? r->iface_cap * 2 : 4;
        struct reader_iface *n = realloc(r->ifaces, cap * sizeof *n);
        if (n == NULL)
            return NULL;
        r->ifaces = n;
        r->iface_cap = cap;
    }
    struct reader_iface *slot = &r->ifaces[r->iface_count];
    slot->info = *iface;
    slot->info.id = (uint32_t)r->iface_count;
    slot->info.global_id = r->global_ifaces++;
    slot->owned = owned;
    r->iface_count++;
    return &slot->info;
}

void reader_clear_ifaces(struct sift_reader *r)
{
    for (size_t i = 0; i < r->iface_count; i++)
        free(r->ifaces[i].owned);
    r->iface_count = 0;
}

void reader_add_comment(struct sift_comments *c, const uint8_t *p, size_t len)
{
    c->total++;
    if (c->count < SIFT_MAX_COMMENTS) {
        c->text[c->count].ptr = (const char *)p;
        c->text[c->count].len = len;
        c->count++;
    }
}

/* Record-length sanity (libpcap's max_snaplen_for_dlt): 256 KiB for most
 * link types; D-Bus messages may reach 128 MiB (we read those up to the
 * 64 MiB a peek may see), USB and EBHSCR frames are allowed more. A file
 * header may raise the bound up to 16 MiB (some writers use large snap
 * lengths). */
#define SANE_SNAPLEN (256u * 1024)
#define LARGEST_SNAPLEN_RAISE (16u * 1024 * 1024)

uint32_t reader_max_caplen(uint32_t linktype, uint32_t snaplen)
{
    uint32_t max = SANE_SNAPLEN;
    if (linktype == 231) /* DBUS */
        max = 128u * 1024 * 1024;
    else if (linktype == 279) /* EBHSCR */
        max = 8u * 1024 * 1024;
    else if (linktype == 249 || linktype == 220 || linktype == 189) /* USB */
        max = 1024u * 1024;
    if (snaplen > max)
        max = snaplen < LARGEST_SNAPLEN_RAISE ? snaplen : LARGEST_SNAPLEN_RAISE;
    /* A record is peeked whole, header included: keep within a peek. */
    if (max > SIFT_SOURCE_MAX_PEEK - 64)
        max = (uint32_t)(SIFT_SOURCE_MAX_PEEK - 64);
    return max;
}

static int name_unsupported(const uint8_t *head, size_t got,
                            struct sift_source *src, struct sift_error *err)
{
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        const struct known_format *k = &unsupported[i];
        if (got >= k->len && memcmp(head, k->magic, k->len) == 0)
            return sift_error_set(err, SIFT_ERR_UNSUPPORTED,
                                  SIFT_LAYER_READER, 0,
                                  "%s: %s capture files are not supported",
                                  sift_source_name(src), k->name);
    }
    if (got == 0)
        return sift_error_set(err, SIFT_ERR_FORMAT, SIFT_LAYER_READER, 0,
                              "%s: empty file, not a capture",
                              sift_source_name(src));
    return sift_error_set(err, SIFT_ERR_FORMAT, SIFT_LAYER_READER, 0,
                          "%s: not a pcap or pcap-ng capture (unknown "
                          "magic bytes)", sift_source_name(src));
}

int sift_reader_open(struct sift_source *src,
                     const struct sift_reader_callbacks *cb,
                     struct sift_reader **out, struct sift_error *err)
{
    *out = NULL;
    const uint8_t *head;
    size_t got;
    int rc = sift_source_peek(src, 8, &head, &got, err);
    if (rc != SIFT_OK)
        return rc;
    const struct reader_format *fmt = NULL;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (got >= formats[i]->probe_len && formats[i]->probe(head, got)) {
            fmt = formats[i];
            break;
        }
    }
    if (fmt == NULL)
        return name_unsupported(head, got, src, err);
    struct sift_reader *r = calloc(1, sizeof *r);
    if (r == NULL)
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_READER, 0,
                              "no memory for a reader");
    r->fmt = fmt;
    r->src = src;
    if (cb != NULL)
        r->cb = *cb;
    rc = fmt->open(r, err);
    if (rc != SIFT_OK) {
        sift_reader_close(r);
        return rc;
    }
    *out = r;
    return SIFT_OK;
}

int sift_reader_next(struct sift_reader *r, struct sift_record *rec,
                     struct sift_error *err)
{
    if (r->finished)
        return SIFT_END;
    memset(rec, 0, sizeof *rec);
    int rc = r->fmt->next(r, rec, err);
    if (rc != SIFT_OK)
        r->finished = true;
    if (rc < 0 && err != NULL)
        err->record = r->records + 1;
    return rc;
}

int sift_reader_scan_secrets(struct sift_reader *r, struct sift_error *err)
{
    if (r->fmt->format != SIFT_FORMAT_PCAPNG)
        return SIFT_END; /* classic pcap has no place for secrets */
    r->secrets_only = true;
    struct sift_record rec;
    int rc;
    while ((rc = sift_reader_next(r, &rec, err)) == SIFT_OK)
        ;
    return rc;
}

void sift_reader_close(struct sift_reader *r)
{
    if (r == NULL)
        return;
    if (r->fmt != NULL && r->fmt->close != NULL)
        r->fmt->close(r);
    reader_clear_ifaces(r);
    free(r->ifaces);
    free(r);
}

enum sift_format sift_reader_format(const struct sift_reader *r)
{
    return r->fmt->format;
}

const char *sift_format_name(enum sift_format f)
{
    switch (f) {
    case SIFT_FORMAT_PCAP: return "pcap";
    case SIFT_FORMAT_PCAPNG: return "pcapng";
    case SIFT_FORMAT_UNKNOWN: break;
    }
    return "unknown";
}

size_t sift_reader_interface_count(const struct sift_reader *r)
{
    return r->iface_count;
}

const struct sift_interface *sift_reader_interface(const struct sift_reader *r,
                                                   size_t id)
{
    return id < r->iface_count ? &r->ifaces[id].info : NULL;
}
