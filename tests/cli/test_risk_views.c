/*
 * `isms risk heatmap|flags|actions` through the real binary (ISMS_BIN) on a
 * fresh ISMS with the 5x5 preset: exact counts, flags and overdue actions,
 * --json, usage errors, and that a reader may run them.
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

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char DIR_[256], DB[300], ENV_DB[320];
static const char *ENV[] = {ENV_DB, "ISMS_ACTOR=tester", NULL};

/* Run isms; expect the exit code; return stdout (malloc'd). */
static char *isms(int want, const char *const *args)
{
    run_result r = {0};
    run_isms(args, NULL, ENV, &r);
    if (r.status != want)
        fprintf(stderr, "exit %d, stderr: %s\n", r.status, r.err);
    assert_int_equal(r.status, want);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

static void ok(const char *const *args)
{
    free(isms(0, args));
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(DIR_, sizeof(DIR_), "%s/isms-riskv-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(DIR_))
        return -1;
    snprintf(DB, sizeof(DB), "%s/isms.db", DIR_);
    snprintf(ENV_DB, sizeof(ENV_DB), "ISMS_DB=%s", DB);
    run_result r = {0};
    int rc = run_isms(ARGS("init", "--db", DB, "--admin", "tester", "--password-stdin",
                           "--hash-cost", "test"),
                      "tester password 1\n", ENV, &r);
    run_result_free(&r);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", DIR_);
    return system(cmd) == 0 ? 0 : -1;
}

static json_t *parse(char *out)
{
    json_t *j = json_loads(out, 0, NULL);
    free(out);
    assert_non_null(j);
    return j;
}

static long long cell(json_t *map, int l, int i)
{
    size_t k;
    json_t *c;
    json_array_foreach(json_object_get(map, "cells"), k, c)
    {
        if (json_integer_value(json_object_get(c, "likelihood")) == l &&
            json_integer_value(json_object_get(c, "impact")) == i)
            return json_integer_value(json_object_get(c, "count"));
    }
    fail();
    return -1;
}

static void test_views(void **state)
{
    (void)state;
    ok(ARGS("person", "add", "--name", "Ann"));
    ok(ARGS("risk", "add", "--title", "R1", "--owner", "PER-1", "--likelihood", "5", "--impact",
            "4"));
    ok(ARGS("risk", "add", "--title", "R2", "--owner", "PER-1", "--likelihood", "5", "--impact",
            "4", "--treatment", "modify", "--residual-likelihood", "2", "--residual-impact", "3"));
    ok(ARGS("risk", "add", "--title", "R3", "--owner", "PER-1", "--likelihood", "1", "--impact",
            "1"));

    json_t *map = parse(isms(0, ARGS("risk", "heatmap", "--json")));
    assert_string_equal(json_string_value(json_object_get(map, "method")), "RM-1");
    assert_int_equal(cell(map, 5, 4), 2);
    assert_int_equal(cell(map, 1, 1), 1);
    assert_int_equal(cell(map, 2, 3), 0);
    assert_int_equal(json_integer_value(json_object_get(map, "total")), 3);
    json_decref(map);
    map = parse(isms(0, ARGS("risk", "heatmap", "--residual", "--json")));
    assert_int_equal(cell(map, 2, 3), 1);
    assert_int_equal(json_integer_value(json_object_get(map, "total")), 1);
    json_decref(map);

    /* The text grid: highest likelihood first, counts with level labels. */
    char *grid = isms(0, ARGS("risk", "heatmap"));
    assert_non_null(strstr(grid, "Current risk, method RM-1 (3 risks)"));
    char *top = strstr(grid, "Almost certain"), *bottom = strstr(grid, "\nRare");
    assert_true(top && bottom && top < bottom);
    assert_non_null(strstr(top, "|    2 Very high"));
    assert_non_null(strstr(bottom, "|    1 Low"));
    free(grid);

    char *flags = isms(0, ARGS("risk", "flags"));
    assert_non_null(strstr(flags, "untreated                     1  RSK-1\n"));
    assert_non_null(strstr(flags, "acceptance-expired            0\n"));
    free(flags);

    ok(ARGS("risk-action", "add", "--title", "Old", "--owner", "PER-1", "--due-date",
            "2020-03-01", "--risks", "RSK-2"));
    ok(ARGS("risk-action", "add", "--title", "New", "--owner", "PER-1", "--due-date",
            "2099-03-01", "--risks", "RSK-2"));
    char *all = isms(0, ARGS("risk", "actions"));
    assert_non_null(strstr(all, "RTA-1    2020-03-01 planned     Old\n"));
    assert_non_null(strstr(all, "RTA-2    2099-03-01 planned     New\n"));
    free(all);
    json_t *od = parse(isms(0, ARGS("risk", "actions", "--overdue", "--json")));
    assert_int_equal(json_array_size(json_object_get(od, "items")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(od, "items"), 0),
                                          "id")),
        "RTA-1");
    json_decref(od);
    ok(ARGS("risk-action", "set", "RTA-1", "--status", "done"));
    char *none = isms(0, ARGS("risk", "actions", "--overdue"));
    assert_string_equal(none, "");
    free(none);
}

static void test_usage_and_readers(void **state)
{
    (void)state;
    free(isms(2, ARGS("risk", "heatmap", "--overdue")));
    free(isms(2, ARGS("risk", "flags", "--residual")));
    free(isms(2, ARGS("asset", "heatmap")));
    char *help = isms(0, ARGS("risk", "heatmap", "--help"));
    assert_non_null(strstr(help, "Usage: isms risk heatmap [--residual] [--json]"));
    free(help);
    /* A viewer reads them. */
    run_result r = {0};
    assert_int_equal(run_isms(ARGS("user", "add", "vic", "--role", "viewer", "--password-stdin",
                                   "--hash-cost", "test"),
                              "viewer password 12\n", ENV, &r),
                     0);
    run_result_free(&r);
    ok(ARGS("--as", "vic", "risk", "heatmap"));
    ok(ARGS("--as", "vic", "risk", "flags"));
    ok(ARGS("--as", "vic", "risk", "actions", "--overdue"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_usage_and_readers),
    };
    return cmocka_run_group_tests_name("risk-views", tests, setup, teardown);
}
