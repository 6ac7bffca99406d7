/* SPDX-License-Identifier: MIT */
/* `pcapsift follow --conn ID[,ID...]`: the reassembled bytes of chosen TCP
 * connections (ids as `flows` prints them), both directions interleaved in
 * the order they became complete, or one (--dir client|server). -F text
 * escapes what a terminal would act on and shows gaps; -F raw writes the
 * bytes themselves (gaps are counted on standard error). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"
#include "output.h"

#define MAX_FOLLOWED 1024

struct follow_out {
    FILE *fp;
    bool raw;
    int only_dir;            /* -1 both, else enum sift_tcp_dir */
    uint64_t ids[MAX_FOLLOWED];
    size_t nids;
    uint64_t id_base;
    uint64_t last_id;        /* the chunk header was printed for ... */
    int last_dir;            /* ... this connection and direction */
    uint64_t gap_bytes;
};

static bool followed(const struct follow_out *f, uint64_t id)
{
    for (size_t i = 0; i < f->nids; i++)
        if (f->ids[i] == id)
            return true;
    return false;
}

static void header(struct follow_out *f, uint64_t id,
                   const struct sift_tcp_conn *c, enum sift_tcp_dir dir,
                   uint64_t off)
{
    if (f->last_id == id && f->last_dir == (int)dir)
        return;
    char a[46], b[46];
    bool client = dir == SIFT_TCP_FROM_CLIENT;
    sift_ip_addr_text(client ? &c->client : &c->server, a);
    sift_ip_addr_text(client ? &c->server : &c->client, b);
    fprintf(f->fp, "%s== conn %" PRIu64 " %s %s port %u > %s port %u, "
            "offset %" PRIu64 " ==\n",
            f->last_id == 0 ? "" : "\n", id, client ? "client" : "server", a,
            client ? c->client_port : c->server_port, b,
            client ? c->server_port : c->client_port, off);
    f->last_id = id;
    f->last_dir = (int)dir;
}

/* Printable ASCII, tabs and line ends as they are (CR before LF dropped);
 * every other byte as \xNN, so binary bodies cannot drive the terminal. */
static void escaped(FILE *fp, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
            continue;
        if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f && c != '\\'))
            fputc(c, fp);
        else
            fprintf(fp, "\\x%02x", c);
    }
}

static void on_data(void *ctx, const struct sift_tcp_conn *c,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    uint64_t off, int64_t ts)
{
    (void)ts;
    struct follow_out *f = ctx;
    uint64_t id = f->id_base + c->id;
    if (!followed(f, id) || (f->only_dir >= 0 && f->only_dir != (int)dir))
        return;
    if (data == NULL)
        f->gap_bytes += len;
    if (f->raw) {
        if (data != NULL)
            fwrite(data, 1, len, f->fp);
        return;
    }
    header(f, id, c, dir, off);
    if (data == NULL)
        fprintf(f->fp, "\n[gap: %zu bytes missing from the capture]\n", len);
    else
        escaped(f->fp, data, len);
}

/* Ids continue from one FILE to the next. */
static void next_file(void *ctx, const struct capture_run *run)
{
    struct follow_out *f = ctx;
    f->id_base += run->tcp_connections;
}

static bool parse_ids(struct follow_out *f, const char *list)
{
    if (list == NULL || *list == '\0')
        return false;
    const char *p = list;
    while (*p != '\0') {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || v == 0 || (*end != ',' && *end != '\0') ||
            f->nids == MAX_FOLLOWED || *p == '-' || *p == '+')
            return false;
        f->ids[f->nids++] = v;
        p = *end == ',' ? end + 1 : end;
    }
    return true;
}

int cli_follow(const struct cli_options *o)
{
    static struct follow_out f; /* the id list is large: off the stack */
    memset(&f, 0, sizeof f);
    f.only_dir = -1;
    if (!parse_ids(&f, o->conn_ids)) {
        fprintf(stderr, "pcapsift: follow: --conn needs connection ids "
                "(1, 2, ... as 'pcapsift flows' numbers them), "
                "comma-separated\n");
        return EXIT_USAGE;
    }
    if (o->direction != NULL) {
        if (strcmp(o->direction, "client") == 0)
            f.only_dir = SIFT_TCP_FROM_CLIENT;
        else if (strcmp(o->direction, "server") == 0)
            f.only_dir = SIFT_TCP_FROM_SERVER;
        else if (strcmp(o->direction, "both") != 0) {
            fprintf(stderr, "pcapsift: follow: --dir is client, server or "
                    "both\n");
            return EXIT_USAGE;
        }
    }
    const char *fmt = o->format != NULL ? o->format : "text";
    f.raw = strcmp(fmt, "raw") == 0;
    if (!f.raw && strcmp(fmt, "text") != 0) {
        fprintf(stderr, "pcapsift: follow: format '%s' is not text or raw\n",
                fmt);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    f.fp = out.fp;
    struct sift_callbacks cb = {0};
    cb.ctx = &f;
    cb.on_tcp_data = on_data;
    struct run_totals totals;
    cli_run_files(o, &cb, next_file, &totals);
    if (!f.raw && f.last_id != 0)
        fputc('\n', f.fp);
    if (f.raw && f.gap_bytes > 0 && !o->quiet)
        fprintf(stderr, "pcapsift: follow: %" PRIu64 " bytes missing from "
                "the capture were left out\n", f.gap_bytes);
    if (!output_close(&out, true))
        return EXIT_INPUT;
    return cli_exit_status(o, totals.complete,
                           totals.warned || f.gap_bytes > 0);
}
