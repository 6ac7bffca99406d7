/* SPDX-License-Identifier: MIT */
/* `pcapsift grep PATTERN`: the network grep of node_pcap's examples, done
 * right: a POSIX extended regular expression over the reassembled bytes of
 * every TCP connection, each direction on its own. The last CARRY bytes of
 * a stream are kept, so a match that spans segment boundaries is found
 * (one up to CARRY bytes long before the boundary); a gap resets the
 * stream, so no match ever joins bytes across a hole. Each match prints
 * its connection, direction, stream offset, capture time and context. */
#define _GNU_SOURCE /* REG_STARTEND: search binary data with NUL bytes */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_run.h"
#include "output.h"
#include "timefmt.h"

#define CARRY 1024   /* bytes of a stream kept for matches across segments */
#define CONTEXT 24   /* bytes of context shown on each side of a match */

/* What is kept of one direction of one connection. */
struct carry {
    size_t len;
    uint64_t reported_to;   /* stream offset up to which matches were shown */
    uint8_t bytes[CARRY];
};

struct grep_out {
    FILE *fp;
    regex_t re;
    uint64_t id_base;
    struct carry **carries; /* by (id - 1) * 2 + direction */
    size_t ncarries;
    uint8_t *scratch;       /* carry + the new bytes */
    size_t scratch_cap;
    uint64_t matches;
};

static struct carry *carry_of(struct grep_out *g, uint64_t id, int dir)
{
    size_t at = (size_t)(id - 1) * 2 + (size_t)dir;
    if (at >= g->ncarries) {
        size_t n = g->ncarries ? g->ncarries : 64;
        while (n <= at)
            n *= 2;
        struct carry **c = realloc(g->carries, n * sizeof *c);
        if (c == NULL)
            return NULL;
        memset(c + g->ncarries, 0, (n - g->ncarries) * sizeof *c);
        g->carries = c;
        g->ncarries = n;
    }
    if (g->carries[at] == NULL)
        g->carries[at] = calloc(1, sizeof **g->carries);
    return g->carries[at];
}

static void escaped(FILE *fp, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
            fputc(p[i], fp);
        else if (p[i] == '\r')
            fputs("\\r", fp);
        else if (p[i] == '\n')
            fputs("\\n", fp);
        else
            fprintf(fp, "\\x%02x", p[i]);
    }
}

static void report(struct grep_out *g, uint64_t id, int dir, int64_t ts,
                   const uint8_t *buf, size_t len, size_t so, size_t eo,
                   uint64_t base)
{
    char t[TIMEFMT_MAX];
    timefmt_iso(ts, 6, t);
    fprintf(g->fp, "conn %" PRIu64 " %s offset %" PRIu64 " %s: ", id,
            dir == SIFT_TCP_FROM_CLIENT ? "client" : "server", base + so, t);
    size_t from = so > CONTEXT ? so - CONTEXT : 0;
    size_t to = len - eo > CONTEXT ? eo + CONTEXT : len;
    escaped(g->fp, buf + from, so - from);
    fputc('[', g->fp);
    escaped(g->fp, buf + so, eo - so);
    fputc(']', g->fp);
    escaped(g->fp, buf + eo, to - eo);
    fputc('\n', g->fp);
    g->matches++;
}

/* Searches carry + new bytes; shows each match not shown before that
 * reaches into the new bytes. */
static void search(struct grep_out *g, struct carry *c, uint64_t id, int dir,
                   const uint8_t *data, size_t len, uint64_t off, int64_t ts)
{
    size_t total = c->len + len;
    if (total + 1 > g->scratch_cap) {
        uint8_t *s = realloc(g->scratch, total + 1);
        if (s == NULL)
            return;
        g->scratch = s;
        g->scratch_cap = total + 1;
    }
    memcpy(g->scratch, c->bytes, c->len);
    memcpy(g->scratch + c->len, data, len);
    /* REG_STARTEND bounds the search, but some regexec wrappers (the
     * sanitizers') still look for a terminating NUL */
    g->scratch[total] = '\0';
    uint64_t base = off - c->len; /* stream offset of scratch[0] */
    size_t at = 0;
    while (at <= total) { /* each round moves at least one byte on */
        regmatch_t m = {(regoff_t)at, (regoff_t)total};
        int flags = REG_STARTEND | (at > 0 || base > 0 ? REG_NOTBOL : 0);
        if (regexec(&g->re, (const char *)g->scratch, 1, &m, flags) != 0)
            break;
        size_t so = (size_t)m.rm_so, eo = (size_t)m.rm_eo;
        if (eo > c->len && base + so >= c->reported_to) {
            report(g, id, dir, ts, g->scratch, total, so, eo, base);
            c->reported_to = base + eo;
        }
        at = eo > so ? eo : so + 1;
    }
    size_t keep = total < CARRY ? total : CARRY;
    memcpy(c->bytes, g->scratch + total - keep, keep);
    c->len = keep;
}

static void on_data(void *ctx, const struct sift_tcp_conn *conn,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    uint64_t off, int64_t ts)
{
    struct grep_out *g = ctx;
    uint64_t id = g->id_base + conn->id;
    struct carry *c = carry_of(g, conn->id, (int)dir);
    if (c == NULL)
        return;
    if (data == NULL) { /* a gap: nothing joins across it */
        c->len = 0;
        return;
    }
    search(g, c, id, (int)dir, data, len, off, ts);
}

static void on_end(void *ctx, const struct sift_tcp_conn *conn)
{
    struct grep_out *g = ctx;
    for (int d = 0; d < 2; d++) {
        size_t at = (size_t)(conn->id - 1) * 2 + (size_t)d;
        if (at < g->ncarries) {
            free(g->carries[at]);
            g->carries[at] = NULL;
        }
    }
}

static void reset_carries(struct grep_out *g)
{
    for (size_t i = 0; i < g->ncarries; i++)
        free(g->carries[i]);
    free(g->carries);
    g->carries = NULL;
    g->ncarries = 0;
}

/* Ids continue from one FILE to the next; the streams start over. */
static void next_file(void *ctx, const struct capture_run *run)
{
    struct grep_out *g = ctx;
    g->id_base += run->tcp_connections;
    reset_carries(g);
}

int cli_grep(const struct cli_options *o)
{
    if (o->pattern == NULL) {
        fprintf(stderr, "pcapsift: grep: usage: pcapsift grep PATTERN "
                "[FILE...]\n");
        return EXIT_USAGE;
    }
    struct grep_out g;
    memset(&g, 0, sizeof g);
    int rc = regcomp(&g.re, o->pattern, REG_EXTENDED);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &g.re, msg, sizeof msg);
        fprintf(stderr, "pcapsift: grep: bad pattern: %s\n", msg);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output)) {
        regfree(&g.re);
        return EXIT_INPUT;
    }
    g.fp = out.fp;
    struct sift_callbacks cb = {0};
    cb.ctx = &g;
    cb.on_tcp_data = on_data;
    cb.on_tcp_end = on_end;
    struct run_totals totals;
    cli_run_files(o, &cb, next_file, &totals);
    regfree(&g.re);
    free(g.scratch);
    if (!output_close(&out, true))
        return EXIT_INPUT;
    return cli_exit_status(o, totals.complete, totals.warned);
}
