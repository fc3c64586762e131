/*
 * risk_acceptance_validity and risk_accepted_terms_differ: whether a signed
 * acceptance still covers a risk (the same residual scores, treatment
 * options and controls, as sets) and has not passed its expiry. Pure: no
 * store, records built here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_hooks.h"

static arena g_a;

static void set_int(isms_record *r, const char *f, int64_t i)
{
    *record_value(r, f) = (isms_value){.set = true, .i = i};
}

static void set_text(isms_record *r, const char *f, const char *s)
{
    *record_value(r, f) = (isms_value){.set = s != NULL, .s = s};
}

static isms_record *risk(int64_t rl, int64_t ri, const char *treatment, const char *controls)
{
    isms_record *r = record_new(&g_a, &kind_risk);
    set_text(r, "title", "Laptop theft");
    set_int(r, "residual_likelihood", rl);
    set_int(r, "residual_impact", ri);
    set_text(r, "treatment", treatment);
    set_text(r, "controls", controls);
    return r;
}

static isms_record *acceptance(const char *expires)
{
    isms_record *a = record_new(&g_a, &kind_risk_acceptance);
    set_int(a, "residual_likelihood", 2);
    set_int(a, "residual_impact", 3);
    set_text(a, "treatment", "modify, share");
    set_text(a, "controls", "5.15, 8.24");
    set_text(a, "expires", expires);
    return a;
}

static void test_valid_until_the_end_of_its_expiry_day(void **state)
{
    (void)state;
    isms_record *acc = acceptance("2027-06-30");
    isms_record *r = risk(2, 3, "modify, share", "5.15, 8.24");
    assert_int_equal(risk_acceptance_validity(acc, r, "2027-01-01T00:00:00.000Z"),
                     ACCEPTANCE_VALID);
    assert_int_equal(risk_acceptance_validity(acc, r, "2027-06-30T23:59:59.999Z"),
                     ACCEPTANCE_VALID);
    assert_int_equal(risk_acceptance_validity(acc, r, "2027-07-01T00:00:00.000Z"),
                     ACCEPTANCE_EXPIRED);
    assert_int_equal(risk_acceptance_validity(acc, r, "2027-07-01"), ACCEPTANCE_EXPIRED);
}

static void test_without_expiry_it_does_not_expire(void **state)
{
    (void)state;
    isms_record *acc = acceptance(NULL);
    isms_record *r = risk(2, 3, "modify, share", "5.15, 8.24");
    assert_int_equal(risk_acceptance_validity(acc, r, "2999-01-01"), ACCEPTANCE_VALID);
}

static void test_order_and_spelling_of_lists_do_not_matter(void **state)
{
    (void)state;
    isms_record *acc = acceptance("2027-06-30");
    assert_int_equal(risk_acceptance_validity(acc, risk(2, 3, "share,modify", "A.8.24, 5.15"),
                                              "2027-01-01"),
                     ACCEPTANCE_VALID);
    assert_false(risk_accepted_terms_differ(risk(2, 3, "share, modify", "8.24,5.15"),
                                            risk(2, 3, "modify,share", "5.15, 8.24")));
}

static void test_each_term_changes_it(void **state)
{
    (void)state;
    isms_record *acc = acceptance("2027-06-30");
    const char *today = "2027-01-01";
    assert_int_equal(risk_acceptance_validity(acc, risk(1, 3, "modify, share", "5.15, 8.24"),
                                              today),
                     ACCEPTANCE_CHANGED);
    assert_int_equal(risk_acceptance_validity(acc, risk(2, 4, "modify, share", "5.15, 8.24"),
                                              today),
                     ACCEPTANCE_CHANGED);
    assert_int_equal(risk_acceptance_validity(acc, risk(2, 3, "modify", "5.15, 8.24"), today),
                     ACCEPTANCE_CHANGED);
    assert_int_equal(risk_acceptance_validity(acc, risk(2, 3, "modify, share", "5.15"), today),
                     ACCEPTANCE_CHANGED);
    assert_int_equal(risk_acceptance_validity(acc, risk(2, 3, "modify, share", NULL), today),
                     ACCEPTANCE_CHANGED);
    /* A residual score removed is a change too. */
    isms_record *r = risk(2, 3, "modify, share", "5.15, 8.24");
    record_value(r, "residual_impact")->set = false;
    assert_int_equal(risk_acceptance_validity(acc, r, today), ACCEPTANCE_CHANGED);
    /* A change outweighs expiry: what changed is what the reader must see. */
    assert_int_equal(risk_acceptance_validity(acc, risk(1, 1, "modify", NULL), "2030-01-01"),
                     ACCEPTANCE_CHANGED);
}

static void test_retired_outweighs_everything(void **state)
{
    (void)state;
    isms_record *acc = acceptance("2027-06-30");
    acc->retired_at = "2027-02-01T00:00:00.000Z";
    assert_int_equal(risk_acceptance_validity(acc, risk(2, 3, "modify, share", "5.15, 8.24"),
                                              "2027-01-01"),
                     ACCEPTANCE_RETIRED);
}

int main(void)
{
    arena_init(&g_a);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_until_the_end_of_its_expiry_day),
        cmocka_unit_test(test_without_expiry_it_does_not_expire),
        cmocka_unit_test(test_order_and_spelling_of_lists_do_not_matter),
        cmocka_unit_test(test_each_term_changes_it),
        cmocka_unit_test(test_retired_outweighs_everything),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    arena_dispose(&g_a);
    return rc;
}
