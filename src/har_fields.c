/* SPDX-License-Identifier: MIT */
/* The text fields of a HAR entry taken apart: the absolute URL (RFC 3986
 * §4.3, percent-encoding per §2.1), query strings and form bodies (WHATWG
 * URL Standard, application/x-www-form-urlencoded parsing), Cookie and
 * Set-Cookie headers (RFC 6265 §4.2 and §5.2, dates per §5.1.1), and the
 * JSON helpers the HAR files share. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "har.h"
#include "har_internal.h"
#include "utf8.h"

/* ---- JSON helpers ---- */

/* jsonw's comma-and-key step, for values jsonw has no call for. */
static void lead(struct jsonw *w, const char *key)
{
    if (!w->first[w->depth])
        fputc(',', w->out);
    w->first[w->depth] = false;
    if (key != NULL)
        fprintf(w->out, "\"%s\":", key);
}

void har_json_raw(struct jsonw *w, const char *key, const char *text)
{
    lead(w, key);
    fputs(text, w->out);
}

/* whole.frac (frac of digits digits) without trailing zeros. */
static void decimal(struct jsonw *w, const char *key, bool negative,
                    uint64_t whole, uint64_t frac, int digits)
{
    char buf[48];
    while (digits > 0 && frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    if (digits == 0)
        snprintf(buf, sizeof buf, "%s%" PRIu64, negative ? "-" : "", whole);
    else
        snprintf(buf, sizeof buf, "%s%" PRIu64 ".%0*" PRIu64,
                 negative ? "-" : "", whole, digits, frac);
    har_json_raw(w, key, buf);
}

void har_json_ms(struct jsonw *w, const char *key, uint64_t ns)
{
    decimal(w, key, false, ns / 1000000u, ns % 1000000u, 6);
}

void har_json_epoch(struct jsonw *w, const char *key, int64_t ns)
{
    bool negative = ns < 0;
    uint64_t mag = negative ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    decimal(w, key, negative, mag / 1000000000u, mag % 1000000000u, 9);
}

bool har_json_text(struct jsonw *w, const char *key, const uint8_t *p, size_t n,
                   const char *encoding_key)
{
    if (p == NULL)
        n = 0;
    if (utf8_valid(p, n)) {
        jsonw_strn(w, key, (const char *)p, n);
        return false;
    }
    jsonw_base64(w, key, p, n);
    jsonw_str(w, encoding_key, "base64");
    return true;
}

/* ---- small text helpers ---- */

uint8_t *har_scratch_get(struct har_scratch *s, size_t n)
{
    if (n <= s->cap && s->buf != NULL)
        return s->buf;
    size_t cap = s->cap > 0 ? s->cap : 256;
    while (cap < n)
        cap = cap > ((size_t)-1) / 2 ? n : cap * 2;
    uint8_t *b = realloc(s->buf, cap);
    if (b == NULL)
        return NULL;
    s->buf = b;
    s->cap = cap;
    return b;
}

void har_scratch_free(struct har_scratch *s)
{
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool ows(char c)
{
    return c == ' ' || c == '\t';
}

bool har_ieq(const char *s, size_t n, const char *lit)
{
    size_t i = 0;
    for (; i < n && lit[i] != '\0'; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)lit[i]))
            return false;
    return i == n && lit[i] == '\0';
}

struct har_view har_trimmed(const char *p, size_t n)
{
    while (n > 0 && ows(p[0])) {
        p++;
        n--;
    }
    while (n > 0 && ows(p[n - 1]))
        n--;
    return (struct har_view){p, n};
}

const struct sift_http_header *har_header(const struct sift_http_message *m,
                                          const char *name)
{
    if (!m->present)
        return NULL;
    for (size_t i = 0; i < m->header_count; i++)
        if (har_ieq(m->headers[i].name, m->headers[i].name_len, name))
            return &m->headers[i];
    return NULL;
}

bool har_media_type_is(const char *v, size_t n, const char *type)
{
    size_t end = 0;
    while (end < n && v[end] != ';')
        end++;
    struct har_view t = har_trimmed(v, end);
    return har_ieq(t.p, t.n, type);
}

/* ---- URL ---- */

enum uri_part { URI_HOST, URI_REST };

/* Bytes that stand for themselves: unreserved, sub-delims and ':' (RFC
 * 3986 §2.2-2.3), '[' ']' in a host, '@' '/' '?' after it. */
static bool uri_char(unsigned char c, enum uri_part part)
{
    if (is_alpha(c) || is_digit(c))
        return true;
    if (c != 0 && strchr("-._~!$&'()*+,;=:", c) != NULL)
        return true;
    if (part == URI_HOST)
        return c == '[' || c == ']';
    return c == '@' || c == '/' || c == '?';
}

/* Writes s percent-encoded: a '%' already followed by two hex digits is
 * kept, every other byte outside uri_char becomes %XX. */
static void put_uri(FILE *out, const char *s, size_t n, enum uri_part part)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool escape = c == '%' && n - i > 2 &&
                      hex_value((unsigned char)s[i + 1]) >= 0 &&
                      hex_value((unsigned char)s[i + 2]) >= 0;
        if (escape || uri_char(c, part)) {
            fputc(c, out);
        } else {
            fputc('%', out);
            fputc(hex[c >> 4], out);
            fputc(hex[c & 15], out);
        }
    }
}

/* Length of a leading "scheme://" (RFC 3986 §3.1), or 0. */
static size_t scheme_len(const char *s, size_t n)
{
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (i < n &&
           (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
            s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (n - i >= 3 && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
        return i + 3;
    return 0;
}

/* "https://" over TLS, "http://" otherwise; HTTP/2's :scheme when it
 * names one of them (RFC 9113 §8.3.1). */
static const char *scheme_of(const struct sift_http_transaction *t)
{
    const struct sift_http_header *h = har_header(&t->request, ":scheme");
    if (h != NULL && har_ieq(h->value, h->value_len, "https"))
        return "https://";
    if (h != NULL && har_ieq(h->value, h->value_len, "http"))
        return "http://";
    return t->tls != NULL ? "https://" : "http://";
}

/* HTTP/2's :authority, the Host header, or the server's address and port
 * (the scheme's default port, 80 or 443, left out). */
static void put_authority(FILE *out, const struct sift_http_transaction *t)
{
    const struct sift_http_header *h = har_header(&t->request, ":authority");
    if (h == NULL || h->value_len == 0)
        h = har_header(&t->request, "host");
    if (h != NULL && h->value_len > 0) {
        put_uri(out, h->value, h->value_len, URI_HOST);
        return;
    }
    const struct sift_tcp_conn *c = t->conn;
    char addr[46] = "";
    if (c != NULL)
        sift_ip_addr_text(&c->server, addr);
    if (addr[0] == '\0') {
        fputs("unknown", out);
        return;
    }
    if (c->server.family == 6)
        fprintf(out, "[%s]", addr);
    else
        fputs(addr, out);
    bool https = strcmp(scheme_of(t), "https://") == 0;
    if (c->server_port != (https ? 443 : 80))
        fprintf(out, ":%u", (unsigned)c->server_port);
}

void har_put_url(FILE *out, const struct sift_http_transaction *t)
{
    const struct sift_http_message *rq = &t->request;
    const char *tg = rq->present && rq->target != NULL ? rq->target : "";
    size_t n = rq->present && rq->target != NULL ? rq->target_len : 0;
    size_t k = scheme_len(tg, n);
    if (k > 0) { /* absolute form (to a proxy): scheme, authority, rest */
        size_t end = k;
        while (end < n && tg[end] != '/' && tg[end] != '?' && tg[end] != '#')
            end++;
        put_uri(out, tg, k, URI_REST);
        put_uri(out, tg + k, end - k, URI_HOST);
        put_uri(out, tg + end, n - end, URI_REST);
    } else if (n > 0 && har_ieq(rq->method, rq->method_len, "CONNECT")) {
        fputs(scheme_of(t), out); /* authority form */
        put_uri(out, tg, n, URI_HOST);
    } else {
        fputs(scheme_of(t), out);
        put_authority(out, t);
        if (n == 0 || tg[0] != '/')
            fputc('/', out); /* asterisk form, or junk: still a path */
        put_uri(out, tg, n, URI_REST);
    }
}

void har_write_url(struct jsonw *w, const char *key,
                   const struct sift_http_transaction *t)
{
    lead(w, key);
    fputc('"', w->out);
    har_put_url(w->out, t); /* percent-encoded: nothing to escape */
    fputc('"', w->out);
}

/* ---- query strings and form bodies ---- */

/* '+' to space and %XX to its byte; a '%' without two hex digits stays. */
static size_t form_decode(const char *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && n - i > 2) {
            int hi = hex_value((unsigned char)in[i + 1]);
            int lo = hex_value((unsigned char)in[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = (unsigned char)(hi * 16 + lo);
                i += 2;
            }
        }
        out[o++] = c;
    }
    return o;
}

static void write_form_pair(struct jsonw *w, const char *name, size_t nlen,
                            const char *value, size_t vlen,
                            struct har_scratch *s)
{
    jsonw_object(w, NULL);
    uint8_t *buf = har_scratch_get(s, nlen + vlen);
    if (buf == NULL) { /* no memory: the text as it came */
        jsonw_strn(w, "name", name, nlen);
        jsonw_strn(w, "value", value, vlen);
    } else {
        size_t a = form_decode(name, nlen, buf);
        size_t b = form_decode(value, vlen, buf + a);
        jsonw_strn(w, "name", (const char *)buf, a);
        jsonw_strn(w, "value", (const char *)buf + a, b);
    }
    jsonw_end(w);
}

void har_write_form_pairs(struct jsonw *w, const char *p, size_t n,
                          struct har_scratch *s)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && p[end] != '&')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && p[eq] != '=')
                eq++;
            size_t v = eq < end ? eq + 1 : end;
            write_form_pair(w, p + i, eq - i, p + v, end - v, s);
        }
        i = end + 1;
    }
}

void har_write_query(struct jsonw *w, const char *target, size_t len,
                     struct har_scratch *s)
{
    jsonw_array(w, "queryString");
    size_t q = 0;
    while (q < len && target[q] != '?' && target[q] != '#')
        q++;
    if (q < len && target[q] == '?') {
        size_t end = q + 1;
        while (end < len && target[end] != '#')
            end++;
        har_write_form_pairs(w, target + q + 1, end - q - 1, s);
    }
    jsonw_end(w);
}

/* ---- cookies ---- */

/* "name=value", both trimmed; without '=' the name is empty and the whole
 * is the value (RFC 6265bis §5.6). False when there is nothing. */
static bool split_pair(const char *p, size_t n, struct har_view *name,
                       struct har_view *value, bool *has_eq)
{
    struct har_view all = har_trimmed(p, n);
    if (all.n == 0)
        return false;
    const char *eq = memchr(all.p, '=', all.n);
    *has_eq = eq != NULL;
    if (eq == NULL) {
        *name = (struct har_view){all.p, 0};
        *value = all;
    } else {
        size_t at = (size_t)(eq - all.p);
        *name = har_trimmed(all.p, at);
        *value = har_trimmed(eq + 1, all.n - at - 1);
    }
    return true;
}

static size_t item_end(const char *p, size_t n, size_t i, char sep)
{
    while (i < n && p[i] != sep)
        i++;
    return i;
}

void har_write_cookies(struct jsonw *w, const struct sift_http_message *m)
{
    jsonw_array(w, "cookies");
    for (size_t h = 0; m->present && h < m->header_count; h++) {
        const struct sift_http_header *hd = &m->headers[h];
        if (!har_ieq(hd->name, hd->name_len, "cookie"))
            continue;
        for (size_t i = 0; i < hd->value_len;) {
            size_t end = item_end(hd->value, hd->value_len, i, ';');
            struct har_view name, value;
            bool has_eq;
            if (split_pair(hd->value + i, end - i, &name, &value, &has_eq)) {
                jsonw_object(w, NULL);
                jsonw_strn(w, "name", name.p, name.n);
                jsonw_strn(w, "value", value.p, value.n);
                jsonw_end(w);
            }
            i = end + 1;
        }
    }
    jsonw_end(w);
}

static bool days_ok(unsigned day, unsigned month, unsigned year)
{
    static const unsigned char days[12] = {31, 29, 31, 30, 31, 30,
                                           31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && !leap && day > 28)
        return false;
    return day >= 1 && day <= days[month - 1];
}

/* RFC 6265 §5.1.1 delimiter: the bytes between date tokens. */
static bool date_delimiter(unsigned char c)
{
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
           (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/* min to max digits at t[*i]; the value in *v. */
static bool digits(const char *t, size_t n, size_t *i, unsigned min,
                   unsigned max, unsigned *v)
{
    unsigned k = 0, val = 0;
    while (*i < n && k < max && is_digit((unsigned char)t[*i])) {
        val = val * 10 + (unsigned)(t[*i] - '0');
        (*i)++;
        k++;
    }
    *v = val;
    return k >= min && (*i == n || !is_digit((unsigned char)t[*i]));
}

static bool time_token(const char *t, size_t n, unsigned hms[3])
{
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        if (k > 0 && (i >= n || t[i++] != ':'))
            return false;
        if (!digits(t, n, &i, 1, 2, &hms[k]))
            return false;
    }
    return true;
}

static bool number_token(const char *t, size_t n, unsigned min, unsigned max,
                         unsigned *v)
{
    size_t i = 0;
    return digits(t, n, &i, min, max, v);
}

static unsigned month_token(const char *t, size_t n)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    for (unsigned m = 0; n >= 3 && m < 12; m++)
        if (lower((unsigned char)t[0]) == names[3 * m] &&
            lower((unsigned char)t[1]) == names[3 * m + 1] &&
            lower((unsigned char)t[2]) == names[3 * m + 2])
            return m + 1;
    return 0;
}

/* A cookie date (RFC 6265 §5.1.1, which reads all three HTTP date forms
 * and most others) as ISO 8601 UTC; false when it is not one. Years run to
 * 9999, past int64 nanoseconds, so no timestamp is formed. */
static bool cookie_date(const char *s, size_t n, char out[48])
{
    unsigned hms[3] = {0, 0, 0}, day = 0, month = 0, year = 0, v;
    bool has_time = false, has_day = false, has_year = false;
    for (size_t i = 0; i < n;) {
        while (i < n && date_delimiter((unsigned char)s[i]))
            i++;
        size_t start = i;
        while (i < n && !date_delimiter((unsigned char)s[i]))
            i++;
        const char *t = s + start;
        size_t len = i - start;
        if (len == 0)
            break;
        if (!has_time && time_token(t, len, hms)) {
            has_time = true;
        } else if (!has_day && number_token(t, len, 1, 2, &v)) {
            has_day = true;
            day = v;
        } else if (month == 0 && month_token(t, len) != 0) {
            month = month_token(t, len);
        } else if (!has_year && number_token(t, len, 2, 4, &v)) {
            has_year = true;
            year = v;
        }
    }
    if (year <= 69)
        year += 2000;
    else if (year <= 99)
        year += 1900;
    if (!has_time || !has_day || month == 0 || !has_year || year < 1601 ||
        !days_ok(day, month, year) || hms[0] > 23 || hms[1] > 59 || hms[2] > 59)
        return false;
    snprintf(out, 48, "%04u-%02u-%02uT%02u:%02u:%02u.000Z", year, month, day,
             hms[0], hms[1], hms[2]);
    return true;
}

struct set_cookie {
    struct har_view name, value, path, domain, expires, max_age, same_site;
    bool secure, http_only;
};

static void set_cookie_attribute(struct set_cookie *c, struct har_view name,
                                 struct har_view value)
{
    if (har_ieq(name.p, name.n, "path"))
        c->path = value;
    else if (har_ieq(name.p, name.n, "domain"))
        c->domain = value;
    else if (har_ieq(name.p, name.n, "expires"))
        c->expires = value;
    else if (har_ieq(name.p, name.n, "max-age"))
        c->max_age = value;
    else if (har_ieq(name.p, name.n, "samesite"))
        c->same_site = value;
    else if (har_ieq(name.p, name.n, "secure"))
        c->secure = true;
    else if (har_ieq(name.p, name.n, "httponly"))
        c->http_only = true;
}

/* RFC 6265 §5.2: the first pair is the cookie, the rest attributes (the
 * last of a kind wins). False when there is no cookie in it. */
static bool parse_set_cookie(const char *p, size_t n, struct set_cookie *c)
{
    memset(c, 0, sizeof *c);
    bool has_eq;
    size_t end = item_end(p, n, 0, ';');
    if (!split_pair(p, end, &c->name, &c->value, &has_eq))
        return false;
    for (size_t i = end + 1; i < n; i = end + 1) {
        end = item_end(p, n, i, ';');
        struct har_view an, av;
        if (!split_pair(p + i, end - i, &an, &av, &has_eq))
            continue;
        if (!has_eq) { /* a bare attribute: "Secure" */
            an = av;
            av = (struct har_view){av.p, 0};
        }
        set_cookie_attribute(c, an, av);
    }
    return true;
}

static void write_set_cookie(struct jsonw *w, const struct set_cookie *c)
{
    char iso[48];
    jsonw_object(w, NULL);
    jsonw_strn(w, "name", c->name.p, c->name.n);
    jsonw_strn(w, "value", c->value.p, c->value.n);
    if (c->path.p != NULL)
        jsonw_strn(w, "path", c->path.p, c->path.n);
    if (c->domain.p != NULL)
        jsonw_strn(w, "domain", c->domain.p, c->domain.n);
    bool expires =
        c->expires.p != NULL && cookie_date(c->expires.p, c->expires.n, iso);
    if (expires)
        jsonw_str(w, "expires", iso);
    jsonw_bool(w, "httpOnly", c->http_only);
    jsonw_bool(w, "secure", c->secure);
    if (c->same_site.p != NULL)
        jsonw_strn(w, "_sameSite", c->same_site.p, c->same_site.n);
    if (c->max_age.p != NULL)
        jsonw_strn(w, "_maxAge", c->max_age.p, c->max_age.n);
    if (c->expires.p != NULL && !expires) /* not a date: as sent */
        jsonw_strn(w, "_expires", c->expires.p, c->expires.n);
    jsonw_end(w);
}

void har_write_set_cookies(struct jsonw *w, const struct sift_http_message *m)
{
    jsonw_array(w, "cookies");
    for (size_t h = 0; m->present && h < m->header_count; h++) {
        const struct sift_http_header *hd = &m->headers[h];
        struct set_cookie c;
        if (har_ieq(hd->name, hd->name_len, "set-cookie") &&
            parse_set_cookie(hd->value, hd->value_len, &c))
            write_set_cookie(w, &c);
    }
    jsonw_end(w);
}
