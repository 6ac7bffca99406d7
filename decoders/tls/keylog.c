/* SPDX-License-Identifier: MIT */
/* NSS key log files (the SSLKEYLOGFILE format of NSS, OpenSSL, BoringSSL,
 * curl and Chromium; also the payload of pcap-ng Decryption Secrets Blocks
 * of type TLSK, draft-ietf-opsawg-pcapng §4.7): parsed line by line into a
 * table keyed by client random (or, for the "RSA Session-ID:" form, by
 * session id). Memory is bounded by a byte budget. */
#include "pcapsift/keylog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Malformed lines warned one by one per text; the rest are counted and
 * summed up in one warning, so a damaged million-line log cannot flood. */
#define MAX_LINE_WARNINGS 10

struct key_entry {
    struct key_entry *next;
    uint8_t id_len;
    uint8_t session; /* id is a session id, not a client random */
    uint8_t id[32];
    uint8_t len[SIFT_KEY_LABEL_COUNT]; /* 0: not held */
    uint8_t data[];  /* the secrets held, in label order */
};

struct sift_keylog {
    struct sift_keylog_limits lim;
    struct key_entry **buckets;
    size_t nbuckets, entries, secrets;
    uint64_t bytes, generation, seed;
    bool warned_budget;
};

static const char *const label_names[SIFT_KEY_LABEL_COUNT] = {
    "CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET",
    "EARLY_EXPORTER_SECRET", "RSA",
};

const char *sift_secret_label_name(enum sift_secret_label l)
{
    return (unsigned)l < SIFT_KEY_LABEL_COUNT ? label_names[l] : NULL;
}

/* --- the table -------------------------------------------------------- */

static uint64_t hash_id(const struct sift_keylog *k, const uint8_t *id,
                        size_t n, bool session)
{
    /* Seeded so that crafted client randoms cannot pile into one chain. */
    uint64_t h = k->seed ^ (session ? 0x5bd1e995u : 0) ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= id[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

static struct key_entry **slot_of(const struct sift_keylog *k,
                                  const uint8_t *id, size_t n, bool session)
{
    size_t b = (size_t)hash_id(k, id, n, session) & (k->nbuckets - 1);
    struct key_entry **p = &k->buckets[b];
    while (*p != NULL && ((*p)->session != session || (*p)->id_len != n ||
                          memcmp((*p)->id, id, n) != 0))
        p = &(*p)->next;
    return p;
}

static void grow(struct sift_keylog *k)
{
    size_t n = k->nbuckets * 2;
    struct key_entry **b = calloc(n, sizeof *b);
    if (b == NULL)
        return;
    struct key_entry **old = k->buckets;
    size_t oldn = k->nbuckets;
    k->buckets = b;
    k->nbuckets = n;
    for (size_t i = 0; i < oldn; i++)
        for (struct key_entry *e = old[i], *next; e != NULL; e = next) {
            next = e->next;
            struct key_entry **s = &b[(size_t)hash_id(k, e->id, e->id_len,
                                                      e->session) & (n - 1)];
            e->next = *s;
            *s = e;
        }
    free(old);
}

static size_t data_len(const struct key_entry *e)
{
    size_t n = 0;
    for (int i = 0; i < SIFT_KEY_LABEL_COUNT; i++)
        n += e->len[i];
    return n;
}

static size_t offset_of(const struct key_entry *e, enum sift_secret_label l)
{
    size_t n = 0;
    for (int i = 0; i < (int)l; i++)
        n += e->len[i];
    return n;
}

/* Stores one secret; false when over the budget or out of memory. */
static bool put(struct sift_keylog *k, enum sift_secret_label l,
                const uint8_t *id, size_t id_len, const uint8_t *secret,
                size_t len)
{
    bool session = l == SIFT_KEY_SESSION_MASTER;
    struct key_entry **slot = slot_of(k, id, id_len, session);
    struct key_entry *e = *slot;
    if (e != NULL && e->len[l] == len) {
        memcpy(e->data + offset_of(e, l), secret, len); /* the last wins */
        k->generation++;
        return true;
    }
    size_t old = e != NULL ? data_len(e) : 0;
    size_t now = old - (e != NULL ? e->len[l] : 0) + len;
    if (k->bytes + sizeof *e + now > k->lim.max_bytes)
        return false;
    struct key_entry *n = malloc(sizeof *n + now);
    if (n == NULL)
        return false;
    if (e != NULL) {
        /* Copy with the new secret in its place. */
        size_t at = offset_of(e, l);
        memcpy(n, e, sizeof *e);
        memcpy(n->data, e->data, at);
        memcpy(n->data + at + len, e->data + at + e->len[l],
               old - at - e->len[l]);
        k->bytes -= sizeof *e + old;
        k->secrets -= e->len[l] != 0;
        free(e);
    } else {
        memset(n, 0, sizeof *n);
        n->id_len = (uint8_t)id_len;
        n->session = session;
        memcpy(n->id, id, id_len);
        k->entries++;
    }
    n->len[l] = (uint8_t)len;
    memcpy(n->data + offset_of(n, l), secret, len);
    *slot = n;
    k->bytes += sizeof *n + now;
    k->secrets++;
    k->generation++;
    if (e == NULL && k->entries > k->nbuckets)
        grow(k);
    return true;
}

size_t sift_keylog_find(const struct sift_keylog *k,
                        enum sift_secret_label label, const uint8_t *id,
                        size_t id_len, const uint8_t **out)
{
    if (k == NULL || (unsigned)label >= SIFT_KEY_LABEL_COUNT ||
        id_len == 0 || id_len > 32)
        return 0;
    struct key_entry *e =
        *slot_of(k, id, id_len, label == SIFT_KEY_SESSION_MASTER);
    if (e == NULL || e->len[label] == 0)
        return 0;
    *out = e->data + offset_of(e, label);
    return e->len[label];
}

size_t sift_keylog_count(const struct sift_keylog *k)
{
    return k != NULL ? k->secrets : 0;
}

uint64_t sift_keylog_generation(const struct sift_keylog *k)
{
    return k != NULL ? k->generation : 0;
}

/* --- parsing ---------------------------------------------------------- */

struct text_ctx {
    struct sift_keylog *k;       /* NULL: lines go to fn only */
    sift_keylog_line_fn fn;
    void *fn_ctx;
    const char *origin;
    sift_warning_fn warn;
    void *warn_ctx;
    uint64_t line;
    size_t added, malformed, unknown;
    char first_unknown[40];
    uint64_t first_unknown_line;
};

static void warn(struct text_ctx *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(struct text_ctx *t, const char *fmt, ...)
{
    if (t->warn == NULL)
        return;
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s: ", t->origin);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof msg)
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    struct sift_warning w = {SIFT_WARN_KEYLOG, SIFT_LAYER_TLS, 0,
                             0, msg};
    t->warn(t->warn_ctx, &w);
}

static void malformed(struct text_ctx *t, const char *why)
{
    if (++t->malformed <= MAX_LINE_WARNINGS)
        warn(t, "line %llu: %s; line skipped", (unsigned long long)t->line,
             why);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex of n characters into out; the byte count, or 0 when not hex or
 * longer than cap. */
static size_t unhex(const char *s, size_t n, uint8_t *out, size_t cap)
{
    if (n == 0 || n % 2 != 0 || n / 2 > cap)
        return 0;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

/* Splits off the next run of non-blank characters. */
static bool next_field(const char **p, const char *end, const char **f,
                       size_t *n)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *f = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    *n = (size_t)(*p - *f);
    return *n > 0;
}

static int label_of(const char *f, size_t n)
{
    for (int i = 0; i < SIFT_KEY_LABEL_COUNT; i++)
        if (strlen(label_names[i]) == n && memcmp(label_names[i], f, n) == 0)
            return i;
    return -1;
}

static void store(struct text_ctx *t, enum sift_secret_label l,
                  const uint8_t *id, size_t id_len, const uint8_t *s,
                  size_t len)
{
    if (t->k == NULL) {
        t->added++;
        t->fn(t->fn_ctx, l, id, id_len, s, len, t->line);
        return;
    }
    if (put(t->k, l, id, id_len, s, len)) {
        t->added++;
    } else if (!t->k->warned_budget) {
        t->k->warned_budget = true;
        warn(t, "line %llu: the key log holds %llu bytes of secrets, its "
             "limit; later lines are dropped", (unsigned long long)t->line,
             (unsigned long long)t->k->bytes);
    }
}

/* "RSA Session-ID:<hex> Master-Key:<hex>" (OpenSSL's SSL_SESSION_print,
 * Java's debug output). The other "RSA <encrypted pre-master> <pms>" form
 * needs the RSA exchange, which is not followed: it is skipped. */
static void session_line(struct text_ctx *t, const char *p, const char *end)
{
    const char *f;
    size_t n;
    uint8_t id[32], ms[SIFT_SECRET_MAX];
    static const char sid[] = "Session-ID:", mk[] = "Master-Key:";
    if (!next_field(&p, end, &f, &n))
        return malformed(t, "RSA without fields");
    if (n < sizeof sid - 1 || memcmp(f, sid, sizeof sid - 1) != 0) {
        return; /* RSA pre-master secrets: known, not needed */
    }
    size_t idn = unhex(f + sizeof sid - 1, n - (sizeof sid - 1), id,
                       sizeof id);
    if (idn == 0 || !next_field(&p, end, &f, &n) ||
        n < sizeof mk - 1 || memcmp(f, mk, sizeof mk - 1) != 0)
        return malformed(t, "RSA Session-ID: without a valid id and "
                            "Master-Key:");
    size_t msn = unhex(f + sizeof mk - 1, n - (sizeof mk - 1), ms, sizeof ms);
    if (msn != 48)
        return malformed(t, "Master-Key is not 48 bytes of hex");
    store(t, SIFT_KEY_SESSION_MASTER, id, idn, ms, msn);
}

static void note_unknown(struct text_ctx *t, const char *f, size_t n)
{
    if (t->unknown++ == 0) {
        size_t m = n < sizeof t->first_unknown - 1 ? n
                                                   : sizeof t->first_unknown - 1;
        for (size_t i = 0; i < m; i++) /* printed: no control bytes */
            t->first_unknown[i] = f[i] > 0x20 && f[i] < 0x7f ? f[i] : '?';
        t->first_unknown[m] = '\0';
        t->first_unknown_line = t->line;
    }
}

/* OpenSSL 3.0 logs each KeyUpdate's secrets as CLIENT_TRAFFIC_SECRET_N
 * and SERVER_TRAFFIC_SECRET_N (labels outside the NSS format that do not
 * say which N); the layer derives them from the _0 secrets (RFC 8446
 * §7.2), so they are skipped quietly. */
static bool derived_label(const char *f, size_t n)
{
    static const char *const labels[] = {"CLIENT_TRAFFIC_SECRET_N",
                                         "SERVER_TRAFFIC_SECRET_N"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (n == strlen(labels[i]) && memcmp(f, labels[i], n) == 0)
            return true;
    return false;
}

static void one_line(struct text_ctx *t, const char *p, const char *end)
{
    while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    const char *f;
    size_t n;
    if (!next_field(&p, end, &f, &n) || f[0] == '#')
        return; /* blank or a comment */
    if (derived_label(f, n))
        return; /* secrets derived here anyway: not needed, not warned */
    int l = label_of(f, n);
    if (l == SIFT_KEY_SESSION_MASTER)
        return session_line(t, p, end);
    if (l < 0)
        return note_unknown(t, f, n);
    uint8_t random[32], secret[SIFT_SECRET_MAX];
    if (!next_field(&p, end, &f, &n) ||
        unhex(f, n, random, sizeof random) != 32)
        return malformed(t, "the client random is not 32 bytes of hex");
    size_t len;
    if (!next_field(&p, end, &f, &n) ||
        (len = unhex(f, n, secret, sizeof secret)) < 16)
        return malformed(t, "the secret is not 16 to 64 bytes of hex");
    if (l == SIFT_KEY_MASTER_SECRET && len != 48)
        return malformed(t, "a CLIENT_RANDOM master secret is 48 bytes");
    if (next_field(&p, end, &f, &n))
        return malformed(t, "more than three fields");
    store(t, (enum sift_secret_label)l, random, 32, secret, len);
}

static void text_done(struct text_ctx *t)
{
    if (t->malformed > MAX_LINE_WARNINGS)
        warn(t, "%zu more malformed lines skipped",
             t->malformed - MAX_LINE_WARNINGS);
    if (t->unknown > 0 && t->first_unknown[0] != '\0')
        warn(t, "%zu line(s) with labels not used here (the first: '%s' on "
             "line %llu)", t->unknown, t->first_unknown,
             (unsigned long long)t->first_unknown_line);
}

static size_t parse_text(struct text_ctx *t, const char *text, size_t len,
                         size_t max_line)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl != NULL ? nl : end;
        t->line++;
        if ((size_t)(eol - p) > max_line)
            malformed(t, "longer than the longest line read");
        else
            one_line(t, p, eol);
        p = nl != NULL ? nl + 1 : end;
    }
    text_done(t);
    return t->added;
}

size_t sift_keylog_add_text(struct sift_keylog *k, const char *text,
                            size_t len, const char *origin,
                            sift_warning_fn warn_fn, void *warn_ctx)
{
    struct text_ctx t = {k, NULL, NULL, origin ? origin : "key log",
                         warn_fn, warn_ctx, 0, 0, 0, 0, "", 0};
    return parse_text(&t, text, len, k->lim.max_line);
}

size_t sift_keylog_parse(const char *text, size_t len, const char *origin,
                         sift_keylog_line_fn fn, void *fn_ctx,
                         sift_warning_fn warn_fn, void *warn_ctx)
{
    struct text_ctx t = {NULL, fn, fn_ctx, origin ? origin : "key log",
                         warn_fn, warn_ctx, 0, 0, 0, 0, "", 0};
    return parse_text(&t, text, len, 1024);
}

int sift_keylog_load_file(struct sift_keylog *k, const char *path,
                          sift_warning_fn warn_fn, void *warn_ctx,
                          struct sift_error *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return sift_error_set(err, SIFT_ERR_IO, SIFT_LAYER_TLS, 0,
                              "%s: cannot open the key log: %s", path,
                              strerror(errno));
    struct text_ctx t = {k, NULL, NULL, path, warn_fn, warn_ctx, 0, 0, 0, 0,
                         "", 0};
    size_t cap = (size_t)k->lim.max_line + 2;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(fp);
        return sift_error_set(err, SIFT_ERR_NOMEM, SIFT_LAYER_TLS, 0,
                              "no memory to read %s", path);
    }
    /* Blocks read with fread and split at '\n' with memchr, so a NUL or
     * any other byte inside a line is just a byte of that line. */
    size_t len = 0;
    bool too_long = false; /* inside a line longer than max_line */
    char block[65536];
    size_t got;
    while ((got = fread(block, 1, sizeof block, fp)) > 0) {
        const char *p = block, *end = block + got;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = (size_t)((nl ? nl : end) - p);
            if (!too_long && len + n <= k->lim.max_line) {
                memcpy(buf + len, p, n);
                len += n;
            } else if (!too_long) {
                too_long = true;
            }
            p += n;
            if (nl == NULL)
                break;
            p++; /* the '\n' */
            t.line++;
            if (too_long)
                malformed(&t, "longer than the longest line read");
            else
                one_line(&t, buf, buf + len);
            len = 0;
            too_long = false;
        }
    }
    if (len > 0 || too_long) { /* a last line without '\n' */
        t.line++;
        if (too_long)
            malformed(&t, "longer than the longest line read");
        else
            one_line(&t, buf, buf + len);
    }
    bool failed = ferror(fp) != 0;
    fclose(fp);
    free(buf);
    text_done(&t);
    if (failed)
        return sift_error_set(err, SIFT_ERR_IO, SIFT_LAYER_TLS, 0,
                              "%s: read error in the key log", path);
    return SIFT_OK;
}

/* --- life ------------------------------------------------------------- */

struct sift_keylog *sift_keylog_new(const struct sift_keylog_limits *lim)
{
    struct sift_keylog *k = calloc(1, sizeof *k);
    if (k == NULL)
        return NULL;
    if (lim != NULL)
        k->lim = *lim;
    if (k->lim.max_bytes == 0)
        k->lim.max_bytes = 256ull << 20;
    if (k->lim.max_line == 0)
        k->lim.max_line = 1024;
    k->nbuckets = 256;
    k->buckets = calloc(k->nbuckets, sizeof *k->buckets);
    if (k->buckets == NULL) {
        free(k);
        return NULL;
    }
    if (getrandom(&k->seed, sizeof k->seed, GRND_NONBLOCK) !=
        (ssize_t)sizeof k->seed)
        k->seed = (uint64_t)(uintptr_t)k * 0x9e3779b97f4a7c15ull;
    return k;
}

void sift_keylog_free(struct sift_keylog *k)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->nbuckets; i++)
        for (struct key_entry *e = k->buckets[i], *next; e != NULL;
             e = next) {
            next = e->next;
            free(e);
        }
    free(k->buckets);
    free(k);
}
