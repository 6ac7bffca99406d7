/* SPDX-License-Identifier: MIT */
/* `pcapsift info -F json`: one object per capture, documented in
 * docs/info.md. Integers are written as exact JSON numbers (cJSON's raw
 * values) because nanosecond times do not fit a double. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>

#include "info.h"
#include "pcapsift/linktype.h"
#include "timefmt.h"

static void add_u64(cJSON *o, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    cJSON_AddRawToObject(o, key, buf);
}

static void add_i64(cJSON *o, const char *key, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    cJSON_AddRawToObject(o, key, buf);
}

static void add_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_time(cJSON *o, const char *key, bool has, int64_t ns,
                     unsigned digits)
{
    char buf[TIMEFMT_MAX];
    if (!has) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    timefmt_iso(ns, digits, buf);
    cJSON_AddStringToObject(o, key, buf);
}

static cJSON *text_list(const struct info_text_list *l)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < l->count; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(l->items[i]));
    return a;
}

static cJSON *section_json(const struct info *in, const struct info_section *s)
{
    cJSON *o = cJSON_CreateObject();
    add_u64(o, "index", s->s.index);
    add_u64(o, "offset", s->s.offset);
    add_str(o, "byte_order", s->s.big_endian ? "big-endian" : "little-endian");
    char v[16];
    snprintf(v, sizeof v, "%u.%u", s->s.version_major, s->s.version_minor);
    add_str(o, "version", v);
    bool classic = in->format != NULL && in->format[4] != 'n';
    if (classic) {
        add_str(o, "timestamp_precision",
                s->s.nanosecond ? "nanosecond" : "microsecond");
        cJSON_AddBoolToObject(o, "modified_format", s->s.modified);
        add_i64(o, "thiszone", s->s.thiszone);
        add_u64(o, "sigfigs", s->s.sigfigs);
    } else {
        if (s->s.section_length >= 0)
            add_i64(o, "section_length", s->s.section_length);
        else
            cJSON_AddNullToObject(o, "section_length");
        add_str(o, "hardware", s->hardware);
        add_str(o, "os", s->os);
        add_str(o, "application", s->application);
    }
    cJSON_AddItemToObject(o, "comments", text_list(&s->comments));
    return o;
}

static cJSON *interface_json(const struct info_iface *f)
{
    const struct sift_interface *i = &f->i;
    cJSON *o = cJSON_CreateObject();
    add_u64(o, "id", i->global_id);
    add_u64(o, "section", i->section);
    add_u64(o, "section_id", i->id);
    cJSON_AddBoolToObject(o, "damaged", i->damaged);
    add_str(o, "name", f->name);
    add_str(o, "description", f->description);
    add_u64(o, "linktype", i->linktype);
    add_str(o, "linktype_name", sift_linktype_name(i->linktype));
    if (i->linktype_raw != i->linktype)
        add_u64(o, "linktype_field", i->linktype_raw);
    add_u64(o, "snaplen", i->snaplen);
    cJSON *r = cJSON_AddObjectToObject(o, "timestamp_resolution");
    add_u64(r, "base", i->tsresol_pow2 ? 2 : 10);
    add_u64(r, "exponent", i->tsresol_exp);
    add_i64(o, "timestamp_offset", i->tsoffset);
    if (i->fcs_len >= 0)
        add_i64(o, "fcs_length", i->fcs_len);
    else
        cJSON_AddNullToObject(o, "fcs_length");
    if (i->speed != 0)
        add_u64(o, "speed", i->speed);
    add_str(o, "filter", f->filter);
    add_str(o, "os", f->os);
    add_str(o, "hardware", f->hardware);
    cJSON_AddItemToObject(o, "comments", text_list(&f->comments));
    add_u64(o, "packets", f->packets);
    add_u64(o, "bytes_captured", f->bytes_captured);
    add_u64(o, "bytes_original", f->bytes_original);
    return o;
}

static void add_blocks(cJSON *o, const struct info *in)
{
    static const char *const names[IB_COUNT] = {
        "SHB", "IDB", "PB", "SPB", "NRB", "ISB", "EPB", "DSB", "CB", "DCB",
        "other"};
    cJSON *b = cJSON_AddObjectToObject(o, "blocks");
    for (int k = 0; k < IB_COUNT; k++)
        add_u64(b, names[k], in->blocks[k]);
}

static cJSON *names_json(const struct info *in)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < in->name_count; k++) {
        char addr[64];
        info_format_addr(addr, sizeof addr, &in->names[k]);
        cJSON *e = cJSON_CreateObject();
        add_u64(e, "section", in->names[k].section);
        add_str(e, "address", addr);
        cJSON_AddItemToObject(e, "names", text_list(&in->names[k].names));
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

static void add_counter(cJSON *o, const char *key, bool has, uint64_t v)
{
    if (has)
        add_u64(o, key, v);
}

static cJSON *stats_json(const struct info *in)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < in->stats_count; k++) {
        const struct sift_interface_stats *s = &in->stats[k];
        cJSON *e = cJSON_CreateObject();
        add_u64(e, "section", s->section);
        add_u64(e, "interface", s->interface);
        add_time(e, "time", true, s->time_ns, 9);
        if (s->has_start)
            add_time(e, "start_time", true, s->start_ns, 9);
        if (s->has_end)
            add_time(e, "end_time", true, s->end_ns, 9);
        add_counter(e, "received", s->has_ifrecv, s->ifrecv);
        add_counter(e, "dropped", s->has_ifdrop, s->ifdrop);
        add_counter(e, "filter_accepted", s->has_filteraccept,
                    s->filteraccept);
        add_counter(e, "os_dropped", s->has_osdrop, s->osdrop);
        add_counter(e, "delivered", s->has_usrdeliv, s->usrdeliv);
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

static cJSON *comments_json(const struct info *in)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < in->record_comment_count; k++) {
        cJSON *e = cJSON_CreateObject();
        add_u64(e, "packet", in->record_comments[k].record);
        add_str(e, "comment", in->record_comments[k].text);
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

static cJSON *anomalies_json(const struct info *in)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < in->anomaly_count; k++) {
        const struct info_anomaly *x = &in->anomalies[k];
        cJSON *e = cJSON_CreateObject();
        add_str(e, "kind", x->kind);
        add_u64(e, "offset", x->offset);
        if (x->record != 0)
            add_u64(e, "packet", x->record);
        else
            cJSON_AddNullToObject(e, "packet");
        add_str(e, "message", x->message);
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

static void add_times(cJSON *o, const struct info *in)
{
    add_time(o, "first_time", in->has_time, in->first_ns, in->time_digits);
    add_time(o, "last_time", in->has_time, in->last_ns, in->time_digits);
    if (in->has_time) {
        add_i64(o, "first_time_ns", in->first_ns);
        add_i64(o, "last_time_ns", in->last_ns);
        add_u64(o, "duration_ns", timefmt_span(in->first_ns, in->last_ns));
    } else {
        cJSON_AddNullToObject(o, "first_time_ns");
        cJSON_AddNullToObject(o, "last_time_ns");
        cJSON_AddNullToObject(o, "duration_ns");
    }
    cJSON_AddBoolToObject(o, "time_ordered", in->time_ordered);
    add_u64(o, "packets_without_time", in->packets_without_time);
}

static void add_lists(cJSON *o, const struct info *in)
{
    cJSON *a = cJSON_AddArrayToObject(o, "sections");
    for (size_t k = 0; k < in->section_count; k++)
        cJSON_AddItemToArray(a, section_json(in, &in->sections[k]));
    add_u64(o, "sections_total", in->section_total);
    a = cJSON_AddArrayToObject(o, "interfaces");
    for (size_t k = 0; k < in->iface_count; k++)
        cJSON_AddItemToArray(a, interface_json(&in->ifaces[k]));
    add_u64(o, "interfaces_total", in->iface_total);
    add_blocks(o, in);
    cJSON_AddItemToObject(o, "names", names_json(in));
    add_u64(o, "names_total", in->name_total);
    cJSON_AddItemToObject(o, "interface_statistics", stats_json(in));
    add_u64(o, "interface_statistics_total", in->stats_total);
    cJSON *s = cJSON_AddObjectToObject(o, "secrets");
    add_u64(s, "blocks", in->secrets_count);
    add_u64(s, "bytes", in->secrets_bytes);
    cJSON_AddItemToObject(o, "packet_comments", comments_json(in));
    add_u64(o, "packet_comments_total", in->record_comment_total);
    cJSON_AddItemToObject(o, "anomalies", anomalies_json(in));
    add_u64(o, "anomalies_total", in->anomaly_total);
    add_u64(o, "texts_not_kept", in->texts_not_kept);
}

cJSON *info_to_json(const struct info *in)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "file", in->file);
    add_str(o, "format", in->format);
    add_str(o, "compression", in->compression);
    add_u64(o, "bytes_data", in->bytes_decompressed);
    add_u64(o, "packets", in->packets);
    add_u64(o, "bytes_captured", in->bytes_captured);
    add_u64(o, "bytes_original", in->bytes_original);
    add_times(o, in);
    add_lists(o, in);
    add_str(o, "error", in->error);
    return o;
}
