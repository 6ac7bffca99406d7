/* SPDX-License-Identifier: MIT */
/* multipart/form-data bodies (RFC 7578 over RFC 2046 §5.1.1) as HAR
 * postData.params: name, fileName and contentType from each part's
 * headers, value for parts that are not files. Tolerant: LF line ends are
 * accepted as well as CRLF, a body cut short ends with its last part, and
 * a part without an empty line after its headers has an empty value. */
#include <string.h>

#include "har_internal.h"

/* RFC 2046 allows boundaries of 1 to 70 characters; longer ones are read
 * up to this, anything longer is not taken for multipart. */
#define BOUNDARY_MAX 256

static bool ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The value at v[*i] of a parameter: a quoted string (its inside, without
 * unescaping) or a token up to ';'. *i ends at the ';' or the end. */
static struct har_view param_value(const char *v, size_t n, size_t *i)
{
    while (*i < n && ows(v[*i]))
        (*i)++;
    struct har_view out;
    if (*i < n && v[*i] == '"') {
        size_t start = ++*i;
        while (*i < n && v[*i] != '"')
            (*i)++;
        out = (struct har_view){v + start, *i - start};
    } else {
        size_t start = *i;
        while (*i < n && v[*i] != ';')
            (*i)++;
        out = har_trimmed(v + start, *i - start);
    }
    while (*i < n && v[*i] != ';')
        (*i)++;
    return out;
}

/* The parameter want of a header value "type; a=b; c="d"" (RFC 9110
 * §5.6.6), the first of that name; false when absent. */
static bool find_param(const char *v, size_t n, const char *want,
                       struct har_view *out)
{
    size_t i = 0;
    while (i < n && v[i] != ';')
        i++;
    while (i < n) {
        size_t start = ++i; /* past ';' */
        while (i < n && v[i] != '=' && v[i] != ';')
            i++;
        struct har_view name = har_trimmed(v + start, i - start);
        if (i >= n || v[i] == ';')
            continue;
        i++; /* past '=' */
        struct har_view value = param_value(v, n, &i);
        if (har_ieq(name.p, name.n, want)) {
            *out = value;
            return true;
        }
    }
    return false;
}

/* A delimiter line "--boundary" begins at b[i]. */
static bool delimiter_at(const uint8_t *b, size_t n, size_t i,
                         struct har_view bd)
{
    return n - i >= bd.n + 2 && b[i] == '-' && b[i + 1] == '-' &&
           memcmp(b + i + 2, bd.p, bd.n) == 0;
}

/* The next delimiter at the start of a line, from the line start from; n
 * when none. Linear: the boundary holds no LF, so each line is compared
 * once. */
static size_t find_delimiter(const uint8_t *b, size_t n, size_t from,
                             struct har_view bd)
{
    size_t i = from;
    while (i < n) {
        if (delimiter_at(b, n, i, bd))
            return i;
        const uint8_t *nl = memchr(b + i, '\n', n - i);
        if (nl == NULL)
            break;
        i = (size_t)(nl - b) + 1;
    }
    return n;
}

struct part {
    struct har_view name, filename, ctype;
    bool has_name, has_file;
};

static void part_header(struct part *pt, const char *line, size_t n)
{
    const char *colon = memchr(line, ':', n);
    if (colon == NULL)
        return;
    size_t at = (size_t)(colon - line);
    struct har_view name = har_trimmed(line, at);
    struct har_view value = har_trimmed(colon + 1, n - at - 1);
    if (har_ieq(name.p, name.n, "content-type")) {
        pt->ctype = value;
    } else if (har_ieq(name.p, name.n, "content-disposition")) {
        pt->has_name = find_param(value.p, value.n, "name", &pt->name);
        pt->has_file = find_param(value.p, value.n, "filename", &pt->filename);
    }
}

/* One part: headers, an empty line, the content. */
static void write_part(struct jsonw *w, const uint8_t *p, size_t n)
{
    struct part pt;
    memset(&pt, 0, sizeof pt);
    size_t i = 0, body = n;
    while (i < n) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t end = nl != NULL ? (size_t)(nl - p) : n;
        size_t line_end = end > i && p[end - 1] == '\r' ? end - 1 : end;
        if (line_end == i) { /* the empty line */
            body = end < n ? end + 1 : n;
            break;
        }
        part_header(&pt, (const char *)p + i, line_end - i);
        i = end < n ? end + 1 : n;
    }
    jsonw_object(w, NULL);
    jsonw_strn(w, "name", pt.has_name ? pt.name.p : "",
               pt.has_name ? pt.name.n : 0);
    if (pt.has_file)
        jsonw_strn(w, "fileName", pt.filename.p, pt.filename.n);
    if (pt.ctype.p != NULL)
        jsonw_strn(w, "contentType", pt.ctype.p, pt.ctype.n);
    if (!pt.has_file)
        jsonw_strn(w, "value", (const char *)p + body, n - body);
    jsonw_end(w);
}

void har_write_multipart(struct jsonw *w, const char *ctype, size_t ctype_len,
                         const uint8_t *body, size_t n)
{
    struct har_view bd;
    if (body == NULL || !find_param(ctype, ctype_len, "boundary", &bd) ||
        bd.n == 0 || bd.n > BOUNDARY_MAX || memchr(bd.p, '\n', bd.n) != NULL)
        return;
    size_t pos = find_delimiter(body, n, 0, bd);
    while (pos < n) {
        size_t i = pos + 2 + bd.n; /* delimiter_at checked it fits */
        if (n - i >= 2 && body[i] == '-' && body[i + 1] == '-')
            return; /* the close delimiter */
        const uint8_t *nl = memchr(body + i, '\n', n - i);
        if (nl == NULL)
            return; /* cut inside the delimiter line */
        size_t start = (size_t)(nl - body) + 1;
        size_t next = find_delimiter(body, n, start, bd);
        size_t end = next;
        if (next < n && end > start && body[end - 1] == '\n')
            end--; /* the line break before a delimiter is part of it */
        if (next < n && end > start && body[end - 1] == '\r')
            end--;
        write_part(w, body + start, end - start);
        pos = next;
    }
}
