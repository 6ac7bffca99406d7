/* SPDX-License-Identifier: MIT */
/* pcapsift's main: parses the command line of CLI.md and runs a command. */
#include "cli.h"
#include "output.h"

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
    {"info", cli_info, "describe the capture files themselves", false},
    {"packets", cli_packets, "one line per packet: addresses, ports, flags",
     false},
    {"flows", cli_flows, "one row per TCP connection; --events for events",
     false},
    {"follow", cli_follow, "the bytes of the connections --conn ID[,ID]",
     false},
    {"grep", cli_grep, "PATTERN: regular expression over TCP payloads", true},
};

/* Commands of CLI.md that later versions bring; named so that a script
 * using them gets a clear message instead of "unknown command". */
static const char *const planned[] = {"http"};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: pcapsift COMMAND [OPTIONS] [FILE...]\n"
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
            "  -F, --format FMT   text (default), json, jsonl; csv for flows\n"
            "  -o, --output FILE  write there (never left half-written); the\n"
            "                     extension picks the format when -F is not "
            "given\n"
            "  --events           flows: print each TCP event as it happens\n"
            "  --conn ID[,ID]     follow: the connections (ids from flows)\n"
            "  --dir DIR          follow: client, server or both (default)\n"
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

static bool is_planned(const char *name)
{
    for (size_t i = 0; i < sizeof planned / sizeof planned[0]; i++)
        if (strcmp(planned[i], name) == 0)
            return true;
    return false;
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

static int parse_options(int argc, char **argv, struct cli_options *o)
{
    enum { OPT_STRICT = 256, OPT_EVENTS, OPT_CONN, OPT_DIR };
    static const struct option longs[] = {
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"events", no_argument, NULL, OPT_EVENTS},
        {"conn", required_argument, NULL, OPT_CONN},
        {"dir", required_argument, NULL, OPT_DIR},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+F:o:qhV", longs, NULL)) != -1) {
        switch (c) {
        case 'F': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = true; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_EVENTS: o->events = true; break;
        case OPT_CONN: o->conn_ids = optarg; break;
        case OPT_DIR: o->direction = optarg; break;
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
    if (npos == 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const struct command *cmd = find_command(positional[0]);
    if (cmd == NULL && (strcmp(positional[0], "-") == 0 ||
                        access(positional[0], F_OK) == 0))
        return usage_error("no command given, and the default command, "
                           "http, is not in this version yet; try "
                           "'pcapsift info %s'", positional[0]);
    if (cmd == NULL && is_planned(positional[0]))
        return usage_error("the '%s' command is not in this version yet; "
                           "'pcapsift info' is", positional[0]);
    if (cmd == NULL)
        return usage_error("unknown command '%s'", positional[0]);
    static const char *const stdin_only[] = {"-"};
    o.command = cmd->name;
    int first_file = 1;
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
    return cmd->run(&o);
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
    /* Options may come before or after the command and the files. */
    const char **positional = calloc((size_t)argc + 1, sizeof *positional);
    if (positional == NULL)
        return EXIT_INPUT;
    int npos = 0;
    optind = 1;
    bool only_files = false; /* after "--" */
    while (optind < argc) {
        if (!only_files) {
            int rc = parse_options(argc, argv, &o);
            if (rc != EXIT_DONE) {
                free(positional);
                return rc < 0 ? EXIT_DONE : rc;
            }
            only_files = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
        }
        if (optind < argc)
            positional[npos++] = argv[optind++];
    }
    int rc = run(&o, positional, npos);
    free(positional);
    return rc;
}
