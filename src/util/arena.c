#include "util/arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/die.h"

enum { ARENA_CHUNK_MIN = 16 * 1024 };

struct arena_chunk {
    arena_chunk *next; /* older chunk */
    size_t size;       /* usable bytes in data[] */
    size_t used;       /* bytes handed out */
    alignas(max_align_t) unsigned char data[];
};

void arena_init(arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void arena_dispose(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

static arena_chunk *arena_grow(arena *a, size_t need)
{
    size_t size = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;
    arena_chunk *c = malloc(sizeof(*c) + size);
    if (!c)
        die_oom();
    c->next = a->head;
    c->size = size;
    c->used = 0;
    a->head = c;
    a->total += size;
    return c;
}

void *arena_alloc(arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    size_t rounded = (size + align - 1) & ~(align - 1);
    if (rounded < size)
        die_oom();
    arena_chunk *c = a->head;
    if (!c || c->size - c->used < rounded)
        c = arena_grow(a, rounded);
    void *p = c->data + c->used;
    c->used += rounded;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("arena_printf: bad format");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
