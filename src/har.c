/* SPDX-License-Identifier: MIT */
/* The HAR 1.2 log ("HAR 1.2 Spec", log, entries): entries are serialized as
 * they arrive to an unlinked temporary file, indexed by start time, and
 * copied out sorted by startedDateTime at the end, each followed by its
 * WebSocket messages in Chrome's "_webSocketMessages" form. */
#include "har.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "har_internal.h"
#include "jsonw.h"

#ifndef SIFT_VERSION
#define SIFT_VERSION "unknown"
#endif

/* Decoding room kept from one entry to the next; a larger one (a long form
 * body) is given back after its entry. */
#define SCRATCH_KEEP (1u << 20)

/* Bytes copied at a time from the temporary file to the output. */
#define COPY_CHUNK 16384

struct har_item {
    int64_t start_ns;        /* startedDateTime */
    uint64_t id;             /* transaction id: ties, WebSocket messages */
    uint64_t offset, length; /* the entry in the temporary file */
};

struct har_ws_item {
    uint64_t txn_id;
    uint64_t offset, length;
};

/* A TLS connection the HAR has no entries for. */
struct har_tls_item {
    uint64_t conn;
    uint16_t version, suite, server_port;
    uint8_t outcome;
    struct sift_ip_addr server;
    char sni[64]; /* cut: a summary, not the record */
};

/* Undecrypted TLS connections listed one by one; more are counted. */
#define HAR_TLS_LISTED 10000

struct har_writer {
    FILE *out, *tmp;
    struct har_tls_item *tls;
    size_t tls_count, tls_cap;
    uint64_t tls_total, tls_decrypted, tls_unlisted;
    bool bodies;
    char *creator_version;
    struct har_item *items;
    size_t count, cap;
    struct har_ws_item *ws;
    size_t ws_count, ws_cap;
    bool ids_increasing; /* items are in id order: binary search works */
    bool failed;         /* sticky: no memory, or the temporary file failed */
    bool finished;
    struct har_scratch scratch;
    /* At finish: a window of the spill file mapped for reading. */
    const uint8_t *view;
    uint64_t view_off, view_len, spill_size;
};

/* Entries are copied out mostly in the order they were written, so a
 * sliding window of the spill file maps them without a read() copy; the
 * window is unmapped as it moves, so the mapped pages never add up. */
#define VIEW_WINDOW (8u << 20)

/* The spill file: in $TMPDIR when set (so a large capture's spill can be
 * put on a disk rather than a RAM-backed /tmp), unlinked at once; else
 * tmpfile(). */
static FILE *spill_file(void)
{
    const char *dir = getenv("TMPDIR");
    if (dir != NULL && dir[0] != '\0') {
        size_t n = strlen(dir) + sizeof "/pcapsift-har-XXXXXX";
        char *path = malloc(n);
        if (path != NULL) {
            snprintf(path, n, "%s/pcapsift-har-XXXXXX", dir);
            int fd = mkstemp(path);
            FILE *fp = NULL;
            if (fd >= 0) {
                unlink(path);
                fp = fdopen(fd, "w+");
                if (fp == NULL)
                    close(fd);
            }
            free(path);
            if (fp != NULL)
                return fp;
        }
    }
    return tmpfile();
}

struct har_writer *har_writer_new(FILE *out, const struct har_options *o)
{
    struct har_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    const char *version = o != NULL && o->creator_version != NULL
                              ? o->creator_version
                              : SIFT_VERSION;
    w->out = out;
    w->bodies = o != NULL ? o->bodies : true;
    w->ids_increasing = true;
    w->creator_version = strdup(version);
    w->tmp = spill_file();
    if (w->creator_version == NULL || w->tmp == NULL) {
        har_writer_free(w);
        return NULL;
    }
    return w;
}

/* Room for one more element of size bytes in *array. */
static bool grow(void **array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t want = *cap == 0 ? 256 : *cap * 2;
    if (want < *cap || want > ((size_t)-1) / size)
        return false;
    void *p = realloc(*array, want * size);
    if (p == NULL)
        return false;
    *array = p;
    *cap = want;
    return true;
}

/* Where the next spilled object starts; false on an I/O error. */
static bool spill_start(struct har_writer *w, off_t *start)
{
    *start = ftello(w->tmp);
    return *start >= 0;
}

static bool spill_length(struct har_writer *w, off_t start, uint64_t *len)
{
    off_t end = ftello(w->tmp);
    if (end < start || ferror(w->tmp))
        return false;
    *len = (uint64_t)(end - start);
    return true;
}

void har_writer_transaction(struct har_writer *w,
                            const struct sift_http_transaction *t)
{
    if (w == NULL || t == NULL || w->failed || w->finished)
        return;
    off_t start;
    if (!grow((void **)&w->items, &w->cap, w->count, sizeof *w->items) ||
        !spill_start(w, &start)) {
        w->failed = true;
        return;
    }
    struct jsonw jw;
    jsonw_init(&jw, w->tmp);
    har_entry_write(&jw, t, w->bodies, &w->scratch);
    struct har_item *it = &w->items[w->count];
    if (!spill_length(w, start, &it->length)) {
        w->failed = true;
        return;
    }
    if (w->count > 0 && t->id <= w->items[w->count - 1].id)
        w->ids_increasing = false;
    it->start_ns = har_entry_start(t);
    it->id = t->id;
    it->offset = (uint64_t)start;
    w->count++;
    if (w->scratch.cap > SCRATCH_KEEP)
        har_scratch_free(&w->scratch);
}

/* Whether the transaction id was added; when ids did not come in order
 * this cannot be told cheaply, and the message is kept (finish leaves out
 * the ones that match no entry). */
static bool has_transaction(const struct har_writer *w, uint64_t id)
{
    if (!w->ids_increasing)
        return true;
    size_t lo = 0, hi = w->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->items[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->count && w->items[lo].id == id;
}

/* One message as Chrome writes it: type, time (s since the epoch), opcode,
 * data (text, or base64 for binary frames and for payloads that are not
 * UTF-8, then with "_encoding"), and pcapsift's own fields. */
static void write_ws(struct jsonw *jw, const struct sift_ws_message *m,
                     bool bodies)
{
    const uint8_t *p = bodies ? m->payload : NULL;
    size_t n = p != NULL ? m->payload_len : 0;
    jsonw_object(jw, NULL);
    jsonw_str(jw, "type", m->dir == SIFT_TCP_FROM_CLIENT ? "send" : "receive");
    har_json_epoch(jw, "time", m->ts_ns);
    jsonw_i64(jw, "opcode", m->opcode);
    if (m->opcode == SIFT_WS_BINARY) {
        jsonw_base64(jw, "data", p, n);
        jsonw_str(jw, "_encoding", "base64");
    } else {
        har_json_text(jw, "data", p, n, "_encoding");
    }
    jsonw_u64(jw, "_length", m->length);
    if (m->opcode == SIFT_WS_CLOSE && m->close_code >= 0)
        jsonw_i64(jw, "_closeCode", m->close_code);
    if (m->cut)
        jsonw_bool(jw, "_cut", true);
    if (m->gap)
        jsonw_bool(jw, "_gap", true);
    if (m->compressed)
        jsonw_bool(jw, "_compressed", true);
    if (m->error)
        jsonw_bool(jw, "_error", true);
    jsonw_end(jw);
}

void har_writer_ws_message(struct har_writer *w,
                           const struct sift_ws_message *m)
{
    if (w == NULL || m == NULL || w->failed || w->finished ||
        !has_transaction(w, m->transaction_id))
        return;
    off_t start;
    if (!grow((void **)&w->ws, &w->ws_cap, w->ws_count, sizeof *w->ws) ||
        !spill_start(w, &start)) {
        w->failed = true;
        return;
    }
    struct jsonw jw;
    jsonw_init(&jw, w->tmp);
    write_ws(&jw, m, w->bodies);
    struct har_ws_item *it = &w->ws[w->ws_count];
    if (!spill_length(w, start, &it->length)) {
        w->failed = true;
        return;
    }
    it->txn_id = m->transaction_id;
    it->offset = (uint64_t)start;
    w->ws_count++;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

/* startedDateTime, then transaction id: a stable, total order. */
static int cmp_item(const void *pa, const void *pb)
{
    const struct har_item *a = pa, *b = pb;
    if (a->start_ns != b->start_ns)
        return a->start_ns < b->start_ns ? -1 : 1;
    if (a->id != b->id)
        return cmp_u64(a->id, b->id);
    return cmp_u64(a->offset, b->offset);
}

/* Transaction, then arrival (offsets grow with arrival). */
static int cmp_ws(const void *pa, const void *pb)
{
    const struct har_ws_item *a = pa, *b = pb;
    if (a->txn_id != b->txn_id)
        return cmp_u64(a->txn_id, b->txn_id);
    return cmp_u64(a->offset, b->offset);
}

static void view_drop(struct har_writer *w)
{
    if (w->view != NULL)
        munmap((void *)(uintptr_t)w->view, (size_t)w->view_len);
    w->view = NULL;
}

static bool copy_mapped(struct har_writer *w, uint64_t offset, uint64_t len)
{
    if (w->view == NULL || offset < w->view_off ||
        offset + len > w->view_off + w->view_len) {
        view_drop(w);
        uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
        uint64_t start = offset - offset % page;
        uint64_t want = offset + len - start;
        if (want < VIEW_WINDOW)
            want = VIEW_WINDOW;
        if (start + want > w->spill_size)
            want = w->spill_size - start;
        void *m = mmap(NULL, (size_t)want, PROT_READ, MAP_PRIVATE,
                       fileno(w->tmp), (off_t)start);
        if (m == MAP_FAILED)
            return false;
        w->view = m;
        w->view_off = start;
        w->view_len = want;
    }
    return fwrite(w->view + (offset - w->view_off), 1, (size_t)len, w->out) ==
           len;
}

static bool copy_range(struct har_writer *w, uint64_t offset, uint64_t len)
{
    if (len == 0)
        return true;
    if (offset + len <= w->spill_size && copy_mapped(w, offset, len))
        return true;
    char buf[COPY_CHUNK];
    if (fseeko(w->tmp, (off_t)offset, SEEK_SET) != 0)
        return false;
    while (len > 0) {
        size_t k = len < sizeof buf ? (size_t)len : sizeof buf;
        if (fread(buf, 1, k, w->tmp) != k || fwrite(buf, 1, k, w->out) != k)
            return false;
        len -= k;
    }
    return true;
}

/* The messages of transaction id, sorted by cmp_ws, as the entry's last
 * field. */
static bool copy_ws(struct har_writer *w, uint64_t id)
{
    size_t lo = 0, hi = w->ws_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->ws[mid].txn_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == w->ws_count || w->ws[lo].txn_id != id)
        return true;
    fputs(",\"_webSocketMessages\":[", w->out);
    for (size_t i = lo; i < w->ws_count && w->ws[i].txn_id == id; i++) {
        if (i > lo)
            fputc(',', w->out);
        if (!copy_range(w, w->ws[i].offset, w->ws[i].length))
            return false;
    }
    fputc(']', w->out);
    return true;
}

void har_writer_tls(struct har_writer *w, const struct sift_tls_info *t)
{
    w->tls_total++;
    if (t->outcome == SIFT_TLS_DECRYPTED) {
        w->tls_decrypted++;
        return;
    }
    if (w->tls_count >= HAR_TLS_LISTED ||
        !grow((void **)&w->tls, &w->tls_cap, w->tls_count, sizeof *w->tls)) {
        w->tls_unlisted++;
        return;
    }
    struct har_tls_item *it = &w->tls[w->tls_count++];
    memset(it, 0, sizeof *it);
    it->conn = t->conn->id;
    it->version = t->version;
    it->suite = t->cipher_suite;
    it->outcome = (uint8_t)t->outcome;
    it->server = t->conn->server;
    it->server_port = t->conn->server_port;
    size_t n = strlen(t->sni);
    n = n < sizeof it->sni - 1 ? n : sizeof it->sni - 1;
    memcpy(it->sni, t->sni, n);
}

/* log._tls: how many TLS connections there were, how many were
 * decrypted, and which were not, with why. */
static void write_tls_summary(struct har_writer *w, struct jsonw *jw)
{
    if (w->tls_total == 0)
        return;
    char addr[46], id[24];
    jsonw_object(jw, "_tls");
    jsonw_u64(jw, "connections", w->tls_total);
    jsonw_u64(jw, "decrypted", w->tls_decrypted);
    jsonw_array(jw, "undecrypted");
    for (size_t i = 0; i < w->tls_count; i++) {
        const struct har_tls_item *it = &w->tls[i];
        jsonw_object(jw, NULL);
        snprintf(id, sizeof id, "%" PRIu64, it->conn);
        jsonw_str(jw, "connection", id);
        jsonw_str(jw, "serverIPAddress", sift_ip_addr_text(&it->server, addr));
        jsonw_u64(jw, "serverPort", it->server_port);
        jsonw_str(jw, "sni", it->sni);
        const char *v = sift_tls_version_name(it->version);
        if (v != NULL)
            jsonw_str(jw, "protocol", v);
        const char *c = sift_tls_cipher_name(it->suite);
        if (c != NULL)
            jsonw_str(jw, "cipher", c);
        jsonw_str(jw, "outcome",
                  sift_tls_outcome_name((enum sift_tls_outcome)it->outcome));
        jsonw_end(jw);
    }
    jsonw_end(jw);
    if (w->tls_unlisted > 0)
        jsonw_u64(jw, "unlisted", w->tls_unlisted);
    jsonw_end(jw);
}

static bool write_log(struct har_writer *w)
{
    struct jsonw jw;
    jsonw_init(&jw, w->out);
    jsonw_object(&jw, NULL);
    jsonw_object(&jw, "log");
    jsonw_str(&jw, "version", "1.2");
    jsonw_object(&jw, "creator");
    jsonw_str(&jw, "name", "pcapsift");
    jsonw_str(&jw, "version", w->creator_version);
    jsonw_end(&jw);
    jsonw_array(&jw, "pages");
    jsonw_end(&jw);
    jsonw_array(&jw, "entries");
    for (size_t i = 0; i < w->count; i++) {
        fputs(i == 0 ? "\n" : ",\n", w->out);
        if (!copy_range(w, w->items[i].offset, w->items[i].length) ||
            !copy_ws(w, w->items[i].id))
            return false;
        fputc('}', w->out);
    }
    if (w->count > 0)
        fputc('\n', w->out);
    jsonw_end(&jw); /* entries */
    write_tls_summary(w, &jw);
    jsonw_end(&jw); /* log */
    jsonw_end(&jw);
    fputc('\n', w->out);
    return true;
}

int har_writer_finish(struct har_writer *w)
{
    if (w == NULL || w->finished)
        return -1;
    w->finished = true;
    if (w->failed || fflush(w->tmp) != 0)
        return -1;
    off_t size = ftello(w->tmp);
    w->spill_size = size > 0 ? (uint64_t)size : 0;
    if (w->count > 1)
        qsort(w->items, w->count, sizeof *w->items, cmp_item);
    if (w->ws_count > 1)
        qsort(w->ws, w->ws_count, sizeof *w->ws, cmp_ws);
    if (!write_log(w) || fflush(w->out) != 0 || ferror(w->out))
        return -1;
    return 0;
}

void har_writer_free(struct har_writer *w)
{
    if (w == NULL)
        return;
    view_drop(w);
    if (w->tmp != NULL)
        fclose(w->tmp);
    free(w->items);
    free(w->ws);
    free(w->tls);
    free(w->creator_version);
    har_scratch_free(&w->scratch);
    free(w);
}
