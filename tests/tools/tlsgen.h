/* SPDX-License-Identifier: MIT */
/*
 * tlsgen: deterministic generator of TLS test captures (see tlsgen.c).
 *
 * Declarations shared by the parts of the generator:
 *   tlsgen_util.c  growable buffers, error exit, SHA-256 helpers
 *   tlsgen_net.c   the synthetic TCP connection and the classic pcap writer
 *   tlsgen_http.c  HTTP/1.1 transactions: building, parsing, checking
 *   tlsgen_tls.c   deterministic randomness and clock, certificates, SSL_CTX
 *   tlsgen_conn.c  driving one connection, capture loss, checks
 *   tlsgen_h2.c    big --h2: the same transactions as HTTP/2 (libnghttp2's
 *                  HPACK deflater), and the check of what each side read
 *   tlsgen.c       the traffic plans, the scenarios and main()
 */
#ifndef TLSGEN_H
#define TLSGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/ssl.h>

/* ---- tlsgen_util.c ---------------------------------------------------- */

/* A growable byte buffer; zero-initialised means empty. */
struct buf {
    unsigned char *p;
    size_t len, cap;
};

#if defined(__GNUC__)
#define TG_NORETURN __attribute__((noreturn))
#define TG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TG_NORETURN
#define TG_PRINTF(a, b)
#endif

void die(const char *fmt, ...) TG_NORETURN TG_PRINTF(1, 2);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
/* Grows *arr (of elements of size sz) so that it holds at least n. */
void xgrow(void **arr, size_t *cap, size_t n, size_t sz);
void buf_put(struct buf *b, const void *d, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) TG_PRINTF(2, 3);
void buf_free(struct buf *b);
/* Writes a whole buffer to a file (replacing it). */
void write_file(const char *path, const void *d, size_t n);
/* SHA-256 of d[0..n) as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *d, size_t n, char out[65]);
void sha256_raw(const void *d, size_t n, unsigned char out[32]);
/* Incremental SHA-256 (EVP); used by the capture read-back check. */
struct sha_ctx;
struct sha_ctx *sha_new(void);
void sha_add(struct sha_ctx *c, const void *d, size_t n);
void sha_end(struct sha_ctx *c, unsigned char out[32]);
/* Deterministic 64-bit generator (splitmix64) for bodies and ISNs. */
uint64_t mix64(uint64_t *state);
uint64_t seed_of(const char *label, unsigned n);

/* ---- tlsgen_net.c ----------------------------------------------------- */

enum { CLI = 0, SRV = 1 }; /* a side; also the direction it sends in */

/* Start of every capture: 2026-01-01T00:00:00Z. */
#define TG_EPOCH 1767225600ULL

/* One pcap file being written, with its clock (+1 ms per packet). */
struct net {
    FILE *f;
    char path[4096];
    uint64_t clock_us; /* time of the next packet, microseconds since 1970 */
    unsigned long npkts;
};

/* How one side cuts its byte stream into TCP segments. */
struct segpolicy {
    size_t fixed;       /* every segment this size (0: use list) */
    const size_t *list; /* else cycle through these sizes */
    size_t nlist, pos;
};

struct seginfo {  /* one data segment of a direction */
    uint64_t off; /* stream offset of its first payload byte */
    size_t len;
    size_t pkt; /* index in tcpconn.pk */
};

struct recinfo {  /* one TLS record seen in a direction's bytes */
    uint64_t off; /* stream offset of its 5-byte header */
    size_t len;   /* header + fragment */
    unsigned type;
};

struct pkt { /* one queued frame */
    uint64_t ts_us;
    size_t off, len; /* into tcpconn.frames */
    int dropped;     /* left out of the pcap (the peer still got it) */
};

struct tcpdir { /* one direction of a connection */
    uint32_t isn;
    uint64_t sent; /* payload bytes sent so far */
    int fin;
    uint16_t ipid;
    struct segpolicy seg;
    struct buf wire; /* every payload byte, in order */
    struct seginfo *segs;
    size_t nsegs, capsegs;
    struct recinfo *recs;
    size_t nrecs, caprecs;
};

struct tcpconn {
    struct net *net;
    int index; /* 1-based connection number */
    uint8_t mac[2][6];
    uint8_t ip[2][4];
    uint16_t port[2];
    struct tcpdir d[2]; /* d[CLI]: client->server, d[SRV]: server->client */
    size_t owed[2];     /* bytes side X received and has not ACKed yet */
    struct buf frames;
    struct pkt *pk;
    size_t npk, cappk;
    uint64_t fin_off[2];
};

int net_open(struct net *n, const char *path);
void net_close(struct net *n);

void tcp_init(struct tcpconn *t, struct net *n, int index);
void tcp_set_seg(struct tcpconn *t, int side, const struct segpolicy *p);
void tcp_handshake(struct tcpconn *t);
/* Sends one flight of side's bytes, cut by its segment policy. */
void tcp_send(struct tcpconn *t, int side, const unsigned char *d, size_t n);
/* A pure ACK from side if it owes one. */
void tcp_ack(struct tcpconn *t, int side);
void tcp_fin(struct tcpconn *t, int side);
/* Finds the TLS records in a direction's bytes (tcpdir.recs). */
void tcp_parse_records(struct tcpdir *d);
/* Marks data segment i of direction dir as left out of the capture. */
void tcp_drop(struct tcpconn *t, int dir, size_t i);
int tcp_seg_dropped(const struct tcpconn *t, int dir, size_t i);
/* Whether any dropped segment of dir overlaps [a, b). */
int tcp_range_dropped(const struct tcpconn *t, int dir, uint64_t a, uint64_t b);
/* Writes the queued frames (minus dropped ones) to the pcap. */
void tcp_flush(struct tcpconn *t);
/* What the read-back check needs to know of a written connection. */
struct connsum {
    uint16_t cport;
    uint32_t isn[2];
    uint64_t len[2];          /* bytes sent */
    uint64_t seen[2];         /* bytes in the capture */
    unsigned char sha[2][32]; /* SHA-256 of the bytes in the capture */
};
void tcp_summary(const struct tcpconn *t, struct connsum *s);
void tcp_free(struct tcpconn *t);
/* Re-reads a written pcap: checksums, lengths, timestamps, and every
 * direction's captured bytes against the summaries. Returns 0 if good. */
int pcap_check(const char *path, const struct connsum *s, size_t n, int quiet);

/* ---- tlsgen_http.c ---------------------------------------------------- */

/* One planned HTTP/1.1 transaction, with the bytes of both messages. */
struct tx {
    char method[8];
    char target[96];
    int status;
    struct buf reqbody, respbody;
    struct buf req;  /* the request on the wire */
    struct buf resp; /* the response on the wire */
    size_t wr[64];   /* response: end offsets of the server's writes */
    size_t nwr;
    int conn;                /* 1-based connection it ran on */
    uint64_t rq[2], rs[2];   /* wire offsets: request c->s, response s->c */
    char note[64];           /* the 7th .expected column, empty if none */
    char qsha[65], rsha[65]; /* SHA-256 of the bodies, "-" if empty */
};

enum body_kind { BODY_TEXT, BODY_BIN, BODY_JSON };
/* GET target -> 200 with a body of n bytes (chunked if chunk > 0). */
struct tx *tx_get(const char *target, size_t n, enum body_kind k, size_t chunk,
                  uint64_t seed);
/* POST target with a body of qn bytes -> status with n bytes back. */
struct tx *tx_post(const char *target, size_t qn, int status, size_t n,
                   size_t chunk, uint64_t seed);
void tx_free(struct tx *t);
/* Frees t's byte buffers, keeping what its .expected row needs. */
void tx_release(struct tx *t);
/* Checks that a received request stream / response stream parses into
 * exactly the planned transactions; dies with a message if not. */
void http_check_requests(const unsigned char *d, size_t n, struct tx **tx,
                         size_t ntx, const char *who);
void http_check_responses(const unsigned char *d, size_t n, struct tx **tx,
                          size_t ntx, const char *who);
/* Appends the .expected row of t. */
void tx_expected_row(const struct tx *t, struct buf *out);

/* ---- tlsgen_tls.c ----------------------------------------------------- */

/* Reseeds the deterministic RAND stream from a label. */
void rand_reseed(const char *label);
void rand_install(void);
/* The clock OpenSSL sees through time(): follows this capture's clock. */
void clock_follow(const struct net *n);
void clock_check(void);

enum { CERT_RSA = 1, CERT_EC = 2 };

struct tlsopt {
    int minv, maxv;                    /* protocol versions, 0 = default */
    const char *suites_c, *suites_s;   /* TLS 1.3 ciphersuites */
    const char *ciphers_c, *ciphers_s; /* TLS <= 1.2 cipher lists */
    const char *groups_c, *groups_s;
    uint64_t opt_c, opt_s; /* extra SSL_OP_* */
    int seclevel;          /* -1 = default */
    int certs;             /* CERT_RSA | CERT_EC on the server */
    unsigned max_frag;     /* max_send_fragment on both, 0 = 16384 */
    int mfl;               /* client's max_fragment_length, 0 none */
    size_t block_pad;      /* TLS 1.3 record padding block, 0 none */
    int num_tickets;       /* TLS 1.3 tickets per handshake, -1 def */
    unsigned max_early;    /* server's max_early_data */
};
void tlsopt_default(struct tlsopt *o);

/* A key log line and the connection it came from. */
struct keyline {
    int conn;
    char *text;
};
struct keylog {
    struct keyline *l;
    size_t n, cap;
};

struct tlsctx {
    SSL_CTX *c, *s;
    struct keylog *log;
    SSL_SESSION *sess[8]; /* sessions the client got, in order */
    size_t nsess;
};
void tls_certs_init(void);
void tlsctx_new(struct tlsctx *x, const struct tlsopt *o, struct keylog *log);
void tlsctx_free(struct tlsctx *x);
/* Key-log lines are stamped with this connection number. */
void keylog_set_conn(int conn);
/* Writes the lines of one connection (0: all), leaving out one label (a
 * label starting with '_' means every label ending so). */
void keylog_write(const struct keylog *k, const char *path, int only_conn,
                  const char *skip_label);
int keylog_has(const struct keylog *k, const char *label);
void keylog_free(struct keylog *k);
/* Prints OpenSSL's error queue and exits. */
void die_ssl(const char *what) TG_NORETURN;

/* ---- tlsgen_conn.c (types shared with tlsgen.c) ---------------------- */

enum plan { PLAN_DEFAULT, PLAN_SMALL, PLAN_GAP, PLAN_BULK };
enum gap { GAP_NONE, GAP_IN_RECORD, GAP_OVER_HEADER, GAP_MANY };
enum segkind { SEG_MSS = 0, SEG_MIXED = -1, SEG_TSO = -2 };

struct run;
struct scen {
    const char *name, *desc;
    void (*run)(struct run *r);
    int ver;           /* 13, 12, 11 or 10 */
    const char *suite; /* TLS 1.3 suite or TLS <= 1.2 cipher list */
    uint64_t opt;      /* extra SSL_OP_* on both sides */
    int seg;           /* enum segkind or a fixed segment size */
    enum plan plan;
    enum gap gap;
    unsigned flags;
};

/* One generator run (one scenario). */
struct run {
    const struct scen *sc;
    const char *outdir;
    struct net net, clear; /* the capture; big's cleartext twin */
    struct net h2net;      /* big --h2: the same transactions over HTTP/2 */
    struct tlsctx ctx;
    struct keylog log;
    struct keylog h2log; /* the key log of big-h2.pcap */
    struct tx **tx; /* every transaction, in order */
    size_t ntx, captx;
    struct buf gaps; /* the .gaps file */
    struct connsum *sum, *sumc, *sumh;
    size_t nsum, capsum, nsumc, capsumc, nsumh, capsumh;
    /* command-line overrides */
    size_t seg_override;
    size_t drops[32];
    size_t ndrops;
    int conns;
    size_t body;
    int mix; /* big: suites and sizes vary by connection (--mix) */
    int h2;  /* big: also big-h2.pcap and big-h2.keys (--h2) */
};

/* One side of a connection: an SSL object, or plain TCP (big-clear). */
struct side {
    SSL *ssl;
    BIO *rb, *wb;   /* network bytes in / out */
    struct buf out; /* plain: written, not sent yet */
    struct buf got; /* application bytes read so far */
    int eof;        /* close_notify seen */
};

struct conn {
    struct run *r;
    struct net *net;
    struct tcpconn tcp;
    struct side sd[2];
    int plain;
    int coalesce; /* one flush per response, not per write */
    int h2;       /* HTTP/2: checked by tlsgen_h2.c, not as HTTP/1.1 */
    struct tx *tx[64];
    size_t ntx;
    size_t want[2]; /* bytes each side should have read so far */
};

/* Opens connection number index (TCP handshake; SSL objects unless plain). */
void conn_open(struct conn *c, struct run *r, struct net *n, int plain,
               int index);
/* Sends what side has written as one flight, or a pure ACK if nothing. */
void conn_flush(struct conn *c, int side);
void side_write(struct conn *c, int side, const void *d, size_t n);
/* Reads what side can read now: 1 at close_notify, 0 otherwise; -1 on a
 * TLS error if fail_ok (else exits). */
int side_pull_ex(struct conn *c, int side, int fail_ok);
void side_pull(struct conn *c, int side);
/* Reads, and checks side has read exactly what was planned for it. */
void expect_read(struct conn *c, int side);
/* One SSL_do_handshake of a side: 1 done, 0 wants more, -1 failed. */
int hs_step(struct conn *c, int side);
/* The whole handshake; -1 if it failed (and fail_ok), the alert sent. */
int conn_handshake_ex(struct conn *c, int fail_ok);
void conn_handshake(struct conn *c);
/* Registers t as the connection's next transaction. */
void conn_add_tx(struct conn *c, struct tx *t);
void send_request(struct conn *c, struct tx *t);
void send_response(struct conn *c, struct tx *t);
/* conn_add_tx, request, response, the client's ACK. */
void conn_tx(struct conn *c, struct tx *t);
/* close_notify both ways, then FIN both ways. */
void conn_close(struct conn *c);
/* After a failed handshake: FIN from the server, then the client. */
void conn_abort(struct conn *c);
/* Checks the traffic, applies capture loss, writes the frames, frees. */
void conn_end(struct conn *c);

/* ---- tlsgen_h2.c ------------------------------------------------------ */

/* ALPN "h2" on the client of an open connection (before its handshake). */
void h2_offer(struct conn *c);
/* The server's ALPN callback: selects "h2" when the client offers it. */
void h2_select_on(SSL_CTX *server);
/* After the handshake: checks "h2" was selected, then runs the n
 * transactions as HTTP/2 streams 1, 3, 5..., a few at a time with their
 * DATA frames interleaved, and checks what both sides read. */
void h2_exchange(struct conn *c, struct tx **t, size_t n);

#endif
