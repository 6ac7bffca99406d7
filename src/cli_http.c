/* SPDX-License-Identifier: MIT */
/* `pcapsift http` (the default command): HTTP transactions as JSON Lines
 * (one object per transaction, flushed at once into a pipe), JSON (one
 * array), HAR 1.2, CSV or text, with the filters of CLI.md. */
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_run.h"
#include "har.h"
#include "http_json.h"
#include "output.h"
#include "timefmt.h"

enum http_format { HF_JSONL, HF_JSON, HF_HAR, HF_CSV, HF_TEXT };

struct http_filter {
    regex_t host, url;
    bool has_host, has_url;
    const char *methods; /* comma-separated, NULL: any */
    int status_lo, status_hi;
};

/* Ids of upgraded transactions kept, so their WebSocket messages are. */
struct id_set {
    uint64_t *ids;
    size_t n, cap;
};

struct http_out {
    FILE *fp;
    enum http_format format;
    bool bodies, flush_each, first;
    struct har_writer *har;
    struct http_filter filter;
    struct id_set kept_upgrades;
    uint64_t txn_base, conn_base, seen_this_file;
    bool anomaly;
    uint64_t tls_total, tls_missed[SIFT_TLS_NOTHING_ENCRYPTED + 1];
};

static bool id_set_has(const struct id_set *s, uint64_t id)
{
    for (size_t i = s->n; i-- > 0;)
        if (s->ids[i] == id)
            return true;
    return false;
}

static void id_set_add(struct id_set *s, uint64_t id)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        uint64_t *n = realloc(s->ids, cap * sizeof *n);
        if (n == NULL)
            return;
        s->ids = n;
        s->cap = cap;
    }
    s->ids[s->n++] = id;
}

/* --- filters ---------------------------------------------------------- */

static bool method_listed(const char *list, const char *m, size_t n)
{
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncasecmp(p, m, n) == 0)
            return true;
        p += len + (comma != NULL);
    }
    return false;
}

static bool keep_transaction(const struct http_filter *f,
                             const struct sift_http_transaction *t)
{
    char buf[8192];
    if (f->has_host) {
        http_host_of(t, buf, sizeof buf);
        if (regexec(&f->host, buf, 0, NULL, 0) != 0)
            return false;
    }
    if (f->has_url) {
        http_url_of(t, buf, sizeof buf);
        if (regexec(&f->url, buf, 0, NULL, 0) != 0)
            return false;
    }
    if (f->methods != NULL &&
        (!t->request.present ||
         !method_listed(f->methods, t->request.method, t->request.method_len)))
        return false;
    int status = t->response.present ? t->response.status : 0;
    return status >= f->status_lo && status <= f->status_hi;
}

static bool parse_status(const char *s, int *lo, int *hi)
{
    char *end;
    long a = strtol(s, &end, 10), b = a;
    if (end == s || a < 0 || a > 999)
        return false;
    if (*end == '-') {
        const char *t = end + 1;
        b = strtol(t, &end, 10);
        if (end == t || b < a || b > 999)
            return false;
    }
    if (*end != '\0')
        return false;
    *lo = (int)a;
    *hi = (int)b;
    return true;
}

static int compile(regex_t *re, const char *pattern, const char *option)
{
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[256];
        regerror(rc, re, msg, sizeof msg);
        fprintf(stderr, "pcapsift: %s: %s\n", option, msg);
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

static int filter_init(struct http_filter *f, const struct cli_options *o)
{
    memset(f, 0, sizeof *f);
    f->status_lo = 0;
    f->status_hi = 999;
    f->methods = o->methods;
    if (o->status != NULL && !parse_status(o->status, &f->status_lo,
                                           &f->status_hi)) {
        fprintf(stderr, "pcapsift: --status '%s' is not LO or LO-HI (0-999)"
                "\n", o->status);
        return EXIT_USAGE;
    }
    if (o->host_re != NULL) {
        if (compile(&f->host, o->host_re, "--host") != EXIT_DONE)
            return EXIT_USAGE;
        f->has_host = true;
    }
    if (o->url_re != NULL) {
        if (compile(&f->url, o->url_re, "--url") != EXIT_DONE)
            return EXIT_USAGE;
        f->has_url = true;
    }
    return EXIT_DONE;
}

static void filter_free(struct http_filter *f)
{
    if (f->has_host)
        regfree(&f->host);
    if (f->has_url)
        regfree(&f->url);
}

/* --- output ----------------------------------------------------------- */

static void text_line(FILE *fp, const struct sift_http_transaction *t,
                      uint64_t id, uint64_t conn)
{
    char iso[TIMEFMT_MAX], url[8192];
    const struct sift_http_message *q = &t->request, *r = &t->response;
    timefmt_iso(q->present ? q->first_ns : r->first_ns, 6, iso);
    http_url_of(t, url, sizeof url);
    fprintf(fp, "%" PRIu64 " %s conn %" PRIu64 " %.*s %s", id, iso, conn,
            q->present ? (int)q->method_len : 1, q->present ? q->method : "-",
            q->present ? url : "-");
    if (r->present)
        fprintf(fp, " -> %d %" PRIu64 " bytes", r->status, r->decoded_bytes);
    else
        fputs(" -> no response", fp);
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (t->flags & (1u << i))
            fprintf(fp, " %s", sift_http_flag_name(1u << i));
    fputc('\n', fp);
}

static const uint32_t anomalies = SIFT_HTTP_BODY_GAP | SIFT_HTTP_INCOMPLETE |
                                  SIFT_HTTP_DECODE_ERROR |
                                  SIFT_HTTP_BAD_CHUNK | SIFT_HTTP_RESYNC |
                                  SIFT_HTTP_H2_HEADERS_LOST;

static void on_transaction(void *ctx, const struct sift_http_transaction *t)
{
    struct http_out *o = ctx;
    o->seen_this_file++;
    if (t->flags & anomalies)
        o->anomaly = true;
    if (!keep_transaction(&o->filter, t))
        return;
    uint64_t id = o->txn_base + t->id;
    uint64_t conn = o->conn_base + t->conn->id;
    if (t->flags & SIFT_HTTP_UPGRADE)
        id_set_add(&o->kept_upgrades, t->id);
    struct jsonw w;
    switch (o->format) {
    case HF_JSON:
        fputs(o->first ? "\n" : ",\n", o->fp);
        /* fall through */
    case HF_JSONL:
        jsonw_init(&w, o->fp);
        http_json_transaction(&w, t, id, conn, o->bodies);
        if (o->format == HF_JSONL)
            fputc('\n', o->fp);
        break;
    case HF_HAR:
        har_writer_transaction(o->har, t);
        break;
    case HF_CSV:
        http_csv_row(o->fp, t, id, conn);
        break;
    case HF_TEXT:
        text_line(o->fp, t, id, conn);
        break;
    }
    o->first = false;
    if (o->flush_each)
        fflush(o->fp);
}

static void on_ws_message(void *ctx, const struct sift_ws_message *m)
{
    struct http_out *o = ctx;
    if (!id_set_has(&o->kept_upgrades, m->transaction_id))
        return;
    struct jsonw w;
    switch (o->format) {
    case HF_JSON:
        fputs(o->first ? "\n" : ",\n", o->fp);
        /* fall through */
    case HF_JSONL:
        jsonw_init(&w, o->fp);
        http_json_ws_message(&w, m, o->txn_base + m->transaction_id,
                             o->conn_base + m->conn->id, o->bodies);
        if (o->format == HF_JSONL)
            fputc('\n', o->fp);
        o->first = false;
        break;
    case HF_HAR:
        har_writer_ws_message(o->har, m);
        break;
    case HF_CSV:
    case HF_TEXT:
        break; /* one row per transaction */
    }
    if (o->flush_each)
        fflush(o->fp);
}

static void on_tls(void *ctx, const struct sift_tls_info *t)
{
    struct http_out *o = ctx;
    o->tls_total++;
    if (t->outcome != SIFT_TLS_DECRYPTED)
        o->tls_missed[t->outcome]++;
    if (o->har != NULL)
        har_writer_tls(o->har, t);
}

/* HTTPS that could not be read is said, not left silent. A connection
 * that never got to encryption (a refused handshake) holds no HTTP. */
static void say_undecrypted(const struct http_out *o)
{
    uint64_t missed = 0;
    for (int i = 1; i < SIFT_TLS_NOTHING_ENCRYPTED; i++)
        missed += o->tls_missed[i];
    if (missed == 0)
        return;
    fprintf(stderr, "pcapsift: http: %" PRIu64 " of %" PRIu64 " TLS "
            "connections not decrypted (", missed, o->tls_total);
    bool first = true;
    for (int i = 1; i < SIFT_TLS_NOTHING_ENCRYPTED; i++)
        if (o->tls_missed[i] > 0) {
            fprintf(stderr, "%s%s %" PRIu64, first ? "" : ", ",
                    sift_tls_outcome_name((enum sift_tls_outcome)i),
                    o->tls_missed[i]);
            first = false;
        }
    fputs("); their HTTP is not in the output. Give the clients' key log "
          "with --keylog FILE or SSLKEYLOGFILE; 'pcapsift tls' says more\n",
          stderr);
}

/* Ids go on from one FILE to the next. */
static void next_file(void *ctx, const struct capture_run *run)
{
    struct http_out *o = ctx;
    o->conn_base += run->tcp_connections;
    o->txn_base += o->seen_this_file;
    o->seen_this_file = 0;
}

static bool parse_format(const char *fmt, enum http_format *f)
{
    static const struct {
        const char *name;
        enum http_format f;
    } names[] = {{"jsonl", HF_JSONL}, {"json", HF_JSON}, {"har", HF_HAR},
                 {"csv", HF_CSV},     {"text", HF_TEXT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(fmt, names[i].name) == 0) {
            *f = names[i].f;
            return true;
        }
    return false;
}

/* Into a pipe or a terminal, each transaction is flushed as it completes
 * (tcpdump -w - | pcapsift http -); into a file, stdio buffers. */
static bool wants_flush(FILE *fp)
{
    struct stat st;
    return fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode) &&
           !S_ISCHR(st.st_mode);
}

static int run_http(struct http_out *ho, const struct cli_options *o)
{
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    ho->fp = out.fp;
    ho->flush_each = wants_flush(out.fp) || isatty(fileno(out.fp));
    if (ho->format == HF_HAR) {
        struct har_options hopt = {ho->bodies, NULL};
        ho->har = har_writer_new(out.fp, &hopt);
        if (ho->har == NULL) {
            fprintf(stderr, "pcapsift: http: no temporary file for HAR\n");
            output_close(&out, false);
            return EXIT_INPUT;
        }
    }
    if (ho->format == HF_CSV)
        http_csv_header(ho->fp);
    if (ho->format == HF_JSON)
        fputc('[', ho->fp);
    struct sift_analyzer_options aopt;
    memset(&aopt, 0, sizeof aopt);
    aopt.http.keep_bodies = ho->bodies;
    /* Inflating is most of the work on compressed traffic: done when the
     * bodies are shown, or asked for with --decode. */
    aopt.http.decode = ho->bodies || o->decode;
    aopt.http.max_body = o->max_body;
    aopt.keylog = o->keylog;
    struct cli_options ro = *o;
    ro.analyzer = &aopt;
    struct sift_callbacks cb = {0};
    cb.ctx = ho;
    cb.on_http_transaction = on_transaction;
    cb.on_ws_message = on_ws_message;
    cb.on_tls_connection = on_tls;
    struct run_totals totals;
    cli_run_files(&ro, &cb, next_file, &totals);
    bool ok = true;
    if (ho->format == HF_JSON)
        fputs(ho->first ? "]\n" : "\n]\n", ho->fp);
    if (ho->har != NULL) {
        ok = har_writer_finish(ho->har) == 0;
        har_writer_free(ho->har);
        if (!ok)
            fprintf(stderr, "pcapsift: http: the HAR could not be written\n");
    }
    bool closed = output_close(&out, ok);
    if (!o->quiet)
        say_undecrypted(ho); /* after the output, which it is about */
    if (!closed || !ok)
        return EXIT_INPUT;
    return cli_exit_status(o, totals.complete, totals.warned || ho->anomaly);
}

int cli_http(const struct cli_options *o)
{
    struct http_out ho;
    memset(&ho, 0, sizeof ho);
    ho.first = true;
    const char *fmt = cli_pick_format(o, "jsonl");
    if (!parse_format(fmt, &ho.format)) {
        fprintf(stderr, "pcapsift: http: format '%s' is not one of jsonl, "
                "json, har, csv, text\n", fmt);
        return EXIT_USAGE;
    }
    if (o->bodies == 1 && (ho.format == HF_CSV || ho.format == HF_TEXT)) {
        fprintf(stderr, "pcapsift: http: --bodies goes with jsonl, json or "
                "har\n");
        return EXIT_USAGE;
    }
    ho.bodies = o->bodies >= 0 ? o->bodies == 1 : ho.format == HF_HAR;
    if (filter_init(&ho.filter, o) != EXIT_DONE) {
        filter_free(&ho.filter);
        return EXIT_USAGE;
    }
    int rc = run_http(&ho, o);
    filter_free(&ho.filter);
    free(ho.kept_upgrades.ids);
    return rc;
}
