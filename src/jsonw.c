/* SPDX-License-Identifier: MIT */
/* Streaming JSON output (RFC 8259 §7 string escaping). */
#include "jsonw.h"

#include <inttypes.h>
#include <string.h>

#include "base64.h"
#include "utf8.h"

void jsonw_init(struct jsonw *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->first[0] = true;
}

/* The comma and key before a value at the current level. */
static void lead(struct jsonw *w, const char *key)
{
    if (!w->first[w->depth])
        fputc(',', w->out);
    w->first[w->depth] = false;
    if (key != NULL) {
        fputc('"', w->out);
        fputs(key, w->out);
        fputs("\":", w->out);
    }
}

/* Opens an object or array; nesting past JSONW_DEPTH is a caller's bug,
 * and the outputs here nest at most 4 deep. */
static void open_level(struct jsonw *w, const char *key, char c)
{
    lead(w, key);
    fputc(c, w->out);
    if (w->depth + 1 < JSONW_DEPTH)
        w->depth++;
    w->first[w->depth] = true;
    w->close[w->depth] = c == '{' ? '}' : ']';
}

void jsonw_object(struct jsonw *w, const char *key)
{
    open_level(w, key, '{');
}

void jsonw_array(struct jsonw *w, const char *key)
{
    open_level(w, key, '[');
}

void jsonw_end(struct jsonw *w)
{
    if (w->depth == 0)
        return;
    fputc(w->close[w->depth], w->out);
    w->depth--;
}

static void escaped(FILE *out, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    fputc('"', out);
    size_t i = 0;
    while (i < n) {
        /* Plain printable ASCII goes out in one piece. */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
               p[run] != '\\')
            run++;
        if (run > i) {
            fwrite(p + i, 1, run - i, out);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        size_t len = c == 0 ? 0 : utf8_sequence_length(p + i, n - i);
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        } else if (len == 0) {
            fputs("\xef\xbf\xbd", out); /* U+FFFD for a bad byte */
        } else {
            fwrite(p + i, 1, len, out);
            i += len;
            continue;
        }
        i++;
    }
    fputc('"', out);
}

void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n)
{
    lead(w, key);
    escaped(w->out, (const unsigned char *)s, n);
}

void jsonw_str(struct jsonw *w, const char *key, const char *s)
{
    if (s == NULL) {
        jsonw_null(w, key);
        return;
    }
    jsonw_strn(w, key, s, strlen(s));
}

/* Decimal digits without printf's format parsing: numbers are most of
 * what a transaction object holds. */
static void put_u64(FILE *out, uint64_t v, bool negative)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (negative)
        buf[--i] = '-';
    fwrite(buf + i, 1, sizeof buf - i, out);
}

void jsonw_u64(struct jsonw *w, const char *key, uint64_t v)
{
    lead(w, key);
    put_u64(w->out, v, false);
}

void jsonw_i64(struct jsonw *w, const char *key, int64_t v)
{
    lead(w, key);
    put_u64(w->out, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
    lead(w, key);
    fputs(v ? "true" : "false", w->out);
}

void jsonw_null(struct jsonw *w, const char *key)
{
    lead(w, key);
    fputs("null", w->out);
}

void jsonw_base64(struct jsonw *w, const char *key, const uint8_t *p,
                  size_t n)
{
    lead(w, key);
    fputc('"', w->out);
    base64_write(w->out, p, n);
    fputc('"', w->out);
}
