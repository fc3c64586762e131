/*
 * Arena: a bump allocator for memory that lives as long as one request or one
 * CLI command. Everything allocated from an arena is freed at once by
 * arena_dispose(); nothing is freed one by one.
 *
 * Out of memory aborts: every input is size-limited, so exhausting memory
 * means a bug, not a condition to recover from.
 */
#ifndef ISMS_UTIL_ARENA_H
#define ISMS_UTIL_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head; /* newest chunk; allocation happens here */
    size_t total;      /* bytes obtained from malloc, for diagnostics */
} arena;

/* Prepare an empty arena (allocates nothing until first use). */
void arena_init(arena *a);

/* Free every chunk. The arena is empty and reusable afterwards. */
void arena_dispose(arena *a);

/* Zeroed memory aligned for any type. Never returns NULL. */
void *arena_alloc(arena *a, size_t size);

/* Copy of `len` bytes of `s`, NUL-terminated. */
char *arena_strndup(arena *a, const char *s, size_t len);

/* Copy of a NUL-terminated string; NULL stays NULL. */
char *arena_strdup(arena *a, const char *s);

/* printf into arena memory. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
