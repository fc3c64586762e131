/*
 * Unit tests for the strict input decoding of the JSON API: request bodies
 * (json_parse_body, record_changes_from_json) on every field type of the
 * fixture's specimen and on product kinds, and the query parameters of a
 * list (list_query_from_params). Every refusal must name the member or
 * parameter at fault.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_decode.h"
#include "core/value.h"
#include "http/list_query.h"
#include "support/fixture.h"

enum { MAX_CHANGES = 32 };

static arena A;
static isms_status ST;
static record_change CH[MAX_CHANGES];
static size_t NCH;
static int64_t VERSION;

static int group_setup(void **state)
{
    (void)state;
    arena_init(&A);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    arena_dispose(&A);
    return 0;
}

/* --- helpers ------------------------------------------------------------ */

/* Parse a body and decode it for kind k; the body must parse. */
static isms_err decode_kind(const isms_registry *reg, const isms_kind *k, const char *text,
                            unsigned flags, size_t max)
{
    status_clear(&ST);
    json_t *body = json_parse_body(text, strlen(text), &ST);
    if (!body)
        fail_msg("body does not parse: %s: %s", text, ST.detail);
    VERSION = -1;
    NCH = 99;
    isms_err e = record_changes_from_json(reg, k, body, flags, &A, CH, max, &NCH, &VERSION, &ST);
    json_decref(body); /* values must not point into the JSON */
    return e;
}

static isms_err decode(const char *text)
{
    return decode_kind(fixture_registry(), &fixture_specimen, text, 0, MAX_CHANGES);
}

/* The reason given for a field, or NULL. */
static const char *reason_of(const char *field)
{
    for (size_t i = 0; i < ST.nfields; i++)
        if (strcmp(ST.fields[i].field, field) == 0)
            return ST.fields[i].reason;
    return NULL;
}

/* Decoding must succeed with exactly one change; returns its value. */
static isms_value one_ok(const char *text)
{
    isms_err e = decode(text);
    if (e != ISMS_OK)
        fail_msg("%s refused: %s: %s", text, ST.nfields ? ST.fields[0].field : "",
                 ST.nfields ? ST.fields[0].reason : ST.detail);
    assert_int_equal(NCH, 1);
    return CH[0].value;
}

/* Decoding must fail on exactly field `field`; returns the reason. */
static const char *one_refused(const char *text, const char *field)
{
    isms_err e = decode(text);
    if (e != ISMS_EINVALID)
        fail_msg("%s accepted", text);
    assert_int_equal(ST.code, ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    assert_string_equal(ST.fields[0].field, field);
    assert_true(strlen(ST.fields[0].reason) > 0);
    return ST.fields[0].reason;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("'%s' does not contain '%s'", haystack ? haystack : "(null)", needle);
}

static int64_t decimal_ok(const char *text)
{
    char body[160];
    snprintf(body, sizeof(body), "{\"amount\": %s}", text);
    isms_value v = one_ok(body);
    assert_true(v.set);
    return v.i;
}

static const char *decimal_refused(const char *text)
{
    char body[160];
    snprintf(body, sizeof(body), "{\"amount\": %s}", text);
    return one_refused(body, "amount");
}

static bool valid_text(const char *s)
{
    size_t chars;
    return utf8_count(s, strlen(s), &chars);
}

/* --- bodies: every type --------------------------------------------------- */

static void test_text_accepted(void **state)
{
    (void)state;
    assert_int_equal(decode("{\"title\": \"Widget\", \"note\": \"two\\nlines\", "
                            "\"level\": \"high\", \"status\": \"done\", \"secret\": \"s3\"}"),
                     ISMS_OK);
    assert_int_equal(NCH, 5);
    assert_int_equal(VERSION, 0);
    assert_string_equal(CH[0].field->name, "title");
    assert_true(CH[0].value.set);
    assert_string_equal(CH[0].value.s, "Widget");
    assert_string_equal(CH[1].field->name, "note");
    assert_string_equal(CH[1].value.s, "two\nlines");
    assert_string_equal(CH[2].value.s, "high");
    assert_string_equal(CH[3].value.s, "done");
    assert_string_equal(CH[4].field->name, "secret"); /* secret: written, never shown */
    assert_string_equal(CH[4].value.s, "s3");
    /* Unicode arrives decoded. */
    isms_value v = one_ok("{\"title\": \"Gr\\u00fc\\u00dfe \xe2\x82\xac\"}");
    assert_string_equal(v.s, "Gr\xc3\xbc\xc3\x9f"
                             "e \xe2\x82\xac");
    /* An unknown enum value is record_validate's to refuse: it is the right type. */
    assert_string_equal(one_ok("{\"level\": \"extreme\"}").s, "extreme");
}

static void test_blank_text_is_unset(void **state)
{
    (void)state;
    assert_false(one_ok("{\"title\": \"\"}").set);
    assert_false(one_ok("{\"title\": \" \\t\\r\\n \"}").set);
    assert_false(one_ok("{\"note\": \"   \"}").set);
    assert_false(one_ok("{\"level\": \" \"}").set);
    /* Surrounding blanks of real text are kept: validation decides. */
    assert_string_equal(one_ok("{\"title\": \" x \"}").s, " x ");
}

static void test_text_refused(void **state)
{
    (void)state;
    assert_string_equal(one_refused("{\"title\": 5}", "title"), "expected a string");
    assert_string_equal(one_refused("{\"note\": true}", "note"), "expected a string");
    assert_string_equal(one_refused("{\"level\": [\"low\"]}", "level"), "expected a string");
    assert_string_equal(one_refused("{\"status\": {\"v\": \"open\"}}", "status"),
                        "expected a string");
    assert_string_equal(one_refused("{\"title\": 1.5}", "title"), "expected a string");
}

static void test_null_clears(void **state)
{
    (void)state;
    assert_int_equal(decode("{\"note\": null, \"count\": null, \"amount\": null, "
                            "\"flag\": null, \"day\": null, \"at\": null, \"level\": null, "
                            "\"parent\": null, \"friends\": null, \"subject\": null}"),
                     ISMS_OK);
    assert_int_equal(NCH, 10);
    for (size_t i = 0; i < NCH; i++)
        assert_false(CH[i].value.set);
}

static void test_int(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"count\": 42}");
    assert_true(v.set);
    assert_int_equal(v.i, 42);
    assert_int_equal(one_ok("{\"count\": 0}").i, 0);
    /* Range is record_validate's: the type is right. */
    assert_int_equal(one_ok("{\"count\": -7}").i, -7);
    assert_int_equal(one_ok("{\"count\": 9223372036854775807}").i, INT64_MAX);
    assert_int_equal(one_ok("{\"count\": -9223372036854775808}").i, INT64_MIN);
    assert_string_equal(one_refused("{\"count\": 1.0}", "count"), "expected a whole number");
    assert_string_equal(one_refused("{\"count\": 1.5}", "count"), "expected a whole number");
    assert_string_equal(one_refused("{\"count\": 1e2}", "count"), "expected a whole number");
    assert_string_equal(one_refused("{\"count\": \"42\"}", "count"), "expected a whole number");
    assert_string_equal(one_refused("{\"count\": true}", "count"), "expected a whole number");
    assert_string_equal(one_refused("{\"count\": [1]}", "count"), "expected a whole number");
}

static void test_decimal_exact(void **state)
{
    (void)state;
    assert_int_equal(decimal_ok("12.5"), 12500000);
    assert_int_equal(decimal_ok("0.000001"), 1);
    assert_int_equal(decimal_ok("-0.000001"), -1);
    assert_int_equal(decimal_ok("0.1"), 100000);
    assert_int_equal(decimal_ok("0.3"), 300000);
    assert_int_equal(decimal_ok("-12.345678"), -12345678);
    assert_int_equal(decimal_ok("0.0001"), 100);
    assert_int_equal(decimal_ok("0.00005"), 50);
    assert_int_equal(decimal_ok("1e2"), 100000000);
    assert_int_equal(decimal_ok("1.5E-5"), 15);
    assert_int_equal(decimal_ok("0.0"), 0);
    assert_int_equal(decimal_ok("-0.0"), 0);
    assert_int_equal(decimal_ok("7"), 7000000);
    assert_int_equal(decimal_ok("-7"), -7000000);
    assert_int_equal(decimal_ok("999999999999"), INT64_C(999999999999000000));
    /* 15 significant digits go through a double exactly. */
    assert_int_equal(decimal_ok("123456789.123456"), INT64_C(123456789123456));
    assert_int_equal(decimal_ok("999999999.999999"), INT64_C(999999999999999));
    /* Any precision as a string. */
    assert_int_equal(decimal_ok("\"123456789012.123456\""), INT64_C(123456789012123456));
    assert_int_equal(decimal_ok("\"-999999999999.999999\""), -INT64_C(999999999999999999));
    assert_int_equal(decimal_ok("\"12.5\""), 12500000);
    assert_int_equal(decimal_ok("\"0.000001\""), 1);
    assert_int_equal(decimal_ok("\"3\""), 3000000);
}

static void test_decimal_refused(void **state)
{
    (void)state;
    const char *syntax =
        "expected a number with at most 12 digits before and 6 after the decimal point";
    const char *precise = "send numbers with more than 15 significant digits as a string";
    assert_string_equal(decimal_refused("1e-7"), syntax);
    assert_string_equal(decimal_refused("0.0000001"), syntax);
    assert_string_equal(decimal_refused("0.1234567"), syntax);
    assert_string_equal(decimal_refused("1e15"), syntax);
    assert_string_equal(decimal_refused("1e300"), syntax);
    assert_string_equal(decimal_refused("1234567890123"), syntax);
    assert_string_equal(decimal_refused("-1234567890123"), syntax);
    assert_string_equal(decimal_refused("9223372036854775807"), syntax);
    assert_string_equal(decimal_refused("123456789012.123456"), precise);
    assert_string_equal(decimal_refused("0.30000000000000004"), precise);
    assert_string_equal(decimal_refused("1234567890.1234567"), precise);
    assert_string_equal(decimal_refused("\"0.0000001\""), syntax);
    assert_string_equal(decimal_refused("\"1234567890123\""), syntax);
    assert_string_equal(decimal_refused("\"1e3\""), syntax);
    assert_string_equal(decimal_refused("\"12.5x\""), syntax);
    assert_string_equal(decimal_refused("\" 12.5\""), syntax);
    assert_string_equal(decimal_refused("\"\""), syntax);
    assert_string_equal(decimal_refused("\"12.\""), syntax);
    assert_string_equal(decimal_refused("\".5\""), syntax);
    assert_contains(decimal_refused("true"), "expected a number");
    assert_contains(decimal_refused("[12.5]"), "expected a number");
    assert_contains(decimal_refused("{}"), "expected a number");
}

static void test_bool(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"flag\": true}");
    assert_true(v.set);
    assert_int_equal(v.i, 1);
    v = one_ok("{\"flag\": false}");
    assert_true(v.set);
    assert_int_equal(v.i, 0);
    assert_string_equal(one_refused("{\"flag\": \"true\"}", "flag"), "expected true or false");
    assert_string_equal(one_refused("{\"flag\": 1}", "flag"), "expected true or false");
    assert_string_equal(one_refused("{\"flag\": 0}", "flag"), "expected true or false");
    assert_string_equal(one_refused("{\"flag\": \"yes\"}", "flag"), "expected true or false");
}

static void test_date(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"day\": \"2024-02-29\"}");
    assert_true(v.set);
    assert_string_equal(v.s, "2024-02-29");
    assert_contains(one_refused("{\"day\": \"2023-02-29\"}", "day"), "YYYY-MM-DD");
    assert_contains(one_refused("{\"day\": \"2024-2-29\"}", "day"), "YYYY-MM-DD");
    assert_contains(one_refused("{\"day\": \"2024-02-29T00:00:00Z\"}", "day"), "YYYY-MM-DD");
    assert_contains(one_refused("{\"day\": 20240229}", "day"), "YYYY-MM-DD");
    assert_contains(one_refused("{\"day\": \"\"}", "day"), "YYYY-MM-DD");
}

static void test_datetime(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"at\": \"2024-03-01T10:00:00+02:00\"}");
    assert_true(v.set);
    assert_string_equal(v.s, "2024-03-01T08:00:00Z");
    assert_string_equal(one_ok("{\"at\": \"2024-03-01t10:00:00z\"}").s, "2024-03-01T10:00:00Z");
    assert_contains(one_refused("{\"at\": \"2024-03-01\"}", "at"), "YYYY-MM-DDTHH:MM:SSZ");
    assert_contains(one_refused("{\"at\": \"2024-03-01 10:00:00Z\"}", "at"), "YYYY-MM-DDTHH");
    assert_contains(one_refused("{\"at\": 1709287200}", "at"), "YYYY-MM-DDTHH:MM:SSZ");
}

static void test_ref(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"parent\": \"PAR-3\"}");
    assert_true(v.set);
    assert_int_equal(v.i, 3);
    assert_int_equal(one_ok("{\"parent\": \"par-12\"}").i, 12);
    /* human_id_parse also takes the bare number of the target kind. */
    assert_int_equal(one_ok("{\"parent\": \"12\"}").i, 12);
    const char *r = one_refused("{\"parent\": \"SPC-3\"}", "parent");
    assert_contains(r, "parent-thing");
    assert_contains(r, "PAR-1");
    one_refused("{\"parent\": \"PAR-0\"}", "parent");
    one_refused("{\"parent\": \"PAR-\"}", "parent");
    one_refused("{\"parent\": \"\"}", "parent");
    assert_contains(one_refused("{\"parent\": 3}", "parent"), "as a string");
    one_refused("{\"parent\": [\"PAR-3\"]}", "parent");
}

static void test_reflist(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"friends\": [\"SPC-2\", \"spc-7\", \"SPC-1\"]}");
    assert_true(v.set);
    assert_int_equal(v.n, 3);
    assert_int_equal(v.ids[0], 2);
    assert_int_equal(v.ids[1], 7);
    assert_int_equal(v.ids[2], 1);
    v = one_ok("{\"friends\": []}");
    assert_false(v.set);
    assert_int_equal(v.n, 0);
    assert_contains(one_refused("{\"friends\": \"SPC-2\"}", "friends"), "list");
    assert_contains(one_refused("{\"friends\": [\"SPC-2\", \"SPC-2\"]}", "friends"), "twice");
    assert_contains(one_refused("{\"friends\": [\"SPC-2\", \"spc-2\"]}", "friends"), "twice");
    const char *r = one_refused("{\"friends\": [\"SPC-2\", 5]}", "friends");
    assert_contains(r, "entry 2");
    assert_contains(r, "a number");
    assert_contains(one_refused("{\"friends\": [\"SPC-2\", null]}", "friends"), "entry 2");
    assert_contains(one_refused("{\"friends\": [\"PAR-1\"]}", "friends"), "'PAR-1'");
    assert_contains(one_refused("{\"friends\": [[\"SPC-1\"]]}", "friends"), "an array");

    /* At most 1000 entries. */
    static char body[20 * 1002 + 32];
    for (int count = 1000; count <= 1001; count++) {
        size_t w = (size_t)sprintf(body, "{\"friends\": [");
        for (int i = 1; i <= count; i++)
            w += (size_t)sprintf(body + w, "%s\"SPC-%d\"", i > 1 ? "," : "", i);
        sprintf(body + w, "]}");
        if (count == 1000) {
            v = one_ok(body);
            assert_int_equal(v.n, 1000);
            assert_int_equal(v.ids[999], 1000);
        } else {
            assert_contains(one_refused(body, "friends"), "more than 1000");
        }
    }
}

static void test_anyref(void **state)
{
    (void)state;
    isms_value v = one_ok("{\"subject\": \"PAR-2\"}");
    assert_true(v.set);
    assert_ptr_equal(v.kind, &fixture_parent);
    assert_int_equal(v.i, 2);
    v = one_ok("{\"subject\": \"led-5\"}");
    assert_ptr_equal(v.kind, &fixture_ledger);
    assert_int_equal(v.i, 5);
    assert_contains(one_refused("{\"subject\": \"XYZ-1\"}", "subject"), "id of a record");
    one_refused("{\"subject\": \"2\"}", "subject");
    one_refused("{\"subject\": 2}", "subject");
    one_refused("{\"subject\": \"\"}", "subject");
    one_refused("{\"subject\": [\"PAR-2\"]}", "subject");
}

/* --- bodies: members ------------------------------------------------------- */

static void test_unknown_members(void **state)
{
    (void)state;
    assert_string_equal(one_refused("{\"bogus\": 1}", "bogus"), "is not a field of specimen");
    assert_string_equal(one_refused("{\"Title\": \"x\"}", "Title"), "is not a field of specimen");
    assert_string_equal(one_refused("{\"\": \"x\"}", ""), "is not a field of specimen");

    const isms_registry *reg = registry_default();
    const isms_kind *issue = registry_kind(reg, "context-issue");
    assert_non_null(issue);
    assert_int_equal(
        decode_kind(reg, issue, "{\"title\": \"x\", \"colour\": \"red\"}", 0, MAX_CHANGES),
        ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    assert_string_equal(ST.fields[0].field, "colour");
    assert_string_equal(ST.fields[0].reason, "is not a field of context-issue");

    /* A long key is named in full text, cut at a character boundary. */
    char body[400];
    snprintf(body, sizeof(body), "{\"%s\": 1}",
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    assert_int_equal(decode(body), ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    assert_true(valid_text(ST.fields[0].field));
    assert_true(strlen(ST.fields[0].field) < ISMS_FIELD_NAME_MAX);
}

static void test_read_only_members(void **state)
{
    (void)state;
    static const char *const names[] = {"id",         "kind",           "created_at", "created_by",
                                        "updated_at", "updated_by",     "retired",    "retired_at",
                                        "retired_by", "retired_reason", "version"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char body[100];
        snprintf(body, sizeof(body), "{\"title\": \"x\", \"%s\": \"SPC-1\"}", names[i]);
        assert_int_equal(decode(body), ISMS_EINVALID);
        assert_int_equal(ST.nfields, 1);
        assert_string_equal(ST.fields[0].field, names[i]);
        assert_string_equal(ST.fields[0].reason, "is set by isms and cannot be written");
        /* null does not make them writable */
        snprintf(body, sizeof(body), "{\"%s\": null}", names[i]);
        assert_string_equal(one_refused(body, names[i]), "is set by isms and cannot be written");
    }
    /* Derived fields are computed, whatever the value. */
    assert_contains(one_refused("{\"score\": 84}", "score"), "cannot be written");
    assert_contains(one_refused("{\"score\": null}", "score"), "computed by isms");
}

static void test_version(void **state)
{
    (void)state;
    const isms_registry *reg = fixture_registry();
    const isms_kind *k = &fixture_specimen;
    /* Create: version is not the user's to write. */
    assert_int_equal(decode_kind(reg, k, "{\"version\": 3}", 0, MAX_CHANGES), ISMS_EINVALID);
    assert_string_equal(reason_of("version"), "is set by isms and cannot be written");
    assert_int_equal(VERSION, 0);
    /* Update: the version read. */
    assert_int_equal(decode_kind(reg, k, "{\"title\": \"x\", \"version\": 3}",
                                 RECORD_DECODE_VERSION, MAX_CHANGES),
                     ISMS_OK);
    assert_int_equal(NCH, 1);
    assert_int_equal(VERSION, 3);
    assert_int_equal(
        decode_kind(reg, k, "{\"version\": 9007199254740993}", RECORD_DECODE_VERSION, MAX_CHANGES),
        ISMS_OK);
    assert_int_equal(NCH, 0);
    assert_int_equal(VERSION, INT64_C(9007199254740993));
    assert_int_equal(decode_kind(reg, k, "{\"title\": \"x\"}", RECORD_DECODE_VERSION, MAX_CHANGES),
                     ISMS_OK);
    assert_int_equal(VERSION, 0);
    static const char *const bad[] = {"0", "-1", "\"3\"", "1.0", "null", "true", "[3]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[64];
        snprintf(body, sizeof(body), "{\"version\": %s}", bad[i]);
        assert_int_equal(decode_kind(reg, k, body, RECORD_DECODE_VERSION, MAX_CHANGES),
                         ISMS_EINVALID);
        assert_int_equal(ST.nfields, 1);
        assert_string_equal(reason_of("version"), "must be a positive whole number");
        assert_int_equal(VERSION, 0);
    }
    /* A NULL version pointer is allowed when the caller does not want it. */
    status_clear(&ST);
    json_t *body = json_parse_body("{\"version\": 2}", 14, &ST);
    assert_non_null(body);
    assert_int_equal(record_changes_from_json(reg, k, body, RECORD_DECODE_VERSION, &A, CH,
                                              MAX_CHANGES, &NCH, NULL, &ST),
                     ISMS_OK);
    json_decref(body);
}

static void test_errors_collected(void **state)
{
    (void)state;
    assert_int_equal(decode("{\"count\": \"x\", \"title\": \"ok\", \"flag\": 3, "
                            "\"bogus\": 1, \"id\": \"SPC-1\", \"day\": \"soon\", "
                            "\"score\": 2}"),
                     ISMS_EINVALID);
    assert_int_equal(ST.code, ISMS_EINVALID);
    assert_string_equal(ST.detail, "the input has invalid fields");
    assert_int_equal(ST.nfields, 6);
    static const char *const order[] = {"count", "flag", "bogus", "id", "day", "score"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(ST.fields[i].field, order[i]);
    assert_string_equal(reason_of("count"), "expected a whole number");
    assert_string_equal(reason_of("flag"), "expected true or false");
    assert_string_equal(reason_of("bogus"), "is not a field of specimen");
    assert_null(reason_of("title"));
}

static void test_too_many_changes(void **state)
{
    (void)state;
    const char *body = "{\"title\": \"x\", \"count\": 1, \"flag\": true}";
    assert_int_equal(decode_kind(fixture_registry(), &fixture_specimen, body, 0, 3), ISMS_OK);
    assert_int_equal(NCH, 3);
    assert_int_equal(decode_kind(fixture_registry(), &fixture_specimen, body, 0, 2), ISMS_ETOOBIG);
    assert_int_equal(ST.code, ISMS_ETOOBIG);
    assert_true(NCH <= 2);
    assert_contains(ST.detail, "more than 2");
    assert_int_equal(decode_kind(fixture_registry(), &fixture_specimen, body, 0, 0), ISMS_ETOOBIG);
    assert_int_equal(NCH, 0);
}

static void test_empty_body(void **state)
{
    (void)state;
    assert_int_equal(decode("{}"), ISMS_OK);
    assert_int_equal(NCH, 0);
    assert_int_equal(ST.code, ISMS_OK);
}

static void test_body_not_object(void **state)
{
    (void)state;
    json_t *bodies[] = {json_array(), json_string("x"), json_integer(3), json_null(), json_true()};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        status_clear(&ST);
        NCH = 7;
        assert_int_equal(record_changes_from_json(fixture_registry(), &fixture_specimen, bodies[i],
                                                  0, &A, CH, MAX_CHANGES, &NCH, &VERSION, &ST),
                         ISMS_EINVALID);
        assert_int_equal(NCH, 0);
        assert_string_equal(ST.detail, "the body must be a JSON object");
        assert_int_equal(ST.nfields, 1);
        assert_string_equal(ST.fields[0].field, "");
        json_decref(bodies[i]);
    }
    status_clear(&ST);
    assert_int_equal(record_changes_from_json(fixture_registry(), &fixture_specimen, NULL, 0, &A,
                                              CH, MAX_CHANGES, &NCH, &VERSION, &ST),
                     ISMS_EINVALID);
    assert_string_equal(ST.detail, "the body must be a JSON object");
}

static void test_nul_in_strings_and_keys(void **state)
{
    (void)state;
    /* Parsed bodies cannot hold NUL; bodies built by hand can. */
    json_t *body = json_object();
    json_object_set_new(body, "title", json_stringn("a\0b", 3));
    json_object_setn_new(body, "count\0x", 7, json_integer(1));
    status_clear(&ST);
    assert_int_equal(record_changes_from_json(fixture_registry(), &fixture_specimen, body, 0, &A,
                                              CH, MAX_CHANGES, &NCH, &VERSION, &ST),
                     ISMS_EINVALID);
    assert_int_equal(ST.nfields, 2);
    assert_contains(reason_of("title"), "NUL");
    assert_string_equal(reason_of("count"), "is not a field of specimen");
    json_decref(body);

    status_clear(&ST);
    assert_null(json_parse_body("{\"title\": \"a\\u0000b\"}", 21, &ST));
    assert_int_equal(ST.code, ISMS_EINVALID);
    assert_non_null(reason_of("body"));
}

static void test_product_kind(void **state)
{
    (void)state;
    const isms_registry *reg = registry_default();
    const isms_kind *issue = registry_kind(reg, "context-issue");
    assert_int_equal(decode_kind(reg, issue,
                                 "{\"title\": \"Supplier failure\", \"origin\": \"external\", "
                                 "\"category\": \"economic\", \"climate_related\": false, "
                                 "\"owner\": \"PER-3\", \"review_date\": \"2025-06-30\", "
                                 "\"description\": null}",
                                 0, MAX_CHANGES),
                     ISMS_OK);
    assert_int_equal(NCH, 7);
    assert_string_equal(CH[1].field->name, "origin");
    assert_string_equal(CH[1].value.s, "external");
    assert_int_equal(CH[3].value.i, 0);
    assert_true(CH[3].value.set);
    assert_string_equal(CH[5].value.s, "2025-06-30");
    assert_string_equal(CH[4].field->name, "owner");
    assert_int_equal(CH[4].value.i, 3);
    /* An owner is a person's id; a name is refused, naming the field. */
    assert_int_equal(decode_kind(reg, issue, "{\"owner\": \"Alice\"}", 0, MAX_CHANGES),
                     ISMS_EINVALID);
    assert_contains(reason_of("owner"), "expected a person id as a string (such as \"PER-1\")");

    const isms_kind *req = registry_kind(reg, "requirement");
    assert_non_null(req);
    assert_int_equal(decode_kind(reg, req, "{\"party\": \"IP-3\"}", 0, MAX_CHANGES), ISMS_OK);
    assert_int_equal(CH[0].value.i, 3);
    assert_int_equal(decode_kind(reg, req, "{\"party\": \"ISS-3\"}", 0, MAX_CHANGES),
                     ISMS_EINVALID);
    assert_contains(reason_of("party"), "interested-party");

    const isms_kind *proc = registry_kind(reg, "process");
    assert_non_null(proc);
    assert_int_equal(
        decode_kind(reg, proc, "{\"interacts_with\": [\"PRC-1\", \"PRC-2\"]}", 0, MAX_CHANGES),
        ISMS_OK);
    assert_int_equal(CH[0].value.n, 2);
}

/* --- json_parse_body --------------------------------------------------------- */

static void parse_refused(const char *data, size_t len, const char *needle)
{
    status_clear(&ST);
    json_t *j = json_parse_body(data, len, &ST);
    if (j) {
        json_decref(j);
        fail_msg("'%.*s' parsed", (int)len, data ? data : "");
    }
    assert_int_equal(ST.code, ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    assert_string_equal(ST.fields[0].field, "body");
    assert_contains(ST.fields[0].reason, needle);
    assert_contains(ST.detail, needle);
    assert_true(valid_text(ST.fields[0].reason));
    assert_true(valid_text(ST.detail));
}

static void test_parse_body(void **state)
{
    (void)state;
    status_clear(&ST);
    const char *text = "  {\"title\": \"x\", \"count\": 1}\n";
    json_t *j = json_parse_body(text, strlen(text), &ST);
    assert_non_null(j);
    assert_true(json_is_object(j));
    assert_int_equal(json_object_size(j), 2);
    assert_int_equal(ST.code, ISMS_OK);
    json_decref(j);
    /* Only len bytes are read. */
    j = json_parse_body("{}garbage", 2, &ST);
    assert_non_null(j);
    json_decref(j);
}

static void test_parse_body_refused(void **state)
{
    (void)state;
    const char *dup = "{\"title\": \"a\",\n \"title\": \"b\"}";
    parse_refused(dup, strlen(dup), "duplicate");
    parse_refused(dup, strlen(dup), "line 2");
    const char *nested = "{\"x\": {\"a\": 1, \"a\": 2}}";
    parse_refused(nested, strlen(nested), "duplicate");
    parse_refused("[1, 2]", 6, "must be a JSON object, not an array");
    parse_refused("\"x\"", 3, "must be a JSON object, not a string");
    parse_refused("12", 2, "must be a JSON object, not a number");
    parse_refused("null", 4, "must be a JSON object, not null");
    parse_refused("true", 4, "must be a JSON object");
    parse_refused("", 0, "empty");
    parse_refused(" \r\n\t", 4, "empty");
    parse_refused(NULL, 0, "empty");
    parse_refused("{", 1, "not valid JSON");
    parse_refused("{\"a\": 1,}", 9, "column");
    parse_refused("{} {}", 5, "not valid JSON");
    parse_refused("{\"a\": 01}", 9, "not valid JSON");
    parse_refused("{\"a\": NaN}", 10, "not valid JSON");
    parse_refused("{\"a\": 99999999999999999999}", 27, "not valid JSON");
    parse_refused("{'a': 1}", 8, "not valid JSON");
    /* Invalid UTF-8 and raw NUL bytes; the message stays valid text. */
    parse_refused("{\"a\": \"\xff\xfe\"}", 11, "not valid JSON");
    parse_refused("{\"\xc3\": 1}", 8, "not valid JSON");
    parse_refused("{\"a\": \"x\0y\"}", 12, "not valid JSON");
}

static void test_message_text_copy(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(message_text_copy(buf, sizeof(buf), "abc"), "abc");
    assert_string_equal(message_text_copy(buf, sizeof(buf), "abcdefg"), "abcdefg");
    assert_string_equal(message_text_copy(buf, sizeof(buf), "abcdefgh"), "abcd...");
    assert_string_equal(message_text_copy(buf, sizeof(buf),
                                          "a\xff"
                                          "b\x01"),
                        "a?b?");
    /* Cut before a character that does not fit whole. */
    assert_string_equal(message_text_copy(buf, sizeof(buf), "ab\xe2\x82\xac\xe2\x82\xac"), "ab...");
    assert_string_equal(message_text_copy(buf, sizeof(buf), "\xe2\x82\xac\xe2\x82\xac"),
                        "\xe2\x82\xac\xe2\x82\xac");
    /* Overlong forms, surrogates and truncated sequences are not text. */
    assert_string_equal(message_text_copy(buf, sizeof(buf), "\xc0\xaf"), "??");
    assert_string_equal(message_text_copy(buf, sizeof(buf), "\xed\xa0\x80"), "???");
    assert_string_equal(message_text_copy(buf, sizeof(buf), "x\xe2\x82"), "x??");
    char tiny[3];
    assert_string_equal(message_text_copy(tiny, sizeof(tiny), "abcdef"), "ab");
    assert_string_equal(message_text_copy(tiny, sizeof(tiny), "\xe2\x82\xac"), "");
    assert_ptr_equal(message_text_copy(tiny, 0, "x"), tiny);
}

/* --- list query parameters ------------------------------------------------- */

static store_query Q;

static isms_err params_kind(const isms_kind *k, const char *const *kv, size_t n)
{
    const char *keys[32], *values[32];
    assert_true(n <= 32);
    for (size_t i = 0; i < n; i++) {
        keys[i] = kv[2 * i];
        values[i] = kv[2 * i + 1];
    }
    status_clear(&ST);
    memset(&Q, 0xA5, sizeof(Q));
    const isms_registry *reg =
        k == &fixture_specimen || k == &fixture_parent ? fixture_registry() : registry_default();
    return list_query_from_params(reg, k, keys, values, n, &A, &Q, &ST);
}

#define PARAMS(...)                                                                                \
    params_kind(&fixture_specimen, (const char *const[]){__VA_ARGS__},                             \
                sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *) / 2)

static void params_ok(isms_err e)
{
    if (e != ISMS_OK)
        fail_msg("refused: %s: %s", ST.nfields ? ST.fields[0].field : "",
                 ST.nfields ? ST.fields[0].reason : ST.detail);
    assert_int_equal(ST.code, ISMS_OK);
}

/* Refused with one error, naming param; returns the reason. */
static const char *params_refused(isms_err e, const char *param)
{
    assert_int_equal(e, ISMS_EINVALID);
    assert_int_equal(ST.code, ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    assert_string_equal(ST.fields[0].field, param);
    assert_true(valid_text(ST.fields[0].reason));
    return ST.fields[0].reason;
}

static void test_list_defaults(void **state)
{
    (void)state;
    params_ok(params_kind(&fixture_specimen, NULL, 0));
    assert_ptr_equal(Q.kind, &fixture_specimen);
    assert_int_equal(Q.limit, STORE_PAGE_DEFAULT);
    assert_int_equal(Q.retired, STORE_ACTIVE_ONLY);
    assert_null(Q.sort);
    assert_false(Q.desc);
    assert_null(Q.q);
    assert_null(Q.cursor);
    assert_int_equal(Q.nfilters, 0);
}

static void test_list_sort(void **state)
{
    (void)state;
    params_ok(PARAMS("sort", "count"));
    assert_string_equal(Q.sort->name, "count");
    assert_false(Q.desc);
    params_ok(PARAMS("sort", "-day"));
    assert_string_equal(Q.sort->name, "day");
    assert_true(Q.desc);
    params_ok(PARAMS("sort", "id"));
    assert_null(Q.sort);
    assert_false(Q.desc);
    params_ok(PARAMS("sort", "-id"));
    assert_null(Q.sort);
    assert_true(Q.desc);
    params_ok(PARAMS("sort", "score")); /* derived, sortable */
    assert_string_equal(Q.sort->name, "score");

    const char *r = params_refused(PARAMS("sort", "note"), "sort");
    assert_contains(r, "cannot sort by 'note'");
    assert_contains(r, "title, count, amount, day, at, level, score");
    assert_contains(params_refused(PARAMS("sort", "flag"), "sort"), "'flag'");
    assert_contains(params_refused(PARAMS("sort", "friends"), "sort"), "'friends'");
    assert_contains(params_refused(PARAMS("sort", "secret"), "sort"), "'secret'");
    assert_contains(params_refused(PARAMS("sort", "bogus"), "sort"), "'bogus'");
    assert_contains(params_refused(PARAMS("sort", "+count"), "sort"), "'+count'");
    assert_contains(params_refused(PARAMS("sort", "--count"), "sort"), "'-count'");
    assert_contains(params_refused(PARAMS("sort", "Count"), "sort"), "'Count'");
    assert_contains(params_refused(PARAMS("sort", ""), "sort"), "''");
    assert_contains(params_refused(PARAMS("sort", "-"), "sort"), "''");
    /* Quoted input stays valid text. */
    params_refused(PARAMS("sort", "\xff\xfe"), "sort");
}

static void test_list_q(void **state)
{
    (void)state;
    params_ok(PARAMS("q", "wid get"));
    assert_string_equal(Q.q, "wid get");
    params_ok(PARAMS("q", ""));
    assert_null(Q.q);
    char text[STORE_QUERY_TEXT_MAX + 2];
    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    assert_contains(params_refused(PARAMS("q", text), "q"), "longer than 200 bytes");
    text[STORE_QUERY_TEXT_MAX] = '\0';
    params_ok(PARAMS("q", text));
    assert_int_equal(strlen(Q.q), STORE_QUERY_TEXT_MAX);
    assert_ptr_not_equal(Q.q, text); /* copied into the arena */
    assert_contains(params_refused(PARAMS("q", "a\xff"), "q"), "UTF-8");
}

static void test_list_limit(void **state)
{
    (void)state;
    params_ok(PARAMS("limit", "1"));
    assert_int_equal(Q.limit, 1);
    params_ok(PARAMS("limit", "200"));
    assert_int_equal(Q.limit, STORE_PAGE_MAX);
    static const char *const bad[] = {
        "0", "201", "-1", "abc", "", "5x", "1.5", " 5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_string_equal(params_refused(PARAMS("limit", bad[i]), "limit"),
                            "must be a whole number from 1 to 200");
}

static void test_list_cursor_and_retired(void **state)
{
    (void)state;
    params_ok(PARAMS("cursor", "abc123"));
    assert_string_equal(Q.cursor, "abc123");
    assert_contains(params_refused(PARAMS("cursor", ""), "cursor"), "empty");
    static char long_cursor[STORE_CURSOR_MAX + 2];
    memset(long_cursor, 'a', STORE_CURSOR_MAX + 1);
    long_cursor[STORE_CURSOR_MAX + 1] = '\0';
    params_refused(PARAMS("cursor", long_cursor), "cursor");

    params_ok(PARAMS("retired", "exclude"));
    assert_int_equal(Q.retired, STORE_ACTIVE_ONLY);
    params_ok(PARAMS("retired", "include"));
    assert_int_equal(Q.retired, STORE_WITH_RETIRED);
    params_ok(PARAMS("retired", "only"));
    assert_int_equal(Q.retired, STORE_RETIRED_ONLY);
    static const char *const bad[] = {"yes", "", "Include", "all", "true"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_string_equal(params_refused(PARAMS("retired", bad[i]), "retired"),
                            "must be exclude, include or only");
}

static void test_list_filters(void **state)
{
    (void)state;
    params_ok(PARAMS("count", "5", "flag", "yes", "day", "2024-01-31", "level", "high", "status",
                     "open", "parent", "PAR-1", "friends", "SPC-2", "subject", "LED-4"));
    assert_int_equal(Q.nfilters, 8);
    assert_string_equal(Q.filters[0].field->name, "count");
    assert_int_equal(Q.filters[0].value.i, 5);
    assert_int_equal(Q.filters[1].value.i, 1);
    assert_string_equal(Q.filters[2].value.s, "2024-01-31");
    assert_string_equal(Q.filters[3].value.s, "high");
    assert_int_equal(Q.filters[5].value.i, 1);
    assert_int_equal(Q.filters[6].value.n, 1);
    assert_int_equal(Q.filters[6].value.ids[0], 2);
    assert_ptr_equal(Q.filters[7].value.kind, &fixture_ledger);
    assert_int_equal(Q.filters[7].value.i, 4);
    for (size_t i = 0; i < Q.nfilters; i++)
        assert_true(Q.filters[i].value.set);

    /* An empty value filters for "no value". */
    params_ok(PARAMS("level", "", "parent", "", "friends", ""));
    assert_int_equal(Q.nfilters, 3);
    for (size_t i = 0; i < 3; i++)
        assert_false(Q.filters[i].value.set);
    /* A NULL value counts as empty. */
    params_ok(PARAMS("day", NULL));
    assert_int_equal(Q.nfilters, 1);
    assert_false(Q.filters[0].value.set);

    /* Together with the other parameters. */
    params_ok(PARAMS("sort", "-level", "level", "low", "limit", "10", "q", "w", "retired",
                     "include", "cursor", "c"));
    assert_int_equal(Q.nfilters, 1);
    assert_int_equal(Q.limit, 10);
    assert_true(Q.desc);
}

static void test_list_filters_refused(void **state)
{
    (void)state;
    assert_contains(params_refused(PARAMS("count", "abc"), "count"), "whole number");
    assert_contains(params_refused(PARAMS("flag", "maybe"), "flag"), "true or false");
    assert_contains(params_refused(PARAMS("day", "2024-13-01"), "day"), "YYYY-MM-DD");
    assert_contains(params_refused(PARAMS("level", "extreme"), "level"), "low, mid, high");
    assert_contains(params_refused(PARAMS("parent", "SPC-1"), "parent"), "parent-thing");
    assert_contains(params_refused(PARAMS("friends", "SPC-1,SPC-2"), "friends"),
                    "one record at a time");
    assert_contains(params_refused(PARAMS("friends", "PAR-1"), "friends"), "PAR-1");
    assert_contains(params_refused(PARAMS("subject", "NOPE-1"), "subject"), "id of a record");
    /* value_parse quotes the input: the reason stays valid text */
    params_refused(PARAMS("friends", "\xff\xfe"), "friends");
}

static void test_list_params_refused(void **state)
{
    (void)state;
    /* Fields that cannot be filtered on. */
    static const char *const unfilterable[] = {"title", "note", "amount", "at", "secret", "score"};
    for (size_t i = 0; i < sizeof(unfilterable) / sizeof(unfilterable[0]); i++) {
        const char *r = params_refused(PARAMS(unfilterable[i], "x"), unfilterable[i]);
        assert_contains(r, "cannot filter on this field");
        assert_contains(r, "count, flag, day, level, status, parent, friends, subject");
    }
    /* Unknown parameters. */
    assert_contains(params_refused(PARAMS("bogus", "1"), "bogus"), "not a list parameter");
    assert_contains(params_refused(PARAMS("Sort", "count"), "Sort"), "not a list parameter");
    assert_contains(params_refused(PARAMS("page", "2"), "page"), "not a list parameter");
    assert_contains(params_refused(PARAMS("", "2"), ""), "not a list parameter");
    params_refused(params_kind(&fixture_specimen, (const char *const[]){NULL, "x"}, 1), "");
    /* A key that is not text is named as valid text. */
    assert_int_equal(PARAMS("\xff\xfe", "1"), ISMS_EINVALID);
    assert_string_equal(ST.fields[0].field, "??");

    /* Repeated parameters, whichever they are. */
    static const char *const names[] = {"sort", "q", "limit", "cursor", "retired", "level"};
    static const char *const values[] = {"count", "w", "5", "c", "include", "low"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_string_equal(
            params_refused(PARAMS(names[i], values[i], names[i], values[i]), names[i]),
            "is given more than once");
    assert_int_equal(PARAMS("level", "low", "count", "1", "level", "high"), ISMS_EINVALID);
    assert_int_equal(ST.nfields, 1);
    assert_string_equal(ST.fields[0].field, "level");

    /* Every problem is reported, each naming its parameter. */
    assert_int_equal(PARAMS("sort", "note", "limit", "0", "foo", "1", "count", "x", "retired", "no",
                            "title", "t"),
                     ISMS_EINVALID);
    assert_int_equal(ST.nfields, 6);
    static const char *const order[] = {"sort", "limit", "foo", "count", "retired", "title"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(ST.fields[i].field, order[i]);
}

static void test_list_product_kind(void **state)
{
    (void)state;
    const isms_kind *issue = registry_kind(registry_default(), "context-issue");
    params_ok(params_kind(issue,
                          (const char *const[]){"origin", "external", "sort", "-review_date",
                                                "climate_related", "false", "owner", "PER-3"},
                          4));
    assert_int_equal(Q.nfilters, 3);
    assert_string_equal(Q.sort->name, "review_date");
    assert_true(Q.desc);
    assert_int_equal(Q.filters[1].value.i, 0);
    assert_string_equal(Q.filters[2].field->name, "owner");
    assert_int_equal(Q.filters[2].value.i, 3);
    assert_string_equal(
        params_refused(params_kind(issue, (const char *const[]){"description", "x"}, 1),
                       "description"),
        "cannot filter on this field (fields to filter on: origin, category, "
        "climate_related, owner, status, review_date)");
    assert_contains(
        params_refused(params_kind(issue, (const char *const[]){"origin", "inside"}, 1), "origin"),
        "internal, external");
    /* An owner is a person: filtered by the person's id, not by a name. */
    assert_contains(
        params_refused(params_kind(issue, (const char *const[]){"owner", "Alice"}, 1), "owner"),
        "expected a person id (such as PER-1)");
    /* Text filters must be valid single-line text within the field's length. */
    const isms_kind *person = registry_kind(registry_default(), "person");
    char department[130];
    memset(department, 'd', sizeof(department) - 1);
    department[sizeof(department) - 1] = '\0';
    assert_contains(params_refused(params_kind(person, (const char *const[]){"department",
                                                                            department},
                                               1),
                                   "department"),
                    "at most 120");
    params_refused(params_kind(person, (const char *const[]){"department", "a\xff"}, 1),
                   "department");
    params_ok(params_kind(person, (const char *const[]){"department", "Operations", "manager",
                                                        "PER-1", "top_management", "true"},
                          3));
    assert_int_equal(Q.nfilters, 3);
    const isms_kind *proc = registry_kind(registry_default(), "process");
    params_ok(params_kind(proc, (const char *const[]){"interacts_with", "PRC-4"}, 1));
    assert_int_equal(Q.filters[0].value.ids[0], 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_accepted),
        cmocka_unit_test(test_blank_text_is_unset),
        cmocka_unit_test(test_text_refused),
        cmocka_unit_test(test_null_clears),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_decimal_exact),
        cmocka_unit_test(test_decimal_refused),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_ref),
        cmocka_unit_test(test_reflist),
        cmocka_unit_test(test_anyref),
        cmocka_unit_test(test_unknown_members),
        cmocka_unit_test(test_read_only_members),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_errors_collected),
        cmocka_unit_test(test_too_many_changes),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_body_not_object),
        cmocka_unit_test(test_nul_in_strings_and_keys),
        cmocka_unit_test(test_product_kind),
        cmocka_unit_test(test_parse_body),
        cmocka_unit_test(test_parse_body_refused),
        cmocka_unit_test(test_message_text_copy),
        cmocka_unit_test(test_list_defaults),
        cmocka_unit_test(test_list_sort),
        cmocka_unit_test(test_list_q),
        cmocka_unit_test(test_list_limit),
        cmocka_unit_test(test_list_cursor_and_retired),
        cmocka_unit_test(test_list_filters),
        cmocka_unit_test(test_list_filters_refused),
        cmocka_unit_test(test_list_params_refused),
        cmocka_unit_test(test_list_product_kind),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
