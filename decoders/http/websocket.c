/* SPDX-License-Identifier: MIT */
/* WebSocket frames and messages (RFC 6455 §5.2-§5.6, close codes §7.4)
 * with permessage-deflate (RFC 7692 §7.2.2), read as a stream: a frame
 * header is gathered in a 14-byte buffer, payloads are unmasked as they
 * pass, and compressed messages are inflated as they pass, so the bytes of
 * a message are never held twice. */
#include "websocket.h"

#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "pcapsift/cursor.h"

/* RFC 6455 §5.5: a control frame carries at most 125 payload bytes. */
#define CONTROL_MAX 125
/* §5.2: 2 bytes, 8 of extended length at most, 4 of masking key. */
#define HEADER_MAX 14
/* Payload bytes are unmasked through a stack buffer of this size. */
#define CHUNK 4096
/* The kept payload grows by doubling from this size up to max_payload... */
#define BUF_MIN 256
/* ...and a buffer grown past 64 KiB is freed after its message, so an idle
 * connection does not keep its largest message's memory. */
#define BUF_KEEP (64u * 1024)
/* RFC 7692 §7.1.2: windows of 2^8..2^15 bytes; we inflate with the largest
 * (see inflater_begin). */
#define WINDOW_BITS 15
#define WINDOW_SIZE (1u << WINDOW_BITS)
/* first_gap when the frame has none */
#define NO_GAP UINT64_MAX

enum ws_state { ST_HEADER, ST_PAYLOAD, ST_LOST, ST_ENDED };

/* permessage-deflate for one direction */
struct inflater {
    z_stream z;
    bool ready;    /* inflateInit2 done */
    bool stale;    /* the window no longer matches the sender's (a message
                      stopped inflating early): the next one starts empty */
    bool stopped;  /* this message: no more inflating (cut, gap, failure) */
    bool finished; /* this message: a final block (BFINAL) ended it */
};

struct ws_stream {
    const struct sift_tcp_conn *conn;
    uint64_t transaction_id;
    enum sift_tcp_dir dir;
    ws_message_fn fn;
    void *ctx;
    size_t max_payload;
    bool deflate;     /* permessage-deflate negotiated */
    bool no_takeover; /* ... without context takeover in this direction */
    enum ws_state state;
    uint64_t offset; /* input offset of the next byte (cursor origin) */
    uint64_t skipped;
    /* the frame being read */
    uint8_t hdr[HEADER_MAX];
    size_t hdr_have, hdr_need;
    uint8_t opcode;
    bool fin, rsv1, masked, control, frame_error;
    uint8_t mask[4];
    uint64_t frame_len, frame_done;
    uint64_t first_gap; /* payload offset of its first gap, or NO_GAP */
    int64_t frame_ts;
    /* the control frame being read (kept whole: it holds the close code) */
    uint8_t ctl[CONTROL_MAX];
    size_t ctl_len;
    bool ctl_over; /* bytes past CONTROL_MAX were dropped */
    /* the data message being read */
    bool msg_active, msg_compressed, msg_error, msg_gap, msg_cut;
    uint8_t msg_opcode;
    uint64_t msg_wire; /* payload bytes on the wire, gap bytes included */
    uint64_t inflated; /* bytes inflated (at most max_payload) */
    int64_t msg_ts;
    uint8_t *buf; /* kept payload */
    size_t buf_len, buf_cap;
    struct inflater inf;
};

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- Sec-WebSocket-Extensions (RFC 6455 §9.1, RFC 7692 §7.1) ---- */

static bool next_is(const struct sift_cursor *c, uint8_t want)
{
    uint8_t ch;
    return sift_cursor_peek_u8(c, 0, &ch) && ch == want;
}

static void skip_ows(struct sift_cursor *c)
{
    while (next_is(c, ' ') || next_is(c, '\t'))
        sift_cursor_skip(c, 1);
}

/* RFC 9110 §5.6.2 tchar */
static bool is_tchar(uint8_t ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
        (ch >= 'A' && ch <= 'Z'))
        return true;
    return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* A token as a view into the value; its length (0 when there is none). */
static size_t read_token(struct sift_cursor *c, const uint8_t **tok)
{
    size_t n = 0;
    uint8_t ch;
    while (sift_cursor_peek_u8(c, n, &ch) && is_tchar(ch))
        n++;
    *tok = sift_cursor_bytes(c, n);
    return n;
}

static bool same_name(const uint8_t *p, size_t n, const char *name)
{
    if (n != strlen(name))
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = p[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (uint8_t)(ch - 'A' + 'a');
        if (ch != (uint8_t)name[i])
            return false;
    }
    return true;
}

/* A parameter value; only short ones matter (window sizes). */
struct param_value {
    bool present;
    uint8_t text[4];
    size_t len; /* may exceed sizeof text: then the text is not all kept */
};

static void value_add(struct param_value *v, uint8_t ch)
{
    if (v->len < sizeof v->text)
        v->text[v->len] = ch;
    v->len++;
}

/* token / quoted-string (RFC 9110 §5.6.4), unescaped. */
static bool read_value(struct sift_cursor *c, struct param_value *v)
{
    v->present = true;
    if (!next_is(c, '"')) {
        const uint8_t *tok;
        size_t n = read_token(c, &tok);
        for (size_t i = 0; i < n; i++)
            value_add(v, tok[i]);
        return n > 0;
    }
    sift_cursor_skip(c, 1);
    for (;;) {
        uint8_t ch = sift_cursor_u8(c);
        if (ch == '"' && sift_cursor_ok(c))
            return true;
        if (ch == '\\')
            ch = sift_cursor_u8(c); /* quoted-pair */
        else if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            return false;
        if (!sift_cursor_ok(c))
            return false;
        value_add(v, ch);
    }
}

/* RFC 7692 §7.1.2: "8".."15", decimal, no leading zero; -1 otherwise. */
static int window_bits(const struct param_value *v)
{
    if (v->len == 1 && v->text[0] >= '8' && v->text[0] <= '9')
        return v->text[0] - '0';
    if (v->len == 2 && v->text[0] == '1' && v->text[1] >= '0' &&
        v->text[1] <= '5')
        return 10 + (v->text[1] - '0');
    return -1;
}

static const char *const deflate_param_names[4] = {
    "server_no_context_takeover", "client_no_context_takeover",
    "server_max_window_bits", "client_max_window_bits"};

/* One permessage-deflate parameter; false when a client must fail. */
static bool apply_param(struct ws_deflate_params *p, const uint8_t *name,
                        size_t n, const struct param_value *v, unsigned *seen)
{
    int which = -1;
    for (int i = 0; i < 4; i++)
        if (same_name(name, n, deflate_param_names[i]))
            which = i;
    if (which < 0 || (*seen & (1u << which)) != 0)
        return false; /* unknown or repeated */
    *seen |= 1u << which;
    if (which < 2) { /* no_context_takeover: no value */
        if (v->present)
            return false;
        if (which == 0)
            p->server_no_context_takeover = true;
        else
            p->client_no_context_takeover = true;
        return true;
    }
    int bits = v->present ? window_bits(v) : (which == 3 ? 15 : -1);
    if (bits < 0)
        return false;
    if (which == 2)
        p->server_max_window_bits = bits;
    else
        p->client_max_window_bits = bits;
    return true;
}

/* *( OWS ";" OWS token [ OWS "=" OWS value ] ); p NULL: only checked. */
static bool read_params(struct sift_cursor *c, struct ws_deflate_params *p)
{
    unsigned seen = 0;
    for (;;) {
        skip_ows(c);
        if (!next_is(c, ';'))
            return true;
        sift_cursor_skip(c, 1);
        skip_ows(c);
        const uint8_t *name;
        size_t n = read_token(c, &name);
        if (n == 0)
            return false;
        skip_ows(c);
        struct param_value v = {false, {0}, 0};
        if (next_is(c, '=')) {
            sift_cursor_skip(c, 1);
            skip_ows(c);
            if (!read_value(c, &v))
                return false;
        }
        if (p != NULL && !apply_param(p, name, n, &v, &seen))
            return false;
    }
}

bool ws_parse_extensions(const char *value, size_t len,
                         struct ws_deflate_params *out)
{
    const struct ws_deflate_params none = {false, false, false, 15, 15};
    struct ws_deflate_params got = none;
    bool found = false;
    *out = none;
    struct sift_cursor c = sift_cursor_make((const uint8_t *)value, len, 0);
    for (;;) {
        skip_ows(&c);
        if (sift_cursor_left(&c) == 0)
            break;
        if (next_is(&c, ',')) { /* empty list elements are allowed */
            sift_cursor_skip(&c, 1);
            continue;
        }
        const uint8_t *name;
        size_t n = read_token(&c, &name);
        bool pmd = same_name(name, n, "permessage-deflate");
        if (n == 0 || (pmd && found)) /* accepted once at most */
            return false;
        if (!read_params(&c, pmd ? &got : NULL))
            return false;
        found |= pmd;
        skip_ows(&c);
        if (sift_cursor_left(&c) > 0 && !next_is(&c, ','))
            return false;
    }
    if (!found)
        return false;
    got.enabled = true;
    *out = got;
    return true;
}

/* ---- delivery ---- */

static struct sift_ws_message blank(const struct ws_stream *s, int opcode,
                                    int64_t ts)
{
    struct sift_ws_message m;
    memset(&m, 0, sizeof m);
    m.conn = s->conn;
    m.transaction_id = s->transaction_id;
    m.dir = s->dir;
    m.ts_ns = ts;
    m.opcode = opcode;
    m.close_code = -1;
    return m;
}

static void emit(struct ws_stream *s, const struct sift_ws_message *m)
{
    if (s->fn != NULL)
        s->fn(s->ctx, m);
}

/* RFC 6455 §7.4: codes no endpoint sends (0-999 unused; 1004 reserved;
 * 1005, 1006 and 1015 only for APIs); 5000 and up do not exist. 1016-2999
 * are left alone: IANA registers new ones there (1012-1014 came later). */
static bool close_code_ok(int code)
{
    return code >= 1000 && code < 5000 && code != 1004 && code != 1005 &&
           code != 1006 && code != 1015;
}

/* The control frame just read; unfinished: the connection ended in it. */
static void deliver_control(struct ws_stream *s, bool unfinished)
{
    struct sift_ws_message m = blank(s, s->opcode, s->frame_ts);
    m.length = s->frame_done;
    m.payload = s->ctl;
    m.payload_len = s->ctl_len < s->max_payload ? s->ctl_len : s->max_payload;
    m.cut = s->ctl_over || m.payload_len < s->ctl_len;
    m.gap = s->first_gap != NO_GAP;
    m.error = s->frame_error || unfinished;
    if (s->opcode == SIFT_WS_CLOSE && s->frame_done == 1)
        m.error = true; /* §5.5.1: a body starts with a 2-byte code */
    if (s->opcode == SIFT_WS_CLOSE && s->frame_done >= 2 && s->ctl_len >= 2 &&
        s->first_gap >= 2) {
        struct sift_cursor c = sift_cursor_make(s->ctl, s->ctl_len, 0);
        m.close_code = sift_cursor_be16(&c);
        if (!close_code_ok(m.close_code))
            m.error = true;
    }
    emit(s, &m);
}

/* ---- kept payload ---- */

/* Room for need bytes (need <= max_payload); false when out of memory. */
static bool reserve(struct ws_stream *s, size_t need)
{
    if (need <= s->buf_cap)
        return true;
    size_t cap = s->buf_cap < BUF_MIN ? BUF_MIN : s->buf_cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > s->max_payload)
        cap = s->max_payload;
    uint8_t *p = realloc(s->buf, cap);
    if (p == NULL)
        return false;
    s->buf = p;
    s->buf_cap = cap;
    return true;
}

static void keep(struct ws_stream *s, const uint8_t *p, size_t n)
{
    size_t room = s->max_payload - s->buf_len;
    size_t k = n < room ? n : room;
    if (k < n)
        s->msg_cut = true;
    if (k == 0)
        return;
    if (!reserve(s, s->buf_len + k)) {
        s->msg_cut = true;
        return;
    }
    memcpy(s->buf + s->buf_len, p, k);
    s->buf_len += k;
}

static void release(struct ws_stream *s)
{
    free(s->buf);
    s->buf = NULL;
    s->buf_len = s->buf_cap = 0;
    if (s->inf.ready)
        inflateEnd(&s->inf.z);
    s->inf.ready = false;
}

/* ---- permessage-deflate (RFC 7692 §7.2.2) ---- */

/* This message inflates no further. With context takeover the next
 * message then starts with an empty window: zlib rejects ("invalid
 * distance too far back") any reference into history it does not have,
 * so a later message is either inflated right or flagged, never wrong. */
static void stop_inflating(struct ws_stream *s)
{
    s->inf.stopped = true;
    if (!s->no_takeover)
        s->inf.stale = true;
}

/* Called at the first frame of a compressed message. The window is always
 * 2^15 bytes whatever max_window_bits said: every distance a sender with a
 * window of 2^8..2^15 bytes can write fits in it, so it inflates them all
 * (and a peer that overstepped its negotiated window still decodes, as an
 * analyzer wants); a smaller window would only save memory. Without
 * context takeover each message starts with an empty window. */
static void inflater_begin(struct ws_stream *s)
{
    struct inflater *f = &s->inf;
    f->stopped = f->finished = false;
    s->inflated = 0;
    if (!f->ready) {
        memset(&f->z, 0, sizeof f->z);
        if (inflateInit2(&f->z, -WINDOW_BITS) != Z_OK) {
            s->msg_error = true;
            f->stopped = true;
            return;
        }
        f->ready = true;
        f->stale = false;
    } else if (s->no_takeover || f->stale) {
        inflateReset(&f->z);
        f->stale = false;
    }
}

/* Output space: the rest of the kept buffer, grown up to max_payload; 0
 * when there is none (the cap is reached, or memory ran out). */
static size_t output_room(struct ws_stream *s)
{
    if (s->buf_len >= s->max_payload || !reserve(s, s->buf_len + 1))
        return 0;
    size_t room = s->buf_cap - s->buf_len;
    return room > (1u << 30) ? (1u << 30) : room; /* uInt-sized */
}

/* Inflates n bytes. Past the cap a 1-byte probe tells whether the message
 * has more output: if so it is cut and inflating stops there. */
static void inflate_bytes(struct ws_stream *s, const uint8_t *in, size_t n)
{
    struct inflater *f = &s->inf;
    z_stream *z = &f->z;
    z->next_in = in;
    z->avail_in = (uInt)n; /* n <= CHUNK */
    while (!f->stopped && !f->finished) {
        uint8_t probe;
        size_t room = output_room(s);
        z->next_out = room > 0 ? s->buf + s->buf_len : &probe;
        z->avail_out = room > 0 ? (uInt)room : 1;
        uInt in0 = z->avail_in, out0 = z->avail_out;
        int rc = inflate(z, Z_SYNC_FLUSH);
        size_t made = out0 - z->avail_out;
        if (room == 0 && made > 0) {
            s->msg_cut = true;
            stop_inflating(s);
            break;
        }
        s->buf_len += made;
        s->inflated += made;
        if (rc == Z_STREAM_END) {
            f->finished = true; /* what follows is ignored (§7.2.3.4) */
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            s->msg_error = true;
            stop_inflating(s);
            break;
        }
        if ((z->avail_out > 0 && z->avail_in == 0) ||
            (made == 0 && in0 == z->avail_in))
            break; /* all taken and nothing pending, or no progress */
    }
    z->next_in = NULL;
    z->avail_in = 0;
}

/* §7.2.2: the message ends with the 4 octets the sender removed. They
 * complete an empty stored block, so in a whole message they make no
 * output and leave the inflater between blocks (zlib's data_type 128).
 * Otherwise the message ended inside a block, the 4 octets were read as
 * data, and what they made is dropped. A message with no payload at all
 * is taken as empty. */
static void inflate_finish(struct ws_stream *s)
{
    static const uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};
    struct inflater *f = &s->inf;
    if (!f->ready || f->stopped || f->finished || s->msg_wire == 0)
        return;
    size_t len0 = s->buf_len;
    uint64_t inflated0 = s->inflated;
    bool cut0 = s->msg_cut;
    inflate_bytes(s, tail, sizeof tail);
    if (f->stopped || s->inflated != inflated0 || s->msg_cut != cut0 ||
        (!f->finished && (f->z.data_type & 128) == 0)) {
        s->buf_len = len0;
        s->inflated = inflated0;
        s->msg_cut = cut0;
        s->msg_error = true; /* a block cut short */
        if (!f->stopped)
            stop_inflating(s);
    }
}

/* After a final block the inflater is done; with context takeover the
 * next message still refers to this window, so it is carried over. */
static void carry_window(struct ws_stream *s)
{
    z_stream *z = &s->inf.z;
    uint8_t *dict = malloc(WINDOW_SIZE);
    uInt n = 0;
    bool ok = dict != NULL && inflateGetDictionary(z, dict, &n) == Z_OK &&
              inflateReset(z) == Z_OK;
    if (ok && n > 0)
        ok = inflateSetDictionary(z, dict, n) == Z_OK;
    if (!ok)
        s->inf.stale = true;
    free(dict);
}

/* ---- data messages ---- */

static void msg_start(struct ws_stream *s, uint8_t opcode, bool compressed)
{
    s->msg_active = true;
    s->msg_opcode = opcode;
    s->msg_compressed = compressed;
    s->msg_error = s->msg_gap = s->msg_cut = false;
    s->msg_wire = s->inflated = 0;
    s->buf_len = 0;
    if (compressed)
        inflater_begin(s);
}

static void msg_reset(struct ws_stream *s)
{
    s->msg_active = false;
    s->buf_len = 0;
    if (s->buf_cap > BUF_KEEP) {
        free(s->buf);
        s->buf = NULL;
        s->buf_cap = 0;
    }
    if (!s->msg_compressed || !s->inf.ready)
        return;
    if (s->no_takeover) { /* nothing to keep: free the inflater's memory */
        inflateEnd(&s->inf.z);
        s->inf.ready = false;
    } else if (s->inf.finished && !s->inf.stale) {
        carry_window(s);
    }
}

/* finished: its last fragment ended; otherwise it is delivered unfinished
 * (error set). */
static void msg_deliver(struct ws_stream *s, bool finished)
{
    if (s->msg_compressed) {
        if (finished)
            inflate_finish(s);
        else if (!s->inf.stopped && !s->inf.finished)
            stop_inflating(s);
    }
    bool whole = s->msg_compressed && finished && !s->inf.stopped;
    struct sift_ws_message m = blank(s, s->msg_opcode, s->msg_ts);
    m.length = whole ? s->inflated : s->msg_wire;
    m.payload = s->buf;
    m.payload_len = s->buf_len;
    m.cut = s->msg_cut;
    m.compressed = s->msg_compressed;
    m.gap = s->msg_gap;
    m.error = s->msg_error || !finished;
    emit(s, &m);
    msg_reset(s);
}

/* The stream cannot be followed any further. bad_opcode: the opcode of the
 * header that made it so, or -1 for a gap. */
static void lose(struct ws_stream *s, int bad_opcode, int64_t ts)
{
    s->skipped = add_sat(s->skipped, s->hdr_have);
    if (s->msg_active) {
        if (bad_opcode < 0)
            s->msg_gap = true;
        msg_deliver(s, false);
    }
    if (bad_opcode >= 0) {
        struct sift_ws_message m = blank(s, bad_opcode, ts);
        m.error = true;
        emit(s, &m);
    }
    s->state = ST_LOST;
    release(s);
}

/* ---- frames ---- */

static bool known_opcode(unsigned op)
{
    return op <= SIFT_WS_BINARY || (op >= SIFT_WS_CLOSE && op <= SIFT_WS_PONG);
}

/* The first two header bytes are in: checks what would make the rest
 * unreadable and sets the header's full size. False when lost. */
static bool header_start(struct ws_stream *s, int64_t ts)
{
    struct sift_cursor c = sift_cursor_make(s->hdr, 2, 0);
    uint8_t b0 = sift_cursor_u8(&c), b1 = sift_cursor_u8(&c);
    unsigned op = b0 & 0x0fu;
    bool rsv1 = (b0 & 0x40) != 0, rsv23 = (b0 & 0x30) != 0;
    if (!known_opcode(op) || rsv23 || (rsv1 && !s->deflate)) {
        lose(s, (int)op, ts);
        return false;
    }
    unsigned len7 = b1 & 0x7fu;
    size_t extended = len7 == 126 ? 2 : 0; /* §5.2: 16 or 64 bits */
    if (len7 == 127)
        extended = 8;
    s->hdr_need = 2 + extended + ((b1 & 0x80) ? 4 : 0);
    return true;
}

/* The first frame of a data message, or a continuation. */
static void data_frame_begin(struct ws_stream *s, int64_t ts)
{
    if (s->opcode == SIFT_WS_CONTINUATION) {
        if (!s->msg_active) { /* nothing to continue */
            msg_start(s, SIFT_WS_CONTINUATION, false);
            s->msg_error = true;
        }
        if (s->rsv1) /* RFC 7692 §6.1: RSV1 on the first frame only */
            s->msg_error = true;
    } else {
        if (s->msg_active) /* the previous message never finished */
            msg_deliver(s, false);
        msg_start(s, s->opcode, s->rsv1);
    }
    if (s->frame_error)
        s->msg_error = true;
    s->msg_ts = ts;
}

static void end_frame(struct ws_stream *s)
{
    s->state = ST_HEADER;
    s->hdr_have = 0;
    s->hdr_need = 2;
    if (s->control)
        deliver_control(s, false);
    else if (s->fin)
        msg_deliver(s, true);
}

/* The whole header is in: sets up the frame. */
static void begin_frame(struct ws_stream *s, int64_t ts)
{
    struct sift_cursor c = sift_cursor_make(s->hdr, s->hdr_have, 0);
    uint8_t b0 = sift_cursor_u8(&c), b1 = sift_cursor_u8(&c);
    uint64_t len = b1 & 0x7fu;
    bool long_form = false; /* §5.2: the shortest length form must be used */
    if (len == 126) {
        len = sift_cursor_be16(&c);
        long_form = len < 126;
    } else if (len == 127) {
        len = sift_cursor_be64(&c);
        if (len >> 63) { /* §5.2: the most significant bit must be 0 */
            lose(s, b0 & 0x0f, ts);
            return;
        }
        long_form = len <= 0xffff;
    }
    s->masked = (b1 & 0x80) != 0;
    const uint8_t *key = s->masked ? sift_cursor_bytes(&c, 4) : NULL;
    if (key != NULL)
        memcpy(s->mask, key, 4);
    s->fin = (b0 & 0x80) != 0;
    s->rsv1 = (b0 & 0x40) != 0;
    s->opcode = b0 & 0x0f;
    s->control = s->opcode >= SIFT_WS_CLOSE;
    s->frame_len = len;
    s->frame_done = 0;
    s->first_gap = NO_GAP;
    s->frame_ts = ts;
    /* §5.1: clients mask every frame, servers none */
    s->frame_error = long_form || s->masked != (s->dir == SIFT_TCP_FROM_CLIENT);
    if (s->control) { /* §5.5; RFC 7692 §6.1: never compressed */
        s->frame_error |= len > CONTROL_MAX || !s->fin || s->rsv1;
        s->ctl_len = 0;
        s->ctl_over = false;
    } else {
        data_frame_begin(s, ts);
    }
    s->state = ST_PAYLOAD;
    s->hdr_have = 0;
    if (len == 0)
        end_frame(s);
}

static void read_header(struct ws_stream *s, struct sift_cursor *c, int64_t ts)
{
    while (s->hdr_have < s->hdr_need && sift_cursor_left(c) > 0) {
        s->hdr[s->hdr_have++] = sift_cursor_u8(c);
        if (s->hdr_have == 2 && !header_start(s, ts))
            return;
    }
    if (s->hdr_have == s->hdr_need)
        begin_frame(s, ts);
}

/* Unmasked payload bytes of the current frame. */
static void take_payload(struct ws_stream *s, const uint8_t *p, size_t n)
{
    if (s->control) {
        size_t room = CONTROL_MAX - s->ctl_len;
        size_t k = n < room ? n : room;
        memcpy(s->ctl + s->ctl_len, p, k);
        s->ctl_len += k;
        s->ctl_over |= k < n;
        return;
    }
    s->msg_wire = add_sat(s->msg_wire, n);
    if (!s->msg_compressed)
        keep(s, p, n);
    else if (!s->inf.stopped && !s->inf.finished)
        inflate_bytes(s, p, n);
}

static void read_payload(struct ws_stream *s, struct sift_cursor *c, int64_t ts)
{
    uint64_t want = s->frame_len - s->frame_done;
    size_t n = sift_cursor_left(c);
    if ((uint64_t)n > want)
        n = (size_t)want;
    while (n > 0) {
        uint8_t tmp[CHUNK];
        size_t k = n < CHUNK ? n : CHUNK;
        const uint8_t *p = sift_cursor_bytes(c, k);
        if (p == NULL)
            return;
        for (size_t i = 0; i < k; i++) /* §5.3: octet i ^ key[i mod 4] */
            tmp[i] = s->masked
                         ? (uint8_t)(p[i] ^ s->mask[(s->frame_done + i) & 3])
                         : p[i];
        take_payload(s, tmp, k);
        s->frame_done += k;
        n -= k;
    }
    s->frame_ts = ts;
    if (!s->control)
        s->msg_ts = ts;
    if (s->frame_done == s->frame_len)
        end_frame(s);
}

/* ---- the stream ---- */

struct ws_stream *ws_stream_new(const struct sift_tcp_conn *conn,
                                uint64_t transaction_id, enum sift_tcp_dir dir,
                                const struct ws_deflate_params *deflate,
                                size_t max_payload, ws_message_fn fn, void *ctx)
{
    struct ws_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->conn = conn;
    s->transaction_id = transaction_id;
    s->dir = dir;
    s->fn = fn;
    s->ctx = ctx;
    s->max_payload = max_payload;
    s->deflate = deflate != NULL && deflate->enabled;
    if (s->deflate)
        s->no_takeover = dir == SIFT_TCP_FROM_CLIENT
                             ? deflate->client_no_context_takeover
                             : deflate->server_no_context_takeover;
    s->state = ST_HEADER;
    s->hdr_need = 2;
    return s;
}

void ws_stream_feed(struct ws_stream *s, const uint8_t *data, size_t len,
                    int64_t ts_ns)
{
    if (s == NULL)
        return;
    struct sift_cursor c = sift_cursor_make(data, len, s->offset);
    s->offset += sift_cursor_left(&c);
    while (sift_cursor_left(&c) > 0) {
        if (s->state == ST_LOST || s->state == ST_ENDED) {
            s->skipped = add_sat(s->skipped, sift_cursor_left(&c));
            return;
        }
        if (s->state == ST_HEADER)
            read_header(s, &c, ts_ns);
        else
            read_payload(s, &c, ts_ns);
    }
}

/* k missing bytes inside the current payload (k <= what is left of it). */
static void payload_gap(struct ws_stream *s, uint64_t k, int64_t ts)
{
    if (s->first_gap == NO_GAP)
        s->first_gap = s->frame_done;
    s->frame_done += k; /* the mask offset moves on with it */
    s->frame_ts = ts;
    if (s->control)
        return;
    s->msg_gap = true;
    s->msg_wire = add_sat(s->msg_wire, k);
    s->msg_ts = ts;
    if (s->msg_compressed && !s->inf.stopped && !s->inf.finished)
        stop_inflating(s); /* the inflater cannot step over missing bytes */
}

void ws_stream_gap(struct ws_stream *s, uint64_t len, int64_t ts_ns)
{
    if (s == NULL || len == 0)
        return;
    if (s->state == ST_PAYLOAD) {
        uint64_t left = s->frame_len - s->frame_done;
        uint64_t k = len < left ? len : left;
        payload_gap(s, k, ts_ns);
        len -= k;
        if (s->frame_done == s->frame_len)
            end_frame(s);
        if (len == 0)
            return;
    }
    s->skipped = add_sat(s->skipped, len);
    if (s->state == ST_HEADER) /* where the next header starts is lost */
        lose(s, -1, ts_ns);
}

void ws_stream_end(struct ws_stream *s, int64_t ts_ns)
{
    (void)ts_ns; /* messages carry their last byte's time */
    if (s == NULL || s->state == ST_LOST || s->state == ST_ENDED)
        return;
    if (s->msg_active)
        msg_deliver(s, false);
    if (s->state == ST_PAYLOAD && s->control)
        deliver_control(s, true);
    s->state = ST_ENDED;
    release(s);
}

void ws_stream_free(struct ws_stream *s)
{
    if (s == NULL)
        return;
    release(s);
    free(s);
}

bool ws_stream_lost(const struct ws_stream *s)
{
    return s != NULL && s->state == ST_LOST;
}

uint64_t ws_stream_skipped(const struct ws_stream *s)
{
    return s == NULL ? 0 : s->skipped;
}
