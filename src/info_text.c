/* SPDX-License-Identifier: MIT */
/* `pcapsift info -F text`: the capture described for people, capinfos-like.
 * Text taken from the file is escaped, so a hostile comment cannot send
 * control sequences to the terminal. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "info.h"
#include "pcapsift/linktype.h"
#include "timefmt.h"
#include "utf8.h"

#define LABEL "%-22s"

/* Code points that a terminal acts on although they are not ASCII control
 * bytes: C1 controls (U+0080-U+009F, e.g. CSI), line and paragraph
 * separators (U+2028-2029) and bidirectional overrides (U+202A-202E,
 * U+2066-2069), which can make text display other than it is. */
static bool is_hidden_control(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Prints s (valid UTF-8, see utf8.h) with control bytes, hidden control
 * code points and the backslash escaped. */
static void put_escaped(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        size_t n = utf8_sequence_length(p, left);
        uint32_t cp = n == 2 ? (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
                    : n == 3 ? (uint32_t)(p[0] & 0x0f) << 12 |
                                   (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f)
                             : p[0];
        if (n == 0)
            n = 1; /* cannot happen in sanitized text; print the byte */
        if (*p == '\\')
            fputs("\\\\", out);
        else if (n == 1 && (*p < 0x20 || *p == 0x7f))
            fprintf(out, "\\x%02x", *p);
        else if (n > 1 && is_hidden_control(cp))
            fprintf(out, "\\u%04x", cp);
        else
            fwrite(p, 1, n, out);
        p += n;
        left -= n;
    }
}

static void line_text(FILE *out, const char *indent, const char *label,
                      const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    int width = 22 - (int)strlen(indent);
    fprintf(out, "%s%-*s", indent, width, label);
    put_escaped(out, value);
    fputc('\n', out);
}

static void line_list(FILE *out, const char *indent, const char *label,
                      const struct info_text_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        line_text(out, indent, label, l->items[i]);
    if (l->total > l->count)
        fprintf(out, "%s" LABEL "%zu more not kept\n", indent, label,
                l->total - l->count);
}

static void format_linktype(char *buf, size_t cap, uint32_t lt)
{
    const char *name = sift_linktype_name(lt);
    const char *desc = sift_linktype_description(lt);
    if (name != NULL)
        snprintf(buf, cap, "%s (%u, %s)", name, lt, desc);
    else
        snprintf(buf, cap, "unknown (%u)", lt);
}

static void format_resolution(char *buf, size_t cap,
                              const struct sift_interface *i)
{
    static const char *const names[] = {"s", "", "", "ms", "", "", "us",
                                        "", "", "ns"};
    if (i->tsresol_pow2)
        snprintf(buf, cap, "2^-%u s", i->tsresol_exp);
    else if (i->tsresol_exp <= 9 && names[i->tsresol_exp][0] != '\0')
        snprintf(buf, cap, "10^-%u s (1 %s)", i->tsresol_exp,
                 names[i->tsresol_exp]);
    else
        snprintf(buf, cap, "10^-%u s", i->tsresol_exp);
}

static void print_sections(FILE *out, const struct info *in)
{
    fprintf(out, LABEL "%zu\n", "Sections:", in->section_total);
    for (size_t k = 0; k < in->section_count; k++) {
        const struct info_section *s = &in->sections[k];
        fprintf(out, "  Section %u at offset %" PRIu64 ": version %u.%u, %s",
                s->s.index, s->s.offset, s->s.version_major,
                s->s.version_minor,
                s->s.big_endian ? "big-endian" : "little-endian");
        if (in->format != NULL && in->format[4] != 'n') /* classic pcap */
            fprintf(out, ", %s timestamps%s",
                    s->s.nanosecond ? "nanosecond" : "microsecond",
                    s->s.modified ? ", modified format" : "");
        fputc('\n', out);
        line_text(out, "    ", "Hardware:", s->hardware);
        line_text(out, "    ", "OS:", s->os);
        line_text(out, "    ", "Application:", s->application);
        line_list(out, "    ", "Comment:", &s->comments);
    }
}

static void print_interface(FILE *out, const struct info_iface *f)
{
    char buf[128];
    const struct sift_interface *i = &f->i;
    fprintf(out, "  Interface %u (section %u, id %u)", i->global_id,
            i->section, i->id);
    if (f->name != NULL) {
        fputs(": ", out);
        put_escaped(out, f->name);
    }
    if (i->damaged) {
        fputs(": damaged description block; its packets are skipped\n", out);
        return;
    }
    fputc('\n', out);
    line_text(out, "    ", "Description:", f->description);
    format_linktype(buf, sizeof buf, i->linktype);
    line_text(out, "    ", "Link type:", buf);
    fprintf(out, "    %-18s", "Snap length:");
    if (i->snaplen != 0)
        fprintf(out, "%u\n", i->snaplen);
    else
        fputs("not set\n", out);
    format_resolution(buf, sizeof buf, i);
    line_text(out, "    ", "Timestamp unit:", buf);
    if (i->tsoffset != 0)
        fprintf(out, "    %-18s" "%" PRId64 " s\n", "Timestamp offset:",
                i->tsoffset);
    if (i->fcs_len >= 0)
        fprintf(out, "    %-18s" "%d bytes\n", "FCS length:", i->fcs_len);
    if (i->speed != 0)
        fprintf(out, "    %-18s" "%" PRIu64 " bit/s\n", "Speed:", i->speed);
    line_text(out, "    ", "Filter:", f->filter);
    line_text(out, "    ", "OS:", f->os);
    line_text(out, "    ", "Hardware:", f->hardware);
    line_list(out, "    ", "Comment:", &f->comments);
    fprintf(out, "    %-18s" "%" PRIu64 " (%" PRIu64 " bytes captured, %" PRIu64
            " on the wire)\n", "Packets:", f->packets, f->bytes_captured,
            f->bytes_original);
}

static void print_times(FILE *out, const struct info *in)
{
    char a[TIMEFMT_MAX], b[TIMEFMT_MAX];
    if (!in->has_time) {
        fprintf(out, LABEL "none\n", "First packet:");
        return;
    }
    timefmt_iso(in->first_ns, in->time_digits, a);
    timefmt_iso(in->last_ns, in->time_digits, b);
    fprintf(out, LABEL "%s\n" LABEL "%s\n", "First packet:", a,
            "Last packet:", b);
    timefmt_seconds(timefmt_span(in->first_ns, in->last_ns), in->time_digits,
                    a);
    fprintf(out, LABEL "%s s\n", "Duration:", a);
    fprintf(out, LABEL "%s\n", "Time order:",
            in->time_ordered ? "ascending" : "not ascending");
    if (in->packets_without_time > 0)
        fprintf(out, LABEL "%" PRIu64 "\n", "Packets without time:",
                in->packets_without_time);
}

static void print_blocks(FILE *out, const struct info *in)
{
    static const char *const names[IB_COUNT] = {
        "SHB", "IDB", "PB", "SPB", "NRB", "ISB", "EPB", "DSB", "CB", "DCB",
        "other"};
    fprintf(out, LABEL, "Blocks:");
    const char *sep = "";
    for (int k = 0; k < IB_COUNT; k++) {
        if (in->blocks[k] == 0)
            continue;
        fprintf(out, "%s%s %" PRIu64, sep, names[k], in->blocks[k]);
        sep = ", ";
    }
    fputc('\n', out);
}


void info_format_addr(char *buf, size_t cap, const struct info_name *n)
{
    if (inet_ntop(n->family == 4 ? AF_INET : AF_INET6, n->addr, buf,
                  (socklen_t)cap) == NULL)
        snprintf(buf, cap, "?");
}

static void print_names(FILE *out, const struct info *in)
{
    if (in->name_total == 0)
        return;
    fprintf(out, LABEL "%zu entries\n", "Name resolution:", in->name_total);
    for (size_t k = 0; k < in->name_count; k++) {
        char addr[64];
        info_format_addr(addr, sizeof addr, &in->names[k]);
        fprintf(out, "  %-39s ", addr);
        for (size_t j = 0; j < in->names[k].names.count; j++) {
            if (j > 0)
                fputs(", ", out);
            put_escaped(out, in->names[k].names.items[j]);
        }
        fputc('\n', out);
    }
    if (in->name_total > in->name_count)
        fprintf(out, "  %zu more not kept\n", in->name_total - in->name_count);
}

static void print_stat(FILE *out, const char *label, bool has, uint64_t v)
{
    if (has)
        fprintf(out, ", %s %" PRIu64, label, v);
}

static void print_stats(FILE *out, const struct info *in)
{
    if (in->stats_total == 0)
        return;
    fprintf(out, LABEL "%zu\n", "Interface statistics:", in->stats_total);
    for (size_t k = 0; k < in->stats_count; k++) {
        const struct sift_interface_stats *s = &in->stats[k];
        char t[TIMEFMT_MAX];
        timefmt_iso(s->time_ns, 9, t);
        fprintf(out, "  Interface %u (section %u) at %s", s->interface,
                s->section, t);
        print_stat(out, "received", s->has_ifrecv, s->ifrecv);
        print_stat(out, "dropped", s->has_ifdrop, s->ifdrop);
        print_stat(out, "accepted by filter", s->has_filteraccept,
                   s->filteraccept);
        print_stat(out, "dropped by OS", s->has_osdrop, s->osdrop);
        print_stat(out, "delivered", s->has_usrdeliv, s->usrdeliv);
        fputc('\n', out);
    }
}

static void print_comments_and_anomalies(FILE *out, const struct info *in)
{
    if (in->record_comment_total > 0) {
        fprintf(out, LABEL "%zu\n", "Packet comments:",
                in->record_comment_total);
        for (size_t k = 0; k < in->record_comment_count; k++) {
            fprintf(out, "  packet %" PRIu64 ": ",
                    in->record_comments[k].record);
            put_escaped(out, in->record_comments[k].text);
            fputc('\n', out);
        }
    }
    if (in->texts_not_kept > 0)
        fprintf(out, LABEL "%" PRIu64 " (over the 16 MiB kept per file)\n",
                "Texts not kept:", in->texts_not_kept);
    if (in->secrets_count > 0)
        fprintf(out, LABEL "%zu blocks, %" PRIu64 " bytes\n",
                "Decryption secrets:", in->secrets_count, in->secrets_bytes);
    fprintf(out, LABEL "%zu\n", "Anomalies:", in->anomaly_total);
    for (size_t k = 0; k < in->anomaly_count; k++) {
        const struct info_anomaly *a = &in->anomalies[k];
        fprintf(out, "  offset %" PRIu64, a->offset);
        if (a->record != 0)
            fprintf(out, ", packet %" PRIu64, a->record);
        fprintf(out, ": %s: ", a->kind);
        put_escaped(out, a->message);
        fputc('\n', out);
    }
    if (in->anomaly_total > in->anomaly_count)
        fprintf(out, "  %zu more not kept\n",
                in->anomaly_total - in->anomaly_count);
}

void info_write_text(FILE *out, const struct info *in)
{
    line_text(out, "", "File:", in->file);
    line_text(out, "", "Format:", in->format ? in->format : "unreadable");
    line_text(out, "", "Compression:", in->compression);
    fprintf(out, LABEL "%" PRIu64 "\n", "Data bytes:",
            in->bytes_decompressed);
    fprintf(out, LABEL "%" PRIu64 "\n", "Packets:", in->packets);
    fprintf(out, LABEL "%" PRIu64 "\n", "Captured bytes:", in->bytes_captured);
    fprintf(out, LABEL "%" PRIu64 "\n", "Original bytes:", in->bytes_original);
    print_times(out, in);
    print_sections(out, in);
    fprintf(out, LABEL "%zu\n", "Interfaces:", in->iface_total);
    for (size_t k = 0; k < in->iface_count; k++)
        print_interface(out, &in->ifaces[k]);
    if (in->format != NULL && in->format[4] == 'n')
        print_blocks(out, in);
    print_names(out, in);
    print_stats(out, in);
    print_comments_and_anomalies(out, in);
    line_text(out, "", "Error:", in->error);
}
