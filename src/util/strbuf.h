/*
 * strbuf: a growable, always NUL-terminated string with a hard cap and a
 * sticky error. Once an append would pass the cap, the buffer is marked
 * overflowed and every later append is ignored, so a chain of appends is
 * checked once at the end (strbuf_ok).
 */
#ifndef ISMS_UTIL_STRBUF_H
#define ISMS_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *ptr;       /* NUL-terminated contents; never NULL after init */
    size_t len;      /* bytes before the NUL */
    size_t cap;      /* bytes allocated */
    size_t max;      /* hard limit on len */
    bool overflowed; /* sticky: an append was refused */
} strbuf;

/* Start empty with a maximum length `max`. */
void strbuf_init(strbuf *b, size_t max);

/* Free the contents. */
void strbuf_dispose(strbuf *b);

/* Forget the contents, keep the memory and clear the sticky error. */
void strbuf_reset(strbuf *b);

void strbuf_add(strbuf *b, const char *s, size_t n);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_putc(strbuf *b, char c);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True while nothing has been refused. */
static inline bool strbuf_ok(const strbuf *b)
{
    return !b->overflowed;
}

#endif
