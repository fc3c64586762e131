/*
 * Unit tests for value parsing, formatting and comparison on every field type
 * of the fixture's specimen kind, for human ids and for UTF-8 counting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/record.h"
#include "core/value.h"
#include "support/fixture.h"

typedef struct ctx {
    arena a;
    strbuf out;
    char reason[200];
} ctx;

static int setup(void **state)
{
    ctx *c = test_calloc(1, sizeof(*c));
    arena_init(&c->a);
    strbuf_init(&c->out, 4096);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    strbuf_dispose(&c->out);
    arena_dispose(&c->a);
    test_free(c);
    return 0;
}

static const isms_field *field(const char *name)
{
    const isms_field *f = kind_field(&fixture_specimen, name);
    assert_non_null(f);
    return f;
}

/* Parse text for a specimen field; asserts the outcome. */
static isms_value parse_ok(ctx *c, const char *name, const char *text)
{
    isms_value v;
    c->reason[0] = '\0';
    bool ok = value_parse(fixture_registry(), field(name), text, &c->a, &v, c->reason,
                          sizeof(c->reason));
    if (!ok)
        fail_msg("%s: '%s' refused: %s", name, text, c->reason);
    return v;
}

static const char *parse_fail(ctx *c, const char *name, const char *text)
{
    isms_value v;
    c->reason[0] = '\0';
    if (value_parse(fixture_registry(), field(name), text, &c->a, &v, c->reason,
                    sizeof(c->reason)))
        fail_msg("%s: '%s' accepted", name, text);
    assert_true(c->reason[0] != '\0');
    return c->reason;
}

static const char *format(ctx *c, const char *name, const isms_value *v)
{
    strbuf_reset(&c->out);
    value_format(field(name), v, &c->out);
    assert_true(strbuf_ok(&c->out));
    return c->out.ptr;
}

/* Parse and format: the canonical text form. */
static const char *canon(ctx *c, const char *name, const char *text)
{
    isms_value v = parse_ok(c, name, text);
    return format(c, name, &v);
}

/* ---- empty text ---- */

static void test_empty_text_is_unset_for_every_type(void **state)
{
    ctx *c = *state;
    for (size_t i = 0; i < fixture_specimen.nfields; i++) {
        const isms_field *f = &fixture_specimen.fields[i];
        isms_value v;
        memset(&v, 0xAB, sizeof(v));
        assert_true(value_parse(fixture_registry(), f, "", &c->a, &v, c->reason,
                                sizeof(c->reason)));
        assert_false(v.set);
        assert_null(v.s);
        assert_int_equal(v.n, 0);
        strbuf_reset(&c->out);
        value_format(f, &v, &c->out);
        assert_string_equal(c->out.ptr, "");
    }
}

/* ---- text ---- */

static void test_text(void **state)
{
    ctx *c = *state;
    const char *src = "Caf\xc3\xa9 \"quoted\" \\ x";
    isms_value v = parse_ok(c, "title", src);
    assert_true(v.set);
    assert_ptr_not_equal(v.s, src);
    assert_string_equal(v.s, src);
    assert_string_equal(format(c, "title", &v), src);

    /* Whitespace is kept as given; rules about it belong to validation. */
    assert_string_equal(canon(c, "title", "  padded  "), "  padded  ");

    isms_value lt = parse_ok(c, "note", "line one\nline two\n");
    assert_string_equal(lt.s, "line one\nline two\n");
    assert_string_equal(format(c, "note", &lt), "line one\nline two\n");

    isms_value a = parse_ok(c, "title", "same"), b = parse_ok(c, "title", "same"),
               d = parse_ok(c, "title", "Same"), unset = parse_ok(c, "title", "");
    assert_true(value_equal(field("title"), &a, &b));
    assert_false(value_equal(field("title"), &a, &d));
    assert_false(value_equal(field("title"), &a, &unset));
    assert_false(value_equal(field("title"), &unset, &a));
    isms_value unset2 = parse_ok(c, "title", "");
    assert_true(value_equal(field("title"), &unset, &unset2));
}

/* ---- int ---- */

static void test_int(void **state)
{
    ctx *c = *state;
    isms_value v = parse_ok(c, "count", "42");
    assert_true(v.set);
    assert_int_equal(v.i, 42);
    assert_string_equal(format(c, "count", &v), "42");

    assert_int_equal(parse_ok(c, "count", "0").i, 0);
    assert_int_equal(parse_ok(c, "count", "-17").i, -17);
    assert_int_equal(parse_ok(c, "count", "007").i, 7);
    assert_string_equal(canon(c, "count", "007"), "7");
    /* Range is validation's business, not syntax. */
    assert_int_equal(parse_ok(c, "count", "1000").i, 1000);

    assert_true(parse_ok(c, "count", "9223372036854775807").i == INT64_MAX);
    assert_true(parse_ok(c, "count", "-9223372036854775808").i == INT64_MIN);
    assert_string_equal(canon(c, "count", "-9223372036854775808"), "-9223372036854775808");

    assert_string_equal(parse_fail(c, "count", "9223372036854775808"), "expected a whole number");
    parse_fail(c, "count", "-9223372036854775809");
    parse_fail(c, "count", "99999999999999999999999");
    parse_fail(c, "count", "+5");
    parse_fail(c, "count", "-");
    parse_fail(c, "count", "1.0");
    parse_fail(c, "count", " 5");
    parse_fail(c, "count", "5 ");
    parse_fail(c, "count", "0x10");
    parse_fail(c, "count", "12abc");

    isms_value a = parse_ok(c, "count", "5"), b = parse_ok(c, "count", "05"),
               d = parse_ok(c, "count", "6");
    assert_true(value_equal(field("count"), &a, &b));
    assert_false(value_equal(field("count"), &a, &d));
}

static void test_parse_int64_direct(void **state)
{
    (void)state;
    int64_t v = 99;
    assert_true(parse_int64("123", &v));
    assert_int_equal(v, 123);
    v = 99;
    assert_false(parse_int64("", &v));
    assert_false(parse_int64("18446744073709551616", &v));
    assert_int_equal(v, 99); /* untouched on failure */
}

/* ---- decimal ---- */

static void test_decimal_exact(void **state)
{
    ctx *c = *state;
    isms_value v = parse_ok(c, "amount", "12.5");
    assert_int_equal(v.i, 12500000);
    assert_string_equal(format(c, "amount", &v), "12.5");

    v = parse_ok(c, "amount", "-0.000001");
    assert_int_equal(v.i, -1);
    assert_string_equal(format(c, "amount", &v), "-0.000001");

    assert_int_equal(parse_ok(c, "amount", "0.000001").i, 1);
    assert_int_equal(parse_ok(c, "amount", "-3").i, -3000000);
    assert_string_equal(canon(c, "amount", "-3"), "-3");
    assert_string_equal(canon(c, "amount", "0"), "0");
    assert_string_equal(canon(c, "amount", "-0"), "0");
    assert_string_equal(canon(c, "amount", "0.10"), "0.1");
    assert_string_equal(canon(c, "amount", "1.230000"), "1.23");
    assert_string_equal(canon(c, "amount", "0.1"), "0.1"); /* no binary rounding */
    assert_string_equal(canon(c, "amount", "-1234.000500"), "-1234.0005");
    assert_string_equal(canon(c, "amount", "000012.5"), "12.5");

    /* The widest accepted: 12 digits before and 6 after the point. */
    v = parse_ok(c, "amount", "999999999999.999999");
    assert_true(v.i == INT64_C(999999999999999999));
    assert_string_equal(format(c, "amount", &v), "999999999999.999999");
    v = parse_ok(c, "amount", "-999999999999.999999");
    assert_true(v.i == -INT64_C(999999999999999999));
    assert_string_equal(format(c, "amount", &v), "-999999999999.999999");

    isms_value a = parse_ok(c, "amount", "2.50"), b = parse_ok(c, "amount", "2.5"),
               d = parse_ok(c, "amount", "2.500001");
    assert_true(value_equal(field("amount"), &a, &b));
    assert_false(value_equal(field("amount"), &a, &d));
}

static void test_decimal_rejected(void **state)
{
    ctx *c = *state;
    assert_string_equal(parse_fail(c, "amount", "1000000000000"),
                        "expected a number with at most 12 digits before and 6 after the "
                        "decimal point");
    parse_fail(c, "amount", "1.0000001"); /* 7 decimals */
    parse_fail(c, "amount", "0.0000001");
    parse_fail(c, "amount", "1234567890123.5");
    parse_fail(c, "amount", ".5");
    parse_fail(c, "amount", "5.");
    parse_fail(c, "amount", "-");
    parse_fail(c, "amount", "+1");
    parse_fail(c, "amount", "1e3");
    parse_fail(c, "amount", "1,5");
    parse_fail(c, "amount", "1.2.3");
    parse_fail(c, "amount", " 1");
    parse_fail(c, "amount", "NaN");
}

static void test_format_decimal_micro_direct(void **state)
{
    (void)state;
    char buf[32];
    format_decimal_micro(0, buf);
    assert_string_equal(buf, "0");
    format_decimal_micro(1, buf);
    assert_string_equal(buf, "0.000001");
    format_decimal_micro(-1500000, buf);
    assert_string_equal(buf, "-1.5");
    format_decimal_micro(INT64_MAX, buf);
    assert_string_equal(buf, "9223372036854.775807");
    format_decimal_micro(INT64_MIN, buf);
    assert_string_equal(buf, "-9223372036854.775808");
}

/* ---- bool ---- */

static void test_bool_spellings(void **state)
{
    ctx *c = *state;
    static const char *const yes[] = {"true", "TRUE", "True", "yes", "YES", "Yes", "1"};
    static const char *const no[] = {"false", "FALSE", "no", "No", "0"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        isms_value v = parse_ok(c, "flag", yes[i]);
        assert_true(v.set);
        assert_int_equal(v.i, 1);
        assert_string_equal(format(c, "flag", &v), "true");
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        isms_value v = parse_ok(c, "flag", no[i]);
        assert_true(v.set); /* false is a value, not "unset" */
        assert_int_equal(v.i, 0);
        assert_string_equal(format(c, "flag", &v), "false");
    }
    assert_string_equal(parse_fail(c, "flag", "on"), "expected true or false");
    parse_fail(c, "flag", "off");
    parse_fail(c, "flag", "2");
    parse_fail(c, "flag", "y");
    parse_fail(c, "flag", "truex");
    parse_fail(c, "flag", " true");

    isms_value t1 = parse_ok(c, "flag", "yes"), t2 = parse_ok(c, "flag", "1"),
               f1 = parse_ok(c, "flag", "no"), unset = parse_ok(c, "flag", "");
    assert_true(value_equal(field("flag"), &t1, &t2));
    assert_false(value_equal(field("flag"), &t1, &f1));
    assert_false(value_equal(field("flag"), &f1, &unset)); /* false != unset */
}

/* ---- date ---- */

static void test_date(void **state)
{
    ctx *c = *state;
    isms_value v = parse_ok(c, "day", "2024-03-15");
    assert_string_equal(v.s, "2024-03-15");
    assert_string_equal(format(c, "day", &v), "2024-03-15");

    /* Leap years: every 4, not every 100, every 400. */
    parse_ok(c, "day", "2024-02-29");
    parse_ok(c, "day", "2000-02-29");
    parse_ok(c, "day", "2027-02-28");
    parse_ok(c, "day", "2027-12-31");
    parse_ok(c, "day", "0001-01-01");
    parse_ok(c, "day", "9999-12-31");
    assert_string_equal(parse_fail(c, "day", "2027-02-30"), "expected a date as YYYY-MM-DD");
    parse_fail(c, "day", "2023-02-29");
    parse_fail(c, "day", "1900-02-29");
    parse_fail(c, "day", "2100-02-29");
    parse_fail(c, "day", "2024-04-31");
    parse_fail(c, "day", "2024-13-01");
    parse_fail(c, "day", "2024-00-10");
    parse_fail(c, "day", "2024-01-00");
    parse_fail(c, "day", "2024-01-32");
    parse_fail(c, "day", "0000-01-01");
    parse_fail(c, "day", "2024-1-01");
    parse_fail(c, "day", "2024/01/01");
    parse_fail(c, "day", "2024-01-01T00:00:00Z");
    parse_fail(c, "day", "2024-01-01 ");
    parse_fail(c, "day", "20240101");
    parse_fail(c, "day", "yesterday");

    assert_true(parse_date("2024-02-29"));
    assert_false(parse_date("2027-02-30"));

    isms_value a = parse_ok(c, "day", "2024-01-02"), b = parse_ok(c, "day", "2024-01-02"),
               d = parse_ok(c, "day", "2024-01-03");
    assert_true(value_equal(field("day"), &a, &b));
    assert_false(value_equal(field("day"), &a, &d));
}

/* ---- datetime ---- */

static void test_datetime_normalised_to_utc(void **state)
{
    ctx *c = *state;
    assert_string_equal(canon(c, "at", "2024-03-01T10:00:00Z"), "2024-03-01T10:00:00Z");
    assert_string_equal(canon(c, "at", "2024-03-01t10:00:00z"), "2024-03-01T10:00:00Z");
    assert_string_equal(canon(c, "at", "2024-03-01T10:00:00+00:00"), "2024-03-01T10:00:00Z");
    assert_string_equal(canon(c, "at", "2024-03-01T10:00:00-00:00"), "2024-03-01T10:00:00Z");
    assert_string_equal(canon(c, "at", "2024-03-01T10:00:00+02:00"), "2024-03-01T08:00:00Z");
    assert_string_equal(canon(c, "at", "2024-03-01T10:15:30-05:30"), "2024-03-01T15:45:30Z");
    /* Across a day, a leap day and a year. */
    assert_string_equal(canon(c, "at", "2024-03-01T01:00:00+02:00"), "2024-02-29T23:00:00Z");
    assert_string_equal(canon(c, "at", "2023-03-01T01:00:00+02:00"), "2023-02-28T23:00:00Z");
    assert_string_equal(canon(c, "at", "2023-12-31T23:30:00-01:00"), "2024-01-01T00:30:00Z");
    assert_string_equal(canon(c, "at", "2024-06-30T23:59:59Z"), "2024-06-30T23:59:59Z");
    /* The whole range of years, four digits always. */
    assert_string_equal(canon(c, "at", "0500-01-01T00:00:00Z"), "0500-01-01T00:00:00Z");
    assert_string_equal(canon(c, "at", "0001-01-01T01:00:00+01:00"), "0001-01-01T00:00:00Z");
    assert_string_equal(canon(c, "at", "0999-12-31T23:00:00-02:00"), "1000-01-01T01:00:00Z");
    assert_string_equal(canon(c, "at", "9999-12-31T23:59:59Z"), "9999-12-31T23:59:59Z");

    isms_value v = parse_ok(c, "at", "2024-03-01T10:00:00+02:00");
    assert_string_equal(v.s, "2024-03-01T08:00:00Z");
    isms_value same = parse_ok(c, "at", "2024-03-01T08:00:00Z");
    assert_true(value_equal(field("at"), &v, &same));

    char out[21];
    assert_true(parse_datetime("2024-12-31T23:59:59+14:00", out));
    assert_string_equal(out, "2024-12-31T09:59:59Z");
}

static void test_datetime_rejected(void **state)
{
    ctx *c = *state;
    assert_string_equal(parse_fail(c, "at", "2024-03-01T10:00:00"),
                        "expected a date and time as YYYY-MM-DDTHH:MM:SSZ");
    parse_fail(c, "at", "2024-03-01 10:00:00Z");
    parse_fail(c, "at", "2024-03-01T24:00:00Z");
    parse_fail(c, "at", "2024-03-01T10:60:00Z");
    parse_fail(c, "at", "2024-03-01T10:00:60Z");
    parse_fail(c, "at", "2024-02-30T10:00:00Z");
    parse_fail(c, "at", "2024-03-01T10:00:00.123Z");
    parse_fail(c, "at", "2024-03-01T10:00:00+0200");
    parse_fail(c, "at", "2024-03-01T10:00:00+02");
    parse_fail(c, "at", "2024-03-01T10:00:00+24:00");
    parse_fail(c, "at", "2024-03-01T10:00:00+02:60");
    parse_fail(c, "at", "2024-03-01T10:00:00ZZ");
    parse_fail(c, "at", "2024-03-01T10:00:00Z ");
    parse_fail(c, "at", "2024-03-01");
    /* Offsets that move the instant out of years 1..9999. */
    parse_fail(c, "at", "0001-01-01T00:30:00+01:00");
    parse_fail(c, "at", "9999-12-31T23:30:00-01:00");
}

/* ---- enum ---- */

static void test_enum_copied(void **state)
{
    ctx *c = *state;
    char src[] = "high";
    isms_value v = parse_ok(c, "level", src);
    assert_true(v.set);
    assert_ptr_not_equal(v.s, src);
    src[0] = 'X';
    assert_string_equal(v.s, "high");
    assert_string_equal(format(c, "level", &v), "high");

    /* Membership is checked by validation, so parsing keeps any text. */
    isms_value other = parse_ok(c, "level", "extreme");
    assert_string_equal(other.s, "extreme");

    isms_value again = parse_ok(c, "level", "high");
    assert_true(value_equal(field("level"), &v, &again));
    assert_false(value_equal(field("level"), &v, &other));
}

/* ---- ref ---- */

static void test_ref(void **state)
{
    ctx *c = *state;
    isms_value v = parse_ok(c, "parent", "PAR-3");
    assert_true(v.set);
    assert_int_equal(v.i, 3);
    assert_string_equal(format(c, "parent", &v), "PAR-3");

    assert_int_equal(parse_ok(c, "parent", "3").i, 3);
    assert_int_equal(parse_ok(c, "parent", "par-3").i, 3);
    assert_string_equal(canon(c, "parent", "par-3"), "PAR-3");
    assert_int_equal(parse_ok(c, "parent", "PAR-123456789012345").i, INT64_C(123456789012345));

    assert_string_equal(parse_fail(c, "parent", "SPC-3"),
                        "expected a parent-thing id (such as PAR-1)");
    parse_fail(c, "parent", "PAR-0");
    parse_fail(c, "parent", "0");
    parse_fail(c, "parent", "PAR-03");
    parse_fail(c, "parent", "PAR--3");
    parse_fail(c, "parent", "PAR-");
    parse_fail(c, "parent", "PAR3");
    parse_fail(c, "parent", "PAR-3x");
    parse_fail(c, "parent", "-3");
    parse_fail(c, "parent", "PAR-1234567890123456"); /* 16 digits */
    parse_fail(c, "parent", "PARX-3");

    isms_value a = parse_ok(c, "parent", "PAR-3"), b = parse_ok(c, "parent", "3"),
               d = parse_ok(c, "parent", "PAR-4");
    assert_true(value_equal(field("parent"), &a, &b));
    assert_false(value_equal(field("parent"), &a, &d));
}

/* ---- reflist ---- */

static void test_reflist(void **state)
{
    ctx *c = *state;
    isms_value v = parse_ok(c, "friends", "SPC-1,SPC-2");
    assert_true(v.set);
    assert_int_equal(v.n, 2);
    assert_int_equal(v.ids[0], 1);
    assert_int_equal(v.ids[1], 2);
    assert_string_equal(format(c, "friends", &v), "SPC-1,SPC-2");

    /* The user's order is kept; spaces, bare numbers and case are accepted. */
    v = parse_ok(c, "friends", " spc-7, 3 ,SPC-1 ");
    assert_int_equal(v.n, 3);
    assert_int_equal(v.ids[0], 7);
    assert_int_equal(v.ids[1], 3);
    assert_int_equal(v.ids[2], 1);
    assert_string_equal(format(c, "friends", &v), "SPC-7,SPC-3,SPC-1");

    v = parse_ok(c, "friends", "SPC-9");
    assert_int_equal(v.n, 1);
    assert_string_equal(format(c, "friends", &v), "SPC-9");

    /* Only separators: no value. */
    v = parse_ok(c, "friends", " , ,");
    assert_false(v.set);
    assert_int_equal(v.n, 0);

    assert_string_equal(parse_fail(c, "friends", "SPC-1,SPC-2,SPC-1"),
                        "the list names the same record twice");
    parse_fail(c, "friends", "SPC-4,4");
    assert_string_equal(parse_fail(c, "friends", "SPC-1,PAR-2"),
                        "'PAR-2' is not a specimen id (such as SPC-1)");
    parse_fail(c, "friends", "SPC-1,SPC-0");
    assert_string_equal(parse_fail(c, "friends", "SPC-1,SPC-111111111111111111111111111111"),
                        "an id in the list is too long");

    isms_value a = parse_ok(c, "friends", "SPC-1,SPC-2"), b = parse_ok(c, "friends", "1, 2"),
               d = parse_ok(c, "friends", "SPC-2,SPC-1"), e = parse_ok(c, "friends", "SPC-1");
    assert_true(value_equal(field("friends"), &a, &b));
    assert_false(value_equal(field("friends"), &a, &d)); /* order matters */
    assert_false(value_equal(field("friends"), &a, &e));
}

/* ---- anyref ---- */

static void test_anyref(void **state)
{
    ctx *c = *state;
    isms_value v = parse_ok(c, "subject", "PAR-2");
    assert_true(v.set);
    assert_ptr_equal(v.kind, &fixture_parent);
    assert_int_equal(v.i, 2);
    assert_string_equal(format(c, "subject", &v), "PAR-2");

    isms_value s = parse_ok(c, "subject", "spc-2");
    assert_ptr_equal(s.kind, &fixture_specimen);
    assert_int_equal(s.i, 2);
    assert_string_equal(format(c, "subject", &s), "SPC-2");

    isms_value l = parse_ok(c, "subject", "LED-10");
    assert_ptr_equal(l.kind, &fixture_ledger);
    assert_int_equal(l.i, 10);

    assert_string_equal(parse_fail(c, "subject", "2"),
                        "expected the id of a record (such as ISS-1)");
    parse_fail(c, "subject", "ISS-2"); /* not a kind of this registry */
    parse_fail(c, "subject", "PAR-0");
    parse_fail(c, "subject", "PAR-x");
    parse_fail(c, "subject", "-2");
    parse_fail(c, "subject", "PAR-2-3");

    /* Same number, different kind: different values. */
    isms_value p2 = parse_ok(c, "subject", "par-2");
    assert_true(value_equal(field("subject"), &v, &p2));
    assert_false(value_equal(field("subject"), &v, &s));
}

/* ---- human ids ---- */

static void test_human_id_parse(void **state)
{
    (void)state;
    int64_t id = -1;
    assert_true(human_id_parse(&fixture_specimen, "SPC-12", &id));
    assert_int_equal(id, 12);
    assert_true(human_id_parse(&fixture_specimen, "spc-13", &id));
    assert_int_equal(id, 13);
    assert_true(human_id_parse(&fixture_specimen, "14", &id));
    assert_int_equal(id, 14);
    assert_true(human_id_parse(&fixture_specimen, "999999999999999", &id));
    assert_true(id == INT64_C(999999999999999));

    id = -1;
    assert_false(human_id_parse(&fixture_specimen, "PAR-12", &id));
    assert_false(human_id_parse(&fixture_specimen, "", &id));
    assert_false(human_id_parse(&fixture_specimen, "SPC-", &id));
    assert_false(human_id_parse(&fixture_specimen, "SPC-0", &id));
    assert_false(human_id_parse(&fixture_specimen, "SPC-012", &id));
    assert_false(human_id_parse(&fixture_specimen, "SPC-+1", &id));
    assert_false(human_id_parse(&fixture_specimen, "SPC 1", &id));
    assert_false(human_id_parse(&fixture_specimen, "SPC-1 ", &id));
    assert_false(human_id_parse(&fixture_specimen, "1000000000000000", &id));
    assert_int_equal(id, -1);

    char buf[ISMS_HUMAN_ID_MAX];
    human_id_format(buf, &fixture_parent, 42);
    assert_string_equal(buf, "PAR-42");
    arena a;
    arena_init(&a);
    assert_string_equal(human_id(&a, &fixture_ledger, 7), "LED-7");
    arena_dispose(&a);
}

static void test_human_id_parse_any(void **state)
{
    (void)state;
    const isms_registry *reg = fixture_registry();
    const isms_kind *k = NULL;
    int64_t id = 0;
    assert_true(human_id_parse_any(reg, "SPC-5", &k, &id));
    assert_ptr_equal(k, &fixture_specimen);
    assert_int_equal(id, 5);
    assert_true(human_id_parse_any(reg, "par-77", &k, &id));
    assert_ptr_equal(k, &fixture_parent);
    assert_int_equal(id, 77);
    assert_true(human_id_parse_any(reg, "Led-1", &k, &id));
    assert_ptr_equal(k, &fixture_ledger);
    assert_int_equal(id, 1);

    k = NULL;
    id = 0;
    assert_false(human_id_parse_any(reg, "5", &k, &id));
    assert_false(human_id_parse_any(reg, "", &k, &id));
    assert_false(human_id_parse_any(reg, "XYZ-5", &k, &id));
    assert_false(human_id_parse_any(reg, "SP-5", &k, &id));
    assert_false(human_id_parse_any(reg, "SPCX-5", &k, &id));
    assert_false(human_id_parse_any(reg, "SPC-0", &k, &id));
    assert_false(human_id_parse_any(reg, "SPC-05", &k, &id));
    assert_false(human_id_parse_any(reg, "SPC-", &k, &id));
    assert_false(human_id_parse_any(reg, "-5", &k, &id));
    assert_null(k);

    /* The product registry knows its own prefixes. */
    assert_true(human_id_parse_any(registry_default(), "REQ-3", &k, &id));
    assert_string_equal(k->name, "requirement");
    assert_int_equal(id, 3);
    assert_false(human_id_parse_any(registry_default(), "SPC-3", &k, &id));
}

/* ---- UTF-8 ---- */

static bool count(const char *s, size_t *n)
{
    return utf8_count(s, strlen(s), n);
}

static void test_utf8_count_valid(void **state)
{
    (void)state;
    size_t n = 99;
    assert_true(count("", &n));
    assert_int_equal(n, 0);
    assert_true(count("hello", &n));
    assert_int_equal(n, 5);
    assert_true(count("h\xc3\xa9llo", &n)); /* é: 2 bytes */
    assert_int_equal(n, 5);
    assert_true(count("\xe6\x97\xa5\xe6\x9c\xac", &n)); /* 日本: 3 bytes each */
    assert_int_equal(n, 2);
    assert_true(count("\xf0\x9f\x98\x80!", &n)); /* 😀: 4 bytes */
    assert_int_equal(n, 2);
    /* Boundaries of each length. */
    assert_true(count("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80"
                      "\xf4\x8f\xbf\xbf",
                      &n));
    assert_int_equal(n, 7);
    assert_true(count("\xed\x9f\xbf\xee\x80\x80", &n)); /* U+D7FF, U+E000 */
    assert_int_equal(n, 2);
    /* The length given counts, not the NUL. */
    assert_true(utf8_count("a\0b", 3, &n));
    assert_int_equal(n, 3);
    assert_true(utf8_count("h\xc3\xa9llo", 3, &n));
    assert_int_equal(n, 2);
}

static void test_utf8_count_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\x80",                 /* lone continuation byte */
        "a\xbf",                /* continuation without a lead */
        "\xc3",                 /* truncated 2-byte */
        "\xe6\x97",             /* truncated 3-byte */
        "\xf0\x9f\x98",         /* truncated 4-byte */
        "\xc3\x28",             /* bad continuation */
        "\xe2\x28\xa1",         /* bad continuation in 3-byte */
        "\xc0\xaf",             /* overlong '/' (2 bytes) */
        "\xc1\xbf",             /* overlong (2 bytes) */
        "\xe0\x80\xaf",         /* overlong '/' (3 bytes) */
        "\xe0\x9f\xbf",         /* overlong U+07FF */
        "\xf0\x80\x80\xaf",     /* overlong '/' (4 bytes) */
        "\xf0\x8f\xbf\xbf",     /* overlong U+FFFF */
        "\xed\xa0\x80",         /* surrogate U+D800 */
        "\xed\xbf\xbf",         /* surrogate U+DFFF */
        "\xf4\x90\x80\x80",     /* U+110000 */
        "\xf5\x80\x80\x80",     /* lead byte past U+10FFFF */
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xfe",
        "\xff",
        "ok\xc3\xa9 then \xff",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = 12345;
        if (count(bad[i], &n))
            fail_msg("bad[%zu] accepted as %zu characters", i, n);
        assert_int_equal(n, 12345);
    }
    /* A valid sequence cut by the given length. */
    size_t n;
    assert_false(utf8_count("h\xc3\xa9llo", 2, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_text_is_unset_for_every_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int, setup, teardown),
        cmocka_unit_test(test_parse_int64_direct),
        cmocka_unit_test_setup_teardown(test_decimal_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_rejected, setup, teardown),
        cmocka_unit_test(test_format_decimal_micro_direct),
        cmocka_unit_test_setup_teardown(test_bool_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetime_normalised_to_utc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetime_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reflist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anyref, setup, teardown),
        cmocka_unit_test(test_human_id_parse),
        cmocka_unit_test(test_human_id_parse_any),
        cmocka_unit_test(test_utf8_count_valid),
        cmocka_unit_test(test_utf8_count_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
