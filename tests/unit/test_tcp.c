/* SPDX-License-Identifier: MIT */
/* Table tests of TCP reassembly and connection tracking: every order of a
 * few segments, duplicates, overlaps, sequence wraparound, gaps (ACKed
 * holes, end of file, budget), RST, SYN retries, port reuse, mid-stream
 * starts and keep-alives. Each callback is appended to a log string. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "pcapsift/tcp.h"
#include "tcp_table.h"

static char log_buf[8192];
static struct sift_tcp_conn last_end;
static int ends;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    size_t n = strlen(log_buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log_buf + n, sizeof log_buf - n, fmt, ap);
    va_end(ap);
}

static void on_event(void *ctx, const struct sift_tcp_event *e)
{
    (void)ctx;
    if (e->kind == SIFT_TCP_EV_GAP)
        return; /* gaps are logged by on_data */
    logf_("[%s%d]", sift_tcp_event_name(e->kind), e->dir);
}

static void on_data(void *ctx, const struct sift_tcp_conn *c,
                    enum sift_tcp_dir dir, const uint8_t *data, size_t len,
                    uint64_t off, int64_t ts)
{
    (void)ctx;
    (void)c;
    (void)ts;
    if (data == NULL)
        logf_("<gap%d@%llu+%zu>", dir, (unsigned long long)off, len);
    else
        logf_("%s%.*s", dir ? "S:" : "C:", (int)len, (const char *)data);
}

static void on_end(void *ctx, const struct sift_tcp_conn *c)
{
    (void)ctx;
    last_end = *c;
    ends++;
    logf_("[end%llu]", (unsigned long long)c->id);
}

static int warnings;
static void on_warning(void *ctx, const struct sift_warning *w)
{
    (void)ctx;
    (void)w;
    warnings++;
}

static struct tcp_table *table(uint32_t max_stream)
{
    log_buf[0] = '\0';
    ends = 0;
    warnings = 0;
    struct sift_tcp_limits lim = SIFT_TCP_DEFAULT_LIMITS;
    if (max_stream != 0)
        lim.max_held_per_stream = max_stream;
    struct tcp_callbacks cb = {NULL, on_event, on_data, on_end, on_warning,
                               NULL};
    return tcp_table_new(&lim, &cb);
}

/* One segment from the client (dir 0) or the server (dir 1). */
static void seg(struct tcp_table *t, int dir, uint16_t flags, uint32_t seq,
                uint32_t ack, const char *data)
{
    static struct sift_record rec;
    static int64_t now = 1000;
    memset(&rec, 0, sizeof rec);
    rec.ts_ns = now += 1000;
    struct sift_packet p;
    memset(&p, 0, sizeof p);
    p.record = &rec;
    p.ip_version = 4;
    p.protocol = 6;
    struct sift_ip_addr a = {4, {10, 0, 0, 1}}, b = {4, {10, 0, 0, 2}};
    p.src = dir ? b : a;
    p.dst = dir ? a : b;
    p.sport = dir ? 80 : 40000;
    p.dport = dir ? 40000 : 80;
    p.tcp.seq = seq;
    p.tcp.ack = ack;
    p.tcp.flags = flags;
    p.tcp.header_len = 20;
    p.payload = (const uint8_t *)data;
    p.payload_len = p.payload_wire_len = data ? (uint32_t)strlen(data) : 0;
    tcp_table_packet(t, &p);
}

#define S SIFT_TCP_SYN
#define A SIFT_TCP_ACK
#define F SIFT_TCP_FIN
#define R SIFT_TCP_RST
#define P SIFT_TCP_PSH

/* Client ISN c0, server ISN s0; the handshake. */
static void open3(struct tcp_table *t, uint32_t c0, uint32_t s0)
{
    seg(t, 0, S, c0, 0, NULL);
    seg(t, 1, S | A, s0, c0 + 1, NULL);
    seg(t, 0, A, c0 + 1, s0 + 1, NULL);
}

START_TEST(every_order_of_three_segments)
{
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    static const char *parts[3] = {"HEL", "LO ", "WORLD"};
    static const uint32_t at[3] = {0, 3, 6};
    static const uint64_t late[6] = {0, 1, 1, 1, 2, 2}; /* out of order */
    for (int o = 0; o < 6; o++) {
        struct tcp_table *t = table(0);
        open3(t, 100, 5000);
        for (int k = 0; k < 3; k++) {
            int i = orders[o][k];
            seg(t, 0, A | P, 101 + at[i], 5001, parts[i]);
        }
        seg(t, 0, F | A, 112, 5001, NULL);
        seg(t, 1, F | A, 5001, 113, NULL);
        tcp_table_finish(t);
        /* the stream is whole whatever the order; events differ */
        char *c = strstr(log_buf, "C:");
        ck_assert_ptr_nonnull(c);
        char text[64] = "";
        for (char *p = log_buf; (p = strstr(p, "C:")) != NULL; p += 2) {
            size_t n = strcspn(p + 2, "[<CS");
            strncat(text, p + 2, n);
        }
        ck_assert_str_eq(text, "HELLO WORLD");
        ck_assert_ptr_null(strstr(log_buf, "gap"));
        ck_assert_ptr_nonnull(strstr(log_buf, "[open0]"));
        ck_assert_ptr_nonnull(strstr(log_buf, "[close0][close1]"));
        ck_assert_uint_eq(last_end.side[0].stream_bytes, 11);
        ck_assert_uint_eq(last_end.side[0].gaps, 0);
        ck_assert_uint_eq(last_end.state, SIFT_TCP_CLOSED);
        ck_assert_uint_eq(last_end.side[0].out_of_order, late[o]);
        tcp_table_free(t);
    }
}
END_TEST

START_TEST(duplicates_and_overlaps)
{
    struct tcp_table *t = table(0);
    open3(t, 100, 5000);
    seg(t, 0, A, 101, 5001, "HEL");
    seg(t, 0, A, 101, 5001, "HEL");    /* duplicate */
    seg(t, 0, A, 102, 5001, "ELLO");   /* partly old, partly new */
    seg(t, 0, A, 110, 5001, "XY");     /* ahead: held */
    seg(t, 0, A, 110, 5001, "QQ");     /* same place, other bytes */
    seg(t, 0, A, 106, 5001, "WXYZ");   /* fills the hole up to XY */
    tcp_table_finish(t);
    /* the partly old segment delivers its new bytes without an event; the
     * one with other bytes is a retransmission and a conflict, and the
     * bytes that came first (XY) are the ones delivered */
    ck_assert_str_eq(log_buf, "[open0]C:HEL[retransmission0]C:LO"
                              "[retransmission0][overlap-conflict0]"
                              "C:WXYZC:XY[out-of-order0]"
                              "[end-of-file0][end1]");
    ck_assert_uint_eq(last_end.side[0].conflicts, 1);
    ck_assert_uint_eq(last_end.side[0].retransmissions, 3);
    ck_assert_uint_eq(last_end.side[0].stream_bytes, 11);
    tcp_table_free(t);
}
END_TEST

START_TEST(sequence_numbers_wrap)
{
    struct tcp_table *t = table(0);
    open3(t, 0xfffffff8u, 0xfffffffeu);
    seg(t, 0, A, 0xfffffff9u, 0xffffffffu, "0123456");
    seg(t, 0, A, 0x00000004u, 0xffffffffu, "BCDEF"); /* held across 0 */
    seg(t, 0, A, 0x00000000u, 0xffffffffu, "789A");
    seg(t, 1, A, 0xffffffffu, 9, "ok");
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]C:0123456C:789AC:BCDEF[out-of-order0]"
                              "S:ok[end-of-file0][end1]");
    tcp_table_free(t);
}
END_TEST

START_TEST(acked_hole_becomes_a_gap_at_once)
{
    struct tcp_table *t = table(0);
    open3(t, 100, 5000);
    seg(t, 0, A, 101, 5001, "GET ");
    seg(t, 0, A, 111, 5001, "tail");     /* 6 bytes at 105 never captured */
    seg(t, 1, A, 5001, 115, NULL);       /* the server has them all */
    seg(t, 1, A, 5001, 115, "HTTP");
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]C:GET <gap0@4+6>C:tail"
                              "S:HTTP[end-of-file0][end1]");
    ck_assert_uint_eq(last_end.side[0].gaps, 1);
    ck_assert_uint_eq(last_end.side[0].gap_bytes, 6);
    tcp_table_free(t);
}
END_TEST

START_TEST(ack_before_its_data_is_not_a_gap)
{
    /* a tap delivers the receiver's ACK before the data it acknowledges */
    struct tcp_table *t = table(0);
    open3(t, 100, 5000);
    seg(t, 1, A, 5001, 105, NULL);
    seg(t, 0, A, 101, 5001, "abcd");
    seg(t, 1, A, 5001, 109, NULL);
    seg(t, 0, A, 105, 5001, "efgh");
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]C:abcdC:efgh[end-of-file0][end1]");
    tcp_table_free(t);
}
END_TEST

START_TEST(holes_at_the_end_are_gaps_before_the_held_bytes)
{
    struct tcp_table *t = table(0);
    open3(t, 100, 5000);
    seg(t, 0, A, 101, 5001, "ab");
    seg(t, 0, A, 105, 5001, "ef");
    seg(t, 0, F | A, 107, 5001, NULL);
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]C:ab<gap0@2+2>C:ef"
                              "[close0][end-of-file0][end1]");
    tcp_table_free(t);
}
END_TEST

START_TEST(budget_forces_a_gap)
{
    struct tcp_table *t = table(4); /* 4 bytes held per stream at most */
    open3(t, 100, 5000);
    seg(t, 0, A, 103, 5001, "cd");
    seg(t, 0, A, 105, 5001, "efgh");   /* over the budget */
    tcp_table_finish(t);
    /* efgh cannot be held: the hole before cd becomes a gap at once and
     * nothing is lost without a mark */
    ck_assert_str_eq(log_buf, "[open0]<gap0@0+2>C:cdC:efgh"
                              "[end-of-file0][end1]");
    ck_assert_int_eq(warnings, 1);
    ck_assert_uint_eq(last_end.side[0].stream_bytes, 6);
    tcp_table_free(t);
}
END_TEST

START_TEST(table_limit_evicts_the_least_recently_active)
{
    log_buf[0] = '\0';
    ends = warnings = 0;
    struct sift_tcp_limits lim = SIFT_TCP_DEFAULT_LIMITS;
    lim.max_connections = 1;
    struct tcp_callbacks cb = {NULL, on_event, on_data, on_end, on_warning,
                               NULL};
    struct tcp_table *t = tcp_table_new(&lim, &cb);
    open3(t, 100, 5000);
    seg(t, 0, A, 101, 5001, "first");
    static struct sift_record rec;
    struct sift_packet p; /* another client: the table is full */
    memset(&p, 0, sizeof p);
    p.record = &rec;
    p.ip_version = 4;
    p.protocol = 6;
    p.src = (struct sift_ip_addr){4, {10, 0, 0, 3}};
    p.dst = (struct sift_ip_addr){4, {10, 0, 0, 2}};
    p.sport = 40001;
    p.dport = 80;
    p.tcp.flags = S;
    p.tcp.seq = 7;
    p.tcp.header_len = 20;
    tcp_table_packet(t, &p);
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]C:first[evicted0][end1]"
                              "[end-of-file0][end2]");
    ck_assert_int_eq(warnings, 1);
    tcp_table_free(t);
}
END_TEST

START_TEST(reset_syn_retry_and_rtt)
{
    struct tcp_table *t = table(0);
    seg(t, 0, S, 100, 0, NULL);
    seg(t, 0, S, 100, 0, NULL);       /* the SYN again, same ISN */
    seg(t, 1, S | A, 5000, 101, NULL);
    seg(t, 0, A, 101, 5001, NULL);
    seg(t, 0, A, 101, 5001, "abc");
    seg(t, 1, R | A, 5001, 104, NULL);
    seg(t, 0, A, 104, 5001, "late");  /* in flight when the RST was sent */
    seg(t, 1, A, 5001, 108, "more");  /* the RST was ignored: still read */
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[syn-retry0][open0]C:abc[reset1]C:lateS:more"
                              "[end-of-file0][end1]");
    ck_assert_uint_eq(last_end.syn_retries, 1);
    ck_assert_int_eq(last_end.handshake_rtt_ns, 3000);
    ck_assert(last_end.side[1].rst);
    ck_assert_uint_eq(last_end.side[0].packets, 5);
    ck_assert_uint_eq(last_end.side[1].packets, 3);
    ck_assert_uint_eq(last_end.state, SIFT_TCP_RESET);
    tcp_table_free(t);
}
END_TEST

START_TEST(port_reuse_starts_a_new_connection)
{
    struct tcp_table *t = table(0);
    open3(t, 100, 5000);
    seg(t, 0, F | A, 101, 5001, NULL);
    seg(t, 1, F | A, 5001, 102, NULL);
    open3(t, 90000, 7000);            /* same 4-tuple, new ISN */
    seg(t, 0, A, 90001, 7001, "again");
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0][close0][close1][port-reuse0][end1]"
                              "[open0]C:again[end-of-file0][end2]");
    ck_assert_int_eq(ends, 2);
    tcp_table_free(t);
}
END_TEST

START_TEST(midstream_roles_and_keepalives)
{
    struct tcp_table *t = table(0);
    seg(t, 1, A, 5000, 100, "resp");   /* from port 80: the server */
    seg(t, 0, A, 100, 5004, "req");
    seg(t, 0, A, 102, 5004, "q");      /* a keep-alive: one old byte */
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open1]S:respC:req[end-of-file0][end1]");
    ck_assert(last_end.midstream);
    ck_assert_uint_eq(last_end.client_port, 40000);
    ck_assert_uint_eq(last_end.server_port, 80);
    ck_assert_uint_eq(last_end.side[0].keepalives, 1);
    ck_assert_uint_eq(last_end.side[0].retransmissions, 0);
    tcp_table_free(t);
}
END_TEST

START_TEST(split_handshake_and_late_syn)
{
    struct tcp_table *t = table(0);
    /* a 5-way handshake (Suricata's split-handshake test): the server's
     * own SYN comes after an ACK from it and must set its base */
    seg(t, 0, S, 1000, 0, NULL);
    seg(t, 1, A, 2000, 1001, NULL);
    seg(t, 1, S, 3000, 0, NULL);
    seg(t, 0, S | A, 1000, 3001, NULL);
    seg(t, 1, A, 3001, 1001, NULL);
    seg(t, 0, A, 1001, 3001, "ping");
    seg(t, 1, A, 3001, 1005, "pong");
    tcp_table_finish(t);
    ck_assert_ptr_null(strstr(log_buf, "gap"));
    ck_assert_ptr_nonnull(strstr(log_buf, "C:pingS:pong"));
    ck_assert_int_eq(ends, 1);
    tcp_table_free(t);
    /* a SYN seen after its connection (Arkime's late-SYN test) */
    t = table(0);
    seg(t, 1, S | A, 31000, 30001, NULL);
    seg(t, 0, A, 30001, 31001, "req");
    seg(t, 0, S, 30000, 0, NULL);
    tcp_table_finish(t);
    ck_assert_int_eq(ends, 1);
    ck_assert_ptr_null(strstr(log_buf, "port-reuse"));
    tcp_table_free(t);
}
END_TEST

START_TEST(fake_rst_and_fin_before_the_handshake)
{
    /* Suricata's bug-3286 evasion: an RST and a FIN with bogus numbers
     * before the real SYN-ACK; the endpoints carry on, and so do we */
    struct tcp_table *t = table(0);
    seg(t, 0, S, 1000, 0, NULL);
    seg(t, 1, R | A, 0, 1001, NULL);
    seg(t, 1, F | A, 0, 1001, NULL);
    seg(t, 0, R, 1001, 0, NULL);
    seg(t, 1, S | A, 26175, 1001, NULL);
    seg(t, 0, A, 1001, 26176, NULL);
    seg(t, 0, A | P, 1001, 26176, "GET /");
    seg(t, 1, A | P, 26176, 1006, "200 OK");
    tcp_table_finish(t);
    ck_assert_ptr_nonnull(strstr(log_buf, "C:GET /S:200 OK"));
    ck_assert_uint_eq(last_end.side[1].stream_bytes, 6);
    tcp_table_free(t);
}
END_TEST

START_TEST(bytes_before_a_midstream_start_are_dropped)
{
    /* tcpflow's test1-part2: the capture starts mid-stream, and a segment
     * from before the first one seen arrives after it */
    struct tcp_table *t = table(0);
    seg(t, 1, A | P, 5000, 100, "later");
    seg(t, 1, A, 4990, 100, "0123456789");   /* wholly before: dropped */
    seg(t, 1, A, 4997, 100, "789later+");    /* straddles: trimmed */
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open1]S:later[retransmission1]S:+"
                              "[end-of-file0][end1]");
    ck_assert_uint_eq(last_end.side[1].stream_bytes, 6);
    tcp_table_free(t);
}
END_TEST

START_TEST(stale_ack_before_the_handshake_is_ignored)
{
    /* Suricata's base64-decode-5885: an ACK from an old connection, the
     * client's RST to it, the SYN again, and then a normal exchange */
    struct tcp_table *t = table(0);
    seg(t, 0, S, 1000, 0, NULL);
    seg(t, 1, A, 777, 900000000, NULL);
    seg(t, 0, R, 900000000, 0, NULL);
    seg(t, 0, S, 1000, 0, NULL);
    seg(t, 1, S | A, 5000, 1001, NULL);
    seg(t, 0, A, 1001, 5001, NULL);
    seg(t, 0, A | P, 1001, 5001, "hello");
    seg(t, 1, A | P, 5001, 1006, "world");
    tcp_table_finish(t);
    ck_assert_ptr_null(strstr(log_buf, "gap"));
    ck_assert_ptr_nonnull(strstr(log_buf, "[syn-retry0][open0]C:helloS:world"));
    ck_assert_uint_eq(last_end.side[0].stream_bytes, 5);
    tcp_table_free(t);
}
END_TEST

START_TEST(review_findings_lose_no_bytes)
{
    /* data past a FIN the endpoint ignored is delivered, not dropped */
    struct tcp_table *t = table(0);
    open3(t, 100, 5000);
    seg(t, 0, A | P, 101, 5001, "GET /a");
    seg(t, 0, F | A, 107, 5001, NULL);
    seg(t, 0, A | P, 107, 5001, "SECRET");
    tcp_table_finish(t);
    /* the FIN was reported when it came; the bytes after it still are */
    ck_assert_ptr_nonnull(strstr(log_buf, "C:GET /a[close0]C:SECRET"));
    ck_assert_ptr_null(strstr(log_buf, "retransmission"));
    ck_assert_uint_eq(last_end.side[0].stream_bytes, 12);
    tcp_table_free(t);
    /* an in-order segment over held bytes: the held (first) bytes win */
    t = table(0);
    open3(t, 100, 5000);
    seg(t, 0, A, 105, 5001, "EVIL");
    seg(t, 0, A, 101, 5001, "abcdGOOD");
    tcp_table_finish(t);
    ck_assert_ptr_nonnull(strstr(log_buf, "C:abcdC:EVIL"));
    ck_assert_uint_eq(last_end.side[0].conflicts, 1);
    tcp_table_free(t);
    /* a stale server segment before the SYN-ACK does not take the stream */
    t = table(0);
    seg(t, 0, S, 100, 0, NULL);
    seg(t, 1, A | P, 9999, 777777, "old response");
    seg(t, 1, S | A, 5000, 101, NULL);
    seg(t, 0, A, 101, 5001, NULL);
    seg(t, 1, A | P, 5001, 101, "new");
    tcp_table_finish(t);
    ck_assert_ptr_nonnull(strstr(log_buf, "S:new"));
    ck_assert_ptr_null(strstr(log_buf, "old response"));
    ck_assert_ptr_null(strstr(log_buf, "gap"));
    tcp_table_free(t);
    /* no SYN-ACK captured: server data acknowledging the SYN is read */
    t = table(0);
    seg(t, 0, S, 100, 0, NULL);
    seg(t, 0, A | P, 101, 5001, "req");
    seg(t, 1, A | P, 5001, 104, "resp");
    tcp_table_finish(t);
    ck_assert_ptr_nonnull(strstr(log_buf, "C:req[open1]S:resp"));
    tcp_table_free(t);
    /* server data that acknowledges the SYN, then a SYN-ACK that does not
     * fit it: both kept, offsets going on, a conflict counted */
    t = table(0);
    seg(t, 0, S, 100, 0, NULL);
    seg(t, 1, A | P, 9999, 101, "first");
    seg(t, 1, S | A, 5000, 101, NULL);
    seg(t, 1, A | P, 5001, 101, "second");
    tcp_table_finish(t);
    ck_assert_ptr_nonnull(strstr(log_buf, "S:first"));
    ck_assert_ptr_nonnull(strstr(log_buf, "S:second"));
    ck_assert_uint_eq(last_end.side[1].stream_bytes, 11);
    ck_assert_uint_eq(last_end.side[1].conflicts, 1);
    tcp_table_free(t);
}
END_TEST

START_TEST(keepalive_pair_at_capture_start_is_no_gap)
{
    struct tcp_table *t = table(0);
    seg(t, 0, A, 999, 5000, NULL);   /* keep-alive probe: next - 1 */
    seg(t, 1, A, 5000, 1000, NULL);  /* its ACK names the real next byte */
    seg(t, 0, A, 1000, 5000, "data");
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]C:data[end-of-file0][end1]");
    tcp_table_free(t);
    /* an empty first segment, then an ACK far ahead: bytes are missing,
     * which the end of the stream makes sure of */
    t = table(0);
    seg(t, 0, A, 999, 5000, NULL);
    seg(t, 1, A, 5000, 1100, NULL);
    tcp_table_finish(t);
    ck_assert_str_eq(log_buf, "[open0]<gap0@0+101>[end-of-file0][end1]");
    tcp_table_free(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tcp");
    TCase *t = tcase_create("reassembly");
    tcase_add_test(t, every_order_of_three_segments);
    tcase_add_test(t, duplicates_and_overlaps);
    tcase_add_test(t, sequence_numbers_wrap);
    tcase_add_test(t, acked_hole_becomes_a_gap_at_once);
    tcase_add_test(t, ack_before_its_data_is_not_a_gap);
    tcase_add_test(t, holes_at_the_end_are_gaps_before_the_held_bytes);
    tcase_add_test(t, budget_forces_a_gap);
    tcase_add_test(t, table_limit_evicts_the_least_recently_active);
    tcase_add_test(t, reset_syn_retry_and_rtt);
    tcase_add_test(t, port_reuse_starts_a_new_connection);
    tcase_add_test(t, midstream_roles_and_keepalives);
    tcase_add_test(t, split_handshake_and_late_syn);
    tcase_add_test(t, keepalive_pair_at_capture_start_is_no_gap);
    tcase_add_test(t, review_findings_lose_no_bytes);
    tcase_add_test(t, stale_ack_before_the_handshake_is_ignored);
    tcase_add_test(t, bytes_before_a_midstream_start_are_dropped);
    tcase_add_test(t, fake_rst_and_fin_before_the_handshake);
    suite_add_tcase(s, t);
    return s;
}

SIFT_CHECK_MAIN(suite)
