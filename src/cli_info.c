/* SPDX-License-Identifier: MIT */
/* `pcapsift info FILE...`: one description per capture file, as text,
 * a JSON array, or JSON Lines. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "info.h"
#include "output.h"

static bool write_json(FILE *out, const struct info *in, bool first,
                       bool lines)
{
    cJSON *o = info_to_json(in);
    char *s = o ? (lines ? cJSON_PrintUnformatted(o) : cJSON_Print(o)) : NULL;
    cJSON_Delete(o);
    if (s == NULL)
        return false;
    if (lines)
        fprintf(out, "%s\n", s);
    else
        fprintf(out, "%s%s", first ? "" : ",\n", s);
    free(s);
    return true;
}

/* Describes one file; false when it could not be read to its end. */
static bool describe(FILE *out, const char *fmt, const char *path,
                     bool first, bool quiet, bool *anomalies)
{
    struct info in;
    bool ok = info_collect(&in, path);
    if (!ok && !quiet)
        fprintf(stderr, "pcapsift: %s\n", in.error);
    if (in.anomaly_total > 0)
        *anomalies = true;
    if (strcmp(fmt, "text") == 0) {
        if (!first)
            fputc('\n', out);
        info_write_text(out, &in);
    } else if (!write_json(out, &in, first, strcmp(fmt, "jsonl") == 0)) {
        fprintf(stderr, "pcapsift: out of memory writing JSON\n");
        ok = false;
    }
    info_free(&in);
    return ok;
}

int cli_info(const struct cli_options *o)
{
    const char *fmt = cli_pick_format(o, "text");
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0 &&
        strcmp(fmt, "jsonl") != 0) {
        fprintf(stderr, "pcapsift: info: format '%s' is not one of text, "
                "json, jsonl\n", fmt);
        return EXIT_USAGE;
    }
    struct output out;
    if (!output_open(&out, o->output))
        return EXIT_INPUT;
    bool json_array = strcmp(fmt, "json") == 0;
    bool all_read = true, anomalies = false;
    if (json_array)
        fputs("[\n", out.fp);
    for (int i = 0; i < o->file_count; i++)
        all_read &= describe(out.fp, fmt, o->files[i], i == 0, o->quiet,
                             &anomalies);
    if (json_array)
        fputs("\n]\n", out.fp);
    /* The description of an unreadable file is still a true description. */
    if (!output_close(&out, true))
        return EXIT_INPUT;
    if (!all_read)
        return EXIT_INPUT;
    return o->strict && anomalies ? EXIT_STRICT : EXIT_DONE;
}
