/* SPDX-License-Identifier: MIT */
/* `pcapsift tls`: one row per TLS connection, decrypted or not: versions,
 * cipher suite, SNI, ALPN, resumption, certificate, alerts, JA3 and JA4,
 * and what came of decrypting it (docs/tls.md). Text, JSON Lines, JSON or
 * CSV; each row is flushed into a pipe or a terminal as it is made. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_run.h"
#include "output.h"
#include "tls_json.h"

enum tls_format { TF_TEXT, TF_JSONL, TF_JSON, TF_CSV };

struct tls_out {
    FILE *fp;
    enum tls_format format;
    bool flush_each, first;
    uint64_t conn_base;
    uint64_t connections;
};

static void on_tls(void *ctx, const struct sift_tls_info *t)
{
    struct tls_out *o = ctx;
    uint64_t conn = o->conn_base + t->conn->id;
    struct jsonw w;
    o->connections++;
    switch (o->format) {
    case TF_JSON:
        fputs(o->first ? "\n" : ",\n", o->fp);
        /* fall through */
    case TF_JSONL:
        jsonw_init(&w, o->fp);
        tls_json_connection(&w, t, conn);
        if (o->format == TF_JSONL)
            fputc('\n', o->fp);
        break;
    case TF_CSV: tls_csv_row(o->fp, t, conn); break;
    case TF_TEXT: tls_text_line(o->fp, t, conn); break;
    }
    o->first = false;
    if (o->flush_each)
        fflush(o->fp);
}

static void next_file(void *ctx, const struct capture_run *run)
{
    struct tls_out *o = ctx;
    o->conn_base += run->tcp_connections;
}

static bool parse_format(const char *fmt, enum tls_format *f)
{
    static const struct {
        const char *name;
        enum tls_format f;
    } names[] = {{"text", TF_TEXT}, {"jsonl", TF_JSONL}, {"json", TF_JSON},
                 {"csv", TF_CSV}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(fmt, names[i].name) == 0) {
            *f = names[i].f;
            return true;
        }
    return false;
}

static bool into_pipe(FILE *fp)
{
    struct stat st;
    return isatty(fileno(fp)) ||
           (fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode) &&
            !S_ISCHR(st.st_mode));
}

int cli_tls(const struct cli_options *o)
{
    struct tls_out to;
    memset(&to, 0, sizeof to);
    to.first = true;
    const char *fmt = cli_pick_format(o, "text");
    if (!parse_format(fmt, &to.format)) {
        fprintf(stderr, "pcapsift: tls: format '%s' is not one of text, "
                "jsonl, json, csv\n", fmt);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    to.fp = out.fp;
    to.flush_each = into_pipe(out.fp);
    if (to.format == TF_CSV)
        tls_csv_header(to.fp);
    if (to.format == TF_JSON)
        fputc('[', to.fp);
    struct sift_analyzer_options aopt;
    memset(&aopt, 0, sizeof aopt);
    aopt.keylog = o->keylog;
    struct cli_options ro = *o;
    ro.analyzer = &aopt;
    struct sift_callbacks cb = {0};
    cb.ctx = &to;
    cb.on_tls_connection = on_tls;
    struct run_totals totals;
    cli_run_files(&ro, &cb, next_file, &totals);
    if (to.format == TF_JSON)
        fputs(to.first ? "]\n" : "\n]\n", to.fp);
    if (!output_close(&out, true))
        return EXIT_INPUT;
    return cli_exit_status(o, totals.complete, totals.warned);
}
