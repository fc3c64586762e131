#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/die.h"

static char strbuf_empty[1];

void strbuf_init(strbuf *b, size_t max)
{
    b->ptr = strbuf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->overflowed = false;
}

void strbuf_dispose(strbuf *b)
{
    if (b->cap)
        free(b->ptr);
    strbuf_init(b, b->max);
}

void strbuf_reset(strbuf *b)
{
    b->len = 0;
    b->ptr[0] = '\0';
    b->overflowed = false;
}

static bool strbuf_reserve(strbuf *b, size_t n)
{
    if (b->overflowed)
        return false;
    if (n > b->max - b->len) {
        b->overflowed = true;
        return false;
    }
    size_t want = b->len + n + 1;
    if (want <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    char *p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
    if (!p)
        die_oom();
    if (!b->cap)
        p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return true;
}

void strbuf_add(strbuf *b, const char *s, size_t n)
{
    if (!strbuf_reserve(b, n))
        return;
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_putc(strbuf *b, char c)
{
    strbuf_add(b, &c, 1);
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !strbuf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
