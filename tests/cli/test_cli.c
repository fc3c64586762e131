/*
 * End-to-end tests of the `isms` command line: every test runs the real
 * binary (ISMS_BIN) in a fresh temporary directory with its own database,
 * and checks exit codes, stdout, stderr and, for every refused input, that
 * the database is unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/run.h"
#include "core/totp.h"

/* A NULL-terminated argument list, built in place. */
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The kinds, in registry order, with the fields each must offer. */
static const struct {
    const char *name, *prefix, *table, *fields;
} KINDS[] = {
    {"context-issue", "ISS", "context_issue",
     "title origin category description effect climate-related owner status review-date"},
    {"climate-decision", "CLD", "climate_decision",
     "title relevant reasoning decided-by decided-on"},
    {"interested-party", "IP", "interested_party",
     "title category origin description expectations contact owner"},
    {"requirement", "REQ", "requirement",
     "title party type source description addressed how-addressed reason-not-addressed "
     "climate-related owner review-date"},
    {"scope-item", "SCP", "scope_item",
     "title type inclusion description justification interfaces dependencies"},
    {"process", "PRC", "process",
     "title owner purpose inputs outputs interacts-with criteria externally-provided provider "
     "status review-date"},
    {"person", "PER", "person", "name job-title department manager email top-management"},
    {"isms-risk", "ROP", "isms_risk",
     "title type description issues requirements actions integration processes evaluation owner "
     "status review-date"},
    {"risk-method", "RM", "risk_method",
     "title definition note likelihood-levels impact-levels risk-levels"},
    {"asset", "AST", "asset",
     "title type owner description location confidentiality integrity availability processes"},
    {"risk", "RSK", "risk",
     "title description threat vulnerability scenario assets confidentiality integrity "
     "availability owner likelihood impact level level-label treatment controls "
     "residual-likelihood residual-impact residual-level residual-level-label method untreated "
     "reassess acceptance accepted-until status review-date"},
    {"risk-action", "RTA", "risk_action",
     "title description owner due-date status progress risks controls"},
    {"risk-acceptance", "ACC", "risk_acceptance",
     "title risk role signer signed-by-user rationale exception exception-until expires "
     "risk-version residual-likelihood residual-impact residual-level treatment controls method"},
    {"risk-campaign", "CMP", "risk_campaign",
     "title trigger description due-date status method closed-at risks-total"},
    {"risk-review", "RRV", "risk_review",
     "title campaign risk outcome note likelihood impact level"},
};
enum { NKINDS = sizeof(KINDS) / sizeof(KINDS[0]) };

/* --- fixture ---------------------------------------------------------------- */

typedef struct fx {
    char dir[256];
    char db[320];
    char env_db[340];
    const char *env[3]; /* ISMS_DB=<db>, ISMS_ACTOR=tester */
    run_result r;       /* the last command's result */
    json_t *json;       /* every parsed JSON document, released at teardown */
    char **held;        /* strings made for the test, freed at teardown */
    size_t nheld, held_cap;
} fx;

/* The administrator every database of the tests starts with (ISMS_ACTOR=tester). */
#define TESTER_PASSWORD "tester password 1"

/* The environment without a database: ISMS_DB removed. */
static const char *const NO_DB_ENV[] = {"ISMS_DB", "ISMS_ACTOR=tester", NULL};

static char *hold(fx *f, char *s)
{
    assert_non_null(s);
    if (f->nheld == f->held_cap) {
        f->held_cap = f->held_cap ? f->held_cap * 2 : 256;
        f->held = realloc(f->held, f->held_cap * sizeof(char *));
        assert_non_null(f->held);
    }
    f->held[f->nheld++] = s;
    return s;
}

static char *fmt(fx *f, const char *format, ...) __attribute__((format(printf, 2, 3)));
static char *fmt(fx *f, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *s = NULL;
    int n = vasprintf(&s, format, ap);
    va_end(ap);
    assert_true(n >= 0);
    return hold(f, s);
}

/* A string of n copies of unit. */
static char *repeat(fx *f, const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    s[len * n] = '\0';
    return hold(f, s);
}

static int setup_dir(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/isms-cli-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof(f->db), "%s/isms.db", f->dir);
    snprintf(f->env_db, sizeof(f->env_db), "ISMS_DB=%s", f->db);
    f->env[0] = f->env_db;
    f->env[1] = "ISMS_ACTOR=tester";
    f->env[2] = NULL;
    f->json = json_array();
    *state = f;
    return 0;
}

static int teardown(void **state);

static int setup_db(void **state)
{
    if (setup_dir(state) != 0)
        return -1;
    fx *f = *state;
    run_result_free(&f->r);
    if (run_isms(ARGS("init", "--db", f->db, "--org", "Test Org", "--admin", "tester",
                      "--password-stdin", "--hash-cost", "test"),
                 TESTER_PASSWORD "\n", NO_DB_ENV, &f->r) != 0) {
        fprintf(stderr, "init failed: %s\n", f->r.err);
        teardown(state);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    run_result_free(&f->r);
    json_decref(f->json);
    for (size_t i = 0; i < f->nheld; i++)
        free(f->held[i]);
    free(f->held);
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[600];
            snprintf(path, sizeof(path), "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* --- running the binary ------------------------------------------------------ */

static void print_command(const char *const *args)
{
    print_message("command: isms");
    for (; *args; args++)
        print_message(" '%s'", *args);
    print_message("\n");
}

static void show_result(const run_result *r)
{
    print_message("exit status: %d\n--- stdout (%zu bytes)\n%.4000s\n--- stderr (%zu bytes)\n"
                  "%.4000s\n---\n",
                  r->status, r->out_len, r->out ? r->out : "", r->err_len, r->err ? r->err : "");
}

/*
 * Run isms with args in the fixture's environment (or env) and require the
 * exit code. The result stays in f->r. A sanitizer report fails the test,
 * as does anything on stderr after a success.
 */
static const char *next_stdin; /* the stdin of the next expect_run (RUN_IN), then NULL */

static void expect_run(fx *f, int code, const char *const *env, const char *const *args,
                       const char *file, int line)
{
    run_result_free(&f->r);
    const char *input = next_stdin;
    next_stdin = NULL;
    run_isms(args, input, env ? env : f->env, &f->r);
    bool ok = f->r.status == code;
    if (strstr(f->r.err, "Sanitizer") || strstr(f->r.err, "runtime error:")) {
        print_message("sanitizer report\n");
        ok = false;
    }
    if (f->r.status == 0 && f->r.err_len > 0) {
        print_message("a successful command wrote to stderr\n");
        ok = false;
    }
    if (f->r.status > 0 && f->r.err_len == 0 && !(f->r.status == 2 && f->r.out_len > 0)) {
        print_message("a failed command said nothing on stderr\n");
        ok = false;
    }
    if (!ok) {
        print_message("expected exit status %d\n", code);
        print_command(args);
        show_result(&f->r);
        _fail(file, line);
    }
}

#define RUN(f, code, ...) expect_run(f, code, NULL, ARGS(__VA_ARGS__), __FILE__, __LINE__)
/* With input on stdin (a password) and an environment (NULL: the fixture's). */
#define RUN_IN(f, input, env, code, ...)                                                           \
    (next_stdin = (input), expect_run(f, code, env, ARGS(__VA_ARGS__), __FILE__, __LINE__))
#define RUN_ENV(f, env, code, ...) expect_run(f, code, env, ARGS(__VA_ARGS__), __FILE__, __LINE__)

static void has_text(const char *hay, const char *needle, bool want, const char *what,
                     const char *file, int line)
{
    hay = hay ? hay : "";
    if ((strstr(hay, needle) != NULL) == want)
        return;
    print_message("%s %s \"%s\":\n%.4000s\n", what, want ? "lacks" : "has unexpected", needle, hay);
    _fail(file, line);
}

#define OUT_HAS(f, s) has_text((f)->r.out, s, true, "stdout", __FILE__, __LINE__)
#define OUT_LACKS(f, s) has_text((f)->r.out, s, false, "stdout", __FILE__, __LINE__)
#define ERR_HAS(f, s) has_text((f)->r.err, s, true, "stderr", __FILE__, __LINE__)
#define ERR_LACKS(f, s) has_text((f)->r.err, s, false, "stderr", __FILE__, __LINE__)
#define TEXT_HAS(t, s) has_text(t, s, true, "text", __FILE__, __LINE__)
#define TEXT_LACKS(t, s) has_text(t, s, false, "text", __FILE__, __LINE__)

/* Parse text as JSON (the fixture keeps the document); fails the test when invalid. */
static json_t *parse_json(fx *f, const char *text, const char *file, int line)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!j) {
        print_message("invalid JSON (%s at line %d):\n%.4000s\n", e.text, e.line, text);
        _fail(file, line);
    }
    json_array_append_new(f->json, j);
    return j;
}

#define JSON_OUT(f) parse_json(f, (f)->r.out, __FILE__, __LINE__)
#define JSON_ERR(f) parse_json(f, (f)->r.err, __FILE__, __LINE__)

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        print_message("\"%s\" is missing or not a string\n", key);
        fail();
    }
    return json_string_value(v);
}

#define JSTR_EQ(o, key, want) assert_string_equal(jstr(o, key), want)

/* The record a `show --json` prints. */
static json_t *show_json(fx *f, const char *kind, const char *id)
{
    RUN(f, 0, kind, "show", id, "--json");
    json_t *j = JSON_OUT(f);
    assert_true(json_is_object(j));
    JSTR_EQ(j, "id", id);
    return j;
}

static json_int_t version_of(fx *f, const char *kind, const char *id)
{
    json_t *v = json_object_get(show_json(f, kind, id), "version");
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* The items of `KIND list --json ARGS...`, checking the envelope. */
static json_t *list_items(fx *f, const char *const *args, const char **next_cursor)
{
    expect_run(f, 0, NULL, args, __FILE__, __LINE__);
    json_t *j = JSON_OUT(f);
    json_t *items = json_object_get(j, "items");
    assert_true(json_is_array(items));
    json_t *next = json_object_get(j, "next_cursor");
    assert_non_null(next); /* present, null on the last page */
    assert_true(json_is_null(next) || json_is_string(next));
    if (next_cursor)
        *next_cursor = json_is_string(next) ? json_string_value(next) : NULL;
    return items;
}

/* The ids of list items, comma-joined: "ISS-1,ISS-3". */
static const char *ids_of(fx *f, json_t *items)
{
    size_t i;
    json_t *it;
    char *s = hold(f, calloc(1, json_array_size(items) * 24 + 1));
    json_array_foreach(items, i, it)
    {
        if (i)
            strcat(s, ",");
        strcat(s, jstr(it, "id"));
    }
    return s;
}

#define LIST_IDS(f, ...) ids_of(f, list_items(f, ARGS(__VA_ARGS__, "--json"), NULL))

/* --- the database is unchanged ------------------------------------------------ */

typedef struct snap {
    const char *kind; /* when set, `KIND list --all --json` is compared too */
    char *file, *wal, *list;
    size_t file_len, wal_len;
} snap;

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *bigger = realloc(buf, cap);
            assert_non_null(bigger);
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    *len = n;
    return buf;
}

static char *list_all(fx *f, const char *kind)
{
    run_result r = {0};
    run_isms(ARGS(kind, "list", "--all", "--json", "--limit", "200"), NULL, f->env, &r);
    if (r.status != 0 || r.err_len > 0) {
        show_result(&r);
        fail_msg("listing %s failed", kind);
    }
    char *out = r.out;
    r.out = NULL;
    run_result_free(&r);
    return out;
}

/* The database is its file and its write-ahead log (absent once closed cleanly). */
static snap snap_take(fx *f, const char *kind)
{
    snap s = {.kind = kind};
    s.file = read_file(f->db, &s.file_len);
    s.wal = read_file(fmt(f, "%s-wal", f->db), &s.wal_len);
    s.list = kind ? list_all(f, kind) : NULL;
    return s;
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return (a == NULL) == (b == NULL) && (!a || (alen == blen && memcmp(a, b, alen) == 0));
}

/* The database file and its log hold the same bytes (and the kind lists the same records). */
static void snap_check(fx *f, snap *s, const char *file, int line)
{
    size_t len = 0, wal_len = 0;
    char *now = read_file(f->db, &len);
    char *wal = read_file(fmt(f, "%s-wal", f->db), &wal_len);
    bool same_file =
        same_bytes(now, len, s->file, s->file_len) && same_bytes(wal, wal_len, s->wal, s->wal_len);
    free(now);
    free(wal);
    char *list = s->kind ? list_all(f, s->kind) : NULL;
    bool same_list = !list || strcmp(list, s->list) == 0;
    if (!same_list)
        print_message("%s list before:\n%.3000s\nafter:\n%.3000s\n", s->kind, s->list, list);
    free(list);
    free(s->file);
    free(s->wal);
    free(s->list);
    if (!same_file || !same_list) {
        print_message("the database changed (file %s, list %s)\n", same_file ? "same" : "changed",
                      same_list ? "same" : "changed");
        _fail(file, line);
    }
}

/*
 * Run a command that must be refused with `code`, naming `names` on stderr
 * (when not NULL), and leave the database unchanged.
 */
static void expect_refused(fx *f, int code, const char *kind, const char *names,
                           const char *const *args, const char *file, int line)
{
    snap s = snap_take(f, kind);
    expect_run(f, code, NULL, args, file, line);
    snap_check(f, &s, file, line); /* leaves f->r alone: callers inspect it afterwards */
    if (names)
        has_text(f->r.err, names, true, "stderr", file, line);
    if (f->r.err[0] != '{')
        has_text(f->r.err, "isms: ", true, "stderr", file, line);
}

#define REFUSED(f, code, names, ...)                                                               \
    expect_refused(f, code, NULL, names, ARGS(__VA_ARGS__), __FILE__, __LINE__)
/* The same with input on stdin. */
#define REFUSED_IN(f, input, code, names, ...)                                                     \
    (next_stdin = (input),                                                                         \
     expect_refused(f, code, NULL, names, ARGS(__VA_ARGS__), __FILE__, __LINE__))
/* The same, also comparing `KIND list --all --json` before and after. */
#define REFUSED_LIST(f, code, kind, names, ...)                                                    \
    expect_refused(f, code, kind, names, ARGS(__VA_ARGS__), __FILE__, __LINE__)

/* --- data used by many tests ---------------------------------------------------- */

/* Add a person (owners are people) and check the id it gets. */
static void add_person(fx *f, const char *name, const char *want_id)
{
    RUN(f, 0, "person", "add", "--name", name, "--department", "Information security");
    assert_string_equal(f->r.out, fmt(f, "%s\n", want_id));
}

static void add_party(fx *f, const char *title, const char *want_id)
{
    RUN(f, 0, "interested-party", "add", "--title", title, "--category", "customer", "--origin",
        "external");
    assert_string_equal(f->r.out, fmt(f, "%s\n", want_id));
}

static void add_issue(fx *f, const char *title, const char *origin, const char *want_id)
{
    RUN(f, 0, "context-issue", "add", "--title", title, "--origin", origin, "--category",
        "technological");
    assert_string_equal(f->r.out, fmt(f, "%s\n", want_id));
}

/* A process owned by PER-1, who must exist. */
static void add_process(fx *f, const char *title, const char *want_id)
{
    RUN(f, 0, "process", "add", "--title", title, "--owner", "PER-1");
    assert_string_equal(f->r.out, fmt(f, "%s\n", want_id));
}

/* ============================================================================ */
/* The run helper itself                                                        */
/* ============================================================================ */

static void test_run_helper_large_output(void **state)
{
    (void)state;
    /* Three MB on each stream at once: the helper must drain both pipes. */
    run_result r = {0};
    int rc = run_program("/bin/sh",
                         ARGS("sh", "-c",
                              "head -c 3000000 /dev/zero | tr '\\0' a & "
                              "head -c 3000000 /dev/zero | tr '\\0' b >&2; wait; exit 7"),
                         NULL, NULL, &r);
    assert_int_equal(rc, 7);
    assert_int_equal(r.out_len, 3000000);
    assert_int_equal(r.err_len, 3000000);
    assert_false(r.truncated);
    assert_int_equal(r.out[0], 'a');
    assert_int_equal(r.out[r.out_len - 1], 'a');
    assert_int_equal(r.out[r.out_len], '\0');
    assert_int_equal(r.err[r.err_len - 1], 'b');
    run_result_free(&r);
    run_result_free(&r); /* freeing twice is harmless */
}

static void test_run_helper_stdin_env_signal(void **state)
{
    (void)state;
    /* A megabyte through stdin and back while stdout is read. */
    size_t n = 1u << 20;
    char *text = malloc(n + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    text[n] = '\0';
    run_result r = {0};
    assert_int_equal(run_program("/bin/cat", ARGS("cat"), text, NULL, &r), 0);
    assert_int_equal(r.out_len, n);
    assert_memory_equal(r.out, text, n);
    run_result_free(&r);
    /* A child that never reads its stdin. */
    assert_int_equal(run_program("/bin/sh", ARGS("sh", "-c", "exit 3"), text, NULL, &r), 3);
    run_result_free(&r);
    free(text);

    /* Variables set and removed for the child only. */
    setenv("ISMS_TEST_GONE", "present", 1);
    assert_int_equal(run_program("/bin/sh",
                                 ARGS("sh", "-c",
                                      "printf '%s|%s' \"${ISMS_TEST_GONE-unset}\" "
                                      "\"$ISMS_TEST_NEW\""),
                                 NULL, ARGS("ISMS_TEST_GONE", "ISMS_TEST_NEW=x y"), &r),
                     0);
    assert_string_equal(r.out, "unset|x y");
    run_result_free(&r);
    assert_string_equal(getenv("ISMS_TEST_GONE"), "present");
    unsetenv("ISMS_TEST_GONE");

    /* Death by signal and a program that does not exist. */
    assert_int_equal(run_program("/bin/sh", ARGS("sh", "-c", "kill -TERM $$"), NULL, NULL, &r),
                     128 + 15);
    run_result_free(&r);
    assert_true(run_program("/nonexistent/isms", ARGS("isms"), NULL, NULL, &r) != 0);
    run_result_free(&r);
}

/* ============================================================================ */
/* Help, version, usage                                                         */
/* ============================================================================ */

static void test_version(void **state)
{
    fx *f = *state;
    RUN(f, 0, "--version");
    assert_true(strncmp(f->r.out, "isms ", 5) == 0);
    assert_true(f->r.out_len > 6 && f->r.out[f->r.out_len - 1] == '\n');
}

static void test_help(void **state)
{
    fx *f = *state;
    RUN(f, 0, "--help");
    OUT_HAS(f, "Usage:");
    for (size_t i = 0; i < NKINDS; i++)
        OUT_HAS(f, fmt(f, "  %s ", KINDS[i].name));
    static const char *const words[] = {"init", "kinds", "schema", "--db", "--json", "--as"};
    for (size_t i = 0; i < 6; i++)
        OUT_HAS(f, words[i]);
    RUN(f, 0, "help");
    OUT_HAS(f, "context-issue");
}

static void test_no_arguments(void **state)
{
    fx *f = *state;
    RUN(f, 2, "--db", f->db); /* nothing to do: the help, and exit 2 */
    OUT_HAS(f, "Usage:");
    RUN(f, 2, "--json");
    OUT_HAS(f, "Usage:");
    expect_run(f, 2, NULL, (const char *const[]){NULL}, __FILE__, __LINE__);
    OUT_HAS(f, "Usage:");
}

static void test_unknown_command(void **state)
{
    fx *f = *state;
    RUN(f, 2, "frobnicate");
    ERR_HAS(f, "frobnicate");
    ERR_HAS(f, "isms --help");
    assert_int_equal(f->r.out_len, 0);
    RUN(f, 2, "context-issue", "frobnicate");
    ERR_HAS(f, "frobnicate");
    RUN(f, 2, "context-issue"); /* a kind without a verb: its help, exit 2 */
    OUT_HAS(f, "context-issue add");
    RUN(f, 2, "--frobnicate");
    ERR_HAS(f, "--frobnicate");
}

/* A database URL's password never shows in what isms prints. */
static void test_db_url_password_hidden(void **state)
{
    fx *f = *state;
    /* Port 1 on loopback: nothing listens, so the connection fails at once. */
    const char *url = "postgres://isms:s3cret-pw@127.0.0.1:1/isms?connect_timeout=2";
    RUN(f, 3, "--db", url, "context-issue", "list");
    ERR_HAS(f, "PostgreSQL");
    assert_null(strstr(f->r.err, "s3cret-pw"));
    assert_null(strstr(f->r.out, "s3cret-pw"));
    RUN(f, 3, "--db", url, "init", "--org", "X");
    assert_null(strstr(f->r.err, "s3cret-pw"));
    /* Not a URL isms knows: taken as a file name, and still not shown whole. */
    RUN(f, 1, "--db", "nosuch://u:s3cret-pw@h/d", "context-issue", "list");
    ERR_HAS(f, "nosuch://u:***@h/d");
    assert_null(strstr(f->r.err, "s3cret-pw"));
}

/* serve refuses bad option values before it opens anything. */
static void test_serve_usage(void **state)
{
    fx *f = *state;
    const char *bad_hosts[] = {"", "a b", "a,,b", "a,", "evil.example/x", "<x>"};
    for (size_t i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
        RUN(f, 2, "--db", f->db, "serve", "--allowed-hosts", bad_hosts[i]);
        ERR_HAS(f, "--allowed-hosts");
    }
    RUN(f, 2, "--db", f->db, "serve", "--max-body", "12");
    ERR_HAS(f, "--max-body");
    RUN(f, 0, "serve", "--help");
    OUT_HAS(f, "--allowed-hosts NAMES");
}

/* Whether the field spelt kebab (as in KINDS) is derived, per `isms kinds --json`. */
static bool field_derived(json_t *fields, const char *kebab)
{
    char snake[64];
    snprintf(snake, sizeof(snake), "%s", kebab);
    for (char *p = snake; *p; p++)
        if (*p == '-')
            *p = '_';
    size_t i;
    json_t *fd;
    json_array_foreach(fields, i, fd)
        if (strcmp(json_string_value(json_object_get(fd, "name")), snake) == 0)
            return json_is_true(json_object_get(fd, "derived"));
    return false;
}

/* The line of text that shows option `--NAME`. */
static const char *option_line(fx *f, const char *text, const char *kebab)
{
    const char *p = strstr(text, fmt(f, "  --%s ", kebab));
    if (!p) {
        print_message("no line for --%s in:\n%s\n", kebab, text);
        fail();
    }
    const char *nl = strchr(p, '\n');
    return fmt(f, "%.*s", (int)(nl ? nl - p : (ptrdiff_t)strlen(p)), p);
}

static const char *kebab_of(fx *f, const char *snake)
{
    char *s = fmt(f, "%s", snake);
    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = '-';
    return s;
}

static void test_kind_help(void **state)
{
    fx *f = *state;
    RUN(f, 0, "kinds", "--json");
    json_t *kinds = json_object_get(JSON_OUT(f), "kinds");
    assert_int_equal(json_array_size(kinds), NKINDS);
    for (size_t i = 0; i < NKINDS; i++) {
        json_t *k = json_array_get(kinds, i);
        const char *name = jstr(k, "name");
        assert_string_equal(name, KINDS[i].name);
        json_t *fields = json_object_get(k, "fields");
        assert_true(json_array_size(fields) >= 3);
        bool deletable = json_is_true(json_object_get(k, "deletable"));
        assert_int_equal(deletable, strcmp(name, "process") == 0);

        RUN(f, 0, name, "--help");
        char *kind_help = hold(f, strdup(f->r.out));
        TEXT_HAS(kind_help, fmt(f, "(%s-n)", KINDS[i].prefix));
        TEXT_HAS(kind_help, fmt(f, "isms %s add", name));
        if (deletable)
            TEXT_HAS(kind_help, fmt(f, "isms %s delete", name));
        else
            TEXT_LACKS(kind_help, fmt(f, "isms %s delete", name));
        RUN(f, 0, name, "add", "--help");
        char *add_help = hold(f, strdup(f->r.out));
        TEXT_HAS(add_help, fmt(f, "Usage: isms %s add", name));
        RUN(f, 0, name, "set", "--help");
        char *set_help = hold(f, strdup(f->r.out));
        TEXT_HAS(set_help, "--if-version");
        RUN(f, 0, name, "list", "--help");
        char *list_help = hold(f, strdup(f->r.out));
        TEXT_HAS(list_help, "--cursor");
        TEXT_HAS(list_help, "--sort");
        /* show and retire help are the same generic text for every kind. */
        if (i == 0 || deletable) {
            RUN(f, 0, "--help", name, "show"); /* --help anywhere */
            OUT_HAS(f, fmt(f, "isms %s show ID", name));
            RUN(f, 0, name, "retire", "--help");
            OUT_HAS(f, "--reason");
            RUN(f, 0, name, "delete", "--help");
            if (deletable)
                OUT_HAS(f, fmt(f, "Usage: isms %s delete ID", name));
        }

        /* The fields this test knows of, whatever the registry says. */
        char *known = hold(f, strdup(KINDS[i].fields)), *save = NULL;
        for (char *w = strtok_r(known, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            if (field_derived(fields, w))
                continue; /* computed by the program: no option to give it */
            option_line(f, kind_help, w);
            option_line(f, add_help, w);
        }
        const char *sortable = strstr(list_help, "Sortable fields:");
        assert_non_null(sortable);
        sortable = fmt(f, "%.*s ", (int)strcspn(sortable, "\n"), sortable);

        size_t j;
        json_t *fd;
        json_array_foreach(fields, j, fd)
        {
            if (json_is_true(json_object_get(fd, "derived")))
                continue;
            const char *kebab = kebab_of(f, jstr(fd, "name"));
            bool required = json_is_true(json_object_get(fd, "required"));
            const char *line = option_line(f, kind_help, kebab);
            if (required)
                TEXT_HAS(line, "(required)");
            else
                TEXT_LACKS(line, "(required)");
            option_line(f, add_help, kebab);
            option_line(f, set_help, kebab);
            if (json_is_true(json_object_get(fd, "filterable")))
                option_line(f, list_help, kebab);
            if (json_is_true(json_object_get(fd, "sortable")))
                TEXT_HAS(sortable, fmt(f, " %s ", kebab));
            /* The allowed values of an enum are listed. */
            json_t *values = json_object_get(fd, "values");
            size_t v;
            json_t *val;
            json_array_foreach(values, v, val)
                TEXT_HAS(kind_help, fmt(f, " %s", json_string_value(val)));
        }
    }
}

/* ============================================================================ */
/* init, the database location                                                  */
/* ============================================================================ */

static void test_init(void **state)
{
    fx *f = *state;
    RUN_IN(f, TESTER_PASSWORD "\n", NO_DB_ENV, 0, "init", "--db", f->db, "--org", "Acme Ltd",
           "--admin", "tester", "--password-stdin", "--hash-cost", "test");
    OUT_HAS(f, f->db);
    OUT_HAS(f, "Administrator: tester");
    struct stat sb;
    assert_int_equal(stat(f->db, &sb), 0);
    RUN(f, 0, "context-issue", "list", "--json");
    assert_int_equal(json_array_size(json_object_get(JSON_OUT(f), "items")), 0);

    /* A second init on the same file is refused and changes nothing. */
    add_issue(f, "Existing issue", "internal", "ISS-1");
    REFUSED(f, 1, "already holds", "init", "--db", f->db, "--org", "Other");
    REFUSED(f, 1, "already holds", "init"); /* via ISMS_DB */

    /* No database named at all. */
    RUN_ENV(f, NO_DB_ENV, 2, "init");
    ERR_HAS(f, "--db");
    RUN_ENV(f, NO_DB_ENV, 2, "init", "--org", "Acme");
    ERR_HAS(f, "--db");

    /* Bad organization names create nothing. */
    const char *other = fmt(f, "%s/other.db", f->dir);
    RUN_ENV(f, NO_DB_ENV, 1, "init", "--db", other, "--org", "");
    ERR_HAS(f, "--org");
    RUN_ENV(f, NO_DB_ENV, 1, "init", "--db", other, "--org", repeat(f, "o", 201));
    ERR_HAS(f, "--org");
    assert_int_equal(stat(other, &sb), -1);
    RUN_ENV(f, NO_DB_ENV, 0, "init", "--db", other, "--org", repeat(f, "é", 200));
    RUN_ENV(f, NO_DB_ENV, 2, "init", "--db", fmt(f, "%s/third.db", f->dir), "--bogus");
    ERR_HAS(f, "--bogus");
    RUN_ENV(f, NO_DB_ENV, 2, "init", "--db", fmt(f, "%s/third.db", f->dir), "extra");
    ERR_HAS(f, "extra");
    assert_int_equal(stat(fmt(f, "%s/third.db", f->dir), &sb), -1);
    RUN_ENV(f, NO_DB_ENV, 1, "init", "--db", fmt(f, "%s/no/such/dir.db", f->dir));
}

static void test_init_json_and_odd_paths(void **state)
{
    fx *f = *state;
    /* A path that needs escaping in JSON. */
    const char *odd = fmt(f, "%s/we\"ird\\name.db", f->dir);
    RUN_IN(f, TESTER_PASSWORD "\n", NO_DB_ENV, 0, "--json", "init", "--db", odd, "--admin",
           "tester", "--password-stdin", "--hash-cost", "test");
    json_t *j = JSON_OUT(f);
    JSTR_EQ(j, "admin", "tester");
    JSTR_EQ(j, "database", odd);
    assert_true(json_is_integer(json_object_get(j, "schema_version")));
    assert_true(json_integer_value(json_object_get(j, "schema_version")) >= 1);
    RUN_ENV(f, NO_DB_ENV, 0, "--db", odd, "context-issue", "list");
}

/* A message is one clean sentence: parentheses balanced, nothing repeated. */
static void assert_balanced(const char *text)
{
    int depth = 0;
    for (const char *p = text; *p; p++) {
        depth += *p == '(';
        depth -= *p == ')';
        if (depth < 0)
            break;
    }
    if (depth != 0)
        fail_msg("unbalanced parentheses in: %s", text);
}

static void test_init_refuses_other_files(void **state)
{
    fx *f = *state;
    /* A file that is not a database is refused and left alone. */
    FILE *fp = fopen(f->db, "w");
    assert_non_null(fp);
    fputs("precious notes, not a database\n", fp);
    fclose(fp);
    REFUSED(f, 1, "not an isms database", "init");
    assert_balanced(f->r.err);
    REFUSED(f, 1, "not an isms database", "context-issue", "list");
    assert_balanced(f->r.err);
    REFUSED(f, 1, NULL, "--json", "context-issue", "list");
    TEXT_HAS(jstr(JSON_ERR(f), "detail"), "not an isms database");
    size_t len = 0;
    char *content = read_file(f->db, &len);
    assert_non_null(content);
    assert_memory_equal(content, "precious notes, not a database\n", len);
    free(content);
}

static void test_isms_db_env(void **state)
{
    fx *f = *state;
    /* init, add and list through ISMS_DB alone. */
    RUN_IN(f, TESTER_PASSWORD "\n", NULL, 0, "init", "--admin", "tester", "--password-stdin",
           "--hash-cost", "test");
    OUT_HAS(f, f->db);
    add_issue(f, "Via the environment", "external", "ISS-1");
    assert_string_equal(LIST_IDS(f, "context-issue", "list"), "ISS-1");
    /* --db without ISMS_DB reaches the same database. */
    RUN_ENV(f, NO_DB_ENV, 0, "--db", f->db, "context-issue", "show", "ISS-1");
    OUT_HAS(f, "Via the environment");
    RUN_ENV(f, NO_DB_ENV, 0, "context-issue", "list", fmt(f, "--db=%s", f->db));
    OUT_HAS(f, "ISS-1");
    /* --db wins over ISMS_DB. */
    const char *missing = fmt(f, "%s/missing.db", f->dir);
    RUN(f, 1, "--db", missing, "context-issue", "list");
    ERR_HAS(f, "missing.db");
    /* Without either: a usage error. */
    RUN_ENV(f, NO_DB_ENV, 2, "context-issue", "list");
    ERR_HAS(f, "ISMS_DB");
}

static void test_missing_database(void **state)
{
    fx *f = *state;
    const char *missing = fmt(f, "%s/missing.db", f->dir);
    const char *verbs[][3] = {{"list", NULL, NULL},
                              {"show", "ISS-1", NULL},
                              {"add", "--title", "x"},
                              {"set", "ISS-1", NULL},
                              {"retire", "ISS-1", NULL}};
    for (size_t i = 0; i < 5; i++) {
        RUN(f, 1, "--db", missing, "context-issue", verbs[i][0], verbs[i][1], verbs[i][2]);
        ERR_HAS(f, "isms init");
        ERR_HAS(f, missing);
    }
    RUN(f, 1, "--db", missing, "--json", "context-issue", "list");
    json_t *j = JSON_ERR(f);
    JSTR_EQ(j, "type", "not_found");
    TEXT_HAS(jstr(j, "detail"), "isms init");
    RUN(f, 1, "--db", missing, "schema");
    struct stat sb;
    assert_int_equal(stat(missing, &sb), -1); /* never created by a read */
}

/* ============================================================================ */
/* The verbs on every kind                                                      */
/* ============================================================================ */

typedef struct kind_case {
    const char *kind, *prefix;
    const char *const *prep; /* a command to run first, or NULL */
    const char *const *add;  /* add arguments besides --title */
    const char *key, *value; /* a field the add sets, as JSON shows it */
    const char *set_opt, *set_key, *set_value, *set_value2;
    const char *filter_opt, *filter_value; /* a filter both records match */
} kind_case;

static const kind_case CASE_ISSUE = {
    .kind = "context-issue",
    .prefix = "ISS",
    .prep = ARGS("person", "add", "--name", "Ann Example"),
    .add = ARGS("--origin", "internal", "--category", "legal", "--owner", "PER-1", "--description",
                "Two\nlines"),
    .key = "origin",
    .value = "internal",
    .set_opt = "--effect",
    .set_key = "effect",
    .set_value = "Slows audits",
    .set_value2 = "Blocks audits",
    .filter_opt = "--category",
    .filter_value = "legal",
};
static const kind_case CASE_PARTY = {
    .kind = "interested-party",
    .prefix = "IP",
    .add = ARGS("--category", "regulator", "--origin", "external", "--contact", "dpa@example.org"),
    .key = "contact",
    .value = "dpa@example.org",
    .set_opt = "--expectations",
    .set_key = "expectations",
    .set_value = "Breach reports",
    .set_value2 = "Breach reports within 72 hours",
    .filter_opt = "--category",
    .filter_value = "regulator",
};
static const kind_case CASE_REQUIREMENT = {
    .kind = "requirement",
    .prefix = "REQ",
    .prep = ARGS("interested-party", "add", "--title", "Customer", "--category", "customer",
                 "--origin", "external"),
    .add = ARGS("--party", "IP-1", "--type", "contractual", "--addressed", "yes", "--how-addressed",
                "Annex A.5.19 controls"),
    .key = "party",
    .value = "IP-1",
    .set_opt = "--source",
    .set_key = "source",
    .set_value = "Contract 7",
    .set_value2 = "Contract 8",
    .filter_opt = "--party",
    .filter_value = "IP-1",
};
static const kind_case CASE_SCOPE = {
    .kind = "scope-item",
    .prefix = "SCP",
    .add = ARGS("--type", "site", "--inclusion", "included"),
    .key = "type",
    .value = "site",
    .set_opt = "--description",
    .set_key = "description",
    .set_value = "Head office",
    .set_value2 = "Both offices",
    .filter_opt = "--inclusion",
    .filter_value = "included",
};
static const kind_case CASE_PROCESS = {
    .kind = "process",
    .prefix = "PRC",
    .prep = ARGS("person", "add", "--name", "Ann Example"),
    .add = ARGS("--owner", "PER-1", "--purpose", "Manage risk"),
    .key = "owner",
    .value = "PER-1",
    .set_opt = "--criteria",
    .set_key = "criteria",
    .set_value = "Yearly",
    .set_value2 = "Quarterly",
    .filter_opt = "--owner",
    .filter_value = "PER-1",
};

/* Append the arguments of `more` to `base` (both NULL-terminated) in buf. */
static const char *const *join_args(const char **buf, size_t size, const char *const *base,
                                    const char *const *more)
{
    size_t n = 0;
    for (; base && *base; base++)
        buf[n++] = *base;
    for (; more && *more; more++)
        buf[n++] = *more;
    assert_true(n < size);
    buf[n] = NULL;
    return buf;
}

static void crud(fx *f, const kind_case *k)
{
    const char *kind = k->kind;
    const char *id1 = fmt(f, "%s-1", k->prefix), *id2 = fmt(f, "%s-2", k->prefix);
    const char *argv[40];
    if (k->prep)
        expect_run(f, 0, NULL, k->prep, __FILE__, __LINE__);

    /* add: prints the new id, nothing else. */
    expect_run(f, 0, NULL,
               join_args(argv, 40, ARGS(kind, "add", "--title", "First record"), k->add), __FILE__,
               __LINE__);
    assert_string_equal(f->r.out, fmt(f, "%s\n", id1));
    expect_run(f, 0, NULL,
               join_args(argv, 40, ARGS(kind, "add", "--title", "Second record", "--json"), k->add),
               __FILE__, __LINE__);
    json_t *added = JSON_OUT(f);
    JSTR_EQ(added, "id", id2);
    JSTR_EQ(added, "title", "Second record");

    /* show, as text and as JSON. */
    RUN(f, 0, kind, "show", id1);
    OUT_HAS(f, fmt(f, "%s  First record\n", id1));
    OUT_HAS(f, "version 1");
    OUT_HAS(f, k->value);
    OUT_HAS(f, "by tester");
    OUT_LACKS(f, "[retired]");
    RUN(f, 0, kind, "show", fmt(f, "%d", 1)); /* the number alone */
    OUT_HAS(f, "First record");
    json_t *rec = show_json(f, kind, id1);
    JSTR_EQ(rec, "kind", kind);
    JSTR_EQ(rec, "title", "First record");
    JSTR_EQ(rec, k->key, k->value);
    assert_int_equal(json_integer_value(json_object_get(rec, "version")), 1);
    assert_true(json_is_false(json_object_get(rec, "retired")));
    assert_true(json_is_array(json_object_get(rec, "referred_to_by")));
    JSTR_EQ(rec, "created_by", "tester");
    JSTR_EQ(rec, "updated_by", "tester");
    assert_true(json_is_null(json_object_get(rec, k->set_key)));

    /* list, as a table and as JSON. */
    RUN(f, 0, kind, "list");
    assert_true(strncmp(f->r.out, "ID ", 3) == 0);
    OUT_HAS(f, "title");
    OUT_HAS(f, fmt(f, "%s  ", id1));
    OUT_HAS(f, "First record");
    OUT_HAS(f, "Second record");
    OUT_LACKS(f, "--cursor");
    const char *next = "unset";
    json_t *items = list_items(f, ARGS(kind, "list", "--json"), &next);
    assert_null(next);
    assert_string_equal(ids_of(f, items), fmt(f, "%s,%s", id1, id2));
    JSTR_EQ(json_array_get(items, 0), k->key, k->value);

    /* set without --if-version. */
    RUN(f, 0, kind, "set", id1, k->set_opt, k->set_value);
    assert_string_equal(f->r.out, fmt(f, "%s updated, now at version 2\n", id1));
    rec = show_json(f, kind, id1);
    JSTR_EQ(rec, k->set_key, k->set_value);
    JSTR_EQ(rec, "title", "First record"); /* untouched */
    assert_int_equal(json_integer_value(json_object_get(rec, "version")), 2);

    /* A stale --if-version is refused, names the current version, changes nothing. */
    REFUSED_LIST(f, 1, kind, "current version: 2", kind, "set", id1, k->set_opt, k->set_value2,
                 "--if-version", "1");
    ERR_HAS(f, "version 2");
    REFUSED_LIST(f, 1, kind, NULL, kind, "set", id1, "--title", "Lost update", "--if-version", "7",
                 "--json");
    json_t *conflict = JSON_ERR(f);
    JSTR_EQ(conflict, "type", "conflict");
    assert_int_equal(json_integer_value(json_object_get(conflict, "current_version")), 2);
    JSTR_EQ(show_json(f, kind, id1), k->set_key, k->set_value);

    /* The right --if-version goes through. */
    RUN(f, 0, kind, "set", id1, k->set_opt, k->set_value2, "--if-version", "2", "--json");
    rec = JSON_OUT(f);
    JSTR_EQ(rec, k->set_key, k->set_value2);
    assert_int_equal(json_integer_value(json_object_get(rec, "version")), 3);
    /* An empty value clears an optional field. */
    RUN(f, 0, kind, "set", id1, fmt(f, "%s=", k->set_opt));
    assert_true(json_is_null(json_object_get(show_json(f, kind, id1), k->set_key)));
    assert_int_equal(version_of(f, kind, id1), 4);

    /* Filters find the first record. */
    assert_string_equal(
        LIST_IDS(f, kind, "list", k->filter_opt, k->filter_value, "--sort", "-title"),
        fmt(f, "%s,%s", id2, id1));

    /* retire needs a reason. */
    REFUSED(f, 2, "--reason", kind, "retire", id2);
    REFUSED(f, 1, "current version: 1", kind, "retire", id2, "--reason", "Old", "--if-version",
            "5");
    RUN(f, 0, kind, "retire", id2, "--reason", "No longer relevant", "--if-version", "1");
    assert_string_equal(f->r.out, fmt(f, "%s retired\n", id2));

    /* Retired: hidden from list, shown with --all and --retired; show still works. */
    assert_string_equal(LIST_IDS(f, kind, "list"), id1);
    assert_string_equal(LIST_IDS(f, kind, "list", "--all"), fmt(f, "%s,%s", id1, id2));
    assert_string_equal(LIST_IDS(f, kind, "list", "--retired"), id2);
    RUN(f, 0, kind, "list");
    OUT_LACKS(f, id2);
    RUN(f, 0, kind, "list", "--all");
    OUT_HAS(f, fmt(f, "%s (retired)", id2));
    RUN(f, 0, kind, "show", id2);
    OUT_HAS(f, "[retired]");
    OUT_HAS(f, "No longer relevant");
    OUT_HAS(f, "Retired: ");
    rec = show_json(f, kind, id2);
    assert_true(json_is_true(json_object_get(rec, "retired")));
    JSTR_EQ(rec, "retired_reason", "No longer relevant");
    JSTR_EQ(rec, "retired_by", "tester");

    /* A retired record no longer changes. */
    REFUSED(f, 1, "retired", kind, "set", id2, "--title", "Back");
    REFUSED(f, 1, "retired", kind, "retire", id2, "--reason", "Twice");

    /* delete: only processes, and only planned ones. */
    if (strcmp(kind, "process") == 0) {
        RUN(f, 0, kind, "delete", id1);
        assert_string_equal(f->r.out, fmt(f, "%s deleted\n", id1));
        REFUSED(f, 1, id1, kind, "show", id1);
        assert_string_equal(LIST_IDS(f, kind, "list", "--all"), id2);
    } else {
        REFUSED(f, 1, "never deleted", kind, "delete", id1);
        REFUSED(f, 1, "never deleted", kind, "delete", id2);
    }
}

static void test_crud_context_issue(void **state)
{
    crud(*state, &CASE_ISSUE);
}

static void test_crud_interested_party(void **state)
{
    crud(*state, &CASE_PARTY);
}

static void test_crud_requirement(void **state)
{
    crud(*state, &CASE_REQUIREMENT);
}

static void test_crud_scope_item(void **state)
{
    crud(*state, &CASE_SCOPE);
}

static void test_crud_process(void **state)
{
    crud(*state, &CASE_PROCESS);
}

static void add_decision(fx *f, const char *title, const char *relevant, const char *want)
{
    RUN(f, 0, "climate-decision", "add", "--title", title, "--relevant", relevant, "--reasoning",
        "Our sites lie near rivers\nthat flood", "--decided-by", "Board", "--decided-on",
        "2025-03-01");
    assert_string_equal(f->r.out, fmt(f, "%s\n", want));
}

static void test_climate_decision(void **state)
{
    fx *f = *state;
    const char *kind = "climate-decision";
    add_decision(f, "Decision 2024", "true", "CLD-1");
    json_t *rec = show_json(f, kind, "CLD-1");
    assert_true(json_is_true(json_object_get(rec, "relevant")));
    JSTR_EQ(rec, "decided_on", "2025-03-01");
    JSTR_EQ(rec, "reasoning", "Our sites lie near rivers\nthat flood");
    RUN(f, 0, kind, "show", "CLD-1");
    OUT_HAS(f, "Decision 2024");
    OUT_HAS(f, "Board");
    RUN(f, 0, kind, "list");
    OUT_HAS(f, "CLD-1");

    /* A decision cannot be changed, with or without --if-version, nor retired alone. */
    REFUSED(f, 1, "cannot be changed", kind, "set", "CLD-1", "--title", "Edited");
    REFUSED(f, 1, "cannot be changed", kind, "set", "CLD-1", "--relevant", "false", "--if-version",
            "1");
    REFUSED(f, 1, "supersede", kind, "retire", "CLD-1", "--reason", "Changed our mind");
    REFUSED(f, 1, "never deleted", kind, "delete", "CLD-1");
    REFUSED(f, 1, "--reasoning", kind, "add", "--title", "Incomplete", "--relevant", "false",
            "--decided-by", "Board", "--decided-on", "2025-04-01");

    /* A second decision supersedes the first. */
    add_decision(f, "Decision 2025", "false", "CLD-2");
    assert_string_equal(LIST_IDS(f, kind, "list"), "CLD-2");
    assert_string_equal(LIST_IDS(f, kind, "list", "--all"), "CLD-1,CLD-2");
    assert_string_equal(LIST_IDS(f, kind, "list", "--retired"), "CLD-1");
    RUN(f, 0, kind, "show", "CLD-1");
    OUT_HAS(f, "[retired]");
    OUT_HAS(f, "superseded by CLD-2");
    rec = show_json(f, kind, "CLD-1");
    assert_true(json_is_true(json_object_get(rec, "retired")));
    JSTR_EQ(rec, "retired_reason", "superseded by CLD-2");
    rec = show_json(f, kind, "CLD-2");
    assert_true(json_is_false(json_object_get(rec, "retired")));
    assert_true(json_is_false(json_object_get(rec, "relevant")));

    add_decision(f, "Decision 2026", "true", "CLD-3");
    assert_string_equal(LIST_IDS(f, kind, "list"), "CLD-3");
    JSTR_EQ(show_json(f, kind, "CLD-2"), "retired_reason", "superseded by CLD-3");
    JSTR_EQ(show_json(f, kind, "CLD-1"), "retired_reason", "superseded by CLD-2");
    REFUSED(f, 1, "retired", kind, "set", "CLD-1", "--title", "x");
}

static void test_process_delete(void **state)
{
    fx *f = *state;
    const char *kind = "process";
    add_person(f, "Ann Example", "PER-1");
    add_person(f, "Bo Berg", "PER-2");
    add_process(f, "Planned", "PRC-1");
    add_process(f, "Running", "PRC-2");
    RUN(f, 0, kind, "set", "PRC-2", "--status", "operating");
    REFUSED(f, 1, "only a planned process", kind, "delete", "PRC-2");
    REFUSED(f, 1, "current version: 1", kind, "delete", "PRC-1", "--if-version", "3");
    REFUSED(f, 2, "--reason", kind, "delete", "PRC-1", "--reason", "x");
    REFUSED(f, 1, "PRC-9", kind, "delete", "PRC-9");
    /* A planned process another one refers to stays. */
    RUN(f, 0, kind, "add", "--title", "Uses the planned one", "--owner", "PER-2", "--interacts-with",
        "PRC-1");
    assert_string_equal(f->r.out, "PRC-3\n");
    REFUSED(f, 1, "PRC-3", kind, "delete", "PRC-1");
    RUN(f, 0, kind, "delete", "PRC-3", "--if-version", "1", "--json");
    json_t *j = JSON_OUT(f);
    JSTR_EQ(j, "id", "PRC-3");
    assert_true(json_is_true(json_object_get(j, "deleted")));
    RUN(f, 0, kind, "delete", "PRC-1");
    assert_string_equal(LIST_IDS(f, kind, "list", "--all"), "PRC-2");
    REFUSED(f, 1, "PRC-1", kind, "delete", "PRC-1");
    /* Ids are never reused. */
    add_process(f, "After deletions", "PRC-4");
}

/* ============================================================================ */
/* People (clause 5.3): owners of records                                      */
/* ============================================================================ */

/* ============================================================================ */
/* isms risk accept / acceptances (docs/RISK.md "Acceptance")                   */
/* ============================================================================ */

#define OLGA_PASSWORD "olga password 1234"

static size_t acceptance_count(fx *f)
{
    RUN(f, 0, "risk-acceptance", "list", "--all", "--json");
    return json_array_size(json_object_get(JSON_OUT(f), "items"));
}

static void test_risk_accept(void **state)
{
    fx *f = *state;
    RUN(f, 0, "person", "add", "--name", "Olga Owner");
    RUN_IN(f, OLGA_PASSWORD "\n", NULL, 0, "user", "add", "olga", "--role", "contributor",
           "--person", "PER-1", "--password-stdin", "--hash-cost", "test");
    RUN(f, 0, "risk", "add", "--title", "Laptop theft", "--owner", "PER-1", "--likelihood", "4",
        "--impact", "4", "--residual-likelihood", "2", "--residual-impact", "3", "--treatment",
        "modify", "--controls", "5.15", "--review-date", "2099-12-31");
    /* Bad input is refused before the password is asked, and changes nothing. */
    REFUSED(f, 1, "--role", "--as", "olga", "risk", "accept", "RSK-1", "--role", "boss",
            "--rationale", "x");
    REFUSED(f, 1, "--rationale", "--as", "olga", "risk", "accept", "RSK-1", "--role", "owner");
    REFUSED(f, 1, "--exception-until", "--as", "olga", "risk", "accept", "RSK-1", "--role",
            "owner", "--rationale", "x", "--exception");
    REFUSED(f, 2, "RSK-1", "--as", "olga", "risk", "accept", "ISS-1", "--role", "owner",
            "--rationale", "x");
    REFUSED(f, 1, "RSK-9", "--as", "olga", "risk", "accept", "RSK-9", "--role", "owner",
            "--rationale", "x");
    /* A wrong password, or someone who is no person, signs nothing. */
    RUN_IN(f, "wrong\n", NULL, 1, "--as", "olga", "risk", "accept", "RSK-1", "--role", "owner",
           "--rationale", "x", "--password-stdin");
    ERR_HAS(f, "--password");
    RUN_IN(f, TESTER_PASSWORD "\n", NULL, 1, "risk", "accept", "RSK-1", "--role", "owner",
           "--rationale", "x", "--password-stdin");
    ERR_HAS(f, "not linked to a person");
    assert_int_equal(acceptance_count(f), 0);
    /* The generic add of the kind is no way around the signature. */
    RUN(f, 1, "risk-acceptance", "add", "--risk", "RSK-1", "--role", "owner", "--rationale", "x");
    ERR_HAS(f, "own credentials");

    RUN_IN(f, OLGA_PASSWORD "\n", NULL, 0, "--as", "olga", "risk", "accept", "RSK-1", "--role",
           "owner", "--rationale", "Disks are encrypted", "--password-stdin");
    OUT_HAS(f, "ACC-1");
    assert_int_equal(acceptance_count(f), 1);
    RUN(f, 0, "risk", "acceptances", "RSK-1");
    OUT_HAS(f, "RSK-1 acceptance: accepted");
    OUT_HAS(f, "olga");
    OUT_HAS(f, "valid");
    RUN(f, 0, "risk", "set", "RSK-1", "--treatment", "modify, share");
    RUN(f, 0, "risk", "acceptances", "RSK-1", "--json");
    json_t *j = JSON_OUT(f);
    assert_string_equal(jstr(j, "acceptance"), "invalidated");
    assert_string_equal(jstr(json_array_get(json_object_get(j, "items"), 0), "validity"),
                        "changed");
    RUN(f, 0, "risk", "accept", "--help");
    OUT_HAS(f, "--password-stdin");
    OUT_HAS(f, "signing");
    RUN(f, 0, "risk", "--help");
    OUT_HAS(f, "isms risk accept ID");
}

static void test_person(void **state)
{
    fx *f = *state;
    const char *k = "person";
    RUN(f, 0, k, "add", "--name", "Greta Lindqvist", "--job-title", "Chief Executive Officer",
        "--department", "Management", "--top-management", "true", "--email",
        "greta.lindqvist@nordlicht.example");
    assert_string_equal(f->r.out, "PER-1\n");
    RUN(f, 0, k, "add", "--name", "Jonas Weber", "--job-title", "CISO", "--department",
        "Information security", "--manager", "PER-1", "--email", "jonas.weber@nordlicht.example");
    assert_string_equal(f->r.out, "PER-2\n");
    RUN(f, 0, k, "add", "--name", "Aaron Fischer", "--department", "IT", "--manager", "per-2",
        "--json");
    json_t *added = JSON_OUT(f);
    JSTR_EQ(added, "id", "PER-3");
    JSTR_EQ(added, "name", "Aaron Fischer");
    JSTR_EQ(added, "manager", "PER-2");
    assert_true(json_is_null(json_object_get(added, "top_management")));
    assert_true(json_is_null(json_object_get(added, "email")));

    /* show names the manager; list shows name, department, top management. */
    RUN(f, 0, k, "show", "PER-2");
    OUT_HAS(f, "PER-2  Jonas Weber\n");
    OUT_HAS(f, "Person, clause 5.3, version 1");
    OUT_HAS(f, "Manager: PER-1 Greta Lindqvist\n");
    OUT_HAS(f, "E-mail: jonas.weber@nordlicht.example\n");
    OUT_HAS(f, "Job title: CISO\n");
    RUN(f, 0, k, "list");
    assert_true(strncmp(f->r.out, "ID ", 3) == 0);
    OUT_HAS(f, "name");
    OUT_HAS(f, "department");
    OUT_HAS(f, "top-management");
    OUT_HAS(f, "Greta Lindqvist");
    assert_string_equal(LIST_IDS(f, k, "list", "--top-management", "true"), "PER-1");
    assert_string_equal(LIST_IDS(f, k, "list", "--department", "Information security"), "PER-2");
    assert_string_equal(LIST_IDS(f, k, "list", "--manager", "PER-2"), "PER-3");
    assert_string_equal(LIST_IDS(f, k, "list", "--manager", ""), "PER-1");
    assert_string_equal(LIST_IDS(f, k, "list", "--sort", "name"), "PER-3,PER-1,PER-2");
    assert_string_equal(LIST_IDS(f, k, "list", "--sort", "-department"), "PER-1,PER-2,PER-3");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "WEBER"), "PER-2");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "PER-3"), "PER-3");
    REFUSED(f, 1, "--email", k, "list", "--email", "jonas.weber@nordlicht.example");
    REFUSED(f, 1, "--sort", k, "list", "--sort", "manager");

    /* set: a change of job, a new version. */
    RUN(f, 0, k, "set", "PER-3", "--job-title", "IT Operations Lead");
    assert_string_equal(f->r.out, "PER-3 updated, now at version 2\n");
    RUN(f, 0, k, "set", "PER-3", "--email", "");
    assert_int_equal(version_of(f, k, "PER-3"), 3);

    /* Records are owned by people; the person shows what they own and who reports to them. */
    RUN(f, 0, "context-issue", "add", "--title", "Skills shortage", "--origin", "internal",
        "--category", "organizational", "--owner", "PER-2");
    RUN(f, 0, "process", "add", "--title", "Risk management", "--owner", "PER-2");
    RUN(f, 0, "context-issue", "show", "ISS-1");
    OUT_HAS(f, "Owner: PER-2 Jonas Weber\n");
    JSTR_EQ(show_json(f, "process", "PRC-1"), "owner", "PER-2");
    assert_string_equal(LIST_IDS(f, "context-issue", "list", "--owner", "PER-2"), "ISS-1");
    assert_string_equal(LIST_IDS(f, "process", "list", "--owner", "PER-1"), "");
    RUN(f, 0, "context-issue", "list");
    OUT_HAS(f, "PER-2 Jonas Weber"); /* the owner column names the person */
    RUN(f, 0, k, "show", "PER-2");
    OUT_HAS(f, "Referred to by:");
    OUT_HAS(f, "ISS-1  Skills shortage  (Context issue: Owner)");
    OUT_HAS(f, "PRC-1  Risk management  (ISMS process: Owner)");
    OUT_HAS(f, "PER-3  Aaron Fischer  (Person: Manager)");
    json_t *refs = json_object_get(show_json(f, k, "PER-2"), "referred_to_by");
    assert_int_equal(json_array_size(refs), 3);

    /* People leave: retired, never deleted, and not while records in force name them. */
    REFUSED_LIST(f, 1, k, "PER-2 cannot be retired", k, "retire", "PER-2", "--reason", "Left");
    ERR_HAS(f, "ISS-1");
    ERR_HAS(f, "PRC-1");
    ERR_HAS(f, "PER-3");
    REFUSED(f, 1, NULL, "--json", k, "retire", "PER-2", "--reason", "Left");
    json_t *j = JSON_ERR(f);
    JSTR_EQ(j, "type", "referenced");
    assert_int_equal(json_array_size(json_object_get(j, "referrers")), 3);
    REFUSED_LIST(f, 1, k, "never deleted", k, "delete", "PER-3");
    RUN(f, 0, "context-issue", "set", "ISS-1", "--owner", "PER-1");
    RUN(f, 0, "process", "set", "PRC-1", "--owner", "PER-1");
    RUN(f, 0, k, "set", "PER-3", "--manager", "PER-1");
    RUN(f, 0, k, "retire", "PER-2", "--reason", "Left the company");
    assert_string_equal(LIST_IDS(f, k, "list"), "PER-1,PER-3");
    assert_string_equal(LIST_IDS(f, k, "list", "--retired"), "PER-2");
    RUN(f, 0, k, "show", "PER-2");
    OUT_HAS(f, "[retired]");
    OUT_HAS(f, "Left the company");
    /* A retired person owns nothing new and manages nobody. */
    REFUSED_LIST(f, 1, "context-issue", "PER-2 is retired", "context-issue", "set", "ISS-1",
                 "--owner", "PER-2");
    ERR_HAS(f, "--owner");
    REFUSED_LIST(f, 1, k, "PER-2 is retired", k, "set", "PER-3", "--manager", "PER-2");
    ERR_HAS(f, "--manager");

    /* Bad input names the field and writes nothing. */
    REFUSED_LIST(f, 1, k, "--email", k, "add", "--name", "Eve", "--email", "eve at example.com");
    REFUSED_LIST(f, 1, k, "their own manager", k, "set", "PER-3", "--manager", "PER-3");
    ERR_HAS(f, "--manager");
    REFUSED_LIST(f, 1, k, "PER-42 does not exist", k, "add", "--name", "Eve", "--manager",
                 "PER-42");
    ERR_HAS(f, "--manager");
    REFUSED_LIST(f, 1, k, "--manager", k, "add", "--name", "Eve", "--manager", "ISS-1");
    ERR_HAS(f, "person id");
    REFUSED_LIST(f, 1, "process", "PER-42 does not exist", "process", "add", "--title", "x",
                 "--owner", "PER-42");
    ERR_HAS(f, "--owner");

    /* Help is generated from the registry. */
    RUN(f, 0, k, "--help");
    OUT_HAS(f, "Person (PER-n)");
    OUT_HAS(f, "Clause 5.3 Organizational roles, responsibilities and authorities");
    OUT_HAS(f, "--top-management");
    OUT_HAS(f, "a person id, such as PER-1");
    OUT_LACKS(f, "isms person delete");
    RUN(f, 0, "process", "add", "--help");
    OUT_HAS(f, "--owner");
    OUT_HAS(f, "a person id, such as PER-1");
}

/* ============================================================================ */
/* Lists: filters, sorting, search, paging                                      */
/* ============================================================================ */

static void seed_issues(fx *f)
{
    static const struct {
        const char *title, *origin, *owner, *review;
    } seed[] = {
        {"Delta outage", "internal", "PER-1", "2026-05-01"},
        {"Alpha regulation", "external", "", ""},
        {"Charlie churn", "internal", "PER-2", "2025-01-15"},
        {"Bravo breach", "external", "PER-1", ""},
        {"Foxtrot flood", "external", "", "2027-09-30"},
        {"Echo encryption", "internal", "PER-3", ""},
        {"Golf GDPR", "internal", "", "2025-01-15"},
    };
    add_person(f, "Ann Example", "PER-1");
    add_person(f, "Bob Example", "PER-2");
    add_person(f, "Cy Example", "PER-3");
    for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
        RUN(f, 0, "context-issue", "add", "--title", seed[i].title, "--origin", seed[i].origin,
            "--category", "other", "--owner", seed[i].owner, "--review-date", seed[i].review);
        assert_string_equal(f->r.out, fmt(f, "ISS-%zu\n", i + 1));
    }
}

static void test_list_filters_sort_search(void **state)
{
    fx *f = *state;
    seed_issues(f);
    const char *k = "context-issue";
    assert_string_equal(LIST_IDS(f, k, "list"), "ISS-1,ISS-2,ISS-3,ISS-4,ISS-5,ISS-6,ISS-7");
    /* Filters. */
    json_t *items = list_items(f, ARGS(k, "list", "--origin", "internal", "--json"), NULL);
    assert_string_equal(ids_of(f, items), "ISS-1,ISS-3,ISS-6,ISS-7");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) JSTR_EQ(it, "origin", "internal");
    assert_string_equal(LIST_IDS(f, k, "list", "--origin=external"), "ISS-2,ISS-4,ISS-5");
    assert_string_equal(LIST_IDS(f, k, "list", "--origin", "internal", "--owner", "PER-1"), "ISS-1");
    assert_string_equal(LIST_IDS(f, k, "list", "--owner", "per-1"), "ISS-1,ISS-4");
    assert_string_equal(LIST_IDS(f, k, "list", "--owner", ""), "ISS-2,ISS-5,ISS-7");
    assert_string_equal(LIST_IDS(f, k, "list", "--review-date", "2025-01-15"), "ISS-3,ISS-7");
    assert_string_equal(LIST_IDS(f, k, "list", "--status", "closed"), "");
    RUN(f, 0, k, "list", "--origin", "internal");
    OUT_HAS(f, "Delta outage");
    OUT_LACKS(f, "Alpha regulation");

    /* Sorting. */
    assert_string_equal(LIST_IDS(f, k, "list", "--sort", "title"),
                        "ISS-2,ISS-4,ISS-3,ISS-1,ISS-6,ISS-5,ISS-7");
    assert_string_equal(LIST_IDS(f, k, "list", "--sort", "-title"),
                        "ISS-7,ISS-5,ISS-6,ISS-1,ISS-3,ISS-4,ISS-2");
    assert_string_equal(LIST_IDS(f, k, "list", "--sort", "title", "--origin", "external"),
                        "ISS-2,ISS-4,ISS-5");
    assert_string_equal(LIST_IDS(f, k, "list", "--sort", "id"),
                        "ISS-1,ISS-2,ISS-3,ISS-4,ISS-5,ISS-6,ISS-7");
    RUN(f, 0, k, "list", "--sort", "title");
    const char *a = strstr(f->r.out, "Alpha"), *g = strstr(f->r.out, "Golf");
    assert_true(a && g && a < g);
    /* Records without a review date sort together, each exactly once. */
    const char *by_date = LIST_IDS(f, k, "list", "--sort", "review-date");
    assert_int_equal(strlen(by_date), strlen("ISS-1,ISS-2,ISS-3,ISS-4,ISS-5,ISS-6,ISS-7"));
    TEXT_HAS(by_date, "ISS-3,ISS-7,ISS-1,ISS-5");

    /* Search in title or id, any case. */
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "alpha"), "ISS-2");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "BREACH"), "ISS-4");
    assert_string_equal(
        LIST_IDS(f, k, "list", "--q", "o", "--origin", "external", "--sort", "-title"),
        "ISS-5,ISS-4,ISS-2");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "nothing like this"), "");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "100%"), "");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "_"), "");

    /* Refused list options name the option. */
    REFUSED(f, 1, "--sort", k, "list", "--sort", "description");
    REFUSED(f, 1, "--sort", k, "list", "--sort", "nosuchfield");
    REFUSED(f, 1, "--limit", k, "list", "--limit", "0");
    REFUSED(f, 1, "--limit", k, "list", "--limit", "201");
    REFUSED(f, 1, "--limit", k, "list", "--limit", "ten");
    REFUSED(f, 1, "--description", k, "list", "--description", "x");
    REFUSED(f, 1, "--owner", k, "list", "--owner", "Ann");
    REFUSED(f, 1, "--origin", k, "list", "--origin", "inside");
    REFUSED(f, 1, "--cursor", k, "list", "--cursor", "garbage");
    REFUSED(f, 2, "--nosuch", k, "list", "--nosuch", "x");
    REFUSED(f, 2, "extra", k, "list", "extra");
}

/* Page through a list with --limit and --cursor: every record exactly once, in order. */
static void page_through(fx *f, const char *const *query, const char *limit)
{
    const char *argv[40];
    const char *want = ids_of(f, list_items(f, join_args(argv, 40, query, ARGS("--json")), NULL));
    char *got = hold(f, calloc(1, strlen(want) + 64));
    const char *cursor = NULL;
    size_t pages = 0;
    do {
        const char *const *extra = cursor ? ARGS("--json", "--limit", limit, "--cursor", cursor)
                                          : ARGS("--json", "--limit", limit);
        const char *next = NULL;
        json_t *items = list_items(f, join_args(argv, 40, query, extra), &next);
        assert_true(json_array_size(items) <= (size_t)atoi(limit));
        if (next)
            assert_int_equal(json_array_size(items), atoi(limit));
        const char *ids = ids_of(f, items);
        if (ids[0])
            sprintf(got + strlen(got), "%s%s", got[0] ? "," : "", ids);
        cursor = next ? fmt(f, "%s", next) : NULL;
        assert_true(++pages < 50);
    } while (cursor);
    assert_string_equal(got, want);
}

static void test_list_paging(void **state)
{
    fx *f = *state;
    seed_issues(f);
    const char *k = "context-issue";
    RUN(f, 0, k, "retire", "ISS-4", "--reason", "Handled");
    page_through(f, ARGS(k, "list"), "2");
    page_through(f, ARGS(k, "list", "--all"), "3");
    page_through(f, ARGS(k, "list", "--retired"), "1");
    page_through(f, ARGS(k, "list", "--sort", "title"), "2");
    page_through(f, ARGS(k, "list", "--sort", "-title", "--all"), "3");
    /* Sorting on a field some records leave empty. */
    page_through(f, ARGS(k, "list", "--sort", "review-date", "--all"), "2");
    page_through(f, ARGS(k, "list", "--sort", "-review-date"), "2");
    page_through(f, ARGS(k, "list", "--sort", "owner", "--all"), "3");
    page_through(f, ARGS(k, "list", "--origin", "internal", "--sort", "-owner"), "1");

    /* Exactly one full page has no next page. */
    const char *next = "unset";
    list_items(f, ARGS(k, "list", "--json", "--limit", "6"), &next);
    assert_null(next);
    list_items(f, ARGS(k, "list", "--json", "--limit", "5"), &next);
    assert_non_null(next);
    /* A cursor belongs to its sort order. */
    REFUSED(f, 1, "--cursor", k, "list", "--sort", "title", "--cursor", next);

    /* The text table tells how to go on. */
    RUN(f, 0, k, "list", "--limit", "4");
    const char *more = strstr(f->r.out, "(more: add --cursor ");
    assert_non_null(more);
    more += strlen("(more: add --cursor ");
    const char *end = strchr(more, ')');
    assert_non_null(end);
    const char *cursor = fmt(f, "%.*s", (int)(end - more), more);
    RUN(f, 0, k, "list", "--limit", "4", "--cursor", cursor);
    OUT_HAS(f, "ISS-7");
    OUT_LACKS(f, "ISS-1 ");
    OUT_LACKS(f, "--cursor");
}

/* ============================================================================ */
/* The rules of the kinds                                                       */
/* ============================================================================ */

static void test_rule_requirement_addressed(void **state)
{
    fx *f = *state;
    const char *k = "requirement";
    add_party(f, "Customer", "IP-1");
#define REQ_ADD(...)                                                                               \
    k, "add", "--title", "GDPR art. 32", "--party", "IP-1", "--type", "legal", __VA_ARGS__
    REFUSED(f, 1, "--reason-not-addressed",
            REQ_ADD("--addressed", "partly", "--how-addressed", "Encryption"));
    ERR_LACKS(f, "--how-addressed");
    REFUSED(f, 1, "--how-addressed",
            REQ_ADD("--addressed", "partly", "--reason-not-addressed", "Budget"));
    ERR_LACKS(f, "--reason-not-addressed");
    REFUSED(f, 1, "--how-addressed", REQ_ADD("--addressed", "partly"));
    ERR_HAS(f, "--reason-not-addressed");
    REFUSED(f, 1, "--how-addressed", REQ_ADD("--addressed", "yes"));
    REFUSED(f, 1, "--reason-not-addressed", REQ_ADD("--addressed", "no"));
    /* Blank text says nothing. */
    REFUSED(f, 1, "--how-addressed", REQ_ADD("--addressed", "yes", "--how-addressed", " \n"));
    REFUSED(f, 1, "--reason-not-addressed",
            REQ_ADD("--addressed", "no", "--reason-not-addressed", "\t"));
    REFUSED(f, 1, "--addressed", REQ_ADD("--addressed", "maybe", "--how-addressed", "x"));
    REFUSED(f, 1, NULL, REQ_ADD("--addressed", "partly", "--json"));
    json_t *j = JSON_ERR(f);
    JSTR_EQ(j, "type", "invalid");
    json_t *errors = json_object_get(j, "errors");
    assert_int_equal(json_array_size(errors), 2);
    JSTR_EQ(json_array_get(errors, 0), "field", "how_addressed");
    JSTR_EQ(json_array_get(errors, 1), "field", "reason_not_addressed");

    RUN(f, 0,
        REQ_ADD("--addressed", "partly", "--how-addressed", "Encryption", "--reason-not-addressed",
                "Budget"));
    assert_string_equal(f->r.out, "REQ-1\n");
    RUN(f, 0, REQ_ADD("--addressed", "no", "--reason-not-addressed", "Out of scope"));
    assert_string_equal(f->r.out, "REQ-2\n");
    RUN(f, 0, REQ_ADD("--addressed", "yes", "--how-addressed", "Policy"));
    assert_string_equal(f->r.out, "REQ-3\n");
#undef REQ_ADD
    /* The rule holds on set too, against the stored values. */
    REFUSED(f, 1, "--reason-not-addressed", k, "set", "REQ-1", "--reason-not-addressed", "");
    REFUSED(f, 1, "--how-addressed", k, "set", "REQ-2", "--addressed", "yes");
    REFUSED(f, 1, "--reason-not-addressed", k, "set", "REQ-3", "--addressed", "partly");
    RUN(f, 0, k, "set", "REQ-2", "--addressed", "partly", "--how-addressed", "Some of it");
    JSTR_EQ(show_json(f, k, "REQ-2"), "addressed", "partly");
    RUN(f, 0, k, "set", "REQ-3", "--addressed", "no", "--how-addressed", "",
        "--reason-not-addressed", "Dropped");
    JSTR_EQ(show_json(f, k, "REQ-3"), "addressed", "no");
}

static void test_rule_scope_item_excluded(void **state)
{
    fx *f = *state;
    const char *k = "scope-item";
    REFUSED(f, 1, "--justification", k, "add", "--title", "Canteen", "--type",
            "organizational_unit", "--inclusion", "excluded");
    REFUSED(f, 1, "--justification", k, "add", "--title", "Canteen", "--type",
            "organizational_unit", "--inclusion", "excluded", "--justification", " \n ");
    RUN(f, 0, k, "add", "--title", "Canteen", "--type", "organizational_unit", "--inclusion",
        "excluded", "--justification", "Run by a contractor; no access to our data");
    assert_string_equal(f->r.out, "SCP-1\n");
    RUN(f, 0, k, "add", "--title", "Head office", "--type", "site", "--inclusion", "included");
    assert_string_equal(f->r.out, "SCP-2\n");
    REFUSED(f, 1, "--justification", k, "set", "SCP-1", "--justification", "");
    REFUSED(f, 1, "--justification", k, "set", "SCP-2", "--inclusion", "excluded");
    REFUSED(f, 1, "--inclusion", k, "set", "SCP-2", "--inclusion", "partly");
    RUN(f, 0, k, "set", "SCP-1", "--inclusion", "included", "--justification", "");
    RUN(f, 0, k, "set", "SCP-2", "--inclusion", "excluded", "--justification", "Sold");
    assert_string_equal(LIST_IDS(f, k, "list", "--inclusion", "excluded"), "SCP-2");
}

static void test_rule_process(void **state)
{
    fx *f = *state;
    const char *k = "process";
    add_person(f, "Hanna Rausch", "PER-1");
    add_person(f, "Ivo Tanaka", "PER-2");
    REFUSED(f, 1, "--provider", k, "add", "--title", "Payroll", "--owner", "PER-1",
            "--externally-provided", "true");
    REFUSED(f, 1, "--provider", k, "add", "--title", "Payroll", "--owner", "PER-1",
            "--externally-provided", "true", "--provider", "   ");
    REFUSED(f, 1, "--owner", k, "add", "--title", "Payroll");
    REFUSED(f, 1, "--externally-provided", k, "add", "--title", "Payroll", "--owner", "PER-1",
            "--externally-provided", "sometimes");
    RUN(f, 0, k, "add", "--title", "Payroll", "--owner", "PER-1", "--externally-provided", "true",
        "--provider", "PayCo");
    assert_string_equal(f->r.out, "PRC-1\n");
    RUN(f, 0, k, "add", "--title", "Backup", "--owner", "PER-2", "--externally-provided", "false");
    assert_string_equal(f->r.out, "PRC-2\n");
    REFUSED(f, 1, "--provider", k, "set", "PRC-1", "--provider", "");
    REFUSED(f, 1, "--provider", k, "set", "PRC-2", "--externally-provided", "true");
    assert_string_equal(LIST_IDS(f, k, "list", "--externally-provided", "true"), "PRC-1");

    /* Discontinued is final. */
    RUN(f, 0, k, "set", "PRC-2", "--status", "operating");
    RUN(f, 0, k, "set", "PRC-2", "--status", "discontinued");
    REFUSED(f, 1, "--status", k, "set", "PRC-2", "--status", "operating");
    ERR_HAS(f, "discontinued");
    REFUSED(f, 1, "--status", k, "set", "PRC-2", "--status", "planned");
    REFUSED(f, 1, "--status", k, "set", "PRC-2", "--status", "paused");
    RUN(f, 0, k, "set", "PRC-2", "--criteria", "Restore tested yearly");
    JSTR_EQ(show_json(f, k, "PRC-2"), "status", "discontinued");
    /* Planned straight to discontinued is allowed; to operating from planned too. */
    RUN(f, 0, k, "set", "PRC-1", "--status", "discontinued");
    REFUSED(f, 1, "only a planned", k, "delete", "PRC-1");
}

static void test_rule_party_with_requirements(void **state)
{
    fx *f = *state;
    add_party(f, "Regulator", "IP-1");
    add_party(f, "Former partner", "IP-2");
    RUN(f, 0, "requirement", "add", "--title", "Report breaches", "--party", "IP-1", "--type",
        "regulatory", "--addressed", "yes", "--how-addressed", "Incident process");
    assert_string_equal(f->r.out, "REQ-1\n");

    REFUSED(f, 1, "REQ-1", "interested-party", "retire", "IP-1", "--reason", "Gone");
    ERR_HAS(f, "IP-1 cannot be retired");
    REFUSED(f, 1, NULL, "--json", "interested-party", "retire", "IP-1", "--reason", "Gone");
    json_t *j = JSON_ERR(f);
    JSTR_EQ(j, "type", "referenced");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "referrers"), 0)),
                        "REQ-1");

    RUN(f, 0, "requirement", "add", "--title", "Annual report", "--party", "IP-1", "--type",
        "regulatory", "--addressed", "no", "--reason-not-addressed", "Not yet");
    REFUSED(f, 1, "REQ-1, REQ-2", "interested-party", "retire", "IP-1", "--reason", "Gone");

    /* The party shows who refers to it. */
    RUN(f, 0, "interested-party", "show", "IP-1");
    OUT_HAS(f, "Referred to by:");
    OUT_HAS(f, "REQ-1  Report breaches");
    OUT_HAS(f, "REQ-2  Annual report");
    json_t *refs = json_object_get(show_json(f, "interested-party", "IP-1"), "referred_to_by");
    assert_int_equal(json_array_size(refs), 2);
    JSTR_EQ(json_array_get(refs, 0), "id", "REQ-1");
    JSTR_EQ(json_array_get(refs, 0), "kind", "requirement");
    JSTR_EQ(json_array_get(refs, 0), "field", "party");
    assert_string_equal(LIST_IDS(f, "requirement", "list", "--party", "IP-1"), "REQ-1,REQ-2");

    /* A retired party takes no new requirements. */
    RUN(f, 0, "interested-party", "retire", "IP-2", "--reason", "Contract ended");
    REFUSED(f, 1, "--party", "requirement", "add", "--title", "x", "--party", "IP-2", "--type",
            "other", "--addressed", "yes", "--how-addressed", "x");
    ERR_HAS(f, "retired");
    REFUSED(f, 1, "--party", "requirement", "set", "REQ-1", "--party", "IP-2");

    /* Once its requirements are retired, the party can be. */
    RUN(f, 0, "requirement", "retire", "REQ-1", "--reason", "Law repealed");
    RUN(f, 0, "requirement", "retire", "REQ-2", "--reason", "Law repealed");
    RUN(f, 0, "interested-party", "retire", "IP-1", "--reason", "No longer regulated");
    RUN(f, 0, "interested-party", "show", "IP-1");
    OUT_HAS(f, "[retired]");
    OUT_HAS(f, "REQ-1");
}

static void test_reflist_and_reverse_links(void **state)
{
    fx *f = *state;
    const char *k = "process";
    add_person(f, "Ann Example", "PER-1");
    add_person(f, "Cem Example", "PER-2");
    add_process(f, "Risk assessment", "PRC-1");
    add_process(f, "Internal audit", "PRC-2");
    RUN(f, 0, k, "add", "--title", "Management review", "--owner", "PER-2", "--interacts-with",
        "PRC-1,PRC-2");
    assert_string_equal(f->r.out, "PRC-3\n");

    json_t *with = json_object_get(show_json(f, k, "PRC-3"), "interacts_with");
    assert_int_equal(json_array_size(with), 2);
    assert_string_equal(json_string_value(json_array_get(with, 0)), "PRC-1");
    assert_string_equal(json_string_value(json_array_get(with, 1)), "PRC-2");
    RUN(f, 0, k, "show", "PRC-3");
    OUT_HAS(f, "PRC-1");
    OUT_HAS(f, "PRC-2");

    for (int i = 1; i <= 2; i++) {
        const char *id = fmt(f, "PRC-%d", i);
        RUN(f, 0, k, "show", id);
        OUT_HAS(f, "Referred to by:");
        OUT_HAS(f, "PRC-3  Management review");
        OUT_HAS(f, "Interacts with");
        json_t *refs = json_object_get(show_json(f, k, id), "referred_to_by");
        assert_int_equal(json_array_size(refs), 1);
        JSTR_EQ(json_array_get(refs, 0), "id", "PRC-3");
        JSTR_EQ(json_array_get(refs, 0), "field", "interacts_with");
        JSTR_EQ(json_array_get(refs, 0), "title", "Management review");
    }
    RUN(f, 0, k, "show", "PRC-3");
    OUT_LACKS(f, "Referred to by");
    assert_string_equal(LIST_IDS(f, k, "list", "--interacts-with", "PRC-2"), "PRC-3");
    assert_string_equal(LIST_IDS(f, k, "list", "--interacts-with", "PRC-3"), "");
    REFUSED(f, 1, "--interacts-with", k, "list", "--interacts-with", "PRC-1,PRC-2");

    /* Bad lists, refused. */
    REFUSED(f, 1, "--interacts-with", k, "set", "PRC-3", "--interacts-with", "PRC-3");
    REFUSED(f, 1, "--interacts-with", k, "set", "PRC-3", "--interacts-with", "PRC-1,PRC-9");
    REFUSED(f, 1, "--interacts-with", k, "set", "PRC-3", "--interacts-with", "PRC-1,PRC-1");
    REFUSED(f, 1, "--interacts-with", k, "set", "PRC-3", "--interacts-with", "ISS-1");
    /* A process in use cannot be retired; the message names the user. */
    REFUSED(f, 1, "PRC-3", k, "retire", "PRC-2", "--reason", "Merged");

    /* Changing the list moves the reverse links. */
    RUN(f, 0, k, "set", "PRC-3", "--interacts-with", "PRC-2");
    RUN(f, 0, k, "show", "PRC-1");
    OUT_LACKS(f, "Referred to by");
    assert_int_equal(json_array_size(json_object_get(show_json(f, k, "PRC-1"), "referred_to_by")),
                     0);
    RUN(f, 0, k, "set", "PRC-3", "--interacts-with", "");
    json_t *cleared = json_object_get(show_json(f, k, "PRC-3"), "interacts_with");
    assert_true(json_is_null(cleared) || json_array_size(cleared) == 0);
    RUN(f, 0, k, "retire", "PRC-2", "--reason", "Merged");
}

/* ============================================================================ */
/* Bad input: refused with the field named, the database unchanged              */
/* ============================================================================ */

typedef struct bad_case {
    int code;
    const char *names; /* on stderr */
    const char *const *args;
} bad_case;

static const bad_case BAD[] = {
    /* Usage errors: exit 2. */
    {2, "--bogus",
     ARGS("context-issue", "add", "--title", "t", "--origin", "internal", "--category", "legal",
          "--bogus", "x")},
    {2, "--bogus", ARGS("context-issue", "set", "ISS-1", "--bogus", "x")},
    {2, "--bogus", ARGS("context-issue", "show", "ISS-1", "--bogus")},
    {2, "--bogus", ARGS("context-issue", "retire", "ISS-1", "--reason", "r", "--bogus", "1")},
    {2, "--owner", ARGS("context-issue", "set", "ISS-1", "--owner", "PER-1", "--owner", "PER-1")},
    {2, "--if-version",
     ARGS("context-issue", "set", "ISS-1", "--owner", "PER-1", "--if-version", "two")},
    {2, "--if-version",
     ARGS("context-issue", "set", "ISS-1", "--owner", "PER-1", "--if-version", "0")},
    {2, "set", ARGS("context-issue", "set", "ISS-1")},
    {2, "ISS-1", ARGS("context-issue", "set")},
    {2, "REQ-1", ARGS("context-issue", "show", "REQ-1")},
    {2, "ISS-x", ARGS("context-issue", "retire", "ISS-x", "--reason", "r")},
    {2, "stray", ARGS("context-issue", "add", "stray", "--title", "t")},
    {2, "--title", ARGS("context-issue", "add", "--title")},
    {2, "--json", ARGS("context-issue", "list", "--json=yes")},
    {2, "--as", ARGS("--as", "", "context-issue", "set", "ISS-1", "--owner", "PER-1")},
    {2, "--as", ARGS("--as", "bad\nname", "context-issue", "set", "ISS-1", "--owner", "PER-1")},
    {2, "--id", ARGS("context-issue", "set", "ISS-1", "--id", "7")},
    {2, "--created-by", ARGS("context-issue", "set", "ISS-1", "--created-by", "x")},
    {2, "--origin-x", ARGS("interested-party", "add", "--title", "t", "--origin-x", "internal")},
    {2, "delete", ARGS("process", "remove", "PRC-1")},
    {2, "--bogus", ARGS("kinds", "--bogus")},
    /* Field errors: exit 1. */
    {1, "--origin",
     ARGS("context-issue", "add", "--title", "t", "--origin", "inside", "--category", "legal")},
    {1, "--origin",
     ARGS("context-issue", "add", "--title", "t", "--origin", "Internal", "--category", "legal")},
    {1, "--status", ARGS("context-issue", "set", "ISS-1", "--status", "gone")},
    {1, "--review-date", ARGS("context-issue", "set", "ISS-1", "--review-date", "2025-02-30")},
    {1, "--review-date", ARGS("context-issue", "set", "ISS-1", "--review-date", "31/12/2025")},
    {1, "--review-date", ARGS("context-issue", "set", "ISS-1", "--review-date", "2025-1-5")},
    {1, "--decided-on",
     ARGS("climate-decision", "add", "--title", "t", "--relevant", "true", "--reasoning", "r",
          "--decided-by", "b", "--decided-on", "tomorrow")},
    {1, "--relevant",
     ARGS("climate-decision", "add", "--title", "t", "--relevant", "yes please", "--reasoning", "r",
          "--decided-by", "b", "--decided-on", "2025-01-01")},
    {1, "--category", ARGS("context-issue", "add", "--title", "t", "--origin", "internal")},
    {1, "--title", ARGS("context-issue", "add", "--origin", "internal", "--category", "legal")},
    {1, "--title",
     ARGS("context-issue", "add", "--title", "   ", "--origin", "internal", "--category", "legal")},
    {1, "--title", ARGS("context-issue", "set", "ISS-1", "--title", "")},
    {1, "--title", ARGS("context-issue", "set", "ISS-1", "--title", "tab\tinside")},
    {1, "--title", ARGS("context-issue", "set", "ISS-1", "--title", "a\nb")},
    {1, "--title", ARGS("context-issue", "set", "ISS-1", "--title", "bad \xff utf-8")},
    {1, "--description", ARGS("context-issue", "set", "ISS-1", "--description", "bell\a")},
    {1, "--climate-related", ARGS("context-issue", "set", "ISS-1", "--climate-related", "maybe")},
    {1, "--party",
     ARGS("requirement", "add", "--title", "t", "--party", "IP-9", "--type", "legal", "--addressed",
          "yes", "--how-addressed", "x")},
    {1, "--party",
     ARGS("requirement", "add", "--title", "t", "--party", "ISS-1", "--type", "legal",
          "--addressed", "yes", "--how-addressed", "x")},
    {1, "--party",
     ARGS("requirement", "add", "--title", "t", "--type", "legal", "--addressed", "yes",
          "--how-addressed", "x")},
    {1, "--party", ARGS("requirement", "set", "REQ-1", "--party", "")},
    {1, "--party", ARGS("requirement", "set", "REQ-1", "--party", "IP-0")},
    {1, "--interacts-with",
     ARGS("process", "add", "--title", "t", "--owner", "PER-1", "--interacts-with", "PRC-7")},
    {1, "--owner", ARGS("process", "add", "--title", "t", "--owner", "")},
    /* Owners are people in force, named by their id. */
    {1, "--owner", ARGS("process", "add", "--title", "t", "--owner", "Ann Example")},
    {1, "PER-99 does not exist", ARGS("process", "add", "--title", "t", "--owner", "PER-99")},
    {1, "PER-2 is retired", ARGS("context-issue", "set", "ISS-1", "--owner", "PER-2")},
    {1, "--owner", ARGS("context-issue", "set", "ISS-1", "--owner", "ISS-1")},
    {1, "--owner", ARGS("interested-party", "set", "IP-1", "--owner", "PER-0")},
    /* People. */
    {1, "--name", ARGS("person", "add", "--job-title", "Clerk")},
    {1, "--name", ARGS("person", "add", "--name", " ")},
    {1, "--email", ARGS("person", "add", "--name", "Eve", "--email", "eve.example.com")},
    {1, "--email", ARGS("person", "add", "--name", "Eve", "--email", "eve@example")},
    {1, "--email", ARGS("person", "add", "--name", "Eve", "--email", "eve @example.com")},
    {1, "--email", ARGS("person", "set", "PER-1", "--email", "ann@@example.com")},
    {1, "their own manager", ARGS("person", "set", "PER-1", "--manager", "PER-1")},
    {1, "--manager", ARGS("person", "set", "PER-1", "--manager", "per-1")},
    {1, "PER-99 does not exist", ARGS("person", "add", "--name", "Eve", "--manager", "PER-99")},
    {1, "--manager", ARGS("person", "add", "--name", "Eve", "--manager", "Ann Example")},
    {1, "PER-2 is retired", ARGS("person", "add", "--name", "Eve", "--manager", "PER-2")},
    {1, "--top-management", ARGS("person", "set", "PER-1", "--top-management", "board")},
    {1, "PER-2 is retired", ARGS("person", "set", "PER-2", "--job-title", "Back again")},
    {1, "ISS-42", ARGS("context-issue", "set", "ISS-42", "--owner", "PER-1")},
    {1, "ISS-42", ARGS("context-issue", "show", "ISS-42")},
    {1, "ISS-42", ARGS("context-issue", "retire", "ISS-42", "--reason", "r")},
    {1, "REQ-42", ARGS("requirement", "set", "REQ-42", "--title", "x")},
    {1, "--reason", ARGS("interested-party", "retire", "IP-1", "--reason", "")},
};

static void seed_one_of_each(fx *f)
{
    add_person(f, "Ann Example", "PER-1");
    add_person(f, "Former Colleague", "PER-2");
    RUN(f, 0, "person", "retire", "PER-2", "--reason", "Left the company");
    add_issue(f, "Cloud dependency", "external", "ISS-1");
    add_party(f, "Regulator", "IP-1");
    RUN(f, 0, "requirement", "add", "--title", "Report breaches", "--party", "IP-1", "--type",
        "regulatory", "--addressed", "yes", "--how-addressed", "Incident process");
    add_decision(f, "Decision", "true", "CLD-1");
    RUN(f, 0, "scope-item", "add", "--title", "HQ", "--type", "site", "--inclusion", "included");
    add_process(f, "Risk assessment", "PRC-1");
}

static void test_bad_input_table(void **state)
{
    fx *f = *state;
    seed_one_of_each(f);
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        print_message("bad input case %zu\n", i);
        expect_refused(f, BAD[i].code, NULL, BAD[i].names, BAD[i].args, __FILE__, __LINE__);
    }
}

static void test_bad_input_lengths(void **state)
{
    fx *f = *state;
    seed_one_of_each(f);
    const char *k = "context-issue";
    /* Lengths count characters, not bytes. */
    REFUSED(f, 1, "--title", k, "set", "ISS-1", "--title", repeat(f, "t", 201));
    ERR_HAS(f, "201");
    ERR_HAS(f, "200");
    REFUSED(f, 1, "--title", k, "set", "ISS-1", "--title", repeat(f, "é", 201));
    RUN(f, 0, k, "set", "ISS-1", "--title", repeat(f, "é", 200));
    JSTR_EQ(show_json(f, k, "ISS-1"), "title", repeat(f, "é", 200));
    RUN(f, 0, k, "set", "ISS-1", "--title", repeat(f, "🙂", 200));
    REFUSED(f, 1, "--description", k, "set", "ISS-1", "--description", repeat(f, "d", 8001));
    RUN(f, 0, k, "set", "ISS-1", "--description", repeat(f, "d", 8000));
    REFUSED(f, 1, "--effect", k, "set", "ISS-1", "--effect", repeat(f, "e", 4001));
    REFUSED(f, 1, "--name", "person", "set", "PER-1", "--name", repeat(f, "n", 121));
    RUN(f, 0, "person", "set", "PER-1", "--name", repeat(f, "ñ", 120));
    REFUSED(f, 1, "--email", "person", "set", "PER-1", "--email",
            fmt(f, "%s@example.com", repeat(f, "e", 243)));
    RUN(f, 0, "person", "set", "PER-1", "--email", fmt(f, "%s@example.com", repeat(f, "e", 242)));
    REFUSED(f, 1, "--contact", "interested-party", "set", "IP-1", "--contact", repeat(f, "c", 201));
    REFUSED(f, 1, "--source", "requirement", "set", "REQ-1", "--source", repeat(f, "s", 301));
    REFUSED(f, 1, "--reason", k, "retire", "ISS-1", "--reason", repeat(f, "r", 1001));
    REFUSED(f, 2, "--as", "--as", repeat(f, "a", 65), k, "set", "ISS-1", "--owner", "PER-1");
    RUN_IN(f, "a password of a\n", NULL, 0, "user", "add", repeat(f, "a", 64), "--role", "manager",
           "--password-stdin", "--hash-cost", "test");
    RUN(f, 0, "--as", repeat(f, "a", 64), k, "set", "ISS-1", "--owner", "PER-1");

    /* Every problem at once, each naming its field. */
    REFUSED(f, 1, "--origin", k, "add", "--title", repeat(f, "t", 201), "--origin", "x",
            "--category", "y", "--review-date", "z", "--climate-related", "w");
    ERR_HAS(f, "--title");
    ERR_HAS(f, "--category");
    ERR_HAS(f, "--review-date");
    ERR_HAS(f, "--climate-related");
    /* Option names are shown as typed on the command line: kebab-case. */
    ERR_LACKS(f, "review_date");
}

static void test_json_errors(void **state)
{
    fx *f = *state;
    seed_one_of_each(f);
    const char *k = "context-issue";
    REFUSED(f, 1, NULL, "--json", k, "add", "--title", "t", "--origin", "inside", "--category",
            "nope", "--review-date", "2025-02-30");
    assert_int_equal(f->r.out_len, 0);
    json_t *j = JSON_ERR(f);
    assert_true(json_is_object(j));
    JSTR_EQ(j, "type", "invalid");
    assert_true(jstr(j, "title")[0] != '\0');
    assert_true(jstr(j, "detail")[0] != '\0');
    json_t *errors = json_object_get(j, "errors");
    assert_int_equal(json_array_size(errors), 3);
    bool seen[3] = {false, false, false};
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *field = jstr(e, "field");
        seen[0] |= strcmp(field, "origin") == 0;
        seen[1] |= strcmp(field, "category") == 0;
        seen[2] |= strcmp(field, "review_date") == 0;
        assert_true(jstr(e, "reason")[0] != '\0');
    }
    assert_true(seen[0] && seen[1] && seen[2]);

    REFUSED(f, 1, NULL, k, "show", "ISS-9", "--json");
    JSTR_EQ(JSON_ERR(f), "type", "not_found");
    REFUSED(f, 1, NULL, k, "list", "--limit", "0", "--json");
    JSTR_EQ(json_array_get(json_object_get(JSON_ERR(f), "errors"), 0), "field", "limit");
    REFUSED(f, 1, NULL, "scope-item", "delete", "SCP-1", "--json");
    JSTR_EQ(JSON_ERR(f), "type", "forbidden");
    REFUSED(f, 1, NULL, "climate-decision", "set", "CLD-1", "--title", "x", "--json");
    JSTR_EQ(JSON_ERR(f), "type", "conflict");

    /* Usage errors with --json are JSON too, naming the option. */
    REFUSED(f, 2, NULL, "--json", k, "add", "--title", "t", "--bogus", "x");
    assert_int_equal(f->r.out_len, 0);
    j = JSON_ERR(f);
    JSTR_EQ(j, "type", "usage");
    TEXT_HAS(jstr(j, "detail"), "--bogus");
    REFUSED(f, 2, NULL, "--json", k, "show", "ISS-1", "--nope");
    JSTR_EQ(JSON_ERR(f), "type", "usage");
}

/* ============================================================================ */
/* kinds, schema, actors, output fidelity                                       */
/* ============================================================================ */

static void test_kinds(void **state)
{
    fx *f = *state;
    RUN(f, 0, "kinds");
    for (size_t i = 0; i < NKINDS; i++) {
        OUT_HAS(f, fmt(f, "  %s ", KINDS[i].name));
        OUT_HAS(f, fmt(f, "%s-n", KINDS[i].prefix));
    }
    OUT_HAS(f, "4.1");
    OUT_HAS(f, "4.4");
    RUN(f, 0, "kinds", "--json");
    json_t *root = JSON_OUT(f);
    json_t *kinds = json_object_get(root, "kinds");
    assert_int_equal(json_array_size(kinds), NKINDS);
    for (size_t i = 0; i < NKINDS; i++) {
        json_t *k = json_array_get(kinds, i);
        JSTR_EQ(k, "name", KINDS[i].name);
        JSTR_EQ(k, "prefix", KINDS[i].prefix);
        assert_true(strchr("4568", jstr(k, "clause")[0]) != NULL);
        assert_true(jstr(k, "clause_title")[0] != '\0');
        assert_true(jstr(k, "label")[0] != '\0');
        json_t *fields = json_object_get(k, "fields");
        assert_true(json_is_array(fields));
        /* The first field is the title ("name" for people). */
        JSTR_EQ(json_array_get(fields, 0), "name",
                fmt(f, "%.*s", (int)strcspn(KINDS[i].fields, " "), KINDS[i].fields));
        size_t j;
        json_t *fd;
        json_array_foreach(fields, j, fd)
        {
            assert_true(jstr(fd, "name")[0] != '\0');
            assert_true(jstr(fd, "type")[0] != '\0');
            if (strcmp(jstr(fd, "type"), "enum") == 0)
                assert_true(json_array_size(json_object_get(fd, "values")) >= 2);
        }
    }
    json_t *cld = json_array_get(kinds, 1);
    assert_true(json_is_true(json_object_get(cld, "immutable")));
    assert_true(json_is_true(json_object_get(cld, "singleton")));
    /* kinds needs no database. */
    RUN_ENV(f, NO_DB_ENV, 0, "kinds");
}

static void test_schema(void **state)
{
    fx *f = *state;
    RUN_ENV(f, NO_DB_ENV, 0, "schema", "--sql");
    char *sql = hold(f, strdup(f->r.out));
    RUN(f, 0, "schema", "--db", f->db);
    char *described = hold(f, strdup(f->r.out));
    for (size_t i = 0; i < NKINDS; i++) {
        TEXT_HAS(sql, fmt(f, "CREATE TABLE \"%s\"", KINDS[i].table));
        TEXT_HAS(described, fmt(f, "table %s\n", KINDS[i].table));
    }
    TEXT_HAS(described, "table process__interacts_with\n");
    TEXT_HAS(described, "fk party -> interested_party");
    /* Every table the registry implies is in the database. */
    for (const char *p = strstr(sql, "CREATE TABLE \""); p; p = strstr(p + 1, "CREATE TABLE \"")) {
        const char *name = p + strlen("CREATE TABLE \"");
        const char *end = strchr(name, '"');
        assert_non_null(end);
        TEXT_HAS(described, fmt(f, "table %.*s\n", (int)(end - name), name));
    }
    RUN(f, 0, "schema"); /* the database from ISMS_DB */
    assert_string_equal(f->r.out, described);
    RUN_ENV(f, NO_DB_ENV, 2, "schema");
    RUN(f, 2, "schema", "--sql", "--bogus");
}

static void test_actor(void **state)
{
    fx *f = *state;
    const char *k = "context-issue";
    /* Changes are made by users (here managers), named with --as or ISMS_ACTOR. */
    static const char *const users[] = {"alice", "bob", "Carol Müller", "dave"};
    for (size_t i = 0; i < 4; i++)
        RUN_IN(f, "manager password\n", NULL, 0, "user", "add", users[i], "--role", "manager",
               "--password-stdin", "--hash-cost", "test");
    RUN(f, 0, "--as", "alice", k, "add", "--title", "Who did it", "--origin", "internal",
        "--category", "other");
    json_t *rec = show_json(f, k, "ISS-1");
    JSTR_EQ(rec, "created_by", "alice");
    JSTR_EQ(rec, "updated_by", "alice");
    const char *bob_env[] = {f->env_db, "ISMS_ACTOR=bob", NULL};
    add_person(f, "Bob Example", "PER-1");
    add_person(f, "Carol Müller", "PER-2");
    RUN_ENV(f, bob_env, 0, k, "set", "ISS-1", "--owner", "PER-1");
    rec = show_json(f, k, "ISS-1");
    JSTR_EQ(rec, "created_by", "alice");
    JSTR_EQ(rec, "updated_by", "bob");
    RUN_ENV(f, bob_env, 0, k, "set", "ISS-1", "--owner", "PER-2", "--as", "Carol Müller");
    RUN(f, 0, k, "show", "ISS-1");
    OUT_HAS(f, "by alice");
    OUT_HAS(f, "by Carol Müller");
    RUN(f, 0, k, "retire", "ISS-1", "--reason", "Done", "--as=dave");
    rec = show_json(f, k, "ISS-1");
    JSTR_EQ(rec, "retired_by", "dave");
    JSTR_EQ(rec, "created_by", "alice");
    /* Without --as or ISMS_ACTOR, the only administrator. */
    const char *no_actor[] = {f->env_db, "ISMS_ACTOR", NULL};
    RUN_ENV(f, no_actor, 0, k, "add", "--title", "Anonymous", "--origin", "internal", "--category",
            "other");
    JSTR_EQ(show_json(f, k, "ISS-2"), "created_by", "tester");
}

static void test_text_round_trip(void **state)
{
    fx *f = *state;
    const char *k = "context-issue";
    const char *title = "<script>alert(\"x&y\")</script> 'q' \\ é ✓ 🙂 %s %n";
    const char *description = "line 1\n\tline 2 <b>bold</b>\r\nline \"3\"\n";
    RUN(f, 0, k, "add", "--title", title, "--origin", "external", "--category", "other",
        "--description", description, "--json");
    JSTR_EQ(JSON_OUT(f), "title", title);
    json_t *rec = show_json(f, k, "ISS-1");
    JSTR_EQ(rec, "title", title);
    JSTR_EQ(rec, "description", description);
    json_t *items = list_items(f, ARGS(k, "list", "--json"), NULL);
    JSTR_EQ(json_array_get(items, 0), "title", title);
    RUN(f, 0, k, "show", "ISS-1");
    OUT_HAS(f, title);
    OUT_HAS(f, "<b>bold</b>");
    RUN(f, 0, k, "list");
    OUT_HAS(f, "<script>");
    assert_string_equal(LIST_IDS(f, k, "list", "--q", "<script>"), "ISS-1");
    /* A value that looks like an option is a value when given with '='. */
    RUN(f, 0, k, "set", "ISS-1", "--effect=--json");
    JSTR_EQ(show_json(f, k, "ISS-1"), "effect", "--json");
    /* stdin is not read: a command with input waiting still ends. */
    run_result_free(&f->r);
    assert_int_equal(run_isms(ARGS(k, "list"), "some input\n", f->env, &f->r), 0);
    TEXT_HAS(f->r.out, "ISS-1");
}

/* ============================================================================ */
/* users and tokens                                                             */
/* ============================================================================ */

/* `isms user list --json` as it is now (for "nothing changed" checks). */
static char *users_json(fx *f)
{
    RUN(f, 0, "user", "list", "--json");
    return hold(f, strdup(f->r.out));
}

static void test_users(void **state)
{
    fx *f = *state;
    const char *pw = "a good password\n";
    char *before = users_json(f);
    /* Bad input: a clear error naming the field, nothing written. */
    REFUSED_IN(f, pw, 1, "--role", "user", "add", "vera", "--password-stdin", "--hash-cost",
               "test");
    REFUSED_IN(f, pw, 1, "boss", "user", "add", "vera", "--role", "viewer,boss",
               "--password-stdin", "--hash-cost", "test");
    REFUSED_IN(f, "short\n", 1, "--password", "user", "add", "vera", "--role", "viewer",
               "--password-stdin", "--hash-cost", "test");
    REFUSED_IN(f, pw, 1, "PER-1 does not exist", "user", "add", "vera", "--role", "viewer",
               "--person", "PER-1", "--password-stdin", "--hash-cost", "test");
    REFUSED_IN(f, pw, 1, "--person", "user", "add", "vera", "--role", "viewer", "--person",
               "ISS-1", "--password-stdin", "--hash-cost", "test");
    REFUSED_IN(f, pw, 1, "already", "user", "add", "TESTER", "--role", "viewer",
               "--password-stdin", "--hash-cost", "test");
    REFUSED_IN(f, pw, 1, "--name", "user", "add", " vera", "--role", "viewer",
               "--password-stdin", "--hash-cost", "test");
    REFUSED_IN(f, "", 2, "--password-stdin", "user", "add", "vera", "--role", "viewer",
               "--password-stdin", "--hash-cost", "test");
    REFUSED(f, 2, "--password-stdin", "user", "add", "vera", "--role", "viewer");
    REFUSED_IN(f, pw, 2, "--hash-cost", "user", "add", "vera", "--role", "viewer",
               "--password-stdin", "--hash-cost", "cheap");
    REFUSED(f, 2, "verb", "user", "remove", "vera");
    assert_string_equal(users_json(f), before);
    /* Added, listed. */
    RUN_IN(f, pw, NULL, 0, "user", "add", "vera", "--role", "viewer", "--password-stdin",
           "--hash-cost", "test");
    OUT_HAS(f, "Added user vera (roles: viewer)");
    RUN(f, 0, "user", "list");
    OUT_HAS(f, "vera");
    OUT_HAS(f, "admin, manager");
    /* A viewer reads and cannot write; the refusal names the role needed. */
    const char *vera[] = {f->env_db, "ISMS_ACTOR=vera", NULL};
    RUN_ENV(f, vera, 0, "context-issue", "list");
    RUN_ENV(f, vera, 1, "context-issue", "add", "--title", "t", "--origin", "internal",
            "--category", "legal");
    ERR_HAS(f, "manager or contributor");
    RUN_ENV(f, vera, 1, "user", "list");
    ERR_HAS(f, "admin role");
    RUN_ENV(f, vera, 1, "user", "set", "tester", "--role", "viewer");
    /* Anyone may set their own password. */
    RUN_IN(f, "vera's new password\n", vera, 0, "user", "set", "vera", "--password-stdin",
           "--hash-cost", "test");
    /* The person a user is: one in force; "" unlinks. */
    add_person(f, "Vera Example", "PER-1");
    add_person(f, "Someone Else", "PER-2");
    add_person(f, "Gone Person", "PER-3");
    RUN(f, 0, "person", "retire", "PER-3", "--reason", "Left");
    before = users_json(f);
    REFUSED(f, 1, "PER-3 is retired", "user", "set", "vera", "--person", "PER-3");
    REFUSED(f, 1, "PER-9 does not exist", "user", "set", "vera", "--person", "PER-9");
    assert_string_equal(users_json(f), before);
    RUN(f, 0, "user", "set", "vera", "--person", "PER-2");
    RUN(f, 0, "user", "set", "vera", "--person", "");
    RUN(f, 0, "user", "list", "--json");
    json_t *vera_json = json_array_get(json_object_get(JSON_OUT(f), "items"), 1);
    assert_true(json_is_null(json_object_get(vera_json, "person")));
    RUN(f, 0, "user", "set", "vera", "--person", "PER-1");
    RUN(f, 0, "user", "list");
    OUT_HAS(f, "PER-1 Vera Example");
    /* A contributor changes records whose owner is their person ... */
    RUN(f, 0, "user", "set", "vera", "--role", "contributor");
    RUN_ENV(f, vera, 0, "context-issue", "add", "--title", "Vera's", "--origin", "internal",
            "--category", "legal", "--owner", "PER-1");
    RUN(f, 0, "context-issue", "add", "--title", "Tester's", "--origin", "internal",
        "--category", "legal", "--owner", "PER-1");
    RUN(f, 0, "context-issue", "add", "--title", "Someone's", "--origin", "internal",
        "--category", "legal", "--owner", "PER-2");
    RUN_ENV(f, vera, 0, "context-issue", "set", "ISS-1", "--status", "monitored");
    RUN_ENV(f, vera, 0, "context-issue", "set", "ISS-2", "--status", "monitored");
    RUN_ENV(f, vera, 1, "context-issue", "set", "ISS-3", "--status", "monitored");
    ERR_HAS(f, "owned by someone else");
    /* ... not one they gave away, nor one without an owner ... */
    RUN_ENV(f, vera, 0, "context-issue", "set", "ISS-1", "--owner", "PER-2");
    RUN_ENV(f, vera, 1, "context-issue", "set", "ISS-1", "--status", "active");
    ERR_HAS(f, "owned by someone else");
    RUN_ENV(f, vera, 0, "context-issue", "add", "--title", "Nobody's", "--origin", "internal",
            "--category", "legal");
    RUN_ENV(f, vera, 1, "context-issue", "set", "ISS-4", "--status", "monitored");
    /* ... and, of a kind without an owner (people), those they created. */
    RUN_ENV(f, vera, 0, "person", "add", "--name", "Vera's colleague");
    RUN_ENV(f, vera, 0, "person", "set", "PER-4", "--department", "Finance");
    RUN_ENV(f, vera, 1, "person", "set", "PER-2", "--department", "Finance");
    ERR_HAS(f, "created by tester");
    /* The last administrator stays. */
    REFUSED(f, 1, "only enabled administrator", "user", "disable", "tester");
    REFUSED(f, 1, "only enabled administrator", "user", "set", "tester", "--role", "manager");
    /* Acting users: unknown, disabled, several administrators. */
    const char *nobody[] = {f->env_db, "ISMS_ACTOR=nobody", NULL};
    RUN_ENV(f, nobody, 1, "context-issue", "list");
    ERR_HAS(f, "no user 'nobody'");
    RUN(f, 0, "user", "disable", "vera");
    RUN_ENV(f, vera, 1, "context-issue", "list");
    ERR_HAS(f, "disabled");
    RUN(f, 0, "user", "set", "vera", "--enable");
    RUN_ENV(f, vera, 0, "context-issue", "list");
    RUN_IN(f, pw, NULL, 0, "user", "add", "second", "--role", "admin", "--password-stdin",
           "--hash-cost", "test");
    const char *no_actor[] = {f->env_db, "ISMS_ACTOR", NULL};
    RUN_ENV(f, no_actor, 1, "context-issue", "list");
    ERR_HAS(f, "several administrators");
    RUN(f, 0, "user", "list", "--json");
    json_t *items = json_object_get(JSON_OUT(f), "items");
    assert_int_equal(json_array_size(items), 3);
}

static void test_tokens(void **state)
{
    fx *f = *state;
    RUN_IN(f, "a good password\n", NULL, 0, "user", "add", "vera", "--role", "viewer",
           "--password-stdin", "--hash-cost", "test");
    /* The token alone on stdout, once. */
    RUN(f, 0, "token", "create", "--label", "ci job");
    size_t len = strcspn(f->r.out, "\n");
    assert_int_equal(len, 48);
    assert_int_equal(strncmp(f->r.out, "isms_", 5), 0);
    assert_string_equal(f->r.out + len, "\n");
    char *token = hold(f, strndup(f->r.out, len));
    RUN(f, 0, "token", "list");
    OUT_HAS(f, "ci job");
    OUT_HAS(f, "in force");
    assert_null(strstr(f->r.out, token));
    RUN(f, 0, "token", "create", "--user", "vera", "--role", "viewer", "--expires", "2999-12-31");
    RUN(f, 0, "--json", "token", "list", "--all");
    json_t *items = json_object_get(JSON_OUT(f), "items");
    assert_int_equal(json_array_size(items), 2);
    JSTR_EQ(json_array_get(items, 0), "user", "vera");
    JSTR_EQ(json_array_get(items, 0), "expires_at", "2999-12-31T00:00:00.000Z");
    /* Bad input names the field; nothing is written. */
    REFUSED(f, 1, "--expires", "token", "create", "--expires", "2001-01-01");
    REFUSED(f, 1, "--expires", "token", "create", "--expires", "soon");
    REFUSED(f, 1, "--role", "token", "create", "--user", "vera", "--role", "manager");
    REFUSED(f, 1, "--user", "token", "create", "--user", "nobody");
    REFUSED(f, 2, "token id", "token", "revoke", "x");
    REFUSED(f, 1, "no such API token", "token", "revoke", "99");
    /* Others' tokens are the administrator's business. */
    const char *vera[] = {f->env_db, "ISMS_ACTOR=vera", NULL};
    RUN_ENV(f, vera, 1, "token", "create", "--user", "tester");
    ERR_HAS(f, "admin role");
    RUN_ENV(f, vera, 1, "token", "revoke", "1");
    ERR_HAS(f, "no such API token");
    RUN_ENV(f, vera, 0, "token", "list");
    OUT_HAS(f, "vera");
    assert_null(strstr(f->r.out, "ci job"));
    RUN_ENV(f, vera, 0, "token", "revoke", "2");
    RUN(f, 0, "token", "revoke", "1");
    OUT_HAS(f, "Revoked token 1");
    RUN(f, 0, "token", "list", "--all");
    OUT_HAS(f, "revoked");
}

/* The code of a base32 secret now. */
static void totp_now(const char *secret, char out[9])
{
    unsigned char key[TOTP_KEY_MAX];
    size_t len;
    assert_true(totp_secret_decode(secret, key, &len));
    assert_true(totp_generate(key, len, (int64_t)time(NULL), 6, out));
}

static void test_user_totp(void **state)
{
    fx *f = *state;
    RUN_IN(f, "a good password\n", NULL, 0, "user", "add", "vera", "--role", "viewer",
           "--password-stdin", "--hash-cost", "test");
    RUN(f, 0, "user", "totp", "--help");
    OUT_HAS(f, "signing act");
    RUN(f, 0, "user", "totp", "status");
    OUT_HAS(f, "tester  off");
    /* Enrolment: the key and the link; the first code finishes it. */
    RUN(f, 0, "--json", "user", "totp", "enrol");
    json_t *j = JSON_OUT(f);
    char *secret = hold(f, strdup(jstr(j, "secret")));
    assert_int_equal(strlen(secret), 32);
    TEXT_HAS(jstr(j, "uri"), "otpauth://totp/isms:tester?secret=");
    RUN(f, 0, "user", "totp", "status");
    OUT_HAS(f, "pending");
    char code[9], line[16];
    totp_now(secret, code);
    snprintf(line, sizeof(line), "%06d\n", (atoi(code) + 500000) % 1000000);
    REFUSED_IN(f, line, 1, "--code", "user", "totp", "confirm");
    snprintf(line, sizeof(line), "%s\n", code);
    RUN_IN(f, line, NULL, 0, "user", "totp", "confirm");
    OUT_HAS(f, "not shown again");
    char *recovery = hold(f, strndup(strstr(f->r.out, "\n  ") + 3, TOTP_RECOVERY_TEXT));
    RUN(f, 0, "user", "totp", "status");
    OUT_HAS(f, "tester  on");
    OUT_HAS(f, "10");
    REFUSED(f, 1, "disable it first", "user", "totp", "enrol");
    /* Others' second factors are the administrator's business. */
    const char *vera[] = {f->env_db, "ISMS_ACTOR=vera", NULL};
    RUN_ENV(f, vera, 1, "user", "totp", "disable", "tester", "--password-stdin");
    ERR_HAS(f, "admin role");
    RUN_ENV(f, vera, 1, "user", "totp", "require", "on");
    ERR_HAS(f, "admin role");
    RUN_ENV(f, vera, 0, "user", "totp", "status");
    OUT_HAS(f, "vera");
    OUT_LACKS(f, "tester");
    /* Turning it off is a signing act: the password and a code (here a recovery code). */
    REFUSED(f, 2, "signing act", "user", "totp", "disable");
    REFUSED_IN(f, TESTER_PASSWORD "\n", 2, "second factor", "user", "totp", "disable",
               "--password-stdin");
    char input[128];
    snprintf(input, sizeof(input), "wrong password\n%s\n", recovery);
    /* A failed signing is an authentication event: the file changes, the second factor stays. */
    RUN_IN(f, input, NULL, 1, "user", "totp", "disable", "--password-stdin");
    ERR_HAS(f, "--password: is not the password of tester");
    snprintf(input, sizeof(input), "%s\n%s\n", TESTER_PASSWORD, recovery);
    RUN_IN(f, input, NULL, 0, "user", "totp", "disable", "--password-stdin");
    OUT_HAS(f, "is off");
    RUN(f, 0, "user", "totp", "status");
    OUT_HAS(f, "tester  off");
    /* The recovery code was used: it does not work twice (enrol again to try). */
    RUN(f, 0, "--json", "user", "totp", "enrol");
    secret = hold(f, strdup(jstr(JSON_OUT(f), "secret")));
    totp_now(secret, code);
    snprintf(line, sizeof(line), "%s\n", code);
    RUN_IN(f, line, NULL, 0, "user", "totp", "confirm", "tester");
    snprintf(input, sizeof(input), "%s\n%s\n", TESTER_PASSWORD, recovery);
    RUN_IN(f, input, NULL, 1, "user", "totp", "disable", "--password-stdin");
    ERR_HAS(f, "--code: is not a valid code");
    /* The administrator requires a second factor of everyone. */
    RUN(f, 0, "user", "totp", "require", "on");
    RUN(f, 0, "--json", "user", "totp", "status", "vera");
    assert_true(json_is_true(json_object_get(JSON_OUT(f), "required")));
    REFUSED(f, 2, "on or off", "user", "totp", "require", "maybe");
}


/* ============================================================================ */
/* CSV import and export (docs/IMPORT-EXPORT.md)                                */
/* ============================================================================ */

/* Write text to a file of the test's directory; returns its path. */
static const char *put_file(fx *f, const char *name, const char *text)
{
    const char *path = fmt(f, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    return path;
}

/* As put_file, for bytes that may hold a NUL. */
static const char *put_bytes(fx *f, const char *name, const char *bytes, size_t len)
{
    const char *path = fmt(f, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return path;
}

/* How many entries the change log holds (records written, whatever the kind). */
static size_t log_entries(fx *f)
{
    RUN(f, 0, "log", "list", "--json", "--limit", "1000");
    json_t *j = JSON_OUT(f);
    json_t *items = json_is_array(j) ? j : json_object_get(j, "items");
    return json_array_size(items);
}

static void seed_for_export(fx *f)
{
    add_person(f, "Ann, \"the\" Boss", "PER-1");
    RUN(f, 0, "person", "add", "--name", "=HYPERLINK(\"x\")", "--manager", "PER-1");
    RUN(f, 0, "context-issue", "add", "--title", "Grüße, naïve – ünïcode", "--origin", "internal",
        "--category", "legal", "--description", "two\nlines", "--owner", "PER-2",
        "--climate-related", "true", "--review-date", "2027-01-02");
    RUN(f, 0, "context-issue", "add", "--title", "-5 and '+x", "--origin", "external",
        "--category", "other", "--effect", "@SUM(A1)");
}

static void test_export_csv(void **state)
{
    fx *f = *state;
    seed_for_export(f);
    RUN(f, 0, "context-issue", "export");
    OUT_HAS(f, "id,title,origin,category,description,effect,climate_related,owner,status,"
               "review_date\r\n");
    OUT_HAS(f, "ISS-1,\"Grüße, naïve – ünïcode\",internal,legal,\"two\nlines\",,true,PER-2,"
               "open,2027-01-02\r\n");
    /* the formula guard: a leading ' before = + - @ */
    OUT_HAS(f, "ISS-2,\"'-5 and '+x\",external,other,,\"'@SUM(A1)\",");
    RUN(f, 0, "person", "export");
    OUT_HAS(f, "PER-1,\"Ann, \"\"the\"\" Boss\",,Information security");
    OUT_HAS(f, "PER-2,\"'=HYPERLINK(\"\"x\"\")\",");
    /* retired records only with --retired */
    RUN(f, 0, "context-issue", "retire", "ISS-2", "--reason", "gone");
    RUN(f, 0, "context-issue", "export");
    OUT_LACKS(f, "ISS-2");
    RUN(f, 0, "context-issue", "export", "--retired", "--output", fmt(f, "%s/r.csv", f->dir));
    size_t len = 0;
    char *text = read_file(fmt(f, "%s/r.csv", f->dir), &len);
    TEXT_HAS(text, "ISS-2,");
    free(text);
    RUN(f, 0, "context-issue", "export", "--format", "xlsx", "--output", fmt(f, "%s/x.xlsx", f->dir));
    text = read_file(fmt(f, "%s/x.xlsx", f->dir), &len);
    assert_non_null(text);
    assert_true(len > 100 && memcmp(text, "PK", 2) == 0); /* a zip file */
    free(text);
    REFUSED(f, 2, "--output", "context-issue", "export", "--format", "xlsx");
    REFUSED(f, 2, "--format", "context-issue", "export", "--format", "pdf");
}

/* An export imported into a new ISMS gives the same records, and exports the same bytes. */
static void test_import_round_trip(void **state)
{
    fx *f = *state;
    seed_for_export(f);
    RUN(f, 0, "person", "export");
    const char *people = put_file(f, "people.csv", f->r.out);
    RUN(f, 0, "context-issue", "export");
    char *issues_text = hold(f, strdup(f->r.out));
    const char *issues = put_file(f, "issues.csv", issues_text);
    /* into the same ISMS: nothing changes */
    RUN(f, 0, "context-issue", "import", issues, "--apply");
    OUT_HAS(f, "0 created, 0 updated, 2 unchanged");
    /* into a new one */
    const char *db2 = fmt(f, "%s/two.db", f->dir);
    RUN_IN(f, TESTER_PASSWORD "\n", NO_DB_ENV, 0, "init", "--db", db2, "--admin", "tester",
           "--password-stdin", "--hash-cost", "test");
    const char *env2[] = {fmt(f, "ISMS_DB=%s", db2), "ISMS_ACTOR=tester", NULL};
    RUN_ENV(f, env2, 0, "person", "import", people, "--apply");
    OUT_HAS(f, "imported: 2 created, 0 updated, 0 unchanged");
    RUN_ENV(f, env2, 0, "context-issue", "import", issues, "--apply");
    RUN_ENV(f, env2, 0, "context-issue", "export");
    assert_string_equal(f->r.out, issues_text);
    /* each row is in the change log, through the channel "import" */
    RUN_ENV(f, env2, 0, "log", "list", "--json");
    TEXT_HAS(f->r.out, "\"import\"");
}

/* The spreadsheet column letter (A..Z) of a column named in a CSV's header row. */
static char csv_column_letter(const char *csv, const char *name)
{
    size_t len = strlen(name), col = 0;
    for (const char *p = csv; *p && *p != '\r' && *p != '\n'; col++) {
        size_t n = strcspn(p, ",\r\n");
        if (n == len && strncmp(p, name, len) == 0) {
            assert_true(col < 26);
            return (char)('A' + col);
        }
        p += n + (p[n] == ',');
    }
    fail_msg("no column %s", name);
    return '?';
}

/* One part of a zip file (an XLSX), as `unzip -p` prints it; held by the fixture. */
static const char *unzip_part(fx *f, const char *zip, const char *part)
{
    FILE *p = popen(fmt(f, "unzip -p '%s' '%s'", zip, part), "r");
    assert_non_null(p);
    strbuf b;
    strbuf_init(&b, 1u << 20);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;)
        strbuf_add(&b, buf, n);
    assert_int_equal(pclose(p), 0);
    char *text = hold(f, strdup(b.ptr ? b.ptr : ""));
    strbuf_dispose(&b);
    return text;
}

static void seed_risks(fx *f)
{
    add_person(f, "Ann Owner", "PER-1");
    RUN(f, 0, "risk", "add", "--title", "Laptop theft", "--owner", "PER-1", "--likelihood", "4",
        "--impact", "5", "--residual-likelihood", "2", "--residual-impact", "3", "--treatment",
        "modify", "--controls", "5.15, 8.24", "--review-date", "2099-12-31", "--description",
        "A \"stolen\" laptop,\nunencrypted");
    RUN(f, 0, "risk", "add", "--title", "=Flood", "--owner", "PER-1", "--likelihood", "1",
        "--impact", "2");
    RUN(f, 0, "risk-action", "add", "--title", "Encrypt disks", "--owner", "PER-1",
        "--due-date", "2099-01-31", "--risks", "RSK-1", "--controls", "8.24");
}

/* The risk workbook: its four sheets, the register and actions, the method in force
 * with its matrix, and the counts of the heat maps. */
static void test_risk_workbook(void **state)
{
    fx *f = *state;
    seed_risks(f);
    const char *book = fmt(f, "%s/risks.xlsx", f->dir);
    RUN(f, 0, "risk", "export", "--format", "xlsx", "--output", book);
    const char *wb = unzip_part(f, book, "xl/workbook.xml");
    TEXT_HAS(wb, "<sheet name=\"register\" sheetId=\"1\"");
    TEXT_HAS(wb, "<sheet name=\"actions\" sheetId=\"2\"");
    TEXT_HAS(wb, "<sheet name=\"method\" sheetId=\"3\"");
    TEXT_HAS(wb, "<sheet name=\"heat map counts\" sheetId=\"4\"");
    const char *reg = unzip_part(f, book, "xl/worksheets/sheet1.xml");
    TEXT_HAS(reg, "<c r=\"A2\" t=\"inlineStr\"><is><t>RSK-1</t></is></c>"
                  "<c r=\"B2\" t=\"inlineStr\"><is><t>Laptop theft</t></is></c>");
    TEXT_HAS(reg, "<t>RSK-2</t>");
    TEXT_HAS(reg, "<t>=Flood</t>"); /* a string cell, never a formula */
    /* whole-number fields are numbers (no t="s" nor t="inlineStr"), the header stays text */
    RUN(f, 0, "risk", "export");
    const char *likelihood = fmt(f, "%c", csv_column_letter(f->r.out, "likelihood"));
    TEXT_HAS(reg, fmt(f, "<c r=\"%s1\" s=\"1\" t=\"inlineStr\"><is><t>likelihood</t>",
                      likelihood));
    TEXT_HAS(reg, fmt(f, "<c r=\"%s2\"><v>4</v></c>", likelihood));
    TEXT_HAS(reg, fmt(f, "<c r=\"%s3\"><v>1</v></c>", likelihood));
    const char *act = unzip_part(f, book, "xl/worksheets/sheet2.xml");
    TEXT_HAS(act, "<t>RTA-1</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>Encrypt disks</t>");
    const char *method = unzip_part(f, book, "xl/worksheets/sheet3.xml");
    /* the default 5 x 5 method: scales, levels, then the matrix, highest likelihood first */
    TEXT_HAS(method, "<c r=\"A2\" t=\"inlineStr\"><is><t>likelihood</t></is></c>"
                     "<c r=\"B2\"><v>1</v></c>"
                     "<c r=\"C2\" t=\"inlineStr\"><is><t>Rare</t>");
    TEXT_HAS(method, "<t>likelihood \\ impact</t>");
    TEXT_HAS(method, "<t>matrix</t>");
    TEXT_HAS(method, " s=\"2\" t=\"inlineStr\"><is><t>#"); /* a level's colour, filled */
    const char *heat = unzip_part(f, book, "xl/worksheets/sheet4.xml");
    /* RSK-1 is current (4, 5) and residual (2, 3); RSK-2 current (1, 2), no residual */
    RUN(f, 0, "--json", "risk", "show", "RSK-1");
    json_t *risk = JSON_OUT(f);
    const char *level = json_string_value(json_object_get(risk, "level_label"));
    assert_non_null(level);
    TEXT_HAS(heat, "<t>current</t></is></c><c r=\"B");
    /* likelihood, impact, level and the counts are numbers */
    const char *cell45 = fmt(f, "<t>current</t></is></c><c r=\"B%d\"><v>4</v></c>", 2 + 3 * 5 + 4);
    TEXT_HAS(heat, cell45);
    TEXT_HAS(heat, fmt(f, "<c r=\"D%d\"><v>5</v></c>", 2 + 3 * 5 + 4));
    const char *count45 = fmt(f, "<c r=\"H%d\"><v>1</v></c>", 2 + 3 * 5 + 4);
    TEXT_HAS(heat, count45);
    const char *count11 = fmt(f, "<c r=\"H2\"><v>0</v></c>");
    TEXT_HAS(heat, count11);
    const char *residual23 = fmt(f, "<t>residual</t></is></c><c r=\"B%d\"", 2 + 25 + 1 * 5 + 2);
    TEXT_HAS(heat, residual23);
    TEXT_HAS(heat, fmt(f, "<c r=\"H%d\"><v>1</v></c>", 2 + 25 + 1 * 5 + 2));
    assert_null(strstr(heat, "<c r=\"H2\" t=")); /* a count is never text */
    TEXT_HAS(heat, fmt(f, "<t>%s</t>", level));
}

/* The risks' CSV imports into a new ISMS (same people, same method) and exports the same bytes. */
static void test_risk_round_trip(void **state)
{
    fx *f = *state;
    seed_risks(f);
    RUN(f, 0, "person", "export");
    const char *people = put_file(f, "people.csv", f->r.out);
    RUN(f, 0, "risk", "export");
    char *risks_text = hold(f, strdup(f->r.out));
    TEXT_HAS(risks_text, "\"'=Flood\""); /* the formula guard, removed on import */
    const char *risks = put_file(f, "risks.csv", risks_text);
    const char *db2 = fmt(f, "%s/two.db", f->dir);
    RUN_IN(f, TESTER_PASSWORD "\n", NO_DB_ENV, 0, "init", "--db", db2, "--admin", "tester",
           "--password-stdin", "--hash-cost", "test");
    const char *env2[] = {fmt(f, "ISMS_DB=%s", db2), "ISMS_ACTOR=tester", NULL};
    RUN_ENV(f, env2, 0, "person", "import", people, "--apply");
    RUN_ENV(f, env2, 0, "risk", "import", risks, "--apply");
    OUT_HAS(f, "imported: 2 created, 0 updated, 0 unchanged");
    RUN_ENV(f, env2, 0, "risk", "export");
    assert_string_equal(f->r.out, risks_text);
    /* and again into the same ISMS: nothing changes */
    RUN_ENV(f, env2, 0, "risk", "import", risks, "--apply");
    OUT_HAS(f, "0 created, 0 updated, 2 unchanged");
}

static void test_import_dry_run_writes_nothing(void **state)
{
    fx *f = *state;
    add_person(f, "Ann", "PER-1");
    const char *csv = put_file(f, "new.csv",
                               "title,origin,category,owner\r\nOne,internal,legal,PER-1\r\n"
                               "Two,external,other,\r\n");
    size_t entries = log_entries(f);
    snap s = snap_take(f, "context-issue");
    RUN(f, 0, "context-issue", "import", csv);
    OUT_HAS(f, "dry run: 2 rows would be created, 0 updated");
    snap_check(f, &s, __FILE__, __LINE__);
    assert_int_equal(log_entries(f), entries);
    RUN(f, 0, "context-issue", "import", csv, "--apply");
    OUT_HAS(f, "imported: 2 created");
    assert_int_equal(log_entries(f), entries + 2);
    assert_string_equal(LIST_IDS(f, "context-issue", "list"), "ISS-1,ISS-2");
}

static void test_import_bad_rows(void **state)
{
    fx *f = *state;
    add_person(f, "Ann", "PER-1");
    const char *csv = put_file(f, "bad.csv",
                               "TITLE,Origin,category,Owner,Review-Date\n"
                               "A,internal,legal,PER-99,2027-01-01\n"
                               "B,inside,legal,,\n"
                               "Good,external,other,PER-1,\n"
                               "C,external,other,PER-1,2027-13-01\n"
                               ",external,other,,\n");
    REFUSED_LIST(f, 1, "context-issue", NULL, "context-issue", "import", csv, "--apply");
    ERR_HAS(f, "row 2, column Owner: PER-99");
    ERR_HAS(f, "row 3, column Origin: ");
    ERR_HAS(f, "row 5, column Review-Date: ");
    ERR_HAS(f, "row 6, column TITLE: ");
    ERR_LACKS(f, "row 4");
    ERR_HAS(f, "4 bad rows");
    /* the dry run reports the same, as JSON too */
    REFUSED_LIST(f, 1, "context-issue", NULL, "context-issue", "import", csv, "--json");
    json_t *j = JSON_OUT(f);
    assert_int_equal(json_array_size(json_object_get(j, "bad")), 4);
    assert_true(json_is_false(json_object_get(j, "applied")));
    assert_int_equal(json_integer_value(json_object_get(j, "created")), 1);
}

static void test_import_header_rules(void **state)
{
    fx *f = *state;
    const char *unknown = put_file(f, "u.csv", "title,origin,category,colour\nA,internal,legal,red\n");
    REFUSED_LIST(f, 1, "context-issue", "row 1, column colour", "context-issue", "import", unknown,
                 "--apply");
    const char *twice = put_file(f, "t.csv", "title,Title,origin,category\nA,B,internal,legal\n");
    REFUSED_LIST(f, 1, "context-issue", "given twice", "context-issue", "import", twice);
    const char *missing = put_file(f, "m.csv", "title,origin\nA,internal\n");
    REFUSED_LIST(f, 1, "context-issue", "row 1, column category", "context-issue", "import",
                 missing);
    const char *cells = put_file(f, "c.csv", "title,origin,category\nA,internal\n");
    REFUSED_LIST(f, 1, "context-issue", "row 2: ", "context-issue", "import", cells);
    const char *broken = put_file(f, "b.csv", "title,origin,category\n\"A,internal,legal\n");
    REFUSED_LIST(f, 1, "context-issue", "not valid CSV", "context-issue", "import", broken);
    REFUSED(f, 1, "cannot read", "context-issue", "import", fmt(f, "%s/none.csv", f->dir));
    /* labels and names in any case, BOM, spaces and derived columns ignored */
    const char *odd = put_file(f, "o.csv",
                               "\xEF\xBB\xBFTITLE, ORIGIN ,Category,climate related\n"
                               "Ünïcode ✓,external,other,false\n");
    RUN(f, 0, "context-issue", "import", odd, "--apply");
    json_t *rec = show_json(f, "context-issue", "ISS-1");
    JSTR_EQ(rec, "title", "Ünïcode ✓");
    /* an update through the id column changes only what differs */
    const char *upd = put_file(f, "upd.csv", "id,title,origin,category\niss-1,Renamed,external,other\n");
    RUN(f, 0, "context-issue", "import", upd, "--apply");
    OUT_HAS(f, "0 created, 1 updated");
    assert_int_equal(version_of(f, "context-issue", "ISS-1"), 2);
    const char *badid = put_file(f, "bi.csv", "id,title,origin,category\nREQ-1,X,external,other\n");
    REFUSED_LIST(f, 1, "context-issue", "row 2, column id", "context-issue", "import", badid);
}

/*
 * Found by fuzzing the import (tests/fuzz/fuzz_import.c): a NUL byte cut a
 * cell short silently, and an error quoting bytes that are not UTF-8 vanished
 * from the JSON answer (jansson refuses such strings).
 */
static void test_import_nul_and_invalid_utf8(void **state)
{
    fx *f = *state;
    static const char nul[] = "title,origin,category\nA\0B,internal,legal\nGood,external,other\n";
    const char *csv = put_bytes(f, "nul.csv", nul, sizeof(nul) - 1);
    REFUSED_LIST(f, 1, "context-issue", "row 2, column title: cell 1 holds a NUL byte",
                 "context-issue", "import", csv, "--apply");
    ERR_LACKS(f, "row 3");
    const char *bad = put_file(f, "bad8.csv", "\xff\xfetitle,origin,category\nA,internal,legal\n");
    REFUSED_LIST(f, 1, "context-issue", NULL, "context-issue", "import", bad, "--json");
    json_t *j = JSON_OUT(f);
    json_t *errs = json_object_get(j, "bad");
    assert_int_equal(json_array_size(errs), 1);
    JSTR_EQ(json_array_get(errs, 0), "column", "??title");
}

/* A row with too many cells is a bad row, counted among the rows; a header like it reads nothing. */
static void test_import_row_too_long(void **state)
{
    fx *f = *state;
    char row[2000] = "";
    for (int i = 0; i < 300; i++)
        strcat(row, "x,");
    char text[2600];
    snprintf(text, sizeof(text), "title,origin,category\nA,internal,legal\n%s\n", row);
    const char *csv = put_file(f, "long.csv", text);
    REFUSED_LIST(f, 1, "context-issue", "the row is longer than", "context-issue", "import", csv);
    ERR_HAS(f, "row 3");
    REFUSED_LIST(f, 1, "context-issue", NULL, "context-issue", "import", csv, "--json");
    json_t *j = JSON_OUT(f);
    assert_int_equal(json_integer_value(json_object_get(j, "rows")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "bad_rows")), 1);
    snprintf(text, sizeof(text), "%s\nA,internal,legal\n", row);
    csv = put_file(f, "longhead.csv", text);
    REFUSED_LIST(f, 1, "context-issue", NULL, "context-issue", "import", csv, "--json");
    j = JSON_OUT(f);
    assert_int_equal(json_integer_value(json_object_get(j, "rows")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "bad_rows")), 1);
}

/* A reader may export but not import. */
static void test_import_permission(void **state)
{
    fx *f = *state;
    RUN_IN(f, "reader password 1\n", NULL, 0, "user", "add", "reader", "--role", "viewer",
           "--password-stdin", "--hash-cost", "test");
    const char *env[] = {f->env_db, "ISMS_ACTOR=reader", NULL};
    const char *csv = put_file(f, "r.csv", "title,origin,category\nA,internal,legal\n");
    RUN_ENV(f, env, 0, "context-issue", "export");
    RUN_ENV(f, env, 1, "context-issue", "import", csv);
    TEXT_HAS(f->r.err, "may not");
}

int main(void)
{
    /* Tests choose the database and actor themselves. */
    unsetenv("ISMS_DB");
    unsetenv("ISMS_ACTOR");
    if (!getenv("ISMS_BIN")) {
        fprintf(stderr, "test_cli: set ISMS_BIN to the isms binary\n");
        return 1;
    }
#define T_DIR(t) cmocka_unit_test_setup_teardown(t, setup_dir, teardown)
#define T_DB(t) cmocka_unit_test_setup_teardown(t, setup_db, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_helper_large_output),
        cmocka_unit_test(test_run_helper_stdin_env_signal),
        T_DIR(test_version),
        T_DIR(test_help),
        T_DB(test_export_csv),
        T_DB(test_import_round_trip),
        T_DB(test_risk_workbook),
        T_DB(test_risk_round_trip),
        T_DB(test_import_dry_run_writes_nothing),
        T_DB(test_import_bad_rows),
        T_DB(test_import_header_rules),
        T_DB(test_import_nul_and_invalid_utf8),
        T_DB(test_import_row_too_long),
        T_DB(test_import_permission),
        T_DIR(test_no_arguments),
        T_DIR(test_unknown_command),
        T_DB(test_serve_usage),
        T_DIR(test_db_url_password_hidden),
        T_DIR(test_kind_help),
        T_DIR(test_init),
        T_DIR(test_init_json_and_odd_paths),
        T_DIR(test_init_refuses_other_files),
        T_DIR(test_isms_db_env),
        T_DIR(test_missing_database),
        T_DB(test_crud_context_issue),
        T_DB(test_crud_interested_party),
        T_DB(test_crud_requirement),
        T_DB(test_crud_scope_item),
        T_DB(test_crud_process),
        T_DB(test_climate_decision),
        T_DB(test_process_delete),
        T_DB(test_person),
        T_DB(test_risk_accept),
        T_DB(test_list_filters_sort_search),
        T_DB(test_list_paging),
        T_DB(test_rule_requirement_addressed),
        T_DB(test_rule_scope_item_excluded),
        T_DB(test_rule_process),
        T_DB(test_rule_party_with_requirements),
        T_DB(test_reflist_and_reverse_links),
        T_DB(test_bad_input_table),
        T_DB(test_bad_input_lengths),
        T_DB(test_json_errors),
        T_DIR(test_kinds),
        T_DB(test_schema),
        T_DB(test_actor),
        T_DB(test_text_round_trip),
        T_DB(test_users),
        T_DB(test_tokens),
        T_DB(test_user_totp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
