/* SPDX-License-Identifier: MIT */
/* tlsgen: buffers, error exit, hashing and the small deterministic PRNG. */
#include "tlsgen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

void die(const char *fmt, ...)
{
    va_list ap;
    fputs("tlsgen: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory (%zu bytes)", n);
    return q;
}

void xgrow(void **arr, size_t *cap, size_t n, size_t sz)
{
    size_t c = *cap ? *cap : 16;
    if (n <= *cap)
        return;
    while (c < n)
        c *= 2;
    *arr = xrealloc(*arr, c * sz);
    *cap = c;
}

void buf_put(struct buf *b, const void *d, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        while (c < b->len + n)
            c *= 2;
        b->p = xrealloc(b->p, c);
        b->cap = c;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

void buf_puts(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("vsnprintf failed");
    if ((size_t)n < sizeof small) {
        buf_put(b, small, (size_t)n);
        return;
    }
    {
        char *big = xmalloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        buf_put(b, big, (size_t)n);
        free(big);
    }
}

void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void write_file(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write %s", path);
    if ((n && fwrite(d, 1, n, f) != n) || fclose(f) != 0)
        die("write error on %s", path);
}

void sha256_raw(const void *d, size_t n, unsigned char out[32])
{
    unsigned int len = 32;
    if (!EVP_Digest(d, n, out, &len, EVP_sha256(), NULL))
        die("EVP_Digest failed");
}

void sha256_hex(const void *d, size_t n, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char h[32];
    sha256_raw(d, n, h);
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

struct sha_ctx {
    EVP_MD_CTX *md;
};

struct sha_ctx *sha_new(void)
{
    struct sha_ctx *c = xmalloc(sizeof *c);
    c->md = EVP_MD_CTX_new();
    if (!c->md || !EVP_DigestInit_ex(c->md, EVP_sha256(), NULL))
        die("EVP_DigestInit_ex failed");
    return c;
}

void sha_add(struct sha_ctx *c, const void *d, size_t n)
{
    if (n && !EVP_DigestUpdate(c->md, d, n))
        die("EVP_DigestUpdate failed");
}

void sha_end(struct sha_ctx *c, unsigned char out[32])
{
    unsigned int len = 32;
    if (!EVP_DigestFinal_ex(c->md, out, &len))
        die("EVP_DigestFinal_ex failed");
    EVP_MD_CTX_free(c->md);
    free(c);
}

/* splitmix64: a tiny, well-mixed counter-based generator. */
uint64_t mix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A 64-bit seed from a label and a number (first bytes of a SHA-256). */
uint64_t seed_of(const char *label, unsigned n)
{
    struct buf b = {0};
    unsigned char h[32];
    uint64_t s = 0;
    buf_printf(&b, "tlsgen-seed:%s:%u", label, n);
    sha256_raw(b.p, b.len, h);
    buf_free(&b);
    for (int i = 0; i < 8; i++)
        s = (s << 8) | h[i];
    return s;
}
