/* SPDX-License-Identifier: MIT */
/* The command line of ../shared/docs/CLI.md: options common to every
 * command, and one entry point per command. */
#ifndef SIFT_CLI_H
#define SIFT_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct sift_analyzer_options;
struct sift_keylog;

/* Exit statuses (CLI.md). */
enum cli_exit {
    EXIT_DONE = 0,
    EXIT_INPUT = 1,  /* an input could not be read */
    EXIT_USAGE = 2,
    EXIT_STRICT = 4, /* --strict and an anomaly was seen */
};

struct cli_options {
    const char *command;
    const char *format; /* -F, NULL when not given */
    const char *output; /* -o, NULL for standard output */
    bool quiet, strict;
    bool events;           /* flows --events */
    const char *conn_ids;  /* follow --conn ID[,ID...] */
    const char *direction; /* follow --dir client|server|both */
    const char *pattern;   /* grep's PATTERN */
    int bodies;            /* --bodies 1, --no-bodies 0, not given -1 */
    uint64_t max_body;     /* --max-body, 0 when not given */
    bool decode;           /* --decode: content-decode without bodies */
    int progress;          /* --progress 1, --no-progress 0, auto -1 */
    const char *host_re, *url_re, *methods, *status; /* http filters */
    const char **keylog_files; /* --keylog FILE, in order */
    int keylog_count;
    struct sift_keylog *keylog; /* their secrets and SSLKEYLOGFILE's */
    const char *extract_keys;   /* keys --extract-keys OUT */
    const struct sift_analyzer_options *analyzer; /* NULL: defaults */
    uint32_t shard, shards; /* --shard K/N: K - 1 and N; shards 0: all */
    unsigned threads;       /* -j N: 1 or 2 */
    const char **files; /* "-" when none was given */
    int file_count;
};

/* `pcapsift http`, the default command. */
int cli_http(const struct cli_options *o);

/* `pcapsift info`. */
int cli_info(const struct cli_options *o);

/* `pcapsift packets`. */
int cli_packets(const struct cli_options *o);

/* `pcapsift flows`. */
int cli_flows(const struct cli_options *o);

/* `pcapsift follow`. */
int cli_follow(const struct cli_options *o);

/* `pcapsift grep PATTERN`. */
int cli_grep(const struct cli_options *o);

/* `pcapsift tls`. */
int cli_tls(const struct cli_options *o);

/* `pcapsift keys`. */
int cli_keys(const struct cli_options *o);

/* Loads --keylog FILE... and SSLKEYLOGFILE into o->keylog; EXIT_INPUT
 * (said) when a --keylog file cannot be read. */
int cli_keylog_prepare(struct cli_options *o);
void cli_keylog_release(struct cli_options *o);

/* The format named by -F, or picked from -o's extension, or dflt. */
const char *cli_pick_format(const struct cli_options *o, const char *dflt);

#endif
