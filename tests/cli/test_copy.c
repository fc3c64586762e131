/*
 * `isms copy` through the real binary: a source ISMS built with the CLI
 * (records of several kinds, a self-reference, links, updates, a retired
 * and a deleted record, a redaction, a checkpoint, users with roles, a
 * token), copied SQLite to SQLite, and SQLite to PostgreSQL and back when
 * ISMS_TEST_PG_URL names a test cluster. Every copied table is compared
 * row by row (values and their SQLite types) through the sqlite3 C API, the
 * change log verifies with the same last entry, new ids continue after the
 * source's, a token of the source authenticates at the destination, and
 * the refusals leave the destination as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/run.h"
#include "core/token.h"
#include "store/store.h"

static char g_dir[64];

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", g_dir, name);
}

/* Run isms with these arguments (NULL-terminated); returns the result for checks. */
static run_result isms_v(const char *stdin_text, const char *const *args)
{
    run_result r = {0};
    run_isms(args, stdin_text, (const char *const[]){"ISMS_ACTOR", "ISMS_DB", NULL}, &r);
    return r;
}

#define ISMS(...) isms_v(NULL, (const char *const[]){__VA_ARGS__, NULL})

/* Run and require success; the output is returned (caller frees). */
static char *ok(run_result r)
{
    if (r.status != 0)
        fail_msg("isms failed (%d): %s%s", r.status, r.out, r.err);
    free(r.err);
    return r.out;
}

#define OK(...) free(ok(ISMS(__VA_ARGS__)))

/* The last line's token of `isms token create`. */
static void last_line(const char *out, char *buf, size_t size)
{
    const char *end = out + strlen(out);
    while (end > out && end[-1] == '\n')
        end--;
    const char *start = end;
    while (start > out && start[-1] != '\n')
        start--;
    snprintf(buf, size, "%.*s", (int)(end - start), start);
}

static char g_token[128];

/* Change a source's file around isms (as only someone with the file can). */
static void tamper(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

/* A source with some of everything the copy must carry. */
static void build_source(const char *db)
{
    run_result r =
        isms_v("correct horse battery staple\n",
               (const char *const[]){"init", "--db", db, "--org", "Acme", "--admin", "admin",
                                     "--password-stdin", "--hash-cost", "test", NULL});
    free(ok(r));
    OK("--db", db, "person", "add", "--name", "Ann");
    OK("--db", db, "person", "add", "--name", "Bob", "--manager", "PER-1");
    OK("--db", db, "person", "add", "--name", "Cy");
    OK("--db", db, "person", "set", "PER-1", "--manager", "PER-3"); /* refers to a later id */
    OK("--db", db, "process", "add", "--title", "Sales", "--owner", "PER-1");
    OK("--db", db, "process", "add", "--title", "Buying", "--owner", "PER-2", "--interacts-with",
       "PRC-1");
    OK("--db", db, "process", "add", "--title", "Gone", "--owner", "PER-2");
    OK("--db", db, "process", "add", "--title", "Billing", "--owner", "PER-2", "--interacts-with",
       "PRC-2,PRC-1", "--purpose", "Invoices, \"quoted\"\nand lines");
    OK("--db", db, "process", "delete", "PRC-3");
    OK("--db", db, "process", "retire", "PRC-4", "--reason", "merged"); /* keeps its links */
    OK("--db", db, "process", "add", "--title", "Last", "--owner", "PER-3");
    OK("--db", db, "process", "delete", "PRC-5"); /* the largest id is gone: 4 is the max */
    OK("--db", db, "interested-party", "add", "--title", "Customers", "--category", "customer",
       "--origin", "external");
    OK("--db", db, "context-issue", "add", "--title", "Market", "--origin", "external",
       "--category", "economic", "--effect", "negative");
    OK("--db", db, "context-issue", "set", "ISS-1", "--title", "Market share");
    /* Risks: the destination counts its heat maps again and must get the same counts. */
    OK("--db", db, "risk", "add", "--title", "Laptop theft", "--owner", "PER-1", "--likelihood",
       "3", "--impact", "4", "--treatment", "modify", "--residual-likelihood", "1",
       "--residual-impact", "2");
    OK("--db", db, "risk", "add", "--title", "Phishing", "--owner", "PER-2", "--likelihood",
       "3", "--impact", "4", "--treatment", "modify");
    OK("--db", db, "risk", "add", "--title", "Flood", "--owner", "PER-2", "--likelihood", "1",
       "--impact", "5", "--treatment", "share");
    OK("--db", db, "risk", "set", "RSK-2", "--likelihood", "2");
    OK("--db", db, "risk", "retire", "RSK-3", "--reason", "site moved");
    run_result u = isms_v("another good password\n",
                          (const char *const[]){"--db", db, "user", "add", "bea", "--role",
                                                "contributor", "--person", "PER-2",
                                                "--password-stdin", "--hash-cost", "test", NULL});
    free(ok(u));
    char *out = ok(ISMS("--db", db, "token", "create", "--label", "ci"));
    last_line(out, g_token, sizeof(g_token));
    free(out);
    OK("--db", db, "log", "redact", "2", "--reason", "personal data");
    char sec[512], pub[512];
    path_in(sec, sizeof(sec), "cp.key");
    path_in(pub, sizeof(pub), "cp.pub");
    OK("log", "keygen", "--secret", sec, "--public", pub);
    OK("--db", db, "log", "checkpoint", "--key", sec);
    OK("--db", db, "person", "set", "PER-2", "--name", "Bob B."); /* after the checkpoint */
    /* More rows than a page of the copy, for keys of a number, a text and two columns. */
    tamper(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1203) "
               "INSERT INTO isms_auth_event (at, event, name, client) "
               "SELECT '2026-01-01T00:00:00Z', 'login_failed', 'x' || i, '10.0.0.1' FROM n");
    tamper(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100) "
               "INSERT INTO isms_settings (key, value) SELECT 'test.k' || i, 'v' || i FROM n");
    tamper(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) "
               "INSERT INTO isms_user_role (user_id, role) SELECT u, 'test' || i FROM n, "
               "(SELECT 1 AS u UNION ALL SELECT 2)");
}

/* --- the canonical dump of a SQLite ISMS ---------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (!s)
        s = "";
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/*
 * Every table isms copies, each row as its values with their SQLite types,
 * rows sorted: two databases with the same dump hold the same data.
 */
static char *dump(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *tables;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT IN ('isms_schema', 'sqlite_sequence', "
                                        "'isms_session', 'isms_login_pending', "
                                        "'isms_session_signing') ORDER BY name",
                                        -1, &tables, NULL),
                     SQLITE_OK);
    sbuf out = {0};
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", name);
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        char **rows = NULL;
        size_t n = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            sbuf row = {0};
            for (int i = 0; i < sqlite3_column_count(s); i++) {
                char head[64];
                snprintf(head, sizeof(head), "|%s:%d:", sqlite3_column_name(s, i),
                         sqlite3_column_type(s, i));
                sb_puts(&row, head);
                if (sqlite3_column_type(s, i) != SQLITE_NULL)
                    sb_add(&row, (const char *)sqlite3_column_text(s, i),
                           (size_t)sqlite3_column_bytes(s, i));
            }
            rows = realloc(rows, (n + 1) * sizeof(*rows));
            assert_non_null(rows);
            rows[n++] = row.p ? row.p : strdup("");
        }
        sqlite3_finalize(s);
        if (n)
            qsort(rows, n, sizeof(*rows), cmp_str);
        char head[160];
        snprintf(head, sizeof(head), "== %s (%zu rows)\n", name, n);
        sb_puts(&out, head);
        for (size_t i = 0; i < n; i++) {
            sb_puts(&out, rows[i]);
            sb_puts(&out, "\n");
            free(rows[i]);
        }
        free(rows);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return out.p;
}

static void assert_same_data(const char *a, const char *b)
{
    char *da = dump(a), *db = dump(b);
    assert_non_null(strstr(da, "== isms_change_log ("));
    assert_null(strstr(da, "== isms_change_log (0 "));
    assert_null(strstr(da, "== isms_log_checkpoint (0 "));
    assert_null(strstr(da, "== process__interacts_with (0 "));
    assert_non_null(strstr(da, "== risk_heat (4 rows)"));
    assert_string_equal(da, db);
    free(da);
    free(db);
}

/* `isms log verify` of a database: its last line names seq and hash. */
static char *verify_line(const char *db)
{
    char *out = ok(ISMS("--db", db, "log", "verify"));
    char *chain = strstr(out, "last seq ");
    assert_non_null(chain);
    char *end = strchr(chain, '\n');
    char *line = strndup(chain, end ? (size_t)(end - chain) : strlen(chain));
    free(out);
    return line;
}

static void assert_token_works(const char *url)
{
    store *s;
    isms_status st;
    store_options opt = {.pool_size = 1};
    assert_int_equal(store_open(&s, registry_default(), url, &opt, &st), ISMS_OK);
    store_conn *c;
    assert_int_equal(store_borrow(s, &c, &st), ISMS_OK);
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(g_token, hash);
    arena a;
    arena_init(&a);
    store_token *tok = NULL;
    if (store_token_by_hash(c, hash, &a, &tok, &st) != ISMS_OK)
        fail_msg("token at %s: %s", url, st.detail);
    assert_string_equal(tok->user_name, "admin");
    assert_null(tok->revoked_at);
    store_user *u;
    assert_int_equal(store_user_by_name(c, "bea", &a, &u, &st), ISMS_OK);
    assert_int_equal(u->person_id, 2);
    assert_int_not_equal(u->roles, 0);
    arena_dispose(&a);
    store_return(c);
    store_free(s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/isms-copy-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_sqlite_to_sqlite(void **state)
{
    (void)state;
    char a[512], b[512];
    path_in(a, sizeof(a), "a.isms");
    path_in(b, sizeof(b), "b.isms");
    build_source(a);
    char *out = ok(ISMS("copy", "--from", a, "--to", b));
    assert_non_null(strstr(out, "isms_change_log"));
    assert_non_null(strstr(out, "verifies at the destination"));
    free(out);
    assert_same_data(a, b);
    char *va = verify_line(a), *vb = verify_line(b);
    assert_string_equal(va, vb);
    free(va);
    free(vb);
    assert_token_works(b);
    /* New ids continue after the source's (PRC-5 was deleted: its id stays used). */
    char *id = ok(ISMS("--db", b, "process", "add", "--title", "New", "--owner", "PER-1"));
    assert_string_equal(id, "PRC-6\n");
    free(id);
    id = ok(ISMS("--db", b, "person", "add", "--name", "Dee"));
    assert_string_equal(id, "PER-4\n");
    free(id);
    /* The copy verifies on its own, new entries included. */
    free(ok(ISMS("--db", b, "log", "verify")));

    /* --json: counts per table and the last entry. */
    char c[512];
    path_in(c, sizeof(c), "c.isms");
    out = ok(ISMS("copy", "--from", a, "--to", c, "--json"));
    assert_non_null(strstr(out, "\"verified\": true"));
    assert_non_null(strstr(out, "\"process\": 3"));
    assert_non_null(strstr(out, "\"last_hash\""));
    free(out);
}

static void test_refusals(void **state)
{
    (void)state;
    char a[512], b[512], missing[512];
    path_in(a, sizeof(a), "a.isms");
    path_in(b, sizeof(b), "b.isms");
    path_in(missing, sizeof(missing), "missing.isms");
    build_source(a);
    OK("copy", "--from", a, "--to", b);
    char *before = dump(b);

    /* A destination that holds an ISMS: refused, nothing changed there. */
    run_result r = ISMS("copy", "--from", a, "--to", b);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "--to:"));
    assert_non_null(strstr(r.err, "already holds an ISMS"));
    run_result_free(&r);
    char *after = dump(b);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* The same database at both ends. */
    r = ISMS("copy", "--from", a, "--to", a);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--from and --to name the same database"));
    run_result_free(&r);
    char dotted[600];
    snprintf(dotted, sizeof(dotted), "%s/./a.isms", g_dir);
    r = ISMS("copy", "--from", a, "--to", dotted);
    assert_int_equal(r.status, 2);
    run_result_free(&r);

    /* A scheme no driver serves. */
    r = ISMS("copy", "--from", a, "--to", "mysql://db.example/isms");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--to: unknown scheme"));
    run_result_free(&r);

    /* A source that is not there; nothing is created at the destination. */
    char fresh[512];
    path_in(fresh, sizeof(fresh), "fresh.isms");
    r = ISMS("copy", "--from", missing, "--to", fresh);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "--from:"));
    run_result_free(&r);
    assert_int_not_equal(access(fresh, F_OK), 0);

    /* Missing options. */
    r = ISMS("copy", "--from", a);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--to"));
    run_result_free(&r);

    /* Only an administrator of the source may copy it. */
    r = ISMS("copy", "--from", a, "--to", fresh, "--as", "bea");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "may not copy"));
    run_result_free(&r);
    assert_int_not_equal(access(fresh, F_OK), 0);

    /* Help. */
    char *help = ok(ISMS("copy", "--help"));
    assert_non_null(strstr(help, "--from DB"));
    free(help);
    help = ok(ISMS("--help"));
    assert_non_null(strstr(help, "copy"));
    free(help);
}

/* A copy that fails leaves no destination behind (a SQLite file it made is removed). */
static void test_failure_leaves_nothing(void **state)
{
    (void)state;
    char a[512], b[512];
    path_in(a, sizeof(a), "a.isms");
    path_in(b, sizeof(b), "b.isms");
    build_source(a);
    /* A record changed around the change log: the copy is written, then fails to verify. */
    tamper(a, "UPDATE process SET title = 'Forged' WHERE id = 1");
    run_result r = ISMS("copy", "--from", a, "--to", b);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "--to: the copy does not verify"));
    run_result_free(&r);
    assert_int_not_equal(access(b, F_OK), 0);
    if (!fixture_driver_available("postgres"))
        return;
    /* PostgreSQL refuses a value SQLite took: the copy rolls back, no data arrives. */
    tamper(a, "UPDATE process SET title = 'Sales' WHERE id = 1; "
              "UPDATE isms_auth_event SET user_id = 'nobody' WHERE id = 1");
    char pg[512];
    test_db_url("postgres", pg, sizeof(pg));
    r = ISMS("copy", "--from", a, "--to", pg);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "copying table isms_auth_event"));
    run_result_free(&r);
    /* Written, then refused by the verification: dropped again. */
    tamper(a, "UPDATE isms_auth_event SET user_id = NULL WHERE id = 1; "
              "UPDATE process SET title = 'Forged' WHERE id = 1");
    r = ISMS("copy", "--from", a, "--to", pg);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "--to: the copy does not verify"));
    run_result_free(&r);
    /* The database is as it was: empty, so the copy can be run again once the source is right. */
    tamper(a, "UPDATE process SET title = 'Sales' WHERE id = 1");
    OK("copy", "--from", a, "--to", pg);
    r = ISMS("copy", "--from", a, "--to", pg);
    assert_non_null(strstr(r.err, "already holds an ISMS"));
    run_result_free(&r);
    test_db_cleanup(pg);
}

/* SQLite -> PostgreSQL -> SQLite: the round trip gives back the same data. */
static void test_postgres_round_trip(void **state)
{
    (void)state;
    if (!fixture_driver_available("postgres"))
        skip();
    char a[512], back[512], pg[512], pg2[512];
    path_in(a, sizeof(a), "a.isms");
    path_in(back, sizeof(back), "back.isms");
    test_db_url("postgres", pg, sizeof(pg));
    test_db_url("postgres", pg2, sizeof(pg2));
    build_source(a);
    char *out = ok(ISMS("copy", "--from", a, "--to", pg));
    assert_non_null(strstr(out, "verifies at the destination"));
    free(out);
    char *va = verify_line(a), *vp = verify_line(pg);
    assert_string_equal(va, vp);
    assert_token_works(pg);

    /* A non-empty PostgreSQL destination is refused, unchanged. */
    run_result r = ISMS("copy", "--from", a, "--to", pg);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "already holds an ISMS"));
    run_result_free(&r);
    char *vp2 = verify_line(pg);
    assert_string_equal(vp, vp2);
    free(vp2);

    OK("copy", "--from", pg, "--to", back);
    assert_same_data(a, back);
    char *vb = verify_line(back);
    assert_string_equal(va, vb);
    free(va);
    free(vp);
    free(vb);

    /* New ids at PostgreSQL continue after the source's. */
    char *id = ok(ISMS("--db", pg, "process", "add", "--title", "New", "--owner", "PER-1"));
    assert_string_equal(id, "PRC-6\n");
    free(id);
    id = ok(ISMS("--db", pg, "person", "add", "--name", "Dee"));
    assert_string_equal(id, "PER-4\n");
    free(id);
    free(ok(ISMS("--db", pg, "log", "verify")));

    /* PostgreSQL -> PostgreSQL works too. */
    OK("copy", "--from", pg, "--to", pg2);
    test_db_cleanup(pg);
    test_db_cleanup(pg2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sqlite_to_sqlite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_postgres_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, setup, teardown),
    };
    return cmocka_run_group_tests_name("copy", tests, NULL, NULL);
}
