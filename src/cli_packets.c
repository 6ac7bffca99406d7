/* SPDX-License-Identifier: MIT */
/* `pcapsift packets`: one line per packet: time, interface, link type,
 * addresses and ports, TCP flags and sequence numbers, lengths, and notes
 * (VLAN, fragment, reassembled, cut, tunnel...). -F text, jsonl or json. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"
#include "jsonw.h"
#include "output.h"
#include "pcapsift/linktype.h"
#include "timefmt.h"

struct packets_out {
    FILE *fp;
    enum { OUT_TEXT, OUT_JSONL, OUT_JSON } format;
    struct jsonw json;
    bool first;
    unsigned tcp_notes; /* TCP_NOTE_ bits of the packet being written */
};

/* TCP events that describe the segment that caused them. */
enum tcp_note {
    TCP_NOTE_RETRANSMISSION = 1,
    TCP_NOTE_OUT_OF_ORDER = 2,
    TCP_NOTE_SYN_RETRY = 4,
    TCP_NOTE_CONFLICT = 8,
};

static const struct {
    unsigned bit;
    const char *word;
} tcp_note_words[] = {
    {TCP_NOTE_RETRANSMISSION, "retransmission"},
    {TCP_NOTE_OUT_OF_ORDER, "out-of-order"},
    {TCP_NOTE_SYN_RETRY, "syn-retry"},
    {TCP_NOTE_CONFLICT, "overlap-conflict"},
};

static void on_tcp_event(void *ctx, const struct sift_tcp_event *e)
{
    struct packets_out *o = ctx;
    switch (e->kind) {
    case SIFT_TCP_EV_RETRANSMISSION:
        o->tcp_notes |= TCP_NOTE_RETRANSMISSION;
        break;
    case SIFT_TCP_EV_OUT_OF_ORDER: o->tcp_notes |= TCP_NOTE_OUT_OF_ORDER; break;
    case SIFT_TCP_EV_SYN_RETRY: o->tcp_notes |= TCP_NOTE_SYN_RETRY; break;
    case SIFT_TCP_EV_CONFLICT: o->tcp_notes |= TCP_NOTE_CONFLICT; break;
    default: break;
    }
}

static const char *protocol_name(uint8_t proto)
{
    switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 58: return "ICMPv6";
    case 132: return "SCTP";
    default: return NULL;
    }
}

static const char *ethertype_name(uint16_t et)
{
    switch (et) {
    case 0x0806: return "ARP";
    case 0x8035: return "RARP";
    case 0x888e: return "EAPOL";
    case 0x88cc: return "LLDP";
    case 0x8863: return "PPPoE-discovery";
    default: return NULL;
    }
}

static unsigned time_digits(const struct sift_record *r)
{
    const struct sift_interface *i = r->iface;
    if (i == NULL || i->tsresol_pow2 || i->tsresol_exp > 9)
        return 9;
    return i->tsresol_exp;
}

/* "1.2.3.4:80", "[2001:db8::1]:80", or the address alone. */
static void endpoint(char *buf, size_t cap, const struct sift_ip_addr *a,
                     uint16_t port, bool with_port)
{
    char addr[46];
    sift_ip_addr_text(a, addr);
    if (!with_port)
        snprintf(buf, cap, "%s", addr);
    else if (a->family == 6)
        snprintf(buf, cap, "[%s]:%u", addr, port);
    else
        snprintf(buf, cap, "%s:%u", addr, port);
}

static void tcp_flags_text(char buf[12], uint16_t f)
{
    static const char letters[] = "FSRPAUEC";
    size_t n = 0;
    for (int i = 0; i < 8; i++)
        if (f & (1u << i))
            buf[n++] = letters[i];
    if (n == 0)
        buf[n++] = '.';
    buf[n] = '\0';
}

/* The notes of a packet, each a short word; returns how many. */
static int notes_of(const struct sift_packet *p, unsigned tcp_notes,
                    const char *notes[16])
{
    static const struct {
        uint32_t flag;
        const char *word;
    } table[] = {
        {SIFT_PKT_TRUNCATED, "truncated"},
        {SIFT_PKT_MALFORMED, "malformed"},
        {SIFT_PKT_UNKNOWN_LINK, "unknown-link"},
        {SIFT_PKT_FRAGMENT, "fragment"},
        {SIFT_PKT_REASSEMBLED, "reassembled"},
        {SIFT_PKT_PAYLOAD_CUT, "payload-cut"},
        {SIFT_PKT_TUNNEL, "tunnel"},
        {SIFT_PKT_PADDED, "padded"},
        {SIFT_PKT_ENCRYPTED, "encrypted"},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (p->flags & table[i].flag)
            notes[n++] = table[i].word;
    for (size_t i = 0; i < sizeof tcp_note_words / sizeof tcp_note_words[0];
         i++)
        if (tcp_notes & tcp_note_words[i].bit)
            notes[n++] = tcp_note_words[i].word;
    return n;
}

static void text_transport(FILE *fp, const struct sift_packet *p)
{
    const char *name = protocol_name(p->protocol);
    if (name != NULL)
        fprintf(fp, " %s", name);
    else
        fprintf(fp, " proto %u", p->protocol);
    if (p->protocol == 6 && !(p->flags & SIFT_PKT_FRAGMENT)) {
        char flags[12];
        tcp_flags_text(flags, p->tcp.flags);
        fprintf(fp, " [%s] seq %" PRIu32, flags, p->tcp.seq);
        if (p->tcp.flags & SIFT_TCP_ACK)
            fprintf(fp, " ack %" PRIu32, p->tcp.ack);
        fprintf(fp, " win %u", p->tcp.window);
    }
    if (p->flags & SIFT_PKT_FRAGMENT)
        fprintf(fp, " id %" PRIu32 " offset %" PRIu32 "%s", p->ip_id,
                p->frag_offset, p->frag_more ? " more" : "");
    fprintf(fp, " len %" PRIu32, p->payload_wire_len);
    if (p->payload_len < p->payload_wire_len)
        fprintf(fp, " (%" PRIu32 " captured)", p->payload_len);
}

static void write_text(FILE *fp, const struct sift_packet *p,
                       unsigned tcp_notes)
{
    const struct sift_record *r = p->record;
    char t[TIMEFMT_MAX];
    if (r->has_timestamp)
        timefmt_iso(r->ts_ns, time_digits(r), t);
    else
        snprintf(t, sizeof t, "-");
    const char *lt = sift_linktype_name(p->linktype);
    fprintf(fp, "%" PRIu64 " %s if%u %s", r->number, t, r->interface,
            lt ? lt : "?");
    for (int i = 0; i < p->vlan_count; i++)
        fprintf(fp, " vlan %u", p->vlan[i]);
    if (p->ip_version != 0) {
        bool ports = (p->protocol == 6 || p->protocol == 17) &&
                     !(p->flags & SIFT_PKT_FRAGMENT);
        char a[64], b[64];
        endpoint(a, sizeof a, &p->src, p->sport, ports);
        endpoint(b, sizeof b, &p->dst, p->dport, ports);
        fprintf(fp, " %s > %s", a, b);
        text_transport(fp, p);
    } else if (p->ethertype != 0) {
        const char *n = ethertype_name(p->ethertype);
        if (n != NULL)
            fprintf(fp, " %s", n);
        else
            fprintf(fp, " ethertype 0x%04x", p->ethertype);
    }
    const char *notes[16];
    int n = notes_of(p, tcp_notes, notes);
    for (int i = 0; i < n; i++)
        fprintf(fp, "%s%s", i == 0 ? " (" : ", ", notes[i]);
    fprintf(fp, "%s\n", n > 0 ? ")" : "");
}

static void json_tcp(struct jsonw *w, const struct sift_packet *p)
{
    char flags[12];
    tcp_flags_text(flags, p->tcp.flags);
    jsonw_object(w, "tcp");
    jsonw_u64(w, "seq", p->tcp.seq);
    jsonw_u64(w, "ack", p->tcp.ack);
    jsonw_str(w, "flags", flags);
    jsonw_u64(w, "window", p->tcp.window);
    jsonw_u64(w, "header_len", p->tcp.header_len);
    if (p->tcp.mss != 0)
        jsonw_u64(w, "mss", p->tcp.mss);
    if (p->tcp.wscale >= 0)
        jsonw_u64(w, "wscale", (uint64_t)p->tcp.wscale);
    if (p->tcp.sack_permitted)
        jsonw_bool(w, "sack_permitted", true);
    if (p->tcp.has_timestamps) {
        jsonw_u64(w, "tsval", p->tcp.tsval);
        jsonw_u64(w, "tsecr", p->tcp.tsecr);
    }
    jsonw_end(w);
}

static void json_ip(struct jsonw *w, const struct sift_packet *p)
{
    char a[46];
    jsonw_u64(w, "ip_version", p->ip_version);
    jsonw_str(w, "src", sift_ip_addr_text(&p->src, a));
    jsonw_str(w, "dst", sift_ip_addr_text(&p->dst, a));
    jsonw_u64(w, "protocol", p->protocol);
    jsonw_u64(w, "ttl", p->ttl);
    if (p->flags & SIFT_PKT_FRAGMENT) {
        jsonw_u64(w, "ip_id", p->ip_id);
        jsonw_u64(w, "frag_offset", p->frag_offset);
        jsonw_bool(w, "frag_more", p->frag_more);
    } else if (p->protocol == 6 || p->protocol == 17) {
        jsonw_u64(w, "sport", p->sport);
        jsonw_u64(w, "dport", p->dport);
        if (p->protocol == 6 && p->tcp.header_len != 0)
            json_tcp(w, p);
    }
    jsonw_u64(w, "payload_len", p->payload_wire_len);
    jsonw_u64(w, "payload_captured", p->payload_len);
}

static void write_json(struct jsonw *w, const struct sift_packet *p,
                       unsigned tcp_notes)
{
    const struct sift_record *r = p->record;
    char t[TIMEFMT_MAX];
    jsonw_object(w, NULL);
    jsonw_u64(w, "packet", r->number);
    if (r->has_timestamp) {
        timefmt_iso(r->ts_ns, time_digits(r), t);
        jsonw_str(w, "time", t);
        jsonw_i64(w, "time_ns", r->ts_ns);
    } else {
        jsonw_null(w, "time");
        jsonw_null(w, "time_ns");
    }
    jsonw_u64(w, "section", r->section);
    jsonw_u64(w, "interface", r->interface);
    jsonw_u64(w, "linktype", p->linktype);
    jsonw_str(w, "linktype_name", sift_linktype_name(p->linktype));
    jsonw_u64(w, "caplen", r->caplen);
    jsonw_u64(w, "origlen", r->origlen);
    jsonw_u64(w, "ethertype", p->ethertype);
    jsonw_array(w, "vlan");
    for (int i = 0; i < p->vlan_count; i++)
        jsonw_u64(w, NULL, p->vlan[i]);
    jsonw_end(w);
    if (p->ip_version != 0)
        json_ip(w, p);
    const char *notes[16];
    int n = notes_of(p, tcp_notes, notes);
    jsonw_array(w, "notes");
    for (int i = 0; i < n; i++)
        jsonw_str(w, NULL, notes[i]);
    jsonw_end(w);
    jsonw_end(w);
}

static void on_packet(void *ctx, const struct sift_packet *p)
{
    struct packets_out *o = ctx;
    unsigned notes = o->tcp_notes;
    o->tcp_notes = 0;
    if (o->format == OUT_TEXT) {
        write_text(o->fp, p, notes);
        return;
    }
    if (o->format == OUT_JSON && !o->first)
        fputs(",\n", o->fp);
    o->first = false;
    jsonw_init(&o->json, o->fp);
    write_json(&o->json, p, notes);
    if (o->format == OUT_JSONL)
        fputc('\n', o->fp);
}

int cli_packets(const struct cli_options *o)
{
    const char *fmt = cli_pick_format(o, "text");
    struct packets_out po = {NULL, OUT_TEXT, {0}, true, 0};
    if (strcmp(fmt, "jsonl") == 0)
        po.format = OUT_JSONL;
    else if (strcmp(fmt, "json") == 0)
        po.format = OUT_JSON;
    else if (strcmp(fmt, "text") != 0) {
        fprintf(stderr, "pcapsift: packets: format '%s' is not one of text, "
                "jsonl, json\n", fmt);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    po.fp = out.fp;
    if (po.format == OUT_JSON)
        fputs("[\n", po.fp);
    struct sift_callbacks cb = {0};
    cb.ctx = &po;
    cb.on_packet = on_packet;
    cb.on_tcp_event = on_tcp_event;
    struct run_totals totals;
    cli_run_files(o, &cb, NULL, &totals);
    if (po.format == OUT_JSON)
        fputs(po.first ? "]\n" : "\n]\n", po.fp);
    if (!output_close(&out, true))
        return EXIT_INPUT;
    return cli_exit_status(o, totals.complete, totals.warned);
}
