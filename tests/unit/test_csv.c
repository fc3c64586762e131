/*
 * The CSV writer (report/csv_write.h): RFC 4180 quoting, CRLF, UTF-8, and the
 * spreadsheet formula guard, whose quote the import removes again exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report/csv_write.h"

static const char *field(strbuf *b, const char *text)
{
    strbuf_reset(b);
    csvw_field(b, text);
    return b->ptr;
}

static void test_quoting(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1024);
    assert_string_equal(field(&b, "plain"), "plain");
    assert_string_equal(field(&b, ""), "");
    assert_string_equal(field(&b, "a,b"), "\"a,b\"");
    assert_string_equal(field(&b, "say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_string_equal(field(&b, "two\nlines"), "\"two\nlines\"");
    assert_string_equal(field(&b, "cr\rhere"), "\"cr\rhere\"");
    assert_string_equal(field(&b, " padded "), "\" padded \"");
    assert_string_equal(field(&b, "Grüße ✓"), "Grüße ✓");
    strbuf_dispose(&b);
}

static void test_row(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1024);
    const char *cells[] = {"id", "a,b", NULL, "x"};
    csvw_row(&b, cells, 4);
    assert_string_equal(b.ptr, "id,\"a,b\",,x\r\n");
    strbuf_dispose(&b);
}

static void test_formula_guard(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1024);
    assert_string_equal(field(&b, "=1+2"), "\"'=1+2\"");
    assert_string_equal(field(&b, "+1"), "\"'+1\"");
    assert_string_equal(field(&b, "-5"), "\"'-5\"");
    assert_string_equal(field(&b, "@SUM(A1)"), "\"'@SUM(A1)\"");
    assert_string_equal(field(&b, "\tx"), "\"'\tx\"");
    assert_string_equal(field(&b, "\rx"), "\"'\rx\"");
    assert_string_equal(field(&b, "'=x"), "\"''=x\"");
    assert_string_equal(field(&b, "it's"), "it's");
    assert_string_equal(field(&b, "'quoted'"), "'quoted'");
    assert_string_equal(field(&b, "a=b"), "a=b");
    strbuf_dispose(&b);
}

/* Whatever the text, guard then unguard gives it back. */
static void test_guard_round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {"=1", "+", "-", "@", "\t", "\r", "'=1", "''=1", "'",
                                        "''", "'a", "a", "", "=", "'+-@"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        const char *t = texts[i];
        char guarded[64];
        snprintf(guarded, sizeof(guarded), "%s%s", csvw_needs_guard(t) ? "'" : "", t);
        assert_string_equal(csvw_unguard(guarded), t);
    }
    assert_string_equal(csvw_unguard("'plain"), "'plain");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_row),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_guard_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
