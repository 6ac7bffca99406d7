/* SPDX-License-Identifier: MIT */
/* Unit tests of the NSS key log reader (pcapsift/keylog.h; the format of
 * NSS's SSLKEYLOGFILE documentation and draft-ietf-tls-keylogfile): every
 * label, the "RSA Session-ID: Master-Key:" form, line ends, comments,
 * malformed lines (a numbered warning each, never fatal), duplicates, hex
 * case, line limits, the byte budget, and testdata/tls/rfc8448.keys
 * against the secrets of tls_vectors.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "pcapsift/keylog.h"
#include "tls_vectors.h"

#ifndef SIFT_TESTDATA_DIR
#define SIFT_TESTDATA_DIR "testdata"
#endif

/* --- warnings and text ---------------------------------------------- */

#define MAX_WARNS 32

struct warns {
    size_t n;
    char msg[MAX_WARNS][600];
};

static void on_warn(void *ctx, const struct sift_warning *w)
{
    struct warns *ws = ctx;
    ck_assert_int_eq(w->kind, SIFT_WARN_KEYLOG);
    ck_assert_int_eq(w->layer, SIFT_LAYER_TLS);
    ck_assert_ptr_nonnull(w->message);
    if (ws->n < MAX_WARNS)
        snprintf(ws->msg[ws->n], sizeof ws->msg[0], "%s", w->message);
    ws->n++;
}

/* Some warning says `needle`. */
static bool warned(const struct warns *ws, const char *needle)
{
    for (size_t i = 0; i < ws->n && i < MAX_WARNS; i++)
        if (strstr(ws->msg[i], needle) != NULL)
            return true;
    return false;
}

/* A growing key log text. */
struct text {
    char s[1 << 16];
    size_t n;
};

static void add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap);
    va_end(ap);
    ck_assert(k >= 0 && (size_t)k < sizeof t->s - t->n);
    t->n += (size_t)k;
}

static void add_hex(struct text *t, const uint8_t *p, size_t n, bool upper)
{
    for (size_t i = 0; i < n; i++)
        add(t, upper ? "%02X" : "%02x", p[i]);
}

/* "<label> <id> <secret><eol>" */
static void add_line(struct text *t, const char *label, const uint8_t *id,
                     const uint8_t *secret, size_t n, const char *eol)
{
    add(t, "%s ", label);
    add_hex(t, id, 32, false);
    add(t, " ");
    add_hex(t, secret, n, false);
    add(t, "%s", eol);
}

static void add_rsa(struct text *t, const uint8_t *sid, size_t sid_len,
                    const uint8_t ms[48], const char *eol)
{
    add(t, "RSA Session-ID:");
    add_hex(t, sid, sid_len, false);
    add(t, " Master-Key:");
    add_hex(t, ms, 48, false);
    add(t, "%s", eol);
}

/* A byte pattern that differs for every seed (its first four bytes). */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i < 4 ? seed >> (8 * i) : seed * 151u + i * 13u);
}

static size_t load(struct sift_keylog *k, const struct text *t,
                   struct warns *ws)
{
    return sift_keylog_add_text(k, t->s, t->n, "test.keys", on_warn, ws);
}

/* The secret held for (label, id) is secret[0, n). */
static void expect_secret(const struct sift_keylog *k, enum sift_secret_label l,
                          const uint8_t *id, size_t id_len,
                          const uint8_t *secret, size_t n)
{
    const uint8_t *p = NULL;
    size_t got = sift_keylog_find(k, l, id, id_len, &p);
    ck_assert_msg(got == n, "%s: %zu bytes, not %zu", sift_secret_label_name(l),
                  got, n);
    ck_assert(p != NULL && memcmp(p, secret, n) == 0);
}

static struct sift_keylog *new_log(void)
{
    struct sift_keylog *k = sift_keylog_new(NULL);
    ck_assert_ptr_nonnull(k);
    return k;
}

/* --- labels --------------------------------------------------------- */

START_TEST(label_names)
{
    static const char *const names[SIFT_KEY_LABEL_COUNT] = {
        "CLIENT_RANDOM",
        "CLIENT_EARLY_TRAFFIC_SECRET",
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
        "EXPORTER_SECRET",
        "EARLY_EXPORTER_SECRET",
        "RSA",
    };
    for (int l = 0; l < SIFT_KEY_LABEL_COUNT; l++)
        ck_assert_str_eq(sift_secret_label_name((enum sift_secret_label)l),
                         names[l]);
    ck_assert_ptr_null(
        sift_secret_label_name((enum sift_secret_label)SIFT_KEY_LABEL_COUNT));
}
END_TEST

/* One line per label for one client random, secrets of 48 bytes (the
 * master secret), 32 (SHA-256 suites) and 48 (SHA-384), and the RSA
 * session form with 32- and 16-byte session ids. */
START_TEST(every_label)
{
    struct text t = {.n = 0};
    uint8_t cr[32], sec[SIFT_KEY_LABEL_COUNT][48], sid[32];
    fill(cr, 32, 1);
    fill(sid, 32, 2);
    for (int l = 0; l < SIFT_KEY_SESSION_MASTER; l++) {
        fill(sec[l], 48, 10u + (unsigned)l);
        add_line(&t, sift_secret_label_name((enum sift_secret_label)l), cr,
                 sec[l], l % 2 ? 32 : 48, "\n");
    }
    fill(sec[SIFT_KEY_SESSION_MASTER], 48, 30);
    add_rsa(&t, sid, 32, sec[SIFT_KEY_SESSION_MASTER], "\n");
    add_rsa(&t, sid, 16, sec[0], "\n");
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, &ws), SIFT_KEY_LABEL_COUNT + 1);
    ck_assert_uint_eq(ws.n, 0);
    ck_assert_uint_eq(sift_keylog_count(k), SIFT_KEY_LABEL_COUNT + 1);
    for (int l = 0; l < SIFT_KEY_SESSION_MASTER; l++)
        expect_secret(k, (enum sift_secret_label)l, cr, 32, sec[l],
                      l % 2 ? 32 : 48);
    expect_secret(k, SIFT_KEY_SESSION_MASTER, sid, 32,
                  sec[SIFT_KEY_SESSION_MASTER], 48);
    expect_secret(k, SIFT_KEY_SESSION_MASTER, sid, 16, sec[0], 48);
    /* a session id and a client random of the same bytes are apart */
    const uint8_t *p;
    ck_assert_uint_eq(sift_keylog_find(k, SIFT_KEY_SESSION_MASTER, cr, 32, &p),
                      0);
    ck_assert_uint_eq(sift_keylog_find(k, SIFT_KEY_MASTER_SECRET, sid, 32, &p),
                      0);
    sift_keylog_free(k);
}
END_TEST

/* The same lines with LF, CRLF, mixed ends and no end on the last. */
START_TEST(line_ends)
{
    static const char *const ends[][3] = {
        {"\n", "\n", "\n"},     {"\r\n", "\r\n", "\r\n"}, {"\r\n", "\n", ""},
        {"\n", "\r\n", "\r\n"}, {" \t\r\n", "\t\n", ""},
    };
    uint8_t cr[32], s[3][48];
    fill(cr, 32, 3);
    for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
        struct text t = {.n = 0};
        for (int i = 0; i < 3; i++) {
            fill(s[i], 48, (unsigned)i);
            add_line(&t, sift_secret_label_name((enum sift_secret_label)i), cr,
                     s[i], 48, ends[e][i]);
        }
        struct warns ws = {0};
        struct sift_keylog *k = new_log();
        ck_assert_uint_eq(load(k, &t, &ws), 3);
        ck_assert_msg(ws.n == 0, "ends %zu: %s", e, ws.msg[0]);
        for (int i = 0; i < 3; i++)
            expect_secret(k, (enum sift_secret_label)i, cr, 32, s[i], 48);
        sift_keylog_free(k);
    }
}
END_TEST

/* Comments and blank lines are skipped silently but counted as lines. */
START_TEST(comments_and_blank_lines)
{
    struct text t = {.n = 0};
    uint8_t cr[32], s[48];
    fill(cr, 32, 4);
    fill(s, 48, 5);
    add(&t, "# SSL/TLS secrets log file, generated by NSS\n\n   \n\t\r\n\r\n");
    add(&t, "   # indented comment\n#CLIENT_RANDOM 00 00\n");
    add_line(&t, "CLIENT_RANDOM", cr, s, 48, "\n");
    add(&t, "CLIENT_RANDOM zz\n"); /* line 9 */
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, &ws), 1);
    ck_assert_uint_eq(ws.n, 1);
    ck_assert_msg(warned(&ws, "line 9:"), "%s", ws.msg[0]);
    expect_secret(k, SIFT_KEY_MASTER_SECRET, cr, 32, s, 48);
    sift_keylog_free(k);
}
END_TEST

/* --- malformed lines ------------------------------------------------ */

/* Hex of 16 and 15 bytes, to build fields of any length. */
#define H16 "cb34ecb1e78163ba1c38c6dacb196a6d"
#define H15 "cb34ecb1e78163ba1c38c6dacb196a"
#define RND H16 H16    /* a 32-byte client random */
#define MS H16 H16 H16 /* a 48-byte master secret */
static const char R[] = RND, M48[] = MS;

/* Each is one bad line: the good lines around it still load. */
static const char *const bad_lines[] = {
    "CLIENT_RANDOM",
    "CLIENT_RANDOM " H16 H15 " " MS,        /* random of 31 bytes */
    "CLIENT_RANDOM " RND "00 " MS,          /* 33 bytes */
    "CLIENT_RANDOM " H16 H15 "6 " MS,       /* odd hex digits */
    "CLIENT_RANDOM g" H16 H15 "6 " MS,      /* not hex */
    "CLIENT_RANDOM " RND,                   /* no secret */
    "CLIENT_RANDOM " RND " " H16 H16,       /* a 32-byte master secret */
    "CLIENT_RANDOM " RND " " MS " 00",      /* four fields */
    "CLIENT_RANDOM " RND " " MS "#",        /* junk after the secret */
    "CLIENT_RANDOM " RND " " MS "0",        /* odd secret */
    "CLIENT_TRAFFIC_SECRET_0 " RND " " H15, /* 15 bytes */
    "CLIENT_TRAFFIC_SECRET_0 " RND " " MS H16 "00", /* 65 bytes */
    "RSA",
    "RSA Session-ID:zz Master-Key:" MS,
    "RSA Session-ID: Master-Key:" MS,
    "RSA Session-ID:" RND "00 Master-Key:" MS,        /* 33-byte id */
    "RSA Session-ID:" RND " Master-Key:" H16 H16 H15, /* 47 bytes */
    "RSA Session-ID:" RND,
    "RSA Session-ID:" RND " Master:" MS,
};

START_TEST(malformed_line_is_a_numbered_warning)
{
    struct text t = {.n = 0};
    uint8_t cr[4][32], s[48];
    fill(s, 48, 6);
    for (unsigned i = 0; i < 4; i++) {
        fill(cr[i], 32, 40u + i);
        if (i == 2)
            add(&t, "%s\n", bad_lines[_i]); /* line 3 */
        add_line(&t, "CLIENT_RANDOM", cr[i], s, 48, i % 2 ? "\r\n" : "\n");
    }
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, &ws), 4);
    ck_assert_msg(ws.n == 1, "'%s': %zu warnings", bad_lines[_i], ws.n);
    ck_assert_msg(warned(&ws, "test.keys: line 3:"), "'%s': %s", bad_lines[_i],
                  ws.msg[0]);
    for (unsigned i = 0; i < 4; i++)
        expect_secret(k, SIFT_KEY_MASTER_SECRET, cr[i], 32, s, 48);
    sift_keylog_free(k);
}
END_TEST

/* Labels that are not used, and the RSA pre-master form, are no
 * malformed lines; one note names the first unknown label. OpenSSL's
 * CLIENT/SERVER_TRAFFIC_SECRET_N (KeyUpdate secrets, derived here from
 * the _0 ones) are skipped without a word. */
START_TEST(unknown_labels)
{
    struct text t = {.n = 0};
    add(&t, "CLIENT_RANDOM %s %s\n", R, M48);
    add(&t, "CLIENT_TRAFFIC_SECRET_N %s %s\n", R, M48);
    add(&t, "SERVER_TRAFFIC_SECRET_N %s %s\n", R, M48);
    add(&t, "FUTURE_SECRET %s %s\n", R, M48); /* line 4 */
    add(&t, "client_random %s %s\n", R, M48); /* labels are upper case */
    add(&t, "CLIENT_RANDOM %s %s\n", "00", M48);
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, &ws), 1);
    ck_assert_uint_eq(sift_keylog_count(k), 1);
    ck_assert_uint_eq(ws.n, 2);
    ck_assert(warned(&ws, "line 6:"));
    ck_assert(warned(&ws, "FUTURE_SECRET") && warned(&ws, "line 4"));
    ck_assert(!warned(&ws, "_SECRET_N"));
    sift_keylog_free(k);
    struct text rsa = {.n = 0};
    add(&rsa, "RSA 0123456789abcdef %s\n", M48);
    ws.n = 0;
    k = new_log();
    ck_assert_uint_eq(load(k, &rsa, &ws), 0);
    ck_assert_uint_eq(ws.n, 0);
    ck_assert_uint_eq(sift_keylog_count(k), 0);
    sift_keylog_free(k);
}
END_TEST

/* Ten malformed lines are warned one by one, the rest summed up. */
START_TEST(warnings_are_capped)
{
    struct text t = {.n = 0};
    for (int i = 0; i < 25; i++)
        add(&t, "CLIENT_RANDOM %d\n", i);
    add(&t, "CLIENT_RANDOM %s %s\n", R, M48);
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, &ws), 1);
    ck_assert_uint_eq(ws.n, 11);
    ck_assert(warned(&ws, "line 10:") && !warned(&ws, "line 11:"));
    ck_assert(warned(&ws, "15 more"));
    sift_keylog_free(k);
}
END_TEST

/* --- duplicates and hex --------------------------------------------- */

START_TEST(duplicates_keep_the_last)
{
    uint8_t cr[32], a[48], b[48], hs[32], ap[48];
    fill(cr, 32, 7);
    fill(a, 48, 8);
    fill(b, 48, 9);
    fill(hs, 32, 10);
    fill(ap, 48, 11);
    struct text t = {.n = 0};
    add_line(&t, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", cr, hs, 32, "\n");
    add_line(&t, "CLIENT_TRAFFIC_SECRET_0", cr, a, 32, "\n");
    add_line(&t, "SERVER_TRAFFIC_SECRET_0", cr, ap, 48, "\n");
    add_line(&t, "CLIENT_TRAFFIC_SECRET_0", cr, a, 32, "\n"); /* again */
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    uint64_t g0 = sift_keylog_generation(k);
    ck_assert_uint_eq(load(k, &t, &ws), 4);
    ck_assert_uint_eq(sift_keylog_count(k), 3);
    uint64_t g1 = sift_keylog_generation(k);
    ck_assert_uint_gt(g1, g0);
    expect_secret(k, SIFT_KEY_CLIENT_TRAFFIC_0, cr, 32, a, 32);
    /* another value, then another length: the last wins, the others stay */
    t.n = 0;
    add_line(&t, "CLIENT_TRAFFIC_SECRET_0", cr, b, 32, "\n");
    ck_assert_uint_eq(load(k, &t, &ws), 1);
    expect_secret(k, SIFT_KEY_CLIENT_TRAFFIC_0, cr, 32, b, 32);
    t.n = 0;
    add_line(&t, "CLIENT_TRAFFIC_SECRET_0", cr, a, 48, "\n");
    ck_assert_uint_eq(load(k, &t, &ws), 1);
    ck_assert_uint_eq(ws.n, 0);
    ck_assert_uint_eq(sift_keylog_count(k), 3);
    ck_assert_uint_gt(sift_keylog_generation(k), g1);
    expect_secret(k, SIFT_KEY_CLIENT_TRAFFIC_0, cr, 32, a, 48);
    expect_secret(k, SIFT_KEY_CLIENT_HANDSHAKE, cr, 32, hs, 32);
    expect_secret(k, SIFT_KEY_SERVER_TRAFFIC_0, cr, 32, ap, 48);
    sift_keylog_free(k);
}
END_TEST

/* Upper- and lower-case hex name the same random and the same secret. */
START_TEST(hex_case)
{
    uint8_t cr[32], s[48];
    fill(cr, 32, 12);
    fill(s, 48, 13);
    struct text t = {.n = 0};
    add(&t, "CLIENT_RANDOM ");
    add_hex(&t, cr, 32, true);
    add(&t, " ");
    add_hex(&t, s, 48, true);
    add(&t, "\nSERVER_TRAFFIC_SECRET_0 ");
    add_hex(&t, cr, 16, false);
    add_hex(&t, cr + 16, 16, true);
    add(&t, " ");
    add_hex(&t, s, 32, false);
    add(&t, "\n");
    struct warns ws = {0};
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, &ws), 2);
    ck_assert_uint_eq(ws.n, 0);
    ck_assert_uint_eq(sift_keylog_count(k), 2);
    expect_secret(k, SIFT_KEY_MASTER_SECRET, cr, 32, s, 48);
    expect_secret(k, SIFT_KEY_SERVER_TRAFFIC_0, cr, 32, s, 32);
    sift_keylog_free(k);
}
END_TEST

/* --- limits --------------------------------------------------------- */

/* A valid line padded with blanks to `len` characters (its end not
 * counted). */
static void add_padded_line(struct text *t, const uint8_t cr[32],
                            const uint8_t s[48], size_t len)
{
    size_t start = t->n;
    add_line(t, "CLIENT_RANDOM", cr, s, 48, "");
    ck_assert_uint_le(t->n - start, len);
    while (t->n - start < len)
        add(t, (t->n - start) % 2 ? " " : "\t");
    add(t, "\n");
}

static void write_file(const char *path, const struct text *t)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(t->s, 1, t->n, f), t->n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Lines of max_line characters are read, longer ones are a warning, by
 * add_text and by load_file alike; the lines after them still count. */
START_TEST(overlong_lines)
{
    static const uint32_t limits[] = {0, 200, 4096};
    uint32_t max = limits[_i] ? limits[_i] : 1024;
    uint8_t cr[3][32], s[48];
    fill(s, 48, 14);
    struct text t = {.n = 0};
    for (unsigned i = 0; i < 3; i++)
        fill(cr[i], 32, 50u + i);
    add_padded_line(&t, cr[0], s, max);     /* line 1: fits */
    add_padded_line(&t, cr[1], s, max + 1); /* line 2: too long */
    add_padded_line(&t, cr[2], s, 3 * max); /* line 3: too long */
    add_line(&t, "CLIENT_RANDOM", cr[2], s, 48, "\n");
    add(&t, "CLIENT_RANDOM 00\n"); /* line 5 */
    struct sift_keylog_limits lim = {0, limits[_i]};
    char path[] = "/tmp/test_keylog_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    write_file(path, &t);
    for (int from_file = 0; from_file < 2; from_file++) {
        struct warns ws = {0};
        struct sift_keylog *k = sift_keylog_new(&lim);
        struct sift_error err;
        if (from_file)
            ck_assert_int_eq(sift_keylog_load_file(k, path, on_warn, &ws, &err),
                             SIFT_OK);
        else
            load(k, &t, &ws);
        ck_assert_uint_eq(sift_keylog_count(k), 2);
        ck_assert_msg(ws.n == 3, "file %d: %zu warnings", from_file, ws.n);
        ck_assert(warned(&ws, "line 2:") && warned(&ws, "line 3:"));
        ck_assert(warned(&ws, "line 5:"));
        expect_secret(k, SIFT_KEY_MASTER_SECRET, cr[0], 32, s, 48);
        expect_secret(k, SIFT_KEY_MASTER_SECRET, cr[2], 32, s, 48);
        sift_keylog_free(k);
    }
    unlink(path);
}
END_TEST

/* Past max_bytes, later lines are dropped with one warning. */
START_TEST(byte_budget)
{
    struct sift_keylog_limits lim = {4096, 0};
    struct sift_keylog *k = sift_keylog_new(&lim);
    struct text t = {.n = 0};
    uint8_t cr[32], s[48];
    fill(s, 48, 15);
    for (unsigned i = 0; i < 200; i++) {
        fill(cr, 32, 100u + i);
        add_line(&t, "CLIENT_RANDOM", cr, s, 48, "\n");
    }
    struct warns ws = {0};
    size_t added = load(k, &t, &ws);
    ck_assert_uint_gt(added, 0);
    ck_assert_uint_lt(added, 200);
    ck_assert_uint_eq(sift_keylog_count(k), added);
    ck_assert_uint_eq(ws.n, 1);
    ck_assert(warned(&ws, "limit"));
    fill(cr, 32, 100);
    expect_secret(k, SIFT_KEY_MASTER_SECRET, cr, 32, s, 48);
    sift_keylog_free(k);
}
END_TEST

/* Thousands of client randoms (the table grows) are all found. */
START_TEST(many_randoms)
{
    struct sift_keylog *k = new_log();
    uint8_t cr[32], s[48];
    struct text t;
    for (unsigned round = 0; round < 10; round++) {
        t.n = 0;
        for (unsigned i = 0; i < 300; i++) {
            fill(cr, 32, round * 1000u + i);
            fill(s, 48, i);
            add_line(&t, "SERVER_HANDSHAKE_TRAFFIC_SECRET", cr, s, 32, "\n");
        }
        ck_assert_uint_eq(load(k, &t, NULL), 300);
    }
    ck_assert_uint_eq(sift_keylog_count(k), 3000);
    for (unsigned round = 0; round < 10; round++)
        for (unsigned i = 0; i < 300; i++) {
            fill(cr, 32, round * 1000u + i);
            fill(s, 48, i);
            expect_secret(k, SIFT_KEY_SERVER_HANDSHAKE, cr, 32, s, 32);
        }
    sift_keylog_free(k);
}
END_TEST

/* --- lookups, parse, files ------------------------------------------ */

START_TEST(find_misses)
{
    uint8_t cr[32], other[32], s[48];
    fill(cr, 32, 16);
    fill(other, 32, 17);
    fill(s, 48, 18);
    struct text t = {.n = 0};
    add_line(&t, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", cr, s, 32, "\n");
    struct sift_keylog *k = new_log();
    ck_assert_uint_eq(load(k, &t, NULL), 1);
    const uint8_t *p = NULL;
    ck_assert_uint_eq(
        sift_keylog_find(k, SIFT_KEY_SERVER_HANDSHAKE, cr, 32, &p), 0);
    ck_assert_uint_eq(
        sift_keylog_find(k, SIFT_KEY_CLIENT_HANDSHAKE, other, 32, &p), 0);
    ck_assert_uint_eq(
        sift_keylog_find(k, SIFT_KEY_CLIENT_HANDSHAKE, cr, 31, &p), 0);
    ck_assert_uint_eq(sift_keylog_find(k, SIFT_KEY_CLIENT_HANDSHAKE, cr, 0, &p),
                      0);
    ck_assert_uint_eq(
        sift_keylog_find(k, SIFT_KEY_CLIENT_HANDSHAKE, cr, 33, &p), 0);
    ck_assert_uint_eq(
        sift_keylog_find(k, (enum sift_secret_label)99, cr, 32, &p), 0);
    ck_assert_uint_eq(
        sift_keylog_find(NULL, SIFT_KEY_CLIENT_HANDSHAKE, cr, 32, &p), 0);
    ck_assert_ptr_null(p);
    ck_assert_uint_eq(sift_keylog_count(NULL), 0);
    sift_keylog_free(k);
    sift_keylog_free(NULL);
}
END_TEST

struct seen {
    size_t n;
    enum sift_secret_label label[4];
    uint64_t line[4];
    size_t id_len[4], secret_len[4];
};

static void on_line(void *ctx, enum sift_secret_label label, const uint8_t *id,
                    size_t id_len, const uint8_t *secret, size_t secret_len,
                    uint64_t line)
{
    struct seen *s = ctx;
    (void)id, (void)secret;
    ck_assert_uint_lt(s->n, 4);
    s->label[s->n] = label;
    s->line[s->n] = line;
    s->id_len[s->n] = id_len;
    s->secret_len[s->n++] = secret_len;
}

/* sift_keylog_parse: each valid line with its number, nothing kept. */
START_TEST(parse_reports_lines)
{
    struct text t = {.n = 0};
    uint8_t cr[32], s[48];
    fill(cr, 32, 19);
    fill(s, 48, 20);
    add(&t, "# comment\r\n\r\n");
    add_line(&t, "EXPORTER_SECRET", cr, s, 32, "\r\n"); /* line 3 */
    add(&t, "CLIENT_RANDOM 00 00\r\n");
    add_rsa(&t, cr, 8, s, "\r\n"); /* line 5 */
    struct seen seen = {0};
    struct warns ws = {0};
    ck_assert_uint_eq(
        sift_keylog_parse(t.s, t.n, NULL, on_line, &seen, on_warn, &ws), 2);
    ck_assert_uint_eq(seen.n, 2);
    ck_assert_int_eq(seen.label[0], SIFT_KEY_EXPORTER);
    ck_assert_uint_eq(seen.line[0], 3);
    ck_assert_uint_eq(seen.id_len[0], 32);
    ck_assert_uint_eq(seen.secret_len[0], 32);
    ck_assert_int_eq(seen.label[1], SIFT_KEY_SESSION_MASTER);
    ck_assert_uint_eq(seen.line[1], 5);
    ck_assert_uint_eq(seen.id_len[1], 8);
    ck_assert_uint_eq(seen.secret_len[1], 48);
    ck_assert_uint_eq(ws.n, 1);
    ck_assert(warned(&ws, "key log: line 4:"));
}
END_TEST

/* {client random, label, secret}: what rfc8448.keys must hold. */
struct want {
    const uint8_t *random;
    enum sift_secret_label label;
    const uint8_t *secret;
};

#define TLS13_SECRETS(s)                                                       \
    {rfc8448_##s##_client_random, SIFT_KEY_CLIENT_HANDSHAKE,                   \
     rfc8448_##s##_client_handshake_traffic_secret},                           \
        {rfc8448_##s##_client_random, SIFT_KEY_SERVER_HANDSHAKE,               \
         rfc8448_##s##_server_handshake_traffic_secret},                       \
        {rfc8448_##s##_client_random, SIFT_KEY_CLIENT_TRAFFIC_0,               \
         rfc8448_##s##_client_application_traffic_secret_0},                   \
        {rfc8448_##s##_client_random, SIFT_KEY_SERVER_TRAFFIC_0,               \
         rfc8448_##s##_server_application_traffic_secret_0},                   \
    {                                                                          \
        rfc8448_##s##_client_random, SIFT_KEY_EXPORTER,                        \
            rfc8448_##s##_exporter_master_secret                               \
    }

static const struct want rfc8448_keys[] = {
    TLS13_SECRETS(s3),
    TLS13_SECRETS(s4),
    {rfc8448_s4_client_random, SIFT_KEY_CLIENT_EARLY,
     rfc8448_s4_client_early_traffic_secret},
    {rfc8448_s4_client_random, SIFT_KEY_EARLY_EXPORTER,
     rfc8448_s4_early_exporter_master_secret},
    TLS13_SECRETS(s5),
    TLS13_SECRETS(s6),
    TLS13_SECRETS(s7),
};
#define N_RFC8448_KEYS (sizeof rfc8448_keys / sizeof rfc8448_keys[0])

START_TEST(rfc8448_keys_file)
{
    struct sift_keylog *k = new_log();
    struct warns ws = {0};
    struct sift_error err;
    ck_assert_int_eq(
        sift_keylog_load_file(k, SIFT_TESTDATA_DIR "/tls/rfc8448.keys", on_warn,
                              &ws, &err),
        SIFT_OK);
    ck_assert_msg(ws.n == 0, "%s", ws.msg[0]);
    ck_assert_uint_eq(N_RFC8448_KEYS, 27);
    ck_assert_uint_eq(sift_keylog_count(k), N_RFC8448_KEYS);
    for (size_t i = 0; i < N_RFC8448_KEYS; i++)
        expect_secret(k, rfc8448_keys[i].label, rfc8448_keys[i].random, 32,
                      rfc8448_keys[i].secret, 32);
    /* every protected record's secret, under its connection's random */
    static const uint8_t *const randoms[] = {
        rfc8448_s3_client_random, rfc8448_s4_client_random,
        rfc8448_s5_client_random, rfc8448_s6_client_random,
        rfc8448_s7_client_random};
    for (size_t r = 0; r < RFC8448_RECORD_COUNT; r++) {
        const struct tls_vec_record *v = &rfc8448_records[r];
        bool found = !v->is_protected;
        for (int l = 0; l < SIFT_KEY_SESSION_MASTER && !found; l++) {
            const uint8_t *p;
            size_t n = sift_keylog_find(k, (enum sift_secret_label)l,
                                        randoms[v->section - 3], 32, &p);
            found = n == v->secret_len && memcmp(p, v->secret, n) == 0;
        }
        ck_assert_msg(found, "%s: secret not in the key log", v->name);
    }
    sift_keylog_free(k);
}
END_TEST

START_TEST(missing_file)
{
    struct sift_keylog *k = new_log();
    struct sift_error err;
    ck_assert_int_eq(
        sift_keylog_load_file(k, "/nonexistent/x.keys", on_warn, NULL, &err),
        SIFT_ERR_IO);
    ck_assert_int_eq(err.code, SIFT_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/x.keys"));
    ck_assert_uint_eq(sift_keylog_count(k), 0);
    sift_keylog_free(k);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("keylog");
    TCase *l = tcase_create("lines");
    tcase_add_test(l, label_names);
    tcase_add_test(l, every_label);
    tcase_add_test(l, line_ends);
    tcase_add_test(l, comments_and_blank_lines);
    tcase_add_loop_test(l, malformed_line_is_a_numbered_warning, 0,
                        sizeof bad_lines / sizeof bad_lines[0]);
    tcase_add_test(l, unknown_labels);
    tcase_add_test(l, warnings_are_capped);
    tcase_add_test(l, duplicates_keep_the_last);
    tcase_add_test(l, hex_case);
    suite_add_tcase(s, l);
    TCase *m = tcase_create("limits");
    tcase_add_loop_test(m, overlong_lines, 0, 3);
    tcase_add_test(m, byte_budget);
    tcase_add_test(m, many_randoms);
    suite_add_tcase(s, m);
    TCase *f = tcase_create("lookups and files");
    tcase_add_test(f, find_misses);
    tcase_add_test(f, parse_reports_lines);
    tcase_add_test(f, rfc8448_keys_file);
    tcase_add_test(f, missing_file);
    suite_add_tcase(s, f);
    return s;
}

SIFT_CHECK_MAIN(suite)
