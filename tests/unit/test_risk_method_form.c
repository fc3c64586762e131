/*
 * The risk method editor's form model (src/web/risk_method_form.c): a preset
 * shown and written back gives the same method; a resized grid stays ordered
 * and keeps its texts; a half-chosen mapping and a cell that is not a number
 * are named by their controls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "web/risk_method_form.h"

static const risk_method *parse(const char *json, arena *a)
{
    risk_method *m = arena_alloc(a, sizeof(*m));
    isms_status st;
    status_clear(&st);
    if (!risk_method_parse(json, a, m, &st))
        return NULL;
    return m;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int size = 3; size <= 5; size++) {
        arena a;
        arena_init(&a);
        const risk_method *m = parse(risk_method_preset(size), &a);
        assert_non_null(m);
        rm_form f = {0};
        rm_form_from_method(&f, m, &a);
        rm_form_set_previous(&f, m);
        assert_false(rm_form_needs_map(&f));
        isms_status st;
        status_clear(&st);
        const risk_method *back = parse(rm_form_json(&f, &a, &st), &a);
        assert_int_equal(st.code, ISMS_OK);
        assert_non_null(back);
        assert_string_equal(risk_method_to_json(back, &a), risk_method_to_json(m, &a));
        arena_dispose(&a);
    }
}

static void test_resize(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    const risk_method *m = parse(risk_method_preset(5), &a);
    rm_form f = {0};
    rm_form_from_method(&f, m, &a);
    rm_form_resize(&f, 7, 3, 4, &a);
    rm_form_set_previous(&f, m);
    assert_true(rm_form_needs_map(&f));
    assert_string_equal(f.likelihood[4].label, "Almost certain");
    assert_string_equal(f.likelihood[6].label, "Likelihood 7");
    /* Every row and column stays ordered. */
    for (int l = 0; l < 7; l++)
        for (int i = 0; i < 3; i++) {
            assert_true(f.cell[l][i][0] >= '1' && f.cell[l][i][0] <= '4');
            if (l)
                assert_true(strcmp(f.cell[l][i], f.cell[l - 1][i]) >= 0);
            if (i)
                assert_true(strcmp(f.cell[l][i], f.cell[l][i - 1]) >= 0);
        }
    arena_dispose(&a);
}

static void test_form_defects(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    const risk_method *m5 = parse(risk_method_preset(5), &a);
    const risk_method *m3 = parse(risk_method_preset(3), &a);
    rm_form f = {0};
    rm_form_from_method(&f, m3, &a);
    rm_form_set_previous(&f, m5);
    f.cell[1][1] = "two";
    f.map_l[0] = "1"; /* one level of five chosen */
    isms_status st;
    status_clear(&st);
    rm_form_json(&f, &a, &st);
    assert_int_equal(st.code, ISMS_EINVALID);
    bool cell = false, map = false;
    for (size_t k = 0; k < st.nfields; k++) {
        cell |= strcmp(st.fields[k].field, "definition.matrix[1][1]") == 0;
        map |= strcmp(st.fields[k].field, "definition.map_from_previous.likelihood[1]") == 0;
    }
    assert_true(cell);
    assert_true(map);
    status_clear(&st);
    int n;
    assert_false(rm_size_parse("1", "likelihood", &n, &st));
    assert_false(rm_size_parse("11", "impact", &n, &st));
    assert_false(rm_size_parse("", "levels", &n, &st));
    assert_true(rm_size_parse("10", "levels", &n, &st));
    assert_int_equal(n, 10);
    assert_int_equal(st.nfields, 3);
    arena_dispose(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_resize),
        cmocka_unit_test(test_form_defects),
    };
    return cmocka_run_group_tests_name("risk-method-form", tests, NULL, NULL);
}
