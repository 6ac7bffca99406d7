/* SPDX-License-Identifier: MIT */
/* Table tests of the HTTP layer: each case is a conversation (client and
 * server byte runs in capture order, gaps, FINs) and the transactions and
 * WebSocket messages it must give, as a log string. Every case is run
 * whole, then with each run split at every byte, then one byte at a time:
 * the log must not change (the parser is split-invariant). */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "check_main.h"
#include "http_layer.h"

struct step {
    char kind;        /* 'C' client bytes, 'S' server bytes, 'g'/'G' gap
                         client/server (len in n), 'f'/'F' FIN client/server,
                         'E' end of connection */
    const char *data; /* NULL: use bin/n */
    size_t n;
    const uint8_t *bin;
};

static char log_buf[16384];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    size_t n = strlen(log_buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log_buf + n, sizeof log_buf - n, fmt, ap);
    va_end(ap);
}

static uint32_t fnv(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void log_flags(uint32_t f)
{
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++)
        if (f & (1u << i))
            logf_(" %s", sift_http_flag_name(1u << i));
}

static void on_txn(void *ctx, const struct sift_http_transaction *t)
{
    (void)ctx;
    const struct sift_http_message *q = &t->request, *r = &t->response;
    logf_("[%u ", t->index);
    if (q->present)
        logf_("%.*s %.*s/%d b%llu", (int)q->method_len, q->method,
              (int)q->target_len, q->target, q->version,
              (unsigned long long)q->body_bytes);
    else
        logf_("-");
    if (q->present && q->body_len > 0)
        logf_(" #%08x", fnv(q->body, q->body_len));
    for (size_t i = 0; i < t->interim_count; i++)
        logf_(" (%d)", t->interim[i].status);
    if (r->present) {
        logf_(" -> %d/%d w%llu b%llu d%llu", r->status, r->version,
              (unsigned long long)r->body_wire_bytes,
              (unsigned long long)r->body_bytes,
              (unsigned long long)r->decoded_bytes);
        if (r->missing_bytes)
            logf_(" m%llu", (unsigned long long)r->missing_bytes);
        if (r->body_len > 0)
            logf_(" #%08x", fnv(r->body, r->body_len));
        if (r->trailer_count > 0)
            logf_(" t:%.*s", (int)r->trailers[0].name_len,
                  r->trailers[0].name);
    } else {
        logf_(" -> none");
    }
    log_flags(t->flags);
    logf_("]");
}

static void on_ws(void *ctx, const struct sift_ws_message *m)
{
    (void)ctx;
    logf_("{ws%d op%d %llu %.*s}", m->dir, m->opcode,
          (unsigned long long)m->length, (int)m->payload_len,
          (const char *)m->payload);
}

static struct sift_tcp_conn conn;

static struct http_layer *layer(void)
{
    struct sift_http_options o = {0};
    o.keep_bodies = true;
    o.decode = true;
    o.max_body = 1 << 20;
    o.max_headers = 8;
    struct http_layer_cb cb = {NULL, on_txn, on_ws};
    return http_layer_new(&o, &cb);
}

static void fin(struct http_layer *h, enum sift_tcp_dir dir)
{
    struct sift_tcp_event e = {SIFT_TCP_EV_CLOSE, &conn, dir, 0, 0, 0};
    http_layer_event(h, &e);
}

/* Runs the steps; each data step is fed in pieces of `piece` bytes (0:
 * whole), except step `split_step`, split once at `split_at`. */
static void run(const struct step *steps, size_t nsteps, bool midstream,
                size_t piece, size_t split_step, size_t split_at)
{
    log_buf[0] = '\0';
    memset(&conn, 0, sizeof conn);
    conn.id = 7;
    conn.midstream = midstream;
    conn.handshake_rtt_ns = -1;
    struct http_layer *h = layer();
    ck_assert_ptr_nonnull(h);
    bool ended = false;
    for (size_t i = 0; i < nsteps; i++) {
        const struct step *s = &steps[i];
        enum sift_tcp_dir dir = (s->kind == 'C' || s->kind == 'g' ||
                                 s->kind == 'f')
                                    ? SIFT_TCP_FROM_CLIENT
                                    : SIFT_TCP_FROM_SERVER;
        int64_t ts = (int64_t)(i + 1) * 1000;
        if (s->kind == 'g' || s->kind == 'G') {
            http_layer_data(h, &conn, NULL, dir, NULL, s->n, ts);
        } else if (s->kind == 'f' || s->kind == 'F') {
            fin(h, dir);
        } else if (s->kind == 'E') {
            conn.last_ns = ts;
            http_layer_end(h, &conn);
            ended = true;
        } else {
            const uint8_t *p = s->data ? (const uint8_t *)s->data : s->bin;
            size_t n = s->data ? strlen(s->data) : s->n;
            if (i == split_step) {
                http_layer_data(h, &conn, NULL, dir, p, split_at, ts);
                http_layer_data(h, &conn, NULL, dir, p + split_at, n - split_at, ts);
                continue;
            }
            for (size_t at = 0; at < n;) {
                size_t k = piece == 0 || n - at < piece ? n - at : piece;
                http_layer_data(h, &conn, NULL, dir, p + at, k, ts);
                at += k;
            }
        }
    }
    if (!ended) {
        conn.last_ns = 999999;
        http_layer_end(h, &conn);
    }
    http_layer_free(h);
}

static void expect(const struct step *steps, size_t nsteps, bool midstream,
                   const char *want)
{
    run(steps, nsteps, midstream, 0, SIZE_MAX, 0);
    ck_assert_str_eq(log_buf, want);
    for (size_t i = 0; i < nsteps; i++) {
        const struct step *s = &steps[i];
        if (s->kind != 'C' && s->kind != 'S')
            continue;
        size_t n = s->data ? strlen(s->data) : s->n;
        for (size_t at = 1; at < n; at++) {
            run(steps, nsteps, midstream, 0, i, at);
            if (strcmp(log_buf, want) != 0)
                ck_abort_msg("step %zu split at %zu:\n got %s\nwant %s", i, at,
                             log_buf, want);
        }
    }
    run(steps, nsteps, midstream, 1, SIZE_MAX, 0);
    ck_assert_str_eq(log_buf, want);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(simple_and_keepalive)
{
    const struct step s[] = {
        {'C', "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0, NULL},
        {'C', "GET /b HTTP/1.1\r\nHost: x\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /a/11 b0 -> 200/11 w5 b5 d5 #4f9f2cab]"
           "[1 GET /b/11 b0 -> 404/11 w0 b0 d0]");
}
END_TEST

START_TEST(pipelined_with_head)
{
    /* Three requests in one segment; HEAD's Content-Length has no body. */
    const struct step s[] = {
        {'C', "GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\n"
              "GET /3 HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
              "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nBC", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /1/11 b0 -> 200/11 w1 b1 d1 #c40bf6cc]"
           "[1 HEAD /2/11 b0 -> 200/11 w0 b0 d0]"
           "[2 GET /3/11 b0 -> 200/11 w2 b2 d2 #1ddd58b2]");
}
END_TEST

START_TEST(chunked_with_extensions_and_trailers)
{
    const struct step s[] = {
        {'C', "GET / HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
         0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET //11 b0 -> 200/11 w42 b11 d11 #d58b3fa7 t:X-Sum]");
}
END_TEST

START_TEST(no_body_statuses)
{
    const struct step s[] = {
        {'C', "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"
              "GET /c HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"
              "HTTP/1.1 204 No Content\r\n\r\n"
              "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /a/11 b0 -> 304/11 w0 b0 d0]"
           "[1 GET /b/11 b0 -> 204/11 w0 b0 d0]"
           "[2 GET /c/11 b0 -> 200/11 w1 b1 d1 #ff0c53ad]");
}
END_TEST

START_TEST(continue_interim)
{
    const struct step s[] = {
        {'C', "POST /up HTTP/1.1\r\nContent-Length: 4\r\n"
              "Expect: 100-continue\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 100 Continue\r\n\r\n", 0, NULL},
        {'C', "data", 0, NULL},
        {'S', "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 POST /up/11 b4 #d872e2a5 (100) -> 201/11 w2 b2 d2 #663437af]");
}
END_TEST

START_TEST(close_delimited_http10)
{
    const struct step s[] = {
        {'C', "GET / HTTP/1.0\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.0 200 OK\r\n\r\nuntil ", 0, NULL},
        {'S', "close", 0, NULL},
        {'F', NULL, 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET //10 b0 -> 200/10 w11 b11 d11 #617322cb]");
}
END_TEST

START_TEST(smuggling_flags)
{
    /* CL with TE: chunked wins; duplicate and conflicting CL. */
    const struct step s[] = {
        {'C', "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: "
              "chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n"
              "POST /y HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
              "\r\nBB"
              "POST /z HTTP/1.1\r\nContent-Length: 1, 3\r\n\r\nC", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
              "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
              "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 POST /x/11 b1 #c40bf6cc -> 200/11 w0 b0 d0 te_and_cl]"
           "[1 POST /y/11 b2 #1edd5a45 -> 200/11 w0 b0 d0 cl_duplicate]"
           "[2 POST /z/11 b1 #c60bf9f2 -> 400/11 w0 b0 d0 cl_conflict]");
}
END_TEST

START_TEST(messy_heads)
{
    /* Bare LF, a folded field, a status line without reason. */
    const struct step s[] = {
        {'C', "GET /m HTTP/1.1\nHost: a\nX-Long: one\n two\n\n", 0, NULL},
        {'S', "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\n!", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /m/11 b0 -> 200/11 w1 b1 d1 #240c8dec"
           " bare_lf obs_fold no_reason]");
}
END_TEST

START_TEST(http09)
{
    const struct step s[] = {
        {'C', "GET /old\r\n", 0, NULL},
        {'S', "<html>raw</html>", 0, NULL},
        {'F', NULL, 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /old/9 b0 -> 0/9 w16 b16 d16 #9abdc058 http09]");
}
END_TEST

START_TEST(connect_tunnel)
{
    /* The tunnel carries HTTP that must not be read as this connection's. */
    const struct step s[] = {
        {'C', "CONNECT h:80 HTTP/1.1\r\nHost: h:80\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 Connection established\r\n\r\n", 0, NULL},
        {'C', "GET /inner HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 CONNECT h:80/11 b0 -> 200/11 w0 b0 d0 tunnel]");
}
END_TEST

START_TEST(connect_refused_then_pipelined)
{
    const struct step s[] = {
        {'C', "CONNECT h:80 HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n", 0,
         NULL},
        {'S', "HTTP/1.1 403 No\r\nContent-Length: 0\r\n\r\n"
              "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 CONNECT h:80/11 b0 -> 403/11 w0 b0 d0]"
           "[1 GET /next/11 b0 -> 200/11 w0 b0 d0]");
}
END_TEST

static const uint8_t ws_client[] = {
    /* masked "Hello" (RFC 6455 §5.7), then a masked close 1000 */
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    0x88, 0x82, 0x01, 0x02, 0x03, 0x04, 0x02, 0xea};
static const uint8_t ws_server[] = {
    0x81, 0x05, 'H', 'e', 'l', 'l', 'o', 0x88, 0x02, 0x03, 0xe8};

START_TEST(websocket_upgrade)
{
    const struct step s[] = {
        {'C', "GET /chat HTTP/1.1\r\nHost: s\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: x\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\n\r\n", 0, NULL},
        {'C', NULL, sizeof ws_client, ws_client},
        {'S', NULL, sizeof ws_server, ws_server},
    };
    expect(s, N(s), false,
           "[0 GET /chat/11 b0 -> 101/11 w0 b0 d0 upgrade]"
           "{ws0 op1 5 Hello}{ws0 op8 2 \x03\xe8}{ws1 op1 5 Hello}"
           "{ws1 op8 2 \x03\xe8}");
}
END_TEST

START_TEST(tls_is_not_http)
{
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x10, 'G', 'E',
                                    'T', ' ', '/', ' ', 'H', 'T', 'T', 'P',
                                    '/', '1', '.', '1', '\r', '\n', '\r',
                                    '\n'};
    const struct step s[] = {
        {'C', NULL, sizeof hello, hello},
        {'S', "HTTP/1.1 200 OK\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false, "");
}
END_TEST

START_TEST(other_protocol_on_clean_start)
{
    const struct step s[] = {
        {'S', "220 smtp ready\r\n", 0, NULL},
        {'C', "EHLO x\r\nGET / HTTP/1.1\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false, "");
}
END_TEST

START_TEST(odd_lines_real_servers_answer)
{
    /* A malformed first request line still gets its answer (Zeek's
     * methods.pcap); "GET HTTP/1.1" lacks only its target; a lower-case
     * status line; Content-Length with many leading zeros. */
    const struct step s[] = {
        {'C', "GET / HTTP/1.\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 0,
         NULL},
        {'C', "GET HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "http/1.1 200 OK\r\nContent-Length: "
              "0000000000000000000000000002\r\n\r\nhi", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 - -> 400/11 w0 b0 d0 no_request]"
           "[1 GET /11 b0 -> 200/11 w2 b2 d2 #683af69a bad_header resync]");
}
END_TEST

START_TEST(gap_inside_body_stays_in_step)
{
    const struct step s[] = {
        {'C', "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", 0, NULL},
        {'G', NULL, 6, NULL},
        {'S', "ij" "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /a/11 b0 -> 200/11 w10 b4 d4 m6 #e0258b89 body_gap]"
           "[1 GET /b/11 b0 -> 200/11 w1 b1 d1 #ff0c53ad]");
}
END_TEST

START_TEST(gap_over_message_start_resyncs)
{
    /* The second response's head falls in a gap: the third is found again,
     * and pairs with the third request (sent before it began). */
    const struct step s[] = {
        {'C', "GET /1 HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", 0, NULL},
        {'C', "GET /2 HTTP/1.1\r\n\r\n", 0, NULL},
        {'G', NULL, 30, NULL},
        {'S', "tail of body\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc",
         0, NULL},
        {'C', "GET /3 HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /1/11 b0 -> 200/11 w1 b1 d1 #e40c292c]"
           "[1 GET /2/11 b0 -> 200/11 w1 b1 d1 #e60c2c52 resync]"
           "[2 GET /3/11 b0 -> 200/11 w1 b1 d1 #e10c2473]");
}
END_TEST

START_TEST(lost_request_is_not_paired)
{
    /* The first request fell in a gap; its response came before the next
     * request was sent, so it answers no request in the capture. */
    const struct step s[] = {
        {'g', NULL, 19, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", 0, NULL},
        {'C', "GET /2 HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 - -> 200/11 w1 b1 d1 #e40c292c no_request]"
           "[1 GET /2/11 b0 -> 200/11 w1 b1 d1 #e70c2de5 resync]");
}
END_TEST

START_TEST(midstream_and_unanswered)
{
    /* A capture that starts inside a body: the next response is found;
     * a request with no response still comes out at the end. */
    const struct step s[] = {
        {'S', "dy bytes\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nq", 0,
         NULL},
        {'C', "GET /late HTTP/1.1\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), true,
           "[0 - -> 200/11 w1 b1 d1 #f40c425c no_request resync]"
           "[1 GET /late/11 b0 -> none no_response]");
}
END_TEST

START_TEST(early_response)
{
    const struct step s[] = {
        {'C', "POST /big HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc", 0, NULL},
        {'S', "HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n", 0,
         NULL},
        {'C', "def", 0, NULL},
    };
    expect(s, N(s), false,
           "[0 POST /big/11 b6 #ff478a2a -> 413/11 w0 b0 d0 "
           "early_response]");
}
END_TEST

START_TEST(incomplete_at_end)
{
    const struct step s[] = {
        {'C', "GET /x HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, NULL},
        {'E', NULL, 0, NULL},
    };
    expect(s, N(s), false,
           "[0 GET /x/11 b0 -> 200/11 w3 b3 d3 #1a47e90b incomplete]");
}
END_TEST

START_TEST(header_count_limit)
{
    const struct step s[] = {
        {'C', "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n"
              "F: 6\r\nG: 7\r\nH: 8\r\nI: 9\r\n\r\n", 0, NULL},
        {'S', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, NULL},
    };
    expect(s, N(s), false, "[0 GET //11 b0 -> 200/11 w0 b0 d0 header_limit]");
}
END_TEST

/* A gzip body made here with zlib, served chunked. */
START_TEST(gzip_chunked_decoded)
{
    static const char text[] = "pcapsift decodes gzip bodies, gzip bodies.";
    uint8_t gz[256];
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)text;
    z.avail_in = sizeof text - 1;
    z.next_out = gz;
    z.avail_out = sizeof gz;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gzlen = sizeof gz - z.avail_out;
    deflateEnd(&z);
    static uint8_t resp[512];
    int n = snprintf((char *)resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n%zx\r\n", gzlen);
    memcpy(resp + n, gz, gzlen);
    memcpy(resp + n + gzlen, "\r\n0\r\n\r\n", 7);
    const struct step s[] = {
        {'C', "GET /z HTTP/1.1\r\n\r\n", 0, NULL},
        {'S', NULL, (size_t)n + gzlen + 7, resp},
    };
    run(s, N(s), false, 0, SIZE_MAX, 0);
    char body[64];
    snprintf(body, sizeof body, " b%zu d%zu #%08x]", gzlen, sizeof text - 1,
             fnv((const uint8_t *)text, sizeof text - 1));
    ck_assert_ptr_nonnull(strstr(log_buf, body));
    static char whole[sizeof log_buf];
    snprintf(whole, sizeof whole, "%s", log_buf);
    expect(s, N(s), false, whole);
}
END_TEST

START_TEST(flag_names_are_unique)
{
    for (unsigned i = 0; i < SIFT_HTTP_FLAG_COUNT; i++) {
        ck_assert_ptr_nonnull(sift_http_flag_name(1u << i));
        for (unsigned j = 0; j < i; j++)
            ck_assert_str_ne(sift_http_flag_name(1u << i),
                             sift_http_flag_name(1u << j));
    }
    ck_assert_ptr_null(sift_http_flag_name(3));
}
END_TEST

static Suite *http_suite(void)
{
    Suite *s = suite_create("http");
    TCase *t = tcase_create("layer");
    tcase_add_test(t, simple_and_keepalive);
    tcase_add_test(t, pipelined_with_head);
    tcase_add_test(t, chunked_with_extensions_and_trailers);
    tcase_add_test(t, no_body_statuses);
    tcase_add_test(t, continue_interim);
    tcase_add_test(t, close_delimited_http10);
    tcase_add_test(t, smuggling_flags);
    tcase_add_test(t, messy_heads);
    tcase_add_test(t, http09);
    tcase_add_test(t, connect_tunnel);
    tcase_add_test(t, connect_refused_then_pipelined);
    tcase_add_test(t, websocket_upgrade);
    tcase_add_test(t, tls_is_not_http);
    tcase_add_test(t, other_protocol_on_clean_start);
    tcase_add_test(t, odd_lines_real_servers_answer);
    tcase_add_test(t, gap_inside_body_stays_in_step);
    tcase_add_test(t, gap_over_message_start_resyncs);
    tcase_add_test(t, lost_request_is_not_paired);
    tcase_add_test(t, midstream_and_unanswered);
    tcase_add_test(t, early_response);
    tcase_add_test(t, incomplete_at_end);
    tcase_add_test(t, header_count_limit);
    tcase_add_test(t, gzip_chunked_decoded);
    tcase_add_test(t, flag_names_are_unique);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(http_suite)
