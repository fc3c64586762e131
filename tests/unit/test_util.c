/* Unit tests for the arena allocator and the capped string buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/strbuf.h"

static bool all_bytes(const void *p, size_t n, unsigned char value)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != value)
            return false;
    return true;
}

static bool aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

/* ---- arena ---- */

static void test_arena_init_is_empty(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
    arena_dispose(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
}

static void test_arena_alloc_zeroes(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    /* Dirty memory, give it back to malloc, and allocate again: the arena must zero it. */
    unsigned char *p = arena_alloc(&a, 4000);
    memset(p, 0xAA, 4000);
    unsigned char *q = arena_alloc(&a, 3000);
    memset(q, 0x55, 3000);
    arena_dispose(&a);

    arena_init(&a);
    for (size_t size = 1; size < 5000; size = size * 3 + 1) {
        unsigned char *r = arena_alloc(&a, size);
        assert_non_null(r);
        assert_true(all_bytes(r, size, 0));
        memset(r, 0xCC, size);
    }
    arena_dispose(&a);
}

static void test_arena_alignment(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    static const size_t sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1, 2, 5000, 1};
    unsigned char *prev = NULL;
    size_t prev_size = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = arena_alloc(&a, sizes[i]);
        assert_true(aligned(p));
        memset(p, (int)i + 1, sizes[i]);
        /* The previous block is untouched by this one. */
        if (prev)
            assert_true(all_bytes(prev, prev_size, (unsigned char)i));
        prev = p;
        prev_size = sizes[i];
    }
    /* Any type can live there. */
    long double *ld = arena_alloc(&a, sizeof(long double) * 3);
    ld[0] = 1.5L;
    ld[2] = -2.25L;
    assert_true(ld[0] == 1.5L && ld[1] == 0.0L && ld[2] == -2.25L);
    int64_t *big = arena_alloc(&a, sizeof(int64_t));
    *big = INT64_MIN;
    assert_true(*big == INT64_MIN);
    arena_dispose(&a);
}

static void test_arena_chunk_accounting(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    arena_alloc(&a, 10);
    assert_int_equal(a.total, 16 * 1024); /* the minimum chunk */
    arena_alloc(&a, 10);
    assert_int_equal(a.total, 16 * 1024); /* fits the same chunk */
    arena_dispose(&a);
    assert_int_equal(a.total, 0);
    assert_null(a.head);
}

static void test_arena_large_allocations(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    char *small = arena_alloc(&a, 32);
    memcpy(small, "still here", 11);
    size_t before = a.total;

    const size_t big = 1024 * 1024; /* far past the chunk size */
    unsigned char *p = arena_alloc(&a, big);
    assert_true(aligned(p));
    assert_true(all_bytes(p, big, 0));
    memset(p, 0x7E, big);
    assert_int_equal(a.total, before + big);

    /* A second large block does not overlap the first. */
    unsigned char *q = arena_alloc(&a, big + 1);
    assert_true(aligned(q));
    assert_true(all_bytes(q, big + 1, 0));
    assert_true(q + big + 1 <= p || p + big <= q);
    assert_true(all_bytes(p, big, 0x7E));

    /* Small allocations keep working afterwards and old data survives. */
    char *after = arena_alloc(&a, 16);
    assert_true(aligned(after));
    assert_true(all_bytes(after, 16, 0));
    assert_string_equal(small, "still here");
    arena_dispose(&a);
    assert_int_equal(a.total, 0);
}

static void test_arena_many_small_allocations_span_chunks(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    int *blocks[2000];
    for (int i = 0; i < 2000; i++) {
        blocks[i] = arena_alloc(&a, 5 * sizeof(int));
        assert_true(aligned(blocks[i]));
        for (int j = 0; j < 5; j++)
            blocks[i][j] = i * 10 + j;
    }
    for (int i = 0; i < 2000; i++)
        for (int j = 0; j < 5; j++)
            assert_int_equal(blocks[i][j], i * 10 + j);
    assert_true(a.total > 16 * 1024);
    arena_dispose(&a);
}

static void test_arena_strdup(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    char src[] = "Context issue";
    char *d = arena_strdup(&a, src);
    assert_ptr_not_equal(d, src);
    assert_string_equal(d, "Context issue");
    src[0] = 'X';
    assert_string_equal(d, "Context issue"); /* a copy, not an alias */

    assert_null(arena_strdup(&a, NULL));
    assert_string_equal(arena_strdup(&a, ""), "");
    assert_string_equal(arena_strdup(&a, "h\xc3\xa9llo"), "h\xc3\xa9llo");

    char *n = arena_strndup(&a, "hello world", 5);
    assert_string_equal(n, "hello");
    assert_int_equal(strlen(n), 5);
    assert_string_equal(arena_strndup(&a, "abc", 0), "");
    /* strndup copies exactly len bytes, even past an embedded NUL. */
    char *bin = arena_strndup(&a, "a\0b", 3);
    assert_int_equal(bin[0], 'a');
    assert_int_equal(bin[1], '\0');
    assert_int_equal(bin[2], 'b');
    assert_int_equal(bin[3], '\0');
    arena_dispose(&a);
}

static void test_arena_printf(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    assert_string_equal(arena_printf(&a, "%s-%d", "ISS", 12), "ISS-12");
    assert_string_equal(arena_printf(&a, "%s", ""), "");
    assert_string_equal(arena_printf(&a, "%05.1f|%x|%c", 3.14159, 255u, 'z'), "003.1|ff|z");

    /* Longer than a chunk. */
    char *wide = arena_printf(&a, "[%*s]", 40000, "x");
    assert_int_equal(strlen(wide), 40002);
    assert_int_equal(wide[0], '[');
    assert_int_equal(wide[1], ' ');
    assert_int_equal(wide[40000], 'x');
    assert_int_equal(wide[40001], ']');
    arena_dispose(&a);
}

/* ---- strbuf ---- */

static void test_strbuf_init_empty(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 100);
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 100);
    assert_true(strbuf_ok(&b));
    strbuf_dispose(&b);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.max, 100);
}

static void test_strbuf_appends(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1000);
    strbuf_puts(&b, "abc");
    strbuf_putc(&b, '-');
    strbuf_add(&b, "defghi", 3);
    strbuf_puts(&b, "");
    assert_string_equal(b.ptr, "abc-def");
    assert_int_equal(b.len, 7);
    assert_true(b.cap >= b.len + 1);
    assert_true(strbuf_ok(&b));
    strbuf_dispose(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_strbuf_grows(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1u << 20);
    for (int i = 0; i < 5000; i++)
        strbuf_putc(&b, (char)('a' + i % 26));
    assert_true(strbuf_ok(&b));
    assert_int_equal(b.len, 5000);
    assert_int_equal(strlen(b.ptr), 5000);
    assert_true(b.cap >= 5001);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(b.ptr[i], 'a' + (int)(i % 26));
    strbuf_dispose(&b);
}

static void test_strbuf_cap_exact(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 5);
    strbuf_puts(&b, "hello"); /* exactly the maximum */
    assert_true(strbuf_ok(&b));
    assert_string_equal(b.ptr, "hello");
    strbuf_putc(&b, '!');
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, "hello");
    assert_int_equal(b.len, 5);
    strbuf_dispose(&b);

    strbuf_init(&b, 0);
    strbuf_puts(&b, "");
    assert_true(strbuf_ok(&b));
    strbuf_putc(&b, 'x');
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, "");
    strbuf_dispose(&b);
}

static void test_strbuf_sticky_overflow(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 10);
    strbuf_puts(&b, "hello");
    strbuf_puts(&b, "world!!"); /* 12 > 10: refused whole, not cut */
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, "hello");
    assert_int_equal(b.len, 5);

    /* Would fit, but the error is sticky: nothing more is appended. */
    strbuf_puts(&b, "ab");
    strbuf_putc(&b, 'c');
    strbuf_add(&b, "d", 1);
    strbuf_printf(&b, "%d", 7);
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, "hello");
    assert_int_equal(b.len, 5);
    strbuf_dispose(&b);
}

static void test_strbuf_reset(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 8);
    strbuf_puts(&b, "12345678");
    strbuf_puts(&b, "9");
    assert_false(strbuf_ok(&b));
    size_t cap = b.cap;

    strbuf_reset(&b);
    assert_true(strbuf_ok(&b));
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_int_equal(b.cap, cap); /* memory kept */
    assert_int_equal(b.max, 8);

    strbuf_puts(&b, "abc");
    assert_true(strbuf_ok(&b));
    assert_string_equal(b.ptr, "abc");
    strbuf_dispose(&b);

    /* Reset of a buffer that never allocated. */
    strbuf_init(&b, 8);
    strbuf_reset(&b);
    assert_string_equal(b.ptr, "");
    assert_true(strbuf_ok(&b));
    strbuf_dispose(&b);
}

static void test_strbuf_printf(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 20);
    strbuf_printf(&b, "%s-%d", "REQ", 42);
    strbuf_printf(&b, "%s", "");
    strbuf_printf(&b, "|%03u", 7u);
    assert_true(strbuf_ok(&b));
    assert_string_equal(b.ptr, "REQ-42|007");
    assert_int_equal(b.len, 10);

    /* 10 + 11 > 20: refused whole. */
    strbuf_printf(&b, "%s", "0123456789A");
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, "REQ-42|007");
    assert_int_equal(b.len, 10);
    strbuf_dispose(&b);

    /* printf exactly to the limit, across a growth of the buffer. */
    strbuf_init(&b, 100);
    strbuf_puts(&b, "x");
    strbuf_printf(&b, "%*d", 99, 5);
    assert_true(strbuf_ok(&b));
    assert_int_equal(b.len, 100);
    assert_int_equal(strlen(b.ptr), 100);
    assert_int_equal(b.ptr[0], 'x');
    assert_int_equal(b.ptr[1], ' ');
    assert_int_equal(b.ptr[99], '5');
    strbuf_dispose(&b);
}

/* A database URL as shown in output and messages: never its password. */
static void test_store_url_display(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"demo.isms", "demo.isms"},
        {"sqlite:/tmp/a.isms", "sqlite:/tmp/a.isms"},
        {"postgres://isms@db.example/isms", "postgres://isms@db.example/isms"},
        {"postgres://isms:s3cret@db.example:5432/isms", "postgres://isms:***@db.example:5432/isms"},
        {"postgresql://u:p%40ss@h/d?sslmode=require", "postgresql://u:***@h/d?sslmode=require"},
        {"postgres:///isms?host=/run/pg&password=s3cret&user=u",
         "postgres:///isms?host=/run/pg&password=***&user=u"},
        {"postgres://h/d?password=a&password=b", "postgres://h/d?password=***&password=***"},
        {"postgres://u:pw@h/d?password=x", "postgres://u:***@h/d?password=***"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[256];
        store_url_display(cases[i][0], out, sizeof(out));
        assert_string_equal(out, cases[i][1]);
    }
    char small[12];
    store_url_display("postgres://u:secret@host/db", small, sizeof(small));
    assert_null(strstr(small, "secret"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_url_display),
        cmocka_unit_test(test_arena_init_is_empty),
        cmocka_unit_test(test_arena_alloc_zeroes),
        cmocka_unit_test(test_arena_alignment),
        cmocka_unit_test(test_arena_chunk_accounting),
        cmocka_unit_test(test_arena_large_allocations),
        cmocka_unit_test(test_arena_many_small_allocations_span_chunks),
        cmocka_unit_test(test_arena_strdup),
        cmocka_unit_test(test_arena_printf),
        cmocka_unit_test(test_strbuf_init_empty),
        cmocka_unit_test(test_strbuf_appends),
        cmocka_unit_test(test_strbuf_grows),
        cmocka_unit_test(test_strbuf_cap_exact),
        cmocka_unit_test(test_strbuf_sticky_overflow),
        cmocka_unit_test(test_strbuf_reset),
        cmocka_unit_test(test_strbuf_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
