/*
 * Unit tests for the risk method (core/risk_method.h): the presets scored cell
 * by cell against tables written here, one named error for each defect, the
 * canonical JSON round trip, mapping between versions, and hostile input.
 *
 * Defective documents are made from a preset with jansson (or by replacing
 * text, for bytes jansson would not write), so each test changes one thing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/risk_method.h"

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

/* --- helpers -------------------------------------------------------------------- */

/* A preset as a jansson document to change. */
static json_t *doc(int size)
{
    json_t *j = json_loads(risk_method_preset(size), 0, NULL);
    assert_non_null(j);
    return j;
}

/* The document as text (in the arena); the document is released. */
static const char *text(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_non_null(s);
    char *copy = arena_strdup(&A, s);
    free(s);
    json_decref(j);
    return copy;
}

/* Element idx of the array member key of root. */
static json_t *at(json_t *root, const char *key, size_t idx)
{
    json_t *v = json_array_get(json_object_get(root, key), idx);
    assert_non_null(v);
    return v;
}

static void set_cell(json_t *j, size_t l, size_t i, json_t *v)
{
    assert_int_equal(json_array_set_new(at(j, "matrix", l), i, v), 0);
}

static void set_matrix(json_t *j, const char *rows)
{
    json_t *m = json_loads(rows, 0, NULL);
    assert_non_null(m);
    json_object_set_new(j, "matrix", m);
}

/* s with its first `from` replaced by `to`, in the arena. */
static const char *replace(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    assert_non_null(p);
    return arena_printf(&A, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
}

static const char *reason_for(const isms_status *st, const char *field)
{
    for (size_t i = 0; i < st->nfields; i++)
        if (strcmp(st->fields[i].field, field) == 0)
            return st->fields[i].reason;
    return NULL;
}

static void print_fields(const isms_status *st)
{
    for (size_t i = 0; i < st->nfields; i++)
        print_message("  %s: %s\n", st->fields[i].field, st->fields[i].reason);
}

static risk_method parse_ok(const char *json)
{
    risk_method m;
    isms_status st;
    status_clear(&st);
    if (!risk_method_parse(json, &A, &m, &st)) {
        print_fields(&st);
        fail_msg("a valid method was refused");
    }
    assert_int_equal(st.nfields, 0);
    assert_int_equal(st.code, ISMS_OK);
    return m;
}

/* Parse must fail, naming field with a reason containing want. */
static void expect_error_in(const char *json, const char *field, const char *want, isms_status *st)
{
    risk_method m;
    status_clear(st);
    assert_false(risk_method_parse(json, &A, &m, st));
    assert_int_equal(st->code, ISMS_EINVALID);
    const char *r = reason_for(st, field);
    if (!r || !strstr(r, want)) {
        print_fields(st);
        fail_msg("expected %s: ...%s...", field, want);
    }
}

/* As expect_error_in, and that error must be the only one: each defect names itself. */
static void expect_one(const char *json, const char *field, const char *want)
{
    isms_status st;
    expect_error_in(json, field, want, &st);
    if (st.nfields != 1) {
        print_fields(&st);
        fail_msg("expected only %s", field);
    }
}

static void expect_error(const char *json, const char *field, const char *want)
{
    isms_status st;
    expect_error_in(json, field, want, &st);
}

/* --- presets, scored cell by cell ------------------------------------------------ */

/* Written out as tables so that a change to a preset's matrix shows here. */
// clang-format off
static const int expected_3[3][3] = {
    {1, 1, 2},
    {1, 2, 3},
    {2, 3, 3},
};

static const int expected_4[4][4] = {
    {1, 1, 2, 2},
    {1, 2, 2, 3},
    {2, 2, 3, 4},
    {2, 3, 4, 4},
};

static const int expected_5[5][5] = {
    {1, 1, 1, 2, 2},
    {1, 1, 2, 2, 3},
    {1, 2, 2, 3, 3},
    {2, 2, 3, 3, 4},
    {2, 3, 3, 4, 4},
};
// clang-format on

static void check_scores(const risk_method *m, int n, const int *expected)
{
    assert_int_equal(m->nlikelihood, n);
    assert_int_equal(m->nimpact, n);
    for (int l = 1; l <= n; l++)
        for (int i = 1; i <= n; i++)
            if (risk_method_level(m, l, i) != expected[(l - 1) * n + (i - 1)])
                fail_msg("likelihood %d impact %d: level %d, expected %d", l, i,
                         risk_method_level(m, l, i), expected[(l - 1) * n + (i - 1)]);
    /* Outside the scales there is no level. */
    for (int k = 1; k <= n; k++) {
        assert_int_equal(risk_method_level(m, 0, k), 0);
        assert_int_equal(risk_method_level(m, k, 0), 0);
        assert_int_equal(risk_method_level(m, n + 1, k), 0);
        assert_int_equal(risk_method_level(m, k, n + 1), 0);
        assert_int_equal(risk_method_level(m, -k, k), 0);
    }
}

static void test_preset_3(void **state)
{
    (void)state;
    risk_method m = parse_ok(risk_method_preset(3));
    check_scores(&m, 3, &expected_3[0][0]);
    assert_int_equal(m.nlevels, 3);
    assert_string_equal(m.likelihood[0].label, "Unlikely");
    assert_string_equal(m.impact[2].label, "Major");
    const risk_level *high = risk_method_level_def(&m, 3);
    assert_string_equal(high->label, "High");
    assert_int_equal(high->acceptance, RISK_MUST_TREAT);
    assert_true(high->management_signs);
}

static void test_preset_4(void **state)
{
    (void)state;
    risk_method m = parse_ok(risk_method_preset(4));
    check_scores(&m, 4, &expected_4[0][0]);
    assert_int_equal(m.nlevels, 4);
    assert_string_equal(m.likelihood[3].label, "Almost certain");
    assert_string_equal(m.impact[0].label, "Minor");
}

static void test_preset_5(void **state)
{
    (void)state;
    risk_method m = parse_ok(risk_method_preset(5));
    check_scores(&m, 5, &expected_5[0][0]);
    static const char *const lik[] = {"Rare", "Unlikely", "Possible", "Likely", "Almost certain"};
    static const char *const imp[] = {"Negligible", "Minor", "Moderate", "Major", "Severe"};
    for (int k = 0; k < 5; k++) {
        assert_string_equal(m.likelihood[k].label, lik[k]);
        assert_string_equal(m.impact[k].label, imp[k]);
        assert_true(strlen(m.likelihood[k].description) > 10);
        assert_true(strlen(m.impact[k].description) > 10);
    }
    static const struct {
        const char *label, *colour;
        risk_acceptance_rule rule;
        bool signs;
    } lv[] = {{"Low", "#2E7D32", RISK_ACCEPT, false},
              {"Medium", "#F9A825", RISK_ACCEPT_BY_OWNER, false},
              {"High", "#EF6C00", RISK_MUST_TREAT, false},
              {"Very high", "#C62828", RISK_MUST_TREAT, true}};
    assert_int_equal(m.nlevels, 4);
    for (int k = 1; k <= 4; k++) {
        const risk_level *d = risk_method_level_def(&m, k);
        assert_string_equal(d->label, lv[k - 1].label);
        assert_string_equal(d->colour, lv[k - 1].colour);
        assert_int_equal(d->acceptance, lv[k - 1].rule);
        assert_int_equal(d->management_signs, lv[k - 1].signs);
    }
    assert_null(risk_method_level_def(&m, 0));
    assert_null(risk_method_level_def(&m, 5));
    assert_null(risk_method_level_def(&m, -1));
    assert_true(m.basis_current);
    assert_true(m.management_exception);
    assert_int_equal(m.exception_max_days, 365);
    assert_int_equal(m.interval_months, 12);
    assert_int_equal(m.triggers, RISK_TRIGGER_SIGNIFICANT_CHANGE | RISK_TRIGGER_INCIDENT |
                                     RISK_TRIGGER_NEW_REQUIREMENT);
    assert_false(m.has_map);
}

static void test_preset_sizes(void **state)
{
    (void)state;
    assert_null(risk_method_preset(0));
    assert_null(risk_method_preset(2));
    assert_null(risk_method_preset(6));
    assert_null(risk_method_preset(-5));
}

/* A 10x10 method whose level is the larger of likelihood and impact, capped at 10. */
static void test_largest_method(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_t *scale = json_array(), *levels = json_array(), *rows = json_array();
    for (int k = 1; k <= 10; k++) {
        json_array_append_new(
            scale, json_pack("{s:s, s:s}", "label", arena_printf(&A, "L%d", k), "description", ""));
        json_array_append_new(levels,
                              json_pack("{s:s, s:s, s:s, s:b}", "label", arena_printf(&A, "R%d", k),
                                        "colour", "#00aaFF", "acceptance",
                                        k < 4 ? "accept" : "treat", "management_signs", k > 8));
        json_t *row = json_array();
        for (int i = 1; i <= 10; i++)
            json_array_append_new(row, json_integer(k > i ? k : i));
        json_array_append_new(rows, row);
    }
    json_object_set(j, "likelihood", scale);
    json_object_set_new(j, "impact", scale);
    json_object_set_new(j, "levels", levels);
    json_object_set_new(j, "matrix", rows);
    risk_method m = parse_ok(text(j));
    assert_int_equal(m.nlikelihood, 10);
    assert_int_equal(m.nlevels, 10);
    for (int l = 1; l <= 10; l++)
        for (int i = 1; i <= 10; i++)
            assert_int_equal(risk_method_level(&m, l, i), l > i ? l : i);
    assert_string_equal(m.levels[0].colour, "#00AAFF"); /* kept in upper case */
}

/* --- each defect, named ----------------------------------------------------------- */

static void test_unmapped_cell(void **state)
{
    (void)state;
    json_t *j = doc(5);
    set_cell(j, 1, 2, json_integer(0));
    expect_one(text(j), "definition.matrix[1][2]", "not mapped");
    j = doc(5);
    set_cell(j, 4, 4, json_null());
    expect_one(text(j), "definition.matrix[4][4]", "not mapped");
}

static void test_level_out_of_range(void **state)
{
    (void)state;
    json_t *j = doc(5);
    set_cell(j, 4, 4, json_integer(5));
    expect_one(text(j), "definition.matrix[4][4]", "names risk level 5");
    j = doc(3);
    set_cell(j, 0, 0, json_integer(-1));
    expect_one(text(j), "definition.matrix[0][0]", "names risk level -1");
}

static void test_unordered_cell_likelihood(void **state)
{
    (void)state;
    json_t *j = doc(5);
    set_cell(j, 2, 2, json_integer(1)); /* below it, likelihood 2 gives level 2 */
    expect_one(text(j), "definition.matrix[2][2]", "lower likelihood");
}

static void test_unordered_cell_impact(void **state)
{
    (void)state;
    json_t *j = doc(3);
    set_matrix(j, "[[1,2,1],[2,2,3],[2,3,3]]");
    expect_one(text(j), "definition.matrix[0][2]", "lower impact");
}

static void test_every_unordered_cell_reported(void **state)
{
    (void)state;
    json_t *j = doc(3);
    set_matrix(j, "[[3,3,3],[1,2,3],[2,3,3]]");
    isms_status st;
    expect_error_in(text(j), "definition.matrix[1][0]", "is level 1, lower than level 3", &st);
    assert_non_null(reason_for(&st, "definition.matrix[1][1]"));
    assert_int_equal(st.nfields, 2);
}

static void test_unused_level(void **state)
{
    (void)state;
    json_t *j = doc(3);
    set_matrix(j, "[[1,1,3],[1,3,3],[3,3,3]]");
    expect_one(text(j), "definition.levels[1]", "no cell");

    j = doc(5);
    set_matrix(j, "[[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,1],[1,1,1,1,4]]");
    isms_status st;
    expect_error_in(text(j), "definition.levels[1]", "level 2 is given by no cell", &st);
    assert_non_null(reason_for(&st, "definition.levels[2]"));
    assert_int_equal(st.nfields, 2);
}

static void test_bad_colour(void **state)
{
    (void)state;
    static const char *const bad[] = {"#12345G", "red", "#12345", "#1234567",
                                      "123456#", "",    "#ÄÄÄ"};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        json_t *j = doc(5);
        json_object_set_new(at(j, "levels", 1), "colour", json_string(bad[k]));
        expect_one(text(j), "definition.levels[1].colour", "#RRGGBB");
    }
    json_t *j = doc(5);
    json_object_set_new(at(j, "levels", 1), "colour", json_integer(0x123456));
    expect_one(text(j), "definition.levels[1].colour", "#RRGGBB");
    j = doc(5);
    json_object_set_new(at(j, "levels", 1), "colour", json_string("#abcdef"));
    risk_method m = parse_ok(text(j));
    assert_string_equal(m.levels[1].colour, "#ABCDEF");
}

static void test_duplicate_label(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_set_new(at(j, "likelihood", 2), "label", json_string("rare"));
    expect_one(text(j), "definition.likelihood[2].label", "level 1");
    j = doc(5);
    json_object_set_new(at(j, "impact", 4), "label", json_string("Minor"));
    expect_one(text(j), "definition.impact[4].label", "repeats");
    j = doc(5);
    json_object_set_new(at(j, "levels", 3), "label", json_string("HIGH"));
    expect_one(text(j), "definition.levels[3].label", "level 3");
    /* The same label on two different scales is fine. */
    j = doc(5);
    json_object_set_new(at(j, "impact", 0), "label", json_string("Rare"));
    parse_ok(text(j));
}

static void test_blank_label(void **state)
{
    (void)state;
    static const char *const blank[] = {"", " ", "     "};
    for (size_t k = 0; k < 3; k++) {
        json_t *j = doc(4);
        json_object_set_new(at(j, "impact", 1), "label", json_string(blank[k]));
        expect_one(text(j), "definition.impact[1].label", "blank");
        j = doc(4);
        json_object_set_new(at(j, "levels", 0), "label", json_string(blank[k]));
        expect_one(text(j), "definition.levels[0].label", "blank");
    }
    json_t *j = doc(4);
    json_object_del(at(j, "likelihood", 0), "label");
    expect_one(text(j), "definition.likelihood[0].label", "required");
    j = doc(4);
    json_object_del(at(j, "likelihood", 0), "description");
    expect_one(text(j), "definition.likelihood[0].description", "required");
}

static void test_scale_sizes(void **state)
{
    (void)state;
    json_t *j = doc(3);
    json_array_remove(json_object_get(j, "likelihood"), 2);
    json_array_remove(json_object_get(j, "likelihood"), 1);
    expect_one(text(j), "definition.likelihood", "must have 2 to 10 levels; it has 1");

    j = doc(5);
    json_t *imp = json_object_get(j, "impact");
    for (int k = 6; k <= 11; k++)
        json_array_append_new(
            imp, json_pack("{s:s, s:s}", "label", arena_printf(&A, "I%d", k), "description", ""));
    expect_one(text(j), "definition.impact", "it has 11");

    j = doc(5);
    json_object_set_new(j, "levels",
                        json_pack("[{s:s, s:s, s:s, s:b}]", "label", "Only", "colour", "#000000",
                                  "acceptance", "accept", "management_signs", 0));
    expect_one(text(j), "definition.levels", "risk levels; it has 1");

    j = doc(5);
    json_object_set_new(j, "impact", json_array());
    expect_one(text(j), "definition.impact", "it has 0");
    j = doc(5);
    json_object_set_new(j, "impact", json_string("five"));
    expect_one(text(j), "definition.impact", "must be an array");
}

static void test_matrix_shape(void **state)
{
    (void)state;
    json_t *j = doc(4);
    set_matrix(j, "[[1,1,2,2],[1,2,2,3],[2,2,3,4]]");
    expect_one(text(j), "definition.matrix", "4 rows");
    j = doc(4);
    set_matrix(j, "[[1,1,2,2],[1,2,2,3],[2,2,3,4],[2,3,4,4,4]]");
    expect_one(text(j), "definition.matrix[3]", "4 risk levels");
    j = doc(4);
    set_matrix(j, "[[1,1,2,2],[1,2,2,3],[2,2,3,4],4]");
    expect_one(text(j), "definition.matrix[3]", "must be an array");
    j = doc(4);
    json_object_del(j, "matrix");
    expect_one(text(j), "definition.matrix", "required");
}

static void test_unknown_keys(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_set_new(j, "colour_scheme", json_string("dark"));
    expect_one(text(j), "definition.colour_scheme", "not a known key");
    j = doc(5);
    json_object_set_new(at(j, "levels", 2), "weight", json_integer(3));
    expect_one(text(j), "definition.levels[2].weight", "not a known key");
    j = doc(5);
    json_object_set_new(at(j, "likelihood", 0), "score", json_integer(1));
    expect_one(text(j), "definition.likelihood[0].score", "not a known key");
    j = doc(5);
    json_object_set_new(
        j, "map_from_previous",
        json_pack("{s:[i,i], s:[i,i], s:i}", "likelihood", 1, 2, "impact", 1, 2, "extra", 1));
    expect_one(text(j), "definition.map_from_previous.extra", "not a known key");
}

static void test_bad_triggers(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_array_append_new(json_object_get(j, "triggers"), json_string("earthquake"));
    expect_one(text(j), "definition.triggers[3]", "must be");
    j = doc(5);
    json_array_append_new(json_object_get(j, "triggers"), json_integer(1));
    expect_one(text(j), "definition.triggers[3]", "must be");
    j = doc(5);
    json_array_append_new(json_object_get(j, "triggers"), json_string("incident"));
    expect_one(text(j), "definition.triggers[3]", "repeats \"incident\"");
    j = doc(5);
    json_object_set_new(j, "triggers", json_string("incident"));
    expect_one(text(j), "definition.triggers", "array");
    /* Empty, and "other" alone, are allowed. */
    j = doc(5);
    json_object_set_new(j, "triggers", json_array());
    assert_int_equal(parse_ok(text(j)).triggers, 0);
    j = doc(5);
    json_object_set_new(j, "triggers", json_pack("[s]", "other"));
    assert_int_equal(parse_ok(text(j)).triggers, RISK_TRIGGER_OTHER);
}

static void test_exception_days(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_del(j, "exception_max_days");
    expect_one(text(j), "definition.exception_max_days", "required");
    j = doc(5);
    json_object_set_new(j, "exception_max_days", json_integer(0));
    expect_one(text(j), "definition.exception_max_days", "from 1 to 1095");
    j = doc(5);
    json_object_set_new(j, "exception_max_days", json_integer(1096));
    expect_one(text(j), "definition.exception_max_days", "is 1096");
    j = doc(5);
    json_object_set_new(j, "management_exception", json_false());
    expect_one(text(j), "definition.exception_max_days", "only when");
    j = doc(5);
    json_object_set_new(j, "management_exception", json_string("yes"));
    expect_one(text(j), "definition.management_exception", "true or false");
    j = doc(5);
    json_object_set_new(j, "management_exception", json_false());
    json_object_del(j, "exception_max_days");
    risk_method m = parse_ok(text(j));
    assert_false(m.management_exception);
    assert_int_equal(m.exception_max_days, 0);
    j = doc(5);
    json_object_set_new(j, "exception_max_days", json_integer(1095));
    assert_int_equal(parse_ok(text(j)).exception_max_days, 1095);
}

static void test_acceptance_order(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_set_new(at(j, "levels", 2), "acceptance", json_string("accept"));
    expect_one(text(j), "definition.levels[2].acceptance", "more acceptable");
    j = doc(5);
    json_object_set_new(at(j, "levels", 3), "acceptance", json_string("owner"));
    expect_one(text(j), "definition.levels[3].acceptance", "lower level 3");
    /* management_signs may not go back to false higher up. */
    j = doc(5);
    json_object_set_new(at(j, "levels", 2), "management_signs", json_true());
    json_object_set_new(at(j, "levels", 3), "management_signs", json_false());
    expect_one(text(j), "definition.levels[3].management_signs", "lower level 3");
    /* Nobody signs at an "accept" level. */
    j = doc(5);
    json_object_set_new(at(j, "levels", 0), "management_signs", json_true());
    expect_one(text(j), "definition.levels[0].management_signs", "no one signs");
    j = doc(5);
    json_object_set_new(at(j, "levels", 1), "acceptance", json_string("maybe"));
    expect_one(text(j), "definition.levels[1].acceptance", "\"accept\", \"owner\" or \"treat\"");
    /* Equal neighbours are ordered. */
    j = doc(5);
    json_object_set_new(at(j, "levels", 1), "acceptance", json_string("accept"));
    parse_ok(text(j));
}

static void test_basis_interval_required(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_del(j, "basis");
    expect_one(text(j), "definition.basis", "required");
    j = doc(5);
    json_object_set_new(j, "basis", json_string("residual"));
    expect_one(text(j), "definition.basis", "\"current\" or \"inherent\"");
    j = doc(5);
    json_object_set_new(j, "basis", json_string("inherent"));
    assert_false(parse_ok(text(j)).basis_current);
    j = doc(5);
    json_object_set_new(j, "interval_months", json_integer(0));
    expect_one(text(j), "definition.interval_months", "from 1 to 60");
    j = doc(5);
    json_object_set_new(j, "interval_months", json_integer(61));
    expect_one(text(j), "definition.interval_months", "is 61");
    j = doc(5);
    json_object_set_new(j, "interval_months", json_string("12"));
    expect_one(text(j), "definition.interval_months", "whole number");
    j = doc(5);
    json_object_del(j, "triggers");
    expect_one(text(j), "definition.triggers", "required");
}

static void test_text_limits(void **state)
{
    (void)state;
    char label[61 * 2 + 1] = "", desc[501 + 1] = "";
    memset(desc, 'd', 500);
    /* 60 two-byte characters: counted as characters, not bytes. */
    for (int k = 0; k < 60; k++)
        strcat(label, "é");
    json_t *j = doc(5);
    json_object_set_new(at(j, "likelihood", 0), "label", json_string(label));
    json_object_set_new(at(j, "likelihood", 0), "description", json_string(desc));
    risk_method m = parse_ok(text(j));
    assert_string_equal(m.likelihood[0].label, label);
    assert_int_equal(strlen(m.likelihood[0].description), 500);

    strcat(label, "é");
    j = doc(5);
    json_object_set_new(at(j, "likelihood", 0), "label", json_string(label));
    expect_one(text(j), "definition.likelihood[0].label", "61 characters");
    desc[500] = 'd';
    j = doc(5);
    json_object_set_new(at(j, "impact", 0), "description", json_string(desc));
    expect_one(text(j), "definition.impact[0].description", "501 characters");
}

static void test_control_characters(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_set_new(at(j, "likelihood", 0), "label", json_string("Ra\nre"));
    expect_one(text(j), "definition.likelihood[0].label", "single line");
    j = doc(5);
    json_object_set_new(at(j, "levels", 0), "label", json_string("Lo\x1bw"));
    expect_one(text(j), "definition.levels[0].label", "single line");
    j = doc(5);
    json_object_set_new(at(j, "impact", 0), "description", json_string("a\x07"));
    expect_one(text(j), "definition.impact[0].description", "control characters");
    j = doc(5);
    json_object_set_new(at(j, "impact", 0), "description", json_string("Line 1\nLine 2\t."));
    parse_ok(text(j));
}

static void test_many_errors_at_once(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_object_set_new(at(j, "levels", 0), "colour", json_string("green"));
    json_object_set_new(j, "extra", json_true());
    json_array_append_new(json_object_get(j, "triggers"), json_string("moon"));
    set_cell(j, 0, 0, json_integer(9));
    isms_status st;
    expect_error_in(text(j), "definition.levels[0].colour", "#RRGGBB", &st);
    assert_non_null(reason_for(&st, "definition.extra"));
    assert_non_null(reason_for(&st, "definition.triggers[3]"));
    assert_non_null(reason_for(&st, "definition.matrix[0][0]"));
    assert_int_equal(st.nfields, 4);
}

/* A 10x10 matrix of bad cells overflows the status: it stops at its limit. */
static void test_status_fills_up(void **state)
{
    (void)state;
    json_t *j = doc(5);
    json_t *scale = json_array(), *rows = json_array();
    for (int k = 1; k <= 10; k++) {
        json_array_append_new(
            scale, json_pack("{s:s, s:s}", "label", arena_printf(&A, "S%d", k), "description", ""));
        json_t *row = json_array();
        for (int i = 1; i <= 10; i++)
            json_array_append_new(row, json_integer(99));
        json_array_append_new(rows, row);
    }
    json_object_set(j, "likelihood", scale);
    json_object_set_new(j, "impact", scale);
    json_object_set_new(j, "matrix", rows);
    json_object_set_new(j, "interval_months", json_integer(0));
    isms_status st;
    expect_error_in(text(j), "definition.matrix[0][0]", "names risk level 99", &st);
    assert_int_equal(st.nfields, ISMS_STATUS_MAX_FIELDS);

    /* Even with st already full, the parse fails. */
    risk_method m;
    assert_false(risk_method_parse("{}", &A, &m, &st));
}

/* --- canonical JSON -------------------------------------------------------------------- */

static void assert_same_method(const risk_method *a, const risk_method *b)
{
    assert_int_equal(a->nlikelihood, b->nlikelihood);
    assert_int_equal(a->nimpact, b->nimpact);
    assert_int_equal(a->nlevels, b->nlevels);
    for (int k = 0; k < a->nlikelihood; k++) {
        assert_string_equal(a->likelihood[k].label, b->likelihood[k].label);
        assert_string_equal(a->likelihood[k].description, b->likelihood[k].description);
    }
    for (int k = 0; k < a->nimpact; k++) {
        assert_string_equal(a->impact[k].label, b->impact[k].label);
        assert_string_equal(a->impact[k].description, b->impact[k].description);
    }
    for (int k = 0; k < a->nlevels; k++) {
        assert_string_equal(a->levels[k].label, b->levels[k].label);
        assert_string_equal(a->levels[k].colour, b->levels[k].colour);
        assert_int_equal(a->levels[k].acceptance, b->levels[k].acceptance);
        assert_int_equal(a->levels[k].management_signs, b->levels[k].management_signs);
    }
    assert_memory_equal(a->matrix, b->matrix, sizeof(a->matrix));
    assert_int_equal(a->basis_current, b->basis_current);
    assert_int_equal(a->management_exception, b->management_exception);
    assert_int_equal(a->exception_max_days, b->exception_max_days);
    assert_int_equal(a->interval_months, b->interval_months);
    assert_int_equal(a->triggers, b->triggers);
    assert_int_equal(a->has_map, b->has_map);
    assert_int_equal(a->map_nlikelihood, b->map_nlikelihood);
    assert_int_equal(a->map_nimpact, b->map_nimpact);
    assert_memory_equal(a->map_likelihood, b->map_likelihood, sizeof(a->map_likelihood));
    assert_memory_equal(a->map_impact, b->map_impact, sizeof(a->map_impact));
}

/* parse(to_json(m)) == m, and to_json is stable. */
static void round_trip(const char *json)
{
    risk_method m = parse_ok(json);
    char *canon = risk_method_to_json(&m, &A);
    risk_method again = parse_ok(canon);
    assert_same_method(&m, &again);
    assert_string_equal(risk_method_to_json(&again, &A), canon);
    assert_true(strlen(canon) <= strlen(json)); /* never longer than compact input */
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int size = 3; size <= 5; size++)
        round_trip(risk_method_preset(size));

    json_t *j = doc(4);
    json_object_set_new(j, "management_exception", json_false());
    json_object_del(j, "exception_max_days");
    json_object_set_new(j, "basis", json_string("inherent"));
    json_object_set_new(j, "triggers", json_pack("[s,s]", "other", "incident"));
    json_object_set_new(at(j, "levels", 0), "colour", json_string("#a1b2c3"));
    json_object_set_new(at(j, "impact", 0), "description",
                        json_string("Quotes \" and \\ and\nlines, ünïcödé, \xe2\x82\xac"));
    json_object_set_new(
        j, "map_from_previous",
        json_pack("{s:[i,i,i,i,i], s:[i,i,i]}", "likelihood", 1, 1, 2, 3, 4, "impact", 1, 3, 4));
    round_trip(text(j));
}

static void test_canonical_order(void **state)
{
    (void)state;
    /* Keys written in any order give the same canonical text. */
    json_t *j = doc(3);
    json_t *shuffled = json_object();
    static const char *const keys[] = {
        "triggers", "matrix", "interval_months",      "levels",    "exception_max_days",
        "impact",   "basis",  "management_exception", "likelihood"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        json_object_set(shuffled, keys[k], json_object_get(j, keys[k]));
    json_decref(j);
    risk_method a = parse_ok(risk_method_preset(3)), b = parse_ok(text(shuffled));
    const char *ca = risk_method_to_json(&a, &A);
    assert_string_equal(ca, risk_method_to_json(&b, &A));
    assert_true(strncmp(ca, "{\"likelihood\":[{\"label\":\"Unlikely\",\"description\":", 49) == 0);
    assert_non_null(strstr(ca, "\"management_exception\":true,\"exception_max_days\":365,"
                               "\"interval_months\":12,\"triggers\":[\"significant-change\","
                               "\"incident\",\"new-requirement\"]}"));
}

/* --- mapping between versions ------------------------------------------------------------ */

/* The 4x4 preset with a map from the 5x5 preset. */
static const char *four_from_five(void)
{
    json_t *j = doc(4);
    json_object_set_new(j, "map_from_previous",
                        json_pack("{s:[i,i,i,i,i], s:[i,i,i,i,i]}", "likelihood", 1, 2, 2, 3, 4,
                                  "impact", 1, 1, 2, 3, 4));
    return text(j);
}

static void test_map_identity(void **state)
{
    (void)state;
    risk_method old_m = parse_ok(risk_method_preset(5));
    json_t *j = doc(5);
    json_object_set_new(at(j, "levels", 0), "label", json_string("Acceptable"));
    risk_method new_m = parse_ok(text(j));
    isms_status st;
    status_clear(&st);
    assert_true(risk_method_check_map(&old_m, &new_m, &st));
    for (int l = 1; l <= 5; l++) {
        for (int i = 1; i <= 5; i++) {
            int nl = 0, ni = 0;
            assert_true(risk_method_map_levels(&old_m, &new_m, l, i, &nl, &ni));
            assert_int_equal(nl, l);
            assert_int_equal(ni, i);
        }
    }
    int nl, ni;
    assert_false(risk_method_map_levels(&old_m, &new_m, 0, 1, &nl, &ni));
    assert_false(risk_method_map_levels(&old_m, &new_m, 6, 1, &nl, &ni));
    assert_false(risk_method_map_levels(&old_m, &new_m, 1, 6, &nl, &ni));
    assert_false(risk_method_map_levels(&old_m, &new_m, 1, -1, &nl, &ni));
}

static void test_map_used(void **state)
{
    (void)state;
    risk_method old_m = parse_ok(risk_method_preset(5));
    risk_method new_m = parse_ok(four_from_five());
    assert_true(new_m.has_map);
    isms_status st;
    status_clear(&st);
    assert_true(risk_method_check_map(&old_m, &new_m, &st));
    assert_int_equal(st.nfields, 0);
    static const int lmap[] = {1, 2, 2, 3, 4}, imap[] = {1, 1, 2, 3, 4};
    for (int l = 1; l <= 5; l++) {
        for (int i = 1; i <= 5; i++) {
            int nl = 0, ni = 0;
            assert_true(risk_method_map_levels(&old_m, &new_m, l, i, &nl, &ni));
            assert_int_equal(nl, lmap[l - 1]);
            assert_int_equal(ni, imap[i - 1]);
        }
    }
}

static void test_map_absent_sizes_differ(void **state)
{
    (void)state;
    risk_method five = parse_ok(risk_method_preset(5));
    risk_method four = parse_ok(risk_method_preset(4));
    int nl = -1, ni = -1;
    assert_false(risk_method_map_levels(&five, &four, 1, 1, &nl, &ni));
    assert_false(risk_method_map_levels(&four, &five, 4, 4, &nl, &ni));
    assert_int_equal(nl, -1); /* untouched */
    /* A map there is nothing to check against is fine; a missing map is not an error. */
    isms_status st;
    status_clear(&st);
    assert_true(risk_method_check_map(&five, &four, &st));
}

static void test_map_wrong_sizes(void **state)
{
    (void)state;
    risk_method three = parse_ok(risk_method_preset(3));
    risk_method four = parse_ok(risk_method_preset(4));
    risk_method new_m = parse_ok(four_from_five()); /* a map for a 5x5 predecessor */
    isms_status st;
    status_clear(&st);
    assert_false(risk_method_check_map(&three, &new_m, &st));
    assert_non_null(
        strstr(reason_for(&st, "definition.map_from_previous.likelihood"), "maps 5 old levels"));
    assert_non_null(reason_for(&st, "definition.map_from_previous.impact"));
    assert_int_equal(st.code, ISMS_EINVALID);
    /* Without a fitting map: a 3x3 assessment cannot be carried into the 4x4. */
    int nl, ni;
    assert_false(risk_method_map_levels(&three, &new_m, 1, 1, &nl, &ni));
    /* From a 4x4 the sizes are kept: the levels stay although the map is for another. */
    assert_true(risk_method_map_levels(&four, &new_m, 3, 4, &nl, &ni));
    assert_int_equal(nl, 3);
    assert_int_equal(ni, 4);
}

static void test_map_defects(void **state)
{
    (void)state;
    const char *good = four_from_five();
    expect_one(replace(good, "\"likelihood\":[1,2,2,3,4]", "\"likelihood\":[1,2,2,3,5]"),
               "definition.map_from_previous.likelihood[4]", "from 1 to 4");
    expect_one(replace(good, "\"likelihood\":[1,2,2,3,4]", "\"likelihood\":[1,3,2,3,4]"),
               "definition.map_from_previous.likelihood[2]", "lower than level 3");
    expect_one(replace(good, "\"impact\":[1,1,2,3,4]", "\"impact\":[1]"),
               "definition.map_from_previous.impact", "old levels; it has 1");
    expect_one(replace(good, "\"impact\":[1,1,2,3,4]", "\"impact\":[1,0,2,3,4]"),
               "definition.map_from_previous.impact[1]", "from 1 to 4");
    expect_one(replace(good, ",\"impact\":[1,1,2,3,4]", ""), "definition.map_from_previous.impact",
               "required");
    json_t *j = doc(4);
    json_object_set_new(j, "map_from_previous", json_array());
    expect_one(text(j), "definition.map_from_previous", "object");
}

/* --- hostile input -------------------------------------------------------------------------- */

static void test_not_json(void **state)
{
    (void)state;
    static const char *const bad[] = {"",   "not json", "{",    "{} x",   "{\"likelihood\":}",
                                      "42", "\"text\"", "null", "{'a':1}"};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        expect_one(bad[k], "definition", "JSON");
    expect_one("[]", "definition", "must be a JSON object");
    risk_method m;
    isms_status st;
    status_clear(&st);
    assert_false(risk_method_parse(NULL, &A, &m, &st));
    assert_non_null(reason_for(&st, "definition"));
    /* Duplicate keys are ambiguous: refused. */
    expect_one(
        replace(risk_method_preset(3), "{\"likelihood\"", "{\"basis\":\"inherent\",\"likelihood\""),
        "definition", "duplicate");
}

static void test_deeply_nested(void **state)
{
    (void)state;
    enum { DEPTH = 5000 };
    char *deep = arena_alloc(&A, 2 * DEPTH + 1);
    memset(deep, '[', DEPTH);
    memset(deep + DEPTH, ']', DEPTH);
    expect_one(deep, "definition", "JSON");
    char *inner = arena_alloc(&A, 2 * 100 + 1);
    memset(inner, '[', 100);
    memset(inner + 100, ']', 100);
    expect_one(replace(risk_method_preset(3), "\"current\"", inner), "definition.basis",
               "\"current\" or \"inherent\"");
}

static void test_huge_numbers(void **state)
{
    (void)state;
    const char *p = risk_method_preset(3);
    /* Past any integer: jansson refuses the text. */
    expect_one(replace(p, "[[1,1,2]", "[[99999999999999999999999999,1,2]"), "definition", "JSON");
    /* Fits in 64 bits but would become 1 or 12 if cut to 32. */
    expect_one(replace(p, "[[1,1,2]", "[[4294967297,1,2]"), "definition.matrix[0][0]",
               "4294967297");
    expect_one(replace(p, "\"interval_months\":12", "\"interval_months\":4294967308"),
               "definition.interval_months", "4294967308");
    expect_one(
        replace(p, "\"exception_max_days\":365", "\"exception_max_days\":-9223372036854775808"),
        "definition.exception_max_days", "from 1 to 1095");
    expect_one(replace(p, "\"interval_months\":12", "\"interval_months\":1e308"),
               "definition.interval_months", "whole number");
    expect_error(replace(p, "\"interval_months\":12", "\"interval_months\":1e999"), "definition",
                 "JSON");
}

static void test_non_integer_cells(void **state)
{
    (void)state;
    const char *p = risk_method_preset(3);
    static const char *const bad[] = {"1.5", "\"1\"", "true", "[1]", "{}", "1.0", "-0.0"};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        expect_one(replace(p, "[[1,1,2]", arena_printf(&A, "[[%s,1,2]", bad[k])),
                   "definition.matrix[0][0]", "must be a risk level number from 1 to 3");
    expect_one(replace(p, "[[1,1,2]", "[[-1,1,2]"), "definition.matrix[0][0]",
               "names risk level -1");
}

static void test_nul_in_strings(void **state)
{
    (void)state;
    const char *p = risk_method_preset(5);
    expect_one(replace(p, "\"Rare\"", "\"Ra\\u0000re\""), "definition.likelihood[0].label", "NUL");
    expect_one(replace(p, "\"Negligible\",\"description\":\"",
                       "\"Negligible\","
                       "\"description\":\"\\u0000"),
               "definition.impact[0].description", "NUL");
    expect_one(replace(p, "\"#2E7D32\"", "\"#2E7D3\\u0000\""), "definition.levels[0].colour",
               "#RRGGBB");
    /* A NUL in a key: jansson refuses the text. */
    isms_status st;
    expect_error_in(replace(p, "\"basis\"", "\"bas\\u0000is\""), "definition", "", &st);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    const char *p = risk_method_preset(5);
    static const char *const bad[] = {"\"Ra\xffre\"", "\"Ra\xc0\xafre\"", "\"Ra\xed\xa0\x80re\"",
                                      "\"Ra\xe2\x82re\"", "\"Ra\\ud800re\""};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        isms_status st;
        expect_error_in(replace(p, "\"Rare\"", bad[k]), "definition", "", &st);
        /* The reason quotes nothing that is not printable ASCII. */
        const char *r = reason_for(&st, "definition");
        assert_non_null(r);
        for (; r && *r; r++)
            assert_true(*r >= 0x20 && *r < 0x7F);
    }
    /* Valid UTF-8, written raw or escaped, is kept. */
    risk_method m = parse_ok(replace(p, "\"Rare\"", "\"Sehr selten \\u00e9 \xe2\x82\xac\""));
    assert_string_equal(m.likelihood[0].label, "Sehr selten \xc3\xa9 \xe2\x82\xac");
}

static void test_size_limit(void **state)
{
    (void)state;
    const char *p = risk_method_preset(5);
    size_t len = strlen(p);
    assert_true(len < RISK_METHOD_JSON_MAX);
    /* Padded with whitespace to exactly the limit: accepted; one byte more: refused. */
    char *big = arena_alloc(&A, RISK_METHOD_JSON_MAX + 2);
    memcpy(big, p, len);
    memset(big + len, ' ', RISK_METHOD_JSON_MAX - len);
    parse_ok(big);
    big[RISK_METHOD_JSON_MAX] = ' ';
    expect_one(big, "definition", "32768 bytes long; at most 32767");
}

/* --- names -------------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(risk_acceptance_name(RISK_ACCEPT), "accept");
    assert_string_equal(risk_acceptance_name(RISK_ACCEPT_BY_OWNER), "owner");
    assert_string_equal(risk_acceptance_name(RISK_MUST_TREAT), "treat");
    assert_null(risk_acceptance_name(RISK_ACCEPTANCE_COUNT));
    assert_null(risk_acceptance_name((risk_acceptance_rule)-1));
    risk_acceptance_rule r;
    assert_true(risk_acceptance_from_name("owner", &r));
    assert_int_equal(r, RISK_ACCEPT_BY_OWNER);
    assert_false(risk_acceptance_from_name("Owner", &r));
    assert_false(risk_acceptance_from_name("", &r));

    static const struct {
        unsigned bit;
        const char *name;
    } t[] = {{RISK_TRIGGER_SIGNIFICANT_CHANGE, "significant-change"},
             {RISK_TRIGGER_INCIDENT, "incident"},
             {RISK_TRIGGER_NEW_REQUIREMENT, "new-requirement"},
             {RISK_TRIGGER_OTHER, "other"}};
    for (size_t k = 0; k < 4; k++) {
        assert_string_equal(risk_trigger_name(t[k].bit), t[k].name);
        unsigned bit = 0;
        assert_true(risk_trigger_from_name(t[k].name, &bit));
        assert_int_equal(bit, t[k].bit);
    }
    assert_null(risk_trigger_name(0));
    assert_null(risk_trigger_name(RISK_TRIGGER_INCIDENT | RISK_TRIGGER_OTHER));
    assert_null(risk_trigger_name(1u << 4));
    unsigned bit;
    assert_false(risk_trigger_from_name("incidents", &bit));
    assert_string_equal(risk_basis_name(true), "current");
    assert_string_equal(risk_basis_name(false), "inherent");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preset_3),
        cmocka_unit_test(test_preset_4),
        cmocka_unit_test(test_preset_5),
        cmocka_unit_test(test_preset_sizes),
        cmocka_unit_test(test_largest_method),
        cmocka_unit_test(test_unmapped_cell),
        cmocka_unit_test(test_level_out_of_range),
        cmocka_unit_test(test_unordered_cell_likelihood),
        cmocka_unit_test(test_unordered_cell_impact),
        cmocka_unit_test(test_every_unordered_cell_reported),
        cmocka_unit_test(test_unused_level),
        cmocka_unit_test(test_bad_colour),
        cmocka_unit_test(test_duplicate_label),
        cmocka_unit_test(test_blank_label),
        cmocka_unit_test(test_scale_sizes),
        cmocka_unit_test(test_matrix_shape),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_bad_triggers),
        cmocka_unit_test(test_exception_days),
        cmocka_unit_test(test_acceptance_order),
        cmocka_unit_test(test_basis_interval_required),
        cmocka_unit_test(test_text_limits),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_many_errors_at_once),
        cmocka_unit_test(test_status_fills_up),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_canonical_order),
        cmocka_unit_test(test_map_identity),
        cmocka_unit_test(test_map_used),
        cmocka_unit_test(test_map_absent_sizes_differ),
        cmocka_unit_test(test_map_wrong_sizes),
        cmocka_unit_test(test_map_defects),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_deeply_nested),
        cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_non_integer_cells),
        cmocka_unit_test(test_nul_in_strings),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
