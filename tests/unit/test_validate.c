/*
 * Unit tests for record validation: the generic rules on the fixture's
 * specimen (required, text length and encoding, allowed values, ranges,
 * hooks, transitions) and the hooks of the product's own kinds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/record.h"
#include "core/validate.h"
#include "core/value.h"
#include "support/fixture.h"

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

/* Set a field from text, as the CLI would; the text must parse. */
static void set(isms_record *r, const char *name, const char *text)
{
    const isms_field *f = kind_field(r->kind, name);
    if (!f)
        fail_msg("no field %s in %s", name, r->kind->name);
    char reason[200];
    if (!value_parse(fixture_registry(), f, text, &A, record_value(r, name), reason,
                     sizeof(reason)))
        fail_msg("%s: '%s' does not parse: %s", name, text, reason);
}

/* Set a text field without going through the parser (for any bytes at all). */
static void set_raw(isms_record *r, const char *name, const char *s)
{
    isms_value *v = record_value(r, name);
    assert_non_null(v);
    *v = (isms_value){.set = true, .s = arena_strdup(&A, s)};
}

/* A specimen that passes validation: the required fields only. */
static isms_record *specimen(void)
{
    isms_record *r = record_new(&A, &fixture_specimen);
    set(r, "title", "A specimen");
    set(r, "status", "open");
    return r;
}

/* The reason given for a field, or NULL. */
static const char *reason_for(const isms_status *st, const char *field)
{
    for (size_t i = 0; i < st->nfields; i++)
        if (strcmp(st->fields[i].field, field) == 0)
            return st->fields[i].reason;
    return NULL;
}

static bool validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    status_clear(st);
    return record_validate(old, rec, st);
}

static void assert_valid(const isms_record *old, const isms_record *rec)
{
    isms_status st;
    if (!validate(old, rec, &st))
        fail_msg("refused: %s: %s", st.nfields ? st.fields[0].field : "-",
                 st.nfields ? st.fields[0].reason : st.detail);
    assert_int_equal(st.code, ISMS_OK);
    assert_int_equal(st.nfields, 0);
}

/* Exactly one field error, on `field`, with `reason`. */
static void assert_one_error(const isms_record *old, const isms_record *rec, const char *field,
                             const char *reason)
{
    isms_status st;
    assert_false(validate(old, rec, &st));
    assert_int_equal(st.code, ISMS_EINVALID);
    if (st.nfields != 1)
        fail_msg("expected one error on %s, got %zu (first: %s: %s)", field, st.nfields,
                 st.nfields ? st.fields[0].field : "-", st.nfields ? st.fields[0].reason : "-");
    assert_string_equal(st.fields[0].field, field);
    assert_string_equal(st.fields[0].reason, reason);
    assert_string_equal(st.detail, "the input has invalid fields");
}

static char *repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit);
    char *s = arena_alloc(&A, n * times + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    return s;
}

/* ---- generic rules on the specimen ---- */

static void test_minimal_record_is_valid(void **state)
{
    (void)state;
    assert_valid(NULL, specimen());
}

static void test_every_field_set_valid(void **state)
{
    (void)state;
    isms_record *r = specimen();
    set(r, "note", "line one\nline two");
    set(r, "count", "100");
    set(r, "amount", "-1000");
    set(r, "flag", "yes");
    set(r, "day", "2024-02-29");
    set(r, "at", "2024-02-29T12:00:00+01:00");
    set(r, "level", "high");
    set(r, "parent", "PAR-1");
    set(r, "friends", "SPC-2,SPC-3");
    set(r, "subject", "LED-1");
    set(r, "secret", "s3cret");
    assert_valid(NULL, r);
}

static void test_required_missing(void **state)
{
    (void)state;
    isms_record *r = record_new(&A, &fixture_specimen);
    isms_status st;
    assert_false(validate(NULL, r, &st));
    assert_int_equal(st.code, ISMS_EINVALID);
    assert_int_equal(st.nfields, 2);
    assert_string_equal(st.fields[0].field, "title");
    assert_string_equal(st.fields[0].reason, "is required");
    assert_string_equal(st.fields[1].field, "status");
    assert_string_equal(st.fields[1].reason, "is required");

    r = specimen();
    set(r, "title", "");
    assert_one_error(NULL, r, "title", "is required");
}

static void test_blank_text_counts_as_missing(void **state)
{
    (void)state;
    static const char *const blanks[] = {" ", "   ", "\t", " \t\r\n "};
    for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
        isms_record *r = specimen();
        set_raw(r, "title", blanks[i]);
        assert_one_error(NULL, r, "title", "is required");
    }
    /* Required long text too (the climate decision's reasoning). */
    isms_record *d = record_new(&A, &kind_climate_decision);
    set(d, "title", "2024");
    set(d, "relevant", "false"); /* false is a value, not a missing one */
    set(d, "reasoning", "\n\n  \n");
    set(d, "decided_by", "Board");
    set(d, "decided_on", "2024-05-01");
    assert_one_error(NULL, d, "reasoning", "is required");
    set(d, "reasoning", "Sites are not exposed to climate risks.\nReviewed yearly.");
    assert_valid(NULL, d);

    /* Text with something besides blanks is present. */
    isms_record *r = specimen();
    set(r, "title", "  x  ");
    assert_valid(NULL, r);
}

static void test_max_length_in_characters(void **state)
{
    (void)state;
    isms_record *r = specimen();
    /* note: at most 50 characters; é is 2 bytes, so 100 bytes are fine. */
    set(r, "note", repeat("\xc3\xa9", 50));
    assert_int_equal(strlen(record_value(r, "note")->s), 100);
    assert_valid(NULL, r);
    set(r, "note", repeat("\xc3\xa9", 51));
    assert_one_error(NULL, r, "note", "is 51 characters long; at most 50 are allowed");
    set(r, "note", repeat("\xf0\x9f\x98\x80", 50)); /* 4-byte characters */
    assert_valid(NULL, r);
    set(r, "note", repeat("x", 50));
    assert_valid(NULL, r);
    set(r, "note", repeat("x", 51));
    assert_one_error(NULL, r, "note", "is 51 characters long; at most 50 are allowed");

    r = specimen();
    set(r, "title", repeat("\xe6\x97\xa5", 200)); /* 600 bytes, 200 characters */
    assert_valid(NULL, r);
    set(r, "title", repeat("a", 201));
    assert_one_error(NULL, r, "title", "is 201 characters long; at most 200 are allowed");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    isms_record *r = specimen();
    set_raw(r, "title", "caf\xe9"); /* Latin-1, not UTF-8 */
    assert_one_error(NULL, r, "title", "is not valid UTF-8 text");
    r = specimen();
    set_raw(r, "note", "overlong \xc0\xaf");
    assert_one_error(NULL, r, "note", "is not valid UTF-8 text");
}

static void test_control_characters(void **state)
{
    (void)state;
    static const char *const bad_line[] = {"a\nb", "a\rb", "a\tb", "a\x01", "\x1b[31m",
                                           "del\x7f"};
    for (size_t i = 0; i < sizeof(bad_line) / sizeof(bad_line[0]); i++) {
        isms_record *r = specimen();
        set_raw(r, "title", bad_line[i]);
        assert_one_error(NULL, r, "title", "must be a single line without control characters");
    }

    /* Long text may hold line breaks and tabs, but no other control characters. */
    isms_record *r = specimen();
    set(r, "note", "one\ntwo\r\n\tthree");
    assert_valid(NULL, r);
    set_raw(r, "note", "bell\x07");
    assert_one_error(NULL, r, "note", "contains control characters");
    set_raw(r, "note", "esc\x1b");
    assert_one_error(NULL, r, "note", "contains control characters");
    set_raw(r, "note", "del\x7f");
    assert_one_error(NULL, r, "note", "contains control characters");
}

static void test_enum_membership(void **state)
{
    (void)state;
    isms_record *r = specimen();
    set(r, "level", "extreme");
    assert_one_error(NULL, r, "level", "must be one of: low, mid, high");
    set(r, "level", "High"); /* case matters */
    assert_one_error(NULL, r, "level", "must be one of: low, mid, high");
    set(r, "level", "mid");
    assert_valid(NULL, r);

    r = specimen();
    set(r, "status", "closed");
    assert_one_error(NULL, r, "status", "must be one of: open, done");
}

static void test_int_range(void **state)
{
    (void)state;
    isms_record *r = specimen();
    set(r, "count", "0");
    assert_valid(NULL, r);
    set(r, "count", "100");
    assert_valid(NULL, r);
    set(r, "count", "101");
    assert_one_error(NULL, r, "count", "must be between 0 and 100");
    set(r, "count", "-1");
    assert_one_error(NULL, r, "count", "must be between 0 and 100");
    set(r, "count", "-9223372036854775808");
    assert_one_error(NULL, r, "count", "must be between 0 and 100");
}

static void test_decimal_range(void **state)
{
    (void)state;
    isms_record *r = specimen();
    set(r, "amount", "1000");
    assert_valid(NULL, r);
    set(r, "amount", "-1000");
    assert_valid(NULL, r);
    set(r, "amount", "0.000001");
    assert_valid(NULL, r);
    set(r, "amount", "1000.000001");
    assert_one_error(NULL, r, "amount", "must be between -1000 and 1000");
    set(r, "amount", "-1000.000001");
    assert_one_error(NULL, r, "amount", "must be between -1000 and 1000");
    set(r, "amount", "999999999999.999999");
    assert_one_error(NULL, r, "amount", "must be between -1000 and 1000");
}

static void test_reflist_duplicates(void **state)
{
    (void)state;
    isms_record *r = specimen();
    static const int64_t ids[] = {4, 7, 4};
    *record_value(r, "friends") = (isms_value){.set = true, .ids = ids, .n = 3};
    assert_one_error(NULL, r, "friends", "names the same record twice");
}

static void test_kind_validate_hook(void **state)
{
    (void)state;
    isms_record *r = specimen();
    set(r, "level", "high");
    assert_one_error(NULL, r, "note", "is required when the level is high");
    set(r, "note", "why it is high");
    assert_valid(NULL, r);

    r = specimen();
    set(r, "level", "mid");
    assert_valid(NULL, r);

    /* The hook runs on updates too. */
    isms_record *old = specimen();
    r = record_clone(&A, old);
    set(r, "level", "high");
    assert_one_error(old, r, "note", "is required when the level is high");

    /* Field errors come first: the hook only sees records whose fields are sound. */
    r = specimen();
    set(r, "level", "high");
    set(r, "count", "101");
    assert_one_error(NULL, r, "count", "must be between 0 and 100");
}

static void test_transition_guard(void **state)
{
    (void)state;
    isms_record *old = specimen();
    set(old, "status", "done");
    isms_record *r = record_clone(&A, old);
    set(r, "status", "open");
    assert_one_error(old, r, "status", "a done specimen cannot be reopened");

    /* Only when the status changes: other edits to a done specimen are fine. */
    r = record_clone(&A, old);
    set(r, "title", "Renamed");
    assert_valid(old, r);

    /* Forward moves are fine. */
    isms_record *open = specimen();
    r = record_clone(&A, open);
    set(r, "status", "done");
    assert_valid(open, r);

    /* No transition on create: a new record may start in any status. */
    r = specimen();
    set(r, "status", "done");
    assert_valid(NULL, r);
    r = specimen();
    assert_valid(NULL, r);

    /* Clearing the status is "required", not a transition. */
    r = record_clone(&A, old);
    set(r, "status", "");
    assert_one_error(old, r, "status", "is required");
}

static void test_multiple_errors_at_once(void **state)
{
    (void)state;
    isms_record *r = record_new(&A, &fixture_specimen);
    set_raw(r, "note", "a\x01");
    set(r, "count", "500");
    set(r, "amount", "-5000");
    set(r, "level", "none");
    set(r, "status", "gone");
    isms_status st;
    assert_false(validate(NULL, r, &st));
    assert_int_equal(st.code, ISMS_EINVALID);
    assert_int_equal(st.nfields, 6);
    /* In field order, each with its own reason. */
    static const char *const expect[][2] = {
        {"title", "is required"},
        {"note", "contains control characters"},
        {"count", "must be between 0 and 100"},
        {"amount", "must be between -1000 and 1000"},
        {"level", "must be one of: low, mid, high"},
        {"status", "must be one of: open, done"},
    };
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(st.fields[i].field, expect[i][0]);
        assert_string_equal(st.fields[i].reason, expect[i][1]);
    }
}

static void test_derived_fields_not_validated(void **state)
{
    (void)state;
    /* score is derived (count * 2) and has no bounds of its own to break. */
    isms_record *r = specimen();
    *record_value(r, "score") = (isms_value){.set = true, .i = INT64_MAX};
    assert_valid(NULL, r);
}

static void test_one_reason_per_field(void **state)
{
    (void)state;
    isms_status st;
    status_clear(&st);
    assert_int_equal(status_field(&st, "title", "first %s", "reason"), ISMS_EINVALID);
    status_field(&st, "title", "second reason");
    status_field(&st, "note", "other field");
    status_field(&st, "note", "again");
    assert_int_equal(st.code, ISMS_EINVALID);
    assert_int_equal(st.nfields, 2);
    assert_string_equal(st.fields[0].field, "title");
    assert_string_equal(st.fields[0].reason, "first reason");
    assert_string_equal(st.fields[1].field, "note");
    assert_string_equal(st.fields[1].reason, "other field");

    /* Within record_validate: a field error from the rules is not joined by the hook's. */
    isms_record *r = specimen();
    set(r, "status", "done");
    isms_record *old = record_clone(&A, r);
    set(r, "status", "open");
    status_clear(&st);
    status_field(&st, "status", "set by the caller first");
    assert_false(record_validate(old, r, &st));
    assert_int_equal(st.nfields, 1);
    assert_string_equal(st.fields[0].reason, "set by the caller first");

    /* The list of fields is capped, never overrun. */
    status_clear(&st);
    char name[16];
    for (int i = 0; i < ISMS_STATUS_MAX_FIELDS + 5; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        status_field(&st, name, "bad");
    }
    assert_int_equal(st.nfields, ISMS_STATUS_MAX_FIELDS);
    assert_string_equal(st.fields[ISMS_STATUS_MAX_FIELDS - 1].field, "f31");
}

/* ---- requirement (4.2) ---- */

static isms_record *requirement(const char *addressed)
{
    isms_record *r = record_new(&A, &kind_requirement);
    set(r, "title", "GDPR breach notification");
    set(r, "party", "IP-1");
    set(r, "type", "legal");
    set(r, "addressed", addressed);
    return r;
}

static void test_requirement_hook(void **state)
{
    (void)state;
    const char *need_how = "is required when the requirement is addressed (yes or partly)";
    const char *need_why =
        "is required when the requirement is not fully addressed (partly or no)";

    isms_record *r = requirement("yes");
    assert_one_error(NULL, r, "how_addressed", need_how);
    set(r, "how_addressed", "Incident procedure IP-7");
    assert_valid(NULL, r);

    r = requirement("no");
    assert_one_error(NULL, r, "reason_not_addressed", need_why);
    set(r, "reason_not_addressed", "Out of scope");
    assert_valid(NULL, r);

    r = requirement("partly");
    isms_status st;
    assert_false(validate(NULL, r, &st));
    assert_int_equal(st.nfields, 2);
    assert_string_equal(reason_for(&st, "how_addressed"), need_how);
    assert_string_equal(reason_for(&st, "reason_not_addressed"), need_why);
    set(r, "how_addressed", "Partly by the DPO");
    assert_one_error(NULL, r, "reason_not_addressed", need_why);
    set(r, "reason_not_addressed", "Budget next year");
    assert_valid(NULL, r);

    /* Without "addressed", only the missing field is reported (the hook does not run). */
    r = record_new(&A, &kind_requirement);
    set(r, "title", "x");
    set(r, "party", "1");
    set(r, "type", "other");
    assert_one_error(NULL, r, "addressed", "is required");
    set(r, "addressed", "maybe");
    assert_one_error(NULL, r, "addressed", "must be one of: yes, partly, no");
}

/* ---- scope item (4.3) ---- */

static void test_scope_item_hook(void **state)
{
    (void)state;
    isms_record *r = record_new(&A, &kind_scope_item);
    set(r, "title", "Berlin office");
    set(r, "type", "site");
    set(r, "inclusion", "included");
    assert_valid(NULL, r);
    set(r, "inclusion", "excluded");
    assert_one_error(NULL, r, "justification", "is required for an excluded item");
    set(r, "justification", "Sales only; no customer data");
    assert_valid(NULL, r);
}

/* ---- process (4.4) ---- */

static isms_record *process(const char *status)
{
    isms_record *r = record_new(&A, &kind_process);
    set(r, "title", "Incident management");
    set(r, "owner", "PER-1");
    set(r, "status", status);
    return r;
}

static void test_process_provider(void **state)
{
    (void)state;
    isms_record *r = process("planned");
    assert_valid(NULL, r);
    set(r, "externally_provided", "false");
    assert_valid(NULL, r);
    set(r, "externally_provided", "true");
    assert_one_error(NULL, r, "provider", "is required for an externally provided process");
    set(r, "provider", "SOC Ltd");
    assert_valid(NULL, r);

    r = process("planned");
    set(r, "owner", "");
    assert_one_error(NULL, r, "owner", "is required");
}

static void test_process_interacts_with_itself(void **state)
{
    (void)state;
    isms_record *r = process("operating");
    r->id = 5;
    set(r, "interacts_with", "PRC-3,PRC-4");
    assert_valid(NULL, r);
    set(r, "interacts_with", "PRC-3,PRC-5");
    assert_one_error(NULL, r, "interacts_with", "a process cannot interact with itself");

    /* On create the record has no id yet, so PRC-5 is another process. */
    r = process("planned");
    set(r, "interacts_with", "PRC-5");
    assert_valid(NULL, r);
}

static void test_process_transitions(void **state)
{
    (void)state;
    isms_record *old = process("discontinued");
    old->id = 2;
    isms_record *r = record_clone(&A, old);
    set(r, "status", "operating");
    assert_one_error(old, r, "status",
                     "a discontinued process cannot be restarted; record a new one");
    set(r, "status", "planned");
    assert_one_error(old, r, "status",
                     "a discontinued process cannot be restarted; record a new one");

    /* Staying discontinued while editing is fine. */
    r = record_clone(&A, old);
    set(r, "purpose", "Historic record");
    assert_valid(old, r);

    isms_record *planned = process("planned");
    r = record_clone(&A, planned);
    set(r, "status", "operating");
    assert_valid(planned, r);
    isms_record *operating = process("operating");
    r = record_clone(&A, operating);
    set(r, "status", "discontinued");
    assert_valid(operating, r);
    r = record_clone(&A, operating);
    set(r, "status", "planned");
    assert_valid(operating, r);
}

/* ---- person (5.3) ---- */

static isms_record *person(void)
{
    isms_record *r = record_new(&A, &kind_person);
    set(r, "name", "Anna Schmidt");
    return r;
}

static void test_person_email(void **state)
{
    (void)state;
    isms_record *r = person();
    assert_valid(NULL, r);
    static const char *const good[] = {"anna.schmidt@nordlicht-logistik.example",
                                       "a@b.co", "first+tag@mail.example.org"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        set(r, "email", good[i]);
        assert_valid(NULL, r);
    }
    static const char *const bad[] = {"anna",          "anna@",         "@example.com",
                                      "anna@example",  "a@b@example.com", "anna @example.com",
                                      "anna@.example", "anna@example.",   "anna@exa..mple.com"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        set_raw(r, "email", bad[i]);
        isms_status st;
        assert_false(validate(NULL, r, &st));
        if (!reason_for(&st, "email"))
            fail_msg("'%s' was taken for an e-mail address", bad[i]);
        assert_int_equal(st.nfields, 1);
    }
    /* Control characters are refused as in any text; 254 characters at most. */
    set_raw(r, "email", "anna@example.com\n");
    isms_status st;
    assert_false(validate(NULL, r, &st));
    assert_non_null(reason_for(&st, "email"));
    char longest[256];
    memset(longest, 'a', sizeof(longest));
    memcpy(longest + 254 - 12, "@example.com", 13);
    set_raw(r, "email", longest);
    assert_valid(NULL, r);
    memset(longest, 'a', sizeof(longest));
    memcpy(longest + 255 - 12, "@example.com", 13);
    set_raw(r, "email", longest);
    assert_one_error(NULL, r, "email", "is 255 characters long; at most 254 are allowed");
}

static void test_person_own_manager(void **state)
{
    (void)state;
    isms_record *r = person();
    r->id = 4;
    set(r, "manager", "PER-2");
    assert_valid(NULL, r);
    set(r, "manager", "PER-4");
    assert_one_error(NULL, r, "manager", "a person cannot be their own manager");
    /* Both rules at once, so one correction round suffices. */
    set_raw(r, "email", "not an address");
    isms_status st;
    assert_false(validate(NULL, r, &st));
    assert_int_equal(st.nfields, 2);
    assert_non_null(reason_for(&st, "manager"));
    assert_non_null(reason_for(&st, "email"));

    /* On create the person has no id yet, so PER-4 is someone else. */
    r = person();
    set(r, "manager", "PER-4");
    assert_valid(NULL, r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_record_is_valid),
        cmocka_unit_test(test_every_field_set_valid),
        cmocka_unit_test(test_required_missing),
        cmocka_unit_test(test_blank_text_counts_as_missing),
        cmocka_unit_test(test_max_length_in_characters),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_enum_membership),
        cmocka_unit_test(test_int_range),
        cmocka_unit_test(test_decimal_range),
        cmocka_unit_test(test_reflist_duplicates),
        cmocka_unit_test(test_kind_validate_hook),
        cmocka_unit_test(test_transition_guard),
        cmocka_unit_test(test_multiple_errors_at_once),
        cmocka_unit_test(test_derived_fields_not_validated),
        cmocka_unit_test(test_one_reason_per_field),
        cmocka_unit_test(test_requirement_hook),
        cmocka_unit_test(test_scope_item_hook),
        cmocka_unit_test(test_process_provider),
        cmocka_unit_test(test_process_interacts_with_itself),
        cmocka_unit_test(test_process_transitions),
        cmocka_unit_test(test_person_email),
        cmocka_unit_test(test_person_own_manager),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
