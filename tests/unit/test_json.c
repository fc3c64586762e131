/*
 * Unit tests for records and the registry as JSON: the shape of a record,
 * secret fields left out, references as human ids, and decimals written as
 * exact JSON numbers by json_dump_exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/record.h"
#include "core/record_json.h"
#include "core/value.h"
#include "support/fixture.h"
#include "util/strbuf.h"

static arena A;

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

static void set(isms_record *r, const char *name, const char *text)
{
    const isms_field *f = kind_field(r->kind, name);
    assert_non_null(f);
    char reason[200];
    if (!value_parse(fixture_registry(), f, text, &A, record_value(r, name), reason,
                     sizeof(reason)))
        fail_msg("%s: '%s' does not parse: %s", name, text, reason);
}

/* A stored specimen with every field set. */
static isms_record *full_specimen(void)
{
    isms_record *r = record_new(&A, &fixture_specimen);
    r->id = 1;
    r->version = 3;
    r->created_at = "2024-01-02T03:04:05.678Z";
    r->created_by = "alice";
    r->updated_at = "2024-02-03T04:05:06.789Z";
    r->updated_by = "bob";
    set(r, "title", "Widget");
    set(r, "note", "two\nlines");
    set(r, "count", "42");
    set(r, "amount", "12.5");
    set(r, "flag", "yes");
    set(r, "day", "2024-02-29");
    set(r, "at", "2024-03-01T10:00:00+02:00");
    set(r, "level", "high");
    set(r, "status", "open");
    set(r, "parent", "PAR-3");
    set(r, "friends", "SPC-2,SPC-7");
    set(r, "subject", "PAR-2");
    set(r, "secret", "hunter2");
    set(r, "score", "84");
    return r;
}

/* Dump exactly and parse back (jansson keeps 12.5 as a real). */
static char *dump(const json_t *j)
{
    char *s = json_dump_exact(j, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(s);
    return s;
}

static json_t *load(const char *s)
{
    json_error_t err;
    json_t *j = json_loads(s, 0, &err);
    if (!j)
        fail_msg("not JSON (%s): %s", err.text, s);
    return j;
}

static void test_record_shape(void **state)
{
    (void)state;
    json_t *o = record_to_json(full_specimen());
    assert_true(json_is_object(o));
    assert_string_equal(json_string_value(json_object_get(o, "id")), "SPC-1");
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "specimen");
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 3);

    assert_string_equal(json_string_value(json_object_get(o, "title")), "Widget");
    assert_string_equal(json_string_value(json_object_get(o, "note")), "two\nlines");
    assert_true(json_is_integer(json_object_get(o, "count")));
    assert_int_equal(json_integer_value(json_object_get(o, "count")), 42);
    assert_true(json_is_true(json_object_get(o, "flag")));
    assert_string_equal(json_string_value(json_object_get(o, "day")), "2024-02-29");
    assert_string_equal(json_string_value(json_object_get(o, "at")), "2024-03-01T08:00:00Z");
    assert_string_equal(json_string_value(json_object_get(o, "level")), "high");
    assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(o, "parent")), "PAR-3");
    assert_int_equal(json_integer_value(json_object_get(o, "score")), 84);

    /* Bookkeeping. */
    assert_string_equal(json_string_value(json_object_get(o, "created_at")),
                        "2024-01-02T03:04:05.678Z");
    assert_string_equal(json_string_value(json_object_get(o, "created_by")), "alice");
    assert_string_equal(json_string_value(json_object_get(o, "updated_at")),
                        "2024-02-03T04:05:06.789Z");
    assert_string_equal(json_string_value(json_object_get(o, "updated_by")), "bob");
    assert_true(json_is_false(json_object_get(o, "retired")));
    assert_null(json_object_get(o, "retired_at"));
    assert_null(json_object_get(o, "retired_by"));
    assert_null(json_object_get(o, "retired_reason"));

    /* id, kind, version, 13 fields (not the secret), 4 bookkeeping, retired. */
    assert_int_equal(json_object_size(o), 3 + 13 + 4 + 1);
    json_decref(o);
}

static void test_secret_never_present(void **state)
{
    (void)state;
    isms_record *r = full_specimen();
    json_t *o = record_to_json(r);
    assert_null(json_object_get(o, "secret"));
    char *s = dump(o);
    assert_null(strstr(s, "hunter2"));
    assert_null(strstr(s, "secret"));
    free(s);
    json_decref(o);

    /* Not even as null when unset. */
    *record_value(r, "secret") = (isms_value){0};
    o = record_to_json(r);
    assert_null(json_object_get(o, "secret"));
    json_decref(o);
}

static void test_references_as_ids(void **state)
{
    (void)state;
    json_t *o = record_to_json(full_specimen());
    json_t *friends = json_object_get(o, "friends");
    assert_true(json_is_array(friends));
    assert_int_equal(json_array_size(friends), 2);
    assert_string_equal(json_string_value(json_array_get(friends, 0)), "SPC-2");
    assert_string_equal(json_string_value(json_array_get(friends, 1)), "SPC-7");

    json_t *subject = json_object_get(o, "subject");
    assert_true(json_is_string(subject));
    assert_string_equal(json_string_value(subject), "PAR-2");

    char *s = dump(o);
    assert_non_null(strstr(s, "\"friends\":[\"SPC-2\",\"SPC-7\"]"));
    assert_non_null(strstr(s, "\"subject\":\"PAR-2\""));
    assert_non_null(strstr(s, "\"parent\":\"PAR-3\""));
    free(s);
    json_decref(o);
}

static void test_unset_fields_are_null(void **state)
{
    (void)state;
    isms_record *r = record_new(&A, &fixture_specimen);
    r->id = 12;
    r->version = 1;
    set(r, "title", "Bare");
    json_t *o = record_to_json(r);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "SPC-12");
    static const char *const unset[] = {"note", "count",  "amount",  "flag",   "day",
                                        "at",   "level",  "status",  "parent", "friends",
                                        "subject", "score"};
    for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++) {
        json_t *v = json_object_get(o, unset[i]);
        if (!json_is_null(v))
            fail_msg("%s is not null", unset[i]);
    }
    /* Bookkeeping not yet known is null, not missing. */
    assert_true(json_is_null(json_object_get(o, "created_at")));
    assert_true(json_is_null(json_object_get(o, "updated_by")));
    assert_true(json_is_false(json_object_get(o, "retired")));

    /* A boolean false is a value. */
    set(r, "flag", "no");
    json_decref(o);
    o = record_to_json(r);
    assert_true(json_is_false(json_object_get(o, "flag")));
    json_decref(o);
}

static void test_retired_record(void **state)
{
    (void)state;
    isms_record *r = full_specimen();
    r->retired_at = "2024-05-06T07:08:09.000Z";
    r->retired_by = "carol";
    r->retired_reason = "No longer relevant";
    json_t *o = record_to_json(r);
    assert_true(json_is_true(json_object_get(o, "retired")));
    assert_string_equal(json_string_value(json_object_get(o, "retired_at")),
                        "2024-05-06T07:08:09.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "retired_by")), "carol");
    assert_string_equal(json_string_value(json_object_get(o, "retired_reason")),
                        "No longer relevant");
    json_decref(o);

    r->retired_by = NULL;
    r->retired_reason = NULL;
    o = record_to_json(r);
    assert_true(json_is_true(json_object_get(o, "retired")));
    assert_true(json_is_null(json_object_get(o, "retired_by")));
    assert_true(json_is_null(json_object_get(o, "retired_reason")));
    json_decref(o);
}

/* The record's amount as written by json_dump_exact. */
static char *amount_json(const char *amount)
{
    isms_record *r = record_new(&A, &fixture_specimen);
    r->id = 1;
    r->version = 1;
    set(r, "title", "t");
    set(r, "amount", amount);
    json_t *o = record_to_json(r);
    json_t *only = json_object();
    json_object_set(only, "amount", json_object_get(o, "amount"));
    char *s = dump(only);
    json_decref(only);
    json_decref(o);
    return s;
}

static void test_decimals_exact(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"12.5", "{\"amount\":12.5}"},
        {"0.000001", "{\"amount\":0.000001}"},
        {"-0.000001", "{\"amount\":-0.000001}"},
        {"-3", "{\"amount\":-3}"},
        {"0", "{\"amount\":0}"},
        {"0.10", "{\"amount\":0.1}"},
        {"999999999999.999999", "{\"amount\":999999999999.999999}"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = amount_json(cases[i][0]);
        assert_string_equal(s, cases[i][1]);
        json_t *back = load(s);
        assert_true(json_is_number(json_object_get(back, "amount")));
        json_decref(back);
        free(s);
    }

    /* Parsed back, the numbers are the ones written. */
    char *s = amount_json("12.5");
    json_t *back = load(s);
    assert_true(json_is_real(json_object_get(back, "amount")));
    assert_true(json_real_value(json_object_get(back, "amount")) == 12.5);
    json_decref(back);
    free(s);
    s = amount_json("-3");
    back = load(s);
    assert_true(json_is_integer(json_object_get(back, "amount")));
    assert_int_equal(json_integer_value(json_object_get(back, "amount")), -3);
    json_decref(back);
    free(s);
}

static void test_decimal_in_whole_record(void **state)
{
    (void)state;
    json_t *o = record_to_json(full_specimen());
    char *s = dump(o);
    assert_non_null(strstr(s, "\"amount\":12.5,"));
    assert_null(strstr(s, "\\u0001"));
    json_t *back = load(s);
    assert_true(json_real_value(json_object_get(back, "amount")) == 12.5);
    assert_string_equal(json_string_value(json_object_get(back, "id")), "SPC-1");
    assert_string_equal(json_string_value(json_object_get(back, "title")), "Widget");
    json_decref(back);
    free(s);

    /* Indented output too. */
    s = json_dump_exact(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    assert_non_null(strstr(s, "\"amount\": 12.5,\n"));
    back = load(s);
    assert_true(json_real_value(json_object_get(back, "amount")) == 12.5);
    json_decref(back);
    free(s);
    json_decref(o);
}

static void test_value_to_json_decimals(void **state)
{
    (void)state;
    const isms_field *f = kind_field(&fixture_specimen, "amount");
    isms_value v = {.set = true, .i = -1500000};
    json_t *arr = json_array();
    json_array_append_new(arr, value_to_json(f, &v));
    v.i = 1;
    json_array_append_new(arr, value_to_json(f, &v));
    v.set = false;
    json_array_append_new(arr, value_to_json(f, &v));
    char *s = dump(arr);
    assert_string_equal(s, "[-1.5,0.000001,null]");
    free(s);
    json_decref(arr);
}

/* Strings that look like the decimal marker, or hold quotes and backslashes. */
static void test_strings_survive_exact_dump(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "say \"hi\"",
        "back\\slash",
        "ends with a backslash \\",
        "\\\"",
        "\\u0001 looks like the marker",
        "\"\\u0001",
        "\\\\u0001",
        "mid\x01" "control",
        "tab\there\nnewline",
        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
        "{\"amount\":1}",
        "",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        json_t *o = json_object();
        json_object_set_new(o, "title", json_string(texts[i]));
        json_object_set_new(o, texts[i], json_string("as a key"));
        char *exact = json_dump_exact(o, JSON_COMPACT | JSON_SORT_KEYS);
        char *plain = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        assert_non_null(exact);
        /* Nothing to rewrite: the output is jansson's, byte for byte. */
        assert_string_equal(exact, plain);
        json_t *back = load(exact);
        assert_string_equal(json_string_value(json_object_get(back, "title")), texts[i]);
        assert_string_equal(json_string_value(json_object_get(back, texts[i])), "as a key");
        json_decref(back);
        free(exact);
        free(plain);
        json_decref(o);
    }

    /* Next to a decimal, in the same object. */
    isms_record *r = full_specimen();
    set(r, "title", "a \"quoted\" \\ title\\");
    set(r, "note", "\\u0001 x");
    json_t *o = record_to_json(r);
    char *s = dump(o);
    assert_non_null(strstr(s, "\"amount\":12.5,"));
    json_t *back = load(s);
    assert_string_equal(json_string_value(json_object_get(back, "title")),
                        "a \"quoted\" \\ title\\");
    assert_string_equal(json_string_value(json_object_get(back, "note")), "\\u0001 x");
    assert_true(json_real_value(json_object_get(back, "amount")) == 12.5);
    json_decref(back);
    free(s);
    json_decref(o);
}

static void test_dump_exact_plain_values(void **state)
{
    (void)state;
    json_t *j = json_pack("{s:i, s:b, s:n, s:[s, f]}", "n", 7, "b", 1, "z", "l", "x", 2.5);
    char *s = dump(j);
    assert_string_equal(s, "{\"b\":true,\"l\":[\"x\",2.5],\"n\":7,\"z\":null}");
    free(s);
    json_decref(j);
}

/* record_json_write gives the text of json_dump_exact(record_to_json(r), JSON_COMPACT). */
static void assert_writer_matches_tree(const isms_record *r)
{
    json_t *o = record_to_json(r);
    char *tree = json_dump_exact(o, JSON_COMPACT);
    assert_non_null(tree);
    strbuf b;
    strbuf_init(&b, 1u << 20);
    strbuf_puts(&b, "prefix,");
    record_json_write(&b, r);
    assert_true(strbuf_ok(&b));
    assert_string_equal(b.ptr + strlen("prefix,"), tree);
    strbuf_dispose(&b);
    free(tree);
    json_decref(o);
}

static void test_record_json_write_matches_tree(void **state)
{
    (void)state;
    isms_record *r = full_specimen();
    assert_writer_matches_tree(r);

    /* Every kind of text jansson escapes, in fields and bookkeeping. */
    static const char *const texts[] = {
        "say \"hi\"",
        "back\\slash",
        "ends with a backslash \\",
        "\\u0001 looks like it",
        "mid\x01"
        "control\x1f",
        "tab\there\nnewline\r\b\f",
        "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
        "slash / and del \x7f",
        "",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        record_value(r, "title")->s = texts[i];
        record_value(r, "note")->s = texts[i];
        r->created_by = texts[i];
        assert_writer_matches_tree(r);
    }

    /* A character to escape (or not) at every place within and across 8-byte words. */
    char text[64];
    static const char *const specials[] = {"\"",   "\\",       "\x01", "\x1f", " ",
                                           "\x7f", "\xc3\xa9", "!",    "]"};
    for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++) {
        for (size_t at = 0; at < 20; at++) {
            /* A leading \x01 is json_dump_exact's decimal marker (isms refuses controls). */
            if (specials[k][0] == '\x01' && at == 0)
                continue;
            memset(text, 'a', sizeof(text));
            memcpy(text + at, specials[k], strlen(specials[k]));
            text[24 + (at % 5)] = '\0';
            record_value(r, "note")->s = text;
            assert_writer_matches_tree(r);
        }
    }

    /* Retired, with and without the details. */
    r->retired_at = "2024-05-06T07:08:09.000Z";
    r->retired_by = "carol";
    r->retired_reason = "No \"longer\" relevant";
    assert_writer_matches_tree(r);
    r->retired_by = NULL;
    r->retired_reason = NULL;
    assert_writer_matches_tree(r);

    /* Integers at their limits, decimals, an empty list of references. */
    record_value(r, "count")->i = INT64_MIN;
    record_value(r, "score")->i = INT64_MAX;
    record_value(r, "amount")->i = -1500000;
    record_value(r, "friends")->n = 0;
    assert_writer_matches_tree(r);

    /* Nothing set. */
    isms_record *bare = record_new(&A, &fixture_specimen);
    bare->id = 12;
    bare->version = 1;
    assert_writer_matches_tree(bare);
}

static void test_json_write_string(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 1024);
    json_write_string(&b, "a\"b\\c\n\x01/");
    assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\n\\u0001/\"");
    strbuf_dispose(&b);
}

static void test_registry_to_json(void **state)
{
    (void)state;
    json_t *root = registry_to_json(fixture_registry());
    json_t *kinds = json_object_get(root, "kinds");
    assert_true(json_is_array(kinds));
    assert_int_equal(json_array_size(kinds), 3);

    json_t *par = json_array_get(kinds, 0);
    assert_string_equal(json_string_value(json_object_get(par, "name")), "parent-thing");
    assert_string_equal(json_string_value(json_object_get(par, "plural")), "parent-things");
    assert_string_equal(json_string_value(json_object_get(par, "prefix")), "PAR");
    assert_string_equal(json_string_value(json_object_get(par, "clause")), "4.1");
    assert_string_equal(json_string_value(json_object_get(par, "label")), "Parent thing");
    assert_string_equal(json_string_value(json_object_get(par, "label_plural")),
                        "Parent things");
    assert_string_equal(json_string_value(json_object_get(par, "help")), "A test parent");
    assert_true(json_is_false(json_object_get(par, "deletable")));
    assert_int_equal(json_array_size(json_object_get(par, "fields")), 2);

    json_t *spc = json_array_get(kinds, 1);
    assert_string_equal(json_string_value(json_object_get(spc, "name")), "specimen");
    assert_true(json_is_true(json_object_get(spc, "deletable")));
    assert_true(json_is_false(json_object_get(spc, "immutable")));
    assert_true(json_is_false(json_object_get(spc, "singleton")));
    assert_null(json_object_get(spc, "parent_field"));
    json_t *fields = json_object_get(spc, "fields");
    assert_int_equal(json_array_size(fields), fixture_specimen.nfields);
    /* The registry lists every field, secret ones included (it is the schema). */
    for (size_t i = 0; i < fixture_specimen.nfields; i++) {
        json_t *f = json_array_get(fields, i);
        assert_string_equal(json_string_value(json_object_get(f, "name")),
                            fixture_specimen.fields[i].name);
        assert_string_equal(json_string_value(json_object_get(f, "type")),
                            field_type_name(fixture_specimen.fields[i].type));
    }

    json_t *title = json_array_get(fields, 0);
    assert_string_equal(json_string_value(json_object_get(title, "label")), "Title");
    assert_true(json_is_true(json_object_get(title, "required")));
    assert_true(json_is_true(json_object_get(title, "sortable")));
    assert_true(json_is_false(json_object_get(title, "filterable")));
    assert_string_equal(json_string_value(json_object_get(title, "role")), "title");
    assert_int_equal(json_integer_value(json_object_get(title, "max_length")), 200);

    json_t *count = json_array_get(fields, 2);
    assert_string_equal(json_string_value(json_object_get(count, "type")), "integer");
    assert_null(json_object_get(count, "role"));
    assert_null(json_object_get(count, "max_length"));

    json_t *status = json_array_get(fields, 8);
    assert_string_equal(json_string_value(json_object_get(status, "name")), "status");
    assert_string_equal(json_string_value(json_object_get(status, "role")), "status");
    assert_string_equal(json_string_value(json_object_get(status, "default")), "open");
    char *s = dump(json_object_get(status, "values"));
    assert_string_equal(s, "[\"open\",\"done\"]");
    free(s);
    s = dump(json_object_get(status, "closed_values"));
    assert_string_equal(s, "[\"done\"]");
    free(s);

    json_t *parent = json_array_get(fields, 9);
    assert_string_equal(json_string_value(json_object_get(parent, "type")), "ref");
    assert_string_equal(json_string_value(json_object_get(parent, "target")), "parent-thing");
    json_t *friends = json_array_get(fields, 10);
    assert_string_equal(json_string_value(json_object_get(friends, "target")), "specimen");
    assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 5), "role")),
                        "due");

    assert_true(json_is_true(json_object_get(json_array_get(fields, 12), "secret")));
    assert_true(json_is_true(json_object_get(json_array_get(fields, 13), "derived")));

    json_t *led = json_array_get(kinds, 2);
    assert_true(json_is_true(json_object_get(led, "immutable")));
    assert_true(json_is_true(json_object_get(led, "singleton")));
    json_decref(root);

    /* The product registry: the parent field of a child kind. */
    root = registry_to_json(registry_default());
    kinds = json_object_get(root, "kinds");
    assert_int_equal(json_array_size(kinds), registry_default()->nkinds);
    json_t *req = json_array_get(kinds, 3);
    assert_string_equal(json_string_value(json_object_get(req, "name")), "requirement");
    assert_string_equal(json_string_value(json_object_get(req, "parent_field")), "party");
    s = json_dump_exact(root, JSON_COMPACT);
    json_t *back = load(s);
    assert_true(json_equal(back, root));
    json_decref(back);
    free(s);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_shape),
        cmocka_unit_test(test_secret_never_present),
        cmocka_unit_test(test_references_as_ids),
        cmocka_unit_test(test_unset_fields_are_null),
        cmocka_unit_test(test_retired_record),
        cmocka_unit_test(test_decimals_exact),
        cmocka_unit_test(test_decimal_in_whole_record),
        cmocka_unit_test(test_value_to_json_decimals),
        cmocka_unit_test(test_strings_survive_exact_dump),
        cmocka_unit_test(test_dump_exact_plain_values),
        cmocka_unit_test(test_record_json_write_matches_tree),
        cmocka_unit_test(test_json_write_string),
        cmocka_unit_test(test_registry_to_json),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
