/* SPDX-License-Identifier: MIT */
/* pcapsift's main: parses the command line of CLI.md and runs a command. */
#include "cli.h"
#include "output.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SIFT_VERSION
#define SIFT_VERSION "unknown"
#endif

struct command {
    const char *name;
    int (*run)(const struct cli_options *o);
    const char *summary;
    bool takes_pattern; /* the first argument is not a file */
};

static const struct command commands[] = {
    {"http", cli_http, "HTTP transactions (the default): jsonl, json, har, "
     "csv, text", false},
    {"info", cli_info, "describe the capture files themselves", false},
    {"packets", cli_packets, "one line per packet: addresses, ports, flags",
     false},
    {"flows", cli_flows, "one row per TCP connection; --events for events",
     false},
    {"follow", cli_follow, "the bytes of the connections --conn ID[,ID]",
     false},
    {"grep", cli_grep, "PATTERN: regular expression over TCP payloads", true},
    {"tls", cli_tls, "one row per TLS connection: versions, cipher, SNI, "
     "decryption", false},
    {"keys", cli_keys, "TLS secrets in pcap-ng decryption secrets blocks",
     false},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: pcapsift [COMMAND] [OPTIONS] [FILE...]\n"
            "       pcapsift grep PATTERN [OPTIONS] [FILE...]\n"
            "\n"
            "Reads classic pcap and pcap-ng captures, gzip- or zstd-compressed"
            " or not;\n"
            "FILE '-' or no FILE reads standard input.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "options:\n"
            "  -F, --format FMT   http: jsonl (default), json, har, csv, text;\n"
            "                     others: text (default), json, jsonl; csv "
            "for flows\n"
            "  -o, --output FILE  write there (never left half-written); the\n"
            "                     extension picks the format when -F is not "
            "given\n"
            "  --events           flows: print each TCP event as it happens\n"
            "  --conn ID[,ID]     follow: the connections (ids from flows)\n"
            "  --dir DIR          follow: client, server or both (default)\n"
            "  --bodies, --no-bodies\n"
            "                     http: bodies in the output (default: in "
            "har only)\n"
            "  --max-body BYTES   http: body bytes kept per message (16M; K, "
            "M, G)\n"
            "  --decode           http: decoded sizes without --bodies (gzip, "
            "deflate...)\n"
            "  --host RE, --url RE, --method M[,M], --status LO[-HI]\n"
            "                     http: keep matching transactions only\n"
            "  --keylog FILE      TLS secrets (NSS key log, SSLKEYLOGFILE format);\n"
            "                     repeatable; SSLKEYLOGFILE is read too, and\n"
            "                     pcap-ng decryption secrets blocks\n"
            "  --extract-keys OUT keys: write the secrets found as a key log\n"
            "  -j, --threads N    1 (default) or 2: TLS, HTTP and writing on a\n"
            "                     second thread (same output, byte for byte)\n"
            "  --shard K/N        only the connections of shard K of N (1..N),\n"
            "                     to split one capture among N workers\n"
            "  --progress, --no-progress\n"
            "                     progress on standard error (default: when "
            "it is a\n"
            "                     terminal and a FILE is over 64 MiB)\n"
            "  --strict           exit 4 when any anomaly was seen\n"
            "  -q, --quiet        no warnings on standard error\n"
            "  -h, --help         this text\n"
            "  -V, --version      the version\n"
            "\n"
            "exit status: 0 done, 1 an input could not be read, 2 usage "
            "error,\n"
            "4 --strict and an anomaly was seen\n");
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    fputs("pcapsift: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'pcapsift --help'.\n", stderr);
    return EXIT_USAGE;
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static const char *extension_format(const char *path)
{
    static const char *const map[][2] = {
        {".har", "har"},     {".json", "json"}, {".jsonl", "jsonl"},
        {".ndjson", "jsonl"}, {".csv", "csv"},  {".txt", "text"},
    };
    const char *dot = path ? strrchr(path, '.') : NULL;
    for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(dot, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

const char *cli_pick_format(const struct cli_options *o, const char *dflt)
{
    if (o->format != NULL)
        return o->format;
    const char *ext = extension_format(o->output);
    return ext ? ext : dflt;
}

/* "1000", "64K", "16M", "1G"; at least 1. */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno != 0 || *s == '-')
        return false;
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

/* "K/N", 1 <= K <= N <= 65536: shard K (kept 0-based) of N. */
static bool parse_shard(const char *s, uint32_t *k, uint32_t *n)
{
    char *end;
    errno = 0;
    unsigned long kk = strtoul(s, &end, 10);
    if (end == s || *end != '/' || errno != 0 || s[0] == '-' || s[0] == '+')
        return false;
    const char *ns = end + 1;
    unsigned long nn = strtoul(ns, &end, 10);
    if (end == ns || *end != '\0' || errno != 0 || ns[0] == '-' ||
        ns[0] == '+' || kk < 1 || nn > 65536 || kk > nn)
        return false;
    *k = (uint32_t)(kk - 1);
    *n = (uint32_t)nn;
    return true;
}

static int parse_options(int argc, char **argv, struct cli_options *o)
{
    enum { OPT_STRICT = 256, OPT_EVENTS, OPT_CONN, OPT_DIR, OPT_BODIES,
           OPT_NO_BODIES, OPT_MAX_BODY, OPT_HOST, OPT_URL, OPT_METHOD,
           OPT_STATUS, OPT_DECODE, OPT_PROGRESS,
           OPT_NO_PROGRESS, OPT_KEYLOG, OPT_EXTRACT_KEYS, OPT_SHARD };
    static const struct option longs[] = {
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"events", no_argument, NULL, OPT_EVENTS},
        {"conn", required_argument, NULL, OPT_CONN},
        {"dir", required_argument, NULL, OPT_DIR},
        {"bodies", no_argument, NULL, OPT_BODIES},
        {"no-bodies", no_argument, NULL, OPT_NO_BODIES},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"host", required_argument, NULL, OPT_HOST},
        {"url", required_argument, NULL, OPT_URL},
        {"method", required_argument, NULL, OPT_METHOD},
        {"status", required_argument, NULL, OPT_STATUS},
        {"decode", no_argument, NULL, OPT_DECODE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"keylog", required_argument, NULL, OPT_KEYLOG},
        {"extract-keys", required_argument, NULL, OPT_EXTRACT_KEYS},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"threads", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+F:o:j:qhV", longs, NULL)) != -1) {
        switch (c) {
        case 'F': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = true; break;
        case 'j':
            if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
                return usage_error("-j '%s': 1 or 2 threads", optarg);
            o->threads = (unsigned)(optarg[0] - '0');
            break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_EVENTS: o->events = true; break;
        case OPT_CONN: o->conn_ids = optarg; break;
        case OPT_DIR: o->direction = optarg; break;
        case OPT_BODIES: o->bodies = 1; break;
        case OPT_NO_BODIES: o->bodies = 0; break;
        case OPT_MAX_BODY:
            if (!parse_size(optarg, &o->max_body))
                return usage_error("--max-body '%s' is not a size in bytes "
                                   "(a K, M or G suffix is allowed)", optarg);
            break;
        case OPT_HOST: o->host_re = optarg; break;
        case OPT_URL: o->url_re = optarg; break;
        case OPT_METHOD: o->methods = optarg; break;
        case OPT_STATUS: o->status = optarg; break;
        case OPT_DECODE: o->decode = true; break;
        case OPT_PROGRESS: o->progress = 1; break;
        case OPT_NO_PROGRESS: o->progress = 0; break;
        case OPT_KEYLOG: o->keylog_files[o->keylog_count++] = optarg; break;
        case OPT_EXTRACT_KEYS: o->extract_keys = optarg; break;
        case OPT_SHARD:
            if (!parse_shard(optarg, &o->shard, &o->shards))
                return usage_error("--shard '%s' is not K/N with 1 <= K <= N "
                                   "<= 65536", optarg);
            break;
        case 'h': usage(stdout); return -1;
        case 'V': printf("pcapsift %s\n", SIFT_VERSION); return -1;
        default:
            return usage_error("unknown or incomplete option '%s'",
                               argv[optind - 1]);
        }
    }
    return EXIT_DONE;
}

static int run(const struct cli_options *parsed, const char **positional,
               int npos)
{
    struct cli_options o = *parsed;
    if (npos == 0 && !isatty(STDIN_FILENO)) {
        /* `... | pcapsift`: the default command on standard input. */
        static const char *const http_stdin[] = {"http"};
        positional = (const char **)http_stdin;
        npos = 1;
    }
    if (npos == 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const struct command *cmd = find_command(positional[0]);
    int first_file = 1;
    if (cmd == NULL && (strcmp(positional[0], "-") == 0 ||
                        access(positional[0], F_OK) == 0)) {
        /* No command, a file: the default command, http. */
        cmd = find_command("http");
        first_file = 0;
    }
    if (cmd == NULL)
        return usage_error("unknown command '%s'", positional[0]);
    static const char *const stdin_only[] = {"-"};
    o.command = cmd->name;
    if (o.shards > 1 && (strcmp(cmd->name, "info") == 0 ||
                         strcmp(cmd->name, "keys") == 0))
        return usage_error("%s: --shard is for the commands that follow "
                           "connections", cmd->name);
    if (cmd->takes_pattern) {
        if (npos < 2)
            return usage_error("%s: a PATTERN is needed", cmd->name);
        o.pattern = positional[1];
        first_file = 2;
    }
    bool no_files = npos <= first_file;
    o.files = no_files ? (const char **)stdin_only : positional + first_file;
    o.file_count = no_files ? 1 : npos - first_file;
    if (no_files && isatty(STDIN_FILENO))
        return usage_error("%s: no FILE given and standard input is a "
                           "terminal", cmd->name);
    if (strcmp(cmd->name, "keys") == 0 || strcmp(cmd->name, "info") == 0 ||
        strcmp(cmd->name, "packets") == 0)
        return cmd->run(&o); /* no decryption in these */
    int rc = cli_keylog_prepare(&o);
    if (rc == EXIT_DONE)
        rc = cmd->run(&o);
    cli_keylog_release(&o);
    return rc;
}

/* A memory-mapped capture that shrinks under the reader raises SIGBUS on
 * a page that was already mapped in (the source catches every other case
 * and reads the file as cut short): say what happened, leave no partial
 * output file, and exit as for an unreadable input. */
static void on_sigbus(int sig)
{
    static const char msg[] = "pcapsift: an input file shrank while it was "
                              "being read (SIGBUS); stopped\n";
    (void)sig;
    output_discard_pending();
    ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)n;
    _exit(EXIT_INPUT);
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

int main(int argc, char **argv)
{
    install_signal_handlers();
    struct cli_options o;
    memset(&o, 0, sizeof o);
    o.bodies = -1;
    o.progress = -1;
    /* --keylog may be given any number of times: argc bounds it. */
    o.keylog_files = calloc((size_t)argc + 1, sizeof *o.keylog_files);
    /* Options may come before or after the command and the files. */
    const char **positional = calloc((size_t)argc + 1, sizeof *positional);
    if (positional == NULL || o.keylog_files == NULL) {
        free(positional);
        free(o.keylog_files);
        return EXIT_INPUT;
    }
    int npos = 0;
    optind = 1;
    bool only_files = false; /* after "--" */
    while (optind < argc) {
        if (!only_files) {
            int rc = parse_options(argc, argv, &o);
            if (rc != EXIT_DONE) {
                free(positional);
                free(o.keylog_files);
                return rc < 0 ? EXIT_DONE : rc;
            }
            only_files = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
        }
        if (optind < argc)
            positional[npos++] = argv[optind++];
    }
    int rc = run(&o, positional, npos);
    free(positional);
    free(o.keylog_files);
    return rc;
}
