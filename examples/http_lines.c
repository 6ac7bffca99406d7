/* SPDX-License-Identifier: MIT */
/* A short program on pcapsift's library: one line per HTTP transaction of
 * a capture file (method, URL, status, decoded body size) and one per
 * WebSocket message, through the analyzer's callbacks.
 *
 *   usage: http_lines CAPTURE            (pcap or pcap-ng, gzip or not)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pcapsift/analyzer.h"
#include "pcapsift/reader.h"
#include "pcapsift/source.h"

/* Called when a transaction is complete; t is valid during the call. */
static void on_transaction(void *ctx, const struct sift_http_transaction *t)
{
    (void)ctx;
    const struct sift_http_message *req = &t->request, *resp = &t->response;
    printf("%" PRIu64 " %.*s %.*s -> ", t->id,
           req->present ? (int)req->method_len : 1,
           req->present ? req->method : "-",
           req->present ? (int)req->target_len : 1,
           req->present ? req->target : "-");
    if (resp->present)
        printf("%d (%" PRIu64 " bytes)\n", resp->status, resp->decoded_bytes);
    else
        printf("no response\n");
}

static void on_ws_message(void *ctx, const struct sift_ws_message *m)
{
    (void)ctx;
    printf("  websocket %s opcode %d, %" PRIu64 " bytes\n",
           m->dir == SIFT_TCP_FROM_CLIENT ? "client" : "server", m->opcode,
           m->length);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
        return 2;
    }
    struct sift_error err;
    sift_error_clear(&err);
    struct sift_source *src = NULL;
    struct sift_reader *rd = NULL;
    struct sift_analyzer *an = NULL;
    struct sift_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_http_transaction = on_transaction;
    cb.on_ws_message = on_ws_message;
    struct sift_analyzer_options opt;
    memset(&opt, 0, sizeof opt);
    opt.http.decode = true; /* decoded sizes of gzip/deflate bodies */
    if (sift_source_open_path(argv[1], NULL, &src, &err) != SIFT_OK ||
        sift_reader_open(src, NULL, &rd, &err) != SIFT_OK ||
        sift_analyzer_new(&cb, &opt, &an, &err) != SIFT_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        sift_reader_close(rd);
        sift_source_close(src);
        return 1;
    }
    struct sift_record rec;
    int rc;
    while ((rc = sift_reader_next(rd, &rec, &err)) == SIFT_OK)
        sift_analyzer_feed(an, &rec);
    sift_analyzer_finish(an); /* connections still open end here */
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
    sift_analyzer_free(an);
    sift_reader_close(rd);
    sift_source_close(src);
    return rc < 0 ? 1 : 0;
}
