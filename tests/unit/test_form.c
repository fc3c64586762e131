/*
 * Unit tests for the strict application/x-www-form-urlencoded decoder
 * (web/form.h): what it accepts (pairs, '+', %XX, empty values, keys without
 * '=', empty pairs), what it refuses (bad escapes, NUL, text that is not
 * UTF-8, too many pairs) and how it says so: a malformed value names its
 * field (ISMS_EINVALID with one field error), a malformed name is told in
 * the detail, too many pairs is ISMS_ETOOBIG.
 *
 * Every body is copied into a buffer of exactly its length, without a NUL
 * after it, so that the sanitizer build catches a read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "web/form.h"

#define REASON_ESCAPE "holds a % that is not followed by two hexadecimal digits"
#define REASON_NUL "holds a NUL character"
#define REASON_UTF8 "is not valid UTF-8"

static arena A;
static form_data *F;
static isms_status ST;

static int setup(void **state)
{
    (void)state;
    arena_init(&A);
    F = arena_alloc(&A, sizeof(*F));
    status_clear(&ST);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_dispose(&A);
    F = NULL;
    return 0;
}

/* Decode len bytes of body from an exact-size copy. */
static isms_err decode_n(const char *body, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, body, len);
    status_clear(&ST);
    F->n = 99; /* form_decode must reset it */
    isms_err e = form_decode(copy, len, &A, F, &ST);
    /* Decoded strings live in the arena, not in the body. */
    memset(copy, '#', len);
    free(copy);
    return e;
}

#define DECODES(body) decodes((body), strlen(body), __FILE__, __LINE__)
#define DECODES_N(body, len) decodes((body), (len), __FILE__, __LINE__)
static void decodes(const char *body, size_t len, const char *file, int line)
{
    isms_err e = decode_n(body, len);
    if (e != ISMS_OK) {
        print_error("%s:%d: '%.*s' refused (%d): %s; %s: %s\n", file, line, (int)len, body, e,
                    ST.detail, ST.nfields ? ST.fields[0].field : "-",
                    ST.nfields ? ST.fields[0].reason : "-");
        _fail(file, line);
    }
}

#define PAIR_IS(i, key, value) pair_is((i), (key), (value), __FILE__, __LINE__)
static void pair_is(size_t i, const char *key, const char *value, const char *file, int line)
{
    if (i >= F->n || strcmp(F->keys[i], key) != 0 || strcmp(F->values[i], value) != 0) {
        print_error("%s:%d: pair %zu is '%s'='%s', expected '%s'='%s' (%zu pairs)\n", file, line, i,
                    i < F->n ? F->keys[i] : "(none)", i < F->n ? F->values[i] : "(none)", key,
                    value, F->n);
        _fail(file, line);
    }
}

/* A value refused: EINVALID, exactly one field error naming field with reason. */
#define VALUE_REFUSED(body, len, field, reason)                                                    \
    value_refused((body), (len), (field), (reason), __FILE__, __LINE__)
static void value_refused(const char *body, size_t len, const char *field, const char *reason,
                          const char *file, int line)
{
    isms_err e = decode_n(body, len);
    if (e != ISMS_EINVALID || ST.code != ISMS_EINVALID || ST.nfields != 1 ||
        strcmp(ST.fields[0].field, field) != 0 || strcmp(ST.fields[0].reason, reason) != 0) {
        print_error("%s:%d: '%.*s': got %d, %zu field errors (%s: %s), expected field '%s': %s\n",
                    file, line, (int)len, body, e, ST.nfields,
                    ST.nfields ? ST.fields[0].field : "-", ST.nfields ? ST.fields[0].reason : "-",
                    field, reason);
        _fail(file, line);
    }
    assert_true(ST.detail[0] != '\0');
}

/* A field name refused: EINVALID, no field error, the reason in the detail. */
#define NAME_REFUSED(body, len, reason) name_refused((body), (len), (reason), __FILE__, __LINE__)
static void name_refused(const char *body, size_t len, const char *reason, const char *file,
                         int line)
{
    isms_err e = decode_n(body, len);
    char want[256];
    snprintf(want, sizeof(want), "a field name of the form %s", reason);
    if (e != ISMS_EINVALID || ST.code != ISMS_EINVALID || ST.nfields != 0 ||
        strcmp(ST.detail, want) != 0) {
        print_error("%s:%d: '%.*s': got %d, %zu field errors, detail '%s'; expected '%s'\n", file,
                    line, (int)len, body, e, ST.nfields, ST.detail, want);
        _fail(file, line);
    }
}

/* --- accepted ------------------------------------------------------------ */

static void test_pairs(void **state)
{
    (void)state;
    DECODES("title=Supplier&origin=external&category=economic");
    assert_int_equal(F->n, 3);
    PAIR_IS(0, "title", "Supplier");
    PAIR_IS(1, "origin", "external");
    PAIR_IS(2, "category", "economic");
    DECODES("a=1");
    assert_int_equal(F->n, 1);
    PAIR_IS(0, "a", "1");
    /* '=' after the first belongs to the value. */
    DECODES("a=b=c&d==");
    PAIR_IS(0, "a", "b=c");
    PAIR_IS(1, "d", "=");
}

static void test_empty_body(void **state)
{
    (void)state;
    DECODES_N("", 0);
    assert_int_equal(F->n, 0);
    assert_null(form_get(F, "a"));
    assert_int_equal(form_count(F, "a"), 0);
}

static void test_plus_is_space(void **state)
{
    (void)state;
    DECODES("title=Supplier+lock-in&a+b=c+d&p=++");
    PAIR_IS(0, "title", "Supplier lock-in");
    PAIR_IS(1, "a b", "c d");
    PAIR_IS(2, "p", "  ");
    /* An encoded plus is a plus. */
    DECODES("q=1%2B1");
    PAIR_IS(0, "q", "1+1");
}

static void test_percent_escapes(void **state)
{
    (void)state;
    DECODES("a=%41%42%43&b=%6a%6B&c=%7e");
    PAIR_IS(0, "a", "ABC");
    PAIR_IS(1, "b", "jk"); /* lower- and upper-case hex */
    PAIR_IS(2, "c", "~");
    /* Escaped separators do not separate. */
    DECODES("k%3Dx=v%26w%3Dz&n=%25");
    assert_int_equal(F->n, 2);
    PAIR_IS(0, "k=x", "v&w=z");
    PAIR_IS(1, "n", "%");
    /* An escape at the very end of the body. */
    DECODES("a=%41");
    PAIR_IS(0, "a", "A");
    DECODES("%41");
    PAIR_IS(0, "A", "");
    /* Controls other than NUL are data here; the pages escape them on output. */
    DECODES("t=line%0D%0Abreak%09tab%01");
    PAIR_IS(0, "t", "line\r\nbreak\ttab\x01");
    DECODES("t=%3Cscript%3E");
    PAIR_IS(0, "t", "<script>");
}

static void test_empty_values_and_keys_without_equals(void **state)
{
    (void)state;
    DECODES("a=&b=&c=");
    assert_int_equal(F->n, 3);
    PAIR_IS(0, "a", "");
    PAIR_IS(1, "b", "");
    PAIR_IS(2, "c", "");
    DECODES("flag");
    assert_int_equal(F->n, 1);
    PAIR_IS(0, "flag", "");
    assert_non_null(form_get(F, "flag"));
    DECODES("x&y=1&z");
    assert_int_equal(F->n, 3);
    PAIR_IS(0, "x", "");
    PAIR_IS(1, "y", "1");
    PAIR_IS(2, "z", "");
    /* An empty name is kept: the page refuses it as a field the kind does not have. */
    DECODES("=v");
    assert_int_equal(F->n, 1);
    PAIR_IS(0, "", "v");
    DECODES("=");
    PAIR_IS(0, "", "");
}

static void test_empty_pairs_skipped(void **state)
{
    (void)state;
    DECODES("&&a=1&&&b=2&");
    assert_int_equal(F->n, 2);
    PAIR_IS(0, "a", "1");
    PAIR_IS(1, "b", "2");
    DECODES("&");
    assert_int_equal(F->n, 0);
    DECODES("&&&&");
    assert_int_equal(F->n, 0);
}

static void test_utf8_accepted(void **state)
{
    (void)state;
    DECODES("t=%C3%A9%E6%97%A5%F0%9F%94%92");
    PAIR_IS(0, "t", "é日\xF0\x9F\x94\x92");
    DECODES("t=Größe+日本"); /* raw UTF-8 bytes, as a lax client sends them */
    PAIR_IS(0, "t", "Größe 日本");
    DECODES("%C3%A9=1");
    PAIR_IS(0, "é", "1");
    /* The edges of the ranges: U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF. */
    DECODES("t=%7F%C2%80%DF%BF%E0%A0%80%EF%BF%BF%F0%90%80%80%F4%8F%BF%BF");
    PAIR_IS(0, "t", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* The body need not end with a NUL: only len bytes are read. */
    DECODES_N("a=1&b=2", 3);
    assert_int_equal(F->n, 1);
    PAIR_IS(0, "a", "1");
    DECODES_N("a=12345", 4);
    PAIR_IS(0, "a", "12");
    /* An escape cut by the length is an error, whatever follows in memory. */
    VALUE_REFUSED("a=%41", 4, "a", REASON_ESCAPE);
    VALUE_REFUSED("a=%41", 3, "a", REASON_ESCAPE);
}

static void test_get_and_count(void **state)
{
    (void)state;
    DECODES("party=IP-1&party=IP-2&title=x&party=&empty=");
    assert_string_equal(form_get(F, "party"), "IP-1"); /* the first */
    assert_int_equal(form_count(F, "party"), 3);
    assert_string_equal(form_get(F, "title"), "x");
    assert_int_equal(form_count(F, "title"), 1);
    assert_string_equal(form_get(F, "empty"), "");
    assert_null(form_get(F, "missing"));
    assert_int_equal(form_count(F, "missing"), 0);
    assert_null(form_get(F, "Title")); /* names are case-sensitive */
    assert_null(form_get(F, "part"));  /* and whole */
}

static void test_reuse_resets(void **state)
{
    (void)state;
    DECODES("a=1&b=2&c=3");
    assert_int_equal(F->n, 3);
    DECODES("z=9");
    assert_int_equal(F->n, 1);
    assert_null(form_get(F, "a"));
}

/* --- refused: escapes ------------------------------------------------------ */

static void test_bad_escapes_in_values(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "title=%",         "title=%4",    "title=%G1",   "title=%4G", "title=%%41",
        "title=a%",        "title=%+1",   "title=% 1",   "title=%-1", "title=%0x",
        "title=%\xC3\xA9", "title=ok%zz", "title=%4%41",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        VALUE_REFUSED(bad[i], strlen(bad[i]), "title", REASON_ESCAPE);
    /* The field at fault is named even after good pairs. */
    VALUE_REFUSED("origin=internal&effect=%ZZ&category=legal",
                  strlen("origin=internal&effect=%ZZ&category=legal"), "effect", REASON_ESCAPE);
    /* A '+' in the name of a refused value is decoded in the name reported. */
    VALUE_REFUSED("my+field=%", strlen("my+field=%"), "my field", REASON_ESCAPE);
}

static void test_bad_escapes_in_names(void **state)
{
    (void)state;
    static const char *const bad[] = {"%=1", "%4=1", "%GG=1", "a%=1", "%", "ti%tle=x", "x=1&%Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        NAME_REFUSED(bad[i], strlen(bad[i]), REASON_ESCAPE);
}

/* --- refused: NUL ---------------------------------------------------------- */

static void test_escaped_nul_refused(void **state)
{
    (void)state;
    VALUE_REFUSED("title=%00", 9, "title", REASON_NUL);
    VALUE_REFUSED("title=abc%00def", 15, "title", REASON_NUL);
    NAME_REFUSED("ti%00tle=x", 10, REASON_NUL);
    NAME_REFUSED("%00", 3, REASON_NUL);
}

static void test_raw_nul_refused(void **state)
{
    (void)state;
    /*
     * A NUL byte sent as it is (not as %00) must be refused as well: kept, it
     * would cut the value short without a word ("a\0b" stored as "a").
     */
    static const char body[] = "title=a\0b&origin=internal";
    isms_err e = decode_n(body, sizeof(body) - 1);
    if (e == ISMS_OK)
        fail_msg("a raw NUL in a value was accepted: title decoded as '%s' (%zu bytes), the "
                 "rest after the NUL silently dropped",
                 form_get(F, "title"), strlen(form_get(F, "title")));
    VALUE_REFUSED(body, sizeof(body) - 1, "title", REASON_NUL);
    static const char name[] = "ti\0tle=x";
    e = decode_n(name, sizeof(name) - 1);
    assert_int_equal(e, ISMS_EINVALID);
    static const char alone[] = "\0";
    e = decode_n(alone, 1);
    assert_int_equal(e, ISMS_EINVALID);
}

/* --- refused: not UTF-8 ---------------------------------------------------- */

static void test_invalid_utf8_in_values(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "t=%FF",                            /* never UTF-8 */
        "t=%FE%FF",       "t=%80",          /* a lone continuation byte */
        "t=%C3",                            /* cut two-byte sequence */
        "t=%C3+",                           /* ... followed by a space */
        "t=%E6%97",                         /* cut three-byte sequence */
        "t=%F0%9F%94",                      /* cut four-byte sequence */
        "t=%C0%AF",                         /* overlong '/' */
        "t=%C1%BF",       "t=%E0%80%AF",    /* overlong, three bytes */
        "t=%F0%80%80%AF",                   /* overlong, four bytes */
        "t=%ED%A0%80",                      /* a UTF-16 surrogate */
        "t=%ED%BF%BF",    "t=%F4%90%80%80", /* past U+10FFFF */
        "t=%F5%80%80%80", "t=ok%C3%28",     /* a bad continuation byte */
        "t=\xFF",                           /* raw bytes, not escaped */
        "t=\xC3",         "t=\xED\xA0\x80",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        VALUE_REFUSED(bad[i], strlen(bad[i]), "t", REASON_UTF8);
}

static void test_invalid_utf8_in_names(void **state)
{
    (void)state;
    NAME_REFUSED("%FF=1", 5, REASON_UTF8);
    NAME_REFUSED("%C3=1", 5, REASON_UTF8);
    NAME_REFUSED("\xC0\xAF=1", 4, REASON_UTF8);
    NAME_REFUSED("%ED%A0%80", 9, REASON_UTF8);
}

static void test_long_field_name_reported_cut(void **state)
{
    (void)state;
    /* A field name longer than the status holds is cut, and not inside a character. */
    strbuf b;
    strbuf_init(&b, 4096);
    for (int i = 0; i < 62; i++)
        strbuf_putc(&b, 'k');
    strbuf_puts(&b, "%C3%A9%C3%A9=%ZZ"); /* 62 + 4 bytes decoded */
    isms_err e = decode_n(b.ptr, b.len);
    assert_int_equal(e, ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    size_t len = strlen(ST.fields[0].field);
    assert_true(len < ISMS_FIELD_NAME_MAX);
    assert_int_equal(len, 62); /* 62 'k', the cut 'é' dropped whole */
    assert_memory_equal(ST.fields[0].field, b.ptr, 62);
    assert_string_equal(ST.fields[0].reason, REASON_ESCAPE);
    strbuf_dispose(&b);
}

/* --- limits ---------------------------------------------------------------- */

/* A body of n pairs "kI=vI". */
static void pairs_body(strbuf *b, size_t n)
{
    strbuf_reset(b);
    for (size_t i = 0; i < n; i++)
        strbuf_printf(b, "%sk%zu=v%zu", i ? "&" : "", i, i);
}

static void test_max_pairs(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1u << 20);
    pairs_body(&b, FORM_MAX_PAIRS);
    DECODES_N(b.ptr, b.len);
    assert_int_equal(F->n, FORM_MAX_PAIRS);
    PAIR_IS(0, "k0", "v0");
    PAIR_IS(FORM_MAX_PAIRS - 1, "k255", "v255");
    /* Empty pairs do not count. */
    strbuf_puts(&b, "&&&&");
    DECODES_N(b.ptr, b.len);
    assert_int_equal(F->n, FORM_MAX_PAIRS);
    /* One more is refused as too big, with the limit in the detail. */
    pairs_body(&b, FORM_MAX_PAIRS + 1);
    assert_int_equal(decode_n(b.ptr, b.len), ISMS_ETOOBIG);
    assert_int_equal(ST.code, ISMS_ETOOBIG);
    assert_int_equal(ST.nfields, 0);
    assert_string_equal(ST.detail, "the form has more than 256 fields");
    /* Many more: the same, and nothing is written past the arrays (ASan build). */
    pairs_body(&b, 10 * FORM_MAX_PAIRS);
    assert_int_equal(decode_n(b.ptr, b.len), ISMS_ETOOBIG);
    /* Keys without values count as pairs too. */
    strbuf_reset(&b);
    for (size_t i = 0; i <= FORM_MAX_PAIRS; i++)
        strbuf_puts(&b, "x&");
    assert_int_equal(decode_n(b.ptr, b.len), ISMS_ETOOBIG);
    strbuf_dispose(&b);
}

static void test_long_values(void **state)
{
    (void)state;
    /* No length limit of its own (the server caps the body): 1 MiB decodes whole. */
    size_t n = 1u << 20;
    char *body = malloc(n);
    assert_non_null(body);
    memcpy(body, "t=", 2);
    memset(body + 2, 'x', n - 2);
    DECODES_N(body, n);
    assert_int_equal(F->n, 1);
    assert_int_equal(strlen(F->values[0]), n - 2);
    /* A long run of escapes: each %XX is one byte. */
    for (size_t i = 2; i + 3 <= n; i += 3)
        memcpy(body + i, "%41", 3);
    size_t len = 2 + (n - 2) / 3 * 3;
    DECODES_N(body, len);
    assert_int_equal(strlen(F->values[0]), (len - 2) / 3);
    /* A bad escape at the very end of a long value is still found. */
    body[len - 1] = 'G';
    VALUE_REFUSED(body, len, "t", REASON_ESCAPE);
    free(body);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pairs),
        T(test_empty_body),
        T(test_plus_is_space),
        T(test_percent_escapes),
        T(test_empty_values_and_keys_without_equals),
        T(test_empty_pairs_skipped),
        T(test_utf8_accepted),
        T(test_length_is_respected),
        T(test_get_and_count),
        T(test_reuse_resets),
        T(test_bad_escapes_in_values),
        T(test_bad_escapes_in_names),
        T(test_escaped_nul_refused),
        T(test_raw_nul_refused),
        T(test_invalid_utf8_in_values),
        T(test_invalid_utf8_in_names),
        T(test_long_field_name_reported_cut),
        T(test_max_pairs),
        T(test_long_values),
    };
#undef T
    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
