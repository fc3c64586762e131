/*
 * The pure parts of assessment campaigns (core/risk_campaign.c): the due
 * date arithmetic, the names of changes, and the JSON of a comparison and a
 * coverage. What needs a database is tested over HTTP on both drivers
 * (tests/api/test_risk_campaign.c) and through the CLI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/risk_campaign.h"

static void test_add_months(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        int months;
        const char *want;
    } cases[] = {
        {"2026-01-15", 12, "2027-01-15"},
        {"2026-01-31", 1, "2026-02-28"}, /* clamped to the month's end */
        {"2024-01-31", 1, "2024-02-29"}, /* a leap year */
        {"2026-11-30", 3, "2027-02-28"},
        {"2026-12-02T13:09:22.126Z", 12, "2027-12-02"}, /* a time: its date counts */
        {"2026-05-10", 0, "2026-05-10"},
        {"2026-12-31", 60, "2031-12-31"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[11];
        assert_true(risk_date_add_months(cases[i].date, cases[i].months, out));
        assert_string_equal(out, cases[i].want);
    }
    char out[11];
    assert_false(risk_date_add_months("2026-13-01", 1, out));
    assert_false(risk_date_add_months("yesterday", 1, out));
    assert_false(risk_date_add_months(NULL, 1, out));
    assert_false(risk_date_add_months("2026-01-01", -1, out));
    assert_false(risk_date_add_months("9999-12-01", 1, out)); /* past year 9999 */
}

static void test_change_names(void **state)
{
    (void)state;
    assert_string_equal(risk_change_name(RISK_UNCHANGED), "unchanged");
    assert_string_equal(risk_change_name(RISK_NEW), "new");
    assert_string_equal(risk_change_name(RISK_CLOSED), "closed");
    assert_string_equal(risk_change_name(RISK_RAISED), "raised");
    assert_string_equal(risk_change_name(RISK_LOWERED), "lowered");
}

static void test_json(void **state)
{
    (void)state;
    risk_owner_cover owners[] = {{.person = 3, .name = "Bea", .risks = 3, .answered = 1,
                                  .late = true},
                                 {.person = 4, .name = NULL, .risks = 0, .answered = 0}};
    risk_coverage cov = {.campaign = 2, .due_date = "2026-03-31", .risks = 3, .answered = 1,
                         .late = 1, .nowners = 2, .owners = owners};
    json_t *j = risk_coverage_to_json(&cov);
    assert_string_equal(json_string_value(json_object_get(j, "campaign")), "CMP-2");
    assert_int_equal(json_integer_value(json_object_get(j, "percent")), 33);
    json_t *o = json_array_get(json_object_get(j, "owners"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "person")), "PER-3");
    assert_true(json_is_true(json_object_get(o, "late")));
    /* An owner with no risks is at 100 %, and a person without a name is null. */
    o = json_array_get(json_object_get(j, "owners"), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "percent")), 100);
    assert_true(json_is_null(json_object_get(o, "name")));
    json_decref(j);

    risk_compare_row rows[] = {{.risk_id = 7, .title = "T", .level_to = 3, .change = RISK_NEW}};
    risk_comparison cmp = {.from = 1, .to = 2, .news = 1, .unchanged = 5, .n = 1, .rows = rows,
                           .next_after = 7};
    j = risk_comparison_to_json(&cmp);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "new")), 1);
    json_t *it = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(it, "risk")), "RSK-7");
    assert_string_equal(json_string_value(json_object_get(it, "change")), "new");
    assert_true(json_is_null(json_object_get(it, "level_from")));
    assert_string_equal(json_string_value(json_object_get(j, "next_after")), "RSK-7");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_change_names),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests_name("risk-campaign", tests, NULL, NULL);
}
