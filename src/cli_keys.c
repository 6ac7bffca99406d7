/* SPDX-License-Identifier: MIT */
/* TLS secrets for the commands: the key log of --keylog FILE... and the
 * SSLKEYLOGFILE environment variable, and `pcapsift keys FILE...`, which
 * lists the secrets held in a capture's pcap-ng Decryption Secrets Blocks
 * and, with --extract-keys OUT, writes them out as a key log (as
 * `editcap --extract-secrets` does). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "jsonw.h"
#include "output.h"
#include "pcapsift/keylog.h"
#include "pcapsift/reader.h"
#include "pcapsift/source.h"

/* The type of a Decryption Secrets Block holding a TLS key log. */
#define DSB_TLS_KEY_LOG 0x544c534bu

int cli_keylog_prepare(struct cli_options *o)
{
    o->keylog = sift_keylog_new(NULL);
    if (o->keylog == NULL) {
        fprintf(stderr, "pcapsift: no memory for the key log\n");
        return EXIT_INPUT;
    }
    struct diag d;
    const char *env = getenv("SSLKEYLOGFILE");
    if (env != NULL && env[0] != '\0') {
        struct sift_error err;
        diag_init(&d, env, o->quiet);
        /* The variable is often set for the clients of a session: a file
         * not there (yet) is a warning, not a failure. */
        if (access(env, R_OK) != 0) {
            if (!o->quiet)
                fprintf(stderr, "pcapsift: SSLKEYLOGFILE=%s cannot be "
                        "read; it is not used\n", env);
        } else if (sift_keylog_load_file(o->keylog, env, diag_warning, &d,
                                         &err) != SIFT_OK && !o->quiet) {
            fprintf(stderr, "pcapsift: %s\n", err.message);
        }
        diag_summary(&d);
    }
    for (int i = 0; i < o->keylog_count; i++) {
        struct sift_error err;
        diag_init(&d, o->keylog_files[i], o->quiet);
        if (sift_keylog_load_file(o->keylog, o->keylog_files[i], diag_warning,
                                  &d, &err) != SIFT_OK) {
            fprintf(stderr, "pcapsift: --keylog: %s\n", err.message);
            return EXIT_INPUT;
        }
        diag_summary(&d);
    }
    return EXIT_DONE;
}

void cli_keylog_release(struct cli_options *o)
{
    sift_keylog_free(o->keylog);
    o->keylog = NULL;
}

/* --- pcapsift keys ---------------------------------------------------- */

enum keys_format { KF_TEXT, KF_JSONL, KF_JSON, KF_KEYLOG };

struct keys_run {
    FILE *out;          /* the listing */
    FILE *extract;      /* --extract-keys, or NULL */
    enum keys_format fmt;
    const char *file;
    struct diag *diag;
    uint32_t blocks;    /* in this file */
    uint64_t secrets;   /* over every file */
    bool first_json;
    struct jsonw w;
};

static void hex(FILE *fp, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%02x", p[i]);
}

static void text_line(void *ctx, enum sift_secret_label label,
                      const uint8_t *id, size_t id_len,
                      const uint8_t *secret, size_t secret_len, uint64_t line)
{
    struct keys_run *k = ctx;
    (void)secret;
    k->secrets++;
    fprintf(k->out, "  line %" PRIu64 ": %s ", line,
            label == SIFT_KEY_SESSION_MASTER ? "RSA Session-ID"
                                             : sift_secret_label_name(label));
    hex(k->out, id, id_len);
    fprintf(k->out, " (%zu-byte secret)\n", secret_len);
}

static void json_line(void *ctx, enum sift_secret_label label,
                      const uint8_t *id, size_t id_len,
                      const uint8_t *secret, size_t secret_len, uint64_t line)
{
    struct keys_run *k = ctx;
    (void)secret;
    k->secrets++;
    char idhex[65];
    for (size_t i = 0; i < id_len && i < 32; i++)
        snprintf(idhex + 2 * i, 3, "%02x", id[i]);
    idhex[2 * (id_len < 32 ? id_len : 32)] = '\0';
    struct jsonw *w = &k->w;
    jsonw_object(w, NULL);
    jsonw_u64(w, "line", line);
    jsonw_str(w, "label", label == SIFT_KEY_SESSION_MASTER
                              ? "RSA Session-ID"
                              : sift_secret_label_name(label));
    jsonw_str(w, label == SIFT_KEY_SESSION_MASTER ? "session_id"
                                                  : "client_random",
              idhex);
    jsonw_u64(w, "secret_bytes", secret_len);
    jsonw_end(w);
}

static void count_line(void *ctx, enum sift_secret_label label,
                       const uint8_t *id, size_t id_len,
                       const uint8_t *secret, size_t secret_len,
                       uint64_t line)
{
    (void)label, (void)id, (void)id_len, (void)secret, (void)secret_len;
    (void)line;
    ((struct keys_run *)ctx)->secrets++;
}

static void block_json(struct keys_run *k, const struct sift_secrets *s,
                       const char *origin)
{
    struct jsonw *w = &k->w;
    if (k->fmt == KF_JSON)
        fputs(k->first_json ? "\n" : ",\n", k->out);
    k->first_json = false;
    jsonw_init(w, k->out);
    jsonw_object(w, NULL);
    jsonw_str(w, "file", k->file);
    jsonw_u64(w, "block", k->blocks);
    jsonw_u64(w, "section", s->section);
    jsonw_str(w, "type", s->type == DSB_TLS_KEY_LOG ? "tls_key_log"
                                                    : "other");
    jsonw_u64(w, "type_value", s->type);
    jsonw_u64(w, "bytes", s->len);
    jsonw_array(w, "secrets");
    if (s->type == DSB_TLS_KEY_LOG)
        sift_keylog_parse((const char *)s->data, s->len, origin, json_line,
                          k, diag_warning, k->diag);
    jsonw_end(w);
    jsonw_end(w);
    if (k->fmt == KF_JSONL)
        fputc('\n', k->out);
}

static void on_secrets(void *ctx, const struct sift_secrets *s)
{
    struct keys_run *k = ctx;
    k->blocks++;
    char origin[96];
    snprintf(origin, sizeof origin, "decryption secrets block %u (section "
             "%u)", k->blocks, s->section);
    bool tls = s->type == DSB_TLS_KEY_LOG;
    if (k->extract != NULL && tls) {
        /* Verbatim, as editcap writes them; each block ends a line. */
        fwrite(s->data, 1, s->len, k->extract);
        if (s->len > 0 && s->data[s->len - 1] != '\n')
            fputc('\n', k->extract);
    }
    switch (k->fmt) {
    case KF_TEXT:
        fprintf(k->out, "%s: block %u, section %u: %s, %zu bytes\n", k->file,
                k->blocks, s->section,
                tls ? "TLS key log" : "secrets of another type", s->len);
        if (tls)
            sift_keylog_parse((const char *)s->data, s->len, origin,
                              text_line, k, diag_warning, k->diag);
        break;
    case KF_JSON:
    case KF_JSONL: block_json(k, s, origin); break;
    case KF_KEYLOG:
        if (tls) {
            fwrite(s->data, 1, s->len, k->out);
            if (s->len > 0 && s->data[s->len - 1] != '\n')
                fputc('\n', k->out);
            sift_keylog_parse((const char *)s->data, s->len, origin,
                              count_line, k, diag_warning, k->diag);
        }
        break;
    }
}

/* Lists one file's blocks; false when it could not be read to its end. */
static bool scan_file(struct keys_run *k, const char *path, bool quiet)
{
    struct diag d;
    diag_init(&d, path, quiet);
    k->file = path;
    k->diag = &d;
    k->blocks = 0;
    struct sift_source_options so = {diag_warning, &d};
    struct sift_reader_callbacks rcb = {0};
    rcb.ctx = k;
    rcb.on_secrets = on_secrets;
    rcb.on_warning = diag_warning;
    struct sift_error err;
    sift_error_clear(&err);
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    int rc = sift_source_open_path(path, &so, &src, &err);
    if (rc == SIFT_OK) {
        /* The reader's own warnings (damaged blocks) go to this file's. */
        rcb.ctx = k;
        rc = sift_reader_open(src, &rcb, &rd, &err);
    }
    if (rc == SIFT_OK)
        rc = sift_reader_scan_secrets(rd, &err);
    if (rc < 0 && !quiet)
        fprintf(stderr, "pcapsift: %s\n", err.message);
    if (k->fmt == KF_TEXT && k->blocks == 0 && rc >= 0)
        fprintf(k->out, "%s: no decryption secrets\n", path);
    sift_reader_close(rd);
    sift_source_close(src);
    diag_summary(&d);
    return rc >= 0;
}

static bool parse_keys_format(const char *fmt, enum keys_format *f)
{
    static const struct {
        const char *name;
        enum keys_format f;
    } names[] = {{"text", KF_TEXT}, {"jsonl", KF_JSONL}, {"json", KF_JSON},
                 {"keylog", KF_KEYLOG}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(fmt, names[i].name) == 0) {
            *f = names[i].f;
            return true;
        }
    return false;
}

static int run_keys(struct keys_run *k, const struct cli_options *o,
                    struct output *out)
{
    struct output ex = {0};
    if (o->extract_keys != NULL && !output_open(&ex, o->extract_keys))
        return EXIT_INPUT;
    k->extract = o->extract_keys != NULL ? ex.fp : NULL;
    if (k->fmt == KF_JSON)
        fputc('[', out->fp);
    bool all = true;
    for (int i = 0; i < o->file_count; i++)
        all &= scan_file(k, o->files[i], o->quiet);
    if (k->fmt == KF_JSON)
        fputs(k->first_json ? "]\n" : "\n]\n", out->fp);
    bool ok = o->extract_keys == NULL || output_close(&ex, true);
    if (!output_close(out, true) || !ok)
        return EXIT_INPUT;
    if (o->extract_keys != NULL && !o->quiet)
        fprintf(stderr, "pcapsift: keys: %" PRIu64 " secrets written to "
                "%s\n", k->secrets, o->extract_keys);
    return all ? EXIT_DONE : EXIT_INPUT;
}

int cli_keys(const struct cli_options *o)
{
    struct keys_run k;
    memset(&k, 0, sizeof k);
    k.first_json = true;
    const char *fmt = cli_pick_format(o, "text");
    if (!parse_keys_format(fmt, &k.fmt)) {
        fprintf(stderr, "pcapsift: keys: format '%s' is not one of text, "
                "jsonl, json, keylog\n", fmt);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    k.out = out.fp;
    return run_keys(&k, o, &out);
}
