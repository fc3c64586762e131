/*
 * The risk method's own CLI verbs through the real binary (ISMS_BIN):
 * `risk-method preset`, `risk-method matrix [RM-n]`, `risk-method add
 * --definition-file`, their refusals (nothing stored) and their help.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/run.h"

static char DIR_[256], DB[320], ENV_DB[340];

static int run(run_result *r, const char *stdin_text, const char *const *args)
{
    run_result_free(r);
    static const char *env[3];
    env[0] = ENV_DB;
    env[1] = "ISMS_ACTOR=tester";
    env[2] = NULL;
    return run_isms(args, stdin_text, env, r);
}

#define RUN(r, ...) run((r), NULL, (const char *const[]){__VA_ARGS__, NULL})

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(DIR_, sizeof(DIR_), "%s/isms-rm-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(DIR_))
        return -1;
    snprintf(DB, sizeof(DB), "%s/isms.db", DIR_);
    snprintf(ENV_DB, sizeof(ENV_DB), "ISMS_DB=%s", DB);
    run_result r = {0};
    int rc = run(&r, "tester password 1\n",
                 (const char *const[]){"init", "--db", DB, "--admin", "tester", "--password-stdin",
                                       "--hash-cost", "test", NULL});
    run_result_free(&r);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[400];
    const char *files[] = {"isms.db", "isms.db-wal", "isms.db-shm", "m.json", "bad.json"};
    for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        snprintf(path, sizeof(path), "%s/%s", DIR_, files[k]);
        unlink(path);
    }
    rmdir(DIR_);
    return 0;
}

static void test_preset(void **state)
{
    (void)state;
    run_result r = {0};
    assert_int_equal(RUN(&r, "risk-method", "preset", "3"), 0);
    assert_non_null(strstr(r.out, "\"matrix\":[[1,1,2],[1,2,3],[2,3,3]]"));
    assert_int_equal(RUN(&r, "risk-method", "preset", "4"), 0);
    assert_non_null(strstr(r.out, "\"likelihood\":[{\"label\":"));
    static const char *const bad[] = {"2", "6", "x", "55"};
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(RUN(&r, "risk-method", "preset", bad[k]), 2);
        assert_non_null(strstr(r.err, "isms risk-method preset 3|4|5"));
    }
    assert_int_equal(RUN(&r, "risk-method", "preset"), 2);
    assert_int_equal(RUN(&r, "risk-method", "preset", "--help"), 0);
    assert_non_null(strstr(r.out, "Usage: isms risk-method preset 3|4|5"));
    run_result_free(&r);
}

static void test_add_and_matrix(void **state)
{
    (void)state;
    run_result r = {0};
    assert_int_equal(RUN(&r, "risk-method", "matrix"), 0);
    assert_non_null(strstr(r.out, "RM-1: likelihood"));
    assert_non_null(strstr(r.out, "| 5 Almost certain | Medium"));
    assert_non_null(strstr(r.out, "4 Very high      #C62828  treat, top management signs"));
    assert_int_equal(RUN(&r, "risk-method", "preset", "3"), 0);
    char path[400];
    snprintf(path, sizeof(path), "%s/m.json", DIR_);
    write_file(path, r.out);
    assert_int_equal(RUN(&r, "risk-method", "add", "--title", "Three by three",
                         "--definition-file", path, "--note", "smaller"),
                     0);
    assert_string_equal(r.out, "RM-2\n");
    assert_int_equal(RUN(&r, "risk-method", "matrix"), 0);
    assert_non_null(strstr(r.out, "RM-2: likelihood"));
    assert_null(strstr(r.out, "Very high"));
    assert_int_equal(RUN(&r, "risk-method", "matrix", "RM-1"), 0);
    assert_non_null(strstr(r.out, "Very high"));
    assert_int_equal(RUN(&r, "risk-method", "matrix", "RM-9"), 1);
    assert_int_equal(RUN(&r, "risk-method", "matrix", "nonsense"), 2);
    run_result_free(&r);
}

static void test_add_refused(void **state)
{
    (void)state;
    run_result r = {0};
    assert_int_equal(RUN(&r, "risk-method", "list", "--json"), 0);
    char *before = strdup(r.out);
    char path[400];
    snprintf(path, sizeof(path), "%s/bad.json", DIR_);
    /* An unordered cell: named by its JSON path. */
    assert_int_equal(RUN(&r, "risk-method", "preset", "3"), 0);
    char *text = strdup(r.out);
    char *cell = strstr(text, "[2,3,3]]"); /* likelihood 3: impact 3 below impact 2 */
    assert_non_null(cell);
    cell[5] = '1';
    write_file(path, text);
    free(text);
    assert_int_equal(RUN(&r, "risk-method", "add", "--title", "Bad", "--definition-file", path), 1);
    assert_non_null(strstr(r.err, "definition.matrix[2][2]"));
    write_file(path, "{\"likelihood\": 1}");
    assert_int_equal(RUN(&r, "risk-method", "add", "--title", "Bad", "--definition-file", path), 1);
    assert_non_null(strstr(r.err, "definition.likelihood"));
    assert_int_equal(RUN(&r, "risk-method", "add", "--title", "Bad", "--definition-file",
                         "/nonexistent/m.json"),
                     2);
    assert_non_null(strstr(r.err, "--definition-file"));
    assert_int_equal(RUN(&r, "risk-method", "add", "--title", "Bad", "--definition-file", path,
                         "--definition", "{}"),
                     2);
    /* Larger than a method may be. */
    char *big = malloc(40000);
    memset(big, ' ', 39999);
    big[39999] = '\0';
    write_file(path, big);
    free(big);
    assert_int_equal(RUN(&r, "risk-method", "add", "--title", "Bad", "--definition-file", path), 2);
    assert_non_null(strstr(r.err, "larger than 32767 bytes"));
    assert_int_equal(RUN(&r, "risk-method", "list", "--json"), 0);
    assert_string_equal(r.out, before);
    free(before);
    assert_int_equal(RUN(&r, "risk-method", "--help"), 0);
    assert_non_null(strstr(r.out, "--definition-file FILE"));
    assert_non_null(strstr(r.out, "isms risk-method matrix [RM-n]"));
    run_result_free(&r);
}

/* The method is decided by the ISMS manager: a contributor may read it, not change it. */
static void test_only_managers_write_the_method(void **state)
{
    (void)state;
    run_result r = {0};
    assert_int_equal(run(&r, "another good password\n",
                         (const char *const[]){"user", "add", "carl", "--role", "contributor",
                                               "--password-stdin", "--hash-cost", "test", NULL}),
                     0);
    assert_int_equal(run(&r, "a third good password\n",
                         (const char *const[]){"user", "add", "mia", "--role", "manager",
                                               "--password-stdin", "--hash-cost", "test", NULL}),
                     0);
    assert_int_equal(RUN(&r, "risk-method", "preset", "4"), 0);
    char path[400];
    snprintf(path, sizeof(path), "%s/m.json", DIR_);
    write_file(path, r.out);
    assert_int_equal(RUN(&r, "--as", "carl", "risk-method", "list", "--json"), 0);
    char *before = strdup(r.out);
    assert_int_not_equal(RUN(&r, "--as", "carl", "risk-method", "add", "--title", "Mine",
                             "--definition-file", path),
                         0);
    assert_non_null(strstr(r.err, "manager role"));
    assert_int_not_equal(RUN(&r, "--as", "carl", "risk-method", "retire", "RM-1", "--reason", "x"),
                         0);
    assert_non_null(strstr(r.err, "manager role"));
    assert_int_equal(RUN(&r, "risk-method", "list", "--json"), 0);
    assert_string_equal(r.out, before); /* nothing written */
    free(before);
    assert_int_equal(RUN(&r, "--as", "mia", "risk-method", "add", "--title", "Four by four",
                         "--definition-file", path),
                     0);
    assert_non_null(strstr(r.out, "RM-"));
    run_result_free(&r);
}

int main(void)
{
    unsetenv("ISMS_DB");
    unsetenv("ISMS_ACTOR");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preset),
        cmocka_unit_test(test_add_and_matrix),
        cmocka_unit_test(test_add_refused),
        cmocka_unit_test(test_only_managers_write_the_method),
    };
    return cmocka_run_group_tests_name("risk-method-cli", tests, setup, teardown);
}
