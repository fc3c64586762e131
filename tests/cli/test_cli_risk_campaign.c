/*
 * `isms risk-campaign coverage|snapshot|compare|close|due` through the real
 * binary (ISMS_BIN) on a SQLite file: exact numbers in text and --json,
 * refusals with their exit codes and nothing written, and the help.
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
#include <unistd.h>

#include "../support/run.h"

static char DIR_[256], DB[320];
static run_result R;

/* Run isms --db DB ARGS... and check the exit code. */
static void run(int want, const char *const *args)
{
    const char *argv[32] = {"--db", DB};
    size_t n = 2;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    run_result_free(&R);
    int rc = run_isms(argv, args[0] && strcmp(args[0], "user") == 0 ? "a password 12345\n" : NULL,
                      (const char *const[]){"ISMS_ACTOR", NULL}, &R);
    if (rc != want)
        fail_msg("isms %s %s: exit %d, expected %d\nstdout: %s\nstderr: %s", args[0],
                 args[1] ? args[1] : "", rc, want, R.out, R.err);
}

#define RUN(want, ...) run(want, (const char *const[]){__VA_ARGS__, NULL})

static void has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("lacks '%s' in:\n%s", needle, text);
}

static json_t *json_out(void)
{
    json_error_t e;
    json_t *j = json_loads(R.out, 0, &e);
    if (!j)
        fail_msg("not JSON: %s", R.out);
    return j;
}

static long long jint(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2)
        v = json_object_get(v, path2);
    return (long long)json_integer_value(v);
}

static int setup(void **state)
{
    (void)state;
    snprintf(DIR_, sizeof(DIR_), "/tmp/isms-cli-cmp-XXXXXX");
    if (!mkdtemp(DIR_))
        return -1;
    snprintf(DB, sizeof(DB), "%s/isms.db", DIR_);
    const char *init[] = {"init", "--db", DB, "--org", "T", "--admin", "tester",
                          "--password-stdin", "--hash-cost", "test", NULL};
    if (run_isms(init, "tester password 1234\n", NULL, &R) != 0) {
        fprintf(stderr, "init failed: %s\n", R.err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    run_result_free(&R);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", DIR_);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_due_before_any(void **state)
{
    (void)state;
    RUN(0, "risk-campaign", "due");
    has(R.out, "An assessment is due: no assessment has been closed yet");
    RUN(0, "risk-campaign", "due", "--json");
    json_t *j = json_out();
    assert_true(json_is_true(json_object_get(j, "due")));
    assert_int_equal(jint(j, "interval_months", NULL), 12);
    json_decref(j);
}

static void test_coverage_close_snapshot(void **state)
{
    (void)state;
    RUN(0, "person", "add", "--name", "Bea Owner");
    RUN(0, "person", "add", "--name", "Carl Other");
    RUN(0, "risk", "add", "--title", "Laptop theft", "--owner", "PER-1", "--likelihood", "4",
        "--impact", "4");
    RUN(0, "risk", "add", "--title", "Phishing", "--owner", "PER-1", "--likelihood", "2",
        "--impact", "2");
    RUN(0, "risk", "add", "--title", "Flood", "--owner", "PER-2", "--likelihood", "1",
        "--impact", "1");
    RUN(0, "risk-campaign", "add", "--title", "A", "--trigger", "interval", "--due-date",
        "2025-01-31");
    RUN(0, "risk-review", "add", "--campaign", "CMP-1", "--risk", "RSK-2", "--outcome",
        "confirmed");

    RUN(0, "risk-campaign", "coverage", "CMP-1");
    has(R.out, "CMP-1 (open, due 2025-01-31): 1 of 3 risks answered (33%), 2 owners late");
    has(R.out, "PER-1  Bea Owner   2      1         late");
    RUN(0, "risk-campaign", "coverage", "CMP-1", "--json");
    json_t *j = json_out();
    assert_int_equal(jint(j, "risks", NULL), 3);
    assert_int_equal(jint(j, "answered", NULL), 1);
    assert_int_equal(json_array_size(json_object_get(j, "owners")), 2);
    json_decref(j);

    /* No snapshot while open; nothing to compare. */
    RUN(1, "risk-campaign", "snapshot", "CMP-1");
    has(R.err, "CMP-1 is open");
    RUN(1, "risk-campaign", "compare", "CMP-1", "CMP-1");
    has(R.err, "--from");

    RUN(0, "risk-campaign", "close", "CMP-1");
    has(R.out, "snapshot of 3 risks");
    RUN(0, "risk-campaign", "snapshot", "CMP-1", "--json");
    j = json_out();
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "risk")),
                        "RSK-1");
    json_decref(j);
    RUN(0, "risk-campaign", "snapshot", "CMP-1");
    has(R.out, "RSK-3  Flood");

    /* Closed: refused, and the record stays at version 2. */
    RUN(1, "risk-campaign", "close", "CMP-1");
    has(R.err, "CMP-1 is closed");
    RUN(1, "risk-campaign", "set", "CMP-1", "--title", "B");
    RUN(1, "risk-review", "add", "--campaign", "CMP-1", "--risk", "RSK-1", "--outcome",
        "confirmed");
    RUN(0, "risk-campaign", "show", "CMP-1", "--json");
    j = json_out();
    assert_int_equal(jint(j, "version", NULL), 2);
    json_decref(j);
    RUN(0, "risk-review", "list", "--json");
    j = json_out();
    assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
    json_decref(j);

    RUN(0, "risk-campaign", "due");
    has(R.out, "No assessment is due: the last assessment, CMP-1, closed on");
}

static void test_compare(void **state)
{
    (void)state;
    RUN(0, "risk-campaign", "add", "--title", "B", "--trigger", "incident", "--due-date",
        "2099-12-31");
    RUN(0, "risk", "set", "RSK-1", "--likelihood", "1", "--impact", "1");
    RUN(0, "risk", "set", "RSK-2", "--likelihood", "5", "--impact", "5");
    RUN(0, "risk", "set", "RSK-3", "--status", "closed");
    RUN(0, "risk", "add", "--title", "Ransomware", "--owner", "PER-2", "--likelihood", "3",
        "--impact", "5");
    RUN(0, "risk-campaign", "close", "CMP-2");
    has(R.out, "snapshot of 4 risks");
    RUN(0, "risk-campaign", "compare", "CMP-1", "CMP-2");
    has(R.out, "CMP-1 -> CMP-2: 1 new, 1 closed, 1 raised, 1 lowered, 0 unchanged");
    has(R.out, "RSK-4  new");
    RUN(0, "risk-campaign", "compare", "CMP-1", "CMP-2", "--json");
    json_t *j = json_out();
    assert_int_equal(jint(j, "counts", "new"), 1);
    assert_int_equal(jint(j, "counts", "closed"), 1);
    assert_int_equal(jint(j, "counts", "raised"), 1);
    assert_int_equal(jint(j, "counts", "lowered"), 1);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
    json_decref(j);
    RUN(1, "risk-campaign", "compare", "CMP-1", "CMP-9");
    has(R.err, "CMP-9: no such assessment campaign");
}

static void test_usage_and_help(void **state)
{
    (void)state;
    RUN(2, "risk-campaign", "coverage");
    has(R.err, "give the campaign");
    RUN(2, "risk-campaign", "coverage", "RSK-1");
    has(R.err, "not a campaign id");
    RUN(2, "risk-campaign", "compare", "CMP-1");
    RUN(2, "risk-campaign", "due", "extra");
    RUN(2, "risk-campaign", "coverage", "CMP-1", "--bogus", "1");
    RUN(1, "risk-campaign", "coverage", "CMP-99");
    has(R.err, "CMP-99: no such assessment campaign");
    RUN(0, "risk-campaign", "compare", "--help");
    has(R.out, "Usage: isms risk-campaign compare FROM TO");
    RUN(0, "risk-campaign", "--help");
    has(R.out, "isms risk-campaign close ID");
    has(R.out, "isms risk-campaign due");
    /* A viewer reads but may not close. */
    RUN(0, "user", "add", "vic", "--role", "viewer", "--password-stdin");
    RUN(0, "--as", "vic", "risk-campaign", "coverage", "CMP-2");
    RUN(0, "risk-campaign", "add", "--title", "C", "--trigger", "other", "--due-date",
        "2099-12-31");
    RUN(1, "--as", "vic", "risk-campaign", "close", "CMP-3");
    RUN(0, "risk-campaign", "show", "CMP-3", "--json");
    json_t *j = json_out();
    assert_string_equal(json_string_value(json_object_get(j, "status")), "open");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_before_any),
        cmocka_unit_test(test_coverage_close_snapshot),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_usage_and_help),
    };
    return cmocka_run_group_tests_name("cli-risk-campaign", tests, setup, teardown);
}
