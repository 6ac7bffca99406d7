/* SPDX-License-Identifier: MIT */
/* Tests of the HAR 1.2 writer: transactions built by hand, the log read
 * back with cJSON and its fields checked. With HAR_TEST_OUTPUT_DIR set,
 * every log is also saved there as <test>.har, for har-validator. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_main.h"
#include "har.h"
#include "pcapsift/http.h"

/* Until the HTTP parser (which defines it) is linked in. */
#ifdef HAR_TEST_FLAG_NAMES
const char *sift_http_flag_name(uint32_t bit)
{
    static const char *const names[SIFT_HTTP_FLAG_COUNT] = {
        "bare_lf",       "obs_fold",     "no_reason",    "http09",
        "bad_header",    "header_limit", "cl_duplicate", "cl_conflict",
        "cl_invalid",    "te_and_cl",    "te_unknown",   "bad_chunk",
        "body_gap",      "body_cut",     "incomplete",   "decode_error",
        "decode_capped", "no_response",  "no_request",   "early_response",
        "tunnel",        "upgrade",      "resync",       "coding_unknown"};
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (bit == 1u << i)
            return names[i];
    return NULL;
}
#endif

/* clang-format off */
#define H(n, v) {n, sizeof n - 1, v, sizeof v - 1}
/* clang-format on */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define T0 1700000000000000000LL /* 2023-11-14T22:13:20Z */
#define MS 1000000LL

static struct sift_tcp_conn conn_v4(uint64_t id, uint16_t port, int64_t rtt)
{
    struct sift_tcp_conn c;
    memset(&c, 0, sizeof c);
    c.id = id;
    c.client.family = 4;
    inet_pton(AF_INET, "10.0.0.1", c.client.bytes);
    c.server.family = 4;
    inet_pton(AF_INET, "93.184.216.34", c.server.bytes);
    c.client_port = 51000;
    c.server_port = port;
    c.start_ns = T0 - 10 * MS;
    c.state = SIFT_TCP_CLOSED;
    c.handshake_rtt_ns = rtt;
    return c;
}

static struct sift_http_message request(const char *method, const char *target,
                                        const struct sift_http_header *h,
                                        size_t nh, const char *body,
                                        size_t blen, int64_t first,
                                        int64_t last)
{
    struct sift_http_message m;
    memset(&m, 0, sizeof m);
    m.present = true;
    m.method = method;
    m.method_len = strlen(method);
    m.target = target;
    m.target_len = strlen(target);
    m.version = 11;
    m.headers = h;
    m.header_count = nh;
    m.header_bytes = 120;
    m.body = (const uint8_t *)body;
    m.body_len = blen;
    m.body_wire_bytes = m.body_bytes = m.decoded_bytes = blen;
    m.first_ns = first;
    m.last_ns = last;
    return m;
}

static struct sift_http_message
response(int status, const char *reason, const struct sift_http_header *h,
         size_t nh, const char *body, size_t blen, int64_t first, int64_t last)
{
    struct sift_http_message m =
        request("", "", h, nh, body, blen, first, last);
    m.method = NULL;
    m.target = NULL;
    m.status = status;
    m.reason = reason;
    m.reason_len = strlen(reason);
    m.header_bytes = 80;
    return m;
}

static struct sift_http_transaction
txn(uint64_t id, const struct sift_tcp_conn *c, uint32_t index)
{
    struct sift_http_transaction t;
    memset(&t, 0, sizeof t);
    t.id = id;
    t.conn = c;
    t.index = index;
    return t;
}

static void save(const char *name, const char *buf, size_t len)
{
    const char *dir = getenv("HAR_TEST_OUTPUT_DIR");
    if (dir == NULL || dir[0] == '\0')
        return;
    char path[1024];
    mkdir(dir, 0777); /* may exist */
    snprintf(path, sizeof path, "%s/%s.har", dir, name);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(buf, 1, len, fp), len);
    fclose(fp);
}

static char *last_raw; /* the text of the last log written */

/* Writes the transactions, then the messages, and parses the log. */
static cJSON *write_har(const char *name,
                        const struct sift_http_transaction *ts, size_t n,
                        const struct sift_ws_message *ws, size_t nws,
                        bool bodies)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(fp);
    struct har_options o = {bodies, "test"};
    struct har_writer *w = har_writer_new(fp, &o);
    ck_assert_ptr_nonnull(w);
    for (size_t i = 0; i < n; i++)
        har_writer_transaction(w, &ts[i]);
    for (size_t i = 0; i < nws; i++)
        har_writer_ws_message(w, &ws[i]);
    ck_assert_int_eq(har_writer_finish(w), 0);
    har_writer_free(w);
    fclose(fp);
    if (name != NULL)
        save(name, buf, len);
    cJSON *root = cJSON_ParseWithLength(buf, len);
    ck_assert_msg(root != NULL, "not JSON: %s", buf);
    free(last_raw);
    last_raw = buf;
    return root;
}

/* A value by a dotted path; numbers index arrays. */
static cJSON *at(const cJSON *o, const char *path)
{
    char key[64];
    const char *p = path;
    while (o != NULL && *p != '\0') {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        if (cJSON_IsArray(o))
            o = cJSON_GetArrayItem(o, (int)strtol(key, NULL, 10));
        else
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        p += n;
        if (*p == '.')
            p++;
    }
    return (cJSON *)o;
}

static const char *str_at(const cJSON *o, const char *path)
{
    cJSON *v = at(o, path);
    ck_assert_msg(cJSON_IsString(v), "%s: not a string", path);
    return v->valuestring;
}

static double num_at(const cJSON *o, const char *path)
{
    cJSON *v = at(o, path);
    ck_assert_msg(cJSON_IsNumber(v), "%s: not a number", path);
    return v->valuedouble;
}

static int size_at(const cJSON *o, const char *path)
{
    cJSON *v = at(o, path);
    ck_assert_msg(cJSON_IsArray(v), "%s: not an array", path);
    return cJSON_GetArraySize(v);
}

static bool true_at(const cJSON *o, const char *path)
{
    return cJSON_IsTrue(at(o, path));
}

/* Fields every entry must have (HAR 1.2, as har-validator's schema). */
static void check_required(const cJSON *e)
{
    static const char *const strings[] = {"startedDateTime",
                                          "request.method",
                                          "request.url",
                                          "request.httpVersion",
                                          "response.statusText",
                                          "response.httpVersion",
                                          "response.content.mimeType",
                                          "response.redirectURL"};
    static const char *const numbers[] = {"time",
                                          "request.headersSize",
                                          "request.bodySize",
                                          "response.status",
                                          "response.headersSize",
                                          "response.bodySize",
                                          "response.content.size",
                                          "timings.send",
                                          "timings.wait",
                                          "timings.receive"};
    static const char *const arrays[] = {
        "request.cookies", "request.headers", "request.queryString",
        "response.cookies", "response.headers"};
    for (size_t i = 0; i < COUNT(strings); i++)
        str_at(e, strings[i]);
    for (size_t i = 0; i < COUNT(numbers); i++)
        num_at(e, numbers[i]);
    for (size_t i = 0; i < COUNT(arrays); i++)
        size_at(e, arrays[i]);
    ck_assert(cJSON_IsObject(at(e, "cache")));
    ck_assert_double_ge(num_at(e, "timings.send"), 0);
    ck_assert_double_ge(num_at(e, "timings.wait"), 0);
    ck_assert_double_ge(num_at(e, "timings.receive"), 0);
}

static const cJSON *entry(const cJSON *root, int i)
{
    const cJSON *e = at(root, "log.entries");
    ck_assert(cJSON_IsArray(e));
    e = cJSON_GetArrayItem(e, i);
    ck_assert_ptr_nonnull(e);
    check_required(e);
    return e;
}

START_TEST(empty_log)
{
    cJSON *root = write_har("empty", NULL, 0, NULL, 0, true);
    ck_assert_str_eq(str_at(root, "log.version"), "1.2");
    ck_assert_str_eq(str_at(root, "log.creator.name"), "pcapsift");
    ck_assert_str_eq(str_at(root, "log.creator.version"), "test");
    ck_assert_int_eq(size_at(root, "log.entries"), 0);
    ck_assert_int_eq(size_at(root, "log.pages"), 0);
    cJSON_Delete(root);
}
END_TEST

static const struct sift_http_header get_req_h[] = {
    H("Host", "example.com:8080"), H("Cookie", "a=1; b=two"),
    H("Accept", "*/*"), H("Accept", "text/html"), H("cookie", " c = 3 ;;")};
static const struct sift_http_header get_resp_h[] = {
    H("Content-Type", "text/html; charset=utf-8"),
    H("Set-Cookie", "sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax; "
                    "Expires=Wed, 09 Jun 2021 10:18:14 GMT; Domain=.ex.com"),
    H("Set-Cookie", "x=y; expires=garbage; Max-Age=60")};

START_TEST(get_with_query_and_cookies)
{
    struct sift_tcp_conn c = conn_v4(7, 8080, 2 * MS + 500);
    struct sift_http_transaction t = txn(1, &c, 0);
    t.request = request("GET",
                        "/search?q=hello+world&lang=en%2Dus&empty=&flag"
                        "&&x=%zz#frag",
                        get_req_h, COUNT(get_req_h), NULL, 0, T0, T0 + MS);
    t.response = response(200, "OK", get_resp_h, COUNT(get_resp_h), "<p>hi</p>",
                          9, T0 + 21 * MS, T0 + 24 * MS);
    cJSON *root = write_har("get", &t, 1, NULL, 0, true);
    const cJSON *e = entry(root, 0);
    ck_assert_str_eq(str_at(e, "startedDateTime"),
                     "2023-11-14T22:13:20.000000Z");
    ck_assert_str_eq(str_at(e, "request.url"),
                     "http://example.com:8080/search?q=hello+world&lang=en%2Dus"
                     "&empty=&flag&&x=%25zz%23frag");
    ck_assert_str_eq(str_at(e, "request.method"), "GET");
    ck_assert_str_eq(str_at(e, "request.httpVersion"), "HTTP/1.1");
    ck_assert_int_eq(size_at(e, "request.headers"), 5);
    ck_assert_str_eq(str_at(e, "request.headers.3.value"), "text/html");
    ck_assert_int_eq(size_at(e, "request.queryString"), 5);
    ck_assert_str_eq(str_at(e, "request.queryString.0.value"), "hello world");
    ck_assert_str_eq(str_at(e, "request.queryString.1.value"), "en-us");
    ck_assert_str_eq(str_at(e, "request.queryString.2.name"), "empty");
    ck_assert_str_eq(str_at(e, "request.queryString.2.value"), "");
    ck_assert_str_eq(str_at(e, "request.queryString.3.name"), "flag");
    ck_assert_str_eq(str_at(e, "request.queryString.4.value"), "%zz");
    ck_assert_int_eq(size_at(e, "request.cookies"), 3);
    ck_assert_str_eq(str_at(e, "request.cookies.1.name"), "b");
    ck_assert_str_eq(str_at(e, "request.cookies.1.value"), "two");
    ck_assert_str_eq(str_at(e, "request.cookies.2.name"), "c");
    ck_assert_str_eq(str_at(e, "request.cookies.2.value"), "3");
    ck_assert_ptr_null(at(e, "request.postData"));
    ck_assert_int_eq((int)num_at(e, "request.bodySize"), 0);
    ck_assert_int_eq((int)num_at(e, "request.headersSize"), 120);
    /* timings: connect = handshake, send 1, wait 20, receive 3 */
    ck_assert_double_eq_tol(num_at(e, "timings.connect"), 2.0005, 1e-9);
    ck_assert_double_eq(num_at(e, "timings.send"), 1);
    ck_assert_double_eq(num_at(e, "timings.wait"), 20);
    ck_assert_double_eq(num_at(e, "timings.receive"), 3);
    ck_assert_double_eq(num_at(e, "timings.dns"), -1);
    ck_assert_double_eq_tol(num_at(e, "time"), 26.0005, 1e-9);
    ck_assert_ptr_nonnull(strstr(last_raw, "\"time\":26.0005,"));
    ck_assert_str_eq(str_at(e, "serverIPAddress"), "93.184.216.34");
    ck_assert_str_eq(str_at(e, "connection"), "7");
    ck_assert_str_eq(str_at(e, "_clientAddress"), "10.0.0.1");
    ck_assert_int_eq((int)num_at(e, "_serverPort"), 8080);
    /* response */
    ck_assert_int_eq((int)num_at(e, "response.status"), 200);
    ck_assert_str_eq(str_at(e, "response.statusText"), "OK");
    ck_assert_str_eq(str_at(e, "response.content.mimeType"),
                     "text/html; charset=utf-8");
    ck_assert_str_eq(str_at(e, "response.content.text"), "<p>hi</p>");
    ck_assert_ptr_null(at(e, "response.content.encoding"));
    ck_assert_ptr_null(at(e, "response.content.compression"));
    ck_assert_int_eq((int)num_at(e, "response.content.size"), 9);
    ck_assert_str_eq(str_at(e, "response.redirectURL"), "");
    ck_assert_int_eq(size_at(e, "response.cookies"), 2);
    ck_assert_str_eq(str_at(e, "response.cookies.0.name"), "sid");
    ck_assert_str_eq(str_at(e, "response.cookies.0.value"), "abc");
    ck_assert_str_eq(str_at(e, "response.cookies.0.path"), "/");
    ck_assert_str_eq(str_at(e, "response.cookies.0.domain"), ".ex.com");
    ck_assert_str_eq(str_at(e, "response.cookies.0.expires"),
                     "2021-06-09T10:18:14.000Z");
    ck_assert(true_at(e, "response.cookies.0.httpOnly"));
    ck_assert(true_at(e, "response.cookies.0.secure"));
    ck_assert_str_eq(str_at(e, "response.cookies.0._sameSite"), "Lax");
    ck_assert_ptr_null(at(e, "response.cookies.1.expires"));
    ck_assert_str_eq(str_at(e, "response.cookies.1._expires"), "garbage");
    ck_assert_str_eq(str_at(e, "response.cookies.1._maxAge"), "60");
    ck_assert(cJSON_IsFalse(at(e, "response.cookies.1.secure")));
    ck_assert_ptr_null(at(e, "comment"));
    ck_assert_ptr_null(at(e, "_flags"));
    cJSON_Delete(root);
}
END_TEST

static const struct sift_http_header form_h[] = {
    H("Host", "example.com"),
    H("Content-Type", "Application/X-WWW-Form-Urlencoded ; charset=UTF-8")};
static const struct sift_http_header redirect_h[] = {H("Location", "/home")};

START_TEST(post_urlencoded)
{
    static const char body[] = "user=j%C3%B6rg&pass=a+b%26c&x&=v";
    struct sift_tcp_conn c = conn_v4(3, 80, 1 * MS);
    struct sift_http_transaction t = txn(2, &c, 1);
    t.request = request("POST", "/login", form_h, COUNT(form_h), body,
                        sizeof body - 1, T0, T0 + 2 * MS);
    t.request.body_wire_bytes = 40; /* chunked on the wire */
    t.response = response(302, "Found", redirect_h, COUNT(redirect_h), NULL, 0,
                          T0 + MS, T0 + 3 * MS);
    t.flags = SIFT_HTTP_EARLY_RESPONSE;
    cJSON *root = write_har("post_urlencoded", &t, 1, NULL, 0, true);
    const cJSON *e = entry(root, 0);
    ck_assert_str_eq(str_at(e, "request.url"), "http://example.com/login");
    ck_assert_str_eq(str_at(e, "request.postData.mimeType"),
                     "Application/X-WWW-Form-Urlencoded ; charset=UTF-8");
    ck_assert_str_eq(str_at(e, "request.postData.text"), body);
    ck_assert_int_eq(size_at(e, "request.postData.params"), 4);
    ck_assert_str_eq(str_at(e, "request.postData.params.0.value"),
                     "j\xc3\xb6rg");
    ck_assert_str_eq(str_at(e, "request.postData.params.1.value"), "a b&c");
    ck_assert_str_eq(str_at(e, "request.postData.params.2.name"), "x");
    ck_assert_str_eq(str_at(e, "request.postData.params.2.value"), "");
    ck_assert_str_eq(str_at(e, "request.postData.params.3.name"), "");
    ck_assert_int_eq((int)num_at(e, "request.bodySize"), 40);
    ck_assert_str_eq(str_at(e, "response.redirectURL"), "/home");
    ck_assert_str_eq(str_at(e, "response.content.text"), "");
    /* not the first on its connection: no connect; early response */
    ck_assert_double_eq(num_at(e, "timings.connect"), -1);
    ck_assert_double_eq(num_at(e, "timings.wait"), 0);
    ck_assert_double_eq(num_at(e, "time"), 4);
    ck_assert_int_eq(size_at(e, "_flags"), 1);
    ck_assert_str_eq(str_at(e, "_flags.0"),
                     sift_http_flag_name(SIFT_HTTP_EARLY_RESPONSE));
    cJSON_Delete(root);
}
END_TEST

static const char multipart_body[] =
    "preamble\r\n"
    "------WebKitFormBoundaryX\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "hello\r\nworld\r\n"
    "------WebKitFormBoundaryX\r\n"
    "Content-Disposition: form-data; name=\"upload\"; filename=\"a b.bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\x89\xff\x00\x01\r\n"
    "------WebKitFormBoundaryX\n"
    "content-disposition: form-data; name=lf-only\n"
    "\n"
    "v\n"
    "------WebKitFormBoundaryX--\r\n"
    "epilogue";
static const struct sift_http_header multipart_h[] = {
    H("Host", "example.com"),
    H("Content-Type", "multipart/form-data; charset=utf-8; "
                      "boundary=\"----WebKitFormBoundaryX\"")};

static struct sift_http_transaction multipart_txn(const struct sift_tcp_conn *c,
                                                  size_t len)
{
    struct sift_http_transaction t = txn(1, c, 0);
    t.request = request("POST", "/upload", multipart_h, COUNT(multipart_h),
                        multipart_body, len, T0, T0 + MS);
    return t;
}

START_TEST(post_multipart)
{
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    struct sift_http_transaction t =
        multipart_txn(&c, sizeof multipart_body - 1);
    cJSON *root = write_har("post_multipart", &t, 1, NULL, 0, true);
    const cJSON *e = entry(root, 0);
    ck_assert_double_eq(num_at(e, "timings.connect"), -1);
    ck_assert_int_eq(size_at(e, "request.postData.params"), 3);
    ck_assert_str_eq(str_at(e, "request.postData.params.0.name"), "title");
    ck_assert_str_eq(str_at(e, "request.postData.params.0.value"),
                     "hello\r\nworld");
    ck_assert_str_eq(str_at(e, "request.postData.params.1.name"), "upload");
    ck_assert_str_eq(str_at(e, "request.postData.params.1.fileName"),
                     "a b.bin");
    ck_assert_str_eq(str_at(e, "request.postData.params.1.contentType"),
                     "application/octet-stream");
    ck_assert_ptr_null(at(e, "request.postData.params.1.value"));
    ck_assert_str_eq(str_at(e, "request.postData.params.2.name"), "lf-only");
    ck_assert_str_eq(str_at(e, "request.postData.params.2.value"), "v");
    /* the body is not UTF-8: base64, marked */
    ck_assert_str_eq(str_at(e, "request.postData._encoding"), "base64");
    ck_assert_int_eq((int)num_at(e, "response.status"), 0);
    cJSON_Delete(root);
}
END_TEST

/* Every prefix of the body, and bodies of random bytes around the
 * boundary: always a valid log (ASan watches the reads). */
START_TEST(multipart_prefixes_and_noise)
{
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    for (size_t len = 0; len < sizeof multipart_body; len++) {
        struct sift_http_transaction t = multipart_txn(&c, len);
        cJSON *root = write_har(NULL, &t, 1, NULL, 0, true);
        if (len > 0) /* no body, no postData */
            size_at(entry(root, 0), "request.postData.params");
        cJSON_Delete(root);
    }
    static const char *const pieces[] = {"------WebKitFormBoundaryX",
                                         "--",
                                         "\r\n",
                                         "\n",
                                         "\"",
                                         ";",
                                         ":",
                                         "name=",
                                         "filename=\"",
                                         "\xff",
                                         "x"};
    char *body = malloc(4096);
    ck_assert_ptr_nonnull(body);
    srand(1);
    for (int round = 0; round < 300; round++) {
        size_t len = 0;
        while (len < 3000) {
            const char *p = pieces[(size_t)rand() % COUNT(pieces)];
            memcpy(body + len, p, strlen(p));
            len += strlen(p);
        }
        struct sift_http_transaction t = multipart_txn(&c, 0);
        t.request.body = (const uint8_t *)body;
        t.request.body_len = len;
        t.request.body_wire_bytes = len;
        cJSON *root = write_har(round == 0 ? "multipart_noise" : NULL, &t, 1,
                                NULL, 0, true);
        size_at(entry(root, 0), "request.postData.params");
        cJSON_Delete(root);
    }
    free(body);
}
END_TEST

static const struct sift_http_header png_h[] = {H("Content-Type", "image/png"),
                                                H("Content-Encoding", "gzip")};

START_TEST(binary_and_compressed_bodies)
{
    static const char png[] = "\x89PNG\r\n\x1a\n\0\xff";
    static const char text[] = "a\0b";
    struct sift_tcp_conn c = conn_v4(2, 80, -1);
    struct sift_http_transaction t[2] = {txn(1, &c, 0), txn(2, &c, 1)};
    t[0].request = request("GET", "/img.png", NULL, 0, NULL, 0, T0, T0);
    t[0].response = response(200, "OK", png_h, COUNT(png_h), png,
                             sizeof png - 1, T0 + MS, T0 + MS);
    t[0].response.decoded = true;
    t[0].response.body_wire_bytes = 38;
    t[0].response.body_bytes = 30;
    t[0].response.decoded_bytes = 50;
    t[1].request = request("GET", "/t", NULL, 0, NULL, 0, T0 + 5, T0 + 5);
    t[1].response = response(200, "OK", NULL, 0, text, 3, T0 + 6, T0 + 7);
    cJSON *root = write_har("binary", t, 2, NULL, 0, true);
    const cJSON *e = entry(root, 0);
    ck_assert_str_eq(str_at(e, "request.url"), "http://93.184.216.34/img.png");
    ck_assert_str_eq(str_at(e, "response.content.encoding"), "base64");
    ck_assert_str_eq(str_at(e, "response.content.text"), "iVBORw0KGgoA/w==");
    ck_assert_int_eq((int)num_at(e, "response.content.size"), 50);
    ck_assert_int_eq((int)num_at(e, "response.content.compression"), 20);
    ck_assert_int_eq((int)num_at(e, "response.bodySize"), 38);
    /* NUL is UTF-8: kept as text, escaped */
    e = entry(root, 1);
    ck_assert_str_eq(str_at(e, "response.content.mimeType"), "x-unknown");
    ck_assert_ptr_null(at(e, "response.content.encoding"));
    ck_assert_ptr_nonnull(strstr(last_raw, "\"text\":\"a\\u0000b\""));
    ck_assert_double_eq(num_at(e, "timings.receive"), 0.000001);
    cJSON_Delete(root);
}
END_TEST

START_TEST(missing_messages)
{
    struct sift_tcp_conn c = conn_v4(4, 80, 3 * MS);
    c.state = SIFT_TCP_RESET;
    c.side[1].rst = true;
    struct sift_tcp_conn c2 = conn_v4(5, 80, -1);
    c2.end_reason = SIFT_TCP_EV_END_OF_FILE;
    c2.state = SIFT_TCP_ESTABLISHED;
    struct sift_http_transaction t[3] = {txn(1, &c, 0), txn(2, &c2, 0),
                                         txn(3, &c2, 1)};
    t[0].request = request("GET", "/", get_req_h, 1, NULL, 0, T0, T0 + MS);
    t[0].flags = SIFT_HTTP_NO_RESPONSE;
    t[1].response =
        response(200, "OK", NULL, 0, "x", 1, T0 + 2 * MS, T0 + 3 * MS);
    t[1].flags = SIFT_HTTP_NO_REQUEST;
    t[2].request =
        request("PUT", "/p", form_h, 1, "abc", 3, T0 + 4 * MS, T0 + 5 * MS);
    t[2].request.flags = SIFT_HTTP_INCOMPLETE;
    t[2].flags = SIFT_HTTP_NO_RESPONSE | SIFT_HTTP_INCOMPLETE;
    cJSON *root = write_har("missing", t, 3, NULL, 0, true);

    const cJSON *e = entry(root, 0);
    ck_assert_int_eq((int)num_at(e, "response.status"), 0);
    ck_assert_str_eq(str_at(e, "response.comment"),
                     "no response in the capture (connection reset)");
    ck_assert_str_eq(str_at(e, "comment"),
                     "no response in the capture (connection reset)");
    ck_assert_int_eq((int)num_at(e, "response.bodySize"), -1);
    ck_assert_int_eq((int)num_at(e, "response.headersSize"), -1);
    ck_assert_str_eq(str_at(e, "response.content.mimeType"), "x-unknown");
    ck_assert_double_eq(num_at(e, "timings.wait"), 0);
    ck_assert_double_eq(num_at(e, "time"), 4);
    ck_assert_str_eq(str_at(e, "_flags.0"),
                     sift_http_flag_name(SIFT_HTTP_NO_RESPONSE));

    e = entry(root, 1);
    ck_assert_str_eq(str_at(e, "startedDateTime"),
                     "2023-11-14T22:13:20.002000Z");
    ck_assert_str_eq(str_at(e, "request.method"), "");
    ck_assert_str_eq(str_at(e, "request.url"), "http://93.184.216.34/");
    ck_assert_str_eq(str_at(e, "request.comment"), "no request in the capture");
    ck_assert_int_eq((int)num_at(e, "request.bodySize"), -1);
    ck_assert_double_eq(num_at(e, "timings.send"), 0);
    ck_assert_double_eq(num_at(e, "timings.receive"), 1);

    e = entry(root, 2);
    ck_assert_str_eq(str_at(e, "comment"),
                     "request incomplete: the connection ended before it "
                     "did; no response in the capture (the capture ended "
                     "first)");
    ck_assert_str_eq(str_at(e, "request.postData.comment"),
                     "request incomplete: the connection ended before it did");
    ck_assert_str_eq(str_at(e, "request.postData.mimeType"), "x-unknown");
    ck_assert_int_eq(size_at(e, "_flags"), 2);
    cJSON_Delete(root);
}
END_TEST

static const struct sift_http_header ws_req_h[] = {H("Host", "chat.example"),
                                                   H("Upgrade", "websocket"),
                                                   H("Connection", "Upgrade")};

static struct sift_ws_message ws_msg(uint64_t txn_id, enum sift_tcp_dir dir,
                                     int64_t ts, int opcode, const char *p,
                                     size_t n)
{
    struct sift_ws_message m;
    memset(&m, 0, sizeof m);
    m.transaction_id = txn_id;
    m.dir = dir;
    m.ts_ns = ts;
    m.opcode = opcode;
    m.payload = (const uint8_t *)p;
    m.payload_len = n;
    m.length = n;
    m.close_code = -1;
    return m;
}

START_TEST(websocket_messages)
{
    struct sift_tcp_conn c = conn_v4(9, 80, MS);
    struct sift_http_transaction t[2] = {txn(5, &c, 0), txn(6, &c, 0)};
    t[0].request =
        request("GET", "/ws", ws_req_h, COUNT(ws_req_h), NULL, 0, T0, T0);
    t[0].response = response(101, "Switching Protocols", NULL, 0, NULL, 0,
                             T0 + MS, T0 + MS);
    t[0].flags = SIFT_HTTP_UPGRADE;
    t[1].request = request("GET", "/other", NULL, 0, NULL, 0, T0 - MS, T0);
    t[1].response = response(204, "No Content", NULL, 0, NULL, 0, T0, T0);
    struct sift_ws_message m[5] = {
        ws_msg(5, SIFT_TCP_FROM_CLIENT, T0 + 500 * MS, SIFT_WS_TEXT, "hello",
               5),
        ws_msg(5, SIFT_TCP_FROM_SERVER, T0 + 501 * MS, SIFT_WS_BINARY,
               "\x00\x01\xfe", 3),
        ws_msg(99, SIFT_TCP_FROM_SERVER, T0, SIFT_WS_TEXT, "lost", 4),
        ws_msg(5, SIFT_TCP_FROM_SERVER, T0 + 2000 * MS, SIFT_WS_CLOSE,
               "\x03\xe8"
               "bye",
               5),
        ws_msg(5, SIFT_TCP_FROM_CLIENT, T0 + 2001 * MS, SIFT_WS_TEXT, "\xc3",
               1),
    };
    m[3].close_code = 1000;
    m[4].cut = true;
    m[4].length = 10;
    cJSON *root = write_har("websocket", t, 2, m, COUNT(m), true);
    /* /other started first */
    const cJSON *e = entry(root, 0);
    ck_assert_int_eq((int)num_at(e, "_transactionId"), 6);
    ck_assert_ptr_null(at(e, "_webSocketMessages"));
    e = entry(root, 1);
    ck_assert_int_eq((int)num_at(e, "response.status"), 101);
    ck_assert_int_eq(size_at(e, "_webSocketMessages"), 4);
    ck_assert_str_eq(str_at(e, "_webSocketMessages.0.type"), "send");
    ck_assert_double_eq_tol(num_at(e, "_webSocketMessages.0.time"),
                            1700000000.5, 1e-6);
    ck_assert_ptr_nonnull(strstr(last_raw, "\"time\":1700000000.5,"));
    ck_assert_int_eq((int)num_at(e, "_webSocketMessages.0.opcode"), 1);
    ck_assert_str_eq(str_at(e, "_webSocketMessages.0.data"), "hello");
    ck_assert_str_eq(str_at(e, "_webSocketMessages.1.type"), "receive");
    ck_assert_int_eq((int)num_at(e, "_webSocketMessages.1.opcode"), 2);
    ck_assert_str_eq(str_at(e, "_webSocketMessages.1.data"), "AAH+");
    ck_assert_int_eq((int)num_at(e, "_webSocketMessages.2.opcode"), 8);
    ck_assert_str_eq(str_at(e, "_webSocketMessages.2.data"), "A+hieWU=");
    ck_assert_str_eq(str_at(e, "_webSocketMessages.2._encoding"), "base64");
    ck_assert_int_eq((int)num_at(e, "_webSocketMessages.2._closeCode"), 1000);
    ck_assert_str_eq(str_at(e, "_webSocketMessages.3.data"), "ww==");
    ck_assert(true_at(e, "_webSocketMessages.3._cut"));
    ck_assert_int_eq((int)num_at(e, "_webSocketMessages.3._length"), 10);
    cJSON_Delete(root);
}
END_TEST

START_TEST(entries_sorted_by_start)
{
    /* completion order 1..4; starts 300, 100, 200, 100 ms */
    static const int64_t start[] = {300, 100, 200, 100};
    static const int expect[] = {2, 4, 3, 1};
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    struct sift_http_transaction t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = txn((uint64_t)i + 1, &c, (uint32_t)i);
        t[i].request = request("GET", "/", NULL, 0, NULL, 0, T0 + start[i] * MS,
                               T0 + start[i] * MS);
        t[i].response =
            response(200, "OK", NULL, 0, NULL, 0, T0 + 400 * MS, T0 + 400 * MS);
    }
    struct sift_ws_message m =
        ws_msg(3, SIFT_TCP_FROM_SERVER, T0 + 500 * MS, SIFT_WS_TEXT, "m3", 2);
    cJSON *root = write_har("sorted", t, 4, &m, 1, true);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq((int)num_at(entry(root, i), "_transactionId"),
                         expect[i]);
    ck_assert_str_eq(str_at(entry(root, 2), "_webSocketMessages.0.data"), "m3");
    ck_assert_ptr_null(at(entry(root, 0), "_webSocketMessages"));
    cJSON_Delete(root);

    /* many, in a scrambled order */
    enum { N = 5000 };
    struct sift_http_transaction *many = calloc(N, sizeof *many);
    ck_assert_ptr_nonnull(many);
    for (int i = 0; i < N; i++) {
        int64_t s = T0 + (int64_t)((i * 7919) % N) * MS;
        many[i] = txn((uint64_t)i + 1, &c, 1);
        many[i].request = request("GET", "/", NULL, 0, NULL, 0, s, s);
    }
    root = write_har(NULL, many, N, NULL, 0, false);
    const cJSON *es = at(root, "log.entries");
    ck_assert_int_eq(cJSON_GetArraySize(es), N);
    const char *prev = "";
    for (const cJSON *e = es->child; e != NULL; e = e->next) {
        const char *s = str_at(e, "startedDateTime");
        ck_assert_int_le(strcmp(prev, s), 0);
        prev = s;
    }
    cJSON_Delete(root);
    free(many);
}
END_TEST

static const struct sift_http_header odd_host_h[] = {
    H("Host", "bad host\xc3\xa9/@x")};

START_TEST(url_forms)
{
    struct sift_tcp_conn c = conn_v4(1, 8080, -1);
    struct sift_tcp_conn c6 = conn_v4(2, 80, -1);
    c6.server.family = 6;
    inet_pton(AF_INET6, "2001:db8::1", c6.server.bytes);
    static const struct {
        const char *method, *target;
        int version;
        int conn6;
        const struct sift_http_header *h;
        const char *url;
    } cases[] = {
        {"GET", "http://Proxy.example/x?y=1", 11, 0, NULL,
         "http://Proxy.example/x?y=1"},
        {"GET", "https://[2001:db8::2]:8443/a b", 11, 0, NULL,
         "https://[2001:db8::2]:8443/a%20b"},
        {"CONNECT", "example.com:443", 11, 0, NULL, "http://example.com:443"},
        {"GET", "/path", 10, 0, NULL, "http://93.184.216.34:8080/path"},
        {"GET", "/", 9, 1, NULL, "http://[2001:db8::1]/"},
        {"GET", "/a b/\xc3\xa9\"<>\\^`{|}", 11, 0, get_req_h,
         "http://example.com:8080/a%20b/%C3%A9%22%3C%3E%5C%5E%60%7B%7C%7D"},
        {"OPTIONS", "*", 11, 0, get_req_h, "http://example.com:8080/*"},
        {"GET", "/x", 11, 0, odd_host_h, "http://bad%20host%C3%A9%2F%40x/x"},
        {"GET", "", 11, 0, get_req_h, "http://example.com:8080/"},
    };
    struct sift_http_transaction t[COUNT(cases)];
    for (size_t i = 0; i < COUNT(cases); i++) {
        t[i] = txn(i + 1, cases[i].conn6 ? &c6 : &c, 1);
        t[i].request = request(cases[i].method, cases[i].target, cases[i].h,
                               cases[i].h != NULL ? 1 : 0, NULL, 0,
                               T0 + (int64_t)i, T0 + (int64_t)i);
        t[i].request.version = cases[i].version;
    }
    cJSON *root = write_har("urls", t, COUNT(cases), NULL, 0, true);
    for (size_t i = 0; i < COUNT(cases); i++)
        ck_assert_str_eq(str_at(entry(root, (int)i), "request.url"),
                         cases[i].url);
    ck_assert_str_eq(str_at(entry(root, 3), "request.httpVersion"), "HTTP/1.0");
    ck_assert_str_eq(str_at(entry(root, 4), "request.httpVersion"), "HTTP/0.9");
    ck_assert_str_eq(str_at(entry(root, 4), "serverIPAddress"), "2001:db8::1");
    cJSON_Delete(root);
}
END_TEST

START_TEST(cookie_dates)
{
    static const struct {
        const char *header, *expires; /* NULL: not a date */
    } cases[] = {
        {"a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT",
         "2021-06-09T10:18:14.000Z"},
        {"a=1; expires=Wednesday, 09-Jun-21 10:18:14 GMT",
         "2021-06-09T10:18:14.000Z"},
        {"a=1; expires=Wed Jun  9 10:18:14 2021", "2021-06-09T10:18:14.000Z"},
        {"a=1; expires=Fri, 31 Dec 9999 23:59:59 GMT",
         "9999-12-31T23:59:59.000Z"},
        {"a=1; expires=Thu, 01-Jan-1970 00:00:01 GMT",
         "1970-01-01T00:00:01.000Z"},
        {"a=1; expires=Tue, 29 Feb 2000 1:2:3 GMT", "2000-02-29T01:02:03.000Z"},
        {"a=1; expires=Sat, 29 Feb 2100 00:00:00 GMT", NULL},
        {"a=1; expires=Thu, 31 Apr 2021 00:00:00 GMT", NULL},
        {"a=1; expires=01 Jan 1500 00:00:00", NULL},
        {"a=1; expires=Mon, 01 Jan 2021 24:00:00 GMT", NULL},
        {"a=1; expires=", NULL},
        {"a=1; expires=garbage", NULL},
    };
    struct sift_http_header h[COUNT(cases)];
    for (size_t i = 0; i < COUNT(cases); i++)
        h[i] = (struct sift_http_header){"Set-Cookie", 10, cases[i].header,
                                         strlen(cases[i].header)};
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    struct sift_http_transaction t = txn(1, &c, 0);
    t.request = request("GET", "/", NULL, 0, NULL, 0, T0, T0);
    t.response = response(200, "OK", h, COUNT(h), NULL, 0, T0, T0);
    cJSON *root = write_har("cookie_dates", &t, 1, NULL, 0, true);
    const cJSON *cookies = at(entry(root, 0), "response.cookies");
    ck_assert_int_eq(cJSON_GetArraySize(cookies), (int)COUNT(cases));
    for (size_t i = 0; i < COUNT(cases); i++) {
        const cJSON *e = at(cJSON_GetArrayItem(cookies, (int)i), "expires");
        if (cases[i].expires == NULL)
            ck_assert_msg(e == NULL, "case %zu", i);
        else
            ck_assert_str_eq(cJSON_GetStringValue(e), cases[i].expires);
    }
    cJSON_Delete(root);
}
END_TEST

static const struct sift_http_header continue_h[] = {H("X-Interim", "1")};

START_TEST(flags_interim_and_cut_bodies)
{
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    struct sift_http_transaction t = txn(1, &c, 0);
    struct sift_http_message interim =
        response(100, "Continue", continue_h, 1, NULL, 0, T0, T0);
    static const struct sift_http_header trailer[] = {H("X-Sum", "abc")};
    t.request = request("POST", "/", NULL, 0, "data", 4, T0, T0 + MS);
    t.response = response(200, "OK", get_resp_h, 1, "<html", 5, T0 + 2 * MS,
                          T0 + 3 * MS);
    t.response.flags = SIFT_HTTP_BODY_CUT | SIFT_HTTP_BODY_GAP;
    t.response.missing_bytes = 1000;
    t.response.decoded_bytes = t.response.body_bytes = 9000;
    t.response.trailers = trailer;
    t.response.trailer_count = 1;
    t.interim = &interim;
    t.interim_count = 1;
    t.flags = SIFT_HTTP_BODY_CUT | SIFT_HTTP_BODY_GAP;
    cJSON *root = write_har("flags", &t, 1, NULL, 0, true);
    const cJSON *e = entry(root, 0);
    ck_assert_int_eq(size_at(e, "_flags"), 2);
    ck_assert_str_eq(str_at(e, "_flags.0"),
                     sift_http_flag_name(SIFT_HTTP_BODY_GAP));
    ck_assert_int_eq((int)num_at(e, "_missingBytes"), 1000);
    ck_assert_int_eq((int)num_at(e, "response._missingBytes"), 1000);
    ck_assert_str_eq(str_at(e, "response.content.comment"),
                     "response body: 1000 bytes missing from the capture; "
                     "response body cut to its first 5 bytes (body size cap)");
    ck_assert_str_eq(str_at(e, "comment"),
                     str_at(e, "response.content.comment"));
    ck_assert_int_eq((int)num_at(e, "response._interim.0.status"), 100);
    ck_assert_str_eq(str_at(e, "response._interim.0.headers.0.name"),
                     "X-Interim");
    ck_assert_str_eq(str_at(e, "response._trailers.0.value"), "abc");
    ck_assert_str_eq(str_at(e, "request.postData.text"), "data");
    cJSON_Delete(root);
}
END_TEST

START_TEST(bodies_left_out)
{
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    struct sift_http_transaction t = txn(1, &c, 0);
    t.request =
        request("POST", "/", form_h, COUNT(form_h), "a=1", 3, T0, T0 + MS);
    t.response = response(101, "Switching", NULL, 0, "body", 4, T0 + 2 * MS,
                          T0 + 3 * MS);
    struct sift_ws_message m =
        ws_msg(1, SIFT_TCP_FROM_CLIENT, T0 + 4 * MS, SIFT_WS_TEXT, "hi", 2);
    cJSON *root = write_har("no_bodies", &t, 1, &m, 1, false);
    const cJSON *e = entry(root, 0);
    ck_assert_str_eq(str_at(e, "request.postData.text"), "");
    ck_assert_int_eq(size_at(e, "request.postData.params"), 0);
    ck_assert_str_eq(str_at(e, "request.postData.comment"),
                     "request body left out (--no-bodies)");
    ck_assert_ptr_null(at(e, "comment"));
    ck_assert_ptr_null(at(e, "response.content.text"));
    ck_assert_int_eq((int)num_at(e, "response.content.size"), 4);
    ck_assert_str_eq(str_at(e, "_webSocketMessages.0.data"), "");
    ck_assert_int_eq((int)num_at(e, "_webSocketMessages.0._length"), 2);
    cJSON_Delete(root);
}
END_TEST

START_TEST(output_errors)
{
    FILE *fp = fopen("/dev/full", "w");
    if (fp == NULL)
        return; /* not on this system */
    struct har_options o = {true, NULL};
    struct har_writer *w = har_writer_new(fp, &o);
    ck_assert_ptr_nonnull(w);
    struct sift_tcp_conn c = conn_v4(1, 80, -1);
    struct sift_http_transaction t = txn(1, &c, 0);
    t.request = request("GET", "/", NULL, 0, NULL, 0, T0, T0);
    har_writer_transaction(w, &t);
    ck_assert_int_eq(har_writer_finish(w), -1);
    ck_assert_int_eq(har_writer_finish(w), -1); /* once only */
    har_writer_free(w);
    fclose(fp);
    har_writer_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("har");
    TCase *t = tcase_create("writer");
    tcase_add_test(t, empty_log);
    tcase_add_test(t, get_with_query_and_cookies);
    tcase_add_test(t, post_urlencoded);
    tcase_add_test(t, post_multipart);
    tcase_add_test(t, multipart_prefixes_and_noise);
    tcase_add_test(t, binary_and_compressed_bodies);
    tcase_add_test(t, missing_messages);
    tcase_add_test(t, websocket_messages);
    tcase_add_test(t, entries_sorted_by_start);
    tcase_add_test(t, url_forms);
    tcase_add_test(t, cookie_dates);
    tcase_add_test(t, flags_interim_and_cut_bodies);
    tcase_add_test(t, bodies_left_out);
    tcase_add_test(t, output_errors);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
