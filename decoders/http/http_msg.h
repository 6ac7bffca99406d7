/* SPDX-License-Identifier: MIT */
/* One message being read and what its head says about its body: the
 * message body length rules of RFC 9112 §6.3, in order. */
#ifndef SIFT_HTTP_MSG_H
#define SIFT_HTTP_MSG_H

#include "http_body.h"
#include "http_head.h"
#include "http_stream.h"
#include "pcapsift/http.h"

struct http_msg {
    struct sift_http_message pub;
    struct http_head head, trailer;
    struct http_body body;
    bool started, done;
};

/* Fills msg from a parsed head (taking ownership of it). */
void http_msg_start(struct http_msg *m, struct http_head *h,
                    uint64_t head_bytes, uint32_t stream_flags,
                    int64_t first_ns, const struct http_body_limits *lim);

/* The body framing of a request (§6.3 rules 3-7 for requests). */
void http_msg_request_framing(struct http_msg *req, struct http_framing *fr);

/* The framing of a response to `req` (NULL when the request is not in the
 * capture): HEAD, 1xx, 204, 304, CONNECT 2xx, Transfer-Encoding,
 * Content-Length, else until close. */
void http_msg_response_framing(struct http_msg *resp,
                               const struct http_msg *req,
                               struct http_framing *fr);

/* Does this request ask to switch protocols (CONNECT, or Upgrade with
 * Connection: upgrade)? */
bool http_msg_is_connect(const struct http_msg *req);
bool http_msg_wants_upgrade(const struct http_msg *req);
bool http_msg_upgrades_to_websocket(const struct http_msg *req,
                                    const struct http_msg *resp);
bool http_msg_upgrades_to_h2c(const struct http_msg *req,
                              const struct http_msg *resp);

/* The message ended: sizes, body and times go into pub. */
void http_msg_finish(struct http_msg *m, uint32_t flags, uint64_t wire,
                     int64_t last_ns);
void http_msg_free(struct http_msg *m);

/* A header's value, all lines named so joined by ", " into buf (capped);
 * returns the length, 0 when absent. */
size_t http_msg_joined(const struct http_msg *m, const char *name, char *buf,
                       size_t cap);

#endif
