/* SPDX-License-Identifier: MIT */
/* `pcapsift flows`: one row per TCP connection, written when the
 * connection ends (so the output streams and memory stays flat): ids,
 * endpoints, times, packets and bytes each way, state, handshake RTT,
 * retransmissions, SYN retries, out-of-order segments, gaps, who closed or
 * reset it, and for TLS connections the server name and what came of
 * decrypting them. -F text, csv (RFC 4180), jsonl, json; --events also
 * prints every TCP event as it happens. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"
#include "jsonw.h"
#include "output.h"
#include "timefmt.h"

enum flows_format { FL_TEXT, FL_CSV, FL_JSONL, FL_JSON };

/* The TLS side of the connection that is ending: its description comes
 * just before its on_tcp_end. */
struct flow_tls {
    uint64_t conn;       /* 0: none */
    char sni[256];
    uint16_t version;
    enum sift_tls_outcome outcome;
};

struct flows_out {
    FILE *fp;
    enum flows_format format;
    bool events;
    bool first;
    uint64_t id_base; /* ids continue over several files */
    struct flow_tls tls;
};

/* The TLS description of c, or NULL when it was not TLS. */
static const struct flow_tls *tls_of(const struct flows_out *o,
                                     const struct sift_tcp_conn *c)
{
    return o->tls.conn == c->id ? &o->tls : NULL;
}

static void endpoint(char *buf, size_t cap, const struct sift_ip_addr *a,
                     uint16_t port)
{
    char addr[46];
    sift_ip_addr_text(a, addr);
    snprintf(buf, cap, a->family == 6 ? "[%s]:%u" : "%s:%u", addr, port);
}

static const char *who(bool client, bool server)
{
    return client && server ? "both" : client ? "client"
                                   : server   ? "server"
                                              : "none";
}

/* Why the connection ended, from its state and end reason. */
static const char *ending(const struct sift_tcp_conn *c)
{
    if (c->state == SIFT_TCP_RESET)
        return "reset";
    if (c->state == SIFT_TCP_CLOSED)
        return "closed";
    return sift_tcp_event_name((enum sift_tcp_event_kind)c->end_reason);
}

static void text_row(FILE *fp, uint64_t id, const struct sift_tcp_conn *c,
                     const struct flow_tls *tls)
{
    char a[64], b[64], t0[TIMEFMT_MAX], d[TIMEFMT_MAX], rtt[TIMEFMT_MAX];
    endpoint(a, sizeof a, &c->client, c->client_port);
    endpoint(b, sizeof b, &c->server, c->server_port);
    timefmt_iso(c->start_ns, 6, t0);
    timefmt_seconds(timefmt_span(c->start_ns, c->last_ns), 6, d);
    if (c->handshake_rtt_ns >= 0)
        timefmt_seconds((uint64_t)c->handshake_rtt_ns, 6, rtt);
    else
        snprintf(rtt, sizeof rtt, "-");
    const struct sift_tcp_side *s = c->side;
    fprintf(fp,
            "%" PRIu64 " %s %s > %s %ss %s pkts %" PRIu64 "/%" PRIu64
            " bytes %" PRIu64 "/%" PRIu64 " rtt %s retrans %" PRIu64
            "/%" PRIu64 " ooo %" PRIu64 "/%" PRIu64 " gaps %" PRIu64
            "/%" PRIu64 " (%" PRIu64 "/%" PRIu64 " bytes) syn-retries %u"
            " fin %s rst %s%s",
            id, t0, a, b, d, ending(c), s[0].packets, s[1].packets,
            s[0].bytes, s[1].bytes, rtt, s[0].retransmissions,
            s[1].retransmissions, s[0].out_of_order, s[1].out_of_order,
            s[0].gaps, s[1].gaps, s[0].gap_bytes, s[1].gap_bytes,
            c->syn_retries, who(s[0].fin, s[1].fin), who(s[0].rst, s[1].rst),
            c->midstream ? " midstream" : "");
    if (tls != NULL) {
        const char *v = sift_tls_version_name(tls->version);
        fprintf(fp, " tls %s%s%s %s", v ? v : "-", tls->sni[0] ? " sni=" : "",
                tls->sni, sift_tls_outcome_name(tls->outcome));
    }
    fputc('\n', fp);
}

static const char *const csv_columns =
    "id,client,client_port,server,server_port,start_ns,end_ns,duration_ns,"
    "state,end,midstream,handshake_rtt_ns,syn_retries,"
    "packets_c2s,packets_s2c,bytes_c2s,bytes_s2c,stream_bytes_c2s,"
    "stream_bytes_s2c,retransmissions_c2s,retransmissions_s2c,"
    "out_of_order_c2s,out_of_order_s2c,gaps_c2s,gaps_s2c,gap_bytes_c2s,"
    "gap_bytes_s2c,conflicts_c2s,conflicts_s2c,fin_by,rst_by,tls_version,"
    "tls_sni,tls_outcome";

/* A server name may hold any byte the client sent: quoted (RFC 4180). */
static void csv_text(FILE *fp, const char *s)
{
    fputc(',', fp);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* Addresses, numbers and fixed words need no quoting (RFC 4180 §2); the
 * server name is quoted when it must be. */
static void csv_row(FILE *fp, uint64_t id, const struct sift_tcp_conn *c,
                    const struct flow_tls *tls)
{
    char a[46], b[46];
    const struct sift_tcp_side *s = c->side;
    fprintf(fp,
            "%" PRIu64 ",%s,%u,%s,%u,%" PRId64 ",%" PRId64 ",%" PRIu64
            ",%s,%s,%s,%" PRId64 ",%u",
            id, sift_ip_addr_text(&c->client, a), c->client_port,
            sift_ip_addr_text(&c->server, b), c->server_port, c->start_ns,
            c->last_ns, timefmt_span(c->start_ns, c->last_ns),
            sift_tcp_state_name(c->state), ending(c),
            c->midstream ? "true" : "false", c->handshake_rtt_ns,
            c->syn_retries);
    const uint64_t pairs[][2] = {
        {s[0].packets, s[1].packets}, {s[0].bytes, s[1].bytes},
        {s[0].stream_bytes, s[1].stream_bytes},
        {s[0].retransmissions, s[1].retransmissions},
        {s[0].out_of_order, s[1].out_of_order}, {s[0].gaps, s[1].gaps},
        {s[0].gap_bytes, s[1].gap_bytes}, {s[0].conflicts, s[1].conflicts}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        fprintf(fp, ",%" PRIu64 ",%" PRIu64, pairs[i][0], pairs[i][1]);
    fprintf(fp, ",%s,%s", who(s[0].fin, s[1].fin), who(s[0].rst, s[1].rst));
    const char *v = tls != NULL ? sift_tls_version_name(tls->version) : NULL;
    csv_text(fp, v != NULL ? v : "");
    csv_text(fp, tls != NULL ? tls->sni : "");
    csv_text(fp, tls != NULL ? sift_tls_outcome_name(tls->outcome) : "");
    fputs("\r\n", fp);
}

static void json_side(struct jsonw *w, const char *key,
                      const struct sift_tcp_side *s)
{
    jsonw_object(w, key);
    jsonw_u64(w, "packets", s->packets);
    jsonw_u64(w, "bytes", s->bytes);
    jsonw_u64(w, "stream_bytes", s->stream_bytes);
    jsonw_u64(w, "retransmissions", s->retransmissions);
    jsonw_u64(w, "out_of_order", s->out_of_order);
    jsonw_u64(w, "gaps", s->gaps);
    jsonw_u64(w, "gap_bytes", s->gap_bytes);
    jsonw_u64(w, "conflicts", s->conflicts);
    jsonw_u64(w, "keepalives", s->keepalives);
    jsonw_bool(w, "fin", s->fin);
    jsonw_bool(w, "rst", s->rst);
    jsonw_end(w);
}

static void json_tls(struct jsonw *w, const struct flow_tls *tls)
{
    if (tls == NULL) {
        jsonw_null(w, "tls");
        return;
    }
    jsonw_object(w, "tls");
    const char *v = sift_tls_version_name(tls->version);
    if (v != NULL)
        jsonw_str(w, "version", v);
    else
        jsonw_null(w, "version");
    jsonw_str(w, "sni", tls->sni);
    jsonw_str(w, "outcome", sift_tls_outcome_name(tls->outcome));
    jsonw_end(w);
}

static void json_row(FILE *fp, uint64_t id, const struct sift_tcp_conn *c,
                     const struct flow_tls *tls)
{
    struct jsonw w;
    jsonw_init(&w, fp);
    char a[46], t[TIMEFMT_MAX];
    jsonw_object(&w, NULL);
    jsonw_u64(&w, "id", id);
    jsonw_str(&w, "client", sift_ip_addr_text(&c->client, a));
    jsonw_u64(&w, "client_port", c->client_port);
    jsonw_str(&w, "server", sift_ip_addr_text(&c->server, a));
    jsonw_u64(&w, "server_port", c->server_port);
    timefmt_iso(c->start_ns, 9, t);
    jsonw_str(&w, "start", t);
    timefmt_iso(c->last_ns, 9, t);
    jsonw_str(&w, "end", t);
    jsonw_i64(&w, "start_ns", c->start_ns);
    jsonw_i64(&w, "end_ns", c->last_ns);
    jsonw_u64(&w, "duration_ns", timefmt_span(c->start_ns, c->last_ns));
    jsonw_str(&w, "state", sift_tcp_state_name(c->state));
    jsonw_str(&w, "ended", ending(c));
    jsonw_bool(&w, "midstream", c->midstream);
    if (c->handshake_rtt_ns >= 0)
        jsonw_i64(&w, "handshake_rtt_ns", c->handshake_rtt_ns);
    else
        jsonw_null(&w, "handshake_rtt_ns");
    jsonw_u64(&w, "syn_retries", c->syn_retries);
    json_side(&w, "client_to_server", &c->side[0]);
    json_side(&w, "server_to_client", &c->side[1]);
    json_tls(&w, tls);
    jsonw_end(&w);
}

static void on_end(void *ctx, const struct sift_tcp_conn *c)
{
    struct flows_out *o = ctx;
    uint64_t id = o->id_base + c->id;
    const struct flow_tls *tls = tls_of(o, c);
    switch (o->format) {
    case FL_TEXT: text_row(o->fp, id, c, tls); break;
    case FL_CSV: csv_row(o->fp, id, c, tls); break;
    case FL_JSON:
        if (!o->first)
            fputs(",\n", o->fp);
        json_row(o->fp, id, c, tls);
        break;
    case FL_JSONL:
        json_row(o->fp, id, c, tls);
        fputc('\n', o->fp);
        break;
    }
    o->first = false;
    o->tls.conn = 0;
}

static void on_tls(void *ctx, const struct sift_tls_info *t)
{
    struct flows_out *o = ctx;
    struct flow_tls *f = &o->tls;
    f->conn = t->conn->id;
    f->version = t->version;
    f->outcome = t->outcome;
    size_t n = strlen(t->sni);
    n = n < sizeof f->sni - 1 ? n : sizeof f->sni - 1;
    memcpy(f->sni, t->sni, n);
    f->sni[n] = '\0';
}

static void on_event(void *ctx, const struct sift_tcp_event *e)
{
    struct flows_out *o = ctx;
    char t[TIMEFMT_MAX];
    timefmt_iso(e->ts_ns, 6, t);
    fprintf(o->fp, "event %s conn %" PRIu64 " %s %s", t,
            o->id_base + e->conn->id, sift_tcp_event_name(e->kind),
            e->dir == SIFT_TCP_FROM_CLIENT ? "client" : "server");
    if (e->kind == SIFT_TCP_EV_GAP || e->kind == SIFT_TCP_EV_RETRANSMISSION ||
        e->kind == SIFT_TCP_EV_OUT_OF_ORDER ||
        e->kind == SIFT_TCP_EV_CONFLICT)
        fprintf(o->fp, " offset %" PRIu64 " len %" PRIu64, e->offset,
                e->length);
    fputc('\n', o->fp);
}

/* Ids continue from one FILE to the next. */
static void next_file(void *ctx, const struct capture_run *run)
{
    struct flows_out *o = ctx;
    o->id_base += run->tcp_connections;
}

static bool parse_format(const char *fmt, enum flows_format *f)
{
    static const struct {
        const char *name;
        enum flows_format f;
    } names[] = {{"text", FL_TEXT}, {"csv", FL_CSV}, {"jsonl", FL_JSONL},
                 {"json", FL_JSON}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(fmt, names[i].name) == 0) {
            *f = names[i].f;
            return true;
        }
    return false;
}

int cli_flows(const struct cli_options *o)
{
    struct flows_out fo = {NULL, FL_TEXT, o->events, true, 0, {0}};
    const char *fmt = cli_pick_format(o, "text");
    if (!parse_format(fmt, &fo.format) ||
        (o->events && fo.format != FL_TEXT)) {
        fprintf(stderr, "pcapsift: flows: format '%s' is not one of text, "
                "csv, jsonl, json (--events goes with text)\n", fmt);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    fo.fp = out.fp;
    if (fo.format == FL_CSV)
        fprintf(fo.fp, "%s\r\n", csv_columns);
    if (fo.format == FL_JSON)
        fputs("[\n", fo.fp);
    struct sift_callbacks cb = {0};
    cb.ctx = &fo;
    cb.on_tcp_end = on_end;
    cb.on_tls_connection = on_tls;
    if (o->events)
        cb.on_tcp_event = on_event;
    struct sift_analyzer_options aopt;
    memset(&aopt, 0, sizeof aopt);
    aopt.keylog = o->keylog;
    struct cli_options ro = *o;
    ro.analyzer = &aopt;
    struct run_totals totals;
    cli_run_files(&ro, &cb, next_file, &totals);
    if (fo.format == FL_JSON)
        fputs(fo.first ? "]\n" : "\n]\n", fo.fp);
    if (!output_close(&out, true))
        return EXIT_INPUT;
    return cli_exit_status(o, totals.complete, totals.warned);
}
