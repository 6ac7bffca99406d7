/* SPDX-License-Identifier: MIT */
/* The shared body of the fuzz targets. */
#include "fuzz_common.h"

#include "pcapsift/reader.h"
#include "pcapsift/source.h"

static volatile uint32_t sink; /* keeps the reads from being optimised out */

static void touch(const uint8_t *p, size_t n)
{
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31u + p[i];
    sink ^= h;
}

static void touch_text(struct sift_text t)
{
    touch((const uint8_t *)t.ptr, t.ptr ? t.len : 0);
}

static void touch_comments(const struct sift_comments *c)
{
    for (size_t i = 0; i < c->count; i++)
        touch_text(c->text[i]);
}

static void on_section(void *ctx, const struct sift_section *s)
{
    (void)ctx;
    touch_text(s->hardware);
    touch_text(s->os);
    touch_text(s->user_application);
    touch_comments(&s->comments);
}

static void on_interface(void *ctx, const struct sift_interface *i)
{
    (void)ctx;
    touch_text(i->name);
    touch_text(i->description);
    touch_text(i->filter);
    touch_comments(&i->comments);
}

static void on_name(void *ctx, const struct sift_name_entry *e)
{
    (void)ctx;
    for (size_t i = 0; i < e->name_count; i++)
        touch_text(e->names[i]);
}

static void on_secrets(void *ctx, const struct sift_secrets *s)
{
    (void)ctx;
    touch(s->data, s->len);
}

static void on_warning(void *ctx, const struct sift_warning *w)
{
    (void)ctx;
    for (const char *p = w->message; *p; p++)
        sink ^= (uint8_t)*p;
}

void fuzz_read_capture(const uint8_t *data, size_t size)
{
    struct sift_source_options so = {on_warning, NULL};
    struct sift_reader_callbacks cb = {NULL, on_section, on_interface,
                                       on_name, NULL, on_secrets, NULL,
                                       on_warning};
    struct sift_source *src;
    struct sift_reader *rd;
    struct sift_error err;
    if (sift_source_open_memory(data, size, "fuzz", &so, &src, &err) != 0)
        return;
    if (sift_reader_open(src, &cb, &rd, &err) == SIFT_OK) {
        struct sift_record rec;
        while (sift_reader_next(rd, &rec, &err) == SIFT_OK) {
            touch(rec.data, rec.caplen);
            touch_comments(&rec.comments);
        }
        sift_reader_close(rd);
    }
    sift_source_close(src);
}

void fuzz_drain_source(const uint8_t *data, size_t size)
{
    struct sift_source *src;
    struct sift_error err;
    if (sift_source_open_memory(data, size, "fuzz", NULL, &src, &err) != 0)
        return;
    const uint8_t *p;
    size_t got;
    /* odd peek sizes walk the window's compaction and growth paths */
    size_t step = size > 0 ? 1 + data[size - 1] * 97u : 1;
    while (sift_source_peek(src, step, &p, &got, &err) == SIFT_OK && got > 0) {
        touch(p, got);
        sift_source_consume(src, got);
    }
    sift_source_close(src);
}
